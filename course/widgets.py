"""Nudge widgets: sliders wired to the plot helpers, redrawing the same figure in place.

Each figure is rendered to PNG and shown in an `ipywidgets.Image`, so the widgets need nothing but
ipywidgets in the front end (JupyterLab 4 and Notebook 7 alike) and cost one small render when a
notebook runs headless, where nobody moves a slider.
"""

import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg

from course.plots import move_secant, secant_figure


class FigureImage:
    """A matplotlib figure shown as an image widget; `refresh()` re-renders it after artists move."""

    def __init__(self, figure):
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.widget = widgets.Image(format="png")
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
