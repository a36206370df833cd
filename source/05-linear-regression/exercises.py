"""Module 05's exercises: where `predict`, `mse_cost`, `gradients`, `gradient_step`, `train` and `unscale` are checked.

Each mistake written here is one no single edit of the reference makes (the grader derives the others):
it changes both parts of a result, or the order of a loop, or adds an operation the reference lacks.
"""

import numpy as np

from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course.checks import Numerical
from course.examples import trained_parameters

ROUND_OFF = Tolerance(1e-9, 1e-12, "a few sums and products of numbers below 1e5: only round-off differs")
BMI = np.array([[160.0, 60.0], [170.0, 65.0], [180.0, 70.0], [190.0, 71.0]])


def cost(X, y, w, b):
    """The cost J, the mean squared error, for the oracles and the misconceptions below."""
    return np.mean((X @ w + b - y) ** 2)


def random_model(rng):
    """X (1 to 39 rows, 1 to 4 columns), w and b: square now and then, where Xᵀ @ w has the right shape too."""
    n, d = int(rng.integers(1, 40)), int(rng.integers(1, 5))
    return rng.normal(0, 3, (n, d)), rng.normal(0, 2, d), float(rng.normal(0, 2))


def random_table(rng, rows, columns):
    """X (rows × columns), y, w and b of moderate size, for mse_cost and gradients."""
    n, d = int(rng.integers(*rows)), int(rng.integers(*columns))
    return rng.normal(0, 2, (n, d)), rng.normal(0, 3, n), rng.normal(0, 2, d), float(rng.normal(0, 2))


def by_nudging(X, y, w, b):
    """(∂J/∂w, ∂J/∂b) by central differences of the mean squared error."""
    return Numerical(cost, wrt=2)(X, y, w, b), Numerical(cost, wrt=3)(X, y, w, b)


def least_squares(X, y, w, b, eta, steps):
    """(w₁, …, w_d, b) of the least-squares fit, where enough steps of gradient descent arrive."""
    return np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]


def descent(X, y, w, b, eta, steps):
    """(w, b, history) of `steps` steps with the learning rate `eta`, written out for the misconception below."""
    history = []
    for _ in range(steps):
        errors = X @ w + b - y
        history.append(np.mean(errors**2))
        w, b = w - eta * 2 / len(y) * (X.T @ errors), b - eta * 2 * np.mean(errors)
    return w, b, np.array(history)


def regression_data(rng):
    """Noisy data around a random plane, a random start, a learning rate and a number of steps."""
    n, d = int(rng.integers(5, 40)), int(rng.integers(1, 4))
    X = rng.normal(0, 1, (n, d))
    y = X @ rng.normal(0, 2, d) + rng.normal(0, 2) + rng.normal(0, 0.5, n)
    return X, y, rng.normal(0, 1, d), float(rng.normal(0, 1)), float(rng.uniform(0.01, 0.2)), int(rng.integers(1, 16))


def converging_data(rng):
    """Random data, and 500 steps of train with η = 0.2 from w = 0, b = 0."""
    X = rng.normal(0, 1, (30, 2))
    y = X @ rng.normal(0, 2, 2) + rng.normal(0, 2) + rng.normal(0, 0.3, 30)
    return X, y, np.zeros(2), 0.0, 0.2, 500


def standardised(table):
    """Each column moved to mean 0 and divided by its standard deviation."""
    return (table - table.mean(axis=0)) / table.std(axis=0)


# The notebook's BMI model on standardised features: BMI = −0.3·height + 0.5·weight + 39.5 fits the four people best,
# and its scaled bias is the mean BMI, 20.25 (written out, so that no solver's last digits reach the release).
BMI_MEAN, BMI_STD = BMI.mean(axis=0), BMI.std(axis=0)
BMI_SCALED_MODEL = (np.array([-0.3, 0.5]) * BMI_STD, 20.25, BMI_MEAN, BMI_STD)
# Twelve examples of four standardised features (columns of mean 0 and standard deviation 1), for the oracle below.
DESIGN = standardised(np.random.default_rng(57).normal(0, 1, (12, 4)))


def scaled_fit(rng):
    """(w_scaled, b_scaled, mean, std): the least-squares fit on standardised features of noisy data whose features
    lie on scales as different as cm and kg (means from −200 to 200, standard deviations from 0.5 to 50)."""
    n, d = int(rng.integers(6, 30)), int(rng.integers(1, 5))
    X = rng.uniform(-200, 200, d) + rng.uniform(0.5, 50, d) * rng.normal(0, 1, (n, d))
    y = X @ rng.normal(0, 1, d) + rng.normal(0, 10) + rng.normal(0, 1, n)
    mean, std = X.mean(axis=0), X.std(axis=0)
    fit = np.linalg.lstsq(np.column_stack([(X - mean) / std, np.ones(n)]), y, rcond=None)[0]
    return fit[:-1], float(fit[-1]), mean, std


def least_squares_on_original(w_scaled, b_scaled, mean, std):
    """(w, b) by np.linalg.lstsq on the original features, without the exercise's formula: features with this mean
    and std (the standardised DESIGN, moved back), targets that the scaled model fits exactly; their least-squares
    fit on the original features is the model the exercise asks for, as for any data with this scaled fit."""
    design = DESIGN[:, :len(w_scaled)]
    original = mean + std * design
    solution = np.linalg.lstsq(np.column_stack([original, np.ones(len(design))]), design @ w_scaled + b_scaled,
                               rcond=None)[0]
    return solution[:-1], float(solution[-1])


EXERCISES = [
    Exercise(
        "predict",
        tolerance=ROUND_OFF,
        grades=(
            # Square tables first, where Xᵀ @ w has the right shape; b ≠ 0 everywhere, so a forgotten b shows.
            Grade("test_predict_values",
                  points=[(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]), 0.5),
                          (np.array([[2.0, 0.0], [1.0, 1.0]]), np.array([3.0, -1.0]), 1.0),
                          (np.array([[1.0], [2.0], [3.0]]), np.array([2.0]), 1.0),
                          (BMI, np.array([0.1, -0.1]), 15.0)]),
            Grade("test_predict_hidden", hidden=True, marks=2, count=10, seed=51, points=random_model),
        ),
    ),
    Exercise(
        "mse_cost",
        tolerance=ROUND_OFF,
        grades=(
            Grade("test_mse_cost_values",
                  points=[(np.array([[1.0], [2.0], [3.0]]), np.array([3.0, 5.0, 9.0]), np.array([2.0]), 1.0),
                          (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 3.0]), np.array([1.0, 1.0]), 0.0),
                          (BMI, np.array([21.0, 22.0, 20.0, 18.0]), np.array([1.0, 1.0]), 0.0)]),
            Grade("test_mse_cost_hidden", hidden=True, marks=2, count=10, seed=52,
                  points=lambda rng: random_table(rng, (2, 50), (1, 4))),
        ),
        mistakes=(
            Mistake("the square root is taken: that is the RMSE, not the mean squared error",
                    lambda expected, X, y, w, b: np.sqrt(expected)),
            Mistake("the mean of the absolute errors |ŷ − y|, not of their squares",
                    lambda expected, X, y, w, b: np.mean(np.abs(X @ w + b - y))),
        ),
    ),
    Exercise(
        "gradients",
        tolerance=ROUND_OFF,
        by_hand=True,
        grades=(
            # Square tables first, where X @ (ŷ − y) has the right shape.
            Grade("test_gradients_values",
                  points=[(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 2.0]), np.array([0.0, 0.0]), 0.0),
                          (np.array([[2.0, 0.0], [1.0, 1.0]]), np.array([3.0, 1.0]), np.array([1.0, 1.0]), 0.0),
                          (np.array([[1.0], [3.0]]), np.array([2.0, 4.0]), np.array([1.0]), 0.0),
                          (BMI, np.array([21.0, 22.0, 20.0, 18.0]), np.array([1.0, 1.0]), 0.0)]),
            Grade("test_gradients_numeric", count=10, seed=3, points=lambda rng: random_table(rng, (3, 9), (1, 4)),
                  expected=by_nudging, told="a numerical gradient gives",
                  tolerance=Tolerance(1e-8, 1e-8, "the five-point stencil (h = 1e-4) is exact on a quadratic but for "
                                                  "round-off 1.5·ε·L/h, below 1e-9 here: a margin of 10")),
            Grade("test_gradients_hidden", hidden=True, marks=2, count=10, seed=53,
                  points=lambda rng: random_table(rng, (2, 60), (1, 5))),
        ),
        mistakes=(
            Mistake("the 1/n of the mean is missing: sums where the means belong",
                    lambda expected, X, y, w, b: (len(y) * expected[0], len(y) * expected[1])),
            Mistake("the gradient of the first example alone, where the mean over all examples belongs",
                    lambda expected, X, y, w, b: (2 * X[0] * (X[0] @ w + b - y[0]), 2 * (X[0] @ w + b - y[0]))),
        ),
    ),
    Exercise(
        "gradient_step",
        tolerance=ROUND_OFF,
        grades=(
            Grade("test_gradient_step_values",
                  points=[(np.array([1.0, 2.0]), 0.5, np.array([4.0, -2.0]), 1.0, 0.1),
                          (np.array([0.0]), 0.0, np.array([-4.0]), -2.0, 0.5),
                          (np.array([3.0, -1.0, 2.0]), 1.0, np.array([10.0, 20.0, -30.0]), 5.0, 0.01)]),
            Grade("test_gradient_step_hidden", hidden=True, marks=2, count=10, seed=54,
                  points=lambda rng: (rng.normal(0, 2, d := int(rng.integers(1, 5))), float(rng.normal(0, 2)),
                                      rng.normal(0, 5, d), float(rng.normal(0, 5)), float(rng.uniform(0.001, 0.5)))),
        ),
        mistakes=(
            Mistake("the step goes uphill: + η·gradient where − η·gradient belongs",
                    lambda expected, w, b, dw, db, eta: (w + eta * dw, b + eta * db)),
            Mistake("the learning rate η is not used: a step of the whole gradient",
                    lambda expected, w, b, dw, db, eta: (w - dw, b - db)),
        ),
    ),
    Exercise(
        "train",
        tolerance=ROUND_OFF,
        grades=(
            Grade("test_train_values",
                  points=[(np.array([[1.0], [3.0]]), np.array([2.0, 4.0]), np.array([1.0]), 0.0, 0.1, 1),
                          (np.array([[1.0], [3.0]]), np.array([2.0, 4.0]), np.array([1.0]), 0.0, 0.1, 2),
                          (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 2.0]), np.zeros(2), 0.0, 0.01, 1)]),
            Grade("test_train_converges", count=3, seed=5, points=converging_data,
                  expected=least_squares, told="np.linalg.lstsq gives", measure=trained_parameters,
                  tolerance=Tolerance(1e-9, 1e-12, "each step shrinks the distance to the least-squares fit by 0.83 "
                                                   "at most on this data, so after 500 only round-off is left")),
            Grade("test_train_hidden", hidden=True, marks=2, count=10, seed=55, points=regression_data),
        ),
        mistakes=(
            Mistake("the history is recorded after each step: record the cost before the step",
                    lambda expected, X, y, w, b, eta, steps:
                        (expected[0], expected[1], np.append(expected[2][1:], cost(X, y, expected[0], expected[1])))),
            Mistake("the learning rate η is not used: every step is the whole gradient",
                    lambda expected, X, y, w, b, eta, steps: descent(X, y, w, b, 1.0, steps)),
        ),
    ),
    Exercise(
        "unscale",
        tolerance=Tolerance(1e-9, 3e-12, "the bias is a difference of terms up to about 1e4: written in another order "
                                         "it differs by 2.3e-13 at most in 30,000 draws, so a margin of ten"),
        grades=(
            # w_scaled, mean and std differ entry by entry, so exchanging any two of them shows; d = 2 and 3 tell
            # the sum over the features from their mean.
            Grade("test_unscale_values",
                  points=[(np.array([2.0, -1.0]), 5.0, np.array([10.0, 4.0]), np.array([2.0, 0.5])),
                          (np.array([3.0]), 20.0, np.array([175.0]), np.array([10.0])),
                          (np.array([1.0, 2.0, -3.0]), -1.0, np.array([-2.0, 0.0, 3.0]), np.array([4.0, 0.25, 1.5])),
                          BMI_SCALED_MODEL]),
            Grade("test_unscale_lstsq", count=5, seed=6, points=scaled_fit,
                  expected=least_squares_on_original, told="np.linalg.lstsq on the original features gives",
                  tolerance=Tolerance(1e-10, 2e-10, "least squares on features up to 400 standard deviations from 0 "
                                                    "(condition number up to 2e5) is off by 1.7e-11 at most in "
                                                    "30,000 draws: a margin of ten")),
            Grade("test_unscale_hidden", hidden=True, marks=2, count=10, seed=56, points=scaled_fit),
        ),
        mistakes=(
            Mistake("the bias is corrected with the scaled weights: Σ w_scaled·mean where Σ (w_scaled / std)·mean "
                    "belongs",
                    lambda expected, w_scaled, b_scaled, mean, std: (expected[0], b_scaled - np.sum(w_scaled * mean))),
        ),
    ),
]
