"""Numerical derivatives: the independent reference every hand-written gradient is checked against.

The learner builds the two-point quotients in modules 02 and 03; the toolbox measures with another
rule, the five-point central stencil

    f'(x) ≈ (f(x − 2h) − 8 f(x − h) + 8 f(x + h) − f(x + 2h)) / 12h,

which is exact for polynomials up to degree four and off by about h⁴/30·|f⁽⁵⁾| otherwise. With
h = 1e-4 that is below 1e-17·|f⁽⁵⁾|, and round-off adds about 1.5·ε·|f|/h ≈ 3e-12·|f|: an order of
magnitude or more closer than the learner's central difference can get, so it can judge it. (Being
another rule, it is also no answer to copy.)

DEFAULT_STEP is the step of the quotients the learner writes: h = 1e-5 balances the truncation of a
two-point quotient (the secant is not yet the tangent) against round-off.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

DEFAULT_STEP = 1e-5  # the step of the learner's difference quotients
STENCIL_STEP = 1e-4  # the toolbox's step: the five-point stencil's errors balance near here
STENCIL = ((-2, 1.0), (-1, -8.0), (1, 8.0), (2, -1.0))  # (multiple of h, weight), all over 12h


def central_difference(f: Callable[[float], float], x: float, h: float = STENCIL_STEP) -> float:
    """f′(x) by the five-point central stencil with step h (see the module docstring for its accuracy)."""
    _require_positive_step(h)
    return sum(weight * f(x + k * h) for k, weight in STENCIL) / (12 * h)


def partial_derivative(f: Callable[..., Any], point: Sequence[float], index: int, h: float = STENCIL_STEP) -> float:
    """∂f/∂(argument number `index`) at `point`, the other arguments held constant.

    `f` takes the coordinates as separate arguments, as in f(x, y) = x**2 + y**2.
    """
    coordinates = [float(value) for value in point]
    if not 0 <= index < len(coordinates):
        raise IndexError(f"index {index} is out of range for a point with {len(coordinates)} coordinates")

    def along_axis(value: float) -> Any:
        moved = list(coordinates)
        moved[index] = value
        return f(*moved)

    return central_difference(along_axis, coordinates[index], h)


def numerical_gradient(f: Callable[[np.ndarray], Any], x: ArrayLike, h: float = STENCIL_STEP) -> np.ndarray:
    """The gradient of a scalar function of one array of any shape, by the five-point stencil.

    Returns an array shaped like `x`; entry k is ∂f/∂x[k]. `x` itself is left unchanged.
    """
    _require_positive_step(h)
    moved = np.array(x, dtype=float)  # a private copy: nudging it must not touch the caller's array
    gradient = np.zeros_like(moved)
    for index in np.ndindex(moved.shape):
        original = moved[index]
        total = 0.0
        for k, weight in STENCIL:
            moved[index] = original + k * h
            total += weight * float(f(moved))
        moved[index] = original
        gradient[index] = total / (12 * h)
    return gradient


def _require_positive_step(h: float) -> None:
    if not h > 0:
        raise ValueError(f"the step h must be a positive number, got {h!r}")
