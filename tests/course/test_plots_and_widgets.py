import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from conftest import find_widget  # noqa: E402

from course.plots import draw_secant, move_secant, new_figure, plot_function, secant_slope  # noqa: E402
from course.widgets import nudge_widget, secant_widget  # noqa: E402


def square(x):
    return x**2


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
    second = find_widget(widget, ipywidgets.FloatSlider, "second")
    readout = find_widget(widget, ipywidgets.HTML)
    image = find_widget(widget, ipywidgets.Image)
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
    nudge = find_widget(widget, ipywidgets.Button, "nudge")
    readout = find_widget(widget, ipywidgets.HTML)

    nudge.click()

    assert "f(a) = <b>6.003</b>" in readout.value
    assert "Δf / Δa = <b>3.0000</b>" in readout.value
    find_widget(widget, ipywidgets.Button, "back").click()
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
    step = find_widget(widget, ipywidgets.FloatLogSlider)
    readout = find_widget(widget, ipywidgets.HTML)
    step.value = 0.1
    assert "<b>4.1000</b>" in readout.value and "tangent's slope is 4.0000" in readout.value
    step.value = 0.001
    assert "<b>4.0010</b>" in readout.value


def test_partial_widget_measures_both_partials():
    import ipywidgets

    from course.widgets import partial_widget

    widget = partial_widget(lambda x, y: x**2 + y**2, x=1.0, y=2.0)
    readout = find_widget(widget, ipywidgets.HTML)
    assert "∂z/∂x ≈ <b>2.0000</b>" in readout.value and "∂z/∂y ≈ <b>4.0000</b>" in readout.value
    image = find_widget(widget, ipywidgets.Image)
    before = image.value
    find_widget(widget, ipywidgets.FloatSlider, "x").value = -1.5
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
    readout = find_widget(widget, ipywidgets.HTML)
    assert "now: <b>33.0000</b>" in readout.value

    find_widget(widget, ipywidgets.Button, "b +").click()
    assert "now: <b>33.0060</b>" in readout.value
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.006000</b>; actual change = <b>+0.006000</b>" in readout.value

    find_widget(widget, ipywidgets.Button, "c +").click()  # b and c both moved: the product term makes them differ
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.015000</b>; actual change = <b>+0.015003</b>" in readout.value

    find_widget(widget, ipywidgets.Button, "make this the start").click()
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.000000</b>" in readout.value
    assert plt.get_fignums() == []


def line_data():
    import numpy as np

    x = np.array([0.0, 1.0, 2.0, 3.0])
    return x, 2 * x + 1


def test_fit_widget_moves_line_and_residuals_and_reports_the_cost():
    import ipywidgets
    import numpy as np

    from course.widgets import fit_widget

    x, y = line_data()
    widget = fit_widget(x, y, lambda m, b: float(np.mean((m * x + b - y) ** 2)), m=0.0, b=0.0)
    readout = find_widget(widget, ipywidgets.HTML)
    assert "cost J(m, b) = <b>21.0000</b>" in readout.value  # mean of 1, 9, 25, 49
    find_widget(widget, ipywidgets.FloatSlider, "slope").value = 2.0
    find_widget(widget, ipywidgets.FloatSlider, "intercept").value = 1.0
    assert "<b>0.0000</b>" in readout.value


def test_draw_fit_residuals_join_each_point_to_the_line():
    import numpy as np

    from course.plots import draw_fit

    x, y = line_data()
    figure, ax = new_figure()
    artists = draw_fit(ax, x, y, m=0.0, b=0.0)
    xs, ys = artists.residuals.get_data()
    np.testing.assert_array_equal(np.asarray(ys).reshape(-1, 3)[:, :2], np.column_stack([y, np.zeros(4)]))
    np.testing.assert_array_equal(np.asarray(xs).reshape(-1, 3)[:, 0], x)


def test_descent_widget_descends_then_warns_when_eta_is_too_large():
    import ipywidgets

    from course.widgets import descent_widget

    def cost(m, b):
        return (m - 1) ** 2 + 10 * (b + 2) ** 2

    widget = descent_widget(cost, start=(3.0, 3.0), m_range=(-5, 5), b_range=(-5, 5), eta=0.01)
    readout = find_widget(widget, ipywidgets.HTML)
    find_widget(widget, ipywidgets.Button, "10 steps").click()
    assert "step 10:" in readout.value and "went" not in readout.value
    find_widget(widget, ipywidgets.FloatLogSlider).value = 0.2  # 1 − 0.2·20 = −3: each step triples b's error
    assert "step 0:" in readout.value  # a new learning rate starts again
    find_widget(widget, ipywidgets.Button, "1 step").click()
    assert "the cost went <b>up</b>" in readout.value
    find_widget(widget, ipywidgets.FloatLogSlider).value = 1.0
    find_widget(widget, ipywidgets.Button, "10 steps").click()
    assert "blew up" in readout.value


def test_boundary_widget_reports_cost_accuracy_and_the_gradient_measured_by_nudging():
    import ipywidgets
    import numpy as np

    from course.widgets import boundary_widget

    X = np.array([[-1.0, -1.0], [-2.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    widget = boundary_widget(X, y, lambda w, b: float(w[0] + 2 * w[1] - 3 * b), w=(1.0, 1.0), b=0.0)
    readout = find_widget(widget, ipywidgets.HTML)
    image = find_widget(widget, ipywidgets.Image)
    assert "accuracy = <b>100%</b>" in readout.value and "cost J(w, b) = <b>3.0000</b>" in readout.value
    assert "∂J/∂w₁ = <b>+1.0000</b>, ∂J/∂w₂ = <b>+2.0000</b>, ∂J/∂b = <b>-3.0000</b>" in readout.value
    before = image.value
    find_widget(widget, ipywidgets.FloatSlider, "w₁").value = -1.0
    find_widget(widget, ipywidgets.FloatSlider, "w₂").value = -1.0
    assert "accuracy = <b>0%</b>" in readout.value and image.value != before and image.value[:4] == b"\x89PNG"
    assert plt.get_fignums() == []


def test_boundary_points_span_the_plot_and_stand_upright_when_w2_is_0():
    from course.plots import boundary_points

    xs, ys = boundary_points((-2.0, 2.0), (-3.0, 3.0), (1.0, 2.0), 1.0)  # x₂ = −(x₁ + 1) / 2
    assert xs == [-2.0, 2.0] and ys == pytest.approx([0.5, -1.5])
    assert boundary_points((-2.0, 2.0), (-3.0, 3.0), (2.0, 0.0), 1.0) == ([-0.5, -0.5], [-3.0, 3.0])
    assert boundary_points((-2.0, 2.0), (-3.0, 3.0), (0.0, 0.0), 1.0) == ([], [])


def test_a_step_moves_the_dotted_boundary_in_place():
    import numpy as np

    from course.plots import draw_boundary, move_boundary

    figure, ax = new_figure()
    artists = draw_boundary(ax, np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0]), (1.0, 1.0), -1.0)
    lines = len(ax.lines)
    assert len(artists.stepped.get_xdata()) == 0  # no step given: no dotted line
    move_boundary(artists, (1.0, 1.0), -1.0, step=((0.0, 1.0), -0.5))  # after the step: x₂ = 0.5
    assert list(artists.stepped.get_ydata()) == [0.5, 0.5] and len(ax.lines) == lines


def test_predictions_sit_at_their_score_one_marker_per_label_and_stay_on_the_axes():
    import numpy as np

    from course.plots import draw_predictions, move_predictions

    figure, ax = new_figure()
    artists = draw_predictions(ax, np.array([0.0, 1.0, 1.0]), z_span=(-5.0, 5.0))
    move_predictions(artists, np.array([-1.0, 2.0, 40.0]), np.array([0.27, 0.88, 1.0]))
    assert list(artists.negatives.get_xdata()) == [-1.0] and list(artists.negatives.get_ydata()) == [0.27]
    assert list(artists.positives.get_xdata()) == [2.0, 5.0]  # z = 40 is drawn at the edge, z = 5
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_a_figure_image_that_redraws_only_its_moving_artists_shows_what_a_full_render_shows():
    import io

    import numpy as np
    import PIL.Image

    from course.widgets import FigureImage

    def pixels(png):
        return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)

    figure, ax = new_figure()
    plot_function(ax, square, (0, 2), label="x²")
    (point,) = ax.plot([1.0], [1.0], "o", label="the point")
    ax.set_title("a point on x²")
    ax.legend(loc="lower left")  # drawn after the point: laid over it as a layer rendered once
    image = FigureImage(figure, moving=[point])
    for x in (1.5, 0.1):  # the second passes under the legend
        point.set_data([x], [x**2])
        image.refresh()
        full = io.BytesIO()
        figure.canvas.print_png(full)
        # The layer is blended by NumPy, a full render by Agg: the same colours within two roundings (a translucent
        # legend frame over the point), no more.
        difference = np.abs(pixels(image.widget.value) - pixels(full.getvalue()))
        assert difference.max() <= 2 and (difference > 0).mean() < 0.01
    assert image.backgrounds_drawn == 1  # the legend and title were not drawn again


def test_network_widget_nudges_the_chosen_parameter():
    import ipywidgets

    from course.widgets import network_widget

    graph = {"y_hat": (lambda x, w, b: w * x + b, ["x", "w", "b"], "w·x + b"),
             "L": (lambda y, y_hat: (y - y_hat) ** 2, ["y", "y_hat"], "(y − ŷ)²")}
    widget = network_widget(graph, {"x": 2.0, "y": 5.0, "w": 1.0, "b": 0.0}, ["w", "b"])
    readout = find_widget(widget, ipywidgets.HTML)
    table = widget.children[-1]
    assert "<td>w</td><td>1.0000</td><td>-12.0000</td>" in table.value  # ∂L/∂w = −2(y − ŷ)x
    find_widget(widget, ipywidgets.Dropdown).value = "b"
    assert find_widget(widget, ipywidgets.FloatSlider).value == 0.0  # the slider now holds b
    find_widget(widget, ipywidgets.Button, "+ 0.001").click()
    assert "predicted change Σ ∂L/∂x · Δx = <b>-0.006000</b>" in readout.value
    assert "<td>b</td><td>0.0010</td>" in table.value and "<td>w</td><td>1.0000</td>" in table.value


def test_draw_graph_shows_each_use_of_a_parent_as_an_arrow_of_its_own():
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from course.plots import draw_graph

    figure, ax = new_figure()
    graph = {"f": (lambda left, right: left * right, ["a", "a"], "a·a"),
             "g": (lambda f, b: f + b, ["f", "b"], "f + b")}
    artists = draw_graph(ax, graph, {"a": 3.0, "f": 9.0, "b": 1.0, "g": 10.0},
                         {"a": 6.0, "f": 1.0, "b": 1.0, "g": 1.0}, "g")
    canvas = FigureCanvasAgg(figure)  # (a widget's figure has no canvas of its own)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())[:, :, :3]
    a, f = (artists.texts[name].get_window_extent() for name in ("a", "f"))
    # Down the column of pixels halfway from a's box to f's, between the top and the bottom of the two boxes:
    # each arrow crosses it as a run of drawn (dark) pixels.
    top, bottom = image.shape[0] - int(max(a.y1, f.y1)), image.shape[0] - int(min(a.y0, f.y0))
    column = image[top:bottom, int((a.x1 + f.x0) / 2)]
    drawn = (column < 200).all(axis=1).astype(int)
    runs = int(drawn[0]) + int((np.diff(drawn) == 1).sum())
    assert runs == 2  # two arrows from a to f, not one drawn over the other
    plt.close(figure)
