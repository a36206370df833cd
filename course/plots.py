"""Plot helpers: each draws on an `ax` it is given and returns the artists, so widgets can move them.

A drawing's dataclass (`SecantArtists`, ...) holds, as artists, exactly those its move_/update_ function changes:
`moving_artists` lists them, for a widget that repaints only what moved.

Nothing here calls `plt.show()` or touches pyplot's global state: a notebook makes the figure
(`fig, ax = plt.subplots()`), a widget makes its own with `new_figure`.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from numpy.typing import ArrayLike

from course.derivatives import DEFAULT_STEP, central_difference, partial_derivative
from course.graphs import Graph, depths

Interval = tuple[float, float]  # (low, high) along an axis


def new_figure(width: float = 6.0, height: float = 4.0, ncols: int = 1) -> tuple[Figure, Any]:
    """A figure outside pyplot, for widgets (never shown twice by the inline backend): (figure, ax or axes)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(1, ncols)
    return figure, axes


def moving_artists(*drawings: Any) -> list[Artist]:
    """The artists the move_/update_ functions change: every artist held by the drawings, in a field or a dict."""
    found = []
    for drawing in drawings:
        for field in fields(drawing):
            value = getattr(drawing, field.name)
            found += [each for each in (value.values() if isinstance(value, dict) else [value])
                      if isinstance(each, Artist)]
    return found


def plot_function(ax: Axes, f: Callable[[np.ndarray], ArrayLike], x_range: Interval,
                  label: str | None = None, samples: int = 400, **style: Any) -> Line2D:
    """Draw y = f(x) over x_range = (low, high); returns the line."""
    x = np.linspace(*x_range, samples)
    (line,) = ax.plot(x, f(x), label=label, **style)
    return line


@dataclass
class SecantArtists:
    """The artists of a secant drawing: the two points, the secant line, and the rise/run legs."""

    points: Line2D
    secant: Line2D
    legs: Line2D
    x_range: tuple[float, ...]


def secant_slope(f: Callable[[float], float], x1: float, x2: float) -> float | None:
    """The slope of the secant of f between x1 and x2, or None when the points coincide."""
    return None if x1 == x2 else (f(x2) - f(x1)) / (x2 - x1)


def draw_secant(ax: Axes, f: Callable[[float], float], x1: float, x2: float, x_range: Interval) -> SecantArtists:
    """Mark (x1, f(x1)) and (x2, f(x2)), the line through them, and its rise over run."""
    (points,) = ax.plot([], [], "o", color="C3", zorder=3)
    (secant,) = ax.plot([], [], "-", color="C3", label="secant")
    (legs,) = ax.plot([], [], ":", color="C2", label="run, then rise")
    artists = SecantArtists(points, secant, legs, tuple(x_range))
    move_secant(artists, f, x1, x2)
    return artists


def move_secant(artists: SecantArtists, f: Callable[[float], float], x1: float, x2: float) -> float | None:
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


def secant_figure(f: Callable[[Any], Any], x1: float, x2: float, x_range: Interval,
                  name: str = "f(x)") -> tuple[Figure, SecantArtists]:
    """A new figure of f with its secant between x1 and x2, titled and labelled; returns (figure, artists)."""
    figure, ax = new_figure()
    plot_function(ax, f, x_range, label=name)
    artists = draw_secant(ax, f, x1, x2, x_range)
    ax.set_xlim(*x_range)
    label_axes(ax, f"Secant of {name}: rise over run", "x", name)
    ax.legend(loc="upper left")
    return figure, artists


def label_axes(ax: Axes, title: str, xlabel: str = "x", ylabel: str = "y") -> None:
    """Title and axis labels in one call: every plot in the course has all three."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def draw_line(ax: Axes, x: float, y: float, slope: float, x_range: Interval, **style: Any) -> Line2D:
    """The straight line through (x, y) with the given slope, across x_range; returns it."""
    xs = np.array(x_range, dtype=float)
    (line,) = ax.plot(xs, y + slope * (xs - x), **style)
    return line


def plot_step_errors(ax: Axes, f: Callable[[float], float], df: Callable[[float], float], x: float,
                     steps: ArrayLike) -> tuple[Line2D, Line2D]:
    """Error of the forward and central differences of f at x against the step h, on log–log axes.

    `df` is the exact derivative. Returns the two lines; the dip of each marks its best h.
    """
    steps = np.asarray(steps, dtype=float)
    exact = df(x)
    # The two quotients of module 02, as the legend writes them (the toolbox itself measures another way).
    forward_error = [abs((f(x + h) - f(x)) / h - exact) for h in steps]
    central_error = [abs((f(x + h) - f(x - h)) / (2 * h) - exact) for h in steps]
    (forward_line,) = ax.loglog(steps, np.maximum(forward_error, 1e-17), "o-", label="forward: (f(x+h) − f(x)) / h")
    (central_line,) = ax.loglog(steps, np.maximum(central_error, 1e-17), "s-", label="central: (f(x+h) − f(x−h)) / 2h")
    ax.axvline(DEFAULT_STEP, color="grey", linestyle=":", label=f"h = {DEFAULT_STEP:g}, the course's default")
    label_axes(ax, "Error of a difference quotient against the step h", "step h", "|estimate − exact derivative|")
    ax.legend(fontsize="small")
    return forward_line, central_line


@dataclass
class SliceArtists:
    """A contour map with the point (x, y) and the line y = const, beside the slice z(·, y) with its tangent."""

    point: Line2D
    slice_line: Line2D
    curve: Line2D
    marker: Line2D
    tangent: Line2D
    grid: np.ndarray
    half_width: float


def draw_contour_slice(ax_map: Axes, ax_slice: Axes, f: Callable[..., Any], x: float, y: float,
                       extent: Interval, name: str = "z") -> SliceArtists:
    """Contours of z = f(x, y) on the left, the slice through the current y on the right."""
    grid = np.linspace(*extent, 201)
    gx, gy = np.meshgrid(grid, grid)
    heights = f(gx, gy)
    contours = ax_map.contour(gx, gy, heights, levels=12, cmap="viridis")
    ax_map.clabel(contours, fontsize="x-small")
    (slice_line,) = ax_map.plot(extent, [y, y], "--", color="C3", label="slice: y held constant")
    (point,) = ax_map.plot([x], [y], "o", color="C3")
    ax_map.set_aspect("equal")
    label_axes(ax_map, f"Contours of {name}(x, y)", "x", "y")
    ax_map.legend(loc="upper right", fontsize="small")

    (curve,) = ax_slice.plot([], [], color="C3", label=f"{name}(x, y) along the slice")
    (tangent,) = ax_slice.plot([], [], color="C1", label=f"slope ∂{name}/∂x")
    (marker,) = ax_slice.plot([], [], "o", color="C3")
    ax_slice.set_xlim(*extent)
    ax_slice.set_ylim(heights.min(), heights.max())
    label_axes(ax_slice, "The slice at the current y", "x", name)
    ax_slice.legend(loc="upper center", fontsize="small")
    artists = SliceArtists(point, slice_line, curve, marker, tangent, grid, (extent[1] - extent[0]) / 6)
    move_contour_slice(artists, f, x, y)
    return artists


def move_contour_slice(artists: SliceArtists, f: Callable[..., Any], x: float, y: float) -> float:
    """Move the point and the slice to (x, y), in place; returns ∂f/∂x there (measured by a nudge)."""
    z = f(x, y)
    slope = partial_derivative(f, (x, y), 0)
    artists.point.set_data([x], [y])
    artists.slice_line.set_ydata([y, y])
    artists.curve.set_data(artists.grid, f(artists.grid, y))
    artists.marker.set_data([x], [z])
    near = np.array([x - artists.half_width, x + artists.half_width])
    artists.tangent.set_data(near, z + slope * (near - x))
    return slope


@dataclass
class GraphArtists:
    """One text box per node of a computation graph, and what each box says besides the numbers."""

    texts: dict[str, Text]
    formulas: dict[str, str]
    output: str


def draw_graph(ax: Axes, graph: Graph, values: Mapping[str, float], gradients: Mapping[str, float], output: str = "J",
               hidden: Collection[str] = ()) -> GraphArtists:
    """A computation graph: one box per node with its value and gradient, arrows from inputs to output.

    `hidden` nodes (the weights of a network, say) get no box and no arrows: show them another way.
    """
    inputs = [name for name in values if name not in graph and name not in hidden]
    depth = {name: column for name, column in depths(graph, dict.fromkeys([*inputs, *hidden], 0)).items()
             if name not in hidden}
    columns: dict[int, list[str]] = {}
    for name, column in depth.items():
        columns.setdefault(column, []).append(name)
    position = {}
    for column, names in columns.items():
        for row, name in enumerate(names):
            position[name] = (column, (len(names) - 1) / 2 - row)
    texts = {}
    for name, (x, y) in position.items():
        texts[name] = ax.text(x, y, "", ha="center", va="center", fontsize="small",
                              bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "C0"})
    for name, (_function, parents, _formula) in graph.items():
        shown = [parent for parent in parents if parent not in hidden]
        for use, parent in enumerate(shown):
            # One arrow per use: a parent used twice (f = a·a) gets two, bent apart so that both show.
            uses, before = shown.count(parent), shown[:use].count(parent)
            bend = 0.5 * (before - (uses - 1) / 2)
            # Anchored to the boxes themselves: from the right edge of the parent to the left edge of the child.
            ax.annotate("", xy=(0, 0.5), xycoords=texts[name], xytext=(1, 0.5), textcoords=texts[parent],
                        arrowprops={"arrowstyle": "->", "color": "grey", "shrinkA": 6, "shrinkB": 6,
                                    "connectionstyle": f"arc3,rad={bend:g}"})
    ax.set_xlim(-0.6, max(depth.values()) + 0.6)
    tallest = max(len(names) for names in columns.values())
    ax.set_ylim(-tallest / 2 - 0.2, tallest / 2 + 0.2)
    ax.set_axis_off()
    ax.set_title(f"Forward: values left to right. Backward: ∂{output}/∂node right to left")
    artists = GraphArtists(texts, {name: step[2] for name, step in graph.items()}, output)
    update_graph(artists, values, gradients)
    return artists


def update_graph(artists: GraphArtists, values: Mapping[str, float], gradients: Mapping[str, float]) -> None:
    """Rewrite each node's box in place: its formula, its value and d(output)/d(node)."""
    for name, text in artists.texts.items():
        head = f"{name} = {artists.formulas[name]}" if name in artists.formulas else name
        text.set_text(f"{head}\n= {values[name]:.4f}\n∂{artists.output}/∂{name} = {gradients[name]:.4f}")


@dataclass
class FitArtists:
    """A line ŷ = m·x + b over the data, and the residuals from each point to it."""

    line: Line2D
    residuals: Line2D
    x: np.ndarray
    y: np.ndarray


def draw_fit(ax: Axes, x: ArrayLike, y: ArrayLike, m: float, b: float, xlabel: str = "x",
             ylabel: str = "y") -> FitArtists:
    """The data as points, the line ŷ = m·x + b, and each residual as a vertical segment."""
    ax.plot(x, y, "o", color="C0", label="data (x, y)")
    (line,) = ax.plot([], [], color="C3", label="line ŷ = m·x + b")
    (residuals,) = ax.plot([], [], color="C1", linewidth=1, label="residuals ŷ − y")
    label_axes(ax, "A line through the data, and how far it misses", xlabel, ylabel)
    ax.legend(loc="upper left", fontsize="small")
    artists = FitArtists(line, residuals, np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    move_fit(artists, m, b)
    return artists


def move_fit(artists: FitArtists, m: float, b: float) -> None:
    """Move the line to slope m and intercept b, in place, and redraw the residuals."""
    x, y = artists.x, artists.y
    span = np.array([x.min(), x.max()])
    artists.line.set_data(span, m * span + b)
    y_hat = m * x + b
    # One polyline for all residuals: NaN breaks it between segments, so it stays a single artist.
    artists.residuals.set_data(np.column_stack([x, x, np.full_like(x, np.nan)]).ravel(),
                               np.column_stack([y, y_hat, np.full_like(x, np.nan)]).ravel())


def cost_grid(cost: Callable[[float, float], float], m_range: Interval, b_range: Interval,
              samples: int = 81) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """cost(m, b) on a grid: (m values, b values, costs with rows along b)."""
    ms, bs = np.linspace(*m_range, samples), np.linspace(*b_range, samples)
    return ms, bs, np.array([[cost(m, b) for m in ms] for b in bs])


@dataclass
class DescentArtists:
    """Contours of the cost over (m, b) and the path gradient descent has taken across them."""

    path: Line2D
    head: Line2D


def draw_descent(ax: Axes, cost: Callable[[float, float], float], m_range: Interval,
                 b_range: Interval, start: Sequence[float]) -> DescentArtists:
    """Contours of cost(m, b) with the path of gradient descent, which starts at `start`."""
    ms, bs, costs = cost_grid(cost, m_range, b_range)
    levels = np.quantile(costs, np.linspace(0, 1, 16) ** 2)  # denser near the minimum, where the path ends
    ax.contour(ms, bs, costs, levels=np.unique(levels), cmap="viridis", linewidths=0.8)
    (path,) = ax.plot([start[0]], [start[1]], ".-", color="C3", label="gradient descent")
    (head,) = ax.plot([start[0]], [start[1]], "o", color="C3")
    ax.set_xlim(*m_range)
    ax.set_ylim(*b_range)
    label_axes(ax, "The cost J(m, b), and the steps of gradient descent", "slope m", "intercept b")
    ax.legend(loc="upper right", fontsize="small")
    return DescentArtists(path, head)


def move_descent(artists: DescentArtists, path: ArrayLike) -> None:
    """Show the path [(m, b), ...] walked so far, in place."""
    path = np.asarray(path, dtype=float)
    artists.path.set_data(path[:, 0], path[:, 1])
    artists.head.set_data(path[-1:, 0], path[-1:, 1])


@dataclass
class BoundaryArtists:
    """The decision boundary w·x + b = 0 of a logistic model over 2-D data, and where one step would move it."""

    boundary: Line2D
    stepped: Line2D
    x_span: Interval
    y_span: Interval


def boundary_points(x_span: Interval, y_span: Interval, w: ArrayLike, b: float) -> tuple[list[float], list[float]]:
    """Two points of the line w·x + b = 0 that span the plot, or none when w = 0 (then there is no boundary)."""
    w1, w2 = np.asarray(w, dtype=float)
    if abs(w2) > 1e-12:
        x1 = np.array(x_span, dtype=float)
        return x1.tolist(), (-(w1 * x1 + b) / w2).tolist()
    if abs(w1) > 1e-12:  # a vertical boundary, x₁ = −b / w₁
        return [-b / w1] * 2, list(y_span)
    return [], []  # w = 0: every point gets ŷ = σ(b)


def draw_boundary(ax: Axes, X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float,
                  step_label: str = "after one step against the gradient", legend: bool = True) -> BoundaryArtists:
    """The two classes of X as points, the line where w·x + b = 0 (where ŷ = σ(w·x + b) = 0.5), and a dotted line
    (`step_label`) for the boundary after one step of gradient descent, drawn once `move_boundary` is given it.

    `legend=False` leaves the legend to the caller (a widget whose lines move puts it outside the axes)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    ax.plot(*X[y == 0].T, "o", color="C0", label="y = 0")
    ax.plot(*X[y == 1].T, "^", color="C3", label="y = 1")
    (boundary,) = ax.plot([], [], color="black", label="boundary: w·x + b = 0")
    (stepped,) = ax.plot([], [], color="grey", linestyle=":", label=step_label)
    margin = 0.5
    ax.set_xlim(X[:, 0].min() - margin, X[:, 0].max() + margin)
    ax.set_ylim(X[:, 1].min() - margin, X[:, 1].max() + margin)
    label_axes(ax, "Decision boundary: ŷ = 0.5 along the line", "feature x₁", "feature x₂")
    if legend:
        ax.legend(loc="upper left", fontsize="small")
    artists = BoundaryArtists(boundary, stepped, ax.get_xlim(), ax.get_ylim())
    move_boundary(artists, w, b)
    return artists


def move_boundary(artists: BoundaryArtists, w: ArrayLike, b: float,
                  step: tuple[ArrayLike, float] | None = None) -> None:
    """Move the boundary line to weights w = (w1, w2) and bias b, in place; `step` = (w, b) after one step of
    gradient descent places the dotted line (None leaves it out)."""
    artists.boundary.set_data(*boundary_points(artists.x_span, artists.y_span, w, b))
    artists.stepped.set_data(*(boundary_points(artists.x_span, artists.y_span, *step) if step else ([], [])))


@dataclass
class PredictionArtists:
    """Each example at its score z and its prediction ŷ = σ(z), one marker per label, over the curve of σ."""

    negatives: Line2D
    positives: Line2D
    labels: np.ndarray
    z_span: Interval


def draw_predictions(ax: Axes, y: ArrayLike, z_span: Interval = (-10.0, 10.0),
                     legend: bool = True) -> PredictionArtists:
    """The sigmoid over z_span and a line at ŷ = 0.5; `move_predictions` puts the examples (labels y) on it."""
    z = np.linspace(*z_span, 201)
    # σ(z) = e^(−log(1 + e^(−z))): the same curve as 1 / (1 + e^(−z)), without overflow at any z.
    ax.plot(z, np.exp(-np.logaddexp(0, -z)), color="grey", label="ŷ = σ(z)")
    ax.axhline(0.5, color="black", linewidth=0.8, linestyle=":", label="ŷ = 0.5, the boundary")
    (negatives,) = ax.plot([], [], "o", color="C0", alpha=0.6, label="y = 0")
    (positives,) = ax.plot([], [], "^", color="C3", alpha=0.6, label="y = 1")
    ax.set_xlim(*z_span)
    ax.set_ylim(-0.05, 1.05)
    label_axes(ax, "Each example's prediction ŷ", "score z = w·x + b", "prediction ŷ")
    if legend:
        ax.legend(loc="upper left", fontsize="small")
    return PredictionArtists(negatives, positives, np.asarray(y), (float(z_span[0]), float(z_span[1])))


def move_predictions(artists: PredictionArtists, z: ArrayLike, y_hat: ArrayLike) -> None:
    """Put each example at (z, ŷ), in place; a score beyond the axis is drawn at its edge."""
    scores, predictions = np.clip(np.asarray(z, dtype=float), *artists.z_span), np.asarray(y_hat, dtype=float)
    negative = artists.labels == 0
    artists.negatives.set_data(scores[negative], predictions[negative])
    artists.positives.set_data(scores[~negative], predictions[~negative])


def check_figure(function: Callable[[float], Any], known: Sequence[tuple[float, float]],
                 derivative_of: Callable[[float], Any] | None, name: str, told: str) -> Figure:
    """The learner's `function` as a curve, the right values `known` [(x, value)] as dots, and, for a derivative
    exercise, the numerical derivative of `derivative_of` as a dashed curve: where they part is the mistake."""
    figure, ax = new_figure(6.0, 3.8)
    xs = [x for x, _ in known]
    span = max(max(xs) - min(xs), 1.0)
    low, high = min(xs) - 0.15 * span, max(xs) + 0.15 * span
    if derivative_of is not None and all(x > 0 for x in xs) and not _defined_at(derivative_of, low):
        low = min(xs) / 2  # ln x and the like: stay where the function is defined
    grid = np.linspace(low, high, 200)
    values = []
    for x in grid:  # point by point: the learner's function may take one number at a time
        try:
            values.append(float(function(float(x))))
        except Exception:  # a point where it fails is a gap in its curve, and its check says why
            values.append(np.nan)
    ax.plot(grid, values, color="C0", label=f"your {name}")
    if derivative_of is not None:
        with np.errstate(all="ignore"):
            slopes = [central_difference(derivative_of, float(x)) for x in grid]
        ax.plot(grid, slopes, "--", color="C2", label="a numerical derivative")
    ax.plot(xs, [value for _, value in known], "o", color="C3", label=told or "the right values")
    label_axes(ax, f"{name} against the right values of its check", "x", f"{name}(x)")
    ax.legend(fontsize="small")
    return figure


def _defined_at(f: Callable[[float], Any], x: float) -> bool:
    with np.errstate(all="ignore"):
        try:
            return bool(np.isfinite(f(x)))
        except (ValueError, ArithmeticError):
            return False
