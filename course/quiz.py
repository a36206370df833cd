"""A self-check at the end of a module: a few questions with immediate answers, kept in the notebook alone.

A question is plain data (`Question`); `mark(question, given)` judges one answer and says why, as a pure
function; `quiz(questions)` is the thin widget on top: a choice or a number per question, a button,
and the verdict beside it. Nothing is written anywhere: what the learner answered lives in the
notebook's widgets, and nowhere else.
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets


@dataclass(frozen=True)
class Question:
    """One question: a choice among `choices` (answer is the right one), or a number (answer is the value).

    `why` is the explanation shown once the answer is right; `hint`, what a wrong answer is told.
    A number is right within `tolerance`, relative (absolute for an answer of 0).
    """

    prompt: str
    answer: str | float
    why: str
    hint: str = "Not yet: look back at the section this question is about, then try again."
    choices: tuple[str, ...] = ()
    tolerance: float = 0.01

    def __post_init__(self) -> None:
        if self.choices and self.answer not in self.choices:
            raise ValueError(f"the answer {self.answer!r} is not one of the choices of {self.prompt!r}")
        if not self.choices and isinstance(self.answer, str):
            raise ValueError(f"{self.prompt!r} has no choices, so its answer must be a number")


@dataclass(frozen=True)
class Verdict:
    """What `mark` found: right or not, and what to tell the learner."""

    right: bool
    message: str


def mark(question: Question, given: str | float | None) -> Verdict:
    """Whether `given` answers `question`, with the explanation or the hint."""
    if given is None or given == "":
        return Verdict(False, "Choose an answer first." if question.choices else "Type a number first.")
    if question.choices:
        right = given == question.answer
    else:
        try:
            value = float(given)
        except (TypeError, ValueError):
            return Verdict(False, f"{given!r} is not a number: type one, such as 0.25 or 3.")
        expected = float(question.answer)
        right = math.isclose(value, expected, rel_tol=question.tolerance,
                             abs_tol=question.tolerance if expected == 0 else 0.0)
    return Verdict(True, f"✓ Right. {question.why}") if right else Verdict(False, f"✗ {question.hint}")


def shown_order(question: Question) -> list[str]:
    """The choices as the widget lists them: in an order fixed by their text, so that the right one, which a
    question's data may list first, is not always first on the screen, yet stays put from one run to the next."""
    return sorted(question.choices,
                  key=lambda choice: hashlib.sha256(f"{question.prompt}\n{choice}".encode()).hexdigest())


def quiz(questions: Sequence[Question], title: str = "Check yourself") -> widgets.VBox:
    """The self-check widget: each question with its input, a Check button and the verdict."""
    rows: list[widgets.Widget] = [widgets.HTML(f"<b>{title}</b> — answers stay in this notebook.")]
    for number, question in enumerate(questions, start=1):
        rows.append(_question_row(number, question))
    return widgets.VBox(rows)


def _question_row(number: int, question: Question) -> widgets.VBox:
    prompt = widgets.HTMLMath(f"{number}. {question.prompt}")
    answer: widgets.RadioButtons | widgets.Text
    if question.choices:
        answer = widgets.RadioButtons(options=shown_order(question), value=None, description="answer",
                                      layout=widgets.Layout(width="auto"))
    else:
        answer = widgets.Text(placeholder="a number", description="answer")
    button = widgets.Button(description="Check", tooltip=f"check your answer to question {number}")
    verdict = widgets.HTMLMath("")

    def check_answer(_button: widgets.Button) -> None:
        verdict.value = mark(question, answer.value).message

    button.on_click(check_answer)
    return widgets.VBox([prompt, widgets.HBox([answer, button]), verdict])
