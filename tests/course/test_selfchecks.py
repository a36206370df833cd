"""Every module ends with a self-check of three to five questions on its learning goals."""

import re

import ipywidgets as widgets
import pytest
from conftest import ASSIGNMENTS

from course.quiz import mark
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
