"""The self-check at the end of each module: three to five questions on its learning goals.

A notebook's last section shows them with `self_check("05-linear-regression")`; the answers are
checked at once (`course.quiz`) and kept nowhere but in the notebook.
"""

import ipywidgets as widgets

from course.quiz import Question, quiz

SELF_CHECKS: dict[str, tuple[Question, ...]] = {
    "00-start-here": (
        Question("A check says ✗ <i>wrong at 3 of 4 points</i>. What do you do first?",
                 answer="read its message: where, and by how much",
                 choices=("read its message: where, and by how much", "restart the kernel", "run the hidden checks"),
                 why="The message names the point, what you returned and, often, the mistake."),
        Question("You nudge $a$ from 2 to 2.001 and $f(a) = 3a$ goes from 6 to 6.003. How much does $f$ change per "
                 "unit of change in $a$?", answer=3.0, why="0.003 / 0.001 = 3: the slope of $3a$.",
                 hint="Divide the change in $f$ by the nudge."),
        Question("Where do hidden checks call your function?", answer="at points you never see",
                 choices=("at points you never see", "at the points of the visible checks",
                          "nowhere: they read the code"),
                 why="So the general rule passes them, and a table of the visible examples does not."),
        Question("In every notebook, what does $n$ count?", answer="the training examples",
                 choices=("the training examples", "the features", "the steps of gradient descent"),
                 why="$n$ examples, indexed by $i$; $d$ features, indexed by $j$ (the notation table)."),
    ),
    "01-slope": (
        Question("The slope of the line through $(1, 2)$ and $(3, 8)$?", answer=3.0, why="Rise 6 over run 2.",
                 hint="Rise over run: $(y_2 - y_1) / (x_2 - x_1)$."),
        Question("The average rate of change of $f(x) = x^2$ from $x = 1$ to $x = 3$?", answer=4.0,
                 why="$(9 - 1) / (3 - 1) = 4$.", hint="The slope of the secant: $(f(3) - f(1)) / (3 - 1)$."),
        Question("A line has one slope everywhere. A curve such as $y = x^2$ …",
                 answer="has a different slope at different places",
                 choices=("has a different slope at different places", "has no slope", "has slope 2 everywhere"),
                 why="Its secants steepen as $x$ grows: 1 to 2 gives 3, 2 to 3 gives 5."),
        Question("Why must `slope` refuse $x_1 = x_2$?", answer="the run is 0: a vertical pair has no slope",
                 choices=("the run is 0: a vertical pair has no slope", "the rise is 0", "x₁ must be below x₂"),
                 why="Dividing by a run of 0 is undefined; a clear error says so."),
    ),
    "02-derivative": (
        Question("Nudging $f(a) = a^2$ at $a = 5$ by 0.001 gives a slope of about?", answer=10.0,
                 why="$(25.010001 - 25) / 0.001 = 10.001$, close to $2a = 10$."),
        Question("$\\frac{d}{dx} x^3$ at $x = 2$?", answer=12.0, why="$3x^2 = 12$.",
                 hint="The power rule: bring the 3 down and lower the power by one."),
        Question("$\\frac{d}{dx} \\ln x$ at $x = 4$?", answer=0.25, why="$1/x = 1/4$."),
        Question("For the same small step $h$, which quotient is usually closer to the derivative?",
                 answer="the central one, (f(x+h) − f(x−h)) / 2h",
                 choices=("the central one, (f(x+h) − f(x−h)) / 2h", "the forward one, (f(x+h) − f(x)) / h",
                          "they are always equal"),
                 why="Its errors on the two sides cancel: off by about $h^2$ instead of $h$."),
    ),
    "03-partial-derivatives": (
        Question("$z = x^2 + y^2$: $\\partial z / \\partial y$ at $(1, 2)$?", answer=4.0, why="$2y = 4$.",
                 hint="Hold $x$ still and differentiate in $y$."),
        Question("$\\hat y = m x + b$: $\\partial \\hat y / \\partial m$ at $x = 3$?", answer=3.0,
                 why="$m$ is multiplied by $x$, so a nudge in $m$ moves $\\hat y$ by $x$ times as much."),
        Question("Taking $\\partial z / \\partial x$, what do you do with $y$?", answer="hold it constant",
                 choices=("hold it constant", "set it to 0", "differentiate it too"),
                 why="A partial derivative moves one input and keeps every other where it is."),
        Question("The gradient points …", answer="uphill, where the function grows fastest",
                 choices=("uphill, where the function grows fastest", "downhill", "along a contour line"),
                 why="So gradient descent steps against it."),
    ),
    "04-chain-rule": (
        Question("$J = 3(a + b c)$ with $a = 5$, $b = 3$, $c = 2$: $J$?", answer=33.0, why="$3 \\cdot 11 = 33$."),
        Question("There, $\\partial J / \\partial b$?", answer=6.0,
                 why="$\\partial J/\\partial u \\cdot c = 3 \\cdot 2$.",
                 hint="Go backwards: $\\partial J / \\partial u = 3$, then multiply by $\\partial u / \\partial b$."),
        Question("And $\\partial J / \\partial c$?", answer=9.0, why="$3 \\cdot b = 9$."),
        Question("When one value feeds two others, its gradient is …",
                 answer="the sum of what comes back along each path",
                 choices=("the sum of what comes back along each path", "the larger of the two",
                          "the product of the two"),
                 why="A nudge moves both paths at once, and their effects add up."),
        Question("$y = x^2$ and $x = z^2$: $dy/dz$ at $z = 1$?", answer=4.0, why="$2x \\cdot 2z = 2 \\cdot 2 = 4$."),
    ),
    "05-linear-regression": (
        Question("One step of gradient descent changes $w$ by …", answer="−η · ∂J/∂w",
                 choices=("−η · ∂J/∂w", "+η · ∂J/∂w", "−∂J/∂w / η"),
                 why="A small step against the slope: downhill."),
        Question("$J = \\frac{1}{n}\\sum (\\hat y_i - y_i)^2$. If every prediction is 1 too high, what is "
                 "$\\partial J / \\partial b$?", answer=2.0,
                 why="$\\frac{2}{n}\\sum (\\hat y_i - y_i) = \\frac{2}{n} \\cdot n = 2$."),
        Question("With too large a learning rate, the cost …", answer="grows from step to step",
                 choices=("grows from step to step", "falls faster and faster", "stays where it is"),
                 why="Each step overshoots the bottom of the valley by more than it started from."),
        Question("Why scale the features before training?", answer="so that one learning rate suits every weight",
                 choices=("so that one learning rate suits every weight", "so that the predictions become exact",
                          "so that the cost reaches 0"),
                 why="On unscaled features the valley is narrow in one direction and flat in another."),
    ),
    "06-logistic-regression": (
        Question("$\\sigma(0)$?", answer=0.5, why="$1 / (1 + e^0) = 1/2$."),
        Question("$\\sigma'(0)$?", answer=0.25, why="$\\sigma(0)(1 - \\sigma(0)) = 0.5 \\cdot 0.5$."),
        Question("The cross-entropy loss of a confident wrong answer ($\\hat y$ near 0 when $y = 1$) …",
                 answer="grows without bound", choices=("grows without bound", "is at most 1", "is 0"),
                 why="$-\\ln \\hat y$ goes to infinity as $\\hat y$ goes to 0."),
        Question("For one example, $\\partial L / \\partial z$ is …", answer="ŷ − y",
                 choices=("ŷ − y", "(ŷ − y) · σ′(z)", "y − ŷ"),
                 why="The $\\sigma'$ of the chain cancels against the loss's $1/\\hat y$ and $1/(1 - \\hat y)$."),
    ),
    "07-backprop": (
        Question("How many parameters does the 2-2-1 network have?", answer=9.0,
                 why="Two hidden neurons with two weights and a bias each, and the output's two weights and bias."),
        Question("Along how many paths does $x_1$ reach the loss?", answer=2.0,
                 why="Through each hidden neuron; their contributions add up (module 4)."),
        Question("A gradient check compares your backward pass with …",
                 answer="a numerical derivative of the loss",
                 choices=("a numerical derivative of the loss", "the loss itself", "the forward pass"),
                 why="Nudging each parameter measures what the chain rule should give."),
        Question("Two linear layers with nothing between them are, together, …",
                 answer="one linear model, no more expressive",
                 choices=("one linear model, no more expressive", "a more powerful model", "impossible to train"),
                 why="Substituting the hidden outputs leaves $\\hat y$ linear in $x$: a nonlinearity such as "
                     "$\\sigma$ is what adds power."),
    ),
    "08-autograd": (
        Question("A Value $p = a \\cdot b$ keeps a local derivative for its parent $a$. Which?", answer="b",
                 choices=("b", "a", "1"),
                 why="$\\partial(ab) / \\partial a = b$: nudge $a$ and the product moves $b$ times as much."),
        Question("$f = a \\cdot a$ at $a = 3$: $\\partial f / \\partial a$?", answer=6.0,
                 why="Each of the two uses of $a$ passes back the other input, 3; the shares add: $3 + 3 = 2a$.",
                 hint="The product's local derivative for each input is the other input; then add the paths."),
        Question("Why does backward() walk the nodes in reverse topological order?",
                 answer="so each node passes on its gradient only once every share of it has arrived",
                 choices=("so each node passes on its gradient only once every share of it has arrived",
                          "because the leaves must be visited first", "it is only faster; any order gives the same"),
                 why="A node made into two others must hear from both before it passes its gradient on."),
        Question("A backward() that overwrites (=) instead of adding (+=) gives wrong gradients …",
                 answer="only where a value is used more than once",
                 choices=("only where a value is used more than once", "everywhere", "never"),
                 why="With one use per value each gradient receives one share, and = and += agree; where paths meet, "
                     "only the last share would be kept."),
    ),
}


def self_check(module: str) -> widgets.VBox:
    """The self-check of `module`, as a widget."""
    if module not in SELF_CHECKS:
        raise KeyError(f"no self-check for {module!r}; there are: {', '.join(SELF_CHECKS)}")
    return quiz(SELF_CHECKS[module], title=f"Check yourself: {module}")
