#!/usr/bin/env python3
"""Screenshots of a generated HTML document at phone size (390×844), for the README.

Usage:
    scripts/html_phone_images.py HTML OUTDIR [--table 公开02表]

Writes ``OUTDIR/html-phone.png`` (the top of the page: title and 目录) and
``OUTDIR/html-phone-table.png`` (the page scrolled to the table whose code is ``--table``).
Uses Debian's headless Chromium through Playwright, as the browser tests do (no browser
download).  Exit status: 0 on success, 2 for a usage error, 1 when Chromium is missing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTH, HEIGHT = 390, 844


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("html", type=Path)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--table", default="公开02表", help="the table shown in html-phone-table.png")
    args = ap.parse_args(argv)
    if not args.html.is_file():
        print(f"没有这个文件：{args.html}", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).is_file():
        print("没有找到 Chromium（scripts/setup.sh 安装 chromium 软件包）", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.outdir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
        page.goto(args.html.resolve().as_uri())
        page.wait_for_load_state("load")
        top = args.outdir / "html-phone.png"
        page.screenshot(path=str(top))
        region = page.locator(f'.scroll[aria-label^="{args.table} "]').first
        if region.count() == 0:
            print(f"网页中没有 {args.table}", file=sys.stderr)
            return 2
        # the table's heading (its caption) at the top of the screen
        region.evaluate("el => { el.scrollIntoView({block: 'start'}); }")
        page.evaluate("window.scrollBy(0, -8)")
        table = args.outdir / "html-phone-table.png"
        page.screenshot(path=str(table))
        browser.close()
    print(top)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
