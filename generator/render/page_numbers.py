"""Page numbers of the PDF drawn as vector outlines, not as text.

A page number set as text sits in the PDF's text layer between the last line of one page
and the first of the next, so a sentence that runs across a page break is copied or
extracted as "…增长—5—494.34%…".  Drawing "— 5 —" as outlines of the Latin face's glyphs
(an SVG per page, placed by ``@page :nth(N)`` rules) keeps the text layer equal to the
document's text while the page looks the same.  The digits come from the Latin font role
(Times New Roman or its metric twin Liberation Serif), as GB/T 9704 asks for 阿拉伯数字.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import quote

SVG_URL_PREFIX = "data:image/svg+xml,"


@cache
def _glyph_paths(font_path: str) -> tuple[dict[str, tuple[str, float]], float, float]:
    """``char → (SVG path in font units, advance)`` for digits, dash and space; units per em; ascent."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.ttLib import TTFont

    font = TTFont(font_path, fontNumber=0, lazy=True)
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    upm = font["head"].unitsPerEm
    ascent = font["hhea"].ascent if "hhea" in font else upm * 0.8
    out: dict[str, tuple[str, float]] = {}
    for ch in "0123456789—- ":
        name = cmap.get(ord(ch))
        if name is None:
            continue
        pen = SVGPathPen(glyphs)
        glyphs[name].draw(pen)
        out[ch] = (pen.getCommands(), glyphs[name].width)
    return out, float(upm), float(ascent)


def number_svg(text: str, font_path: Path, size_pt: float) -> str:
    """An SVG of ``text`` (digits, dashes, spaces) in the font at ``size_pt``, baseline-aligned."""
    paths, upm, ascent = _glyph_paths(str(font_path))
    x = 0.0
    parts: list[str] = []
    for ch in text:
        path, advance = paths.get(ch) or paths.get("-") or ("", upm / 2)
        if path:
            # font units are y-up; SVG is y-down: flip about the baseline placed at ``ascent``
            parts.append(f'<path transform="matrix(1 0 0 -1 {x:.0f} {ascent:.0f})" d="{path}"/>')
        x += advance
    height = upm
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {x:.0f} {height:.0f}" '
        f'width="{x / upm * size_pt:.2f}pt" height="{size_pt:.2f}pt">{"".join(parts)}</svg>'
    )


def page_number_css(
    pages: int, font_path: Path, size_pt: float, prefix: str, suffix: str, first: bool, offset: int = 0
) -> str:
    """``@page :nth(N)`` rules placing the number of each page 1…``pages`` in the footer.

    ``offset`` is the number of pages before this document: a part of a long document laid
    out in parts (:mod:`generator.render.pdf_parts`) numbers its N-th page ``offset + N``.
    Each page is matched against every rule, so a sheet is kept about as long as the
    document (or the part) it numbers."""
    rules = []
    for n in range(1, pages + 1):
        number = offset + n
        if number == 1 and not first:
            continue
        svg = number_svg(f"{prefix}{number}{suffix}", font_path, size_pt)
        url = SVG_URL_PREFIX + quote(svg, safe="")
        rules.append(f'@page :nth({n}) {{ @bottom-center {{ content: url("{url}"); }} }}')
    return "\n".join(rules)
