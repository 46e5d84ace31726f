"""The generation queue: jobs in the database, run on a warm process pool.

The pool is started with the server; each worker loads the fonts and templates once (the batch
engine's :func:`generator.batch._work` keeps its renderers) and renders unit after unit.  Jobs
live in the database, so they survive a restart: at start-up a job found ``running`` (the server
stopped while rendering it) is run again once, then marked failed with the reason.  The queue is
bounded: when ``queue_limit`` jobs are waiting or running, :meth:`JobRunner.enqueue` raises
:class:`QueueFull` and the caller answers 请稍后再试.  A unit that cannot be read, fails its
checks or crashes its worker fails alone; the other jobs go on.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from generator.pipeline import BuildOptions, Status, UnitResult
from generator.web.db import Job, OutputFile, Submission, Unit, now
from generator.web.files import FileStore
from generator.web.results import counts, public_text, stored_result

log = logging.getLogger("juesuan.web.jobs")

ACTIVE = ("pending", "running")
MAX_ATTEMPTS = 2


class QueueFull(Exception):
    """The queue holds ``queue_limit`` jobs: a new one must wait."""


# ------------------------------------------------------------------ worker side
def _warm(formats: tuple[str, ...]) -> None:
    """Worker initialiser: load fonts and templates before the first unit arrives."""
    from generator import batch

    batch._run_worker_hook()
    batch._renderers = batch.Renderers(BuildOptions(formats=formats))
    for name in formats:
        batch._renderers.get(name)  # loads fonts and templates now
    import generator.report  # noqa: F401 - the document builder


def _ping() -> bool:
    return True


def _generate(source: str, out_dir: str, formats: tuple[str, ...], stem: str | None, style: str = "") -> UnitResult:
    """One unit in a warm worker; ``style``: the 公开格式 chosen instead of the workbook's own."""
    from generator.batch import _work

    # the server's own storage: its files are replaced when a submission is generated again
    options = BuildOptions(out_dir=Path(out_dir), formats=formats, style=style or None, overwrite=True)
    return _work(Path(source), stem, options)


# ------------------------------------------------------------------ server side
def find_or_create_unit(db: Session, name: str) -> Unit:
    unit = db.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        unit = Unit(name=name)
        db.add(unit)
        db.flush()
    return unit


def make_report(store: FileStore, stored: str, filename: str, result: UnitResult) -> OutputFile | None:
    """Write the check report of an upload (its workbook with every finding marked in place) into
    the store; the OutputFile row is not added yet.  None when the workbook cannot be read.
    Called outside any database transaction: writing the report takes a moment."""
    if result.status == Status.UNREADABLE:
        return None
    try:
        from generator.check_report import write_report
    except ImportError:  # a version without check reports
        return None
    source = store.path(stored)
    target = source.with_name(f".{source.name}.report.xlsx")
    try:
        write_report(source, result.findings, target, unit=result.unit_name, status=result.status)
    except Exception:  # noqa: BLE001 - the findings are shown anyway; the report is a convenience
        log.exception("check report of %s", filename)
        target.unlink(missing_ok=True)
        return None
    return store_report(store, target, filename)


def store_report(store: FileStore, target: Path, filename: str) -> OutputFile:
    """Move a written check report of the upload ``filename`` into the store (row not added yet)."""
    from generator.check_report import report_name

    name = store.put_file(target, ".xlsx")
    return OutputFile(kind="report", filename=report_name(Path(filename)), stored=name,
                      size=store.path(name).stat().st_size)


def attach_report(db: Session, store: FileStore, sub: Submission, report: OutputFile | None) -> None:
    """Make ``report`` the check report of ``sub`` (replacing an earlier one)."""
    if report is None:
        return
    for old in [o for o in sub.outputs if o.kind == "report"]:
        store.delete(old.stored)
        db.delete(old)
    report.submission_id = sub.id
    db.add(report)


class JobRunner:
    def __init__(self, sessions: sessionmaker, store: FileStore, work_dir: Path, formats: tuple[str, ...],
                 workers: int = 1, queue_limit: int = 20,
                 on_finished: Callable[[str, float], None] | None = None):
        self.sessions = sessions
        self.store = store
        self.work_dir = Path(work_dir)
        self.formats = formats
        self.workers = max(1, workers)
        self.queue_limit = queue_limit
        self.on_finished = on_finished  # (outcome, seconds) for the metrics
        self._pool: ProcessPoolExecutor | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # enqueue: count and insert as one step

    # -- life cycle
    def start(self) -> None:
        self.recover()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._pool = self._new_pool()
        self._thread = threading.Thread(target=self._loop, name="juesuan-jobs", daemon=True)
        self._thread.start()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: the server has threads, and a forked child would inherit their locks.
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_warm, initargs=(self.formats,))
        for _ in range(self.workers):
            pool.submit(_ping)  # start the workers (and load fonts) now, not at the first upload
        return pool

    def stop(self) -> None:
        """Stop taking jobs; a job still rendering stays ``running`` and is run again at the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._pool is not None:
            processes = list((getattr(self._pool, "_processes", None) or {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes:  # a unit still rendering is re-run at the next start
                proc.terminate()
            self._pool = None

    def recover(self) -> None:
        """Jobs that were running when the server stopped: run again, or fail after MAX_ATTEMPTS."""
        with self.sessions.begin() as db:
            for job in db.scalars(select(Job).where(Job.state == "running")):
                if job.attempts >= MAX_ATTEMPTS:
                    job.state = "failed"
                    job.finished_at = now()
                    job.reason = f"服务器在生成该单位时停止了 {job.attempts} 次，已不再重试；请重新提交"
                    sub = job.submission
                    sub.status = "failed"
                    sub.message = job.reason
                else:
                    job.state = "pending"
                    job.reason = "服务器重启时该单位正在生成，已重新排队"
                    job.submission.status = "queued"

    # -- queue
    def active(self, db: Session) -> int:
        return db.scalar(select(func.count()).select_from(Job).where(Job.state.in_(ACTIVE))) or 0

    def room(self, db: Session) -> int:
        return max(0, self.queue_limit - self.active(db))

    def enqueue(self, db: Session, submissions: list[Submission], style: str = "") -> list[Job]:
        """Queue the generation of ``submissions`` (all or none), in the 公开格式 ``style`` (empty:
        each workbook's own).  The caller commits."""
        with self._lock:
            if self.active(db) + len(submissions) > self.queue_limit:
                raise QueueFull
            jobs = []
            for sub in submissions:
                sub.status = "queued"
                job = Job(submission_id=sub.id, state="pending", style=style)
                db.add(job)
                jobs.append(job)
            db.flush()
        return jobs

    def notify(self) -> None:
        self._wake.set()

    # -- the dispatcher thread
    def _loop(self) -> None:
        in_flight: dict[Future, tuple[int, float, Path]] = {}
        while not self._stop.is_set():
            try:
                while len(in_flight) < self.workers and not self._stop.is_set():
                    picked = self._pick()
                    if picked is None:
                        break
                    job_id, source, stem, style = picked
                    out = self.work_dir / f"job-{job_id}-{int(time.time() * 1000)}"
                    out.mkdir(parents=True, exist_ok=True)
                    pool = self._pool
                    if pool is None:  # stopped meanwhile
                        break
                    fut = pool.submit(_generate, str(source), str(out), self.formats, stem, style)
                    in_flight[fut] = (job_id, time.monotonic(), out)
                done = [f for f in in_flight if f.done()]
                for fut in done:
                    job_id, started, out = in_flight.pop(fut)
                    self._finish(job_id, fut, time.monotonic() - started, out)
                if done:
                    continue
                self._wake.wait(0.2)
                self._wake.clear()
            except Exception:  # noqa: BLE001 - the dispatcher must outlive any one job
                log.exception("job dispatcher")
                time.sleep(1)

    def _pick(self) -> tuple[int, Path, str | None, str] | None:
        with self.sessions.begin() as db:
            job = db.scalars(select(Job).where(Job.state == "pending").order_by(Job.id).limit(1)).first()
            if job is None:
                return None
            job.state = "running"
            job.attempts += 1
            job.started_at = now()
            sub = job.submission
            sub.status = "running"
            return job.id, self.store.path(sub.stored), None, job.style or ""

    def _finish(self, job_id: int, fut: Future, seconds: float, out: Path) -> None:
        try:
            result: UnitResult | None = fut.result()
            problem = ""
        except BrokenProcessPool:
            result, problem = None, "生成该单位时工作进程意外退出，未生成文件"
            self._pool = self._new_pool()
        except Exception as exc:  # noqa: BLE001 - the reason is logged; the user reads no internals
            log.error("job %s failed: %s: %s", job_id, type(exc).__name__, exc)
            result, problem = None, f"生成时出现程序错误（{type(exc).__name__}），未生成文件；请把提交编号告诉管理员"
        outcome = "failed"
        report = None
        if result is not None:  # batch uploads are checked by the job: their report is made now
            with self.sessions() as db:
                job = db.get(Job, job_id)
                sub = job.submission if job else None
                wanted = sub is not None and not any(o.kind == "report" for o in sub.outputs)
                stored, filename = (sub.stored, sub.filename) if sub is not None else ("", "")
            if wanted:
                report = make_report(self.store, stored, filename, result)
        try:
            with self.sessions.begin() as db:
                job = db.get(Job, job_id)
                if job is None:
                    return
                sub = job.submission
                job.finished_at = now()
                if result is None:
                    job.state, job.reason = "failed", problem
                    sub.status, sub.message = "failed", problem
                else:
                    attach_report(db, self.store, sub, report)
                    outcome = self._store_result(db, sub, result, job.style or "")
                    job.state = "done" if outcome == "generated" else "failed"
                    job.reason = "" if outcome == "generated" else (sub.message or result.status)
        finally:
            shutil.rmtree(out, ignore_errors=True)
            if self.on_finished is not None:
                self.on_finished(outcome, seconds)

    def _store_result(self, db: Session, sub: Submission, result: UnitResult, style: str = "") -> str:
        if style and result.status == Status.CHECKS_FAILED:
            return self._failed_in_style(sub, result, style)
        data = stored_result(result, sub.filename)
        sub.result = data
        sub.errors, sub.warnings, sub.notices = counts(data)
        sub.message = public_text(result.message, result, sub.filename)
        if result.unit_name and sub.unit_id is None:
            sub.unit = find_or_create_unit(db, result.unit_name)
        if result.year:
            sub.year = result.year
        if result.status == Status.UNREADABLE:
            sub.status = "unreadable"
        elif result.status == Status.CHECKS_FAILED:
            sub.status = "errors"
        elif result.status in (Status.OK, Status.WARNINGS) and result.outputs:
            for old in [o for o in sub.outputs if o.kind != "report"]:
                self.store.delete(old.stored)
                db.delete(old)
            for path in result.outputs:
                fmt = path.suffix.lstrip(".").lower()
                stored = self.store.put_file(path, path.suffix)
                db.add(OutputFile(submission_id=sub.id, kind=fmt, filename=path.name, stored=stored,
                                  size=self.store.path(stored).stat().st_size))
            sub.status = "generated"
            sub.generated_at = now()
        else:
            sub.status = "failed"
            sub.message = public_text(result.message, result, sub.filename) or "生成失败"
        return sub.status

    def _failed_in_style(self, sub: Submission, result: UnitResult, style: str) -> str:
        """Checks failed in the 公开格式 ``style`` chosen instead of the workbook's own: nothing is
        generated, but the upload stays as it is — its own check (and any files generated before)
        are kept, and it can be generated again in another format without a new upload.  The
        errors of ``style`` are named in the message.  (A batch upload checked only now keeps
        these findings, since it has no others.)"""
        if sub.result is None:
            sub.result = stored_result(result, sub.filename)
            sub.errors, sub.warnings, sub.notices = counts(sub.result)
        sub.message = style_failure_message(result, style)
        sub.status = "failed"
        return sub.status


STYLE_ERRORS_SHOWN = 10


def style_failure_message(result: UnitResult, style: str) -> str:
    """Why a generation in the chosen 公开格式 ``style`` stopped, with its first errors and cells."""
    from generator.errors import Severity

    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    shown = "；".join(f"{'、'.join(f.cells)}：{f.message}" if f.cells else f.message
                     for f in errors[:STYLE_ERRORS_SHOWN])
    more = f"；等共 {len(errors)} 条" if len(errors) > STYLE_ERRORS_SHOWN else ""
    return (f"按公开格式“{style}”检查有 {len(errors)} 条错误，未生成：{shown}{more}。"
            "可以选择其他公开格式（或“按工作簿所选”）重新生成，不必重新上传。")
