"""Build student submissions from the real release notebooks: answered, blank, or with chosen answers."""

import re

import nbformat
from conftest import notebook

MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*\n", re.MULTILINE)


def solution_sources(assignment):
    """{grade_id: code} of the source notebook's solution cells, without the solution markers."""
    source = nbformat.read(notebook("source", assignment), as_version=4)
    return {cell.metadata.nbgrader.grade_id: MARKERS.sub("", cell.source)
            for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")}


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
