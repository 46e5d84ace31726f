"""The synthetic unit generator (benchmarks, batch tests) makes units that pass every check."""

import pytest

from generator.checks import run_checks
from generator.errors import Severity
from generator.model import UnitKind
from generator.synthetic import synthetic_disclosure


@pytest.mark.parametrize(
    ("seed", "rows", "projects", "kind", "fund", "soe"),
    [
        (0, 5, 0, UnitKind.PUBLIC_INSTITUTION, False, False),
        (1, 40, 3, UnitKind.ADMINISTRATIVE, True, False),
        (2, 120, 10, UnitKind.CIVIL_SERVICE_MANAGED, True, True),
        (3, 200, 1, UnitKind.PUBLIC_INSTITUTION, False, True),
    ],
)
def test_synthetic_units_pass_every_check(seed, rows, projects, kind, fund, soe):
    d = synthetic_disclosure(seed, rows=rows, projects=projects, kind=kind, fund=fund, soe=soe)
    # invented 科目 beyond the year's data are only 提示 (their names cannot be checked)
    findings = run_checks(d)
    assert [f for f in findings if f.severity is not Severity.NOTE] == []
    assert {f.rule for f in findings} <= {"year.unknown_code"}
    assert len([r for r in d.t05.rows if len(r.code) == 7]) == rows
    assert len(d.performance.projects) == projects
    assert d.t07.is_empty is not fund
    assert d.t08.is_empty is not soe


def test_same_seed_same_unit():
    assert synthetic_disclosure(7, rows=20) == synthetic_disclosure(7, rows=20)
    assert synthetic_disclosure(7, rows=20) != synthetic_disclosure(8, rows=20)
