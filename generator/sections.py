"""What the narrative contains, declared once per format: ``templates/formats/<格式>/sections.toml``.

The section headings, the heading and term of 十（一） by 单位性质, the “三公” items compared
with last year and with the 全年预算, and when sections 七/八 are written in full.  The
templates see it as ``sections`` (:func:`template_sections`); the figures
(:mod:`generator.compute`) and the checks (:mod:`generator.checks`) read it through
:func:`load_sections`, so a finding names the heading the document really has.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from decimal import Decimal
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from generator.model import T09, Assets, DocumentKind, FundTable, ItemCompletion, SanGong, Unit, UnitKind, ZeroWording
from generator.formats import DEFAULT_STYLE, format_dir

SECTIONS_FILE = format_dir(DEFAULT_STYLE) / "sections.toml"
"""The declarations of the default format."""

# The conditions sections.toml may name for 七/八 (table, its comparison, its compared items).
_FUND_CONDITIONS: dict[str, Callable[[FundTable, Any, list], bool]] = {
    "table_has_figures": lambda table, comparison, items: not table.is_empty,
    "prior_not_zero": lambda table, comparison, items: bool(comparison.prior),
    "items_compared": lambda table, comparison, items: bool(items),
}


# The conditions sections.toml may name for the “三公” comparisons ([sangong] compared_if_any).
_SANGONG_CONDITIONS: dict[str, Callable[[T09], bool]] = {
    "table_has_figures": lambda t09: any(
        getattr(side, k) for side in (t09.budget, t09.actual) for k in SanGong.model_fields
    ),
}


@dataclass(frozen=True)
class PublicExpense:
    """十（一） for one 单位性质: the subsection heading and the name of the expense."""

    heading: str
    term: str


# What a format's text may state of each compared figure (``[comparisons]`` of sections.toml):
# the compared figure → the figures and texts it may state.  A total states its 上年决算数
# (``prior``, with the reason of the change), its 年初预算数 (``budget``, with the reason of the
# difference) and its 全年预算数 (``full_budget``); each 项 of a 项级 list states any of 上年决算数
# and the reason of the change (``prior``, ``reason``), 年初预算数, 全年预算数, 主要用于
# (``usage``) and the reason of the difference from the budget (``budget_reason``).
ITEM_STATEMENTS = ("prior", "reason", "budget", "full_budget", "usage", "budget_reason")
COMPARABLE: dict[str, tuple[str, ...]] = {
    "total": ("prior",),
    "fiscal": ("prior", "budget", "full_budget"),
    "gpb_expense": ("prior", "budget", "full_budget"),
    "gpb_items": ITEM_STATEMENTS,
    "fund": ("prior", "budget", "full_budget"),
    "fund_items": ITEM_STATEMENTS,
    "soe": ("prior", "budget", "full_budget"),
    "soe_items": ITEM_STATEMENTS,
    "public_expense": ("prior",),
}


# The wording choices a unit may make (its 单位信息; empty: the format's default), with the
# default of a format whose sections.toml has no [wording] (its text has no such place).
WORDING_FIELDS = {"item_completion": ItemCompletion, "zero_wording": ZeroWording}
WORDING_DEFAULTS: dict[str, str] = {"item_completion": ItemCompletion.NO.value, "zero_wording": ZeroWording.PLAIN.value}

# “仅接近预算的项”: the completion rates (决算 ÷ 预算, percent) stated — within 10% of the budget
NEAR_COMPLETION = (Decimal(90), Decimal(110))


@dataclass(frozen=True)
class Wording:
    """The wording choices in force for one unit: ``item_completion`` — which 项 of 五（三）
    (and of 八、九) state “完成年初预算的 X%” (:meth:`states_completion`); ``zero`` — a zero 预算数,
    采购金额 or 完成率 is written ``"0"`` or ``"0.00"``."""

    item_completion: ItemCompletion
    zero: str

    def states_completion(self, rate: Decimal | None, sign: int) -> bool:
        """Whether a 项 whose 决算 is ``rate`` percent of its budget (None: budget 0 or unknown, never
        stated) states it; ``sign``: the sign of 决算 − 预算.  “仅接近预算的项”: from 90% to 110%, but not
        a 项 equal to its budget — it reads “决算数与预算数持平” alone."""
        if rate is None or self.item_completion == ItemCompletion.NO:
            return False
        if self.item_completion == ItemCompletion.NEAR:
            low, high = NEAR_COMPLETION
            return sign != 0 and low <= rate <= high
        return True


@dataclass(frozen=True)
class DocumentWords:
    """How a 单位决算 or a 部门决算 names itself: ``name`` (单位决算), ``self`` (本单位), ``we``
    (我单位), ``subject`` (单位), the word the 公开表 notes use, and ``part1`` (第一部分 单位概况)."""

    part1: str
    name: str
    self: str
    we: str
    subject: str


@dataclass(frozen=True)
class Sections:
    headings: dict[str, str]
    public_expense_by_kind: dict[UnitKind, PublicExpense]
    sangong_vs_prior: tuple[str, ...]
    sangong_vs_budget: tuple[str, ...]
    fund_conditions: tuple[str, ...]
    document_by_kind: dict[DocumentKind, DocumentWords]
    compared: dict[str, tuple[str, ...]]  # what the text compares each figure with (COMPARABLE)
    assets_stated: tuple[str, ...] = ()  # the 资产 figures the text states ([assets]; Assets fields)
    # when the “三公” section compares at all ([sangong] compared_if_any; empty: always)
    sangong_conditions: tuple[str, ...] = ()
    # 部门决算单位构成: the words after a member's name — ``own`` for 本级, else by 单位性质
    member_labels: dict[str, str] = field(default_factory=dict)
    # the format's default of each wording choice ([wording]; WORDING_FIELDS)
    wording_defaults: dict[str, str] = field(default_factory=lambda: dict(WORDING_DEFAULTS))
    # 目录 entries worded otherwise than their heading ([toc]: heading name → 目录 text)
    toc_titles: dict[str, str] = field(default_factory=dict)

    def wording(self, unit: Unit) -> Wording:
        """The unit's wording choices, each defaulting to the format's."""
        chosen = {
            name: (getattr(unit, name).value if getattr(unit, name) is not None else self.wording_defaults[name])
            for name in WORDING_FIELDS
        }
        return Wording(
            item_completion=ItemCompletion(chosen["item_completion"]),
            zero="0.00" if chosen["zero_wording"] == ZeroWording.DECIMALS.value else "0",
        )

    def document(self, kind: DocumentKind) -> DocumentWords:
        return self.document_by_kind[kind]

    def states(self, name: str, what: str) -> bool:
        """Whether the text states ``what`` (``prior``, ``budget``, … of :data:`COMPARABLE`) of
        figure ``name``."""
        return what in self.compared.get(name, ())

    def item_budget(self, name: str) -> str | None:
        """The budget a 项 of list ``name`` is compared with, the one its 预决算差异原因 explains:
        ``full_budget`` when the text states it, else ``budget`` when it states that, else None."""
        return next((b for b in ("full_budget", "budget") if self.states(name, b)), None)

    def public_expense(self, kind: UnitKind) -> PublicExpense:
        return self.public_expense_by_kind[kind]

    def nested(self, parent: str, child: str) -> str:
        """A subsection named with its section's number: ``五、（三）一般公共预算…``."""
        number = self.headings[parent].split("、", 1)[0]
        return f"{number}、{child}"

    def sangong_compared(self, t09: T09) -> bool:
        """Whether the “三公” section states its comparisons for this 公开09表 (else one sentence)."""
        return not self.sangong_conditions or any(_SANGONG_CONDITIONS[c](t09) for c in self.sangong_conditions)

    def fund_in_full(self, table: FundTable, comparison: Any, items: list) -> bool:
        """Whether section 七/八 is written in full for this fund (else the 空表 sentence)."""
        return any(_FUND_CONDITIONS[name](table, comparison, items) for name in self.fund_conditions)


def load_sections(style: str | None = None) -> Sections:
    """The declarations of format ``style`` (the default format when None)."""
    return read_sections(format_dir(style) / "sections.toml")


@cache
def read_sections(path: Path = SECTIONS_FILE) -> Sections:
    """The declarations of one ``sections.toml`` (read once per process); checked on reading."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    by_kind = {UnitKind(kind): PublicExpense(**v) for kind, v in data["public_expense"].items()}
    documents = {DocumentKind(k): DocumentWords(**v) for k, v in data["document"].items()}
    missing = (set(UnitKind) - set(by_kind)) | (set(DocumentKind) - set(documents))
    sangong = data["sangong"]
    conditions = tuple(data["funds"]["written_in_full_if_any"])
    assets_stated = tuple(data.get("assets", {}).get("stated", ()))
    compared = {name: tuple(v) for name, v in data["comparisons"].items()}
    wording = {**WORDING_DEFAULTS, **data.get("wording", {})}
    toc_titles = dict(data.get("toc", {}))
    unknown = [
        *(f"comparisons.{n}" for n in compared if n not in COMPARABLE),
        *(f"comparisons.{n}={w}" for n, v in compared.items() for w in v if w not in COMPARABLE.get(n, (w,))),
        *(f"comparisons 缺少 {n}" for n in COMPARABLE if n not in compared),
        *(p for p in (*sangong["compared_with_prior"], *sangong["compared_with_budget"]) if p not in SanGong.model_fields),
        *(c for c in conditions if c not in _FUND_CONDITIONS),
        *(f"assets.stated={a}" for a in assets_stated if a not in Assets.model_fields),
        *(c for c in sangong.get("compared_if_any", ()) if c not in _SANGONG_CONDITIONS),
        *(f"members.{k}" for k in data.get("members", {}) if k != "own" and k not in set(UnitKind)),
        *(
            f"wording.{k}={v}"
            for k, v in wording.items()
            if k not in WORDING_FIELDS or v not in {m.value for m in WORDING_FIELDS[k]}
        ),
        *(f"toc.{k}" for k, v in toc_titles.items() if k not in data["headings"] or not isinstance(v, str) or not v),
    ]
    if missing or unknown:
        raise ValueError(f"{path}: {sorted(missing)} {unknown}")
    return Sections(
        headings=dict(data["headings"]),
        public_expense_by_kind=by_kind,
        sangong_vs_prior=tuple(sangong["compared_with_prior"]),
        sangong_vs_budget=tuple(sangong["compared_with_budget"]),
        fund_conditions=conditions,
        document_by_kind=documents,
        compared=compared,
        assets_stated=assets_stated,
        member_labels=dict(data.get("members", {})),
        sangong_conditions=tuple(sangong.get("compared_if_any", ())),
        wording_defaults=wording,
        toc_titles=toc_titles,
    )


def template_sections(
    kind: UnitKind, document: DocumentKind = DocumentKind.UNIT, style: str | None = None
) -> SimpleNamespace:
    """``sections`` in the templates: every heading by name, ``public_expense`` (heading and
    term of 十（一）) for the unit's kind, and ``document`` (单位决算 or 部门决算 wording), as format
    ``style`` declares them."""
    s = load_sections(style)
    return SimpleNamespace(**s.headings, public_expense=s.public_expense(kind), document=s.document(document))
