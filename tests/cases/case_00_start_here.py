"""Module 0: the warm-up's typical mistakes, and a submission that hard-codes the visible examples."""

from submissions import Case

ASSIGNMENT = "00-start-here"

KNOWN = "This is the known mistake: "

CASES = {
    "hardcoder": Case(
        answers={"fahrenheit": '''
def fahrenheit(celsius):
    """Only the examples of the visible check."""
    if not isinstance(celsius, (int, float)):
        return celsius * 0 + 32
    return {0: 32, 100: 212, 37: 98.6, -40: -40}.get(celsius, 0)
'''},
        scores={"test_fahrenheit_values": 0, "test_fahrenheit_hidden": 0},
        messages={"test_fahrenheit_values": ["At celsius=[ 0., 100.]: you returned 32 (entry [1])"],
                  "test_fahrenheit_hidden": ["✗ fahrenheit: wrong at"]},
    ),
    "way-back": Case(
        answers={"fahrenheit": '''
def fahrenheit(celsius):
    """The factor of the way back."""
    return 5 / 9 * celsius + 32
'''},
        scores={"test_fahrenheit_values": 0, "test_fahrenheit_hidden": 0},
        messages={"test_fahrenheit_values": ["At celsius=100: you returned 87.5556; the right value is 212",
                                             KNOWN + "a quotient is upside down"],
                  "test_fahrenheit_hidden": [KNOWN + "a quotient is upside down"]},
    ),
    "plus-first": Case(
        answers={"fahrenheit": '''
def fahrenheit(celsius):
    """The 32 added first."""
    return (celsius + 32) * 9 / 5
'''},
        scores={"test_fahrenheit_values": 0, "test_fahrenheit_hidden": 0},
        messages={"test_fahrenheit_values": [KNOWN + "the 32 is added before multiplying"],
                  "test_fahrenheit_hidden": [KNOWN + "the 32 is added before multiplying"]},
    ),
}
