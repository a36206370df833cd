"""The gradebook's one writer: locked, backed up before a run changes it, one transaction per submission.

It stays an ordinary nbgrader gradebook (formgrader and `nbgrader export` keep working). A re-grade
changes only automatic scores: manual scores and comments are kept. Each submission's grades are
written in a single commit, so a run killed halfway leaves every submission as it was or fully
re-graded; a lock file keeps two runs from writing at once.
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
from pathlib import Path
from typing import IO, Any

from nbgrader import api
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

    def ensure_assignment(self, assignment: str) -> None:
        """Give the gradebook the assignment's notebooks and cells, as `nbgrader generate_assignment` does."""
        with api.Gradebook(self.url) as gradebook:
            try:
                if gradebook.find_assignment(assignment).notebooks:
                    return
            except api.MissingEntry:
                pass
        with tempfile.TemporaryDirectory() as scratch:
            # nbgrader also writes a release copy: made in a scratch course, so release/ stays untouched.
            shutil.copytree(self.root / "source" / assignment, Path(scratch) / "source" / assignment)
            shutil.copy(self.root / "nbgrader_config.py", scratch)
            url, secret = _password_apart(self.url)
            done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                                   f"--db={url}", "--log-level=ERROR"], cwd=scratch,
                                  env={**tool_environment(), **secret}, capture_output=True, text=True)
            if done.returncode != 0:
                raise CourseError(f"nbgrader could not add {assignment} to the gradebook:\n{done.stderr.strip()}")

    def record(self, result: SubmissionResult, collected_at: datetime.datetime) -> datetime.datetime:
        """Write one submission's automatic scores in a single commit, keeping manual grades and comments; returns its
        collection time, the first grading's (`collected_at` for a submission new to the gradebook)."""
        self._check_lock()
        if self._gradebook is None:  # one connection for the whole run: a new one per submission costs more
            self._gradebook = api.Gradebook(self.url)
        session = self._gradebook.db
        try:
            student = session.query(api.Student).filter(api.Student.id == result.student).one_or_none()
            if student is None:
                student = api.Student(id=result.student)
                session.add(student)
            submission = _find_submission(session, result.assignment, result.student)
            if submission is None:
                submission = _new_submission(session, result.assignment, student, collected_at)
            if submission.timestamp is None:  # stock nbgrader's, of a submission that came without timestamp.txt
                submission.timestamp = collected_at
            collected_at = submission.timestamp
            grades = {grade.name: grade for notebook in submission.notebooks for grade in notebook.grades}
            for part in result.parts:
                grade = grades.get(part.grade_id)
                if grade is None:
                    raise CourseError(f"the gradebook's {result.assignment} has no grade cell {part.grade_id}: "
                                      f"run `nudge release {result.assignment}` to update it")
                grade.auto_score = part.score
                grade.needs_manual_grade = False
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return collected_at

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


def _find_submission(session: scoped_session, assignment: str, student: str) -> api.SubmittedAssignment | None:
    return (session.query(api.SubmittedAssignment).join(api.Assignment).join(api.Student)
            .filter(api.Assignment.name == assignment, api.Student.id == student).one_or_none())


def _new_submission(session: scoped_session, assignment: str, student: api.Student,
                    collected_at: datetime.datetime) -> api.SubmittedAssignment:
    """The submission with a grade row per grade cell, as nbgrader's add_submission makes it, uncommitted."""
    row = session.query(api.Assignment).filter(api.Assignment.name == assignment).one()
    with session.no_autoflush:  # SQLAlchemy 2 does not cascade through backrefs: every row is added by hand
        submission = api.SubmittedAssignment(assignment=row, student=student, timestamp=collected_at)
        session.add(submission)
        for notebook in row.notebooks:
            submitted = api.SubmittedNotebook(notebook=notebook, assignment=submission)
            session.add(submitted)
            session.add_all(api.Grade(cell=cell, notebook=submitted) for cell in notebook.grade_cells)
            session.add_all(api.Comment(cell=cell, notebook=submitted) for cell in notebook.solution_cells)
    session.flush()  # still one transaction: nothing is committed until every score is set
    return submission
