"""Faults injected into the program for tests of the error policy.

``install_raising_check`` registers a check that raises (a stand-in for a bug inside a check)
for every unit whose name contains :data:`FAULTY`.  It is used directly in this process and,
through ``JUESUAN_GEN_WORKER_HOOK=faults:install_raising_check``, in every worker of a pool.
"""

from __future__ import annotations

import os

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


CRASHING = "崩溃单位"


def _crashing_check(ctx):
    if CRASHING in ctx.d.unit.name:
        os._exit(9)  # the process dies, as when a renderer crashes or the machine kills it
    return []


def install_crashing_check() -> None:
    """For the workers of a cluster (``JUESUAN_GEN_WORKER_HOOK=faults:install_crashing_check``):
    a unit whose name contains :data:`CRASHING` kills the worker process that checks it."""
    if _crashing_check not in checks.CHECKS:
        checks.CHECKS.append(_crashing_check)
