"""The small data sets the course uses: one shipped table, and generators with a fixed seed."""

import csv
from importlib import resources

import numpy as np


def load_bmi() -> tuple[np.ndarray, np.ndarray]:
    """The Height/Weight → BMI table of module 5: X (4×2: height in cm, weight in kg) and y (BMI)."""
    with resources.files("course.data").joinpath("bmi.csv").open(encoding="utf-8") as handle:
        rows = [[float(value) for value in row.values()] for row in csv.DictReader(handle)]
    table = np.array(rows)
    return table[:, :2], table[:, 2]


def noisy_line(n: int = 30, slope: float = 2.0, intercept: float = 1.0, noise: float = 0.5,
               seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points near the line y = slope·x + intercept, x in [0, 5]: data for a first regression."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 5, n))
    return x, slope * x + intercept + rng.normal(0, noise, n)


def two_blobs(n: int = 100, separation: float = 2.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points in 2-D from two Gaussian clouds: X (n×2) and labels y in {0, 1}, half each."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0.0, 1.0], [n - n // 2, n // 2])
    centres = np.where(y[:, None] == 1, separation / 2, -separation / 2)
    X = centres + rng.normal(0, 1, (n, 2))
    return X, y
