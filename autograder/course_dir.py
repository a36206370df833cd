"""Where the course is: the folder holding nbgrader_config.py and source/."""

import os
import sys
from collections.abc import Sequence
from pathlib import Path

ASSIGNMENT_PATTERN = "[0-9][0-9]-*"


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
