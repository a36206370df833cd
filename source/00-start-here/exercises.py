"""Module 00's exercise: where `square` is checked, and how closely."""

from autograder.spec import Exercise, Grade, Tolerance

EXERCISES = [
    Exercise(
        "square",
        tolerance=Tolerance(1e-12, 1e-12, "one multiplication: only round-off differs"),
        grades=(
            Grade("test_square_values", points=[0, 3, -2, 0.5]),
            Grade("test_square_hidden", hidden=True, count=10, seed=0,
                  points=lambda rng: (rng.normal(0, 10, size=rng.integers(1, 5)) if rng.random() < 0.5
                                      else float(rng.uniform(-100, 100)))),
        ),
    ),
]
