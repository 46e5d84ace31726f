"""Formats as data: a format is a folder of templates/formats/ (narrative, sections.toml,
tables.toml); the workbook names it, ``--style`` overrides it, ``--templates`` overrides single
files of the chosen format, and an unknown name is refused in Chinese naming the known ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import REPO, load_sample, sample_paths

import generator.formats as formats
from generator.cli import app
from generator.document import Heading
from generator.errors import InputInvalid
from generator.formats import DEFAULT_STYLE, UnknownStyleError, format_dir, known_styles
from generator.inputs import dump_json, load_input
from generator.report import build_document
from generator.workbook import write_template

SAMPLE = sample_paths()[0]
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def formats_root(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the shipped formats plus 测试格式 (a copy of 乌鲁木齐 with its own part-one heading)."""
    root = tmp_path / "formats"
    shutil.copytree(REPO / "templates" / "formats", root)
    mine = root / "测试格式"
    shutil.copytree(root / DEFAULT_STYLE, mine)
    toml = mine / "sections.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('part1 = "第一部分 单位概况"', 'part1 = "第一部分 测试格式概况"'),
        encoding="utf-8",
    )
    monkeypatch.setattr(formats, "FORMATS_DIR", root)
    return root


def _headings(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Heading)]


def test_the_default_format_is_shipped_and_listed_first():
    assert known_styles()[0] == DEFAULT_STYLE == "乌鲁木齐"
    folder = format_dir()
    assert folder == REPO / "templates" / "formats" / "乌鲁木齐"
    assert (folder / "narrative" / "document.j2").is_file()
    assert (folder / "sections.toml").is_file()


def test_unknown_format_name_is_refused_naming_the_known_ones():
    with pytest.raises(UnknownStyleError) as info:
        format_dir("北京")
    assert "未知的公开格式“北京”" in str(info.value)
    assert "乌鲁木齐" in str(info.value)


def test_a_disclosure_without_format_is_in_the_default_format():
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["unit"].pop("style", None)
    from generator.model import Disclosure

    assert Disclosure.model_validate(data).unit.style == DEFAULT_STYLE


def test_json_naming_an_unknown_format_is_refused_in_chinese(tmp_path: Path):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["unit"]["style"] = "北京"
    path = tmp_path / "北京.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputInvalid) as info:
        load_input(path)
    messages = [f.message for f in info.value.findings]
    assert any("未知的公开格式“北京”" in m and "乌鲁木齐" in m for m in messages), messages


def test_workbook_offers_the_formats_in_a_drop_down_and_reads_the_choice(formats_root, tmp_path: Path):
    d = load_sample(SAMPLE)
    d.unit.style = "测试格式"
    path = tmp_path / "单位.xlsx"
    write_template(path, d)
    ws = openpyxl.load_workbook(path)["单位信息"]
    row = next(r for r in ws.iter_rows() if r[0].value == "公开格式")
    assert row[1].value == "测试格式"
    lists = [dv for dv in ws.data_validations.dataValidation if "乌鲁木齐" in (dv.formula1 or "")]
    assert lists and lists[0].formula1 == '"' + ",".join(known_styles()) + '"'
    assert lists[0].formula1.startswith('"乌鲁木齐,') and "测试格式" in lists[0].formula1
    assert f"B{row[1].row}" in str(lists[0].sqref)
    assert load_input(path).disclosure.unit.style == "测试格式"


def test_a_workbook_with_the_format_cell_emptied_is_in_the_default_format(tmp_path: Path):
    path = tmp_path / "单位.xlsx"
    write_template(path, load_sample(SAMPLE))
    wb = openpyxl.load_workbook(path)
    ws = wb["单位信息"]
    row = next(r for r in ws.iter_rows() if r[0].value == "公开格式")
    row[1].value = None
    wb.save(path)
    assert load_input(path).disclosure.unit.style == DEFAULT_STYLE


def test_a_workbook_made_before_formats_existed_reads_as_the_default_format_without_warning(tmp_path: Path):
    path = tmp_path / "旧工作簿.xlsx"
    write_template(path, load_sample(SAMPLE))
    wb = openpyxl.load_workbook(path)
    ws = wb["单位信息"]
    row = next(r for r in ws.iter_rows() if r[0].value == "公开格式")
    ws.delete_rows(row[0].row)
    wb.save(path)
    loaded = load_input(path)
    assert loaded.disclosure.unit.style == DEFAULT_STYLE
    assert not [f for f in loaded.findings if "公开格式" in f.message]


def test_the_chosen_format_gives_the_narrative_and_the_default_is_unchanged(formats_root):
    d = load_sample(SAMPLE)
    assert "第一部分 单位概况" in _headings(build_document(d))
    d.unit.style = "测试格式"
    headings = _headings(build_document(d))
    assert "第一部分 测试格式概况" in headings and "第一部分 单位概况" not in headings


def test_templates_dir_overrides_single_files_of_the_chosen_format(formats_root, tmp_path: Path):
    own = tmp_path / "own"
    own.mkdir()
    (own / "01_overview.j2").write_text("# {{ sections.document.part1 }}\n\n自定义的一句。\n", encoding="utf-8")
    d = load_sample(SAMPLE)
    d.unit.style = "测试格式"
    doc = build_document(d, templates_dir=own)
    text = doc.plain_text()
    assert "自定义的一句。" in text
    assert "第一部分 测试格式概况" in _headings(doc)  # the chosen format's sections.toml
    assert "二、收入决算情况说明" in text  # and its other templates


def test_cli_style_overrides_the_workbook_format(formats_root, tmp_path: Path):
    src = tmp_path / "单位.json"
    src.write_text(dump_json(load_sample(SAMPLE)), encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(src, "-o", out, "--format", "html", "--style", "测试格式")
    assert result.exit_code == 0, result.output
    (html,) = out.glob("*.html")
    assert "第一部分 测试格式概况" in html.read_text(encoding="utf-8")
    plain = tmp_path / "plain"
    assert invoke(src, "-o", plain, "--format", "html").exit_code == 0
    (html,) = plain.glob("*.html")
    assert "第一部分 测试格式概况" not in html.read_text(encoding="utf-8")


def test_cli_unknown_style_is_refused_in_chinese(tmp_path: Path):
    src = tmp_path / "单位.json"
    src.write_text(dump_json(load_sample(SAMPLE)), encoding="utf-8")
    for mode in (("-o", tmp_path / "out"), ("--check",)):
        result = invoke(*mode, src, "--style", "北京")
        assert result.exit_code == 2
        assert "--style：未知的公开格式“北京”，可选：乌鲁木齐" in result.output
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------- table shells (tables.toml)


def _shell_format(root: Path, name: str, extra: str) -> None:
    """A copy of 乌鲁木齐 named ``name`` whose tables.toml ends with ``extra``."""
    shutil.copytree(root / DEFAULT_STYLE, root / name)
    toml = root / name / "tables.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + extra, encoding="utf-8")


def _shells(tables) -> dict:
    return {
        k: (t.code, t.unit_label, t.unit_name, t.money_unit, t.note, t.empty_note, [[c.text for c in r] for r in t.header],
            [[c.text for c in r] for r in t.body])
        for k, t in tables.items()
    }


def test_a_table_shell_change_alters_only_that_formats_tables(formats_root):
    from generator.tables import build_tables

    _shell_format(
        formats_root,
        "表样测试",
        '\n[t05]\nnote = "注：本表反映部门本年度一般公共预算财政拨款支出情况。"\ncolumn_numbers = false\n',
    )
    d = load_sample(SAMPLE)
    before = _shells(build_tables(d))
    d.unit.style = "表样测试"
    changed = build_tables(d)
    after = _shells(changed)
    assert {k for k in before if before[k] != after[k]} == {"t05"}
    t05 = changed["t05"]
    assert t05.note == "注：本表反映部门本年度一般公共预算财政拨款支出情况。"
    assert all(c.text != "栏次" for r in t05.header for c in r)
    assert len(t05.header) == len(build_tables(load_sample(SAMPLE))["t05"].header) - 1
    # the default format keeps its own shell
    d.unit.style = DEFAULT_STYLE
    assert _shells(build_tables(d)) == before


def test_table_shell_defaults_change_every_table_of_the_format(formats_root):
    from generator.tables import build_tables

    _shell_format(formats_root, "无千分位", "")
    toml = formats_root / "无千分位" / "tables.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        .replace("thousands = true", "thousands = false")
        .replace('unit_label = "单位"', 'unit_label = "编制部门"')
        .replace('code = "{code}"', 'code = "{code}（格式测试）"'),
        encoding="utf-8",
    )
    d = load_sample(SAMPLE)
    base = build_tables(d)
    d.unit.style = "无千分位"
    tables = build_tables(d)
    for key in [k for k in base if k.startswith("t0")]:
        assert tables[key].code == base[key].code + "（格式测试）"
        assert tables[key].unit_label == "编制部门"
        amounts = [c.text for r in base[key].body for c in r if c.align == "right" and c.text]
        plain = [c.text for r in tables[key].body for c in r if c.align == "right" and c.text]
        assert plain == [a.replace(",", "") for a in amounts]
    assert any("," in c.text for r in base["t01"].body for c in r)


def test_the_unit_line_label_reaches_the_docx(formats_root, tmp_path: Path):
    from docx import Document as Docx

    from generator.render.docx import write_docx

    _shell_format(formats_root, "称谓", "")
    toml = formats_root / "称谓" / "tables.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('unit_label = "单位"', 'unit_label = "编制单位"'),
                    encoding="utf-8")
    d = load_sample(SAMPLE)
    d.unit.style = "称谓"
    path = tmp_path / "称谓.docx"
    write_docx(build_document(d), path)
    text = "\n".join(p.text for p in Docx(str(path)).paragraphs)
    assert f"编制单位：{d.unit.name}" in text
    assert f"\n单位：{d.unit.name}" not in text


def test_a_malformed_tables_toml_is_refused_in_chinese(formats_root):
    from generator.errors import RenderError
    from generator.tables import build_tables

    _shell_format(formats_root, "坏表样", '\n[t10]\nnote = "x"\n[t01]\nnote = "{单位}"\ncolumn_number = false\n')
    d = load_sample(SAMPLE)
    d.unit.style = "坏表样"
    with pytest.raises(RenderError) as info:
        build_tables(d)
    message = str(info.value)
    assert "表样文件" in message and "[t10]" in message and "{单位}" in message and "column_number" in message


# ---------------------------------------------------------------------------- page orientation, column widths


def _t05_columns(d) -> int:
    from generator.tables import build_tables

    return len(build_tables(d)["t05"].widths)


def test_the_shipped_formats_print_the_wide_tables_landscape():
    from generator.tables import build_tables

    wide = {"t02", "t03", "t04", "t07", "t08", "t09"}
    for style in known_styles():
        d = load_sample(SAMPLE)
        d.unit.style = style
        tables = build_tables(d)
        assert {k for k, t in tables.items() if k.startswith("t0") and t.landscape} == wide, style


def test_a_table_turned_landscape_changes_only_that_table_and_its_pages(formats_root, tmp_path: Path):
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from pypdf import PdfReader

    from generator.render.docx import write_docx
    from generator.render.pdf import PdfRenderer
    from generator.tables import build_tables

    _shell_format(formats_root, "横向05", "\n[t05]\nlandscape = true\n")
    d = load_sample(SAMPLE)
    before = build_tables(d)
    d.unit.style = "横向05"
    after = build_tables(d)
    assert {k for k in before if before[k].landscape != after[k].landscape} == {"t05"}
    assert after["t05"].landscape and not before["t05"].landscape
    # the DOCX puts 05表 in a landscape section; the PDF page that holds it is wider than high
    doc = build_document(d)
    path = tmp_path / "横向05.docx"
    write_docx(doc, path)
    sections = Docx(str(path)).sections
    texts_by_section = []
    body = Docx(str(path)).element.body
    current: list[str] = []
    for child in body.iterchildren():
        current.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        if child.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr") is not None:
            texts_by_section.append("".join(current))
            current = []
    texts_by_section.append("".join(current))
    title = after["t05"].title
    holding = [i for i, text in enumerate(texts_by_section) if title in text and "科目编码" in text]
    assert holding and all(sections[i].orientation == WD_ORIENT.LANDSCAPE for i in holding)
    pdf = tmp_path / "横向05.pdf"
    PdfRenderer().write(doc, pdf)
    texts = [(p, (p.extract_text() or "").replace(" ", "")) for p in PdfReader(str(pdf)).pages]
    pages = [p for p, text in texts if title in text and "科目编码" in text]  # not the 目录's lines
    assert pages and all(float(p.mediabox.width) > float(p.mediabox.height) for p in pages)


def test_a_format_sets_the_column_widths_of_a_table(formats_root):
    from generator.tables import build_tables

    d = load_sample(SAMPLE)
    n = _t05_columns(d)
    widths = [2.0] + [1.0] * (n - 1)
    _shell_format(formats_root, "栏宽", f"\n[t05]\nwidths = {widths}\n")
    before = build_tables(d)
    d.unit.style = "栏宽"
    after = build_tables(d)
    assert after["t05"].widths == widths
    assert {k for k in before if before[k].widths != after[k].widths} == {"t05"}


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("\n[t05]\nwidths = [1.0, 2.0]\n", "[t05] 的 widths 有 2 个数"),
        ('\n[t05]\nwidths = ["宽", 1]\n', "[t05] widths 应为正数的列表"),
        ("\n[t05]\nwidths = [1, 0, 1, 1, 1]\n", "[t05] widths 应为正数的列表"),
        ('\n[t05]\nlandscape = "横向"\n', "[t05] landscape 应为 true 或 false"),
    ],
)
def test_wrong_widths_or_orientation_are_refused_in_chinese(formats_root, extra, words):
    from generator.errors import RenderError
    from generator.tables import build_tables

    _shell_format(formats_root, "坏栏宽", extra)
    d = load_sample(SAMPLE)
    d.unit.style = "坏栏宽"
    with pytest.raises(RenderError) as info:
        build_tables(d)
    assert words in str(info.value)
