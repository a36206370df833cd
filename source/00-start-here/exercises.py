"""Module 00's exercise: where the warm-up `fahrenheit` is checked, and how closely."""

import numpy as np

from autograder.spec import Exercise, Grade, Mistake, Tolerance

EXERCISES = [
    Exercise(
        "fahrenheit",
        tolerance=Tolerance(1e-12, 1e-12, "a multiplication, a division and an addition: only round-off differs"),
        grades=(
            # Freezing, boiling, body heat and −40, where both scales agree; one array of them.
            Grade("test_fahrenheit_values", points=[0, 100, 37, -40, np.array([0.0, 100.0])]),
            Grade("test_fahrenheit_hidden", hidden=True, count=10, seed=0,
                  points=lambda rng: (rng.uniform(-60, 120, size=rng.integers(1, 5)) if rng.random() < 0.5
                                      else float(rng.uniform(-100, 200)))),
        ),
        mistakes=(Mistake("the 32 is added before multiplying: 9/5·(C + 32) where 9/5·C + 32 belongs",
                          lambda expected, celsius: 9 / 5 * (celsius + 32)),),
    ),
]
