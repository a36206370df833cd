"""The learner's commands: `nudge start`, `nudge progress` and `nudge solution`.

They need only what a student's copy holds, `course/` and `release/`; `nudge solution` also reads
`source/` when the copy has it (a self-study clone of the whole repository). Nothing here imports the
instructor's package: `nudge` hands the instructor's commands to `python -m autograder` when that
package is installed, and otherwise says this copy has none.
"""

import argparse
import concurrent.futures
import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Before nbformat: it validates with jsonschema, which would import rfc3987_syntax, and that builds a parser for
# formats no notebook uses, ~1.5 s before every `nudge` command (autograder/__init__.py says more).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat  # noqa: E402

from course import checkfile  # noqa: E402

DEFAULT_WORKSPACE = "work"
MODULE_PATTERN = "[0-9][0-9]-*"
MODULE_TIME_LIMIT = 300  # seconds to run one module's notebook and its checks: an endless loop is stopped
PARALLEL_MODULES = 4  # modules run at once (at most one a core): each is a Python with NumPy, SymPy and matplotlib
PROGRESS_RECORD = ".nudge-progress.json"  # in the working folder: each module's last verdicts (ProgressRecord)
LEARNER_COMMANDS = ("start", "progress", "solution")
LAB_SETTINGS = Path(__file__).parent / "lab-settings"  # overrides.json: the course's JupyterLab defaults
INSTRUCTOR_COMMANDS = ("release", "grade", "feedback", "export", "report")


class LearnerError(Exception):
    """Something in the learner's copy is not usable; the message says what and what to do."""


@dataclass(frozen=True)
class Row:
    """One exercise function in `nudge progress`: where it is, and how its visible checks went."""

    module: str
    function: str
    state: str  # passed, failing, to do, missing
    message: str = ""


# ----- where things are -------------------------------------------------------------------------


def find_root(start: Path | None = None) -> Path:
    """The course copy: $NUDGE_COURSE if set, else the nearest folder at or above `start` with release/."""
    if os.environ.get("NUDGE_COURSE"):
        return Path(os.environ["NUDGE_COURSE"]).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "release").is_dir() and any((folder / "release").glob(MODULE_PATTERN)):
            return folder
    raise LearnerError(f"no Nudge course at or above {here}: run this inside the course folder or pass --course DIR")


def modules(root: Path) -> list[str]:
    """The modules of the release, in course order."""
    found = sorted(path.name for path in (Path(root) / "release").glob(MODULE_PATTERN)
                   if (path / f"{path.name}.ipynb").is_file())
    if not found:
        raise LearnerError(f"{root}/release holds no module notebooks: clone the course again, or (instructors) "
                           "run `nudge release` first")
    return found


# ----- nudge start ------------------------------------------------------------------------------


def update_workspace(root: Path, workspace: Path) -> list[Path]:
    """Copy every release file that the workspace lacks; return the paths copied.

    Existing files are the learner's and stay untouched, so updating the course never loses work,
    and new modules in release/ appear in the workspace the next time it starts.
    """
    release = Path(root) / "release"
    copied = []
    for source in sorted(release.rglob("*")):
        if source.is_dir() or ".ipynb_checkpoints" in source.parts:
            continue
        target = Path(workspace) / source.relative_to(release)
        if not target.exists() or (target.name == checkfile.VISIBLE and target.read_bytes() != source.read_bytes()):
            # The check files are the course's, not the learner's: a new release replaces them.
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied.append(target)
    return copied


def start(root: Path, workspace: Path, prepare_only: bool, lab_arguments: list[str]) -> int:
    modules(root)
    copied = update_workspace(root, workspace)
    print(f"Your working folder is {workspace} ({len(copied)} new files copied from release/).")
    if prepare_only:
        return 0
    # The course's own JupyterLab defaults (course/lab-settings/overrides.json), which a learner's settings still
    # override: notebooks render only the cells in view ("full" windowing), so a widget in a long notebook
    # answers about twice as fast (benchmarks/widget_latency.py: 05's fit, 65 ms to 31 ms).
    lab_arguments = [f"--ServerApp.root_dir={workspace}", f"--LabApp.app_settings_dir={LAB_SETTINGS}", *lab_arguments]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        lab_arguments.append("--allow-root")  # containers, Binder and CI often run as root
    print("Starting JupyterLab; open 00-start-here/00-start-here.ipynb first. Stop it with Ctrl-C.", flush=True)
    jupyter = Path(sys.executable).with_name("jupyter")
    # From inside the workspace, nbgrader's server extensions see the learner's folder, not the course's.
    os.chdir(workspace)
    os.execv(jupyter, [str(jupyter), "lab", *lab_arguments])


# ----- nudge progress ---------------------------------------------------------------------------


def progress(root: Path, workspace: Path) -> list[Row]:
    """A row for every exercise function of every module, in course order.

    Each module's notebook runs in a process of its own (the learner's cells, as grading runs them),
    then the visible checks of its check file: the learner's own code on their own machine, no sandbox.
    Several modules run at once, and a module whose folder and checks are as they were at the last run
    is not run again: its verdicts are kept in the working folder (PROGRESS_RECORD).
    """
    record = ProgressRecord.load(Path(workspace))
    found: dict[str, tuple[dict[str, dict], Path, str]] = {}  # module: (its check records, notebook, fingerprint)
    for module in modules(root):
        checks = Path(root) / "release" / module / checkfile.VISIBLE
        path = Path(workspace) / module / f"{module}.ipynb"
        found[module] = (checkfile.read(checks), path, fingerprint(path.parent, checks) if path.is_file() else "")
    to_run = [module for module, (_checks, path, mark) in found.items()
              if path.is_file() and record.verdicts(module, mark) is None]
    with concurrent.futures.ThreadPoolExecutor(max(1, min(PARALLEL_MODULES, os.cpu_count() or 1))) as pool:
        for module, verdicts in zip(to_run, pool.map(lambda module: _run_module(root, module, found[module][1]),
                                                     to_run), strict=True):
            record.keep(module, found[module][2], verdicts)
    record.save()
    rows = []
    for module, (records, path, mark) in found.items():
        functions = list(dict.fromkeys(entry["function"] for entry in records.values()))
        if not path.is_file():
            rows += [Row(module, name, "missing", f"{path} is missing: `nudge start` copies it back")
                     for name in functions]
            continue
        verdicts = record.verdicts(module, mark) or {}
        for name in functions:
            mine = [verdicts.get(grade_id) or (False, "its checks did not run: the notebook stopped first")
                    for grade_id, entry in records.items() if entry["function"] == name]
            failing = [message for passed, message in mine if not passed]
            if not failing:
                rows.append(Row(module, name, "passed"))
            else:
                rows.append(Row(module, name, "to do" if "not implemented yet" in failing[0] else "failing",
                                failing[0]))
    return rows


def fingerprint(folder: Path, checks: Path) -> str:
    """A digest of what a module's verdicts depend on: every file of the learner's module folder (the notebook, and
    whatever its code may read or import beside it), its check file, and the course's own code."""
    course = Path(__file__).parent
    digest = hashlib.sha256()
    for path in [*sorted(folder.rglob("*")), checks, *sorted([*course.glob("*.py"), *course.glob("data/*")])]:
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class ProgressRecord:
    """The verdicts of each module's last run, with the fingerprint of what they were worked out from, kept in the
    working folder between runs of `nudge progress`. Unreadable or from other files: simply worked out again."""

    path: Path
    modules: dict[str, dict]  # module: {"fingerprint": ..., "verdicts": {grade id: [passed, message]}}

    @classmethod
    def load(cls, workspace: Path) -> "ProgressRecord":
        path = workspace / PROGRESS_RECORD
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = {}
        return cls(path, kept if isinstance(kept, dict) else {})

    def verdicts(self, module: str, mark: str) -> dict[str, tuple[bool, str]] | None:
        """The module's verdicts if they were worked out from files with this fingerprint, else None."""
        kept = self.modules.get(module)
        if not isinstance(kept, dict) or kept.get("fingerprint") != mark:
            return None
        try:
            return {str(grade_id): (bool(passed), str(message)) for grade_id, (passed, message)
                    in kept["verdicts"].items()}
        except (KeyError, TypeError, ValueError, AttributeError):  # a record edited by hand, say
            return None

    def keep(self, module: str, mark: str, verdicts: dict[str, tuple[bool, str]]) -> None:
        self.modules[module] = {"fingerprint": mark, "verdicts": verdicts}

    def save(self) -> None:
        with contextlib.suppress(OSError):  # a folder that cannot be written to only costs the next run its time
            self.path.parent.mkdir(parents=True, exist_ok=True)
            written = self.path.with_name(self.path.name + ".new")
            written.write_text(json.dumps(self.modules, ensure_ascii=False), encoding="utf-8")
            written.replace(self.path)


def _run_module(root: Path, module: str, path: Path) -> dict[str, tuple[bool, str]]:
    """{grade id: (passed, message)} of the module's visible checks on the learner's notebook at `path`.

    The child starts in an empty folder, so nothing beside the notebook can stand in for a module it imports,
    and reports on a file of its own: whatever the learner's code prints cannot be taken for a verdict.
    """
    with tempfile.TemporaryDirectory(prefix="nudge-progress-") as scratch:
        report = Path(scratch) / "verdicts.jsonl"
        command = [sys.executable, "-m", "course.learner", "--judge", str(path), str(Path(root) / "release" / module),
                   str(report)]
        try:
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=MODULE_TIME_LIMIT,
                           cwd=scratch, env={**os.environ, "MPLBACKEND": "Agg"})
        except subprocess.TimeoutExpired:
            pass  # the checks it had reported stand; the rest say they did not run
        lines = report.read_text(encoding="utf-8", errors="replace").splitlines() if report.exists() else []
    verdicts = {}
    for line in lines:
        try:
            item = json.loads(line)
            verdicts[str(item["grade_id"])] = (bool(item["passed"]), str(item["message"]))
        except (ValueError, KeyError, TypeError):  # a line cut short by a time-out
            continue
    return verdicts


def _judge_notebook(path: Path, release: Path, report: Path) -> None:
    """Run the learner's cells of the notebook at `path`, then write one JSON line per visible check to `report`."""
    from course.checks import Check, evaluate

    learner = nbformat.read(path, as_version=4)
    given = nbformat.read(release / f"{release.name}.ipynb", as_version=4)
    instructor = {cell.source.strip() for cell in given.cells}
    code = [cell for cell in learner.cells if cell.cell_type == "code"]
    # From here on, as in the learner's kernel: the notebook's folder is the current one, and importable.
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    namespace = {"__name__": "__main__"}
    for index, cell in enumerate(code):
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("grade"):
            continue
        if index == 0 or nbgrader.get("solution") or cell.source.strip() not in instructor:
            try:
                exec(compile(cell.source, f"<cell {index + 1}>", "exec"), namespace)
            except BaseException:  # a broken cell is the learner's to fix; the checks say what it left
                continue
    with open(report, "a", encoding="utf-8") as out:
        for grade_id, record in checkfile.read(release / checkfile.VISIBLE).items():
            function = namespace.get(record["function"])
            if not callable(function):
                verdict = {"passed": False, "message": f"✗ {record['function']} is not defined: run its cell"}
            else:
                result = evaluate(Check.from_record(record), function)
                verdict = {"passed": result.passed, "message": result.message}
            out.write(json.dumps({"grade_id": grade_id, **verdict}) + "\n")
            out.flush()


def render(rows: list[Row]) -> str:
    """The table, and what to do next."""
    lines = [f"{'module':<26}{'function':<28}{'visible checks':<16}"]
    for row in rows:
        mark = {"passed": "✓ passed", "failing": "✗ failing", "to do": "· to do", "missing": "? missing"}[row.state]
        lines.append(f"{row.module:<26}{row.function:<28}{mark:<16}")
    done = sum(1 for row in rows if row.state == "passed")
    lines.append(f"\n{done} of {len(rows)} exercise functions pass their visible checks.")
    pending = next((row for row in rows if row.state != "passed"), None)
    if pending is None:
        lines.append("Next: you have passed every visible check of the course. Well done.")
    else:
        lines.append(f"Next: open {pending.module}/{pending.module}.ipynb and work on `{pending.function}`.")
        if pending.state == "failing":
            lines.append("Its check says:\n  " + "\n  ".join(pending.message.splitlines()[:4]))
        lines.append("Stuck? Open the hints under the exercise one at a time; after all three, "
                     f"`nudge solution {pending.module} {pending.function}` shows a worked solution.")
    return "\n".join(lines)


# ----- nudge solution ---------------------------------------------------------------------------


SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solution_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cells of a source notebook that hold a solution."""
    return [cell for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")]


def without_markers(source: str) -> str:
    """A solution cell's code as a learner would write it: without nbgrader's solution markers."""
    return "".join(line for line in source.splitlines(keepends=True) if line.strip() not in SOLUTION_MARKERS)


def solution_definitions(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """{name: its cell's source} of every function and class the solution cells of a source notebook define."""
    import ast

    return {node.name: cell.source for cell in solution_cells(notebook)
            for node in ast.parse(cell.source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def worked_solution(root: Path, module: str, name: str) -> str:
    """The solution cell that defines `name`, without markers, from source/ (a self-study clone has it)."""
    if module not in modules(root):
        raise LearnerError(f"no module {module}; the modules are: {', '.join(modules(root))}")
    path = Path(root) / "source" / module / f"{module}.ipynb"
    if not path.is_file():
        raise LearnerError(f"this copy of the course has no source notebook for {module}: worked solutions come "
                           "with the full course repository, not with a class's release")
    defined = solution_definitions(nbformat.read(path, as_version=4))
    if name not in defined:
        raise LearnerError(f"{module} has no exercise function or class {name!r}; its exercises are: "
                           f"{', '.join(defined)}")
    return without_markers(defined[name]).strip()


# ----- the command ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nudge", description="Nudge: the calculus behind machine learning.")
    course_help = "the course folder (default: the one around the current folder)"
    parser.add_argument("--course", metavar="DIR", help=course_help)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start_parser = commands.add_parser(
        "start", help="copy the course into your working folder and open it in JupyterLab",
        description="Copy release/ into your working folder (never overwriting your own changes) and open it in "
                    "JupyterLab. Extra arguments go to JupyterLab.")
    start_parser.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="your working folder (default: work/)")
    start_parser.add_argument("--prepare-only", action="store_true",
                              help="update the working folder, do not start JupyterLab")
    progress_parser = commands.add_parser(
        "progress", help="which exercises of your working copy pass, and what next",
        description="Run the visible checks of every module in your working folder and show which exercises pass, "
                    "and what to do next.")
    progress_parser.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="your working folder (default: work/)")
    solution_parser = commands.add_parser(
        "solution", help="show the worked solution of one exercise (self-study)",
        description="Print the worked solution of an exercise function from the course's source notebooks. Try the "
                    "three hints under the exercise first.")
    solution_parser.add_argument("assignment", metavar="ASSIGNMENT", help="the module, e.g. 01-slope")
    solution_parser.add_argument("function", metavar="FUNCTION", help="the exercise's function, e.g. slope")
    for name, summary in (("release", "regenerate release/ from source/"), ("grade", "grade submitted/"),
                          ("feedback", "HTML feedback per student"), ("export", "a CSV of grades"),
                          ("report", "an HTML class report")):
        commands.add_parser(name, help=f"(instructors) {summary}", add_help=False)
    for command in (start_parser, progress_parser, solution_parser):  # `nudge progress --course DIR` too
        command.add_argument("--course", metavar="DIR", default=argparse.SUPPRESS, help=course_help)
    return parser


def tolerant_output() -> None:
    """A terminal that cannot show a character gets a ?, not a crash (a stream a caller put in place stays as it is)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    tolerant_output()
    if len(argv) == 4 and argv[0] == "--judge":  # the child process of `nudge progress`
        _judge_notebook(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        return 0
    parser = build_parser()
    options, extra = parser.parse_known_args(argv)
    if options.command in INSTRUCTOR_COMMANDS:  # their own options are the instructor's parser's to read
        return _instructor(argv)
    if extra and options.command != "start":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        root = Path(options.course).resolve() if options.course else find_root()
        if options.command == "start":
            return start(root, (root / options.workspace).resolve(), options.prepare_only, extra)
        if options.command == "progress":
            workspace = (root / options.workspace).resolve()
            if not workspace.is_dir():
                raise LearnerError(f"there is no working folder at {workspace}: run `make start` (or `nudge start`) "
                                   "first")
            print(render(progress(root, workspace)))
            return 0
        print(worked_solution(root, options.assignment, options.function))
        return 0
    except (LearnerError, checkfile.CheckFileError) as error:
        print(f"nudge {options.command}: {error}", file=sys.stderr)
        return 2


def _instructor(argv: list[str]) -> int:
    """Hand an instructor's command to the instructor's package, in a process of its own."""
    import importlib.util

    try:
        present = importlib.util.find_spec("autograder.cli") is not None
    except ImportError:  # finding a submodule imports its package, and that can fail too
        present = False
    if not present:
        print("nudge: this copy of the course is a student's: the instructor's commands (release, grade, feedback, "
              "export, report) come with the full course repository", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, "-m", "autograder", *argv])


if __name__ == "__main__":
    sys.exit(main())
