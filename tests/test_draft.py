"""A draft never states an invented figure (``--force`` past 错误).

The forced draft of a unit whose 上年决算数/年初预算数 are missing prints a placeholder
(【待补：上年决算数】) in place of every figure derived from the missing one, carries the 草稿
mark on every page of the DOCX and the PDF, has 草稿 in its file names, and the console lists
the placeholders left with the place each figure belongs.  A document made without --force
never carries the mark.  The files are read back (python-docx, pdftotext per page, and the
DOCX as LibreOffice lays it out).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES_DIR
from render_fixtures import pdf_page_texts

from generator.cli import app
from generator.errors import RenderError
from generator.inputs import dump_json, load_input
from generator.pipeline import DRAFT_SUFFIX, BuildOptions, _refuse_unmarked, build_unit, output_stem
from generator.report import build_document
from generator.synthetic import synthetic_disclosure
from generator.written import RECORDS

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

SAMPLE = SAMPLES_DIR / "乌鲁木齐市12345政务服务热线中心.json"
STEM = "乌鲁木齐市12345政务服务热线中心2024年度单位决算公开"
runner = CliRunner()

# Each missing figure, the path in the input where it belongs, and the placeholder.
MISSING = {
    ("total", "prior"): "【待补：上年决算数】",
    ("fiscal", "budget"): "【待补：年初预算数】",
    ("gpb_expense", "prior"): "【待补：上年决算数】",
    ("sangong", "reception", "prior"): "【待补：上年决算数】",
}


def _missing_sample(tmp: Path) -> Path:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    c = data["comparisons"]
    for path in MISSING:
        node = c
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = None
    c["gpb_items"][0]["prior"] = None  # 2010350 事业运行: an entry without 上年决算数
    dropped = c["gpb_items"].pop(1)["code"]  # 2010399: a 项 with spending and no entry at all
    assert dropped == "2010399"
    path = tmp / "缺数.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("draft")
    source = _missing_sample(tmp)
    out = tmp / "out"
    result = runner.invoke(app, [str(source), "-o", str(out), "--force"], catch_exceptions=False)
    return {"out": out, "result": result, "tmp": tmp}


def _docx_body_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _clauses_with_placeholders(text: str) -> list[tuple[str, str]]:
    """(clause holding a placeholder, the clause after it) for every placeholder."""
    found = []
    for sentence in re.split(r"[。\n]", text):
        clauses = sentence.split("，")
        for i, clause in enumerate(clauses):
            if "【待补" in clause:
                found.append((clause, clauses[i + 1] if i + 1 < len(clauses) else ""))
    return found


def _assert_nothing_derived(text: str) -> None:
    """Each placeholder stands alone: no amount or rate beside it, and no rate after it."""
    squashed = re.sub(r"\s+", "", text)
    clauses = _clauses_with_placeholders(squashed)
    assert len(clauses) == 6, clauses
    allowed = re.compile(
        r"^(收入支出总体与上年相比|财政拨款收入支出总体与上年相比|与上年相比|比上年决算|.*比上年)?"
        r"(增减【待补：上年决算数】|年初预算数【待补：年初预算数】)$"
    )
    for clause, after in clauses:
        m = re.search(r"((?:\S*?)(?:增减|年初预算数)【待补：[^】]+】)$", clause)
        assert m and allowed.match(m.group(1)), clause
        assert "%" not in after and "差异率" not in after, (clause, after)
    # the sentences of the issue are gone: no “增长/下降 …%” in the compared clauses
    assert not re.search(r"(?<!拨款)收入支出总体与上年相比，(增加|减少)", squashed)
    assert "收入支出总体与上年相比，增减【待补：上年决算数】" in squashed
    assert "事业运行（项）：支出决算数为512.51万元，比上年决算增减【待补：上年决算数】" in squashed


def test_file_names_carry_the_draft_mark(draft):
    assert draft["result"].exit_code == 1  # still reported as failing its checks
    names = sorted(p.name for p in draft["out"].iterdir() if p.name != RECORDS)
    assert names == [f"{STEM}{DRAFT_SUFFIX}.docx", f"{STEM}{DRAFT_SUFFIX}.pdf"]
    assert DRAFT_SUFFIX == "（草稿）"


def test_console_lists_the_placeholders_left(draft):
    output = re.sub(r"\s*\n\s*", "", draft["result"].output)  # rich wraps long lines
    assert "已强制生成草稿" in output
    assert "草稿中留有6处待补的数字" in output.replace(" ", "")
    expected = [
        "【待补：上年决算数】收入支出总计，应填在 comparisons.total.prior",
        "【待补：年初预算数】财政拨款收入支出总计，应填在 comparisons.fiscal.budget",
        "【待补：上年决算数】一般公共预算财政拨款支出，应填在 comparisons.gpb_expense.prior",
        "【待补：上年决算数】一般公共预算财政拨款支出（项级科目） 2010350 事业运行，应填在 comparisons.gpb_items[0].prior",
        "【待补：上年决算数】一般公共预算财政拨款支出（项级科目） 2010399 其他政府办公厅（室）及相关机构事务支出，"
        "应填在 comparisons.gpb_items",
        "【待补：上年决算数】公务接待费，应填在 comparisons.sangong.reception.prior",
    ]
    positions = []
    for line in expected:
        assert line.replace(" ", "") in output.replace(" ", ""), line
        positions.append(output.replace(" ", "").index(line.replace(" ", "")))
    assert positions == sorted(positions)  # in the order of the text


def test_docx_has_placeholders_and_no_derived_figure(draft):
    text = _docx_body_text(draft["out"] / f"{STEM}{DRAFT_SUFFIX}.docx")
    assert text.count("【待补：上年决算数】") == 5 and text.count("【待补：年初预算数】") == 1
    _assert_nothing_derived(text)


def test_docx_every_section_header_carries_the_mark(draft):
    import docx

    d = docx.Document(str(draft["out"] / f"{STEM}{DRAFT_SUFFIX}.docx"))
    assert len(d.sections) > 3
    kinds = {s.orientation for s in d.sections}
    assert len(kinds) == 2, "landscape sections are among those checked"
    for section in d.sections:
        assert "草稿" in "".join(p.text for p in section.header.paragraphs)
        if section.different_first_page_header_footer:
            assert "草稿" in "".join(p.text for p in section.first_page_header.paragraphs)


def test_pdf_every_page_carries_the_mark_and_no_derived_figure(draft):
    pages = pdf_page_texts(draft["out"] / f"{STEM}{DRAFT_SUFFIX}.pdf")
    assert len(pages) > 20
    for n, page in enumerate(pages, start=1):
        assert "草稿" in page, f"page {n} has no 草稿 mark"
    text = "".join(re.sub(r"草稿", "", p, count=1) for p in pages)
    assert re.sub(r"\s+", "", text).count("【待补：上年决算数】") == 5
    _assert_nothing_derived(text)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_docx_as_laid_out_by_libreoffice_has_the_mark_on_every_page(draft):
    tmp = draft["tmp"] / "lo"
    tmp.mkdir()
    src = tmp / "draft.docx"
    shutil.copy(draft["out"] / f"{STEM}{DRAFT_SUFFIX}.docx", src)
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp), str(src)],
        capture_output=True, text=True, timeout=300, check=False, env={**os.environ, "HOME": str(tmp)},
    )
    assert proc.returncode == 0, proc.stderr
    pages = pdf_page_texts(tmp / "draft.pdf")
    assert len(pages) > 20
    assert [n for n, page in enumerate(pages, start=1) if "草稿" not in page] == []


def test_a_document_made_without_force_never_carries_the_mark(tmp_path: Path):
    source = tmp_path / "good.json"
    source.write_text(dump_json(synthetic_disclosure(2, rows=6, projects=1)), encoding="utf-8")
    out = tmp_path / "out"
    # --force on a unit without errors: an ordinary document, not a draft
    result = runner.invoke(app, [str(source), "-o", str(out), "--force"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "草稿" not in result.output
    d = load_input(source).disclosure
    stem = output_stem(d.unit.name, d.unit.year)
    assert sorted(p.name for p in out.iterdir() if p.name != RECORDS) == [f"{stem}.docx", f"{stem}.pdf"]
    import docx

    doc = docx.Document(str(out / f"{stem}.docx"))
    for section in doc.sections:
        assert "草稿" not in "".join(p.text for p in section.header.paragraphs)
        assert "草稿" not in "".join(p.text for p in section.first_page_header.paragraphs)
    assert "草稿" not in _docx_body_text(out / f"{stem}.docx")
    assert all("草稿" not in page for page in pdf_page_texts(out / f"{stem}.pdf"))


def test_a_missing_figure_without_force_is_never_a_final_document(tmp_path: Path):
    d = load_input(_missing_sample(tmp_path)).disclosure
    document = build_document(d)  # not a draft: no mark even if the templates give one
    assert document.mark == "" and len(document.placeholders) == 6
    with pytest.raises(RenderError, match="不能生成正式文件"):
        _refuse_unmarked(document, draft=False)
    assert build_document(d, draft=True).mark == "草稿"


def test_a_draft_whose_templates_give_no_mark_is_refused(tmp_path: Path):
    """A bureau's own document.j2 without “@mark” cannot make an unmarked draft."""
    own = tmp_path / "措辞"
    own.mkdir()
    original = (Path(__file__).resolve().parents[1] / "templates" / "formats" / "乌鲁木齐" / "narrative" / "document.j2").read_text(
        encoding="utf-8"
    )
    (own / "document.j2").write_text(original.replace("@mark 草稿", ""), encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out", formats=("docx",), force=True, templates_dir=own)
    result = build_unit(_missing_sample(tmp_path), options)
    assert result.outputs == [] and "草稿标记" in result.message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
