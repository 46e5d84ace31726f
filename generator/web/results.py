"""A unit's result as the server stores and shows it (the ``--check --json`` object)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.pipeline import Status, UnitResult

SEVERITIES = ("错误", "警告", "提示")

# Submission states and their Chinese names (the API gives the code, the pages the name).
STATUS_TEXT = {
    "checked": "已检查，可生成",
    "errors": "有错误",
    "unreadable": "无法读取",
    "queued": "排队中",
    "running": "生成中",
    "generated": "已生成",
    "failed": "生成失败",
}


def check_json(result: UnitResult, filename: str) -> dict:
    """The same object as one element of ``juesuan-gen --check --json`` (``file`` is the upload name).

    The server's own path of the file (a temporary or stored name) never reaches a user: where a
    message names it, it names the upload instead (see :func:`public_text`)."""
    from generator.cli import check_payload

    return {**_public(check_payload(result), result, filename), "file": filename}


def public_text(text: str, result: UnitResult, filename: str) -> str:
    """``text`` with the server's path of the checked file replaced by the name the user gave it
    (and any other path in its folder by “…”): a message such as ``/srv/…/upload.xlsx：压缩包中没有
    工作簿内容`` reads ``决算.xlsx：压缩包中没有工作簿内容``."""
    source = str(result.source)
    if not source or source == ".":
        return text
    text = text.replace(source, filename)
    folder = str(Path(source).parent)
    return text.replace(folder + "/", "…/") if len(folder) > 1 else text


def _public(value, result: UnitResult, filename: str):
    if isinstance(value, str):
        return public_text(value, result, filename)
    if isinstance(value, list):
        return [_public(v, result, filename) for v in value]
    if isinstance(value, dict):
        return {k: _public(v, result, filename) for k, v in value.items()}
    return value


def stored_result(result: UnitResult, filename: str) -> dict:
    """What the database keeps: the check object plus the year and the key figures (strings, 万元)."""
    data = check_json(result, filename)
    data["year"] = result.year
    data["key_figures"] = {k: str(v) for k, v in result.key_figures.items()}
    return data


def counts(result: dict | None) -> tuple[int, int, int]:
    """(错误, 警告, 提示) of a stored result."""
    found = (result or {}).get("findings") or []
    return tuple(sum(1 for f in found if f.get("severity") == s) for s in SEVERITIES)  # type: ignore[return-value]


def check_status(result: UnitResult) -> str:
    """The submission state after a check (before any generation)."""
    if result.status == Status.UNREADABLE:
        return "unreadable"
    if result.status == Status.CHECKS_FAILED or result.errors:
        return "errors"
    return "checked"


def as_unit_result(data: dict | None, filename: str, status_text: str, outputs: list[str]) -> UnitResult:
    """A stored result back as a UnitResult (for the bureau's 汇总.xlsx)."""
    from generator.errors import Finding, Severity

    data = data or {}
    findings = []
    for f in data.get("findings") or []:
        try:
            sev = Severity(f["severity"])
        except ValueError:
            continue  # a severity this summary does not count (提示)
        findings.append(Finding(sev, f.get("rule", ""), f.get("message", ""), tuple(f.get("cells") or ())))
    return UnitResult(
        source=Path(filename),
        status=status_text,
        unit_name=data.get("unit") or "",
        year=data.get("year"),
        findings=findings,
        outputs=[Path(o) for o in outputs],
        message=data.get("message") or "",
        key_figures={k: Decimal(v) for k, v in (data.get("key_figures") or {}).items()},
    )
