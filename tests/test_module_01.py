"""Module 1 reproduces the numbers of its syllabus section."""

import pytest
from conftest import text_of

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out


def test_module_1_reproduces_the_curriculum_numbers(executed):
    text = text_of(executed("source", "01-slope"))
    for shown in [
        "a = 2 → f(a) = 6;  a = 2.001 → f(a) = 6.003;  change / nudge = 3.000",
        "a = 5 → f(a) = 15;  a = 5.001 → f(a) = 15.003;  change / nudge = 3.000",
        "x      = [1 2 3]",
        "y = x  = [1 2 3]",
        "y = x² = [1 4 9]",
        "slopes of y = x : [1. 1.]",
        "slopes of y = x²: [3. 5.]",
        "slope = rise / run = 8.0000 / 2.0000 = <b>4.0000</b>",
    ]:
        assert shown in text
