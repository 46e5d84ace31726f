"""The typographic standard of the disclosure: the one place both renderers read.

Page geometry follows GB/T 9704-2012 (党政机关公文格式): A4, top margin (天头) 37 mm, bottom
35 mm, binding margin (订口, left) 28 mm, right 26 mm, i.e. a 156 × 225 mm type area holding
22 lines of 28 characters at 三号 (16 pt) with a fixed 28 pt line pitch.  The title is 二号
(22 pt) 小标宋, 第X部分 headings 三号 黑体 centred, 一、 headings 三号 黑体, （一） headings 三号
楷体 (GB/T 9704's 一级/二级 order), body 三号 仿宋 with a two-character first-line indent; tables 宋体 9–10.5 pt; the page
number "— N —" in 四号 宋体 7 mm below the type area.

The DOCX renderer turns every :class:`TextStyle` into a Word paragraph style (by style id);
the PDF renderer passes :data:`TYPOGRAPHY` to the CSS template (``templates/pdf/report.css.j2``).
Font *roles* (which face a style uses) come from :mod:`generator.fonts`.

Units: lengths of the page in millimetres (``_mm``), type sizes and spacing in points
(``_pt``); 1 pt = 1/72 in = 20 twips (the DOCX unit), 1 mm = 72/25.4 pt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = [
    "CHINESE_SIZES",
    "MM_PER_PT",
    "PT_PER_MM",
    "TYPOGRAPHY",
    "PageSetup",
    "TextStyle",
    "Typography",
    "mm_to_pt",
    "mm_to_twips",
    "pt_to_twips",
]

PT_PER_MM = 72 / 25.4
MM_PER_PT = 25.4 / 72

# 字号 → points (GB/T 9704 §4 and common practice)
CHINESE_SIZES: dict[str, float] = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
    "小五": 9.0,
}

TextAlign = Literal["left", "center", "right", "justify"]


def mm_to_pt(mm: float) -> float:
    """Millimetres → points."""
    return mm * PT_PER_MM


def pt_to_twips(pt: float) -> int:
    """Points → twentieths of a point (DOCX ``w:pgSz``, ``w:spacing``, ``w:ind``…)."""
    return round(pt * 20)


def mm_to_twips(mm: float) -> int:
    """Millimetres → twips."""
    return pt_to_twips(mm_to_pt(mm))


@dataclass(frozen=True)
class PageSetup:
    """A page size and its margins, in millimetres.

    ``footer_mm`` is the distance from the bottom edge of the page to the baseline area of the
    page number (the DOCX ``w:footer`` distance); it is derived from the GB/T 9704 rule "the
    page number stands 7 mm below the type area" by :class:`Typography`.
    """

    name: str
    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float

    @property
    def landscape(self) -> bool:
        return self.width_mm > self.height_mm

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm

    @property
    def text_height_mm(self) -> float:
        return self.height_mm - self.top_mm - self.bottom_mm

    @property
    def text_width_pt(self) -> float:
        return mm_to_pt(self.text_width_mm)

    @property
    def text_height_pt(self) -> float:
        return mm_to_pt(self.text_height_mm)


@dataclass(frozen=True)
class TextStyle:
    """One paragraph style, shared by DOCX (a Word style) and PDF (a CSS class).

    Attributes:
        key: identifier used by the renderers (``body``, ``heading1``…); also the CSS class
            ``s-<key>``.
        docx_id: the Word style id written in ``w:pStyle`` (built-in ids for the title,
            headings, TOC levels and footer, so Word's navigation pane and TOC find them).
        docx_name: the Word style name (built-in names must be spelt as Word spells them).
        role: the font role in :data:`generator.fonts.ROLES`.
        size_pt: type size in points.
        bold: bold face (the PDF uses the role's weight when the role is bold itself).
        align: paragraph alignment.
        indent_chars: first-line indent in characters of this size (2 = 两字).
        left_chars: left indent of every line, in characters.
        line_pt: fixed line pitch in points (``w:lineRule="exact"`` / CSS ``line-height``).
        before_pt / after_pt: space before / after the paragraph, in points.
        keep_next: keep with the next paragraph (headings, table titles).
        outline_level: 1-based outline level for headings (DOCX ``w:outlineLvl`` = level-1,
            PDF bookmark level); ``None`` for text.
    """

    key: str
    docx_id: str
    docx_name: str
    role: str
    size_pt: float
    bold: bool = False
    align: TextAlign = "left"
    indent_chars: float = 0.0
    left_chars: float = 0.0
    line_pt: float = 28.0
    before_pt: float = 0.0
    after_pt: float = 0.0
    keep_next: bool = False
    outline_level: int | None = None

    @property
    def css_class(self) -> str:
        return f"s-{self.key}"

    @property
    def indent_pt(self) -> float:
        return self.indent_chars * self.size_pt

    @property
    def left_pt(self) -> float:
        return self.left_chars * self.size_pt


def _gbt9704_portrait() -> PageSetup:
    return PageSetup("portrait", 210.0, 297.0, top_mm=37.0, bottom_mm=35.0, left_mm=28.0, right_mm=26.0)


def _table_portrait() -> PageSetup:
    # Pages of upright tables (公开01表…): the binding margin stays, the head and foot
    # margins of text pages (37/35 mm) shrink so a one-page table is not pushed onto a
    # second page by its last rows.
    return PageSetup("table", 210.0, 297.0, top_mm=25.0, bottom_mm=25.0, left_mm=28.0, right_mm=26.0)


def _landscape() -> PageSetup:
    # Wide tables: the sheet is turned, so its binding edge (the portrait left edge) becomes
    # the top; keep the 28 mm binding margin there and a smaller one elsewhere.
    return PageSetup("landscape", 297.0, 210.0, top_mm=28.0, bottom_mm=24.0, left_mm=20.0, right_mm=20.0)


def _default_styles() -> dict[str, TextStyle]:
    body = CHINESE_SIZES["三号"]
    line = 28.0
    styles = [
        # The document title: 二号 小标宋, centred, one blank line after.
        TextStyle(
            "title",
            "Title",
            "Title",
            "title",
            CHINESE_SIZES["二号"],
            align="center",
            line_pt=36.0,
            before_pt=0.0,
            after_pt=line,
            keep_next=True,
        ),
        # 目录 heading and entries
        TextStyle(
            "toc_heading",
            "TOCHeading",
            "TOC Heading",
            "heading1",
            body,
            align="center",
            line_pt=line,
            after_pt=line / 2,
            keep_next=True,
        ),
        TextStyle("toc1", "TOC1", "toc 1", "heading1", body, line_pt=line),
        TextStyle("toc2", "TOC2", "toc 2", "body", body, left_chars=2, line_pt=line),
        TextStyle("toc3", "TOC3", "toc 3", "body", body, left_chars=3, line_pt=line),
        TextStyle("toc4", "TOC4", "toc 4", "body", body, left_chars=4, line_pt=line),
        # Headings (GB/T 9704 order): 第X部分 黑体 centred; 一、 黑体; （一） 楷体; 4 = title over a table
        TextStyle(
            "heading1",
            "Heading1",
            "heading 1",
            "heading1",
            body,
            align="center",
            line_pt=line,
            before_pt=line / 2,
            after_pt=line / 2,
            keep_next=True,
            outline_level=1,
        ),
        TextStyle(
            "heading2",
            "Heading2",
            "heading 2",
            "heading1",
            body,
            indent_chars=2,
            line_pt=line,
            keep_next=True,
            outline_level=2,
        ),
        TextStyle(
            "heading3",
            "Heading3",
            "heading 3",
            "heading2",
            body,
            indent_chars=2,
            line_pt=line,
            keep_next=True,
            outline_level=3,
        ),
        TextStyle(
            "heading4",
            "Heading4",
            "heading 4",
            "title",
            CHINESE_SIZES["小二"],
            align="center",
            line_pt=30.0,
            before_pt=line / 2,
            keep_next=True,
            outline_level=4,
        ),
        # Body text
        TextStyle("body", "JsBody", "正文缩进", "body", body, align="justify", indent_chars=2, line_pt=line),
        TextStyle("center", "JsCenter", "居中", "body", body, align="center", line_pt=line),
        TextStyle("plain", "JsPlain", "正文无缩进", "body", body, align="justify", line_pt=line),
        TextStyle(
            "note",
            "JsNote",
            "说明",
            "body",
            CHINESE_SIZES["四号"],
            align="justify",
            indent_chars=2,
            line_pt=24.0,
        ),
        # Table furniture: 表号 right, title centred, 单位 line, 注 under the table
        TextStyle(
            "table_code",
            "JsTableCode",
            "表号",
            "table",
            CHINESE_SIZES["五号"],
            align="right",
            line_pt=16.0,
            keep_next=True,
        ),
        TextStyle(
            "table_title",
            "JsTableTitle",
            "表标题",
            "title",
            CHINESE_SIZES["小二"],
            align="center",
            line_pt=28.0,
            after_pt=2.0,
            keep_next=True,
            outline_level=None,
        ),
        TextStyle(
            "table_subtitle",
            "JsTableSubtitle",
            "表副标题",
            "table",
            CHINESE_SIZES["五号"],
            align="center",
            line_pt=16.0,
            keep_next=True,
        ),
        TextStyle(
            "unit_line",
            "JsUnitLine",
            "单位行",
            "table",
            CHINESE_SIZES["五号"],
            line_pt=18.0,
            after_pt=2.0,
            keep_next=True,
        ),
        TextStyle("table_text", "JsTableText", "表格文字", "table", CHINESE_SIZES["小五"], line_pt=12.0),
        TextStyle(
            "table_head",
            "JsTableHead",
            "表头文字",
            "table",
            CHINESE_SIZES["小五"],
            bold=True,
            align="center",
            line_pt=12.0,
            keep_next=True,
        ),
        TextStyle(
            "table_note", "JsTableNote", "表注", "table", CHINESE_SIZES["五号"], line_pt=16.0, before_pt=4.0
        ),
        TextStyle(
            "empty_note",
            "JsEmptyNote",
            "空表说明",
            "table",
            CHINESE_SIZES["五号"],
            line_pt=16.0,
            before_pt=4.0,
        ),
        # Page number "— N —": 四号 宋体
        TextStyle("footer", "Footer", "footer", "table", CHINESE_SIZES["四号"], align="center", line_pt=18.0),
    ]
    return {s.key: s for s in styles}


@dataclass(frozen=True)
class Typography:
    """Everything the renderers need to lay out a disclosure.

    Attributes:
        portrait / table / landscape: page setups of text pages, of pages that hold an
            upright table starting on its own page, and of wide-table pages.
        styles: paragraph styles by key (see :func:`_default_styles`).
        page_number_prefix / page_number_suffix: around the page number ("— " and " —").
        page_number_gap_mm: distance between the type area and the page number (7 mm).
        number_first_page: show the page number on the title page.
        table_line_factor: line pitch of table text as a multiple of its size (9 pt → 12 pt).
        table_pad_x_mm / table_pad_y_mm: cell padding.
        table_compact_pad_y_mm: the top and bottom cell padding of a table set close so that it
            stays on one page instead of leaving a few rows on the next
            (:func:`generator.render.paginate.fit_tables`).
        table_border_pt: width of table rules.
        table_after_pt: space between a table (with its notes) and the text that follows.
        pdf_justify: justify body text in the PDF (``text-align: justify``).  Off: WeasyPrint
            (70) justifies only by widening spaces, so Chinese lines, which have none, stay
            as they are, and a line holding "0.00 万元" gets its few spaces stretched.  CJK
            lines are nearly flush without it (one-em characters).  The DOCX justifies
            (``w:jc="both"``), which Word and LibreOffice do between characters.
        toc_levels: deepest heading level listed in a regenerated Word TOC.
        mark_size_pt / mark_color: the draft mark (``Document.mark``, 草稿) printed at the
            top right of every page (DOCX page header, PDF ``@top-right`` margin box), bold,
            in the heading font (黑体).
    """

    portrait: PageSetup = field(default_factory=_gbt9704_portrait)
    table: PageSetup = field(default_factory=_table_portrait)
    landscape: PageSetup = field(default_factory=_landscape)
    styles: dict[str, TextStyle] = field(default_factory=_default_styles)
    page_number_prefix: str = "— "
    page_number_suffix: str = " —"
    page_number_gap_mm: float = 7.0
    number_first_page: bool = False
    table_line_factor: float = 1.35
    table_pad_x_mm: float = 1.2
    table_pad_y_mm: float = 0.6
    table_compact_pad_y_mm: float = 0.2
    table_border_pt: float = 0.5
    table_after_pt: float = 14.0
    pdf_justify: bool = False
    toc_levels: int = 3
    mark_size_pt: float = 16.0
    mark_color: str = "C00000"

    def style(self, key: str) -> TextStyle:
        """The style ``key``; KeyError names the known keys."""
        try:
            return self.styles[key]
        except KeyError:
            raise KeyError(f"unknown text style {key!r}; known: {', '.join(self.styles)}") from None

    def heading_style(self, level: int) -> TextStyle:
        """Style of a :class:`generator.document.Heading` of ``level`` (clamped to 1–4)."""
        return self.styles[f"heading{min(max(level, 1), 4)}"]

    def toc_style(self, level: int) -> TextStyle:
        return self.styles[f"toc{min(max(level, 1), 4)}"]

    def page(self, kind: str) -> PageSetup:
        """The page setup of a page kind: ``text``, ``table`` or ``landscape``."""
        return {"text": self.portrait, "table": self.table, "landscape": self.landscape}[kind]

    def footer_distance_mm(self, page: PageSetup) -> float:
        """Bottom edge of the page → bottom of the page-number line (DOCX ``w:footer``).

        The number's line starts ``page_number_gap_mm`` below the type area.
        """
        line_mm = self.styles["footer"].line_pt * MM_PER_PT
        return max(page.bottom_mm - self.page_number_gap_mm - line_mm, 5.0)

    def table_line_pt(self, size_pt: float) -> float:
        """Fixed line pitch of table text of ``size_pt`` points, rounded to 0.5 pt."""
        return round(size_pt * self.table_line_factor * 2) / 2

    def with_styles(self, **changes: TextStyle) -> Typography:
        """A copy with some styles replaced (for callers that tune one style)."""
        return replace(self, styles={**self.styles, **changes})


#: The standard used by both renderers unless a caller passes its own.
TYPOGRAPHY = Typography()
