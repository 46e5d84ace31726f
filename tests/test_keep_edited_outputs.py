"""Generating again never replaces an output file that was changed after this program wrote it
(a DOCX edited in Word, a file someone else put there) unless the run says ``--overwrite``;
files it wrote and nobody touched are replaced as before."""

from __future__ import annotations

import json
from pathlib import Path

from clirun import invoke, write_json
from conftest import load_sample

from generator.pipeline import output_stem
from generator.synthetic import synthetic_disclosure
from generator.written import MANIFEST, changed_since_written, record

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "data" / "乌鲁木齐市政务服务中心.json"


def _unit(tmp_path: Path, name: str = "u.json", seed: int = 3) -> tuple[Path, str]:
    d = synthetic_disclosure(seed, rows=3)
    return write_json(tmp_path / name, d), output_stem(d.unit.name, d.unit.year)


def test_a_second_run_replaces_its_own_untouched_files(tmp_path):
    src, stem = _unit(tmp_path)
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx,html").exit_code == 0
    docx = out / f"{stem}.docx"
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(listed) == {f"{stem}.docx", f"{stem}.html"}
    docx.touch()  # opened and closed without a change: still the same bytes
    result = invoke(src, "-o", out, "--format", "docx,html")
    assert result.exit_code == 0, result.output
    assert changed_since_written([docx, out / f"{stem}.html"]) == []


def test_a_file_edited_after_generation_is_kept_and_the_unit_reported(tmp_path):
    src, stem = _unit(tmp_path)
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx,html").exit_code == 0
    docx, html = out / f"{stem}.docx", out / f"{stem}.html"
    edited = docx.read_bytes() + b"clerk's edit"
    docx.write_bytes(edited)
    html_before = html.read_bytes()
    result = invoke(src, "-o", out, "--format", "docx,html")
    assert result.exit_code == 1
    assert docx.name in result.output and "--overwrite" in result.output and "未改动" in result.output
    assert docx.read_bytes() == edited  # the clerk's file is untouched
    assert html.read_bytes() == html_before  # and the unit is not half-replaced either
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_overwrite_replaces_an_edited_file_and_notes_it_as_written(tmp_path):
    src, stem = _unit(tmp_path)
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx").exit_code == 0
    docx = out / f"{stem}.docx"
    docx.write_bytes(b"not ours")
    result = invoke(src, "-o", out, "--format", "docx", "--overwrite")
    assert result.exit_code == 0, result.output
    assert docx.read_bytes()[:2] == b"PK"
    assert invoke(src, "-o", out, "--format", "docx").exit_code == 0  # ours again: replaced freely


def test_a_file_this_program_did_not_write_is_not_replaced(tmp_path):
    src, stem = _unit(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / f"{stem}.docx"
    theirs.write_bytes(b"a colleague's document under the same name")
    result = invoke(src, "-o", out, "--format", "docx")
    assert result.exit_code == 1
    assert theirs.read_bytes() == b"a colleague's document under the same name"


def test_one_kept_unit_does_not_stop_the_batch(tmp_path):
    first, stem1 = _unit(tmp_path, "a.json", seed=3)
    second, stem2 = _unit(tmp_path, "b.json", seed=4)
    assert stem1 != stem2
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{stem1}.docx").write_bytes(b"edited")
    result = invoke(first, second, "-o", out, "--format", "docx", "--jobs", "1")
    assert result.exit_code == 1
    assert (out / f"{stem1}.docx").read_bytes() == b"edited"
    assert (out / f"{stem2}.docx").read_bytes()[:2] == b"PK"


def test_skip_existing_still_skips_without_asking(tmp_path):
    src, stem = _unit(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{stem}.docx").write_bytes(b"edited")
    result = invoke(src, "-o", out, "--format", "docx", "--skip-existing")
    assert result.exit_code == 0
    assert (out / f"{stem}.docx").read_bytes() == b"edited"


def test_the_list_of_written_files_is_not_read_as_an_input(tmp_path):
    d = load_sample(SAMPLE)
    out = tmp_path / "out"
    src = write_json(tmp_path / "u.json", d)
    assert invoke(src, "-o", out, "--format", "docx").exit_code == 0
    assert (out / MANIFEST).is_file()
    # the output folder given as input: the hidden list is skipped, not reported as a broken JSON
    result = invoke("--check", out)
    assert MANIFEST not in result.output


def test_record_and_compare(tmp_path):
    a = tmp_path / "a.docx"
    a.write_bytes(b"one")
    assert changed_since_written([a]) == [a]  # not written by this program
    record([a])
    assert changed_since_written([a, tmp_path / "missing.pdf"]) == []
    a.write_bytes(b"two")
    assert changed_since_written([a]) == [a]
    (tmp_path / MANIFEST).write_text("{not json", encoding="utf-8")
    assert changed_since_written([a]) == [a]  # an unreadable list: ask rather than replace
    record([a])
    assert changed_since_written([a]) == []
