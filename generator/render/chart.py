"""Drawing a :class:`generator.document.Chart`: one layout, written as SVG or painted as PNG.

The chart is a bar chart of a structure: a row per part — its name, a bar on a grey track
that stands for 100% of the total (so the bar's length is the part's share of the whole),
its amount in 万元 and its share.  :func:`layout` places every rectangle and text once (in
points); :func:`svg` writes that layout as an SVG element (vector: inline in the web page
and the PDF, with its labels as real text), :func:`png` paints the same layout with Pillow
for the DOCX, whose readers (Word 2010, WPS) do not all show SVG.

Why this way rather than a chart library: a labelled bar chart is a dozen rectangles and
texts; writing the SVG ourselves keeps its labels as text in the document's fonts (the PDF's
text can be searched and read back, the web page's by a screen reader), makes the element
accessible (``role="img"``, a ``<title>`` stating the figures) and deterministic (no ids,
dates or generator comments), and adds nothing to install: Pillow comes with WeasyPrint and
draws the PNG from the same font file the PDF uses (:func:`chart_font`).

Widths are estimated from the characters (CJK 1 em, digits and Latin ½ em,
:func:`generator.render.layout.text_units`) with room to spare, so the layout is the same
on every machine and does not depend on which font a reader's browser picks.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from generator import fonts
from generator.document import Chart
from generator.errors import RenderError
from generator.render.layout import clean_text, text_units

__all__ = ["FONT_ROLE", "Scene", "chart_font", "chart_height_pt", "layout", "png", "svg"]

#: The font role of the chart's labels: the tables' 宋体.
FONT_ROLE = "table"

FONT_PT = 10.5  # 五号
ROW_PT = 24.0
BAR_PT = 13.0
PAD_PT = 4.0
GAP_PT = 8.0
SLACK = 1.12  # room for a font whose digits are wider than ½ em
BAR_COLOR = "#2f5597"
TRACK_COLOR = "#e4e4e4"
TEXT_COLOR = "#000000"
PNG_SCALE = 4  # pixels per point: 288 dpi


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    anchor: str  # "start" or "end"
    kind: str  # "label", "amount" or "share"


@dataclass(frozen=True)
class Scene:
    """A chart laid out: size and shapes in points, in drawing order."""

    width: float
    height: float
    rects: tuple[Rect, ...]
    texts: tuple[Text, ...]
    font_pt: float = FONT_PT


def chart_height_pt(chart: Chart) -> float:
    """The height of ``chart`` drawn at its layout width (points)."""
    return 2 * PAD_PT + len(chart.bars) * ROW_PT


def layout(chart: Chart, width_pt: float) -> Scene:
    """Place the rows of ``chart`` on a drawing ``width_pt`` wide."""
    unit = chart.unit
    labels = [clean_text(b.label) for b in chart.bars]
    amounts = [f"{b.amount}{unit}" for b in chart.bars]
    shares = [b.share for b in chart.bars]
    label_w = max(text_units(t) for t in labels) * FONT_PT
    amount_w = max(text_units(t) for t in amounts) * FONT_PT * SLACK
    share_w = max(text_units(t) for t in shares) * FONT_PT * SLACK
    label_end = PAD_PT + label_w
    bar_x = label_end + GAP_PT
    share_end = width_pt - PAD_PT
    amount_end = share_end - share_w - GAP_PT
    bar_max = max(amount_end - amount_w - GAP_PT - bar_x, 4 * FONT_PT)
    rects: list[Rect] = []
    texts: list[Text] = []
    for i, bar in enumerate(chart.bars):
        top = PAD_PT + i * ROW_PT
        bar_y = top + (ROW_PT - BAR_PT) / 2
        baseline = top + ROW_PT / 2 + FONT_PT * 0.36  # CJK glyphs centred on the row
        rects.append(Rect(bar_x, bar_y, bar_max, BAR_PT, TRACK_COLOR))
        length = bar_max * float(bar.fraction)
        if length > 0:
            rects.append(Rect(bar_x, bar_y, max(length, 0.75), BAR_PT, BAR_COLOR))
        texts.append(Text(label_end, baseline, labels[i], "end", "label"))
        texts.append(Text(amount_end, baseline, amounts[i], "end", "amount"))
        texts.append(Text(share_end, baseline, shares[i], "end", "share"))
    height = chart_height_pt(chart)
    return Scene(round(width_pt, 2), round(height, 2), tuple(rects), tuple(texts))


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros (the same text on every run)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def svg(chart: Chart, scene: Scene, font_family: str) -> str:
    """The chart as an ``<svg>`` element for an HTML page (inline; no reference to anything).

    ``role="img"`` with an ``aria-label`` and a ``<title>`` stating every figure
    (:attr:`Chart.summary`); the labels are ``<text>`` in ``font_family``.  Sized by its
    ``viewBox`` (points): the page's stylesheet gives its width.
    """
    summary = clean_text(chart.summary)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {_n(scene.width)} {_n(scene.height)}" '
        f'width="{_n(scene.width)}pt" height="{_n(scene.height)}pt" '
        f"aria-label={quoteattr(summary)}>",
        f"<title>{escape(summary)}</title>",
    ]
    for r in scene.rects:
        out.append(f'<rect x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.w)}" height="{_n(r.h)}" fill="{r.fill}"/>')
    out.append(
        f'<g font-family={quoteattr(font_family)} font-size="{_n(scene.font_pt)}" fill="{TEXT_COLOR}">'
    )
    for t in scene.texts:
        anchor = ' text-anchor="end"' if t.anchor == "end" else ""
        out.append(f'<text class="{t.kind}" x="{_n(t.x)}" y="{_n(t.y)}"{anchor}>{escape(t.text)}</text>')
    out.append("</g></svg>")
    return "".join(out)


def chart_font(font_dir: Path | None = None) -> fonts.FontMatch:
    """The font file the PNG is painted with: the one the PDF sets the chart's labels in.

    Raises :class:`RenderError` (in Chinese) when no such font is installed."""
    try:
        match = fonts.resolve_fonts(font_dir).get(FONT_ROLE)
    except FileNotFoundError as exc:
        raise RenderError(str(exc)) from exc
    if match is None:
        label = fonts.ROLES[FONT_ROLE].label
        raise RenderError(f"无法绘制图表：未找到中文字体“{label}”（请先运行 make setup，或用 --font-dir 指定字体目录）")
    return match


def png(scene: Scene, font: fonts.FontMatch, scale: int = PNG_SCALE) -> bytes:
    """The layout painted as a PNG (``scale`` pixels per point; the PNG says its dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    size = (math.ceil(scene.width * scale), math.ceil(scene.height * scale))
    image = Image.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(image)
    try:
        face = ImageFont.truetype(str(font.path), size=scene.font_pt * scale, index=font.index)
    except OSError as exc:
        raise RenderError(f"无法绘制图表：字体文件无法读取：{font.path}") from exc
    for r in scene.rects:
        box = (r.x * scale, r.y * scale, (r.x + r.w) * scale - 1, (r.y + r.h) * scale - 1)
        draw.rectangle(box, fill=r.fill)
    for t in scene.texts:
        draw.text(
            (t.x * scale, t.y * scale), t.text, font=face, fill=TEXT_COLOR, anchor="rs" if t.anchor == "end" else "ls"
        )
    buf = io.BytesIO()
    dpi = 72 * scale
    image.save(buf, format="PNG", dpi=(dpi, dpi))
    return buf.getvalue()
