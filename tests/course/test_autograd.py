"""course.autograd's probes and the widget of the learner's own graph, driven by module 08's reference solutions."""

import pytest
from submissions import solution_sources

from course.autograd import Node, backward_on, expression, nodes_in_order, operation, probe_value
from course.widgets import NotReady, autograd_widget, learners_graph

J_RECIPE = ([5.0, 3.0, 2.0], [("a * b", 1, 2), ("a + b", 0, 3), ("n * a", 3.0, 4)])  # J = 3(a + bc)


@pytest.fixture
def reference():
    """Module 08's reference Value and backward, run together as in the notebook (afresh for each test, which may
    put a class of its own in Value's place)."""
    namespace = {}
    exec("import math\nimport numpy as np", namespace)
    for name in ("Value", "backward"):
        exec(solution_sources("08-autograd")[name], namespace)
    return namespace


def replaced(namespace, cls):
    """`cls` (a subclass of the reference Value) made the Value every operation builds its results with."""
    namespace["Value"] = cls
    return cls


def test_an_operation_gives_its_result_and_the_local_derivative_of_each_value(reference):
    Value = reference["Value"]
    assert operation(Value, "a * b", 2.0, 3.0) == [6.0, 3.0, 2.0]
    assert operation(Value, "a - b", 2.0, 5.0) == [-3.0, 1.0, -1.0]
    assert operation(Value, "n - a", 1.0, 3.0) == [-2.0, -1.0]  # the number wrapped as a constant has no entry
    assert operation(Value, "a ** n", 2.0, 3) == [8.0, 12.0]
    assert probe_value(Value, "a.sigmoid()", 0.0) == [0.5, 0.25]


def test_an_expression_gives_its_output_and_every_leafs_gradient(reference):
    assert expression(reference["Value"], J_RECIPE) == [33.0, 3.0, 6.0, 9.0]
    assert probe_value(reference["Value"], "expression", ([3.0], [("a * b", 0, 0)])) == [9.0, 6.0]  # a used twice


def test_subtraction_made_of_other_operations_is_told_to_stand_alone(reference):
    class SumOfNegative(reference["Value"]):
        def __sub__(self, other):
            return self + (-other)

    with pytest.raises(ValueError, match=r"write a − b as an operation of its own, not as a \+ \(−b\)"):
        operation(replaced(reference, SumOfNegative), "a - b", 2.0, 5.0)


def test_a_result_that_is_no_value_or_breaks_the_layout_is_named(reference):
    class ReturnsFloats(reference["Value"]):
        def __mul__(self, other):
            return self.data * other.data

    class OneGradTooFew(reference["Value"]):
        def exp(self):
            return OneGradTooFew(1.0, (self,), ())

    with pytest.raises(TypeError, match="a \\* b returned float, not a ReturnsFloats"):
        operation(ReturnsFloats, "a * b", 2.0, 3.0)
    with pytest.raises(ValueError, match="1 parents but 0 local gradients"):
        operation(replaced(reference, OneGradTooFew), "a.exp()", 1.0)
    with pytest.raises(ValueError, match="unknown operation 'a / b'"):
        operation(reference["Value"], "a / b", 1.0, 2.0)


def test_backward_runs_on_nodes_built_from_plain_data(reference):
    graph = [(5.0, [], []), (3.0, [], []), (2.0, [], []), (6.0, [1, 2], [2.0, 3.0]), (11.0, [0, 3], [1.0, 1.0]),
             (33.0, [4], [3.0])]
    assert backward_on(reference["backward"], graph) == [3.0, 6.0, 9.0, 3.0, 3.0, 1.0]
    with pytest.raises(ValueError, match="earlier nodes as its parents"):
        backward_on(reference["backward"], [(1.0, [0], [1.0])])


def test_a_gradient_that_is_no_plain_number_is_refused():
    def backward(output):
        output.grad = "1"

    with pytest.raises(TypeError, match="the gradient of node 0 is not a number"):
        backward_on(backward, [(1.0, [], [])])


def test_nodes_come_each_once_after_their_parents_even_down_a_long_chain():
    leaf = Node(1.0)
    node = leaf
    for _ in range(5000):  # deeper than Python's recursion limit
        node = Node(1.0, (node, leaf), (1.0, 1.0))
    order = nodes_in_order(node)
    assert len(order) == 5001 and order[0] is leaf and order[-1] is node
    place = {id(each): index for index, each in enumerate(order)}
    assert all(place[id(parent)] < place[id(each)] for each in order for parent in each.parents)


def test_the_learners_graph_names_leaves_constants_and_the_nodes_between(reference):
    drawn = learners_graph(lambda a, b, c: 3 * (a + b * c), reference["Value"], {"a": 5, "b": 3, "c": 2}, "J")
    assert list(drawn.values) == ["a", "b", "c", "3", "n1", "n2", "J"]
    assert drawn.graph["n1"][1:] == (["b", "c"], "f(b, c)") and drawn.graph["J"][1] == ["n2", "3"]
    assert [drawn.gradients[name] for name in "abc"] == [3.0, 6.0, 9.0] and drawn.output == 33.0
    assert learners_graph(lambda a: a * a, reference["Value"], {"a": 3.0}).uses == {"a": [3.0, 3.0]}


def test_the_widget_says_what_is_missing_from_an_incomplete_class():
    class NoLocalGrads:
        def __init__(self, data):
            self.data, self.grad, self.parents = data, 0.0, ()

        def __mul__(self, other):
            return NoLocalGrads(self.data * other.data)

        def backward(self):
            self.grad = 1.0

    with pytest.raises(NotReady, match="keep the layout NoLocalGrads\\(data, parents, local_grads\\)"):
        autograd_widget(lambda a, b: a * b, NoLocalGrads, {"a": 1.0, "b": 2.0})
