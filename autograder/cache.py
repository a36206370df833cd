"""A cache of what is slow to work out and the same every time: how an exercise's one-edit variants group, and
what the variants return at the points of the visible grades.

Working out a plan runs every variant of every exercise at dozens of points (15–30 s for the course, most of
it SymPy limits and the regression modules' many variants), and the answer depends only on the course's
source, the grader's own code and the libraries it runs on. So it is kept under a key made of all of these,
in the user's cache folder (`$XDG_CACHE_HOME/nudge`, else `~/.cache/nudge`): a second run, or a run on a
fresh copy of the same course, reads it instead. Entries are plain JSON (never code), checked on reading,
and anything unreadable is simply worked out again: a cache never changes a grade, only how soon it comes.
So an outcome is kept only if it reads back exactly as it was (`exact`): the same types, NumPy's included, the
same numbers to the last bit, the same exception class and message; anything else (a SymPy expression, whose
text would have to be evaluated to read it back, say) is worked out each time.
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

import numpy as np

import autograder
import course
from course.checks import Outcome

FORMAT = 2  # bumped when what an entry holds changes


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


def exact(outcome: Outcome | None) -> Any:
    """`outcome` as JSON data that `outcome_of` reads back as exactly the same outcome; TypeError if it has none."""
    if outcome is None:
        return None
    if outcome.error is not None:
        module, name = outcome.error.__module__, outcome.error.__qualname__
        if _exception_named(module, name) is not outcome.error:
            raise TypeError(f"{outcome.error!r} cannot be found again by its name")
        return {"error": f"{module}:{name}", "message": outcome.message}
    data = {"value": _value(outcome.value)}
    if not _same(_read_value(data["value"]), outcome.value):  # a float subclass, say: it would come back as a float
        raise TypeError(f"{outcome.value!r:.60} does not read back as it was")
    return data


def outcome_of(data: Any) -> Outcome | None:
    """The outcome `exact` made `data` from; ValueError (or another error) if `data` is no such thing."""
    if data is None:
        return None
    if set(data) == {"error", "message"} and isinstance(data["message"], str):
        error = _exception_named(*data["error"].split(":"))
        if error is None:
            raise ValueError(f"no exception {data['error']!r}")
        return Outcome(error=error, message=data["message"])
    if set(data) != {"value"}:
        raise ValueError(f"{data!r:.60} is no kept outcome")
    return Outcome(value=_read_value(data["value"]))


def _value(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) and type(value) in (bool, int, float, str) or value is None:
        return value
    if isinstance(value, (tuple, list)) and type(value) in (tuple, list):
        return {type(value).__name__: [_value(item) for item in value]}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"scalar": value.item(), "dtype": value.dtype.str}
    if type(value) is np.ndarray and value.dtype.kind in "biuf":
        return {"array": value.ravel().tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    raise TypeError(f"a {type(value).__name__} is not kept")


def _read_value(data: Any) -> Any:
    if not isinstance(data, dict):
        if not (data is None or type(data) in (bool, int, float, str)):
            raise ValueError(f"{data!r:.60} is no kept value")
        return data
    if set(data) in ({"tuple"}, {"list"}):
        (kind, items), = data.items()
        return (tuple if kind == "tuple" else list)(_read_value(item) for item in items)
    if set(data) == {"scalar", "dtype"}:
        return np.array(data["scalar"], dtype=_dtype(data["dtype"]))[()]
    if set(data) == {"array", "dtype", "shape"}:
        return np.array(data["array"], dtype=_dtype(data["dtype"])).reshape(data["shape"])
    raise ValueError(f"{data!r:.60} is no kept value")


def _dtype(text: str) -> np.dtype:
    dtype = np.dtype(text)
    if dtype.kind not in "biuf":
        raise ValueError(f"no kept value has the type {text!r}")
    return dtype


def _exception_named(module: str, name: str) -> type | None:
    """The exception class `name` (a dotted path in `module`, one this process has imported: reading an entry never
    imports anything), if that is one; None otherwise."""
    found: Any = sys.modules.get(module)
    for part in name.split("."):
        found = getattr(found, part, None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _same(first: Any, second: Any) -> bool:
    """The same value to the last bit, of the same types all the way down (NaN is NaN)."""
    if type(first) is not type(second):
        return False
    if isinstance(first, (tuple, list)):
        return len(first) == len(second) and all(_same(a, b) for a, b in zip(first, second, strict=True))
    if isinstance(first, (np.ndarray, np.generic)):
        return (first.dtype == second.dtype and first.shape == second.shape
                and np.array_equal(first, second, equal_nan=first.dtype.kind == "f"))
    if isinstance(first, float):
        return first == second or (first != first and second != second)
    return bool(first == second)
