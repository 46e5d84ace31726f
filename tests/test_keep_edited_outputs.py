"""Generating again never replaces an output file that was changed after this program wrote it
(a DOCX corrected in Word) or that it did not write (a colleague's file of the same name) unless
the run says ``--overwrite``; the files it wrote and nobody touched are replaced as before.

Each written file has a record in ``OUT/.juesuan-gen/`` written by the process that writes the
file, in an order that survives a kill at any point (:func:`generator.written.put`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import invoke, write_json

from generator import batch, written
from generator.pipeline import BuildOptions, Status, discover, output_stem
from generator.synthetic import synthetic_disclosure
from generator.written import RECORDS, check, digest, record_path, recorded

ROOT = Path(__file__).resolve().parent.parent


def _unit(folder: Path, name: str = "u.json", seed: int = 3) -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    d = synthetic_disclosure(seed, rows=3)
    return write_json(folder / name, d), output_stem(d.unit.name, d.unit.year)


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def _hidden_temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------- the record itself


def test_every_written_file_has_a_record_of_its_bytes(tmp_path):
    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "out"
    result = invoke(src, "-o", out, "--format", "docx,html")
    assert result.exit_code == 0, result.output
    assert _visible(out) == sorted([f"{stem}.docx", f"{stem}.html"])
    records = sorted((out / RECORDS).iterdir())
    assert len(records) == 2 and all(p.suffix == ".json" and len(p.stem) == 40 for p in records)
    for name in (f"{stem}.docx", f"{stem}.html"):
        target = out / name
        data = json.loads(record_path(target).read_text(encoding="utf-8"))
        assert data["file"] == name
        assert data["sha256"] == [digest(target)]
        assert data["size"] == target.stat().st_size
        assert data["written"].endswith("+00:00")
    assert not _hidden_temporaries(out) and not _hidden_temporaries(out / RECORDS)


def test_check_accepts_only_a_recorded_file(tmp_path):
    target = tmp_path / "a.docx"
    assert check(target) is None  # not there: may be written
    target.write_bytes(b"one")
    assert check(target).reason == written.FOREIGN
    with pytest.raises(written.FileKept, match="不是本程序生成的"):
        written.write_bytes(target, b"ours")
    assert target.read_bytes() == b"one"
    written.write_bytes(target, b"ours", overwrite=True)
    assert check(target) is None and recorded(target) == [digest(target)]
    target.write_bytes(b"changed in Word")
    assert check(target).reason == written.CHANGED
    record_path(target).write_text("{not json", encoding="utf-8")
    assert check(target).reason == written.FOREIGN  # an unreadable record: ask rather than replace
    # a record naming another file (it cannot be this file's) is no record
    record_path(target).write_text(json.dumps({"file": "b.docx", "sha256": [digest(target)]}), encoding="utf-8")
    assert check(target).reason == written.FOREIGN


def test_put_refuses_a_file_changed_meanwhile_unless_overwrite(tmp_path):
    target = tmp_path / "a.docx"
    written.write_bytes(target, b"ours")
    target.write_bytes(b"changed while the unit was rendered")
    with pytest.raises(written.FileKept, match="在上次生成后被修改过"):
        written.write_bytes(target, b"new")
    assert target.read_bytes() == b"changed while the unit was rendered"
    assert not _hidden_temporaries(tmp_path)
    written.write_bytes(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new" and recorded(target) == [digest(target)]


# ---------------------------------------------------------------------------- generating again


def test_a_second_run_replaces_its_own_untouched_files(tmp_path):
    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx,html").exit_code == 0
    docx = out / f"{stem}.docx"
    before = docx.stat().st_ino
    docx.touch()  # opened and closed without a change: still the same bytes
    result = invoke(src, "-o", out, "--format", "docx,html")
    assert result.exit_code == 0, result.output
    assert docx.stat().st_ino != before  # a new file was renamed into place
    assert recorded(docx) == [digest(docx)]


def test_a_file_edited_after_generation_is_kept_and_the_unit_reported(tmp_path):
    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx,html").exit_code == 0
    docx, html = out / f"{stem}.docx", out / f"{stem}.html"
    edited = docx.read_bytes() + b"the clerk's correction"
    docx.write_bytes(edited)
    html_before, html_inode = html.read_bytes(), html.stat().st_ino
    result = invoke(src, "-o", out, "--format", "docx,html")
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert f"{docx} 在上次生成后被修改过" in said
    assert "--overwrite" in said and "-o 换一个输出目录" in said and Status.KEPT in said
    assert docx.read_bytes() == edited  # the clerk's file is untouched
    assert html.read_bytes() == html_before and html.stat().st_ino == html_inode  # nor half the unit replaced
    assert not _hidden_temporaries(out)


def test_overwrite_replaces_an_edited_file_and_records_it(tmp_path):
    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx").exit_code == 0
    docx = out / f"{stem}.docx"
    docx.write_bytes(b"edited")
    result = invoke(src, "-o", out, "--format", "docx", "--overwrite")
    assert result.exit_code == 0, result.output
    assert docx.read_bytes()[:2] == b"PK"
    assert recorded(docx) == [digest(docx)]
    assert invoke(src, "-o", out, "--format", "docx").exit_code == 0  # ours again: replaced freely


def test_a_file_this_program_did_not_write_is_not_replaced(tmp_path):
    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / f"{stem}.docx"
    theirs.write_bytes(b"a colleague's document under the same name")
    result = invoke(src, "-o", out, "--format", "docx,pdf")
    assert result.exit_code == 1
    assert "不是本程序生成的" in " ".join(result.stderr.split())
    assert theirs.read_bytes() == b"a colleague's document under the same name"
    assert _visible(out) == [theirs.name]  # the unit's PDF is not written either
    assert not (out / RECORDS).exists()


def test_one_kept_unit_does_not_stop_the_batch(tmp_path):
    first, stem1 = _unit(tmp_path / "in", "a.json", seed=3)
    second, stem2 = _unit(tmp_path / "in", "b.json", seed=4)
    assert stem1 != stem2
    out = tmp_path / "out"
    assert invoke(tmp_path / "in", "-o", out, "--format", "docx", "--jobs", "1").exit_code == 0
    (out / f"{stem1}.docx").write_bytes(b"edited")
    (out / f"{stem2}.docx").unlink()
    result = invoke(tmp_path / "in", "-o", out, "--format", "docx", "--jobs", "1")
    assert result.exit_code == 1
    assert (out / f"{stem1}.docx").read_bytes() == b"edited"
    assert (out / f"{stem2}.docx").read_bytes()[:2] == b"PK"
    from openpyxl import load_workbook

    rows = {r[0]: r for r in load_workbook(out / "汇总.xlsx")["汇总"].iter_rows(min_row=2, values_only=True)}
    assert rows["a.json"][3] == Status.KEPT and rows["b.json"][3] in (Status.OK, Status.WARNINGS)


def test_an_edited_summary_is_kept_too(tmp_path):
    _unit(tmp_path / "in", "a.json", seed=3)
    _unit(tmp_path / "in", "b.json", seed=4)
    out = tmp_path / "out"
    assert invoke(tmp_path / "in", "-o", out, "--format", "html", "--jobs", "1").exit_code == 0
    summary = out / "汇总.xlsx"
    summary.write_bytes(summary.read_bytes() + b"annotated")
    result = invoke(tmp_path / "in", "-o", out, "--format", "html", "--jobs", "1")
    assert "未写出汇总表" in result.stderr and "在上次生成后被修改过" in " ".join(result.stderr.split())
    assert summary.read_bytes().endswith(b"annotated")
    assert invoke(tmp_path / "in", "-o", out, "--format", "html", "--jobs", "1", "--overwrite").exit_code == 0
    assert not summary.read_bytes().endswith(b"annotated")


def test_skip_existing_still_skips_without_asking(tmp_path):
    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{stem}.docx").write_bytes(b"edited")
    result = invoke(src, "-o", out, "--format", "docx", "--skip-existing")
    assert result.exit_code == 0
    assert Status.SKIPPED in result.stdout
    assert (out / f"{stem}.docx").read_bytes() == b"edited"


# ---------------------------------------------------------------------------- a kill at any point

_KILL = """
import os, sys
from pathlib import Path
from generator import written

point, staged, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
real = written._write_record
calls = []

def write_record(*args):
    calls.append(args)
    if point == "after-replace" and len(calls) == 2:
        os._exit(9)  # the new file is in place, its record still lists both
    real(*args)
    if point == "after-first-record" and len(calls) == 1:
        os._exit(9)  # the record lists both, the old file is still there

written._write_record = write_record
written.put(staged, target)
"""


@pytest.mark.parametrize(
    ("point", "hashes", "file_is"),
    [("after-first-record", 2, "old"), ("after-replace", 2, "new"), ("done", 1, "new")],
)
def test_a_kill_at_any_point_of_replacing_leaves_a_file_the_next_run_accepts(tmp_path, point, hashes, file_is):
    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx").exit_code == 0
    target = out / f"{stem}.docx"
    old = digest(target)
    staged = written.new_staging(target)
    staged.write_bytes(b"the new file, complete")
    new = digest(staged)
    proc = subprocess.run([sys.executable, "-c", _KILL, point, str(staged), str(target)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == (0 if point == "done" else 9)
    assert recorded(target) == ([new, old] if hashes == 2 else [new])
    assert digest(target) == (old if file_is == "old" else new)
    assert check(target) is None  # ours, whichever
    staged.unlink(missing_ok=True)
    result = invoke(src, "-o", out, "--format", "docx")
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:2] == b"PK" and recorded(target) == [digest(target)]


# ---------------------------------------------------------------------------- worker processes


def test_a_pool_batch_run_twice_replaces_without_complaint(tmp_path):
    for i in range(3):
        _unit(tmp_path / "in", f"u{i}.json", seed=20 + i)
    out = tmp_path / "out"
    first = invoke(tmp_path / "in", "-o", out, "--format", "docx", "--jobs", "2")
    assert first.exit_code == 0, first.output
    docx = sorted(out.glob("*.docx"))
    assert len(docx) == 3 and all(recorded(p) == [digest(p)] for p in docx)  # recorded by the workers
    again = invoke(tmp_path / "in", "-o", out, "--format", "docx", "--jobs", "2")
    assert again.exit_code == 0, again.output
    assert Status.KEPT not in again.output


def _die_once_after_writing(path, stem, options):
    """A worker that writes its unit's files and then dies, the first time only (a marker file
    beside the inputs remembers): the batch runs the unit again alone, and the file it finds is
    its own."""
    result = batch.build_unit(path, options, None, stem=stem)
    marker = path.with_name("died")
    if path.name == "u1.json" and not marker.exists():
        marker.touch()
        os._exit(9)
    return result


def test_a_unit_rerun_after_its_worker_died_accepts_the_file_it_wrote(tmp_path, monkeypatch):
    for i in range(3):
        _unit(tmp_path / "in", f"u{i}.json", seed=30 + i)
    monkeypatch.setattr(batch, "_work", _die_once_after_writing)
    out = tmp_path / "out"
    files = sorted((tmp_path / "in").glob("*.json"))
    results = batch.run_batch(files, BuildOptions(out_dir=out, formats=("docx",)), jobs=2)
    assert (tmp_path / "in" / "died").exists()
    assert all(r.status in (Status.OK, Status.WARNINGS) for r in results), [(r.status, r.message) for r in results]
    assert len(list(out.glob("*.docx"))) == 3


# ---------------------------------------------------------------------------- never read as input


def test_an_output_folder_given_as_input_does_not_read_the_records(tmp_path):
    src, _ = _unit(tmp_path / "in")
    out = tmp_path / "out"
    assert invoke(src, "-o", out, "--format", "docx").exit_code == 0
    (out / src.name).write_bytes(src.read_bytes())  # a unit's JSON in the same folder
    assert len(list((out / RECORDS).glob("*.json"))) == 1
    found, skipped = discover([out], with_skipped=True)
    assert found == [out / src.name]
    assert not [p for p, _ in skipped if RECORDS in p.parts]
    checked = invoke("--check", out)
    assert checked.exit_code == 0, checked.output
    assert RECORDS not in checked.output
    built = invoke(out, "-o", tmp_path / "again", "--format", "html")
    assert built.exit_code == 0, built.output
    consolidated = invoke("--consolidate", out, "--name", "部门", "-o", tmp_path / "部门.xlsx")
    assert RECORDS not in consolidated.output


# ---------------------------------------------------------------------------- the server's own storage


def test_the_server_always_replaces_its_own_files(tmp_path):
    from generator.web.jobs import _generate

    src, stem = _unit(tmp_path / "in")
    out = tmp_path / "store"
    out.mkdir()
    (out / f"{stem}.docx").write_bytes(b"an earlier generation, not recorded")
    result = _generate(str(src), str(out), ("docx",), None)
    assert result.status in (Status.OK, Status.WARNINGS), result.message
    assert (out / f"{stem}.docx").read_bytes()[:2] == b"PK"
