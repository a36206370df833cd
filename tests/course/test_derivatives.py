import numpy as np
import pytest

from course.derivatives import STENCIL_STEP, central_difference, numerical_gradient, partial_derivative


def test_the_stencil_is_exact_for_polynomials_up_to_degree_four():
    # Its truncation error is h⁴/30·f⁽⁵⁾: nothing for a quartic, even with a large step.
    assert central_difference(lambda x: x**4 - 2 * x**3 + x, 1.5, h=0.5) == pytest.approx(4 * 1.5**3 - 6 * 1.5**2 + 1,
                                                                                           rel=1e-12)


def test_the_stencil_is_within_its_stated_error_for_sin_exp_and_log():
    # Off by h⁴/30·|f⁽⁵⁾| plus round-off ~1.5·ε·|f|/h (module docstring): 3e-12 relative, or less, here.
    for f, df, x in [(np.sin, np.cos, 0.5), (np.exp, np.exp, 2.0), (np.log, lambda x: 1 / x, 0.1)]:
        assert central_difference(f, x) == pytest.approx(df(x), rel=2e-11)


def test_the_stencil_beats_the_two_point_central_quotient_at_the_same_step():
    two_point = abs((np.exp(1.0 + STENCIL_STEP) - np.exp(1.0 - STENCIL_STEP)) / (2 * STENCIL_STEP) - np.e)
    assert abs(central_difference(np.exp, 1.0) - np.e) < two_point / 100


def test_the_toolbox_answers_no_exercise_with_a_step_of_the_learners():
    # With a step of 0.5 the two-point central quotient that module 02 asks for gives 3.25 for x³ at 1; the
    # stencil gives the derivative itself, 3: another rule, and so no answer to copy.
    cube = np.poly1d([1, 0, 0, 0])
    assert (cube(1.5) - cube(0.5)) / (2 * 0.5) == 3.25
    assert central_difference(cube, 1.0, 0.5) == pytest.approx(3.0, rel=1e-12)


@pytest.mark.parametrize("bad_step", [0, -1e-5, float("nan")])
def test_a_step_that_is_not_positive_is_refused(bad_step):
    with pytest.raises(ValueError, match="positive"):
        central_difference(np.sin, 1.0, bad_step)


def test_partial_derivative_holds_the_other_variables():
    def z(x, y):
        return x**2 + y**2

    assert partial_derivative(z, (3.0, -2.0), 0) == pytest.approx(6.0)
    assert partial_derivative(z, (3.0, -2.0), 1) == pytest.approx(-4.0)
    with pytest.raises(IndexError, match="out of range"):
        partial_derivative(z, (3.0, -2.0), 2)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 2, 2)])
def test_numerical_gradient_of_any_shape(shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    weights = rng.normal(size=shape)
    original = x.copy()

    gradient = numerical_gradient(lambda v: np.sum(weights * v**2), x)

    assert gradient.shape == np.shape(x)
    np.testing.assert_allclose(gradient, 2 * weights * original, rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(x, original)  # the caller's array is never nudged
