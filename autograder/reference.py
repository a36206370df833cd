"""Reference solutions, read from the source notebooks: the one place each solution is written.

A hidden grade cell asks `solution("01-slope", "slope")` for the expected values of its check; the
answer is the function defined in the source notebook's solution cells, wrapped so that no check
message ever shows the values it computes.
"""

import ast
import contextlib
import functools
import re

import nbformat

from autograder.course_dir import find_course_root, notebook_path
from course.checks import HiddenReference

_root = None  # set by `course_root` while the grader reads a course's grade cells


@contextlib.contextmanager
def course_root(root):
    """Look reference solutions up in the course at `root`, whatever the current folder."""
    global _root
    previous, _root = _root, root
    try:
        yield
    finally:
        _root = previous


def solution(assignment, name):
    """The reference implementation of `name` from the source notebook of `assignment`."""
    namespace = _solution_namespace(str(_root or find_course_root()), assignment)
    if name not in namespace:
        raise KeyError(f"the source notebook of {assignment} defines no solution named {name!r}")
    return HiddenReference(namespace[name])


@functools.cache
def _solution_namespace(root, assignment):
    """Run the imports cell and every solution cell of the source notebook in a fresh namespace."""
    notebook = nbformat.read(notebook_path(root, "source", assignment), as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    solution_cells = [cell for cell in code_cells if cell.metadata.get("nbgrader", {}).get("solution")]
    namespace = {"__name__": f"reference_{assignment.replace('-', '_')}"}
    for cell in [code_cells[0], *solution_cells]:
        exec(compile(cell.source, f"<{assignment} reference>", "exec"), namespace)
    return namespace


def worked_solution(root, assignment, name):
    """The source of the solution cell that defines `name`, for a self-study learner who asks for it."""
    notebook = nbformat.read(notebook_path(root, "source", assignment), as_version=4)
    defined = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    defined[node.name] = cell.source
    if name not in defined:
        raise KeyError(f"{assignment} has no exercise function {name!r}; its exercises are: {', '.join(defined)}")
    markers = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", re.MULTILINE)
    return markers.sub("", defined[name]).strip()
