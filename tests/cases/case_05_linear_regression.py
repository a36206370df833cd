"""Module 5: a submission that hard-codes the visible examples, one that loops over the examples (and is right),
and the typical mistakes of each exercise, every gradient mistake by its own student.

Each student answers all six exercises. Students whose mistakes are elsewhere train with a correct loop of their
own, so that a wrong `gradients` is graded once, in its own cells, and not again through `train`.
"""

import numpy as np
from submissions import Case

ASSIGNMENT = "05-linear-regression"

KNOWN = "This is the known mistake: "

ALL_WRONG = {
    "test_predict_values": 0, "test_predict_hidden": 0,
    "test_mse_cost_values": 0, "test_mse_cost_hidden": 0,
    "test_gradients_values": 0, "test_gradients_numeric": 0, "test_gradients_hidden": 0,
    "test_gradient_step_values": 0, "test_gradient_step_hidden": 0,
    "test_train_values": 0, "test_train_converges": 0, "test_train_hidden": 0,
    "test_unscale_values": 0, "test_unscale_lstsq": 0, "test_unscale_hidden": 0,
}
FULL_MARKS = {
    "test_predict_values": 1, "test_predict_hidden": 2,
    "test_mse_cost_values": 1, "test_mse_cost_hidden": 2,
    "test_gradients_values": 1, "test_gradients_numeric": 1, "test_gradients_hidden": 2,
    "test_gradient_step_values": 1, "test_gradient_step_hidden": 2,
    "test_train_values": 1, "test_train_converges": 1, "test_train_hidden": 2,
    "test_unscale_values": 1, "test_unscale_lstsq": 1, "test_unscale_hidden": 2,
}
WRONG_UNSCALE = {"test_unscale_values": 0, "test_unscale_lstsq": 0, "test_unscale_hidden": 0}

BMI = [[160.0, 60.0], [170.0, 65.0], [180.0, 70.0], [190.0, 71.0]]
BMI_STD = np.array(BMI).std(axis=0)  # as the visible check shows it: the BMI model per standard deviation


def hard_coded(signature, shown, otherwise):
    """A function that returns the answer of each visible example and `otherwise` anywhere else."""
    parameters = signature[signature.index("(") + 1 : -1]
    return f'''
def {signature}:
    """Only the examples shown above."""
    shown = {shown!r}
    asked = [np.asarray(value).tolist() for value in ({parameters},)]
    for arguments, answer in shown:
        if asked == arguments:
            return answer
    return {otherwise}
'''


def function(signature, *lines):
    """The solution cell of one exercise: the signature and a body of `lines`."""
    body = "\n".join(f"    {line}" for line in lines)
    return f'\ndef {signature}:\n    """A submitted answer."""\n{body}\n'


# A right training loop that needs none of the learner's other functions.
OWN_TRAIN = function(
    "train(X, y, w, b, eta, steps)",
    "history = []",
    "for _ in range(steps):",
    "    errors = X @ w + b - y",
    "    history.append(np.mean(errors**2))",
    "    w, b = w - eta * 2 / len(y) * (X.T @ errors), b - eta * 2 * np.mean(errors)",
    "return w, b, np.array(history)",
)
RIGHT = {
    "predict": function("predict(X, w, b)", "return X @ w + b"),
    "mse_cost": function("mse_cost(X, y, w, b)", "return np.mean((X @ w + b - y) ** 2)"),
    "gradient_step": function("gradient_step(w, b, dw, db, eta)", "return w - eta * dw, b - eta * db"),
    "train": OWN_TRAIN,
}


def gradients_returning(dw, db):
    return function("gradients(X, y, w, b)", "errors = X @ w + b - y", "n = len(y)", f"return {dw}, {db}")


CASES = {
    "hardcoder": Case(
        answers={
            "predict": hard_coded("predict(X, w, b)", [
                ([[[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0], 0.5], [3.5, 7.5]),
                ([[[2.0, 0.0], [1.0, 1.0]], [3.0, -1.0], 1.0], [7.0, 3.0]),
                ([[[1.0], [2.0], [3.0]], [2.0], 1.0], [3.0, 5.0, 7.0]),
                ([BMI, [0.1, -0.1], 15.0], [25.0, 25.5, 26.0, 26.9]),
            ], "np.zeros(len(X))"),
            "mse_cost": hard_coded("mse_cost(X, y, w, b)", [
                ([[[1.0], [2.0], [3.0]], [3.0, 5.0, 9.0], [2.0], 1.0], 4 / 3),
                ([[[1.0, 2.0], [3.0, 4.0]], [1.0, 3.0], [1.0, 1.0], 0.0], 10.0),
                ([BMI, [21.0, 22.0, 20.0, 18.0], [1.0, 1.0], 0.0], 49229.75),
            ], "0.0"),
            "gradients": hard_coded("gradients(X, y, w, b)", [
                ([[[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], [0.0, 0.0], 0.0], ([-7.0, -10.0], -3.0)),
                ([[[2.0, 0.0], [1.0, 1.0]], [3.0, 1.0], [1.0, 1.0], 0.0], ([-1.0, 1.0], 0.0)),
                ([[[1.0], [3.0]], [2.0, 4.0], [1.0], 0.0], ([-4.0], -2.0)),
                ([BMI, [21.0, 22.0, 20.0, 18.0], [1.0, 1.0], 0.0], ([77810.0, 29569.0], 442.5)),
            ], "np.zeros(len(w)), 0.0"),
            "gradient_step": hard_coded("gradient_step(w, b, dw, db, eta)", [
                ([[1.0, 2.0], 0.5, [4.0, -2.0], 1.0, 0.1], ([0.6, 2.2], 0.4)),
                ([[0.0], 0.0, [-4.0], -2.0, 0.5], ([2.0], 1.0)),
                ([[3.0, -1.0, 2.0], 1.0, [10.0, 20.0, -30.0], 5.0, 0.01], ([2.9, -1.2, 2.3], 0.95)),
            ], "w, b"),
            "train": hard_coded("train(X, y, w, b, eta, steps)", [
                ([[[1.0], [3.0]], [2.0, 4.0], [1.0], 0.0, 0.1, 1], ([1.4], 0.2, [1.0])),
                ([[[1.0], [3.0]], [2.0, 4.0], [1.0], 0.0, 0.1, 2], ([1.32], 0.2, [1.0, 0.16])),
                ([[[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], [0.0, 0.0], 0.0, 0.01, 1], ([0.07, 0.1], 0.03, [2.5])),
            ], "w, b, np.zeros(steps)"),
            "unscale": hard_coded("unscale(w_scaled, b_scaled, mean, std)", [
                ([[2.0, -1.0], 5.0, [10.0, 4.0], [2.0, 0.5]], ([1.0, -2.0], 3.0)),
                ([[3.0], 20.0, [175.0], [10.0]], ([0.3], -32.5)),
                ([[1.0, 2.0, -3.0], -1.0, [-2.0, 0.0, 3.0], [4.0, 0.25, 1.5]], ([0.25, 8.0, -2.0], 5.5)),
                ([(np.array([-0.3, 0.5]) * BMI_STD).tolist(), 20.25, [175.0, 66.5], BMI_STD.tolist()],
                 ([-0.3, 0.5], 39.5)),
            ], "np.zeros(len(w_scaled)), 0.0"),
        },
        scores={**ALL_WRONG, "test_predict_values": 1, "test_mse_cost_values": 1, "test_gradients_values": 1,
                "test_gradient_step_values": 1, "test_train_values": 1, "test_unscale_values": 1},
        messages={
            "test_predict_hidden": ["✗ predict: wrong at 10 of 10 points checked"],
            "test_mse_cost_hidden": ["✗ mse_cost: wrong at 10 of 10 points checked", "you returned 0"],
            "test_gradients_numeric": ["✗ gradients: wrong at 10 of 10 points checked", "you returned 0"],
            "test_gradients_hidden": ["✗ gradients: wrong at 10 of 10 points checked"],
            "test_gradient_step_hidden": ["✗ gradient_step: wrong at 10 of 10 points checked"],
            "test_train_converges": ["✗ train: wrong at 3 of 3 points checked"],
            "test_train_hidden": ["✗ train: wrong at 10 of 10 points checked"],
            "test_unscale_lstsq": ["✗ unscale: wrong at 5 of 5 points checked"],
            "test_unscale_hidden": ["✗ unscale: wrong at 10 of 10 points checked"],
        },
    ),
    "looper": Case(
        answers={
            "predict": function(
                "predict(X, w, b)",
                "y_hat = []",
                "for row in X:",
                "    total = b",
                "    for x_j, w_j in zip(row, w):",
                "        total += x_j * w_j",
                "    y_hat.append(total)",
                "return np.array(y_hat)",
            ),
            "mse_cost": function(
                "mse_cost(X, y, w, b)",
                "total = 0.0",
                "for i in range(len(y)):",
                "    error = sum(X[i][j] * w[j] for j in range(len(w))) + b - y[i]",
                "    total += error * error",
                "return total / len(y)",
            ),
            "gradients": function(
                "gradients(X, y, w, b)",
                "dw, db = [0.0] * len(w), 0.0",
                "for i in range(len(y)):",
                "    error = sum(X[i][j] * w[j] for j in range(len(w))) + b - y[i]",
                "    for j in range(len(w)):",
                "        dw[j] += 2 * error * X[i][j] / len(y)",
                "    db += 2 * error / len(y)",
                "return np.array(dw), db",
            ),
            "gradient_step": function(
                "gradient_step(w, b, dw, db, eta)",
                "return np.array([w[j] - eta * dw[j] for j in range(len(w))]), b - eta * db",
            ),
            "train": function(
                "train(X, y, w, b, eta, steps)",
                "history = []",
                "for _ in range(steps):",
                "    history.append(mse_cost(X, y, w, b))",
                "    dw, db = gradients(X, y, w, b)",
                "    w, b = gradient_step(w, b, dw, db, eta)",
                "return w, b, history",
            ),
            "unscale": function(
                "unscale(w_scaled, b_scaled, mean, std)",
                "w, b = [], b_scaled",
                "for j in range(len(w_scaled)):",
                "    w.append(w_scaled[j] / std[j])",
                "    b -= w_scaled[j] * mean[j] / std[j]",
                "return np.array(w), b",
            ),
        },
        scores=FULL_MARKS,
    ),
    "transposer": Case(
        answers={
            "predict": function("predict(X, w, b)", "return X.T @ w + b"),
            "mse_cost": function("mse_cost(X, y, w, b)", "return np.sum((X @ w + b - y) ** 2)"),
            "gradients": gradients_returning("2 / n * X @ errors", "2 / n * np.sum(errors)"),
            "gradient_step": function("gradient_step(w, b, dw, db, eta)", "return w + eta * dw, b + eta * db"),
            "train": function(
                "train(X, y, w, b, eta, steps)",
                "history = []",
                "for _ in range(steps):",
                "    errors = X @ w + b - y",
                "    w, b = w - eta * 2 / len(y) * (X.T @ errors), b - eta * 2 * np.mean(errors)",
                "    history.append(np.mean((X @ w + b - y) ** 2))",
                "return w, b, np.array(history)",
            ),
            "unscale": function("unscale(w_scaled, b_scaled, mean, std)",
                                "w = w_scaled * std", "return w, b_scaled - np.sum(w * mean)"),
        },
        # The history is off by one step, but the final parameters are right: training still converges.
        scores={**ALL_WRONG, "test_train_converges": 1},
        messages={
            "test_predict_values": [KNOWN + "Xᵀ where X belongs."],
            "test_predict_hidden": ["✗ predict: wrong at", "raised ValueError"],
            "test_mse_cost_values": [KNOWN + "the sum where the mean belongs (the 1/n is missing)."],
            "test_mse_cost_hidden": [KNOWN + "the sum where the mean belongs (the 1/n is missing)."],
            "test_gradients_values": [KNOWN + "X where Xᵀ belongs (a transpose is missing)."],
            "test_gradients_numeric": ["✗ gradients: wrong at", "raised ValueError"],
            "test_gradients_hidden": ["✗ gradients: wrong at", "raised ValueError"],
            "test_gradient_step_values": [KNOWN + "the step goes uphill"],
            "test_gradient_step_hidden": [KNOWN + "the step goes uphill"],
            "test_train_values": [KNOWN + "the history is recorded after each step"],
            "test_train_hidden": [KNOWN + "the history is recorded after each step"],
            "test_unscale_values": [KNOWN + "a multiplication where a division belongs (w_scaled·std where "
                                            "w_scaled/std belongs)."],
            "test_unscale_lstsq": [KNOWN + "a multiplication where a division belongs"],
            "test_unscale_hidden": [KNOWN + "a multiplication where a division belongs"],
        },
    ),
    "forgetful": Case(
        answers={
            "predict": function("predict(X, w, b)", "return X @ w"),
            "mse_cost": function("mse_cost(X, y, w, b)", "return np.sqrt(np.mean((X @ w + b - y) ** 2))"),
            "gradients": gradients_returning("2 * X.T @ errors", "2 * np.sum(errors)"),
            "gradient_step": function("gradient_step(w, b, dw, db, eta)", "return w - dw, b - db"),
            "train": function(
                "train(X, y, w, b, eta, steps)",
                "history = []",
                "for _ in range(steps):",
                "    errors = X @ w + b - y",
                "    history.append(np.mean(errors**2))",
                "    w, b = w - 2 / len(y) * (X.T @ errors), b - 2 * np.mean(errors)",
                "return w, b, np.array(history)",
            ),
            "unscale": function("unscale(w_scaled, b_scaled, mean, std)", "return w_scaled / std, b_scaled"),
        },
        scores=ALL_WRONG,
        messages={
            "test_predict_values": [KNOWN + "the term b of the sum is missing."],
            "test_predict_hidden": [KNOWN + "the term b of the sum is missing."],
            "test_mse_cost_values": [KNOWN + "the square root is taken"],
            "test_mse_cost_hidden": [KNOWN + "the square root is taken"],
            "test_gradients_values": [KNOWN + "the 1/n of the mean is missing: sums where the means belong."],
            "test_gradients_numeric": [KNOWN + "the 1/n of the mean is missing: sums where the means belong."],
            "test_gradients_hidden": [KNOWN + "the 1/n of the mean is missing: sums where the means belong."],
            "test_gradient_step_values": [KNOWN + "the learning rate η is not used"],
            "test_gradient_step_hidden": [KNOWN + "the learning rate η is not used"],
            "test_train_values": ["✗ train: wrong at"],
            "test_train_converges": ["✗ train: wrong at"],
            "test_train_hidden": [KNOWN + "the learning rate η is not used"],
            "test_unscale_values": [KNOWN + "a term of the difference is missing."],
            "test_unscale_lstsq": [KNOWN + "a term of the difference is missing."],
            "test_unscale_hidden": [KNOWN + "a term of the difference is missing."],
        },
    ),
    "flipper": Case(
        answers={
            **RIGHT,
            "mse_cost": function("mse_cost(X, y, w, b)", "return np.mean(np.abs(X @ w + b - y))"),
            "gradients": function(
                "gradients(X, y, w, b)",
                "errors = y - (X @ w + b)",
                "return 2 / len(y) * (X.T @ errors), 2 / len(y) * np.sum(errors)",
            ),
            "unscale": function("unscale(w_scaled, b_scaled, mean, std)",
                                "w = w_scaled / std", "return w, b_scaled + np.sum(w * mean)"),
        },
        scores={**FULL_MARKS, "test_mse_cost_values": 0, "test_mse_cost_hidden": 0,
                "test_gradients_values": 0, "test_gradients_numeric": 0, "test_gradients_hidden": 0, **WRONG_UNSCALE},
        messages={
            "test_mse_cost_values": [KNOWN + "the mean of the absolute errors"],
            "test_mse_cost_hidden": [KNOWN + "the mean of the absolute errors"],
            "test_gradients_values": [KNOWN + "the two sides of a difference are exchanged (so its sign is flipped)."],
            "test_gradients_numeric": [KNOWN + "the two sides of a difference are exchanged (so its sign is flipped)."],
            "test_gradients_hidden": [KNOWN + "the two sides of a difference are exchanged (so its sign is flipped)."],
            "test_unscale_values": [KNOWN + "an addition where a subtraction belongs."],
            "test_unscale_lstsq": [KNOWN + "an addition where a subtraction belongs."],
            "test_unscale_hidden": [KNOWN + "an addition where a subtraction belongs."],
        },
    ),
    "no-two": Case(
        answers={**RIGHT, "gradients": gradients_returning("1 / n * (X.T @ errors)", "1 / n * np.sum(errors)")},
        scores={**FULL_MARKS, "test_gradients_values": 0, "test_gradients_numeric": 0, "test_gradients_hidden": 0},
        messages={
            "test_gradients_values": [KNOWN + "a factor 2 is missing."],
            "test_gradients_numeric": [KNOWN + "a factor 2 is missing."],
            "test_gradients_hidden": [KNOWN + "a factor 2 is missing."],
        },
    ),
    "first-example": Case(
        answers={**RIGHT, "gradients": gradients_returning("2 * X[0] * errors[0]", "2 * errors[0]")},
        scores={**FULL_MARKS, "test_gradients_values": 0, "test_gradients_numeric": 0, "test_gradients_hidden": 0},
        messages={
            "test_gradients_values": [KNOWN + "the gradient of the first example alone"],
            "test_gradients_numeric": [KNOWN + "the gradient of the first example alone"],
            "test_gradients_hidden": [KNOWN + "the gradient of the first example alone"],
        },
    ),
    "scaled-bias": Case(
        answers={**RIGHT, "unscale": function("unscale(w_scaled, b_scaled, mean, std)",
                                              "return w_scaled / std, b_scaled - np.sum(w_scaled * mean)")},
        scores={**FULL_MARKS, **WRONG_UNSCALE},
        messages={
            "test_unscale_values": [KNOWN + "the bias is corrected with the scaled weights"],
            "test_unscale_lstsq": [KNOWN + "the bias is corrected with the scaled weights"],
            "test_unscale_hidden": [KNOWN + "the bias is corrected with the scaled weights"],
        },
    ),
}
