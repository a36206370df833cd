"""Judge a submission's answers in this process, by the assignment's grading plan: the fast twin of `nudge grade`.

Only for the course's own test submissions (tests/cases), never for hostile code: the answers run here,
without the sandbox. The points are drawn with the seed `nudge grade` uses on the tests' course copies
(conftest's TEST_SECRET), the code is read for shortcuts the same way, and the verdicts come from the same
`course.checks.judge`, so the marks and messages are the ones the sandboxed batch gives (tests/test_grading.py
checks that too).
"""

from conftest import ROOT, TEST_SECRET

from autograder.grade import student_seed
from autograder.plan import plan_for
from autograder.spec import quietly
from course.checks import call_all, judge, point_names, through
from course.shortcuts import find_shortcut, shortcut_message


def grade_in_process(assignment: str, answers: dict[str, str], student: str) -> dict[str, tuple[float, str]]:
    """{grade id: (score, message)} of the source notebook's solution cells with `answers` ({grade id: code})."""
    from submissions import solution_sources

    plan = plan_for(ROOT, assignment)
    sources = [plan.imports, *{**solution_sources(assignment), **answers}.values()]
    namespace = {"__name__": "__main__"}
    for index, source in enumerate(sources):
        try:
            exec(compile(source, f"<cell {index}>", "exec"), namespace)
        except Exception:  # a broken answer cell leaves its function undefined, as in a notebook
            continue
    found = {}
    for part in plan.parts:
        function, check = part.function, part.check
        shortcut = find_shortcut(sources, function, check.by_hand, tuple(check.forbid)) if (
            check.by_hand or check.forbid) else None
        if shortcut is not None:
            found[part.grade_id] = (0.0, shortcut_message(function, shortcut, check.by_hand))
            continue
        if not callable(namespace.get(function)):
            found[part.grade_id] = (0.0, f"✗ {function} is not defined")
            continue
        points = check.draw(seed=student_seed(TEST_SECRET, student, assignment, part.grade_id, check.seed))
        with quietly():
            outcomes = call_all(through(check.call, namespace[function]), points, check.stable)
        result = judge(check, points, outcomes, function, point_names(check, plan.parameters.get(function, [])))
        found[part.grade_id] = (part.points if result.passed else 0.0, result.message)
    return found
