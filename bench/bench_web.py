"""Load test of the web server (loopback only, bounded in count and time).

    .venv/bin/python bench/bench_web.py [--clerks 30] [--seconds 180] [--units 10] [--workers 2]

First, in this process and without a server, where the time of one upload goes (``stages``:
read, checks, check report, generation of each output format).  Then it starts
``juesuan-gen serve`` on 127.0.0.1 and a free port with a fresh data folder, and:

/api/health is timed from a separate process throughout (the load generator's own event loop
would otherwise count as the server's latency).

1. upload → findings and upload → preview (``--runs`` each, medians): a clerk uploads a sample
   unit and gets its findings; uploads it to be generated, and the preview is served;
2. a password-hashing storm: ``--storm`` seconds of concurrent *right* sign-ins (each one an
   Argon2 verification, not stopped by the rate limit) while /api/health is timed; then the
   wrong-password storm: concurrent wrong sign-ins (only 401/429 expected), /api/health timed;
3. clerks: ``--clerks`` concurrent clerks upload and check a sample for ``--seconds`` seconds
   (p50/p95 latency, server errors, /api/health meanwhile, peak memory of the server and its
   workers);
4. queue pressure: far more submissions than the queue holds, at once (accepted vs 请稍后再试,
   every accepted job completes, peak memory);
5. bureau batch: ``--units`` synthetic units in one upload, time until all are generated;
6. ``--phases ab``: the clerks' check load against two servers differing only in
   ``--check-workers`` (``--ab 0,2``), alternately A B A B … (``--ab-rounds`` × ``--ab-seconds``),
   so that a busy machine weighs on both alike: checks/s, p50/p95, /api/health p95 of each.

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
POLL = 0.2  # s between status requests while waiting for a generation
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


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the process ``pid`` itself, all its threads, not its children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU time used so far by the process ``pid`` and each of its descendants, by pid."""
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            out[p] = cpu_seconds(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds a process tree used between two readings (processes that ended meanwhile are not counted)."""
    return sum(after[p] - before.get(p, 0.0) for p in after)


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


def _probe_process(base: str, until: float, out) -> None:
    """In its own process: time /api/health every 0.1 s until ``until`` (time.time()); latencies into ``out``."""
    health: list[float] = []
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.time() < until:
            t = time.perf_counter()
            r = client.get("/api/health")
            if r.status_code == 200:
                health.append(time.perf_counter() - t)
            time.sleep(0.1)
    out.put(health)


class HealthProbe:
    """/api/health timed from a separate process, so that the load generator's own work (its
    event loop, the interpreter lock) does not count as the server's latency."""

    def __init__(self, base: str, seconds: float):
        import multiprocessing

        until = time.time() + seconds  # ends with the load, however long the process takes to start
        ctx = multiprocessing.get_context("spawn")
        self._queue = ctx.Queue()
        self._proc = ctx.Process(target=_probe_process, args=(base, until, self._queue), daemon=True)

    def __enter__(self):
        self._proc.start()
        return self

    def __exit__(self, *exc):
        self.health = self._queue.get(timeout=600)
        self._proc.join(timeout=30)


async def storm(base: str, seconds: float, pid: int, concurrency: int = 20) -> dict:
    """Wrong passwords from ``concurrency`` connections.  Besides /api/health, the CPU time the
    server process spent per attempt: what the storm costs it, whatever else the machine is doing."""
    codes: dict[int, int] = {}
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        page = await client.get("/login")
        pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

        async def attacker(i: int):
            n = 0
            while time.monotonic() < stop and n < 20000:
                r = await client.post("/login", data={"name": f"clerk{i % 3}", "password": f"wrong{n}",
                                                      "csrf_token": pre}, follow_redirects=False)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
                n += 1

        # first every account reaches its limit (15 wrong passwords, each one verified); the timed
        # storm then measures the cost of refusing, attempt after attempt
        for i in range(3):
            for n in range(50):
                r = await client.post("/login", data={"name": f"clerk{i}", "password": f"first{n}", "csrf_token": pre},
                                      follow_redirects=False)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
                if r.status_code == 429:
                    break
        first = dict(codes)
        codes.clear()
        stop = time.monotonic() + seconds
        cpu = cpu_seconds(pid)
        with HealthProbe(base, seconds) as probe:
            await asyncio.gather(*(attacker(i) for i in range(concurrency)))
        cpu = cpu_seconds(pid) - cpu
    attempts = sum(codes.values())
    return {"until_limited": first, "attempts": attempts, "codes": codes, "per_second": round(attempts / seconds),
            "server_cpu_s": round(cpu, 2), "server_cpu_ms_per_attempt": round(cpu / max(attempts, 1) * 1000, 2),
            **health_figures(probe.health)}


def health_figures(health: list[float]) -> dict:
    return {"health_n": len(health), "health_p50_ms": round(pct(health, 50) * 1000),
            "health_p95_ms": round(pct(health, 95) * 1000),
            "health_max_ms": round(max(health) * 1000) if health else None}


async def hashing_storm(base: str, seconds: float, names: list[str], password: str) -> dict:
    """Right passwords, signed in again and again: every attempt is a full Argon2 verification.
    One signer per account, fewer than the per-address limit: an attempt counts as failed until
    its password is verified, so more at once would be (rightly) rate-limited."""
    concurrency = len(names)
    codes: dict[int, int] = {}
    signin: list[float] = []
    stop = time.monotonic() + seconds
    with HealthProbe(base, seconds) as probe:
        async def signer(i: int):
            async with httpx.AsyncClient(base_url=base, timeout=60) as client:
                n = 0
                while time.monotonic() < stop and n < 2000:
                    page = await client.get("/login")
                    pre = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
                    t = time.perf_counter()
                    r = await client.post("/login", data={"name": names[i % len(names)], "password": password,
                                                          "csrf_token": pre}, follow_redirects=False)
                    signin.append(time.perf_counter() - t)
                    codes[r.status_code] = codes.get(r.status_code, 0) + 1
                    client.cookies.clear()
                    n += 1

        await asyncio.gather(*(signer(i) for i in range(concurrency)))
    return {"sign_ins": sum(codes.values()), "codes": codes, "per_second": round(sum(codes.values()) / seconds, 1),
            "signin_p50_ms": round(pct(signin, 50) * 1000), **health_figures(probe.health)}


async def clerk_load(base: str, token: str, n: int, seconds: float) -> tuple[list[float], dict, list[float], float]:
    """``n`` clerks check the sample again and again for ``seconds``: (latencies, status codes,
    /api/health latencies from a separate process, the actual duration including the last requests)."""
    content = SAMPLE.read_bytes()
    latencies: list[float] = []
    codes: dict[int, int] = {}
    started = time.monotonic()
    stop = started + seconds
    limits = httpx.Limits(max_connections=n + 5)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def clerk():
            k = 0
            while time.monotonic() < stop and k < 2000:
                t = time.perf_counter()
                r = await client.post("/api/check", files={"file": (SAMPLE.name, content)})
                latencies.append(time.perf_counter() - t)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
                k += 1

        with HealthProbe(base, seconds) as probe:
            await asyncio.gather(*(clerk() for _ in range(n)))
    return latencies, codes, probe.health, time.monotonic() - started


def load_figures(latencies: list[float], codes: dict, health: list[float], actual: float) -> dict:
    return {"requests": len(latencies), "codes": codes, "p50_s": round(pct(latencies, 50), 2),
            "p95_s": round(pct(latencies, 95), 2), "per_second": round(len(latencies) / actual, 2),
            "actual_seconds": round(actual, 1), "server_errors": sum(v for c, v in codes.items() if c >= 500),
            **health_figures(health)}


async def clerks(base: str, token: str, n: int, seconds: float) -> dict:
    return load_figures(*await clerk_load(base, token, n, seconds))


def start_server(data: Path, workers: int, queue_limit: int, check_workers: int) -> tuple[subprocess.Popen, str]:
    """``juesuan-gen serve`` on 127.0.0.1 and a free port, once it answers and its workers are warm."""
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--data", str(data), "--port", str(port),
                             "--workers", str(workers), "--queue-limit", str(queue_limit),
                             "--check-workers", str(check_workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    time.sleep(3)  # workers warm up (fonts)
    return proc, base


def checks_ab(args) -> dict:
    """The clerks' check load against servers that differ only in ``--check-workers``, measured
    alternately (A B A B …, ``--ab-rounds`` rounds of ``--ab-seconds`` each, the same load) so
    that a busy machine weighs on each alike.  Both servers run throughout; only one is loaded."""
    configs = [int(c) for c in args.ab.split(",")]
    servers: dict[int, tuple[subprocess.Popen, str, str, Path]] = {}
    runs: dict[int, list] = {c: [] for c in configs}
    try:
        for c in configs:
            data = Path(tempfile.mkdtemp(prefix=f"juesuan-bench-ab{c}-"))
            token = serve_cli(data, "--add-account", "clerk", "--unit", UNIT)
            proc, base = start_server(data, args.workers, args.queue_limit, c)
            servers[c] = (proc, base, token, data)
        for r in range(args.ab_rounds):
            for c in configs:
                proc, base, token, _ = servers[c]
                load = os.getloadavg()[0]
                cpu = tree_cpu_seconds(proc.pid)
                with PeakMemory(proc.pid) as mem:
                    raw = asyncio.run(clerk_load(base, token, args.clerks, args.ab_seconds))
                used = cpu_used(cpu, tree_cpu_seconds(proc.pid))
                runs[c].append((raw, load, os.getloadavg()[0], mem.peak, used))
                one = load_figures(*raw)
                print(f"check-workers {c} round {r + 1}: {one['per_second']}/s p50 {one['p50_s']} s "
                      f"p95 {one['p95_s']} s health p95 {one['health_p95_ms']} ms load {load:.1f} "
                      f"server CPU {used:.1f} s = {used / max(1, len(raw[0])) * 1000:.0f} ms per check "
                      f"({used / raw[3]:.2f} cores)", flush=True)
    finally:
        for proc, _, _, data in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
            shutil.rmtree(data, ignore_errors=True)
    out = {}
    for c, rounds in runs.items():
        latencies = [x for (raw, *_) in rounds for x in raw[0]]
        health = [x for (raw, *_) in rounds for x in raw[2]]
        codes: dict[int, int] = {}
        for (raw, *_) in rounds:
            for code, k in raw[1].items():
                codes[code] = codes.get(code, 0) + k
        actual = sum(raw[3] for (raw, *_) in rounds)
        out[f"check_workers_{c}"] = {
            **load_figures(latencies, codes, health, actual), "rounds": len(rounds),
            "per_round": [round(len(raw[0]) / raw[3], 2) for (raw, *_) in rounds],
            "load": [round(x, 1) for (_, a, b, _, _) in rounds for x in (a, b)],
            "server_cpu_ms_per_check": round(sum(u for (*_, u) in rounds) / max(1, len(latencies)) * 1000),
            "server_cores_used": round(sum(u for (*_, u) in rounds) / actual, 2),
            "peak_mb": round(max(m for (_, _, _, m, _) in rounds))}
    return {"clerks": args.clerks, "seconds_per_round": args.ab_seconds, **out}


def stages(runs: int = 3) -> dict:
    """Where one upload's time goes, in this process (warm after the first run): medians in s."""
    from generator.check_report import write_report
    from generator.checks import run_checks
    from generator.inputs import load_input
    from generator.render.registry import format_names
    from generator.web.jobs import _generate, _warm

    formats = tuple(format_names())
    _warm(formats)
    times: dict[str, list[float]] = {}

    def timed(name: str, fn):
        t = time.perf_counter()
        value = fn()
        times.setdefault(name, []).append(time.perf_counter() - t)
        return value

    from generator.pipeline import check_file

    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs + 1):
            loaded = timed("read", lambda: load_input(SAMPLE))
            timed("checks", lambda: run_checks(loaded.disclosure, loaded.sources))
            result = check_file(SAMPLE)
            timed("check_report", lambda: write_report(SAMPLE, result.findings, Path(tmp) / f"r{i}.xlsx",
                                                       unit=result.unit_name, status=result.status))
            for fmt in formats:
                out = Path(tmp) / f"{fmt}{i}"
                out.mkdir()
                timed(f"generate_{fmt}", lambda: _generate(str(SAMPLE), str(out), (fmt,), None))
            out = Path(tmp) / f"all{i}"
            out.mkdir()
            timed("generate_all", lambda: _generate(str(SAMPLE), str(out), formats, None))
    return {k: round(statistics.median(v[1:]), 2) for k, v in times.items()}  # the first run is cold


def wait_done(client: httpx.Client, ids: list[int], timeout: float) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    states: dict[int, str] = {}
    while time.monotonic() < deadline:
        states = {i: client.get(f"/api/submissions/{i}").json()["status"] for i in ids}
        if all(s not in ("queued", "running") for s in states.values()):
            break
        time.sleep(POLL)
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
    ap.add_argument("--seconds", type=float, default=180, help="duration of the clerks' load test")
    ap.add_argument("--runs", type=int, default=5, help="uploads timed for the findings and the preview")
    ap.add_argument("--check-workers", type=int, default=2)
    ap.add_argument("--storm", type=float, default=20)
    ap.add_argument("--units", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queue-limit", type=int, default=20)
    ap.add_argument("--pressure", type=int, default=60, help="submissions sent at once in the queue test")
    ap.add_argument("--phases", default="stages,preview,storm,hashing,clerks,queue,batch",
                    help="which parts to run; also ab: the check load with each --ab value of --check-workers, alternately")
    ap.add_argument("--ab", default="0,2", help="the --check-workers values compared by the ab part")
    ap.add_argument("--ab-rounds", type=int, default=3)
    ap.add_argument("--ab-seconds", type=float, default=40)
    args = ap.parse_args()
    phases = set(args.phases.split(","))
    report: dict = {"workers": args.workers, "check_workers": args.check_workers, "queue_limit": args.queue_limit,
                    "cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    if "ab" in phases:  # the check load with and without check processes, alternately
        report["checks_ab"] = checks_ab(args)
        print("checks_ab", json.dumps(report["checks_ab"], ensure_ascii=False), flush=True)
        phases.discard("ab")
        if not phases:
            print(json.dumps(report, ensure_ascii=False, indent=2))
            return 0
    if "stages" in phases:  # where one upload's time goes (no server)
        report["stages_s"] = stages()
        print("stages", report["stages_s"], flush=True)

    data = Path(tempfile.mkdtemp(prefix="juesuan-bench-web-"))
    token = serve_cli(data, "--add-account", "clerk", "--unit", UNIT)
    for i in range(3):
        serve_cli(data, "--add-account", f"clerk{i}", "--unit", f"单位{i}", "--password", "right-pass-1")
    admin = serve_cli(data, "--add-account", "bureau", "--admin", "--password", "right-pass-1")
    for i in range(10):
        serve_cli(data, "--add-account", f"hash{i}", "--unit", f"单位{i % 3}", "--password", "right-pass-1")
    proc, base = start_server(data, args.workers, args.queue_limit, args.check_workers)
    try:
        report["idle_mb"] = round(rss_tree_mb(proc.pid))
        auth = {"Authorization": f"Bearer {token}"}
        if "preview" in phases:  # 1. upload → findings, upload → preview
            with httpx.Client(base_url=base, timeout=300, headers=auth) as client:
                findings, times = [], []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    sid = client.post("/api/submissions", files={"file": (SAMPLE.name, SAMPLE.read_bytes())},
                                      data={"generate": "false"}).json()["id"]
                    got = client.get(f"/api/submissions/{sid}").json()
                    assert any("900.52" in f["message"] for f in got["findings"])
                    findings.append(time.perf_counter() - t)
                for _ in range(args.runs):
                    t = time.perf_counter()
                    sid = client.post("/api/submissions", files={"file": (SAMPLE.name, SAMPLE.read_bytes())}).json()["id"]
                    state = wait_done(client, [sid], 300)[sid]
                    files = client.get(f"/api/submissions/{sid}").json()["files"]
                    preview = client.get(files["html" if "html" in files else "pdf"])  # what the page's frame shows
                    assert preview.status_code == 200 and state == "generated", (preview.status_code, state)
                    times.append(time.perf_counter() - t)
            report["upload_to_findings_s"] = {"runs": [round(x, 2) for x in findings],
                                              "median": round(statistics.median(findings), 2)}
            report["upload_to_preview_s"] = {"runs": [round(x, 2) for x in times],
                                             "median": round(statistics.median(times), 2)}
            print("upload → findings", report["upload_to_findings_s"], flush=True)
            print("upload → preview", report["upload_to_preview_s"], flush=True)

        if "hashing" in phases:  # 2a. right passwords: every sign-in hashes (before the
            # wrong-password storm, whose failures block this address for the window)
            with PeakMemory(proc.pid) as mem:
                report["hashing"] = asyncio.run(hashing_storm(base, args.storm, [f"hash{i}" for i in range(10)],
                                                              "right-pass-1"))
            report["hashing"]["peak_mb"] = round(mem.peak)
            print("hashing", report["hashing"], flush=True)

        if "storm" in phases:  # 2. wrong-password storm
            with PeakMemory(proc.pid) as mem:
                report["storm"] = asyncio.run(storm(base, args.storm, proc.pid))
            report["storm"].update(peak_mb=round(mem.peak), load_1min=round(os.getloadavg()[0], 1))
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
