"""What grading hands back: feedback per student, a CSV of grades, and a class report.

All three read the gradebook (so manual grades count) and the result files `nudge grade` leaves
beside each graded notebook (for messages and diagnosed mistakes). Feedback never shows the code or
the expected values of hidden checks: only what each part checked, its points, and its message.
"""

import base64
import collections
import csv
import html
import io
from pathlib import Path

from nbgrader import api

from autograder.batch import load_results
from autograder.clean import csv_cell
from autograder.plan import plan_for

STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ccc; padding: .4em; vertical-align: top; }
pre { white-space: pre-wrap; margin: 0; } .full { color: #176a2e; } .lost { color: #a4231b; }
@media (prefers-color-scheme: dark) { body { background: #1e1e1e; color: #ddd; } td, th { border-color: #555; } }
</style>"""


def gradebook_scores(url):
    """{(assignment, student): {grade id: (score, max score, manually adjusted)}} from the gradebook."""
    scores = collections.defaultdict(dict)
    with api.Gradebook(url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        scores[assignment.name, submission.student.id][grade.name] = (
                            grade.score, grade.max_score, grade.manual_score is not None)
    return scores


def what_it_checks(part_source):
    """The first line of a grade cell's docstring: it is shown to learners in the release too."""
    first = part_source.strip().splitlines()[0] if part_source.strip() else ""
    return first.strip().strip('"').strip("'") or "(no description)"


def write_feedback(root, url, wanted_assignments=(), wanted_students=()):
    """feedback/<student>/<assignment>/<assignment>.html for each graded submission; returns the paths."""
    scores = gradebook_scores(url)
    written = []
    for result in load_results(root, wanted_assignments, wanted_students):
        assignment, student = result["assignment"], result["student"]
        plan = plan_for(Path(root), assignment)
        recorded = scores.get((assignment, student), {})
        rows = []
        for part, verdict in zip(plan.parts, result["parts"], strict=False):
            score, maximum, manual = recorded.get(part.grade_id, (verdict["score"], verdict["points"], False))
            mark = "full" if score == maximum else "lost"
            adjusted = " (set by your instructor)" if manual else ""
            mistake = verdict.get("mistake")
            mistake = f"<p><b>Known mistake:</b> {html.escape(mistake)}</p>" if mistake else ""
            rows.append(f"<tr><td>{html.escape(what_it_checks(part.source))}"
                        f"{' <i>(hidden check)</i>' if verdict.get('hidden') else ''}</td>"
                        f"<td class='{mark}'>{score:g} / {maximum:g}{adjusted}</td>"
                        f"<td><pre>{html.escape(verdict['message'])}</pre>{mistake}</td></tr>")
        total = sum(s for s, _, _ in recorded.values()) if recorded else sum(p["score"] for p in result["parts"])
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in result.get("notes", []))
        failure = result.get("failure")
        failure = f"<p class='lost'><b>Not graded:</b> {html.escape(failure)}</p>" if failure else ""
        page = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{assignment} — feedback for "
                f"{html.escape(student)}</title>{STYLE}</head><body><h1>{assignment}: feedback</h1>"
                f"<p>Student: <b>{html.escape(student)}</b>. Score: <b>{total:g} / {plan.max_score:g}</b>.</p>"
                f"{failure}{f'<ul>{notes}</ul>' if notes else ''}"
                f"<table><tr><th>what was checked</th><th>points</th><th>what the check found</th></tr>"
                f"{''.join(rows)}</table></body></html>")
        path = Path(root) / "feedback" / student / assignment / f"{assignment}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written


def write_export(root, url, out):
    """A CSV, one row per student and assignment: total, maximum, and the score of every part."""
    scores = gradebook_scores(url)
    assignments = sorted({assignment for assignment, _ in scores})
    several = len(assignments) > 1
    part_columns = []
    for assignment in assignments:
        for part in plan_for(Path(root), assignment).parts:
            part_columns.append((assignment, part.grade_id))
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


def write_report(root, url, out):
    """An HTML class report: score distributions, pass rate per part, frequent mistakes, failures."""
    from matplotlib.figure import Figure

    scores = gradebook_scores(url)
    results = load_results(root)
    sections = []
    for assignment in sorted({assignment for assignment, _ in scores}):
        plan = plan_for(Path(root), assignment)
        totals = [sum(s for s, _, _ in parts.values()) for (a, _), parts in scores.items() if a == assignment]
        passed = collections.Counter()
        for (a, _), parts in scores.items():
            if a == assignment:
                passed.update(g for g, (s, m, _) in parts.items() if s == m)
        figure = Figure(figsize=(10, 3.2), layout="constrained")
        left, right = figure.subplots(1, 2)
        left.hist(totals, bins=min(20, int(plan.max_score) + 1), range=(0, plan.max_score), color="C0")
        left.set(title=f"{assignment}: total scores", xlabel="score", ylabel="students")
        ids = [part.grade_id for part in plan.parts]
        right.barh(ids, [passed[g] / max(len(totals), 1) for g in ids], color="C2")
        right.set(title="pass rate per part", xlabel="share of students with full points", xlim=(0, 1))
        right.invert_yaxis()
        right.tick_params(axis="y", labelsize=7)
        mean = sum(totals) / len(totals) if totals else 0.0
        sections.append(f"<h2>{assignment}</h2><p>{len(totals)} students, mean {mean:.1f} of {plan.max_score:g}.</p>"
                        f"<img alt='score distribution and pass rates of {assignment}' src='{_png(figure)}'>")
    mistakes = collections.Counter((r["assignment"], p["grade_id"], p["mistake"])
                                   for r in results for p in r["parts"] if p.get("mistake"))
    mistake_rows = "".join(f"<tr><td>{a}</td><td>{g}</td><td>{html.escape(m)}</td><td>{n}</td></tr>"
                           for (a, g, m), n in mistakes.most_common())
    failures = [(r["student"], r["assignment"], r["failure"]) for r in results if r.get("failure")]
    failures += [(r["student"], r["assignment"], note) for r in results for note in r.get("notes", [])]
    failure_rows = "".join(f"<tr><td>{html.escape(s)}</td><td>{a}</td><td>{html.escape(why)}</td></tr>"
                           for s, a, why in failures)
    page = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Nudge class report</title>{STYLE}"
            f"</head><body><h1>Class report</h1>{''.join(sections)}"
            f"<h2>Most frequent diagnosed mistakes</h2><table><tr><th>assignment</th><th>part</th><th>mistake</th>"
            f"<th>submissions</th></tr>{mistake_rows or '<tr><td colspan=4>none</td></tr>'}</table>"
            f"<h2>Submissions that failed, and why</h2><table><tr><th>student</th><th>assignment</th><th>what happened"
            f"</th></tr>{failure_rows or '<tr><td colspan=3>none</td></tr>'}</table></body></html>")
    Path(out).write_text(page, encoding="utf-8")
    return Path(out)


def _png(figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
