"""The Document as a whole: section order, 目录, and the nine 公开表 and the 自评表."""

from __future__ import annotations

import pytest
from conftest import load_sample, sample_paths
from factories import D, make_disclosure, make_fund_disclosure

from generator.document import Cell, Heading, Table, Toc
from generator.report import build_document
from generator.tables import amount, build_tables

# Every heading of the reference disclosures, in their order (事业单位 variant).
REFERENCE_HEADINGS = [
    "第一部分 单位概况",
    "一、主要职能",
    "二、机构设置及人员情况",
    "第二部分 部门决算情况说明",
    "一、收入支出决算总体情况说明",
    "二、收入决算情况说明",
    "三、支出决算情况说明",
    "四、财政拨款收入支出决算总体情况说明",
    "五、一般公共预算财政拨款支出决算情况说明",
    "（一）一般公共预算财政拨款支出决算总体情况",
    "（二）一般公共预算财政拨款支出决算结构情况",
    "（三）一般公共预算财政拨款支出决算具体情况",
    "六、一般公共预算财政拨款基本支出决算情况说明",
    "七、政府性基金预算财政拨款收入支出决算情况说明",
    "八、国有资本经营预算财政拨款收入支出决算情况说明",
    "九、财政拨款“三公”经费支出决算情况说明",
    "十、其他重要事项的情况说明",
    "（一）机关运行经费及公用经费支出情况",
    "（二）政府采购情况",
    "（三）国有资产占用情况说明",
    "十一、预算绩效的情况说明",
    "十二、其他需说明的事项",
    "第三部分 专业名词解释",
    "第四部分 部门决算报表（见附表）",
]
TABLE_LIST = [
    "一、《收入支出决算总表》",
    "二、《收入决算表》",
    "三、《支出决算表》",
    "四、《财政拨款收入支出决算总表》",
    "五、《一般公共预算财政拨款支出决算表》",
    "六、《一般公共预算财政拨款基本支出决算表》",
    "七、《政府性基金预算财政拨款收入支出决算表》",
    "八、《国有资本经营预算财政拨款收入支出决算表》",
    "九、《财政拨款“三公”经费支出决算表》",
]


@pytest.fixture(scope="module")
def doc():
    return build_document(make_disclosure())


@pytest.fixture(scope="module")
def tables(doc):
    return {t.key: t for t in doc.tables()}


def texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row]


def check_grid(rows: list[list[Cell]], ncols: int) -> None:
    """Every row, with the cells spanning into it from above, fills exactly ``ncols`` columns."""
    held: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    for r, row in enumerate(rows):
        busy = {c for c, n in held.items() if n > 0}
        col = 0
        for cell in row:
            while col in busy:
                col += 1
            assert col + cell.colspan <= ncols, f"row {r} overflows: {texts(row)}"
            for c in range(col, col + cell.colspan):
                assert c not in busy, f"row {r} overlaps a rowspan: {texts(row)}"
                if cell.rowspan > 1:
                    held[c] = cell.rowspan
            col += cell.colspan
        while col in busy:
            col += 1
        assert col == ncols, f"row {r} fills {col} of {ncols} columns: {texts(row)}"
        assert all(r + cell.rowspan <= len(rows) for cell in row), f"row {r} spans past the grid"
        held = {c: n - 1 for c, n in held.items() if n - 1 > 0}


def test_check_grid_catches_bad_rows():
    with pytest.raises(AssertionError):
        check_grid([[Cell("a", rowspan=2), Cell("b")], [Cell("c"), Cell("d")]], 2)
    with pytest.raises(AssertionError):
        check_grid([[Cell("a"), Cell("b", colspan=2)]], 2)
    check_grid([[Cell("a", rowspan=2), Cell("b")], [Cell("c")]], 2)


# ---------------------------------------------------------------------------- structure


def test_headings_in_the_references_order(doc):
    assert [h.text for h in doc.headings()] == REFERENCE_HEADINGS


def test_document_title_and_metadata(doc):
    assert doc.title == "测试市某某中心2024年单位决算公开说明"
    assert (doc.author, doc.year) == ("测试市某某中心", 2024)


def test_toc_lists_headings_then_the_nine_tables(doc):
    toc = next(b for b in doc.blocks if isinstance(b, Toc))
    assert doc.blocks[0] is toc
    entries = [e.text for e in toc.entries]
    assert entries == REFERENCE_HEADINGS + TABLE_LIST
    levels = {e.text: e.level for e in toc.entries}
    assert (levels["第一部分 单位概况"], levels["一、主要职能"], levels["（二）政府采购情况"]) == (1, 2, 3)
    anchors = {b.anchor for b in doc.blocks if isinstance(b, Heading | Table)}
    assert all(e.anchor in anchors for e in toc.entries)


def test_table_list_then_the_tables_in_order(doc):
    i = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text.startswith("第四部分"))
    after = doc.blocks[i + 1 :]
    assert [b.text for b in after[:9]] == TABLE_LIST
    assert [b.key for b in after[9:]] == [f"t0{n}" for n in range(1, 10)]
    assert [b.code for b in after[9:]] == [f"公开0{n}表" for n in range(1, 10)]


def test_glossary_has_the_fourteen_definitions(doc):
    i = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == "第三部分 专业名词解释")
    defs = doc.blocks[i + 1 : i + 15]
    assert [d.bold_prefix.split("、")[0] for d in defs] == [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"]
    assert defs[0].bold_prefix + defs[0].text == "一、财政拨款收入：指同级财政当年拨付的资金。"
    assert defs[13].bold_prefix + defs[13].text == (
        "十四、机关运行经费：行政单位和参照公务员法管理的事业单位财政拨款基本支出中的公用经费支出。")
    assert isinstance(doc.blocks[i + 15], Heading)


# ---------------------------------------------------------------------------- the nine tables


def test_every_table_has_identity_lines(tables):
    for key in [f"t0{n}" for n in range(1, 10)]:
        t = tables[key]
        assert t.unit_name == "测试市某某中心" and t.money_unit == "金额单位：万元"
        assert t.note.startswith("注：本表反映单位本年度")
        assert t.anchor == key and t.new_page
        check_grid(t.header, t.columns)
        check_grid(t.body, t.columns)
    assert {k for k, t in tables.items() if t.landscape} == {"t02", "t03", "t04", "t07", "t08", "t09"}


def test_t01_layout_and_totals(tables):
    t = tables["t01"]
    assert texts(t.header[0]) == ["收入", "支出"]
    assert texts(t.header[1]) == ["项目", "决算数", "项目", "决算数"]
    assert texts(t.header[2]) == ["栏次", "1", "栏次", "2"]
    assert len(t.body) == 26 + 4  # every 类 of the 2024 year data, then 4 closing rows
    assert texts(t.body[0]) == ["一、一般公共预算财政拨款收入", "500.00", "一、一般公共服务支出", "400.00"]
    assert texts(t.body[7])[:2] == ["八、其他收入", ""]
    assert texts(t.body[25])[2] == "二十六、抗疫特别国债安排的支出"
    assert texts(t.body[-4]) == ["本年收入合计", "500.00", "本年支出合计", "500.00"]
    assert texts(t.body[-3]) == ["使用非财政拨款结余（含专用结余）", "", "结余分配", ""]
    assert texts(t.body[-2]) == ["年初结转和结余", "10.00", "年末结转和结余", "10.00"]
    assert texts(t.body[-1]) == ["总计", "510.00", "总计", "510.00"]


def test_subject_tables_headers_and_total_row_first(tables):
    t02, t03, t05 = tables["t02"], tables["t03"], tables["t05"]
    assert texts(t02.header[0]) == ["项目", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                                    "附属单位上缴收入", "其他收入"]
    assert texts(t02.header[1]) == ["功能分类科目编码", "科目名称"]
    assert texts(t02.header[2]) == ["栏次", "1", "2", "3", "4", "5", "6", "7"]
    assert texts(t03.header[0]) == ["项目", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
                                    "对附属单位补助支出"]
    assert texts(t05.header[0]) == ["项目", "合计", "基本支出", "项目支出"]
    assert texts(t05.body[0]) == ["合计", "500.00", "380.00", "120.00"]
    assert texts(t05.body[1]) == ["201", "一般公共服务支出", "400.00", "280.00", "120.00"]
    assert texts(t05.body[3]) == ["2010350", "事业运行", "400.00", "280.00", "120.00"]
    assert len(t05.body) == 1 + 7  # 合计 + 2 类 + 2 款 + 3 项
    assert texts(t03.body[0])[:4] == ["合计", "500.00", "380.00", "120.00"]
    assert len(t02.body) == 1 + 7 and len(t03.body) == 1 + 7


def test_t04_layout(tables):
    t = tables["t04"]
    assert texts(t.header[1]) == ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
                                  "国有资本经营预算财政拨款"]
    assert texts(t.header[2]) == ["栏次", "1", "栏次", "2", "3", "4", "5"]
    assert len(t.body) == 26 + 6
    assert texts(t.body[0]) == ["一、一般公共预算财政拨款", "500.00", "一、一般公共服务支出", "400.00", "400.00", "", ""]
    assert texts(t.body[26]) == ["本年收入合计", "500.00", "本年支出合计", "500.00", "500.00", "", ""]
    assert texts(t.body[27])[:4] == ["年初财政拨款结转和结余", "8.00", "年末财政拨款结转和结余", "8.00"]
    assert texts(t.body[28])[:2] == ["一、一般公共预算财政拨款", "8.00"]
    assert texts(t.body[-1]) == ["总计", "508.00", "总计", "508.00", "508.00", "", ""]


def test_t06_two_groups_with_totals(tables):
    t = tables["t06"]
    assert texts(t.header[0]) == ["人员经费", "公用经费"]
    assert texts(t.header[1]) == ["经济分类科目编码", "科目名称", "决算数"] * 2
    assert texts(t.body[0]) == ["301", "工资福利支出", "320.00", "302", "商品和服务支出", "40.00"]
    assert texts(t.body[6])[:3] == ["303", "对个人和家庭的补助", "20.00"]
    assert len(t.body) == 8 + 1  # 8 personnel rows (301 + 5, 303 + 1) beside 6 public rows, then totals
    assert texts(t.body[-1]) == ["人员经费合计", "340.00", "公用经费合计", "40.00"]


def test_empty_fund_tables_keep_their_shell(tables):
    for key, word in (("t07", "政府性基金"), ("t08", "国有资本经营")):
        t = tables[key]
        assert texts(t.header[0]) == ["项目", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余"]
        assert texts(t.header[1]) == ["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"]
        assert len(t.body) == 1 and texts(t.body[0]) == ["合计", "", "", "", "", "", ""]
        assert word in t.empty_note and "空表" in t.empty_note


def test_non_empty_fund_table():
    t = build_tables(make_fund_disclosure())["t07"]
    assert t.empty_note == ""
    assert texts(t.body[0]) == ["合计", "5.00", "30.00", "25.00", "", "25.00", "10.00"]
    assert texts(t.body[-1]) == ["2120803", "城市建设支出", "5.00", "30.00", "25.00", "", "25.00", "10.00"]
    assert len(t.body) == 1 + 3


def test_t09_twelve_columns(tables):
    t = tables["t09"]
    assert t.columns == 12
    assert texts(t.header[1]) == ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"]
    assert texts(t.header[2]) == ["小计", "公务用车购置费", "公务用车运行维护费"]
    assert texts(t.header[3]) == ["预算数", "决算数"] * 6
    assert texts(t.header[4]) == [str(n) for n in range(1, 13)]
    assert texts(t.body[0]) == ["6.50", "5.00", "", "", "5.00", "4.00", "", "", "5.00", "4.00", "1.50", "1.00"]


def test_zero_amounts_print_blank_in_the_tables():
    assert (amount(D("0")), amount(D("0.004")), amount(None), amount(D("0.005"))) == ("", "", "", "0.01")


# ---------------------------------------------------------------------------- 自评表


def test_self_assessment_table(tables):
    t = tables["perf1"]
    assert (t.title, t.subtitle, t.new_page, t.landscape) == ("项目支出绩效自评表", "（2024年度）", False, False)
    check_grid(t.body, t.columns)
    body = [texts(r) for r in t.body]
    assert body[0] == ["项目名称", "测试业务运行保障项目"]
    assert body[1] == ["主管部门", "测试市某某局", "实施单位", "测试市某某中心"]
    assert body[2] == ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert body[3] == ["年度资金总额", "100.00", "120.00", "120.00", "10", "100.00%", "10.00分"]
    assert body[4] == ["其中：当年财政拨款", "100.00", "120.00", "120.00", "—", "—", "—"]
    assert body[5] == ["其他资金", "0.00", "0.00", "0.00", "—", "—", "—"]
    assert body[6] == ["年度总体目标", "预期目标", "实际完成情况"]
    assert body[7] == ["保障业务系统全年稳定运行。", "业务系统全年稳定运行。"]
    assert body[8] == ["年度绩效指标完成情况", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                       "得分", "偏差原因分析及改进措施"]
    assert body[9] == ["产出指标", "数量指标", "服务人次", ">=1000 人次", "=1200 人次", "30", "30", ""]
    assert body[10] == ["质量指标", "验收合格率", ">=95%", "=100%", "20", "20", ""]  # 一级 merged from above
    assert t.body[9][0].rowspan == 2 and t.body[8][0].rowspan == 5
    assert body[-1] == ["总分", "100", "98.00分", ""]


def test_self_assessment_merges_second_level_indicators():
    d = make_disclosure()
    inds = d.performance.projects[0].indicators
    inds.insert(1, inds[0].model_copy(update={"level3": "服务次数"}))
    t = build_tables(d)["perf1"]
    check_grid(t.body, t.columns)
    assert (t.body[9][0].rowspan, t.body[9][1].rowspan) == (3, 2)
    assert texts(t.body[10]) == ["服务次数", ">=1000 人次", "=1200 人次", "30", "30", ""]


# ---------------------------------------------------------------------------- samples


@pytest.mark.parametrize("path", sample_paths(), ids=[p.stem for p in sample_paths()])
def test_sample_tables_are_well_formed(path):
    doc = build_document(load_sample(path))
    assert [h.text for h in doc.headings()] == REFERENCE_HEADINGS
    for t in doc.tables():
        check_grid(t.header, t.columns)
        check_grid(t.body, t.columns)
