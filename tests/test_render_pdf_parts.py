"""A long PDF laid out in parts (generator/render/pdf_parts.py) is the same document as one
laid out in one piece: the same text on every page (pdftotext), page count, 目录 page numbers,
bookmarks (titles, levels, target pages and positions), 目录 links, page sizes (landscape
tables), page images (the page numbers are drawn, not text) and document information.

The unit is synthetic (generator/synthetic.py) with enough 项 rows that the narrative and
the long tables are cut several times; parts are made small (``part_pages``) so that every
kind of cut happens in a document that lays out in seconds."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from render_fixtures import pdf_page_texts, shared_renderer

from generator.render.pdf import PdfRenderer
from generator.render.pdf_parts import SPLIT_PAGES
from generator.report import build_document
from generator.synthetic import synthetic_disclosure

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils not installed"
)

ROWS = 120
PART_PAGES = 8


def _document(rows: int = ROWS, mark: str = ""):
    doc = build_document(synthetic_disclosure(seed=3, rows=rows, projects=3))
    doc.mark = mark
    return doc


@functools.lru_cache(maxsize=None)
def _pair(tmp: str, variant: str = "", rows: int = ROWS, mark: str = ""):
    """(whole, parts) PDFs and layouts of the synthetic unit."""
    renderer = shared_renderer()
    if variant:
        renderer = PdfRenderer()
        renderer.pdf_variant = variant  # type: ignore[attr-defined]
    doc = _document(rows, mark)
    out = {}
    for name, split in (("whole", False), ("parts", True)):
        layout = renderer.lay_out(doc, split=split, part_pages=PART_PAGES)
        path = Path(tmp) / f"{name}{variant.replace('/', '-')}{mark}.pdf"
        renderer.write(doc, path, layout)
        out[name] = (path, layout)
    return out


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return _pair(str(tmp_path_factory.mktemp("parts")), mark="草稿")


def _toc_numbers(path: Path) -> list[tuple[str, int]]:
    """(entry, page number) of each 目录 line as printed (``pdftotext -layout``)."""
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "2", str(path), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    return [(m.group(1), int(m.group(2))) for m in re.finditer(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", text, re.M)]


def _outline(path: Path) -> list[tuple]:
    reader = PdfReader(str(path))
    found: list[tuple] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item),
                              round(float(item.left or 0), 2), round(float(item.top or 0), 2)))

    walk(reader.outline, 0)
    return found


def _links(path: Path) -> list[tuple]:
    reader = PdfReader(str(path))
    dests = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot["/Subtype"] == "/Link":
                target = dests[str(annot["/Dest"])]
                found.append((number, [round(float(v), 2) for v in annot["/Rect"]],
                              reader.get_destination_page_number(target)))
    return found


def test_the_document_was_really_laid_out_in_parts(pair):
    whole, parts = pair["whole"][1], pair["parts"][1]
    assert whole.parts is None and whole.document is not None
    assert parts.document is None and parts.parts is not None
    # title + 目录, then narrative and tables cut several times
    assert len(parts.parts.parts) >= 5
    assert whole.pages > 3 * PART_PAGES


def test_same_page_count_and_text_on_every_page(pair):
    whole = pdf_page_texts(pair["whole"][0])
    parts = pdf_page_texts(pair["parts"][0])
    assert len(PdfReader(str(pair["parts"][0])).pages) == len(PdfReader(str(pair["whole"][0])).pages)
    assert pair["parts"][1].pages == pair["whole"][1].pages == len(whole)
    assert len(parts) == len(whole)
    for number, (a, b) in enumerate(zip(parts, whole, strict=True), start=1):
        assert a == b, f"page {number}"
    # the draft mark is on every page of the joined file
    assert all("草稿" in text for text in parts)


def test_same_toc_page_numbers(pair):
    whole, parts = pair["whole"][1], pair["parts"][1]
    assert parts.anchor_pages == whole.anchor_pages
    assert max(parts.anchor_pages.values()) > PART_PAGES  # targets in later parts
    # the printed 目录: entry text and number as laid out
    printed = {name: _toc_numbers(pair[name][0]) for name in ("whole", "parts")}
    assert len(printed["parts"]) > 20
    assert printed["parts"] == printed["whole"]
    assert [n for _, n in printed["parts"]][-1] == max(parts.anchor_pages.values())


def test_same_bookmarks_and_toc_links(pair):
    whole, parts = _outline(pair["whole"][0]), _outline(pair["parts"][0])
    assert len(whole) > 20
    assert parts == whole
    assert any(depth > 0 for depth, *_ in parts)  # nesting kept
    links = _links(pair["parts"][0])
    assert links and links == _links(pair["whole"][0])
    assert max(page for *_, page in links) > PART_PAGES


def test_same_page_sizes_images_and_information(pair, tmp_path):
    a, b = PdfReader(str(pair["parts"][0])), PdfReader(str(pair["whole"][0]))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in a.pages]
    assert sizes == [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in b.pages]
    assert any(w > h for w, h in sizes)  # landscape tables among them
    assert a.metadata == b.metadata
    images = {}
    for name, path in (("parts", pair["parts"][0]), ("whole", pair["whole"][0])):
        (tmp_path / name).mkdir()
        subprocess.run(["pdftoppm", "-r", "24", str(path), str(tmp_path / name / "p")], check=True)
        images[name] = sorted((tmp_path / name).iterdir())
    assert len(images["parts"]) == len(images["whole"]) == len(sizes)
    for x, y in zip(images["parts"], images["whole"], strict=True):
        assert x.read_bytes() == y.read_bytes(), f"page image {x.name} differs"


def test_pdf_a_parts_keep_the_metadata_and_output_intent(tmp_path):
    made = _pair(str(tmp_path), "pdf/a-3b", rows=40)
    with pikepdf.open(made["parts"][0]) as joined, pikepdf.open(made["whole"][0]) as whole:
        assert "/OutputIntents" in joined.Root
        xmp = bytes(joined.Root.Metadata.read_bytes()).decode("utf-8")
        assert re.search(r'pdfaid:part(="|>)3', xmp)
        assert _document(rows=40).title in xmp
        assert "/OutputIntents" in whole.Root
        for page in joined.pages:
            for annot in page.obj.get("/Annots", []):
                assert int(annot.F) == 4
    assert len(made["parts"][1].parts.parts) >= 3
    assert pdf_page_texts(made["parts"][0]) == pdf_page_texts(made["whole"][0])


def test_short_documents_are_laid_out_in_one_piece():
    doc = _document(rows=12)
    layout = shared_renderer().lay_out(doc)
    assert layout.parts is None and layout.pages < SPLIT_PAGES


def test_page_number_rules_start_at_the_part_offset():
    from urllib.parse import quote

    from generator import fonts
    from generator.render.page_numbers import SVG_URL_PREFIX, number_svg, page_number_css

    latin = fonts.resolve_fonts(None).get(fonts.LATIN_ROLE)
    if latin is None:
        pytest.skip("no Latin face")

    def svg(n: int) -> str:
        return SVG_URL_PREFIX + quote(number_svg(f"— {n} —", latin.path, 14), safe="")

    whole = page_number_css(3, latin.path, 14, "— ", " —", False).splitlines()
    assert [r.split(")")[0] for r in whole] == ["@page :nth(2", "@page :nth(3"]  # no number on page 1
    part = page_number_css(3, latin.path, 14, "— ", " —", False, offset=40).splitlines()
    assert len(part) == 3
    for n, rule in enumerate(part, start=1):
        assert rule.startswith(f"@page :nth({n}) ") and svg(40 + n) in rule


# -- the parts laid out by several processes at once (generator/render/pdf_parallel.py) --------

WORKERS = 3


def _parallel(tmp: Path, name: str, doc=None, **patches):
    """Lay the synthetic unit out in parts by :data:`WORKERS` processes (runs made short enough
    for this document) and write it; ``patches`` replace names of the module meanwhile."""
    from generator.render import pdf_parallel

    renderer = shared_renderer()
    doc = doc or _document(mark="草稿")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf_parallel, "MIN_RUN_PAGES", 5)
        for attr, value in patches.items():
            mp.setattr(pdf_parallel, attr, value)
        layout = renderer.lay_out(doc, split=True, part_pages=PART_PAGES, workers=WORKERS)
    path = tmp / f"{name}.pdf"
    renderer.write(doc, path, layout)
    return path, layout


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    return _parallel(tmp_path_factory.mktemp("parallel"), "parallel")


def _page_images(path: Path, tmp: Path, pages: list[int] | None = None) -> list[bytes]:
    tmp.mkdir()
    if pages is None:
        subprocess.run(["pdftoppm", "-r", "24", str(path), str(tmp / "p")], check=True)
    else:
        for n in pages:
            subprocess.run(["pdftoppm", "-r", "40", "-f", str(n), "-l", str(n), str(path), str(tmp / f"p{n:04d}")],
                           check=True)
    return [p.read_bytes() for p in sorted(tmp.iterdir())]


def _same_document(path: Path, layout, sequential, tmp: Path, pages: list[int] | None = None) -> None:
    """``path``/``layout`` is the same document as the one laid out part after part."""
    seq_path, seq_layout = sequential
    texts = pdf_page_texts(path)
    assert len(PdfReader(str(path)).pages) == len(PdfReader(str(seq_path)).pages) == layout.pages
    assert layout.pages == seq_layout.pages
    for number, (a, b) in enumerate(zip(texts, pdf_page_texts(seq_path), strict=True), start=1):
        assert a == b, f"page {number}"
    assert layout.anchor_pages == seq_layout.anchor_pages
    assert _toc_numbers(path) == _toc_numbers(seq_path)
    assert _outline(path) == _outline(seq_path)
    assert _links(path) == _links(seq_path)
    assert PdfReader(str(path)).metadata == PdfReader(str(seq_path)).metadata
    mine = _page_images(path, tmp / "mine", pages)
    theirs = _page_images(seq_path, tmp / "theirs", pages)
    assert len(mine) == len(theirs) == (len(pages) if pages else layout.pages)
    for number, (x, y) in enumerate(zip(mine, theirs, strict=True), start=1):
        assert x == y, f"page image {number} differs"


def test_parallel_parts_were_laid_out_by_several_processes(parallel, pair):
    layout = parallel[1]
    assert layout.document is None and layout.parts is not None
    assert layout.parts.processes == WORKERS
    assert pair["parts"][1].parts.processes == 1


def test_parallel_parts_make_the_same_document_as_sequential_parts(parallel, pair, tmp_path):
    """Text, page count, 目录 numbers, bookmarks, links, information and every page's image
    (the page numbers of the later runs were drawn from estimates and swapped)."""
    _same_document(*parallel, pair["parts"], tmp_path)
    assert max(parallel[1].anchor_pages.values()) > 2 * PART_PAGES


def test_a_run_whose_page_numbers_cannot_be_swapped_is_laid_out_again(pair, tmp_path):
    from generator.render import pdf_parallel

    swaps: list[tuple[int, int]] = []

    def refuse(self, page, old, new):
        swaps.append((old, new))
        raise pdf_parallel._Mismatch(f"{old} → {new}")

    path, layout = _parallel(tmp_path, "again", _Numbers=type("_Refusing", (pdf_parallel._Numbers,), {"swap": refuse}))
    assert swaps  # a later run was numbered from an estimate, and laid out again (here)
    assert layout.parts.processes < WORKERS
    _same_document(path, layout, pair["parts"], tmp_path, pages=[1, 2, layout.pages // 2, layout.pages])


def test_a_process_that_dies_leaves_the_parts_to_this_process(pair, tmp_path, caplog):
    import os

    def die(*_args):
        os._exit(3)

    with caplog.at_level("WARNING", logger="generator.render.pdf_parallel"):
        path, layout = _parallel(tmp_path, "died", _run_in_child=die)
    assert layout.parts.processes == 1
    assert any("改为逐段排版" in r.getMessage() for r in caplog.records)
    assert pdf_page_texts(path) == pdf_page_texts(pair["parts"][0])
    assert layout.anchor_pages == pair["parts"][1].anchor_pages


def test_a_document_error_in_a_process_is_the_units_error(tmp_path):
    import os

    from generator.errors import RenderError
    from generator.render import pdf_parallel

    parent = os.getpid()

    def broken(*args):
        if os.getpid() != parent:
            raise RenderError("无法生成 PDF：字体中没有这些字符，会显示为方框：“?”")
        return original(*args)

    original = pdf_parallel._run
    with pytest.raises(RenderError, match="会显示为方框"):
        _parallel(tmp_path, "broken", _run=broken)
    assert not list(tmp_path.glob("*.pdf"))


def test_swapped_page_number_is_drawn_as_weasyprint_draws_it(tmp_path):
    """A page numbered 12, renumbered 13, looks exactly as the page WeasyPrint numbered 13."""
    import io

    from generator.render import pdf_parallel

    renderer = shared_renderer()
    renderer._load()
    html = renderer._html_class()(string="<html><body>" + '<div style="break-before: page"></div>' * 4
                                  + "</body></html>", base_url=renderer.base_url, url_fetcher=renderer._fetcher)
    numbering = renderer._page_number_sheet(4, offset=10)  # 11…14
    buffer = io.BytesIO()
    html.render(stylesheets=[renderer._css, *numbering], font_config=renderer._font_config).write_pdf(buffer)
    numbers = pdf_parallel._Numbers(renderer)
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        before = pdf.pages[1].Contents.read_bytes()
        numbers.swap(pdf.pages[1], 12, 13)
        assert pdf.pages[1].Contents.read_bytes() != before
        with pytest.raises(pdf_parallel._Mismatch):
            numbers.swap(pdf.pages[2], 12, 14)  # page 13 does not show 12
        with pytest.raises(pdf_parallel._Mismatch):
            numbers.swap(pdf.pages[2], 13, 130)  # another count of digits
        pdf.save(tmp_path / "swapped.pdf")
    (tmp_path / "reference.pdf").write_bytes(buffer.getvalue())
    images = {}
    for name in ("swapped", "reference"):
        subprocess.run(["pdftoppm", "-r", "60", "-f", "2", "-l", "3", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True)
        images[name] = [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.ppm"))]
    assert len(images["swapped"]) == 2
    assert images["swapped"][0] == images["reference"][1]  # page 2 now shows 13, as page 3 does
    assert images["swapped"][0] != images["reference"][0]


def test_only_a_unit_made_alone_lays_its_parts_out_on_all_cores():
    from generator.batch import alone, default_jobs
    from generator.pipeline import BuildOptions
    from generator.render.pdf import PdfFormatRenderer

    options = BuildOptions()
    assert options.pdf_part_workers == 1  # batch workers, the web server's workers, the cluster
    assert alone(options, 1, None).pdf_part_workers == default_jobs()
    assert alone(options, 5, 1).pdf_part_workers == default_jobs()  # one unit at a time, here
    assert alone(options, 5, 2).pdf_part_workers == 1  # a pool: the units use the cores
    assert alone(options, 5, None).pdf_part_workers == (default_jobs() if default_jobs() == 1 else 1)
    assert alone(options, 1, None, cluster=object()).pdf_part_workers == 1  # type: ignore[arg-type]
    settings = alone(options, 1, None).render_settings()
    assert settings.pdf_part_workers == default_jobs()
    assert PdfFormatRenderer(settings).part_workers == default_jobs()
    assert PdfFormatRenderer(options.render_settings()).part_workers == 1


def test_pdf_a_parallel_parts_make_the_same_pdf_a_document(tmp_path):
    """PDF/A-3b laid out by several processes: the same pages as part after part, and still
    PDF/A (metadata, output intent, printable annotations)."""
    from generator.render import pdf_parallel

    variant = "pdf/a-3b"
    sequential = _pair(str(tmp_path), variant)["parts"]
    renderer = PdfRenderer()
    renderer.pdf_variant = variant  # type: ignore[attr-defined]
    doc = _document()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf_parallel, "MIN_RUN_PAGES", 5)
        layout = renderer.lay_out(doc, split=True, part_pages=PART_PAGES, workers=WORKERS)
    path = tmp_path / "parallel-pdfa.pdf"
    renderer.write(doc, path, layout)
    assert layout.parts is not None and layout.parts.processes == WORKERS
    _same_document(path, layout, sequential, tmp_path, pages=[1, 2, layout.pages // 2, layout.pages])
    with pikepdf.open(path) as made:
        assert "/OutputIntents" in made.Root
        xmp = bytes(made.Root.Metadata.read_bytes()).decode("utf-8")
        assert re.search(r'pdfaid:part(="|>)3', xmp) and doc.title in xmp
        for page in made.pages:
            for annot in page.obj.get("/Annots", []):
                assert int(annot.F) == 4
