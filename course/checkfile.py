"""The check files `nudge release` writes: every visible check of a module as values, never as code.

`release/<module>/checks.json` holds, per grade id, the points a check calls the learner's function
at, what the right answer is there, and for each mistake the grader can name, the wrong values that
mistake gives there. No formula of any answer is in it. `source/<module>/hidden-checks.json` holds
the hidden checks the same way, for the instructor's own runs of the source notebook (it never
ships: nbgrader's ignore list keeps it out of release/).

Values are JSON with a few tagged forms: {"array": nested list, "dtype": "float"}, {"tuple": [...]},
{"raises": "ValueError"}, {"numpy": "square"} for a NumPy function passed as an argument,
{"polynomial": [coefficients]}, {"sympy": srepr text} and {"function": "course.module.name"}.
The files are the course's own, written by the instructor's release step, so decoding SymPy text
here is safe; answers that come back from a learner's code are decoded by the grader, never here.
"""

import builtins
import importlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from numpy.polynomial import Polynomial

VISIBLE = "checks.json"
HIDDEN = "hidden-checks.json"
COMPACT = (",", ":")  # no spaces in the JSON: the larger files hold tens of thousands of numbers
FORMAT = 1  # bumped whenever the layout changes, so an old file is refused with a clear message


class CheckFileError(RuntimeError):
    """A check file is missing, stale or malformed; the message says which and what to do."""


def encode(value: Any) -> Any:
    """`value` as JSON data (see the module docstring for the tagged forms)."""
    if isinstance(value, type) and issubclass(value, BaseException):
        return {"raises": value.__name__}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": value.dtype.kind, "shape": list(value.shape)}
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, np.ufunc):
        return {"numpy": value.__name__}
    if isinstance(value, Polynomial):
        return {"polynomial": value.coef.tolist()}
    if type(value).__module__.startswith("sympy"):
        import sympy

        return {"sympy": sympy.srepr(value)}
    module = getattr(value, "__module__", None) or ""
    if callable(value) and module.startswith("course.") and _top_level(value):
        return {"function": f"{module}.{value.__qualname__}"}
    raise TypeError(f"a check file cannot hold a {type(value).__name__} ({value!r:.60}): use numbers, arrays, "
                    "tuples, NumPy functions, polynomials, SymPy expressions or functions of course/")


def _top_level(function: Any) -> bool:
    """Whether `function` is found by its name at the top of its module (so a check file can name it)."""
    module = importlib.import_module(function.__module__)
    return getattr(module, getattr(function, "__qualname__", ""), None) is function


def decode(data: Any) -> Any:
    """The value `encode` made `data` from."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if not data:
        raise CheckFileError("an empty value in a check file")
    (tag, content), *_ = data.items()
    if tag == "array":
        array: np.ndarray = np.array(content, dtype={"b": bool, "i": int, "u": int}.get(data.get("dtype", "f"), float))
        return array.reshape(data["shape"]) if "shape" in data else array
    if tag == "tuple":
        return tuple(decode(item) for item in content)
    if tag == "raises":
        return _exception_class(content)
    if tag == "numpy":
        return getattr(np, content)
    if tag == "polynomial":
        return Polynomial(content)
    if tag == "sympy":
        import sympy

        return sympy.sympify(content)
    if tag == "function":
        module, _, name = content.rpartition(".")
        return getattr(importlib.import_module(module), name)
    raise CheckFileError(f"unknown value {tag!r} in a check file")


def _exception_class(name: str) -> type:
    found = getattr(builtins, name, None)
    if isinstance(found, type) and issubclass(found, BaseException):
        return found
    raise CheckFileError(f"a check file names the exception {name!r}, which is not a built-in one")


def write(path: Path, assignment: str, checks: dict[str, dict]) -> None:
    """Write the check file at `path`: {grade_id: record} as `course.checks.Check.record` makes them."""
    # One line per check: small, and a change to one check is a one-line diff.
    lines = [f" {json.dumps(grade_id)}: {json.dumps(record, ensure_ascii=False, separators=COMPACT)}"
             for grade_id, record in checks.items()]
    head = json.dumps({"format": FORMAT, "assignment": assignment})[:-1]
    Path(path).write_text(head + ', "checks": {\n' + ",\n".join(lines) + "\n}}\n", encoding="utf-8")


def read(path: Path) -> dict[str, dict]:
    """{grade_id: record} from the check file at `path`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CheckFileError(f"{path} could not be read ({error}); `nudge release` writes it again") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckFileError(f"{path} was written by another version of Nudge; `nudge release` writes it again")
    return data["checks"]


def find(grade_id: str, folder: Path | None = None) -> dict | None:
    """The record of `grade_id` for the notebook running in `folder` (the current one), or None if it is hidden.

    Without any visible check file around, the checks are missing and CheckFileError says so.

    A learner's copy holds the module's visible checks beside its notebook. The instructor's source
    notebook finds them in release/<module>/ and its hidden checks beside it; stock nbgrader, grading
    autograded/<student>/<module>/, finds both in the course folder two levels up.
    """
    folder = Path.cwd() if folder is None else Path(folder)
    module, parents = folder.name, list(folder.parents)
    if folder.parent.parent.name == "autograded" and len(parents) > 2:
        # The course's files, never copies that came in with the submission.
        candidates = [parents[2] / "release" / module / VISIBLE, parents[2] / "source" / module / HIDDEN]
    else:
        candidates = [folder / VISIBLE, folder / HIDDEN]
    if folder.parent.name == "source" and len(parents) > 1:
        candidates.append(parents[1] / "release" / module / VISIBLE)
    found = [path for path in candidates if path.is_file()]
    if not any(path.name == VISIBLE for path in found):
        raise CheckFileError(f"this notebook's checks are missing: {VISIBLE} belongs beside it in {folder} "
                             "(`nudge start` copies it there with the notebook)")
    for path in found:
        records = read(path)
        if grade_id in records:
            return records[grade_id]
    return None
