"""Module 5 (linear regression): the syllabus's numbers and claims, as the executed notebook prints them."""

import re

import matplotlib
import nbformat
import numpy as np
import pytest
from conftest import find_widget, notebook

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

matplotlib.use("Agg")

ASSIGNMENT = "05-linear-regression"


@pytest.fixture(scope="module")
def markdown():
    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    return "\n".join(cell.source for cell in source.cells if cell.cell_type == "markdown")


def test_the_model_its_errors_and_the_two_costs(text):
    """ŷ = m·x + b, error = ŷ − y, the sum of squared errors Σ error², and the cost J, their mean, for m = 1, b = 0."""
    assert "30 examples; the first three, with the line m = 1, b = 0:" in text
    assert "x = 0.014, y = 0.523, ŷ = 0.014, error = ŷ − y = -0.509" in text
    assert "sum of squared errors Σ error² = 519.5296" in text
    assert "mean squared error J(1, 0)     = 17.3177" in text
    assert "nudge m by 0.001: J = 17.292212, ΔJ / Δm = -25.441" in text
    assert "nudge b by 0.001: J = 17.310035, ΔJ / Δb = -7.619" in text


def test_one_example_by_the_power_and_chain_rules_and_by_nudging(text):
    """(x, y) = (2, 5), m = 1, b = 0.5: the loss L = error² of one example has ∂L/∂m = 2·error·x = −10 and
    ∂L/∂b = 2·error = −5, as the nudges say."""
    assert "ŷ = 2.5, error = -2.5, L = error² = 6.25" in text
    assert "∂L/∂m: rule 2·error·x = -10.000;  nudge m by 0.001: -9.996;  numerical gradient: -10.000" in text
    assert "∂L/∂b: rule 2·error   = -5.000;  nudge b by 0.001: -4.999;  numerical gradient: -5.000" in text


def test_every_hand_written_gradient_is_checked_numerically(text):
    assert "at m = 1, b = 0, by the rule:   ∂J/∂m = -25.4509, ∂J/∂b = -7.6196" in text
    assert "at m = 1, b = 0, by nudging:    ∂J/∂m = -25.4509, ∂J/∂b = -7.6196" in text
    assert "✓ gradient_as_array: right at all 10 points checked." in text
    assert "∂J/∂(w1, w2, b) by the rule:  77810.000, 29569.000, 442.500" in text
    assert "∂J/∂(w1, w2, b) by nudging:   77810.000, 29569.000, 442.500" in text


def test_the_update_rule_and_the_2_folded_into_the_learning_rate(text):
    assert "m: 1 → 2.2725, b: 0 → 0.3810;  J: 17.3177 → 0.3862" in text
    assert "η = 0.05 with the 2: m = 2.272547;  η = 0.10 without it: m = 2.272547" in text


def test_batch_and_stochastic_cost_histories(text):
    assert "passes   batch, η = 0.05   stochastic, η = 0.01" in text
    for row in ["     0           52.4163                52.4163",
                "     1            0.3637                 0.3065",
                "     5            0.2671                 0.2399",
                "    10            0.2566                 0.3156",
                "    20            0.2420                 0.2260",
                "    50            0.2241                 0.2209"]:
        assert row in text


def test_the_prose_names_the_passes_of_the_stochastic_costs_it_quotes(markdown):
    assert "(0.2399 after pass 5, 0.3156 after pass 10, 0.2260 after pass 20)" in markdown


def test_too_small_a_learning_rate_crawls_and_too_large_diverges(text):
    assert "η = 0.001: J after 50 steps = 6.641  (too small: crawls)" in text
    assert "η = 0.05: J after 50 steps = 0.2241  (about right)" in text
    assert "η = 0.11: J after 50 steps = 5.719e+12  (too large: diverges)" in text


def test_the_line_agrees_with_least_squares(text):
    assert "gradient descent: m = 2.014832, b = 1.098412, J = 0.218709" in text
    assert "least squares:    m = 2.014832, b = 1.098412, J = 0.218709" in text
    assert "largest difference: 1.1e-10" in text


def test_the_bmi_table_and_its_start_at_w_1_1_b_0(text):
    assert "Height  Weight  BMI" in text
    for row in ["   160      60   21", "   170      65   22", "   180      70   20", "   190      71   18"]:
        assert row in text
    assert "w = (1, 1), b = 0: ŷ = [220. 235. 250. 261.], J = 49229.75" in text


def test_unscaled_heights_make_gradient_descent_diverge_without_a_warning(text):
    assert "step   0: J = 4.923e+04" in text
    assert "step   1: J = 1.795e+06" in text
    assert "step 190: J = 2.751e+301" in text
    assert "step 200: J = inf" in text
    assert "RuntimeWarning" not in text
    assert "η = 0.00001: J after 1000 steps = 6.7258; the best possible J is 0.375" in text


def test_the_edge_of_the_learning_rate_is_two_over_the_largest_curvature(text):
    """The divergence comes from curvature: η must stay below 2/λ_max of the Hessian of J (2.8e-5 for the BMI model,
    0.096 for the line), and at η = 0.0001 each step multiplies J by (1 − ηλ_max)² ≈ 36."""
    assert "curvatures λ of J, the eigenvalues of its Hessian: [8.1298e-03 2.0972e+00 7.0383e+04]" in text
    assert "so η must stay below 2/λ_max = 2.84e-05" in text
    assert "by 1 − ηλ_max = -6.04, so J by 36.5" in text
    assert "the line's cost: λ_max = 20.813, so 2/λ_max = 0.0961" in text
    assert "curvatures λ after scaling: [0.0633 2.     3.9367]" in text
    assert "2/λ_max = 0.508, and λ_max/λ_min = 62 instead of 8.7e+06" in text


def test_feature_scaling_converges_to_least_squares(text):
    assert "scaled heights: [-1.3416 -0.4472  0.4472  1.3416]" in text
    assert "step   0: J = 420.754605" in text
    assert "step 999: J = 0.375000" in text
    assert "gradient descent: w1, w2, b = [-3.354102  2.193741 20.25    ]" in text
    assert "least squares:    w1, w2, b = [-3.354102  2.193741 20.25    ]" in text
    assert "largest difference: 1.3e-08" in text
    assert "from gradient descent: BMI ≈ -0.3000·height + 0.5000·weight + 39.5000" in text
    assert "least squares on cm, kg: BMI ≈ -0.3000·height + 0.5000·weight + 39.5000" in text


def test_the_learners_functions_are_fast_on_a_million_examples(text):
    seconds = re.search(r"gradients on 1,000,000 examples: (\d+\.\d+) s", text)
    assert seconds and float(seconds.group(1)) < 1.0  # vectorised: typically about 0.01 s
    assert "a Python loop over 10,000 examples:" in text


def test_the_learners_train_reaches_the_least_squares_line(text):
    assert "your train: m = 2.014832, b = 1.098412; J went from 52.4163 to 0.218709" in text


def test_the_learners_train_reproduces_the_scaled_fit(text):
    assert "cost before the first step 420.754605, before the last 0.375000" in text
    assert "w = [-3.354102  2.193741], b = 20.250000; least squares: [-3.354102  2.193741 20.25    ]" in text
    assert "in cm and kg: BMI ≈ -0.3000·height + 0.5000·weight + 39.5000" in text


def test_the_widgets_start_where_the_text_says(text):
    assert "cost J(m, b) = <b>17.3177</b>" in text
    assert "step 0: m = 0.0000, b = 5.0000, cost J = <b>12.6007</b>" in text


SECTIONS_THEN_EXERCISES = [
    ("## A line through data", "## Exercise 1 — predictions"),
    ("## Exercise 1 — predictions", "## Exercise 2 — the cost"),
    ("## All the examples: the gradient of the mean", "## Exercise 3 — the gradients"),
    ("## Downhill: the update rule", "## Exercise 4 — one step downhill"),
    ("## The learning rate", "## Exercise 5 — the training loop"),
    ("## Feature scaling", "## Exercise 6 — undo the scaling"),
]


def headings():
    """The notebook's H2 headings with the index of their cell, and the number of cells."""
    cells = nbformat.read(notebook("source", ASSIGNMENT), as_version=4).cells
    found = [(line, index) for index, cell in enumerate(cells) if cell.cell_type == "markdown"
             for line in cell.source.splitlines() if line.startswith("## ")]
    return found, len(cells)


def test_each_exercise_comes_right_after_the_section_that_motivates_it():
    found, total = headings()
    titles = [title for title, _ in found]
    first_exercise = next(index for title, index in found if title.startswith("## Exercise"))
    assert first_exercise < total / 3, "the first exercise should come within the first third of the notebook"
    for section, exercise in SECTIONS_THEN_EXERCISES:
        at = [i for i, title in enumerate(titles) if title.startswith(section)]
        exercise_at = [i for i, title in enumerate(titles) if title.startswith(exercise)]
        assert len(at) == 1 and len(exercise_at) == 1, (section, exercise)
        between = titles[at[0] + 1 : exercise_at[0]]
        assert at[0] < exercise_at[0] and all(not t.startswith("## Exercise") for t in between), (section, exercise)
        assert len(between) <= 2, f"{exercise} is {len(between)} sections away from {section}"


def test_the_notation_is_the_course_s(markdown):
    """L is one example's loss and J the cost, the mean of the losses; the error is ŷ − y throughout (the hints may
    name y − ŷ as the mistake it is); no code inside LaTeX's text mode, where backticks become curly quotes."""
    assert r"L_i = \text{error}_i^2" in markdown and r"J(m, b) = \frac{1}{n} \sum_{i=1}^{n} L_i" in markdown
    assert r"L = \frac{1}{n}" not in markdown and r"J = \text{error}^2" not in markdown
    teaching = "\n".join(part.split("<details>")[0] for part in markdown.split("\n## "))
    assert r"y - \hat y" not in teaching and "y − ŷ" not in teaching
    assert not re.search(r"\\text\{[^}]*`", markdown)


def notebook_cost():
    """The data and the cost(m, b) of the notebook, from its own cells."""
    from course.datasets import noisy_line

    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    cells = [cell.source for cell in source.cells if cell.source.startswith(("x, y = noisy_line", "def cost(m, b)"))]
    namespace = {"np": np, "noisy_line": noisy_line, "print": lambda *args, **kwargs: None}
    for cell in cells:
        exec(compile(cell, "notebook cell", "exec"), namespace)
    return namespace["x"], namespace["y"], namespace["cost"]


def test_the_fit_widget_reaches_the_least_squares_cost():
    import ipywidgets

    from course.widgets import fit_widget

    x, y, cost = notebook_cost()
    widget = fit_widget(x, y, cost, m=1.0, b=0.0, m_range=(-1.0, 4.0), b_range=(-3.0, 5.0))
    find_widget(widget, ipywidgets.FloatSlider, "slope m").value = 2.01
    find_widget(widget, ipywidgets.FloatSlider, "intercept b").value = 1.10
    assert "cost J(m, b) = <b>0.2189</b>" in find_widget(widget, ipywidgets.HTML).value  # the minimum is 0.2187


def test_the_descent_widget_creeps_down_the_valley_and_overshoots_when_eta_is_large():
    import ipywidgets

    from course.widgets import descent_widget

    _, _, cost = notebook_cost()
    widget = descent_widget(cost, start=(0.0, 5.0), m_range=(-1.0, 5.0), b_range=(-4.0, 6.0), eta=0.05)
    readout = find_widget(widget, ipywidgets.HTML)
    for _ in range(3):
        find_widget(widget, ipywidgets.Button, "10 steps").click()
    assert "step 30: m = 1.4495, b = 3.0889, cost J = <b>1.25121</b>" in readout.value
    find_widget(widget, ipywidgets.FloatLogSlider).value = 0.12  # above 0.096, where this cost diverges
    find_widget(widget, ipywidgets.Button, "10 steps").click()
    assert "the cost went <b>up</b>" in readout.value
