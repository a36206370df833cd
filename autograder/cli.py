"""The `nudge` command (also `python -m autograder`): one entry point for learners and instructors."""

import argparse
import os
import sys
from pathlib import Path

from autograder.course_dir import CourseError, check_course_root, find_course_root, tool_environment

DEFAULT_WORKSPACE = "work"


def main(argv=None):
    for stream in (sys.stdout, sys.stderr):  # a terminal that can't show a character gets a ?, not a crash
        stream.reconfigure(errors="replace")
    parser = build_parser()
    options, extra = parser.parse_known_args(argv)
    if extra and options.command != "start":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    options.lab_arguments = extra  # `nudge start --no-browser --port 8899` passes these to JupyterLab
    os.environ["PATH"] = tool_environment()["PATH"]  # nbgrader's gradebook runs `alembic` by name
    try:
        root = check_course_root(options.course) if options.course else find_course_root()
        return options.run(root, options) or 0
    except CourseError as error:
        print(f"nudge {options.command}: {error}", file=sys.stderr)
        return 2


def build_parser():
    parser = argparse.ArgumentParser(prog="nudge", description="Nudge: the calculus behind machine learning.")
    parser.add_argument(
        "--course", metavar="DIR", help="the course folder (default: the one around the current folder)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    start = commands.add_parser("start", help="copy the course into your working folder and open it in JupyterLab",
                                description="Copy release/ into your working folder (never overwriting your own "
                                            "changes) and open it in JupyterLab. Extra arguments go to JupyterLab.")
    start.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="your working folder (default: work/)")
    start.add_argument("--prepare-only", action="store_true", help="update the working folder, do not start JupyterLab")
    start.set_defaults(run=run_start)

    progress = commands.add_parser("progress", help="which exercises of your working copy pass, and what next",
                                   description="Run the visible checks of every module in your working folder "
                                               "and show which exercises pass, and what to do next.")
    progress.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="your working folder (default: work/)")
    progress.set_defaults(run=run_progress)

    solution = commands.add_parser("solution", help="show the worked solution of one exercise (self-study)",
                                   description="Print the worked solution of an exercise function from the course's "
                                               "source notebooks. Try the three hints under the exercise first.")
    solution.add_argument("assignment", metavar="ASSIGNMENT", help="the module, e.g. 01-slope")
    solution.add_argument("function", metavar="FUNCTION", help="the exercise's function, e.g. slope")
    solution.set_defaults(run=run_solution)

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

    export = commands.add_parser("export", help="a CSV of grades: one row per student and assignment",
                                 description="Write a CSV with one row per student and assignment: total, "
                                             "maximum and the score of every part (manual grades included).")
    export.add_argument("--out", default="grades.csv", metavar="FILE", help="where to write (default: grades.csv)")
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


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def run_start(root, options):
    from autograder.workspace import update_workspace

    if not any((root / "release").glob("*/*.ipynb")):
        raise CourseError(f"{root}/release holds no notebooks: run `nudge release` first (instructors), or clone the "
                          "course again (learners)")
    workspace = (root / options.workspace).resolve()
    copied = update_workspace(root, workspace)
    print(f"Your working folder is {workspace} ({len(copied)} new files copied from release/).")
    if options.prepare_only:
        return 0
    lab_arguments = [f"--ServerApp.root_dir={workspace}", *options.lab_arguments]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        lab_arguments.append("--allow-root")  # containers, Binder and CI often run as root
    print("Starting JupyterLab; open 00-start-here/00-start-here.ipynb first. Stop it with Ctrl-C.", flush=True)
    jupyter = Path(sys.executable).with_name("jupyter")
    # From inside the workspace, nbgrader's server extensions see the learner's folder, not the course's.
    os.chdir(workspace)
    os.execv(jupyter, [str(jupyter), "lab", *lab_arguments])


def run_grade(root, options):
    import time

    from autograder.batch import find_submissions, grade_all, summary
    from autograder.gradebook import default_url
    from autograder.sandbox import SandboxUnavailable, limits_for

    submissions = find_submissions(root, options.assignments, options.student)
    if not submissions:
        raise CourseError(f"nothing to grade: no submissions in {root}/submitted/<student>/<assignment>/ "
                          "for the assignments and students asked for")
    started = time.monotonic()
    try:
        limits = limits_for(root)
        results, backup = grade_all(root, submissions, options.db or default_url(root), options.workers, limits)
    except SandboxUnavailable as error:
        raise CourseError(str(error)) from error
    print(summary(results, time.monotonic() - started, backup))
    return 0


def gradebook_url(root, options):
    from autograder.gradebook import default_url, sqlite_path

    url = options.db or default_url(root)
    database = sqlite_path(url)
    if database is not None and not database.exists():
        raise CourseError(f"there is no gradebook at {database} yet: run `nudge grade` first")
    return url


def run_feedback(root, options):
    from autograder.reports import write_feedback

    written = write_feedback(root, gradebook_url(root, options), options.assignments, options.student)
    if not written:
        raise CourseError("no graded submissions to give feedback on: run `nudge grade` first")
    print(f"Wrote {len(written)} feedback pages under {root / 'feedback'}.")
    return 0


def run_export(root, options):
    from autograder.reports import write_export

    print(f"Wrote {write_export(root, gradebook_url(root, options), options.out)}.")
    return 0


def run_report(root, options):
    from autograder.reports import write_report

    print(f"Wrote {write_report(root, gradebook_url(root, options), options.out)}.")
    return 0


def run_progress(root, options):
    from autograder.progress import progress, render

    workspace = (root / options.workspace).resolve()
    if not workspace.is_dir():
        raise CourseError(f"there is no working folder at {workspace}: run `make start` (or `nudge start`) first")
    print(render(progress(root, workspace)))
    return 0


def run_solution(root, options):
    from autograder.course_dir import assignments, notebook_path
    from autograder.reference import worked_solution

    assignments(root, [options.assignment])
    if not notebook_path(root, "source", options.assignment).is_file():
        raise CourseError(f"this copy of the course has no source notebook for {options.assignment}: worked "
                          "solutions come with the full course repository, not with a class's release")
    try:
        print(worked_solution(root, options.assignment, options.function))
    except KeyError as error:
        raise CourseError(error.args[0]) from error
    return 0


def run_release(root, options):
    from autograder.release import release

    released = release(root, options.assignments, use_database=not options.no_db)
    print(f"Regenerated release/ for {', '.join(released)}.")
    return 0
