"""Grading one submission: a plain function of plain data, so any executor can run it.

1. Read the submitted notebook leniently (bad JSON, a BOM, odd metadata and duplicated cells are
   all survivable) and keep the learner's own code: their answer cells and any cell they added.
2. Run that code in the sandbox, after the source notebook's imports cell, then call the learner's
   functions at the points of every check of every part, drawn from a seed of this student's own.
3. Judge the answers here, against expected values that never left this process.
4. Build the graded notebook: the source notebook's cells, the learner's answers in place, and each
   grade cell with its verdict as output.
"""

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import sandbox
from autograder.outcomes import decode_outcome
from autograder.plan import plan_for
from course.checks import judge

OUTPUT_LIMIT = 25_000  # characters of a cell's output kept: the runner keeps 20,000 and notes what it cut


@dataclass
class PartResult:
    grade_id: str
    points: float
    score: float
    message: str
    mistake: str | None = None
    hidden: bool = False


@dataclass
class SubmissionResult:
    """The verdict on one submission; `failure` is set when it could not be graded at all."""

    student: str
    assignment: str
    parts: list = field(default_factory=list)
    failure: str | None = None
    notes: list = field(default_factory=list)
    notebook: dict | None = None  # the graded notebook, as nbformat JSON
    seconds: float = 0.0

    @property
    def score(self):
        return sum(part.score for part in self.parts)

    @property
    def max_score(self):
        return sum(part.points for part in self.parts)


def grade_submission(root, assignment, student, limits=sandbox.DEFAULT_LIMITS):
    """Grade submitted/<student>/<assignment>/ of the course at `root`."""
    path, note = choose_notebook(Path(root) / "submitted" / student / assignment, assignment)
    return grade_notebook(plan_for(Path(root), assignment), path, student, limits, notes=[note] if note else [])


def grade_notebook(plan, path, student, limits=sandbox.DEFAULT_LIMITS, isolate=True, notes=()):
    """Grade the notebook at `path` (None: nothing to grade) by `plan`, seeded for `student`."""
    started = time.monotonic()
    assignment = plan.assignment
    result = SubmissionResult(student, assignment, notes=list(notes))
    cells, failure = (None, (notes or ["no notebook"])[0]) if path is None else read_cells(path)
    if cells is None:
        result.failure = failure
        result.parts = [PartResult(p.grade_id, p.points, 0.0, f"not graded: {failure}") for p in plan.parts]
        return _finish(result, started)

    learner = learner_cells(cells, plan)
    calls, judged = [], []
    for part in plan.parts:
        for index, (function, check) in enumerate(part.checks):
            points = check.draw(seed=student_seed(student, assignment, part.grade_id, index, check.seed))
            judged.append((part, function, check, points))
            calls.append({"function": function, "points": points, "stable": check.stable})

    with tempfile.TemporaryDirectory(prefix="nudge-") as scratch:
        shutil.copy(path, Path(scratch) / f"{assignment}.ipynb")  # the sandbox's folder holds only the notebook
        run = sandbox.run([plan.imports, *[cell["source"] for cell in learner]], calls, Path(scratch), limits,
                          isolate)

    verdicts = {}
    for call_index, (part, function, check, points) in enumerate(judged):
        incident = run.incidents.get(("call", call_index))
        if incident or call_index not in run.calls:
            why = incident or run.incidents.get(("sandbox", 0)) or "it was never reached (an earlier problem)"
            verdict = (False, f"✗ {function}: could not be checked: {why}.", None)
        else:
            outcomes = [decode_outcome(item) for item in (run.calls[call_index] or [])][: len(points)]
            outcomes += [decode_outcome(None)] * (len(points) - len(outcomes))
            checked = judge(check, points, outcomes, function, plan.parameters.get(function, []))
            verdict = (checked.passed, checked.message, checked.mistake.name if checked.mistake else None)
        verdicts.setdefault(part.grade_id, []).append(verdict)
    for part in plan.parts:
        passed = all(ok for ok, _, _ in verdicts[part.grade_id])
        failing = [(message, mistake) for ok, message, mistake in verdicts[part.grade_id] if not ok]
        message = "\n".join(m for m, _ in failing) if failing else "\n".join(m for _, m, _ in verdicts[part.grade_id])
        mistake = next((mistake for _, mistake in failing if mistake), None)
        result.parts.append(PartResult(part.grade_id, part.points, part.points if passed else 0.0, message, mistake,
                                       "BEGIN HIDDEN TESTS" in part.source))
    for (kind, index), why in run.incidents.items():
        if kind == "cell":
            where = f"your code cell {learner[index - 1]['number']}" if index else "the notebook's imports cell"
            result.notes.append(f"{where} was stopped and skipped: {why}")
        elif kind == "sandbox":
            result.notes.append(f"your code could not run: {why}")
    result.notebook = graded_notebook(plan, cells, learner, run, result)
    return _finish(result, started)


def _finish(result, started):
    result.seconds = time.monotonic() - started
    return result


def choose_notebook(folder, assignment):
    """The notebook to grade, and a note when the choice needed explaining.

    The policy: grade <assignment>.ipynb; if it is missing and exactly one other notebook is there
    (a renamed copy such as "01-slope-Copy1.ipynb"), grade that one and say so; never run any other.
    """
    expected = folder / f"{assignment}.ipynb"
    if expected.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb") if p != expected)
        return expected, (f"only {expected.name} was graded; also submitted: {', '.join(others)}" if others else None)
    candidates = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if len(candidates) == 1:
        return candidates[0], f"{expected.name} was missing, so {candidates[0].name} was graded in its place"
    if not candidates:
        return None, f"no notebook was submitted (expected {expected.name})"
    names = ", ".join(p.name for p in candidates)
    return None, f"{expected.name} is missing and several notebooks were submitted ({names}): rename the one to grade"


def read_cells(path):
    """The cells of a notebook file as plain dicts, or (None, why it cannot be read)."""
    data = path.read_bytes()
    if not data.strip():
        return None, "the notebook file is empty"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte order mark, as some editors write
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"the notebook is not UTF-8 text (byte {error.start})"
    try:
        notebook = json.loads(text)
    except ValueError as error:
        return None, f"the notebook is not valid JSON ({error}); open it in Jupyter, save it, and submit again"
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return None, "the file is JSON but not a notebook (it has no list of cells)"
    cells = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        nbgrader = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
        cells.append({"number": number, "type": str(cell.get("cell_type", "")), "source": _clean(source),
                      "grade_id": str(nbgrader.get("grade_id", "")), "grade": bool(nbgrader.get("grade"))})
    return cells, None


def _clean(text):
    """Text with lone surrogates replaced, so it can be written out again."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def learner_cells(cells, plan):
    """The learner's own code: answer cells (matched by grade id), and cells not from the instructor.

    Instructor cells (worked examples, widgets) are not run: answers only use the imports cell, which
    is run first. Grade cells, edited or not, are never run: the checks are the source notebook's.
    """
    grade_ids = {part.grade_id for part in plan.parts}
    chosen = []
    for cell in cells:
        if cell["type"] != "code" or cell["grade"] or cell["grade_id"] in grade_ids:
            continue
        if cell["grade_id"] in plan.solution_ids or cell["source"].strip() not in plan.instructor_sources:
            chosen.append(cell)
    return chosen


def student_seed(student, assignment, grade_id, index, seed):
    """A seed of this student's own for one check: hidden points differ between students, and a re-grade repeats."""
    key = f"{assignment}/{grade_id}/{index}/{seed}/{student}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "little")


def graded_notebook(plan, cells, learner, run, result):
    """The source notebook with the learner's answers and code in place and each grade cell's verdict."""
    notebook = nbformat.from_dict(json.loads(json.dumps(plan.source)))
    answers = {}  # grade id -> the learner's first cell with it (a duplicate is kept as an added cell)
    for cell in learner:
        if cell["grade_id"] in plan.solution_ids:
            answers.setdefault(cell["grade_id"], cell)
    outputs = {cell["number"]: run.cells.get(index + 1) for index, cell in enumerate(learner)}
    verdicts = {part.grade_id: part for part in result.parts}
    graded = []
    for cell in notebook.cells:
        info = cell.metadata.get("nbgrader", {})
        if info.get("solution") and info.get("grade_id") in answers:
            answer = answers[info["grade_id"]]
            cell.source = answer["source"]
            cell.outputs = _outputs(outputs.get(answer["number"])) if cell.cell_type == "code" else []
        elif info.get("solution") and cell.cell_type == "code":
            cell.source = "# (this answer cell was missing from the submission)\nraise NotImplementedError()"
        part = verdicts.get(info.get("grade_id")) if info.get("grade") else None
        if part is not None:  # (a release's hidden-check cells have no checks, so no verdict)
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=part.message + "\n")]
            if part.score < part.points:
                cell.outputs = [nbformat.v4.new_output("error", ename="CheckFailed", evalue=part.message,
                                                       traceback=[part.message])]
        graded.append(cell)
    for cell in (cell for cell in learner if answers.get(cell["grade_id"]) is not cell):
        added = nbformat.v4.new_code_cell(cell["source"], outputs=_outputs(outputs.get(cell["number"])))
        added.metadata["nudge"] = {"added_by_learner": True, "position": cell["number"]}
        graded.append(added)
    notebook.cells = graded
    return notebook


def _outputs(ran):
    if not ran:
        return []
    outputs = []
    if ran.get("output"):
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=ran["output"][:OUTPUT_LIMIT]))
    if ran.get("error"):
        outputs.append(nbformat.v4.new_output("error", ename="Error", evalue=ran["error"], traceback=[ran["error"]]))
    return outputs


def write_graded_notebook(root, result):
    """autograded/<student>/<assignment>/<assignment>.ipynb, replaced in one step."""
    if result.notebook is None:
        return None
    target = Path(root) / "autograded" / result.student / result.assignment / f"{result.assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".ipynb.partial")
    nbformat.write(result.notebook, temporary)
    temporary.replace(target)
    return target

