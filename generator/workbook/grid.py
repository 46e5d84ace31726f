"""Open a workbook (.xlsx or .xls) into plain grids of cell values, whatever wrote it.

A :class:`Book` is a list of :class:`Sheet` grids: the cached value of every non-empty
cell, which cells hold formulas (so a formula without a calculated value is never taken
for a blank), and the merged ranges.  The reader works on these grids only, so .xlsx
(openpyxl) and .xls (xlrd, as the reporting software exports) behave the same.

Opening problems raise :class:`~generator.errors.InputUnreadable` with a Chinese message
naming the file: not a workbook, encrypted, corrupt or truncated.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import InputUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

Pos = tuple[int, int]


def col_letter(col: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Sheet:
    """One worksheet: ``cells[(row, col)]`` (1-based) holds every non-empty cached value."""

    name: str
    cells: dict[Pos, Any] = field(default_factory=dict)
    formulas: set[Pos] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    max_row: int = 0
    max_col: int = 0
    _merge_of: dict[Pos, tuple[int, int, int, int]] = field(default_factory=dict, repr=False)

    def finish(self) -> None:
        """Index merges and bounds after loading."""
        for rng in self.merged:
            r1, c1, r2, c2 = rng
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._merge_of[(r, c)] = rng
        rows = [r for r, _ in self.cells] + [r for r, _ in self.formulas]
        cols = [c for _, c in self.cells] + [c for _, c in self.formulas]
        self.max_row = max(rows, default=0)
        self.max_col = max(cols, default=0)

    def get(self, row: int, col: int) -> Any:
        """The cached value at (row, col), ``None`` when empty."""
        return self.cells.get((row, col))

    def get_merged(self, row: int, col: int) -> Any:
        """The value at (row, col), or of the merged range covering it."""
        rng = self._merge_of.get((row, col))
        if rng is not None:
            return self.cells.get((rng[0], rng[1]))
        return self.cells.get((row, col))

    def merge_of(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        return self._merge_of.get((row, col))

    def is_formula(self, row: int, col: int) -> bool:
        return (row, col) in self.formulas

    def addr(self, row: int, col: int) -> str:
        """``公开01表!C12``."""
        return f"{self.name}!{col_letter(col)}{row}"

    def row_cells(self, row: int) -> list[tuple[int, Any]]:
        """Non-empty cells of a row, left to right."""
        return sorted((c, v) for (r, c), v in self.cells.items() if r == row)

    def rows_index(self) -> dict[int, list[tuple[int, Any]]]:
        """All non-empty cells grouped by row (computed once by callers)."""
        out: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), v in self.cells.items():
            out.setdefault(r, []).append((c, v))
        for cells in out.values():
            cells.sort()
        return out


@dataclass
class Book:
    path: Path
    sheets: list[Sheet]
    fmt: str  # "xlsx" or "xls"

    def sheet(self, name: str) -> Sheet | None:
        for s in self.sheets:
            if s.name == name:
                return s
        stripped = name.strip()
        for s in self.sheets:
            if s.name.strip() == stripped:
                return s
        return None


def _keep(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip() == "")


def open_book(path: Path, engine: str = "auto") -> Book:
    """Open ``path`` by its content (not its extension).  Raises InputUnreadable.

    An .xlsx is read by :mod:`generator.workbook.fastxlsx` when it can give exactly the
    values openpyxl gives, else by openpyxl; ``engine="openpyxl"`` always uses openpyxl and
    ``engine="fast"`` never does (it raises when the fast reader declines; for tests)."""
    where = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputUnreadable(f"{where}：文件不存在") from None
    except IsADirectoryError:
        raise InputUnreadable(f"{where}：这是一个文件夹，不是工作簿") from None
    except OSError as exc:
        raise InputUnreadable(f"{where}：无法读取文件（{exc.strerror or exc}）") from None
    if not data:
        raise InputUnreadable(f"{where}：文件是空的（0 字节），不是 Excel 工作簿")
    if data.startswith(OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTION_STREAMS):
            raise InputUnreadable(
                f"{where}：工作簿设有打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开，"
                "取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存，再试"
            )
        return _open_xls(path, data)
    if data.startswith(ZIP_MAGIC):
        return _open_xlsx(path, data, engine)
    if path.name.startswith("~$"):
        raise InputUnreadable(
            f"{where}：这是 Excel/WPS 打开工作簿时留下的临时锁定文件，不是 Excel 工作簿。"
            f"请选择工作簿本身（{path.name[2:]}）；工作簿仍在 Excel/WPS 中打开时，先保存并关闭"
        )
    if data.startswith(b"%PDF"):
        raise InputUnreadable(f"{where}：这是 PDF 文件（可能是已生成的公开说明），不是 Excel 工作簿，请选择填好的 .xlsx 工作簿")
    head = data[:2048].lower()
    if b"<html" in head or b"<table" in head or b"<!doctype html" in head:
        raise InputUnreadable(
            f"{where}：这是网页（HTML）格式的表格，只是扩展名为 Excel。请用 Excel 或 WPS 打开后另存为 .xlsx 再试"
        )
    raise InputUnreadable(
        f"{where}：不是 Excel 工作簿（内容既不是 .xlsx 也不是 .xls 格式；"
        "可能是改了扩展名的其他文件）。请用 Excel 或 WPS 另存为 .xlsx 后再试"
    )


def _open_xlsx(path: Path, data: bytes, engine: str = "auto") -> Book:
    import io

    where = str(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            bad = zf.testzip()
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise InputUnreadable(
            f"{where}：文件已损坏或不完整（xlsx 压缩包无法解开），请重新导出或另存后再试"
        ) from None
    if bad is not None:
        raise InputUnreadable(f"{where}：文件已损坏（压缩包中的 {bad} 校验失败），请重新导出或另存后再试")
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        if b"opendocument.spreadsheet" in mimetype:
            raise InputUnreadable(
                f"{where}：这是 OpenDocument 表格（.ods，LibreOffice、WPS 可保存的格式），不能直接读取。"
                "请在 WPS、Excel 或 LibreOffice 中打开，另存为 Excel 工作簿（.xlsx）后再试"
            )
        if "word/document.xml" in names or b"opendocument.text" in mimetype:
            raise InputUnreadable(f"{where}：这是 Word 文档（可能是已生成的公开说明），不是 Excel 工作簿，请选择填好的 .xlsx 工作簿")
        raise InputUnreadable(
            f"{where}：压缩包中没有工作簿内容，不是 Excel 工作簿（可能是 Word 文档等其他文件）"
        )
    if engine != "openpyxl":
        book = _fast_xlsx(path, data, strict=engine == "fast")
        if book is not None:
            return book
    return _openpyxl_xlsx(path, data)


def _fast_xlsx(path: Path, data: bytes, strict: bool = False) -> Book | None:
    """The workbook read by :mod:`generator.workbook.fastxlsx` (the same values openpyxl
    gives, without its object model), or ``None`` when that reader declines it (``strict``:
    raise instead)."""
    import io

    from generator.workbook.fastxlsx import read_values

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            grids = read_values(zf)
    except Exception:  # noqa: BLE001 - anything unusual: openpyxl reads it (and reports it) as before
        if strict:
            raise
        return None
    sheets: list[Sheet] = []
    for name, cells, merged, formulas in grids:
        sheet = Sheet(name)
        sheet.cells = {pos: value for pos, value in cells.items() if _keep(value)}
        sheet.merged = merged
        sheet.formulas = formulas
        sheet.finish()
        sheets.append(sheet)
    return Book(path, sheets, "xlsx")


def _openpyxl_xlsx(path: Path, data: bytes) -> Book:
    import io
    import warnings

    import openpyxl

    where = str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            try:
                formula_cells = _formula_cells(data)
                formulas = None
            except Exception:  # noqa: BLE001 - unusual package layout: let openpyxl find the formulas
                formula_cells = None
                formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on malformed parts
        raise InputUnreadable(
            f"{where}：工作簿内容无法解析（{type(exc).__name__}：{exc}），请用 Excel 或 WPS 打开后另存再试"
        ) from None
    sheets: list[Sheet] = []
    for ws in values.worksheets:
        sheet = Sheet(ws.title)
        for (r, c), cell in ws._cells.items():  # sparse: only cells that exist in the file
            if _keep(cell.value):
                sheet.cells[(r, c)] = cell.value
        for rng in ws.merged_cells.ranges:
            sheet.merged.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        if formula_cells is not None:
            sheet.formulas = formula_cells.get(ws.title, set())
        elif formulas is not None:
            for (r, c), cell in formulas[ws.title]._cells.items():
                if cell.data_type == "f":
                    sheet.formulas.add((r, c))
        sheet.finish()
        sheets.append(sheet)
    values.close()
    if formulas is not None:
        formulas.close()
    return Book(path, sheets, "xlsx")


_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF_RE = re.compile(rb'\br="([A-Z]+)(\d+)"')
_F_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _formula_cells(data: bytes) -> dict[str, set[Pos]]:
    """Sheet name → cells holding a formula, from the sheet XML (cheaper than a second
    full openpyxl load).  Raises on any layout it does not understand."""
    import io
    import posixpath
    import xml.etree.ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    ns_pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    out: dict[str, set[Pos]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{ns_pkg}Relationship")}
        for sh in book.iter(f"{ns_main}sheet"):
            target = targets[sh.get(f"{ns_rel}id")] or ""
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            xml = zf.read(part)
            cells: set[Pos] = set()
            if b"<f" in xml or b":f" in xml:
                for m in _CELL_RE.finditer(xml):
                    inner = m.group(3)
                    if inner and _F_RE.search(inner):
                        ref = _REF_RE.search(m.group(1))
                        if ref:
                            cells.add((int(ref.group(2)), _col_number(ref.group(1))))
            out[sh.get("name") or ""] = cells
    return out


def _open_xls(path: Path, data: bytes) -> Book:
    import xlrd

    where = str(path)
    try:
        try:
            wb = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
        except NotImplementedError:
            wb = xlrd.open_workbook(file_contents=data, on_demand=False)
    except xlrd.XLRDError as exc:
        text = str(exc)
        if "encrypt" in text.lower():
            raise InputUnreadable(
                f"{where}：工作簿设有打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存再试"
            ) from None
        raise InputUnreadable(f"{where}：不是可读取的 .xls 工作簿（{text}）") from None
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds on damaged files
        raise InputUnreadable(f"{where}：.xls 文件已损坏或不完整（{type(exc).__name__}：{exc}）") from None
    sheets: list[Sheet] = []
    for sh in wb.sheets():
        sheet = Sheet(sh.name)
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                ctype = sh.cell_type(r, c)
                if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                value = sh.cell_value(r, c)
                if ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(value, "#错误")
                elif ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                if _keep(value):
                    sheet.cells[(r + 1, c + 1)] = value
        for r1, r2, c1, c2 in getattr(sh, "merged_cells", []) or []:
            sheet.merged.append((r1 + 1, c1 + 1, r2, c2))
        sheet.finish()
        sheets.append(sheet)
    return Book(path, sheets, "xls")
