"""What grading one notebook costs a worker beyond the learner's own code: one-off sandboxes against warm ones.

A one-off sandbox starts Python and runs the notebook's imports cell (numpy, matplotlib's pyplot,
ipywidgets, `course`) for every submission; a warm one (autograder.sandbox.WarmSandbox, used when
the grader runs as root) has done those imports once and forks a fresh child per submission. The
script grades the same module-05 submissions one after another in this process, as one worker
would, and prints the wall time per notebook: a blank one (the release as handed out: its learner
code does nothing, so its time is all overhead) and a correct one. The warm figures leave out the
first notebook, which pays for the warm sandbox's own start (shown apart).

Run:  .venv/bin/python benchmarks/startup.py [--notebooks 20] [--assignment 05-linear-regression]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder import sandbox
from autograder.batch import grade_all
from autograder.course_dir import tool_environment
from autograder.grade import grade_submission

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "tests"))  # once `course` is imported: tests/course would pass for it

from conftest import copy_course  # noqa: E402
from submissions import solution_sources, submission, write_submission  # noqa: E402


def seconds_each(course: Path, assignment: str, student: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        result = grade_submission(course, assignment, student, sandbox.limits_for(course))
        times.append(time.perf_counter() - started)
        assert not result.failure, result.failure
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=20, help="notebooks of each kind graded (default 20)")
    parser.add_argument("--assignment", default="05-linear-regression")
    options = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("warm sandboxes need a grader running as root: run this as root")
    os.environ["PATH"] = tool_environment()["PATH"]  # nbgrader's gradebook runs `alembic` by name
    with tempfile.TemporaryDirectory() as scratch:
        course = copy_course(Path(scratch))
        write_submission(course, "blank", options.assignment, submission(options.assignment))
        write_submission(course, "correct", options.assignment,
                         submission(options.assignment, solution_sources(options.assignment)))
        with open(os.devnull, "w") as quiet:  # the gradebook and the plan, set up outside the timing
            grade_all(course, [(options.assignment, "blank")], f"sqlite:///{course}/gradebook.db", workers=1,
                      progress=quiet)
        sandbox.matplotlib_cache()

        rows = []
        warm_sandbox = sandbox.warm_sandbox
        sandbox.warm_sandbox = lambda limits: None  # type: ignore[assignment]  (one-off sandboxes only)
        for student in ("blank", "correct"):
            rows.append(("one-off", student, seconds_each(course, options.assignment, student, options.notebooks)))
        sandbox.warm_sandbox = warm_sandbox  # type: ignore[assignment]
        started = time.perf_counter()
        sandbox.warm_sandbox(sandbox.limits_for(course))
        start_up = time.perf_counter() - started
        for student in ("blank", "correct"):
            rows.append(("warm", student, seconds_each(course, options.assignment, student, options.notebooks)))

    print(f"{options.assignment}, {options.notebooks} notebooks of each kind graded one after another, "
          f"{os.cpu_count()} cores")
    print(f"{'sandbox':<10}{'submission':<12}{'median s':>10}{'mean s':>10}{'min s':>8}")
    for kind, student, times in rows:
        print(f"{kind:<10}{student:<12}{statistics.median(times):>10.3f}{statistics.mean(times):>10.3f}"
              f"{min(times):>8.3f}")
    print(f"a warm sandbox's own start (once per worker, and after a run that does not end cleanly): {start_up:.2f} s")
    blank = statistics.median(next(times for kind, student, times in rows if (kind, student) == ("warm", "blank")))
    print(f"warm overhead per notebook (the blank one's median): {blank:.3f} s (target: at most 0.15 s)")


if __name__ == "__main__":
    main()
