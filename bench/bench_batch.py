"""Batch benchmark: units per minute with 1 and 2 jobs, and peak memory per worker.

    .venv/bin/python bench/bench_batch.py [--sizes 20,100] [--jobs 1,2] [--formats docx,pdf]

Makes N synthetic, valid unit workbooks of varied size (5 to 200 项-level 功能科目 rows,
0 to 10 绩效 projects, all three fund types, all unit kinds) with
:func:`generator.synthetic.synthetic_disclosure`, then times the real command line
``juesuan-gen DIR -o OUT --jobs J`` on them.  Peak memory is the largest resident set of any
process of the run (the main process or a worker), read from ``RUSAGE_CHILDREN``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_workbooks(n: int, folder: Path, seed0: int = 1000, max_rows: int = 200) -> tuple[list[Path], list[int]]:
    """``n`` synthetic unit workbooks of varied size in ``folder``; also their 公开05表 row counts."""
    from generator.model import UnitKind
    from generator.synthetic import synthetic_disclosure
    from generator.workbook import write_template

    kinds = list(UnitKind)
    paths = []
    table_rows = []
    for i in range(n):
        target = 5 + (i * 37) % (max_rows - 4)  # 功能科目 rows of 公开05表 (类, 款 and 项): 5 … max_rows
        d = synthetic_disclosure(
            seed0 + i, rows=max(1, target * 5 // 6), projects=i % 11, kind=kinds[i % 3], fund=i % 2 == 0,
            soe=i % 4 == 0,
        )
        table_rows.append(len(d.t05.rows))
        path = folder / f"unit{i:03d}.xlsx"
        write_template(path, d)
        paths.append(path)
    return paths, table_rows


def _measure(cmd: list[str]) -> None:
    """Run ``cmd``; print its wall time and the peak RSS of its process tree as JSON."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "code": proc.returncode,
                      "stderr": proc.stderr[-2000:]}))


def run(folder: Path, out: Path, jobs: int, formats: str) -> dict:
    exe = str(ROOT / ".venv" / "bin" / "juesuan-gen")
    cmd = [exe, str(folder), "-o", str(out), "--jobs", str(jobs), "--format", formats]
    probe = subprocess.run(
        [sys.executable, __file__, "--measure", "--", *cmd], capture_output=True, text=True, check=True
    )
    return json.loads(probe.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,100")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--formats", default="docx,pdf")
    parser.add_argument("--max-rows", type=int, default=200, help="largest 公开05表 (5 … this many 功能科目 rows)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("cmd", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure([c for c in args.cmd if c != "--"])
        return 0

    sizes = [int(x) for x in args.sizes.split(",")]
    jobs_list = [int(x) for x in args.jobs.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        print(f"机器：{os.cpu_count()} 核；格式 {args.formats}")
        print(f"{'单位数':>6}{'jobs':>6}{'耗时 (s)':>10}{'单位/分钟':>12}{'峰值内存 (MB)':>16}{'退出码':>8}")
        for n in sizes:
            folder = work / f"in{n}"
            folder.mkdir()
            t0 = time.perf_counter()
            _, rows = make_workbooks(n, folder, max_rows=args.max_rows)
            made = time.perf_counter() - t0
            print(f"       N={n}：公开05表 {min(rows)}–{max(rows)} 行，平均 {sum(rows) / len(rows):.0f} 行")
            per_jobs = {}
            for jobs in jobs_list:
                out = work / f"out{n}-{jobs}"
                r = run(folder, out, jobs, args.formats)
                per_jobs[jobs] = r["seconds"]
                rate = n / r["seconds"] * 60
                print(f"{n:>6}{jobs:>6}{r['seconds']:>10.1f}{rate:>12.1f}{r['peak_mb']:>16.0f}{r['code']:>8}")
                if r["code"] != 0:
                    print(r["stderr"])
            if 1 in per_jobs and 2 in per_jobs:
                print(f"       N={n}：2 jobs 比 1 job 快 {per_jobs[1] / per_jobs[2]:.2f} 倍（生成 {n} 个工作簿用时 {made:.1f} s，不计入）")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
