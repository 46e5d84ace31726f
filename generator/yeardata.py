"""Year-keyed classification data: 科目 codes and names, economic items, table titles and notes.

One TOML file per reporting year lives in ``generator/years/``.  A new year needs a new data
file, not a release.  A year without its own file uses the latest earlier one (and says so).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from generator.errors import JuesuanError

YEARS_DIR = Path(__file__).parent / "years"


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
class YearData:
    """Everything about a reporting year that is data rather than code."""

    year: int
    source_year: int
    function_classes: tuple[tuple[str, str], ...]
    subjects: dict[str, str]
    econ_classes: tuple[EconClass, ...]
    tables: dict[str, TableInfo] = field(default_factory=dict)

    @cached_property
    def class_names(self) -> dict[str, str]:
        return dict(self.function_classes)

    def subject_name(self, code: str) -> str | None:
        """Name of a 功能分类 科目 (类/款/项) known for this year."""
        return self.class_names.get(code) or self.subjects.get(code)

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


def available_years() -> list[int]:
    return sorted(int(p.stem) for p in YEARS_DIR.glob("*.toml") if p.stem.isdigit())


@cache
def load_year(year: int) -> YearData:
    """The data for ``year``, or the latest earlier year's when that year has no file."""
    years = [y for y in available_years() if y <= year]
    if not years:
        raise JuesuanError(
            f"没有 {year} 年度及以前的分类科目数据（generator/years/ 下现有：{available_years()}）"
        )
    source = years[-1]
    path = YEARS_DIR / f"{source}.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise JuesuanError(f"年度数据文件 {path} 无法读取：{exc}") from exc
    return YearData(
        year=year,
        source_year=source,
        function_classes=tuple((c["code"], c["name"]) for c in raw["function_classes"]),
        subjects=dict(raw.get("subjects", {})),
        econ_classes=tuple(
            EconClass(c["code"], c["name"], c["group"], tuple((i[0], i[1]) for i in c["items"]))
            for c in raw["econ_classes"]
        ),
        tables={
            key: TableInfo(key, t["code"], t["title"], t["note"], t.get("empty_note", ""))
            for key, t in raw["tables"].items()
        },
    )
