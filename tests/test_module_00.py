"""Module 0 shows a learner one check fail and one pass before it matters."""

import pytest
from conftest import text_of

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out


def test_module_0_shows_a_check_fail_and_pass(executed):
    text = text_of(executed("source", "00-start-here"))
    assert "✗ negative_square: wrong at 3 of 3 points checked." in text
    assert "the sign is flipped" in text
    assert "✓ square: right at all 4 points checked." in text
