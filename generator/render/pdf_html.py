"""Faster parsing of the disclosure's HTML and a cheaper PDF stream compression.

Both give WeasyPrint exactly what it would have had otherwise; they only take less time
(measured in README, 性能).

* :func:`parse_xhtml` — the HTML our template writes is also well-formed XML (void elements
  are written ``<br/>``, ``<col …/>``, ``<meta …/>``).  Python's C XML parser reads it about
  ten times faster than WeasyPrint's pure-Python HTML5 parser (tinyhtml5), and gives the same
  tree once the whitespace the HTML5 rules move or drop is treated the same way.  Anything
  the XML parser cannot read the same way (a template edited by a bureau that is HTML but not
  XML, a named entity, an attribute value with a line break, which XML would turn into a
  space) returns None, and WeasyPrint's own parser is used.  ``tests/test_render_pdf_html.py``
  checks that both parsers give the same tree.
* :func:`flate_level` — pydyf, WeasyPrint's PDF writer, deflates every stream at level 9.  The
  streams of a disclosure are mostly font subsets, for which level 9 takes about twice the
  time of zlib's default level 6 and saves 0.2 % of the file (sample: 828 KB against 830 KB).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.etree import ElementTree

__all__ = ["FLATE_LEVEL", "flate_level", "parse_xhtml"]

_DOCTYPE = re.compile(r"\A\s*<!DOCTYPE html>\s*", re.IGNORECASE)
# an attribute value holding a tab or line break: XML normalises it to spaces, HTML keeps it
_ATTR_BREAK = re.compile(r"=\s*(\"[^\"]*[\t\n\r][^\"]*\"|'[^']*[\t\n\r][^']*')")


def parse_xhtml(text: str) -> Any | None:
    """The element tree the HTML5 parser (tinyhtml5, ``namespace_html_elements=False``) makes
    of ``text``, made by the XML parser; None when ``text`` is not XML that parses the same."""
    if "&" in text and re.search(r"&(?!#\d+;|#x[0-9a-fA-F]+;|amp;|lt;|gt;|quot;|apos;)", text):
        return None  # HTML named entities (&nbsp; …) or a bare &
    if _ATTR_BREAK.search(text) or "<!--" in text or "<?" in text or "<![CDATA[" in text:
        return None  # the XML parser drops comments, reads CDATA sections and PIs otherwise
    source = _DOCTYPE.sub("", text, count=1)
    end = source.rfind("</html>")
    after = source[end + len("</html>"):] if end >= 0 else ""
    if after.strip():
        return None
    try:
        root = ElementTree.fromstring(source)
    except ElementTree.ParseError:
        return None
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"]:
        return None  # the HTML5 parser would add or move elements
    if not _same_structure(root):
        return None
    head, body = root
    if (root.text or "").strip() or (head.tail or "").strip() or (body.tail or "").strip():
        return None
    if not _keep_xmlns(root, text.count("xmlns")):
        return None
    # the HTML5 parser drops whitespace before <head>, and moves whitespace after </body>
    # to the end of the body
    root.text = None
    tail = (body.tail or "") + after  # the HTML5 parser moves both into the body
    body.tail = None
    if tail:
        if len(body):
            last = body[-1]
            last.tail = (last.tail or "") + tail
        else:
            body.text = (body.text or "") + tail
    return root


# elements the HTML5 parser does not let a <p> hold (it closes the <p> first)
_CLOSES_P = frozenset(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul li dd dt".split()
)
_ROW_GROUPS = frozenset(("thead", "tbody", "tfoot"))
_TABLE_CHILDREN = frozenset(("caption", "colgroup", "thead", "tbody", "tfoot"))


def _same_structure(root: Any) -> bool:
    """False where the HTML5 parser would restructure the tree (a <tr> straight in a <table>
    gets a <tbody>, a block in a <p> closes it, text in a table is moved before it…)."""
    for parent in root.iter():
        tag = parent.tag
        if tag == "p" and any(child.tag in _CLOSES_P for child in parent):
            return False
        if tag == "table":
            if any(child.tag not in _TABLE_CHILDREN for child in parent):
                return False
            if any((t or "").strip() for t in [parent.text, *(c.tail for c in parent)]):
                return False
        elif tag in _ROW_GROUPS:
            if any(child.tag != "tr" for child in parent) or (parent.text or "").strip():
                return False
        elif tag == "tr":
            if any(child.tag not in ("td", "th") for child in parent) or (parent.text or "").strip():
                return False
        elif tag == "colgroup" and any(child.tag != "col" for child in parent):
            return False
        if tag in ("tbody", "thead", "tfoot", "tr", "colgroup") and any((c.tail or "").strip() for c in parent):
            return False
    return True


_XMLNS = "{http://www.w3.org/2000/xmlns/}xmlns"


def _keep_xmlns(root: Any, declared: int) -> bool:
    """Give the root of each embedded SVG (or MathML) the ``xmlns`` attribute the HTML5 parser
    keeps (the XML parser turns it into the namespace of the tag); False when the source
    declares namespaces in any other way (prefixes, declarations on other elements)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    roots = [
        el for el in root.iter()
        if el.tag.startswith("{") and not parents[el].tag.startswith(el.tag.split("}")[0] + "}")
    ]
    if len(roots) != declared:
        return False
    for el in roots:
        attrib = {_XMLNS: el.tag[1:].split("}")[0], **el.attrib}
        el.attrib.clear()
        el.attrib.update(attrib)
    return True


#: zlib level for the PDF's streams (pydyf's own is 9).
FLATE_LEVEL = 6


class _Zlib:
    """Stands in for the ``zlib`` module inside pydyf: ``compressobj`` at :data:`FLATE_LEVEL`."""

    def __init__(self, level: int):
        self.level = level

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(self.level, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


@contextmanager
def flate_level(level: int = FLATE_LEVEL) -> Iterator[None]:
    """While writing a PDF, pydyf deflates its streams at ``level`` (then as before).

    Does nothing when pydyf does not use the ``zlib`` module the way it is known to."""
    try:
        import pydyf
    except ImportError:  # pragma: no cover - a dependency of WeasyPrint
        yield
        return
    original = getattr(pydyf, "zlib", None)
    if original is not zlib:
        yield
        return
    pydyf.zlib = _Zlib(level)
    try:
        yield
    finally:
        pydyf.zlib = original
