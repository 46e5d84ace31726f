"""Declarative layout of the standard workbook, shared by the writer and the reader.

Everything here is data derived from :mod:`generator.model` (a field's ``title`` is the
label a clerk sees) and from the year data (table titles, 科目 names, economic items):
sheet names, the columns of the 科目 tables, the labels of the two-sided tables 公开01表 and
公开04表, the 三公 columns of 公开09表, and the label forms of the other sheets.  It also
holds the text helpers both sides need: label normalisation and 科目编码 parsing.

No spreadsheet library is imported here, so :mod:`generator.inputs` can use the model-path
helpers without loading openpyxl.  Amounts in the workbook are in 万元 unless the workbook
or a table declares 元.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from generator.model import (
    Assets,
    BudgetComparison,
    Comparisons,
    Disclosure,
    ExpenseRow,
    FundRow,
    GpbRow,
    IncomeRow,
    Indicator,
    Performance,
    Procurement,
    Project,
    SanGongDetails,
    Staff,
    SubjectComparison,
    Unit,
    Vehicles,
)

# ---------------------------------------------------------------------------- sheet names

SHEET_GUIDE = "填表说明"
SHEET_UNIT = "单位信息"
SHEET_COMPARE = "对比与原因"
SHEET_SANGONG = "三公明细"
SHEET_ASSETS = "采购与资产"
SHEET_PERF = "绩效"
SHEET_PROJECTS = "绩效项目"
SHEET_INDICATORS = "绩效指标"

TABLE_KEYS = ("t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09")

MONEY_UNIT_LABEL = "金额单位"
MONEY_UNITS = ("万元", "元")
PREPARER_LABEL = "编制说明"

#: Title variants used by other generators (normalised form is compared).
TITLE_ALIASES: dict[str, tuple[str, ...]] = {
    "t06": ("一般公共预算财政拨款基本支出决算明细表",),
    "t08": ("国有资本经营预算财政拨款支出决算表",),
    "t09": ("一般公共预算财政拨款“三公”经费支出决算表", "“三公”经费支出决算表"),
}

# ---------------------------------------------------------------------------- text helpers

_WS = re.compile(r"[\s\u3000\xa0]+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」《》")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d)|其中[：:])"
)


_HALFWIDTH = {
    c: c - 0xFEE0
    for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for c in range(r[0], r[1] + 1)
}


def _halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def norm(value: Any) -> str:
    """A label as compared: no spaces or quotes, full-width brackets and colon, no
    leading numbering (``一、``, ``（一）``, ``1.``, ``其中：``), no ``（万元）`` suffix."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _norm_text(value)
    return _norm_text(str(value))


@lru_cache(maxsize=8192)
def _norm_text(text: str) -> str:
    text = _halfwidth(text)
    text = _WS.sub("", text).translate(_QUOTES)
    text = text.replace("(", "（").replace(")", "）").replace(":", "：")
    previous = None
    while previous != text:
        previous = text
        text = _NUMBERING.sub("", text)
    for suffix in ("（万元）", "（元）"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    return text.rstrip("：")


def clean_text(value: Any) -> str:
    """A cell as text for a text field: numbers without ``.0``, surrounding space removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().replace("\r\n", "\n")


_CODE_CHARS = re.compile(r"[\s\u3000.．\-_/、]+")


def code_text(value: Any) -> str:
    """Digits of a 科目编码 cell (``201 06 01``, ``201.06.01``, ``2010601``, 201.0) or ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if not value.is_integer():
            return ""
        value = int(value)
    text = _CODE_CHARS.sub("", _halfwidth(str(value)).strip().lstrip("'‘’`"))
    return text if text.isascii() and text.isdigit() else ""


def split_code_name(text: str) -> tuple[str, str] | None:
    """``"2010350 事业运行"`` → ``("2010350", "事业运行")`` when a name cell carries both."""
    match = re.match(r"^\s*(\d{3}(?:[\s.．]?\d{2}){0,2})[\s\u3000]+(\S.*)$", _halfwidth(text))
    if not match:
        return None
    return code_text(match.group(1)), match.group(2).strip()


# ---------------------------------------------------------------------------- model paths

ModelPath = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldKind:
    """What a model field holds, as far as reading a cell is concerned.

    ``kind``: ``money`` (万元, converted from 元 when the workbook says so), ``signed_money``,
    ``decimal`` (scores, 平方米: never converted), ``int``, ``count`` (int ≥ 0), ``text``,
    ``enum``, ``list``, ``dict``, ``model``.
    """

    kind: str
    optional: bool = False
    title: str = ""
    max_length: int | None = None


def _unwrap(annotation: Any) -> tuple[Any, bool, str, list]:
    """(base type, optional?, description, metadata) of an annotation."""
    optional = False
    description = ""
    metadata: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            annotation = args[0]
            for meta in args[1:]:
                description = description or (getattr(meta, "description", None) or "")
                metadata.extend(getattr(meta, "metadata", []) or [])
            continue
        if origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(members) < len(typing.get_args(annotation))
            annotation = members[0]
            continue
        return annotation, optional, description, metadata


@lru_cache(maxsize=4096)
def field_kind(model: type[BaseModel], name: str) -> FieldKind:
    """The :class:`FieldKind` of ``model.name`` (cached: the reader asks once per cell)."""
    info = model.model_fields[name]
    base, optional, description, metadata = _unwrap(info.annotation)
    description = info.description or description
    metadata = list(info.metadata) + metadata
    max_length = next((m.max_length for m in metadata if hasattr(m, "max_length")), None)
    has_ge = any(getattr(m, "ge", None) is not None for m in metadata)
    origin = typing.get_origin(base)
    if origin is list:
        kind = "list"
    elif origin is dict:
        kind = "dict"
    elif isinstance(base, type) and issubclass(base, BaseModel):
        kind = "model"
    elif base is Decimal:
        if "万元" in (description or ""):
            kind = "money" if has_ge else "signed_money"
        else:
            kind = "decimal"
    elif base is int:
        kind = "count" if has_ge else "int"
    elif isinstance(base, type) and issubclass(base, Enum):
        kind = "enum"
    else:
        kind = "text"
    return FieldKind(kind, optional, info.title or name, max_length)


ENUM_ALIASES: dict[str, str] = {
    "单位决算": "单位",
    "部门决算": "部门",
    "参公单位": "参照公务员法管理的事业单位",
    "参公事业单位": "参照公务员法管理的事业单位",
    "参照公务员法管理事业单位": "参照公务员法管理的事业单位",
}
"""Other names a clerk writes for a choice of a drop-down (决算类别, 单位性质) that mean
exactly one of its values."""

_ENUM_SPACE_RE = re.compile(r"[\s\u3000]+")


def enum_choice(model: type[BaseModel], name: str, text: str) -> str:
    """The value of the enum field ``model.name`` that ``text`` names: spaces inside ignored
    (``单 位``), an alias of :data:`ENUM_ALIASES` taken when it is one of the field's values;
    any other text is returned as typed (validation then names the choices)."""
    base = _unwrap(model.model_fields[name].annotation)[0]
    values = {m.value for m in base} if isinstance(base, type) and issubclass(base, Enum) else set()
    compact = _ENUM_SPACE_RE.sub("", _halfwidth(text))
    if compact in values:
        return compact
    alias = ENUM_ALIASES.get(compact, "")
    return alias if alias in values else text


def resolve(path: ModelPath, root: type[BaseModel] = Disclosure) -> tuple[type[BaseModel], str] | None:
    """``("t05", "rows", 3, "total")`` → ``(GpbRow, "total")``: the model and field a path
    ends at (list indices and dict keys are stepped through); ``None`` if it is no field."""
    # a list index never names a field: every index resolves alike (one cache entry per
    # column of a table, not per cell)
    return _resolve(tuple(0 if isinstance(p, int) else p for p in path), root)


@lru_cache(maxsize=4096)
def _resolve(path: ModelPath, root: type[BaseModel]) -> tuple[type[BaseModel], str] | None:
    current: Any = root
    last: tuple[type[BaseModel], str] | None = None
    for part in path:
        base = _unwrap(current)[0]
        if typing.get_origin(base) in (list, dict):
            current = typing.get_args(base)[-1]  # list[X] → X, dict[K, V] → V
            continue
        if _is_model(base) and isinstance(part, str) and part in base.model_fields:
            last = (base, part)
            current = base.model_fields[part].annotation
            continue
        return None
    return last


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def title_of(path: ModelPath) -> str:
    """The Chinese label of the field a model path ends at (``本年收入合计``), or ``""``."""
    found = resolve(path)
    if found is None:
        return ""
    model, name = found
    return model.model_fields[name].title or name


# ---------------------------------------------------------------------------- 科目 tables

GENERIC_LEAVES = frozenset({"决算数", "金额", "本年数", "决算金额", "本年决算数", "数额"})


@dataclass(frozen=True)
class Col:
    """One amount column of a table: model field, printed header, accepted header leaves."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    group: str = ""  # printed group header above ``header`` (公开07表 本年支出)

    @property
    def leaves(self) -> frozenset[str]:
        return frozenset(norm(x) for x in (self.header, *self.aliases))


def _cols(model: type[BaseModel], aliases: dict[str, tuple[str, ...]], **renames: str) -> tuple[Col, ...]:
    out = []
    for name in model.model_fields:
        if name in ("code", "name"):
            continue
        title = model.model_fields[name].title or name
        out.append(Col(name, renames.get(name, title), (title, *aliases.get(name, ()))))
    return tuple(out)


@dataclass(frozen=True)
class RowTable:
    """A 科目 table (公开02/03/05/07/08表): code | name | amount columns, 合计 + growable rows."""

    key: str
    row_model: type[BaseModel]
    cols: tuple[Col, ...]
    widths: tuple[float, ...] = ()


_FUND_COLS = (
    Col("carry_in", "年初结转和结余", ("年初财政拨款结转和结余",)),
    Col("income", "本年收入", ("本年收入合计",)),
    Col("expense", "合计", ("本年支出合计", "小计", "本年支出"), group="本年支出"),
    Col("basic", "基本支出", (), group="本年支出"),
    Col("project", "项目支出", (), group="本年支出"),
    Col("carry_out", "年末结转和结余", ("年末财政拨款结转和结余",)),
)

ROW_TABLES: dict[str, RowTable] = {
    "t02": RowTable(
        "t02",
        IncomeRow,
        _cols(IncomeRow, {"total": ("合计", "收入合计"), "fiscal": ("财政拨款",)}),
    ),
    "t03": RowTable(
        "t03",
        ExpenseRow,
        _cols(ExpenseRow, {"total": ("合计", "支出合计")}),
    ),
    "t05": RowTable(
        "t05",
        GpbRow,
        _cols(GpbRow, {"total": ("小计", "一般公共预算财政拨款支出合计")}),
    ),
    "t07": RowTable("t07", FundRow, _FUND_COLS),
    "t08": RowTable("t08", FundRow, _FUND_COLS),
}

CODE_HEADERS = frozenset(
    norm(x)
    for x in ("科目编码", "功能分类科目编码", "支出功能分类科目编码", "编码", "经济分类科目编码", "科目代码")
)
CODE_PART_HEADERS = {"类": 0, "款": 1, "项": 2}
NAME_HEADERS = frozenset(norm(x) for x in ("科目名称", "名称"))
ITEM_HEADERS = frozenset(norm(x) for x in ("项目",))
TOTAL_LABELS = frozenset(norm(x) for x in ("合计", "总计", "合 计"))

# ---------------------------------------------------------------------------- 公开01/04表

T01_INCOME = (
    ("gpb_income", ("一般公共预算财政拨款收入",)),
    ("fund_income", ("政府性基金预算财政拨款收入",)),
    ("soe_income", ("国有资本经营预算财政拨款收入",)),
    ("superior_income", ("上级补助收入",)),
    ("business_income", ("事业收入",)),
    ("operating_income", ("经营收入",)),
    ("affiliated_income", ("附属单位上缴收入",)),
    ("other_income", ("其他收入",)),
)
T01_INCOME_FOOT = (
    ("income_total", "本年收入合计", ("收入合计",)),
    ("use_nonfiscal_balance", "使用非财政拨款结余（含专用结余）", ("使用非财政拨款结余",)),
    ("carry_in", "年初结转和结余", ()),
    ("income_grand_total", "总计", ("收入总计",)),
)
T01_EXPENSE_FOOT = (
    ("expense_total", "本年支出合计", ("支出合计",)),
    ("balance_distribution", "结余分配", ()),
    ("carry_out", "年末结转和结余", ()),
    ("expense_grand_total", "总计", ("支出总计",)),
)

T04_INCOME = (
    ("gpb_income", "一般公共预算财政拨款", ("一般公共预算财政拨款收入",)),
    ("fund_income", "政府性基金预算财政拨款", ("政府性基金预算财政拨款收入",)),
    ("soe_income", "国有资本经营预算财政拨款", ("国有资本经营预算财政拨款收入",)),
)
T04_SPLIT = (  # FundSplit field, printed header
    ("total", "合计"),
    ("gpb", "一般公共预算财政拨款"),
    ("fund", "政府性基金预算财政拨款"),
    ("soe", "国有资本经营预算财政拨款"),
)
AMOUNT_LEAVES = frozenset(norm(x) for x in ("金额", "决算数", "本年数", "决算金额", "金额（万元）"))

# ---------------------------------------------------------------------------- 公开06表

T06_GROUPS = (("personnel", "人员经费", "人员经费合计"), ("public", "公用经费", "公用经费合计"))
ECON_CODE_HEADERS = frozenset(norm(x) for x in ("经济分类科目编码", "科目编码", "编码"))

# ---------------------------------------------------------------------------- 公开09表

SANGONG_PARTS = (  # field, printed label, aliases, car sub-part?
    ("total", "合计", ()),
    ("abroad", "因公出国（境）费", ("因公出国（境）费用",)),
    ("car_total", "公务用车购置及运行维护费", ("公务用车购置及运行费",)),
    ("reception", "公务接待费", ()),
)
SANGONG_CAR = (
    ("car_total", "小计", ()),
    ("car_purchase", "公务用车购置费", ()),
    ("car_operation", "公务用车运行维护费", ("公务用车运行费",)),
)
SANGONG_TOP = "财政拨款“三公”经费"
BUDGET_LEAVES = frozenset(norm(x) for x in ("预算数", "全年预算数", "年初预算数", "预算"))
ACTUAL_LEAVES = frozenset(norm(x) for x in ("决算数", "实际支出", "决算"))

# ---------------------------------------------------------------------------- form sheets


@dataclass(frozen=True)
class FormItem:
    """A ``label | value | hint`` row of a form sheet.  ``path`` is the model path."""

    path: ModelPath
    label: str
    hint: str = ""


@dataclass(frozen=True)
class FormSection:
    heading: str
    items: tuple[FormItem, ...]


@dataclass(frozen=True)
class Form:
    sheet: str
    title: str
    sections: tuple[FormSection, ...]
    lists: tuple[tuple[ModelPath, str, str], ...] = ()  # (path, label, hint) growable lists
    width_value: float = 40


def _hint(kind: FieldKind, description: str | None) -> str:
    unit = {
        "money": "万元",
        "signed_money": "万元，可为负数",
        "count": "整数",
        "int": "整数，减少填负数",
    }.get(kind.kind, "")
    parts = [p for p in (unit, description or "") if p and p != "金额（万元）"]
    if kind.optional and kind.kind in ("money", "count"):
        parts.append("留空表示未填")
    return "；".join(parts)


ROWS_ADDED_LATER: frozenset[ModelPath] = frozenset({("unit", "style")})
"""Form rows added to the standard workbook after its first release: a workbook made before them
has no such row, which means the field's default (公开格式: the default format), without a warning."""


def items_of(model: type[BaseModel], prefix: ModelPath, skip: tuple[str, ...] = ()) -> tuple[FormItem, ...]:
    """One form row per scalar field of ``model`` (labels are the field titles)."""
    out = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        kind = field_kind(model, name)
        if kind.kind in ("list", "dict", "model"):
            continue
        out.append(FormItem((*prefix, name), info.title or name, _hint(kind, info.description)))
    return tuple(out)


UNIT_FORM = Form(
    SHEET_UNIT,
    "单位信息",
    (
        FormSection(
            "单位基本情况",
            (
                *items_of(Unit, ("unit",)),
                FormItem(
                    (MONEY_UNIT_LABEL,),
                    MONEY_UNIT_LABEL,
                    "本工作簿金额的单位：万元或元（元将按÷10000换算为万元）",
                ),
            ),
        ),
        FormSection("人员情况（人）", items_of(Staff, ("unit", "staff"))),
        FormSection(
            "机关运行经费情况（万元）",
            (
                FormItem(
                    ("operating_costs",),
                    Disclosure.model_fields["operating_costs"].title or "",
                    "万元；留空：单个行政单位、参公单位取公开06表公用经费合计；含事业单位的部门必须填写",
                ),
            ),
        ),
    ),
    lists=(
        (("unit", "functions"), "主要职能", "每段一行，编号（如“1.”）照原样保留"),
        (("unit", "subunits"), "下属预算单位", "每个单位一行；没有则留空"),
        (("unit", "departments"), "内设科室", "每个科室一行；没有则留空（不写科室一句）"),
        (("unit", "members"), "部门决算单位构成", "部门决算：本级（名称与部门相同）及所属各单位，每个单位一行"),
    ),
)

#: Form rows added after the first workbooks were made: a workbook without the row reads the
#: field's default, without a warning.
LATER_ITEMS: frozenset[ModelPath] = frozenset(
    {
        ("unit", "document"),
        ("unit", "item_completion"),
        ("unit", "zero_wording"),
        ("operating_costs",),
        *(("sangong", n) for n in ("foreign_reception", "foreign_reception_batches", "foreign_reception_persons")),
        *(("procurement", n) for n in Procurement.model_fields if n.startswith(("reserved_", "other_sme"))),
        *(
            ("performance", n)
            for n in Performance.model_fields
            if n == "management" or n.endswith(("_count", "_amount")) or n.startswith(("grade_", "issues_"))
            if n != "project_count"
        ),
        ("performance", "average_score"),
    }
)


def list_model(path: ModelPath) -> type[BaseModel] | None:
    """The element model of a form list of records (部门决算单位构成), ``None`` for a list of texts."""
    found = resolve(path)
    if found is None:
        return None
    base = _unwrap(found[0].model_fields[found[1]].annotation)[0]
    element = typing.get_args(base)[0] if typing.get_origin(base) is list else None
    return element if _is_model(element) else None


LIST_INDEX_HEADER = "序号"

SANGONG_FORM = Form(
    SHEET_SANGONG,
    "“三公”经费具体情况",
    (FormSection("“三公”经费具体情况", items_of(SanGongDetails, ("sangong",))),),
)

_ASSET_TAIL = ("other_vehicle_description", "equipment_count")

ASSETS_FORM = Form(
    SHEET_ASSETS,
    "政府采购与国有资产占用情况",
    (
        FormSection("政府采购情况（万元）", items_of(Procurement, ("procurement",))),
        FormSection("国有资产占用情况（截至年末）", items_of(Assets, ("assets",), skip=_ASSET_TAIL)),
        FormSection(
            "车辆分类（辆）及其他",
            items_of(Vehicles, ("assets", "vehicles"))
            + items_of(
                Assets, ("assets",), skip=tuple(n for n in Assets.model_fields if n not in _ASSET_TAIL)
            ),
        ),
    ),
)

PERF_FORM = Form(
    SHEET_PERF,
    "预算绩效情况",
    (
        FormSection("预算绩效情况", items_of(Performance, ("performance",))),
        FormSection(
            "其他",
            (
                FormItem(
                    ("other_matters",), Disclosure.model_fields["other_matters"].title or "", "没有则留空"
                ),
            ),
        ),
    ),
    width_value=80,
)

FORMS = (UNIT_FORM, SANGONG_FORM, ASSETS_FORM, PERF_FORM)

# ---------------------------------------------------------------------------- comparisons


#: The figures of a compared total, each in its column (1: 项目, 2: 本年决算数 shown by formula).
COMPARE_MAIN_FIELDS = ("prior", "budget", "reason", "budget_reason", "full_budget")
COMPARE_MAIN_COLS = {"prior": 3, "budget": 4, "reason": 5, "budget_reason": 6, "full_budget": 7}


@dataclass(frozen=True)
class CompareRow:
    path: ModelPath
    label: str
    fields: tuple[str, ...]  # which of prior/budget/reason/budget_reason are read


def _compare_rows() -> tuple[tuple[CompareRow, ...], tuple[CompareRow, ...]]:
    main, sangong = [], []
    for name, info in Comparisons.model_fields.items():
        kind = field_kind(Comparisons, name)
        if kind.kind == "list":
            continue
        if name == "sangong":
            sub = info.annotation
            assert isinstance(sub, type) and issubclass(sub, BaseModel)
            for sname, sinfo in sub.model_fields.items():
                sangong.append(
                    CompareRow(
                        ("comparisons", "sangong", sname),
                        sinfo.title or sname,
                        ("prior", "reason", "budget_reason"),
                    )
                )
            continue
        model = _unwrap(info.annotation)[0]
        fields = tuple(f for f in COMPARE_MAIN_FIELDS if f in model.model_fields)
        main.append(CompareRow(("comparisons", name), info.title or name, fields))
    return tuple(main), tuple(sangong)


COMPARE_MAIN, COMPARE_SANGONG = _compare_rows()
COMPARE_HEAD = (
    "项目",
    "本年决算数",
    "上年决算数",
    "年初预算数",
    "与上年相比变动主要原因",
    "预决算差异主要原因",
    BudgetComparison.model_fields["full_budget"].title or "",
)
COMPARE_SANGONG_HEAD = (
    "“三公”经费",
    "本年决算数",
    "上年决算数",
    "全年预算数",
    "与上年相比变动主要原因",
    "与全年预算相比差异主要原因",
)
COMPARE_ITEM_HEAD = (
    "科目名称",
    "本年决算数",
    "上年决算数",
    "科目编码",
    "与上年相比变动主要原因",
    "类级科目名称",
    "款级科目名称",
    *(SubjectComparison.model_fields[f].title or f for f in ("budget", "full_budget", "usage", "budget_reason")),
)
#: column (1-based) of each field of a 项 row, as COMPARE_ITEM_HEAD heads them
COMPARE_ITEM_COLS = {
    "name": 1, "prior": 3, "code": 4, "reason": 5, "class_name": 6, "item_name": 7,
    "budget": 8, "full_budget": 9, "usage": 10, "budget_reason": 11,
}
#: the fields of a 项 row the reader takes (the code is read first)
COMPARE_ITEM_FIELDS = (
    "name", "class_name", "item_name", "prior", "reason", "budget", "full_budget", "usage", "budget_reason"
)
COMPARE_LISTS = tuple(
    (("comparisons", name), Comparisons.model_fields[name].title or name, table)
    for name, table in (("gpb_items", "t05"), ("fund_items", "t07"), ("soe_items", "t08"))
)
#: header label (normalised) → Comparison field
COMPARE_FIELD_BY_HEADER = {
    norm("上年决算数"): "prior",
    norm("年初预算数"): "budget",
    norm("全年预算数"): "full_budget",
    norm("主要用于"): "usage",
    norm("与上年相比变动主要原因"): "reason",
    norm("预决算差异主要原因"): "budget_reason",
    norm("与全年预算相比差异主要原因"): "budget_reason",
    norm("科目编码"): "code",
    norm("科目名称"): "name",
    norm("类级科目名称"): "class_name",
    norm("款级科目名称"): "item_name",
}

# ---------------------------------------------------------------------------- 绩效 lists

PROJECT_LINES = (("total", "年度资金总额"), ("fiscal", "其中：当年财政拨款"), ("other", "其他资金"))
FUNDLINE_COLS = (("initial_budget", "年初预算数"), ("full_budget", "全年预算数"), ("executed", "全年执行数"))
PROJECT_SCALARS_BEFORE = ("name", "supervisor", "implementer")
PROJECT_SCALARS_AFTER = ("fund_weight", "fund_score", "goal_expected", "goal_actual", "total_score")
PROJECT_NO = "序号"
INDICATOR_KEY = "项目名称或序号"
INDICATOR_FIELDS = tuple(Indicator.model_fields)

LEVEL1 = ("产出指标", "效益指标", "成本指标", "满意度指标")
LEVEL2 = (
    "数量指标",
    "质量指标",
    "时效指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "满意度指标",
    "服务对象满意度指标",
)


def project_title(name: str) -> str:
    return Project.model_fields[name].title or name


def indicator_title(name: str) -> str:
    return Indicator.model_fields[name].title or name
