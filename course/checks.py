"""Checks: one definition of "is this function right?", used by every exercise.

A `Check` says where to call the learner's function (fixed points, or points drawn from a seeded
random generator), what it must return there (a table of values, or a function that computes them:
a numerical derivative, or a reference solution held by the instructor), the tolerance, and the
known mistakes to recognise. Running a check has three steps, kept apart on purpose:

1. `Check.draw()` makes the argument tuples (pure, can run anywhere);
2. `call_all(function, points)` calls the learner's function (the only step that runs their code);
3. `judge(check, points, outcomes, name)` compares and diagnoses.

In a notebook all three run in the learner's kernel (`check`, `gradient_check`). The grader can
run step 2 alone in the kernel and steps 1 and 3 in its own process, so the expected values of
hidden checks never exist where the learner's code runs, without changing any notebook.
"""

import collections
import inspect
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course.derivatives import DEFAULT_STEP, numerical_gradient
from course.shortcuts import find_shortcut_in_function, shortcut_message

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError()` with your code."


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message says where, by how much, and the likely mistake."""

    def _render_traceback_(self):
        # IPython shows these lines instead of a traceback: the message is the whole story, and the
        # frames inside course/checks.py would only bury it.
        first, *rest = str(self).splitlines() or [""]
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {first}", *rest]


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: a name a learner recognises, and the value that mistake returns.

    `wrong(expected, *args)` computes what code with this mistake returns at the point `args`,
    given the right value `expected` there.
    """

    name: str
    wrong: Callable[..., Any]


def each_part(transform):
    """`transform` applied to a value, or to every part of a tuple such as (dw, db)."""
    def apply(value):
        if is_ragged(value):
            return tuple(transform(np.asarray(part, dtype=float)) for part in value)
        return transform(value)  # an array, or a SymPy expression in a symbolic check
    return apply


# Mistakes recognisable from the right value alone, so naming them gives nothing away.
SIGN_FLIPPED = Mistake("the sign is flipped (ŷ − y where y − ŷ belongs, or the reverse)",
                       lambda e, *a: each_part(lambda p: -p)(e))
FACTOR_2_MISSING = Mistake("a factor 2 is missing (from the power rule)", lambda e, *a: each_part(lambda p: p / 2)(e))
EXTRA_FACTOR_2 = Mistake("there is an extra factor 2", lambda e, *a: each_part(lambda p: 2 * p)(e))
TRANSPOSED = Mistake("the result is transposed (Xᵀ where X belongs, or the reverse)",
                     lambda e, *a: each_part(np.transpose)(e))
GENERIC_MISTAKES = (SIGN_FLIPPED, FACTOR_2_MISSING, EXTRA_FACTOR_2, TRANSPOSED)
RESHAPED = Mistake("the right numbers in the wrong shape (a column where a flat vector belongs, or the reverse)",
                   lambda e, *a: e)


def one_over_n_missing(data_argument=0):
    """The mean's 1/n left out: the value is n times too large, n = len(args[data_argument])."""
    return Mistake(
        "the 1/n of the mean is missing (a sum where the mean belongs)",
        lambda e, *args: each_part(lambda part: part * len(args[data_argument]))(e),
    )


class HiddenReference:
    """Expected values from a reference solution: checks never show them in a message."""

    def __init__(self, function):
        self.function = function

    def __call__(self, *args):
        return self.function(*args)


@dataclass(frozen=True)
class Numerical:
    """Expected values from a numerical derivative of `f` with respect to argument `wrt`."""

    f: Callable[..., Any]
    wrt: int = 0
    h: float = DEFAULT_STEP

    def __call__(self, *args):
        args = list(args)

        def f_of_one_argument(value):
            moved = list(args)
            moved[self.wrt] = value if np.ndim(args[self.wrt]) else float(value)
            return self.f(*moved)

        gradient = numerical_gradient(f_of_one_argument, args[self.wrt], self.h)
        return gradient if np.ndim(args[self.wrt]) else float(gradient)


@dataclass(frozen=True)
class Check:
    """Where to call a function and what it must return there.

    points:   a list of argument tuples, or a function `draw(rng)` returning one tuple;
    expected: a list of values (an exception class where the call must raise it), or a function
              computing the value from the arguments (`Numerical`, `HiddenReference`, any callable);
    count, seed: how many points to draw, and from which seed, when `points` is a function;
    symbolic: answers are SymPy expressions, right when they simplify to the expected one, so any
              correct form passes (2*x, x + x, ...);
    stable:   the function must be numerically stable: an overflow, a division by zero or an invalid
              operation (NaN) inside it raises FloatingPointError instead of passing with a warning;
    measure:  a function of the result, compared instead of the result itself, for a property such as
              "how many times the loss fell" (it runs where the check is judged, never in the learner's code);
    by_hand:  the derivative must be worked out by hand: an answer from a numerical derivative (the course's
              helpers, or a difference quotient written out) or from SymPy differentiation fails, whatever
              its numbers, since it skips the rule the exercise teaches (see `course.shortcuts`);
    forbid:   dotted names of helpers that compute exactly what the exercise asks, such as
              ("course.derivatives.central_difference",); a module's name forbids all of it. Calling one,
              even through another function of the learner's, fails the check.
    """

    points: Any
    expected: Any
    count: int = 5
    seed: int = 0
    rtol: float = 1e-6
    atol: float = 1e-9
    mistakes: tuple = ()
    symbolic: bool = False
    stable: bool = False
    measure: Any = None
    by_hand: bool = False
    forbid: tuple = ()

    def draw(self, seed=None):
        """The argument tuples this check calls the function with."""
        if not callable(self.points):
            return [_as_arguments(point) for point in self.points]
        rng = np.random.default_rng(self.seed if seed is None else seed)
        return [_as_arguments(self.points(rng)) for _ in range(self.count)]

    def expected_outcomes(self, points):
        """What a right function returns (or raises) at each point."""
        if callable(self.expected):
            return [call(self.expected, args) for args in points]
        if len(self.expected) != len(points):
            raise ValueError(f"the check lists {len(self.expected)} expected values for {len(points)} points")
        return [Outcome(error=value) if _is_exception_class(value) else Outcome(value=value) for value in self.expected]

    @property
    def shows_expected(self):
        return not isinstance(self.expected, HiddenReference)


@dataclass(frozen=True)
class Outcome:
    """What one call did: returned `value`, or raised `error` (an exception class) with `message`."""

    value: Any = None
    error: Any = None
    message: str = ""


def call(function, args, stable=False):
    """Call `function(*args)` and record what happened instead of letting an exception escape."""
    floating_point = {"over": "raise", "divide": "raise", "invalid": "raise"} if stable else {}
    try:
        with np.errstate(**floating_point):
            return Outcome(value=function(*_copies(args)))
    except BaseException as error:  # anything, sys.exit() included, becomes part of the verdict
        return Outcome(error=type(error), message=_message_of(error))


def _message_of(error):
    try:
        return str(error)
    except BaseException:  # an exception whose __str__ raises in turn still leaves a verdict
        return "(its message could not be shown)"


def call_all(function, points, stable=False):
    """Call the function at every point; this is the only step that runs the learner's code."""
    return [call(function, args, stable) for args in points]


@dataclass
class Failure:
    """One point where the function is wrong, with everything needed to act on it."""

    point: tuple
    returned: Any
    expected: Any
    problem: str
    component: tuple | None = None
    relative_error: float | None = None
    mistake: Mistake | None = None


@dataclass
class CheckResult:
    """The verdict of a check: how many points were right, and what was wrong at the others."""

    name: str
    parameters: list
    total: int
    failures: list = field(default_factory=list)
    shows_expected: bool = True

    @property
    def passed(self):
        return not self.failures

    @property
    def mistake(self):
        """The known mistake that explains most failures (at least half), if there is one.

        Not all: at some points a mistake raises instead of returning (run over rise divides by zero
        when y1 = y2), and there the learner's code fails differently.
        """
        counts = collections.Counter(failure.mistake for failure in self.failures if failure.mistake)
        if not counts:
            return None
        mistake, count = counts.most_common(1)[0]
        return mistake if 2 * count >= len(self.failures) else None

    @property
    def message(self):
        if self.passed:
            return f"✓ {self.name}: right at {_count_points(self.total, 'all ')}."
        first = self.failures[0]
        where = describe_point(self.parameters, first.point)
        lines = [f"✗ {self.name}: wrong at {len(self.failures)} of {_count_points(self.total)}."]
        lines.append(f"At {where}: {first.problem}")
        if self.mistake is not None:
            lines.append(f"This is the known mistake: {self.mistake.name}.")
        return "\n".join(lines)

    def __repr__(self):
        return self.message


def judge(check, points, outcomes, name="function", parameters=()):
    """Compare what a function did with what it should do, and name any known mistake."""
    failures = []
    if check.measure is not None:
        outcomes = [_measured(check.measure, outcome) for outcome in outcomes]
    for args, outcome, right in zip(points, outcomes, check.expected_outcomes(points), strict=True):
        failure = _compare(check, args, outcome, right)
        if failure is not None:
            failure.mistake = _diagnose(check, args, outcome, right)
            failures.append(failure)
    return CheckResult(name, list(parameters), len(points), failures, check.shows_expected)


def _measured(measure, outcome):
    if outcome.error is not None:
        return outcome
    try:
        return Outcome(value=measure(outcome.value))
    except MemoryError:
        raise  # the judge's budget ran out: not the learner's fault, and the grader says so
    except Exception as error:  # a result too malformed to measure is a wrong result
        return Outcome(error=type(error), message=f"your result could not be used: {error}")


def evaluate(check, function, seed=None):
    """Run all three steps of a check in this process."""
    points = check.draw(seed)
    outcomes = call_all(function, points, check.stable)
    return judge(check, points, outcomes, _name_of(function), _parameters_of(function))


def check(function, points, expected, **options):
    """Check `function` and raise `CheckFailed` with an actionable message when it is wrong.

    This is what grade cells call; `options` are the fields of `Check` (count, seed, rtol, ...). With
    `by_hand` or `forbid`, the function's code is read first, so a shortcut is named before any point runs.
    """
    spec = Check(points, expected, **options)
    if spec.by_hand or spec.forbid:
        shortcut = find_shortcut_in_function(function, spec.by_hand, tuple(spec.forbid))
        if shortcut is not None:
            raise CheckFailed(shortcut_message(_name_of(function), shortcut, spec.by_hand))
    result = evaluate(spec, function)
    if not result.passed:
        raise CheckFailed(result.message)
    print(result.message)


def gradient_check(gradient, f, points, wrt=0, **options):
    """Compare a hand-written gradient with the numerical gradient of `f`; return the verdict.

    `gradient(*args)` must return ∂f/∂(argument `wrt`) at the same arguments, shaped like that argument.
    """
    return evaluate(Check(points, Numerical(f, wrt), **options), gradient)


def describe_point(parameters, args):
    """`a=1, b=2, c=4` when the parameter names are known, else the bare arguments."""
    shown = [_short(value) for value in args]
    if len(args) <= len(parameters):  # parameters left at their defaults are simply not shown
        return ", ".join(f"{name}={value}" for name, value in zip(parameters[: len(args)], shown, strict=True))
    return "arguments (" + ", ".join(shown) + ")"


def _compare(check, args, outcome, right):
    """A Failure describing how `outcome` differs from the right one, or None when it is right."""
    if outcome.error is NotImplementedError and right.error is not NotImplementedError:
        return Failure(args, None, right.value, NOT_IMPLEMENTED)
    if right.error is not None:
        if outcome.error is not None and issubclass(outcome.error, right.error):
            return None
        did = f"raised {outcome.error.__name__}" if outcome.error else f"returned {_short(outcome.value)}"
        must = f"this input must raise {right.error.__name__} with a clear message"
        return Failure(args, outcome.value, right, f"you {did}; {must}.")
    if outcome.error is not None:
        return Failure(args, None, right.value, f"your function raised {outcome.error.__name__}: {outcome.message}")
    if check.symbolic:
        return _compare_expressions(check, args, outcome.value, right.value)
    if is_ragged(right.value):
        return _compare_parts(check, args, outcome.value, right.value)
    measured = f"measured by {_name_of(check.measure)}, " if check.measure is not None else ""
    return _compare_numbers(check, args, outcome.value, right.value, measured)


def _compare_parts(check, args, value, expected):
    """Compare a tuple such as (w, b) part by part: its parts have different shapes."""
    if type(value) not in (tuple, list) or len(value) != len(expected):
        what = f"a {type(value).__name__}" + (f" of {len(value)} values" if type(value) in (tuple, list) else "")
        return Failure(args, value, expected, f"you returned {what}; the right answer is a tuple of {len(expected)}.")
    for index, (part, right_part) in enumerate(zip(value, expected, strict=True)):
        failure = _compare_numbers(check, args, part, right_part, f"in part {index} of the tuple ")
        if failure is not None:
            return failure
    return None


def is_ragged(value):
    """Whether `value` is a tuple or list whose parts have different shapes, such as (w, b, history)."""
    return isinstance(value, (tuple, list)) and len({np.shape(part) for part in value}) > 1


def _compare_numbers(check, args, value, right_value, part=""):
    expected = np.asarray(right_value, dtype=float)
    returned, problem = plain_array(value, expected.shape)
    if problem:
        return Failure(args, value, right_value, f"{part}you returned {problem}")
    if np.allclose(returned, expected, rtol=check.rtol, atol=check.atol):
        return None

    error = np.abs(returned - expected)
    component = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
    scale = max(abs(returned[component]), abs(expected[component]), np.finfo(float).tiny)
    relative = float(error[component] / scale)
    at = f" (entry {list(component)})" if expected.ndim else ""
    told = f"{part}you returned {_short(returned[component])}{at}"
    if check.shows_expected:
        source = "a numerical derivative gives" if isinstance(check.expected, Numerical) else "the right value is"
        told += f"; {source} {_short(expected[component])} (relative error {relative:.1e})"
    return Failure(args, returned, expected, told + ".", component if expected.ndim else None, relative)


def _compare_expressions(check, args, value, expected):
    returned, problem = plain_expression(value)
    if problem:
        return Failure(args, value, expected, f"you returned {problem}")
    if equivalent(returned, expected):
        return None
    told = f"you returned {returned}"
    if check.shows_expected:
        told += f", which does not simplify to the right answer {expected}"
    else:
        told += ", which is not equivalent to the right answer"
    return Failure(args, returned, expected, told + ".")


def plain_expression(value):
    """`value` as a SymPy expression, or a reason it is not one."""
    import sympy  # only symbolic checks pay for importing SymPy

    if isinstance(value, bool) or not isinstance(value, (sympy.Basic, int, float)):
        return None, f"{_what(value)}, not a SymPy expression"
    return sympy.sympify(value), ""


def equivalent(first, second, points=6):
    """Whether two SymPy expressions are equal for every value of their symbols.

    Numbers first: at a few random points of both signs, values that differ settle it at once,
    with no `simplify` (which can take any time on a long expression). Only expressions that agree
    everywhere tried are simplified, to prove that they are equal.
    """
    import sympy

    first, second = sympy.sympify(first), sympy.sympify(second)
    symbols = sorted(first.free_symbols | second.free_symbols, key=lambda symbol: symbol.name)
    rng = np.random.default_rng(20261202)
    for _ in range(points):
        values = {symbol: sympy.Float(rng.choice([-1, 1]) * rng.uniform(0.5, 2.0), 30) for symbol in symbols}
        if _differ(first.xreplace(values), second.xreplace(values)):
            return False
    return sympy.simplify(first - second) == 0


def _differ(first, second):
    """Whether two SymPy numbers differ by more than round-off (a pole or other non-number decides nothing)."""
    try:
        a, b = complex(first.evalf(30)), complex(second.evalf(30))
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return False
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) > 1e-12 * max(1.0, abs(a), abs(b))


def plain_array(value, shape=None):
    """`value` as a float array (of `shape`, if given), or a reason it is not an honest numeric answer.

    Only plain numbers, NumPy numbers and arrays, and lists of them are accepted: objects that claim
    to equal everything, float subclasses, NaN and infinities, and wrong shapes are all refused.
    """
    if isinstance(value, bool) or not _is_plain_numeric(value):
        return None, f"{_what(value)}, not a number or an array of numbers"
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        return None, f"a {type(value).__name__} that is not an array of numbers"
    if shape is not None and array.shape != tuple(shape):
        return None, f"a value of shape {array.shape}; the right shape is {tuple(shape)}"
    if not np.all(np.isfinite(array)):
        return None, "a value that is not finite (NaN or infinity)"
    return array, ""


def _what(value):
    """'a float', or for an answer the grader refused to rebuild, its type and the reason."""
    why = getattr(type(value), "why", None)
    return f"a {type(value).__name__}" + (f" ({why})" if isinstance(why, str) and why else "")


def _is_plain_numeric(value):
    if type(value) in (int, float) or type(value) in (np.ndarray,):
        return type(value) is not np.ndarray or value.dtype.kind in "biuf"
    if isinstance(value, np.generic):
        return value.dtype.kind in "biuf"
    if type(value) in (list, tuple):
        return all(_is_plain_numeric(item) for item in value)
    return False


def _diagnose(check, args, outcome, right):
    """The first known mistake whose value matches what the function returned, if any."""
    if outcome.error is not None or right.error is not None:
        return None
    if check.symbolic:
        expected, (returned, problem) = right.value, plain_expression(outcome.value)
        same = equivalent
    elif is_ragged(right.value):
        expected = right.value
        returned, problem = outcome.value, "" if type(outcome.value) in (tuple, list) else "not a tuple"

        def same(first, second):
            return len(first) == len(second) and all(
                _same_numbers(check, a, b) for a, b in zip(first, second, strict=True))
    else:
        expected = np.asarray(right.value, dtype=float)
        returned, problem = plain_array(outcome.value)  # any shape: a wrong shape can be a known mistake

        def same(first, second):
            return _same_numbers(check, first, second)

    if problem:
        return None
    for mistake in (*check.mistakes, *GENERIC_MISTAKES):
        try:
            wrong = mistake.wrong(expected, *args)
            if same(wrong, expected):
                continue  # indistinguishable from the right answer here, so it explains nothing
            if same(returned, wrong):
                return mistake
        except Exception:  # a mistake that does not apply to this point simply does not match
            continue
    if isinstance(returned, np.ndarray) and returned.shape != expected.shape and returned.size == expected.size:
        if np.allclose(returned.reshape(expected.shape), expected, rtol=check.rtol, atol=check.atol):
            return RESHAPED
    return None


def _same_numbers(check, first, second):
    first, problem = plain_array(first)
    second = np.asarray(second, dtype=float)
    return not problem and first.shape == second.shape and np.allclose(first, second, rtol=check.rtol, atol=check.atol)


def _count_points(total, all_=""):
    if total == 1:
        return "the 1 point checked" if all_ else "1 point checked"
    return f"{all_}{total} points checked"


def _as_arguments(point):
    return tuple(point) if isinstance(point, tuple) else (point,)


def _copies(args):
    """Fresh copies of array arguments, so a function that modifies its input can't spoil the check."""
    return tuple(np.array(a) if isinstance(a, np.ndarray) else a for a in args)


def _is_exception_class(value):
    return isinstance(value, type) and issubclass(value, BaseException)


def _name_of(function):
    return getattr(function, "__name__", type(function).__name__)


def _parameters_of(function):
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def _short(value):
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    if isinstance(value, np.ndarray):
        return " ".join(np.array2string(value, precision=4, threshold=8, separator=", ").split())
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__  # a function passed as an argument, such as np.square
    return str(value)[:80]
