"""Faults injected into the program for tests of the error policy.

``install_raising_check`` registers a check that raises (a stand-in for a bug inside a check)
for every unit whose name contains :data:`FAULTY`.  It is used directly in this process and,
through ``JUESUAN_GEN_WORKER_HOOK=faults:install_raising_check``, in every worker of a pool.
"""

from __future__ import annotations

from generator import checks

FAULTY = "故障单位"


def _raising_check(ctx):
    if FAULTY in ctx.d.unit.name:
        raise KeyError("no such row")  # a defect of the program, not of the data
    return []


def install_raising_check() -> None:
    if _raising_check not in checks.CHECKS:
        checks.CHECKS.append(_raising_check)


def remove_raising_check() -> None:
    while _raising_check in checks.CHECKS:
        checks.CHECKS.remove(_raising_check)
