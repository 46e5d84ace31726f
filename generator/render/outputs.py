"""Write one document in the formats asked for, so that the files agree with each other.

When a PDF is asked for, it is laid out first and the DOCX's 目录 prefills the PDF's real
page numbers (read from the laid-out pages); with the DOCX alone the 目录 keeps the estimate
of :mod:`generator.render.paginate`.  If the PDF cannot be laid out (a character no font has,
a missing font…), the other files are still written — the DOCX with the estimate — and the
PDF's error is raised when its turn comes, so the caller reports it with what was written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.document import Document

__all__ = ["write_documents"]


def write_documents(
    document: Document, outputs: list[tuple[str, Path]], renderer: Callable[[str], Any]
) -> Iterator[tuple[str, Path, list[str]]]:
    """Write ``document`` to each ``(format, path)`` of ``outputs``, in that order.

    ``renderer(name)`` returns the renderer of a registered format
    (:mod:`generator.render.registry`); a renderer whose ``write`` takes ``page_numbers``
    (the DOCX's) gets the PDF's.  Yields ``(format, path, notes)`` for each file once it is
    written; raises the first error after writing what could be written before it.
    """
    layout = None
    pdf_error: Exception | None = None
    if any(fmt == "pdf" for fmt, _ in outputs):
        try:
            layout = renderer("pdf").lay_out(document)
        except Exception as exc:  # noqa: BLE001 - raised at the PDF's turn, after the others
            pdf_error = exc
    for fmt, target in outputs:
        r = renderer(fmt)
        if fmt == "pdf":
            if pdf_error is not None:
                raise pdf_error
            notes = r.write(document, target, layout=layout)
        elif layout is not None and getattr(r, "takes_page_numbers", False):
            notes = r.write(
                document, target, page_numbers=layout.anchor_pages, total_pages=layout.pages
            )
        else:
            notes = r.write(document, target)
        yield fmt, target, list(notes or [])
