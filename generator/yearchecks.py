"""Checks against the reporting year's classification data (registered in :data:`generator.checks.CHECKS`).

* ``year.fallback`` (提示): the year has no data file of its own and uses an earlier year's;
* ``year.unknown_code`` (提示): a 款/项 code the year's data does not know, so its name cannot
  be checked (a 类 code unknown to the year is an 警告 or 错误 of ``structure.*``; a known code
  whose name differs from the data is an 警告 of ``structure.subject_names``).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks import _COMPARISON_LISTS, _SUBJECT_TABLES, CheckContext, _rule, _table, _title
from generator.errors import Finding, Severity

NOTE = "提示"


@_rule("year.fallback", NOTE)
def check_year_fallback(ctx: CheckContext) -> Iterator[Finding]:
    """本年度没有自己的分类科目数据时，沿用最近一个年度的数据，并提示所沿用的年度。

    依据：年度数据 generator/years/<年度>.toml（或 --year-data 指定的文件夹）。
    """
    if ctx.year.fallback_note:
        yield Finding(Severity.NOTE, "year.fallback", ctx.year.fallback_note, ctx.cells(("unit", "year")))


@_rule("year.unknown_code", NOTE)
def check_unknown_codes(ctx: CheckContext) -> Iterator[Finding]:
    """款级、项级科目编码不在本年度分类科目数据中时提示：其名称无法核对。

    依据：年度数据（《政府收支分类科目》支出功能分类）；数据不全时只作提示，不影响生成。
    """
    known = ctx.year.all_subjects
    seen: set[str] = set()
    places: dict[str, list] = {}
    order: list[tuple[str, str, str]] = []
    for key in _SUBJECT_TABLES:
        for i, row in enumerate(getattr(ctx.d, key).rows):
            if len(row.code) > 3 and row.code not in known:
                places.setdefault(row.code, []).append((key, "rows", i, "code"))
                if row.code not in seen:
                    seen.add(row.code)
                    order.append((row.code, row.name, _table(ctx, key)))
    for name in _COMPARISON_LISTS:
        for i, item in enumerate(getattr(ctx.d.comparisons, name)):
            if item.code not in known:
                places.setdefault(item.code, []).append(("comparisons", name, i, "code"))
                if item.code not in seen:
                    seen.add(item.code)
                    order.append((item.code, item.name, _title(ctx.d.comparisons, name)))
    for code, name, where in order:
        label = f"{code}（{name}）" if name else code
        yield Finding(
            Severity.NOTE,
            "year.unknown_code",
            f"{where}科目 {label} 不在 {ctx.year.source_year} 年度分类科目数据中，名称未能核对",
            ctx.cells(*places[code]),
        )
