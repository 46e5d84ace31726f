"""A character no installed font can draw is a 警告 of ``--check``, naming the field and cell,
before any rendering is tried (rule ``text.glyphs``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import load_sample, sample_paths

from generator import fonts
from generator.checks import run_checks
from generator.cli import app
from generator.errors import Severity
from generator.glyphchecks import text_fields
from generator.inputs import load_input
from generator.workbook import write_template

pytestmark = pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig not installed")

PRIVATE = "\ue815"  # a GBK private-use 造字: no font has it
UNASSIGNED = "\u0378"
PHAGS_PA = "\ua840"  # no installed font has 八思巴字


def _hostile():
    d = load_sample(sample_paths()[0])
    d.unit.functions[0] += f"造字{PRIVATE}"
    d.comparisons.total.reason = f"原因{PHAGS_PA}"
    d.performance.projects[0].indicators[0].deviation = f"偏差{UNASSIGNED}"
    # drawn by no glyph of its own, or drawn by an installed font: not reported
    d.unit.departments = [*d.unit.departments, "办公室\u200b葛\U000e0100\ufe0f\u3000"]
    return d


def _glyph_findings(findings):
    return [f for f in findings if f.rule == "text.glyphs"]


def test_the_samples_have_no_undrawable_character():
    for sample in sample_paths():
        assert not _glyph_findings(run_checks(load_sample(sample)))


def test_each_field_with_an_undrawable_character_is_named():
    found = _glyph_findings(run_checks(_hostile()))
    assert [f.severity for f in found] == [Severity.WARNING] * 3
    by_char = {
        ch: next(f for f in found if f"U+{ord(ch):04X}" in f.message) for ch in (PRIVATE, PHAGS_PA, UNASSIGNED)
    }
    assert "主要职能" in by_char[PRIVATE].message and by_char[PRIVATE].cells == ("unit.functions[0]",)
    assert "与上年相比变动主要原因" in by_char[PHAGS_PA].message
    assert by_char[PHAGS_PA].cells == ("comparisons.total.reason",)
    assert "偏差原因分析及改进措施" in by_char[UNASSIGNED].message
    assert by_char[UNASSIGNED].cells == ("performance.projects[0].indicators[0].deviation",)
    assert not any("内设科室" in f.message for f in found)  # joiners, selectors, spaces


def test_check_names_the_workbook_cell(tmp_path: Path):
    workbook = tmp_path / "u.xlsx"
    write_template(workbook, _hostile())
    result = CliRunner().invoke(app, ["--check", "--json", str(workbook)], catch_exceptions=False)
    (unit,) = json.loads(result.stdout)
    found = [f for f in unit["findings"] if f["rule"] == "text.glyphs"]
    assert len(found) == 3 and all(f["severity"] == "警告" for f in found)
    functions = next(f for f in found if "主要职能" in f["message"])
    assert functions["cells"] and functions["cells"][0].startswith("单位信息!")
    assert "U+E815" in functions["message"] and "--font-dir" in functions["message"]
    # the cell named holds the character
    from openpyxl import load_workbook

    sheet, cell = functions["cells"][0].split("!")
    assert PRIVATE in str(load_workbook(workbook)[sheet][cell].value)
    # the same from the workbook read back (load_input) as in the command line
    assert _glyph_findings(load_input(workbook).findings) == []  # reading is not checking


def test_coverage_comes_from_fontconfig_once():
    fonts.clear_caches()
    assert fonts.undrawable("中文abc，。") == []
    assert fonts.undrawable(f"a{PRIVATE}{PRIVATE}b") == [PRIVATE]
    assert fonts.installed_coverage.cache_info().misses == 1


def test_text_fields_walks_every_text_value():
    d = _hostile()
    fields = {path: (label, text) for path, label, text in text_fields(d)}
    assert fields[("unit", "name")][1] == d.unit.name
    label, text = fields[("performance", "projects", 0, "indicators", 0, "deviation")]
    assert text.endswith(UNASSIGNED) and label.endswith("偏差原因分析及改进措施")
    assert ("unit", "kind") not in fields  # an enumeration is not free text
