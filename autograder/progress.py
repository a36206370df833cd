"""`nudge progress`: where a learner stands, by the visible checks of their own working copy.

It runs each module notebook of the working folder the way grading does (the learner's cells,
then the visible checks of the release, judged outside their code) but without the sandbox: it is
the learner's own code on their own machine. Hidden checks are not run, and nothing is recorded.
"""

from pathlib import Path

from autograder.course_dir import assignments
from autograder.grade import grade_notebook
from autograder.plan import plan_for


def progress(root, workspace):
    """[(assignment, function, state, message)] for every exercise function, in course order."""
    rows = []
    for assignment in assignments(root):
        plan = plan_for(Path(root), assignment, step="release")
        path = Path(workspace) / assignment / f"{assignment}.ipynb"
        if not path.is_file():
            rows += [(assignment, name, "missing", f"{path} is missing: `nudge start` copies it back")
                     for name in plan.parameters]
            continue
        result = grade_notebook(plan, path, "self-study", isolate=False)
        parts = {part.grade_id: part for part in result.parts}
        for name in plan.parameters:
            mine = [parts[p.grade_id] for p in plan.parts if any(fn == name for fn, _ in p.checks)]
            if not mine:
                continue
            if all(part.score == part.points for part in mine):
                rows.append((assignment, name, "passed", ""))
            else:
                failing = next(part for part in mine if part.score < part.points)
                state = "to do" if "not implemented yet" in failing.message else "failing"
                rows.append((assignment, name, state, failing.message))
    return rows


def render(rows):
    """The table, and what to do next."""
    lines = [f"{'module':<26}{'function':<28}{'visible checks':<16}"]
    for assignment, name, state, _ in rows:
        mark = {"passed": "✓ passed", "failing": "✗ failing", "to do": "· to do", "missing": "? missing"}[state]
        lines.append(f"{assignment:<26}{name:<28}{mark:<16}")
    done = sum(1 for row in rows if row[2] == "passed")
    lines.append(f"\n{done} of {len(rows)} exercise functions pass their visible checks.")
    pending = next((row for row in rows if row[2] != "passed"), None)
    if pending is None:
        lines.append("Next: you have finished the course. Well done.")
    else:
        assignment, name, state, message = pending
        lines.append(f"Next: open {assignment}/{assignment}.ipynb and work on `{name}`.")
        if state == "failing":
            lines.append("Its check says:\n  " + "\n  ".join(message.splitlines()[:4]))
        lines.append("Stuck? Open the hints under the exercise one at a time; after all three, "
                     f"`nudge solution {assignment} {name}` shows a worked solution.")
    return "\n".join(lines)
