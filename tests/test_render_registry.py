"""The format registry: the CLI and the pipeline take every format from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import app
from generator.inputs import dump_json
from generator.pipeline import BuildOptions, Renderers, Status, build_unit
from generator.render import registry
from generator.render.registry import (
    OutputFormat,
    UnknownFormat,
    default_formats,
    format_names,
    parse_formats,
)
from generator.synthetic import synthetic_disclosure
from generator.written import RECORDS

runner = CliRunner()


def test_builtin_formats_and_default():
    assert format_names() == ("docx", "pdf", "html", "xlsx")
    assert default_formats() == ("docx", "pdf")


def test_each_format_is_a_module_under_render_with_its_renderer():
    import importlib

    for name in format_names():
        fmt = registry.get_format(name)
        assert fmt.module.startswith("generator.render.")
        assert callable(getattr(importlib.import_module(fmt.module), fmt.factory))


def test_parse_formats_comma_list_in_registry_order():
    assert parse_formats("xlsx, HTML,docx,pdf") == ("docx", "pdf", "html", "xlsx")
    assert parse_formats("pdf，docx,pdf") == ("docx", "pdf")  # full-width comma, duplicate


@pytest.mark.parametrize("text", ["odt", "docx,odt", "", " , "])
def test_unknown_format_refused_in_chinese_naming_the_known_ones(text):
    with pytest.raises(UnknownFormat) as exc:
        parse_formats(text)
    message = str(exc.value)
    assert "不支持的输出格式" in message
    for name in format_names():
        assert name in message


def test_cli_help_lists_the_registry_and_refuses_unknown(tmp_path):
    help_text = runner.invoke(app, ["--help"]).output
    for name in format_names():
        assert name in help_text
    result = runner.invoke(app, [str(tmp_path), "--format", "docx,odt"])
    assert result.exit_code == 2
    assert "不支持的输出格式：“odt”" in result.output
    assert "html" in result.output and "xlsx" in result.output


class EchoRenderer:
    """A format registered by a test: writes the document's plain text."""

    def __init__(self, settings):
        self.settings = settings

    def write(self, doc, path: Path) -> list[str]:
        Path(path).write_text(doc.plain_text(), encoding="utf-8")
        return [f"已写出纯文本 {Path(path).name}"]


@pytest.fixture
def echo_format():
    fmt = registry.register(OutputFormat("txt", ".txt", "纯文本", __name__, "EchoRenderer"))
    yield fmt
    registry._REGISTRY.pop("txt")


def test_a_registered_format_reaches_cli_and_pipeline_with_per_document_results(tmp_path, echo_format):
    d = synthetic_disclosure(2, rows=6, projects=1)
    source = tmp_path / "unit.json"
    source.write_text(dump_json(d), encoding="utf-8")
    assert parse_formats("txt,docx") == ("docx", "txt")
    options = BuildOptions(out_dir=tmp_path / "out", formats=("docx", "txt"))
    result = build_unit(source, options, Renderers(options))
    assert result.status in (Status.OK, Status.WARNINGS), result.message
    assert [(r.format, r.path.suffix) for r in result.documents] == [("docx", ".docx"), ("txt", ".txt")]
    txt = result.documents[1]
    assert txt.notes == [f"已写出纯文本 {txt.path.name}"]
    assert d.unit.name in txt.path.read_text(encoding="utf-8")
    assert result.outputs == [r.path for r in result.documents]
    # and from the command line
    out = tmp_path / "cli"
    cli = runner.invoke(app, [str(source), "-o", str(out), "--format", "txt"])
    assert cli.exit_code == 0, cli.output
    assert [p.suffix for p in out.iterdir() if p.name != RECORDS] == [".txt"]
    assert "已写出纯文本" in cli.output


def test_all_four_formats_of_a_sample_from_the_command_line(tmp_path):
    sample = Path(__file__).resolve().parents[1] / "samples" / "data" / "乌鲁木齐市12345政务服务热线中心.json"
    out = tmp_path / "out"
    result = runner.invoke(app, [str(sample), "-o", str(out), "--format", "docx,pdf,html,xlsx"])
    assert result.exit_code == 0, result.output
    stem = "乌鲁木齐市12345政务服务热线中心2024年度单位决算公开"
    assert sorted(p.name for p in out.iterdir() if p.name != RECORDS) == sorted(
        [f"{stem}.docx", f"{stem}.pdf", f"{stem}.html", f"{stem}（公开表）.xlsx"]
    )
    for p in out.iterdir():
        assert p.name == RECORDS or p.stat().st_size > 5_000, p
