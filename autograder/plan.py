"""The grading plan of an assignment: its source notebook's grade cells, and its exercises.py.

Each grade cell is a docstring line and `check(function, "grade id")`; the grade id's declaration
in exercises.py (`autograder.spec`) says where to call the function, what it must return, how
closely, and what can be named when it is wrong. Grade cells are read, never run. What comes out is,
per part, the check to make: which function to call, where, and how to judge what it returns. The
learner's kernel is later given only the function names and the points; expected values stay here.
"""

import ast
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from autograder import spec
from autograder.course_dir import CourseError, notebook_path
from autograder.spec import quietly
from course.checks import Check, Outcome


@dataclass
class Part:
    """One grade cell: its id, its points, what it checks, whether it is hidden, and the check it makes."""

    grade_id: str
    points: float
    description: str
    hidden: bool
    function: str  # the learner's function it calls
    check: Check  # where, what it must return, how closely: from exercises.py

    @functools.cached_property
    def visible_rights(self) -> list[Outcome]:
        """The right outcomes at a visible grade's points, the same for every student: worked out once a process
        (a symbolic limit takes the reference up to a second a point)."""
        if self.hidden:
            raise ValueError(f"{self.grade_id} is hidden: its points are each student's own")
        with quietly():  # the reference's own warnings are nobody's concern here
            return self.check.expected_outcomes(self.check.draw())


@dataclass
class Plan:
    """Everything needed to grade submissions of one assignment."""

    assignment: str
    imports: str  # the first code cell of the source notebook
    parts: list[Part]
    parameters: dict[str, list[str]]  # {function name: its parameter names}, from the solution cells
    solution_ids: set[str]  # grade ids of the solution cells
    source: nbformat.NotebookNode  # the source notebook
    instructor_sources: set[str]  # the source text of every cell of the source and release notebooks

    @property
    def max_score(self) -> float:
        return sum(part.points for part in self.parts)

    @property
    def function_names(self) -> set[str]:
        return set(self.parameters)


@functools.cache
def plan_for(root: Path, assignment: str) -> Plan:
    """The plan of `assignment` in the course at `root` (read once per process)."""
    source = nbformat.read(notebook_path(root, "source", assignment), as_version=4)
    release = nbformat.read(notebook_path(root, "release", assignment), as_version=4)
    code_cells = [cell for cell in source.cells if cell.cell_type == "code"]
    imports = code_cells[0].source
    solutions = [cell for cell in code_cells if _nbgrader(cell).get("solution")]
    parameters = {}
    for cell in solutions:
        parameters.update(defined_functions(cell.source))
    instructor_sources = {cell.source.strip() for cell in [*source.cells, *release.cells]}
    solution_ids = {_nbgrader(cell)["grade_id"] for cell in solutions}
    parts = planned_parts(root, assignment, source)
    # Worked out here, once: judging runs in a child process that forgets what it works out, so each wrong answer
    # would run every variant at the visible points again (~2 s for module 05's), and every worker the reference.
    spec.work_out_visible(root, assignment)
    for part in parts:
        if not part.hidden:
            part.visible_rights  # noqa: B018 - a cached property, worked out now
    return Plan(assignment, imports, parts, parameters, solution_ids, source, instructor_sources)


def planned_parts(root: Path, assignment: str, source: nbformat.NotebookNode) -> list[Part]:
    """A part per grade cell of the source notebook, each checking what exercises.py declares for its grade id.

    Refuses a grade cell that is not a docstring line and one check(...), that checks another function or
    another grade id than its own, or that exercises.py does not declare; and a declaration no cell checks.
    """
    exercises = spec.derived(Path(root), assignment)
    declared = {grade.grade_id: (exercise, grade) for exercise in exercises.values()
                for grade in exercise.exercise.grades}
    parts = []
    for cell in source.cells:
        if not _nbgrader(cell).get("grade"):
            continue
        grade_id = _nbgrader(cell)["grade_id"]
        description, function, called_id = spec.grade_cell_call(cell.source)
        if called_id != grade_id or grade_id not in declared or declared[grade_id][0].exercise.function != function:
            raise CourseError(f"{assignment}: the grade cell {grade_id} calls check({function}, {called_id!r}), "
                              f"which exercises.py does not declare for {function}")
        derived, grade = declared.pop(grade_id)
        parts.append(Part(grade_id, float(grade.marks), description, grade.hidden, function, derived.check(grade)))
    if declared:
        raise CourseError(f"{assignment}: exercises.py declares {', '.join(declared)}, which no grade cell checks")
    return parts


def defined_functions(code: str) -> dict[str, list[str]]:
    """{name: parameter names} of the functions and classes a cell defines at its top level (a class's are its
    __init__'s, without self: what calling it takes)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = [argument.arg for argument in node.args.args]
        elif isinstance(node, ast.ClassDef):
            init = next((item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"),
                        None)
            found[node.name] = [] if init is None else [argument.arg for argument in init.args.args[1:]]
    return found


def _nbgrader(cell: nbformat.NotebookNode) -> dict[str, Any]:
    return cell.metadata.get("nbgrader", {}) if hasattr(cell, "metadata") else {}
