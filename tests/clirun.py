"""The command line driven in-process (click's CliRunner), shared by the command-line tests."""

from __future__ import annotations

from pathlib import Path

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
