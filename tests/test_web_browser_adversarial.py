"""The web pages attacked and misused in a real browser (Debian's Chromium, headless, Playwright).

A unit name with ``<script>``, quotes and Jinja syntax is shown as text on every page and runs
nothing; a clerk who picks a file over the limit, or whose connection breaks, reads what happened
in Chinese; every page fits a 1366×768 screen and a phone's width without sideways scrolling of
the page (a wide table scrolls inside its card); an error page keeps the signed-in navigation.
The server runs as ``juesuan-gen serve`` on 127.0.0.1 with a 1 MB upload limit.

With ``JUESUAN_SCREENSHOTS=DIR`` every page is saved there at both widths.
"""

from __future__ import annotations

import json
import os
import time
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
    serve_cli,
    serving,
)

SHOTS = os.environ.get("JUESUAN_SCREENSHOTS")
DATA_12345 = SAMPLE_12345.parent / "data" / f"{UNIT_12345}.json"
EVIL_UNIT = '"><script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}\'单位'
SLOW = 300_000  # ms: generation on a busy machine


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The server with a clerk of unit 12345 (a generated version and one with 错误, uploaded as
    JSON) and the administrator, who uploaded a unit with a hostile name."""
    import httpx

    require_chromium()
    data = tmp_path_factory.mktemp("serve-adversarial")
    clerk = serve_cli(data, "--add-account", "clerk", "--unit", UNIT_12345, "--password", PASSWORD)
    admin = serve_cli(data, "--add-account", "bureau", "--admin", "--password", PASSWORD)
    with serving(data, "--max-upload-mb", "1") as base:
        def send(token: str, name: str, content: bytes, generate: bool) -> int:
            r = httpx.post(f"{base}/api/submissions", files={"file": (name, content)},
                           data={"generate": str(generate).lower()},
                           headers={"Authorization": f"Bearer {token}"}, timeout=120)
            assert r.status_code == 202, r.text
            return r.json()["id"]

        generated = send(clerk, SAMPLE_12345.name, SAMPLE_12345.read_bytes(), True)
        broken = json.loads(DATA_12345.read_text(encoding="utf-8"))
        broken["t01"]["income_grand_total"] = "1.00"
        with_errors = send(clerk, "有错误的版本.json", json.dumps(broken, ensure_ascii=False).encode(), False)
        evil = json.loads(DATA_12345.read_text(encoding="utf-8"))
        evil["unit"]["name"] = EVIL_UNIT
        hostile = send(admin, "单位.json", json.dumps(evil, ensure_ascii=False).encode(), False)
        send(admin, SAMPLE_CENTRE.name, SAMPLE_CENTRE.read_bytes(), False)
        deadline = time.monotonic() + SLOW / 1000
        while time.monotonic() < deadline:
            got = httpx.get(f"{base}/api/submissions/{generated}", headers={"Authorization": f"Bearer {clerk}"}).json()
            if got["status"] not in ("queued", "running"):
                break
            time.sleep(0.5)
        assert got["status"] == "generated", got
        yield base, {"generated": generated, "errors": with_errors, "hostile": hostile}


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as b:
        yield b


def _signed_in(browser, base: str, name: str, width: int = 1366, height: int = 768):
    # bypass_csp: lets a test inject axe-core into pages whose policy forbids other scripts
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, base, name)
    return context, page, dialogs


def test_a_hostile_unit_name_is_text_on_every_page_and_runs_nothing(site, browser):
    base, ids = site
    context, page, dialogs = _signed_in(browser, base, "bureau")
    for url in ("/bureau?year=2024", f"/submissions/{ids['hostile']}", "/bureau/audit",
                "/bureau/department?year=2024"):
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("script:not([src])").count() == 0, url
        assert page.locator("img[src=x]").count() == 0, url
    page.goto(f"{base}/submissions/{ids['hostile']}")
    assert EVIL_UNIT in page.inner_text("h1")  # shown exactly as typed, {{ 7*7 }} included
    page.goto(f"{base}/bureau?year=2024")
    page.wait_for_timeout(300)
    assert EVIL_UNIT in page.inner_text("#units")
    assert dialogs == []
    context.close()


def test_a_file_over_the_limit_is_refused_in_the_browser_in_chinese(site, browser, tmp_path):
    base, _ = site
    big = tmp_path / "很大的工作簿.xlsx"
    big.write_bytes(b"PK\x03\x04" + os.urandom(1024 * 1024 + 100))
    empty = tmp_path / "空的.xlsx"
    empty.write_bytes(b"")
    context, page, _ = _signed_in(browser, base, "clerk")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.set_input_files("#clerk-file", str(big))
    status = page.locator("#clerk-upload .upload-status")
    assert "“很大的工作簿.xlsx”有 1.0 MB，超过上限 1 MB，未上传" in status.inner_text()
    page.set_input_files("#clerk-file", str(empty))
    assert "“空的.xlsx”是空文件，未上传" in status.inner_text()
    assert sent == []  # nothing went to the server
    context.close()


def test_a_broken_connection_reads_in_chinese(site, browser):
    base, _ = site
    context, page, _ = _signed_in(browser, base, "clerk")
    page.route("**/api/submissions", lambda route: route.abort("connectionreset"))
    page.set_input_files("#clerk-file", str(SAMPLE_12345))
    status = page.locator("#clerk-upload .upload-status")
    page.wait_for_function("document.querySelector('#clerk-upload .upload-status').textContent.includes('未能连接')")
    text = status.inner_text()
    assert "未能连接服务器，操作未完成" in text and "Failed to fetch" not in text
    assert page.url.endswith("/clerk")
    context.close()


def test_a_session_that_ended_meanwhile_tells_the_clerk_to_sign_in_again(site, browser):
    base, _ = site
    context, page, _ = _signed_in(browser, base, "clerk")
    context.clear_cookies()  # e.g. expired, or 退出 on another tab
    page.set_input_files("#clerk-file", str(SAMPLE_12345))
    page.wait_for_function("document.querySelector('#clerk-upload .upload-status').textContent.includes('登录')")
    text = page.inner_text("#clerk-upload .upload-status")
    assert "登录已过期或已退出，操作未完成" in text and "令牌" not in text
    page.reload()
    assert "/login" in page.url and "请先登录" in page.inner_text("main")
    context.close()


def test_an_error_page_keeps_the_signed_in_navigation(site, browser):
    base, _ = site
    context, page, _ = _signed_in(browser, base, "clerk")
    page.goto(f"{base}/submissions/999999")
    assert "没有这份提交，或它不属于本单位" in page.inner_text(".alert.error")
    assert page.locator("nav a", has_text="本单位填报").count() == 1
    page.goto(f"{base}/bureau/audit")
    assert "只有主管部门（管理员）账户可以使用此功能" in page.inner_text(".alert.error")
    assert page.locator("nav a", has_text="本单位填报").count() == 1
    context.close()


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_every_page_fits_the_screen_width_and_has_no_serious_accessibility_violation(site, browser, width, height):
    base, ids = site
    pages = {
        "clerk": ["/clerk", f"/submissions/{ids['generated']}", f"/submissions/{ids['errors']}", "/account",
                  "/submissions/999999"],
        "bureau": ["/bureau?year=2024", "/bureau/accounts", "/bureau/audit", "/bureau/department?year=2024",
                   f"/submissions/{ids['hostile']}", "/clerk?unit=1"],
    }
    from tests.browser import AXE

    if not AXE.is_file():
        pytest.skip("axe-core not installed (scripts/setup.sh runs npm in tests/a11y)")
    wide, bad = [], []
    for user, urls in pages.items():
        context, page, _ = _signed_in(browser, base, user, width, height)
        for url in (["/login?out=1"] if user == "clerk" else []) + urls:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide.append((url, overflow))
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
            bad += [(url, v["id"], v["nodes"][0]["html"][:100]) for v in found if v["impact"] in ("serious", "critical")]
            if SHOTS:
                name = url.strip("/").replace("/", "_").replace("?", "_").replace("=", "_")
                page.screenshot(path=str(Path(SHOTS) / f"web-{width}-{user}-{name}.png"), full_page=True)
        context.close()
    assert wide == [], f"pages wider than {width} px: {wide}"
    assert bad == [], bad
