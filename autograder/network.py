"""Module 07's network as the grader computes it, for the exercises of modules 07 and 08 (which builds it again
from Values): two inputs, two linear hidden units, one linear output, and the squared loss.

The nine parameters are in module 07's order: w11_1, w21_1, b11, w12_1, w22_1, b12, w11_2, w21_2, b21. These
formulas serve the numerical oracles, the draws and the misconceptions no single edit of a reference expresses;
they never reach a check file, only their values do.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

Draw = Callable[[np.random.Generator], tuple]

WORKED = np.array([0.5, -1.0, 0.5, 1.0, 0.5, -0.5, 2.0, -0.5, 1.0])  # the parameters module 07 works through
# Nine different parameters, none of them 0: exchanging any two changes every exercise's answer at a visible point.
DISTINCT = np.array([1.0, -2.0, 0.5, 3.0, -1.0, 2.0, -0.5, 1.5, 4.0])


def outputs(x1: Any, x2: Any, p: np.ndarray) -> tuple[Any, Any, Any]:
    """o11, o12 and ŷ (x1, x2 numbers or columns)."""
    o11 = p[0] * x1 + p[1] * x2 + p[2]
    o12 = p[3] * x1 + p[4] * x2 + p[5]
    return o11, o12, p[6] * o11 + p[7] * o12 + p[8]


def loss(x1: Any, x2: Any, y: Any, p: np.ndarray) -> Any:
    """L = (y − ŷ)² of one example."""
    return (y - outputs(x1, x2, p)[2]) ** 2


def mean_loss(X: np.ndarray, y: np.ndarray, p: np.ndarray) -> float:
    """J, the mean of L over the examples (rows of X)."""
    return float(np.mean(loss(X[:, 0], X[:, 1], y, p)))


def gradient_of(X: np.ndarray, y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """∂J/∂params over the examples (rows of X), from the chain rule written out by the grader."""
    x1, x2 = X[:, 0], X[:, 1]
    o11, o12, y_hat = outputs(x1, x2, p)
    dy_hat = -2 * (y - y_hat)
    do11, do12 = dy_hat * p[6], dy_hat * p[7]
    return np.array([np.mean(g) for g in [do11 * x1, do11 * x2, do11, do12 * x1, do12 * x2, do12,
                                          dy_hat * o11, dy_hat * o12, dy_hat]])


def training_points(n_most: int, spread: float) -> Draw:
    """A draw of between 2 and `n_most` examples, their targets, and nine parameters."""
    def draw(rng: np.random.Generator) -> tuple:
        n = int(rng.integers(2, n_most + 1))
        return rng.normal(0, spread, (n, 2)), rng.normal(0, spread, n), rng.normal(0, 1, 9)
    return draw


def with_eta(draw: Draw) -> Draw:
    """The draw `draw` makes, and a learning rate after it."""
    return lambda rng: (*draw(rng), float(rng.uniform(0.01, 0.2)))
