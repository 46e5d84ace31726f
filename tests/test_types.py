"""The package type-checks: mypy (with the pydantic plugin, configured in pyproject.toml) over
generator/ is part of the test command, so a type error fails ``make test`` like any test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_type_errors_in_the_package():
    api = pytest.importorskip("mypy.api", reason="mypy is in the dev extras: pip install -e '.[dev]'")
    stdout, stderr, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(ROOT / ".mypy_cache"), str(ROOT / "generator")]
    )
    assert status == 0, f"mypy:\n{stdout}{stderr}"
