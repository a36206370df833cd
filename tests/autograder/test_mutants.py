"""One-edit variants of a reference: the edits a learner makes, named in the learner's terms."""

import re

import numpy as np
import pytest

from autograder.mutants import RANKS, Mutant, mutants

SLOPE = '''
def slope(x1, y1, x2, y2):
    """Rise over run of the line through (x1, y1) and (x2, y2)."""
    rise = y2 - y1
    run = x2 - x1
    return rise / run
'''

MEAN_SQUARED_ERROR = '''
def mean_squared_error(y, y_hat):
    """The mean of the squared errors."""
    errors = y_hat - y
    return np.mean(errors ** 2)
'''

PREDICT = '''
def predict(X, w, b):
    """The linear model's predictions."""
    return X @ w + b
'''

DESCEND = '''
def descend(x, eta, steps):
    """`steps` steps of gradient descent on x²."""
    for k in range(steps):
        x = x - eta * 2 * x
    return x
'''

STEP = '''
def step(z):
    """1 for a positive z, else 0."""
    if z > 0:
        return 1.0
    return 0.0
'''

REFERENCES = {"slope": SLOPE, "mean_squared_error": MEAN_SQUARED_ERROR, "predict": PREDICT, "descend": DESCEND,
              "step": STEP}
LOCALS = {"slope": ("rise", "run"), "mean_squared_error": ("errors",), "descend": ("k",)}
NAMESPACE = {"np": np}


def of(name):
    return mutants(REFERENCES[name], name, NAMESPACE)


def named(name, label):
    """The one mutant of reference `name` called `label`."""
    found = [mutant for mutant in of(name) if mutant.name == label]
    assert len(found) == 1, f"{label!r} is not among {sorted({m.name for m in of(name)})}"
    return found[0].function


def reference(name):
    scope = dict(NAMESPACE)
    exec(REFERENCES[name], scope)
    return scope[name]


# --- the edits, by name, and what each computes --------------------------------------------------------------------


def test_slope_variants_exchange_the_learner_s_variables():
    names = {mutant.name for mutant in of("slope")}
    assert {"x1 and x2 are exchanged", "y1 and y2 are exchanged", "x1 and y1 are exchanged",
            "a quotient is upside down (numerator and denominator exchanged)", "a division is missing",
            "the term y1 of the difference is missing", "the term x2 of the difference is missing",
            "an addition where a subtraction belongs (y2 + y1 where y2 − y1 belongs)",
            "x1 where x2 belongs"} <= names
    point = (0.0, 1.0, 2.0, 7.0)  # rise 6, run 2
    assert reference("slope")(*point) == 3.0
    assert named("slope", "x1 and x2 are exchanged")(*point) == 6 / -2
    assert named("slope", "y1 and y2 are exchanged")(*point) == -6 / 2
    assert named("slope", "x1 and y1 are exchanged")(*point) == (7 - 0) / (2 - 1)
    assert named("slope", "a quotient is upside down (numerator and denominator exchanged)")(*point) == 2 / 6
    assert named("slope", "a division is missing")(*point) == 6
    assert named("slope", "the term y1 of the difference is missing")(*point) == 7 / 2
    assert named("slope", "the term x2 of the difference is missing")(1.0, 1.0, 2.0, 7.0) == 6 / -1.0  # run = −x1
    with pytest.raises(ZeroDivisionError):
        named("slope", "x1 where x2 belongs")(*point)  # run = x1 − x1


def test_the_sum_where_the_mean_belongs_is_named_for_the_missing_1_over_n():
    y, y_hat = np.array([1.0, 2.0, 4.0]), np.array([2.0, 0.0, 4.0])  # squared errors 1, 4, 0
    assert reference("mean_squared_error")(y, y_hat) == pytest.approx(5 / 3)
    assert named("mean_squared_error", "the sum where the mean belongs (the 1/n is missing)")(y, y_hat) == 5.0
    assert named("mean_squared_error", "the power 2 is missing")(y, y_hat) == pytest.approx((1 - 2 + 0) / 3)
    assert named("mean_squared_error", "the number 3 where 2 belongs")(y, y_hat) == pytest.approx((1 - 8) / 3)
    assert named("mean_squared_error", "y where y_hat belongs")(y, y_hat) == 0.0


def test_the_mean_where_the_sum_belongs_is_named_for_the_extra_1_over_n():
    source = "def total(v):\n    return np.sum(v * v)\n"
    found = {mutant.name: mutant.function for mutant in mutants(source, "total", NAMESPACE)}
    assert found["the mean where the sum belongs (an extra 1/n)"](np.array([1.0, 3.0])) == 5.0


def test_matrix_products_are_named_as_products_and_transposes():
    X, w, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([10.0, 100.0]), 0.5
    np.testing.assert_array_equal(reference("predict")(X, w, b), [210.5, 430.5])
    np.testing.assert_array_equal(
        named("predict", "an element-by-element product where the matrix product belongs")(X, w, b), X * w + b)
    np.testing.assert_array_equal(named("predict", "Xᵀ where X belongs")(X, w, b), X.T @ w + b)
    np.testing.assert_array_equal(named("predict", "X and w are exchanged")(X, w, b), w @ X + b)
    np.testing.assert_array_equal(named("predict", "a subtraction where an addition belongs")(X, w, b), X @ w - b)
    np.testing.assert_array_equal(named("predict", "the factor w is missing")(X, w, b), X + b)
    with pytest.raises(ValueError):
        named("predict", "w and b are exchanged")(X, w, b)  # X @ b with a number b
    np.testing.assert_array_equal(named("predict", "the term b of the sum is missing")(X, w, b), X @ w)
    assert named("predict", "a term of the sum is missing")(X, w, b) == b  # X @ w is no name a learner shares


def test_a_call_of_another_of_the_learners_functions_is_named_by_the_call():
    source = "def dJ_db(a, b, c):\n    return dJ_du(a, b, c) * c\n"
    names = {mutant.name for mutant in mutants(source, "dJ_db", {"dJ_du": lambda a, b, c: 3})}
    assert {"the factor dJ_du(a, b, c) is missing", "the factor c is missing"} <= names


def test_a_transpose_dropped_is_named_by_the_variable():
    source = "def gram(X):\n    return X.T @ X\n"
    found = {mutant.name: mutant.function for mutant in mutants(source, "gram", NAMESPACE)}
    X = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_array_equal(found["X where Xᵀ belongs (a transpose is missing)"](X), X @ X)


def test_a_loop_off_by_one_is_named_in_both_directions():
    descend = reference("descend")
    assert descend(1.0, 0.25, 3) == 0.125
    assert named("descend", "the loop runs once too few times")(1.0, 0.25, 3) == descend(1.0, 0.25, 2)
    assert named("descend", "the loop runs once too many times")(1.0, 0.25, 3) == descend(1.0, 0.25, 4)
    assert named("descend", "the factor 2 is missing")(1.0, 0.25, 1) == 0.75
    assert named("descend", "an addition where a subtraction belongs")(1.0, 0.25, 1) == 1.5


def test_a_boundary_comparison_is_named_by_what_the_learner_wrote():
    # The reference tests z > 0; its variant tests z ≥ 0 and differs on the boundary alone. Like every
    # other name ("an addition where a subtraction belongs"), the name says what was written where what belongs.
    step = reference("step")
    boundary = [mutant for mutant in of("step") if mutant.kind == "boundary"]
    assert len(boundary) == 1
    assert (step(0.0), boundary[0].function(0.0)) == (0.0, 1.0)
    assert (step(2.0), boundary[0].function(2.0)) == (1.0, 1.0)
    assert boundary[0].name == "≥ where > belongs: the case on the boundary falls on the wrong side"
    # Only on the boundary can the edit change anything: the reference, watched, says where that is.
    assert (boundary[0].on_boundary(0.0), boundary[0].on_boundary(2.0)) == (True, False)
    assert all(mutant.on_boundary is None for mutant in of("step") if mutant.kind != "boundary")
    for written, right in ((">", "≥"), ("<", "≤"), ("<=", "<"), (">=", ">")):
        source = f"def f(z):\n    if z {written} 0:\n        return 1.0\n    return 0.0\n"
        (edit,) = [mutant for mutant in mutants(source, "f", {}) if mutant.kind == "boundary"]
        shown = {">=": "≥", "<=": "≤"}.get(written, written)
        assert edit.name.startswith(f"{right} where {shown} belongs:"), (written, edit.name)


def test_a_special_case_dropped_and_a_test_reversed_are_named():
    assert named("step", "a special case is not handled (a test the exercise asks for is missing)")(2.0) == 0.0
    source = ("def inverse(x):\n    if x == 0:\n        raise ValueError('no inverse')\n    return 1 / x\n")
    found = {mutant.name: mutant.function for mutant in mutants(source, "inverse", {})}
    with pytest.raises(ValueError):
        found["a test is reversed (≠ where = belongs)"](2.0)
    with pytest.raises(ZeroDivisionError):
        found["a special case is not handled (a test the exercise asks for is missing)"](0)


def test_arguments_of_a_call_exchanged_are_named_by_the_function_called():
    def rise_over_run(rise, run):
        return rise / run

    source = "def secant(f, x1, x2):\n    return rise_over_run(f(x2) - f(x1), x2 - x1)\n"
    found = {mutant.name: mutant.function for mutant in mutants(source, "secant", {"rise_over_run": rise_over_run})}
    assert found["the arguments of rise_over_run are in the wrong order"](np.square, 1.0, 3.0) == 2 / 8


# --- names in the learner's terms ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LOCALS))
def test_local_variable_names_of_the_reference_never_appear_in_names(name):
    found = of(name)
    assert found
    for mutant in found:
        for local in LOCALS[name]:
            assert not re.search(rf"\b{local}\b", mutant.name), (local, mutant.name)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_every_mutant_is_a_function_of_the_same_signature_and_kind(name):
    found = of(name)
    assert found and all(isinstance(mutant, Mutant) and mutant.kind in RANKS for mutant in found)
    assert all(mutant.function.__name__ == name for mutant in found)
    parameters = reference(name).__code__.co_varnames[:reference(name).__code__.co_argcount]
    assert all(m.function.__code__.co_varnames[:m.function.__code__.co_argcount] == parameters for m in found)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_no_two_mutants_are_the_same_code(name):
    codes = [(m.function.__code__.co_code, m.function.__code__.co_consts, m.function.__code__.co_names)
             for m in of(name)]
    assert len(codes) == len(set(codes))


def test_the_namespace_given_is_left_as_it_was():
    namespace = {"np": np}
    mutants(PREDICT, "predict", namespace)
    assert namespace == {"np": np}


def test_the_docstring_is_never_edited():
    for mutant in of("slope"):
        assert mutant.function.__doc__ == "Rise over run of the line through (x1, y1) and (x2, y2)."


# --- the same code from two edits ----------------------------------------------------------------------------------


def test_identical_code_from_two_edits_keeps_the_better_ranked_name():
    # w @ X + b is both "the two factors of a matrix product are exchanged" and "X and w are exchanged".
    found = of("predict")
    names = [mutant.name for mutant in found]
    assert "X and w are exchanged" in names
    assert "the two factors of a matrix product are exchanged" not in names
    assert RANKS.index("exchanged") < RANKS.index("sides")
    # b − a is both the sides of the difference exchanged and a and b exchanged; the first edit made is the worse.
    difference = mutants("def f(a, b):\n    return a - b\n", "f", {})
    assert [m.name for m in difference if m.function(5, 2) == -3] == ["a and b are exchanged"]


def test_a_better_ranked_name_replaces_the_name_of_an_edit_made_before_it():
    # Exchanging the arguments of g(a, b) and exchanging a and b both make g(b, a); a / b upside down is
    # b / a, a and b exchanged. The call's and the operator's edits are made first; "exchanged" ranks first.
    found = mutants("def f(a, b):\n    return g(a, b)\n", "f", {"g": lambda a, b: a - 2 * b})
    assert [m.name for m in found if m.function(1, 10) == 10 - 2] == ["a and b are exchanged"]
    assert "the arguments of g are in the wrong order" not in {m.name for m in found}
    quotient = mutants("def f(a, b):\n    return a / b\n", "f", {})
    assert [m.name for m in quotient if m.function(2, 8) == 4.0] == ["a and b are exchanged"]
