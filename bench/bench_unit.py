"""Benchmark one unit end to end, stage by stage, cold and warm, against LibreOffice.

    .venv/bin/python bench/bench_unit.py [WORKBOOK] [--runs N] [--no-soffice]

Stages: read (workbook → model), check, compute (derived figures + document), DOCX, PDF.
*warm* repeats the stages in this process (fonts and templates already loaded); *cold*
runs the whole command line in a new process each time.  The PDF stage is compared with
converting the same DOCX by LibreOffice headless (``soffice --headless --convert-to pdf``),
alternately in each round so that both see the same load (the machine may be shared): the
ratio of each round, its median, and the ratio of CPU times are printed, with the load average.
Peak memory is the maximum resident set size of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
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


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _peak_mb_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def warm(workbook: Path, runs: int, out: Path) -> dict[str, list[float]]:
    from generator.checks import run_checks
    from generator.inputs import load_input
    from generator.pipeline import BuildOptions, Renderers
    from generator.render.docx import write_docx
    from generator.report import build_document

    renderers = Renderers(BuildOptions(out_dir=out))
    from generator.render.registry import RenderSettings, make_renderer

    variants = {v: make_renderer("pdf", RenderSettings(pdf_variant=v)) for v in ("pdf/a-3b", "pdf/ua-1")}
    stages = ("read", "check", "compute", "docx", "pdf", "total", "html", "xlsx", *variants)
    times: dict[str, list[float]] = {k: [] for k in stages}
    for i in range(runs + 1):  # the first run loads fonts and templates: not counted as warm
        t0 = time.perf_counter()
        loaded = load_input(workbook)
        t1 = time.perf_counter()
        run_checks(loaded.disclosure, loaded.sources)
        t2 = time.perf_counter()
        doc = build_document(loaded.disclosure)
        t3 = time.perf_counter()
        write_docx(doc, out / "bench.docx")
        t4 = time.perf_counter()
        renderers.pdf.write(doc, out / "bench.pdf")
        t5 = time.perf_counter()
        renderers.get("html").write(doc, out / "bench.html")  # the other registered formats, each timed
        t6 = time.perf_counter()
        renderers.get("xlsx").write(doc, out / "bench.xlsx")
        t7 = time.perf_counter()
        variant_times = []
        for variant, renderer in variants.items():  # the same PDF as an archival / tagged file
            t = time.perf_counter()
            renderer.write(doc, out / f"bench-{variant.replace('/', '-')}.pdf")
            variant_times.append(time.perf_counter() - t)
        if i == 0:
            first = t5 - t0
            continue
        values = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0, t6 - t5, t7 - t6, *variant_times)
        for key, value in zip(times, values, strict=True):
            times[key].append(value)
    times["first_in_process"] = [first]
    return times


def cold(workbook: Path, runs: int, out: Path) -> list[float]:
    exe = ROOT / ".venv" / "bin" / "juesuan-gen"
    results = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([str(exe), str(workbook), "-o", str(out)], check=True, capture_output=True)
        results.append(time.perf_counter() - t0)
    return results


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def soffice_alternating(workbook: Path, runs: int, out: Path) -> dict[str, list[float]] | None:
    """Our PDF stage (warm) and LibreOffice converting our DOCX to PDF, one after the other in
    each round, so that both see the same load; wall time and CPU time of each.

    LibreOffice starts a new process for every conversion (as a user's one-off conversion
    does), so its time includes its start-up; the profile directory is kept between rounds."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        return None
    from generator.inputs import load_input
    from generator.pipeline import BuildOptions, Renderers
    from generator.render.docx import write_docx
    from generator.report import build_document

    doc = build_document(load_input(workbook).disclosure)
    docx = out / "versus.docx"
    write_docx(doc, docx)
    renderers = Renderers(BuildOptions(out_dir=out))
    renderers.pdf.write(doc, out / "versus.pdf")  # fonts and templates loaded: warm from here on
    profile = out / "lo-profile"
    command = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out / "lo"), str(docx)]
    subprocess.run(command, check=True, capture_output=True)  # LibreOffice's first start makes its profile
    times: dict[str, list[float]] = {"ours": [], "ours_cpu": [], "lo": [], "lo_cpu": []}
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        renderers.pdf.write(doc, out / "versus.pdf")
        times["ours"].append(time.perf_counter() - t0)
        times["ours_cpu"].append(time.process_time() - c0)
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times["lo"].append(time.perf_counter() - t0)
        times["lo_cpu"].append(_children_cpu() - c0)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path,
                        default=ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-soffice", action="store_true")
    parser.add_argument("--versus-runs", type=int, default=9,
                        help="rounds of the PDF stage against LibreOffice, alternately (default 9)")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-unit-"))
    try:
        w = warm(args.workbook, args.runs, out)
        peak_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        c = cold(args.workbook, args.runs, out / "cold")
        peak_cold = _peak_mb_children()
        load_before = _load_average()
        lo = None if args.no_soffice else soffice_alternating(args.workbook, args.versus_runs, out)
        load_after = _load_average()
        pdf_size = (out / "bench.pdf").stat().st_size / 1024
        docx_size = (out / "bench.docx").stat().st_size / 1024
        pages = subprocess.run(["pdfinfo", str(out / "bench.pdf")], capture_output=True, text=True).stdout
        pages = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages")), "?")

        print(f"单位：{args.workbook.name}；PDF {pages} 页，{pdf_size:.0f} KB；DOCX {docx_size:.0f} KB；重复 {args.runs} 次，取中位数")
        print(f"{'阶段':<10}{'warm 中位数 (s)':>18}")
        for key in ("read", "check", "compute", "docx", "pdf", "total"):
            print(f"{key:<10}{_median(w[key]):>18.3f}")
        print("其他格式（不计入 total）：")
        for key in ("html", "xlsx"):
            size = (out / f"bench.{key}").stat().st_size / 1024
            print(f"{key:<10}{_median(w[key]):>18.3f}   {size:.0f} KB")
        for key in ("pdf/a-3b", "pdf/ua-1"):
            added = _median(w[key]) - _median(w["pdf"])
            print(f"{key:<10}{_median(w[key]):>18.3f}   比普通 PDF 多 {added:+.3f} s")
        print(f"首次（进程内，加载字体与模板）：{w['first_in_process'][0]:.2f} s")
        print(f"cold（新进程，命令行，DOCX+PDF）：中位数 {_median(c):.2f} s（{', '.join(f'{x:.2f}' for x in c)}）")
        print(f"峰值内存：warm 进程 {peak_warm:.0f} MB；cold 命令行进程 {peak_cold:.0f} MB")
        if lo is not None:
            ratios = [a / b for a, b in zip(lo["ours"], lo["lo"], strict=True)]
            cpu_ratios = [a / b for a, b in zip(lo["ours_cpu"], lo["lo_cpu"], strict=True)]
            print(f"对照（{args.versus_runs} 轮，每轮先本工具 PDF 阶段、后 LibreOffice 将同一 DOCX 转为 PDF；"
                  f"负载均值 {load_before} → {load_after}）：")
            print(f"  本工具 PDF 阶段 中位数 {_median(lo['ours']):.2f} s（{', '.join(f'{x:.2f}' for x in lo['ours'])}），"
                  f"CPU {_median(lo['ours_cpu']):.2f} s")
            print(f"  LibreOffice     中位数 {_median(lo['lo']):.2f} s（{', '.join(f'{x:.2f}' for x in lo['lo'])}），"
                  f"CPU {_median(lo['lo_cpu']):.2f} s")
            print(f"  比值（本工具 / LibreOffice，逐轮）：中位数 {_median(ratios):.2f}"
                  f"（{', '.join(f'{x:.2f}' for x in ratios)}）；CPU 时间之比 中位数 {_median(cpu_ratios):.2f}")
        else:
            print("对照：未找到 soffice，跳过 LibreOffice 比较")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
