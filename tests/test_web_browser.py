"""The web pages in a real browser: Debian's Chromium, headless, driven by Playwright.

A clerk signs in, uploads a sample, sees the 900.52 政府采购 warning with its cells, generates,
previews and downloads the PDF; the bureau uploads three workbooks (one corrupt), watches the
progress and downloads the .zip with 汇总.xlsx.  The server runs as ``juesuan-gen serve`` in a
subprocess on 127.0.0.1 and a free port.

With ``JUESUAN_SCREENSHOTS=DIR`` the test saves the clerk's and the bureau's pages there (the
README's pictures).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright.sync_api")

from tests.browser import launched_chromium, log_in, require_chromium  # noqa: E402
from tests.web_support import (  # noqa: E402
    PASSWORD,
    SAMPLE_12345,
    SAMPLE_CENTRE,
    UNIT_12345,
    UNIT_CENTRE,
    serve_cli,
    serving,
)

SAMPLE_SH = SAMPLE_12345.parent / "上海市普陀区财政局.xlsx"
UNIT_SH = "上海市普陀区财政局"
SHOTS = os.environ.get("JUESUAN_SCREENSHOTS")
SLOW = 300_000  # ms: generation on a busy machine


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("serve")
    serve_cli(data, "--add-account", "clerk", "--unit", UNIT_12345, "--password", PASSWORD)
    serve_cli(data, "--add-account", "bureau", "--admin", "--password", PASSWORD)
    serve_cli(data, "--add-account", "clerk-sh", "--unit", UNIT_SH, "--password", PASSWORD)
    with serving(data, "--workers", "2") as base:
        yield base, data


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as b:
        yield b


def _sign_in(browser, base: str, name: str):
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, name)
    return context, page


def test_clerk_uploads_sees_the_warning_generates_previews_and_downloads_the_pdf(server, browser, tmp_path):
    base, _ = server
    context, page = _sign_in(browser, base, "clerk")
    assert page.url.endswith("/clerk")
    assert UNIT_12345 in page.inner_text("h1")
    page.set_input_files("#clerk-file", str(SAMPLE_12345))
    page.wait_for_url("**/submissions/*", timeout=60_000)
    row = page.locator(".findings.warn tr", has_text="900.52")
    assert row.count() == 1
    text = row.inner_text()
    assert "政府采购" in text and "采购与资产" in text and "B4" in text
    assert page.locator(".findings.error").count() == 0
    report = page.locator("a", has_text="检查报告")  # the workbook with every finding marked
    assert report.count() == 1 and "/files/report" in report.get_attribute("href")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "web-findings.png"), full_page=True)

    # the 公开格式: the workbook's own by default, any shipped format to choose
    assert page.locator("#style option").first.inner_text() == "按工作簿所选（乌鲁木齐）"
    page.select_option("#style", "乌鲁木齐")
    page.click("#generate")
    page.wait_for_selector("#downloads a[data-kind=pdf]", timeout=SLOW)
    assert "已生成" in page.inner_text("#status-badge")
    frame_src = page.get_attribute("#preview", "src")
    assert frame_src and "/preview" in frame_src
    preview = page.request.get(base + frame_src)
    kind = preview.headers["content-type"].split(";")[0]
    assert preview.status == 200 and kind in ("text/html", "application/pdf")
    if kind == "text/html":  # the HTML rendering shown in the page
        frame = page.frame_locator("#preview")
        assert f"{UNIT_12345}2024年单位决算公开说明" in frame.locator("body").inner_text(timeout=60_000)
    with page.expect_download() as info:
        page.click("#downloads a[data-kind=pdf]")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == ".pdf" and target.read_bytes().startswith(b"%PDF")
    assert UNIT_12345 in target.name
    if SHOTS:
        page.goto(f"{base}/clerk")
        page.screenshot(path=str(Path(SHOTS) / "web-clerk.png"), full_page=True)
    context.close()


def test_bureau_uploads_three_workbooks_watches_progress_and_downloads_the_zip(server, browser, tmp_path):
    base, _ = server
    corrupt = tmp_path / "损坏的单位.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    context, page = _sign_in(browser, base, "bureau")
    assert page.url.endswith("/bureau")
    page.set_input_files("#batch-files", [str(SAMPLE_12345), str(SAMPLE_CENTRE), str(corrupt)])
    page.wait_for_selector("#batch-progress:not([hidden])", timeout=60_000)
    seen = set()
    deadline = time.monotonic() + SLOW / 1000
    while time.monotonic() < deadline:
        text = page.inner_text("#batch-progress .progress-text")
        seen.add(text)
        if "全部完成" in text:
            break
        page.wait_for_timeout(300)
    assert "全部完成" in text, text
    assert "已完成 3 / 3：生成 2 个，未生成 1 个" in text
    rows = page.locator("#batch-progress tbody tr")
    assert rows.count() == 3
    bad = page.locator("#batch-progress tbody tr", has_text="损坏的单位.xlsx").inner_text()
    assert "无法读取" in bad
    # the unit list of the workbooks' year
    if page.locator("#batch-year").count():
        page.click("#batch-year")
        page.wait_for_load_state()
    units = page.inner_text("#units")
    assert UNIT_CENTRE in units and "已生成" in units
    with page.expect_download() as info:
        page.click("#download-all")
    target = tmp_path / "all.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        summary = zf.read("汇总.xlsx")
    assert any(n.startswith(UNIT_CENTRE) and n.endswith(".pdf") for n in names)
    assert any(n.startswith(UNIT_12345) and n.endswith(".docx") for n in names)
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(summary)).active.values)
    assert {r[1] for r in rows[1:-1]} >= {UNIT_12345, UNIT_CENTRE}
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "web-bureau.png"), full_page=True)
    context.close()


def test_bureau_generates_the_department_workbook_of_a_year(server, browser, tmp_path):
    """From the units' current versions; a unit without a submission is listed with the reason;
    the downloaded workbook reads back with the units' sums."""
    from decimal import Decimal

    import httpx

    from generator.inputs import load_input
    from generator.model import DocumentKind

    base, data = server
    token = serve_cli(data, "--add-account", "bureau-dept", "--admin")
    serve_cli(data, "--add-account", "clerk-silent", "--unit", "乌鲁木齐市未提交单位")
    for sample in (SAMPLE_12345, SAMPLE_CENTRE):  # current versions of both units, checked clean
        r = httpx.post(f"{base}/api/submissions", files={"file": (sample.name, sample.read_bytes())},
                       data={"generate": "false"}, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        assert r.status_code == 202 and r.json()["status"] == "checked", r.text
    context, page = _sign_in(browser, base, "bureau")
    page.goto(f"{base}/bureau?year=2024")
    page.click("#department-link")
    page.wait_for_selector("#department-form")
    assert page.input_value("#department-form input[name=name]") == "乌鲁木齐市数字化发展局"
    left = page.inner_text("#left-out")
    assert "乌鲁木齐市未提交单位" in left and "未提交 2024 年度的工作簿" in left
    page.fill("#department-form input[name=name]", "乌鲁木齐市数字化发展局")
    page.click("#department-form button.primary")
    page.wait_for_selector("#department-result", timeout=SLOW)
    result = page.inner_text("#department-result")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "web-department.png"), full_page=True)
    assert UNIT_12345 in result and UNIT_CENTRE in result and "未提交 2024 年度的工作簿" in result
    with page.expect_download() as info:
        page.click("#department-download")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == "乌鲁木齐市数字化发展局2024年度部门决算工作簿（汇总）.xlsx"
    dept = load_input(target).disclosure
    units = [load_input(p).disclosure for p in (SAMPLE_12345, SAMPLE_CENTRE)]
    assert dept.unit.document is DocumentKind.DEPARTMENT
    assert {m.name for m in dept.unit.members} == {UNIT_12345, UNIT_CENTRE}
    for figure in (lambda d: d.t01.income_total, lambda d: d.t01.expense_grand_total,
                   lambda d: d.t05.totals.total, lambda d: d.t06.public_total, lambda d: d.t09.actual.total):
        assert figure(dept) == sum((figure(u) for u in units), Decimal(0))
    context.close()


def test_after_a_format_whose_checks_fail_the_clerk_generates_in_the_workbooks_own(server, browser):
    """The 上海 sample in the 乌鲁木齐 format fails its checks; the same upload is then generated in
    its own format from the same page, without uploading again.  (Last: the bureau's pages and
    their pictures above show the 乌鲁木齐 units only.)"""
    base, _ = server
    context, page = _sign_in(browser, base, "clerk-sh")
    page.set_input_files("#clerk-file", str(SAMPLE_SH))
    page.wait_for_url("**/submissions/*", timeout=60_000)
    assert page.locator("#style option").first.inner_text() == "按工作簿所选（上海）"
    page.select_option("#style", "乌鲁木齐")
    page.click("#generate")
    page.locator("#status-badge", has_text="生成失败").wait_for(timeout=SLOW)
    said = page.inner_text("#generate-status")
    assert "按公开格式“乌鲁木齐”检查有" in said and "不必重新上传" in said
    assert page.is_enabled("#generate") and page.locator("#downloads a").count() == 0
    page.reload()  # the page as it is served now: still offers the generation, not “重新上传”
    assert "有错误，不能生成" not in page.inner_text("#generate-box")
    assert "按公开格式“乌鲁木齐”检查有" in page.inner_text("#sub-message")
    page.select_option("#style", "")
    page.click("#generate")
    page.wait_for_selector("#downloads a[data-kind=pdf]", timeout=SLOW)
    assert "已生成" in page.inner_text("#status-badge")
    frame = page.frame_locator("#preview")
    assert f"{UNIT_SH}2024年度部门决算" in frame.locator("body").inner_text(timeout=60_000)
    context.close()
