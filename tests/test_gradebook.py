"""The gradebook's writer as `nudge grade` uses it: a SQLite gradebook that cannot be backed up stops the run before
anything changes, and a run that lost the gradebook's lock stops grading rather than go on."""

import collections
import time
from pathlib import Path

import pytest
import tqdm
from conftest import copy_course, nudge
from nbgrader.api import Gradebook
from submissions import submission, write_submission

from autograder import batch
from autograder.course_dir import tool_environment
from autograder.grade import SubmissionResult
from autograder.gradebook import LockLost
from autograder.sandbox import DEFAULT_LIMITS


def test_a_gradebook_that_cannot_be_backed_up_stops_the_run_before_anything_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", tool_environment()["PATH"])  # nbgrader runs `alembic` by name, as `nudge` arranges
    course = copy_course(tmp_path)
    write_submission(course, "blank", "01-slope", submission("01-slope"))
    database = course / "gradebook.db"
    with Gradebook(f"sqlite:///{database}") as gradebook:  # last term's gradebook, which the run would change
        gradebook.add_student("ada")
    before = database.read_bytes()
    (course / "gradebook-backups").write_text("a file where the backups' folder goes")

    done = nudge("--course", str(course), "grade")

    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith(f"nudge grade: the gradebook {database} could not be backed up into "
                                  f"{course / 'gradebook-backups'} ([Errno 17] File exists")
    assert done.stderr.strip().endswith("so nothing was graded or changed: make room or fix that folder, then run "
                                        "again")
    assert database.read_bytes() == before and not (course / "autograded").exists()


def grade_and_mark(root, assignment, student, limits):
    """What the pool runs in the next test: marks the student graded; the second waits until the lock is lost, so
    that the rest are still waiting their turn then."""
    graded = Path(root) / "graded"
    lost = Path(root) / "lock-lost"
    deadline = time.monotonic() + 60
    while student == "student-01" and not lost.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    (graded / student).mkdir(parents=True)
    return SubmissionResult(student, assignment)


class LockGone:
    """A gradebook writer whose run has lost the lock: its first write says so."""

    def __init__(self, root):
        self.root = root

    def record(self, batch):
        (self.root / "lock-lost").touch()
        raise LockLost("this run lost the PostgreSQL gradebook's advisory lock")


def test_a_run_that_lost_its_lock_grades_no_more_in_the_pool(tmp_path, monkeypatch):
    course = copy_course(tmp_path)
    monkeypatch.setattr(batch, "grade_submission", grade_and_mark)
    students = [f"student-{number:02}" for number in range(12)]
    with pytest.raises(LockLost):
        batch._grade_in_pool(course, [("01-slope", student) for student in students], 1, DEFAULT_LIMITS,
                             collections.Counter(), batch.Recorder(course, LockGone(course)), tqdm.tqdm(disable=True))
    graded = sorted(path.name for path in (course / "graded").iterdir())
    assert graded[:2] == students[:2] and len(graded) < len(students)  # what had been handed to the worker, no more
