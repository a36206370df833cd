"""What grading hands back: feedback per student, a CSV of grades, and a class report.

All three read the gradebook (so manual grades count) and the result files `nudge grade` leaves
beside each graded notebook (for messages and diagnosed mistakes). Feedback never shows the code or
the expected values of hidden checks: only what each part checked, its points, and its message.
"""

import base64
import collections
import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from nbgrader import api

from autograder.batch import load_results
from autograder.clean import csv_cell

if TYPE_CHECKING:  # matplotlib is imported only when a report is drawn
    from matplotlib.figure import Figure

# {(assignment, student): {grade id: (score, max score, manually adjusted)}}
Scores = dict[tuple[str, str], dict[str, tuple[float, float, bool]]]

# Pages come from templates beside this file; autoescaping makes every value safe to show as text.
PAGES = jinja2.Environment(loader=jinja2.PackageLoader("autograder", "templates"),
                           autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined)


def gradebook_scores(url: str) -> Scores:
    """{(assignment, student): {grade id: (score, max score, manually adjusted)}} from the gradebook."""
    scores: Scores = collections.defaultdict(dict)
    with api.Gradebook(url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        scores[assignment.name, submission.student.id][grade.name] = (
                            grade.score, grade.max_score, grade.manual_score is not None)
    return scores


def write_feedback(root: Path, url: str, wanted_assignments: Sequence[str] = (),
                   wanted_students: Sequence[str] = ()) -> list[Path]:
    """feedback/<student>/<assignment>/<assignment>.html for each graded submission; returns the paths.

    Each part of the result file is joined with the gradebook by its grade id (manual grades count);
    what a part checks comes from the result file, so no source notebook is read here.
    """
    scores = gradebook_scores(url)
    written = []
    for result in load_results(root, wanted_assignments, wanted_students):
        assignment, student = result.assignment, result.student
        recorded = scores.get((assignment, student), {})
        rows = []
        for part in result.parts:
            score, maximum, manual = recorded.get(part.grade_id, (part.score, part.points, False))
            rows.append({"description": part.description or part.grade_id, "hidden": part.hidden,
                         "score": score, "maximum": maximum, "manual": manual, "message": part.message,
                         "mistake": part.mistake})
        page = PAGES.get_template("feedback.html").render(
            assignment=assignment, student=student, rows=rows, notes=result.notes,
            failure=result.failure, total=sum(row["score"] for row in rows),
            maximum=sum(row["maximum"] for row in rows))
        path = Path(root) / "feedback" / student / assignment / f"{assignment}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written


def write_export(root: Path, url: str, out: str | Path) -> Path:
    """A CSV, one row per student and assignment: total, maximum, and the score of every part."""
    scores = gradebook_scores(url)
    assignments = sorted({assignment for assignment, _ in scores})
    several = len(assignments) > 1
    part_columns = [(assignment, grade_id)
                    for assignment in assignments for grade_id in part_order(root, scores, assignment)]
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "score", "max_score",
                         *[f"{a}:{g}" if several else g for a, g in part_columns]])
        for (assignment, student), parts in sorted(scores.items(), key=lambda item: (item[0][1], item[0][0])):
            total = sum(score for score, _, _ in parts.values())
            maximum = sum(maximum for _, maximum, _ in parts.values())
            cells = [f"{parts[g][0]:g}" if a == assignment and g in parts else "" for a, g in part_columns]
            writer.writerow([csv_cell(student), csv_cell(assignment), f"{total:g}", f"{maximum:g}", *cells])
    return Path(out)


def write_report(root: Path, url: str, out: str | Path) -> Path:
    """An HTML class report: score distributions, pass rate per part, frequent mistakes, failures."""
    from matplotlib.figure import Figure

    scores = gradebook_scores(url)
    results = load_results(root)
    sections = []
    for assignment in sorted({assignment for assignment, _ in scores}):
        maximum = max(sum(m for _, m, _ in parts.values()) for (a, _), parts in scores.items() if a == assignment)
        totals = [sum(s for s, _, _ in parts.values()) for (a, _), parts in scores.items() if a == assignment]
        passed: collections.Counter[str] = collections.Counter()
        for (a, _), parts in scores.items():
            if a == assignment:
                passed.update(g for g, (s, m, _) in parts.items() if s == m)
        figure = Figure(figsize=(10, 3.2), layout="constrained")
        left, right = figure.subplots(1, 2)
        left.hist(totals, bins=min(20, int(maximum) + 1), range=(0, maximum), color="C0")
        left.set(title=f"{assignment}: total scores", xlabel="score", ylabel="students")
        ids = part_order(root, scores, assignment)
        right.barh(ids, [passed[g] / max(len(totals), 1) for g in ids], color="C2")
        right.set(title="pass rate per part", xlabel="share of students with full points", xlim=(0, 1))
        right.invert_yaxis()
        right.tick_params(axis="y", labelsize=7)
        sections.append({"assignment": assignment, "students": len(totals), "maximum": maximum,
                         "mean": sum(totals) / len(totals) if totals else 0.0, "image": _png(figure)})
    mistakes = collections.Counter((r.assignment, p.grade_id, p.mistake) for r in results for p in r.parts if p.mistake)
    failures = [(r.student, r.assignment, r.failure) for r in results if r.failure]
    failures += [(r.student, r.assignment, note) for r in results for note in r.notes]
    page = PAGES.get_template("report.html").render(
        sections=sections, mistakes=[(*key, count) for key, count in mistakes.most_common()], failures=failures)
    Path(out).write_text(page, encoding="utf-8")
    return Path(out)


def part_order(root: Path, scores: Scores, assignment: str) -> list[str]:
    """An assignment's grade ids in notebook order, as the result files list them (the gradebook's
    own grades come after, sorted, should any part have been graded by hand alone)."""
    order: dict[str, None] = {}  # an ordered set
    for result in load_results(root, [assignment]):
        order.update(dict.fromkeys(part.grade_id for part in result.parts))
    known = {grade_id for (a, _), parts in scores.items() if a == assignment for grade_id in parts}
    return [grade_id for grade_id in order if grade_id in known] + sorted(known - set(order))


def _png(figure: "Figure") -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
