"""Module 8 (your own autograd): the syllabus's facts and figures, as the notebook prints them when it runs."""

import runpy

import nbformat
import numpy as np
import pytest
from conftest import ROOT, notebook

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

ASSIGNMENT = "08-autograd"
PARAMETERS = ["w11_1", "w21_1", "b11", "w12_1", "w22_1", "b12", "w11_2", "w21_2", "b21"]
WORKED = np.array([0.5, -1.0, 0.5, 1.0, 0.5, -0.5, 2.0, -0.5, 1.0])


@pytest.fixture(scope="module")
def markdown():
    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    return "\n".join(cell.source for cell in source.cells if cell.cell_type == "markdown")


def solution_namespace(step="source"):
    """The notebook's imports cell and solution cells (the release's stubs for step="release"), run together."""
    cells = nbformat.read(notebook(step, ASSIGNMENT), as_version=4).cells
    code = [cell for cell in cells if cell.cell_type == "code"]
    namespace = {}
    for cell in [code[0], *(c for c in code if c.metadata.get("nbgrader", {}).get("solution"))]:
        exec(compile(cell.source, "notebook cell", "exec"), namespace)
    return namespace


def module_07_gradient(x1, x2, y, p):
    """Module 07's nine gradients, from its grader's own chain rule (source/07-backprop/exercises.py)."""
    module_07 = runpy.run_path(str(ROOT / "source" / "07-backprop" / "exercises.py"))
    return module_07["gradient_of"](np.array([[x1, x2]]), np.array([y]), p)


def test_the_value_layout_and_each_local_derivative_are_stated(markdown):
    for attribute in ["`.data`", "`.grad`", "`.parents`", "`.local_grads`"]:
        assert f"| {attribute} |" in markdown
    for row in ["| `a + b` | $a + b$ | $1$, $1$ |", "| `a - b` | $a - b$ | $1$, $-1$ |",
                "| `a * b` | $a b$ | $b$, $a$ |",
                "| `a ** k` ($k$ a number) | $a^k$ | $k\\, a^{k-1}$ |", "| `a.exp()` | $e^a$ | $e^a$ |",
                "| `a.log()` | $\\ln a$ | $1 / a$ |", "$\\sigma(a)\\,(1 - \\sigma(a))$", "$1 - \\tanh^2 a$"]:
        assert row in markdown


def test_backward_is_a_reversed_topological_order_seeded_with_1_that_adds(markdown):
    assert "**topological order**" in markdown and "**in reverse**" in markdown
    assert "$\\partial(\\text{out}) / \\partial(\\text{out}) = 1$" in markdown
    assert "hence `+=`, never `=`" in markdown


def test_a_value_used_twice_is_nudged_before_anything_is_written(text):
    assert "f at the start: 9.0000" in text  # module 4's graph widget on f = a·a, before the class


def test_the_bookkeeping_by_hand_gives_module_4s_numbers(text):
    assert "u = 6, v = 11, J = 33" in text
    assert "∂J/∂a = 3, ∂J/∂b = 6, ∂J/∂c = 9" in text


def test_the_learners_backward_on_nodes_gives_3_6_and_9(text):
    assert "3.0 6.0 9.0" in text


def test_J_by_running_backward_on_values(text):
    assert "J = 33; ∂J/∂a = 3, ∂J/∂b = 6, ∂J/∂c = 9" in text


def test_the_gradient_check_of_an_expression_with_a_value_used_twice(text):
    assert "✓ gradient_by_backward: right at all 20 points checked." in text


def test_the_network_from_values_gives_module_07s_nine_gradients(text):
    expected = module_07_gradient(2.0, 1.0, 3.0, WORKED)
    assert expected.tolist() == [-16, -8, -8, 4, 2, 2, -2, -8, -4]
    assert f"module 7's formulas: {[float(g) for g in expected]}" in text
    for name, value in zip(PARAMETERS, expected, strict=True):
        line = f"∂L/∂{name:<5}: Values {value:6.1f}   module 7's formula {value:6.1f}   numerical {value:10.6f}"
        assert line in text


def test_network_gradients_agrees_with_module_07_and_a_numerical_gradient_at_random_points():
    namespace = solution_namespace()
    loss_of = runpy.run_path(str(ROOT / "source" / ASSIGNMENT / "exercises.py"))["loss"]
    rng = np.random.default_rng(8)
    for _ in range(10):
        x1, x2, y = rng.normal(0, 2, 3).tolist()
        p = rng.normal(0, 1, 9)
        loss, grads = namespace["network_gradients"](x1, x2, y, p)
        assert loss == pytest.approx(float(loss_of(x1, x2, y, p)), rel=1e-12)
        assert grads == pytest.approx(module_07_gradient(x1, x2, y, p), rel=1e-9, abs=1e-12)
        nudged = namespace["numerical_gradient"](lambda q, x1=x1, x2=x2, y=y: loss_of(x1, x2, y, q), p)
        assert grads == pytest.approx(nudged, rel=1e-7, abs=1e-8)


def test_training_on_the_bmi_table_reaches_module_07s_loss(text):
    # Module 07's run from the same start: 403.5899 at step 0, 0.3750 (the least-squares plane's) at step 299.
    assert "step   0: mean loss J = 403.5899" in text
    assert "step 299: mean loss J = 0.3750" in text
    assert "least-squares plane: mean loss 0.3750" in text


def test_the_widget_draws_the_learners_J_and_starts_at_33(text):
    assert "J at the start: 33.0000; now: <b>33.0000</b>" in text
    assert "a is used 2 times; the uses pass back 3.0000 + 3.0000 = 6.0000" in text


def widget_parts(widget):
    import ipywidgets

    readout = next(child for child in widget.children if isinstance(child, ipywidgets.HTML))
    row = widget.children[0]
    return readout, row.children[0], next(b for b in row.children if isinstance(b, ipywidgets.Button))


def test_a_nudge_of_b_moves_J_as_its_gradient_predicts():
    from course.widgets import autograd_widget

    Value = solution_namespace()["Value"]
    widget = autograd_widget(lambda a, b, c: 3 * (a + b * c), Value, {"a": 5.0, "b": 3.0, "c": 2.0}, output="J")
    readout, chosen, plus = widget_parts(widget)
    chosen.value = "b"
    plus.click()
    assert "now: <b>33.0060</b>" in readout.value
    assert "predicted change Σ ∂J/∂leaf · Δleaf = <b>+0.006000</b>; actual change = <b>+0.006000</b>" in readout.value


def test_the_overwrite_bug_predicts_half_the_change_the_nudge_measures():
    from course.widgets import autograd_widget

    Value = solution_namespace()["Value"]
    widget = autograd_widget(lambda a: a * a, Value, {"a": 3.0}, output="f")
    readout, _chosen, plus = widget_parts(widget)
    plus.click()
    assert "actual change = <b>+0.006001</b>" in readout.value
    assert "predicted change Σ ∂f/∂leaf · Δleaf = <b>+0.006000</b>" in readout.value
    assert "Kept only the last (overwritten, not added), it would be 3.0000 and predict a change of <b>+0.003000</b>" \
        in readout.value


def test_the_readout_speaks_of_the_leaf_picked_at_every_control():
    import ipywidgets

    from course.widgets import autograd_widget

    Value = solution_namespace()["Value"]
    widget = autograd_widget(lambda a, b: a * b + a, Value, {"a": 2.0, "b": 3.0}, output="f")
    readout, chosen, plus = widget_parts(widget)
    restart = next(child for child in widget.children if isinstance(child, ipywidgets.Button))
    assert "a is used 2 times" in readout.value  # a, picked first, feeds both the product and the sum
    chosen.value = "b"
    assert "is used" not in readout.value
    plus.click()
    assert "is used" not in readout.value and "actual change = <b>+0.002000</b>" in readout.value
    restart.click()
    assert "is used" not in readout.value and "f at the start: 8.0020" in readout.value
    chosen.value = "a"
    assert "a is used 2 times" in readout.value


def test_the_widget_says_what_to_write_first_when_the_class_is_a_stub():
    from course.widgets import NotReady, autograd_widget

    Value = solution_namespace("release")["Value"]
    with pytest.raises(NotReady, match="not implemented yet.*answer Exercises 1 and 2"):
        autograd_widget(lambda a, b: a * b, Value, {"a": 1.0, "b": 2.0})


def test_pytorch_is_where_real_libraries_go_in_prose_only(markdown):
    assert "PyTorch's autograd" in markdown and "optimizer.zero_grad()" in markdown
    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    assert not any("torch" in cell.source for cell in source.cells if cell.cell_type == "code")


def test_the_last_module_ends_with_a_summary_and_no_next_link(markdown):
    assert "## Summary" in markdown and "**Next:**" not in markdown
    assert "This was the last module." in markdown
