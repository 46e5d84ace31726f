"""The renderers as the pipeline drives them: per-document notes, a 目录 whose prefilled page
numbers are the PDF's, and page orientation that follows the document in both files.

* Notes: two units rendered one after the other in one process (one renderer, as a batch
  worker keeps it) each carry only their own notes.
* 目录: for both samples, every page number the DOCX prefills equals the page on which the
  PDF (pdftotext, page by page) shows that heading or table.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from conftest import load_sample, sample_paths
from pypdf import PdfReader
from render_fixtures import W_NS, pdf_page_texts, small_document, squash

from generator.document import Heading, Paragraph
from generator.inputs import dump_json
from generator.pipeline import BuildOptions, Renderers, build_unit
from generator.render.layout import PreparedHeading, PreparedTable, PreparedToc, prepare

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

SAMPLES = sample_paths()
FALLBACK_ONLY = "\u2d30"  # Tifinagh: DejaVu has it, the official fonts do not


# ------------------------------------------------------------------------------------ notes


def test_two_units_in_one_process_keep_their_own_notes(tmp_path):
    options = BuildOptions(out_dir=tmp_path / "out")
    renderers = Renderers(options)
    if not renderers.pdf._system_has_glyph(FALLBACK_ONLY):
        pytest.skip("no installed font has U+2D30")
    a = load_sample(SAMPLES[0])
    a.unit.functions = [f"负责{FALLBACK_ONLY}字母的事务。", *a.unit.functions]
    b = load_sample(SAMPLES[1])
    (tmp_path / "a.json").write_text(dump_json(a), encoding="utf-8")
    (tmp_path / "b.json").write_text(dump_json(b), encoding="utf-8")

    first = build_unit(tmp_path / "a.json", options, renderers)
    second = build_unit(tmp_path / "b.json", options, renderers)
    assert len(first.outputs) == 2 and len(second.outputs) == 2
    assert any(FALLBACK_ONLY in n for n in first.render_notes)
    assert not any(FALLBACK_ONLY in n for n in second.render_notes)
    assert not any(FALLBACK_ONLY in n for n in renderers.pdf.warnings)


# ------------------------------------------------------------------------------------ 目录


def _docx_toc(path: Path) -> list[tuple[str, int]]:
    """(entry text, prefilled page) of every 目录 line of a DOCX."""
    d = docx.Document(str(path))
    out = []
    for p in d.paragraphs:
        style = p._p.pPr.pStyle.val if p._p.pPr is not None and p._p.pPr.pStyle is not None else ""
        if re.fullmatch(r"TOC\d", style):
            # the entry text, then a tab, then the PAGEREF result
            text = "".join(t.text or "" for t in p._p.iter(W_NS + "t"))
            m = re.fullmatch(r"(.*?)(\d+)", text)
            assert m, text
            out.append((m.group(1), int(m.group(2))))
    return out


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def sample_outputs(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("toc")
    result = build_unit(request.param, BuildOptions(out_dir=out))
    assert len(result.outputs) == 2, result.message
    docx_path = next(p for p in result.outputs if p.suffix == ".docx")
    pdf_path = next(p for p in result.outputs if p.suffix == ".pdf")
    return request.param, docx_path, pdf_path


def test_docx_toc_pages_are_the_pages_the_pdf_shows(sample_outputs):
    from generator.inputs import load_input
    from generator.report import build_document

    sample, docx_path, pdf_path = sample_outputs
    pages = [squash(p) for p in pdf_page_texts(pdf_path)]
    prepared = prepare(build_document(load_input(sample).disclosure))
    toc = next(i for i in prepared.items if isinstance(i, PreparedToc))
    lines = _docx_toc(docx_path)
    assert [squash(text) for text, _ in lines] == [squash(e.entry.text) for e in toc.entries]
    last_line = re.compile(re.escape(squash(toc.entries[-1].entry.text)) + r"\.*\d+")
    toc_end = next(n for n, page in enumerate(pages, start=1) if last_line.search(page))
    shown_at = {
        i.anchor: i.table.code + i.table.title if isinstance(i, PreparedTable) else i.heading.text
        for i in prepared.items
        if isinstance(i, (PreparedTable, PreparedHeading))
    }
    wrong = []
    for (text, page), entry in zip(lines, toc.entries, strict=True):
        target = squash(shown_at[entry.anchor])
        # the first page after the 目录 that shows the heading (a table's 表号 and title)
        shown = next(n for n, t in enumerate(pages, start=1) if n > toc_end and target in t)
        if page != shown:
            wrong.append((text, page, shown))
    assert not wrong, wrong
    assert len(lines) >= 30


def test_docx_records_the_pdf_page_count(sample_outputs):
    _, docx_path, pdf_path = sample_outputs
    d = docx.Document(str(docx_path))
    app = next(
        rel.target_part for rel in d.part.package.rels.values() if rel.reltype.endswith("/extended-properties")
    )
    pages = int(re.search(rb"<Pages>(\d+)</Pages>", app.blob).group(1))
    assert pages == len(PdfReader(str(pdf_path)).pages)


# ------------------------------------------------------------------------------------ orientation

AFTER = "表后的说明文字：本段回到纵向页面。"


def _orientation_document():
    doc = small_document()  # ends with a landscape 公开05表
    doc.add(Paragraph(AFTER))
    doc.add(Heading(2, "二、表后的标题", anchor="after"))
    doc.add(Paragraph("标题后的正文。"))
    return doc


def test_text_after_a_landscape_table_is_portrait_in_the_docx(tmp_path):
    from docx.enum.section import WD_ORIENT

    from generator.render.docx import write_docx

    path = tmp_path / "o.docx"
    write_docx(_orientation_document(), path)
    d = docx.Document(str(path))
    body = d.element.body
    # the section that holds a paragraph ends at the first sectPr at or after it
    kinds = []
    for child in body.iterchildren():
        text = "".join(t.text or "" for t in child.iter(W_NS + "t"))
        sect = child.find(f"{W_NS}pPr/{W_NS}sectPr") if child.tag == W_NS + "p" else None
        if child.tag == W_NS + "sectPr":
            sect = child
        kinds.append((text, sect))

    def section_of(needle: str):
        i = next(k for k, (text, _) in enumerate(kinds) if needle in text)
        return next(sect for _, sect in kinds[i:] if sect is not None)

    def landscape(sect) -> bool:
        size = sect.find(W_NS + "pgSz")
        w, h = int(size.get(W_NS + "w")), int(size.get(W_NS + "h"))
        assert (size.get(W_NS + "orient") == "landscape") == (w > h)
        return w > h

    assert landscape(section_of("一般公共服务支出"))  # the table
    assert not landscape(section_of(AFTER))
    assert not landscape(section_of("标题后的正文"))
    assert d.sections[-1].orientation == WD_ORIENT.PORTRAIT


def test_text_after_a_landscape_table_is_portrait_in_the_pdf(tmp_path):
    from render_fixtures import shared_renderer

    path = tmp_path / "o.pdf"
    result = shared_renderer().write(_orientation_document(), path)
    reader = PdfReader(str(path))
    texts = [squash(p) for p in pdf_page_texts(path)]

    def page_of(needle: str) -> int:
        return next(n for n, t in enumerate(texts) if squash(needle) in t)

    def landscape(n: int) -> bool:
        box = reader.pages[n].mediabox
        return box.width > box.height

    table_page = page_of("公开05表")
    assert landscape(table_page)
    assert page_of(AFTER) == table_page + 1 and not landscape(page_of(AFTER))
    assert not landscape(page_of("标题后的正文"))
    assert result.anchor_pages["after"] == page_of("二、表后的标题") + 1


# ------------------------------------------------------------------------------------ order


def _renderer_getter(asked: list[str]):
    from generator.render.registry import RenderSettings, make_renderer

    made: dict[str, object] = {}

    def get(name: str):
        asked.append(name)
        if name not in made:
            made[name] = make_renderer(name, RenderSettings())
        return made[name]

    return get


def test_a_pdf_that_cannot_be_laid_out_leaves_the_docx_written(tmp_path):
    from generator.errors import RenderError
    from generator.render.outputs import write_documents

    doc = small_document(extra=[Paragraph("造字\ue815")])  # no font has it
    outputs = [("docx", tmp_path / "a.docx"), ("pdf", tmp_path / "a.pdf")]
    written = []
    with pytest.raises(RenderError, match="U\\+E815"):
        for _, path, _ in write_documents(doc, outputs, _renderer_getter([])):
            written.append(path)
    assert written == [tmp_path / "a.docx"] and (tmp_path / "a.docx").exists()
    assert not (tmp_path / "a.pdf").exists()


def test_docx_alone_never_makes_a_pdf_renderer(tmp_path):
    from generator.render.outputs import write_documents

    asked: list[str] = []
    out = list(write_documents(small_document(), [("docx", tmp_path / "a.docx")], _renderer_getter(asked)))
    assert asked == ["docx"] and [p for _, p, _ in out] == [tmp_path / "a.docx"]
