"""Submissions that attack the grading, one or more per case of ../shared/ATTACKS.md (rows 1–40).

Each attack is built from the real release notebook: `solved()` answers every exercise correctly,
and each attack then breaks, edits or adds to it. `attacks(course)` maps a student id to an
`Attack`: the files to submit (or links to make), the score each part must get, and texts the part
messages or notes must contain. Most attack module 1; the symbolic and by-hand rows attack the
modules that have such exercises.
"""

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from conftest import notebook
from submissions import solution_sources, submission

from autograder import spec

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


@dataclass
class Attack:
    """One hostile submission and the outcome grading must give it."""

    files: dict  # {file name: bytes} in submitted/<student>/<assignment>/
    scores: dict  # {grade id: points it must get}
    texts: list  # strings (or patterns) that its messages, notes, failure or graded notebook must contain
    assignment: str = ASSIGNMENT
    links: dict = field(default_factory=dict)  # {path under submitted/: target} made as symbolic links


def full_marks(assignment):
    """{grade id: points} of every grade cell of the source notebook."""
    nb = nbformat.read(notebook("source", assignment), as_version=4)
    return {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def solved(answers=None, assignment=ASSIGNMENT):
    return submission(assignment, {**solution_sources(assignment), **(answers or {})})


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def add_cell(nb, code, after=None):
    """A scratch cell of the learner's, after the cell with grade id `after` (or at the end)."""
    new = nbformat.v4.new_code_cell(code)
    index = nb.cells.index(cell(nb, after)) + 1 if after else len(nb.cells)
    nb.cells.insert(index, new)
    return nb


def as_files(nb, extra=None, assignment=ASSIGNMENT):
    return {f"{assignment}.ipynb": nbformat.writes(nb).encode(), **(extra or {})}


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


# How learner code finds the grader's channel: the highest pipe among its open files (see runner.py).
FIND_CHANNEL = """
import json, os
CHANNEL = max(int(fd) for fd in os.listdir('/proc/self/fd')[:-1]
              if os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'))


def forge(outcomes, index=0):
    \"\"\"Report call `index` as ended, with outcomes of our choosing, as the runner would.\"\"\"
    payload = json.dumps(outcomes).encode()
    header = {"event": "call", "index": index, "state": "end", "bytes": len(payload)}
    os.write(CHANNEL, (json.dumps(header) + "\\n").encode() + payload)
"""


def forging_slope(outcomes_code):
    """A slope that, on its first call, sends `outcomes_code` (a Python expression) as its call's answers.

    It ends its process at once, before the runner can report that call itself: a report out of
    sequence is tampering, and then nothing forged is even read.
    """
    return FIND_CHANNEL + f'''

FORGED = []


def slope(x1, y1, x2, y2):
    if not FORGED:
        FORGED.append(1)
        forge({outcomes_code})
        os._exit(0)
    return 0.0
'''


def text_to_code(course):
    """Row 25: answers that some decoder would turn into code, running in the grader to leave a mark."""
    mark = course / "pwned-by-row-25"
    code = f"__import__('pathlib').Path({str(mark)!r}).touch()"
    old_format = [{"value": {"sympy": f"sin({code!r})"}}] * 4
    as_arguments = [{"value": {"sympy": ["sin", [code]]}}, {"value": {"sympy": ["Symbol", code, {}]}},
                    {"value": {"sympy": ["Integer", code]}}, {"value": {"sympy": ["sympify", [code]]}}]
    nb = solved({"slope": forging_slope(repr(old_format + as_arguments)), "average_rate_of_change": OWN_AVERAGE_RATE})
    return as_files(nb), mark


def patches_the_grader():
    """Row 26: answers that would patch the grader's comparisons, had any decoder run them."""
    patch = "__import__('course.checks').checks.__dict__.update(equivalent=lambda *a: True, judge=None)"
    outcomes = [{"value": {"sympy": f"Symbol({patch!r})"}}, {"value": {"sympy": ["Function", patch, []]}}]
    return as_files(solved({"slope": forging_slope(repr(outcomes * 2)), "average_rate_of_change": OWN_AVERAGE_RATE}))


def malformed_encodings():
    """Row 28: duplicated keys; a forged array shape; a protocol line nested 100,000 deep."""
    deep_and_duplicated = FIND_CHANNEL + '''
CALLS = []


def slope(x1, y1, x2, y2):
    CALLS.append(1)
    if len(CALLS) == 1:
        payload = b\'[{"value": {"number": 1, "number": 2}}]\'
        header = {"event": "call", "index": 0, "state": "end", "bytes": len(payload)}
        os.write(CHANNEL, (json.dumps(header) + "\\n").encode() + payload)
        os._exit(0)
    return 0.0
'''
    forged_shape = forging_slope(repr([{"value": {"array": [1.0, 2.0], "shape": [-1]}}] * 4))
    own = {"average_rate_of_change": OWN_AVERAGE_RATE}
    deep_line = add_cell(solved(), FIND_CHANNEL + '\nos.write(CHANNEL, b"[" * 100_000 + b"\\n")')
    return (as_files(solved({"slope": deep_and_duplicated, **own})), as_files(solved({"slope": forged_shape, **own})),
            as_files(deep_line))


def reads_proc():
    """Row 29: the grader's environment and command line through /proc, the sandbox's pid 1 and any other."""
    nb = add_cell(solved(), '''
import os
FOUND = []
for pid in [entry for entry in os.listdir("/proc") if entry.isdigit()] + ["self", "1"]:
    for what in ("environ", "cmdline"):
        try:
            text = open(f"/proc/{pid}/{what}", "rb").read()
        except OSError:
            continue
        if b"hunter2" in text or b"bwrap" in text or b"nbgrader_config" in text:
            FOUND.append((pid, what))
if "hunter2" in str(os.environ):
    FOUND.append("os.environ")
print("readable:", FOUND or "nothing")
''', after="slope")
    cell(nb, "slope").source = '''
def slope(x1, y1, x2, y2):
    """Right only when nothing of the grader could be read."""
    if FOUND:
        return 0.0
    if x1 == x2:
        raise ValueError("vertical")
    return (y2 - y1) / (x2 - x1)
'''
    return as_files(nb)


def fills_the_scratch_folder():
    """Row 30: many files just under the per-file limit."""
    return as_files(add_cell(solved(), '''
count = 0
try:
    while True:
        with open(f"filler-{count}", "wb") as handle:
            handle.write(b"x" * ((16 << 20) - 1))
        count += 1
except OSError as error:
    print("stopped after", count, "files:", error.strerror)
'''))


def stretches_the_time_limit():
    """Row 31: "start" events written from inside, to restart the call's time limit while it loops."""
    return as_files(solved({"slope": FIND_CHANNEL + '''
import time


def slope(x1, y1, x2, y2):
    while True:
        for index in range(6):
            os.write(CHANNEL, (json.dumps({"event": "call", "index": index, "state": "start"}) + "\\n").encode())
        time.sleep(0.5)
''', "average_rate_of_change": OWN_AVERAGE_RATE}))


def unencodable_text():
    """Row 33: lone surrogates printed and raised, in cells and in calls."""
    nb = add_cell(solved({"average_rate_of_change": '''
def average_rate_of_change(f, x1, x2):
    """Right, and noisy in a way no UTF-8 writer accepts."""
    print("\\ud800 surrogate", chr(0xDFFF))
    if x1 == x2:
        raise ValueError("no secant \\udc80")
    return (f(x2) - f(x1)) / (x2 - x1)
'''}), '''print("\\ud800 alone")\nraise ValueError("\\udfff")''')
    return as_files(nb)


def control_sequences():
    """Row 34: escape sequences in a file name, in printed output, and in the last words of a dying process."""
    name = "\x1b]0;owned\x07\x1b[2J.ipynb"
    noisy = add_cell(solved(), 'print("\\x1b[2J\\x1b[31mred\\x07 bell")')
    dying = add_cell(solved(), 'import os, sys\nos.write(2, b"\\x1b[31mdying\\x1b]0;title\\x07\\n")\nos._exit(3)')
    return {name: nbformat.writes(noisy).encode()}, as_files(dying)


def malformed_notebooks():
    """Row 36: JSON nested 100,000 deep; a cell whose source is a list of numbers; odd types elsewhere."""
    numbers = json.loads(nbformat.writes(solved()))
    numbers["cells"][3]["source"] = [1, 2, 3]
    odd = json.loads(nbformat.writes(solved()))
    for index, c in enumerate(odd["cells"]):
        if c.get("cell_type") == "markdown":
            c["metadata"] = ["not", "a", "dict"] if index % 2 else 7
        c.pop("outputs", None)
    return ({f"{ASSIGNMENT}.ipynb": b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"},
            {f"{ASSIGNMENT}.ipynb": json.dumps(numbers).encode()},
            {f"{ASSIGNMENT}.ipynb": json.dumps(odd).encode()})


DERIVATIVE = "02-derivative"
LIMIT_PARTS = ("test_derivative_by_limit_values", "test_derivative_by_limit_hidden")


def expensive_symbolic_answers():
    """Row 27: cheap to send, expensive to judge: a huge power, a long expression to simplify, a giant structure."""
    huge_power = solved({"derivative_by_limit": '''
def derivative_by_limit(f, x):
    """A power nobody can compute."""
    return sympy.Mul(sympy.Pow(10, 10**12, evaluate=False), x, evaluate=False)
'''}, DERIVATIVE)
    hard_to_simplify = solved({"derivative_by_limit": '''
def derivative_by_limit(f, x):
    """The right limit, plus zero written as a long expression that agrees with it at every number."""
    h = sympy.Symbol("h")
    right = sympy.limit((f.subs(x, x + h) - f) / h, h, 0)
    zero = sum(sympy.sin(k * x) ** 2 + sympy.cos(k * x) ** 2 for k in range(1, 40)) - 39
    return sympy.Add(right, zero, evaluate=False)
'''}, DERIVATIVE)
    giant = solved({"derivative_by_limit": '''
def derivative_by_limit(f, x):
    """A structure of 100,000 numbers where one expression belongs."""
    return [[0.5] * 100] * 1000
'''}, DERIVATIVE)
    return (as_files(huge_power, assignment=DERIVATIVE), as_files(hard_to_simplify, assignment=DERIVATIVE),
            as_files(giant, assignment=DERIVATIVE))


def without(assignment, *exercises):
    """Full marks in `assignment` except 0 for every grade cell that checks one of these exercises.

    By the function each grade cell calls, not by a prefix of its grade id: test_dJ_db_two_paths_values does not
    check dJ_db."""
    nb = nbformat.read(notebook("source", assignment), as_version=4)
    checked = {c.metadata.nbgrader["grade_id"]: spec.grade_cell_call(c.source)[1] for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade")}
    return {grade_id: 0 if checked[grade_id] in exercises else points
            for grade_id, points in full_marks(assignment).items()}


CHAIN, PARTIALS = "04-chain-rule", "03-partial-derivatives"


def shortcuts():
    """Rows 38–40: right numbers by a shortcut where the exercise asks for the derivative itself."""
    return {
        "a38-helper": Attack(as_files(solved({"dJ_db": '''
from course.derivatives import central_difference


def dJ_db(a, b, c):
    """The toolbox's nudge along b."""
    return central_difference(lambda value: forward(a, value, c)[2], b)
'''}, CHAIN), assignment=CHAIN), without(CHAIN, "dJ_db"),
                             ["worked out by hand", "central_difference from course.derivatives"], CHAIN),
        "a38-inline": Attack(as_files(solved({"dJ_dc": '''
def dJ_dc(a, b, c):
    """A central quotient written out."""
    h = 1e-6
    return (forward(a, b, c + h)[2] - forward(a, b, c - h)[2]) / (2 * h)
'''}, CHAIN), assignment=CHAIN), without(CHAIN, "dJ_dc"), ["worked out by hand", "difference quotient"], CHAIN),
        "a38-graphs": Attack(as_files(solved({"dy_dz": '''
def dy_dz(z):
    """The course's graph nudger."""
    graph = {"x": (lambda z: z**2, ["z"], "x = z²"), "y": (lambda x: x**2, ["x"], "y = x²")}
    return graphs.nudge_gradients(graph, {"z": z})["z"]
'''}, CHAIN), assignment=CHAIN), without(CHAIN, "dy_dz"), ["worked out by hand", "nudge_gradients"], CHAIN),
        "a38-numerical": Attack(as_files(solved({"dz_dx": '''
from course.checks import Numerical


def dz_dx(x, y):
    """The checks' own numerical derivative."""
    return Numerical(lambda x, y: x**2 + y**2, wrt=0)(x, y)
'''}, PARTIALS), assignment=PARTIALS), without(PARTIALS, "dz_dx"), ["worked out by hand", "Numerical"],
                                PARTIALS),
        # Past the reading of the code: the sandbox sees these calls as they happen.
        "a38-factory": Attack(as_files(solved({"dz_dx": '''
def along(i):
    return lambda x, y: partial_derivative(lambda x, y: x**2 + y**2, (x, y), i)


dz_dx = along(0)
'''}, PARTIALS), assignment=PARTIALS), without(PARTIALS, "dz_dx"), ["partial_derivative"], PARTIALS),
        "a38-partial": Attack(as_files(solved({"dz_dx": '''
import functools

from course.derivatives import partial_derivative as nudged

dz_dx = functools.partial(lambda f, x, y: nudged(f, (x, y), 0), lambda x, y: x**2 + y**2)
'''}, PARTIALS), assignment=PARTIALS), without(PARTIALS, "dz_dx"), ["partial_derivative"], PARTIALS),
        "a38-dead-branch": Attack(as_files(solved({"dz_dy": '''
from course.derivatives import partial_derivative


def dz_dy(x, y):
    return partial_derivative(lambda x, y: x**2 + y**2, (x, y), 1)


if False:
    def dz_dy(x, y):
        return 2 * y
'''}, PARTIALS), assignment=PARTIALS), without(PARTIALS, "dz_dy"), ["partial_derivative"], PARTIALS),
        "a38-exec": Attack(as_files(solved({"dJ_db": '''
exec("from course.derivatives import central_difference as cd\\n"
     "def dJ_db(a, b, c):\\n    return cd(lambda v: 3 * (a + v * c), b)")
'''}, CHAIN), assignment=CHAIN), without(CHAIN, "dJ_db"), ["central_difference"], CHAIN),
        "a39-sympy-diff": Attack(as_files(solved({"derivative_by_limit": '''
def derivative_by_limit(expression, x):
    """SymPy's derivative instead of the limit."""
    return sympy.diff(expression, x)
'''}, DERIVATIVE), assignment=DERIVATIVE), without(DERIVATIVE, "derivative_by_limit"),
                                 ["sympy.diff", "does exactly what the exercise asks"], DERIVATIVE),
        "a39-derivative-doit": Attack(as_files(solved({"derivative_by_limit": '''
def derivative_by_limit(expression, x):
    """An unevaluated derivative, evaluated."""
    return sympy.Derivative(expression, x).doit()
'''}, DERIVATIVE), assignment=DERIVATIVE), without(DERIVATIVE, "derivative_by_limit"),
                                      ["sympy.Derivative", "does exactly what the exercise asks"], DERIVATIVE),
        "a40-own-helper": Attack(as_files(solved({"numerical_derivative": '''
import course.derivatives as toolbox


def numerical_derivative(f, x, h=1e-5):
    """The toolbox's central difference, called under another name."""
    return toolbox.central_difference(f, x, h)
'''}, DERIVATIVE), assignment=DERIVATIVE), without(DERIVATIVE, "numerical_derivative"),
                                 ["central_difference", "does exactly what the exercise asks"], DERIVATIVE),
    }


def attacks(course):
    """{student: Attack}, one or more per row of ATTACKS.md."""
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
    table = {student: Attack(*row) for student, row in table.items()}

    files, _mark = text_to_code(course)
    table["a25-text-to-code"] = Attack(files, SLOPE_ZERO, ["not a SymPy expression this grader rebuilds"])
    table["a26-patches-grader"] = Attack(patches_the_grader(), SLOPE_ZERO, ["not a number"])
    deep_and_duplicated, forged_shape, deep_line = malformed_encodings()
    table["a28-deep-line"] = Attack(deep_line, FULL, ["it wrote on the grader's own channel"])
    table["a28-deep-and-duplicated"] = Attack(deep_and_duplicated, SLOPE_ZERO, ["you returned 2"])
    table["a28-forged-shape"] = Attack(forged_shape, SLOPE_ZERO, ["shape is not a list of sizes"])
    table["a29-reads-proc"] = Attack(reads_proc(), FULL, ["readable: nothing"])
    table["a30-fills-scratch"] = Attack(fills_the_scratch_folder(), FULL, ["No space left on device"])
    table["a31-stretches-time"] = Attack(stretches_the_time_limit(), SLOPE_ZERO,
                                         ["it wrote on the grader's own channel"])
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    table["a32-link-to-source"] = Attack({}, NOTHING, ["is a symbolic link"],
                                         links={f"a32-link-to-source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb": source})
    shadow = {f"a32-link-to-shadow/{ASSIGNMENT}/{ASSIGNMENT}.ipynb": Path("/etc/shadow")}
    table["a32-link-to-shadow"] = Attack({}, NOTHING, ["is a symbolic link"], links=shadow)
    table["a32-link-assignment"] = Attack({}, NOTHING, ["assignment folder", "is a symbolic link"],
                                          links={f"a32-link-assignment/{ASSIGNMENT}": course / "source" / ASSIGNMENT})
    table["a32-link-student"] = Attack({}, NOTHING, ["student folder", "is a symbolic link"],
                                       links={"a32-link-student": course / "submitted" / "solver"})
    table["a33-surrogates"] = Attack(unencodable_text(), FULL, ["\ufffd alone"])
    renamed_file, dying = control_sequences()
    table["a34-escape-file-name"] = Attack(renamed_file, FULL, ["\\x1b]0;owned\\x07"])
    table["a34-escape-dying"] = Attack(dying, FULL, ["\\x1b[31mdying"])
    fake_line = "x\n\nSubmissions that could not be graded:\n  alice \u2215 01-slope: the notebook file is empty.ipynb"
    table["a34-newline-file-name"] = Attack(as_files(solved(), {fake_line: b"{}"}), FULL, ["also submitted: x\\n"])
    table["a34-trojan-source"] = Attack(as_files(solved({"slope": '''
def slope(x1, y1, x2, y2):
    """Right, with text-direction characters in a comment: # \u202e \u2066 \x9b."""
    if x1 == x2:
        raise ValueError("vertical")
    return (y2 - y1) / (x2 - x1)
'''})), FULL, ["hold control or text-direction characters", "\\u202e"])
    table["a34-escape-student\x1b[2J"] = Attack(as_files(solved()), NOTHING, ["holds control characters: rename it"])
    many = solved()
    for index in range(2_100):
        add_cell(many, f"# scratch {index}")
    table["a36-many-cells"] = Attack(as_files(many), NOTHING, ["more than the 2000 accepted"])
    for formula in ("=2+5", "@SUM(1)", "+cmd"):  # row 35: see the export test
        table[formula] = Attack(as_files(solved()), FULL, [])
    deep_json, numbers, odd = malformed_notebooks()
    table["a36-deep-json"] = Attack(deep_json, NOTHING, ["nested far too deep"])
    table["a36-source-numbers"] = Attack(numbers, NOTHING, ["the source of cell 4 is not text (list)"])
    table["a36-odd-metadata"] = Attack(odd, FULL, [])
    limit_zero = {**full_marks(DERIVATIVE), **dict.fromkeys(LIMIT_PARTS, 0)}
    power, simplify, giant = expensive_symbolic_answers()
    table["a27-huge-power"] = Attack(power, limit_zero, ["too large to check"], DERIVATIVE)
    table["a27-long-simplify"] = Attack(simplify, limit_zero, ["could not be checked in time"], DERIVATIVE)
    table["a27-giant-structure"] = Attack(giant, limit_zero, ["not a SymPy expression"], DERIVATIVE)
    table.update(shortcuts())
    return table
