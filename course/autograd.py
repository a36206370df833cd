"""Module 08's probes: the learner's `Value` class and `backward` function, driven with plain numbers.

A learner's object never crosses the sandbox's boundary: each probe here takes the learner's class or function
and plain data, builds the objects with the learner's own code, runs it, and returns plain numbers. The layout
they rely on is the one module 08 states: `Value(data, parents=(), local_grads=())` with `.data`, `.grad`
(0.0 at first), `.parents` (the Values it was made from) and `.local_grads` (∂self/∂parent for each parent).

Nothing here knows a local derivative or walks a graph backwards to add up gradients: that is the learner's work.
"""

from collections.abc import Callable, Sequence
from typing import Any

from course.checks import plain_number

MOST_NODES = 10_000  # a recipe or graph of the grader's is far smaller: more is no honest input


class Node:
    """A node with the layout of a Value and no operations: what `backward_on` runs a learner's backward on."""

    def __init__(self, data: float, parents: tuple["Node", ...] = (), local_grads: tuple[float, ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(local) for local in local_grads)

    def __repr__(self) -> str:
        return f"Node(data={self.data:g}, grad={self.grad:g})"


def backward_on(backward: Callable[[Any], Any], graph: Sequence[Any]) -> list[float]:
    """Every node's `.grad` after the learner's `backward(output)` ran on a graph of Nodes built from plain data.

    `graph` lists the nodes as `(data, parent indices, local grads)`, each parent listed before its child, the
    output last.
    """
    if not graph or len(graph) > MOST_NODES:
        raise ValueError(f"a graph has between 1 and {MOST_NODES} nodes")
    nodes: list[Node] = []
    for data, parents, local_grads in graph:
        if len(parents) != len(local_grads) or any(not 0 <= int(i) < len(nodes) for i in parents):
            raise ValueError("each node lists earlier nodes as its parents, one local gradient for each")
        nodes.append(Node(data, tuple(nodes[int(i)] for i in parents), tuple(local_grads)))
    backward(nodes[-1])
    return [plain_number(node.grad, f"the gradient of node {index}") for index, node in enumerate(nodes)]
