"""Reference solutions, read from the source notebooks: the one place each solution is written.

The grader computes expected values from them (and the variants it can name, from their code); a
self-study learner with the full repository reads one with `nudge solution` (`course.learner`).
"""

import ast
import functools
from typing import Any

import nbformat

from autograder.course_dir import notebook_path
from course.learner import solution_cells, without_markers


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
    """The source of the solution cell that defines `name`, without the solution markers."""
    notebook = nbformat.read(notebook_path(root, "source", assignment), as_version=4)
    defined = {node.name: cell.source for cell in solution_cells(notebook)
               for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)}
    if name not in defined:
        raise KeyError(f"{assignment} has no exercise function {name!r}; its exercises are: {', '.join(defined)}")
    return without_markers(defined[name]).strip()

