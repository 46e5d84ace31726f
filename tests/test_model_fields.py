"""The optional figures of the wider formats (per 项 年初/全年预算数 and 主要用于, 外宾接待,
政府采购 预留, the 绩效 summary, 资产 not stated): workbook cells and labels, JSON round trip,
consolidation, and the 乌鲁木齐 wording of an unstated 资产 figure."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from clirun import invoke, write_json
from conftest import sample_paths
from factories import make_disclosure, make_stated_disclosure, with_values

from generator.consolidate import UnitInput, consolidate
from generator.document import Heading, Paragraph
from generator.inputs import dump_json, load_input
from generator.model import Disclosure, SubjectComparison
from generator.report import build_document
from generator.workbook import spec, write_template

#: every new figure, as a model path, with the sheet its cell is on
NEW_FIELDS: dict[tuple[str | int, ...], str] = {
    **{("comparisons", "gpb_items", 0, f): spec.SHEET_COMPARE for f in ("budget", "full_budget", "usage", "budget_reason")},
    **{("comparisons", "fund_items", 0, f): spec.SHEET_COMPARE for f in ("budget", "full_budget", "usage", "budget_reason")},
    ("comparisons", "gpb_expense", "full_budget"): spec.SHEET_COMPARE,
    ("comparisons", "fiscal", "full_budget"): spec.SHEET_COMPARE,
    **{
        ("sangong", f): spec.SHEET_SANGONG
        for f in ("foreign_reception", "foreign_reception_batches", "foreign_reception_persons")
    },
    **{
        ("procurement", f): spec.SHEET_ASSETS
        for f in (
            "reserved_sme_budget",
            "reserved_small_micro_budget",
            "reserved_sme_awarded",
            "reserved_small_micro_awarded",
            "other_sme_awarded",
        )
    },
    **{
        ("performance", f): spec.SHEET_PERF
        for f in (
            "management",
            "target_count",
            "target_amount",
            "tracked_count",
            "tracked_amount",
            "self_count",
            "self_amount",
            "average_score",
            "grade_excellent",
            "grade_good",
            "grade_pass",
            "grade_fail",
            "issues_found",
            "issues_fixed",
            "issues_fixing",
        )
    },
}


def _get(d: Disclosure, path: tuple) -> object:
    obj: object = d
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)  # type: ignore[index]
    return obj


def test_every_new_figure_is_stated_in_the_test_unit():
    d = make_stated_disclosure()
    for path in NEW_FIELDS:
        assert _get(d, path) not in (None, ""), path


def test_workbook_round_trip_keeps_every_new_figure_in_its_cell(tmp_path: Path):
    d = make_stated_disclosure()
    path = tmp_path / "unit.xlsx"
    write_template(path, d)
    loaded = load_input(path)
    assert loaded.disclosure == d
    assert loaded.findings == []
    for field, sheet in NEW_FIELDS.items():
        assert loaded.sources.cell(field).startswith(f"{sheet}!"), field


def test_cli_template_from_json_and_dump_json_give_the_same_json(tmp_path: Path):
    source = write_json(tmp_path / "unit.json", make_stated_disclosure())
    filled = tmp_path / "filled.xlsx"
    result = invoke("--template", filled, "--from", source)
    assert result.exit_code == 0, result.output
    dumped = invoke("--dump-json", filled)
    assert dumped.exit_code == 0, dumped.output
    assert json.loads(dumped.stdout) == json.loads(source.read_text(encoding="utf-8"))


def test_new_columns_of_the_comparison_sheet_carry_the_field_titles(tmp_path: Path):
    path = tmp_path / "blank.xlsx"
    write_template(path)
    import openpyxl

    ws = openpyxl.load_workbook(path)[spec.SHEET_COMPARE]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for name in ("budget", "full_budget", "usage", "budget_reason"):
        assert SubjectComparison.model_fields[name].title in texts
    assert "全年预算数" in texts


def test_an_old_workbook_without_the_new_rows_reads_them_as_not_stated(tmp_path: Path):
    """A workbook made before these rows existed: no warning, every new figure None."""
    import openpyxl

    path = tmp_path / "unit.xlsx"
    write_template(path, make_disclosure())
    wb = openpyxl.load_workbook(path)
    for sheet in (spec.SHEET_SANGONG, spec.SHEET_ASSETS, spec.SHEET_PERF):
        ws = wb[sheet]
        new_titles = {
            spec.title_of(p) for p, s in NEW_FIELDS.items() if s == sheet
        }
        rows = [c.row for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value in new_titles]
        for r in sorted(rows, reverse=True):
            ws.delete_rows(r)
    wb.save(path)
    loaded = load_input(path)
    assert [f.message for f in loaded.findings] == []
    assert loaded.disclosure.sangong.foreign_reception is None
    assert loaded.disclosure.procurement.reserved_sme_budget is None
    assert loaded.disclosure.performance.self_count is None


# ---------------------------------------------------------------------------- 资产 not stated


def _assets_text(d: Disclosure) -> str:
    out, inside = [], False
    for b in build_document(d).blocks:
        if isinstance(b, Heading):
            if inside:
                break
            inside = b.text == "（三）国有资产占用情况说明"
        elif inside and isinstance(b, Paragraph):
            out.append(b.text)
    return "".join(out)


def test_unstated_assets_are_not_printed():
    d = with_values(
        make_disclosure(),
        {"assets.house_area": None, "assets.house_value": None, "assets.equipment_count": None},
    )
    text = _assets_text(d)
    assert "房屋" not in text and "设备" not in text
    assert text.startswith("截至2024年12月31日，车辆1辆，价值15.00万元，其中：")


def test_stated_zero_assets_are_printed():
    d = with_values(make_disclosure(), {"assets.house_area": D(0), "assets.house_value": D(0)})
    assert _assets_text(d).startswith("截至2024年12月31日，房屋0.00平方米，价值0.00万元。")


def test_no_asset_figure_stated_prints_no_asset_sentence():
    d = make_disclosure()
    d = d.model_copy(update={"assets": type(d.assets)()})
    assert _assets_text(d) == ""


def test_unstated_vehicle_count_leaves_out_the_fixed_asset_vehicle_sentence():
    d = with_values(make_disclosure(), {"assets.vehicle_count": None})
    texts = [b.text for b in build_document(d).blocks if isinstance(b, Paragraph)]
    assert not any("国有资产占用情况中固定资产车辆" in t for t in texts)


# ---------------------------------------------------------------------------- consolidation


def _two(one: Disclosure, two: Disclosure) -> Disclosure:
    return consolidate(one.unit.name, [UnitInput(Path("a.json"), one), UnitInput(Path("b.json"), two)]).disclosure


def test_consolidation_sums_the_new_figures_when_every_unit_states_them():
    one = make_stated_disclosure()
    two = make_stated_disclosure(
        **{"unit.name": "测试市某某所", "performance.average_score": D("80.00"), "performance.self_count": 3}
    )
    cons = _two(one, two)
    assert cons.sangong.foreign_reception == D("1.00")
    assert cons.sangong.foreign_reception_persons == 6
    assert cons.procurement.reserved_sme_budget == D("40.00")
    assert cons.performance.target_count == 6
    assert cons.performance.self_count == 5
    assert cons.performance.average_score == D("85.00")  # (92.50×2 + 80.00×3) / 5
    assert cons.comparisons.gpb_expense.full_budget == D("1000.00")
    item = next(i for i in cons.comparisons.gpb_items if i.code == "2010350")
    assert (item.budget, item.full_budget, item.usage, item.budget_reason) == (D("720.00"), D("800.00"), "", "")


def test_consolidation_leaves_a_figure_unknown_when_one_unit_does_not_state_it():
    one = make_stated_disclosure()
    two = make_stated_disclosure(
        **{
            "unit.name": "测试市某某所",
            "sangong.foreign_reception": None,
            "performance.average_score": None,
            "assets.house_area": None,
            "comparisons.gpb_items[0].budget": None,
        }
    )
    cons = _two(one, two)
    assert cons.sangong.foreign_reception is None
    assert cons.sangong.foreign_reception_batches == 2
    assert cons.performance.average_score is None
    assert cons.assets.house_area is None
    assert cons.assets.house_value == D("240.00")
    item = next(i for i in cons.comparisons.gpb_items if i.code == one.comparisons.gpb_items[0].code)
    assert item.budget is None and item.full_budget is not None


def test_consolidation_offers_each_units_usage_as_a_hint():
    one = make_stated_disclosure()
    two = make_stated_disclosure(**{"unit.name": "测试市某某所"})
    hints = consolidate(one.unit.name, [UnitInput(Path("a.json"), one), UnitInput(Path("b.json"), two)]).hints
    i = next(k for k, c in enumerate(sorted({i.code for i in one.comparisons.gpb_items})) if c == "2010350")
    assert "测试市某某所：单位人员经费及公用经费等基本支出" in hints[("comparisons", "gpb_items", i, "usage")]


@pytest.mark.parametrize("sample", sample_paths(), ids=lambda p: p.stem)
def test_samples_state_their_assets(sample: Path):
    """The 乌鲁木齐 samples state every 资产 figure (0 where the reference prints 0)."""
    a = load_input(sample).disclosure.assets
    assert None not in (a.house_area, a.house_value, a.vehicle_count, a.vehicle_value, a.equipment_count)
    assert json.loads(dump_json(load_input(sample).disclosure))["assets"] == json.loads(
        sample.read_text(encoding="utf-8")
    )["assets"]
