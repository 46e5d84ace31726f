"""Wording choices a unit keeps from year to year, and 目录 entries worded otherwise than their heading.

* 单位信息 “各项写完成预算的百分比” (``unit.item_completion``: 是 / 否 / 仅接近预算的项) and “零值写法”
  (``unit.zero_wording``: 写作0 / 写作0.00): each with a default in the format's sections.toml
  (``[wording]``), a drop-down in the workbook, the JSON schema, the round trip through
  ``--template --from`` and ``--dump-json``, and consolidation (the department keeps 本级's choice);
  a format whose text has no such place (乌鲁木齐) is unaffected.
* ``[toc]`` of sections.toml: the 上海 目录 (DOCX, PDF, HTML) and the PDF bookmarks list
  “十一、其他重要事项说明” while the body heading stays “十一、其他重要事项的情况说明”.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import load_sample, sample_paths
from factories import make_disclosure
from openpyxl import load_workbook

from generator.document import Heading, Toc
from generator.formats import format_dir
from generator.inputs import dump_json, load_input
from generator.model import Disclosure, Unit, ItemCompletion, ZeroWording
from generator.report import build_document
from generator.sections import Wording, load_sections, read_sections
from generator.workbook import write_template

STYLE = "上海"
BODY = "十一、其他重要事项的情况说明"
TOC_TEXT = "十一、其他重要事项说明"



def _sections_toml(style: str) -> str:
    """The text of the format ``style``'s sections.toml."""
    return (format_dir(style) / "sections.toml").read_text(encoding="utf-8")


def _edited_sections(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the 上海 sections.toml with each ``(old, new)`` replaced (``old`` must occur)."""
    source = _sections_toml(STYLE)
    for old, new in edits:
        assert old in source, old
        source = source.replace(old, new)
    path = tmp_path / "sections.toml"
    path.write_text(source, encoding="utf-8")
    return path

def _shanghai(**unit) -> Disclosure:
    """Factory data in the 上海 format, with 项 budgets (五（三）), a 三公 budget partly unspent and
    a zero 采购 figure."""
    d = make_disclosure()
    d.unit.style = STYLE
    for name, value in unit.items():
        setattr(d.unit, name, value)
    rows = {r.code: r.total for r in d.t05.rows}
    for item in d.comparisons.gpb_items:
        item.budget = rows.get(item.code, D(0)) + D("10.00")
        item.usage = "人员支出"
        item.budget_reason = "按实际支出"
    d.comparisons.gpb_expense.budget = d.t05.totals.total + D("100.00")
    d.procurement.works = D(0)
    return d


def _text(d: Disclosure) -> str:
    return build_document(d).plain_text()


def _items_part(text: str) -> str:
    return text.split("（三）一般公共预算财政拨款支出决算具体情况")[-1].split("六、")[0]


# ---------------------------------------------------------------------------- each choice, both values


def test_item_completion_yes_states_the_rate_after_every_item():
    d = _shanghai(item_completion=ItemCompletion.YES)
    part = _items_part(_text(d))
    items = d.comparisons.gpb_items
    assert items
    assert part.count("完成年初预算的") == len(items) + 1  # each 项 and the total
    rows = {r.code: r.total for r in d.t05.rows}
    first = next(i for i in items if i.code in rows)
    rate = (rows[first.code] / (rows[first.code] + D(10)) * 100).quantize(D("0.01"))
    assert f"年初预算为{rows[first.code] + 10:.2f}万元，支出决算为{rows[first.code]:.2f}万元，完成年初预算的{rate}%。" in part


def test_item_completion_no_states_it_for_the_total_only():
    part = _items_part(_text(_shanghai(item_completion=ItemCompletion.NO)))
    assert part.count("完成年初预算的") == 1


def _rated_items(rates: list[str]) -> Disclosure:
    """Factory data in the 上海 format whose first 项 have 年初预算 such that 决算 is ``rates`` percent
    of them (one 项 per rate; ``"100"``: equal), chosen “仅接近预算的项”."""
    d = _shanghai(item_completion=ItemCompletion.NEAR)
    rows = {r.code: r.total for r in d.t05.rows}
    items = [i for i in d.comparisons.gpb_items if rows.get(i.code)]
    assert len(items) >= len(rates)
    for item, rate in zip(items, rates):
        # a budget giving exactly ``rate`` percent after rounding to 0.01 万元
        item.budget = (rows[item.code] * 100 / D(rate)).quantize(D("0.01"))
    return d


@pytest.mark.parametrize(
    ("rate", "stated"),
    [("89", False), ("90", True), ("95", True), ("99.5", True), ("100", False), ("104", True), ("110", True),
     ("112", False), ("50", False), ("250", False)],
)
def test_item_completion_near_states_the_rate_only_close_to_the_budget(rate, stated):
    """“仅接近预算的项”: 决算 within 90%–110% of the budget and not equal to it."""
    d = _rated_items([rate])
    rows = {r.code: r.total for r in d.t05.rows}
    first = next(i for i in d.comparisons.gpb_items if rows.get(i.code))
    part = _items_part(_text(d))
    own = part.split(f"（项）。")[1].split("（项）")[0]  # the first 项's sentences
    assert f"年初预算为{first.budget:.2f}万元，支出决算为{rows[first.code]:.2f}万元" in own
    assert ("完成年初预算的" in own) is stated, own
    if rate == "100":
        assert "决算数同预算数持平" in own


def test_item_completion_near_against_a_full_year_budget():
    """A 项 explained against its 全年预算 reads “完成全年预算数的 X%” under the same rule."""
    d = _rated_items(["98", "60"])
    rows = {r.code: r.total for r in d.t05.rows}
    near, far = [i for i in d.comparisons.gpb_items if rows.get(i.code)][:2]
    for item in (near, far):
        item.full_budget, item.budget = item.budget, D(0)
    part = _items_part(_text(d))
    rate = (rows[near.code] / near.full_budget * 100).quantize(D("0.01"))
    assert f"全年预算为{near.full_budget:.2f}万元，支出决算为{rows[near.code]:.2f}万元，完成全年预算数的{rate}%。" in part
    assert f"全年预算为{far.full_budget:.2f}万元，支出决算为{rows[far.code]:.2f}万元。决算数小于全年预算数" in part


def test_item_completion_near_bounds_are_inclusive():
    from generator.sections import Wording

    near = Wording(item_completion=ItemCompletion.NEAR, zero="0")
    assert near.states_completion(D("90.00"), -1) and near.states_completion(D("110.00"), 1)
    assert not near.states_completion(D("89.99"), -1) and not near.states_completion(D("110.01"), 1)
    assert not near.states_completion(D("100.00"), 0) and near.states_completion(D("100.00"), -1)  # rounds to 100
    assert not near.states_completion(None, 1)
    every = Wording(item_completion=ItemCompletion.YES, zero="0")
    assert every.states_completion(D("12.00"), -1) and every.states_completion(D("100.00"), 0)
    assert not Wording(item_completion=ItemCompletion.NO, zero="0").states_completion(D("99.00"), -1)


def test_an_item_with_a_full_year_budget_states_its_rate_against_it():
    d = _shanghai(item_completion=ItemCompletion.YES)
    rows = {r.code: r.total for r in d.t05.rows}
    first = next(i for i in d.comparisons.gpb_items if i.code in rows)
    first.budget = D(0)
    first.full_budget = rows[first.code]
    assert "支出决算为" in _items_part(_text(d)) and "完成全年预算数的100.00%。决算数与全年预算数持平。" in _text(d)


def test_zero_wording_plain_and_decimals():
    plain = _text(_shanghai(zero_wording=ZeroWording.PLAIN))
    decimals = _text(_shanghai(zero_wording=ZeroWording.DECIMALS))
    assert "工程采购金额0万元" in plain and "工程采购金额0.00万元" in decimals
    # the default sample has no 三公 budget part spent at zero; make one
    d = _shanghai(zero_wording=ZeroWording.DECIMALS)
    d.t09.budget.abroad = D("1.00")
    d.t09.budget.total = d.t09.budget.total + D("1.00")
    d.t09.actual.abroad = D(0)
    d.comparisons.sangong.abroad.budget_reason = "未出国"
    assert "完成预算的0.00%" in _text(d)
    d.unit.zero_wording = ZeroWording.PLAIN
    text = _text(d)
    assert "完成预算的0%" in text and "完成预算的0.00%" not in text


def test_the_format_default_applies_when_the_unit_chooses_none(tmp_path):
    shanghai = load_sections(STYLE)
    unit = make_disclosure().unit
    assert unit.item_completion is None and unit.zero_wording is None
    assert shanghai.wording(unit) == Wording(item_completion=ItemCompletion.NO, zero="0")
    assert _text(_shanghai()) == _text(_shanghai(item_completion=ItemCompletion.NO, zero_wording=ZeroWording.PLAIN))
    # a format declaring the other defaults
    path = _edited_sections(tmp_path, ('item_completion = "否"', 'item_completion = "是"'),
                            ('zero_wording = "写作0"', 'zero_wording = "写作0.00"'))
    assert read_sections(path).wording(unit) == Wording(item_completion=ItemCompletion.YES, zero="0.00")
    unit.item_completion = ItemCompletion.NO
    assert read_sections(path).wording(unit) == Wording(item_completion=ItemCompletion.NO, zero="0.00")


def test_a_wrong_default_in_sections_toml_is_refused(tmp_path):
    path = _edited_sections(tmp_path, ('zero_wording = "写作0"', 'zero_wording = "零"'))
    with pytest.raises(ValueError, match="wording.zero_wording=零"):
        read_sections(path)


def test_a_format_without_the_choices_is_unaffected():
    """乌鲁木齐 has no [wording]: its text is the same whatever the unit chooses."""
    paths = sample_paths()
    if not paths:
        pytest.skip("no sample of the default format")
    d = load_sample(paths[0])
    assert "wording" not in _sections_toml("")
    before = _text(d)
    d.unit.item_completion = ItemCompletion.YES
    d.unit.zero_wording = ZeroWording.DECIMALS
    assert _text(d) == before


# ---------------------------------------------------------------------------- input and output


def test_shorthand_values_and_refusals():
    base = {"name": "某单位", "year": 2024, "kind": "行政单位"}
    assert Unit.model_validate({**base, "zero_wording": "0.00"}).zero_wording is ZeroWording.DECIMALS
    assert Unit.model_validate({**base, "zero_wording": "0"}).zero_wording is ZeroWording.PLAIN
    assert Unit.model_validate({**base, "zero_wording": 0}).zero_wording is ZeroWording.PLAIN
    with pytest.raises(ValueError):
        Unit.model_validate({**base, "item_completion": "也许"})


def test_workbook_cells_drop_downs_and_round_trip(tmp_path):
    d = _shanghai(item_completion=ItemCompletion.YES, zero_wording=ZeroWording.DECIMALS)
    path = tmp_path / "单位.xlsx"
    write_template(path, d)
    ws = load_workbook(path)["单位信息"]
    labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    row_yes, row_zero = labels["各项写完成预算的百分比"], labels["零值写法"]
    assert ws.cell(row_yes, 2).value == "是" and ws.cell(row_zero, 2).value == "写作0.00"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"B{row_yes}"] == '"是,否,仅接近预算的项"' and lists[f"B{row_zero}"] == '"写作0,写作0.00"'
    back = load_input(path).disclosure
    assert (back.unit.item_completion, back.unit.zero_wording) == (ItemCompletion.YES, ZeroWording.DECIMALS)
    # --dump-json and back through --template --from
    data = json.loads(dump_json(back))
    assert data["unit"]["item_completion"] == "是" and data["unit"]["zero_wording"] == "写作0.00"
    again = tmp_path / "again.json"
    again.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path2 = tmp_path / "again.xlsx"
    write_template(path2, load_input(again).disclosure)
    assert load_input(path2).disclosure.unit == back.unit
    # empty cells: the format's default, no choice recorded
    ws.cell(row_yes, 2).value = None
    ws.cell(row_zero, 2).value = None
    ws.parent.save(path)
    back = load_input(path).disclosure
    assert back.unit.item_completion is None and back.unit.zero_wording is None


def test_the_json_schema_names_the_choices():
    schema = Disclosure.model_json_schema()
    text = json.dumps(schema, ensure_ascii=False)
    assert "各项写完成预算的百分比" in text and "零值写法" in text and "写作0.00" in text


def test_an_older_workbook_without_the_rows_reads_the_default(tmp_path):
    """A workbook made before the rows existed: the format's default, without a finding."""
    from generator.workbook.spec import LATER_ITEMS

    assert ("unit", "item_completion") in LATER_ITEMS and ("unit", "zero_wording") in LATER_ITEMS
    path = tmp_path / "旧.xlsx"
    write_template(path, _shanghai())
    wb = load_workbook(path)
    ws = wb["单位信息"]
    for r in range(ws.max_row, 0, -1):
        if ws.cell(r, 1).value in ("各项写完成预算的百分比", "零值写法"):
            ws.delete_rows(r)
    wb.save(path)
    loaded = load_input(path)
    assert loaded.disclosure.unit.item_completion is None and loaded.disclosure.unit.zero_wording is None
    assert not [f for f in loaded.findings if "完成预算" in f.message or "零值" in f.message]


def test_consolidation_keeps_the_bureau_choice(tmp_path):
    from generator.consolidate import UnitInput, consolidate

    own = _shanghai(item_completion=ItemCompletion.YES, zero_wording=ZeroWording.DECIMALS)
    other = make_disclosure()
    other.unit.name = "某某中心"
    other.unit.style = STYLE
    dept = consolidate(own.unit.name, [UnitInput(tmp_path / "a.xlsx", own), UnitInput(tmp_path / "b.xlsx", other)])
    unit = dept.disclosure.unit
    assert (unit.style, unit.item_completion, unit.zero_wording) == (STYLE, ItemCompletion.YES, ZeroWording.DECIMALS)
    # without 本级: a choice the units share, else the format's default
    dept = consolidate("某某局", [UnitInput(tmp_path / "a.xlsx", own), UnitInput(tmp_path / "b.xlsx", other)])
    unit = dept.disclosure.unit
    assert unit.style == STYLE and unit.item_completion is None and unit.zero_wording is None


# ---------------------------------------------------------------------------- 目录 titles


def test_the_toc_lists_the_format_s_title_and_the_body_keeps_the_heading():
    doc = build_document(_shanghai())
    heading = next(b for b in doc.blocks if isinstance(b, Heading) and b.text == BODY)
    assert heading.toc_text == TOC_TEXT
    toc = next(b for b in doc.blocks if isinstance(b, Toc))
    texts = [e.text for e in toc.entries]
    assert TOC_TEXT in texts and BODY not in texts
    assert next(e for e in toc.entries if e.text == TOC_TEXT).anchor == heading.anchor
    # the default format declares none: its 目录 is its headings
    d = make_disclosure()
    doc = build_document(d)
    assert all(not b.toc_text for b in doc.blocks if isinstance(b, Heading))
    toc = next(b for b in doc.blocks if isinstance(b, Toc))
    headings = {b.anchor: b.text for b in doc.blocks if isinstance(b, Heading)}
    assert all(e.text == headings[e.anchor] for e in toc.entries if e.anchor in headings)


def test_a_toc_title_for_an_unknown_heading_is_refused(tmp_path):
    path = _edited_sections(tmp_path, ('important = "十一、其他重要事项说明"', 'nothing = "十一、其他"'))
    with pytest.raises(ValueError, match="toc.nothing"):
        read_sections(path)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    from generator.render.docx import write_docx
    from generator.render.html import HtmlRenderer
    from generator.render.pdf import PdfRenderer

    out = tmp_path_factory.mktemp("toc")
    doc = build_document(_shanghai())
    files = {"docx": out / "a.docx", "pdf": out / "a.pdf", "html": out / "a.html"}
    write_docx(doc, files["docx"])
    PdfRenderer().write(doc, files["pdf"])
    HtmlRenderer().write(doc, files["html"])
    return files


def test_docx_toc_and_body(rendered):
    from docx import Document as Docx

    paras = [p.text for p in Docx(str(rendered["docx"])).paragraphs]
    toc = [t for t in paras if t.startswith(TOC_TEXT)]
    assert toc and re.fullmatch(rf"{TOC_TEXT}\t\d+", toc[0])
    assert BODY in paras


def test_pdf_toc_bookmarks_and_body(rendered):
    from pypdf import PdfReader

    reader = PdfReader(str(rendered["pdf"]))
    text = "".join(p.extract_text() for p in reader.pages)
    assert TOC_TEXT in text and BODY in text

    def titles(items) -> list[str]:
        out: list[str] = []
        for item in items:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out

    marks = titles(reader.outline)
    assert TOC_TEXT in marks and BODY not in marks
    assert "十、预算绩效管理情况" in marks  # the others keep their heading


def test_html_toc_and_body(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    assert re.search(rf'<a href="#[^"]+">{TOC_TEXT}</a>', html), "目录 entry"
    assert re.search(rf"<h\d[^>]*>{BODY}</h\d>", html), "body heading"
