"""Checks and consolidations run in warm worker processes, not in the server process; without a
pool (or after a worker died) the work is done in the caller's thread, never lost."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("fastapi")

from generator.web.offload import Offload, check_with_report  # noqa: E402
from tests.web_support import SAMPLE_12345  # noqa: E402


def _die_in_a_worker(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(3)  # a worker killed (as by the kernel's out-of-memory killer)
    return os.getpid()


def test_work_runs_in_a_worker_process_and_the_result_comes_back():
    pool = Offload(1)
    pool.start()
    try:
        assert pool.run(os.getpid) != os.getpid()
        result, reported = pool.run(check_with_report, str(SAMPLE_12345), "")
        assert result.unit_name == "乌鲁木齐市12345政务服务热线中心" and not reported
        assert any("900.52" in f.message for f in result.findings)
    finally:
        pool.stop()


def test_without_workers_the_work_runs_here():
    pool = Offload(0)
    pool.start()
    assert pool.run(os.getpid) == os.getpid()


def test_a_dead_worker_is_replaced_and_the_work_is_done_here():
    pool = Offload(1)
    pool.start()
    try:
        assert pool.run(_die_in_a_worker, os.getpid()) == os.getpid()
        assert pool.run(os.getpid) != os.getpid()  # a new worker
    finally:
        pool.stop()


def test_the_check_report_is_written_by_the_worker(tmp_path):
    from openpyxl import load_workbook

    pool = Offload(1)
    pool.start()
    try:
        result, reported = pool.run(check_with_report, str(SAMPLE_12345), str(tmp_path / "r.xlsx"))
    finally:
        pool.stop()
    assert reported and result.warnings
    assert "单位信息" in load_workbook(tmp_path / "r.xlsx").sheetnames
