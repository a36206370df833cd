"""Shortcuts: a derivative asked for by hand must not come from a machine.

An exercise such as "write dJ/db" checks the numbers the learner's function returns, and a numerical
derivative or `sympy.diff` returns the right numbers without the rule the exercise teaches. So such an
exercise says `by_hand=True`, and this module reads (never runs) the learner's code for the first
shortcut: a call of a numerical-derivative helper, SymPy differentiation, or a difference quotient
written inline. An exercise that builds a numerical derivative itself says instead which ready-made
helpers it forbids (`forbid`), so that calling the toolbox's version is not an answer either.

The code is read in the function the exercise checks and in every function of the learner's that it
uses, however deep; a class (module 08's Value) is read as one function made of all its methods. Two ways
in, one reading:

- `find_shortcut(sources, name, ...)`: the notebook's code cells as text (what the grader holds);
- `find_shortcut_in_function(function, ...)`: a live function in the learner's kernel (what `check`
  holds): its source from linecache, where IPython keeps every cell, and the names it uses from its globals.
"""

import ast
import inspect
import linecache
import operator
import textwrap
import tokenize
import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# The numerical derivatives a learner can reach, by the name of their home module. The course
# re-exports some (course.checks imports numerical_gradient), so any `course.*` spelling counts.
NUMERICAL_HELPERS = (
    "course.derivatives.central_difference",
    "course.derivatives.partial_derivative",
    "course.derivatives.numerical_gradient",
    "course.graphs.nudge_gradients",
    "course.checks.Numerical",
    "course.checks.gradient_check",
    "numpy.gradient",
    "numpy.polyder",
    "numpy.polynomial.deriv",  # the .deriv() of a NumPy polynomial: the derivative done by machine
)
_COURSE_HOMES = {name.rpartition(".")[2]: name for name in NUMERICAL_HELPERS if name.startswith("course.")}
SYMPY_DIFFERENTIATION = ("sympy.diff", "sympy.Derivative", "sympy.idiff", "sympy.series")
STEP_CONSTANT = "course.derivatives.DEFAULT_STEP"
# The grader's watch of the helpers a function calls, switched off (autograder/runner.py notes it): a shortcut for any
# check that asks for something by hand or forbids a helper, since what the function called next went unseen.
WATCH_OFF = "sys.setprofile"
LARGEST_STEP = 1e-2  # a difference divided by a number this small is a difference quotient
_MOST_FUNCTIONS = 200  # learner functions read per search: enough for any notebook, finite for any input
_DEEPEST = 30  # how deep into an expression the readers below look; deeper is not a formula anyone writes


@dataclass(frozen=True)
class Shortcut:
    """Where a shortcut was found, and what it is in a learner's words."""

    function: str  # the learner's function in which it was found
    line: int  # line number within that function's cell source (1-based), or 0 when unknown
    what: str  # e.g. "a numerical derivative (central_difference from course.derivatives)"


def find_shortcut(sources: list[str], name: str, by_hand: bool, forbid: tuple[str, ...] = ()) -> Shortcut | None:
    """The first shortcut in the function `name` of these code cells, or in a function of theirs it uses.

    `sources` are the notebook's imports cell, then the learner's cells in order, as a notebook runs them:
    the last definition of a name wins. A cell that does not parse is skipped (it failed for the learner too).
    """
    return _search(name, _Cells(sources).lookup(name), by_hand, forbid)


def find_shortcut_in_function(function: object, by_hand: bool, forbid: tuple[str, ...] = ()) -> Shortcut | None:
    """The first shortcut in a live function, or in a function of the learner's that it uses.

    None when its source cannot be read (a function made by `exec` without linecache, a builtin).
    """
    name = getattr(function, "__name__", type(function).__name__)
    namespace = getattr(function, "__globals__", None)
    if _is_learner_function(function, namespace) or _is_learner_class(function, namespace):
        start = _read_live(function)
        return _search(name, None if start is None else ("function", start), by_hand, forbid)
    return _search(name, _meaning_of(function), by_hand, forbid)  # dJ_db = Numerical(J, wrt=1), say


def shortcut_in_calls(name: str, called: list[str], by_hand: bool, forbid: tuple[str, ...] = ()) -> Shortcut | None:
    """The first of these dotted names (the helpers a run saw the function call) that is a shortcut here."""
    forbidden = tuple(_canonical(entry) for entry in forbid)
    for called_name in called:
        what = _judge_name(_canonical(str(called_name)), by_hand, forbidden)
        if what is not None:
            return Shortcut(name, 0, what)
    return None


def shortcut_message(name: str, shortcut: Shortcut, by_hand: bool) -> str:
    """What a learner reads: what the exercise asks, what their code does instead, and where."""
    via = "" if shortcut.function == name else f" through your function {shortcut.function}"
    at = ""
    if shortcut.line:
        at = f", at line {shortcut.line}" + ("" if shortcut.function == name else f" of {shortcut.function}")
    if by_hand:
        tool = "SymPy" if shortcut.what.startswith("SymPy") else "a numerical derivative"
        return (f"✗ {name}: this exercise asks for the derivative worked out by hand, but your function uses "
                f"{shortcut.what}{via}{at}.\nWork out the formula with the rules of this module and return it; "
                f"use {tool} only to check your answer, in a cell of its own.")
    return (f"✗ {name}: this exercise asks you to write this yourself, but your function calls {shortcut.what}{via}, "
            f"which does exactly what the exercise asks{at}.\nBuild it from the formula in the exercise; keep the "
            f"ready-made version for checking your answer, in a cell of its own.")


# A name, where a learner's function uses it, means one of: ("name", "course.derivatives") for a module
# or anything imported, ("function", _Function) for a function of the learner's, ("step", None) for a
# small constant such as h = 1e-5. Anything else is not followed.
Meaning = tuple[str, Any]


@dataclass(frozen=True)
class _Function:
    """A learner function to read: its name, its syntax tree, where its source starts in its cell, its names.

    A class is read as one function: a shortcut in any of its methods is the class's (module 08's Value).
    """

    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
    offset: int  # lines of the cell above the start of the parsed source
    names: "_Cells | _Globals"


def _search(name: str, start: Meaning | None, by_hand: bool, forbid: tuple[str, ...]) -> Shortcut | None:
    """Read the function `start` means and every learner function it uses, breadth first; the first shortcut."""
    forbidden = tuple(_canonical(entry) for entry in forbid)
    if start is not None and start[0] == "name":  # the exercise's name bound straight to a helper
        what = _judge_name(_canonical(start[1]), by_hand, forbidden)
        return None if what is None else Shortcut(name, 0, what)
    if start is None or start[0] != "function":
        return None
    # A function is read once for each set of its parameters that its callers pass a step in: the
    # learner's own difference_quotient(f, x, h) is honest until a by-hand answer calls it with h = 1e-3.
    queue: list[tuple[_Function, frozenset[str]]] = [(start[1], frozenset())]
    seen: set[tuple[int, frozenset[str]]] = {(id(start[1].node), frozenset())}
    while queue and len(seen) <= _MOST_FUNCTIONS:
        function, steps = queue.pop(0)
        shortcut, uses = _read(function, by_hand, forbidden, steps)
        if shortcut is not None:
            return shortcut
        for used, used_steps in uses:
            if (id(used.node), used_steps) not in seen:
                seen.add((id(used.node), used_steps))
                queue.append((used, used_steps))
    return None


def _read(function: _Function, by_hand: bool, forbidden: tuple[str, ...],
          steps: frozenset[str] = frozenset()) -> tuple[Shortcut | None, list[tuple[_Function, frozenset[str]]]]:
    """The first shortcut in one function's own code, and the learner functions it uses.

    `steps` are parameters its caller passes a small step in; the uses come with theirs.
    """
    scope = _Scope(function.names, function)
    scope.steps |= steps
    found: list[tuple[int, int, str]] = []  # (line, column, what)
    uses: list[tuple[_Function, frozenset[str]]] = []
    # `course` and `course.derivatives` in course.derivatives.central_difference are parts of one name
    parts = {id(node.value) for node in ast.walk(function.node) if isinstance(node, ast.Attribute)}
    for node in ast.walk(function.node):
        what = None
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            meaning = scope.meaning(node)
            if meaning is not None and meaning[0] == "function":
                uses.append((meaning[1], frozenset()))
            elif meaning is not None and meaning[0] == "name" and id(node) not in parts:
                what = _judge_name(_canonical(meaning[1]), by_hand, forbidden)
        if isinstance(node, ast.Call) and by_hand:
            called = scope.meaning(node.func) if isinstance(node.func, (ast.Name, ast.Attribute)) else None
            if called is not None and called[0] == "function":
                stepped = _stepped_parameters(called[1], node, scope)
                if stepped:
                    uses.append((called[1], stepped))
        if isinstance(node, ast.Call) and (method_name := _method_name(node, scope)) in _METHODS:
            what = _judge_name(_METHODS[method_name], by_hand, forbidden, method=True)
        elif by_hand and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            if _is_difference(node.left, scope) and scope.is_step(node.right):
                what = f"a difference quotient (a difference divided by the step {_shown(node.right)})"
        if what is not None:
            found.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), what))
    if isinstance(function.node, ast.ClassDef) and isinstance(function.names, _Cells):
        uses += [(attached, frozenset()) for attached in function.names.attached_to(function.name)]
    if not found:
        return None, uses
    line, _column, what = min(found)
    return Shortcut(function.name, function.offset + line if line else 0, what), uses


def _stepped_parameters(function: _Function, call: ast.Call, scope: "_Scope") -> frozenset[str]:
    """The parameters of a learner function to which this call passes a small step (h = 1e-3, 1e-5 * x, ...)."""
    node, skipped = function.node, 0
    if isinstance(node, ast.ClassDef):  # a class passes what it is called with to its __init__, after self
        init = next((item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"), None)
        if init is None:
            return frozenset()
        node, skipped = init, 1
    arguments = node.args
    names = [argument.arg for argument in (*arguments.posonlyargs, *arguments.args)][skipped:]
    stepped = {names[index] for index, value in enumerate(call.args[:len(names)]) if scope.is_step(value)}
    stepped |= {keyword.arg for keyword in call.keywords if keyword.arg and scope.is_step(keyword.value)}
    return frozenset(stepped)


def _judge_name(name: str, by_hand: bool, forbidden: tuple[str, ...], method: bool = False) -> str | None:
    """How a learner would call using `name` here, if it is a shortcut for this exercise; else None."""
    module, _, base = name.rpartition(".")
    if name == WATCH_OFF and (by_hand or forbidden):
        return f"{WATCH_OFF}, which switches off the grader's watch of the helpers your code calls"
    if by_hand and name in ("numpy.polyder", "numpy.polynomial.deriv"):
        return f"a polynomial's derivative taken by NumPy ({'the .deriv method' if method else name})"
    if by_hand and name in NUMERICAL_HELPERS:
        return f"a numerical derivative ({base} from {module})"
    if by_hand and name in SYMPY_DIFFERENTIATION:
        if name == "sympy.series":
            return "a series expansion by SymPy (series), which takes the derivative for you"
        return "SymPy differentiation (the .diff method)" if method else f"SymPy differentiation ({name})"
    if name != STEP_CONSTANT and any(name == entry or name.startswith(entry + ".") for entry in forbidden):
        return f"{name} (as the .diff method)" if method else name
    return None


def _canonical(name: str) -> str:
    """One spelling per helper, however it was imported: course.checks.numerical_gradient is course.derivatives'."""
    module, _, base = name.rpartition(".")
    root = module.split(".")[0]
    if root == "course" and base in _COURSE_HOMES:
        return _COURSE_HOMES[base]
    if root == "course" and base == "DEFAULT_STEP":
        return STEP_CONSTANT
    if root == "sympy" and f"sympy.{base}" in SYMPY_DIFFERENTIATION:
        return f"sympy.{base}"  # sympy.core.function.diff, as its __module__ says, is sympy.diff
    return name


class _Scope:
    """What the names in one learner function mean: its own names first, then the notebook's.

    Nested functions and lambdas share the scope of the function they are in: simpler, and a name
    they bind (a parameter h=1e-5) means the same thing wherever a learner uses it.
    """

    def __init__(self, names: "_Cells | _Globals", function: _Function | None = None) -> None:
        self.names = names
        self.local: set[str] = set()  # every name the function binds: parameters, assignments, loop variables, ...
        self.aliases: dict[str, str] = {}  # local names bound to an import or to a helper: D = course.derivatives
        self.steps: set[str] = set()  # local names bound to a small constant: h = 1e-5, or a default h=1e-5
        self.differences: set[str] = set()  # local names bound to a subtraction: rise = f(x + h) - f(x)
        definition = None if function is None else function.node
        for node in ast.walk(definition) if definition is not None else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self._parameters(node.args)
                if not isinstance(node, ast.Lambda) and node is not definition:
                    self.local.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self.local.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for bound, imported in _imported(node):
                    self.local.add(bound)
                    self.aliases[bound] = imported
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    for bound, value in _pairs(target, node.value):
                        self._assigned(bound, value)

    def _parameters(self, arguments: ast.arguments) -> None:
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
        named = [*zip(positional, defaults, strict=True),
                 *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)]
        for argument in [arguments.vararg, arguments.kwarg]:
            if argument is not None:
                named.append((argument, None))
        for argument, default in named:
            self.local.add(argument.arg)
            if default is not None and self.is_step(default):  # h=1e-5, h=DEFAULT_STEP
                self.steps.add(argument.arg)

    def _assigned(self, bound: str, value: ast.expr) -> None:
        if self.is_step(value):  # h = 1e-5, and a step relative to x too: h = 1e-5 * x
            self.steps.add(bound)
        elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Sub):
            self.differences.add(bound)
        elif isinstance(value, (ast.Name, ast.Attribute)):
            meaning = self.meaning(value)
            if meaning is not None and meaning[0] == "name":
                self.aliases[bound] = meaning[1]
            elif meaning is not None and meaning[0] == "step":
                self.steps.add(bound)  # step = h

    def meaning(self, node: ast.expr) -> Meaning | None:
        """What a name or a chain such as D.partial_derivative refers to, or None when it is not known."""
        attributes = []
        for _ in range(_DEEPEST):
            if not isinstance(node, ast.Attribute):
                break
            attributes.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None  # the attribute of a value, such as expression.diff
        if node.id in self.aliases:
            meaning: Meaning | None = ("name", self.aliases[node.id])
        elif node.id in self.steps:
            meaning = ("step", None)
        elif node.id in self.local:
            return None  # a local value: whatever it holds, it is not a helper
        else:
            meaning = self.names.lookup(node.id)
        if meaning is None or not attributes:
            return meaning
        if meaning[0] != "name":
            return None  # an attribute of a function or a number: not a helper
        return ("name", ".".join([meaning[1], *reversed(attributes)]))

    def is_step(self, node: ast.expr, depth: int = 0) -> bool:
        """Whether `node` is a small step, or a multiple of one: 1e-5, h, 2 * h, DEFAULT_STEP."""
        if depth > _DEEPEST:
            return False
        if _is_small(node):
            return True
        if isinstance(node, (ast.Name, ast.Attribute)):
            meaning = self.meaning(node)
            return meaning is not None and (meaning[0] == "step" or
                                            (meaning[0] == "name" and _canonical(meaning[1]) == STEP_CONSTANT))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return self.is_step(node.left, depth + 1) or self.is_step(node.right, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self.is_step(node.left, depth + 1)  # h / 2
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self.is_step(node.operand, depth + 1)
        return False


def _is_difference(node: ast.expr, scope: _Scope, depth: int = 0) -> bool:
    """Whether a numerator is a difference: a - b, a multiple of one, or a local name bound to one."""
    if depth > _DEEPEST:
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _is_difference(node.left, scope, depth + 1) or _is_difference(node.right, scope, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return _is_difference(node.left, scope, depth + 1)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _is_difference(node.operand, scope, depth + 1)
    return isinstance(node, ast.Name) and node.id in scope.differences


# Methods of values that differentiate: `expression.diff(x)`, `expression.series(h)`, `polynomial.deriv()`.
_METHODS = {"diff": "sympy.diff", "series": "sympy.series", "taylor_term": "sympy.series",
            "deriv": "numpy.polynomial.deriv"}


def _method_name(call: ast.Call, scope: _Scope) -> str | None:
    """The method a call such as `something.diff(...)` makes on a value, not on a module (np.diff); else None."""
    if isinstance(call.func, ast.Attribute) and scope.meaning(call.func) is None:
        return call.func.attr
    return None


def _is_small(node: ast.expr) -> bool:
    value = _constant(node)
    return value is not None and 0 < abs(value) <= LARGEST_STEP


_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _constant(node: ast.expr, depth: int = 0) -> float | None:
    """The value of a number written out, such as 1e-5, -0.001, 2 * 1e-6 or 10 ** -5; else None."""
    if depth > _DEEPEST:
        return None
    if isinstance(node, ast.Constant):
        value = node.value
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        return float(value) if abs(value) < 1e300 else None  # a literal too large for a float is no step
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _constant(node.operand, depth + 1)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if not isinstance(node, ast.BinOp):
        return None
    left, right = _constant(node.left, depth + 1), _constant(node.right, depth + 1)
    if left is None or right is None:
        return None
    try:
        if isinstance(node.op, ast.Pow):
            return float(left**right) if abs(left) <= 1e6 and abs(right) <= 64 else None
        operation = _ARITHMETIC.get(type(node.op))
        return None if operation is None else float(operation(left, right))
    except (ArithmeticError, TypeError):  # 1 / 0, an overflow, a complex power: not a step
        return None


def _shown(node: ast.expr) -> str:
    """A short text for the step, such as `2 * h`, for the message."""
    try:
        text = ast.unparse(node)
    except (RecursionError, ValueError):
        return "h"
    return text if len(text) <= 30 else "h"


def _imported(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """(bound name, what it refers to) for each name an import statement binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield (alias.asname, alias.name) if alias.asname else (alias.name.split(".")[0], alias.name.split(".")[0])
    elif node.module and not node.level:  # a relative import refers to nothing the course knows
        for alias in node.names:
            if alias.name == "*":
                yield from _star(node.module)
            else:
                yield alias.asname or alias.name, f"{node.module}.{alias.name}"


def _star(module: str) -> Iterator[tuple[str, str]]:
    """What `from module import *` binds, of the names that matter here."""
    for name in (*NUMERICAL_HELPERS, *SYMPY_DIFFERENTIATION, STEP_CONSTANT):
        home, _, base = name.rpartition(".")
        if home == module or (module.startswith("course.") and base in _COURSE_HOMES):
            yield base, f"{module}.{base}"


def _pairs(target: ast.expr, value: ast.expr) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) for each name an assignment binds: h = 1e-5, or x, h = 1.0, 1e-5."""
    if isinstance(target, ast.Name):
        yield target.id, value
    elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
        if len(target.elts) == len(value.elts):
            for part, part_value in zip(target.elts, value.elts, strict=True):
                yield from _pairs(part, part_value)


def _parse(source: str) -> ast.Module | None:
    """The syntax tree of a cell, or None when it does not parse; never raises, whatever the cell holds."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class _Cells:
    """The names a notebook's cells bind at the top level, after running them in order."""

    def __init__(self, sources: Iterable[str]) -> None:
        self.bindings: dict[str, Meaning] = {}
        self.attached: dict[str, list[ast.expr]] = {}  # class name -> what cells set on it after: Value.exp = exp
        for source in sources:
            tree = _parse(source) if isinstance(source, str) else None
            if tree is not None:
                self._run(tree.body)

    def lookup(self, name: str) -> Meaning | None:
        return self.bindings.get(name)

    def attached_to(self, name: str) -> list[_Function]:
        """The learner functions set on the class `name` after its definition: its methods as well."""
        found = []
        for value in self.attached.get(name, []):
            meaning = ("function", _Function(name, value, 0, self)) if isinstance(value, ast.Lambda) else \
                _Scope(self).meaning(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
            if meaning is not None and meaning[0] == "function":
                found.append(meaning[1])
        return found

    def _run(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.bindings[statement.name] = ("function", _Function(statement.name, statement, 0, self))
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                for bound, imported in _imported(statement):
                    self.bindings[bound] = ("name", imported)
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    self._unbind(target)
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        self.attached.setdefault(target.value.id, []).append(statement.value)
                    for bound, value in _pairs(target, statement.value):
                        self._assign(bound, value)
            elif isinstance(statement, ast.ClassDef):
                self.bindings[statement.name] = ("function", _Function(statement.name, statement, 0, self))
                self.attached.pop(statement.name, None)
            elif isinstance(statement, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                # A definition or an import inside a block binds the same top-level names.
                for block in ("body", "orelse", "finalbody"):
                    self._run(getattr(statement, block, []))
                for handler in getattr(statement, "handlers", []):
                    self._run(handler.body)

    def _unbind(self, target: ast.expr) -> None:
        """Forget the names an assignment binds anew (Value.exp = … or table[k] = … changes an object, not a name)."""
        if isinstance(target, ast.Name):
            self.bindings.pop(target.id, None)
        elif isinstance(target, ast.Starred):
            self._unbind(target.value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for part in target.elts:
                self._unbind(part)

    def _assign(self, bound: str, value: ast.expr) -> None:
        if isinstance(value, ast.Lambda):
            self.bindings[bound] = ("function", _Function(bound, value, 0, self))
        elif _is_small(value):
            self.bindings[bound] = ("step", None)
        elif isinstance(value, (ast.Name, ast.Attribute)):
            meaning = _Scope(self).meaning(value)
            if meaning is not None:
                self.bindings[bound] = meaning
        elif isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            # derivative = Numerical(J, wrt=1): calling `derivative` later is calling Numerical
            meaning = _Scope(self).meaning(value.func)
            if meaning is not None and meaning[0] == "name" and _canonical(meaning[1]) in NUMERICAL_HELPERS:
                self.bindings[bound] = meaning


class _Globals:
    """The names a live function sees, read from its globals: what the kernel holds right now."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self.namespace = namespace
        # id(function) -> its _Function: each is parsed once, so a search ends
        self.read: dict[int, _Function | None] = {}

    def lookup(self, name: str) -> Meaning | None:
        if name not in self.namespace:
            return None
        value = self.namespace[name]
        if not (_is_learner_function(value, self.namespace) or _is_learner_class(value, self.namespace)):
            return _meaning_of(value)
        if id(value) not in self.read:
            self.read[id(value)] = _read_live(value, self)
        function = self.read[id(value)]
        return None if function is None else ("function", function)


def _meaning_of(value: object) -> Meaning | None:
    """What a value in the kernel is, for the names it can be bound to: a module, a helper, a step."""
    if isinstance(value, types.ModuleType):
        return ("name", value.__name__)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ("step", None) if 0 < abs(value) <= LARGEST_STEP else None
    if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
        return _dotted(value)  # a helper, by where it was defined
    if type(value).__module__.split(".")[0] == "course":
        return _dotted(type(value))  # an object of the course, such as Numerical(J, wrt=1)
    return None


def _dotted(value: object) -> Meaning | None:
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    return ("name", f"{module}.{qualname}") if isinstance(module, str) and isinstance(qualname, str) else None


def _is_learner_function(value: object, namespace: object) -> bool:
    """Whether `value` is a plain function written in the notebook, not one from a library."""
    if not isinstance(value, types.FunctionType):
        return False
    module = (value.__module__ or "").split(".")[0]
    return module not in ("course", "numpy", "sympy") and (value.__globals__ is namespace or module == "__main__")


def _is_learner_class(value: object, namespace: object) -> bool:
    """Whether `value` is a class written in the notebook: one of its methods is a learner function."""
    return isinstance(value, type) and any(_is_learner_function(method, namespace) for method in _methods(value))


def _methods(cls: type) -> list[types.FunctionType]:
    """The functions a class defines itself (static and class methods unwrapped)."""
    found = [getattr(member, "__func__", member) for member in vars(cls).values()]
    return [member for member in found if isinstance(member, types.FunctionType)]


def _read_live_class(cls: type, names: _Globals | None) -> _Function | None:
    """A live class's syntax tree, from the cell its methods were written in (IPython keeps it in linecache)."""
    for method in _methods(cls):
        code = method.__code__
        tree = _parse("".join(linecache.getlines(code.co_filename)))
        for node in ast.walk(tree) if tree is not None else ():
            if (isinstance(node, ast.ClassDef) and node.name == cls.__name__
                    and node.lineno <= code.co_firstlineno <= (node.end_lineno or node.lineno)):
                if names is None or names.namespace is not method.__globals__:
                    names = _Globals(method.__globals__)
                return _Function(cls.__name__, node, 0, names)
    return None


def _read_live(function: object, names: _Globals | None = None) -> _Function | None:
    """A live function's syntax tree from its source (IPython keeps each cell's in linecache), or None."""
    if isinstance(function, type):
        return _read_live_class(function, names)
    if not isinstance(function, types.FunctionType):
        return None
    if names is None or names.namespace is not function.__globals__:
        names = _Globals(function.__globals__)
    try:
        lines, start = inspect.getsourcelines(function)
    except (OSError, TypeError, SyntaxError, tokenize.TokenError, RecursionError, MemoryError):
        return None
    tree = _parse(textwrap.dedent("".join(lines)))
    if tree is None:
        return None
    for node in ast.walk(tree):
        if ((isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function.__name__)
                or (function.__name__ == "<lambda>" and isinstance(node, ast.Lambda))):
            return _Function(function.__name__, node, max(start - 1, 0), names)
    return None
