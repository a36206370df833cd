"""Module 0: the warm-up's typical mistakes, and a submission that hard-codes the visible examples."""

from submissions import Case

ASSIGNMENT = "00-start-here"

DOUBLED = "This is the known mistake: an addition where a multiplication belongs (x + x where x·x belongs)."

CASES = {
    "hardcoder": Case(
        answers={"square": '''
def square(x):
    """Only the examples of the visible check."""
    return {0: 0, 3: 9, -2: 4, 0.5: 0.25}.get(x, 0)
'''},
        scores={"test_square_values": 1, "test_square_hidden": 0},
        messages={"test_square_hidden": ["✗ square: wrong at"]},
    ),
    "doubler": Case(
        answers={"square": '''
def square(x):
    """x plus x."""
    return x + x
'''},
        scores={"test_square_values": 0, "test_square_hidden": 0},
        messages={"test_square_values": ["At x=3: you returned 6; the right value is 9",
                                         DOUBLED],
                  "test_square_hidden": [DOUBLED]},
    ),
    "cuber": Case(
        answers={"square": '''
def square(x):
    """x to the third."""
    return x ** 3
'''},
        scores={"test_square_values": 0, "test_square_hidden": 0},
        messages={"test_square_values": ["At x=3: you returned 27; the right value is 9"]},
    ),
}
