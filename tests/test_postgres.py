"""The instructor's cycle on a real PostgreSQL gradebook (a throwaway server, tests/postgres.py): the same scores
as SQLite, a re-grade that keeps manual grades, the same again graded on a Dask LocalCluster, feedback, export and
report, nbgrader's own export, a backup by pg_dump, two runs at once from two course folders, a wrong password
said in one line, a password kept off every command line (and out of --db), a backup that cannot run, and a lost
lock that stops the run."""

import os
import subprocess
import sys
import threading

import pytest
import sqlalchemy
from conftest import copy_course, nudge
from nbgrader.api import Gradebook
from postgres import fresh_database, postgres_server
from submissions import solution_sources, submission, write_submission

from autograder import gradebook
from autograder.batch import Recorder, failed
from autograder.course_dir import tool_environment
from autograder.gradebook import ADVISORY_LOCK, GradebookWriter, LockLost

pytestmark = pytest.mark.slow  # a PostgreSQL server and the sandbox

ASSIGNMENT = "01-slope"


@pytest.fixture(scope="module")
def url():
    with postgres_server() as address:
        yield address


def course_with(folder, students):
    """A course copy with a solution or a blank submission of 01-slope from each of `students`."""
    course = copy_course(folder)
    for student in students:
        answers = solution_sources(ASSIGNMENT) if student.startswith("solver") else None
        write_submission(course, student, ASSIGNMENT, submission(ASSIGNMENT, answers))
    return course


def auto_scores(url, students=None):
    """{(student, grade id): (automatic score, manual score)} of the gradebook at `url`."""
    with Gradebook(url) as gradebook:
        return {(found.student.id, grade.name): (grade.auto_score, grade.manual_score)
                for found in gradebook.find_assignment(ASSIGNMENT).submissions
                if students is None or found.student.id in students
                for notebook in found.notebooks for grade in notebook.grades}


def test_the_instructor_cycle_on_postgresql(url, tmp_path, monkeypatch):
    course = course_with(tmp_path, ["solver", "blank"])
    first = nudge("--course", str(course), "grade", "--db", url)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "Graded 2 submissions" in first.stdout and url.split("@")[0].split(":")[-1] not in first.stdout
    lite = nudge("--course", str(course), "grade", "--db", f"sqlite:///{tmp_path / 'lite.db'}")
    assert lite.returncode == 0, lite.stderr[-2000:]
    assert auto_scores(url, {"solver", "blank"}) == auto_scores(f"sqlite:///{tmp_path / 'lite.db'}")

    with Gradebook(url) as gradebook:  # a teacher's manual grade, which a re-grade must keep
        grade = gradebook.find_grade("test_slope_values", ASSIGNMENT, ASSIGNMENT, "blank")
        grade.manual_score = 1.0
        gradebook.db.commit()
    again = nudge("--course", str(course), "grade", "--db", url)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "backed up first to" in again.stdout and ".dump" in again.stdout  # pg_dump, before the change
    assert auto_scores(url)["blank", "test_slope_values"] == (0.0, 1.0)
    before = auto_scores(url, {"solver", "blank"})
    on_cluster = nudge("--course", str(course), "grade", "--cluster", "local:2", "--db", url)  # Dask into PostgreSQL
    assert on_cluster.returncode == 0, on_cluster.stderr[-2000:]
    assert auto_scores(url, {"solver", "blank"}) == before

    for command, made in (("feedback", "feedback"), ("export", "grades.csv"), ("report", "report.html")):
        done = nudge("--course", str(course), command, "--db", url, cwd=course)
        assert done.returncode == 0, done.stderr[-2000:]
        assert (course / made).exists()
    assert "blank,01-slope,1," in (course / "grades.csv").read_text()  # the manual grade counts
    nbgrader = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--db={url}", "--to=stock.csv"],
                              cwd=course, capture_output=True, text=True)
    assert nbgrader.returncode == 0, nbgrader.stderr[-2000:]
    assert "solver" in (course / "stock.csv").read_text()


def test_two_runs_at_once_from_two_course_folders_lose_nothing(url, tmp_path):
    """Two course folders share no lock file: the gradebook's advisory lock makes the second run wait."""
    courses = [course_with(tmp_path / name, [f"solver-{name}", f"blank-{name}"]) for name in ("one", "two")]
    runs = [None, None]

    def grade(index):
        runs[index] = nudge("--course", str(courses[index]), "grade", "--db", url)

    threads = [threading.Thread(target=grade, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    for run in runs:
        assert run is not None and run.returncode == 0, run.stderr[-2000:] if run else "still running"
    recorded = auto_scores(url, {"solver-one", "blank-one", "solver-two", "blank-two"})
    assert {student for student, _ in recorded} == {"solver-one", "blank-one", "solver-two", "blank-two"}
    assert all(score > 0 for (student, _), (score, _) in recorded.items() if student.startswith("solver"))
    assert all(score == 0 for (student, _), (score, _) in recorded.items() if student.startswith("blank"))
    solver = {grade: score for (student, grade), score in recorded.items() if student == "solver-one"}
    assert solver == {grade: score for (student, grade), score in recorded.items() if student == "solver-two"}


def test_a_wrong_password_is_one_line_and_exit_2(url, tmp_path):
    course = course_with(tmp_path, ["blank"])
    wrong = url.replace("grader:", "grader:x", 1)
    done = nudge("--course", str(course), "grade", "--db", wrong)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "could not open the gradebook at postgresql+psycopg://grader:***@127.0.0.1" in done.stderr
    assert "password authentication failed" in done.stderr


def test_no_command_line_shows_the_password(url, tmp_path, monkeypatch):
    """pg_dump's backup and nbgrader's generate_assignment get the URL without its password, which comes in
    PGPASSWORD: every user of the machine can read a command line (`ps`)."""
    monkeypatch.setenv("PATH", tool_environment()["PATH"])  # nbgrader runs `alembic` by name, as `nudge` arranges
    database, course = fresh_database(url), copy_course(tmp_path)
    password = sqlalchemy.engine.make_url(database).password
    commands = []
    run = subprocess.run

    def spy(command, *arguments, **options):
        commands.append((command, options.get("env") or {}))
        return run(command, *arguments, **options)

    monkeypatch.setattr(subprocess, "run", spy)
    with GradebookWriter(course, database) as writer:  # the backup first, then the assignment's cells
        writer.ensure_assignments([ASSIGNMENT])
    assert not [command for command, _ in commands if password in " ".join(map(str, command))]
    dump = [env for command, env in commands if command[0].endswith("pg_dump")]
    nbgrader = [env for command, env in commands if command[1:4] == ["-m", "nbgrader", "generate_assignment"]]
    assert len(dump) == len(nbgrader) == 1 and dump[0]["PGPASSWORD"] == nbgrader[0]["PGPASSWORD"] == password
    assert writer.backup_path is not None and writer.backup_path.stat().st_size > 0
    with Gradebook(database) as book:
        assert book.find_assignment(ASSIGNMENT).notebooks


def test_a_password_in_pgpassword_rather_than_in_db_works_end_to_end(url, tmp_path):
    """What the README tells instructors: --db postgresql://user@host/database, the password in PGPASSWORD."""
    course = course_with(tmp_path, ["solver"])
    address = sqlalchemy.engine.make_url(fresh_database(url))
    bare = address.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    environment = {**os.environ, "PGPASSWORD": address.password}
    graded = nudge("--course", str(course), "grade", "--db", bare, env=environment)
    assert graded.returncode == 0, graded.stderr[-2000:]
    assert "Graded 1 submissions" in graded.stdout
    exported = nudge("--course", str(course), "export", "--db", bare, env=environment, cwd=course)
    assert exported.returncode == 0, exported.stderr[-2000:]
    row = next(line for line in (course / "grades.csv").read_text().splitlines() if line.startswith("solver,"))
    total, maximum = row.split(",")[2:4]
    assert float(total) == float(maximum) > 0


def test_a_backup_that_cannot_run_is_said_and_the_run_goes_on(url, tmp_path, monkeypatch):
    """pg_dump that cannot be run (no permission) raises rather than fails: the run still goes on, with a note."""
    course = copy_course(tmp_path)
    unrunnable = tmp_path / "pg_dump"
    unrunnable.write_text("not a program")  # no execute permission: running it is a PermissionError
    monkeypatch.setattr(gradebook, "pg_dump_program", lambda: str(unrunnable))
    with GradebookWriter(course, fresh_database(url)) as writer:
        assert writer.backup_path is None and not list((course / "gradebook-backups").glob("*"))
        assert writer.backup_note == f"the PostgreSQL gradebook was not backed up: [Errno 13] Permission denied: " \
                                     f"'{unrunnable}'"


def test_a_run_that_lost_its_lock_stops_before_writing(url, tmp_path, monkeypatch):
    """The lock's session ends (a dropped connection, a restarted server): the next write stops the run instead of
    going on unlocked, and writes nothing."""
    monkeypatch.setenv("PATH", tool_environment()["PATH"])
    database, course = fresh_database(url), copy_course(tmp_path)
    with GradebookWriter(course, database) as writer:
        writer.ensure_assignments([ASSIGNMENT])
        engine = sqlalchemy.create_engine(database)
        with engine.connect() as other:  # end the session that holds this run's lock, from another session
            ended = other.execute(sqlalchemy.text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                "database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND "
                "((classid::bigint << 32) | objid::bigint) = :key"), {"key": ADVISORY_LOCK}).scalars().all()
        engine.dispose()
        assert ended == [True]
        recorder = Recorder(course, writer)
        recorder.add((ASSIGNMENT, "ada"), failed(course, ASSIGNMENT, "ada", "a test"))
        with pytest.raises(LockLost, match="lost the PostgreSQL gradebook's advisory lock"):
            recorder.flush()
    with Gradebook(database) as book:
        assert book.find_assignment(ASSIGNMENT).num_submissions == 0
