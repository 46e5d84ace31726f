"""Read a filled workbook into raw model data, tolerant of how the tables got there.

Tables are found by their titles inside any sheet (sheet names are only the first guess),
columns by their header labels (merged, multi-level, shifted right or down), rows by
科目编码 (one column — ``2010601``, ``201 06 01``, ``201.06.01`` — or split 类/款/项) or by
label (公开01/04表).  Blank cells are zero, numbers stored as text are accepted, and a sheet
or workbook declaring ``金额单位：元`` is converted to 万元 exactly (÷10000).

Every value read is recorded in a :class:`~generator.source.SourceMap` (model path → cell),
so validation and checks can name the cell.  Problems in the data (text in a number cell,
a formula without a calculated value, a missing table, a row without 科目编码) become
:class:`~generator.errors.Finding` values; all of them are collected before anything stops.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from dataclasses import dataclass, field

from pathlib import Path
from typing import Any, NamedTuple

from generator.errors import Finding, InputUnreadable, Severity
from generator.numbers import (
    AMOUNT_FLOOR,
    AMOUNT_LIMIT,
    AMOUNT_LIMIT_EXP,
    BLANK_MARKS,
    COUNT_LIMIT,
    NumberRefused,
    accept,
    is_error_value,
    parse_text,
)
from generator.source import SourceMap
from generator.workbook import spec
from generator.workbook.grid import Book, Sheet, col_letter, open_book
from generator.workbook.lookups import SHEET_CALC
from generator.yeardata import YearData, available_years, load_year

_UNIT_RE = re.compile(r"金额单位\s*[：:]\s*(万元|元)")
_UNIT_ONLY_RE = re.compile(r"^[（(]?\s*单位\s*[：:]\s*(万元|元)\s*[）)]?$")
_TITLE_PREFIX_RE = re.compile(r"^.*\d{4}年度?(?:单位|部门)?$")
_CODE_LABEL_RE = re.compile(r"^公开(\d{2})表$")
_TITLE_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")
_HEADER_UNIT_RE = re.compile(r"^(编制单位|单位名称|单位|部门)\s*[：:]\s*(.*)$", re.DOTALL)
_UNIT_TAIL_RE = re.compile(r"\s{2,}|\u3000|金额单位|单位\s*[：:]|\n")

_YEAR_TEXT_RE = re.compile(r"^\s*(\d{4})\s*年?度?\s*$", re.ASCII)
_YEAR_DIGITS = str.maketrans("０１２３４５６７８９\u3000", "0123456789 ")

Path_ = spec.ModelPath


def _numberish(value: Any) -> bool:
    """A text cell holding a number (``"1,234.56"``), as amounts stored as text are."""
    if not isinstance(value, str):
        return False
    try:
        return parse_text(value) is not None
    except NumberRefused:
        return False


_NUMERIC_CHARS_RE = re.compile(r"^[\d\s,.，．()（）+\-－%eE]+$")


def _wordy(value: Any) -> bool:
    """Text that is no attempt at a number (a name, a label): what a shifted paste puts
    into an amount column."""
    return (
        isinstance(value, str)
        and not is_error_value(value)
        and not _NUMERIC_CHARS_RE.match(value.strip())
        and value.strip() not in BLANK_MARKS
    )


def _one_line(text: str) -> str:
    """A name typed with line breaks (Alt+Enter to fit a narrow cell) on one line: the lines
    joined directly between Chinese characters, with a space between Latin words."""
    out = ""
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        if out and out[-1].isascii() and line[0].isascii():
            out += " "
        out += line
    return out


def _is_zero(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


class _Bad:
    """Marker for a cell that could not be read (a finding was recorded)."""


BAD = _Bad()


@dataclass
class WorkbookData:
    """What :func:`read_workbook` returns: raw model data (dicts/lists of Decimal, int and
    str, amounts in 万元), the cells they came from, and the reading findings."""

    raw: dict[str, Any]
    sources: SourceMap
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Region:
    """Where one table stands: a sheet and the rows from its title to the next table."""

    key: str
    sheet: Sheet
    top: int
    bottom: int
    title_col: int = 1
    unit: str | None = None  # "元"/"万元" declared by the table itself
    # where the reader expects the body: its first row, the label columns (科目名称 or
    # 项目), the first column of the table and what that column holds (for messages)
    body: int | None = None
    label_cols: list[int] = field(default_factory=list)
    first_col: int = 1
    first_what: str = "科目编码"


def _set(raw: dict[str, Any], path: Path_, value: Any) -> None:
    obj: Any = raw
    for part, nxt in itertools.pairwise(path):
        if isinstance(obj, list):
            index = int(part)
            while len(obj) <= index:
                obj.append({})
            obj = obj[index]
            continue
        if part not in obj:
            obj[part] = [] if isinstance(nxt, int) else {}
        obj = obj[part]
    last = path[-1]
    if isinstance(obj, list):
        last = int(last)
        while len(obj) <= last:
            obj.append(None)
    obj[last] = value


class _TwoSides(NamedTuple):
    """A table of two sides (收入 | 支出) found on its sheet."""

    sheet: Sheet
    table: str  # the table's code, 公开01表
    unit: str | None  # of its amounts
    top: int  # its header's first row
    paths: dict[int, list[str]]  # column → header path
    body: list[int]  # its rows
    sides: list[tuple[int, int]]  # each side's first and last column


class WorkbookReader:
    """Reads one :class:`Book`; see :func:`read_workbook`."""

    def __init__(self, book: Book):
        # the hidden sheet of lookup formulas behind 对比与原因 holds no data of the unit
        self.book = Book(book.path, [x for x in book.sheets if x.name != SHEET_CALC], book.fmt)
        self.raw: dict[str, Any] = {}
        self.sources = SourceMap(origin=str(book.path))
        self.findings: list[Finding] = []
        self.unit = "万元"
        self.unit_name = ""  # normalised, to accept titles like "<单位>收入支出决算总表"
        self.unit_name_shown = ""
        self.supervisor_name = ""
        self.year: int | None = None
        self.yd: YearData = load_year(max(available_years()))
        self.regions: dict[str, Region] = {}
        self._rows_cache: dict[str, dict[int, list[tuple[int, Any]]]] = {}
        # (sheet, row, col, text) of each text found where a number belongs: a table with
        # many of them is reported once as shifted (see :meth:`_shifted_columns`)
        self._text_in_number: list[tuple[str, int, int, str]] = []

    # -- findings and cells ------------------------------------------------------------

    def error(self, rule: str, message: str, *cells: str) -> None:
        finding = Finding(Severity.ERROR, rule, message, tuple(cells))
        if finding not in self.findings:  # a cell read twice is reported once
            self.findings.append(finding)

    def errors_in(self, sheet: Sheet, row: int, cols: Any) -> bool:
        """Report every error value (``#REF!``…) among ``cols`` of ``row``; True if any."""
        found = False
        for c in cols:
            if c is not None and is_error_value(sheet.get(row, c)):
                self.error_value(sheet, row, c)
                found = True
        return found

    def warn(self, rule: str, message: str, *cells: str) -> None:
        self.findings.append(Finding(Severity.WARNING, rule, message, tuple(cells)))

    def rows_of(self, sheet: Sheet) -> dict[int, list[tuple[int, Any]]]:
        if sheet.name not in self._rows_cache:
            self._rows_cache[sheet.name] = sheet.rows_index()
        return self._rows_cache[sheet.name]

    def cell(self, sheet: Sheet, row: int, col: int) -> Any:
        """A cell's value; a formula without cached value or a spreadsheet error value
        (``#NAME?``…) is reported and read as BAD."""
        value = sheet.get(row, col)
        if value is None and sheet.is_formula(row, col):
            addr = sheet.addr(row, col)
            self.error(
                "input.formula",
                f"{addr}：公式没有计算结果（文件由程序生成后未在 Excel/WPS 中保存过）。"
                "请用 Excel 或 WPS 打开此文件并保存，使公式算出数值后再读取",
                addr,
            )
            return BAD
        if is_error_value(value):
            self.error_value(sheet, row, col)
            return BAD
        return value

    def error_value(self, sheet: Sheet, row: int, col: int) -> None:
        """Report the error value (``#NAME?``…) at (row, col)."""
        addr = sheet.addr(row, col)
        what = "公式" if sheet.is_formula(row, col) else "单元格"
        self.error(
            "input.error_value",
            f"{addr}：{what}的值是错误值“{str(sheet.get(row, col)).strip()}”，不能读作数字或文字。"
            "请改正公式或引用（或直接填写数值/文字）",
            addr,
        )

    def number(
        self, sheet: Sheet, row: int, col: int, kind: str, unit: str | None = None, label: str = ""
    ) -> Any:
        """The cell as a number for a field of ``kind``: Decimal (money converted from 元),
        int for counts, ``None`` when blank, BAD after a finding.  The rules are those of
        :func:`generator.numbers.accept` (exact, bounded, no booleans or error values)."""
        value = self.cell(sheet, row, col)
        if value is None:
            self._merged_away(sheet, row, col)
        if value is BAD or value is None:
            return value
        try:
            return accept(value, kind, unit or self.unit)
        except NumberRefused as exc:
            addr = sheet.addr(row, col)
            rule = "input.integer" if exc.detail.startswith("应为整数") else "input.number"
            self.error(rule, f"{addr}：{label}{exc.detail}", addr)
            if rule == "input.number" and _wordy(value):
                self._text_in_number.append((sheet.name, row, col, value))
            return BAD

    def _merged_away(self, sheet: Sheet, row: int, col: int) -> None:
        """A number cell covered by a merge (not its top-left cell) reads as blank: Excel kept
        only the top-left value when the cells were merged.  Warned once per merge, at the
        cell, since a figure may have been lost (the sums then show where)."""
        rng = sheet.merge_of(row, col)
        if rng is None or (row, col) == (rng[0], rng[1]):
            return
        first, last = sheet.addr(rng[0], rng[1]), sheet.addr(rng[2], rng[3])
        addr = sheet.addr(row, col)
        if any(f.rule == "input.merged" and first in f.cells for f in self.findings):
            return
        self.warn(
            "input.merged",
            f"{addr}：金额单元格被合并（{first}:{last.split('!')[1]}），合并后只保留左上角 {first.split('!')[1]} 的数，"
            f"{addr.split('!')[1]} 按空白（0）读取。请取消合并，逐格填写",
            addr,
            first,
        )

    def text(self, sheet: Sheet, row: int, col: int) -> Any:
        value = self.cell(sheet, row, col)
        if value is BAD:
            return BAD
        return spec.clean_text(value)

    def put(self, path: Path_, value: Any, place: str) -> None:
        """Record where ``path`` came from and store ``value`` unless blank or BAD."""
        self.sources.record(path, place)
        if value is None or value is BAD:
            return
        _set(self.raw, path, value)

    def read_field(self, path: Path_, sheet: Sheet, row: int, col: int, unit: str | None = None) -> Any:
        """Read one cell into the model field at ``path`` (kind from the model)."""
        found = spec.resolve(path)
        assert found is not None, path
        kind = spec.field_kind(*found)
        if path == ("unit", "year") and isinstance(sheet.get(row, col), str):
            value = self.year_number(sheet, row, col, kind.title)
        elif kind.kind in ("money", "signed_money", "decimal", "count", "int"):
            value = self.number(sheet, row, col, kind.kind, unit, label=f"“{kind.title}”")
        else:
            value = self.cell(sheet, row, col)
            if value is not BAD:
                if (kind.max_length or 0) >= 1000 and isinstance(value, str):
                    # long texts keep their own line breaks and spacing
                    value = value.replace("\r\n", "\n") if value.strip() else ""
                else:
                    value = spec.clean_text(value)
                    if (kind.max_length or 1000) <= 100 and "\n" in value:
                        value = _one_line(value)
            if value == "":
                value = None
            if kind.kind == "enum" and isinstance(value, str):
                value = spec.enum_choice(*found, value)
        self.put(path, value, sheet.addr(row, col))
        return value

    def year_number(self, sheet: Sheet, row: int, col: int, label: str) -> Any:
        """The 年度 cell written as text: ``2024年``, ``2024年度`` and ``２０２４`` are the year
        2024; anything else is read as a number (and refused with its reason)."""
        match = _YEAR_TEXT_RE.match(str(sheet.get(row, col)).translate(_YEAR_DIGITS))
        if match:
            return int(match[1])
        return self.number(sheet, row, col, "int", label=f"“{label}”")

    # -- the whole book ----------------------------------------------------------------

    def read(self) -> WorkbookData:
        if not any(s.cells or s.formulas for s in self.book.sheets):
            self.error("input.empty", f"{self.book.path}：工作簿是空的（所有工作表都没有内容）")
            return WorkbookData(self.raw, self.sources, self.findings)
        self.read_money_unit_and_year()
        self.locate_tables()
        self.read_form(spec.UNIT_FORM, required=True)
        self.read_guide()
        readers = {
            "t01": self.read_t01,
            "t04": self.read_t04,
            "t06": self.read_t06,
            "t09": self.read_t09,
        }
        for key in spec.TABLE_KEYS:
            region = self.regions.get(key)
            info = self.yd.tables[key]
            if region is None:
                self.error(
                    "input.missing_table",
                    f"未找到{info.code}《{info.title}》：工作簿中没有这个表的标题（可能被删除、改名或粘贴时漏掉了标题行）",
                )
                continue
            self.sources.record((key,), region.sheet.addr(region.top, region.title_col))
            before = len(self.findings)
            readers.get(key, self.read_row_table)(region)
            self._shifted_columns(region, before)
        self.read_compare()
        for form in (spec.SANGONG_FORM, spec.ASSETS_FORM, spec.PERF_FORM):
            self.read_form(form)
        self.read_projects()
        return WorkbookData(self.raw, self.sources, self.findings)

    # -- 金额单位 and 年度 ---------------------------------------------------------------

    def find_label(self, sheet: Sheet, label: str, start_row: int = 1) -> tuple[int, int] | None:
        target = spec.norm(label)
        for r in sorted(self.rows_of(sheet)):
            if r < start_row:
                continue
            for c, v in self.rows_of(sheet)[r]:
                if isinstance(v, str) and spec.norm(v) == target:
                    return r, c
        return None

    def form_sheet(self, form: spec.Form) -> Sheet | None:
        sheet = self.book.sheet(form.sheet)
        labels = {spec.norm(i.label) for s in form.sections for i in s.items}
        if sheet is not None and self._count_labels(sheet, labels):
            return sheet
        best, best_count = None, 0
        for s in self.book.sheets:
            count = self._count_labels(s, labels)
            if count > best_count:
                best, best_count = s, count
        return best if best_count >= max(2, len(labels) // 3) else None

    def _count_labels(self, sheet: Sheet, labels: set[str]) -> int:
        return sum(1 for v in sheet.cells.values() if isinstance(v, str) and spec.norm(v) in labels)

    def value_col(self, sheet: Sheet, row: int, col: int) -> int:
        rng = sheet.merge_of(row, col)
        return (rng[3] if rng else col) + 1

    def read_money_unit_and_year(self) -> None:
        sheet = self.form_sheet(spec.UNIT_FORM)
        if sheet is None:
            return
        pos = self.find_label(sheet, spec.MONEY_UNIT_LABEL)
        if pos is not None:
            col = self.value_col(sheet, *pos)
            value = self.cell(sheet, pos[0], col)
            text = spec.norm(value) if value is not BAD else ""
            if text in ("", "万元"):
                self.unit = "万元"
            elif text == "元":
                self.unit = "元"
            else:
                addr = sheet.addr(pos[0], col)
                self.error("input.money_unit", f"{addr}：金额单位应为“万元”或“元”，实为“{value}”", addr)
        pos = self.find_label(sheet, spec.title_of(("unit", "name")))
        if pos is not None:
            value = sheet.get(pos[0], self.value_col(sheet, *pos))
            self.unit_name = "" if is_error_value(value) else spec.norm(value)
            self.unit_name_shown = spec.clean_text(value) if self.unit_name else ""
        pos = self.find_label(sheet, spec.title_of(("unit", "supervisor")))
        if pos is not None:
            value = sheet.get(pos[0], self.value_col(sheet, *pos))
            self.supervisor_name = "" if is_error_value(value) else spec.norm(value)
        pos = self.find_label(sheet, spec.title_of(("unit", "year")))
        if pos is not None:
            value = sheet.get(pos[0], self.value_col(sheet, *pos))
            match = _YEAR_TEXT_RE.match(value.translate(_YEAR_DIGITS)) if isinstance(value, str) else None
            try:
                accepted = int(match[1]) if match else accept(value, "int")
            except NumberRefused:
                return
            if accepted is None:
                return
            year = int(accepted)
            self.year = year
            if 2000 <= year <= 2100 and any(y <= year for y in available_years()):
                self.yd = load_year(year)

    # -- forms -------------------------------------------------------------------------

    def read_form(self, form: spec.Form, required: bool = False) -> None:
        sheet = self.form_sheet(form)
        first_item = form.sections[0].items[0].path
        if sheet is None:
            rule, message = "input.missing_sheet", f"未找到“{form.sheet}”表（{form.title}）"
            if required:
                self.error(
                    rule,
                    message + "：单位名称等必须填写的内容无法读取。请使用标准工作簿，"
                    "把导出的公开表粘贴到其中对应的工作表",
                )
            else:
                self.warn(rule, message + "，其中各项按空白处理")
            self.sources.record(first_item[:1], form.sheet)
            return
        self.sources.record(first_item[:1], sheet.name)
        for section in form.sections:
            for item in section.items:
                if item.path == (spec.MONEY_UNIT_LABEL,):
                    continue
                pos = self.find_label(sheet, item.label)
                if pos is None and item.path in spec.LATER_ITEMS:
                    continue
                if pos is None:
                    if item.path not in spec.ROWS_ADDED_LATER:
                        self.warn("input.missing_label", f"“{sheet.name}”表中没有“{item.label}”一行，按空白处理")
                    continue
                self.read_field(item.path, sheet, pos[0], self.value_col(sheet, *pos))
        stop_labels = {spec.norm(i.label) for s in form.sections for i in s.items}
        stop_labels |= {spec.norm(label) for _, label, _ in form.lists}
        stop_labels |= {spec.norm(s.heading) for s in form.sections}
        for path, label, _ in form.lists:
            pos = self.find_label(sheet, label)
            if pos is None:
                continue
            r0, c0 = pos
            if spec.list_model(path) is not None:
                self.read_record_list(sheet, path, r0, c0, stop_labels)
                continue
            col = self.value_col(sheet, r0, c0)
            values: list[str] = []
            rows = self.rows_of(sheet)
            for r in range(r0 + 1, sheet.max_row + 1):
                head = sheet.get(r, c0)
                if isinstance(head, str) and spec.norm(head) in stop_labels:
                    break
                text = self.text(sheet, r, col)
                if text is BAD or not text or r not in rows:
                    continue
                self.sources.record((*path, len(values)), sheet.addr(r, col))
                values.append(text)
            self.sources.record(path, sheet.addr(r0, c0))
            self.raw_set_list(path, values)

    def read_record_list(self, sheet: Sheet, path: Path_, r0: int, c0: int, stop_labels: set[str]) -> None:
        """A list of records under its label: a header row of field titles, then one record a row
        (rows with every field blank are skipped)."""
        model = spec.list_model(path)
        assert model is not None
        self.sources.record(path, sheet.addr(r0, c0))
        titles = {spec.norm(info.title or name): name for name, info in model.model_fields.items()}
        rows = self.rows_of(sheet)
        head = r0 + 1
        cols = {
            titles[spec.norm(v)]: c for c, v in rows.get(head, []) if isinstance(v, str) and spec.norm(v) in titles
        }
        if not cols:
            return
        index = 0
        for r in range(head + 1, sheet.max_row + 1):
            first = sheet.get(r, c0)
            if isinstance(first, str) and spec.norm(first) in stop_labels:
                break
            if r not in rows or all(self.cell(sheet, r, c) in (None, "", BAD) for c in cols.values()):
                continue
            for name, c in cols.items():
                self.read_field((*path, index, name), sheet, r, c)
            index += 1

    def raw_set_list(self, path: Path_, values: list[Any]) -> None:
        if values:
            _set(self.raw, path, values)

    def read_guide(self) -> None:
        for sheet in [self.book.sheet(spec.SHEET_GUIDE), *self.book.sheets]:
            if sheet is None:
                continue
            pos = self.find_label(sheet, spec.PREPARER_LABEL)
            if pos is not None:
                self.read_field(("preparer_notes",), sheet, pos[0], self.value_col(sheet, *pos))
                return

    # -- locating tables ---------------------------------------------------------------

    def _title_key(self, text: str) -> str | None:
        """Which table a title cell names (longest title the text ends with)."""
        t = spec.norm(text)
        if not t or len(t) > 80 or not t.endswith(("表", "）")):
            return None
        best: tuple[int, str] | None = None
        for key in spec.TABLE_KEYS:
            info = self.yd.tables[key]
            for title in (info.title, *spec.TITLE_ALIASES.get(key, ())):
                nt = spec.norm(title)
                if t.endswith("（" + info.code + "）"):
                    t = t[: -len(info.code) - 2]
                if not t.endswith(nt):
                    continue
                prefix = t[: t.rindex(nt)]
                if prefix and not (
                    _TITLE_PREFIX_RE.match(prefix)
                    or prefix.endswith(info.code)
                    or (self.unit_name and prefix == self.unit_name)
                ):
                    continue
                if best is None or len(nt) > best[0]:
                    best = (len(nt), key)
        return best[1] if best else None

    def locate_tables(self) -> None:
        found: dict[str, list[tuple[Sheet, int, int]]] = {}
        codes: dict[str, list[tuple[Sheet, int, int]]] = {}
        starts: dict[str, list[int]] = {}
        for sheet in self.book.sheets:
            for (r, c), v in sorted(sheet.cells.items()):
                if not isinstance(v, str):
                    continue
                key = self._title_key(v)
                if key is not None:
                    found.setdefault(key, []).append((sheet, r, c))
                    starts.setdefault(sheet.name, []).append(r)
                    continue
                m = _CODE_LABEL_RE.match(spec.norm(v))
                if m and f"t{m.group(1)}" in spec.TABLE_KEYS:
                    codes.setdefault(f"t{m.group(1)}", []).append((sheet, r, c))

        def bottom_of(sheet: Sheet, r: int) -> int:
            later = [x for x in starts.get(sheet.name, []) if x > r]
            return min(later) - 1 if later else sheet.max_row

        def numbers(sheet: Sheet, top: int, bottom: int) -> int:
            return sum(
                1
                for (r, _), v in sheet.cells.items()
                if top < r <= bottom
                and (
                    isinstance(v, (int, float))
                    and not isinstance(v, bool)
                    and v not in range(30)
                    or _numberish(v)
                )
            )

        for key in spec.TABLE_KEYS:
            code = self.yd.tables[key].code
            hits = found.get(key, [])
            # a table pasted below the template's own empty copy: take the copy with figures,
            # then the one on the sheet named after the table, then the first
            chosen = max(
                hits,
                key=lambda h: (
                    numbers(h[0], h[1], bottom_of(h[0], h[1])) > 0,
                    h[0].name == code,
                    -self.book.sheets.index(h[0]),
                    -h[1],
                ),
                default=None,
            )
            if chosen is None:
                # fall back: the 表号 cell, or a sheet of that name
                hits = codes.get(key, [])
                chosen = next((h for h in hits if h[0].name == code), None) or (hits[0] if hits else None)
                if chosen is not None:
                    sheet, r, c = chosen
                    chosen = (sheet, max(1, r - 1), c)
                else:
                    named = self.book.sheet(code)
                    if named is None or not named.cells:
                        continue
                    chosen = (named, 1, 1)
            self._different_copies(key, chosen, hits, bottom_of)
            sheet, r, c = chosen
            region = Region(key, sheet, r, bottom_of(sheet, r), c)
            region.unit = self._declared_unit(sheet, r, region.bottom)
            self._check_header_lines(region)
            self.regions[key] = region

    def _different_copies(
        self,
        key: str,
        chosen: tuple[Sheet, int, int],
        hits: list[tuple[Sheet, int, int]],
        bottom_of: Any,
    ) -> None:
        """Two copies of one table with different figures (a sheet copied as “公开05表 (2)”
        and one of them edited, or last year's table kept in the workbook): which is meant
        cannot be known, so neither is taken silently — an error naming both titles.
        Identical copies are harmless and read once."""

        def figures(hit: tuple[Sheet, int, int]) -> list[Decimal]:
            sheet, top, _ = hit
            bottom = bottom_of(sheet, top)
            out = []
            for (r, _c), v in sheet.cells.items():
                if not top < r <= bottom or isinstance(v, bool):
                    continue
                try:
                    number = accept(v, "signed_money") if isinstance(v, (int, float, str)) else None
                except NumberRefused:
                    continue
                if number is not None and not (isinstance(v, int) and 0 < v < 30):  # 栏次 1, 2, 3…
                    out.append(Decimal(number))
            return sorted(out)

        mine = figures(chosen)
        if not mine:
            return
        others = [h for h in hits if h is not chosen and figures(h) and figures(h) != mine]
        if not others:
            return
        info = self.yd.tables[key]
        places = [h[0].addr(h[1], h[2]) for h in (chosen, *others)]
        self.error(
            "input.duplicate_table",
            f"{info.code}《{info.title}》在工作簿中出现了 {len(places)} 次，数字不同（标题在 "
            f"{'、'.join(places)}）：无法确定以哪一张为准。请删除多余的表或工作表（如复制出的“{chosen[0].name} (2)”），"
            "只保留本年的一张后再检查",
            *places,
        )

    def _check_header_lines(self, region: Region) -> None:
        """A pasted table's own lines must be this unit's and this year's: a unit name in
        “单位：/编制单位：/部门：” that differs from 单位信息 is an error, a year in the title
        that differs from 年度 a warning (formula cells, which repeat 单位信息, are skipped)."""
        sheet, info = region.sheet, self.yd.tables[region.key]
        rows = self.rows_of(sheet)
        title = sheet.get(region.top, region.title_col)
        if isinstance(title, str) and self.year is not None and not sheet.is_formula(region.top, region.title_col):
            m = _TITLE_YEAR_RE.search(title.replace(" ", ""))
            if m and int(m.group(1)) != self.year:
                addr = sheet.addr(region.top, region.title_col)
                self.warn(
                    "input.header_year",
                    f"{addr}：{info.code}标题中的年度“{m.group(1)}年”与“单位信息”中的年度 {self.year} 不一致，"
                    "可能粘贴了其他年度的表，请核对",
                    addr,
                )
        if not self.unit_name:
            return
        for r in range(region.top, min(region.bottom, region.top + 6) + 1):
            for c, v in rows.get(r, []):
                if not isinstance(v, str) or sheet.is_formula(r, c):
                    continue
                m = _HEADER_UNIT_RE.match(v.strip())
                if not m:
                    continue
                name = _UNIT_TAIL_RE.split(m.group(2).strip())[0].strip()
                if not name or name in ("万元", "元"):
                    continue
                known = {self.unit_name} | ({self.supervisor_name} if m.group(1) == "部门" else set())
                if spec.norm(name) not in known - {""}:
                    addr = sheet.addr(r, c)
                    self.error(
                        "input.header_unit",
                        f"{addr}：{info.code}表头的{m.group(1)}“{name}”与“单位信息”中的单位名称"
                        f"“{self.unit_name_shown}”不一致，可能粘贴了其他单位的表",
                        addr,
                    )

    def _declared_unit(self, sheet: Sheet, top: int, bottom: int) -> str | None:
        """``元``/``万元`` when the table's own lines say so (formula cells excluded: the
        template's unit line repeats the workbook declaration)."""
        rows = self.rows_of(sheet)
        for r in range(top, min(bottom, top + 8) + 1):
            for c, v in rows.get(r, []):
                if not isinstance(v, str) or sheet.is_formula(r, c):
                    continue
                text = v.replace(" ", "").replace("\u3000", "")
                m = _UNIT_RE.search(text) or _UNIT_ONLY_RE.match(text)
                if m:
                    return m.group(1)
        return None

    # -- header analysis ---------------------------------------------------------------

    def header_paths(self, sheet: Sheet, rows: list[int], c_from: int, c_to: int) -> dict[int, list[str]]:
        """Column → header labels top to bottom (merged ranges spread, normalised)."""
        grid: dict[tuple[int, int], str] = {}
        for r in rows:
            for c in range(c_from, c_to + 1):
                v = sheet.get_merged(r, c)
                grid[(r, c)] = (
                    spec.norm(v) if isinstance(v, (str, int, float)) and not isinstance(v, bool) else ""
                )
        # A blank unmerged cell belongs to the group on its left when its column has a
        # label further down and the groups above it are the same: a merged header cell
        # that was unmerged keeps its label in its first cell only (as Excel does).
        for i, r in enumerate(rows):
            for c in range(c_from + 1, c_to + 1):
                if (
                    grid[(r, c)] == ""
                    and sheet.merge_of(r, c) is None
                    and grid[(r, c - 1)]
                    and any(grid[(below, c)] for below in rows[i + 1 :])
                    and all(grid[(above, c)] == grid[(above, c - 1)] for above in rows[:i])
                ):
                    grid[(r, c)] = grid[(r, c - 1)]
        paths: dict[int, list[str]] = {}
        for c in range(c_from, c_to + 1):
            path: list[str] = []
            for r in rows:
                t = grid[(r, c)]
                if t and (not path or path[-1] != t):
                    path.append(t)
            paths[c] = path
        return paths

    @staticmethod
    def leaf(path: list[str]) -> str:
        for t in reversed(path):
            if t not in spec.GENERIC_LEAVES:
                return t
        return path[-1] if path else ""

    def _is_lanci(self, sheet: Sheet, r: int) -> bool:
        """A 栏次 row: labelled 栏次/行次, or (公开09表 as published) only the column numbers
        1, 2, 3 … in order, as text or numbers."""
        cells = self.rows_of(sheet).get(r, [])
        if any(isinstance(v, str) and spec.norm(v) in ("栏次", "行次") for _, v in cells):
            return True
        numbers = [
            str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()
            for _, v in cells
            if v is not None and str(v).strip()
        ]
        return len(numbers) >= 3 and numbers == [str(i) for i in range(1, len(numbers) + 1)]

    def _is_note(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        t = spec.norm(value)
        return t.startswith(("注：", "说明：", "注")) and len(t) > 3 and not t.startswith("注册")

    # -- 科目 tables (02/03/05/07/08) ----------------------------------------------------

    def _code_of_row(
        self, sheet: Sheet, r: int, code_cols: list[tuple[int, int | None]], previous: str
    ) -> tuple[str, str]:
        """(code, raw text) of row r.  ``code_cols``: (col, part) with part None for a
        whole-code column or 0/1/2 for 类/款/项 columns."""
        if not code_cols:
            return "", ""
        if len(code_cols) == 1 and code_cols[0][1] is None:
            v = sheet.get(r, code_cols[0][0])
            return spec.code_text(v), spec.clean_text(v)
        parts: list[str] = ["", "", ""]
        raw = []
        for col, part in code_cols:
            v = sheet.get(r, col)
            raw.append(spec.clean_text(v))
            digits = spec.code_text(v)
            if not digits:
                continue
            if part is None:
                return digits, " ".join(raw)
            if len(digits) in (3, 5, 7) and part == 0:
                parts[0] = digits
            elif len(digits) == 5 and part == 1:
                parts[0], parts[1] = digits[:3], digits[3:]
            elif len(digits) == 7 and part == 2:
                return digits, " ".join(raw)
            else:
                parts[part] = digits.zfill(2 if part else 3)
        if not any(parts):
            return "", " ".join(x for x in raw if x)
        if len(parts[0]) > 3:
            return parts[0], " ".join(raw)
        # the reporting software may print only the 款/项 part below its 类 row
        if not parts[0] and previous:
            parts[0] = previous[:3]
            if not parts[1] and parts[2] and len(previous) >= 5:
                parts[1] = previous[3:5]
        code = parts[0] + (parts[1] if parts[1] else "") + (parts[2] if parts[1] and parts[2] else "")
        return code, " ".join(x for x in raw if x)

    def _label_area(self, sheet: Sheet, header_row: int, region: Region) -> tuple[int, int]:
        """Columns of the 项目 part (科目编码 … 科目名称) from the header rows: the first
        one and those below it up to the 栏次 row or the first body row (a header whose
        merged 项目 cell was unmerged names the columns only in the row below)."""
        first, last = None, None
        rows = self.rows_of(sheet)
        for r in range(header_row, min(header_row + 3, region.bottom) + 1):
            cells = rows.get(r, [])
            if r > header_row and (
                self._is_lanci(sheet, r)
                or any(
                    isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
                    or _numberish(v)
                    for _, v in cells
                )
            ):
                break
            for c, v in cells:
                t = spec.norm(v) if isinstance(v, str) else ""
                if (
                    t in spec.ITEM_HEADERS
                    or t in spec.CODE_HEADERS
                    or t in spec.NAME_HEADERS
                    or t in spec.CODE_PART_HEADERS
                    or t.startswith("科目编码")
                    or t.endswith("科目编码")
                ):
                    rng = sheet.merge_of(r, c)
                    end = rng[3] if rng else c
                    first = c if first is None else min(first, c)
                    last = end if last is None else max(last, end)
        if first is None or last is None:
            return 0, 0
        return first, last

    def _find_header_top(self, region: Region, keys: set[str]) -> int | None:
        rows = self.rows_of(region.sheet)
        for r in range(region.top, region.bottom + 1):
            for _, v in rows.get(r, []):
                if isinstance(v, str) and spec.norm(v) in keys:
                    return r
        return None

    def _header_top(self, region: Region, keys: set[str], named: str, col: int = 1) -> int | None:
        """The first header row (one with a cell of ``keys``) of the table in ``region``; None,
        reported as the header ``named`` not found, when there is none."""
        top = self._find_header_top(region, keys)
        if top is None:
            sheet = region.sheet
            self.error(
                "input.header",
                f"{sheet.name}：{self.yd.tables[region.key].code}找不到表头（{named}）",
                sheet.addr(region.top, col),
            )
        return top

    def read_row_table(self, region: Region) -> None:
        key = region.key
        table = spec.ROW_TABLES[key]
        sheet = region.sheet
        info = self.yd.tables[key]
        header_keys = set(spec.ITEM_HEADERS | spec.CODE_HEADERS | spec.NAME_HEADERS)
        top = self._header_top(region, header_keys, "“项目”“科目编码”“科目名称”", region.title_col)
        if top is None:
            return
        lab_first, lab_last = self._label_area(sheet, top, region)
        rows = self.rows_of(sheet)
        body = None
        for r in range(top + 1, region.bottom + 1):
            if self._is_lanci(sheet, r):
                continue
            cells = [(c, v) for c, v in rows.get(r, []) if lab_first <= c <= lab_last]
            if any(isinstance(v, str) and spec.norm(v) in spec.TOTAL_LABELS for _, v in cells):
                body = r
                break
            if cells and (
                len(spec.code_text(cells[0][1])) in (3, 5, 7)
                or isinstance(cells[0][1], str)
                and spec.split_code_name(cells[0][1])
            ):
                body = r
                break
        if body is None:
            # no 合计 row and no 科目编码 where the header puts them (a paste one column off):
            # the body starts at the first row holding an amount below the 栏次 row
            lanci = [r for r in range(top + 1, region.bottom + 1) if self._is_lanci(sheet, r)]
            body = next(
                (
                    r
                    for r in range(top + 1, region.bottom + 1)
                    if (not lanci or r > lanci[0])
                    and not self._is_lanci(sheet, r)
                    and any(
                        isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) or _numberish(v)
                        for _, v in rows.get(r, [])
                    )
                ),
                region.bottom + 1,
            )
        header_rows = [r for r in range(top, body) if not self._is_lanci(sheet, r)]
        max_col = max(
            (c for r in range(top, min(body + 40, region.bottom) + 1) for c, _ in rows.get(r, [])),
            default=lab_last,
        )
        max_col = max(max_col, max((rng[3] for rng in sheet.merged if top <= rng[0] < body), default=0))
        paths = self.header_paths(sheet, header_rows, lab_first, max_col)
        # label columns
        code_cols: list[tuple[int, int | None]] = []
        name_col = None
        for c in range(lab_first, lab_last + 1):
            p = paths.get(c, [])
            leaf = p[-1] if p else ""
            if leaf in spec.NAME_HEADERS:
                name_col = c
            elif leaf in spec.CODE_PART_HEADERS:
                code_cols.append((c, spec.CODE_PART_HEADERS[leaf]))
            elif any(t in spec.CODE_HEADERS or t.endswith("科目编码") for t in p):
                code_cols.append((c, None))
        if name_col is None:
            name_col = lab_last
            if not code_cols and lab_last > lab_first:
                code_cols = [(c, None) for c in range(lab_first, lab_last)]
        region.body, region.label_cols, region.first_col = body, [name_col], lab_first
        region.first_what = "科目编码" if lab_first < name_col else "科目名称"
        code_cols = [(c, p) for c, p in code_cols if c != name_col]
        if len(code_cols) > 1 and all(p is None for _, p in code_cols):
            code_cols = [(c, i) for i, (c, _) in enumerate(code_cols[:3])]
        # amount columns
        col_of: dict[str, int] = {}
        for c in range(lab_last + 1, max_col + 1):
            p = paths.get(c, [])
            if not p:
                continue
            leaf = self.leaf(p)
            for col in table.cols:
                if col.field in col_of:
                    continue
                if leaf in col.leaves and (not col.group or spec.norm(col.group) in p or leaf != "合计"):
                    col_of[col.field] = c
                    break
        for col in table.cols:
            if col.field not in col_of:
                self.error(
                    "input.column",
                    f"{sheet.name}：{info.code}中找不到“{col.header if not col.group else col.group + col.header}”列",
                    sheet.addr(top, lab_first),
                )
        unit = region.unit or self.unit
        out_rows: list[dict[str, Any]] = []
        totals_done = False
        previous = ""
        for r in range(body, region.bottom + 1):
            if r not in rows or self._is_lanci(sheet, r):
                continue
            label_cells = [(c, v) for c, v in rows[r] if lab_first <= c <= lab_last]
            if any(self._is_note(v) for _, v in rows[r][:1]):
                break
            is_total = any(isinstance(v, str) and spec.norm(v) in spec.TOTAL_LABELS for _, v in label_cells)
            if is_total:
                if totals_done:
                    self.warn(
                        "input.duplicate_total",
                        f"{sheet.addr(r, lab_first)}：{info.code}有多个“合计”行，只读取第一个",
                        sheet.addr(r, lab_first),
                    )
                    continue
                totals_done = True
                self.sources.record((key, "totals"), sheet.addr(r, lab_first))
                for fname, c in col_of.items():
                    self.read_field((key, "totals", fname), sheet, r, c, unit)
                continue
            if self.errors_in(sheet, r, [c for c, _ in code_cols]):
                continue
            code, code_raw = self._code_of_row(sheet, r, code_cols, previous)
            name_v = self.text(sheet, r, name_col)
            name = "" if name_v is BAD else name_v
            if not code and name:
                split = spec.split_code_name(name)
                if split:
                    code, name = split
            name = name.strip().lstrip("　 ")
            has_amount = any(sheet.get(r, c) is not None or sheet.is_formula(r, c) for c in col_of.values())
            code_place = sheet.addr(r, code_cols[0][0] if code_cols else name_col)
            if not code:
                if code_raw:
                    self.error("input.code", f"{code_place}：科目编码“{code_raw}”不是数字编码", code_place)
                elif has_amount:
                    self.error(
                        "input.code",
                        f"{code_place}：这一行填了金额但没有科目编码（科目名称：“{name}”）",
                        code_place,
                    )
                continue
            if len(code) not in (3, 5, 7):
                self.error(
                    "input.code",
                    f"{code_place}：科目编码“{code_raw or code}”应为3位（类）、5位（款）或7位（项）数字",
                    code_place,
                )
                continue
            previous = code
            i = len(out_rows)
            base = (key, "rows", i)
            row: dict[str, Any] = {"code": code, "name": name or (self.yd.subject_name(code) or "")}
            out_rows.append(row)
            self.sources.record(base, code_place)
            self.sources.record((*base, "code"), code_place)
            self.sources.record((*base, "name"), sheet.addr(r, name_col))
            _set(self.raw, base, row)
            for fname, c in col_of.items():
                self.read_field((*base, fname), sheet, r, c, unit)
        if not totals_done:
            self.warn(
                "input.total_row",
                f"{sheet.name}：{info.code}没有“合计”行，合计按0读取",
                sheet.addr(region.top, region.title_col),
            )
        if not out_rows:
            self.raw.setdefault(key, {}).setdefault("rows", [])

    # -- a table pasted one column off ---------------------------------------------------

    def _expect(self, region: Region, body: list[int], sides: list[tuple[int, int]]) -> None:
        """公开01/04表: the body and its 项目 columns, for :meth:`_shifted_columns`."""
        region.body = body[0] if body else None
        region.label_cols = [first for first, _ in sides[:2]]
        region.first_col, region.first_what = sides[0][0], "项目"

    def _shifted_columns(self, region: Region, before: int) -> None:
        """When the labels (科目名称, 项目) of most body rows stand the same number of
        columns off where the header puts them, the table was pasted one column off:
        say so once, with where to paste, instead of one finding per cell."""
        if region.body is None or not region.label_cols:
            return
        sheet = region.sheet
        rows = self.rows_of(sheet)
        offsets: list[int] = []
        example: tuple[int, int, Any] | None = None
        for r in range(region.body, region.bottom + 1):
            cells = rows.get(r, [])
            if not cells or self._is_lanci(sheet, r):
                continue
            if self._is_note(cells[0][1]):
                break
            words = [
                (c, v)
                for c, v in cells
                if _wordy(v) and spec.norm(v) not in spec.TOTAL_LABELS and not self._is_note(v)
            ]
            if not words:
                continue
            c = words[0][0]
            offset = min((c - n for n in region.label_cols), key=abs)
            offsets.append(offset)
            if offset and example is None:
                example = (r, c, words[0][1])
        if len(offsets) < 2:
            return
        k, times = max(((x, offsets.count(x)) for x in set(offsets)), key=lambda t: t[1])
        if k == 0 or times * 5 < len(offsets) * 3:  # the same offset on at least 60% of the rows
            return
        assert example is not None
        info = self.yd.tables[region.key]
        table = info.code if sheet.name == info.code else f"{info.code}（工作表“{sheet.name}”）"
        r, c, v = example
        shown = f"{col_letter(c)}{r}“{str(v).strip()[:20]}”"
        if k > 0:
            what = f"金额列中出现文字（如 {shown}）"
        else:
            what = f"文字出现在表头所示位置左边 {-k} 列（如 {shown}）"
        keep = [
            f
            for f in self.findings[before:]
            if f.rule not in ("input.number", "input.integer", "input.code") or not self._in_body(f, region)
        ]
        dropped = len(self.findings) - before - len(keep)
        del self.findings[before:]
        self.findings.extend(keep)
        place = sheet.addr(region.body, region.first_col)
        self.error(
            "input.shifted",
            f"{table}：{what}，可能整表粘贴时向{'右' if k > 0 else '左'}错位了 {abs(k)} 列"
            f"（{region.first_what}应在 {col_letter(region.first_col)} 列）。"
            f"请从 {place.split('!')[1]} 单元格开始重新粘贴"
            + (f"；因此读不出的 {dropped} 个单元格不再逐一列出" if dropped else ""),
            place,
        )

    @staticmethod
    def _in_body(finding: Finding, region: Region) -> bool:
        for cell in finding.cells:
            sheet_name, _, ref = cell.rpartition("!")
            m = re.match(r"^[A-Z]+(\d+)$", ref)
            if (sheet_name == region.sheet.name and m and region.body is not None
                    and region.body <= int(m.group(1)) <= region.bottom):
                return True
        return False

    # -- 公开01/04表 ---------------------------------------------------------------------

    def _sides(self, region: Region) -> tuple[int, list[int], list[tuple[int, int]]] | None:
        """(项目 header row, header rows, [(label col, last col)] per side)."""
        sheet = region.sheet
        top = self._find_header_top(region, {"项目"})
        if top is None:
            return None
        item_cols = [c for c, v in self.rows_of(sheet)[top] if isinstance(v, str) and spec.norm(v) == "项目"]
        rows = [top]
        above = top - 1
        if above >= region.top and any(
            isinstance(v, str) and spec.norm(v) in ("收入", "支出")
            for _, v in self.rows_of(sheet).get(above, [])
        ):
            rows.insert(0, above)
        max_col = max(
            (c for r in range(top, region.bottom + 1) for c, _ in self.rows_of(sheet).get(r, [])),
            default=item_cols[-1],
        )
        sides = []
        for i, c in enumerate(item_cols):
            end = item_cols[i + 1] - 1 if i + 1 < len(item_cols) else max_col
            sides.append((c, end))
        return top, rows, sides

    def _class_code(self, label: str) -> str | None:
        names = {spec.norm(n): c for c, n in self.yd.function_classes}
        if label in names:
            return names[label]
        m = re.match(r"^(\d{3})(.*)$", label)
        if m:
            return m.group(1)
        return None

    def _amount_col(self, paths: dict[int, list[str]], first: int, last: int) -> int | None:
        for c in range(first + 1, last + 1):
            if paths.get(c) and self.leaf(paths[c]) in spec.AMOUNT_LEAVES | {"金额"}:
                return c
        for c in range(first + 1, last + 1):
            p = paths.get(c, [])
            if p and p[-1] not in ("行次", "栏次"):
                return c
        return None

    def _body_rows(self, region: Region, after: int) -> list[int]:
        sheet = region.sheet
        out = []
        for r in range(after + 1, region.bottom + 1):
            cells = self.rows_of(sheet).get(r, [])
            if not cells:
                continue
            if self._is_note(cells[0][1]):
                break
            if self._is_lanci(sheet, r):
                continue
            out.append(r)
        return out

    def _two_sided(self, region: Region, key: str) -> _TwoSides | None:
        """Table ``key`` of two sides (收入 | 支出: 公开01表, 公开04表) in ``region``; None, reported,
        when its header is not found."""
        sheet, info = region.sheet, self.yd.tables[key]
        found = self._sides(region)
        if found is None:
            self.error(
                "input.header", f"{sheet.name}：{info.code}找不到表头“项目”", sheet.addr(region.top, 1)
            )
            return None
        top, hrows, sides = found
        paths = self.header_paths(sheet, hrows, sides[0][0], sides[-1][1])
        unit = region.unit or self.unit
        body = self._body_rows(region, top)
        self._expect(region, body, sides)
        return _TwoSides(sheet, info.code, unit, top, paths, body, sides)

    def _labelled_rows(self, sheet: Sheet, body: list[int], col: int) -> Iterator[tuple[int, str, str]]:
        """The body rows with a label in column ``col``: (row, label as typed, its normal form)."""
        for r in body:
            v = sheet.get(r, col)
            if self.errors_in(sheet, r, [col]) or not isinstance(v, str) or not v.strip():
                continue
            yield r, v, spec.norm(v)

    def _unknown_row(self, sheet: Sheet, r: int, col: int, table: str, text: str) -> None:
        addr = sheet.addr(r, col)
        self.warn("input.unknown_row", f"{addr}：{table}中不认识的项目“{text.strip()}”，已忽略", addr)

    def read_t01(self, region: Region) -> None:
        found = self._two_sided(region, "t01")
        if found is None:
            return
        sheet, table, unit, top, paths, body, sides = found
        income = {spec.norm(a): f for f, aliases in spec.T01_INCOME for a in aliases}
        income.update(
            {spec.norm(x): f for f, label, aliases in spec.T01_INCOME_FOOT for x in (label, *aliases)}
        )
        expense = {spec.norm(x): f for f, label, aliases in spec.T01_EXPENSE_FOOT for x in (label, *aliases)}
        for side, (first, last) in enumerate(sides[:2]):
            amount = self._amount_col(paths, first, last)
            if amount is None:
                self.error("input.column", f"{sheet.name}：{table}找不到金额列", sheet.addr(top, first))
                continue
            for r, v, label in self._labelled_rows(sheet, body, first):
                path: Path_ | None = None
                if label == "总计":
                    path = ("t01", "income_grand_total" if side == 0 else "expense_grand_total")
                elif label in income and side == 0:
                    path = ("t01", income[label])
                elif label in expense and side == 1:
                    path = ("t01", expense[label])
                elif side == 1:
                    code = self._class_code(label)
                    if code is not None:
                        path = ("t01", "expense_by_class", code)
                if path is None:
                    if sheet.get(r, amount) is not None:
                        self._unknown_row(sheet, r, first, table, v)
                    continue
                if path[1] == "expense_by_class":
                    value = self.number(sheet, r, amount, "money", unit, label=f"“{v.strip()}”")
                    self.sources.record(path, sheet.addr(r, amount))
                    if value is not None and value is not BAD:
                        self.raw.setdefault("t01", {}).setdefault("expense_by_class", {})[path[2]] = value
                else:
                    self.read_field(path, sheet, r, amount, unit)

    def read_t04(self, region: Region) -> None:
        found = self._two_sided(region, "t04")
        if found is None:
            return
        sheet, table, unit, top, paths, body, sides = found
        income = {}
        for f, label, aliases in spec.T04_INCOME:
            for x in (label, *aliases):
                income[spec.norm(x)] = f
        split_of = {"gpb_income": "gpb", "fund_income": "fund", "soe_income": "soe"}
        # 收入 side
        first, last = sides[0]
        amount = self._amount_col(paths, first, last)
        in_carry = False
        if amount is None:
            self.error("input.column", f"{sheet.name}：{table}收入栏找不到金额列", sheet.addr(top, first))
        else:
            for r, v, label in self._labelled_rows(sheet, body, first):
                if label in ("本年收入合计", "收入合计"):
                    path: Path_ | None = ("t04", "income_total")
                elif label in ("年初财政拨款结转和结余", "年初结转和结余"):
                    path, in_carry = ("t04", "carry_in", "total"), True
                elif label in ("总计", "收入总计"):
                    path = ("t04", "income_grand_total")
                elif label in income:
                    path = (
                        ("t04", "carry_in", split_of[income[label]]) if in_carry else ("t04", income[label])
                    )
                else:
                    path = None
                if path is None:
                    if sheet.get(r, amount) is not None:
                        self._unknown_row(sheet, r, first, table, v)
                    continue
                self.read_field(path, sheet, r, amount, unit)
        if len(sides) < 2:
            self.error("input.header", f"{sheet.name}：{table}找不到支出栏", sheet.addr(top, first))
            return
        first, last = sides[1]
        split_cols: dict[str, int] = {}
        for c in range(first + 1, last + 1):
            leaf = self.leaf(paths.get(c, []))
            for fname, header in spec.T04_SPLIT:
                names = {spec.norm(header)}
                if fname == "total":
                    names |= {"小计", "合计"} | spec.AMOUNT_LEAVES
                if leaf in names and fname not in split_cols:
                    split_cols[fname] = c
                    break
        if not split_cols:
            self.error("input.column", f"{sheet.name}：{table}支出栏找不到金额列", sheet.addr(top, first))
            return
        foot = {
            "本年支出合计": "expense_total",
            "支出合计": "expense_total",
            "年末财政拨款结转和结余": "carry_out",
            "年末结转和结余": "carry_out",
            "总计": "expense_grand_total",
            "支出总计": "expense_grand_total",
        }
        for r, v, label in self._labelled_rows(sheet, body, first):
            if label in foot:
                for fname, c in split_cols.items():
                    self.read_field(("t04", foot[label], fname), sheet, r, c, unit)
                continue
            code = self._class_code(label)
            if code is None:
                if any(sheet.get(r, c) is not None for c in split_cols.values()):
                    self._unknown_row(sheet, r, first, table, v)
                continue
            base = ("t04", "expense_by_class", code)
            self.sources.record(base, sheet.addr(r, first))
            present = False
            values = {}
            for fname, c in split_cols.items():
                value = self.number(sheet, r, c, "money", unit, label=f"“{v.strip()}”")
                self.sources.record((*base, fname), sheet.addr(r, c))
                if value is not None and value is not BAD:
                    values[fname] = value
                    present = True
            if present:
                self.raw.setdefault("t04", {}).setdefault("expense_by_class", {})[code] = values

    # -- 公开06表 ------------------------------------------------------------------------

    def read_t06(self, region: Region) -> None:
        sheet, info = region.sheet, self.yd.tables["t06"]
        keys = set(spec.NAME_HEADERS | spec.ECON_CODE_HEADERS)
        top = self._header_top(region, keys, "“科目名称”")
        if top is None:
            return
        rows = self.rows_of(sheet)
        hrows = [top]
        if top - 1 >= region.top and any(
            isinstance(v, str) and spec.norm(v) in ("人员经费", "公用经费") for _, v in rows.get(top - 1, [])
        ):
            hrows.insert(0, top - 1)
        # a second header row with 类/款 under 经济分类科目编码
        if any(isinstance(v, str) and spec.norm(v) in ("类", "款") for _, v in rows.get(top + 1, [])):
            hrows.append(top + 1)
        max_col = max((c for r in range(top, region.bottom + 1) for c, _ in rows.get(r, [])), default=1)
        paths = self.header_paths(sheet, hrows, 1, max_col)
        name_cols = [c for c in range(1, max_col + 1) if paths.get(c) and paths[c][-1] in spec.NAME_HEADERS]
        if not name_cols:
            self.error("input.header", f"{sheet.name}：{info.code}找不到“科目名称”列", sheet.addr(top, 1))
            return
        groups = []
        prev_end = 0
        for i, n in enumerate(name_cols):
            nxt = name_cols[i + 1] if i + 1 < len(name_cols) else max_col + 1
            amount = next(
                (
                    c
                    for c in range(n + 1, nxt)
                    if paths.get(c) and self.leaf(paths[c]) in spec.AMOUNT_LEAVES | {"决算数"}
                ),
                None,
            )
            if amount is None:
                amount = n + 1 if n + 1 < nxt else None
            code_cols = [c for c in range(prev_end + 1, n) if paths.get(c)]
            parts: list[tuple[int, int | None]] = []
            for c in code_cols:
                leaf = paths[c][-1]
                parts.append((c, {"类": 0, "款": 1}.get(leaf)))
            groups.append((parts, n, amount))
            prev_end = amount or n
        body_start = max(hrows) + 1
        region.body, region.label_cols = body_start, [n for _, n, _ in groups]
        region.first_col = min([c for parts, _, _ in groups for c, _ in parts] + region.label_cols)
        unit = region.unit or self.unit
        econ_names = self.yd.econ_names
        foot = {spec.norm(label): f"{field}_total" for field, _, label in spec.T06_GROUPS}
        out_rows: list[dict[str, Any]] = []
        for parts, name_col, amount in groups:
            previous = ""
            if amount is None:
                self.error(
                    "input.column", f"{sheet.name}：{info.code}找不到“决算数”列", sheet.addr(top, name_col)
                )
                continue
            for r in range(body_start, region.bottom + 1):
                cells = rows.get(r, [])
                if not cells:
                    continue
                if self._is_note(cells[0][1]):
                    break
                if self._is_lanci(sheet, r):
                    continue
                if self.errors_in(sheet, r, [c for c, _ in parts]):
                    continue
                group_labels = [sheet.get(r, c) for c, _ in parts] + [sheet.get(r, name_col)]
                labels = [spec.norm(x) for x in group_labels if isinstance(x, str)]
                hit = next((foot[x] for x in labels if x in foot), None)
                if hit:
                    self.read_field(("t06", hit), sheet, r, amount, unit)
                    continue
                code = ""
                code_raw = ""
                whole = [c for c, p in parts if p is None]
                if whole:
                    v = sheet.get(r, whole[0])
                    code, code_raw = spec.code_text(v), spec.clean_text(v)
                else:
                    cls = spec.code_text(sheet.get(r, parts[0][0])) if parts else ""
                    item = spec.code_text(sheet.get(r, parts[1][0])) if len(parts) > 1 else ""
                    code_raw = " ".join(x for x in (cls, item) if x)
                    if len(item) == 5:
                        code = item
                    elif cls and item:
                        code = cls + item.zfill(2)
                    elif cls:
                        code = cls
                    elif item and previous:
                        code = previous[:3] + item.zfill(2)
                name_v = self.text(sheet, r, name_col)
                name = ("" if name_v is BAD else name_v).strip().lstrip("　 ")
                if not code and name:
                    split = spec.split_code_name(name)
                    if split:
                        code, name = split
                value_present = sheet.get(r, amount) is not None or sheet.is_formula(r, amount)
                place = sheet.addr(r, parts[0][0] if parts else name_col)
                if not code:
                    if value_present:
                        self.error(
                            "input.code", f"{place}：这一行填了金额但没有经济分类科目编码（“{name}”）", place
                        )
                    continue
                if len(code) not in (3, 5):
                    if value_present:
                        self.error(
                            "input.code",
                            f"{place}：经济分类科目编码“{code_raw}”应为3位（类）或5位（款）数字",
                            place,
                        )
                    continue
                previous = code
                if not value_present:
                    continue
                i = len(out_rows)
                base = ("t06", "rows", i)
                row = {"code": code, "name": name or econ_names.get(code, "")}
                out_rows.append(row)
                _set(self.raw, base, row)
                self.sources.record(base, place)
                self.sources.record((*base, "code"), place)
                self.sources.record((*base, "name"), sheet.addr(r, name_col))
                self.read_field((*base, "amount"), sheet, r, amount, unit)

    # -- 公开09表 ------------------------------------------------------------------------

    def read_t09(self, region: Region) -> None:
        sheet, info = region.sheet, self.yd.tables["t09"]
        parts = {spec.norm(x): f for f, label, aliases in spec.SANGONG_PARTS for x in (label, *aliases)}
        car = {spec.norm(x): f for f, label, aliases in spec.SANGONG_CAR for x in (label, *aliases)}
        keys = set(parts) | {spec.norm(spec.SANGONG_TOP)}
        keys.discard("合计")
        rows = self.rows_of(sheet)
        top = self._header_top(region, keys, "“因公出国（境）费”等")
        if top is None:
            return
        if top - 1 > region.top and any(
            isinstance(v, str) and spec.norm(v) == spec.norm(spec.SANGONG_TOP)
            for _, v in rows.get(top - 1, [])
        ):
            top -= 1
        hrows = [top]
        r = top + 1
        while r <= region.bottom:
            cells = rows.get(r, [])
            texts = [spec.norm(v) for _, v in cells if isinstance(v, str)]
            if self._is_lanci(sheet, r):
                r += 1
                continue
            if (
                texts
                and len(texts) == len(cells)
                and not any(self._is_note(v) or _numberish(v) for _, v in cells)
            ):
                hrows.append(r)
                r += 1
                continue
            if not cells and any(rng[0] < r <= rng[2] for rng in sheet.merged if rng[0] in hrows):
                hrows.append(r)  # a row fully covered by merged header cells
                r += 1
                continue
            break
        data_row = r
        max_col = max((c for rr in hrows for c, _ in rows.get(rr, [])), default=1)
        max_col = max([max_col] + [rng[3] for rng in sheet.merged if rng[0] in hrows])
        paths = self.header_paths(sheet, [x for x in hrows if not self._is_lanci(sheet, x)], 1, max_col)
        unit = region.unit or self.unit
        seen = set()
        for c in range(1, max_col + 1):
            p = paths.get(c, [])
            part = next((parts[t] for t in p if t in parts), None)
            sub = next((car[t] for t in p if t in car), None)
            if part == "car_total" and sub:
                part = sub
            side = (
                "budget"
                if any(t in spec.BUDGET_LEAVES for t in p)
                else ("actual" if any(t in spec.ACTUAL_LEAVES for t in p) else None)
            )
            if part is None or side is None or (side, part) in seen:
                continue
            seen.add((side, part))
            if data_row <= region.bottom:
                self.read_field(("t09", side, part), sheet, data_row, c, unit)
        if len(seen) < 12:
            self.error(
                "input.column",
                f"{sheet.name}：{info.code}表头不完整，只认出 {len(seen)} 个预算数/决算数列（应为12个）",
                sheet.addr(top, 1),
            )

    # -- 对比与原因 ----------------------------------------------------------------------

    def _compare_header_rows(self, sheet: Sheet) -> list[int]:
        """The header rows of the 对比与原因 sheet: each row with “上年决算数”, or with at least
        three of the sheet's column titles (one of them changed by hand).  A title no column of
        the sheet has (“上年数”, a figure typed over it) is warned at its cell, naming the title
        the standard workbook has there: that column is not read."""
        heads = (spec.COMPARE_HEAD, spec.COMPARE_SANGONG_HEAD, spec.COMPARE_ITEM_HEAD)
        known = {spec.norm(t) for head in heads for t in head}
        out = []
        for r, cells in sorted(self.rows_of(sheet).items()):
            titles = [spec.norm(v) for _, v in cells if isinstance(v, str)]
            if "上年决算数" not in titles and sum(t in known for t in titles) < 3:
                continue
            out.append(r)
            # the standard head this row is (the most titles in their places)
            head = max(heads, key=lambda h: sum(0 < c <= len(h) and spec.norm(h[c - 1]) == spec.norm(v) for c, v in cells))
            last = max(c for c, v in cells if isinstance(v, str) and spec.norm(v) in known)
            for c, v in cells:
                if c > last or (isinstance(v, str) and spec.norm(v) in known) or (isinstance(v, str) and not v.strip()):
                    continue
                addr = sheet.addr(r, c)
                expected = f"应为“{head[c - 1]}”" if c <= len(head) and head[c - 1] else "不是本表的列名"
                shown = " ".join(spec.clean_text(v).split())
                shown = shown if len(shown) <= 40 else shown[:40] + "…"
                self.warn(
                    "input.compare_header",
                    f"{addr}：表头“{shown}”{expected}，这一列的数字和文字不会读取（按未填写处理）；"
                    "请把表头改回标准工作簿中的名称",
                    addr,
                )
        return out

    def read_compare(self) -> None:
        labels = {spec.norm(x.label) for x in spec.COMPARE_MAIN + spec.COMPARE_SANGONG}
        # the 三公 labels also head 公开09表: a comparison sheet must have 上年决算数 columns
        candidates = [s for s in self.book.sheets if self._count_labels(s, {"上年决算数"})]
        sheet = self.book.sheet(spec.SHEET_COMPARE)
        if sheet not in candidates or not self._count_labels(sheet, labels):
            sheet = max(candidates, key=lambda s: self._count_labels(s, labels), default=None)
            if sheet is None or self._count_labels(sheet, labels) < 3:
                self.warn(
                    "input.missing_sheet",
                    f"未找到“{spec.SHEET_COMPARE}”表，上年决算数、预算数和变动原因按未填写处理",
                )
                return
        rows = self.rows_of(sheet)
        self.sources.record(("comparisons",), sheet.name)  # a figure of no row: at least the sheet
        header_rows = self._compare_header_rows(sheet)

        def columns(hr: int) -> dict[str, int]:
            out: dict[str, int] = {}
            for c, v in rows.get(hr, []):
                f = spec.COMPARE_FIELD_BY_HEADER.get(spec.norm(v)) if isinstance(v, str) else None
                if f and f not in out:
                    out[f] = c
            return out

        for item in spec.COMPARE_MAIN + spec.COMPARE_SANGONG:
            pos = self.find_label(sheet, item.label)
            if pos is None:
                self.warn("input.missing_label", f"“{sheet.name}”表中没有“{item.label}”一行，按未填写处理")
                continue
            r = pos[0]
            hr = max((h for h in header_rows if h < r), default=None)
            cols = columns(hr) if hr is not None else {}
            for fname in item.fields:
                if fname in cols:
                    self.read_field((*item.path, fname), sheet, r, cols[fname])
                else:  # no column for it (a changed header is warned): its row names where it belongs
                    self.sources.record((*item.path, fname), sheet.addr(*pos))
        list_titles = {spec.norm(t) for _, t, _ in spec.COMPARE_LISTS}
        for path, title, _ in spec.COMPARE_LISTS:
            pos = self.find_label(sheet, title)
            if pos is None:
                continue
            hr = min((h for h in header_rows if h > pos[0]), default=None)
            if hr is None:
                continue
            cols = columns(hr)
            if "code" not in cols:
                self.error("input.column", f"{sheet.name}：“{title}”下找不到“科目编码”列", sheet.addr(hr, 1))
                continue
            items: list[dict[str, Any]] = []
            for r in range(hr + 1, sheet.max_row + 1):
                cells = rows.get(r, [])
                if (
                    any(isinstance(v, str) and spec.norm(v) in list_titles for _, v in cells)
                    or r in header_rows
                ):
                    break
                read_cols = list(cols.values())
                # what the clerk typed counts; the grey rows that list this year's 项 by formula
                # are read only when something was typed beside them (the code is the listed one)
                # (a row of zeros is nothing typed either: .xls files saved by LibreOffice store
                # the formulas' empty results as 0, and xlrd cannot tell formulas from values)
                typed = [
                    c
                    for c in read_cols
                    if sheet.get(r, c) is not None and not sheet.is_formula(r, c) and not _is_zero(sheet.get(r, c))
                ]
                if not typed:
                    continue
                if self.errors_in(sheet, r, [cols["code"]]):
                    continue
                code_v = self.cell(sheet, r, cols["code"])
                if code_v is BAD:
                    continue
                code = spec.code_text(code_v)
                place = sheet.addr(r, cols["code"])
                if not code:
                    if any(sheet.get(r, c) is not None for c in read_cols):
                        self.error(
                            "input.code",
                            f"{place}：“{title}”中这一行没有科目编码（应为7位项级科目编码）",
                            place,
                        )
                    continue
                if len(code) != 7:
                    self.error(
                        "input.code",
                        f"{place}：“{title}”中的科目编码“{spec.clean_text(code_v)}”应为7位项级科目编码",
                        place,
                    )
                    continue
                i = len(items)
                base = (*path, i)
                entry: dict[str, Any] = {"code": code}
                items.append(entry)
                _set(self.raw, base, entry)
                self.sources.record(base, place)
                self.sources.record((*base, "code"), place)
                for fname in spec.COMPARE_ITEM_FIELDS:
                    if fname in cols and not sheet.is_formula(r, cols[fname]):
                        self.read_field((*base, fname), sheet, r, cols[fname])

    # -- 绩效项目 / 绩效指标 ---------------------------------------------------------------

    def read_projects(self) -> None:
        name_label = spec.norm(spec.project_title("name"))
        sheet = self.book.sheet(spec.SHEET_PROJECTS)
        if sheet is None or self.find_label(sheet, name_label) is None:
            sheet = next(
                (
                    s
                    for s in self.book.sheets
                    if self.find_label(s, name_label) is not None
                    and self.find_label(s, spec.PROJECT_LINES[0][1]) is not None
                ),
                None,
            )
        projects: list[dict[str, Any]] = []
        names: list[str] = []
        header = self.find_label(sheet, name_label) if sheet is not None else None
        if sheet is None or header is None:
            self.warn("input.missing_sheet", f"未找到“{spec.SHEET_PROJECTS}”表，按没有绩效自评项目处理")
        else:
            rows = self.rows_of(sheet)
            hr, _ = header
            hrows = [hr]
            if any(
                isinstance(v, str) and spec.norm(v) in {spec.norm(x) for _, x in spec.FUNDLINE_COLS}
                for _, v in rows.get(hr + 1, [])
            ):
                hrows.append(hr + 1)
            max_col = max((c for r in hrows for c, _ in rows.get(r, [])), default=1)
            max_col = max([max_col] + [rng[3] for rng in sheet.merged if rng[0] in hrows])
            paths = self.header_paths(sheet, hrows, 1, max_col)
            col_of: dict[Path_, int] = {}
            scalar = {
                spec.norm(spec.project_title(n)): n
                for n in spec.PROJECT_SCALARS_BEFORE + spec.PROJECT_SCALARS_AFTER
            }
            scalar.update({"预期目标": "goal_expected", "实际完成情况": "goal_actual", "总分": "total_score"})
            lines = {spec.norm(label): line for line, label in spec.PROJECT_LINES}
            subs = {spec.norm(label): f for f, label in spec.FUNDLINE_COLS}
            for c in range(1, max_col + 1):
                p = paths.get(c, [])
                if not p:
                    continue
                line = next((lines[t] for t in p if t in lines), None)
                sub = next((subs[t] for t in p if t in subs), None)
                if line and sub:
                    col_of.setdefault((line, sub), c)
                elif p[-1] in scalar:
                    col_of.setdefault((scalar[p[-1]],), c)
            for r in range(max(hrows) + 1, sheet.max_row + 1):
                cells = [(c, v) for c, v in rows.get(r, []) if c in col_of.values()]
                if not cells and not any(sheet.is_formula(r, c) for c in col_of.values()):
                    continue
                name_c = col_of.get(("name",))
                name = self.text(sheet, r, name_c) if name_c else ""
                i = len(projects)
                base = ("performance", "projects", i)
                place = sheet.addr(r, name_c or 1)
                if not name or name is BAD:
                    if name is not BAD:
                        self.error("input.project", f"{place}：这一行填了内容但没有项目名称", place)
                    continue
                project: dict[str, Any] = {}
                projects.append(project)
                names.append(name)
                _set(self.raw, base, project)
                self.sources.record(base, place)
                for sub_path, c in col_of.items():
                    self.read_field((*base, *sub_path), sheet, r, c)
        self.read_indicators(projects, names)

    def read_indicators(self, projects: list[dict[str, Any]], names: list[str]) -> None:
        level1 = spec.norm(spec.indicator_title("level1"))
        sheet = self.book.sheet(spec.SHEET_INDICATORS)
        if sheet is None or self.find_label(sheet, level1) is None:
            sheet = next(
                (
                    s
                    for s in self.book.sheets
                    if self.find_label(s, level1) is not None and s.name != spec.SHEET_PROJECTS
                ),
                None,
            )
        header = self.find_label(sheet, level1) if sheet is not None else None
        if sheet is None or header is None:
            if projects:
                self.warn("input.missing_sheet", f"未找到“{spec.SHEET_INDICATORS}”表，绩效项目按没有指标处理")
            return
        rows = self.rows_of(sheet)
        hr, _ = header
        cols: dict[str, int] = {}
        titles = {spec.norm(spec.indicator_title(n)): n for n in spec.INDICATOR_FIELDS}
        key_col = None
        for c, v in rows.get(hr, []):
            t = spec.norm(v) if isinstance(v, str) else ""
            if t in titles:
                cols.setdefault(titles[t], c)
            elif t in ("项目名称或序号", "项目名称", "项目", "序号", "项目序号"):
                key_col = key_col or c
        current: int | None = None
        counts = [0] * len(projects)
        for r in range(hr + 1, sheet.max_row + 1):
            cells = [(c, v) for c, v in rows.get(r, []) if c in cols.values()]
            if key_col and self.errors_in(sheet, r, [key_col]):
                continue
            key_v = sheet.get(r, key_col) if key_col else None
            if not cells:
                if key_v is not None:
                    current = self._project_index(sheet, r, key_col or 1, key_v, names)
                continue
            if key_v is not None:
                current = self._project_index(sheet, r, key_col or 1, key_v, names)
                if current is None:
                    continue
            elif current is None:
                place = sheet.addr(r, key_col or 1)
                if len(projects) == 1:
                    current = 0
                else:
                    self.error(
                        "input.indicator", f"{place}：这一行指标没有填写所属项目（项目名称或序号）", place
                    )
                    continue
            i = counts[current]
            counts[current] += 1
            base = ("performance", "projects", current, "indicators", i)
            _set(self.raw, base, {})
            self.sources.record(base, sheet.addr(r, cols.get("level1", 1)))
            for fname, c in cols.items():
                self.read_field((*base, fname), sheet, r, c)

    def _project_index(self, sheet: Sheet, r: int, c: int, value: Any, names: list[str]) -> int | None:
        text = spec.clean_text(value)
        if text in names:
            return names.index(text)
        normalized = [spec.norm(n) for n in names]
        if spec.norm(text) in normalized:
            return normalized.index(spec.norm(text))
        if text.isdigit() and 1 <= int(text) <= len(names):
            return int(text) - 1
        place = sheet.addr(r, c)
        self.error(
            "input.indicator",
            f"{place}：找不到项目“{text}”（应为“{spec.SHEET_PROJECTS}”表中的项目名称或序号）",
            place,
        )
        return None


# What the reader refuses or reports, for docs/checks.md (rule id, severity, rule).
READING_RULES: tuple[tuple[str, Severity, str], ...] = (
    (
        "input.number",
        Severity.ERROR,
        "金额、人数等数字单元格只接受数字或写成文字的数字（全角数字、括号表示负数、“-”表示零均可）。"
        "逗号只作千位分隔符，且必须每三位一个（“1,234.56”“12,345”）；“432,20”“2,00”这类写法不读，"
        "提示可能把小数点输成了逗号。逻辑值 TRUE/FALSE（JSON 中的 true/false）不是数字。"
        "数字前后或中间的空格、换行（Alt+Enter）、从网页带来的不可见字符（零宽空格、BOM）和文字型数字前的撇号“'”不影响读取；"
        "Word、PDF 中的减号（−、–）与“-”相同。带单位或货币符号的（“1064.89万元”“35人”“￥12”）和百分数不读，"
        "消息说明只填数字；日期、时间不是数字（单元格可能被设成了日期格式）。",
    ),
    (
        "input.merged",
        Severity.WARNING,
        "金额单元格被合并时，只有合并区域左上角的单元格有数，其余按空白（0）读取：在被合并掉的单元格处警告一次，请取消合并逐格填写。",
    ),
    (
        "input.compare_header",
        Severity.WARNING,
        "“对比与原因”表头中的列名被改动（如“上年决算数”改成“上年数”或被数字覆盖）时，这一列不读，在该表头单元格警告并写明"
        "标准工作簿中的列名；因此缺少的上年决算数、年初预算数等由检查指明所在的行。",
    ),
    (
        "input.duplicate_table",
        Severity.ERROR,
        "同一张公开表在工作簿中出现两次以上（如复制出的“公开05表 (2)”、保留的上年表）且数字不同时，无法确定以哪一张为准："
        "指明各处标题，请删除多余的表。内容相同的副本只读一次。",
    ),
    (
        "input.year",
        Severity.ERROR,
        "年度须有分类科目数据（本年度或以前某一年度的，见 generator/years/ 和 --year-data）。"
        "“2024年”“2024年度”“２０２４”读作 2024。",
    ),
    (
        "input.control_chars",
        Severity.WARNING,
        "文字中不可见的控制字符（U+0000–U+001F，制表符和换行除外）无法写进文档，删除并警告，指明单元格（JSON 为数据路径）。",
    ),
    (
        "input.text",
        Severity.ERROR,
        "JSON 文字中不成对的 UTF-16 代理项（如 \\ud800）不是有效的字符。",
    ),
    (
        "input.json_repeated_key",
        Severity.ERROR,
        "JSON 同一对象中同一个键出现两次时，无法确定以哪个值为准：指明数据路径和两个值。",
    ),
    (
        "input.schema_version",
        Severity.ERROR,
        "JSON 的 schema_version 高于本程序支持的数据格式版本时不读（请升级本工具）。",
    ),
    (
        "input.number",
        Severity.ERROR,
        f"金额及其他小数的绝对值须小于 10^{AMOUNT_LIMIT_EXP}（{AMOUNT_LIMIT:,.0f} 万元），不为零的金额不小于 "
        f"{AMOUNT_FLOOR} 万元（0.01 元，更小的多为公式尾差）；人数、车辆数、批次等须小于 {COUNT_LIMIT:,}。"
        "NaN、Infinity 等不是数。超出的值不读，因此任何输入都不会使后续计算出错。",
    ),
    (
        "input.error_value",
        Severity.ERROR,
        "读取的任何单元格（数字、文字、科目编码、项目名称）中的错误值（#NAME?、#VALUE!、#REF!、#DIV/0!、#N/A、"
        "#NUM!、#NULL! 等，包括公式的计算结果）都不读，指明单元格，不会写进公开文本。",
    ),
    (
        "input.shifted",
        Severity.ERROR,
        "粘贴的表中，60% 以上的行的科目名称（或项目）与表头所示的列错开同样的列数时，整表只报一条："
        "说明错开的方向、举出一个单元格，并写明从哪个单元格开始重新粘贴；因此读不出的单元格不再逐一列出。",
    ),
    (
        "input.header_unit",
        Severity.ERROR,
        "粘贴的表头行中“单位：”“编制单位：”“单位名称：”后的单位名称应为“单位信息”中的单位名称"
        "（“部门：”也可为主管部门），否则可能粘贴了其他单位的表。",
    ),
    (
        "input.header_year",
        Severity.WARNING,
        "粘贴的表标题中的年度（如“2023年度”）应为“单位信息”中的年度，否则可能粘贴了其他年度的表。",
    ),
)


def reading_rules_markdown() -> list[str]:
    """The reading rules as Markdown lines for docs/checks.md."""
    lines = [
        "## 读取工作簿和 JSON 时的规则",
        "",
        "以下规则在读取时执行（在勾稽检查之前），工作簿与 JSON 文件相同；消息指明工作表和单元格（JSON 为数据路径）。"
        "合并单元格被取消合并的表头（标签只留在第一格或填在每一格）照常读取。",
        "",
        "| 规则编号 | 严重程度 | 规则 |",
        "|---|---|---|",
    ]
    for rule, severity, text in READING_RULES:
        lines.append(f"| `{rule}` | {severity} | {text} |")
    return [*lines, ""]


def read_workbook(path: Path) -> WorkbookData:
    """Read ``path`` (.xlsx or .xls) into raw model data with the cells it came from.

    Raises :class:`~generator.errors.InputUnreadable` when the file cannot be opened; data
    problems are returned as findings (the caller validates the raw data)."""
    book = open_book(Path(path))
    try:
        return WorkbookReader(book).read()
    except InputUnreadable:
        raise
    except Exception as exc:
        from generator.failures import unreadable_reason

        reason = unreadable_reason(exc)
        if reason is None:
            raise  # a defect of this program: reported as such by the caller
        raise InputUnreadable(f"{path}：{reason}") from exc
