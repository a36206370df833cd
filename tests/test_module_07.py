"""Module 7 (backpropagation in a 2-2-1 network): the syllabus's formulas and numbers, as the notebook prints them."""

import re

import nbformat
import numpy as np
import pytest
from conftest import notebook

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

ASSIGNMENT = "07-backprop"
PARAMETERS = ["w11_1", "w21_1", "b11", "w12_1", "w22_1", "b12", "w11_2", "w21_2", "b21"]


@pytest.fixture(scope="module")
def markdown():
    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    return "\n".join(cell.source for cell in source.cells if cell.cell_type == "markdown")


def test_the_network_and_its_loss_are_stated(markdown):
    for formula in [r"o_{11} = w^1_{11} x_1 + w^1_{21} x_2 + b_{11}", r"o_{12} = w^1_{12} x_1 + w^1_{22} x_2 + b_{12}",
                    r"\hat y = w^2_{11} o_{11} + w^2_{21} o_{12} + b_{21}", r"L = (y - \hat y)^2"]:
        assert formula in markdown


def test_the_parameter_order_is_a_table_with_code_and_math_names(markdown):
    rows = re.findall(r"^\| (\d) \| `(\w+)` \| \$(.+?)\$ \|", markdown, re.MULTILINE)
    assert [(int(index), name) for index, name, _ in rows] == list(enumerate(PARAMETERS))
    assert [math for _, _, math in rows] == ["w^1_{11}", "w^1_{21}", "b_{11}", "w^1_{12}", "w^1_{22}", "b_{12}",
                                             "w^2_{11}", "w^2_{21}", "b_{21}"]


def test_the_worked_example_forward(text):
    assert "o11 = 0.5, o12 = 2, y_hat = 1, L = 4" in text


def test_nudges_come_before_the_formulas(text):
    assert "nudge b21   by 0.001: L = 4 → 3.996001, ΔL / Δb21 = -3.999" in text
    assert "nudge w11_2 by 0.001: L = 4 → 3.998000, ΔL / Δw11_2 = -2.000" in text
    assert "nudge w11_1 by 0.001: L = 4 → 3.984016, ΔL / Δw11_1 = -15.984" in text


def test_the_shared_beginnings_of_the_chains(text):
    assert "dL/dy_hat = −2(y − ŷ) = −2·(3 − 1) = -4" in text
    assert "dL/do11 = dL/dy_hat·w11² = (-4)·(2) = -8" in text
    assert "dL/do12 = dL/dy_hat·w21² = (-4)·(-0.5) = 2" in text


@pytest.mark.parametrize(("name", "formula", "value"), [
    ("w11_1", "−2(y − ŷ)·w11²·x1", -16), ("w21_1", "−2(y − ŷ)·w11²·x2", -8), ("b11", "−2(y − ŷ)·w11²", -8),
    ("w12_1", "−2(y − ŷ)·w21²·x1", 4), ("w22_1", "−2(y − ŷ)·w21²·x2", 2), ("b12", "−2(y − ŷ)·w21²", 2),
    ("w11_2", "−2(y − ŷ)·o11", -2), ("w21_2", "−2(y − ŷ)·o12", -8), ("b21", "−2(y − ŷ)", -4),
])
def test_nine_partial_derivatives_beside_their_numerical_ones(text, name, formula, value):
    line = f"∂L/∂{name:<5} = {formula:<17} = {value:5.1f}    numerical: {value:10.6f}"
    assert line in text


def test_backpropagation_is_the_chain_rule_backwards_reusing_what_is_known(markdown):
    assert ("Backpropagation is nothing but the chain rule, worked from the loss back towards the inputs, where every "
            "step\n> reuses the derivative it has already computed.") in markdown


def test_gradient_checks_of_all_nine(text):
    assert "✓ backward: right at all 20 points checked." in text
    assert "✗ backward_in_wrong_order: wrong at 20 of 20 points checked." in text
    assert "✓ backward_sigmoid: right at all 20 points checked." in text


def test_the_batch_gradient_is_fast_on_a_million_examples(text):
    seconds = float(re.search(r"batch_gradient on 1,000,000 examples: ([\d.]+) s", text).group(1))
    assert seconds < 2.0


def losses(text, width):
    """The mean losses printed as `step NNN: mean loss J = ...`, with the step right-aligned in `width` places."""
    return [float(value) for value in re.findall(rf"^step [ \d]{{{width}}}: mean loss J = (\S+)$", text, re.MULTILINE)]


def test_training_on_the_scaled_bmi_table_lowers_the_loss_to_the_plane(text):
    assert "step   0: mean loss J = 403.5899" in text
    assert "step 299: mean loss J = 0.3750" in text
    linear = losses(text, 3)
    assert len(linear) == 6 and all(np.diff(linear) <= 0)
    assert "least-squares plane: ŷ = -3.35·x1 + 2.19·x2 + 20.25 (mean loss 0.3750)" in text
    assert "the network's plane: ŷ = -3.35·x1 + 2.19·x2 + 20.25" in text


@pytest.mark.parametrize(("height", "weight", "bmi", "prediction"), [
    (160, 60, 21, "21.50"), (170, 65, 22, "21.00"), (180, 70, 20, "20.50"), (190, 71, 18, "18.00"),
])
def test_final_predictions_beside_the_true_bmi(text, height, weight, bmi, prediction):
    assert f"height {height} cm, weight {weight} kg: true BMI {bmi}, network {prediction}" in text


def test_dvar_says_which_output_it_is_the_derivative_of(markdown):
    """Module 0's convention: `dvar` is the derivative of the final output: L for one example, J over a data set."""
    assert "In code `dvar` means $\\partial L / \\partial(\\text{var})$" not in markdown
    assert "In code `dvar` means the derivative of the final output with\nrespect to `var`, as in module 0." in markdown
    assert "that output is the loss $L$" in markdown and "it is the cost $J$" in markdown


def test_the_two_ways_of_writing_the_output_derivative_are_related(markdown):
    assert "-2(y - \\hat y) = 2(\\hat y - y)" in markdown


def test_an_input_feeding_both_hidden_neurons_adds_its_two_paths(text, markdown):
    assert "dL/dx1 = dL/do11·w11¹ + dL/do12·w12¹ = (-8)·(0.5) + (2)·(1) = -2" in text
    assert "(../04-chain-rule/04-chain-rule.ipynb#Gradients-add-over-paths)" in markdown


def test_the_sigmoid_link_is_nudged_before_it_is_written(text):
    assert "o11 = 0.5: h11 = σ(o11) = 0.622459; nudge o11 by 0.001: Δh11 / Δo11 = 0.2350" in text
    assert "o12 = 2: h12 = σ(o12) = 0.880797; nudge o12 by 0.001: Δh12 / Δo12 = 0.1050" in text


def test_the_sigmoid_curve_is_described_as_it_runs(text, markdown):
    """No plateau: a slow slide from about 0.24 (step 20) to about 0.14 (step 1000), then a sudden drop."""
    assert "plateau" not in markdown
    assert "from 0.24 to about 0.14 over the next thousand steps" in markdown
    for shown in ["step   20: mean loss J = 0.2386", "step 1000: mean loss J = 0.1426",
                  "step 1100: mean loss J = 0.1367", "step 1300: mean loss J = 0.002961"]:
        assert shown in text


def test_the_sigmoid_network_trains_through_all_four_points(text):
    sigmoid = losses(text, 4)
    assert len(sigmoid) == 9 and sigmoid[0] > 400 and sigmoid[-1] < 1e-6 and all(np.diff(sigmoid) < 0)
    for bmi, plane in [(21, "21.50"), (22, "21.00"), (20, "20.50"), (18, "18.00")]:
        assert f"true BMI {bmi}: least-squares plane {plane}, sigmoid network {bmi}.00" in text


def test_the_widget_starts_at_the_worked_example(text):
    assert "L at the start: 4.0000; now: <b>4.0000</b>" in text
    assert "<td>w11_1</td><td>0.5000</td><td>-16.0000</td>" in text
    assert "<td>b21</td><td>1.0000</td><td>-4.0000</td>" in text


def test_the_notebooks_own_network_drives_the_widget():
    """The graph and example cells, run alone, make a widget whose nudge of w11_1 the gradient predicts."""
    import ipywidgets

    from course import graphs
    from course.widgets import network_widget

    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    cells = [cell.source for cell in source.cells if cell.cell_type == "code"]
    namespace = {"graphs": graphs, "np": np}
    for start in ["graph = {", "x1, x2, y"]:
        cell = next(c for c in cells if c.startswith(start))
        exec(compile(cell, "notebook cell", "exec"), namespace)
    assert all(name in namespace["graph"] for name in ["o11", "o12", "y_hat", "L"])
    widget = network_widget(namespace["graph"], namespace["example"], namespace["parameter_names"])
    readout = next(child for child in widget.children if isinstance(child, ipywidgets.HTML))
    buttons = [b for row in widget.children if isinstance(row, ipywidgets.HBox)
               for b in row.children if isinstance(b, ipywidgets.Button)]
    # x1 feeds both hidden neurons: the nudge measures the sum of its two paths, (−8)(0.5) + (2)(1).
    assert graphs.nudge_gradients(namespace["graph"], namespace["example"])["x1"] == pytest.approx(-2.0)
    next(b for b in buttons if b.description == "+ 0.001").click()
    assert "now: <b>3.9840</b>" in readout.value
    assert "predicted change Σ ∂L/∂x · Δx = <b>-0.016000</b>; actual change = <b>-0.015984</b>" in readout.value


def test_the_capstone_recaps_the_course_and_leads_to_module_08(markdown):
    assert "**Next:** [08 Your own autograd](../08-autograd/08-autograd.ipynb)" in markdown
    assert "This was the last module" not in markdown
    for folder in ["01-slope", "02-derivative", "03-partial-derivatives", "04-chain-rule", "05-linear-regression",
                   "06-logistic-regression"]:
        assert f"(../{folder}/{folder}.ipynb)" in markdown
