"""What the narrative contains is declared once (templates/formats/<格式>/sections.toml): the
document's headings and the headings the checks name come from it, and so do the “三公” items
compared and when sections 七/八 are written in full."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from factories import make_admin_disclosure, make_disclosure, make_fund_disclosure, with_value

from generator.checks import run_checks
from generator.compute import derive
from generator.document import Heading
from generator.model import UnitKind
from generator.report import build_document
from generator.sections import SECTIONS_FILE, load_sections

FORMAT = Path(__file__).resolve().parent.parent / "templates" / "formats" / "乌鲁木齐"
TEMPLATES = FORMAT / "narrative"


def headings(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Heading)]


@pytest.mark.parametrize("kind", list(UnitKind))
def test_the_check_names_the_heading_the_document_has(kind: UnitKind):
    """The “Why” case: a 行政单位's finding named “十、（一）机关运行经费及公用经费支出情况” while
    its document says “（一）机关运行经费支出情况”."""
    d = make_disclosure(**{"unit.kind": kind})
    doc_headings = headings(build_document(d))
    broken = with_value(d, "comparisons.public_expense.prior", None)
    (finding,) = [f for f in run_checks(broken) if f.rule == "comparisons.missing"]
    named = re.search(r"无法写出“十、(.+?)”", finding.message).group(1)
    assert named in doc_headings
    expected = "（一）机关运行经费及公用经费支出情况" if kind is UnitKind.PUBLIC_INSTITUTION else "（一）机关运行经费支出情况"
    assert named == expected


def test_admin_unit_document_and_finding_agree_on_the_operating_costs_heading():
    d = make_admin_disclosure()
    assert "（一）机关运行经费支出情况" in headings(build_document(d))
    broken = with_value(d, "comparisons.public_expense.prior", None)
    messages = [f.message for f in run_checks(broken)]
    assert any("“十、（一）机关运行经费支出情况”" in m for m in messages)
    assert not any("机关运行经费及公用经费" in m for m in messages)


def test_every_section_heading_of_the_document_is_declared_in_sections_toml():
    doc_headings = set(headings(build_document(make_fund_disclosure())))
    s = load_sections()
    declared = (
        set(s.headings.values())
        | {p.heading for p in s.public_expense_by_kind.values()}
        | {w.part1 for w in s.document_by_kind.values()}
    )
    assert {h for h in doc_headings if re.match(r"^(第.部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", h)} <= declared
    assert set(s.headings.values()) <= doc_headings  # and every declared heading is used


def test_no_heading_text_is_written_in_the_templates():
    """Headings come from sections.toml: no template line after #/##/### holds literal text."""
    for path in TEMPLATES.glob("*.j2"):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^#{1,4}!? (.*)$", line)
            if m:
                assert re.fullmatch(r"\{\{ sections\.[a-z_0-9.]+ \}\}", m.group(1)), (path.name, line)


def test_check_items_follow_the_declared_sangong_parts():
    s = load_sections()
    f = derive(make_disclosure())
    assert [p.key for p in f.sangong.parts] == [k for k in s.sangong_vs_prior if k != "total"]
    assert [p.key for p in f.sangong.budget_parts] == [k for k in s.sangong_vs_budget if k != "total"]
    # the checks ask for the 上年决算数 of exactly the parts compared with last year
    d = make_disclosure()
    for part in ("total", "abroad", "car_total", "car_purchase", "car_operation", "reception"):
        d = with_value(d, f"comparisons.sangong.{part}.prior", None)
    asked = {f.cells[0] for f in run_checks(d) if f.rule == "comparisons.missing"}
    assert asked == {f"comparisons.sangong.{p}.prior" for p in s.sangong_vs_prior}


def test_fund_section_in_full_is_one_rule_for_the_text_and_the_checks():
    """七 is written in full (and its figures are then required) when sections.toml says so."""
    s = load_sections()
    d = make_disclosure(**{"comparisons.fund.prior": Decimal("5.00"), "comparisons.fund.budget": None})
    assert s.fund_in_full(d.t07, d.comparisons.fund, d.comparisons.fund_items)
    assert derive(d).fund.empty is False
    assert "comparisons.fund.budget" in {c for f in run_checks(d) for c in f.cells}
    quiet = make_disclosure(**{"comparisons.fund.prior": Decimal("0"), "comparisons.fund.budget": None})
    assert not s.fund_in_full(quiet.t07, quiet.comparisons.fund, quiet.comparisons.fund_items)
    assert derive(quiet).fund.empty is True
    assert "comparisons.fund.budget" not in {c for f in run_checks(quiet) for c in f.cells}


def test_sections_file_is_in_the_default_format_folder():
    assert SECTIONS_FILE.parent == FORMAT
    assert TEMPLATES.is_dir()
