"""Tiny TrueType fonts made in tests (a box glyph for every character asked for)."""

from __future__ import annotations

from pathlib import Path


def make_font(path: Path, family: str, chars: str, *, zh_name: str | None = None, weight: int = 400) -> Path:
    """Write a tiny TrueType font named ``family`` (and ``zh_name`` in Chinese) whose cmap covers ``chars``."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((900, 700))
        pen.lineTo((900, 0))
        pen.closePath()
        return pen.glyph()

    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    fb.setupGlyf({n: box() for n in names})
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    name_strings = {"familyName": family, "styleName": "Regular"}
    if zh_name:
        name_strings["familyName"] = {"en": family, "zh-CN": zh_name}
    fb.setupNameTable(name_strings)
    fb.setupOS2(usWeightClass=weight)
    fb.setupPost()
    fb.save(str(path))
    return path
