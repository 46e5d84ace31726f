"""The quick look at a unit's name and year agrees with the full reader, or declines."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from generator.inputs import dump_json, load_input
from generator.synthetic import synthetic_disclosure
from generator.workbook import write_template
from generator.web.department import peek_unit_text
from generator.workbook.peek import peek_unit, peek_unit_fields

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "path", sorted((ROOT / "samples").glob("*.xlsx")) + sorted((ROOT / "samples" / "data").glob("*.json")),
    ids=lambda p: p.name,
)
def test_peek_agrees_with_the_full_reader(path):
    unit = load_input(path).disclosure.unit
    assert peek_unit(path) == (unit.name, unit.year)


def test_peek_on_written_workbook_and_json(tmp_path):
    d = synthetic_disclosure(5, rows=5)
    write_template(tmp_path / "u.xlsx", d)
    (tmp_path / "u.json").write_text(dump_json(d), encoding="utf-8")
    assert peek_unit(tmp_path / "u.xlsx") == (d.unit.name, 2024)
    assert peek_unit(tmp_path / "u.json") == (d.unit.name, 2024)


def test_peek_declines_what_it_cannot_see_quickly(tmp_path):
    other = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active.title = "别的表"
    wb.save(other)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    assert peek_unit(other) is None
    assert peek_unit(junk) is None
    assert peek_unit(tmp_path / "missing.json") is None
    assert peek_unit(tmp_path / "x.xls") is None


@pytest.mark.parametrize(
    "path", sorted((ROOT / "samples").glob("*.xlsx")) + sorted((ROOT / "samples" / "data").glob("*.json")),
    ids=lambda p: p.name,
)
def test_peeked_fields_agree_with_the_full_reader(path):
    """The 主管部门 and the 公开格式 the web pages peek at are the ones the full reader reads."""
    unit = load_input(path).disclosure.unit
    found = peek_unit_fields(path, ("supervisor", "style", "name"))
    assert found is not None
    assert found.get("name") == unit.name
    assert found.get("supervisor", "") == unit.supervisor
    assert found.get("style", "乌鲁木齐") == unit.style  # left blank: the default format
    assert peek_unit_text(path, "supervisor") == (unit.supervisor or "")


def test_peeked_fields_leave_out_what_is_not_filled(tmp_path):
    d = synthetic_disclosure(3, rows=3)
    d.unit.supervisor = ""
    write_template(tmp_path / "u.xlsx", d)
    (tmp_path / "u.json").write_text(dump_json(d), encoding="utf-8")
    for path in (tmp_path / "u.xlsx", tmp_path / "u.json"):
        found = peek_unit_fields(path, ("name", "supervisor"))
        assert found == {"name": d.unit.name}
        assert peek_unit_text(path, "supervisor") == ""
    assert peek_unit_fields(tmp_path / "missing.xlsx", ("name",)) is None
