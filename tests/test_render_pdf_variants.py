"""Archival and tagged PDF: --pdf-variant pdf/a-3b and pdf/ua-1 (WeasyPrint's variants).

What is checked here: the XMP metadata names the variant (pdfaid part 3 conformance B /
pdfuaid part 1) with the title; every font is embedded (pdffonts); the UA file has a
structure tree, is marked, and states the document language.  A full conformance check
needs a validator such as veraPDF, which is not installed (see README)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from render_fixtures import shared_renderer, small_document

from generator.cli import app
from generator.errors import RenderError
from generator.render.pdf import PdfFormatRenderer, pdf_variant_options
from generator.render.registry import RenderSettings

pytestmark = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")


def _write(tmp_path, variant):
    shared_renderer()  # fonts are checked once for the session
    path = tmp_path / f"{variant.replace('/', '-')}.pdf"
    PdfFormatRenderer(RenderSettings(pdf_variant=variant)).write(small_document(), path)
    return path


def _xmp(path) -> str:
    root = PdfReader(str(path)).trailer["/Root"]
    return root["/Metadata"].get_object().get_data().decode("utf-8")


def _fonts_embedded(path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    return [r.split()[-5] for r in rows]


def test_pdf_a_3b_has_its_xmp_identification_and_embeds_every_font(tmp_path):
    path = _write(tmp_path, "pdf/a-3b")
    xmp = _xmp(path)
    assert re.search(r'pdfaid:part(="|>)3', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp)
    assert "某某单位2024年单位决算公开说明" in xmp  # dc:title
    assert "某某单位" in xmp
    assert set(_fonts_embedded(path)) == {"yes"}


def test_pdf_ua_1_is_tagged_with_a_language(tmp_path):
    path = _write(tmp_path, "pdf/ua-1")
    root = PdfReader(str(path)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "zh-CN"
    assert re.search(r'pdfuaid:part(="|>)1', _xmp(path))
    assert set(_fonts_embedded(path)) == {"yes"}


def test_plain_pdf_has_no_variant_and_unknown_is_refused():
    assert pdf_variant_options(None) == {}
    with pytest.raises(RenderError, match="不支持的 PDF 标准"):
        pdf_variant_options("pdf/x-4")
    result = CliRunner().invoke(app, ["x.json", "--pdf-variant", "pdf/a-9"])
    assert result.exit_code == 2
    assert "--pdf-variant 只能是 pdf/a-3b、pdf/ua-1" in result.stderr
