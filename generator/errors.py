"""Findings about the user's data (values) and the conditions that stop a run (exceptions).

A :class:`Finding` is data: a check or the reader returns a list of them, so one run shows
every problem.  A :class:`JuesuanError` stops the processing of one input; the command line
catches it, prints its Chinese message and exits with its ``exit_code``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    """错误 blocks generation; 警告 is suspicious (blocks only with ``--strict``); 提示 is for
    information (e.g. a sum off by a rounding tail)."""

    ERROR = "错误"
    WARNING = "警告"
    NOTE = "提示"


@dataclass(frozen=True)
class Finding:
    """One problem found in a unit's data.

    ``rule`` is a stable identifier (``t01.income_total``); ``message`` the plain Chinese
    sentence; ``cells`` where the values stand (``公开05表!C9``), or model paths when the
    input was JSON.  ``difference`` and ``unit``: for a sum that does not hold, how far off it
    is (so that rounding tails can be summarised in one line).
    """

    severity: Severity
    rule: str
    message: str
    cells: tuple[str, ...] = field(default_factory=tuple)
    difference: Decimal | None = field(default=None, compare=False)
    unit: str = field(default="", compare=False)

    def to_dict(self) -> dict:
        data = {
            "severity": str(self.severity),
            "rule": self.rule,
            "message": self.message,
            "cells": list(self.cells),
        }
        if self.difference is not None:
            data["difference"] = str(self.difference)
            data["unit"] = self.unit
        return data

    def __str__(self) -> str:
        where = f"（{'、'.join(self.cells)}）" if self.cells else ""
        return f"[{self.severity}] {self.message}{where}"


class JuesuanError(Exception):
    """Base of every condition that stops processing one input; message in Chinese."""

    exit_code = 2


class InputUnreadable(JuesuanError):
    """Raised when a workbook or JSON file cannot be opened or parsed at all."""

    exit_code = 2


class InputInvalid(JuesuanError):
    """Raised when an input opened but its content cannot make a model.

    ``findings`` lists every problem found (each with its sheet and cell).
    """

    exit_code = 1

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


class ChecksFailed(JuesuanError):
    """Raised when the 勾稽 checks report 错误 and generation was not forced."""

    exit_code = 1

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.findings = findings


class RenderError(JuesuanError):
    """Raised when a document cannot be rendered (fonts missing, template error…)."""

    exit_code = 1
