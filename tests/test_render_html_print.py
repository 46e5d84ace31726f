"""The web page printed from the browser (headless Chromium's ``--print-to-pdf``): A4, the
公开表 on landscape pages where the PDF has them, every table caption and heading on paper,
no column cut off at the page's edge, header rows repeated, page numbers, no link printed as
an address."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS
from conftest import load_sample, sample_paths
from render_fixtures import full_document

from generator.document import Table
from generator.render.html import render_html
from generator.report import build_document

A4 = (595, 842)


def _print(html: str, tmp: Path) -> Path:
    """Print ``html`` to PDF with headless Chromium, as a user's “print to PDF” does."""
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium not installed (scripts/setup.sh installs it)")
    page = tmp / "page.html"
    page.write_text(html, encoding="utf-8")
    out = tmp / "printed.pdf"
    with tempfile.TemporaryDirectory(prefix="juesuan-chromium-") as profile:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                *CHROMIUM_ARGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
    assert out.is_file() and out.stat().st_size > 0
    return out


def _pages(pdf: Path) -> list[tuple[tuple[int, int], str]]:
    """(size in points, text) of every page."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = [
        (round(float(w)), round(float(h)))
        for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    ]
    pages = []
    for number, size in enumerate(sizes, start=1):
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append((size, text))
    return pages


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_print(tmp_path_factory):
    sample = next(p for p in sample_paths() if p.stem == "乌鲁木齐市12345政务服务热线中心")
    doc = build_document(load_sample(sample))
    return doc, _pages(_print(render_html(doc), tmp_path_factory.mktemp("print")))


def _pages_of(pages, table: Table) -> list[tuple[tuple[int, int], str]]:
    """The pages a table is printed on: from the one with its caption to the one before the
    next page that starts with something else (its 注 or the next caption)."""
    start = next(i for i, (_, text) in enumerate(pages) if table.title in text and (table.code or "") in text)
    found = [pages[start]]
    for size, text in pages[start + 1 :]:
        if size != pages[start][0] or "公开" in "".join(text.strip().splitlines()[:2]):
            break
        found.append((size, text))
    return found


def test_every_caption_and_heading_is_printed(sample_print):
    doc, pages = sample_print
    printed = _squash("".join(text for _, text in pages))
    for table in doc.tables():
        for part in (table.code, table.title, table.subtitle, table.note):
            assert _squash(part) in printed, part
    for heading in doc.headings():
        assert _squash(heading.text) in printed, heading.text


def test_a4_upright_and_wide_tables_on_landscape_pages(sample_print):
    doc, pages = sample_print
    sizes = {size for size, _ in pages}
    assert sizes <= {A4, A4[::-1]}
    assert pages[0][0] == A4
    for table in doc.tables():
        if not table.code:
            continue
        size = next(size for size, text in pages if table.code in text and _squash(table.title) in _squash(text))
        assert size == (A4[::-1] if table.landscape else A4), table.code


def test_no_column_is_cut_off_at_the_page_edge(sample_print):
    doc, pages = sample_print
    for table in doc.tables():
        if not table.code:
            continue
        text = _squash("".join(t for _, t in _pages_of(pages, table)))
        # the last header cell (the rightmost column) and every amount are on paper
        assert _squash(table.header[-1][-1].text) in text, table.code
        amounts = [c.text for row in table.body for c in row if re.fullmatch(r"[\d,]+\.\d\d", c.text)]
        assert all(a in text for a in amounts), table.code


def test_page_numbers_and_no_printed_addresses(sample_print):
    _, pages = sample_print
    for number, (_, text) in enumerate(pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", text), number
    printed = "".join(text for _, text in pages)
    assert "file:" not in printed and "#sec" not in printed and "http" not in printed


def test_header_rows_repeat_on_every_page_of_a_long_table(tmp_path):
    doc = full_document()
    long_table = max(doc.tables(), key=lambda t: len(t.body))
    pages = _pages(_print(render_html(doc), tmp_path))
    on = _pages_of(pages, long_table)
    assert len(on) >= 2  # it does run over a page
    for _, text in on:
        lines = [line for line in text.splitlines() if line.strip()]
        # each page of the table starts with its header rows (after the caption on the first)
        head = _squash("".join(lines[:8]))
        for cell in (long_table.header[0][1], long_table.header[1][0]):  # 本年收入合计, 功能分类科目编码
            assert _squash(cell.text) in head
    # every row is printed whole: its amounts stand on one line of one page
    lines = [line for _, text in on for line in text.splitlines()]
    for row in long_table.body:
        amounts = [c.text for c in row if re.fullmatch(r"[\d,]+\.\d\d", c.text)]
        if amounts:
            assert any(all(a in line for a in amounts) for line in lines), amounts
