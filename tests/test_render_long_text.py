"""No lost text: a word longer than the line breaks in the PDF as in the DOCX.

A workbook cell may hold a string without any break opportunity — thousands of Latin
letters or digits pasted by mistake.  Word and WPS break such a word at the end of the
line; the PDF must do the same (CSS ``overflow-wrap: anywhere``) in the narrative and in
table cells, rather than let it run off the page and lose everything past the margin.
The full text of both files is compared, whitespace-normalised.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import load_sample, sample_paths
from render_fixtures import docx_items, pdf_body_text, pdf_page_texts, shared_renderer, squash

from generator.render.docx import write_docx
from generator.report import build_document

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

LATIN = "abcdefghij" * 500  # 5,000 letters, no space
DIGITS = "1234567890" * 500
CJK = "长" * 5000
CELL = "XYZ" * 1700  # in a 绩效自评表 cell: more than a page of lines


def _hostile_document():
    sample = next(p for p in sample_paths() if "12345" in p.stem)
    d = load_sample(sample)
    d.unit.functions = [LATIN, *d.unit.functions]
    d.comparisons.total.reason = DIGITS
    d.unit.functions.append(CJK)
    assert d.performance.projects, "the sample has a 绩效自评表"
    d.performance.projects[0].goal_expected = CELL
    # the row is taller than a page and is split; with its neighbour cell empty the text
    # layer holds the two parts in reading order (otherwise the neighbour's text comes between)
    d.performance.projects[0].goal_actual = ""
    doc = build_document(d)
    text = squash(doc.plain_text())
    for word in (LATIN, DIGITS, CJK, CELL):
        assert word in text  # the document carries it: what follows tests the renderers
    return doc


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    doc = _hostile_document()
    out = tmp_path_factory.mktemp("long")
    docx_path, pdf_path = out / "long.docx", out / "long.pdf"
    write_docx(doc, docx_path)
    shared_renderer().write(doc, pdf_path)
    return doc, docx_path, pdf_path


@pytest.mark.parametrize("word", [LATIN, DIGITS, CJK, CELL], ids=["latin", "digits", "cjk", "table-cell"])
def test_long_word_is_whole_in_the_pdf(rendered, word):
    _, _, pdf_path = rendered
    text = "".join(squash(p) for p in pdf_page_texts(pdf_path))
    assert word in text


def test_pdf_text_equals_docx_text_with_long_words(rendered):
    doc, docx_path, pdf_path = rendered
    docx_text = "".join(docx_items(docx_path))
    pdf_text = pdf_body_text(pdf_path, doc)
    assert len(pdf_text) == len(docx_text)
    assert pdf_text == docx_text

