"""Benchmark how cost grows with the size of a unit: N and k×N 项 rows, and many 绩效 projects.

    .venv/bin/python bench/bench_scale.py [--rows 1000] [--factor 5] [--runs 3] [--projects 300]

For N and k×N 项 rows (synthetic units, :mod:`generator.synthetic`, written as workbooks)
it times, alternately in one run (the machine is shared: the *ratio* of the two sizes is the
figure to read; a linear stage gives about k): read (workbook → model), checks, building the
Document, DOCX.  Then it runs a unit with ``--projects`` 绩效 projects through the command
line (read → DOCX + PDF) in a new process and reports time and peak memory, and the cold
command line: ``--check`` and the build of a sample workbook (median of ``--runs``).
"""

from __future__ import annotations

import argparse
import json
import resource
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

    t0 = time.perf_counter()
    loaded = load_input(book)
    t1 = time.perf_counter()
    run_checks(loaded.disclosure, loaded.sources)
    t2 = time.perf_counter()
    doc = build_document(loaded.disclosure)
    t3 = time.perf_counter()
    write_docx(doc, out / f"{book.stem}.docx")
    t4 = time.perf_counter()
    return {"read": t1 - t0, "check": t2 - t1, "document": t3 - t2, "docx": t4 - t3}


def run_cli(args: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one command line in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([str(EXE), *args], capture_output=True)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1, 2):  # 1/2: findings, still a full run
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
    # ru_maxrss of children is the maximum over all children so far: a smaller later child
    # does not show; report it only when it grew
    return elapsed, (peak / 1024 if peak > before else float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--factor", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    figures: dict[str, object] = {}
    try:
        small, large = args.rows, args.rows * args.factor
        books = {small: _workbook(out, f"rows{small}", rows=small), large: _workbook(out, f"rows{large}", rows=large)}
        stages(books[small], out)  # warm: templates, year data
        times: dict[int, dict[str, list[float]]] = {n: {} for n in books}
        for _ in range(args.runs):
            for n, book in books.items():  # alternately: both sizes see the same noise
                for key, value in stages(book, out).items():
                    times[n].setdefault(key, []).append(value)
        print(f"规模：{small} 与 {large} 个项级科目行（合成单位），各 {args.runs} 次交替运行，取中位数；"
              f"线性时比值约为 {args.factor}")
        print(f"{'阶段':<10}{small:>10} 行 (s){large:>10} 行 (s){'比值':>10}")
        for key in times[small]:
            a, b = _median(times[small][key]), _median(times[large][key])
            figures[f"scale.{key}"] = {"small": a, "large": b, "ratio": b / a}
            print(f"{key:<10}{a:>15.2f}{b:>15.2f}{b / a:>12.1f}")

        book = _workbook(out, f"projects{args.projects}", projects=args.projects)
        secs, peak = run_cli([str(book), "-o", str(out / "projects")])
        figures["projects"] = {"projects": args.projects, "seconds": secs, "peak_mb": peak}
        print(f"{args.projects} 个绩效项目的单位（命令行，读取 → DOCX + PDF）：{secs:.1f} s，峰值内存 {peak:.0f} MB")

        check = [run_cli(["--check", str(SAMPLE)])[0] for _ in range(args.runs)]
        build = [run_cli([str(SAMPLE), "-o", str(out / f"cold{i}")])[0] for i in range(args.runs)]
        figures["cold"] = {"check": _median(check), "build": _median(build)}
        print(f"cold 命令行（新进程，样例单位，中位数）：--check {_median(check):.2f} s；"
              f"DOCX + PDF {_median(build):.2f} s")
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
