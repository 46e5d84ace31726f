"""The PDF renderer runs WeasyPrint through generator.render.lean.lean_call (one large
frame-stack chunk): the call behaves as a plain call, the frame really opens a chunk with room
for the layout, and a PDF made this way is the same as one made with a plain call — for units
with N and 4N 绩效 projects, whose 自评表 count, rows and text scale with N."""

from __future__ import annotations

import shutil

import pytest
from render_fixtures import pdf_page_texts, shared_renderer

from generator.render import lean
from generator.render import pdf as pdf_module
from generator.render.lean import RESERVE_SLOTS, lean_call
from generator.report import build_document
from generator.synthetic import synthetic_disclosure

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_lean_call_returns_and_passes_arguments():
    assert lean_call(lambda a, b=0, *, c: (a, b, c), 1, b=2, c=3) == (1, 2, 3)
    assert lean_call(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]


def test_lean_call_raises_what_the_function_raises():
    def fail():
        raise KeyError("x")

    with pytest.raises(KeyError):
        lean_call(fail)


def test_the_reserved_frame_opens_a_chunk_with_room_for_the_layout():
    """CPython sizes a new chunk to 16 KiB × 2^k ≥ 8 × (frame slots + 1,000); what is left
    above the frame must hold the deepest layout (about 20 KiB) several times over."""
    code = lean._reserved.__code__  # type: ignore[attr-defined]
    assert code.co_nlocals >= RESERVE_SLOTS
    assert code.co_stacksize < 64  # the names cost one slot each, not two
    slots = code.co_nlocals + code.co_stacksize + 10
    chunk = 16 * 1024
    while chunk < 8 * (slots + 1000):
        chunk *= 2
    assert chunk - 8 * slots >= 64 * 1024


def _project_doc(projects: int):
    return build_document(synthetic_disclosure(seed=5, rows=6, projects=projects))


@pytest.fixture(scope="module")
def project_pdfs(tmp_path_factory):
    """PDFs of units with 2 and 8 projects, through lean_call and through a plain call."""
    tmp = tmp_path_factory.mktemp("lean")
    renderer = shared_renderer()
    out = {}
    for n in (2, 8):
        doc = _project_doc(n)
        path = tmp / f"lean{n}.pdf"
        renderer.write(doc, path, renderer.lay_out(doc))
        out[("lean", n)] = path
    plain = tmp / "plain2.pdf"
    original = pdf_module.lean_call
    pdf_module.lean_call = lambda fn, /, *a, **k: fn(*a, **k)  # type: ignore[assignment]
    try:
        doc = _project_doc(2)
        renderer.write(doc, plain, renderer.lay_out(doc))
    finally:
        pdf_module.lean_call = original
    out[("plain", 2)] = plain
    return out


@needs_poppler
def test_lean_layout_gives_the_same_pages_as_a_plain_call(project_pdfs):
    assert pdf_page_texts(project_pdfs[("lean", 2)]) == pdf_page_texts(project_pdfs[("plain", 2)])


@needs_poppler
def test_4n_projects_give_4x_the_self_assessment_tables_with_their_text(project_pdfs):
    title = "项目支出绩效自评表"
    texts = {n: "".join(pdf_page_texts(project_pdfs[("lean", n)])) for n in (2, 8)}
    docs = {n: _project_doc(n) for n in (2, 8)}
    perf = {n: [t for t in docs[n].tables() if t.key.startswith("perf")] for n in (2, 8)}
    assert len(perf[2]) == 2 and len(perf[8]) == 8
    assert sum(len(t.body) for t in perf[8]) == 4 * sum(len(t.body) for t in perf[2])
    # every table's title is printed (the narrative names the table once more)
    assert texts[8].count(title) - texts[2].count(title) == 6
    flat = {n: texts[n].replace("\n", "").replace(" ", "") for n in (2, 8)}
    for table in perf[8]:
        for row in table.body:
            for cell in row:
                assert cell.text.replace("\n", "").replace(" ", "") in flat[8]
