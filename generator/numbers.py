"""Money and percentage arithmetic.

Every amount is a :class:`decimal.Decimal` in 万元 (ten thousand yuan).  Amounts are kept
exact (a workbook in 元 converts to 万元 with up to six decimals) and rounded only when
they are shown, by 四舍五入 (ROUND_HALF_UP) to 0.01 — never with Python's ``round()``.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
WAN = Decimal(10000)


def D(value: object) -> Decimal:
    """Make a Decimal from an int, str, Decimal or float (floats through ``str``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("bool is not an amount")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - message built by callers
            raise ValueError(value) from exc
    raise TypeError(f"not a number: {value!r}")


def q2(value: Decimal) -> Decimal:
    """Round to 0.01 by 四舍五入."""
    result = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return result if result != 0 else abs(result)  # no "-0.00"


def yuan_to_wan(value: Decimal) -> Decimal:
    """Convert an amount in 元 to 万元 exactly (no rounding)."""
    return (value / WAN).normalize() if value else ZERO


def ratio_percent(part: Decimal, base: Decimal) -> Decimal | None:
    """``part ÷ base × 100`` rounded to two decimals; ``None`` when the base is zero."""
    if base == 0:
        return None
    return q2(part / base * HUNDRED)


def fmt_money(value: Decimal) -> str:
    """``1234.5`` → ``"1,234.50"`` (rounded 四舍五入 to 0.01)."""
    return f"{q2(value):,.2f}"


def fmt_percent(value: Decimal) -> str:
    """``12.3`` → ``"12.30%"``."""
    return f"{q2(value):.2f}%"


# ---------------------------------------------------------------------------- reading numbers
#
# Every number the tool takes in (a workbook cell, a JSON value) passes through
# :func:`accept`: it is read exactly or refused with a reason, and whatever it accepts is
# small enough that no later Decimal operation (sums, ratios, 四舍五入 to 0.01) can raise.

AMOUNT_LIMIT_EXP = 12
"""Amounts and other decimals: |x| < 10**12 (一万亿万元)."""
AMOUNT_LIMIT = Decimal(10) ** AMOUNT_LIMIT_EXP
AMOUNT_FLOOR_EXP = -6
"""A non-zero amount is at least 10**-6 万元 (0.01 元); less is a formula's rounding residue."""
AMOUNT_FLOOR = Decimal(10) ** AMOUNT_FLOOR_EXP
COUNT_LIMIT = 10**9
"""Counts (persons, vehicles, batches) and their changes: |n| < 10**9."""

BLANK_MARKS = frozenset({"-", "—", "－", "——", "--", "/", "―", "――", "–"})
"""Cell texts that mean “nothing here” in an amount cell, as the reporting software prints zeros."""

ERROR_VALUES = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#错误",
    }
)  # fmt: skip
"""Spreadsheet error values (Excel, WPS; ``#错误`` is what an unknown .xls code reads as)."""

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．，－＋（）ｅＥ\u2212\ufe63\u2010\u2011\u2012\u2013",
    "0123456789.,-+()eE------",
)
"""Full-width digits and signs, and the minus signs a copy from Word or a PDF brings
(U+2212 minus, hyphens, figure dash, en dash), as their ASCII forms."""
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")
"""Invisible characters pasted from web pages (zero-width space, byte-order mark, soft
hyphen): removed wherever they stand."""
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab and line breaks: removed from texts (generator.inputs),
made visible in messages."""
_DIGIT_GAP_RE = re.compile(r"(?<=\d)\s+(?=\d)")
_SPACE_RE = re.compile(r"\s+")
_QUOTE_PREFIX = ("'", "‘", "’", "`")
"""A leading apostrophe that marks a number as text (exported by some systems literally)."""
_DECORATION_RE = re.compile(
    r"^(?P<pre>[¥￥$＄]|RMB|人民币)?(?P<num>.*?)(?P<post>万元|亿元|千元|元|万|人|名|辆|个|次|批|项|分|%|％)?$"
)
_NUMBER_RE = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DECIMAL_COMMA_RE = re.compile(r"[+-]?\d+,\d{1,2}|[+-]?\d{1,3}(?:\.\d{3})+,\d+", re.ASCII)


class NumberRefused(ValueError):
    """A value that is not read as a number; ``detail`` completes “<label>…” in Chinese
    (``应为数字，实为“432,20”（…）``)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def is_error_value(value: object) -> bool:
    """``#NAME?``, ``#REF!``, … (as a cached formula value or typed text)."""
    return isinstance(value, str) and value.strip().upper() in ERROR_VALUES


def _show(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 200:
        return f"{Decimal(value).adjusted() + 1}位的整数"
    text = " ".join(str(value).split("\n")).replace("\r", "").strip()  # a message is one line
    text = CONTROL_RE.sub(lambda m: f"[U+{ord(m[0]):04X}]", text)  # invisible characters made visible
    return text if len(text) <= 40 else text[:40] + "…"


def parse_text(text: str) -> Decimal | None:
    """A number typed as text, exactly: ``"1,234.56"``, ``"（12.5）"`` (negative),
    full-width digits; ``None`` for a blank or a blank mark (``-``).  A comma is a thousands
    separator only in valid three-digit grouping.  Raises :class:`NumberRefused`."""
    shown = _show(text)
    if is_error_value(text):
        raise NumberRefused(f"是错误值“{shown}”（公式出错），应为数字")
    # spaces and line breaks (Alt+Enter, NBSP, ideographic space) around the number or next to
    # a sign or bracket change nothing; between two digits they may only group thousands
    # ("1 064.89"), else "12 34" would silently become 1234
    t = text.translate(_INVISIBLE).translate(_FULLWIDTH).strip()
    if t.startswith(_QUOTE_PREFIX) and len(t) > 1:
        t = t[1:].strip()
    gapped = _DIGIT_GAP_RE.search(t) is not None
    squeezed = _SPACE_RE.sub("", t)
    t = _SPACE_RE.sub("", _DIGIT_GAP_RE.sub(",", t)) if gapped and "," not in t else squeezed
    if t == "" or t in BLANK_MARKS:
        return None
    negative = False
    if len(t) > 2 and t[0] == "(" and t[-1] == ")":
        t, negative = t[1:-1], True
    if not _NUMBER_RE.fullmatch(t):
        if gapped and "," not in squeezed and _NUMBER_RE.fullmatch(squeezed):
            raise NumberRefused(
                f"应为数字，实为“{shown}”：数字中间有空格或换行，不能确定是一个数还是几个数"
                "（空格只能作千位分隔，每三位一个，如 1 234.56），请只填写一个数"
            )
        hint = _decoration_hint(t)
        if hint:
            raise NumberRefused(f"应为数字，实为“{shown}”{hint}")
        if "," in t and _DECIMAL_COMMA_RE.fullmatch(t):
            guess = t.replace(".", "").replace(",", ".")
            raise NumberRefused(
                f"应为数字，实为“{shown}”：逗号只能作千位分隔符（每三位一个），"
                f"这里可能把小数点输成了逗号（应为 {guess}？）"
            )
        if "," in t:
            raise NumberRefused(
                f"应为数字，实为“{shown}”：逗号只能作千位分隔符（每三位一个，如 1,234.56），"
                "这里的逗号位置不对，可能把小数点输成了逗号"
            )
        raise NumberRefused(f"应为数字，实为“{shown}”")
    number = Decimal(t.replace(",", ""))
    return -number if negative else number


def _decoration_hint(t: str) -> str:
    """How to fix a number written with a unit or currency sign (``1064.89万元``, ``35人``,
    ``￥12``, ``12.5%``): these are refused, never guessed, but the message says what to type."""
    match = _DECORATION_RE.match(t)
    if not match or not (match["pre"] or match["post"]):
        return ""
    number = match["num"]
    if len(number) > 2 and number[0] == "(" and number[-1] == ")":
        number = number[1:-1]
    if not _NUMBER_RE.fullmatch(number):
        return ""
    extra = "”“".join(x for x in (match["pre"], match["post"]) if x)
    if match["post"] in ("%", "％"):
        return "：不能填写百分数，请填写金额或数目本身"
    if match["pre"] or match["post"] in ("万元", "亿元", "千元", "元", "万"):
        return (
            f"：请只填写数字（去掉“{extra}”）；金额单位由表头或“单位信息”中的“金额单位”统一规定，"
            "数字须按该单位填写"
        )
    return f"：请只填写数字 {match['num']}（去掉“{extra}”）"


def accept(value: object, kind: str, unit: str = "万元") -> Decimal | int | None:
    """``value`` (a cell value or a JSON value) as a number of ``kind``: ``"money"`` /
    ``"signed_money"`` / ``"decimal"`` → Decimal (money in 元 converted to 万元 exactly),
    ``"count"`` / ``"int"`` → int; ``None`` for blank.  Raises :class:`NumberRefused` for
    booleans, error values, malformed text, non-finite or out-of-bound values."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberRefused(f"应为数字，实为逻辑值“{'TRUE' if value else 'FALSE'}”（是/否不能当作数字）")
    if isinstance(value, str):
        number = parse_text(value)
        if number is None:
            return None
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NumberRefused(f"应为数字，实为“{value}”（不是有限的数）")
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        shown = value.date() if isinstance(value, datetime.datetime) and value.time() == datetime.time() else value
        raise NumberRefused(
            f"应为数字，实为日期或时间“{shown}”：单元格可能被设成了日期格式（如输入 3/5、3-5 会变成日期），"
            "请把单元格格式改为“常规”或“数值”后重新填写"
        )
    else:
        raise NumberRefused(f"应为数字，实为“{_show(value)}”")
    if not number.is_finite():
        raise NumberRefused(f"应为数字，实为“{_show(value)}”（不是有限的数）")
    if number.is_zero():
        number = number.copy_abs()  # no negative zero
    if kind in ("count", "int"):
        if number.adjusted() >= 9:  # |n| ≥ 10**9
            raise NumberRefused(f"过大（“{_show(value)}”）：人数、车辆数、批次等应小于 {COUNT_LIMIT:,}")
        if number != number.to_integral_value():
            raise NumberRefused(f"应为整数，实为“{_show(value)}”")
        return int(number)
    if unit == "元" and kind in ("money", "signed_money"):
        if number.adjusted() >= AMOUNT_LIMIT_EXP + 4 + 1:
            raise NumberRefused(_too_large(value, "元"))
        number = yuan_to_wan(number)
    if number.is_zero():
        return number
    if number.adjusted() >= AMOUNT_LIMIT_EXP:
        raise NumberRefused(_too_large(value, unit if kind in ("money", "signed_money") else ""))
    if number.adjusted() < AMOUNT_FLOOR_EXP:
        size = "不足 0.01 元" if kind in ("money", "signed_money") else "过小（不足 0.000001）"
        raise NumberRefused(
            f"{size}（“{_show(value)}”），多半是公式计算留下的尾差（单元格可能显示为 0.00）："
            "请改为 0，或用 ROUND(…,2) 取两位小数"
        )
    return number


def _too_large(value: object, unit: str) -> str:
    limit = f"{AMOUNT_LIMIT:,.0f} 万元" if unit in ("万元", "元") else f"{AMOUNT_LIMIT:,.0f}"
    return f"过大（“{_show(value)}”），超出可处理的范围（绝对值应小于 {limit}）"
