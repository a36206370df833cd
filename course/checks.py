"""Checks: one definition of "is this function right?", used by every exercise.

A `Check` says where to call the learner's function (fixed points, or points drawn from a seeded
random generator), what it must return there (values, or, on the grader's side only, a function
that computes them from a reference solution), the tolerance, and the wrong answers it can name.
Running a check has three steps, kept apart on purpose:

1. `Check.draw()` makes the argument tuples (pure, can run anywhere);
2. `call_all(function, points)` calls the learner's function (the only step that runs their code);
3. `judge(check, points, outcomes, name)` compares and diagnoses.

In a notebook, grade cells call `check(function, grade_id)`: the check's values come from the check
file `nudge release` wrote beside the notebook (`course.checkfile`), and all three steps run in the
learner's kernel. The grader runs step 2 alone in the sandbox and steps 1 and 3 in its own process,
from the exercise's declaration, so hidden expected values never exist where the learner's code runs.

A mistake is named only when one name explains the learner's values at every point checked: a
`Variant` is a wrong answer (a one-edit change of the reference solution, or a misconception the
instructor wrote down) with its outcome at each point, and a name is given only when the variants
that reproduce what the learner returned all carry that same name.
"""

import functools
import inspect
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course import checkfile
from course.derivatives import STENCIL_STEP, numerical_gradient
from course.shortcuts import find_shortcut_in_function, shortcut_message

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError()` with your code."


class JudgeTimeout(BaseException):
    """The grader's timer ran out while a check was being judged: not an outcome of the learner's function.

    A BaseException, so no `except Exception` in SymPy or NumPy swallows it; `call` lets it through too.
    """


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message says where, by how much, and the likely mistake."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the message is the whole story, and the
        # frames inside course/checks.py would only bury it.
        first, *rest = str(self).splitlines() or [""]
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {first}", *rest]


@dataclass(frozen=True)
class Variant:
    """A wrong answer the checks can name: the name in the learner's terms, and its outcome at each point.

    tier 0: a one-edit change of the reference solution; 1: a misconception the instructor wrote down;
    2: a relation to the right value alone (sign, factor 2, transpose), recognisable in any answer.
    A lower tier is asked first; a name is given only when every variant of that tier that reproduces
    the learner's values carries it.
    """

    name: str
    outcomes: tuple
    tier: int = 0
    measured: bool = False  # the outcomes are already what the check's `measure` makes of the variant's results


def each_part(transform: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`transform` applied to a value, or to every part of a tuple such as (dw, db)."""
    def apply(value: Any) -> Any:
        if is_ragged(value):
            return tuple(transform(np.asarray(part, dtype=float)) for part in value)
        return transform(value)  # an array, or a SymPy expression in a symbolic check
    return apply


# Wrong answers recognisable from the right value alone, so naming them gives nothing away.
TRANSPOSE = each_part(np.transpose)  # not for a symbolic answer: an expression has no transpose
GENERIC_MISTAKES = (
    ("the sign is flipped", each_part(lambda part: -part)),
    ("a factor 2 is missing", each_part(lambda part: part / 2)),
    ("there is an extra factor 2", each_part(lambda part: 2 * part)),
    ("the result is transposed (Xᵀ where X belongs, or the reverse)", TRANSPOSE),
)
RESHAPED = "the right numbers in the wrong shape (a column where a flat vector belongs, or the reverse)"


@dataclass(frozen=True)
class Numerical:
    """Expected values from a numerical derivative of `f` with respect to argument `wrt`."""

    f: Callable[..., Any]
    wrt: int = 0
    h: float = STENCIL_STEP

    def __call__(self, *args: Any) -> Any:
        def f_of_one_argument(value: Any) -> Any:
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
              computing the value from the arguments (only ever on the grader's side);
    count, seed: how many points to draw, and from which seed, when `points` is a function;
    variants: the wrong answers to recognise: `Variant`s with an outcome per listed point, or a function
              `variants(points, learner)` returning them (the grader's, which computes them only for a wrong
              answer, told the learner's outcomes so that it can stop a variant at the first that differs);
    told:     how a message introduces the expected value ("the right value is"), or "" for a hidden check,
              whose messages never show it;
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
              even through another function of the learner's, fails the check;
    derivative_of: for a derivative exercise of one input, the function it differentiates (a NumPy function or
              one of course/): `show_check` draws its numerical derivative beside the learner's function;
    call:     a function of course/ the learner's object is called through, `call(obj, *point)`, for an exercise
              whose answer is a class or works on objects: it builds the objects from the point's plain data and
              returns plain numbers (see `through`).
    """

    points: Any
    expected: Any
    count: int = 5
    seed: int = 0
    rtol: float = 1e-6
    atol: float = 1e-9
    variants: Any = ()
    told: str = "the right value is"
    symbolic: bool = False
    stable: bool = False
    measure: Any = None
    by_hand: bool = False
    forbid: tuple = ()
    derivative_of: Any = None
    call: Any = None

    def draw(self, seed: int | None = None) -> list[tuple]:
        """The argument tuples this check calls the function with."""
        if not callable(self.points):
            return [_as_arguments(point) for point in self.points]
        rng = np.random.default_rng(self.seed if seed is None else seed)
        return [_as_arguments(self.points(rng)) for _ in range(self.count)]

    def expected_outcomes(self, points: list[tuple]) -> "list[Outcome]":
        """What a right function returns (or raises) at each point."""
        if callable(self.expected):
            return [call(self.expected, args) for args in points]
        if len(self.expected) != len(points):
            raise ValueError(f"the check lists {len(self.expected)} expected values for {len(points)} points")
        return [Outcome(error=value) if _is_exception_class(value) else Outcome(value=value) for value in self.expected]

    def variants_at(self, points: list[tuple], learner: "list[Outcome] | None" = None) -> list[Variant]:
        """The wrong answers to recognise, with their outcomes at `points` (the grader's may stop running one at
        the first point where it does not do what the `learner` did)."""
        return list(self.variants(points, learner) if callable(self.variants) else self.variants)

    @property
    def shows_expected(self) -> bool:
        return bool(self.told)

    def record(self, function: str) -> dict[str, Any]:
        """This check as plain data for a check file: its points, values and variants, no code."""
        points = self.draw()
        rights = self.expected_outcomes(points)
        return {
            "function": function,
            "points": checkfile.encode(points),
            "expected": [_encoded(right) for right in rights],
            # Measured, as judging compares them: (w, b) rather than 500 steps of a history, say.
            "variants": [recorded for variant in _measured_variants(self, self.variants_at(points))
                         if not _always_right(self, variant, rights)
                         if (recorded := _recorded_variant(variant)) is not None],
            "options": {"rtol": self.rtol, "atol": self.atol, "told": self.told, "symbolic": self.symbolic,
                        "stable": self.stable, "by_hand": self.by_hand, "forbid": list(self.forbid),
                        "measure": checkfile.encode(self.measure) if self.measure is not None else None,
                        "derivative_of": (checkfile.encode(self.derivative_of) if self.derivative_of is not None
                                          else None),
                        # Named only when there is one, so the check files of plain functions stay as they were.
                        **({"call": checkfile.encode(self.call)} if self.call is not None else {})},
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Check":
        """The check a check file's record describes."""
        points = [tuple(point) for point in checkfile.decode(record["points"])]
        expected = [checkfile.decode(value) for value in record["expected"]]
        variants = tuple(Variant(item["name"], tuple(_as_outcome(_decoded(o)) for o in item["outcomes"]),
                                 item["tier"], measured=True) for item in record["variants"])
        options = dict(record["options"])
        options["forbid"] = tuple(options["forbid"])
        for name in ("measure", "derivative_of", "call"):  # functions, named in the file
            options[name] = checkfile.decode(options[name]) if options.get(name) is not None else None
        return cls(points, expected, variants=variants, **options)


def _recorded_variant(variant: Variant) -> dict[str, Any] | None:
    """A variant for a check file, or None if one of its outcomes is no value a file can hold (a complex number)."""
    try:
        return {"name": variant.name, "tier": variant.tier, "outcomes": [_encoded(o) for o in variant.outcomes]}
    except TypeError:
        return None


def _always_right(check: Check, variant: Variant, rights: "list[Outcome]") -> bool:
    """Whether a variant is right at every point (so it names nothing here)."""
    measured = _measured_variants(check, [variant])[0]
    return all(outcome is None or reproduces(check, outcome, right)
               for outcome, right in zip(measured.outcomes, rights, strict=True))


def _measured_variants(check: Check, variants: list[Variant]) -> list[Variant]:
    if check.measure is None:
        return list(variants)
    return [v if v.measured else Variant(v.name, tuple(o if o is None else _measured(check.measure, o)
                                                       for o in v.outcomes), v.tier, measured=True)
            for v in variants]


def _encoded(outcome: "Outcome | None") -> Any:
    """An outcome for a check file: its value, or the class of its exception (a built-in one: the nearest)."""
    if outcome is None:
        return {"unknown": True}
    if outcome.error is None:
        return checkfile.encode(outcome.value)
    builtin = next(kind for kind in outcome.error.__mro__ if kind.__module__ == "builtins")
    return checkfile.encode(builtin)


def _decoded(data: Any) -> Any:
    return data if isinstance(data, dict) and "unknown" in data else checkfile.decode(data)


def _as_outcome(value: Any) -> "Outcome | None":
    if isinstance(value, dict) and "unknown" in value:
        return None
    return Outcome(error=value) if _is_exception_class(value) else Outcome(value=value)


@dataclass(frozen=True)
class Outcome:
    """What one call did: returned `value`, or raised `error` (an exception class) with `message`."""

    value: Any = None
    error: Any = None
    message: str = ""


def call(function: Callable[..., Any], args: tuple, stable: bool = False) -> Outcome:
    """Call `function(*args)` and record what happened instead of letting an exception escape."""
    floating_point: dict[str, Any] = {"over": "raise", "divide": "raise", "invalid": "raise"} if stable else {}
    try:
        with np.errstate(**floating_point):
            return Outcome(value=function(*_copies(args)))
    except JudgeTimeout:
        raise  # the judge's own clock, never the answer's outcome
    except BaseException as error:  # anything, sys.exit() included, becomes part of the verdict
        return Outcome(error=type(error), message=_message_of(error))


def _message_of(error: BaseException) -> str:
    try:
        return str(error)
    except BaseException:  # an exception whose __str__ raises in turn still leaves a verdict
        return "(its message could not be shown)"


def through(call: Callable[..., Any] | None, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` as a check calls it at a point: itself, or `call(function, *point)` when the check has a `call`
    (the learner's class, say, is given objects built from the point's plain data by a function of course/)."""
    return function if call is None else functools.partial(call, function)


def plain_number(value: Any, what: str) -> float:
    """`value` as a float when it is a plain number (an int, a float, a NumPy number), else a TypeError saying what
    `what` is instead. For a `call` reading numbers off the learner's objects: nothing of `value` is called, so a
    number-like object whose __float__ never returns, or an array of a hundred million numbers, is refused at once."""
    if type(value) in (int, float) or (isinstance(value, np.generic) and type(value).__module__ == "numpy"
                                       and value.dtype.kind in "iuf"):
        return float(value)
    raise TypeError(f"{what} is not a number: it is of type {type(value).__name__}")


def point_names(check: "Check", parameters: list[str] | tuple[str, ...]) -> list[str]:
    """The names of a point's arguments, for messages: the function's `parameters`, or with a `call`, its own
    parameters after the object it calls."""
    return list(parameters) if check.call is None else _parameters_of(check.call)[1:]


def call_all(function: Callable[..., Any], points: list[tuple], stable: bool = False) -> list[Outcome]:
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


@dataclass
class CheckResult:
    """The verdict of a check: how many points were right, and what was wrong at the others."""

    name: str
    parameters: list
    total: int
    failures: list = field(default_factory=list)
    shows_expected: bool = True
    mistake: Variant | None = None  # the one wrong answer that explains every point, when there is one

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def message(self) -> str:
        if self.passed:
            return f"✓ {self.name}: right at {_count_points(self.total, 'all ')}."
        first = self.failures[0]
        where = describe_point(self.parameters, first.point)
        lines = [f"✗ {self.name}: wrong at {len(self.failures)} of {_count_points(self.total)}."]
        lines.append(f"At {where}: {first.problem}")
        if self.mistake is not None:
            lines.append(f"This is the known mistake: {self.mistake.name}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.message


def judge(check: Check, points: list[tuple], outcomes: list[Outcome], name: str = "function",
          parameters: list[str] | tuple[str, ...] = (), rights: list[Outcome] | None = None) -> CheckResult:
    """Compare what a function did with what it should do, and name the mistake if one name explains it.

    `rights`: the right outcomes at `points` when already worked out (else the check works them out here).
    """
    if check.measure is not None:
        outcomes = [_measured(check.measure, outcome) for outcome in outcomes]
    rights = check.expected_outcomes(points) if rights is None else rights
    failures = [failure for args, outcome, right in zip(points, outcomes, rights, strict=True)
                if (failure := _compare(check, args, outcome, right)) is not None]
    result = CheckResult(name, list(parameters), len(points), failures, check.shows_expected)
    if failures and not any(failure.problem == NOT_IMPLEMENTED for failure in failures):
        result.mistake = diagnose(check, points, outcomes, rights)
    return result


def diagnose(check: Check, points: list[tuple], outcomes: list[Outcome], rights: list[Outcome]) -> Variant | None:
    """The variant that reproduces the learner's outcome at every point, if exactly one name does.

    Tier by tier (one-edit changes of the reference first, then the instructor's misconceptions, then
    relations to the right value alone): the first tier with any variant that reproduces every outcome
    decides, and it names a mistake only when all those variants share one name. Two different
    mistakes that explain the same values are rivals, and then no name is given at all.
    """
    variants = _measured_variants(check, check.variants_at(points, outcomes))
    variants += [Variant(name, tuple(_transformed(wrong, right) for right in rights), 2)
                 for name, wrong in GENERIC_MISTAKES if not (check.symbolic and wrong is TRANSPOSE)]
    if all(outcome.error is not None for outcome in outcomes):
        return None  # exceptions alone explain nothing: the message says what was raised, and where
    for tier in sorted({variant.tier for variant in variants}):
        found = [variant for variant in variants if variant.tier == tier and all(
            reproduces(check, mine, theirs) for mine, theirs in zip(outcomes, variant.outcomes, strict=True))]
        names = {variant.name for variant in found}
        if len(names) == 1:
            return found[0]
        if names:
            return None
    if all(_same_numbers_reshaped(check, mine, right) for mine, right in zip(outcomes, rights, strict=True)):
        return Variant(RESHAPED, tuple(rights), 2)
    return None


def _transformed(wrong: Callable[[Any], Any], right: Outcome) -> Outcome:
    if right.error is not None:
        return right
    try:
        return Outcome(value=wrong(right.value))
    except Exception:  # a relation that does not apply here (a transpose of a tuple) explains nothing
        return Outcome(error=ArithmeticError)


def reproduces(check: Check, mine: Outcome, theirs: Outcome | None) -> bool:
    """Whether the learner's outcome `mine` is the variant's outcome `theirs` (same value, or same exception).

    `theirs` is None where the variant's outcome is not known (a misconception written as a change of the
    right value, at a point where the right answer is an exception): any outcome is consistent with it there.
    """
    if theirs is None:
        return True
    if mine.error is not None or theirs.error is not None:
        return mine.error is not None and theirs.error is not None and issubclass(mine.error, theirs.error)
    try:
        if check.symbolic:
            returned, problem = plain_expression(mine.value)
            return not problem and equivalent(returned, theirs.value)
        if is_ragged(theirs.value):
            return (type(mine.value) in (tuple, list) and len(mine.value) == len(theirs.value)
                    and all(_same_numbers(check, a, b) for a, b in zip(mine.value, theirs.value, strict=True)))
        return _same_numbers(check, mine.value, theirs.value)
    except Exception:  # values that cannot even be compared are not the same
        return False


def explains(check: Check, mine: Outcome, theirs: Outcome) -> bool:
    """Whether a variant's outcome `theirs`, measured as the check measures, is the learner's (measured) `mine`."""
    return reproduces(check, mine, theirs if check.measure is None else _measured(check.measure, theirs))


def _same_numbers_reshaped(check: Check, mine: Outcome, right: Outcome) -> bool:
    if mine.error is not None or right.error is not None or check.symbolic or is_ragged(right.value):
        return mine.error is None and right.error is None and reproduces(check, mine, right)
    returned, problem = plain_array(mine.value)
    expected = np.asarray(right.value, dtype=float)
    return (not problem and returned.size == expected.size
            and np.allclose(returned.reshape(expected.shape), expected, rtol=check.rtol, atol=check.atol))


def _measured(measure: Callable[[Any], Any], outcome: Outcome) -> Outcome:
    if outcome.error is not None:
        return outcome
    try:
        return Outcome(value=measure(outcome.value))
    except MemoryError:
        raise  # the judge's budget ran out: not the learner's fault, and the grader says so
    except Exception as error:  # a result too malformed to measure is a wrong result
        return Outcome(error=type(error), message=f"your result could not be used: {error}")


def evaluate(check: Check, function: Callable[..., Any], seed: int | None = None) -> CheckResult:
    """Run all three steps of a check in this process."""
    points = check.draw(seed)
    outcomes = call_all(through(check.call, function), points, check.stable)
    return judge(check, points, outcomes, _name_of(function), point_names(check, _parameters_of(function)))


HIDDEN_LATER = "The hidden checks of this exercise run when your work is graded."


def check(function: Callable[..., Any], grade_id: str) -> None:
    """Run the check `grade_id` on `function` and raise `CheckFailed` with an actionable message when it is wrong.

    This is what grade cells call. The check's points, right values and nameable mistakes come from the
    check file beside the notebook (see `course.checkfile`); a hidden check is not there, and says so.
    With `by_hand` or `forbid`, the function's code is read first, so a shortcut is named before any point runs.
    """
    try:
        record = checkfile.find(grade_id)
    except checkfile.CheckFileError as error:
        raise CheckFailed(str(error)) from None
    if record is None:
        print(HIDDEN_LATER)
        return
    spec = Check.from_record(record)
    if _name_of(function) != record["function"]:
        raise CheckFailed(f"{grade_id} checks {record['function']}, but was given {_name_of(function)}: "
                          f"keep the name {record['function']} for your function, as the exercise defines it.")
    if spec.by_hand or spec.forbid:
        shortcut = find_shortcut_in_function(function, spec.by_hand, tuple(spec.forbid))
        if shortcut is not None:
            raise CheckFailed(shortcut_message(_name_of(function), shortcut, spec.by_hand))
    result = evaluate(spec, function)
    if not result.passed:
        picture = ""
        if spec.call is None and drawable_points(spec.draw()):
            picture = ("\nTo see where your function and the right values part, run: from course.checks import "
                       f"show_check; show_check({record['function']}, {grade_id!r})")
        raise CheckFailed(result.message + picture)
    print(result.message)


def drawable_points(points: list[tuple]) -> list[float]:
    """The numbers a check of a function of one input calls it at (arrays aside), in order; [] for any other check."""
    if any(len(args) != 1 for args in points):
        return []
    return sorted(float(args[0]) for args in points if _is_plain_number(args[0]))


def show_check(function: Callable[..., Any], grade_id: str) -> Any:
    """Draw `function` beside the right values of its visible check `grade_id` (and, for a derivative, a numerical
    derivative of what it differentiates), so you see where and how the curves part. Returns the figure.

    Only visible checks of a function of one number can be drawn; a hidden check's values are never shown.
    """
    from course.plots import check_figure

    record = checkfile.find(grade_id)
    if record is None:
        raise CheckFailed(f"{grade_id} is a hidden check: its points and values are never shown, drawn or not.")
    spec = Check.from_record(record)
    points = spec.draw()
    if not drawable_points(points) or spec.symbolic or spec.call is not None:
        raise CheckFailed(f"{grade_id} does not check a function of one number, so it cannot be drawn; its message "
                          "says where your function is wrong.")
    rights = spec.expected_outcomes(points)
    known = [(float(args[0]), float(right.value)) for args, right in zip(points, rights, strict=True)
             if _is_plain_number(args[0]) and right.error is None and _is_plain_number(right.value)]
    return check_figure(function, known, spec.derivative_of, _name_of(function), spec.told)


def gradient_check(gradient: Callable[..., Any], f: Callable[..., Any], points: Any, wrt: int = 0,
                   **options: Any) -> CheckResult:
    """Compare a hand-written gradient with the numerical gradient of `f`; return the verdict.

    `gradient(*args)` must return ∂f/∂(argument `wrt`) at the same arguments, shaped like that argument.
    """
    return evaluate(Check(points, Numerical(f, wrt), **options), gradient)


def describe_point(parameters: list[str], args: tuple) -> str:
    """`a=1, b=2, c=4` when the parameter names are known, else the bare arguments."""
    shown = [_short(value) for value in args]
    if len(args) <= len(parameters):  # parameters left at their defaults are simply not shown
        return ", ".join(f"{name}={value}" for name, value in zip(parameters[: len(args)], shown, strict=True))
    return "arguments (" + ", ".join(shown) + ")"


def _compare(check: Check, args: tuple, outcome: Outcome, right: Outcome) -> Failure | None:
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


def _compare_parts(check: Check, args: tuple, value: Any, expected: Any) -> Failure | None:
    """Compare a tuple such as (w, b) part by part: its parts have different shapes."""
    if type(value) not in (tuple, list) or len(value) != len(expected):
        what = f"a {type(value).__name__}" + (f" of {len(value)} values" if type(value) in (tuple, list) else "")
        return Failure(args, value, expected, f"you returned {what}; the right answer is a tuple of {len(expected)}.")
    for index, (part, right_part) in enumerate(zip(value, expected, strict=True)):
        failure = _compare_numbers(check, args, part, right_part, f"in part {index} of the tuple ")
        if failure is not None:
            return failure
    return None


def is_ragged(value: Any) -> bool:
    """Whether `value` is a tuple or list whose parts have different shapes, such as (w, b, history)."""
    return isinstance(value, (tuple, list)) and len({np.shape(part) for part in value}) > 1


def _compare_numbers(check: Check, args: tuple, value: Any, right_value: Any, part: str = "") -> Failure | None:
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
        told += f"; {check.told} {_short(expected[component])} (relative error {relative:.1e})"
    return Failure(args, returned, expected, told + ".", component if expected.ndim else None, relative)


def _compare_expressions(check: Check, args: tuple, value: Any, expected: Any) -> Failure | None:
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


def plain_expression(value: Any) -> tuple[Any, str]:
    """`value` as a SymPy expression, or a reason it is not one."""
    import sympy  # only symbolic checks pay for importing SymPy

    if isinstance(value, bool) or not isinstance(value, (sympy.Basic, int, float)):
        return None, f"{_what(value)}, not a SymPy expression"
    return sympy.sympify(value), ""


def equivalent(first: Any, second: Any, points: int = 6) -> bool:
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


def _differ(first: Any, second: Any) -> bool:
    """Whether two SymPy numbers differ by more than round-off (a pole or other non-number decides nothing)."""
    try:
        a, b = complex(first.evalf(30)), complex(second.evalf(30))
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return False
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) > 1e-12 * max(1.0, abs(a), abs(b))


def plain_array(value: Any, shape: tuple[int, ...] | None = None) -> tuple[Any, str]:
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


def _what(value: Any) -> str:
    """'a float', or for an answer the grader refused to rebuild, its type and the reason."""
    why = getattr(type(value), "why", None)
    return f"a {type(value).__name__}" + (f" ({why})" if isinstance(why, str) and why else "")


def _is_plain_number(value: Any) -> bool:
    """One real number (not an array, not a bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_plain_numeric(value: Any) -> bool:
    if type(value) in (int, float) or type(value) in (np.ndarray,):
        return type(value) is not np.ndarray or value.dtype.kind in "biuf"
    if isinstance(value, np.generic):
        return value.dtype.kind in "biuf"
    if type(value) in (list, tuple):
        return all(_is_plain_numeric(item) for item in value)
    return False


def _same_numbers(check: Check, first: Any, second: Any) -> bool:
    first, problem = plain_array(first)
    second = np.asarray(second, dtype=float)
    return not problem and first.shape == second.shape and np.allclose(first, second, rtol=check.rtol, atol=check.atol)


def _count_points(total: int, all_: str = "") -> str:
    if total == 1:
        return "the 1 point checked" if all_ else "1 point checked"
    return f"{all_}{total} points checked"


def _as_arguments(point: Any) -> tuple:
    return tuple(point) if isinstance(point, tuple) else (point,)


def _copies(args: tuple) -> tuple:
    """Fresh copies of array arguments, so a function that modifies its input can't spoil the check."""
    return tuple(np.array(a) if isinstance(a, np.ndarray) else a for a in args)


def _is_exception_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseException)


def _name_of(function: object) -> str:
    return getattr(function, "__name__", type(function).__name__)


def _parameters_of(function: Callable[..., Any]) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def _short(value: Any) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    if isinstance(value, np.ndarray):
        return " ".join(np.array2string(value, precision=4, threshold=8, separator=", ").split())
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__  # a function passed as an argument, such as np.square
    return str(value)[:80]
