import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course.plots import draw_secant, move_secant, new_figure, plot_function, secant_slope  # noqa: E402
from course.widgets import nudge_widget, secant_widget  # noqa: E402


def square(x):
    return x**2


def find(widget, kind, description=None):
    """Depth-first search of a widget tree for a child of a given class (and description)."""
    if isinstance(widget, kind) and (description is None or description in widget.description):
        return widget
    for child in getattr(widget, "children", ()):
        found = find(child, kind, description)
        if found is not None:
            return found
    return None


def test_secant_slope_is_rise_over_run():
    assert secant_slope(square, 1, 3) == 4
    assert secant_slope(square, 2, 2) is None


def test_move_secant_moves_the_same_artists():
    figure, ax = new_figure()
    artists = draw_secant(ax, square, 1.0, 3.0, (0, 4))
    line_count = len(ax.lines)

    slope = move_secant(artists, square, 1.0, 2.0)

    assert slope == pytest.approx(3.0)
    assert len(ax.lines) == line_count  # updated in place, nothing new drawn
    assert list(artists.points.get_xdata()) == [1.0, 2.0]
    assert list(artists.points.get_ydata()) == [1.0, 4.0]
    assert move_secant(artists, square, 2.0, 2.0) is None
    assert len(artists.secant.get_xdata()) == 0  # no secant through one point


def test_plot_function_draws_on_the_given_axes_only():
    figure, ax = new_figure()
    line = plot_function(ax, square, (0, 2), label="x²")
    assert line in ax.lines and line.get_ydata()[-1] == pytest.approx(4.0)
    assert plt.get_fignums() == []  # pyplot's global state is untouched


def test_secant_widget_redraws_in_place_when_a_slider_moves():
    import ipywidgets

    widget = secant_widget(square, x1=1.0, x2=3.0, x_range=(0.0, 4.0), name="f(x) = x²")
    second = find(widget, ipywidgets.FloatSlider, "second")
    readout = find(widget, ipywidgets.HTML)
    image = find(widget, ipywidgets.Image)
    before = image.value
    assert "<b>4.0000</b>" in readout.value

    second.value = 2.0

    assert "<b>3.0000</b>" in readout.value
    assert image.value != before and image.value[:4] == b"\x89PNG"
    second.value = 1.0
    assert "coincide" in readout.value
    assert plt.get_fignums() == []


def test_nudge_widget_button_nudges_by_the_step():
    import ipywidgets

    widget = nudge_widget(lambda a: 3 * a, start=2.0, name="f")
    nudge = find(widget, ipywidgets.Button, "nudge")
    readout = find(widget, ipywidgets.HTML)

    nudge.click()

    assert "f(a) = <b>6.003</b>" in readout.value
    assert "Δf / Δa = <b>3.0000</b>" in readout.value
    find(widget, ipywidgets.Button, "back").click()
    assert "f(a) = <b>6.000</b>" in readout.value


def test_step_errors_show_central_beating_forward():
    import numpy as np

    from course.plots import plot_step_errors

    figure, ax = new_figure()
    steps = np.logspace(-8, -1, 8)
    forward_line, central_line = plot_step_errors(ax, np.sin, np.cos, 1.0, steps)
    forward_error, central_error = forward_line.get_ydata(), central_line.get_ydata()
    assert central_error[-3] < forward_error[-3] / 100  # h = 1e-3: truncation, where central wins
    assert central_error[0] > 100 * central_error[3]  # h = 1e-8: round-off makes the tiny step worse
    assert ax.get_xscale() == "log" and ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_limit_widget_quotient_approaches_the_tangent():
    import ipywidgets

    from course.widgets import limit_widget

    widget = limit_widget(square, x=2.0)
    step = find(widget, ipywidgets.FloatLogSlider)
    readout = find(widget, ipywidgets.HTML)
    step.value = 0.1
    assert "<b>4.1000</b>" in readout.value and "tangent's slope is 4.0000" in readout.value
    step.value = 0.001
    assert "<b>4.0010</b>" in readout.value


def test_partial_widget_measures_both_partials():
    import ipywidgets

    from course.widgets import partial_widget

    widget = partial_widget(lambda x, y: x**2 + y**2, x=1.0, y=2.0)
    readout = find(widget, ipywidgets.HTML)
    assert "∂z/∂x ≈ <b>2.0000</b>" in readout.value and "∂z/∂y ≈ <b>4.0000</b>" in readout.value
    image = find(widget, ipywidgets.Image)
    before = image.value
    find(widget, ipywidgets.FloatSlider, "x").value = -1.5
    assert "∂z/∂x ≈ <b>-3.0000</b>" in readout.value and image.value != before


def test_graph_widget_predicts_the_change_of_J():
    import ipywidgets

    from course.widgets import graph_widget

    graph = {
        "u": (lambda b, c: b * c, ["b", "c"], "b·c"),
        "v": (lambda a, u: a + u, ["a", "u"], "a + u"),
        "J": (lambda v: 3 * v, ["v"], "3v"),
    }
    widget = graph_widget(graph, {"a": 5.0, "b": 3.0, "c": 2.0})
    readout = find(widget, ipywidgets.HTML)
    assert "now: <b>33.0000</b>" in readout.value

    find(widget, ipywidgets.Button, "b +").click()
    assert "now: <b>33.0060</b>" in readout.value
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.006000</b>; actual change = <b>+0.006000</b>" in readout.value

    find(widget, ipywidgets.Button, "c +").click()  # b and c both moved: the product term makes them differ
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.015000</b>; actual change = <b>+0.015003</b>" in readout.value

    find(widget, ipywidgets.Button, "make this the start").click()
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.000000</b>" in readout.value
    assert plt.get_fignums() == []
