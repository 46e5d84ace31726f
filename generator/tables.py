"""The nine 公开表 and the 项目支出绩效自评表 as render-neutral :class:`~generator.document.Table`.

Layouts follow ``official-tables.md`` §3 (national layout: 表号, title, ``单位：<name>`` and
``金额单位：万元``, merged multi-level headers, a 栏次 row numbering the amount columns):

* 科目 tables (02, 03, 05, 07, 08) print the 功能分类科目编码 as one column holding the code
  as it stands (``201`` 类, ``20103`` 款, ``2010350`` 项) beside the 科目名称, with the 合计
  row first, as the 决算 system prints it.
* 01 and 04 list every 类 of the year data on the 支出 side (the system's full shell), then
  the 合计/结转/总计 rows.
* 06 uses the two-group layout: 人员经费 (301, 303) on the left, 公用经费 (302, 310 and any
  other class) on the right, each ``经济分类科目编码 | 科目名称 | 决算数``, with the rows of
  the input in its order and a closing ``人员经费合计 | 公用经费合计`` row.
* 09 has the twelve 预算数/决算数 columns of §3.9 and one data row.

Amounts are in 万元, printed ``1,234.56``, right aligned.  **Zero amounts are printed blank**
in the nine 公开表, as the 决算 system prints them (official-tables.md §2, PT24/SG24); the
narrative states every zero as ``0.00``.  An empty 07/08 table keeps its shell (headers and a
blank 合计 row) and carries the year data's empty-table statement.  The 自评表 prints ``0.00``,
as the reference disclosures do.  Wide tables are marked ``landscape``.

Header labels are column names (the model's field titles where one exists); no sentence is
built here.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import groupby

from pydantic import BaseModel

from generator.compute import Figures, ProjectFigures, project_figures
from generator.document import Cell, Table
from generator.model import (
    DocumentKind,
    T01,
    T04,
    Disclosure,
    EconRow,
    FundSplit,
    FundTable,
    FundTotals,
    Indicator,
    Member,
    Project,
    SanGong,
)
from generator.numbers import fmt_money, fmt_percent, q2
from generator.sections import load_sections
from generator.tablespec import UNIT_PLACE, TableSpec, table_spec
from generator.templating import cn_numeral
from generator.yeardata import YearData, load_year

# Column and row labels that are no field title of the model.
LABELS = {
    "item": "项目",
    "code": "功能分类科目编码",
    "name": "科目名称",
    "econ_code": "经济分类科目编码",
    "column_no": "栏次",
    "income": "收入",
    "expense": "支出",
    "amount": "决算数",
    "budget": "预算数",
    "grand_total": "总计",
    "total": "合计",
    "subtotal": "小计",
    "expense_year": "本年支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "sangong": "财政拨款“三公”经费",
    "perf_title": "项目支出绩效自评表",
    "perf_year": "（{year}年度）",
    "perf_funds": "项目资金（万元）",
    "perf_rate": "执行率",
    "perf_goal": "年度总体目标",
    "perf_indicators": "年度绩效指标完成情况",
    "perf_total": "总分",
    "perf_score_unit": "{score}分",
    "na": "—",
    "number": "序号",
}

def _titles(model: type[BaseModel]) -> dict[str, str]:
    return {name: (info.title or name) for name, info in model.model_fields.items()}


def amount(value: Decimal | None, thousands: bool = True, blank_zero: bool = True) -> str:
    """A 公开表 amount cell text: ``1,234.56`` (``1234.56`` without ``thousands``), blank for zero
    (``0.00`` without ``blank_zero``) (万元)."""
    if value is None or (q2(value) == 0 and blank_zero):
        return ""
    return fmt_money(value) if thousands else f"{q2(value):.2f}"


def _h(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, align="center", bold=True)


def _t(text: str, colspan: int = 1, rowspan: int = 1, bold: bool = False) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, align="left", bold=bold)


def _c(text: str, colspan: int = 1, rowspan: int = 1, bold: bool = False) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, align="center", bold=bold)


def _a(value: Decimal | None, bold: bool = False, thousands: bool = True, blank_zero: bool = True) -> Cell:
    return Cell(amount(value, thousands, blank_zero), align="right", bold=bold)


def _row(cell: Cell) -> Cell:
    """``cell`` as the header of its row (a label: 科目名称, 合计 …); a blank cell stays data."""
    return replace(cell, scope="row") if cell.text else cell


def _col(cell: Cell) -> Cell:
    """``cell`` as the header of the cells below it (a column label inside the body)."""
    return replace(cell, scope="col") if cell.text else cell


def _blank_amount() -> Cell:
    return Cell("", align="right")


def _column_numbers(count: int, start: int = 1) -> list[Cell]:
    return [_c(str(i)) for i in range(start, start + count)]


def _is_column_numbers(row: list[Cell]) -> bool:
    """Whether a header row is the 栏次 row (``栏次 | 1 | 2 …`` or the numbers alone)."""
    texts = [c.text for c in row]
    return any(t.isdigit() for t in texts) and all(t.isdigit() or t == LABELS["column_no"] for t in texts)


class _Builder:
    """Builds the tables of one disclosure (figures in 万元)."""

    def __init__(self, d: Disclosure, f: Figures, yd: YearData):
        self.d, self.f, self.yd = d, f, yd
        self.spec: TableSpec | None = None  # the shell of the table being built

    def _table(self, key: str, header, body, widths, empty=False) -> Table:
        spec = self.spec_of(key)
        widths = spec.column_widths(widths)
        if not spec.column_numbers:  # the format prints no 栏次 row: the header's last row goes
            header = [row for row in header if not _is_column_numbers(row)]
        return Table(
            key=key,
            title=spec.title,
            code=spec.code,
            header=header,
            body=body,
            widths=widths,
            unit_label=spec.unit_label,
            unit_name=self.d.unit.name if spec.unit_label else "",
            money_unit=spec.money_unit,
            note=self._subject(spec.note).replace(UNIT_PLACE, self.d.unit.name),
            empty_note=self._subject(spec.empty_note).replace(UNIT_PLACE, self.d.unit.name) if empty else "",
            landscape=spec.landscape,
            anchor=key,
        )

    def _subject(self, note: str) -> str:
        """A table note of the format (written for a 单位) with the document's own word:
        ``部门`` in a 部门决算 (sections.toml ``[document]``)."""
        sections = load_sections(self.d.unit.style)
        words = sections.document(self.d.unit.document)
        unit_words = sections.document(DocumentKind.UNIT)
        return note.replace(unit_words.subject, words.subject) if words.subject != unit_words.subject else note

    def spec_of(self, key: str) -> TableSpec:
        """The shell of 公开表 ``key`` in the unit's format."""
        return table_spec(key, self.yd.tables[key], self.d.unit.style)

    def _a(self, value: Decimal | None, bold: bool = False) -> Cell:
        """An amount cell in the number style of the table being built."""
        if self.spec is None:
            return _a(value, bold)
        return _a(value, bold, self.spec.thousands, self.spec.blank_zero)

    def _classes(self, present) -> list[tuple[str, str]]:
        """Every 类 of the year data, then any other 类 the input uses, numbered 一、二、…."""
        classes = list(self.yd.function_classes)
        known = {code for code, _ in classes}
        for code in sorted(set(present) - known):
            classes.append((code, self.yd.subject_name(code) or code))
        return [(code, f"{cn_numeral(i)}、{name}") for i, (code, name) in enumerate(classes, start=1)]

    # ------------------------------------------------------------------ 01
    def t01(self) -> Table:
        t = self.d.t01
        ti = _titles(T01)
        header = [
            [_h(LABELS["income"], colspan=2), _h(LABELS["expense"], colspan=2)],
            [_h(LABELS["item"]), _h(LABELS["amount"]), _h(LABELS["item"]), _h(LABELS["amount"])],
            [_h(LABELS["column_no"]), _c("1"), _h(LABELS["column_no"]), _c("2")],
        ]
        income_keys = [
            "gpb_income", "fund_income", "soe_income", "superior_income",
            "business_income", "operating_income", "affiliated_income", "other_income",
        ]
        income = [(f"{cn_numeral(i)}、{ti[k]}", getattr(t, k)) for i, k in enumerate(income_keys, start=1)]
        expense = [(label, t.expense_by_class.get(code)) for code, label in self._classes(t.expense_by_class)]
        body: list[list[Cell]] = []
        for i in range(max(len(income), len(expense))):
            left = [_row(_t(income[i][0])), self._a(income[i][1])] if i < len(income) else [_t(""), _blank_amount()]
            right = (
                [_row(_t(expense[i][0])), self._a(expense[i][1])]
                if i < len(expense)
                else [_t(""), _blank_amount()]
            )
            body.append(left + right)
        grand = LABELS["grand_total"]
        pairs = [
            ("income_total", "expense_total", True),
            ("use_nonfiscal_balance", "balance_distribution", False),
            ("carry_in", "carry_out", False),
            ("income_grand_total", "expense_grand_total", True),
        ]
        for left_key, right_key, bold in pairs:
            left_label = grand if left_key == "income_grand_total" else ti[left_key]
            right_label = grand if right_key == "expense_grand_total" else ti[right_key]
            body.append(
                [
                    _row(_c(left_label, bold=bold)),
                    self._a(getattr(t, left_key), bold),
                    _row(_c(right_label, bold=bold)),
                    self._a(getattr(t, right_key), bold),
                ]
            )
        return self._table("t01", header, body, widths=[3.2, 1.3, 3.2, 1.3])

    # ------------------------------------------------------------------ 科目 tables
    def _subject_table(self, key: str, rows, totals, widths: list[float]) -> Table:
        """A 科目 table whose amount columns are the fields of ``totals`` (its 合计 row)."""
        columns = list(_titles(type(totals)).values())
        header = [
            [_h(LABELS["item"], colspan=2)] + [_h(c, rowspan=2) for c in columns],
            [_h(LABELS["code"]), _h(LABELS["name"])],
            [_h(LABELS["column_no"], colspan=2)] + _column_numbers(len(columns)),
        ]
        fields = list(type(totals).model_fields)
        total = [_row(_c(LABELS["total"], colspan=2, bold=True))] + [self._a(getattr(totals, k), True) for k in fields]
        body = [[_t(r.code), _row(_t(r.name))] + [self._a(getattr(r, k)) for k in fields] for r in rows]
        body = [total, *body] if self.spec is None or self.spec.total_first else [*body, total]
        return self._table(key, header, body, widths + [widths[-1]] * (len(columns) - 1))

    def t02(self) -> Table:
        return self._subject_table("t02", self.d.t02.rows, self.d.t02.totals, [1.7, 3.4, 1.2])

    def t03(self) -> Table:
        return self._subject_table("t03", self.d.t03.rows, self.d.t03.totals, [1.7, 3.4, 1.2])

    def t05(self) -> Table:
        # upright: the code column just holds “功能分类科目编码” on one line
        return self._subject_table("t05", self.d.t05.rows, self.d.t05.totals, [1.9, 4.0, 1.2])

    def _fund_table(self, key: str, table: FundTable) -> Table:
        ti = _titles(FundTotals)
        header = [
            [
                _h(LABELS["item"], colspan=2),
                _h(ti["carry_in"], rowspan=2),
                _h(ti["income"], rowspan=2),
                _h(LABELS["expense_year"], colspan=3),
                _h(ti["carry_out"], rowspan=2),
            ],
            [
                _h(LABELS["code"]),
                _h(LABELS["name"]),
                _h(LABELS["subtotal"]),
                _h(ti["basic"]),
                _h(ti["project"]),
            ],
            [_h(LABELS["column_no"], colspan=2)] + _column_numbers(6),
        ]
        empty = table.is_empty
        fields = ["carry_in", "income", "expense", "basic", "project", "carry_out"]
        total = _row(_c(LABELS["total"], colspan=2, bold=True))
        if empty:  # the shell: a blank 合计 row
            body = [[total] + [_blank_amount() for _ in fields]]
        else:
            body = [[total] + [self._a(getattr(table.totals, k), True) for k in fields]]
            for r in table.rows:
                body.append([_t(r.code), _row(_t(r.name))] + [self._a(getattr(r, k)) for k in fields])
        return self._table(key, header, body, [1.7, 3.4] + [1.2] * 6, empty=empty)

    def t07(self) -> Table:
        return self._fund_table("t07", self.d.t07)

    def t08(self) -> Table:
        return self._fund_table("t08", self.d.t08)

    # ------------------------------------------------------------------ 04
    def t04(self) -> Table:
        t = self.d.t04
        ti = _titles(T04)
        si = _titles(FundSplit)
        splits = ["total", "gpb", "fund", "soe"]
        header = [
            [_h(LABELS["income"], colspan=2), _h(LABELS["expense"], colspan=5)],
            [_h(LABELS["item"]), _h(LABELS["amount"]), _h(LABELS["item"])] + [_h(si[k]) for k in splits],
            [_h(LABELS["column_no"]), _c("1"), _h(LABELS["column_no"])] + _column_numbers(4, start=2),
        ]

        def split(value: FundSplit | None, bold: bool = False) -> list[Cell]:
            if value is None:
                return [_blank_amount() for _ in splits]
            return [self._a(getattr(value, k), bold) for k in splits]

        income_keys = ["gpb_income", "fund_income", "soe_income"]
        income = [(f"{cn_numeral(i)}、{ti[k]}", getattr(t, k)) for i, k in enumerate(income_keys, start=1)]
        expense = [(label, t.expense_by_class.get(code)) for code, label in self._classes(t.expense_by_class)]
        body: list[list[Cell]] = []
        for i in range(max(len(income), len(expense))):
            left = [_row(_t(income[i][0])), self._a(income[i][1])] if i < len(income) else [_t(""), _blank_amount()]
            right = [_row(_t(expense[i][0]))] + split(expense[i][1]) if i < len(expense) else [_t("")] + split(None)
            body.append(left + right)
        body.append(
            [
                _row(_c(ti["income_total"], bold=True)),
                self._a(t.income_total, True),
                _row(_c(ti["expense_total"], bold=True)),
            ]
            + split(t.expense_total, True)
        )
        body.append(
            [_row(_t(ti["carry_in"])), self._a(t.carry_in.total), _row(_t(ti["carry_out"]))] + split(t.carry_out)
        )
        for i, k in enumerate(["gpb", "fund", "soe"], start=1):
            label = _row(_t(f"{cn_numeral(i)}、{si[k]}"))
            body.append([label, self._a(getattr(t.carry_in, k)), _t("")] + split(None))
        grand = LABELS["grand_total"]
        body.append(
            [_row(_c(grand, bold=True)), self._a(t.income_grand_total, True), _row(_c(grand, bold=True))]
            + split(t.expense_grand_total, True)
        )
        return self._table("t04", header, body, [3.0, 1.2, 3.0, 1.2, 1.4, 1.4, 1.4])

    # ------------------------------------------------------------------ 06
    def t06(self) -> Table:
        t = self.d.t06
        header = [
            [_h(LABELS["personnel"], colspan=3), _h(LABELS["public"], colspan=3)],
            [_h(LABELS["econ_code"]), _h(LABELS["name"]), _h(LABELS["amount"])] * 2,
        ]
        lines = self._econ_shell(t.rows) if self.spec_of("t06").full_shell else [
            (r.code, r.name, r.amount) for r in t.rows
        ]
        left = [r for r in lines if self.yd.econ_group(r[0]) == "personnel"]
        right = [r for r in lines if self.yd.econ_group(r[0]) != "personnel"]
        body: list[list[Cell]] = []
        for i in range(max(len(left), len(right))):
            row: list[Cell] = []
            for side in (left, right):
                if i < len(side):
                    code, name, value = side[i]
                    bold = len(code) == 3
                    row += [_t(code, bold=bold), _row(_t(name, bold=bold)), self._a(value, bold)]
                else:
                    row += [_t(""), _t(""), _blank_amount()]
            body.append(row)
        ti = _titles(type(t))
        body.append(
            [
                _row(_c(ti["personnel_total"], colspan=2, bold=True)),
                self._a(t.personnel_total, True),
                _row(_c(ti["public_total"], colspan=2, bold=True)),
                self._a(t.public_total, True),
            ]
        )
        return self._table("t06", header, body, [1.3, 3.2, 1.3, 1.3, 3.2, 1.3])

    def _econ_shell(self, rows: list[EconRow]) -> list[tuple[str, str, Decimal | None]]:
        """The full shell of 06表 (tables.toml ``full_shell``): every 类 and 款 of the year's
        economic classification in its order, with the input's amount or 0.  A code of the input
        that the year does not list stays, after the 款 of its 类 (an unknown 类 at the end).  A
        类 the input leaves out while some of its 款 have figures is printed without an amount:
        its total is no figure of the input."""
        given = {r.code: r for r in rows}
        out: list[tuple[str, str, Decimal | None]] = []
        placed: set[str] = set()

        def put(code: str, name: str, value: Decimal | None) -> None:
            row = given.get(code)
            out.append((code, row.name, row.amount) if row is not None else (code, name, value))
            placed.add(code)

        for cls in self.yd.econ_classes:
            items = [r for r in rows if r.code[:3] == cls.code and len(r.code) > 3]
            put(cls.code, cls.name, None if any(r.amount for r in items) else Decimal(0))
            for code, name in cls.items:
                put(code, name, Decimal(0))
            for r in items:
                if r.code not in placed:
                    put(r.code, r.name, r.amount)
        for r in rows:
            if r.code not in placed:
                put(r.code, r.name, r.amount)
        return out

    # ------------------------------------------------------------------ 09
    def t09(self) -> Table:
        ti = _titles(SanGong)
        header = [
            [_h(LABELS["sangong"], colspan=12)],
            [
                _h(LABELS["total"], colspan=2, rowspan=2),
                _h(ti["abroad"], colspan=2, rowspan=2),
                _h(ti["car_total"], colspan=6),
                _h(ti["reception"], colspan=2, rowspan=2),
            ],
            [
                _h(LABELS["subtotal"], colspan=2),
                _h(ti["car_purchase"], colspan=2),
                _h(ti["car_operation"], colspan=2),
            ],
            [_h(LABELS["budget"]), _h(LABELS["amount"])] * 6,
            _column_numbers(12),
        ]
        row: list[Cell] = []
        keys = ["total", "abroad", "car_total", "car_purchase", "car_operation", "reception"]
        for k in keys:
            row += [self._a(getattr(self.d.t09.budget, k)), self._a(getattr(self.d.t09.actual, k))]
        empty = all(not q2(getattr(side, k)) for side in (self.d.t09.budget, self.d.t09.actual) for k in keys)
        return self._table("t09", header, [row], [1.0] * 12, empty=empty)

    # ------------------------------------------------------------------ 部门决算单位构成
    def members(self) -> Table:
        """部门决算单位构成: 序号 | 单位名称 (本级 and each unit's kind as the format words them) | 备注."""
        labels = load_sections(self.d.unit.style).member_labels
        header = [[_h(LABELS["number"]), _h(_titles(Member)["name"]), _h(_titles(Member)["note"])]]
        body = []
        for i, m in enumerate(self.d.unit.members, start=1):
            own = m.name == self.d.unit.name
            suffix = labels.get("own", "") if own else (labels.get(m.kind.value, "") if m.kind else "")
            body.append([_c(str(i)), _t(m.name + suffix), _t(m.note)])
        return Table(
            key="members", title="", header=header, body=body, widths=[0.8, 5.2, 3.0],
            unit_label="", money_unit="", new_page=False, anchor="members",
        )


def self_assessment_table(p: Project, pf: ProjectFigures, year: int) -> Table:
    """The 项目支出绩效自评表 of one project (amounts 万元; 0.00 printed, not blank)."""
    pt = _titles(Project)
    ft = _titles(type(p.total))
    it = _titles(Indicator)
    na = LABELS["na"]

    def money(v: Decimal) -> Cell:
        return Cell(fmt_money(v), align="right")

    def score(v: Decimal) -> str:
        return LABELS["perf_score_unit"].format(score=fmt_money(v))

    def num(v: Decimal) -> str:
        d = Decimal(v).normalize()
        return f"{d:f}" if d != 0 else "0"

    goal_expected = pt["goal_expected"].split("：")[-1]
    goal_actual = pt["goal_actual"].split("：")[-1]
    # the labels are header cells: 项目名称 … 项目资金 name their rows, 年初预算数 … and
    # 一级指标 … the cells below them
    body: list[list[Cell]] = [
        [_row(_c(pt["name"])), _t(p.name, colspan=8)],
        [
            _row(_c(pt["supervisor"])),
            _t(p.supervisor, colspan=3),
            _row(_c(pt["implementer"], colspan=2)),
            _t(p.implementer, colspan=3),
        ],
        [
            _row(_c(LABELS["perf_funds"], rowspan=4)),
            _c("", colspan=2),
            _col(_c(ft["initial_budget"])),
            _col(_c(ft["full_budget"])),
            _col(_c(ft["executed"])),
            _col(_c(it["weight"])),
            _col(_c(LABELS["perf_rate"])),
            _col(_c(it["score"])),
        ],
        [
            _row(_t(pt["total"], colspan=2)),
            money(pf.total.initial_budget),
            money(pf.total.full_budget),
            money(pf.total.executed),
            _c(num(pf.fund_weight)),
            _c(fmt_percent(pf.execution_rate)),
            _c(score(pf.fund_score)),
        ],
    ]
    for key, line in (("fiscal", pf.fiscal), ("other", pf.other)):
        body.append(
            [
                _row(_t(pt[key], colspan=2)),
                money(line.initial_budget),
                money(line.full_budget),
                money(line.executed),
                _c(na),
                _c(na),
                _c(na),
            ]
        )
    goal = LABELS["perf_goal"]
    body.append([_row(_c(goal, rowspan=2)), _col(_c(goal_expected, colspan=4)), _col(_c(goal_actual, colspan=4))])
    body.append([_t(p.goal_expected, colspan=4), _t(p.goal_actual, colspan=4)])
    body.append(
        [
            _row(_c(LABELS["perf_indicators"], rowspan=len(p.indicators) + 1)),
            _col(_c(it["level1"])),
            _col(_c(it["level2"])),
            _col(_c(it["level3"])),
            _col(_c(it["target"])),
            _col(_c(it["actual"])),
            _col(_c(it["weight"])),
            _col(_c(it["score"])),
            _col(_c(it["deviation"])),
        ]
    )
    for _, level1 in groupby(p.indicators, key=lambda i: i.level1):
        group1 = list(level1)
        first1 = True
        for _, level2 in groupby(group1, key=lambda i: i.level2):
            group2 = list(level2)
            first2 = True
            for ind in group2:
                row: list[Cell] = []
                if first1:
                    row.append(_row(_c(ind.level1, rowspan=len(group1))))
                if first2:
                    row.append(_row(_c(ind.level2, rowspan=len(group2))))
                row += [
                    _row(_t(ind.level3)),
                    _c(ind.target),
                    _c(ind.actual),
                    _c(num(ind.weight)),
                    _c(num(ind.score)),
                    _t(ind.deviation),
                ]
                body.append(row)
                first1 = first2 = False
    body.append(
        [
            _row(_c(LABELS["perf_total"], colspan=6, bold=True)),
            _c(num(pf.total_weight), bold=True),
            _c(score(pf.total_score), bold=True),
            _c(""),
        ]
    )
    return Table(
        key=pf.key,
        title=LABELS["perf_title"],
        subtitle=LABELS["perf_year"].format(year=year),
        header=[],
        body=body,
        widths=[1.45, 1.1, 1.2, 2.2, 1.3, 1.3, 0.9, 1.2, 1.7],
        money_unit="",
        landscape=False,
        new_page=False,
        anchor=pf.key,
        outline=f"{LABELS['perf_title']}（{p.name}）",
    )


def build_tables(d: Disclosure, f: Figures | None = None, yd: YearData | None = None) -> dict[str, Table]:
    """Every table of the disclosure by key: ``t01`` … ``t09`` and ``perf1``, ``perf2`` …."""
    from generator.compute import derive

    f = f or derive(d)
    yd = yd or load_year(d.unit.year)
    b = _Builder(d, f, yd)
    tables: dict[str, Table] = {}
    for key in yd.tables:
        builder = getattr(b, key, None)
        if builder is not None:  # a table the year data names but this version cannot build
            b.spec = b.spec_of(key)
            tables[key] = builder()
    if d.unit.members:
        tables["members"] = b.members()
    for i, p in enumerate(d.performance.projects, start=1):
        pf = f.performance.projects[i - 1] if i <= len(f.performance.projects) else project_figures(p, i)
        tables[pf.key] = self_assessment_table(p, pf, d.unit.year)
    return tables
