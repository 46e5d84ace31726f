"""PDF renderer: one :class:`generator.document.Document` → HTML (Jinja2) → PDF (WeasyPrint).

The HTML comes from ``templates/pdf/report.html.j2`` and the stylesheet from
``templates/pdf/report.css.j2``, which is filled in from :mod:`generator.render.style` — the
same typographic standard the DOCX renderer uses.  A ``templates_dir`` given by the user is
searched first (``<dir>/pdf/`` or ``<dir>/``), so a bureau can restyle without editing code.

:class:`PdfRenderer` loads fonts, templates and the stylesheet once and renders any number
of documents (batch workers keep one).  Before anything is rendered it checks, with
:mod:`generator.fonts`, that every Chinese font role has a face and that every character of
the document has a glyph: it raises :class:`generator.errors.RenderError` rather than write
a PDF of empty boxes.

Security: WeasyPrint may only read files inside the packaged ``templates/`` directory, the
user's templates directory, the font directory and the font files named in the stylesheet;
every other URL (``file:///etc/passwd``, ``http://…``, ``data:``) is refused.  Jinja2
autoescaping is on, so text from a workbook (a 原因 reading ``<img src=…>``) prints as text.
"""

from __future__ import annotations

import logging
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator import fonts
from generator.atomic import atomic_target
from generator.document import Document
from generator.errors import RenderError
from generator.render.layout import (
    TOC_TITLE,
    Prepared,
    cell_align,
    clean_text,
    prepare,
    title_lines,
)
from generator.render.lean import lean_call
from generator.render.page_numbers import SVG_URL_PREFIX, page_number_css
from generator.render.paginate import estimate_pages
from generator.render.pdf_html import flate_level, parse_xhtml
from generator.render.pdf_parallel import lay_out_parallel
from generator.render.pdf_parts import PART_PAGES, SPLIT_PAGES, PartsLayout, join_parts, lay_out_parts
from generator.render.result import RenderResult
from generator.render.style import TYPOGRAPHY, Typography
from generator.templates_path import packaged_templates

__all__ = ["LATIN_FACE", "LATIN_UNICODE_RANGE", "PACKAGED_TEMPLATES", "PdfLayout", "PdfRenderer", "fallback_note"]

LOG = logging.getLogger(__name__)

#: The packaged templates directory (``templates/`` of the project; inside the package in a wheel).
PACKAGED_TEMPLATES = packaged_templates()

#: Family name of the @font-face that gives Latin letters and digits Times New Roman (or
#: Liberation Serif); it is restricted to Latin code points, so Chinese punctuation such as
#: “ ” ‘ ’ · — … stays with the Chinese font, as Word does for text marked zh-CN.
#: The space (U+0020) is left out: WeasyPrint takes a line's strut (the baseline every line
#: is aligned to) from the first font of the stack that has a space.  From the Latin face,
#: whose ascent and descent differ from the Chinese font's, the strut sat 0.7–1.6 pt off the
#: text's baseline and every line grew by that much (28 pt lines laid out 28.7–29.6 pt apart:
#: 21 lines a page instead of 22, pages breaking elsewhere than in the DOCX, whose 目录
#: takes the PDF's page numbers).  From the Chinese font, lines of Chinese text are exactly
#: their pitch.
LATIN_FACE = "JS Latin"
LATIN_UNICODE_RANGE = (
    "U+0021-007E, U+00A0-00A6, U+00A8-00AF, U+00B1-00B6, U+00B8-00D6, U+00D8-00F6, U+00F8-00FF"
)

_PARAGRAPH_STYLES = {"body": "body", "center": "center", "note": "note", "plain": "plain"}

# Characters always printed besides the document text: page numbers and the 目录 leader.
_FURNITURE_TEXT = "— 0123456789." + TOC_TITLE


def _css_string(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{text}"'


class _NotdefCatcher(logging.Handler):
    """Collects the characters WeasyPrint had to draw as .notdef (empty boxes)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.chars: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(".notdef glyph"):
            args = record.args
            self.chars.add(str(args[0]) if isinstance(args, tuple) and args else "?")


@dataclass
class PdfLayout:
    """A document laid out by :meth:`PdfRenderer.lay_out`, not yet written.

    Attributes:
        document: WeasyPrint's rendered document (its ``pages``).
        notes: the notes of this document (see :class:`generator.render.result.RenderResult`).
        anchor_pages: page (1-based) on which each heading and table anchor stands — the
            numbers the PDF's 目录 prints, which the DOCX's 目录 then prefills.
    """

    document: Any  # weasyprint.document.Document; None when laid out in parts
    notes: list[str] = field(default_factory=list)
    anchor_pages: dict[str, int] = field(default_factory=dict)
    parts: PartsLayout | None = None  # a long document laid out in parts (pdf_parts.py)

    @property
    def pages(self) -> int:
        if self.parts is not None:
            return self.parts.pages
        return len(self.document.pages)


def _anchor_pages(rendered) -> dict[str, int]:
    """The page of each anchor (HTML id) of a laid-out WeasyPrint document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(rendered.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


class _Refused(ValueError):
    """A URL WeasyPrint may not fetch."""


def _make_fetcher(allowed_dirs: list[Path], allowed_files: list[Path]):
    """A WeasyPrint URL fetcher that reads only files under ``allowed_dirs`` or in ``allowed_files``."""
    from weasyprint.urls import URLFetcher

    dirs = [d.resolve() for d in allowed_dirs if d is not None]
    files = {f.resolve() for f in allowed_files}

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(SVG_URL_PREFIX):  # our own page-number outlines, nothing else
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                LOG.warning("拒绝读取外部资源：%s", url[:200])
                raise _Refused(f"refused URL: {url[:200]}")
            try:
                path = Path(unquote(parts.path)).resolve()
            except (OSError, RuntimeError) as exc:
                raise _Refused(f"refused URL: {url[:200]}") from exc
            if path not in files and not any(path.is_relative_to(d) for d in dirs):
                LOG.warning("拒绝读取模板目录以外的文件：%s", path)
                raise _Refused(f"refused file: {path}")
            return super().fetch(path.as_uri(), headers)

    return SafeURLFetcher(allowed_protocols=("file", "data"), timeout=5)


def _fc_list(pattern: str, element: str) -> str:
    """What ``fc-list PATTERN ELEMENT`` prints (stripped); empty when fontconfig cannot be asked."""
    try:
        return subprocess.run(
            ["fc-list", pattern, element], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _rounded(pages: int, step: int = 20) -> int:
    """Page counts rounded up, so that documents of similar length share one numbering sheet."""
    return max(step, -(-pages // step) * step)


class PdfRenderer:
    """Renders Documents to PDF; fonts, templates and the stylesheet are loaded once.

    Args:
        font_dir: a directory of the bureau's own font files (仿宋_GB2312, 方正小标宋简体…);
            they are declared with @font-face under the names the stylesheet asks for.
        templates_dir: a directory overriding the packaged templates (``pdf/report.html.j2``,
            ``pdf/report.css.j2``, or the same names directly in it).
        typography: the typographic standard (default :data:`generator.render.style.TYPOGRAPHY`).
        part_workers: how many processes may lay out the parts of a long PDF at once
            (:mod:`generator.render.pdf_parallel`); 1 (the default) lays them out one after
            another, as a batch worker must, whose neighbours already use the other cores.

    Attributes:
        warnings: Chinese messages about the renderer itself (fonts stood in by fallbacks,
            HarfBuzz subset missing), the same for every document; also logged.  Never fatal.
            Set when the renderer is made and never changed by rendering: what concerns one
            document (characters only a fallback font has) is in the notes returned with it
            (:class:`PdfLayout`, :class:`generator.render.result.RenderResult`), which
            include these warnings too.
        matches: the font chosen for each role (:func:`generator.fonts.resolve_fonts`).
        css_text: the stylesheet as rendered from ``report.css.j2`` (after the first render).
    """

    def __init__(
        self,
        font_dir: Path | None = None,
        templates_dir: Path | None = None,
        typography: Typography = TYPOGRAPHY,
        part_workers: int = 1,
    ):
        self.part_workers = max(1, part_workers)
        self.font_dir = Path(font_dir).expanduser() if font_dir else None
        self.templates_dir = Path(templates_dir).expanduser() if templates_dir else None
        self.typography = typography
        self.warnings: list[str] = []
        self._font_error: str | None = None
        self._check_fonts()
        self._env = self._make_env()
        self._html_template: Any = None  # a jinja2 Template once loaded
        self._css = None
        self._font_config = None
        self._fetcher = None
        self._page_number_sheets: dict[int, object] = {}
        self._ua_html = None
        self._sheet_pages: dict[int, int] = {}
        self.css_text = ""

    # -- setup
    def _check_fonts(self) -> None:
        try:
            self.matches = fonts.resolve_fonts(self.font_dir)
        except FileNotFoundError as exc:
            self._font_error = str(exc)
            self.matches = fonts.resolve_fonts(None)
        messages = fonts.check_fonts(self.font_dir)
        missing = [r for k, r in fonts.ROLES.items() if self.matches.get(k) is None and r.kind == "中文"]
        fatal = [m for m in messages if any(f"“{r.label}”" in m for r in missing)]
        if missing and not fatal:  # message wording changed: say it ourselves
            fatal = [f"未找到中文字体“{r.label}”" for r in missing]
        if fatal and self._font_error is None:
            self._font_error = "无法生成 PDF：" + "；".join(fatal)
        for m in messages:
            if m not in fatal:
                self._warn(m)
        hb = fonts.harfbuzz_subset_warning()
        if hb:
            self._warn(hb)

    @property
    def font_error(self) -> str | None:
        """Why no PDF can be made with the fonts found (a Chinese message), or None."""
        return self._font_error

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            LOG.warning("%s", message)

    def _template_dirs(self) -> list[Path]:
        dirs: list[Path] = []
        if self.templates_dir is not None:
            dirs += [self.templates_dir / "pdf", self.templates_dir]
        dirs.append(PACKAGED_TEMPLATES / "pdf")
        return dirs

    def _make_env(self):
        import jinja2
        from markupsafe import Markup, escape

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self._template_dirs()]),
            autoescape=lambda name: not (name or "").endswith((".css", ".css.j2")),
            undefined=jinja2.StrictUndefined,
            trim_blocks=False,
            lstrip_blocks=False,
        )
        typo = self.typography

        def lines(text: object) -> Markup:
            parts = clean_text(str(text)).split("\n")
            return Markup("<br/>").join(escape(p) for p in parts)

        def widths(table) -> list[str]:
            ws = [max(float(w), 0.0) for w in table.widths] or [1.0]
            total = sum(ws) or float(len(ws))
            return [f"{w / total * 100:.4f}" for w in ws]

        env.filters["lines"] = lines
        env.filters["css_string"] = _css_string
        env.filters["style_class"] = lambda key: typo.style(key).css_class
        env.filters["paragraph_class"] = lambda key: typo.style(_PARAGRAPH_STYLES.get(key, "body")).css_class
        env.globals["align"] = cell_align
        env.globals["widths"] = widths
        env.globals["table_line"] = typo.table_line_pt

        def chart_svg(chart) -> Markup:
            from generator.render import chart as drawing

            scene = drawing.layout(chart, typo.portrait.text_width_pt)
            family = fonts.css_font_family(drawing.FONT_ROLE, latin_first=False)
            return Markup(drawing.svg(chart, scene, family))

        env.globals["chart_svg"] = chart_svg
        return env

    def _load(self) -> None:
        """Templates, fonts and the parsed stylesheet (first use only)."""
        if self._css is not None:
            return
        import jinja2
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        try:
            self._html_template = self._env.get_template("report.html.j2")
            css_template = self._env.get_template("report.css.j2")
        except jinja2.TemplateNotFound as exc:
            searched = "、".join(str(d) for d in self._template_dirs())
            raise RenderError(f"找不到 PDF 模板 {exc.name}（已查找：{searched}）") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(
                f"PDF 模板有语法错误：{exc.filename} 第 {exc.lineno} 行：{exc.message}"
            ) from exc

        faces = self._font_faces()
        allowed_files = [Path(urlsplit(f["url"]).path) for f in faces]
        allowed_dirs = [PACKAGED_TEMPLATES, *(d for d in [self.templates_dir, self.font_dir] if d)]
        self._fetcher = _make_fetcher(allowed_dirs, allowed_files)
        stacks = {
            key: ", ".join([_css_string(LATIN_FACE), fonts.css_font_family(key, latin_first=False)])
            for key in fonts.ROLES
        }
        bold_stacks = {key: self._bold_stack(key, stacks) for key in fonts.ROLES}
        self._stacks = stacks
        try:
            css_text = css_template.render(
                typo=self.typography,
                stacks=stacks,
                bold_stacks=bold_stacks,
                role_bold={k: r.bold for k, r in fonts.ROLES.items()},
                font_faces=faces,
                justify=self.typography.pdf_justify,
                toc_title=TOC_TITLE,
            )
        except jinja2.TemplateError as exc:
            raise RenderError(f"PDF 样式模板出错：{exc}") from exc
        self._font_config = FontConfiguration()
        self._css = CSS(
            string=css_text,
            font_config=self._font_config,
            url_fetcher=self._fetcher,
            base_url=str(PACKAGED_TEMPLATES / "pdf") + "/",
        )
        self.css_text = css_text

    def _font_faces(self) -> list[dict]:
        """@font-face rules: the Latin face, and the user's fonts from ``font_dir``."""
        faces: list[dict] = []
        latin = self.matches.get(fonts.LATIN_ROLE)
        if latin is not None:
            faces.append(
                {
                    "family": LATIN_FACE,
                    "url": latin.path.resolve().as_uri(),
                    "weight": "normal",
                    "unicode_range": LATIN_UNICODE_RANGE,
                }
            )
            bold = self._bold_sibling(latin.path)
            if bold is not None:
                faces.append(
                    {
                        "family": LATIN_FACE,
                        "url": bold.resolve().as_uri(),
                        "weight": "bold",
                        "unicode_range": LATIN_UNICODE_RANGE,
                    }
                )
        seen: set[tuple[str, str]] = set()
        for key, m in self.matches.items():
            if m is None or m.source != "font_dir" or key == fonts.LATIN_ROLE:
                continue
            role = fonts.ROLES[key]
            # a bureau's 方正小标宋 is heavy by design: declare it as the bold face the
            # stylesheet asks for, so it is not emboldened a second time
            weight = "bold" if role.bold else "normal"
            if (m.family, weight) in seen:
                continue
            seen.add((m.family, weight))
            faces.append(
                {"family": m.family, "url": m.path.resolve().as_uri(), "weight": weight, "unicode_range": ""}
            )
        return faces

    def _bold_stack(self, key: str, stacks: dict[str, str]) -> str:
        """``font-family`` for bold text of a role.

        WeasyPrint does not embolden a face that lacks a bold weight, and the open 仿宋
        (FandolFang) has none: bold 仿宋 text (（一） headings, 名词解释 terms) is then set in
        the bold 宋体 substitute, the nearest face that has one.
        """
        m = self.matches.get(key)
        if m is None or fonts.ROLES[key].bold or key == fonts.LATIN_ROLE or self._has_bold(m):
            return stacks[key]
        table = self.matches.get("table")
        if table is None or not self._has_bold(table):
            return stacks[key]
        return ", ".join([_css_string(LATIN_FACE), _css_string(table.family), stacks[key]])

    @staticmethod
    def _has_bold(match) -> bool:
        """Whether the matched family has a bold face installed (fontconfig)."""
        if match.source == "font_dir":
            return False
        return bool(_fc_list(f"{match.family}:weight=200", "file"))

    @staticmethod
    def _bold_sibling(path: Path) -> Path | None:
        name = path.name
        for a, b in (("-Regular", "-Bold"), ("Regular", "Bold")):
            if a in name:
                cand = path.with_name(name.replace(a, b, 1))
                if cand.is_file():
                    return cand
        return None

    # -- glyph coverage
    def _not_in_role_fonts(self, chars: set[str]) -> set[str]:
        """The characters of ``chars`` that none of the role fonts has (cmaps cached)."""
        remaining = set(chars)
        for path in dict.fromkeys(m.path for m in self.matches.values() if m is not None):
            if not remaining:
                break
            try:
                remaining = fonts.missing_glyphs("".join(remaining), path)
            except Exception:  # noqa: BLE001 - an unreadable font file must not stop the check
                LOG.debug("cannot read cmap of %s", path)
        return remaining

    def _in_role_fonts(self, ch: str) -> bool:
        """Whether a role font maps ``ch`` (read from its cmap; for any character)."""
        from fontTools.ttLib import TTCollection, TTFont

        for path in dict.fromkeys(m.path for m in self.matches.values() if m is not None):
            try:
                if str(path).lower().endswith((".ttc", ".otc")):
                    coll = TTCollection(str(path), lazy=True)
                    try:
                        if any(ord(ch) in (f.getBestCmap() or {}) for f in coll.fonts):
                            return True
                    finally:
                        coll.close()
                else:
                    font = TTFont(str(path), lazy=True)
                    try:
                        if ord(ch) in (font.getBestCmap() or {}):
                            return True
                    finally:
                        font.close()
            except Exception:  # noqa: BLE001 - an unreadable font file has no glyph to offer
                LOG.debug("cannot read cmap of %s", path)
                continue
        return False

    def _system_has_glyph(self, ch: str) -> bool:
        """Whether any installed font has ``ch`` (fontconfig's coverage, read once a process:
        the same answer ``--check`` gives, rule ``text.glyphs``)."""
        return not fonts.undrawable(ch)

    def check_glyphs(self, doc: Document) -> list[str]:
        """Characters of ``doc`` that the role fonts cannot show.

        Raises :class:`RenderError` when no installed font has them (the PDF would show
        boxes); returns them when only a fallback font has them (:func:`fallback_note`
        words the note).
        """
        text = doc.title + doc.plain_text() + _FURNITURE_TEXT
        chars = set(text)
        # fonts.missing_glyphs skips non-printable characters; private-use and unassigned
        # code points are drawn, though (as boxes when no font has them)
        odd = {ch for ch in chars if unicodedata.category(ch) in ("Co", "Cn")}
        missing = sorted(self._not_in_role_fonts(chars) | {ch for ch in odd if not self._in_role_fonts(ch)})
        if not missing:
            return []
        none = [ch for ch in missing if not self._system_has_glyph(ch)]
        if none:
            shown = "、".join(f"“{ch}”(U+{ord(ch):04X})" for ch in none[:20])
            raise RenderError(
                f"无法生成 PDF：字体中没有这些字符，会显示为方框：{shown}。请检查输入中的这些字符，"
                "或用 --font-dir 提供包含它们的字体"
            )
        return missing

    # -- rendering
    def html(self, doc: Document, prepared: Prepared | None = None) -> str:
        """The HTML of ``doc`` (for tests and for users who restyle the templates);
        ``prepared`` is ``prepare(doc)`` when the caller has it already."""
        self._load()
        prepared = prepared or prepare(doc, self.typography)
        return self.part_html(doc, prepared.tagged(page_breaks=True))

    def part_html(self, doc: Document, items: list[tuple[str, object]]) -> str:
        """The HTML of ``doc`` made of ``items`` ((kind, item) pairs): the whole document, or a
        part of a long one (:mod:`generator.render.pdf_parts`, which hides the title of the
        parts after the first with CSS)."""
        import jinja2

        try:
            title = self.typography.style("title")
            lines = title_lines(doc.title, doc.author, self.typography.portrait.text_width_pt, title.size_pt)
            return self._html_template.render(
                doc=doc, items=items, toc_title=TOC_TITLE, title_text="\n".join(lines)
            )
        except jinja2.TemplateError as exc:
            raise RenderError(f"PDF 模板出错：{exc}") from exc

    base_url = str(PACKAGED_TEMPLATES / "pdf") + "/"

    def render(self, doc: Document):
        """Lay ``doc`` out in one piece; returns WeasyPrint's rendered document (pages, metadata)."""
        return self.lay_out(doc, split=False).document

    def lay_out(self, doc: Document, *, split: bool | None = None, part_pages: int = PART_PAGES,
                workers: int | None = None) -> PdfLayout:
        """Lay ``doc`` out: the pages, the page of every anchor, and this document's notes.

        A document estimated longer than :data:`generator.render.pdf_parts.SPLIT_PAGES`
        pages is laid out in parts of about ``part_pages`` pages, each written and released
        before the next, so memory stays bounded (:mod:`generator.render.pdf_parts`);
        ``split`` forces one way or the other.  Tagged PDF (PDF/UA) and a document without
        the Latin face (text page numbers) are always laid out in one piece.  The parts are
        laid out by up to ``workers`` processes at once (default :attr:`part_workers`).

        Raises :class:`RenderError` (fonts missing, a character no font has, a template
        error) before anything is written.  Runs through :func:`generator.render.lean.lean_call`
        (no frame-stack chunk churn while WeasyPrint works)."""
        workers = self.part_workers if workers is None else workers
        return lean_call(self._lay_out, doc, split=split, part_pages=part_pages, workers=workers)

    def _lay_out(self, doc: Document, *, split: bool | None, part_pages: int, workers: int = 1) -> PdfLayout:
        if self._font_error:
            raise RenderError(self._font_error)
        self._load()
        notes = list(self.warnings)
        missing = self.check_glyphs(doc)
        if missing:
            note = fallback_note(missing)
            LOG.warning("%s", note)
            notes.append(note)
        prepared = prepare(doc, self.typography)
        estimate = estimate_pages(prepared, self.typography)
        variant = getattr(self, "pdf_variant", None)
        can_split = self.matches.get(fonts.LATIN_ROLE) is not None and not (variant or "").startswith("pdf/ua")
        if split is None:
            split = estimate.total > SPLIT_PAGES
        if split and can_split:
            parts = None
            if workers > 1:
                parts = lay_out_parallel(self, prepared, estimate.pages, workers=workers, part_pages=part_pages,
                                         write_options=pdf_variant_options(variant))
            if parts is None:
                parts = lay_out_parts(self, prepared, estimate.pages, part_pages=part_pages,
                                      write_options=pdf_variant_options(variant))
            return PdfLayout(None, notes, dict(parts.anchor_pages), parts)
        html = self._html_class()(
            string=self.html(doc, prepared), base_url=str(PACKAGED_TEMPLATES / "pdf") + "/", url_fetcher=self._fetcher
        )
        # page-number rules for about as many pages as the document will have: each @page rule
        # costs layout time on every page, and too few would mean laying the document out twice
        numbering = self._page_number_sheet(_rounded(estimate.total * 5 // 4 + 4))
        marking = self._mark_sheet(doc.mark)
        rendered = html.render(stylesheets=[self._css, *marking, *numbering], font_config=self._font_config)
        if numbering and len(rendered.pages) > self._sheet_pages[id(numbering[0])]:
            numbering = self._page_number_sheet(_rounded(len(rendered.pages)))
            rendered = html.render(stylesheets=[self._css, *marking, *numbering], font_config=self._font_config)
        return PdfLayout(rendered, notes, _anchor_pages(rendered))

    def _mark_sheet(self, mark: str) -> list:
        """A stylesheet printing ``mark`` (the 草稿 of a draft) at the top right of every page —
        title page, table and landscape pages included; empty when there is no mark."""
        from weasyprint import CSS

        if not mark:
            return []
        typo = self.typography
        css = (
            "@page { @top-right { "
            f"content: {_css_string(mark)}; font-family: {self._stacks['heading1']}; "
            f"font-size: {typo.mark_size_pt}pt; font-weight: bold; color: #{typo.mark_color}; "
            "vertical-align: middle; } }"
        )
        return [CSS(string=css, font_config=self._font_config)]

    def _html_class(self):
        """WeasyPrint's HTML class with the user-agent stylesheet cut down to the elements our
        template writes (templates/pdf/ua.css): the same layout, about a fifth less layout time;
        and the HTML read by the XML parser when it is well-formed XML (the same tree, about a
        tenth of the parsing time: :func:`generator.render.pdf_html.parse_xhtml`).
        Falls back to WeasyPrint's own when its (private) hooks are not there."""
        from weasyprint import CSS, HTML

        if self._ua_html is None:
            if not hasattr(HTML, "_ua_stylesheets"):
                self._ua_html = HTML
            else:
                sheet = CSS(filename=str(PACKAGED_TEMPLATES / "pdf" / "ua.css"))
                # only the packaged template is known to make the same tree both ways (tested);
                # a bureau's own report.html.j2 is parsed by WeasyPrint as it is written
                template_file = getattr(self._html_template, "filename", None) or ""
                fast_parse = _xhtml_parsing_supported() and Path(template_file).resolve().is_relative_to(
                    PACKAGED_TEMPLATES.resolve())

                class DisclosureHTML(HTML):
                    def __init__(self, *args, string=None, base_url=None, url_fetcher=None, **kwargs):
                        root = parse_xhtml(string) if fast_parse and string is not None and not args \
                            and not kwargs else None
                        if root is None:
                            super().__init__(*args, string=string, base_url=base_url, url_fetcher=url_fetcher,
                                             **kwargs)
                            return
                        _init_from_tree(self, root, base_url, url_fetcher)

                    def _ua_stylesheets(self, forms=False):
                        return [sheet]

                self._ua_html = DisclosureHTML
        return self._ua_html

    def _page_number_sheet(self, pages: int, offset: int = 0) -> list:
        """A stylesheet numbering pages 1…``pages`` (printed ``offset`` + 1…) with vector
        outlines (see page_numbers.py), made once per size (parts: each time); empty when
        there is no Latin face (the text numbers then stay)."""
        from weasyprint import CSS

        latin = self.matches.get(fonts.LATIN_ROLE)
        if latin is None:
            return []
        if offset or pages not in self._page_number_sheets:
            footer = self.typography.style("footer")
            css = page_number_css(
                pages, latin.path, footer.size_pt, self.typography.page_number_prefix,
                self.typography.page_number_suffix, self.typography.number_first_page, offset,
            )
            sheet = CSS(string=css, font_config=self._font_config, url_fetcher=self._fetcher)
            if offset:
                return [sheet]
            self._page_number_sheets[pages] = sheet
            self._sheet_pages[id(sheet)] = pages
        return [self._page_number_sheets[pages]]

    def write_checked(self, rendered: Any, target: Any, options: dict) -> None:
        """Write WeasyPrint's ``rendered`` document to ``target``; raises :class:`RenderError`
        when a character was drawn as an empty box (.notdef)."""
        catcher = _NotdefCatcher()
        wp_logger = logging.getLogger("weasyprint")
        wp_logger.addHandler(catcher)
        try:
            with flate_level():
                lean_call(rendered.write_pdf, target, **options)
        finally:
            wp_logger.removeHandler(catcher)
        if catcher.chars:
            shown = "、".join(
                f"“{c}”(U+{ord(c):04X})" if len(c) == 1 else c for c in sorted(catcher.chars)[:20]
            )
            raise RenderError(f"无法生成 PDF：字体中没有这些字符，会显示为方框：{shown}")

    def write(self, doc: Document, path: Path, layout: PdfLayout | None = None) -> RenderResult:
        """Render ``doc`` and write it to ``path`` (temp file in the same directory, then rename).

        ``layout`` is ``lay_out(doc)`` when the caller has it already (it read the page numbers
        for the DOCX's 目录).  Returns the path, this document's notes and its pages."""
        path = Path(path)
        layout = layout or self.lay_out(doc)
        variant = getattr(self, "pdf_variant", None)
        with atomic_target(path) as tmp:
            if layout.parts is not None:
                join_parts(layout.parts, tmp, pdf_a=(variant or "").startswith("pdf/a"))
            else:
                self.write_checked(layout.document, tmp, pdf_variant_options(variant))
        return RenderResult(path, list(layout.notes), layout.pages, dict(layout.anchor_pages))


def _xhtml_parsing_supported() -> bool:
    """Whether WeasyPrint's HTML class keeps its parsed tree the way :func:`_init_from_tree`
    fills it in (checked once; otherwise WeasyPrint parses as usual)."""
    import inspect

    from weasyprint import HTML

    try:
        source = inspect.getsource(HTML.__init__)
    except (OSError, TypeError):
        return False
    return all(name in source for name in (
        "tinyhtml5.parse", "self.base_url", "self.url_fetcher", "self.media_type", "self.wrapper_element",
        "self.etree_element", "from_html_root",
    ))


def _init_from_tree(html: Any, root: Any, base_url: str | None, url_fetcher: Any) -> None:
    """Fill in a WeasyPrint ``HTML`` from a parsed tree, as its ``__init__`` does after parsing."""
    import cssselect2
    from weasyprint import _find_base_url
    from weasyprint.urls import URLFetcher

    html.base_url = _find_base_url(root, base_url)
    html.url_fetcher = url_fetcher if url_fetcher is not None else URLFetcher()
    html.media_type = "print"
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    html.etree_element = html.wrapper_element.etree_element


def fallback_note(chars: list[str]) -> str:
    """The note for characters the official fonts lack but another installed font has."""
    return "以下字符不在公文字体中，将用系统中其他字体显示：" + "".join(chars[:40])



#: ``--pdf-variant`` values: PDF/A-3b for archives (fonts embedded, XMP metadata with title,
#: author and language), PDF/UA-1 for accessibility (tagged structure, document language).
PDF_VARIANTS = {
    "pdf/a-3b": "PDF/A-3b 长期存档",
    "pdf/ua-1": "PDF/UA-1 无障碍（带结构标签）",
}


def pdf_variant_options(variant: str | None) -> dict:
    """Keyword arguments of WeasyPrint's ``write_pdf`` for ``variant`` (None: a plain PDF)."""
    if not variant:
        return {}
    if variant not in PDF_VARIANTS:
        raise RenderError(f"不支持的 PDF 标准“{variant}”，可用：{'、'.join(PDF_VARIANTS)}")
    options: dict = {"pdf_variant": variant}
    if variant.startswith("pdf/ua"):
        options["pdf_tags"] = True
    return options


class PdfFormatRenderer(PdfRenderer):
    """The ``pdf`` output format (:mod:`generator.render.registry`): a :class:`PdfRenderer`
    made from the run's settings whose ``write`` returns the notes for the document."""

    def __init__(self, settings):
        super().__init__(font_dir=settings.font_dir, templates_dir=settings.templates_dir,
                         part_workers=settings.pdf_part_workers)
        self.settings = settings
        self.pdf_variant = settings.pdf_variant

    def write(  # type: ignore[override]  # the registry's interface: the notes
        self, doc: Document, path: Path, layout: PdfLayout | None = None
    ) -> list[str]:
        """Write ``doc`` (laid out already when ``layout`` is given); the notes of this
        document: the renderer's font notes and what concerns this document only."""
        return super().write(doc, path, layout).notes
