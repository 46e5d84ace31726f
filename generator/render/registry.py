"""The output formats, registered by name.

Each format is one module under :mod:`generator.render` with a renderer class; the registry
names the module and the class, so listing the formats (``--help``, ``--format`` checking)
imports nothing heavy — python-docx, WeasyPrint and openpyxl are loaded only when a file of
that format is written.  The pipeline and the command line take every format list from here:
adding a format is one module and one :func:`register` call.

A renderer is made once per process with a :class:`RenderSettings` and kept (fonts and
templates are loaded once).  It provides:

* ``write(doc, path) -> list[str]`` — writes one document (atomically) and returns the notes
  for the user about that document (a font stood in by a fallback…), in Chinese;
* optionally ``font_error`` (a Chinese reason no file of this format can be made, checked
  before anything is rendered) and ``warnings`` (notes said once, before rendering);
* optionally ``takes_page_numbers = True`` when ``write`` also takes ``page_numbers`` and
  ``total_pages``: the PDF's real pages, for a 目录 (:mod:`generator.render.outputs`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "OutputFormat",
    "RenderSettings",
    "UnknownFormat",
    "default_formats",
    "format_names",
    "get_format",
    "make_renderer",
    "parse_formats",
    "register",
]


@dataclass(frozen=True)
class OutputFormat:
    """One output format.

    ``name`` is what ``--format`` takes; ``suffix`` the file suffix (with the dot);
    ``label`` a short Chinese description; ``module``/``factory`` where the renderer class is;
    ``name_suffix`` is added to the file name's stem (``…决算公开（公开表）.xlsx``, so the
    published tables are not taken for an input workbook).
    """

    name: str
    suffix: str
    label: str
    module: str
    factory: str
    default: bool = False
    name_suffix: str = ""


@dataclass(frozen=True)
class RenderSettings:
    """What every renderer may need; each takes what applies to it."""

    templates_dir: Path | None = None
    font_dir: Path | None = None
    pdf_variant: str | None = None
    #: processes that may lay out the parts of a long PDF at once (1: one after another)
    pdf_part_workers: int = 1


class UnknownFormat(ValueError):
    """``--format`` named a format that is not registered (the message is in Chinese)."""


_REGISTRY: dict[str, OutputFormat] = {}


def register(fmt: OutputFormat) -> OutputFormat:
    """Add ``fmt`` (a later registration of the same name replaces the earlier one)."""
    _REGISTRY[fmt.name] = fmt
    return fmt


def format_names() -> tuple[str, ...]:
    """Every registered format, in registration order."""
    return tuple(_REGISTRY)


def default_formats() -> tuple[str, ...]:
    """The formats written when ``--format`` is not given."""
    return tuple(name for name, fmt in _REGISTRY.items() if fmt.default)


def get_format(name: str) -> OutputFormat:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownFormat(_unknown_message([name])) from None


def _unknown_message(unknown: list[str]) -> str:
    shown = "、".join(f"“{u}”" for u in unknown)
    known = "、".join(f"{f.name}（{f.label}）" for f in _REGISTRY.values())
    return f"不支持的输出格式：{shown}。可用的格式：{known}；多个格式用逗号分隔，如 docx,pdf"


def parse_formats(text: str) -> tuple[str, ...]:
    """``"docx, PDF,html"`` → ``("docx", "pdf", "html")`` in registry order, duplicates dropped.

    Raises:
        UnknownFormat: a name is not registered, or no name is given.
    """
    chosen = [part.strip().lower().lstrip(".") for part in text.replace("，", ",").split(",")]
    chosen = [c for c in chosen if c]
    unknown = [c for c in chosen if c not in _REGISTRY]
    if unknown:
        raise UnknownFormat(_unknown_message(unknown))
    if not chosen:
        raise UnknownFormat(_unknown_message([text.strip()]))
    return tuple(name for name in _REGISTRY if name in chosen)


def make_renderer(name: str, settings: RenderSettings):
    """A new renderer of format ``name`` (imports its module)."""
    fmt = get_format(name)
    module = importlib.import_module(fmt.module)
    return getattr(module, fmt.factory)(settings)


register(OutputFormat("docx", ".docx", "Word 文档", "generator.render.docx", "DocxRenderer", default=True))
register(OutputFormat("pdf", ".pdf", "PDF 文件", "generator.render.pdf", "PdfFormatRenderer", default=True))
register(OutputFormat("html", ".html", "网页", "generator.render.html", "HtmlRenderer"))
register(
    OutputFormat(
        "xlsx", ".xlsx", "公开表 Excel 工作簿", "generator.render.xlsx", "XlsxRenderer", name_suffix="（公开表）"
    )
)
