"""Plot helpers: each draws on an `ax` it is given and returns the artists, so widgets can move them.

Nothing here calls `plt.show()` or touches pyplot's global state: a notebook makes the figure
(`fig, ax = plt.subplots()`), a widget makes its own with `new_figure`.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure


def new_figure(width=6.0, height=4.0):
    """A figure outside pyplot, for widgets: it is never shown twice by the inline backend."""
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def plot_function(ax, f, x_range, label=None, samples=400, **style):
    """Draw y = f(x) over x_range = (low, high); returns the line."""
    x = np.linspace(*x_range, samples)
    (line,) = ax.plot(x, f(x), label=label, **style)
    return line


@dataclass
class SecantArtists:
    """The artists of a secant drawing: the two points, the secant line, and the rise/run legs."""

    points: object
    secant: object
    legs: object
    x_range: tuple


def secant_slope(f, x1, x2):
    """The slope of the secant of f between x1 and x2, or None when the points coincide."""
    return None if x1 == x2 else (f(x2) - f(x1)) / (x2 - x1)


def draw_secant(ax, f, x1, x2, x_range):
    """Mark (x1, f(x1)) and (x2, f(x2)), the line through them, and its rise over run."""
    (points,) = ax.plot([], [], "o", color="C3", zorder=3)
    (secant,) = ax.plot([], [], "-", color="C3", label="secant")
    (legs,) = ax.plot([], [], ":", color="C2", label="run, then rise")
    artists = SecantArtists(points, secant, legs, tuple(x_range))
    move_secant(artists, f, x1, x2)
    return artists


def move_secant(artists, f, x1, x2):
    """Move an existing secant drawing to new points, in place; returns its slope (None if x1 == x2)."""
    y1, y2 = f(x1), f(x2)
    artists.points.set_data([x1, x2], [y1, y2])
    artists.legs.set_data([x1, x2, x2], [y1, y1, y2])
    slope = secant_slope(f, x1, x2)
    if slope is None:
        artists.secant.set_data([], [])
    else:
        x = np.array(artists.x_range)
        artists.secant.set_data(x, y1 + slope * (x - x1))
    return slope


def secant_figure(f, x1, x2, x_range, name="f(x)"):
    """A new figure of f with its secant between x1 and x2, titled and labelled; returns (figure, artists)."""
    figure, ax = new_figure()
    plot_function(ax, f, x_range, label=name)
    artists = draw_secant(ax, f, x1, x2, x_range)
    ax.set_xlim(*x_range)
    label_axes(ax, f"Secant of {name}: rise over run", "x", name)
    ax.legend(loc="upper left")
    return figure, artists


def label_axes(ax, title, xlabel="x", ylabel="y"):
    """Title and axis labels in one call: every plot in the course has all three."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
