"""One-edit variants of a reference solution: the mistakes the grader can name without being told them.

Each `Mutant` is the reference function with one edit, and a name for that edit in the learner's
terms: the variables of the signature and the mathematics ("x1 and x2 are exchanged", "a term of the
sum is missing", "the sum where the mean belongs"), never the solution's code. The edits:

- an operator swapped (+ −, · /, @ ·, ** ·), or the two sides of a −, / or @ exchanged;
- a term of a sum, a factor of a product, a division or a power dropped, or a minus sign;
- a number changed (±1, ×2, ÷2);
- two variables exchanged everywhere, or one variable used where another belongs;
- two arguments of a call exchanged;
- the sum where the mean belongs, and the reverse;
- a transpose dropped, or added where a matrix product is formed;
- a loop that runs once too few or too many times;
- a boundary comparison (> for ≥, < for ≤ and the reverse), a test reversed, a special case dropped.

Several edits can make the same function (exchanging x1 and x2 in (y2 − y1) / (x2 − x1) is the
run upside down): `Mutant.rank` orders the names so the one a learner would recognise comes first.
"""

import ast
import copy
import itertools
import operator
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from course import checks

OPERATOR_WORDS = {ast.Add: "an addition", ast.Sub: "a subtraction", ast.Mult: "a multiplication",
                  ast.Div: "a division", ast.Pow: "a power", ast.MatMult: "a matrix product"}
SWAPS: dict[type[ast.operator], list[type[ast.operator]]] = {
    ast.Add: [ast.Sub, ast.Mult], ast.Sub: [ast.Add], ast.Mult: [ast.Div, ast.Add], ast.Div: [ast.Mult],
    ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult]}
SYMBOLS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "·", ast.Div: "/", ast.Pow: "^", ast.MatMult: "@"}
SIDES_EXCHANGED = {ast.Sub: "the two sides of a difference are exchanged (so its sign is flipped)",
                   ast.Div: "a quotient is upside down (numerator and denominator exchanged)",
                   ast.MatMult: "the two factors of a matrix product are exchanged",
                   ast.Pow: "base and exponent of a power are exchanged"}
# (the comparison the learner wrote instead, its name): what the learner wrote first, then what belongs.
BOUNDARIES = {ast.Gt: (ast.GtE, "≥ where > belongs"), ast.GtE: (ast.Gt, "> where ≥ belongs"),
              ast.Lt: (ast.LtE, "≤ where < belongs"), ast.LtE: (ast.Lt, "< where ≤ belongs")}
# A boundary edit changes a function only where the compared sides are equal: the reference is also compiled with
# that comparison watched (a call of PROBE), to tell whether any point checked sits on the boundary.
PROBE = "__nudge_compared__"
COMPARED = {"Gt": operator.gt, "GtE": operator.ge, "Lt": operator.lt, "LtE": operator.le}
REVERSED = {ast.Eq: (ast.NotEq, "≠ where = belongs"), ast.NotEq: (ast.Eq, "= where ≠ belongs")}
MEAN_SUM = {"mean": ("sum", "the sum where the mean belongs (the 1/n is missing)"),
            "sum": ("mean", "the mean where the sum belongs (an extra 1/n)")}

# Kinds of edit, the most recognisable first: when two edits make the same function, the first names it.
RANKS = ["transpose", "exchanged", "arguments", "mean/sum", "dropped", "boundary", "loop", "sides", "sign",
         "operator", "constant", "substituted", "special case"]

NodeT = TypeVar("NodeT", bound=ast.AST)

@dataclass(frozen=True)
class Mutant:
    """The reference with one edit: what kind of edit, its name for the learner, and the function."""

    kind: str
    name: str
    function: Callable
    # For a boundary edit: on_boundary(*args) tells whether the reference, called with args, compares two equal
    # sides where the edit is (the only place the edit can change anything).
    on_boundary: Callable | None = None
    position: int = -1  # which of `edits(...)` it is: what a cache keeps to make it again without the others

    @property
    def rank(self) -> int:
        return RANKS.index(self.kind)


Definition = ast.FunctionDef | ast.ClassDef


@dataclass(frozen=True)
class Edit:
    """One edit of a definition, not made yet (copying, unparsing and compiling are most of the cost, and a plan
    read from the cache makes only the edits grading names): its kind, its name, and how to make it."""

    kind: str
    label: str
    # () -> (the edited definition, and for a boundary edit the reference with that comparison watched, else None)
    make: Callable[[], tuple[Definition, Definition | None]]

    @property
    def rank(self) -> int:
        return RANKS.index(self.kind)


def edits(source: str, name: str) -> list[Edit]:
    """Every edit of the function or class `name` defined in `source`, in the same order every time."""
    tree = ast.parse(source)
    definition = next(node for node in tree.body if isinstance(node, Definition) and node.name == name)
    return list(_edits_of_definition(definition))


def mutants(source: str, name: str, namespace: dict, call: Callable | None = None) -> list[Mutant]:
    """Every one-edit variant of the function or class `name` defined in `source`, compiled beside `namespace`.

    A class's variants are one edit inside one of its methods. With `call` (the exercise's, see
    `course.checks.through`), each variant is a function of the points, called through it as the reference is.
    """
    listed = edits(source, name)
    # the same code reached by two edits keeps the more recognisable name
    best: dict[str, tuple[int, Definition, Definition | None]] = {}
    for position, edit in enumerate(listed):
        edited, watched = edit.make()
        code = ast.unparse(edited)
        if code not in best or edit.rank < listed[best[code][0]].rank:
            best[code] = (position, edited, watched)
    found = []
    for position, edited, watched in best.values():
        mutant = _compiled(listed[position], position, edited, watched, name, namespace, call)
        if mutant is not None:
            found.append(mutant)
    return found


def made(listed: list[Edit], position: int, name: str, namespace: dict, call: Callable | None = None) -> Mutant | None:
    """The Mutant of the `position`-th of `listed` alone (as `mutants` makes it), or None if it does not compile."""
    edited, watched = listed[position].make()
    return _compiled(listed[position], position, edited, watched, name, namespace, call)


def _compiled(edit: Edit, position: int, edited: Definition, watched: Definition | None, name: str, namespace: dict,
              call: Callable | None) -> Mutant | None:
    scope = dict(namespace)
    try:
        exec(compile(ast.Module([edited], []), f"<mutant of {name}>", "exec"), scope)
    except (SyntaxError, TypeError, ValueError):
        return None  # an edit that does not make a valid function is no mistake a learner can make
    return Mutant(edit.kind, edit.label, checks.through(call, scope[name]),
                  _on_boundary(watched, name, namespace, call) if watched else None, position)


def _edits_of_definition(definition: Definition) -> Iterator[Edit]:
    """The edits of a function, or of each method of a class (named with the method), each in a copy of the class."""
    if isinstance(definition, ast.FunctionDef):
        yield from _edits(definition)
        return
    for index, method in enumerate(definition.body):
        if isinstance(method, ast.FunctionDef):
            for edit in _edits(method):
                def make(edit: Edit = edit, index: int = index) -> tuple[Definition, Definition | None]:
                    edited, watched = edit.make()
                    return (_with_method(definition, index, edited),
                            None if watched is None else _with_method(definition, index, watched))
                yield Edit(edit.kind, f"{edit.label} (in {method.name})", make)


def _with_method(definition: ast.ClassDef, index: int, method: Definition) -> ast.ClassDef:
    """A copy of a class whose index-th statement is `method`."""
    edited = copy.copy(definition)
    edited.body = [method if position == index else statement for position, statement in enumerate(definition.body)]
    return edited


def _edits(definition: ast.FunctionDef) -> Iterator[Edit]:
    """Every edit of one function: at each edit site of its body, then the exchanges of its variables."""
    body = definition.body[1:] if _has_docstring(definition) else definition.body
    nodes = [node for statement in body for node in ast.walk(statement)]
    for index, node in enumerate(nodes):
        for kind, label, replacement in _edits_of(node, definition):
            def make(index: int = index, replacement: Callable = replacement,
                     boundary: bool = kind == "boundary") -> tuple[ast.FunctionDef, ast.FunctionDef | None]:
                return (_replaced(definition, body, index, replacement),
                        _replaced(definition, body, index, _watched) if boundary else None)
            yield Edit(kind, label, make)
    yield from _exchanges(definition, body)


def _watched(node: ast.Compare) -> ast.Call:
    """The comparison `left op right` as PROBE(left, "op", right), which compares the same way."""
    return ast.Call(ast.Name(PROBE, ast.Load()),
                    [node.left, ast.Constant(type(node.ops[0]).__name__), node.comparators[0]], [])


def _on_boundary(watched: Definition, name: str, namespace: dict, call: Callable | None = None) -> Callable:
    """A function of the reference's arguments: whether the watched comparison ever compares two equal sides."""
    equal = []

    def compared(left: Any, op: str, right: Any) -> Any:
        equal.append(bool(np.any(left == right)))
        return COMPARED[op](left, right)

    scope = {**namespace, PROBE: compared}
    exec(compile(ast.fix_missing_locations(ast.Module([watched], [])), f"<{name}, a comparison watched>", "exec"),
         scope)
    reference = checks.through(call, scope[name])

    def on_boundary(*args: object) -> bool:
        equal.clear()
        reference(*args)
        return any(equal)

    return on_boundary


def _edits_of(node: ast.AST, definition: ast.FunctionDef) -> Iterator[tuple[str, str, Callable]]:
    """(kind, name, make the replacement from a copy of the node) for the edits of one node."""
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        left, right = (_describe(side, _parameters(definition)) for side in (node.left, node.right))
        for other in SWAPS.get(op, []):
            label = f"{OPERATOR_WORDS[other]} where {OPERATOR_WORDS[op]} belongs"
            if op is ast.MatMult:
                label = "an element-by-element product where the matrix product belongs"
            elif left and right:  # say which one, when the learner shares its names: b + c where b·c belongs
                label += f" ({_written(left, other, right)} where {_written(left, op, right)} belongs)"
            yield "operator", label, lambda n, other=other: ast.BinOp(n.left, other(), n.right)
        if op in SIDES_EXCHANGED:
            yield "sides", SIDES_EXCHANGED[op], lambda n: ast.BinOp(n.right, n.op, n.left)
        yield from _dropped(node, _parameters(definition))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "sign", "a minus sign is missing", lambda n: n.operand
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        for changed in _nearby(node.value):
            yield "constant", f"the number {changed:g} where {node.value:g} belongs", \
                lambda n, changed=changed: ast.Constant(changed)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        comparison = type(node.ops[0])
        if comparison in BOUNDARIES:
            instead, label = BOUNDARIES[comparison]
            yield "boundary", f"{label}: the case on the boundary falls on the wrong side", \
                lambda n, instead=instead: ast.Compare(n.left, [instead()], n.comparators)
        if comparison in REVERSED:
            instead, label = REVERSED[comparison]
            yield "operator", f"a test is reversed ({label})", \
                lambda n, instead=instead: ast.Compare(n.left, [instead()], n.comparators)
    elif isinstance(node, ast.Call):
        yield from _call_edits(node, _parameters(definition))
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        what = _describe(node.value, _parameters(definition))
        label = f"{what} where {what}ᵀ belongs (a transpose is missing)" if what else "a transpose is missing"
        yield "transpose", label, lambda n: n.value
    elif isinstance(node, ast.If) and not node.orelse:
        yield "special case", "a special case is not handled (a test the exercise asks for is missing)", \
            lambda n: ast.Pass()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        for side in ("left", "right"):
            operand = getattr(node, side)
            if isinstance(operand, ast.Name) and _is_parameter(operand.id, definition):
                yield "transpose", f"{operand.id}ᵀ where {operand.id} belongs", \
                    lambda n, side=side: _with_side(n, side, ast.Attribute(getattr(n, side), "T", ast.Load()))


def _written(left: str, op: type[ast.operator], right: str) -> str:
    """left op right as a learner writes it: a + b, b·c, x/h."""
    return f"{left} {SYMBOLS[op]} {right}" if op in (ast.Add, ast.Sub) else f"{left}{SYMBOLS[op]}{right}"


def _dropped(node: ast.BinOp, parameters: set) -> Iterator[tuple[str, str, Callable]]:
    op = type(node.op)
    if op in (ast.Add, ast.Sub):
        sum_or_difference = "sum" if op is ast.Add else "difference"
        for dropped, keep in ((node.right, lambda n: n.left),
                              (node.left, lambda n: n.right if op is ast.Add else ast.UnaryOp(ast.USub(), n.right))):
            what = _describe(dropped, parameters)
            label = f"the term {what} of the {sum_or_difference} is missing" if what else \
                f"a term of the {sum_or_difference} is missing"
            yield "dropped", label, keep
    elif op in (ast.Mult, ast.MatMult):
        for kept, dropped in (("left", node.right), ("right", node.left)):
            what = _describe(dropped, parameters)
            label = f"the factor {what} is missing" if what else "a factor of a product is missing"
            yield "dropped", label, lambda n, kept=kept: getattr(n, kept)
    elif op is ast.Div:
        what = _describe(node.right, parameters)
        yield "dropped", f"the division by {what} is missing" if what else "a division is missing", lambda n: n.left
    elif op is ast.Pow:
        what = _describe(node.right, parameters)
        yield "dropped", f"the power {what} is missing" if what else "a power is missing", lambda n: n.left


def _call_edits(node: ast.Call, parameters: set) -> Iterator[tuple[str, str, Callable]]:
    called = _describe(node.func, parameters) or "a function call"
    positional = [argument for argument in node.args if not isinstance(argument, ast.Starred)]
    if len(positional) == len(node.args):
        for i, j in itertools.combinations(range(len(node.args)), 2):
            def swapped(n: ast.Call, i: int = i, j: int = j) -> ast.Call:
                arguments = list(n.args)
                arguments[i], arguments[j] = arguments[j], arguments[i]
                return ast.Call(n.func, arguments, n.keywords)
            yield "arguments", f"the arguments of {called} are in the wrong order", swapped
    attribute = node.func.attr if isinstance(node.func, ast.Attribute) else None
    if attribute in MEAN_SUM:
        other, label = MEAN_SUM[attribute]
        yield "mean/sum", label, lambda n, other=other: ast.Call(ast.Attribute(n.func.value, other, ast.Load()),
                                                                n.args, n.keywords)
    if isinstance(node.func, ast.Name) and node.func.id == "range" and len(node.args) == 1:
        for step, label in ((-1, "once too few times"), (1, "once too many times")):
            yield "loop", f"the loop runs {label}", lambda n, step=step: ast.Call(
                n.func, [ast.BinOp(n.args[0], ast.Add(), ast.Constant(step))], n.keywords)


def _exchanges(definition: ast.FunctionDef, body: list) -> Iterator[Edit]:
    """Two variables exchanged everywhere, and one variable used once where another belongs."""
    # Only the signature's variables: the learner chose their own names for everything else.
    names = [argument.arg for argument in definition.args.args]
    for first, second in itertools.combinations(names, 2):
        def exchanged(first: str = first, second: str = second) -> tuple[ast.FunctionDef, None]:
            edited = _copied(definition)
            for node in ast.walk(edited):
                if isinstance(node, ast.Name) and node.id in (first, second):
                    node.id = second if node.id == first else first
            edited.args = _copied(definition.args)  # the signature stays: only the body mixes them up
            return edited, None
        yield Edit("exchanged", f"{first} and {second} are exchanged", exchanged)
    loads = [node for statement in body for node in ast.walk(statement)
             if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names]
    for index, used in enumerate(loads):
        for other in names:
            if other != used.id:
                def substituted(index: int = index, other: str = other) -> tuple[ast.FunctionDef, None]:
                    edited = _copied(definition)
                    edited_body = edited.body[1:] if _has_docstring(edited) else edited.body
                    target = [node for statement in edited_body for node in ast.walk(statement)
                              if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                              and node.id in names][index]
                    target.id = other
                    return edited, None
                yield Edit("substituted", f"{other} where {used.id} belongs", substituted)


def _replaced(definition: ast.FunctionDef, body: list, index: int, make: Callable) -> ast.FunctionDef:
    """A copy of `definition` whose index-th body node is replaced by `make(copy of that node)`."""
    edited = _copied(definition)
    edited_body = edited.body[1:] if _has_docstring(edited) else edited.body
    target = [node for statement in edited_body for node in ast.walk(statement)][index]
    # The new nodes take the place of the old one in the source: compiling needs a line for each, and only they
    # lack one (fixing the locations of the whole function instead took a third of a plan's time).
    replacement = ast.fix_missing_locations(ast.copy_location(make(_copied(target)), target))
    for parent in ast.walk(edited):
        for field, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, field, replacement)
                return edited
            if isinstance(value, list) and any(item is target for item in value):
                setattr(parent, field, [replacement if item is target else item for item in value])
                return edited
    raise AssertionError("the edited node has no parent")


def _copied(node: NodeT) -> NodeT:
    """A deep copy of a syntax tree: through pickle, which copies one two to three times as fast as
    copy.deepcopy (a plan makes a copy for each of some 1,500 edits)."""
    copied: NodeT = pickle.loads(pickle.dumps(node))
    return copied


def _nearby(value: int | float) -> list:
    changed = [value + 1, value - 1, value * 2, value / 2] if value else [1]
    if isinstance(value, int):
        changed = [c for c in changed if float(c).is_integer()]
        changed = [int(c) for c in changed]
    return [c for c in dict.fromkeys(changed) if c != value]


def _describe(node: ast.AST, parameters: set) -> str:
    """A name of an expression a learner shares: a variable of the signature, a number, n for len(...), a
    library function; "" for anything else (the reference's own variable names mean nothing to the learner)."""
    if isinstance(node, ast.Name):
        return node.id if node.id in parameters else ""
    if isinstance(node, ast.Constant):
        return f"{node.value:g}" if isinstance(node.value, (int, float)) else ""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy"):
        return f"np.{node.attr}"
    if isinstance(node, ast.Attribute) and node.attr == "T":  # Xᵀ, not a call of .T
        inner = _describe(node.value, parameters)
        return f"{inner}ᵀ" if inner else ""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in parameters:
        return f"{node.value.id}.{node.attr}"  # an attribute of a method's argument: other.data
    if isinstance(node, ast.Attribute):
        return f".{node.attr}()" if not isinstance(node.ctx, ast.Store) else ""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return "n (the number of examples)"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in parameters:
        # Another function of the learner's, called with the signature's variables: dJ_du(a, b, c).
        arguments = [_describe(argument, parameters) for argument in node.args]
        if all(arguments) and not node.keywords:
            return f"{node.func.id}({', '.join(arguments)})"
    return ""


def _with_side(node: ast.BinOp, side: str, value: ast.AST) -> ast.BinOp:
    setattr(node, side, value)
    return node


def _is_parameter(name: str, definition: ast.FunctionDef) -> bool:
    return name in {argument.arg for argument in definition.args.args}


def _parameters(definition: ast.FunctionDef) -> set:
    """The names a learner shares with the reference: the signature's, and the functions it calls (never
    the reference's own local variables, which the learner named differently or not at all)."""
    names = [node for node in ast.walk(definition) if isinstance(node, ast.Name)]
    stored = {node.id for node in names if isinstance(node.ctx, ast.Store)}
    return {argument.arg for argument in definition.args.args} | ({node.id for node in names} - stored)


def _has_docstring(definition: ast.FunctionDef) -> bool:
    first = definition.body[0] if definition.body else None
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
