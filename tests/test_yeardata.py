"""Every reporting year as data: the shipped year files, --year-data, the fallback 提示, and the
checks against the year's classification data (unknown code 提示, name mismatch 警告)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_disclosure

from generator.checks import run_checks
from generator.errors import JuesuanError, Severity
from generator.inputs import dump_json
from generator.yeardata import YEARS_DIR, available_years, load_year, subject_differences, use_year_dir
from tests.clirun import invoke


@pytest.fixture(autouse=True)
def _builtin_years():
    use_year_dir(None)
    yield
    use_year_dir(None)


def test_shipped_years_2024_to_2026_each_with_its_own_data():
    assert {2024, 2025, 2026} <= set(available_years())
    for year in (2024, 2025, 2026):
        yd = load_year(year)
        assert yd.source_year == year and yd.fallback_note == ""
        assert yd.path.endswith(f"{year}.toml")


def test_year_files_name_a_source_and_say_what_stayed():
    for year in (2025, 2026):
        text = (YEARS_DIR / f"{year}.toml").read_text(encoding="utf-8")
        assert f"based_on = {year - 1}" in text
        assert f"《{year}年政府收支分类科目》" in text  # the source a change must name
        assert "沿用" in text  # no source found for a change: entries stay, and the file says so
    # every change of a year names its source (validated on load)
    for year in (2025, 2026):
        assert all(c.source for c in load_year(year).changes)


def test_full_class_list_and_every_class_has_its_kuan():
    yd = load_year(2024)
    classes = yd.class_names
    assert len(classes) >= 30
    for code in ("201", "205", "208", "209", "210", "212", "213", "221", "224", "227", "229", "230", "233"):
        assert code in classes, code
    for code, _ in yd.function_classes:  # the 类 a unit's tables print
        assert any(k.startswith(code) and len(k) == 5 for k in yd.subjects), f"类 {code} without 款"
    assert yd.subjects["22102"] == "住房改革支出"
    assert yd.subjects["20139"] == "社会工作事务"


def test_year_without_data_falls_back_and_says_which_year():
    latest = max(available_years())
    yd = load_year(latest + 3)
    assert yd.source_year == latest and yd.year == latest + 3
    assert f"{latest + 3} 年度" in yd.fallback_note and f"沿用 {latest} 年度" in yd.fallback_note


def test_fallback_note_in_check_and_in_generation(tmp_path: Path):
    latest = max(available_years())
    d = make_disclosure(**{"unit.year": latest + 1})
    src = tmp_path / "unit.json"
    src.write_text(dump_json(d), encoding="utf-8")
    checked = invoke("--check", src)
    assert checked.exit_code == 0, checked.output
    text = " ".join(checked.output.split())
    assert "提示" in text and f"{latest + 1} 年度没有自己的分类科目数据，沿用 {latest} 年度" in text
    made = invoke(src, "-o", tmp_path / "out", "--format", "docx")
    assert made.exit_code == 0, made.output
    assert f"沿用 {latest} 年度" in made.output and "提示" in made.output


def _write(dir_: Path, name: str, text: str) -> Path:
    dir_.mkdir(parents=True, exist_ok=True)
    p = dir_ / name
    p.write_text(text, encoding="utf-8")
    return p


def test_bureau_year_data_overrides_and_names_its_changes(tmp_path: Path):
    _write(
        tmp_path / "years",
        "2025.toml",
        'year = 2025\nbased_on = 2024\n[[changes]]\ncode = "2010350"\naction = "rename"\n'
        'name = "事业运行（试点）"\nold_name = "事业运行"\nsource = "某省财政厅通知"\n',
    )
    use_year_dir(tmp_path / "years")
    yd = load_year(2025)
    assert yd.subject_name("2010350") == "事业运行（试点）"
    assert yd.path.startswith(str((tmp_path / "years").resolve()))
    lines = subject_differences(load_year(2024), yd)
    assert lines == ["2010350：名称由“事业运行”改为“事业运行（试点）”（依据：某省财政厅通知）"]


@pytest.mark.parametrize(
    "text, key",
    [
        ('year = 2025\nbased_on = 2024\nsubjects = { "20103x" = "错" }\n', "subjects.20103x"),
        ('year = 2025\nbased_on = 2024\ncolour = "red"\n', "colour"),
        ('year = 2025\nbased_on = 2024\n[[changes]]\ncode = "2010350"\naction = "rename"\nname = "新"\n',
         "changes[0].source"),
        ('year = 2025\nbased_on = 2024\n[[changes]]\ncode = "2010350"\naction = "merge"\nname = "新"\nsource = "x"\n',
         "changes[0].action"),
        ("year = 2024\nbased_on = 2023\n", "year"),
        ("year = 2025\n[[function_classes]]\ncode = \"201\"\nname = \"一般公共服务支出\"\n", "econ_classes"),
        ("year = 2025\nbased_on = [2024\n", "不是有效的 TOML"),
    ],
)
def test_bad_year_data_file_names_the_key(tmp_path: Path, text: str, key: str):
    _write(tmp_path / "years", "2025.toml", text)
    src = tmp_path / "unit.json"
    src.write_text(dump_json(make_disclosure(**{"unit.year": 2025})), encoding="utf-8")
    result = invoke("--year-data", tmp_path / "years", "--check", src)
    assert result.exit_code == 2, result.output
    text_out = " ".join(result.output.split())
    assert "年度数据文件" in text_out and "2025.toml" in text_out and key in text_out
    assert "Traceback" not in result.output


def test_year_data_must_be_a_folder(tmp_path: Path):
    result = invoke("--year-data", tmp_path / "none", "--template", tmp_path / "x.xlsx")
    assert result.exit_code == 2
    assert "不是文件夹" in result.output


def test_unknown_code_is_a_note_naming_the_cell():
    d = make_disclosure(**{"t05.rows[2].code": "2010397", "t05.rows[2].name": "某新设事务"})
    notes = [f for f in run_checks(d) if f.rule == "year.unknown_code"]
    assert len(notes) == 1 and notes[0].severity is Severity.NOTE
    assert "2010397（某新设事务）" in notes[0].message and "t05.rows[2].code" in notes[0].cells


def test_known_code_with_another_name_is_a_warning():
    """The slip of published documents: 住房保障支出（款） for 22102 住房改革支出."""
    d = make_disclosure()
    rows = list(d.t05.rows)
    rows[1] = rows[1].model_copy(update={"code": "22102", "name": "住房保障支出"})
    d = d.model_copy(update={"t05": d.t05.model_copy(update={"rows": rows})})
    found = [f for f in run_checks(d) if f.rule == "structure.subject_names" and "22102" in f.message]
    assert found and all(f.severity is Severity.WARNING for f in found)
    assert "住房改革支出" in found[0].message and "t05.rows[1].name" in found[0].cells


def test_missing_years_are_a_clear_error():
    with pytest.raises(JuesuanError, match="没有 1999 年度及以前"):
        load_year(1999)
