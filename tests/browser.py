"""Headless Chromium (Debian's package) driven by Playwright, and axe-core from npm.

Neither is downloaded by the tests: Chromium is the system's ``/usr/bin/chromium`` and
axe-core is installed by scripts/setup.sh into ``tests/a11y/node_modules`` from the npm
registry (``tests/a11y/package.json``).  Playwright's own browser download is never used.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_browser() -> None:
    """Skip with the reason when the set-up has not installed the browser tools."""
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium not installed (scripts/setup.sh installs it)")
    if not AXE.is_file():
        pytest.skip("axe-core not installed (scripts/setup.sh runs npm in tests/a11y)")
    pytest.importorskip("playwright.sync_api")


def require_chromium() -> None:
    """Skip without Chromium; on CI its absence is a failure (the set-up must have installed it)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (scripts/setup.sh installs the chromium package)")
        pytest.skip("Chromium is not installed (scripts/setup.sh installs the chromium package)")


def log_in(page, base: str, name: str, password: str | None = None) -> None:
    """Sign ``page`` in as ``name`` through the server's login form (the test password unless given)."""
    from tests.web_support import PASSWORD

    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()


@contextlib.contextmanager
def launched_chromium():
    """Headless Chromium launched once, for tests that open their own contexts and pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=[*CHROMIUM_ARGS, "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page(width: int = 390, height: int = 844):
    """A page of headless Chromium in a fresh profile; yields (page, requested URLs)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="juesuan-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
            bypass_csp=True,  # lets the test inject axe-core into a page that forbids scripts
        )
        try:
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            yield page, requests
        finally:
            context.close()
