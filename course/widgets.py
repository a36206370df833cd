"""Nudge widgets: sliders wired to the plot helpers, redrawing the same figure in place.

Each figure is rendered to PNG and shown in an `ipywidgets.Image`, so the widgets need nothing but
ipywidgets in the front end (JupyterLab 4 and Notebook 7 alike) and cost one small render when a
notebook runs headless, where nobody moves a slider.
"""

import io
import os
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Annotation
from numpy.typing import ArrayLike

from course.autograd import nodes_in_order
from course.derivatives import central_difference, numerical_gradient, partial_derivative
from course.graphs import Graph, depths, forward, nudge_gradients, output_of
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
    moving_artists,
    new_figure,
    secant_figure,
    update_graph,
)


class FigureImage:
    """A matplotlib figure shown as an image widget; `refresh()` re-renders it after artists move.

    `moving` names the artists the widget moves (`moving_artists` of a drawing). A refresh then repaints only
    those, over a copy of the rest of the figure kept from the last full render (Agg blitting). What Agg draws
    after a moving artist (spines, titles, legends, contour labels) must cover it again, as in a full render: it
    is rendered once, on a transparent canvas, and laid over (a `Layer`), unless it follows the moving artists
    (a legend placed "best", an arrow tied to a moving text), which is drawn again. The same pixels as a full
    render, within a rounding, for a fraction of its time; the rest is rendered again whenever it changed
    (limits, a label's text, an artist added: the figure is stale). The environment variable NUDGE_REDRAW=full
    renders the whole figure at every refresh, as the widgets once did (benchmarks/widget_latency.py compares).
    """

    def __init__(self, figure: Figure, moving: Sequence[Artist] = ()) -> None:
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.moving = list(moving)
        for artist in self.moving:
            if artist.axes is None or artist not in artist.axes.get_children():
                raise ValueError(f"{artist!r} is not drawn by an axes of its own: only those can be repainted alone")
        self.full_redraw = os.environ.get("NUDGE_REDRAW") == "full"
        self.overlay: list[Artist | Layer] = []  # what each refresh paints over the background, in order
        self.background: Any = None  # the figure without the overlay, as Agg last rendered it
        self.backgrounds_drawn = 0
        self.stale_callbacks: list[tuple[Artist, Any]] = []
        # Shown at its own pixel size: stretched to the cell's width, the PNG would look blurred.
        width = round(figure.get_figwidth() * figure.dpi)
        self.widget = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        # The first render lays the figure out; it goes through print_png, as every other plot does.
        buffer = io.BytesIO()
        self.canvas.print_png(buffer)
        self.widget.value = buffer.getvalue()
        # Freezing that layout makes each later render about twice as fast (benchmarks/widgets.py), and the sliders
        # never resize the figure.
        figure.set_layout_engine("none")

    def refresh(self) -> None:
        if self.full_redraw:
            buffer = io.BytesIO()
            self.canvas.print_png(buffer)
            self.widget.value = buffer.getvalue()
            return
        # The overlay's changes do not reach the figure's stale flag (see `_draw_background`): a stale figure means
        # that something of the background changed.
        if self.background is None or self.figure.stale:
            self._draw_background()
        else:
            self.canvas.restore_region(self.background)
        renderer = self.canvas.get_renderer()
        pixels = np.asarray(self.canvas.buffer_rgba())
        for item in self.overlay:
            if isinstance(item, Layer):
                item.paint(pixels)
            else:
                item.draw(renderer)
        # Drawing a legend marks its parts stale, which reaches the figure: a full render ends unstale, so does this.
        for ax in self.figure.axes:
            ax.stale = False
        self.figure.stale = False
        self.widget.value = png_bytes(pixels)

    def _draw_background(self) -> None:
        """Render everything but the overlay and keep a copy, then the overlay's layers; the overlay is found
        again, as artists may have come."""
        for artist, callback in self.stale_callbacks:
            artist.stale_callback = callback
        after = [artist for ax in self.figure.axes for artist in drawn_from_first_moving(ax, self.moving)]
        for artist in after:  # Agg's canvas.draw() leaves animated artists out
            artist.set_animated(True)
        self.canvas.draw()
        for artist in after:
            artist.set_animated(False)
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.backgrounds_drawn += 1
        # Each run of artists that stand still becomes one layer; the others are drawn at each refresh.
        self.overlay = []
        run: list[Artist] = []
        for artist in after:
            if any(artist is each for each in self.moving) or follows_others(artist):
                if run:
                    self.overlay.append(Layer.render(self.canvas, run))
                    run = []
                self.overlay.append(artist)
            else:
                run.append(artist)
        if run:
            self.overlay.append(Layer.render(self.canvas, run))
        self.canvas.restore_region(self.background)
        # Each refresh repaints the overlay anyway: cut its changes off from the figure's stale flag.
        self.stale_callbacks = [(artist, artist.stale_callback) for artist in after]
        for artist in after:
            artist.stale_callback = None


@dataclass
class Layer:
    """Artists rendered once on a transparent canvas, to lay over others: the pixels they touch, and their colour."""

    where: np.ndarray  # indices into the figure's pixels, flattened
    rgba: np.ndarray  # (len(where), 4) float colours there, not premultiplied, as Agg keeps them

    @classmethod
    def render(cls, canvas: FigureCanvasAgg, artists: Sequence[Artist]) -> "Layer":
        """Draw `artists` on the canvas, cleared to transparent (it is left so)."""
        renderer = canvas.get_renderer()
        renderer.clear()
        for artist in artists:
            artist.draw(renderer)
        pixels = np.asarray(canvas.buffer_rgba()).reshape(-1, 4)
        where = np.flatnonzero(pixels[:, 3])
        return cls(where, pixels[where].astype(np.float32))

    def paint(self, pixels: np.ndarray) -> None:
        """Lay the layer over an (height, width, 4) RGBA image, in place: "over", as Agg blends each colour."""
        flat = pixels.reshape(-1, 4)
        below = flat[self.where].astype(np.float32)
        alpha = self.rgba[:, 3:] / 255
        alpha_below = below[:, 3:] / 255 * (1 - alpha)
        alpha_out = alpha + alpha_below
        colour = (self.rgba[:, :3] * alpha + below[:, :3] * alpha_below) / np.maximum(alpha_out, 1e-9)
        flat[self.where] = np.rint(np.concatenate([colour, alpha_out * 255], axis=1)).astype(np.uint8)


def follows_others(artist: Artist) -> bool:
    """Whether drawing `artist` depends on other artists: a legend placed "best" (away from the lines), an
    annotation placed relative to another artist (as draw_graph's arrows are to their boxes)."""
    if isinstance(artist, Legend):
        location = getattr(artist, "_get_loc", lambda: 0)()  # no public getter; unknown counts as "best"
        return isinstance(location, int) and location == 0
    if isinstance(artist, Annotation):
        return not all(isinstance(coordinates, str) for coordinates in (artist.xycoords, artist.anncoords))
    return False


def drawn_from_first_moving(ax: Axes, moving: Sequence[Artist]) -> list[Artist]:
    """The artists of `ax` in the order `Axes.draw` paints them, from the first of `moving` on ([] if none is there).

    Everything painted after a moving artist may cover it, so it is painted again after it, as a full render does.
    """
    artists = [artist for artist in ax.get_children() if artist is not ax.patch]
    if not (ax.axison and ax.get_frame_on()):
        artists = [artist for artist in artists if artist not in ax.spines.values()]
    if not ax.axison:
        artists = [artist for artist in artists if artist not in (ax.xaxis, ax.yaxis)]
    artists.sort(key=lambda artist: artist.get_zorder())  # stable, as in Axes.draw
    first = next((index for index, artist in enumerate(artists) if any(artist is each for each in moving)), None)
    return [] if first is None else artists[first:]


def png_bytes(rgba: np.ndarray, level: int = 1) -> bytes:
    """An (height, width, 4) RGBA image as PNG bytes, RGB if every pixel is opaque.

    Rows unfiltered and zlib at level 1: 2–3 times as fast as Pillow at its fastest on the course's figures,
    for files of about the same size, which the loopback to the browser carries in no time.
    """
    pixels = rgba[:, :, :3] if rgba[:, :, 3].min() == 255 else rgba
    height, width, channels = pixels.shape
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)  # each row starts with its filter: 0, none
    rows[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if channels == 4 else 2, 0, 0, 0)  # 8 bits, RGBA or RGB

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
            + chunk(b"IEND", b""))


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
    image = FigureImage(figure, moving=moving_artists(artists))

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
    image = FigureImage(figure, moving=moving_artists(artists))
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
    image = FigureImage(figure, moving=moving_artists(artists))
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
    image = FigureImage(figure, moving=moving_artists(artists))
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


def pick_and_nudge(label: str, names: Sequence[str], now: dict[str, float], step: float,
                   moved: Callable[[str], None], restart: Callable[[str], None]) -> list[widgets.Widget]:
    """Controls for one of several values at a time: a dropdown of `names` (`label`), a slider for the one picked
    (±2 around it), a button that nudges it by `step`, and "make this the start". Moving the slider changes `now`
    and calls `moved(the name picked)`; picking another name moves the slider to its value (not a nudge) and calls
    `moved` too; the last button calls `restart(the name picked)`."""
    chosen = widgets.Dropdown(options=list(names), description=label)
    value = nudge_slider("its value", now[names[0]], now[names[0]] - 2, now[names[0]] + 2, step)
    nudge = widgets.Button(description=f"+ {step:g}")
    restart_button = widgets.Button(description="make this the start")

    def slid(_change: object) -> None:
        now[chosen.value] = value.value
        moved(chosen.value)

    def choose(_change: object) -> None:
        centre = now[chosen.value]
        value.unobserve(slid, names="value")  # moving the slider to another value is not a nudge
        value.min, value.max = min(value.min, centre - 2), max(value.max, centre + 2)
        value.value = centre
        value.min, value.max = centre - 2, centre + 2
        value.observe(slid, names="value")
        moved(chosen.value)

    chosen.observe(choose, names="value")
    value.observe(slid, names="value")
    nudge.on_click(lambda _button: setattr(value, "value", round(value.value + step, 10)))
    restart_button.on_click(lambda _button: restart(chosen.value))
    return [widgets.HBox([chosen, value, nudge]), restart_button]


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
    image = FigureImage(figure, moving=moving_artists(artists))
    readout, table = widgets.HTML(), widgets.HTML()

    def update(_picked: str = "") -> None:
        values, gradients = forward(graph, now), nudge_gradients(graph, now)
        update_graph(artists, values, gradients)
        rows = "".join(f"<tr><td>{name}</td><td>{now[name]:.4f}</td><td>{gradients[name]:+.4f}</td></tr>"
                       for name in parameters)
        table.value = f"<table><tr><th>parameter</th><th>value</th><th>∂{output}/∂parameter</th></tr>{rows}</table>"
        readout.value = change_readout(graph, start, now)
        image.refresh()

    def make_start(_picked: str) -> None:
        start.update(now)
        update()

    controls = pick_and_nudge("parameter", parameters, now, step, update, make_start)
    update()
    return widgets.VBox([*controls, readout, image.widget, table])


def fit_widget(x: ArrayLike, y: ArrayLike, cost: Callable[[float, float], float], m: float = 0.0, b: float = 0.0,
               m_range: Interval = (-5.0, 5.0), b_range: Interval = (-10.0, 10.0), xlabel: str = "x",
               ylabel: str = "y") -> widgets.VBox:
    """Sliders for the slope m and intercept b of a line over data; shows the residuals and cost(m, b)."""
    figure, ax = new_figure()
    artists = draw_fit(ax, x, y, m, b, xlabel, ylabel)
    image = FigureImage(figure, moving=moving_artists(artists))
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
    image = FigureImage(figure, moving=moving_artists(artists))
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
    image = FigureImage(figure, moving=moving_artists(boundary, predictions))
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


class NotReady(Exception):
    """The learner's Value class or backward cannot draw a graph yet; the message says what to write first."""


@dataclass
class LearnersGraph:
    """An expression built with the learner's Value class, after its backward(): its nodes by name, inputs first."""

    graph: dict[str, tuple[Callable[..., float], list[str], str]]  # course.graphs' layout, for draw_graph
    values: dict[str, float]
    gradients: dict[str, float]
    output: float
    uses: dict[str, list[float]]  # per leaf: what each use of it passes back, child.grad × local derivative


def learners_graph(build: Callable[..., Any], Value: type, leaves: Mapping[str, float],
                   output: str = "out") -> LearnersGraph:
    """Build `build(**leaves)` from the learner's Values, run its backward(), and read every node back.

    Leaves keep their names, other nodes without parents (numbers the learner's class wrapped) are named by their
    value, the output `output`, and the nodes in between n1, n2, … in order.
    """
    made = {name: Value(float(value)) for name, value in leaves.items()}
    try:
        out = build(**made)
        out.backward()
        nodes = nodes_in_order(out)
        layout = [(node, float(node.data), float(node.grad), tuple(node.parents), tuple(node.local_grads))
                  for node in nodes]
    except NotImplementedError as error:
        raise NotReady(f"your Value class or backward is not implemented yet ({error or 'NotImplementedError'}): "
                       "answer Exercises 1 and 2, run their cells, then this cell again.") from None
    except (AttributeError, TypeError) as error:
        raise NotReady(f"the graph could not be built with your {Value.__name__} ({error}): keep the layout "
                       f"{Value.__name__}(data, parents, local_grads) with .grad, and a backward() method.") from None
    names: dict[int, str] = {id(value): name for name, value in made.items()}
    inner = 0
    for node, data, *_ in layout:
        if id(node) in names:
            continue
        if node is out:
            names[id(node)] = output
        elif not node.parents:  # a number the class wrapped: named by its value, primed when it repeats
            name = f"{data:g}"
            while name in names.values():
                name += "′"
            names[id(node)] = name
        else:
            inner += 1
            names[id(node)] = f"n{inner}"
    graph: dict[str, tuple[Callable[..., float], list[str], str]] = {}
    uses: dict[str, list[float]] = {name: [] for name in leaves}
    for node, _data, grad, parents, local_grads in layout:
        if parents:
            parent_names = [names[id(parent)] for parent in parents]
            op = getattr(node, "op", None) or getattr(node, "_op", None)
            formula = f"{op}({', '.join(parent_names)})" if isinstance(op, str) and op else \
                f"f({', '.join(parent_names)})"
            graph[names[id(node)]] = (_drawn_only, parent_names, formula)
            for name, local in zip(parent_names, local_grads, strict=True):
                if name in uses:
                    uses[name].append(grad * float(local))
    values = {names[id(node)]: data for node, data, *_ in layout}
    gradients = {names[id(node)]: grad for node, _data, grad, *_ in layout}
    return LearnersGraph(graph, values, gradients, float(out.data), uses)


def _drawn_only(*_parents: float) -> float:
    raise TypeError("a learner's graph is drawn, never run: its values come from the learner's Values")


def autograd_widget(build: Callable[..., Any], Value: type, leaves: Mapping[str, float], output: str = "out",
                    step: float = 0.001) -> widgets.VBox:
    """Your own graph of Values, drawn with each node's value and gradient from your backward(); pick a leaf, nudge
    it, and see the output move by about (its gradient × the nudge).

    `build` makes the output from Values named like `leaves`: `autograd_widget(lambda a, b: a * b + a, Value,
    {"a": 2, "b": 3})`. A leaf used more than once shows what each use passes back, and what the prediction would
    be if backward kept only the last of them (overwriting instead of adding).
    """
    start, now = dict(leaves), dict(leaves)
    first = learners_graph(build, Value, start, output)
    state = {"start": first}
    inputs = [name for name in first.values if name not in first.graph]
    tallest = max(Counter(depths(first.graph, inputs).values()).values())
    figure, ax = new_figure(9.0, min(6.0, max(2.4, 0.9 * tallest + 1.0)))  # as tall as its tallest column needs
    artists = draw_graph(ax, first.graph, first.values, first.gradients, output)
    ax.set_title(f"Your Values: data, and ∂{output}/∂node from your backward()")
    image = FigureImage(figure, moving=moving_artists(artists))
    readout = widgets.HTML()

    def update(leaf: str) -> None:
        drawn = learners_graph(build, Value, now, output)
        update_graph(artists, drawn.values, drawn.gradients)
        readout.value = autograd_readout(state["start"], drawn, start, now, leaf, output)
        image.refresh()

    def make_start(leaf: str) -> None:
        start.update(now)
        state["start"] = learners_graph(build, Value, start, output)
        update(leaf)

    names = list(leaves)
    controls = pick_and_nudge("leaf", names, now, step, update, make_start)
    update(names[0])
    return widgets.VBox([*controls, readout, image.widget])


def autograd_readout(before: LearnersGraph, after: LearnersGraph, start: Mapping[str, float],
                     now: Mapping[str, float], leaf: str, output: str) -> str:
    """The output's change predicted by the start's gradients beside the actual one; for a leaf used more than once,
    what each use passes back, and the prediction if only the last were kept."""
    change = {name: now[name] - start[name] for name in start}
    predicted = sum(before.gradients[name] * change[name] for name in start)
    lines = [f"{output} at the start: {before.output:.4f}; now: <b>{after.output:.4f}</b>",
             f"predicted change Σ ∂{output}/∂leaf · Δleaf = <b>{predicted:+.6f}</b>; "
             f"actual change = <b>{after.output - before.output:+.6f}</b>"]
    uses = before.uses[leaf]
    if len(uses) > 1:
        overwritten = predicted + (uses[-1] - before.gradients[leaf]) * change[leaf]
        lines.append(f"{leaf} is used {len(uses)} times; the uses pass back "
                     f"{' + '.join(f'{use:.4f}' for use in uses)} = {sum(uses):.4f}, and your backward gives "
                     f"∂{output}/∂{leaf} = {before.gradients[leaf]:.4f}. Kept only the last (overwritten, not "
                     f"added), it would be {uses[-1]:.4f} and predict a change of <b>{overwritten:+.6f}</b>.")
    return "<br>".join(lines)
