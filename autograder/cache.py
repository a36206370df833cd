"""A cache of what is slow to work out and the same every time: how an exercise's one-edit variants group.

Working out a plan runs every variant of every exercise at dozens of points (15–30 s for the course, most of
it SymPy limits and the regression modules' many variants), and the answer depends only on the course's
source, the grader's own code and the libraries it runs on. So it is kept under a key made of all of these,
in the user's cache folder (`$XDG_CACHE_HOME/nudge`, else `~/.cache/nudge`): a second run, or a run on a
fresh copy of the same course, reads it instead. Entries are plain JSON (never code), checked on reading,
and anything unreadable is simply worked out again: a cache never changes a grade, only how soon it comes.
"""

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import autograder
import course

FORMAT = 1  # bumped when what an entry holds changes


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nudge" / "groups"


@functools.cache
def code_fingerprint() -> str:
    """A digest of the grader's and the course's code and data, and of the Python, NumPy and SymPy they run on."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for library in ("numpy", "sympy"):
        digest.update(f" {library} {importlib.metadata.version(library)}".encode())
    for package_folder in (Path(autograder.__path__[0]), Path(course.__path__[0])):
        for path in sorted(found for found in package_folder.rglob("*") if found.is_file()
                           and "__pycache__" not in found.parts):
            digest.update(path.relative_to(package_folder.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(*files: Path) -> str:
    """The key of what `files` (and the code) determine."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in files:
        digest.update(b"\0" + Path(path).read_bytes())
    return digest.hexdigest()


def read(entry: str) -> Any | None:
    """What was kept under `entry`, or None (never kept, or unreadable)."""
    try:
        return json.loads((folder() / f"{entry}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(entry: str, data: Any) -> None:
    """Keep `data` under `entry`, whole or not at all; a cache that cannot be written is no error."""
    draft = None
    try:
        folder().mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=folder(), suffix=".part", delete=False, encoding="utf-8") as draft:
            json.dump(data, draft)
        os.replace(draft.name, folder() / f"{entry}.json")
    except OSError:
        if draft is not None:
            Path(draft.name).unlink(missing_ok=True)
