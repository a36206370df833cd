"""A --db that cannot be used is one clear line and exit 2, never a traceback, and never shows a password (nor lets
one reach another program's command line)."""

import importlib.util

import pytest
from conftest import copy_course, nudge

from autograder.course_dir import CourseError
from autograder.gradebook import reachable


@pytest.mark.parametrize("url, said", [
    ("nonsense", "is no database URL: write sqlite:////path/to/gradebook.db"),
    ("oracle+nothing://a@b/c", "no database of the kind 'oracle+nothing'"),
    ("mssql+pymssql://user:pw@host/db", "needs the Python driver 'pymssql', which is not installed"),
])
def test_a_gradebook_url_that_cannot_be_used_says_why(url, said):
    assert importlib.util.find_spec("pymssql") is None  # the driver this case relies on being absent
    with pytest.raises(CourseError) as raised:
        reachable(url)
    assert said in str(raised.value)


def test_a_password_is_never_shown():
    # Without the PostgreSQL driver the driver is missing; with it, nothing listens on port 1: either way one line.
    with pytest.raises(CourseError) as raised:
        reachable("postgresql://grader:s3cret-pw@127.0.0.1:1/gradebook")
    assert "127.0.0.1" in str(raised.value) and "s3cret-pw" not in str(raised.value)


@pytest.mark.parametrize("url, shown", [
    ("postgres ql://grader:s3cret-pw@host/db", "'postgres ql://grader:***@host/db' is no database URL"),
    ("postgresql:/grader:s3cret-pw@host/db", "'postgresql:***@host/db' is no database URL"),
    ("postgresql://grader:s3cret-pw@host:54x/db", "'postgresql://grader:***@host:54x/db': its port is not a number"),
    ("postgresql://grader:s3cret@pw@host/db", "postgresql://grader:***@host/db: an @ in the password must be"),
])
def test_a_password_is_masked_even_in_an_url_that_does_not_parse(url, shown):
    with pytest.raises(CourseError) as raised:
        reachable(url)
    assert shown in str(raised.value) and "s3cret" not in str(raised.value) and "pw" not in str(raised.value)


@pytest.mark.parametrize("secret", ["password", "sslpassword"])
def test_a_secret_in_the_urls_query_is_refused_without_being_shown(secret):
    """pg_dump and nbgrader get the URL on their command lines, which `ps` shows to every user of the machine."""
    with pytest.raises(CourseError) as raised:
        reachable(f"postgresql+psycopg://grader@127.0.0.1:1/gradebook?sslmode=prefer&{secret}=s3cret-pw")
    said = str(raised.value)
    assert f"?{secret}=" in said and "drop it and" in said and "s3cret-pw" not in said and f"{secret}=***" in said


def test_a_sqlite_file_is_taken_as_it_is(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert reachable(url) == url and not (tmp_path / "new.db").exists()  # nothing created by looking


def test_the_commands_say_it_in_one_line_and_exit_2(tmp_path):
    course = copy_course(tmp_path)
    for command in ("export", "report", "feedback"):
        done = nudge("--course", str(course), command, "--db", "nonsense")
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.strip() == (f"nudge {command}: --db 'nonsense' is no database URL: write "
                                       "sqlite:////path/to/gradebook.db or postgresql://user@host/database")

    port = nudge("--course", str(course), "export", "--db", "postgresql://grader:s3cret-pw@host:port/db")
    assert port.returncode == 2 and port.stderr.strip() == (
        "nudge export: --db 'postgresql://grader:***@host:port/db': its port is not a number; write "
        "postgresql://user@host:5432/database")
