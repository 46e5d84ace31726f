"""Tests for the PDF renderer (WeasyPrint): pages, 目录, outline, fonts, security.

Most tests read the PDF of ``render_fixtures.full_document()`` rendered once per session;
they need the fonts scripts/setup.sh installs and poppler's pdftotext/pdffonts.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from render_fixtures import (
    UNIT,
    full_document,
    pdf_page_texts,
    rendered_full,
    shared_renderer,
    small_document,
    squash,
    table_t02,
)

from generator import fonts
from generator.document import Cell, Heading, Paragraph, Table
from generator.errors import RenderError
from generator.render import pdf as pdf_mod
from generator.render.layout import prepare
from generator.render.pdf import LATIN_FACE, PACKAGED_TEMPLATES, PdfRenderer

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)


@pytest.fixture(scope="module")
def full_pdf() -> Path:
    return rendered_full()[1]


@pytest.fixture(scope="module")
def reader(full_pdf) -> PdfReader:
    return PdfReader(str(full_pdf))


@pytest.fixture(scope="module")
def pages(full_pdf) -> list[str]:
    return [squash(p) for p in pdf_page_texts(full_pdf)]


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return out


# ------------------------------------------------------------------------------------ the file


def test_pdf_opens_with_metadata(reader):
    assert 20 <= len(reader.pages) <= 30
    meta = reader.metadata
    assert meta.title == full_document().title
    assert meta.author == UNIT
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_outline_has_every_heading_on_its_page(reader, pages):
    outline = _outline(reader)
    titles = [t for _, t, _ in outline]
    doc = full_document()
    for h in doc.headings():
        assert h.text in titles, h.text
    # a table the 目录 lists is bookmarked with the 目录's words; one it does not list (a
    # 绩效自评表) with its title
    for entry in ("一、《收入支出决算总表》", "九、《财政拨款“三公”经费支出决算表》"):
        assert entry in titles
    assert not any(t.startswith("公开0") for t in titles)
    assert "项目支出绩效自评表" in titles
    depth = {t: d for d, t, _ in outline}
    assert depth["第一部分 单位概况"] == 1 and depth["一、主要职能"] == 2
    assert depth["（一）一般公共预算财政拨款支出决算总体情况"] == 3
    for _, title, page in outline:
        # a table's page prints its title without the 目录's numbering and 《》
        target = re.sub(r"^[一二三四五六七八九十]+、《(.*)》$", r"\1", title.split(" ", 1)[-1])
        assert squash(target) in pages[page - 1], title


def test_toc_page_numbers_point_at_the_headings(pages):
    doc = full_document()
    prepared = prepare(doc)
    toc = next(i for i in prepared.items if hasattr(i, "toc"))
    toc_text = pages[0] + pages[1]
    assert squash("目录") in pages[0]
    for e in toc.entries:
        m = re.search(re.escape(squash(e.entry.text)) + r"\.{3,}(\d+)", toc_text)
        assert m, e.entry.text
        page = int(m.group(1))
        target = squash(prepared.anchors[e.anchor])
        assert page > 2
        assert target in pages[page - 1], (e.entry.text, page)
        # …and not already on the page before (the number is the *first* page of the target)
        if page - 2 >= 2:
            assert not pages[page - 2].endswith(target)


def test_every_public_table_starts_on_its_own_page(pages):
    starts = {}
    for n, text in enumerate(pages, start=1):
        m = re.match(r"公开0(\d)表", text)
        if m:
            starts[int(m.group(1))] = n
    assert sorted(starts) == list(range(1, 10))
    assert len(set(starts.values())) == 9


def test_wide_tables_are_on_landscape_pages(reader, pages):
    for n, text in enumerate(pages):
        box = reader.pages[n].mediabox
        landscape = box.width > box.height
        if re.match(r"公开0[2-9]表", text):
            assert landscape, n + 1
        if text.startswith("公开01表") or "第一部分单位概况" in text[:20]:
            assert not landscape, n + 1
    assert not (reader.pages[0].mediabox.width > reader.pages[0].mediabox.height)


def test_header_repeats_on_continuation_pages(pages):
    t = table_t02()
    header = squash("".join(c.text for row in t.header for c in row))
    first = next(n for n, p in enumerate(pages) if p.startswith("公开02表"))
    assert header in pages[first]
    following = pages[first + 1]
    assert following.startswith(header)  # the table went on to a second page…
    assert "公开03表" not in following  # …which is still table 02
    assert squash(t.body[-1][3].text) in "".join(pages[first : first + 4])


def test_no_row_is_split_across_pages(pages):
    t = table_t02()
    for row in t.body[1:]:
        text = squash("".join(c.text for c in row))
        hits = [n for n, p in enumerate(pages) if text in p]
        assert len(hits) == 1, text


def _footer_ink(pdf: Path, page: int, tmp: Path) -> int:
    """Dark pixels in the bottom 12% of a page (where the page number stands)."""
    from PIL import Image

    out = tmp / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", "40", "-gray", "-png", str(pdf), str(out)], check=True
    )
    (png,) = tmp.glob(f"p{page}*.png")
    img = Image.open(png).convert("L")
    w, h = img.size
    strip = img.crop((0, int(h * 0.88), w, h))
    return sum(strip.histogram()[:128])


def test_page_numbers_in_the_footer_are_drawn_not_text(pages, full_pdf, tmp_path):
    """Each page but the title page shows "— N —" in the footer, drawn as outlines so that the
    text layer has no page numbers inside sentences that run across a page break."""
    assert shutil.which("pdftoppm")
    for n, text in enumerate(pages, start=1):
        assert not re.search(rf"—{n}—$", text), n
    assert _footer_ink(full_pdf, 1, tmp_path) == 0
    for n in range(2, len(pages) + 1):
        assert _footer_ink(full_pdf, n, tmp_path) > 10, n


def test_page_number_outlines_differ_by_number():
    from generator.render.page_numbers import number_svg, page_number_css

    latin = fonts.resolve_fonts(None)[fonts.LATIN_ROLE]
    seven, seventy = number_svg("— 7 —", latin.path, 14), number_svg("— 17 —", latin.path, 14)
    assert seven.count("<path") == 3 and seventy.count("<path") == 4
    css = page_number_css(3, latin.path, 14, "— ", " —", first=False)
    assert "@page :nth(1)" not in css and "@page :nth(2)" in css and "@page :nth(3)" in css


def test_empty_table_keeps_its_note(pages):
    page = next(p for p in pages if p.startswith("公开07表"))
    assert "说明：本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，故本表为空表。" in page


# ------------------------------------------------------------------------------------ fonts


def _to_unicode(cmap: str) -> dict[int, str]:
    """Glyph id → text from a ToUnicode CMap (bfchar and bfrange)."""
    out: dict[int, str] = {}

    def text(hexs: str) -> str:
        return bytes.fromhex(hexs).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for lo, hi, rest in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)", block
        ):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for i, d in enumerate(re.findall(r"<([0-9a-fA-F]+)>", rest)):
                    out[lo_i + i] = text(d)
            else:
                base = int(rest[1:-1], 16)
                for i in range(hi_i - lo_i + 1):
                    out[lo_i + i] = chr(base + i)
    return out


def _fc_file(family: str, bold: bool) -> Path:
    out = subprocess.run(
        ["fc-match", "-f", "%{file}", f"{family}:weight={200 if bold else 80}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Path(out)


@needs_poppler
def test_fonts_are_embedded_subsets(full_pdf):
    out = subprocess.run(["pdffonts", str(full_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        cols = row.split()
        assert cols[-5:-2] == ["yes", "yes", "yes"], row  # emb sub uni
    names = " ".join(r.split()[0] for r in rows)
    assert "FandolFang" in names  # the 仿宋 substitute
    assert "DejaVu" not in names  # no accidental fallback face


def test_every_character_has_a_glyph_in_the_font_that_drew_it(reader):
    doc = full_document()
    wanted = {ch for ch in doc.title + doc.plain_text() if not ch.isspace()}
    latin = fonts.resolve_fonts()["latin"].path
    drawn: set[str] = set()
    seen_fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen_fonts[str(font["/BaseFont"])] = font
    assert seen_fonts
    for base, font in seen_fonts.items():
        mapping = _to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
        assert 0 not in mapping, f"{base} draws .notdef"
        chars = {c for s in mapping.values() for c in s if not c.isspace()}
        drawn |= chars
        name = base.split("+", 1)[-1]
        bold = name.endswith("-Bold")
        family = name.removesuffix("-Bold").replace("-", " ")
        if family == LATIN_FACE:
            path = latin if not bold else _fc_file("Liberation Serif", True)
        else:
            path = _fc_file(family, bold)
        assert fonts.missing_glyphs("".join(chars), path) == set(), (base, path)
    assert wanted <= drawn, sorted(wanted - drawn)


def test_latin_face_covers_only_latin(full_pdf):
    # Chinese quotes “” stay with the Chinese font (full-width, as in Word with zh-CN)
    reader = PdfReader(str(full_pdf))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if LATIN_FACE.replace(" ", "-") in str(font["/BaseFont"]):
                mapping = _to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
                assert not {"“", "”", "（", "—"} & set("".join(mapping.values()))


def test_missing_chinese_font_is_an_error(monkeypatch, tmp_path):
    real = fonts.resolve_fonts

    def without_body(font_dir=None):
        found = real(font_dir)
        found["body"] = None
        return found

    monkeypatch.setattr(fonts, "resolve_fonts", without_body)
    monkeypatch.setattr(
        fonts,
        "check_fonts",
        lambda font_dir=None: [
            "未找到中文字体“仿宋”（FandolFang / 仿宋_GB2312）：请先运行 make setup，或用 --font-dir 指定字体目录"
        ],
    )
    renderer = PdfRenderer()
    target = tmp_path / "x.pdf"
    with pytest.raises(RenderError, match="仿宋"):
        renderer.write(small_document(), target)
    assert not target.exists()


def test_fallback_font_is_a_warning_not_an_error(monkeypatch, tmp_path):
    message = (
        "未找到中文字体“仿宋”（FandolFang / 仿宋_GB2312）：请先运行 make setup（暂用 Noto Serif CJK SC 代替）"
    )
    monkeypatch.setattr(fonts, "check_fonts", lambda font_dir=None: [message])
    renderer = PdfRenderer()
    assert message in renderer.warnings


def test_harfbuzz_missing_is_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(fonts, "harfbuzz_subset_warning", lambda: fonts.HARFBUZZ_SUBSET_WARNING)
    with caplog.at_level(logging.WARNING, logger="generator.render.pdf"):
        renderer = PdfRenderer()
    assert fonts.HARFBUZZ_SUBSET_WARNING in renderer.warnings
    assert "HarfBuzz" in caplog.text


def test_character_without_any_glyph_is_an_error(tmp_path):
    doc = small_document(extra=[Paragraph("八思巴字\ua840在这里")])  # no installed font has U+A840
    target = tmp_path / "x.pdf"
    with pytest.raises(RenderError, match="U\\+A840"):
        shared_renderer().write(doc, target)
    assert not target.exists()


def test_character_only_in_a_system_font_is_a_warning(tmp_path):
    renderer = PdfRenderer()
    doc = small_document(extra=[Paragraph("提非纳字母\u2d30")])  # DejaVu has it, the role fonts do not
    if not renderer._system_has_glyph("\u2d30"):
        pytest.skip("no installed font has U+2D30")
    result = renderer.write(doc, tmp_path / "x.pdf")
    assert any("\u2d30" in n for n in result.notes)
    assert not any("\u2d30" in w for w in renderer.warnings)  # a note of that document only


def test_notes_belong_to_their_document(tmp_path):
    """Unit A has a character only a fallback font has, unit B has not: rendered one after
    the other by one renderer, B's notes do not carry A's note (nor does the renderer)."""
    renderer = PdfRenderer()
    if not renderer._system_has_glyph("\u2d30"):
        pytest.skip("no installed font has U+2D30")
    doc_a = small_document(extra=[Paragraph("提非纳字母\u2d30")])
    doc_b = small_document()
    doc_b.title = "另一单位2024年单位决算公开说明"
    a = renderer.write(doc_a, tmp_path / "a.pdf")
    b = renderer.write(doc_b, tmp_path / "b.pdf")
    again = renderer.write(doc_a, tmp_path / "a2.pdf")
    assert any("\u2d30" in n for n in a.notes) and any("\u2d30" in n for n in again.notes)
    assert not any("\u2d30" in n for n in b.notes)
    assert b.notes == renderer.warnings  # only what concerns every document: the fonts
    assert (a.path, b.path) == (tmp_path / "a.pdf", tmp_path / "b.pdf")
    assert b.pages == len(PdfReader(str(b.path)).pages)


def test_private_use_character_is_an_error_before_rendering(tmp_path):
    doc = small_document(extra=[Paragraph("造字\ue815")])  # a GBK private-use 造字
    with pytest.raises(RenderError, match="U\\+E815"):
        shared_renderer().check_glyphs(doc)


def test_notdef_glyphs_stop_the_write_and_leave_the_old_file(tmp_path, monkeypatch):
    renderer = PdfRenderer()
    monkeypatch.setattr(renderer, "check_glyphs", lambda doc: [])  # let it through to WeasyPrint
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    doc = small_document(extra=[Paragraph("方框\u0378")])  # unassigned: no font has a glyph
    with pytest.raises(RenderError, match="U\\+0378"):
        renderer.write(doc, target)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["x.pdf"]


def test_font_dir_fonts_are_declared_with_font_face(tmp_path):
    from fontkit import make_font

    doc = small_document()
    chars = "".join(sorted({ch for ch in doc.plain_text() + doc.title + "目录" if not ch.isspace()}))
    font_dir = tmp_path / "fonts"
    font_dir.mkdir()
    make_font(font_dir / "fsgb2312.ttf", "FangSong_GB2312", chars, zh_name="仿宋_GB2312")

    renderer = PdfRenderer(font_dir=font_dir)
    assert renderer.matches["body"].source == "font_dir"
    target = tmp_path / "x.pdf"
    renderer.write(doc, target)
    assert (
        "@font-face" in renderer.css_text
        and (font_dir / "fsgb2312.ttf").resolve().as_uri() in renderer.css_text
    )
    used = " ".join(
        str(f.get_object()["/BaseFont"])
        for p in PdfReader(str(target)).pages
        for f in p["/Resources"]["/Font"].values()
    )
    assert "GB2312" in used  # the bureau's font set the body text


def test_missing_font_dir_is_an_error(tmp_path):
    renderer = PdfRenderer(font_dir=tmp_path / "nope")
    with pytest.raises(RenderError, match="字体目录不存在"):
        renderer.write(small_document(), tmp_path / "x.pdf")


# ------------------------------------------------------------------------------------ security


def test_markup_in_text_prints_as_text(tmp_path):
    evil = '<img src="file:///etc/passwd"><script>x</script>&amp;'
    doc = small_document(
        extra=[
            Paragraph(evil),
            Heading(2, "<b>标题</b>"),
            Table("x", "<i>表</i>", [], [[Cell(evil)]], [1.0], new_page=False),
        ]
    )
    renderer = shared_renderer()
    html = renderer.html(doc)
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    target = tmp_path / "x.pdf"
    renderer.write(doc, target)
    reader = PdfReader(str(target))
    text = squash("".join(p.extract_text() for p in reader.pages))
    assert squash(evil) in text and "<b>标题</b>" in text and "<i>表</i>" in text
    for page in reader.pages:
        assert not page["/Resources"].get("/XObject")  # nothing was fetched and drawn


def test_fetcher_refuses_everything_outside_the_allowed_places(tmp_path):
    allowed = tmp_path / "ok"
    allowed.mkdir()
    (allowed / "a.css").write_text("p{}")
    single = tmp_path / "font.ttf"
    single.write_bytes(b"x")
    fetcher = pdf_mod._make_fetcher([allowed], [single])
    for path, content in (((allowed / "a.css"), b"p{}"), (single, b"x")):
        resp = fetcher.fetch(path.as_uri())
        try:
            assert resp.read() == content
        finally:
            resp.close()
    for url in (
        "file:///etc/passwd",
        (allowed / ".." / "font.ttf").as_uri() + "x",
        "http://example.com/a.png",
        "https://example.com/",
        "data:text/plain,hello",
        f"file://{allowed}/../../../../etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_template_override_and_refused_url(tmp_path, caplog):
    from PIL import Image

    override = tmp_path / "tpl" / "pdf"
    override.mkdir(parents=True)
    Image.new("RGB", (4, 4), "red").save(override / "seal.png")
    html = (PACKAGED_TEMPLATES / "pdf" / "report.html.j2").read_text(encoding="utf-8")
    html = html.replace(
        "<body>", '<body>\n<p class="s-plain">本地模板标记</p>\n<img src="file:///etc/hostname">', 1
    )
    html = html.replace("</body>", f'<img src="{(override / "seal.png").as_uri()}">\n</body>', 1)
    (override / "report.html.j2").write_text(html, encoding="utf-8")
    renderer = PdfRenderer(templates_dir=tmp_path / "tpl")
    target = tmp_path / "x.pdf"
    with caplog.at_level(logging.WARNING):
        renderer.write(small_document(), target)
    reader = PdfReader(str(target))
    assert "本地模板标记" in reader.pages[0].extract_text()
    assert "拒绝读取" in caplog.text and "/etc/hostname" in caplog.text
    # the image inside the templates directory was read: exactly one image in the file
    images = [name for p in reader.pages for name in (p["/Resources"].get("/XObject") or {})]
    assert len(set(images)) == 1


def test_missing_template_names_the_searched_directories(tmp_path):
    empty = tmp_path / "tpl"
    empty.mkdir()
    renderer = PdfRenderer(templates_dir=empty)
    renderer._env.loader.searchpath = [str(empty)]  # as if the packaged templates were gone
    with pytest.raises(RenderError, match="找不到 PDF 模板"):
        renderer.write(small_document(), tmp_path / "x.pdf")


# ------------------------------------------------------------------------------------ reuse


def test_one_renderer_renders_many_documents(tmp_path):
    renderer = shared_renderer()
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    doc_b = small_document()
    doc_b.title = "另一单位2024年单位决算公开说明"
    renderer.write(small_document(), a)
    renderer.write(doc_b, b)
    assert PdfReader(str(a)).metadata.title == small_document().title
    assert PdfReader(str(b)).metadata.title == doc_b.title
    assert os.listdir(tmp_path) == sorted(["a.pdf", "b.pdf"]) or set(os.listdir(tmp_path)) == {
        "a.pdf",
        "b.pdf",
    }


def test_landscape_page_of_small_document(tmp_path):
    target = tmp_path / "s.pdf"
    shared_renderer().write(small_document(), target)
    reader = PdfReader(str(target))
    assert len(reader.pages) == 3
    first, last = reader.pages[0].mediabox, reader.pages[-1].mediabox
    assert first.height > first.width and last.width > last.height


def test_cut_down_user_agent_stylesheet_covers_every_element_we_write():
    """templates/pdf/ua.css replaces WeasyPrint's full UA stylesheet for speed; it must have the
    display rule of every element the HTML template writes (else that element would render inline)."""
    from render_fixtures import full_document

    html = PdfRenderer().html(full_document())
    tags = set(re.findall(r"<([a-z][a-z0-9]*)\b", html)) - {"span", "a", "b", "br"}  # inline by default
    ua = (PACKAGED_TEMPLATES / "pdf" / "ua.css").read_text(encoding="utf-8")
    display_rules = " ".join(line for line in ua.splitlines() if "display:" in line)
    missing = {t for t in tags if not re.search(rf"(?<![\w-]){t}(?![\w-])", display_rules)}
    assert not missing, missing
