"""The three severities end to end: 错误 blocks, 警告 is listed (and blocks with --strict),
提示 (rounding tails) is summed up in one line unless --verbose; --check --json keeps all."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from generator.checks import run_checks
from generator.errors import Severity
from generator.inputs import dump_json, load_input
from generator.synthetic import synthetic_disclosure
from tests.clirun import invoke

ROOT = Path(__file__).resolve().parent.parent
HOTLINE = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
CENTRE = ROOT / "samples" / "乌鲁木齐市政务服务中心.xlsx"


def test_rounding_tails_of_the_samples_are_notes_and_the_procurement_slip_stays_a_warning():
    """The “Why” case: on the shipped samples 10 of the 11 warnings were 0.01 tails that buried
    the one real inconsistency (政府采购 900.52).  Now the tails are 提示, the slip a 警告."""
    loaded = load_input(HOTLINE)
    findings = run_checks(loaded.disclosure, loaded.sources)
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    notes = [f for f in findings if f.severity is Severity.NOTE]
    assert [f.rule for f in warnings] == ["procurement.total"]
    assert "900.52" in warnings[0].message and "相差 0.40 万元" in warnings[0].message
    assert len(notes) == 9
    assert all(f.difference == Decimal("0.01") and f.unit == "万元" for f in notes)
    assert not [f for f in findings if f.severity is Severity.ERROR]
    centre = load_input(CENTRE)
    assert {f.severity for f in run_checks(centre.disclosure, centre.sources)} == {Severity.NOTE}


def test_check_prints_the_notes_as_one_summary_line():
    result = invoke("--check", HOTLINE)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "900.52" in text  # the 警告, listed
    assert "另有 9 处合计与分项之和相差不超过 0.01 万元（四舍五入），加 --verbose 查看" in text
    assert "在四舍五入允许误差" not in text  # no tail listed one by one
    assert "错误 0 条，警告 1 条，提示 9 条" in text


def test_check_verbose_lists_every_note():
    result = invoke("--check", "--verbose", HOTLINE)
    assert result.exit_code == 0
    text = result.output
    assert "另有" not in text
    assert text.count("提示") >= 9
    assert "公开05表合计行的基本支出应等于各类级科目之和" in text


def test_check_strict_fails_on_a_warning_but_not_on_notes():
    result = invoke("--check", "--strict", HOTLINE)
    assert result.exit_code == 1
    assert "未通过检查" in result.output and "--strict" in result.output
    centre = invoke("--check", "--strict", CENTRE)  # only rounding tails: passes
    assert centre.exit_code == 0, centre.output


def test_check_json_keeps_every_finding_with_its_severity():
    result = invoke("--check", "--json", HOTLINE)
    assert result.exit_code == 0
    (unit,) = json.loads(result.stdout)
    severities = [f["severity"] for f in unit["findings"]]
    assert set(severities) <= {"错误", "警告", "提示"}
    assert severities.count("提示") == 9 and severities.count("警告") == 1
    assert (unit["errors"], unit["warnings"], unit["notes"]) == (0, 1, 9)
    tails = [f for f in unit["findings"] if f["severity"] == "提示"]
    assert all(f["difference"] == "0.01" and f["unit"] == "万元" for f in tails)
    strict = json.loads(invoke("--check", "--json", "--strict", HOTLINE).stdout)
    assert strict[0]["status"] == "未通过检查"


@pytest.fixture
def slipped(tmp_path: Path) -> Path:
    """A balanced unit whose 政府采购 total is 0.40 off its parts: one 警告, nothing else."""
    d = synthetic_disclosure(3, rows=5, projects=0)
    d.procurement.total += Decimal("0.40")
    d.procurement.sme = Decimal(0)
    d.procurement.small_micro = Decimal(0)
    found = [(f.severity, f.rule) for f in run_checks(d) if f.rule != "year.unknown_code"]  # invented 科目: 提示
    assert found == [(Severity.WARNING, "procurement.total")]
    path = tmp_path / "unit.json"
    path.write_text(dump_json(d), encoding="utf-8")
    return path


def test_generation_goes_on_with_a_warning_and_refuses_it_with_strict(tmp_path: Path, slipped: Path):
    out = tmp_path / "out"
    result = invoke(slipped, "-o", out, "--format", "docx")
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.docx"))) == 1
    strict_out = tmp_path / "strict"
    result = invoke(slipped, "-o", strict_out, "--format", "docx", "--strict")
    assert result.exit_code == 1
    assert "警告" in result.output and "未生成文件" in result.output
    assert not strict_out.exists() or not list(strict_out.iterdir())
    forced = tmp_path / "forced"  # --force overrides the refusal, as for 错误
    result = invoke(slipped, "-o", forced, "--format", "docx", "--strict", "--force")
    assert result.exit_code == 1  # written, but the check did not pass (as when forcing past 错误)
    assert "有警告（--strict），已强制生成" in result.output
    assert len(list(forced.glob("*.docx"))) == 1


def test_generation_prints_the_notes_as_one_line_unless_verbose(tmp_path: Path):
    source = ROOT / "samples" / "data" / "乌鲁木齐市政务服务中心.json"
    result = invoke(source, "-o", tmp_path / "a", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert "另有 11 处合计与分项之和相差不超过 0.01 万元（四舍五入），加 --verbose 查看" in result.output
    verbose = invoke(source, "-o", tmp_path / "b", "--format", "docx", "--verbose")
    assert "另有" not in verbose.output
    assert verbose.output.count("提示") >= 11
