"""What a format states is what ``--check`` demands: a format folder declares, per 项级 list,
which of 上年决算数 / 变动原因 / 年初预算数 / 全年预算数 / 主要用于 / 预决算差异原因 its text states
(``[comparisons]`` of sections.toml), and the checks of the new figures hold on the 上海 references."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from clirun import invoke
from factories import install_format, make_fund_disclosure, make_stated_disclosure, with_value, with_values

import generator.formats as formats
from generator.checks import run_checks
from generator.errors import Severity
from generator.sections import load_sections
from generator.workbook import write_template

#: what a 上海-like format's text states: budgets and 主要用于 of each 项, no 上年 anywhere
BUDGET_ONLY = {
    "total": [],
    "fiscal": ["budget"],
    "gpb_expense": ["budget"],
    "gpb_items": ["budget", "usage"],
    "fund": ["budget"],
    "fund_items": ["budget", "usage"],
    "soe": ["budget"],
    "soe_items": ["budget", "usage"],
    "public_expense": [],
}


@pytest.fixture
def budget_format(tmp_path: Path, monkeypatch) -> str:
    root = tmp_path / "formats"
    style = install_format(root, "预算格式", BUDGET_ONLY)
    monkeypatch.setattr(formats, "FORMATS_DIR", root)
    return style


def _no_priors(d):
    d = with_values(d, {f"comparisons.{n}.prior": None for n in ("total", "fiscal", "gpb_expense", "fund", "public_expense")})
    for name in ("gpb_items", "fund_items"):
        setattr(d.comparisons, name, [i.model_copy(update={"prior": None, "reason": ""}) for i in getattr(d.comparisons, name)])
    return d


def test_the_default_format_states_prior_and_reason_of_each_item_only():
    s = load_sections()
    for name in ("gpb_items", "fund_items", "soe_items"):
        assert s.compared[name] == ("prior", "reason")
    assert s.item_budget("gpb_items") is None


def test_the_default_format_does_not_demand_the_new_figures():
    """乌鲁木齐 asks for 上年 and reasons as before, never for budgets or 主要用于 of the items."""
    d = make_fund_disclosure()
    assert d.comparisons.gpb_items[0].budget is None and d.comparisons.gpb_items[0].usage == ""
    assert run_checks(d) == []


def test_check_demands_what_the_format_states_and_no_prior(budget_format, tmp_path: Path):
    d = _no_priors(make_stated_disclosure())
    d = with_values(d, {"comparisons.gpb_items[1].budget": None, "comparisons.gpb_items[2].usage": ""})
    d.unit.style = budget_format
    path = tmp_path / "unit.xlsx"
    write_template(path, d)
    result = invoke("--check", path)
    out = result.output
    assert result.exit_code != 0, out  # a missing 年初预算数 blocks
    assert "上年" not in out, out
    # the missing 年初预算数 of one 项, named with its sheet and cell
    assert "缺少年初预算数" in out and "2080502" in out
    assert "对比与原因!H" in out
    # the missing 主要用于 is a 警告 naming its cell
    assert "未填写主要用于" in out and "2080505" in out and "对比与原因!J" in out


def test_format_stating_budgets_demands_them_the_default_does_not(budget_format):
    d = with_value(_no_priors(make_stated_disclosure()), "comparisons.gpb_items[0].budget", None)
    default = run_checks(d)
    assert any("上年" in f.message for f in default)  # 乌鲁木齐 states 上年 …
    assert not any("comparisons.gpb_items[0].budget" in f.cells for f in default)  # … and no item budgets
    d.unit.style = budget_format
    findings = run_checks(d)
    assert not [f for f in findings if "上年" in f.message], findings
    (missing,) = [f for f in findings if "comparisons.gpb_items[0].budget" in f.cells]
    assert missing.severity is Severity.ERROR and missing.rule == "comparisons.gpb_items"


def test_a_format_without_usage_does_not_ask_for_it(tmp_path: Path, monkeypatch):
    root = tmp_path / "formats"
    style = install_format(root, "无用途", {**BUDGET_ONLY, "gpb_items": ["budget"], "fund_items": ["budget"]})
    monkeypatch.setattr(formats, "FORMATS_DIR", root)
    d = _no_priors(make_stated_disclosure())
    for name in ("gpb_items", "fund_items"):
        setattr(d.comparisons, name, [i.model_copy(update={"usage": ""}) for i in getattr(d.comparisons, name)])
    d.unit.style = style
    assert run_checks(d) == []


def test_item_budget_reason_is_asked_against_the_budget_the_format_states(tmp_path: Path, monkeypatch):
    root = tmp_path / "formats"
    style = install_format(
        root, "全年", {"gpb_items": ["budget", "full_budget", "budget_reason"], "gpb_expense": ["prior", "budget", "full_budget"]}
    )
    monkeypatch.setattr(formats, "FORMATS_DIR", root)
    d = make_stated_disclosure(**{"comparisons.gpb_items[0].full_budget": D("410.00"),
                                  "comparisons.gpb_items[1].full_budget": D("10.00"),
                                  "comparisons.gpb_items[0].budget_reason": ""})
    d.unit.style = style
    (f,) = [f for f in run_checks(d) if f.rule == "comparisons.reason"]
    assert f.severity is Severity.WARNING
    assert "全年预算数 410.00 万元" in f.message
    assert f.cells == ("comparisons.gpb_items[0].budget_reason", "comparisons.gpb_items[0].full_budget")


def test_sections_toml_refuses_an_unknown_item_statement(tmp_path: Path):
    from generator.sections import read_sections

    src = load_sections()
    path = tmp_path / "sections.toml"
    text = (formats.format_dir() / "sections.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('gpb_items = ["prior", "reason"]', 'gpb_items = ["prior", "purpose"]'), encoding="utf-8")
    with pytest.raises(ValueError, match="comparisons.gpb_items=purpose"):
        read_sections(path)
    assert src.compared["gpb_items"] == ("prior", "reason")


def test_the_stated_unit_passes_every_check_in_both_formats(budget_format):
    d = make_stated_disclosure()
    assert run_checks(d) == []
    d.unit.style = budget_format
    assert run_checks(d) == []


# ---------------------------------------------------------------------------- the 上海 references


def _shanghai_procurement(total, goods, works, services, sme_budget, sm_budget, sme_awarded, sm_awarded, other):
    return make_stated_disclosure(
        **{
            "procurement.total": D(total),
            "procurement.goods": D(goods),
            "procurement.works": D(works),
            "procurement.services": D(services),
            "procurement.sme": D(0),  # not stated by the 上海 documents
            "procurement.small_micro": D(0),
            "procurement.reserved_sme_budget": D(sme_budget),
            "procurement.reserved_small_micro_budget": D(sm_budget),
            "procurement.reserved_sme_awarded": D(sme_awarded),
            "procurement.reserved_small_micro_awarded": D(sm_awarded),
            "procurement.other_sme_awarded": D(other),
        }
    )


def test_procurement_rules_hold_on_reference_01_and_02():
    # 01: 总额 251.25 = 4.79 + 0 + 246.47 − 0.01 (the known slip); 246.47 + 4.79 = 251.26: rounding only
    d = _shanghai_procurement("251.25", "4.79", "0", "246.47", "246.47", "0", "246.47", "0", "4.79")
    findings = run_checks(d)
    assert {f.severity for f in findings} == {Severity.NOTE}, findings
    # 02
    # 02: 122.43 + 1387.72 + 809.07 = 2319.22, the known slip of 0.01 (a 提示 of procurement.total only)
    d = _shanghai_procurement("2319.21", "122.43", "1387.72", "809.07", "225.10", "164.87", "225.10", "164.87", "0.00")
    assert [(f.rule, f.severity) for f in run_checks(d)] == [("procurement.total", Severity.NOTE)]


def test_procurement_slip_of_reference_03_is_reported():
    """03: 其他项目中由中小企业中标 21.07 besides the reserved 21.07, of a 21.07 total."""
    d = _shanghai_procurement("21.07", "21.07", "0", "0", "21.07", "21.07", "21.07", "21.07", "21.07")
    (f,) = run_checks(d)
    assert f.rule == "procurement.sme_awarded" and f.severity is Severity.WARNING
    assert "21.07 + " in f.message and "42.14 万元" in f.message and "超出 21.07 万元" in f.message


@pytest.mark.parametrize(
    "counts",
    [(4, 4, 0, 0, 0, "99.43", 0, 0, 0), (39, 39, 0, 0, 0, "99.33", 0, None, None), (1, 1, 0, 0, 0, "100.00", 0, None, None)],
    ids=["01", "02", "03"],
)
def test_performance_rules_hold_on_the_references(counts):
    self_count, exc, good, ok, fail, score, found, fixed, fixing = counts
    d = make_stated_disclosure(
        **{
            "performance.self_count": self_count,
            "performance.grade_excellent": exc,
            "performance.grade_good": good,
            "performance.grade_pass": ok,
            "performance.grade_fail": fail,
            "performance.average_score": D(score),
            "performance.issues_found": found,
            "performance.issues_fixed": fixed,
            "performance.issues_fixing": fixing,
        }
    )
    assert run_checks(d) == []


def test_foreign_reception_of_reference_02_holds():
    d = make_stated_disclosure(
        **{
            "sangong.foreign_reception": D("0.00"),
            "sangong.foreign_reception_batches": 0,
            "sangong.foreign_reception_persons": 0,
        }
    )
    assert run_checks(d) == []


# ---------------------------------------------------------------------------- the figures the templates see


def test_items_carry_their_budgets_usage_and_completion():
    from generator.compute import derive

    f = derive(make_stated_disclosure(**{"comparisons.gpb_items[0].usage": "单位人员经费及公用经费等基本支出。"}))
    item = next(i for i in f.gpb.items if i.code == "2010350")
    assert item.usage == "单位人员经费及公用经费等基本支出"  # the template adds the 。
    assert (item.budget.budget, item.budget.actual, item.budget.completion) == (D("360.00"), D("400.00"), D("111.11"))
    assert item.full_budget.completion == D("100.00")
    assert item.budget.reason == "年中追加预算。"
    gone = next(i for i in f.gpb.items if i.code == "2120104")  # budget 0, nothing spent
    assert gone.budget.completion is None and gone.budget.both_zero
    plain = derive(make_fund_disclosure())
    assert all(i.budget is None and i.full_budget is None and i.usage == "" for i in plain.gpb.items)


# ---------------------------------------------------------------------------- 资产 a format states


def test_unstated_assets_are_asked_for_only_by_a_format_that_states_them(tmp_path: Path, monkeypatch):
    d = make_fund_disclosure()
    d.assets = type(d.assets)()  # nothing stated
    asked = [f for f in run_checks(d) if f.rule == "assets.stated"]
    assert len(asked) == 6 and all(f.severity is Severity.WARNING for f in asked)
    root = tmp_path / "formats"
    style = install_format(root, "只写车辆", {})
    toml = root / style / "sections.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'stated = ["house_area", "house_value", "vehicle_count", "vehicle_value", "vehicles", "equipment_count"]',
            'stated = ["vehicle_count", "vehicles"]',
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(formats, "FORMATS_DIR", root)
    d.unit.style = style
    asked = [f for f in run_checks(d) if f.rule == "assets.stated"]
    assert [f.cells[0] for f in asked] == ["assets.vehicle_count", "assets.vehicles.ministerial"]


def test_a_format_without_an_assets_table_asks_for_none(tmp_path: Path):
    from generator.sections import read_sections

    text = (formats.format_dir() / "sections.toml").read_text(encoding="utf-8")
    start = text.index("[assets]")
    end = text.index("\n\n", start)
    path = tmp_path / "sections.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert read_sections(path).assets_stated == ()
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text.replace('"equipment_count"]', '"equipment"]'), encoding="utf-8")
    with pytest.raises(ValueError, match="assets.stated=equipment"):
        read_sections(wrong)
