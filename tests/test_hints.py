"""Every exercise has three hints that open one after another, and none of them gives the answer away."""

import re
from html.parser import HTMLParser

import nbformat
import pytest
from conftest import ASSIGNMENTS, notebook

HINT_TITLES = ["Hint 1 of 3 — a first nudge", "Hint 2 of 3 — the formula", "Hint 3 of 3 — where people go wrong"]


def exercise_cells(assignment):
    cells = nbformat.read(notebook("source", assignment), as_version=4).cells
    return [cell for cell in cells if cell.cell_type == "markdown" and re.search(r"^## Exercise", cell.source, re.M)]


class DetailsReader(HTMLParser):
    """The <details> blocks of a cell as (depth, summary, text inside, not counting deeper blocks)."""

    def __init__(self):
        super().__init__()
        self.stack, self.blocks, self.in_summary = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self.stack.append({"depth": len(self.stack) + 1, "summary": "", "text": ""})
            self.blocks.append(self.stack[-1])
        self.in_summary = self.in_summary or tag == "summary"

    def handle_endtag(self, tag):
        if tag == "details":
            self.stack.pop()
        if tag == "summary":
            self.in_summary = False

    def handle_data(self, data):
        if self.stack:
            self.stack[-1]["summary" if self.in_summary else "text"] += data


def hints(cell):
    reader = DetailsReader()
    reader.feed(cell.source)
    reader.close()
    return reader.blocks


def solution_lines(assignment):
    """Each line of working code in the solution cells, without `return` and spaces."""
    cells = nbformat.read(notebook("source", assignment), as_version=4).cells
    lines = set()
    for cell in cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            body = cell.source.split("### BEGIN SOLUTION")[-1].split("### END SOLUTION")[0]
            for line in body.splitlines():
                code = re.sub(r"^return\b|\s+", "", line.split("#")[0].strip())
                if len(code) >= 12:  # short lines (`n = len(x)`) are not answers on their own
                    lines.add(code)
    return lines


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if a != "00-start-here"])
def test_every_exercise_has_three_nested_hints_in_order(assignment):
    cells = exercise_cells(assignment)
    assert cells, f"{assignment} has no exercises"
    for cell in cells:
        title = re.search(r"^## Exercise.*$", cell.source, re.M).group(0)
        blocks = hints(cell)
        assert [b["summary"].strip() for b in blocks] == HINT_TITLES, title
        # Nested: the second hint can only be opened once the first is open, the third after the second.
        assert [b["depth"] for b in blocks] == [1, 2, 3], title
        assert all(len(b["text"].split()) >= 6 for b in blocks), f"{title}: a hint says too little"
        assert "*Hint:*" not in cell.source, f"{title}: the old one-line hint is still there"


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if a != "00-start-here"])
def test_no_hint_contains_a_line_of_the_solution(assignment):
    answers = solution_lines(assignment)
    for cell in exercise_cells(assignment):
        hint_code = re.sub(r"\s+", "", "".join(b["text"] for b in hints(cell)))
        given_away = [line for line in answers if line in hint_code]
        assert given_away == [], f"{cell.source.splitlines()[0]}: hints give away {given_away}"


def test_the_start_notebook_explains_hints_and_how_to_ask_for_a_solution():
    cells = nbformat.read(notebook("source", "00-start-here"), as_version=4).cells
    prose = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    assert "Hint 1 of 3" in prose and "nudge solution" in prose
