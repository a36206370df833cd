"""Exercise declarations: the one place where each exercise's checks are written down.

Every module has `source/<module>/exercises.py`, a list `EXERCISES` of `Exercise`s. An exercise names
its function (the reference solution is the source notebook's solution cell of that name), the grade
cells that check it (`Grade`: where, how many points, visible or hidden), how closely (`Tolerance`,
with the reason), its options (by hand, forbidden helpers, symbolic, stable), and any misconceptions
no single edit of the reference expresses (`Mistake`). Everything else is derived:

- expected values, from the reference (or from the grade's own `expected`, such as a numerical derivative);
- the mistakes the grader names, from the one-edit variants of the reference (`autograder.mutants`),
  grouped so that variants making the same function share the most recognisable name;
- the grade cells' points in the notebooks, and the check files of the release (values only).
"""

import ast
import contextlib
import dataclasses
import functools
import runpy
import signal
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from autograder import cache
from autograder import mutants as one_edit
from autograder.course_dir import CourseError, notebook_path
from autograder.reference import reference_namespace, solution_source
from course import checkfile, checks

SPEC_FILE = "exercises.py"
FINGERPRINT_DRAWS = 3  # extra draws of each random grade, beyond its own points, to tell variants apart
SLOWEST_VARIANT_CALL = 2.0  # seconds: a variant slower than this at one point is left out, not waited for


@dataclass(frozen=True)
class Tolerance:
    """How far an answer may be from the expected value and still be right, and why that far."""

    rtol: float
    atol: float
    why: str


EXACT = Tolerance(1e-9, 1e-12, "a few arithmetic operations on numbers of moderate size: only round-off differs")


@dataclass(frozen=True)
class Mistake:
    """A misconception no single edit of the reference expresses: its name, and `wrong(expected, *args)`,
    what code with this misconception returns at the point `args` given the right value there."""

    name: str
    wrong: Callable
    # False when `wrong` ignores the right value: it is then given None, and the reference is not run for it
    # (module 02's reference takes a symbolic limit, up to a second a point).
    uses_right: bool = True


@dataclass(frozen=True)
class Grade:
    """One grade cell of an exercise.

    points:   the argument tuples, or `draw(rng)` making one (count of them, from `seed`); a visible grade's
              drawn points are fixed in the release, a hidden grade draws its own for every student;
    marks:    the points the cell is worth;
    expected: where the expected values come from when not from the reference: a numerical derivative
              (`course.checks.Numerical`) or another independent oracle; `told` is how messages call it;
    tolerance: the grade's own, when it differs from the exercise's (for an approximate oracle);
    measure:  a function of `course/` applied to the result before it is compared.
    """

    grade_id: str
    points: Any
    marks: float = 1
    hidden: bool = False
    count: int = 5
    seed: int = 0
    expected: Callable | None = None
    told: str = "the right value is"
    tolerance: Tolerance | None = None
    measure: Callable | None = None


@dataclass(frozen=True)
class Exercise:
    """An exercise function and everything about checking it."""

    function: str
    grades: tuple[Grade, ...]
    tolerance: Tolerance = EXACT
    mistakes: tuple[Mistake, ...] = ()
    symbolic: bool = False
    stable: bool = False
    by_hand: bool = False
    forbid: tuple[str, ...] = ()
    derive: bool = True  # derive mistakes from one-edit variants (off where they cannot be evaluated quickly)
    derivative_of: Callable | None = None  # a derivative of one input: what it differentiates, for show_check
    # A function of course/ that every grade calls the learner's object through, call(obj, *point): it builds the
    # objects a class or an object-taking function works on from the point's plain data, and returns plain numbers.
    call: Callable | None = None


MUTATION_ONLY = ("all", "equivalent", "unnamed", "classes", "fates")  # Derived's fields grading never uses


@dataclass
class Derived:
    """An exercise with its reference and the one-edit variants of it, grouped by the function they make.

    The reference and the variants are functions of a grade's points: called through the exercise's `call`, if any.
    """

    exercise: Exercise
    reference: Callable
    named: list = field(default_factory=list)  # [Mutant]: one per distinct wrong function, best name first
    equivalent: list = field(default_factory=list)  # [Mutant]: edits that change nothing checked
    all: list = field(default_factory=list)  # [Mutant]: every edit, for the mutation test
    classes: list = field(default_factory=list)  # [[Mutant]]: the edits behind each of `named`, same order
    unnamed: list = field(default_factory=list)  # [Mutant]: degenerate edits, judged but never named
    fates: list = field(default_factory=list)  # what became of each of `all` when sorted (see sort_variants)
    _visible: dict = field(default_factory=dict, repr=False)  # {grade id: variants} of the visible grades

    def __getstate__(self) -> dict[str, Any]:
        """What a copy of a plan sent to a cluster's workers keeps: what grading uses. Every edit, the equivalent
        and unnamed ones and how they were sorted are the mutation test's and the cache's, and were half the bytes."""
        return {name: value for name, value in self.__dict__.items() if name not in MUTATION_ONLY}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({name: [] for name in MUTATION_ONLY}, **state)

    def check(self, grade: Grade) -> checks.Check:
        """The `course.checks.Check` of one grade cell: points, expected values, tolerance and variants."""
        exercise = self.exercise
        tolerance = grade.tolerance or exercise.tolerance
        points = grade.points
        if not grade.hidden and callable(points):  # a visible grade's points are the release's
            points = checks.Check(points, None, count=grade.count, seed=grade.seed).draw()
        expected = grade.expected or self.reference
        if grade.measure is not None and grade.expected is None:  # the learner's result is measured: the right one too
            expected = functools.partial(_measured_call, grade.measure, self.reference)
        return checks.Check(
            points, expected, count=grade.count, seed=grade.seed,
            rtol=tolerance.rtol, atol=tolerance.atol, variants=functools.partial(self.variants, grade),
            told="" if grade.hidden else grade.told, symbolic=exercise.symbolic, stable=exercise.stable,
            measure=grade.measure, by_hand=exercise.by_hand, forbid=tuple(exercise.forbid),
            derivative_of=exercise.derivative_of, call=exercise.call)

    def variants(self, grade: Grade, points: list, learner: list | None = None) -> list[checks.Variant]:
        """The nameable wrong answers with their outcomes at `points`: computed only when an answer is wrong,
        and once per process for a visible grade, whose points are always the same. For a hidden grade, whose
        points are the student's own, `learner` (their outcomes, measured) stops running a variant at the first
        point where it does not do what they did: it can no longer explain their answer."""
        if grade.hidden:
            return self._variants(grade, points, learner)
        if grade.grade_id not in self._visible:
            self._visible[grade.grade_id] = self._variants(grade, points)
        return self._visible[grade.grade_id]

    def _variants(self, grade: Grade, points: list, learner: list | None = None) -> list[checks.Variant]:
        # Under the errstate the learner's code runs in: a variant that overflows where the check is stable
        # raises FloatingPointError, as the learner's code with that mistake does.
        stable = self.exercise.stable
        tolerance = grade.tolerance or self.exercise.tolerance
        judge = checks.Check(points, None, rtol=tolerance.rtol, atol=tolerance.atol, symbolic=self.exercise.symbolic,
                             measure=grade.measure)

        def outcomes(run: Callable[[int], checks.Outcome | None]) -> tuple[checks.Outcome | None, ...]:
            found = []
            for index in range(len(points)):
                found.append(outcome := run(index))
                if learner is not None and outcome is not None and not checks.explains(judge, learner[index], outcome):
                    break  # the rest stay unknown: one point that differs already rules this variant out
            return (*found, *[None] * (len(points) - len(found)))

        found = [checks.Variant(mutant.name, outcomes(functools.partial(_call_at, mutant.function, points, stable)), 0)
                 for mutant in self.named]

        right = functools.cache(functools.partial(_call_at, self.reference, points, stable))

        for mistake in self.exercise.mistakes:
            def wrong(index: int, mistake: Mistake = mistake) -> checks.Outcome | None:
                expected = right(index) if mistake.uses_right else checks.Outcome(value=None)
                return (bounded_call(mistake.wrong, (expected.value, *points[index]), stable)
                        if expected.error is None else None)
            found.append(checks.Variant(mistake.name, outcomes(wrong), 1))
        return found


def _call_at(function: Callable, points: list, stable: bool, index: int) -> checks.Outcome:
    return bounded_call(function, points[index], stable)


def _measured_call(measure: Callable, function: Callable, *args: Any) -> Any:
    return measure(function(*args))


def load(root: Path, assignment: str) -> list[Exercise]:
    """The exercises declared in source/<assignment>/exercises.py."""
    path = Path(root) / "source" / assignment / SPEC_FILE
    if not path.is_file():
        raise CourseError(f"{assignment} has no {SPEC_FILE} beside its source notebook: every module declares its "
                          f"exercises there (see README, 'Writing an exercise')")
    declared = runpy.run_path(str(path), run_name=f"exercises_{assignment.replace('-', '_')}").get("EXERCISES")
    if not isinstance(declared, (list, tuple)) or not all(isinstance(item, Exercise) for item in declared):
        raise CourseError(f"{path} must define EXERCISES, a list of autograder.spec.Exercise")
    return list(declared)


@functools.cache
def derived(root: Path, assignment: str, every_edit: bool = False) -> dict[str, Derived]:
    """{function name: Derived} for every exercise of `assignment`, worked out once per process.

    How its variants group is kept in `autograder.cache` for the next process, with which edit each variant is:
    from there only the named variants are made again, which is all grading uses. `every_edit` (the mutation
    test's) makes every variant, and fills in the fields MUTATION_ONLY names."""
    exercises = load(root, assignment)
    namespace = reference_namespace(str(root), assignment)
    entry = _cache_entry(root, assignment)
    kept = cache.read(entry)
    kept = kept if isinstance(kept, dict) else {}
    found: dict[str, Derived] = {}
    groupings: dict[str, dict[str, list]] = {}
    for exercise in exercises:
        if exercise.function not in namespace:
            raise CourseError(f"{assignment}/{SPEC_FILE} declares {exercise.function}, which no solution cell defines")
        _check_declaration(assignment, exercise, namespace[exercise.function])
        reference = checks.through(exercise.call, namespace[exercise.function])
        if not exercise.derive:  # no variants to make, group or keep
            found[exercise.function] = Derived(exercise, reference)
            groupings[exercise.function] = {"fates": [], "positions": []}
            continue
        source = solution_source(str(root), assignment, exercise.function)
        listed = one_edit.edits(source, exercise.function)
        grouping = kept.get(exercise.function)
        if not every_edit and _fits(grouping, len(listed)):
            named = _named_again(exercise, reference, listed, grouping, namespace)
            if named is not None:
                found[exercise.function], groupings[exercise.function] = named, grouping
                continue
        variants = one_edit.mutants(source, exercise.function, namespace, exercise.call)
        positions = [variant.position for variant in variants]
        fates = (grouping["fates"] if _fits(grouping, len(listed)) and grouping["positions"] == positions
                 else sort_variants(exercise, reference, variants))
        found[exercise.function] = assemble(exercise, reference, variants, list(fates))
        groupings[exercise.function] = {"fates": list(fates), "positions": positions}
    if groupings != kept:
        cache.write(entry, groupings)
    return found


def _named_again(exercise: Exercise, reference: Callable, listed: list, grouping: dict,
                 namespace: dict) -> Derived | None:
    """The Derived exercise a kept grouping makes, with its named variants only (the first edit of each class,
    made again by itself); None if one no longer compiles."""
    standing_in = [one_edit.Mutant(listed[p].kind, listed[p].label, _never_called, position=p)
                   for p in grouping["positions"]]
    named = []
    for stand_in in assemble(exercise, reference, standing_in, list(grouping["fates"])).named:
        mutant = one_edit.made(listed, stand_in.position, exercise.function, namespace, exercise.call)
        if mutant is None:
            return None
        named.append(dataclasses.replace(mutant, name=stand_in.name))
    return Derived(exercise, reference, named=named)


def _never_called(*args: Any) -> Any:
    raise AssertionError("a stand-in for a variant not made")


def _cache_entry(root: Path, assignment: str) -> str:
    return cache.key(Path(root) / "source" / assignment / SPEC_FILE, notebook_path(root, "source", assignment))


def work_out_visible(root: Path, assignment: str) -> None:
    """What every variant returns at the points of each visible grade of `assignment`, worked out once a process
    into its Derived exercise (`Derived.variants`), or read from `autograder.cache` where it was kept exactly."""
    entry = f"{_cache_entry(root, assignment)}-visible"
    kept = cache.read(entry)
    kept = kept if isinstance(kept, dict) else {}
    found = {}
    for exercise in derived(Path(root), assignment).values():  # as planned_parts asks: the same Derived exercises
        for grade in exercise.exercise.grades:
            if grade.hidden:
                continue
            points = exercise.check(grade).draw()
            restored = _kept_variants(kept.get(grade.grade_id), exercise, len(points))
            if restored is not None:
                exercise._visible[grade.grade_id] = restored
                found[grade.grade_id] = kept[grade.grade_id]
                continue
            with quietly():  # the variants' own warnings are nobody's concern here
                found[grade.grade_id] = _keepable(exercise.variants(grade, points))
    if found != kept:
        cache.write(entry, found)


def _keepable(variants: list[checks.Variant]) -> list | None:
    """Variants as JSON data that reads back exactly (see `cache.exact`), or None if one of their outcomes cannot
    be kept so, or ran out of time or memory (which a busy machine makes, not the variant)."""
    kept = []
    for variant in variants:
        if any(outcome is not None and outcome.error in (TimeoutError, MemoryError) for outcome in variant.outcomes):
            return None
        try:
            kept.append([variant.name, variant.tier, variant.measured, [cache.exact(o) for o in variant.outcomes]])
        except TypeError:
            return None
    return kept


def _kept_variants(data: Any, exercise: Derived, count: int) -> list[checks.Variant] | None:
    """The variants kept as `data` for a visible grade, if they are those of `exercise` at its `count` points."""
    names = [mutant.name for mutant in exercise.named] + [mistake.name for mistake in exercise.exercise.mistakes]
    try:
        variants = [checks.Variant(name, tuple(cache.outcome_of(outcome) for outcome in outcomes), tier, measured)
                    for name, tier, measured, outcomes in data]
    except Exception:  # noqa: BLE001 - anything unreadable is worked out again
        return None
    if ([variant.name for variant in variants] != names or any(len(v.outcomes) != count for v in variants)
            or not all(type(v.tier) is int and type(v.measured) is bool for v in variants)):
        return None
    return variants


def _check_declaration(assignment: str, exercise: Exercise, solution: object) -> None:
    """Refuse what cannot be checked as declared: a `call` the learner's copy of course/ cannot name, and a class
    without one. (A class may be by_hand or forbid helpers: its methods are read, and watched in the sandbox.)"""
    where = f"{assignment}/{SPEC_FILE}, {exercise.function}"
    if exercise.call is not None and not _nameable(exercise.call):
        raise CourseError(f"{where}: call= must be a function defined at the top of a module of course/, its name "
                          f"not starting with _, so that a check file and the sandbox can name it; "
                          f"{exercise.call!r:.60} is not")
    if isinstance(solution, type) and exercise.call is None:
        raise CourseError(f"{where} is a class: declare call=, a function of course/ that builds objects of it from "
                          "a point's plain data and returns plain numbers")


def _nameable(function: Callable) -> bool:
    """Whether a check file names `function`, and the sandbox's runner takes it (see `runner.find_probe`)."""
    try:
        named = checkfile.encode(function)
    except TypeError:
        return False
    return isinstance(function, types.FunctionType) and "function" in named and not function.__name__.startswith("_")


def fingerprint_points(exercise: Exercise) -> list:
    """Points to tell functions apart: every grade's own, and more draws of each random grade."""
    points = []
    for grade in exercise.grades:
        points += checks.Check(grade.points, None, count=grade.count, seed=grade.seed).draw()
        if callable(grade.points):
            points += checks.Check(grade.points, None, count=grade.count * FINGERPRINT_DRAWS,
                                   seed=grade.seed + 7919).draw()
    return points


# What became of each variant when sorted: the same as the reference, degenerate (never named), too slow to
# evaluate, or the index of the distinct wrong function it makes (its class).
EQUIVALENT, UNNAMED, SLOW = "equivalent", "unnamed", "slow"


def group(exercise: Exercise, reference: Callable, variants: list) -> Derived:
    """Sort the variants: equivalent to the reference, or one per distinct function with its best name."""
    return assemble(exercise, reference, variants, sort_variants(exercise, reference, variants))


def sort_variants(exercise: Exercise, reference: Callable, variants: list) -> list[str | int]:
    """Each variant's fate (EQUIVALENT, UNNAMED, SLOW or its class), in the order of `variants`, found by running
    them all at the exercise's fingerprint points."""
    points = fingerprint_points(exercise)
    judge = checks.Check(points, None, rtol=exercise.tolerance.rtol, atol=exercise.tolerance.atol,
                         symbolic=exercise.symbolic)
    right = [bounded_call(reference, args, exercise.stable) for args in points]
    fates: list[str | int] = [SLOW] * len(variants)
    classes: list[list[checks.Outcome]] = []  # the outcomes of each class's first member
    for index in sorted(range(len(variants)), key=lambda i: variants[i].rank):
        mutant = variants[index]
        outcomes = [bounded_call(mutant.function, args, exercise.stable) for args in points]
        if any(outcome.error is TimeoutError for outcome in outcomes):
            continue  # too slow to evaluate for a diagnosis (a wrong answer this slow fails on time anyway)
        if same_outcomes(judge, outcomes, right) and (mutant.kind != "boundary"
                                                      or on_boundary(mutant, points, exercise.stable)):
            # A boundary edit agrees with the reference wherever no point sits on its boundary: it is equivalent
            # only if it agrees on the boundary too (as z > 0 for z ≥ 0 where both branches give the same at 0).
            fates[index] = EQUIVALENT
        elif degenerate(judge, mutant, outcomes, right):
            fates[index] = UNNAMED
        else:
            fates[index] = next((k for k, seen in enumerate(classes) if same_outcomes(judge, outcomes, seen)),
                                len(classes))
            if fates[index] == len(classes):
                classes.append(outcomes)
    return fates


def assemble(exercise: Exercise, reference: Callable, variants: list, fates: list[str | int]) -> Derived:
    """The Derived exercise the variants' fates make: members of a class kept in the order they were sorted in."""
    result = Derived(exercise, reference, all=list(variants), fates=list(fates))
    classes: dict[int, list[one_edit.Mutant]] = {}
    for index in sorted(range(len(variants)), key=lambda i: variants[i].rank):
        fate = fates[index]
        if fate == EQUIVALENT:
            result.equivalent.append(variants[index])
        elif fate == UNNAMED:
            result.unnamed.append(variants[index])
        elif isinstance(fate, int):
            classes.setdefault(fate, []).append(variants[index])
    result.classes = [classes[k] for k in sorted(classes)]
    result.named = [_named_class(members) for members in result.classes]
    return result


def _fits(grouping: Any, edit_count: int) -> TypeGuard[dict[str, list]]:
    """Whether a kept grouping can be that of an exercise with `edit_count` edits: a fate per variant, each a fate,
    the classes numbered from 0 up, and each variant a different one of the edits."""
    if not isinstance(grouping, dict) or set(grouping) != {"fates", "positions"}:
        return False
    fates, positions = grouping["fates"], grouping["positions"]
    if not isinstance(fates, list) or not isinstance(positions, list) or len(fates) != len(positions):
        return False
    if not all(type(p) is int and 0 <= p < edit_count for p in positions) or len(set(positions)) != len(positions):
        return False
    numbers = sorted({fate for fate in fates if isinstance(fate, int) and not isinstance(fate, bool)})
    return (all(fate in (EQUIVALENT, UNNAMED, SLOW) or fate in numbers for fate in fates)
            and numbers == list(range(len(numbers))))


def _named_class(members: list) -> "one_edit.Mutant":
    """The first member, named by every edit of the best kind that makes this function: exchanging x1 and x2
    in (y2 − y1) / (x2 − x1) is exchanging y1 and y2, so neither alone would be fair to the learner."""
    best = [member.name for member in members if member.rank == members[0].rank]
    return dataclasses.replace(members[0], name=", or ".join(dict.fromkeys(best)))


def degenerate(judge: checks.Check, mutant: "one_edit.Mutant", outcomes: list, right: list) -> bool:
    """Whether a variant makes what no formula makes: a constant where the reference varies, or zero everywhere.

    y1 − y1 where y2 − y1 belongs, or a factor 1 turned into 0: such an edit returns what a stub or the
    fallback of a hard-coded table returns too, and naming it would blame a variable or a number for an
    answer that is no formula at all.
    """
    if mutant.kind == "substituted" and constant(judge, outcomes) and not constant(judge, right):
        return True
    return zero(outcomes) and not zero(right)


def zero(outcomes: list) -> bool:
    """Whether every value returned (at two points or more; exceptions aside) is zero throughout."""
    values = [outcome.value for outcome in outcomes if outcome.error is None]
    try:
        return len(values) > 1 and all(not np.any(np.asarray(value, dtype=float)) for value in values)
    except (TypeError, ValueError):  # a tuple of parts of different shapes, a SymPy expression: not all zero
        return False


def on_boundary(mutant: "one_edit.Mutant", points: list, stable: bool = False) -> bool:
    """Whether one of `points` at least sits on the boundary a boundary edit moves (its compared sides are equal)."""
    return mutant.on_boundary is not None and any(
        bounded_call(mutant.on_boundary, args, stable).value is True for args in points)


def constant(judge: checks.Check, outcomes: list) -> bool:
    """Whether the values returned (at two points or more; exceptions aside) are all the same."""
    values = [outcome for outcome in outcomes if outcome.error is None]
    return len(values) > 1 and all(checks.reproduces(judge, value, values[0]) for value in values[1:])


def same_outcomes(judge: checks.Check, first: list, second: list) -> bool:
    return all(checks.reproduces(judge, a, b) for a, b in zip(first, second, strict=True))


@contextlib.contextmanager
def quietly() -> Iterator[None]:
    """No warnings: a wrong variant overflows and divides by zero, and says so on every call."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def bounded_call(function: Callable, args: tuple, stable: bool = False) -> checks.Outcome:
    """`checks.call` (with `stable`, an overflow raises), quietly, and stopped after SLOWEST_VARIANT_CALL seconds
    with a TimeoutError outcome where a timer can be set (the main thread)."""
    with quietly(), _time_limit(SLOWEST_VARIANT_CALL):
        return checks.call(function, args, stable)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def too_slow(_signal: int, _frame: object) -> None:
        raise TimeoutError

    # An outer timer (the judging budget) is paused meanwhile and set again with what it had left.
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, too_slow)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds)[0]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))


def grade_cell_call(source: str) -> tuple[str, str, str]:
    """(description, function, grade id) of a grade cell: a docstring line and `check(function, "grade id")`.

    Anything else is refused, so every grade cell stays a teacher's check of five lines at most, and what
    it checks is declared in exercises.py alone.
    """
    lines = source.strip().splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise CourseError(f"a grade cell is not valid Python ({error.msg}):\n{source}") from error
    docstring, statement = tree.body if len(tree.body) == 2 else (None, None)
    call = statement.value if isinstance(statement, ast.Expr) else None
    function, grade_id = call.args if isinstance(call, ast.Call) and len(call.args) == 2 else (None, None)
    if (len(lines) <= 5 and isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)
            and isinstance(docstring.value.value, str) and docstring.value.value.strip() and isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name) and call.func.id == "check" and not call.keywords
            and isinstance(function, ast.Name)
            and isinstance(grade_id, ast.Constant) and isinstance(grade_id.value, str)):
        return docstring.value.value.strip().splitlines()[0], function.id, grade_id.value
    raise CourseError("a grade cell must be a docstring line and one call check(function, \"grade id\"), "
                      f"five lines at most; this one is:\n{source}")
