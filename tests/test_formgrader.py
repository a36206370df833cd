"""The instructor's formgrader (nbgrader's own, a Jupyter server extension) on a course graded by `nudge grade`, in
Debian's Chromium: every submission graded, with its score, the one that could not be graded too, with its reason;
a manual score set in the grading view and found by `nudge export`; and the Autograde button, which would run stock
nbgrader over nudge's grades, stopped with the reason. Once on SQLite, once on a throwaway PostgreSQL server.

Screenshots go to test-artifacts/screenshots/, as the other browser tests'.
"""

import csv
import re

import pytest
from browser import Formgrader, screenshot
from conftest import copy_course, nudge
from nbgrader.api import Gradebook
from playwright.sync_api import expect
from postgres import postgres_server
from submissions import solution_sources, submission, write_submission

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # see pyproject.toml: `make test-fast` leaves these out

ASSIGNMENT = "01-slope"
SCORES = {"solver": "7 / 7", "blank": "0 / 7", "broken": "0 / 7"}  # as Manage Submissions shows them


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """None for the course's own gradebook.db, or the URL of a fresh PostgreSQL gradebook."""
    if request.param == "sqlite":
        yield None
        return
    with postgres_server() as url:
        yield url


def db_option(database):
    return ["--db", database] if database else []


def graded_course(folder, database):
    """A course whose 01-slope submissions (solved, blank, and one that is not a notebook) `nudge grade` graded."""
    course = copy_course(folder)
    write_submission(course, "solver", ASSIGNMENT, submission(ASSIGNMENT, solution_sources(ASSIGNMENT)))
    write_submission(course, "blank", ASSIGNMENT, submission(ASSIGNMENT))
    broken = course / "submitted" / "broken" / ASSIGNMENT
    broken.mkdir(parents=True)
    (broken / f"{ASSIGNMENT}.ipynb").write_text("{not a notebook", encoding="utf-8")
    if database:  # where nbgrader, and so its formgrader, finds the gradebook
        with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
            config.write(f"\nc.CourseDirectory.db_url = {database!r}\n")
    run = nudge("--course", str(course), "grade", *db_option(database))
    assert run.returncode == 0, run.stderr[-2000:]
    assert "broken / 01-slope: the notebook is not valid JSON" in run.stdout
    return course


def auto_scores(url, student):
    with Gradebook(url) as gradebook:
        found = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: grade.auto_score for notebook in found.notebooks for grade in notebook.grades}


def test_the_formgrader_shows_what_nudge_grade_did(database, tmp_path, page):
    course = graded_course(tmp_path, database)
    url = database or f"sqlite:///{course / 'gradebook.db'}"
    kind = "postgresql" if database else "sqlite"
    server = Formgrader(course, tmp_path)
    try:
        page.goto(server.url("formgrader"))  # logs in for the whole site: the formgrader's pages fetch from its API
        page.goto(server.url(f"formgrader/manage_submissions/{ASSIGNMENT}"))
        rows = {student: page.locator("#main-table tr").filter(
            has=page.locator("td.student-id", has_text=re.compile(f"^{student}$"))) for student in SCORES}
        expect(page.locator("#main-table td.status")).to_have_count(len(SCORES), timeout=60_000)  # fetched, drawn
        for student, score in SCORES.items():
            expect(rows[student].locator("td.status")).to_have_text("graded")
            expect(rows[student].locator("td.score")).to_have_text(score)
            expect(rows[student].locator("td.timestamp")).not_to_have_text("None")
        screenshot(page, f"formgrader-{kind}-manage-submissions")

        # The grading list of the notebook has every submission, the one that could not be graded too.
        page.goto(server.url(f"formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}"))
        submissions = page.locator("#main-table tr")
        expect(submissions.locator("td.score")).to_have_count(len(SCORES), timeout=60_000)
        open_grading_view(submissions, "broken")
        expect(page.locator("body")).to_contain_text("This submission could not be graded.")
        expect(page.locator(".output_error, .output_stderr, .output_stdout").first).to_contain_text(
            "not graded: the notebook is not valid JSON")
        screenshot(page, f"formgrader-{kind}-not-graded")

        page.goto(server.url(f"formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}"))
        open_grading_view(submissions, "blank")
        manual = page.locator("input.score#test_slope_values")
        # The automatic score as the input's placeholder: the page has loaded its grades and saves what is typed.
        expect(manual).to_have_attribute("placeholder", "0", timeout=60_000)
        with page.expect_response(lambda response: "/formgrader/api/grade/" in response.url
                                  and response.request.method == "PUT" and response.ok):
            manual.fill("1")
            manual.press("Tab")  # the formgrader saves a score when the input loses focus
        exported = nudge("--course", str(course), "export", *db_option(database), "--out", str(tmp_path / "grades.csv"))
        assert exported.returncode == 0, exported.stderr[-2000:]
        blank = next(row for row in csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8"))
                     if row["student"] == "blank")
        assert blank["test_slope_values"] == "1" and blank["score"] == "1"

        # Autograde would run stock nbgrader over nudge's grades: it stops, says why, and changes no grade.
        before = auto_scores(url, "solver")
        page.goto(server.url(f"formgrader/manage_submissions/{ASSIGNMENT}"))
        rows["solver"].locator("td.autograde a").click()
        dialog = page.locator("#error-modal")
        expect(dialog).to_contain_text("solver's 01-slope was graded by `nudge grade`", timeout=120_000)
        expect(dialog).to_contain_text("run `nudge grade 01-slope --student solver`")
        assert auto_scores(url, "solver") == before
    finally:
        server.stop()


def open_grading_view(submissions, student):
    """Open `student`'s grading view from the grading list, showing the hidden name first as an instructor does."""
    row = submissions.filter(has=submissions.page.locator("a.name-shown", has_text=re.compile(f"^\\s*{student}\\s*$")))
    row.locator("td.reveal .name-hidden").click()
    row.locator("a.name-shown").click()
    submissions.page.wait_for_selector("input.score")
