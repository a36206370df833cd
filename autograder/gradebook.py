"""The gradebook's one writer: locked, backed up before a run changes it, submissions written in batches.

It stays an ordinary nbgrader gradebook (formgrader and `nbgrader export` keep working). A re-grade
changes only automatic scores: manual scores and comments are kept. A batch of submissions is
written in one commit over the run's one connection (a commit per submission kept the writer under
100 a second), and a submission never spans two commits, so a run killed halfway leaves every
submission as it was or fully re-graded; a lock file keeps two runs from writing at once.
"""

import contextlib
import datetime
import fcntl
import os
import re
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


_SECRET_IN_QUERY = re.compile(r"([?&](?:ssl)?password=)[^&#]*", re.IGNORECASE)
# Secrets libpq takes in a URL's query, which would reach pg_dump's and nbgrader's command lines: where to put them.
QUERY_SECRETS = {"password": "give the password in PGPASSWORD or ~/.pgpass",
                 "sslpassword": "use a client key without a passphrase, readable by you alone"}


def shown_url(url: str) -> str:
    """`url` fit for a message, whether it parses or not: what sits between "user:" and the last "@" (a password,
    even one holding an "@") and the value of ?password= or ?sslpassword= become ***."""
    start = url.find("://") + 3 if "://" in url else 0
    end = url.rfind("@")
    colon = url.find(":", start, end) if end > start else -1
    if colon >= 0:
        url = f"{url[:colon + 1]}***{url[end:]}"
    return _SECRET_IN_QUERY.sub(r"\1***", url)


def reachable(url: str) -> str:
    """`url` if a gradebook can be opened there; otherwise a CourseError that says what is wrong and what to do.

    An URL that is none, a database whose driver is not installed, and a server that refuses the connection
    (a wrong password, no server there) are told apart in one line each, with the password never shown.
    """
    import sqlalchemy
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    shown = shown_url(url)
    try:
        parsed = sqlalchemy.engine.make_url(url)
    except ArgumentError:
        raise CourseError(f"--db {shown!r} is no database URL: write sqlite:////path/to/gradebook.db or "
                          "postgresql://user@host/database") from None
    except ValueError:  # SQLAlchemy's int() of the port; its message may hold part of an unescaped password
        raise CourseError(f"--db {shown!r}: its port is not a number; write postgresql://user@host:5432/database"
                          ) from None
    if parsed.get_backend_name() == "sqlite":
        return url  # a file: a missing one is created by the first grading, or named by the command that needs it
    for key, instead in QUERY_SECRETS.items():
        if key in parsed.query:
            raise CourseError(f"--db {shown}: ?{key}= in the URL would show on pg_dump's and nbgrader's command "
                              f"lines, which every user of this machine can read: drop it and {instead}")
    if "@" in (parsed.host or ""):  # an unescaped @ in the password: the rest of it would be taken for the host
        raise CourseError(f"--db {shown}: an @ in the password must be written %40 in the URL")
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
        self.backup_note = ""  # what the backup did, when it is not a file beside the gradebook

    def __enter__(self) -> "GradebookWriter":
        if _is_postgresql(self.url):
            self._lock_database()
        else:
            self._lock_file()
        try:
            self._backup()  # now, before any change: a SQLite gradebook that cannot be backed up stops the run here
        except BaseException:
            self.__exit__()
            raise
        return self

    def _lock_file(self) -> None:
        """SQLite: hold the course's lock file for the run, so that a second run waits for this one."""
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

    def _check_lock(self) -> None:
        """PostgreSQL: before a write, that this run's session still holds the advisory lock. A session that ended
        (a dropped connection, a restarted server) has let the lock go, and a pooler in transaction mode
        (PgBouncer) runs each statement in some other session: either way another run may be writing, so this
        one stops. One small query on the lock's own connection."""
        if self._database_lock is None:
            return
        import sqlalchemy

        try:
            held = self._database_lock.execute(sqlalchemy.text(HOLDS_LOCK), {"key": ADVISORY_LOCK}).scalar()
            self._database_lock.rollback()  # not left idle in a transaction
        except sqlalchemy.exc.SQLAlchemyError:  # the connection is gone
            held = False
        if not held:
            raise LockLost("this run lost the PostgreSQL gradebook's advisory lock (its connection to the server "
                           "ended), so another run could be writing: it stopped before writing more. Run `nudge "
                           "grade` again (behind PgBouncer, connect directly or in session pooling mode)")

    def ensure_assignments(self, wanted: Sequence[str]) -> None:
        """Give the gradebook the notebooks and cells of each of these assignments that it lacks, as `nbgrader
        generate_assignment` does: all of them in one run of nbgrader, whose start-up is most of its time (~2 s)."""
        with api.Gradebook(self.url) as gradebook:
            missing = [assignment for assignment in wanted if not _has_notebooks(gradebook, assignment)]
        if missing:
            generate_assignments(self.root, missing, self.url, into_release=False)

    def record(self, batch: Sequence[tuple[SubmissionResult, datetime.datetime]]
               ) -> list[datetime.datetime | Exception]:
        """Write a batch of (result, collection time) in one commit, keeping manual grades and comments; returns,
        for each, the collection time the gradebook holds (the first grading's, or the one given for a submission
        new to it) or the error that kept it out. If the batch's commit fails, each is written again in a commit
        of its own, so that one that cannot be written costs only itself: a submission is always either fully
        written or not at all. A lost lock (LockLost) is no submission's failure: it is raised."""
        self._check_lock()
        if self._gradebook is None:  # one connection for the whole run: a new one per batch costs more
            self._gradebook = api.Gradebook(self.url)
        outcome = self._commit(batch)
        if not isinstance(outcome, Exception):
            return list(outcome)
        if len(batch) == 1:
            return [outcome]
        return [_only(self._commit([entry])) for entry in batch]

    def _commit(self, batch: Sequence[tuple[SubmissionResult, datetime.datetime]]
                ) -> list[datetime.datetime] | Exception:
        """Write `batch` in one transaction; each one's collection time, or why it was rolled back."""
        assert self._gradebook is not None  # opened by `record`
        session = self._gradebook.db
        try:
            collected = self._write(session, batch)
            session.commit()
        except Exception as error:
            session.rollback()
            return error
        except BaseException:
            session.rollback()
            raise
        return collected

    def _write(self, session: scoped_session, batch: Sequence[tuple[SubmissionResult, datetime.datetime]]
               ) -> list[datetime.datetime]:
        """Set the batch's automatic scores in the session, uncommitted, and return each one's collection time: two
        queries find what is there already, then one statement per table inserts what is new and one updates every
        score (ORM objects, made and tracked a row at a time, cost more than the database: 40 submissions/s)."""
        layouts = {assignment: self._layout(session, assignment) for assignment in {r.assignment for r, _ in batch}}
        students = {result.student for result, _ in batch}
        known = set(session.scalars(select(api.Student.id).where(api.Student.id.in_(students))))
        grades: dict[tuple[str, str], dict[str, str]] = {}  # (assignment id, student) -> {cell id: grade id}
        stamps: dict[tuple[str, str], tuple[str, datetime.datetime | None]] = {}  # -> (submission id, timestamp)
        found = session.execute(
            select(api.SubmittedAssignment.assignment_id, api.SubmittedAssignment.student_id, api.Grade.cell_id,
                   api.Grade.id, api.SubmittedAssignment.id, api.SubmittedAssignment.timestamp)
            .outerjoin(api.SubmittedNotebook, api.SubmittedNotebook.assignment_id == api.SubmittedAssignment.id)
            .outerjoin(api.Grade, api.Grade.notebook_id == api.SubmittedNotebook.id)
            .where(api.SubmittedAssignment.assignment_id.in_([layout.assignment_id for layout in layouts.values()]),
                   api.SubmittedAssignment.student_id.in_(students)))
        for assignment_id, student, cell, grade, submission, timestamp in found:
            grades.setdefault((assignment_id, student), {})
            stamps[assignment_id, student] = (submission, timestamp)
            if grade is not None:
                grades[assignment_id, student][cell] = grade
        new: dict[Any, list[dict[str, Any]]] = {model: [] for model in NEW_ROWS}
        scores, collected, undated = [], [], []
        for result, collected_at in batch:
            layout = layouts[result.assignment]
            key = (layout.assignment_id, result.student)
            if key not in grades:
                if result.student not in known:
                    new[api.Student].append({"id": result.student})
                    known.add(result.student)
                grades[key] = _new_submission(new, layout, result.student, collected_at)
            submission, timestamp = stamps.get(key, (None, collected_at))
            if timestamp is None:  # stock nbgrader's, of a submission that came without timestamp.txt: ours now
                undated.append({"id": submission, "timestamp": collected_at})
            collected.append(timestamp or collected_at)
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
        if undated:
            session.execute(update(api.SubmittedAssignment), undated)
        if scores:
            session.execute(update(api.Grade), scores)  # by primary key: manual scores and comments stay
        return collected

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
        """Copy the gradebook aside, once per run, before it changes.

        A SQLite gradebook's copy is the only one there is, made in a moment: one that cannot be made (a full disk,
        a folder that cannot be written) stops the run before anything changes, with the reason, since the run
        would meet the same trouble. A PostgreSQL gradebook is the server's to keep (its own backups), and pg_dump
        is an extra that may be missing or refused: the run goes on without it and says so at the end.
        """
        if _is_postgresql(self.url):
            self._dump_postgresql()
            return
        database = sqlite_path(self.url)
        if database is None or not database.exists():
            return
        folder = database.parent / "gradebook-backups"
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"gradebook-{stamp}.db"
        try:
            folder.mkdir(exist_ok=True)
            with contextlib.closing(sqlite3.connect(database)) as source, \
                    contextlib.closing(sqlite3.connect(path)) as copy:
                source.backup(copy)  # consistent even if someone reads the gradebook meanwhile
        except (OSError, sqlite3.Error) as error:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            raise CourseError(f"the gradebook {database} could not be backed up into {folder} ({error}), so "
                              "nothing was graded or changed: make room or fix that folder, then run again") from None
        self.backup_path = path

    def _dump_postgresql(self) -> None:
        """pg_dump the PostgreSQL gradebook into gradebook-backups/, or say why there is no backup."""
        program = pg_dump_program()
        if program is None:
            self.backup_note = ("the PostgreSQL gradebook was not backed up: pg_dump is not installed "
                                "(apt-get install postgresql-client)")
            return
        folder = self.root / "gradebook-backups"
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"gradebook-{stamp}.dump"
        url, secret = _password_apart(self.url, drivername="postgresql")  # pg_dump takes no +driver
        try:
            folder.mkdir(exist_ok=True)
            done = subprocess.run([program, "--format=custom", f"--file={path}", url], capture_output=True,
                                  text=True, env={**os.environ, **secret}, timeout=3600)
        except (OSError, subprocess.SubprocessError) as error:  # pg_dump not runnable, or an hour gone
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            self.backup_note = f"the PostgreSQL gradebook was not backed up: {error}"
            return
        if done.returncode != 0:
            path.unlink(missing_ok=True)
            reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
            self.backup_note = f"the PostgreSQL gradebook was not backed up: pg_dump failed ({reason})"
            return
        self.backup_path = path


ADVISORY_LOCK = 0x6E75646765  # "nudge": the key of the gradebook's PostgreSQL advisory lock
# Whether this session holds it: pg_locks shows a bigint key's high half as classid, its low half as objid.
HOLDS_LOCK = ("SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted "
              "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = :key)")


class LockLost(CourseError):
    """The run no longer holds the gradebook's lock: it stops rather than write beside another run."""


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


def generate_assignments(root: Path, ids: Sequence[str], url: str | None, into_release: bool = True) -> None:
    """`nbgrader generate_assignment` for each of `ids`, all in one run, whose start-up is most of its time (~2 s):
    in a scratch course that holds only their sources (so that the pattern "*" names exactly them). Each gets its
    notebooks and cells in the gradebook at `url` (None: none), and, `into_release`, replaces release/<id>/ with
    what nbgrader made of it."""
    with tempfile.TemporaryDirectory(prefix="nudge-generate-") as scratch:
        for assignment in ids:
            shutil.copytree(root / "source" / assignment, Path(scratch) / "source" / assignment)
        shutil.copy(root / "nbgrader_config.py", scratch)
        plain, secret = _password_apart(url) if url is not None else (None, {})
        done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force",
                               f"--db={plain}" if plain else "--no-db", "--log-level=WARN"], cwd=scratch,
                              env={**tool_environment(), **secret}, capture_output=True, text=True)
        if done.returncode != 0:
            raise CourseError(f"nbgrader could not generate {', '.join(ids)}:\n{done.stderr.strip()}")
        for assignment in ids if into_release else ():
            made, target = Path(scratch) / "release" / assignment, root / "release" / assignment
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(made, target)


def _has_notebooks(gradebook: api.Gradebook, assignment: str) -> bool:
    try:
        return bool(gradebook.find_assignment(assignment).notebooks)
    except api.MissingEntry:
        return False


def _password_apart(url: str, drivername: str | None = None) -> tuple[str, dict[str, str]]:
    """`url` for another program's command line, which every user of the machine can read (`ps`): without its
    password, and the environment that gives the password to libpq (PGPASSWORD). With `drivername`, that driver."""
    import sqlalchemy

    parsed = sqlalchemy.engine.make_url(url)
    if parsed.password is None and drivername is None:
        return url, {}
    # URL.create, not URL.set: set(password=None) keeps the password (pg_dump's command line had it).
    plain = sqlalchemy.engine.URL.create(drivername or parsed.drivername, parsed.username, None, parsed.host,
                                         parsed.port, parsed.database, parsed.query)
    secret = {"PGPASSWORD": str(parsed.password)} if parsed.password is not None else {}
    return plain.render_as_string(hide_password=False), secret


def _only(outcome: list[datetime.datetime] | Exception) -> datetime.datetime | Exception:
    """The outcome of a batch of one."""
    return outcome if isinstance(outcome, Exception) else outcome[0]


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
