"""Module 06's exercises: where sigmoid, sigmoid_derivative, stable_sigmoid, cross_entropy_cost, gradients, train
and accuracy are checked, and how closely.

The grader's own formulas below (σ, the cost, the misconceptions) serve the numerical oracles and the mistakes no
single edit of a reference expresses; they never reach a check file, only their values do.
"""

import math

import numpy as np

from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course.checks import Numerical

ROUND_OFF = Tolerance(1e-9, 1e-12, "an exponential, an addition and a division: any right form (e^z / (1 + e^z), "
                                   "1 − σ(−z)) differs by round-off alone, a few units in the last place, or 1e-16 "
                                   "next to 0")
SLOPE = Tolerance(1e-9, 1e-12, "σ(1 − σ), or e^(−z) / (1 + e^(−z))², or any other right form: round-off alone, "
                               "at most ~3e-13 relative where 1 − σ is small (|z| ≤ 8)")
MEANS = Tolerance(1e-9, 1e-12, "means of up to 60 terms each a few operations long, which a loop adds in another "
                               "order than np.mean (or takes log ŷ): round-off of ~1e-14 relative, and a cost of the "
                               "sure and right, or a gradient, near 0 within ~1e-14")
STEPS = Tolerance(1e-9, 1e-11, "up to 8 steps of size η ≤ 1, each moving w and b by a mean like gradients': the "
                               "round-off of every step (~1e-15) carries into the next, ~1e-14 at the end")
SIGMA_NUDGED = Tolerance(1e-8, 1e-11, "the five-point stencil (h = 1e-4) is off by h⁴/30·|σ⁽⁵⁾| < 1e-17 plus round-off "
                                      "1.5·ε·σ/h ≤ 4e-12 (1.1e-12 measured); σ′ ≥ 2e-3 where |z| ≤ 6")
COST_NUDGED = Tolerance(1e-8, 1e-10, "the five-point stencil (h = 1e-4) of the cost is off by h⁴/30·|∂⁵J| (below "
                                     "1e-16) plus round-off 1.5·ε·J/h (below 1e-11; 7e-12 measured)")
COUNTED = Tolerance(1e-9, 1e-12, "a count of right predictions divided by n: only round-off differs")


def sigma(z):
    """σ(z) as written, 1 / (1 + e^(−z)): the oracle of the numerical check of σ′ (|z| ≤ 6: no overflow)."""
    return 1 / (1 + np.exp(-z))


def cost(X, y, w, b):
    """J(w, b) = mean of log(1 + e^z) − y·z, z = Xw + b: the grader's own, for the oracles and the mistakes."""
    z = X @ w + b
    return float(np.mean(np.logaddexp(0, z) - y * z))


def numerical_gradients(X, y, w, b):
    """(∂J/∂w, ∂J/∂b) by nudging w and b."""
    return Numerical(cost, wrt=2)(X, y, w, b), Numerical(cost, wrt=3)(X, y, w, b)


def errors(X, y, w, b):
    """ŷ − y, one per example."""
    return 1 / (1 + np.exp(-(X @ w + b))) - y


# --- sigmoid, and the stable sigmoid ---


def moderate_points(rng):
    """A number or an array of six, from −10 to 10: e^(−z) stays below e^10, far from overflow."""
    return float(rng.uniform(-10, 10)) if rng.random() < 0.5 else rng.uniform(-10, 10, 6)


def sigmoid_flipped(expected, z):
    """1 / (1 + e^z), written as the formula, so it overflows where z is large and positive, as a learner's does.

    The stable reference with one edit makes σ(−z) too (its two np.where branches exchanged, or e^|z| for e^−|z|), but
    never with this overflow: at far-out points only this name fits the formula with e^z in it."""
    return 1 / (1 + np.exp(np.asarray(z, dtype=float)))


def sigmoid_minus_in_denominator(expected, z):
    """1 / (1 − e^(−z)) for every z: one edit of the reference changes one branch of np.where, never both."""
    return 1 / (1 - np.exp(-np.asarray(z, dtype=float)))


def sigmoid_points(rng):
    """A number or an array of six, from −10 to 10 or far out (|z| up to 5000, where e^|z| overflows)."""
    kind = int(rng.integers(4))
    if kind == 0:
        return float(rng.uniform(-10, 10))
    if kind == 1:
        return rng.uniform(-10, 10, 6)
    if kind == 2:
        return float(rng.choice([-1, 1]) * rng.uniform(710, 5000))
    return rng.choice([-1, 1], 6) * rng.uniform(0, 5000, 6)


def derivative_points(rng):
    """A number or an array of five, from −8 to 8."""
    return float(rng.uniform(-8, 8)) if rng.random() < 0.6 else rng.uniform(-8, 8, 5)


# --- the cost, its gradients, training ---


def labels_swapped(expected, X, y, w, b):
    """y·log(1 − ŷ) + (1 − y)·log ŷ: the loss of the other label, log(1 + e^z) − (1 − y)·z."""
    z = X @ w + b
    return float(np.mean(np.logaddexp(0, z) - (1 - y) * z))


def classifier_data(n_least, n_most, spread, scale=1.0, square_share=0.0):
    """n examples of d = 1 to 4 features, labels 0 and 1, weights and a bias; n = d for a share of the draws,
    where X(ŷ − y) can be computed (and shown wrong) as well as Xᵀ(ŷ − y)."""
    def draw(rng):
        d = int(rng.integers(1, 5))
        n = d if rng.random() < square_share else int(rng.integers(n_least, n_most + 1))
        return (rng.normal(0, spread, (n, d)), rng.integers(0, 2, n).astype(float), scale * rng.normal(0, 1, d),
                float(rng.normal()))
    return draw


def cost_points(rng):
    """Data of moderate scores, or with weights 500 times larger (scores in the thousands: ŷ is 0 or 1 exactly)."""
    return classifier_data(5, 40, 2, scale=500.0 if rng.random() < 0.3 else 1.0)(rng)


def chain_twice(expected, X, y, w, b):
    """∂L/∂z taken as (ŷ − y)·ŷ(1 − ŷ): σ′ multiplied in again, though ŷ − y already holds it."""
    y_hat = 1 / (1 + np.exp(-(X @ w + b)))
    r = (y_hat - y) * y_hat * (1 - y_hat)
    return X.T @ r / len(y), float(np.mean(r))


def training_points(rng):
    """10 to 60 examples of 1 to 3 features, weights, a bias, η from 0.05 to 1 and 1 to 8 steps."""
    n, d = int(rng.integers(10, 61)), int(rng.integers(1, 4))
    return (rng.normal(0, 1.5, (n, d)), rng.integers(0, 2, n).astype(float), rng.normal(0, 1, d),
            float(rng.normal()), float(rng.uniform(0.05, 1.0)), int(rng.integers(1, 9)))


def uphill(expected, X, y, w, b, eta, steps):
    """Steps that add η times both gradients: w + η·dJ/dw and b + η·dJ/db."""
    history = []
    for _ in range(steps):
        history.append(cost(X, y, w, b))
        error = errors(X, y, w, b)
        w, b = w + eta * X.T @ error / len(y), b + eta * float(np.mean(error))
    return w, b, history


def accuracy_points(rng):
    """Data, weights and bias of any sizes; half the time small integers, so that some scores are exactly 0."""
    n, d = int(rng.integers(10, 201)), int(rng.integers(1, 4))
    y = rng.integers(0, 2, n).astype(float)
    if rng.random() < 0.5:
        return rng.normal(0, 2, (n, d)), y, rng.normal(0, 1, d), float(rng.normal())
    return (rng.integers(-3, 4, (n, d)).astype(float), y, rng.integers(-2, 3, d).astype(float),
            float(rng.integers(-2, 3)))


TWO = (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.0, 1.0]))  # the notebook's two examples
LINE = (np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0.0, 1.0, 1.0, 1.0]))  # four points on a line
FAR = np.array([[1000.0], [-1000.0]])

EXERCISES = [
    Exercise(
        "sigmoid",
        tolerance=ROUND_OFF,
        grades=(
            # σ = 0.5, 0.75, 0.25, 0.9 and 0.2, 0.6, 0.8: the minus of e^(−z) and the plus of 1 + e^(−z) both show.
            Grade("test_sigmoid_values", points=[0.0, math.log(3), -math.log(3), math.log(9),
                                                 np.array([-math.log(4), math.log(1.5), math.log(4)])]),
            Grade("test_sigmoid_hidden", hidden=True, marks=2, count=20, seed=60, points=moderate_points),
        ),
    ),
    Exercise(
        "sigmoid_derivative",
        tolerance=SLOPE,
        by_hand=True,
        grades=(
            Grade("test_sigmoid_derivative_values",
                  points=[0.0, math.log(3), -math.log(3), math.log(4), np.array([math.log(9), -math.log(4)])]),
            Grade("test_sigmoid_derivative_numeric", count=10, seed=2, expected=Numerical(sigma),
                  told="a numerical derivative gives", tolerance=SIGMA_NUDGED,
                  points=lambda rng: float(rng.uniform(-6, 6))),
            Grade("test_sigmoid_derivative_hidden", hidden=True, marks=2, count=15, seed=65, points=derivative_points),
        ),
    ),
    Exercise(
        "stable_sigmoid",
        tolerance=ROUND_OFF,
        stable=True,
        grades=(
            # z = 0 is the boundary of np.where's choice; σ(log 1.5) = 0.6 tells z ≥ 1 from z ≥ 0 there. At z = 1000,
            # e^z overflows but e^(−z) does not: σ(−z) written with e^z (a minus sign missing) raises, σ(−z) with
            # np.where's branches exchanged does not, so each is named for what it is.
            Grade("test_stable_sigmoid_values", points=[0.0, math.log(3), -math.log(3), math.log(9), 1000.0,
                                                        np.array([-math.log(4), math.log(1.5), math.log(4)])]),
            # z = −2 overflows nowhere: a wrong formula that is right or overflows at every far-out point shows there.
            Grade("test_stable_sigmoid_far_out", points=[-1000.0, 1000.0, -750.0, 40.0, -2.0,
                                                         np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])]),
            Grade("test_stable_sigmoid_hidden", hidden=True, marks=2, count=20, seed=61, points=sigmoid_points),
        ),
        mistakes=(Mistake("e^z where e^(−z) belongs: that is σ(−z) = 1 − σ(z)", sigmoid_flipped),
                  Mistake("1 − e^(−z) in the denominator where 1 + e^(−z) belongs", sigmoid_minus_in_denominator)),
    ),
    Exercise(
        "cross_entropy_cost",
        tolerance=MEANS,
        stable=True,
        grades=(
            Grade("test_cross_entropy_cost_values",
                  points=[(*TWO, np.zeros(2), 0.0),  # ŷ = 0.5: J = log 2
                          (np.array([[0.0]]), np.array([1.0]), np.array([1.0]), math.log(3)),  # ŷ = 0.75
                          (np.array([[0.0]]), np.array([0.0]), np.array([1.0]), math.log(3)),  # J = −log 0.25
                          (np.array([[1.0], [2.0]]), np.array([1.0, 0.0]), np.array([math.log(3)]), 0.0)]),
            Grade("test_cross_entropy_cost_stable",
                  points=[(FAR, np.array([1.0, 0.0]), np.array([1.0]), 0.0),  # sure and right: J = 0
                          (FAR, np.array([0.0, 1.0]), np.array([1.0]), 0.0),  # sure and wrong: J = 1000
                          (np.array([[40.0], [1.0]]), np.array([1.0, 1.0]), np.array([1.0]), 0.0)]),  # ŷ = 1.0
            Grade("test_cross_entropy_cost_hidden", hidden=True, marks=2, count=15, seed=67, points=cost_points),
        ),
        mistakes=(Mistake("y and 1 − y swapped: y·log(1 − ŷ) + (1 − y)·log ŷ", labels_swapped),),
    ),
    Exercise(
        "gradients",
        tolerance=MEANS,
        by_hand=True,
        grades=(
            Grade("test_gradients_values",
                  points=[(*TWO, np.zeros(2), 0.0),  # errors 0.5, −0.5
                          (np.array([[2.0, 0.0], [4.0, 1.0]]), np.array([1.0, 1.0]), np.zeros(2), 0.0),  # −0.5, −0.5
                          (np.array([[1.0]]), np.array([0.0]), np.array([math.log(3)]), 0.0)]),  # error 0.75
            Grade("test_gradients_numeric", count=12, seed=3, expected=numerical_gradients,
                  told="numerical derivatives give", tolerance=COST_NUDGED,
                  points=classifier_data(5, 40, 1.5, square_share=0.35)),
            Grade("test_gradients_hidden", hidden=True, marks=2, count=15, seed=69,
                  points=classifier_data(5, 60, 2, square_share=0.35)),
        ),
        mistakes=(
            Mistake("the sum where the mean belongs: Xᵀ(ŷ − y) and Σ(ŷ − y) are not divided by n",
                    lambda expected, X, y, w, b: (X.T @ errors(X, y, w, b), float(np.sum(errors(X, y, w, b))))),
            Mistake("σ′(z) multiplied in again: ∂L/∂z is ŷ − y, not (ŷ − y)·ŷ(1 − ŷ)", chain_twice),
            Mistake("one example's gradient (the first) where the mean over all examples belongs",
                    lambda expected, X, y, w, b: (X[0] * errors(X, y, w, b)[0], errors(X, y, w, b)[0])),
            Mistake("one example's gradient (the last: dw overwritten, not added to) where the mean over all "
                    "examples belongs",
                    lambda expected, X, y, w, b: (X[-1] * errors(X, y, w, b)[-1], errors(X, y, w, b)[-1])),
        ),
    ),
    Exercise(
        "train",
        tolerance=STEPS,
        grades=(
            Grade("test_train_values",
                  points=[(*TWO, np.zeros(2), 0.0, 1.0, 1), (np.array([[2.0], [4.0]]), np.array([1.0, 1.0]),
                                                             np.zeros(1), 0.0, 0.1, 1),
                          (*TWO, np.zeros(2), 0.0, 0.5, 3),
                          # w, b, η and steps all different, none of them 0: exchanging any two changes the run.
                          (np.array([[1.0, -2.0], [0.5, 1.0], [-1.0, 0.5]]), np.array([1.0, 0.0, 1.0]),
                           np.array([0.5, -0.25]), 0.2, 0.3, 2)]),
            Grade("test_train_hidden", hidden=True, marks=2, count=8, seed=71, points=training_points),
        ),
        mistakes=(
            Mistake("the cost is recorded after each step: history must hold J before each step",
                    lambda expected, X, y, w, b, eta, steps: (
                        expected[0], expected[1], [*expected[2][1:], cost(X, y, expected[0], expected[1])])),
            Mistake("w and b are never updated: the result of w − η·dJ/dw must be assigned back to w",
                    lambda expected, X, y, w, b, eta, steps: (w, b, [cost(X, y, w, b)] * steps)),
            Mistake("the steps go uphill: w + η·dJ/dw and b + η·dJ/db where w − η·dJ/dw and b − η·dJ/db belong",
                    uphill),
        ),
    ),
    Exercise(
        "accuracy",
        tolerance=COUNTED,
        grades=(
            # The last point puts the second example on the boundary, X·w + b = 0 (ŷ = 0.5 exactly): predicted 0.
            Grade("test_accuracy_values",
                  points=[(*LINE, np.array([1.0]), 0.0), (*LINE, np.array([-1.0]), 0.0),
                          (np.array([[1.0, 2.0], [3.0, 4.0], [-1.0, -1.0]]), np.array([1.0, 1.0, 0.0]),
                           np.array([1.0, -1.0]), 0.5),
                          (*LINE, np.array([1.0]), 1.0)]),
            Grade("test_accuracy_hidden", hidden=True, count=10, seed=72, points=accuracy_points),
        ),
    ),
]
