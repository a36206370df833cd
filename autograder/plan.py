"""The grading plan of an assignment, read from its source notebook.

Each grade cell of the source notebook (visible and hidden tests alike) is run here, in the grader's
process, with a `check` that records its `Check` instead of calling anything. The learner's
functions are stand-ins that only know their names. What comes out is, per part, the checks to
make: which function to call, where, and how to judge what it returns. The learner's kernel is
later given only the function names and the points; expected values stay in this process.
"""

import ast
import contextlib
import functools
import io
from dataclasses import dataclass, field

import nbformat

from autograder.course_dir import CourseError, notebook_path
from course import checks


@dataclass
class Part:
    """One grade cell: its id, its points, its source, and the checks it makes."""

    grade_id: str
    points: float
    source: str
    checks: list = field(default_factory=list)  # [(function name, Check)]

    @property
    def hidden(self):
        """Whether this is a hidden check: its messages never show expected values."""
        return "BEGIN HIDDEN TESTS" in self.source

    @property
    def description(self):
        """What the part checks: the first line of the grade cell's docstring, as the release shows it too."""
        first = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return first.strip().strip('"').strip("'") or "(no description)"


@dataclass
class Plan:
    """Everything needed to grade submissions of one assignment."""

    assignment: str
    imports: str  # the first code cell of the source notebook
    parts: list
    parameters: dict  # {function name: its parameter names}, from the solution cells
    solution_ids: set  # grade ids of the solution cells
    source: object  # the source notebook
    instructor_sources: set  # the source text of every cell of the source and release notebooks

    @property
    def max_score(self):
        return sum(part.points for part in self.parts)

    @property
    def function_names(self):
        return set(self.parameters)


class LearnerFunction:
    """Stands in for a learner's function while a grade cell is read: it knows its name, nothing else."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        raise CourseError(f"a grade cell calls {self.__name__} directly; grade cells may only pass it to check(...)")


@functools.cache
def plan_for(root, assignment, step="source"):
    """The plan of `assignment` in the course at `root` (read once per process).

    From `source/` (the default), every grade cell counts: what grading uses. From `release/`, only
    the visible checks, since hidden ones are not there: what a learner can check alone.
    """
    source = nbformat.read(notebook_path(root, step, assignment), as_version=4)
    release = nbformat.read(notebook_path(root, "release", assignment), as_version=4)
    code_cells = [cell for cell in source.cells if cell.cell_type == "code"]
    imports = code_cells[0].source
    solutions = [cell for cell in code_cells if _nbgrader(cell).get("solution")]
    parameters = {}
    for cell in solutions:
        parameters.update(defined_functions(cell.source))
    parts = [Part(_nbgrader(cell)["grade_id"], float(_nbgrader(cell).get("points", 0)), cell.source)
             for cell in source.cells if _nbgrader(cell).get("grade")]
    for part in parts:
        part.checks = read_checks(imports, part, set(parameters), root, required=step == "source")
    parts = [part for part in parts if part.checks]
    instructor_sources = {cell.source.strip() for cell in [*source.cells, *release.cells]}
    solution_ids = {_nbgrader(cell)["grade_id"] for cell in solutions}
    return Plan(assignment, imports, parts, parameters, solution_ids, source, instructor_sources)


def read_checks(imports, part, function_names, root, required=True):
    """Run one grade cell with a recording `check`; returns [(function name, Check)]."""
    recorded = []

    def record(function, points, expected, **options):
        if not isinstance(function, LearnerFunction):
            raise CourseError(f"{part.grade_id}: check(...) must be given a learner's function, not {function!r}")
        recorded.append((function.__name__, checks.Check(points, expected, **options)))

    namespace = {"__name__": f"plan_{part.grade_id}"}
    exec(compile(imports, "<imports cell>", "exec"), namespace)
    namespace.update({name: LearnerFunction(name) for name in function_names})
    namespace["check"] = record
    # The reference solutions are looked up relative to the course being graded.
    from autograder import reference

    with reference.course_root(root), contextlib.redirect_stdout(io.StringIO()):  # cells print for learners
        exec(compile(part.source, f"<{part.grade_id}>", "exec"), namespace)
    if not recorded and required:
        raise CourseError(f"{part.grade_id} makes no check(...): every grade cell must make at least one")
    return recorded


def defined_functions(code):
    """{name: parameter names} of the functions a cell defines at its top level."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    return {node.name: [argument.arg for argument in node.args.args]
            for node in tree.body if isinstance(node, ast.FunctionDef)}


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {}) if hasattr(cell, "metadata") else {}
