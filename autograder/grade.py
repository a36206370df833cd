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
import os
import resource
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from autograder import judging, sandbox
from autograder.clean import clean_code, clean_name, clean_text, has_hidden_characters, shown_code
from autograder.course_dir import grading_secret
from autograder.plan import Plan, plan_for
from autograder.spec import quietly
from course import checkfile
from course.checks import Check, point_names

OUTPUT_LIMIT = sandbox.CELL_OUTPUT_LIMIT
NOTEBOOK_LIMIT = 64 << 20  # bytes of a submitted notebook read
MOST_CELLS = 2_000  # a course notebook has under a hundred; thousands only make grading slow for everyone
MOST_CODE = 2 << 20  # characters of code in all cells together
WORKER_MEMORY = 3 << 30  # bytes a grading worker may add: reading one hostile notebook must not take the machine


@dataclass
class PartResult:
    """The verdict on one grade cell, recorded with what it checks so that reports need not read source/."""

    grade_id: str
    points: float
    score: float
    message: str
    mistake: str | None = None
    hidden: bool = False
    description: str = ""


@dataclass
class SubmissionResult:
    """The verdict on one submission; `failure` is set when it could not be graded at all."""

    student: str
    assignment: str
    parts: list[PartResult] = field(default_factory=list)
    failure: str | None = None
    notes: list[str] = field(default_factory=list)
    # The graded notebook as nbformat's JSON text, checked and written out by the worker that graded it: text is the
    # cheapest thing to send back and to save, and the one process that records every result only writes it out.
    notebook: str | None = None
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(part.score for part in self.parts)

    @property
    def max_score(self) -> float:
        return sum(part.points for part in self.parts)

    @classmethod
    def from_record(cls, data: dict) -> "SubmissionResult":
        """The result a result file holds (what `dataclasses.asdict` made of it), typed again."""
        fields = {name: data[name] for name in ("student", "assignment", "failure", "notes", "seconds") if name in data}
        parts = [PartResult(**{name: part[name] for name in PART_FIELDS if name in part}) for part in data["parts"]]
        return cls(**fields, parts=parts)


PART_FIELDS = tuple(PartResult.__dataclass_fields__)


def limit_worker_memory() -> None:
    """In a grading worker (a pool's or a cluster's): a soft limit on its address space, WORKER_MEMORY above what it
    has mapped now, so that a blow-up is a MemoryError, not the out-of-memory killer taking the machine."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (judging.address_space_in_use() + WORKER_MEMORY, hard))


def grade_submission(root: Path, assignment: str, student: str,
                     limits: sandbox.Limits = sandbox.DEFAULT_LIMITS) -> SubmissionResult:
    """Grade submitted/<student>/<assignment>/ of the course at `root`."""
    return grade_task(plan_for(Path(root), assignment), submission_task(root, assignment, student, limits))


@dataclass(frozen=True)
class SubmissionTask:
    """One submission as plain data, all that grading it needs beside its assignment's plan: a worker of a
    cluster, with no course folder and no gradebook, grades it from this alone."""

    student: str
    seeds: tuple[int, ...]  # one per part of the plan, the student's own; the course's secret stays with nudge grade
    limits: sandbox.Limits
    notebook: bytes | None  # the submitted notebook's bytes; None when there is none to grade
    failure: str | None  # why there is no notebook to grade
    notes: tuple[str, ...] = ()  # what choosing the notebook said


def submission_task(root: Path, assignment: str, student: str,
                    limits: sandbox.Limits = sandbox.DEFAULT_LIMITS) -> SubmissionTask:
    """submitted/<student>/<assignment>/ read here, under the course's rules (`choose_notebook`), into a task."""
    path, note = choose_notebook(Path(root), student, assignment)
    data, failure = (None, note or "no notebook") if path is None else read_notebook(path)
    seeds = student_seeds(plan_for(Path(root), assignment), grading_secret(Path(root)), student)
    return SubmissionTask(student, seeds, limits, data, failure, (note,) if note else ())


def grade_task(plan: Plan, task: SubmissionTask) -> SubmissionResult:
    """Grade one task by its assignment's `plan`: what a process pool's worker or a cluster's worker runs."""
    return grade_notebook_bytes(plan, task.notebook, task.failure, task.student, task.seeds, task.limits,
                                notes=task.notes)


def grade_notebook_bytes(plan: Plan, data: bytes | None, failure: str | None, student: str, seeds: Sequence[int],
                         limits: sandbox.Limits = sandbox.DEFAULT_LIMITS, isolate: bool = True,
                         notes: Sequence[str] = (),
                         budget: judging.Budget = judging.DEFAULT_BUDGET) -> SubmissionResult:
    """Grade a notebook's bytes (None: nothing to grade, for the reason `failure`) by `plan`, each part's points
    drawn from its seed in `seeds` (`student_seeds`)."""
    if len(seeds) != len(plan.parts):
        raise ValueError(f"{len(seeds)} seeds for the {len(plan.parts)} parts of {plan.assignment}")
    started = time.monotonic()
    assignment = plan.assignment
    result = SubmissionResult(clean_text(student), assignment, notes=[clean_text(note) for note in notes])
    if data is None and failure is not None:
        failure = clean_text(failure)
    cells, failure = (None, failure) if data is None else read_cells(data)
    if cells is None:
        assert failure is not None  # each way of reading no cells says why
        result.failure = failure
        result.parts = ungraded_parts(plan, failure)
        return _finish(result, started)
    assert data is not None  # the cells were read from it

    learner = learner_cells(cells, plan)
    # One call per part: its function at points drawn from a seed of this student's own.
    drawn = [part.check.draw(seed=seed) for part, seed in zip(plan.parts, seeds, strict=True)]
    calls = [{"function": part.function, "points": points, "stable": part.check.stable,
              "watch": bool(part.check.by_hand or part.check.forbid), "call": probe_name(part.check)}
             for part, points in zip(plan.parts, drawn, strict=True)]

    # The sandbox's folder holds only the notebook: the bytes read here, never a path it could follow.
    sources = [plan.imports, *[cell["source"] for cell in learner]]
    run = sandbox.run(sources, calls, {f"{assignment}.ipynb": data}, limits, isolate)

    verdicts: dict[int, judging.Verdict] = {}
    answered = []
    for index, part in enumerate(plan.parts):
        if index in run.calls and ("call", index) not in run.incidents:
            answered.append(index)
        else:
            why = (run.incidents.get(("call", index)) or run.incidents.get(("sandbox", 0))
                   or "it was never reached (an earlier problem)")
            verdicts[index] = judging.Verdict(False, f"✗ {part.function}: could not be checked: {why}.")
    # The helpers the sandbox saw each function's code call, over all its calls: a shortcut met at the points of one
    # grade (a Value's exp) is the exercise's, whatever points its other grades drew.
    used: dict[str, set[str]] = {}
    for index in answered:
        used.setdefault(plan.parts[index].function, set()).update(run.used.get(index, []))
    to_judge = []
    for index in answered:
        part = plan.parts[index]
        if part.hidden:
            with quietly():  # the reference's own warnings are nobody's concern here
                rights = part.check.expected_outcomes(drawn[index])
        else:
            rights = part.visible_rights
        to_judge.append(judging.CallToJudge(part.function, part.check, drawn[index],
                                            point_names(part.check, plan.parameters.get(part.function, [])),
                                            run.calls[index],
                                            sorted(used[part.function]), rights))
    verdicts.update(zip(answered, judging.judge_calls(to_judge, budget, sources), strict=True))
    for index, part in enumerate(plan.parts):
        verdict = verdicts[index]
        result.parts.append(PartResult(part.grade_id, part.points, part.points if verdict.passed else 0.0,
                                       verdict.message, None if verdict.passed else verdict.mistake, part.hidden,
                                       part.description))
    for (kind, index), why in run.incidents.items():
        if kind == "cell":
            where = f"your code cell {learner[index - 1]['number']}" if index else "the notebook's imports cell"
            result.notes.append(f"{where} was stopped and skipped: {why}")
        elif kind == "sandbox":
            result.notes.append(f"your code could not run: {why}")
    result.notebook = nbformat.writes(graded_notebook(plan, cells, learner, run, result))
    return _finish(result, started)


def probe_name(check: Check) -> str | None:
    """The dotted name of the function of course/ the check calls the learner's object through, for the runner."""
    return None if check.call is None else checkfile.encode(check.call)["function"]


def ungraded_parts(plan: Plan, why: str) -> list[PartResult]:
    """Every part at 0 with the reason: recorded, they replace any earlier automatic grades."""
    return [PartResult(part.grade_id, part.points, 0.0, f"not graded: {why}", hidden=part.hidden,
                       description=part.description) for part in plan.parts]


def _finish(result: SubmissionResult, started: float) -> SubmissionResult:
    result.seconds = time.monotonic() - started
    return result


def choose_notebook(root: Path, student: str, assignment: str) -> tuple[Path | None, str | None]:
    """The notebook to grade, and a note when the choice needed explaining (or why there is none).

    The policy: grade <assignment>.ipynb; if it is missing and exactly one other notebook is there
    (a renamed copy such as "01-slope-Copy1.ipynb"), grade that one and say so; never run any other.
    Files are what they say: a student folder, assignment folder or notebook that is a symbolic
    link, or that resolves outside submitted/<student>/<assignment>/, is not graded.
    """
    folder = Path(root) / "submitted" / student / assignment
    problem = submission_folder_problem(root, student, assignment)
    if problem:
        return None, problem
    expected = folder / f"{assignment}.ipynb"
    notebooks = sorted(folder.glob("*.ipynb"))
    if expected.exists() or expected.is_symlink():
        others = sorted(clean_name(p.name) for p in notebooks if p != expected)
        return expected, (f"only {expected.name} was graded; also submitted: {', '.join(others)}" if others else None)
    if len(notebooks) == 1:
        return notebooks[0], f"{expected.name} was missing, so {clean_name(notebooks[0].name)} was graded in its place"
    if not notebooks:
        return None, f"no notebook was submitted (expected {expected.name})"
    names = ", ".join(clean_name(p.name) for p in notebooks)
    return None, f"{expected.name} is missing and several notebooks were submitted ({names}): rename the one to grade"


def submission_folder_problem(root: Path, student: str, assignment: str) -> str | None:
    """Why submitted/<student>/<assignment>/ is not a folder of the course's own (a symbolic link, or one that resolves
    outside submitted/), or None when it is."""
    submitted = Path(root) / "submitted"
    folder = submitted / student / assignment
    for place, what in ((submitted / student, "student folder"), (folder, "assignment folder")):
        if place.is_symlink():
            return f"the {what} {_shown(place, root)} is a symbolic link: submit the files themselves"
    if not folder.is_dir() or folder.resolve().parent.parent != submitted.resolve():
        return f"{_shown(folder, root)} is not a folder inside submitted/"
    return None


def _shown(path: Path, root: Path) -> str:
    return clean_name(os.path.relpath(path, root))


def read_notebook(path: Path) -> tuple[bytes | None, str | None]:
    """The bytes of a submitted notebook, or (None, why not): never through a symbolic link, never a special file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if path.is_symlink():
            return None, f"{clean_name(path.name)} is a symbolic link, not a notebook: submit the notebook itself"
        return None, f"{clean_name(path.name)} cannot be read ({error.strerror})"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, f"{clean_name(path.name)} is not a regular file"
        if info.st_size > NOTEBOOK_LIMIT:
            return None, f"the notebook is {info.st_size >> 20} MiB, more than the {NOTEBOOK_LIMIT >> 20} MiB accepted"
        return handle.read(NOTEBOOK_LIMIT + 1), None


def read_cells(data: bytes) -> tuple[list[dict[str, Any]] | None, str | None]:
    """The cells of a notebook's bytes as plain dicts, or (None, why it cannot be read)."""
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
    except MemoryError:
        return None, "the notebook is too large to read; clear its outputs (Edit ▸ Clear Outputs of All Cells), " \
                     "save it, and submit again"
    except RecursionError:
        return None, "the notebook's JSON is nested far too deep to be a notebook; open it in Jupyter, save it, " \
                     "and submit again"
    except ValueError as error:
        return None, f"the notebook is not valid JSON ({clean_text(error)}); open it in Jupyter, save it, and " \
                     "submit again"
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return None, "the file is JSON but not a notebook (it has no list of cells)"
    if len(notebook["cells"]) > MOST_CELLS:
        return None, f"the notebook has {len(notebook['cells'])} cells, more than the {MOST_CELLS} accepted; " \
                     "delete the ones you do not need and submit again"
    cells: list[dict[str, Any]] = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict):
            return None, f"cell {number} of the notebook is not a cell (a JSON object); open the notebook in " \
                         "Jupyter, save it, and submit again"
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            return None, f"the source of cell {number} is not text ({type(source).__name__}); open the notebook in " \
                         "Jupyter, save it, and submit again"
        metadata: Any = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        nbgrader = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
        cells.append({"number": number, "type": clean_text(cell.get("cell_type", "")), "source": clean_code(source),
                      "grade_id": clean_text(nbgrader.get("grade_id", "")), "grade": nbgrader.get("grade") is True})
    if sum(len(cell["source"]) for cell in cells) > MOST_CODE:
        return None, f"the notebook holds more than {MOST_CODE >> 20} MB of text in its cells; delete what you do " \
                     "not need and submit again"
    return cells, None


def learner_cells(cells: list[dict[str, Any]], plan: Plan) -> list[dict[str, Any]]:
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


def student_seeds(plan: Plan, secret: str, student: str) -> tuple[int, ...]:
    """The seed of each part of `plan` for `student`: worked out where the course's secret is kept, so that what a
    cluster's worker is sent lets no one work out another student's points."""
    return tuple(student_seed(secret, student, plan.assignment, part.grade_id, part.check.seed) for part in plan.parts)


def student_seed(secret: str, student: str, assignment: str, grade_id: str, seed: int) -> int:
    """A seed of this student's own for one check: hidden points differ between students, a re-grade repeats them,
    and without the course's secret nobody can work them out from the release."""
    key = f"{secret}/{assignment}/{grade_id}/{seed}/{student}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "little")


def graded_notebook(plan: Plan, cells: list[dict[str, Any]], learner: list[dict[str, Any]], run: sandbox.RunResult,
                    result: SubmissionResult) -> nbformat.NotebookNode:
    """The source notebook with the learner's answers and code in place and each grade cell's verdict.

    The learner's code is shown with control and text-direction characters made visible (what ran
    is in their own notebook); cells are built as plain data, checked once when the notebook is written.
    """
    notebook = nbformat.from_dict(json.loads(json.dumps(plan.source)))
    # grade id -> the learner's first cell with it (a duplicate is kept as an added cell)
    answers: dict[str, dict[str, Any]] = {}
    for cell in learner:
        if cell["grade_id"] in plan.solution_ids:
            answers.setdefault(cell["grade_id"], cell)
    outputs = {cell["number"]: run.cells.get(index + 1) for index, cell in enumerate(learner)}
    verdicts = {part.grade_id: part for part in result.parts}
    missing = "this answer cell was missing from the submission" if result.failure is None else \
        "this submission could not be graded: each check below says why"
    graded = []
    for cell in notebook.cells:
        info = cell.metadata.get("nbgrader", {})
        if info.get("solution") and info.get("grade_id") in answers:
            answer = answers[info["grade_id"]]
            cell.source = shown_code(answer["source"])
            cell.outputs = _outputs(outputs.get(answer["number"])) if cell.cell_type == "code" else []
        elif info.get("solution") and cell.cell_type == "code":
            cell.source = f"# ({missing})\nraise NotImplementedError()"
        part = verdicts.get(info.get("grade_id")) if info.get("grade") else None
        if part is not None:  # (a release's hidden-check cells have no checks, so no verdict)
            cell.outputs = [_output("stream", name="stdout", text=part.message + "\n")]
            if part.score < part.points:
                cell.outputs = [_output("error", ename="CheckFailed", evalue=part.message, traceback=[part.message])]
        graded.append(cell)
    for cell in (cell for cell in learner if answers.get(cell["grade_id"]) is not cell):
        graded.append(nbformat.from_dict({
            "cell_type": "code", "id": f"added-by-learner-{cell['number']}", "execution_count": None,
            "source": shown_code(cell["source"]), "outputs": _outputs(outputs.get(cell["number"])),
            "metadata": {"nudge": {"added_by_learner": True, "position": cell["number"]}}}))
    hidden = [cell["number"] for cell in learner if has_hidden_characters(cell["source"])]
    if hidden:
        result.notes.append(f"cells {', '.join(map(str, hidden))} hold control or text-direction characters, which "
                            "can make code look other than it runs: the graded copy shows them escaped")
    notebook.cells = graded
    return notebook


def _output(output_type: str, **fields: Any) -> nbformat.NotebookNode:
    return nbformat.from_dict({"output_type": output_type, **fields})


def _outputs(ran: dict[str, Any] | None) -> list[nbformat.NotebookNode]:
    if not ran:
        return []
    outputs = []
    if ran.get("output"):
        outputs.append(_output("stream", name="stdout", text=ran["output"][:OUTPUT_LIMIT]))
    if ran.get("error"):
        outputs.append(_output("error", ename="Error", evalue=ran["error"], traceback=[ran["error"]]))
    return outputs


def failed_notebook(plan: Plan, result: SubmissionResult) -> nbformat.NotebookNode:
    """The graded notebook of a submission that could not be graded: every check at 0 with the reason as its output,
    and a first cell that says so; the formgrader lists it beside the others (it lists only graded notebooks)."""
    notebook = graded_notebook(plan, [], [], sandbox.RunResult(), result)
    # Fixed text: the reason, which may quote a learner's file name, is only ever an output (shown as text).
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(
        "**This submission could not be graded.** Each check below gives 0 points and says why."))
    return notebook


def write_graded_notebook(root: Path, result: SubmissionResult) -> Path:
    """autograded/<student>/<assignment>/<assignment>.ipynb, replaced in one step (`failed_notebook` for a failure)."""
    text = result.notebook
    if text is None:
        text = nbformat.writes(failed_notebook(plan_for(Path(root), result.assignment), result))
    target = Path(root) / "autograded" / result.student / result.assignment / f"{result.assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".ipynb.partial")
    temporary.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")  # as nbformat.write ends it
    temporary.replace(target)
    return target

