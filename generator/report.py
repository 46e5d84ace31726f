"""Build the render-neutral :class:`~generator.document.Document` of one disclosure.

:func:`build_document` derives the figures once (:func:`generator.compute.derive`), builds
the nine 公开表 and the 自评表 (:mod:`generator.tables`), renders the narrative templates
(``templates/narrative/document.j2`` and the section files it includes, see
:mod:`generator.templating`) and reads the rendered markup into blocks.  Every sentence comes
from a template; this module only wires things together.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from generator.compute import Figures, derive
from generator.document import Document
from generator.model import Disclosure
from generator.tables import build_tables
from generator.templating import make_environment, parse_markup, render_text
from generator.yeardata import load_year

MAIN_TEMPLATE = "document.j2"


def template_context(d: Disclosure, f: Figures) -> dict:
    """The names every narrative template sees.

    ``d`` the model, ``f`` the figures (万元, percent), ``unit`` = ``d.unit``, ``year`` and
    ``prior_year``, and ``tables``: the 公开表 of the year data in order, each with ``key``,
    ``code`` and ``title``.
    """
    yd = load_year(d.unit.year)
    return {
        "d": d,
        "f": f,
        "unit": d.unit,
        "year": d.unit.year,
        "prior_year": d.unit.year - 1,
        "tables": [SimpleNamespace(key=t.key, code=t.code, title=t.title) for t in yd.tables.values()],
    }


@lru_cache(maxsize=8)
def _environment(templates_dir: Path | None):
    """One Jinja2 environment per template directory for the life of the process: a batch
    worker compiles the templates once (Jinja2 still reloads a file that changed)."""
    return make_environment(templates_dir)


def build_document(d: Disclosure, templates_dir: Path | None = None) -> Document:
    """The whole disclosure (narrative and tables) as one :class:`Document`.

    ``templates_dir``: a directory whose template files replace the packaged ones of the
    same name.  Raises :class:`generator.errors.RenderError` when a template is missing,
    malformed or uses an undefined name.
    """
    f = derive(d)
    tables = build_tables(d, f, load_year(d.unit.year))
    text = render_text(_environment(templates_dir), MAIN_TEMPLATE, template_context(d, f))
    parsed = parse_markup(text, tables)
    return Document(
        title=parsed.title or d.unit.name,
        author=d.unit.name,
        year=d.unit.year,
        blocks=parsed.blocks,
    )
