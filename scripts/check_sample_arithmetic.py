"""Arithmetic check of the two 乌鲁木齐 reference samples in samples/data/*.json (the 上海 samples,
whose slips are listed in their .notes.md files, are checked by tests/test_shanghai.py).

For each sample this script

1. validates the JSON against :class:`generator.model.Disclosure`;
2. recomputes every change, rate and share the reference disclosure prints (四舍五入 through
   :mod:`generator.numbers`) and compares it with the figure the reference states;
3. checks the 勾稽 rules of official-tables.md §4 (and the staff, procurement, vehicle and
   绩效 sums) exactly, and accepts only the rounding differences the references themselves
   contain (listed in ``KNOWN`` below; the references kept 元, so sums of 万元 figures may
   differ by 0.01) and the procurement slip of the 12345 hotline reference;
4. when the reference texts are available (``../shared/reference`` beside the repository, or
   ``--reference-dir``), checks that every 万元 amount and every percentage the reference
   prints is stored in or derived from the sample, and that every stored text (reasons,
   functions, 绩效 texts and indicator cells) occurs verbatim in the reference.

All amounts are in 万元.  Prints ``OK`` and exits 0 when everything holds; otherwise lists
each problem and exits 1.

    .venv/bin/python scripts/check_sample_arithmetic.py [--reference-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from generator.model import (
    Comparison,
    Disclosure,
    FundTable,
    SubjectComparison,
)
from generator.numbers import ZERO, D, q2, ratio_percent
from generator.yeardata import load_year

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "samples" / "data"
UNIT_000 = "乌鲁木齐市政务服务中心"
UNIT_001 = "乌鲁木齐市12345政务服务热线中心"
HUNDRED = Decimal(100)

# ---------------------------------------------------------------------------- stated figures
# label → (stated change in 万元 or None, stated rate/share in %), signed (减少/下降 negative).
# Labels are produced by derived_figures(); every label listed here must be derived.

STATED: dict[str, dict[str, tuple[str | None, str]]] = {
    UNIT_000: {
        "一 收入支出总计": ("-18.32", "-4.21"),
        "二 财政拨款收入 占比": (None, "100.00"),
        "二 上级补助收入 占比": (None, "0.00"),
        "二 事业收入 占比": (None, "0.00"),
        "二 经营收入 占比": (None, "0.00"),
        "二 附属单位上缴收入 占比": (None, "0.00"),
        "二 其他收入 占比": (None, "0.00"),
        "三 基本支出 占比": (None, "44.02"),
        "三 项目支出 占比": (None, "55.98"),
        "三 上缴上级支出 占比": (None, "0.00"),
        "三 经营支出 占比": (None, "0.00"),
        "三 对附属单位补助支出 占比": (None, "0.00"),
        "四 财政拨款收入支出总计": ("-18.32", "-4.22"),
        "四 预决算差异率": ("-14.26", "-3.32"),
        "五(一) 占本年支出合计": (None, "100.00"),
        "五(一) 一般公共预算财政拨款支出": ("-18.32", "-4.22"),
        "五(一) 预决算差异率": ("-14.26", "-3.32"),
        "五(二) 201": (None, "95.73"),
        "五(二) 208": (None, "4.27"),
        "五(三) 2010350": ("22.04", "15.54"),
        "五(三) 2010399": ("-41.84", "-15.16"),
        "五(三) 2080502": ("0.31", "58.49"),
        "五(三) 2080505": ("2.02", "13.55"),
        "五(三) 2080506": ("-0.85", "-100.00"),
        "九 合计": ("0.00", "0.00"),
        "九 因公出国（境）费": ("0.00", "0.00"),
        "九 公务用车购置及运行维护费": ("0.00", "0.00"),
        "九 公务接待费": ("0.00", "0.00"),
        "九 因公出国（境）费 占比": (None, "0.00"),
        "九 公务用车购置及运行维护费 占比": (None, "0.00"),
        "九 公务接待费 占比": (None, "0.00"),
        "九 合计 预决算差异率": ("0.00", "0.00"),
        "九 因公出国（境）费 预决算差异率": ("0.00", "0.00"),
        "九 公务用车购置费 预决算差异率": ("0.00", "0.00"),
        "九 公务用车运行维护费 预决算差异率": ("0.00", "0.00"),
        "九 公务接待费 预决算差异率": ("0.00", "0.00"),
        "十(一) 公用经费": ("-1.57", "-14.01"),
        "十(二) 中小企业 占比": (None, "100.00"),
        "十(二) 小微企业 占比": (None, "100.00"),
        "十一 项目1 执行率": (None, "100.00"),
        "十一 项目2 执行率": (None, "100.00"),
    },
    UNIT_001: {
        "一 收入支出总计": ("2356.69", "234.56"),
        "二 财政拨款收入 占比": (None, "100.00"),
        "二 上级补助收入 占比": (None, "0.00"),
        "二 事业收入 占比": (None, "0.00"),
        "二 经营收入 占比": (None, "0.00"),
        "二 附属单位上缴收入 占比": (None, "0.00"),
        "二 其他收入 占比": (None, "0.00"),
        "三 基本支出 占比": (None, "17.31"),
        "三 项目支出 占比": (None, "82.69"),
        "三 上缴上级支出 占比": (None, "0.00"),
        "三 经营支出 占比": (None, "0.00"),
        "三 对附属单位补助支出 占比": (None, "0.00"),
        "四 财政拨款收入支出总计": ("2357.83", "234.94"),
        "四 预决算差异率": ("1874.00", "125.99"),
        "五(一) 占本年支出合计": (None, "100.00"),
        "五(一) 一般公共预算财政拨款支出": ("2744.89", "494.34"),
        "五(一) 预决算差异率": ("1812.75", "121.87"),
        "五(二) 201": (None, "47.80"),
        "五(二) 206": (None, "50.43"),
        "五(二) 208": (None, "1.78"),
        "五(三) 2010350": ("512.51", "100.00"),
        "五(三) 2010399": ("1064.89", "100.00"),
        "五(三) 2060404": ("1664.11", "100.00"),
        "五(三) 2080502": ("0.78", "38.61"),
        "五(三) 2080505": ("5.01", "9.85"),
        "五(三) 2120104": ("-502.40", "-100.00"),
        "七 收入支出总计": ("-386.41", "-87.70"),
        "七 预决算差异率": ("54.20", "100.00"),
        "七 2120803": ("-11.68", "-100.00"),
        "七 2121301": ("-255.00", "-100.00"),
        "九 合计": ("-0.25", "-6.28"),
        "九 因公出国（境）费": ("0.00", "0.00"),
        "九 公务用车购置及运行维护费": ("-0.25", "-6.28"),
        "九 公务接待费": ("0.00", "0.00"),
        "九 因公出国（境）费 占比": (None, "0.00"),
        "九 公务用车购置及运行维护费 占比": (None, "100.00"),
        "九 公务接待费 占比": (None, "0.00"),
        "九 合计 预决算差异率": ("0.00", "0.00"),
        "九 因公出国（境）费 预决算差异率": ("0.00", "0.00"),
        "九 公务用车购置费 预决算差异率": ("0.00", "0.00"),
        "九 公务用车运行维护费 预决算差异率": ("0.00", "0.00"),
        "九 公务接待费 预决算差异率": ("0.00", "0.00"),
        "十(一) 公用经费": ("-0.78", "-1.98"),
        "十(二) 中小企业 占比": (None, "3.27"),
        "十(二) 小微企业 占比": (None, "3.26"),
        "十一 项目1 执行率": (None, "100.00"),
    },
}

# Rule id → expected difference (left side − right side, 万元) that the reference itself carries.
KNOWN: dict[str, dict[str, str]] = {
    UNIT_000: {
        # 收入总计 and 支出总计 416.40 as published; 415.84 + 0.55 = 416.39 on both sides.
        "01 收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余": "0.01",
        "01 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余": "0.01",
        # 类 398.08 + 17.77 = 415.85 against 本年支出合计 415.84 (both stated).
        "01 本年支出合计 = Σ类": "-0.01",
        "02 合计.total = Σ类": "-0.01",
        "02 合计.fiscal = Σ类": "-0.01",
        "03 合计.total = Σ类": "-0.01",
        "03 合计.project = Σ类": "-0.01",
        "04 本年支出合计.total = Σ类": "-0.01",
        "04 本年支出合计.gpb = Σ类": "-0.01",
        "05 合计.total = Σ类": "-0.01",
        "05 合计.project = Σ类": "-0.01",
        # 上年 434.16 against the 项 priors 141.85 + 276.03 + 0.53 + 14.91 + 0.85 = 434.17.
        "对比 一般公共预算支出上年数 = Σ项上年数": "-0.01",
    },
    UNIT_001: {
        # 类 1,577.40 + 1,664.11 + 58.65 = 3,300.16 against 本年支出合计 3,300.15 (both stated).
        "01 本年支出合计 = Σ类": "-0.01",
        "02 合计.total = Σ类": "-0.01",
        "02 合计.fiscal = Σ类": "-0.01",
        "03 合计.total = Σ类": "-0.01",
        "03 合计.basic = Σ类": "-0.01",
        "04 本年支出合计.total = Σ类": "-0.01",
        "04 本年支出合计.gpb = Σ类": "-0.01",
        "05 合计.total = Σ类": "-0.01",
        "05 合计.basic = Σ类": "-0.01",
        # Published as is: 总额 900.52, 货物 6.54 + 工程 0.00 + 服务 893.58 = 900.12.
        "采购 总额 = 货物 + 工程 + 服务": "0.40",
    },
}

# Stored texts that the PDF extraction split across table lines (not contiguous in the reference).
TEXT_SPLIT_IN_REFERENCE = {"政务服务运行办公费"}


# ---------------------------------------------------------------------------- derived figures


def growth(current: Decimal, prior: Decimal) -> tuple[Decimal, Decimal]:
    """Change (万元) and rate (%) against last year, as the references word the edge cases."""
    change = current - prior
    if prior == 0:
        return change, HUNDRED if current > 0 else ZERO
    return change, ratio_percent(change, prior)


def budget_difference(actual: Decimal, budget: Decimal) -> tuple[Decimal, Decimal]:
    """预决算差异 (万元) and 差异率 = (决算 − 预算) ÷ 预算 (%); 100% when only the 决算 is non-zero:
    the arithmetic of :func:`growth`, with the budget as the base."""
    return growth(actual, budget)


def share(part: Decimal, base: Decimal) -> tuple[None, Decimal]:
    return None, ratio_percent(part, base) if base else ZERO


def _items(
    rows: list, comparisons: list[SubjectComparison], amount: str
) -> Iterator[tuple[str, Decimal, Decimal]]:
    """(code, this year, last year) of every 项 with spending this year or last year."""
    current = {r.code: getattr(r, amount) for r in rows if len(r.code) == 7}
    prior = {c.code: c.prior or ZERO for c in comparisons}
    for code in sorted(set(current) | set(prior)):
        yield code, current.get(code, ZERO), prior.get(code, ZERO)


def _fund_section(key: str, table: FundTable, cmp, items: list[SubjectComparison]) -> dict:
    out = {}
    total = table.totals.carry_in + table.totals.income
    out[f"{key} 收入支出总计"] = growth(total, cmp.prior or ZERO)
    out[f"{key} 预决算差异率"] = budget_difference(total, cmp.budget or ZERO)
    for code, cur, prior in _items(table.rows, items, "expense"):
        out[f"{key} {code}"] = growth(cur, prior)
    return out


def derived_figures(d: Disclosure) -> dict[str, tuple[Decimal | None, Decimal]]:
    """Every change, rate and share the narrative prints, by label (unrounded changes, rounded %)."""
    c = d.comparisons
    t01, t03, t05 = d.t01, d.t03, d.t05
    out: dict[str, tuple[Decimal | None, Decimal]] = {}
    out["一 收入支出总计"] = growth(t01.income_grand_total, c.total.prior)
    fiscal_income = t01.gpb_income + t01.fund_income + t01.soe_income
    for label, value in [
        ("财政拨款收入", fiscal_income), ("上级补助收入", t01.superior_income), ("事业收入", t01.business_income),
        ("经营收入", t01.operating_income), ("附属单位上缴收入", t01.affiliated_income), ("其他收入", t01.other_income),
    ]:
        out[f"二 {label} 占比"] = share(value, t01.income_total)
    tt = t03.totals
    for label, value in [
        ("基本支出", tt.basic), ("项目支出", tt.project), ("上缴上级支出", tt.to_superior),
        ("经营支出", tt.operating), ("对附属单位补助支出", tt.to_affiliated),
    ]:
        out[f"三 {label} 占比"] = share(value, t01.expense_total)
    out["四 财政拨款收入支出总计"] = growth(d.t04.income_grand_total, c.fiscal.prior)
    out["四 预决算差异率"] = budget_difference(d.t04.income_grand_total, c.fiscal.budget)
    out["五(一) 占本年支出合计"] = share(t05.totals.total, t01.expense_total)
    out["五(一) 一般公共预算财政拨款支出"] = growth(t05.totals.total, c.gpb_expense.prior)
    out["五(一) 预决算差异率"] = budget_difference(t05.totals.total, c.gpb_expense.budget)
    for row in t05.rows:
        if len(row.code) == 3:
            out[f"五(二) {row.code}"] = share(row.total, t05.totals.total)
    for code, cur, prior in _items(t05.rows, c.gpb_items, "total"):
        out[f"五(三) {code}"] = growth(cur, prior)
    if not d.t07.is_empty or c.fund_items or c.fund.prior:
        out.update(_fund_section("七", d.t07, c.fund, c.fund_items))
    if not d.t08.is_empty or c.soe_items or c.soe.prior:
        out.update(_fund_section("八", d.t08, c.soe, c.soe_items))
    a, b, sg = d.t09.actual, d.t09.budget, c.sangong
    for key, label in [
        ("total", "合计"), ("abroad", "因公出国（境）费"), ("car_total", "公务用车购置及运行维护费"),
        ("reception", "公务接待费"),
    ]:
        out[f"九 {label}"] = growth(getattr(a, key), getattr(sg, key).prior)
        if key != "total":
            out[f"九 {label} 占比"] = share(getattr(a, key), a.total)
    for key, label in [
        ("total", "合计"), ("abroad", "因公出国（境）费"), ("car_purchase", "公务用车购置费"),
        ("car_operation", "公务用车运行维护费"), ("reception", "公务接待费"),
    ]:
        out[f"九 {label} 预决算差异率"] = budget_difference(getattr(a, key), getattr(b, key))
    out["十(一) 公用经费"] = growth(d.t06.public_total, c.public_expense.prior)
    p = d.procurement
    out["十(二) 中小企业 占比"] = share(p.sme, p.total)
    out["十(二) 小微企业 占比"] = share(p.small_micro, p.total)
    for i, project in enumerate(d.performance.projects, 1):
        out[f"十一 项目{i} 执行率"] = share(project.total.executed, project.total.full_budget)
    return out


def check_stated(d: Disclosure, stated: dict[str, tuple[str | None, str]]) -> list[str]:
    problems = []
    derived = derived_figures(d)
    for label, (change, rate) in stated.items():
        if label not in derived:
            problems.append(f"{label}：样例数据中算不出此数")
            continue
        got_change, got_rate = derived[label]
        if change is not None and q2(got_change) != D(change):
            problems.append(f"{label}：增减额应为 {change}，按数据算得 {q2(got_change)}")
        if got_rate != D(rate):
            problems.append(f"{label}：百分比应为 {rate}%，按数据算得 {got_rate}%")
    return problems


# ---------------------------------------------------------------------------- 勾稽 rules


class Ledger:
    """Collects differences of equalities (left − right) by rule id."""

    def __init__(self) -> None:
        self.diffs: dict[str, Decimal] = {}
        self.failures: list[str] = []
        self.count = 0

    def eq(self, rule: str, left: Decimal, right: Decimal) -> None:
        self.count += 1
        if left != right:
            if rule in self.diffs:  # one id, several places: keep them apart
                rule = f"{rule} #{sum(r.startswith(rule) for r in self.diffs) + 1}"
            self.diffs[rule] = left - right

    def le(self, rule: str, left: Decimal, right: Decimal) -> None:
        self.count += 1
        if left > right:
            self.failures.append(f"{rule}：{left} 大于 {right}")

    def true(self, rule: str, condition: bool, detail: str = "") -> None:
        self.count += 1
        if not condition:
            self.failures.append(f"{rule}{('：' + detail) if detail else ''}")


def _hierarchy(ledger: Ledger, table: str, rows: list, totals, columns: Iterable[str]) -> None:
    """类 = Σ款, 款 = Σ项 per column, and the 合计 row = Σ类 (rule 8)."""
    columns = list(columns)
    codes = [r.code for r in rows]
    ledger.true(f"{table} 科目编码不重复", len(codes) == len(set(codes)), str(codes))
    by_code = {r.code: r for r in rows}
    for r in rows:
        if len(r.code) > 3:
            ledger.true(f"{table} {r.code} 的上级科目存在", r.code[: len(r.code) - 2] in by_code)
        children = [x for x in rows if len(x.code) == len(r.code) + 2 and x.code.startswith(r.code)]
        if children:
            for col in columns:
                ledger.eq(f"{table} {r.code}.{col} = Σ下级", getattr(r, col),
                          sum(getattr(x, col) for x in children))
    for col in columns:
        ledger.eq(f"{table} 合计.{col} = Σ类", getattr(totals, col),
                  sum((getattr(r, col) for r in rows if len(r.code) == 3), ZERO))


def _names(ledger: Ledger, table: str, rows: list) -> None:
    year = load_year(2024)
    for r in rows:
        ledger.true(f"{table} {r.code} 名称与年度科目一致", year.subject_name(r.code) == r.name,
                    f"{r.name} ≠ {year.subject_name(r.code)}")


def check_rules(d: Disclosure) -> Ledger:
    """The 勾稽 rules of official-tables.md §4 plus the other sums a disclosure states."""
    L = Ledger()
    t01, t02, t03, t04, t05, t06, t07, t08, t09 = (
        d.t01, d.t02, d.t03, d.t04, d.t05, d.t06, d.t07, d.t08, d.t09)
    # 1–5: 公开01表
    L.eq("01 本年收入合计 = Σ收入", t01.income_total, sum((
        t01.gpb_income, t01.fund_income, t01.soe_income, t01.superior_income, t01.business_income,
        t01.operating_income, t01.affiliated_income, t01.other_income), ZERO))
    L.eq("01 收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余", t01.income_grand_total,
         t01.income_total + t01.use_nonfiscal_balance + t01.carry_in)
    L.eq("01 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余", t01.expense_grand_total,
         t01.expense_total + t01.balance_distribution + t01.carry_out)
    L.eq("01 收入总计 = 支出总计", t01.income_grand_total, t01.expense_grand_total)
    L.eq("01 本年支出合计 = Σ类", t01.expense_total, sum(t01.expense_by_class.values(), ZERO))
    # 6–8: 公开02表
    income_cols = ("total", "fiscal", "superior", "business", "operating", "affiliated", "other")
    _hierarchy(L, "02", t02.rows, t02.totals, income_cols)
    _names(L, "02", t02.rows)
    for r in [*t02.rows, t02.totals]:
        L.eq(f"02 {getattr(r, 'code', '合计')} 本年收入合计 = Σ来源", r.total,
             r.fiscal + r.superior + r.business + r.operating + r.affiliated + r.other)
    L.eq("02 合计 = 01 本年收入合计", t02.totals.total, t01.income_total)
    L.eq("02 财政拨款收入 = 01 一+二+三", t02.totals.fiscal, t01.gpb_income + t01.fund_income + t01.soe_income)
    for col, field in [("superior", "superior_income"), ("business", "business_income"),
                       ("operating", "operating_income"), ("affiliated", "affiliated_income"),
                       ("other", "other_income")]:
        L.eq(f"02 {col} = 01 {field}", getattr(t02.totals, col), getattr(t01, field))
    # 9–10: 公开03表
    expense_cols = ("total", "basic", "project", "to_superior", "operating", "to_affiliated")
    _hierarchy(L, "03", t03.rows, t03.totals, expense_cols)
    _names(L, "03", t03.rows)
    for r in [*t03.rows, t03.totals]:
        L.eq(f"03 {getattr(r, 'code', '合计')} 本年支出合计 = Σ各类支出", r.total,
             r.basic + r.project + r.to_superior + r.operating + r.to_affiliated)
    L.eq("03 合计 = 01 本年支出合计", t03.totals.total, t01.expense_total)
    classes03 = {r.code: r.total for r in t03.rows if len(r.code) == 3}
    L.true("03 类 = 01 类（科目相同）", set(classes03) == set(t01.expense_by_class))
    for code, amount in t01.expense_by_class.items():
        L.eq(f"03 类 {code} = 01", classes03.get(code, ZERO), amount)
    # 11–14: 公开04表
    L.eq("04 一般公共预算 = 01", t04.gpb_income, t01.gpb_income)
    L.eq("04 政府性基金 = 01", t04.fund_income, t01.fund_income)
    L.eq("04 国有资本经营 = 01", t04.soe_income, t01.soe_income)
    L.eq("04 本年收入合计 = 一+二+三", t04.income_total, t04.gpb_income + t04.fund_income + t04.soe_income)
    L.eq("04 收入总计 = 本年收入合计 + 年初结转", t04.income_grand_total, t04.income_total + t04.carry_in.total)
    L.eq("04 支出总计 = 本年支出合计 + 年末结转", t04.expense_grand_total.total,
         t04.expense_total.total + t04.carry_out.total)
    L.eq("04 收入总计 = 支出总计", t04.income_grand_total, t04.expense_grand_total.total)
    splits = {"年初": t04.carry_in, "年末": t04.carry_out, "本年支出合计": t04.expense_total,
              "支出总计": t04.expense_grand_total, **{f"类 {k}": v for k, v in t04.expense_by_class.items()}}
    for label, s in splits.items():
        L.eq(f"04 {label} 合计 = 三列之和", s.total, s.gpb + s.fund + s.soe)
    for col in ("total", "gpb", "fund", "soe"):
        L.eq(f"04 本年支出合计.{col} = Σ类", getattr(t04.expense_total, col),
             sum((getattr(s, col) for s in t04.expense_by_class.values()), ZERO))
        L.eq(f"04 支出总计.{col} = 本年支出 + 年末结转", getattr(t04.expense_grand_total, col),
             getattr(t04.expense_total, col) + getattr(t04.carry_out, col))
    L.eq("04 收入 一 + 年初 一 = 支出总计 一", t04.gpb_income + t04.carry_in.gpb, t04.expense_grand_total.gpb)
    L.eq("04 收入 二 + 年初 二 = 支出总计 二", t04.fund_income + t04.carry_in.fund, t04.expense_grand_total.fund)
    L.eq("04 收入 三 + 年初 三 = 支出总计 三", t04.soe_income + t04.carry_in.soe, t04.expense_grand_total.soe)
    L.le("04 年初财政拨款结转 ≤ 01 年初结转", t04.carry_in.total, t01.carry_in)
    L.le("04 年末财政拨款结转 ≤ 01 年末结转", t04.carry_out.total, t01.carry_out)
    L.true("04 类 = 01 类（科目相同）", set(t04.expense_by_class) == set(t01.expense_by_class))
    for code, amount in t01.expense_by_class.items():
        L.eq(f"04 类 {code}.total = 01", t04.expense_by_class[code].total, amount)
    known_classes = load_year(2024).class_names
    L.true("01/04 类 编码在年度科目中", set(t01.expense_by_class) <= set(known_classes))
    # 15–16: 公开05表
    gpb_cols = ("total", "basic", "project")
    _hierarchy(L, "05", t05.rows, t05.totals, gpb_cols)
    _names(L, "05", t05.rows)
    for r in [*t05.rows, t05.totals]:
        L.eq(f"05 {getattr(r, 'code', '合计')} 合计 = 基本 + 项目", r.total, r.basic + r.project)
    L.eq("05 合计 = 04 本年支出合计 一般公共预算", t05.totals.total, t04.expense_total.gpb)
    classes05 = {r.code: r.total for r in t05.rows if len(r.code) == 3}
    for code, s in t04.expense_by_class.items():
        L.eq(f"05 类 {code} = 04 一般公共预算列", classes05.get(code, ZERO), s.gpb)
    # all 财政拨款 here: 03/02 rows equal 05 rows
    L.le("03 基本支出 ≥ 05 基本支出", t05.totals.basic, t03.totals.basic)
    # 17–19: 公开06表
    L.eq("05 基本支出 = 06 人员经费 + 公用经费", t05.totals.basic, t06.personnel_total + t06.public_total)
    year = load_year(2024)
    items = [r for r in t06.rows if len(r.code) == 5]
    L.eq("06 人员经费合计 = 301 + 303", t06.personnel_total,
         sum((r.amount for r in items if year.econ_group(r.code) == "personnel"), ZERO))
    L.eq("06 公用经费合计 = 302 + 310", t06.public_total,
         sum((r.amount for r in items if year.econ_group(r.code) == "public"), ZERO))
    for cls in (r for r in t06.rows if len(r.code) == 3):
        L.eq(f"06 {cls.code} = Σ款", cls.amount,
             sum((r.amount for r in items if r.code[:3] == cls.code), ZERO))
    for r in t06.rows:
        L.true(f"06 {r.code} 名称与年度科目一致", year.econ_names.get(r.code) == r.name)
    # 21–23: 公开07/08表
    fund_cols = ("carry_in", "income", "expense", "basic", "project", "carry_out")
    fund_tables = (("07", t07, "fund", t01.fund_income), ("08", t08, "soe", t01.soe_income))
    for key, table, split_col, income in fund_tables:
        _hierarchy(L, key, table.rows, table.totals, fund_cols)
        _names(L, key, table.rows)
        for r in [*table.rows, table.totals]:
            label = getattr(r, "code", "合计")
            L.eq(f"{key} {label} 年初 + 收入 − 支出 = 年末", r.carry_in + r.income - r.expense, r.carry_out)
            L.eq(f"{key} {label} 支出 = 基本 + 项目", r.expense, r.basic + r.project)
        L.eq(f"{key} 本年收入 = 01/04", table.totals.income, income)
        L.eq(f"{key} 本年支出 = 04 {split_col} 列", table.totals.expense, getattr(t04.expense_total, split_col))
        L.eq(f"{key} 年初 = 04 {split_col} 列", table.totals.carry_in, getattr(t04.carry_in, split_col))
        L.eq(f"{key} 年末 = 04 {split_col} 列", table.totals.carry_out, getattr(t04.carry_out, split_col))
    # 24–25: 公开09表
    for label, s in (("预算数", t09.budget), ("决算数", t09.actual)):
        L.eq(f"09 {label} 合计 = 三部分", s.total, s.abroad + s.car_total + s.reception)
        L.eq(f"09 {label} 小计 = 购置 + 运行", s.car_total, s.car_purchase + s.car_operation)
    econ = {r.code: r.amount for r in t06.rows}
    L.le("06 30231 ≤ 09 公务用车运行维护费", econ.get("30231", ZERO), t09.actual.car_operation)
    L.le("06 30217 ≤ 09 公务接待费", econ.get("30217", ZERO), t09.actual.reception)
    L.le("06 30212 ≤ 09 因公出国（境）费", econ.get("30212", ZERO), t09.actual.abroad)
    L.le("06 31013 ≤ 09 公务用车购置费", econ.get("31013", ZERO), t09.actual.car_purchase)
    # comparisons: every 项 of 05/07 compared; items absent this year carry their 类/款 names
    c = d.comparisons
    for key, rows, cmps in (("05", t05.rows, c.gpb_items), ("07", t07.rows, c.fund_items),
                            ("08", t08.rows, c.soe_items)):
        present = {r.code for r in rows if len(r.code) == 7}
        compared = {x.code for x in cmps}
        L.true(f"{key} 每个项都有上年对比", present <= compared, str(present - compared))
        for x in cmps:
            L.true(f"对比 {x.code} 有上年数", x.prior is not None)
            L.true(f"对比 {x.code} 名称与年度科目一致", not x.name or x.name == year.subject_name(x.code))
            if x.code not in present:
                L.true(f"对比 {x.code} 本年表中没有：写明类、款名称",
                       x.class_name == year.subject_name(x.code[:3])
                       and x.item_name == year.subject_name(x.code[:5]))
    L.eq("对比 一般公共预算支出上年数 = Σ项上年数", c.gpb_expense.prior,
         sum((x.prior for x in c.gpb_items), ZERO))
    for label, cmp in (("total", c.total), ("fiscal", c.fiscal), ("gpb_expense", c.gpb_expense),
                       ("public_expense", c.public_expense), ("fund", c.fund), ("soe", c.soe)):
        L.true(f"对比 {label} 有上年数", isinstance(cmp, Comparison) and cmp.prior is not None)
    for label in ("fiscal", "gpb_expense", "fund", "soe"):
        L.true(f"对比 {label} 有年初预算数", getattr(c, label).budget is not None)
    sg = c.sangong
    L.eq("对比 三公上年 合计 = 三部分", sg.total.prior, sg.abroad.prior + sg.car_total.prior + sg.reception.prior)
    L.eq("对比 三公上年 小计 = 购置 + 运行", sg.car_total.prior, sg.car_purchase.prior + sg.car_operation.prior)
    # 人员, 采购, 资产, 绩效
    s = d.unit.staff
    L.eq("人员 实有 = 在职 + 离休 + 退休", Decimal(s.total), Decimal(s.active + s.retired_cadres + s.retirees))
    L.eq("人员 实有增加 = 三类增加之和", Decimal(s.total_change),
         Decimal(s.active_change + s.retired_cadres_change + s.retirees_change))
    p = d.procurement
    L.eq("采购 总额 = 货物 + 工程 + 服务", p.total, p.goods + p.works + p.services)
    L.le("采购 中小企业 ≤ 总额", p.sme, p.total)
    L.le("采购 小微 ≤ 中小企业", p.small_micro, p.sme)
    a = d.assets
    L.eq("资产 车辆合计 = 八类之和", Decimal(a.vehicle_count), Decimal(sum(a.vehicles.model_dump().values())))
    L.eq("资产 车辆 = 公务用车保有量", Decimal(a.vehicle_count), Decimal(d.sangong.car_holding))
    perf = d.performance
    L.eq("绩效 项目个数", Decimal(perf.project_count), Decimal(len(perf.projects)))
    L.eq("绩效 全年预算数 = Σ项目", perf.full_budget, sum((x.total.full_budget for x in perf.projects), ZERO))
    L.eq("绩效 全年执行数 = Σ项目", perf.executed, sum((x.total.executed for x in perf.projects), ZERO))
    for i, x in enumerate(perf.projects, 1):
        for col in ("initial_budget", "full_budget", "executed"):
            L.eq(f"绩效 项目{i} 资金总额.{col} = 财政拨款 + 其他", getattr(x.total, col),
                 getattr(x.fiscal, col) + getattr(x.other, col))
        rate = x.total.executed / x.total.full_budget if x.total.full_budget else ZERO
        L.eq(f"绩效 项目{i} 资金得分 = 分值 × 执行率", x.fund_score, q2(min(x.fund_weight, x.fund_weight * rate)))
        L.eq(f"绩效 项目{i} Σ分值 = 100", x.fund_weight + sum(ind.weight for ind in x.indicators), HUNDRED)
        L.eq(f"绩效 项目{i} 总分 = 资金得分 + Σ指标得分", x.total_score,
             x.fund_score + sum(ind.score for ind in x.indicators))
        for ind in x.indicators:
            L.le(f"绩效 项目{i} {ind.level3} 得分 ≤ 分值", ind.score, ind.weight)
    return L


# ---------------------------------------------------------------------------- the reference texts


def normalize(text: str) -> str:
    """As the reference-match tool does: NFKC, quotes unified, no white space, no thousands separators."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("**", "").replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _walk(obj: object) -> Iterator[object]:
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name))
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)
    else:
        yield obj


def _texts(d: Disclosure) -> Iterator[str]:
    """Every stored text that should occur verbatim in the reference."""
    u = d.unit
    yield u.name
    yield from u.functions
    yield from u.departments
    c = d.comparisons
    for cmp in (c.total, c.fiscal, c.gpb_expense, c.fund, c.soe, c.public_expense, *c.gpb_items,
                *c.fund_items, *c.soe_items):
        yield cmp.reason
        yield getattr(cmp, "budget_reason", "")
    for name in type(c.sangong).model_fields:
        part = getattr(c.sangong, name)
        yield part.reason
        yield part.budget_reason
    sg = d.sangong
    yield from (sg.abroad_content, sg.car_operation_content, sg.vehicle_difference_reason,
                sg.reception_content)
    yield d.assets.other_vehicle_description
    perf = d.performance
    yield from (perf.achievements, perf.problems, perf.improvements)
    for x in perf.projects:
        yield from (x.name, x.supervisor, x.implementer, x.goal_expected, x.goal_actual)
        for ind in x.indicators:
            yield from (ind.level1, ind.level2, ind.level3, ind.target, ind.actual, ind.deviation)
    yield d.other_matters


def _pieces(reference: str) -> list[str]:
    """The prose as one normalized string, and each cell of the tab-separated table rows apart
    (so figures of neighbouring cells do not run together)."""
    prose = [line for line in reference.splitlines() if "\t" not in line]
    cells = [cell for line in reference.splitlines() if "\t" in line for cell in line.split("\t")]
    return [normalize("\n".join(prose)), *(normalize(c) for c in cells)]


def _figures(pattern: str, pieces: Iterable[str]) -> set[Decimal]:
    return {D(m) for piece in pieces for m in re.findall(r"(?<![\d.])" + pattern, piece)}


def _count_phrases(d: Disclosure) -> list[str]:
    """The reference's sentences that carry counts (persons, vehicles, projects) and the 06表
    item names, written from the sample."""
    s, g, a = d.unit.staff, d.sangong, d.assets
    v = a.vehicles
    return [
        f"实有人数{s.total}人，其中：在职人员{s.active}人，增加{s.active_change}人；离休人员{s.retired_cadres}人，"
        f"增加{s.retired_cadres_change}人；退休人员{s.retirees}人，增加{s.retirees_change}人。",
        f"下设{len(d.unit.departments)}个科室",
        f"团组{g.abroad_groups}个，因公出国（境）{g.abroad_persons}人次",
        f"公务用车购置数{g.car_purchase_count}辆，公务用车保有量{g.car_holding}辆",
        f"固定资产车辆{a.vehicle_count}辆",
        f"国内公务接待{g.reception_batches}批次，{g.reception_persons}人次",
        f"房屋{a.house_area}平方米，价值{a.house_value}万元。车辆{a.vehicle_count}辆，价值{a.vehicle_value}万元",
        f"副部（省）级及以上领导用车{v.ministerial}辆、主要负责人用车{v.head}辆、机要通信用车{v.confidential}辆、"
        f"应急保障用车{v.emergency}辆、执法执勤用车{v.law_enforcement}辆、特种专业技术用车{v.special}辆、"
        f"离退休干部服务用车{v.retiree_service}辆、其他用车{v.other}辆",
        f"（不含车辆）{a.equipment_count}台（套）",
        f"预算绩效评价项目{d.performance.project_count}个",
        *_econ_phrases(d),
    ]


def _econ_phrases(d: Disclosure) -> list[str]:
    """六: each group total with the names of exactly its non-zero 06表 items, in year-data order."""
    year = load_year(d.unit.year)
    amounts = {r.code: r.amount for r in d.t06.rows if len(r.code) == 5}
    phrases = []
    for group, label, total in (("personnel", "人员经费", d.t06.personnel_total),
                                ("public", "公用经费", d.t06.public_total)):
        names = [name for cls in year.econ_classes if cls.group == group
                 for code, name in cls.items if amounts.get(code)]
        phrases.append(f"{label}{total}万元，包括：{'、'.join(names)}。")
    return phrases


def check_reference(d: Disclosure, reference: str) -> list[str]:
    """Every amount and percentage the reference prints comes from the sample; texts are verbatim."""
    problems = []
    pieces = _pieces(reference)
    texts = [normalize(t) for t in _texts(d) if t]
    derived = derived_figures(d)
    have = {q2(v) for v in _walk(d) if isinstance(v, Decimal)}
    have |= {abs(q2(change)) for change, _ in derived.values() if change is not None}
    have |= _figures(r"(\d+\.\d{2})", texts)
    for amount in sorted(_figures(r"(\d+\.\d{2})万元", pieces) - have):
        problems.append(f"说明中的金额 {amount} 万元在样例数据中找不到")
    rates = {abs(rate) for _, rate in derived.values()} | _figures(r"(\d+(?:\.\d+)?)%", texts)
    for rate in sorted(_figures(r"(\d+\.\d{2})%", pieces) - rates):
        problems.append(f"说明中的百分比 {rate}% 没有由样例数据算出")
    whole = "".join(pieces)
    for phrase in _count_phrases(d):
        if normalize(phrase) not in whole:
            problems.append(f"说明中的句子与样例数据不符：{phrase}")
    for text, norm in zip((t for t in _texts(d) if t), texts, strict=True):
        if text not in TEXT_SPLIT_IN_REFERENCE and norm not in whole:
            problems.append(f"文字不在说明原文中：{text[:40]}")
    return problems


def find_reference(directory: Path, unit: str) -> Path | None:
    for path in sorted(directory.glob("*.txt")):
        first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "")
        if re.sub(r"\s+", "", first).startswith(unit + "20"):
            return path
    return None


# ---------------------------------------------------------------------------- main


def check_sample(path: Path, reference_dir: Path | None) -> bool:
    d = Disclosure.model_validate_json(path.read_text(encoding="utf-8"))
    unit = d.unit.name
    print(f"== {path.name}（{unit}）：数据模型校验通过")
    problems: list[str] = []
    stated = STATED.get(unit, {})
    problems += check_stated(d, stated)
    print(f"   说明所列增减额与百分比 {len(stated)} 项已重算")
    ledger = check_rules(d)
    known = {rule: D(v) for rule, v in KNOWN.get(unit, {}).items()}
    for rule, diff in ledger.diffs.items():
        if rule in known and known[rule] == diff:
            print(f"   已知差异（照说明原样）：{rule}，相差 {diff}")
        else:
            problems.append(f"{rule}：相差 {diff}")
    for rule in known.keys() - ledger.diffs.keys():
        problems.append(f"{rule}：应有已知差异 {known[rule]}，实际相等")
    problems += ledger.failures
    print(f"   勾稽关系 {ledger.count} 条已检查")
    if reference_dir is not None:
        ref = find_reference(reference_dir, unit)
        if ref is None:
            problems.append(f"{reference_dir} 中找不到该单位的说明原文")
        else:
            problems += check_reference(d, ref.read_text(encoding="utf-8"))
            print(f"   已与说明原文 {ref.name} 核对金额、百分比和文字")
    for problem in problems:
        print(f"   问题：{problem}")
    return not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="核对样例数据的算术与勾稽关系")
    parser.add_argument("--reference-dir", type=Path, default=ROOT.parent / "shared" / "reference")
    args = parser.parse_args(argv)
    reference_dir = args.reference_dir if args.reference_dir.is_dir() else None
    if reference_dir is None:
        print(f"（未找到说明原文目录 {args.reference_dir}，跳过与原文的核对）")
    paths = [
        p
        for p in sorted(DATA.glob("*.json"))
        if json.loads(p.read_text(encoding="utf-8"))["unit"].get("style") in (None, "", "乌鲁木齐")
    ]
    if not paths:
        print(f"{DATA} 中没有样例数据")
        return 1
    ok = all([check_sample(p, reference_dir) for p in paths])
    print("OK" if ok else "有问题，见上")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
