"""The charts a template may ask for (``@chart income``, ``@chart expense``), from the figures.

A chart shows exactly what the text states: the parts of 本年收入合计 (二、收入决算情况说明)
and of 本年支出合计 (三、支出决算情况说明) with their amounts and shares, taken from
:attr:`generator.compute.Figures.income_parts` / ``expense_parts`` — the same :class:`Share`
values the templates print — and formatted by the same functions as the template filters
``money`` and ``pct``.  Parts of 0.00 万元 are left out (a bar of no length says nothing); a unit
whose total is 0, or one with a negative part (no structure to draw), gets no chart and the
line prints nothing.

The packaged templates draw no chart; a bureau adds the line to its own copy of a template
(README, “图表”).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.compute import Figures, Share
from generator.document import Chart, ChartBar
from generator.numbers import HUNDRED, ZERO, fmt_money, fmt_percent


@dataclass(frozen=True)
class ChartKind:
    """A chart a template may name: ``key`` (``@chart KEY``), ``label`` (in messages) and the
    caption printed when the line gives none."""

    key: str
    label: str
    caption: str


CHART_KINDS: dict[str, ChartKind] = {
    k.key: k
    for k in (
        ChartKind("income", "收入结构", "本年收入结构"),
        ChartKind("expense", "支出结构", "本年支出结构"),
    )
}


def _chart(key: str, parts: tuple[Share, ...], total: Decimal) -> Chart | None:
    if total <= ZERO or any(p.amount < ZERO for p in parts):
        return None
    bars = [
        ChartBar(p.label, fmt_money(p.amount), fmt_percent(p.share), min(max(p.share / HUNDRED, ZERO), Decimal(1)))
        for p in parts
        if p.amount > ZERO
    ]
    if not bars:
        return None
    return Chart(key=key, caption=CHART_KINDS[key].caption, bars=bars)


def build_charts(f: Figures) -> dict[str, Chart | None]:
    """Every chart by key; ``None`` where there is nothing to draw (all parts 0)."""
    return {
        "income": _chart("income", f.income_parts, f.income_total),
        "expense": _chart("expense", f.expense_parts, f.expense_total),
    }


def chart_names() -> str:
    """``income（收入结构）、expense（支出结构）`` for messages."""
    return "、".join(f"{k.key}（{k.label}）" for k in CHART_KINDS.values())
