"""Every case of tests/cases judged in process by its assignment's checks: the marks and messages it must get.

The fast twin of tests/test_grading.py, which grades the same cases in the sandbox with `nudge grade`.
"""

import pytest
from conftest import ASSIGNMENTS
from inprocess import grade_in_process
from submissions import load_cases

CASES = load_cases()


@pytest.mark.parametrize(("assignment", "student", "case"), CASES, ids=[f"{a}-{s}" for a, s, _ in CASES])
def test_case_gets_its_marks_and_messages(assignment, student, case):
    found = grade_in_process(assignment, case.answers, student)
    assert {grade_id: score for grade_id, (score, _) in found.items()} == case.scores
    for grade_id, texts in case.messages.items():
        for text in texts:
            assert text in found[grade_id][1], f"{grade_id}: {found[grade_id][1]!r}"


def test_every_module_has_cases():
    assert {assignment for assignment, _, _ in CASES} == set(ASSIGNMENTS)
