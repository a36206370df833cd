"""What the sandbox sends back, turned into `course.checks.Outcome`s the grader can judge.

The bytes come from the learner's process, so they are hostile: the learner's code can write
anything on the channel. The decoder rebuilds plain data only (numbers, arrays, tuples, lists,
dicts) and, for symbolic checks, SymPy expressions node by node from a short list of classes:
numbers from digits, symbols from a name and whitelisted assumptions, operations from their
already-built arguments. No string ever reaches `sympify`, `parse_expr`, `eval` or a SymPy
constructor that parses text. Everything is bounded (bytes, depth, nodes, digits, exponents);
whatever falls outside becomes a `Refused` answer with the reason, which every check rejects.
"""

import builtins
import json
import math
from typing import Any

import numpy as np

from autograder.clean import clean_name, clean_text
from course.checks import Outcome

LARGEST_PAYLOAD = 32 << 20  # bytes of one call's outcomes
LARGEST_ARRAY = 1_000_000  # numbers in one array
LARGEST_SEQUENCE = 10_000  # items of one tuple, list or dict
DEEPEST = 8  # nesting of tuples, lists and dicts
LARGEST_TREE = 5_000  # nodes of one SymPy expression
DEEPEST_TREE = 200  # nesting of one SymPy expression
MOST_DIGITS = 60  # digits of an integer, numerator or denominator in a SymPy expression
LARGEST_EXPONENT = 1_000  # |n| of a rational power: x**n is cheap to build and to check below it
MESSAGE_LIMIT = 2_000  # characters of an exception message kept

# SymPy classes an answer may be built from, by the number of arguments they take (None: any).
SYMPY_OPERATIONS = {"Add": None, "Mul": None, "Pow": 2, "exp": 1, "log": 1, "sin": 1, "cos": 1, "tan": 1,
                    "asin": 1, "acos": 1, "atan": 1, "sinh": 1, "cosh": 1, "tanh": 1, "Abs": 1, "sign": 1}
SYMPY_CONSTANTS = {"pi": "pi", "E": "E", "oo": "oo", "-oo": "-oo", "I": "I", "zoo": "zoo", "nan": "nan"}
ASSUMPTIONS = {"positive", "negative", "nonnegative", "nonpositive", "nonzero", "zero", "real", "integer",
               "rational", "finite", "complex", "extended_real", "commutative"}


class Refused:
    """An answer that is not plain data; checks name its type and refuse it, and `why` says what was wrong."""

    why = ""

    @staticmethod
    def named(type_name: object, why: object = "") -> "Refused":
        name = "".join(ch for ch in str(type_name)[:60] if ch.isalnum() or ch == "_") or "object"
        return type(name, (Refused,), {"why": clean_text(why, 200)})()


class Malformed(ValueError):
    """The data is not of the form the runner sends."""


def decode_outcomes(payload: bytes, count: int) -> list[Outcome]:
    """`count` outcomes from one call's raw bytes; a payload that can't be read refuses every point."""
    try:
        if len(payload) > LARGEST_PAYLOAD:
            raise Malformed(f"{len(payload)} bytes is too large an answer")
        items = json.loads(payload)
        if not isinstance(items, list):
            raise Malformed("not a list of outcomes")
    except (ValueError, RecursionError, MemoryError, TypeError) as error:
        why = f"what came back could not be read as data ({type(error).__name__})"
        return [Outcome(value=Refused.named("unreadable", why))] * count
    outcomes = [decode_outcome(item) for item in items[:count]]
    return outcomes + [Outcome(value=Refused.named("nothing", "no value came back"))] * (count - len(outcomes))


def decode_outcome(data: Any) -> Outcome:
    """One call's outcome: a value, or an error with the learner's exception's class names."""
    if not isinstance(data, dict):
        return Outcome(value=Refused.named("nothing", "no value came back"))
    if "error" in data:
        # On one line, newlines escaped: a verdict's message is read line by line ("✗ …", "At …", "This is the known
        # mistake: …"), and the learner's text must not add a line that reads as the grader's.
        return Outcome(error=exception_class(data.get("error")), message=clean_name(clean_text(data.get("message"),
                                                                                                MESSAGE_LIMIT)))
    try:
        return Outcome(value=decode(data.get("value")))
    except (Malformed, RecursionError, OverflowError, MemoryError) as error:
        return Outcome(value=Refused.named("unreadable", f"the answer is malformed: {error}"))


def exception_class(names: Any) -> type[BaseException]:
    """A class standing for the learner's exception: their name, with the nearest built-in class as its base."""
    names = [clean_text(name, 60) for name in names[:20] if isinstance(name, str)] if isinstance(names, list) else []
    names = [name for name in names if name.isidentifier()] or ["Exception"]
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


def decode(data: Any, depth: int = 0) -> Any:
    """Plain data from its JSON form: {"number"}, {"array", "shape"}, {"tuple"}, {"list"}, {"dict"}, {"sympy"}."""
    if not isinstance(data, dict) or len(data) > 2:
        raise Malformed("not a value of a known form")
    if depth > DEEPEST:
        raise Malformed("nested too deep")
    if "number" in data:
        return _number(data["number"])
    if "array" in data:
        return _array(data.get("array"), data.get("shape"))
    for kind in ("tuple", "list"):
        if kind in data:
            items = _sequence(data[kind])
            decoded = [decode(item, depth + 1) for item in items]
            return tuple(decoded) if kind == "tuple" else decoded
    if "dict" in data:
        pairs = _sequence(data["dict"])
        if not all(isinstance(pair, list) and len(pair) == 2 and type(pair[0]) in (str, int, float) for pair in pairs):
            raise Malformed("a dict whose keys are not plain")
        return {clean_text(key, 100) if isinstance(key, str) else key: decode(value, depth + 1) for key, value in pairs}
    if "sympy" in data:
        return sympy_from_tree(data["sympy"])
    if "refused" in data:
        return Refused.named(data.get("refused"), data.get("why", ""))
    raise Malformed("not a value of a known form")


def _sequence(items: Any) -> list[Any]:
    if not isinstance(items, list) or len(items) > LARGEST_SEQUENCE:
        raise Malformed("a sequence that is not a list of at most 10,000 items")
    return items


def _number(value: Any) -> float:
    if type(value) is float or type(value) is int:
        return float(value)  # an int of more than 4,300 digits never gets here: json refuses to read it
    if value in ("nan", "inf", "-inf"):
        return float(value)
    raise Malformed("a number that is not a number")


def _array(numbers: Any, shape: Any) -> np.ndarray:
    if not isinstance(shape, list) or len(shape) > 8 or not all(type(size) is int and size >= 0 for size in shape):
        raise Malformed("an array whose shape is not a list of sizes")
    if not isinstance(numbers, list) or len(numbers) > LARGEST_ARRAY or math.prod(shape) != len(numbers):
        raise Malformed(f"an array whose {len(numbers) if isinstance(numbers, list) else 'missing'} numbers do not "
                        f"fill its shape {shape}")
    return np.array([_number(item) for item in numbers], dtype=float).reshape(shape)


def sympy_from_tree(tree: Any) -> Any:
    """A SymPy expression rebuilt node by node from whitelisted classes; `Refused` with the reason otherwise."""
    try:
        return _build(tree, [0], 0)
    except Malformed as error:
        return Refused.named("Expr", f"not a SymPy expression this grader rebuilds: {error}")
    except (RecursionError, TypeError, ValueError, ArithmeticError, MemoryError) as error:
        return Refused.named("Expr", f"the expression could not be rebuilt ({type(error).__name__})")


def _build(node: Any, count: list[int], depth: int) -> Any:
    import sympy

    count[0] += 1
    if count[0] > LARGEST_TREE or depth > DEEPEST_TREE:
        raise Malformed(f"more than {LARGEST_TREE} parts, or nested more than {DEEPEST_TREE} deep")
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise Malformed("a part that is not [name, ...]")
    head, rest = node[0], node[1:]
    if head == "Symbol" and len(rest) == 2 and isinstance(rest[0], str) and isinstance(rest[1], dict):
        name, assumptions = rest
        if not 0 < len(name) <= 64 or not all(key in ASSUMPTIONS and type(value) is bool
                                              for key, value in assumptions.items()):
            raise Malformed("a symbol with an odd name or assumptions")
        return sympy.Symbol(clean_text(name), **assumptions)
    if head == "Integer" and len(rest) == 1:
        return sympy.Integer(_digits(rest[0]))
    if head == "Rational" and len(rest) == 2:
        numerator, denominator = _digits(rest[0]), _digits(rest[1])
        if denominator == 0:
            raise Malformed("a fraction with denominator 0")
        return sympy.Rational(numerator, denominator)
    if head == "Float" and len(rest) == 1:
        return sympy.Float(_number(rest[0]))  # a double: 53 bits, never a string of digits to parse
    if head in SYMPY_CONSTANTS and not rest:
        return -sympy.oo if head == "-oo" else getattr(sympy, SYMPY_CONSTANTS[head])
    if head == "Function" and len(rest) == 2 and isinstance(rest[0], str) and rest[0].isidentifier():
        arguments = [_build(argument, count, depth + 1) for argument in _sequence(rest[1])]
        return sympy.Function(rest[0][:64])(*arguments)
    if head in SYMPY_OPERATIONS and len(rest) == 1 and isinstance(rest[0], list):
        arity = SYMPY_OPERATIONS[head]
        if arity is not None and len(rest[0]) != arity:
            raise Malformed(f"{head} with {len(rest[0])} arguments")
        arguments = [_build(argument, count, depth + 1) for argument in rest[0]]
        if head == "Pow" and isinstance(arguments[1], sympy.Rational) and abs(arguments[1]) > LARGEST_EXPONENT:
            raise Malformed(f"a power with exponent {arguments[1]} is too large to check")
        # Unevaluated: building must cost nothing; what it is worth is judged under the grader's budget.
        return getattr(sympy, head)(*arguments, evaluate=False)
    raise Malformed(f"{clean_text(head, 40)!r} is not a SymPy class this grader rebuilds")


def _digits(text: Any) -> int:
    if not isinstance(text, str) or not 0 < len(text.lstrip("-")) <= MOST_DIGITS or not text.lstrip("-").isdigit():
        raise Malformed(f"an integer that is not at most {MOST_DIGITS} digits")
    return int(text)
