"""Money and percentage arithmetic.

Every amount is a :class:`decimal.Decimal` in 万元 (ten thousand yuan).  Amounts are kept
exact (a workbook in 元 converts to 万元 with up to six decimals) and rounded only when
they are shown, by 四舍五入 (ROUND_HALF_UP) to 0.01 — never with Python's ``round()``.
"""

from __future__ import annotations

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
