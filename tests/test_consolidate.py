"""部门决算 consolidation: ``juesuan-gen --consolidate UNITS… --name 部门 -o 部门.xlsx``.

The two 乌鲁木齐 samples summed (tables, comparisons, 三公, 采购, 资产, 绩效), the units listed
as the composition, the units' reasons as comments beside the blank reasons, the refusals
(different years, one unit twice, a failing unit, an existing output), and the consolidated
workbook's round trip, checks and rendering.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from factories import make_disclosure
from openpyxl import load_workbook

from generator.checks import run_checks
from generator.cli import app
from conftest import sample_paths
from generator.consolidate import ConsolidationRefused, UnitInput, consolidate, load_units
from generator.document import Heading, Paragraph
from generator.errors import Severity
from generator.inputs import dump_json, load_input
from generator.model import Disclosure, DocumentKind, Member, UnitKind
from generator.report import build_document
from generator.tables import build_tables
from generator.workbook import write_template

REPO = Path(__file__).resolve().parents[1]
SAMPLES = [REPO / "samples" / f"{p.stem}.xlsx" for p in sample_paths()]  # the two 乌鲁木齐 units
CENTRE = "乌鲁木齐市政务服务中心"


def run(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def samples() -> list[Disclosure]:
    return [load_input(p).disclosure for p in SAMPLES]


@pytest.fixture(scope="module")
def dept(samples):
    return consolidate(CENTRE, [UnitInput(p, d) for p, d in zip(SAMPLES, samples, strict=True)])


# ---------------------------------------------------------------------------- sums


def test_tables_are_summed_by_code(dept, samples):
    d = dept.disclosure
    a, b = samples
    assert d.t01.income_total == a.t01.income_total + b.t01.income_total
    assert d.t01.expense_grand_total == a.t01.expense_grand_total + b.t01.expense_grand_total
    for key, amount in (("t02", "total"), ("t03", "total"), ("t05", "total"), ("t07", "expense")):
        want: dict[str, D] = {}
        for unit in samples:
            for row in getattr(unit, key).rows:
                want[row.code] = want.get(row.code, D(0)) + getattr(row, amount)
        got = {r.code: getattr(r, amount) for r in getattr(d, key).rows}
        assert got == want, key
        assert [r.code for r in getattr(d, key).rows] == sorted(want)
        assert getattr(d, key).totals == type(a.t05.totals if key == "t05" else getattr(a, key).totals).model_validate(
            {
                n: getattr(getattr(a, key).totals, n) + getattr(getattr(b, key).totals, n)
                for n in type(getattr(a, key).totals).model_fields
            }
        )
    econ: dict[str, D] = {}
    for unit in samples:
        for row in unit.t06.rows:
            econ[row.code] = econ.get(row.code, D(0)) + row.amount
    assert {r.code: r.amount for r in d.t06.rows} == econ
    assert d.t06.public_total == a.t06.public_total + b.t06.public_total
    for cls in a.t04.expense_by_class:
        assert d.t04.expense_by_class[cls].total == a.t04.expense_by_class[cls].total + (
            b.t04.expense_by_class[cls].total if cls in b.t04.expense_by_class else 0
        )
    assert d.t09.actual.total == a.t09.actual.total + b.t09.actual.total
    assert d.t09.budget.car_operation == a.t09.budget.car_operation + b.t09.budget.car_operation


def test_comparisons_details_procurement_assets_performance_summed(dept, samples):
    d = dept.disclosure
    a, b = samples
    assert d.comparisons.total.prior == a.comparisons.total.prior + b.comparisons.total.prior
    assert d.comparisons.fiscal.budget == a.comparisons.fiscal.budget + b.comparisons.fiscal.budget
    assert d.comparisons.sangong.total.prior == a.comparisons.sangong.total.prior + b.comparisons.sangong.total.prior
    items = {i.code: i.prior for i in d.comparisons.gpb_items}
    for code in {i.code for u in samples for i in u.comparisons.gpb_items}:
        assert items[code] == sum(i.prior for u in samples for i in u.comparisons.gpb_items if i.code == code)
    assert d.sangong.car_holding == a.sangong.car_holding + b.sangong.car_holding
    assert d.sangong.reception_batches == a.sangong.reception_batches + b.sangong.reception_batches
    assert d.procurement.total == a.procurement.total + b.procurement.total
    assert d.procurement.sme == a.procurement.sme + b.procurement.sme
    assert d.assets.house_area == a.assets.house_area + b.assets.house_area
    assert d.assets.vehicle_count == a.assets.vehicle_count + b.assets.vehicle_count
    assert d.assets.vehicles.other == a.assets.vehicles.other + b.assets.vehicles.other
    assert len(d.performance.projects) == len(a.performance.projects) + len(b.performance.projects)
    assert d.performance.project_count == len(d.performance.projects)
    if a.unit.staff and b.unit.staff:
        assert d.unit.staff.total == a.unit.staff.total + b.unit.staff.total


def test_composition_kind_and_blank_texts(dept, samples):
    d = dept.disclosure
    assert d.unit.document is DocumentKind.DEPARTMENT
    assert d.unit.name == CENTRE
    assert d.unit.members[0].name == CENTRE  # 本级 first
    assert {(m.name, m.kind) for m in d.unit.members} == {(u.unit.name, u.unit.kind) for u in samples}
    assert d.comparisons.total.reason == "" and all(i.reason == "" for i in d.comparisons.gpb_items)
    assert d.performance.achievements == "" and d.sangong.reception_content == ""


def test_money_stays_decimal(dept):
    def walk(value):
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(dept.disclosure.model_dump())


# ---------------------------------------------------------------------------- the workbook


@pytest.fixture(scope="module")
def dept_book(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dept") / "部门.xlsx"
    code, output = run("--consolidate", *map(str, SAMPLES), "--name", CENTRE, "-o", str(out))
    assert code == 0, output
    assert "已写出" in output
    return out


def test_units_reasons_are_comments_not_data(dept_book, samples):
    book = load_workbook(dept_book)
    comments = {
        (ws.title, c.coordinate): c.comment.text
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.comment is not None
    }
    reason = samples[0].comparisons.total.reason.strip()
    assert reason
    hits = [text for text in comments.values() if reason in text]
    assert hits and samples[0].unit.name in hits[0]
    back = load_input(dept_book).disclosure
    assert back.comparisons.total.reason == ""  # a comment is never read back


def test_consolidated_workbook_checks_clean(dept_book):
    code, output = run("--check", str(dept_book))
    assert code == 0, output
    loaded = load_input(dept_book)
    assert not [f for f in run_checks(loaded.disclosure, loaded.sources) if f.severity is Severity.ERROR]


def test_round_trip_through_template_from_and_dump_json(dept_book, tmp_path, capsys):
    first = dump_json(load_input(dept_book).disclosure)
    data = tmp_path / "部门.json"
    data.write_text(first, encoding="utf-8")
    again = tmp_path / "again.xlsx"
    code, output = run("--template", str(again), "--from", str(data))
    assert code == 0, output
    code, output = run("--dump-json", str(again))
    assert code == 0
    assert json.loads(output) == json.loads(first)
    assert json.loads(first)["unit"]["document"] == "部门"


def test_rendering_matches_a_hand_filled_department():
    """Two copies of the factory unit consolidated render exactly as the 部门 filled by hand
    with every figure doubled (reasons and texts left blank)."""
    one = make_disclosure()
    two = make_disclosure(**{"unit.name": "测试市某某所"})
    cons = consolidate(one.unit.name, [UnitInput(Path("a.json"), one), UnitInput(Path("b.json"), two)]).disclosure

    hand = make_disclosure()
    hand.unit.document = DocumentKind.DEPARTMENT
    hand.unit.members = [Member(name=one.unit.name, kind=UnitKind.PUBLIC_INSTITUTION),
                         Member(name="测试市某某所", kind=UnitKind.PUBLIC_INSTITUTION)]
    hand.unit.departments = []
    hand.unit.subunits = []
    for key in ("t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "procurement"):
        setattr(hand, key, _doubled(getattr(hand, key)))
    s = hand.unit.staff
    for n in type(s).model_fields:
        setattr(s, n, getattr(s, n) * 2)
    c = hand.comparisons
    for item in (c.total, c.fiscal, c.gpb_expense, c.fund, c.soe, c.public_expense,
                 *(getattr(c.sangong, n) for n in type(c.sangong).model_fields), *c.gpb_items):
        for n in ("prior", "budget"):
            if getattr(item, n, None) is not None:
                setattr(item, n, getattr(item, n) * 2)
        for n in ("reason", "budget_reason"):
            if hasattr(item, n):
                setattr(item, n, "")
    x = hand.sangong
    for n, info in type(x).model_fields.items():
        value = getattr(x, n)
        setattr(x, n, "" if info.annotation is str else None if value is None else value * 2)
    a = hand.assets
    a.house_area, a.house_value, a.vehicle_value = a.house_area * 2, a.house_value * 2, a.vehicle_value * 2
    a.vehicle_count, a.equipment_count, a.other_vehicle_description = a.vehicle_count * 2, a.equipment_count * 2, ""
    for n in type(a.vehicles).model_fields:
        setattr(a.vehicles, n, (getattr(a.vehicles, n) or 0) * 2)  # a stated breakdown: blank is 0
    p = hand.performance
    perf = make_disclosure().performance
    hand.performance = type(p)(
        project_count=2 * len(perf.projects),
        full_budget=2 * sum(x.total.full_budget for x in perf.projects),
        executed=2 * sum(x.total.executed for x in perf.projects),
        projects=[*perf.projects, *make_disclosure().performance.projects],
    )
    hand.other_matters = ""
    hand.t06.rows.sort(key=lambda r: r.code)
    assert run_checks(cons) == run_checks(hand)
    assert _text(cons) == _text(hand)
    assert build_tables(cons) == build_tables(hand)


def _doubled(model):
    data = json.loads(model.model_dump_json())

    def twice(v, key=""):
        if isinstance(v, dict):
            return {k: twice(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [twice(x) for x in v]
        if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v) and key not in ("code",):
            return str(D(v) * 2)
        return v

    return type(model).model_validate(twice(data))


def _text(d: Disclosure) -> list[str]:
    return [
        b.text if isinstance(b, Heading) else b.bold_prefix + b.text
        for b in build_document(d).blocks
        if isinstance(b, (Heading, Paragraph))
    ]


# ---------------------------------------------------------------------------- refusals


def _json_copy(src: Path, dst: Path, **changes) -> Path:
    data = json.loads(dump_json(load_input(src).disclosure))
    for dotted, value in changes.items():
        obj = data
        *parts, last = dotted.split(".")
        for part in parts:
            obj = obj[part]
        obj[last] = value
    dst.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return dst


def test_refuses_units_of_different_years(tmp_path):
    other = _json_copy(SAMPLES[1], tmp_path / "其他年度.json", **{"unit.year": 2025})
    with pytest.raises(ConsolidationRefused) as exc:
        load_units([SAMPLES[0], other])
    msg = str(exc.value)
    assert "年度不同" in msg and str(SAMPLES[0]) in msg and str(other) in msg


def test_refuses_two_workbooks_of_one_unit(tmp_path):
    twin = tmp_path / "副本.xlsx"
    shutil.copy(SAMPLES[0], twin)
    code, output = run("--consolidate", str(SAMPLES[0]), str(twin), "--name", "部门", "-o", str(tmp_path / "o.xlsx"))
    assert code == 1
    assert "同一单位有两个工作簿" in output and "副本.xlsx" in output
    assert not (tmp_path / "o.xlsx").exists()


def test_refuses_a_failing_unit_unless_forced(tmp_path):
    broken = _json_copy(SAMPLES[1], tmp_path / "有错.json", **{"t01.income_total": "1.00"})
    out = tmp_path / "o.xlsx"
    code, output = run("--consolidate", str(SAMPLES[0]), str(broken), "--name", CENTRE, "-o", str(out))
    assert code == 1 and "有错.json" in output and "--force" in output
    assert not out.exists()
    code, output = run("--consolidate", str(SAMPLES[0]), str(broken), "--name", CENTRE, "-o", str(out), "--force")
    assert code == 0, output
    assert out.exists()


def test_never_overwrites_without_overwrite(tmp_path):
    out = tmp_path / "部门.xlsx"
    out.write_bytes(b"mine")
    code, output = run("--consolidate", *map(str, SAMPLES), "--name", CENTRE, "-o", str(out))
    assert code == 2 and "已存在" in output and "--overwrite" in output
    assert out.read_bytes() == b"mine"
    code, output = run("--consolidate", *map(str, SAMPLES), "--name", CENTRE, "-o", str(out), "--overwrite")
    assert code == 0, output
    assert load_input(out).disclosure.unit.document is DocumentKind.DEPARTMENT


def test_needs_name_and_output(tmp_path):
    code, output = run("--consolidate", *map(str, SAMPLES))
    assert code == 2 and "--name" in output


def test_folder_of_units(tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    for p in SAMPLES:
        shutil.copy(p, folder / p.name)
    out = tmp_path / "部门.xlsx"
    code, output = run("--consolidate", str(folder), "--name", "某某局", "-o", str(out))
    assert code == 0, output
    d = load_input(out).disclosure
    assert d.unit.name == "某某局" and len(d.unit.members) == 2


def test_refuses_a_department_workbook(tmp_path, dept_book):
    with pytest.raises(ConsolidationRefused) as exc:
        load_units([dept_book, SAMPLES[0]])
    assert "已是部门决算工作簿" in str(exc.value)


def test_written_workbook_with_hints_for_blank_template_is_unchanged(tmp_path):
    write_template(tmp_path / "空白.xlsx", hints={("comparisons", "total", "reason"): "x"})
    assert (tmp_path / "空白.xlsx").exists()


def test_a_unit_without_a_fund_need_not_state_its_prior():
    """政府性基金 empty in one unit (its 上年 left blank) does not leave the department's unknown."""
    from factories import make_fund_disclosure

    with_fund = make_fund_disclosure()
    without = make_disclosure(**{"unit.name": "测试市某某所"})
    without.comparisons.fund.prior = None
    without.comparisons.fund.budget = None
    assert without.t07.is_empty
    d = consolidate(with_fund.unit.name, [UnitInput(Path("a"), with_fund), UnitInput(Path("b"), without)]).disclosure
    assert d.comparisons.fund.prior == with_fund.comparisons.fund.prior
    assert d.comparisons.fund.budget == with_fund.comparisons.fund.budget


def test_an_unknown_prior_leaves_the_sum_unknown():
    one = make_disclosure()
    two = make_disclosure(**{"unit.name": "测试市某某所"})
    two.comparisons.total.prior = None
    d = consolidate(one.unit.name, [UnitInput(Path("a"), one), UnitInput(Path("b"), two)]).disclosure
    assert d.comparisons.total.prior is None
