"""Module 6: a hard-coded submission, a naive (unstable) one, a correct one written with Python loops,
and the typical mistakes of each exercise, each named in the messages.

A mistaken `train` is written out in full (its own gradient, not the student's `gradients`), so that each
exercise's mistake shows in that exercise's cells alone.
"""

from submissions import Case

ASSIGNMENT = "06-logistic-regression"

KNOWN = "This is the known mistake: "

FULL = {
    "test_sigmoid_values": 1, "test_sigmoid_hidden": 2,
    "test_sigmoid_derivative_values": 1, "test_sigmoid_derivative_numeric": 1, "test_sigmoid_derivative_hidden": 2,
    "test_stable_sigmoid_values": 1, "test_stable_sigmoid_far_out": 1, "test_stable_sigmoid_hidden": 2,
    "test_cross_entropy_cost_values": 1, "test_cross_entropy_cost_stable": 1, "test_cross_entropy_cost_hidden": 2,
    "test_gradients_values": 1, "test_gradients_numeric": 1, "test_gradients_hidden": 2,
    "test_train_values": 1, "test_train_hidden": 2,
    "test_accuracy_values": 1, "test_accuracy_hidden": 1,
}


def zero(*grade_ids):
    return {**FULL, **dict.fromkeys(grade_ids, 0)}


def one_line(name, parameters, body):
    return f'''
def {name}({parameters}):
    """A submitted answer."""
    return {body}
'''


def gradients_with(error, dw="X.T @ error / len(y)", db="np.mean(error)"):
    """A vectorised gradients() whose error term and results are the given expressions."""
    return f'''
def gradients(X, y, w, b):
    """A submitted answer."""
    y_hat = 1 / (1 + np.exp(-(X @ w + b)))
    error = {error}
    return {dw}, {db}
'''


def train_with(update, record="history.append(cost)", after=""):
    """A train() with its own cost and gradient, and the given update and recording lines."""
    return f'''
def train(X, y, w, b, eta, steps):
    """A submitted answer."""
    history = []
    for _ in range(steps):
        z = X @ w + b
        cost = float(np.mean(np.logaddexp(0, z) - y * z))
        {record}
        error = 1 / (1 + np.exp(-z)) - y
        dw, db = X.T @ error / len(y), np.mean(error)
        {update}
        {after}
    return w, b, history
'''


def cost_after_step():
    z = "X @ w + b"
    return f"history.append(float(np.mean(np.logaddexp(0, {z}) - y * ({z}))))"


HARD_CODED = {
    "sigmoid": '''
def sigmoid(z):
    """Only the examples of the visible check."""
    if np.ndim(z):
        known = {(-math.log(4), math.log(1.5), math.log(4)): [0.2, 0.6, 0.8]}
        return np.array(known.get(tuple(np.ravel(z).tolist()), np.zeros(np.size(z))))
    return {math.log(3): 0.75, -math.log(3): 0.25, math.log(9): 0.9, 0: 0.5}.get(z, 0.0)
''',
    "stable_sigmoid": '''
def stable_sigmoid(z):
    """Only the examples of the visible check."""
    if np.ndim(z):
        known = {(-math.log(4), math.log(1.5), math.log(4)): [0.2, 0.6, 0.8]}
        return np.array(known.get(tuple(np.ravel(z).tolist()), np.zeros(np.size(z))))
    return {math.log(3): 0.75, -math.log(3): 0.25, math.log(9): 0.9, 0: 0.5, 1000: 1.0}.get(z, 0.0)
''',
    "sigmoid_derivative": '''
def sigmoid_derivative(z):
    """Only the examples of the visible check."""
    if np.ndim(z):
        known = {(math.log(9), -math.log(4)): [0.09, 0.16]}
        return np.array(known.get(tuple(np.ravel(z).tolist()), np.zeros(np.size(z))))
    return {math.log(3): 0.1875, -math.log(3): 0.1875, math.log(4): 0.16, 0: 0.25}.get(z, 0.0)
''',
    "cross_entropy_cost": '''
def cross_entropy_cost(X, y, w, b):
    """Only the examples of the visible check."""
    key = (*np.ravel(X).tolist(), "y", *np.ravel(y).tolist(), "w", *np.ravel(w).tolist(), "b", float(b))
    return {
        (1.0, 2.0, 3.0, 4.0, "y", 0.0, 1.0, "w", 0.0, 0.0, "b", 0.0): math.log(2),
        (0.0, "y", 1.0, "w", 1.0, "b", math.log(3)): -math.log(0.75),
        (0.0, "y", 0.0, "w", 1.0, "b", math.log(3)): math.log(4),
        (1.0, 2.0, "y", 1.0, 0.0, "w", math.log(3), "b", 0.0): -(math.log(0.75) + math.log(0.1)) / 2,
    }.get(key, 0.0)
''',
    "gradients": '''
def gradients(X, y, w, b):
    """Only the examples of the visible check."""
    key = (*np.ravel(X).tolist(), "y", *np.ravel(y).tolist(), "w", *np.ravel(w).tolist(), "b", float(b))
    return {
        (1.0, 2.0, 3.0, 4.0, "y", 0.0, 1.0, "w", 0.0, 0.0, "b", 0.0): (np.array([-0.5, -0.5]), 0.0),
        (2.0, 0.0, 4.0, 1.0, "y", 1.0, 1.0, "w", 0.0, 0.0, "b", 0.0): (np.array([-1.5, -0.25]), -0.5),
        (1.0, "y", 0.0, "w", math.log(3), "b", 0.0): (np.array([0.75]), 0.75),
    }.get(key, (np.zeros(len(w)), 0.0))
''',
    "train": '''
def train(X, y, w, b, eta, steps):
    """Only the examples of the visible check."""
    key = (*np.ravel(X).tolist(), "y", *np.ravel(y).tolist(), "w", *np.ravel(w).tolist(), "b", float(b), eta, steps)
    return {
        (1.0, 2.0, 3.0, 4.0, "y", 0.0, 1.0, "w", 0.0, 0.0, "b", 0.0, 1.0, 1): (
            np.array([0.5, 0.5]), 0.0, [math.log(2)]),
        (2.0, 4.0, "y", 1.0, 1.0, "w", 0.0, "b", 0.0, 0.1, 1): (np.array([0.15]), 0.05, [math.log(2)]),
        (1.0, 2.0, 3.0, 4.0, "y", 0.0, 1.0, "w", 0.0, 0.0, "b", 0.0, 0.5, 3): (
            np.array([0.3083799546, 0.1240215961]), -0.1843583585, [math.log(2), 0.6485475783, 0.5981508624]),
        (1.0, -2.0, 0.5, 1.0, -1.0, 0.5, "y", 1.0, 0.0, 1.0, "w", 0.5, -0.25, "b", 0.2, 0.3, 2): (
            np.array([0.37086713197747656, -0.3872667547180738]), 0.25589907306211424,
            [0.6631595789641412, 0.630292390309925]),
    }.get(key, (w, b, [0.0] * steps))
''',
    "accuracy": '''
def accuracy(X, y, w, b):
    """Only the examples of the visible check."""
    key = (*np.ravel(X).tolist(), "y", *np.ravel(y).tolist(), "w", *np.ravel(w).tolist(), "b", float(b))
    return {
        (-2.0, -1.0, 1.0, 2.0, "y", 0.0, 1.0, 1.0, 1.0, "w", 1.0, "b", 0.0): 0.75,
        (-2.0, -1.0, 1.0, 2.0, "y", 0.0, 1.0, 1.0, 1.0, "w", -1.0, "b", 0.0): 0.25,
        (1.0, 2.0, 3.0, 4.0, -1.0, -1.0, "y", 1.0, 1.0, 0.0, "w", 1.0, -1.0, "b", 0.5): 0.0,
        (-2.0, -1.0, 1.0, 2.0, "y", 0.0, 1.0, 1.0, 1.0, "w", 1.0, "b", 1.0): 0.75,
    }.get(key, 0.0)
''',
}

LOOPS = {
    "sigmoid": '''
def sigmoid(z):
    """σ(z), one number at a time."""
    if np.ndim(z) == 0:
        return 1 / (1 + math.exp(-float(z)))
    return np.array([1 / (1 + math.exp(-v)) for v in np.ravel(z).tolist()]).reshape(np.shape(z))
''',
    "stable_sigmoid": '''
def stable_sigmoid(z):
    """σ(z) without overflow, one number at a time."""
    def one(v):
        if v >= 0:
            return 1 / (1 + math.exp(-v))
        e = math.exp(v)
        return e / (1 + e)
    if np.ndim(z) == 0:
        return one(float(z))
    return np.array([one(v) for v in np.ravel(z).tolist()]).reshape(np.shape(z))
''',
    "sigmoid_derivative": '''
def sigmoid_derivative(z):
    """σ′(z), one number at a time."""
    if np.ndim(z) == 0:
        s = sigmoid(float(z))
        return s * (1 - s)
    return np.array([sigmoid(v) * (1 - sigmoid(v)) for v in np.ravel(z).tolist()]).reshape(np.shape(z))
''',
    "cross_entropy_cost": '''
def cross_entropy_cost(X, y, w, b):
    """J(w, b), one example at a time."""
    total = 0.0
    for x_i, y_i in zip(X.tolist(), y.tolist()):
        z = b + sum(w_j * x_j for w_j, x_j in zip(w.tolist(), x_i))
        total += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y_i * z
    return total / len(X)
''',
    "gradients": '''
def gradients(X, y, w, b):
    """(dJ/dw, dJ/db), one example at a time."""
    n, d = len(X), len(w)
    dw, db = [0.0] * d, 0.0
    for x_i, y_i in zip(X.tolist(), y.tolist()):
        error = stable_sigmoid(b + sum(w_j * x_j for w_j, x_j in zip(w.tolist(), x_i))) - y_i
        for j in range(d):
            dw[j] += error * x_i[j]
        db += error
    return np.array(dw) / n, db / n
''',
    "train": '''
def train(X, y, w, b, eta, steps):
    """Gradient descent, one parameter at a time."""
    w, history = list(np.ravel(w).tolist()), []
    for _ in range(steps):
        history.append(cross_entropy_cost(X, y, np.array(w), b))
        dw, db = gradients(X, y, np.array(w), b)
        for j in range(len(w)):
            w[j] -= eta * dw[j]
        b -= eta * db
    return np.array(w), b, history
''',
    "accuracy": '''
def accuracy(X, y, w, b):
    """The fraction of right predictions, counted one example at a time."""
    right = 0
    for x_i, y_i in zip(X.tolist(), y.tolist()):
        predicted = 1.0 if stable_sigmoid(b + sum(w_j * x_j for w_j, x_j in zip(w.tolist(), x_i))) > 0.5 else 0.0
        right += predicted == y_i
    return right / len(X)
''',
}

CASES = {
    "hardcoder": Case(
        answers=HARD_CODED,
        scores={**dict.fromkeys(FULL, 0), "test_sigmoid_values": 1, "test_sigmoid_derivative_values": 1,
                "test_stable_sigmoid_values": 1, "test_cross_entropy_cost_values": 1, "test_gradients_values": 1,
                "test_train_values": 1, "test_accuracy_values": 1},
        messages={
            "test_sigmoid_hidden": ["✗ sigmoid: wrong at 20 of 20 points checked", "you returned 0"],
            "test_stable_sigmoid_far_out": ["✗ stable_sigmoid: wrong at", "you returned 0"],
            # Far-out negative z, where σ is 0 to the last digit, is right by chance: how many depends on the draw.
            "test_stable_sigmoid_hidden": ["✗ stable_sigmoid: wrong at", "of 20 points checked", "you returned 0"],
            "test_sigmoid_derivative_numeric": ["✗ sigmoid_derivative: wrong at 10 of 10", "you returned 0"],
            "test_sigmoid_derivative_hidden": ["✗ sigmoid_derivative: wrong at 15 of 15"],
            "test_cross_entropy_cost_stable": ["✗ cross_entropy_cost: wrong at"],
            "test_cross_entropy_cost_hidden": ["✗ cross_entropy_cost: wrong at 15 of 15"],
            "test_gradients_numeric": ["✗ gradients: wrong at 12 of 12"],
            "test_gradients_hidden": ["✗ gradients: wrong at 15 of 15"],
            "test_train_hidden": ["✗ train: wrong at 8 of 8"],
            "test_accuracy_hidden": ["✗ accuracy: wrong at"],
        },
    ),
    "looper": Case(answers=LOOPS, scores=FULL),
    "naive": Case(
        answers={
            "sigmoid": one_line("sigmoid", "z", "1 / (1 + np.exp(-z))"),
            "stable_sigmoid": one_line("stable_sigmoid", "z", "1 / (1 + np.exp(-z))"),
            "cross_entropy_cost": '''
def cross_entropy_cost(X, y, w, b):
    """The formula as written: log ŷ and log(1 − ŷ)."""
    y_hat = sigmoid(X @ w + b)
    return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
''',
            "gradients": '''
def gradients(X, y, w, b):
    """dw overwritten by each example, not added up."""
    for x_i, y_i in zip(X, y):
        error = sigmoid(x_i @ w + b) - y_i
        dw, db = error * x_i, error
    return dw, db
''',
            "train": train_with("w, b = w - eta * dw, b - eta * db"),
        },
        scores=zero("test_stable_sigmoid_far_out", "test_stable_sigmoid_hidden", "test_cross_entropy_cost_stable",
                    "test_cross_entropy_cost_hidden", "test_gradients_values", "test_gradients_numeric",
                    "test_gradients_hidden"),
        messages={
            # Overflow alone names no mistake: the formula is right wherever it does not overflow.
            "test_stable_sigmoid_far_out": ["your function raised FloatingPointError: overflow encountered in exp"],
            "test_stable_sigmoid_hidden": ["your function raised FloatingPointError: overflow encountered in exp"],
            "test_cross_entropy_cost_stable": ["your function raised FloatingPointError"],
            "test_cross_entropy_cost_hidden": ["your function raised FloatingPointError"],
            "test_gradients_values": [KNOWN + "one example's gradient (the last"],
            "test_gradients_numeric": [KNOWN + "one example's gradient (the last"],
            "test_gradients_hidden": [KNOWN + "one example's gradient (the last"],
        },
    ),
    "flipper": Case(
        answers={
            "sigmoid": one_line("sigmoid", "z", "1 / (1 + np.exp(z))"),
            "stable_sigmoid": one_line("stable_sigmoid", "z", "1 / (1 + np.exp(z))"),
            "sigmoid_derivative": one_line("sigmoid_derivative", "z", "1 / (1 + np.exp(-z))"),
            "cross_entropy_cost": one_line("cross_entropy_cost", "X, y, w, b",
                                           "-float(np.mean(np.logaddexp(0, X @ w + b) - y * (X @ w + b)))"),
            "gradients": gradients_with("y - y_hat"),
            "train": train_with("w, b = w - eta * dw, b - eta * db", record="",
                                after=cost_after_step()),
            "accuracy": one_line("accuracy", "X, y, w, b", "1 - float(np.mean(((X @ w + b) > 0) == y))"),
        },
        scores=dict.fromkeys(FULL, 0),
        messages={
            # e^z overflows at z = 1000 where the stable σ(−z) of np.where's branches exchanged does not: the
            # one-edit variant e^|z| for e^−|z| does, and names it; far-out negative z, where e^|z| overflows
            # and e^z does not, leave only the formula written with e^z.
            "test_sigmoid_values": [KNOWN + "a minus sign is missing"],
            "test_sigmoid_hidden": [KNOWN + "a minus sign is missing"],
            "test_stable_sigmoid_values": [KNOWN + "a minus sign is missing"],
            "test_stable_sigmoid_far_out": [KNOWN + "e^z where e^(−z) belongs"],
            "test_stable_sigmoid_hidden": [KNOWN + "e^z where e^(−z) belongs"],
            "test_sigmoid_derivative_values": [KNOWN + "a factor of a product is missing, or a term"],
            "test_sigmoid_derivative_numeric": [KNOWN + "a factor of a product is missing, or a term"],
            "test_sigmoid_derivative_hidden": [KNOWN + "a factor of a product is missing, or a term"],
            "test_cross_entropy_cost_values": [KNOWN + "the two sides of a difference are exchanged (so its sign"],
            "test_cross_entropy_cost_stable": [KNOWN + "the two sides of a difference are exchanged (so its sign"],
            "test_cross_entropy_cost_hidden": [KNOWN + "the two sides of a difference are exchanged (so its sign"],
            "test_gradients_values": [KNOWN + "the two sides of a difference are exchanged (so its sign is flipped)"],
            "test_gradients_numeric": [KNOWN + "the two sides of a difference are exchanged (so its sign is flipped)"],
            "test_gradients_hidden": [KNOWN + "the two sides of a difference are exchanged (so its sign is flipped)"],
            "test_train_values": [KNOWN + "the cost is recorded after each step"],
            "test_train_hidden": [KNOWN + "the cost is recorded after each step"],
            # 1 − accuracy is the fraction of wrong predictions, the mean of ≠ where the mean of = belongs.
            "test_accuracy_values": [KNOWN + "a test is reversed (≠ where = belongs)"],
            "test_accuracy_hidden": [KNOWN + "a test is reversed (≠ where = belongs)"],
        },
    ),
    "summer": Case(
        answers={
            "sigmoid": one_line("sigmoid", "z", "1 / (1 - np.exp(-z))"),
            "stable_sigmoid": one_line("stable_sigmoid", "z", "1 / (1 - np.exp(-z))"),
            "sigmoid_derivative": one_line("sigmoid_derivative", "z",
                                           "1 / (1 + np.exp(-z)) * (1 + 1 / (1 + np.exp(-z)))"),
            "cross_entropy_cost": one_line("cross_entropy_cost", "X, y, w, b",
                                           "float(np.sum(np.logaddexp(0, X @ w + b) - y * (X @ w + b)))"),
            "gradients": gradients_with("y_hat - y", dw="X.T @ error", db="np.sum(error)"),
            "train": train_with("w, b = w + eta * dw, b + eta * db"),
            "accuracy": one_line("accuracy", "X, y, w, b", "float(np.sum(((X @ w + b) > 0) == y))"),
        },
        scores=dict.fromkeys(FULL, 0),
        messages={
            # 1 / (1 − e^0) is infinite: at z = 0 no formula can be matched, and the message says what was returned.
            "test_sigmoid_values": ["At z=0: you returned a value that is not finite (NaN or infinity)"],
            "test_sigmoid_hidden": [KNOWN + "a subtraction where an addition belongs"],
            "test_stable_sigmoid_values": [KNOWN + "1 − e^(−z) in the denominator"],
            "test_stable_sigmoid_far_out": [KNOWN + "1 − e^(−z) in the denominator"],
            "test_stable_sigmoid_hidden": [KNOWN + "1 − e^(−z) in the denominator"],
            "test_sigmoid_derivative_values": [KNOWN + "an addition where a subtraction belongs"],
            "test_sigmoid_derivative_numeric": [KNOWN + "an addition where a subtraction belongs"],
            "test_sigmoid_derivative_hidden": [KNOWN + "an addition where a subtraction belongs"],
            "test_cross_entropy_cost_values": [KNOWN + "the sum where the mean belongs (the 1/n is missing)"],
            "test_cross_entropy_cost_stable": [KNOWN + "the sum where the mean belongs (the 1/n is missing)"],
            "test_cross_entropy_cost_hidden": [KNOWN + "the sum where the mean belongs (the 1/n is missing)"],
            "test_gradients_values": [KNOWN + "the sum where the mean belongs: Xᵀ(ŷ − y) and Σ(ŷ − y)"],
            "test_gradients_numeric": [KNOWN + "the sum where the mean belongs: Xᵀ(ŷ − y) and Σ(ŷ − y)"],
            "test_gradients_hidden": [KNOWN + "the sum where the mean belongs: Xᵀ(ŷ − y) and Σ(ŷ − y)"],
            "test_train_values": [KNOWN + "the steps go uphill"],
            "test_train_hidden": [KNOWN + "the steps go uphill"],
            "test_accuracy_values": [KNOWN + "the sum where the mean belongs (the 1/n is missing)"],
            "test_accuracy_hidden": [KNOWN + "the sum where the mean belongs (the 1/n is missing)"],
        },
    ),
    "swapper": Case(
        answers={
            "stable_sigmoid": '''
def stable_sigmoid(z):
    """Stable, but the two forms exchanged."""
    z = np.asarray(z, dtype=float)
    t = np.exp(-np.abs(z))
    result = np.where(z >= 0, t / (1 + t), 1 / (1 + t))
    return float(result) if result.ndim == 0 else result
''',
            "sigmoid_derivative": one_line("sigmoid_derivative", "z", "1 - 1 / (1 + np.exp(-z))"),
            "cross_entropy_cost": one_line("cross_entropy_cost", "X, y, w, b",
                                           "float(np.mean(np.logaddexp(0, X @ w + b) - (1 - y) * (X @ w + b)))"),
            "gradients": gradients_with("y_hat - y", dw="X @ error / len(y)"),
            "train": train_with("w = w - eta * dw"),
            # Right, and without the sigmoid above: the exchanged forms are graded in stable_sigmoid's cells alone.
            "accuracy": one_line("accuracy", "X, y, w, b", "float(np.mean(((X @ w + b) > 0) == y))"),
        },
        # Every part but the plain sigmoid (not answered here: the reference stands in) and accuracy.
        scores=zero(*(grade_id for grade_id in FULL
                      if not grade_id.startswith(("test_sigmoid_values", "test_sigmoid_hidden", "test_accuracy")))),
        messages={
            "test_stable_sigmoid_values": [KNOWN + "the arguments of np.where are in the wrong order"],
            "test_stable_sigmoid_far_out": [KNOWN + "the arguments of np.where are in the wrong order"],
            "test_stable_sigmoid_hidden": [KNOWN + "the arguments of np.where are in the wrong order"],
            "test_sigmoid_derivative_values": [KNOWN + "a factor of a product is missing."],
            "test_sigmoid_derivative_numeric": [KNOWN + "a factor of a product is missing."],
            "test_sigmoid_derivative_hidden": [KNOWN + "a factor of a product is missing."],
            "test_cross_entropy_cost_values": [KNOWN + "y and 1 − y swapped"],
            "test_cross_entropy_cost_hidden": [KNOWN + "y and 1 − y swapped"],
            "test_gradients_values": [KNOWN + "X where Xᵀ belongs (a transpose is missing)"],
            "test_gradients_numeric": [KNOWN + "X where Xᵀ belongs (a transpose is missing)"],
            "test_gradients_hidden": [KNOWN + "X where Xᵀ belongs (a transpose is missing)"],
            # b never moves: the term −α·dJ/db of b's update is missing.
            "test_train_values": ["✗ train: wrong at", "in part 1 of the tuple",
                                  KNOWN + "a term of the difference is missing"],
            "test_train_hidden": [KNOWN + "a term of the difference is missing"],
        },
    ),
    "chain-twice": Case(
        answers={
            "gradients": gradients_with("(y_hat - y) * y_hat * (1 - y_hat)"),
            "train": train_with("w - eta * dw, b - eta * db  # computed, never assigned"),
        },
        scores=zero("test_gradients_values", "test_gradients_numeric", "test_gradients_hidden",
                    "test_train_values", "test_train_hidden"),
        messages={
            "test_gradients_values": [KNOWN + "σ′(z) multiplied in again"],
            "test_gradients_numeric": [KNOWN + "σ′(z) multiplied in again"],
            "test_gradients_hidden": [KNOWN + "σ′(z) multiplied in again"],
            "test_train_values": [KNOWN + "w and b are never updated"],
            "test_train_hidden": [KNOWN + "w and b are never updated"],
        },
    ),
    # On the boundary: σ's np.where may test z > 0 (both forms give 0.5 at z = 0), but a prediction of 1 where
    # ŷ = 0.5 exactly is wrong, and an example on the boundary shows it.
    "boundary": Case(
        answers={
            "stable_sigmoid": '''
def stable_sigmoid(z):
    """The stable form, choosing at z > 0."""
    z = np.asarray(z, dtype=float)
    t = np.exp(-np.abs(z))
    result = np.where(z > 0, 1 / (1 + t), t / (1 + t))
    return float(result) if result.ndim == 0 else result
''',
            "accuracy": one_line("accuracy", "X, y, w, b", "float(np.mean((stable_sigmoid(X @ w + b) >= 0.5) == y))"),
        },
        scores=zero("test_accuracy_values", "test_accuracy_hidden"),
        messages={
            "test_accuracy_values": ["✗ accuracy: wrong at 1 of 4 points checked",
                                     KNOWN + "≥ where > belongs: the case on the boundary falls on the wrong side"],
            "test_accuracy_hidden": [KNOWN + "≥ where > belongs"],
        },
    ),
}
