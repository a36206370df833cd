"""Module 2 reproduces, by running, every number and claim its syllabus section lists."""

import re
import runpy

import numpy as np
import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

ASSIGNMENT = "02-derivative"


def test_nudging_by_a_thousandth_gives_the_syllabus_numbers(text):
    for shown in [
        "a = 2 → f(a) = 4.000;  a = 2.001 → f(a) = 4.004;  Δf / Δa = 4.001",
        "a = 5 → f(a) = 25.000;  a = 5.001 → f(a) = 25.010;  Δf / Δa = 10.001",
        "a = 2 → f(a) = 8.000;  a = 2.001 → f(a) = 8.012;  Δf / Δa = 12.006",
        "a = 2 → f(a) = 0.693147;  a = 2.001 → f(a) = 0.693647;  Δf / Δa = 0.500",
        "at a = 2:  3a² = 12,  1/a = 0.5",
    ]:
        assert shown in text


def test_the_quotient_of_x_squared_is_2x_plus_dx_and_tends_to_2_at_1(text):
    for dx, quotient in [("1", "3.0000"), ("0.1", "2.1000"), ("0.01", "2.0100"), ("0.001", "2.0010")]:
        assert re.search(rf"Δx = {re.escape(dx)} +Δy/Δx = {quotient}   2x \+ Δx = {quotient}", text)
    assert "Δx → 0: the slope of x² at x = 1 is 2x = 2" in text


def test_sympy_takes_the_limit_and_diff_agrees(text):
    assert "Δy/Δx = 2*x + Δx" in text
    assert "limit as Δx → 0: 2*x    at x = 1: 2" in text
    assert "sympy.diff(x**2, x): 2*x" in text
    assert "limit of ((x + Δx)**k − x**k)/Δx: k*x**(k - 1)" in text  # the power rule, as a limit


def test_power_rule_and_sums(text):
    for shown in ["d/dx (x**3) = 3*x**2", "d/dx (x**2 + x) = 2*x + 1", "d/dx (x**2 + 2*x) = 2*x + 2",
                  "d/dx (log(x)) = 1/x", "at a = 3:  2a + 1 = 7,  2a + 2 = 8"]:
        assert shown in text
    assert "Δf / Δa = 7.001" in text and "Δf / Δa = 8.001" in text


def test_the_exponential_is_its_own_slope(text):
    """(eˣ)′ = eˣ, which module 6 differentiates the sigmoid with: a nudge at a = 1 measures about e."""
    assert "a = 1 → f(a) = 2.718282;  a = 1.001 → f(a) = 2.721001;  Δf / Δa = 2.7196" in text
    assert "e^1 = 2.7183" in text
    assert "a = 2 → f(a) = 7.389056;  a = 2.001 → f(a) = 7.396449;  Δf / Δa = 7.3928" in text
    assert "d/dx (exp(x)) = exp(x)" in text


def test_central_beats_forward_until_round_off_takes_over(text):
    assert "slope of x² at x = 1 with h = 0.1: forward 2.1000, central 2.0000, exact 2" in text
    rows = dict(re.findall(r"^(1e-\d\d) +(\S+ +\S+)$", text, re.MULTILINE))
    errors = {h: [float(value) for value in row.split()] for h, row in rows.items()}
    forward, central = ({h: pair[i] for h, pair in errors.items()} for i in (0, 1))
    assert forward["1e-01"] > 1e-2 and central["1e-01"] < 1e-3  # truncation: error ~ h, ~ h²
    assert central["1e-05"] < 1e-10 < forward["1e-05"]  # the course's step: ten digits, centrally
    assert forward["1e-11"] > forward["1e-08"] and central["1e-11"] > central["1e-05"]  # round-off


def test_the_limit_widget_starts_as_a_secant_of_slope_3(text):
    assert "h = 1.0000: Δy/Δx = (f(1 + h) − f(1)) / h = <b>3.0000</b>; the tangent's slope is 2.0000" in text


def test_the_limit_widget_closes_on_the_tangent_slope_2():
    import ipywidgets

    from course.widgets import limit_widget

    widget = limit_widget(lambda x: x**2, x=1.0, x_range=(-0.5, 2.5), name="f(x) = x²")
    step, readout, image = widget.children
    assert isinstance(step, ipywidgets.FloatLogSlider) and step.min <= -3
    before = image.value
    step.value = 0.001
    assert "<b>2.0010</b>" in readout.value and "(gap +0.0010)" in readout.value
    assert image.value != before


def test_each_hidden_expression_of_derivative_by_limit_is_more_than_a_polynomial():
    """A quartic plus a multiple of one of four functions that are not polynomials, each drawn: a function that only
    differentiates polynomials (the visible check's three) fails every hidden point."""
    draw = runpy.run_path(str(ROOT / "source" / ASSIGNMENT / "exercises.py"))["random_expression"]
    rng = np.random.default_rng(2)
    extras = []
    for expression, x in [draw(rng) for _ in range(100)]:
        beyond = [term for term in expression.as_ordered_terms() if not term.is_polynomial(x)]
        assert len(beyond) == 1, expression
        extras.append(str(beyond[0].as_coeff_Mul()[1]))
    assert set(extras) == {"log(x)", "exp(2*x)", "1/x", "sqrt(x)"}
