"""部门决算 documents: the document kind, the composition, optional 人员/科室, 机关运行经费.

Each new check fires on a workbook that breaks exactly it; the 部门 wording, title and file
name; no 人员 or 科室 sentence when they are not stated.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from factories import make_admin_disclosure, make_disclosure, with_values

from generator.checks import run_checks
from generator.compute import derive
from generator.document import Heading, Paragraph
from generator.errors import Severity
from generator.inputs import load_input
from generator.model import Disclosure, DocumentKind, Member, UnitKind
from generator.pipeline import output_stem
from generator.report import build_document
from generator.tables import build_tables
from generator.workbook import read_workbook, write_template
from generator.workbook import spec


def department(**overrides) -> Disclosure:
    """The factory unit as a 部门: a 行政 本级 and a 事业单位, 机关运行经费 stated."""
    d = make_disclosure()
    d.unit.document = DocumentKind.DEPARTMENT
    d.unit.members = [
        Member(name=d.unit.name, kind=UnitKind.ADMINISTRATIVE),
        Member(name="测试市某某所", kind=UnitKind.PUBLIC_INSTITUTION, note="预算不单列，并入本级"),
    ]
    d.operating_costs = d.t06.public_total - D("1.00")
    return with_values(d, overrides)


def text_of(d: Disclosure) -> str:
    doc = build_document(d, draft=True)
    return "\n".join(
        b.text if isinstance(b, Heading) else b.bold_prefix + b.text
        for b in doc.blocks
        if isinstance(b, (Heading, Paragraph))
    )


def workbook_findings(d: Disclosure, tmp_path) -> list:
    """Write ``d`` into a standard workbook, read it back and check it (findings name cells)."""
    path = tmp_path / "部门.xlsx"
    write_template(path, d)
    loaded = load_input(path)
    return run_checks(loaded.disclosure, loaded.sources)


# ---------------------------------------------------------------------------- model and workbook


def test_document_kind_defaults_to_unit_and_is_a_drop_down(tmp_path):
    d = make_disclosure()
    assert d.unit.document is DocumentKind.UNIT
    path = tmp_path / "空白.xlsx"
    write_template(path)
    from openpyxl import load_workbook

    ws = load_workbook(path)[spec.SHEET_UNIT]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "决算类别")
    lists = [dv for dv in ws.data_validations.dataValidation if f"B{row}" in str(dv.sqref)]
    assert lists and lists[0].formula1 == '"单位,部门"'


def test_department_workbook_round_trip(tmp_path):
    d = department(**{"unit.departments": []})
    d.unit.staff = None
    path = tmp_path / "部门.xlsx"
    write_template(path, d)
    back = load_input(path).disclosure
    assert back.unit.document is DocumentKind.DEPARTMENT
    assert back.unit.members == d.unit.members
    assert back.operating_costs == d.operating_costs
    assert back.unit.staff is None
    assert back.model_dump() == d.model_dump()


def test_workbook_without_the_new_rows_reads_defaults_without_warning(tmp_path):
    """A workbook made before 决算类别 and 机关运行经费 existed still reads cleanly."""
    from openpyxl import load_workbook

    path = tmp_path / "旧.xlsx"
    write_template(path, make_disclosure())
    book = load_workbook(path)
    ws = book[spec.SHEET_UNIT]
    for label in ("决算类别", "机关运行经费"):
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
        ws.cell(row, 1).value = None
        ws.cell(row, 2).value = None
    book.save(path)
    data = read_workbook(path)
    assert not [f for f in data.findings if f.severity is not Severity.HINT], data.findings
    d = load_input(path).disclosure
    assert d.unit.document is DocumentKind.UNIT and d.operating_costs is None


# ---------------------------------------------------------------------------- 机关运行经费


def test_operating_costs_default_only_where_it_is_the_public_total():
    admin = make_admin_disclosure()
    assert derive(admin).public.current == admin.t06.public_total  # 行政单位: 06表公用经费合计
    inst = make_disclosure()
    assert derive(inst).public.current == inst.t06.public_total  # 事业单位: 公用经费 itself
    d = department(operating_costs=None)
    assert derive(d).public_missing is not None  # a 部门 with 事业单位 must state it
    institutions = department(operating_costs=None)
    for m in institutions.unit.members:
        m.kind = UnitKind.PUBLIC_INSTITUTION
    # a 部门 of 事业单位 only states its 公用经费
    assert derive(institutions).public.current == institutions.t06.public_total
    assert derive(institutions).public_missing is None
    admins = department(operating_costs=None)
    for m in admins.unit.members:
        m.kind = UnitKind.ADMINISTRATIVE
    assert derive(admins).public.current == admins.t06.public_total
    stated = department()
    assert derive(stated).public.current == stated.operating_costs


def test_operating_costs_stated_fires_alone(tmp_path):
    findings = workbook_findings(department(operating_costs=None), tmp_path)
    assert [(f.rule, f.severity) for f in findings] == [("operating_costs.stated", Severity.ERROR)]
    assert findings[0].cells[0].startswith(spec.SHEET_UNIT + "!B")


def test_operating_costs_within_public_fires_alone(tmp_path):
    d = make_admin_disclosure()
    d.operating_costs = d.t06.public_total + D("5.00")
    findings = workbook_findings(d, tmp_path)
    assert [(f.rule, f.severity) for f in findings] == [("operating_costs.within_public", Severity.ERROR)]
    assert "机关运行经费不应大于公用经费合计" in findings[0].message


def test_members_missing_fires_alone(tmp_path):
    d = department()
    d.unit.members = []
    findings = workbook_findings(d, tmp_path)
    assert [(f.rule, f.severity) for f in findings] == [("unit.members", Severity.WARNING)]


def test_members_doubled_fires_alone(tmp_path):
    d = department()
    d.unit.members.append(Member(name="测试市某某所", kind=UnitKind.PUBLIC_INSTITUTION))
    findings = workbook_findings(d, tmp_path)
    assert [(f.rule, f.severity) for f in findings] == [("unit.members", Severity.WARNING)]
    assert "测试市某某所" in findings[0].message


def test_clean_department_has_no_finding():
    assert run_checks(department()) == []


# ---------------------------------------------------------------------------- wording


def test_no_staff_or_department_sentence_when_not_stated():
    d = department(**{"unit.departments": []})
    d.unit.staff = None
    text = text_of(d)
    assert "实有人数" not in text
    assert "科室" not in text
    unit = make_disclosure(**{"unit.departments": []})
    unit.unit.staff = None
    text = text_of(unit)
    assert "实有人数" not in text
    # a 单位 without 科室 says so, as the published 单位决算 do
    assert "下设0个科室，分别是：我单位无下设科室。" in text


def test_department_wording_title_and_tables():
    d = department()
    text = text_of(d)
    assert build_document(d).title.endswith(f"{d.unit.year}年部门决算公开说明")
    assert "（事业单位）" not in text and "（行政单位）" not in text
    assert f"机关运行经费支出{d.operating_costs:.2f}万元" in text
    assert "从预算单位构成看" in text and f"{d.unit.name}（本级）" in text
    assert "第一部分 部门概况" in text and "单位概况" not in text
    assert "测试市某某所（预算不单列，并入本级）" in text
    d.other_matters = ""
    assert "本部门无其他需说明的事项" in text_of(d)
    notes = [t.note for t in build_tables(d).values() if t.note]
    assert notes and all("单位" not in n and "部门" in n for n in notes)


def test_unit_wording_unchanged():
    d = make_admin_disclosure()
    text = text_of(d)
    assert "（行政单位）" in text and "部门决算单位构成" not in text


def test_file_name_says_department():
    assert output_stem("某局", 2024, "部门") == "某局2024年度部门决算公开"
    assert output_stem("某局", 2024) == "某局2024年度单位决算公开"


def test_department_without_operating_costs_draft_shows_placeholder():
    d = department(operating_costs=None)
    doc = build_document(d, draft=True)
    assert any(m.path == ("operating_costs",) for m in doc.placeholders)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_schema_lists_the_document_kinds(kind):
    schema = Disclosure.model_json_schema()
    assert kind.value in schema["$defs"]["DocumentKind"]["enum"]
