"""The instructor's cycle with stock nbgrader: release, collect, autograde, read the gradebook.

Every assignment is submitted by a student who solved it and one who handed in the blank release;
tests/cases/ adds, per module, submissions that hard-code the visible examples or make a typical
mistake, each with the marks and messages it must get: here two of each module (`said_most`), as
stock nbgrader takes ~4 s of a core a notebook; tests/test_grading.py holds every case to the same
marks and messages under `nudge grade`, and tests/test_cases.py in process.
"""

import subprocess
import sys

import nbformat
import pytest
from conftest import ASSIGNMENTS, copy_course, nudge
from nbgrader.api import Gradebook
from submissions import load_cases, solution_sources, submission, write_submission

from autograder.course_dir import tool_environment

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out


def said_most(cases):
    """Of each module's cases, the first (hard-coding the visible examples, in every module but one) and the one whose
    messages name the most checks."""
    by_module = {}
    for each in cases:
        by_module.setdefault(each[0], []).append(each)
    chosen = []
    for same in by_module.values():
        most = max(same, key=lambda each: len(each[2].messages))
        chosen += [same[0]] + ([most] if most is not same[0] else [])
    return chosen


ALL_CASES = load_cases()
CASES = said_most(ALL_CASES)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course copy in which every assignment was released, submitted and autograded."""
    course = copy_course(tmp_path_factory.mktemp("cycle"))
    assert nudge("--course", str(course), "release").returncode == 0  # with the gradebook, as an instructor would
    for assignment in ASSIGNMENTS:
        write_submission(course, "solver", assignment, submission(assignment, solution_sources(assignment)))
        write_submission(course, "blank", assignment, submission(assignment))
    for assignment, student, case in CASES:
        write_submission(course, student, assignment, case.notebook(assignment))
    for assignment in ASSIGNMENTS:
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--log-level=WARN"],
                       cwd=course, env=tool_environment(), check=True)
    return course


def scores(course, student, assignment):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        graded = gradebook.find_submission(assignment, student)
        parts = {grade.name: grade.score for nb in graded.notebooks for grade in nb.grades}
        return graded.score, graded.max_score, parts


def error_messages(course, student, assignment):
    """{grade_id: the text of its error outputs} of the autograded notebook."""
    path = course / "autograded" / student / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return {cell.metadata.nbgrader.grade_id: "\n".join(o.get("evalue", "") for o in cell.outputs)
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_gets_full_marks(graded, assignment):
    score, max_score, _ = scores(graded, "solver", assignment)
    assert max_score > 0 and score == max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_unmodified_release_gets_zero(graded, assignment):
    score, max_score, _ = scores(graded, "blank", assignment)
    assert max_score > 0 and score == 0


@pytest.mark.parametrize(("assignment", "student", "case"), CASES, ids=[f"{a}-{s}" for a, s, _ in CASES])
def test_each_case_gets_its_marks_and_messages(graded, assignment, student, case):
    _, _, parts = scores(graded, student, assignment)
    assert parts == case.scores
    messages = error_messages(graded, student, assignment)
    for grade_id, expected in case.messages.items():
        for text in expected:
            assert text in messages[grade_id], f"{grade_id}: {messages[grade_id]!r}"


def test_every_module_has_hard_coded_and_mistaken_submissions():
    covered = {assignment for assignment, _, _ in ALL_CASES}
    assert covered >= set(ASSIGNMENTS) - {"00-start-here"}
