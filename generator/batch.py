"""Many units in one run: a process pool, a progress bar, failure isolation.

Each input is an independent job.  A worker process keeps its renderers (fonts, templates)
for every unit it renders.  A unit that cannot be read, fails its checks or crashes the
renderer is reported and the others complete; a worker that dies takes down only the unit it
was rendering (the pool is restarted for the rest).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from generator.atomic import remove_stale_temporaries
from generator.pipeline import BuildOptions, Renderers, Status, UnitResult, build_unit, output_stem
from generator.written import RECORDS

if TYPE_CHECKING:
    from generator.cluster import Cluster

_renderers: Renderers | None = None

# ``module:function`` called once in each worker process before its first unit.  Tests use it
# to make a worker behave like this process after a monkeypatch (e.g. a check that raises),
# whatever the pool's start method.
WORKER_HOOK_ENV = "JUESUAN_GEN_WORKER_HOOK"


_hooked_pid: int | None = None  # the process the hook last ran in (a forked worker inherits the value)


def _run_worker_hook() -> None:
    """Run the hook once per process: keyed by the process id, not by the renderers, which a
    worker forked from a process that already made units inherits."""
    global _hooked_pid
    if _hooked_pid == os.getpid():
        return
    _hooked_pid = os.getpid()
    spec = os.environ.get(WORKER_HOOK_ENV)
    if spec:
        module, _, name = spec.partition(":")
        getattr(importlib.import_module(module), name)()


def _work(path: Path, stem: str | None, options: BuildOptions) -> UnitResult:
    """One unit in a worker process; the worker's renderers are made on its first unit and kept.
    Failures are caught inside :func:`build_unit`, exactly as when one process renders all."""
    global _renderers
    _run_worker_hook()
    if _renderers is None:
        _renderers = Renderers(options)
    return build_unit(path, options, _renderers, stem=stem)


def _unit_stem(path: Path) -> str | None:
    """The default output stem of one input, or None when it cannot be read (its job says why)."""
    from generator.inputs import load_input
    from generator.workbook.peek import peek_unit_document

    try:  # a name no file can carry must fail its own job, never the stems of the whole batch
        peeked = peek_unit_document(path)
        if peeked is not None:
            return output_stem(*peeked)
    except Exception:  # noqa: BLE001 - the job itself reports it
        return None
    try:
        unit = load_input(path).disclosure.unit
    except Exception:  # noqa: BLE001 - the job itself reports it
        return None
    return output_stem(unit.name, unit.year, unit.document)


def assign_stems(
    files: list[Path], pool: ProcessPoolExecutor | None = None, duplicates: dict[Path, Path] | None = None
) -> dict[Path, str | None]:
    """Output stems, distinct within the run and in input order: the second workbook of a unit
    gets ``（2）``, the same one on every run (so ``--skip-existing`` resumes correctly).

    The inputs are read in ``pool`` when one is given.  Unreadable files get ``None``.  When
    ``duplicates`` is given, every later input of a unit already seen is entered in it with
    the first input of that unit."""
    stems = pool.map(_unit_stem, files, chunksize=4) if pool is not None else map(_unit_stem, files)
    used: set[str] = set()
    first: dict[str, Path] = {}
    out: dict[Path, str | None] = {}
    for path, base in zip(files, stems, strict=True):
        if base is None:
            out[path] = None
            continue
        if base in first and duplicates is not None:
            duplicates[path] = first[base]
        first.setdefault(base, path)
        stem, n = base, 2
        while stem in used:
            stem = f"{base}（{n}）"
            n += 1
        used.add(stem)
        out[path] = stem
    return out


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def alone(options: BuildOptions, files: int, jobs: int | None, cluster: Cluster | None = None) -> BuildOptions:
    """``options`` for a run that makes ``files`` units with ``jobs`` processes (None: as
    many as cores): when this process makes them one at a time itself, a long PDF's parts
    may be laid out on all the cores (``pdf_part_workers``); in a pool or on a cluster each
    unit keeps to one core, as the other units use the rest."""
    from dataclasses import replace

    if cluster is not None or max(1, min(jobs or default_jobs(), files)) > 1:
        return options
    return replace(options, pdf_part_workers=default_jobs())


def run_batch(
    files: list[Path],
    options: BuildOptions,
    jobs: int | None = None,
    console: Console | None = None,
    renderers: Renderers | None = None,
    on_result: Callable[[UnitResult], None] | None = None,
    cluster: Cluster | None = None,
) -> list[UnitResult]:
    """Process every file; results in the order of ``files``.

    ``on_result`` is called with each unit's result as soon as it is finished (in the order
    they finish), e.g. to print it while the others are still being made.  With ``cluster``
    (:class:`generator.cluster.Cluster`) the units are made on a Dask cluster instead of here."""
    jobs = max(1, min(jobs or default_jobs(), len(files)))
    if cluster is not None:
        jobs = 1  # stems are assigned here; the units go to the cluster
    remove_stale_temporaries(options.out_dir)
    remove_stale_temporaries(options.out_dir / RECORDS)  # a record's temporary left by a killed run
    duplicates: dict[Path, Path] = {}
    if len(files) == 1:
        stems: dict[Path, str | None] = {files[0]: None}
    elif jobs == 1:
        stems = assign_stems(files, duplicates=duplicates)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            stems = assign_stems(files, pool, duplicates)
    console = console or Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("失败 {task.fields[failed]}"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal or len(files) < 2,
        transient=True,
    )
    results: dict[Path, UnitResult] = {}
    with progress:
        task = progress.add_task("生成中", total=len(files), failed=0)

        def done(result: UnitResult) -> None:
            result.duplicate_of = duplicates.get(result.source)
            results[result.source] = result
            failed = sum(1 for r in results.values() if r.exit_code)
            progress.update(task, advance=1, failed=failed)
            if on_result is not None:
                on_result(result)

        if cluster is not None:
            cluster.run(files, stems, options, done)
        elif jobs == 1:
            renderers = renderers or Renderers(options)
            for path in files:
                done(build_unit(path, options, renderers, stem=stems.get(path)))
        else:
            _run_pool(files, stems, options, jobs, done)
    return [results[p] for p in files]


def _run_pool(files, stems, options, jobs, done) -> None:
    """Run in a pool, at most ``jobs`` units in flight, so that when a worker dies the units
    that were in flight are known: each of them is then run again alone, and only the one that
    kills its worker again is reported as failed."""
    queue = list(files)
    suspects: list[Path] = []
    while queue:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            in_flight: dict[Future, Path] = {}
            broken = False
            while (queue or in_flight) and not broken:
                while queue and len(in_flight) < jobs:
                    path = queue.pop(0)
                    in_flight[pool.submit(_work, path, stems.get(path), options)] = path
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in finished:
                    path = in_flight.pop(fut)
                    broken |= _collect(fut, path, done, suspects)
            if broken:
                for fut, path in in_flight.items():
                    _collect(fut, path, done, suspects)
    for path in suspects:
        with ProcessPoolExecutor(max_workers=1) as pool:
            fut = pool.submit(_work, path, stems.get(path), options)
            if _collect(fut, path, done, None):
                done(UnitResult(path, Status.RENDER_FAILED, message="处理该单位时工作进程意外退出，未生成文件"))


def _collect(fut: Future, path: Path, done, suspects: list[Path] | None) -> bool:
    """Hand a finished job's result to ``done``; True when its worker died."""
    try:
        done(fut.result())
    except BrokenProcessPool:
        if suspects is not None:
            suspects.append(path)
        return True
    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back: only this unit fails
        from generator.failures import failed_result

        done(failed_result(path, exc))
    return False
