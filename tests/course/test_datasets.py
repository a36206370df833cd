import numpy as np

from course.datasets import load_bmi, noisy_line, two_blobs


def test_bmi_table_is_the_one_of_the_curriculum():
    X, y = load_bmi()
    np.testing.assert_array_equal(X, [[160, 60], [170, 65], [180, 70], [190, 71]])
    np.testing.assert_array_equal(y, [21, 22, 20, 18])


def test_noisy_line_is_seeded_and_follows_its_line():
    x, y = noisy_line(n=200, slope=2.0, intercept=1.0, noise=0.1, seed=3)
    again_x, again_y = noisy_line(n=200, slope=2.0, intercept=1.0, noise=0.1, seed=3)
    np.testing.assert_array_equal(y, again_y)
    np.testing.assert_array_equal(x, again_x)
    fitted_slope, fitted_intercept = np.polyfit(x, y, 1)
    assert abs(fitted_slope - 2.0) < 0.05 and abs(fitted_intercept - 1.0) < 0.1


def test_two_blobs_are_labelled_halves_on_either_side():
    X, y = two_blobs(n=101, separation=6.0, seed=1)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert set(np.unique(y)) == {0.0, 1.0} and y.sum() == 50
    # With well separated clouds the sign of x1 + x2 almost always gives the label.
    assert np.mean((X.sum(axis=1) > 0) == (y == 1)) > 0.95
