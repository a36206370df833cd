"""The gradebook's writer records submissions in batches, on SQLite and on a real PostgreSQL server (tests/postgres.py):
a submission the gradebook refuses costs only itself, recorded as failed with the reason, while the rest of its batch
is written, re-grades keep manual grades and comments, and a batch left uncommitted is committed at the end."""

import datetime
import json

import pytest
from conftest import copy_course
from nbgrader.api import Gradebook
from postgres import postgres_server

from autograder.batch import RESULT_FILE, Recorder
from autograder.course_dir import tool_environment
from autograder.grade import PartResult, SubmissionResult
from autograder.gradebook import GradebookWriter, default_url
from autograder.plan import plan_for

pytestmark = pytest.mark.slow  # nbgrader adds the assignment to the gradebook; a PostgreSQL server

ASSIGNMENT = "01-slope"


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def gradebook(request, tmp_path, monkeypatch):
    """(course copy, gradebook URL) on each database; the PostgreSQL one is shared, so tests name their students."""
    monkeypatch.setenv("PATH", tool_environment()["PATH"])  # nbgrader runs `alembic` by name, as `nudge` arranges
    course = copy_course(tmp_path)
    return course, default_url(course) if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def result(course, student, full=True, grade_ids=()):
    """A result for `student`: every part of 01-slope at full points (or 0), plus parts of the given grade ids."""
    parts = [PartResult(part.grade_id, part.points, part.points if full else 0.0, "✓" if full else "✗")
             for part in plan_for(course, ASSIGNMENT).parts]
    return SubmissionResult(student, ASSIGNMENT, parts + [PartResult(grade_id, 1, 1, "✓") for grade_id in grade_ids])


def auto_scores(url, students):
    """{student: {grade id: automatic score}} of the gradebook at `url`."""
    with Gradebook(url) as gradebook:
        return {found.student.id: {grade.name: grade.auto_score for notebook in found.notebooks
                                   for grade in notebook.grades}
                for found in gradebook.find_assignment(ASSIGNMENT).submissions if found.student.id in students}


def test_a_submission_the_gradebook_refuses_costs_only_itself_in_its_batch(gradebook):
    course, url = gradebook
    ana, bo, cy, mallory = (f"{name}-{url.split(':')[0]}" for name in ("ana", "bo", "cy", "mallory"))
    with GradebookWriter(course, url) as writer:
        writer.ensure_assignments([ASSIGNMENT])
        collected = datetime.datetime(2026, 1, 5, 9, 0)
        assert writer.record([(result(course, ana), collected)]) == [collected]  # new: the time given
    with Gradebook(url) as book:  # the teacher's manual grade and comment, which a re-grade keeps
        book.find_grade("test_slope_values", ASSIGNMENT, ASSIGNMENT, ana).manual_score = 0.5
        book.find_comment("slope", ASSIGNMENT, ASSIGNMENT, ana).manual_comment = "Mind the order."
        book.db.commit()

    with GradebookWriter(course, url) as writer:
        recorder = Recorder(course, writer)
        # Mallory's result has a part whose grade cell the gradebook lacks: the batch's commit fails.
        batch = [(ana, result(course, ana, full=False)), (bo, result(course, bo)),
                 (mallory, result(course, mallory, grade_ids=["test_no_such_cell"])), (cy, result(course, cy))]
        for student, found in batch:
            recorder.add((ASSIGNMENT, student), found)
        recorder.flush()

    failure = recorder.graded[ASSIGNMENT, mallory].failure
    assert failure.startswith("its grades could not be recorded: CourseError(\"the gradebook's 01-slope has no "
                              "grade cell test_no_such_cell: run `nudge release 01-slope` to update it\")")
    assert [recorder.graded[ASSIGNMENT, student].failure for student in (ana, bo, cy)] == [None] * 3
    recorded = auto_scores(url, {ana, bo, cy, mallory})
    full = {part.grade_id: part.points for part in plan_for(course, ASSIGNMENT).parts}
    assert recorded == {ana: dict.fromkeys(full, 0.0), bo: full, cy: full, mallory: dict.fromkeys(full, 0.0)}
    with Gradebook(url) as book:  # a re-grade keeps the first grading's collection time, which the formgrader shows
        assert book.find_submission(ASSIGNMENT, ana).timestamp == collected
    with Gradebook(url) as book:
        assert book.find_grade("test_slope_values", ASSIGNMENT, ASSIGNMENT, ana).manual_score == 0.5
        assert book.find_comment("slope", ASSIGNMENT, ASSIGNMENT, ana).manual_comment == "Mind the order."
    written = json.loads((course / "autograded" / mallory / ASSIGNMENT / RESULT_FILE).read_text(encoding="utf-8"))
    assert written["failure"] == failure  # the result file says what the gradebook holds


def test_a_batch_is_committed_when_full_when_due_and_at_the_end(gradebook, monkeypatch):
    from autograder import batch

    course, url = gradebook
    students = [f"s{number}-{url.split(':')[0]}" for number in range(5)]
    monkeypatch.setattr(batch, "BATCH_SIZE", 3)
    monkeypatch.setattr(batch, "BATCH_SECONDS", 3600.0)  # not due by time: only its size or the end counts
    with GradebookWriter(course, url) as writer:
        writer.ensure_assignments([ASSIGNMENT])
        recorder = Recorder(course, writer)
        for student in students[:2]:
            recorder.add((ASSIGNMENT, student), result(course, student))
        assert auto_scores(url, set(students)) == {}
        recorder.add((ASSIGNMENT, students[2]), result(course, students[2]))  # the batch is full: committed
        assert set(auto_scores(url, set(students))) == set(students[:3])
        recorder.add((ASSIGNMENT, students[3]), result(course, students[3]))
        recorder.flush()  # the end of the run
        assert set(auto_scores(url, set(students))) == set(students[:4])

        monkeypatch.setattr(batch, "BATCH_SECONDS", 0.0)  # due as soon as it is queued
        recorder.add((ASSIGNMENT, students[4]), result(course, students[4]))
        assert recorder.tick() is None  # committed by the tick: nothing left to wait for
        assert set(auto_scores(url, set(students))) == set(students)


def test_the_assignments_a_gradebook_lacks_are_added_in_one_run_of_nbgrader(tmp_path, monkeypatch):
    import subprocess

    import nbformat

    from autograder import gradebook as gradebook_module

    monkeypatch.setenv("PATH", tool_environment()["PATH"])
    course = copy_course(tmp_path)
    url = default_url(course)
    release = {path: path.read_bytes() for path in (course / "release").rglob("*") if path.is_file()}
    runs, run = [], subprocess.run

    def counted(command, **options):
        runs.append("generate_assignment" in command)
        return run(command, **options)

    monkeypatch.setattr(gradebook_module.subprocess, "run", counted)
    wanted = ["00-start-here", "01-slope", "02-derivative"]
    with GradebookWriter(course, url) as writer:
        writer.ensure_assignments(wanted[:1])
        writer.ensure_assignments(wanted)  # two missing, one there already
        writer.ensure_assignments(wanted)  # none missing: nbgrader is not run

    assert runs.count(True) == 2
    with Gradebook(url) as book:
        cells = {assignment.name: sorted(cell.name for notebook in assignment.notebooks
                                         for cell in notebook.grade_cells) for assignment in book.assignments}
    sources = {assignment: nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
               for assignment in wanted}
    assert cells == {assignment: sorted(cell.metadata["nbgrader"]["grade_id"] for cell in source.cells
                                        if cell.metadata.get("nbgrader", {}).get("grade"))
                     for assignment, source in sources.items()}
    assert {path: path.read_bytes() for path in (course / "release").rglob("*") if path.is_file()} == release
