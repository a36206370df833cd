"""The course as learners meet it: JupyterLab 4 and Notebook 7 in Debian's Chromium, driven by Playwright.

Screenshots of every module's widget (light and dark theme, JupyterLab and Notebook 7) go to
test-artifacts/screenshots/, and a screenshot of the whole page is added there when a test fails.
"""

import re
import shutil

import nbformat
import pytest
from browser import (
    CODE_CELLS,
    IMAGE_PROBLEMS,
    LOW_CONTRAST,
    RUN_ALL_PAST_ERRORS,
    Lab,
    cell,
    drag,
    open_notebook,
    screenshot,
    self_check_cell,
    set_theme,
    widget_cell,
    widget_cells,
)
from conftest import ASSIGNMENTS, copy_course, notebook
from playwright.sync_api import expect
from submissions import solution_sources, submission

from course.quiz import shown_order
from course.selfchecks import SELF_CHECKS

pytestmark = pytest.mark.browser  # see pyproject.toml: `make test-fast` leaves these out

READABLE = 4.5  # WCAG AA contrast for body text


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    server = Lab(copy_course(folder), folder)
    yield server
    server.stop()


def main_widget_cell(assignment):
    """The index of the module's first widget: the first cell that calls one of course.widgets' `*_widget`."""
    return widget_cell(notebook("release", assignment))


def run_everything(page):
    """Run every cell, going on past each unanswered exercise; returns the unexpected errors."""
    page.evaluate(RUN_ALL_PAST_ERRORS)
    cells = page.evaluate(CODE_CELLS)
    assert [each["index"] for each in cells if not each["count"]] == [], "some code cells never ran"
    return [(each["index"], name, value) for each in cells for name, value in each["errors"]
            if name != "NotImplementedError" and "not implemented yet" not in value]


def nudge_widget_and_see_it_change(page, output, at_once=True):
    """Move the widget's first slider and press its first button; each must change what it shows.

    `at_once=False`: the slider may set what the button then uses (module 5's learning rate, for the next step),
    so it need only change what the widget shows together with the button."""
    readout, images = output.locator(".widget-html-content").first, output.locator("img.widget-image")
    expect(readout).to_be_visible()  # the widget has rendered
    for image in images.all():
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("image => image.naturalWidth") > 0, "the widget's plot did not render"
    sliders, buttons = output.locator(".noUi-handle"), output.locator("button.widget-button")
    assert sliders.count() + buttons.count() > 0, "the widget has nothing to nudge"
    before = readout.inner_text()
    if sliders.count():
        text, pictures = readout.inner_text(), [image.get_attribute("src") for image in images.all()]
        drag(page, sliders.first, 60)
        if at_once:
            expect(readout).not_to_have_text(text)
            for image, picture in zip(images.all(), pictures, strict=True):
                expect(image).not_to_have_attribute("src", picture)  # a new PNG: the plot was redrawn
    if buttons.count():
        text = readout.inner_text()
        buttons.first.click()
        expect(readout).not_to_have_text(text)
    expect(readout).not_to_have_text(before)


def faint_text(page):
    """The course's text below WCAG AA contrast in the current theme."""
    contrast = page.evaluate(LOW_CONTRAST, READABLE)
    assert contrast["checked"] > 20, "the contrast check found too little text: have the selectors changed?"
    return contrast["low"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_module_runs_in_jupyterlab_and_its_widget_responds_in_both_themes(lab, page, assignment):
    panel = open_notebook(page, lab, f"{assignment}/{assignment}.ipynb")
    assert run_everything(page) == [], "only unanswered exercises may raise errors"
    output = cell(page, panel, main_widget_cell(assignment)).locator(".jp-OutputArea")
    nudge_widget_and_see_it_change(page, output)
    screenshot(output, f"{assignment}-jupyterlab-light")
    for index in widget_cells(notebook("release", assignment))[1:]:  # module 4's two paths, 5's descent, ...
        output = cell(page, panel, index).locator(".jp-OutputArea")
        if output.locator("[data-mime-type='application/vnd.jupyter.stderr']").count():
            # A widget of the learner's results (06's trained boundary) waits for the exercises.
            expect(output).to_contain_text(re.compile("NotImplementedError|not implemented yet|is not defined"))
            continue
        nudge_widget_and_see_it_change(page, output, at_once=False)
    quiz = cell(page, panel, self_check_cell(notebook("release", assignment))).locator(".jp-OutputArea")
    expect(quiz).to_contain_text(f"Check yourself: {assignment}")
    expect(quiz.locator("button.widget-button", has_text="Check")).to_have_count(len(SELF_CHECKS[assignment]))
    assert page.evaluate(IMAGE_PROBLEMS) == []
    assert faint_text(page) == [], "text too faint in the light theme"
    set_theme(page, "JupyterLab Dark")
    try:
        assert faint_text(page) == [], "text too faint in the dark theme"
        # Scrolled back to: JupyterLab renders only the cells in view (course/lab-settings/overrides.json).
        output = cell(page, panel, main_widget_cell(assignment)).locator(".jp-OutputArea")
        screenshot(output, f"{assignment}-jupyterlab-dark")
    finally:
        set_theme(page, "JupyterLab Light")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_modules_widget_renders_and_responds_in_notebook_7(lab, page, assignment):
    panel = open_notebook(page, lab, f"{assignment}/{assignment}.ipynb", front_end="notebook7")
    assert run_everything(page) == []
    output = cell(page, panel, main_widget_cell(assignment)).locator(".jp-OutputArea")
    nudge_widget_and_see_it_change(page, output)
    screenshot(output, f"{assignment}-notebook7")


def test_hints_open_one_after_another(lab, page):
    panel = open_notebook(page, lab, "01-slope/01-slope.ipynb")
    cells = nbformat.read(notebook("release", "01-slope"), as_version=4).cells
    exercise = cell(page, panel, next(i for i, each in enumerate(cells) if "Exercise 1 — slope" in each.source))
    summaries = [exercise.locator("summary", has_text=f"Hint {n} of 3") for n in (1, 2, 3)]
    exercise.scroll_into_view_if_needed()
    expect(summaries[0]).to_be_visible()
    expect(summaries[1]).to_be_hidden()
    summaries[0].click()
    expect(summaries[1]).to_be_visible()
    expect(summaries[2]).to_be_hidden()
    summaries[1].click()
    expect(exercise.locator("mjx-container").first).to_be_visible()  # the formula is typeset, not raw LaTeX
    summaries[2].click()
    expect(exercise).to_contain_text("flips the sign")
    screenshot(exercise, "01-slope-hints")


def test_a_learner_solves_an_exercise_sees_its_check_pass_and_validate_succeed(lab, page):
    # A copy of the learner's module folder (the notebook and the checks beside it), so the other tests see it
    # unanswered.
    solving = lab.workspace / "01-slope-solving"
    shutil.copytree(lab.workspace / "01-slope", solving)
    cells = nbformat.read(solving / "01-slope.ipynb", as_version=4).cells
    index = {each.metadata.get("nbgrader", {}).get("grade_id"): i for i, each in enumerate(cells)}
    panel = open_notebook(page, lab, "01-slope-solving/01-slope.ipynb")

    validate(page)
    expect(page.locator(".jp-Dialog .validation-failed")).to_contain_text("not implemented yet")
    page.locator(".jp-Dialog").get_by_role("button", name="Ok").click()
    run_everything(page)  # as a learner does: the imports and worked examples run before the exercises

    for name, answer in solution_sources("01-slope").items():
        editor = cell(page, panel, index[name]).locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answer)
        page.keyboard.press("Shift+Enter")
        check = cell(page, panel, index[f"test_{name}_values"])
        check.locator(".jp-InputPrompt").click()
        page.keyboard.press("Shift+Enter")
        expect(check.locator(".jp-OutputArea")).to_contain_text(f"✓ {name}: right at")
        expect(check.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")).to_have_count(0)

    validate(page)
    verdict = page.locator(".jp-Dialog .validation-success")
    expect(verdict).to_contain_text("Success! Your notebook passes all the tests.")
    screenshot(page, "01-slope-validate-success")


def test_the_learners_own_graph_of_values_renders_and_responds(lab, page):
    """Module 08's autograd widgets draw the learner's own Values (unanswered, they say what to write first, which
    the test above accepts): with Exercises 1 and 2 answered, each renders, and a nudge moves it."""
    module = "08-autograd"
    solved = lab.workspace / f"{module}-solved"
    shutil.copytree(lab.workspace / module, solved)
    nbformat.write(submission(module, solution_sources(module)), solved / f"{module}.ipynb")
    cells = nbformat.read(solved / f"{module}.ipynb", as_version=4).cells
    learners = [index for index in widget_cells(solved / f"{module}.ipynb")
                if "autograd_widget(" in cells[index].source]
    assert len(learners) == 2  # J = 3(a + bc), and f = a·a with the overwrite bug beside the right answer
    panel = open_notebook(page, lab, f"{module}-solved/{module}.ipynb")
    assert run_everything(page) == []
    for number, index in enumerate(learners):
        output = cell(page, panel, index).locator(".jp-OutputArea")
        nudge_widget_and_see_it_change(page, output)
        expect(output.locator(".widget-html-content").first).to_contain_text("actual change")
        screenshot(output, f"{module}-learners-graph-{number + 1}")
    expect(cell(page, panel, learners[1]).locator(".jp-OutputArea")).to_contain_text("overwritten, not added")


def test_a_learner_answers_the_self_check_and_is_told_at_once(lab, page):
    module = "04-chain-rule"
    panel = open_notebook(page, lab, f"{module}/{module}.ipynb")
    run_everything(page)
    quiz = cell(page, panel, self_check_cell(notebook("release", module))).locator(".jp-OutputArea")
    quiz.scroll_into_view_if_needed()
    questions = SELF_CHECKS[module]
    rows = quiz.locator(".widget-vbox .widget-vbox")
    expect(rows).to_have_count(len(questions))
    expect(rows.first.locator("mjx-container").first).to_be_visible()  # the prompt's formula is typeset

    def answer(number, given, told):
        row = rows.nth(number)
        if questions[number].choices:
            row.locator("label", has_text=given).click()
        else:
            row.locator("input[type=text]").fill(given)
        row.locator("button.widget-button", has_text="Check").click()
        expect(row).to_contain_text(told)

    number = next(i for i, question in enumerate(questions) if not question.choices)
    answer(number, "2 + ", "is not a number")
    answer(number, str(questions[number].answer + 1), "✗")
    answer(number, str(questions[number].answer), "✓ Right.")
    choice = next(i for i, question in enumerate(questions) if question.choices)
    wrong = next(each for each in shown_order(questions[choice]) if each != questions[choice].answer)
    answer(choice, wrong, "✗")
    answer(choice, questions[choice].answer, "✓ Right.")
    screenshot(quiz, f"{module}-self-check")


def validate(page):
    """Press nbgrader's Validate button in the notebook toolbar and wait for its verdict."""
    page.locator(".jp-NotebookPanel-toolbar .validate-button").click()
    expect(page.locator(".jp-Dialog .validation-success, .jp-Dialog .validation-failed")).to_be_visible(timeout=120_000)

