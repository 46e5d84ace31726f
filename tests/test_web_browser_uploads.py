"""One upload at a time, in a real browser (Debian's Chromium, headless, Playwright).

While a batch (or a clerk's workbook) uploads, its drop zone and file input are disabled and say
“正在上传……”; files dropped or chosen meanwhile are not sent, with a short message; when the
upload ends, well or not, the zone works again.  A double click on 生成 sends one request.
The uploads are held in the browser (Playwright's routing) for as long as the test looks at the
uploading page, then let through to the server (``juesuan-gen serve`` on 127.0.0.1) or broken.

With ``JUESUAN_SCREENSHOTS=DIR`` the uploading pages are saved there (they are saved to the test's
own folder anyway, and their size checked).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright.sync_api")

from tests.browser import launched_chromium, log_in, require_chromium  # noqa: E402
from tests.web_support import PASSWORD, SAMPLE_12345, UNIT_12345, serve_cli, serving  # noqa: E402

SHOTS = os.environ.get("JUESUAN_SCREENSHOTS")

# drops files made in the page on a drop zone, as a user dragging them from the desktop would;
# several drops in one go arrive within one turn of the page's event loop
DROP = """([selector, batches]) => {
  const zone = document.querySelector(selector);
  for (const names of batches) {
    const dt = new DataTransfer();
    for (const name of names) dt.items.add(new File(["PK\\u0003\\u0004 not a workbook"], name));
    zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: dt, bubbles: true, cancelable: true}));
    zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
  }
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The server with a clerk of unit 12345, whose sample is checked (not generated), and the bureau."""
    import httpx

    require_chromium()
    data = tmp_path_factory.mktemp("serve-uploads")
    clerk = serve_cli(data, "--add-account", "clerk", "--unit", UNIT_12345, "--password", PASSWORD)
    serve_cli(data, "--add-account", "bureau", "--admin", "--password", PASSWORD)
    with serving(data, "--workers", "1") as base:
        r = httpx.post(f"{base}/api/submissions", files={"file": (SAMPLE_12345.name, SAMPLE_12345.read_bytes())},
                       data={"generate": "false"}, headers={"Authorization": f"Bearer {clerk}"}, timeout=120)
        assert r.status_code == 202, r.text
        yield base, r.json()["id"]


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as b:
        yield b


class Held:
    """The page's POSTs to one address, held until the test lets them through (or breaks them)."""

    def __init__(self, page, url: str):
        self.routes: list = []
        self.posts: list[str] = []
        page.on("request", lambda r: self.posts.append(r.url) if r.method == "POST" and r.url.endswith(url) else None)
        page.route(f"**{url}", lambda route: self.routes.append(route) if route.request.method == "POST"
                   else route.continue_())

    def wait(self, page, n: int = 1) -> None:
        for _ in range(200):
            if len(self.routes) >= n:
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"{n} request(s) expected, {len(self.routes)} arrived")


def _signed_in(browser, base: str, name: str):
    # bypass_csp: lets wait_for_function evaluate its expression in pages whose policy forbids eval
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, base, name)
    return context, page


def _state(page, zone: str) -> dict:
    return page.evaluate("""(zone) => {
      const form = document.querySelector(zone), input = form.querySelector("input[type=file]");
      return {busy: form.classList.contains("busy"), ariaBusy: form.getAttribute("aria-busy"),
              disabled: input.disabled, status: form.querySelector(".upload-status").textContent,
              statusClass: form.querySelector(".upload-status").className};
    }""", zone)


def _shot(page, tmp_path: Path, name: str) -> Path:
    target = (Path(SHOTS) if SHOTS else tmp_path) / name
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000  # a real picture of the page, not an empty one
    return target


def _label_opens_no_chooser(page, zone: str) -> bool:
    """Whether clicking the zone's “选择文件” opens no file chooser (the input is disabled)."""
    chosen: list = []

    def seen(chooser) -> None:
        chosen.append(chooser)

    page.on("filechooser", seen)
    page.evaluate("(zone) => document.querySelector(zone + ' label[for]').click()", zone)
    page.wait_for_timeout(300)
    page.remove_listener("filechooser", seen)
    return chosen == []


def test_a_second_batch_during_an_upload_is_not_sent_and_the_zone_works_after(site, browser, tmp_path):
    base, _ = site
    context, page = _signed_in(browser, base, "bureau")
    held = Held(page, "/api/batches")
    # two batches dropped in one go, then a third chosen: one upload
    page.evaluate(DROP, ["#batch-upload", [["甲单位.xlsx", "乙单位.xlsx"], ["丙单位.xlsx"]]])
    held.wait(page)
    state = _state(page, "#batch-upload")
    assert state["busy"] and state["ariaBusy"] == "true" and state["disabled"], state
    assert state["status"].startswith("正在上传 2 个文件……")
    assert "刚放入的文件未上传" in state["status"] and "refused" in state["statusClass"]
    assert page.is_disabled("#batch-files")
    assert _label_opens_no_chooser(page, "#batch-upload")
    page.evaluate(DROP, ["#batch-upload", [["丁单位.xlsx"]]])
    page.wait_for_timeout(300)
    assert len(held.posts) == 1 and len(held.routes) == 1, held.posts
    # the uploading state as the user sees it, the second drop refused
    _shot(page, tmp_path, "web-bureau-uploading.png")
    # the upload goes through: the zone works again, the batch's progress shows
    held.routes[0].continue_()
    page.wait_for_function("!document.querySelector('#batch-upload').classList.contains('busy')")
    state = _state(page, "#batch-upload")
    assert not state["disabled"] and state["ariaBusy"] == "false"
    assert state["status"] == "已收到 2 个工作簿，正在后台检查和生成。"
    page.wait_for_function("document.querySelector('#batch-progress .progress-text').textContent.includes('全部完成')",
                           timeout=120_000)
    assert "已完成 2 / 2" in page.inner_text("#batch-progress .progress-text")
    assert {r.split("\t")[0] for r in page.inner_text("#batch-progress tbody").splitlines()} == {
        "甲单位.xlsx", "乙单位.xlsx"}
    # a next batch is taken: the zone was re-enabled
    page.set_input_files("#batch-files", [{"name": "戊单位.xlsx", "mimeType": "application/octet-stream",
                                           "buffer": b"PK\x03\x04 not a workbook"}])
    held.wait(page, 2)
    assert len(held.posts) == 2
    held.routes[1].continue_()
    page.wait_for_function("document.querySelector('#batch-progress .progress-text').textContent.includes('1 / 1')",
                           timeout=120_000)
    assert page.inner_text("#batch-progress tbody").split("\t")[0] == "戊单位.xlsx"
    context.close()


def test_a_later_batchs_progress_replaces_one_still_running(site, browser):
    """The first batch never finishes (its progress answers are held at 0 done): once a second
    batch is uploaded, the box shows the second's progress only, and the first is no longer asked."""
    base, _ = site
    context, page = _signed_in(browser, base, "bureau")
    running: list[int] = []  # the first batch's id
    asked: list[int] = []

    def progress(route) -> None:
        answer = route.fetch()
        data = answer.json()
        running[:] = running or [data["id"]]
        asked.append(data["id"])
        if data["id"] == running[0]:
            data.update(done=False, finished=0, generated=0, failed=0)
        route.fulfill(response=answer, json=data)

    page.route("**/api/batches/*", progress)
    page.set_input_files("#batch-files", [{"name": "甲单位.xlsx", "mimeType": "application/octet-stream",
                                           "buffer": b"PK\x03\x04 not a workbook"}])
    page.wait_for_function("document.querySelector('#batch-progress .progress-text').textContent.includes('处理中')",
                           timeout=60_000)
    assert not _state(page, "#batch-upload")["disabled"]
    page.set_input_files("#batch-files", [
        {"name": name, "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not a workbook"}
        for name in ("乙单位.xlsx", "丙单位.xlsx")])
    page.wait_for_function("document.querySelector('#batch-progress .progress-text').textContent.includes('全部完成')",
                           timeout=120_000)
    first_asked = asked.count(running[0])
    page.wait_for_timeout(3500)  # the first batch was asked every second while shown
    assert asked.count(running[0]) <= first_asked + 1  # one answer may have been on its way
    assert "已完成 2 / 2" in page.inner_text("#batch-progress .progress-text")
    rows = {r.split("\t")[0] for r in page.inner_text("#batch-progress tbody").splitlines()}
    assert rows == {"乙单位.xlsx", "丙单位.xlsx"}
    context.close()


def test_a_failed_batch_upload_shows_its_error_and_frees_the_zone(site, browser):
    base, _ = site
    context, page = _signed_in(browser, base, "bureau")
    held = Held(page, "/api/batches")
    page.set_input_files("#batch-files", [{"name": "甲单位.xlsx", "mimeType": "application/octet-stream",
                                           "buffer": b"PK\x03\x04 not a workbook"}])
    held.wait(page)
    assert _state(page, "#batch-upload")["disabled"]
    held.routes[0].abort("connectionreset")
    page.wait_for_function("!document.querySelector('#batch-upload').classList.contains('busy')")
    state = _state(page, "#batch-upload")
    assert not state["disabled"] and "未能连接服务器，操作未完成" in state["status"] and "error" in state["statusClass"]
    assert not _label_opens_no_chooser(page, "#batch-upload")  # the picker opens again
    context.close()


def test_the_clerks_upload_is_one_at_a_time_and_free_again_after_an_error(site, browser, tmp_path):
    base, _ = site
    context, page = _signed_in(browser, base, "clerk")
    held = Held(page, "/api/submissions")
    page.evaluate(DROP, ["#clerk-upload", [["第一次.xlsx"], ["第二次.xlsx"]]])
    held.wait(page)
    state = _state(page, "#clerk-upload")
    assert state["busy"] and state["disabled"] and state["status"].startswith("正在上传并检查“第一次.xlsx”……")
    assert "刚放入的文件未上传" in state["status"]
    assert _label_opens_no_chooser(page, "#clerk-upload")
    page.wait_for_timeout(300)
    assert len(held.posts) == 1
    _shot(page, tmp_path, "web-clerk-uploading.png")
    held.routes[0].abort("connectionreset")
    page.wait_for_function("!document.querySelector('#clerk-upload').classList.contains('busy')")
    state = _state(page, "#clerk-upload")
    assert not state["disabled"] and "未能连接服务器" in state["status"]
    # the next upload goes through and opens its findings
    page.set_input_files("#clerk-file", [{"name": "第三次.xlsx", "mimeType": "application/octet-stream",
                                          "buffer": b"PK\x03\x04 not a workbook"}])
    held.wait(page, 2)
    held.routes[1].continue_()
    page.wait_for_url("**/submissions/*", timeout=60_000)
    assert len(held.posts) == 2
    context.close()


def test_a_double_click_on_generate_sends_once(site, browser):
    base, sid = site
    context, page = _signed_in(browser, base, "clerk")
    page.goto(f"{base}/submissions/{sid}")
    page.wait_for_selector("#generate:not([disabled])", timeout=120_000)  # checked, not yet generated
    held = Held(page, f"/api/submissions/{sid}/generate")
    page.dblclick("#generate")
    held.wait(page)
    page.wait_for_timeout(300)
    assert len(held.posts) == 1
    assert page.is_disabled("#generate")
    held.routes[0].abort("connectionreset")  # nothing generated: the machine stays quiet
    page.wait_for_function("!document.querySelector('#generate').disabled")
    assert "未能连接服务器" in page.inner_text("#generate-status")
    context.close()
