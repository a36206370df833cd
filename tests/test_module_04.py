"""Module 4 shows, by running, every number of its syllabus section: J = 3(a + b·c) forward and backward."""

import re

import nbformat
import pytest
from conftest import notebook

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out

ASSIGNMENT = "04-chain-rule"


@pytest.mark.parametrize("shown", [
    # J(a, b, c) = 3(a + b·c): the nudges the learner sees before any formula.
    "J(5, 3, 2) = 33",
    "nudge a by 0.001: J = 33.003, ΔJ / Δa = 3.000",
    "nudge b by 0.001: J = 33.006, ΔJ / Δb = 6.000",
    "nudge c by 0.001: J = 33.009, ΔJ / Δc = 9.000",
    # The forward pass of u = b·c, v = a + u, J = 3v.
    "a = 5, b = 3, c = 2, u = 6, v = 11, J = 33",
])
def test_the_forward_pass(text, shown):
    assert shown in text


@pytest.mark.parametrize("shown", [
    "dJ/dv = 3",
    "dJ/du = dJ/dv·dv/du = 3·1 = 3",
    "dJ/da = dJ/dv·dv/da = 3·1 = 3",
    "dJ/db = dJ/du·du/db = 3·c = 6",
    "dJ/dc = dJ/du·du/dc = 3·b = 9",
])
def test_the_backward_pass_right_to_left(text, shown):
    assert shown in text


@pytest.mark.parametrize("shown", [
    "v 11 → 11.001: u = 6.000, v = 11.001, J = 33.003; predicted J = 33 + 3·0.001 = 33.003",
    "a 5 → 5.001: u = 6.000, v = 11.001, J = 33.003; predicted J = 33 + 3·0.001 = 33.003",
    "b 3 → 3.001: u = 6.002, v = 11.002, J = 33.006; predicted J = 33 + 6·0.001 = 33.006",
    "c 2 → 2.001: u = 6.003, v = 11.003, J = 33.009; predicted J = 33 + 9·0.001 = 33.009",
])
def test_each_derivative_is_checked_by_a_nudge(text, shown):
    assert shown in text


def test_the_backward_pass_is_shown_to_be_cheaper(text):
    assert "k =         2, s =  2: afresh          4 multiplications, backward         3" in text
    assert "k = 1,000,000, s = 50: afresh 50,000,000 multiplications, backward 1,000,049" in text


def test_L_means_only_the_loss():
    """The path length of "Why backward?" is s: L is the loss of one example throughout the course."""
    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    counting = next(cell.source for cell in source.cells if cell.source.startswith("for k, s in"))
    assert not re.search(r"\bL\b", counting)
    assert "$s$ local derivatives" in next(cell.source for cell in source.cells if "## Why backward?" in cell.source)


@pytest.mark.parametrize("shown", [
    "z = 1.5: x = z² = 2.25, y = x² = 5.0625",
    "nudge z by 0.001: Δy / Δz = 13.514",
    "nudge z by 1e-06: Δy / Δz = 13.500",
    "dy/dz = dy/dx · dx/dz = 2x · 2z = 4.5 · 3.0 = 13.5",
])
def test_the_chain_rule_in_one_variable(text, shown):
    assert shown in text


@pytest.mark.parametrize("shown", [
    # b feeds two steps: u = a·b, v = b + c, J = u·v at (4, 2, 1).
    "a = 4, b = 2, c = 1, u = 8, v = 3, J = 24",
    # The nudge first, one path at a time, then along both.
    "b 2 → 2.001 through u only: u = 8.004, v = 3.000, J = 24.012000, ΔJ / Δb = 12.000",
    "b 2 → 2.001 through v only: u = 8.000, v = 3.001, J = 24.008000, ΔJ / Δb = 8.000",
    "b 2 → 2.001 along both paths: u = 8.004, v = 3.001, J = 24.020004, ΔJ / Δb = 20.004",
    # Then the rule: the two paths' contributions add.
    "dJ/du = v = 3, dJ/dv = u = 8",
    "dJ/db = dJ/du·du/db + dJ/dv·dv/db = 3·4 + 8·1 = 20",
    "dJ/da = dJ/du·du/da = 3·2 = 6",
    "dJ/dc = dJ/dv·dv/dc = 8·1 = 8",
    "J at the start: 24.0000; now: <b>24.0000</b>",
])
def test_gradients_add_over_paths(text, shown):
    assert shown in text


def test_the_nudge_of_the_shared_node_comes_before_the_rule():
    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    sources = [cell.source for cell in source.cells]
    nudge = next(i for i, cell in enumerate(sources) if "through u only" in cell)
    rule = next(i for i, cell in enumerate(sources) if cell.startswith("## Gradients add over paths"))
    exercise = next(i for i, cell in enumerate(sources) if cell.startswith("def dJ_db_two_paths"))
    summary = next(i for i, cell in enumerate(sources) if cell.startswith("## Summary"))
    assert nudge < rule < exercise < summary


def test_the_widget_starts_at_J_33(text):
    assert "J at the start: 33.0000; now: <b>33.0000</b>" in text


def notebook_graph_widget(graph_name, start_name):
    """The widget of one of the notebook's graphs: its cell (the one that assigns `graph_name`), run alone, then
    graph_widget(graph, start); returns the readout and the nudge buttons by their text."""
    import ipywidgets

    from course import graphs
    from course.widgets import graph_widget

    source = nbformat.read(notebook("source", ASSIGNMENT), as_version=4)
    graph_cell = next(cell.source for cell in source.cells if cell.source.startswith(f"{graph_name} = {{"))
    namespace = {"graphs": graphs}
    exec(compile(graph_cell, "graph cell", "exec"), namespace)
    widget = graph_widget(namespace[graph_name], namespace[start_name])
    readout = next(child for child in widget.children if isinstance(child, ipywidgets.HTML))
    buttons = {button.description: button for row in widget.children if isinstance(row, ipywidgets.HBox)
               for button in row.children if isinstance(button, ipywidgets.Button)}
    return readout, buttons


def test_the_notebooks_own_graph_drives_the_widget():
    """The graph cell of the notebook, run alone, makes a widget whose prediction matches the chain rule."""
    readout, buttons = notebook_graph_widget("graph", "start")
    buttons["b + 0.001"].click()
    assert "now: <b>33.0060</b>" in readout.value
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.006000</b>; actual change = <b>+0.006000</b>" in readout.value
    buttons["a + 0.001"].click()
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.009000</b>" in readout.value


def test_the_two_path_graph_drives_the_widget():
    """The second graph's widget: a nudge of b, which feeds u and v, moves J by the sum of both paths."""
    readout, buttons = notebook_graph_widget("two_paths", "start_2")
    buttons["b + 0.001"].click()
    assert "now: <b>24.0200</b>" in readout.value
    assert "predicted change Σ ∂J/∂x · Δx = <b>+0.020000</b>; actual change = <b>+0.020004</b>" in readout.value
