"""Year-keyed classification data: 科目 codes and names, economic items, table titles and notes.

One TOML file per reporting year lives in ``generator/years/``.  A new year needs a new data
file, not a release.  A file may hold a whole year, or name the year it is ``based_on`` and
list only its ``[[changes]]`` — each change naming its ``source`` (the published 政府收支分类科目
of that year or that year's 公开表 templates).  A year without its own file uses the latest
earlier one, and says so (:attr:`YearData.fallback_note`, reported as a 提示).

A bureau can supply its own ``<年度>.toml`` files in a folder (``--year-data DIR``): a file there
takes precedence over the built-in one of the same year.  Every file is validated; a bad one
stops the run with a message naming the file and the key.
"""

from __future__ import annotations

import datetime
import os
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from generator.errors import JuesuanError

YEARS_DIR = Path(__file__).parent / "years"
YEAR_DIR_ENV = "JUESUAN_YEAR_DATA"
"""Environment variable holding the ``--year-data`` folder (so batch worker processes see it)."""

TABLE_KEYS = ("t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09")


@dataclass(frozen=True)
class EconClass:
    """An economic classification 类 (e.g. 301 工资福利支出) with its 款 items."""

    code: str
    name: str
    group: str  # "personnel" (人员经费) or "public" (公用经费)
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TableInfo:
    """Printed identity of one 公开表."""

    key: str
    code: str
    title: str
    note: str
    empty_note: str = ""


@dataclass(frozen=True)
class Change:
    """A difference of a year's data from the year before, with its source."""

    code: str
    action: str  # "rename", "add" or "remove"
    name: str
    source: str
    old_name: str = ""


@dataclass(frozen=True)
class YearData:
    """Everything about a reporting year that is data rather than code."""

    year: int
    source_year: int
    function_classes: tuple[tuple[str, str], ...]
    """The 类 printed in the expense columns of 公开01表 and 公开04表, in order."""
    subjects: dict[str, str]
    econ_classes: tuple[EconClass, ...]
    tables: dict[str, TableInfo] = field(default_factory=dict)
    other_classes: tuple[tuple[str, str], ...] = ()
    """类 of the classification that the unit tables do not print (e.g. 209 社会保险基金支出)."""
    changes: tuple[Change, ...] = ()
    """How this year's data differs from the year it is based on."""
    path: str = ""

    @cached_property
    def class_names(self) -> dict[str, str]:
        return dict(self.function_classes + self.other_classes)

    def subject_name(self, code: str) -> str | None:
        """Name of a 功能分类 科目 (类/款/项) known for this year."""
        return self.class_names.get(code) or self.subjects.get(code)

    @cached_property
    def all_subjects(self) -> dict[str, str]:
        """Every known 功能分类 code (类, 款, 项) → name."""
        return {**self.class_names, **self.subjects}

    @property
    def fallback_note(self) -> str:
        """The 提示 for a year that uses another year's data (``""`` when it has its own)."""
        if self.source_year == self.year:
            return ""
        return (
            f"{self.year} 年度没有自己的分类科目数据，沿用 {self.source_year} 年度的数据"
            f"（科目编码、名称和表样）；如有变化，请在 --year-data 指定的文件夹中提供 {self.year}.toml"
        )

    @cached_property
    def econ_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for cls in self.econ_classes:
            names[cls.code] = cls.name
            names.update(dict(cls.items))
        return names

    def econ_group(self, code: str) -> str | None:
        """``personnel`` or ``public`` for an economic code (类 or 款)."""
        for cls in self.econ_classes:
            if code[:3] == cls.code:
                return cls.group
        return None


# ---------------------------------------------------------------------------- where the files are


def use_year_dir(path: Path | None) -> None:
    """Use ``path``'s ``<年度>.toml`` files before the built-in ones (``None``: built-in only)."""
    if path is None:
        os.environ.pop(YEAR_DIR_ENV, None)
    else:
        path = Path(path)
        if not path.is_dir():
            raise JuesuanError(f"--year-data：{path} 不是文件夹（应为存放 <年度>.toml 的文件夹）")
        os.environ[YEAR_DIR_ENV] = str(path.resolve())
    load_year.cache_clear()
    _load_file.cache_clear()


def _dirs() -> list[Path]:
    extra = os.environ.get(YEAR_DIR_ENV)
    return ([Path(extra)] if extra else []) + [YEARS_DIR]


def _file_of(year: int) -> Path | None:
    for d in _dirs():
        p = d / f"{year}.toml"
        if p.is_file():
            return p
    return None


def available_years() -> list[int]:
    years: set[int] = set()
    for d in _dirs():
        years.update(int(p.stem) for p in d.glob("*.toml") if p.stem.isdigit())
    return sorted(years)


def default_year() -> int:
    """The year a blank workbook is for: last calendar year (whose 决算 is published now),
    within the years that have data or fall back to them."""
    years = available_years()
    wanted = datetime.date.today().year - 1
    return max(wanted, years[0]) if years else wanted


# ---------------------------------------------------------------------------- validation


class _Bad(Exception):
    def __init__(self, key: str, what: str):
        super().__init__(key, what)
        self.key, self.what = key, what


def _text(raw: Any, key: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad(key, "应为非空的文字")
    return raw.strip()


def _code(raw: Any, key: str, lengths: tuple[int, ...]) -> str:
    text = _text(raw, key)
    if not text.isdigit() or len(text) not in lengths:
        raise _Bad(key, f"应为 {'、'.join(map(str, lengths))} 位数字的科目编码，实为“{text}”")
    return text


def _table_of(raw: Any, key: str) -> dict:
    if not isinstance(raw, dict):
        raise _Bad(key, "应为一个表（[…] 段）")
    return raw


def _list_of(raw: Any, key: str) -> list:
    if not isinstance(raw, list):
        raise _Bad(key, "应为一个列表")
    return raw


def _known_keys(raw: dict, key: str, allowed: set[str]) -> None:
    for k in raw:
        if k not in allowed:
            where = f"{key}.{k}" if key else k
            raise _Bad(where, f"不是可用的键（可用：{'、'.join(sorted(allowed))}）")


_TOP_KEYS = {
    "year", "based_on", "sources", "unchanged", "function_classes", "other_classes",
    "subjects", "econ_classes", "tables", "changes",
}  # fmt: skip


def _classes(raw: Any, key: str) -> list[tuple[str, str]]:
    out = []
    for i, c in enumerate(_list_of(raw, key)):
        k = f"{key}[{i}]"
        c = _table_of(c, k)
        _known_keys(c, k, {"code", "name"})
        out.append((_code(c.get("code"), f"{k}.code", (3,)), _text(c.get("name"), f"{k}.name")))
    return out


def _parse(raw: dict, year: int) -> dict[str, Any]:
    """The validated content of one file (before ``based_on`` is resolved)."""
    _known_keys(raw, "", _TOP_KEYS)
    if "year" in raw and raw["year"] != year:
        raise _Bad("year", f"应为 {year}（与文件名一致），实为 {raw['year']!r}")
    out: dict[str, Any] = {}
    if "based_on" in raw:
        base = raw["based_on"]
        if not isinstance(base, int) or isinstance(base, bool) or base >= year:
            raise _Bad("based_on", f"应为早于 {year} 的年度（整数），实为 {base!r}")
        out["based_on"] = base
    if "function_classes" in raw:
        out["function_classes"] = _classes(raw["function_classes"], "function_classes")
    if "other_classes" in raw:
        out["other_classes"] = _classes(raw["other_classes"], "other_classes")
    if "subjects" in raw:
        subjects = {}
        for code, name in _table_of(raw["subjects"], "subjects").items():
            subjects[_code(code, f"subjects.{code}", (5, 7))] = _text(name, f"subjects.{code}")
        out["subjects"] = subjects
    if "econ_classes" in raw:
        econ = []
        for i, c in enumerate(_list_of(raw["econ_classes"], "econ_classes")):
            k = f"econ_classes[{i}]"
            c = _table_of(c, k)
            _known_keys(c, k, {"code", "name", "group", "items"})
            group = c.get("group")
            if group not in ("personnel", "public"):
                raise _Bad(f"{k}.group", f"应为 personnel（人员经费）或 public（公用经费），实为 {group!r}")
            items = []
            for j, item in enumerate(_list_of(c.get("items", []), f"{k}.items")):
                ik = f"{k}.items[{j}]"
                if not isinstance(item, list) or len(item) != 2:
                    raise _Bad(ik, "应为 [编码, 名称]")
                items.append((_code(item[0], ik, (5,)), _text(item[1], ik)))
            econ.append(
                EconClass(_code(c.get("code"), f"{k}.code", (3,)), _text(c.get("name"), f"{k}.name"), group,
                          tuple(items))
            )
        out["econ_classes"] = econ
    if "tables" in raw:
        tables = {}
        for key, t in _table_of(raw["tables"], "tables").items():
            k = f"tables.{key}"
            if key not in TABLE_KEYS:
                raise _Bad(k, f"不是公开表的键（应为 {'、'.join(TABLE_KEYS)}）")
            t = _table_of(t, k)
            _known_keys(t, k, {"code", "title", "note", "empty_note"})
            tables[key] = TableInfo(
                key,
                _text(t.get("code"), f"{k}.code"),
                _text(t.get("title"), f"{k}.title"),
                _text(t.get("note"), f"{k}.note"),
                t.get("empty_note", "") if isinstance(t.get("empty_note", ""), str) else "",
            )
        out["tables"] = tables
    changes = []
    for i, c in enumerate(_list_of(raw.get("changes", []), "changes")):
        k = f"changes[{i}]"
        c = _table_of(c, k)
        _known_keys(c, k, {"code", "action", "name", "old_name", "source"})
        action = c.get("action")
        if action not in ("rename", "add", "remove"):
            raise _Bad(f"{k}.action", f"应为 rename、add 或 remove，实为 {action!r}")
        code = _code(c.get("code"), f"{k}.code", (3, 5, 7))
        name = _text(c.get("name"), f"{k}.name") if action != "remove" else str(c.get("name", ""))
        source = _text(c.get("source"), f"{k}.source")  # every difference names its source
        changes.append(Change(code, action, name, source, str(c.get("old_name", ""))))
    out["changes"] = changes
    if "based_on" not in out:
        for needed in ("function_classes", "econ_classes", "tables"):
            if needed not in out:
                raise _Bad(needed, "缺少此项（不以其他年度为基础的数据文件须完整给出）")
        missing = [k for k in TABLE_KEYS if k not in out["tables"]]
        if missing:
            raise _Bad(f"tables.{missing[0]}", "缺少此公开表")
    return out


@cache
def _load_file(path: Path, year: int) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise JuesuanError(f"年度数据文件 {path} 无法读取：{exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise JuesuanError(f"年度数据文件 {path} 不是 UTF-8 编码的文本") from None
    except tomllib.TOMLDecodeError as exc:
        raise JuesuanError(f"年度数据文件 {path} 不是有效的 TOML：{exc}") from exc
    try:
        return _parse(raw, year)
    except _Bad as bad:
        raise JuesuanError(f"年度数据文件 {path}：{bad.key} {bad.what}") from None


def _apply(base: YearData, own: dict[str, Any], year: int, path: Path) -> YearData:
    """``base`` with ``own``'s sections and changes applied."""
    printed = list(own.get("function_classes", base.function_classes))
    other = list(own.get("other_classes", base.other_classes))
    subjects = dict(base.subjects)
    subjects.update(own.get("subjects", {}))
    for ch in own["changes"]:
        if len(ch.code) == 3:
            lists = (printed, other)
            hit = [(lst, i) for lst in lists for i, (c, _) in enumerate(lst) if c == ch.code]
            if ch.action == "remove":
                for lst, i in hit:
                    del lst[i]
            elif hit:
                lst, i = hit[0]
                lst[i] = (ch.code, ch.name)
            else:
                printed.append((ch.code, ch.name))
        elif ch.action == "remove":
            subjects.pop(ch.code, None)
        else:
            subjects[ch.code] = ch.name
    return YearData(
        year=year,
        source_year=year,
        function_classes=tuple(printed),
        subjects=subjects,
        econ_classes=tuple(own.get("econ_classes", base.econ_classes)),
        tables={**base.tables, **own.get("tables", {})},
        other_classes=tuple(other),
        changes=tuple(own["changes"]),
        path=str(path),
    )


def _year_of_file(year: int, seen: tuple[int, ...] = ()) -> YearData:
    path = _file_of(year)
    assert path is not None
    own = _load_file(path, year)
    if "based_on" in own:
        base_year = own["based_on"]
        if _file_of(base_year) is None:
            raise JuesuanError(f"年度数据文件 {path}：based_on 所指的 {base_year} 年度没有数据文件")
        if base_year in seen:
            raise JuesuanError(f"年度数据文件 {path}：based_on 形成循环")
        base = _year_of_file(base_year, (*seen, year))
    else:
        base = YearData(year, year, (), {}, (), {})
    return _apply(base, own, year, path)


@cache
def load_year(year: int) -> YearData:
    """The data for ``year``, or the latest earlier year's when that year has no file
    (``source_year`` then names that year and :attr:`YearData.fallback_note` says so)."""
    years = [y for y in available_years() if y <= year]
    if not years:
        raise JuesuanError(
            f"没有 {year} 年度及以前的分类科目数据（现有：{'、'.join(map(str, available_years()))}）"
        )
    data = _year_of_file(years[-1])
    if years[-1] != year:
        from dataclasses import replace

        data = replace(data, year=year)
    return data


def subject_differences(old: YearData, new: YearData) -> list[str]:
    """The 功能分类 科目 whose code or name differs between two years' data, one line each
    (with the source the newer year's file names for the change)."""
    a, b = old.all_subjects, new.all_subjects
    sources = {c.code: c.source for c in new.changes}
    lines = []
    for code in sorted(set(a) | set(b)):
        if code in a and code not in b:
            line = f"{code} {a[code]}：{new.year} 年度数据中已没有此科目"
        elif code in b and code not in a:
            line = f"{code} {b[code]}：{new.year} 年度新增的科目"
        elif a[code] != b[code]:
            line = f"{code}：名称由“{a[code]}”改为“{b[code]}”"
        else:
            continue
        lines.append(f"{line}（依据：{sources[code]}）" if code in sources else line)
    return lines
