"""Benchmark how cost grows with the size of a unit: N and k×N 项 rows, and many 绩效 projects.

    .venv/bin/python bench/bench_scale.py [--rows 1000] [--factor 5] [--runs 3] [--projects 300]
    .venv/bin/python bench/bench_scale.py --only-projects --projects 300 --projects-cores 3

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


# the command line with the parts of a long PDF laid out by at most N processes (0: as the command
# line decides, i.e. on every core for a unit made alone; 1: one after another, as before)
_CLI_CORES = (
    "import sys\n"
    "import generator.batch as batch\n"
    "cores = int(sys.argv.pop(1))\n"
    "if cores:\n"
    "    batch.default_jobs = lambda: cores\n"
    "from generator.cli import main\n"
    "sys.argv[0] = 'juesuan-gen'\n"
    "main()\n"
)


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(resident, proportional) set size of ``pid`` in kB; shared pages count once in the
    proportional size, split among the processes sharing them."""
    rss = pss = 0
    try:
        for line in (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


def run_cli_tree(args: list[str], cores: int) -> dict[str, float]:
    """One command line in a new process (parts on at most ``cores`` processes, 0: as it
    decides): seconds, CPU seconds of the whole process tree, and its peak memory summed over
    the processes alive at once (resident: shared pages counted in each; proportional: once),
    sampled every 50 ms."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _CLI_CORES, str(cores), *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss = peak_pss = processes = 0
    while proc.poll() is None:
        pids = _tree(proc.pid)
        sizes = [_memory_kb(pid) for pid in pids]
        peak_rss = max(peak_rss, sum(r for r, _ in sizes))
        peak_pss = max(peak_pss, sum(p for _, p in sizes))
        processes = max(processes, len(pids))
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 1, 2):
        sys.stderr.write(stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": elapsed, "cpu": cpu, "rss_mb": peak_rss / 1024, "pss_mb": peak_pss / 1024,
            "processes": processes, "load": os.getloadavg()[0]}


def projects_cores(book: Path, out: Path, runs: int, figures: dict[str, object]) -> None:
    """The unit with many 绩效 projects through the command line, its PDF's parts laid out one
    after another (1 process) and on every core, alternately ``runs`` times each."""
    results: dict[str, list[dict[str, float]]] = {"sequential": [], "parallel": []}
    for i in range(runs):
        for name, cores in (("sequential", 1), ("parallel", 0)):
            r = run_cli_tree([str(book), "-o", str(out / f"{name}{i}")], cores)
            results[name].append(r)
            print(f"  {name}: {r['seconds']:.1f} s，CPU {r['cpu']:.1f} s，进程树峰值 {r['rss_mb']:.0f} MB（RSS 之和）"
                  f" / {r['pss_mb']:.0f} MB（PSS 之和），最多 {r['processes']} 个进程，负载均值 {r['load']:.1f}")
    for name, rs in results.items():
        print(f"{name}: 中位数 {_median([r['seconds'] for r in rs]):.1f} s，"
              f"CPU {_median([r['cpu'] for r in rs]):.1f} s，峰值 {max(r['rss_mb'] for r in rs):.0f} MB RSS / "
              f"{max(r['pss_mb'] for r in rs):.0f} MB PSS")
    pairs = [p["seconds"] / s["seconds"] for s, p in zip(results["sequential"], results["parallel"], strict=True)]
    print(f"逐轮比值（并行 / 逐段）中位数 {_median(pairs):.2f}（{min(pairs):.2f}–{max(pairs):.2f}）")
    figures["projects_cores"] = {**results, "ratios": pairs}


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
    parser.add_argument("--projects-cores", type=int, default=0, metavar="RUNS",
                        help="also run the projects unit RUNS times each with its PDF's parts laid out one after "
                             "another and on every core, alternately (time, CPU, peak memory of the process tree)")
    parser.add_argument("--only-projects", action="store_true", help="only the projects unit (no scale, no cold runs)")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    figures: dict[str, object] = {}
    try:
        pdf_rows = [int(x) for x in args.pdf_rows.split(",") if x.strip()] if not args.only_projects else []
        if args.only_projects:
            args.skip_scale = True
        if pdf_rows:
            long_pdfs(out, pdf_rows, args.pdf_runs, args.pdf_whole, figures)
        if not args.skip_scale:
            scale(out, args.rows, args.factor, args.runs, figures)

        if args.projects:
            book = _workbook(out, f"projects{args.projects}", projects=args.projects)
            secs, peak = run_cli([str(book), "-o", str(out / "projects")])
            figures["projects"] = {"projects": args.projects, "seconds": secs, "peak_mb": peak}
            print(f"{args.projects} 个绩效项目的单位（命令行，读取 → DOCX + PDF）：{secs:.1f} s，峰值内存 {peak:.0f} MB")
            if args.projects_cores:
                projects_cores(book, out, args.projects_cores, figures)
        if args.only_projects:
            if args.json:
                args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
            return 0

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
