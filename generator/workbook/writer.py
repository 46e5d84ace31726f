"""Write the standard workbook: blank for a clerk to fill, or filled from a Disclosure.

The sheets follow :mod:`generator.workbook.spec`: 填表说明, 单位信息, 公开01表…公开09表 laid
out like the official forms (title, 表号, ``单位：`` and ``金额单位：万元`` line, merged
multi-level headers, 栏次, 合计, 注), 对比与原因, 三公明细, 采购与资产, 绩效, 绩效项目 and
绩效指标.  Input cells are yellow; grey cells are hints or formulas shown for checking and
are never read back.  Form sheets are protected without a password (inserting rows and
formatting stay allowed); table and list sheets are left unprotected so exported tables
can be pasted over them.  All amounts are written in 万元.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pydantic import BaseModel

from generator.atomic import atomic_target
from generator.model import Disclosure, FundTable
from generator.xlsxsafe import Formula
from generator.xlsxsafe import put as put_value
from generator.workbook import spec
from generator.workbook.grid import col_letter
from generator.yeardata import YearData, default_year, load_year

# ---------------------------------------------------------------------------- styles

FONT = "宋体"
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FILL_INPUT = PatternFill("solid", fgColor="FFF2CC")
FILL_HEADER = PatternFill("solid", fgColor="DDEBF7")
FILL_SECTION = PatternFill("solid", fgColor="E2EFDA")
FILL_SHOW = PatternFill("solid", fgColor="EDEDED")
MONEY_FMT = "#,##0.00"
COUNT_FMT = "0"
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

_RIGHT = Alignment(horizontal="right", vertical="center")


def _input(alignment: Alignment, number_format: str) -> dict[str, Any]:
    """The style of a cell the clerk fills in (yellow, unlocked)."""
    return {
        "font": Font(name=FONT, size=10),
        "alignment": alignment,
        "border": BORDER,
        "fill": FILL_INPUT,
        "protection": UNLOCKED,
        "number_format": number_format,
    }


STYLES: dict[str, dict[str, Any]] = {
    "title": {
        "font": Font(name=FONT, size=16, bold=True),
        "alignment": Alignment(horizontal="center", vertical="center"),
    },
    "code": {"font": Font(name=FONT, size=10), "alignment": Alignment(horizontal="right", vertical="center")},
    "unitline": {
        "font": Font(name=FONT, size=10),
        "alignment": Alignment(horizontal="left", vertical="center"),
    },
    "unitline_r": {
        "font": Font(name=FONT, size=10),
        "alignment": Alignment(horizontal="right", vertical="center"),
    },
    "header": {
        "font": Font(name=FONT, size=10, bold=True),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "fill": FILL_HEADER,
        "border": BORDER,
    },
    "label": {
        "font": Font(name=FONT, size=10),
        "alignment": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "border": BORDER,
    },
    "label_b": {
        "font": Font(name=FONT, size=10, bold=True),
        "alignment": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "border": BORDER,
    },
    "center": {
        "font": Font(name=FONT, size=10),
        "alignment": Alignment(horizontal="center", vertical="center"),
        "border": BORDER,
    },
    "money": _input(_RIGHT, MONEY_FMT),
    "count": _input(_RIGHT, COUNT_FMT),
    "number": _input(_RIGHT, "General"),
    "text": _input(Alignment(horizontal="left", vertical="center", wrap_text=True), "@"),
    "longtext": _input(Alignment(horizontal="left", vertical="top", wrap_text=True), "@"),
    "codecell": _input(Alignment(horizontal="left", vertical="center"), "@"),
    "show": {
        "font": Font(name=FONT, size=10, italic=True, color="595959"),
        "alignment": Alignment(horizontal="right", vertical="center"),
        "border": BORDER,
        "fill": FILL_SHOW,
        "number_format": MONEY_FMT,
    },
    "grey": {"font": Font(name=FONT, size=10), "border": BORDER, "fill": FILL_SHOW},
    "hint": {
        "font": Font(name=FONT, size=9, color="595959"),
        "alignment": Alignment(horizontal="left", vertical="center", wrap_text=True),
    },
    "note": {
        "font": Font(name=FONT, size=9),
        "alignment": Alignment(horizontal="left", vertical="center", wrap_text=False),
    },
    "section": {
        "font": Font(name=FONT, size=11, bold=True),
        "alignment": Alignment(horizontal="left", vertical="center"),
        "fill": FILL_SECTION,
        "border": BORDER,
    },
    "guide": {
        "font": Font(name=FONT, size=10),
        "alignment": Alignment(horizontal="left", vertical="top", wrap_text=True),
    },
}

_CN = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 26 → 二十六 (up to 99)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + ("" if ones == 0 else _CN[ones])


def _num(value: Decimal | int | None) -> Any:
    """A model number as written to a cell (Decimal kept exact, None → blank)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return value
    return value


class SheetWriter:
    """Small helper: styled cells, merges, column widths on one worksheet."""

    def __init__(self, ws: Worksheet):
        self.ws = ws

    def put(
        self,
        row: int,
        col: int,
        value: Any = None,
        style: str = "label",
        *,
        to_col: int | None = None,
        to_row: int | None = None,
    ) -> None:
        """Write a styled cell (merged to ``to_row``/``to_col``).  A string is text whatever it
        starts with (``=6000张``, ``=cmd|…``) unless it is a :class:`Formula`."""
        cell = self.ws.cell(row=row, column=col)
        if value is not None:
            put_value(cell, value)
        self._style(cell, style)
        if (to_col and to_col != col) or (to_row and to_row != row):
            r2, c2 = to_row or row, to_col or col
            for r in range(row, r2 + 1):
                for c in range(col, c2 + 1):
                    if (r, c) != (row, col):
                        self._style(self.ws.cell(row=r, column=c), style)
            self.ws.merge_cells(start_row=row, start_column=col, end_row=r2, end_column=c2)

    @staticmethod
    def _style(cell, style: str) -> None:
        for attr, val in STYLES[style].items():
            setattr(cell, attr, val)

    def widths(self, widths: list[float]) -> None:
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[col_letter(i)].width = w

    def height(self, row: int, h: float) -> None:
        self.ws.row_dimensions[row].height = h


# ---------------------------------------------------------------------------- the workbook


class TemplateWriter:
    """Builds the whole workbook; ``data`` None gives the blank template."""

    def __init__(self, data: Disclosure | None, year: int | None, prefill: bool = False):
        self.data = data
        #: next year's workbook: only 单位信息 (without 人员情况) and 对比与原因 come from ``data``
        self.prefill = prefill
        if year is None:
            year = data.unit.year if data is not None else default_year()
        self.year = year
        self.yd: YearData = load_year(year)
        self.wb = Workbook()
        self.places: dict[spec.ModelPath, str] = {}  # model path → "'公开01表'!C9" for formulas
        self.unit_name_ref = ""
        self.money_unit_ref = ""
        #: extra sections of 填表说明: (heading, lines), e.g. the 科目 changed since last year
        self.guide_extra: list[tuple[str, list[str]]] = []

    @property
    def blank(self) -> bool:
        return self.data is None or self.prefill

    # -- helpers -------------------------------------------------------------------

    def new_sheet(self, name: str) -> SheetWriter:
        if (
            len(self.wb.worksheets) == 1
            and self.wb.active.title == "Sheet"
            and self.wb.active.max_row == 1
            and self.wb.active["A1"].value is None
        ):
            ws = self.wb.active
            ws.title = name
        else:
            ws = self.wb.create_sheet(name)
        ws.sheet_view.zoomScale = 100
        return SheetWriter(ws)

    def ref(self, ws: Worksheet, row: int, col: int) -> str:
        return f"'{ws.title}'!${col_letter(col)}${row}"

    def record(self, path: spec.ModelPath, ws: Worksheet, row: int, col: int) -> None:
        self.places[path] = self.ref(ws, row, col)

    def get(self, path: spec.ModelPath, default: Any = None) -> Any:
        """Value at a model path in ``data`` (``default`` for the blank template)."""
        if self.data is None:
            return default
        if self.prefill and (path[0] not in ("unit", "comparisons") or path[:2] == ("unit", "staff")):
            return default
        obj: Any = self.data
        for part in path:
            if isinstance(part, int):
                obj = obj[part]
            elif isinstance(obj, dict):
                obj = obj.get(part)
            else:
                obj = getattr(obj, part)
            if obj is None:
                return None
        return obj

    def table_head(self, w: SheetWriter, key: str, ncols: int) -> None:
        """Title (merged), 表号, ``单位：`` and ``金额单位：万元`` lines: rows 1–3."""
        info = self.yd.tables[key]
        w.put(1, 1, info.title, "title", to_col=ncols)
        w.height(1, 30)
        w.put(2, ncols, info.code, "code")
        # formulas, so that the tables follow the 单位信息 sheet (name, 金额单位 万元/元); a
        # literal "金额单位：元" in a table is what pasted exports carry, and the reader
        # honours only literal declarations
        w.put(3, 1, Formula(f'="单位："&{self.unit_name_ref}'), "unitline", to_col=max(2, ncols // 2))
        w.put(3, ncols // 2 + 1, Formula(f'="金额单位："&{self.money_unit_ref}'), "unitline_r", to_col=ncols)

    def table_note(self, w: SheetWriter, key: str, row: int, ncols: int) -> None:
        w.put(row, 1, self.yd.tables[key].note, "note", to_col=ncols)

    def money(self, w: SheetWriter, row: int, col: int, path: spec.ModelPath) -> None:
        """An amount input cell for ``path`` (blank in the blank template)."""
        w.put(row, col, _num(self.get(path, None)), "money")
        self.record(path, w.ws, row, col)

    # -- build ---------------------------------------------------------------------

    def build(self) -> Workbook:
        self.sheet_guide()
        self.sheet_unit()
        self.sheet_t01()
        self.sheet_row_table("t02")
        self.sheet_row_table("t03")
        self.sheet_t04()
        self.sheet_row_table("t05")
        self.sheet_t06()
        self.sheet_row_table("t07")
        self.sheet_row_table("t08")
        self.sheet_t09()
        self.sheet_compare()
        self.sheet_form(spec.SANGONG_FORM)
        self.sheet_form(spec.ASSETS_FORM)
        self.sheet_form(spec.PERF_FORM)
        self.sheet_projects()
        self.sheet_indicators()
        self.sheet_calc()
        self.wb.active = 0  # 填表说明: the order of work comes first
        self.wb.calculation.fullCalcOnLoad = True
        return self.wb

    # -- 填表说明 --------------------------------------------------------------------

    #: The order of work: (step, what to do).  ``{prog}`` is the command name.
    GUIDE_STEPS = (
        (
            "取得",
            "用 juesuan-gen --template 空白.xlsx 取得本工作簿；第二年起用 "
            "juesuan-gen --template 本年.xlsx --previous 上年.xlsx，单位信息、主要职能、科室和全部上年决算数"
            "都从上年的工作簿带入。空白工作簿与填好的工作簿请用不同的文件名，程序不会覆盖已有文件。",
        ),
        (
            "粘贴九张公开表",
            "从决算软件导出公开01表至公开09表，整表粘贴到同名的工作表（须保留表的标题；位置上下左右移动几行几列、"
            "科目编码分成类/款/项三列或写成“201 03 01”“201.03.01”、零值留空都能识别）。先填“单位信息”表。",
        ),
        (
            "填写对比与原因",
            "“对比与原因”表的灰色列按科目编码和标签从公开表中查出本年决算数，项级科目行自动列出公开05表"
            "（及公开07、08表）中的项；只需填写黄色的上年决算数、年初预算数和变动原因。本年已没有支出、但上年有支出的"
            "项级科目，填在灰色行下方的空白黄色行（科目编码、名称、上年决算数和类级、款级科目名称）。再填“三公明细”"
            "“采购与资产”“绩效”“绩效项目”“绩效指标”。",
        ),
        (
            "检查",
            "运行 juesuan-gen --check 本年.xlsx（第二年起加 --previous 上年.xlsx，核对带入的上年数）。"
            "“错误”必须改正，“警告”请逐条核对，“提示”供参考；每条都指明工作表和单元格。",
        ),
        (
            "生成",
            "运行 juesuan-gen 本年.xlsx，在 output/ 文件夹写出公开说明 DOCX 和 PDF。",
        ),
    )

    #: What each sheet is for: (sheet, purpose).
    GUIDE_SHEETS = (
        ("单位信息", "单位名称、年度、单位性质、主管部门、公开格式、主要职能、人员情况、下属单位和内设科室；金额单位"),
        ("公开01表—公开09表", "九张公开表，与决算软件导出的表样一致，可整表粘贴"),
        ("对比与原因", "各项的上年决算数、年初预算数和变动原因；本年决算数由公式显示，仅供核对"),
        ("三公明细", "“三公”经费的团组、人次、车辆、接待批次和开支内容"),
        ("采购与资产", "政府采购和国有资产占用情况"),
        ("绩效", "预算绩效管理情况和其他需说明的事项"),
        ("绩效项目、绩效指标", "项目支出绩效自评表：每个项目一行，每个指标一行"),
    )

    GUIDE_NOTES = (
        "黄色单元格为填写项；灰色单元格为说明或公式显示（程序不读取）；表头和标签请勿改动。",
        (
            "金额单位默认万元，保留两位小数。全部金额按元填写时，在“单位信息”的“金额单位”中选“元”，程序按÷10000 "
            "换算为万元（不做四舍五入）；某张公开表表头写明“金额单位：元”的，该表按元读取。"
        ),
        "空白的金额单元格按 0 处理；“对比与原因”等表中的上年决算数、预算数留空表示未填写。",
        "公开06表按经济分类科目填写决算数，没有的科目留空；表中没有的科目可插入行，填写编码、名称和金额。",
        (
            "绩效指标表第一列填项目名称或序号（与“绩效项目”表一致）；同一项目连续的行可只在第一行填写。"
            "主要职能每段一行，编号照原样保留；下属预算单位、内设科室每个一行，不够时插入行。"
        ),
        (
            "若文件由其他程序生成、未在 Excel 或 WPS 中保存过，公式单元格没有计算结果，程序会提示所在单元格；"
            "请用 Excel 或 WPS 打开、保存后再使用。"
        ),
        "表单页设有工作表保护（无密码），只能修改黄色单元格，可以插入行；如需改动其他内容，可在“审阅→撤销工作表保护”。",
    )

    def sheet_guide(self) -> None:
        w = self.new_sheet(spec.SHEET_GUIDE)
        w.widths([16, 96])
        w.put(1, 1, "填表说明", "title", to_col=2)
        w.height(1, 30)
        row = 2
        w.put(row, 1, "填写顺序", "section", to_col=2)
        row += 1
        for n, (step, text) in enumerate(self.GUIDE_STEPS, start=1):
            w.put(row, 1, f"{n}　{step}", "label_b")
            w.put(row, 2, text, "guide")
            w.height(row, 15 * (len(text) // 52 + 1) + 4)
            row += 1
        row += 1
        w.put(row, 1, "各工作表", "section", to_col=2)
        row += 1
        for sheet, text in self.GUIDE_SHEETS:
            w.put(row, 1, sheet, "label")
            w.put(row, 2, text, "guide")
            row += 1
        row += 1
        w.put(row, 1, "注意", "section", to_col=2)
        row += 1
        for n, text in enumerate(self.GUIDE_NOTES, start=1):
            w.put(row, 1, f"（{cn_number(n)}）", "guide")
            w.put(row, 2, text, "guide")
            w.height(row, 15 * (len(text) // 52 + 1) + 4)
            row += 1
        for heading, lines in self.guide_extra:
            row += 1
            w.put(row, 1, heading, "section", to_col=2)
            row += 1
            for text in lines:
                w.put(row, 2, text, "guide")
                w.height(row, 15 * (len(text) // 52 + 1) + 4)
                row += 1
        row += 1
        w.put(row, 1, spec.PREPARER_LABEL, "label_b")
        w.put(row, 2, self.get(("preparer_notes",), None) or None, "longtext")
        w.height(row, 150)
        w.put(row + 1, 2, Disclosure.model_fields["preparer_notes"].description, "hint")
        self.protect(w.ws)
        self._setup_print(w.ws, landscape=False)

    # -- forms -----------------------------------------------------------------------

    def protect(self, ws: Worksheet) -> None:
        """Sheet protection without password; rows may be inserted, formats changed."""
        p = ws.protection
        p.sheet = True
        p.formatCells = False
        p.formatColumns = False
        p.formatRows = False
        p.insertRows = False
        p.deleteRows = False
        p.insertHyperlinks = False
        p.selectLockedCells = False
        p.selectUnlockedCells = False

    def form_value(self, w: SheetWriter, row: int, item: spec.FormItem, width_long: bool) -> None:
        if item.path == (spec.MONEY_UNIT_LABEL,):
            w.put(row, 2, "万元", "text")
            self.money_unit_ref = self.ref(w.ws, row, 2)
            dv = DataValidation(type="list", formula1='"万元,元"', allow_blank=True)
            dv.error = "请选择：万元 或 元"
            dv.errorTitle = "金额单位"
            w.ws.add_data_validation(dv)
            dv.add(w.ws.cell(row=row, column=2))
            return
        resolved = spec.resolve(item.path)
        if resolved is None:  # pragma: no cover - the form lists model fields only
            raise KeyError(item.path)
        model, name = resolved
        kind = spec.field_kind(model, name)
        value = self.get(item.path, None)
        if item.path == ("unit", "year") and value is None:
            value = self.year
        if isinstance(value, Enum):
            value = value.value
        style = {
            "money": "money",
            "signed_money": "money",
            "count": "count",
            "int": "count",
            "decimal": "number",
        }.get(kind.kind, "text")
        if kind.kind == "text" and (kind.max_length or 0) >= 1000:
            style = "longtext"
        if kind.kind in ("money", "signed_money", "count", "int", "decimal"):
            value = _num(value)
        elif value is not None:
            value = str(value) if value != "" else None
        w.put(row, 2, value, style)
        if style == "longtext":
            w.height(row, 90 if (kind.max_length or 0) > 5000 else 48)
        if item.path == ("unit", "name"):
            self.unit_name_ref = self.ref(w.ws, row, 2)
        if kind.kind == "enum":
            self.choices(w, row, 2, kind.title, _unwrap_enum(model, name))
        if item.path == ("unit", "style"):
            from generator.formats import known_styles

            dv = DataValidation(type="list", formula1='"' + ",".join(known_styles()) + '"', allow_blank=True)
            dv.error = "请从下拉列表中选择公开格式"
            dv.errorTitle = "公开格式"
            w.ws.add_data_validation(dv)
            dv.add(w.ws.cell(row=row, column=2))
        self.record(item.path, w.ws, row, 2)

    def choices(self, w: SheetWriter, row: int, col: int, title: str, enum: type[Enum]) -> None:
        """A drop-down of the enum's values at (row, col)."""
        dv = DataValidation(type="list", formula1='"' + ",".join(k.value for k in enum) + '"', allow_blank=True)
        dv.error = f"请从下拉列表中选择{title}"
        dv.errorTitle = title
        w.ws.add_data_validation(dv)
        dv.add(w.ws.cell(row=row, column=col))

    def record_list(self, w: SheetWriter, row: int, path: spec.ModelPath, model: type[BaseModel]) -> int:
        """A list of records: a header row of the field titles, then one record a row; returns the next row."""
        names = list(model.model_fields)
        w.put(row, 1, spec.LIST_INDEX_HEADER, "label")
        for j, name in enumerate(names):
            w.put(row, 2 + j, model.model_fields[name].title or name, "label")
        row += 1
        records = list(self.get(path, []) or [])
        for i in range(max(len(records) + 3, 6)):
            w.put(row, 1, i + 1, "center")
            for j, name in enumerate(names):
                value = getattr(records[i], name) if i < len(records) else None
                if isinstance(value, Enum):
                    value = value.value
                w.put(row, 2 + j, value if value not in ("", None) else None, "text")
                if spec.field_kind(model, name).kind == "enum":
                    self.choices(w, row, 2 + j, model.model_fields[name].title or name, _unwrap_enum(model, name))
                self.record((*path, i, name), w.ws, row, 2 + j)
            row += 1
        return row

    def sheet_form(self, form: spec.Form) -> None:
        w = self.new_sheet(form.sheet)
        w.widths([34, form.width_value, 34])
        w.put(1, 1, form.title, "title", to_col=3)
        w.height(1, 30)
        w.put(
            2, 1, "黄色单元格为填写项；金额以万元为单位（除非“单位信息”中金额单位选了元）。", "hint", to_col=3
        )
        row = 3
        for section in form.sections:
            w.put(row, 1, section.heading, "section", to_col=3)
            row += 1
            for item in section.items:
                w.put(row, 1, item.label, "label")
                self.form_value(w, row, item, form.width_value > 50)
                w.put(row, 3, item.hint or None, "hint")
                row += 1
        for path, label, hint in form.lists:
            row += 1
            w.put(row, 1, label, "section")
            w.put(row, 2, None, "section")
            w.put(row, 3, hint, "hint")
            row += 1
            record_model = spec.list_model(path)
            if record_model is not None:
                row = self.record_list(w, row, path, record_model)
                continue
            values = list(self.get(path, []) or [])
            count = max(len(values) + 3, {"functions": 12}.get(str(path[-1]), 6))
            for i in range(count):
                w.put(row, 1, i + 1, "center")
                w.put(row, 2, values[i] if i < len(values) else None, "longtext")
                if i < len(values) and len(values[i]) > 40:
                    w.height(row, min(15 * (len(values[i]) // 30 + 1), 300))
                row += 1
        w.ws.freeze_panes = "A3"
        self.protect(w.ws)
        w.ws.page_setup.orientation = "portrait"
        w.ws.page_setup.fitToWidth = 1
        w.ws.page_setup.fitToHeight = 0
        w.ws.sheet_properties.pageSetUpPr.fitToPage = True

    def sheet_unit(self) -> None:
        self.sheet_form(spec.UNIT_FORM)

    # -- 公开01表 ------------------------------------------------------------------

    def _classes(self, path: spec.ModelPath) -> list[tuple[str, str]]:
        """The 类 rows: every class of the year, plus any other code the data holds."""
        classes = list(self.yd.function_classes)
        known = {c for c, _ in classes}
        for code in self.get(path, {}) or {}:
            if code not in known:
                classes.append((code, code))
                known.add(code)
        return classes

    def _setup_print(self, ws: Worksheet, landscape: bool = True) -> None:
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True

    def sheet_t01(self) -> None:
        w = self.new_sheet(self.yd.tables["t01"].code)
        ncols = 6
        w.widths([36, 6, 16, 36, 6, 16])
        self.table_head(w, "t01", ncols)
        w.put(4, 1, "收入", "header", to_col=3)
        w.put(4, 4, "支出", "header", to_col=6)
        for c, text in enumerate(("项目", "行次", "金额", "项目", "行次", "金额"), start=1):
            w.put(5, c, text, "header")
        for c, caption in enumerate(("栏次", "", 1, "栏次", "", 2), start=1):
            w.put(6, c, caption or None, "header")
        classes = self._classes(("t01", "expense_by_class"))
        body = max(len(spec.T01_INCOME), len(classes))
        row0 = 7
        for i in range(body):
            r = row0 + i
            w.put(r, 2, i + 1, "center")
            w.put(r, 5, body + 4 + i + 1, "center")
            if i < len(spec.T01_INCOME):
                name, labels = spec.T01_INCOME[i]
                w.put(r, 1, f"{cn_number(i + 1)}、{labels[0]}", "label")
                self.money(w, r, 3, ("t01", name))
            else:
                w.put(r, 1, None, "label")
                w.put(r, 3, None, "grey")
            if i < len(classes):
                code, cname = classes[i]
                label = f"{cn_number(i + 1)}、{cname}" if cname != code else code
                w.put(r, 4, label, "label")
                value = self.get(("t01", "expense_by_class", code), None)
                w.put(r, 6, _num(value), "money")
                self.record(("t01", "expense_by_class", code), w.ws, r, 6)
            else:
                w.put(r, 4, None, "label")
                w.put(r, 6, None, "grey")
        r = row0 + body
        for i, ((lname, ltext, _), (rname, rtext, _)) in enumerate(
            zip(spec.T01_INCOME_FOOT, spec.T01_EXPENSE_FOOT, strict=False)
        ):
            bold = "label_b" if i in (0, 3) else "label"
            w.put(r + i, 1, ltext, bold)
            w.put(r + i, 2, body + i + 1, "center")
            self.money(w, r + i, 3, ("t01", lname))
            w.put(r + i, 4, rtext, bold)
            w.put(r + i, 5, 2 * body + 4 + i + 1, "center")
            self.money(w, r + i, 6, ("t01", rname))
        self.table_note(w, "t01", r + 4, ncols)
        w.ws.freeze_panes = "A7"
        self._setup_print(w.ws, landscape=False)

    # -- 公开04表 ------------------------------------------------------------------

    def sheet_t04(self) -> None:
        w = self.new_sheet(self.yd.tables["t04"].code)
        ncols = 9
        w.widths([30, 6, 15, 30, 6, 15, 15, 15, 15])
        self.table_head(w, "t04", ncols)
        w.put(4, 1, "收入", "header", to_col=3)
        w.put(4, 4, "支出", "header", to_col=9)
        heads = ("项目", "行次", "金额", "项目", "行次", *(h for _, h in spec.T04_SPLIT))
        for c, text in enumerate(heads, start=1):
            w.put(5, c, text, "header")
        for c, caption in enumerate(("栏次", "", 1, "栏次", "", 2, 3, 4, 5), start=1):
            w.put(6, c, caption or None, "header")
        classes = self._classes(("t04", "expense_by_class"))
        body = max(len(spec.T04_INCOME), len(classes))
        row0 = 7

        def split_row(r: int, path: spec.ModelPath, present: bool = True) -> None:
            for j, (fname, _) in enumerate(spec.T04_SPLIT):
                if present:
                    self.money(w, r, 6 + j, (*path, fname))
                else:
                    w.put(r, 6 + j, None, "grey")

        for i in range(body):
            r = row0 + i
            w.put(r, 2, i + 1, "center")
            w.put(r, 5, body + 6 + i + 1, "center")
            if i < len(spec.T04_INCOME):
                name, label, _ = spec.T04_INCOME[i]
                w.put(r, 1, f"{cn_number(i + 1)}、{label}", "label")
                self.money(w, r, 3, ("t04", name))
            else:
                w.put(r, 1, None, "label")
                w.put(r, 3, None, "grey")
            if i < len(classes):
                code, cname = classes[i]
                w.put(r, 4, f"{cn_number(i + 1)}、{cname}" if cname != code else code, "label")
                split = self.get(("t04", "expense_by_class", code), None)
                for j, (fname, _) in enumerate(spec.T04_SPLIT):
                    value = getattr(split, fname) if split is not None else None
                    w.put(r, 6 + j, _num(value), "money")
                    self.record(("t04", "expense_by_class", code, fname), w.ws, r, 6 + j)
            else:
                w.put(r, 4, None, "label")
                split_row(r, (), present=False)
        r = row0 + body
        left = [
            ("本年收入合计", ("t04", "income_total"), "label_b"),
            ("年初财政拨款结转和结余", ("t04", "carry_in", "total"), "label"),
            *(
                (f"{cn_number(j + 1)}、{label}", ("t04", "carry_in", fname), "label")
                for j, (fname, label) in enumerate(spec.T04_SPLIT[1:])
            ),
            ("总计", ("t04", "income_grand_total"), "label_b"),
        ]
        right = {
            0: ("本年支出合计", ("t04", "expense_total"), "label_b"),
            1: ("年末财政拨款结转和结余", ("t04", "carry_out"), "label"),
            len(left) - 1: ("总计", ("t04", "expense_grand_total"), "label_b"),
        }
        for i, (text, path, style) in enumerate(left):
            w.put(r + i, 1, text, style)
            w.put(r + i, 2, body + i + 1, "center")
            self.money(w, r + i, 3, path)
            w.put(r + i, 5, 2 * body + 6 + i + 1, "center")
            if i in right:
                rtext, rpath, rstyle = right[i]
                w.put(r + i, 4, rtext, rstyle)
                split_row(r + i, rpath)
            else:
                w.put(r + i, 4, None, "label")
                split_row(r + i, (), present=False)
        self.table_note(w, "t04", r + len(left), ncols)
        w.ws.freeze_panes = "A7"
        self._setup_print(w.ws)

    # -- 科目 tables -----------------------------------------------------------------

    def sheet_row_table(self, key: str) -> None:
        table = spec.ROW_TABLES[key]
        w = self.new_sheet(self.yd.tables[key].code)
        cols = table.cols
        ncols = 2 + len(cols)
        w.widths([12, 38, *([15] * len(cols))])
        self.table_head(w, key, ncols)
        w.put(4, 1, "项目", "header", to_col=2)
        w.put(5, 1, "科目编码", "header")
        w.put(5, 2, "科目名称", "header")
        c = 3
        while c < 3 + len(cols):
            col = cols[c - 3]
            if col.group:
                span = [x for x in cols if x.group == col.group]
                w.put(4, c, col.group, "header", to_col=c + len(span) - 1)
                for j, x in enumerate(span):
                    w.put(5, c + j, x.header, "header")
                c += len(span)
            else:
                w.put(4, c, col.header, "header", to_row=5)
                c += 1
        w.put(6, 1, "栏次", "header", to_col=2)
        for j in range(len(cols)):
            w.put(6, 3 + j, j + 1, "header")
        w.height(4, 30)
        w.height(5, 30)
        # 合计 row first, as the national layout prints it
        w.put(7, 1, "合计", "label_b", to_col=2)
        for j, col in enumerate(cols):
            self.money(w, 7, 3 + j, (key, "totals", col.field))
        rows = list(self.get((key, "rows"), []) or [])
        spare = 30 if self.blank else 10
        r = 8
        for i in range(len(rows) + spare):
            row = rows[i] if i < len(rows) else None
            w.put(r, 1, row.code if row else None, "codecell")
            level = row.level if row else 1
            name = ("　" * (level - 1) + row.name) if row else None
            w.put(r, 2, name, "text")
            for j, col in enumerate(cols):
                w.put(r, 3 + j, _num(getattr(row, col.field)) if row else None, "money")
                if row:
                    self.record((key, "rows", i, col.field), w.ws, r, 3 + j)
            r += 1
        self.places[(key, "code_col")] = f"'{w.ws.title}'!$A:$A"
        first_amount = 3 + next(j for j, col in enumerate(cols) if col.field in ("total", "expense"))
        self.places[(key, "amount_col")] = (
            f"'{w.ws.title}'!${col_letter(first_amount)}:${col_letter(first_amount)}"
        )
        self.table_note(w, key, r, ncols)
        if key in ("t07", "t08") and not self.blank:
            table_data: FundTable = self.get((key,))
            if table_data.is_empty and self.yd.tables[key].empty_note:
                w.put(r + 1, 1, self.yd.tables[key].empty_note, "note", to_col=ncols)
        w.ws.freeze_panes = "C7"
        self._setup_print(w.ws, landscape=len(cols) > 4)

    # -- 公开06表 ------------------------------------------------------------------

    def sheet_t06(self) -> None:
        w = self.new_sheet(self.yd.tables["t06"].code)
        ncols = 6
        w.widths([12, 30, 15, 12, 30, 15])
        self.table_head(w, "t06", ncols)
        for g, (_, label, _) in enumerate(spec.T06_GROUPS):
            w.put(4, 1 + 3 * g, label, "header", to_col=3 + 3 * g)
            w.put(5, 1 + 3 * g, "经济分类科目编码", "header")
            w.put(5, 2 + 3 * g, "科目名称", "header")
            w.put(5, 3 + 3 * g, "决算数", "header")
        w.height(5, 30)
        data_rows = {row.code: row for row in (self.get(("t06", "rows"), []) or [])}
        groups: list[list[tuple[str, str]]] = [[], []]
        for cls in self.yd.econ_classes:
            g = 0 if cls.group == "personnel" else 1
            groups[g].append((cls.code, cls.name))
            groups[g].extend(cls.items)
        known = {code for grp in groups for code, _ in grp}
        for code, row in data_rows.items():
            if code in known:
                continue
            g = 0 if self.yd.econ_group(code) == "personnel" else 1
            grp = groups[g]
            pos = max((i for i, (c, _) in enumerate(grp) if c[:3] == code[:3]), default=len(grp) - 1)
            grp.insert(pos + 1, (code, row.name))
            known.add(code)
        index = {row.code: i for i, row in enumerate(self.get(("t06", "rows"), []) or [])}
        body = max(len(g) for g in groups)
        row0 = 6
        for g, grp in enumerate(groups):
            for i in range(body):
                r = row0 + i
                c = 1 + 3 * g
                if i < len(grp):
                    code, name = grp[i]
                    style = "label_b" if len(code) == 3 else "label"
                    w.put(r, c, code, style)
                    w.put(r, c + 1, name if len(code) == 3 else "　" + name, style)
                    row = data_rows.get(code)
                    w.put(r, c + 2, _num(row.amount) if row else None, "money")
                    if row is not None:
                        self.record(("t06", "rows", index[code], "amount"), w.ws, r, c + 2)
                else:
                    w.put(r, c, None, "label")
                    w.put(r, c + 1, None, "label")
                    w.put(r, c + 2, None, "grey")
        r = row0 + body
        for g, (field, _, label) in enumerate(spec.T06_GROUPS):
            w.put(r, 1 + 3 * g, label, "label_b", to_col=2 + 3 * g)
            self.money(w, r, 3 + 3 * g, ("t06", f"{field}_total"))
        self.table_note(w, "t06", r + 1, ncols)
        w.ws.freeze_panes = "A6"
        self._setup_print(w.ws, landscape=False)

    # -- 公开09表 ------------------------------------------------------------------

    SANGONG_ORDER = ("total", "abroad", "car_total", "car_purchase", "car_operation", "reception")

    def sheet_t09(self) -> None:
        w = self.new_sheet(self.yd.tables["t09"].code)
        ncols = 12
        w.widths([11] * 12)
        self.table_head(w, "t09", ncols)
        w.put(4, 1, spec.SANGONG_TOP, "header", to_col=12)
        w.put(5, 1, "合计", "header", to_col=2, to_row=6)
        w.put(5, 3, "因公出国（境）费", "header", to_col=4, to_row=6)
        w.put(5, 5, "公务用车购置及运行维护费", "header", to_col=10)
        w.put(5, 11, "公务接待费", "header", to_col=12, to_row=6)
        w.put(6, 5, "小计", "header", to_col=6)
        w.put(6, 7, "公务用车购置费", "header", to_col=8)
        w.put(6, 9, "公务用车运行维护费", "header", to_col=10)
        w.height(6, 30)
        for j, part in enumerate(self.SANGONG_ORDER):
            w.put(7, 1 + 2 * j, "预算数", "header")
            w.put(7, 2 + 2 * j, "决算数", "header")
            self.money(w, 8, 1 + 2 * j, ("t09", "budget", part))
            self.money(w, 8, 2 + 2 * j, ("t09", "actual", part))
        self.table_note(w, "t09", 9, ncols)
        w.ws.freeze_panes = "A8"
        self._setup_print(w.ws)

    # -- 对比与原因 ------------------------------------------------------------------

    def _current(self, path: spec.ModelPath) -> Any:
        """本年决算数 beside a comparison: a formula finding it in the pasted table by label."""
        lk = self.lookups
        totals = {
            ("comparisons", "total"): "t01",
            ("comparisons", "fiscal"): "t04",
            ("comparisons", "gpb_expense"): "t05",
            ("comparisons", "public_expense"): "t06",
        }
        if path in totals:
            return Formula(lk.total(totals[path]))
        if path in (("comparisons", "fund"), ("comparisons", "soe")):
            return Formula(lk.fund_income_grand("t07" if path[-1] == "fund" else "t08"))
        if path[:2] == ("comparisons", "sangong"):
            return Formula(lk.sangong(str(path[2]), budget=False))
        return None

    #: automatic 项 rows of each list (this year's 项 not typed in the list), and typed spare rows
    AUTO_ROWS = {"t05": 40, "t07": 12, "t08": 12}

    def sheet_compare(self) -> None:
        from generator.workbook.lookups import Lookups

        self.lookups = Lookups(
            {k: self.yd.tables[k].code for k in spec.TABLE_KEYS}, self.money_unit_ref, {}
        )
        w = self.new_sheet(spec.SHEET_COMPARE)
        w.widths([40, 14, 14, 14, 50, 50, 22, 22, 14, 14, 40, 50])
        w.put(1, 1, "与上年及预算对比（变动原因）", "title", to_col=7)
        w.height(1, 30)
        w.put(
            2,
            1,
            "黄色单元格为填写项。灰色的“本年决算数”“全年预算数”由公式按科目编码和标签从粘贴的公开表中查出，仅供核对，"
            "程序不读取。上年决算数、年初预算数留空表示未填写。项级科目的灰色行自动列出公开表中本年的项，"
            "在同一行填写上年决算数和原因即可；本年已没有支出、上年有支出的项级科目，填在下方的空白黄色行"
            "（填写科目编码、名称和类级、款级科目名称）。项级科目的年初预算数、全年预算数、主要用于和预决算差异主要原因，"
            "只有公开格式逐项说明预算执行时（如上海格式）才需填写。",
            "hint",
            to_col=7,
        )
        w.height(2, 60)
        row = 3
        for c, text in enumerate(spec.COMPARE_HEAD, start=1):
            w.put(row, c, text, "header")
        row += 1
        for item in spec.COMPARE_MAIN:
            w.put(row, 1, item.label, "label")
            w.put(row, 2, self._current(item.path), "show")
            self._compare_cells(w, row, item, spec.COMPARE_MAIN_COLS)
            row += 1
        row += 1
        for c, text in enumerate(spec.COMPARE_SANGONG_HEAD, start=1):
            w.put(row, c, text, "header")
        row += 1
        for item in spec.COMPARE_SANGONG:
            w.put(row, 1, item.label, "label")
            w.put(row, 2, self._current(item.path), "show")
            w.put(row, 4, Formula(self.lookups.sangong(str(item.path[2]), budget=True)), "show")
            self._compare_cells(w, row, item, {"prior": 3, "reason": 5, "budget_reason": 6})
            row += 1
        for path, title, key in spec.COMPARE_LISTS:
            row += 1
            w.put(row, 1, title, "section", to_col=7)
            row += 1
            for c, text in enumerate(spec.COMPARE_ITEM_HEAD, start=1):
                w.put(row, c, text, "header")
            row += 1
            items = list(self.get(path, []) or [])
            typed: list[str] = []
            if items:
                first = row
                for i, item in enumerate(items):
                    self._item_row(w, row, key, item)
                    for fname in ("reason", "usage", "budget_reason"):
                        self.record((*path, i, fname), w.ws, row, spec.COMPARE_ITEM_COLS[fname])
                    row += 1
                typed.append(f"$D${first}:$D${row - 1}")
            for k in range(1, self.AUTO_ROWS[key] + 1):  # this year's 项 not typed above or below
                w.put(row, 1, Formula(self.lookups.item_name(key, k)), "show")
                w.ws.cell(row=row, column=1).alignment = Alignment(horizontal="left", vertical="center")
                w.put(row, 2, Formula(self.lookups.item_amount_of(key, f"D{row}")), "show")
                w.put(row, 3, None, "money")
                w.put(row, 4, Formula(self.lookups.item_code(key, k)), "show")
                w.ws.cell(row=row, column=4).alignment = Alignment(horizontal="left", vertical="center")
                w.put(row, 5, None, "longtext")
                w.put(row, 6, None, "grey")
                w.put(row, 7, None, "grey")
                self._item_extra(w, row, None)
                row += 1
            first = row
            for _ in range(10 if self.blank else 5):
                self._item_row(w, row, key, None)
                row += 1
            typed.append(f"$D${first}:$D${row - 1}")
            self.lookups.typed[key] = [f"'{spec.SHEET_COMPARE}'!{r}" for r in typed]
        w.ws.freeze_panes = "B4"
        self.protect(w.ws)
        self._setup_print(w.ws)

    def _item_row(self, w: SheetWriter, row: int, key: str, item: Any) -> None:
        """A typed 项 row: code, name, 上年数, reason, 类/款 names (this year's figure by formula)."""
        w.put(row, 1, item.name if item else None, "text")
        w.put(row, 2, Formula(self.lookups.item_amount_of(key, f"D{row}")), "show")
        w.put(row, 3, _num(item.prior) if item else None, "money")
        w.put(row, 4, item.code if item else None, "codecell")
        w.put(row, 5, (item.reason or None) if item else None, "longtext")
        w.put(row, 6, (item.class_name or None) if item else None, "text")
        w.put(row, 7, (item.item_name or None) if item else None, "text")
        self._item_extra(w, row, item)
        longest = max(len(item.reason), len(item.usage), len(item.budget_reason)) if item is not None else 0
        if longest > 50:
            w.height(row, min(15 * (longest // 40 + 1), 300))

    def _item_extra(self, w: SheetWriter, row: int, item: Any) -> None:
        """A 项 row's 年初预算数, 全年预算数, 主要用于 and 预决算差异主要原因 (the formats that state them)."""
        cols = spec.COMPARE_ITEM_COLS
        for fname in ("budget", "full_budget"):
            w.put(row, cols[fname], _num(getattr(item, fname)) if item else None, "money")
        for fname in ("usage", "budget_reason"):
            w.put(row, cols[fname], (getattr(item, fname) or None) if item else None, "longtext")

    def sheet_calc(self) -> None:
        """The hidden sheet of lookup formulas behind 对比与原因 (see :mod:`generator.workbook.lookups`)."""
        from generator.workbook.lookups import SHEET_CALC

        ws = self.wb.create_sheet(SHEET_CALC)
        for (r, c), formula in self.lookups.cells().items():
            ws.cell(row=r, column=c).value = formula
        ws.sheet_state = "hidden"
        ws.protection.sheet = True

    def _compare_cells(self, w: SheetWriter, row: int, item: spec.CompareRow, cols: dict[str, int]) -> None:
        for fname, col in cols.items():
            if fname not in item.fields:
                w.put(row, col, None, "grey")
                continue
            value = self.get((*item.path, fname), None)
            self.record((*item.path, fname), w.ws, row, col)
            if fname in ("prior", "budget", "full_budget"):
                w.put(row, col, _num(value), "money")
            else:
                w.put(row, col, value or None, "longtext")
                if value and len(value) > 50:
                    w.height(row, min(15 * (len(value) // 40 + 1), 300))

    # -- 绩效项目 / 绩效指标 -----------------------------------------------------------

    def sheet_projects(self) -> None:
        w = self.new_sheet(spec.SHEET_PROJECTS)
        title = spec.project_title
        w.put(1, 1, "项目支出绩效自评表（每个项目一行）", "title", to_col=18)
        w.height(1, 30)
        w.put(2, 1, "金额单位：万元。每个项目一行，行不够可插入；指标填在“绩效指标”表。", "hint", to_col=18)
        w.put(3, 1, spec.PROJECT_NO, "header", to_row=4)
        c = 2
        for name in spec.PROJECT_SCALARS_BEFORE:
            w.put(3, c, title(name), "header", to_row=4)
            c += 1
        for _line, label in spec.PROJECT_LINES:
            w.put(3, c, label, "header", to_col=c + 2)
            for j, (_, sub) in enumerate(spec.FUNDLINE_COLS):
                w.put(4, c + j, sub, "header")
            c += 3
        for name in spec.PROJECT_SCALARS_AFTER:
            w.put(3, c, title(name), "header", to_row=4)
            c += 1
        w.widths([6, 30, 20, 20, *([12] * 9), 8, 8, 40, 40, 10])
        w.height(3, 30)
        w.height(4, 30)
        projects = list(self.get(("performance", "projects"), []) or [])
        row = 5
        for i in range(len(projects) + (10 if self.blank else 5)):
            p = projects[i] if i < len(projects) else None
            w.put(row, 1, i + 1, "center")
            c = 2
            for name in spec.PROJECT_SCALARS_BEFORE:
                w.put(row, c, (getattr(p, name) or None) if p else None, "text")
                c += 1
            for line, _ in spec.PROJECT_LINES:
                for fname, _ in spec.FUNDLINE_COLS:
                    w.put(row, c, _num(getattr(getattr(p, line), fname)) if p else None, "money")
                    c += 1
            for name in spec.PROJECT_SCALARS_AFTER:
                value = getattr(p, name) if p else None
                if name.startswith("goal"):
                    w.put(row, c, value or None, "longtext")
                else:
                    w.put(row, c, _num(value), "number")
                c += 1
            if p is not None and max(len(p.goal_expected), len(p.goal_actual)) > 40:
                w.height(row, min(15 * (max(len(p.goal_expected), len(p.goal_actual)) // 30 + 1), 300))
            row += 1
        w.ws.freeze_panes = "C5"
        self._setup_print(w.ws)

    def sheet_indicators(self) -> None:
        w = self.new_sheet(spec.SHEET_INDICATORS)
        w.put(1, 1, "绩效指标（每个指标一行）", "title", to_col=9)
        w.height(1, 30)
        w.put(
            2,
            1,
            "第一列填“绩效项目”表中的项目名称或序号；同一项目连续的行可只在第一行填写。一级、二级指标可从下拉列表选择。",
            "hint",
            to_col=9,
        )
        heads = [spec.INDICATOR_KEY, *(spec.indicator_title(n) for n in spec.INDICATOR_FIELDS)]
        for c, text in enumerate(heads, start=1):
            w.put(3, c, text, "header")
        w.widths([28, 12, 14, 32, 16, 16, 8, 8, 40])
        w.height(3, 30)
        projects = list(self.get(("performance", "projects"), []) or [])
        names = [p.name for p in projects]
        by_number = len(set(names)) != len(names)
        row = 4
        for pi, p in enumerate(projects):
            for _k, ind in enumerate(p.indicators):
                key = (pi + 1) if by_number else p.name
                w.put(row, 1, key, "text")
                for c, name in enumerate(spec.INDICATOR_FIELDS, start=2):
                    value = getattr(ind, name)
                    if isinstance(value, Decimal):
                        w.put(row, c, _num(value), "number")
                    else:
                        w.put(row, c, value or None, "longtext" if name == "deviation" else "text")
                row += 1
        for _ in range(40 if self.blank else 10):
            w.put(row, 1, None, "text")
            for c, name in enumerate(spec.INDICATOR_FIELDS, start=2):
                w.put(row, c, None, "number" if name in ("weight", "score") else "text")
            row += 1
        last = max(row + 500, 1000)
        dv1 = DataValidation(type="list", formula1='"' + ",".join(spec.LEVEL1) + '"', allow_blank=True)
        dv1.error = "一级指标应为：" + "、".join(spec.LEVEL1)
        dv1.errorTitle = "一级指标"
        dv2 = DataValidation(
            type="list", formula1='"' + ",".join(spec.LEVEL2) + '"', allow_blank=True, errorStyle="warning"
        )
        dv2.error = "不在常用二级指标中，确认要使用吗？"
        dv2.errorTitle = "二级指标"
        for dv in (dv1, dv2):
            w.ws.add_data_validation(dv)
        dv1.add(f"B4:B{last}")
        dv2.add(f"C4:C{last}")
        w.ws.freeze_panes = "B4"
        self._setup_print(w.ws)


def write_template(
    out: Path,
    data: Disclosure | None = None,
    year: int | None = None,
    hints: dict[spec.ModelPath, str] | None = None,
    *,
    prefill: bool = False,
    guide_extra: list[tuple[str, list[str]]] | None = None,
) -> None:
    """Write the standard workbook to ``out`` (.xlsx): blank when ``data`` is None, else
    filled from ``data`` (amounts in 万元, rows added as needed).  ``year`` selects the year
    data (科目, table titles); default: the data's year, or last year.
    ``hints``: per model path a text shown as the cell's comment (批注), e.g. the units' own
    reasons beside a department's blank reason; comments are never read back as data.
    ``prefill``: take only 单位信息 and 对比与原因 from ``data`` (next year's workbook);
    ``guide_extra``: sections added to 填表说明.  The file is written to a temporary name and
    moved into place."""
    out = Path(out)
    writer = TemplateWriter(data, year, prefill=prefill)
    writer.guide_extra = list(guide_extra or [])
    wb = writer.build()
    for path, text in (hints or {}).items():
        place = writer.places.get(tuple(path))
        if place is None:
            continue
        sheet, cell = place.rsplit("!", 1)
        comment = Comment(text, "juesuan-gen")
        comment.width, comment.height = 420, min(60 + 18 * text.count("\n"), 400)
        wb[sheet.strip("'")][cell.replace("$", "")].comment = comment
    with atomic_target(out) as tmp:
        wb.save(tmp)


def _unwrap_enum(model: type[BaseModel], name: str) -> type[Enum]:
    """The Enum class of ``model.name`` (``UnitKind | None`` → ``UnitKind``)."""
    base = spec._unwrap(model.model_fields[name].annotation)[0]
    assert isinstance(base, type) and issubclass(base, Enum), (model, name)
    return base
