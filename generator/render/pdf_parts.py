"""Long PDFs laid out in parts, so that memory stays bounded at any length.

WeasyPrint keeps the whole document in memory while it lays it out: the parsed HTML, the
styles of every element and every laid-out page (a unit with 5,000 项 rows, about 1,400
pages, peaked at 1.7 GB).  A document estimated longer than :data:`SPLIT_PAGES` pages is
therefore laid out a part at a time — about :data:`PART_PAGES` pages each — and every part is
written to PDF and released before the next one is laid out; :func:`join_parts` then joins
the parts into one PDF.  The result is the same document as one layout gives:

* Parts start only where the whole layout starts a new page with the same block: a part is
  laid out a little longer than it is kept, and it is cut at the last page (before its final
  two) that begins with a paragraph, heading or table of its own, or with a new row of a
  long table (whose header rows are repeated on every page anyway), and whose top margin was
  not truncated by the break.  The next part starts with that block or row on a new page, so
  every kept page is laid out exactly as in one layout.
* Page numbers continue: each part's page-number rules start at its first page's number.
* The 目录 is laid out last, with the real page numbers of the other parts; the title and
  目录 form the first part (the 目录 always ends its page).
* Bookmarks, the named destinations of headings and tables, and the 目录's links are
  collected from every part's pages (in PDF coordinates) and written once into the joined
  PDF, in the same tree WeasyPrint makes for one layout.
* The first part's catalogue is kept: document information, language, and for PDF/A its
  XMP metadata and output intent; the other parts contribute their pages.

The two layouts are compared by ``tests/test_render_pdf_parts.py`` (text of every page,
page count, 目录 page numbers, bookmarks, page images).
"""

from __future__ import annotations

import gc
import io
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from generator.document import Chart, Paragraph
from generator.errors import RenderError
from generator.render.layout import Grid, Prepared, PreparedHeading, PreparedTable, PreparedToc
from generator.render.paginate import _grid_row_heights, _lines
from generator.render.style import Typography

__all__ = ["PART_PAGES", "SPLIT_PAGES", "PartsLayout", "join_parts", "lay_out_parts"]

LOG = logging.getLogger(__name__)

#: Documents estimated (:mod:`generator.render.paginate`) longer than this are laid out in parts.
SPLIT_PAGES = 150
#: About how many pages each part holds.
PART_PAGES = 40
# pages laid out past the cut and laid out again in the next part: what follows a block
# (keep-with-next headings, widows, a table's note) moves it at most this far back
KEEP_BACK = 2
# WeasyPrint's PDF unit per CSS pixel
_SCALE = 0.75


@dataclass
class PartsLayout:
    """A document laid out in parts (:func:`lay_out_parts`), ready for :func:`join_parts`.

    Attributes:
        parts: each part's PDF, in document order.
        pages: the page count of the whole document.
        anchor_pages: page (1-based) of each heading and table anchor.
        anchors: ``(name, page index, x, y)`` of each anchor, PDF coordinates.
        bookmarks: per page (0-based), WeasyPrint's bookmarks ``(level, label, (x, y), state)``
            with PDF coordinates.
        links: ``(page index, anchor, rect)`` of each internal link (the 目录's entries).
        processes: how many processes laid the parts out (:mod:`generator.render.pdf_parallel`).
    """

    parts: list[bytes] = field(default_factory=list)
    pages: int = 0
    anchor_pages: dict[str, int] = field(default_factory=dict)
    anchors: list[tuple[str, int, float, float]] = field(default_factory=list)
    bookmarks: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    links: list[tuple[int, str, tuple[float, float, float, float]]] = field(default_factory=list)
    processes: int = 1


@dataclass(frozen=True)
class _Pos:
    """A place in the prepared items: item ``item``, from body row ``row`` of a table."""

    item: int
    row: int = 0


@dataclass
class _Part:
    """One part as laid out: pages kept, where the next part starts, and what was collected."""

    pdf: bytes
    kept: int
    next_start: _Pos | None
    anchors: list[tuple[str, int, float, float]]
    bookmarks: dict[int, list[tuple[Any, ...]]]
    links: list[tuple[int, str, tuple[float, float, float, float]]]


class _Quiet(logging.Filter):
    """Hides WeasyPrint's warning about links whose target is in another part."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("No anchor #")


def _weights(prepared: Prepared, typo: Typography) -> tuple[list[float], dict[int, list[float]]]:
    """Estimated height of each item in pages, and of each body row of each table."""
    portrait = typo.portrait
    items: list[float] = []
    rows: dict[int, list[float]] = {}
    for index, item in enumerate(prepared.items):
        if isinstance(item, PreparedTable):
            setup = typo.page(item.page_kind)
            widths = list(item.table.widths) or [1.0]
            heights = _grid_row_heights(item.body, widths, setup.text_width_pt, item.font_size, typo, item.compact)
            rows[index] = [h / setup.text_height_pt for h in heights]
            items.append(sum(rows[index]) + 0.1)
        elif isinstance(item, (PreparedHeading, Paragraph)):
            key = item.style_key if isinstance(item, PreparedHeading) else (
                item.style if item.style in ("body", "center", "plain", "note") else "body")
            style = typo.style(key)
            text = item.heading.text if isinstance(item, PreparedHeading) else item.bold_prefix + item.text
            n = _lines(text, portrait.text_width_pt - style.left_pt, style.size_pt, style.indent_chars)
            items.append((style.before_pt + n * style.line_pt + style.after_pt) / portrait.text_height_pt)
        elif isinstance(item, PreparedToc):
            items.append(len(item.entries) * typo.style("body").line_pt / portrait.text_height_pt)
        elif isinstance(item, Chart):
            items.append(0.4)
        else:
            items.append(0.0)
    return items, rows


def _tagged(prepared: Prepared, start: _Pos, end: _Pos) -> list[tuple[str, object]]:
    """The (kind, item) pairs of the part from ``start`` up to ``end`` (exclusive).

    A table cut by ``start`` continues without its title lines (its header rows repeat as
    on every page); one cut by ``end`` stops without its 注."""
    chosen: list[object] = []
    last = end.item if end.row == 0 else end.item + 1
    for index in range(start.item, min(last, len(prepared.items))):
        item = prepared.items[index]
        if isinstance(item, PreparedTable):
            first = start.row if index == start.item else 0
            stop = end.row if (index == end.item and end.row) else len(item.body.rows)
            if first or stop < len(item.body.rows):
                table = item.table
                if first:
                    table = replace(table, code="", title="", subtitle="", unit_name="", money_unit="",
                                    empty_note="")
                if stop < len(item.body.rows):
                    table = replace(table, note="", empty_note="")
                item = replace(
                    item, table=table, body=Grid(item.body.rows[first:stop]),
                    anchor=item.anchor if not first else f"{item.anchor}--{first}",
                    bookmark_level=item.bookmark_level if not first else None,
                )
        chosen.append(item)
    return Prepared(prepared.doc, chosen, prepared.anchors).tagged(page_breaks=True)


def _plan_end(start: _Pos, budget: float, weights: list[float], rows: dict[int, list[float]]) -> _Pos:
    """Where a part of about ``budget`` pages from ``start`` ends (exclusive)."""
    total = 0.0
    index, row = start.item, start.row
    while index < len(weights):
        if index in rows and row < len(rows[index]):
            for r in range(row, len(rows[index])):
                total += rows[index][r]
                if total >= budget and r + 1 < len(rows[index]):
                    return _Pos(index, r + 1)
            total += 0.1
        else:
            total += weights[index]
        index, row = index + 1, 0
        if total >= budget:
            return _Pos(index)
    return _Pos(len(weights))


def _body_box(page: Any) -> Any:
    """The box of ``<body>`` on a laid-out page (WeasyPrint's page box tree)."""
    for box in page._page_box.children:
        if getattr(box, "element_tag", None) == "html":
            for child in box.children:
                if getattr(child, "element_tag", None) == "body":
                    return child
    return None


def _margin_kept(box: Any) -> bool:
    """Whether the top margins of ``box`` and its first descendants are as specified (not
    truncated by an unforced page break, as they would not be at the top of a new part)."""
    from weasyprint.formatting_structure import boxes

    while isinstance(box, boxes.BlockBox):
        specified = getattr(box.style["margin_top"], "value", 0)
        if specified and not box.margin_top:
            return False
        box = box.children[0] if box.children else None
    return True


class _PageIndex:
    """Which items and table rows each laid-out page shows."""

    def __init__(self, html: Any, offset: int, table_rows: dict[int, int]):
        body = next(e for e in html.etree_element.iter() if e.tag.rpartition("}")[2] == "body")
        elements = [e for e in body if isinstance(e.tag, str)]
        # the title paragraph, then one element per item
        self.item_of = {id(e): offset + i for i, e in enumerate(elements[1:])}
        self.row_of: dict[int, tuple[int, int]] = {}
        for element in elements[1:]:
            index = self.item_of[id(element)]
            if index not in table_rows:
                continue
            for tbody in element.iter():
                if tbody.tag.rpartition("}")[2] == "tbody":
                    for r, tr in enumerate(e for e in tbody if isinstance(e.tag, str)):
                        self.row_of[id(tr)] = (index, table_rows[index] + r)

    def contents(self, page: Any) -> tuple[Any, set[int], set[tuple[int, int]]]:
        """The first top-level box of ``page``, the items and the table rows on it."""
        body = _body_box(page)
        items: set[int] = set()
        rows: set[tuple[int, int]] = set()
        if body is None:
            return None, items, rows
        first = body.children[0] if body.children else None
        for box in body.descendants():
            element = getattr(box, "element", None)
            if element is None:
                continue
            key = id(element)
            if key in self.item_of:
                items.add(self.item_of[key])
            elif key in self.row_of:
                rows.add(self.row_of[key])
        return first, items, rows


def _page_start(contents: list[tuple[Any, set[int], set[tuple[int, int]]]], k: int, index: _PageIndex,
                prepared: Prepared) -> _Pos | None:
    """Where a new part could start so that its first page is page ``k`` (> 0) of a layout
    (``contents``: :meth:`_PageIndex.contents` of each page): the paragraph, heading or table
    that begins the page and was not on the page before (its top margin kept), or the first
    table row of the page when it is not continued from the page before; None otherwise."""
    first, items, rows = contents[k]
    _, before_items, before_rows = contents[k - 1]
    if first is None:
        return None
    item = index.item_of.get(id(getattr(first, "element", None)))
    if item is None:
        return None
    if item not in before_items:
        return _Pos(item) if _margin_kept(first) else None
    table = prepared.items[item]
    if not isinstance(table, PreparedTable):
        return None
    mine = sorted(r for i, r in rows if i == item)
    if not mine or (item, mine[0]) in before_rows:
        return None
    if any(slot.continued for slot in table.body.rows[mine[0]]):
        return None
    return _Pos(item, mine[0])


def _cut(pages: list[Any], index: _PageIndex, prepared: Prepared) -> tuple[int, _Pos] | None:
    """The last page (0-based, leaving :data:`KEEP_BACK` pages after it) that a new part can
    start with, and the position it starts at; None when there is none."""
    contents = [index.contents(p) for p in pages]
    for k in range(len(pages) - 1 - KEEP_BACK, 0, -1):
        start = _page_start(contents, k, index, prepared)
        if start is not None:
            return k, start
    return None


def _collect(pages: list[Any], first_page: int, part: _Part) -> None:
    """Anchors, bookmarks and links of the kept ``pages`` (global index from ``first_page``)."""
    for number, page in enumerate(pages, start=first_page):
        height = page.height * _SCALE
        for name, (x, y, *_rest) in page.anchors.items():
            part.anchors.append((name, number, x * _SCALE, height - y * _SCALE))
        if page.bookmarks:
            part.bookmarks[number] = [
                (level, label, (x * _SCALE, height - y * _SCALE), state)
                for level, label, (x, y), state in page.bookmarks
            ]
        for link_type, target, rect, _box in page.links:
            if link_type == "internal":
                x1, y1, x2, y2 = rect
                part.links.append(
                    (number, target, (x1 * _SCALE, height - y1 * _SCALE, x2 * _SCALE, height - y2 * _SCALE))
                )


def lay_out_parts(renderer: Any, prepared: Prepared, estimate: dict[str, int], *,
                  part_pages: int = PART_PAGES, write_options: dict | None = None) -> PartsLayout:
    """Lay ``prepared`` out part by part with ``renderer`` (a :class:`PdfRenderer`, loaded);
    each part is written to PDF and released before the next.  ``estimate`` gives the 目录
    page numbers of the first layout of the title and 目录 (see the module's docstring)."""
    items = prepared.items
    toc_at = next((i for i, it in enumerate(items) if isinstance(it, PreparedToc)), None)
    weights, rows = _weights(prepared, renderer.typography)
    head_end = _Pos(toc_at + 1) if toc_at is not None else None
    write_options = write_options or {}

    def part(start: _Pos, offset: int, toc_numbers: dict[str, int] | None, end: _Pos | None = None) -> _Part:
        budget = float(part_pages)
        while True:
            planned = end or _plan_end(start, budget, weights, rows)
            final = planned.item >= len(items) or end is not None
            result = _lay_out_part(renderer, prepared, start, planned, offset, toc_numbers,
                                   final, budget, write_options, rows)
            if result is not None:
                return result
            budget *= 2  # no place to cut: a longer part

    for _attempt in range(3):
        layout = PartsLayout()
        head: _Part | None = None
        offset = 0
        start = _Pos(0)
        if head_end is not None:
            head = part(start, 0, dict(estimate), end=head_end)
            offset, start = head.kept, head_end
            head.pdf = b""  # laid out again below, with the real page numbers
        body: list[_Part] = []
        while start.item < len(items):
            p = part(start, offset, None)
            body.append(p)
            offset += p.kept
            if p.next_start is None:
                break
            start = p.next_start
        for p in body:
            for name, page, _x, _y in p.anchors:
                layout.anchor_pages.setdefault(name, page + 1)
        if head is not None:
            head_kept = head.kept
            head = part(_Pos(0), 0, dict(layout.anchor_pages), end=head_end)
            for name, page, _x, _y in head.anchors:
                layout.anchor_pages.setdefault(name, page + 1)
            if head.kept != head_kept:  # the real numbers changed the 目录's length: again
                continue
        ordered = ([head] if head is not None else []) + body
        for p in ordered:
            layout.parts.append(p.pdf)
            layout.anchors += [a for a in p.anchors if a[0] in prepared.anchors or a[0] == "toc"]
            layout.bookmarks.update(p.bookmarks)
            layout.links += p.links
        layout.anchor_pages = {
            name: page for name, page in layout.anchor_pages.items() if name in prepared.anchors or name == "toc"
        }
        layout.pages = offset
        return layout
    raise RenderError("无法分段排版 PDF：目录页数不稳定")


def _lay_out_part(renderer: Any, prepared: Prepared, start: _Pos, end: _Pos, offset: int,
                  toc_numbers: dict[str, int] | None, final: bool, budget: float,
                  write_options: dict, table_rows: dict[int, list[float]],
                  starts: list[_Pos | None] | None = None) -> _Part | None:
    """Lay out and write one part; None when it has no page to cut at (and is not final).
    ``starts``, when given, receives where a part could start for each kept page (its first
    page: ``start``; see :func:`_page_start`)."""
    from weasyprint import CSS

    tagged = _tagged(prepared, start, end)
    html_text = renderer.part_html(prepared.doc, tagged)
    html = renderer._html_class()(string=html_text, base_url=renderer.base_url, url_fetcher=renderer._fetcher)
    sheets = [renderer._css, *renderer._mark_sheet(prepared.doc.mark)]
    if start.item != 0:
        sheets.append(CSS(string=".doc-title { display: none; }"))
    if toc_numbers is not None:
        rules = [
            f'.toc-entry a[href="#{name}"]::after {{ content: leader(\'.\') "{page}"; }}'
            for name, page in toc_numbers.items()
        ]
        sheets.append(CSS(string="\n".join(rules)))
    sheet_pages = int(budget * 1.5) + 12
    while True:
        numbering = renderer._page_number_sheet(sheet_pages, offset=offset)
        rendered = html.render(stylesheets=[*sheets, *numbering], font_config=renderer._font_config)
        if len(rendered.pages) <= sheet_pages or not numbering:
            break
        sheet_pages = len(rendered.pages) + 12
        del rendered
    pages = rendered.pages
    first_rows = {i: (start.row if i == start.item else 0) for i in table_rows}
    index = _PageIndex(html, start.item, first_rows) if (starts is not None or not final) else None
    if final:
        kept, next_start = len(pages), None
    else:
        assert index is not None
        cut = _cut(pages, index, prepared)
        if cut is None:
            return None
        kept, next_start = cut
    if starts is not None:
        assert index is not None
        contents = [index.contents(p) for p in pages[:kept]]
        starts[:] = [start] + [_page_start(contents, k, index, prepared) for k in range(1, kept)]
    result = _Part(b"", kept, next_start, [], {}, [])
    _collect(pages[:kept], offset, result)
    buffer = io.BytesIO()
    quiet = _Quiet()
    logging.getLogger("weasyprint").addFilter(quiet)
    try:
        renderer.write_checked(rendered.copy(pages[:kept]), buffer, write_options)
    finally:
        logging.getLogger("weasyprint").removeFilter(quiet)
    result.pdf = buffer.getvalue()
    del rendered, pages, html
    gc.collect()
    LOG.debug("part from %s: %d pages kept (page %d on)", start, kept, offset + 1)
    return result


def join_parts(layout: PartsLayout, target: Any, *, pdf_a: bool = False) -> None:
    """Join the parts of ``layout`` into one PDF written to ``target`` (a path).

    pikepdf (qpdf) copies each part's pages with their fonts and images; the first part's
    catalogue and document information are kept.  Outlines, named destinations and the
    目录's links are written for the whole document."""
    import pikepdf
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    sources = [pikepdf.open(io.BytesIO(data)) for data in layout.parts]
    try:
        pdf = sources[0]
        for other in sources[1:]:
            pdf.pages.extend(other.pages)
        pages = pdf.pages
        # named destinations of the headings and tables
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            del pdf.Root.Names["/Dests"]
        if layout.anchors:
            if "/Names" not in pdf.Root:
                pdf.Root.Names = pikepdf.Dictionary()
            seen: set[str] = set()
            names = pikepdf.Array()
            for name, number, x, y in sorted(layout.anchors, key=lambda a: a[0]):
                if name in seen:
                    continue
                seen.add(name)
                names.append(pikepdf.String(name))
                names.append(pikepdf.Array([pages[number].obj, pikepdf.Name.XYZ, x, y, 0]))
            pdf.Root.Names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=names))
        # the 目录's links: WeasyPrint left out those whose target was in another part
        for number in sorted({link[0] for link in layout.links}):
            page = pages[number]
            annots = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") != pikepdf.Name.Link]
            for _n, target_name, rect in (link for link in layout.links if link[0] == number):
                annot = pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array(list(rect)),
                    BS=pikepdf.Dictionary(W=0), Dest=pikepdf.String(target_name),
                )
                if pdf_a:
                    annot.F = 4
                annots.append(pdf.make_indirect(annot))
            page.obj.Annots = pikepdf.Array(annots)
        # outlines, built as WeasyPrint builds them for one layout
        root: list = []
        skipped: list[int] = []
        last_by_depth: list[list] = [root]
        previous = 0
        identity = Matrix()
        for number in sorted(layout.bookmarks):
            fake = _Marks(layout.bookmarks[number])
            previous = make_page_bookmark_tree(fake, skipped, last_by_depth, previous, number, identity)
        if "/Outlines" in pdf.Root:
            del pdf.Root["/Outlines"]
        if root:
            with pdf.open_outline() as outline:
                outline.root.extend(_outline_items(root, pages, pikepdf))
        pdf.save(target)
    finally:
        for source in sources:
            source.close()


class _Marks:
    """A page's bookmarks in the shape WeasyPrint's outline builder reads."""

    def __init__(self, bookmarks: list[tuple[Any, ...]]):
        self.bookmarks = bookmarks


def _outline_items(tree: list, pages: Any, pikepdf: Any) -> list:
    items = []
    for label, (page, x, y), children, state in tree:
        item = pikepdf.OutlineItem(label, page, pikepdf.PageLocation.XYZ, left=x, top=y, zoom=0)
        item.children.extend(_outline_items(children, pages, pikepdf))
        item.is_closed = state == "closed"
        items.append(item)
    return items
