"""Build student submissions from the real release notebooks: answered, blank, or with chosen answers."""

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from conftest import notebook

from autograder.reference import solution_cells, without_markers


def solution_sources(assignment):
    """{grade_id: code} of the source notebook's solution cells, without the solution markers."""
    source = nbformat.read(notebook("source", assignment), as_version=4)
    return {cell.metadata.nbgrader.grade_id: without_markers(cell.source) for cell in solution_cells(source)}


def submission(assignment, answers=None):
    """The release notebook with its solution cells replaced by `answers` ({grade_id: code})."""
    nb = nbformat.read(notebook("release", assignment), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def write_submission(course, student, assignment, nb):
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


@dataclass
class Case:
    """One student's submission, and the marks and messages stock nbgrader must give it.

    answers:  {grade_id of a solution cell: code}; the other solution cells get the reference solution,
              so each case isolates the exercises it is about;
    scores:   {grade_id of every grade cell: the points it must get};
    messages: {grade_id: [texts its error output must contain]}.
    """

    answers: dict
    scores: dict
    messages: dict = field(default_factory=dict)

    def notebook(self, assignment):
        return submission(assignment, {**solution_sources(assignment), **self.answers})


def load_cases():
    """Every case of tests/cases/*.py as (assignment, student, Case), in course order."""
    found = []
    for path in sorted((Path(__file__).parent / "cases").glob("case_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found += [(module.ASSIGNMENT, student, case) for student, case in module.CASES.items()]
    return found
