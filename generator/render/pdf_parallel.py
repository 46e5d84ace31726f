"""The parts of a long PDF laid out on several cores at once.

:mod:`generator.render.pdf_parts` lays a long document out a part at a time; every part
starts where the one before was cut, so the parts follow one another.  When one unit is
made alone the other cores are idle.  Here the body (everything after the 目录) is divided
into *runs*, one per core, each starting at a heading or table; the runs are laid out at the same
time, each part by part as in :mod:`generator.render.pdf_parts`, in processes forked from
this one (they share the loaded fonts, templates and the prepared document).

The document stays the same as the one laid out part after part:

* A run that does not start the body begins with its block on a fresh page, which the
  whole layout need not do.  So the run before it is laid out a few pages past that heading
  (its last part, the *tail*), and the two are joined at the first page that, in both
  layouts, starts with the same paragraph, heading, table or table row under the conditions
  the parts are cut at (:func:`generator.render.pdf_parts._page_start`): from there on both
  are the whole layout.  The tail's pages after that page and the run's pages before it are
  left out.  When no such page is found the document is laid out part after part instead.
* Page numbers: a run's first page number is not known until the runs before it are laid
  out, so a run is numbered from an estimate and its pages are renumbered when the parts are
  joined: the outlines of the digits in each page number (drawn as vector outlines, see
  :mod:`generator.render.page_numbers`) are swapped for those of the right number.  All
  digits of the Latin face are equally wide, so a number with as many digits stands exactly
  where the estimated one stood; where the count of digits differs, the run is laid out again
  with the right numbers.
* The 目录 is laid out last, with the real page numbers, as in the sequential layout.

A process that dies or fails is not fatal: the document is then laid out part after part in
this process (the same output, slower).  Errors about the document itself (a character no
font has) are raised as they would be without the runs.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from generator.document import PageBreak
from generator.errors import RenderError
from generator.render.layout import Prepared, PreparedHeading, PreparedTable, PreparedToc
from generator.render.pdf_parts import (
    KEEP_BACK,
    PART_PAGES,
    PartsLayout,
    _lay_out_part,
    _Part,
    _plan_end,
    _Pos,
    _weights,
)

__all__ = ["lay_out_parallel"]

LOG = logging.getLogger(__name__)

#: Estimated pages a run's tail is laid out past the start of the next run.
OVERLAP_PAGES = KEEP_BACK + 5
#: A run is given at least this many estimated pages (shorter runs are not worth a process).
MIN_RUN_PAGES = 30
#: Pages of a part when the runs are laid out at once: each process holds one part's layout,
#: so parts are shorter than :data:`generator.render.pdf_parts.PART_PAGES`.  The 300-project
#: unit, two processes, proportional set sizes summed (shared pages counted once): 40 pages
#: 519–550 MB, 24 pages 450–517 MB, 16 pages 491 MB, 12 pages 467 MB but 1–2 s slower;
#: the target is 500 MB.
RUN_PART_PAGES = 16


@dataclass
class _Run:
    """One run as laid out: its parts, numbered from ``offset``; where a part could start on
    each page of its first part (``first_starts``) and of its tail (``tail_starts``)."""

    start: _Pos
    offset: int
    parts: list[_Part] = field(default_factory=list)
    first_starts: list[_Pos | None] = field(default_factory=list)
    tail_starts: list[_Pos | None] = field(default_factory=list)
    #: the tail reaches the end of the document (every page of it is as in the whole layout)
    complete: bool = False
    #: the process that laid it out
    pid: int = field(default_factory=os.getpid)


@dataclass
class _Job:
    renderer: Any
    prepared: Prepared
    weights: list[float]
    rows: dict[int, list[float]]
    part_pages: int
    write_options: dict


# the job of the forked processes (set before they are forked; never pickled)
_JOB: _Job | None = None


def _before(a: _Pos, b: _Pos) -> bool:
    return (a.item, a.row) < (b.item, b.row)


def _run(job: _Job, start: _Pos, offset: int, stop: _Pos | None) -> _Run:
    """Lay out the parts from ``start`` (numbered from ``offset``); with ``stop``, the last
    part (the tail) runs :data:`OVERLAP_PAGES` estimated pages past ``stop``."""
    items = job.prepared.items
    run = _Run(start, offset)
    began = time.perf_counter()
    position, budget = start, float(job.part_pages)
    while True:
        planned = _plan_end(position, budget, job.weights, job.rows)
        tail = stop is not None and not _before(planned, stop)
        end = _plan_end(stop, OVERLAP_PAGES, job.weights, job.rows) if tail and stop is not None else planned
        final = tail or end.item >= len(items)
        starts: list[_Pos | None] = []
        part = _lay_out_part(job.renderer, job.prepared, position, end, offset, None, final, budget,
                             job.write_options, job.rows, starts)
        if part is None:
            budget *= 2  # no place to cut: a longer part
            continue
        if not run.parts:
            run.first_starts = starts
        run.parts.append(part)
        if final:
            run.tail_starts = starts
            run.complete = end.item >= len(items)
            LOG.debug("run from %s: %d parts, %d pages in %.1f s", start, len(run.parts),
                      sum(p.kept for p in run.parts), time.perf_counter() - began)
            return run
        offset += part.kept
        assert part.next_start is not None
        position, budget = part.next_start, float(job.part_pages)


def _run_in_child(start: _Pos, offset: int, stop: _Pos | None) -> _Run:
    """A run in a forked process (the job was set before the fork)."""
    assert _JOB is not None
    from generator.render.lean import lean_call

    return lean_call(_run, _JOB, start, offset, stop)


def _run_starts(prepared: Prepared, first: int, weights: list[float], count: int) -> list[tuple[int, float]]:
    """``count - 1`` places (item index, estimated pages before it from ``first``) where the
    runs after the first start, about evenly spread by estimated pages: preferably where the
    document starts a new page anyway (a heading or table that opens its page, what follows a
    page break), where the runs always meet; else a heading or table that does not follow a
    heading (which keeps with what follows it)."""
    items = prepared.items
    total = sum(weights[first:])
    before = [0.0]
    for w in weights[first:]:
        before.append(before[-1] + w)

    def opens_page(i: int) -> bool:
        item = items[i]
        return (isinstance(item, PreparedHeading) and item.opens_page) or isinstance(items[i - 1], PageBreak) or (
            isinstance(item, PreparedTable) and item.new_page and not item.led)

    pages = [i for i in range(first + 1, len(items)) if opens_page(i)]
    blocks = [
        i for i in range(first + 1, len(items))
        if isinstance(items[i], (PreparedHeading, PreparedTable))
        and not isinstance(items[i - 1], (PreparedHeading, PageBreak))
    ]
    chosen: list[tuple[int, float]] = []
    for n in range(1, count):
        target = total * n / count

        def off(i: int, target: float = target) -> float:
            return abs(before[i - first] - target)

        best = min(pages, key=off, default=None)
        if best is None or off(best) > total / count / 4:  # a page start too far off: another block
            best = min(blocks + pages, key=off, default=None)
        if best is None or (chosen and best <= chosen[-1][0]):
            continue
        chosen.append((best, before[best - first]))
    return chosen


def lay_out_parallel(renderer: Any, prepared: Prepared, estimate: dict[str, int], *, workers: int,
                     part_pages: int = PART_PAGES, write_options: dict | None = None) -> PartsLayout | None:
    """Lay ``prepared`` out in parts with up to ``workers`` processes (see the module's
    docstring); None when it cannot be done so (too short, no place to divide, a process
    failed): the caller then lays it out part after part.  ``estimate`` gives the estimated
    page of each anchor (the 目录's first layout, and the numbers the runs start from)."""
    global _JOB
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    items = prepared.items
    toc_at = next((i for i, it in enumerate(items) if isinstance(it, PreparedToc)), None)
    weights, rows = _weights(prepared, renderer.typography)
    head_end = _Pos(toc_at + 1) if toc_at is not None else _Pos(0)
    count = max(1, min(workers, int(sum(weights[head_end.item:]) // MIN_RUN_PAGES)))
    places = _run_starts(prepared, head_end.item, weights, count)
    if not places:
        return None
    part_pages = min(part_pages, RUN_PART_PAGES)
    job = _Job(renderer, prepared, weights, rows, part_pages, write_options or {})
    starts = [head_end] + [_Pos(i) for i, _ in places]
    stops: list[_Pos | None] = [*starts[1:], None]
    # the pages before each later run, estimated (see the module's docstring)
    guesses = [max(estimate.get(items[i].anchor, 0) - 1, 1 + round(pages)) for i, pages in places]

    _JOB = job
    runs: list[_Run] = []
    head: _Part | None = None
    # the objects made so far (fonts, the document) are shared with the forked processes until
    # written to: kept out of the garbage collector's passes, which would write to every one
    gc.freeze()
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(places), mp_context=ctx) as pool:
            futures = [pool.submit(_run_in_child, starts[j], guesses[j - 1], stops[j]) for j in range(1, len(starts))]
            head_kept = 0
            if toc_at is not None:
                head = _lay_out_part(renderer, prepared, _Pos(0), head_end, 0, dict(estimate), True,
                                     float(part_pages), job.write_options, rows)
                assert head is not None
                head_kept = head.kept
            runs.append(_run(job, starts[0], head_kept, stops[0]))
            runs += [future.result() for future in futures]
    except RenderError:
        raise
    except Exception as exc:  # noqa: BLE001 - a process that died: lay out part after part instead
        LOG.warning("并行排版 PDF 未成功（%s），改为逐段排版", exc)
        return None
    finally:
        _JOB = None
        gc.unfreeze()
    return _join_runs(job, runs, head, head_kept, head_end)


def _meet(prev: _Run, run: _Run) -> tuple[int, int] | None:
    """Where ``run`` joins ``prev``: (page of ``prev``, page of ``run``), run-local, of the
    first page of ``run`` that starts as a page of ``prev``'s tail does; None when none does."""
    tail_first = sum(p.kept for p in prev.parts[:-1])
    usable = len(prev.tail_starts) if prev.complete else len(prev.tail_starts) - KEEP_BACK
    at = {pos: a for a, pos in enumerate(prev.tail_starts[:max(usable, 0)]) if pos is not None}
    for b, pos in enumerate(run.first_starts):
        if pos is not None and pos in at:
            return tail_first + at[pos], b
    return None


def _join_runs(job: _Job, runs: list[_Run], head: _Part | None, head_kept: int,
               head_end: _Pos) -> PartsLayout | None:
    """One :class:`PartsLayout` of the runs: joined where they meet, renumbered."""
    renderer, prepared = job.renderer, job.prepared
    first: tuple[int, int] | None = (0, 0)
    meets = [first] + [_meet(runs[j - 1], runs[j]) for j in range(1, len(runs))]
    layout = PartsLayout()
    numbers = _Numbers(renderer)
    offset = head_kept
    for j, run in enumerate(runs):
        meet, after = meets[j], (meets[j + 1] if j + 1 < len(runs) else None)
        if meet is None or (j + 1 < len(runs) and after is None):
            LOG.info("parallel runs do not meet after run %d: laid out part after part", j)
            return None
        lo = meet[1]
        hi = after[0] if after is not None else sum(p.kept for p in run.parts)
        if hi <= lo:
            return None  # a run wholly inside the one before (estimates far off)
        delta = offset - lo - run.offset
        LOG.debug("run %d: pages %d…%d of its layout kept, page numbers moved by %d", j, lo + 1, hi, delta)
        try:
            pdfs = _kept_pdfs(run, lo, hi, delta, numbers)
        except _Mismatch as exc:
            # the right numbers have another count of digits: the run again, numbered right
            LOG.info("run %d laid out again with its page numbers (%s)", j, exc)
            start = run.first_starts[lo]
            assert start is not None
            run = _run(job, start, offset, runs[j + 1].start if j + 1 < len(runs) else None)
            if j + 1 < len(runs):
                runs[j] = run
                after = meets[j + 1] = _meet(run, runs[j + 1])
                if after is None:
                    return None
            lo, delta = 0, 0
            hi = after[0] if after is not None else sum(p.kept for p in run.parts)
            pdfs = _kept_pdfs(run, lo, hi, delta, numbers)
        layout.parts += pdfs
        _collect_kept(run, lo, hi, delta, layout)
        offset += hi - lo
    for name, page, _x, _y in layout.anchors:
        layout.anchor_pages.setdefault(name, page + 1)
    if head is not None:
        head = _lay_out_part(renderer, prepared, _Pos(0), head_end, 0, dict(layout.anchor_pages), True,
                             float(job.part_pages), job.write_options, job.rows)
        assert head is not None
        if head.kept != head_kept:  # the real numbers changed the 目录's length
            return None
        layout.parts.insert(0, head.pdf)
        for name, page, _x, _y in head.anchors:
            layout.anchor_pages.setdefault(name, page + 1)
        layout.anchors = head.anchors + layout.anchors
        layout.bookmarks.update(head.bookmarks)
        layout.links = head.links + layout.links
    layout.anchors = [a for a in layout.anchors if a[0] in prepared.anchors or a[0] == "toc"]
    layout.anchor_pages = {
        name: page for name, page in layout.anchor_pages.items() if name in prepared.anchors or name == "toc"
    }
    layout.pages = offset
    layout.processes = len({run.pid for run in runs})
    return layout


def _collect_kept(run: _Run, lo: int, hi: int, delta: int, layout: PartsLayout) -> None:
    """The anchors, bookmarks and links of the run's pages ``lo``…``hi - 1`` (run-local),
    moved by ``delta`` pages."""
    first, last = run.offset + lo, run.offset + hi

    def kept(page: int) -> bool:
        return first <= page < last

    for part in run.parts:
        layout.anchors += [(n, p + delta, x, y) for n, p, x, y in part.anchors if kept(p)]
        layout.bookmarks.update({p + delta: marks for p, marks in part.bookmarks.items() if kept(p)})
        layout.links += [(p + delta, target, rect) for p, target, rect in part.links if kept(p)]


class _Mismatch(Exception):
    """A page number cannot be swapped for the right one (another count of digits)."""


def _kept_pdfs(run: _Run, lo: int, hi: int, delta: int, numbers: _Numbers) -> list[bytes]:
    """The PDFs of the run's parts with only pages ``lo``…``hi - 1`` (run-local), every page
    number moved by ``delta``."""
    import pikepdf

    out: list[bytes] = []
    first = 0
    for part in run.parts:
        a, b = max(lo - first, 0), min(hi - first, part.kept)
        number = run.offset + first + a + 1  # the number printed on the first page kept
        first += part.kept
        if b <= a:
            continue
        if a == 0 and b == part.kept and delta == 0:
            out.append(part.pdf)
            continue
        with pikepdf.open(io.BytesIO(part.pdf)) as pdf:
            del pdf.pages[b:]
            del pdf.pages[:a]
            if delta:
                for i, page in enumerate(pdf.pages):
                    numbers.swap(page, number + i, number + i + delta)
            buffer = io.BytesIO()
            pdf.save(buffer)
        out.append(buffer.getvalue())
    return out


_BLOCK = rb"q\n1 0 0 -1 [-0-9.]+ [-0-9.]+ cm\n"


class _Numbers:
    """Swaps the page number drawn on a page for another (the outlines of each character,
    read from a few pages laid out with known numbers)."""

    def __init__(self, renderer: Any):
        self.renderer = renderer
        self._bodies: dict[str, bytes] | None = None

    def _text(self, number: int) -> str:
        typo = self.renderer.typography
        return f"{typo.page_number_prefix}{number}{typo.page_number_suffix}"

    def _glyph_bodies(self) -> dict[str, bytes]:
        """Each character's drawing in a page number (as WeasyPrint writes it)."""
        if self._bodies is not None:
            return self._bodies
        import pikepdf

        renderer = self.renderer
        count = 10
        html = renderer._html_class()(
            string="<html><body>" + '<div style="break-before: page"></div>' * count + "</body></html>",
            base_url=renderer.base_url, url_fetcher=renderer._fetcher)
        numbering = renderer._page_number_sheet(count, offset=9)  # 10…19: every digit
        rendered = html.render(stylesheets=[renderer._css, *numbering], font_config=renderer._font_config)
        buffer = io.BytesIO()
        rendered.write_pdf(buffer)
        bodies: dict[str, bytes] = {}
        with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
            if len(pdf.pages) < count:
                raise _Mismatch("page number outlines not laid out")
            for n, page in enumerate(list(pdf.pages)[:count], start=10):
                drawn = [ch for ch in self._text(n) if not ch.isspace()]
                blocks = _blocks(page.Contents.read_bytes())
                if len(blocks) != len(drawn):
                    raise _Mismatch("page number outlines not recognised")
                for ch, (_start, _end, body) in zip(drawn, blocks):
                    if bodies.setdefault(ch, body) != body:
                        raise _Mismatch("page number outlines differ")
        self._bodies = bodies
        return bodies

    def _pattern(self, text: str) -> re.Pattern[bytes]:
        bodies = self._glyph_bodies()
        drawn = [ch for ch in text if not ch.isspace()]
        if any(ch not in bodies for ch in drawn):
            raise _Mismatch(text)
        return re.compile(b"".join(b"(" + _BLOCK + b")" + re.escape(bodies[ch]) + rb"Q\n" for ch in drawn))

    def swap(self, page: Any, old: int, new: int) -> None:
        """Draw ``new`` where ``old`` is drawn on ``page`` (a pikepdf page)."""
        import pikepdf

        old_text, new_text = self._text(old), self._text(new)
        if len(old_text) != len(new_text):
            raise _Mismatch(f"{old} → {new}")
        pattern = self._pattern(old_text)
        bodies = self._glyph_bodies()
        contents = page.obj.get("/Contents")
        if not isinstance(contents, pikepdf.Stream):
            raise _Mismatch("contents in several streams")
        data = contents.read_bytes()
        found = list(pattern.finditer(data))
        if len(found) != 1:
            raise _Mismatch(f"page number {old} found {len(found)} times")
        match = found[0]
        drawn = [ch for ch in new_text if not ch.isspace()]
        if any(ch not in bodies for ch in drawn) or len(drawn) != pattern.groups:
            raise _Mismatch(new_text)
        replacement = b"".join(match.group(k + 1) + bodies[ch] + b"Q\n" for k, ch in enumerate(drawn))
        contents.write(data[:match.start()] + replacement + data[match.end():])


def _blocks(data: bytes) -> list[tuple[int, int, bytes]]:
    """The drawn characters of a page number: (start, end, drawing) of each ``q … Q`` block
    placed by a ``1 0 0 -1 x y cm`` (the SVG's glyph paths)."""
    found = []
    for match in re.finditer(_BLOCK, data):
        end = data.find(b"Q\n", match.end())
        if end < 0:
            break
        found.append((match.start(), end + 2, data[match.end():end]))
    return found
