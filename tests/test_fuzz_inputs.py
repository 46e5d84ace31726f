"""Mistakes nobody thought of: property-based tests (hypothesis) of the inputs a clerk can make.

Each example is a copy of a sample workbook (or of a sample JSON) with one to three cells (or
JSON values) replaced by something a clerk, a paste or another program can leave there: words,
numbers in every shape, booleans, dates, formulas, error values, blanks, very long texts,
control characters, characters outside the fonts.  Whatever the input, the program answers
with Chinese findings naming the cell or JSON path, or reads the value exactly:

* nothing but the program's own input errors (InputInvalid, InputUnreadable) escapes reading;
  the checks and the building of the document never raise;
* every 错误 and 警告 is Chinese, names places that exist (``Sheet!C12`` or a JSON path), and
  a value that cannot be read is an 错误 at its cell, never silently blank or 0;
* a value that was read is exactly what the cell says (the exact Decimal, never float noise);
  the same figure in a harmless shape (``１,064.89``, ``"1064.89\\n"``) reads as the sample does;
* with no 错误, the document is built, and a figure or text the sample prints is printed as
  read from the mutated input.

The examples are derandomized (the same in every run) and no example database is written.
``JUESUAN_FUZZ_EXAMPLES=N`` runs N random examples per test instead (a longer exploration).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from generator.checks import run_checks
from generator.document import Paragraph, Table
from generator.errors import Finding, InputInvalid, InputUnreadable, Severity
from generator.inputs import load_input
from generator.numbers import fmt_money
from generator.report import build_document
from generator.source import json_path
from generator.workbook import spec
from generator.written import RECORDS
from tests.clirun import docx_text, invoke

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
JSON_SAMPLES = sorted((ROOT / "samples" / "data").glob("*.json"))
URUMQI = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
OTHER = ROOT / "samples" / "乌鲁木齐市政务服务中心.xlsx"

# hypothesis keeps caches in a folder of its own: never in the repository
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "juesuan-gen-hypothesis")

EXPLORE = int(os.environ.get("JUESUAN_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int):
    """``examples`` derandomized examples, or ``JUESUAN_FUZZ_EXAMPLES`` random ones."""
    return settings(
        max_examples=EXPLORE or examples,
        derandomize=not EXPLORE,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


# ---------------------------------------------------------------------------- the samples


@dataclass
class Leaf:
    """One input cell of a sample: its model path, address, kind and the value the sample reads."""

    path: tuple
    cell: str
    kind: str  # spec.FieldKind.kind, or "structure" for a place that is no field (a row's label)
    original: Any


@dataclass(repr=False)
class Sample:
    path: Path
    leaves: list[Leaf]
    disclosure: Any
    findings: list[Finding]
    text: str  # every text of the sample's document, one block a line

    def __repr__(self) -> str:
        return f"Sample({self.path.name})"

    def printed(self, leaf: Leaf) -> bool:
        """Whether the document prints the figure or text of ``leaf`` (tried with a marker)."""
        return _printed(self.path, leaf.path, leaf.kind)


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


_CELL_RE = re.compile(r"^(?P<sheet>[^!]+)!(?P<ref>[A-Z]{1,3}[1-9]\d*)$")


def _kind(path: tuple) -> str:
    found = spec.resolve(path)
    if found is None or found[1] != path[-1]:
        return "structure"
    kind = spec.field_kind(*found).kind
    if path[-1] == "code" or kind in ("list", "dict", "model"):
        return "structure"
    return kind


def document_text(document) -> str:
    lines = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.bold_prefix + block.text)
        elif isinstance(block, Table):
            for row in block.header + block.body:
                lines.append("\t".join(c.text for c in row))
        else:
            lines.append(str(getattr(block, "text", "")))
    return "\n".join(lines)


@lru_cache(maxsize=None)
def sample(path: Path) -> Sample:
    loaded = load_input(path)
    dumped = loaded.disclosure.model_dump(mode="python")
    leaves = []
    for model_path, place in loaded.sources.places.items():
        if not _CELL_RE.match(place):
            continue
        kind = _kind(model_path)
        leaves.append(Leaf(model_path, place, kind, _value_at(dumped, model_path)))
    findings = list(loaded.findings) + run_checks(loaded.disclosure, loaded.sources)
    assert not [f for f in findings if f.severity == Severity.ERROR], path
    text = document_text(build_document(loaded.disclosure))
    return Sample(path, leaves, loaded.disclosure, findings, text)


MARK_MONEY = Decimal("7000123.37")
MARK_TEXT = "标记文字甲乙丙"


@lru_cache(maxsize=None)
def _printed(source: Path, path: tuple, kind: str) -> bool:
    """Whether the sample's document prints the amount or text at ``path``: it is set to a
    marker (``7,000,123.37``, ``标记文字甲乙丙``), everything else as in the sample."""
    s = sample(source)
    data = s.disclosure.model_dump(mode="python")
    parent = _value_at(data, path[:-1])
    if not isinstance(parent, (dict, list)) or kind not in ("text", "money", "signed_money"):
        return False
    parent[path[-1]] = MARK_TEXT if kind == "text" else MARK_MONEY
    try:
        marked = type(s.disclosure).model_validate(data)
    except ValidationError:
        return False  # a text with a meaning (公开格式 …)
    marker = MARK_TEXT if kind == "text" else fmt_money(MARK_MONEY)
    return marker in document_text(build_document(marked))


# ---------------------------------------------------------------------------- what a cell may hold

JUNK_TEXTS = [
    "待定", "无", "见附件", "-", "—", "１２３．４５", "1,064.89", "1 064,89", " 12.3 ", "12.345", "1e5", "NaN",
    "nan", "inf", "-inf", "Infinity", "-0", "()", "(12.00)", "（12.00）", "#REF!", "#DIV/0!", "#N/A", "#NAME?",
    "TRUE", "FALSE", "=A1+1", "=1/0", "=SUM(C8:C10)", "", " ", "\u3000", "0", "0.00", "1,2", "1.2.3", "1..2",
    "++1", "--1", "1-", "￥12", "12%", "12万元", "35人", "0x10", "1_000", "١٢٣", "½", "²", "Ⅻ", "一二三",
    "2024年", "2024-01-05", "3/5", "12 34", "1 234 567.89", "'12.30", "\u200b12.30", "12.30\n", "1e400",
    "1e-400", "9" * 40, "0." + "0" * 30 + "1", ".5", "5.", "+.5", "-.5e-3", "1E+3", "1,000,000.005",
    "000012.3", "1,0000", "12,345,67",
]  # fmt: skip
"""Texts a clerk types or a paste leaves where a figure, a code or a name belongs."""

CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)
OUTSIDE_FONTS = st.sampled_from(["😀", "🧧", "𠀀", "𪚥", "\U0010fffd", "\ue000", "ꙮ", "\u0301", "\u202e", "\ufffd"])
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=3)
BREAKS_AND_MARKUP = st.sampled_from(
    ["\u2028", "\u2029", "\x85", "\r", "\r\n", "\t", "\n# 标题", "\u2028@mark 草稿", "**粗体**", "\\", "@table t01"]
)  # line breaks of other programs, and what the wording templates read as markup


@st.composite
def mixed_text(draw) -> str:
    parts = draw(
        st.lists(
            st.one_of(CHINESE, OUTSIDE_FONTS, CONTROL, BREAKS_AND_MARKUP, st.text(max_size=8), st.sampled_from(JUNK_TEXTS)),
            min_size=1,
            max_size=4,
        )
    )
    return "".join(parts)


NUMBERS = st.one_of(
    st.integers(min_value=-(10**16), max_value=10**16),
    st.integers(min_value=-1000, max_value=100000),
    st.floats(allow_nan=False, allow_infinity=False),  # a workbook cannot hold NaN or ∞ (openpyxl writes a blank)
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: round(x, 2)),
    st.floats(min_value=0, max_value=1e4),
    st.sampled_from([0, 0.0, -0.0, 1e15, 1e12, 999999999999.99, 1e-9, 1e-6, 0.1 + 0.2, 123.456789, 2**53 + 1]),
)

WRITABLE_DATES = st.one_of(
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.times(),
)

CELL_VALUES = st.one_of(
    st.sampled_from(JUNK_TEXTS),
    NUMBERS,
    st.booleans(),
    WRITABLE_DATES,
    st.none(),
    CHINESE,
    mixed_text(),
    st.sampled_from(["很长的文字，" * 3000, "1" * 5000, "长" * 32767]),
)


def same_figure(value: Any) -> st.SearchStrategy:
    """The figure ``value`` in shapes that mean exactly it."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return st.nothing()
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    grouped = f"{value:,f}" if isinstance(value, Decimal) else f"{value:,}"
    full = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
    shapes = [
        text, grouped, text.translate(full), f" {text} ", f"\u00a0{text}\u3000", f"{text}\n", f"{text}\r\n",
        f"'{text}", f"\u200b{text}", f"+{text}" if not text.startswith("-") else text,
    ]  # fmt: skip
    if isinstance(value, int) or value == value.to_integral_value():
        shapes.append(int(value))
    if isinstance(value, Decimal):
        shapes.append(float(text) if float(text) == value else text)
    return st.sampled_from(shapes)


# ---------------------------------------------------------------------------- writing and reading


def _escape_for_xml(value: Any) -> Any:
    """Control characters as Excel writes them into a workbook (``_x0007_``): openpyxl refuses
    the characters themselves."""
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m[0]):04X}_", value)
    return value


def write_copy(source: Path, edits: dict[str, Any], out: Path) -> Path:
    wb = openpyxl.load_workbook(source)
    for cell, value in edits.items():
        sheet, ref = cell.rsplit("!", 1)
        target = wb[sheet][ref]
        if isinstance(target, openpyxl.cell.cell.MergedCell):
            continue  # covered by a merge: Excel does not let a value be typed there
        target.value = _escape_for_xml(value)
    wb.save(out)
    return out


CHINESE_RE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ERRORS = ("Traceback", "Input should", "validation error", "Field required", "object has no attribute",
                  "Exception", "Error:", "pydantic", "NoneType", "invalid literal", "could not convert")  # fmt: skip
_KEY = r'(?:[^.\[\]"\s]+)'
_QUOTED = r'\["(?:[^"\\]|\\.)*"\]'
JSON_PATH_RE = re.compile(rf"^(?:{_KEY}|{_QUOTED})(?:\.{_KEY}|\[\d+\]|{_QUOTED})*$")


def assert_findings_are_chinese_and_placed(findings: list[Finding], is_json: bool) -> None:
    for f in findings:
        if f.severity == Severity.NOTE:
            continue
        assert CHINESE_RE.search(f.message), f
        assert not any(word in f.message for word in ENGLISH_ERRORS), f
        for cell in f.cells:
            if is_json:
                assert JSON_PATH_RE.match(cell) or _CELL_RE.match(cell), f
            else:  # a cell (公开05表!C11) or a sheet; never a model path (t05.rows[3].total)
                assert _CELL_RE.match(cell.split(":")[0]) or not re.search(r"[.\[\]!]", cell), f


def read(path: Path) -> tuple[Any, list[Finding]]:
    """``(loaded or None, findings)``: the program's input errors are findings; anything else
    raised is a defect and fails the test."""
    try:
        loaded = load_input(path)
    except InputInvalid as exc:
        assert exc.findings, exc
        return None, exc.findings
    except InputUnreadable as exc:
        assert CHINESE_RE.search(str(exc)) and "Traceback" not in str(exc), exc
        return None, []
    findings = list(loaded.findings) + run_checks(loaded.disclosure, loaded.sources)
    return loaded, findings


def check_report_lists(source: Path, findings: list[Finding]) -> None:
    """``--check --report``: the copy of the input with its findings is written and lists each."""
    from generator.check_report import write_report

    target = source.with_name("检查结果.xlsx")
    write_report(source, findings, target)
    wb = openpyxl.load_workbook(target)
    try:
        rows = wb["检查结果"].iter_rows(values_only=True)
        listed = [row for row in rows if len(row) > 1 and row[1] in ("错误", "警告", "提示")]
        assert len(listed) == len(findings)
    finally:
        wb.close()


def errors_at(findings: list[Finding], cell: str) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR and cell in f.cells]


# ---------------------------------------------------------------------------- the figure a cell means

_WS = "\u00a0\u3000\u200b\ufeff\t\n\r \x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip() and the reader take as space
_FULL = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_PLAIN_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^[+-]?\.\d+$", re.ASCII)
_EXPONENT_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+$", re.ASCII)
_SPACED_RE = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u3000]\d{3})+(?:\.\d+)?$")


class Refused:
    """The cell is not a number: an 错误 at the cell is required."""


class Unsure:
    """No simple rule says what the cell means; only the general properties are checked."""


def meant_number(value: Any) -> Any:
    """What a figure cell holding ``value`` means, by the rules README states, independently of
    the reader: a Decimal, None (blank), Refused or Unsure."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (datetime.date, datetime.time)):
        return Refused
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Refused
        return Decimal(repr(value))
    assert isinstance(value, str)
    if value.startswith("="):
        return Refused  # a formula without a calculated value
    text = value.translate(_FULL).strip(_WS)
    if text.startswith("'"):
        text = text[1:].strip(_WS)
    if text == "" or text in ("-", "—", "——", "--", "/", "―", "――", "–"):
        return None  # the reporting software's marks of a blank
    negative = False
    if len(text) > 2 and text[0] in "(（" and text[-1] in ")）":
        text, negative = text[1:-1].strip(_WS), True
    text = re.sub(r"^([+-])[\s\u00a0\u3000]+", r"\1", text)  # "- 5"
    if _PLAIN_RE.match(text) or _EXPONENT_RE.match(text):
        number = Decimal(text.replace(",", ""))
        return -number if negative else number
    if _SPACED_RE.match(text):  # spaces that group thousands: 1 234 567.89
        number = Decimal(re.sub(r"\s", "", text))
        return -number if negative else number
    if text.isascii() or CHINESE_RE.search(text):
        return Refused  # letters, misplaced commas, two numbers, a unit, a word …
    return Unsure  # other scripts' digits, fractions, superscripts: no rule in README


def bounded(number: Decimal, kind: str) -> bool:
    """Within what README says is read (amounts |x| < 10^12 万元, not below 0.01 元; counts
    < 10^9 and whole; nothing negative where the field cannot be)."""
    if number < 0 and kind not in ("signed_money", "int"):
        return False
    if kind in ("count", "int"):
        return abs(number) < 10**9 and number == number.to_integral_value()
    if number != 0 and abs(number) < Decimal("1e-6"):
        return False
    return abs(number) < 10**12


RANGED = (("unit", "year"), ("schema_version",))
"""Figures with a range of their own (年度 2000–2100, a data format version this program reads)."""

NUMERIC = ("money", "signed_money", "decimal", "count", "int")


def check_cell(leaf: Leaf, value: Any, loaded: Any, findings: list[Finding], alone: bool) -> None:
    """The properties of one changed cell.  ``alone``: no structural cell (a 科目编码, a row
    label) was changed too, so the model path still names the same figure."""
    refused = errors_at(findings, leaf.cell)
    if leaf.kind not in NUMERIC or not alone:
        return
    meant = meant_number(value)
    if leaf.path == ("unit", "year") and isinstance(value, str):
        return  # 2024年, ２０２４年度 …: the year's own reading (tests/test_input_mistakes.py)
    if meant is Refused:
        assert refused, f"{leaf.cell}={value!r} was not refused"
        event("a cell that is no number: refused at its cell")
        return
    if isinstance(meant, Decimal) and bounded(meant, leaf.kind) and leaf.path not in RANGED:
        wrong = [f for f in refused if f.rule.startswith("input.")]
        assert not wrong, f"{leaf.cell}={value!r} is a valid figure, refused: {wrong}"
    if refused or loaded is None or meant is Unsure:
        return
    got = _value_at(loaded.disclosure.model_dump(mode="python"), leaf.path)
    if meant is None:
        assert got in (None, 0, Decimal(0)), f"{leaf.cell}={value!r} read as {got!r}"
        return
    assert bounded(meant, leaf.kind), f"{leaf.cell}={value!r} accepted as {got!r}"
    assert type(got) is not float
    assert Decimal(got) == meant, f"{leaf.cell}={value!r} read as {got!r}, not {meant}"
    event("a figure read exactly")


# ---------------------------------------------------------------------------- 1. workbook cells


@lru_cache(maxsize=None)
def sheet_sizes(source: Path) -> tuple[tuple[str, int, int], ...]:
    wb = openpyxl.load_workbook(source, read_only=True)
    try:
        return tuple((ws.title, ws.max_row or 1, ws.max_column or 1) for ws in wb.worksheets)
    finally:
        wb.close()


@st.composite
def any_cell(draw, source: Path) -> Leaf:
    """Any cell of the used range of any sheet: a title, a header, the 金额单位 line, a blank
    row under a table, a hidden sheet's cell …"""
    name, rows, cols = draw(st.sampled_from(sheet_sizes(source)))
    row, col = draw(st.integers(1, rows + 2)), draw(st.integers(1, min(cols + 1, 16384)))
    return Leaf((), f"{name}!{openpyxl.utils.get_column_letter(col)}{row}", "structure", None)


@st.composite
def workbook_edits(draw):
    source = draw(st.sampled_from(SAMPLES))
    s = sample(source)
    cells = st.one_of(st.sampled_from(s.leaves), st.sampled_from(s.leaves), st.sampled_from(s.leaves), any_cell(source))
    leaves = list({x.cell: x for x in draw(st.lists(cells, min_size=1, max_size=3))}.values())
    edits = []
    for leaf in leaves:
        if leaf.kind in NUMERIC and leaf.original is not None and draw(st.integers(0, 5)) == 0:
            value = draw(same_figure(leaf.original))
        else:
            value = draw(CELL_VALUES)
        edits.append((leaf, value))
    return source, edits, draw(st.integers(0, 3)) == 0  # and, now and then, the --report copy


@fuzz_settings(40)
@given(case=workbook_edits())
def test_any_cell_mistake_is_read_exactly_or_refused_at_its_cell(tmp_path_factory, case):
    source, edits, report = case
    s = sample(source)
    path = write_copy(s.path, {leaf.cell: value for leaf, value in edits}, tmp_path_factory.mktemp("wb") / "x.xlsx")
    loaded, findings = read(path)
    if report:
        check_report_lists(path, findings)
    event("workbook: " + ("refused" if loaded is None else "read, with 错误" if any(
        f.severity == Severity.ERROR for f in findings) else "read, no 错误"))  # fmt: skip
    assert_findings_are_chinese_and_placed(findings, is_json=False)
    alone = all(leaf.kind != "structure" for leaf, _ in edits)
    for leaf, value in edits:
        check_cell(leaf, value, loaded, findings, alone)
    if loaded is None or any(f.severity == Severity.ERROR for f in findings):
        return
    document = build_document(loaded.disclosure)
    text = document_text(document)
    if not alone:
        return
    got = loaded.disclosure.model_dump(mode="python")
    for leaf, _ in edits:
        now = _value_at(got, leaf.path)
        if leaf.kind in ("money", "signed_money") and isinstance(now, Decimal) and now != 0:
            if s.printed(leaf):
                assert fmt_money(now) in text, f"{leaf.cell}: {now} not printed"
                event("a changed figure printed")
        if leaf.kind == "text" and s.printed(leaf):
            if isinstance(now, str) and now.strip():
                assert re.sub(r"\s+", "", now) in re.sub(r"\s+", "", text), f"{leaf.cell}: “{now}” not printed"
                event("a changed text printed")


# ---------------------------------------------------------------------------- 2. JSON


@lru_cache(maxsize=None)
def json_sample(path: Path) -> tuple[dict, list[tuple], Any, str]:
    """The sample JSON as data, every path in it, its disclosure and its document's text."""
    data = json.loads(path.read_text(encoding="utf-8"))
    paths: list[tuple] = []

    def visit(obj: Any, at: tuple) -> None:
        if at:
            paths.append(at)
        if isinstance(obj, dict):
            for key, value in obj.items():
                visit(value, (*at, key))
        elif isinstance(obj, list):
            for i, value in enumerate(obj):
                visit(value, (*at, i))

    visit(data, ())
    disclosure = load_input(path).disclosure
    return data, paths, disclosure, document_text(build_document(disclosure))


@lru_cache(maxsize=None)
def json_figures(path: Path) -> list[tuple]:
    """The paths of the sample JSON that hold a figure (an amount, a count)."""
    return [p for p in json_sample(path)[1] if spec.resolve(p) and _kind(p) in NUMERIC]


class Number:
    """A JSON number written as is (``0.30000000000000004``, a 400-digit integer)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


JSON_VALUES = st.one_of(
    st.sampled_from(
        [
            None, True, False, [], {}, [1], {"a": 1}, [[{"total": "1.00"}]], "待定", "12.5", "1,064.89", "１２３．４５",
            "", " ", "-", "(12.00)", "1e5", "NaN", "Infinity", "#REF!", "2024年", "很长" * 5000, -1, 0, 2024,
            Number("0.30000000000000004"), Number("1e300"), Number("-0.0"), Number("1" * 400), Number("1E+2"),
            Number("12.345"), Number(str(10**12)), Number("0.000000001"), Number("NaN"), Number("-Infinity"),
        ]
    ),  # fmt: skip
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: Number(str(d))),
    CHINESE,
    mixed_text(),
)


def _dumps(data: Any) -> str:
    numbers: dict[str, str] = {}

    def default(obj: Any) -> Any:
        raise TypeError(obj)

    def swap(obj: Any) -> Any:
        if isinstance(obj, Number):
            key = f"@@number{len(numbers)}@@"
            numbers[key] = obj.text
            return key
        if isinstance(obj, dict):
            return {k: swap(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [swap(v) for v in obj]
        return obj

    text = json.dumps(swap(data), ensure_ascii=False, indent=1, default=default)
    for key, raw in numbers.items():
        text = text.replace(f'"{key}"', raw)
    return text


@dataclass
class JsonEdit:
    """One change to the JSON: ``op`` at ``path`` (``value`` for a replacement)."""

    op: str
    path: tuple
    value: Any = None


@st.composite
def json_cases(draw):
    source = draw(st.sampled_from(JSON_SAMPLES))
    data, paths, _disclosure, _text = json_sample(source)
    data = json.loads(json.dumps(data))  # a copy to change
    edits = []
    if draw(st.booleans()):  # one figure changed: its reading is checked exactly
        chosen = [draw(st.sampled_from(json_figures(source)))]
    else:
        chosen = list(dict.fromkeys(draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3))))
    for path in chosen:
        parent = _value_at(data, path[:-1])
        last = path[-1]
        if not (
            isinstance(parent, list) and isinstance(last, int) and last < len(parent)
            or isinstance(parent, dict) and last in parent
        ):
            continue  # an earlier change of this example replaced what held it
        op = draw(st.sampled_from(["replace", "replace", "replace", "same", "delete", "extra", "wrap"]))
        old = parent[path[-1]]
        if op == "replace":
            value = draw(JSON_VALUES)
            parent[path[-1]] = value
        elif op == "same" and isinstance(old, str) and _PLAIN_RE.match(old):
            value = draw(st.sampled_from([Number(old), old.translate(str.maketrans("0123456789.", "０１２３４５６７８９．")),
                                          f" {old}\n", f"{Decimal(old):,f}"]))  # fmt: skip
            parent[path[-1]] = value
        elif op == "delete":
            value = None
            del parent[path[-1]]
        elif op == "extra" and isinstance(old, dict):
            value = draw(st.sampled_from(["remark", "备注", "totla", "Total", ""]))
            old[value] = draw(JSON_VALUES)
        elif op == "wrap":
            value = None
            parent[path[-1]] = [old]
        else:
            continue
        edits.append(JsonEdit(op, path, value))
        if op in ("delete", "wrap"):
            break  # later paths may not exist any more
    text = _dumps(data)
    raw = draw(st.sampled_from(["as is"] * 6 + ["bom", "truncate", "invalid utf-8", "repeated key", "crlf"]))
    blob = text.encode("utf-8")
    if raw == "bom":
        blob = b"\xef\xbb\xbf" + blob
    elif raw == "truncate":
        blob = blob[: draw(st.integers(0, len(blob) - 1))]
    elif raw == "invalid utf-8":
        at = draw(st.integers(0, len(blob)))
        blob = blob[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\x80"])) + blob[at:]
    elif raw == "repeated key":
        keys = [m for m in re.finditer(rb'\n\s*"(\w+)": ', blob)]
        m = draw(st.sampled_from(keys))
        blob = blob[: m.end()] + b'null, "' + m[1] + b'": ' + blob[m.end() :]
    elif raw == "crlf":
        blob = blob.replace(b"\n", b"\r\n")
    return JsonCase(source, edits, raw, blob)


@dataclass
class JsonCase:
    source: Path
    edits: list[JsonEdit]
    raw: str  # what was done to the text: "as is", "bom", "truncate" …
    blob: bytes

    def __repr__(self) -> str:
        return f"JsonCase({self.source.name}, {self.edits}, {self.raw}, {len(self.blob)} bytes)"


def _json_meant(value: Any) -> Any:
    if isinstance(value, Number):
        number = Decimal(value.text)
        return number if number.is_finite() else Refused
    if isinstance(value, (list, dict)):
        return Refused
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return meant_number(value)


@fuzz_settings(150)
@given(case=json_cases())
def test_any_json_mistake_is_read_exactly_or_refused_at_its_path(tmp_path_factory, case):
    edits, raw, blob = case.edits, case.raw, case.blob
    path = tmp_path_factory.mktemp("json") / "data.json"
    path.write_bytes(blob)
    loaded, findings = read(path)
    if findings and len(blob) % 4 == 0:  # now and then, the --report of a JSON input
        check_report_lists(path, findings)
    event("json: " + ("refused" if loaded is None else "read, with 错误" if any(
        f.severity == Severity.ERROR for f in findings) else "read, no 错误"))  # fmt: skip
    assert_findings_are_chinese_and_placed(findings, is_json=True)
    if raw in ("truncate", "invalid utf-8", "repeated key"):
        if raw == "repeated key":
            assert loaded is None and any(f.rule == "input.json_repeated_key" for f in findings)
        return
    errors = [f for f in findings if f.severity == Severity.ERROR]
    for edit in edits:
        where = json_path(edit.path)
        if edit.op == "extra":
            assert errors, f"extra key at {where} accepted"
            continue
        if edit.op not in ("replace", "same"):
            continue
        found = spec.resolve(edit.path)
        kind = _kind(edit.path) if found else "structure"
        named = [f for f in errors if any(c == where or c.startswith(where + ".") or c.startswith(where + "[")
                                          or where.startswith(c + ".") or where.startswith(c + "[") for c in f.cells)]  # fmt: skip
        if kind not in NUMERIC or len(edits) > 1:
            continue
        meant = _json_meant(edit.value)
        if isinstance(meant, Decimal) and bounded(meant, kind) and edit.path not in RANGED:
            wrong = [f for f in named if f.rule.startswith("input.") and where in f.cells]
            assert not wrong, f"{where}={edit.value!r} is a valid figure, refused: {wrong}"
        if meant is Refused:
            assert named, f"{where}={edit.value!r} was not refused: {[f.message for f in findings]}"
            event("a JSON value that is no number: refused at its path")
            continue
        if named or loaded is None or meant is Unsure or edit.path in RANGED:
            continue
        got = _value_at(loaded.disclosure.model_dump(mode="python"), edit.path)
        if meant is None:
            assert got in (None, 0, Decimal(0)), f"{where}={edit.value!r} read as {got!r}"
            continue
        assert bounded(meant, kind), f"{where}={edit.value!r} accepted as {got!r}"
        assert type(got) is not float
        assert Decimal(got) == meant, f"{where}={edit.value!r} read as {got!r}, not {meant}"
        event("a JSON figure read exactly")
    if loaded is not None and not errors:
        build_document(loaded.disclosure)


# ---------------------------------------------------------------------------- DOCX read back



@st.composite
def printed_text_edits(draw):
    """A text the sample prints (a reason, a name, a 职能) replaced by any text a clerk may type."""
    source = draw(st.sampled_from(SAMPLES))
    s = sample(source)
    leaf = draw(st.sampled_from([x for x in s.leaves if x.kind == "text"]).filter(s.printed))
    value = draw(st.one_of(CHINESE, mixed_text()).filter(lambda t: t.strip()))
    return source, leaf, value


@fuzz_settings(4)
@given(case=printed_text_edits())
def test_a_text_accepted_is_printed_in_the_docx_as_read(tmp_path_factory, case):
    from generator.pipeline import BuildOptions, Status, build_unit

    source, leaf, value = case
    s = sample(source)
    folder = tmp_path_factory.mktemp("docx")
    path = write_copy(s.path, {leaf.cell: value}, folder / "x.xlsx")
    loaded, findings = read(path)
    assert_findings_are_chinese_and_placed(findings, is_json=False)
    result = build_unit(path, BuildOptions(out_dir=folder / "out", formats=("docx",)))
    assert result.status not in (Status.INTERNAL_ERROR, Status.RENDER_FAILED), result.message
    if any(f.severity == Severity.ERROR for f in findings):
        assert result.status == Status.CHECKS_FAILED and result.outputs == []
        assert [p.name for p in (folder / "out").glob("*")] in ([], [RECORDS])
        return
    assert loaded is not None
    (written,) = result.outputs
    now = _value_at(loaded.disclosure.model_dump(mode="python"), leaf.path)
    text = docx_text(written)
    squeezed = re.sub(r"\s+", "", now)  # a line break inside a sentence is dropped by the wording
    assert squeezed in re.sub(r"\s+", "", text), f"{leaf.cell}: “{now}” not in the DOCX"


# ---------------------------------------------------------------------------- 3. the command line


REFUSED_VALUES = st.sampled_from(["待定", "#REF!", "=1/0", True, datetime.datetime(2024, 3, 5), "1064.89万元", "12 34"])


@fuzz_settings(2)
@given(
    leaf=st.sampled_from([x for x in sample(URUMQI).leaves if x.kind == "money" and x.path[0].startswith("t0")]),
    value=REFUSED_VALUES,
)
def test_a_broken_workbook_in_a_folder_batch_leaves_the_good_unit_whole(tmp_path_factory, leaf, value):
    base = tmp_path_factory.mktemp("cli")
    folder = base / "各单位"
    folder.mkdir()
    broken = write_copy(URUMQI, {leaf.cell: value}, folder / "坏的工作簿.xlsx")
    shutil.copy(OTHER, folder / OTHER.name)

    check = invoke("--check", "--json", broken)
    assert check.exit_code == 1
    (unit,) = json.loads(check.stdout)
    assert any(leaf.cell in f["cells"] and f["severity"] == "错误" for f in unit["findings"]), unit

    out = base / "out"
    result = invoke(folder, "-o", out, "--format", "docx,pdf", "-j", "1")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "程序内部错误" not in result.output
    assert leaf.cell in result.output
    produced = sorted(p.name for p in out.iterdir() if p.name not in (RECORDS, "汇总.xlsx"))
    stem = "乌鲁木齐市政务服务中心2024年度单位决算公开"
    assert produced == [f"{stem}.docx", f"{stem}.pdf"]  # nothing of the broken unit, no temporary file
    assert "乌鲁木齐市政务服务中心" in docx_text(out / f"{stem}.docx")
    pdf = subprocess.run(["pdftotext", str(out / f"{stem}.pdf"), "-"], capture_output=True, text=True, check=True)
    assert "乌鲁木齐市政务服务中心" in pdf.stdout and "决算" in pdf.stdout
