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


# ---------------------------------------------------------------------------- comparisons stated by a format


def _format_without_prior(tmp_path: Path, monkeypatch) -> str:
    """A copy of 乌鲁木齐 whose text compares nothing with last year and does not go through the
    items (as a format that states only budgets would)."""
    import shutil

    import generator.formats as formats

    root = tmp_path / "formats"
    shutil.copytree(FORMAT.parent, root)
    shutil.copytree(root / "乌鲁木齐", root / "无上年")
    toml = root / "无上年" / "sections.toml"
    text = toml.read_text(encoding="utf-8")
    for name in ("total", "public_expense", "gpb_items", "fund_items", "soe_items"):
        text = re.sub(rf"(?m)^{name} = \[.*\]$", f"{name} = []", text)
    for name in ("fiscal", "gpb_expense", "fund", "soe"):
        text = re.sub(rf"(?m)^{name} = \[.*\]$", f'{name} = ["budget"]', text)
    toml.write_text(text, encoding="utf-8")
    monkeypatch.setattr(formats, "FORMATS_DIR", root)
    return "无上年"


def _without_priors(d):
    for name in ("total", "fiscal", "gpb_expense", "fund", "soe", "public_expense"):
        d = with_value(d, f"comparisons.{name}.prior", None)
    d.comparisons.gpb_items = [i.model_copy(update={"prior": None}) for i in d.comparisons.gpb_items]
    return d


def test_no_false_prior_demand_for_a_format_that_does_not_state_it(tmp_path, monkeypatch):
    style = _format_without_prior(tmp_path, monkeypatch)
    d = _without_priors(make_fund_disclosure())
    default_missing = [f for f in run_checks(d) if f.rule.startswith("comparisons.") and "上年" in f.message]
    assert default_missing  # the default format states them, so it asks for them
    d.unit.style = style
    findings = run_checks(d)
    assert not [f for f in findings if f.rule.startswith("comparisons.") and "上年" in f.message], findings
    # what the format does state is still required
    broken = with_value(d, "comparisons.fiscal.budget", None)
    assert any(f.rule == "comparisons.missing" and "年初预算" in f.message for f in run_checks(broken))


def test_no_item_entries_demanded_when_the_format_does_not_go_through_the_items(tmp_path, monkeypatch):
    style = _format_without_prior(tmp_path, monkeypatch)
    d = make_disclosure()
    d.comparisons.gpb_items = []
    assert any(f.rule == "comparisons.gpb_items" for f in run_checks(d))
    d.unit.style = style
    assert not any(f.rule == "comparisons.gpb_items" for f in run_checks(d))


def test_an_undeclared_comparison_in_sections_toml_is_refused(tmp_path):
    from generator.sections import read_sections

    path = tmp_path / "sections.toml"
    path.write_text(
        (FORMAT / "sections.toml").read_text(encoding="utf-8").replace('total = ["prior"]', 'total = ["budget"]'),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="comparisons.total=budget"):
        read_sections(path)
