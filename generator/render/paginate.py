"""Estimate on which page each heading and table falls, without a layout engine.

The DOCX 目录 is a Word TOC field whose result is written in advance, so that the document
reads right in Word, WPS and LibreOffice even before anyone updates fields.  Its page
numbers come from this estimate: the type area of :mod:`generator.render.style` filled line
by line (CJK characters one em wide, Latin letters and digits half an em), tables row by
row with their header rows repeated, and the same page and section breaks the renderers
make.  Word refreshes the numbers (PAGEREF fields) when the user updates fields.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from generator.document import Chart, PageBreak, Paragraph
from generator.render.chart import chart_height_pt
from generator.render.layout import (
    TOC_TITLE,
    Grid,
    Prepared,
    PreparedHeading,
    PreparedTable,
    PreparedToc,
    text_units,
    title_lines,
)
from generator.render.style import TYPOGRAPHY, PageSetup, TextStyle, Typography, mm_to_pt

__all__ = ["PageEstimate", "estimate_pages", "text_units"]


def _lines(
    text: str, width_pt: float, size_pt: float, first_indent_chars: float = 0.0, slack: float = 0.5
) -> int:
    # Line-breaking rules (no 、，。 at the start of a line, numbers kept whole) leave
    # lines of running text about half a character short on average (``slack``).
    per_line = max(1.0, math.floor(width_pt / size_pt + 1e-6) - slack)
    total = 0
    for i, part in enumerate(text.split("\n") or [""]):
        indent = first_indent_chars if i == 0 else 0.0
        total += max(1, math.ceil((text_units(part) + indent) / per_line - 1e-9))
    return total


@dataclass
class PageEstimate:
    """Estimated page (1-based, counting the title page) of each anchor, and the page count."""

    pages: dict[str, int] = field(default_factory=dict)
    total: int = 1


class _Flow:
    def __init__(self, typo: Typography):
        self.typo = typo
        self.page_no = 1
        self.setup: PageSetup = typo.portrait
        self.y = 0.0

    @property
    def height(self) -> float:
        return self.setup.text_height_pt

    @property
    def width(self) -> float:
        return self.setup.text_width_pt

    def new_page(self, setup: PageSetup | None = None) -> None:
        if self.y > 0 or (setup is not None and setup is not self.setup):
            self.page_no += 1
        self.y = 0.0
        if setup is not None:
            self.setup = setup

    def space(self, pt: float) -> None:
        if self.y > 0:
            self.y = min(self.y + pt, self.height)

    def lines(self, n: int, line_pt: float) -> None:
        """Place ``n`` lines; they may run onto following pages."""
        for _ in range(n):
            if self.y + line_pt > self.height + 0.01:
                self.page_no += 1
                self.y = 0.0
            self.y += line_pt

    def block(self, height: float) -> None:
        """Place an unbreakable block."""
        if self.y > 0 and self.y + height > self.height + 0.01:
            self.page_no += 1
            self.y = 0.0
        self.y += height

    def paragraph(self, style: TextStyle, text: str, keep_with: float = 0.0, slack: float = 0.5) -> int:
        """Place a paragraph; return the page of its first line."""
        width = self.width - style.left_pt
        n = _lines(text, width, style.size_pt, style.indent_chars, slack)
        height = style.before_pt + n * style.line_pt + style.after_pt
        if style.keep_next and self.y > 0 and self.y + height + keep_with > self.height + 0.01:
            self.new_page()
        self.space(style.before_pt)
        if self.y + style.line_pt > self.height + 0.01:
            self.new_page()
        first = self.page_no
        self.lines(n, style.line_pt)
        self.space(style.after_pt)
        return first


def _grid_row_heights(
    grid: Grid, widths: list[float], total_width: float, size: float, typo: Typography, compact: bool = False
) -> list[float]:
    line = typo.table_line_pt(size)
    pad = 2 * mm_to_pt(typo.table_compact_pad_y_mm if compact else typo.table_pad_y_mm) + typo.table_border_pt
    padx = 2 * mm_to_pt(typo.table_pad_x_mm)
    wsum = sum(widths) or 1.0
    heights: list[float] = []
    for row in grid.rows:
        h = line + pad
        for slot in row:
            if slot.continued or slot.rowspan > 1:
                continue
            w = sum(widths[slot.col : slot.col + slot.colspan]) / wsum * total_width - padx
            h = max(h, _lines(slot.cell.text, max(w, size), size) * line + pad)
        heights.append(h)
    return heights


def estimate_pages(prepared: Prepared, typo: Typography = TYPOGRAPHY) -> PageEstimate:
    """Walk the prepared document as the renderers lay it out; pages of every anchor."""
    est = PageEstimate()
    flow = _Flow(typo)
    body_line = typo.style("body").line_pt
    title = typo.style("title")
    doc = prepared.doc
    flow.paragraph(
        title, "\n".join(title_lines(doc.title, doc.author, typo.portrait.text_width_pt, title.size_pt))
    )
    after_toc = False
    items = prepared.items
    for index, item in enumerate(items):
        if after_toc:
            flow.new_page(typo.portrait)
            after_toc = False
        if isinstance(item, PreparedToc):
            est.pages[item.anchor] = flow.paragraph(typo.style("toc_heading"), TOC_TITLE, body_line)
            for e in item.entries:
                # entries end with a leader and a page number: about two more ems
                flow.paragraph(typo.toc_style(e.entry.level), e.entry.text + "　　", slack=0.0)
            after_toc = True
        elif isinstance(item, PreparedHeading):
            setup = typo.page(item.page_kind)
            if item.opens_page or flow.setup is not setup:
                flow.new_page(setup)
            style = typo.style(item.style_key)
            est.pages[item.anchor] = flow.paragraph(style, item.heading.text, _keep_with(items, index, typo))
        elif isinstance(item, Paragraph):
            if flow.setup is not typo.portrait:
                flow.new_page(typo.portrait)
            if item.keep_next and (index == 0 or not getattr(items[index - 1], "keep_next", False)):
                kept = _kept_run(items, index, flow.width, typo)  # a list kept on one page
                if flow.y > 0 and flow.y + kept > flow.height + 0.01:
                    flow.new_page()
            flow.paragraph(
                typo.style(item.style if item.style in ("body", "center", "plain", "note") else "body"),
                item.bold_prefix + item.text,
            )
        elif isinstance(item, Chart):
            if flow.setup is not typo.portrait:
                flow.new_page(typo.portrait)
            flow.block(chart_height_pt(item))
            flow.paragraph(typo.style("center"), item.caption)
        elif isinstance(item, PageBreak):
            flow.new_page()
        elif isinstance(item, PreparedTable):
            est.pages[item.anchor] = _table(flow, item, typo)
    est.total = flow.page_no
    return est


def _paragraph_style(item: Paragraph, typo: Typography) -> TextStyle:
    return typo.style(item.style if item.style in ("body", "center", "plain", "note") else "body")


def _kept_run(items: list, index: int, width: float, typo: Typography) -> float:
    """Height of the paragraphs from ``index`` on that keep with the next, and the last one."""
    height = 0.0
    for item in items[index:]:
        if not isinstance(item, Paragraph):
            break
        style = _paragraph_style(item, typo)
        n = _lines(item.bold_prefix + item.text, width - style.left_pt, style.size_pt, style.indent_chars)
        height += style.before_pt + n * style.line_pt + style.after_pt
        if not item.keep_next:
            break
    return height


def _keep_with(items: list, index: int, typo: Typography) -> float:
    """Height that must follow a heading on its page: the headings right after it and
    two lines (orphans) of the text below them."""
    height = 2 * typo.style("body").line_pt
    for nxt in items[index + 1 :]:
        if not isinstance(nxt, PreparedHeading):
            break
        s = typo.style(nxt.style_key)
        height += s.before_pt + s.line_pt + s.after_pt
    return height


def _table(flow: _Flow, item: PreparedTable, typo: Typography) -> int:
    t = item.table
    setup = typo.page(item.page_kind)
    if (item.new_page and not item.led) or setup is not flow.setup:
        flow.new_page(setup)
    size = item.font_size
    widths = list(t.widths) or [1.0]
    header_h = sum(_grid_row_heights(item.header, widths, flow.width, size, typo, item.compact))
    body_hs = _grid_row_heights(item.body, widths, flow.width, size, typo, item.compact)
    first_row = body_hs[0] if body_hs else 0.0
    furniture = [
        (typo.style("table_code"), t.code),
        (typo.style("table_title"), t.title),
        (typo.style("table_subtitle"), t.subtitle),
        (typo.style("unit_line"), "x"),
    ]
    first_page = None
    keep = header_h + first_row
    if item.page_kind == "text":  # kept whole when it fits on a page (a 绩效自评表)
        whole = header_h + sum(body_hs) + sum(
            s.before_pt + s.line_pt + s.after_pt for s, text in furniture[:3] if text
        )
        if flow.y > 0 and flow.y + whole > flow.height + 0.01 and whole <= flow.height:
            flow.new_page()
    for style, text in furniture:
        if not text:
            continue
        p = flow.paragraph(style, text, keep)
        first_page = first_page or p
    flow.block(header_h + first_row)
    first_page = first_page or flow.page_no
    for h in body_hs[1:]:
        if flow.y + h > flow.height + 0.01:
            flow.page_no += 1
            flow.y = header_h
        flow.y += h
    for text in (t.empty_note, t.note):
        if text:
            flow.paragraph(typo.style("table_note"), text)
    flow.space(typo.table_after_pt)
    return first_page


#: a table on a page of its own that would leave at most this many body rows on its last page
#: is set close (smaller cell padding) when that keeps it on one page
ORPHAN_ROWS = 4
# extra height per body row the PDF gives a line of digits over the DOCX's exact line (a cell
# of digits is laid out 0.86 pt taller than its pitch), counted so the close table surely fits
_PDF_ROW_SLACK = 0.9


def fit_tables(prepared: Prepared, typo: Typography | None = None) -> None:
    """Set ``compact`` on each table that starts a page of its own, runs onto one more page
    with at most :data:`ORPHAN_ROWS` body rows there, and fits on one page with close cell
    padding: a modest change that keeps a table whole (the 上海 公开06表, a fixed shell of 45
    rows, otherwise left its last 3 rows and its 合计 alone on a page)."""
    typo = typo or TYPOGRAPHY
    items = prepared.items
    for index, item in enumerate(items):
        if not isinstance(item, PreparedTable) or not item.new_page or not item.body.rows:
            continue
        setup = typo.page(item.page_kind)
        t = item.table
        above = 0.0
        for style_key, text in (("table_code", t.code), ("table_title", t.title), ("table_subtitle", t.subtitle)):
            if text:
                style = typo.style(style_key)
                above += style.before_pt + style.line_pt + style.after_pt
        if t.unit_name or t.money_unit:
            style = typo.style("unit_line")
            above += style.before_pt + style.line_pt + style.after_pt
        back = index
        while back > 0 and isinstance(items[back - 1], PreparedHeading) and items[back - 1].page_kind != "text":
            back -= 1
            style = typo.style(items[back].style_key)
            above += style.before_pt + style.line_pt + style.after_pt
        below = 0.0
        for text in (t.empty_note, t.note):
            if text:
                style = typo.style("table_note")
                below += style.before_pt + _lines(text, setup.text_width_pt, style.size_pt) * style.line_pt
        widths = list(t.widths) or [1.0]
        width = setup.text_width_pt

        def fits(compact: bool) -> tuple[bool, int]:
            """(whole table on one page, body rows left for the last page)"""
            header = sum(_grid_row_heights(item.header, widths, width, item.font_size, typo, compact))
            rows = _grid_row_heights(item.body, widths, width, item.font_size, typo, compact)
            slack = _PDF_ROW_SLACK * len(rows)
            if above + header + sum(rows) + below + slack <= setup.text_height_pt:
                return True, 0
            y, left, pages = above + header, 0, 1
            for h in rows:
                if y + h > setup.text_height_pt:
                    pages += 1
                    y, left = header, 0
                y += h
                left += 1
            return False, left if pages == 2 else len(rows)

        whole, left = fits(False)
        if not whole and left <= ORPHAN_ROWS and fits(True)[0]:
            item.compact = True
