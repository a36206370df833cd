"""How fast the gradebook's one writer records submissions, into SQLite and into a PostgreSQL server.

A course copy's 05-linear-regression (15 parts) is added to a fresh gradebook; then `--submissions` results of new
students are recorded as `nudge grade` hands them to `GradebookWriter.record` (batches of `BATCH_SIZE`, one commit
each), and then the same students again (a re-grade, which updates their rows). Prints submissions/s for each
database and each pass. PostgreSQL is a throwaway server (tests/postgres.py), so this needs Debian's postgresql
package and the psycopg driver, as `make test` installs.

Run from anywhere:  .venv/bin/python benchmarks/gradebook_writes.py [--submissions 1000]
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's autograder; the tests' course copy and server

from conftest import copy_course  # noqa: E402
from postgres import postgres_server  # noqa: E402

from autograder.batch import BATCH_SIZE  # noqa: E402
from autograder.course_dir import tool_environment  # noqa: E402
from autograder.grade import PartResult, SubmissionResult  # noqa: E402
from autograder.gradebook import GradebookWriter  # noqa: E402
from autograder.plan import plan_for  # noqa: E402

ASSIGNMENT = "05-linear-regression"


def writes_per_second(course, url, count):
    """(new submissions/s, re-graded submissions/s) of `count` students recorded in batches of BATCH_SIZE."""
    plan = plan_for(course, ASSIGNMENT)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    results = [SubmissionResult(f"student{number:05d}", ASSIGNMENT,
                                [PartResult(part.grade_id, part.points, part.points, "✓") for part in plan.parts])
               for number in range(count)]
    rates = []
    with GradebookWriter(course, url) as writer:
        writer.ensure_assignments([ASSIGNMENT])
        for _new_then_again in range(2):
            started = time.perf_counter()
            for first in range(0, count, BATCH_SIZE):
                outcomes = writer.record([(result, now) for result in results[first:first + BATCH_SIZE]])
                assert not [error for error in outcomes if isinstance(error, Exception)], outcomes
            rates.append(count / (time.perf_counter() - started))
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000, help="submissions recorded (default 1000)")
    args = parser.parse_args()
    os.environ["PATH"] = tool_environment()["PATH"]  # nbgrader runs `alembic` by name
    with tempfile.TemporaryDirectory(prefix="nudge-writes-") as scratch:
        course = copy_course(Path(scratch) / "lite")
        lite = writes_per_second(course, f"sqlite:///{course / 'gradebook.db'}", args.submissions)
        with postgres_server() as url:
            course = copy_course(Path(scratch) / "postgres")
            postgres = writes_per_second(course, url, args.submissions)
    print(f"Recording {args.submissions} submissions of {ASSIGNMENT}, {BATCH_SIZE} a commit (target: 100/s):")
    print(f"{'':12}{'new':>10}{'re-graded':>12}  submissions/s")
    for name, (new, again) in (("SQLite", lite), ("PostgreSQL", postgres)):
        print(f"{name:12}{new:>10.1f}{again:>12.1f}")


if __name__ == "__main__":
    main()
