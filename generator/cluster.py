"""A batch on a Dask distributed cluster: ``juesuan-gen DIR -o OUT --scheduler tcp://HOST:8786``.

The cluster is one that already runs (``dask scheduler`` and ``dask worker`` processes, every
worker machine having this package, its fonts and the same custom templates/fonts folders at
the same paths).  Nothing is assumed about shared disks:

- the client reads each input and sends its bytes with the task;
- the worker writes the input into a temporary folder of its own, runs :func:`build_unit` there
  (so a unit's failure is caught in the same place as in one process or the local pool), and
  returns the :class:`UnitResult` with the bytes of the files it made;
- the client writes those files into OUT, each under a temporary name renamed when complete.

A unit that kills its worker process is retried by Dask on other workers until the scheduler's
``distributed.scheduler.allowed-failures`` is exceeded; it then ends as ``生成失败`` for that unit
only.  At most a few units per worker thread are in flight, so the client's memory stays bounded
whatever the number of units.

Dask is imported only here, and only when ``--scheduler`` is given (optional extra ``dask``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from generator.pipeline import BuildOptions, Renderers, Status, UnitResult, build_unit, kept_result

#: Seconds to wait for the scheduler to answer, and for at least one worker to be there.
CONNECT_TIMEOUT = 15.0

#: Units in flight per worker thread: enough to keep every worker busy while results come back.
IN_FLIGHT_PER_THREAD = 2

WORKER_DIED = "处理该单位时工作进程意外退出，未生成文件"

_ADDRESS = re.compile(r"^(?:(?:tcp|tls)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-_]*):(\d{1,5})$")


class ClusterError(Exception):
    """The cluster cannot be used: a Chinese reason (exit code 2)."""

    exit_code = 2


def check_address(address: str) -> str:
    """``address`` normalised to ``tcp://HOST:PORT``; raises :class:`ClusterError` when it is not one."""
    text = address.strip()
    m = _ADDRESS.match(text)
    if not m or not 0 < int(m.group(1)) < 65536:
        raise ClusterError(
            f"--scheduler 应为调度器地址，如 tcp://192.168.1.10:8786，实为“{address}”"
        )
    return text if "://" in text else f"tcp://{text}"


# ---------------------------------------------------------------------------- on the worker

_renderers: dict[tuple, Renderers] = {}
_hook_done = False


def _worker_renderers(options: BuildOptions) -> Renderers:
    """One set of renderers per worker process and render settings (fonts loaded once)."""
    global _hook_done
    if not _hook_done:
        from generator.batch import _run_worker_hook

        _run_worker_hook()
        _hook_done = True
    key = (options.templates_dir, options.font_dir, options.pdf_variant, options.formats)
    if key not in _renderers:
        _renderers[key] = Renderers(options)
    return _renderers[key]


def _preflight(options: BuildOptions) -> tuple[str | None, list[str]]:
    """The renderers' preflight, on a worker (the fonts that count are the workers')."""
    return _worker_renderers(options).preflight()


def _rename(text: str, temporary: dict[str, str]) -> str:
    for old, new in temporary.items():
        text = text.replace(old, new)
    return text


def _use_year_dir(year_dir: str | None) -> None:
    """The client's ``--year-data`` folder (the same path on every worker), or the built-in data."""
    from generator.yeardata import YEAR_DIR_ENV, use_year_dir

    if os.environ.get(YEAR_DIR_ENV) != year_dir:
        use_year_dir(Path(year_dir) if year_dir else None)


def unit_on_worker(
    origin: str, data: bytes, stem: str | None, options: BuildOptions, existing: tuple[str, ...] = (),
    year_dir: str | None = None,
) -> tuple[UnitResult, dict[str, bytes]]:
    """Build one unit in a temporary folder of this worker: ``(result, {file name: bytes})``.

    ``origin`` is the input's path on the client (the result names it); ``existing`` the names
    of this unit's files already in OUT (``--skip-existing``); ``year_dir`` the client's
    ``--year-data`` folder."""
    _use_year_dir(year_dir)
    source = Path(origin)
    with tempfile.TemporaryDirectory(prefix="juesuan-unit-") as tmp:
        src = Path(tmp) / "in" / source.name
        src.parent.mkdir()
        src.write_bytes(data)
        out = Path(tmp) / "out"
        out.mkdir()
        for name in existing:  # stand-ins, so that build_unit decides to skip as it does locally
            (out / name).touch()
        # the client decides whether OUT's files may be replaced; this folder is the worker's own
        local = dataclasses.replace(options, out_dir=out, overwrite=True)
        result = build_unit(src, local, _worker_renderers(local), stem=stem)
        files: dict[str, bytes] = {}
        if result.status != Status.SKIPPED:
            files = {p.name: p.read_bytes() for p in result.outputs if p.is_file()}
    temporary = {str(src): origin, str(out): str(options.out_dir)}
    result.source = source
    result.outputs = [options.out_dir / p.name for p in result.outputs]
    for doc in result.documents:
        doc.path = options.out_dir / doc.path.name
    result.message = _rename(result.message, temporary)
    result.detail = _rename(result.detail, temporary)
    return result, files


# ---------------------------------------------------------------------------- on the client


class Cluster:
    """A connection to a running scheduler, used by :func:`generator.batch.run_batch`."""

    def __init__(self, address: str, timeout: float | None = None):
        timeout = CONNECT_TIMEOUT if timeout is None else timeout
        self.address = check_address(address)
        try:
            import distributed
        except ImportError as exc:
            raise ClusterError(
                "未安装 Dask，不能使用 --scheduler：请运行 pip install 'juesuan-gen[dask]'"
                "（或在本项目中运行 make setup）"
            ) from exc
        self._distributed = distributed
        logging.getLogger("distributed").setLevel(logging.CRITICAL)  # reasons are said in Chinese
        try:
            self.client = distributed.Client(
                self.address, timeout=timeout, set_as_default=False, direct_to_workers=False
            )
        except Exception as exc:  # noqa: BLE001 - unreachable, refused, not a scheduler…
            raise ClusterError(
                f"无法连接调度器 {self.address}（等待 {timeout:g} 秒）：请确认 dask scheduler 已启动、"
                "地址和端口正确、本机能访问该端口"
            ) from exc
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except Exception as exc:  # noqa: BLE001
            self.close()
            raise ClusterError(
                f"调度器 {self.address} 上没有工作进程（等待 {timeout:g} 秒）：请先在各计算机上运行 "
                f"dask worker {self.address}"
            ) from exc

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing a connection that is already gone
            pass

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def preflight(self, options: BuildOptions) -> tuple[str | None, list[str]]:
        """Fonts and templates checked on a worker before any unit is sent."""
        return self.client.submit(_preflight, options, pure=False).result()

    def run(
        self, files: list[Path], stems: dict[Path, str | None], options: BuildOptions,
        done: Callable[[UnitResult], None],
    ) -> None:
        """Every file on the cluster; ``done`` gets each result once its files are in OUT."""
        as_completed = self._distributed.as_completed
        queue = list(files)
        limit = IN_FLIGHT_PER_THREAD * self.threads()
        pending: dict = {}
        existing = _existing_names(options)
        from generator.yeardata import YEAR_DIR_ENV

        year_dir = os.environ.get(YEAR_DIR_ENV)

        def submit(path: Path) -> None:
            try:
                data = path.read_bytes()
            except Exception as exc:  # noqa: BLE001 - reported like an unreadable file
                from generator.failures import failed_result

                done(failed_result(path, exc))
                return
            stem = stems.get(path)
            mine = tuple(n for n in existing if stem and n.startswith(stem))
            fut = self.client.submit(
                unit_on_worker, str(path), data, stem, options, mine, year_dir, pure=False, retries=0
            )
            pending[fut] = path
            running.add(fut)

        running = as_completed(loop=self.client.loop)
        while queue and len(pending) < limit:
            submit(queue.pop(0))
        while pending:
            fut = next(running)
            path = pending.pop(fut)
            done(self._collect(fut, path, options))
            while queue and len(pending) < limit:
                submit(queue.pop(0))

    def _collect(self, fut, path: Path, options: BuildOptions) -> UnitResult:
        from generator.failures import failed_result

        try:
            result, files = fut.result()
        except self._distributed.KilledWorker:
            return UnitResult(path, Status.RENDER_FAILED, message=WORKER_DIED)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
            return failed_result(path, exc)
        finally:
            fut.release()
        from generator.written import FileKept, refusal

        if not options.overwrite:  # every file checked before any is written: never half a unit
            kept = refusal(options.out_dir / name for name in files)
            if kept:
                return kept_result(result, kept, [])
        written: list[Path] = []
        try:
            for name, data in files.items():
                target = options.out_dir / name
                _write(target, data, options.overwrite)
                written.append(target)
        except FileKept as exc:  # changed while the unit was being made
            return kept_result(result, str(exc), written)
        except Exception as exc:  # noqa: BLE001 - OUT is full or not writable: this unit fails
            result.outputs = written
            return failed_result(path, exc, result)
        return result


def _write(target: Path, data: bytes, overwrite: bool = False) -> None:
    """One file into OUT: temporary name, record, rename (:func:`generator.written.put`)."""
    from generator.written import write_bytes

    write_bytes(target, data, overwrite)


def _existing_names(options: BuildOptions) -> tuple[str, ...]:
    if not options.skip_existing or not options.out_dir.is_dir():
        return ()
    return tuple(sorted(e.name for e in os.scandir(options.out_dir) if e.is_file()))
