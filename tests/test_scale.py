"""Amounts on the wrong scale (元 typed under the 万元 header): the scale rules stay silent on
every sample and on synthetic units of every size and kind, and fire on each ×10,000 variant."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_paths
from factories import scale_amounts

from generator.checks import run_checks
from generator.cli import app
from generator.errors import Severity
from generator.inputs import dump_json, load_input
from generator.model import Disclosure, UnitKind
from generator.synthetic import synthetic_disclosure

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx")) + sample_paths()
TABLES = ("t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09")
WAN = Decimal(10000)
SCALE_RULES = {"scale.amounts", "scale.prior", "scale.budget"}


def scale_findings(d: Disclosure, sources=None) -> list:
    return [f for f in run_checks(d, sources) if f.rule.startswith("scale.")]


def tables_in_yuan(d: Disclosure) -> Disclosure:
    """The nine 公开表 typed in 元 under the 万元 header (上年/预算 figures stay in 万元)."""
    d = d.model_copy(deep=True)
    for key in TABLES:
        scale_amounts(getattr(d, key), WAN)
    return d


def everything_in_yuan(d: Disclosure) -> Disclosure:
    """Every amount of the workbook in 元: tables, 上年, 预算, 采购, 资产, 绩效."""
    d = d.model_copy(deep=True)
    for name in ("t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "comparisons", "procurement"):
        scale_amounts(getattr(d, name), WAN)
    scale_amounts(d.assets, WAN, lambda name: name.endswith("value"))
    for p in d.performance.projects:
        for line in (p.total, p.fiscal, p.other):
            scale_amounts(line, WAN)
    return d


def prior_in_yuan(d: Disclosure) -> Disclosure:
    """上年决算数 typed in 元 beside 本年数 in 万元."""
    d = d.model_copy(deep=True)
    scale_amounts(d.comparisons, WAN, lambda name: name == "prior")
    return d


def budget_in_yuan(d: Disclosure) -> Disclosure:
    """年初预算数 and the 09表 预算数 typed in 元."""
    d = d.model_copy(deep=True)
    scale_amounts(d.comparisons, WAN, lambda name: name == "budget")
    scale_amounts(d.t09.budget, WAN)
    return d


def current_in_yuan_prior_in_wan(d: Disclosure) -> Disclosure:
    """本年数 in 元 (tables) and the 上年决算数 in 万元, with 预算数 in 元 too: only the year
    comparison tells (staff and cars unknown)."""
    d = tables_in_yuan(d)
    scale_amounts(d.comparisons, WAN, lambda name: name == "budget")
    d.unit.staff.total = d.unit.staff.active = d.unit.staff.retirees = d.unit.staff.retired_cadres = 0
    d.sangong.car_holding = 0
    return d


VARIANTS = {
    "nine tables in 元": (tables_in_yuan, "scale.amounts"),
    "whole workbook in 元": (everything_in_yuan, "scale.amounts"),
    "上年决算数 in 元": (prior_in_yuan, "scale.prior"),
    "预算数 in 元": (budget_in_yuan, "scale.budget"),
    "本年 in 元, 上年 in 万元": (current_in_yuan_prior_in_wan, "scale.prior"),
}


def _synthetic_grid():
    kinds = list(UnitKind)
    for i, (rows, (fund, soe)) in enumerate(
        itertools.product([1, 4, 15, 60, 200], [(False, False), (True, False), (True, True), (False, True)])
    ):
        yield synthetic_disclosure(i, rows=rows, projects=i % 3, kind=kinds[i % 3], fund=fund, soe=soe)


SYNTHETIC = list(_synthetic_grid())


# ---------------------------------------------------------------------------- silent on real units


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_scale_rules_are_silent_on_every_sample(path: Path):
    loaded = load_input(path)
    assert scale_findings(loaded.disclosure, loaded.sources) == []


@pytest.mark.parametrize("d", SYNTHETIC, ids=lambda d: f"{d.unit.name}-{d.unit.kind}-{len(d.t05.rows)}rows")
def test_scale_rules_are_silent_on_synthetic_units(d: Disclosure):
    assert scale_findings(d) == []


# ---------------------------------------------------------------------------- fire on each variant


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    "unit",
    [p for p in SAMPLES if p.suffix == ".json"] + SYNTHETIC[::3],
    ids=lambda u: u.stem if isinstance(u, Path) else f"{u.unit.name}-{len(u.t05.rows)}rows",
)
def test_scale_rules_fire_on_each_x10000_variant(unit, variant: str):
    d = load_input(unit).disclosure if isinstance(unit, Path) else unit
    make, rule = VARIANTS[variant]
    findings = scale_findings(make(d))
    assert rule in {f.rule for f in findings}, variant
    assert all(f.severity is Severity.ERROR for f in findings)


def test_all_nine_tables_in_yuan_is_an_error_with_a_plain_hint(tmp_path: Path):
    """The “Why” case: every table typed in 元 under the 万元 header passed, and the document
    would have said “2024年度收入总计33,614,000.00万元 … 增长3345542.03%” (for the 12345 sample)."""
    d = tables_in_yuan(load_input(ROOT / "samples" / "data" / "乌鲁木齐市12345政务服务热线中心.json").disclosure)
    assert d.t01.income_grand_total == Decimal("33614000.00")
    by_rule = {f.rule: f for f in scale_findings(d)}
    amounts = by_rule["scale.amounts"]
    assert amounts.message.startswith("公开表金额疑似以元填写（金额单位应为万元）：公开06表人员经费合计 5,325,900.00 万元，")
    assert "实有人数 35 人，人均 152,168.57 万元，超过 1,000.00 万元/人" in amounts.message
    assert "请把金额除以 10000 后按万元填写（如 5,325,900.00 元应填 532.59 万元）" in amounts.message
    assert amounts.cells == ("t06.personnel_total", "unit.staff.total")
    assert "本年数按元、上年决算数按万元" in by_rule["scale.prior"].message
    path = tmp_path / "in-yuan.json"
    path.write_text(dump_json(d), encoding="utf-8")
    result = CliRunner().invoke(app, ["--check", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "公开表金额疑似以元填写" in result.output
    out = tmp_path / "out"
    assert CliRunner().invoke(app, [str(path), "-o", str(out), "--format", "docx"]).exit_code == 1
    assert not out.exists() or not list(out.glob("*.docx"))  # no document with 33,614,000.00万元


def test_prior_in_wan_beside_current_in_yuan_is_an_error():
    """The “Why” case: 上年决算数 typed in 万元 beside 本年数 in 元 printed “增长1040900.00%”."""
    d = load_input(ROOT / "samples" / "乌鲁木齐市政务服务中心.xlsx")
    broken = current_in_yuan_prior_in_wan(d.disclosure)
    (f,) = [f for f in scale_findings(broken, d.sources) if f.rule == "scale.prior"]
    assert f.severity is Severity.ERROR
    assert f.message.startswith("上年决算数疑似与本年数不在同一金额单位：")
    assert "收入支出总计 本年 4,164,000.00 万元、上年 434.72 万元，约 9,579 倍" in f.message
    assert "是否本年数按元、上年决算数按万元填写？金额单位均应为万元" in f.message
    assert f.cells[0].startswith("对比与原因!")


def test_prior_in_yuan_hint_names_the_prior():
    d = prior_in_yuan(load_input(ROOT / "samples" / "data" / "乌鲁木齐市政务服务中心.json").disclosure)
    (f,) = scale_findings(d)
    assert f.rule == "scale.prior" and "是否上年决算数按元填写" in f.message


def test_one_item_far_off_its_prior_is_not_a_scale_error():
    """A 项 or 三公 part whose prior was tiny may grow a thousandfold: only many such items (or
    the 收入支出总计) say the scale is wrong."""
    d = load_input(ROOT / "samples" / "data" / "乌鲁木齐市12345政务服务热线中心.json").disclosure
    d = d.model_copy(deep=True)
    d.comparisons.sangong.car_total.prior = Decimal("0.01")  # 3.73 now: 373 times
    d.comparisons.gpb_items[4].prior = Decimal("0.01")
    assert scale_findings(d) == []


def test_thresholds_are_documented():
    from generator.checks import CheckSettings, rules_markdown

    s = CheckSettings()
    md = rules_markdown()
    for value in (s.scale_personnel_per_person, s.scale_per_car, s.scale_grand_total, s.scale_ratio):
        assert f"{value:,.0f}" in md, value
    for rule in SCALE_RULES:
        assert f"`{rule}`" in md
