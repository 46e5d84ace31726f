"""The 勾稽 checks: consistency rules between the nine tables and the narrative's inputs.

Each rule is one small pure function registered in :data:`CHECKS` with a stable rule id
(``t01.income_total``); its docstring states the rule in Chinese and where it comes from
(``official-tables.md §4 #n`` — D: holds in a real disclosure, T: stated in the official
template, I: inferred from the layout).  A rule that only compares figures at fixed places of
the model is declared as data instead (:class:`_SumRule`, :class:`_BoundRule`: id, statement,
figures, description and 依据) and registered at its place in the order by :func:`_declare`.  :func:`run_checks` runs every rule and returns all
findings, so one run shows every problem.

Severities: 错误 when the tables do not balance (generation refuses unless forced), 警告
when something is suspicious (generation proceeds; ``--strict`` makes it block), 提示 for
information.  All amounts are in 万元 and printed rounded to 0.01, so a sum of rounded
figures may legitimately differ from the rounded total by up to 0.01 per addend
(:attr:`CheckSettings.rounding_tolerance_per_addend`): a difference within that tolerance
is a 提示 only, and every message states the tolerance.

Cells come from the :class:`~generator.source.SourceMap` (``公开05表!C9``); without one,
from the model path (``t05.rows[3].total``).  A figure of a rule is a :class:`Term` made
from one model path (value, cell and label cannot disagree).  The wording of every message
is a format string in the one table :data:`TEXT`; the section headings a message names
come from ``templates/formats/<格式>/sections.toml`` (:mod:`generator.sections`), as the
document's do.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

from generator.errors import Finding, Severity
from generator.model import (
    T09,
    BudgetComparison,
    Comparisons,
    Disclosure,
    FundLine,
    ExpenseRow,
    FundRow,
    FundSplit,
    GpbRow,
    IncomeRow,
    Project,
    SanGong,
    Staff,
    SubjectComparison,
    UnitKind,
    Vehicles,
)
from generator.compute import operating_costs, public_current, public_expense_kind
from generator.numbers import WAN, ZERO, fmt_money, q2
from generator.sections import load_sections
from generator.source import Path, SourceMap
from generator.yeardata import YearData, load_year

__all__ = [
    "CHECKS",
    "CheckContext",
    "CheckSettings",
    "rule_ids",
    "rules_markdown",
    "run_checks",
]


@dataclass
class CheckSettings:
    """Knobs of the checks (amounts in 万元)."""

    reason_threshold: Decimal = Decimal(0)
    """A compared item whose change (or budget difference) in 万元 exceeds this needs a reason."""

    rounding_tolerance_per_addend: Decimal = Decimal("0.01")
    """How far (万元) a sum of rounded figures may be off, per addend, before it is an 错误."""

    scale_personnel_per_person: Decimal = Decimal(1000)
    """人员经费合计 per 实有人数 (万元/人) above which the amounts are taken to be in 元."""

    scale_per_car: Decimal = Decimal(500)
    """公务用车运行维护费 per car of the 公务用车保有量 (万元/辆) above which the amounts are taken
    to be in 元, when 人员经费 per person cannot be computed."""

    scale_grand_total: Decimal = Decimal(10_000_000)
    """收入总计 (万元) above which the amounts are taken to be in 元, when neither 人员经费 per
    person nor 运行维护费 per car can be computed."""

    scale_ratio: Decimal = Decimal(1000)
    """本年数 ÷ 上年决算数 (or ÷ 预算数) at least this, or at most its inverse, is “on another
    scale” (元 vs 万元 is a factor of 10,000)."""


@dataclass
class CheckContext:
    """What every rule sees: the model, where its values came from, settings and year data."""

    d: Disclosure
    sources: SourceMap
    settings: CheckSettings
    year: YearData
    _index: dict[str, dict[str, tuple[int, Any]]] = field(default_factory=dict, repr=False)

    def cells(self, *paths: Path | None) -> tuple[str, ...]:
        """Places of the given model paths (``公开05表!C9`` or ``t05.rows[3].total``)."""
        return self.sources.cells(*(p for p in paths if p is not None))

    def row_index(self, key: str) -> dict[str, tuple[int, Any]]:
        """Code → (index, row) of a 科目 table's first row with that code (cached per run)."""
        if key not in self._index:
            self._index[key] = _first_by_code(enumerate(getattr(self.d, key).rows))
        return self._index[key]

    def tolerance(self, addends: int) -> Decimal:
        """Rounding tolerance in 万元 for a comparison involving ``addends`` rounded figures."""
        return self.settings.rounding_tolerance_per_addend * max(addends, 1)


Check = Callable[[CheckContext], Iterable[Finding]]

CHECKS: list[Check] = []
"""The registry, in the order the findings are reported."""


def _rule(rule_id: str, severity: str) -> Callable[[Check], Check]:
    """Register a check under a stable rule id; ``severity`` (a key of :data:`TEXT`, such as
    :data:`ERR`, or the label itself) is for the documentation."""

    def register(fn: Check) -> Check:
        fn.rule_id = rule_id  # type: ignore[attr-defined]
        capped = rule_id.startswith(SUPPLEMENTARY_PREFIXES)
        label = TEXT[WARN_SUPPLEMENTARY] if capped else TEXT.get(severity, severity)
        fn.severity = label  # type: ignore[attr-defined]
        fn.cap = Severity.WARNING if capped else None  # type: ignore[attr-defined]
        CHECKS.append(fn)
        return fn

    return register


ERR = "sev_error"
WARN = "sev_warning"
ERR_TOL = "sev_error_tolerance"
WARN_SUPPLEMENTARY = "sev_supplementary"

# 错误 means the nine 公开表 do not balance (or the text cannot be written at all).  The
# figures only the narrative states — 人员, 政府采购, 国有资产, 绩效自评 — are reported as they
# are published, so an inconsistency there is a 警告 the clerk must look at, not a refusal:
# a real published disclosure (reference 001, 政府采购 900.52 ≠ 900.12) carries one.
SUPPLEMENTARY_PREFIXES = ("staff.", "procurement.", "assets.", "performance.")


# ---------------------------------------------------------------------------- wording

TEXT: dict[str, str] = {
    # severities as docs/checks.md states them
    "sev_error": "错误",
    "sev_warning": "警告",
    "sev_error_tolerance": "错误（四舍五入允许误差内为提示）",
    "sev_supplementary": "警告（说明中的补充数据，不属公开表平衡；四舍五入允许误差内为提示）",
    # units, and the shapes of a broken sum or bound
    "wan": "万元",
    "persons": "人",
    "vehicles": "辆",
    "points": "分",
    "figure": "{label} {value}",
    "figure_unit": "{label} {value} {unit}",
    "sum_long": "{first} + …（共 {n} 项）= {value} {unit}",
    "sum": "{expr} = {value} {unit}",
    "sum_broken": "{statement}：{lhs}，{rhs}，相差 {diff} {unit}",
    "bound_broken": "{statement}：{small}，{big}，超出 {diff} {unit}",
    "within_tolerance": "{text}，在四舍五入允许误差 {tolerance} {unit}以内",
    "beyond_tolerance": "{text}（四舍五入允许误差 {tolerance} {unit}）",
    "duplicate_row": "{table}科目编码 {code} 重复出现（{places}）",
    "duplicate_sheet_rows": "第 {first} 行与第 {second} 行",
    "duplicate_list_rows": "第 {first} 条与第 {second} 条科目行",
    "duplicate_item": "{where}中科目编码 {code} 重复出现",
    "unknown_class": "{table}支出栏的类级科目编码 {code} 不是 {year} 年度支出功能分类的类级科目",
    "unknown_class_row": "{where}科目编码 {code}（{name}）不是 {year} 年度支出功能分类的类级科目",
    "subject_name": "{where}科目 {code} 的名称“{name}”与 {year} 年度科目名称“{official}”不一致",
    "t01_income_total": "{table}本年收入合计应等于各项收入之和",
    "t01_income_grand_total": "{table}收入总计应等于本年收入合计、使用非财政拨款结余、年初结转和结余之和",
    "t01_expense_grand_total": "{table}支出总计应等于本年支出合计、结余分配、年末结转和结余之和",
    "balance": "{table}收入总计应等于支出总计",
    "expense_total": "{table}本年支出合计{column}应等于各类级科目支出之和",
    "hierarchy_row": "{table}{row}的{column}应等于所属{level}级科目之和",
    "hierarchy_total": "{table}合计行的{column}应等于各类级科目之和",
    "classes": "各类级科目",
    "table_row": "{table}{row}",
    "table_total_row": "{table}合计行",
    "row_sum": "{row}的{column}应等于{what}",
    "sum_of_incomes": "各项收入之和",
    "sum_of_expenses": "各项支出之和",
    "basic_plus_project": "基本支出与项目支出之和",
    "t02_total_vs_t01": "{t02}合计的本年收入合计应等于{t01}本年收入合计",
    "t02_fiscal_vs_t01": "{t02}合计的财政拨款收入应等于{t01}三项财政拨款收入之和",
    "t02_column_vs_t01": "{t02}合计的{column}应等于{t01}{source}",
    "t03_total_vs_t01": "{t03}合计的本年支出合计应等于{t01}本年支出合计",
    "class_equal": "{row}的支出在{left}与{right}中应相等",
    "t05_not_above_t03": "{t05}{column}不应大于{t03}{column}",
    "t05_row_not_above_t03": "{row}：{t05}支出不应大于{t03}本年支出合计",
    "t04_income_vs_t01": "{t04}{income}收入应等于{t01}{source}",
    "t04_income_total": "{table}本年收入合计应等于三项财政拨款收入之和",
    "t04_income_grand_total": "{table}收入总计应等于本年收入合计与年初财政拨款结转和结余之和",
    "column": "（{column}列）",
    "t04_expense_grand_total": "{table}支出总计{column}应等于本年支出合计与年末财政拨款结转和结余之和",
    "fund_balance": "{row}的年末结转和结余应等于年初结转和结余加本年收入减本年支出",
    "expense_this_year": "本年支出",
    "t04_split": "{table}{row}的合计应等于三种财政拨款之和",
    "t04_carry_vs_t01": "{t04}{carry}不应大于{t01}{other}",
    "t04_expense_vs_t01": "{t04}本年支出合计不应大于{t01}本年支出合计",
    "t04_class_vs_t01": "{row}：{t04}支出不应大于{t01}支出",
    "t05_vs_t04": "{t05}合计应等于{t04}本年支出合计的一般公共预算财政拨款列",
    "t05_class_vs_t04": "{row}：{t05}合计应等于{t04}一般公共预算财政拨款列",
    "t06_group": "{table}{total}应等于所属经济分类类级科目之和",
    "econ_classes": "所属科目",
    "t05_basic_vs_t06": "{t05}基本支出合计应等于{t06}人员经费合计与公用经费合计之和",
    "t06_class_sum": "{table}{row}应等于所属款级科目之和",
    "t06_unknown_code": "{table}经济分类科目编码 {code}（{name}）不在 {year} 年度经济分类科目表中",
    "t06_name": "{table}经济分类科目 {code} 的名称“{name}”与 {year} 年度科目名称“{official}”不一致",
    "fund_income_vs_t01": "{table}合计的本年收入应等于{t01}{income}收入",
    "fund_income_vs_t04": "{table}合计的本年收入应等于{t04}{column}收入",
    "fund_expense_vs_t04": "{table}合计的本年支出应等于{t04}本年支出合计的{column}列",
    "fund_carry_vs_t04": "{table}合计的{carry}应等于{t04}{other}的{column}",
    "fund_class_vs_t04": "{row}：{table}本年支出应等于{t04}{column}列",
    "t09_total": "{table}“三公”经费{column}合计应等于三项经费之和",
    "t09_car_total": "{table}公务用车购置及运行维护费{column}应等于购置费与运行维护费之和",
    "subtotal": "小计",
    "t09_vs_t06": "{t06}{row}不应大于{t09}{part}{column}",
    "staff": "{total}应等于在职、离休、退休人员人数之和",
    "staff_change": "{total}应等于在职、离休、退休人员增加数之和",
    "procurement_total": "政府采购支出总额应等于货物、工程、服务支出之和",
    "procurement_total_label": "总额",
    "procurement_goods": "货物",
    "procurement_works": "工程",
    "procurement_services": "服务",
    "procurement_sme": "中小企业",
    "procurement_small_micro": "小微企业",
    "not_above": "{small}不应大于{big}",
    "operating_costs_stated": "{label}未填写：部门决算含事业单位或未列出单位构成，公开06表的公用经费合计不是{label}，"
    "请在“单位信息”表中填写本部门行政单位、参公单位的{label}",
    "members_missing": "部门决算未列出“部门决算单位构成”（本级及所属各单位）：公开说明中不写单位构成",
    "members_doubled": "“部门决算单位构成”中同一单位列了两次：{names}",
    "procurement_small_micro_bound": "授予小微企业合同金额不应大于授予中小企业合同金额",
    "vehicle_count": "车辆合计应等于八类车辆之和",
    "vehicle_count_label": "车辆合计",
    "vehicle_holding": "固定资产车辆 {count} 辆与公务用车保有量 {holding} 辆不一致，相差 {diff} 辆，未填写差异原因",
    "perf_fund_lines": "绩效自评表“{project}”的年度资金总额{column}应等于当年财政拨款与其他资金之和",
    "perf_fiscal": "当年财政拨款",
    "perf_no_budget": "绩效自评表“{project}”全年预算数为 0.00 万元，全年执行数 {executed} 万元，无法计算执行率",
    "perf_rate": "绩效自评表“{project}”执行率超过 100%：全年执行数 {executed} 万元，全年预算数 {budget} 万元，执行率 {rate}%，超出 {over} 万元",
    "perf_fund_score": "绩效自评表“{project}”资金得分应等于分值 × 执行率：得分 {score} 分，分值 {weight} × 执行率 {rate}% = {expected} 分，相差 {diff} 分",
    "perf_score_over": "绩效自评表“{project}”{what} {score} 分大于分值 {weight} 分，超出 {diff} 分",
    "perf_indicator": "指标“{name}”得分",
    "perf_total_score": "绩效自评表“{project}”总分应等于资金得分与各指标得分之和",
    "perf_total_label": "总分",
    "perf_weights": "绩效自评表“{project}”分值合计应为 100 分：资金分值 {weight} + {n} 个指标分值 = {total} 分，相差 {diff} 分",
    "perf_count": "绩效评价项目个数应等于项目支出绩效自评表个数：填写 {count} 个，自评表 {tables} 个，相差 {diff} 个",
    "perf_summary": "绩效评价项目{column}应等于各自评表年度资金总额{column}之和",
    "quoted": "“{name}”",
    "perf_tables": "自评表",
    "sangong": "“三公”经费",
    "sangong_total": "合计",
    "reason_prior": "{label}与上年相比有变动，未填写变动主要原因：本年 {current} 万元，上年 {prior} 万元，{change} {diff} 万元",
    "increase": "增加",
    "decrease": "减少",
    "reason_budget": "{label}决算数与{which}有差异，未填写预决算差异主要原因：决算数 {current} 万元，{which} {budget} 万元，相差 {diff} 万元",
    "missing": "缺少{label}的{what}，无法写出“{section}”中的对比",
    "item_missing": "{table}项级科目 {row}（支出 {amount} 万元）在“{label}”中没有对应条目，缺少上年决算数，无法写出“{section}”中的逐项说明",
    "item_prior": "“{label}”中科目 {item} 缺少上年决算数，无法写出“{section}”中的逐项说明",
    "item_names": "“{label}”中科目 {code} 本年表中没有，且缺少{missing}，无法写出“{section}”中的逐项说明",
    "list_sep": "、",
    "full_year_budget": "全年预算数",
    "item_budget": "“{label}”中科目 {item} 缺少{what}，无法写出“{section}”中的逐项说明",
    "item_usage": "“{label}”中科目 {item} 未填写主要用于，“{section}”中这一项不写“主要用于”",
    "items_budget": "“{label}”各项级科目的{what}之和应等于{total_label}的{what}",
    "items_budget_total": "合计",
    "items_budget_sum": "各项级科目",
    "foreign_reception": "外宾接待支出不应大于公开09表公务接待费决算数",
    "foreign_reception_label": "外宾接待支出",
    "reception_actual_label": "公务接待费",
    "batch_unit": "批次",
    "person_time_unit": "人次",
    "procurement_reserved_small_micro_budget": "面向小微企业预留的项目预算金额不应大于面向中小企业预留的项目预算金额",
    "procurement_reserved_small_micro_awarded": "预留项目中由小微企业中标或成交的金额不应大于由中小企业中标或成交的金额",
    "procurement_sme_awarded": "由中小企业中标或成交的采购金额（预留项目与其他项目之和）不应大于{big}",
    "procurement_reserved_small_micro": "小微预留",
    "procurement_reserved_sme": "中小预留",
    "procurement_reserved_sme_awarded": "预留项目中小企业",
    "procurement_reserved_small_micro_awarded_label": "预留项目小微企业",
    "procurement_other_sme_awarded": "其他项目中小企业",
    "perf_grades": "绩效自评的项目个数应等于评级为优、良、合格、不合格的项目个数之和",
    "perf_grades_total": "自评项目",
    "perf_grade_excellent": "优",
    "perf_grade_good": "良",
    "perf_grade_pass": "合格",
    "perf_grade_fail": "不合格",
    "items_unit": "个",
    "perf_issues": "已完成整改与正在整改的问题个数之和不应大于发现的问题个数",
    "perf_issues_found": "发现问题",
    "perf_issues_fixed": "已完成整改",
    "perf_issues_fixing": "正在整改",
    "perf_average_score": "绩效自评平均得分 {score} 分超出 0～100 分",
    "assets_unstated": "国有资产占用情况中“{label}”未填写，“{section}”中不写这一部分（没有请填 0）",
    # docs/checks.md around the rules (rules_markdown)
    "doc_head": "\n".join(
        [
            "# 勾稽检查规则",
            "",
            "本文件由 `generator.checks.rules_markdown()` 生成，请勿手工修改；规则变化后重新生成：",
            "",
            "```",
            '.venv/bin/python -c "from generator.checks import rules_markdown; '
            "print(rules_markdown(), end='')\" > docs/checks.md",
            "```",
            "",
            "金额单位均为万元。严重程度：**错误**表示公开表不平衡（或缺少写说明必需的数字、金额单位有误），"
            "除非强制生成（`--force`），否则不生成公开说明；**警告**表示需要核对，照常生成（加 `--strict` 时与错误一样"
            "不生成）；**提示**仅供参考。只在说明中出现的补充数据（人员、政府采购、国有资产、绩效自评表）不一致时报警告："
            "照实公开，但请核对。",
            "",
            "公开表金额四舍五入到 0.01 万元，若干数相加可能与合计差 0.01 万元/项：差额在"
            "“每个加数 0.01 万元”（`CheckSettings.rounding_tolerance_per_addend`）以内的只报提示，"
            "消息中写明允许误差；生成和 `--check` 时所有这类提示合为一行（加 `--verbose` 逐条列出）。"
            "“依据”中的 §4 #n 指 official-tables.md 第 4 节第 n 条"
            "（D：真实公开数据中成立；T：官方模板规定；I：由表样推断）。",
            "",
            "| 规则编号 | 严重程度 | 规则 |",
            "|---|---|---|",
        ]
    ),
    "doc_rules": "## 规则说明",
    "doc_source": "依据",
    "doc_tail": "\n".join(
        [
            "## 不单独检查的规则",
            "",
            "- official-tables.md §4 #26（行政单位、参公事业单位的机关运行经费 = 06表公用经费合计）："
            "说明中的机关运行经费直接取自06表公用经费合计，不另行录入，因此总是成立。",
            "- §4 #27、#28（说明文字与表格一致、增长率算法）：说明文字中的数字全部由程序从表中计算，不另行录入。",
        ]
    ),
    "doc_fund_number": "二",
    "doc_soe_number": "三",
    "level_3": "类",
    "level_5": "款",
    "level_7": "项",
    "orphan": "{table}科目 {row} 缺少其{level}级科目 {parent} 所在行",
    "childless": "{table}{level}级科目 {row} 下没有所属{child}级科目行（是否误删了行？）",
    "childless_econ": "{table}类级科目 {row}（{amount} 万元）下没有所属款级科目行（是否误删了行？）",
    "missing_in": "{table}科目 {row} 在{other}中没有对应的行（是否误删了行？）",
    "class_missing_in": "{table}类级科目 {row} 在{other}支出栏{column}中没有金额（是否误删了行？）",
    "class_missing_from": "{other}支出栏{column}有类级科目 {row}，{table}中没有该类级科目行（是否误删了行？）",
    "scale_per_person": "公开表金额疑似以元填写（金额单位应为万元）：{table}人员经费合计 {personnel} 万元，"
    "实有人数 {staff} 人，人均 {per} 万元，超过 {limit} 万元/人。若各表按元填写，请把金额除以 10000 后按万元填写"
    "（如 {example} 元应填 {converted} 万元）",
    "scale_per_car": "公开表金额疑似以元填写（金额单位应为万元）：{table}公务用车运行维护费 {amount} 万元，"
    "公务用车保有量 {cars} 辆，每辆 {per} 万元，超过 {limit} 万元/辆。若各表按元填写，请把金额除以 10000 后"
    "按万元填写（如 {amount} 元应填 {converted} 万元）",
    "scale_total": "公开表金额疑似以元填写（金额单位应为万元）：{table}收入总计 {total} 万元，超过 {limit} 万元。"
    "若各表按元填写，请把金额除以 10000 后按万元填写（如 {total} 元应填 {converted} 万元）",
    "scale_prior": "上年决算数疑似与本年数不在同一金额单位：{total} 个对比项目中有 {count} 个两年相差千倍以上"
    "（{examples}）。{hint}",
    "scale_prior_hint_up": "本年数约为上年数的一万倍：是否本年数按元、上年决算数按万元填写？金额单位均应为万元",
    "scale_prior_hint_down": "上年数约为本年数的一万倍：是否上年决算数按元填写？金额单位均应为万元",
    "scale_budget": "预算数疑似与决算数不在同一金额单位：{total} 个项目中有 {count} 个相差千倍以上（{examples}）。{hint}",
    "scale_budget_hint_up": "决算数约为预算数的一万倍：是否决算数按元、预算数按万元填写？金额单位均应为万元",
    "scale_budget_hint_down": "预算数约为决算数的一万倍：是否预算数按元填写？金额单位均应为万元",
    "scale_prior_example": "{label} 本年 {current} 万元、上年 {other} 万元，{ratio}",
    "scale_budget_example": "{label} 决算 {current} 万元、预算 {other} 万元，{ratio}",
    "ratio_times": "约 {n} 倍",
    "ratio_fraction": "约 {n} 分之一",
}
"""Every message of the checks, as format strings (the wording; the rules hold none)."""

_LEVEL_NAME = {n: TEXT[f"level_{n}"] for n in (3, 5, 7)}


def _say(key: str, **values: Any) -> str:
    return TEXT[key].format(**values)


# ---------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Term:
    """One figure of a rule: its label in the message, value (万元 unless told) and model path.

    Made only by :meth:`at` (value, cell and — unless given — label from one model path, so
    they cannot disagree) or :meth:`absent` (a row the table lacks: 0, at the table's place).
    """

    label: str
    value: Decimal
    path: Path | None = None
    sign: int = 1

    @classmethod
    def at(cls, ctx: CheckContext, path: Path, label: str | None = None, sign: int = 1) -> Term:
        """The figure at ``path`` of the model; its label is the field's title unless given."""
        value = _get(ctx.d, path)
        return cls(_path_title(path) if label is None else label, Decimal(value), tuple(path), sign)

    @classmethod
    def absent(cls, label: str, where: Path | None = None) -> Term:
        """A figure the input lacks (a missing row): 0, named at ``where`` (the table) if given."""
        return cls(label, ZERO, where)


@cache
def _path_title(path: Path) -> str:
    """The title of the last named field along a model path (``("t01", "carry_in")`` → 年初结转和结余)."""
    cls: Any = Disclosure
    title = ""
    for part in path:
        if isinstance(part, int) or not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            continue
        if part not in cls.model_fields:  # a key of a dict (a 类 code)
            continue
        info = cls.model_fields[part]
        title = info.title or part
        cls = info.annotation
        while get_args(cls):  # list[X], dict[str, X], X | None → X
            cls = next(a for a in reversed(get_args(cls)) if a is not type(None))
    return title


def _title(model: type[BaseModel] | BaseModel, name: str) -> str:
    return _class_title(model if isinstance(model, type) else type(model), name)


@cache
def _class_title(cls: type[BaseModel], name: str) -> str:
    return cls.model_fields[name].title or name


def _fmt_diff(value: Decimal) -> str:
    """A difference in 万元; shown exactly when rounding to 0.01 would hide it."""
    value = abs(value)
    if value and q2(value) == 0:
        return f"{value.normalize():f}"
    return fmt_money(value)


def _fmt_count(value: Decimal) -> str:
    return f"{value:f}"


def _table(ctx: CheckContext, key: str) -> str:
    info = ctx.year.tables.get(key)
    return info.code if info else key


def _expr(terms: Sequence[Term], fmt: Callable[[Decimal], str]) -> str:
    out = ""
    for i, t in enumerate(terms):
        piece = _say("figure", label=t.label, value=fmt(t.value))
        if i == 0:
            out = piece if t.sign > 0 else f"−{piece}"
        else:
            out += f" {'+' if t.sign > 0 else '−'} {piece}"
    return out


def _judge(
    ctx: CheckContext,
    rule: str,
    text: str,
    diff: Decimal,
    n_rounded: int,
    cells: tuple[str, ...],
    *,
    unit: str,
    exact: bool,
) -> Finding:
    """A finding for a nonzero difference: 提示 within the rounding tolerance, else 错误."""
    if exact:
        return Finding(Severity.ERROR, rule, text, cells, abs(diff), unit)
    tol = ctx.tolerance(n_rounded)
    if abs(diff) <= tol:
        text = _say("within_tolerance", text=text, tolerance=fmt_money(tol), unit=unit)
        return Finding(Severity.NOTE, rule, text, cells, abs(diff), unit)
    text = _say("beyond_tolerance", text=text, tolerance=fmt_money(tol), unit=unit)
    return Finding(Severity.ERROR, rule, text, cells, abs(diff), unit)


def _sum_rule(
    ctx: CheckContext,
    rule: str,
    statement: str,
    total: Term,
    addends: Sequence[Term],
    *,
    unit: str = "",
    exact: bool = False,
) -> Finding | None:
    """``total = Σ addends`` (signed); ``None`` when it holds exactly.  ``unit``: 万元 unless told."""
    computed = sum((t.value * t.sign for t in addends), ZERO)
    diff = total.value - computed
    if diff == 0:
        return None
    unit = unit or TEXT["wan"]
    fmt = _fmt_count if exact else fmt_money
    lhs = _say("figure_unit", label=total.label, value=fmt(total.value), unit=unit)
    if len(addends) == 1 and addends[0].sign > 0:
        rhs = _say("figure_unit", label=addends[0].label, value=fmt(addends[0].value), unit=unit)
    elif len(addends) > 8:
        rhs = _say("sum_long", first=_expr(addends[:3], fmt), n=len(addends), value=fmt(computed), unit=unit)
    else:
        rhs = _say("sum", expr=_expr(addends, fmt), value=fmt(computed), unit=unit)
    shown = _fmt_count(abs(diff)) if exact else _fmt_diff(diff)
    text = _say("sum_broken", statement=statement, lhs=lhs, rhs=rhs, diff=shown, unit=unit)
    cells = ctx.cells(total.path, *(t.path for t in addends))
    return _judge(ctx, rule, text, diff, len(addends), cells, unit=unit, exact=exact)


def _at_most(
    ctx: CheckContext,
    rule: str,
    statement: str,
    small: Term,
    big: Term,
    *,
    unit: str = "",
    exact: bool = False,
) -> Finding | None:
    """``small ≤ big``; ``None`` when it holds.  ``unit``: 万元 unless told."""
    if small.value <= big.value:
        return None
    unit = unit or TEXT["wan"]
    diff = small.value - big.value
    fmt = _fmt_count if exact else fmt_money
    shown = _fmt_count(diff) if exact else _fmt_diff(diff)
    text = _say(
        "bound_broken",
        statement=statement,
        small=_say("figure_unit", label=small.label, value=fmt(small.value), unit=unit),
        big=_say("figure_unit", label=big.label, value=fmt(big.value), unit=unit),
        diff=shown,
        unit=unit,
    )
    return _judge(ctx, rule, text, diff, 1, ctx.cells(small.path, big.path), unit=unit, exact=exact)


def _sum_at_most(
    ctx: CheckContext,
    rule: str,
    statement: str,
    parts: Sequence[Term],
    big: Term,
    *,
    unit: str = "",
    exact: bool = False,
) -> Finding | None:
    """``Σ parts ≤ big``; ``None`` when it holds.  ``unit``: 万元 unless told."""
    small = sum((t.value for t in parts), ZERO)
    if small <= big.value:
        return None
    unit = unit or TEXT["wan"]
    diff = small - big.value
    fmt = _fmt_count if exact else fmt_money
    text = _say(
        "bound_broken",
        statement=statement,
        small=_say("sum", expr=_expr(parts, fmt), value=fmt(small), unit=unit),
        big=_say("figure_unit", label=big.label, value=fmt(big.value), unit=unit),
        diff=_fmt_count(diff) if exact else _fmt_diff(diff),
        unit=unit,
    )
    cells = ctx.cells(*(t.path for t in parts), big.path)
    return _judge(ctx, rule, text, diff, len(parts), cells, unit=unit, exact=exact)


def _keep(findings: Iterable[Finding | None]) -> Iterator[Finding]:
    return (f for f in findings if f is not None)


# ---------------------------------------------------------------------------- declared rules
#
# A rule that compares figures at fixed places of the model is declared, not written out: its
# id, severity, statement (a key of TEXT), figures and description are data, and one function
# (:func:`_declared_check`) runs every such rule.  The placeholders of a declared statement are
# filled alike for every rule: ``{table}`` is the code of the rule's own table (the id's prefix),
# ``{t01}``…``{t09}`` the code of each table, ``{total}``, ``{small}`` and ``{big}`` the field
# titles of those figures, ``{column}`` the title of the column the rule is applied to (``over``).

_COLUMN = "*"
"""In a declared figure's path: the column of ``over`` the rule is being applied to."""

_TABLE_KEYS = tuple(f"t{n:02}" for n in range(1, 10))


@dataclass(frozen=True)
class _Fig:
    """A figure of a declared rule: its place in the model, dotted (``t04.carry_in.total``;
    ``*`` for the column of ``over``), and its label in the message — the field title of that
    place (or of ``title``), or ``TEXT[text]`` — after the code of ``table`` if given."""

    at: str
    text: str = ""
    title: str = ""
    table: str = ""

    def term(self, ctx: CheckContext, column: str) -> Term:
        label = TEXT[self.text] if self.text else _path_title(_dotted(self.title or self.at, column))
        return Term.at(ctx, _dotted(self.at, column), (_table(ctx, self.table) if self.table else "") + label)


def _figs(base: str, *names: str, text: str = "") -> tuple[_Fig, ...]:
    """The figures ``base.name``, each labelled ``TEXT[text + name]`` when ``text`` is given."""
    return tuple(_Fig(f"{base}.{n}", text=f"{text}{n}" if text else "") for n in names)


def _dotted(at: str, column: str) -> Path:
    """The model path of a dotted place, in ``column``."""
    return tuple(column if part == _COLUMN else part for part in at.split("."))


@dataclass(frozen=True)
class _Declared:
    """What every declared rule states: its id, the key of its statement in TEXT, and — by
    keyword — ``doc`` and ``basis`` (依据), its description in docs/checks.md; ``unit``, a key
    of TEXT (万元 unless told); ``exact`` for counts."""

    rule_id: str
    statement: str
    _: KW_ONLY
    doc: str
    basis: str
    severity: str = ERR_TOL
    over: tuple[str, ...] = ()
    unit: str = ""
    exact: bool = False

    def figures(self) -> dict[str, _Fig]:
        """The figures, by their name in the statement (``{total}``, ``{small}``, ``{big}``; the
        addends by their place)."""
        raise NotImplementedError

    def judge(self, ctx: CheckContext, column: str, statement: str) -> Finding | None:
        raise NotImplementedError


@dataclass(frozen=True)
class _SumRule(_Declared):
    """``total = Σ addends``; with ``nonzero`` the message names only the nonzero addends (the
    first one when all are 0)."""

    total: _Fig
    addends: tuple[_Fig, ...]
    nonzero: bool = False

    def figures(self) -> dict[str, _Fig]:
        return {"total": self.total, **{str(i): f for i, f in enumerate(self.addends)}}

    def judge(self, ctx: CheckContext, column: str, statement: str) -> Finding | None:
        addends = [f.term(ctx, column) for f in self.addends]
        if self.nonzero:
            addends = [t for t in addends if t.value] or addends[:1]
        return _sum_rule(
            ctx, self.rule_id, statement, self.total.term(ctx, column), addends,
            unit=TEXT[self.unit] if self.unit else "", exact=self.exact,
        )


@dataclass(frozen=True)
class _BoundRule(_Declared):
    """``small ≤ big``."""

    small: _Fig
    big: _Fig

    def figures(self) -> dict[str, _Fig]:
        return {"small": self.small, "big": self.big}

    def judge(self, ctx: CheckContext, column: str, statement: str) -> Finding | None:
        return _at_most(
            ctx, self.rule_id, statement, self.small.term(ctx, column), self.big.term(ctx, column),
            unit=TEXT[self.unit] if self.unit else "", exact=self.exact,
        )


def _stated(obj: Any, path: Path) -> bool:
    """Whether the model states the figure at ``path`` (nothing along the path is left empty)."""
    for part in path:
        if obj is None:
            return False
        obj = _step(obj, part)
    return obj is not None


def _declare(*rules: _Declared) -> None:
    """Register the declared ``rules`` as checks, in this order."""
    for rule in rules:
        _rule(rule.rule_id, rule.severity)(_declared_check(rule))


def _declared_check(rule: _Declared) -> Check:
    """The check of ``rule``, applied in each column of ``over``; it does not apply where one of
    its figures is left empty."""

    def check(ctx: CheckContext) -> Iterator[Finding]:
        figures = rule.figures()
        tables = {key: _table(ctx, key) for key in _TABLE_KEYS}
        tables["table"] = _table(ctx, rule.rule_id.split(".")[0])
        for column in rule.over or ("",):
            paths = {name: _dotted(f.at, column) for name, f in figures.items()}
            if not all(_stated(ctx.d, p) for p in paths.values()):
                continue
            values = tables | {name: _path_title(p) for name, p in paths.items()}
            if column:
                first = next(iter(figures.values())).at
                values["column"] = _path_title(_dotted(first[: first.index(_COLUMN) + 1], column))
            finding = rule.judge(ctx, column, _say(rule.statement, **values))
            if finding is not None:
                yield finding

    check.__name__ = f"check_{rule.rule_id.replace('.', '_')}"
    check.__doc__ = f"{rule.doc}\n\n{TEXT['doc_source']}：{rule.basis}"
    return check


# The amount columns of the 科目 tables, and each table's row type (for the column titles).
_SUBJECT_TABLES: dict[str, tuple[type[BaseModel], tuple[str, ...]]] = {
    "t02": (IncomeRow, ("total", "fiscal", "superior", "business", "operating", "affiliated", "other")),
    "t03": (ExpenseRow, ("total", "basic", "project", "to_superior", "operating", "to_affiliated")),
    "t05": (GpbRow, ("total", "basic", "project")),
    "t07": (FundRow, ("carry_in", "income", "expense", "basic", "project", "carry_out")),
    "t08": (FundRow, ("carry_in", "income", "expense", "basic", "project", "carry_out")),
}
_LEVEL = {3: 5, 5: 7}  # a 类's sub-rows are 款, a 款's are 项 (code lengths)


def _rows(ctx: CheckContext, key: str) -> list[tuple[int, Any]]:
    return list(enumerate(getattr(ctx.d, key).rows))


def _row_label(row: Any) -> str:
    return f"{row.code} {row.name}"


def _first_by_code(rows: Iterable[tuple[int, Any]]) -> dict[str, tuple[int, Any]]:
    out: dict[str, tuple[int, Any]] = {}
    for i, r in rows:
        out.setdefault(r.code, (i, r))
    return out


def _children(rows: Iterable[tuple[int, Any]]) -> dict[str, list[tuple[int, Any]]]:
    """Rows by their parent code (类 ``201`` → its 款 ``201xx``; 款 → its 项), in table order."""
    out: dict[str, list[tuple[int, Any]]] = {}
    for i, r in rows:
        if len(r.code) > 3:
            out.setdefault(r.code[:-2], []).append((i, r))
    return out


def _class_label(ctx: CheckContext, code: str) -> str:
    name = ctx.year.class_names.get(code)
    return f"{code} {name}" if name else code


_PARENS = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": ""})


@cache
def _norm_name(name: str) -> str:
    return re.sub(r"\s+", "", name).translate(_PARENS)


# ---------------------------------------------------------------------------- structure


_COMPARISON_LISTS = ("gpb_items", "fund_items", "soe_items")


_SHEET_ROW_RE = re.compile(r"![A-Z]+(\d+)$")


def _row_places(cells: tuple[str, ...], first: int, second: int) -> str:
    """Where two rows stand: the worksheet's row numbers when both were read from one sheet
    (what the clerk sees in Excel), else their order in the table (JSON)."""
    rows = [m[1] for m in map(_SHEET_ROW_RE.search, cells) if m]
    if len(rows) == 2 and len(cells) == 2:
        return _say("duplicate_sheet_rows", first=rows[0], second=rows[1])
    return _say("duplicate_list_rows", first=first + 1, second=second + 1)


@_rule("structure.duplicate_codes", ERR)
def check_duplicate_codes(ctx: CheckContext) -> Iterator[Finding]:
    """同一张表中科目编码不得重复（02/03/05/06/07/08表及各项级科目对比清单）。

    依据：表样（每个科目一行，official-tables.md §3）。
    """
    for key in (*_SUBJECT_TABLES, "t06"):
        seen: dict[str, int] = {}
        for i, row in _rows(ctx, key):
            if row.code in seen:
                first = seen[row.code]
                cells = ctx.cells((key, "rows", first, "code"), (key, "rows", i, "code"))
                yield Finding(
                    Severity.ERROR,
                    "structure.duplicate_codes",
                    _say("duplicate_row", table=_table(ctx, key), code=row.code, places=_row_places(cells, first, i)),
                    cells,
                )
            else:
                seen[row.code] = i
    for name in _COMPARISON_LISTS:
        seen = {}
        for i, item in enumerate(getattr(ctx.d.comparisons, name)):
            if item.code in seen:
                yield Finding(
                    Severity.ERROR,
                    "structure.duplicate_codes",
                    _say("duplicate_item", where=_title(ctx.d.comparisons, name), code=item.code),
                    ctx.cells(
                        ("comparisons", name, seen[item.code], "code"), ("comparisons", name, i, "code")
                    ),
                )
            else:
                seen[item.code] = i


@_rule("structure.orphan_rows", ERR)
def check_orphan_rows(ctx: CheckContext) -> Iterator[Finding]:
    """项级科目须有其款级科目行，款级科目须有其类级科目行（02/03/05/07/08表）；
    款级经济分类科目须有其类级科目行（06表）。

    依据：表样按类、款、项逐级列示（official-tables.md §3.2、§3.6）。
    """
    for key in (*_SUBJECT_TABLES, "t06"):
        codes = {r.code for _, r in _rows(ctx, key)}
        for i, row in _rows(ctx, key):
            code = row.code
            if len(code) == 3:
                continue
            parent = code[: len(code) - 2]
            if parent not in codes:
                yield Finding(
                    Severity.ERROR,
                    "structure.orphan_rows",
                    _say("orphan", table=_table(ctx, key), row=_row_label(row), level=_LEVEL_NAME[len(parent)],
                         parent=parent),
                    ctx.cells((key, "rows", i, "code")),
                )


@_rule("structure.childless_rows", ERR)
def check_childless_rows(ctx: CheckContext) -> Iterator[Finding]:
    """有金额的类级科目须有所属款级科目行、有金额的款级科目须有所属项级科目行（02/03/05/07/08表），
    有金额的类级经济分类科目须有所属款级科目行（06表）。缺少时多半是误删了行：删去的行的金额
    会从说明中悄悄消失，因此报错误。全为 0 的行不说明任何数字，不检查。

    依据：表样按类、款、项逐级列示到项级科目（official-tables.md §3.2、§3.6）。
    """
    for key in (*_SUBJECT_TABLES, "t06"):
        rows = _rows(ctx, key)
        parents = {r.code[:-2] for _, r in rows if len(r.code) > 3}
        for i, row in rows:
            if len(row.code) == 7 or row.code in parents or not _has_amount(key, row):
                continue
            if key == "t06":
                if len(row.code) != 3:
                    continue
                text = _say("childless_econ", table=_table(ctx, key), row=_row_label(row),
                            amount=fmt_money(row.amount))
            else:
                text = _say("childless", table=_table(ctx, key), row=_row_label(row),
                            level=_LEVEL_NAME[len(row.code)], child=_LEVEL_NAME[len(row.code) + 2])
            yield Finding(Severity.ERROR, "structure.childless_rows", text, ctx.cells((key, "rows", i, "code")))


def _has_amount(key: str, row: Any) -> bool:
    """Whether a row of table ``key`` states any amount (a row of zeros states nothing)."""
    if key == "t06":
        return bool(row.amount)
    return any(getattr(row, col) for col in _SUBJECT_TABLES[key][1])


# Which table must repeat the rows of which: (table, its rows that count, table that repeats them).
# 05 (一般公共预算财政拨款) and the 本年支出 of 07/08 are part of 03 (all funds), 科目 by 科目.
_REPEATED_IN_T03 = (("t05", "total"), ("t07", "expense"), ("t08", "expense"))


@_rule("structure.repeated_rows", ERR)
def check_repeated_rows(ctx: CheckContext) -> Iterator[Finding]:
    """须重复列示的科目行不得缺少：05表有金额的每个科目、07/08表本年有支出的每个科目须在03表中有行；03表
    有支出的类级科目与01表支出栏有金额的类级科目一一对应；05/07/08表有支出的类级科目与04表支出栏
    一般公共预算、政府性基金、国有资本经营预算财政拨款列有金额的类级科目一一对应。

    依据：03表反映全部资金的支出，05/07/08表是其中的财政拨款部分；01/04表支出栏按类级科目列示
    （official-tables.md §3、§4 #10、#15、#22）。
    """
    t03 = ctx.row_index("t03")
    n3 = _table(ctx, "t03")
    for key, repeated in _REPEATED_IN_T03:
        for i, row in _rows(ctx, key):
            if row.code in t03 or not getattr(row, repeated):
                continue
            yield Finding(
                Severity.ERROR,
                "structure.repeated_rows",
                _say("missing_in", table=_table(ctx, key), row=_row_label(row), other=n3),
                ctx.cells((key, "rows", i, "code"), ("t03",)),
            )
    pairs: list[tuple[str, str, str, dict[str, Any], str | None]] = [
        ("t03", "total", "t01", ctx.d.t01.expense_by_class, None),
        ("t05", "total", "t04", ctx.d.t04.expense_by_class, "gpb"),
        ("t07", "expense", "t04", ctx.d.t04.expense_by_class, "fund"),
        ("t08", "expense", "t04", ctx.d.t04.expense_by_class, "soe"),
    ]
    for key, amount, other, by_class, col in pairs:
        present = {c: v for c, v in ctx.row_index(key).items() if len(c) == 3 and getattr(v[1], amount)}
        listed = {c for c, v in by_class.items() if (getattr(v, col) if col else v)}
        column = _title(FundSplit, col) if col else ""
        for code in sorted(set(present) - listed):
            i, row = present[code]
            yield Finding(
                Severity.ERROR,
                "structure.repeated_rows",
                _say("class_missing_in", table=_table(ctx, key), row=_row_label(row), other=_table(ctx, other),
                     column=column),
                ctx.cells((key, "rows", i, "code"), (other, "expense_by_class")),
            )
        for code in sorted(listed - set(present)):
            path: Path = (other, "expense_by_class", code, col) if col else (other, "expense_by_class", code)
            yield Finding(
                Severity.ERROR,
                "structure.repeated_rows",
                _say("class_missing_from", table=_table(ctx, key), row=_class_label(ctx, code),
                     other=_table(ctx, other), column=column),
                ctx.cells(path, (key,)),
            )


@_rule("structure.class_codes", ERR)
def check_class_codes(ctx: CheckContext) -> Iterator[Finding]:
    """01表、04表支出栏的类级科目编码须为本年度支出功能分类的类级科目。

    依据：official-tables.md §3.1、§6.1；年度数据 generator/years/<年度>.toml。
    """
    known = ctx.year.class_names
    for key in ("t01", "t04"):
        for code in getattr(ctx.d, key).expense_by_class:
            if code not in known:
                yield Finding(
                    Severity.ERROR,
                    "structure.class_codes",
                    _say("unknown_class", table=_table(ctx, key), code=code, year=ctx.year.source_year),
                    ctx.cells((key, "expense_by_class", code)),
                )


@_rule("structure.subject_names", WARN)
def check_subject_names(ctx: CheckContext) -> Iterator[Finding]:
    """科目名称应与本年度《政府收支分类科目》名称一致；类级科目编码应为本年度的类级科目。

    比较时忽略空格及全角、半角括号的差别。

    依据：official-tables.md §6；年度数据。
    """
    items: list[tuple[str, str, Path, str]] = []
    for key in _SUBJECT_TABLES:
        for i, row in _rows(ctx, key):
            items.append((row.code, row.name, (key, "rows", i, "name"), _table(ctx, key)))
    for name in _COMPARISON_LISTS:
        for i, item in enumerate(getattr(ctx.d.comparisons, name)):
            if item.name:
                items.append(
                    (item.code, item.name, ("comparisons", name, i, "name"), _title(ctx.d.comparisons, name))
                )
    for code, name, path, where in items:
        official = ctx.year.subject_name(code)
        if official is None:
            if len(code) == 3:
                yield Finding(
                    Severity.WARNING,
                    "structure.subject_names",
                    _say("unknown_class_row", where=where, code=code, name=name, year=ctx.year.source_year),
                    ctx.cells(path),
                )
            continue
        if _norm_name(name) != _norm_name(official):
            yield Finding(
                Severity.WARNING,
                "structure.subject_names",
                _say("subject_name", where=where, code=code, name=name, year=ctx.year.source_year, official=official),
                ctx.cells(path),
            )


# ---------------------------------------------------------------------------- 金额单位


def _per_person(ctx: CheckContext) -> Decimal | None:
    staff = ctx.d.unit.staff.total if ctx.d.unit.staff is not None else 0
    personnel = ctx.d.t06.personnel_total
    return personnel / staff if staff > 0 and personnel > 0 else None


@_rule("scale.amounts", ERR)
def check_scale_amounts(ctx: CheckContext) -> Iterator[Finding]:
    """公开表金额疑似以元填写（金额单位应为万元）：06表人员经费合计 ÷ 实有人数超过 1,000 万元/人
    （真实单位约 5–60 万元/人，按元填写时放大一万倍，至少数千万元/人）；没有人数或人员经费时，按
    09表公务用车运行维护费 ÷ 公务用车保有量超过 500 万元/辆（真实约 1–5 万元/辆）；两者都不能计算时，按
    01表收入总计超过 10,000,000 万元（1,000 亿元）。

    依据：人员经费由工资、社保缴费和离退休费构成，人均每年不会达到 1,000 万元，两个示例单位约 15 万元/人；
    一辆公务用车一年的运行维护费不会达到 500 万元。阈值见 CheckSettings 的
    scale_personnel_per_person、scale_per_car、scale_grand_total。
    """
    s = ctx.settings
    per = _per_person(ctx)
    if per is not None:
        if per <= s.scale_personnel_per_person:
            return
        personnel = ctx.d.t06.personnel_total
        yield Finding(
            Severity.ERROR,
            "scale.amounts",
            _say("scale_per_person", table=_table(ctx, "t06"), personnel=fmt_money(personnel),
                 staff=ctx.d.unit.staff.total if ctx.d.unit.staff else 0, per=fmt_money(per), limit=fmt_money(s.scale_personnel_per_person),
                 example=fmt_money(personnel), converted=fmt_money(personnel / WAN)),
            ctx.cells(("t06", "personnel_total"), ("unit", "staff", "total")),
        )
        return
    cars = ctx.d.sangong.car_holding
    operation = ctx.d.t09.actual.car_operation
    if cars > 0 and operation / cars > s.scale_per_car:
        yield Finding(
            Severity.ERROR,
            "scale.amounts",
            _say("scale_per_car", table=_table(ctx, "t09"), amount=fmt_money(operation), cars=cars,
                 per=fmt_money(operation / cars), limit=fmt_money(s.scale_per_car),
                 converted=fmt_money(operation / WAN)),
            ctx.cells(("t09", "actual", "car_operation"), ("sangong", "car_holding")),
        )
        return
    total = ctx.d.t01.income_grand_total
    if total > s.scale_grand_total:
        yield Finding(
            Severity.ERROR,
            "scale.amounts",
            _say("scale_total", table=_table(ctx, "t01"), total=fmt_money(total), limit=fmt_money(s.scale_grand_total),
                 converted=fmt_money(total / WAN)),
            ctx.cells(("t01", "income_grand_total")),
        )


def _off_scale(ctx: CheckContext, pairs: list[tuple[str, Decimal, Decimal, Path, bool]]) -> list[tuple]:
    """The pairs (label, 本年, other, path, headline) whose ratio is off by ``scale_ratio`` or more,
    when that says the two sides are on different scales: a headline item is off, or at least
    3 items and at least half of the items with both figures are."""
    limit = ctx.settings.scale_ratio
    both = [p for p in pairs if p[1] > 0 and p[2] > 0]
    off = [p for p in both if p[1] / p[2] >= limit or p[2] / p[1] >= limit]
    if any(p[4] for p in off) or (len(off) >= 3 and 2 * len(off) >= len(both)):
        return off
    return []


def _scale_finding(ctx: CheckContext, rule: str, key: str, off: list[tuple], n_both: int) -> Finding:
    """One finding for the items ``off`` of ``n_both``, with up to three examples and a hint."""
    examples = []
    for label, current, other, _, _ in off[:3]:
        ratio = current / other
        shown = _say("ratio_times", n=f"{q2(ratio):,.0f}") if ratio >= 1 else _say(
            "ratio_fraction", n=f"{q2(1 / ratio):,.0f}"
        )
        examples.append(_say(f"{key}_example", label=label, current=fmt_money(current), other=fmt_money(other),
                             ratio=shown))
    up = sum(1 for p in off if p[1] > p[2])
    hint = _say(f"{key}_hint_{'up' if 2 * up >= len(off) else 'down'}")
    return Finding(
        Severity.ERROR,
        rule,
        _say(key, count=len(off), total=n_both, examples="；".join(examples), hint=hint),
        ctx.cells(*(p[3] for p in off)),
    )


@_rule("scale.prior", ERR)
def check_scale_prior(ctx: CheckContext) -> Iterator[Finding]:
    """上年决算数与本年数疑似不在同一金额单位（一方按元、一方按万元填写）：对比项目中本年数 ÷ 上年决算数
    不小于 1,000 倍或不大于千分之一（按元与按万元相差一万倍），且该项目是收入支出总计，或这样的项目
    至少 3 个、占两年都有数的对比项目的一半以上。

    依据：真实单位的对比项目两年之比多在十倍以内（示例单位最大约 6 倍）；个别项级科目、“三公”分项
    上年数很小时比值可能很大，因此只有多数项目同时如此才报告。阈值见 `CheckSettings.scale_ratio`。
    """
    pairs = []
    for item in _compared_items(ctx):
        if not item.vs_prior:
            continue
        prior = _get(ctx.d, item.base).prior
        headline = item.base == ("comparisons", "total")
        pairs.append((item.label, item.current, prior or ZERO, (*item.base, "prior"), headline))
    off = _off_scale(ctx, pairs)
    if off:
        yield _scale_finding(ctx, "scale.prior", "scale_prior", off, sum(1 for p in pairs if p[1] > 0 and p[2] > 0))


@_rule("scale.budget", ERR)
def check_scale_budget(ctx: CheckContext) -> Iterator[Finding]:
    """预算数与决算数疑似不在同一金额单位：财政拨款收入支出总计、一般公共预算财政拨款支出、政府性基金和
    国有资本经营预算财政拨款的年初预算数，以及09表“三公”经费全年预算数，与决算数之比不小于 1,000 倍或
    不大于千分之一，且该项目是财政拨款收入支出总计或一般公共预算财政拨款支出，或这样的项目至少 3 个、
    占两者都有数的项目的一半以上。

    依据：预算执行率在真实单位中多在 50%–300% 之间（示例单位 100% 左右）。阈值见 `CheckSettings.scale_ratio`。
    """
    pairs = []
    for item in _compared_items(ctx):
        if item.budget_path is None:
            continue
        budget = _get(ctx.d, item.budget_path)
        headline = item.base in (("comparisons", "fiscal"), ("comparisons", "gpb_expense"))
        pairs.append((item.label, item.current, budget or ZERO, item.budget_path, headline))
    off = _off_scale(ctx, pairs)
    if off:
        yield _scale_finding(ctx, "scale.budget", "scale_budget", off, sum(1 for p in pairs if p[1] > 0 and p[2] > 0))


# ---------------------------------------------------------------------------- 公开01表


_declare(
    _SumRule(
        "t01.income_total", "t01_income_total", _Fig("t01.income_total"),
        _figs("t01", *(f"{n}_income" for n in ("gpb", "fund", "soe", "superior", "business", "operating",
                                                "affiliated", "other"))),
        nonzero=True,
        doc="01表：本年收入合计 = 收入栏一至八项之和。",
        basis="official-tables.md §4 #1（D）。",
    ),
    _SumRule(
        "t01.income_grand_total", "t01_income_grand_total", _Fig("t01.income_grand_total"),
        _figs("t01", "income_total", "use_nonfiscal_balance", "carry_in"),
        doc="01表：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余。",
        basis="official-tables.md §4 #2（D）。",
    ),
    _SumRule(
        "t01.expense_grand_total", "t01_expense_grand_total", _Fig("t01.expense_grand_total"),
        _figs("t01", "expense_total", "balance_distribution", "carry_out"),
        doc="01表：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余。",
        basis="official-tables.md §4 #3（D）。",
    ),
    _SumRule(
        "t01.balance", "balance", _Fig("t01.income_grand_total"), _figs("t01", "expense_grand_total"),
        doc="01表：收入总计 = 支出总计。",
        basis="official-tables.md §4 #4（D）。",
    ),
)


@_rule("t01.expense_total", ERR_TOL)
def check_t01_expense_total(ctx: CheckContext) -> Iterator[Finding]:
    """01表：本年支出合计 = 支出栏各类级科目之和。

    依据：official-tables.md §4 #5（D）。
    """
    t = ctx.d.t01
    terms = [Term.at(ctx, ("t01", "expense_by_class", c), _class_label(ctx, c)) for c in t.expense_by_class]
    yield from _keep(
        [
            _sum_rule(
                ctx,
                "t01.expense_total",
                _say("expense_total", table=_table(ctx, "t01"), column=""),
                Term.at(ctx, ("t01", "expense_total")),
                terms,
            )
        ]
    )


# ---------------------------------------------------------------------------- 科目 tables: shared rules


def _make_hierarchy_check(key: str) -> Check:
    rule = f"{key}.hierarchy"

    def check(ctx: CheckContext) -> Iterator[Finding]:
        row_type, cols = _SUBJECT_TABLES[key]
        rows = _rows(ctx, key)
        tname = _table(ctx, key)
        by_parent = _children(rows)
        for i, row in rows:
            code = row.code
            if len(code) == 7:
                continue
            children = by_parent.get(code, [])
            if not children:
                continue
            level = _LEVEL_NAME[_LEVEL[len(code)]]
            for col in cols:
                f = _sum_rule(
                    ctx,
                    rule,
                    _say("hierarchy_row", table=tname, row=_row_label(row), column=_title(row_type, col), level=level),
                    Term.at(ctx, (key, "rows", i, col), code),
                    [Term.at(ctx, (key, "rows", j, col), r.code) for j, r in children],
                )
                if f:
                    yield f
        classes = [(j, r) for j, r in rows if len(r.code) == 3]
        for col in cols:
            f = _sum_rule(
                ctx,
                rule,
                _say("hierarchy_total", table=tname, column=_title(row_type, col)),
                Term.at(ctx, (key, "totals", col), _title(type(getattr(ctx.d, key)), "totals")),
                [Term.at(ctx, (key, "rows", j, col), r.code) for j, r in classes]
                or [Term.absent(TEXT["classes"])],
            )
            if f:
                yield f

    number = {"t02": "02", "t03": "03", "t05": "05", "t07": "07", "t08": "08"}[key]
    check.__name__ = f"check_{key}_hierarchy"
    check.__doc__ = (
        f"{number}表：每一列，类级科目 = 所属款级科目之和，款级科目 = 所属项级科目之和，"
        f"合计 = 各类级科目之和。\n\n"
        "    依据：official-tables.md §4 #8（D）。\n    "
    )
    return _rule(rule, ERR_TOL)(check)


def _rows_and_total(ctx: CheckContext, key: str) -> list[tuple[str, Path]]:
    """Every row of 科目 table ``key`` and its 合计 row, as (label in a message, model path)."""
    tname = _table(ctx, key)
    out: list[tuple[str, Path]] = [
        (_say("table_row", table=tname, row=_row_label(r)), (key, "rows", i)) for i, r in _rows(ctx, key)
    ]
    out.append((_say("table_total_row", table=tname), (key, "totals")))
    return out


def _row_sum_findings(
    ctx: CheckContext, key: str, rule: str, total_col: str, parts: Sequence[str], what: str
) -> Iterator[Finding]:
    """``row.total_col = Σ row.parts`` for every row and the 合计 row of a 科目 table; ``what``
    is the key of the addends' wording in :data:`TEXT`."""
    row_type, _ = _SUBJECT_TABLES[key]
    for label, base in _rows_and_total(ctx, key):
        f = _sum_rule(
            ctx,
            rule,
            _say("row_sum", row=label, column=_title(row_type, total_col), what=TEXT[what]),
            Term.at(ctx, (*base, total_col)),
            [Term.at(ctx, (*base, p)) for p in parts],
        )
        if f:
            yield f


# ---------------------------------------------------------------------------- 公开02表


@_rule("t02.vs_t01", ERR_TOL)
def check_t02_vs_t01(ctx: CheckContext) -> Iterator[Finding]:
    """02表合计行与01表一致：本年收入合计相等；财政拨款收入 = 01表收入一、二、三之和；上级补助、事业、
    经营、附属单位上缴、其他收入分别相等。

    依据：official-tables.md §4 #6（D）。
    """
    t1, tot = ctx.d.t01, ctx.d.t02.totals
    t02, t01 = _table(ctx, "t02"), _table(ctx, "t01")
    rule = "t02.vs_t01"
    out = [
        _sum_rule(
            ctx,
            rule,
            _say("t02_total_vs_t01", t02=t02, t01=t01),
            Term.at(ctx, ("t02", "totals", "total"), t02 + _title(tot, "total")),
            [Term.at(ctx, ("t01", "income_total"), t01 + _title(t1, "income_total"))],
        ),
        _sum_rule(
            ctx,
            rule,
            _say("t02_fiscal_vs_t01", t02=t02, t01=t01),
            Term.at(ctx, ("t02", "totals", "fiscal"), t02 + _title(tot, "fiscal")),
            [Term.at(ctx, ("t01", n)) for n in ("gpb_income", "fund_income", "soe_income")],
        ),
    ]
    for col, src in (
        ("superior", "superior_income"),
        ("business", "business_income"),
        ("operating", "operating_income"),
        ("affiliated", "affiliated_income"),
        ("other", "other_income"),
    ):
        out.append(
            _sum_rule(
                ctx,
                rule,
                _say("t02_column_vs_t01", t02=t02, column=_title(tot, col), t01=t01, source=_title(t1, src)),
                Term.at(ctx, ("t02", "totals", col), t02),
                [Term.at(ctx, ("t01", src), t01)],
            )
        )
    yield from _keep(out)


@_rule("t02.row_sum", ERR_TOL)
def check_t02_row_sum(ctx: CheckContext) -> Iterator[Finding]:
    """02表每一行：本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入 +
    附属单位上缴收入 + 其他收入。

    依据：official-tables.md §4 #7（D）。
    """
    yield from _row_sum_findings(
        ctx,
        "t02",
        "t02.row_sum",
        "total",
        ("fiscal", "superior", "business", "operating", "affiliated", "other"),
        "sum_of_incomes",
    )


check_t02_hierarchy = _make_hierarchy_check("t02")


# ---------------------------------------------------------------------------- 公开03表


_declare(
    _SumRule(
        "t03.vs_t01", "t03_total_vs_t01",
        _Fig("t03.totals.total", table="t03"), (_Fig("t01.expense_total", table="t01"),),
        doc="03表合计行的本年支出合计 = 01表本年支出合计。",
        basis="official-tables.md §4 #9（D）。",
    ),
)


@_rule("t03.row_sum", ERR_TOL)
def check_t03_row_sum(ctx: CheckContext) -> Iterator[Finding]:
    """03表每一行：本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出。

    依据：official-tables.md §4 #9（D）。
    """
    yield from _row_sum_findings(
        ctx,
        "t03",
        "t03.row_sum",
        "total",
        ("basic", "project", "to_superior", "operating", "to_affiliated"),
        "sum_of_expenses",
    )


check_t03_hierarchy = _make_hierarchy_check("t03")


@_rule("t03.class_vs_t01", ERR_TOL)
def check_t03_class_vs_t01(ctx: CheckContext) -> Iterator[Finding]:
    """03表每个类级科目的本年支出合计 = 01表支出栏同一类级科目的金额（一方缺少该类视为 0）。

    依据：official-tables.md §4 #10（D）。
    """
    t03rows = {c: v for c, v in ctx.row_index("t03").items() if len(c) == 3}
    t01 = ctx.d.t01.expense_by_class
    for code in sorted(set(t03rows) | set(t01)):
        i, row = t03rows.get(code, (None, None))
        n3, n1 = _table(ctx, "t03"), _table(ctx, "t01")
        left = Term.at(ctx, ("t03", "rows", i, "total"), n3) if i is not None else Term.absent(n3)
        right = Term.at(ctx, ("t01", "expense_by_class", code), n1) if code in t01 else Term.absent(n1)
        f = _sum_rule(
            ctx,
            "t03.class_vs_t01",
            _say("class_equal", row=_class_label(ctx, code), left=n3, right=n1),
            left,
            [right],
        )
        if f:
            yield f


@_rule("t03.covers_t05", ERR_TOL)
def check_t03_covers_t05(ctx: CheckContext) -> Iterator[Finding]:
    """03表（全部资金）不小于05表（一般公共预算财政拨款）：基本支出、项目支出合计及同一科目的本年支出合计。

    依据：official-tables.md §4 #20（I）。
    """
    n3, n5 = _table(ctx, "t03"), _table(ctx, "t05")
    out = [
        _at_most(
            ctx,
            "t03.covers_t05",
            _say("t05_not_above_t03", t05=n5, t03=n3, column=_title(GpbRow, "basic")),
            Term.at(ctx, ("t05", "totals", "basic"), n5 + _title(GpbRow, "basic")),
            Term.at(ctx, ("t03", "totals", "basic"), n3 + _title(ExpenseRow, "basic")),
        ),
        _at_most(
            ctx,
            "t03.covers_t05",
            _say("t05_not_above_t03", t05=n5, t03=n3, column=_title(GpbRow, "project")),
            Term.at(ctx, ("t05", "totals", "project"), n5 + _title(GpbRow, "project")),
            Term.at(ctx, ("t03", "totals", "project"), n3 + _title(ExpenseRow, "project")),
        ),
    ]
    rows3 = ctx.row_index("t03")
    for i, row in _rows(ctx, "t05"):
        j, r3 = rows3.get(row.code, (None, None))
        out.append(
            _at_most(
                ctx,
                "t03.covers_t05",
                _say("t05_row_not_above_t03", row=_row_label(row), t05=n5, t03=n3),
                Term.at(ctx, ("t05", "rows", i, "total"), n5),
                Term.at(ctx, ("t03", "rows", j, "total"), n3) if j is not None else Term.absent(n3, ("t03", "rows")),
            )
        )
    yield from _keep(out)


# ---------------------------------------------------------------------------- 公开04表


_FUNDS = ("gpb", "fund", "soe")


@_rule("t04.income_vs_t01", ERR_TOL)
def check_t04_income_vs_t01(ctx: CheckContext) -> Iterator[Finding]:
    """04表收入栏一般公共预算、政府性基金、国有资本经营预算财政拨款 = 01表收入栏一、二、三。

    依据：official-tables.md §4 #11（D）。
    """
    t1, t4 = ctx.d.t01, ctx.d.t04
    out = []
    for fund in _FUNDS:
        name = f"{fund}_income"
        out.append(
            _sum_rule(
                ctx,
                "t04.income_vs_t01",
                _say("t04_income_vs_t01", t04=_table(ctx, "t04"), income=_title(t4, name), t01=_table(ctx, "t01"),
                     source=_title(t1, name)),
                Term.at(ctx, ("t04", name), _table(ctx, "t04")),
                [Term.at(ctx, ("t01", name), _table(ctx, "t01"))],
            )
        )
    yield from _keep(out)


_declare(
    _SumRule(
        "t04.income_total", "t04_income_total", _Fig("t04.income_total"),
        _figs("t04", *(f"{f}_income" for f in _FUNDS)),
        doc="04表：本年收入合计 = 一般公共预算 + 政府性基金预算 + 国有资本经营预算财政拨款。",
        basis="official-tables.md §4 #11（D）。",
    ),
    _SumRule(
        "t04.income_grand_total", "t04_income_grand_total", _Fig("t04.income_grand_total"),
        (_Fig("t04.income_total"), _Fig("t04.carry_in.total", title="t04.carry_in")),
        doc="04表：收入总计 = 本年收入合计 + 年初财政拨款结转和结余。",
        basis="official-tables.md §4 #12（D）。",
    ),
)


def _column_note(col: str) -> str:
    """“（一般公共预算财政拨款列）” after a statement about a column of 04 other than 合计."""
    return "" if col == "total" else _say("column", column=_title(FundSplit, col))


@_rule("t04.expense_grand_total", ERR_TOL)
def check_t04_expense_grand_total(ctx: CheckContext) -> Iterator[Finding]:
    """04表每一列：支出总计 = 本年支出合计 + 年末财政拨款结转和结余。

    依据：official-tables.md §4 #12（D）。
    """
    t = ctx.d.t04
    out = []
    for col in ("total", *_FUNDS):
        label = _column_note(col)
        out.append(
            _sum_rule(
                ctx,
                "t04.expense_grand_total",
                _say("t04_expense_grand_total", table=_table(ctx, "t04"), column=label),
                Term.at(ctx, ("t04", "expense_grand_total", col), _title(t, "expense_grand_total")),
                [
                    Term.at(ctx, ("t04", "expense_total", col), _title(t, "expense_total")),
                    Term.at(ctx, ("t04", "carry_out", col), _title(t, "carry_out")),
                ],
            )
        )
    yield from _keep(out)


_declare(
    _SumRule(
        "t04.balance", "balance",
        _Fig("t04.income_grand_total"), (_Fig("t04.expense_grand_total.total", title="t04.expense_grand_total"),),
        doc="04表：收入总计 = 支出总计。",
        basis="official-tables.md §4 #12（D）。",
    ),
)


@_rule("t04.fund_balance", ERR_TOL)
def check_t04_fund_balance(ctx: CheckContext) -> Iterator[Finding]:
    """04表每种财政拨款：年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余（各种拨款之间不能互相抵补）。

    依据：official-tables.md §4 #12 按列展开（I）。
    """
    t = ctx.d.t04
    out = []
    for fund in _FUNDS:
        name = _title(FundSplit, fund)
        out.append(
            _sum_rule(
                ctx,
                "t04.fund_balance",
                _say("fund_balance", row=_table(ctx, "t04") + name),
                Term.at(ctx, ("t04", "carry_out", fund), _title(FundRow, "carry_out")),
                [
                    Term.at(ctx, ("t04", "carry_in", fund), _title(FundRow, "carry_in")),
                    Term.at(ctx, ("t04", f"{fund}_income"), _title(FundRow, "income")),
                    Term.at(ctx, ("t04", "expense_total", fund), TEXT["expense_this_year"], sign=-1),
                ],
            )
        )
    yield from _keep(out)


@_rule("t04.split", ERR_TOL)
def check_t04_split(ctx: CheckContext) -> Iterator[Finding]:
    """04表支出栏每一行（含本年支出合计、年初/年末结转和结余、总计）：
    合计 = 一般公共预算 + 政府性基金预算 + 国有资本经营预算财政拨款。

    依据：official-tables.md §4 #13（I）。
    """
    t = ctx.d.t04
    lines: list[tuple[str, FundSplit, Path]] = [
        (_class_label(ctx, c), s, ("t04", "expense_by_class", c)) for c, s in t.expense_by_class.items()
    ]
    for name in ("expense_total", "carry_in", "carry_out", "expense_grand_total"):
        lines.append((_title(t, name), getattr(t, name), ("t04", name)))
    for label, split, base in lines:
        f = _sum_rule(
            ctx,
            "t04.split",
            _say("t04_split", table=_table(ctx, "t04"), row=label),
            Term.at(ctx, (*base, "total")),
            [Term.at(ctx, (*base, f)) for f in _FUNDS],
        )
        if f:
            yield f


@_rule("t04.expense_total", ERR_TOL)
def check_t04_expense_total(ctx: CheckContext) -> Iterator[Finding]:
    """04表每一列：本年支出合计 = 支出栏各类级科目之和。

    依据：official-tables.md §3.4 表样（同 §4 #5）。
    """
    t = ctx.d.t04
    out = []
    for col in ("total", *_FUNDS):
        label = _column_note(col)
        out.append(
            _sum_rule(
                ctx,
                "t04.expense_total",
                _say("expense_total", table=_table(ctx, "t04"), column=label),
                Term.at(ctx, ("t04", "expense_total", col), _title(t, "expense_total")),
                [
                    Term.at(ctx, ("t04", "expense_by_class", c, col), _class_label(ctx, c))
                    for c in t.expense_by_class
                ]
                or [Term.absent(TEXT["classes"])],
            )
        )
    yield from _keep(out)


@_rule("t04.carry_vs_t01", ERR_TOL)
def check_t04_carry_vs_t01(ctx: CheckContext) -> Iterator[Finding]:
    """04表年初（年末）财政拨款结转和结余 ≤ 01表年初（年末）结转和结余。

    依据：official-tables.md §4 #14（I）。
    """
    t1, t4 = ctx.d.t01, ctx.d.t04
    n1, n4 = _table(ctx, "t01"), _table(ctx, "t04")
    yield from _keep(
        [
            _at_most(
                ctx,
                "t04.carry_vs_t01",
                _say("t04_carry_vs_t01", t04=n4, t01=n1, carry=_title(t4, "carry_in"), other=_title(t1, "carry_in")),
                Term.at(ctx, ("t04", "carry_in", "total"), n4),
                Term.at(ctx, ("t01", "carry_in"), n1),
            ),
            _at_most(
                ctx,
                "t04.carry_vs_t01",
                _say("t04_carry_vs_t01", t04=n4, t01=n1, carry=_title(t4, "carry_out"), other=_title(t1, "carry_out")),
                Term.at(ctx, ("t04", "carry_out", "total"), n4),
                Term.at(ctx, ("t01", "carry_out"), n1),
            ),
        ]
    )


@_rule("t04.class_vs_t01", ERR_TOL)
def check_t04_class_vs_t01(ctx: CheckContext) -> Iterator[Finding]:
    """04表（财政拨款）各类级科目支出及本年支出合计 ≤ 01表（全部资金）同一项目。

    依据：财政拨款是全部资金的一部分（official-tables.md §3.1、§3.4；I）。
    """
    t1, t4 = ctx.d.t01, ctx.d.t04
    n1, n4 = _table(ctx, "t01"), _table(ctx, "t04")
    out = [
        _at_most(
            ctx,
            "t04.class_vs_t01",
            _say("t04_expense_vs_t01", t04=n4, t01=n1),
            Term.at(ctx, ("t04", "expense_total", "total"), n4),
            Term.at(ctx, ("t01", "expense_total"), n1),
        )
    ]
    for code, split in t4.expense_by_class.items():
        out.append(
            _at_most(
                ctx,
                "t04.class_vs_t01",
                _say("t04_class_vs_t01", row=_class_label(ctx, code), t04=n4, t01=n1),
                Term.at(ctx, ("t04", "expense_by_class", code, "total"), n4),
                Term.at(ctx, ("t01", "expense_by_class", code), n1)
                if code in t1.expense_by_class
                else Term.absent(n1, ("t01", "expense_by_class", code)),
            )
        )
    yield from _keep(out)


@_rule("t04.vs_t05", ERR_TOL)
def check_t04_vs_t05(ctx: CheckContext) -> Iterator[Finding]:
    """05表各类级科目合计 = 04表同一类级科目的一般公共预算财政拨款列；
    05表合计 = 04表本年支出合计（一般公共预算列）。

    依据：official-tables.md §4 #15（D）。
    """
    n4, n5 = _table(ctx, "t04"), _table(ctx, "t05")
    out = [
        _sum_rule(
            ctx,
            "t04.vs_t05",
            _say("t05_vs_t04", t05=n5, t04=n4),
            Term.at(ctx, ("t05", "totals", "total"), n5),
            [Term.at(ctx, ("t04", "expense_total", "gpb"), n4)],
        ),
        *_classes_vs_t04(
            ctx, "t04.vs_t05", "t05", "total", "gpb",
            lambda row: _say("t05_class_vs_t04", row=row, t05=n5, t04=n4),
        ),
    ]
    yield from _keep(out)


def _classes_vs_t04(
    ctx: CheckContext, rule: str, key: str, amount: str, fund: str, statement: Callable[[str], str]
) -> Iterator[Finding | None]:
    """Each 类 of table ``key`` (its column ``amount``) = the same 类 in column ``fund`` of 04's
    支出栏; a 类 one side lacks counts as 0 there.  ``statement`` words it for a 类's label."""
    t4 = ctx.d.t04
    nk, n4 = _table(ctx, key), _table(ctx, "t04")
    classes = {c: v for c, v in ctx.row_index(key).items() if len(c) == 3}
    for code in sorted(set(classes) | {c for c, s in t4.expense_by_class.items() if getattr(s, fund)}):
        i, _ = classes.get(code, (None, None))
        split = t4.expense_by_class.get(code)
        yield _sum_rule(
            ctx,
            rule,
            statement(_class_label(ctx, code)),
            Term.at(ctx, (key, "rows", i, amount), nk) if i is not None else Term.absent(nk),
            [Term.at(ctx, ("t04", "expense_by_class", code, fund), n4) if split else Term.absent(n4)],
        )


# ---------------------------------------------------------------------------- 公开05表


@_rule("t05.row_sum", ERR_TOL)
def check_t05_row_sum(ctx: CheckContext) -> Iterator[Finding]:
    """05表每一行：合计 = 基本支出 + 项目支出。

    依据：official-tables.md §4 #16（D）。
    """
    yield from _row_sum_findings(
        ctx, "t05", "t05.row_sum", "total", ("basic", "project"), "basic_plus_project"
    )


check_t05_hierarchy = _make_hierarchy_check("t05")


_declare(
    _SumRule(
        "t05.basic_vs_t06", "t05_basic_vs_t06",
        _Fig("t05.totals.basic", table="t05"), _figs("t06", "personnel_total", "public_total"),
        doc="05表基本支出合计 = 06表人员经费合计 + 公用经费合计。",
        basis="official-tables.md §4 #17（D）。",
    ),
)


# ---------------------------------------------------------------------------- 公开06表


def _t06_class_terms(ctx: CheckContext) -> list[tuple[str, Term]]:
    """The economic 类 of 06 as (类 code, term), in table order: the 类 row's amount, or —
    when the 类 row is missing (an 错误 of its own) — each of its 款 rows."""
    rows = _rows(ctx, "t06")
    names = ctx.year.econ_names
    heads = {r.code: i for i, r in rows if len(r.code) == 3}
    out: list[tuple[str, Term]] = []
    for i, r in rows:
        if r.code in heads and heads[r.code] == i:
            label = f"{r.code} {names.get(r.code, '')}".strip()
            out.append((r.code, Term.at(ctx, ("t06", "rows", i, "amount"), label)))
        elif len(r.code) > 3 and r.code[:3] not in heads:
            out.append((r.code[:3], Term.at(ctx, ("t06", "rows", i, "amount"), _row_label(r))))
    return out


@_rule("t06.group_totals", ERR_TOL)
def check_t06_group_totals(ctx: CheckContext) -> Iterator[Finding]:
    """06表：人员经费合计 = 301 工资福利支出 + 303 对个人和家庭的补助；
    公用经费合计 = 302 商品和服务支出 + 310 资本性支出（及其他类）。

    依据：official-tables.md §4 #18（D）。
    """
    groups: dict[str, list[Term]] = {"personnel": [], "public": []}
    for code, term in _t06_class_terms(ctx):
        groups[ctx.year.econ_group(code) or "public"].append(term)
    for group, field_name in (("personnel", "personnel_total"), ("public", "public_total")):
        total = Term.at(ctx, ("t06", field_name))
        f = _sum_rule(
            ctx,
            "t06.group_totals",
            _say("t06_group", table=_table(ctx, "t06"), total=total.label),
            total,
            groups[group] or [Term.absent(TEXT["econ_classes"])],
        )
        if f:
            yield f


@_rule("t06.class_sum", ERR_TOL)
def check_t06_class_sum(ctx: CheckContext) -> Iterator[Finding]:
    """06表：经济分类类级科目 = 所属款级科目之和（如 301 = Σ301xx）。

    依据：official-tables.md §4 #19（D）。
    """
    rows = _rows(ctx, "t06")
    by_parent = _children(rows)
    for i, row in rows:
        if len(row.code) != 3:
            continue
        items = by_parent.get(row.code, [])
        if not items:
            continue
        f = _sum_rule(
            ctx,
            "t06.class_sum",
            _say("t06_class_sum", table=_table(ctx, "t06"), row=_row_label(row)),
            Term.at(ctx, ("t06", "rows", i, "amount"), row.code),
            [Term.at(ctx, ("t06", "rows", j, "amount"), r.code) for j, r in items],
        )
        if f:
            yield f


@_rule("t06.codes", WARN)
def check_t06_codes(ctx: CheckContext) -> Iterator[Finding]:
    """06表的经济分类科目编码应在本年度经济分类科目表中，名称应与之一致。

    依据：official-tables.md §5；年度数据。
    """
    names = ctx.year.econ_names
    for i, row in _rows(ctx, "t06"):
        code, name = row.code, row.name
        if code not in names:
            yield Finding(
                Severity.WARNING,
                "t06.codes",
                _say("t06_unknown_code", table=_table(ctx, "t06"), code=code, name=name, year=ctx.year.source_year),
                ctx.cells(("t06", "rows", i, "code")),
            )
        elif _norm_name(name) != _norm_name(names[code]):
            yield Finding(
                Severity.WARNING,
                "t06.codes",
                _say("t06_name", table=_table(ctx, "t06"), code=code, name=name, year=ctx.year.source_year,
                     official=names[code]),
                ctx.cells(("t06", "rows", i, "name")),
            )


# ---------------------------------------------------------------------------- 公开07表 / 公开08表


def _make_fund_row_balance(key: str) -> Check:
    rule = f"{key}.row_balance"

    def check(ctx: CheckContext) -> Iterator[Finding]:
        for label, base in _rows_and_total(ctx, key):
            f = _sum_rule(
                ctx,
                rule,
                _say("fund_balance", row=label),
                Term.at(ctx, (*base, "carry_out")),
                [
                    Term.at(ctx, (*base, "carry_in")),
                    Term.at(ctx, (*base, "income")),
                    Term.at(ctx, (*base, "expense"), TEXT["expense_this_year"], sign=-1),
                ],
            )
            if f:
                yield f

    number = key[1:]
    check.__name__ = f"check_{key}_row_balance"
    check.__doc__ = (
        f"{number}表每一行：年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余。\n\n"
        f"    依据：official-tables.md §4 #{21 if key == 't07' else 23}（I）。\n    "
    )
    return _rule(rule, ERR_TOL)(check)


def _make_fund_row_expense(key: str) -> Check:
    rule = f"{key}.row_expense"

    def check(ctx: CheckContext) -> Iterator[Finding]:
        yield from _row_sum_findings(
            ctx, key, rule, "expense", ("basic", "project"), "basic_plus_project"
        )

    number = key[1:]
    check.__name__ = f"check_{key}_row_expense"
    check.__doc__ = (
        f"{number}表每一行：本年支出合计 = 基本支出 + 项目支出。\n\n"
        f"    依据：official-tables.md §4 #{21 if key == 't07' else 23}（I）。\n    "
    )
    return _rule(rule, ERR_TOL)(check)


def _make_fund_vs_t04(key: str, fund: str) -> Check:
    rule = f"{key}.vs_t04"

    def check(ctx: CheckContext) -> Iterator[Finding]:
        t1, t4 = ctx.d.t01, ctx.d.t04
        nk, n1, n4 = _table(ctx, key), _table(ctx, "t01"), _table(ctx, "t04")
        col = _title(FundSplit, fund)
        income = f"{fund}_income"
        out = [
            _sum_rule(
                ctx,
                rule,
                _say("fund_income_vs_t01", table=nk, t01=n1, income=_title(t1, income)),
                Term.at(ctx, (key, "totals", "income"), nk),
                [Term.at(ctx, ("t01", income), n1)],
            ),
            _sum_rule(
                ctx,
                rule,
                _say("fund_income_vs_t04", table=nk, t04=n4, column=col),
                Term.at(ctx, (key, "totals", "income"), nk),
                [Term.at(ctx, ("t04", income), n4)],
            ),
            _sum_rule(
                ctx,
                rule,
                _say("fund_expense_vs_t04", table=nk, t04=n4, column=col),
                Term.at(ctx, (key, "totals", "expense"), nk),
                [Term.at(ctx, ("t04", "expense_total", fund), n4)],
            ),
            _sum_rule(
                ctx,
                rule,
                _say("fund_carry_vs_t04", table=nk, t04=n4, column=col, carry=_title(FundRow, "carry_in"),
                     other=_title(t4, "carry_in")),
                Term.at(ctx, (key, "totals", "carry_in"), nk),
                [Term.at(ctx, ("t04", "carry_in", fund), n4)],
            ),
            _sum_rule(
                ctx,
                rule,
                _say("fund_carry_vs_t04", table=nk, t04=n4, column=col, carry=_title(FundRow, "carry_out"),
                     other=_title(t4, "carry_out")),
                Term.at(ctx, (key, "totals", "carry_out"), nk),
                [Term.at(ctx, ("t04", "carry_out", fund), n4)],
            ),
        ]
        out += _classes_vs_t04(
            ctx, rule, key, "expense", fund,
            lambda row: _say("fund_class_vs_t04", row=row, table=nk, t04=n4, column=col),
        )
        yield from _keep(out)

    number = key[1:]
    roman = TEXT[f"doc_{fund}_number"]
    check.__name__ = f"check_{key}_vs_t04"
    check.__doc__ = (
        f"{number}表合计与01/04表一致：本年收入 = 01表收入{roman} = 04表收入{roman}；"
        f"本年支出 = 04表本年支出合计的"
        f"{_title(FundSplit, fund)}列；年初/年末结转和结余 = 04表年初/年末“{roman}、"
        f"{_title(FundSplit, fund)}”；"
        f"各类级科目本年支出 = 04表同一类级科目的{_title(FundSplit, fund)}列。\n\n"
        f"    依据：official-tables.md §4 #{22 if key == 't07' else 23}（I）。\n    "
    )
    return _rule(rule, ERR_TOL)(check)


check_t07_row_balance = _make_fund_row_balance("t07")
check_t07_row_expense = _make_fund_row_expense("t07")
check_t07_hierarchy = _make_hierarchy_check("t07")
check_t07_vs_t04 = _make_fund_vs_t04("t07", "fund")
check_t08_row_balance = _make_fund_row_balance("t08")
check_t08_row_expense = _make_fund_row_expense("t08")
check_t08_hierarchy = _make_hierarchy_check("t08")
check_t08_vs_t04 = _make_fund_vs_t04("t08", "soe")


# ---------------------------------------------------------------------------- 公开09表


_SANGONG_COLUMNS = ("budget", "actual")


_declare(
    _SumRule(
        "t09.total", "t09_total", _Fig("t09.*.total"), _figs("t09.*", "abroad", "car_total", "reception"),
        over=_SANGONG_COLUMNS,
        doc="09表（预算数、决算数分别）：合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费。",
        basis="official-tables.md §4 #24（D）。",
    ),
    _SumRule(
        "t09.car_total", "t09_car_total",
        _Fig("t09.*.car_total", text="subtotal"), _figs("t09.*", "car_purchase", "car_operation"),
        over=_SANGONG_COLUMNS,
        doc="09表（预算数、决算数分别）：公务用车购置及运行维护费小计 = 公务用车购置费 + 公务用车运行维护费。",
        basis="official-tables.md §4 #24（D）。",
    ),
)


@_rule("t09.vs_t06", ERR_TOL)
def check_t09_vs_t06(ctx: CheckContext) -> Iterator[Finding]:
    """06表（一般公共预算基本支出）30231 公务用车运行维护费、30217 公务接待费、30212 因公出国（境）费用、
    31013 公务用车购置分别不大于09表（全部财政拨款）相应决算数。

    依据：official-tables.md §4 #25（I，另见“三公”经费定义）。
    """
    actual = ctx.d.t09.actual
    rows = ctx.row_index("t06")
    n6, n9 = _table(ctx, "t06"), _table(ctx, "t09")
    out = []
    for code, part in (
        ("30231", "car_operation"),
        ("30217", "reception"),
        ("30212", "abroad"),
        ("31013", "car_purchase"),
    ):
        if code not in rows:
            continue
        i, row = rows[code]
        out.append(
            _at_most(
                ctx,
                "t09.vs_t06",
                _say("t09_vs_t06", t06=n6, row=_row_label(row), t09=n9, part=_title(SanGong, part),
                     column=_title(T09, "actual")),
                Term.at(ctx, ("t06", "rows", i, "amount"), n6),
                Term.at(ctx, ("t09", "actual", part), n9),
            )
        )
    yield from _keep(out)


# ---------------------------------------------------------------------------- 人员、采购、资产


_declare(
    _SumRule(
        "staff.total", "staff", _Fig("unit.staff.total"), _figs("unit.staff", "active", "retired_cadres", "retirees"),
        severity=ERR, unit="persons", exact=True,
        doc="人员情况：实有人数 = 在职人员 + 离休人员 + 退休人员。",
        basis="参考公开说明（000：11 = 10 + 0 + 1；001：35 = 32 + 0 + 3）。",
    ),
    _SumRule(
        "staff.total_change", "staff_change",
        _Fig("unit.staff.total_change"),
        _figs("unit.staff", "active_change", "retired_cadres_change", "retirees_change"),
        severity=ERR, unit="persons", exact=True,
        doc="人员情况：实有人数增加数 = 在职、离休、退休人员增加数之和。",
        basis="参考公开说明 001（“在职人员 32 人，增加 2 人；离休人员 0 人，增加 0 人；"
        "退休人员 3 人，增加 0 人”）。",
    ),
    _SumRule(
        "procurement.total", "procurement_total",
        _Fig("procurement.total", text="procurement_total_label"),
        _figs("procurement", "goods", "works", "services", text="procurement_"),
        doc="政府采购支出总额 = 货物 + 工程 + 服务支出。",
        basis="政府采购情况说明（参考公开说明 001 的 900.52 ≠ 6.54 + 0.00 + 893.58 = 900.12 即违反本规则）。",
    ),
    _BoundRule(
        "procurement.sme", "not_above",
        _Fig("procurement.sme", text="procurement_sme"), _Fig("procurement.total", text="procurement_total_label"),
        doc="授予中小企业合同金额 ≤ 政府采购支出总额。",
        basis="政府采购情况说明（中小企业金额为总额的一部分，占比按总额计算）。",
    ),
    _BoundRule(
        "procurement.small_micro", "procurement_small_micro_bound",
        _Fig("procurement.small_micro", text="procurement_small_micro"), _Fig("procurement.sme", text="procurement_sme"),
        doc="授予小微企业合同金额 ≤ 授予中小企业合同金额。",
        basis="政府采购情况说明（“其中：授予小微企业合同金额”）。",
    ),
)


# ---------------------------------------------------------------------------- 部门决算、机关运行经费


@_rule("operating_costs.stated", ERR)
def check_operating_costs_stated(ctx: CheckContext) -> Iterator[Finding]:
    """机关运行经费须填写：部门决算含事业单位（或未列出单位构成）时，公开06表的公用经费合计包括
    事业单位的公用经费，不是机关运行经费。单个行政单位、参公单位不填时取公开06表公用经费合计。

    依据：机关运行经费的定义（行政单位和参公单位财政拨款基本支出中的公用经费支出）；上海部门决算
    （含事业单位的部门，机关运行经费 166.45 万元，公用经费合计 1,745.29 万元）。
    """
    if public_expense_kind(ctx.d).reports_operating_costs and operating_costs(ctx.d) is None:
        yield Finding(
            Severity.ERROR,
            "operating_costs.stated",
            TEXT["operating_costs_stated"].format(label=_title(ctx.d, "operating_costs")),
            ctx.cells(("operating_costs",)),
        )


_declare(
    _BoundRule(
        "operating_costs.within_public", "not_above", _Fig("operating_costs"), _Fig("t06.public_total"),
        doc="机关运行经费 ≤ 公开06表公用经费合计。",
        basis="机关运行经费是财政拨款基本支出中公用经费的一部分（行政单位和参公单位的部分）。",
    ),
)


@_rule("unit.members", WARN)
def check_unit_members(ctx: CheckContext) -> Iterator[Finding]:
    """部门决算应列出部门决算单位构成（本级及所属各单位）；单位构成中的本级应与部门同名。

    依据：部门决算公开说明“部门决算单位构成”（上海部门决算）。
    """
    u = ctx.d.unit
    if not u.is_department:
        return
    if not u.members:
        yield Finding(
            Severity.WARNING, "unit.members", TEXT["members_missing"], ctx.cells(("unit", "members"))
        )
        return
    names = [m.name for m in u.members]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        yield Finding(
            Severity.WARNING,
            "unit.members",
            TEXT["members_doubled"].format(names="、".join(doubled)),
            ctx.cells(("unit", "members")),
        )


@_rule("assets.vehicle_count", ERR)
def check_assets_vehicle_count(ctx: CheckContext) -> Iterator[Finding]:
    """国有资产：车辆合计 = 八类车辆之和。

    依据：国有资产占用情况说明（参考公开说明 001：2 辆 = 其他用车 2 辆）。
    """
    if ctx.d.assets.vehicle_count is None:
        return
    terms = [
        Term.at(ctx, ("assets", "vehicles", n))
        for n in Vehicles.model_fields
        if getattr(ctx.d.assets.vehicles, n) is not None
    ]
    if not terms:
        return  # the categories are not stated
    yield from _keep(
        [
            _sum_rule(
                ctx,
                "assets.vehicle_count",
                TEXT["vehicle_count"],
                Term.at(ctx, ("assets", "vehicle_count"), TEXT["vehicle_count_label"]),
                [t for t in terms if t.value] or terms[:1],
                unit=TEXT["vehicles"],
                exact=True,
            )
        ]
    )


@_rule("assets.stated", WARN)
def check_assets_stated(ctx: CheckContext) -> Iterator[Finding]:
    """公开格式写出的国有资产数字（sections.toml 的 [assets] stated）应填写：未填写的（留空）正文不写，
    与填 0 不同。车辆分类（八类车辆）全部留空时报一次。

    依据：国有资产占用情况说明（乌鲁木齐格式写出房屋、车辆、车辆分类和大型设备；上海格式只写车辆）。
    """
    a = ctx.d.assets
    section = load_sections(ctx.d.unit.style).headings["assets"]
    for name in load_sections(ctx.d.unit.style).assets_stated:
        if name == "vehicles":
            paths = [("assets", "vehicles", n) for n in Vehicles.model_fields]
            if all(getattr(a.vehicles, n) is None for n in Vehicles.model_fields):
                yield Finding(
                    Severity.WARNING,
                    "assets.stated",
                    _say("assets_unstated", label=_title(a, name), section=section),
                    ctx.cells(*paths),
                )
        elif getattr(a, name) is None:
            yield Finding(
                Severity.WARNING,
                "assets.stated",
                _say("assets_unstated", label=_title(a, name), section=section),
                ctx.cells(("assets", name)),
            )


@_rule("assets.vehicle_holding", WARN)
def check_assets_vehicle_holding(ctx: CheckContext) -> Iterator[Finding]:
    """固定资产车辆数应等于公务用车保有量；不等时须填写差异原因。

    依据：参考公开说明“国有资产占用情况中固定资产车辆 N 辆，与公务用车保有量差异原因是：…”。
    """
    a, s = ctx.d.assets, ctx.d.sangong
    if a.vehicle_count is not None and a.vehicle_count != s.car_holding and not s.vehicle_difference_reason.strip():
        yield Finding(
            Severity.WARNING,
            "assets.vehicle_holding",
            _say("vehicle_holding", count=a.vehicle_count, holding=s.car_holding,
                 diff=abs(a.vehicle_count - s.car_holding)),
            ctx.cells(
                ("assets", "vehicle_count"),
                ("sangong", "car_holding"),
                ("sangong", "vehicle_difference_reason"),
            ),
        )


# ---------------------------------------------------------------------------- 绩效


def _projects(ctx: CheckContext) -> Iterator[tuple[int, Project, Path]]:
    for i, p in enumerate(ctx.d.performance.projects):
        yield i, p, ("performance", "projects", i)


@_rule("performance.fund_lines", ERR_TOL)
def check_performance_fund_lines(ctx: CheckContext) -> Iterator[Finding]:
    """绩效自评表：年度资金总额 = 当年财政拨款 + 其他资金（年初预算数、全年预算数、全年执行数分别）。

    依据：项目支出绩效自评表表样。
    """
    for _, p, base in _projects(ctx):
        for col in ("initial_budget", "full_budget", "executed"):
            label = _title(p.total, col)
            f = _sum_rule(
                ctx,
                "performance.fund_lines",
                _say("perf_fund_lines", project=p.name, column=label),
                Term.at(ctx, (*base, "total", col), _title(p, "total")),
                [
                    Term.at(ctx, (*base, "fiscal", col), TEXT["perf_fiscal"]),
                    Term.at(ctx, (*base, "other", col), _title(p, "other")),
                ],
            )
            if f:
                yield f


@_rule("performance.execution_rate", WARN)
def check_performance_execution_rate(ctx: CheckContext) -> Iterator[Finding]:
    """绩效自评表：执行率 = 全年执行数 ÷ 全年预算数，超过 100% 时提示核对；全年预算数为 0 而有执行数时提示。

    依据：项目支出绩效自评表表样（参考公开说明：执行率 100.00%）。
    """
    for _, p, base in _projects(ctx):
        full, done = p.total.full_budget, p.total.executed
        cells = ctx.cells((*base, "total", "full_budget"), (*base, "total", "executed"))
        if full == 0:
            if done:
                yield Finding(
                    Severity.WARNING,
                    "performance.execution_rate",
                    _say("perf_no_budget", project=p.name, executed=fmt_money(done)),
                    cells,
                )
            continue
        if done > full:
            rate = q2(done / full * 100)
            yield Finding(
                Severity.WARNING,
                "performance.execution_rate",
                _say("perf_rate", project=p.name, executed=fmt_money(done), budget=fmt_money(full), rate=f"{rate:.2f}",
                     over=fmt_money(done - full)),
                cells,
            )


@_rule("performance.fund_score", WARN)
def check_performance_fund_score(ctx: CheckContext) -> Iterator[Finding]:
    """绩效自评表：资金得分应等于资金分值 × 执行率（执行率超过 100% 时按分值封顶），按 0.01 分四舍五入，
    相差超过 0.01 分提示。

    依据：项目支出绩效自评表评分规则（参考公开说明：分值 10、执行率 100.00%、得分 10.00）。
    """
    for _, p, base in _projects(ctx):
        full = p.total.full_budget
        if full == 0:
            continue
        expected = q2(min(p.fund_weight * p.total.executed / full, p.fund_weight))
        diff = p.fund_score - expected
        if abs(diff) > Decimal("0.01"):
            rate = q2(p.total.executed / full * 100)
            yield Finding(
                Severity.WARNING,
                "performance.fund_score",
                _say("perf_fund_score", project=p.name, score=fmt_money(p.fund_score), weight=fmt_money(p.fund_weight),
                     rate=f"{rate:.2f}", expected=fmt_money(expected), diff=_fmt_diff(diff)),
                ctx.cells(
                    (*base, "fund_score"),
                    (*base, "fund_weight"),
                    (*base, "total", "executed"),
                    (*base, "total", "full_budget"),
                ),
            )


@_rule("performance.indicator_score", ERR)
def check_performance_indicator_score(ctx: CheckContext) -> Iterator[Finding]:
    """绩效自评表：每个指标的得分 ≤ 分值；资金得分 ≤ 资金分值。

    依据：项目支出绩效自评表评分规则。
    """
    for _, p, base in _projects(ctx):
        if p.fund_score > p.fund_weight:
            yield Finding(
                Severity.ERROR,
                "performance.indicator_score",
                _say("perf_score_over", project=p.name, what=_title(p, "fund_score"), score=fmt_money(p.fund_score),
                     weight=fmt_money(p.fund_weight), diff=_fmt_diff(p.fund_score - p.fund_weight)),
                ctx.cells((*base, "fund_score"), (*base, "fund_weight")),
            )
        for k, ind in enumerate(p.indicators):
            if ind.score > ind.weight:
                name = ind.level3 or ind.level2 or ind.level1
                yield Finding(
                    Severity.ERROR,
                    "performance.indicator_score",
                    _say("perf_score_over", project=p.name, what=_say("perf_indicator", name=name),
                         score=fmt_money(ind.score), weight=fmt_money(ind.weight),
                         diff=_fmt_diff(ind.score - ind.weight)),
                    ctx.cells((*base, "indicators", k, "score"), (*base, "indicators", k, "weight")),
                )


@_rule("performance.total_score", ERR_TOL)
def check_performance_total_score(ctx: CheckContext) -> Iterator[Finding]:
    """绩效自评表（填写了总分时）：总分 = 资金得分 + 各指标得分之和。

    依据：参考公开说明 000 第一张自评表 10 + 1 + 25.66 + 13.34 + 19 + 0.8 + 20 + 10 = 99.80。
    """
    for _, p, base in _projects(ctx):
        if p.total_score is None:
            continue
        terms = [Term.at(ctx, (*base, "fund_score"))]
        terms += [
            Term.at(ctx, (*base, "indicators", k, "score"), ind.level3 or ind.level2 or ind.level1)
            for k, ind in enumerate(p.indicators)
        ]
        f = _sum_rule(
            ctx,
            "performance.total_score",
            _say("perf_total_score", project=p.name),
            Term.at(ctx, (*base, "total_score"), TEXT["perf_total_label"]),
            terms,
            unit=TEXT["points"],
        )
        if f:
            yield f


@_rule("performance.weights", WARN)
def check_performance_weights(ctx: CheckContext) -> Iterator[Finding]:
    """绩效自评表：资金分值与各指标分值之和应为 100 分。

    依据：项目支出绩效自评表（参考公开说明：总分栏分值 100）。
    """
    hundred = Decimal(100)
    for _, p, base in _projects(ctx):
        total = p.fund_weight + sum((ind.weight for ind in p.indicators), ZERO)
        if total != hundred:
            yield Finding(
                Severity.WARNING,
                "performance.weights",
                _say("perf_weights", project=p.name, weight=fmt_money(p.fund_weight), n=len(p.indicators),
                     total=fmt_money(total), diff=_fmt_diff(total - hundred)),
                ctx.cells((*base, "fund_weight"), (*base, "indicators")),
            )


@_rule("performance.summary", ERR_TOL)
def check_performance_summary(ctx: CheckContext) -> Iterator[Finding]:
    """预算绩效情况（填写时）：评价项目个数 = 自评表个数；全年预算数、全年执行数 = 各自评表年度资金总额之和。

    依据：参考公开说明 000：项目 2 个，全年预算数 4.68 + 249.17 = 253.85。
    """
    perf = ctx.d.performance
    if perf.project_count is not None and perf.project_count != len(perf.projects):
        yield Finding(
            Severity.ERROR,
            "performance.summary",
            _say("perf_count", count=perf.project_count, tables=len(perf.projects),
                 diff=abs(perf.project_count - len(perf.projects))),
            ctx.cells(("performance", "project_count"), ("performance", "projects")),
        )
    for name in ("full_budget", "executed"):
        if getattr(perf, name) is None:
            continue
        col = _title(FundLine, name)
        f = _sum_rule(
            ctx,
            "performance.summary",
            _say("perf_summary", column=col),
            Term.at(ctx, ("performance", name), col),
            [
                Term.at(ctx, (*base, "total", name), _say("quoted", name=p.name))
                for _, p, base in _projects(ctx)
            ]
            or [Term.absent(TEXT["perf_tables"])],
        )
        if f:
            yield f


# ---------------------------------------------------------------------------- comparisons


# The section whose sentences need each compared figure: a heading of sections.toml, or a
# (section, subsection) pair; ``public_expense`` is the 十（一） of the unit's kind.
_SECTION_OF: dict[str, tuple[str, ...]] = {
    "total": ("total",),
    "fiscal": ("fiscal",),
    "gpb_expense": ("gpb_expense",),
    "gpb_items": ("gpb_expense", "gpb_items"),
    "fund": ("fund",),
    "fund_items": ("fund",),
    "soe": ("soe",),
    "soe_items": ("soe",),
    "sangong": ("sangong",),
    "public_expense": ("important", "public_expense"),
}


def _section(kind: UnitKind, name: str, style: str | None = None) -> str:
    """The heading (as the document of format ``style`` prints it for a unit of ``kind``) of the
    section ``name``."""
    s = load_sections(style)
    keys = _SECTION_OF[name]
    if len(keys) == 1:
        return s.headings[keys[0]]
    parent, child = keys
    heading = s.public_expense(kind).heading if child == "public_expense" else s.headings[child]
    return s.nested(parent, heading)


def _fund_active(ctx: CheckContext, key: str) -> bool:
    """Whether section 七/八 is written in full (sections.toml decides, as for the document)."""
    name = "fund" if key == "t07" else "soe"
    c = ctx.d.comparisons
    return load_sections(ctx.d.unit.style).fund_in_full(getattr(ctx.d, key), getattr(c, name), getattr(c, f"{name}_items"))


def _item_current(ctx: CheckContext, key: str, code: str) -> tuple[Decimal, Any]:
    """This year's amount of a 项 in 05 (合计) or 07/08 (本年支出), and its row (or None)."""
    _, row = ctx.row_index(key).get(code, (None, None))
    return (getattr(row, "total" if key == "t05" else "expense"), row) if row is not None else (ZERO, None)


def _item_name(ctx: CheckContext, key: str, item: SubjectComparison) -> str:
    _, row = _item_current(ctx, key, item.code)
    name = (row.name if row else "") or item.name or ctx.year.subject_name(item.code) or ""
    return f"{item.code} {name}".strip()


def _sangong_label(part: str) -> str:
    return TEXT["sangong"] + (TEXT["sangong_total"] if part == "total" else _title(SanGong, part))


@dataclass(frozen=True)
class _Compared:
    """One compared item: its label, this year's figure (万元) and where its comparison is."""

    label: str
    current: Decimal
    base: Path  # the Comparison object in the model
    vs_prior: bool = True  # the text compares it with last year
    budget_path: Path | None = None  # the budget it is compared with, if any


def _compared_items(ctx: CheckContext) -> list[_Compared]:
    d = ctx.d
    c = d.comparisons
    items = [
        _Compared(_title(c, "total"), d.t01.income_grand_total, ("comparisons", "total")),
        _Compared(
            _title(c, "fiscal"),
            d.t04.income_grand_total,
            ("comparisons", "fiscal"),
            budget_path=("comparisons", "fiscal", "budget"),
        ),
        _Compared(
            _title(c, "gpb_expense"),
            d.t05.totals.total,
            ("comparisons", "gpb_expense"),
            budget_path=("comparisons", "gpb_expense", "budget"),
        ),
    ]
    for i, item in enumerate(c.gpb_items):
        items.append(
            _Compared(
                f"{_title(c, 'gpb_items')} {_item_name(ctx, 't05', item)}",
                _item_current(ctx, "t05", item.code)[0],
                ("comparisons", "gpb_items", i),
            )
        )
    for key, name in (("t07", "fund"), ("t08", "soe")):
        if not _fund_active(ctx, key):
            continue
        tot = getattr(d, key).totals
        items.append(
            _Compared(
                _title(c, name),
                tot.carry_in + tot.income,  # 收入总计 of the fund
                ("comparisons", name),
                budget_path=("comparisons", name, "budget"),
            )
        )
        for i, item in enumerate(getattr(c, f"{name}_items")):
            items.append(
                _Compared(
                    f"{_title(c, f'{name}_items')} {_item_name(ctx, key, item)}",
                    _item_current(ctx, key, item.code)[0],
                    ("comparisons", f"{name}_items", i),
                )
            )
    declared = load_sections(ctx.d.unit.style)
    vs_prior, vs_budget = declared.sangong_vs_prior, declared.sangong_vs_budget
    for part in dict.fromkeys(vs_prior + vs_budget):
        items.append(
            _Compared(
                _sangong_label(part),
                getattr(d.t09.actual, part),
                ("comparisons", "sangong", part),
                vs_prior=part in vs_prior,
                budget_path=("t09", "budget", part) if part in vs_budget else None,
            )
        )
    public = public_current(d)
    if public is not None:  # else operating_costs.stated says what is missing
        items.append(_Compared(_title(c, "public_expense"), public, ("comparisons", "public_expense")))
    return [i for i in map(lambda i: _as_stated(i, declared), items) if i.vs_prior or i.budget_path]


def _as_stated(item: _Compared, declared) -> _Compared:
    """The comparisons of ``item`` that the format's text states ([comparisons] of sections.toml;
    the “三公” items are declared in [sangong])."""
    name = item.base[1]
    if name == "sangong":
        return item
    if len(item.base) == 3:  # a 项 of a 项级 list: each statement is declared on its own
        budget = declared.item_budget(name)
        return replace(
            item,
            vs_prior=declared.states(name, "prior") and declared.states(name, "reason"),
            budget_path=(*item.base, budget) if budget and declared.states(name, "budget_reason") else None,
        )
    return replace(
        item,
        vs_prior=item.vs_prior and declared.states(name, "prior"),
        budget_path=item.budget_path if declared.states(name, "budget") else None,
    )


def _get(obj: Any, path: Path) -> Any:
    for part in path:
        obj = _step(obj, part)
    return obj


def _step(obj: Any, part: str | int) -> Any:
    return obj[part] if isinstance(part, int) or isinstance(obj, dict) else getattr(obj, part)


@_rule("comparisons.reason", WARN)
def check_comparisons_reason(ctx: CheckContext) -> Iterator[Finding]:
    """与上年相比有变动（|本年 − 上年| 超过设定阈值，默认 0）或决算数与预算数有差异的对比项目，
    应填写主要原因。

    对比项目：收入支出总计；财政拨款收入支出总计、一般公共预算财政拨款支出（及年初预算）及其各项级科目；
    政府性基金、国有资本经营预算财政拨款（有数据时，及年初预算）及其各项级科目；“三公”经费合计及各项
    （上年、全年预算）；公用经费。未填上年决算数或预算数的项目由 comparisons.missing 报告。

    依据：official-tables.md §7.1 模板句“主要原因：…”；参考公开说明的对比句式。
    """
    threshold = ctx.settings.reason_threshold
    for item in _compared_items(ctx):
        cmp = _get(ctx.d, item.base)
        prior = cmp.prior
        changed = prior is not None and abs(item.current - prior) > threshold
        if item.vs_prior and changed and not cmp.reason.strip():
            diff = item.current - prior
            yield Finding(
                Severity.WARNING,
                "comparisons.reason",
                _say("reason_prior", label=item.label, current=fmt_money(item.current), prior=fmt_money(prior),
                     change=TEXT["increase" if diff > 0 else "decrease"], diff=_fmt_diff(diff)),
                ctx.cells((*item.base, "reason"), (*item.base, "prior")),
            )
        if item.budget_path is None:
            continue
        budget = _get(ctx.d, item.budget_path)
        if budget is not None and abs(item.current - budget) > threshold and not cmp.budget_reason.strip():
            diff = item.current - budget
            which = (
                TEXT["full_year_budget"]
                if item.budget_path[0] == "t09"
                else _title(SubjectComparison, str(item.budget_path[-1]))
                if len(item.budget_path) == 4
                else _title(BudgetComparison, "budget")
            )
            yield Finding(
                Severity.WARNING,
                "comparisons.reason",
                _say("reason_budget", label=item.label, which=which, current=fmt_money(item.current),
                     budget=fmt_money(budget), diff=_fmt_diff(diff)),
                ctx.cells((*item.base, "budget_reason"), item.budget_path),
            )


def _missing(ctx: CheckContext, base: Path, field_name: str, label: str, section: str) -> Finding:
    what = _title(type(_get(ctx.d, base)), field_name)
    return Finding(
        Severity.ERROR,
        "comparisons.missing",
        _say("missing", label=label, what=what, section=_section(public_expense_kind(ctx.d), section, ctx.d.unit.style)),
        ctx.cells((*base, field_name)),
    )


@_rule("comparisons.missing", ERR)
def check_comparisons_missing(ctx: CheckContext) -> Iterator[Finding]:
    """说明文字需要的上年决算数、年初预算数不得为空：收入支出总计（上年）；财政拨款收入支出总计、
    一般公共预算财政拨款支出（上年、年初预算）；政府性基金、国有资本经营预算财政拨款（本年或上年有数据时，
    上年、年初预算）；“三公”经费合计、因公出国（境）费、公务用车购置及运行维护费、公务接待费（上年）；
    公用经费（上年）。只要求公开格式正文写出的对比（该格式 sections.toml 的 [comparisons] 和 [sangong]）。

    依据：说明第二部分一、四、五、七、八、九、十（一）的对比句式（参考公开说明）。
    """
    c = ctx.d.comparisons
    needed: list[tuple[str, tuple[str, ...]]] = [
        ("total", ("prior",)),
        ("fiscal", ("prior", "budget", "full_budget")),
        ("gpb_expense", ("prior", "budget", "full_budget")),
    ]
    needed += [
        (name, ("prior", "budget", "full_budget"))
        for key, name in (("t07", "fund"), ("t08", "soe"))
        if _fund_active(ctx, key)
    ]
    declared = load_sections(ctx.d.unit.style)
    for name, fields in needed:
        for field_name in fields:
            if declared.states(name, field_name) and getattr(getattr(c, name), field_name) is None:
                yield _missing(ctx, ("comparisons", name), field_name, _title(c, name), name)
    for part in declared.sangong_vs_prior if declared.sangong_compared(ctx.d.t09) else ():
        if getattr(c.sangong, part).prior is None:
            yield _missing(ctx, ("comparisons", "sangong", part), "prior", _sangong_label(part), "sangong")
    if declared.states("public_expense", "prior") and c.public_expense.prior is None:
        yield _missing(
            ctx, ("comparisons", "public_expense"), "prior", _title(c, "public_expense"), "public_expense"
        )


def _make_items_check(key: str, name: str) -> Check:
    """The rule that every 项 with spending in table ``key`` has a comparison entry in ``name``."""
    rule = f"comparisons.{name}"

    def check(ctx: CheckContext) -> Iterator[Finding]:
        if key != "t05" and not _fund_active(ctx, key):
            return
        declared = load_sections(ctx.d.unit.style)
        if not declared.compared[name]:  # the format's text does not go through the items
            return
        section = _section(UnitKind.PUBLIC_INSTITUTION, name, ctx.d.unit.style)  # the same for every kind
        items = getattr(ctx.d.comparisons, name)
        listed = {item.code for item in items}
        col = "total" if key == "t05" else "expense"
        label = _title(Comparisons, name)
        for i, row in _rows(ctx, key):
            if len(row.code) != 7 or not getattr(row, col) or row.code in listed:
                continue
            yield Finding(
                Severity.ERROR,
                rule,
                _say("item_missing", table=_table(ctx, key), row=_row_label(row), amount=fmt_money(getattr(row, col)),
                     label=label, section=section),
                ctx.cells((key, "rows", i, "code"), ("comparisons", name)),
            )
        for i, item in enumerate(items):
            base: Path = ("comparisons", name, i)
            if item.prior is None and declared.states(name, "prior"):
                yield Finding(
                    Severity.ERROR,
                    rule,
                    _say("item_prior", label=label, item=_item_name(ctx, key, item), section=section),
                    ctx.cells((*base, "prior")),
                )
            for what in ("budget", "full_budget"):
                if getattr(item, what) is None and declared.states(name, what):
                    yield Finding(
                        Severity.ERROR,
                        rule,
                        _say("item_budget", label=label, item=_item_name(ctx, key, item), section=section,
                             what=_title(item, what)),
                        ctx.cells((*base, what)),
                    )
            if _item_current(ctx, key, item.code)[1] is not None:
                continue
            # Absent this year: the text names it from the entry or from the year data.
            year = ctx.year
            missing = [
                what
                for what, known in (
                    (_title(item, "class_name"), item.class_name or year.subject_name(item.code[:3])),
                    (_title(item, "item_name"), item.item_name or year.subject_name(item.code[:5])),
                    (_title(item, "name"), item.name or year.subject_name(item.code)),
                )
                if not known
            ]
            if missing:
                yield Finding(
                    Severity.ERROR,
                    rule,
                    _say("item_names", label=label, code=item.code, missing=TEXT["list_sep"].join(missing),
                         section=section),
                    ctx.cells(*((*base, f) for f in ("class_name", "item_name", "name"))),
                )

    number = key[1:]
    check.__name__ = f"check_comparisons_{name}"
    check.__doc__ = (
        f"{number}表每个本年有支出的项级科目须在“{_title(Comparisons, name)}”中有条目，"
        "每个条目须有公开格式逐项写出的上年决算数、年初预算数、全年预算数（sections.toml 的 [comparisons]）；"
        "本年表中没有的科目须能确定类、款、项名称（填写，或由年度数据得到）。"
        + ("" if key == "t05" else "仅在该项资金本年或上年有数据时检查。")
        + f"\n\n    依据：说明“{_section(UnitKind.PUBLIC_INSTITUTION, name)}”逐项列出本年或上年有支出的项级科目（参考公开说明）。\n    "
    )
    return _rule(rule, ERR)(check)


check_comparisons_gpb_items = _make_items_check("t05", "gpb_items")
check_comparisons_fund_items = _make_items_check("t07", "fund_items")
check_comparisons_soe_items = _make_items_check("t08", "soe_items")


def _make_usage_check(key: str, name: str) -> Check:
    """The rule that every 项 of list ``name`` states its 主要用于 when the format's text does."""
    rule = f"comparisons.{name}_usage"

    def check(ctx: CheckContext) -> Iterator[Finding]:
        if not load_sections(ctx.d.unit.style).states(name, "usage"):
            return
        if key != "t05" and not _fund_active(ctx, key):
            return
        section = _section(UnitKind.PUBLIC_INSTITUTION, name, ctx.d.unit.style)
        label = _title(Comparisons, name)
        for i, item in enumerate(getattr(ctx.d.comparisons, name)):
            if not item.usage.strip():
                yield Finding(
                    Severity.WARNING,
                    rule,
                    _say("item_usage", label=label, item=_item_name(ctx, key, item), section=section),
                    ctx.cells(("comparisons", name, i, "usage")),
                )

    check.__name__ = f"check_comparisons_{name}_usage"
    check.__doc__ = (
        f"公开格式逐项写出“主要用于”时（sections.toml 的 [comparisons] 中 {name} 含 usage），"
        f"“{_title(Comparisons, name)}”的每个条目应填写主要用于；未填的项不写这一句。"
        f"\n\n    依据：上海部门决算“{_section(UnitKind.PUBLIC_INSTITUTION, name)}”逐项写“主要用于：…”。\n    "
    )
    return _rule(rule, WARN)(check)


check_comparisons_gpb_items_usage = _make_usage_check("t05", "gpb_items")
check_comparisons_fund_items_usage = _make_usage_check("t07", "fund_items")
check_comparisons_soe_items_usage = _make_usage_check("t08", "soe_items")


def _items_budget_rule(ctx: CheckContext, what: str) -> Iterator[Finding]:
    """Σ of the 一般公共预算 项' ``what`` (budget / full_budget) = the stated total's."""
    if not load_sections(ctx.d.unit.style).states("gpb_items", what):
        return
    c = ctx.d.comparisons
    total = getattr(c.gpb_expense, what)
    items = c.gpb_items
    if total is None or not items or any(getattr(i, what) is None for i in items):
        return  # a missing figure is reported by comparisons.missing / comparisons.gpb_items
    rule = f"comparisons.gpb_items_{what}"
    title = _title(SubjectComparison, what)
    yield from _keep(
        [
            _sum_rule(
                ctx,
                rule,
                _say("items_budget", label=_title(c, "gpb_items"), what=title, total_label=_title(c, "gpb_expense")),
                Term.at(ctx, ("comparisons", "gpb_expense", what), f"{_title(c, 'gpb_expense')}{title}"),
                [Term.at(ctx, ("comparisons", "gpb_items", i, what), item.code) for i, item in enumerate(items)],
            )
        ]
    )


@_rule("comparisons.gpb_items_budget", ERR_TOL)
def check_gpb_items_budget(ctx: CheckContext) -> Iterator[Finding]:
    """公开格式逐项写出年初预算数时：一般公共预算财政拨款支出各项级科目的年初预算数之和 =
    一般公共预算财政拨款支出的年初预算数（差额在每项 0.01 万元以内只作提示）。政府性基金、国有资本
    经营预算不作此检查：其对比的是收入支出总计，不是支出。

    依据：上海部门决算五（三）“一般公共预算财政拨款支出年初预算为 2993.92 万元……其中：”后逐项列出
    各项的年初预算数（参考 01：各项之和 2993.93，四舍五入差 0.01）。
    """
    yield from _items_budget_rule(ctx, "budget")


@_rule("comparisons.gpb_items_full_budget", ERR_TOL)
def check_gpb_items_full_budget(ctx: CheckContext) -> Iterator[Finding]:
    """公开格式逐项写出全年预算数时：一般公共预算财政拨款支出各项级科目的全年预算数之和 =
    一般公共预算财政拨款支出的全年预算数（差额在每项 0.01 万元以内只作提示）。

    依据：上海部门决算五（三）“全年预算为……”后逐项列出各项的全年预算数（参考 03）。
    """
    yield from _items_budget_rule(ctx, "full_budget")


_declare(
    _BoundRule(
        "sangong.foreign_reception", "foreign_reception",
        _Fig("sangong.foreign_reception", text="foreign_reception_label"),
        _Fig("t09.actual.reception", text="reception_actual_label"),
        doc="外宾接待支出 ≤ 公开09表公务接待费决算数（外宾接待是公务接待的一部分）。",
        basis="上海部门决算“国内公务接待支出 0.39 万（含外宾接待支出 0.00 万元）”（参考 02）。",
    ),
)


@_rule("sangong.foreign_reception_count", ERR)
def check_sangong_foreign_reception_count(ctx: CheckContext) -> Iterator[Finding]:
    """接待外宾批次 ≤ 公务接待批次，接待外宾人次 ≤ 公务接待人次（“其中：接待外宾”）。

    依据：上海部门决算“列明公务接待 2 批次、26 人次，其中：接待外宾 0 批次、0 人次”（参考 02）。
    """
    x = ctx.d.sangong
    out = []
    for small, big, unit in (
        ("foreign_reception_batches", "reception_batches", TEXT["batch_unit"]),
        ("foreign_reception_persons", "reception_persons", TEXT["person_time_unit"]),
    ):
        if getattr(x, small) is None:
            continue
        out.append(
            _at_most(
                ctx,
                "sangong.foreign_reception_count",
                _say("not_above", small=_title(x, small), big=_title(x, big)),
                Term.at(ctx, ("sangong", small)),
                Term.at(ctx, ("sangong", big)),
                unit=unit,
                exact=True,
            )
        )
    yield from _keep(out)


_declare(
    _BoundRule(
        "procurement.reserved_small_micro_budget", "procurement_reserved_small_micro_budget",
        _Fig("procurement.reserved_small_micro_budget", text="procurement_reserved_small_micro"),
        _Fig("procurement.reserved_sme_budget", text="procurement_reserved_sme"),
        doc="面向小微企业预留的政府采购项目预算金额 ≤ 面向中小企业预留的项目预算金额（小微企业是中小企业的一部分）。",
        basis="上海部门决算政府采购情况（参考 01：0 ≤ 246.47；02：164.87 ≤ 225.10；03：21.07 ≤ 21.07）。",
    ),
    _BoundRule(
        "procurement.reserved_small_micro_awarded", "procurement_reserved_small_micro_awarded",
        _Fig("procurement.reserved_small_micro_awarded", text="procurement_reserved_small_micro_awarded_label"),
        _Fig("procurement.reserved_sme_awarded", text="procurement_reserved_sme_awarded"),
        doc="预留项目中由小微企业中标或成交的金额 ≤ 预留项目中由中小企业中标或成交的金额。",
        basis="上海部门决算政府采购情况（参考 01：0 ≤ 246.47；02：164.87 ≤ 225.10；03：21.07 ≤ 21.07）。",
    ),
)


@_rule("procurement.sme_awarded", ERR_TOL)
def check_procurement_sme_awarded(ctx: CheckContext) -> Iterator[Finding]:
    """由中小企业中标或成交的采购金额（预留项目中的与其他项目中的之和）≤ 政府采购支出总额，
    填写了授予中小企业合同金额（不为 0）时也 ≤ 该金额。

    依据：上海部门决算政府采购情况（参考 01：246.47 + 4.79 = 251.26，总额 251.25，四舍五入差 0.01；
    02：225.10 + 0.00 ≤ 2319.21）。参考 03 为 21.07 + 21.07 = 42.14 万元，大于总额 21.07 万元：
    其他项目本应为 0，是该文件的笔误，本规则报出。
    """
    p = ctx.d.procurement
    if p.reserved_sme_awarded is None and p.other_sme_awarded is None:
        return
    parts = [
        Term.at(ctx, ("procurement", n), TEXT[f"procurement_{n}"])
        for n in ("reserved_sme_awarded", "other_sme_awarded")
        if getattr(p, n) is not None
    ]
    bounds = [("total", TEXT["procurement_total_label"])] + ([("sme", TEXT["procurement_sme"])] if p.sme else [])
    yield from _keep(
        [
            _sum_at_most(
                ctx,
                "procurement.sme_awarded",
                _say("procurement_sme_awarded", big=_title(p, field_name)),
                parts,
                Term.at(ctx, ("procurement", field_name), label),
            )
            for field_name, label in bounds
        ]
    )


_declare(
    _SumRule(
        "performance.grades", "perf_grades",
        _Fig("performance.self_count", text="perf_grades_total"),
        _figs("performance", "grade_excellent", "grade_good", "grade_pass", "grade_fail", text="perf_"),
        severity=ERR, unit="items_unit", exact=True,
        doc="绩效自评的项目个数 = 评级为优、良、合格、不合格的项目个数之和（都填写时）。",
        basis="上海部门决算预算绩效管理情况（参考 01：4 = 4 + 0 + 0 + 0；02：39；03：1）。",
    ),
)


@_rule("performance.issues", ERR)
def check_performance_issues(ctx: CheckContext) -> Iterator[Finding]:
    """已完成整改的问题个数 + 正在整改的问题个数 ≤ 绩效自评中发现的问题个数。

    依据：上海部门决算“绩效自评中共发现问题 0 个，已经完成整改的 0 个，正在整改的 0 个”（参考 01）。
    """
    perf = ctx.d.performance
    if perf.issues_found is None or (perf.issues_fixed is None and perf.issues_fixing is None):
        return
    parts = [
        Term.at(ctx, ("performance", n), TEXT[f"perf_{n}"])
        for n in ("issues_fixed", "issues_fixing")
        if getattr(perf, n) is not None
    ]
    found = Term.at(ctx, ("performance", "issues_found"), TEXT["perf_issues_found"])
    yield from _keep(
        [_sum_at_most(ctx, "performance.issues", TEXT["perf_issues"], parts, found, unit=TEXT["items_unit"], exact=True)]
    )


@_rule("performance.average_score", ERR)
def check_performance_average_score(ctx: CheckContext) -> Iterator[Finding]:
    """绩效自评平均得分在 0～100 分之间。

    依据：项目支出绩效自评满分 100 分（参考 01：99.43 分；03：100.00 分）。
    """
    score = ctx.d.performance.average_score
    if score is not None and score > 100:
        yield Finding(
            Severity.ERROR,
            "performance.average_score",
            _say("perf_average_score", score=f"{score:f}"),
            ctx.cells(("performance", "average_score")),
        )


# checks against the year's classification data live in their own module
import generator.yearchecks  # noqa: E402,F401  (registers year.* rules)
import generator.glyphchecks  # noqa: E402,F401  (registers text.glyphs)

# ---------------------------------------------------------------------------- running


def run_checks(
    d: Disclosure, sources: SourceMap | None = None, settings: CheckSettings | None = None
) -> list[Finding]:
    """Run every registered check on ``d`` and return all findings (amounts in 万元).

    ``sources`` names the input cells; without it the findings carry model paths
    (``t05.rows[3].total``).  The year data is the one for ``d.unit.year``.
    """
    ctx = CheckContext(
        d=d,
        sources=sources if sources is not None else SourceMap(is_json=True),
        settings=settings or CheckSettings(),
        year=load_year(d.unit.year),
    )
    findings: list[Finding] = []
    for check in CHECKS:
        cap = getattr(check, "cap", None)
        for finding in check(ctx):
            if cap is not None and finding.severity is Severity.ERROR:
                finding = replace(finding, severity=cap)
            findings.append(finding)
    return findings


def rule_ids() -> list[str]:
    """The stable id of every registered rule, in registry order."""
    return [fn.rule_id for fn in CHECKS]  # type: ignore[attr-defined]


def _doc_paragraphs(fn: Check) -> list[str]:
    """The docstring's paragraphs, each on one line (wrapped Chinese text joins without spaces)."""
    paragraphs = []
    for block in inspect.cleandoc(fn.__doc__ or "").split("\n\n"):
        text = ""
        for line in block.split("\n"):
            line = line.strip()
            if text and line.startswith(TEXT["doc_source"]):  # the source always gets its own paragraph
                paragraphs.append(text)
                text = ""
            if text and (text[-1].isascii() or line[:1].isascii()):
                text += " "
            text += line
        paragraphs.append(text)
    return paragraphs


def rules_markdown() -> str:
    """The rule list as Markdown (``docs/checks.md``), generated from the registry docstrings."""
    lines = [TEXT["doc_head"]]
    for fn in CHECKS:
        summary = _doc_paragraphs(fn)[0].replace("|", "\\|")
        lines.append(f"| `{fn.rule_id}` | {fn.severity} | {summary} |")  # type: ignore[attr-defined]
    lines += ["", TEXT["doc_rules"], ""]
    for fn in CHECKS:
        lines += [f"### `{fn.rule_id}` — {fn.severity}", ""]  # type: ignore[attr-defined]
        for paragraph in _doc_paragraphs(fn):
            lines += [paragraph, ""]
    from generator.workbook.reader import reading_rules_markdown

    lines += reading_rules_markdown()
    lines += [TEXT["doc_tail"], ""]
    return "\n".join(lines)
