"""The mutation test of the checks: every one-edit mutant of every reference, judged by its exercise's checks.

In process and without the sandbox (the mutants are the instructor's own code), so it is fast. For each
mutant: equivalent (it returns what the reference returns at every point checked, and at more drawn
points), killed (some check fails it), and if killed, named correctly (every check that names a mistake
names this mutant's) or wrongly. A non-equivalent mutant that keeps full marks is a gap in the checks.

    python -m autograder.mutation [ASSIGNMENT ...]    prints the figures per module
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder import spec
from autograder.course_dir import assignments, find_course_root
from autograder.plan import defined_functions
from autograder.reference import solution_source
from course import checks


@dataclass
class MutantVerdict:
    """What the checks of one exercise made of one mutant of its reference."""

    assignment: str
    function: str
    mutant: str  # the edit's name
    equivalent: bool = False
    survived: bool = False  # not equivalent, and full marks nonetheless
    seen: bool = False  # a visible check fails it: the learner finds the mistake before grading does
    kind: str = ""  # the kind of edit (autograder.mutants.RANKS)
    names: list = field(default_factory=list)  # the mistakes the failing checks named
    right_names: set = field(default_factory=set)  # names that describe this mutant

    @property
    def killed(self) -> bool:
        return not self.equivalent and not self.survived

    @property
    def named_correctly(self) -> bool:
        return self.killed and bool(self.names) and all(name in self.right_names for name in self.names)

    @property
    def named_wrongly(self) -> bool:
        return any(name not in self.right_names for name in self.names)


def judge_mutants(root: Path, assignment: str) -> list[MutantVerdict]:
    """A verdict for every mutant of every exercise of `assignment`."""
    verdicts = []
    for name, derived in spec.derived(Path(root), assignment, every_edit=True).items():
        parameters = defined_functions(solution_source(str(root), assignment, name)).get(name, [])
        equivalent = {id(mutant) for mutant in derived.equivalent}
        unnamed = {id(mutant) for mutant in derived.unnamed}
        names_of = {}  # id(mutant) -> every name that describes the function it makes
        for members, named in zip(derived.classes, derived.named, strict=True):
            for member in members:
                names_of[id(member)] = {named.name}
        for mutant in derived.unnamed:  # no edit names it, but a misconception written down may be exactly it
            names_of[id(mutant)] = written_down(derived, mutant)
        for mutant in derived.all:
            verdict = MutantVerdict(assignment, name, mutant.name, right_names=names_of.get(id(mutant), set()),
                                    kind=mutant.kind)
            if id(mutant) in equivalent:
                verdict.equivalent = True
            elif id(mutant) not in names_of and id(mutant) not in unnamed:
                continue  # too slow to evaluate: grading fails such an answer on time
            else:
                passed = True
                for grade in derived.exercise.grades:
                    check = derived.check(grade)
                    points = check.draw()
                    with spec.quietly():
                        outcomes = checks.call_all(mutant.function, points, check.stable)
                    result = checks.judge(check, points, outcomes, name, checks.point_names(check, parameters))
                    passed = passed and result.passed
                    verdict.seen = verdict.seen or (not grade.hidden and not result.passed)
                    if result.mistake is not None:
                        verdict.names.append(result.mistake.name)
                verdict.survived = passed
            verdicts.append(verdict)
    return verdicts


def written_down(derived: spec.Derived, mutant: "spec.one_edit.Mutant") -> set[str]:
    """The names of the exercise's hand-written mistakes that make what a degenerate mutant makes at every point (the
    output's gradient seeded with 0 is the misconception "not seeded with 1", zero everywhere as it is)."""
    exercise = derived.exercise
    points = spec.fingerprint_points(exercise)
    judge = checks.Check(points, None, rtol=exercise.tolerance.rtol, atol=exercise.tolerance.atol,
                         symbolic=exercise.symbolic)
    rights = [spec.bounded_call(derived.reference, args, exercise.stable) for args in points]
    outcomes = [spec.bounded_call(mutant.function, args, exercise.stable) for args in points]
    return {mistake.name for mistake in exercise.mistakes
            if spec.same_outcomes(judge, outcomes, [spec.bounded_call(mistake.wrong, (right.value, *args),
                                                                      exercise.stable)
                                                    if right.error is None else right
                                                    for right, args in zip(rights, points, strict=True)])}


def table(verdicts: list[MutantVerdict]) -> str:
    """Per module: mutants / equivalent / killed / named correctly / named wrongly."""
    rows = [f"{'module':<26}{'mutants':>8}{'equivalent':>12}{'killed':>8}{'named right':>13}{'named wrong':>13}"
            f"{'survived':>10}"]
    modules = dict.fromkeys(verdict.assignment for verdict in verdicts)
    for module in [*modules, None]:
        mine = [v for v in verdicts if module is None or v.assignment == module]
        rows.append(f"{module or 'all':<26}{len(mine):>8}{sum(v.equivalent for v in mine):>12}"
                    f"{sum(v.killed for v in mine):>8}{sum(v.named_correctly for v in mine):>13}"
                    f"{sum(v.named_wrongly for v in mine):>13}{sum(v.survived for v in mine):>10}")
    return "\n".join(rows)


def main(arguments: list[str]) -> int:
    root = find_course_root()
    verdicts = [v for assignment in assignments(root, arguments) for v in judge_mutants(root, assignment)]
    print(table(verdicts))
    for verdict in verdicts:
        if verdict.survived:
            print(f"survived: {verdict.assignment} {verdict.function}: {verdict.mutant}")
        if verdict.named_wrongly:
            print(f"named wrongly: {verdict.assignment} {verdict.function}: {verdict.mutant} -> {verdict.names}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
