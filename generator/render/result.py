"""What one render call made: the file, the notes about that document, and its pages.

Notes belong to the document they were made for: a renderer kept for a whole batch returns
them with each document instead of collecting them on itself, so unit B never carries a note
about a character of unit A.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RenderResult"]


@dataclass
class RenderResult:
    """One written file.

    Attributes:
        path: the file written.
        notes: Chinese notes for the user about this document (a font stood in by a fallback,
            characters only another installed font has…); never fatal.
        pages: number of pages (the PDF's as laid out; the DOCX's as prefilled in its 目录).
        anchor_pages: page (1-based) of each heading and table anchor — the numbers its 目录
            shows.
    """

    path: Path
    notes: list[str] = field(default_factory=list)
    pages: int = 0
    anchor_pages: dict[str, int] = field(default_factory=dict)
