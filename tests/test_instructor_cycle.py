"""The instructor's cycle with stock nbgrader: release, collect, autograde, read the gradebook."""

import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ASSIGNMENTS, ROOT
from nbgrader.api import Gradebook
from submissions import solution_sources, submission, write_submission

from autograder.course_dir import tool_environment

SIGN_FLIPPED_SLOPE = '''
def slope(x1, y1, x2, y2):
    """Rise over run, with the rise taken the wrong way round."""
    if x1 == x2:
        raise ValueError("a vertical pair has no slope")
    return (y1 - y2) / (x2 - x1)
'''

OWN_AVERAGE_RATE = '''
def average_rate_of_change(f, x1, x2):
    """The secant's slope, written out in full."""
    if x1 == x2:
        raise ValueError("equal inputs have no secant")
    return (f(x2) - f(x1)) / (x2 - x1)
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course copy in which every assignment was released, submitted by three students and autograded."""
    course = tmp_path_factory.mktemp("cycle") / "course"
    course.mkdir()
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "release"], check=True)
    for assignment in ASSIGNMENTS:
        write_submission(course, "solver", assignment, submission(assignment, solution_sources(assignment)))
        write_submission(course, "blank", assignment, submission(assignment))
    mistake = submission("01-slope", {"slope": SIGN_FLIPPED_SLOPE, "average_rate_of_change": OWN_AVERAGE_RATE})
    write_submission(course, "flipper", "01-slope", mistake)
    for assignment in ASSIGNMENTS:
        subprocess.run([*nbgrader, "autograde", assignment, "--log-level=WARN"], cwd=course, env=tool_environment(),
                       check=True)
    return course


def scores(course, student, assignment):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        graded = gradebook.find_submission(assignment, student)
        parts = {grade.name: grade.score for nb in graded.notebooks for grade in nb.grades}
        return graded.score, graded.max_score, parts


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_gets_full_marks(graded, assignment):
    score, max_score, _ = scores(graded, "solver", assignment)
    assert max_score > 0 and score == max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_unmodified_release_gets_zero(graded, assignment):
    score, max_score, _ = scores(graded, "blank", assignment)
    assert max_score > 0 and score == 0


def test_a_typical_mistake_gets_partial_marks_and_is_named(graded):
    score, max_score, parts = scores(graded, "flipper", "01-slope")
    assert (score, max_score) == (4, 7)
    assert parts["test_slope_values"] == 0 and parts["test_slope_hidden"] == 0
    assert parts["test_slope_vertical"] == 1
    assert parts["test_average_rate_of_change_values"] == 1 and parts["test_average_rate_of_change_hidden"] == 2

    autograded = nbformat.read(graded / "autograded" / "flipper" / "01-slope" / "01-slope.ipynb", as_version=4)
    messages = {cell.metadata.nbgrader.grade_id: "\n".join(o.get("evalue", "") for o in cell.outputs)
                for cell in autograded.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    assert "This is the known mistake: the sign is flipped" in messages["test_slope_values"]
    assert "This is the known mistake: the sign is flipped" in messages["test_slope_hidden"]
