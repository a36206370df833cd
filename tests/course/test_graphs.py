import pytest

from course.graphs import depths, forward, nudge_gradients, output_of

J_GRAPH = {
    "u": (lambda b, c: b * c, ["b", "c"], "b·c"),
    "v": (lambda a, u: a + u, ["a", "u"], "a + u"),
    "J": (lambda v: 3 * v, ["v"], "3v"),
}
START = {"a": 5.0, "b": 3.0, "c": 2.0}


def test_forward_runs_each_step_in_order():
    assert forward(J_GRAPH, START) == {"a": 5, "b": 3, "c": 2, "u": 6, "v": 11, "J": 33}
    assert output_of(J_GRAPH) == "J"


def test_pinning_a_node_changes_only_what_comes_after_it():
    values = forward(J_GRAPH, START, {"v": 11.001})
    assert values["u"] == 6 and values["J"] == pytest.approx(33.003)


def test_nudge_gradients_match_the_chain_rule():
    gradients = nudge_gradients(J_GRAPH, START)
    expected = {"J": 1, "v": 3, "u": 3, "a": 3, "b": 6, "c": 9}
    assert gradients == pytest.approx(expected, rel=1e-8)


def test_depths_give_the_drawing_columns():
    assert depths(J_GRAPH, START) == {"a": 0, "b": 0, "c": 0, "u": 1, "v": 2, "J": 3}
