"""Build the render-neutral :class:`~generator.document.Document` of one disclosure.

:func:`build_document` derives the figures once (:func:`generator.compute.derive`), builds
the nine 公开表 and the 自评表 (:mod:`generator.tables`), renders the narrative templates
(``templates/formats/<格式>/narrative/document.j2`` and the section files it includes, see
:mod:`generator.templating`) and reads the rendered markup into blocks.  Every sentence comes
from a template; this module only wires things together.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from generator.charts import build_charts
from generator.compute import TAG_CLOSE, TAG_OPEN, Figures, derive, public_expense_kind
from generator.document import Document, Heading, Toc
from generator.model import Disclosure
from generator.sections import Sections, load_sections, template_sections
from generator.tables import build_tables
from generator.tablespec import table_spec
from generator.templating import MarkupError, make_environment, parse_markup, render_text
from generator.yeardata import load_year

MAIN_TEMPLATE = "document.j2"


_TAG = re.compile(re.escape(TAG_OPEN) + "(.*?)" + re.escape(TAG_CLOSE))


def template_context(d: Disclosure, f: Figures, draft: bool = False) -> dict:
    """The names every narrative template sees.

    ``d`` the model, ``f`` the figures (万元, percent), ``unit`` = ``d.unit``, ``year`` and
    ``prior_year``, ``tables``: the 公开表 of the year data in order, each with ``key``,
    ``code`` and ``title`` as the format prints them (its ``tables.toml``), ``draft``: whether
    the document is a draft (``--force``), and
    ``sections``: the section headings and 十（一） of the format's ``sections.toml``, and
    ``sangong_compared``: whether the “三公” section states its comparisons (``[sangong]``), and
    ``wording``: the unit's wording choices, each defaulting to the format's (``[wording]``).
    """
    yd = load_year(d.unit.year)
    specs = [table_spec(t.key, t, d.unit.style) for t in yd.tables.values()]
    return {
        "d": d,
        "f": f,
        "unit": d.unit,
        "year": d.unit.year,
        "prior_year": d.unit.year - 1,
        "tables": [SimpleNamespace(key=t.key, code=t.code, title=t.title) for t in specs],
        "draft": draft,
        "sections": template_sections(public_expense_kind(d), d.unit.document, d.unit.style),
        "sangong_compared": load_sections(d.unit.style).sangong_compared(d.t09),
        "wording": load_sections(d.unit.style).wording(d.unit),
    }


@lru_cache(maxsize=8)
def _environment(templates_dir: Path | None, style: str):
    """One Jinja2 environment per template directory and format for the life of the process: a
    batch worker compiles the templates once (Jinja2 still reloads a file that changed)."""
    return make_environment(templates_dir, style)


def build_document(d: Disclosure, templates_dir: Path | None = None, *, draft: bool = False) -> Document:
    """The whole disclosure (narrative and tables) as one :class:`Document`.

    The narrative is that of the unit's format (``d.unit.style``).  ``templates_dir``: a
    directory whose template files replace the format's ones of the same name.  ``draft``: the data failed its checks and generation was forced; the
    document then carries the mark the templates give (``@mark``, 草稿) and may show
    placeholders for missing figures (listed in ``Document.placeholders``).

    Raises :class:`generator.errors.RenderError` when a template is missing, malformed or
    uses an undefined name.  (The pipeline refuses a draft without a mark and a document
    that is not a draft but shows placeholders.)
    """
    f = derive(d)
    tables = build_tables(d, f, load_year(d.unit.year))
    env = _environment(templates_dir, d.unit.style)
    text = render_text(env, MAIN_TEMPLATE, template_context(d, f, draft))
    missing = f.missing()
    keys = [k for k in dict.fromkeys(_TAG.findall(text)) if k in missing]
    try:
        parsed = parse_markup(_TAG.sub("", text), tables, build_charts(f))
    except MarkupError as exc:
        raise exc.placed(env) from exc
    _apply_toc_titles(parsed.blocks, load_sections(d.unit.style))
    return Document(
        title=parsed.title or d.unit.name,
        author=d.unit.name,
        year=d.unit.year,
        blocks=parsed.blocks,
        mark=parsed.mark if draft else "",
        placeholders=[missing[k] for k in keys],
    )


def _apply_toc_titles(blocks: list, sections: Sections) -> None:
    """The 目录 entries (and the headings' bookmarks) the format words otherwise than the
    headings (``[toc]`` of its sections.toml): the heading keeps its text."""
    titles = {sections.headings[name]: text for name, text in sections.toc_titles.items()}
    if not titles:
        return
    retitled: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, Heading) and block.text in titles:
            block.toc_text = titles[block.text]
            retitled[block.anchor] = block.toc_text
    for block in blocks:
        if isinstance(block, Toc):
            block.entries = [
                replace(e, text=retitled[e.anchor]) if e.anchor in retitled else e for e in block.entries
            ]
