"""DOCX and PDF of one Document carry the same text, and the DOCX 目录 estimate is close.

Normalisation: all whitespace is removed (line breaks, tabs, the space between 单位 and
金额单位); the PDF loses its page furniture (page numbers, the 目录 leaders and numbers, the
table header rows repeated at the top of continuation pages); the DOCX 目录 lines lose
their page numbers.  What remains must be the same sequence of paragraphs and cells.
"""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader
from render_fixtures import docx_items, full_document, pdf_body_text, rendered_full, squash

from generator.render.layout import prepare
from generator.render.paginate import estimate_pages

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_docx_text_equals_pdf_text():
    docx_path, pdf_path = rendered_full()
    doc = full_document()
    items = docx_items(docx_path)
    pdf_text = pdf_body_text(pdf_path, doc)
    docx_text = "".join(items)
    if docx_text != pdf_text:
        i = next(
            (k for k, (a, b) in enumerate(zip(docx_text, pdf_text, strict=False)) if a != b),
            min(len(docx_text), len(pdf_text)),
        )
        pytest.fail(
            f"texts differ at {i}:\nDOCX …{docx_text[max(0, i - 60) : i + 60]}\nPDF  …{pdf_text[max(0, i - 60) : i + 60]}"
        )
    # the sequence of items, found one after the other in the PDF text
    pos = 0
    for item in items:
        found = pdf_text.find(item, pos)
        assert found == pos, item
        pos = found + len(item)
    assert pos == len(pdf_text)


def test_both_carry_the_document_text():
    docx_path, _ = rendered_full()
    doc = full_document()
    docx_text = "".join(docx_items(docx_path))
    for line in doc.plain_text().splitlines():
        assert squash(line) in docx_text, line


def test_docx_toc_estimate_is_within_a_page_of_the_pdf():
    _, pdf_path = rendered_full()
    prepared = prepare(full_document())
    est = estimate_pages(prepared)
    reader = PdfReader(str(pdf_path))
    pages = [squash(p.extract_text()) for p in reader.pages]
    toc = next(i for i in prepared.items if hasattr(i, "toc"))
    text = pages[0] + pages[1]
    diffs = []
    for e in toc.entries:
        m = re.search(re.escape(squash(e.entry.text)) + r"\.{3,}(\d+)", text)
        assert m, e.entry.text
        diffs.append(est.pages[e.anchor] - int(m.group(1)))
    assert max(abs(d) for d in diffs) <= 1, diffs
    assert sum(d == 0 for d in diffs) >= len(diffs) * 2 // 3, diffs


def _sample_document():
    """The Document the pipeline builds for a sample unit (skipped if those modules are absent)."""
    from pathlib import Path

    inputs = pytest.importorskip("generator.inputs")
    report = pytest.importorskip("generator.report")
    sample = Path(__file__).resolve().parents[1] / "samples" / "data" / "乌鲁木齐市12345政务服务热线中心.json"
    if not sample.is_file():
        pytest.skip("sample data not present")
    return report.build_document(inputs.load_input(sample).disclosure)


def test_sample_unit_renders_the_same_text_with_a_true_toc(tmp_path):
    from render_fixtures import pdf_page_texts, shared_renderer

    from generator.render.docx import write_docx

    doc = _sample_document()
    docx_path, pdf_path = tmp_path / "u.docx", tmp_path / "u.pdf"
    write_docx(doc, docx_path)
    shared_renderer().write(doc, pdf_path)
    assert "".join(docx_items(docx_path)) == pdf_body_text(pdf_path, doc)
    pages = [squash(p) for p in pdf_page_texts(pdf_path)]
    prepared = prepare(doc)
    toc = next(i for i in prepared.items if hasattr(i, "toc"))
    est = estimate_pages(prepared)
    toc_text = "".join(pages[:3])
    for e in toc.entries:
        m = re.search(re.escape(squash(e.entry.text)) + r"\.{3,}(\d+)", toc_text)
        assert m and e.anchor, e.entry.text
        page = int(m.group(1))
        assert squash(prepared.anchors[e.anchor]) in pages[page - 1], e.entry.text
        assert abs(est.pages[e.anchor] - page) <= 1, e.entry.text
