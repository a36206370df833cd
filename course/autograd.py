"""Module 08's probes: the learner's `Value` class and `backward` function, driven with plain numbers.

A learner's object never crosses the sandbox's boundary: each probe here takes the learner's class or function
and plain data, builds the objects with the learner's own code, runs it, and returns plain numbers. The layout
they rely on is the one module 08 states: `Value(data, parents=(), local_grads=())` with `.data`, `.grad`
(0.0 at first), `.parents` (the Values it was made from) and `.local_grads` (∂self/∂parent for each parent).

Nothing here knows a local derivative or walks a graph backwards to add up gradients: that is the learner's
work. (`nodes_in_order` lists a graph's nodes inputs-first, so the widget can lay it out in columns.)
"""

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from course.checks import plain_number

# What each operation does, written as the learner writes it: `a` and `b` are Values, `n` a plain number.
OPERATIONS: dict[str, Callable[..., Any]] = {
    "a + b": lambda a, b: a + b,
    "a - b": lambda a, b: a - b,
    "a * b": lambda a, b: a * b,
    "-a": lambda a: -a,
    "a ** n": lambda a, n: a ** n,
    "a.exp()": lambda a: a.exp(),
    "a.log()": lambda a: a.log(),
    "a.sigmoid()": lambda a: a.sigmoid(),
    "a.tanh()": lambda a: a.tanh(),
    "a + n": lambda a, n: a + n,
    "a - n": lambda a, n: a - n,
    "a * n": lambda a, n: a * n,
    "n + a": lambda n, a: n + a,
    "n - a": lambda n, a: n - a,
    "n * a": lambda n, a: n * a,
}
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


def roles(op: str) -> list[str]:
    """The parameter names of an operation: "a" and "b" stand for Values, "n" for a plain number."""
    if op not in OPERATIONS:
        raise ValueError(f"unknown operation {op!r}; the operations are: {', '.join(OPERATIONS)}")
    return list(inspect.signature(OPERATIONS[op]).parameters)


def operation(Value: type, op: str, *inputs: float) -> list[float]:
    """[result's data, ∂result/∂a (, ∂result/∂b)] of one operation of the learner's class, read from the result's
    `local_grads`; `inputs` are plain numbers, made Values where the operation takes a Value."""
    names = roles(op)
    if len(inputs) != len(names):
        raise ValueError(f"{op} takes {len(names)} inputs ({', '.join(names)}), not {len(inputs)}")
    arguments = [Value(float(x)) if name != "n" else x for name, x in zip(names, inputs, strict=True)]
    out = _as_value(Value, OPERATIONS[op](*arguments), op)
    locals_by_input = []
    for name, argument in zip(names, arguments, strict=True):
        if name == "n":
            continue
        index = next((i for i, parent in enumerate(out.parents) if parent is argument), None)
        if index is None:
            raise ValueError(f"{op}: the Value {name} is not among the result's parents; each operation makes one "
                             f"Value whose parents are the Values it was made from, with its own local derivatives "
                             f"(write a − b as an operation of its own, not as a + (−b))")
        locals_by_input.append(plain_number(out.local_grads[index], f"{op}: the local gradient for {name}"))
    return [plain_number(out.data, f"{op}: the result's data"), *locals_by_input]


def expression(Value: type, recipe: Sequence[Any]) -> list[float]:
    """[output's data, ∂output/∂leaf for each leaf] of an expression built with the learner's class, after its
    `backward()`.

    `recipe` is plain data, `(leaves, steps)`: the leaves' numbers, then one step per new node, `(op, *arguments)`,
    an argument being the index of an earlier node (leaves first) where the operation takes a Value and a number
    where it takes one. The last node is the output.
    """
    leaves, steps = recipe
    if len(leaves) + len(steps) > MOST_NODES:
        raise ValueError(f"a recipe of more than {MOST_NODES} nodes")
    nodes = [Value(float(x)) for x in leaves]
    for op, *arguments in steps:
        names = roles(op)
        if len(arguments) != len(names):
            raise ValueError(f"step {op} takes {len(names)} arguments, not {len(arguments)}")
        made = [arg if name == "n" else nodes[int(arg)] for name, arg in zip(names, arguments, strict=True)]
        nodes.append(_as_value(Value, OPERATIONS[op](*made), op))
    out = nodes[-1]
    out.backward()
    grads = [plain_number(leaf.grad, f"the gradient of leaf {i}") for i, leaf in enumerate(nodes[: len(leaves)])]
    return [plain_number(out.data, "the output's data"), *grads]


def probe_value(Value: type, what: str, *arguments: Any) -> list[float]:
    """Exercise 1's probe: `operation(Value, what, *arguments)`, or `expression(Value, recipe)` when `what` is
    "expression" (one probe for the exercise, so its grades may mix both)."""
    if what == "expression":
        return expression(Value, *arguments)
    return operation(Value, what, *arguments)


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


def nodes_in_order(output: Any) -> list[Any]:
    """Every node `output` was made from, and itself, each after its parents (by depth: leaves first)."""
    depth: dict[int, int] = {}
    found: dict[int, Any] = {}
    stack = [output]
    while stack:  # every node reachable through .parents, once
        node = stack.pop()
        if id(node) not in found:
            found[id(node)] = node
            stack.extend(reversed(node.parents))  # found in the order they were given: drawn so
    if len(found) > MOST_NODES:
        raise ValueError(f"a graph of more than {MOST_NODES} nodes")

    def depth_of(node: Any) -> int:
        pending = [node]
        while pending:  # without recursion, so a long chain of Values needs no deep call stack
            top = pending[-1]
            waiting = [parent for parent in top.parents if id(parent) not in depth]
            if waiting:
                pending.extend(waiting)
            else:
                depth[id(top)] = 1 + max((depth[id(parent)] for parent in top.parents), default=-1)
                pending.pop()
        return depth[id(node)]

    return sorted(found.values(), key=depth_of)


def _as_value(Value: type, result: Any, op: str) -> Any:
    """`result` if it is one of the learner's Values with a consistent layout, else a clear error."""
    if not isinstance(result, Value):
        raise TypeError(f"{op} returned {type(result).__name__}, not a {Value.__name__}: every operation returns a "
                        f"new {Value.__name__}")
    for attribute in ("data", "grad", "parents", "local_grads"):
        if not hasattr(result, attribute):
            raise AttributeError(f"the result of {op} has no .{attribute}: keep the layout "
                                 f"{Value.__name__}(data, parents, local_grads) of the notebook")
    made: Any = result  # one of the learner's Values: its attributes are checked above
    if len(made.parents) != len(made.local_grads):
        raise ValueError(f"the result of {op} has {len(made.parents)} parents but {len(made.local_grads)} "
                         f"local gradients: one local gradient for each parent")
    return made
