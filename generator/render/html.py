"""HTML renderer: one :class:`generator.document.Document` → one self-contained web page.

For a government portal: the page carries the same text as the DOCX and PDF, as semantic
HTML — the title ``<h1>``, the headings ``<h2>``–``<h5>`` with ids, the 目录 a list of links
to them, every table a ``<table>`` with ``<caption>`` (表号, title, 单位/金额单位 line),
``<thead>`` with ``<th scope>`` and the merged headers of the official layout, amounts
right-aligned; a chart (``@chart``) an inline SVG (``role="img"``, its figures in the
``aria-label`` and ``<title>``) in a ``<figure>`` with its caption and, for screen readers,
its figures as a visually hidden table.  The stylesheet is inline and no font is embedded: the reader's own Chinese
fonts are asked for by name (the official names first, then the usual Windows, macOS,
Android and Linux faces).  Nothing else is requested: no image, script, font or stylesheet
file, no other host (a Content-Security-Policy says so to the browser as well).

Narrow screens: text reflows, and each table scrolls sideways inside a focusable region
(``role="region"`` with an ``aria-label``), so a keyboard or screen-reader user can reach it.
Printing (``@media print``): A4, wide tables on landscape pages, header rows repeated.

The page comes from ``templates/html/page.html.j2`` and ``templates/html/page.css.j2``; a
``templates_dir`` given by the user is searched first (``<dir>/html/`` or ``<dir>/``).
Jinja2 autoescaping is on: text from a workbook prints as text, never as markup.
"""

from __future__ import annotations

from pathlib import Path

from generator import fonts
from generator.atomic import atomic_target
from generator.document import Document
from generator.errors import RenderError
from generator.render.layout import (
    TOC_TITLE,
    PreparedTable,
    cell_align,
    clean_text,
    prepare,
)
from generator.templates_path import packaged_templates

__all__ = ["HtmlRenderer", "WEB_FONT_EXTRAS", "render_html"]

#: Faces of the common reading systems added after the official names of each role, so a
#: phone or a computer without the 公文 fonts still picks a face of the same kind.
WEB_FONT_EXTRAS: dict[str, tuple[str, ...]] = {
    "title": ("Source Han Serif SC", "Songti SC", "STSong", "SimSun"),
    "heading1": ("Source Han Sans SC", "PingFang SC", "Microsoft YaHei"),
    "heading2": ("STKaiti", "Kaiti SC"),
    "body": ("STFangsong", "Source Han Serif SC", "Songti SC", "SimSun"),
    "table": ("Source Han Serif SC", "Songti SC", "STSong"),
    "latin": (),
}


def font_stack(role: str) -> str:
    """CSS ``font-family`` for a role on the web: official names, open faces, platform faces."""
    stack = fonts.css_font_family(role, latin_first=False)
    head, _, generic = stack.rpartition(", ")
    extras = ", ".join(f'"{name}"' for name in WEB_FONT_EXTRAS.get(role, ()) if f'"{name}"' not in head)
    return ", ".join(x for x in (head, extras, generic) if x)


def _heading_tag(level: int) -> str:
    """Document heading level 1–4 → ``h2``–``h5`` (the document title is the page's ``h1``)."""
    return f"h{min(max(level, 1), 4) + 1}"


def _scope(slot) -> str:
    return "colgroup" if slot.colspan > 1 else "col"


def _col_widths(table) -> list[str]:
    """The columns' shares of the table's width (percent), from ``Table.widths`` as in the
    PDF: on paper and on a wide screen the label columns keep their room."""
    ws = [max(float(w), 0.0) for w in table.widths] or [1.0]
    total = sum(ws) or float(len(ws))
    return [f"{w / total * 100:.2f}" for w in ws]


def _body_scope(slot) -> str:
    """The ``scope`` of a label cell of the body (:attr:`generator.document.Cell.scope`)."""
    if slot.cell.scope == "col":
        return "colgroup" if slot.colspan > 1 else "col"
    return "row"


def _min_width_em(item: PreparedTable) -> float:
    """The width below which a table scrolls instead of squeezing its columns."""
    cols = item.table.columns
    if item.landscape:
        return max(48.0, cols * 4.2)
    return max(26.0, cols * 5.0)


#: The width a chart is laid out at on the web page (points; 400 CSS px): its labels print
#: at about the size of the tables' text, and a phone scales it down a little.
CHART_WIDTH_PT = 300.0


def _chart_svg(chart):
    """The chart as inline SVG, its labels in the tables' font stack (the reader's own fonts)."""
    from markupsafe import Markup

    from generator.render import chart as drawing

    scene = drawing.layout(chart, CHART_WIDTH_PT)
    return Markup(drawing.svg(chart, scene, font_stack(drawing.FONT_ROLE)))


class HtmlRenderer:
    """The ``html`` output format (:mod:`generator.render.registry`)."""

    def __init__(self, settings=None):
        self.templates_dir = getattr(settings, "templates_dir", None)
        self._env = None
        self._page = None
        self._css = None

    def _template_dirs(self) -> list[Path]:
        dirs: list[Path] = []
        if self.templates_dir is not None:
            dirs += [Path(self.templates_dir) / "html", Path(self.templates_dir)]
        dirs.append(packaged_templates() / "html")
        return dirs

    def _load(self) -> None:
        if self._page is not None:
            return
        import jinja2
        from markupsafe import Markup, escape

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self._template_dirs()]),
            autoescape=lambda name: not (name or "").endswith((".css", ".css.j2")),
            undefined=jinja2.StrictUndefined,
        )

        def lines(text: object) -> Markup:
            parts = clean_text(str(text)).split("\n")
            return Markup("<br>").join(escape(p) for p in parts)

        env.filters["lines"] = lines
        env.globals["align"] = cell_align
        env.globals["heading_tag"] = _heading_tag
        env.globals["scope"] = _scope
        env.globals["body_scope"] = _body_scope
        env.globals["col_widths"] = _col_widths
        env.globals["min_width_em"] = _min_width_em
        env.globals["chart_svg"] = _chart_svg
        try:
            self._page = env.get_template("page.html.j2")
            css_template = env.get_template("page.css.j2")
            self._css = css_template.render(stacks={k: font_stack(k) for k in fonts.ROLES})
        except jinja2.TemplateNotFound as exc:
            searched = "、".join(str(d) for d in self._template_dirs())
            raise RenderError(f"找不到网页模板 {exc.name}（已查找：{searched}）") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(f"网页模板有语法错误：{exc.filename} 第 {exc.lineno} 行：{exc.message}") from exc
        self._env = env

    def html(self, doc: Document) -> str:
        """The page for ``doc`` as a string."""
        import jinja2
        from markupsafe import Markup

        self._load()
        prepared = prepare(doc)
        items = prepared.tagged(page_breaks=False)
        try:
            return self._page.render(
                doc=doc,
                items=items,
                toc_title=TOC_TITLE,
                css=Markup(self._css),
                mark=getattr(doc, "mark", ""),
            )
        except jinja2.TemplateError as exc:
            raise RenderError(f"网页模板出错：{exc}") from exc

    def write(self, doc: Document, path: Path) -> list[str]:
        text = self.html(doc)
        with atomic_target(Path(path)) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
        return []


def render_html(doc: Document, templates_dir: Path | None = None) -> str:
    """The HTML page of ``doc`` (a convenience for tests and scripts)."""
    from generator.render.registry import RenderSettings

    return HtmlRenderer(RenderSettings(templates_dir=templates_dir)).html(doc)
