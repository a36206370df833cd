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
    imports = next(cell for cell in notebook.cells if cell.cell_type == "code")
    namespace = {"__name__": f"reference_{assignment.replace('-', '_')}"}
    for cell in [imports, *solution_cells(notebook)]:
        exec(compile(cell.source, f"<{assignment} reference>", "exec"), namespace)
    return namespace


def solution_cells(notebook):
    """The cells of a source notebook that hold a solution."""
    return [cell for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")]


SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", re.MULTILINE)


def without_markers(source):
    """A solution cell's code as a learner would write it: without nbgrader's solution markers."""
    return SOLUTION_MARKERS.sub("", source)


def worked_solution(root, assignment, name):
    """The source of the solution cell that defines `name`, for a self-study learner who asks for it."""
    notebook = nbformat.read(notebook_path(root, "source", assignment), as_version=4)
    defined = {node.name: cell.source for cell in solution_cells(notebook)
               for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)}
    if name not in defined:
        raise KeyError(f"{assignment} has no exercise function {name!r}; its exercises are: {', '.join(defined)}")
    return without_markers(defined[name]).strip()
