"""The HTML page in a real browser: accessibility (axe-core), no request, reflow, same text.

Runs Debian's Chromium headless through Playwright (see tests/browser.py)."""

from __future__ import annotations

import functools

import pytest
from browser import AXE, chromium_page, require_browser
from render_fixtures import _workdir, docx_items, full_document, rendered_full, squash

from generator.render.html import render_html


@functools.lru_cache(maxsize=1)
def _page_file():
    path = _workdir() / "full.html"
    path.write_text(render_html(full_document()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser_report():
    """Everything the tests need from one browser session (Chromium starts once)."""
    require_browser()
    path = _page_file()
    with chromium_page(390, 844) as (page, requests):
        page.goto(path.as_uri())
        page.add_script_tag(path=str(AXE))
        axe = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']})"
        )
        report = {
            "violations": axe["violations"],
            "requests": list(requests),
            "text": page.evaluate("document.querySelector('main').innerText"),
            "page_width": page.evaluate("document.documentElement.scrollWidth"),
            "wide_tables": page.evaluate(
                "[...document.querySelectorAll('.scroll')].filter(s => s.scrollWidth > s.clientWidth).length"
            ),
            "regions": page.evaluate("document.querySelectorAll('.scroll').length"),
            "focusable_regions": page.evaluate(
                "[...document.querySelectorAll('.scroll')].every(s => (s.focus(), document.activeElement === s))"
            ),
        }
    return report


def test_no_serious_accessibility_violation(browser_report):
    bad = [
        (v["id"], v["impact"], v["help"], [n["html"][:120] for n in v["nodes"][:3]])
        for v in browser_report["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_browser_requests_only_the_page(browser_report):
    assert browser_report["requests"] == [_page_file().as_uri()]


def test_phone_width_reflows_and_tables_scroll_in_their_region(browser_report):
    assert browser_report["page_width"] <= 390  # the page itself never scrolls sideways
    assert browser_report["wide_tables"] >= 1  # the wide tables scroll inside their region
    assert browser_report["focusable_regions"]


def test_visible_text_equals_docx_text(browser_report):
    docx_path, _ = rendered_full()
    assert squash(browser_report["text"]) == "".join(docx_items(docx_path))
