"""The render-neutral document: headings, paragraphs and tables, every text final.

:func:`generator.report.build_document` builds one :class:`Document` from the model; the
DOCX and PDF renderers only lay it out, so both files carry the same text and figures.
Table cells hold display strings (``1,234.56``), never numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass
class Heading:
    """A heading.  ``level`` 1 = 第X部分, 2 = 一、, 3 = （一）, 4 = table/self-assessment title."""

    level: int
    text: str
    anchor: str = ""
    in_toc: bool = True
    # the 目录 entry and PDF bookmark when the format words them otherwise ("" — the text)
    toc_text: str = ""


@dataclass
class Paragraph:
    """A body paragraph.  ``style``: ``body`` (indented 仿宋), ``center``, ``note``, ``plain``."""

    text: str
    style: str = "body"
    bold_prefix: str = ""  # e.g. the term of a 名词解释 entry, printed bold before ``text``
    keep_next: bool = False  # on the same page as the next paragraph (a short list kept whole)


@dataclass
class Cell:
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    align: Align = "left"
    bold: bool = False
    # a label cell of the body: ``row`` (names its row: 科目名称, 合计, 项目名称 …) or ``col``
    # (names the cells below it); printed as a header cell (HTML ``<th scope>``, a TH tag in
    # the tagged PDF) with the look of a body cell
    scope: Literal["", "row", "col"] = ""


@dataclass
class Table:
    """A table: the nine 公开表 and the 绩效自评表.

    ``header`` and ``body`` are grids in HTML fashion: a spanning cell stands once, at its
    top-left position, and later rows omit the positions it covers.  ``widths`` are relative
    column widths.  ``code`` is the 表号 (公开01表), ``unit_label``, ``unit_name`` and
    ``money_unit`` the line under the title (``单位：… 金额单位：万元``), ``note`` the 注 under the table, ``empty_note`` the statement
    printed under an empty table.
    """

    key: str
    title: str
    header: list[list[Cell]]
    body: list[list[Cell]]
    widths: list[float]
    code: str = ""
    subtitle: str = ""
    unit_name: str = ""
    unit_label: str = "单位"
    money_unit: str = "金额单位：万元"
    note: str = ""
    empty_note: str = ""
    landscape: bool = False
    new_page: bool = True
    anchor: str = ""
    font_size: float = 9.0
    # the PDF bookmark of a table the 目录 does not list, when code and title do not tell it
    # from its neighbours (a 绩效自评表 names its project); "" — code and title
    outline: str = ""

    @property
    def columns(self) -> int:
        return len(self.widths)


@dataclass
class PageBreak:
    pass


@dataclass
class TocEntry:
    level: int
    text: str
    anchor: str


@dataclass
class Toc:
    """The 目录: the headings with ``in_toc``; renderers fill page numbers."""

    entries: list[TocEntry] = field(default_factory=list)


@dataclass
class ChartBar:
    """One bar of a :class:`Chart`: a part's name, its amount (``1,234.56``, 万元) and its share
    (``12.34%``) as the text prints them; ``fraction`` (0–1, the share ÷ 100) is its length."""

    label: str
    amount: str
    share: str
    fraction: Decimal


@dataclass
class Chart:
    """A chart of a structure (``@chart income`` / ``@chart expense`` in a template): one bar
    per part with its name, amount and share — the figures the text states.  ``caption`` is
    printed under it; ``summary`` states every figure in one sentence (the text alternative
    of the picture).  The renderers draw it: vector (SVG) in the PDF and the web page, a
    picture in the DOCX."""

    key: str
    caption: str
    bars: list[ChartBar]
    unit: str = "万元"

    @property
    def summary(self) -> str:
        parts = "；".join(f"{b.label}{b.amount}{self.unit}，占{b.share}" for b in self.bars)
        return f"{self.caption}：{parts}。"


Block = Heading | Paragraph | Table | PageBreak | Toc | Chart


@dataclass
class Document:
    """The whole disclosure.

    ``mark`` is printed on every page (in the page header) when not empty: the 草稿 mark of
    a draft made with ``--force``.  ``placeholders`` are the figures the data lacks, in the
    order the text first shows their placeholder (:class:`generator.compute.Missing`).
    """

    title: str  # e.g. 乌鲁木齐市政务服务中心2024年单位决算公开说明
    author: str  # the unit
    year: int
    blocks: list[Block] = field(default_factory=list)
    language: str = "zh-CN"
    mark: str = ""
    placeholders: list = field(default_factory=list)

    def add(self, block: Block) -> Block:
        self.blocks.append(block)
        return block

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def plain_text(self) -> str:
        """All text in reading order, one block or table row per line (for tests/golden)."""
        lines: list[str] = [self.mark] if self.mark else []
        for b in self.blocks:
            if isinstance(b, Heading):
                lines.append(b.text)
            elif isinstance(b, Paragraph):
                lines.append(b.bold_prefix + b.text)
            elif isinstance(b, Toc):
                lines.extend(e.text for e in b.entries)
            elif isinstance(b, Chart):
                lines.extend(f"{c.label}\t{c.amount}{b.unit}\t{c.share}" for c in b.bars)
                lines.append(b.caption)
            elif isinstance(b, Table):
                lines.extend(x for x in (b.code, b.title, b.subtitle) if x)
                lines.append(f"单位：{b.unit_name}\t{b.money_unit}" if b.unit_name else b.money_unit)
                for row in b.header + b.body:
                    lines.append("\t".join(c.text for c in row))
                if b.empty_note:
                    lines.append(b.empty_note)
                if b.note:
                    lines.append(b.note)
        return "\n".join(lines) + "\n"
