"""The figures engine: every figure the disclosure's text states, derived once from the model.

:func:`derive` turns a :class:`~generator.model.Disclosure` into a :class:`Figures` tree of
plain values that the narrative templates and the tables read.  Nothing here produces words:
a change carries its amount, its rate and its ``sign``; the templates choose
“增加/增长” or “减少/下降”.

Conventions (all amounts in 万元, all rates and shares in percent):

* Every input amount is first rounded to 0.01 by 四舍五入 (:func:`generator.numbers.q2`),
  i.e. to the figure the document prints, and every derived figure is computed from those
  printed figures and rounded again to 0.01.  A reader who recomputes a rate from the
  amounts in the text therefore gets the rate the text states.
* Each share is rounded on its own, so the shares of one base may add up to 100.01%.
* A change against last year: ``amount = 本年 − 上年``; ``rate = amount ÷ 上年 × 100``.
  Last year 0 and this year > 0 → +100.00%; this year 0 and last year > 0 → −100.00%
  (the ordinary formula); both 0 → 0.00% (the references print “增加0.00万元，增长0.00%”).
* 预决算差异率 = (决算 − 预算) ÷ 预算 × 100; 预算 0 with spending → 100.00%; both 0 → 0.00%.
* A last-year figure or a budget the input left empty (``None``) is *missing*, never 0:
  the comparison then carries a :class:`Missing` instead of an amount and a rate, and the
  templates print a placeholder (【待补：上年决算数】) in place of everything derived from
  it.  Only a draft (``--force``) can get that far: the checks report such gaps as 错误.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from generator.model import (
    BudgetComparison,
    Comparison,
    Comparisons,
    Disclosure,
    ExpenseTotals,
    FundTable,
    IncomeTotals,
    Project,
    UnitKind,
    SanGong,
    SanGongComparisons,
    SubjectComparison,
    Vehicles,
)
from generator.numbers import HUNDRED, ZERO, q2, ratio_percent
from generator.sections import load_sections
from generator.source import Path, json_path
from generator.yeardata import YearData, load_year


# An invisible tag follows each placeholder in the rendered text, so that the generator can
# list the placeholders a document still has (and where each figure belongs); it is removed
# before the document is built.
TAG_OPEN, TAG_CLOSE = "\ue001", "\ue002"

# ---------------------------------------------------------------------------- primitives


def _m(value: Decimal | None) -> Decimal:
    """An input amount as printed: ``None`` → 0, else rounded to 0.01 (万元)."""
    return ZERO if value is None else q2(value)


def _sign(value: Decimal | None) -> int:
    if value is None:
        return 0
    return (value > 0) - (value < 0)


def share_of(part: Decimal, base: Decimal) -> Decimal:
    """``part ÷ base`` in percent, rounded to 0.01; 0 when the base is 0."""
    rate = ratio_percent(_m(part), _m(base))
    return ZERO if rate is None else rate


@dataclass(frozen=True)
class Missing:
    """A figure the input lacks and the text needs (a 上年决算数, a 年初预算数).

    ``label`` names the figure (上年决算数), ``subject`` what it is the figure of (收入支出总计),
    ``path`` the model path where it belongs (its cell is found through the input's
    :class:`~generator.source.SourceMap`).  A template prints ``【待补：{{ x.label }}】{{ x.tag }}``
    in its place (macro ``placeholder`` in ``_macros.j2``).
    """

    label: str
    subject: str
    path: Path

    @property
    def key(self) -> str:
        """The model path as text: ``comparisons.gpb_items[2].prior``."""
        return json_path(self.path)

    @property
    def tag(self) -> str:
        """An invisible mark that lets the generator list the placeholders left in a document."""
        return f"{TAG_OPEN}{self.key}{TAG_CLOSE}"


class _Signed:
    """What a figure compared with a base (last year, the budget) shares: the signed
    difference ``amount`` and ``rate``, and ``missing`` when the base is unknown."""

    amount: Decimal | None
    rate: Decimal | None
    missing: Missing | None

    @property
    def sign(self) -> int:
        """1 for an increase, -1 for a decrease, 0 when unchanged (or unknown)."""
        if self.missing:
            return 0
        return _sign(self.amount) or _sign(self.rate)


@dataclass(frozen=True)
class Change(_Signed):
    """A figure compared with last year's 决算 (amounts 万元, rate in percent).

    ``sign`` is 1, 0 or -1; both ``amount`` and ``rate`` carry the sign.  ``reason`` is the
    user's 主要原因 text, unchanged.  When last year's figure is missing, ``missing`` says
    which and ``prior``, ``amount`` and ``rate`` are ``None``: nothing is derived from it.
    """

    current: Decimal
    prior: Decimal | None
    amount: Decimal | None
    rate: Decimal | None
    reason: str = ""
    missing: Missing | None = None

    @property
    def amount_abs(self) -> Decimal | None:
        return None if self.amount is None else abs(self.amount)

    @property
    def rate_abs(self) -> Decimal | None:
        return None if self.rate is None else abs(self.rate)

    @property
    def both_zero(self) -> bool:
        """Nothing this year and nothing last year (False when last year is unknown)."""
        return self.prior is not None and self.current == 0 and self.prior == 0


def change(current: Decimal | None, prior: Decimal | None, reason: str = "", *,
           subject: str = "", path: Path = ()) -> Change:
    """Compare ``current`` with ``prior`` (万元) under the rules of the module docstring.

    ``prior`` ``None`` is a missing figure: the result carries :class:`Missing` (labelled
    with ``subject`` and the model ``path`` of the figure) and no amount or rate."""
    cur = _m(current)
    if prior is None:
        missing = Missing(_titles(Comparison)["prior"], subject, tuple(path))
        return Change(cur, None, None, None, reason.strip(), missing)
    pri = _m(prior)
    amount = cur - pri
    return Change(cur, pri, q2(amount), _rate(amount, pri, cur), reason.strip())


@dataclass(frozen=True)
class BudgetDiff(_Signed):
    """决算 against 预算 (年初预算 or 全年预算): amounts 万元, ``rate`` = 预决算差异率 in percent.

    When the budget is missing, ``missing`` says which and ``budget``, ``amount`` and
    ``rate`` are ``None``."""

    budget: Decimal | None
    actual: Decimal
    amount: Decimal | None
    rate: Decimal | None
    reason: str = ""
    missing: Missing | None = None

    @property
    def both_zero(self) -> bool:
        """No budget and no spending (False when the budget is unknown)."""
        return self.budget is not None and self.budget == 0 and self.actual == 0

    @property
    def completion(self) -> Decimal | None:
        """决算 ÷ 预算 in percent (“完成年初预算的 X%”); None when the budget is unknown or 0."""
        if self.budget is None or self.budget == 0:
            return None
        return q2(self.actual / self.budget * HUNDRED)


def budget_diff(actual: Decimal | None, budget: Decimal | None, reason: str = "", *,
                subject: str = "", path: Path = (), label: str = "") -> BudgetDiff:
    """(决算 − 预算) ÷ 预算 in percent; 预算 0 with spending → 100.00%; both 0 → 0.00%.

    ``budget`` ``None`` is a missing figure (see :func:`change`), labelled ``label`` or the
    title of :attr:`BudgetComparison.budget` (年初预算数)."""
    act = _m(actual)
    if budget is None:
        missing = Missing(label or _titles(BudgetComparison)["budget"], subject, tuple(path))
        return BudgetDiff(None, act, None, None, reason.strip(), missing)
    bud = _m(budget)
    amount = act - bud
    return BudgetDiff(bud, act, q2(amount), _rate(amount, bud, act), reason.strip())


def _rate(amount: Decimal, base: Decimal, current: Decimal) -> Decimal:
    """``amount ÷ base`` in percent; from a zero base, 100.00% when there is something now, else 0.00%."""
    if base == 0:
        return HUNDRED if current > 0 else ZERO
    return q2(amount / base * HUNDRED)


@dataclass(frozen=True)
class Share:
    """A part of a whole: ``amount`` (万元) and ``share`` (percent of the base).

    ``key`` is the model field name, ``label`` its Chinese title.
    """

    key: str
    label: str
    amount: Decimal
    share: Decimal


# ---------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class Totals:
    """一、收入支出决算总体情况 (公开01表; 万元)."""

    income_grand_total: Decimal
    income_total: Decimal
    use_nonfiscal_balance: Decimal
    carry_in: Decimal
    expense_grand_total: Decimal
    expense_total: Decimal
    balance_distribution: Decimal
    carry_out: Decimal
    change: Change


@dataclass(frozen=True)
class Fiscal:
    """四、财政拨款收入支出决算总体情况 (公开04表; 万元)."""

    income_grand_total: Decimal
    carry_in: Decimal
    income_total: Decimal
    expense_grand_total: Decimal
    carry_out: Decimal
    expense_total: Decimal
    change: Change
    budget: BudgetDiff


@dataclass(frozen=True)
class ClassShare:
    """A 类 of the 一般公共预算财政拨款支出 and its share of that total (万元, percent)."""

    code: str
    name: str
    amount: Decimal
    share: Decimal


@dataclass(frozen=True)
class Item:
    """A 项 (7-digit 科目) with this year's spending compared with last year's (万元).

    ``budget`` and ``full_budget`` compare it with its 年初预算 and 全年预算 where the input
    states them (``None`` otherwise); ``usage`` is the 主要用于 text."""

    code: str
    class_name: str
    item_name: str
    name: str
    change: Change
    # against the 年初预算数 / 全年预算数 of the entry (None when it states none), and its 主要用于
    budget: BudgetDiff | None = None
    full_budget: BudgetDiff | None = None
    usage: str = ""

    @property
    def amount(self) -> Decimal:
        return self.change.current


@dataclass(frozen=True)
class Gpb:
    """五、一般公共预算财政拨款支出 (公开05表; 万元)."""

    total: Decimal
    basic: Decimal
    project: Decimal
    share_of_expense: Decimal  # of 本年支出合计 (01表)
    change: Change
    budget: BudgetDiff
    classes: tuple[ClassShare, ...]
    items: tuple[Item, ...]
    full_budget: BudgetDiff | None = None  # against the 全年预算, where the input states it


@dataclass(frozen=True)
class Basic:
    """六、一般公共预算财政拨款基本支出 (公开05/06表; 万元).

    ``personnel_items`` / ``public_items`` are the names of the 06表 款 items that are
    non-zero, in the table's order.
    """

    total: Decimal
    personnel: Decimal
    personnel_items: tuple[str, ...]
    public: Decimal
    public_items: tuple[str, ...]


@dataclass(frozen=True)
class FundSection:
    """七/八、政府性基金 or 国有资本经营预算财政拨款收入支出 (公开07/08表; 万元).

    ``income_grand_total`` = 年初结转和结余 + 本年收入; ``expense_grand_total`` = 年末结转和结余
    + 本年支出.  ``empty`` means nothing this year and nothing last year: the text then
    states that the table is empty.
    """

    empty: bool
    table_empty: bool
    carry_in: Decimal
    income: Decimal
    income_grand_total: Decimal
    carry_out: Decimal
    expense: Decimal
    expense_grand_total: Decimal
    change: Change
    budget: BudgetDiff
    items: tuple[Item, ...]


@dataclass(frozen=True)
class SanGongPart:
    """One 三公 figure (合计 or a part): 决算 vs last year and vs 全年预算 (万元, percent).

    ``share`` is the part's share of the 三公 合计 决算 (100% or 0% for the 合计 itself).
    """

    key: str
    label: str
    actual: Decimal
    budget: Decimal
    share: Decimal
    change: Change
    budget_diff: BudgetDiff


@dataclass(frozen=True)
class SanGongFigures:
    """九、财政拨款“三公”经费 (公开09表; 万元)."""

    total: SanGongPart
    abroad: SanGongPart
    car_total: SanGongPart
    car_purchase: SanGongPart
    car_operation: SanGongPart
    reception: SanGongPart
    style: str | None = None  # the format whose sections.toml names the compared parts

    @property
    def parts(self) -> tuple[SanGongPart, ...]:
        """The parts (合计 aside) compared with last year, as ``sections.toml`` declares them."""
        return tuple(getattr(self, k) for k in load_sections(self.style).sangong_vs_prior if k != "total")

    @property
    def budget_parts(self) -> tuple[SanGongPart, ...]:
        """The parts (合计 aside) compared with the 全年预算, as ``sections.toml`` declares them."""
        return tuple(getattr(self, k) for k in load_sections(self.style).sangong_vs_budget if k != "total")


@dataclass(frozen=True)
class ProcurementFigures:
    """十(二)、政府采购 (万元); 中小企业 and 小微企业 as shares of the 总额."""

    total: Decimal
    goods: Decimal
    works: Decimal
    services: Decimal
    sme: Share
    small_micro: Share


@dataclass(frozen=True)
class Count:
    """A labelled count (e.g. 车辆 of one category, 辆)."""

    key: str
    label: str
    count: int | None  # None: not stated


@dataclass(frozen=True)
class FundLineFigures:
    """A 资金 row of a 自评表 (万元)."""

    initial_budget: Decimal
    full_budget: Decimal
    executed: Decimal


@dataclass(frozen=True)
class ProjectFigures:
    """Derived figures of one 项目支出绩效自评表.

    ``execution_rate`` = 全年执行数 ÷ 全年预算数 (percent); ``fund_score`` is the score the
    input gives, or when it gives none 分值 × min(执行率, 100%); ``total_weight`` and
    ``total_score`` are the 分值 and 得分 summed over the 资金 row and every indicator.
    """

    key: str
    index: int
    total: FundLineFigures
    fiscal: FundLineFigures
    other: FundLineFigures
    execution_rate: Decimal
    fund_weight: Decimal
    fund_score: Decimal
    total_weight: Decimal
    total_score: Decimal


@dataclass(frozen=True)
class PerformanceFigures:
    """十一、预算绩效 (万元): project count and sums over the 自评表 unless the input states them."""

    count: int
    full_budget: Decimal
    executed: Decimal
    projects: tuple[ProjectFigures, ...]


@dataclass(frozen=True)
class Figures:
    """Every derived figure of one disclosure, computed once by :func:`derive`."""

    year: int
    prior_year: int
    totals: Totals
    income_total: Decimal
    income_parts: tuple[Share, ...]
    expense_total: Decimal
    expense_parts: tuple[Share, ...]
    fiscal: Fiscal
    gpb: Gpb
    basic: Basic
    fund: FundSection
    soe: FundSection
    sangong: SanGongFigures
    public: Change
    procurement: ProcurementFigures
    vehicles: tuple[Count, ...]
    performance: PerformanceFigures
    # the 机关运行经费 of a 部门 with 事业单位, not stated: the text prints a placeholder
    public_missing: Missing | None = None

    def missing(self) -> dict[str, Missing]:
        """Every missing figure of the disclosure by :attr:`Missing.key`, in document order."""
        found: dict[str, Missing] = {}

        def walk(value) -> None:
            if isinstance(value, Missing):
                found.setdefault(value.key, value)
            elif isinstance(value, tuple):
                for v in value:
                    walk(v)
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                for fld in dataclasses.fields(value):
                    walk(getattr(value, fld.name))

        walk(self)
        return found


# ---------------------------------------------------------------------------- derivation


def _titles(model: type[BaseModel]) -> dict[str, str]:
    return {name: (info.title or name) for name, info in model.model_fields.items()}


def _income_parts(d: Disclosure) -> tuple[Share, ...]:
    """二: each source of 本年收入合计 (公开01表) with its share."""
    t = d.t01
    titles = _titles(IncomeTotals)
    base = t.income_total
    amounts = {
        "fiscal": _m(t.gpb_income) + _m(t.fund_income) + _m(t.soe_income),
        "superior": _m(t.superior_income),
        "business": _m(t.business_income),
        "operating": _m(t.operating_income),
        "affiliated": _m(t.affiliated_income),
        "other": _m(t.other_income),
    }
    return tuple(Share(k, titles[k], v, share_of(v, base)) for k, v in amounts.items())


def _expense_parts(d: Disclosure) -> tuple[Share, ...]:
    """三: 基本/项目/… of the 支出决算表 合计 (公开03表) as shares of 本年支出合计 (01表)."""
    t = d.t03.totals
    titles = _titles(ExpenseTotals)
    base = d.t01.expense_total
    keys = ("basic", "project", "to_superior", "operating", "to_affiliated")
    return tuple(Share(k, titles[k], _m(getattr(t, k)), share_of(getattr(t, k), base)) for k in keys)


class _Names:
    """Names of 功能分类 科目 for one table: the table's rows first, then comparisons, then year data."""

    def __init__(self, rows, yd: YearData):
        self.table = {r.code: r.name for r in rows}
        self.yd = yd

    def get(self, code: str, *fallbacks: str) -> str:
        if code in self.table:
            return self.table[code]
        for fb in fallbacks:
            if fb:
                return fb
        return self.yd.subject_name(code) or code


def _items(rows, amount_of, comparisons: list[SubjectComparison], yd: YearData, field: str) -> tuple[Item, ...]:
    """Every 项 with an amount this year, plus every compared 项 (spending last year), in code order.

    ``field`` is the name of the comparison list in :class:`Comparisons` (``gpb_items``): a 项
    without an entry there, or whose entry has no 上年决算数, has a missing prior figure."""
    names = _Names(rows, yd)
    current = {r.code: _m(amount_of(r)) for r in rows if r.level == 3}
    compared = {c.code: (i, c) for i, c in enumerate(comparisons)}
    codes = sorted({c for c, v in current.items() if v != 0} | set(compared))
    label = _titles(Comparisons)[field]
    items = []
    for code in codes:
        i, c = compared.get(code, (None, None))
        name = names.get(code, c.name if c else "")
        path: Path = ("comparisons", field, i, "prior") if c and i is not None else ("comparisons", field)
        items.append(
            Item(
                code=code,
                class_name=names.get(code[:3], c.class_name if c else ""),
                item_name=names.get(code[:5], c.item_name if c else ""),
                name=name,
                change=change(
                    current.get(code, ZERO), c.prior if c else None, c.reason if c else "",
                    subject=f"{label} {code} {name}", path=path,
                ),
                **_item_budgets(current.get(code, ZERO), c, field, i),
            )
        )
    return tuple(items)


def _item_budgets(current: Decimal, c: SubjectComparison | None, field: str, i: int | None) -> dict[str, Any]:
    """A 项's 年初/全年预算 comparisons and 主要用于, as its entry states them."""
    if c is None or i is None:
        return {}
    titles = _titles(SubjectComparison)
    out: dict[str, Any] = {"usage": c.usage.strip().rstrip("。")}
    for what in ("budget", "full_budget"):
        if getattr(c, what) is not None:
            out[what] = budget_diff(
                current, getattr(c, what), c.budget_reason,
                subject=f"{titles[what]} {c.code}", path=("comparisons", field, i, what), label=titles[what],
            )
    return out


def _gpb_classes(d: Disclosure, yd: YearData) -> tuple[ClassShare, ...]:
    """五(二): each 类 of 公开05表 with spending, and its share of the 05表 合计."""
    rows = d.t05.rows
    names = _Names(rows, yd)
    amounts: dict[str, Decimal] = {}
    if any(r.level == 1 for r in rows):
        for r in rows:
            if r.level == 1:
                amounts[r.code] = amounts.get(r.code, ZERO) + _m(r.total)
    else:  # only 款/项 rows given: add up the 项 (or 款 when there are no 项)
        level = 3 if any(r.level == 3 for r in rows) else 2
        for r in rows:
            if r.level == level:
                amounts[r.code[:3]] = amounts.get(r.code[:3], ZERO) + _m(r.total)
    base = d.t05.totals.total
    return tuple(
        ClassShare(code, names.get(code), amount, share_of(amount, base))
        for code, amount in sorted(amounts.items())
        if amount != 0
    )


def _basic(d: Disclosure, yd: YearData) -> Basic:
    personnel: list[str] = []
    public: list[str] = []
    for r in d.t06.rows:
        if len(r.code) != 5 or _m(r.amount) == 0:
            continue
        (personnel if yd.econ_group(r.code) == "personnel" else public).append(r.name)
    return Basic(
        total=_m(d.t05.totals.basic),
        personnel=_m(d.t06.personnel_total),
        personnel_items=tuple(personnel),
        public=_m(d.t06.public_total),
        public_items=tuple(public),
    )


def _fund(table: FundTable, comp, items: list[SubjectComparison], yd: YearData, name: str,
          style: str | None = None) -> FundSection:
    t = table.totals
    income_grand = _m(t.carry_in) + _m(t.income)
    expense_grand = _m(t.carry_out) + _m(t.expense)
    return FundSection(
        empty=not load_sections(style).fund_in_full(table, comp, items),
        table_empty=table.is_empty,
        carry_in=_m(t.carry_in),
        income=_m(t.income),
        income_grand_total=income_grand,
        carry_out=_m(t.carry_out),
        expense=_m(t.expense),
        expense_grand_total=expense_grand,
        change=change(income_grand, comp.prior, comp.reason, **_where(name, "prior")),
        budget=budget_diff(income_grand, comp.budget, comp.budget_reason, **_where(name, "budget")),
        items=_items(table.rows, lambda r: r.expense, items, yd, f"{name}_items"),
    )


def _sangong(d: Disclosure) -> SanGongFigures:
    titles = _titles(SanGong)
    actual, budget, comps = d.t09.actual, d.t09.budget, d.comparisons.sangong
    parts = {}
    for key in ("total", "abroad", "car_total", "car_purchase", "car_operation", "reception"):
        a, b, c = getattr(actual, key), getattr(budget, key), getattr(comps, key)
        parts[key] = SanGongPart(
            key=key,
            label=titles[key],
            actual=_m(a),
            budget=_m(b),
            share=share_of(a, actual.total),
            change=change(
                a, c.prior, c.reason,
                subject=_titles(SanGongComparisons)[key], path=("comparisons", "sangong", key, "prior"),
            ),
            budget_diff=budget_diff(a, b, c.budget_reason),
        )
    return SanGongFigures(
        total=parts["total"],
        abroad=parts["abroad"],
        car_total=parts["car_total"],
        car_purchase=parts["car_purchase"],
        car_operation=parts["car_operation"],
        reception=parts["reception"],
        style=d.unit.style,
    )


def _procurement(d: Disclosure) -> ProcurementFigures:
    p = d.procurement
    titles = _titles(type(p))
    return ProcurementFigures(
        total=_m(p.total),
        goods=_m(p.goods),
        works=_m(p.works),
        services=_m(p.services),
        sme=Share("sme", titles["sme"], _m(p.sme), share_of(p.sme, p.total)),
        small_micro=Share(
            "small_micro", titles["small_micro"], _m(p.small_micro), share_of(p.small_micro, p.total)
        ),
    )


def _fund_line(line) -> FundLineFigures:
    return FundLineFigures(_m(line.initial_budget), _m(line.full_budget), _m(line.executed))


def project_figures(p: Project, index: int) -> ProjectFigures:
    """The derived figures of the ``index``-th (1-based) 自评表."""
    total = _fund_line(p.total)
    rate = share_of(total.executed, total.full_budget)
    if p.fund_score:
        fund_score = q2(p.fund_score)
    else:
        fund_score = q2(p.fund_weight * min(rate, HUNDRED) / HUNDRED)
    return ProjectFigures(
        key=f"perf{index}",
        index=index,
        total=total,
        fiscal=_fund_line(p.fiscal),
        other=_fund_line(p.other),
        execution_rate=rate,
        fund_weight=p.fund_weight,
        fund_score=fund_score,
        total_weight=p.fund_weight + sum((i.weight for i in p.indicators), ZERO),
        total_score=q2(fund_score + sum((i.score for i in p.indicators), ZERO)),
    )


def _performance(d: Disclosure) -> PerformanceFigures:
    perf = d.performance
    projects = tuple(project_figures(p, i) for i, p in enumerate(perf.projects, start=1))
    full = perf.full_budget
    if full is None:
        full = sum((p.total.full_budget for p in projects), ZERO)
    executed = perf.executed
    if executed is None:
        executed = sum((p.total.executed for p in projects), ZERO)
    return PerformanceFigures(
        count=perf.project_count if perf.project_count is not None else len(projects),
        full_budget=_m(full),
        executed=_m(executed),
        projects=projects,
    )


def operating_costs(d: Disclosure) -> Decimal | None:
    """机关运行经费: as stated; otherwise the 06表 公用经费合计 where that is what it is — a single
    行政单位 or 参公 unit, or a 部门 whose listed units all are — and ``None`` where it must be stated
    (a 部门 with 事业单位, or whose units are not listed)."""
    if d.operating_costs is not None:
        return d.operating_costs
    if d.unit.is_department:
        kinds = [m.kind for m in d.unit.members]
        if kinds and all(k is not None and k.reports_operating_costs for k in kinds):
            return d.t06.public_total
        return None
    return d.t06.public_total if d.unit.kind.reports_operating_costs else None


def public_expense_kind(d: Disclosure) -> UnitKind:
    """Whose wording 十（一） takes: the unit's kind; a 部门 states its 机关运行经费 (the 行政
    wording) unless every listed unit is a 事业单位 (then its 公用经费)."""
    if not d.unit.is_department:
        return d.unit.kind
    kinds = [m.kind for m in d.unit.members]
    if kinds and all(k is UnitKind.PUBLIC_INSTITUTION for k in kinds):
        return UnitKind.PUBLIC_INSTITUTION
    return UnitKind.ADMINISTRATIVE


def public_current(d: Disclosure) -> Decimal | None:
    """The figure of 十（一）: 机关运行经费 for 行政、参公 units and 部门, 公用经费 for 事业单位."""
    if public_expense_kind(d).reports_operating_costs:
        return operating_costs(d)
    return d.t06.public_total


def _public_change(d: Disclosure) -> Change:
    c = d.comparisons.public_expense
    current = public_current(d)
    if current is None:  # no amount, so no change either
        return Change(ZERO, c.prior, None, None, c.reason.strip(), _public_missing(d))
    return change(current, c.prior, c.reason, **_where("public_expense", "prior"))


def _public_missing(d: Disclosure) -> Missing | None:
    if public_current(d) is not None:
        return None
    title = Disclosure.model_fields["operating_costs"].title or "operating_costs"
    return Missing(title, title, ("operating_costs",))


def _where(name: str, field: str) -> dict:
    """``subject`` and ``path`` of the comparison figure ``comparisons.<name>.<field>``."""
    return {"subject": _titles(Comparisons)[name], "path": ("comparisons", name, field)}


def derive(d: Disclosure) -> Figures:
    """Every figure the disclosure states beyond the input amounts themselves (万元, percent)."""
    yd = load_year(d.unit.year)
    c = d.comparisons
    t01, t04, t05 = d.t01, d.t04, d.t05

    totals = Totals(
        income_grand_total=_m(t01.income_grand_total),
        income_total=_m(t01.income_total),
        use_nonfiscal_balance=_m(t01.use_nonfiscal_balance),
        carry_in=_m(t01.carry_in),
        expense_grand_total=_m(t01.expense_grand_total),
        expense_total=_m(t01.expense_total),
        balance_distribution=_m(t01.balance_distribution),
        carry_out=_m(t01.carry_out),
        change=change(t01.income_grand_total, c.total.prior, c.total.reason, **_where("total", "prior")),
    )
    fiscal = Fiscal(
        income_grand_total=_m(t04.income_grand_total),
        carry_in=_m(t04.carry_in.total),
        income_total=_m(t04.income_total),
        expense_grand_total=_m(t04.expense_grand_total.total),
        carry_out=_m(t04.carry_out.total),
        expense_total=_m(t04.expense_total.total),
        change=change(t04.income_grand_total, c.fiscal.prior, c.fiscal.reason, **_where("fiscal", "prior")),
        budget=budget_diff(
            t04.income_grand_total, c.fiscal.budget, c.fiscal.budget_reason, **_where("fiscal", "budget")
        ),
    )
    gpb = Gpb(
        total=_m(t05.totals.total),
        basic=_m(t05.totals.basic),
        project=_m(t05.totals.project),
        share_of_expense=share_of(t05.totals.total, t01.expense_total),
        change=change(
            t05.totals.total, c.gpb_expense.prior, c.gpb_expense.reason, **_where("gpb_expense", "prior")
        ),
        budget=budget_diff(
            t05.totals.total, c.gpb_expense.budget, c.gpb_expense.budget_reason,
            **_where("gpb_expense", "budget"),
        ),
        classes=_gpb_classes(d, yd),
        items=_items(t05.rows, lambda r: r.total, c.gpb_items, yd, "gpb_items"),
        full_budget=(
            budget_diff(t05.totals.total, c.gpb_expense.full_budget, c.gpb_expense.budget_reason)
            if c.gpb_expense.full_budget is not None else None
        ),
    )
    vehicle_titles = _titles(Vehicles)
    # the eight categories split the 车辆 total: once any is stated, a blank one is 0
    stated = any(getattr(d.assets.vehicles, k) is not None for k in Vehicles.model_fields)
    vehicles = tuple(
        Count(k, vehicle_titles[k], (getattr(d.assets.vehicles, k) or 0) if stated else None)
        for k in Vehicles.model_fields
    )
    return Figures(
        year=d.unit.year,
        prior_year=d.unit.year - 1,
        totals=totals,
        income_total=_m(t01.income_total),
        income_parts=_income_parts(d),
        expense_total=_m(t01.expense_total),
        expense_parts=_expense_parts(d),
        fiscal=fiscal,
        gpb=gpb,
        basic=_basic(d, yd),
        fund=_fund(d.t07, c.fund, c.fund_items, yd, "fund", d.unit.style),
        soe=_fund(d.t08, c.soe, c.soe_items, yd, "soe", d.unit.style),
        sangong=_sangong(d),
        public=_public_change(d),
        procurement=_procurement(d),
        vehicles=vehicles,
        performance=_performance(d),
        public_missing=_public_missing(d),
    )
