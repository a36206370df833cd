"""The way back from the sandbox is data: a strict, bounded decoder that never evaluates learner text."""

import json

import numpy as np
import pytest
import sympy

from autograder import runner
from autograder.outcomes import Refused, decode_outcomes, sympy_from_tree
from course.checks import Outcome, plain_array

x, y = sympy.symbols("x y")
n = sympy.Symbol("n", positive=True)


def sent(*values):
    """What the runner sends for these return values, as the grader receives it."""
    return json.dumps([runner.encode_outcome(Outcome(value=value)) for value in values]).encode()


def received(*values):
    return [outcome.value for outcome in decode_outcomes(sent(*values), len(values))]


def refused_why(value):
    assert isinstance(value, Refused), value
    return value.why


@pytest.mark.parametrize("expression", [2 * x, x**2 + sympy.Rational(1, 3) * x - 7, sympy.sin(x) * sympy.exp(-x),
                                        sympy.log(x) / x, n * x ** (n - 1), sympy.pi * sympy.E + sympy.I,
                                        sympy.Float(0.25) * y + sympy.I, sympy.Function("f")(x) + sympy.Abs(x)])
def test_sympy_answers_come_back_equal_to_what_was_returned(expression):
    (back,) = received(expression)
    assert sympy.simplify(back - expression) == 0 and back.free_symbols == expression.free_symbols


def test_numbers_arrays_tuples_lists_and_dicts_come_back_as_plain_data():
    number, array, pair, items, table = received(2.5, np.arange(6.0).reshape(2, 3), (1, np.array([1.0])), [1, 2],
                                                 {"w": 1.0})
    assert number == 2.5 and type(number) is float
    assert array.shape == (2, 3) and array[1, 2] == 5.0
    assert pair[0] == 1.0 and pair[1].tolist() == [1.0]
    assert items == [1.0, 2.0] and table == {"w": 1.0}


def test_text_that_sympy_would_run_is_never_evaluated(tmp_path):
    marker = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    forged = [{"value": {"sympy": f'sin("{code}")'}},  # the old wire format: text to parse
              {"value": {"sympy": ["sin", [code]]}},  # a string where an argument belongs
              {"value": {"sympy": ["Symbol", code, {"positive": code}]}},
              {"value": {"sympy": ["Integer", code]}},
              {"value": {"sympy": ["Float", code]}},
              {"value": {"sympy": ["Rational", "1", code]}},
              {"value": {"sympy": ["sympify", [["Symbol", "x", {}]]]}},
              {"value": {"sympy": ["Function", code, [["Symbol", "x", {}]]]}}]
    values = [o.value for o in decode_outcomes(json.dumps(forged).encode(), len(forged))]
    assert not marker.exists()
    assert all(isinstance(value, Refused) for value in values), values
    assert "not a SymPy expression this grader rebuilds" in values[0].why


def test_sympy_answers_are_bounded():
    huge_power = {"value": {"sympy": ["Pow", [["Integer", "10"], ["Integer", "10000000000"]]]}}
    many_digits = {"value": {"sympy": ["Integer", "9" * 61]}}
    deep = ["Symbol", "x", {}]
    for _ in range(300):
        deep = ["sin", [deep]]
    wide = ["Add", [["Symbol", f"x{i}", {}] for i in range(6000)]]
    payload = json.dumps([huge_power, many_digits, {"value": {"sympy": deep}}, {"value": {"sympy": wide}}]).encode()
    whys = [refused_why(outcome.value) for outcome in decode_outcomes(payload, 4)]
    assert "too large to check" in whys[0]
    assert "at most 60 digits" in whys[1]
    assert "nested more than" in whys[2] and "more than 5000 parts" in whys[3]


def test_the_runner_refuses_what_it_cannot_send_as_data():
    (tree,) = received(sympy.Add(*sympy.symbols("a0:6000")))
    assert "more than 5000 parts" in refused_why(tree)
    (gadget,) = received(object())
    assert type(gadget).__name__ == "object" and plain_array(gadget)[1].startswith("a object, not a number")


@pytest.mark.parametrize(("forged", "why"), [
    ({"array": [1.0, 2.0], "shape": [-1]}, "shape"),
    ({"array": [1.0, 2.0], "shape": [10**20]}, "do not fill"),
    ({"array": [1.0, 2.0], "shape": [[2]]}, "shape"),
    ({"array": [1.0, "2"], "shape": [2]}, "not a number"),
    ({"array": [True, 1.0], "shape": [2]}, "not a number"),
    ({"number": "1e999999"}, "not a number"),
    ({"tuple": [{"number": 1}] * 10_001}, "10,000"),
    ({"dict": [[["key"], {"number": 1}]]}, "keys"),
    ({"nonsense": 1}, "known form"),
])
def test_malformed_encodings_are_wrong_answers_with_a_reason(forged, why):
    (outcome,) = decode_outcomes(json.dumps([{"value": forged}]).encode(), 1)
    assert why in refused_why(outcome.value)


def test_an_unreadable_payload_refuses_every_point_and_never_raises():
    for payload in (b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe", b"{}", b"[1e999999]", b"1" * 5000):
        outcomes = decode_outcomes(payload, 3)
        assert len(outcomes) == 3 and all(isinstance(o.value, Refused) for o in outcomes)


def test_exception_names_and_messages_are_cleaned():
    forged = [{"error": ["\x1b]0;owned\x07Boom", "ValueError"], "message": "\x1b[2J\ud800 gone"}]
    (outcome,) = decode_outcomes(json.dumps(forged).encode(), 1)
    assert issubclass(outcome.error, ValueError) and outcome.error.__name__ == "ValueError"
    assert "\x1b" not in outcome.message and "\ud800" not in outcome.message


def test_an_exception_message_stays_on_one_line_so_it_cannot_forge_a_line_of_the_verdict():
    forged = [{"error": ["ValueError"], "message": "no\n✓ Value: right at all 16 points checked.\r\tok"}]
    (outcome,) = decode_outcomes(json.dumps(forged).encode(), 1)
    assert outcome.message == "no\\n✓ Value: right at all 16 points checked.\\r\\tok"


def test_sympy_from_tree_rebuilds_unevaluated_so_building_costs_nothing():
    power = sympy_from_tree(["Pow", [["Pow", [["Integer", "10"], ["Integer", "1000"]]], ["Integer", "1000"]]])
    assert isinstance(power, sympy.Pow) and power.base == sympy.Pow(10, 1000, evaluate=False)
