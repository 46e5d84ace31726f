"""Helpers for the workbook and input tests (no tests here).

* :func:`rich_unit` — the consistent factory unit with a 政府性基金 table, made richer
  (two 绩效 projects, an indicator value starting with ``=``, long texts with line breaks).
* :func:`export_tables` — writes the nine 公开表 the way other generators and the reporting
  software lay them out (titles with the year, split or spaced 科目编码, 合计 at the bottom,
  ``决算数`` sub-headers, blank zeros, amounts as text or in 元), at any offset.
* :func:`xlsx_to_xls` — copies a workbook's values and merges into a real .xls with xlwt.
* :func:`encrypted_ole` — a compound file shaped like a password-protected xlsx.
* :func:`model_diff` — readable differences between two models.

All amounts are in 万元 unless a helper says 元.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from factories import make_fund_disclosure

from generator.inputs import dump_json
from generator.model import Disclosure, Indicator, Project
from generator.workbook import spec
from generator.yeardata import load_year

CN = "零一二三四五六七八九"


def cn(n: int) -> str:
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + ("" if ones == 0 else CN[ones])


def rich_unit() -> Disclosure:
    """The factory unit with a fund table, plus a second project and awkward texts."""
    d = make_fund_disclosure()
    first = d.performance.projects[0]
    second = Project(
        name="测试信息化运维项目",
        supervisor="测试市某某局",
        implementer="测试市某某中心",
        total=first.total.model_copy(update={"initial_budget": Decimal("12.34")}),
        fiscal=first.fiscal,
        other=first.other,
        fund_weight=Decimal(10),
        fund_score=Decimal("9.5"),
        goal_expected="1. 完成系统运维；\n2. 保障数据安全。",
        goal_actual="全部完成。",
        indicators=[
            Indicator(
                level1="成本指标",
                level2="经济成本指标",
                level3="运维费用",
                target="<=12万元",
                actual="=11.8万元",
                weight=Decimal(20),
                score=Decimal("19.66"),
            ),
            Indicator(
                level1="产出指标",
                level2="时效指标",
                level3="故障响应时间",
                target="<=2小时",
                actual="=1.5小时",
                weight=Decimal(80),
                score=Decimal(80),
            ),
        ],
        total_score=Decimal("99.66"),
    )
    perf = d.performance.model_copy(update={"projects": [first, second], "project_count": 2})
    unit = d.unit.model_copy(
        update={
            "subunits": ["测试市某某中心分中心"],
            "functions": ["1. 负责本市某某业务的受理和办理。", "2. 承办上级交办的其他事项。"],
        }
    )
    return d.model_copy(
        update={
            "performance": perf,
            "unit": unit,
            "other_matters": "本单位无其他需说明的事项。",
            "preparer_notes": "数据取自决算软件导出表。\n上年数取自2023年决算公开。\n",
        }
    )


def model_diff(a: Disclosure, b: Disclosure) -> list[str]:
    """Paths where two models differ, via the canonical JSON."""
    out: list[str] = []

    def walk(x: Any, y: Any, path: str) -> None:
        if type(x) is not type(y):
            out.append(f"{path}: {x!r} != {y!r}")
        elif isinstance(x, dict):
            for k in sorted(set(x) | set(y)):
                walk(x.get(k), y.get(k), f"{path}.{k}")
        elif isinstance(x, list):
            if len(x) != len(y):
                out.append(f"{path}: {len(x)} items != {len(y)} items")
            for i, (u, v) in enumerate(zip(x, y, strict=False)):
                walk(u, v, f"{path}[{i}]")
        elif x != y:
            out.append(f"{path}: {x!r} != {y!r}")

    walk(json.loads(dump_json(a)), json.loads(dump_json(b)), "")
    return out


# ---------------------------------------------------------------------------- export-style tables


class Grid:
    """Cells and merges of one table before it is placed on a sheet (0-based, relative)."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], Any] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.row = 0

    def put(
        self, row: int, col: int, value: Any, to_row: int | None = None, to_col: int | None = None
    ) -> None:
        if value is not None:
            self.cells[(row, col)] = value
        if to_row is not None or to_col is not None:
            self.merges.append(
                (row, col, to_row if to_row is not None else row, to_col if to_col is not None else col)
            )

    def line(self, *values: Any) -> int:
        for c, v in enumerate(values):
            self.put(self.row, c, v)
        self.row += 1
        return self.row - 1

    @property
    def height(self) -> int:
        return max((r for r, _ in self.cells), default=-1) + 1


class Exporter:
    """Lays out the nine tables like exported 决算 tables.

    ``code_style``: ``joined`` (2010350), ``spaced`` (201 03 50), ``dotted`` (201.03.50) or
    ``split`` (类 | 款 | 项 columns).  ``unit``: ``万元`` or ``元`` (amounts ×10000 and the
    table says 金额单位：元).  ``as_text``: amounts written as text ``"1,234.56"``.
    ``blank_zero``: zero amounts left blank."""

    def __init__(
        self,
        d: Disclosure,
        *,
        code_style: str = "joined",
        unit: str = "万元",
        as_text: bool = False,
        blank_zero: bool = False,
        title_prefix: str = "2024年度",
    ):
        self.d = d
        self.code_style = code_style
        self.unit = unit
        self.as_text = as_text
        self.blank_zero = blank_zero
        self.title_prefix = title_prefix
        self.yd = load_year(d.unit.year)

    def amount(self, value: Decimal | None) -> Any:
        if value is None:
            return None
        if value == 0 and self.blank_zero:
            return None
        if self.unit == "元":
            value = value * 10000
        if self.as_text:
            return f"{value:,.2f}"
        return float(value) if value != value.to_integral_value() else int(value)

    def code_cells(self, code: str) -> list[Any]:
        parts = [code[:3], code[3:5], code[5:7]]
        if self.code_style == "split":
            return parts
        if self.code_style == "spaced":
            return [" ".join(p for p in parts if p)]
        if self.code_style == "dotted":
            return [".".join(p for p in parts if p)]
        return [code]

    @property
    def ncode(self) -> int:
        return 3 if self.code_style == "split" else 1

    def head(self, g: Grid, key: str, ncols: int) -> None:
        info = self.yd.tables[key]
        g.put(0, 0, self.title_prefix + info.title, to_col=ncols - 1)
        g.put(1, ncols - 1, info.code)
        g.put(2, 0, f"单位：{self.d.unit.name}")
        g.put(2, ncols - 1, f"金额单位：{self.unit}")
        g.row = 3

    def note(self, g: Grid, key: str) -> None:
        g.line(self.yd.tables[key].note)

    def t01(self) -> Grid:
        g, t = Grid(), self.d.t01
        self.head(g, "t01", 6)
        g.put(3, 0, "收入", to_col=2)
        g.put(3, 3, "支出", to_col=5)
        g.row = 4
        g.line("项目", "行次", "金额", "项目", "行次", "金额")
        g.line("栏次", None, 1, "栏次", None, 2)
        classes = self.yd.function_classes
        for i in range(len(classes)):
            left = spec.T01_INCOME[i] if i < len(spec.T01_INCOME) else None
            code, name = classes[i]
            g.line(
                f"{cn(i + 1)}、{left[1][0]}" if left else None,
                i + 1,
                self.amount(getattr(t, left[0])) if left else None,
                f"{cn(i + 1)}、{name}",
                40 + i,
                self.amount(t.expense_by_class.get(code)),
            )
        for (lf, ltext, _), (rf, rtext, _) in zip(spec.T01_INCOME_FOOT, spec.T01_EXPENSE_FOOT, strict=False):
            g.line(ltext, None, self.amount(getattr(t, lf)), rtext, None, self.amount(getattr(t, rf)))
        self.note(g, "t01")
        return g

    def t04(self) -> Grid:
        g, t = Grid(), self.d.t04
        self.head(g, "t04", 7)
        g.put(3, 0, "收入", to_col=1)
        g.put(3, 2, "支出", to_col=6)
        g.row = 4
        g.line("项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款")
        g.put(4, 6, "国有资本经营预算财政拨款")
        classes = self.yd.function_classes
        incomes = [
            ("一、一般公共预算财政拨款", t.gpb_income),
            ("二、政府性基金预算财政拨款", t.fund_income),
            ("三、国有资本经营预算财政拨款", t.soe_income),
        ]
        for i, (code, name) in enumerate(classes):
            left = incomes[i] if i < 3 else (None, None)
            split = t.expense_by_class.get(code)
            g.line(
                left[0],
                self.amount(left[1]),
                f"{cn(i + 1)}、{name}",
                *((self.amount(getattr(split, f)) for f in ("total", "gpb", "fund", "soe")) if split else ()),
            )
        foot_left = [
            ("本年收入合计", t.income_total),
            ("年初财政拨款结转和结余", t.carry_in.total),
            ("  一般公共预算财政拨款", t.carry_in.gpb),
            ("  政府性基金预算财政拨款", t.carry_in.fund),
            ("  国有资本经营预算财政拨款", t.carry_in.soe),
            ("总计", t.income_grand_total),
        ]
        foot_right = {
            0: ("本年支出合计", t.expense_total),
            1: ("年末财政拨款结转和结余", t.carry_out),
            5: ("总计", t.expense_grand_total),
        }
        for i, (label, value) in enumerate(foot_left):
            right = foot_right.get(i)
            cells = [label, self.amount(value)]
            if right:
                cells += [
                    right[0],
                    *(self.amount(getattr(right[1], f)) for f in ("total", "gpb", "fund", "soe")),
                ]
            g.line(*cells)
        self.note(g, "t04")
        return g

    def row_table(self, key: str) -> Grid:
        g = Grid()
        table = getattr(self.d, key)
        cols = spec.ROW_TABLES[key].cols
        nc = self.ncode
        ncols = nc + 1 + len(cols)
        self.head(g, key, ncols)
        g.put(3, 0, "项目", to_col=nc)
        if nc == 3:
            g.put(4, 0, "科目编码", to_col=2)
            g.put(5, 0, "类")
            g.put(5, 1, "款")
            g.put(5, 2, "项")
            g.put(4, 3, "科目名称", to_row=5)
        else:
            g.put(4, 0, "功能分类科目编码", to_row=5)
            g.put(4, 1, "科目名称", to_row=5)
        c = nc + 1
        for col in cols:
            if col.group:
                if col.field == "expense":
                    g.put(3, c, col.group, to_col=c + 2)
                g.put(4, c, "小计" if col.field == "expense" else col.header)
            else:
                g.put(3, c, col.header, to_row=4)
            g.put(5, c, "决算数")
            c += 1
        g.row = 6
        for row in table.rows:
            indent = "  " * (row.level - 1)
            g.line(
                *self.code_cells(row.code),
                indent + row.name,
                *(self.amount(getattr(row, col.field)) for col in cols),
            )
        g.put(g.row, 0, "合计", to_col=nc)
        for j, col in enumerate(cols):
            g.put(g.row, nc + 1 + j, self.amount(getattr(table.totals, col.field)))
        g.row += 1
        self.note(g, key)
        return g

    def t06(self) -> Grid:
        g, t = Grid(), self.d.t06
        split = self.code_style == "split"
        per = 4 if split else 3
        self.head(g, "t06", 2 * per)
        for k, label in enumerate(("人员经费", "公用经费")):
            base = k * per
            g.put(3, base, label, to_col=base + per - 1)
            if split:
                g.put(4, base, "经济分类科目编码", to_col=base + 1)
                g.put(5, base, "类")
                g.put(5, base + 1, "款")
                g.put(4, base + 2, "科目名称", to_row=5)
                g.put(4, base + 3, "决算数", to_row=5)
            else:
                g.put(4, base, "科目编码")
                g.put(4, base + 1, "科目名称")
                g.put(4, base + 2, "决算数")
        g.row = 6 if split else 5
        sides: list[list[Any]] = [[], []]
        for row in t.rows:
            side = 0 if self.yd.econ_group(row.code) == "personnel" else 1
            code = [row.code[:3], row.code[3:]] if split else [row.code]
            if split and len(row.code) == 5:
                code = [None, row.code[3:]]  # only the 款 part below its 类 row
            sides[side].append([*code, row.name, self.amount(row.amount)])
        for i in range(max(len(s) for s in sides)):
            cells: list[Any] = []
            for s in sides:
                cells += s[i] if i < len(s) else [None] * per
            g.line(*cells)
        g.line(
            "人员经费合计",
            *([None] * (per - 2)),
            self.amount(t.personnel_total),
            "公用经费合计",
            *([None] * (per - 2)),
            self.amount(t.public_total),
        )
        self.note(g, "t06")
        return g

    def t09(self) -> Grid:
        g, t = Grid(), self.d.t09
        self.head(g, "t09", 12)
        g.put(3, 0, "合计", to_row=4, to_col=1)
        g.put(3, 2, "因公出国（境）费", to_row=4, to_col=3)
        g.put(3, 4, "公务用车购置及运行费", to_col=9)
        g.put(4, 4, "小计", to_col=5)
        g.put(4, 6, "公务用车购置费", to_col=7)
        g.put(4, 8, "公务用车运行费", to_col=9)
        g.put(3, 10, "公务接待费", to_row=4, to_col=11)
        g.row = 5
        g.line(*(["预算数", "决算数"] * 6))
        cells = []
        for part in ("total", "abroad", "car_total", "car_purchase", "car_operation", "reception"):
            cells += [self.amount(getattr(t.budget, part)), self.amount(getattr(t.actual, part))]
        g.line(*cells)
        self.note(g, "t09")
        return g

    def grids(self) -> dict[str, Grid]:
        out = {"t01": self.t01(), "t04": self.t04(), "t06": self.t06(), "t09": self.t09()}
        for key in ("t02", "t03", "t05", "t07", "t08"):
            out[key] = self.row_table(key)
        return {k: out[k] for k in spec.TABLE_KEYS}


def place(ws, grid: Grid, row0: int, col0: int) -> None:
    """Put a grid on an openpyxl sheet with its top-left at (row0, col0), 1-based."""
    for (r, c), v in grid.cells.items():
        ws.cell(row=row0 + r, column=col0 + c, value=v)
    for r1, c1, r2, c2 in grid.merges:
        if (r1, c1) != (r2, c2):
            ws.merge_cells(
                start_row=row0 + r1, start_column=col0 + c1, end_row=row0 + r2, end_column=col0 + c2
            )


def replace_tables(
    template: Path,
    out: Path,
    exporter: Exporter,
    *,
    one_sheet: bool = False,
    row0: int = 1,
    col0: int = 1,
    sheet_name: str = "Sheet{n}",
) -> None:
    """The filled template with its nine table sheets replaced by export-style tables."""
    wb = openpyxl.load_workbook(template)
    codes = [exporter.yd.tables[k].code for k in spec.TABLE_KEYS]
    for code in codes:
        del wb[code]
    grids = exporter.grids()
    if one_sheet:
        ws = wb.create_sheet("决算报表")
        r = row0
        for grid in grids.values():
            place(ws, grid, r, col0)
            r += grid.height + 3
    else:
        for n, grid in enumerate(grids.values(), start=1):
            ws = wb.create_sheet(sheet_name.format(n=n))
            place(ws, grid, row0, col0)
    wb.save(out)


# ---------------------------------------------------------------------------- .xls and OLE


def xlsx_to_xls(src: Path, dst: Path) -> None:
    """Copy every sheet's values (formula cells left blank) and merges to a .xls via xlwt."""
    import xlwt

    wb = openpyxl.load_workbook(src)
    out = xlwt.Workbook(encoding="utf-8")
    for ws in wb.worksheets:
        sheet = out.add_sheet(ws.title[:31], cell_overwrite_ok=True)
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
        covered = {
            (r, c)
            for (r1, c1), (r2, c2) in merged.items()
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
            if (r, c) != (r1, c1)
        }
        for (r, c), cell in ws._cells.items():
            if (r, c) in covered:
                continue
            value = cell.value
            if cell.data_type == "f":
                value = None
            elif isinstance(value, Decimal):
                value = float(value)
            if (r, c) in merged:
                r2, c2 = merged[(r, c)]
                sheet.write_merge(r - 1, r2 - 1, c - 1, c2 - 1, value if value is not None else "")
            elif value is not None:
                sheet.write(r - 1, c - 1, value)
    out.save(str(dst))


def encrypted_ole(path: Path) -> None:
    """A compound (OLE2) file whose stream is named like an encrypted xlsx's package.

    An xlsx protected by an opening password is an OLE2 container holding ``EncryptionInfo``
    and ``EncryptedPackage`` streams instead of a zip.  xlwt writes a valid compound file with
    one ``Workbook`` stream; the stream's directory name is rewritten to ``EncryptedPackage``."""
    import xlwt
    from xlwt.CompoundDoc import XlsDoc

    buf = io.BytesIO()
    XlsDoc().save(buf, b"\x00" * 8192)
    data = bytearray(buf.getvalue())
    old = "Workbook\x00".encode("utf-16-le")
    start = data.index(old)
    new = "EncryptedPackage\x00".encode("utf-16-le")
    data[start : start + 64] = new.ljust(64, b"\x00")
    data[start + 64 : start + 66] = len(new).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    assert xlwt  # imported for its CompoundDoc module
