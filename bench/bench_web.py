"""Load test of the web server (loopback only, bounded in count and time).

    .venv/bin/python bench/bench_web.py [--clerks 30] [--seconds 60] [--units 10] [--workers 2]

Starts ``juesuan-gen serve`` on 127.0.0.1 and a free port with a fresh data folder, then:

1. upload → preview: a clerk uploads a sample unit, generates, and the preview is served;
2. wrong-password storm: ``--storm`` seconds of concurrent wrong sign-ins (only 401/429 expected)
   while /api/health is timed;
3. clerks: ``--clerks`` concurrent clerks upload and check a sample for ``--seconds`` seconds
   (p50/p95 latency, server errors, peak memory of the server and its workers);
4. queue pressure: far more submissions than the queue holds, at once (accepted vs 请稍后再试,
   every accepted job completes, peak memory);
5. bureau batch: ``--units`` synthetic units in one upload, time until all are generated.

Every loop stops after its time or count; nothing is sent anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

SAMPLE = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
UNIT = "乌鲁木齐市12345政务服务热线中心"


def rss_tree_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MB)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total / 1024


class PeakMemory:
    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_tree_mb(self.pid))
            time.sleep(0.2)

    def __enter__(self):
        self.peak = 0.0
        self._stop.clear()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def serve_cli(data: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "generator", "serve", "--data", str(data), *args],
                          capture_output=True, text=True, check=True).stdout.strip()


async def storm(base: str, seconds: float, concurrency: int = 20) -> dict:
    codes: dict[int, int] = {}
    health: list[float] = []
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        page = await client.get("/login")
        pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

        async def attacker(i: int):
            n = 0
            while time.monotonic() < stop and n < 2000:
                r = await client.post("/login", data={"name": f"clerk{i % 3}", "password": f"wrong{n}",
                                                      "csrf_token": pre}, follow_redirects=False)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
                n += 1

        async def prober():
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = await client.get("/api/health")
                if r.status_code == 200:
                    health.append(time.perf_counter() - t)
                await asyncio.sleep(0.1)

        await asyncio.gather(prober(), *(attacker(i) for i in range(concurrency)))
    return {"attempts": sum(codes.values()), "codes": codes, "health_p50_ms": pct(health, 50) * 1000,
            "health_p95_ms": pct(health, 95) * 1000, "health_max_ms": max(health) * 1000}


async def clerks(base: str, token: str, n: int, seconds: float) -> dict:
    content = SAMPLE.read_bytes()
    latencies: list[float] = []
    codes: dict[int, int] = {}
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=n + 5)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def clerk():
            k = 0
            while time.monotonic() < stop and k < 500:
                t = time.perf_counter()
                r = await client.post("/api/check", files={"file": (SAMPLE.name, content)})
                latencies.append(time.perf_counter() - t)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
                k += 1

        await asyncio.gather(*(clerk() for _ in range(n)))
    return {"requests": len(latencies), "codes": codes, "p50_s": pct(latencies, 50), "p95_s": pct(latencies, 95),
            "per_second": len(latencies) / seconds, "server_errors": sum(v for c, v in codes.items() if c >= 500)}


def wait_done(client: httpx.Client, ids: list[int], timeout: float) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    states: dict[int, str] = {}
    while time.monotonic() < deadline:
        states = {i: client.get(f"/api/submissions/{i}").json()["status"] for i in ids}
        if all(s not in ("queued", "running") for s in states.values()):
            break
        time.sleep(0.5)
    return states


def queue_pressure(base: str, auth: dict, n: int, pid: int) -> dict:
    """``n`` submissions at once: accepted ones must all complete, the rest get 请稍后再试."""
    async def burst():
        async with httpx.AsyncClient(base_url=base, timeout=300, headers=auth) as ac:
            content = SAMPLE.read_bytes()
            return await asyncio.gather(*(ac.post("/api/submissions", files={"file": (SAMPLE.name, content)})
                                          for _ in range(n)))

    with PeakMemory(pid) as mem, httpx.Client(base_url=base, timeout=300, headers=auth) as client:
        accepted, busy, other = [], 0, {}
        for r in asyncio.run(burst()):
            if r.status_code == 202:
                accepted.append(r.json()["id"])
            elif r.status_code == 503 and "请稍后再试" in r.json()["detail"]:
                busy += 1
            else:
                other[r.status_code] = other.get(r.status_code, 0) + 1
        t = time.perf_counter()
        states = wait_done(client, accepted, 1800)
        drained = time.perf_counter() - t
    return {"sent": n, "accepted": len(accepted), "busy_503": busy, "other": other,
            "completed": sum(1 for s in states.values() if s == "generated"), "drain_s": round(drained, 1),
            "peak_mb": round(mem.peak)}


def bureau_batch(base: str, admin: str, units: int, data: Path, pid: int) -> dict:
    """``units`` synthetic units in one upload; time until every one is generated."""
    from bench.bench_batch import make_workbooks

    folder = data / "units"
    folder.mkdir(exist_ok=True)
    paths, _ = make_workbooks(units, folder, max_rows=60)
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    with PeakMemory(pid) as mem, httpx.Client(base_url=base, timeout=600,
                                              headers={"Authorization": f"Bearer {admin}"}) as client:
        t = time.perf_counter()
        bid = client.post("/api/batches", files=files).json()["id"]
        while True:
            progress = client.get(f"/api/batches/{bid}").json()
            if progress["done"] or time.perf_counter() - t > 1800:
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - t
    return {"units": units, "generated": progress["generated"], "seconds": round(seconds, 1),
            "units_per_minute": round(units / seconds * 60, 1), "peak_mb": round(mem.peak)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clerks", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--storm", type=float, default=20)
    ap.add_argument("--units", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queue-limit", type=int, default=20)
    ap.add_argument("--pressure", type=int, default=60, help="submissions sent at once in the queue test")
    ap.add_argument("--phases", default="preview,storm,clerks,queue,batch", help="which parts to run")
    args = ap.parse_args()
    phases = set(args.phases.split(","))

    data = Path(tempfile.mkdtemp(prefix="juesuan-bench-web-"))
    token = serve_cli(data, "--add-account", "clerk", "--unit", UNIT)
    for i in range(3):
        serve_cli(data, "--add-account", f"clerk{i}", "--unit", f"单位{i}", "--password", "right-pass-1")
    admin = serve_cli(data, "--add-account", "bureau", "--admin", "--password", "right-pass-1")
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--data", str(data), "--port", str(port),
                             "--workers", str(args.workers), "--queue-limit", str(args.queue_limit)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report: dict = {"workers": args.workers, "queue_limit": args.queue_limit, "cpus": os.cpu_count()}
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        time.sleep(3)  # workers warm up (fonts)
        report["idle_mb"] = round(rss_tree_mb(proc.pid))
        auth = {"Authorization": f"Bearer {token}"}
        if "preview" in phases:  # 1. upload → preview
            with httpx.Client(base_url=base, timeout=300, headers=auth) as client:
                times = []
                for _ in range(3):
                    t = time.perf_counter()
                    sid = client.post("/api/submissions", files={"file": (SAMPLE.name, SAMPLE.read_bytes())}).json()["id"]
                    state = wait_done(client, [sid], 300)[sid]
                    files = client.get(f"/api/submissions/{sid}").json()["files"]
                    preview_kind = "html" if "html" in files else "pdf"
                    assert client.get(files[preview_kind]).status_code == 200 and state == "generated"
                    times.append(time.perf_counter() - t)
            report["upload_to_preview_s"] = {"runs": [round(x, 2) for x in times],
                                             "median": round(statistics.median(times), 2)}
            print("upload → preview", report["upload_to_preview_s"], flush=True)

        if "storm" in phases:  # 2. wrong-password storm
            with PeakMemory(proc.pid) as mem:
                report["storm"] = asyncio.run(storm(base, args.storm))
            report["storm"]["peak_mb"] = round(mem.peak)
            print("storm", report["storm"], flush=True)

        if "clerks" in phases:  # 3. clerks checking at once
            with PeakMemory(proc.pid) as mem:
                report["clerks"] = asyncio.run(clerks(base, token, args.clerks, args.seconds))
            report["clerks"].update(clerks=args.clerks, seconds=args.seconds, peak_mb=round(mem.peak))
            print("clerks", report["clerks"], flush=True)

        if "queue" in phases:  # 4. queue pressure
            report["queue"] = queue_pressure(base, auth, args.pressure, proc.pid)
            print("queue", report["queue"], flush=True)

        if "batch" in phases:  # 5. bureau batch
            report["batch"] = bureau_batch(base, admin, args.units, data, proc.pid)
            print("batch", report["batch"], flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
