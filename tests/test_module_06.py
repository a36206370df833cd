"""Module 6 shows, by running, every number and claim of its syllabus section: the sigmoid and its derivative,
the cross-entropy and its gradient, stable forms of both, vectorisation, and a trained classifier."""

import re

import nbformat
import pytest
from conftest import notebook, text_of

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

ASSIGNMENT = "06-logistic-regression"


@pytest.fixture(scope="module")
def run(executed):
    return executed("source", ASSIGNMENT)


@pytest.fixture(scope="module")
def text(run):
    return text_of(run)


@pytest.mark.parametrize("shown", [
    "σ(-2) = 0.119203", "σ( 0) = 0.500000", "σ( 2) = 0.880797",
    # σ′(z) = σ(z)(1 − σ(z)), checked by nudging z by 0.001 as in module 2.
    "z = 0: σ(z) = 0.500000, σ(z + 0.001) = 0.500250, Δσ/Δz = 0.250000, σ(z)(1 − σ(z)) = 0.250000",
    "z = 2: σ(z) = 0.880797, σ(z + 0.001) = 0.880902, Δσ/Δz = 0.104954, σ(z)(1 − σ(z)) = 0.104994",
])
def test_the_sigmoid_and_its_derivative_by_nudging(text, shown):
    assert shown in text


def test_the_formula_overflows_and_the_stable_sigmoid_does_not(text):
    assert "sigmoid(-1000) = 0; warnings: overflow encountered in exp" in text
    assert "sigmoid(40) = 1; warnings: none" in text
    assert "inside np.errstate(over='raise'): FloatingPointError: overflow encountered in exp" in text
    for z, value in [("-1000", "0"), ("-40", "4.24835e-18"), ("0", "0.5"), ("1000", "1")]:
        assert f"stable σ({z}) = {value}\n" in text


def test_the_loss_as_written_gives_nan_and_inf_and_the_form_in_z_does_not(text):
    assert re.search(r"z = 40, y = 1: L = nan; warnings: divide by zero encountered in log, invalid value", text)
    assert re.search(r"z = 1000, y = 1: L = nan; warnings: .*divide by zero encountered in log", text)
    assert "z = -1000, y = 1: L = inf; warnings: overflow encountered in exp, divide by zero encountered in log" in text
    for shown in ["z = 2, y = 1: L = 0.126928; warnings: none", "z = 40, y = 1: L = 0; warnings: none",
                  "z = 1000, y = 1: L = 0; warnings: none", "z = -1000, y = 1: L = 1000; warnings: none"]:
        assert shown in text


def test_no_warning_escapes_into_the_notebook(run):
    streams = [output for cell in run.cells for output in cell.get("outputs", [])
               if output.get("output_type") == "stream" and output.get("name") == "stderr"]
    assert streams == []


def test_the_loss_of_one_example(text):
    for y_hat, loss in [("0.9 ", "0.105"), ("0.5 ", "0.693"), ("0.1 ", "2.303")]:
        assert f"y = 1, ŷ = {y_hat}: L = −log ŷ = {loss}" in text


def test_dL_dz_is_y_hat_minus_y_by_the_chain_rule_and_by_nudging(text):
    assert "z = 0.8: ŷ = σ(z) = 0.689974" in text
    assert ("y = 1: dL/dŷ · dŷ/dz = -1.449329 · 0.213910 = -0.310026; ŷ − y = -0.310026; "
            "by nudging z: -0.310026") in text
    assert "y = 0: dL/dŷ · dŷ/dz = 3.225541 · 0.213910 = 0.689974; ŷ − y = 0.689974; by nudging z: 0.689974" in text


def test_X_transpose_times_the_errors_is_the_weighted_sum_of_rows(text):
    assert "Σ (ŷᵢ − yᵢ)·xᵢ = [-1.25  1.3 ]" in text
    assert "Xᵀ(ŷ − y)     = [-1.25  1.3 ]" in text


def test_the_exercises_examples(text):
    assert "0.5 0.75 [0.2 0.5 0.8]" in text  # the plain sigmoid
    assert "(0.5, 0.75, array([0. , 0.5, 1. ]))" in text  # the stable one
    assert "0.6931471805599453" in text  # the cost at w = 0, b = 0 is log 2
    assert "(array([-0.5, -0.5]), 0.0)" in text
    assert "(array([0.5, 0.5]), 0.0, [0.6931471805599453])" in text


def test_a_gradient_check_of_the_learners_gradients_passes(text):
    assert "✓ gradient_of: right at all 10 points checked." in text


def test_numpy_beats_the_loop_and_a_million_examples_stay_fast(text):
    assert "same gradients: True" in text
    loop, vectorised, speed_up = re.search(
        r"n = 20,000: Python loop (\S+) s, NumPy (\S+) s, speed-up (\d+)×", text).groups()
    assert float(loop) > float(vectorised) and int(speed_up) >= 10
    seconds = float(re.search(r"gradients on 1,000,000 examples: (\S+) s", text).group(1))
    assert seconds < 1.0


def test_training_reaches_a_high_accuracy(text):
    assert "cost: 0.6931 before the first step" in text
    accuracy = float(re.search(r"accuracy after 200 steps: (\S+)", text).group(1))
    assert accuracy > 0.9
    # The widget opened at the trained w, b reports the same accuracy; the first one, at w = (1, −1), much less.
    shown = [int(percent) for percent in re.findall(r"accuracy = <b>(\d+)%</b>", text)]
    assert len(shown) == 2 and shown[0] < 90 <= shown[1] == round(100 * accuracy)
    assert "cost at w = (1, −1), b = 0: 0.8578" in text and "cost J(w, b) = <b>0.8578</b>" in text
    # The gradient in the readout: at the bad guess it points away from w = (1, 1); at the trained w, b it is ~0.
    gradients = [[float(value) for value in found] for found in re.findall(
        r"∂J/∂w₁ = <b>(\S+)</b>, ∂J/∂w₂ = <b>(\S+)</b>, ∂J/∂b = <b>(\S+)</b>", text)]
    assert len(gradients) == 2 and gradients[0][0] < -0.1 and gradients[0][1] < -0.1
    assert max(abs(value) for value in gradients[1]) < 0.01


def test_the_notebooks_cost_drives_the_widget():
    """The widget cell's data and cost, run alone: separating the clouds lowers the cost and raises the accuracy."""
    import ipywidgets
    import numpy as np

    from course.datasets import two_blobs
    from course.widgets import boundary_widget

    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    cells = [cell.source for cell in source.cells if cell.cell_type == "code"]
    loss_cell = next(cell for cell in cells if cell.startswith("def loss_in_z"))
    cost_cell = next(cell for cell in cells if cell.startswith("X, y = two_blobs"))
    namespace = {"np": np, "two_blobs": two_blobs, "boundary_widget": boundary_widget,
                 "record_warnings": lambda f, *args: (f(*args), ["none"])}
    exec(compile(loss_cell + "\n" + cost_cell, "widget cells", "exec"), namespace)
    widget = boundary_widget(namespace["X"], namespace["y"], namespace["cost"], w=(1.0, -1.0), b=0.0)
    sliders = [child for child in widget.children if isinstance(child, ipywidgets.FloatSlider)]
    readout = next(child for child in widget.children if isinstance(child, ipywidgets.HTML))
    before = float(re.search(r"cost J\(w, b\) = <b>(\S+)</b>", readout.value).group(1))
    sliders[0].value, sliders[1].value = 2.0, 2.0
    after = float(re.search(r"cost J\(w, b\) = <b>(\S+)</b>", readout.value).group(1))
    assert after < before
    assert int(re.search(r"accuracy = <b>(\d+)%</b>", readout.value).group(1)) >= 90
