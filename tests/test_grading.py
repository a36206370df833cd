"""`nudge grade` on a corpus built from the real release notebooks.

Every module's solution and blank release, every case of tests/cases (the marks stock nbgrader gives
them: tests/test_instructor_cycle.py checks two of each module under it), and every attack of
tests/attacks.py, graded in one run; then re-grading, manual grades, a killed run, two runs at once,
and what feedback, export and report hand back.
"""

import contextlib
import csv
import hashlib
import json
import os
import pickle
import re
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest
from attacks import ASSIGNMENT, attacks, full_marks
from conftest import ASSIGNMENTS, TEST_SECRET, copy_course, nudge
from nbgrader.api import Gradebook
from submissions import load_cases, solution_sources, submission, write_submission

from autograder.clean import clean_name

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

CASES = load_cases()
CELL_TIMEOUT = 12  # seconds: short, so that an endless loop costs little test time, yet room for a busy machine


def make_course(folder):
    """A course copy whose time limit per cell is CELL_TIMEOUT."""
    course = copy_course(folder)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace("c.Execute.timeout = 60", f"c.Execute.timeout = {CELL_TIMEOUT}"))
    return course


def nudge_in(course, *arguments, **options):
    return nudge("--course", str(course), *arguments, **options)


def submit_files(course, student, assignment, files):
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("grading"))
    for assignment in ASSIGNMENTS:
        write_submission(course, "solver", assignment, submission(assignment, solution_sources(assignment)))
        write_submission(course, "blank", assignment, submission(assignment))
    for assignment, student, case in CASES:
        write_submission(course, student, assignment, case.notebook(assignment))
    attack_table = attacks(course)
    for student, attack in attack_table.items():
        if attack.files:
            submit_files(course, student, attack.assignment, attack.files)
        for path, target in attack.links.items():
            link = course / "submitted" / path
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(target)
    fingerprint = {name: hashlib.sha256((course / name).read_bytes()).hexdigest() for name in ("nbgrader_config.py",)}
    started = time.monotonic()
    # The grader's environment holds a secret that no submission may see (ATTACKS.md row 29).
    run = nudge_in(course, "grade", "--workers", "2", env={**os.environ, "NUDGE_GRADER_SECRET": "hunter2"})
    return {"course": course, "run": run, "attacks": attack_table, "fingerprint": fingerprint,
            "seconds": time.monotonic() - started}


def result(course, student, assignment):
    path = course / "autograded" / student / assignment / "nudge-result.json"
    return json.loads(path.read_text(encoding="utf-8"))


def gradebook_parts(course, student, assignment):
    """{grade id: automatic score} as the gradebook holds them (manual grades that other tests give aside)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        found = gradebook.find_submission(assignment, student)
        return {grade.name: grade.auto_score for notebook in found.notebooks for grade in notebook.grades}


def test_the_run_completes_and_summarises(graded):
    run = graded["run"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Graded " in run.stdout and "Submissions that could not be graded:" in run.stdout
    assert "a19-bad-json / 01-slope: the notebook is not valid JSON" in run.stdout
    assert "grading:" in run.stderr and "notebooks" in run.stderr  # the progress bar


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_full_marks_and_blank_zero(graded, assignment):
    course = graded["course"]
    solver, blank = result(course, "solver", assignment), result(course, "blank", assignment)
    assert solver["parts"] and all(p["score"] == p["points"] for p in solver["parts"]), solver["parts"]
    assert all(p["score"] == 0 for p in blank["parts"])
    assert "not implemented yet" in blank["parts"][0]["message"]


@pytest.mark.parametrize(("assignment", "student", "case"), CASES, ids=[f"{a}-{s}" for a, s, _ in CASES])
def test_cases_get_the_same_marks_as_stock_nbgrader(graded, assignment, student, case):
    course = graded["course"]
    assert gradebook_parts(course, student, assignment) == case.scores
    messages = {p["grade_id"]: p["message"] for p in result(course, student, assignment)["parts"]}
    for grade_id, texts in case.messages.items():
        for text in texts:
            assert text in messages[grade_id], f"{grade_id}: {messages[grade_id]!r}"


def attack_ids():
    from pathlib import Path

    return sorted(attacks(Path("/nonexistent")))


@pytest.mark.parametrize("student", attack_ids())
def test_each_attack_gets_its_right_outcome(graded, student):
    course = graded["course"]
    attack = graded["attacks"][student]
    if clean_name(student) != student:  # a folder name that cleaning changes is refused and never recorded
        assert not (course / "autograded" / clean_name(student)).exists()
        for text in attack.texts:
            assert f"{clean_name(student)} / {attack.assignment}: the student folder's name" in graded["run"].stdout
            assert text in graded["run"].stdout
        return
    found = result(course, student, attack.assignment)
    assert {p["grade_id"]: p["score"] for p in found["parts"]} == attack.scores
    assert sum(p["points"] for p in found["parts"]) == sum(full_marks(attack.assignment).values())
    said = "\n".join([p["message"] for p in found["parts"]] + found["notes"] + [found["failure"] or ""])
    graded_notebook = course / "autograded" / student / attack.assignment / f"{attack.assignment}.ipynb"
    if graded_notebook.exists():
        said += graded_notebook.read_text(encoding="utf-8")
    for text in attack.texts:  # a string to find, or a pattern where the words may vary
        assert text.search(said) if isinstance(text, re.Pattern) else text in said, f"{student}: {text!r} not said"
    assert gradebook_parts(course, student, attack.assignment) == attack.scores
    # Every learner-derived string the grader stored is clean: no control characters, no lone surrogates.
    stored = json.dumps(found, ensure_ascii=False)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", stored), student


def test_nothing_a_submission_sent_ran_in_the_grader_or_reached_the_terminal(graded):
    run, course = graded["run"], graded["course"]
    assert not (course / "pwned-by-row-25").exists()
    for stream in (run.stdout, run.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "hunter2" not in stream
    assert "\\x1b]0;owned\\x07" in run.stdout  # the file name, shown escaped
    assert "\n  alice \u2215 01-slope" not in run.stdout  # a file name can't add lines to the summary
    assert "a32-link-student / 01-slope: the student folder submitted/a32-link-student is a symbolic link" in run.stdout


def test_every_submission_is_recorded_within_its_limits(graded):
    course = graded["course"]
    unsafe_name = "a34-escape-student\x1b[2J"  # not recorded: its cleaned id could be another student's
    expected = {(a.assignment, student) for student, a in graded["attacks"].items() if student != unsafe_name}
    expected |= {(assignment, student) for assignment, student, _ in CASES}
    recorded = {(data["assignment"], data["student"]) for data in
                (json.loads(path.read_text(encoding="utf-8"))
                 for path in (course / "autograded").glob("*/*/nudge-result.json"))}
    assert expected <= recorded
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        in_gradebook = {(s.assignment.name, s.student.id) for a in gradebook.assignments for s in a.submissions}
    assert expected <= in_gradebook
    cap = 10 * CELL_TIMEOUT + 60 + 30  # the notebook's time cap, judging's budget, and room for a busy machine
    slowest = max(json.loads(path.read_text(encoding="utf-8"))["seconds"]
                  for path in (course / "autograded").glob("*/*/nudge-result.json"))
    assert slowest < cap


def test_nothing_of_the_course_was_written_by_a_submission(graded):
    course = graded["course"]
    assert hashlib.sha256((course / "nbgrader_config.py").read_bytes()).hexdigest() == \
        graded["fingerprint"]["nbgrader_config.py"]
    assert not (course / "submitted" / "solver" / "x.txt").exists()
    assert not (course / "autograded" / "written-by-a-student.txt").exists()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "a13-writes").score == 7


def test_outputs_are_capped_in_the_graded_notebook(graded):
    path = graded["course"] / "autograded" / "a18-floods" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 200_000
    assert "more characters of output were cut" in path.read_text(encoding="utf-8")


def test_hidden_points_differ_between_students_and_courses_and_repeat_on_regrade(graded):
    from autograder.grade import student_seed

    ana = student_seed(TEST_SECRET, "ana", ASSIGNMENT, "test_slope_hidden", 11)
    assert ana == student_seed(TEST_SECRET, "ana", ASSIGNMENT, "test_slope_hidden", 11)
    assert ana != student_seed(TEST_SECRET, "bo", ASSIGNMENT, "test_slope_hidden", 11)
    # Without the course's secret, the points cannot be worked out from what the release says.
    assert ana != student_seed("0" * 64, "ana", ASSIGNMENT, "test_slope_hidden", 11)


def test_the_collection_time_is_the_graders_not_the_students(graded):
    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}") as gradebook:
        stamp = gradebook.find_submission(ASSIGNMENT, "a24-timestamp").timestamp
    assert stamp.year >= 2026


def test_the_formgrader_sees_every_recorded_submission_graded_with_our_collection_time(graded):
    """nbgrader's own rule: graded when autograded/ has the submission and submitted/.../timestamp.txt says the
    gradebook's time. A submission that could not be graded is listed too, with a graded notebook that says why."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    course = graded["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        recorded = {found.student.id for found in gradebook.find_assignment(ASSIGNMENT).submissions}
    # A student or assignment folder that is a symbolic link is not graded, and nothing is written through it.
    linked = {folder.name for folder in (course / "submitted").iterdir()
              if folder.is_symlink() or (folder / ASSIGNMENT).is_symlink()}
    coursedir = CourseDirectory(root=str(course), db_url=f"sqlite:///{course / 'gradebook.db'}")
    assert NbGraderAPI(coursedir=coursedir).get_autograded_students(ASSIGNMENT) == recorded - linked
    assert "a19-bad-json" in recorded and linked & recorded
    failed = (course / "autograded" / "a19-bad-json" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    assert "could not be graded" in failed and "not graded: the notebook is not valid JSON" in failed
    # Graded notebooks (written out by the workers, or here for one that could not be graded) are saved exactly as
    # nbformat.write saves them: valid, and read back to the same text.
    saved = [path.read_text(encoding="utf-8") for path in (course / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")]
    assert len(saved) >= len(recorded - linked) > 0
    assert all(text == nbformat.writes(nbformat.reads(text, as_version=4)) + "\n" for text in saved)
    forged = course / "submitted" / "a24-timestamp" / ASSIGNMENT
    assert (forged / "timestamp-as-submitted.txt").read_text() == "2001-01-01 00:00:00.000000 UTC"  # kept aside


def test_regrading_is_idempotent_and_keeps_manual_grades(graded):
    course = graded["course"]
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        grade = gradebook.find_grade("test_slope_values", ASSIGNMENT, ASSIGNMENT, "flipper")
        grade.manual_score = 0.5
        comment = gradebook.find_comment("slope", ASSIGNMENT, ASSIGNMENT, "flipper")
        comment.manual_comment = "Check the order of the points."
        gradebook.db.commit()
    before = {student: result(course, student, ASSIGNMENT)["parts"] for student in ("flipper", "hardcoder", "solver")}

    again = nudge_in(course, "grade", ASSIGNMENT, "--student", "flipper", "--student", "hardcoder",
                  "--student", "solver")

    assert again.returncode == 0, again.stderr[-2000:]
    for student, parts in before.items():
        assert result(course, student, ASSIGNMENT)["parts"] == parts
    with Gradebook(url) as gradebook:
        grade = gradebook.find_grade("test_slope_values", ASSIGNMENT, ASSIGNMENT, "flipper")
        assert grade.manual_score == 0.5 and grade.auto_score == 0
        assert gradebook.find_comment("slope", ASSIGNMENT, ASSIGNMENT, "flipper").manual_comment == \
            "Check the order of the points."
    backups = sorted((course / "gradebook-backups").glob("gradebook-*.db"))
    assert backups  # one before each run that found a gradebook to change: this re-grade at least


def test_feedback_export_and_report(graded):
    course = graded["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:  # the instructor's manual grade
        gradebook.find_grade("test_slope_values", ASSIGNMENT, ASSIGNMENT, "flipper").manual_score = 0.5
        gradebook.db.commit()
    assert nudge_in(course, "feedback", ASSIGNMENT).returncode == 0
    page = (course / "feedback" / "hardcoder" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert "slope: pairs of points you never see" in page and "(hidden check)" in page
    for secret in ("BEGIN HIDDEN TESTS", "solution(", "run_over_rise", "the right value is"):
        assert secret not in page.split("you can check by hand")[-1] or secret == "the right value is"
    hidden_rows = [row for row in page.split("<tr>") if "(hidden check)" in row]
    assert hidden_rows and not any("the right value is" in row or "BEGIN HIDDEN" in row for row in hidden_rows)
    flipper = (course / "feedback" / "flipper" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert "Known mistake:</b> y1 and y2 are exchanged" in flipper

    out = course / "grades.csv"
    assert nudge_in(course, "export", "--out", str(out)).returncode == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    flipper_row = next(r for r in rows if r["student"] == "flipper" and r["assignment"] == ASSIGNMENT)
    assert flipper_row[f"{ASSIGNMENT}:test_slope_vertical"] == "1"
    assert flipper_row[f"{ASSIGNMENT}:test_slope_values"] == "0.5"  # the manual grade counts
    assert {r["student"] for r in rows} >= {"solver", "blank", "flipper"}
    assert {"'=2+5", "'@SUM(1)", "'+cmd"} <= {r["student"] for r in rows}  # a formula in a student id stays text
    assert not any(r["student"][:1] in "=+-@" for r in rows)

    report = course / "report.html"
    assert nudge_in(course, "report", "--out", str(report)).returncode == 0
    text = report.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == len(ASSIGNMENTS)
    assert "y1 and y2 are exchanged" in text and "not valid JSON" in text


def test_commands_explain_what_is_wrong(tmp_path):
    course = make_course(tmp_path)
    nothing = nudge_in(course, "grade")
    assert nothing.returncode == 2 and "nothing to grade" in nothing.stderr
    assert "no gradebook" in nudge_in(course, "export").stderr
    unknown = nudge_in(course, "grade", "--student", "nobody")
    assert unknown.returncode == 2 and "no submissions from nobody" in unknown.stderr
    bad_workers = nudge_in(course, "grade", "--workers", "0")
    assert bad_workers.returncode == 2 and "at least 1" in bad_workers.stderr
    for command in ("grade", "feedback", "export", "report"):
        assert nudge_in(course, command, "--help").returncode == 0
    after = nudge("grade", "--course", str(course), cwd=tmp_path)  # --course after the sub-command, as typed
    assert after.returncode == 2 and "nothing to grade" in after.stderr


SLOW = {"slope": "import time\n\n\ndef slope(x1, y1, x2, y2):\n    time.sleep(0.02)\n"
                 "    if x1 == x2:\n        raise ValueError('vertical')\n    return (y2 - y1) / (x2 - x1)\n"}


def slow_course(folder, students):
    """A course whose submissions each take about a second to grade."""
    course = make_course(folder)
    for index in range(students):
        write_submission(course, f"s{index:02d}", ASSIGNMENT, submission(ASSIGNMENT, {**solution_sources(ASSIGNMENT),
                                                                                      **SLOW}))
    return course


def consistent_gradebook(course):
    """Every submission in the gradebook is fully graded: no grade is left without its automatic score."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submissions = gradebook.find_assignment(ASSIGNMENT).submissions
        return len(submissions), all(grade.auto_score is not None for s in submissions
                                     for notebook in s.notebooks for grade in notebook.grades)


def totals(course):
    """{student: total automatic score, None if a grade has none} of the gradebook, read while a run may write it."""
    if not (course / "gradebook.db").exists():
        return {}
    with contextlib.closing(sqlite3.connect(course / "gradebook.db", timeout=60)) as database:
        try:
            rows = database.execute(
                "SELECT submitted_assignment.student_id, grade.auto_score FROM grade "
                "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
                "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id").fetchall()
        except sqlite3.OperationalError:  # nbgrader has not made the tables yet
            return {}
    found: dict[str, float | None] = {}
    for student, score in rows:
        total = found.get(student, 0.0)
        found[student] = None if total is None or score is None else total + score
    return found


def kill_when(course, ready):
    """Run `nudge grade --workers 1` and kill it, and all it started, as soon as `ready()` (within two minutes)."""
    process = subprocess.Popen([sys.executable, "-m", "autograder", "--course", str(course), "grade", "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not ready():
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_a_killed_run_leaves_each_submission_as_before_or_fully_graded(tmp_path):
    course = slow_course(tmp_path, 12)
    kill_when(course, lambda: totals(course))  # at the first commit of a batch
    recorded, complete = consistent_gradebook(course)
    assert 0 < recorded < 12 and complete
    for student in totals(course):  # files come first: no gradebook row without its graded notebook
        assert (course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
        assert result(course, student, ASSIGNMENT)["parts"]
    assert nudge_in(course, "grade").returncode == 0  # the lock died with the run: a new one goes ahead
    assert consistent_gradebook(course) == (12, True) and set(totals(course).values()) == {7}

    # Everyone hands in the release with the slow slope alone (as slow to grade, fewer marks): a re-grade killed
    # at its first commit leaves each submission with all its old marks or all its new ones, never a mix.
    for index in range(12):
        write_submission(course, f"s{index:02d}", ASSIGNMENT, submission(ASSIGNMENT, SLOW))
    kill_when(course, lambda: any(total not in (None, 7) for total in totals(course).values()))
    after = totals(course)
    regraded = {student for student, total in after.items() if total != 7}
    assert len(after) == 12 and 0 < len(regraded) < 12 and len(set(after.values()) - {7}) == 1
    new_total = (set(after.values()) - {7}).pop()
    assert 0 < new_total < 7
    assert all(sum(p["score"] for p in result(course, student, ASSIGNMENT)["parts"]) == new_total
               for student in regraded)


def test_two_runs_at_once_do_not_corrupt_the_gradebook(tmp_path):
    course = slow_course(tmp_path, 6)
    command = [sys.executable, "-m", "autograder", "--course", str(course), "grade", "--workers", "1"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    assert consistent_gradebook(course) == (6, True)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert all(s.score == 7 for s in gradebook.find_assignment(ASSIGNMENT).submissions)


def test_nothing_crosses_from_one_submission_to_the_next_in_one_worker(tmp_path):
    from attacks import OWN_AVERAGE_RATE, as_files, patches_the_grader, text_to_code

    course = make_course(tmp_path)
    submit_files(course, "a-attacker", ASSIGNMENT, patches_the_grader())
    submit_files(course, "b-attacker", ASSIGNMENT, text_to_code(course)[0])
    flipped = "def slope(x1, y1, x2, y2):\n    if x1 == x2:\n        raise ValueError('vertical')\n" \
              "    return (y1 - y2) / (x2 - x1)\n"
    submit_files(course, "c-honest-but-wrong", ASSIGNMENT,
                 as_files(submission(ASSIGNMENT, {**solution_sources(ASSIGNMENT), "slope": flipped,
                                                  "average_rate_of_change": OWN_AVERAGE_RATE})))

    run = nudge_in(course, "grade", "--workers", "1")  # one worker: the three are graded one after another in it

    assert run.returncode == 0, run.stderr[-2000:]
    honest = {p["grade_id"]: p for p in result(course, "c-honest-but-wrong", ASSIGNMENT)["parts"]}
    assert honest["test_slope_values"]["score"] == 0 and honest["test_slope_hidden"]["score"] == 0
    assert "y1 and y2 are exchanged" in honest["test_slope_values"]["message"]
    assert honest["test_average_rate_of_change_values"]["score"] == 1


def test_a_regrade_that_fails_replaces_the_automatic_grades_and_keeps_manual_ones(tmp_path, monkeypatch):
    import io

    from autograder import batch, grade, sandbox
    from autograder.gradebook import default_url

    course = make_course(tmp_path)
    write_submission(course, "ana", ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    assert nudge_in(course, "grade").returncode == 0
    url = default_url(course)
    with Gradebook(url) as gradebook:
        gradebook.find_grade("test_slope_values", ASSIGNMENT, ASSIGNMENT, "ana").manual_score = 0.5
        gradebook.db.commit()

    def crash(data):  # a new submission that crashes the grader (ATTACKS.md row 37), as a fault in reading it
        raise RuntimeError("simulated crash \x1b[2J")

    monkeypatch.setattr(grade, "read_cells", crash)  # the pool's workers are forked: they see the fault too
    results, _ = batch.grade_all(course, [(ASSIGNMENT, "ana")], url, 1, sandbox.limits_for(course), io.StringIO())

    assert results[0].failure.startswith("the grader failed on it: RuntimeError('simulated crash \\x1b[2J')")
    with Gradebook(url) as gradebook:
        grades = {g.name: g for g in gradebook.find_submission(ASSIGNMENT, "ana").notebooks[0].grades}
        assert {name: g.auto_score for name, g in grades.items()} == dict.fromkeys(grades, 0)
        assert grades["test_slope_values"].manual_score == 0.5 and grades["test_slope_values"].score == 0.5
    assert result(course, "ana", ASSIGNMENT)["failure"] == results[0].failure


def test_a_failure_to_record_one_submission_costs_only_that_one(tmp_path, monkeypatch):
    import io

    from autograder import batch, sandbox
    from autograder.course_dir import tool_environment
    from autograder.gradebook import default_url

    course = make_course(tmp_path)
    for student in ("ana", "bo"):
        write_submission(course, student, ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    real = batch.write_graded_notebook

    def failing_for_ana(root, result):
        if result.student == "ana" and result.notebook is not None:
            raise OSError("disk full")
        return real(root, result)

    monkeypatch.setattr(batch, "write_graded_notebook", failing_for_ana)
    monkeypatch.setenv("PATH", tool_environment()["PATH"])  # nbgrader runs `alembic` by name, as `nudge` arranges
    results, _ = batch.grade_all(course, [(ASSIGNMENT, "ana"), (ASSIGNMENT, "bo")], default_url(course), 1,
                                 sandbox.limits_for(course), io.StringIO())

    ana, bo = results
    assert ana.failure == "its grades could not be recorded: OSError('disk full')" and ana.score == 0
    assert bo.failure is None and bo.score == 7
    assert len(pickle.dumps(results)) < 2_000  # a summary line each, not the graded notebooks: memory stays flat
    assert result(course, "ana", ASSIGNMENT)["failure"] == ana.failure
    assert gradebook_parts(course, "ana", ASSIGNMENT) == dict.fromkeys(gradebook_parts(course, "bo", ASSIGNMENT), 0)


def test_a_worker_that_dies_costs_only_the_submission_it_was_grading(tmp_path, monkeypatch):
    import io

    from attacks import add_cell

    from autograder import batch, grade, sandbox
    from autograder.course_dir import tool_environment
    from autograder.gradebook import default_url

    course = make_course(tmp_path)
    for student in ("ana", "bo", "cy"):
        nb = submission(ASSIGNMENT, solution_sources(ASSIGNMENT))
        write_submission(course, student, ASSIGNMENT, add_cell(nb, "# worker-killer") if student == "bo" else nb)
    real = grade.read_cells

    def dies_on_bo(data):  # as if reading bo's notebook got the worker killed: its process simply ends
        if b"# worker-killer" in data:
            os._exit(9)
        return real(data)

    monkeypatch.setattr(grade, "read_cells", dies_on_bo)  # the pool's workers are forked: they see it too
    monkeypatch.setenv("PATH", tool_environment()["PATH"])
    submissions = [(ASSIGNMENT, student) for student in ("ana", "bo", "cy")]
    results, _ = batch.grade_all(course, submissions, default_url(course), 1, sandbox.limits_for(course),
                                 io.StringIO())

    ana, bo, cy = results
    assert ana.score == 7 and cy.score == 7
    assert bo.failure.startswith("the grader's worker process died while grading it") and bo.score == 0
    assert result(course, "bo", ASSIGNMENT)["failure"] == bo.failure


def test_a_graded_notebook_that_plots_carries_no_fontconfig_noise(monkeypatch):
    """Without a font cache matplotlib asks fontconfig (`fc-list`) for the system's fonts; the sandbox gives it its
    settings, so no "Fontconfig error" reaches a graded notebook (here by the last line a dying process wrote)."""
    from attacks import add_cell, solved
    from conftest import ROOT

    from autograder import grade, sandbox
    from autograder.plan import plan_for

    monkeypatch.setattr(sandbox, "matplotlib_cache", dict)  # no prebuilt font cache: matplotlib looks for fonts itself
    monkeypatch.setattr(sandbox, "warm_sandbox", lambda limits: None)  # a one-off sandbox, as when not run as root
    plot = "import io\nimport matplotlib.pyplot as plt\n\nfig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\n" \
           "ax.set(title='a line', xlabel='x', ylabel='y')\nfig.savefig(io.BytesIO())\nimport os\nos._exit(1)"
    plan = plan_for(ROOT, ASSIGNMENT)
    data = nbformat.writes(add_cell(solved(), plot)).encode()
    result = grade.grade_notebook_bytes(plan, data, None, "ana", grade.student_seeds(plan, TEST_SECRET, "ana"))
    shown = result.notebook + "\n".join(result.notes)
    assert "exit status 1" in shown and "Fontconfig" not in shown


def test_feedback_joins_parts_by_grade_id_and_escapes_what_it_shows(tmp_path, monkeypatch):
    from autograder.course_dir import tool_environment
    from autograder.gradebook import default_url
    from autograder.reports import write_feedback

    course = make_course(tmp_path)
    monkeypatch.setenv("PATH", tool_environment()["PATH"])
    with Gradebook(default_url(course)):
        pass  # an empty gradebook: the result file alone says what happened
    parts = [{"grade_id": "test_slope_hidden", "points": 2, "score": 0, "message": "<script>alert(1)</script>",
              "mistake": None, "hidden": True, "description": "slope: pairs of points you never see"},
             {"grade_id": "test_slope_values", "points": 1, "score": 1, "message": "✓ fine", "mistake": None,
              "hidden": False, "description": "slope: pairs of points you can check by hand"}]
    folder = course / "autograded" / "ana" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "nudge-result.json").write_text(json.dumps({"student": "ana", "assignment": ASSIGNMENT, "parts": parts,
                                                          "failure": None, "notes": []}), encoding="utf-8")

    (page,) = write_feedback(course, default_url(course))

    rows = page.read_text(encoding="utf-8").split("<tr>")[2:]
    assert "never see" in rows[0] and "(hidden check)" in rows[0] and "0 / 2" in rows[0]
    assert "check by hand" in rows[1] and "1 / 1" in rows[1] and len(rows) == 2
    assert "<script>" not in page.read_text(encoding="utf-8") and "&lt;script&gt;" in rows[0]
