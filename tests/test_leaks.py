"""The learner's side ships no answer: no function of a release notebook or of course/ computes one.

Every function defined anywhere in a release notebook (any cell, at any depth), and every function of
course/, is called at the points of every exercise's checks; the test fails when one returns what the
exercise's reference returns at all of them.
"""

import ast
import importlib
import inspect
import pkgutil
import warnings

import nbformat
import numpy as np
import pytest
from conftest import ASSIGNMENTS, ROOT, notebook

import course
from autograder import spec
from course import checks

# Modules of course/ whose functions act on the learner's files or the terminal, never on numbers.
NOT_CALLED = {"course.learner", "course.checkfile", "course.__main__"}
LEAST_POINTS = 3  # a function must agree at this many points with values at least, to count as an answer


def release_functions(assignment):
    """{name: function} of every def and named lambda in the release notebook, run beside its imports."""
    nb = nbformat.read(notebook("release", assignment), as_version=4)
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    namespace = {}
    exec(compile(code[0], "<imports>", "exec"), namespace)
    found = {}
    for source in code:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                name = node.name if isinstance(node, ast.FunctionDef) else f"lambda at line {node.lineno}"
                body = ast.Expression(node) if isinstance(node, ast.Lambda) else ast.Module([node], [])
                scope = dict(namespace)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if isinstance(node, ast.Lambda):
                        found[f"{assignment}: {name}"] = eval(compile(body, "<release>", "eval"), scope)
                    else:
                        exec(compile(ast.fix_missing_locations(body), "<release>", "exec"), scope)
                        found[f"{assignment}: {name}"] = scope[node.name]
                # Later cells may call what earlier ones defined.
                if isinstance(node, ast.FunctionDef) and node in tree.body:
                    namespace[node.name] = found[f"{assignment}: {name}"]
    return found


def course_functions():
    """{dotted name: function} of every function and static method of course/."""
    found = {}
    for info in pkgutil.walk_packages(course.__path__, "course."):
        if info.name in NOT_CALLED:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == info.name:
                found[f"{info.name}.{name}"] = value
            elif inspect.isclass(value) and value.__module__ == info.name:
                for attribute, member in vars(value).items():
                    if isinstance(member, staticmethod):
                        found[f"{info.name}.{name}.{attribute}"] = member.__func__
    return found


def answers(exercise_table):
    """(assignment, function, check, points, outcomes) for every exercise of the course, the check stable when the
    exercise is (an overflow is an error there, as when the checks call a learner's function)."""
    for assignment in ASSIGNMENTS:
        for name, derived in spec.derived(ROOT, assignment).items():
            exercise = derived.exercise
            points = spec.fingerprint_points(exercise)
            judge = checks.Check(points, None, rtol=exercise.tolerance.rtol, atol=exercise.tolerance.atol,
                                 symbolic=exercise.symbolic, stable=exercise.stable)
            right = [spec.bounded_call(derived.reference, args, exercise.stable) for args in points]
            exercise_table.append((assignment, name, judge, points, right))
    return exercise_table


def agrees(candidate, judge, points, right):
    """Whether `candidate` gives the reference's outcome at every point (values at LEAST_POINTS at least)."""
    try:
        inspect.signature(candidate).bind(*points[0])
    except (TypeError, ValueError):
        return False
    valued = 0
    for args, expected in zip(points, right, strict=True):
        outcome = spec.bounded_call(candidate, args, judge.stable)
        if not checks.reproduces(judge, outcome, expected):
            return False
        valued += expected.error is None
    return valued >= LEAST_POINTS


@pytest.fixture(scope="module")
def exercises():
    return answers([])


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_release_function_computes_an_answer(exercises, assignment):
    functions = release_functions(assignment)
    assert functions, "the release notebook defines no function: the test would check nothing"
    leaks = [f"{name} computes {module}'s {exercise}"
             for name, function in functions.items()
             for module, exercise, judge, points, right in exercises if agrees(function, judge, points, right)]
    assert not leaks


@pytest.mark.slow
def test_no_function_of_course_computes_an_answer(exercises):
    functions = course_functions()
    assert len(functions) > 30, "course/ should have its tools found here"
    leaks = [f"{name} computes {module}'s {exercise}"
             for name, function in functions.items()
             for module, exercise, judge, points, right in exercises if agrees(function, judge, points, right)]
    assert not leaks


def test_the_leak_test_finds_a_leak():
    """The reference itself, defined in a release cell, would be found: the test can fail."""
    derived = spec.derived(ROOT, "01-slope")["slope"]
    points = spec.fingerprint_points(derived.exercise)
    judge = checks.Check(points, None, rtol=1e-9, atol=1e-12)
    right = [spec.bounded_call(derived.reference, args) for args in points]

    def rise_over_run(x1, y1, x2, y2):
        if x1 == x2:
            raise ValueError("vertical")
        return (y2 - y1) / (x2 - x1)

    assert agrees(rise_over_run, judge, points, right)
    assert not agrees(lambda x1, y1, x2, y2: (y2 - y1) / (x2 - x1) + 1e-6, judge, points, right)
    assert not agrees(np.add, judge, points, right)
