"""No silent acceptance: every body row of every 公开表 is accounted for.

The “Why” cases of the issue with their exact input, and a property over both samples and
synthetic units of every kind: deleting any single body row of any 公开表 (a row that states
an amount or holds sub-rows), or blanking any non-zero amount of a 公开表, makes the check
fail with an 错误.  Only an amount within the rounding tolerance of the sums it enters (0.01
万元 per addend) reads as a rounding tail, a 提示: such amounts are left out.  The property runs in-process on the model (one mutation at a time, undone
afterwards), so it stays fast.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pydantic import BaseModel

from generator.checks import run_checks
from generator.cli import app
from generator.errors import Severity
from generator.inputs import load_input
from generator.model import Disclosure, UnitKind
from generator.synthetic import synthetic_disclosure

ROOT = Path(__file__).resolve().parent.parent
HOTLINE = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
SAMPLE_DATA = sorted((ROOT / "samples" / "data").glob("*.json"))
TABLES = ("t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09")
ROW_TABLES = ("t02", "t03", "t05", "t06", "t07", "t08")
TOLERANCE = Decimal("0.01")  # per addend: a blanked amount this small reads as a rounding tail


def errors(d: Disclosure, sources=None) -> list:
    return [f for f in run_checks(d, sources) if f.severity is Severity.ERROR]


def without(d: Disclosure, key: str, code: str) -> Disclosure:
    d = d.model_copy(deep=True)
    table = getattr(d, key)
    table.rows = [r for r in table.rows if r.code != code]
    return d


# ---------------------------------------------------------------------------- the “Why” cases


def test_deleting_row_2060404_of_the_12345_workbook_fails_the_check(tmp_path: Path):
    """The issue's case: the 公开05表 row 2060404 (1,664.11) deleted from the 12345 sample
    passed, and the document said “科技成果转化与扩散（项）：支出决算数为0.00万元”."""
    wb = load_workbook(HOTLINE)
    ws = wb["公开05表"]
    (row,) = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "2060404"]
    assert ws.cell(row, 3).value == 1664.11
    ws.delete_rows(row)
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    result = CliRunner().invoke(app, ["--check", "--json", str(broken)], catch_exceptions=False)
    assert result.exit_code == 1
    (unit,) = json.loads(result.stdout)
    errs = [f for f in unit["findings"] if f["severity"] == "错误"]
    assert [f["rule"] for f in errs] == ["structure.childless_rows"]
    assert "公开05表款级科目 20604" in errs[0]["message"] and "项级科目" in errs[0]["message"]
    assert errs[0]["cells"] == ["公开05表!A13"]  # the 款 row left without its 项


def test_deleting_a_06_class_row_fails_the_check():
    """A 公开06表 类 row deleted while its 款 rows stay passed (the 类 was summed from them)."""
    loaded = load_input(HOTLINE)
    d = loaded.disclosure
    (i,) = [i for i, r in enumerate(d.t06.rows) if r.code == "303"]
    cell = loaded.sources.cell(("t06", "rows", i + 1, "code"))  # 30302, which stays
    errs = errors(without(d, "t06", "303"), loaded.sources)
    assert [f.rule for f in errs] == ["structure.orphan_rows"]
    assert "30302" in errs[0].message and "类级科目 303" in errs[0].message
    assert errs[0].cells[0].startswith("公开06表!")
    assert cell.startswith("公开06表!")


@pytest.mark.parametrize("key", ["t02", "t05"])
def test_deleting_a_row_without_siblings_in_02_or_05_fails_the_check(key: str):
    """2060404 is the only 项 of 20604 (and 20604 the only 款 of 206) in the 12345 sample."""
    loaded = load_input(HOTLINE)
    errs = errors(without(loaded.disclosure, key, "2060404"), loaded.sources)
    assert {f.rule for f in errs} == {"structure.childless_rows"}
    assert "20604" in errs[0].message
    errs = errors(without(without(loaded.disclosure, key, "2060404"), key, "20604"), loaded.sources)
    assert {f.rule for f in errs} == {"structure.childless_rows"}
    assert "类级科目 206" in errs[0].message


def test_deleting_a_row_without_siblings_in_07_fails_the_check():
    d = synthetic_disclosure(4, rows=4, fund=True)
    leaves = [r for r in d.t07.rows if len(r.code) == 7]
    only = next(r for r in leaves if sum(x.code[:5] == r.code[:5] for x in leaves) == 1)
    assert only.expense or only.income
    errs = errors(without(d, "t07", only.code))
    assert "structure.childless_rows" in {f.rule for f in errs}


def test_a_05_row_missing_from_03_names_both_tables():
    loaded = load_input(HOTLINE)
    d = without(without(without(loaded.disclosure, "t03", "2060404"), "t03", "20604"), "t03", "206")
    messages = [f.message for f in errors(d, loaded.sources) if f.rule == "structure.repeated_rows"]
    assert "公开05表科目 2060404 科技成果转化与扩散 在公开03表中没有对应的行（是否误删了行？）" in messages
    assert any("公开01表支出栏有类级科目 206" in m for m in messages)


# ---------------------------------------------------------------------------- the property


def _amounts(obj: Any, path: tuple) -> Iterator[tuple[tuple, Decimal]]:
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _amounts(getattr(obj, name), (*path, name))
    elif isinstance(obj, list):
        for i, x in enumerate(obj):
            yield from _amounts(x, (*path, i))
    elif isinstance(obj, dict):
        for k, x in obj.items():
            yield from _amounts(x, (*path, k))
    elif isinstance(obj, Decimal):
        yield path, obj


def _parent(d: Disclosure, path: tuple) -> Any:
    obj: Any = d
    for part in path[:-1]:
        obj = obj[part] if isinstance(obj, list | dict) else getattr(obj, part)
    return obj


def _put(d: Disclosure, path: tuple, value: Any) -> None:
    parent = _parent(d, path)
    if isinstance(parent, dict):
        parent[path[-1]] = value
    else:
        setattr(parent, path[-1], value)


def _largest_tolerance(d: Disclosure) -> Decimal:
    """The largest rounding tolerance of any sum in the unit's tables: 0.01 万元 per addend of
    the sum with the most addends (the 款 of one 类, the 类 of one table, 01's eight incomes).
    An amount no larger than that cannot be told from a rounding tail (it is reported as a
    提示), so the property covers the amounts above it."""
    counts = [8, len(d.t01.expense_by_class), len(d.t04.expense_by_class)]
    for key in ROW_TABLES:
        rows = getattr(d, key).rows
        siblings = Counter(r.code[:-2] if len(r.code) > 3 else "" for r in rows)
        counts += siblings.values()
    return TOLERANCE * max(counts)


def _states_something(row: Any, rows: list, floor: Decimal) -> bool:
    """A row that states an amount above ``floor`` or holds sub-rows (a childless row of zeros
    states nothing)."""
    amounts = [v for _, v in _amounts(row, ())]
    return any(v > floor for v in amounts) or any(r.code != row.code and r.code.startswith(row.code) for r in rows)


Mutation = tuple[str, Callable[[], None], Callable[[], None]]


def mutations(d: Disclosure) -> Iterator[Mutation]:
    """Every single-row deletion and every blanked non-zero amount of the nine 公开表, each as
    (description, do, undo) acting on ``d`` in place."""
    floor = _largest_tolerance(d)
    for key in ROW_TABLES:
        rows = getattr(d, key).rows
        for i, row in enumerate(list(rows)):
            if _states_something(row, rows, floor):
                yield (f"delete {key} {row.code}", lambda rows=rows, i=i: rows.pop(i),
                       lambda rows=rows, i=i, row=row: rows.insert(i, row))
    for key in ("t01", "t04"):
        by_class = getattr(d, key).expense_by_class
        for code, value in list(by_class.items()):
            if (value.total if isinstance(value, BaseModel) else value) > floor:
                order = list(by_class)

                def undo(by_class=by_class, code=code, value=value, order=order):
                    by_class[code] = value
                    for c in order:  # restore the order
                        by_class[c] = by_class.pop(c)

                yield f"delete {key} 支出 {code}", lambda by_class=by_class, code=code: by_class.pop(code), undo
    for key in TABLES:
        for path, value in list(_amounts(getattr(d, key), (key,))):
            if value > floor:  # larger than any rounding tail the checks forgive
                yield (f"blank {path} ({value})", lambda path=path: _put(d, path, Decimal(0)),
                       lambda path=path, value=value: _put(d, path, value))


def _units() -> Iterator[tuple[str, Disclosure]]:
    for path in SAMPLE_DATA:
        yield path.stem, load_input(path).disclosure
    kinds = list(UnitKind)
    for seed, (rows, fund, soe) in enumerate([(1, False, False), (3, True, False), (2, True, True), (4, False, True)]):
        kind = kinds[seed % len(kinds)]
        yield f"synthetic {seed} {kind} rows={rows}", synthetic_disclosure(
            seed, rows=rows, projects=0, kind=kind, fund=fund, soe=soe
        )


@pytest.mark.parametrize(("label", "d"), list(_units()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_deleted_row_and_blanked_amount_is_an_error(label: str, d: Disclosure):
    assert errors(d) == [], label
    before = d.model_dump_json()
    undetected = []
    count = 0
    for what, do, undo in mutations(d):
        do()
        try:
            if not errors(d):
                undetected.append(what)
        finally:
            undo()
        count += 1
    assert d.model_dump_json() == before  # every mutation undone
    assert count > 50
    assert undetected == [], f"{label}: {len(undetected)} of {count} not caught"
