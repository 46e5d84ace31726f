"""Tests for generator.checks: one broken disclosure per rule, rounding tolerance, messages.

Each case starts from the consistent factory unit (tests/factories.py), breaks one rule —
with compensating changes where the tables allow it, so that as few other rules as possible
are touched — and states exactly which rules must fire.  All amounts in 万元.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from factories import (
    D,
    make_admin_disclosure,
    make_disclosure,
    make_fund_disclosure,
    make_soe_disclosure,
    make_stated_disclosure,
    scale_amounts,
    with_value,
    with_values,
)

from generator.checks import CHECKS, CheckSettings, rule_ids, rules_markdown, run_checks
from generator.errors import Finding, Severity
from generator.model import Disclosure, EconRow, FundSplit, GpbRow, SubjectComparison
from generator.source import SourceMap

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "data"
ERROR, WARNING, NOTE = Severity.ERROR, Severity.WARNING, Severity.NOTE


def fired(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def of_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# ---------------------------------------------------------------------------- the clean units


@pytest.mark.parametrize(
    "factory", [make_disclosure, make_fund_disclosure, make_soe_disclosure, make_admin_disclosure]
)
def test_factory_units_pass_every_check(factory):
    """The unbroken factory units produce no finding at all."""
    d = factory()
    Disclosure.model_validate_json(d.model_dump_json())  # and they are valid models
    assert run_checks(d) == []


def test_checks_do_not_modify_the_model():
    d = make_fund_disclosure()
    before = d.model_dump_json()
    run_checks(d)
    assert d.model_dump_json() == before


# ---------------------------------------------------------------------------- one case per rule


@dataclass
class Case:
    """A broken unit: ``rule`` fires with ``severity``, naming ``cells``; exactly ``rule`` + ``also`` fire."""

    name: str
    build: Callable[[], Disclosure]
    rule: str
    severity: Severity
    cells: tuple[str, ...] = ()
    also: set[str] = field(default_factory=set)
    count: int | None = None  # findings of ``rule``, when it matters
    contains: tuple[str, ...] = ()  # texts the first finding's message must contain
    states: dict[str, list[str]] | None = None  # the unit's format states these comparisons (sections.toml)


def _append(d: Disclosure, path: str, item: Any) -> Disclosure:
    from factories import get_value

    return with_value(d, path, [*get_value(d, path), item])


def _dup_gpb_item() -> Disclosure:
    d = make_disclosure()
    return _append(d, "comparisons.gpb_items", d.comparisons.gpb_items[0].model_copy())


def _dup_t05_row() -> Disclosure:
    d = make_disclosure()
    return _append(d, "t05.rows", GpbRow(code="2080505", name="机关事业单位基本养老保险缴费支出"))


def _orphan_t05_row() -> Disclosure:
    d = make_disclosure()
    return _append(d, "t05.rows", GpbRow(code="2060404", name="科技成果转化与扩散"))


def _scaled(d: Disclosure, *parts: str, only: str | None = None) -> Disclosure:
    """``d`` with the amounts of ``parts`` (named ``only``, if given) ×10,000: typed in 元."""
    d = d.model_copy(deep=True)
    for part in parts:
        scale_amounts(getattr(d, part), D(10000), None if only is None else (lambda name: name == only))
    return d


def _without(d: Disclosure, rows: str, code: str) -> Disclosure:
    """``d`` without the row of ``code`` in the table ``rows`` (``t05.rows``)."""
    table = getattr(d, rows.split(".")[0])
    return with_value(d, rows, [r for r in table.rows if r.code != code])


def _drop_gpb_item(code: str) -> Disclosure:
    d = make_disclosure()
    return with_value(d, "comparisons.gpb_items", [c for c in d.comparisons.gpb_items if c.code != code])


def _department(operating_costs: Any = "stated", members: Any = None) -> Disclosure:
    """The factory unit as a 部门: a 行政 本级 and a 事业单位."""
    from generator.model import DocumentKind, Member, UnitKind

    d = make_disclosure()
    d.unit.document = DocumentKind.DEPARTMENT
    d.unit.members = (
        [Member(name=d.unit.name, kind=UnitKind.ADMINISTRATIVE), Member(name="某所", kind=UnitKind.PUBLIC_INSTITUTION)]
        if members is None
        else members
    )
    d.operating_costs = d.t06.public_total if operating_costs == "stated" else operating_costs
    return d


CASES: list[Case] = [
    # ---- year data
    Case(
        "year without data of its own",
        lambda: make_disclosure(**{"unit.year": 2099}),
        "year.fallback",
        Severity.NOTE,
        ("unit.year",),
        contains=("2099 年度没有自己的分类科目数据，沿用",),
    ),
    Case(
        "项 code unknown to the year's data",
        lambda: make_disclosure(
            **{
                "comparisons.gpb_items[3]": SubjectComparison(
                    code="2010398", name="某试点事务", class_name="一般公共服务支出",
                    item_name="政府办公厅（室）及相关机构事务", prior=D("0"),
                )
            }
        ),
        "year.unknown_code",
        Severity.NOTE,
        ("comparisons.gpb_items[3].code",),
        contains=("2010398（某试点事务）", "名称未能核对"),
    ),
    # ---- text
    Case(
        "character no installed font has",
        lambda: make_disclosure(**{"unit.functions": ["负责本单位的造字\ue815事务。"]}),
        "text.glyphs",
        Severity.WARNING,
        ("unit.functions[0]",),
        count=1,
        contains=("主要职能", "U+E815"),
    ),
    # ---- structure
    Case(
        "duplicate comparison entry",
        _dup_gpb_item,
        "structure.duplicate_codes",
        ERROR,
        ("comparisons.gpb_items[0].code", "comparisons.gpb_items[4].code"),
    ),
    Case(
        "duplicate 05 row",
        _dup_t05_row,
        "structure.duplicate_codes",
        ERROR,
        ("t05.rows[6].code", "t05.rows[7].code"),
    ),
    Case(
        "项 without its 款",
        _orphan_t05_row,
        "structure.orphan_rows",
        ERROR,
        ("t05.rows[7].code",),
        contains=("2060404", "20604"),
    ),
    Case(
        "06 款 without its 类",
        lambda: _without(make_disclosure(), "t06.rows", "303"),
        "structure.orphan_rows",
        ERROR,
        ("t06.rows[6].code",),
        # 303 is summed from its 款 rows all the same: the tables balance
        contains=("30302", "303"),
    ),
    Case(
        "款 without its 项 (05)",
        lambda: _without(make_disclosure(), "t05.rows", "2010350"),
        "structure.childless_rows",
        ERROR,
        ("t05.rows[1].code",),
        contains=("公开05表款级科目 20103", "项级科目"),
    ),
    Case(
        "类 without its 款 (07)",
        lambda: _without(_without(make_fund_disclosure(), "t07.rows", "2120803"), "t07.rows", "21208"),
        "structure.childless_rows",
        ERROR,
        ("t07.rows[0].code",),
    ),
    Case(
        "06 类 with an amount and no 款",
        lambda: _without(make_disclosure(), "t06.rows", "30302"),
        "structure.childless_rows",
        ERROR,
        ("t06.rows[6].code",),
        contains=("303", "款级科目"),
    ),
    Case(
        "05 row missing from 03",
        lambda: _without(_without(_without(make_disclosure(), "t03.rows", "2080505"), "t03.rows", "2080502"), "t03.rows", "20805"),
        "structure.repeated_rows",
        ERROR,
        ("t05.rows[4].code", "t05.rows[5].code"),
        also={"structure.childless_rows", "t03.covers_t05"},
        contains=("在公开03表中没有对应的行",),
    ),
    Case(
        "nine tables in 元",
        lambda: _scaled(make_disclosure(), "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09"),
        "scale.amounts",
        ERROR,
        ("t06.personnel_total", "unit.staff.total"),
        also={"scale.prior", "scale.budget"},  # 上年 and 预算 stayed in 万元
        contains=("公开表金额疑似以元填写",),
    ),
    Case(
        "上年决算数 in 元",
        lambda: _scaled(make_disclosure(), "comparisons", only="prior"),
        "scale.prior",
        ERROR,
        ("comparisons.total.prior",),
        contains=("是否上年决算数按元填写",),
    ),
    Case(
        "预算数 in 元",
        lambda: _scaled(make_disclosure(), "comparisons", only="budget"),
        "scale.budget",
        ERROR,
        ("comparisons.fiscal.budget",),
        contains=("是否预算数按元填写",),
    ),
    Case(
        "unknown 类 code in 01",
        lambda: make_disclosure(**{"t01.expense_by_class.999": D("0")}),
        "structure.class_codes",
        ERROR,
        ("t01.expense_by_class.999",),
    ),
    Case(
        "unknown 类 code in 04",
        lambda: make_disclosure(**{"t04.expense_by_class.999": FundSplit()}),
        "structure.class_codes",
        ERROR,
        ("t04.expense_by_class.999",),
    ),
    Case(
        "科目 name differs from year data",
        lambda: make_disclosure(**{"t05.rows[2].name": "事业运行费"}),
        "structure.subject_names",
        WARNING,
        ("t05.rows[2].name",),
        contains=("事业运行费", "事业运行"),
    ),
    # ---- 01
    Case(
        "01 本年收入合计 ≠ Σ收入",
        lambda: make_disclosure(**{"t01.income_total": D("501.00"), "t01.carry_in": D("9.00")}),
        "t01.income_total",
        ERROR,
        ("t01.income_total", "t01.gpb_income"),
        also={"t02.vs_t01"},
        contains=("501.00", "500.00"),
    ),
    Case(
        "01 收入总计 ≠ 本年收入 + 结余 + 年初",
        lambda: make_disclosure(**{"t01.carry_in": D("11.00")}),
        "t01.income_grand_total",
        ERROR,
        ("t01.income_grand_total", "t01.carry_in"),
    ),
    Case(
        "01 支出总计 ≠ 本年支出 + 分配 + 年末",
        lambda: make_disclosure(**{"t01.carry_out": D("11.00")}),
        "t01.expense_grand_total",
        ERROR,
        ("t01.expense_grand_total", "t01.carry_out"),
    ),
    Case(
        "01 收入总计 ≠ 支出总计",
        lambda: make_disclosure(**{"t01.income_grand_total": D("511.00"), "t01.carry_in": D("11.00")}),
        "t01.balance",
        ERROR,
        ("t01.income_grand_total", "t01.expense_grand_total"),
    ),
    Case(
        "01 本年支出合计 ≠ Σ类",
        lambda: make_disclosure(**{"t01.expense_by_class.201": D("401.00")}),
        "t01.expense_total",
        ERROR,
        ("t01.expense_total", "t01.expense_by_class.201"),
        also={"t03.class_vs_t01"},
    ),
    # ---- 02
    Case(
        "02 合计 ≠ 01 (sources)",
        lambda: make_disclosure(
            **{
                "t02.rows[6].fiscal": D("79.00"),
                "t02.rows[6].other": D("1.00"),
                "t02.rows[4].fiscal": D("99.00"),
                "t02.rows[4].other": D("1.00"),
                "t02.rows[3].fiscal": D("99.00"),
                "t02.rows[3].other": D("1.00"),
                "t02.totals.fiscal": D("499.00"),
                "t02.totals.other": D("1.00"),
            }
        ),
        "t02.vs_t01",
        ERROR,
        ("t02.totals.fiscal", "t01.gpb_income"),
        count=2,
    ),
    Case(
        "02 row total ≠ Σ sources",
        lambda: make_disclosure(**{"t02.rows[6].fiscal": D("79.00")}),
        "t02.row_sum",
        ERROR,
        ("t02.rows[6].total", "t02.rows[6].fiscal"),
        also={"t02.hierarchy"},
        count=1,
    ),
    Case(
        "02 款 ≠ Σ项",
        lambda: make_disclosure(**{"t02.rows[4].total": D("101.00"), "t02.rows[4].fiscal": D("101.00")}),
        "t02.hierarchy",
        ERROR,
        ("t02.rows[4].total", "t02.rows[5].total", "t02.rows[6].total"),
    ),
    # ---- 03
    Case(
        "03 合计 ≠ 01 本年支出合计",
        lambda: make_disclosure(**{"t03.totals.total": D("501.00"), "t03.totals.basic": D("381.00")}),
        "t03.vs_t01",
        ERROR,
        ("t03.totals.total", "t01.expense_total"),
        also={"t03.hierarchy"},
    ),
    Case(
        "03 row total ≠ Σ kinds",
        lambda: make_disclosure(**{"t03.rows[6].basic": D("79.00")}),
        "t03.row_sum",
        ERROR,
        ("t03.rows[6].total", "t03.rows[6].basic"),
        also={"t03.hierarchy"},
        count=1,
    ),
    Case(
        "03 款 ≠ Σ项",
        lambda: make_disclosure(**{"t03.rows[4].total": D("101.00"), "t03.rows[4].basic": D("101.00")}),
        "t03.hierarchy",
        ERROR,
        ("t03.rows[4].total",),
    ),
    Case(
        "03 类 ≠ 01 类",
        lambda: make_disclosure(
            **{"t01.expense_by_class.201": D("401.00"), "t01.expense_by_class.208": D("99.00")}
        ),
        "t03.class_vs_t01",
        ERROR,
        ("t03.rows[0].total", "t01.expense_by_class.201"),
        also={"t04.class_vs_t01"},
        count=2,
    ),
    Case(
        "05 基本 > 03 基本",
        lambda: make_disclosure(
            **{
                f"t03.{p}.{c}": D(v)
                for p in ("rows[0]", "rows[1]", "rows[2]")
                for c, v in (("basic", "270.00"), ("project", "130.00"))
            }
            | {"t03.totals.basic": D("370.00"), "t03.totals.project": D("130.00")}
        ),
        "t03.covers_t05",
        ERROR,
        ("t05.totals.basic", "t03.totals.basic"),
        count=1,
    ),
    # ---- 04
    Case(
        "04 income ≠ 01 income",
        lambda: make_disclosure(
            **{
                "t04.gpb_income": D("499.00"),
                "t04.income_total": D("499.00"),
                "t04.carry_in.gpb": D("9.00"),
                "t04.carry_in.total": D("9.00"),
            }
        ),
        "t04.income_vs_t01",
        ERROR,
        ("t04.gpb_income", "t01.gpb_income"),
        count=1,
    ),
    Case(
        "04 本年收入合计 ≠ Σ",
        lambda: make_disclosure(**{"t04.income_total": D("501.00")}),
        "t04.income_total",
        ERROR,
        ("t04.income_total", "t04.gpb_income"),
        also={"t04.income_grand_total"},
    ),
    Case(
        "04 收入总计 ≠ 本年收入 + 年初",
        lambda: make_disclosure(**{"t04.income_grand_total": D("509.00")}),
        "t04.income_grand_total",
        ERROR,
        ("t04.income_grand_total", "t04.carry_in.total"),
        also={"t04.balance"},
    ),
    Case(
        "04 支出总计 ≠ 本年支出 + 年末 (per column)",
        lambda: make_disclosure(
            **{"t04.expense_grand_total.gpb": D("507.00"), "t04.expense_grand_total.soe": D("1.00")}
        ),
        "t04.expense_grand_total",
        ERROR,
        ("t04.expense_grand_total.gpb", "t04.carry_out.gpb"),
        count=2,
    ),
    Case(
        "04 收入总计 ≠ 支出总计",
        lambda: make_disclosure(
            **{
                "t04.expense_grand_total.total": D("509.00"),
                "t04.expense_grand_total.gpb": D("508.00"),
                "t04.expense_grand_total.soe": D("1.00"),
            }
        ),
        "t04.balance",
        ERROR,
        ("t04.income_grand_total", "t04.expense_grand_total.total"),
        also={"t04.expense_grand_total"},
    ),
    Case(
        "04 fund column does not carry over",
        lambda: make_disclosure(
            **{
                "t04.carry_in.soe": D("1.00"),
                "t04.carry_in.total": D("9.00"),
                "t04.carry_out.gpb": D("9.00"),
                "t04.carry_out.total": D("9.00"),
                "t04.income_grand_total": D("509.00"),
                "t04.expense_grand_total.total": D("509.00"),
                "t04.expense_grand_total.gpb": D("509.00"),
            }
        ),
        "t04.fund_balance",
        ERROR,
        ("t04.carry_out.gpb", "t04.carry_in.gpb"),
        also={"t08.vs_t04"},
        count=2,
    ),
    Case(
        "04 合计 ≠ Σ funds",
        lambda: make_disclosure(**{"t04.expense_grand_total.soe": D("1.00")}),
        "t04.split",
        ERROR,
        ("t04.expense_grand_total.total", "t04.expense_grand_total.soe"),
        also={"t04.expense_grand_total"},
    ),
    Case(
        "04 本年支出合计 ≠ Σ类",
        lambda: make_disclosure(
            **{"t04.expense_by_class.201": FundSplit(total=D("401.00"), gpb=D("401.00"))}
        ),
        "t04.expense_total",
        ERROR,
        ("t04.expense_total.total", "t04.expense_by_class.201.total"),
        also={"t04.class_vs_t01", "t04.vs_t05"},
        count=2,
    ),
    Case(
        "04 年初结转 > 01 年初结转",
        lambda: make_disclosure(**{"t01.carry_in": D("7.00"), "t01.use_nonfiscal_balance": D("3.00")}),
        "t04.carry_vs_t01",
        ERROR,
        ("t04.carry_in.total", "t01.carry_in"),
        count=1,
        contains=("8.00", "7.00", "超出 1.00 万元"),
    ),
    Case(
        "04 类 > 01 类",
        lambda: make_disclosure(
            **{"t01.expense_by_class.201": D("399.00"), "t01.expense_by_class.208": D("101.00")}
        ),
        "t04.class_vs_t01",
        ERROR,
        ("t04.expense_by_class.201.total", "t01.expense_by_class.201"),
        also={"t03.class_vs_t01"},
        count=1,
    ),
    Case(
        "05 类 ≠ 04 gpb column",
        lambda: make_disclosure(
            **{
                "t04.expense_by_class.201": FundSplit(total=D("401.00"), gpb=D("401.00")),
                "t04.expense_by_class.208": FundSplit(total=D("99.00"), gpb=D("99.00")),
            }
        ),
        "t04.vs_t05",
        ERROR,
        ("t05.rows[0].total", "t04.expense_by_class.201.gpb"),
        also={"t04.class_vs_t01"},
        count=2,
    ),
    # ---- 05 / 06
    Case(
        "05 合计 ≠ 基本 + 项目",
        lambda: make_disclosure(**{"t05.rows[6].basic": D("79.00")}),
        "t05.row_sum",
        ERROR,
        ("t05.rows[6].total", "t05.rows[6].basic", "t05.rows[6].project"),
        also={"t05.hierarchy"},
        count=1,
    ),
    Case(
        "05 类 ≠ Σ款",
        lambda: make_disclosure(**{"t05.rows[4].total": D("99.00"), "t05.rows[4].basic": D("99.00")}),
        "t05.hierarchy",
        ERROR,
        ("t05.rows[3].total", "t05.rows[4].total"),
    ),
    Case(
        "05 基本 ≠ 06 人员 + 公用",
        lambda: make_disclosure(
            **{
                "t06.public_total": D("41.00"),
                "t06.rows[8].amount": D("41.00"),
                "t06.rows[13].amount": D("21.00"),
            }
        ),
        "t05.basic_vs_t06",
        ERROR,
        ("t05.totals.basic", "t06.personnel_total", "t06.public_total"),
    ),
    Case(
        "06 人员经费 ≠ 301 + 303",
        lambda: make_disclosure(
            **{
                "t06.rows[6].amount": D("21.00"),
                "t06.rows[7].amount": D("21.00"),
                "t06.rows[8].amount": D("39.00"),
                "t06.rows[13].amount": D("19.00"),
            }
        ),
        "t06.group_totals",
        ERROR,
        ("t06.personnel_total", "t06.rows[0].amount", "t06.rows[6].amount"),
        count=2,
    ),
    Case(
        "06 类 ≠ Σ款",
        lambda: make_disclosure(**{"t06.rows[1].amount": D("121.00")}),
        "t06.class_sum",
        ERROR,
        ("t06.rows[0].amount", "t06.rows[1].amount"),
        count=1,
    ),
    Case(
        "06 code not in the year's list",
        lambda: make_disclosure(**{"t06.rows[13].code": "30298"}),
        "t06.codes",
        WARNING,
        ("t06.rows[13].code",),
        contains=("30298",),
    ),
    Case(
        "06 name differs",
        lambda: make_disclosure(**{"t06.rows[1].name": "基本薪酬"}),
        "t06.codes",
        WARNING,
        ("t06.rows[1].name",),
        contains=("基本薪酬", "基本工资"),
    ),
    # ---- 07
    Case(
        "07 年初 + 收入 − 支出 ≠ 年末",
        lambda: make_fund_disclosure(**{"t07.rows[2].carry_out": D("11.00")}),
        "t07.row_balance",
        ERROR,
        ("t07.rows[2].carry_out", "t07.rows[2].carry_in", "t07.rows[2].expense"),
        also={"t07.hierarchy"},
        count=1,
    ),
    Case(
        "07 支出 ≠ 基本 + 项目",
        lambda: make_fund_disclosure(
            **{f"t07.{r}.basic": D("1.00") for r in ("rows[0]", "rows[1]", "rows[2]", "totals")}
        ),
        "t07.row_expense",
        ERROR,
        ("t07.rows[2].expense", "t07.rows[2].basic"),
        count=4,
    ),
    Case(
        "07 款 ≠ Σ项",
        lambda: make_fund_disclosure(
            **{"t07.rows[1].income": D("31.00"), "t07.rows[1].carry_out": D("11.00")}
        ),
        "t07.hierarchy",
        ERROR,
        ("t07.rows[1].income", "t07.rows[2].income"),
    ),
    Case(
        "07 ≠ 01/04 政府性基金",
        lambda: make_fund_disclosure(**{"t01.fund_income": D("31.00"), "t01.gpb_income": D("499.00")}),
        "t07.vs_t04",
        ERROR,
        ("t07.totals.income", "t01.fund_income"),
        also={"t04.income_vs_t01"},
        count=1,
    ),
    # ---- 08
    Case(
        "08 年初 + 收入 − 支出 ≠ 年末",
        lambda: make_soe_disclosure(**{"t08.rows[2].carry_out": D("11.00")}),
        "t08.row_balance",
        ERROR,
        ("t08.rows[2].carry_out",),
        also={"t08.hierarchy"},
        count=1,
    ),
    Case(
        "08 支出 ≠ 基本 + 项目",
        lambda: make_soe_disclosure(
            **{f"t08.{r}.basic": D("1.00") for r in ("rows[0]", "rows[1]", "rows[2]", "totals")}
        ),
        "t08.row_expense",
        ERROR,
        ("t08.totals.expense", "t08.totals.basic"),
        count=4,
    ),
    Case(
        "08 款 ≠ Σ项",
        lambda: make_soe_disclosure(
            **{"t08.rows[1].income": D("31.00"), "t08.rows[1].carry_out": D("11.00")}
        ),
        "t08.hierarchy",
        ERROR,
        ("t08.rows[1].income",),
    ),
    Case(
        "08 ≠ 01/04 国有资本经营",
        lambda: make_soe_disclosure(**{"t01.soe_income": D("31.00"), "t01.gpb_income": D("499.00")}),
        "t08.vs_t04",
        ERROR,
        ("t08.totals.income", "t01.soe_income"),
        also={"t04.income_vs_t01"},
        count=1,
    ),
    # ---- 09
    Case(
        "09 合计 ≠ 三项之和",
        lambda: make_disclosure(**{"t09.actual.total": D("6.00")}),
        "t09.total",
        ERROR,
        ("t09.actual.total", "t09.actual.abroad", "t09.actual.car_total"),
        count=1,
    ),
    Case(
        "09 小计 ≠ 购置 + 运行",
        lambda: make_disclosure(**{"t09.budget.car_purchase": D("1.00")}),
        "t09.car_total",
        ERROR,
        ("t09.budget.car_total", "t09.budget.car_purchase"),
        count=1,
    ),
    Case(
        "06 30231 > 09 运行维护费",
        lambda: make_disclosure(**{"t06.rows[12].amount": D("5.00"), "t06.rows[13].amount": D("19.00")}),
        "t09.vs_t06",
        ERROR,
        ("t06.rows[12].amount", "t09.actual.car_operation"),
        count=1,
        contains=("30231", "5.00", "4.00"),
    ),
    # ---- 部门决算, 机关运行经费
    Case(
        "部门 with a 事业单位, 机关运行经费 not stated",
        lambda: _department(operating_costs=None),
        "operating_costs.stated",
        Severity.ERROR,
        ("operating_costs",),
        contains=("机关运行经费未填写",),
    ),
    Case(
        "机关运行经费 > 公用经费合计",
        lambda: make_admin_disclosure(**{"operating_costs": D("99.00")}),
        "operating_costs.within_public",
        Severity.ERROR,
        ("operating_costs", "t06.public_total"),
        contains=("99.00",),
    ),
    Case(
        "部门 without its composition",
        lambda: _department(members=[]),
        "unit.members",
        WARNING,
        ("unit.members",),
    ),
    # ---- staff, procurement, assets
    Case(
        "实有 ≠ 在职 + 离休 + 退休",
        lambda: make_disclosure(**{"unit.staff.active": 11}),
        "staff.total",
        WARNING,
        ("unit.staff.total", "unit.staff.active"),
        contains=("12", "11", "人"),
    ),
    Case(
        "实有增加数 ≠ Σ增加数",
        lambda: make_disclosure(**{"unit.staff.active_change": 2}),
        "staff.total_change",
        WARNING,
        ("unit.staff.total_change", "unit.staff.active_change"),
    ),
    Case(
        "采购总额 ≠ 货物 + 工程 + 服务",
        lambda: make_disclosure(**{"procurement.goods": D("10.40")}),
        "procurement.total",
        WARNING,
        ("procurement.total", "procurement.goods", "procurement.services"),
    ),
    Case(
        "中小企业 > 总额",
        lambda: make_disclosure(**{"procurement.sme": D("51.00")}),
        "procurement.sme",
        WARNING,
        ("procurement.sme", "procurement.total"),
    ),
    Case(
        "小微 > 中小",
        lambda: make_disclosure(**{"procurement.small_micro": D("31.00")}),
        "procurement.small_micro",
        WARNING,
        ("procurement.small_micro", "procurement.sme"),
    ),
    Case(
        "车辆合计 ≠ 八类之和",
        lambda: make_disclosure(**{"assets.vehicles.head": 1}),
        "assets.vehicle_count",
        WARNING,
        ("assets.vehicle_count", "assets.vehicles.head", "assets.vehicles.other"),
    ),
    Case(
        "车辆 ≠ 保有量 without reason",
        lambda: make_disclosure(
            **{"assets.vehicle_count": 2, "assets.vehicles.other": 2, "sangong.vehicle_difference_reason": ""}
        ),
        "assets.vehicle_holding",
        WARNING,
        ("assets.vehicle_count", "sangong.car_holding"),
    ),
    # ---- 绩效
    Case(
        "资金总额 ≠ 财政拨款 + 其他",
        lambda: make_disclosure(**{"performance.projects[0].other.executed": D("1.00")}),
        "performance.fund_lines",
        WARNING,
        ("performance.projects[0].total.executed", "performance.projects[0].other.executed"),
        count=1,
    ),
    Case(
        "执行率 > 100%",
        lambda: make_disclosure(
            **{
                "performance.projects[0].total.executed": D("130.00"),
                "performance.projects[0].fiscal.executed": D("130.00"),
                "performance.executed": D("130.00"),
            }
        ),
        "performance.execution_rate",
        WARNING,
        ("performance.projects[0].total.executed",),
        contains=("108.33%",),
    ),
    Case(
        "资金得分 ≠ 分值 × 执行率",
        lambda: make_disclosure(
            **{
                "performance.projects[0].fund_score": D("9.00"),
                "performance.projects[0].total_score": D("97.00"),
            }
        ),
        "performance.fund_score",
        WARNING,
        ("performance.projects[0].fund_score",),
        contains=("9.00", "10.00"),
    ),
    Case(
        "指标得分 > 分值",
        lambda: make_disclosure(
            **{
                "performance.projects[0].indicators[0].score": D("31"),
                "performance.projects[0].total_score": D("99.00"),
            }
        ),
        "performance.indicator_score",
        WARNING,
        ("performance.projects[0].indicators[0].score", "performance.projects[0].indicators[0].weight"),
    ),
    Case(
        "总分 ≠ 资金得分 + Σ指标得分",
        lambda: make_disclosure(**{"performance.projects[0].total_score": D("97.00")}),
        "performance.total_score",
        WARNING,
        ("performance.projects[0].total_score",),
        contains=("97.00", "98.00"),
    ),
    Case(
        "Σ分值 ≠ 100",
        lambda: make_disclosure(**{"performance.projects[0].indicators[0].weight": D("31")}),
        "performance.weights",
        WARNING,
        ("performance.projects[0].fund_weight",),
        contains=("101.00",),
    ),
    Case(
        "绩效项目个数 ≠ 自评表个数",
        lambda: make_disclosure(**{"performance.project_count": 2}),
        "performance.summary",
        WARNING,
        ("performance.project_count",),
    ),
    Case(
        "绩效全年预算数 ≠ Σ",
        lambda: make_disclosure(**{"performance.full_budget": D("121.00")}),
        "performance.summary",
        WARNING,
        ("performance.full_budget", "performance.projects[0].total.full_budget"),
    ),
    # ---- comparisons
    Case(
        "changed total without reason",
        lambda: make_disclosure(**{"comparisons.total.reason": ""}),
        "comparisons.reason",
        WARNING,
        ("comparisons.total.reason",),
        contains=("510.00", "480.00"),
    ),
    Case(
        "budget difference without reason",
        lambda: make_disclosure(**{"comparisons.fiscal.budget_reason": ""}),
        "comparisons.reason",
        WARNING,
        ("comparisons.fiscal.budget_reason", "comparisons.fiscal.budget"),
        contains=("508.00", "450.00"),
    ),
    Case(
        "项 present only last year without reason",
        lambda: make_disclosure(**{"comparisons.gpb_items[3].reason": ""}),
        "comparisons.reason",
        WARNING,
        ("comparisons.gpb_items[3].reason",),
        contains=("2120104", "50.00"),
    ),
    Case(
        "三公 part differs from 全年预算 without reason",
        lambda: make_disclosure(**{"comparisons.sangong.car_operation.budget_reason": ""}),
        "comparisons.reason",
        WARNING,
        ("comparisons.sangong.car_operation.budget_reason", "t09.budget.car_operation"),
        contains=("4.00", "5.00"),
    ),
    Case(
        "fund item changed without reason",
        lambda: make_fund_disclosure(**{"comparisons.fund_items[0].reason": ""}),
        "comparisons.reason",
        WARNING,
        ("comparisons.fund_items[0].reason",),
        contains=("2120803",),
    ),
    Case(
        "missing 上年 of 收入支出总计",
        lambda: make_disclosure(**{"comparisons.total.prior": None}),
        "comparisons.missing",
        ERROR,
        ("comparisons.total.prior",),
    ),
    Case(
        "missing 年初预算 of 一般公共预算支出",
        lambda: make_disclosure(**{"comparisons.gpb_expense.budget": None}),
        "comparisons.missing",
        ERROR,
        ("comparisons.gpb_expense.budget",),
    ),
    Case(
        "missing fund prior when the fund has figures",
        lambda: make_fund_disclosure(**{"comparisons.fund.prior": None}),
        "comparisons.missing",
        ERROR,
        ("comparisons.fund.prior",),
    ),
    Case(
        "missing 三公 prior",
        lambda: make_disclosure(**{"comparisons.sangong.reception.prior": None}),
        "comparisons.missing",
        ERROR,
        ("comparisons.sangong.reception.prior",),
    ),
    Case(
        "missing 公用经费 prior",
        lambda: make_disclosure(**{"comparisons.public_expense.prior": None}),
        "comparisons.missing",
        ERROR,
        ("comparisons.public_expense.prior",),
    ),
    Case(
        "05 项 without comparison entry",
        lambda: _drop_gpb_item("2080505"),
        "comparisons.gpb_items",
        ERROR,
        ("t05.rows[6].code", "comparisons.gpb_items"),
        contains=("2080505", "80.00"),
    ),
    Case(
        "comparison entry without prior",
        lambda: make_disclosure(**{"comparisons.gpb_items[0].prior": None}),
        "comparisons.gpb_items",
        ERROR,
        ("comparisons.gpb_items[0].prior",),
    ),
    Case(
        "last-year-only entry without names",
        lambda: make_disclosure(
            **{
                "comparisons.gpb_items[3]": SubjectComparison(
                    code="2129899", prior=D("50.00"), reason="科目调整。"
                )
            }
        ),
        "comparisons.gpb_items",
        ERROR,
        ("comparisons.gpb_items[3].item_name",),
        also={"year.unknown_code"},  # 2129999 is not in the year's data either (a 提示)
        contains=("款级科目名称", "科目名称"),
    ),
    Case(
        "07 项 without comparison entry",
        lambda: make_fund_disclosure(**{"comparisons.fund_items": []}),
        "comparisons.fund_items",
        ERROR,
        ("t07.rows[2].code",),
    ),
    Case(
        "08 项 without comparison entry",
        lambda: make_soe_disclosure(**{"comparisons.soe_items": []}),
        "comparisons.soe_items",
        ERROR,
        ("t08.rows[2].code",),
    ),
]


#: a format whose text goes through the 一般公共预算 项 with their budgets and 主要用于 (as 上海's)
_ITEM_BUDGETS = {
    "gpb_items": ["budget", "full_budget", "usage", "budget_reason"],
    "gpb_expense": ["prior", "budget", "full_budget"],
}

CASES += [
    Case(
        "项 年初预算数 do not add up to the total",
        lambda: make_stated_disclosure(**{"comparisons.gpb_items[0].budget": D("370.00")}),
        "comparisons.gpb_items_budget",
        ERROR,
        ("comparisons.gpb_expense.budget", "comparisons.gpb_items[0].budget"),
        contains=("年初预算数之和应等于", "相差 10.00 万元"),
        states=_ITEM_BUDGETS,
    ),
    Case(
        "项 全年预算数 do not add up to the total",
        lambda: make_stated_disclosure(**{"comparisons.gpb_items[3].full_budget": D("5.00")}),
        "comparisons.gpb_items_full_budget",
        ERROR,
        ("comparisons.gpb_expense.full_budget", "comparisons.gpb_items[3].full_budget"),
        contains=("全年预算数之和应等于",),
        states=_ITEM_BUDGETS,
    ),
    Case(
        "项 without its 全年预算数",
        lambda: make_stated_disclosure(**{"comparisons.gpb_items[1].full_budget": None}),
        "comparisons.gpb_items",
        ERROR,
        ("comparisons.gpb_items[1].full_budget",),
        count=1,
        contains=("缺少全年预算数",),
        states=_ITEM_BUDGETS,
    ),
    Case(
        "total without its 全年预算数",
        lambda: make_stated_disclosure(**{"comparisons.gpb_expense.full_budget": None}),
        "comparisons.missing",
        ERROR,
        ("comparisons.gpb_expense.full_budget",),
        count=1,
        states=_ITEM_BUDGETS,
    ),
    Case(
        "项 without 主要用于",
        lambda: make_stated_disclosure(**{"comparisons.gpb_items[2].usage": ""}),
        "comparisons.gpb_items_usage",
        WARNING,
        ("comparisons.gpb_items[2].usage",),
        count=1,
        states=_ITEM_BUDGETS,
    ),
    Case(
        "基金 项 without 主要用于",
        lambda: make_stated_disclosure(**{"comparisons.fund_items[0].usage": ""}),
        "comparisons.fund_items_usage",
        WARNING,
        ("comparisons.fund_items[0].usage",),
        count=1,
        states={"fund_items": ["prior", "reason", "usage"]},
    ),
    Case(
        "国有资本 项 without 主要用于",
        make_soe_disclosure,
        "comparisons.soe_items_usage",
        WARNING,
        ("comparisons.soe_items[0].usage",),
        states={"soe_items": ["prior", "reason", "usage"]},
    ),
    Case(
        "项 differs from its 全年预算数 without reason",
        lambda: make_stated_disclosure(
            **{
                "comparisons.gpb_items[0].full_budget": D("410.00"),
                "comparisons.gpb_items[1].full_budget": D("10.00"),
                "comparisons.gpb_items[0].budget_reason": "",
            }
        ),
        "comparisons.reason",
        WARNING,
        ("comparisons.gpb_items[0].budget_reason", "comparisons.gpb_items[0].full_budget"),
        count=1,
        contains=("全年预算数 410.00 万元",),
        states=_ITEM_BUDGETS,
    ),
    Case(
        "外宾接待 > 公务接待费",
        lambda: make_stated_disclosure(**{"sangong.foreign_reception": D("1.50")}),
        "sangong.foreign_reception",
        ERROR,
        ("sangong.foreign_reception", "t09.actual.reception"),
        contains=("外宾接待支出 1.50 万元", "公务接待费 1.00 万元"),
    ),
    Case(
        "接待外宾批次 > 公务接待批次",
        lambda: make_stated_disclosure(**{"sangong.foreign_reception_batches": 6, "sangong.foreign_reception_persons": 21}),
        "sangong.foreign_reception_count",
        ERROR,
        ("sangong.foreign_reception_batches", "sangong.reception_batches", "sangong.foreign_reception_persons"),
        count=2,
        contains=("接待外宾批次不应大于国内公务接待批次", "超出 1 批次"),
    ),
    Case(
        "小微预留预算 > 中小预留预算",
        lambda: make_stated_disclosure(**{"procurement.reserved_small_micro_budget": D("25.00")}),
        "procurement.reserved_small_micro_budget",
        WARNING,
        ("procurement.reserved_small_micro_budget", "procurement.reserved_sme_budget"),
    ),
    Case(
        "小微中标 > 中小中标（预留项目）",
        lambda: make_stated_disclosure(**{"procurement.reserved_small_micro_awarded": D("19.00")}),
        "procurement.reserved_small_micro_awarded",
        WARNING,
        ("procurement.reserved_small_micro_awarded", "procurement.reserved_sme_awarded"),
    ),
    Case(
        "中小企业中标 > 采购总额、授予中小企业合同金额",
        lambda: make_stated_disclosure(**{"procurement.other_sme_awarded": D("40.00")}),
        "procurement.sme_awarded",
        WARNING,
        ("procurement.reserved_sme_awarded", "procurement.other_sme_awarded", "procurement.total", "procurement.sme"),
        count=2,
    ),
    Case(
        "评级个数之和 ≠ 自评项目个数",
        lambda: make_stated_disclosure(**{"performance.grade_good": 2}),
        "performance.grades",
        WARNING,
        ("performance.self_count", "performance.grade_good"),
        contains=("自评项目 2 个", "相差 1 个"),
    ),
    Case(
        "整改个数 > 发现问题个数",
        lambda: make_stated_disclosure(**{"performance.issues_fixing": 2}),
        "performance.issues",
        WARNING,
        ("performance.issues_found", "performance.issues_fixed", "performance.issues_fixing"),
        contains=("超出 1 个",),
    ),
    Case(
        "资产 figures the format states left blank",
        lambda: make_disclosure(**{"assets.house_area": None, "assets.equipment_count": None}),
        "assets.stated",
        WARNING,
        ("assets.house_area", "assets.equipment_count"),
        count=2,
        contains=("“房屋面积（平方米）”未填写", "（三）国有资产占用情况说明", "没有请填 0"),
    ),
    Case(
        "平均得分 > 100",
        lambda: make_stated_disclosure(**{"performance.average_score": D("100.5")}),
        "performance.average_score",
        WARNING,
        ("performance.average_score",),
        contains=("100.5 分",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fires(case: Case, tmp_path, monkeypatch):
    d = case.build()
    if case.states is not None:
        import generator.formats as formats
        from factories import install_format

        d.unit.style = install_format(tmp_path / "formats", "试验格式", case.states)
        monkeypatch.setattr(formats, "FORMATS_DIR", tmp_path / "formats")
    findings = run_checks(d)
    assert fired(findings) == {case.rule} | case.also, [str(f) for f in findings]
    mine = of_rule(findings, case.rule)
    assert all(f.severity == case.severity for f in mine), [str(f) for f in mine]
    if case.count is not None:
        assert len(mine) == case.count, [str(f) for f in mine]
    for cell in case.cells:
        assert any(cell in f.cells for f in mine), (cell, [f.cells for f in mine])
    for text in case.contains:
        assert text in mine[0].message, mine[0].message


def test_every_rule_has_a_case():
    """Each registered rule is broken by at least one case above."""
    assert set(rule_ids()) <= {c.rule for c in CASES}


def test_rule_ids_are_unique_and_documented():
    ids = rule_ids()
    assert len(ids) == len(set(ids))
    for fn in CHECKS:
        lines = inspect.cleandoc(fn.__doc__ or "").splitlines()
        assert lines and lines[0], fn.rule_id  # the rule, in Chinese
        assert any(line.startswith("依据") for line in lines), fn.rule_id  # and its source


# ---------------------------------------------------------------------------- rounding and messages


def test_rounding_difference_within_tolerance_is_a_note():
    """0.01 off on a two-addend sum (小计 = 购置 + 运行) is within 2 × 0.01: a 提示, not an 错误."""
    d = make_disclosure(**{"t09.actual.car_total": D("4.01"), "t09.actual.total": D("5.01")})
    findings = of_rule(run_checks(d), "t09.car_total")
    assert [f.severity for f in findings] == [NOTE]
    assert findings[0].difference == D("0.01") and findings[0].unit == "万元"
    msg = findings[0].message
    assert "4.01" in msg and "4.00" in msg and "相差 0.01 万元" in msg
    assert "允许误差 0.02 万元" in msg


def test_rounding_difference_beyond_tolerance_is_an_error():
    d = make_disclosure(**{"t09.actual.car_total": D("4.03"), "t09.actual.total": D("5.03")})
    findings = of_rule(run_checks(d), "t09.car_total")
    assert [f.severity for f in findings] == [ERROR]
    assert "允许误差 0.02 万元" in findings[0].message


def test_reference_000_rounding_of_the_grand_total_is_a_note():
    """000 prints 收入总计 416.40 while 415.84 + 0.00 + 0.55 = 416.39 (figures kept in 元)."""
    d = make_disclosure(
        **{
            "t01.income_total": D("415.84"),
            "t01.carry_in": D("0.55"),
            "t01.income_grand_total": D("416.40"),
        }
    )
    findings = of_rule(run_checks(d), "t01.income_grand_total")
    assert [f.severity for f in findings] == [NOTE]
    assert "416.40" in findings[0].message and "416.39" in findings[0].message


def test_tolerance_setting_is_used():
    d = make_disclosure(**{"t09.actual.car_total": D("4.01"), "t09.actual.total": D("5.01")})
    strict = CheckSettings(rounding_tolerance_per_addend=D("0"))
    findings = of_rule(run_checks(d, settings=strict), "t09.car_total")
    assert [f.severity for f in findings] == [ERROR]


def test_tiny_difference_is_shown_exactly():
    """A difference rounding would hide (amounts kept in 元) is printed with its digits."""
    d = make_disclosure(**{"procurement.total": D("50.0001")})
    (f,) = of_rule(run_checks(d), "procurement.total")
    assert f.severity == NOTE  # within the tolerance, even for supplementary figures
    assert "相差 0.0001 万元" in f.message


def test_reference_001_procurement_slip_message():
    """The 12345 热线中心 slip: 900.52 vs 6.54 + 0.00 + 893.58 = 900.12 is reported.

    政府采购 figures are stated only in the narrative, so the slip is a 警告 (the reference
    published it; generation goes on) — but beyond the rounding tolerance, and said so."""
    d = make_disclosure(
        **{
            "procurement.total": D("900.52"),
            "procurement.goods": D("6.54"),
            "procurement.works": D("0.00"),
            "procurement.services": D("893.58"),
            "procurement.sme": D("29.44"),
            "procurement.small_micro": D("29.38"),
        }
    )
    findings = run_checks(d)
    assert fired(findings) == {"procurement.total"}
    (f,) = findings
    assert f.severity == WARNING
    assert f.message.startswith(
        "政府采购支出总额应等于货物、工程、服务支出之和：总额 900.52 万元，"
        "货物 6.54 + 工程 0.00 + 服务 893.58 = 900.12 万元，相差 0.40 万元"
    )
    assert "允许误差 0.03 万元" in f.message
    assert f.cells == ("procurement.total", "procurement.goods", "procurement.works", "procurement.services")


def test_amounts_over_a_thousand_use_separators():
    d = make_disclosure(**{"procurement.total": D("1234.56"), "procurement.sme": D("30.00")})
    (f,) = run_checks(d)
    assert "总额 1,234.56 万元" in f.message and "相差 1,184.56 万元" in f.message


def test_cells_come_from_the_source_map():
    sources = SourceMap(origin="单位.xlsx")
    sources.record(("procurement", "total"), "其他情况!C5")
    sources.record(("procurement", "goods"), "其他情况!C6")
    sources.record(("t05",), "公开05表!A1")
    d = make_disclosure(**{"procurement.goods": D("10.40"), "t05.rows[6].basic": D("79.00")})
    findings = run_checks(d, sources)
    (proc,) = of_rule(findings, "procurement.total")
    # unrecorded paths fall back to the JSON path; recorded ancestors are used for the rest
    assert proc.cells == ("其他情况!C5", "其他情况!C6", "procurement.works", "procurement.services")
    assert of_rule(findings, "t05.row_sum")[0].cells == ("公开05表!A1",)


def test_reason_threshold_setting():
    """Changes up to the threshold need no reason."""
    d = make_disclosure(**{"comparisons.total.reason": ""})  # 510.00 vs 480.00: change 30.00
    assert fired(run_checks(d, settings=CheckSettings(reason_threshold=D("30")))) == set()
    assert fired(run_checks(d, settings=CheckSettings(reason_threshold=D("29.99")))) == {"comparisons.reason"}


def test_unchanged_item_needs_no_reason():
    d = make_disclosure(
        **{"comparisons.sangong.abroad.reason": "", "comparisons.sangong.abroad.budget_reason": ""}
    )
    assert run_checks(d) == []  # 0.00 last year, 0.00 this year and 0.00 budget


def test_missing_message_names_the_section():
    d = make_disclosure(**{"comparisons.total.prior": None})
    (f,) = run_checks(d)
    assert f.message == "缺少收入支出总计的上年决算数，无法写出“一、收入支出决算总体情况说明”中的对比"


def test_sangong_subtotal_is_not_compared_with_the_budget():
    """The text compares 购置 and 运行维护 with the 全年预算, not their 小计 (reference 001, 九)."""
    d = make_disclosure(**{"comparisons.sangong.car_total.budget_reason": ""})
    assert run_checks(d) == []
    d = make_disclosure(**{"comparisons.sangong.car_purchase.reason": ""})  # nor 购置 with last year
    d = with_value(d, "comparisons.sangong.car_purchase.prior", D("3.00"))
    assert run_checks(d) == []


def test_empty_funds_need_no_comparisons():
    """Empty 07/08 this year and nothing last year: fund/soe prior and budget may be missing."""
    d = make_disclosure(
        **{
            "comparisons.fund.prior": None,
            "comparisons.fund.budget": None,
            "comparisons.soe.prior": None,
            "comparisons.soe.budget": None,
        }
    )
    assert run_checks(d) == []


def test_fund_empty_this_year_but_not_last_year_needs_comparisons():
    """001: 政府性基金 items only last year; their prior and the fund's budget are needed."""
    d = make_disclosure(
        **{
            "comparisons.fund.budget": None,
            "comparisons.fund_items": [
                SubjectComparison(code="2120803", prior=D("11.68"), reason="机构调整。")
            ],
        }
    )
    findings = run_checks(d)
    assert fired(findings) == {"comparisons.missing"}
    assert findings[0].cells == ("comparisons.fund.budget",)


def test_names_with_half_width_parentheses_are_accepted():
    d = make_disclosure(**{"t05.rows[1].name": "政府办公厅(室)及相关机构事务"})
    assert run_checks(d) == []


def test_zero_row_present_only_last_year_is_accepted():
    """A 05 项 row at 0.00 this year (moved to another 科目) with its comparison entry."""
    d = make_disclosure()
    d = _append(d, "t05.rows", GpbRow(code="2120104", name="城管执法"))
    d = with_values(d, {})  # copy
    # its 类/款 rows are needed too (0.00)
    d = _append(d, "t05.rows", GpbRow(code="212", name="城乡社区支出"))
    d = _append(d, "t05.rows", GpbRow(code="21201", name="城乡社区管理事务"))
    assert run_checks(d) == []


def test_unknown_class_in_a_table_row_is_a_warning():
    d = make_disclosure()
    d = _append(d, "t05.rows", GpbRow(code="299", name="不存在的类"))
    findings = run_checks(d)
    assert fired(findings) == {"structure.subject_names"}
    assert findings[0].severity == WARNING


def test_06_unknown_class_counts_as_public():
    """A 06 类 outside 301/303/302/310 (e.g. 399) is part of 公用经费."""
    d = make_disclosure()
    d = _append(d, "t06.rows", EconRow(code="399", name="其他支出", amount=D("1.00")))
    d = _append(d, "t06.rows", EconRow(code="39999", name="其他支出", amount=D("1.00")))
    # 302 gives 1.00 to 399: 公用经费合计 stays 40.00 = 302 39.00 + 399 1.00
    d = with_values(d, {"t06.rows[13].amount": D("19.00"), "t06.rows[8].amount": D("39.00")})
    assert fired(run_checks(d)) == {"t06.codes"}  # only: 399 is not in the year's list


def test_admin_unit_passes_and_breaks_the_same_way():
    d = make_admin_disclosure(**{"procurement.goods": D("10.40")})
    assert fired(run_checks(d)) == {"procurement.total"}


def test_finding_str_names_cells():
    d = make_disclosure(**{"procurement.goods": D("10.40")})
    (f,) = run_checks(d)
    assert str(f).startswith("[警告] 政府采购支出总额")
    assert "procurement.goods" in str(f)


# ---------------------------------------------------------------------------- docs


def test_rules_markdown_lists_every_rule():
    md = rules_markdown()
    for rule in rule_ids():
        assert f"`{rule}`" in md


def test_docs_checks_md_is_current():
    """docs/checks.md is generated from the registry; regenerate it when a rule changes."""
    path = REPO / "docs" / "checks.md"
    assert path.read_text(encoding="utf-8") == rules_markdown()


# ---------------------------------------------------------------------------- samples


def _sample(prefix: str) -> Path | None:
    names = {"000": "乌鲁木齐市政务服务中心.json", "001": "乌鲁木齐市12345政务服务热线中心.json"}
    path = SAMPLES / names[prefix]
    return path if path.exists() else None


@pytest.mark.skipif(_sample("000") is None, reason="samples/data 000 sample not written yet")
def test_sample_000_has_no_error():
    d = Disclosure.model_validate_json(_sample("000").read_text(encoding="utf-8"))
    errors = [f for f in run_checks(d) if f.severity == ERROR]
    assert errors == []


@pytest.mark.skipif(_sample("001") is None, reason="samples/data 001 sample not written yet")
def test_sample_001_reports_the_procurement_slip_and_no_error():
    d = Disclosure.model_validate_json(_sample("001").read_text(encoding="utf-8"))
    findings = run_checks(d)
    assert [f for f in findings if f.severity == ERROR] == []
    (slip,) = [f for f in findings if f.rule == "procurement.total"]
    assert slip.severity == WARNING
    assert "900.52" in slip.message and "900.12" in slip.message and "相差 0.40 万元" in slip.message
