"""Synthetic, internally consistent units for benchmarks and tests.

:func:`synthetic_disclosure` makes a unit of a chosen size (number of 项-level 功能科目 rows,
绩效 projects, which fund types, which unit kind) whose nine tables balance exactly, so every
勾稽 check passes.  Amounts are whole cents in 万元.  The same seed gives the same unit.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from decimal import Decimal

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
from generator.yeardata import load_year

Z = Decimal(0)
CENT = Decimal("0.01")

_LEVEL2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标"],
    "成本指标": ["经济成本指标"],
    "效益指标": ["社会效益指标", "经济效益指标"],
    "满意度指标": ["服务对象满意度指标"],
}


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(rng.randint(int(low * 100), int(high * 100))) * CENT


def _split(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """``total`` split into ``parts`` non-negative cent amounts that add up exactly."""
    cents = int(total / CENT)
    if parts <= 1:
        return [total]
    cuts = sorted(rng.randint(0, cents) for _ in range(parts - 1))
    bounds = [0, *cuts, cents]
    return [Decimal(bounds[i + 1] - bounds[i]) * CENT for i in range(parts)]


def _subject_codes(rng: random.Random, year: int, count: int, classes: list[str]) -> list[tuple[str, str]]:
    """``count`` distinct 项 codes with names, known ones first."""
    data = load_year(year)
    known = sorted(c for c in data.subjects if len(c) == 7 and c[:3] in classes)
    picked = known[:count]
    serial = 1
    while len(picked) < count:
        cls = classes[serial % len(classes)]
        code = f"{cls}{90 + serial // 90 % 10:02d}{serial % 90 + 1:02d}"
        if code not in picked:
            picked.append(code)
        serial += 1
    names = []
    for code in sorted(picked):
        names.append((code, data.subjects.get(code) or f"专项业务{code[-4:]}"))
    return names


def _name(year: int, code: str) -> str:
    data = load_year(year)
    return data.subject_name(code) or (f"业务事务{code[-2:]}" if len(code) == 5 else f"专项业务{code[-4:]}")


def rollup(leaves: Mapping[str, Mapping[str, Decimal]], fields: Iterable[str]) -> dict[str, dict[str, Decimal]]:
    """The amounts of the 类, 款 and 项 rows, in code order, from the 项 amounts ``leaves``: each
    parent is the sum of its children (a field a 项 lacks counts as 0)."""
    fields = list(fields)
    sums: dict[str, dict[str, Decimal]] = {}
    for code, values in leaves.items():
        for prefix in (code[:3], code[:5], code):
            acc = sums.setdefault(prefix, dict.fromkeys(fields, Z))
            for f in fields:
                acc[f] += values.get(f, Z)
    return {code: sums[code] for code in sorted(sums)}


def _tree(year: int, leaves: dict[str, dict[str, Decimal]], fields: list[str]):
    """类/款/项 rows (in code order) with each parent the sum of its children."""
    return [(code, _name(year, code), amounts) for code, amounts in rollup(leaves, fields).items()]


def synthetic_disclosure(
    seed: int = 0,
    *,
    rows: int = 12,
    projects: int = 2,
    kind: UnitKind = UnitKind.PUBLIC_INSTITUTION,
    fund: bool = True,
    soe: bool = False,
    year: int = 2024,
) -> Disclosure:
    """A consistent unit with ``rows`` 项-level rows in 公开05表 and ``projects`` 绩效 projects."""
    rng = random.Random(seed)
    data = load_year(year)
    classes = ["201", "208", "210", "221", "206", "212", "213"]
    items = _subject_codes(rng, year, max(1, rows), classes)

    # 一般公共预算 spending per 项 (公开05表)
    gpb_leaves: dict[str, dict[str, Decimal]] = {}
    for code, _ in items:
        basic = _money(rng, 5, 400) if rng.random() < 0.7 else Z
        project = _money(rng, 1, 600) if rng.random() < 0.6 or basic == 0 else Z
        gpb_leaves[code] = {"total": basic + project, "basic": basic, "project": project}
    gpb_basic = sum((v["basic"] for v in gpb_leaves.values()), Z)
    gpb_project = sum((v["project"] for v in gpb_leaves.values()), Z)
    gpb_total = gpb_basic + gpb_project
    t05 = T05(
        rows=[GpbRow(code=c, name=n, **v) for c, n, v in _tree(year, gpb_leaves, ["total", "basic", "project"])],
        totals=GpbTotals(total=gpb_total, basic=gpb_basic, project=gpb_project),
    )

    # 公开06表: 基本支出 by economic item
    personnel = (gpb_basic * Decimal("0.85")).quantize(CENT)
    public = gpb_basic - personnel
    econ_rows: list[EconRow] = []
    sangong_base: dict[str, Decimal] = {}
    for cls in data.econ_classes:
        total = personnel if cls.code == "301" else public if cls.code == "302" else Z
        chosen = list(cls.items[: 6 if cls.code in ("301", "302") else 0])
        if cls.code == "302":
            chosen = [i for i in cls.items if i[0] in ("30201", "30211", "30217", "30228", "30231", "30299")]
        amounts = _split(rng, total, len(chosen)) if chosen else []
        econ_rows.append(EconRow(code=cls.code, name=cls.name, amount=total))
        for (code, name), amount in zip(chosen, amounts, strict=True):
            econ_rows.append(EconRow(code=code, name=name, amount=amount))
            sangong_base[code] = amount
    t06 = T06(rows=econ_rows, personnel_total=personnel, public_total=public)

    # 政府性基金 / 国有资本经营 (公开07/08表)
    def fund_table(on: bool, classes_: list[str], offset: int) -> tuple[FundTable, dict[str, Decimal]]:
        if not on:
            return FundTable(), {}
        leaves: dict[str, dict[str, Decimal]] = {}
        for i, cls in enumerate(classes_):
            code = f"{cls}{80 + offset:02d}{i + 1:02d}"
            carry_in = _money(rng, 0, 50)
            income = _money(rng, 10, 300)
            expense = _money(rng, 0, float(carry_in + income))
            project = expense
            leaves[code] = {"carry_in": carry_in, "income": income, "expense": expense, "basic": Z,
                            "project": project, "carry_out": carry_in + income - expense}
        fields = ["carry_in", "income", "expense", "basic", "project", "carry_out"]
        tree = _tree(year, leaves, fields)
        sums = {f: sum((v[f] for v in leaves.values()), Z) for f in fields}
        table = FundTable(rows=[FundRow(code=c, name=n, **v) for c, n, v in tree], totals=FundTotals(**sums))
        by_class = {c: v["expense"] for c, _, v in tree if len(c) == 3}
        return table, by_class

    t07, fund_by_class = fund_table(fund, ["212", "229"], 0)
    t08, soe_by_class = fund_table(soe, ["223"], 1)

    # non-fiscal income and spending (事业收入, 其他收入) for 事业单位
    business = _money(rng, 0, 200) if kind is UnitKind.PUBLIC_INSTITUTION else Z
    other = _money(rng, 0, 30)
    nonfiscal_carry_in = _money(rng, 0, 20)
    nonfiscal_spent = business + other  # spent on project work of the first 项

    # 公开03表: all funds by 项
    exp_leaves: dict[str, dict[str, Decimal]] = {}
    kinds = ["total", "basic", "project", "to_superior", "operating", "to_affiliated"]
    for code, values in gpb_leaves.items():
        exp_leaves[code] = {k: Z for k in kinds} | {"basic": values["basic"], "project": values["project"]}
    for table in (t07, t08):
        for r in table.rows:
            if len(r.code) == 7:
                leaf = exp_leaves.setdefault(r.code, dict.fromkeys(kinds, Z))
                leaf["basic"] += r.basic
                leaf["project"] += r.project
    first = sorted(exp_leaves)[0]
    exp_leaves[first]["project"] += nonfiscal_spent
    for leaf in exp_leaves.values():
        leaf["total"] = leaf["basic"] + leaf["project"]
    exp_tree = _tree(year, exp_leaves, kinds)
    t03 = T03(
        rows=[ExpenseRow(code=c, name=n, **v) for c, n, v in exp_tree],
        totals=ExpenseTotals(**{k: sum((v[k] for v in exp_leaves.values()), Z) for k in kinds}),
    )
    expense_total = t03.totals.total

    # 财政拨款 income and balances
    gpb_carry_in = _money(rng, 0, 30)
    gpb_income = gpb_total + _money(rng, 0, 10)
    gpb_carry_out = gpb_carry_in + gpb_income - gpb_total
    fund_income, soe_income = t07.totals.income, t08.totals.income
    fiscal_income = gpb_income + fund_income + soe_income

    # 公开02表: income by 项 (fiscal income follows spending; the rest on the first 项)
    inc_kinds = ["total", "fiscal", "superior", "business", "operating", "affiliated", "other"]
    inc_leaves: dict[str, dict[str, Decimal]] = {}
    for code, leaf in exp_leaves.items():
        fiscal = leaf["total"] - (nonfiscal_spent if code == first else Z)
        inc_leaves[code] = dict.fromkeys(inc_kinds, Z) | {"fiscal": fiscal}
    fiscal_spent = sum((v["fiscal"] for v in inc_leaves.values()), Z)
    inc_leaves[first]["fiscal"] += fiscal_income - fiscal_spent
    if inc_leaves[first]["fiscal"] < 0:  # more spent from carry-over than received: move it
        shortfall = -inc_leaves[first]["fiscal"]
        inc_leaves[first]["fiscal"] = Z
        for v in inc_leaves.values():
            take = min(v["fiscal"], shortfall)
            v["fiscal"] -= take
            shortfall -= take
    inc_leaves[first]["business"] = business
    inc_leaves[first]["other"] = other
    for v in inc_leaves.values():
        v["total"] = sum((v[k] for k in inc_kinds[1:]), Z)
    inc_tree = _tree(year, inc_leaves, inc_kinds)
    t02 = T02(
        rows=[IncomeRow(code=c, name=n, **v) for c, n, v in inc_tree],
        totals=IncomeTotals(**{k: sum((v[k] for v in inc_leaves.values()), Z) for k in inc_kinds}),
    )
    income_total = t02.totals.total

    carry_in = gpb_carry_in + t07.totals.carry_in + t08.totals.carry_in + nonfiscal_carry_in
    grand = income_total + carry_in
    carry_out = grand - expense_total
    expense_by_class = {c: v["total"] for c, _, v in exp_tree if len(c) == 3}
    t01 = T01(
        gpb_income=gpb_income, fund_income=fund_income, soe_income=soe_income,
        business_income=business, other_income=other, income_total=income_total,
        carry_in=carry_in, income_grand_total=grand, expense_by_class=expense_by_class,
        expense_total=expense_total, carry_out=carry_out, expense_grand_total=grand,
    )

    gpb_by_class = {c: v.total for c in [r.code for r in t05.rows if len(r.code) == 3] for v in
                    [next(r for r in t05.rows if r.code == c)]}
    class_codes = sorted(set(gpb_by_class) | set(fund_by_class) | set(soe_by_class))
    t04_by_class = {}
    for c in class_codes:
        g, f, s = gpb_by_class.get(c, Z), fund_by_class.get(c, Z), soe_by_class.get(c, Z)
        t04_by_class[c] = FundSplit(total=g + f + s, gpb=g, fund=f, soe=s)
    fiscal_expense = gpb_total + t07.totals.expense + t08.totals.expense
    cin = FundSplit(total=gpb_carry_in + t07.totals.carry_in + t08.totals.carry_in, gpb=gpb_carry_in,
                    fund=t07.totals.carry_in, soe=t08.totals.carry_in)
    cout = FundSplit(total=gpb_carry_out + t07.totals.carry_out + t08.totals.carry_out, gpb=gpb_carry_out,
                     fund=t07.totals.carry_out, soe=t08.totals.carry_out)
    exp_split = FundSplit(total=fiscal_expense, gpb=gpb_total, fund=t07.totals.expense, soe=t08.totals.expense)
    t04 = T04(
        gpb_income=gpb_income, fund_income=fund_income, soe_income=soe_income, income_total=fiscal_income,
        carry_in=cin, income_grand_total=fiscal_income + cin.total, expense_by_class=t04_by_class,
        expense_total=exp_split, carry_out=cout,
        expense_grand_total=FundSplit(
            total=exp_split.total + cout.total, gpb=gpb_total + gpb_carry_out,
            fund=exp_split.fund + cout.fund, soe=exp_split.soe + cout.soe,
        ),
    )

    # 三公: at least the 基本支出 amounts of 06 (30212/30217/30231)
    car_op = sangong_base.get("30231", Z) + _money(rng, 0, 3)
    reception = sangong_base.get("30217", Z)
    actual = SanGong(abroad=Z, car_purchase=Z, car_operation=car_op, car_total=car_op, reception=reception,
                     total=car_op + reception)
    budget = SanGong(abroad=Z, car_purchase=Z, car_operation=car_op + Decimal("1.00"),
                     car_total=car_op + Decimal("1.00"), reception=reception + Decimal("0.50"),
                     total=car_op + reception + Decimal("1.50"))
    t09 = T09(budget=budget, actual=actual)

    def prior(value: Decimal) -> Decimal:
        return (value * Decimal(rng.randint(70, 130)) / 100).quantize(CENT)

    reason = "业务量变化，相应支出调整。"
    comparisons = Comparisons(
        total=Comparison(prior=prior(grand), reason=reason),
        fiscal=BudgetComparison(prior=prior(t04.income_grand_total), reason=reason,
                                budget=prior(t04.income_grand_total), budget_reason="年中追加预算。"),
        gpb_expense=BudgetComparison(prior=prior(gpb_total), reason=reason, budget=prior(gpb_total),
                                     budget_reason="年中追加预算。"),
        gpb_items=[SubjectComparison(code=c, prior=prior(v["total"]), reason=reason)
                   for c, v in gpb_leaves.items()],
        fund=BudgetComparison(prior=prior(t07.totals.carry_in + t07.totals.income) if fund else Z,
                              reason=reason if fund else "", budget=prior(t07.totals.income) if fund else Z,
                              budget_reason="年中追加预算。" if fund else ""),
        fund_items=[SubjectComparison(code=r.code, prior=prior(r.expense), reason=reason)
                    for r in t07.rows if len(r.code) == 7],
        soe=BudgetComparison(prior=prior(t08.totals.carry_in + t08.totals.income) if soe else Z,
                             reason=reason if soe else "", budget=prior(t08.totals.income) if soe else Z,
                             budget_reason="年中追加预算。" if soe else ""),
        soe_items=[SubjectComparison(code=r.code, prior=prior(r.expense), reason=reason)
                   for r in t08.rows if len(r.code) == 7],
        sangong=SanGongComparisons(**{
            part: SanGongComparison(prior=prior(getattr(actual, part)), reason="严格控制支出。",
                                    budget_reason="厉行节约。")
            for part in ("total", "abroad", "car_total", "car_purchase", "car_operation", "reception")
        }),
        public_expense=Comparison(prior=prior(public), reason="厉行节约。"),
    )
    # keep the 三公 priors consistent with each other
    sg = comparisons.sangong
    sg.car_total.prior = (sg.car_purchase.prior or Z) + (sg.car_operation.prior or Z)
    sg.total.prior = (sg.abroad.prior or Z) + sg.car_total.prior + (sg.reception.prior or Z)

    # staff in proportion to 人员经费 (about 15 万元 a person, as in the samples)
    active = max(3, int(personnel / 15))
    holding = 2 if car_op else 0
    procurement_goods, procurement_services = _money(rng, 0, 50), _money(rng, 0, 200)
    sme = ((procurement_goods + procurement_services) * Decimal("0.6")).quantize(CENT)
    perf_projects = []
    for i in range(projects):
        full = _money(rng, 5, 500)
        executed = (full * Decimal(rng.randint(90, 100)) / 100).quantize(CENT)
        rate = executed / full if full else Decimal(1)
        fund_score = (Decimal(10) * rate).quantize(CENT)
        indicators = []
        weights = [Decimal(w) for w in (20, 20, 10, 10, 20, 10)]
        levels = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
                  ("成本指标", "经济成本指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]
        for (l1, l2), w in zip(levels, weights, strict=True):
            score = w if rng.random() < 0.8 else w - 1
            indicators.append(Indicator(level1=l1, level2=l2, level3=f"{l2[:2]}目标{i + 1}", target=">=95%",
                                        actual="=96%" if score == w else "=90%", weight=w, score=score,
                                        deviation="" if score == w else "部分任务延后，下一步加快进度。"))
        fiscal_line = FundLine(initial_budget=full, full_budget=full, executed=executed)
        perf_projects.append(Project(
            name=f"综合业务运行保障项目{i + 1}", supervisor="某某市财政局", implementer="某某市某某中心",
            total=fiscal_line, fiscal=fiscal_line, other=FundLine(), fund_weight=Decimal(10),
            fund_score=fund_score, goal_expected="保障单位业务正常运转，完成年度工作任务。",
            goal_actual="按计划完成年度工作任务。", indicators=indicators,
            total_score=fund_score + sum(ind.score for ind in indicators),
        ))
    return Disclosure(
        unit=Unit(
            name=f"某某市某某中心{seed:03d}", year=year, kind=kind, supervisor="某某市财政局",
            functions=["负责本单位职责范围内的业务工作。", "完成上级交办的其他任务。"],
            staff=Staff(total=active + 3, active=active, active_change=1, retirees=3, total_change=1),
            departments=["综合科", "业务科"] if seed % 2 else [],
        ),
        t01=t01, t02=t02, t03=t03, t04=t04, t05=t05, t06=t06, t07=t07, t08=t08, t09=t09,
        comparisons=comparisons,
        sangong=SanGongDetails(car_holding=holding, car_operation_content="车辆加油费、维修费、保险费等。",
                               vehicle_difference_reason="一致无差异。"),
        procurement=Procurement(total=procurement_goods + procurement_services, goods=procurement_goods,
                                services=procurement_services, sme=sme, small_micro=(sme / 2).quantize(CENT)),
        assets=Assets(house_area=Z, house_value=Z, equipment_count=0, vehicle_count=holding, vehicle_value=Decimal("25.00") if holding else Z,
                      vehicles=Vehicles(other=holding), other_vehicle_description="一般公务用车" if holding else ""),
        performance=Performance(
            project_count=projects, full_budget=sum((p.total.full_budget for p in perf_projects), Z),
            executed=sum((p.total.executed for p in perf_projects), Z),
            achievements="完成年度绩效目标。", problems="个别指标设置不够细化。", improvements="进一步细化绩效指标。",
            projects=perf_projects,
        ),
    )
