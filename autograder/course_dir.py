"""Where the course is: the folder holding nbgrader_config.py and source/."""

import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ASSIGNMENT_PATTERN = "[0-9][0-9]-*"
SECRET_FILE = ".nudge-secret"


class CourseError(Exception):
    """The course folder is not usable; the message says what is wrong and what to do."""


def find_course_root(start: Path | None = None) -> Path:
    """The course root: $NUDGE_COURSE if set, else the nearest folder at or above `start` with a course."""
    if os.environ.get("NUDGE_COURSE"):
        return check_course_root(Path(os.environ["NUDGE_COURSE"]))
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
            return folder
    raise CourseError(f"no Nudge course at or above {here}: run this inside the course folder or pass --course DIR")


def check_course_root(root: str | Path) -> Path:
    """`root` itself, once it is known to hold a course."""
    root = Path(root).resolve()
    missing = [name for name in ("nbgrader_config.py", "source") if not (root / name).exists()]
    if missing:
        raise CourseError(f"{root} is not a Nudge course: it has no {' and no '.join(missing)}")
    return root


def assignments(root: Path, wanted: Sequence[str] = ()) -> list[str]:
    """The assignment ids of the course in course order, or the `wanted` ones, each checked to exist."""
    available = sorted(path.name for path in (Path(root) / "source").glob(ASSIGNMENT_PATTERN) if path.is_dir())
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise CourseError(
            f"no assignment {', '.join(unknown)} in {root}/source; the assignments are: {', '.join(available)}"
        )
    return list(wanted) or available


def notebook_path(root: str | Path, step: str, assignment: str) -> Path:
    """The one notebook of an assignment in step `source` or `release`."""
    return Path(root) / step / assignment / f"{assignment}.ipynb"


def tool_environment() -> dict[str, str]:
    """os.environ with this Python's bin/ first on PATH: nbgrader runs tools such as `alembic` by name."""
    environment = dict(os.environ)
    environment["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environment.get("PATH", "")])
    return environment


def grading_secret(root: Path) -> str:
    """The course's own secret, mixed into every student's seed, so that nobody can work out the hidden points.

    Made on the first grading run (random, readable by its owner alone) and kept beside the gradebook, so that a
    re-grade draws the points it drew before. Never in source/ or release/; git ignores it.
    """
    path = Path(root) / SECRET_FILE
    if not path.exists():
        # Written whole under another name, then linked into place: a second grader starting at the same moment
        # finds either no file or the complete one, and the first link wins.
        with tempfile.NamedTemporaryFile("w", dir=root, prefix=".nudge-secret-", delete=False) as draft:
            draft.write(secrets.token_hex(32) + "\n")
        try:
            os.chmod(draft.name, 0o600)
            os.link(draft.name, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft.name)
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if len(text) < 32 or not all(character in "0123456789abcdef" for character in text):
        raise CourseError(f"{path} is not a grading secret (64 hex digits): restore it from a backup, or delete it "
                          "to make a new one (hidden points then change for every student)")
    return text
