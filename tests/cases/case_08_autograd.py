"""Module 8: another right answer, one of stubs only, and the typical mistakes of an autograd of one's own.

Each submission's `Value` keeps the notebook's given lines (`__init__`, `backward`, the reflected forms) and writes its
operations; `network_gradients` and `training_step` build on the learner's own `Value` and `backward`, as the
notebook asks, so a wrong `backward` also costs them wherever it changes their numbers, and the scores say so.
"""

from submissions import Case

ASSIGNMENT = "08-autograd"

KNOWN = "This is the known mistake: "
AT_OUTPUT = "the local derivative is taken at the operation's output, where its input belongs"
OVERWRITTEN = "the gradients are overwritten (=) where they must be added (+=)"
NOT_TOPOLOGICAL = "the walk is not in a topological order"
FORWARDS = "the walk goes from the leaves to the output"
NO_SEED = "the output's gradient is not seeded with 1"
SUM = "the division by n (the number of examples) is missing"  # derived from the edit that drops the 1/n

VALUE_RIGHT = {"test_value_ops": 1, "test_value_numeric": 1, "test_value_hidden": 2, "test_value_graphs": 1}
BACKWARD_RIGHT = {"test_backward_values": 1, "test_backward_paths": 1, "test_backward_hidden": 2}
NETWORK_RIGHT = {"test_network_gradients_values": 1, "test_network_gradients_numeric": 1,
                 "test_network_gradients_hidden": 2}
STEP_RIGHT = {"test_training_step_values": 1, "test_training_step_numeric": 1, "test_training_step_hidden": 2}
FULL_MARKS = {**VALUE_RIGHT, **BACKWARD_RIGHT, **NETWORK_RIGHT, **STEP_RIGHT}
ALL_WRONG = dict.fromkeys(FULL_MARKS, 0)
# Where backward is wrong, every check that runs it: Value's expressions, and the network's when paths meet.
VALUE_OPS_ONLY = {"test_value_ops": 1, "test_value_numeric": 1}

OPERATIONS = {
    "add": "return Value(self.data + other.data, (self, other), (1.0, 1.0))",
    "sub": "return Value(self.data - other.data, (self, other), (1.0, -1.0))",
    "mul": "return Value(self.data * other.data, (self, other), (other.data, self.data))",
    "neg": "return Value(-self.data, (self,), (-1.0,))",
    "pow": "return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))",
    "exp": "return Value(math.exp(self.data), (self,), (math.exp(self.data),))",
    "log": "return Value(math.log(self.data), (self,), (1 / self.data,))",
    "sigmoid": "s = 1 / (1 + math.exp(-self.data))\n        return Value(s, (self,), (s * (1 - s),))",
    "tanh": "t = math.tanh(self.data)\n        return Value(t, (self,), (1 - t * t,))",
}


def value_class(**bodies):
    """A Value cell with the notebook's given lines and these operations' bodies (the right ones otherwise)."""
    body = {**OPERATIONS, **bodies}
    return f'''
class Value:
    """A submitted Value."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(local_grads)

    def backward(self):
        backward(self)

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        {body["add"]}

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        {body["sub"]}

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        {body["mul"]}

    def __neg__(self):
        {body["neg"]}

    def __pow__(self, k):
        {body["pow"]}

    def exp(self):
        {body["exp"]}

    def log(self):
        {body["log"]}

    def sigmoid(self):
        {body["sigmoid"]}

    def tanh(self):
        {body["tanh"]}

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self
'''


def topological_backward(seed="output.grad = 1.0", walk="reversed(order)", add="parent.grad += local * node.grad"):
    """A backward by depth-first topological order, with the given seed, walk and update."""
    return f'''
def backward(output):
    """A submitted backward pass."""
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(output)
    {seed}
    for node in {walk}:
        for parent, local in zip(node.parents, node.local_grads):
            {add}
'''


# Kahn's algorithm: every node waits until all the nodes made from it have passed their shares on.
KAHN = '''
def backward(output):
    """backward by counting, for each node, the nodes made from it that have not passed their shares on yet."""
    waiting, stack, seen = {}, [output], {output}
    while stack:
        node = stack.pop()
        for parent in node.parents:
            waiting[parent] = waiting.get(parent, 0) + 1
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    output.grad = 1.0
    ready = [output]
    while ready:
        node = ready.pop()
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
'''

# The order a depth-first search from the output meets the nodes in, each passing its gradient on when met.
DEPTH_FIRST = '''
def backward(output):
    """backward that passes each node's gradient on as soon as a search from the output meets it."""
    output.grad = 1.0
    seen = set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
        for parent in node.parents:
            visit(parent)

    visit(output)
'''

BLANK = {name: f"{header}\n    raise NotImplementedError()\n" for name, header in [
    ("backward", "def backward(output):"), ("network_gradients", "def network_gradients(x1, x2, y, params):"),
    ("training_step", "def training_step(X, y, params, eta):")]}

STEP_AS_SUM = '''
def training_step(X, y, params, eta):
    """One step on the sum of the losses, where their mean belongs."""
    p = [Value(number) for number in params]
    w11_1, w21_1, b11, w12_1, w22_1, b12, w11_2, w21_2, b21 = p
    total = 0
    for (x1, x2), target in zip(X.tolist(), y.tolist()):
        o11 = w11_1 * x1 + w21_1 * x2 + b11
        o12 = w12_1 * x1 + w22_1 * x2 + b12
        total = total + (target - (w11_2 * o11 + w21_2 * o12 + b21)) ** 2
    total.backward()
    return np.array([number - eta * value.grad for number, value in zip(params, p)])
'''

CASES = {
    # Another right answer: Kahn's order, tanh's derivative as 1 − t·t, the square as a product, a step by loop.
    "counter": Case(
        answers={"Value": value_class(), "backward": KAHN, "network_gradients": '''
def network_gradients(x1, x2, y, params):
    """The loss and its nine gradients, the square written as a product."""
    p = [Value(number) for number in params]
    o11 = p[0] * x1 + p[1] * x2 + p[2]
    o12 = p[3] * x1 + p[4] * x2 + p[5]
    error = y - (p[6] * o11 + p[7] * o12 + p[8])
    loss = error * error
    loss.backward()
    return loss.data, [value.grad for value in p]
'''},
        scores=FULL_MARKS,
    ),
    "stubs": Case(answers={"Value": value_class(**dict.fromkeys(OPERATIONS, "raise NotImplementedError()")),
                           **BLANK},
                  scores=ALL_WRONG,
                  messages={"test_value_ops": ["not implemented yet"],
                            "test_backward_values": ["not implemented yet"]}),
    "at-output": Case(
        answers={"Value": value_class(
            pow="out = self.data ** k\n        return Value(out, (self,), (k * out ** (k - 1),))",
            exp="out = math.exp(self.data)\n        return Value(out, (self,), (math.exp(out),))",
            log="out = math.log(self.data)\n        return Value(out, (self,), (1 / out,))",
            sigmoid="s = 1 / (1 + math.exp(-self.data))\n        t = 1 / (1 + math.exp(-s))\n"
                    "        return Value(s, (self,), (t * (1 - t),))",
            tanh="t = math.tanh(self.data)\n        return Value(t, (self,), (1 - math.tanh(t) ** 2,))")},
        # The network and the training step use sums, products and a square, where input and output differ too.
        scores={**ALL_WRONG, **BACKWARD_RIGHT},
        messages={"test_value_ops": [KNOWN + AT_OUTPUT], "test_value_numeric": [KNOWN + AT_OUTPUT],
                  "test_value_hidden": [KNOWN + AT_OUTPUT]},
    ),
    "sub-as-sum": Case(
        answers={"Value": value_class(sub="return self + (-other)")},
        # Its gradients are right: only the checks of a − b's own local derivatives, at the points that have one, fail.
        scores={**FULL_MARKS, "test_value_ops": 0, "test_value_numeric": 0},
        messages={"test_value_ops": ["write a − b as an operation of its own, not as a + (−b)"]},
    ),
    "overwriter": Case(
        answers={"backward": topological_backward(add="parent.grad = local * node.grad")},
        # One example's network uses each parameter once: only the mean over rows, where each is used per row, fails.
        # Value's expressions run this backward too, and fail with it.
        scores={**ALL_WRONG, **VALUE_OPS_ONLY, **NETWORK_RIGHT},
        messages={"test_backward_values": [KNOWN + OVERWRITTEN], "test_backward_paths": [KNOWN + OVERWRITTEN],
                  "test_backward_hidden": [KNOWN + OVERWRITTEN]},
    ),
    "depth-first": Case(
        answers={"backward": DEPTH_FIRST},
        # Only a node with parents met too early goes wrong: the network's parameters, shared between its rows, are
        # leaves, and no other node of it is used twice.
        scores={**ALL_WRONG, **VALUE_OPS_ONLY, **NETWORK_RIGHT, **STEP_RIGHT},
        messages={"test_backward_values": [KNOWN + NOT_TOPOLOGICAL], "test_backward_paths": [KNOWN + NOT_TOPOLOGICAL],
                  "test_backward_hidden": [KNOWN + NOT_TOPOLOGICAL]},
    ),
    "forwards": Case(
        answers={"backward": topological_backward(walk="order")},
        scores={**ALL_WRONG, **VALUE_OPS_ONLY},
        messages={"test_backward_values": [KNOWN + FORWARDS], "test_backward_hidden": [KNOWN + FORWARDS]},
    ),
    "unseeded": Case(
        answers={"backward": topological_backward(seed="pass")},
        scores={**ALL_WRONG, **VALUE_OPS_ONLY},
        messages={"test_backward_values": [KNOWN + NO_SEED], "test_backward_paths": [KNOWN + NO_SEED],
                  "test_backward_hidden": [KNOWN + NO_SEED]},
    ),
    "summer": Case(
        answers={"training_step": STEP_AS_SUM},
        scores={**FULL_MARKS, "test_training_step_values": 0, "test_training_step_numeric": 0,
                "test_training_step_hidden": 0},
        messages={"test_training_step_values": [SUM], "test_training_step_numeric": [SUM],
                  "test_training_step_hidden": [SUM]},
    ),
}
