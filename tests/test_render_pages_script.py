"""Tests for scripts/render_pages.py (PDF pages → PNG with pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from render_fixtures import rendered_full

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "render_pages.py"

sys.path.insert(0, str(SCRIPT.parent))
import render_pages  # noqa: E402 - the script directory is put on the path above


def test_parse_pages():
    assert render_pages.parse_pages("1,3-5,last", 10) == [1, 3, 4, 5, 10]
    assert render_pages.parse_pages("all", 3) == [1, 2, 3]
    assert render_pages.parse_pages("2,9-12", 10) == [2, 9, 10]
    for bad in ("x", "3-1", "0"):
        with pytest.raises(ValueError):
            render_pages.parse_pages(bad, 10)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_renders_chosen_pages(tmp_path):
    _, pdf = rendered_full()
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(pdf), "1,last", str(tmp_path / "png")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    written = [Path(line) for line in proc.stdout.splitlines()]
    assert [p.name for p in written] == ["full-p1.png", f"full-p{render_pages.page_count(pdf)}.png"]
    for p in written:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    first, last = (Image.open(p) for p in written)
    assert first.height > first.width  # the title page is portrait
    assert last.width > last.height  # the last 公开表 is landscape


def test_usage_errors(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "none.pdf"), "1", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (1, 2) and proc.stderr
