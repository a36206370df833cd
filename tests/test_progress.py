"""`nudge progress`: a self-study learner's table of exercises passed, and what to do next."""


import nbformat
import pytest
from conftest import ASSIGNMENTS, ROOT, nudge
from submissions import solution_sources, submission

from autograder.progress import progress, render
from autograder.workspace import update_workspace

FLIPPED = "def slope(x1, y1, x2, y2):\n    if x1 == x2:\n        raise ValueError('vertical')\n" \
          "    return (y1 - y2) / (x2 - x1)\n"


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("progress") / "work"
    update_workspace(ROOT, workspace)
    nbformat.write(submission("00-start-here", solution_sources("00-start-here")),
                   workspace / "00-start-here" / "00-start-here.ipynb")
    nbformat.write(submission("01-slope", {"slope": FLIPPED}), workspace / "01-slope" / "01-slope.ipynb")
    (workspace / "07-backprop" / "07-backprop.ipynb").unlink()
    return progress(ROOT, workspace)


def test_every_exercise_of_every_module_has_a_row(rows):
    assert [row[0] for row in rows][0] == "00-start-here" and {row[0] for row in rows} == set(ASSIGNMENTS)
    states = {(assignment, name): state for assignment, name, state, _ in rows}
    assert states["00-start-here", "square"] == "passed"
    assert states["01-slope", "slope"] == "failing"
    assert states["01-slope", "average_rate_of_change"] == "to do"
    assert states["07-backprop", "backward"] == "missing"


def test_the_next_step_is_the_first_unfinished_exercise_with_its_message(rows):
    shown = render(rows)
    assert "00-start-here             square                      ✓ passed" in shown
    assert "Next: open 01-slope/01-slope.ipynb and work on `slope`." in shown
    assert "the sign is flipped" in shown
    assert f"1 of {len(rows)} exercise functions pass their visible checks." in shown


def test_progress_without_a_working_folder_says_how_to_make_one(tmp_path):
    failed = nudge("progress", "--workspace", str(tmp_path / "none"))
    assert failed.returncode == 2 and "run `make start`" in failed.stderr


def test_nudge_solution_prints_a_worked_solution_only_when_asked_by_name():
    shown = nudge("solution", "01-slope", "slope")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("def slope(x1, y1, x2, y2):") and "return (y2 - y1) / (x2 - x1)" in shown.stdout
    assert "SOLUTION" not in shown.stdout and "average_rate_of_change" not in shown.stdout

    unknown = nudge("solution", "01-slope", "slop")
    assert unknown.returncode == 2
    expected = "01-slope has no exercise function 'slop'; its exercises are: slope, average_rate_of_change"
    assert expected in unknown.stderr


def test_nudge_solution_explains_when_a_copy_has_no_solutions(course_copy):
    (course_copy / "source" / "02-derivative" / "02-derivative.ipynb").unlink()
    refused = nudge("--course", str(course_copy), "solution", "02-derivative", "d_square")
    assert refused.returncode == 2
    assert "no source notebook for 02-derivative" in refused.stderr


def test_the_next_step_points_to_the_hints_before_the_solution(rows):
    shown = render(rows)
    assert shown.index("Open the hints") < shown.index("`nudge solution 01-slope slope`")
