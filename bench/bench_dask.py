"""Dask cluster benchmark: units per minute on 1, 2 and 4 local workers, and the scaling.

    .venv/bin/python bench/bench_dask.py [--units 1000] [--workers 1,2,4] [--formats docx,pdf]

Makes N synthetic, valid unit workbooks (the mix of bench/bench_batch.py: 5 to 200 项 rows,
0 to 10 绩效 projects), starts a ``dask scheduler`` on 127.0.0.1 and W ``dask worker``
processes (one thread each), and times the real command line
``juesuan-gen DIR -o OUT --scheduler tcp://127.0.0.1:PORT`` for each W.  The workers are
started and connected before the clock starts; their first unit (fonts, templates) is in the
time.  Scaling is the throughput with W workers over the throughput with one.  On one machine
the workers share its cores: scaling past the number of cores is not expected.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_cluster(workers: int, logs: Path) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []

    def start(name: str, *args: str) -> None:
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115
        procs.append(subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))

    start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    for i in range(workers):
        start(f"worker{i}", "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard")
    deadline = time.monotonic() + 120
    while True:
        try:
            with Client(address, timeout=5, set_as_default=False) as client:
                client.wait_for_workers(workers, timeout=max(1, deadline - time.monotonic()))
            return address, procs
        except Exception:
            if time.monotonic() > deadline:
                _stop(procs)
                raise
            time.sleep(0.5)


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in reversed(procs):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def main() -> int:
    from bench_batch import make_workbooks

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--formats", default="docx,pdf")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    print(f"Dask batch: {args.units} synthetic units, formats {args.formats}, "
          f"{os.cpu_count()} CPU cores on this machine; workers have one thread each")
    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        make_workbooks(args.units, folder)
        for w in counts:
            logs = Path(tmp) / f"logs{w}"
            logs.mkdir()
            address, procs = _start_cluster(w, logs)
            try:
                out = Path(tmp) / f"out{w}"
                t0 = time.perf_counter()
                proc = subprocess.run(
                    [str(BIN / "juesuan-gen"), str(folder), "-o", str(out), "--format", args.formats,
                     "--scheduler", address],
                    capture_output=True, text=True,
                )
                elapsed = time.perf_counter() - t0
            finally:
                _stop(procs)
            made = len(list(out.glob("*.pdf" if "pdf" in args.formats else "*.docx")))
            if proc.returncode != 0 or made != args.units:
                print(proc.stderr[-3000:], file=sys.stderr)
                print(f"{w} workers: FAILED (exit {proc.returncode}, {made} of {args.units} units made)")
                return 1
            rates[w] = args.units / elapsed * 60
            print(f"{w} worker(s): {elapsed:7.1f} s, {rates[w]:6.1f} units/min, "
                  f"scaling ×{rates[w] / rates[counts[0]]:.2f} over {counts[0]}")
    best = max(rates, key=rates.get)
    hours = 50_000 / rates[best] / 60
    print(f"50,000 units at the best rate here ({rates[best]:.1f}/min, {best} workers): {hours:.1f} h "
          f"on one such machine; about {hours / 10:.1f} h on ten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
