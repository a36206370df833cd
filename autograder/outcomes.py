"""What the sandbox sends back, turned into `course.checks.Outcome`s the grader can judge.

The data comes from the learner's process, so it is treated as hostile: only plain numbers,
arrays, tuples and lists are rebuilt; a SymPy expression is rebuilt from a short list of SymPy
classes by reading its text as a syntax tree, never by evaluating it; anything else becomes an
object that every check refuses, named after the type the learner returned.
"""

import ast
import builtins

import numpy as np

from course.checks import Outcome

SYMPY_NAMES = {"Symbol", "Integer", "Rational", "Float", "Add", "Mul", "Pow", "sin", "cos", "tan", "exp", "log",
               "sqrt", "Abs", "pi", "E", "Half", "One", "Zero", "NegativeOne", "oo", "Function"}
LARGEST_EXPRESSION = 20_000  # characters of SymPy text accepted


def decode_outcome(data):
    """One call's outcome: a value, or an error with the learner's exception's class names."""
    if not isinstance(data, dict):
        return Outcome(value=Refused.named("nothing"))
    if "error" in data:
        return Outcome(error=exception_class(data.get("error")), message=str(data.get("message", ""))[:2000])
    return Outcome(value=decode(data.get("value")))


def exception_class(names):
    """A class standing for the learner's exception: their name, with the nearest built-in class as its base."""
    names = [str(name) for name in names] if isinstance(names, list) and names else ["Exception"]
    for name in names:
        known = getattr(builtins, name, None)
        if isinstance(known, type) and issubclass(known, BaseException):
            base = known
            break
    else:
        base = Exception
    if names[0] == base.__name__:
        return base
    return type(names[0], (base,), {})


def decode(data, depth=0):
    if not isinstance(data, dict) or len(data) < 1 or depth > 4:
        return Refused.named("something unreadable")
    if "number" in data:
        return _number(data["number"])
    if "array" in data:
        numbers = [_number(item) for item in data["array"]] if isinstance(data["array"], list) else None
        shape = data.get("shape")
        if numbers is None or not isinstance(shape, list) or any(x is None for x in numbers):
            return Refused.named("ndarray")
        try:
            return np.array(numbers, dtype=float).reshape([int(size) for size in shape])
        except ValueError:
            return Refused.named("ndarray")
    for kind in ("tuple", "list"):
        if kind in data and isinstance(data[kind], list):
            items = [decode(item, depth + 1) for item in data[kind]]
            return tuple(items) if kind == "tuple" else items
    if "sympy" in data:
        return sympy_from_text(str(data["sympy"]))
    return Refused.named(str(data.get("refused", "object"))[:60])


def _number(value):
    if type(value) in (int, float):
        return float(value)
    if value in ("nan", "inf", "-inf"):
        return float(value)
    return None


class Refused:
    """An answer the learner's process could not send as plain data; checks name its type and refuse it."""

    @staticmethod
    def named(type_name):
        name = "".join(ch for ch in type_name if ch.isalnum() or ch == "_") or "object"
        return type(name, (Refused,), {})()


def sympy_from_text(text):
    """Rebuild `sympy.srepr` text from whitelisted SymPy classes and literals, without eval."""
    if len(text) > LARGEST_EXPRESSION:
        return Refused.named("Expr")
    try:
        tree = ast.parse(text, mode="eval")
        return _build(tree.body)
    except (SyntaxError, ValueError, TypeError, RecursionError):
        return Refused.named("Expr")


def _build(node):
    import sympy

    if isinstance(node, ast.Constant) and type(node.value) in (int, float, str, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value
    if isinstance(node, ast.Name) and node.id in SYMPY_NAMES:
        return getattr(sympy, node.id) if node.id not in ("Half", "One", "Zero", "NegativeOne") else getattr(
            sympy.S, node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SYMPY_NAMES:
        function = getattr(sympy, node.func.id)
        args = [_build(argument) for argument in node.args]
        keywords = {keyword.arg: _build(keyword.value) for keyword in node.keywords if keyword.arg}
        return function(*args, **keywords)
    raise ValueError(f"not a SymPy expression this grader rebuilds: {ast.dump(node)[:80]}")
