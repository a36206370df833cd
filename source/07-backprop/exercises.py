"""Module 07's exercises: where forward, backward, batch_gradient, training_step, train and sigmoid_backward are
checked, and how closely.

The nine parameters are in the notebook's order: w11_1, w21_1, b11, w12_1, w22_1, b12, w11_2, w21_2, b21.
The grader's own formulas of the network (the loss, the mean loss and its gradient: autograder.network) serve the
numerical oracles and the misconceptions no single edit of a reference expresses; they never reach a check file,
only their values do.
"""

import numpy as np

from autograder.network import DISTINCT, WORKED, gradient_of, loss, mean_loss, training_points, with_eta
from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course.checks import Numerical
from course.datasets import load_bmi
from course.examples import drops_in_loss

ROUND_OFF = Tolerance(1e-9, 1e-12, "a dozen multiplications and additions of numbers below 1e3: only round-off differs")
MEANS = Tolerance(1e-9, 1e-10, "means of up to 200 such products (a loop adds them in another order than np.mean): "
                               "round-off of up to ~1e-12 on gradients near zero")
NUDGED = Tolerance(1e-8, 2e-9, "the loss is quadratic in each parameter, so the five-point stencil (h = 1e-4) has no "
                               "truncation error, only round-off 1.5·ε·L/h, below 2e-10 at these sizes")
SIGMOID_LINK = Tolerance(1e-9, 1e-12, "two products and a subtraction of numbers below 10: only round-off differs")
NUDGED_SIGMOID = Tolerance(1e-8, 6e-11, "σ is smooth, so the five-point stencil (h = 1e-4) is off by "
                                       "h⁴·|σ⁽⁵⁾|/30 < 1e-17; with the round-off of o = ln(h / (1 − h)), dh times it "
                                       "was off by below 6e-12 in 20,000 draws")
STEPPED = Tolerance(1e-9, 4e-10, "params − η·(a numerical gradient off by below 2e-10), with η ≤ 0.2: off by below "
                                 "4e-11")


def swapped_forward(expected, x1, x2, p):
    """o11 built with w12¹ and o12 with w21¹: the indices read as to-from instead of from-to."""
    o11, o12 = p[0] * x1 + p[3] * x2 + p[2], p[1] * x1 + p[4] * x2 + p[5]
    return o11, o12, p[6] * o11 + p[7] * o12 + p[8]


def forward_without_biases(expected, x1, x2, p):
    """o11, o12 and ŷ with none of the three biases."""
    o11, o12 = p[0] * x1 + p[1] * x2, p[3] * x1 + p[4] * x2
    return o11, o12, p[6] * o11 + p[7] * o12


def hidden_chains(first, second):
    """backward's answer when hidden neuron 1's chain goes through `first` and neuron 2's through `second`."""
    def wrong(expected, x1, x2, y, p):
        dy_hat = expected[8]
        return np.array([*(dy_hat * first(p) * np.array([x1, x2, 1.0])),
                         *(dy_hat * second(p) * np.array([x1, x2, 1.0])), *expected[6:]])
    return wrong


def data_params_eta_steps(rng):
    """2 to 100 examples, small parameters, a small η and 2 to 8 steps (never 9: (params, history) stays ragged)."""
    n = int(rng.integers(2, 101))
    return (rng.normal(0, 1, (n, 2)), rng.normal(0, 1, n), rng.normal(0, 0.5, 9), float(rng.uniform(0.01, 0.05)),
            int(rng.integers(2, 9)))


def uphill_training(expected, X, y, p, eta, steps):
    """train whose steps add η times the gradient (a training_step going uphill)."""
    history = []
    for _ in range(steps):
        history.append(mean_loss(X, y, p))
        p = p + eta * gradient_of(X, y, p)
    return p, np.array(history)


def sigmoid(o):
    """σ(o) = 1 / (1 + e^(−o)), for the grader's nudges and for the mistake of applying it twice."""
    return 1 / (1 + np.exp(-o))


def nudged_sigmoid_link(h, dh):
    """dh times the slope of σ, measured by nudging o where σ(o) = h (o = ln(h / (1 − h)))."""
    return dh * Numerical(sigmoid)(float(np.log(h / (1 - h))))


def sigmoid_point(rng):
    """An output h of σ strictly between 0 and 1, and a derivative dh arriving from the right."""
    return float(rng.uniform(0.02, 0.98)), float(rng.uniform(-3, 3))


def sigmoid_columns(rng):
    """Columns of 1 to 5 examples: outputs h of σ and derivatives dh."""
    n = int(rng.integers(1, 6))
    return rng.uniform(0.01, 0.99, n), rng.normal(0, 2, n)


X_BMI, Y_BMI = load_bmi()
X_SCALED = (X_BMI - X_BMI.mean(axis=0)) / X_BMI.std(axis=0)

TWO = np.array([[1.0, 0.0], [0.0, 1.0]])
THREE = np.array([[2.0, 1.0], [-1.0, 2.0], [3.0, -2.0]])  # three examples: first, last, sum and mean all differ

EXERCISES = [
    Exercise(
        "forward",
        tolerance=ROUND_OFF,
        grades=(
            Grade("test_forward_values", points=[(2, 1, WORKED), (1, 0, WORKED), (0, 0, WORKED), (1, -1, np.ones(9)),
                                                 (-1, 2, DISTINCT)]),
            Grade("test_forward_hidden", hidden=True, marks=2, count=20, seed=71,
                  points=lambda rng: (*rng.normal(0, 2, 2).tolist(), rng.normal(0, 1, 9))),
        ),
        mistakes=(Mistake("w21¹ and w12¹ swapped (w_ij goes from input i to neuron j)", swapped_forward),
                  Mistake("the biases are forgotten", forward_without_biases)),
    ),
    Exercise(
        "backward",
        tolerance=ROUND_OFF,
        by_hand=True,
        grades=(
            Grade("test_backward_values", points=[(2, 1, 3, WORKED), (1, 0, 0, WORKED), (1, -1, 0, np.ones(9)),
                                                  (-1, 2, 3, DISTINCT)]),
            Grade("test_backward_numeric", count=10, seed=1, expected=Numerical(loss, wrt=3),
                  told="a numerical derivative gives", tolerance=NUDGED,
                  points=lambda rng: (*rng.normal(0, 1, 3).tolist(), rng.normal(0, 1, 9))),
            Grade("test_backward_hidden", hidden=True, marks=2, count=20, seed=72,
                  points=lambda rng: (*rng.normal(0, 2, 3).tolist(), rng.normal(0, 1, 9))),
        ),
        mistakes=(Mistake("the hidden-layer gradients go through the wrong output weight (w21² where w11² belongs, "
                          "and the reverse)", hidden_chains(lambda p: p[7], lambda p: p[6])),
                  Mistake("the hidden-layer gradients miss the output weight (∂ŷ/∂o11 = w11², ∂ŷ/∂o12 = w21²)",
                          hidden_chains(lambda p: 1.0, lambda p: 1.0))),
    ),
    Exercise(
        "batch_gradient",
        tolerance=MEANS,
        by_hand=True,
        grades=(
            Grade("test_batch_gradient_values",
                  points=[(np.array([[2.0, 1.0]]), np.array([3.0]), WORKED),
                          (np.array([[2.0, 1.0], [2.0, 1.0]]), np.array([3.0, 3.0]), WORKED),
                          (TWO, np.array([1.0, 3.0]), np.zeros(9)),
                          (np.array([[2.0, 1.0], [1.0, -1.0]]), np.array([3.0, 0.0]), np.ones(9)),
                          (THREE, np.array([3.0, 1.0, -2.0]), DISTINCT)]),
            Grade("test_batch_gradient_numeric", count=10, seed=3, expected=Numerical(mean_loss, wrt=2),
                  told="a numerical derivative gives", tolerance=NUDGED, points=training_points(50, 1)),
            Grade("test_batch_gradient_hidden", hidden=True, marks=2, count=10, seed=73,
                  points=training_points(200, 2)),
        ),
        mistakes=(Mistake("the gradient of the first example only, where the mean over all examples belongs",
                          lambda expected, X, y, p: gradient_of(X[:1], y[:1], p)),
                  Mistake("the gradient of the last example only (does a loop overwrite instead of adding up?)",
                          lambda expected, X, y, p: gradient_of(X[-1:], y[-1:], p))),
    ),
    Exercise(
        "training_step",
        tolerance=MEANS,
        grades=(
            Grade("test_training_step_values",
                  points=[(np.array([[2.0, 1.0]]), np.array([3.0]), WORKED, 0.1),
                          (TWO, np.array([1.0, 5.0]), np.zeros(9), 0.1),
                          (THREE, np.array([3.0, 1.0, -2.0]), DISTINCT, 0.05)]),
            Grade("test_training_step_numeric", count=10, seed=4, told="a step against a numerical gradient gives",
                  expected=lambda X, y, p, eta: p - eta * Numerical(mean_loss, wrt=2)(X, y, p), tolerance=STEPPED,
                  points=with_eta(training_points(50, 1))),
            Grade("test_training_step_hidden", hidden=True, marks=2, count=10, seed=74,
                  points=with_eta(training_points(200, 2))),
        ),
        # batch_gradient's mistake seen in the step that uses it (no edit of training_step makes it).
        mistakes=(Mistake(
            "the step is n times too large (batch_gradient adds up the examples where their mean belongs)",
            lambda expected, X, y, p, eta: p - len(X) * (p - expected)),),
    ),
    Exercise(
        "train",
        tolerance=MEANS,
        grades=(
            Grade("test_train_values", points=[(TWO, np.array([1.0, 3.0]), np.zeros(9), 0.1, 2),
                                               (np.array([[2.0, 1.0]]), np.array([3.0]), WORKED, 0.1, 1),
                                               (THREE, np.array([3.0, 1.0, -2.0]), DISTINCT, 0.01, 3)]),
            # A loss that falls at every step drops steps − 1 times: an oracle of its own, not the reference's run.
            # The notebook's start and η; 100 steps (from 404 to 0.3754) rather than its 300, whose last 200 move
            # the loss by less than 1e-3 in all and would triple the cost of naming train's mistakes.
            Grade("test_train_loss_falls", measure=drops_in_loss, told="a loss falling at every step drops",
                  expected=lambda X, y, p, eta, steps: float(steps - 1),
                  points=[(X_SCALED, Y_BMI, np.random.default_rng(1).normal(0, 0.5, 9), 0.02, 100)]),
            Grade("test_train_hidden", hidden=True, marks=2, count=10, seed=75, points=data_params_eta_steps),
        ),
        mistakes=(Mistake("the loss is recorded after each step, where the loss before it belongs",
                          lambda expected, X, y, p, eta, steps: (expected[0], np.array(
                              [*list(expected[1])[1:], mean_loss(X, y, expected[0])]))),
                  Mistake("the steps go uphill (is training_step adding η·gradient?)", uphill_training)),
    ),
    Exercise(
        "sigmoid_backward",
        tolerance=SIGMOID_LINK,
        by_hand=True,
        grades=(
            # h and dh differ, h is never 0.5 but at the first two points, dh is never 1 but at the first: exchanging
            # them, dropping a factor or writing 1 + h for 1 − h changes the answer somewhere; the last is a column.
            Grade("test_sigmoid_backward_values", points=[(0.5, 1.0), (0.5, -4.0), (0.8, 2.0), (0.1, -3.0),
                                                          (np.array([0.2, 0.5, 0.9]), np.array([1.0, -2.0, 3.0]))]),
            Grade("test_sigmoid_backward_numeric", count=10, seed=6, points=sigmoid_point,
                  expected=nudged_sigmoid_link, told="dh times a numerical derivative of σ gives",
                  tolerance=NUDGED_SIGMOID),
            Grade("test_sigmoid_backward_hidden", hidden=True, marks=2, count=20, seed=76, points=sigmoid_columns),
        ),
        mistakes=(Mistake("σ applied to h again: h is already σ(o), so σ′(o) = h(1 − h), not σ(h)(1 − σ(h))",
                          lambda expected, h, dh: dh * sigmoid(h) * (1 - sigmoid(h))),),
    ),
]
