"""The shells of the nine 公开表 as a format prints them: ``templates/formats/<格式>/tables.toml``.

One :class:`TableSpec` per 公开表: the 表号 line, the ``单位：…`` line, the 金额单位, the 注 and the
empty-table statement (worded from the year data's texts, :mod:`generator.yeardata`), whether the
header ends with a 栏次 row, whether amounts carry thousands separators, and whether the table
stands on a landscape page; a format may also set the tables' column widths (``widths``).  The table builder
(:mod:`generator.tables`) reads them; a format changes its tables here, not in code.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator.errors import RenderError
from generator.formats import format_dir
from generator.yeardata import TableInfo

TABLE_KEYS = tuple(f"t0{i}" for i in range(1, 10))
_TEXT_KEYS = ("code", "unit_label", "money_unit", "note", "empty_note")
_FLAG_KEYS = ("column_numbers", "thousands", "total_first", "blank_zero", "full_shell", "landscape")
_PLACES = {"code", "title", "note", "empty_note", "unit"}
_OPTIONAL = {"total_first": True, "blank_zero": True, "full_shell": False}  # flags a tables.toml may leave out, and their value then
_FULL_SHELL_TABLES = ("t06",)  # the tables whose full shell (every 款 of the year) a format may print
UNIT_PLACE = "{unit}"
"""Where a text of tables.toml names the unit; filled by the table builder with the unit's name."""


@dataclass(frozen=True)
class TableSpec:
    """How one 公开表 is printed in a format (texts already filled from the year data)."""

    key: str
    code: str
    title: str
    unit_label: str
    money_unit: str
    note: str
    empty_note: str
    column_numbers: bool
    thousands: bool
    total_first: bool = True  # the 合计 row of a 科目 table above its rows (False: below)
    blank_zero: bool = True  # a zero amount printed blank (False: 0.00)
    full_shell: bool = False  # 06表: every 类 and 款 of the year's economic classification, not only those with figures
    landscape: bool = False  # printed on a landscape page (False: an upright one)
    widths: tuple[float, ...] = ()  # the columns' relative widths (empty: the table builder's own)

    def column_widths(self, own: list[float]) -> list[float]:
        """The widths of the table's columns: the format's (``widths``) if it sets them, else
        the table builder's ``own``; a format's list must have one width per column."""
        if not self.widths:
            return own
        if len(self.widths) != len(own):
            raise RenderError(f"表样文件中 [{self.key}] 的 widths 有 {len(self.widths)} 个数，{self.title}有 {len(own)} 栏")
        return list(self.widths)


@dataclass(frozen=True)
class _Shell:
    """One table's declarations as written in tables.toml (templates of the texts)."""

    texts: dict[str, str]
    flags: dict[str, bool]
    widths: tuple[float, ...] = ()


@cache
def _read(path: Path) -> dict[str, _Shell]:
    """The shells declared by one tables.toml, checked on reading (read once per process)."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RenderError(f"表样文件 {path} 无法读取：{exc}") from exc
    defaults = data.get("defaults", {})
    problems = [f"[{k}]" for k in data if k != "defaults" and k not in TABLE_KEYS]
    shells: dict[str, _Shell] = {}
    for key in TABLE_KEYS:
        merged = {**defaults, **data.get(key, {})}
        problems += [f"[{key}] {name}" for name in merged if name not in (*_TEXT_KEYS, *_FLAG_KEYS, "widths")]
        widths = merged.get("widths", [])
        if not (
            isinstance(widths, list)
            and all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0 for w in widths)
        ):
            problems.append(f"[{key}] widths 应为正数的列表（各栏的相对宽度）")
            widths = []
        problems += [
            f"[{key}] 缺少 {name}" for name in (*_TEXT_KEYS, *_FLAG_KEYS) if name not in merged and name not in _OPTIONAL
        ]
        problems += [
            f"[{key}] {name} 应为 true 或 false" for name in _FLAG_KEYS if not isinstance(merged.get(name, True), bool)
        ]
        if merged.get("full_shell") and key not in _FULL_SHELL_TABLES:
            problems.append(f"[{key}] full_shell 只用于 {'、'.join(_FULL_SHELL_TABLES)}")
        for name in _TEXT_KEYS:
            value = merged.get(name, "")
            if not isinstance(value, str):
                problems.append(f"[{key}] {name} 应为文字")
                continue
            used = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
            problems += [f"[{key}] {name} 中的 {{{u}}}" for u in sorted(used - _PLACES)]
        shells[key] = _Shell(
            {n: merged.get(n, "") for n in _TEXT_KEYS if isinstance(merged.get(n, ""), str)},
            {n: bool(merged.get(n, _OPTIONAL.get(n, True))) for n in _FLAG_KEYS},
            tuple(float(w) for w in widths),
        )
    if problems:
        raise RenderError(f"表样文件 {path} 有不认识或不完整的设置：{'；'.join(problems)}")
    return shells


def table_spec(key: str, info: TableInfo, style: str | None = None) -> TableSpec:
    """The shell of 公开表 ``key`` in format ``style`` (default format when None), its texts
    filled from the year data's ``info``.  ``{unit}`` (the unit's name) stays in the texts:
    the table builder fills it in (:data:`UNIT_PLACE`)."""
    shell = _read(format_dir(style) / "tables.toml")[key]
    values = {
        "code": info.code, "title": info.title, "note": info.note, "empty_note": info.empty_note, "unit": UNIT_PLACE,
    }
    texts = {name: template.format(**values) for name, template in shell.texts.items()}
    return TableSpec(
        key=key,
        code=texts["code"],
        title=info.title,
        unit_label=texts["unit_label"],
        money_unit=texts["money_unit"],
        note=texts["note"],
        empty_note=texts["empty_note"],
        column_numbers=shell.flags["column_numbers"],
        thousands=shell.flags["thousands"],
        total_first=shell.flags["total_first"],
        blank_zero=shell.flags["blank_zero"],
        full_shell=shell.flags["full_shell"],
        landscape=shell.flags["landscape"],
        widths=shell.widths,
    )
