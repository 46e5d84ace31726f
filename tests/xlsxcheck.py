"""Reading back what a written workbook really stores (the XML, not what openpyxl makes of it)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def formulas_in(path: Path) -> list[str]:
    """Every ``<f>`` element of every worksheet of the workbook at ``path``."""
    found: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += re.findall(r"<f\b[^>]*?(?:/>|>.*?</f>)", z.read(name).decode("utf-8"), flags=re.S)
    return found


def strings_in(path: Path) -> str:
    """The shared strings and inline strings of the workbook, as one text."""
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n == "xl/sharedStrings.xml" or n.startswith("xl/worksheets/")]
        return "".join(z.read(n).decode("utf-8") for n in names)
