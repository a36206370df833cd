"""Exercise declarations: grade cells, the grouping of one-edit variants, bounded calls, plans and points."""

import dataclasses
import signal
import threading
import time
import warnings

import nbformat
import numpy as np
import pytest

from autograder import plan, release, spec
from autograder.course_dir import CourseError, notebook_path
from autograder.mutants import Mutant, mutants
from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course import checkfile, checks
from course.checks import Check, evaluate

# --- grade cells ---------------------------------------------------------------------------------------------------


def test_a_grade_cell_is_a_docstring_line_and_one_check_call():
    cell = '"""square: the values at a few numbers you can check by hand."""\ncheck(square, "test_square_values")'
    assert spec.grade_cell_call(cell) == ("square: the values at a few numbers you can check by hand.", "square",
                                          "test_square_values")


def test_a_grade_cell_of_five_lines_is_accepted_and_described_by_its_first_line():
    cell = ('"""slope: vertical pairs.\n\nThey raise ValueError\ninstead of dividing by zero."""\n'
            'check(slope, "test_slope_vertical")\n')
    assert spec.grade_cell_call(cell) == ("slope: vertical pairs.", "slope", "test_slope_vertical")


@pytest.mark.parametrize("cell", [
    '"""one\ntwo\nthree\nfour\nfive"""\ncheck(square, "test_square_values")',  # six lines
    '"""square."""\ncheck(square, "test_square_values")\ncheck(square, "test_square_hidden")',  # two calls
    '"""square."""\ncheck(square, grade_id="test_square_values")',  # a keyword argument
    '"""square."""\ncheck(square, "test_square_values", told="")',  # an extra keyword argument
    '"""square."""\ncheck(square, 3)',  # an id that is not a string
    '"""square."""\ncheck(square, GRADE_ID)',  # an id that is a name
    '"""square."""\nx = 1\ncheck(square, "test_square_values")',  # an extra statement
    '"""square."""\ncheck(square, "test_square_values")\nassert square(2) == 4',  # an extra statement after
    'check(square, "test_square_values")',  # no docstring
    '"""  """\ncheck(square, "test_square_values")',  # a docstring that says nothing
    '"""square."""\nverify(square, "test_square_values")',  # another function than check
    '"""square."""\ncheck(lambda x: x * x, "test_square_values")',  # not a function's name
    '"""square."""\ncheck(square)',  # no grade id
    '"""square."""\ncourse.check(square, "test_square_values")',  # an attribute
])
def test_anything_else_in_a_grade_cell_is_refused(cell):
    with pytest.raises(CourseError, match='a grade cell must be a docstring line and one call check\\(function, '
                                          '"grade id"\\), five lines at most; this one is:\n'):
        spec.grade_cell_call(cell)


def test_a_grade_cell_that_is_not_python_is_refused():
    with pytest.raises(CourseError, match="a grade cell is not valid Python"):
        spec.grade_cell_call('"""square."""\ncheck(square, "test_square_values"')


# --- grouping the one-edit variants --------------------------------------------------------------------------------

PRODUCT = "def product(a, b):\n    return a * b\n"
SLOPE = '''def slope(x1, y1, x2, y2):
    if x1 == x2:
        raise ValueError("vertical")
    return (y2 - y1) / (x2 - x1)
'''
STEP = "def step(z):\n    if z > 0:\n        return 1.0\n    return 0.0\n"


def grouped(source, name, points, **options):
    scope = {"np": np}
    exec(source, scope)
    exercise = Exercise(name, grades=(Grade(f"test_{name}_values", points=points),), **options)
    return spec.group(exercise, scope[name], mutants(source, name, {"np": np}))


def test_an_edit_that_changes_nothing_checked_is_equivalent():
    derived = grouped(PRODUCT, "product", [(2.0, 3.0), (-1.0, 4.0)])
    assert [mutant.name for mutant in derived.equivalent] == ["a and b are exchanged"]  # b * a is a * b
    assert "a and b are exchanged" not in {mutant.name for mutant in derived.named}
    assert {mutant.name for mutant in derived.all} >= {
        "a and b are exchanged", "a division where a multiplication belongs (a/b where a·b belongs)"}
    assert len(derived.all) == (len(derived.equivalent) + len(derived.unnamed)
                                + sum(len(members) for members in derived.classes))


def test_edits_that_make_the_same_function_are_one_class_named_by_all_the_best_ranked_names():
    derived = grouped(SLOPE, "slope", [(1, 1, 3, 3), (1, 2, 3, 10), (0, 5, 2, 1), (2, 0, 2, 5)])
    ((index, members),) = [(i, members) for i, members in enumerate(derived.classes)
                           if "x1 and x2 are exchanged" in {m.name for m in members}]
    kinds = [member.kind for member in members]
    assert kinds.count("exchanged") == 2 and "sides" in kinds  # (y2 − y1) / (x1 − x2) is in the class too
    best = [member.name for member in members if member.kind == "exchanged"]
    assert set(best) == {"x1 and x2 are exchanged", "y1 and y2 are exchanged"}
    name = derived.named[index].name
    assert name == ", or ".join(best)
    assert "sides" not in name and "difference" not in name  # the worse-ranked name is left out
    assert derived.named[index].function is members[0].function
    # Every class is one function: no two classes give the same outcomes at the points.
    assert len(derived.named) == len(derived.classes)


def test_a_class_of_many_best_ranked_edits_is_named_by_every_one_of_them():
    # Exchanging g with any of a, b, c, d calls a number: four edits, one function (a TypeError at every point).
    # A learner who exchanged g and d must find that among the names.
    source = "def f(g, a, b, c, d):\n    return g(a) + g(b) + g(c) + g(d)\n"
    derived = grouped(source, "f", [(np.square, 1.0, 2.0, 3.0, 4.5)])
    ((index, members),) = [(i, members) for i, members in enumerate(derived.classes)
                           if "g and a are exchanged" in {m.name for m in members}]
    best = [member.name for member in members if member.kind == "exchanged"]
    assert best == ["g and a are exchanged", "g and b are exchanged", "g and c are exchanged", "g and d are exchanged"]
    assert derived.named[index].name.split(", or ") == best


def test_the_classes_keep_their_members_in_rank_order():
    derived = grouped(SLOPE, "slope", [(1, 1, 3, 3), (1, 2, 3, 10), (0, 5, 2, 1), (2, 0, 2, 5)])
    for members in derived.classes:
        assert [m.rank for m in members] == sorted(m.rank for m in members)


def test_edits_that_make_no_formula_are_judged_but_never_named():
    # y1 − y1 is 0 at every point: so is a stub's answer; a factor 1 turned into 0 makes zero everywhere too.
    derived = grouped(SLOPE, "slope", [(1, 1, 3, 3), (1, 2, 3, 10), (0, 5, 2, 1), (2, 0, 2, 5)])
    unnamed = {mutant.name for mutant in derived.unnamed}
    assert {"y1 where y2 belongs", "y2 where y1 belongs"} <= unnamed
    assert not unnamed & {mutant.name for mutant in derived.named}
    scaled = grouped("def scaled(a, b):\n    return (a + b) * 1\n", "scaled", [(2.0, 3.0), (-1.0, 4.0)])
    assert "the number 0 where 1 belongs" in {mutant.name for mutant in scaled.unnamed}
    # A constant the reference has too is a formula: 0 where 1 belongs in (x, 1) is named.
    pair = grouped("def pair(x, m):\n    return x, 1\n", "pair", [(2.0, 3.0), (-1.0, 4.0)])
    assert "the number 0 where 1 belongs" in {mutant.name for mutant in pair.named}


def test_a_boundary_edit_is_never_classified_equivalent_without_a_point_on_its_boundary():
    # At these points z ≥ 0 and z > 0 agree: only a point on the boundary tells them apart.
    derived = grouped(STEP, "step", [(1.0,), (-2.0,)])
    assert not any(mutant.kind == "boundary" for mutant in derived.equivalent)
    assert any(mutant.kind == "boundary" for mutant in derived.named)
    on_the_boundary = grouped(STEP, "step", [(0.0,), (1.0,)])
    assert any(mutant.kind == "boundary" for mutant in on_the_boundary.named)


RAMP = "def ramp(z):\n    return np.where(z >= 0, z, 0.0)\n"


def test_a_boundary_edit_that_agrees_on_its_boundary_too_is_equivalent():
    # Both branches give 0 at z = 0, so z > 0 for z ≥ 0 changes nothing: with a point on the boundary it is
    # equivalent, not a gap in the checks; without one, nothing shows that, and it stays named.
    (edit,) = [mutant for mutant in mutants(RAMP, "ramp", {"np": np}) if mutant.kind == "boundary"]
    assert (edit.on_boundary(0.0), edit.on_boundary(np.array([1.0, 0.0])), edit.on_boundary(2.0)) == (True, True,
                                                                                                        False)
    on_the_boundary = grouped(RAMP, "ramp", [(0.0,), (1.0,), (-2.0,)])
    assert [mutant.kind for mutant in on_the_boundary.equivalent if mutant.kind == "boundary"] == ["boundary"]
    off_it = grouped(RAMP, "ramp", [(1.0,), (-2.0,)])
    assert not any(mutant.kind == "boundary" for mutant in off_it.equivalent)
    assert any(mutant.kind == "boundary" for mutant in off_it.named)


def test_a_stable_exercise_computes_its_variants_with_overflow_an_error():
    # The learner's code runs with overflow an error in a stable check; a variant must too, or it never reproduces
    # the learner's FloatingPointError, and a mistake that overflows would go unnamed.
    source = "def softplus(z):\n    return np.logaddexp(0, z)\n"
    as_written = Mistake("log(1 + e^z) as written, which overflows", lambda expected, z: np.log(1 + np.exp(z)))
    scope = {"np": np}
    exec(source, scope)
    grade = Grade("test_softplus_values", points=[(1.0,), (1000.0,)])
    exercise = Exercise("softplus", grades=(grade,), stable=True, mistakes=(as_written,))
    derived = spec.group(exercise, scope["softplus"], mutants(source, "softplus", {"np": np}))
    (variant,) = [variant for variant in derived.variants(grade, [(1.0,), (1000.0,)]) if variant.tier == 1]
    assert variant.outcomes[1].error is FloatingPointError
    result = evaluate(derived.check(grade), lambda z: np.log(1 + np.exp(z)))
    assert not result.passed and result.mistake.name == as_written.name


def test_a_variant_too_slow_to_call_is_left_out(monkeypatch):
    monkeypatch.setattr(spec, "SLOWEST_VARIANT_CALL", 0.2)

    def slow(x):
        time.sleep(3)
        return x

    exercise = Exercise("same", grades=(Grade("test_same_values", points=[(1.0,)]),))
    variants = [Mutant("constant", "slow", slow), Mutant("constant", "the number 2 where 1 belongs", lambda x: 2 * x)]
    started = time.monotonic()
    derived = spec.group(exercise, lambda x: x, variants)
    assert time.monotonic() - started < 2
    assert [m.name for m in derived.named] == ["the number 2 where 1 belongs"] and derived.equivalent == []
    assert len(derived.all) == 2


def test_fingerprint_points_are_the_grades_own_and_more_draws_of_random_ones():
    def draw(rng):
        return (float(rng.normal()),)

    exercise = Exercise("f", grades=(Grade("test_f_values", points=[(1.0,), (2.0,)]),
                                     Grade("test_f_hidden", hidden=True, points=draw, count=4, seed=3)))
    points = spec.fingerprint_points(exercise)
    assert points[:2] == [(1.0,), (2.0,)]
    assert points[2:6] == Check(draw, None, count=4, seed=3).draw()
    assert len(points) == 2 + 4 + 4 * spec.FINGERPRINT_DRAWS
    assert len(set(points[2:])) == len(points[2:])  # the extra draws are new points


# --- the check of a grade ------------------------------------------------------------------------------------------


def slope_exercise():
    def random_pair(rng):
        return tuple((rng.integers(-8, 9, 4) / 2).tolist())

    return Exercise(
        "slope", tolerance=Tolerance(1e-9, 1e-12, "round-off"),
        grades=(Grade("test_slope_values", points=[(1, 2, 3, 10), (0, 5, 2, 1), (2, 0, 2, 5)]),
                Grade("test_slope_drawn", points=random_pair, count=3, seed=5),
                Grade("test_slope_hidden", hidden=True, marks=2, points=random_pair, count=6, seed=11)),
        mistakes=(Mistake("run over rise", lambda expected, x1, y1, x2, y2: (x2 - x1) / (y2 - y1)),))


def slope_derived():
    scope = {}
    exec(SLOPE, scope)
    exercise = slope_exercise()
    return spec.group(exercise, scope["slope"], mutants(SLOPE, "slope", {}))


def test_a_grade_s_check_has_its_points_tolerance_and_what_messages_tell():
    derived = slope_derived()
    visible, drawn, hidden = (derived.check(grade) for grade in derived.exercise.grades)
    assert visible.points == [(1, 2, 3, 10), (0, 5, 2, 1), (2, 0, 2, 5)]
    assert (visible.rtol, visible.atol) == (1e-9, 1e-12)
    assert visible.expected_outcomes(visible.points)[2].error is ValueError
    assert visible.told == "the right value is" and hidden.told == "" and not hidden.shows_expected
    # A visible grade's drawn points are fixed (the release holds them); a hidden one draws its own.
    assert isinstance(drawn.points, list) and drawn.points == Check(derived.exercise.grades[1].points, None,
                                                                    count=3, seed=5).draw()
    assert callable(hidden.points) and hidden.count == 6 and hidden.seed == 11


def test_a_grade_s_variants_are_the_classes_then_the_misconceptions():
    derived = slope_derived()
    grade = derived.exercise.grades[0]
    found = derived.variants(grade, derived.check(grade).points)
    assert [v.tier for v in found] == [0] * len(derived.named) + [1]
    assert [v.name for v in found[:-1]] == [m.name for m in derived.named]
    misconception = found[-1]
    assert misconception.name == "run over rise"
    # Where the right answer raises, a misconception written as a change of the right value has no outcome.
    assert misconception.outcomes[0].value == 2 / 8 and misconception.outcomes[2] is None


def test_a_grade_s_check_names_a_misconception_and_a_one_edit_variant():
    derived = slope_derived()
    check = derived.check(derived.exercise.grades[0])

    def upside_down(x1, y1, x2, y2):
        return (x2 - x1) / (y2 - y1)

    def exchanged(x1, y1, x2, y2):
        if x1 == x2:
            raise ValueError("vertical")
        return (y1 - y2) / (x2 - x1)

    assert evaluate(check, upside_down).mistake.name == "run over rise"
    assert set(evaluate(check, exchanged).mistake.name.split(", or ")) == {"x1 and x2 are exchanged",
                                                                         "y1 and y2 are exchanged"}


def test_a_hidden_grade_runs_a_variant_only_until_it_differs_from_the_learner(monkeypatch):
    derived = slope_derived()
    hidden = derived.exercise.grades[2]
    check = derived.check(hidden)
    points = check.draw(seed=3)

    def upside_down(x1, y1, x2, y2):
        return (x2 - x1) / (y2 - y1)

    learner = [checks.call(upside_down, args) for args in points]
    everything = derived.variants(hidden, points)
    calls = []
    counted = spec.bounded_call
    monkeypatch.setattr(spec, "bounded_call", lambda *args: calls.append(args) or counted(*args))
    stopped = derived.variants(hidden, points, learner)
    # Every variant still has a point that rules it out, or all its outcomes: the diagnosis is the same.
    assert [v.name for v in stopped] == [v.name for v in everything]
    def explaining(variants):
        return [(v.name, v.outcomes) for v in variants if all(
            o is not None and checks.explains(check, mine, o) for mine, o in zip(learner, v.outcomes, strict=True))]

    assert explaining(stopped) == explaining(everything)
    assert {name for name, _ in explaining(stopped)} == {"run over rise",
                                                         "a quotient is upside down (numerator and denominator "
                                                         "exchanged)"}
    assert len(calls) < len(everything) * len(points) / 2
    assert evaluate(check, upside_down, seed=3).mistake.name.startswith("a quotient is upside down")


def test_a_copy_for_a_cluster_keeps_what_grading_uses_and_names_the_same_mistakes():
    import cloudpickle

    derived = slope_derived()
    copy = cloudpickle.loads(cloudpickle.dumps(derived))
    assert copy.all == copy.equivalent == copy.unnamed == copy.classes == copy.fates == [] and derived.all
    assert [m.name for m in copy.named] == [m.name for m in derived.named]
    hidden = derived.exercise.grades[2]
    points = derived.check(hidden).draw(seed=3)
    assert ([(v.name, v.outcomes) for v in copy.variants(hidden, points)]
            == [(v.name, v.outcomes) for v in derived.variants(hidden, points)])


def test_a_misconception_that_ignores_the_right_value_never_runs_the_reference():
    derived = slope_derived()
    asked = []
    derived.reference = lambda *args: asked.append(args) or 1.0
    ignoring = Mistake("run over rise", lambda _, x1, y1, x2, y2: (x2 - x1) / (y2 - y1), uses_right=False)
    derived.exercise = dataclasses.replace(derived.exercise, mistakes=(ignoring,))
    hidden = derived.exercise.grades[2]
    points = derived.check(hidden).draw(seed=3)
    (found,) = [v for v in derived.variants(hidden, points) if v.tier == 1]
    assert asked == [] and found.name == "run over rise"
    assert [o.value for o in found.outcomes] == [(x2 - x1) / (y2 - y1) for x1, y1, x2, y2 in points]
    derived.exercise = slope_exercise()  # one that uses it: the reference runs at every point
    derived.variants(hidden, points)
    assert len(asked) == len(points)


# --- bounded calls -------------------------------------------------------------------------------------------------


def test_a_slow_call_is_stopped_after_the_limit_with_a_timeout_outcome(monkeypatch):
    monkeypatch.setattr(spec, "SLOWEST_VARIANT_CALL", 0.2)

    def sleeping(x):
        time.sleep(5)

    def spinning(x):
        while True:
            pass

    for slow in (sleeping, spinning):
        started = time.monotonic()
        outcome = spec.bounded_call(slow, (1,))
        assert outcome.error is TimeoutError and 0.15 < time.monotonic() - started < 1.5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_quick_call_returns_its_outcome_quietly():
    def noisy(x):
        warnings.warn("something", RuntimeWarning, stacklevel=1)
        return np.array([1.0]) / x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = spec.bounded_call(noisy, (0.0,))
    assert caught == [] and outcome.error is None and np.isinf(outcome.value[0])
    assert spec.bounded_call(lambda x: 1 / x, (0,)).error is ZeroDivisionError


def test_an_outer_timer_is_restored_with_what_it_had_left(monkeypatch):
    monkeypatch.setattr(spec, "SLOWEST_VARIANT_CALL", 0.2)
    rung = []

    def outer(_signal, _frame):
        rung.append(True)

    previous = signal.signal(signal.SIGALRM, outer)
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        assert spec.bounded_call(lambda x: x, (1,)).value == 1
        assert spec.bounded_call(lambda x: time.sleep(5), (1,)).error is TimeoutError
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert signal.getsignal(signal.SIGALRM) is outer
        assert 4.0 < left <= 5.0 - 0.2 + 0.05 and rung == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_outer_timer_that_ran_out_meanwhile_still_rings(monkeypatch):
    monkeypatch.setattr(spec, "SLOWEST_VARIANT_CALL", 0.3)
    rung = []
    previous = signal.signal(signal.SIGALRM, lambda *_: rung.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        assert spec.bounded_call(lambda x: time.sleep(5), (1,)).error is TimeoutError
        time.sleep(0.05)
        assert rung == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_off_the_main_thread_a_call_runs_without_a_timer():
    found = []
    worker = threading.Thread(target=lambda: found.append(spec.bounded_call(lambda x: 2 * x, (3,))))
    worker.start()
    worker.join(5)
    assert found[0].value == 6


# --- plans of a copy of the course ---------------------------------------------------------------------------------

MODULE = "00-start-here"


def edit_grade_cell(course, grade_id, source=None, new_id=None, assignment=MODULE):
    path = notebook_path(course, "source", assignment)
    notebook = nbformat.read(path, as_version=4)
    (cell,) = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    if source is not None:
        cell.source = source
    if new_id is not None:
        cell.metadata["nbgrader"]["grade_id"] = new_id
    nbformat.write(notebook, path)


def edit_exercises(course, old, new, assignment=MODULE):
    path = course / "source" / assignment / spec.SPEC_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_plan_of_a_module_has_one_part_per_grade_cell(course_copy):
    found = plan.plan_for(course_copy, MODULE)
    assert [(p.grade_id, p.points, p.hidden) for p in found.parts] == [("test_fahrenheit_values", 1.0, False),
                                                                       ("test_fahrenheit_hidden", 1.0, True)]
    assert found.parts[0].description == "fahrenheit: temperatures you can convert by hand."
    function, check = found.parts[0].function, found.parts[0].check
    assert function == "fahrenheit" and [point for (point,) in check.draw()][:4] == [0, 100, 37, -40]
    assert found.function_names == {"fahrenheit"} and found.max_score == 2


def test_a_visible_grade_s_right_outcomes_are_worked_out_once_with_the_plan(course_copy, monkeypatch):
    asked = []
    expected_outcomes = Check.expected_outcomes
    monkeypatch.setattr(Check, "expected_outcomes", lambda self, points: asked.append(points)
                        or expected_outcomes(self, points))
    visible, hidden = plan.plan_for(course_copy, MODULE).parts
    # Worked out with the plan: every process forked from this one, and every copy of the plan, has them.
    assert len(asked) == 1 and len(asked[0]) == len(visible.check.points)
    first = visible.visible_rights
    assert [outcome.value for outcome in first][:4] == pytest.approx([32, 212, 98.6, -40])
    assert visible.visible_rights is first and len(asked) == 1
    with pytest.raises(ValueError, match="each student's own"):
        _ = hidden.visible_rights


def test_a_grade_cell_naming_an_undeclared_id_is_refused(course_copy):
    edit_grade_cell(course_copy, "test_fahrenheit_values",
                    '"""fahrenheit: more."""\ncheck(fahrenheit, "test_fahrenheit_more")', new_id="test_fahrenheit_more")
    with pytest.raises(CourseError, match=r"00-start-here: the grade cell test_fahrenheit_more calls "
                                          r"check\(fahrenheit, 'test_fahrenheit_more'\), which exercises.py does not "
                                          r"declare"):
        plan.plan_for(course_copy, MODULE)


def test_a_grade_cell_calling_another_id_than_its_own_is_refused(course_copy):
    edit_grade_cell(course_copy, "test_fahrenheit_values",
                    '"""fahrenheit: values."""\ncheck(fahrenheit, "test_fahrenheit_hidden")')
    with pytest.raises(CourseError, match=r"the grade cell test_fahrenheit_values calls "
                                          r"check\(fahrenheit, 'test_fahrenheit_hidden'\)"):
        plan.plan_for(course_copy, MODULE)


def test_a_grade_cell_checking_another_function_is_refused(course_copy):
    edit_grade_cell(course_copy, "test_fahrenheit_values", '"""fahrenheit: values."""\ncheck(cube, '
                                                           '"test_fahrenheit_values")')
    with pytest.raises(CourseError, match="which exercises.py does not declare for cube"):
        plan.plan_for(course_copy, MODULE)


def test_a_declared_grade_no_cell_has_is_refused(course_copy):
    edit_exercises(course_copy, 'Grade("test_fahrenheit_values", points=[0, 100, 37, -40, np.array([0.0, 100.0])]),',
                   'Grade("test_fahrenheit_values", points=[0, 100, 37, -40, np.array([0.0, 100.0])]), '
                   'Grade("test_fahrenheit_more", points=[7]),')
    with pytest.raises(CourseError, match="00-start-here: exercises.py declares test_fahrenheit_more, which no grade "
                                          "cell checks"):
        plan.plan_for(course_copy, MODULE)


def test_a_grade_cell_with_extra_code_is_refused(course_copy):
    edit_grade_cell(course_copy, "test_fahrenheit_values",
                    '"""fahrenheit: values."""\nprint("checking")\ncheck(fahrenheit, "test_fahrenheit_values")')
    with pytest.raises(CourseError, match=r'a grade cell must be a docstring line and one call check\(function, '
                                          r'"grade id"\)(.|\n)*print\("checking"\)'):
        plan.plan_for(course_copy, MODULE)


def test_a_declared_function_no_solution_cell_defines_is_refused(course_copy):
    edit_exercises(course_copy, 'Exercise(\n        "fahrenheit",', 'Exercise(\n        "cube",')
    with pytest.raises(CourseError, match="00-start-here/exercises.py declares cube, which no solution cell defines"):
        plan.plan_for(course_copy, MODULE)


def test_a_module_without_declarations_is_refused(course_copy):
    (course_copy / "source" / MODULE / spec.SPEC_FILE).unlink()
    with pytest.raises(CourseError, match="00-start-here has no exercises.py beside its source notebook"):
        plan.plan_for(course_copy, MODULE)


# --- what the release writes ---------------------------------------------------------------------------------------


def grade_points(course, assignment):
    notebook = nbformat.read(notebook_path(course, "source", assignment), as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: cell.metadata.nbgrader["points"]
            for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")}


def test_set_points_writes_the_declared_marks_into_the_notebook(course_copy):
    for grade_id in grade_points(course_copy, "01-slope"):
        path = notebook_path(course_copy, "source", "01-slope")
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                cell.metadata.nbgrader["points"] = 7
        nbformat.write(notebook, path)
    assert set(grade_points(course_copy, "01-slope").values()) == {7}
    release.set_points(course_copy, "01-slope")
    assert grade_points(course_copy, "01-slope") == {
        "test_slope_values": 1, "test_slope_vertical": 1, "test_slope_hidden": 2,
        "test_average_rate_of_change_values": 1, "test_average_rate_of_change_hidden": 2}


def test_set_points_follows_a_change_of_the_declaration(course_copy):
    edit_exercises(course_copy, 'Grade("test_fahrenheit_values", points=[0, 100, 37, -40, np.array([0.0, 100.0])]),',
                   'Grade("test_fahrenheit_values", marks=3, points=[0, 100, 37, -40, np.array([0.0, 100.0])]),')
    release.set_points(course_copy, MODULE)
    assert grade_points(course_copy, MODULE) == {"test_fahrenheit_values": 3, "test_fahrenheit_hidden": 1}
    assert plan.plan_for(course_copy, MODULE).max_score == 4


def test_set_points_leaves_a_notebook_that_agrees_untouched(course_copy):
    path = notebook_path(course_copy, "source", MODULE)
    before = path.read_bytes()
    release.set_points(course_copy, MODULE)
    assert path.read_bytes() == before


def test_the_check_files_hold_visible_checks_in_the_release_and_hidden_ones_in_the_source(course_copy):
    (course_copy / "release" / MODULE / checkfile.VISIBLE).unlink()
    (course_copy / "source" / MODULE / checkfile.HIDDEN).unlink()
    release.write_check_files(course_copy, MODULE, plan.plan_for(course_copy, MODULE).parts)
    visible = checkfile.read(course_copy / "release" / MODULE / checkfile.VISIBLE)
    hidden = checkfile.read(course_copy / "source" / MODULE / checkfile.HIDDEN)
    assert list(visible) == ["test_fahrenheit_values"] and list(hidden) == ["test_fahrenheit_hidden"]
    assert visible["test_fahrenheit_values"]["expected"][:4] == [32.0, 212.0, 98.60000000000001, -40.0]
    assert visible["test_fahrenheit_values"]["options"]["told"] == "the right value is"
    hidden_check = hidden["test_fahrenheit_hidden"]
    assert hidden_check["options"]["told"] == "" and len(hidden_check["points"]) == 10
    assert "test_fahrenheit_hidden" not in (course_copy / "release" / MODULE / checkfile.VISIBLE).read_text()


# --- the grading secret --------------------------------------------------------------------------------------------


def test_the_grading_secret_is_made_once_kept_private_and_read_back(tmp_path):
    from autograder.course_dir import SECRET_FILE, grading_secret

    first = grading_secret(tmp_path)
    assert len(first) == 64 and grading_secret(tmp_path) == first  # a re-grade draws the same points
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o077 == 0  # the instructor's alone
    assert [path.name for path in tmp_path.iterdir()] == [SECRET_FILE]  # no draft left behind
    other = tmp_path / "another-course"
    other.mkdir()
    assert grading_secret(other) != first  # each course its own


def test_a_damaged_grading_secret_is_refused_with_what_to_do(tmp_path):
    from autograder.course_dir import SECRET_FILE, grading_secret

    (tmp_path / SECRET_FILE).write_text("oops\n")
    with pytest.raises(CourseError, match="is not a grading secret .* restore it from a backup, or delete it"):
        grading_secret(tmp_path)
