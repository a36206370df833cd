"""Module 03's exercises: where dz_dx, dz_dy, numerical_partial, gradient, linear_partials and
two_feature_partials are checked, and how closely.

The functions the checks pass to numerical_partial and gradient (bowl, product, cubic, ...) are in
course/examples.py, so a check file can name them. The grader's own formulas below (exact partial
derivatives, wrong central differences) only give values; no check file holds them.
"""

import numpy as np

from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course.checks import Numerical
from course.examples import (
    bowl,
    cubic,
    growth,
    lifted,
    mixed,
    pairs,
    product,
    quartic,
    rippled,
    saddle,
    tilted_bowl,
    wave,
)

BY_RULE = Tolerance(1e-9, 1e-12, "2x, 2y, or the inputs themselves: one multiplication at most, so only round-off "
                                 "differs")
NUDGED = Tolerance(1e-8, 1e-9, "z and the models are quadratic or linear in each input, so the five-point stencil "
                               "(h = 1e-4) has no truncation error, only round-off 1.5·ε·|f|/h, below 1e-10 here")
GRADIENT_NUDGED = Tolerance(1e-8, 3e-9, "your central differences (h = 1e-5) are off by h²/6·|∂³f|, below 3e-10 "
                                        "for wave where |x|, |y|, |z| ≤ 3, and the stencil by under 1e-11; a forward "
                                        "difference is h/2·|∂²f| ≈ 1e-5 away")
CENTRAL = Tolerance(1e-8, 1e-9, "a central difference with the same h, written any other right way (the moved "
                                "coordinates' difference as the step, arrays, two divisions), differs from the "
                                "reference by round-off ε·|f|/h alone, at most 2e-10 here; a forward one is "
                                "h/2·|f''| away, 6e-7 relative or more wherever f curves")
ACCURATE = Tolerance(1e-7, 1e-9, "the central difference with h = 1e-5 is within h²/6·|f'''| + ε·|f|/h of the "
                                 "exact partial derivative, at most 3e-11 relative here; a forward one is "
                                 "h/2·|f''| away, at least 6e-7 relative: 1e-7 tells them apart")

FORBID_NUMERICAL = ("course.derivatives", "course.graphs.nudge_gradients", "course.checks.Numerical",
                    "numpy.gradient")


def central(f, point, i, h=1e-5):
    """The central difference in coordinate i: the grader's own, for the misconceptions below."""
    above, below = list(point), list(point)
    above[i] += h
    below[i] -= h
    return (f(*above) - f(*below)) / (2 * h)


def forward(f, point, i, h=1e-5):
    """The forward difference in coordinate i."""
    above = list(point)
    above[i] += h
    return (f(*above) - f(*point)) / h


def all_at_once(f, point, i, h=1e-5):
    """A central difference with every coordinate moved by h at once (i is not used)."""
    return (f(*(np.array(point, dtype=float) + h)) - f(*(np.array(point, dtype=float) - h))) / (2 * h)


def exact_partial(f, point, i):
    """∂/∂(coordinate i) of cubic, x²y + y³ + xz², in closed form."""
    assert f is cubic
    x, y, z = point
    return [2 * x * y + z**2, x**2 + 3 * y**2, 2 * x * z][i]


def value_at(f, point):
    """f at point: its derivative with respect to point is the gradient of f."""
    return f(*point)


def line(x, m, b):
    return m * x + b


def plane(x1, x2, w1, w2, b):
    return w1 * x1 + w2 * x2 + b


def line_partials(x, m, b):
    """(∂ŷ/∂m, ∂ŷ/∂b) of ŷ = m·x + b, by nudging m and b."""
    return Numerical(line, wrt=1)(x, m, b), Numerical(line, wrt=2)(x, m, b)


def plane_partials(x1, x2, w1, w2, b):
    """(∂ŷ/∂w1, ∂ŷ/∂w2, ∂ŷ/∂b) of ŷ = w1·x1 + w2·x2 + b, by nudging the parameters."""
    return tuple(Numerical(plane, wrt=k)(x1, x2, w1, w2, b) for k in (2, 3, 4))


def random_pair(spread, digits=None):
    """Draws (x, y) from −spread to spread, rounded to `digits` decimals when given."""
    def draw(rng):
        pair = rng.uniform(-spread, spread, 2)
        return tuple((pair if digits is None else pair.round(digits)).tolist())
    return draw


def random_partial(rng):
    """One of four functions of two or three inputs, a point, a coordinate, and half the time a step of its own."""
    f = [tilted_bowl, lifted, quartic, mixed][int(rng.integers(4))]
    n = f.__code__.co_argcount
    point = tuple(rng.uniform(-2, 2, n).round(2).tolist())
    i = int(rng.integers(n))
    return (f, point, i) if rng.random() < 0.5 else (f, point, i, float(rng.choice([0.5, 0.2, 0.05])))


def random_gradient(rng):
    """One of four functions of two or three inputs, and a point."""
    f = [saddle, rippled, pairs, growth][int(rng.integers(4))]
    return f, tuple(rng.uniform(-2, 2, f.__code__.co_argcount).round(2).tolist())


# The misconceptions about the two partial derivatives of z = x² + y² that no single edit of 2x (or 2y) makes.
NOT_DIFFERENTIATED_X = Mistake("x² is not differentiated (the power rule turns x² into 2x)", lambda e, x, y: x**2)
NOT_DIFFERENTIATED_Y = Mistake("y² is not differentiated (the power rule turns y² into 2y)", lambda e, x, y: y**2)

EXERCISES = [
    Exercise(
        "dz_dx",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            Grade("test_dz_dx_values", points=[(3, -1), (1.5, -2.5), (0, 4), (-3.5, 2)]),
            Grade("test_dz_dx_numeric", points=random_pair(5), count=10, seed=3, expected=Numerical(bowl, wrt=0),
                  told="a numerical derivative gives", tolerance=NUDGED),
            Grade("test_dz_dx_hidden", hidden=True, marks=2, points=random_pair(10, 2), count=12, seed=31),
        ),
        mistakes=(NOT_DIFFERENTIATED_X,),
    ),
    Exercise(
        "dz_dy",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            Grade("test_dz_dy_values", points=[(-1, 3), (-2.5, 1.5), (4, 0), (2, -3.5)]),
            Grade("test_dz_dy_numeric", points=random_pair(5), count=10, seed=4, expected=Numerical(bowl, wrt=1),
                  told="a numerical derivative gives", tolerance=NUDGED),
            Grade("test_dz_dy_hidden", hidden=True, marks=2, points=random_pair(10, 2), count=12, seed=32),
        ),
        mistakes=(NOT_DIFFERENTIATED_Y,),
    ),
    Exercise(
        "numerical_partial",
        tolerance=CENTRAL,
        forbid=FORBID_NUMERICAL,
        grades=(
            # The last point passes a step of its own: cubic's y³ makes the answer depend on it (13 + h²).
            Grade("test_numerical_partial_values",
                  points=[(bowl, (1.0, 2.0), 0), (bowl, (1.0, 2.0), 1), (bowl, (-3.0, 0.5), 0),
                          (product, (2.0, 3.0, 4.0), 0), (product, (2.0, 3.0, 4.0), 2),
                          (cubic, (1.0, 2.0, 0.5), 1, 0.1)]),
            Grade("test_numerical_partial_numeric", count=12, seed=5, expected=exact_partial,
                  told="the exact partial derivative is", tolerance=ACCURATE,
                  points=lambda rng: (cubic, tuple(rng.uniform(0.5, 3, 3).round(3).tolist()), int(rng.integers(3)))),
            Grade("test_numerical_partial_hidden", hidden=True, marks=2, points=random_partial, count=20, seed=35),
        ),
        mistakes=(
            Mistake("the wrong coordinate is nudged: always the first (x), whatever i is",
                    lambda e, f, point, i, h=1e-5: central(f, point, 0, h)),
            Mistake("every coordinate is nudged at once: the others are not held constant",
                    lambda e, f, point, i, h=1e-5: all_at_once(f, point, i, h)),
            Mistake("a forward difference (f(x + h) − f(x)) / h where the central one belongs",
                    lambda e, f, point, i, h=1e-5: forward(f, point, i, h)),
            Mistake("the step h is ignored: the difference always uses 1e-5",
                    lambda e, f, point, i, h=1e-5: central(f, point, i)),
        ),
    ),
    Exercise(
        "gradient",
        tolerance=CENTRAL,
        forbid=FORBID_NUMERICAL,
        grades=(
            Grade("test_gradient_values", points=[(bowl, (1.0, 2.0)), (bowl, (3.0, -1.0)), (product, (2.0, 3.0, 4.0))]),
            Grade("test_gradient_numeric", count=10, seed=6, expected=Numerical(value_at, wrt=1),
                  told="a numerical gradient gives", tolerance=GRADIENT_NUDGED,
                  points=lambda rng: (wave, tuple(rng.uniform(-3, 3, 3).round(3).tolist()))),
            Grade("test_gradient_hidden", hidden=True, marks=2, points=random_gradient, count=16, seed=36),
        ),
        # A gradient built on a wrong numerical_partial inherits its mistake: these name it.
        mistakes=(
            Mistake("the partial derivatives are in the wrong order", lambda e, f, point: e[::-1]),
            Mistake("every entry is ∂f/∂x: the index i is not passed on (or numerical_partial always nudges the "
                    "first coordinate)", lambda e, f, point: np.full(len(e), e[0])),
            Mistake("the entries are forward differences: numerical_partial must use the central one",
                    lambda e, f, point: np.array([forward(f, point, i) for i in range(len(point))])),
            Mistake("every entry nudges all the coordinates at once: numerical_partial must hold the others constant",
                    lambda e, f, point: np.array([all_at_once(f, point, i) for i in range(len(point))])),
        ),
    ),
    Exercise(
        "linear_partials",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            # x, m and b differ at every point, so using one where another belongs changes the answer.
            Grade("test_linear_partials_values", points=[(3, 2, 1), (-2, 0.5, 4), (1.5, -3, 2)]),
            Grade("test_linear_partials_numeric", points=lambda rng: tuple(rng.uniform(-5, 5, 3).tolist()), count=10,
                  seed=7, expected=line_partials, told="numerical derivatives give", tolerance=NUDGED),
            Grade("test_linear_partials_hidden", hidden=True, marks=2,
                  points=lambda rng: tuple(rng.uniform(-10, 10, 3).round(2).tolist()), count=12, seed=37),
        ),
        mistakes=(Mistake("the two partial derivatives are in the wrong order (∂ŷ/∂m comes first)",
                          lambda e, x, m, b: (1.0, x)),),
    ),
    Exercise(
        "two_feature_partials",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            Grade("test_two_feature_partials_values",
                  points=[(2, 5, 0.5, -1, 3), (-1, 4, 2, 3, 0), (3, -2, -1.5, 0.5, 1)]),
            Grade("test_two_feature_partials_numeric", points=lambda rng: tuple(rng.uniform(-5, 5, 5).tolist()),
                  count=10, seed=8, expected=plane_partials, told="numerical derivatives give", tolerance=NUDGED),
            Grade("test_two_feature_partials_hidden", hidden=True, marks=2,
                  points=lambda rng: tuple(rng.uniform(-10, 10, 5).round(2).tolist()), count=12, seed=38),
        ),
        mistakes=(Mistake("differentiated with respect to the inputs x1, x2 instead of the weights w1, w2",
                          lambda e, x1, x2, w1, w2, b: (w1, w2, 1.0)),),
    ),
]
