"""The mutation test of the checks: no one-edit mutant of a reference keeps full marks, none is misnamed.

Every mutant of every exercise's reference (autograder.mutants) is judged in process against all of
the exercise's checks. A mutant that is not equivalent and passes them all is a gap in the checks; a
check that names a mistake other than the edit made would mislead a learner.
"""

import pytest
from conftest import ASSIGNMENTS, ROOT

from autograder.mutation import judge_mutants, table


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def verdicts(request):
    return request.param, judge_mutants(ROOT, request.param)


def test_every_mutant_that_is_not_equivalent_is_killed(verdicts):
    assignment, found = verdicts
    assert any(verdict.killed for verdict in found), f"{assignment}: no mutant was even made"
    survivors = [f"{v.function}: {v.mutant}" for v in found if v.survived]
    assert not survivors, f"{assignment}: mutants with full marks:\n" + "\n".join(survivors)


def test_every_name_given_is_the_mistake_made(verdicts):
    assignment, found = verdicts
    wrong = [f"{v.function}: made {v.mutant!r}, named {v.names}" for v in found if v.named_wrongly]
    assert not wrong, f"{assignment}:\n" + "\n".join(wrong)


def test_the_table_counts_every_mutant(verdicts):
    assignment, found = verdicts
    rows = table(found).splitlines()
    mutants, equivalent, killed = (int(word) for word in rows[1].split()[1:4])
    survived = sum(verdict.survived for verdict in found)
    assert rows[1].startswith(assignment) and mutants == len(found) == equivalent + killed + survived
