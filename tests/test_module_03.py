"""Module 3 (partial derivatives): the syllabus's numbers and claims, as the executed notebook prints them."""

import re

import matplotlib
import pytest
from conftest import find_widget

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

matplotlib.use("Agg")

ASSIGNMENT = "03-partial-derivatives"


def test_nudging_x_and_y_of_x2_plus_y2_at_1_2(text):
    assert "z(1, 2) = 5.000000" in text
    assert "nudge x by 0.001: z = 5.002001, change ≈ 0.002, change / nudge = 2.001, so ∂z/∂x ≈ 2" in text
    assert "nudge y by 0.001: z = 5.004001, change ≈ 0.004, change / nudge = 4.001, so ∂z/∂y ≈ 4" in text


def test_the_widget_measures_both_partials_at_1_2(text):
    assert "z(1.00, 2.00) = <b>5.0000</b>; measured by nudging: ∂z/∂x ≈ <b>2.0000</b>, ∂z/∂y ≈ <b>4.0000</b>" in text


def test_the_rule_2x_and_2y_agrees_with_nudging(text):
    for shown in [
        "at (x, y) = (1.0, 2.0): nudging gives ∂z/∂x ≈ 2.0000, rule 2x = 2.0000;  ∂z/∂y ≈ 4.0000, rule 2y = 4.0000",
        "at (x, y) = (3.0, -1.0): nudging gives ∂z/∂x ≈ 6.0000, rule 2x = 6.0000;  ∂z/∂y ≈ -2.0000, rule 2y = -2.0000",
        "at (x, y) = (-2.0, 0.5): nudging gives ∂z/∂x ≈ -4.0000, rule 2x = -4.0000;  ∂z/∂y ≈ 1.0000, rule 2y = 1.0000",
    ]:
        assert shown in text


def test_partials_of_a_function_of_three_inputs(text):
    for name, value in [("x", "12.0000"), ("y", "8.0000"), ("z", "6.0000")]:
        assert f"∂f/∂{name} at (2.0, 3.0, 4.0) ≈ {value}" in text


def test_linear_model_partials_dy_dm_is_x_and_dy_db_is_1(text):
    assert "x =  3.0: y =  7.0, ∂y/∂m ≈ 3.0000 = x, ∂y/∂b ≈ 1.0000" in text
    assert "x = -1.0: y = -1.0, ∂y/∂m ≈ -1.0000 = x, ∂y/∂b ≈ 1.0000" in text
    assert "x =  0.5: y =  2.0, ∂y/∂m ≈ 0.5000 = x, ∂y/∂b ≈ 1.0000" in text


def test_two_feature_partials_are_x1_x2_and_1(text):
    assert "∂y/∂w1 ≈ 2.0000   (the rule: x1 = 2)" in text
    assert "∂y/∂w2 ≈ 5.0000   (the rule: x2 = 5)" in text
    assert "∂y/∂b ≈ 1.0000   (the rule: 1)" in text


def test_the_gradient_points_uphill(text):
    assert "∇z(1, 2) ≈ [2. 4.]" in text
    assert "a step along ∇z  : z goes from 5.0000 to 5.2020" in text
    assert "a step against ∇z: z goes from 5.0000 to 4.8020" in text


def test_steps_against_the_gradient_approach_the_minimum(text):
    steps = re.findall(r"step (\d): \(x, y\) = \(([-\d.]+), ([-\d.]+)\), z = ([\d.]+), "
                       r"distance to the minimum = ([\d.]+)", text)
    assert [int(step[0]) for step in steps] == list(range(6))
    heights = [float(step[3]) for step in steps]
    distances = [float(step[4]) for step in steps]
    assert heights[0] == 5.0 and heights[1] == 3.2
    assert all(later < earlier for earlier, later in zip(heights, heights[1:], strict=False))
    assert all(later < earlier for earlier, later in zip(distances, distances[1:], strict=False))


def test_a_loss_of_m_and_b_has_a_partial_for_each(text):
    assert "ŷ = m·x + b = 2, L(m, b) = 25" in text
    assert "nudge m: L = 24.980004, so ∂L/∂m ≈ -19.996" in text
    assert "nudge b: L = 24.990001, so ∂L/∂b ≈ -9.999" in text


def test_the_slice_moves_with_y_but_its_slope_does_not():
    """For z = x² + y², ∂z/∂x depends on x only: nudging y moves the slice, not its slope at the same x."""
    import ipywidgets

    from course.widgets import partial_widget

    widget = partial_widget(lambda x, y: x**2 + y**2, x=1.0, y=2.0, extent=(-3.0, 3.0), name="z")
    readout, image = find_widget(widget, ipywidgets.HTML), find_widget(widget, ipywidgets.Image)
    before = image.value
    find_widget(widget, ipywidgets.FloatSlider, "y (held").value = -0.5
    assert "∂z/∂x ≈ <b>2.0000</b>" in readout.value and "∂z/∂y ≈ <b>-1.0000</b>" in readout.value
    assert image.value != before
    find_widget(widget, ipywidgets.FloatSlider, "x").value = 2.5
    assert "∂z/∂x ≈ <b>5.0000</b>" in readout.value and "∂z/∂y ≈ <b>-1.0000</b>" in readout.value
