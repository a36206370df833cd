"""Module 0 shows a learner one check fail and one pass before it matters."""

import pytest
from conftest import text_of

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out


def test_module_0_shows_a_check_fail_and_pass(executed):
    text = text_of(executed("source", "00-start-here"))
    assert "✗ fahrenheit_by_guess: wrong at 2 of 3 points checked." in text
    assert "At celsius=100: you returned 87.5556; the right value is 212" in text
    assert "✓ fahrenheit: right at all 5 points checked." in text
