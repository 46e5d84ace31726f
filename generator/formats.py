"""Disclosure formats (公开格式) as data: one folder per format under ``templates/formats/``.

A format is how a province words and lays out the disclosure.  Its folder holds

* ``narrative/``: the Jinja2 templates of every sentence (``document.j2`` and the section files,
  the glossary ``20_glossary.j2`` among them);
* ``sections.toml``: what the narrative contains (headings, which comparisons its text states),
  read by the templates, the figures and the checks (:mod:`generator.sections`);
* ``tables.toml``: the shells of the nine 公开表 (:mod:`generator.tablespec`).

The workbook's 单位信息 names the format (``unit.style``); ``--style NAME`` overrides it.  A new
province's format is a new folder, not code (see docs/formats.md).
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import JuesuanError
from generator.templates_path import packaged_templates

DEFAULT_STYLE = "乌鲁木齐"
"""The format of the samples, used when the workbook names none."""

FORMATS_DIR = packaged_templates() / "formats"


class UnknownStyleError(JuesuanError):
    """A format name that is no folder of ``templates/formats/``."""

    exit_code = 2


def known_styles(root: Path | None = None) -> list[str]:
    """The shipped format names (folders holding ``narrative/document.j2``), the default first."""
    root = root or FORMATS_DIR
    names = sorted(p.name for p in root.iterdir() if (p / "narrative" / "document.j2").is_file())
    return sorted(names, key=lambda n: n != DEFAULT_STYLE)


def style_error(name: str) -> str:
    """The Chinese message for an unknown format name, naming the known ones."""
    return f"未知的公开格式“{name}”，可选：{'、'.join(known_styles())}"


def format_dir(name: str | None = None) -> Path:
    """The folder of format ``name`` (the default when empty).  Raises :class:`UnknownStyleError`."""
    name = (name or "").strip() or DEFAULT_STYLE
    if name not in known_styles():
        raise UnknownStyleError(style_error(name))
    return FORMATS_DIR / name
