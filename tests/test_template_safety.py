"""--template never overwrites a user's file without being asked, and the workbook opens on
填表说明, a numbered order of work."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.clirun import invoke

ROOT = Path(__file__).resolve().parent.parent


def test_template_refuses_an_existing_file_and_leaves_it_byte_identical(tmp_path: Path):
    filled = tmp_path / "我单位2024年决算.xlsx"
    source = ROOT / "samples" / "data" / "乌鲁木齐市政务服务中心.json"
    assert invoke("--template", filled, "--from", source).exit_code == 0
    before = filled.read_bytes()
    mtime = filled.stat().st_mtime_ns
    for args in (("--template", filled), ("--template", filled, "--from", source),
                 ("--template", filled, "--previous", source)):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert "已存在" in result.output and "--overwrite" in result.output
        assert filled.read_bytes() == before and filled.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == [filled.name]  # no stray temporary file


def test_overwrite_replaces_the_file_when_asked(tmp_path: Path):
    target = tmp_path / "空白.xlsx"
    target.write_bytes(b"old")
    result = invoke("--template", target, "--overwrite")
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:2] == b"PK"


def test_workbook_opens_on_a_numbered_order_of_work(tmp_path: Path):
    target = tmp_path / "空白.xlsx"
    assert invoke("--template", target).exit_code == 0
    wb = openpyxl.load_workbook(target)
    assert wb.active.title == "填表说明"
    texts = [str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value]
    steps = [t for t in texts if t[:1].isdigit() and "\u3000" in t]
    assert [s.split("\u3000")[1] for s in steps] == ["取得", "粘贴九张公开表", "填写对比与原因", "检查", "生成"]
    assert [s.split("\u3000")[0] for s in steps] == ["1", "2", "3", "4", "5"]
    for sheet in ("单位信息", "对比与原因", "三公明细", "采购与资产", "绩效"):
        assert sheet in texts, sheet  # what each sheet is for


def test_readme_uses_different_names_for_blank_and_filled_workbooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps = readme[readme.index("## 使用步骤") : readme.index("其他用法")]
    blank_line = next(line for line in steps.splitlines() if "--template" in line and "--previous" not in line)
    blank_name = blank_line.split("--template")[1].split()[0]
    later = [line for line in steps.splitlines() if "--check" in line or ("juesuan-gen" in line and "--template" not in line)]
    assert later and all(blank_name not in line for line in later)


def test_makefile_regenerates_samples_with_overwrite():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if "--template" in x and "samples/" in x)
    assert "--overwrite" in line
