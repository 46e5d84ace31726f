"""Realistic render-neutral Documents for the renderer tests.

:func:`full_document` is shaped like a real 单位决算公开说明 (reference disclosure 000): title,
目录, the four parts with their headings and long paragraphs of Chinese text with figures,
two 绩效自评表 with row/column spans, and the nine 公开表 — a two-sided 公开01表, a
3-level-header 公开02表 of 45 rows that must break across pages, an empty 公开07表 and the
12-column 公开09表.  :func:`small_document` is a quick one for unit tests.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from generator.document import Cell, Document, Heading, PageBreak, Paragraph, Table, Toc, TocEntry
from generator.numbers import fmt_money

UNIT = "乌鲁木齐市政务服务中心"
YEAR = 2024
TITLE = f"{UNIT}{YEAR}年单位决算公开说明"

DUTIES = (
    "贯彻执行国家、自治区和我市有关政务服务工作的方针、政策和法律、法规；研究提出进驻中心行政审批和政务服务事项的"
    "具体意见及“窗口”设置、调整方案；负责协调进驻中心各部门之间的关系，协调解决行政审批和政务服务事项办理过程中"
    "出现的问题；围绕提高行政审批效率、提升政务服务水平等方面开展调查研究，并提出意见建议；负责进驻中心“窗口”工作"
    "人员的日常管理和培训工作；协助处理申办对象对进驻中心各部门及工作人员服务质量、工作效率等方面的投诉举报；负责"
    "政务服务信息系统的建设、管理和维护工作。"
)

PARAGRAPHS = {
    "people": f"{UNIT} 2024 年度，实有人数 11 人，其中：在职人员 10 人，增加 0 人；离休人员 0 人，增加 0 人；退休人员 1 人，增加 0 人。",
    "org": f"{UNIT}无下属预算单位，下设 0 个科室，分别是：我单位无下设科室。",
    "total1": "2024年度收入总计416.40万元，其中：本年收入合计415.84万元，使用非财政拨款结余（含专用结余）0.00万元，年初结转和结余0.55万元。",
    "total2": "2024年度支出总计416.40万元，其中：本年支出合计415.84万元，结余分配0.00万元，年末结转和结余0.55万元。",
    "total3": "收入支出总体与上年相比，减少18.32万元，下降4.21%，主要原因是：聘用人员减少，人员经费减少。",
    "income": "本年收入415.84万元，其中：财政拨款收入415.84万元，占100.00%；上级补助收入0.00万元，占0.00%；事业收入0.00万元，"
    "占0.00%；经营收入0.00万元，占0.00%；附属单位上缴收入0.00万元，占0.00%；其他收入0.00万元，占0.00%。",
    "expense": "本年支出415.84万元，其中：基本支出183.04万元，占44.02%；项目支出232.80万元，占55.98%；上缴上级支出0.00万元，"
    "占0.00%；经营支出0.00万元，占0.00%；对附属单位补助支出0.00万元，占0.00%。",
    "fiscal": "2024年度财政拨款收入总计415.84万元，其中：年初财政拨款结转和结余 0.00 万元，本年财政拨款收入 415.84 万元。"
    "财政拨款支出总计 415.84 万元，其中：年末财政拨款结转和结余 0.00 万元，本年财政拨款支出 415.84 万元。",
    "fiscal2": "财政拨款收入支出总体与上年相比，减少 18.32 万元，下降 4.22%，主要原因是：聘用人员减少，人员经费减少。与年初预算相比，"
    "年初预算数 430.10 万元，决算数 415.84 万元，预决算差异率 -3.32%，主要原因是：本年根据工作实际，政务服务运行费项目有一批"
    "办公用品处于采购阶段，未开展采购，年中调减经费。",
    "gpb": "2024 年度一般公共预算财政拨款支出 415.84 万元，占本年支出合计的 100.00%。与上年相比，减少 18.32 万元，下降 4.22%，"
    "主要原因是：根据工作实际，2024 年按照工作落实过紧日子要求，减少经费支出。",
    "basic": "2024 年度一般公共预算财政拨款基本支出 183.04 万元，其中：人员经费 173.40 万元，包括：基本工资、津贴补贴、奖金、"
    "绩效工资、机关事业单位基本养老保险缴费、职工基本医疗保险缴费、公务员医疗补助缴费、其他社会保障缴费、住房公积金、退休费。",
    "basic2": "公用经费 9.64 万元，包括：办公费、差旅费、工会经费、福利费、其他商品和服务支出。",
    "fund": "本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，政府性基金预算财政拨款收入支出决算表为空表。",
    "soe": "本单位本年度无国有资本经营预算财政拨款收入、支出及结转和结余，国有资本经营预算财政拨款收入支出决算表为空表。",
    "sangong": "2024 年度财政拨款“三公”经费支出 0.00 万元，比上年增加 0.00 万元，增长 0.00%，主要原因是：2023 年与 2024 年均未"
    "安排财政拨款“三公”经费支出。其中：因公出国（境）费支出 0.00 万元，占 0.00%，比上年增加 0.00 万元，增长 0.00%，主要原因是："
    "2023 年与 2024 年均未安排因公出国（境）费支出。公务用车购置及运行维护费支出 0.00 万元，占 0.00%，比上年增加 0.00 万元，"
    "增长 0.00%，主要原因是：2023 年与 2024 年均未安排公务用车购置及运行维护费支出。",
    "public": f"2024 年度{UNIT}（事业单位）公用经费支出 9.64 万元，比上年减少 1.57 万元，下降 14.01%，主要原因是：根据工作实际，"
    "2024 年按照工作落实过紧日子要求，减少经费支出。",
    "procure": "2024 年度政府采购支出总额 2.57 万元，其中：政府采购货物支出 2.45 万元、政府采购工程支出 0.00 万元、政府采购服务支出 0.12 万元。",
    "assets": "截至 2024 年 12 月 31 日，房屋 0.00 平方米，价值 0.00 万元。车辆 0 辆，价值 0.00 万元，其中：副部（省）级及以上领导用车 "
    "0 辆、主要负责人用车 0 辆、机要通信用车 0 辆、应急保障用车 0 辆、执法执勤用车 0 辆、特种专业技术用车 0 辆、离退休干部服务用车 "
    "0 辆、其他用车 0 辆，其他用车主要是：我单位无其他用车。单价 100 万元(含)以上设备(不含车辆)1 台(套)。",
    "perf": "根据预算绩效管理要求，本单位预算绩效评价项目 2 个，全年预算数 253.85 万元，全年执行数 253.85 万元。预算绩效管理取得的成效："
    "市政务服务大厅及进驻部门聘用工作人员 34 名，95 部对外咨询电话以及相关办公易耗品、用品的费用。促进服务政府、责任政府、法治政府、"
    "廉洁政府和效能政府的建设。争当“全国一流政务服务标杆”、打造“全疆第一政务服务品牌”、树立“首府第一政府形象窗口”。真抓实干，"
    "务求高效，力争做到服务受理零推诿、服务方式零距离、服务质量零差错、服务结果零投诉。",
    "perf2": "下一步改进措施：一是针对机制不完善问题：制定可操作细则，明确各环节责任主体与节点；建立跨部门协同机制，推动财政与业务部门"
    "高效衔接；加强基层人员培训，补充编制，解决配套不足问题，避免制度空转。二是针对执行监控薄弱问题：搭建一体化信息系统，替代传统"
    "监控手段，实时抓取数据；细化绩效指标，设定量化标准与调整阈值；建立激励约束机制，将绩效与预算分配挂钩，提升监控主动性。"
    "具体附项目支出绩效自评表。",
}

GLOSSARY = [
    ("一、财政拨款收入：", "指同级财政当年拨付的资金。"),
    ("二、上级补助收入：", "指事业单位从主管部门和上级单位取得的非财政补助收入。"),
    ("三、事业收入：", "指事业单位开展专业业务活动及其辅助活动所取得的收入。"),
    (
        "四、年初结转和结余：",
        (
            "指以前年度支出预算因客观条件变化未执行完毕、结转到本年度按有关规定继续使用的资金，既包括财政拨款"
            "结转和结余，也包括事业收入、经营收入、其他收入的结转和结余。"
        ),
    ),
    ("五、基本支出：", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"),
    ("六、项目支出：", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("七、“三公”经费：", "指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"),
    ("八、机关运行经费：", "行政单位和参照公务员法管理的事业单位财政拨款基本支出中的公用经费支出。"),
]

TABLE_TITLES = [
    ("t01", "公开01表", "收入支出决算总表"),
    ("t02", "公开02表", "收入决算表"),
    ("t03", "公开03表", "支出决算表"),
    ("t04", "公开04表", "财政拨款收入支出决算总表"),
    ("t05", "公开05表", "一般公共预算财政拨款支出决算表"),
    ("t06", "公开06表", "一般公共预算财政拨款基本支出决算表"),
    ("t07", "公开07表", "政府性基金预算财政拨款收入支出决算表"),
    ("t08", "公开08表", "国有资本经营预算财政拨款收入支出决算表"),
    ("t09", "公开09表", "财政拨款“三公”经费支出决算表"),
]
CN_NUM = "一二三四五六七八九十"

def H(text, **kw):
    return Cell(text, align="center", **kw)
def R(value):
    return Cell(fmt_money(Decimal(value)), align="right")


def _amount(i: int, j: int) -> str:
    """A deterministic amount (万元) with thousands for some rows."""
    base = (i * 7919 + j * 104729) % 500000
    return str(Decimal(base) / Decimal(100))


def table_t01() -> Table:
    """公开01表: two-sided 收入 | 支出, portrait."""
    income = [
        "一、一般公共预算财政拨款收入",
        "二、政府性基金预算财政拨款收入",
        "三、国有资本经营预算财政拨款收入",
        "四、上级补助收入",
        "五、事业收入",
        "六、经营收入",
        "七、附属单位上缴收入",
        "八、其他收入",
    ]
    classes = [
        "一般公共服务支出",
        "外交支出",
        "国防支出",
        "公共安全支出",
        "教育支出",
        "科学技术支出",
        "文化旅游体育与传媒支出",
        "社会保障和就业支出",
        "卫生健康支出",
        "节能环保支出",
        "城乡社区支出",
        "农林水支出",
        "交通运输支出",
        "资源勘探工业信息等支出",
        "商业服务业等支出",
        "金融支出",
    ]
    expense = [f"{CN_NUM[i] if i < 10 else '十' + CN_NUM[i - 10]}、{n}" for i, n in enumerate(classes)]
    body = []
    for i in range(max(len(income), len(expense))):
        left = [Cell(income[i]), R(_amount(i, 1))] if i < len(income) else [Cell(""), Cell("")]
        right = [Cell(expense[i]), R(_amount(i, 2))] if i < len(expense) else [Cell(""), Cell("")]
        body.append(left + right)
    body.append([H("本年收入合计", bold=True), R("415.84"), H("本年支出合计", bold=True), R("415.84")])
    body.append([Cell("使用非财政拨款结余（含专用结余）"), R("0"), Cell("结余分配"), R("0")])
    body.append([Cell("年初结转和结余"), R("0.55"), Cell("年末结转和结余"), R("0.55")])
    body.append([H("总计", bold=True), R("416.40"), H("总计", bold=True), R("416.40")])
    return Table(
        key="t01",
        code="公开01表",
        title="收入支出决算总表",
        unit_name=UNIT,
        header=[[H("收入", colspan=2), H("支出", colspan=2)], [H("项目"), H("金额"), H("项目"), H("金额")]],
        body=body,
        widths=[3.2, 1.3, 3.2, 1.3],
        landscape=False,
        anchor="table-t01",
        note="注：本表反映单位本年度的总收支和年末结转结余情况。",
    )


def _classified_rows(n: int, amount_cols: int) -> list[list[Cell]]:
    """``n`` 类/款/项 rows (codes split in three columns) with amounts."""
    names = [
        "一般公共服务支出",
        "政府办公厅（室）及相关机构事务",
        "事业运行",
        "其他政府办公厅（室）及相关机构事务支出",
        "社会保障和就业支出",
        "行政事业单位养老支出",
        "事业单位离退休",
        "机关事业单位基本养老保险缴费支出",
        "机关事业单位职业年金缴费支出",
        "卫生健康支出",
        "行政事业单位医疗",
        "事业单位医疗",
        "住房保障支出",
        "住房改革支出",
        "住房公积金",
    ]
    rows = [[H("合计", colspan=4, bold=True)] + [R(_amount(0, j)) for j in range(amount_cols)]]
    for i in range(1, n):
        code = f"{201 + i % 20:03d}{i % 100:02d}{(i * 3) % 100:02d}"
        level = i % 3
        cells = [
            Cell(code[:3]),
            Cell(code[3:5] if level >= 1 else ""),
            Cell(code[5:] if level == 2 else ""),
            Cell(names[i % len(names)]),
        ]
        rows.append(cells + [R(_amount(i, j)) for j in range(amount_cols)])
    return rows


def table_t02(rows: int = 45) -> Table:
    """公开02表: 3-level header (项目 › 功能分类科目编码 › 类/款/项), 45 rows, landscape."""
    sources = [
        "本年收入合计",
        "财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
    ]
    header = [
        [H("项目", colspan=4)] + [H(s, rowspan=3) for s in sources],
        [H("功能分类科目编码", colspan=3), H("科目名称", rowspan=2)],
        [H("类"), H("款"), H("项")],
    ]
    return Table(
        key="t02",
        code="公开02表",
        title="收入决算表",
        unit_name=UNIT,
        header=header,
        body=_classified_rows(rows, len(sources)),
        widths=[0.6, 0.6, 0.6, 4.2] + [1.5] * len(sources),
        landscape=True,
        anchor="table-t02",
        note="注：本表反映单位本年度取得的各项收入情况。",
    )


def table_generic(
    key: str, code: str, title: str, columns: list[str], rows: int, *, empty_note: str = "", note: str = ""
) -> Table:
    header = [
        [H("项目", colspan=4)] + [H(c, rowspan=2) for c in columns],
        [H("功能分类科目编码", colspan=3), H("科目名称")],
    ]
    body = (
        _classified_rows(rows, len(columns))
        if rows
        else [[H("合计", colspan=4, bold=True)] + [Cell("") for _ in columns]]
    )
    return Table(
        key=key,
        code=code,
        title=title,
        unit_name=UNIT,
        header=header,
        body=body,
        widths=[0.6, 0.6, 0.6, 4.2] + [1.5] * len(columns),
        landscape=True,
        anchor=f"table-{key}",
        note=note or f"注：本表反映单位本年度{title[:-3]}情况。",
        empty_note=empty_note,
    )


def table_t06() -> Table:
    """公开06表: two column groups 人员经费 | 公用经费."""
    left = [
        ("301", "工资福利支出"),
        ("30101", "基本工资"),
        ("30102", "津贴补贴"),
        ("30103", "奖金"),
        ("30107", "绩效工资"),
        ("30108", "机关事业单位基本养老保险缴费"),
        ("30110", "职工基本医疗保险缴费"),
        ("30113", "住房公积金"),
        ("303", "对个人和家庭的补助"),
        ("30302", "退休费"),
    ]
    right = [
        ("302", "商品和服务支出"),
        ("30201", "办公费"),
        ("30211", "差旅费"),
        ("30228", "工会经费"),
        ("30229", "福利费"),
        ("30299", "其他商品和服务支出"),
        ("310", "资本性支出"),
    ]
    body = []
    for i in range(len(left)):
        row = [Cell(left[i][0]), Cell(left[i][1]), R(_amount(i, 3))]
        row += (
            [Cell(right[i][0]), Cell(right[i][1]), R(_amount(i, 4))]
            if i < len(right)
            else [Cell(""), Cell(""), Cell("")]
        )
        body.append(row)
    body.append(
        [
            H("人员经费合计", colspan=2, bold=True),
            R("173.40"),
            H("公用经费合计", colspan=2, bold=True),
            R("9.64"),
        ]
    )
    header = [
        [H("人员经费", colspan=3), H("公用经费", colspan=3)],
        [
            H("经济分类科目编码"),
            H("科目名称"),
            H("决算数"),
            H("经济分类科目编码"),
            H("科目名称"),
            H("决算数"),
        ],
    ]
    return Table(
        key="t06",
        code="公开06表",
        title="一般公共预算财政拨款基本支出决算表",
        unit_name=UNIT,
        header=header,
        body=body,
        widths=[1.3, 3.5, 1.4, 1.3, 3.5, 1.4],
        landscape=True,
        anchor="table-t06",
        note="注：本表反映单位本年度一般公共预算财政拨款基本支出明细情况。",
    )


def table_t09() -> Table:
    """公开09表: 4 header rows, 12 amount columns, one data row."""
    def pair():
        return [H("预算数"), H("决算数")]
    header = [
        [H("财政拨款“三公”经费", colspan=12)],
        [
            H("合计", colspan=2, rowspan=2),
            H("因公出国（境）费", colspan=2, rowspan=2),
            H("公务用车购置及运行维护费", colspan=6),
            H("公务接待费", colspan=2, rowspan=2),
        ],
        [H("小计", colspan=2), H("公务用车购置费", colspan=2), H("公务用车运行维护费", colspan=2)],
        pair() + pair() + pair() + pair() + pair() + pair(),
    ]
    body = [[R("0") for _ in range(12)]]
    return Table(
        key="t09",
        code="公开09表",
        title="财政拨款“三公”经费支出决算表",
        unit_name=UNIT,
        header=header,
        body=body,
        widths=[1] * 12,
        landscape=True,
        anchor="table-t09",
        note="注：本表反映单位本年度财政拨款“三公”经费支出预决算情况。",
    )


def perf_table(n: int, name: str, budget: str) -> Table:
    """A 项目支出绩效自评表: no header rows, merged cells everywhere (10 columns)."""
    C = Cell
    rows = [
        [H("项目名称", colspan=2), C(name, colspan=8)],
        [
            H("主管部门", colspan=2),
            C("市数字化发展局", colspan=3),
            H("实施单位", colspan=2),
            C(UNIT, colspan=3),
        ],
        [
            H("项目资金（万元）", colspan=2, rowspan=4),
            C(""),
            H("年初预算数"),
            H("全年预算数"),
            H("全年执行数"),
            H("分值"),
            H("执行率"),
            H("得分", colspan=2),
        ],
        [C("年度资金总额"), R(budget), R(budget), R(budget), H("10"), H("100.00%"), H("10.00分", colspan=2)],
        [C("其中：当年财政拨款"), R(budget), R(budget), R(budget), H("—"), H("—"), H("—", colspan=2)],
        [C("其他资金"), R("0"), R("0"), R("0"), H("—"), H("—"), H("—", colspan=2)],
        [H("年度总体目标", colspan=2, rowspan=2), H("预期目标", colspan=4), H("实际完成情况", colspan=4)],
        [
            C(
                "市政服务中心以提升政务服务中心软硬件条件，为办事群众提供便捷、高效的办事体验，获得主流媒体正面宣传报道。",
                colspan=4,
            ),
            C(
                "市政服务中心推动医保、人社、司法、文广旅等部门入驻市政服务中心，提高“一门”服务水平，适时推出“延时服务”、"
                "7*24小时自助办、数字政府门牌等便民举措。",
                colspan=4,
            ),
        ],
        [
            H("年度绩效指标完成情况", rowspan=8),
            H("一级指标"),
            H("二级指标"),
            H("三级指标", colspan=2),
            H("年度指标值"),
            H("实际完成值"),
            H("分值"),
            H("得分"),
            H("偏差原因分析及改进措施"),
        ],
        [
            H("产出指标", rowspan=4),
            C("数量指标"),
            C("印刷红头文件数（张）", colspan=2),
            C(">=6000张"),
            C("=6000张"),
            H("1"),
            H("1"),
            C(""),
        ],
        [
            C("质量指标"),
            C("大厅便民服务用品验收合格率", colspan=2),
            C(">=95%"),
            C("=100%"),
            H("25.66"),
            H("25.66"),
            C(""),
        ],
        [
            C("时效指标"),
            C("政务服务最新政策和办事事项等宣传的及时性", colspan=2),
            C(">=95%"),
            C("=95%"),
            H("13.34"),
            H("13.34"),
            C(""),
        ],
        [
            C("经济成本指标"),
            C("印刷红头文件费用", colspan=2),
            C("<=1500元"),
            C("=1200元"),
            H("1"),
            H("0.8"),
            C("我单位通过三方询价找到最低报价采购。"),
        ],
        [
            H("效益指标"),
            C("社会效益指标"),
            C("提升政务服务大厅软硬件条件，为办事群众提供便捷、高效的办事体验。", colspan=2),
            C("有效提升"),
            C("完全达到预期"),
            H("20"),
            H("20"),
            C(""),
        ],
        [
            H("满意度指标", rowspan=2),
            C("满意度指标", rowspan=2),
            C("政务服务相关工作的群众满意度", colspan=2),
            C(">=90%"),
            C("=99.99%"),
            H("10"),
            H("10"),
            C("此指标为我单位实际满意度。"),
        ],
        [C("办事群众投诉率", colspan=2), C("<=1%"), C("=0%"), H("9"), H("9"), C("")],
        [H("总分", colspan=7), H("100"), H("99.80分", colspan=2)],
    ]
    return Table(
        key=f"perf{n}",
        title="",
        subtitle=f"（{YEAR}年度）",
        header=[],
        body=rows,
        widths=[1.3, 1.2, 1.3, 1.5, 1.5, 1.3, 1.3, 1.0, 1.0, 2.0],
        landscape=False,
        new_page=False,
        money_unit="",
        anchor=f"perf-{n}",
        font_size=9.0,
    )


def full_document() -> Document:
    """A disclosure shaped like reference 000, about 25 pages."""
    doc = Document(title=TITLE, author=UNIT, year=YEAR)
    toc = Toc()
    doc.add(toc)
    doc.add(PageBreak())

    def heading(level: int, text: str, anchor: str = "") -> None:
        h = Heading(level, text, anchor=anchor)
        doc.add(h)
        toc.entries.append(TocEntry(level, text, anchor))

    heading(1, "第一部分 单位概况", "part1")
    heading(2, "一、主要职能", "p1s1")
    doc.add(Paragraph(DUTIES))
    heading(2, "二、机构设置及人员情况", "p1s2")
    doc.add(Paragraph(PARAGRAPHS["people"]))
    doc.add(Paragraph(PARAGRAPHS["org"]))

    heading(1, "第二部分 部门决算情况说明", "part2")
    sections = [
        ("一、收入支出决算总体情况说明", ["total1", "total2", "total3"]),
        ("二、收入决算情况说明", ["income"]),
        ("三、支出决算情况说明", ["expense"]),
        ("四、财政拨款收入支出决算总体情况说明", ["fiscal", "fiscal2"]),
    ]
    for i, (text, keys) in enumerate(sections, start=1):
        heading(2, text, f"p2s{i}")
        for k in keys:
            doc.add(Paragraph(PARAGRAPHS[k]))
    heading(2, "五、一般公共预算财政拨款支出决算情况说明", "p2s5")
    heading(3, "（一）一般公共预算财政拨款支出决算总体情况", "p2s5a")
    doc.add(Paragraph(PARAGRAPHS["gpb"]))
    heading(3, "（二）一般公共预算财政拨款支出决算结构情况", "p2s5b")
    doc.add(Paragraph("1. 一般公共服务支出（类）398.08 万元，占 95.73%。"))
    doc.add(Paragraph("2. 社会保障和就业支出（类）17.77 万元，占 4.27%。"))
    heading(3, "（三）一般公共预算财政拨款支出决算具体情况", "p2s5c")
    items = [
        (
            "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）",
            "163.89",
            "增加 22.04",
            "增长 15.54%",
            "本年在职人员工资调增，导致相关人员经费较上年有所增加。",
        ),
        (
            "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）其他政府办公厅（室）及相关机构事务支出（项）",
            "234.19",
            "减少 41.84",
            "下降 15.16%",
            "聘用人员减少，人员经费减少。",
        ),
        (
            "社会保障和就业支出（类）行政事业单位养老支出（款）事业单位离退休（项）",
            "0.84",
            "增加 0.31",
            "增长 58.49%",
            "本年增加退休人员基础绩效奖，退休费支出增加。",
        ),
        (
            "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）",
            "16.93",
            "增加 2.02",
            "增长 13.55%",
            "本年在职人员工资基数调增，养老缴费基数上涨，相应支出增加。",
        ),
        (
            "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）",
            "0.00",
            "减少 0.85",
            "下降 100.00%",
            "本年无调出人员，减少职业年金缴费。",
        ),
    ]
    for n, (name, amount, change, rate, reason) in enumerate(items, start=1):
        doc.add(
            Paragraph(
                f"{n}. {name}：支出决算数为 {amount} 万元，比上年决算{change} 万元，{rate}，主要原因是：{reason}"
            )
        )
    heading(2, "六、一般公共预算财政拨款基本支出决算情况说明", "p2s6")
    doc.add(Paragraph(PARAGRAPHS["basic"]))
    doc.add(Paragraph(PARAGRAPHS["basic2"]))
    heading(2, "七、政府性基金预算财政拨款收入支出决算情况说明", "p2s7")
    doc.add(Paragraph(PARAGRAPHS["fund"]))
    heading(2, "八、国有资本经营预算财政拨款收入支出决算情况说明", "p2s8")
    doc.add(Paragraph(PARAGRAPHS["soe"]))
    heading(2, "九、财政拨款“三公”经费支出决算情况说明", "p2s9")
    doc.add(Paragraph(PARAGRAPHS["sangong"]))
    doc.add(Paragraph(PARAGRAPHS["sangong"]))
    heading(2, "十、其他重要事项的情况说明", "p2s10")
    heading(3, "（一）机关运行经费及公用经费支出情况", "p2s10a")
    doc.add(Paragraph(PARAGRAPHS["public"]))
    heading(3, "（二）政府采购情况", "p2s10b")
    doc.add(Paragraph(PARAGRAPHS["procure"]))
    heading(3, "（三）国有资产占用情况说明", "p2s10c")
    doc.add(Paragraph(PARAGRAPHS["assets"]))
    heading(2, "十一、预算绩效的情况说明", "p2s11")
    doc.add(Paragraph(PARAGRAPHS["perf"]))
    doc.add(Paragraph(PARAGRAPHS["perf2"]))
    for n, (name, budget) in enumerate(
        [
            ("2024 年全国文明城市创建复验及市级精神文明示范窗口建设项目", "4.68"),
            ("2024 年政务服务运行维护费", "249.17"),
        ],
        start=1,
    ):
        doc.add(Heading(4, "项目支出绩效自评表", anchor=f"perf-title-{n}", in_toc=False))
        doc.add(perf_table(n, name, budget))
    heading(2, "十二、其他需说明的事项", "p2s12")
    doc.add(Paragraph("本单位无其他需说明的事项。"))

    heading(1, "第三部分 专业名词解释", "part3")
    for term, text in GLOSSARY:
        doc.add(Paragraph(text, bold_prefix=term))

    heading(1, "第四部分 部门决算报表（见附表）", "part4")
    for i, (key, _code, title) in enumerate(TABLE_TITLES):
        entry = f"{CN_NUM[i]}、《{title}》"
        doc.add(Paragraph(entry, style="plain"))
        toc.entries.append(TocEntry(2, entry, f"table-{key}"))
    doc.add(table_t01())
    doc.add(table_t02())
    doc.add(
        table_generic(
            "t03",
            "公开03表",
            "支出决算表",
            ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
            12,
        )
    )
    doc.add(
        table_generic(
            "t04",
            "公开04表",
            "财政拨款收入支出决算总表",
            ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
            10,
        )
    )
    doc.add(
        table_generic(
            "t05", "公开05表", "一般公共预算财政拨款支出决算表", ["合计", "基本支出", "项目支出"], 10
        )
    )
    doc.add(table_t06())
    doc.add(
        table_generic(
            "t07",
            "公开07表",
            "政府性基金预算财政拨款收入支出决算表",
            ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"],
            0,
            empty_note="说明：本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，故本表为空表。",
        )
    )
    doc.add(
        table_generic(
            "t08",
            "公开08表",
            "国有资本经营预算财政拨款收入支出决算表",
            ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"],
            0,
            empty_note="说明：本单位本年度无国有资本经营预算财政拨款收入、支出及结转和结余，故本表为空表。",
        )
    )
    doc.add(table_t09())
    return doc


def small_document(*, extra: list | None = None) -> Document:
    """Title, 目录, two headings, a paragraph and one small landscape table."""
    doc = Document(title="某某单位2024年单位决算公开说明", author="某某单位", year=2024)
    doc.add(
        Toc(
            [
                TocEntry(1, "第一部分 单位概况", "a1"),
                TocEntry(2, "一、主要职能", "a2"),
                TocEntry(1, "第四部分 部门决算报表", "a3"),
            ]
        )
    )
    doc.add(Heading(1, "第一部分 单位概况", anchor="a1"))
    doc.add(Heading(2, "一、主要职能", anchor="a2"))
    doc.add(Paragraph("负责本单位日常工作，2024年度支出总计1,234.56万元，比上年增长3.50%。"))
    for block in extra or []:
        doc.add(block)
    doc.add(Heading(1, "第四部分 部门决算报表", anchor="a3"))
    doc.add(
        Table(
            key="t05",
            code="公开05表",
            title="一般公共预算财政拨款支出决算表",
            unit_name="某某单位",
            header=[[H("项目", colspan=2), H("合计", rowspan=2)], [H("科目编码"), H("科目名称")]],
            body=[
                [Cell("201"), Cell("一般公共服务支出"), Cell("1,234.56")],
                [H("合计", colspan=2, bold=True), Cell("1,234.56")],
            ],
            widths=[1, 3, 1.5],
            landscape=True,
            note="注：本表反映单位本年度一般公共预算财政拨款支出情况。",
        )
    )
    return doc


# ------------------------------------------------------------------------------------------
# Reading rendered files back (shared by the renderer tests)

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def squash(text: str) -> str:
    """``text`` without any whitespace (line breaks, tabs, spaces): the comparison form."""
    return re.sub(r"\s+", "", text)


def docx_items(path: Path) -> list[str]:
    """Paragraphs and table cells of a DOCX body, in reading order, squashed, empty ones dropped.

    A merged cell counts once (vMerge continuations are empty); 目录 lines lose their page
    number (the part after the tab).
    """
    import docx

    d = docx.Document(str(path))
    items: list[str] = []

    def para_text(p) -> str:
        text = p.text
        style = p._p.pPr.pStyle.val if p._p.pPr is not None and p._p.pPr.pStyle is not None else ""
        if style.startswith("TOC") and style != "TOCHeading":
            text = re.sub(r"\t\d*$", "", text)
        return text

    from docx.table import Table as DocxTable
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph as DocxParagraph

    for child in d.element.body.iterchildren():
        if child.tag == W_NS + "p":
            items.append(squash(para_text(DocxParagraph(child, d))))
        elif child.tag == W_NS + "tbl":
            table = DocxTable(child, d)
            for tr in child.iterchildren(W_NS + "tr"):
                for tc in tr.iterchildren(W_NS + "tc"):
                    items.append(squash("".join(p.text for p in _Cell(tc, table).paragraphs)))
    return [i for i in items if i]


def pdf_page_texts(path: Path) -> list[str]:
    """Text of every page in content-stream order (``pdftotext -raw``), one string per page."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


FOOTER = re.compile(r"—\d+—$")


def pdf_body_text(path: Path, doc: Document) -> str:
    """The PDF's text squashed, without page furniture: page numbers, 目录 leaders and page
    numbers, and the table header rows WeasyPrint repeats at the top of continuation pages."""
    headers = []
    for t in doc.tables():
        if t.header:
            headers.append(squash("".join(c.text for row in t.header for c in row)))
    text = []
    for page in pdf_page_texts(path):
        s = FOOTER.sub("", squash(page))
        for h in headers:
            if h and s.startswith(h):
                s = s[len(h) :]
                break
        text.append(s)
    joined = "".join(text)
    # the 目录 comes first: each entry's first occurrence is its 目录 line, followed by the
    # leader (as many dots as fit, one when the entry nearly fills the line) and the page
    pos = 0
    entries = [e for block in doc.blocks if isinstance(block, Toc) for e in block.entries]
    for entry in entries:
        m = re.compile(re.escape(squash(entry.text)) + r"(\.*\d*)").search(joined, pos)
        if m is None:
            continue
        joined = joined[: m.start(1)] + joined[m.end(1) :]
        pos = m.start(1)
    return joined


@functools.lru_cache(maxsize=1)
def _workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="juesuan-render-tests-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@functools.lru_cache(maxsize=1)
def shared_renderer():
    """One PdfRenderer for the whole test session (fonts and stylesheet loaded once)."""
    from generator.render.pdf import PdfRenderer

    return PdfRenderer()


@functools.lru_cache(maxsize=1)
def rendered_full() -> tuple[Path, Path]:
    """(docx, pdf) of :func:`full_document`, rendered once per test session."""
    from generator.render.docx import write_docx

    doc = full_document()
    docx_path = _workdir() / "full.docx"
    pdf_path = _workdir() / "full.pdf"
    write_docx(doc, docx_path)
    shared_renderer().write(doc, pdf_path)
    return docx_path, pdf_path
