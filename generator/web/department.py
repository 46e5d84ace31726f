"""部门汇总工作簿 in the server: the current submissions of a year's units, consolidated.

The bureau picks a year and names its department; every unit whose current (latest) submission
of that year has no 错误 is summed by :mod:`generator.consolidate` into the department's standard
workbook, exactly as ``juesuan-gen --consolidate`` does.  A unit is left out — and the page and
the API say why, in Chinese — when it has not submitted, its current version has 错误 or cannot
be read, is still being checked, is itself a 部门决算 workbook, or is another year's.

:func:`plan` decides from what the database knows and, for the 决算类别, a look at each chosen
workbook's 单位信息 sheet (so the page lists a 部门决算 workbook as left out before anything is
built); :func:`build` reads the
chosen workbooks again, re-checks them (a rule added since the upload counts) and writes the
department's workbook.  ``build`` takes and returns only plain values, so that it can run in a
worker process off the server's event loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: A stored submission of one unit: (单位名称 as the server knows it, submission id, file path).
Picked = tuple[str, int, str]


@dataclass
class Plan:
    picked: list[Picked]
    left_out: list[dict[str, Any]]  # {"unit", "submission", "reason"}


def reason_left_out(sub: Any, year: int) -> str:
    """Why a unit's current submission (or its absence) cannot be summed; "" when it can."""
    if sub is None:
        return f"未提交 {year} 年度的工作簿"
    if sub.status == "unreadable":
        return f"当前版本（提交 #{sub.id}）无法读取：{(sub.message or '文件不是标准工作簿').splitlines()[0]}"
    if sub.status == "errors" or sub.errors:
        return f"当前版本（提交 #{sub.id}）检查有 {sub.errors} 条错误，改正后重新上传才能汇总"
    if sub.result is None:
        return f"当前版本（提交 #{sub.id}）尚在检查中，请稍后再汇总"
    return ""


def plan(rows: list[dict[str, Any]], year: int, path_of) -> Plan:
    """``rows``: the bureau's unit rows (``unit``, ``latest``) of ``year``; ``path_of``: stored name → path."""
    from generator.model import DocumentKind
    from generator.workbook.peek import peek_unit_document

    picked: list[Picked] = []
    left_out: list[dict[str, Any]] = []
    for r in rows:
        sub = r["latest"]
        why = reason_left_out(sub, year)
        path = str(path_of(sub.stored)) if sub is not None and not why else ""
        if not why:
            # Only the 单位信息 sheet is looked at (read-only); build() reads the whole input again.
            peeked = peek_unit_document(Path(path))
            if peeked is not None and peeked[2] == DocumentKind.DEPARTMENT.value:
                why = f"当前版本（提交 #{sub.id}）已是部门决算工作簿，只汇总单位决算工作簿"
        if why:
            left_out.append({"unit": r["unit"].name, "submission": sub.id if sub else None, "reason": why})
        else:
            picked.append((r["unit"].name, sub.id, path))
    return Plan(picked, left_out)


def suggested_name(paths: list[str]) -> str:
    """The 主管部门 most of the units name in their 单位信息 (a sensible default for the department)."""
    names = Counter(s for s in (peek_unit_text(Path(p), "supervisor") for p in paths) if s)
    return names.most_common(1)[0][0] if names else ""


def peek_unit_text(path: Path, field: str) -> str:
    """A text of a standard workbook's 单位信息 sheet (``field`` of the model's Unit, e.g. the
    主管部门 or the 公开格式) or of a JSON input, read quickly ("" when not found)."""
    from generator.workbook.peek import peek_unit_fields

    found = (peek_unit_fields(path, (field,)) or {}).get(field)
    return "" if found is None else str(found).strip()


class NothingToConsolidate(Exception):
    """No unit of the year can be summed; ``left_out`` says why for each."""

    def __init__(self, left_out: list[dict[str, Any]]):
        super().__init__(left_out)
        self.left_out = left_out


def nothing_message(year: int, left_out: list[dict[str, Any]]) -> str:
    why = "；".join(f"{x['unit']}：{x['reason']}" for x in left_out) or "还没有单位"
    return f"{year} 年度没有可以汇总的单位（{why}）"


def build(name: str, year: int, picked: list[Picked], target: str) -> dict[str, Any]:
    """Consolidate ``picked`` into the department ``name``'s workbook at ``target``.

    Returns ``{"units": [{"unit", "submission"}], "left_out": [{"unit", "submission", "reason"}],
    "members": [单位名称…]}``; raises :class:`NothingToConsolidate` when no unit remains."""
    from generator.checks import run_checks
    from generator.consolidate import UnitInput, consolidate
    from generator.errors import JuesuanError, Severity
    from generator.inputs import load_input
    from generator.workbook import write_template

    inputs: list[UnitInput] = []
    used: list[dict[str, Any]] = []
    left_out: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for unit, sid, path in picked:
        def leave(reason: str) -> None:
            left_out.append({"unit": unit, "submission": sid, "reason": reason})

        try:
            loaded = load_input(Path(path))
        except JuesuanError as exc:
            leave(f"当前版本（提交 #{sid}）无法读取：{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")
            continue
        d = loaded.disclosure
        if d.unit.is_department:
            leave(f"当前版本（提交 #{sid}）已是部门决算工作簿，只汇总单位决算工作簿")
            continue
        if d.unit.year != year:
            leave(f"当前版本（提交 #{sid}）是 {d.unit.year} 年度的工作簿，不是 {year} 年度")
            continue
        errors = [f for f in run_checks(d, loaded.sources) if f.severity is Severity.ERROR]
        if errors:
            leave(f"当前版本（提交 #{sid}）检查有 {len(errors)} 条错误（如：{errors[0].message}），改正后重新上传才能汇总")
            continue
        if d.unit.name in seen:
            leave(f"工作簿中的单位名称“{d.unit.name}”与“{seen[d.unit.name]}”的相同，同一单位只汇总一次")
            continue
        seen[d.unit.name] = unit
        inputs.append(UnitInput(Path(path), d))
        used.append({"unit": unit, "submission": sid})
    if not inputs:
        raise NothingToConsolidate(left_out)
    result = consolidate(name, inputs)
    write_template(Path(target), result.disclosure, hints=result.hints)
    return {"units": used, "left_out": left_out, "members": [m.name for m in result.disclosure.unit.members]}


def workbook_name(name: str, year: int) -> str:
    """The download name: the department's name made safe for a file name (as the documents' are)."""
    from generator.pipeline import safe_stem

    tail = f"{year}年度部门决算工作簿（汇总）.xlsx"
    return safe_stem(name, 240 - len(tail.encode())) + tail
