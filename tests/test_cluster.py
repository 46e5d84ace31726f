"""The batch on a Dask distributed cluster (``--scheduler``), against a real local cluster.

A ``dask scheduler`` and two ``dask worker`` processes (from this virtual environment, bound to
127.0.0.1) are started for the module and always stopped at its end.  The workers inherit
``JUESUAN_GEN_WORKER_HOOK=faults:install_crashing_check``: a unit named 崩溃单位… kills the
worker process that checks it.  The scheduler gives up on a task after one worker death
(``allowed-failures`` 1), so that unit ends as 生成失败 quickly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faults import CRASHING, install_crashing_check
from openpyxl import load_workbook

from generator import batch, checks
from generator.cluster import WORKER_DIED
from generator.inputs import dump_json
from generator.pipeline import Status
from generator.synthetic import synthetic_disclosure
from generator.written import RECORDS
from tests.clirun import invoke

pytest.importorskip("distributed")

TESTS = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    dask = BIN / "dask"
    if not dask.exists():
        pytest.skip("dask is not installed in this environment (make setup installs it)")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("cluster-logs")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    env[batch.WORKER_HOOK_ENV] = "faults:install_crashing_check"
    env["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = "1"
    procs: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> None:
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        procs.append(subprocess.Popen([str(dask), *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        for i in range(2):
            start(f"worker{i}", "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                  "--no-dashboard", "--name", f"w{i}")
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5, set_as_default=False) as client:
                    client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                break
            except Exception:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    text = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs.iterdir())
                    pytest.fail(f"the local cluster did not start:\n{text}")
                time.sleep(0.5)
        yield address
    finally:
        for p in reversed(procs):
            _stop(p)


def _write(path: Path, d) -> None:
    path.write_text(dump_json(d), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good units, a corrupt workbook, and a unit that kills the worker checking it."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        _write(folder / f"u{i}.json", synthetic_disclosure(70 + i, rows=5, projects=1))
    crashing = synthetic_disclosure(75, rows=5)
    crashing.unit.name = f"{CRASHING}乙"
    _write(folder / "u3.json", crashing)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return folder


def _summary(out: Path) -> list[tuple]:
    """The rows of 汇总.xlsx, the output folder's name replaced by OUT."""
    rows = list(load_workbook(out / "汇总.xlsx").active.iter_rows(values_only=True))
    return [tuple(v.replace(str(out), "OUT") if isinstance(v, str) else v for v in r) for r in rows]


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_batch_on_the_cluster_matches_the_local_pool(tmp_path: Path, folder: Path, scheduler, monkeypatch):
    on_cluster = tmp_path / "cluster-out"
    result = invoke(folder, "-o", on_cluster, "--format", "docx,pdf", "--scheduler", scheduler)
    assert result.exit_code == 2, result.output  # the unreadable workbook
    assert "Traceback" not in result.output
    assert f"在 Dask 集群 {scheduler} 上生成" in result.stderr
    line = next(x for x in result.stderr.splitlines() if "u3.json" in x)
    assert WORKER_DIED in line

    # the same folder in the local pool, whose workers crash on the same unit
    monkeypatch.setenv(batch.WORKER_HOOK_ENV, "faults:install_crashing_check")
    monkeypatch.syspath_prepend(str(TESTS))
    local = tmp_path / "local-out"
    assert invoke(folder, "-o", local, "--format", "docx,pdf", "--jobs", "2").exit_code == 2

    rows = _summary(on_cluster)
    assert rows == _summary(local)
    status = {r[0]: r[3] for r in rows[1:-1]}
    assert status["broken.xlsx"] == Status.UNREADABLE
    assert status["u3.json"] == Status.RENDER_FAILED
    assert all(status[f"u{i}.json"] in (Status.OK, Status.WARNINGS) for i in range(3))

    made = sorted(p.name for p in on_cluster.iterdir() if p.name != RECORDS)
    assert made == sorted(p.name for p in local.iterdir() if p.name != RECORDS)
    # every file written is recorded, on the cluster by the client that writes it
    assert sorted(p.name for p in (on_cluster / RECORDS).iterdir()) == sorted(p.name for p in (local / RECORDS).iterdir())
    assert len([n for n in made if n.endswith(".pdf")]) == 3 and len([n for n in made if n.endswith(".docx")]) == 3
    assert not [n for n in made if n.startswith(".")]  # no temporary left in OUT
    for pdf in on_cluster.glob("*.pdf"):
        assert _pdf_text(pdf) == _pdf_text(local / pdf.name)
    from docx import Document

    for docx in on_cluster.glob("*.docx"):
        texts = [[p.text for p in Document(str(d)).paragraphs] for d in (docx, local / docx.name)]
        assert texts[0] == texts[1]
    assert install_crashing_check not in checks.CHECKS  # the crash lived only in the workers


def test_skip_existing_on_the_cluster(tmp_path: Path, scheduler):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        _write(folder / f"u{i}.json", synthetic_disclosure(80 + i, rows=5))
    out = tmp_path / "out"
    assert invoke(folder, "-o", out, "--format", "docx", "--scheduler", scheduler).exit_code == 0
    first = sorted(out.glob("*.docx"))[0]
    first.unlink()
    kept = {p: p.stat().st_mtime_ns for p in out.glob("*.docx")}
    result = invoke(folder, "-o", out, "--format", "docx", "--skip-existing", "--scheduler", scheduler)
    assert result.exit_code == 0
    skipped = [x for x in result.stdout.splitlines() if x.startswith("- ") and x.endswith(f"：{Status.SKIPPED}")]
    assert len(skipped) == 1
    assert first.exists()
    assert all(p.stat().st_mtime_ns == t for p, t in kept.items())


def test_the_cluster_replaces_its_own_files_and_keeps_edited_ones(tmp_path: Path, scheduler):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        _write(folder / f"u{i}.json", synthetic_disclosure(85 + i, rows=5))
    out = tmp_path / "out"
    assert invoke(folder, "-o", out, "--format", "docx,html", "--scheduler", scheduler).exit_code == 0
    again = invoke(folder, "-o", out, "--format", "docx,html", "--scheduler", scheduler)
    assert again.exit_code == 0, again.output  # its own files: replaced without a word
    edited = sorted(out.glob("*.docx"))[0]
    edited.write_bytes(edited.read_bytes() + b"edited in Word")
    html = edited.with_suffix(".html")
    html_inode = html.stat().st_ino
    others = {p: p.stat().st_ino for p in out.iterdir() if not p.name.startswith(".") and p not in (edited, html)}
    kept = invoke(folder, "-o", out, "--format", "docx,html", "--scheduler", scheduler)
    assert kept.exit_code == 1
    assert f"{edited} 在上次生成后被修改过" in " ".join(kept.stderr.split())
    assert edited.read_bytes().endswith(b"edited in Word")
    assert html.stat().st_ino == html_inode  # the unit is not half replaced
    assert all(p.stat().st_ino != ino for p, ino in others.items())  # the other unit is, and the summary
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert invoke(folder, "-o", out, "--format", "docx,html", "--overwrite", "--scheduler", scheduler).exit_code == 0
    assert not edited.read_bytes().endswith(b"edited in Word")


@pytest.mark.parametrize("address", ["8786", "http://host:8786", "tcp://host", "tcp://host:99999", "a b:1"])
def test_a_bad_scheduler_address_is_a_usage_error(tmp_path: Path, address: str):
    (tmp_path / "u.json").write_text(dump_json(synthetic_disclosure(90, rows=3)), encoding="utf-8")
    result = invoke(tmp_path / "u.json", "-o", tmp_path / "out", "--scheduler", address)
    assert result.exit_code == 2
    assert "--scheduler 应为调度器地址" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_said_in_chinese(tmp_path: Path, monkeypatch):
    from generator import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2.0)
    (tmp_path / "u.json").write_text(dump_json(synthetic_disclosure(91, rows=3)), encoding="utf-8")
    port = _free_port()  # nothing listens there
    result = invoke(tmp_path / "u.json", "-o", tmp_path / "out", "--scheduler", f"127.0.0.1:{port}")
    assert result.exit_code == 2
    assert f"无法连接调度器 tcp://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_jobs_and_scheduler_together_are_refused(tmp_path: Path):
    result = invoke(tmp_path, "--jobs", "2", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2
    assert "--jobs 与 --scheduler 不能同时使用" in result.stderr


def test_the_command_line_does_not_import_dask_without_scheduler():
    code = "import sys, generator.cli, generator.batch, generator.cluster; print('distributed' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"

