"""Label cells of the body are header cells: ``<th scope="row">`` (科目名称, 合计, the 自评表's
labels) or ``<th scope="col">`` (the 自评表's column labels), on a sample's real tables, and the
page stays free of serious accessibility violations in headless Chromium (axe-core)."""

from __future__ import annotations

import re

import pytest
from browser import AXE, chromium_page, require_browser
from conftest import load_sample, sample_paths

from generator.render.html import render_html
from generator.report import build_document

SAMPLE = next(p for p in sample_paths() if p.stem == "乌鲁木齐市政务服务中心")


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_html(build_document(load_sample(SAMPLE)))


def _cells(html: str, section_id: str) -> list[tuple[str, str, str]]:
    """(tag, attributes, text) of every body cell of the table in section ``section_id``."""
    block = re.search(rf'<section[^>]* id="{section_id}">(.*?)</section>', html, re.S)
    assert block, section_id
    body = re.search(r"<tbody>(.*?)</tbody>", block.group(1), re.S).group(1)
    return [
        (tag, attrs, re.sub(r"<[^>]+>", "", text))
        for tag, attrs, text in re.findall(r"<(th|td)([^>]*)>(.*?)</\1>", body, re.S)
    ]


def _scope(cells, text: str) -> tuple[str, str]:
    found = [(tag, re.search(r'scope="(\w+)"', attrs)) for tag, attrs, t in cells if t == text]
    assert found, text
    tag, m = found[0]
    return tag, m.group(1) if m else ""


def test_self_assessment_labels_are_header_cells(page_html):
    cells = _cells(page_html, "perf1")
    for label in ("项目名称", "主管部门", "实施单位", "年度总体目标", "总分"):
        assert _scope(cells, label) == ("th", "row"), label
    assert any(t.startswith("项目资金") and tag == "th" and 'scope="row"' in a for tag, a, t in cells)
    for label in ("年度资金总额", "其中：当年财政拨款", "其他资金"):
        assert _scope(cells, label) == ("th", "row"), label
    for label in ("年初预算数", "全年预算数", "全年执行数", "一级指标", "二级指标", "三级指标", "偏差原因分析及改进措施"):
        assert _scope(cells, label) == ("th", "col"), label
    assert _scope(cells, "预期目标") == ("th", "colgroup")
    # the filled-in values stay data cells
    values = [(tag, t) for tag, _, t in cells if re.fullmatch(r"[\d,]+\.\d\d", t)]
    assert values and all(tag == "td" for tag, _ in values)


def test_public_table_rows_are_named_by_their_label(page_html):
    cells = _cells(page_html, "t05")
    assert _scope(cells, "合计") == ("th", "row")
    names = [(tag, a) for tag, a, t in cells if t == "一般公共服务支出"]
    assert names and names[0] == ("th", ' scope="row"')
    codes = [tag for tag, _, t in cells if re.fullmatch(r"\d{3,7}", t)]
    assert codes and set(codes) == {"td"}  # the code is data; the name heads the row
    t01 = _cells(page_html, "t01")
    assert _scope(t01, "一、一般公共预算财政拨款收入") == ("th", "row")
    assert all(tag == "td" for tag, _, t in t01 if not t)  # a blank label is no header


def test_body_header_cells_look_like_body_cells(page_html):
    assert re.search(r"tbody th \{[^}]*font-weight: normal", page_html)


def test_sample_page_has_no_serious_accessibility_violation(page_html, tmp_path):
    require_browser()
    path = tmp_path / "sample.html"
    path.write_text(page_html, encoding="utf-8")
    with chromium_page(1280, 900) as (page, _):
        page.goto(path.as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
