"""Nudge widgets: sliders wired to the plot helpers, redrawing the same figure in place.

Each figure is rendered to PNG and shown in an `ipywidgets.Image`, so the widgets need nothing but
ipywidgets in the front end (JupyterLab 4 and Notebook 7 alike) and cost one small render when a
notebook runs headless, where nobody moves a slider.
"""

import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg

from course.derivatives import central_difference, partial_derivative
from course.graphs import forward, nudge_gradients, output_of
from course.plots import (
    draw_contour_slice,
    draw_graph,
    draw_line,
    move_contour_slice,
    move_secant,
    new_figure,
    secant_figure,
    update_graph,
)


class FigureImage:
    """A matplotlib figure shown as an image widget; `refresh()` re-renders it after artists move."""

    def __init__(self, figure):
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        # Shown at its own pixel size: stretched to the cell's width, the PNG would look blurred.
        width = round(figure.get_figwidth() * figure.dpi)
        self.widget = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.refresh()
        # The first render placed everything; freezing that layout makes each later redraw
        # about twice as fast (benchmarks/widgets.py), and the sliders never resize the figure.
        figure.set_layout_engine("none")

    def refresh(self):
        buffer = io.BytesIO()
        self.canvas.print_png(buffer)
        self.widget.value = buffer.getvalue()


def nudge_slider(description, value, low, high, step):
    """A labelled float slider that reports only when released, so each nudge is one redraw."""
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=False, readout_format=".3f", style={"description_width": "initial"},
        layout=widgets.Layout(width="28em"),
    )


def nudge_widget(f, start=2.0, low=0.0, high=10.0, step=0.001, name="f"):
    """An input a, a button that nudges it by `step`, and what that does to f(a): the heart of calculus."""
    slider = nudge_slider("input a", start, low, high, step)
    nudge = widgets.Button(description=f"nudge a by +{step:g}")
    reset = widgets.Button(description=f"back to a = {start:g}")
    readout = widgets.HTML()

    def update(_change=None):
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


def secant_widget(f, x1=1.0, x2=3.0, x_range=(0.0, 4.0), name="f(x)"):
    """Two points on the curve of f; slide the second towards the first and watch the secant's slope."""
    figure, artists = secant_figure(f, x1, x2, x_range, name)
    image = FigureImage(figure)

    first = nudge_slider("first point x₁", x1, *x_range, 0.01)
    second = nudge_slider("second point x₂", x2, *x_range, 0.01)
    readout = widgets.HTML()

    def update(_change=None):
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


def limit_widget(f, x=1.0, x_range=(-0.5, 3.5), name="f(x)"):
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

    def update(_change=None):
        h = step.value
        quotient = move_secant(artists, f, x, x + h)
        readout.value = (f"h = {h:.4f}: Δy/Δx = (f({x:g} + h) − f({x:g})) / h = <b>{quotient:.4f}</b>; "
                         f"the tangent's slope is {tangent_slope:.4f} (gap {quotient - tangent_slope:+.4f})")
        image.refresh()

    update()
    step.observe(update, names="value")
    return widgets.VBox([step, readout, image.widget])


def partial_widget(f, x=1.0, y=1.0, extent=(-3.0, 3.0), name="z"):
    """Nudge x and y on a contour map of f and watch the slice at the current y, with its slope ∂f/∂x."""
    figure, (ax_map, ax_slice) = new_figure(10.0, 4.2, ncols=2)
    artists = draw_contour_slice(ax_map, ax_slice, f, x, y, extent, name)
    image = FigureImage(figure)
    x_slider = nudge_slider("x", x, *extent, 0.01)
    y_slider = nudge_slider("y (held constant along the slice)", y, *extent, 0.01)
    readout = widgets.HTML()

    def update(_change=None):
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


def graph_widget(graph, inputs, step=0.001):
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

    def update(_change=None):
        now = {name: slider.value for name, slider in sliders.items()}
        values, gradients = forward(graph, now), nudge_gradients(graph, now)
        update_graph(artists, values, gradients)
        start_gradients = nudge_gradients(graph, start)
        predicted = sum(start_gradients[name] * (now[name] - start[name]) for name in inputs)
        actual = values[output] - forward(graph, start)[output]
        readout.value = (f"{output} at the start: {forward(graph, start)[output]:.4f}; now: <b>{values[output]:.4f}</b>"
                         f"<br>predicted change Σ ∂{output}/∂x · Δx = <b>{predicted:+.6f}</b>; "
                         f"actual change = <b>{actual:+.6f}</b>")
        image.refresh()

    def nudge(name):
        sliders[name].value = round(sliders[name].value + step, 10)

    def make_start(_button):
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
