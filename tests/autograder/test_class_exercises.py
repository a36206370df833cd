"""An exercise whose answer is a class, called through a probe of course/ (`Exercise.call`): declared, derived,
released, checked in the learner's kernel and graded in the sandbox, with only numbers crossing its boundary.

The fixture is a course of one small module, 01-walk: the learner writes `Backward`, a class whose making walks
a graph backwards and sets every node's gradient; `course.autograd.backward_on` builds the graph from plain data,
hands its output to the class, and returns the gradients as numbers.
"""

import json
import re
import shutil

import nbformat
import pytest
from conftest import ROOT, TEST_SECRET, nudge

from autograder import plan, release, sandbox, spec
from autograder.course_dir import CourseError
from autograder.mutants import mutants
from autograder.outcomes import decode_outcomes
from course import checkfile
from course.autograd import backward_on
from course.checks import CheckFailed, check, show_check
from course.learner import worked_solution

ASSIGNMENT = "01-walk"
RIGHT = '''class Backward:
    """Sets the gradient of every node `output` was made from: ∂output/∂node, summed over the paths."""

    def __init__(self, output):
        ### BEGIN SOLUTION
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)

        visit(output)
        output.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad
        ### END SOLUTION
'''
ANSWER = RIGHT.replace("        ### BEGIN SOLUTION\n", "").replace("        ### END SOLUTION\n", "")
OVERWRITTEN = ANSWER.replace("parent.grad += local * node.grad", "parent.grad = local * node.grad")
ADDED = ANSWER.replace("parent.grad += local * node.grad", "parent.grad += local + node.grad")

EXERCISES = '''"""01-walk's exercise: a class, called through course.autograd.backward_on."""

from autograder.spec import Exercise, Grade, Mistake
from course.autograd import backward_on

# J = 3(a + bc) at a=5, b=3, c=2; y = x·x (x used twice); a diamond s = 2x + 3x.
GRAPHS = [
    [(5.0, (), ()), (3.0, (), ()), (2.0, (), ()), (6.0, (1, 2), (2.0, 3.0)), (11.0, (0, 3), (1.0, 1.0)),
     (33.0, (4,), (3.0,))],
    [(2.0, (), ()), (4.0, (0, 0), (2.0, 2.0))],
    [(1.0, (), ()), (2.0, (0,), (2.0,)), (3.0, (0,), (3.0,)), (5.0, (1, 2), (1.0, 1.0))],
]


def random_graph(rng):
    """A graph of sums and products of up to three earlier nodes, some used more than once."""
    graph = [(float(rng.uniform(-2, 2)), (), ()) for _ in range(3)]
    for _ in range(int(rng.integers(2, 6))):
        parents = tuple(int(i) for i in rng.integers(0, len(graph), size=int(rng.integers(1, 3))))
        graph.append((1.0, parents, tuple(float(g) for g in rng.uniform(-2, 2, size=len(parents)))))
    return (graph,)


def walk(graph, add=True):
    """Every node's gradient, walked as the reference walks (depth first from the output), added or overwritten."""
    order, seen = [], set()

    def visit(index):
        if index not in seen:
            seen.add(index)
            for parent in graph[index][1]:
                visit(parent)
            order.append(index)

    visit(len(graph) - 1)
    grads = [0.0] * len(graph)
    grads[-1] = 1.0
    for index in reversed(order):
        for parent, local in zip(graph[index][1], graph[index][2]):
            grads[parent] = (grads[parent] if add else 0.0) + local * grads[index]
    return grads


EXERCISES = [
    Exercise("Backward", call=backward_on, grades=(
        Grade("test_backward_values", points=[(graph,) for graph in GRAPHS]),
        Grade("test_backward_hidden", points=random_graph, hidden=True, count=6, seed=3),
    ), mistakes=(Mistake("gradients overwritten instead of added", lambda expected, graph: walk(graph, add=False)),)),
]
'''


def code_cell(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"locked": False, "schema_version": 3, "task": False, **nbgrader}
    return cell


def write_course(folder, exercises=EXERCISES, answer=RIGHT):
    """A course of the one module 01-walk, its source only: the notebook and exercises.py."""
    course = folder / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    (course / ".nudge-secret").write_text(TEST_SECRET + "\n", encoding="ascii")
    notebook = nbformat.v4.new_notebook(cells=[
        code_cell("import numpy as np\n\nfrom course.checks import check"),
        nbformat.v4.new_markdown_cell("## Exercise 1 — Backward (2 points)"),
        code_cell(answer, grade=False, grade_id="Backward", solution=True),
        code_cell('"""Backward: three graphs you can work out by hand."""\ncheck(Backward, "test_backward_values")',
                  grade=True, grade_id="test_backward_values", solution=False, locked=True, points=1),
        code_cell('"""Backward: graphs you never see."""\ncheck(Backward, "test_backward_hidden")',
                  grade=True, grade_id="test_backward_hidden", solution=False, locked=True, points=1),
    ])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": "python3"}
    nbformat.write(notebook, course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (course / "source" / ASSIGNMENT / spec.SPEC_FILE).write_text(exercises, encoding="utf-8")
    return course


@pytest.fixture(scope="module")
def walk_course(tmp_path_factory):
    """The course, released (nbgrader strips the class's solution; the check files are written)."""
    course = write_course(tmp_path_factory.mktemp("walk"))
    release.release(course, [ASSIGNMENT], use_database=False)
    return course


def derived_of(course):
    return spec.derived(course, ASSIGNMENT)["Backward"]


# --- declaring and deriving ----------------------------------------------------------------------------------------


def test_a_class_is_planned_with_its_init_parameters_and_its_grades(walk_course):
    found = plan.plan_for(walk_course, ASSIGNMENT)
    assert found.parameters == {"Backward": ["output"]}
    assert [(part.function, part.check.call) for part in found.parts] == [("Backward", backward_on)] * 2


def test_the_reference_of_a_class_is_called_through_the_probe(walk_course):
    derived = derived_of(walk_course)
    graph = [(5.0, (), ()), (3.0, (), ()), (2.0, (), ()), (6.0, (1, 2), (2.0, 3.0)), (11.0, (0, 3), (1.0, 1.0)),
             (33.0, (4,), (3.0,))]
    assert derived.reference(graph) == [3.0, 6.0, 9.0, 3.0, 3.0, 1.0]  # module 04's 6 and 9


def test_one_edit_variants_of_a_class_are_edits_inside_its_methods_named_with_the_method(walk_course):
    derived = derived_of(walk_course)
    names = {mutant.name for mutant in derived.named}
    assert "an addition where a multiplication belongs (in __init__)" in names
    graph = [(2.0, (), ()), (4.0, (0, 0), (2.0, 2.0))]
    (added,) = [m for m in derived.named if m.name == "an addition where a multiplication belongs (in __init__)"]
    assert added.function(graph) == [6.0, 1.0]  # (2 + 1) twice


def test_mutants_of_a_class_keep_the_class_and_change_one_method(walk_course):
    namespace = {}
    source = ANSWER
    exec(source, namespace)
    found = mutants(source, "Backward", namespace, call=backward_on)
    assert found and all(mutant.name.endswith("(in __init__)") for mutant in found)
    graph = [(2.0, (), ()), (4.0, (0, 0), (2.0, 2.0))]
    assert {tuple(mutant.function(graph)) for mutant in found if mutant.kind == "constant"} >= {(8.0, 2.0)}


def test_an_attribute_of_a_methods_argument_is_named_as_the_learner_writes_it():
    source = ("class Pair:\n    def __init__(self, data):\n        self.data = data\n\n"
              "    def __add__(self, other):\n        return Pair(self.data + other.data)\n")
    namespace = {}
    exec(source, namespace)
    names = {mutant.name for mutant in mutants(source, "Pair", namespace)}
    assert {"the term other.data of the sum is missing (in __add__)",
            "the term self.data of the sum is missing (in __add__)"} <= names


def test_a_class_solution_is_shown_by_nudge_solution(walk_course):
    shown = worked_solution(walk_course, ASSIGNMENT, "Backward")
    assert shown.startswith("class Backward:") and "BEGIN SOLUTION" not in shown and "parent.grad +=" in shown


def test_the_release_strips_the_class_s_solution_and_names_the_probe_in_its_check_file(walk_course):
    released = nbformat.read(walk_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    (answer,) = [cell for cell in released.cells if cell.metadata.get("nbgrader", {}).get("solution")]
    assert answer.source.startswith("class Backward:") and "raise NotImplementedError()" in answer.source
    assert "parent.grad" not in answer.source
    record = checkfile.read(walk_course / "release" / ASSIGNMENT / checkfile.VISIBLE)["test_backward_values"]
    assert record["options"]["call"] == {"function": "course.autograd.backward_on"}
    assert record["expected"][0] == [3.0, 6.0, 9.0, 3.0, 3.0, 1.0]
    assert "gradients overwritten instead of added" in {variant["name"] for variant in record["variants"]}


@pytest.mark.parametrize(("declared", "message"), [
    ("", "01-walk/exercises.py, Backward is a class: declare call="),
    ("call=lambda Backward, graph: [0.0], ", "call= must be a function defined at the top of a module of course/"),
    ("call=__import__('numpy').square, ", "call= must be a function defined at the top of a module of course/"),
    ("call=__import__('course.autograd').autograd.Node, ", "call= must be a function defined at the top of a module"),
])
def test_a_class_exercise_declared_in_a_way_that_cannot_be_checked_is_refused(tmp_path, declared, message):
    course = write_course(tmp_path, EXERCISES.replace("call=backward_on, ", declared))
    with pytest.raises(CourseError, match=re.escape(message)):
        spec.derived(course, ASSIGNMENT)


# --- the learner's kernel ------------------------------------------------------------------------------------------


def kernel_class(source):
    namespace = {}
    exec(source, namespace)
    return namespace["Backward"]


def test_the_learners_check_calls_the_class_through_the_probe_named_in_the_check_file(walk_course, monkeypatch,
                                                                                      capsys):
    monkeypatch.chdir(walk_course / "release" / ASSIGNMENT)
    check(kernel_class(ANSWER), "test_backward_values")
    assert "✓ Backward: right at all 3 points checked." in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="This is the known mistake: gradients overwritten instead of added."):
        check(kernel_class(OVERWRITTEN), "test_backward_values")
    with pytest.raises(CheckFailed, match="an addition where a multiplication belongs \\(in __init__\\)") as failed:
        check(kernel_class(ADDED), "test_backward_values")
    assert "show_check" not in str(failed.value)  # nothing to draw for a class
    with pytest.raises(CheckFailed, match="cannot be drawn"):
        show_check(kernel_class(ADDED), "test_backward_values")


# --- the sandbox ---------------------------------------------------------------------------------------------------

GRAPH = [(2.0, (), ()), (4.0, (0, 0), (2.0, 2.0))]


def test_the_sandbox_calls_the_class_through_the_probe_and_sends_back_numbers_only():
    calls = [{"function": "Backward", "points": [(GRAPH,)], "stable": False, "call": "course.autograd.backward_on"}]
    result = sandbox.run([ANSWER], calls)
    assert result.incidents == {}
    assert json.loads(result.calls[0]) == [{"value": {"list": [{"number": 4.0}, {"number": 1.0}]}}]
    assert decode_outcomes(result.calls[0], 1)[0].value == [4.0, 1.0]


def test_the_sandbox_sees_the_helpers_the_learners_code_calls_behind_the_probe():
    answer = "import course.derivatives\n" + ANSWER.replace(
        "output.grad = 1.0", "output.grad = course.derivatives.central_difference(lambda x: x, 0.0)")
    calls = [{"function": "Backward", "points": [(GRAPH,)], "stable": False, "call": "course.autograd.backward_on",
              "watch": True}]
    result = sandbox.run([answer], calls)
    assert result.used[0] == ["course.derivatives.central_difference"]


@pytest.mark.parametrize("name", ["os.system", "course.autograd.Node", "course.checks._copies", "course.nothing.here",
                                  "course.autograd.backward_on.__globals__", "builtins.eval"])
def test_the_sandbox_refuses_to_call_through_anything_but_a_function_of_course(name):
    calls = [{"function": "Backward", "points": [(GRAPH,)], "stable": False, "call": name}]
    result = sandbox.run([ANSWER], calls, isolate=False)
    (outcome,) = json.loads(result.calls[0])
    assert outcome["error"] == ["ValueError"]
    assert outcome["message"] == f"the check calls your code through {name!r}, which is not a function of course/"


# --- nudge grade ---------------------------------------------------------------------------------------------------



def handing_back(value, before=""):
    """The right class, with the output's gradient set to `value` once the walk is done (`before`: code above it)."""
    return before + ANSWER + f"        output.grad = {value}\n"


SUBMISSIONS = {
    "right": ANSWER,
    "overwrites": OVERWRITTEN,
    "endless_float": handing_back('Endless("1.0")', "class Endless(str):\n    def __float__(self):\n"
                                                    "        while True:\n            pass\n\n\n"),
    "huge_array": handing_back("np.zeros(10**8)"),
    "huge_list": handing_back("[0.5] * 10**7"),
    "recursing": ANSWER + "        output.__class__ = Recursing\n\n\nclass Recursing:\n"
                          "    def __getattribute__(self, name):\n        return self.grad\n",
}


@pytest.fixture(scope="module")
def graded(walk_course):
    released = walk_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for student, answer in SUBMISSIONS.items():
        notebook = nbformat.read(released, as_version=4)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = answer
        folder = walk_course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")
    run = nudge("--course", str(walk_course), "grade", "--workers", "1", ASSIGNMENT)
    assert run.returncode == 0, run.stderr
    return {student: json.loads((walk_course / "autograded" / student / ASSIGNMENT / "nudge-result.json").read_text())
            for student in SUBMISSIONS}


def parts_of(graded, student):
    return {part["grade_id"]: part for part in graded[student]["parts"]}


def test_nudge_grade_passes_a_right_class(graded):
    assert [part["score"] for part in graded["right"]["parts"]] == [1.0, 1.0]


def test_nudge_grade_names_the_mistake_of_a_wrong_class(graded):
    parts = parts_of(graded, "overwrites")
    assert [part["score"] for part in parts.values()] == [0.0, 0.0]
    assert parts["test_backward_values"]["mistake"] == "gradients overwritten instead of added"


@pytest.mark.parametrize(("student", "reason"), [
    ("endless_float", "is not a number: it is of type Endless"),
    ("huge_array", "is not a number: it is of type ndarray"),
    ("huge_list", "is not a number: it is of type list"),
    ("recursing", "your function raised RecursionError"),
])
def test_nudge_grade_fails_a_class_that_hands_the_probe_hostile_things_with_a_clean_reason(graded, student, reason):
    for part in graded[student]["parts"]:
        assert part["score"] == 0.0 and reason in part["message"] and len(part["message"]) < 1_000
    assert graded[student]["failure"] is None
