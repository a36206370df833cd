import math

import numpy as np
import pytest

from course.checks import (
    Check,
    CheckFailed,
    HiddenReference,
    Mistake,
    Numerical,
    call_all,
    check,
    evaluate,
    gradient_check,
    judge,
    one_over_n_missing,
)


def J(a, b, c):
    return 3 * (a + b * c)


def right_dJ_db(a, b, c):
    return 3 * c


def random_abc(rng):
    return tuple(rng.uniform(-5, 5, 3).round(3).tolist())


USED_B_FOR_C = Mistake("b used where c belongs", lambda e, a, b, c: 3 * b)


def test_a_right_function_passes_and_says_so(capsys):
    check(right_dJ_db, points=[(5, 3, 2)], expected=[6])
    assert "✓ right_dJ_db: right at the 1 point checked." in capsys.readouterr().out


def test_a_wrong_value_fails_with_point_returned_and_expected():
    def dJ_db(a, b, c):
        return 3 * b

    with pytest.raises(CheckFailed) as failure:
        check(dJ_db, points=[(1, 2, 4)], expected=[12])
    message = str(failure.value)
    assert "a=1, b=2, c=4" in message and "you returned 6" in message and "the right value is 12" in message


@pytest.mark.parametrize(
    ("wrong", "mistake_name"),
    [
        (lambda a, b, c: 3 * b, "b used where c belongs"),
        (lambda a, b, c: -3 * c, "the sign is flipped"),
        (lambda a, b, c: 1.5 * c, "a factor 2 is missing"),
    ],
)
def test_known_mistakes_are_named(wrong, mistake_name):
    result = gradient_check(wrong, J, random_abc, wrt=1, count=6, seed=4, mistakes=(USED_B_FOR_C,))
    assert not result.passed
    assert result.mistake is not None and mistake_name in result.mistake.name
    assert mistake_name in result.message


def test_an_unknown_mistake_is_not_given_a_name():
    result = gradient_check(lambda a, b, c: c + 1, J, random_abc, wrt=1, mistakes=(USED_B_FOR_C,))
    assert not result.passed and result.mistake is None
    assert "known mistake" not in result.message


def test_gradient_check_reports_component_values_point_and_relative_error():
    def f(w):
        return np.sum(w**2) + w[1, 0] ** 3

    def almost_gradient(w):
        g = 2 * w
        return g  # forgets the w[1, 0]**3 term

    point = np.array([[1.0, 2.0], [3.0, 4.0]])
    result = gradient_check(almost_gradient, f, [point])
    failure = result.failures[0]
    assert failure.component == (1, 0)
    assert failure.returned[1, 0] == pytest.approx(6.0)
    assert failure.expected[1, 0] == pytest.approx(6.0 + 27.0, rel=1e-6)
    assert failure.relative_error == pytest.approx(27 / 33, rel=1e-4)
    np.testing.assert_array_equal(failure.point[0], point)
    assert "(entry [1, 0])" in result.message and "a numerical derivative gives 33" in result.message


def test_transposed_and_missing_mean_are_recognised():
    X = np.arange(6.0).reshape(3, 2)

    def gram(X):
        return X.T @ X / len(X)

    sums = evaluate(Check([X], gram, mistakes=(one_over_n_missing(0),)), lambda X: X.T @ X)
    assert "1/n" in sums.mistake.name

    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transposed" in evaluate(Check([square], lambda A: A), lambda A: A.T).mistake.name
    # A transposed rectangle already fails on its shape, and the message says which shape is right.
    rectangle = np.arange(6.0).reshape(2, 3)
    assert "shape (3, 2); the right shape is (2, 3)" in evaluate(Check([rectangle], lambda A: A), lambda A: A.T).message


class AlwaysEqual:
    def __eq__(self, other):
        return True


class SneakyFloat(float):
    pass


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        (AlwaysEqual(), "AlwaysEqual, not a number"),
        (SneakyFloat(6.0), "SneakyFloat, not a number"),
        (float("nan"), "not finite"),
        (float("inf"), "not finite"),
        (np.array([6.0]), "shape (1,)"),
        ("6", "str, not a number"),
        (True, "bool, not a number"),
        (None, "NoneType, not a number"),
    ],
)
def test_dishonest_or_malformed_answers_are_refused(returned, reason):
    result = evaluate(Check([(5, 3, 2)], [6.0]), lambda a, b, c: returned)
    assert not result.passed
    assert reason in result.message


def test_numpy_numbers_lists_and_ints_are_honest_answers():
    assert evaluate(Check([1], [6.0]), lambda x: np.float32(6.0)).passed
    assert evaluate(Check([1], [[1.0, 2.0]]), lambda x: [1, 2]).passed
    assert evaluate(Check([1], [6.0]), lambda x: 6).passed


def test_exceptions_become_verdicts_not_crashes():
    def not_yet(x):
        raise NotImplementedError()

    def broken(x):
        return 1 / 0

    assert "not implemented yet" in evaluate(Check([1], [1.0]), not_yet).message
    assert "raised ZeroDivisionError" in evaluate(Check([1], [1.0]), broken).message


def test_an_expected_exception_must_be_raised():
    def slope(x1, y1, x2, y2):
        return (y2 - y1) / (x2 - x1)

    def careful_slope(x1, y1, x2, y2):
        if x1 == x2:
            raise ValueError("vertical")
        return slope(x1, y1, x2, y2)

    failed = evaluate(Check([(2, 0, 2, 5)], [ValueError]), slope)
    assert "must raise ValueError" in failed.message and "ZeroDivisionError" in failed.message
    assert evaluate(Check([(2, 0, 2, 5)], [ValueError]), careful_slope).passed
    assert not evaluate(Check([(2, 0, 2, 5)], [ValueError]), lambda *p: math.inf).passed


def test_hidden_reference_values_never_appear_in_messages():
    reference = HiddenReference(lambda a, b, c: 3 * c + 1000.125)
    result = evaluate(Check(random_abc, reference, count=3, seed=9), right_dJ_db)
    assert not result.passed
    assert "1000" not in result.message and "right value" not in result.message
    assert "you returned" in result.message


def test_seeded_points_are_reproducible_and_differ_by_seed():
    spec = Check(random_abc, Numerical(J, 1), count=4, seed=7)
    assert spec.draw() == spec.draw()
    assert spec.draw() != spec.draw(seed=8)


def test_the_three_steps_split_cleanly():
    # What the grader will do: draw and judge in its own process, call in the learner's.
    spec = Check(random_abc, Numerical(J, wrt=2), count=5, seed=1, mistakes=(USED_B_FOR_C,))
    points = spec.draw(seed=123)
    outcomes = call_all(lambda a, b, c: 3 * b, points)
    result = judge(spec, points, outcomes, "dJ_dc", ["a", "b", "c"])
    assert result.passed  # dJ/dc = 3b
    assert judge(spec, points, call_all(lambda a, b, c: -3 * b, points)).mistake.name.startswith("the sign")


def test_arguments_are_copied_so_mutation_cannot_spoil_a_check():
    w = np.array([1.0, 2.0])

    def mutating(v):
        v *= 0
        return 2.0

    spec = Check([w, w], [2.0, 2.0])
    assert evaluate(spec, mutating).passed
    np.testing.assert_array_equal(w, [1.0, 2.0])


def test_a_table_of_the_wrong_length_is_an_authoring_error():
    with pytest.raises(ValueError, match="2 expected values for 1 points"):
        evaluate(Check([1], [1.0, 2.0]), lambda x: x)


def test_symbolic_checks_accept_any_correct_form_and_name_mistakes():
    import sympy

    x, h = sympy.symbols("x h")
    spec = Check([x**2, x**3 + 2 * x], lambda e: sympy.diff(e, x), symbolic=True,
                 mistakes=(Mistake("the limit h → 0 is not taken", lambda right, e: (e.subs(x, x + h) - e) / h),))

    assert evaluate(spec, lambda e: sympy.diff(e, x)).passed
    assert evaluate(spec, lambda e: sympy.expand(sympy.diff(e, x) * (x + 1) / (x + 1))).passed

    unfinished = evaluate(spec, lambda e: sympy.simplify((e.subs(x, x + h) - e) / h))
    assert not unfinished.passed and "the limit h → 0 is not taken" in unfinished.message
    assert "does not simplify to the right answer" in unfinished.message
    assert "not a SymPy expression" in evaluate(spec, lambda e: "2*x").message
    assert "the sign is flipped" in evaluate(spec, lambda e: -sympy.diff(e, x)).message


def test_points_name_the_parameters_even_when_defaults_are_left_out():
    def derivative(f, x, h=1e-5):
        return 0.0

    assert "At f=exp, x=0.5:" in evaluate(Check([(np.exp, 0.5)], [1.0]), derivative).message


def test_wrong_shapes_of_the_right_numbers_are_named():
    X = np.arange(6.0).reshape(3, 2)
    y = np.array([1.0, 0.0, 2.0])

    def gradient(X, y):
        return X.T @ y / len(y)

    column = evaluate(Check([(X, y)], gradient), lambda X, y: (X.T @ y / len(y)).reshape(-1, 1))
    assert "shape (2, 1); the right shape is (2,)" in column.message
    assert "wrong shape" in column.mistake.name

    rectangle = np.arange(6.0).reshape(2, 3)
    flipped = evaluate(Check([rectangle], lambda A: A * 2), lambda A: (A * 2).T)
    assert "transposed" in flipped.mistake.name


def test_tuples_of_different_shapes_are_compared_part_by_part():
    def step(w, b, dw, db, eta):
        return w - eta * dw, b - eta * db

    uphill_step = Mistake("the step goes uphill", lambda e, w, b, dw, db, eta: (w + eta * dw, b + eta * db))
    spec = Check([(np.array([1.0, 2.0]), 0.5, np.array([10.0, -10.0]), 2.0, 0.1)], step, mistakes=(uphill_step,))
    assert evaluate(spec, step).passed
    assert evaluate(spec, lambda *a: list(step(*a))).passed  # a list is as good as a tuple

    uphill = evaluate(spec, lambda w, b, dw, db, eta: (w + eta * dw, b + eta * db))
    assert "in part 0 of the tuple you returned 2 (entry [0])" in uphill.message
    assert "the step goes uphill" in uphill.mistake.name

    assert "a tuple of 2" in evaluate(spec, lambda *a: step(*a)[0]).message
    assert "in part 1 of the tuple you returned a value that is not finite" in evaluate(
        spec, lambda *a: (step(*a)[0], float("nan"))).message


def test_a_stable_check_fails_functions_that_overflow():
    def naive_sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def stable_sigmoid(z):
        return np.exp(-np.logaddexp(0, -z))

    spec = Check([-1000.0, 0.0, 1000.0], [0.0, 0.5, 1.0], atol=1e-12, stable=True)
    assert evaluate(spec, stable_sigmoid).passed
    overflowing = evaluate(spec, naive_sigmoid)
    assert "raised FloatingPointError: overflow" in overflowing.message
    with np.errstate(over="ignore"):  # not asked to be stable: the overflow is only a warning
        assert evaluate(Check([-1000.0], [0.0], atol=1e-12), naive_sigmoid).passed


def test_generic_mistakes_apply_to_each_part_of_a_tuple():
    X = np.array([[1.0, 2.0], [3.0, 5.0], [0.5, -1.0]])
    y = np.array([1.0, 0.0, 2.0])

    def gradients(X, y, w, b):
        error = X @ w + b - y
        return 2 * X.T @ error / len(y), 2 * np.mean(error)

    spec = Check([(X, y, np.array([0.5, -0.5]), 0.25)], gradients, mistakes=(one_over_n_missing(1),))
    flipped = evaluate(spec, lambda *a: tuple(-part for part in gradients(*a)))
    assert "the sign is flipped" in flipped.mistake.name
    halved = evaluate(spec, lambda *a: tuple(part / 2 for part in gradients(*a)))
    assert "factor 2 is missing" in halved.mistake.name
    summed = evaluate(spec, lambda *a: tuple(part * 3 for part in gradients(*a)))
    assert "1/n" in summed.mistake.name


def test_a_measure_compares_a_property_of_the_result():
    def falls(result):
        return float(np.sum(np.diff(result[1]) < 0))

    spec = Check([(5,)], [4.0], measure=falls)
    assert evaluate(spec, lambda steps: (0.0, np.linspace(10, 1, steps))).passed
    rising = evaluate(spec, lambda steps: (0.0, np.linspace(1, 10, steps)))
    assert "measured by falls, you returned 0" in rising.message
    assert "could not be used" in evaluate(spec, lambda steps: 3.0).message


def test_a_mistake_is_named_when_it_explains_most_failures():
    def upside_down(x1, y1, x2, y2):
        return (x2 - x1) / (y2 - y1)

    run_over_rise = Mistake("run over rise", lambda e, x1, y1, x2, y2: (x2 - x1) / (y2 - y1))
    spec = Check([(0, 0, 1, 2), (0, 0, 2, 3), (0, 1, 1, 1), (1, 0, 4, 5)], lambda x1, y1, x2, y2: (y2 - y1) / (x2 - x1),
                 mistakes=(run_over_rise,))
    result = evaluate(spec, upside_down)  # at (0, 1, 1, 1) it divides by zero: the other failures still name it
    assert len(result.failures) == 4 and result.mistake is run_over_rise
    assert evaluate(spec, lambda *p: 7.0).mistake is None
