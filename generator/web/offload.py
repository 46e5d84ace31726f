"""Work a request waits for, done in warm worker processes instead of the server process.

Checking an upload (reading the workbook, the checks) and marking up its check report take a few
tenths of a second of pure Python each; a 部门汇总 reads every unit.  Done in the server's own
threads they hold its interpreter lock, and with 30 clerks uploading at once the event loop —
``/api/health``, sign-ins, every page — waits behind them.  Here they run in a small pool of
processes (spawned with the server, modules imported once), separate from the generation pool
so that a clerk's check never waits behind another unit's PDF.  The request thread only waits
for the answer.

Before the pool is started (an app whose lifespan has not run, as in some tests) and after a
worker died, the work runs in the calling thread: slower under load, never lost.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger("juesuan.web.offload")

T = TypeVar("T")


# ------------------------------------------------------------------ worker side
def _warm() -> None:
    import generator.check_report  # noqa: F401 - openpyxl and the check report
    import generator.checks  # noqa: F401
    import generator.inputs  # noqa: F401 - the reader and the model
    import generator.pipeline  # noqa: F401


def _ping() -> bool:
    return True


def check_with_report(source: str, report: str) -> tuple[Any, bool]:
    """Check ``source``; when it could be read and ``report`` is given, write its check report
    (the workbook with every finding marked in place) there.  ``(UnitResult, report written)``."""
    from generator.pipeline import Status, check_file

    result = check_file(Path(source))
    if not report or result.status == Status.UNREADABLE:
        return result, False
    try:
        from generator.check_report import write_report
    except ImportError:  # a version without check reports
        return result, False
    try:
        write_report(Path(source), result.findings, Path(report), unit=result.unit_name, status=result.status)
    except Exception:  # noqa: BLE001 - the findings are shown anyway; the report is a convenience
        log.exception("check report of %s", source)
        Path(report).unlink(missing_ok=True)
        return result, False
    return result, True


# ------------------------------------------------------------------ server side
class Offload:
    def __init__(self, workers: int = 1):
        self.workers = max(0, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        if self.workers:
            self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: the server has threads, and a forked child would inherit their locks.
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_warm)
        for _ in range(self.workers):
            pool.submit(_ping)  # start the workers now, not at the first upload
        return pool

    def stop(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker process (the caller's thread waits), or here when there is none."""
        pool = self._pool
        if pool is None:
            return fn(*args)
        try:
            future = pool.submit(fn, *args)
        except RuntimeError:  # shut down meanwhile (the server is stopping)
            return fn(*args)
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died (memory?): a new pool, and this one here
            log.error("offload worker died; restarting the pool")
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new_pool()
            return fn(*args)
