"""Grading a class: every submission in parallel, one writer for the gradebook, a summary at the end.

Workers only compute (`grade_submission` is a plain function); this process alone writes the
gradebook, the graded notebooks and each submission's result file, as results come back (`Recorder`),
keeping of each only a line for the summary. One bad submission, or even a failure of the grader on
it, costs only that submission: the batch goes on and reports it.
"""

import collections
import concurrent.futures
import contextlib
import dataclasses
import datetime
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import tqdm
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import sandbox
from autograder.clean import clean_name, clean_text
from autograder.course_dir import CourseError, assignments, grading_secret
from autograder.grade import (
    SubmissionResult,
    grade_submission,
    limit_worker_memory,
    submission_folder_problem,
    ungraded_parts,
    write_graded_notebook,
)
from autograder.gradebook import GradebookWriter, LockLost
from autograder.plan import plan_for

if TYPE_CHECKING:
    from autograder.cluster import ClusterChoice

RESULT_FILE = "nudge-result.json"  # beside each graded notebook: what feedback and reports read


def find_submissions(root: Path, wanted_assignments: Sequence[str] = (),
                     wanted_students: Sequence[str] = ()) -> list[tuple[str, str]]:
    """[(assignment, student)] under submitted/, for the wanted assignments and students."""
    ids = assignments(root, wanted_assignments)
    folder = Path(root) / "submitted"
    # A symbolic link is listed too, so that it gets a reason rather than silence (grading refuses it).
    students = sorted(p.name for p in folder.iterdir() if p.is_dir() or p.is_symlink()) if folder.is_dir() else []
    unknown = [student for student in wanted_students if student not in students]
    if unknown:
        raise CourseError(f"no submissions from {', '.join(clean_text(s) for s in unknown)} in {folder}")
    chosen = list(wanted_students) or students
    return [(assignment, student) for assignment in ids for student in chosen
            if (folder / student / assignment).is_dir() or (folder / student / assignment).is_symlink()]


def grade_all(root: Path, submissions: list[tuple[str, str]], url: str, workers: int | None = None,
              limits: sandbox.Limits = sandbox.DEFAULT_LIMITS, progress: TextIO = sys.stderr,
              cluster: "ClusterChoice | None" = None) -> tuple[list["Graded"], Path | None]:
    """Grade `submissions` and record them; returns each one's summary line, in the order given.

    In a process pool of `workers` on this machine, or on the Dask cluster `cluster` (autograder.cluster)."""
    root = Path(root)
    sandbox.check_available()
    grading_secret(root)  # made here, once, before any worker reads it
    assignments_graded = list(dict.fromkeys(assignment for assignment, _ in submissions))  # in the order graded
    with contextlib.ExitStack() as stack:
        client = None
        if cluster is not None:
            from autograder.cluster import RunPlans, connect, grade_on_cluster, take_off_workers, wait_for_workers

            # The cluster first: one that cannot be reached stops the run before anything else. Its workers join,
            # and start their warm sandboxes, while the plans are worked out below.
            client = stack.enter_context(connect(cluster, limits, wait=False))
        # matplotlib's font list is built once here (by a process of its own, meanwhile), so that every worker of
        # the process pool, forked below, starts with it (a cluster's workers build their own: autograder.warm).
        with concurrent.futures.ThreadPoolExecutor(1) as fonts:
            if cluster is None:
                fonts.submit(sandbox.matplotlib_cache)
            for assignment in sorted(assignments_graded):
                try:
                    plan_for(root, assignment)  # a broken source notebook stops the run before anything changes
                except Exception as error:
                    if isinstance(error, CourseError):
                        raise
                    raise CourseError(f"the grade cells of source/{assignment} cannot be read: {error}") from error
        if cluster is not None and client is not None:
            plans = RunPlans.of(root, assignments_graded)  # pickled and put on the workers while the gradebook opens
            plans.put_on(client)
            stack.callback(take_off_workers, client, plans)  # whatever stops the run from here (a busy gradebook)
            wait_for_workers(client, cluster)  # a worker that cannot start stops the run before the gradebook opens
        writer = stack.enter_context(GradebookWriter(root, url))
        bar = progress_bar(len(submissions), progress)
        writer.ensure_assignments(sorted(assignments_graded))
        recorder = Recorder(root, writer)
        try:
            # A folder name with control characters would be recorded under a cleaned id that another student's
            # folder may share: such a submission is not graded (and not recorded), with the reason.
            for assignment, student in submissions:
                if clean_name(student) != student:
                    recorder.graded[assignment, student] = Graded.of(failed(
                        root, assignment, student,
                        f"the student folder's name {clean_name(student)} holds control characters: rename it"))
                    bar.update()
            pending = [key for key in submissions if key not in recorder.graded]
            if client is not None:
                def done(key: tuple[str, str], result: SubmissionResult) -> None:
                    recorder.add(key, result)
                    bar.update()

                grade_on_cluster(client, root, pending, limits, done, tick=recorder.tick, plans=plans)
                pending = []
            broken: collections.Counter[tuple[str, str]] = collections.Counter()
            while pending:  # a pool whose worker died is replaced, and what it had not finished is graded again
                alone = [key for key in pending if broken[key] >= 2]  # twice in a broken pool: now one by one
                pending = _grade_in_pool(root, [key for key in pending if broken[key] < 2], workers, limits, broken,
                                         recorder, bar)
                for key in alone:
                    _grade_in_pool(root, [key], 1, limits, broken, recorder, bar, last_chance=True)
        finally:
            recorder.flush()  # what came back before a stop (Ctrl-C, say) is recorded, not left for a re-grade
    bar.close()
    if writer.backup_note:
        print(f"Note: {writer.backup_note}.", file=progress)
    return [recorder.graded[key] for key in submissions], writer.backup_path


def _grade_in_pool(root: Path, submissions: list[tuple[str, str]], workers: int | None, limits: sandbox.Limits,
                   broken: collections.Counter[tuple[str, str]], recorder: "Recorder", bar: tqdm.tqdm,
                   last_chance: bool = False) -> list[tuple[str, str]]:
    """Grade and record `submissions` in one process pool; returns those to grade again in a new pool.

    A worker that dies (the kernel's out-of-memory killer, say) breaks the whole pool, and every
    submission it had not finished with it. Those are graded again in a new pool; the ones caught
    in a broken pool twice are then graded one by one, each in a pool of its own (`last_chance`),
    so that the one that kills its worker is recorded as failed and costs no one else anything.
    """
    again: set[tuple[str, str]] = set()
    workers = workers or os.cpu_count() or 1
    waiting = collections.deque(submissions)
    running: dict[concurrent.futures.Future[SubmissionResult], tuple[str, str]] = {}
    pause = None
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, initializer=limit_worker_memory) as pool:
        try:
            while waiting or running:
                # Two tasks a worker in flight: no worker waits for its next, and waiting on them all stays cheap.
                while waiting and len(running) < 2 * workers:
                    key = waiting.popleft()
                    try:
                        running[pool.submit(grade_submission, root, *key, limits)] = key
                    except concurrent.futures.process.BrokenProcessPool:  # a worker died: the rest go to a new pool
                        again.update([key, *waiting])
                        waiting.clear()
                finished, _ = concurrent.futures.wait(running, timeout=pause,
                                                      return_when=concurrent.futures.FIRST_COMPLETED)
                for future in finished:
                    assignment, student = running.pop(future)
                    try:
                        result = future.result()
                    except concurrent.futures.process.BrokenProcessPool:
                        broken[assignment, student] += 1
                        if not last_chance:
                            again.add((assignment, student))
                            continue
                        result = failed(root, assignment, student, "the grader's worker process died while grading "
                                                                    "it (out of memory, for example)")
                    except Exception as error:  # the grader's own failure on one submission must not stop the rest
                        result = failed(root, assignment, student, f"the grader failed on it: {error!r}")
                    recorder.add((assignment, student), result)
                    bar.update()
                pause = recorder.tick()
        except LockLost:
            pool.shutdown(cancel_futures=True)  # a run that can no longer write grades nothing more
            raise
    return [key for key in submissions if key in again]


def failed(root: Path, assignment: str, student: str, why: str) -> SubmissionResult:
    """A result that gives every part 0 with the reason: recorded, it replaces any earlier automatic grades."""
    why = clean_text(why, 2_000)
    return SubmissionResult(clean_text(student), assignment, parts=ungraded_parts(plan_for(root, assignment), why),
                            failure=why)


@dataclasses.dataclass(frozen=True)
class Graded:
    """What the summary needs of one submission, all that a run keeps of it once it is recorded."""

    student: str
    assignment: str
    score: float
    max_score: float
    failure: str | None
    notes: tuple[str, ...]
    parts: int
    parts_passed: int  # given full points

    @classmethod
    def of(cls, result: SubmissionResult) -> "Graded":
        passed = sum(1 for part in result.parts if part.score == part.points)
        return cls(result.student, result.assignment, result.score, result.max_score, result.failure,
                   tuple(result.notes), len(result.parts), passed)


BATCH_SIZE = 50  # submissions a gradebook commit holds at most
BATCH_SECONDS = 0.5  # and the longest a submission waits for its commit once its files are written


class Recorder:
    """Records results as they come back: each one's graded notebook and result file at once, the gradebook in
    batches of up to BATCH_SIZE submissions, committed at the latest BATCH_SECONDS after the first of them came
    back (the caller's wait gives way to `tick`), and at the end. Files come first: a run stopped between the two
    leaves a submission's gradebook rows as they were (a re-grade records them), never rows without their files.
    Of a result, only its `Graded` line is kept, so a run's memory stays flat however large the class."""

    def __init__(self, root: Path, writer: GradebookWriter) -> None:
        self.root, self.writer = root, writer
        self.graded: dict[tuple[str, str], Graded] = {}  # by (assignment, student folder)
        self._batch: list[tuple[tuple[str, str], SubmissionResult, datetime.datetime]] = []
        self._due = 0.0  # time.monotonic() by which the batch is committed

    def add(self, key: tuple[str, str], result: SubmissionResult) -> None:
        """Write `result`'s files and queue its gradebook rows; if the files fail, record the failure instead."""
        try:
            write_files(self.root, result)
        except Exception as error:
            self._record_failure(key, result, error)
            return
        result.notebook = None  # on disk now: nothing here needs it again
        if not self._batch:
            self._due = time.monotonic() + BATCH_SECONDS
        self._batch.append((key, result, _now()))
        if len(self._batch) >= BATCH_SIZE:
            self.flush()

    def tick(self) -> float | None:
        """Commit the batch if it is due; returns how long the caller may wait for the next result before calling
        again (None: as long as it takes, nothing waits to be committed)."""
        if self._batch and time.monotonic() >= self._due:
            self.flush()
        return max(0.0, self._due - time.monotonic()) if self._batch else None

    def flush(self) -> None:
        """Commit the batch; a submission the gradebook refuses is recorded as failed, costing no other."""
        batch, self._batch = self._batch, []
        if not batch:
            return
        outcomes = self.writer.record([(result, at) for _, result, at in batch])
        for (key, result, _), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Exception):
                self._record_failure(key, result, outcome)
                continue
            problem = stamp_collection_time(self.root, result.assignment, result.student, outcome)
            if problem:  # for the summary only: the result file, which feedback shows the student, is written already
                result.notes.append(f"the formgrader will show it as needing autograding: {problem}")
            self.graded[key] = Graded.of(result)

    def _record_failure(self, key: tuple[str, str], result: SubmissionResult, error: Exception) -> None:
        """Record, in `result`'s place, that it could not be recorded, so that no earlier marks stay standing."""
        failure = failed(self.root, result.assignment, result.student, f"its grades could not be recorded: {error!r}")
        again: Exception | None = None
        try:
            write_files(self.root, failure)
            (outcome,) = self.writer.record([(failure, _now())])
            if isinstance(outcome, Exception):
                again = outcome
            else:
                stamp_collection_time(self.root, failure.assignment, failure.student, outcome)
        except LockLost:  # no submission's failure: it stops the run
            raise
        except Exception as problem:
            again = problem
        if again is not None:  # even the failure could not be written: the summary still says so
            failure.notes.append(clean_text(f"the failure could not be recorded either: {again!r}"))
        self.graded[key] = Graded.of(failure)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def write_files(root: Path, result: SubmissionResult) -> None:
    """The graded notebook (if any) and the result file of `result`, each replaced in one step."""
    write_graded_notebook(root, result)
    folder = root / "autograded" / result.student / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    data = dataclasses.asdict(dataclasses.replace(result, notebook=None))  # not a deep copy of the notebook
    data.pop("notebook")
    temporary = folder / (RESULT_FILE + ".partial")
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    temporary.replace(folder / RESULT_FILE)


TIMESTAMP = "timestamp.txt"  # nbgrader's record of when a submission was collected
AS_SUBMITTED = "timestamp-as-submitted.txt"  # a timestamp.txt that came with the submission, kept beside ours
GRADED_MARK = ".nudge-graded"  # in submitted/<student>/<assignment>/: `nudge grade` graded it (see KeepNudgeGrades)
GRADED_TEXT = "graded by nudge grade: stock nbgrader autograde stops here rather than replace its grades"


def stamp_collection_time(root: Path, assignment: str, student: str, collected_at: datetime.datetime) -> str | None:
    """Write the gradebook's collection time where nbgrader keeps it, as `nbgrader collect` and `autograde` do; returns
    why it could not, or None.

    The formgrader shows a submission as graded only when submitted/<student>/<assignment>/timestamp.txt says the time
    the gradebook holds, so it gets ours (a timestamp.txt that came with the submission, the student's or nbgrader
    collect's, is kept as timestamp-as-submitted.txt); autograded/ gets a copy, and submitted/ the mark that stops
    stock autograde from grading over ours. A name in a student's folder is never followed: each file is replaced.
    """
    problem = submission_folder_problem(root, student, assignment)
    if problem:
        return problem
    stamp = collected_at.strftime("%Y-%m-%d %H:%M:%S.%f UTC")  # nbgrader's own format
    submitted = root / "submitted" / student / assignment
    try:
        if _small_text(submitted / TIMESTAMP) != stamp:
            if os.path.lexists(submitted / TIMESTAMP):
                os.replace(submitted / TIMESTAMP, submitted / AS_SUBMITTED)
            _replace_file(submitted / TIMESTAMP, stamp)
        if _small_text(submitted / GRADED_MARK) != GRADED_TEXT:
            _replace_file(submitted / GRADED_MARK, GRADED_TEXT)
        _replace_file(root / "autograded" / student / assignment / TIMESTAMP, stamp)
    except OSError as error:
        return f"its timestamp.txt could not be written ({error.strerror or error})"
    return None


def _small_text(path: Path) -> str | None:
    """The text of a small regular file, read without following a symbolic link or waiting on a pipe; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return handle.read(200).decode("utf-8", "replace")


def _replace_file(path: Path, text: str) -> None:
    """Write `path` in one step: whatever had that name (a symbolic link too) is replaced, never written through."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".nudge-", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)  # as readable as the files nbgrader writes
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class KeepNudgeGrades(NbGraderPreprocessor):
    """Stops stock `nbgrader autograde` on a submission that `nudge grade` graded, before it changes a grade:
    nbgrader_config.py puts it first among Autograde's preprocessors. The formgrader's Autograde button runs stock
    autograde, and nbgrader has no setting to hide it; by the time a preprocessor runs, nbgrader has removed the
    graded notebook (a re-grade writes it again) but not yet touched the gradebook."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        student, assignment = resources["nbgrader"]["student"], resources["nbgrader"]["assignment"]
        if os.path.lexists(Path("submitted", student, assignment, GRADED_MARK)):  # nbgrader runs in the course folder
            student, assignment = clean_name(student), clean_name(assignment)
            raise CourseError(
                f"{student}'s {assignment} was graded by `nudge grade`, so stock nbgrader autograde stopped before "
                f"changing its grades. It had already removed autograded/{student}/{assignment}/: run `nudge grade "
                f"{assignment} --student {student}` to write it again. To grade it with stock nbgrader instead, delete "
                f"submitted/{student}/{assignment}/{GRADED_MARK} first.")
        return nb, resources


def load_results(root: Path, wanted_assignments: Sequence[str] = (),
                 wanted_students: Sequence[str] = ()) -> list[SubmissionResult]:
    """The results of graded submissions, read back from their result files."""
    found = []
    for path in sorted((Path(root) / "autograded").glob(f"*/*/{RESULT_FILE}")):
        result = SubmissionResult.from_record(json.loads(path.read_text(encoding="utf-8")))
        if (not wanted_assignments or result.assignment in wanted_assignments) and (
                not wanted_students or result.student in wanted_students):
            found.append(result)
    return found


class QuietBar(tqdm.tqdm):
    """tqdm's bar without its monitor thread, which, after 10 s without a line, would write one at every step (a
    CI log a line a notebook) from a thread of its own: one that could hold stderr's lock just as a process pool's
    worker is forked, leaving that worker to wait for it forever."""

    monitor_interval = 0


def progress_bar(total: int, stream: TextIO) -> tqdm.tqdm:
    """tqdm's bar on a terminal; elsewhere (a CI log) a line at every tenth of the way, so logs stay short."""
    tty = hasattr(stream, "isatty") and stream.isatty()
    return QuietBar(total=total, file=stream, desc="grading", unit=" notebooks", ascii=not tty, dynamic_ncols=tty,
                     mininterval=0.2 if tty else 0, miniters=1 if tty else max(1, total // 10))


def summary(results: list[Graded], seconds: float, backup: Path | None) -> str:
    """The table printed at the end of `nudge grade`."""
    lines = [f"Graded {len(results)} submissions in {seconds:.1f} s."]
    if backup:
        lines.append(f"The gradebook was backed up first to {backup}.")
    by_assignment: dict[str, list[Graded]] = {}
    for result in results:
        by_assignment.setdefault(result.assignment, []).append(result)
    lines.append("")
    lines.append(f"{'assignment':<26}{'students':>9}{'mean':>8}{'max':>6}{'full marks':>12}{'parts passed':>14}"
                 f"{'failed':>8}")
    for assignment, group in sorted(by_assignment.items()):
        graded = [r for r in group if not r.failure]
        mean = sum(r.score for r in graded) / len(graded) if graded else 0.0
        maximum = max((r.max_score for r in group), default=0)
        full = sum(1 for r in graded if r.max_score and r.score == r.max_score)
        share = f"{sum(r.parts_passed for r in graded)}/{sum(r.parts for r in graded)}"
        lines.append(f"{assignment:<26}{len(group):>9}{mean:>8.1f}{maximum:>6g}{full:>12}{share:>14}"
                     f"{len(group) - len(graded):>8}")
    failures = [r for r in results if r.failure]
    if failures:
        lines += ["", "Submissions that could not be graded:"]
        lines += [f"  {clean_name(r.student)} / {r.assignment}: {clean_name(r.failure)}" for r in failures]
    notes = [(r, note) for r in results for note in r.notes]
    if notes:
        lines += ["", "Notes:"]
        lines += [f"  {clean_name(r.student)} / {r.assignment}: {clean_name(note)}" for r, note in notes]
    return "\n".join(lines)
