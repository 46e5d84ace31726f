"""Year to year: next year's workbook prefilled from last year's, and the check of carried figures.

:func:`carry` makes next year's starting data from last year's Disclosure: 年度 + 1; 单位名称,
单位性质, 主管部门, 主要职能, 下属单位 and 内设科室 as they were (人员情况 are year-end counts of
the new year, so they are left to fill); every 上年决算数 of 对比与原因 is last year's 本年 figure
(:func:`current_figures`), and the 项级 lists start from last year's 项 with spending (a 项 no
longer spent still needs its 上年数 stated).  Reasons, budgets and the tables stay empty.

:func:`previous_findings` is the other direction: this year's workbook against last year's —
every 上年决算数 that differs from last year's 本年 figure is a 警告 naming its cell.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.errors import Finding, Severity
from generator.model import Comparisons, Disclosure, SanGongComparisons, SubjectComparison, Unit
from generator.numbers import fmt_money
from generator.source import SourceMap
from generator.yeardata import load_year, subject_differences

ZERO = Decimal(0)

#: 项级 comparison list → (table, amount field of its rows)
ITEM_TABLES = {"gpb_items": ("t05", "total"), "fund_items": ("t07", "expense"), "soe_items": ("t08", "expense")}


def current_figures(d: Disclosure) -> dict[tuple[str, ...], Decimal]:
    """The 本年 figure each comparison row compares with (the same the narrative uses)."""
    figures: dict[tuple[str, ...], Decimal] = {
        ("total",): d.t01.income_grand_total,
        ("fiscal",): d.t04.income_grand_total,
        ("gpb_expense",): d.t05.totals.total,
        ("fund",): d.t07.totals.carry_in + d.t07.totals.income,
        ("soe",): d.t08.totals.carry_in + d.t08.totals.income,
        ("public_expense",): d.t06.public_total,
    }
    for part in SanGongComparisons.model_fields:
        figures[("sangong", part)] = getattr(d.t09.actual, part)
    return figures


def current_items(d: Disclosure, name: str) -> dict[str, Decimal]:
    """项 code → this year's amount in the table of a 项级 list."""
    key, field = ITEM_TABLES[name]
    out: dict[str, Decimal] = {}
    for row in getattr(d, key).rows:
        if len(row.code) == 7:
            out[row.code] = out.get(row.code, ZERO) + getattr(row, field)
    return out


def _label(path: tuple[str, ...]) -> str:
    if path[0] == "sangong":
        return SanGongComparisons.model_fields[path[1]].title or path[1]
    return Comparisons.model_fields[path[0]].title or path[0]


def _names(d: Disclosure, key: str) -> dict[str, str]:
    yd = load_year(d.unit.year)
    names = dict(yd.all_subjects)
    names.update({r.code: r.name.strip().lstrip("\u3000") for r in getattr(d, key).rows})
    return names


def carry(last: Disclosure) -> Disclosure:
    """Next year's starting data from last year's (see the module docstring)."""
    u = last.unit
    unit = Unit(
        name=u.name,
        year=u.year + 1,
        kind=u.kind,
        document=u.document,
        supervisor=u.supervisor,
        functions=list(u.functions),
        subunits=list(u.subunits),
        departments=list(u.departments),
        members=list(u.members),
    )
    comps = Comparisons()
    for path, value in current_figures(last).items():
        target: Any = comps
        for part in path:
            target = getattr(target, part)
        target.prior = value
    for name in ITEM_TABLES:
        key = ITEM_TABLES[name][0]
        names = _names(last, key)
        items = [
            SubjectComparison(
                code=code,
                name=names.get(code, ""),
                class_name=names.get(code[:3], ""),
                item_name=names.get(code[:5], ""),
                prior=amount,
            )
            for code, amount in sorted(current_items(last, name).items())
            if amount != 0
        ]
        setattr(comps, name, items)
    return Disclosure(unit=unit, comparisons=comps)


def next_year_template(target: Path, last: Disclosure) -> list[str]:
    """Write next year's standard workbook prefilled from ``last`` to ``target``; return the
    科目 whose code or name differs between the two years' data (also put in 填表说明)."""
    from generator.workbook import write_template

    data = carry(last)
    changes = subject_differences(load_year(last.unit.year), load_year(data.unit.year))
    extra = [
        (
            f"{last.unit.year} 年度数据带入",
            [
                f"本工作簿由 {last.unit.year} 年度的工作簿生成：单位信息、主要职能、下属单位、内设科室和“对比与原因”中的"
                "全部上年决算数已带入，上年有支出的项级科目已列出。人员情况、九张公开表、年初预算数和变动原因请按本年填写。",
                *(
                    [f"{last.unit.year} 年与 {data.unit.year} 年分类科目数据中编码或名称不同的科目（请核对）："]
                    + changes
                    if changes
                    else [f"{last.unit.year} 年与 {data.unit.year} 年的分类科目数据中没有编码或名称不同的科目。"]
                ),
            ],
        )
    ]
    write_template(target, data, prefill=True, guide_extra=extra)
    return changes


def previous_findings(d: Disclosure, sources: SourceMap, last: Disclosure) -> list[Finding]:
    """警告 for every 上年决算数 of ``d`` that differs from ``last``'s 本年 figure."""
    findings: list[Finding] = []
    rule = "previous.prior"
    if d.unit.year != last.unit.year + 1:
        findings.append(
            Finding(
                Severity.WARNING,
                rule,
                f"上年的数据是 {last.unit.year} 年度的，本工作簿是 {d.unit.year} 年度：应与 {d.unit.year - 1} 年度的数据核对",
                sources.cells(("unit", "year")),
            )
        )
    ly = last.unit.year
    for path, expected in current_figures(last).items():
        comp: Any = d.comparisons
        for part in path:
            comp = getattr(comp, part)
        place = ("comparisons", *path, "prior")
        if comp.prior is None:
            if expected != 0:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        rule,
                        f"“对比与原因”中“{_label(path)}”的上年决算数未填写；{ly} 年度的本年决算数为 {fmt_money(expected)} 万元",
                        sources.cells(place),
                    )
                )
        elif comp.prior != expected:
            findings.append(
                Finding(
                    Severity.WARNING,
                    rule,
                    f"“对比与原因”中“{_label(path)}”的上年决算数 {fmt_money(comp.prior)} 万元与 {ly} 年度的本年决算数 "
                    f"{fmt_money(expected)} 万元不一致（相差 {fmt_money(abs(comp.prior - expected))} 万元）",
                    sources.cells(place),
                )
            )
    for name in ITEM_TABLES:
        last_items = current_items(last, name)
        title = Comparisons.model_fields[name].title
        listed = set()
        for i, item in enumerate(getattr(d.comparisons, name)):
            listed.add(item.code)
            expected = last_items.get(item.code, ZERO)
            if item.prior is not None and item.prior != expected:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        rule,
                        f"“{title}”中科目 {item.code} 的上年决算数 {fmt_money(item.prior)} 万元与 {ly} 年度的本年决算数 "
                        f"{fmt_money(expected)} 万元不一致（相差 {fmt_money(abs(item.prior - expected))} 万元）",
                        sources.cells(("comparisons", name, i, "prior")),
                    )
                )
        for code, amount in sorted(last_items.items()):
            if amount != 0 and code not in listed:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        rule,
                        f"科目 {code} {ly} 年度支出 {fmt_money(amount)} 万元，但“{title}”中没有这一科目：本年不再有支出的，"
                        "也应列出并填写上年决算数",
                        sources.cells(("comparisons", name)),
                    )
                )
    return findings
