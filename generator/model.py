"""The typed model of one unit's final-accounts disclosure: the single source of truth.

Everything the disclosure states is a field here.  The blank workbook, the reader, JSON in
and out, the JSON Schema and the checks all derive from these classes: a field's ``title``
is the Chinese label the workbook and the messages show, its ``description`` the fill-in
hint.  All amounts are in 万元 as exact :class:`~decimal.Decimal` values.

Why pydantic v2 rather than dataclasses: it validates the JSON and workbook input with
error locations (which the reader maps back to sheet cells), generates the JSON Schema
that ``docs/`` publishes, and serialises Decimal losslessly — three things dataclasses
would need hand-written code for.

Glossary (Chinese term ↔ identifier):

====================================  ==============================
一般公共预算财政拨款                  ``gpb`` (general public budget)
政府性基金预算财政拨款                ``fund``
国有资本经营预算财政拨款              ``soe`` (state capital operation)
年初结转和结余 / 年末结转和结余       ``carry_in`` / ``carry_out``
基本支出 / 项目支出                   ``basic`` / ``project``
人员经费 / 公用经费                   ``personnel`` / ``public``
“三公”经费                            ``sangong``
因公出国（境）费                      ``abroad``
公务用车购置费 / 运行维护费           ``car_purchase`` / ``car_operation``
公务接待费                            ``reception``
上年决算数                            ``prior``
年初预算数 / 全年预算数               ``budget`` / ``full_budget``
功能分类科目（类/款/项）              ``subject`` (3/5/7-digit ``code``)
经济分类科目                          ``econ``
====================================  ==============================
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from generator.numbers import AMOUNT_LIMIT, COUNT_LIMIT, NumberRefused, accept



def _number(kind: str) -> BeforeValidator:
    """Numbers are read by :func:`generator.numbers.accept` (the workbook reader's rules):
    exact, bounded, never a boolean — a JSON ``true`` is no count."""

    def check(value: Any) -> Any:
        if value is None or isinstance(value, (dict, list)):
            return value  # the type reports it
        try:
            out = accept(value, kind)
        except NumberRefused as exc:
            raise PydanticCustomError("number_refused", "{detail}", {"detail": exc.detail}) from None
        return value if out is None else out

    return BeforeValidator(check)


Money = Annotated[Decimal, Field(ge=0, lt=AMOUNT_LIMIT, description="金额（万元）"), _number("money")]
"""A non-negative amount in 万元 (bounds: :func:`generator.numbers.accept`)."""

SignedMoney = Annotated[
    Decimal, Field(gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT, description="金额（万元），可为负数"), _number("signed_money")
]
"""An amount in 万元 that may be negative (e.g. 结余分配)."""

Count = Annotated[int, Field(ge=0, lt=COUNT_LIMIT), _number("count")]
SignedCount = Annotated[int, Field(gt=-COUNT_LIMIT, lt=COUNT_LIMIT), _number("int")]
Score = Annotated[Decimal, Field(ge=0, lt=AMOUNT_LIMIT), _number("decimal")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, frozen=False)


class UnitKind(StrEnum):
    """单位性质."""

    ADMINISTRATIVE = "行政单位"
    PUBLIC_INSTITUTION = "事业单位"
    CIVIL_SERVICE_MANAGED = "参照公务员法管理的事业单位"

    @property
    def reports_operating_costs(self) -> bool:
        """行政单位 and 参公 units report 机关运行经费; other 事业单位 report 公用经费."""
        return self is not UnitKind.PUBLIC_INSTITUTION


class DocumentKind(StrEnum):
    """决算类别: one unit's 单位决算, or a department's 部门决算 (本级 plus its units)."""

    UNIT = "单位"
    DEPARTMENT = "部门"


class ItemCompletion(StrEnum):
    """Which 项 of an itemised list state “完成年初预算的 X%”: every one, none, or only those whose
    决算 differs from the budget by less than 10% (90%–110%, equality — “持平” — excluded)."""

    YES = "是"
    NO = "否"
    NEAR = "仅接近预算的项"


class ZeroWording(StrEnum):
    """How the text writes a zero 预算数, 采购金额 or 完成率: “0万元”“0%” or “0.00万元”“0.00%”."""

    PLAIN = "写作0"
    DECIMALS = "写作0.00"


# ---------------------------------------------------------------------------- 单位概况


class Staff(_Model):
    """人员情况 (persons; 增加数 negative for a decrease)."""

    total: Count = Field(0, title="实有人数")
    total_change: SignedCount = Field(0, title="实有人数增加数")
    active: Count = Field(0, title="在职人员")
    active_change: SignedCount = Field(0, title="在职人员增加数")
    retired_cadres: Count = Field(0, title="离休人员")
    retired_cadres_change: SignedCount = Field(0, title="离休人员增加数")
    retirees: Count = Field(0, title="退休人员")
    retirees_change: SignedCount = Field(0, title="退休人员增加数")


class Member(_Model):
    """A unit of a 部门决算 (部门决算单位构成): 本级 is the member named as the department."""

    name: str = Field(title="单位名称", min_length=1, max_length=100)
    kind: UnitKind | None = Field(None, title="单位性质")
    note: str = Field("", title="备注", max_length=200, description="如“预算不单列，并入本级”")


class Unit(_Model):
    """单位基本情况."""

    name: str = Field(title="单位名称", min_length=1, max_length=100)
    year: int = Field(title="年度", ge=2000, le=2100, description="决算年度，如 2024")
    kind: UnitKind = Field(title="单位性质")
    document: DocumentKind = Field(
        DocumentKind.UNIT, title="决算类别", description="单位：本单位的单位决算；部门：本级和所属单位汇总的部门决算"
    )
    supervisor: str = Field("", title="主管部门", max_length=100)
    functions: list[str] = Field(
        default_factory=list,
        title="主要职能",
        description="每段一行；编号（如“1.”）照原样保留",
    )
    staff: Staff | None = Field(None, title="人员情况", description="不填则公开说明中不写人员情况")
    subunits: list[str] = Field(default_factory=list, title="下属预算单位")
    departments: list[str] = Field(default_factory=list, title="内设科室")
    members: list[Member] = Field(
        default_factory=list, title="部门决算单位构成", description="部门决算：本级及所属各单位，每个单位一行"
    )

    @property
    def is_department(self) -> bool:
        return self.document is DocumentKind.DEPARTMENT
    style: str = Field(
        "乌鲁木齐",
        title="公开格式",
        description="公开说明的格式（措辞、顺序和表样），即 templates/formats/ 下的文件夹名；留空为乌鲁木齐",
        max_length=50,
    )

    @field_validator("style", mode="before")
    @classmethod
    def _known_style(cls, value: Any) -> Any:
        from generator.formats import DEFAULT_STYLE, known_styles, style_error

        if value is None or (isinstance(value, str) and not value.strip()):
            return DEFAULT_STYLE
        if isinstance(value, str) and value.strip() not in known_styles():
            raise PydanticCustomError("unknown_style", "{detail}", {"detail": style_error(value.strip())})
        return value.strip() if isinstance(value, str) else value

    # Wording choices a unit keeps from year to year.  Empty: the format's default (its
    # sections.toml [wording]); a format whose text has no such place ignores them.
    item_completion: ItemCompletion | None = Field(
        None,
        title="各项写完成预算的百分比",
        description="五（三）等逐项说明的各项是否写“完成年初预算的X%”（或“完成全年预算数的X%”）：是、否，"
        "或仅接近预算的项（完成90%至110%、未持平的项）；留空按公开格式",
    )
    zero_wording: ZeroWording | None = Field(
        None,
        title="零值写法",
        description="为0的预算数、采购金额和完成率写作“0万元”“0%”还是“0.00万元”“0.00%”；留空按公开格式",
    )

    @field_validator("zero_wording", mode="before")
    @classmethod
    def _zero_shorthand(cls, value: Any) -> Any:
        """“0” and “0.00” (as typed into a cell) name the two choices."""
        text = str(value).strip() if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool) else None
        return {"0": ZeroWording.PLAIN.value, "0.00": ZeroWording.DECIMALS.value}.get(text or "", value)


# ---------------------------------------------------------------------------- 公开01表


class T01(_Model):
    """收入支出决算总表（公开01表）."""

    gpb_income: Money = Field(Decimal(0), title="一般公共预算财政拨款收入")
    fund_income: Money = Field(Decimal(0), title="政府性基金预算财政拨款收入")
    soe_income: Money = Field(Decimal(0), title="国有资本经营预算财政拨款收入")
    superior_income: Money = Field(Decimal(0), title="上级补助收入")
    business_income: Money = Field(Decimal(0), title="事业收入")
    operating_income: Money = Field(Decimal(0), title="经营收入")
    affiliated_income: Money = Field(Decimal(0), title="附属单位上缴收入")
    other_income: Money = Field(Decimal(0), title="其他收入")
    income_total: Money = Field(Decimal(0), title="本年收入合计")
    use_nonfiscal_balance: Money = Field(Decimal(0), title="使用非财政拨款结余（含专用结余）")
    carry_in: Money = Field(Decimal(0), title="年初结转和结余")
    income_grand_total: Money = Field(Decimal(0), title="收入总计")
    expense_by_class: dict[str, Money] = Field(
        default_factory=dict, title="支出（按功能分类类级科目）", description="类级科目编码 → 金额"
    )
    expense_total: Money = Field(Decimal(0), title="本年支出合计")
    balance_distribution: SignedMoney = Field(Decimal(0), title="结余分配")
    carry_out: Money = Field(Decimal(0), title="年末结转和结余")
    expense_grand_total: Money = Field(Decimal(0), title="支出总计")


# ---------------------------------------------------------------------------- 科目 rows


class SubjectRow(_Model):
    """A row of a table by 功能分类科目 (类 3 digits, 款 5, 项 7)."""

    code: str = Field(title="科目编码", pattern=r"^\d{3}(\d{2}){0,2}$")
    name: str = Field(title="科目名称", min_length=1)

    @property
    def level(self) -> int:
        """1 for 类, 2 for 款, 3 for 项."""
        return {3: 1, 5: 2, 7: 3}[len(self.code)]


# The amount columns of each 科目 table, declared once: a row is 科目编码/名称 plus these
# columns, and the table's 合计 row is these columns alone.


class IncomeTotals(_Model):
    """公开02表 amount columns (and its 合计 row)."""

    total: Money = Field(Decimal(0), title="本年收入合计")
    fiscal: Money = Field(Decimal(0), title="财政拨款收入")
    superior: Money = Field(Decimal(0), title="上级补助收入")
    business: Money = Field(Decimal(0), title="事业收入")
    operating: Money = Field(Decimal(0), title="经营收入")
    affiliated: Money = Field(Decimal(0), title="附属单位上缴收入")
    other: Money = Field(Decimal(0), title="其他收入")


class ExpenseTotals(_Model):
    """公开03表 amount columns (and its 合计 row)."""

    total: Money = Field(Decimal(0), title="本年支出合计")
    basic: Money = Field(Decimal(0), title="基本支出")
    project: Money = Field(Decimal(0), title="项目支出")
    to_superior: Money = Field(Decimal(0), title="上缴上级支出")
    operating: Money = Field(Decimal(0), title="经营支出")
    to_affiliated: Money = Field(Decimal(0), title="对附属单位补助支出")


class GpbTotals(_Model):
    """公开05表 amount columns (and its 合计 row)."""

    total: Money = Field(Decimal(0), title="合计")
    basic: Money = Field(Decimal(0), title="基本支出")
    project: Money = Field(Decimal(0), title="项目支出")


class FundTotals(_Model):
    """公开07表 / 公开08表 amount columns (and their 合计 row)."""

    carry_in: Money = Field(Decimal(0), title="年初结转和结余")
    income: Money = Field(Decimal(0), title="本年收入")
    expense: Money = Field(Decimal(0), title="本年支出合计")
    basic: Money = Field(Decimal(0), title="基本支出")
    project: Money = Field(Decimal(0), title="项目支出")
    carry_out: Money = Field(Decimal(0), title="年末结转和结余")


# Columns first in the bases so that pydantic lists 科目编码, 科目名称, then the amounts.
class IncomeRow(IncomeTotals, SubjectRow):
    """公开02表 row."""


class ExpenseRow(ExpenseTotals, SubjectRow):
    """公开03表 row."""


class GpbRow(GpbTotals, SubjectRow):
    """公开05表 row."""


class FundRow(FundTotals, SubjectRow):
    """公开07表 / 公开08表 row."""


class T02(_Model):
    """收入决算表（公开02表）."""

    rows: list[IncomeRow] = Field(default_factory=list, title="科目行")
    totals: IncomeTotals = Field(default_factory=IncomeTotals, title="合计")


class T03(_Model):
    """支出决算表（公开03表）."""

    rows: list[ExpenseRow] = Field(default_factory=list, title="科目行")
    totals: ExpenseTotals = Field(default_factory=ExpenseTotals, title="合计")


class T05(_Model):
    """一般公共预算财政拨款支出决算表（公开05表）."""

    rows: list[GpbRow] = Field(default_factory=list, title="科目行")
    totals: GpbTotals = Field(default_factory=GpbTotals, title="合计")


class FundTable(_Model):
    """政府性基金（公开07表）/ 国有资本经营（公开08表）预算财政拨款收入支出决算表."""

    rows: list[FundRow] = Field(default_factory=list, title="科目行")
    totals: FundTotals = Field(default_factory=FundTotals, title="合计")

    @property
    def is_empty(self) -> bool:
        """No income, expense or balance this year (the 空表 case)."""
        t = self.totals
        return not any((t.carry_in, t.income, t.expense, t.carry_out)) and not any(
            r.carry_in or r.income or r.expense or r.carry_out for r in self.rows
        )


# ---------------------------------------------------------------------------- 公开04表


class FundSplit(_Model):
    """An amount split by the three kinds of 财政拨款."""

    total: Money = Field(Decimal(0), title="合计")
    gpb: Money = Field(Decimal(0), title="一般公共预算财政拨款")
    fund: Money = Field(Decimal(0), title="政府性基金预算财政拨款")
    soe: Money = Field(Decimal(0), title="国有资本经营预算财政拨款")


class T04(_Model):
    """财政拨款收入支出决算总表（公开04表）."""

    gpb_income: Money = Field(Decimal(0), title="一般公共预算财政拨款")
    fund_income: Money = Field(Decimal(0), title="政府性基金预算财政拨款")
    soe_income: Money = Field(Decimal(0), title="国有资本经营预算财政拨款")
    income_total: Money = Field(Decimal(0), title="本年收入合计")
    carry_in: FundSplit = Field(default_factory=FundSplit, title="年初财政拨款结转和结余")
    income_grand_total: Money = Field(Decimal(0), title="收入总计")
    expense_by_class: dict[str, FundSplit] = Field(
        default_factory=dict, title="支出（按功能分类类级科目）", description="类级科目编码 → 分列金额"
    )
    expense_total: FundSplit = Field(default_factory=FundSplit, title="本年支出合计")
    carry_out: FundSplit = Field(default_factory=FundSplit, title="年末财政拨款结转和结余")
    expense_grand_total: FundSplit = Field(default_factory=FundSplit, title="支出总计")


# ---------------------------------------------------------------------------- 公开06表


class EconRow(_Model):
    """公开06表 row: an economic classification item (类 3 digits or 款 5 digits)."""

    code: str = Field(title="经济分类科目编码", pattern=r"^\d{3}(\d{2})?$")
    name: str = Field(title="科目名称", min_length=1)
    amount: Money = Field(Decimal(0), title="决算数")


class T06(_Model):
    """一般公共预算财政拨款基本支出决算表（公开06表）."""

    rows: list[EconRow] = Field(default_factory=list, title="经济分类科目行")
    personnel_total: Money = Field(Decimal(0), title="人员经费合计")
    public_total: Money = Field(Decimal(0), title="公用经费合计")


# ---------------------------------------------------------------------------- 公开09表


class SanGong(_Model):
    """The six amounts of the 三公 table, for 预算数 or 决算数."""

    total: Money = Field(Decimal(0), title="合计")
    abroad: Money = Field(Decimal(0), title="因公出国（境）费")
    car_total: Money = Field(Decimal(0), title="公务用车购置及运行维护费")
    car_purchase: Money = Field(Decimal(0), title="公务用车购置费")
    car_operation: Money = Field(Decimal(0), title="公务用车运行维护费")
    reception: Money = Field(Decimal(0), title="公务接待费")


class T09(_Model):
    """财政拨款“三公”经费支出决算表（公开09表）."""

    budget: SanGong = Field(default_factory=SanGong, title="预算数")
    actual: SanGong = Field(default_factory=SanGong, title="决算数")


# ---------------------------------------------------------------------------- comparisons


class Comparison(_Model):
    """An item compared with last year's 决算, with the reason the text gives."""

    prior: Money | None = Field(None, title="上年决算数")
    reason: str = Field("", title="与上年相比变动主要原因", max_length=5000)


class BudgetComparison(Comparison):
    """An item compared with last year and with the 年初预算."""

    budget: Money | None = Field(None, title="年初预算数")
    budget_reason: str = Field("", title="预决算差异主要原因", max_length=5000)
    full_budget: Money | None = Field(None, title="全年预算数", description="调整后预算数")


class SubjectComparison(Comparison):
    """A 项-level 科目 compared with last year (listed in 五(三)/七/八)."""

    code: str = Field(title="科目编码", pattern=r"^\d{7}$")
    name: str = Field("", title="科目名称", description="可留空：取本年表中的名称")
    class_name: str = Field("", title="类级科目名称", description="本年表中无此科目时填写")
    item_name: str = Field("", title="款级科目名称", description="本年表中无此科目时填写")
    budget: Money | None = Field(None, title="年初预算数")
    full_budget: Money | None = Field(None, title="全年预算数", description="调整后预算数")
    usage: str = Field("", title="主要用于", max_length=5000, description="“主要用于：”之后的文字，句末不加句号")
    budget_reason: str = Field("", title="预决算差异主要原因", max_length=5000)


class SanGongComparison(_Model):
    """A 三公 part: last year's 决算 and the reasons against last year and the 全年预算."""

    prior: Money | None = Field(None, title="上年决算数")
    reason: str = Field("", title="与上年相比变动主要原因", max_length=5000)
    budget_reason: str = Field("", title="与全年预算相比差异主要原因", max_length=5000)


class SanGongComparisons(_Model):
    total: SanGongComparison = Field(default_factory=SanGongComparison, title="“三公”经费合计")
    abroad: SanGongComparison = Field(default_factory=SanGongComparison, title="因公出国（境）费")
    car_total: SanGongComparison = Field(
        default_factory=SanGongComparison, title="公务用车购置及运行维护费"
    )
    car_purchase: SanGongComparison = Field(default_factory=SanGongComparison, title="公务用车购置费")
    car_operation: SanGongComparison = Field(
        default_factory=SanGongComparison, title="公务用车运行维护费"
    )
    reception: SanGongComparison = Field(default_factory=SanGongComparison, title="公务接待费")


class Comparisons(_Model):
    """上年决算数, 年初预算数 and 主要原因 of every compared item."""

    total: Comparison = Field(default_factory=Comparison, title="收入支出总计")
    fiscal: BudgetComparison = Field(default_factory=BudgetComparison, title="财政拨款收入支出总计")
    gpb_expense: BudgetComparison = Field(
        default_factory=BudgetComparison, title="一般公共预算财政拨款支出"
    )
    gpb_items: list[SubjectComparison] = Field(
        default_factory=list, title="一般公共预算财政拨款支出（项级科目）"
    )
    fund: BudgetComparison = Field(
        default_factory=BudgetComparison, title="政府性基金预算财政拨款收入支出总计"
    )
    fund_items: list[SubjectComparison] = Field(
        default_factory=list, title="政府性基金预算财政拨款支出（项级科目）"
    )
    soe: BudgetComparison = Field(
        default_factory=BudgetComparison, title="国有资本经营预算财政拨款收入支出总计"
    )
    soe_items: list[SubjectComparison] = Field(
        default_factory=list, title="国有资本经营预算财政拨款支出（项级科目）"
    )
    sangong: SanGongComparisons = Field(default_factory=SanGongComparisons, title="“三公”经费")
    public_expense: Comparison = Field(
        default_factory=Comparison, title="公用经费（行政、参公单位为机关运行经费）"
    )


# ---------------------------------------------------------------------------- details


class SanGongDetails(_Model):
    """“三公”经费具体情况."""

    abroad_groups: Count = Field(0, title="因公出国（境）团组数（个）")
    abroad_persons: Count = Field(0, title="因公出国（境）人次")
    abroad_content: str = Field("", title="因公出国（境）费开支内容", max_length=5000)
    car_purchase_count: Count = Field(0, title="公务用车购置数（辆）")
    car_holding: Count = Field(0, title="公务用车保有量（辆）")
    car_operation_content: str = Field("", title="公务用车运行维护费开支内容", max_length=5000)
    vehicle_difference_reason: str = Field(
        "", title="固定资产车辆与公务用车保有量差异原因", max_length=5000
    )
    reception_batches: Count = Field(0, title="国内公务接待批次")
    reception_persons: Count = Field(0, title="国内公务接待人次")
    reception_content: str = Field("", title="公务接待费开支内容", max_length=5000)
    foreign_reception: Money | None = Field(None, title="外宾接待支出")
    foreign_reception_batches: Count | None = Field(None, title="接待外宾批次")
    foreign_reception_persons: Count | None = Field(None, title="接待外宾人次")


class Procurement(_Model):
    """政府采购情况."""

    total: Money = Field(Decimal(0), title="政府采购支出总额")
    goods: Money = Field(Decimal(0), title="政府采购货物支出")
    works: Money = Field(Decimal(0), title="政府采购工程支出")
    services: Money = Field(Decimal(0), title="政府采购服务支出")
    sme: Money = Field(Decimal(0), title="授予中小企业合同金额")
    small_micro: Money = Field(Decimal(0), title="其中：授予小微企业合同金额")
    reserved_sme_budget: Money | None = Field(None, title="面向中小企业预留政府采购项目预算金额")
    reserved_small_micro_budget: Money | None = Field(None, title="其中：面向小微企业预留政府采购项目预算金额")
    reserved_sme_awarded: Money | None = Field(
        None, title="面向中小企业预留项目中由中小企业中标或成交的采购金额"
    )
    reserved_small_micro_awarded: Money | None = Field(
        None, title="其中：面向小微企业预留项目中由小微企业中标或成交的采购金额"
    )
    other_sme_awarded: Money | None = Field(None, title="其他政府采购项目中由中小企业中标或成交的采购金额")


class Vehicles(_Model):
    """车辆 by the eight categories of the asset report (辆); None: not stated."""

    ministerial: Count | None = Field(None, title="副部（省）级及以上领导用车")
    head: Count | None = Field(None, title="主要负责人用车")
    confidential: Count | None = Field(None, title="机要通信用车")
    emergency: Count | None = Field(None, title="应急保障用车")
    law_enforcement: Count | None = Field(None, title="执法执勤用车")
    special: Count | None = Field(None, title="特种专业技术用车")
    retiree_service: Count | None = Field(None, title="离退休干部服务用车")
    other: Count | None = Field(None, title="其他用车")


class Assets(_Model):
    """国有资产占用情况（截至年末）.  Every figure may be left unstated (None): the sentence part
    is then not printed (a 0 is a stated 0)."""

    house_area: Annotated[Decimal, Field(ge=0)] | None = Field(None, title="房屋面积（平方米）")
    house_value: Money | None = Field(None, title="房屋价值")
    vehicle_count: Count | None = Field(None, title="车辆合计（辆）")
    vehicle_value: Money | None = Field(None, title="车辆价值")
    vehicles: Vehicles = Field(default_factory=Vehicles, title="车辆分类")
    other_vehicle_description: str = Field("", title="其他用车主要是", max_length=1000)
    equipment_count: Count | None = Field(None, title="单价100万元（含）以上设备（不含车辆）（台/套）")


# ---------------------------------------------------------------------------- 绩效


class FundLine(_Model):
    """A 资金 row of the 项目支出绩效自评表."""

    initial_budget: Money = Field(Decimal(0), title="年初预算数")
    full_budget: Money = Field(Decimal(0), title="全年预算数")
    executed: Money = Field(Decimal(0), title="全年执行数")


class Indicator(_Model):
    """A 绩效指标 row."""

    level1: str = Field(title="一级指标", min_length=1)
    level2: str = Field("", title="二级指标")
    level3: str = Field("", title="三级指标")
    target: str = Field("", title="年度指标值")
    actual: str = Field("", title="实际完成值")
    weight: Score = Field(Decimal(0), title="分值")
    score: Score = Field(Decimal(0), title="得分")
    deviation: str = Field("", title="偏差原因分析及改进措施", max_length=2000)


class Project(_Model):
    """项目支出绩效自评表."""

    name: str = Field(title="项目名称", min_length=1)
    supervisor: str = Field("", title="主管部门")
    implementer: str = Field("", title="实施单位")
    total: FundLine = Field(default_factory=FundLine, title="年度资金总额")
    fiscal: FundLine = Field(default_factory=FundLine, title="其中：当年财政拨款")
    other: FundLine = Field(default_factory=FundLine, title="其他资金")
    fund_weight: Score = Field(Decimal(10), title="资金分值")
    fund_score: Score = Field(Decimal(0), title="资金得分")
    goal_expected: str = Field("", title="年度总体目标：预期目标", max_length=5000)
    goal_actual: str = Field("", title="年度总体目标：实际完成情况", max_length=5000)
    indicators: list[Indicator] = Field(default_factory=list, title="绩效指标")
    total_score: Score | None = Field(None, title="总分（表中所填）")


class Performance(_Model):
    """预算绩效情况."""

    project_count: Count | None = Field(None, title="绩效评价项目个数", description="留空则按自评表个数")
    full_budget: Money | None = Field(None, title="绩效评价项目全年预算数")
    executed: Money | None = Field(None, title="绩效评价项目全年执行数")
    achievements: str = Field("", title="预算绩效管理取得的成效", max_length=20000)
    problems: str = Field("", title="发现的问题及原因", max_length=20000)
    improvements: str = Field("", title="下一步改进措施", max_length=20000)
    management: str = Field(
        "", title="预算绩效管理工作开展情况", max_length=20000, description="制度、机制等；不含项目个数和金额"
    )
    target_count: Count | None = Field(None, title="编报绩效目标的项目个数")
    target_amount: Money | None = Field(None, title="编报绩效目标的项目涉及预算金额")
    tracked_count: Count | None = Field(None, title="绩效跟踪评价的项目个数")
    tracked_amount: Money | None = Field(None, title="绩效跟踪评价的项目涉及金额")
    self_count: Count | None = Field(None, title="绩效自评的项目个数")
    self_amount: Money | None = Field(None, title="绩效自评的项目涉及金额")
    average_score: Score | None = Field(None, title="绩效自评平均得分", description="0～100 分")
    grade_excellent: Count | None = Field(None, title="自评评级为“优”的项目个数")
    grade_good: Count | None = Field(None, title="自评评级为“良”的项目个数")
    grade_pass: Count | None = Field(None, title="自评评级为“合格”的项目个数")
    grade_fail: Count | None = Field(None, title="自评评级为“不合格”的项目个数")
    issues_found: Count | None = Field(None, title="自评中发现的问题个数")
    issues_fixed: Count | None = Field(None, title="其中：已完成整改的问题个数")
    issues_fixing: Count | None = Field(None, title="其中：正在整改的问题个数")
    projects: list[Project] = Field(default_factory=list, title="项目支出绩效自评表")


# ---------------------------------------------------------------------------- the whole


class Disclosure(_Model):
    """Everything one unit's 单位决算公开说明 states."""

    schema_version: Annotated[int, _number("int")] = Field(1, ge=1, title="数据格式版本")  # never true/false
    unit: Unit = Field(title="单位概况")
    t01: T01 = Field(default_factory=T01, title="收入支出决算总表")
    t02: T02 = Field(default_factory=T02, title="收入决算表")
    t03: T03 = Field(default_factory=T03, title="支出决算表")
    t04: T04 = Field(default_factory=T04, title="财政拨款收入支出决算总表")
    t05: T05 = Field(default_factory=T05, title="一般公共预算财政拨款支出决算表")
    t06: T06 = Field(default_factory=T06, title="一般公共预算财政拨款基本支出决算表")
    t07: FundTable = Field(default_factory=FundTable, title="政府性基金预算财政拨款收入支出决算表")
    t08: FundTable = Field(default_factory=FundTable, title="国有资本经营预算财政拨款收入支出决算表")
    t09: T09 = Field(default_factory=T09, title="财政拨款“三公”经费支出决算表")
    comparisons: Comparisons = Field(default_factory=Comparisons, title="与上年及预算对比")
    sangong: SanGongDetails = Field(default_factory=SanGongDetails, title="“三公”经费具体情况")
    procurement: Procurement = Field(default_factory=Procurement, title="政府采购情况")
    assets: Assets = Field(default_factory=Assets, title="国有资产占用情况")
    performance: Performance = Field(default_factory=Performance, title="预算绩效情况")
    operating_costs: Money | None = Field(
        None,
        title="机关运行经费",
        description="行政单位和参公单位财政拨款基本支出中的公用经费；单个行政、参公单位留空则取公开06表公用经费合计",
    )
    other_matters: str = Field("", title="其他需说明的事项", max_length=20000)
    preparer_notes: str = Field(
        "", title="编制说明", description="填表人对本工作簿数据来源、估算等的说明，不进入公开文本", max_length=20000
    )

    @field_validator("other_matters")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()
