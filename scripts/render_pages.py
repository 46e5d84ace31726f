#!/usr/bin/env python3
"""Render chosen pages of a PDF to PNG images with pdftoppm (poppler-utils), to look at them.

Usage:
    scripts/render_pages.py PDF PAGES OUTDIR [--dpi 60]

PAGES is a list such as ``1,3-5,last`` or ``all``; pages past the end are skipped.  Each page
becomes ``OUTDIR/<pdf stem>-p<N>.png``; the paths written are printed, one per line.
Exit status: 0 on success, 2 for a usage error, 1 when pdftoppm is missing or fails.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path


def page_count(pdf: Path) -> int:
    """Number of pages, from pdfinfo (poppler-utils)."""
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    if not m:
        raise ValueError(f"pdfinfo did not report a page count for {pdf}")
    return int(m.group(1))


def parse_pages(spec: str, total: int) -> list[int]:
    """``"1,3-5,last"`` → ``[1, 3, 4, 5, total]`` (1-based, sorted, within 1…total)."""
    pages: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        if part == "all":
            pages.update(range(1, total + 1))
            continue
        part = part.replace("last", str(total))
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise ValueError(f"bad page list item: {part!r}")
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if lo < 1 or hi < lo:
            raise ValueError(f"bad page range: {part!r}")
        pages.update(range(lo, hi + 1))
    return sorted(p for p in pages if p <= total)


def render(pdf: Path, pages: list[int], outdir: Path, dpi: int = 60) -> list[Path]:
    """Render ``pages`` of ``pdf`` to PNG files in ``outdir``; returns their paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for n in pages:
        stem = outdir / f"{pdf.stem}-p{n}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(n),
                "-l",
                str(n),
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
            capture_output=True,
        )
        written.append(stem.with_suffix(".png"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render chosen PDF pages to PNG (pdftoppm).")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("pages", help="e.g. 1,3-5,last or all")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args(argv)
    for tool in ("pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            print(f"未找到 {tool}：请安装 poppler-utils", file=sys.stderr)
            return 1
    if not args.pdf.is_file():
        print(f"文件不存在：{args.pdf}", file=sys.stderr)
        return 2
    try:
        pages = parse_pages(args.pages, page_count(args.pdf))
    except ValueError as exc:
        print(f"页码写法有误：{exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        print(f"无法读取 PDF：{exc.stderr.strip() if exc.stderr else exc}", file=sys.stderr)
        return 1
    try:
        for path in render(args.pdf, pages, args.outdir, args.dpi):
            print(path)
    except subprocess.CalledProcessError as exc:
        err = exc.stderr.decode(errors="replace").strip() if exc.stderr else str(exc)
        print(f"pdftoppm 失败：{err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
