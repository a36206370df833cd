"""Computation graphs: a cost built from small steps, run forward, and nudged one node at a time.

A graph is an ordered dict of steps, `name: (function, parent names, formula)`, for example
J(a, b, c) = 3(a + b·c) as u = b·c, v = a + u, J = 3v. The last step is the output. Gradients
here are measured by nudging (central differences), so the graph needs no hand-written derivative:
the notebooks compare what the chain rule predicts with what the nudge measures.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence

from course.derivatives import DEFAULT_STEP

# name: (function of the parents' values, parent names, formula as shown)
Graph = Mapping[str, tuple[Callable[..., float], Sequence[str], str]]


def forward(graph: Graph, inputs: Mapping[str, float], pinned: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every node's value, inputs first, then each step in order; `pinned` nodes keep a given value."""
    pinned = pinned or {}
    values = {name: pinned.get(name, value) for name, value in inputs.items()}
    for name, (function, parents, _formula) in graph.items():
        values[name] = pinned[name] if name in pinned else function(*(values[parent] for parent in parents))
    return values


def output_of(graph: Graph) -> str:
    return list(graph)[-1]


def nudge_gradients(graph: Graph, inputs: Mapping[str, float], h: float = DEFAULT_STEP) -> dict[str, float]:
    """d(output)/d(node) for every node: nudge that node alone, re-run the steps after it, and compare."""
    values = forward(graph, inputs)
    output = output_of(graph)
    gradients = {}
    for name, value in values.items():
        above = forward(graph, inputs, {name: value + h})[output]
        below = forward(graph, inputs, {name: value - h})[output]
        gradients[name] = (above - below) / (2 * h)
    return gradients


def depths(graph: Graph, inputs: Iterable[str]) -> dict[str, int]:
    """How many steps each node is from the inputs: its column when the graph is drawn."""
    depth = {name: 0 for name in inputs}
    for name, (_function, parents, _formula) in graph.items():
        depth[name] = 1 + max(depth[parent] for parent in parents)
    return depth
