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
