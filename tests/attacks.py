"""Submissions of module 1 that attack the grading, one or more per case of ../shared/ATTACKS.md.

Each attack is built from the real release notebook: `solved()` answers every exercise correctly,
and each attack then breaks, edits or adds to it. `ATTACKS` maps a student id to (the files to
submit, the score each part must get, texts the part messages or notes must contain).
"""

import copy
import json
import re

import nbformat
from submissions import solution_sources, submission

ASSIGNMENT = "01-slope"
FULL = {"test_slope_values": 1, "test_slope_vertical": 1, "test_slope_hidden": 2,
        "test_average_rate_of_change_values": 1, "test_average_rate_of_change_hidden": 2}
SLOPE_ZERO = {**FULL, "test_slope_values": 0, "test_slope_vertical": 0, "test_slope_hidden": 0}
NOTHING = dict.fromkeys(FULL, 0)

OWN_AVERAGE_RATE = '''
def average_rate_of_change(f, x1, x2):
    """Written out, so it does not depend on slope."""
    if x1 == x2:
        raise ValueError("no secant")
    return (f(x2) - f(x1)) / (x2 - x1)
'''


def solved(answers=None):
    return submission(ASSIGNMENT, {**solution_sources(ASSIGNMENT), **(answers or {})})


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def add_cell(nb, code, after=None):
    """A scratch cell of the learner's, after the cell with grade id `after` (or at the end)."""
    new = nbformat.v4.new_code_cell(code)
    index = nb.cells.index(cell(nb, after)) + 1 if after else len(nb.cells)
    nb.cells.insert(index, new)
    return nb


def as_files(nb, extra=None):
    return {f"{ASSIGNMENT}.ipynb": nbformat.writes(nb).encode(), **(extra or {})}


def edited_locked_cells():
    nb = solved()
    cell(nb, "test_slope_values").source = "pass"
    cell(nb, "test_slope_hidden").metadata.nbgrader["points"] = 100
    cell(nb, "test_average_rate_of_change_values").cell_type = "markdown"
    return as_files(nb)


def deleted_and_stripped():
    nb = solved()
    nb.cells.remove(cell(nb, "test_slope_hidden"))
    del cell(nb, "test_slope_values").metadata["nbgrader"]
    del cell(nb, "slope").metadata["nbgrader"]  # the answer cell too: it still runs as the learner's code
    return as_files(nb)


def duplicated():
    nb = solved()
    for grade_id in ("test_slope_values", "slope"):
        original = cell(nb, grade_id)
        twin = copy.deepcopy(original)
        twin["id"] = original["id"] + "-copy"  # as Jupyter gives a pasted cell: a new id, the same metadata
        nb.cells.insert(nb.cells.index(original) + 1, twin)
    return as_files(nb)


def odd_metadata():
    nb = solved()
    for c in nb.cells:
        if "nbgrader" in c.metadata:
            c.metadata.nbgrader["schema_version"] = 99
    cell(nb, "test_slope_vertical").metadata["nbgrader"] = {}
    return as_files(nb)


WRONG_SLOPE = {"slope": "def slope(x1, y1, x2, y2):\n    return 0.0\n", "average_rate_of_change": OWN_AVERAGE_RATE}


def patched_comparisons():
    nb = add_cell(solved(WRONG_SLOPE), """
import builtins
import math
import numpy as np
import numpy.testing
np.isclose = lambda *a, **k: True
np.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
math.isclose = lambda *a, **k: True
builtins.abs = lambda x: 0
""")
    return as_files(nb)


def dishonest_values():
    return as_files(solved({"slope": '''
class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.0


def slope(x1, y1, x2, y2):
    return AlwaysEqual()
''', "average_rate_of_change": '''
class SneakyFloat(float):
    def __eq__(self, other):
        return True


def average_rate_of_change(f, x1, x2):
    return SneakyFloat(0.0)
'''}))


def nan_and_shape():
    return as_files(solved({"slope": "def slope(x1, y1, x2, y2):\n    return float('nan')\n",
                            "average_rate_of_change": "import numpy as np\n\n\ndef average_rate_of_change(f, x1, x2):"
                                                      "\n    return np.array([(f(x2) - f(x1)) / (x2 - x1)])\n"}))


def ipython_tricks():
    nb = add_cell(solved(WRONG_SLOPE), """
import ast
class DropAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return None
get_ipython().ast_transformers.append(DropAsserts())
""")
    add_cell(nb, "get_ipython().showtraceback = lambda *a, **k: None\nget_ipython().set_custom_exc((Exception,), None)")
    return as_files(nb)


def stack_reader():
    return as_files(solved({"slope": '''
import inspect


def slope(x1, y1, x2, y2):
    """Look for the expected value in the callers' frames instead of computing it."""
    for frame in inspect.stack():
        for name in ("expected", "right", "reference", "outcomes"):
            if name in frame.frame.f_locals:
                value = frame.frame.f_locals[name]
                if isinstance(value, (int, float)):
                    return value
    return 0.0
''', "average_rate_of_change": OWN_AVERAGE_RATE}))


def extra_numpy_module():
    return as_files(solved(), {"numpy.py": b"raise ImportError('a student numpy must never be imported')\n"})


def reads_the_course(course):
    paths = [course / "gradebook.db", course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
             course / "nbgrader_config.py", course / "submitted"]
    nb = add_cell(solved(), f"""
import os
LEAKED = []
for path in {[str(p) for p in paths]!r}:
    try:
        LEAKED.append((path, os.listdir(path) if os.path.isdir(path) else open(path).read(80)))
    except OSError:
        pass
print("readable:", LEAKED if LEAKED else "nothing")
""", after="slope")
    cell(nb, "slope").source = '''
def slope(x1, y1, x2, y2):
    """Right only when nothing of the course could be read."""
    if LEAKED:
        return 0.0
    if x1 == x2:
        raise ValueError("vertical")
    return (y2 - y1) / (x2 - x1)
'''
    return as_files(nb)


def writes_the_course(course):
    targets = [course / "gradebook.db", course / "nbgrader_config.py", course / "submitted" / "solver" / "x.txt",
               course / "autograded" / "written-by-a-student.txt"]
    nb = add_cell(solved(), f"""
for path in {[str(p) for p in targets]!r}:
    try:
        with open(path, "w") as handle:
            handle.write("overwritten")
        print("WROTE", path)
    except OSError as error:
        print("could not write", path, type(error).__name__)
""")
    return as_files(nb)


def exits_and_input():
    nb = add_cell(solved({"average_rate_of_change": "def average_rate_of_change(f, x1, x2):\n"
                                                     "    return float(input('the answer? '))\n"}),
                  "exit()\nprint('never printed')")
    return as_files(nb)


def sys_exit_in_answer():
    return as_files(solved({"slope": "import sys\n\n\ndef slope(x1, y1, x2, y2):\n    sys.exit(3)\n",
                            "average_rate_of_change": OWN_AVERAGE_RATE}))


def os_exit_in_answer():
    return as_files(solved({"slope": "import os\n\n\ndef slope(x1, y1, x2, y2):\n    os._exit(0)\n",
                            "average_rate_of_change": OWN_AVERAGE_RATE}))


def endless_loop():
    return as_files(solved({"slope": '''
import signal


def slope(x1, y1, x2, y2):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        pass
''', "average_rate_of_change": OWN_AVERAGE_RATE}))


def bombs():
    nb = solved()
    add_cell(nb, "import os\nchildren = 0\nwhile True:\n    os.fork()\n    children += 1")
    add_cell(nb, "import threading, time\nfor _ in range(100_000):\n"
                 "    threading.Thread(target=time.sleep, args=(60,)).start()")
    add_cell(nb, "hog = bytearray(3 << 30)\nhog[::4096] = b'x' * len(hog[::4096])")
    add_cell(nb, "grow = []\nwhile True:\n    grow.append(' ' * 10**7)")
    return as_files(nb)


def floods_output():
    nb = add_cell(solved(), "print('x' * 30_000_000)\nfor i in range(200_000):\n    print(i)")
    return as_files(nb)


def bad_files():
    text = nbformat.writes(solved())
    with_surrogate = text.replace('"# Slope: rise over run', '"# Slope \\ud800: rise over run', 1)
    version_5 = json.loads(text)
    version_5["nbformat"] = 5
    return {
        "bad-json": {f"{ASSIGNMENT}.ipynb": text[: len(text) // 2].encode()},
        "empty-file": {f"{ASSIGNMENT}.ipynb": b""},
        "with-bom": {f"{ASSIGNMENT}.ipynb": b"\xef\xbb\xbf" + text.encode()},
        "nbformat-5": {f"{ASSIGNMENT}.ipynb": json.dumps(version_5).encode()},
        "lone-surrogate": {f"{ASSIGNMENT}.ipynb": with_surrogate.encode()},
        "not-utf8": {f"{ASSIGNMENT}.ipynb": text.encode("utf-16")},
    }


def renamed():
    return {f"{ASSIGNMENT}-Copy1.ipynb": nbformat.writes(solved()).encode()}


def extra_notebooks():
    blank = nbformat.writes(submission(ASSIGNMENT)).encode()
    return {**as_files(solved()), "scratch.ipynb": blank, f"{ASSIGNMENT}-Copy1.ipynb": blank}


def several_without_the_right_one():
    blank = nbformat.writes(submission(ASSIGNMENT)).encode()
    return {"a.ipynb": blank, "b.ipynb": blank}


def warns():
    return as_files(solved({"slope": '''
import warnings


def slope(x1, y1, x2, y2):
    warnings.warn("a harmless warning", stacklevel=2)
    if x1 == x2:
        raise ValueError("vertical")
    return (y2 - y1) / (x2 - x1)
'''}))


def reordered():
    nb = solved()
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    others = [c for c in nb.cells if c not in tests]
    nb.cells = tests + others
    add_cell(nb, "scratch = [slope(0, 0, 1, k) for k in range(3)]\nprint(scratch)")
    return as_files(nb)


def slow_but_right():
    return as_files(solved({"slope": '''
import time


def slope(x1, y1, x2, y2):
    """Right, but slow."""
    total = 0.0
    deadline = time.perf_counter() + 0.2
    while time.perf_counter() < deadline:
        total += 1.0
    if x1 == x2:
        raise ValueError("vertical")
    return (y2 - y1) / (x2 - x1)
'''}))


def forged_timestamp():
    return as_files(solved(), {"timestamp.txt": b"2001-01-01 00:00:00.000000 UTC"})


def attacks(course):
    """{student: (files, expected part scores, texts expected in part messages or notes)}"""
    table = {
        "a01-edited-locked": (edited_locked_cells(), FULL, []),
        "a02-deleted-stripped": (deleted_and_stripped(), FULL, []),
        "a03-duplicated": (duplicated(), FULL, []),
        "a04-odd-metadata": (odd_metadata(), FULL, []),
        "a06-patched": (patched_comparisons(), SLOPE_ZERO, ["you returned 0"]),
        "a07-dishonest": (dishonest_values(), NOTHING, ["AlwaysEqual, not a number", "SneakyFloat, not a number"]),
        "a07-nan-shape": (nan_and_shape(), NOTHING, ["not finite", "shape (1,)"]),
        "a08-ipython": (ipython_tricks(), SLOPE_ZERO, ["NameError: name 'get_ipython' is not defined"]),
        "a10-stack": (stack_reader(), SLOPE_ZERO, ["you returned 0"]),
        "a11-numpy-py": (extra_numpy_module(), FULL, []),
        "a12-reads": (reads_the_course(course), FULL, ["readable: nothing"]),
        "a13-writes": (writes_the_course(course), FULL, ["could not write"]),
        "a14-exit-input": (exits_and_input(), {**FULL, "test_average_rate_of_change_values": 0,
                                               "test_average_rate_of_change_hidden": 0},
                           ["SystemExit", "raised EOFError"]),
        "a14-sys-exit": (sys_exit_in_answer(), SLOPE_ZERO, ["raised SystemExit"]),
        "a15-os-exit": (os_exit_in_answer(), SLOPE_ZERO, ["ended on its own"]),
        "a16-endless": (endless_loop(), SLOPE_ZERO, ["timed out"]),
        # Which limit stops the memory hogs first, memory or time, depends on how busy the machine is.
        "a17-bombs": (bombs(), FULL, [re.compile(r"stopped and skipped: (killed: .* memory limit|timed out)")]),
        "a18-floods": (floods_output(), FULL, []),
        "a20-renamed": (renamed(), FULL, ["01-slope.ipynb was missing, so 01-slope-Copy1.ipynb was graded"]),
        "a20-extra": (extra_notebooks(), FULL, ["only 01-slope.ipynb was graded"]),
        "a20-ambiguous": (several_without_the_right_one(), NOTHING, ["several notebooks were submitted"]),
        "a21-warns": (warns(), FULL, []),
        "a22-reordered": (reordered(), FULL, []),
        "a23-slow": (slow_but_right(), FULL, []),
        "a24-timestamp": (forged_timestamp(), FULL, []),
    }
    bad = bad_files()
    table["a19-bad-json"] = (bad["bad-json"], NOTHING, ["not valid JSON"])
    table["a19-empty"] = (bad["empty-file"], NOTHING, ["the notebook file is empty"])
    table["a19-not-utf8"] = (bad["not-utf8"], NOTHING, ["not UTF-8"])
    for name in ("with-bom", "nbformat-5", "lone-surrogate"):
        table[f"a19-{name}"] = (bad[name], FULL, [])
    return table
