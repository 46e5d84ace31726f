"""Open the DOCX made from each sample and read its tables back.

The nine 公开表 and every 绩效自评表 exist as real Word tables, in the document's order, with
the header rows, the number of rows and the 合计 figures of the model in place.
"""

from __future__ import annotations

import docx
import pytest
from conftest import load_sample, sample_paths

from generator.numbers import fmt_money
from generator.render.docx import write_docx
from generator.report import build_document

SAMPLES = sample_paths()


def _unique_cells(row) -> list[str]:
    """Cell texts of a Word row with a merged cell counted once."""
    seen, out = set(), []
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append(cell.text.strip())
    return out


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def produced(request, tmp_path_factory):
    d = load_sample(request.param)
    document = build_document(d)
    path = tmp_path_factory.mktemp("docx") / f"{request.param.stem}.docx"
    write_docx(document, path)
    return d, document, docx.Document(str(path))


def test_every_table_is_a_word_table_in_order(produced):
    d, document, word = produced
    tables = document.tables()
    keys = [t.key for t in tables]
    assert [k for k in keys if k.startswith("t0")] == [f"t0{i}" for i in range(1, 10)]
    assert len([k for k in keys if k.startswith("perf")]) == len(d.performance.projects)
    assert len(word.tables) == len(tables)
    for table, wt in zip(tables, word.tables, strict=True):
        assert len(wt.rows) == len(table.header) + len(table.body), table.key
        expected = [c.text for c in (table.header + table.body)[0]]
        assert _unique_cells(wt.rows[0]) == expected, table.key


def test_header_rows_repeat_and_rows_do_not_split(produced):
    _, document, word = produced
    for table, wt in zip(document.tables(), word.tables, strict=True):
        for i, row in enumerate(wt.rows):
            tr_pr = row._tr.trPr
            flags = {child.tag.rsplit("}", 1)[-1] for child in (tr_pr if tr_pr is not None else [])}
            assert "cantSplit" in flags, (table.key, i)
            assert ("tblHeader" in flags) == (i < len(table.header)), (table.key, i)


def test_totals_stand_in_the_total_rows(produced):
    d, document, word = produced
    by_key = dict(zip((t.key for t in document.tables()), word.tables, strict=True))

    def row_with(wt, label: str) -> list[str]:
        for row in wt.rows:
            cells = _unique_cells(row)
            if cells and cells[0] == label:
                return cells
        raise AssertionError(f"no row {label!r}")

    def shown(value) -> str:
        return fmt_money(value) if value else ""  # the 公开表 leave zero cells blank

    t05 = row_with(by_key["t05"], "合计")
    assert t05[1:4] == [shown(d.t05.totals.total), shown(d.t05.totals.basic), shown(d.t05.totals.project)]
    t03 = row_with(by_key["t03"], "合计")
    assert t03[1] == shown(d.t03.totals.total)
    t02 = row_with(by_key["t02"], "合计")
    assert t02[1:3] == [shown(d.t02.totals.total), shown(d.t02.totals.fiscal)]
    t01_text = "\n".join("\t".join(_unique_cells(r)) for r in by_key["t01"].rows)
    assert fmt_money(d.t01.income_grand_total) in t01_text and fmt_money(d.t01.income_total) in t01_text
    t06_text = "\n".join("\t".join(_unique_cells(r)) for r in by_key["t06"].rows)
    assert fmt_money(d.t06.personnel_total) in t06_text and fmt_money(d.t06.public_total) in t06_text
    t09_cells = _unique_cells(by_key["t09"].rows[-1])
    assert shown(d.t09.actual.total) in t09_cells


def test_empty_fund_tables_carry_their_statement(produced):
    d, document, word = produced
    text = "\n".join(p.text for p in word.paragraphs)
    for key, table in (("t07", d.t07), ("t08", d.t08)):
        statement = next(t for t in document.tables() if t.key == key).empty_note
        if table.is_empty:
            assert statement and statement in text, key
        else:
            assert statement == "", key
