"""Module 1: submissions that hard-code the visible examples, and the typical mistakes."""

from submissions import Case

ASSIGNMENT = "01-slope"

CASES = {
    "hardcoder": Case(
        answers={
            "slope": '''
def slope(x1, y1, x2, y2):
    """Only the examples of the visible check."""
    if x1 == x2:
        raise ValueError("vertical")
    return {(1, 1, 3, 3): 1, (1, 2, 3, 10): 4, (0, 5, 2, 1): -2, (2, 6, 2.001, 6.003): 3}.get((x1, y1, x2, y2), 0)
''',
            "average_rate_of_change": '''
def average_rate_of_change(f, x1, x2):
    """Only the examples of the visible check."""
    if x1 == x2:
        raise ValueError("no secant")
    return {(1, 3): 4, (1, 2): 3, (3, 1): 4, (0, 1): 1.718281828459045}.get((x1, x2), 0)
''',
        },
        scores={"test_slope_values": 1, "test_slope_vertical": 1, "test_slope_hidden": 0,
                "test_average_rate_of_change_values": 1, "test_average_rate_of_change_hidden": 0},
        messages={"test_slope_hidden": ["✗ slope: wrong at"], "test_average_rate_of_change_hidden": ["you returned 0"]},
    ),
    "flipper": Case(
        answers={"slope": '''
def slope(x1, y1, x2, y2):
    """Rise over run, with the rise taken the wrong way round."""
    if x1 == x2:
        raise ValueError("a vertical pair has no slope")
    return (y1 - y2) / (x2 - x1)
'''},
        scores={"test_slope_values": 0, "test_slope_vertical": 1, "test_slope_hidden": 0,
                "test_average_rate_of_change_values": 0, "test_average_rate_of_change_hidden": 0},
        # average_rate_of_change calls this slope: its checks see the wrong slope, not a mistake of its own
        messages={"test_slope_values": ["This is the known mistake: y1 and y2 are exchanged, or x1 and x2"],
                  "test_slope_hidden": ["This is the known mistake: y1 and y2 are exchanged, or x1 and x2"],
                  "test_average_rate_of_change_values": ["✗ average_rate_of_change: wrong at"]},
    ),
    "upside-down": Case(
        answers={"slope": '''
def slope(x1, y1, x2, y2):
    """Run over rise."""
    if x1 == x2:
        raise ValueError("a vertical pair has no slope")
    return (x2 - x1) / (y2 - y1)
''', "average_rate_of_change": '''
def average_rate_of_change(f, x1, x2):
    """The rise alone."""
    if x1 == x2:
        raise ValueError("no secant")
    return f(x2) - f(x1)
'''},
        scores={"test_slope_values": 0, "test_slope_vertical": 1, "test_slope_hidden": 0,
                "test_average_rate_of_change_values": 0, "test_average_rate_of_change_hidden": 0},
        messages={"test_slope_hidden": ["a quotient is upside down"],
                  "test_average_rate_of_change_hidden": ["not divided by the run"]},
    ),
}
