"""Benchmark how cost grows with the size of a unit: N and k×N 项 rows, and many 绩效 projects.

    .venv/bin/python bench/bench_scale.py [--rows 1000] [--factor 5] [--runs 3] [--projects 300]

For N and k×N 项 rows (synthetic units, :mod:`generator.synthetic`, written as workbooks)
it times, alternately in one run (the machine is shared: the *ratio* of the two sizes is the
figure to read; a linear stage gives about k): read (workbook → model), the same read with
openpyxl (``read_openpyxl``, as before the fast reader), checks, building the Document, DOCX.  Then it runs a unit with ``--projects`` 绩效 projects through the command
line (read → DOCX + PDF) in a new process and reports time and peak memory, and the cold
command line: ``--check`` (median of ``--cold-runs``, the package's bytecode compiled first,
as a wheel installs it) and the build of a sample workbook (median of ``--runs``).

The PDF of a long unit (``--pdf-rows``, default 1,000 and 5,000 项 rows): time and peak
memory of the PDF stage alone, each in a new process (model → Document → PDF), as it runs
now (laid out in parts, :mod:`generator.render.pdf_parts`) and, with ``--pdf-whole``, laid
out in one piece as before (slow: minutes and gigabytes for 5,000 rows); then the whole
command line (read → DOCX + PDF) for the same units.  Peak memory is the process's maximum
resident set; the time is the median of ``--pdf-runs``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXE = ROOT / ".venv" / "bin" / "juesuan-gen"
SAMPLE = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _workbook(out: Path, name: str, **kw) -> Path:
    from generator.synthetic import synthetic_disclosure

    data = out / f"{name}.json"
    data.write_text(synthetic_disclosure(seed=1, **kw).model_dump_json(), encoding="utf-8")
    book = out / f"{name}.xlsx"
    subprocess.run([str(EXE), "--template", str(book), "--from", str(data), "--overwrite"],
                   check=True, capture_output=True)
    return book


def stages(book: Path, out: Path) -> dict[str, float]:
    from generator.checks import run_checks
    from generator.inputs import load_input
    from generator.render.docx import write_docx
    from generator.report import build_document
    from generator.workbook import grid, reader

    t0 = time.perf_counter()
    loaded = load_input(book)
    t1 = time.perf_counter()
    run_checks(loaded.disclosure, loaded.sources)
    t2 = time.perf_counter()
    doc = build_document(loaded.disclosure)
    t3 = time.perf_counter()
    write_docx(doc, out / f"{book.stem}.docx")
    t4 = time.perf_counter()
    # the same workbook read with openpyxl, as before the fast reader (generator.workbook.fastxlsx)
    reader.open_book = lambda path: grid.open_book(path, "openpyxl")
    try:
        load_input(book)
    finally:
        reader.open_book = grid.open_book
    t5 = time.perf_counter()
    return {"read": t1 - t0, "read_openpyxl": t5 - t4, "check": t2 - t1, "document": t3 - t2, "docx": t4 - t3}


# runs a command and prints the peak memory of it alone: ru_maxrss of a process's children
# is the maximum over all of them so far, so each command gets a parent of its own
_PEAK = (
    "import resource, subprocess, sys\n"
    "proc = subprocess.run(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, proc.returncode, file=sys.stderr)\n"
)


def run_cli(args: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one command line in a new process."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, str(EXE), *args], capture_output=True)
    elapsed = time.perf_counter() - t0
    peak_kb, code = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1].split()
    if int(code) not in (0, 1, 2):  # 1/2: findings, still a full run
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
    return elapsed, int(peak_kb) / 1024


def pdf_stage(data: Path, split: str) -> dict[str, float]:
    """Run in a new process: the PDF of the unit in ``data`` (JSON), in parts or whole."""
    code = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from generator.inputs import load_input\n"
        "from generator.report import build_document\n"
        "from generator.render.pdf import PdfRenderer\n"
        "doc = build_document(load_input(Path(sys.argv[1])).disclosure)\n"
        "renderer = PdfRenderer()\n"
        "t = time.perf_counter()\n"
        "layout = renderer.lay_out(doc, split={'parts': None, 'whole': False}[sys.argv[2]])\n"
        "renderer.write(doc, Path(sys.argv[3]), layout)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'pages': layout.pages,\n"
        "                  'parts': len(layout.parts.parts) if layout.parts else 1,\n"
        "                  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    target = data.with_name(f"{data.stem}-{split}.pdf")
    proc = subprocess.run([sys.executable, "-c", code, str(data), split, str(target)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"PDF stage failed for {data.name}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["mb"] = target.stat().st_size / 1e6
    return result


def long_pdfs(out: Path, rows: list[int], runs: int, whole: bool, figures: dict[str, object]) -> None:
    from generator.synthetic import synthetic_disclosure

    print("长文档的 PDF（新进程中只做 PDF：模型 → 文档 → PDF；峰值内存为进程最大常驻内存；时间取中位数）")
    for n in rows:
        data = out / f"pdfrows{n}.json"
        data.write_text(synthetic_disclosure(seed=1, rows=n).model_dump_json(), encoding="utf-8")
        for split in (["parts", "whole"] if whole else ["parts"]):
            results = [pdf_stage(data, split) for _ in range(runs if split == "parts" else 1)]
            secs = _median([r["seconds"] for r in results])
            peak = max(r["peak_mb"] for r in results)
            first = results[0]
            figures[f"pdf.{n}.{split}"] = {"seconds": secs, "peak_mb": peak, "pages": first["pages"],
                                            "parts": first["parts"], "mb": first["mb"]}
            label = "分段排版" if split == "parts" else "整体排版（改进前）"
            print(f"  {n} 行，{label}：{first['pages']} 页、{first['parts']} 段，{secs:.1f} s，"
                  f"峰值内存 {peak:.0f} MB，文件 {first['mb']:.1f} MB")
        secs, peak = run_cli([str(data), "-o", str(out / f"cli{n}")])
        figures[f"pdf.{n}.cli"] = {"seconds": secs, "peak_mb": peak}
        print(f"  {n} 行，命令行（读取 → DOCX + PDF）：{secs:.1f} s，峰值内存 {peak:.0f} MB")


def scale(out: Path, small: int, factor: int, runs: int, figures: dict[str, object]) -> None:
    large = small * factor
    books = {small: _workbook(out, f"rows{small}", rows=small), large: _workbook(out, f"rows{large}", rows=large)}
    stages(books[small], out)  # warm: templates, year data
    times: dict[int, dict[str, list[float]]] = {n: {} for n in books}
    for _ in range(runs):
        for n, book in books.items():  # alternately: both sizes see the same noise
            for key, value in stages(book, out).items():
                times[n].setdefault(key, []).append(value)
    print(f"规模：{small} 与 {large} 个项级科目行（合成单位），各 {runs} 次交替运行，取中位数；"
          f"线性时比值约为 {factor}")
    print(f"{'阶段':<10}{small:>10} 行 (s){large:>10} 行 (s){'比值':>10}")
    for key in times[small]:
        a, b = _median(times[small][key]), _median(times[large][key])
        figures[f"scale.{key}"] = {"small": a, "large": b, "ratio": b / a}
        print(f"{key:<10}{a:>15.2f}{b:>15.2f}{b / a:>12.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--factor", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=9, help="runs of the cold --check (median)")
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--pdf-rows", default="1000,5000", help="项 rows of the long PDFs (comma-separated; empty: skip)")
    parser.add_argument("--pdf-runs", type=int, default=1)
    parser.add_argument("--pdf-whole", action="store_true", help="also lay the long PDFs out in one piece (before)")
    parser.add_argument("--skip-scale", action="store_true", help="only the long PDFs and the projects unit")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    figures: dict[str, object] = {}
    try:
        pdf_rows = [int(x) for x in args.pdf_rows.split(",") if x.strip()]
        if pdf_rows:
            long_pdfs(out, pdf_rows, args.pdf_runs, args.pdf_whole, figures)
        if not args.skip_scale:
            scale(out, args.rows, args.factor, args.runs, figures)

        if args.projects:
            book = _workbook(out, f"projects{args.projects}", projects=args.projects)
            secs, peak = run_cli([str(book), "-o", str(out / "projects")])
            figures["projects"] = {"projects": args.projects, "seconds": secs, "peak_mb": peak}
            print(f"{args.projects} 个绩效项目的单位（命令行，读取 → DOCX + PDF）：{secs:.1f} s，峰值内存 {peak:.0f} MB")

        # as installed from a wheel: the package's bytecode is compiled (pip does it on install;
        # with PYTHONDONTWRITEBYTECODE set, every run would compile the sources anew)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")],
                       check=True, capture_output=True)
        check = [run_cli(["--check", str(SAMPLE)])[0] for _ in range(args.cold_runs)]
        build = [run_cli([str(SAMPLE), "-o", str(out / f"cold{i}")])[0] for i in range(args.runs)]
        figures["cold"] = {"check": _median(check), "check_runs": check, "build": _median(build),
                           "load": os.getloadavg()}
        print(f"cold 命令行（新进程，样例单位，中位数）：--check {_median(check):.2f} s"
              f"（{len(check)} 次 {min(check):.2f}–{max(check):.2f} s）；"
              f"DOCX + PDF {_median(build):.2f} s；负载均值 {os.getloadavg()[0]:.1f}")
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
