"""The narrative wording: one test per phrasing rule and per variant, on small models.

The models come from tests/factories.py (a consistent 事业单位 “测试市某某中心”, 2024),
changed only where the test is about.
"""

from __future__ import annotations

import pytest
from factories import (
    D,
    make_admin_disclosure,
    make_disclosure,
    make_fund_disclosure,
    make_soe_disclosure,
)

from generator.document import Heading, Paragraph
from generator.model import Project, SubjectComparison, UnitKind
from generator.report import build_document


def paragraphs_after(doc, heading: str) -> list[str]:
    """The paragraph texts between the heading ``heading`` and the next heading."""
    out: list[str] = []
    inside = False
    for b in doc.blocks:
        if isinstance(b, Heading):
            if inside:
                break
            inside = b.text == heading
        elif inside and isinstance(b, Paragraph):
            out.append(b.bold_prefix + b.text)
    assert inside or out, f"heading {heading!r} not found"
    return out


def section_text(d, heading: str) -> str:
    return "\n".join(paragraphs_after(build_document(d), heading))


# ---------------------------------------------------------------------------- phrasing


def test_increase_is_worded_increase_and_growth():
    d = make_disclosure()  # 收入支出总计 510.00 vs 480.00
    text = section_text(d, "一、收入支出决算总体情况说明")
    assert "收入支出总体与上年相比，增加30.00万元，增长6.25%，主要原因是：业务量变化，相应支出调整。" in text


def test_decrease_is_worded_decrease_and_fall():
    d = make_disclosure(**{"comparisons.total.prior": D("600.00")})
    text = section_text(d, "一、收入支出决算总体情况说明")
    assert "与上年相比，减少90.00万元，下降15.00%，" in text


def test_prior_year_zero_reads_growth_of_100_percent():
    d = make_disclosure(**{"comparisons.public_expense.prior": D("0")})
    text = section_text(d, "（一）机关运行经费及公用经费支出情况")
    assert "公用经费支出40.00万元，比上年增加40.00万元，增长100.00%，" in text


def test_current_year_zero_reads_fall_of_100_percent():
    text = section_text(make_disclosure(), "（三）一般公共预算财政拨款支出决算具体情况")
    assert (
        "4.城乡社区支出（类）城乡社区管理事务（款）城管执法（项）：支出决算数为0.00万元，"
        "比上年决算减少50.00万元，下降100.00%，主要原因是：业务量变化，相应支出调整。"
    ) in text


def test_both_years_zero_reads_as_the_references():
    d = make_disclosure(**{"t06.public_total": D("0"), "comparisons.public_expense.prior": D("0")})
    text = section_text(d, "（一）机关运行经费及公用经费支出情况")
    assert "公用经费支出0.00万元，比上年增加0.00万元，增长0.00%" in text


def test_unchanged_amount_reads_increase_of_zero():
    d = make_disclosure(**{"comparisons.public_expense.prior": D("40.00")})
    assert "比上年增加0.00万元，增长0.00%" in section_text(d, "（一）机关运行经费及公用经费支出情况")


def test_reason_left_empty_drops_the_reason_clause():
    d = make_disclosure(**{"comparisons.total.reason": ""})
    text = section_text(d, "一、收入支出决算总体情况说明")
    assert "收入支出总体与上年相比，增加30.00万元，增长6.25%。" in text
    assert "主要原因是" not in text


def test_reason_keeps_one_full_stop():
    d = make_disclosure(**{"comparisons.total.reason": "人员增加。"})
    assert "主要原因是：人员增加。" in section_text(d, "一、收入支出决算总体情况说明")
    d = make_disclosure(**{"comparisons.total.reason": "人员增加"})
    assert "主要原因是：人员增加。" in section_text(d, "一、收入支出决算总体情况说明")


def test_budget_difference_negative_rate_keeps_its_sign():
    d = make_disclosure(**{"comparisons.fiscal.budget": D("600.00")})
    text = section_text(d, "四、财政拨款收入支出决算总体情况说明")
    assert "与年初预算相比，年初预算数600.00万元，决算数508.00万元，预决算差异率-15.33%，" in text


def test_budget_zero_with_spending_is_100_percent_in_text():
    d = make_disclosure(**{"comparisons.gpb_expense.budget": D("0")})
    text = section_text(d, "（一）一般公共预算财政拨款支出决算总体情况")
    assert "年初预算数0.00万元，决算数500.00万元，预决算差异率100.00%" in text


def test_amounts_have_thousands_separators():
    d = make_disclosure(**{"procurement.total": D("1234.5"), "procurement.services": D("1224.5")})
    text = section_text(d, "（二）政府采购情况")
    assert "政府采购支出总额1,234.50万元" in text and "政府采购服务支出1,224.50万元" in text


# ---------------------------------------------------------------------------- 第一部分


def test_functions_one_paragraph_each_numbering_kept():
    d = make_disclosure(**{"unit.functions": ["1.负责甲。", "2.负责乙；承办丙。"]})
    assert paragraphs_after(build_document(d), "一、主要职能") == ["1.负责甲。", "2.负责乙；承办丙。"]


def test_staff_sentence_with_increase_and_decrease():
    d = make_disclosure(**{"unit.staff.retirees_change": -1})
    text = section_text(d, "二、机构设置及人员情况")
    assert (
        "测试市某某中心2024年度，实有人数12人，其中：在职人员10人，增加1人；离休人员0人，增加0人；"
        "退休人员2人，减少1人。"
    ) in text


def test_departments_listed():
    text = section_text(make_disclosure(), "二、机构设置及人员情况")
    assert "测试市某某中心无下属预算单位，下设2个科室，分别是：综合科、业务科。" in text


def test_no_departments_reads_as_the_reference():
    d = make_disclosure(**{"unit.departments": []})
    text = section_text(d, "二、机构设置及人员情况")
    assert "测试市某某中心无下属预算单位，下设0个科室，分别是：我单位无下设科室。" in text


def test_subunits_listed():
    d = make_disclosure(**{"unit.subunits": ["测试市某某分中心", "测试市某某站"]})
    text = section_text(d, "二、机构设置及人员情况")
    assert "测试市某某中心下属预算单位2个，分别是：测试市某某分中心、测试市某某站；下设2个科室" in text
    assert "无下属预算单位" not in text


# ---------------------------------------------------------------------------- 二 to 六


def test_income_lists_every_source_with_share():
    text = section_text(make_disclosure(), "二、收入决算情况说明")
    assert text == (
        "本年收入500.00万元，其中：财政拨款收入500.00万元，占100.00%；上级补助收入0.00万元，占0.00%；"
        "事业收入0.00万元，占0.00%；经营收入0.00万元，占0.00%；附属单位上缴收入0.00万元，占0.00%；"
        "其他收入0.00万元，占0.00%。"
    )


def test_expense_lists_every_type_with_share():
    text = section_text(make_disclosure(), "三、支出决算情况说明")
    assert text.startswith("本年支出500.00万元，其中：基本支出380.00万元，占76.00%；项目支出120.00万元，占24.00%；")
    assert text.endswith("对附属单位补助支出0.00万元，占0.00%。")


def test_fiscal_totals_sentence():
    text = section_text(make_disclosure(), "四、财政拨款收入支出决算总体情况说明")
    assert (
        "2024年度财政拨款收入总计508.00万元，其中：年初财政拨款结转和结余8.00万元，本年财政拨款收入500.00万元。"
        "财政拨款支出总计508.00万元，其中：年末财政拨款结转和结余8.00万元，本年财政拨款支出500.00万元。"
    ) in text


def test_gpb_structure_each_class_with_share():
    assert paragraphs_after(build_document(make_disclosure()), "（二）一般公共预算财政拨款支出决算结构情况") == [
        "1.一般公共服务支出（类）400.00万元，占80.00%。",
        "2.社会保障和就业支出（类）100.00万元，占20.00%。",
    ]


def test_gpb_items_every_item_with_spending_this_or_last_year():
    paras = paragraphs_after(build_document(make_disclosure()), "（三）一般公共预算财政拨款支出决算具体情况")
    assert [p.split("：")[0] for p in paras] == [
        "1.一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）",
        "2.社会保障和就业支出（类）行政事业单位养老支出（款）事业单位离退休（项）",
        "3.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）",
        "4.城乡社区支出（类）城乡社区管理事务（款）城管执法（项）",
    ]
    assert "支出决算数为400.00万元，比上年决算增加70.00万元，增长21.21%" in paras[0]


def test_gpb_overall_share_of_expense_total():
    text = section_text(make_disclosure(), "（一）一般公共预算财政拨款支出决算总体情况")
    assert text.startswith("2024年度一般公共预算财政拨款支出500.00万元，占本年支出合计的100.00%。与上年相比，增加27.00万元")


def test_basic_expense_names_non_zero_economic_items():
    paras = paragraphs_after(build_document(make_disclosure()), "六、一般公共预算财政拨款基本支出决算情况说明")
    assert paras == [
        "2024年度一般公共预算财政拨款基本支出380.00万元，其中：人员经费340.00万元，包括：基本工资、津贴补贴、"
        "绩效工资、机关事业单位基本养老保险缴费、住房公积金、退休费。",
        "公用经费40.00万元，包括：办公费、差旅费、公务接待费、公务用车运行维护费、其他商品和服务支出。",
    ]


# ---------------------------------------------------------------------------- 七/八


def test_empty_fund_and_soe_sections():
    doc = build_document(make_disclosure())
    assert paragraphs_after(doc, "七、政府性基金预算财政拨款收入支出决算情况说明") == [
        "本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，政府性基金预算财政拨款收入支出决算表为空表。"
    ]
    assert paragraphs_after(doc, "八、国有资本经营预算财政拨款收入支出决算情况说明") == [
        "本单位本年度无国有资本经营预算财政拨款收入、支出及结转和结余，国有资本经营预算财政拨款收入支出决算表为空表。"
    ]


def test_non_empty_fund_section():
    paras = paragraphs_after(build_document(make_fund_disclosure()), "七、政府性基金预算财政拨款收入支出决算情况说明")
    assert paras == [
        "2024年度政府性基金预算财政拨款收入总计35.00万元，其中：年初结转和结余5.00万元，本年收入30.00万元。"
        "政府性基金预算财政拨款支出总计35.00万元，其中：年末结转和结余10.00万元，本年支出25.00万元。",
        "政府性基金预算财政拨款收入支出总体与上年相比，减少5.00万元，下降12.50%，主要原因是：业务量变化，相应支出调整。"
        "与年初预算相比，年初预算数30.00万元，决算数35.00万元，预决算差异率16.67%，"
        "主要原因是：年中追加预算，决算与年初预算存在差异。",
        "政府性基金预算财政拨款支出25.00万元。",
        "1.城乡社区支出（类）国有土地使用权出让收入安排的支出（款）城市建设支出（项）：支出决算数为25.00万元，"
        "比上年决算减少15.00万元，下降37.50%，主要原因是：业务量变化，相应支出调整。",
    ]


def test_non_empty_soe_section():
    doc = build_document(make_soe_disclosure())
    text = "\n".join(paragraphs_after(doc, "八、国有资本经营预算财政拨款收入支出决算情况说明"))
    assert text.startswith("2024年度国有资本经营预算财政拨款收入总计35.00万元")
    assert "国有资本经营预算财政拨款支出25.00万元。" in text
    assert "其他解决历史遗留问题及改革成本支出（项）：支出决算数为25.00万元" in text
    assert "为空表" in "\n".join(paragraphs_after(doc, "七、政府性基金预算财政拨款收入支出决算情况说明"))


def test_fund_with_nothing_left_but_last_year_items_is_a_full_section():
    d = make_disclosure(**{
        "comparisons.fund.prior": D("11.68"),
        "comparisons.fund_items": [SubjectComparison(code="2120803", prior=D("11.68"), reason="机构调整。")],
    })
    text = section_text(d, "七、政府性基金预算财政拨款收入支出决算情况说明")
    assert "为空表" not in text
    assert "收入总计0.00万元" in text and "减少11.68万元，下降100.00%" in text
    assert "城市建设支出（项）：支出决算数为0.00万元，比上年决算减少11.68万元，下降100.00%，主要原因是：机构调整。" in text


# ---------------------------------------------------------------------------- 九 三公


def _zero_sangong(**extra):
    values = {
        "t09.actual.total": D(0), "t09.actual.car_total": D(0), "t09.actual.car_operation": D(0),
        "t09.actual.reception": D(0), "t09.budget.total": D(0), "t09.budget.car_total": D(0),
        "t09.budget.car_operation": D(0), "t09.budget.reception": D(0),
        "sangong.car_holding": 0, "sangong.car_operation_content": "", "sangong.reception_content": "",
        "sangong.vehicle_difference_reason": "", "sangong.reception_batches": 0, "sangong.reception_persons": 0,
        "assets.vehicle_count": 0, "assets.vehicles.other": 0, "assets.other_vehicle_description": "",
    }
    for key in ("total", "abroad", "car_total", "car_purchase", "car_operation", "reception"):
        values[f"comparisons.sangong.{key}.prior"] = D(0)
        values[f"comparisons.sangong.{key}.reason"] = ""
        values[f"comparisons.sangong.{key}.budget_reason"] = ""
    values.update(extra)
    return make_disclosure(**values)


def test_sangong_all_zero_uses_the_references_defaults():
    text = section_text(_zero_sangong(), "九、财政拨款“三公”经费支出决算情况说明")
    expected = [
        "2024年度财政拨款“三公”经费支出0.00万元，比上年增加0.00万元，增长0.00%，"
        "主要原因是：2023年与2024年均未安排财政拨款“三公”经费支出。",
        "其中：因公出国（境）费支出0.00万元，占0.00%，比上年增加0.00万元，增长0.00%，"
        "主要原因是：2023年与2024年均未安排因公出国（境）费支出。",
        "公务用车购置及运行维护费支出0.00万元，占0.00%，比上年增加0.00万元，增长0.00%，"
        "主要原因是：2023年与2024年均未安排公务用车购置及运行维护费支出。",
        "公务接待费支出0.00万元，占0.00%，比上年增加0.00万元，增长0.00%，主要原因是：2023年与2024年均未安排公务接待费支出。",
        "因公出国（境）费支出0.00万元，开支内容包括本单位无因公出国（境）费。"
        "单位全年安排的因公出国（境）团组0个，因公出国（境）0人次。",
        "公务用车运行维护费开支内容包括本单位无公务用车运行维护费。公务用车购置数0辆，公务用车保有量0辆。"
        "国有资产占用情况中固定资产车辆0辆，与公务用车保有量差异原因是：本单位无固定资产车辆。",
        "公务接待费0.00万元，开支内容包括本单位无公务接待费。单位全年安排的国内公务接待0批次，0人次。",
        "与全年预算相比，财政拨款“三公”经费支出全年预算数0.00万元，决算数0.00万元，预决算差异率0.00%，"
        "主要原因是：本单位无财政拨款“三公”经费支出。",
        "其中：因公出国（境）费全年预算数0.00万元，决算数0.00万元，预决算差异率0.00%，主要原因是：本单位无因公出国（境）费。",
        "公务用车购置费全年预算数0.00万元，决算数0.00万元，预决算差异率0.00%，主要原因是：本单位无公务用车购置费。",
        "公务用车运行维护费全年预算数0.00万元，决算数0.00万元，预决算差异率0.00%，主要原因是：本单位无公务用车运行维护费。",
        "公务接待费全年预算数0.00万元，决算数0.00万元，预决算差异率0.00%，主要原因是：本单位无公务接待费。",
    ]
    for sentence in expected:
        assert sentence in text


def test_sangong_non_zero_parts_use_the_given_reasons_and_contents():
    text = section_text(make_disclosure(), "九、财政拨款“三公”经费支出决算情况说明")
    assert (
        "2024年度财政拨款“三公”经费支出5.00万元，比上年减少1.00万元，下降16.67%，主要原因是：业务量变化，相应支出调整。"
    ) in text
    assert "公务用车购置及运行维护费支出4.00万元，占80.00%，比上年减少0.50万元，下降11.11%，" in text
    assert "公务接待费支出1.00万元，占20.00%，比上年减少0.50万元，下降33.33%，" in text
    assert "公务用车运行维护费开支内容包括车辆加油费、维修费、保险费等。" in text
    assert "公务接待费1.00万元，开支内容包括接待上级部门业务检查。单位全年安排的国内公务接待5批次，20人次。" in text
    assert "与公务用车保有量差异原因是：本单位固定资产车辆与公务用车保有量一致，无差异。" in text
    assert "公务用车运行维护费全年预算数5.00万元，决算数4.00万元，预决算差异率-20.00%，主要原因是：年中追加预算" in text
    # 因公出国 is zero in both years but the factory gives reasons: they are printed as given
    assert "因公出国（境）费支出0.00万元，占0.00%，比上年增加0.00万元，增长0.00%，主要原因是：业务量变化" in text


def test_sangong_zero_part_without_reason_gets_default_next_to_non_zero_parts():
    d = make_disclosure(**{"comparisons.sangong.abroad.reason": "", "comparisons.sangong.abroad.budget_reason": ""})
    text = section_text(d, "九、财政拨款“三公”经费支出决算情况说明")
    assert "因公出国（境）费支出0.00万元，占0.00%，比上年增加0.00万元，增长0.00%，主要原因是：2023年与2024年均未安排因公出国（境）费支出。" in text
    assert "因公出国（境）费全年预算数0.00万元，决算数0.00万元，预决算差异率0.00%，主要原因是：本单位无因公出国（境）费。" in text
    assert "开支内容包括本单位无因公出国（境）费。" in text


def test_sangong_non_zero_part_without_reason_or_content_has_no_clause():
    d = make_disclosure(**{"comparisons.sangong.reception.reason": "", "sangong.reception_content": ""})
    text = section_text(d, "九、财政拨款“三公”经费支出决算情况说明")
    assert "公务接待费支出1.00万元，占20.00%，比上年减少0.50万元，下降33.33%。" in text
    assert "公务接待费1.00万元。单位全年安排的国内公务接待5批次，20人次。" in text


def test_vehicle_difference_default_when_counts_agree():
    d = make_disclosure(**{"sangong.vehicle_difference_reason": ""})
    text = section_text(d, "九、财政拨款“三公”经费支出决算情况说明")
    assert "固定资产车辆1辆，与公务用车保有量差异原因是：本单位固定资产车辆与公务用车保有量一致无差异。" in text


# ---------------------------------------------------------------------------- 十


def test_public_institution_reports_public_expense():
    doc = build_document(make_disclosure())
    assert "（一）机关运行经费及公用经费支出情况" in [h.text for h in doc.headings()]
    text = "\n".join(paragraphs_after(doc, "（一）机关运行经费及公用经费支出情况"))
    assert text.startswith("2024年度测试市某某中心（事业单位）公用经费支出40.00万元，比上年增加2.00万元，增长5.26%，")


@pytest.mark.parametrize("kind", [UnitKind.ADMINISTRATIVE, UnitKind.CIVIL_SERVICE_MANAGED])
def test_administrative_and_civil_service_units_report_operating_costs(kind):
    d = make_admin_disclosure(**{"unit.kind": kind})
    doc = build_document(d)
    headings = [h.text for h in doc.headings()]
    assert "（一）机关运行经费支出情况" in headings
    assert "（一）机关运行经费及公用经费支出情况" not in headings
    text = "\n".join(paragraphs_after(doc, "（一）机关运行经费支出情况"))
    assert text.startswith(f"2024年度测试市某某中心（{kind.value}）机关运行经费支出40.00万元，比上年增加2.00万元")
    assert "（一）机关运行经费支出情况" in [e.text for e in _toc(doc).entries]
    # the 名词解释 keeps 机关运行经费 for every kind of unit
    assert any(p.startswith("十四、机关运行经费：") for p in paragraphs_after(doc, "第三部分 专业名词解释"))


def test_procurement_sentences():
    paras = paragraphs_after(build_document(make_disclosure()), "（二）政府采购情况")
    assert paras == [
        "2024年度政府采购支出总额50.00万元，其中：政府采购货物支出10.00万元、政府采购工程支出0.00万元、政府采购服务支出40.00万元。",
        "授予中小企业合同金额30.00万元，占政府采购支出总额的60.00%，其中：授予小微企业合同金额20.00万元，占政府采购支出总额的40.00%。",
    ]


def test_procurement_zero_total_shares_are_zero():
    d = make_disclosure(**{f"procurement.{k}": D(0) for k in ("total", "goods", "services", "sme", "small_micro")})
    assert "授予中小企业合同金额0.00万元，占政府采购支出总额的0.00%" in section_text(d, "（二）政府采购情况")


def test_assets_eight_vehicle_categories():
    text = section_text(make_disclosure(), "（三）国有资产占用情况说明")
    assert text == (
        "截至2024年12月31日，房屋500.00平方米，价值120.00万元。车辆1辆，价值15.00万元，其中：副部（省）级及以上领导用车0辆、"
        "主要负责人用车0辆、机要通信用车0辆、应急保障用车0辆、执法执勤用车0辆、特种专业技术用车0辆、离退休干部服务用车0辆、"
        "其他用车1辆，其他用车主要是：一般公务用车。单价100万元（含）以上设备（不含车辆）0台（套）。"
    )


def test_assets_no_other_vehicles_default():
    d = make_disclosure(**{"assets.vehicles.other": 0, "assets.other_vehicle_description": ""})
    assert "其他用车0辆，其他用车主要是：我单位无其他用车。" in section_text(d, "（三）国有资产占用情况说明")


# ---------------------------------------------------------------------------- 十一 十二


def test_performance_paragraphs():
    paras = paragraphs_after(build_document(make_disclosure()), "十一、预算绩效的情况说明")
    assert paras == [
        "根据预算绩效管理要求，本单位预算绩效评价项目1个，全年预算数120.00万元，全年执行数120.00万元。"
        "预算绩效管理取得的成效：项目按计划完成。发现的问题及原因：绩效目标设置仍需细化。",
        "下一步改进措施：进一步完善绩效指标体系。具体附项目支出绩效自评表。",
    ]


def test_several_projects_get_one_table_each_after_section_eleven():
    d = make_disclosure()
    second = d.performance.projects[0].model_copy(deep=True)
    second.name = "第二个项目"
    d.performance.projects.append(second)
    d.performance.project_count = None
    doc = build_document(d)
    keys = [b.key for b in doc.blocks if hasattr(b, "key")]
    assert keys[:2] == ["perf1", "perf2"]
    perf = [t for t in doc.tables() if t.key.startswith("perf")]
    assert [t.body[0][1].text for t in perf] == ["测试业务运行保障项目", "第二个项目"]
    i = doc.blocks.index(perf[0])
    assert doc.blocks[i - 1].text.endswith("具体附项目支出绩效自评表。")
    assert doc.blocks[i + 2].text == "十二、其他需说明的事项"
    assert "本单位预算绩效评价项目2个，全年预算数120.00万元" in section_text(d, "十一、预算绩效的情况说明")


def test_no_projects():
    d = make_disclosure(**{"performance.projects": [], "performance.project_count": None,
                           "performance.achievements": "", "performance.problems": "",
                           "performance.improvements": ""})
    doc = build_document(d)
    assert paragraphs_after(doc, "十一、预算绩效的情况说明") == ["根据预算绩效管理要求，本单位本年度无预算绩效评价项目。"]
    assert not [t for t in doc.tables() if t.key.startswith("perf")]


def test_other_matters_default_sentence():
    assert paragraphs_after(build_document(make_disclosure()), "十二、其他需说明的事项") == ["本单位无其他需说明的事项。"]


def test_other_matters_one_paragraph_per_line():
    d = make_disclosure(other_matters="一是甲。\n二是乙。")
    assert paragraphs_after(build_document(d), "十二、其他需说明的事项") == ["一是甲。", "二是乙。"]


def test_user_text_is_never_markup():
    d = make_disclosure(other_matters="# 不是标题\n@table t01\n**不是粗体**")
    doc = build_document(d)
    assert paragraphs_after(doc, "十二、其他需说明的事项") == ["# 不是标题", "@table t01", "**不是粗体**"]
    assert "# 不是标题" not in [h.text for h in doc.headings()]


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_in_user_text_never_starts_markup(brk):
    """A LINE SEPARATOR (U+2028, pasted from a web page or Word) ended a line for the markup
    parser but not for the protection of inserted values: “原因\u2028# 标题” made a heading."""
    d = make_disclosure(**{"comparisons.total.reason": f"人员增加{brk}# 不是标题{brk}@mark 草稿"})
    doc = build_document(d)
    assert "不是标题" not in [h.text for h in doc.headings()] and doc.mark == ""
    assert "主要原因是：人员增加# 不是标题@mark 草稿。" in doc.plain_text()


def test_a_private_use_character_of_the_data_is_kept():
    """U+E000 (the first 造字 code point of GBK systems) was the template's internal mark and
    was removed from every text: the text lost it while the check said the PDF could not show it."""
    doc = build_document(make_disclosure(other_matters="本单位\ue000无其他事项。"))
    assert paragraphs_after(doc, "十二、其他需说明的事项") == ["本单位\ue000无其他事项。"]


def _toc(doc):
    from generator.document import Toc

    return next(b for b in doc.blocks if isinstance(b, Toc))


def test_project_model_defaults_are_usable():
    d = make_disclosure(**{"performance.projects": [Project(name="最小项目")], "performance.project_count": None,
                           "performance.full_budget": None, "performance.executed": None})
    assert "本单位预算绩效评价项目1个，全年预算数0.00万元，全年执行数0.00万元。" in section_text(
        d, "十一、预算绩效的情况说明")
