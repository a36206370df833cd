import numpy as np
import pytest

from course.derivatives import central_difference, forward_difference, numerical_gradient, partial_derivative


def test_forward_difference_of_square_is_off_by_h():
    # (f(x+h) - f(x)) / h = 2x + h exactly for x², so the error is h itself.
    assert forward_difference(lambda x: x**2, 3.0, h=1e-3) == pytest.approx(6.001, rel=1e-9)


def test_central_difference_is_exact_for_quadratics_and_close_for_sin():
    assert central_difference(lambda x: x**2, 3.0, h=1e-3) == pytest.approx(6.0, rel=1e-9)
    assert central_difference(np.sin, 0.5) == pytest.approx(np.cos(0.5), rel=1e-9)


def test_central_beats_forward_at_the_same_step():
    forward_error = abs(forward_difference(np.exp, 1.0, 1e-4) - np.e)
    central_error = abs(central_difference(np.exp, 1.0, 1e-4) - np.e)
    assert central_error < forward_error / 100


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
