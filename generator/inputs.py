"""Load a unit's data from the standard workbook (.xlsx/.xls) or JSON; write JSON and its schema.

:func:`load_input` is the one entry point: it reads the file (by content, not only by
extension), validates it into a :class:`~generator.model.Disclosure` and maps every
validation error back to the workbook cell (``公开05表!C9``) or JSON path
(``t05.rows[3].total``) it came from, in Chinese.  A file that cannot be opened raises
:class:`~generator.errors.InputUnreadable` (exit 2); a file whose data cannot make a model
raises :class:`~generator.errors.InputInvalid` (exit 1) carrying every finding.  No other
exception escapes for any input.

:func:`dump_json` writes a Disclosure as canonical JSON (amounts in 万元 as strings with at
least two decimals, ``"415.84"``), so JSON → model → JSON and workbook → JSON are stable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from generator.errors import Finding, InputInvalid, InputUnreadable, JuesuanError, Severity
from generator.model import Disclosure
from generator.numbers import CONTROL_RE
from generator.source import SourceMap, json_path

_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


@dataclass
class LoadedInput:
    """A validated input: the model, where each value came from, and reading warnings."""

    disclosure: Disclosure
    sources: SourceMap
    findings: list[Finding] = field(default_factory=list)
    path: Path = Path()


# ---------------------------------------------------------------------------- loading


def load_input(path: Path) -> LoadedInput:
    """Read ``path`` (.xlsx, .xls or .json) into a validated Disclosure (amounts 万元).

    Raises InputUnreadable (cannot open or parse the file) or InputInvalid (data errors,
    with all findings, each naming its sheet and cell or JSON path)."""
    path = Path(path)
    try:
        return _load(path)
    except JuesuanError:
        raise
    except OSError as exc:
        from generator.failures import environment_message

        raise InputUnreadable(f"{path}：{environment_message(exc)}") from exc
    except Exception as exc:
        from generator.failures import unreadable_reason

        reason = unreadable_reason(exc)
        if reason is None:
            raise  # a defect of this program: reported as such by the caller
        raise InputUnreadable(f"{path}：{reason}") from exc


def _is_json(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError:
        return path.suffix.lower() == ".json"
    if head.startswith(_WORKBOOK_MAGIC):
        return False
    if path.suffix.lower() == ".json":
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


def _load(path: Path) -> LoadedInput:
    if not path.exists():
        raise InputUnreadable(f"{path}：文件不存在")
    if path.is_dir():
        raise InputUnreadable(f"{path}：这是一个文件夹，不是工作簿或 JSON 文件")
    if not path.is_file():  # a FIFO or a device would block or never end: refused at once
        raise InputUnreadable(f"{path}：不是普通文件（命名管道、设备等），不能作为工作簿或 JSON 文件读取")
    if _is_json(path):
        raw, sources = _read_json(path)
        findings: list[Finding] = []
    else:
        from generator.workbook import read_workbook

        data = read_workbook(path)
        raw, sources, findings = data.raw, data.sources, data.findings
    findings += _text_findings(raw, sources) + _version_findings(raw, sources)
    errors = [f for f in findings if f.severity == Severity.ERROR]
    warnings = [f for f in findings if f.severity != Severity.ERROR]
    disclosure = None
    if not (errors and any(f.rule in ("input.empty",) for f in errors)):
        try:
            disclosure = Disclosure.model_validate(raw)
        except ValidationError as exc:
            # a cell whose value was refused is not also “必须填写”
            refused = {c for f in errors for c in f.cells}
            errors += [
                f
                for f in validation_findings(exc, sources)
                if not (f.rule == "input.missing" and f.cells and set(f.cells) <= refused)
            ]
    if disclosure is not None:
        errors += _year_data_findings(disclosure, sources)
    if errors or disclosure is None:
        what = "JSON 文件" if sources.is_json else "工作簿"
        raise InputInvalid(
            f"{path}：{what}中有 {len(errors)} 处错误，无法生成", findings=errors + warnings
        )
    return LoadedInput(disclosure, sources, warnings, path)


_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _escaped(text: str) -> str:
    return _SURROGATE_RE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _text_findings(raw: Any, sources: SourceMap) -> list[Finding]:
    """Texts no document can hold, found in ``raw`` (changed in place): invisible control
    characters (U+0000–U+001F but tab and line breaks, as a program or a paste may leave in
    a cell or JSON string) are removed with a warning; a lone UTF-16 surrogate (``\\ud800``
    in JSON) is an error.  Each names its cell or JSON path."""
    out: list[Finding] = []

    def place(path: tuple) -> str:
        return json_path(path) if sources.is_json else (sources.cell(path) or "")

    def say(severity: Severity, rule: str, path: tuple, message: str) -> None:
        where = place(path)
        out.append(Finding(severity, rule, f"{where}：{message}" if where else message, (where,) if where else ()))

    def clean(text: str, path: tuple) -> str:
        if _SURROGATE_RE.search(text):
            say(Severity.ERROR, "input.text", path, "文字中有无效的字符（不成对的 UTF-16 代理项），请改正编码后再试")
            return _escaped(text)
        if CONTROL_RE.search(text):
            if _is_figure(path):  # "1\x1f2" is no figure (two numbers?): the number reader refuses it
                return text
            codes = "、".join(sorted({f"U+{ord(c):04X}" for c in CONTROL_RE.findall(text)}))
            say(Severity.WARNING, "input.control_chars", path, f"文字中有不可见的控制字符（{codes}），已删除")
            return CONTROL_RE.sub("", text)
        return text

    def visit(obj: Any, path: tuple) -> None:
        if isinstance(obj, dict):
            for key in list(obj):
                value = obj[key]
                if isinstance(key, str) and _SURROGATE_RE.search(key):
                    say(Severity.ERROR, "input.text", path, f"键“{_escaped(key)}”中有无效的字符（不成对的 UTF-16 代理项）")
                    del obj[key]
                    continue
                if isinstance(value, str):
                    obj[key] = clean(value, (*path, key))
                else:
                    visit(value, (*path, key))
        elif isinstance(obj, list):
            for i, value in enumerate(obj):
                if isinstance(value, str):
                    obj[i] = clean(value, (*path, i))
                else:
                    visit(value, (*path, i))

    visit(raw, ())
    return out


def _is_figure(path: tuple) -> bool:
    """Whether the model field at ``path`` holds a number (an amount, a count, a score)."""
    from generator.workbook import spec

    found = spec.resolve(path)
    if found is None or found[1] != path[-1]:
        return False
    return spec.field_kind(*found).kind in ("money", "signed_money", "decimal", "count", "int")


def _version_findings(raw: Any, sources: SourceMap) -> list[Finding]:
    """A JSON file written for a newer data format than this program reads is refused: its
    fields may mean something else."""
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    current = Disclosure.model_fields["schema_version"].default
    if not isinstance(version, int) or isinstance(version, bool) or version <= current:
        return []
    where = json_path(("schema_version",)) if sources.is_json else sources.cell(("schema_version",))
    message = f"数据格式版本为 {version}，本程序只能读取版本 {current} 及以前的数据：请升级本工具后再读取"
    return [Finding(Severity.ERROR, "input.schema_version", f"{where}：{message}" if where else message, (where,) if where else ())]


def _year_data_findings(d: Disclosure, sources: SourceMap) -> list[Finding]:
    """A 年度 before every year with 分类科目 data cannot be checked or written: an error at
    the 年度 cell (a later year falls back to the latest data, with a note from the checks)."""
    from generator.yeardata import available_years

    years = available_years()
    if any(y <= d.unit.year for y in years):
        return []
    place = json_path(("unit", "year")) if sources.is_json else sources.cell(("unit", "year"))
    message = (
        f"年度 {d.unit.year} 没有分类科目数据（现有：{'、'.join(map(str, years))}）："
        "请核对年度是否填错；确需其他年度时，用 --year-data 指定存放 <年度>.toml 的文件夹"
    )
    return [
        Finding(Severity.ERROR, "input.year", f"{place}：{message}" if place else message, (place,) if place else ())
    ]


def _read_json(path: Path) -> tuple[dict[str, Any], SourceMap]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputUnreadable(f"{path}：不是 UTF-8 编码的文本，无法按 JSON 读取") from None
    except OSError as exc:
        raise InputUnreadable(f"{path}：无法读取文件（{exc.strerror or exc}）") from None
    repeated: list[tuple[dict[str, Any], str, Any, Any]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in items:
            if key in obj:
                repeated.append((obj, key, obj[key], value))
            obj[key] = value
        return obj

    try:
        data = json.loads(text, parse_float=Decimal, parse_int=_json_int, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise InputUnreadable(f"{path}：文件是空的，不是有效的 JSON") from None
        raise InputUnreadable(
            f"{path}：不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{_JSON_ERRORS.get(exc.msg, exc.msg)}）"
        ) from None
    except RecursionError:
        raise InputUnreadable(f"{path}：JSON 嵌套过深，无法读取") from None
    sources = SourceMap(origin=str(path), is_json=True)
    if not isinstance(data, dict):
        finding = Finding(Severity.ERROR, "input.json_root", "JSON 顶层应为一个对象（{…}），实为" + _json_kind(data))
        raise InputInvalid(f"{path}：JSON 文件格式不对", findings=[finding])
    if repeated:
        raise InputInvalid(f"{path}：JSON 文件中有重复的键", findings=_repeated_keys(data, repeated))
    return data, sources


_JSON_ERRORS = {
    "Expecting value": "此处应为一个值（JSON 不允许注释、末尾多余的逗号或未加引号的文字）",
    "Extra data": "完整的 JSON 之后还有多余的内容",
    "Expecting property name enclosed in double quotes": "键名应写在英文双引号中（或删去末尾多余的逗号）",
    "Expecting ',' delimiter": "缺少英文逗号",
    "Expecting ':' delimiter": "键名后缺少英文冒号",
    "Unterminated string starting at": "文字缺少结尾的英文双引号",
    "Invalid control character at": "文字中有换行等控制字符（应写作 \\n）",
    "Invalid \\escape": "无效的反斜杠转义（文字中的 \\ 应写作 \\\\）",
}
"""The messages of Python's JSON parser in Chinese (where the file is wrong and how)."""


def _json_kind(value: Any) -> str:
    if value is None:
        return " null"
    if isinstance(value, bool):
        return " true/false"
    if isinstance(value, list):
        return "一个列表（[…]）"
    if isinstance(value, str):
        return "一段文字"
    return "一个数"


def _repeated_keys(data: Any, repeated: list[tuple[dict[str, Any], str, Any, Any]]) -> list[Finding]:
    """One error per key written twice in one JSON object (``{"gpb_income": 1, "gpb_income": 2}``):
    which value is meant cannot be known, so neither is taken."""
    paths: dict[int, tuple] = {}

    def visit(obj: Any, path: tuple) -> None:
        if isinstance(obj, dict):
            paths[id(obj)] = path
            for key, value in obj.items():
                visit(value, (*path, key))
        elif isinstance(obj, list):
            for i, value in enumerate(obj):
                visit(value, (*path, i))

    visit(data, ())
    out = []
    for obj, key, first, second in repeated:
        where = json_path((*paths.get(id(obj), ()), key))
        out.append(
            Finding(
                Severity.ERROR,
                "input.json_repeated_key",
                f"{where}：同一对象中键“{key}”出现了不止一次（{_show(first)} 与 {_show(second)}），"
                "无法确定以哪个为准，请只保留一个",
                (where,),
            )
        )
    return out


def _json_int(text: str) -> int | Decimal:
    """A JSON integer; one too long for an int (Python refuses > 4300 digits) stays a
    Decimal, which validation then refuses as out of bounds, naming its path."""
    return int(text) if len(text) <= 30 else Decimal(text)


# ---------------------------------------------------------------------------- messages


def _show(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)  # null, true, false: as written in JSON, not Python's None/True
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _choices(expected: str) -> str:
    """pydantic's ``'单位' or '部门'`` as ``“单位”或“部门”之一``."""
    values = re.findall(r"'([^']*)'", expected)
    if not values:
        return f" {expected} 之一"
    quoted = [f"“{v}”" for v in values]
    if len(quoted) == 1:
        return quoted[0]
    return "、".join(quoted[:-1]) + "或" + quoted[-1] + "之一"


# The pydantic error kinds whose message names only the field and the value given.
_PLAIN: dict[str, str] = {
    "missing": "{label}必须填写",
    "string_too_short": "{label}不能为空",
    **dict.fromkeys(
        ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "int_parsing", "int_type", "finite_number"),
        "{label}应为数字，实为“{value}”",
    ),
    "int_from_float": "{label}应为整数，实为“{value}”",
    **dict.fromkeys(
        ("decimal_max_places", "decimal_max_digits", "decimal_whole_digits"), "{label}数字位数过多：“{value}”"
    ),
    "extra_forbidden": "不认识的字段“{label}”（数据格式中没有这一项，可能拼写有误）",
    "string_type": "{label}应为文字，实为 {value}",
    **dict.fromkeys(("model_type", "model_attributes_type", "dict_type"), "{label}应为对象（{{…}}），实为 {value}"),
    "list_type": "{label}应为列表（[…]），实为 {value}",
    "bool_parsing": "{label}应为是/否，实为“{value}”",
}


def _message(err: Mapping[str, Any], label: str) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind in _PLAIN:
        return _PLAIN[kind].format(label=label, value=_show(value))
    if kind == "number_refused":
        return f"{label}{ctx.get('detail', '')}"
    if kind == "greater_than_equal":
        if Decimal(str(ctx.get("ge", 0))) == 0:
            return f"{label}不能为负数，实为 {_show(value)}"
        return f"{label}应不小于 {ctx.get('ge')}，实为 {_show(value)}"
    if kind in ("less_than_equal", "less_than"):
        return f"{label}应不大于 {ctx.get('le', ctx.get('lt'))}，实为 {_show(value)}"
    if kind == "greater_than":
        return f"{label}应大于 {ctx.get('gt')}，实为 {_show(value)}"
    if kind == "string_too_long":
        return f"{label}太长：最多 {ctx.get('max_length')} 字，实为 {len(str(value))} 字"
    if kind == "string_pattern_mismatch":
        if "编码" in label:
            digits = {"^\\d{7}$": "7位"}.get(
                str(ctx.get("pattern")), "3、5或7位" if "经济" not in label else "3或5位"
            )
            return f"{label}“{_show(value)}”格式不对，应为{digits}数字"
        return f"{label}“{_show(value)}”格式不对"
    if kind == "enum":
        return f"{label}应为{_choices(str(ctx.get('expected', '')))}，实为“{_show(value)}”"
    return f"{label}：{err.get('msg', '')}"


def validation_findings(exc: ValidationError, sources: SourceMap) -> list[Finding]:
    """One Chinese :class:`Finding` per pydantic error, placed at its cell or JSON path."""
    from generator.workbook.spec import title_of

    out: list[Finding] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        place = sources.cell(loc) if loc else ""
        if sources.is_json:
            place = json_path(loc) if loc else "（顶层）"
        label = title_of(loc) if loc else "数据"
        if err.get("type") == "extra_forbidden" or not label:
            label = str(loc[-1]) if loc else "数据"
        message = _message(err, label)
        out.append(
            Finding(
                Severity.ERROR,
                f"input.{err.get('type', 'invalid')}",
                f"{place}：{message}" if place else message,
                (place,) if place else (),
            )
        )
    return out


# ---------------------------------------------------------------------------- writing


def _decimal_text(value: Decimal) -> str:
    """Exact, at least two decimals, never an exponent: 0 → ``0.00``, 1.234567 → ``1.234567``."""
    if value == 0:
        return "0.00"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return f"{value.quantize(Decimal('0.01')):f}"
    return f"{value.normalize():f}"


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def dump_json(d: Disclosure) -> str:
    """``d`` as pretty JSON (UTF-8 text, not ASCII-escaped); amounts (万元) and other
    decimals as exact strings with at least two decimals (``"415.84"``, ``"0.00"``)."""
    return json.dumps(_canonical(d.model_dump(mode="python")), ensure_ascii=False, indent=2)


def write_json_schema(path: Path) -> None:
    """Write the JSON Schema of :class:`Disclosure` (titles are the Chinese labels)."""
    schema = Disclosure.model_json_schema()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
