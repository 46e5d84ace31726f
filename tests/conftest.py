"""Shared pytest options and fixtures.

``pytest --update-golden`` rewrites the golden snapshots under ``tests/golden/`` from the
current output instead of comparing with them (review the diff, then commit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO / "samples" / "data"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
SHARED_DIR = REPO.parent / "shared"

# Sample file stem → the reference disclosure it reproduces (in ../shared/reference/).
SAMPLE_REFERENCES = {
    "乌鲁木齐市政务服务中心": "000_231f36b53a508436.txt",
    "乌鲁木齐市12345政务服务热线中心": "001_16ebc67f39443ec3.txt",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.txt from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with ``--update-golden``."""
    return bool(request.config.getoption("--update-golden"))


def sample_paths(all_formats: bool = False) -> list[Path]:
    """The sample disclosures (JSON) present in the checkout, sorted by name: those in the default
    format (乌鲁木齐), whose wording, table shells and reference texts the general tests know; with
    ``all_formats`` the samples of every format (the 上海 ones are tested in tests/test_shanghai.py)."""
    import json

    from generator.formats import DEFAULT_STYLE

    paths = sorted(SAMPLES_DIR.glob("*.json")) if SAMPLES_DIR.is_dir() else []
    if all_formats:
        return paths

    def style(path: Path) -> str:
        try:
            return str(json.loads(path.read_text(encoding="utf-8"))["unit"].get("style") or DEFAULT_STYLE)
        except (OSError, ValueError, KeyError, TypeError):
            return DEFAULT_STYLE  # an unreadable sample fails in the tests that read it
    return [p for p in paths if style(p) == DEFAULT_STYLE]


def load_sample(path: Path):
    from generator.model import Disclosure

    return Disclosure.model_validate_json(path.read_text(encoding="utf-8"))


def document_text(doc) -> str:
    """The whole text of a Document: its title line, then ``Document.plain_text()``."""
    return doc.title + "\n" + doc.plain_text()


@pytest.fixture(scope="module")
def unit():
    """The rich test unit (test_workbook_support.rich_unit), made once per module."""
    from test_workbook_support import rich_unit

    return rich_unit()


@pytest.fixture(scope="module")
def filled(tmp_path_factory, unit) -> Path:
    """The standard workbook filled with ``unit``."""
    from generator.workbook import write_template

    path = tmp_path_factory.mktemp("filled") / "unit.xlsx"
    write_template(path, unit)
    return path


@pytest.fixture(autouse=True)
def xlsx_readers_agree():
    """Every .xlsx a test reads in this process is read by openpyxl and by the fast reader
    (:mod:`generator.workbook.fastxlsx`); the test fails when they differ in any value, type,
    merged range or formula cell, or when the fast reader reads a workbook openpyxl refuses.
    (A patch of its own, not the test's ``monkeypatch``: undoing it does not change the order
    in which the test's own fixtures are torn down.)"""
    from xlsx_readers import compare_readers

    with pytest.MonkeyPatch.context() as patch:
        found = compare_readers(patch)
        yield found
    assert not found, "the two .xlsx readers disagree:\n" + "\n".join(found)
