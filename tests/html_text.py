"""Reading an HTML page back: its text items in reading order, and what it references."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from render_fixtures import squash

#: Elements whose text is one item (a paragraph, heading, 目录 line, caption part or cell).
ITEM_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "th", "td", "caption"}


class _Items(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.stack: list[str] = []
        self.buf: list[str] = []
        self.in_main = False
        self.skip = 0
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action", "xlink:href", "background"):
                self.references.append((tag, name, value or ""))
            if name == "style" and value and "url(" in value:
                self.references.append((tag, name, value))
        if tag in ("style", "script", "title"):
            self.skip += 1
        if tag == "main":
            self.in_main = True
        if tag in ITEM_TAGS:
            self._flush()
        if tag == "br":
            self.buf.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self.skip -= 1
        if tag in ITEM_TAGS:
            self._flush()
        if tag == "main":
            self.in_main = False

    def handle_data(self, data):
        if self.in_main and not self.skip:
            self.buf.append(data)

    def _flush(self):
        text = squash("".join(self.buf))
        if text:
            self.items.append(text)
        self.buf = []


def html_items(html: str) -> list[str]:
    """Text items of the page's <main>, squashed, in reading order (empty ones dropped)."""
    p = _Items()
    p.feed(html)
    p.close()
    return p.items


def html_references(html: str) -> list[tuple[str, str, str]]:
    """Every attribute that can make a browser request something, and every url() in CSS."""
    p = _Items()
    p.feed(html)
    p.close()
    refs = list(p.references)
    for m in re.finditer(r"url\s*\(|@import", html):
        refs.append(("css", m.group(0), html[m.start() : m.start() + 80]))
    return refs


def html_tags(html: str) -> list[str]:
    p = _Items()
    p.feed(html)
    p.close()
    return p.tags
