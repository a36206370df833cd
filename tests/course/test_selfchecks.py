"""Every module ends with a self-check of three to five questions on its learning goals."""

import json
import re
from pathlib import Path

import ipywidgets as widgets
import pytest
from conftest import ASSIGNMENTS

from course.quiz import mark, shown_order
from course.selfchecks import SELF_CHECKS, self_check


def test_every_module_has_a_self_check_of_three_to_five_questions():
    assert list(SELF_CHECKS) == ASSIGNMENTS
    assert all(3 <= len(questions) <= 5 for questions in SELF_CHECKS.values())


@pytest.mark.parametrize("module", ASSIGNMENTS)
def test_each_answer_is_right_and_explained_and_the_choices_are_plain_text(module):
    for question in SELF_CHECKS[module]:
        assert mark(question, question.answer).right and question.why
        for choice in question.choices:  # choices show as plain text: no LaTeX there
            assert not re.search(r"\$|\\[a-z]", choice), choice
        wrong = [choice for choice in question.choices if choice != question.answer]
        assert all(not mark(question, choice).right for choice in wrong)


def test_the_widget_shows_every_question_and_refuses_an_unknown_module():
    shown = self_check("01-slope")
    assert isinstance(shown, widgets.VBox) and len(shown.children) == 1 + len(SELF_CHECKS["01-slope"])
    with pytest.raises(KeyError, match="no self-check for '99-nothing'"):
        self_check("99-nothing")


def test_the_right_choice_is_not_always_shown_in_the_same_place():
    places = [shown_order(question).index(question.answer)
              for questions in SELF_CHECKS.values() for question in questions if question.choices]
    assert sorted(set(places)) == [0, 1, 2], places


@pytest.mark.parametrize("module", ASSIGNMENTS)
@pytest.mark.parametrize("tree", ["source", "release"])
def test_each_notebook_ends_with_its_self_check_before_the_summary(module, tree):
    cells = json.loads((Path(__file__).parents[2] / tree / module / f"{module}.ipynb").read_text())["cells"]
    sources = ["".join(cell["source"]) for cell in cells]
    at = next(i for i, source in enumerate(sources) if source.startswith("## Check yourself"))
    assert sources[at + 1] == f'self_check("{module}")' and cells[at + 1]["cell_type"] == "code"
    # What follows is the module's summary, or module 0's hand-in instructions: no more questions or exercises.
    assert [source.split("\n")[0] for source in sources[at + 2:]] in (["## Summary"], ["## Handing in your work"])
    assert "from course.selfchecks import self_check" in sources[1]
