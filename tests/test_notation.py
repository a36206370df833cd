"""One notation for the whole course: module 00's table lists every symbol, and n, L, J, y and η keep one meaning.

The symbols are read from the LaTeX of every notebook's markdown. A symbol's meaning cannot be read by a
program, so the reserved ones are held to what each meaning looks like where it is defined: the learning rate is
η and never α; n never an exponent or a count of coordinates; L the loss of one example, never a mean, a sum or a
length; J a mean over the examples (or the output of module 04's graph), never one example's error.
"""

import re

import nbformat
import pytest
from conftest import ASSIGNMENTS, notebook

START = "00-start-here"
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
GREEK = re.compile(r"\\(alpha|beta|gamma|delta|Delta|epsilon|varepsilon|eta|theta|lambda|mu|sigma|partial|nabla)\b")
WORDS = re.compile(r"\\(text|texttt|mathrm|operatorname)\{[^}]*\}")


def markdown(assignment):
    return [cell.source for cell in nbformat.read(notebook("source", assignment), as_version=4).cells
            if cell.cell_type == "markdown"]


def symbols(text):
    """The one-letter symbols (Latin, or Greek by name) in the LaTeX of `text`."""
    found = set()
    for pair in MATH.findall(text):
        math = WORDS.sub("", "".join(pair))
        found |= set(GREEK.findall(math))
        found |= set(re.findall(r"(?<![A-Za-z\\])([A-Za-z])(?![A-Za-z])", re.sub(r"\\[A-Za-z]+", " ", math)))
    return found


def notation_table():
    """The symbols listed in the first column of module 00's notation table."""
    (table,) = [text for text in markdown(START) if text.startswith("## Notation")]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| $")]
    return set().union(*(symbols(row) for row in rows))


def test_module_00_lists_every_symbol_the_notebooks_use():
    listed = notation_table()
    assert {"x", "y", "w", "b", "n", "d", "X", "eta", "L", "J"} <= listed
    # α is no symbol of the course: only ever named as another name for η (the next test)
    unlisted = {f"{symbol} ({assignment})" for assignment in ASSIGNMENTS for text in markdown(assignment)
                for symbol in symbols(text) - listed - {"alpha"}}
    assert not unlisted, "add these to module 00's notation table: " + ", ".join(sorted(unlisted))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_learning_rate_is_eta_and_alpha_is_only_named_as_another_name(assignment):
    for text in markdown(assignment):
        for line in text.splitlines():
            if "\\alpha" in line or "α" in line:
                assert "\\eta" in line and ("another" in line or "other texts" in line), line


# What each reserved symbol may not be, wherever it is written: (pattern in the LaTeX, the meaning it gives).
FOREIGN = [
    # x^n or x^{n-1}, not the n on top of a sum (after its "}")
    (r"(?<!\})\^\{?n\b|n\s*\\,\s*x|\bn\s*=\s*\d", "n as an exponent or a number of its own (n counts the examples)"),
    (r"n\s*=\s*\\text\{len|x_\{n\s*-\s*1\}", "n as a count of coordinates (n counts the examples)"),
    (r"\bL\s*=\s*\\frac\{1\}\{n\}|\bL\s*=\s*\\sum|\bL\s*=\s*\d",
     "L as a mean, a sum or a length (L is one example's loss)"),
    (r"\bJ\s*=\s*\\sum|\bJ\s*=\s*\\text\{error\}", "J as a sum or one example's error (J is the mean of the losses)"),
    # y = σ(...) or y = w·x + b written where the prediction ŷ is meant
    (r"(?<![a-z] )(?<![a-z]\{)\by\s*=\s*(\\sigma\b|w_?\{?\d?\}?\s*(\\cdot\s*)?x)",
     "y as the model's prediction (that is ŷ; y is the true value)"),
]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_n_L_and_J_keep_their_meaning(assignment):
    wrong = []
    for text in markdown(assignment):
        for pair in MATH.findall(text):
            math = "".join(pair)
            wrong += [f"{meaning}: ${math.strip()[:80]}$" for pattern, meaning in FOREIGN if re.search(pattern, math)]
    assert not wrong, "\n".join(wrong)


def test_the_checks_of_this_test_find_what_they_look_for():
    """The patterns catch the defects they were written for, so the tests above can fail."""
    assert symbols(r"the power rule $\frac{d}{dx}x^n = n\,x^{n-1}$ and $\alpha$") == {"d", "x", "n", "alpha"}
    caught = {meaning for pattern, meaning in FOREIGN
              for math in (r"x^n", r"n = \text{len(point)}", r"L = 2", r"L = \frac{1}{n} \sum (\hat y - y)^2",
                           r"J = \sum_{i=1}^{n} e_i^2", r"J = \text{error}^2",
                           r"y = \sigma(w \cdot x + b)")
              if re.search(pattern, math)}
    assert len(caught) == len(FOREIGN)
    assert not any(re.search(pattern, math) for pattern, _ in FOREIGN
                   for math in (r"J = \frac{1}{n}\sum_{i=1}^{n} L_i", r"L = (y - \hat y)^2", r"\eta = 0.1",
                                r"n \times d", r"y = m x + b",
                                r"\hat y = \sigma(z)", r"\hat{y} = w x + b"))
