"""The HTML page: self-contained, semantic, escaped, and the same text as the DOCX."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from html_text import html_items, html_references, html_tags
from render_fixtures import docx_items, full_document, rendered_full, small_document

from generator.document import Cell, Document, Paragraph, Table
from generator.render.html import HtmlRenderer, render_html
from generator.render.registry import RenderSettings


def _page(doc: Document | None = None) -> str:
    return render_html(doc or full_document())


def test_page_requests_nothing():
    html = _page()
    refs = html_references(html)
    # only in-page links (#anchor) are allowed
    assert all(attr == "href" and value.startswith("#") for _, attr, value in refs), [
        r for r in refs if not r[2].startswith("#")
    ]
    tags = set(html_tags(html))
    assert not tags & {"link", "script", "img", "iframe", "object", "embed", "base", "video", "audio"}
    assert "default-src 'none'" in html  # the browser is told as well


def test_every_link_points_at_an_id():
    html = _page()
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    links = re.findall(r'href="#([^"]*)"', html)
    assert links and all(link in ids for link in links)
    assert len(ids) == len(re.findall(r'\sid="', html))  # ids are unique


def test_language_title_and_headings():
    doc = full_document()
    html = _page(doc)
    assert re.search(r'<html lang="zh-CN">', html)
    assert '<meta name="viewport"' in html
    assert f"<title>{doc.title}</title>" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    for h in doc.headings():
        tag = f"h{h.level + 1}"
        assert re.search(rf'<{tag} id="[^"]+">{re.escape(h.text)}</{tag}>', html), h.text


def test_tables_are_real_tables_with_captions_and_scoped_headers():
    doc = full_document()
    html = _page(doc)
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == len(doc.tables())
    for t, src in zip(tables, doc.tables(), strict=True):
        assert "<caption>" in t
        assert src.title.replace("\n", "<br>") in t
        if src.header:
            head = re.search(r"<thead>(.*?)</thead>", t, re.S).group(1)
            ths = re.findall(r"<th[ >][^>]*", head)
            assert ths and all('scope="col"' in x or 'scope="colgroup"' in x for x in ths)
            # merged headers as in the official layout
            spans = sum(c.colspan > 1 or c.rowspan > 1 for row in src.header for c in row)
            assert len(re.findall(r"<th[^>]*(?:colspan|rowspan)=", head)) == spans
        assert t.count("<tr>") == len(src.header) + len(src.body)
    # each table scrolls in a focusable, labelled region
    regions = re.findall(r'<div class="scroll" role="region" tabindex="0" aria-label="([^"]+)">', html)
    assert len(regions) == len(tables)


def test_amounts_are_right_aligned():
    html = _page(small_document())
    assert '<td class="a-right">1,234.56</td>' in html
    assert "<td>一般公共服务支出</td>" in html


def test_text_equals_docx_text():
    docx_path, _ = rendered_full()
    doc = full_document()
    assert "".join(html_items(_page(doc))) == "".join(docx_items(docx_path))


def test_user_text_is_escaped():
    evil = '<img src="http://x/y.png" onerror="alert(1)"><script>alert(2)</script>&amp;"\'</style>'
    doc = small_document(
        extra=[
            Paragraph(evil),
            Table(key="x", title=evil, header=[], body=[[Cell(evil), Cell("1.00")]], widths=[1, 1], unit_name=evil),
        ]
    )
    doc.author = evil
    doc.title = evil
    html = _page(doc)
    assert "<script" not in html and "<img" not in html and "</style><" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;&amp;amp;" in html

    class Texts(HTMLParser):
        found: list[str] = []

        def handle_data(self, data):
            self.found.append(data)

    parser = Texts()
    parser.feed(html)
    assert sum(evil in t for t in parser.found) >= 5  # title, h1, paragraph, caption, cell, unit


def test_user_templates_dir_overrides_the_page(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "page.html.j2").write_text("<p>{{ doc.title }}</p>", encoding="utf-8")
    html = HtmlRenderer(RenderSettings(templates_dir=tmp_path)).html(small_document())
    assert html == "<p>某某单位2024年单位决算公开说明</p>"


def test_write_is_utf8_file(tmp_path):
    target = tmp_path / "页.html"
    notes = HtmlRenderer(RenderSettings()).write(small_document(), target)
    assert notes == []
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_draft_page_carries_its_mark():
    doc = small_document()
    assert 'class="draft"' not in _page(doc)
    doc.mark = "草稿"
    assert '<p class="draft" role="note">草稿</p>' in _page(doc)
