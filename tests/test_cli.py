"""The command line end to end: template, check, dump-json, generation, batches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import batch
from generator.atomic import atomic_target, remove_stale_temporaries
from generator.inputs import dump_json, load_input
from generator.model import UnitKind
from generator.pipeline import Status, output_stem, safe_stem
from generator.synthetic import synthetic_disclosure
from generator.written import RECORDS
from tests.clirun import invoke, write_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_json(tmp_path / "good.json", synthetic_disclosure(1, rows=6, projects=1))


# ---------------------------------------------------------------------------- template, dump, check


def test_blank_template_and_filled_template_round_trip(tmp_path: Path):
    blank = tmp_path / "blank.xlsx"
    assert invoke("--template", blank).exit_code == 0
    assert blank.stat().st_size > 10_000
    source = SAMPLES / "data" / "乌鲁木齐市政务服务中心.json"
    filled = tmp_path / "filled.xlsx"
    result = invoke("--template", filled, "--from", source)
    assert result.exit_code == 0, result.output
    dumped = invoke("--dump-json", filled)
    assert dumped.exit_code == 0
    assert json.loads(dumped.stdout) == json.loads(dump_json(load_input(source).disclosure))


def test_template_needs_xlsx_suffix(tmp_path: Path):
    result = invoke("--template", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert "应以 .xlsx 结尾" in result.output


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_check_samples_passes_without_errors(sample: Path):
    result = invoke("--check", sample)
    assert result.exit_code == 0, result.output
    assert "错误 0 条" in result.output


def test_check_json_reports_the_procurement_slip_of_reference_001():
    result = invoke("--check", "--json", SAMPLES / "乌鲁木齐市12345政务服务热线中心.xlsx")
    assert result.exit_code == 0
    (unit,) = json.loads(result.stdout)
    assert unit["errors"] == 0
    slips = [f for f in unit["findings"] if f["rule"] == "procurement.total"]
    assert len(slips) == 1 and "900.12" in slips[0]["message"]
    assert slips[0]["cells"][0].startswith("采购与资产!")


def test_check_exit_codes(tmp_path: Path, good: Path):
    broken = synthetic_disclosure(2, rows=6)
    broken.t01.income_total += 5
    bad = write_json(tmp_path / "bad.json", broken)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("这不是工作簿", encoding="utf-8")
    assert invoke("--check", good).exit_code == 0
    result = invoke("--check", bad)
    assert result.exit_code == 1
    assert "t01.income_total" in result.output
    result = invoke("--check", junk)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert invoke("--check", good, bad, junk).exit_code == 2


def test_dump_json_of_bad_file_is_a_message_not_a_traceback(tmp_path: Path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 broken zip")
    result = invoke("--dump-json", junk)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "junk.xlsx" in result.output


def test_usage_errors_exit_2(tmp_path: Path):
    assert invoke().exit_code == 2
    assert invoke("--format", "odt", tmp_path).exit_code == 2
    assert invoke("--from", tmp_path / "x.json").exit_code == 2


# ---------------------------------------------------------------------------- generation


def test_generates_docx_and_pdf_named_after_the_unit(tmp_path: Path, good: Path):
    out = tmp_path / "out"
    result = invoke(good, "-o", out)
    assert result.exit_code == 0, result.output
    d = load_input(good).disclosure
    stem = output_stem(d.unit.name, d.unit.year)
    assert stem == f"{d.unit.name}2024年度单位决算公开"
    for suffix in (".docx", ".pdf"):
        path = out / f"{stem}{suffix}"
        assert path.stat().st_size > 5_000
        assert path.stat().st_mode & 0o044, "published files are readable by others, not 0600"
    assert sorted(p.name for p in out.iterdir() if p.name != RECORDS) == [f"{stem}.docx", f"{stem}.pdf"]


def test_errors_refuse_generation_unless_forced(tmp_path: Path):
    broken = synthetic_disclosure(3, rows=6)
    broken.t05.totals.basic += 10
    path = write_json(tmp_path / "bad.json", broken)
    out = tmp_path / "out"
    result = invoke(path, "-o", out, "--format", "docx")
    assert result.exit_code == 1
    assert "--force" in result.output
    assert not out.exists() or not list(out.iterdir())
    result = invoke(path, "-o", out, "--format", "docx", "--force")
    assert result.exit_code == 1  # still reported as failing its checks
    assert len(list(out.glob("*.docx"))) == 1


def test_safe_names_never_leave_the_output_folder(tmp_path: Path):
    assert "/" not in safe_stem("../../etc/passwd") and ".." not in safe_stem("../../etc/passwd")
    assert safe_stem('a<b>c:d"e|f?g*h\\i') == "a_b_c_d_e_f_g_h_i"
    d = synthetic_disclosure(4, rows=5)
    d.unit.name = "../外面/单位:名*称?"
    path = write_json(tmp_path / "evil.json", d)
    out = tmp_path / "out"
    assert invoke(path, "-o", out, "--format", "docx").exit_code == 0
    written = [p for p in tmp_path.rglob("*.docx")]
    assert len(written) == 1 and written[0].parent == out


# ---------------------------------------------------------------------------- batches


def _mixed_folder(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {}
    for i, kind in enumerate(UnitKind):
        files[f"good{i}"] = write_json(folder / f"good{i}.json", synthetic_disclosure(10 + i, rows=5, kind=kind))
    failing = synthetic_disclosure(20, rows=5)
    failing.t03.totals.total += 1
    files["failing"] = write_json(folder / "failing.json", failing)
    corrupt = folder / "corrupt.xlsx"
    corrupt.write_bytes(b"\x00" * 100)
    files["corrupt"] = corrupt
    (folder / "~$good0.xlsx").write_bytes(b"lock")  # Excel lock file: skipped
    (folder / ".hidden.json").write_text("{}", encoding="utf-8")  # hidden: skipped
    (folder / "notes.txt").write_text("不是输入", encoding="utf-8")
    return files


def test_batch_isolates_failures_and_writes_a_summary(tmp_path: Path):
    from openpyxl import load_workbook

    files = _mixed_folder(tmp_path / "in")
    out = tmp_path / "out"
    result = invoke(tmp_path / "in", "-o", out, "--format", "docx", "--jobs", "2")
    assert result.exit_code == 2, result.output  # some unreadable
    assert len(list(out.glob("*.docx"))) == 3  # every good unit came out
    ws = load_workbook(out / "汇总.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("文件", "单位", "年度", "状态")
    by_file = {r[0]: r for r in rows[1:-1]}
    assert set(by_file) == {p.name for p in files.values()}
    assert by_file["corrupt.xlsx"][3] == Status.UNREADABLE
    assert by_file["failing.json"][3] == Status.CHECKS_FAILED and by_file["failing.json"][4] >= 1
    assert by_file["good0.json"][3] in (Status.OK, Status.WARNINGS)
    total = rows[-1]
    assert total[0] == "合计"
    incomes = [r[8] for r in rows[1:-1] if r[8] is not None]
    assert abs(total[8] - sum(incomes)) < 0.005


def test_batch_exit_code_one_when_only_checks_fail(tmp_path: Path):
    files = _mixed_folder(tmp_path / "in")
    files["corrupt"].unlink()
    result = invoke(tmp_path / "in", "-o", tmp_path / "out", "--format", "docx", "--jobs", "1")
    assert result.exit_code == 1


def test_duplicate_units_do_not_overwrite_each_other(tmp_path: Path):
    d = synthetic_disclosure(30, rows=5)
    folder = tmp_path / "in"
    folder.mkdir()
    write_json(folder / "a.json", d)
    write_json(folder / "b.json", d)
    out = tmp_path / "out"
    assert invoke(folder, "-o", out, "--format", "docx", "--jobs", "1").exit_code == 0
    stem = output_stem(d.unit.name, d.unit.year)
    assert sorted(p.name for p in out.glob("*.docx")) == sorted([f"{stem}.docx", f"{stem}（2）.docx"])


def test_skip_existing_resumes(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        write_json(folder / f"u{i}.json", synthetic_disclosure(40 + i, rows=5))
    out = tmp_path / "out"
    assert invoke(folder, "-o", out, "--format", "docx").exit_code == 0
    first = next(iter(sorted(out.glob("*.docx"))))
    first.unlink()
    kept = {p: p.stat().st_mtime_ns for p in out.glob("*.docx")}
    result = invoke(folder, "-o", out, "--format", "docx", "--skip-existing")
    assert result.exit_code == 0
    assert Status.SKIPPED in result.output
    assert first.exists()
    assert all(p.stat().st_mtime_ns == t for p, t in kept.items())


def _crash_on_unit_two(path, stem, options):
    """A worker that dies (as if killed) on one unit: stands in for a renderer crash."""
    if path.name == "u2.json":
        os._exit(9)
    return batch.build_unit(path, options, None, stem=stem)


def test_a_worker_that_dies_fails_only_its_unit(tmp_path: Path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        write_json(folder / f"u{i}.json", synthetic_disclosure(50 + i, rows=5))
    monkeypatch.setattr(batch, "_work", _crash_on_unit_two)
    out = tmp_path / "out"
    from generator.pipeline import BuildOptions

    results = batch.run_batch(sorted(folder.glob("*.json")), BuildOptions(out_dir=out, formats=("docx",)), jobs=2)
    status = {r.source.name: r.status for r in results}
    assert status["u2.json"] == Status.RENDER_FAILED
    assert all(status[f"u{i}.json"] in (Status.OK, Status.WARNINGS) for i in (0, 1, 3))
    assert len(list(out.glob("*.docx"))) == 3


def test_killed_writer_leaves_no_file_under_the_final_name(tmp_path: Path):
    target = tmp_path / "单位2024年度单位决算公开.pdf"
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from generator.atomic import atomic_target\n"
        f"with atomic_target(Path({str(target)!r})) as tmp:\n"
        "    tmp.write_bytes(b'%PDF-1.7 half written')\n"
        "    os._exit(9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
    assert proc.returncode == 9
    assert not target.exists()
    leftovers = [p for p in tmp_path.iterdir()]
    assert leftovers and all(p.name.startswith(".") for p in leftovers)
    assert remove_stale_temporaries(tmp_path) == 0  # recent: another run may still be writing it
    for p in leftovers:
        os.utime(p, (p.stat().st_atime - 2 * 86400, p.stat().st_mtime - 2 * 86400))
    assert remove_stale_temporaries(tmp_path) == len(leftovers)
    assert not list(tmp_path.iterdir())


def test_atomic_target_removes_the_temporary_on_error(tmp_path: Path):
    target = tmp_path / "x.docx"
    with pytest.raises(RuntimeError), atomic_target(target) as tmp:
        tmp.write_bytes(b"partial")
        raise RuntimeError("boom")
    assert not list(tmp_path.iterdir())


def test_a_font_problem_is_said_before_any_rendering(tmp_path: Path, good: Path):
    out = tmp_path / "out"
    result = invoke(good, "-o", out, "--font-dir", tmp_path / "没有这个目录")
    assert result.exit_code == 1
    assert "字体目录不存在" in result.output
    assert not out.exists()
    # DOCX alone needs no font on this machine
    assert invoke(good, "-o", out, "--format", "docx", "--font-dir", tmp_path / "没有这个目录").exit_code == 0


def test_check_names_the_cell_a_clerk_broke_in_the_workbook(tmp_path: Path):
    """A broken cell of the real sample workbook is named in the finding (sheet and address)."""
    from openpyxl import load_workbook

    source = SAMPLES / "乌鲁木齐市政务服务中心.xlsx"
    wb = load_workbook(source)
    ws = wb["公开05表"]
    target = None
    for row in ws.iter_rows():
        if row[0].value == "合计" and isinstance(row[2].value, int | float):
            target = row[3]  # the 基本支出 of the 合计 row
            break
    assert target is not None and target.value is not None
    target.value = float(target.value) + 10
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    result = invoke("--check", "--json", broken)
    assert result.exit_code == 1
    (unit,) = json.loads(result.stdout)
    errors = [f for f in unit["findings"] if f["severity"] == "错误"]
    assert errors and any(f"公开05表!{target.coordinate}" in f["cells"] for f in errors), errors
