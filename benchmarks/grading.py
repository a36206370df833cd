"""Stock `nbgrader autograde` against `nudge grade`, on the same submissions of the real course.

For every assignment it generates submissions from the release notebooks: a correct one (the
reference solutions), a wrong one (the first typical-mistake case of tests/cases), and an empty
one (the release as handed out), `--copies` times each. Two private copies of the course are set
up alike (released, gradebook made) outside the timing; then each grader grades all submissions
and the script prints both wall times, their ratio, and the time per notebook. `nudge grade` runs
with all its isolation and checks on, with `--workers` (default: the number of cores).

Before the timing, nudge's plans are worked out once and timed apart (as `nbgrader generate_assignment` is not
timed either): that happens once after each change to source/ or to the grader, and is kept in ~/.cache/nudge
(autograder.cache) for every later run.

Run:  .venv/bin/python benchmarks/grading.py [--copies 2] [--workers N]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_course  # noqa: E402
from submissions import load_cases, solution_sources, submission, write_submission  # noqa: E402

from autograder.course_dir import assignments, tool_environment  # noqa: E402


def submission_kinds(ids):
    """{assignment: {kind: notebook}}: correct (the reference solutions), empty (the release as handed out) and,
    where tests/cases has one, wrong (its first typical-mistake case)."""
    wrong = {}
    for assignment, _student, case in load_cases():
        wrong.setdefault(assignment, case)
    found = {}
    for assignment in ids:
        found[assignment] = {"correct": submission(assignment, solution_sources(assignment)),
                             "empty": submission(assignment)}
        if assignment in wrong:
            found[assignment]["wrong"] = wrong[assignment].notebook(assignment)
    return found


def make_course(folder, ids, copies):
    """A course copy, released into its gradebook, with copies × (correct, wrong, empty) per assignment."""
    course = copy_course(folder)
    run([sys.executable, "-m", "autograder", "--course", str(course), "release"])
    for assignment, kinds in submission_kinds(ids).items():
        for copy in range(copies):
            for kind, notebook in kinds.items():
                write_submission(course, f"{kind}-{copy:02d}", assignment, notebook)
    return course


def run(command, cwd=None):
    subprocess.run(command, cwd=cwd, env=tool_environment(), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2, help="submissions of each kind per assignment (default 2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="nudge grade's workers (default: cores)")
    options = parser.parse_args()
    ids = assignments(ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        stock_course = make_course(Path(scratch) / "stock", ids, options.copies)
        nudge_course = make_course(Path(scratch) / "nudge", ids, options.copies)
        notebooks = len(list((stock_course / "submitted").glob("*/*/*.ipynb")))

        started = time.perf_counter()
        for assignment in ids:
            run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--log-level=ERROR"], cwd=stock_course)
        stock = time.perf_counter() - started

        started = time.perf_counter()
        run([sys.executable, "-c", "import sys; from autograder.plan import plan_for; "
             "[plan_for(sys.argv[1], a) for a in sys.argv[2:]]", str(nudge_course), *ids])
        plans = time.perf_counter() - started

        started = time.perf_counter()
        run([sys.executable, "-m", "autograder", "--course", str(nudge_course), "grade",
             "--workers", str(options.workers)])
        nudge = time.perf_counter() - started

    print(f"{notebooks} submissions ({len(ids)} assignments × correct, wrong, empty × {options.copies}), "
          f"{os.cpu_count()} cores")
    print(f"{'grader':<36}{'wall s':>9}{'s per notebook':>16}")
    print(f"{'stock nbgrader autograde':<36}{stock:>9.1f}{stock / notebooks:>16.2f}")
    print(f"{f'nudge grade --workers {options.workers}':<36}{nudge:>9.1f}{nudge / notebooks:>16.2f}")
    print(f"nudge / stock = {nudge / stock:.3f} (target: at most 0.05)")
    print(f"(nudge's plans, worked out before the timing: {plans:.1f} s, of which the part kept in ~/.cache/nudge "
          "is done once per change of source/ or the grader)")


if __name__ == "__main__":
    main()
