"""Run WeasyPrint's layout and PDF writing without frame-stack chunk churn.

CPython 3.11 and 3.12 keep the frames of Python functions in 16 KiB chunks and return a chunk
to the system (``munmap``) as soon as the call that opened it returns.  WeasyPrint lays every
table cell and line out through a deep, repeated chain of calls; when a chunk boundary falls
inside that chain, every cell maps and unmaps a chunk.  A unit with 120 绩效 projects (120
pages, laid out in one piece) made 250,000 ``mmap``/``munmap`` pairs and as many page faults,
a quarter of its layout time: layout 8.8 s → 6.0 s of CPU with this module, the sample unit's
0.8 s → 0.7 s.  Whether a boundary falls there depends on how deep the caller is (command
line, batch worker, web server), so the cost came and went; now it never falls there.
CPython fixed this later by keeping one spare chunk (issue gh-142183).

The layout runs inside a call whose frame is large enough to open a 128 KiB chunk that leaves
about 70 KiB free above it — several times the deepest layout seen (about 20 KiB) — so the
layout's frames never cross a boundary.  On a Python with the fix this costs one allocation
per document.

Not done here, measured: keeping full garbage collections off while a document is laid out
saves another 8–23 % of CPU, but lets a batch worker's cyclic garbage wait longer (the largest
worker of a batch of sample-sized units 335 MB → 354 MB, over the 350 MB budget).
"""

from __future__ import annotations

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


def lean_call(fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
    """``fn(*args, **kwargs)`` inside a large frame-stack chunk (see the module's docstring);
    returns what ``fn`` returns, raises what it raises."""
    return _reserved(fn, args, kwargs)  # type: ignore[operator]
