"""The gradebook's one writer: locked, backed up before a run changes it, submissions written in batches.

It stays an ordinary nbgrader gradebook (formgrader and `nbgrader export` keep working). A re-grade
changes only automatic scores: manual scores and comments are kept. A batch of submissions is
written in one commit over the run's one connection (a commit per submission kept the writer under
100 a second), and a submission never spans two commits, so a run killed halfway leaves every
submission as it was or fully re-graded; a lock file keeps two runs from writing at once.
"""

import datetime
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from nbgrader import api
from sqlalchemy import insert, select, update
from sqlalchemy.orm import scoped_session

from autograder.course_dir import CourseError, tool_environment
from autograder.grade import SubmissionResult


def default_url(root: Path) -> str:
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"


def sqlite_path(url: str) -> Path | None:
    """The file of an sqlite URL, or None for another database."""
    prefix = "sqlite:///"
    return Path(url[len(prefix):]) if url.startswith(prefix) else None


def reachable(url: str) -> str:
    """`url` if a gradebook can be opened there; otherwise a CourseError that says what is wrong and what to do.

    An URL that is none, a database whose driver is not installed, and a server that refuses the connection
    (a wrong password, no server there) are told apart in one line each, with the password never shown.
    """
    import sqlalchemy
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    try:
        parsed = sqlalchemy.engine.make_url(url)
    except ArgumentError:
        raise CourseError(f"--db {url!r} is no database URL: write sqlite:////path/to/gradebook.db or "
                          "postgresql://user@host/database") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        return url  # a file: a missing one is created by the first grading, or named by the command that needs it
    try:
        engine = sqlalchemy.create_engine(parsed)
    except NoSuchModuleError:
        raise CourseError(f"--db {shown}: no database of the kind {parsed.drivername!r}; use sqlite or "
                          "postgresql") from None
    except ModuleNotFoundError as error:
        extra = " (pip install 'nudge-course[postgres]')" if parsed.get_backend_name() == "postgresql" else ""
        raise CourseError(f"--db {shown} needs the Python driver {error.name!r}, which is not "
                          f"installed{extra}") from None
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else "no reason given"
        raise CourseError(f"could not open the gradebook at {shown}: {reason}. Check the server, the user and "
                          "the password") from None
    finally:
        engine.dispose()
    return url


class GradebookWriter:
    """Use as a context manager: takes the lock, then writes what `record` is given."""

    def __init__(self, root: Path, url: str, lock_wait: float = 600.0) -> None:
        self.root, self.url, self.lock_wait = Path(root), url, lock_wait
        self.backup_path: Path | None = None
        self._lock: IO[str] | None = None
        self._database_lock: Any = None  # PostgreSQL: the connection that holds the advisory lock
        self._gradebook: api.Gradebook | None = None  # opened by the first `record`, closed at the end
        self._layouts: dict[str, Layout] = {}  # by assignment, read by the first `record` that needs it
        self._backed_up = False
        self.backup_note = ""  # what the backup did, when it is not a file beside the gradebook

    def __enter__(self) -> "GradebookWriter":
        if _is_postgresql(self.url):
            self._lock_database()
            return self
        lock_path = self.root / ".nudge-grade.lock"
        self._lock = open(lock_path, "a+")  # noqa: SIM115 (held for the whole run)
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as busy:
                if time.monotonic() > deadline:
                    self._lock.close()
                    message = f"another grading run holds {lock_path}: wait for it to end, then try again"
                    raise CourseError(message) from busy
                time.sleep(0.5)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._gradebook is not None:
            self._gradebook.close()
            self._gradebook = None
        if self._database_lock is not None:
            self._database_lock.close()  # ending the session releases its advisory lock
            self._database_lock = None
            return
        assert self._lock is not None  # taken by __enter__
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()

    def _lock_database(self) -> None:
        """PostgreSQL: hold the gradebook's advisory lock for the run, in a session of its own, so that runs on
        other machines (which share no lock file) wait for this one rather than write beside it."""
        import sqlalchemy

        engine = sqlalchemy.create_engine(self.url, poolclass=sqlalchemy.pool.NullPool)
        connection = engine.connect()
        deadline = time.monotonic() + self.lock_wait
        while not connection.execute(sqlalchemy.text("SELECT pg_try_advisory_lock(:key)"),
                                     {"key": ADVISORY_LOCK}).scalar():
            connection.rollback()
            if time.monotonic() > deadline:
                connection.close()
                raise CourseError("another grading run holds this PostgreSQL gradebook's lock: wait for it to end, "
                                  "then try again")
            time.sleep(0.5)
        connection.commit()  # the lock belongs to the session, not the transaction: it stays until close()
        self._database_lock = connection

    def ensure_assignment(self, assignment: str) -> None:
        """Give the gradebook the assignment's notebooks and cells, as `nbgrader generate_assignment` does."""
        with api.Gradebook(self.url) as gradebook:
            try:
                if gradebook.find_assignment(assignment).notebooks:
                    return
            except api.MissingEntry:
                pass
        self._backup()
        with tempfile.TemporaryDirectory() as scratch:
            # nbgrader also writes a release copy: made in a scratch course, so release/ stays untouched.
            shutil.copytree(self.root / "source" / assignment, Path(scratch) / "source" / assignment)
            shutil.copy(self.root / "nbgrader_config.py", scratch)
            done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                                   f"--db={self.url}", "--log-level=ERROR"], cwd=scratch, env=tool_environment(),
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise CourseError(f"nbgrader could not add {assignment} to the gradebook:\n{done.stderr.strip()}")

    def record(self, batch: Sequence[tuple[SubmissionResult, datetime.datetime]]) -> list[Exception | None]:
        """Write a batch of (result, collection time) in one commit, keeping manual grades and comments; returns,
        for each, None or the error that kept it out. If the batch's commit fails, each is written again in a
        commit of its own, so that one that cannot be written costs only itself: a submission is always either
        fully written or not at all."""
        self._backup()
        if self._gradebook is None:  # one connection for the whole run: a new one per batch costs more
            self._gradebook = api.Gradebook(self.url)
        error = self._commit(batch)
        if error is None or len(batch) == 1:
            return [error] * len(batch)
        return [self._commit([entry]) for entry in batch]

    def _commit(self, batch: Sequence[tuple[SubmissionResult, datetime.datetime]]) -> Exception | None:
        """Write `batch` in one transaction; None, or why it was rolled back."""
        assert self._gradebook is not None  # opened by `record`
        session = self._gradebook.db
        try:
            self._write(session, batch)
            session.commit()
        except Exception as error:
            session.rollback()
            return error
        except BaseException:
            session.rollback()
            raise
        return None

    def _write(self, session: scoped_session, batch: Sequence[tuple[SubmissionResult, datetime.datetime]]) -> None:
        """Set the batch's automatic scores in the session, uncommitted: two queries find what is there already,
        then one statement per table inserts what is new and one updates every score (ORM objects, made and
        tracked a row at a time, cost more than the database: 40 submissions/s)."""
        layouts = {assignment: self._layout(session, assignment) for assignment in {r.assignment for r, _ in batch}}
        students = {result.student for result, _ in batch}
        known = set(session.scalars(select(api.Student.id).where(api.Student.id.in_(students))))
        grades: dict[tuple[str, str], dict[str, str]] = {}  # (assignment id, student) -> {cell id: grade id}
        found = session.execute(
            select(api.SubmittedAssignment.assignment_id, api.SubmittedAssignment.student_id, api.Grade.cell_id,
                   api.Grade.id)
            .outerjoin(api.SubmittedNotebook, api.SubmittedNotebook.assignment_id == api.SubmittedAssignment.id)
            .outerjoin(api.Grade, api.Grade.notebook_id == api.SubmittedNotebook.id)
            .where(api.SubmittedAssignment.assignment_id.in_([layout.assignment_id for layout in layouts.values()]),
                   api.SubmittedAssignment.student_id.in_(students)))
        for assignment_id, student, cell, grade in found:
            grades.setdefault((assignment_id, student), {})
            if grade is not None:
                grades[assignment_id, student][cell] = grade
        new: dict[Any, list[dict[str, Any]]] = {model: [] for model in NEW_ROWS}
        scores = []
        for result, collected_at in batch:
            layout = layouts[result.assignment]
            key = (layout.assignment_id, result.student)
            if key not in grades:
                if result.student not in known:
                    new[api.Student].append({"id": result.student})
                    known.add(result.student)
                grades[key] = _new_submission(new, layout, result.student, collected_at)
            for part in result.parts:
                cell = layout.grade_cells.get(part.grade_id)
                grade = grades[key].get(cell) if cell is not None else None
                if grade is None:
                    raise CourseError(f"the gradebook's {result.assignment} has no grade cell {part.grade_id}: "
                                      f"run `nudge release {result.assignment}` to update it")
                scores.append({"id": grade, "auto_score": part.score, "needs_manual_grade": False})
        for model, rows in new.items():
            if rows:
                session.execute(insert(model), rows)
        if scores:
            session.execute(update(api.Grade), scores)  # by primary key: manual scores and comments stay

    def _layout(self, session: scoped_session, assignment: str) -> "Layout":
        """The assignment's notebooks and cells, read once per run (a run's lock keeps them as they are)."""
        if assignment not in self._layouts:
            assignment_id = session.scalars(select(api.Assignment.id).where(api.Assignment.name == assignment)).one()
            notebooks = list(session.scalars(select(api.Notebook.id)
                                             .where(api.Notebook.assignment_id == assignment_id)))
            cells = {kind: session.execute(select(kind.id, kind.name, kind.notebook_id).join(api.Notebook)
                                           .where(api.Notebook.assignment_id == assignment_id)).all()
                     for kind in (api.GradeCell, api.SolutionCell)}
            self._layouts[assignment] = Layout(
                assignment_id, notebooks, {name: cell for cell, name, _ in cells[api.GradeCell]},
                {cell: notebook for cell, _, notebook in cells[api.GradeCell]},
                {cell: notebook for cell, _, notebook in cells[api.SolutionCell]})
        return self._layouts[assignment]

    def _backup(self) -> None:
        """Copy the gradebook aside once per run, before its first change."""
        if _is_postgresql(self.url) and not self._backed_up:
            self._backed_up = True
            self._dump_postgresql()
            return
        database = sqlite_path(self.url)
        if self._backed_up or database is None or not database.exists():
            self._backed_up = True
            return
        folder = database.parent / "gradebook-backups"
        folder.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        self.backup_path = folder / f"gradebook-{stamp}.db"
        with sqlite3.connect(database) as source, sqlite3.connect(self.backup_path) as copy:
            source.backup(copy)  # consistent even if someone reads the gradebook meanwhile
        self._backed_up = True

    def _dump_postgresql(self) -> None:
        """pg_dump the PostgreSQL gradebook into gradebook-backups/, or say why there is no backup."""
        program = pg_dump_program()
        if program is None:
            self.backup_note = ("the PostgreSQL gradebook was not backed up: pg_dump is not installed "
                                "(apt-get install postgresql-client)")
            return
        folder = self.root / "gradebook-backups"
        folder.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"gradebook-{stamp}.dump"
        url, secret = _libpq_url(self.url)
        done = subprocess.run([program, "--format=custom", f"--file={path}", url], capture_output=True, text=True,
                              env={**os.environ, **secret}, timeout=3600)
        if done.returncode != 0:
            path.unlink(missing_ok=True)
            reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
            self.backup_note = f"the PostgreSQL gradebook was not backed up: pg_dump failed ({reason})"
            return
        self.backup_path = path


ADVISORY_LOCK = 0x6E75646765  # "nudge": the key of the gradebook's PostgreSQL advisory lock


def _is_postgresql(url: str) -> bool:
    return url.startswith(("postgresql:", "postgresql+", "postgres:"))


def pg_dump_program() -> str | None:
    """pg_dump on PATH, or Debian's newest in /usr/lib/postgresql/*/bin (the package puts none on PATH)."""
    found = shutil.which("pg_dump")
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"),
                      key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0)
    return str(versions[-1]) if versions else None


def _libpq_url(url: str) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy URL as pg_dump takes it (no +driver, the password in PGPASSWORD rather than the command)."""
    import sqlalchemy

    parsed = sqlalchemy.engine.make_url(url)
    password = parsed.password
    plain = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, ({"PGPASSWORD": str(password)} if password is not None else {})


@dataclass(frozen=True)
class Layout:
    """An assignment's rows in the gradebook, as ids: what a new submission's rows point to."""

    assignment_id: str
    notebooks: list[str]
    grade_cells: dict[str, str]  # grade id -> cell id
    grade_cell_notebooks: dict[str, str]  # cell id -> notebook id, of its grade cells
    solution_cell_notebooks: dict[str, str]  # cell id -> notebook id, of its solution cells


NEW_ROWS = (api.Student, api.SubmittedAssignment, api.SubmittedNotebook, api.Grade, api.Comment)  # in this order


def _new_submission(new: dict[Any, list[dict[str, Any]]], layout: Layout, student: str,
                    collected_at: datetime.datetime) -> dict[str, str]:
    """The rows of a new submission, as nbgrader's add_submission makes them (a grade per grade cell, a comment per
    solution cell), added to `new`; returns its grade ids by cell id."""
    submission = api.new_uuid()
    new[api.SubmittedAssignment].append({"id": submission, "assignment_id": layout.assignment_id,
                                         "student_id": student, "timestamp": collected_at})
    submitted = {notebook: api.new_uuid() for notebook in layout.notebooks}
    new[api.SubmittedNotebook] += [{"id": row, "notebook_id": notebook, "assignment_id": submission}
                                   for notebook, row in submitted.items()]
    grades = {cell: api.new_uuid() for cell in layout.grade_cell_notebooks}
    new[api.Grade] += [{"id": grades[cell], "cell_id": cell, "notebook_id": submitted[notebook]}
                       for cell, notebook in layout.grade_cell_notebooks.items()]
    new[api.Comment] += [{"id": api.new_uuid(), "cell_id": cell, "notebook_id": submitted[notebook]}
                         for cell, notebook in layout.solution_cell_notebooks.items()]
    return grades
