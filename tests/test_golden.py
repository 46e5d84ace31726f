"""Whole-document tests on the sample disclosures (samples/data/*.json).

* Reference match: each sample's DOCX and PDF, run through ``../shared/tools/textmatch.py`` against
  the reference disclosure it reproduces, must contain every sentence with a figure and at
  least 98% of all sentences; every piece still missing must be listed, with its reason, in
  ``tests/reference_differences.txt``.
* Golden snapshots: the full plain text (narrative and every table cell) equals
  ``tests/golden/<sample>.txt``.  After an intended change run ``pytest --update-golden``
  and review the diff.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    GOLDEN_DIR,
    SAMPLE_REFERENCES,
    SHARED_DIR,
    document_text,
    load_sample,
    sample_paths,
)

from generator.report import build_document

TEXTMATCH = SHARED_DIR / "tools" / "textmatch.py"
REFERENCE_DIR = SHARED_DIR / "reference"
DIFFERENCES = Path(__file__).resolve().parent / "reference_differences.txt"

SAMPLES = sample_paths()
pytestmark = pytest.mark.skipif(not SAMPLES, reason="no sample data in samples/data/")


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def accepted_differences() -> dict[str, dict[str, str]]:
    """reference file → {missing piece → reason} from tests/reference_differences.txt."""
    out: dict[str, dict[str, str]] = {}
    for n, line in enumerate(DIFFERENCES.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        assert len(parts) == 3 and all(parts), f"{DIFFERENCES.name}:{n}: expected 'reference | piece | reason'"
        out.setdefault(parts[0], {})[parts[1]] = parts[2]
    return out


def run_textmatch(reference: Path, generated: Path) -> tuple[list[str], list[str], str]:
    """Missing sentence pieces, missing table cells and the summary line of textmatch.py."""
    result = subprocess.run(
        [sys.executable, str(TEXTMATCH), str(reference), str(generated), "--show", "100000"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    missing = [line[len("- missing: ") :] for line in lines if line.startswith("- missing: ")]
    cells: list[str] = []
    for line in lines:
        if line.startswith("- table cells missing: "):
            cells = ["[cell] " + c for c in line[len("- table cells missing: ") :].split(" | ")]
    return missing, cells, lines[-1]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Each sample rendered once to DOCX and PDF: ``{sample stem: {"docx": path, "pdf": path}}``."""
    from generator.render.docx import write_docx
    from generator.render.pdf import PdfRenderer

    out = tmp_path_factory.mktemp("rendered")
    renderer = PdfRenderer()
    files: dict[str, dict[str, Path]] = {}
    for path in SAMPLES:
        doc = build_document(load_sample(path))
        files[path.stem] = {"docx": out / f"{path.stem}.docx", "pdf": out / f"{path.stem}.pdf"}
        write_docx(doc, files[path.stem]["docx"])
        renderer.write(doc, files[path.stem]["pdf"])
    return files


def _figures(summary: str) -> tuple[int, int, int, int]:
    m = re.search(r"sentences (\d+)/(\d+) .*with figures (\d+)/(\d+)", summary)
    assert m, summary
    return tuple(map(int, m.groups()))  # type: ignore[return-value]


@pytest.mark.skipif(not TEXTMATCH.is_file(), reason=f"{TEXTMATCH} not found (../shared is absent)")
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("path", SAMPLES, ids=_ids(SAMPLES))
def test_reference_match(path: Path, fmt: str, rendered) -> None:
    """textmatch on the produced DOCX and PDF: every sentence with a figure, ≥ 98% of all, and
    nothing missing that tests/reference_differences.txt does not list with its reason."""
    reference_name = SAMPLE_REFERENCES.get(path.stem)
    if reference_name is None:
        pytest.skip(f"no reference disclosure is known for sample {path.stem}")
    reference = REFERENCE_DIR / reference_name

    missing, missing_cells, summary = run_textmatch(reference, rendered[path.stem][fmt])

    accepted = accepted_differences().get(reference_name, {})
    unlisted = [p for p in missing + missing_cells if p not in accepted]
    assert not unlisted, f"pieces of the reference missing from the {fmt.upper()} and not listed in " + (
        f"{DIFFERENCES.name}:\n" + "\n".join(unlisted)
    )
    found, total, ffound, ftotal = _figures(summary)
    assert ffound == ftotal, summary
    assert found / total >= 0.98, summary


@pytest.mark.skipif(not TEXTMATCH.is_file(), reason=f"{TEXTMATCH} not found (../shared is absent)")
@pytest.mark.parametrize("path", SAMPLES, ids=_ids(SAMPLES))
def test_listed_differences_still_occur(path: Path, rendered) -> None:
    """A difference listed as accepted must still be missing from the DOCX: the list stays true."""
    reference_name = SAMPLE_REFERENCES.get(path.stem)
    if reference_name is None:
        pytest.skip(f"no reference disclosure is known for sample {path.stem}")
    missing, missing_cells, _ = run_textmatch(REFERENCE_DIR / reference_name, rendered[path.stem]["docx"])
    stale = set(accepted_differences().get(reference_name, {})) - set(missing + missing_cells)
    assert not stale, f"listed in {DIFFERENCES.name} but no longer missing: {sorted(stale)}"


@pytest.mark.skipif(not TEXTMATCH.is_file(), reason=f"{TEXTMATCH} not found (../shared is absent)")
@pytest.mark.parametrize("path", SAMPLES, ids=_ids(SAMPLES))
def test_pdf_matches_as_well_as_docx(path: Path, rendered) -> None:
    reference_name = SAMPLE_REFERENCES.get(path.stem)
    if reference_name is None:
        pytest.skip(f"no reference disclosure is known for sample {path.stem}")
    reference = REFERENCE_DIR / reference_name
    docx_summary = run_textmatch(reference, rendered[path.stem]["docx"])[2]
    pdf_summary = run_textmatch(reference, rendered[path.stem]["pdf"])[2]
    assert _figures(pdf_summary) == _figures(docx_summary), (docx_summary, pdf_summary)


@pytest.mark.parametrize("path", SAMPLES, ids=_ids(SAMPLES))
def test_golden(path: Path, update_golden: bool) -> None:
    text = document_text(build_document(load_sample(path)))
    golden = GOLDEN_DIR / f"{path.stem}.txt"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.is_file(), f"{golden} missing: run `pytest --update-golden` and review it"
    expected = golden.read_text(encoding="utf-8")
    if text != expected:
        import difflib

        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), text.splitlines(), "golden", "generated", lineterm="", n=1
            )
        )
        pytest.fail(f"{path.stem}: output differs from {golden.name} (pytest --update-golden):\n{diff}")
