"""The PDF's HTML read by the XML parser gives WeasyPrint the tree its HTML5 parser gives, and
the PDF's streams deflated at zlib's default level decode to the same content.

(Why: generator/render/pdf_html.py; the time saved is measured in README, 性能.)
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from pathlib import Path

import pydyf
import pytest
import tinyhtml5

from generator.document import Paragraph, Table
from generator.render.pdf import PdfRenderer
from generator.render.pdf_html import FLATE_LEVEL, flate_level, parse_xhtml
from generator.report import build_document
from tests.conftest import load_sample, sample_paths
from tests.render_fixtures import full_document, small_document
from tests.test_charts import _templates

SAMPLE = next(p for p in sample_paths() if p.stem == "乌鲁木齐市12345政务服务热线中心")


def _tree(el) -> tuple:
    """An element as nested tuples: tag, attributes, text, tail, children."""
    return (el.tag, dict(el.attrib), el.text or None, el.tail or None, [_tree(c) for c in el])


def _html5(text: str):
    return tinyhtml5.parse(text, namespace_html_elements=False)


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return PdfRenderer()


def _documents(tmp_path_factory):
    doc = build_document(load_sample(SAMPLE))
    charted = build_document(load_sample(SAMPLE), templates_dir=_templates(tmp_path_factory.mktemp("tpl")))
    odd = small_document(extra=[
        Paragraph("带换行的段落\n第二行 <b>不是标签</b> & “引号” 'apostrophe' \"quote\" \u3000全角空格"),
    ])
    # a table title with a line break: its bookmark label is an attribute with a line break
    table = next(b for b in odd.blocks if isinstance(b, Table))
    broken = replace(odd, blocks=[replace(b, title="第一行\n第二行") if b is table else b for b in odd.blocks])
    return {"sample": doc, "charts": charted, "full": full_document(), "odd": odd, "title_break": broken}


def test_xml_parser_gives_the_html5_tree(renderer, tmp_path_factory):
    docs = _documents(tmp_path_factory)
    fast = 0
    for name, doc in docs.items():
        text = renderer.html(doc)
        root = parse_xhtml(text)
        if root is None:  # not parsed the fast way: WeasyPrint's parser is used, nothing to compare
            continue
        fast += 1
        assert _tree(root) == _tree(_html5(text)), name
    # every document of the packaged template but the one with a line break in an attribute
    assert fast == len(docs) - 1
    assert parse_xhtml(renderer.html(docs["title_break"])) is None


def test_chart_svg_is_in_the_svg_namespace(renderer, tmp_path_factory):
    doc = _documents(tmp_path_factory)["charts"]
    root = parse_xhtml(renderer.html(doc))
    assert root is not None
    assert len([el for el in root.iter("{http://www.w3.org/2000/svg}svg")]) == 2


@pytest.mark.parametrize("text", [
    "<!DOCTYPE html><html><head></head><body><p>a&nbsp;b</p></body></html>",  # named entity
    "<!DOCTYPE html><html><head><meta charset=utf-8></head><body><p>a</p></body></html>",  # not XML
    "<!DOCTYPE html><html><head></head><body><p>a<br>b</p></body></html>",  # void element not closed
    "<!DOCTYPE html><html><head></head><body><p title=\"a\nb\">a</p></body></html>",  # line break in attribute
    "<!DOCTYPE html><html><body><p>a</p></body></html>",  # no head: the HTML5 parser adds one
    "<!DOCTYPE html><html><head></head><body><!-- note --><p>a</p></body></html>",  # comment
    "<!DOCTYPE html><html><head></head><body><table><tr><td>a</td></tr></table></body></html>",  # no tbody
])
def test_html_that_xml_would_read_otherwise_is_left_to_the_html5_parser(text):
    root = parse_xhtml(text)
    if root is not None:  # only when the trees are equal anyway
        assert _tree(root) == _tree(_html5(text))
    else:
        assert root is None


def test_whitespace_around_body_as_the_html5_parser_places_it():
    text = "<!DOCTYPE html>\n<html>\n<head>\n<title>t</title>\n</head>\n<body>\n<p>a</p>\n</body>\n</html>\n"
    root = parse_xhtml(text)
    assert root is not None
    assert _tree(root) == _tree(_html5(text))


def test_pdf_streams_at_the_default_level_decode_to_the_same_content(renderer, tmp_path):
    doc = small_document()
    layout = renderer.lay_out(doc)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    renderer.write(doc, a, layout)
    # pydyf's own level, outside flate_level
    layout.document.write_pdf(b)
    assert pydyf.zlib is zlib  # restored after writing

    import pikepdf

    def streams(path: Path) -> list[bytes]:
        with pikepdf.open(path) as pdf:
            # the cross-reference stream holds byte offsets, which differ with the compressed sizes
            return sorted(
                obj.read_bytes() for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Type") != pikepdf.Name.XRef
            )

    assert streams(a) == streams(b)


def test_flate_level_applies_while_writing_only():
    with flate_level():
        obj = pydyf.zlib.compressobj(level=9)
        data = b"x" * 10000 + bytes(range(256)) * 50
        out = obj.compress(data) + obj.flush()
        assert out == zlib.compress(data, FLATE_LEVEL)
    assert pydyf.zlib is zlib
    with pytest.raises(RuntimeError):
        with flate_level():
            raise RuntimeError
    assert pydyf.zlib is zlib


def test_renderer_reads_the_packaged_template_with_the_xml_parser(monkeypatch, tmp_path):
    import weasyprint

    calls = []
    real = weasyprint.tinyhtml5.parse
    monkeypatch.setattr(weasyprint.tinyhtml5, "parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    doc = small_document()
    PdfRenderer().write(doc, tmp_path / "packaged.pdf")
    assert calls == []
    # a bureau's own copy of the template: parsed by WeasyPrint's HTML5 parser as written
    own = tmp_path / "templates" / "pdf"
    own.mkdir(parents=True)
    from generator.render.pdf import PACKAGED_TEMPLATES

    (own / "report.html.j2").write_text((PACKAGED_TEMPLATES / "pdf" / "report.html.j2").read_text("utf-8"), "utf-8")
    PdfRenderer(templates_dir=tmp_path / "templates").write(doc, tmp_path / "own.pdf")
    assert calls
