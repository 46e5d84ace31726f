"""Charts (``@chart income`` / ``@chart expense`` in a bureau's template): the figures the
text states, drawn as SVG in the web page and the PDF and as a picture in the DOCX."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from clirun import invoke, write_json
from conftest import load_sample, sample_paths
from factories import make_disclosure, scale_amounts
from html_text import html_references

from generator.charts import build_charts
from generator.compute import derive
from generator.document import Chart, Paragraph
from generator.errors import RenderError
from generator.render import chart as drawing
from generator.render.docx import write_docx
from generator.render.html import render_html
from generator.report import build_document
from generator.templating import NARRATIVE_DIR, PACKAGE_TEMPLATES

SVG = "{http://www.w3.org/2000/svg}"
SAMPLE = next(p for p in sample_paths() if p.stem == "乌鲁木齐市12345政务服务热线中心")
INCOME = "03_income.j2"
EXPENSE = "04_expense.j2"


def _templates(tmp_path: Path, income: str = "@chart income 图1 本年收入结构", expense: str = "@chart expense") -> Path:
    """A bureau's templates directory: the packaged 收入/支出 sections with a chart line added,
    as the README tells a bureau to do it."""
    out = tmp_path / "措辞"
    out.mkdir(exist_ok=True)
    for name, line in ((INCOME, income), (EXPENSE, expense)):
        text = (NARRATIVE_DIR / name).read_text(encoding="utf-8")
        (out / name).write_text(text.rstrip("\n") + "\n\n" + line + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def charted(tmp_path_factory):
    """The sample's document with both charts."""
    tpl = _templates(tmp_path_factory.mktemp("tpl"))
    return build_document(load_sample(SAMPLE), templates_dir=tpl), tpl


def _rows(svg_text: str) -> list[tuple[str, str, str]]:
    """(name, amount with 万元, share) of every row of a chart's SVG, read from its text."""
    root = ET.fromstring(svg_text)
    texts = [(t.get("class"), t.text or "") for t in root.iter(f"{SVG}text")]
    labels = [t for k, t in texts if k == "label"]
    amounts = [t for k, t in texts if k == "amount"]
    shares = [t for k, t in texts if k == "share"]
    assert len(labels) == len(amounts) == len(shares)
    return list(zip(labels, amounts, shares, strict=True))


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, re.S)


def _sentence_before(doc, chart: Chart) -> str:
    """The paragraph the chart follows: the text that states its figures."""
    i = doc.blocks.index(chart)
    return next(b.text for b in reversed(doc.blocks[:i]) if isinstance(b, Paragraph))


def _stated(sentence: str) -> list[tuple[str, str, str]]:
    """(name, amount 万元, share) of every part the sentence states, zero ones left out."""
    body = sentence.split("其中：", 1)[1]
    parts = re.findall(r"([^；。]+?)([\d,]+\.\d\d)万元，占(-?[\d.]+%)", body)
    return [(n, f"{a}万元", s) for n, a, s in parts if a != "0.00"]


def test_chart_figures_equal_the_text_in_html_and_pdf(charted):
    doc, tpl = charted
    charts = [b for b in doc.blocks if isinstance(b, Chart)]
    assert [c.key for c in charts] == ["income", "expense"]
    from generator.render.pdf import PdfRenderer

    pdf_svgs = _svgs(PdfRenderer(templates_dir=None).html(doc))
    html_svgs = _svgs(render_html(doc))
    assert len(pdf_svgs) == len(html_svgs) == 2
    for chart, in_pdf, in_html in zip(charts, pdf_svgs, html_svgs, strict=True):
        stated = _stated(_sentence_before(doc, chart))
        assert stated  # the sample has income and expense
        assert _rows(in_pdf) == stated
        assert _rows(in_html) == stated
    assert charts[1].bars[0].label == "基本支出" and charts[1].bars[1].label == "项目支出"


def test_chart_uses_the_figures_engine_shares():
    d = load_sample(SAMPLE)
    f = derive(d)
    charts = build_charts(f)
    for chart, parts in ((charts["income"], f.income_parts), (charts["expense"], f.expense_parts)):
        assert chart is not None
        shown = [p for p in parts if p.amount > 0]
        assert [b.label for b in chart.bars] == [p.label for p in shown]
        assert [b.fraction for b in chart.bars] == [p.share / 100 for p in shown]


def test_bar_lengths_follow_the_shares(charted):
    doc, _ = charted
    chart = next(b for b in doc.blocks if isinstance(b, Chart) and b.key == "expense")
    scene = drawing.layout(chart, 400)
    tracks = [r for r in scene.rects if r.fill == drawing.TRACK_COLOR]
    bars = [r for r in scene.rects if r.fill == drawing.BAR_COLOR]
    assert len(tracks) == len(bars) == 2
    for track, bar, b in zip(tracks, bars, chart.bars, strict=True):
        assert bar.w == pytest.approx(track.w * float(b.fraction), abs=0.01)
    # nothing runs off the drawing
    assert all(r.x >= 0 and r.x + r.w <= scene.width for r in scene.rects)
    assert all(0 < t.x <= scene.width for t in scene.texts)


def test_html_chart_is_accessible_and_references_nothing(charted):
    doc, _ = charted
    html = render_html(doc)
    assert all(value.startswith("#") for _, _, value in html_references(html))
    svg = _svgs(html)[1]
    assert 'role="img"' in svg
    assert re.search(r'aria-label="本年支出结构：基本支出571\.15万元，占17\.31%；项目支出2,729\.00万元，占82\.69%。"', svg)
    assert "<title>本年支出结构：基本支出571.15万元" in svg
    assert not re.search(r"\b(href|src|url\()", svg)
    assert len(re.findall(r'<figure class="chart">\s*<svg ', html)) == 2
    # a visually hidden table gives screen readers the figures, row by row
    table = re.search(r'<div class="visually-hidden"><table>(.*?)</table>', html.split(svg)[1], re.S).group(1)
    assert '<th scope="row">项目支出</th><td class="a-right">2,729.00</td><td class="a-right">82.69%</td>' in table
    assert "<figcaption>本年支出结构</figcaption>" in html


def test_svg_is_the_same_on_every_run(charted):
    doc, _ = charted
    first = _svgs(render_html(doc))
    assert first == _svgs(render_html(doc))
    assert not re.search(r"\b(id|date)=|<!--|<metadata", "".join(first))


def test_docx_carries_the_chart_as_a_picture(charted, tmp_path):
    doc, _ = charted
    path = write_docx(doc, tmp_path / "a.docx").path
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode("utf-8")
        pictures = [z.read(n) for n in media]
    assert len(media) == 2 and all(n.endswith(".png") for n in media)
    descr = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', body)
    assert descr == [c.summary for c in doc.blocks if isinstance(c, Chart)]
    assert len(set(re.findall(r'<wp:docPr [^>]*id="(\d+)"', body))) == 2  # ids unique
    from PIL import Image

    for data in pictures:
        img = Image.open(io.BytesIO(data))
        assert img.format == "PNG" and img.width > 1000
        # painted: the bar colour and black text are in it
        colours = {c for _, c in img.getcolors(1 << 20)}
        assert (0x2F, 0x55, 0x97) in colours and (0, 0, 0) in colours
    # the caption follows the picture
    caption = body.index(">图1 本年收入结构<")
    assert body.rfind("<w:drawing>", 0, caption) > 0
    # the same picture on every run
    again = write_docx(doc, tmp_path / "b.docx").path
    with zipfile.ZipFile(again) as z:
        assert [z.read(n) for n in media] == pictures


def test_pdf_has_the_chart_as_text(charted, tmp_path):
    from generator.render.pdf import PdfRenderer

    doc, _ = charted
    path = tmp_path / "a.pdf"
    PdfRenderer().write(doc, path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"基本支出\s+571\.15万元\s+17\.31%", text)
    assert re.search(r"项目支出\s+2,729\.00万元\s+82\.69%", text)
    assert re.search(r"财政拨款收入\s+3,300\.15万元\s+100\.00%", text)
    assert "图1 本年收入结构" in text and "本年支出结构" in text


def test_unknown_chart_names_the_template_line(tmp_path):
    tpl = _templates(tmp_path, income="@chart xyz")
    with pytest.raises(RenderError) as err:
        build_document(load_sample(SAMPLE), templates_dir=tpl)
    message = str(err.value)
    lines = (tpl / INCOME).read_text(encoding="utf-8").splitlines()
    number = lines.index("@chart xyz") + 1
    assert f"{tpl / INCOME} 第 {number} 行“@chart xyz”" in message
    assert "没有这种图表：“xyz”" in message and "income（收入结构）" in message


def test_unknown_chart_on_the_command_line_is_a_chinese_failure(tmp_path):
    tpl = _templates(tmp_path, expense="@chart")
    src = write_json(tmp_path / "unit.json", load_sample(SAMPLE))
    result = invoke(src, "-o", tmp_path / "out", "--templates", tpl, "--format", "docx")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "没有这种图表：（未写图表名称）" in result.output + (result.stderr or "")
    assert not list((tmp_path / "out").glob("*.docx"))


def test_zero_unit_gets_no_chart_and_no_division_by_zero(tmp_path):
    d = make_disclosure()
    scale_amounts(d, Decimal(0))
    charts = build_charts(derive(d))
    assert charts == {"income": None, "expense": None}
    doc = build_document(d, templates_dir=_templates(tmp_path))
    assert not [b for b in doc.blocks if isinstance(b, Chart)]
    assert "本年收入0.00万元" in doc.plain_text()


def test_part_of_zero_is_left_out_and_a_negative_part_means_no_chart():
    d = load_sample(SAMPLE)
    chart = build_charts(derive(d))["income"]
    assert chart is not None and [b.label for b in chart.bars] == ["财政拨款收入"]  # 0.00 sources left out
    negative = make_disclosure()
    negative.t01.other_income = Decimal("-1.00")
    assert build_charts(derive(negative))["income"] is None


def test_packaged_templates_draw_no_chart():
    narrative = list(PACKAGE_TEMPLATES.glob("formats/*/narrative/*.j2"))
    assert NARRATIVE_DIR / INCOME in narrative
    for path in narrative:
        source = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)  # not comments
        lines = [line.strip() for line in source.splitlines()]
        assert not [line for line in lines if line.startswith("@chart")], path.name
    for sample in sample_paths():
        assert not [b for b in build_document(load_sample(sample)).blocks if isinstance(b, Chart)]


def test_chart_page_has_no_serious_accessibility_violation(charted, tmp_path):
    from browser import AXE, chromium_page, require_browser

    require_browser()
    doc, _ = charted
    path = tmp_path / "chart.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with chromium_page(390, 844) as (page, requests):
        page.goto(path.as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        # the hidden table takes no room; the chart fits a phone's width
        hidden = page.evaluate("document.querySelector('.visually-hidden').getBoundingClientRect().width")
        widths = page.evaluate("[...document.querySelectorAll('.chart-svg')].map(s => s.getBoundingClientRect().width)")
        page_width = page.evaluate("document.documentElement.scrollWidth")
    bad = [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert hidden <= 1
    assert widths and all(0 < w <= 390 for w in widths)
    assert page_width <= 390
    assert requests == [path.as_uri()]


def _struct_elements(node, out: list) -> list:
    """Every structure element under ``node`` of a tagged PDF (pypdf objects)."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for k in node:
            _struct_elements(k, out)
    elif hasattr(node, "get") and "/S" in node:
        out.append(node)
        if "/K" in node:
            _struct_elements(node["/K"], out)
    elif hasattr(node, "get") and "/K" in node:
        _struct_elements(node["/K"], out)
    return out


def test_tagged_pdf_gives_the_chart_its_figures_as_alternative_text(charted, tmp_path):
    from pypdf import PdfReader

    from generator.render.pdf import PdfFormatRenderer
    from generator.render.registry import RenderSettings

    doc, _ = charted
    path = tmp_path / "ua.pdf"
    PdfFormatRenderer(RenderSettings(pdf_variant="pdf/ua-1")).write(doc, path)
    root = PdfReader(str(path)).trailer["/Root"]
    elements = _struct_elements(root["/StructTreeRoot"], [])
    figures = [e for e in elements if e["/S"] == "/Figure"]
    summaries = [c.summary for c in doc.blocks if isinstance(c, Chart)]
    assert [str(f.get("/Alt")) for f in figures] == summaries
    assert any(e["/S"] == "/Caption" for e in elements)
    # the tables' label cells are header cells in the tagged PDF too
    head_cells = sum(len(row) for t in doc.tables() for row in t.header)
    label_cells = sum(1 for t in doc.tables() for row in t.body for c in row if c.scope)
    assert label_cells > 50
    # (a header repeated on a table's next page is tagged again: at least, not exactly)
    assert len([e for e in elements if e["/S"] == "/TH"]) >= head_cells + label_cells
