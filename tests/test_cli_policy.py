"""The command line speaks Chinese, and every unit's failure is reported the same way in every mode."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from faults import FAULTY, install_raising_check, remove_raising_check

from generator import batch
from generator.pipeline import Status
from generator.synthetic import synthetic_disclosure
from tests.clirun import invoke, write_json


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_json(tmp_path / "good.json", synthetic_disclosure(1, rows=6, projects=1))


# ---------------------------------------------------------------------------- help and usage errors


def test_help_is_chinese_from_usage_line_to_examples():
    result = invoke("--help")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("用法：juesuan-gen [选项] [工作簿或文件夹]...")
    for english in ("Usage", "Options", "Show this message", "<list", "PATH", "TEXT", "INTEGER", "[default"):
        assert english not in text, english
    assert "-h, --help" in text and "显示此帮助并退出" in text
    assert "-o, --output 文件夹" in text and "-j, --jobs 数目" in text
    examples = text[text.index("示例"):]
    steps = [line.strip() for line in examples.splitlines() if line.strip().startswith("juesuan-gen")]
    assert steps[:3] == [
        "juesuan-gen --template 我单位2024年决算.xlsx",
        "juesuan-gen --check 我单位2024年决算.xlsx",
        "juesuan-gen 我单位2024年决算.xlsx",
    ]
    assert invoke("-h").stdout == text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chek", "x.xlsx"], "错误：没有这个选项：--chek，您是否要用 --check？"),
        (["--jobs", "abc", "x.xlsx"], "错误：选项 --jobs 的值不对：应为不小于 1 的整数，实为“abc”"),
        (["--jobs", "0", "x.xlsx"], "应为不小于 1 的整数"),
        (["x.xlsx", "-o"], "错误：选项 -o 后面应写一个值（文件夹）"),
        (["--check=yes", "x.xlsx"], "错误：选项 --check 后面不带值"),
        (["--json", "x.xlsx"], "错误：选项 --json 只能与 --check 同用"),
        (["--from", "d.json", "x.xlsx"], "错误：选项 --from 只能与 --template 同用"),
        (["--check", "--template", "t.xlsx"], "不能同时使用"),
        (["--check", "--force", "x.xlsx"], "错误：选项 --force 只用于生成文件、--consolidate，不能与 --check 同用"),
        (["--dump-json", "--json", "x.xlsx"], "选项 --json 只用于--check，不能与 --dump-json 同用"),
        (["--template", "t.xlsx", "x.xlsx"], "不需要给出工作簿"),
        ([], "请给出工作簿、JSON 文件或文件夹"),
        (["--format", "odt", "x.xlsx"], "--format：不支持的输出格式：“odt”"),
        (["--reason-threshold", "abc", "x.xlsx"], "--reason-threshold 应为金额"),
    ],
)
def test_usage_errors_are_chinese_on_stderr_with_exit_2(tmp_path: Path, args, message):
    os.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("用法：juesuan-gen")
    assert message in result.stderr
    assert "Error" not in result.stderr and "Usage" not in result.stderr
    assert not (tmp_path / "t.xlsx").exists()  # --check --template writes nothing


def test_output_naming_an_existing_file_is_refused(tmp_path: Path, good: Path):
    existing = tmp_path / "已有文件.txt"
    existing.write_text("用户的文件", encoding="utf-8")
    result = invoke(good, "-o", existing)
    assert result.exit_code == 2
    assert "是一个已有的文件，不是文件夹" in result.stderr
    assert "FileExistsError" not in result.output
    assert existing.read_text(encoding="utf-8") == "用户的文件"


def test_results_and_failures_go_to_their_streams(tmp_path: Path, good: Path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 broken zip")
    result = invoke(good, junk, "-o", tmp_path / "out", "--format", "docx", "--jobs", "1")
    assert result.exit_code == 2
    assert "✓" in result.stdout and "✗" not in result.stdout
    assert "✗" in result.stderr and "junk.xlsx" in result.stderr and Status.UNREADABLE in result.stderr


def test_skipped_files_of_a_folder_are_listed_with_the_reason(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_json(folder / "u.json", synthetic_disclosure(3, rows=5))
    (folder / "旧版.et").write_bytes(b"et")
    (folder / "去年公开.docx").write_bytes(b"docx")
    (folder / "去年公开.pdf").write_bytes(b"%PDF")
    (folder / "~$u.xlsx").write_bytes(b"lock")
    os.mkfifo(folder / "管道.xlsx")
    result = invoke("--check", folder)
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "跳过" in err
    assert "旧版.et：WPS 表格格式（.et）不能直接读取：请在 WPS 中另存为 .xlsx" in err
    assert "去年公开.docx：Word 文档" in err and "去年公开.pdf：PDF 文件" in err
    assert "~$u.xlsx：Excel/WPS 打开工作簿时留下的临时锁定文件" in err
    assert "管道.xlsx：不是普通文件" in err


def test_a_fifo_named_xlsx_is_refused_at_once(tmp_path: Path):
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    # With nobody writing to it, opening it would block forever: a finished run is the proof.
    result = invoke("--check", fifo)
    assert result.exit_code == 2
    assert "不是普通文件（命名管道、设备等）" in result.stderr
    result = invoke(fifo, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "不是普通文件" in result.stderr


# ---------------------------------------------------------------------------- one error policy


def _folder_with_a_faulty_unit(folder: Path) -> None:
    folder.mkdir()
    for i in range(3):
        write_json(folder / f"u{i}.json", synthetic_disclosure(60 + i, rows=5))
    faulty = synthetic_disclosure(64, rows=5)
    faulty.unit.name = f"{FAULTY}甲"
    write_json(folder / "u3.json", faulty)


@pytest.fixture
def raising_check(monkeypatch):
    install_raising_check()
    monkeypatch.setenv(batch.WORKER_HOOK_ENV, "faults:install_raising_check")
    yield
    remove_raising_check()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_inside_a_check_fails_only_its_unit_in_every_mode(tmp_path: Path, raising_check, jobs):
    from openpyxl import load_workbook

    folder = tmp_path / "in"
    _folder_with_a_faulty_unit(folder)
    out = tmp_path / "out"
    result = invoke(folder, "-o", out, "--format", "docx", "--jobs", jobs)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "KeyError('no such row')" not in result.output
    assert len(list(out.glob("*.docx"))) == 3  # the good units completed
    line = next(x for x in result.stderr.splitlines() if "u3.json" in x)
    assert f"{FAULTY}甲" in line
    assert f"故障单位甲（u3.json）：{Status.INTERNAL_ERROR}（KeyError）" in line
    assert "维护人员" in line and "--debug" in line
    rows = list(load_workbook(out / "汇总.xlsx").active.iter_rows(values_only=True))
    status = {r[0]: r[3] for r in rows[1:] if r[0] and r[0].endswith(".json")}
    assert status == {
        "u0.json": status["u0.json"], "u1.json": status["u1.json"], "u2.json": status["u2.json"],
        "u3.json": Status.INTERNAL_ERROR,
    }
    assert all(status[f"u{i}.json"] in (Status.OK, Status.WARNINGS) for i in range(3))


def test_the_same_statuses_with_one_or_two_jobs(tmp_path: Path, raising_check):
    from generator.pipeline import BuildOptions

    folder = tmp_path / "in"
    _folder_with_a_faulty_unit(folder)
    files = sorted(folder.glob("*.json"))
    seen = []
    for jobs in (1, 2):
        results = batch.run_batch(files, BuildOptions(out_dir=tmp_path / f"out{jobs}", formats=("docx",)), jobs=jobs)
        seen.append([(r.source.name, r.status, r.message) for r in results])
    assert seen[0] == seen[1]
    assert seen[0][3][1] == Status.INTERNAL_ERROR


def test_debug_shows_the_traceback(tmp_path: Path, raising_check):
    folder = tmp_path / "in"
    _folder_with_a_faulty_unit(folder)
    result = invoke(folder / "u3.json", "-o", tmp_path / "out", "--format", "docx", "--debug")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "KeyError" in result.stderr
    checked = invoke("--check", folder / "u3.json")
    assert checked.exit_code == 1 and "程序内部错误（KeyError）" in checked.stderr
    assert "Traceback" not in checked.output


def test_docx_written_pdf_failed_says_what_and_why(tmp_path: Path, good: Path, monkeypatch):
    from generator.render import pdf

    def full_disk(self, document, target, layout=None):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(pdf.PdfRenderer, "write", full_disk)
    result = invoke(good, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 1
    assert "有错误，已强制生成" not in result.output
    assert Status.RENDER_FAILED in result.stderr
    assert "磁盘已满" in result.stderr and "Errno" not in result.output
    assert ".docx" in result.stderr  # what was written
    assert list((tmp_path / "out").glob("*.docx")) and not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder_is_a_chinese_message(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        write_json(folder / f"u{i}.json", synthetic_disclosure(70 + i, rows=5))
    out = tmp_path / "只读"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = invoke(folder, "-o", out, "--format", "docx", "--jobs", "1")
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "PermissionError" not in result.output
    assert f"没有写入文件夹 {out} 的权限" in result.stderr
    assert "未能写出汇总表" in result.stderr


def test_no_permission_to_write_is_a_chinese_message_also_for_root(tmp_path: Path, monkeypatch):
    """The same as above where the folder's mode cannot stop the user (root): the operating
    system's refusal is simulated at the one place every output is created."""
    import tempfile

    from generator import atomic

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        write_json(folder / f"u{i}.json", synthetic_disclosure(70 + i, rows=5))
    out = tmp_path / "只读"
    real_mkstemp = tempfile.mkstemp

    def refused(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == out:
            raise PermissionError(13, "Permission denied", str(Path(dir) / "x.tmp"))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refused)
    result = invoke(folder, "-o", out, "--format", "docx", "--jobs", "1")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "PermissionError" not in result.output
    assert f"没有写入文件夹 {out} 的权限" in result.stderr
    assert "未能写出汇总表" in result.stderr
