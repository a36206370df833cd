"""Functions the exercises are tried on: the f passed to a learner's numerical_partial, gradient, ...

Check files name them ({"function": "course.examples.bowl"}) instead of holding code, so a visible
check can pass one to the learner's function. None of them is an answer to an exercise.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # each function imports NumPy itself, when it is called
    import numpy as np


# --- module 02 ---


def cube(x: float) -> float:
    """x³: what d_cube differentiates."""
    return x**3

# --- module 03 ---


def bowl(x: float, y: float) -> float:
    """x² + y²."""
    return x**2 + y**2


def product(x: float, y: float, z: float) -> float:
    """x·y·z."""
    return x * y * z


def cubic(x: float, y: float, z: float) -> float:
    """x²y + y³ + xz²: its third derivative in y is 6, so a central difference with a large step is off."""
    return x**2 * y + y**3 + x * z**2


def tilted_bowl(x: float, y: float) -> float:
    """2x² + xy + 3y² − y."""
    return 2 * x**2 + x * y + 3 * y**2 - y


def lifted(x: float, y: float) -> float:
    """x²(1 + y²) + eʸ."""
    import numpy as np

    return x**2 * (1 + y**2) + np.exp(y)


def quartic(x: float, y: float, z: float) -> float:
    """x²(2 + y²) + y²(1 + z²) + z²(3 + x²) − x + 2y."""
    return x**2 * (2 + y**2) + y**2 * (1 + z**2) + z**2 * (3 + x**2) - x + 2 * y


def mixed(x: float, y: float, z: float) -> float:
    """eˣ + 2y² + 3z² + xyz."""
    import numpy as np

    return np.exp(x) + 2 * y**2 + 3 * z**2 + x * y * z


def wave(x: float, y: float, z: float) -> float:
    """sin(x)·y² + x·z² + y."""
    import numpy as np

    return np.sin(x) * y**2 + x * z**2 + y


def saddle(x: float, y: float) -> float:
    """x² − 3y² + xy."""
    return x**2 - 3 * y**2 + x * y


def rippled(x: float, y: float) -> float:
    """x² + 4y² + sin(xy)."""
    import numpy as np

    return x**2 + 4 * y**2 + np.sin(x * y)


def pairs(x: float, y: float, z: float) -> float:
    """xy + yz + zx + x² − z."""
    return x * y + y * z + z * x + x**2 - z


def growth(x: float, y: float, z: float) -> float:
    """e^(x/2)·y + z³ − yz."""
    import numpy as np

    return np.exp(0.5 * x) * y + z**3 - y * z


# --- module 04 ---

# --- module 05 ---


def trained_parameters(result: Any) -> "np.ndarray":
    """(w₁, …, w_d, b) from the (w, b, history) that train returns."""
    import numpy as np

    w, b, history = result
    return np.append(w, b)


# --- module 06 ---

# --- module 07 ---


def drops_in_loss(result: Any) -> float:
    """How many times the recorded mean loss fell from one step to the next, in train's (params, history)."""
    import numpy as np

    history = np.asarray(result[1], dtype=float)
    return float(np.sum(np.diff(history) < 0))

