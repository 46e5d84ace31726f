"""Render-neutral layout decisions shared by the DOCX and PDF renderers.

Both renderers walk the same :class:`Prepared` sequence, so they print the same text in the
same order and agree on every decision that is not typography: anchors of headings and
tables, which 目录 entry points where, where a new page or a landscape section starts, which
grid position each table cell occupies (HTML-style ``colspan``/``rowspan`` grids turned into
explicit slots), and which cells are amounts and therefore right-aligned.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from generator.document import Cell, Chart, Document, Heading, PageBreak, Paragraph, Table, Toc, TocEntry

if TYPE_CHECKING:
    from generator.render.style import Typography

__all__ = [
    "TOC_TITLE",
    "Grid",
    "Prepared",
    "PreparedHeading",
    "PreparedTable",
    "PreparedToc",
    "Slot",
    "cell_align",
    "clean_text",
    "is_amount",
    "prepare",
    "table_grid",
    "text_units",
    "title_lines",
]

#: Heading printed above the entries of a :class:`generator.document.Toc`.
TOC_TITLE = "目录"

# An amount or a percentage as report.py formats them: "1,234.56", "-3.32%", "100.00%".
_AMOUNT = re.compile(r"^[-−+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def is_amount(text: str) -> bool:
    """True for a displayed amount or percentage (has decimals or a %), not a code or count."""
    t = text.strip()
    return bool(_AMOUNT.match(t)) and ("." in t or t.endswith("%"))


def cell_align(cell: Cell, header: bool) -> str:
    """The alignment a cell is printed with.

    Header cells keep theirs.  A body cell left at the default ``left`` whose text is an
    amount or a percentage is right-aligned: figures line up on the decimal point.
    """
    if not header and cell.align == "left" and is_amount(cell.text):
        return "right"
    return cell.align


@dataclass(frozen=True)
class Slot:
    """One cell of a table grid, at its top-left position.

    ``continued`` marks the rows below a ``rowspan`` cell: DOCX writes a ``w:vMerge``
    continuation there, HTML writes nothing.  ``filler`` marks a cell added to complete a
    short row (so borders close and every DOCX row has all its grid columns).
    """

    cell: Cell
    col: int
    colspan: int
    rowspan: int
    continued: bool = False
    filler: bool = False


@dataclass
class Grid:
    """The rows of a header or body, each a list of slots ordered by column."""

    rows: list[list[Slot]]

    def origins(self, r: int) -> list[Slot]:
        """The cells that start in row ``r`` (what HTML prints)."""
        return [s for s in self.rows[r] if not s.continued]


def table_grid(rows: list[list[Cell]], ncols: int, *, where: str = "") -> Grid:
    """Place HTML-style rows (spanning cells stated once) on an ``ncols``-column grid.

    Row spans are cut at the end of ``rows`` (a header's spans do not reach into the body).
    Short rows are completed with empty filler cells.

    Raises:
        ValueError: a row has more cells than the grid has columns.
    """
    out: list[list[Slot]] = []
    # busy[c] = (origin slot, last row index it covers) for columns held by a rowspan above
    busy: dict[int, tuple[Slot, int]] = {}
    nrows = len(rows)
    for r, row in enumerate(rows):
        slots: list[Slot] = []
        col = 0

        def held(c: int, r: int = r) -> bool:
            return c in busy and busy[c][1] >= r

        def skip_held(col: int, slots: list[Slot] = slots, r: int = r) -> int:
            """Add the continuations of row spans from above at ``col``; the next free column."""
            while col < ncols and held(col, r):
                origin, _ = busy[col]
                slots.append(Slot(origin.cell, col, origin.colspan, origin.rowspan, continued=True))
                col += origin.colspan
            return col

        for cell in row:
            col = skip_held(col)
            if col >= ncols:
                raise ValueError(f"表格{where}第 {r + 1} 行的单元格多于 {ncols} 列")
            span = max(1, min(cell.colspan, ncols - col))
            # a span may not run into a column held from above
            for c in range(col + 1, col + span):
                if held(c):
                    span = c - col
                    break
            rowspan = max(1, min(cell.rowspan, nrows - r))
            slot = Slot(cell, col, span, rowspan)
            slots.append(slot)
            if rowspan > 1:
                for c in range(col, col + span):
                    busy[c] = (slot, r + rowspan - 1)
            col += span
        # complete the row: continuations, and one filler per free stretch
        while col < ncols:
            col = skip_held(col)
            if col >= ncols:
                break
            end = col + 1
            while end < ncols and not held(end):
                end += 1
            slots.append(Slot(Cell(""), col, end - col, 1, filler=True))
            col = end
        out.append(slots)
    return Grid(out)


# ------------------------------------------------------------------------------------------
# The prepared block sequence


@dataclass
class PreparedHeading:
    heading: Heading
    anchor: str
    style_key: str
    outline_level: int
    #: the page this heading stands on: ``text``, or the page kind of the table right after it
    #: when that table starts a new page (the heading then opens the table's page with it)
    page_kind: str = "text"
    #: the first heading above such a table: it starts the table's page
    opens_page: bool = False


@dataclass
class PreparedTocEntry:
    entry: TocEntry
    anchor: str | None  # None: the entry points at nothing in the document (printed without page)
    style_key: str


@dataclass
class PreparedToc:
    toc: Toc
    entries: list[PreparedTocEntry]
    anchor: str = "toc"


@dataclass
class PreparedTable:
    table: Table
    anchor: str
    header: Grid
    body: Grid
    bookmark_level: int | None  # outline level of the table title; None: not in the outline
    landscape: bool
    new_page: bool
    font_size: float
    #: the table's page starts with the headings right above it (a part heading such as
    #: “第二部分 …决算表” stands on the first table's page, not alone at the foot of the text)
    led: bool = False
    #: the outline label: the 目录 entry's text when the 目录 lists the table, else :attr:`label`
    bookmark_label: str = ""
    #: set with close cell padding, so that it stays on its page instead of leaving a few
    #: rows on the next (:func:`generator.render.paginate.fit_tables`)
    compact: bool = False

    @property
    def page_kind(self) -> str:
        """``landscape`` for wide tables; ``table`` for an upright table that starts its own
        page; ``text`` for one that runs on in the text (a 绩效自评表)."""
        if self.landscape:
            return "landscape"
        return "table" if self.new_page else "text"

    @property
    def label(self) -> str:
        """The table's outline label: ``公开01表 收入支出决算总表``."""
        return " ".join(x for x in (self.table.code, self.table.title) if x)


@dataclass
class Prepared:
    """A document with every renderer decision taken.

    ``items`` holds :class:`PreparedHeading`, :class:`PreparedToc`, :class:`PreparedTable`,
    :class:`generator.document.Paragraph`, :class:`generator.document.Chart` and
    :class:`generator.document.PageBreak`, in order.
    ``anchors`` maps each anchor to the text printed at its target (for tests and the DOCX
    bookmarks).
    """

    doc: Document
    items: list = field(default_factory=list)
    anchors: dict[str, str] = field(default_factory=dict)

    def tagged(self, *, page_breaks: bool) -> list[tuple[str, object]]:
        """``items`` as (kind, item) pairs for the HTML-based templates: kind is toc, heading,
        table, paragraph, chart or pagebreak; ``page_breaks=False`` leaves the page breaks out (a web
        page has none: its print breaks come from CSS)."""
        kinds = (
            (PreparedToc, "toc"),
            (PreparedHeading, "heading"),
            (PreparedTable, "table"),
            (Paragraph, "paragraph"),
            (Chart, "chart"),
            (PageBreak, "pagebreak"),
        )
        tagged: list[tuple[str, object]] = []
        for item in self.items:
            kind = next(name for cls, name in kinds if isinstance(item, cls))
            if kind != "pagebreak" or page_breaks:
                tagged.append((kind, item))
        return tagged


_ANCHOR_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _clean_anchor(anchor: str) -> str:
    return _ANCHOR_SAFE.sub("_", anchor.strip())


def prepare(doc: Document, typo: Typography | None = None) -> Prepared:
    """Assign anchors, resolve 目录 entries, place table grids; tables that would leave a few
    rows on a page of their own are set close (``typo``: the typography the renderer uses).

    Anchors: a heading or table keeps its own ``anchor`` (made safe for HTML ids and DOCX
    bookmarks); one without gets ``h<N>`` / ``t<N>``; duplicates get a suffix.  A 目录 entry
    whose anchor is unknown is matched to the first heading with the same text.
    """
    prepared = Prepared(doc)
    used: set[str] = {"toc"}

    def unique(base: str) -> str:
        name, n = base, 2
        while name in used:
            name = f"{base}_{n}"
            n += 1
        used.add(name)
        return name

    original_to_anchor: dict[str, str] = {}
    text_to_anchor: dict[str, str] = {}
    last_heading_level = 0
    last_heading_text = ""
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            raw = _clean_anchor(block.anchor) if block.anchor else ""
            anchor = unique(raw or f"h{i}")
            if block.anchor:
                original_to_anchor.setdefault(block.anchor, anchor)
            text_to_anchor.setdefault(_norm_text(block.text), anchor)
            level = min(max(block.level, 1), 4)
            prepared.items.append(PreparedHeading(block, anchor, f"heading{level}", level))
            prepared.anchors[anchor] = block.text
            last_heading_level, last_heading_text = level, block.text
        elif isinstance(block, Table):
            raw = _clean_anchor(block.anchor) if block.anchor else ""
            anchor = unique(raw or f"t{i}")
            if block.anchor:
                original_to_anchor.setdefault(block.anchor, anchor)
            label = " ".join(x for x in (block.code, block.title) if x)
            for key in (block.title, label):
                if key:
                    text_to_anchor.setdefault(_norm_text(key), anchor)
            ncols = block.columns
            where = f"“{label or block.key}”"
            header = table_grid(block.header, ncols, where=where)
            body = table_grid(block.body, ncols, where=where)
            # A table is an outline entry unless a heading just above already names it.
            if block.title and _norm_text(block.title) != _norm_text(last_heading_text):
                bookmark_level: int | None = min(last_heading_level + 1, 4) if last_heading_level else 1
            else:
                bookmark_level = None
            prepared.items.append(
                PreparedTable(
                    block,
                    anchor,
                    header,
                    body,
                    bookmark_level,
                    block.landscape,
                    block.new_page,
                    block.font_size or 9.0,
                )
            )
            prepared.anchors[anchor] = block.title or label
        elif isinstance(block, Toc):
            prepared.items.append(PreparedToc(block, []))
        elif isinstance(block, (Paragraph, PageBreak, Chart)):
            prepared.items.append(block)
        else:  # pragma: no cover - Document only holds the types above
            raise TypeError(f"unknown block {type(block).__name__}")

    for item in prepared.items:
        if isinstance(item, PreparedToc):
            for entry in item.toc.entries:
                target = original_to_anchor.get(entry.anchor) if entry.anchor else None
                if target is None and entry.anchor and _clean_anchor(entry.anchor) in prepared.anchors:
                    target = _clean_anchor(entry.anchor)
                if target is None:
                    target = text_to_anchor.get(_norm_text(entry.text))
                level = min(max(entry.level, 1), 4)
                item.entries.append(PreparedTocEntry(entry, target, f"toc{level}"))
    _label_tables(prepared)
    _lead_tables(prepared)
    from generator.render.paginate import fit_tables  # paginate builds on this module

    fit_tables(prepared, typo)
    return prepared


def _label_tables(prepared: Prepared) -> None:
    """A table's PDF bookmark says what the 目录 says of it (``一、收入支出决算总表``), as a
    heading's does; a table the 目录 does not list keeps its code and title, or its own
    outline label (``项目支出绩效自评表（<项目名称>）``: two 自评表 are two bookmarks)."""
    listed: dict[str, str] = {}
    for item in prepared.items:
        if isinstance(item, PreparedToc):
            for e in item.entries:
                if e.anchor:
                    listed.setdefault(e.anchor, e.entry.text)
    for item in prepared.items:
        if isinstance(item, PreparedTable):
            item.bookmark_label = listed.get(item.anchor) or item.table.outline or item.label


def _lead_tables(prepared: Prepared) -> None:
    """Headings right above a table that starts a new page move onto that page with it."""
    items = prepared.items
    for index, item in enumerate(items):
        if not isinstance(item, PreparedTable) or not item.new_page:
            continue
        first = index
        while first > 0 and isinstance(items[first - 1], PreparedHeading):
            first -= 1
        if first == index:
            continue
        for heading in items[first:index]:
            heading.page_kind = item.page_kind
        items[first].opens_page = True
        item.led = True


def _norm_text(text: str) -> str:
    return "".join(text.split())


# Characters XML 1.0 cannot carry (C0 controls other than tab/newline, lone surrogates,
# U+FFFE/U+FFFF); a workbook cell can hold them, and they would corrupt the DOCX.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without characters XML cannot hold; ``\\r\\n`` and ``\\r`` become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def text_units(text: str) -> float:
    """Width of ``text`` in ems: wide (CJK) characters 1, narrow (Latin, digits) 0.5."""
    units = 0.0
    for ch in text:
        if ch in "\t\r\n":
            continue
        units += 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5
    return units


def title_lines(title: str, unit: str, width_pt: float, size_pt: float) -> list[str]:
    """The document title split into lines the way 公文 titles are set.

    A title too long for one line breaks after the unit's name when it starts with it
    (``乌鲁木齐市政务服务中心`` / ``2024年单位决算公开说明``) rather than wherever the line
    runs out, provided each part fits on a line.  Otherwise the title is one paragraph.
    """
    per_line = math.floor(width_pt / size_pt + 1e-6)
    if text_units(title) <= per_line or not unit or not title.startswith(unit):
        return [title]
    rest = title[len(unit) :].strip()
    if not rest or text_units(unit) > per_line or text_units(rest) > per_line:
        return [title]
    return [unit, rest]
