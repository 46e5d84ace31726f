"""06表 full shell (tables.toml ``full_shell``): the 上海 format prints every 类 and 款 of the year's
economic classification in the national two-column order, the ones without figures blank (or 0.00
where the format's ``blank_zero`` is false); the default format keeps the rows with figures."""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import load_sample, sample_paths
from factories import make_disclosure

from generator import tablespec
from generator.errors import RenderError
from generator.formats import format_dir
from generator.model import EconRow
from generator.tables import build_tables
from generator.yeardata import load_year

STYLE = "上海"


def _data():
    d = make_disclosure()
    d.unit.style = STYLE
    return d


def _sides(table) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The (code, name, amount) lines of the 人员经费 and 公用经费 columns, without the totals row."""
    left, right = [], []
    for row in table.body[:-1]:
        texts = [c.text for c in row]
        if texts[0]:
            left.append(tuple(texts[0:3]))
        if texts[3]:
            right.append(tuple(texts[3:6]))
    return left, right


def _year_codes(year: int, group: str) -> list[str]:
    out: list[str] = []
    for cls in load_year(year).econ_classes:
        if cls.group == group:
            out += [cls.code, *(code for code, _ in cls.items)]
    return out


def test_every_class_and_item_of_the_year_in_order():
    d = _data()
    t = build_tables(d)["t06"]
    left, right = _sides(t)
    assert [c for c, _, _ in left] == _year_codes(d.unit.year, "personnel")
    assert [c for c, _, _ in right] == _year_codes(d.unit.year, "public")
    assert len(t.body) == max(len(left), len(right)) + 1  # and the totals row
    assert {"奖金", "咨询费", "伙食补助费"} <= {n for _, n, _ in left + right}


def test_amounts_and_totals_are_those_of_the_input_zero_rows_as_the_format_prints_zeros():
    d = _data()
    t = build_tables(d)["t06"]
    left, right = _sides(t)
    printed = {c: a for c, _, a in left + right}
    given = {r.code: r.amount for r in d.t06.rows}
    for code, amount in given.items():
        assert printed[code] == ("0.00" if amount == 0 else f"{amount:.2f}"), code
    assert all(printed[c] == "0.00" for c in printed if c not in given)  # 上海: blank_zero = false
    totals = [c.text for c in t.body[-1]]
    assert totals[1] == f"{d.t06.personnel_total:.2f}" and totals[3] == f"{d.t06.public_total:.2f}"


def test_zero_rows_are_blank_where_the_format_prints_zeros_blank(tmp_path, monkeypatch):
    folder = tmp_path / STYLE
    shutil.copytree(format_dir(STYLE), folder)
    toml = folder / "tables.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("blank_zero = false", "blank_zero = true"), encoding="utf-8")
    monkeypatch.setattr(tablespec, "format_dir", lambda style=None: folder)
    d = _data()
    left, right = _sides(build_tables(d)["t06"])
    given = {r.code for r in d.t06.rows if r.amount}
    assert all(a == "" for c, _, a in left + right if c not in given)
    assert [c for c, _, _ in left] == _year_codes(d.unit.year, "personnel")


def test_codes_the_year_does_not_list_stay_and_a_missing_class_total_is_not_made_up():
    d = _data()
    d.t06.rows = [r for r in d.t06.rows if r.code != "302"] + [
        EconRow(code="30298", name="本地科目", amount=D("1.00")),
        EconRow(code="399", name="其他支出", amount=D("2.00")),
    ]
    left, right = _sides(build_tables(d)["t06"])
    codes = [c for c, _, _ in right]
    assert codes.index("30298") > codes.index("30299") and codes.index("30298") < codes.index("310")
    assert right[-1] == ("399", "其他支出", "2.00")
    has_items = any(r.amount for r in d.t06.rows if r.code.startswith("302") and len(r.code) == 5)
    line_302 = next(x for x in right if x[0] == "302")
    assert line_302[2] == ("" if has_items else "0.00")


def test_the_default_format_keeps_the_rows_with_figures():
    paths = sample_paths()
    if not paths:
        pytest.skip("no sample of the default format")
    d = load_sample(paths[0])
    left, right = _sides(build_tables(d)["t06"])
    assert [c for c, _, _ in left + right] == [
        r.code for r in d.t06.rows if load_year(d.unit.year).econ_group(r.code) == "personnel"
    ] + [r.code for r in d.t06.rows if load_year(d.unit.year).econ_group(r.code) != "personnel"]


def test_full_shell_is_refused_for_another_table(tmp_path):
    toml = tmp_path / "tables.toml"
    text = (format_dir(STYLE) / "tables.toml").read_text(encoding="utf-8").replace(
        "total_first = false", "total_first = false\nfull_shell = true"
    )
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(RenderError, match=r"\[t05\] full_shell"):
        tablespec._read(Path(toml))
