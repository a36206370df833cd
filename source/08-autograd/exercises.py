"""Module 08's exercises: where Value, backward, network_gradients and training_step are checked, and how closely.

`Value` and `backward` are objects and functions of objects: their grades call them through a probe of
`course.autograd`, which builds the learner's Values (or Nodes) from a point's plain data and returns plain numbers.
A point of `Value` is an operation as the learner writes it with its inputs, `("a * b", 2.0, 3.0)`, or an expression
recipe, `("expression", (leaves, steps))`; a point of `backward` is a graph, `[(data, parent indices, local grads),
...]`, parents first and the output last.

The grader's own rules below (each operation's value and local derivatives on plain numbers, the walks of a graph)
and module 07's loss and gradient (autograder.network) serve the draws, the independent oracles and the
misconceptions no single edit of a reference expresses; they never reach a check file, only their values do.
"""

import math

import numpy as np

from autograder.network import DISTINCT, WORKED, gradient_of, loss, mean_loss, training_points, with_eta
from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course.autograd import backward_on, probe_value, roles
from course.derivatives import numerical_gradient


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# Each operation: its value, and its local derivatives with respect to its Values (a, then b), from the inputs.
RULES = {
    "a + b": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "a - b": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "a * b": (lambda a, b: a * b, lambda a, b: (b, a)),
    "-a": (lambda a: -a, lambda a: (-1.0,)),
    "a ** n": (lambda a, n: a ** n, lambda a, n: (n * a ** (n - 1),)),
    "a.exp()": (math.exp, lambda a: (math.exp(a),)),
    "a.log()": (math.log, lambda a: (1 / a,)),
    "a.sigmoid()": (sigmoid, lambda a: (sigmoid(a) * (1 - sigmoid(a)),)),
    "a.tanh()": (math.tanh, lambda a: (1 - math.tanh(a) ** 2,)),
    "a + n": (lambda a, n: a + n, lambda a, n: (1.0,)),
    "a - n": (lambda a, n: a - n, lambda a, n: (1.0,)),
    "a * n": (lambda a, n: a * n, lambda a, n: (n,)),
    "n + a": (lambda n, a: n + a, lambda n, a: (1.0,)),
    "n - a": (lambda n, a: n - a, lambda n, a: (-1.0,)),
    "n * a": (lambda n, a: n * a, lambda n, a: (n,)),
}
# The local derivative taken at the operation's output instead of its input: f′(out) where f′(a) belongs.
AT_OUTPUT = {"a ** n", "a.exp()", "a.log()", "a.sigmoid()", "a.tanh()"}


def local_grads(op, arguments, at_output=False):
    """The local derivatives of one operation at `arguments` (its Values' numbers and its plain numbers)."""
    forward, derivatives = RULES[op]
    if at_output and op in AT_OUTPUT:
        out = forward(*arguments)
        return derivatives(*[out if name == "a" else x for name, x in zip(roles(op), arguments, strict=True)])
    return derivatives(*arguments)


def graph_of(recipe, at_output=False):
    """An expression recipe as a graph of plain data, [(data, parent indices, local grads)]: what backward_on takes."""
    leaves, steps = recipe
    graph = [(float(x), [], []) for x in leaves]
    for op, *arguments in steps:
        names = roles(op)
        numbers = [x if name == "n" else graph[int(x)][0] for name, x in zip(names, arguments, strict=True)]
        parents = [int(x) for name, x in zip(names, arguments, strict=True) if name != "n"]
        graph.append((RULES[op][0](*numbers), parents, list(local_grads(op, numbers, at_output))))
    return graph


def walk(graph, order, add=True, seed=1.0):
    """Every node's gradient after passing each node's gradient to its parents in `order` (indices)."""
    grads = [0.0] * len(graph)
    grads[-1] = seed
    for i in order:
        _, parents, locals_ = graph[i]
        for parent, local in zip(parents, locals_, strict=True):
            grads[parent] = grads[parent] + local * grads[i] if add else local * grads[i]
    return grads


def topological(graph):
    """The nodes the output was made from, each after its parents, as the notebook's depth-first search lists them
    (parents in their order, then the node): the order an overwriting walk keeps the last share of depends on it."""
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in graph[node][1]:
                visit(parent)
            order.append(node)

    visit(len(graph) - 1)
    return order


def depth_first_from_output(graph):
    """The nodes in the order a depth-first search from the output first meets them: not a topological order."""
    order, seen, stack = [], set(), [len(graph) - 1]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            order.append(node)
            stack.extend(reversed(graph[node][1]))
    return order


def every_path(graph):
    """∂output/∂node for every node as the sum over every path of the products of local gradients: the linear system
    g = e_output + Mᵀg solved outright, an oracle that walks no order at all."""
    n = len(graph)
    M = np.zeros((n, n))
    for child, (_, parents, locals_) in enumerate(graph):
        for parent, local in zip(parents, locals_, strict=True):
            M[parent, child] += local
    e = np.zeros(n)
    e[-1] = 1.0
    return np.linalg.solve(np.eye(n) - M, e).tolist()


def evaluate(recipe, leaves):
    """The output of an expression recipe on plain numbers, with the leaves' numbers replaced by `leaves`."""
    return graph_of(([float(x) for x in leaves], recipe[1]))[-1][0]


def value_nudged(what, *arguments):
    """Value's answer measured by nudging: the value, and the numerical derivative with respect to each Value."""
    if what == "expression":
        (recipe,) = arguments
        leaves = np.array(recipe[0], dtype=float)
        return [evaluate(recipe, leaves), *numerical_gradient(lambda x: evaluate(recipe, x), leaves).tolist()]
    forward = RULES[what][0]
    names = roles(what)
    values = [i for i, name in enumerate(names) if name != "n"]

    def moved(x):
        given = list(arguments)
        for i, number in zip(values, x, strict=True):
            given[i] = float(number)
        return forward(*given)

    at = np.array([arguments[i] for i in values], dtype=float)
    return [forward(*arguments), *numerical_gradient(moved, at).tolist()]


def value_at_output(expected, what, *arguments):
    """Value's answer when exp, log, σ, tanh and powers take their local derivative at the output, not the input."""
    if what == "expression":
        graph = graph_of(arguments[0], at_output=True)
        return [graph[-1][0], *walk(graph, reversed(topological(graph)))[: len(arguments[0][0])]]
    return [RULES[what][0](*arguments), *local_grads(what, arguments, at_output=True)]


def random_operation(rng):
    """One operation at inputs where it is defined and its derivative moderate."""
    op = str(rng.choice(list(RULES)))
    if op == "a ** n":
        n = float(rng.choice([2, 3, -1, 0.5, 1.5]))
        return op, float(rng.uniform(0.3, 2.5)), n
    if op == "a.log()":
        return op, float(rng.uniform(0.2, 4.0))
    return (op, *(float(x) for x in rng.uniform(-2.5, 2.5, len(roles(op)))))


def random_recipe(rng):
    """An expression of 2 to 4 leaves: a sum of products, a value used several times, a deep chain, or a mix, each
    step checked on plain numbers so that logs and fractional powers stay defined and exp stays moderate."""
    leaves = rng.uniform(-2, 2, int(rng.integers(2, 5))).round(3).tolist()
    numbers = list(leaves)
    steps = []

    def add(op, *arguments):
        """Append a step, or tanh of its first Value where the step would leave [−50, 50]."""
        values = [x if name == "n" else numbers[int(x)] for name, x in zip(roles(op), arguments, strict=True)]
        if abs(RULES[op][0](*values)) > 50:
            op, arguments = "a.tanh()", (next(x for name, x in zip(roles(op), arguments, strict=True) if name != "n"),)
            values = [numbers[int(arguments[0])]]
        steps.append((op, *arguments))
        numbers.append(RULES[op][0](*values))

    kind = str(rng.choice(["sum of products", "reuse", "chain", "mixed"]))
    if kind == "sum of products":
        for _ in range(int(rng.integers(2, 5))):
            add("a * b", int(rng.integers(len(leaves))), int(rng.integers(len(leaves))))
        products = list(range(len(leaves), len(numbers)))
        total = products[0]
        for term in products[1:]:
            add("a + b", total, term)
            total = len(numbers) - 1
    elif kind == "chain":
        for _ in range(int(rng.integers(8, 30))):
            last = len(numbers) - 1
            op = str(rng.choice(["a.tanh()", "a.sigmoid()", "n * a", "a + n", "a * b"]))
            add(op, *((float(rng.uniform(-1.5, 1.5)), last) if op == "n * a" else (last, float(rng.uniform(-1, 1)))
                      if op == "a + n" else (last, int(rng.integers(len(leaves)))) if op == "a * b" else (last,)))
    else:
        for _ in range(int(rng.integers(4, 12))):
            pick = int(rng.integers(len(numbers))) if kind == "mixed" else int(rng.integers(len(leaves)))
            other = int(rng.integers(len(numbers)))
            op = str(rng.choice(["a + b", "a * b", "a - b", "a.tanh()", "a.sigmoid()", "a.exp()", "a.log()",
                                 "a ** n", "-a", "n - a"]))
            x = numbers[pick]
            if op == "a.log()" and not 0.2 < x < 1e3 or op == "a.exp()" and not abs(x) < 3:
                op = "a.tanh()"
            if op == "a ** n":
                add(op, pick, 2 if abs(x) < 10 else 1)
            elif op == "n - a":
                add(op, float(rng.uniform(-2, 2)), pick)
            elif op in ("a + b", "a * b", "a - b"):
                add(op, pick, other if kind == "mixed" else pick)  # "reuse": a value with itself, x·x or x + x
            else:
                add(op, pick)
        total = len(numbers) - 1
        for node in range(len(leaves), len(numbers) - 1):  # every node reaches the output, some along two paths
            add("a + b", total, node)
            total = len(numbers) - 1
    return leaves, steps


def random_expression(rng):
    return "expression", random_recipe(rng)


def random_value_point(rng):
    """An expression two times in three, else one operation."""
    return random_expression(rng) if rng.uniform() < 2 / 3 else random_operation(rng)


def random_graph(rng):
    """A graph of plain data whose local gradients are those of a random expression (the grader's own rules)."""
    return (graph_of(random_recipe(rng)),)


def graph_of_points(*recipes):
    return [(graph_of(recipe),) for recipe in recipes]




def network_by_formula(x1, x2, y, p):
    """(L, its nine gradients) by module 07's formulas."""
    return float(loss(x1, x2, y, p)), gradient_of(np.array([[x1, x2]]), np.array([y]), p).tolist()


def network_nudged(x1, x2, y, p):
    """(L, its nine gradients measured by nudging each parameter)."""
    return float(loss(x1, x2, y, p)), numerical_gradient(lambda q: loss(x1, x2, y, q), np.asarray(p)).tolist()


def network_point(rng):
    return (*rng.normal(0, 1.5, 3).tolist(), rng.normal(0, 1, 9))


ROUND_OFF = Tolerance(1e-9, 1e-12, "one operation on numbers below 1e3, or sums of up to a few hundred products "
                                   "added in the learner's order: only round-off differs")
NUDGED = Tolerance(1e-7, 1e-8, "the five-point stencil (h = 1e-4) is off by h⁴·|f⁽⁵⁾|/30, below 1e-14 for these "
                               "functions at these inputs (logs and powers only above 0.2), plus round-off "
                               "1.5·ε·|f|/h, below 1e-10")
PATHS = Tolerance(1e-9, 1e-11, "a linear solve of at most a few hundred unknowns against a walk: round-off alone, "
                               "with condition numbers below 1e3 for these graphs")
NETWORK_NUDGED = Tolerance(1e-8, 2e-9, "the loss is quadratic in each parameter, so the five-point stencil "
                                       "(h = 1e-4) has no truncation error, only round-off 1.5·ε·L/h, below 2e-10")
MEANS = Tolerance(1e-9, 1e-10, "means of up to 12 losses: a graph of Values adds them in another order than "
                               "np.mean, round-off of up to ~1e-12 on gradients near zero")
STEPPED = Tolerance(1e-9, 4e-10, "params − η·(a numerical gradient off by below 2e-10), with η ≤ 0.2")

J_GRAPH = (([5.0, 3.0, 2.0], [("a * b", 1, 2), ("a + b", 0, 3), ("n * a", 3.0, 4)]),)  # J = 3(a + bc)
SQUARE = (([3.0], [("a * b", 0, 0)]),)  # f = a·a: a used twice by one node
# p = a·b feeds the output along two paths, out = 2p + 3p: met depth-first from the output through 2p, it passes
# its gradient on before 3p has added its share.
SHARED = ([2.0, -1.5], [("a * b", 0, 1), ("n * a", 2.0, 2), ("n * a", 3.0, 2), ("a + b", 3, 4)])
CHAIN = ([0.5], [("a.tanh()", 0), ("n * a", 2.0, 1), ("a.sigmoid()", 2), ("a * b", 3, 0)])  # the leaf used twice

EXERCISES = [
    Exercise(
        "Value",
        call=probe_value,
        tolerance=ROUND_OFF,
        by_hand=True,  # each local derivative written beside its operation: none measured, none from SymPy
        grades=(
            # Inputs at which f′(output) differs from f′(input) for every function, and no input is 0 or 1.
            Grade("test_value_ops", points=[("a + b", 2.0, -3.0), ("a * b", 2.0, -3.0), ("a - b", 2.0, 5.0),
                                            ("-a", 1.5), ("a ** n", 2.0, 3), ("a ** n", 4.0, 0.5), ("a.exp()", 0.5),
                                            ("a.log()", 2.0), ("a.sigmoid()", 0.5), ("a.tanh()", -0.5),
                                            ("n - a", 1.0, 3.0), ("n * a", 2.5, 3.0), ("n + a", 1.5, 2.0),
                                            ("a + n", 2.0, 5.0), ("a - n", 3.0, 0.5), ("a * n", 1.5, -2.0)]),
            Grade("test_value_numeric", count=10, seed=81, points=random_operation, expected=value_nudged,
                  told="a numerical derivative gives", tolerance=NUDGED),
            Grade("test_value_hidden", hidden=True, marks=2, count=8, seed=82, points=random_value_point),
            # After backward in the notebook: whole expressions need it.
            Grade("test_value_graphs", count=10, seed=83, points=random_expression, expected=value_nudged,
                  told="nudging each leaf gives", tolerance=NUDGED),
        ),
        mistakes=(Mistake("the local derivative is taken at the operation's output, where its input belongs "
                          "(f′(a), not f′(out))", value_at_output),),
    ),
    Exercise(
        "backward",
        call=backward_on,
        tolerance=ROUND_OFF,
        # The course's own topological order (the widget lays out a learner's graph with it) is half of this
        # exercise: a backward that takes its order from it has not written one.
        forbid=("course.autograd.nodes_in_order",),
        grades=(
            Grade("test_backward_values", points=[*graph_of_points(J_GRAPH[0], SQUARE[0], SHARED, CHAIN)]),
            Grade("test_backward_paths", count=10, seed=84, points=random_graph, expected=every_path,
                  told="the chain rule summed over every path gives", tolerance=PATHS),
            Grade("test_backward_hidden", hidden=True, marks=2, count=20, seed=85, points=random_graph),
        ),
        mistakes=(
            Mistake("the gradients are overwritten (=) where they must be added (+=): a value used twice gets only "
                    "the last path's share",
                    lambda expected, graph: walk(graph, reversed(topological(graph)), add=False)),
            Mistake("the walk is not in a topological order: a node passes its gradient on before every node made "
                    "from it has added its share (the order a depth-first search from the output meets them)",
                    lambda expected, graph: walk(graph, depth_first_from_output(graph))),
            Mistake("the walk goes from the leaves to the output: the topological order must be walked in reverse",
                    lambda expected, graph: walk(graph, topological(graph))),
            Mistake("the output's gradient is not seeded with 1 (∂out/∂out = 1), so nothing flows back",
                    lambda expected, graph: [0.0] * len(graph)),
        ),
    ),
    Exercise(
        "network_gradients",
        tolerance=ROUND_OFF,
        by_hand=True,
        grades=(
            Grade("test_network_gradients_values", points=[(2.0, 1.0, 3.0, WORKED), (1.0, 0.0, 0.0, WORKED),
                                                           (1.0, -1.0, 0.0, np.ones(9)), (-1.0, 2.0, 3.0, DISTINCT)]),
            Grade("test_network_gradients_numeric", count=10, seed=86, points=network_point, expected=network_nudged,
                  told="a numerical derivative gives", tolerance=NETWORK_NUDGED),
            Grade("test_network_gradients_hidden", hidden=True, marks=2, count=12, seed=87, points=network_point,
                  expected=network_by_formula),
        ),
    ),
    Exercise(
        "training_step",
        tolerance=MEANS,
        by_hand=True,
        grades=(
            Grade("test_training_step_values",
                  points=[(np.array([[2.0, 1.0]]), np.array([3.0]), WORKED, 0.1),
                          (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 5.0]), np.zeros(9), 0.1),
                          (np.array([[2.0, 1.0], [-1.0, 2.0], [3.0, -2.0]]), np.array([3.0, 1.0, -2.0]), DISTINCT,
                           0.05)]),
            Grade("test_training_step_numeric", count=10, seed=88, told="a step against a numerical gradient gives",
                  expected=lambda X, y, p, eta: p - eta * numerical_gradient(lambda q: mean_loss(X, y, q), p),
                  tolerance=STEPPED, points=with_eta(training_points(10, 1))),
            Grade("test_training_step_hidden", hidden=True, marks=2, count=8, seed=89,
                  points=with_eta(training_points(12, 2))),
        ),
    ),
]
