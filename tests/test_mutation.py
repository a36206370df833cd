"""The mutation test of the checks: no one-edit mutant of a reference keeps full marks, none is misnamed.

Every mutant of every exercise's reference (autograder.mutants) is judged in process against all of
the exercise's checks. A mutant that is not equivalent and passes them all is a gap in the checks; a
check that names a mistake other than the edit made would mislead a learner.
"""

import pytest
from conftest import ASSIGNMENTS, ROOT

from autograder import spec
from autograder.mutation import judge_mutants, table
from course import checks


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def verdicts(request):
    return request.param, judge_mutants(ROOT, request.param)


def test_every_mutant_that_is_not_equivalent_is_killed(verdicts):
    assignment, found = verdicts
    assert any(verdict.killed for verdict in found), f"{assignment}: no mutant was even made"
    survivors = [f"{v.function}: {v.mutant}" for v in found if v.survived]
    assert not survivors, f"{assignment}: mutants with full marks:\n" + "\n".join(survivors)


def test_every_mistake_fails_a_visible_check_too(verdicts):
    """Visible points tell every pair of same-kind parameters apart and sit on every boundary: a learner sees each
    one-edit mistake before grading does."""
    assignment, found = verdicts
    unseen = [f"{v.function}: {v.mutant}" for v in found if v.killed and not v.seen]
    assert not unseen, f"{assignment}: mistakes only hidden checks catch:\n" + "\n".join(unseen)


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


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_hand_written_mistake_is_one_no_single_edit_makes(assignment):
    """A Mistake that a one-edit variant already names is the same idea written twice: the variant names it."""
    twice = []
    for name, derived in spec.derived(ROOT, assignment).items():
        exercise = derived.exercise
        if not exercise.mistakes:
            continue
        points = spec.fingerprint_points(exercise)
        judge = checks.Check(points, None, rtol=exercise.tolerance.rtol, atol=exercise.tolerance.atol,
                             symbolic=exercise.symbolic)
        stable = exercise.stable  # as the checks call them: an overflow that a variant lacks tells them apart
        rights = [spec.bounded_call(derived.reference, args, stable) for args in points]
        variants = [(mutant.name, [spec.bounded_call(mutant.function, args, stable) for args in points])
                    for mutant in derived.named]  # two classes may share a name: a list, not a dict
        for mistake in exercise.mistakes:
            outcomes = [spec.bounded_call(mistake.wrong, (right.value, *args), stable) if right.error is None
                        else right for right, args in zip(rights, points, strict=True)]
            twice += [f"{name}: {mistake.name!r} is the variant {variant!r}" for variant, found in variants
                      if spec.same_outcomes(judge, outcomes, found)]
    assert not twice, "\n".join(twice)


def test_the_readme_shows_today_s_figures(verdicts):
    assignment, found = verdicts
    row = table(found).splitlines()[1].split()
    assert f"| {' | '.join(row)} |" in (ROOT / "README.md").read_text(encoding="utf-8"), (
        f"README's mutation figures for {assignment} are stale: paste `python -m autograder.mutation` into it")
