"""Every notebook runs, validates as it should, and the release is exactly what source/ generates."""

import filecmp
import json
import shutil

import nbformat
import pytest
from conftest import ASSIGNMENTS, ROOT, errors, execute, notebook, nudge
from nbgrader.validator import Validator
from plot_audit import PLOT_UNLABELLED

from autograder import spec


def test_assignments_are_numbered_in_course_order():
    assert ASSIGNMENTS[:2] == ["00-start-here", "01-slope"]
    assert [name[:2] for name in ASSIGNMENTS] == [f"{i:02d}" for i in range(len(ASSIGNMENTS))]
    assert sorted(p.name for p in (ROOT / "release").iterdir() if p.is_dir()) == ASSIGNMENTS


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_runs_headless_without_error(executed, assignment):
    assert errors(executed("source", assignment)) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_is_committed_clean(assignment):
    nb = json.loads(notebook("source", assignment).read_text(encoding="utf-8"))
    dirty = [cell["id"] for cell in nb["cells"] if cell.get("outputs") or cell.get("execution_count")]
    assert dirty == [], "clear the outputs before committing (Edit → Clear Outputs of All Cells)"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_notebook_fails_only_where_exercises_are_unanswered(executed, assignment):
    for grade_id, error in errors(executed("release", assignment)):
        unanswered = error["ename"] == "NotImplementedError" or "not implemented yet" in error["evalue"]
        assert unanswered, f"{assignment} {grade_id}: {error['ename']}: {error['evalue']}"


@pytest.mark.slow
def test_a_failing_check_shows_its_message_without_a_traceback(executed):
    failed = [error for _, error in errors(executed("release", "01-slope")) if error["ename"] == "CheckFailed"]
    assert failed, "the unanswered release should fail its visible checks"
    for error in failed:
        shown = "\n".join(error["traceback"])
        assert "not implemented yet" in shown and "checks.py" not in shown and "Traceback" not in shown


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_plot_has_a_title_and_axis_labels(executed, assignment):
    shown = [line for cell in executed("source", assignment).cells for output in cell.get("outputs", [])
             for line in output.get("text", "").splitlines() if PLOT_UNLABELLED in line]
    assert shown == []


@pytest.mark.slow
def test_the_plot_audit_reports_a_plot_without_labels(tmp_path):
    path = tmp_path / "unlabelled.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.set_title('no axis labels')\nax.plot([1, 2]);"
    )]), path)
    stderr = [output["text"] for output in execute(path).cells[0].outputs if output.get("name") == "stderr"]
    assert stderr == [f"{PLOT_UNLABELLED}: no axis labels: a x label and a y label\n"]


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_widget_control_says_what_it_changes(executed, assignment):
    state = executed("source", assignment).metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    controls = [model["state"] for model in state.values()
                if model["model_name"] in {"FloatSliderModel", "FloatLogSliderModel", "ButtonModel", "DropdownModel"}]
    assert controls, f"{assignment} has no widget to nudge"
    assert [control for control in controls if not control.get("description", "").strip()] == []


def validate(path):
    return Validator().validate(str(path))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_validate_passes_on_source(assignment):
    assert validate(notebook("source", assignment)) == {}  # nothing failed, changed or mismatched


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_validate_fails_on_unmodified_release(assignment):
    assert validate(notebook("release", assignment)).get("failed")


@pytest.mark.slow
def test_release_equals_a_fresh_generation(course_copy):
    fresh = course_copy
    for folder in (fresh / "release").iterdir():
        shutil.rmtree(folder)
    assert nudge("--course", str(fresh), "release", "--no-db").returncode == 0
    comparison = filecmp.dircmp(ROOT / "release", fresh / "release", ignore=[".ipynb_checkpoints"])
    differing = _differences(comparison)
    differing += [str(path.relative_to(ROOT)) for path in (ROOT / "source").glob("*/hidden-checks.json")
                  if path.read_bytes() != (fresh / path.relative_to(ROOT)).read_bytes()]
    assert differing == [], "release/ is stale: run `make release` and commit source/ and release/ together"


@pytest.mark.slow
def test_a_release_with_one_broken_assignment_generates_none(course_copy):
    path = course_copy / "source" / "08-autograd" / "08-autograd.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade"))
    grade_id = cell.metadata["nbgrader"]["grade_id"]
    cell.source = cell.source.replace(f'"{grade_id}"', '"test_nobody_declared"')
    nbformat.write(notebook, path)
    written = {path: path.stat().st_mtime_ns for path in (course_copy / "release").rglob("*") if path.is_file()}

    failed = nudge("--course", str(course_copy), "release", "--no-db")

    assert failed.returncode == 2
    assert f"08-autograd: the grade cell {grade_id} calls" in failed.stderr and "test_nobody_declared" in failed.stderr
    # The modules before it, all of them fine, were not generated either: release/ is as it was.
    assert {path: path.stat().st_mtime_ns for path in (course_copy / "release").rglob("*") if path.is_file()} \
        == written


def _differences(comparison, prefix=""):
    found = [f"{prefix}{name}" for name in comparison.diff_files + comparison.left_only + comparison.right_only]
    for name, sub in comparison.subdirs.items():
        found += _differences(sub, f"{prefix}{name}/")
    return found


@pytest.mark.parametrize("step", ["source", "release"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_grade_cell_is_a_docstring_line_and_one_check(step, assignment):
    cells = [cell for cell in nbformat.read(notebook(step, assignment), as_version=4).cells
             if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution")]
    assert cells, "no grade cells: the test would check nothing"
    for cell in cells:
        assert len(cell.source.strip().splitlines()) <= 5
        description, function, grade_id = spec.grade_cell_call(cell.source)  # refuses anything else
        assert grade_id == cell.metadata["nbgrader"]["grade_id"] and description.startswith(f"{function}:")


def test_release_keeps_no_solution_or_hidden_test():
    for assignment in ASSIGNMENTS:
        text = notebook("release", assignment).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        assert "autograder" not in text, "a student's copy must not need the instructor's package"


@pytest.mark.slow
def test_a_notebook_in_a_folder_elsewhere_still_runs(tmp_path):
    # A learner's working copy lives outside the course tree: course/ must be all it needs.
    folder = tmp_path / "01-slope"
    folder.mkdir()
    copy = folder / "01-slope.ipynb"
    copy.write_bytes(notebook("release", "01-slope").read_bytes())
    (folder / "checks.json").write_bytes((ROOT / "release" / "01-slope" / "checks.json").read_bytes())
    found = errors(execute(copy))
    assert found and all(error["ename"] in ("NotImplementedError", "CheckFailed") for _, error in found)
    assert all("not implemented yet" in error["evalue"] for _, error in found if error["ename"] == "CheckFailed")


@pytest.mark.slow
def test_a_notebook_without_its_check_file_says_what_is_missing(tmp_path):
    copy = tmp_path / "01-slope.ipynb"
    copy.write_bytes(notebook("release", "01-slope").read_bytes())
    failed = [error for _, error in errors(execute(copy)) if error["ename"] == "CheckFailed"]
    assert failed and all("checks are missing: checks.json belongs beside it" in error["evalue"] for error in failed)
