"""部门决算 from the units' workbooks: the department's standard workbook.

``juesuan-gen --consolidate UNIT_FILE_OR_FOLDER… --name 部门名称 -o 部门.xlsx`` reads each unit
(本级 and the units of the department), refuses what cannot be summed — units of different
years, two workbooks of one unit, a unit that fails its own checks (unless forced) — and sums:

- the nine 公开表 by 科目编码 (功能分类) and 经济分类科目编码, totals included;
- the comparisons' 上年决算数 and 年初预算数 (a sum is stated only when every unit that has
  the item states it: an unknown part leaves the sum unknown, never a guess);
- 三公 amounts and counts, 政府采购, 国有资产 and the 绩效 figures (the 自评表 of every unit);
- 机关运行经费: the units' own (the 行政、参公 units' 机关运行经费; a 事业单位 has none).

The result is a 部门 (决算类别 部门) listing the units as its 部门决算单位构成.  Reasons and
texts are left for the bureau to write; each unit's own text for the same item is handed
back as a hint (:attr:`Consolidation.hints`), which the workbook shows as a cell comment
(批注) — readable, never read back as data.  Money is Decimal throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from generator.compute import derive, operating_costs
from generator.errors import JuesuanError, Severity
from generator.model import (
    Comparisons,
    Disclosure,
    DocumentKind,
    Member,
    Staff,
    Unit,
    UnitKind,
)
from generator.sections import WORDING_FIELDS
from generator.source import Path as ModelPath

M = TypeVar("M", bound=BaseModel)

#: Text fields whose per-unit wording is offered to the bureau as a hint (model paths).
_HINT_TEXTS: tuple[ModelPath, ...] = (
    ("sangong", "abroad_content"),
    ("sangong", "car_operation_content"),
    ("sangong", "vehicle_difference_reason"),
    ("sangong", "reception_content"),
    ("assets", "other_vehicle_description"),
    ("performance", "achievements"),
    ("performance", "problems"),
    ("performance", "improvements"),
    ("performance", "management"),
    ("other_matters",),
)


class ConsolidationRefused(JuesuanError):
    """The units cannot be summed into one department (the message names the files)."""

    exit_code = 1


@dataclass
class UnitInput:
    path: Path
    disclosure: Disclosure


@dataclass
class Consolidation:
    """The department's data, and per model path the units' own texts (hints for the bureau)."""

    disclosure: Disclosure
    hints: dict[ModelPath, str] = field(default_factory=dict)
    units: list[UnitInput] = field(default_factory=list)


# ---------------------------------------------------------------------------- refusals


def load_units(paths: Iterable[Path], force: bool = False) -> list[UnitInput]:
    """Read and check every unit; refuse (naming the files) what cannot be consolidated."""
    from generator.checks import run_checks
    from generator.inputs import load_input
    from generator.pipeline import discover

    files = discover(list(paths))
    if not files:
        raise ConsolidationRefused("没有找到要汇总的单位工作簿（.xlsx、.xls 或 .json）")
    units: list[UnitInput] = []
    problems: list[str] = []
    for path in files:
        try:
            loaded = load_input(path)
        except JuesuanError as exc:
            problems.append(f"{path}：无法读取（{_first_line(str(exc))}）")
            continue
        units.append(UnitInput(path, loaded.disclosure))
        if force:
            continue
        errors = [f for f in run_checks(loaded.disclosure, loaded.sources) if f.severity is Severity.ERROR]
        if errors:
            problems.append(
                f"{path}（{loaded.disclosure.unit.name}）：本单位检查有 {len(errors)} 条错误，"
                f"如 {errors[0].message}（先改正该单位的工作簿，或加 --force 仍然汇总）"
            )
    if problems:
        raise ConsolidationRefused("不能汇总：\n" + "\n".join(problems))
    years: dict[int, list[Path]] = {}
    for u in units:
        years.setdefault(u.disclosure.unit.year, []).append(u.path)
    if len(years) > 1:
        parts = "；".join(f"{y} 年度：{'、'.join(str(p) for p in ps)}" for y, ps in sorted(years.items()))
        raise ConsolidationRefused(f"不能汇总：各单位工作簿的年度不同（{parts}）。一个部门决算只汇总同一年度的单位")
    by_name: dict[str, list[Path]] = {}
    for u in units:
        by_name.setdefault(u.disclosure.unit.name, []).append(u.path)
    doubled = {n: ps for n, ps in by_name.items() if len(ps) > 1}
    if doubled:
        parts = "；".join(f"{n}：{'、'.join(str(p) for p in ps)}" for n, ps in doubled.items())
        raise ConsolidationRefused(f"不能汇总：同一单位有两个工作簿（{parts}）。每个单位只给一个工作簿")
    departments = [u for u in units if u.disclosure.unit.is_department]
    if departments:
        names = "、".join(str(u.path) for u in departments)
        raise ConsolidationRefused(f"不能汇总：{names} 已是部门决算工作簿，只汇总单位决算工作簿")
    return units


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


# ---------------------------------------------------------------------------- sums


def _add(a: Any, b: Any) -> Any:
    """Sum of two values of one model field (models field by field, lists of 科目 rows by code)."""
    if isinstance(a, BaseModel):
        return type(a).model_validate(
            {name: _add(getattr(a, name), getattr(b, name)) for name in type(a).model_fields}, strict=False
        )
    if a is None or b is None:
        return None  # an optional figure one unit does not state: the sum is not known
    if isinstance(a, bool) or isinstance(a, str):
        raise TypeError(f"no sum of {a!r} and {b!r}")
    if isinstance(a, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = _add(out[k], v) if k in out else v
        return out
    return a + b


def _sum_models(models: list[M], skip: tuple[str, ...] = ()) -> M:
    """Field-by-field sum of models holding amounts, counts and dicts of amounts.  An optional
    figure (None: not stated) is summed only when every unit states it, else it stays None."""
    cls = type(models[0])
    values: dict[str, Any] = {}
    for name in cls.model_fields:
        if name in skip:
            continue
        parts = [getattr(m, name) for m in models]
        if any(p is None for p in parts):
            values[name] = None
            continue
        total = parts[0]
        for p in parts[1:]:
            total = _add(total, p)
        values[name] = total
    return cls.model_validate(values)


def _sum_rows(tables: list[Any], key: Callable[[Any], str] = lambda r: r.code) -> list[Any]:
    """Rows of one 科目 table summed by code; names from the first unit that has the code;
    ordered by code (类, its 款, their 项 …), as the 公开表 list them."""
    by_code: dict[str, Any] = {}
    for rows in tables:
        for row in rows:
            code = key(row)
            if code in by_code:
                by_code[code] = _add_row(by_code[code], row)
            else:
                by_code[code] = row.model_copy(deep=True)
    return [by_code[c] for c in sorted(by_code)]


def _add_row(a: BaseModel, b: BaseModel) -> BaseModel:
    data = {}
    for name in type(a).model_fields:
        x, y = getattr(a, name), getattr(b, name)
        data[name] = x if name in ("code", "name") else x + y
    return type(a).model_validate(data)


def _sum_optional(values: list[Decimal | None]) -> Decimal | None:
    """A sum that is stated only when every part is: an unknown part leaves it unknown."""
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def _table(units: list[Disclosure], key: str) -> Any:
    tables = [getattr(d, key) for d in units]
    cls = type(tables[0])
    data: dict[str, Any] = {}
    for name in cls.model_fields:
        if name == "rows":
            data["rows"] = _sum_rows([t.rows for t in tables])
        else:
            data[name] = _sum_models([getattr(t, name) for t in tables]) if isinstance(
                getattr(tables[0], name), BaseModel
            ) else _sum_plain([getattr(t, name) for t in tables])
    return cls.model_validate(data)


def _sum_plain(values: list[Any]) -> Any:
    total = values[0]
    for v in values[1:]:
        total = _add(total, v)
    return total


# ---------------------------------------------------------------------------- comparisons


def _comparisons(units: list[Disclosure], hints: dict[ModelPath, str]) -> Comparisons:
    c = Comparisons()
    names = [d.unit.name for d in units]
    for name in ("total", "fiscal", "gpb_expense", "fund", "soe"):
        parts = [getattr(d.comparisons, name) for d in units]
        target = getattr(c, name)
        # a unit without this fund in either year need not state its figures: they are 0
        idle = [name in _FUND_TABLES and getattr(d, _FUND_TABLES[name]).is_empty for d in units]
        target.prior = _sum_optional([_zero_if(i, p.prior) for i, p in zip(idle, parts, strict=True)])
        if "budget" in type(target).model_fields:
            target.budget = _sum_optional([_zero_if(i, p.budget) for i, p in zip(idle, parts, strict=True)])
            target.full_budget = _sum_optional(
                [_zero_if(i, p.full_budget) for i, p in zip(idle, parts, strict=True)]
            )
            _hint(hints, ("comparisons", name, "budget_reason"), names, [p.budget_reason for p in parts])
        _hint(hints, ("comparisons", name, "reason"), names, [p.reason for p in parts])
    for part in type(c.sangong).model_fields:
        parts = [getattr(d.comparisons.sangong, part) for d in units]
        target = getattr(c.sangong, part)
        target.prior = _sum_optional([p.prior for p in parts])
        _hint(hints, ("comparisons", "sangong", part, "reason"), names, [p.reason for p in parts])
        _hint(hints, ("comparisons", "sangong", part, "budget_reason"), names, [p.budget_reason for p in parts])
    for list_name in ("gpb_items", "fund_items", "soe_items"):
        by_code: dict[str, list[tuple[str, Any]]] = {}
        for d in units:
            for item in getattr(d.comparisons, list_name):
                by_code.setdefault(item.code, []).append((d.unit.name, item))
        items = []
        for i, code in enumerate(sorted(by_code)):
            entries = by_code[code]
            first = entries[0][1]
            item = first.model_copy(
                update={
                    **{f: _sum_optional([getattr(e, f) for _, e in entries]) for f in ("prior", "budget", "full_budget")},
                    **{f: "" for f in ("reason", "usage", "budget_reason")},
                }
            )
            items.append(item)
            for f in ("reason", "usage", "budget_reason"):
                _hint(
                    hints, ("comparisons", list_name, i, f), [n for n, _ in entries], [getattr(e, f) for _, e in entries]
                )
        setattr(c, list_name, items)
    # 十（一） of a 部门 is its 机关运行经费: the 行政、参公 units' own (a 事业单位's 公用经费 is not
    # part of it); a 部门 of 事业单位 only states its 公用经费, the sum of all
    admin = [d for d in units if d.unit.kind.reports_operating_costs] or units
    c.public_expense.prior = _sum_optional([d.comparisons.public_expense.prior for d in admin])
    _hint(
        hints,
        ("comparisons", "public_expense", "reason"),
        [d.unit.name for d in admin],
        [d.comparisons.public_expense.reason for d in admin],
    )
    return c


_FUND_TABLES = {"fund": "t07", "soe": "t08"}


def _zero_if(idle: bool, value: Decimal | None) -> Decimal | None:
    return Decimal(0) if idle and value is None else value


def _hint(hints: dict[ModelPath, str], path: ModelPath, names: list[str], texts: list[str]) -> None:
    """Each unit's own text for the item, one line per unit that wrote one."""
    lines = [f"{n}：{t.strip()}" for n, t in zip(names, texts, strict=True) if t and t.strip()]
    if lines:
        hints[path] = "各单位填写的原因（供参考，本表不读取批注）：\n" + "\n".join(lines)


# ---------------------------------------------------------------------------- the department


def _unit(name: str, units: list[Disclosure]) -> Unit:
    own = next((d.unit for d in units if d.unit.name == name), None)
    kinds = [d.unit.kind for d in units]
    kind = own.kind if own is not None else (
        UnitKind.ADMINISTRATIVE if UnitKind.ADMINISTRATIVE in kinds else kinds[0]
    )
    staffs = [d.unit.staff for d in units]
    stated = [s for s in staffs if s is not None]
    staff: Staff | None = _sum_models(stated) if len(stated) == len(staffs) else None
    ordered = sorted(units, key=lambda d: d.unit.name != name)  # 本级 first, then as given
    return Unit(
        name=name,
        year=units[0].unit.year,
        kind=kind,
        document=DocumentKind.DEPARTMENT,
        supervisor=own.supervisor if own is not None else "",
        functions=list(own.functions) if own is not None else [],
        staff=staff,
        members=[Member(name=d.unit.name, kind=d.unit.kind) for d in ordered],
        **_bureau_choices(own, units),
    )


def _bureau_choices(own: Unit | None, units: list[Disclosure]) -> dict[str, Any]:
    """The format and wording choices of the department: those of 本级 (the bureau's own
    workbook); without 本级, a choice all units share, else none (the format's default)."""
    out: dict[str, Any] = {}
    for choice in ("style", *WORDING_FIELDS):
        if own is not None:
            out[choice] = getattr(own, choice)
            continue
        values = {getattr(d.unit, choice) for d in units}
        if len(values) == 1:
            out[choice] = values.pop()
    return out


def consolidate(name: str, inputs: list[UnitInput]) -> Consolidation:
    """The department ``name`` summed from its units (already loaded and accepted)."""
    units = [u.disclosure for u in inputs]
    hints: dict[ModelPath, str] = {}
    names = [d.unit.name for d in units]
    data: dict[str, Any] = {"unit": _unit(name, units)}
    for key in ("t01", "t04", "t09"):
        data[key] = _sum_models([getattr(d, key) for d in units])
    for key in ("t02", "t03", "t05", "t07", "t08", "t06"):
        data[key] = _table(units, key)
    data["comparisons"] = _comparisons(units, hints)
    details = _sum_models([d.sangong for d in units], skip=_text_fields(type(units[0].sangong)))
    data["sangong"] = details
    data["procurement"] = _sum_models([d.procurement for d in units])
    assets = _sum_models([_stated_vehicles(d.assets) for d in units], skip=("other_vehicle_description",))
    data["assets"] = assets
    figures = [derive(d).performance for d in units]
    perf = type(units[0].performance)(
        project_count=sum(f.count for f in figures),
        full_budget=sum((f.full_budget for f in figures), Decimal(0)),
        executed=sum((f.executed for f in figures), Decimal(0)),
        projects=[p.model_copy(deep=True) for d in units for p in d.performance.projects],
        **_performance_counts([d.performance for d in units]),
    )
    data["performance"] = perf
    admin = [d for d in units if d.unit.kind.reports_operating_costs]
    # a unit's own 机关运行经费 (stated, or its 06表 公用经费合计); none without 行政、参公 units
    data["operating_costs"] = (
        _sum_optional([operating_costs(d) for d in admin]) if admin else None
    )
    data["preparer_notes"] = "本工作簿由以下单位的工作簿汇总生成：" + "、".join(names) + "。原因和说明文字请主管部门填写（批注中是各单位填写的内容）。"
    for path in _HINT_TEXTS:
        texts = [_get(d, path) for d in units]
        _hint(hints, path, names, texts)
        if path in hints:
            hints[path] = hints[path].replace("各单位填写的原因", "各单位填写的内容")
    return Consolidation(Disclosure.model_validate(data), hints, inputs)


#: The 绩效 summary figures summed over the units (stated only when every unit states them).
_PERFORMANCE_SUMS = (
    "target_count", "target_amount", "tracked_count", "tracked_amount", "self_count", "self_amount",
    "grade_excellent", "grade_good", "grade_pass", "grade_fail", "issues_found", "issues_fixed", "issues_fixing",
)


def _performance_counts(perfs: list[Any]) -> dict[str, Any]:
    """The summed 绩效 counts and amounts; the 平均得分 is the units' averages weighted by their
    自评 project counts (known only when every unit states both)."""
    out: dict[str, Any] = {name: _sum_optional([getattr(p, name) for p in perfs]) for name in _PERFORMANCE_SUMS}
    scores = [(p.average_score, p.self_count) for p in perfs]
    count = sum(n or 0 for _, n in scores)
    if count and all(s is not None and n is not None for s, n in scores):
        weighted = sum((s * n for s, n in scores if s is not None and n is not None), Decimal(0))
        out["average_score"] = (weighted / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return out


def _stated_vehicles(assets: Any) -> Any:
    """A unit's 资产 with its 车辆 categories complete: once any category is stated, a blank one
    is 0 (they split the unit's 车辆合计), so that the units' categories add up."""
    v = assets.vehicles
    if all(getattr(v, n) is None for n in type(v).model_fields):
        return assets
    full = {n: getattr(v, n) or 0 for n in type(v).model_fields}
    return assets.model_copy(update={"vehicles": type(v).model_validate(full)})


def _text_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(n for n, info in cls.model_fields.items() if info.annotation is str)


def _get(d: Disclosure, path: ModelPath) -> str:
    obj: Any = d
    for part in path:
        obj = getattr(obj, str(part))
    return obj or ""
