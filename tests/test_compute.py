"""Tests for generator.compute: the derived figures and their rounding rules (万元, percent)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from factories import D, make_disclosure, make_fund_disclosure, make_soe_disclosure, with_values

from generator.compute import budget_diff, change, derive, project_figures, share_of
from generator.model import SubjectComparison

# ---------------------------------------------------------------------------- change


def test_change_decrease_matches_reference_000():
    c = change(D("416.40"), D("434.72"))
    assert (c.amount, c.rate, c.sign) == (D("-18.32"), D("-4.21"), -1)
    assert (c.amount_abs, c.rate_abs) == (D("18.32"), D("4.21"))


def test_change_increase_matches_reference_001():
    c = change(D("3361.40"), D("1004.71"))
    assert (c.amount, c.rate, c.sign) == (D("2356.69"), D("234.56"), 1)


def test_change_prior_zero_is_growth_of_100_percent():
    c = change(D("512.51"), D("0"))
    assert (c.amount, c.rate, c.sign) == (D("512.51"), D("100.00"), 1)


def test_change_current_zero_is_decrease_of_100_percent():
    c = change(D("0"), D("502.40"))
    assert (c.amount, c.rate, c.sign) == (D("-502.40"), D("-100.00"), -1)


def test_change_both_zero_is_zero_and_flagged():
    c = change(D("0"), D("0"))
    assert (c.amount, c.rate, c.sign, c.both_zero) == (D("0"), D("0"), 0, True)


def test_change_prior_none_is_missing_not_zero():
    """A missing 上年数 is never 0: no amount, no rate, no sign (no “增长100.00%”)."""
    c = change(D("457.86"), None, subject="收入支出总计", path=("comparisons", "total", "prior"))
    assert (c.current, c.prior, c.amount, c.rate, c.amount_abs, c.rate_abs) == (D("457.86"), None, None, None, None, None)
    assert (c.sign, c.both_zero) == (0, False)
    assert c.missing.label == "上年决算数" and c.missing.subject == "收入支出总计"
    assert c.missing.key == "comparisons.total.prior"
    assert change(D("0"), None).both_zero is False  # unknown last year: not “均未安排”


def test_budget_none_is_missing_not_zero():
    b = budget_diff(D("54.20"), None, path=("comparisons", "fiscal", "budget"))
    assert (b.budget, b.amount, b.rate, b.sign, b.both_zero) == (None, None, None, 0, False)
    assert (b.actual, b.missing.label, b.missing.key) == (D("54.20"), "年初预算数", "comparisons.fiscal.budget")


def test_derive_lists_every_missing_figure():
    d = make_disclosure(**{"comparisons.total.prior": None, "comparisons.gpb_expense.budget": None,
                           "comparisons.sangong.reception.prior": None})
    f = derive(d)
    assert list(f.missing()) == [
        "comparisons.total.prior", "comparisons.gpb_expense.budget", "comparisons.sangong.reception.prior"
    ]
    assert f.totals.change.rate is None and f.gpb.budget.rate is None
    assert f.gpb.change.rate is not None  # the other figures are unaffected


def test_change_uses_the_printed_amounts():
    # 416.398 prints as 416.40: the change is computed from the printed figure, so a reader
    # recomputing 416.40 − 434.72 gets the stated 18.32.
    c = change(D("416.398"), D("434.72"))
    assert (c.current, c.amount, c.rate) == (D("416.40"), D("-18.32"), D("-4.21"))


def test_change_rounds_half_up():
    # 1.125 prints as 1.13 (四舍五入; ROUND_HALF_EVEN would give 1.12), so the change is +13%.
    assert change(D("1.125"), D("1")).rate == D("13.00")
    assert change(D("100.125"), D("100")).amount == D("0.13")
    # a rate exactly halfway: 0.01 ÷ 8 = 0.125% → 0.13% (half-even would give 0.12%)
    assert change(D("8.01"), D("8")).rate == D("0.13")
    assert change(D("7.99"), D("8")).rate == D("-0.13")


# ---------------------------------------------------------------------------- budget


def test_budget_diff_matches_references():
    assert budget_diff(D("3361.40"), D("1487.40")).rate == D("125.99")
    assert budget_diff(D("415.84"), D("430.10")).rate == D("-3.32")
    assert budget_diff(D("3300.15"), D("1487.40")).rate == D("121.87")


def test_budget_zero_with_spending_is_100_percent():
    b = budget_diff(D("54.20"), D("0"))
    assert (b.rate, b.sign, b.both_zero) == (D("100.00"), 1, False)


def test_budget_and_spending_zero_is_zero_percent():
    b = budget_diff(D("0"), D("0"))
    assert (b.rate, b.both_zero) == (D("0"), True)


# ---------------------------------------------------------------------------- shares


def test_share_of_zero_base_is_zero():
    assert share_of(D("5"), D("0")) == D("0")


def test_class_shares_are_rounded_each_on_its_own():
    # 001: 1,577.40 / 1,664.11 / 58.65 of 3,300.15 → 47.80 + 50.43 + 1.78 = 100.01
    shares = [share_of(D(x), D("3300.15")) for x in ("1577.40", "1664.11", "58.65")]
    assert shares == [D("47.80"), D("50.43"), D("1.78")]
    assert sum(shares) == D("100.01")


def test_income_and_expense_parts_use_their_bases():
    f = derive(make_disclosure())
    income = {p.key: p for p in f.income_parts}
    assert [p.label for p in f.income_parts] == ["财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                                                  "附属单位上缴收入", "其他收入"]
    assert (income["fiscal"].amount, income["fiscal"].share) == (D("500.00"), D("100.00"))
    expense = {p.key: p for p in f.expense_parts}
    assert (expense["basic"].amount, expense["basic"].share) == (D("380.00"), D("76.00"))
    assert (expense["project"].amount, expense["project"].share) == (D("120.00"), D("24.00"))
    assert [p.label for p in f.expense_parts][2:] == ["上缴上级支出", "经营支出", "对附属单位补助支出"]


def test_fiscal_income_share_adds_the_three_appropriations():
    d = make_fund_disclosure()
    f = derive(d)
    fiscal = f.income_parts[0]
    assert fiscal.amount == d.t01.gpb_income + d.t01.fund_income
    assert fiscal.share == D("100.00")


# ---------------------------------------------------------------------------- sections


def test_gpb_overall_figures():
    f = derive(make_disclosure())
    g = f.gpb
    assert (g.total, g.share_of_expense) == (D("500.00"), D("100.00"))
    assert (g.change.prior, g.change.amount, g.change.rate) == (D("473.00"), D("27.00"), D("5.71"))
    assert (g.budget.budget, g.budget.rate) == (D("450.00"), D("11.11"))


def test_gpb_classes_with_shares_of_the_gpb_total():
    f = derive(make_disclosure())
    assert [(c.code, c.name, c.amount, c.share) for c in f.gpb.classes] == [
        ("201", "一般公共服务支出", D("400.00"), D("80.00")),
        ("208", "社会保障和就业支出", D("100.00"), D("20.00")),
    ]


def test_gpb_classes_from_item_rows_when_no_class_rows():
    d = make_disclosure()
    d = with_values(d, {"t05.rows": [r for r in d.t05.rows if r.level == 3]})
    assert [(c.code, c.amount) for c in derive(d).gpb.classes] == [("201", D("400.00")), ("208", D("100.00"))]


def test_gpb_items_this_year_and_last_year_in_code_order():
    f = derive(make_disclosure())
    items = [(i.code, i.amount, i.change.prior, i.change.rate) for i in f.gpb.items]
    assert items == [
        ("2010350", D("400.00"), D("330.00"), D("21.21")),
        ("2080502", D("20.00"), D("18.00"), D("11.11")),
        ("2080505", D("80.00"), D("75.00"), D("6.67")),
        ("2120104", D("0.00"), D("50.00"), D("-100.00")),
    ]


def test_item_names_from_table_then_comparison_then_year_data():
    d = make_disclosure()
    d.comparisons.gpb_items.append(SubjectComparison(code="2101102", prior=D("3")))  # names: year data only
    items = {i.code: i for i in derive(d).gpb.items}
    assert (items["2010350"].class_name, items["2010350"].item_name, items["2010350"].name) == (
        "一般公共服务支出", "政府办公厅（室）及相关机构事务", "事业运行")
    assert (items["2120104"].class_name, items["2120104"].item_name, items["2120104"].name) == (
        "城乡社区支出", "城乡社区管理事务", "城管执法")
    assert (items["2101102"].class_name, items["2101102"].item_name, items["2101102"].name) == (
        "卫生健康支出", "行政事业单位医疗", "事业单位医疗")


def test_item_without_spending_in_either_table_year_is_left_out():
    d = make_disclosure()
    d.t05.rows.append(d.t05.rows[-1].model_copy(update={"code": "2080599", "name": "其他", "total": D(0),
                                                        "basic": D(0), "project": D(0)}))
    assert "2080599" not in [i.code for i in derive(d).gpb.items]


def test_basic_names_only_non_zero_items_in_table_order():
    d = make_disclosure()
    d.t06.rows[2].amount = D("0")  # 30102 津贴补贴
    b = derive(d).basic
    assert b.personnel_items == ("基本工资", "绩效工资", "机关事业单位基本养老保险缴费", "住房公积金", "退休费")
    assert b.public_items == ("办公费", "差旅费", "公务接待费", "公务用车运行维护费", "其他商品和服务支出")
    assert (b.total, b.personnel, b.public) == (D("380.00"), D("340.00"), D("40.00"))


def test_empty_fund_section():
    f = derive(make_disclosure())
    assert f.fund.empty and f.fund.table_empty and f.soe.empty


def test_fund_with_nothing_this_year_but_spending_last_year_is_not_empty():
    d = make_disclosure()
    d.comparisons.fund.prior = D("40.00")
    f = derive(d)
    assert f.fund.table_empty and not f.fund.empty
    assert (f.fund.change.amount, f.fund.change.rate) == (D("-40.00"), D("-100.00"))


def test_fund_with_only_item_comparisons_is_not_empty():
    d = make_disclosure()
    d.comparisons.fund_items = [SubjectComparison(code="2120803", prior=D("11.68"))]
    f = derive(d)
    assert not f.fund.empty
    assert [(i.code, i.name, i.change.rate) for i in f.fund.items] == [("2120803", "城市建设支出", D("-100.00"))]


def test_fund_section_figures():
    f = derive(make_fund_disclosure())
    s = f.fund
    assert not s.empty
    assert (s.income_grand_total, s.expense_grand_total) == (D("35.00"), D("35.00"))
    assert (s.change.prior, s.change.amount, s.change.rate) == (D("40.00"), D("-5.00"), D("-12.50"))
    assert (s.budget.budget, s.budget.rate) == (D("30.00"), D("16.67"))
    assert [(i.code, i.amount) for i in s.items] == [("2120803", D("25.00"))]
    assert f.soe.empty


def test_soe_section_figures():
    f = derive(make_soe_disclosure())
    assert f.fund.empty and not f.soe.empty
    assert [i.code for i in f.soe.items] == ["2230199"]


def test_sangong_parts_shares_and_comparisons():
    s = derive(make_disclosure()).sangong
    assert [p.key for p in s.parts] == ["abroad", "car_total", "reception"]
    assert [p.key for p in s.budget_parts] == ["abroad", "car_purchase", "car_operation", "reception"]
    assert (s.car_total.share, s.reception.share, s.abroad.share) == (D("80.00"), D("20.00"), D("0"))
    assert (s.total.change.amount, s.total.change.rate) == (D("-1.00"), D("-16.67"))
    assert (s.total.budget_diff.budget, s.total.budget_diff.rate) == (D("6.50"), D("-23.08"))
    assert s.abroad.change.both_zero and s.abroad.budget_diff.both_zero
    assert s.car_operation.label == "公务用车运行维护费"


def test_public_expense_change():
    c = derive(make_disclosure()).public
    assert (c.current, c.prior, c.amount, c.rate) == (D("40.00"), D("38.00"), D("2.00"), D("5.26"))


def test_procurement_shares_of_total():
    p = derive(make_disclosure()).procurement
    assert (p.sme.amount, p.sme.share, p.small_micro.share) == (D("30.00"), D("60.00"), D("40.00"))


def test_vehicles_in_model_order_with_titles():
    v = derive(make_disclosure()).vehicles
    assert len(v) == 8
    assert (v[0].label, v[-1].label, v[-1].count) == ("副部（省）级及以上领导用车", "其他用车", 1)


# ---------------------------------------------------------------------------- 绩效


def test_project_figures_rate_and_scores():
    d = make_disclosure()
    pf = derive(d).performance.projects[0]
    assert (pf.key, pf.execution_rate, pf.fund_score) == ("perf1", D("100.00"), D("10.00"))
    assert (pf.total_weight, pf.total_score) == (D("100"), D("98.00"))


def test_project_fund_score_computed_when_not_given():
    p = make_disclosure().performance.projects[0]
    p.fund_score = D(0)
    p.total.executed = D("90.00")  # of 120.00 → 75.00%
    pf = project_figures(p, 1)
    assert (pf.execution_rate, pf.fund_score) == (D("75.00"), D("7.50"))


def test_project_fund_score_capped_at_weight():
    p = make_disclosure().performance.projects[0]
    p.fund_score = D(0)
    p.total.executed = D("150.00")
    assert project_figures(p, 1).fund_score == D("10.00")


def test_reference_000_total_score():
    p = make_disclosure().performance.projects[0]
    p.fund_score = D("10")
    p.indicators = [p.indicators[0].model_copy(update={"weight": D(w), "score": D(s)})
                    for w, s in [("1", "1"), ("25.66", "25.66"), ("13.34", "13.34"), ("19", "19"),
                                 ("1", "0.8"), ("20", "20"), ("10", "10")]]
    pf = project_figures(p, 1)
    assert (pf.total_weight, pf.total_score) == (D("100"), D("99.80"))


def test_performance_sums_unless_stated():
    d = make_disclosure()
    d.performance.project_count = None
    d.performance.full_budget = None
    d.performance.executed = None
    second = d.performance.projects[0].model_copy(deep=True)
    second.total.full_budget = D("30.50")
    second.total.executed = D("30.00")
    d.performance.projects.append(second)
    perf = derive(d).performance
    assert (perf.count, perf.full_budget, perf.executed) == (2, D("150.50"), D("150.00"))
    assert [p.key for p in perf.projects] == ["perf1", "perf2"]


def test_performance_stated_figures_win():
    d = make_disclosure()
    d.performance.full_budget = D("253.85")
    assert derive(d).performance.full_budget == D("253.85")


@pytest.mark.parametrize("value", [D("0.005"), D("2.675"), D("1234.565")])
def test_all_amounts_are_decimals_rounded_half_up(value: Decimal):
    f = derive(make_disclosure(**{"procurement.total": value, "procurement.goods": value}))
    assert isinstance(f.procurement.total, Decimal)
    assert f.procurement.total == value.quantize(D("0.01"), rounding="ROUND_HALF_UP")
