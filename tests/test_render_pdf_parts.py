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
