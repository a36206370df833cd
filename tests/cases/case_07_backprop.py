"""Module 7: a hard-coder, a correct but loop-based student, and the typical mistakes of each exercise.

`backward` and `batch_gradient` are answered self-contained (they compute their own forward pass), so that a
mistake in one exercise is named where it is made. `training_step` and `train` build on the learner's own
`batch_gradient`, `training_step` and `forward`, as the notebook asks: a mistake there also costs the exercises
that build on it, and those scores say so. `sigmoid_backward` stands alone: it reads the sigmoid's output h and the
derivative dh that arrives from the output.
"""

from submissions import Case

ASSIGNMENT = "07-backprop"

KNOWN = "This is the known mistake: "
# The names the grader derives from one-edit variants of the reference solutions:
FLIPPED = "the two sides of a difference are exchanged (so its sign is flipped)"  # 2(y − ŷ) for −2(y − ŷ)
UPHILL = "an addition where a subtraction belongs"  # params + η·gradient
NO_TWO = "the number 1 where 2 belongs"  # −(y − ŷ) for −2(y − ŷ)
SUM = "the sum where the mean belongs (the 1/n is missing)"

ALL_WRONG = {
    "test_forward_values": 0, "test_forward_hidden": 0,
    "test_backward_values": 0, "test_backward_numeric": 0, "test_backward_hidden": 0,
    "test_batch_gradient_values": 0, "test_batch_gradient_numeric": 0, "test_batch_gradient_hidden": 0,
    "test_training_step_values": 0, "test_training_step_numeric": 0, "test_training_step_hidden": 0,
    "test_train_values": 0, "test_train_loss_falls": 0, "test_train_hidden": 0,
    "test_sigmoid_backward_values": 0, "test_sigmoid_backward_numeric": 0, "test_sigmoid_backward_hidden": 0,
}
FORWARD_RIGHT = {"test_forward_values": 1, "test_forward_hidden": 2}
BACKWARD_RIGHT = {"test_backward_values": 1, "test_backward_numeric": 1, "test_backward_hidden": 2}
BATCH_RIGHT = {"test_batch_gradient_values": 1, "test_batch_gradient_numeric": 1, "test_batch_gradient_hidden": 2}
STEP_RIGHT = {"test_training_step_values": 1, "test_training_step_numeric": 1, "test_training_step_hidden": 2}
TRAIN_RIGHT = {"test_train_values": 1, "test_train_loss_falls": 1, "test_train_hidden": 2}
SIGMOID_RIGHT = {"test_sigmoid_backward_values": 1, "test_sigmoid_backward_numeric": 1,
                 "test_sigmoid_backward_hidden": 2}
FULL_MARKS = {**FORWARD_RIGHT, **BACKWARD_RIGHT, **BATCH_RIGHT, **STEP_RIGHT, **TRAIN_RIGHT, **SIGMOID_RIGHT}

WORKED = (0.5, -1.0, 0.5, 1.0, 0.5, -0.5, 2.0, -0.5, 1.0)
DISTINCT = (1.0, -2.0, 0.5, 3.0, -1.0, 2.0, -0.5, 1.5, 4.0)
ONES, ZEROS = (1.0,) * 9, (0.0,) * 9
THREE = [[2, 1], [-1, 2], [3, -2]]
UNPACK = "w11_1, w21_1, b11, w12_1, w22_1, b12, w11_2, w21_2, b21 = params"


def forward(o11, o12, y_hat="w11_2 * o11 + w21_2 * o12 + b21"):
    """A forward cell with the given formulas."""
    return f'''
def forward(x1, x2, params):
    """A submitted forward pass."""
    {UNPACK}
    o11 = {o11}
    o12 = {o12}
    y_hat = {y_hat}
    return o11, o12, y_hat
'''


def backward(dy_hat="-2 * (y - y_hat)", do11="dy_hat * w11_2", do12="dy_hat * w21_2"):
    """A backward cell that runs its own (right) forward pass, then the given backward formulas."""
    return f'''
def backward(x1, x2, y, params):
    """A submitted backward pass."""
    {UNPACK}
    o11 = w11_1 * x1 + w21_1 * x2 + b11
    o12 = w12_1 * x1 + w22_1 * x2 + b12
    y_hat = w11_2 * o11 + w21_2 * o12 + b21
    dy_hat = {dy_hat}
    do11 = {do11}
    do12 = {do12}
    return np.array([do11 * x1, do11 * x2, do11, do12 * x1, do12 * x2, do12, dy_hat * o11, dy_hat * o12, dy_hat])
'''


def batch_gradient(reduce):
    """A vectorised batch_gradient whose 9×n per-example gradients are reduced by `reduce`."""
    return f'''
def batch_gradient(X, y, params):
    """A submitted batch gradient."""
    {UNPACK}
    x1, x2 = X[:, 0], X[:, 1]
    o11 = w11_1 * x1 + w21_1 * x2 + b11
    o12 = w12_1 * x1 + w22_1 * x2 + b12
    dy_hat = -2 * (y - (w11_2 * o11 + w21_2 * o12 + b21))
    do11, do12 = dy_hat * w11_2, dy_hat * w21_2
    per_example = np.array([do11 * x1, do11 * x2, do11, do12 * x1, do12 * x2, do12, dy_hat * o11, dy_hat * o12, dy_hat])
    return {reduce}
'''


def one_line(name, parameters, body):
    return f'''
def {name}({parameters}):
    """A submitted answer."""
    return {body}
'''


def table(entries, key, default):
    """A function body that looks its arguments up in the visible examples and returns `default` elsewhere."""
    return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in entries) + f"}}.get({key}, {default})"


def flat(X):
    return tuple(float(value) for row in X for value in row)


HARD_CODED = {
    "forward": one_line("forward", "x1, x2, params", table(
        [((2, 1, WORKED), (0.5, 2, 1)), ((1, 0, WORKED), (1, 0.5, 2.75)), ((0, 0, WORKED), (0.5, -0.5, 2.25)),
         ((1, -1, ONES), (1, 1, 3)),
         ((-1, 2, DISTINCT), (-4.5, -3.0, 1.75))], "(x1, x2, tuple(params))", "(0.0, 0.0, 0.0)")),
    "backward": one_line("backward", "x1, x2, y, params", "np.array(" + table(
        [((2, 1, 3, WORKED), [-16, -8, -8, 4, 2, 2, -2, -8, -4]),
         ((1, 0, 0, WORKED), [11, 0, 11, -2.75, 0, -2.75, 5.5, 2.75, 5.5]),
         ((1, -1, 0, ONES), [6, -6, 6, 6, -6, 6, 6, 6, 6]),
         ((-1, 2, 3, DISTINCT), [-1.25, 2.5, 1.25, 3.75, -7.5, -3.75, 11.25, 7.5, -2.5])],
        "(x1, x2, y, tuple(params))", "[0.0] * 9") + ")"),
    "batch_gradient": one_line("batch_gradient", "X, y, params", "np.array(" + table(
        [((flat([[2, 1]]), (3.0,), WORKED), [-16, -8, -8, 4, 2, 2, -2, -8, -4]),
         ((flat([[2, 1], [2, 1]]), (3.0, 3.0), WORKED), [-16, -8, -8, 4, 2, 2, -2, -8, -4]),
         ((flat([[1, 0], [0, 1]]), (1.0, 3.0), ZEROS), [0, 0, 0, 0, 0, 0, 0, 0, -4]),
         ((flat([[2, 1], [1, -1]]), (3.0, 0.0), ONES), [15, 3, 9, 15, 3, 9, 27, 27, 9]),
         ((flat(THREE), (3.0, 1.0, -2.0), DISTINCT), [-29.0, 10.25, -11.25, 87.0, -30.75, 33.75, 110.25, 239.5, 22.5])],
        "(tuple(np.ravel(X).tolist()), tuple(np.ravel(y).tolist()), tuple(params))", "[0.0] * 9") + ")"),
    "training_step": one_line("training_step", "X, y, params, eta", "np.array(" + table(
        [((flat([[2, 1]]), (3.0,), WORKED, 0.1), [2.1, -0.2, 1.3, 0.6, 0.3, -0.7, 2.2, 0.3, 1.4]),
         ((flat([[1, 0], [0, 1]]), (1.0, 5.0), ZEROS, 0.1), [0, 0, 0, 0, 0, 0, 0, 0, 0.6]),
         ((flat(THREE), (3.0, 1.0, -2.0), DISTINCT, 0.05),
          [2.45, -2.5125, 1.0625, -1.3500000000000005, 0.5375000000000001, 0.3125, -6.0125, -10.475000000000001,
           2.875])],
        "(tuple(np.ravel(X).tolist()), tuple(np.ravel(y).tolist()), tuple(params), eta)", "params") + ")"),
    "train": one_line("train", "X, y, params, eta, steps", table(
        [((flat([[1, 0], [0, 1]]), (1.0, 3.0), ZEROS, 0.1, 2), ([0, 0, 0, 0, 0, 0, 0, 0, 0.72], [5, 3.56])),
         ((flat([[2, 1]]), (3.0,), WORKED, 0.1, 1), ([2.1, -0.2, 1.3, 0.6, 0.3, -0.7, 2.2, 0.3, 1.4], [4])),
         ((flat(THREE), (3.0, 1.0, -2.0), DISTINCT, 0.01, 3),
          ([0.5451046605729813, -1.5569357166364541, 0.5255170907778994, 1.5969539740249563, -0.3560479661275821,
            1.55417588007242, -0.4286371329503784, -0.004115508871484375, 3.7436426653640695],
           [200.0625, 152.50912846575525, 30.52519044029151]))],
        "(tuple(np.ravel(X).tolist()), tuple(np.ravel(y).tolist()), tuple(params), eta, steps)",
        "(params, [0.0] * steps)")),
    "sigmoid_backward": one_line("sigmoid_backward", "h, dh", "np.array(" + table(
        [(((0.5,), (1.0,)), 0.25), (((0.5,), (-4.0,)), -1.0), (((0.8,), (2.0,)), 0.32), (((0.1,), (-3.0,)), -0.27),
         (((0.2, 0.5, 0.9), (1.0, -2.0, 3.0)), [0.16, -0.5, 0.27])],
        "(tuple(np.ravel(h).tolist()), tuple(np.ravel(dh).tolist()))", "0.0") + ")"),
}

LOOPS = {
    "batch_gradient": '''
def batch_gradient(X, y, params):
    """The mean of backward over the examples, one example at a time."""
    total = np.zeros(9)
    for (x1, x2), target in zip(X, y):
        total = total + backward(x1, x2, target, params)
    return total / len(y)
''',
    "train": '''
def train(X, y, params, eta, steps):
    """Gradient descent, with the mean loss added up one example at a time."""
    history = []
    for _ in range(steps):
        total = 0.0
        for (x1, x2), target in zip(X, y):
            total += (target - forward(x1, x2, params)[2]) ** 2
        history.append(total / len(y))
        params = training_step(X, y, params, eta)
    return params, history
''',
}

CASES = {
    "hardcoder": Case(
        answers=HARD_CODED,
        scores={**ALL_WRONG, "test_forward_values": 1, "test_backward_values": 1, "test_batch_gradient_values": 1,
                "test_training_step_values": 1, "test_train_values": 1, "test_sigmoid_backward_values": 1},
        messages={
            "test_forward_hidden": ["✗ forward: wrong at 20 of 20 points checked", "you returned 0"],
            "test_backward_numeric": ["✗ backward: wrong at 10 of 10 points checked", "you returned 0"],
            "test_backward_hidden": ["✗ backward: wrong at 20 of 20 points checked"],
            "test_batch_gradient_numeric": ["✗ batch_gradient: wrong at 10 of 10 points checked"],
            "test_batch_gradient_hidden": ["✗ batch_gradient: wrong at 10 of 10 points checked"],
            "test_training_step_numeric": ["✗ training_step: wrong at 10 of 10 points checked"],
            "test_training_step_hidden": ["✗ training_step: wrong at 10 of 10 points checked"],
            "test_train_loss_falls": [
                "✗ train", "measured by drops_in_loss, you returned 0; a loss falling at every step drops 99"],
            "test_train_hidden": ["✗ train: wrong at 10 of 10 points checked"],
            "test_sigmoid_backward_numeric": ["✗ sigmoid_backward: wrong at 10 of 10 points checked", "you returned 0"],
            "test_sigmoid_backward_hidden": ["✗ sigmoid_backward: wrong at 20 of 20 points checked"],
        },
    ),
    "looper": Case(answers=LOOPS, scores=FULL_MARKS),
    "flipper": Case(
        answers={
            "backward": backward(dy_hat="2 * (y - y_hat)"),
            "training_step": one_line("training_step", "X, y, params, eta",
                                      "params + eta * batch_gradient(X, y, params)"),
            "sigmoid_backward": one_line("sigmoid_backward", "h, dh", "dh * h * (h - 1)"),
        },
        scores={**ALL_WRONG, **FORWARD_RIGHT, **BATCH_RIGHT},
        messages={
            "test_backward_values": [KNOWN + FLIPPED],
            "test_backward_numeric": [KNOWN + FLIPPED],
            "test_backward_hidden": [KNOWN + FLIPPED],
            "test_training_step_values": [KNOWN + UPHILL],
            "test_training_step_numeric": [KNOWN + UPHILL],
            "test_training_step_hidden": [KNOWN + UPHILL],
            "test_train_loss_falls": ["✗ train", "measured by drops_in_loss, you returned 0"],
            "test_train_hidden": [KNOWN + "the steps go uphill"],
            "test_sigmoid_backward_values": [KNOWN + FLIPPED],
            "test_sigmoid_backward_numeric": [KNOWN + FLIPPED],
            "test_sigmoid_backward_hidden": [KNOWN + FLIPPED],
        },
    ),
    "no-two": Case(
        answers={
            "backward": backward(dy_hat="-(y - y_hat)"),
            "batch_gradient": batch_gradient("per_example.sum(axis=1)"),
        },
        scores={**ALL_WRONG, **FORWARD_RIGHT, **SIGMOID_RIGHT},
        messages={
            "test_backward_values": [KNOWN + NO_TWO],
            "test_backward_numeric": [KNOWN + NO_TWO],
            "test_backward_hidden": [KNOWN + NO_TWO],
            "test_batch_gradient_values": [KNOWN + SUM],
            "test_batch_gradient_numeric": [KNOWN + SUM],
            "test_batch_gradient_hidden": [KNOWN + SUM],
            "test_training_step_values": ["✗ training_step: wrong at 2 of 3 points checked",
                                          KNOWN + "the step is n times too large"],
            "test_training_step_numeric": [KNOWN + "the step is n times too large"],
            "test_training_step_hidden": [KNOWN + "the step is n times too large"],
        },
    ),
    "crosser": Case(
        answers={
            "forward": forward("w11_1 * x1 + w12_1 * x2 + b11", "w21_1 * x1 + w22_1 * x2 + b12"),
            "backward": backward(do11="dy_hat * w21_2", do12="dy_hat * w11_2"),
        },
        scores={**ALL_WRONG, **BATCH_RIGHT, **STEP_RIGHT, **SIGMOID_RIGHT},
        messages={
            "test_forward_values": [KNOWN + "w21¹ and w12¹ swapped"],
            "test_forward_hidden": [KNOWN + "w21¹ and w12¹ swapped"],
            "test_backward_values": [KNOWN + "the hidden-layer gradients go through the wrong output weight"],
            "test_backward_numeric": [KNOWN + "the hidden-layer gradients go through the wrong output weight"],
            "test_backward_hidden": [KNOWN + "the hidden-layer gradients go through the wrong output weight"],
            "test_train_values": ["✗ train: wrong at 2 of 3 points checked", "in part 1 of the tuple"],
        },
    ),
    "late-recorder": Case(
        answers={"train": '''
def train(X, y, params, eta, steps):
    """Gradient descent, recording the mean loss after each step instead of before it."""
    history = []
    for _ in range(steps):
        params = training_step(X, y, params, eta)
        history.append(np.mean((y - forward(X[:, 0], X[:, 1], params)[2]) ** 2))
    return params, history
'''},
        # Its losses still fall at every step, so only the checks of the values themselves catch it.
        scores={**FULL_MARKS, "test_train_values": 0, "test_train_hidden": 0},
        messages={
            "test_train_values": [KNOWN + "the loss is recorded after each step, where the loss before it belongs"],
            "test_train_hidden": [KNOWN + "the loss is recorded after each step, where the loss before it belongs"],
        },
    ),
    "forgetter": Case(
        answers={
            "forward": forward("w11_1 * x1 + w21_1 * x2", "w12_1 * x1 + w22_1 * x2", "w11_2 * o11 + w21_2 * o12"),
            "backward": backward(do11="dy_hat", do12="dy_hat"),
            "batch_gradient": batch_gradient("per_example[:, 0]"),
            "sigmoid_backward": one_line("sigmoid_backward", "h, dh", "h * (1 - h)"),
        },
        scores=ALL_WRONG,
        messages={
            "test_forward_values": [KNOWN + "the biases are forgotten"],
            "test_forward_hidden": [KNOWN + "the biases are forgotten"],
            "test_backward_values": [KNOWN + "the hidden-layer gradients miss the output weight"],
            "test_backward_numeric": [KNOWN + "the hidden-layer gradients miss the output weight"],
            "test_backward_hidden": [KNOWN + "the hidden-layer gradients miss the output weight"],
            "test_batch_gradient_values": [KNOWN + "the gradient of the first example only"],
            "test_batch_gradient_numeric": [KNOWN + "the gradient of the first example only"],
            "test_batch_gradient_hidden": [KNOWN + "the gradient of the first example only"],
            # σ′ alone: the derivative dh arriving from the output is not multiplied in
            "test_sigmoid_backward_values": ["you returned 0.25; the right value is -1",
                                             KNOWN + "the factor dh is missing"],
            "test_sigmoid_backward_numeric": [KNOWN + "the factor dh is missing"],
            "test_sigmoid_backward_hidden": [KNOWN + "the factor dh is missing"],
        },
    ),
    # h is taken for the sigmoid's input: σ applied once more before its derivative is formed.
    "sigmoid-again": Case(
        answers={"sigmoid_backward": '''
def sigmoid_backward(h, dh):
    """∂L/∂o, with σ applied to h first."""
    s = 1 / (1 + np.exp(-h))
    return dh * s * (1 - s)
'''},
        scores={**FULL_MARKS, "test_sigmoid_backward_values": 0, "test_sigmoid_backward_numeric": 0,
                "test_sigmoid_backward_hidden": 0},
        messages={
            "test_sigmoid_backward_values": [KNOWN + "σ applied to h again"],
            "test_sigmoid_backward_numeric": [KNOWN + "σ applied to h again"],
            "test_sigmoid_backward_hidden": [KNOWN + "σ applied to h again"],
        },
    ),
}
