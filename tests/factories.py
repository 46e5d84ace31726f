"""Test-data factory: small, fully consistent disclosures that pass every 勾稽 check.

``make_disclosure()`` is a 事业单位 "测试市某某中心" for 2024 with only 财政拨款 income
(一般公共预算), two 类 (201 and 208), a 项 with both 基本 and 项目 spending, a 项 present
only last year (in ``comparisons.gpb_items``), 三公 with 公务用车运行维护费, procurement,
vehicles, one 绩效 project and every comparison filled.  ``make_fund_disclosure()`` adds a
small 政府性基金 (公开07表 and the fund column of 公开04表), ``make_soe_disclosure()`` the
same with 国有资本经营 (公开08表), and ``make_admin_disclosure()`` is the unit as a 行政单位.
All amounts in 万元.

Overrides are dotted model paths (list indices as ``[i]`` or ``.i``)::

    make_disclosure(**{"t01.income_total": D("1.00")})
    with_value(d, "t05.rows[2].total", D("1.00"))
    with_values(d, {"procurement.total": D("9"), "procurement.goods": D("9")})

The 科目 tables are built from their 项 rows (款, 类 and 合计 rows are sums), so every table
starts consistent and a test changes only the figures its case is about.  Row order:

- 02/03/05: [0] 201, [1] 20103, [2] 2010350, [3] 208, [4] 20805, [5] 2080502, [6] 2080505
  (行政单位: 2010301 and 2080501 instead of 2010350 and 2080502);
- 06: [0] 301, [1]–[5] its 款, [6] 303, [7] 30302, [8] 302, [9]–[13] 30201, 30211, 30217,
  30231, 30299;
- 07 (fund variant) / 08 (soe variant): [0] 类, [1] 款, [2] 项 (2120803 / 2230199).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.model import (
    T01,
    T02,
    T03,
    T04,
    T05,
    T06,
    T09,
    Assets,
    BudgetComparison,
    Comparison,
    Comparisons,
    Disclosure,
    EconRow,
    ExpenseRow,
    ExpenseTotals,
    FundLine,
    FundRow,
    FundSplit,
    FundTable,
    FundTotals,
    GpbRow,
    GpbTotals,
    IncomeRow,
    IncomeTotals,
    Indicator,
    Performance,
    Procurement,
    Project,
    SanGong,
    SanGongComparison,
    SanGongComparisons,
    SanGongDetails,
    Staff,
    SubjectComparison,
    Unit,
    UnitKind,
    Vehicles,
)
from generator.numbers import D
from generator.synthetic import rollup
from generator.yeardata import load_year

__all__ = [
    "D",
    "get_value",
    "make_admin_disclosure",
    "make_disclosure",
    "make_fund_disclosure",
    "make_soe_disclosure",
    "with_value",
    "with_values",
]

YEAR = 2024
UNIT_NAME = "测试市某某中心"

# 项 rows of 公开05表 (一般公共预算财政拨款): code → (基本支出, 项目支出), 万元.
# 2010350 has both 基本 and 项目 spending; 201 = 400.00, 208 = 100.00, total 500.00.
_GPB_ITEMS: dict[str, tuple[str, str]] = {
    "2010350": ("280.00", "120.00"),
    "2080502": ("20.00", "0.00"),
    "2080505": ("80.00", "0.00"),
}
# The 行政单位 variant uses 行政运行 / 行政单位离退休.
_ADMIN_CODES = {"2010350": "2010301", "2080502": "2080501"}

# Last year's 决算 of each 项 (comparisons.gpb_items); 2120104 exists only last year.
_GPB_PRIOR: dict[str, str] = {
    "2010350": "330.00",
    "2080502": "18.00",
    "2080505": "75.00",
}
_ONLY_LAST_YEAR = ("2120104", "城管执法", "城乡社区支出", "城乡社区管理事务", "50.00")

# 公开06表 (一般公共预算财政拨款基本支出 380.00 = 人员 340.00 + 公用 40.00).
_ECON: dict[str, list[tuple[str, str]]] = {
    "301": [
        ("30101", "120.00"),
        ("30102", "60.00"),
        ("30107", "50.00"),
        ("30108", "55.00"),
        ("30113", "35.00"),
    ],
    "303": [("30302", "20.00")],
    "302": [("30201", "10.00"), ("30211", "5.00"), ("30217", "1.00"), ("30231", "4.00"), ("30299", "20.00")],
}

# 政府性基金 / 国有资本经营 variants: one 项 with 年初 5.00 + 收入 30.00 − 支出 25.00 (项目) = 年末 10.00.
_FUND_ITEM = ("2120803", "5.00", "30.00", "25.00", "10.00")
_SOE_ITEM = ("2230199", "5.00", "30.00", "25.00", "10.00")
# Names the year data does not list (it lists only common 款/项).
_EXTRA_NAMES = {"22301": "解决历史遗留问题及改革成本支出", "2230199": "其他解决历史遗留问题及改革成本支出"}

_REASON = "业务量变化，相应支出调整。"
_BUDGET_REASON = "年中追加预算，决算与年初预算存在差异。"


def _name(code: str) -> str:
    name = load_year(YEAR).subject_name(code) or _EXTRA_NAMES.get(code)
    assert name, f"year data has no name for {code}"
    return name


def _rollup(items: Mapping[str, Mapping[str, Decimal]], fields: Iterable[str]) -> list[dict[str, Any]]:
    """类, 款 and 项 rows (in code order) from 项 amounts: each parent is the sum of its children."""
    return [{"code": c, "name": _name(c), **amounts} for c, amounts in rollup(items, fields).items()]


def _totals(rows: list[dict[str, Any]], fields: Iterable[str]) -> dict[str, Decimal]:
    return {f: sum((r[f] for r in rows if len(r["code"]) == 3), Decimal(0)) for f in fields}


def _build(*, admin: bool = False, extra: str | None = None) -> Disclosure:
    """The test unit; ``extra`` = "fund" (政府性基金, 公开07表) or "soe" (国有资本经营, 公开08表)."""
    code_of = (lambda c: _ADMIN_CODES.get(c, c)) if admin else (lambda c: c)
    fund = extra is not None

    # ---- 一般公共预算: 05 rows, and the all-funds 03/02 rows built from them
    gpb_items = {
        code_of(c): {"basic": D(b), "project": D(p), "total": D(b) + D(p)} for c, (b, p) in _GPB_ITEMS.items()
    }
    fund_items: dict[str, dict[str, Decimal]] = {}
    if fund:
        code, cin, inc, exp, cout = _FUND_ITEM if extra == "fund" else _SOE_ITEM
        fund_items[code] = {
            "carry_in": D(cin),
            "income": D(inc),
            "expense": D(exp),
            "basic": Decimal(0),
            "project": D(exp),
            "carry_out": D(cout),
        }

    t05_rows = _rollup(gpb_items, ("total", "basic", "project"))
    t05 = T05(
        rows=[GpbRow(**r) for r in t05_rows],
        totals=GpbTotals(**_totals(t05_rows, ("total", "basic", "project"))),
    )

    # 03: all funds = 一般公共预算 + 政府性基金 spending.
    exp_items = {c: dict(v) for c, v in gpb_items.items()}
    for c, v in fund_items.items():
        exp_items[c] = {"total": v["expense"], "basic": v["basic"], "project": v["project"]}
    t03_rows = _rollup(exp_items, ("total", "basic", "project"))
    t03 = T03(
        rows=[ExpenseRow(**r) for r in t03_rows],
        totals=ExpenseTotals(**_totals(t03_rows, ("total", "basic", "project"))),
    )

    # 02: income by 科目; all income is 财政拨款 and is booked on the 科目 it is spent on.
    inc_items = {c: {"total": v["total"], "fiscal": v["total"]} for c, v in gpb_items.items()}
    for c, v in fund_items.items():
        inc_items[c] = {"total": v["income"], "fiscal": v["income"]}
    t02_rows = _rollup(inc_items, ("total", "fiscal"))
    t02 = T02(
        rows=[IncomeRow(**r) for r in t02_rows], totals=IncomeTotals(**_totals(t02_rows, ("total", "fiscal")))
    )

    # 07 (政府性基金) or 08 (国有资本经营): the extra fund's table; ``col`` is its 04 column.
    col = extra or "fund"
    extra_table = FundTable()
    if fund_items:
        cols = ("carry_in", "income", "expense", "basic", "project", "carry_out")
        extra_rows = _rollup(fund_items, cols)
        extra_table = FundTable(
            rows=[FundRow(**r) for r in extra_rows], totals=FundTotals(**_totals(extra_rows, cols))
        )
    xt = extra_table.totals

    # ---- 04: 财政拨款 (一般公共预算 年初/年末 8.00 each; the extra fund from its table)
    gpb_income = t05.totals.total  # spending equals income; the carry-over is unchanged
    gpb_carry = D("8.00")
    by_class: dict[str, FundSplit] = {}
    for r in t05.rows:
        if len(r.code) == 3:
            by_class[r.code] = FundSplit(total=r.total, gpb=r.total)
    for r in extra_table.rows:
        if len(r.code) == 3 and r.expense:
            prev = by_class.get(r.code, FundSplit())
            by_class[r.code] = prev.model_copy(
                update={"total": prev.total + r.expense, col: getattr(prev, col) + r.expense}
            )
    by_class = dict(sorted(by_class.items()))

    def split(gpb: Decimal, other: Decimal) -> FundSplit:
        return FundSplit(**{"total": gpb + other, "gpb": gpb, col: other})

    carry_in = split(gpb_carry, xt.carry_in)
    carry_out = split(gpb_carry, xt.carry_out)
    expense_total = split(t05.totals.total, xt.expense)
    income_total = gpb_income + xt.income
    incomes = {"gpb_income": gpb_income, f"{col}_income": xt.income}
    t04 = T04(
        **incomes,
        income_total=income_total,
        carry_in=carry_in,
        income_grand_total=income_total + carry_in.total,
        expense_by_class=by_class,
        expense_total=expense_total,
        carry_out=carry_out,
        expense_grand_total=split(t05.totals.total + gpb_carry, xt.expense + xt.carry_out),
    )

    # ---- 01: all funds; 2.00 of 非财政拨款 结转 carried through unchanged
    nonfiscal_carry = D("2.00")
    t01 = T01(
        **incomes,
        income_total=income_total,
        carry_in=carry_in.total + nonfiscal_carry,
        income_grand_total=income_total + carry_in.total + nonfiscal_carry,
        expense_by_class={r.code: r.total for r in t03.rows if len(r.code) == 3},
        expense_total=t03.totals.total,
        carry_out=carry_out.total + nonfiscal_carry,
        expense_grand_total=t03.totals.total + carry_out.total + nonfiscal_carry,
    )

    # ---- 06: economic items of 一般公共预算 基本支出
    econ_names = load_year(YEAR).econ_names
    t06_rows: list[EconRow] = []
    group_sums = {"personnel": Decimal(0), "public": Decimal(0)}
    for cls in ("301", "303", "302"):
        items = [(c, D(a)) for c, a in _ECON[cls]]
        cls_total = sum((a for _, a in items), Decimal(0))
        t06_rows.append(EconRow(code=cls, name=econ_names[cls], amount=cls_total))
        t06_rows += [EconRow(code=c, name=econ_names[c], amount=a) for c, a in items]
        group_sums[load_year(YEAR).econ_group(cls)] += cls_total
    t06 = T06(rows=t06_rows, personnel_total=group_sums["personnel"], public_total=group_sums["public"])
    assert t06.personnel_total + t06.public_total == t05.totals.basic

    # ---- 09: 三公 (公务用车运行维护费 4.00 ≥ 06 30231 4.00; 公务接待费 1.00 ≥ 30217 1.00)
    t09 = T09(
        budget=SanGong(total=D("6.50"), car_total=D("5.00"), car_operation=D("5.00"), reception=D("1.50")),
        actual=SanGong(total=D("5.00"), car_total=D("4.00"), car_operation=D("4.00"), reception=D("1.00")),
    )

    # ---- comparisons: every prior, budget and reason filled
    def sg(prior: str) -> SanGongComparison:
        return SanGongComparison(prior=D(prior), reason=_REASON, budget_reason=_BUDGET_REASON)

    gpb_cmp = [SubjectComparison(code=code_of(c), prior=D(p), reason=_REASON) for c, p in _GPB_PRIOR.items()]
    code, name, class_name, item_name, prior = _ONLY_LAST_YEAR
    gpb_cmp.append(
        SubjectComparison(
            code=code, name=name, class_name=class_name, item_name=item_name, prior=D(prior), reason=_REASON
        )
    )
    empty_cmp = BudgetComparison(prior=D("0"), budget=D("0"))
    fund_cmps = {"fund": (empty_cmp, []), "soe": (empty_cmp.model_copy(), [])}
    if fund:
        item_code = next(c for c in fund_items)
        fund_cmps[col] = (
            BudgetComparison(
                prior=D("40.00"), reason=_REASON, budget=D("30.00"), budget_reason=_BUDGET_REASON
            ),
            [SubjectComparison(code=item_code, prior=D("40.00"), reason=_REASON)],
        )
    comparisons = Comparisons(
        total=Comparison(prior=D("480.00"), reason=_REASON),
        fiscal=BudgetComparison(
            prior=D("470.00"), reason=_REASON, budget=D("450.00"), budget_reason=_BUDGET_REASON
        ),
        gpb_expense=BudgetComparison(
            prior=D("473.00"), reason=_REASON, budget=D("450.00"), budget_reason=_BUDGET_REASON
        ),
        gpb_items=gpb_cmp,
        fund=fund_cmps["fund"][0],
        fund_items=fund_cmps["fund"][1],
        soe=fund_cmps["soe"][0],
        soe_items=fund_cmps["soe"][1],
        sangong=SanGongComparisons(
            total=sg("6.00"),
            abroad=sg("0"),
            car_total=sg("4.50"),
            car_purchase=sg("0"),
            car_operation=sg("4.50"),
            reception=sg("1.50"),
        ),
        public_expense=Comparison(prior=D("38.00"), reason=_REASON),
    )

    # ---- 绩效: one project, 执行率 100%, 资金得分 10 + 指标 88 = 总分 98
    project = Project(
        name="测试业务运行保障项目",
        supervisor="测试市某某局",
        implementer=UNIT_NAME,
        total=FundLine(initial_budget=D("100.00"), full_budget=D("120.00"), executed=D("120.00")),
        fiscal=FundLine(initial_budget=D("100.00"), full_budget=D("120.00"), executed=D("120.00")),
        other=FundLine(),
        fund_weight=D("10"),
        fund_score=D("10.00"),
        goal_expected="保障业务系统全年稳定运行。",
        goal_actual="业务系统全年稳定运行。",
        indicators=[
            Indicator(
                level1="产出指标",
                level2="数量指标",
                level3="服务人次",
                target=">=1000 人次",
                actual="=1200 人次",
                weight=D("30"),
                score=D("30"),
            ),
            Indicator(
                level1="产出指标",
                level2="质量指标",
                level3="验收合格率",
                target=">=95%",
                actual="=100%",
                weight=D("20"),
                score=D("20"),
            ),
            Indicator(
                level1="效益指标",
                level2="社会效益指标",
                level3="服务效率提升",
                target="有效提升",
                actual="基本达到预期",
                weight=D("30"),
                score=D("28"),
                deviation="部分流程仍需优化。",
            ),
            Indicator(
                level1="满意度指标",
                level2="满意度指标",
                level3="服务对象满意度",
                target=">=90%",
                actual="=95%",
                weight=D("10"),
                score=D("10"),
            ),
        ],
        total_score=D("98.00"),
    )
    performance = Performance(
        project_count=1,
        full_budget=D("120.00"),
        executed=D("120.00"),
        achievements="项目按计划完成。",
        problems="绩效目标设置仍需细化。",
        improvements="进一步完善绩效指标体系。",
        projects=[project],
    )

    kind = UnitKind.ADMINISTRATIVE if admin else UnitKind.PUBLIC_INSTITUTION
    return Disclosure(
        unit=Unit(
            name=UNIT_NAME,
            year=YEAR,
            kind=kind,
            supervisor="测试市某某局",
            functions=["负责本市某某业务的受理和办理。", "承办上级交办的其他事项。"],
            staff=Staff(
                total=12,
                total_change=1,
                active=10,
                active_change=1,
                retired_cadres=0,
                retired_cadres_change=0,
                retirees=2,
                retirees_change=0,
            ),
            departments=["综合科", "业务科"],
        ),
        t01=t01,
        t02=t02,
        t03=t03,
        t04=t04,
        t05=t05,
        t06=t06,
        t07=extra_table if extra == "fund" else FundTable(),
        t08=extra_table if extra == "soe" else FundTable(),
        t09=t09,
        comparisons=comparisons,
        sangong=SanGongDetails(
            car_holding=1,
            car_operation_content="车辆加油费、维修费、保险费等。",
            vehicle_difference_reason="本单位固定资产车辆与公务用车保有量一致，无差异。",
            reception_batches=5,
            reception_persons=20,
            reception_content="接待上级部门业务检查。",
        ),
        procurement=Procurement(
            total=D("50.00"),
            goods=D("10.00"),
            works=D("0.00"),
            services=D("40.00"),
            sme=D("30.00"),
            small_micro=D("20.00"),
        ),
        assets=Assets(
            house_area=D("500.00"),
            house_value=D("120.00"),
            vehicle_count=1,
            vehicle_value=D("15.00"),
            vehicles=Vehicles(other=1),
            other_vehicle_description="一般公务用车",
            equipment_count=0,
        ),
        performance=performance,
    )


# ---------------------------------------------------------------------------- overrides

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parse(path: str) -> list[str | int]:
    """``"t05.rows[2].total"`` or ``"t05.rows.2.total"`` → ``["t05", "rows", 2, "total"]``."""
    parts: list[str | int] = []
    for name, index in _TOKEN.findall(path):
        if index:
            parts.append(int(index))
        elif name.isdigit():
            parts.append(int(name))
        else:
            parts.append(name)
    if not parts:
        raise ValueError(f"empty path: {path!r}")
    return parts


def _child(obj: Any, key: str | int) -> Any:
    if isinstance(obj, Mapping):
        return obj[key if isinstance(key, str) else str(key)]
    if isinstance(key, int):
        return obj[key]
    return getattr(obj, key)


def get_value(d: Disclosure, path: str) -> Any:
    """The value at a dotted path (``"t01.expense_by_class.201"``)."""
    obj: Any = d
    for key in _parse(path):
        obj = _child(obj, key)
    return obj


def _set(d: Disclosure, path: str, value: Any) -> None:
    parts = _parse(path)
    obj: Any = d
    for key in parts[:-1]:
        obj = _child(obj, key)
    last = parts[-1]
    if isinstance(obj, dict):
        obj[str(last)] = value
    elif isinstance(obj, list):
        obj[int(last)] = value
    else:
        if isinstance(last, int) or not hasattr(obj, last):
            raise AttributeError(f"{type(obj).__name__} has no field {last!r} (path {path!r})")
        setattr(obj, last, value)


def with_values(d: Disclosure, overrides: Mapping[str, Any]) -> Disclosure:
    """A deep copy of ``d`` with each dotted path set to its value (no validation)."""
    out = d.model_copy(deep=True)
    for path, value in overrides.items():
        _set(out, path, value)
    return out


def with_value(d: Disclosure, path: str, value: Any) -> Disclosure:
    """A deep copy of ``d`` with one dotted path set (e.g. ``"t01.income_total"``)."""
    return with_values(d, {path: value})


def make_disclosure(**overrides: Any) -> Disclosure:
    """The consistent 事业单位 test unit (一般公共预算 only), with dotted-path overrides applied."""
    return with_values(_build(), overrides)


def make_fund_disclosure(**overrides: Any) -> Disclosure:
    """The test unit with a non-empty 政府性基金 (公开07表, 04/01/02/03 consistent)."""
    return with_values(_build(extra="fund"), overrides)


def make_soe_disclosure(**overrides: Any) -> Disclosure:
    """The test unit with a non-empty 国有资本经营预算 (公开08表, 04/01/02/03 consistent)."""
    return with_values(_build(extra="soe"), overrides)


def make_admin_disclosure(**overrides: Any) -> Disclosure:
    """The test unit as a 行政单位 (行政运行 / 行政单位离退休 科目)."""
    return with_values(_build(admin=True), overrides)


def scale_amounts(obj: Any, factor: Decimal, only: Any = None) -> None:
    """Multiply in place every amount under ``obj`` (a model, list or dict) by ``factor``;
    ``only(name)`` picks the fields by name (all when ``None``).  For 元/万元 mix-ups."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, Decimal):
                if only is None or only(name):
                    setattr(obj, name, value * factor)
            elif value is not None:
                scale_amounts(value, factor, only)
    elif isinstance(obj, list):
        for x in obj:
            scale_amounts(x, factor, only)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, Decimal):
                obj[key] = value * factor
            else:
                scale_amounts(value, factor, only)


def make_stated_disclosure(**overrides: Any) -> Disclosure:
    """The fund unit with every optional figure of the wider formats stated, consistent with its
    tables: per 项 年初/全年预算数, 主要用于 and 预决算差异原因 (the 项 budgets add up to the totals),
    外宾接待, 政府采购 预留, and the 绩效 summary counts."""
    d = make_fund_disclosure()
    c = d.comparisons
    gpb = {
        "2010350": ("360.00", "400.00", "单位人员经费及公用经费等基本支出"),
        "2080502": ("18.00", "20.00", "离退休人员经费支出"),
        "2080505": ("72.00", "80.00", "在职人员的基本养老保险支出"),
        "2120104": ("0.00", "0.00", "城管执法"),
    }
    values: dict[str, Any] = {
        "comparisons.gpb_expense.full_budget": D("500.00"),
        "comparisons.fiscal.full_budget": D("530.00"),
        "comparisons.fund.full_budget": D("30.00"),
    }
    for i, item in enumerate(c.gpb_items):
        budget, full, usage = gpb[item.code]
        values[f"comparisons.gpb_items[{i}].budget"] = D(budget)
        values[f"comparisons.gpb_items[{i}].full_budget"] = D(full)
        values[f"comparisons.gpb_items[{i}].usage"] = usage
        values[f"comparisons.gpb_items[{i}].budget_reason"] = "年中追加预算。"
    values.update(
        {
            "comparisons.fund_items[0].budget": D("30.00"),
            "comparisons.fund_items[0].full_budget": D("30.00"),
            "comparisons.fund_items[0].usage": "城市基础设施建设",
            "comparisons.fund_items[0].budget_reason": "项目按进度支付。",
            "sangong.foreign_reception": D("0.50"),
            "sangong.foreign_reception_batches": 1,
            "sangong.foreign_reception_persons": 3,
            "procurement.reserved_sme_budget": D("20.00"),
            "procurement.reserved_small_micro_budget": D("10.00"),
            "procurement.reserved_sme_awarded": D("18.00"),
            "procurement.reserved_small_micro_awarded": D("9.00"),
            "procurement.other_sme_awarded": D("12.00"),
            "performance.management": "制定了预算绩效管理办法，建立了事前评估、事中监控、事后评价的机制",
            "performance.target_count": 3,
            "performance.target_amount": D("100.00"),
            "performance.tracked_count": 2,
            "performance.tracked_amount": D("50.00"),
            "performance.self_count": 2,
            "performance.self_amount": D("60.00"),
            "performance.average_score": D("92.50"),
            "performance.grade_excellent": 1,
            "performance.grade_good": 1,
            "performance.grade_pass": 0,
            "performance.grade_fail": 0,
            "performance.issues_found": 3,
            "performance.issues_fixed": 2,
            "performance.issues_fixing": 1,
        }
    )
    values.update(overrides)
    return Disclosure.model_validate(with_values(d, values).model_dump())


def install_format(root: Path, name: str, comparisons: Mapping[str, list[str]]) -> str:
    """A copy of the shipped formats under ``root`` plus format ``name``: 乌鲁木齐 whose
    ``[comparisons]`` lines are replaced by ``comparisons`` (list name → what its text states).
    Point :data:`generator.formats.FORMATS_DIR` at ``root`` (monkeypatch) to use it."""
    import shutil

    from generator.formats import DEFAULT_STYLE, FORMATS_DIR

    if not root.exists():
        shutil.copytree(FORMATS_DIR, root)
    shutil.copytree(root / DEFAULT_STYLE, root / name)
    toml = root / name / "sections.toml"
    text = toml.read_text(encoding="utf-8")
    for key, states in comparisons.items():
        listed = ", ".join(f'"{s}"' for s in states)
        text, n = re.subn(rf"(?m)^{key} = \[.*\]$", f"{key} = [{listed}]", text)
        assert n == 1, key
    toml.write_text(text, encoding="utf-8")
    return name
