"""The DOCX 目录 survives an update in the office programs.

Word, WPS and LibreOffice rebuild a 目录 from the paragraphs that carry an outline level
(our heading styles) and, with the TOC field's ``\\f`` switch, from TC fields.  The entries of
the nine 公开表 (and any entry pointing at a 自评表 or another table) have a TC field with
their text and level in the paragraph they point at, so an update keeps them.

* XML: every entry that does not point at a listed heading has its TC field, with the
  entry's text and level, inside the paragraph that holds the entry's bookmark; headings
  carry their outline level through their style.
* LibreOffice: the samples' DOCX opened headless, the 目录 updated through UNO
  (``tests/lo_update_toc.py`` with the system Python and Debian's python3-uno): the updated
  目录 has the same entries, the 公开表 ones on the same pages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import sample_paths
from render_fixtures import W_NS, full_document, rendered_full

from generator.pipeline import BuildOptions, build_unit

SAMPLES = sample_paths()
LO_SCRIPT = Path(__file__).resolve().parent / "lo_update_toc.py"
SYSTEM_PYTHON = "/usr/bin/python3"


def _toc_lines(d, style: str = r"TOC\d") -> list[tuple[str, str, int]]:
    """(style id, entry text, page) of each 目录 line (paragraphs whose style id matches)."""
    out = []
    for p in d.element.body.iter(W_NS + "p"):
        ppr = p.find(W_NS + "pPr")
        sid = ppr.find(W_NS + "pStyle") if ppr is not None else None
        if sid is not None and re.fullmatch(style, sid.get(W_NS + "val")):
            text = "".join(t.text or "" for t in p.iter(W_NS + "t"))
            m = re.fullmatch(r"(.*?)(\d+)", text)
            assert m, text
            out.append((sid.get(W_NS + "val"), m.group(1), int(m.group(2))))
    return out


def _tc_fields(paragraph) -> list[tuple[str, int]]:
    instr = "".join(t.text or "" for t in paragraph.iter(W_NS + "instrText"))
    return [(text, int(level)) for text, level in re.findall(r'TC "([^"]*)" \\l (\d)', instr)]


def _paragraph_with_bookmark(d, name: str):
    for p in d.element.body.iter(W_NS + "p"):
        if any(b.get(W_NS + "name") == name for b in p.iter(W_NS + "bookmarkStart")):
            return p
    raise AssertionError(f"no bookmark {name}")


def _outline_level(d, paragraph) -> int | None:
    """The outline level (1-based) a paragraph has, directly or through its style."""
    ppr = paragraph.find(W_NS + "pPr")
    direct = ppr.find(W_NS + "outlineLvl") if ppr is not None else None
    if direct is not None:
        return int(direct.get(W_NS + "val")) + 1
    style_id = ppr.find(W_NS + "pStyle").get(W_NS + "val") if ppr is not None else "Normal"
    style = d.styles.element.find(f"{W_NS}style[@{W_NS}styleId='{style_id}']")
    lvl = style.find(f"{W_NS}pPr/{W_NS}outlineLvl") if style is not None else None
    return int(lvl.get(W_NS + "val")) + 1 if lvl is not None else None


def test_every_entry_keeps_its_level_in_the_document_xml():
    docx_path, _ = rendered_full()
    d = docx.Document(str(docx_path))
    xml = d.element.body.xml
    instr = re.search(r"TOC \\o \"1-(\d)\" \\f \\h \\z \\u", xml)
    assert instr, "TOC field with \\f (TC fields) and \\u (outline levels)"
    depth = int(instr.group(1))
    toc = next(b for b in full_document().blocks if hasattr(b, "entries"))
    refs = re.findall(r"PAGEREF (_Toc\d+) \\h", xml)
    tables = 0
    for entry, ref in zip(toc.entries, refs, strict=True):
        target = _paragraph_with_bookmark(d, ref)
        level = _outline_level(d, target)
        fields = _tc_fields(target)
        if level is not None and level <= depth:  # a heading: its style's outline level
            assert level == entry.level and not fields, entry.text
        else:  # a table: a TC field with the entry's text and level
            assert fields == [(entry.text, entry.level)], entry.text
            tables += 1
    assert tables == 9  # the nine 公开表


def _lo_available() -> bool:
    if shutil.which("soffice") is None or not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _lo_available(), reason="LibreOffice or python3-uno not installed (scripts/setup.sh)")
@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_libreoffice_toc_update_keeps_every_entry(sample, tmp_path):
    result = build_unit(sample, BuildOptions(out_dir=tmp_path, formats=("docx", "pdf")))
    docx_path = next(p for p in result.outputs if p.suffix == ".docx")
    before = _toc_lines(docx.Document(str(docx_path)))
    updated = tmp_path / "updated.docx"
    run = subprocess.run(
        [SYSTEM_PYTHON, str(LO_SCRIPT), str(docx_path), str(updated)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    (lines,) = json.loads(run.stdout)["indexes"]
    after = [line.rsplit("\t", 1) for line in lines]
    assert [text for text, _ in after] == [text for _, text, _ in before]
    tables = [(text, page) for _, text, page in before if "《" in text]
    assert len(tables) == 9
    assert [(t, int(p)) for t, p in after if "《" in t] == tables
    # the file LibreOffice saved after the update still lists every entry, the headings at
    # their level.  (LibreOffice 7.4 reads a TC field's \l one level deeper than Word does:
    # the 公开表 entries come out under “目录 3” instead of “目录 2”, text and page kept.)
    saved = _toc_lines(docx.Document(str(updated)), style=r"Contents\d")
    assert [t for _, t, _ in saved] == [t for _, t, _ in before]
    headings = [(s[-1], t) for s, t, _ in before if "《" not in t]
    assert [(s[-1], t) for s, t, _ in saved if "《" not in t] == headings


def test_an_entry_pointing_at_a_self_assessment_table_gets_its_tc_field(tmp_path):
    """A bureau's template may list the 自评表 in the 目录: that entry is kept the same way."""
    from render_fixtures import perf_table, small_document

    from generator.document import TocEntry
    from generator.render.docx import write_docx

    doc = small_document(extra=[perf_table(1, "2024 年政务服务运行维护费", "249.17")])
    toc = doc.blocks[0]
    toc.entries.insert(2, TocEntry(3, "项目支出绩效自评表", "perf-1"))
    path = tmp_path / "s.docx"
    write_docx(doc, path)
    d = docx.Document(str(path))
    xml = d.element.body.xml
    refs = re.findall(r"PAGEREF (_Toc\d+) \\h", xml)
    target = _paragraph_with_bookmark(d, refs[2])
    assert _tc_fields(target) == [("项目支出绩效自评表", 3)]
    assert _outline_level(d, target) is None  # the table's first line itself adds no entry
    # the headings' entries have none: their style's outline level lists them
    assert _tc_fields(_paragraph_with_bookmark(d, refs[0])) == []
