"""How fast the gradebook's one writer records new submissions, into SQLite and into a PostgreSQL server.

A course copy's 05-linear-regression (15 parts) is added to a fresh gradebook; then `--submissions` results of new
students, as `nudge grade` hands them to `GradebookWriter.record`, are recorded one after another (each in its
own commit). Prints submissions/s for each database. PostgreSQL is a throwaway server (tests/postgres.py), so
this needs Debian's postgresql package and the psycopg driver, as `make test` installs.

Run from anywhere:  .venv/bin/python benchmarks/gradebook_writes.py [--submissions 300]
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # one place makes a course copy and a PostgreSQL server

from conftest import copy_course  # noqa: E402
from postgres import postgres_server  # noqa: E402

from autograder.course_dir import tool_environment  # noqa: E402
from autograder.grade import PartResult, SubmissionResult  # noqa: E402
from autograder.gradebook import GradebookWriter  # noqa: E402
from autograder.plan import plan_for  # noqa: E402

ASSIGNMENT = "05-linear-regression"


def writes_per_second(course, url, count):
    plan = plan_for(course, ASSIGNMENT)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    results = [SubmissionResult(f"student{number:05d}", ASSIGNMENT,
                                [PartResult(part.grade_id, part.points, part.points, "✓") for part in plan.parts])
               for number in range(count)]
    with GradebookWriter(course, url) as writer:
        writer.ensure_assignment(ASSIGNMENT)
        started = time.perf_counter()
        for result in results:
            writer.record(result, now)
        seconds = time.perf_counter() - started
    return count / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300, help="new submissions recorded (default 300)")
    args = parser.parse_args()
    os.environ["PATH"] = tool_environment()["PATH"]  # nbgrader runs `alembic` by name
    with tempfile.TemporaryDirectory(prefix="nudge-writes-") as scratch:
        course = copy_course(Path(scratch) / "lite")
        lite = writes_per_second(course, f"sqlite:///{course / 'gradebook.db'}", args.submissions)
        with postgres_server() as url:
            course = copy_course(Path(scratch) / "postgres")
            postgres = writes_per_second(course, url, args.submissions)
    print(f"Recording {args.submissions} new submissions of {ASSIGNMENT}, one commit each:")
    print(f"  SQLite      {lite:7.1f} submissions/s")
    print(f"  PostgreSQL  {postgres:7.1f} submissions/s")


if __name__ == "__main__":
    main()
