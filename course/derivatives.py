"""Numerical derivatives: the independent reference every hand-written gradient is checked against.

The default step h = 1e-5 balances the two errors of a difference quotient: a larger h leaves
truncation error (the secant is not yet the tangent), a smaller one lets round-off dominate.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

DEFAULT_STEP = 1e-5


def forward_difference(f: Callable[[float], float], x: float, h: float = DEFAULT_STEP) -> float:
    """(f(x + h) - f(x)) / h: the slope of the secant just to the right of x."""
    _require_positive_step(h)
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable[[float], float], x: float, h: float = DEFAULT_STEP) -> float:
    """(f(x + h) - f(x - h)) / (2h): a secant centred on x, far more accurate for the same h."""
    _require_positive_step(h)
    return (f(x + h) - f(x - h)) / (2 * h)


def partial_derivative(f: Callable[..., float], point: Sequence[float], index: int, h: float = DEFAULT_STEP) -> float:
    """∂f/∂(argument number `index`) at `point`, the other arguments held constant.

    `f` takes the coordinates as separate arguments, as in f(x, y) = x**2 + y**2.
    """
    point = [float(value) for value in point]
    if not 0 <= index < len(point):
        raise IndexError(f"index {index} is out of range for a point with {len(point)} coordinates")

    def along_axis(value: float) -> float:
        moved = list(point)
        moved[index] = value
        return f(*moved)

    return central_difference(along_axis, point[index], h)


def numerical_gradient(f: Callable[[np.ndarray], Any], x: ArrayLike, h: float = DEFAULT_STEP) -> np.ndarray:
    """The gradient of a scalar function of one array of any shape, by central differences.

    Returns an array shaped like `x`; entry k is ∂f/∂x[k]. `x` itself is left unchanged.
    """
    _require_positive_step(h)
    x = np.array(x, dtype=float)  # a private copy: nudging it must not touch the caller's array
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        above = float(f(x))
        x[index] = original - h
        below = float(f(x))
        x[index] = original
        gradient[index] = (above - below) / (2 * h)
    return gradient


def _require_positive_step(h: float) -> None:
    if not h > 0:
        raise ValueError(f"the step h must be a positive number, got {h!r}")
