"""Reference solutions, read from the source notebooks: the one place each solution is written.

The grader computes expected values from them (and the variants it can name, from their code); a
self-study learner with the full repository reads one with `nudge solution` (`course.learner`).
"""

import functools
from typing import Any

import nbformat

from autograder.course_dir import notebook_path
from course.learner import solution_cells, solution_definitions, without_markers


@functools.cache
def reference_namespace(root: str, assignment: str) -> dict[str, Any]:
    """Run the imports cell and every solution cell of the source notebook in a fresh namespace."""
    notebook = nbformat.read(notebook_path(root, "source", assignment), as_version=4)
    imports = next(cell for cell in notebook.cells if cell.cell_type == "code")
    namespace = {"__name__": f"reference_{assignment.replace('-', '_')}"}
    for cell in [imports, *solution_cells(notebook)]:
        exec(compile(cell.source, f"<{assignment} reference>", "exec"), namespace)
    return namespace


def solution_source(root: str, assignment: str, name: str) -> str:
    """The source of the solution cell that defines the function or class `name`, without the solution markers."""
    defined = _solution_definitions(root, assignment)
    if name not in defined:
        raise KeyError(f"{assignment} has no exercise function or class {name!r}; its exercises are: "
                       f"{', '.join(defined)}")
    return without_markers(defined[name]).strip()


@functools.cache
def _solution_definitions(root: str, assignment: str) -> dict[str, str]:
    """{name: solution cell} of the source notebook, read once a process (a plan asks for each exercise's)."""
    return solution_definitions(nbformat.read(notebook_path(root, "source", assignment), as_version=4))
