"""Module 01's exercises: where `slope` and `average_rate_of_change` are checked, and how closely."""

import numpy as np
from numpy.polynomial import Polynomial

from autograder.spec import Exercise, Grade, Mistake, Tolerance

ROUND_OFF = Tolerance(1e-9, 1e-12, "two subtractions and a division of numbers below 1e3: only round-off differs")


def random_pair(rng):
    """Two points on a half-integer grid from −4 to 4: about one draw in nine is vertical (x1 = x2)."""
    return tuple((rng.integers(-8, 9, 4) / 2).tolist())


def random_secant(rng):
    """A cubic with small integer coefficients, and two ends on a quarter grid (equal ones now and then)."""
    polynomial = Polynomial(rng.integers(-4, 5, 4).tolist())
    x1, x2 = (rng.integers(-10, 11, 2) / 4).tolist()
    return polynomial, x1, x2


EXERCISES = [
    Exercise(
        "slope",
        tolerance=ROUND_OFF,
        grades=(
            # Every coordinate differs from the others, so exchanging any two of them changes the slope.
            Grade("test_slope_values", points=[(1, 1, 3, 3), (1, 2, 3, 10), (0, 5, 2, 1), (2, 6, 2.001, 6.003)]),
            Grade("test_slope_vertical", points=[(2, 0, 2, 5), (-1.5, 3, -1.5, 3)]),
            Grade("test_slope_hidden", hidden=True, marks=2, points=random_pair, count=20, seed=11),
        ),
    ),
    Exercise(
        "average_rate_of_change",
        tolerance=ROUND_OFF,
        grades=(
            Grade("test_average_rate_of_change_values",
                  points=[(np.square, 1, 3), (np.square, 1, 2), (np.square, 3, 1), (np.exp, 0, 1), (np.square, 2, 2)]),
            Grade("test_average_rate_of_change_hidden", hidden=True, marks=2, points=random_secant, count=20, seed=12),
        ),
        mistakes=(Mistake("the rise f(x2) − f(x1) is not divided by the run x2 − x1",
                          lambda expected, f, x1, x2: expected * (x2 - x1)),
                  Mistake("(x2 − x1) is used where f(x2) − f(x1) belongs", lambda expected, f, x1, x2: 1.0)),
    ),
]
