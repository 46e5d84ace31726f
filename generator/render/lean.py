"""Run WeasyPrint's layout and PDF writing without two interpreter overheads that grow with
the document: full garbage collections and frame-stack chunk churn.

Measured on a unit with 120 绩效 projects (120 pages, laid out in one piece; CPU seconds,
alternately): without full collections, layout and writing 13.5 s → 10.4 s; with the large
chunk, layout 8.8 s → 6.0 s (the sample unit's 0.8 s → 0.7 s).

* **Full collections.**  Laying a document out creates millions of objects (boxes, styles,
  text layouts) that all live until the document is written.  Python's collector scans every
  live object in each full (oldest-generation) collection, and these come again as the heap
  grows: about 40 % of the layout and writing time of the 120-project unit went to them.  While a
  document is laid out and written only the young generations are collected (they free the
  short-lived cycles); the threshold is restored afterwards, so the next ordinary full
  collection frees whatever the document left.  Long documents laid out in parts
  (:mod:`generator.render.pdf_parts`) still collect after each part, so memory stays bounded.
* **Frame-stack chunks.**  CPython 3.11 and 3.12 keep the frames of Python functions in
  16 KiB chunks and return a chunk to the system (``munmap``) as soon as the call that opened
  it returns.  WeasyPrint lays every table cell and line out through a deep, repeated chain of
  calls; when a chunk boundary falls inside that chain, every cell maps and unmaps a chunk
  (the 120-project unit: 250,000 ``mmap``/``munmap`` pairs and as many page faults, a quarter
  of its layout time).  CPython fixed this later by keeping one spare chunk (issue gh-142183).
  Here the layout runs inside a call whose frame is large enough to open a 128 KiB chunk that
  leaves about 70 KiB free above it — several times the deepest layout seen (about 20 KiB) —
  so the layout's frames never cross a boundary.  On a Python with the fix this costs one
  allocation per document.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TypeVar

__all__ = ["RESERVE_SLOTS", "lean_call"]

T = TypeVar("T")

#: Local variables of the frame that opens the large chunk.  CPython sizes a new chunk to the
#: next power of two (from 16 KiB) above 8 bytes × (frame slots + 1,000): 7,200 slots (57.6 KiB)
#: open a 128 KiB chunk.
RESERVE_SLOTS = 7200

# never-run chained assignment: the names make the frame large, the stack needs two slots
_SOURCE = (
    "def _reserved(fn, args, kwargs):\n"
    "    if fn is None:\n"
    f"        {' = '.join(f'_{i}' for i in range(RESERVE_SLOTS))} = None\n"
    "    return fn(*args, **kwargs)\n"
)
_namespace: dict[str, object] = {}
exec(compile(_SOURCE, "<generator.render.lean>", "exec"), _namespace)  # noqa: S102 - fixed source above
_reserved = _namespace["_reserved"]

# collections of the oldest generation happen only when this many young collections passed
_NO_FULL = 1_000_000


def lean_call(fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
    """``fn(*args, **kwargs)`` without full garbage collections and inside a large frame-stack
    chunk (see the module's docstring); returns what ``fn`` returns, raises what it raises."""
    young, middle, old = gc.get_threshold()
    nested = old >= _NO_FULL
    if not nested:
        gc.set_threshold(young, middle, _NO_FULL)
    try:
        return _reserved(fn, args, kwargs)  # type: ignore[operator]
    finally:
        if not nested:
            gc.set_threshold(young, middle, old)
