"""Grades an LMS can import: `nudge export --format canvas|moodle` and nbgrader's `export --exporter` give the same."""

import csv
import subprocess
import sys

import pytest
from conftest import copy_course, nudge
from nbgrader import api

from autograder.clean import csv_cell
from autograder.course_dir import tool_environment
from autograder.lms import class_grades, write_lms_csv

PARTS = {"01-slope": {"test_a": 2.0, "test_b": 3.0}, "02-derivative": {"test_c": 4.0}}
HOSTILE = '=HYPERLINK("http://evil.example","open")'


@pytest.fixture
def gradebook_url(tmp_path, monkeypatch):
    """A gradebook of three students: Ada submitted both modules (one part graded by hand), Mallory one module
    under a name that is a spreadsheet formula, Bob nothing."""
    monkeypatch.setenv("PATH", tool_environment()["PATH"])  # nbgrader runs `alembic` by name, as `nudge` arranges
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    scores = {("ada", "test_a"): 2.0, ("ada", "test_b"): 1.0, ("ada", "test_c"): 4.0,
              ("mallory", "test_a"): 0.0, ("mallory", "test_b"): 3.0}
    with api.Gradebook(url) as gradebook:
        for assignment, parts in PARTS.items():
            gradebook.add_assignment(assignment)
            gradebook.add_notebook(assignment, assignment)
            for grade_id, points in parts.items():
                gradebook.add_grade_cell(grade_id, assignment, assignment, max_score=points, cell_type="code")
        gradebook.add_student("ada", first_name="Ada", last_name="Lovelace", email="ada@example.org")
        gradebook.add_student("mallory", first_name=HOSTILE, last_name="+1", email="@evil")
        gradebook.add_student("bob")
        for student, assignments in {"ada": PARTS, "mallory": ["01-slope"]}.items():
            for assignment in assignments:
                gradebook.add_submission(assignment, student)
                for grade_id in PARTS[assignment]:
                    grade = gradebook.find_grade(grade_id, assignment, assignment, student)
                    grade.auto_score = scores[student, grade_id]
        gradebook.find_grade("test_c", "02-derivative", "02-derivative", "ada").manual_score = 3.0  # by hand
        gradebook.db.commit()
    return url


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_class_grades_count_manual_scores_and_leave_a_missing_submission_empty(gradebook_url):
    with api.Gradebook(gradebook_url) as gradebook:
        grades = class_grades(gradebook)
    assert [student.id for student in grades.students] == ["ada", "bob", "mallory"]
    assert grades.maximum == {"01-slope": 5.0, "02-derivative": 4.0}
    assert grades.total["ada", "01-slope"] == 3.0 and grades.total["ada", "02-derivative"] == 3.0  # 3 by hand
    assert grades.total["mallory", "02-derivative"] is None and grades.total["bob", "01-slope"] is None


def test_canvas_csv_has_its_identity_columns_points_possible_and_one_column_per_assignment(gradebook_url, tmp_path):
    with api.Gradebook(gradebook_url) as gradebook:
        rows = read(write_lms_csv(gradebook, "canvas", tmp_path / "canvas.csv"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01-slope", "02-derivative"]
    assert rows[1] == ["Points Possible", "", "", "", "", "5", "4"]
    assert rows[2] == ["Lovelace, Ada", "", "", "ada", "", "3", "3"]
    assert rows[3] == ["bob", "", "", "bob", "", "", ""]
    assert rows[4][0] == f"'+1, {HOSTILE}" and rows[4][5:] == ["3", ""]  # a formula shown as text


def test_moodle_csv_maps_a_username_and_email_to_each_row(gradebook_url, tmp_path):
    with api.Gradebook(gradebook_url) as gradebook:
        rows = read(write_lms_csv(gradebook, "moodle", tmp_path / "moodle.csv", assignments=["02-derivative"]))
    assert rows == [["First name", "Last name", "Username", "Email address", "02-derivative"],
                    ["Ada", "Lovelace", "ada", "ada@example.org", "3"],
                    ["", "", "bob", "", ""],
                    [f"'{HOSTILE}", "'+1", "mallory", "'@evil", ""]]


@pytest.mark.parametrize("form, plugin", [("canvas", "CanvasExportPlugin"), ("moodle", "MoodleExportPlugin")])
def test_nudge_export_and_nbgraders_own_export_write_the_same_file(gradebook_url, tmp_path, form, plugin):
    course = copy_course(tmp_path / "here")
    ours, theirs = tmp_path / f"nudge-{form}.csv", tmp_path / f"nbgrader-{form}.csv"
    done = nudge("--course", str(course), "export", "--format", form, "--db", gradebook_url, "--out", str(ours))
    assert done.returncode == 0, done.stderr
    assert f"Wrote {ours}" in done.stdout
    nbgrader = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--exporter=autograder.lms.{plugin}",
                               f"--to={theirs}", f"--db={gradebook_url}"], cwd=course, capture_output=True, text=True)
    assert nbgrader.returncode == 0, nbgrader.stderr
    assert read(ours) == read(theirs) and len(read(ours)) > 2


@pytest.mark.parametrize("text, cell", [
    ("  =cmd|' /C calc'!A0", "'  =cmd|' /C calc'!A0"),  # spaces before a formula: still a formula
    ("\u00a0\t@SUM(A1)", "'\u00a0\t@SUM(A1)"),
    ("\u200b=HYPERLINK(\"http://evil.example\")", "\\u200b=HYPERLINK(\"http://evil.example\")"),  # zero-width
    ("\u202e+1\u202c", "\\u202e+1\\u202c"),  # a bidi control before a formula
    ("\ufeff-1", "\\ufeff-1"),
    ("Ada\u200dLove\u2066lace\u2069", "Ada\\u200dLove\\u2066lace\\u2069"),  # invisible inside a name: shown
    ("Ada Lovelace", "Ada Lovelace"),
    ("\tAda", "'\tAda"),
])
def test_a_cell_is_never_a_formula_and_hides_no_character(text, cell):
    assert csv_cell(text) == cell


def test_an_unknown_format_is_refused_by_name(tmp_path):
    done = nudge("--course", str(copy_course(tmp_path)), "export", "--format", "blackboard")
    assert done.returncode == 2 and "invalid choice: 'blackboard'" in done.stderr
