"""Read the cell values of an .xlsx package quickly, exactly as openpyxl would.

The reader needs no cell styles, fonts, validations or drawings, only the cached value of
each cell and the merged ranges; openpyxl builds the whole object model (a style array per
cell, a merged-cell object per covered cell) and takes most of a check's time to import and
to parse.  :func:`read_values` walks the package with the standard library's expat parser
instead, and gives the same values openpyxl's ``load_workbook(data_only=True)`` gives:

* numbers as openpyxl casts them (``int`` unless the text has ``.``, ``E`` or ``e``);
* shared and inline strings as openpyxl's plain text (runs joined, phonetic runs left out,
  ``x005F_`` removed from shared strings); ``t="str"`` and error values as text;
  booleans as ``bool``;
* a merged range keeps the value of its top-left cell only;
* sheets in workbook order, found through the content types and the workbook's
  relationships as openpyxl finds them; merged ranges in openpyxl's order.

Anything it does not reproduce exactly raises :class:`Unsupported`, and the caller reads the
workbook with openpyxl as before: a number in a date or time format (openpyxl makes it a
``datetime``), ``t="d"`` cells, chart sheets, packages with parts beyond plain worksheets
(drawings, charts, tables, pivot tables, external links, macros), sheet names openpyxl
would refuse or rename, and any part that is not well-formed.  So an unusual workbook is
read a little slower, never differently; ``tests/test_workbook_fastxlsx.py`` compares the
two on every workbook the tests make.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any
from xml.parsers import expat

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SEP = "\x1f"  # expat's namespace separator: "uri\x1flocal"

# openpyxl's order when it looks for the workbook part (XLTM, XLTX, XLSM, XLSX)
_WORKBOOK_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
# relationships of a worksheet that do not change its values as openpyxl reads them
_SHEET_RELS_OK = frozenset(
    _REL_NS.rsplit("/", 1)[0] + "/relationships/" + kind
    for kind in ("comments", "vmlDrawing", "printerSettings", "hyperlink")
)
# parts of a plain workbook besides the workbook, its sheets and shared strings
_PLAIN_PARTS = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/\.rels|docProps/[^/]+\.xml|xl/styles\.xml|xl/theme/[^/]+\.xml"
    r"|xl/theme/_rels/[^/]+\.rels|xl/calcChain\.xml|xl/comments\d*\.xml|xl/drawings/vmlDrawing\d*\.vml"
    r"|xl/printerSettings/[^/]+\.bin|xl/worksheets/_rels/[^/]+\.rels|.*/)$"
)
_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")  # characters openpyxl refuses in a sheet name
_COORD = re.compile(r"^([A-Z]{1,3})(\d+)$")
# number formats that are certainly not dates (openpyxl's built-ins 0–13, 37–44, 48, 49)
_NOT_DATE_BUILTINS = frozenset([*range(0, 14), *range(37, 45), 48, 49])
# openpyxl's date test (styles/numbers.py), applied to every section of a format rather than
# the first only, so that it finds at least the formats openpyxl takes for dates
_DATE_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")


class Unsupported(Exception):
    """This package is not one :func:`read_values` reproduces exactly: read it with openpyxl."""


Grid = tuple[str, dict[tuple[int, int], Any], list[tuple[int, int, int, int]], set[tuple[int, int]]]


def read_values(zf: zipfile.ZipFile) -> list[Grid]:
    """Each worksheet as (name, cells, merged, formulas): ``cells[(row, col)]`` every cell
    value openpyxl would give (blank ones included, in openpyxl's order), ``merged`` as
    (r1, c1, r2, c2), ``formulas`` the cells holding a formula.

    Raises :class:`Unsupported` (or any parsing error) when openpyxl should read it instead."""
    names = zf.namelist()
    present = set(names)
    workbook_part, shared_part = _manifest(zf.read("[Content_Types].xml"))
    sheets = _workbook_sheets(zf, workbook_part, present)
    sheet_parts = {part for _, part in sheets}
    for name in names:
        if name in (workbook_part, shared_part, _rels_path(workbook_part)) or name in sheet_parts:
            continue
        if not _PLAIN_PARTS.match(name):
            raise Unsupported(f"part {name}")
        if name.endswith((".xml", ".rels", ".vml")):
            _well_formed(zf.read(name))
    shared = _shared_strings(zf.read(shared_part)) if shared_part else []
    styles = _styles(zf.read("xl/styles.xml")) if "xl/styles.xml" in present else None
    out: list[Grid] = []
    for title, part in sheets:
        rels = _rels_path(part)
        if rels in present:
            for _, kind, _target, mode in _relationships(zf.read(rels)):
                if kind not in _SHEET_RELS_OK and mode != "External":
                    raise Unsupported(f"{part}: {kind}")
        cells, merged, formulas = _sheet(zf.read(part), shared, styles)
        out.append((title, cells, merged, formulas))
    return out


# ---------------------------------------------------------------------------- XML helpers


def _parser() -> expat.XMLParserType:
    p = expat.ParserCreate(namespace_separator=_SEP)
    p.buffer_text = True
    p.StartDoctypeDeclHandler = _no_doctype
    return p


def _no_doctype(*_: object) -> None:
    """Parts of a workbook have no DTD; one that does (entity tricks) is left to openpyxl."""
    raise Unsupported("DOCTYPE")


def _well_formed(data: bytes) -> None:
    _parser().Parse(data, True)


def _elements(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """Every element's (namespaced name, attributes), in document order."""
    found: list[tuple[str, dict[str, str]]] = []
    p = _parser()
    p.StartElementHandler = lambda name, attrs: found.append((name, attrs))
    p.Parse(data, True)
    return found


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationships(data: bytes) -> list[tuple[str, str, str, str]]:
    """(Id, Type, Target, TargetMode) of each relationship."""
    return [
        (a.get("Id", ""), a.get("Type", ""), a.get("Target", ""), a.get("TargetMode", ""))
        for name, a in _elements(data)
        if name == f"{_PKG_REL}{_SEP}Relationship"
    ]


def _manifest(data: bytes) -> tuple[str, str | None]:
    """The workbook part and the shared-strings part, as openpyxl finds them."""
    overrides: list[tuple[str, str]] = []
    defaults: set[str] = set()
    for name, a in _elements(data):
        if name == f"{_CT_NS}{_SEP}Override":
            overrides.append((a["PartName"], a["ContentType"]))
        elif name == f"{_CT_NS}{_SEP}Default":
            defaults.add(a["ContentType"])
    workbook = None
    for kind in _WORKBOOK_TYPES:
        workbook = next((part for part, ct in overrides if ct == kind), None)
        if workbook:
            break
    if not workbook:
        if not defaults & set(_WORKBOOK_TYPES):
            raise Unsupported("no workbook part")
        workbook = "/xl/workbook.xml"
    shared = next((part for part, ct in overrides if ct == _SHARED_STRINGS_TYPE), None)
    return workbook[1:], shared[1:] if shared is not None else None


def _workbook_sheets(zf: zipfile.ZipFile, part: str, present: set[str]) -> list[tuple[str, str]]:
    """(name, part) of each worksheet openpyxl would load, in workbook order."""
    rels_path = _rels_path(part)
    parent = posixpath.split(posixpath.dirname(rels_path))[0]
    targets: dict[str, tuple[str, str]] = {}
    for rid, kind, target, mode in _relationships(zf.read(rels_path)):
        if mode == "External":
            continue
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
        targets[rid] = (kind, path)
    sheets: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, a in _elements(zf.read(part)):
        if name == f"{MAIN}{_SEP}externalReference" or name == f"{MAIN}{_SEP}pivotCache":
            raise Unsupported(name)
        if name != f"{MAIN}{_SEP}sheet":
            continue
        title = a.get("name", "")
        sheet_rid = a.get(f"{_REL_NS}{_SEP}id")
        if not sheet_rid or not title or _INVALID_TITLE.search(title) or title.lower() in seen:
            raise Unsupported(f"sheet {title!r}")
        seen.add(title.lower())
        kind, path = targets[sheet_rid]
        if path not in present:
            continue  # openpyxl leaves out a sheet whose part is missing
        if kind != _WORKSHEET_REL:
            raise Unsupported(f"sheet {title!r}: {kind}")
        sheets.append((title, path))
    return sheets


# ---------------------------------------------------------------------------- strings, styles


class _TextCollector:
    """openpyxl's ``Text.content`` of ``<si>``/``<is>``: the last plain ``<t>`` child, then
    the last ``<t>`` of each ``<r>`` run (phonetic ``<rPh>`` runs left out)."""

    def __init__(self) -> None:
        self.plain: str | None = None
        self.runs: list[str | None] = []
        self.path: list[str] = []  # local names below the <si>/<is>
        self.chunks: list[str] | None = None

    def start(self, local: str) -> None:
        if self.chunks is not None:
            raise Unsupported("element inside <t>")
        self.path.append(local)
        if local == "r" and len(self.path) == 1:
            self.runs.append(None)
        elif local == "t" and self.path in (["t"], ["r", "t"]):
            self.chunks = []

    def end(self) -> None:
        local = self.path.pop()
        if local == "t" and self.chunks is not None:
            text = "".join(self.chunks) if self.chunks else None
            self.chunks = None
            if self.path:
                self.runs[-1] = text
            else:
                self.plain = text

    def data(self, text: str) -> None:
        if self.chunks is not None:
            self.chunks.append(text)

    def content(self) -> str:
        parts = [self.plain] if self.plain is not None else []
        parts += [t for t in self.runs if t is not None]
        return "".join(parts)


def _shared_strings(data: bytes) -> list[str]:
    strings: list[str] = []
    collector: list[_TextCollector] = []
    si = f"{MAIN}{_SEP}si"

    def start(name: str, attrs: dict[str, str]) -> None:
        if collector:
            collector[0].start(_local(name))
        elif name == si:
            collector.append(_TextCollector())

    def end(name: str) -> None:
        if collector:
            if collector[0].path:
                collector[0].end()
            else:
                strings.append(collector.pop().content().replace("x005F_", ""))

    def chars(text: str) -> None:
        if collector:
            collector[0].data(text)

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    p.Parse(data, True)
    return strings


def _local(name: str) -> str:
    uri, _, local = name.rpartition(_SEP)
    if uri and uri != MAIN:
        raise Unsupported(f"element {name}")
    return local


def _maybe_date(code: str) -> bool:
    return any(_DATE_LETTER.search(_DATE_STRIP.sub("", section)) for section in code.split(";"))


def _styles(data: bytes) -> list[bool]:
    """For each cell format (``<cellXfs>``): may a number in it be a date or time?"""
    custom: dict[int, str] = {}
    maybe_date: list[bool] = []
    in_xfs = False
    depth_xfs = 0
    stack: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_xfs, depth_xfs
        stack.append(name)
        local = _local(name)
        if local == "numFmt":
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            in_xfs, depth_xfs = True, len(stack)
        elif local == "xf" and in_xfs and len(stack) == depth_xfs + 1:
            fid = int(attrs.get("numFmtId", 0))
            if fid in custom:
                maybe_date.append(_maybe_date(custom[fid]))
            else:
                maybe_date.append(fid not in _NOT_DATE_BUILTINS)

    def end(name: str) -> None:
        nonlocal in_xfs
        if in_xfs and len(stack) == depth_xfs:
            in_xfs = False
        stack.pop()

    p = _parser()
    p.StartElementHandler, p.EndElementHandler = start, end
    p.Parse(data, True)
    return maybe_date


# ---------------------------------------------------------------------------- worksheets


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cast_number(text: str) -> int | float:
    """openpyxl's cast of a number cell."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _sheet(
    data: bytes, shared: list[str], styles: list[bool] | None
) -> tuple[dict[tuple[int, int], Any], list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """The cells (blank ones included), merged ranges and formula cells of one worksheet.

    Formula cells are those with an ``r`` reference and an ``<f>`` element inside, as
    :func:`generator.workbook.grid._formula_cells` finds them."""
    cells: dict[tuple[int, int], Any] = {}
    merges: list[tuple[int, int, int, int]] = []
    formulas: set[tuple[int, int]] = set()
    c_tag, v_tag, is_tag = f"{MAIN}{_SEP}c", f"{MAIN}{_SEP}v", f"{MAIN}{_SEP}is"
    row_tag, merge_tag, root_tag = f"{MAIN}{_SEP}row", f"{MAIN}{_SEP}mergeCell", f"{MAIN}{_SEP}worksheet"
    n_styles = len(styles) if styles is not None else 1
    date_styles = frozenset(i for i, maybe in enumerate(styles or []) if maybe)
    # the state of the walk
    depth = 0
    row_no = 0
    col_no = 0
    row_depth = -1
    cell_depth = -1  # depth of the open <c>, -1 outside one
    cell_attrs: dict[str, str] = {}
    cell_v: str | None = None
    cell_is: str | None = None
    cell_f = False
    text: list[str] | None = None  # characters of the <v> being read
    inline: _TextCollector | None = None
    inline_depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, row_no, col_no, row_depth, cell_depth, cell_attrs, cell_v, cell_is, cell_f
        nonlocal text, inline, inline_depth
        depth += 1
        if cell_depth >= 0:  # inside a <c>
            if inline is not None:
                inline.start(_local(name))
            elif text is not None:
                raise Unsupported("element inside <v>")
            elif depth == cell_depth + 1 and name == v_tag:
                if cell_v is None:
                    text = []
            elif depth == cell_depth + 1 and name == is_tag:
                if cell_is is None:
                    inline, inline_depth = _TextCollector(), depth
            if name.rpartition(_SEP)[2] == "f":
                cell_f = True
            return
        if depth == row_depth + 1 and row_depth >= 0:
            if name != c_tag:
                raise Unsupported(f"{name} in a row")
            cell_depth, cell_attrs, cell_v, cell_is, cell_f = depth, attrs, None, None, False
        elif name == row_tag:
            if row_depth >= 0:
                raise Unsupported("row inside a row")
            r = attrs.get("r")
            if r is not None:
                try:
                    row_no = int(r)
                except ValueError:
                    number = float(r)
                    if not number.is_integer():
                        raise
                    row_no = int(number)
            else:
                row_no += 1
            col_no = 0
            row_depth = depth
        elif name == merge_tag:
            merges.append(_range(attrs["ref"]))
        elif depth == 1 and name != root_tag:
            raise Unsupported(f"root {name}")

    def end(name: str) -> None:
        nonlocal depth, row_depth, cell_depth, cell_v, cell_is, text, inline
        if cell_depth >= 0:
            if inline is not None:
                if depth == inline_depth:
                    cell_is = inline.content()
                    inline = None
                else:
                    inline.end()
            elif text is not None:
                cell_v = "".join(text)
                text = None
            elif depth == cell_depth:
                finish_cell()
                cell_depth = -1
        elif depth == row_depth:
            row_depth = -1
        depth -= 1

    def chars(data: str) -> None:
        if inline is not None:
            inline.data(data)
        elif text is not None:
            text.append(data)

    def finish_cell() -> None:
        nonlocal col_no
        attrs = cell_attrs
        kind = attrs.get("t", "n")
        style_text = attrs.get("s")
        style = 0
        if style_text is not None:
            if style_text == "":
                raise Unsupported("empty style")
            style = int(style_text)
            if not 0 <= style < n_styles:
                raise Unsupported("style out of range")
        ref = attrs.get("r")
        if ref:
            m = _COORD.match(ref)
            if m is None:
                raise Unsupported(f"cell reference {ref}")
            row, col = int(m.group(2)), _col_number(m.group(1))
            col_no = col
            if cell_f:
                formulas.add((row, col))
        else:
            col_no += 1
            row, col = row_no, col_no
        value: Any = None
        if kind == "inlineStr":
            value = cell_is
        elif cell_v:
            if kind == "n":
                if style in date_styles:
                    raise Unsupported("number in a date format")
                value = _cast_number(cell_v)
            elif kind == "s":
                value = shared[int(cell_v)]
            elif kind == "b":
                value = bool(int(cell_v))
            elif kind in ("str", "e"):
                value = cell_v
            else:
                raise Unsupported(f"cell type {kind}")
        cells[(row, col)] = value

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    p.Parse(data, True)
    merged = _merged_order(merges)
    for r1, c1, r2, c2 in merged:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and (r, c) in cells:
                    cells[(r, c)] = None  # openpyxl puts an empty merged cell there
    return cells, merged, formulas


def _range(ref: str) -> tuple[int, int, int, int]:
    """``A1:C2`` → (1, 1, 2, 3), as openpyxl's CellRange reads it (a single cell too)."""
    first, _, last = ref.partition(":")
    a = _COORD.match(first)
    b = _COORD.match(last or first)
    if a is None or b is None:
        raise Unsupported(f"merged range {ref}")
    r1, c1, r2, c2 = int(a.group(2)), _col_number(a.group(1)), int(b.group(2)), _col_number(b.group(1))
    if r1 > r2 or c1 > c2:
        raise Unsupported(f"merged range {ref}")
    return r1, c1, r2, c2


def _merged_order(merges: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The merged ranges in the order openpyxl lists them: it keeps them in a set of ranges
    hashed as (min_row, min_col, max_row, max_col), so a set of those tuples, filled in the
    same order (a set made from a set, as openpyxl's descriptor makes it), iterates in the
    same order."""
    return list(set(r for r in set(merges)))
