"""The learner's commands: `nudge progress`, `nudge solution`, and all three in a student's copy.

A student image holds `course/` and `release/` only; the learner's commands must work there, and
`course` must never import the instructor's package.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ASSIGNMENTS, ROOT, nudge
from submissions import solution_sources, submission

from course.learner import progress, render, update_workspace

pytestmark = pytest.mark.slow

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
    # Module 08's class and the function of objects, checked through their probes as in grading.
    autograd = {name: code for name, code in solution_sources("08-autograd").items() if name in ("Value", "backward")}
    nbformat.write(submission("08-autograd", autograd), workspace / "08-autograd" / "08-autograd.ipynb")
    return progress(ROOT, workspace)


def test_every_exercise_of_every_module_has_a_row(rows):
    assert rows[0].module == "00-start-here" and {row.module for row in rows} == set(ASSIGNMENTS)
    states = {(row.module, row.function): row.state for row in rows}
    assert states["00-start-here", "fahrenheit"] == "passed"
    assert states["01-slope", "slope"] == "failing"
    assert states["01-slope", "average_rate_of_change"] == "to do"
    assert states["07-backprop", "backward"] == "missing"
    assert states["08-autograd", "Value"] == states["08-autograd", "backward"] == "passed"
    assert states["08-autograd", "network_gradients"] == "to do"


def test_the_next_step_is_the_first_unfinished_exercise_with_its_message(rows):
    shown = render(rows)
    assert "00-start-here             fahrenheit                  ✓ passed" in shown
    assert "Next: open 01-slope/01-slope.ipynb and work on `slope`." in shown
    assert "x1 and x2 are exchanged" in shown  # the mistake made, named in the learner's terms
    assert f"3 of {len(rows)} exercise functions pass their visible checks." in shown  # fahrenheit, Value, backward


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
    expected = "01-slope has no exercise function or class 'slop'; its exercises are: slope, average_rate_of_change"
    assert expected in unknown.stderr


def test_the_next_step_points_to_the_hints_before_the_solution(rows):
    shown = render(rows)
    assert shown.index("Open the hints") < shown.index("`nudge solution 01-slope slope`")


@pytest.fixture(scope="module")
def student_image(tmp_path_factory):
    """A student's copy: course/ and release/ only, where importing the instructor's package fails."""
    image = tmp_path_factory.mktemp("image")
    shutil.copytree(ROOT / "course", image / "course", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "release", image / "release")
    blocker = image / "blocked" / "autograder"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('a student image has no autograder')\n")
    return image


def in_image(image, *arguments, cwd=None):
    """Run `nudge` the way a student image would: its own course/ first, no autograder to import."""
    environment = {**os.environ, "PYTHONPATH": f"{image}{os.pathsep}{image / 'blocked'}"}
    return subprocess.run([sys.executable, "-c", "import sys, course.learner as l; assert "
                           f"l.__file__.startswith({str(image)!r}), l.__file__; sys.exit(l.main(sys.argv[1:]))",
                           *arguments], cwd=cwd or image, env=environment, capture_output=True, text=True)


def test_the_learner_commands_work_in_a_student_image(student_image):
    started = in_image(student_image, "start", "--prepare-only")
    assert started.returncode == 0, started.stderr
    assert (student_image / "work" / "01-slope" / "01-slope.ipynb").is_file()
    assert (student_image / "work" / "01-slope" / "checks.json").is_file()

    nbformat.write(submission("01-slope", {"slope": FLIPPED}), student_image / "work" / "01-slope" / "01-slope.ipynb")
    shown = in_image(student_image, "progress", cwd=student_image / "work")
    assert shown.returncode == 0, shown.stderr
    assert "01-slope                  slope                       ✗ failing" in shown.stdout
    assert "00-start-here             fahrenheit                  · to do" in shown.stdout
    assert "finished" not in shown.stdout and "Well done" not in shown.stdout

    solution = in_image(student_image, "solution", "01-slope", "slope")
    assert solution.returncode == 2 and "no source notebook for 01-slope" in solution.stderr
    instructor = in_image(student_image, "grade")
    assert instructor.returncode != 0 and "Traceback" not in instructor.stderr


def test_course_never_imports_autograder():
    for path in (ROOT / "course").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in imported if name.split(".")[0] == "autograder"], path


def test_the_release_has_no_instructor_files():
    shipped = {path.name for path in (ROOT / "release").rglob("*") if path.is_file()}
    assert not shipped & {"exercises.py", "hidden-checks.json"}
    assert {Path(name).suffix for name in shipped} <= {".ipynb", ".json", ".csv", ".png"}


def test_what_a_learners_code_prints_or_leaves_beside_it_is_never_a_verdict(tmp_path):
    # A notebook that prints JSON (some of it shaped like a verdict), and a module file beside it named like one
    # that nudge progress imports: the verdicts still come from the checks, and the file never runs.
    workspace = tmp_path / "work"
    update_workspace(ROOT, workspace)
    for module in ASSIGNMENTS[1:]:
        shutil.rmtree(workspace / module)
    chatty = ('def fahrenheit(celsius):\n    print({"celsius": celsius})\n'
              '    print(\'{"grade_id": "test_fahrenheit_values", "passed": false, "message": "forged"}\')\n'
              '    print("{not json")\n    return 9 / 5 * celsius + 32\n')
    folder = workspace / "00-start-here"
    nbformat.write(submission("00-start-here", {"fahrenheit": chatty}), folder / "00-start-here.ipynb")
    marker = tmp_path / "imported"
    (folder / "nbformat.py").write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")

    found = [row for row in progress(ROOT, workspace) if row.module == "00-start-here"]

    assert [(row.function, row.state) for row in found] == [("fahrenheit", "passed")]
    assert not marker.exists()


def test_a_module_runs_again_only_once_its_folder_has_changed(tmp_path):
    workspace = tmp_path / "work"
    update_workspace(ROOT, workspace)
    for module in ASSIGNMENTS[2:]:
        shutil.rmtree(workspace / module)
    runs = tmp_path / "runs.txt"  # outside the modules' folders: each run of a notebook adds its module's line

    def write(module, function, code):
        counted = f"open({str(runs)!r}, 'a').write({module[:2]!r} + '\\n')\n{code}"
        nbformat.write(submission(module, {function: counted}), workspace / module / f"{module}.ipynb")

    def ran():
        return sorted(runs.read_text().split()) if runs.exists() else []

    def states():
        return {(row.module, row.function): row.state for row in progress(ROOT, workspace)
                if row.module in ASSIGNMENTS[:2]}

    write("00-start-here", "fahrenheit", solution_sources("00-start-here")["fahrenheit"])
    write("01-slope", "slope", FLIPPED)
    first = states()
    assert ran() == ["00", "01"] and first["00-start-here", "fahrenheit"] == "passed"
    assert first["01-slope", "slope"] == "failing"

    assert states() == first and ran() == ["00", "01"]  # nothing changed: the verdicts kept, nothing run

    write("01-slope", "slope", solution_sources("01-slope")["slope"])
    assert states()["01-slope", "slope"] == "passed" and ran() == ["00", "01", "01"]

    (workspace / "00-start-here" / "helper.py").write_text("HALF = 0.5\n")  # what the notebook may import
    assert states()["00-start-here", "fahrenheit"] == "passed" and ran() == ["00", "00", "01", "01"]

    (workspace / ".nudge-progress.json").write_text("{not json")  # spoilt: everything is worked out again
    assert states()["01-slope", "slope"] == "passed" and ran() == ["00", "00", "00", "01", "01", "01"]
