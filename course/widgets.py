"""Nudge widgets: sliders wired to the plot helpers, redrawing the same figure in place.

Each figure is rendered to PNG and shown in an `ipywidgets.Image`, so the widgets need nothing but
ipywidgets in the front end (JupyterLab 4 and Notebook 7 alike) and cost one small render when a
notebook runs headless, where nobody moves a slider.
"""

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from course.derivatives import central_difference, numerical_gradient, partial_derivative
from course.graphs import Graph, forward, nudge_gradients, output_of
from course.plots import (
    Interval,
    draw_boundary,
    draw_contour_slice,
    draw_descent,
    draw_fit,
    draw_graph,
    draw_line,
    draw_predictions,
    move_boundary,
    move_contour_slice,
    move_descent,
    move_fit,
    move_predictions,
    move_secant,
    new_figure,
    secant_figure,
    update_graph,
)


class FigureImage:
    """A matplotlib figure shown as an image widget; `refresh()` re-renders it after artists move.

    With `moving` artists, only those are redrawn: the first render (by `print_png`, like every other plot) also
    keeps the rest of the figure, its axes, text and data, as a background that each refresh paints them over.
    """

    def __init__(self, figure: Figure, moving: Sequence[Artist] = ()) -> None:
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.moving = list(moving)
        self.background: Any = None
        # Shown at its own pixel size: stretched to the cell's width, the PNG would look blurred.
        width = round(figure.get_figwidth() * figure.dpi)
        self.widget = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.refresh()
        # The first render placed everything; freezing that layout makes each later redraw
        # about twice as fast (benchmarks/widgets.py), and the sliders never resize the figure.
        figure.set_layout_engine("none")
        if self.moving:
            for artist in self.moving:
                artist.set_visible(False)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(figure.bbox)
            for artist in self.moving:
                artist.set_visible(True)

    def refresh(self) -> None:
        buffer = io.BytesIO()
        if self.background is None:
            self.canvas.print_png(buffer)
        else:
            self.canvas.restore_region(self.background)
            for artist in self.moving:
                self.figure.draw_artist(artist)
            width, height = self.canvas.get_width_height()
            PIL.Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
                buffer, format="png")
        self.widget.value = buffer.getvalue()


def nudge_slider(description: str, value: float, low: float, high: float, step: float) -> widgets.FloatSlider:
    """A labelled float slider that reports only when released, so each nudge is one redraw."""
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=False, readout_format=".3f", style={"description_width": "initial"},
        layout=widgets.Layout(width="28em"),
    )


def nudge_widget(f: Callable[[float], float], start: float = 2.0, low: float = 0.0, high: float = 10.0,
                 step: float = 0.001, name: str = "f") -> widgets.VBox:
    """An input a, a button that nudges it by `step`, and what that does to f(a): the heart of calculus."""
    slider = nudge_slider("input a", start, low, high, step)
    nudge = widgets.Button(description=f"nudge a by +{step:g}")
    reset = widgets.Button(description=f"back to a = {start:g}")
    readout = widgets.HTML()

    def update(_change: object = None) -> None:
        a, run = slider.value, slider.value - start
        rise = f(a) - f(start)
        ratio = f"{rise / run:.4f}" if run else "— (nudge a first)"
        readout.value = (f"a = {a:.3f} → {name}(a) = <b>{f(a):.3f}</b><br>"
                         f"nudge Δa = {run:+.3f}, change Δ{name} = {rise:+.3f}, Δ{name} / Δa = <b>{ratio}</b>")

    nudge.on_click(lambda _button: setattr(slider, "value", round(slider.value + step, 10)))
    reset.on_click(lambda _button: setattr(slider, "value", start))
    slider.observe(update, names="value")
    update()
    return widgets.VBox([slider, widgets.HBox([nudge, reset]), readout])


def secant_widget(f: Callable[[float], float], x1: float = 1.0, x2: float = 3.0, x_range: Interval = (0.0, 4.0),
                  name: str = "f(x)") -> widgets.VBox:
    """Two points on the curve of f; slide the second towards the first and watch the secant's slope."""
    figure, artists = secant_figure(f, x1, x2, x_range, name)
    image = FigureImage(figure)

    first = nudge_slider("first point x₁", x1, *x_range, 0.01)
    second = nudge_slider("second point x₂", x2, *x_range, 0.01)
    readout = widgets.HTML()

    def update(_change: object = None) -> None:
        slope = move_secant(artists, f, first.value, second.value)
        if slope is None:
            readout.value = "The points coincide: there is no secant, and no slope to compute (run = 0)."
        else:
            rise, run = f(second.value) - f(first.value), second.value - first.value
            readout.value = f"slope = rise / run = {rise:.4f} / {run:.4f} = <b>{slope:.4f}</b>"
        image.refresh()

    update()
    first.observe(update, names="value")
    second.observe(update, names="value")
    return widgets.VBox([first, second, readout, image.widget])


def limit_widget(f: Callable[[float], float], x: float = 1.0, x_range: Interval = (-0.5, 3.5),
                 name: str = "f(x)") -> widgets.VBox:
    """Shrink the step h and watch the secant from x to x + h turn into the tangent at x."""
    h_start = 1.0
    figure, artists = secant_figure(f, x, x + h_start, x_range, name)
    tangent_slope = central_difference(f, x)
    draw_line(figure.axes[0], x, f(x), tangent_slope, x_range, color="C1", linestyle="--", label="tangent at x")
    figure.axes[0].legend(loc="upper left")
    figure.axes[0].set_title(f"Secant of {name} from x to x + h, and the tangent at x = {x:g}")
    image = FigureImage(figure)
    step = widgets.FloatLogSlider(value=h_start, base=10, min=-3, max=0.3, step=0.01, description="step h",
                                  continuous_update=False, readout_format=".4f", layout=widgets.Layout(width="28em"))
    readout = widgets.HTML()

    def update(_change: object = None) -> None:
        h = step.value
        quotient = move_secant(artists, f, x, x + h)
        assert quotient is not None  # h > 0: the two points never coincide
        readout.value = (f"h = {h:.4f}: Δy/Δx = (f({x:g} + h) − f({x:g})) / h = <b>{quotient:.4f}</b>; "
                         f"the tangent's slope is {tangent_slope:.4f} (gap {quotient - tangent_slope:+.4f})")
        image.refresh()

    update()
    step.observe(update, names="value")
    return widgets.VBox([step, readout, image.widget])


def partial_widget(f: Callable[..., Any], x: float = 1.0, y: float = 1.0, extent: Interval = (-3.0, 3.0),
                   name: str = "z") -> widgets.VBox:
    """Nudge x and y on a contour map of f and watch the slice at the current y, with its slope ∂f/∂x."""
    figure, (ax_map, ax_slice) = new_figure(10.0, 4.2, ncols=2)
    artists = draw_contour_slice(ax_map, ax_slice, f, x, y, extent, name)
    image = FigureImage(figure)
    x_slider = nudge_slider("x", x, *extent, 0.01)
    y_slider = nudge_slider("y (held constant along the slice)", y, *extent, 0.01)
    readout = widgets.HTML()

    def update(_change: object = None) -> None:
        x_now, y_now = x_slider.value, y_slider.value
        slope_x = move_contour_slice(artists, f, x_now, y_now)
        slope_y = partial_derivative(f, (x_now, y_now), 1)
        readout.value = (f"{name}({x_now:.2f}, {y_now:.2f}) = <b>{f(x_now, y_now):.4f}</b>; measured by nudging: "
                         f"∂{name}/∂x ≈ <b>{slope_x:.4f}</b>, ∂{name}/∂y ≈ <b>{slope_y:.4f}</b>")
        image.refresh()

    update()
    x_slider.observe(update, names="value")
    y_slider.observe(update, names="value")
    return widgets.VBox([x_slider, y_slider, readout, image.widget])


def change_readout(graph: Graph, start: Mapping[str, float], now: Mapping[str, float]) -> str:
    """The output at `start` and `now`, and its change: predicted by the gradients at the start, and actual."""
    output = output_of(graph)
    before, after = forward(graph, start)[output], forward(graph, now)[output]
    start_gradients = nudge_gradients(graph, start)
    predicted = sum(start_gradients[name] * (now[name] - start[name]) for name in now)
    return (f"{output} at the start: {before:.4f}; now: <b>{after:.4f}</b><br>predicted change "
            f"Σ ∂{output}/∂x · Δx = <b>{predicted:+.6f}</b>; actual change = <b>{after - before:+.6f}</b>")


def graph_widget(graph: Graph, inputs: Mapping[str, float], step: float = 0.001) -> widgets.VBox:
    """A computation graph with a slider per input: the change of the output the gradients predict, and the actual one.

    The start point is where the sliders begin; "make this the start" moves it to where they are now.
    """
    output = output_of(graph)
    start = dict(inputs)
    values, gradients = forward(graph, start), nudge_gradients(graph, start)
    figure, ax = new_figure(8.0, 3.8)
    artists = draw_graph(ax, graph, values, gradients, output)
    image = FigureImage(figure)
    sliders = {name: nudge_slider(name, value, value - 5, value + 5, step) for name, value in inputs.items()}
    buttons = {name: widgets.Button(description=f"{name} + {step:g}", layout=widgets.Layout(width="8em"))
               for name in inputs}
    restart = widgets.Button(description="make this the start")
    readout = widgets.HTML()

    def update(_change: object = None) -> None:
        now = {name: slider.value for name, slider in sliders.items()}
        values, gradients = forward(graph, now), nudge_gradients(graph, now)
        update_graph(artists, values, gradients)
        readout.value = change_readout(graph, start, now)
        image.refresh()

    def nudge(name: str) -> None:
        sliders[name].value = round(sliders[name].value + step, 10)

    def make_start(_button: object) -> None:
        start.update({name: slider.value for name, slider in sliders.items()})
        update()

    for name, button in buttons.items():
        button.on_click(lambda _button, name=name: nudge(name))
    restart.on_click(make_start)
    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    rows = [widgets.HBox([sliders[name], buttons[name]]) for name in inputs]
    return widgets.VBox([*rows, restart, readout, image.widget])


def network_widget(graph: Graph, inputs: Mapping[str, float], parameters: Sequence[str],
                   step: float = 0.001) -> widgets.VBox:
    """A small network as a computation graph: pick one weight, nudge it, and watch the loss.

    `inputs` holds the data (x₁, x₂, y) and every parameter; `parameters` names the parameters, which are
    listed in a table with their gradients rather than drawn as boxes.
    """
    output = output_of(graph)
    start, now = dict(inputs), dict(inputs)
    figure, ax = new_figure(9.0, 4.2)
    artists = draw_graph(ax, graph, forward(graph, now), nudge_gradients(graph, now), output, hidden=parameters)
    ax.set_title(f"Values and ∂{output}/∂node, measured by nudging")
    image = FigureImage(figure)
    chosen = widgets.Dropdown(options=list(parameters), description="parameter")
    value = nudge_slider("its value", start[parameters[0]], start[parameters[0]] - 2, start[parameters[0]] + 2, step)
    nudge = widgets.Button(description=f"+ {step:g}")
    restart = widgets.Button(description="make this the start")
    readout, table = widgets.HTML(), widgets.HTML()

    def update(_change: object = None) -> None:
        now[chosen.value] = value.value
        values, gradients = forward(graph, now), nudge_gradients(graph, now)
        update_graph(artists, values, gradients)
        rows = "".join(f"<tr><td>{name}</td><td>{now[name]:.4f}</td><td>{gradients[name]:+.4f}</td></tr>"
                       for name in parameters)
        table.value = f"<table><tr><th>parameter</th><th>value</th><th>∂{output}/∂parameter</th></tr>{rows}</table>"
        readout.value = change_readout(graph, start, now)
        image.refresh()

    def choose(_change: object) -> None:
        centre = now[chosen.value]
        value.unobserve(update, names="value")  # moving the slider to a new parameter is not a nudge
        value.min, value.max = min(value.min, centre - 2), max(value.max, centre + 2)
        value.value = centre
        value.min, value.max = centre - 2, centre + 2
        value.observe(update, names="value")

    def make_start(_button: object) -> None:
        start.update(now)
        update()

    chosen.observe(choose, names="value")
    value.observe(update, names="value")
    nudge.on_click(lambda _button: setattr(value, "value", round(value.value + step, 10)))
    restart.on_click(make_start)
    update()
    return widgets.VBox([widgets.HBox([chosen, value, nudge]), restart, readout, image.widget, table])


def fit_widget(x: ArrayLike, y: ArrayLike, cost: Callable[[float, float], float], m: float = 0.0, b: float = 0.0,
               m_range: Interval = (-5.0, 5.0), b_range: Interval = (-10.0, 10.0), xlabel: str = "x",
               ylabel: str = "y") -> widgets.VBox:
    """Sliders for the slope m and intercept b of a line over data; shows the residuals and cost(m, b)."""
    figure, ax = new_figure()
    artists = draw_fit(ax, x, y, m, b, xlabel, ylabel)
    image = FigureImage(figure)
    m_slider = nudge_slider("slope m", m, *m_range, 0.01)
    b_slider = nudge_slider("intercept b", b, *b_range, 0.01)
    readout = widgets.HTML()

    def update(_change: object = None) -> None:
        move_fit(artists, m_slider.value, b_slider.value)
        readout.value = f"cost J(m, b) = <b>{cost(m_slider.value, b_slider.value):.4f}</b>"
        image.refresh()

    update()
    m_slider.observe(update, names="value")
    b_slider.observe(update, names="value")
    return widgets.VBox([m_slider, b_slider, readout, image.widget])


def descent_widget(cost: Callable[[float, float], float], start: tuple[float, float] = (0.0, 0.0),
                   m_range: Interval = (-5.0, 5.0), b_range: Interval = (-10.0, 10.0),
                   eta: float = 0.01) -> widgets.VBox:
    """Gradient descent on cost(m, b), one step per click; the learning rate η is a slider.

    The gradient is measured by nudging, so the widget shows how descent behaves, not how to derive it.
    """
    figure, ax = new_figure(6.0, 4.5)
    artists = draw_descent(ax, cost, m_range, b_range, start)
    image = FigureImage(figure)
    rate = widgets.FloatLogSlider(value=eta, base=10, min=-4, max=0, step=0.05, description="learning rate η",
                                  readout_format=".4f", style={"description_width": "initial"},
                                  layout=widgets.Layout(width="28em"))
    one = widgets.Button(description="1 step")
    ten = widgets.Button(description="10 steps")
    reset = widgets.Button(description="start again")
    readout = widgets.HTML()
    path = [tuple(map(float, start))]

    def show(note: str = "") -> None:
        m, b = path[-1]
        readout.value = f"step {len(path) - 1}: m = {m:.4f}, b = {b:.4f}, cost J = <b>{cost(m, b):.6g}</b> {note}"
        move_descent(artists, path)
        image.refresh()

    def walk(steps: int) -> None:
        note = ""
        for _ in range(steps):
            point = np.array(path[-1])
            new = point - rate.value * numerical_gradient(lambda p: cost(*p), point)
            if not np.all(np.isfinite(new)) or not np.isfinite(cost(*new)) or np.abs(new).max() > 1e6:
                note = "— the steps blew up: η is far too large."
                break
            path.append(tuple(new))
        if not note and len(path) > 1 and cost(*path[-1]) > cost(*path[-2]):
            note = "— the cost went <b>up</b>: η is too large, each step overshoots."
        show(note)

    def start_again(_button: object = None) -> None:
        del path[1:]
        show()

    one.on_click(lambda _button: walk(1))
    ten.on_click(lambda _button: walk(10))
    reset.on_click(start_again)
    rate.observe(start_again, names="value")
    show()
    return widgets.VBox([rate, widgets.HBox([one, ten, reset]), readout, image.widget])


def boundary_widget(X: ArrayLike, y: ArrayLike, cost: Callable[[np.ndarray, float], float],
                    w: tuple[float, float] = (1.0, 1.0), b: float = 0.0, w_range: Interval = (-5.0, 5.0),
                    b_range: Interval = (-5.0, 5.0), eta: float = 1.0) -> widgets.VBox:
    """Sliders for w₁, w₂ and b of a logistic model over 2-D data: the decision boundary beside each example's ŷ,
    the cost, the accuracy, and the gradient of the cost with the boundary one step of size η against it gives.

    The gradient is measured by nudging `cost`, so the widget shows what it does, not how to derive it.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    figure, (ax_data, ax_predictions) = new_figure(10.0, 4.2, ncols=2)
    boundary = draw_boundary(ax_data, X, y, w, b, f"after one step against the gradient, η = {eta:g}", legend=False)
    predictions = draw_predictions(ax_predictions, y, legend=False)
    # One legend for both panels, below them, where no moving line can cross it.
    handles = ax_data.get_lines() + ax_predictions.get_lines()[:2]
    figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize="small")
    image = FigureImage(figure, moving=[boundary.boundary, boundary.stepped, predictions.negatives,
                                        predictions.positives])
    sliders = [nudge_slider("weight w₁", w[0], *w_range, 0.01), nudge_slider("weight w₂", w[1], *w_range, 0.01),
               nudge_slider("bias b", b, *b_range, 0.01)]
    readout = widgets.HTML()

    def update(_change: object = None) -> None:
        parameters = np.array([slider.value for slider in sliders])
        weights, bias = parameters[:2], float(parameters[2])
        z = X @ weights + bias
        move_predictions(predictions, z, np.exp(-np.logaddexp(0, -z)))  # σ(z), without overflow at any z
        gradient = numerical_gradient(lambda p: cost(p[:2], float(p[2])), parameters)
        after = parameters - eta * gradient
        move_boundary(boundary, weights, bias, step=(after[:2], float(after[2])))
        accuracy = np.mean((z > 0) == (y == 1))  # ŷ > 0.5 exactly where w·x + b > 0
        readout.value = (f"cost J(w, b) = <b>{cost(weights, bias):.4f}</b>; accuracy = <b>{accuracy:.0%}</b><br>"
                         f"gradient, measured by nudging: ∂J/∂w₁ = <b>{gradient[0]:+.4f}</b>, "
                         f"∂J/∂w₂ = <b>{gradient[1]:+.4f}</b>, ∂J/∂b = <b>{gradient[2]:+.4f}</b>")
        image.refresh()

    update()
    for slider in sliders:
        slider.observe(update, names="value")
    return widgets.VBox([*sliders, readout, image.widget])
