"""Formulas that find this year's figures in pasted tables, by label and 科目编码, never by fixed cell.

The “对比与原因” sheet shows, beside each item the clerk explains, the figure of this year from
the nine tables — wherever the pasted export put them (moved down or right, 科目编码 in one
column or split in 类/款/项, codes written ``201 03 01``, amounts as text, a table in 元).  The
work is done on a hidden sheet (:data:`SHEET_CALC`) with functions that Excel, WPS and
LibreOffice all compute without array entry: ``SUMPRODUCT``, ``MAX``, ``MATCH``, ``INDEX``,
``COUNTIF``, ``SUBSTITUTE``, ``IFERROR``.

For each 科目 table (公开05/07/08表): the header row is the last row holding “科目名称”, the
code columns are left of it (three when the cell left of it, or below that, is “项”); every
row below is normalised to a code (``2010301``), a name and the amount column's value; a
running count numbers the 项 not typed on the comparison sheet, so the k-th listed 项 is a
``MATCH(k, …)`` away.  For 公开01/04表 the 总计 row of the 项目 column is read in the 金额
(or 决算数) column; for 公开06表 the cell right of “公用经费合计”; for 公开09表 the row below
the 预算数/决算数 header.  The reader never reads these display formulas.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.workbook.grid import col_letter

SHEET_CALC = "公式辅助"

ROWS = 300  # rows scanned below a 科目 table's header
FIRST = 11  # first per-row line on the helper sheet
RANGE = "$A$1:$Z$600"

#: 科目 table → (first helper column, offset of the amount column from 科目名称)
ROW_BLOCKS = {"t05": (1, 1), "t07": (7, 3), "t08": (13, 3)}
#: other tables → first helper column
OTHER_BLOCKS = {"t01": 19, "t04": 21, "t06": 23, "t09": 25}
SANGONG_ORDER = ("total", "abroad", "car_total", "car_purchase", "car_operation", "reception")


def _q(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass
class Lookups:
    """Formulas of the helper sheet and the references the comparison sheet uses.

    ``sheets``: table key → sheet name (公开05表…); ``money_unit_ref``: the 单位信息 cell
    holding 万元/元; ``typed``: table key → ranges of typed 科目编码 cells on the comparison
    sheet (those 项 are not listed again by the automatic rows)."""

    sheets: dict[str, str]
    money_unit_ref: str
    typed: dict[str, list[str]]

    # -- references ------------------------------------------------------------------

    def _c(self, col: int, row: int) -> str:
        return f"{_q(SHEET_CALC)}!${col_letter(col)}${row}"

    def _col(self, col: int) -> str:
        return f"{_q(SHEET_CALC)}!${col_letter(col)}${FIRST}:${col_letter(col)}${FIRST + ROWS - 1}"

    def rng(self, key: str) -> str:
        return f"{_q(self.sheets[key])}!{RANGE}"

    # -- what the comparison sheet shows ------------------------------------------------

    def item_code(self, key: str, k: int) -> str:
        """The k-th listed 项 of a 科目 table (``""`` when there are fewer)."""
        base, _ = ROW_BLOCKS[key]
        return f'=IFERROR(INDEX({self._col(base)},MATCH({k},{self._col(base + 4)},0)),"")'

    def item_name(self, key: str, k: int) -> str:
        base, _ = ROW_BLOCKS[key]
        return f'=IFERROR(INDEX({self._col(base + 1)},MATCH({k},{self._col(base + 4)},0)),"")'

    def item_amount_of(self, key: str, code_cell: str) -> str:
        """This year's amount of the 项 whose code stands in ``code_cell`` (0 when absent)."""
        base, _ = ROW_BLOCKS[key]
        code = f'SUBSTITUTE(SUBSTITUTE({code_cell}&""," ",""),".","")'
        return (
            f'=IF({code_cell}="","",IFERROR(INDEX({self._col(base + 2)},MATCH({code},{self._col(base)},0)),0)'
            f"*{self._c(base + 1, 5)})"
        )

    def total(self, key: str) -> str:
        """``=`` formula of the figure a comparison row shows for a table's total."""
        if key in ROW_BLOCKS:
            base, _ = ROW_BLOCKS[key]
            return f"={self._c(base + 1, 7)}"
        return f"={self._c(OTHER_BLOCKS[key] + 1, 6)}"

    def fund_income_grand(self, key: str) -> str:
        """年初结转和结余 + 本年收入 of the 合计 row (公开07/08表)."""
        base, _ = ROW_BLOCKS[key]
        return f"={self._c(base + 1, 8)}"

    def sangong(self, part: str, budget: bool) -> str:
        base = OTHER_BLOCKS["t09"]
        j = SANGONG_ORDER.index(part)
        return f"={self._c(base + (0 if budget else 1), FIRST + j)}"

    # -- the helper sheet ---------------------------------------------------------------

    def _num(self, expr: str) -> str:
        """A cell's value as a number: numbers as they are, text like ``1,234.56`` converted, else 0."""
        return f'IF(ISNUMBER({expr}),{expr},IFERROR(VALUE(SUBSTITUTE(SUBSTITUTE({expr}&"",",",""),"，","")),0))'

    def _factor(self, key: str) -> str:
        """1/10000 when the pasted table says 金额单位：元 and the workbook is in 万元, else 1."""
        r = self.rng(key)
        return (
            f'=IF(AND(COUNTIF({r},"金额单位：元")+COUNTIF({r},"单位：元")>0,{self.money_unit_ref}<>"元"),'
            "1/10000,1)"
        )

    def _last_row(self, key: str, text: str) -> str:
        r = self.rng(key)
        return f'=SUMPRODUCT(MAX(({r}="{text}")*ROW({r})))'

    def cells(self) -> dict[tuple[int, int], str]:
        """(row, col) → formula of every helper cell."""
        out: dict[tuple[int, int], str] = {}
        for key, (base, offset) in ROW_BLOCKS.items():
            self._row_block(out, key, base, offset)
        for key in ("t01", "t04"):
            self._two_sided(out, key, OTHER_BLOCKS[key])
        self._t06(out, OTHER_BLOCKS["t06"])
        self._t09(out, OTHER_BLOCKS["t09"])
        return out

    def _row_block(self, out: dict, key: str, base: int, offset: int) -> None:
        r = self.rng(key)
        v = base + 1  # parameter values beside their row
        hr, lc, split, fc, factor, total_row = (self._c(v, n) for n in range(1, 7))
        out[(1, v)] = self._last_row(key, "科目名称")
        out[(2, v)] = f'=IF({hr}=0,0,IFERROR(MATCH("科目名称",INDEX({r},{hr},0),0),0))'
        out[(3, v)] = (
            f'=IF({lc}>3,OR(IFERROR(INDEX({r},{hr},{lc}-1)="项",FALSE),'
            f'IFERROR(INDEX({r},{hr}+1,{lc}-1)="项",FALSE)),FALSE)'
        )
        out[(4, v)] = f"=IF({split},{lc}-3,{lc}-1)"
        out[(5, v)] = self._factor(key)
        out[(6, v)] = f'=IFERROR(MATCH("合计",{self._col(base)},0),0)'
        amount_at = f"INDEX({self._col(base + 2)},{total_row})"
        out[(7, v)] = f"=IF({total_row}=0,0,{amount_at}*{factor})"
        t = f"{hr}+{total_row}"
        out[(8, v)] = (
            f"=IF({total_row}=0,0,({self._num(f'INDEX({r},{t},{lc}+1)')}"
            f"+{self._num(f'INDEX({r},{t},{lc}+2)')})*{factor})"
        )
        typed = self.typed.get(key, [])
        for i in range(1, ROWS + 1):
            row = FIRST + i - 1
            cell = lambda col: f"INDEX({r},{hr}+{i},{col})"  # noqa: E731
            part = lambda col: f'IF(ISNUMBER({cell(col)}),TEXT({cell(col)},"00"),SUBSTITUTE({cell(col)}&""," ",""))'  # noqa: E731
            joined = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({cell(fc)}&""," ",""),".",""),"　","")'
            split_code = f'SUBSTITUTE({cell(fc)}&""," ","")&{part(f"{fc}+1")}&{part(f"{fc}+2")}'
            code_ref = f"${col_letter(base)}{row}"
            out[(row, base)] = f'=IF(OR({hr}=0,{fc}<1),"",IFERROR(IF({split},{split_code},{joined}),""))'
            out[(row, base + 1)] = f'=IF({hr}=0,"",IFERROR(TRIM(SUBSTITUTE({cell(lc)}&"","　","")),""))'
            out[(row, base + 2)] = f"=IF({hr}=0,0,IFERROR({self._num(cell(f'{lc}+{offset}'))},0))"
            excluded = "+".join(f"COUNTIF({rng},{code_ref})" for rng in typed) or "0"
            out[(row, base + 3)] = (
                f"=IFERROR(IF(AND(LEN({code_ref})=7,ISNUMBER(VALUE({code_ref}))),IF({excluded}=0,1,0),0),0)"
            )
            prev = f"${col_letter(base + 4)}{row - 1}" if i > 1 else "0"
            out[(row, base + 4)] = f"={prev}+${col_letter(base + 3)}{row}"

    def _two_sided(self, out: dict, key: str, base: int) -> None:
        r = self.rng(key)
        v = base + 1
        hr, lc, ac, tr, factor = (self._c(v, n) for n in range(1, 6))
        out[(1, v)] = self._last_row(key, "项目")
        out[(2, v)] = f'=IF({hr}=0,0,IFERROR(MATCH("项目",INDEX({r},{hr},0),0),0))'
        out[(3, v)] = (
            f'=IF({hr}=0,0,IFERROR(MATCH("金额",INDEX({r},{hr},0),0),IFERROR(MATCH("决算数",INDEX({r},{hr},0),0),0)))'
        )
        out[(4, v)] = (
            f'=IF({lc}=0,0,IFERROR(MATCH("总计",INDEX({r},0,{lc}),0),IFERROR(MATCH("收入总计",INDEX({r},0,{lc}),0),0)))'
        )
        out[(5, v)] = self._factor(key)
        out[(6, v)] = f"=IF(OR({tr}=0,{ac}=0),0,{self._num(f'INDEX({r},{tr},{ac})')}*{factor})"

    def _t06(self, out: dict, base: int) -> None:
        r = self.rng("t06")
        v = base + 1
        row, col, factor = self._c(v, 1), self._c(v, 2), self._c(v, 5)
        out[(1, v)] = self._last_row("t06", "公用经费合计")
        out[(2, v)] = f'=IF({row}=0,0,IFERROR(MATCH("公用经费合计",INDEX({r},{row},0),0),0))'
        out[(5, v)] = self._factor("t06")
        at = lambda n: f"INDEX({r},{row},{col}+{n})"  # noqa: E731
        out[(6, v)] = (
            f"=IF({col}=0,0,IFERROR(IF(ISNUMBER({at(1)}),{at(1)},IF(ISNUMBER({at(2)}),{at(2)},"
            f"{self._num(at(3))})),0)*{factor})"
        )

    def _t09(self, out: dict, base: int) -> None:
        r = self.rng("t09")
        hr, c0, factor = self._c(base + 1, 1), self._c(base + 1, 2), self._c(base + 1, 5)
        out[(1, base + 1)] = self._last_row("t09", "预算数")
        out[(2, base + 1)] = f'=IF({hr}=0,0,IFERROR(MATCH("预算数",INDEX({r},{hr},0),0),0))'
        out[(5, base + 1)] = self._factor("t09")
        for j in range(len(SANGONG_ORDER)):
            for k in (0, 1):  # 预算数, 决算数
                cell = f"INDEX({r},{hr}+1,{c0}+{2 * j + k})"
                out[(FIRST + j, base + k)] = f"=IF({c0}=0,0,IFERROR({self._num(cell)},0)*{factor})"
