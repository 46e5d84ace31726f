"""The command line driven in-process (click's CliRunner), shared by the command-line tests."""

from __future__ import annotations

from pathlib import Path

import docx
from click.testing import CliRunner

from generator.cli import app
from generator.inputs import dump_json

runner = CliRunner()


def invoke(*args: object):
    """Run ``juesuan-gen ARGS…``; exceptions are not caught, so a traceback fails the test."""
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def write_json(path: Path, d) -> Path:
    """Write a disclosure as the JSON input the command line reads; returns ``path``."""
    path.write_text(dump_json(d), encoding="utf-8")
    return path


def docx_text(path: Path) -> str:
    """The text of a written DOCX: its paragraphs, then the cells of its tables, a line each."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)
