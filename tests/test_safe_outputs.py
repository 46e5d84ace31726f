"""Safe outputs: user text is never a formula, names fit the file system, runs keep to their own
temporary files, duplicates are flagged and counted once, 汇总.xlsx explains and prints itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from xlsxcheck import formulas_in

from generator import atomic
from generator.inputs import load_input
from generator.pipeline import NAME_BYTES, output_stem
from generator.synthetic import synthetic_disclosure
from generator.written import RECORDS
from generator.xlsxsafe import CELL_LIMIT, Formula, put
from tests.clirun import invoke, write_json

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/x","点此查看")',
    "+1+cmd|' /C notepad'!A0",
    "-2+3",
    "@SUM(1,1)",
]


# ---------------------------------------------------------------------------- text, never a formula


@pytest.mark.parametrize("text", [*HOSTILE, "\t=1+1", "＝1+1"])
def test_put_stores_text_that_looks_like_a_formula_as_text(tmp_path: Path, text: str):
    wb = Workbook()
    cell = wb.active["A1"]
    put(cell, text)
    put(wb.active["A2"], Formula("=1+1"))
    path = tmp_path / "x.xlsx"
    wb.save(path)
    assert formulas_in(path) == ["<f>1+1</f>"]  # only the program's own formula
    back = load_workbook(path).active
    assert back["A1"].value == text and back["A1"].data_type == "s"
    assert back["A1"].quotePrefix  # Excel keeps it text when the cell is edited


def test_put_never_fails_on_text_a_workbook_cannot_hold(tmp_path: Path):
    wb = Workbook()
    put(wb.active["A1"], "单位\x01名称\x1f")
    put(wb.active["A2"], "长" * (CELL_LIMIT + 10))
    path = tmp_path / "x.xlsx"
    wb.save(path)
    back = load_workbook(path).active
    assert back["A1"].value == "单位\ufffd名称\ufffd"
    assert len(back["A2"].value) == CELL_LIMIT and back["A2"].value.endswith("（以下已截断）")


def test_formula_looking_unit_and_file_names_stay_text_in_the_summary(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, name in enumerate(HOSTILE):
        d = synthetic_disclosure(80 + i, rows=5)
        d.unit.name = name
        write_json(folder / (f"=1+{i}.json" if i % 2 else f"@x{i}.json"), d)
    out = tmp_path / "out"
    result = invoke(folder, "-o", out, "--format", "docx", "--jobs", "1")
    assert result.exit_code == 0, result.output
    summary = out / "汇总.xlsx"
    assert formulas_in(summary) == []
    ws = load_workbook(summary)["汇总"]
    rows = list(ws.iter_rows(min_row=2, max_row=len(HOSTILE) + 1))
    assert sorted(r[1].value for r in rows) == sorted(HOSTILE)
    assert all(c.data_type == "s" for r in rows for c in (r[0], r[1], r[7]))
    assert sorted(r[0].value for r in rows) == sorted(p.name for p in folder.iterdir())


def test_formula_looking_text_stays_text_in_the_standard_workbook(tmp_path: Path):
    d = synthetic_disclosure(90, rows=5)
    d.unit.name = HOSTILE[0]
    d.unit.functions = [HOSTILE[1], *d.unit.functions[1:]]
    source = write_json(tmp_path / "data.json", d)
    book = tmp_path / "filled.xlsx"
    result = invoke("--template", book, "--from", source)
    assert result.exit_code == 0, result.output
    for formula in formulas_in(book):  # the workbook's own formulas (单位： line) only
        assert "cmd" not in formula and "HYPERLINK" not in formula
    back = load_input(book).disclosure
    assert back.unit.name == HOSTILE[0] and back.unit.functions[0] == HOSTILE[1]


# ---------------------------------------------------------------------------- names fit


@pytest.mark.parametrize("length", [70, 100])
def test_long_unit_names_are_written_with_a_shortened_name(tmp_path: Path, length: int):
    folder = tmp_path / "in"
    folder.mkdir()
    d = synthetic_disclosure(100 + length, rows=5)
    d.unit.name = ("乌鲁木齐市某某区某某街道办事处某某社区卫生服务中心" * 8)[:length]
    write_json(folder / "a.json", d)
    write_json(folder / "b.json", d)  # a second workbook of the unit: the name gets （2）
    out = tmp_path / "out"
    assert invoke("--check", folder / "a.json").exit_code == 0
    result = invoke(folder, "-o", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.name not in ("汇总.xlsx", RECORDS))
    assert len(names) == 4  # DOCX and PDF of both workbooks
    assert all(len(n.encode()) <= NAME_BYTES for n in names)
    stem = output_stem(d.unit.name, d.unit.year)
    assert stem.endswith("2024年度单位决算公开")
    assert names == sorted([f"{stem}.docx", f"{stem}.pdf", f"{stem}（2）.docx", f"{stem}（2）.pdf"])
    shortened = len(f"{d.unit.name}2024年度单位决算公开".encode()) > len(stem.encode())
    assert ("已截短为" in result.output) == shortened
    if length == 100:
        assert shortened and "…2024年度单位决算公开" in stem


def test_a_draft_of_a_very_long_name_fits_too(tmp_path: Path):
    d = synthetic_disclosure(120, rows=5)
    d.unit.name = "某" * 100  # the longest name the model accepts
    d.t01.income_total += 5  # an error: --force makes a draft, whose name gets （草稿）
    source = write_json(tmp_path / "a.json", d)
    out = tmp_path / "out"
    result = invoke(source, "-o", out, "--format", "docx", "--force")
    assert result.exit_code == 1
    (written,) = out.glob("*.docx")
    assert written.name.endswith("（草稿）.docx") and len(written.name.encode()) <= NAME_BYTES


# ---------------------------------------------------------------------------- temporary files of a run


def test_temporary_files_carry_the_run_id(tmp_path: Path):
    seen = []
    with atomic.atomic_target(tmp_path / ("长" * 83 + ".docx")) as tmp:  # 254 bytes
        seen.append(tmp.name)
        tmp.write_bytes(b"x")
    assert seen[0].startswith(f".juesuan-{atomic.run_id()}-") and seen[0].endswith(".docx.tmp")
    assert len(seen[0].encode()) < 100  # never longer than the file system allows


def test_a_run_leaves_other_runs_temporary_files_alone_and_removes_only_old_ones(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_json(folder / "u.json", synthetic_disclosure(130, rows=5))
    out = tmp_path / "out"
    out.mkdir()
    running = out / ".juesuan-20261129120000-4242-abcdef-x1y2z3.docx.tmp"  # another run, writing now
    running.write_bytes(b"half written")
    stale = out / ".juesuan-20261101120000-4141-fedcba-q1w2e3.pdf.tmp"  # left by a run killed long ago
    stale.write_bytes(b"left over")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    assert invoke(folder, "-o", out, "--format", "docx").exit_code == 0
    assert running.read_bytes() == b"half written"
    assert not stale.exists()


def test_two_concurrent_runs_into_one_folder_both_complete(tmp_path: Path):
    out = tmp_path / "out"
    procs = []
    for k in range(2):
        folder = tmp_path / f"in{k}"
        folder.mkdir()
        for i in range(3):
            write_json(folder / f"u{i}.json", synthetic_disclosure(140 + 10 * k + i, rows=5))
        env = {key: v for key, v in os.environ.items() if key != atomic.RUN_ID_ENV}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "generator", str(folder), "-o", str(out), "--format", "docx", "--jobs", "1"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ))
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    assert len(list(out.glob("*.docx"))) == 6
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------- duplicates, the summary sheet


def test_duplicate_units_are_flagged_and_counted_once(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    same = synthetic_disclosure(150, rows=5)
    other = synthetic_disclosure(151, rows=5)
    for name in ("a.json", "b.json", "c.json"):
        write_json(folder / name, same)
    write_json(folder / "d.json", other)
    out = tmp_path / "out"
    result = invoke(folder, "-o", out, "--format", "docx", "--jobs", "2")
    assert result.exit_code == 0, result.output
    stem = output_stem(same.unit.name, same.unit.year)
    assert {p.name for p in out.glob(f"{stem}*.docx")} == {f"{stem}.docx", f"{stem}（2）.docx", f"{stem}（3）.docx"}
    flagged = [line for line in result.stdout.splitlines() if "重复" in line and "a.json 是同一单位" in line]
    assert len(flagged) == 2  # b.json and c.json
    ws = load_workbook(out / "汇总.xlsx")["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    counted = header.index("计入合计")
    assert [r[counted] for r in body] == ["是", "否（重复）", "否（重复）", "是"]
    assert "与 a.json 是同一单位同一年度的工作簿" in body[1][header.index("主要问题")]
    income = header.index("收入总计（万元）")
    assert total[1] == "2 个单位"
    assert total[income] == pytest.approx(float(same.t01.income_grand_total + other.t01.income_grand_total))
    assert "另有 2 个重复的工作簿未计入合计" in total[header.index("主要问题")]


def test_the_summary_explains_itself_and_prints_on_a4_landscape(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_json(folder / "u.json", synthetic_disclosure(160, rows=5))
    broken = synthetic_disclosure(161, rows=5)
    broken.t03.totals.total += 1
    write_json(folder / "v.json", broken)
    out = tmp_path / "out"
    invoke(folder, "-o", out, "--format", "docx")
    book = load_workbook(out / "汇总.xlsx")
    ws = book["汇总"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("见下" in t for t in texts)
    problems = next(r for r in ws.iter_rows(values_only=True) if r[0] == "v.json")[6]
    assert problems.startswith("检查发现") and "错误：" in problems  # the reasons themselves
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1"
    explained = {r[0] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert {"状态", "主要问题", "计入合计"} <= explained


def test_every_format_fits_the_room_kept_for_its_decoration():
    from generator.pipeline import FORMAT_ROOM
    from generator.render.registry import format_names, get_format

    for name in format_names():
        fmt = get_format(name)
        assert len(f"{fmt.name_suffix}{fmt.suffix}".encode()) <= FORMAT_ROOM, name
