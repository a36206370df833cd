"""The instructor's commands: `python -m autograder release|grade|feedback|export|report` (`nudge` hands them here).

The learner's commands (start, progress, solution) are `course.learner`'s: a student's copy has no autograder.
"""

import argparse
import os
import sys
from pathlib import Path

from autograder.course_dir import CourseError, check_course_root, find_course_root, tool_environment
from course.learner import tolerant_output


def main(argv: list[str] | None = None) -> int:
    tolerant_output()
    parser = build_parser()
    options = parser.parse_args(argv)
    os.environ["PATH"] = tool_environment()["PATH"]  # nbgrader's gradebook runs `alembic` by name
    try:
        root = check_course_root(options.course) if options.course else find_course_root()
        return options.run(root, options) or 0
    except CourseError as error:
        print(f"nudge {options.command}: {error}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nudge", description="Nudge: the calculus behind machine learning.")
    parser.add_argument(
        "--course", metavar="DIR", help="the course folder (default: the one around the current folder)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser("release", help="regenerate release/ (the student version) from source/",
                                  description="Regenerate release/ from source/ with nbgrader generate_assignment.")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignment ids (default: all)")
    release.add_argument("--no-db", action="store_true", help="do not record the assignments in gradebook.db")
    release.set_defaults(run=run_release)

    grade = commands.add_parser("grade", help="grade submitted/ in parallel, isolated, into the gradebook",
                                description="Grade every submission in submitted/<student>/<assignment>/: each "
                                            "runs isolated, is judged outside the learner's process, and its "
                                            "grades go into the gradebook; graded notebooks go to autograded/.")
    grade.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignment ids (default: all)")
    grade.add_argument("--student", action="append", default=[], metavar="ID", help="only this student (repeatable)")
    grade.add_argument("--workers", type=positive_int, default=None, metavar="N",
                       help="submissions graded at once (default: the number of cores)")
    grade.add_argument("--cluster", metavar="local[:N]",
                       help="grade on a Dask LocalCluster of N single-threaded workers (default N: the cores)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786)")
    grade.add_argument("--db", metavar="URL", help="the gradebook, any SQLAlchemy URL (default: gradebook.db)")
    grade.set_defaults(run=run_grade)

    feedback = commands.add_parser("feedback", help="an HTML feedback page per student and assignment",
                                   description="Write feedback/<student>/<assignment>/<assignment>.html from the "
                                               "gradebook and the last grading: per part, the points, what was "
                                               "checked and the mistake found; never hidden code or values.")
    feedback.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignment ids (default: all)")
    feedback.add_argument("--student", action="append", default=[], metavar="ID", help="only this student")
    feedback.add_argument("--db", metavar="URL", help="the gradebook (default: gradebook.db)")
    feedback.set_defaults(run=run_feedback)

    export = commands.add_parser("export", help="a CSV of grades: per part, or for Canvas or Moodle to import",
                                 description="Write a CSV of grades, manual grades included. --format parts (the "
                                             "default): one row per student and assignment, with the total, the "
                                             "maximum and the score of every part. --format canvas or moodle: one "
                                             "row per student and one column per assignment, as that LMS imports "
                                             "it (no submission: an empty cell).")
    export.add_argument("--format", choices=["parts", "canvas", "moodle"], default="parts",
                        help="the layout (default: parts)")
    export.add_argument("--out", metavar="FILE", help="where to write (default: grades.csv, canvas.csv or moodle.csv)")
    export.add_argument("--db", metavar="URL", help="the gradebook (default: gradebook.db)")
    export.set_defaults(run=run_export)

    report = commands.add_parser("report", help="an HTML class report with plots",
                                 description="Write an HTML class report: score distribution per assignment, "
                                             "pass rate per part, the most frequent mistakes, failed submissions.")
    report.add_argument("--out", default="report.html", metavar="FILE", help="where to write (default: report.html)")
    report.add_argument("--db", metavar="URL", help="the gradebook (default: gradebook.db)")
    report.set_defaults(run=run_report)
    for command in commands.choices.values():  # `nudge grade 04-chain-rule --course DIR`, as people type it
        command.add_argument("--course", metavar="DIR", default=argparse.SUPPRESS,
                             help="the course folder (default: the one around the current folder)")
    return parser


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def run_grade(root: Path, options: argparse.Namespace) -> int:
    import time

    from autograder.batch import find_submissions, grade_all, summary
    from autograder.cluster import ClusterChoice
    from autograder.gradebook import default_url, reachable
    from autograder.sandbox import SandboxUnavailable, limits_for

    cluster = ClusterChoice.parse(options.cluster, options.scheduler)
    submissions = find_submissions(root, options.assignments, options.student)
    if not submissions:
        raise CourseError(f"nothing to grade: no submissions in {root}/submitted/<student>/<assignment>/ "
                          "for the assignments and students asked for")
    started = time.monotonic()
    try:
        limits = limits_for(root)
        url = reachable(options.db) if options.db else default_url(root)
        results, backup = grade_all(root, submissions, url, options.workers, limits, cluster=cluster)
    except SandboxUnavailable as error:
        raise CourseError(str(error)) from error
    print(summary(results, time.monotonic() - started, backup))
    return 0


def gradebook_url(root: Path, options: argparse.Namespace) -> str:
    from autograder.gradebook import default_url, reachable, sqlite_path

    url = reachable(options.db) if options.db else default_url(root)
    database = sqlite_path(url)
    if database is not None and not database.exists():
        raise CourseError(f"there is no gradebook at {database} yet: run `nudge grade` first")
    return url


def run_feedback(root: Path, options: argparse.Namespace) -> int:
    from autograder.reports import write_feedback

    written = write_feedback(root, gradebook_url(root, options), options.assignments, options.student)
    if not written:
        raise CourseError("no graded submissions to give feedback on: run `nudge grade` first")
    print(f"Wrote {len(written)} feedback pages under {root / 'feedback'}.")
    return 0


def run_export(root: Path, options: argparse.Namespace) -> int:
    url = gradebook_url(root, options)
    if options.format == "parts":
        from autograder.reports import write_export

        written = write_export(root, url, options.out or "grades.csv")
    else:
        from nbgrader import api

        from autograder.lms import write_lms_csv

        with api.Gradebook(url) as gradebook:
            written = write_lms_csv(gradebook, options.format, options.out or f"{options.format}.csv")
    print(f"Wrote {written}.")
    return 0


def run_report(root: Path, options: argparse.Namespace) -> int:
    from autograder.reports import write_report

    print(f"Wrote {write_report(root, gradebook_url(root, options), options.out)}.")
    return 0


def run_release(root: Path, options: argparse.Namespace) -> int:
    from autograder.release import release

    released = release(root, options.assignments, use_database=not options.no_db)
    print(f"Regenerated release/ for {', '.join(released)}.")
    return 0
