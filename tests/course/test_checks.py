"""Checks: messages, refusals, exceptions as verdicts, naming mistakes from variants, and check-file records."""

import json
import math

import numpy as np
import pytest
import sympy
from numpy.polynomial import Polynomial

from course.checks import (
    RESHAPED,
    Check,
    CheckFailed,
    Numerical,
    Outcome,
    Variant,
    call_all,
    check,
    evaluate,
    gradient_check,
    judge,
)


def J(a, b, c):
    return 3 * (a + b * c)


def right_dJ_db(a, b, c):
    return 3 * c


def random_abc(rng):
    return tuple(rng.uniform(-5, 5, 3).round(3).tolist())


def values(function, points):
    """The outcomes of `function` at `points`, as a variant carries them."""
    return tuple(call_all(function, points))


def variant(name, function, points, tier=0):
    return Variant(name, values(function, points), tier)


POINTS = [(1.0, 2.0, 4.0), (0.5, -1.0, 3.0), (2.0, 5.0, -2.0)]


def dJ_db_check(*variants, **options):
    """dJ/db at fixed points, with the given variants."""
    return Check(POINTS, [3 * c for _, _, c in POINTS], variants=variants, **options)


def b_for_c(a, b, c):
    return 3 * b


# --- messages ---------------------------------------------------------------------------------------------------


def test_a_right_function_passes_and_says_so():
    result = evaluate(Check([(5, 3, 2)], [6]), right_dJ_db)
    assert result.passed
    assert result.message == "✓ right_dJ_db: right at the 1 point checked."
    assert evaluate(dJ_db_check(), right_dJ_db).message == "✓ right_dJ_db: right at all 3 points checked."


def test_a_wrong_value_fails_with_point_returned_and_expected():
    def dJ_db(a, b, c):
        return 3 * b

    result = evaluate(Check([(1, 2, 4)], [12]), dJ_db)
    assert not result.passed
    message = result.message
    assert message.startswith("✗ dJ_db: wrong at 1 of 1 point checked.")
    assert "At a=1, b=2, c=4:" in message and "you returned 6" in message and "the right value is 12" in message


def test_a_failed_check_shows_its_message_instead_of_a_traceback():
    lines = CheckFailed("✗ f: wrong at 1 of 3 points checked.\nAt x=1: you returned 2.")._render_traceback_()
    assert lines == ["\x1b[0;31mCheckFailed\x1b[0m: ✗ f: wrong at 1 of 3 points checked.", "At x=1: you returned 2."]
    assert isinstance(CheckFailed("x"), AssertionError)


def test_told_says_how_the_expected_value_is_introduced():
    result = evaluate(Check([(1, 2, 4)], [12], told="a numerical derivative gives"), b_for_c)
    assert "a numerical derivative gives 12" in result.message and "right value" not in result.message


def test_gradient_check_reports_component_values_point_and_relative_error():
    def f(w):
        return np.sum(w**2) + w[1, 0] ** 3

    def almost_gradient(w):
        return 2 * w  # forgets the w[1, 0]**3 term

    point = np.array([[1.0, 2.0], [3.0, 4.0]])
    result = gradient_check(almost_gradient, f, [point], told="a numerical derivative gives")
    failure = result.failures[0]
    assert failure.component == (1, 0)
    assert failure.returned[1, 0] == pytest.approx(6.0)
    assert failure.expected[1, 0] == pytest.approx(6.0 + 27.0, rel=1e-6)
    assert failure.relative_error == pytest.approx(27 / 33, rel=1e-4)
    np.testing.assert_array_equal(failure.point[0], point)
    assert "(entry [1, 0])" in result.message and "a numerical derivative gives 33" in result.message


def test_numerical_differentiates_with_respect_to_the_named_argument():
    assert Numerical(J, wrt=1)(1.0, 2.0, 4.0) == pytest.approx(12.0, rel=1e-6)
    assert Numerical(J, wrt=2)(1.0, 2.0, 4.0) == pytest.approx(6.0, rel=1e-6)
    assert isinstance(Numerical(J, wrt=0)(1.0, 2.0, 4.0), float)
    np.testing.assert_allclose(Numerical(lambda w: np.sum(w**2))(np.array([1.0, -2.0])), [2.0, -4.0], rtol=1e-6)


def test_points_name_the_parameters_even_when_defaults_are_left_out():
    def derivative(f, x, h=1e-5):
        return 0.0

    assert "At f=exp, x=0.5:" in evaluate(Check([(np.exp, 0.5)], [1.0]), derivative).message


# --- dishonest or malformed answers ------------------------------------------------------------------------------


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
        (np.array(["6"]), "ndarray, not a number"),
    ],
)
def test_dishonest_or_malformed_answers_are_refused(returned, reason):
    result = evaluate(Check([(5, 3, 2)], [6.0]), lambda a, b, c: returned)
    assert not result.passed
    assert reason in result.message


def test_a_dishonest_answer_is_not_explained_by_any_variant():
    # An object equal to everything must not "reproduce" a variant's values either.
    spec = dJ_db_check(variant("b used where c belongs", b_for_c, POINTS))
    result = evaluate(spec, lambda a, b, c: AlwaysEqual())
    assert not result.passed and result.mistake is None


def test_numpy_numbers_lists_and_ints_are_honest_answers():
    assert evaluate(Check([1], [6.0]), lambda x: np.float32(6.0)).passed
    assert evaluate(Check([1], [[1.0, 2.0]]), lambda x: [1, 2]).passed
    assert evaluate(Check([1], [6.0]), lambda x: 6).passed


# --- exceptions ---------------------------------------------------------------------------------------------------


def test_exceptions_become_verdicts_not_crashes():
    def not_yet(x):
        raise NotImplementedError()

    def broken(x):
        return 1 / 0

    def leaving(x):
        raise SystemExit(3)

    assert "not implemented yet" in evaluate(Check([1], [1.0]), not_yet).message
    assert "raised ZeroDivisionError: division by zero" in evaluate(Check([1], [1.0]), broken).message
    assert "raised SystemExit" in evaluate(Check([1], [1.0]), leaving).message


def test_an_exception_whose_message_cannot_be_shown_is_still_a_verdict():
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no")

    def raising(x):
        raise Unprintable()

    assert "could not be shown" in evaluate(Check([1], [1.0]), raising).message


def test_not_implemented_is_never_given_a_mistake_name():
    def not_yet(a, b, c):
        raise NotImplementedError()

    # Even a variant that raises NotImplementedError too would "explain" it: no name for unwritten code.
    spec = dJ_db_check(Variant("nothing", tuple(Outcome(error=NotImplementedError) for _ in POINTS)))
    result = evaluate(spec, not_yet)
    assert result.mistake is None and "not implemented yet" in result.message


def test_an_expected_exception_must_be_raised():
    def slope(x1, y1, x2, y2):
        return (y2 - y1) / (x2 - x1)

    def careful_slope(x1, y1, x2, y2):
        if x1 == x2:
            raise ValueError("vertical")
        return slope(x1, y1, x2, y2)

    class VerticalError(ValueError):
        pass

    def subclassing_slope(x1, y1, x2, y2):
        raise VerticalError("vertical")

    failed = evaluate(Check([(2, 0, 2, 5)], [ValueError]), slope)
    assert "must raise ValueError" in failed.message and "ZeroDivisionError" in failed.message
    assert evaluate(Check([(2, 0, 2, 5)], [ValueError]), careful_slope).passed
    assert evaluate(Check([(2, 0, 2, 5)], [ValueError]), subclassing_slope).passed
    returned = evaluate(Check([(2, 0, 2, 5)], [ValueError]), lambda *p: math.inf)
    assert not returned.passed and "you returned inf; this input must raise ValueError" in returned.message


def test_a_table_of_the_wrong_length_is_an_authoring_error():
    with pytest.raises(ValueError, match="2 expected values for 1 points"):
        evaluate(Check([1], [1.0, 2.0]), lambda x: x)


# --- copies, stability, measures -----------------------------------------------------------------------------------


def test_arguments_are_copied_so_mutation_cannot_spoil_a_check():
    w = np.array([1.0, 2.0])

    def mutating(v):
        v *= 0
        return 2.0

    def consuming(v):
        total = float(v.sum())
        v *= 0
        return total

    spec = Check([w, w], [2.0, 2.0])
    assert evaluate(spec, mutating).passed
    np.testing.assert_array_equal(w, [1.0, 2.0])
    # The second call sees the original, not what the first one left behind.
    assert evaluate(Check([w, w], [3.0, 3.0]), consuming).passed
    np.testing.assert_array_equal(w, [1.0, 2.0])


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


def test_a_measure_compares_a_property_of_the_result():
    def falls(result):
        return float(np.sum(np.diff(result[1]) < 0))

    spec = Check([(5,)], [4.0], measure=falls)
    assert evaluate(spec, lambda steps: (0.0, np.linspace(10, 1, steps))).passed
    rising = evaluate(spec, lambda steps: (0.0, np.linspace(1, 10, steps)))
    assert "measured by falls, you returned 0" in rising.message
    assert "could not be used" in evaluate(spec, lambda steps: 3.0).message


def test_a_measure_applies_to_the_variants_too():
    def falls(result):
        return float(np.sum(np.diff(result[1]) < 0))

    def uphill(steps):
        return 0.0, np.linspace(1, 10, steps)

    points = [(5,), (7,)]
    spec = Check(points, [4.0, 6.0], measure=falls, variants=(variant("the steps go uphill", uphill, points),))
    # Other numbers than the variant's, with the same property: still the same mistake.
    result = evaluate(spec, lambda steps: (1.0, np.arange(steps, dtype=float)))
    assert result.mistake is not None and result.mistake.name == "the steps go uphill"


# --- symbolic checks -----------------------------------------------------------------------------------------------


def test_symbolic_checks_accept_any_correct_form_and_name_variants():
    x, h = sympy.symbols("x h")
    points = [(x**2,), (x**3 + 2 * x,)]

    def no_limit(e):
        return (e.subs(x, x + h) - e) / h

    spec = Check(points, lambda e: sympy.diff(e, x), symbolic=True,
                 variants=(variant("the limit h → 0 is not taken", no_limit, points, tier=1),))

    assert evaluate(spec, lambda e: sympy.diff(e, x)).passed
    assert evaluate(spec, lambda e: sympy.expand(sympy.diff(e, x) * (x + 1) / (x + 1))).passed
    assert evaluate(spec, lambda e: 2 * x if e == x**2 else 3 * x**2 + 2).passed

    unfinished = evaluate(spec, lambda e: sympy.simplify((e.subs(x, x + h) - e) / h))
    assert not unfinished.passed and "the limit h → 0 is not taken" in unfinished.message
    assert "does not simplify to the right answer 2*x" in unfinished.message
    assert "not a SymPy expression" in evaluate(spec, lambda e: "2*x").message


def test_a_wrong_expression_no_variant_explains_is_a_verdict_with_generic_names():
    x = sympy.Symbol("x")
    spec = Check([(x**2,), (x**3,)], lambda e: sympy.diff(e, x), symbolic=True)
    flipped = evaluate(spec, lambda e: -sympy.diff(e, x))
    assert not flipped.passed and flipped.mistake.name == "the sign is flipped"
    doubled = evaluate(spec, lambda e: 2 * sympy.diff(e, x))
    assert doubled.mistake.name == "there is an extra factor 2"
    unrelated = evaluate(spec, lambda e: e)
    assert not unrelated.passed and unrelated.mistake is None
    assert "you returned x**2, which does not simplify to the right answer 2*x" in unrelated.message


def test_a_hidden_symbolic_check_does_not_show_the_answer():
    x = sympy.Symbol("x")
    points = [(x**3,)]
    spec = Check(points, lambda e: sympy.diff(e, x), symbolic=True, told="",
                 variants=(variant("the power is not lowered", lambda e: 3 * e, points),))
    result = evaluate(spec, lambda e: 3 * x**3)
    assert not result.passed and result.mistake.name == "the power is not lowered"
    assert "not equivalent to the right answer" in result.message and "3*x**2" not in result.message


# --- hidden values ------------------------------------------------------------------------------------------------


def test_hidden_expected_values_never_appear_in_messages():
    def reference(a, b, c):
        return 3 * c + 1000.125

    result = evaluate(Check(random_abc, reference, count=3, seed=9, told=""), right_dJ_db)
    assert not result.passed and not result.shows_expected
    assert "1000" not in result.message and "right value" not in result.message
    assert "you returned" in result.message


def test_hidden_values_are_not_shown_in_parts_of_a_tuple_either():
    def step(w, b):
        return w + 1000.5, b + 2000.25

    result = evaluate(Check([(np.array([1.0, 2.0]), 0.5)], step, told=""), lambda w, b: (w, b))
    assert "in part 0 of the tuple you returned 1" in result.message
    assert "1001" not in result.message and "right value" not in result.message


# --- points ------------------------------------------------------------------------------------------------------


def test_seeded_points_are_reproducible_and_differ_by_seed():
    spec = Check(random_abc, Numerical(J, 1), count=4, seed=7)
    assert spec.draw() == spec.draw()
    assert len(spec.draw()) == 4
    assert spec.draw() != spec.draw(seed=8)
    assert spec.draw() == Check(random_abc, None, count=4, seed=7).draw()


def test_single_points_become_argument_tuples():
    assert Check([1, (2, 3)], None).draw() == [(1,), (2, 3)]


def test_the_three_steps_split_cleanly():
    # What the grader does: draw and judge in its own process, call in the learner's.
    spec = Check(random_abc, Numerical(J, wrt=2), count=5, seed=1)
    points = spec.draw(seed=123)
    outcomes = call_all(lambda a, b, c: 3 * b, points)
    result = judge(spec, points, outcomes, "dJ_dc", ["a", "b", "c"])
    assert result.passed and result.name == "dJ_dc"  # dJ/dc = 3b
    flipped = judge(spec, points, call_all(lambda a, b, c: -3 * b, points))
    assert flipped.mistake.name == "the sign is flipped" and flipped.mistake.tier == 2


# --- shapes and tuples ---------------------------------------------------------------------------------------------


def test_transposed_answers_are_named_and_rectangles_fail_on_shape():
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    transposed = evaluate(Check([square], lambda A: A), lambda A: A.T)
    assert "transposed" in transposed.mistake.name
    # A transposed rectangle already fails on its shape, and the message says which shape is right.
    rectangle = np.arange(6.0).reshape(2, 3)
    wrong = evaluate(Check([rectangle], lambda A: A * 2), lambda A: (A * 2).T)
    assert "shape (3, 2); the right shape is (2, 3)" in wrong.message
    assert "transposed" in wrong.mistake.name


def test_wrong_shapes_of_the_right_numbers_are_named():
    X = np.arange(6.0).reshape(3, 2)
    y = np.array([1.0, 0.0, 2.0])

    def gradient(X, y):
        return X.T @ y / len(y)

    column = evaluate(Check([(X, y)], gradient), lambda X, y: (X.T @ y / len(y)).reshape(-1, 1))
    assert "shape (2, 1); the right shape is (2,)" in column.message
    assert column.mistake.name == RESHAPED
    assert evaluate(Check([(X, y)], gradient), lambda X, y: np.zeros((2, 1))).mistake is None


def test_tuples_of_different_shapes_are_compared_part_by_part():
    def step(w, b, dw, db, eta):
        return w - eta * dw, b - eta * db

    def uphill_step(w, b, dw, db, eta):
        return w + eta * dw, b + eta * db

    points = [(np.array([1.0, 2.0]), 0.5, np.array([10.0, -10.0]), 2.0, 0.1)]
    spec = Check(points, step, variants=(variant("the step goes uphill", uphill_step, points, tier=1),))
    assert evaluate(spec, step).passed
    assert evaluate(spec, lambda *a: list(step(*a))).passed  # a list is as good as a tuple

    uphill = evaluate(spec, uphill_step)
    assert "in part 0 of the tuple you returned 2 (entry [0])" in uphill.message
    assert uphill.mistake.name == "the step goes uphill"

    assert "a tuple of 2" in evaluate(spec, lambda *a: step(*a)[0]).message
    assert "a tuple of 3 values; the right answer is a tuple of 2" in evaluate(spec, lambda *a: (*step(*a), 0)).message
    assert "in part 1 of the tuple you returned a value that is not finite" in evaluate(
        spec, lambda *a: (step(*a)[0], float("nan"))).message


def test_generic_mistakes_apply_to_each_part_of_a_tuple():
    X = np.array([[1.0, 2.0], [3.0, 5.0], [0.5, -1.0]])
    y = np.array([1.0, 0.0, 2.0])

    def gradients(X, y, w, b):
        error = X @ w + b - y
        return 2 * X.T @ error / len(y), 2 * np.mean(error)

    def summed(X, y, w, b):
        return tuple(part * len(y) for part in gradients(X, y, w, b))

    points = [(X, y, np.array([0.5, -0.5]), 0.25)]
    spec = Check(points, gradients, variants=(variant("the sum where the mean belongs (the 1/n is missing)",
                                                       summed, points),))
    assert evaluate(spec, lambda *a: tuple(-part for part in gradients(*a))).mistake.name == "the sign is flipped"
    assert "factor 2 is missing" in evaluate(spec, lambda *a: tuple(part / 2 for part in gradients(*a))).mistake.name
    assert "extra factor 2" in evaluate(spec, lambda *a: tuple(part * 2 for part in gradients(*a))).mistake.name
    assert "1/n" in evaluate(spec, summed).mistake.name
    # One part right and the other flipped is no single relation to the right value.
    half = evaluate(spec, lambda *a: (gradients(*a)[0], -gradients(*a)[1]))
    assert not half.passed and half.mistake is None


# --- naming mistakes from variants ---------------------------------------------------------------------------------


def test_a_variant_that_reproduces_every_point_is_named():
    named = variant("b used where c belongs", b_for_c, POINTS)
    result = evaluate(dJ_db_check(named), b_for_c)
    assert not result.passed and len(result.failures) == len(POINTS)
    assert result.mistake == named
    assert result.message.endswith("This is the known mistake: b used where c belongs.")


def test_an_answer_no_variant_reproduces_is_not_named():
    result = evaluate(dJ_db_check(variant("b used where c belongs", b_for_c, POINTS)), lambda a, b, c: c + 1)
    assert not result.passed and result.mistake is None
    assert "known mistake" not in result.message


def test_rivals_that_reproduce_the_same_values_give_no_name():
    # Both reproduce -3c, so which one the learner made cannot be told: no name, not even the generic one.
    first = variant("the sign of c is flipped", lambda a, b, c: 3 * -c, POINTS)
    second = variant("the difference is the wrong way round", lambda a, b, c: -3 * c, POINTS)
    result = evaluate(dJ_db_check(first, second), lambda a, b, c: -3 * c)
    assert not result.passed and result.mistake is None
    assert "known mistake" not in result.message


def test_variants_of_one_name_that_all_reproduce_the_values_name_it():
    twice = [variant("a term of the sum is missing", lambda a, b, c: 0.0 * c, POINTS),
             variant("a term of the sum is missing", lambda a, b, c: 0 * b, POINTS)]
    result = evaluate(dJ_db_check(*twice), lambda a, b, c: 0.0)
    assert result.mistake is not None and result.mistake.name == "a term of the sum is missing"


def test_a_variant_that_explains_only_some_failing_points_is_not_named():
    def upside_down(x1, y1, x2, y2):
        return (x2 - x1) / (y2 - y1)

    def slope(x1, y1, x2, y2):
        return (y2 - y1) / (x2 - x1)

    points = [(0, 0, 1, 2), (0, 0, 2, 3), (0, 1, 1, 1), (1, 0, 4, 5)]
    spec = Check(points, slope, variants=(variant("run over rise", upside_down, points, tier=1),))

    # The variant divides by zero at (0, 1, 1, 1) as well: an exception is an outcome it reproduces.
    named = evaluate(spec, upside_down)
    assert len(named.failures) == 4 and named.mistake.name == "run over rise"

    def mostly_upside_down(x1, y1, x2, y2):
        return 5.0 if (x1, y1) == (0, 1) else upside_down(x1, y1, x2, y2)

    partly = evaluate(spec, mostly_upside_down)  # three of four failures explained: not enough
    assert len(partly.failures) == 4 and partly.mistake is None
    assert evaluate(spec, lambda *p: 7.0).mistake is None


def test_a_variant_must_also_reproduce_the_points_where_the_answer_is_right():
    def right_at_first(a, b, c):
        return 3 * c if (a, b, c) == POINTS[0] else 3 * b

    # b_for_c is wrong at POINTS[0] too, where this answer is right: it does not explain this answer.
    result = evaluate(dJ_db_check(variant("b used where c belongs", b_for_c, POINTS)), right_at_first)
    assert not result.passed and result.mistake is None


def test_tiers_are_asked_in_order():
    def flipped(a, b, c):
        return -3 * c

    edit = variant("the two sides of a difference are exchanged", flipped, POINTS, tier=0)
    misconception = variant("the step goes uphill", flipped, POINTS, tier=1)
    # A one-edit variant comes before the instructor's misconception, whatever their order in the check...
    assert evaluate(dJ_db_check(misconception, edit), flipped).mistake == edit
    # ... a misconception before the generic relations to the right value ...
    assert evaluate(dJ_db_check(misconception), flipped).mistake == misconception
    # ... and the generic relations come last.
    generic = evaluate(dJ_db_check(), flipped).mistake
    assert generic.name == "the sign is flipped" and generic.tier == 2


def test_a_tier_with_a_variant_that_reproduces_everything_decides():
    def flipped(a, b, c):
        return -3 * c

    rivals = [variant("one edit", flipped, POINTS, tier=0), variant("another edit", flipped, POINTS, tier=0)]
    unrelated = variant("b used where c belongs", b_for_c, POINTS, tier=0)
    misconception = variant("the step goes uphill", flipped, POINTS, tier=1)
    # Rivals at tier 0 leave no name, even though tier 1 and the sign flip would each explain the values.
    assert evaluate(dJ_db_check(*rivals, unrelated, misconception), flipped).mistake is None
    # A tier in which nothing reproduces the values does not decide: the next one is asked.
    assert evaluate(dJ_db_check(unrelated, misconception), flipped).mistake == misconception


def test_unknown_outcomes_of_a_variant_match_anything():
    def wrong(a, b, c):
        return 3 * b if c > 0 else 99.0

    outcomes = tuple(Outcome(value=3 * b) if c > 0 else None for _, b, c in POINTS)
    assert None in outcomes
    partly_known = Variant("b used where c belongs", outcomes, 1)
    result = evaluate(dJ_db_check(partly_known), wrong)
    assert result.mistake == partly_known
    # Where the outcome is known it must still be reproduced.
    assert evaluate(dJ_db_check(partly_known), lambda a, b, c: 99.0).mistake is None


def test_variants_may_be_computed_only_when_needed():
    asked = []

    def variants(points, learner):
        asked.append((points, learner))
        return [variant("b used where c belongs", b_for_c, points)]

    spec = Check(POINTS, [3 * c for _, _, c in POINTS], variants=variants)
    assert evaluate(spec, right_dJ_db).passed and asked == []
    assert evaluate(spec, b_for_c).mistake.name == "b used where c belongs"
    # Told what the learner's function did, so that it may stop running a variant that cannot explain it.
    assert asked == [(POINTS, [Outcome(value=b_for_c(*point)) for point in POINTS])]


def test_a_variant_can_reproduce_an_exception():
    def careless(x):
        return 1 / x

    spec = Check([(0.0,), (2.0,)], [ValueError, 0.5],
                 variants=(Variant("division by zero is not handled",
                                   (Outcome(error=ArithmeticError), Outcome(value=0.5))),))
    result = evaluate(spec, careless)  # ZeroDivisionError is an ArithmeticError
    assert result.mistake is not None and result.mistake.name == "division by zero is not handled"


# --- check files: record and from_record ---------------------------------------------------------------------------


def round_trip(spec, function="f"):
    """The check a record of `spec` describes, after going through JSON as a check file holds it."""
    record = json.loads(json.dumps(spec.record(function)))
    assert record["function"] == function
    return record, Check.from_record(record)


def same_verdict(first, second, function):
    a, b = evaluate(first, function), evaluate(second, function)
    assert (a.passed, a.message, a.mistake and a.mistake.name) == (b.passed, b.message, b.mistake and b.mistake.name)
    return b


def test_a_record_keeps_points_expected_values_exceptions_and_variants():
    def slope(x1, y1, x2, y2):
        if x1 == x2:
            raise ValueError("vertical")
        return (y2 - y1) / (x2 - x1)

    def upside_down(x1, y1, x2, y2):
        return (x2 - x1) / (y2 - y1)

    points = [(1, 2, 3, 10), (0, 5, 2, 1), (2, 0, 2, 5), (0, 1, 1, 1)]
    spec = Check(points, slope, variants=(variant("run over rise", upside_down, points, tier=1),
                                          variant("x1 and y1 are exchanged", lambda x1, y1, x2, y2:
                                                  slope(y1, x1, x2, y2), points)))
    record, back = round_trip(spec, "slope")
    assert back.points == points
    assert back.expected == [4.0, -2.0, ValueError, 0.0]
    assert [(v.name, v.tier) for v in back.variants] == [("run over rise", 1), ("x1 and y1 are exchanged", 0)]
    upside = back.variants[0].outcomes
    assert upside[0] == Outcome(value=0.25) and upside[2] == Outcome(value=0.0)
    assert upside[3].error is ZeroDivisionError and upside[3].value is None
    for function in (slope, upside_down, lambda *p: 1.0):
        same_verdict(spec, back, function)
    assert evaluate(back, upside_down).mistake.name == "run over rise"


def test_a_record_of_drawn_points_fixes_them():
    spec = Check(random_abc, right_dJ_db, count=4, seed=3)
    _, back = round_trip(spec)
    assert back.points == spec.draw() and len(back.points) == 4
    assert back.draw() == spec.draw()


def test_a_record_names_an_exception_by_its_nearest_builtin_class():
    class VerticalError(ValueError):
        pass

    def careful(x):
        raise VerticalError("vertical")

    record, back = round_trip(Check([(1.0,)], [2.0], variants=(variant("raises", careful, [(1.0,)]),)))
    assert record["variants"][0]["outcomes"] == [{"raises": "ValueError"}]
    assert back.variants[0].outcomes[0].error is ValueError


def test_a_record_leaves_out_variants_that_are_right_everywhere():
    right = variant("no mistake at all", right_dJ_db, POINTS)
    wrong = variant("b used where c belongs", b_for_c, POINTS)
    record, back = round_trip(dJ_db_check(right, wrong))
    assert [item["name"] for item in record["variants"]] == ["b used where c belongs"]
    assert [v.name for v in back.variants] == ["b used where c belongs"]


def test_a_record_keeps_unknown_outcomes_of_a_variant():
    outcomes = (Outcome(value=6.0), None, Outcome(value=15.0))
    _, back = round_trip(dJ_db_check(Variant("b used where c belongs", outcomes, 1)))
    assert back.variants[0].outcomes == outcomes


def test_a_record_keeps_the_options():
    spec = Check([(1.0,)], [np.abs(-2.0)], rtol=1e-3, atol=1e-5, told="a numerical derivative gives",
                 stable=True, measure=np.abs, by_hand=True, forbid=("course.derivatives.central_difference",))
    record, back = round_trip(spec)
    assert record["options"]["measure"] == {"numpy": "absolute"}
    assert (back.rtol, back.atol, back.told, back.stable, back.by_hand, back.symbolic) == (
        1e-3, 1e-5, "a numerical derivative gives", True, True, False)
    assert back.forbid == ("course.derivatives.central_difference",) and back.measure is np.abs
    assert evaluate(back, lambda x: -2.0).passed  # measured: |−2| is 2
    assert "a numerical derivative gives 2" in evaluate(back, lambda x: -3.0).message
    hidden = Check.from_record(json.loads(json.dumps(Check([(1.0,)], [2.0], told="").record("f"))))
    assert hidden.told == "" and not hidden.shows_expected


def test_a_record_keeps_sympy_expressions_and_symbolic_checks():
    x, h = sympy.symbols("x h")
    points = [(x**2,), (sympy.sin(x) * x,)]

    def no_limit(e):
        return (e.subs(x, x + h) - e) / h

    spec = Check(points, lambda e: sympy.diff(e, x), symbolic=True,
                 variants=(variant("the limit h → 0 is not taken", no_limit, points, tier=1),))
    _, back = round_trip(spec)
    assert back.symbolic and back.points == points
    assert back.expected == [2 * x, sympy.sin(x) + x * sympy.cos(x)]
    assert back.variants[0].outcomes[0].value == no_limit(x**2)
    assert evaluate(back, lambda e: sympy.diff(e, x)).passed
    assert evaluate(back, no_limit).mistake.name == "the limit h → 0 is not taken"


def test_a_record_keeps_functions_and_polynomials_as_points():
    def average_rate_of_change(f, x1, x2):
        return (f(x2) - f(x1)) / (x2 - x1)

    points = [(np.square, 1, 3), (np.exp, 0, 1), (Polynomial([1, -2, 0, 3]), -1.0, 2.0)]
    _, back = round_trip(Check(points, average_rate_of_change))
    assert back.points[0][0] is np.square and back.points[1][0] is np.exp
    polynomial = back.points[2][0]
    assert isinstance(polynomial, Polynomial) and polynomial == Polynomial([1, -2, 0, 3])
    assert back.expected[0] == 4.0 and back.expected[2] == pytest.approx(average_rate_of_change(*points[2]))
    assert "At f=square, x1=1, x2=3" in evaluate(back, lambda f, x1, x2: 0.0).message
    same_verdict(Check(points, average_rate_of_change), back, average_rate_of_change)


def test_a_record_keeps_arrays_of_ints_and_floats_and_tuples():
    def step(w, counts, eta):
        return w - eta * counts, int(counts.sum())

    points = [(np.array([0.5, -1.25]), np.array([1, 2]), 0.1), (np.array([[1.0], [2.0]]), np.array([[3], [4]]), 1)]
    spec = Check(points, step, variants=(variant("the step goes uphill",
                                                 lambda w, counts, eta: (w + eta * counts, int(counts.sum())),
                                                 points, tier=1),))
    _, back = round_trip(spec)
    for (w, counts, eta), (w_back, counts_back, eta_back) in zip(points, back.points, strict=True):
        assert w_back.dtype == np.float64 and counts_back.dtype.kind == "i"
        np.testing.assert_array_equal(w_back, w)
        np.testing.assert_array_equal(counts_back, counts)
        assert eta_back == eta and type(eta_back) is type(eta)
    first = back.expected[0]
    assert isinstance(first, tuple) and first[1] == 3
    np.testing.assert_allclose(first[0], [0.4, -1.45])
    assert back.variants[0].outcomes[1].value[0].shape == (2, 1)
    same_verdict(spec, back, step)
    assert evaluate(back, lambda w, counts, eta: (w + eta * counts, int(counts.sum()))).mistake.name == \
        "the step goes uphill"


# --- drawing a failed check --------------------------------------------------------------------------------------


def draw_beside(tmp_path, monkeypatch, made, grade_id="test_d_square_values", function="d_square"):
    """A check file in tmp_path (the notebook's folder) holding the check `made` of `function`."""
    from course import checkfile

    monkeypatch.chdir(tmp_path)
    checkfile.write(tmp_path / checkfile.VISIBLE, "test", {grade_id: made.record(function)})


def test_a_failed_check_of_one_input_can_be_drawn_with_its_right_values_and_a_numerical_derivative(tmp_path,
                                                                                                    monkeypatch):
    from course.checks import show_check

    draw_beside(tmp_path, monkeypatch, Check([0, 1, 2, 5, np.array([0.5, 4.0])], [0, 2, 4, 10, [1, 8]],
                                             derivative_of=np.square))

    def d_square(x):
        return 2 * x**2

    with pytest.raises(CheckFailed, match=r"show_check\(d_square, 'test_d_square_values'\)"):
        check(d_square, "test_d_square_values")
    figure = show_check(d_square, "test_d_square_values")
    (ax,) = figure.axes
    curves = {line.get_label(): line for line in ax.get_lines()}
    assert set(curves) == {"your d_square", "a numerical derivative", "the right value is"}
    dots = curves["the right value is"]
    assert list(dots.get_xdata()) == [0, 1, 2, 5] and list(dots.get_ydata()) == [0, 2, 4, 10]  # the array aside
    slope = curves["a numerical derivative"]
    np.testing.assert_allclose(slope.get_ydata(), 2 * np.asarray(slope.get_xdata()), atol=1e-8)  # 2x, by nudging
    mine = curves["your d_square"]
    np.testing.assert_allclose(mine.get_ydata(), 2 * np.asarray(mine.get_xdata()) ** 2)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_hidden_checks_and_checks_of_several_inputs_are_never_drawn(tmp_path, monkeypatch):
    from course.checks import show_check

    draw_beside(tmp_path, monkeypatch, Check([(1, 2), (3, 4)], [3, 7]), grade_id="test_add_values")
    with pytest.raises(CheckFailed, match="does not check a function of one number"):
        show_check(lambda a, b: a - b, "test_add_values")
    with pytest.raises(CheckFailed, match="test_d_square_hidden is a hidden check: its points and values are never "
                                          "shown"):
        show_check(lambda x: x, "test_d_square_hidden")


def test_a_failed_check_of_several_inputs_does_not_offer_a_drawing(tmp_path, monkeypatch):
    draw_beside(tmp_path, monkeypatch, Check([(1, 2), (3, 4)], [3, 7]), grade_id="test_add_values", function="add")

    def add(a, b):
        return a - b

    with pytest.raises(CheckFailed, match="wrong at 2 of 2 points") as failure:
        check(add, "test_add_values")
    assert "show_check" not in str(failure.value)


# --- calling an object through a function of course/ (Check.call) ---------------------------------------------------


def test_a_check_with_a_call_calls_the_object_through_it_and_names_the_points_by_its_parameters():
    from course.checks import point_names

    def probe(make, a, b):  # builds an object of the learner's from plain numbers, returns plain numbers
        return make(a).plus(make(b))

    class Box:
        def __init__(self, x):
            self.x = x

        def plus(self, other):
            return self.x + other.x

    checked = Check([(1.0, 2.0)], [3.0], call=probe)
    assert evaluate(checked, Box).passed
    assert point_names(checked, ["x"]) == ["a", "b"]
    assert not evaluate(Check([(1.0, 2.0)], [4.0], call=probe), Box).passed


@pytest.mark.parametrize("value", [2, 2.5, np.float32(2.5), np.int64(2)])
def test_plain_number_takes_plain_numbers(value):
    from course.checks import plain_number

    assert plain_number(value, "the data") == float(value)


class Endless(str):
    def __float__(self):
        raise AssertionError("plain_number must not call anything of the value")


class Floaty(float):
    def __float__(self):
        raise AssertionError("plain_number must not call anything of the value")


@pytest.mark.parametrize("value", [True, Endless("1"), Floaty(1.0), np.zeros(3), [1.0], "1.0", None])
def test_plain_number_refuses_anything_else_without_calling_it(value):
    from course.checks import plain_number

    with pytest.raises(TypeError, match=f"^the data is not a number: it is of type {type(value).__name__}$"):
        plain_number(value, "the data")
