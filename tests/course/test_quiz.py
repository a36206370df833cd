"""The end-of-module self-check: answers judged at once, explained, and kept in the notebook alone."""

import ipywidgets as widgets
import pytest
from conftest import find_widget

from course.quiz import Question, Verdict, mark, quiz

SLOPE = Question("What is the slope of the line through (1, 1) and (3, 5)?", answer=2.0,
                 why="Rise 4 over run 2.", hint="Rise over run: (y2 − y1) / (x2 − x1).")
CHAIN = Question("J = 3v and v = a + u: what is ∂J/∂a?", answer="3", choices=("1", "3", "a + u"),
                 why="∂J/∂v · ∂v/∂a = 3 · 1.")


def test_a_right_number_is_explained_and_a_wrong_one_gets_the_hint():
    assert mark(SLOPE, "2") == mark(SLOPE, 2.0) == mark(SLOPE, "2.01")
    assert mark(SLOPE, 2.0).right and mark(SLOPE, 2.0).message == "✓ Right. Rise 4 over run 2."
    wrong = mark(SLOPE, 0.5)
    assert not wrong.right and wrong.message == "✗ Rise over run: (y2 − y1) / (x2 − x1)."
    assert not mark(SLOPE, "2.1").right  # 5 % off: beyond the 1 % a rounded answer needs


def test_an_answer_of_zero_is_judged_absolutely():
    flat = Question("The slope of y = 4?", answer=0.0, why="A constant does not change.")
    assert mark(flat, "0").right and mark(flat, "0.001").right and not mark(flat, "0.1").right


def test_a_choice_is_right_only_when_it_is_the_answer():
    assert mark(CHAIN, "3").right and not mark(CHAIN, "1").right


@pytest.mark.parametrize(("given", "said"), [(None, "Choose an answer first."), ("", "Choose an answer first.")])
def test_no_choice_yet_asks_for_one(given, said):
    assert mark(CHAIN, given) == Verdict(False, said)


def test_text_that_is_no_number_is_named():
    verdict = mark(SLOPE, "two")
    assert not verdict.right and "'two' is not a number" in verdict.message
    assert mark(SLOPE, "").message == "Type a number first."


def test_a_question_whose_answer_is_not_among_its_choices_is_refused():
    with pytest.raises(ValueError, match="is not one of the choices"):
        Question("Which?", answer="4", choices=("1", "2"), why="")
    with pytest.raises(ValueError, match="must be a number"):
        Question("How many?", answer="three", why="")


def test_the_widget_shows_the_verdict_when_check_is_pressed():
    shown = quiz([SLOPE, CHAIN])
    number = find_widget(shown, widgets.Text)
    choice = find_widget(shown, widgets.RadioButtons)
    buttons = [child for row in shown.children[1:] for child in row.children[1].children
               if isinstance(child, widgets.Button)]
    verdicts = [row.children[2] for row in shown.children[1:]]
    assert [b.description for b in buttons] == ["Check", "Check"] and choice.value is None
    number.value = "2"
    buttons[0].click()
    assert verdicts[0].value == "✓ Right. Rise 4 over run 2." and verdicts[1].value == ""
    choice.value = "1"
    buttons[1].click()
    assert verdicts[1].value.startswith("✗ Not yet")
    choice.value = "3"
    buttons[1].click()
    assert verdicts[1].value == "✓ Right. ∂J/∂v · ∂v/∂a = 3 · 1."


def test_every_input_says_what_it_is_for():
    shown = quiz([SLOPE, CHAIN])
    assert all(find_widget(row, widgets.Text) is None or find_widget(row, widgets.Text).description == "answer"
               for row in shown.children[1:])
    assert find_widget(shown, widgets.RadioButtons).description == "answer"
