"""Grades an LMS can import: one row per student, one column per assignment, in Canvas's or Moodle's CSV.

`nudge export --format canvas|moodle` and nbgrader's own `nbgrader export --exporter
autograder.lms.CanvasExportPlugin` (or `MoodleExportPlugin`) write the same file from the same gradebook, so
manual grades count either way. A student with no submission of an assignment gets an empty cell, not 0: both
LMSs then leave that grade as it is, and an instructor who means a zero enters it there. Every name, id and
e-mail address is cleaned for a spreadsheet (`csv_cell`): a learner's name is never run as a formula.
"""

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nbgrader import api
from nbgrader.plugins import ExportPlugin

from autograder.clean import csv_cell


@dataclass(frozen=True)
class Student:
    """A student as the gradebook knows them; `id` is nbgrader's student id, usually the LMS login."""

    id: str
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True)
class ClassGrades:
    """Every student's total per assignment (None: no submission), with each assignment's maximum."""

    students: list[Student]
    assignments: list[str]
    maximum: dict[str, float]
    total: dict[tuple[str, str], float | None]  # (student id, assignment) -> total score


def class_grades(gradebook: api.Gradebook, students: Sequence[str] = (),
                 assignments: Sequence[str] = ()) -> ClassGrades:
    """The totals of `gradebook` (manual grades included), for the given students and assignments (default: all)."""
    chosen = [each for each in gradebook.assignments if not assignments or each.name in assignments]
    people = [Student(each.id, each.first_name or "", each.last_name or "", each.email or "")
              for each in sorted(gradebook.students, key=lambda each: each.id)
              if not students or each.id in students]
    total: dict[tuple[str, str], float | None] = {}
    for assignment in chosen:
        submitted = {submission.student.id: submission.score for submission in assignment.submissions}
        for student in people:
            total[student.id, assignment.name] = submitted.get(student.id)
    return ClassGrades(people, [each.name for each in chosen], {each.name: each.max_score for each in chosen}, total)


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def canvas_rows(grades: ClassGrades) -> list[list[str]]:
    """Canvas's gradebook CSV: its five identity columns, a column per assignment and a "Points Possible" row.

    Canvas matches a row by ID, SIS User ID or SIS Login ID; the nbgrader id goes in SIS Login ID (the login a
    course's students sign in with), the others stay empty. An assignment column Canvas does not know yet
    becomes a new assignment on import, with the points possible of the second row.
    """
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *grades.assignments]
    points = ["Points Possible", "", "", "", "", *[_score(grades.maximum[a]) for a in grades.assignments]]
    rows = [header, points]
    for student in grades.students:
        name = f"{student.last_name}, {student.first_name}" if student.last_name else student.id
        rows.append([csv_cell(name), "", "", csv_cell(student.id), "",
                     *[_score(grades.total[student.id, a]) for a in grades.assignments]])
    return rows


def moodle_rows(grades: ClassGrades) -> list[list[str]]:
    """Moodle's grade import CSV: names, the username and e-mail to map a row to a user, a column per assignment.

    In Moodle's "Import → CSV file", map "Username" to username (or "Email address" to e-mail) and each
    assignment column to its grade item, or to a new one.
    """
    header = ["First name", "Last name", "Username", "Email address", *grades.assignments]
    rows = [header]
    for student in grades.students:
        rows.append([csv_cell(student.first_name), csv_cell(student.last_name), csv_cell(student.id),
                     csv_cell(student.email), *[_score(grades.total[student.id, a]) for a in grades.assignments]])
    return rows


FORMATS: dict[str, Callable[[ClassGrades], list[list[str]]]] = {"canvas": canvas_rows, "moodle": moodle_rows}


def write_lms_csv(gradebook: api.Gradebook, form: str, out: str | Path, students: Sequence[str] = (),
                  assignments: Sequence[str] = ()) -> Path:
    """Write the gradebook's totals in the CSV of `form` (canvas or moodle) to `out`; returns the path."""
    rows = FORMATS[form](class_grades(gradebook, students, assignments))
    with open(out, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return Path(out)


class CanvasExportPlugin(ExportPlugin):
    """`nbgrader export --exporter autograder.lms.CanvasExportPlugin [--to FILE]`: Canvas's CSV (canvas.csv)."""

    form = "canvas"

    def export(self, gradebook: api.Gradebook) -> None:
        out = self.to or f"{self.form}.csv"
        self.log.info("Exporting grades for %s to %s", self.form, out)
        write_lms_csv(gradebook, self.form, out, [str(each) for each in self.student],
                      [str(each) for each in self.assignment])


class MoodleExportPlugin(CanvasExportPlugin):
    """`nbgrader export --exporter autograder.lms.MoodleExportPlugin [--to FILE]`: Moodle's CSV (moodle.csv)."""

    form = "moodle"
