"""DOCX renderer: one :class:`generator.document.Document` → a Word file (python-docx).

The file is built on python-docx's package, with its styles, fonts and settings replaced
by ours (:mod:`generator.render.style`):

* every style names its fonts explicitly — ``w:eastAsia`` carries the Windows name Chinese
  offices use (方正小标宋简体, 黑体, 楷体_GB2312, 仿宋_GB2312, 宋体), Times New Roman the Latin
  slots — and no ``*Theme`` font attribute is left anywhere, because python-docx's template
  sends CJK text to Japanese theme fonts; ``themeFontLang``/``w:lang`` say zh-CN;
* paragraphs name their style by id (``w:pStyle``), and the body is generated as one XML
  fragment, which keeps a 25-page document well under a second;
* tables are real Word tables: fixed grid, merged header cells (``w:gridSpan``/``w:vMerge``),
  header rows repeated on every page (``w:tblHeader``), rows never split (``w:cantSplit``);
* wide tables sit in landscape sections (``w:orient`` *and* swapped page sizes), upright
  tables that start their own page in sections with the table page margins;
* the 目录 is a TOC field whose result is already filled in — entries, dotted leaders and
  PAGEREF fields with page numbers — so it reads right in Word, WPS and LibreOffice before
  anyone updates fields.  The numbers are the PDF's when the PDF is laid out in the same run
  (``page_numbers``), else estimated (:mod:`generator.render.paginate`);
* a chart (``@chart``) is a picture (PNG painted from the same layout as the PDF's SVG,
  :mod:`generator.render.chart`) whose alternative text states its figures, with its caption
  centred below;
* the footer holds the page number "— PAGE —".

The file is written to a temporary name in the target directory and renamed when complete.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from generator import fonts
from generator.atomic import atomic_target
from generator.document import Chart, Document, PageBreak, Paragraph
from generator.render.layout import (
    TOC_TITLE,
    Grid,
    Prepared,
    PreparedHeading,
    PreparedTable,
    PreparedToc,
    cell_align,
    clean_text,
    prepare,
    title_lines,
)
from generator.render.paginate import estimate_pages
from generator.render.result import RenderResult
from generator.render.style import TYPOGRAPHY, PageSetup, TextStyle, Typography, mm_to_twips, pt_to_twips

__all__ = ["build_docx", "write_docx"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSDECL = f'xmlns:w="{W_NS}"'
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_PARAGRAPH_STYLES = {"body": "body", "center": "center", "note": "note", "plain": "plain"}

# Relationship types python-docx's template carries that a disclosure does not need.
_DROP_RELTYPES = ("stylesWithEffects", "customXml", "thumbnail")


# ------------------------------------------------------------------------------------------
# Public API


def write_docx(
    doc: Document,
    path: Path,
    *,
    typography: Typography = TYPOGRAPHY,
    update_fields: bool = False,
    page_numbers: Mapping[str, int] | None = None,
    total_pages: int | None = None,
    font_dir: Path | None = None,
) -> RenderResult:
    """Write ``doc`` as a DOCX file at ``path`` (atomically: temp file, then ``os.replace``).

    ``update_fields`` adds ``w:updateFields`` to the settings: Word then offers to refresh
    the 目录 page numbers on opening (a prompt some users find alarming; off by default —
    the 目录 is prefilled either way).  ``page_numbers`` (anchor → page) and ``total_pages``
    are the PDF's when it was laid out in the same run (:meth:`PdfRenderer.lay_out`); the
    目录 then prints them instead of the estimate.  ``font_dir``: where the bureau's fonts are
    (the charts' pictures are painted in the font the PDF uses, :func:`chart_font`).
    """
    path = Path(path)
    package, builder = _build(doc, typography, update_fields, page_numbers, total_pages, font_dir)
    _atomic_save(package, path)
    return RenderResult(path, [], builder.total_pages, dict(builder.pages))


def build_docx(
    doc: Document,
    *,
    typography: Typography = TYPOGRAPHY,
    update_fields: bool = False,
    page_numbers: Mapping[str, int] | None = None,
    total_pages: int | None = None,
    font_dir: Path | None = None,
):
    """Build the python-docx ``Document`` object for ``doc`` without saving it."""
    return _build(doc, typography, update_fields, page_numbers, total_pages, font_dir)[0]


def _build(
    doc: Document,
    typography: Typography,
    update_fields: bool,
    page_numbers: Mapping[str, int] | None,
    total_pages: int | None,
    font_dir: Path | None = None,
):
    """``(python-docx Document, body builder)`` for ``doc``."""
    import docx as _docx

    prepared = prepare(doc, typography)
    d = _docx.Document()
    _clean_package(d)
    _install_styles(d, typography)
    _install_settings(d, update_fields)
    _install_font_table(d)
    footer_refs, title_pg = _install_footer(d, typography, doc.mark)
    builder = _BodyBuilder(typography, prepared, footer_refs, title_pg, page_numbers, total_pages)
    builder.part = d.part
    builder.font_dir = font_dir
    builder.build()
    builder.install(d)
    _set_core_properties(d, doc)
    _set_app_properties(d, doc, builder.total_pages)
    return d, builder


# ------------------------------------------------------------------------------------------
# Small XML helpers (strings: the body is generated as one fragment and parsed once)


def _attr(value: object) -> str:
    return quoteattr(str(value))


def _run_text(text: str) -> str:
    """``w:t``/``w:tab``/``w:br`` children of a run for ``text``."""
    parts: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            parts.append(f'<w:t xml:space="preserve">{escape("".join(buf))}</w:t>')
            buf.clear()

    for ch in text:
        if ch == "\n":
            flush()
            parts.append("<w:br/>")
        elif ch == "\t":
            flush()
            parts.append("<w:tab/>")
        else:
            buf.append(ch)
    flush()
    return "".join(parts)


def _rpr(*, bold: bool = False, size_pt: float | None = None) -> str:
    inner = ""
    if bold:
        inner += "<w:b/><w:bCs/>"
    if size_pt is not None:
        half = round(size_pt * 2)
        inner += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


def _run(text: str, *, bold: bool = False, size_pt: float | None = None) -> str:
    if not text:
        return ""
    return f"<w:r>{_rpr(bold=bold, size_pt=size_pt)}{_run_text(text)}</w:r>"


def _field(instr: str, result: str, *, size_pt: float | None = None) -> str:
    rpr = _rpr(size_pt=size_pt)
    return (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"{_run(result, size_pt=size_pt)}"
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def _rfonts(role: str) -> str:
    attrs = fonts.docx_rfonts(role)
    # hint="eastAsia": ambiguous characters (“ ” … —) use the East Asian font, as in WPS
    return "<w:rFonts " + " ".join(f"w:{k}={_attr(v)}" for k, v in attrs.items()) + ' w:hint="eastAsia"/>'


_NO_AUTOSPACE = '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'


class _Para:
    """A paragraph being built; pPr children are emitted in schema order."""

    __slots__ = ("jc", "keep_next", "page_break", "runs", "sect_pr", "spacing", "style", "tabs")

    def __init__(
        self,
        style: str,
        runs: str = "",
        *,
        jc: str | None = None,
        keep_next: bool = False,
        tabs: str = "",
        spacing: str = "",
    ):
        self.style = style
        self.runs = runs
        self.keep_next = keep_next
        self.page_break = False
        self.tabs = tabs
        self.jc = jc
        self.sect_pr = ""
        self.spacing = spacing

    def xml(self) -> str:
        ppr = f'<w:pStyle w:val="{self.style}"/>'
        if self.keep_next:
            ppr += "<w:keepNext/>"
        if self.page_break:
            ppr += "<w:pageBreakBefore/>"
        if self.tabs:
            ppr += f"<w:tabs>{self.tabs}</w:tabs>"
        if self.spacing:
            ppr += self.spacing
        if self.jc:
            ppr += f'<w:jc w:val="{self.jc}"/>'
        ppr += self.sect_pr
        return f"<w:p><w:pPr>{ppr}</w:pPr>{self.runs}</w:p>"


# ------------------------------------------------------------------------------------------
# Package, styles, settings, fonts, footer


def _clean_package(d) -> None:
    """Drop parts of python-docx's sample template that a disclosure must not carry."""
    for rels in (d.part.rels, d.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _DROP_RELTYPES:
                del rels[rid]


def _style_xml(
    s: TextStyle,
    typo: Typography,
    *,
    based_on: str = "Normal",
    next_id: str | None = None,
    builtin: bool = False,
) -> str:
    ppr = ""
    if s.keep_next:
        ppr += "<w:keepNext/>"
    ppr += "<w:widowControl/>"
    # no extra space between Chinese and Latin letters or digits (Word's and LibreOffice's
    # default adds about a quarter em on each side of "2024" in "2024年"): the lines break
    # where the PDF's break, so both files have the same pages and the 目录 (which prints
    # the PDF's page numbers) is right in both
    ppr += _NO_AUTOSPACE
    spacing = (
        f'<w:spacing w:before="{pt_to_twips(s.before_pt)}" w:after="{pt_to_twips(s.after_pt)}" '
        f'w:line="{pt_to_twips(s.line_pt)}" w:lineRule="exact"/>'
    )
    ppr += spacing
    if s.indent_chars or s.left_chars:
        ind = ""
        if s.left_chars:
            ind += f' w:leftChars="{round(s.left_chars * 100)}" w:left="{pt_to_twips(s.left_pt)}"'
        if s.indent_chars:
            ind += (
                f' w:firstLineChars="{round(s.indent_chars * 100)}" w:firstLine="{pt_to_twips(s.indent_pt)}"'
            )
        ppr += f"<w:ind{ind}/>"
    else:
        ppr += '<w:ind w:left="0" w:firstLine="0"/>'
    ppr += f'<w:jc w:val="{_JC[s.align]}"/>'
    if s.outline_level:
        ppr += f'<w:outlineLvl w:val="{s.outline_level - 1}"/>'
    half = round(s.size_pt * 2)
    rpr = _rfonts(s.role)
    # The title role is bold only for its open substitute (Noto Serif CJK Bold); a real
    # 方正小标宋简体 is heavy already and must not be emboldened.
    if s.bold:
        rpr += "<w:b/><w:bCs/>"
    else:
        rpr += '<w:b w:val="0"/><w:bCs w:val="0"/>'
    rpr += '<w:color w:val="000000"/>'
    rpr += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    rpr += '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    head = f'<w:name w:val="{escape(s.docx_name)}"/>'
    if based_on:
        head += f'<w:basedOn w:val="{based_on}"/>'
    if next_id:
        head += f'<w:next w:val="{next_id}"/>'
    if s.outline_level:
        head += '<w:uiPriority w:val="9"/>'
    head += "<w:qFormat/>"
    return (
        f'<w:style {_NSDECL} w:type="paragraph" w:customStyle="{0 if builtin else 1}" '
        f'w:styleId="{s.docx_id}">{head}<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
    )


def _install_styles(d, typo: Typography) -> None:
    """Replace the template's styles: explicit fonts, no theme fonts, zh-CN."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    root = d.styles.element
    body = typo.style("body")
    doc_defaults = (
        f"<w:docDefaults {_NSDECL}><w:rPrDefault><w:rPr>{_rfonts('body')}"
        f'<w:kern w:val="2"/><w:sz w:val="{int(body.size_pt * 2)}"/><w:szCs w:val="{int(body.size_pt * 2)}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr>{_NO_AUTOSPACE}<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        "</w:pPrDefault></w:docDefaults>"
    )
    # keep latentStyles (Word's catalogue of built-in styles); drop every style definition
    for child in list(root):
        if child.tag in (qn("w:style"), qn("w:docDefaults")):
            root.remove(child)
    root.insert(0, parse_xml(doc_defaults))

    builtin_ids = {
        "Title",
        "TOCHeading",
        "TOC1",
        "TOC2",
        "TOC3",
        "TOC4",
        "Heading1",
        "Heading2",
        "Heading3",
        "Heading4",
        "Footer",
    }
    normal = TextStyle("normal", "Normal", "Normal", "body", body.size_pt, line_pt=body.line_pt)
    xml = [
        _style_xml(normal, typo, based_on="", builtin=True).replace(
            'w:styleId="Normal"', 'w:default="1" w:styleId="Normal"'
        ),
        (
            f'<w:style {_NSDECL} w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
            "<w:unhideWhenUsed/></w:style>"
        ),
        (
            f'<w:style {_NSDECL} w:type="table" w:default="1" w:styleId="TableNormal">'
            '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
            '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
            '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr></w:style>"
        ),
        (
            f'<w:style {_NSDECL} w:type="numbering" w:default="1" w:styleId="NoList">'
            '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
        ),
    ]
    for s in typo.styles.values():
        next_id = typo.style("body").docx_id if s.key.startswith("heading") else None
        xml.append(_style_xml(s, typo, next_id=next_id, builtin=s.docx_id in builtin_ids))
    for frag in xml:
        root.append(parse_xml(frag))
    # Nothing may point at the theme fonts (python-docx's template points them at ja-JP).
    _strip_theme_fonts(root)


def _strip_theme_fonts(root) -> None:
    from docx.oxml.ns import qn

    theme_attrs = [qn(f"w:{a}") for a in _THEME_ATTRS]
    for rfonts in root.iter(qn("w:rFonts")):
        for a in theme_attrs:
            if a in rfonts.attrib:
                del rfonts.attrib[a]


def _install_settings(d, update_fields: bool) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    settings = d.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = parse_xml(f'<w:themeFontLang {_NSDECL} w:val="en-US" w:eastAsia="zh-CN"/>')
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    # the template's rsids and proof state describe python-docx's sample document
    for tag in ("w:rsids", "w:proofState", "w:attachedTemplate"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    existing = settings.find(qn("w:updateFields"))
    if existing is not None:
        settings.remove(existing)
    if update_fields:
        el = parse_xml(f'<w:updateFields {_NSDECL} w:val="true"/>')
        # schema order: updateFields comes before the compat settings and rsids
        anchor = settings.find(qn("w:compat"))
        if anchor is not None:
            anchor.addprevious(el)
        else:
            settings.append(el)


def _install_font_table(d) -> None:
    """List the fonts the document names, with GB2312 charset and their other names."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    try:
        part = d.part.part_related_by(RT.FONT_TABLE)
    except KeyError:  # pragma: no cover - the template has one
        return
    root = parse_xml(part.blob) if not hasattr(part, "element") else part.element
    for child in list(root):
        root.remove(child)
    seen: set[str] = set()
    for role in fonts.ROLES.values():
        if role.docx_name in seen:
            continue
        seen.add(role.docx_name)
        alt = role.docx_aliases[0] if role.docx_aliases else ""
        cjk = role.key != fonts.LATIN_ROLE
        xml = f"<w:font {_NSDECL} w:name={_attr(role.docx_name)}>"
        if alt:
            xml += f"<w:altName w:val={_attr(alt)}/>"
        xml += f'<w:charset w:val="{"86" if cjk else "00"}"/>'
        xml += f'<w:family w:val="{"modern" if cjk else "roman"}"/>'
        xml += f'<w:pitch w:val="{"fixed" if cjk else "variable"}"/></w:font>'
        root.append(parse_xml(xml))
    if not hasattr(part, "element"):  # a plain Part: write the blob back
        from lxml import etree

        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _install_footer(d, typo: Typography, mark: str = "") -> tuple[list, bool]:
    """Create the page-number footer on the first section, and the header with ``mark`` (the
    草稿 of a draft) when there is one; return their references.

    Returns the ``w:footerReference``/``w:headerReference`` elements (to be placed in the
    first section's ``w:sectPr``; later sections inherit them, landscape ones included) and
    whether the title page has its own footer (empty) and header (the mark again).
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    style = typo.style("footer")
    section = d.sections[0]
    title_pg = not typo.number_first_page
    footer = section.footer
    footer.is_linked_to_previous = False
    ftr = footer._element
    for child in list(ftr):
        ftr.remove(child)
    runs = _run(typo.page_number_prefix) + _field("PAGE", "1") + _run(typo.page_number_suffix)
    ftr.append(parse_xml(f'<w:p {_NSDECL}><w:pPr><w:pStyle w:val="{style.docx_id}"/></w:pPr>{runs}</w:p>'))
    if title_pg:
        section.different_first_page_header_footer = True
        first = section.first_page_footer
        first.is_linked_to_previous = False
        fel = first._element
        for child in list(fel):
            fel.remove(child)
        fel.append(parse_xml(f'<w:p {_NSDECL}><w:pPr><w:pStyle w:val="{style.docx_id}"/></w:pPr></w:p>'))
    if mark:
        headers = [section.header] + ([section.first_page_header] if title_pg else [])
        for header in headers:
            header.is_linked_to_previous = False
            hdr = header._element
            for child in list(hdr):
                hdr.remove(child)
            hdr.append(parse_xml(_mark_paragraph(typo, mark)))
    sect = d.element.body.sectPr
    refs = [el for el in sect if el.tag in (qn("w:footerReference"), qn("w:headerReference"))]
    return refs, title_pg


def _mark_paragraph(typo: Typography, mark: str) -> str:
    """The header paragraph holding the draft mark: right-aligned, bold, coloured, 黑体."""
    from generator import fonts

    rfonts = "".join(f" w:{k}={_attr(v)}" for k, v in fonts.docx_rfonts("heading1").items())
    half = round(typo.mark_size_pt * 2)
    rpr = (
        f"<w:rPr><w:rFonts{rfonts}/>"
        f'<w:b/><w:bCs/><w:color w:val="{typo.mark_color}"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'
    )
    return (
        f'<w:p {_NSDECL}><w:pPr><w:jc w:val="right"/><w:spacing w:before="0" w:after="0"/></w:pPr>'
        f"<w:r>{rpr}{_run_text(mark)}</w:r></w:p>"
    )


def _set_core_properties(d, doc: Document) -> None:
    cp = d.core_properties
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0, tzinfo=None)
    cp.title = doc.title
    cp.author = doc.author
    cp.last_modified_by = doc.author
    cp.language = doc.language or "zh-CN"
    cp.subject = f"{doc.year}年度单位决算公开"
    cp.keywords = "决算公开"
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    cp.created = now
    cp.modified = now


def _set_app_properties(d, doc: Document, pages: int) -> None:
    """Replace the template's extended properties (which name another application)."""
    for rel in d.part.package.rels.values():
        if rel.reltype.endswith("/extended-properties"):
            xml = (
                "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                f"<Template>Normal.dotm</Template><Pages>{pages}</Pages>"
                f"<Application>juesuan-gen</Application><DocSecurity>0</DocSecurity>"
                f"<Company>{escape(doc.author)}</Company></Properties>"
            )
            rel.target_part._blob = xml.encode("utf-8")


# ------------------------------------------------------------------------------------------
# Body


class _BodyBuilder:
    """Turns the prepared blocks into ``w:body`` content and section properties."""

    def __init__(
        self,
        typo: Typography,
        prepared: Prepared,
        footer_refs: list,
        title_pg: bool,
        page_numbers: Mapping[str, int] | None = None,
        total_pages: int | None = None,
    ):
        self.typo = typo
        self.prepared = prepared
        self.footer_refs = footer_refs
        self.title_pg = title_pg
        self.items: list[_Para | str] = []  # paragraphs, or table XML strings
        self.page_kind = "text"
        self.sections = 0
        self.pending_break = False
        self.at_page_start = True
        self.after_table = False
        self.style_by_id = {s.docx_id: s for s in typo.styles.values()}
        self.bookmark_id = 0
        self.bookmarks: dict[str, str] = {}  # anchor → bookmark name
        if page_numbers is not None and all(a in page_numbers for a in prepared.anchors):
            # the PDF laid out: its real pages
            self.pages = {a: int(page_numbers[a]) for a in prepared.anchors}
            self.total_pages = int(total_pages or max(self.pages.values(), default=1))
        else:
            estimate = estimate_pages(prepared, typo)
            self.pages = estimate.pages
            self.total_pages = estimate.total
        for i, anchor in enumerate(prepared.anchors, start=1):
            self.bookmarks[anchor] = f"_Toc{i:06d}"
        self.part: Any = None  # the python-docx document part: pictures are added to it
        self.font_dir: Path | None = None
        self.chart_font: fonts.FontMatch | None = None
        self.drawings = 0
        self.toc_levels = _toc_levels(prepared, typo)
        self.toc_entry_fields = _toc_entry_fields(prepared, self.toc_levels)

    # -- flow
    def add(self, item: _Para | str) -> None:
        if isinstance(item, _Para) and self.pending_break:
            item.page_break = True
        if isinstance(item, _Para) and self.after_table and not item.spacing:
            style = self.style_by_id.get(item.style)
            if style is not None and style.before_pt < self.typo.table_after_pt:
                item.spacing = f'<w:spacing w:before="{pt_to_twips(self.typo.table_after_pt)}"/>'
        self.after_table = False
        self.pending_break = False
        self.at_page_start = False
        self.items.append(item)

    def page_break(self) -> None:
        self.after_table = False
        if not self.at_page_start:
            self.pending_break = True
            self.at_page_start = True

    def set_page_kind(self, kind: str) -> None:
        """Start a new section when the page setup changes (text / table / landscape)."""
        if kind == self.page_kind:
            return
        self.end_section()
        self.page_kind = kind

    def end_section(self) -> None:
        sect = self.sect_pr(self.typo.page(self.page_kind), first=self.sections == 0)
        last = self.items[-1] if self.items else None
        if isinstance(last, _Para) and not last.sect_pr:
            last.sect_pr = sect
        else:
            # after a table: a one-point paragraph carries the section end
            p = _Para(
                self.typo.style("table_text").docx_id,
                spacing='<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>',
            )
            p.runs = ""
            p.sect_pr = sect
            self.items.append(p)
        self.sections += 1
        self.after_table = False
        self.pending_break = False
        self.at_page_start = True

    def sect_pr(self, page: PageSetup, *, first: bool) -> str:
        from lxml import etree

        refs = "".join(etree.tostring(r, encoding="unicode") for r in self.footer_refs) if first else ""
        orient = ' w:orient="landscape"' if page.landscape else ""
        footer = mm_to_twips(self.typo.footer_distance_mm(page))
        xml = (
            f"<w:sectPr>{refs}"
            '<w:type w:val="nextPage"/>'
            f'<w:pgSz w:w="{mm_to_twips(page.width_mm)}" w:h="{mm_to_twips(page.height_mm)}"{orient}/>'
            f'<w:pgMar w:top="{mm_to_twips(page.top_mm)}" w:right="{mm_to_twips(page.right_mm)}" '
            f'w:bottom="{mm_to_twips(page.bottom_mm)}" w:left="{mm_to_twips(page.left_mm)}" '
            f'w:header="851" w:footer="{footer}" w:gutter="0"/>'
            '<w:cols w:space="425"/>'
            f"{'<w:titlePg/>' if first and self.title_pg else ''}"
            '<w:docGrid w:linePitch="312"/>'
            "</w:sectPr>"
        )
        return xml

    # -- blocks
    def build(self) -> None:
        typo = self.typo
        doc = self.prepared.doc
        title = typo.style("title")
        lines = title_lines(
            clean_text(doc.title), clean_text(doc.author), typo.portrait.text_width_pt, title.size_pt
        )
        self.add(_Para(title.docx_id, _run("\n".join(lines))))
        after_toc = False
        for item in self.prepared.items:
            if after_toc:
                self.page_break()
                after_toc = False
            if isinstance(item, PreparedTable):
                self.table(item)
                continue
            if isinstance(item, PreparedHeading) and item.opens_page:
                # the heading opens the page of the table below it (a new section, or a
                # page break when that table's page setup is already the current one)
                if item.page_kind == self.page_kind:
                    self.page_break()
                self.set_page_kind(item.page_kind)
            elif not isinstance(item, PreparedHeading) or item.page_kind == "text":
                self.set_page_kind("text")
            if isinstance(item, PreparedToc):
                self.toc(item)
                after_toc = True
            elif isinstance(item, PreparedHeading):
                self.heading(item)
            elif isinstance(item, Paragraph):
                self.paragraph(item)
            elif isinstance(item, Chart):
                self.chart(item)
            elif isinstance(item, PageBreak):
                self.page_break()

    def bookmark(self, anchor: str, runs: str) -> str:
        """``runs`` inside the bookmark of ``anchor``, followed by the TC fields of the 目录
        entries that point at it (see :func:`_toc_entry_fields`)."""
        name = self.bookmarks.get(anchor)
        if not name:
            return runs
        self.bookmark_id += 1
        i = self.bookmark_id
        return (
            f'<w:bookmarkStart w:id="{i}" w:name="{name}"/>{runs}<w:bookmarkEnd w:id="{i}"/>'
            + self.toc_entry_fields.get(anchor, "")
        )

    def heading(self, item: PreparedHeading) -> None:
        style = self.typo.style(item.style_key)
        self.add(_Para(style.docx_id, self.bookmark(item.anchor, _run(clean_text(item.heading.text)))))

    def paragraph(self, p: Paragraph) -> None:
        style = self.typo.style(_PARAGRAPH_STYLES.get(p.style, "body"))
        runs = _run(clean_text(p.bold_prefix), bold=True) + _run(clean_text(p.text))
        self.add(_Para(style.docx_id, runs, keep_next=p.keep_next))

    def chart(self, chart: Chart) -> None:
        """The chart as a picture in its own centred paragraph (single line spacing: an exact
        spacing would cut it), kept with its caption below."""
        import io

        from docx.shared import Emu
        from lxml import etree

        from generator.render import chart as drawing

        scene = drawing.layout(chart, self.typo.portrait.text_width_pt)
        if self.chart_font is None:
            self.chart_font = drawing.chart_font(self.font_dir)
        data = drawing.png(scene, self.chart_font)
        emu_per_pt = 12700
        inline = self.part.new_pic_inline(
            io.BytesIO(data), Emu(round(scene.width * emu_per_pt)), Emu(round(scene.height * emu_per_pt))
        )
        self.drawings += 1
        doc_pr = inline.docPr
        doc_pr.set("id", str(self.drawings))
        doc_pr.set("name", f"图表 {self.drawings}")
        doc_pr.set("descr", clean_text(chart.summary))
        picture = etree.tostring(inline, encoding="unicode")
        center = self.typo.style("center")
        single = '<w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>'
        self.add(
            _Para(center.docx_id, f"<w:r><w:drawing>{picture}</w:drawing></w:r>", keep_next=True, spacing=single)
        )
        self.add(_Para(center.docx_id, _run(clean_text(chart.caption))))

    def toc(self, item: PreparedToc) -> None:
        typo = self.typo
        self.add(_Para(typo.style("toc_heading").docx_id, _run(TOC_TITLE)))
        width = pt_to_twips(typo.portrait.text_width_pt)
        levels = self.toc_levels
        # \o and \u: headings by their outline level; \f: the TC fields of the entries that
        # point at a table (Word, WPS and LibreOffice keep them when the 目录 is updated)
        begin = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{levels}" \\f \\h \\z \\u </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        )
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        entries = item.entries
        if not entries:
            self.add(_Para(typo.style("toc1").docx_id, begin + end))
            return
        for i, e in enumerate(entries):
            style = typo.style(e.style_key)
            text = _run(clean_text(e.entry.text))
            bookmark = self.bookmarks.get(e.anchor) if e.anchor else None
            if bookmark:
                page = str(self.pages.get(e.anchor or "", ""))
                inner = text + "<w:r><w:tab/></w:r>" + _field(f"PAGEREF {bookmark} \\h", page)
                runs = f'<w:hyperlink w:anchor="{bookmark}" w:history="1">{inner}</w:hyperlink>'
            else:
                runs = text
            if i == 0:
                runs = begin + runs
            if i == len(entries) - 1:
                runs += end
            tabs = f'<w:tab w:val="right" w:leader="dot" w:pos="{width}"/>'
            self.add(_Para(style.docx_id, runs, tabs=tabs))

    def table(self, item: PreparedTable) -> None:
        typo = self.typo
        t = item.table
        if item.page_kind != self.page_kind:
            self.set_page_kind(item.page_kind)
        elif item.new_page and not item.led:
            self.page_break()
        page = typo.page(item.page_kind)
        width = pt_to_twips(page.text_width_pt)
        anchor_done = False

        def furniture(key: str, text: str) -> None:
            nonlocal anchor_done
            if not text:
                return
            runs = _run(clean_text(text))
            if not anchor_done:
                runs = self.bookmark(item.anchor, runs)
                anchor_done = True
            self.add(_Para(typo.style(key).docx_id, runs))

        furniture("table_code", t.code)
        furniture("table_title", t.title)
        furniture("table_subtitle", t.subtitle)
        unit = typo.style("unit_line")
        if not t.unit_name and not t.money_unit:
            para = None
        elif t.unit_name:
            runs = (
                _run(clean_text(f"{t.unit_label}：{t.unit_name}"))
                + "<w:r><w:tab/></w:r>"
                + _run(clean_text(t.money_unit))
            )
            para = _Para(unit.docx_id, runs, tabs=f'<w:tab w:val="right" w:pos="{width}"/>')
        else:
            para = _Para(unit.docx_id, _run(clean_text(t.money_unit)), jc="right")
        if para is not None:
            if not anchor_done:
                para.runs = self.bookmark(item.anchor, para.runs)
                anchor_done = True
            self.add(para)
        if not anchor_done:  # a bare table: the bookmark goes on an empty line above it
            self.add(_Para(unit.docx_id, self.bookmark(item.anchor, ""), keep_next=True))
        self.add(self.table_xml(item, width))
        if t.empty_note:
            self.add(_Para(typo.style("empty_note").docx_id, _run(clean_text(t.empty_note))))
        if t.note:
            self.add(_Para(typo.style("table_note").docx_id, _run(clean_text(t.note))))
        self.after_table = True

    def table_xml(self, item: PreparedTable, width: int) -> str:
        typo = self.typo
        t = item.table
        ncols = t.columns
        weights = [max(float(w), 0.0) for w in t.widths] or [1.0] * ncols
        total = sum(weights) or float(ncols)
        cols = [int(width * w / total) for w in weights]
        cols[-1] += width - sum(cols)
        border = max(2, round(typo.table_border_pt * 8))
        pad_x = mm_to_twips(typo.table_pad_x_mm)
        pad_y = mm_to_twips(typo.table_compact_pad_y_mm if item.compact else typo.table_pad_y_mm)
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="{border}" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        out = [
            (
                "<w:tbl><w:tblPr>"
                f'<w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
                f"<w:tblBorders>{borders}</w:tblBorders>"
                '<w:tblLayout w:type="fixed"/>'
                f'<w:tblCellMar><w:top w:w="{pad_y}" w:type="dxa"/><w:left w:w="{pad_x}" w:type="dxa"/>'
                f'<w:bottom w:w="{pad_y}" w:type="dxa"/><w:right w:w="{pad_x}" w:type="dxa"/></w:tblCellMar>'
                '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
                'w:noHBand="1" w:noVBand="1"/>'
                "</w:tblPr><w:tblGrid>"
            )
        ]
        out.extend(f'<w:gridCol w:w="{c}"/>' for c in cols)
        out.append("</w:tblGrid>")
        size = item.font_size
        text_style = typo.style("table_text")
        head_style = typo.style("table_head")
        size_override = None if abs(size - text_style.size_pt) < 0.01 else size
        line = pt_to_twips(typo.table_line_pt(size))
        spacing = f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
        self._rows(out, item.header, cols, header=True, style=head_style, size=size_override, spacing=spacing)
        self._rows(
            out,
            item.body,
            cols,
            header=False,
            style=text_style,
            size=size_override,
            spacing=spacing,
            keep_last=bool(t.note or t.empty_note),
            keep_all=item.page_kind == "text",
        )
        if not item.header.rows and not item.body.rows:
            # a table needs a row: print an empty one
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for c in cols:
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{c}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def _rows(
        self,
        out: list[str],
        grid: Grid,
        cols: list[int],
        *,
        header: bool,
        style: TextStyle,
        size: float | None,
        spacing: str,
        keep_last: bool = False,
        keep_all: bool = False,
    ) -> None:
        """Rows of a header or body; header rows (and, when a 注 follows, the last row) keep
        with the next paragraph so that no page starts with a lone note.  ``keep_all``: every
        row keeps with the next, so a table in the text (a 绩效自评表) that fits on a page is
        not split across two (Word and LibreOffice still break one longer than a page)."""
        trpr = (
            "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
        )
        last = len(grid.rows) - 1
        for r, row in enumerate(grid.rows):
            keep = "<w:keepNext/>" if header or (keep_last and r == last) or (keep_all and r < last) else ""
            out.append(f"<w:tr>{trpr}")
            for slot in row:
                w = sum(cols[slot.col : slot.col + slot.colspan])
                tcpr = f'<w:tcW w:w="{w}" w:type="dxa"/>'
                if slot.colspan > 1:
                    tcpr += f'<w:gridSpan w:val="{slot.colspan}"/>'
                if slot.continued:
                    tcpr += "<w:vMerge/>"
                elif slot.rowspan > 1:
                    tcpr += '<w:vMerge w:val="restart"/>'
                tcpr += '<w:vAlign w:val="center"/>'
                if slot.continued:
                    out.append(
                        f'<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style.docx_id}"/>'
                        f"{keep}{spacing}</w:pPr></w:p></w:tc>"
                    )
                    continue
                cell = slot.cell
                align = cell_align(cell, header)
                jc = f'<w:jc w:val="{_JC.get(align, "left")}"/>'
                run = _run(clean_text(cell.text), bold=cell.bold, size_pt=size)
                out.append(
                    f'<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style.docx_id}"/>'
                    f"{keep}{spacing}{jc}</w:pPr>{run}</w:p></w:tc>"
                )
            out.append("</w:tr>")

    # -- output
    def install(self, d) -> None:
        """Replace the body of ``d`` with the built content and the last section.

        The whole ``w:document`` is parsed once, body included, and put in place of the
        template's element.  Moving parsed elements into another tree instead costs time
        quadratic in their number of ``xml:space`` attributes (libxml2 reconciles the XML
        namespace node by node): 22 s for a table of 1,000 rows, minutes for 5,000.
        """
        from docx.oxml import parse_xml
        from lxml import etree

        final = self.sect_pr(self.typo.page(self.page_kind), first=self.sections == 0)
        parts = [item.xml() if isinstance(item, _Para) else item for item in self.items]
        root = d.element
        body = root.body
        for child in list(body):
            body.remove(child)
        marker = "@@w:body@@"
        body.text = marker
        shell = etree.tostring(root, encoding="unicode")
        head, sep, tail = shell.partition(marker)
        if not sep:  # pragma: no cover - the marker is text of the body element
            raise RuntimeError("w:body not found in the serialised document")
        new_root = parse_xml(f"{head}{''.join(parts)}{final}{tail}")
        d.part._element = new_root
        d._element = new_root
        d._Document__body = None


def _toc_levels(prepared: Prepared, typo: Typography) -> int:
    """The heading levels the TOC field lists (``\\o "1-N"``)."""
    entries = [e for item in prepared.items if isinstance(item, PreparedToc) for e in item.entries]
    return max([typo.toc_levels, *(min(e.entry.level, 4) for e in entries)])


def _toc_entry_fields(prepared: Prepared, levels: int) -> dict[str, str]:
    """anchor → TC fields for the 目录 entries whose target is not a listed heading.

    Word, WPS and LibreOffice rebuild a 目录 from the paragraphs with an outline level (the
    headings' styles carry one).  A 公开表 or 自评表 entry points at a table, whose first line
    (“公开01表”) is not the entry's text (“一、《收入支出决算总表》”): a TC field there, with
    the entry's text and level, keeps the entry — same text, same page — when the 目录 is
    updated (the TOC field's ``\\f`` switch takes TC fields in).  The same holds for an entry
    pointing at a heading deeper than the 目录 lists.
    """
    headings = {
        item.anchor: item.outline_level for item in prepared.items if isinstance(item, PreparedHeading)
    }
    fields: dict[str, str] = {}
    for item in prepared.items:
        if not isinstance(item, PreparedToc):
            continue
        for e in item.entries:
            if not e.anchor or (e.anchor in headings and headings[e.anchor] <= levels):
                continue
            text = clean_text(e.entry.text).replace("\n", " ").replace('"', "\u201d")
            level = min(max(e.entry.level, 1), 9)
            fields[e.anchor] = fields.get(e.anchor, "") + (
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r><w:instrText xml:space="preserve"> TC "{escape(text)}" \\l {level} </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            )
    return fields


def _atomic_save(package, path: Path) -> None:
    with atomic_target(path) as tmp:
        package.save(tmp)


class DocxRenderer:
    """The ``docx`` output format (:mod:`generator.render.registry`)."""

    #: ``write`` takes the PDF's page numbers for the 目录 (:mod:`generator.render.outputs`)
    takes_page_numbers = True

    def __init__(self, settings=None):
        self.settings = settings

    def write(
        self,
        doc: Document,
        path: Path,
        page_numbers: Mapping[str, int] | None = None,
        total_pages: int | None = None,
    ) -> list[str]:
        font_dir = getattr(self.settings, "font_dir", None)
        return write_docx(doc, path, page_numbers=page_numbers, total_pages=total_pages, font_dir=font_dir).notes
