"""The renderers at scale: a unit with 4× the 项 rows gives 4× the table rows, each row whole.

Not timed (the timings are in bench/); these tests check that the builder that makes
large documents fast keeps every row, in order, with its text.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from render_fixtures import W_NS

from generator.document import Table
from generator.report import build_document
from generator.synthetic import synthetic_disclosure

W = W_NS
CODE = re.compile(r"\d{7}")  # a 项-level 功能分类科目 code


def _tr_text(tr) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(W + "t")) for tc in tr.iter(W + "tc")]


def _docx_tables(path: Path) -> list[list[list[str]]]:
    d = docx.Document(str(path))
    return [[_tr_text(tr) for tr in t._tbl.tr_lst] for t in d.tables]


def _model_rows(table: Table) -> list[list[str]]:
    """Rows of ``table`` as the DOCX holds them: a spanning cell once, a row-spanned
    cell's continuation as an empty cell."""
    rows: list[list[str]] = []
    pending: dict[int, list[int]] = {}  # column → [rows still covered by a rowspan above, colspan]
    for row in [*table.header, *table.body]:
        out: list[str] = []
        col = 0
        cells = iter(row)
        while True:
            if col in pending and pending[col][0] > 0:
                pending[col][0] -= 1
                out.append("")
                col += pending[col][1]
                continue
            cell = next(cells, None)
            if cell is None:
                break
            out.append(cell.text)
            if cell.rowspan > 1:
                pending[col] = [cell.rowspan - 1, cell.colspan]
            col += cell.colspan
        rows.append(out)
    return rows


@pytest.fixture(scope="module")
def sized(tmp_path_factory):
    from generator.render.docx import write_docx

    out = tmp_path_factory.mktemp("scale")
    result = {}
    for n in (30, 120):
        doc = build_document(synthetic_disclosure(seed=3, rows=n, projects=2, fund=False))
        path = out / f"rows{n}.docx"
        write_docx(doc, path)
        result[n] = (doc, path)
    return result


def test_docx_of_4n_rows_has_4x_the_item_rows(sized):
    counts = {}
    for n, (_doc, path) in sized.items():
        counts[n] = [sum(1 for row in t if row and CODE.fullmatch(row[0])) for t in _docx_tables(path)]
    small, large = counts[30], counts[120]
    assert len(small) == len(large)
    scaled = [(s, big) for s, big in zip(small, large, strict=True) if s]
    assert len(scaled) >= 3  # 公开04、05、07表 at least list every 项
    for s, big in scaled:
        assert big == 4 * s
        assert s == 30  # every 项 of the unit, once


def test_docx_rows_match_the_document_in_order(sized):
    """Every table of the file, row by row, is the Document's table (nothing lost or doubled)."""
    for _n, (doc, path) in sized.items():
        tables = [b for b in doc.blocks if isinstance(b, Table)]
        read = _docx_tables(path)
        assert len(read) == len(tables)
        for table, rows in zip(tables, read, strict=True):
            expected = _model_rows(table)
            assert len(rows) == len(expected), table.key
            for got, want in zip(rows, expected, strict=True):
                assert [re.sub(r"\s", "", x) for x in got] == [re.sub(r"\s", "", x) for x in want], table.key


def test_font_cmap_cache_gives_the_same_answer_cold_warm_and_corrupt(tmp_path, monkeypatch):
    """The glyph check reads a font's cmap from the disk cache when it can; the answer is the
    same from the font, from the cache, and when the cache file is damaged."""
    from generator import fonts

    found = {m.path for m in fonts.resolve_fonts().values() if m is not None}
    if not found:
        pytest.skip("no CJK font installed")
    path = Path(sorted(found)[0])
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path))
    text = "决算公开說明𠀀\U0010fffd"
    fonts._cmap_codepoints.cache_clear()
    cold = fonts.missing_glyphs(text, path)
    files = list((tmp_path / "cmaps").iterdir())
    assert len(files) == 1 and files[0].stat().st_size > 0
    fonts._cmap_codepoints.cache_clear()
    assert fonts.missing_glyphs(text, path) == cold
    assert "\U0010fffd" in cold and "决" not in cold
    files[0].write_bytes(b"\x01\x02\x03")  # not a whole number of code points
    fonts._cmap_codepoints.cache_clear()
    assert fonts.missing_glyphs(text, path) == cold
    fonts._cmap_codepoints.cache_clear()
