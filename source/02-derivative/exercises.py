"""Module 02's exercises: where the difference quotient, the derivatives of x², x³ and ln x, the numerical
derivative and the derivative by its limit are checked, and how closely."""

import numpy as np
import sympy
from numpy.polynomial import Polynomial

from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course.checks import Numerical
from course.examples import cube

QUOTIENT = Tolerance(1e-9, 1e-12, "one difference of two values of f and one division: only round-off differs")
POWER_RULE = Tolerance(1e-9, 1e-12, "a product or a quotient of numbers below 1e3: only round-off differs")
NUMERICAL = Tolerance(1e-8, 1e-8, "the numerical derivative (the toolbox's five-point stencil, h = 1e-4) is off by "
                                  "h⁴/30·|f⁽⁵⁾| plus round-off 1.5·ε·|f|/h: below 3e-10 at these points (x³ near 5)")
CENTRAL = Tolerance(1e-9, 1e-10, "the same central quotient arranged another way differs only by round-off, "
                                 "which the division by 2h magnifies to about 1e-16·|f|/h ≤ 1e-11")
ACCURATE = Tolerance(1e-7, 1e-9, "the central quotient with h = 1e-5 is within h²/6·|f'''| + 1e-16·|f|/h (at most "
                                 "6e-10 here) of the exact derivative, the forward one h/2·|f''| ≈ 1e-6 or more "
                                 "away: 1e-7, the accuracy the exercise states, tells them apart")
SIMPLIFIES = Tolerance(1e-9, 1e-12, "symbolic: an answer is right when it simplifies to the expected expression")

FORBID_NUMERICAL = ("course.derivatives", "course.graphs.nudge_gradients", "course.checks.Numerical",
                    "numpy.gradient")

X, H = sympy.symbols("x h")


def random_secant(rng):
    """sin, exp or a cubic with small integer coefficients; x of either sign; steps of both signs."""
    f = [np.sin, np.exp, Polynomial(rng.integers(-4, 5, 4).tolist())][rng.integers(3)]
    x = float(rng.choice([-1, 1]) * rng.uniform(0.5, 3))
    h = float(rng.choice([0.7, 0.3, 0.1, 0.01, -0.2, -0.05]))
    return f, x, h


def exact_derivative(f, x):
    """The derivative in closed form: cos for sin, exp for exp, p.deriv() for a polynomial p."""
    return np.cos(x) if f is np.sin else np.exp(x) if f is np.exp else f.deriv()(x)


def random_function(rng):
    """sin, exp or a cubic with small integer coefficients, at x from −2 to 2 (the default step)."""
    f = [np.sin, np.exp, Polynomial(rng.integers(-4, 5, 4).tolist())][rng.integers(3)]
    return f, float(rng.uniform(-2, 2))


def random_point(rng):
    """sin, exp, cos or a quartic, at x from −2 to 2; half the time with a step of its own."""
    f = [np.sin, np.exp, np.cos, Polynomial(rng.integers(-5, 6, 5).tolist())][rng.integers(4)]
    x = float(rng.uniform(-2, 2))
    return (f, x) if rng.random() < 0.5 else (f, x, float(rng.choice([0.5, 0.1, 1e-2, 1e-3])))


def random_expression(rng):
    """A quartic with small integer coefficients plus a multiple of ln x, e²ˣ, 1/x or √x: never a polynomial alone,
    so a function that only handles polynomials fails every hidden point.

    No sine or cosine: SymPy's limit of their quotient takes 2–4 times as long (~1 s under the sandbox's helper watch,
    which sees every call SymPy makes), and a correct notebook's four hidden limits were most of what grading a whole
    class cost; these four extras take 0.2–0.8 s each under the watch.
    """
    polynomial = sum(c * X**k for k, c in enumerate(rng.integers(-5, 6, 5).tolist()))
    extra = [sympy.log(X), sympy.exp(2 * X), 1 / X, sympy.sqrt(X)][rng.integers(4)]
    return polynomial + int(rng.integers(1, 4)) * extra, X


def by_the_rules(expression, x):
    """The derivative by SymPy's rules of differentiation: an oracle independent of the limit, and a thousand times
    quicker (a hidden point's limit takes the learner's function up to 0.8 s; every student has four)."""
    return sympy.diff(expression, x)


EXERCISES = [
    Exercise(
        "difference_quotient",
        tolerance=QUOTIENT,
        grades=(
            Grade("test_difference_quotient_values",
                  # x ≠ 0 everywhere, so a division by x stays finite and can be named; x = 1, h = −1 for
                  # both x² and eˣ, so only f tells those two apart.
                  points=[(np.square, 1, 1), (np.square, 1, 0.1), (np.square, 3, 1), (np.square, 1, -1),
                          (np.exp, 1, -1)]),
            Grade("test_difference_quotient_hidden", hidden=True, marks=2, points=random_secant, count=20, seed=12),
        ),
        mistakes=(
            Mistake("divided by 2h: the run from x to x + h is h", lambda e, f, x, h: (f(x + h) - f(x)) / (2 * h)),
            Mistake("the central quotient (f(x + h) − f(x − h)) / 2h where the forward one was asked",
                    lambda e, f, x, h: (f(x + h) - f(x - h)) / (2 * h)),
        ),
    ),
    Exercise(
        "d_square",
        tolerance=POWER_RULE,
        by_hand=True,
        derivative_of=np.square,
        grades=(
            Grade("test_d_square_values", points=[0, 1, 2, 5, -3, np.array([0.5, 4.0])]),
            Grade("test_d_square_numeric", points=lambda rng: float(rng.uniform(-10, 10)), count=10, seed=21,
                  expected=Numerical(np.square), told="a numerical derivative gives", tolerance=NUMERICAL),
            Grade("test_d_square_hidden", hidden=True, points=lambda rng: float(rng.uniform(-20, 20)), count=10,
                  seed=22),
        ),
        mistakes=(
            Mistake("the power is not reduced: 2x² where 2x belongs", lambda e, x: 2 * x**2),
            Mistake("x² is the function itself, not its derivative", lambda e, x: x**2),
        ),
    ),
    Exercise(
        "d_cube",
        tolerance=POWER_RULE,
        by_hand=True,
        derivative_of=cube,
        grades=(
            Grade("test_d_cube_values", points=[0, 1, 2, -1, 0.5, np.array([-2.0, 3.0])]),
            Grade("test_d_cube_numeric", points=lambda rng: float(rng.uniform(-5, 5)), count=10, seed=23,
                  expected=Numerical(cube), told="a numerical derivative gives", tolerance=NUMERICAL),
            Grade("test_d_cube_hidden", hidden=True, points=lambda rng: float(rng.uniform(-6, 6)), count=10, seed=24),
        ),
        mistakes=(Mistake("x³ is the function itself, not its derivative", lambda e, x: x**3),),
    ),
    Exercise(
        "d_log",
        tolerance=POWER_RULE,
        by_hand=True,
        derivative_of=np.log,
        grades=(
            Grade("test_d_log_values", points=[1, 2, 0.5, 4, np.array([0.25, 10.0])]),
            Grade("test_d_log_numeric", points=lambda rng: float(rng.uniform(0.1, 10)), count=10, seed=25,
                  expected=Numerical(np.log), told="a numerical derivative gives", tolerance=NUMERICAL),
            Grade("test_d_log_hidden", hidden=True, points=lambda rng: float(rng.uniform(0.05, 20)), count=10,
                  seed=26),
        ),
        mistakes=(
            Mistake("ln x is the function itself, not its derivative 1/x", lambda e, x: np.log(x)),
            Mistake("−1/x² is the derivative of 1/x, not of ln x", lambda e, x: -1 / x**2),
            Mistake("1/(x ln 10) is the derivative of log₁₀ x; ln is the natural logarithm",
                    lambda e, x: 1 / (x * np.log(10))),
        ),
    ),
    Exercise(
        "numerical_derivative",
        tolerance=CENTRAL,
        forbid=FORBID_NUMERICAL,
        grades=(
            Grade("test_numerical_derivative_values",
                  # (eˣ, 0.5, 0.5) gives e − 1 by hand; x ≠ 0 keeps every variant finite, so each can be named.
                  points=[(np.square, 1, 0.5), (np.square, 3, 1), (np.exp, 0.5, 0.5), (np.square, 3)]),
            Grade("test_numerical_derivative_accuracy", points=random_function, count=12, seed=31,
                  expected=exact_derivative, told="the exact derivative is", tolerance=ACCURATE),
            Grade("test_numerical_derivative_hidden", hidden=True, marks=2, points=random_point, count=20, seed=32),
        ),
        mistakes=(
            Mistake("a forward quotient (f(x + h) − f(x)) / h where the central one was asked",
                    lambda e, f, x, h=1e-5: (f(x + h) - f(x)) / h),
            Mistake("the step h is ignored: the quotient always uses 1e-5",
                    lambda e, f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5),
        ),
    ),
    Exercise(
        "derivative_by_limit",
        tolerance=SIMPLIFIES,
        symbolic=True,
        # Not derived: its one-edit variants call sympy.limit on broken quotients, which takes up to minutes.
        derive=False,
        forbid=("sympy.diff", "sympy.Derivative", "sympy.series"),
        grades=(
            Grade("test_derivative_by_limit_values", points=[(X**2, X), (X**3 + 2 * X, X), (X**2 + X, X)]),
            # Four: SymPy takes up to 0.8 s for one such limit under the watch (e²ˣ), and the learner's call must
            # end within the time limit of a cell even on a busy machine.
            Grade("test_derivative_by_limit_hidden", hidden=True, marks=2, points=random_expression, count=4,
                  seed=41, expected=by_the_rules),
        ),
        mistakes=(Mistake("the limit h → 0 is not taken (the difference quotient itself was returned)",
                          lambda _, expression, x: (expression.subs(x, x + H) - expression) / H, uses_right=False),),
    ),
]
