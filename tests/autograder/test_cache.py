"""The cache of how variants group: the same grouping as working it out, and never a reason to fail."""

import json
import sys

import numpy as np
import pytest
from conftest import ROOT

from autograder import cache, mutants, spec
from course.checks import Outcome

ASSIGNMENT = "04-chain-rule"  # quick to work out, with classes, equivalent and unnamed variants


def outline(derived):
    """How a Derived exercise's variants group: its named variants and classes, equivalent and unnamed edits."""
    return ([m.name for m in derived.named], [[m.name for m in members] for members in derived.classes],
            [m.name for m in derived.equivalent], [m.name for m in derived.unnamed])


def named(found):
    """{function: [(name, what it returns at the exercise's fingerprint points)]} of every named variant."""
    return {function: [(m.name, [spec.bounded_call(m.function, args, d.exercise.stable)
                                 for args in spec.fingerprint_points(d.exercise)]) for m in d.named]
            for function, d in found.items()}


def same_named(first, second):
    return first.keys() == second.keys() and all(
        len(first[key]) == len(second[key]) and all(
            mine[0] == theirs[0] and all(map(same_outcome, mine[1], theirs[1]))
            for mine, theirs in zip(first[key], second[key], strict=True)) for key in first)


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    spec.derived.cache_clear()
    yield tmp_path / "cache" / "nudge" / "groups"
    spec.derived.cache_clear()


def test_a_kept_grouping_makes_the_same_named_variants_and_nothing_else(own_cache):
    worked_out = spec.derived(ROOT, ASSIGNMENT)
    assert any(d.named for d in worked_out.values()) and any(d.equivalent for d in worked_out.values())
    (entry,) = own_cache.glob("*.json")
    spec.derived.cache_clear()
    kept = spec.derived(ROOT, ASSIGNMENT)
    assert same_named(named(kept), named(worked_out))  # the same names, and the same functions behind them
    assert all(getattr(d, field) == [] for d in kept.values() for field in spec.MUTATION_ONLY)  # grading's only
    assert list(own_cache.glob("*.json")) == [entry]  # read, not written again


def test_a_kept_grouping_is_read_instead_of_worked_out(own_cache, monkeypatch):
    worked_out = {name: outline(d) for name, d in spec.derived(ROOT, ASSIGNMENT).items()}
    spec.derived.cache_clear()

    def never(*args):
        raise AssertionError("worked out again")

    monkeypatch.setattr(spec, "sort_variants", never)
    every_edit = spec.derived(ROOT, ASSIGNMENT, every_edit=True)  # the mutation test's: every variant made
    assert {name: outline(d) for name, d in every_edit.items()} == worked_out
    monkeypatch.setattr(spec.one_edit, "mutants", never)  # grading's: only the named ones are made
    assert [d.named for d in spec.derived(ROOT, ASSIGNMENT).values()]


def test_made_alone_a_variant_is_the_one_made_with_all_the_others():
    source = "def f(x, y):\n    return 2 * x - y ** 2\n"
    listed, together = mutants.edits(source, "f"), mutants.mutants(source, "f", {})
    assert len(together) > 5 and len({m.position for m in together}) == len(together)
    for mutant in together:
        alone = mutants.made(listed, mutant.position, "f", {})
        assert (alone.kind, alone.name) == (mutant.kind, mutant.name)
        assert alone.function(3.0, 5.0) == mutant.function(3.0, 5.0)


@pytest.mark.parametrize("damage", ["not json", json.dumps([1, 2]), json.dumps({"dJ_da": {"fates": [0]}}),
                                    json.dumps({"dJ_da": [0]}),
                                    json.dumps({"dJ_da": {"fates": [7, 0], "positions": [0, 1]}}),
                                    json.dumps({"dJ_da": {"fates": [0, 1], "positions": [0, 0]}}),
                                    json.dumps({"dJ_da": {"fates": [0, 1], "positions": [0, 10 ** 6]}}),
                                    json.dumps({"dJ_da": {"fates": [True], "positions": [0]}})])
def test_a_damaged_entry_is_worked_out_again_and_replaced(own_cache, damage):
    worked_out = {name: outline(d) for name, d in spec.derived(ROOT, ASSIGNMENT, every_edit=True).items()}
    (entry,) = own_cache.glob("*.json")
    kept = entry.read_text()
    entry.write_text(damage)
    spec.derived.cache_clear()
    assert {name: outline(d) for name, d in spec.derived(ROOT, ASSIGNMENT).items()} == worked_out
    assert entry.read_text() == kept


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("in the way")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    spec.derived.cache_clear()
    try:
        assert spec.derived(ROOT, ASSIGNMENT)
    finally:
        spec.derived.cache_clear()
    assert cache.read("anything") is None


def test_the_key_changes_with_the_files_and_not_otherwise(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text("EXERCISES = []")
    second.write_text("EXERCISES = []")
    assert cache.key(first) == cache.key(second)
    second.write_text("EXERCISES = [] ")
    assert cache.key(first) != cache.key(second)


# --- what the visible grades' variants return, kept exactly --------------------------------------------------------

class Custom(ValueError):
    """An exception class found by its name."""


@pytest.mark.parametrize("outcome", [
    None, Outcome(value=1.5), Outcome(value=-0.0), Outcome(value=float("nan")), Outcome(value=7), Outcome(value=True),
    Outcome(value=np.float64(0.1) + np.float64(0.2)), Outcome(value=np.float32(1 / 3)), Outcome(value=np.int64(-3)),
    Outcome(value=np.array([[1.0, np.nan], [np.inf, -2.5e-300]])), Outcome(value=np.arange(6, dtype=np.int32)[::2]),
    Outcome(value=np.array([True, False])), Outcome(value=(np.zeros(2), [1, (2.0, "b")], None)),
    Outcome(error=ZeroDivisionError, message="division by zero"), Outcome(error=np.linalg.LinAlgError, message="x"),
    Outcome(error=Custom, message="kept by name")])
def test_an_outcome_reads_back_exactly_as_it_was(outcome):
    data = json.loads(json.dumps(cache.exact(outcome)))
    back = cache.outcome_of(data)
    if outcome is None:
        assert back is None
        return
    assert back.error is outcome.error and back.message == outcome.message
    assert cache._same(back.value, outcome.value)  # the same types all the way down, to the last bit


class Fraction(float):
    """A float subclass: it would come back as a float."""


def test_what_cannot_read_back_exactly_is_not_kept():
    import sympy

    local = type("Local", (Exception,), {})  # a class no name finds
    for outcome in (Outcome(value=sympy.Symbol("x") + 1), Outcome(value=Fraction(0.5)), Outcome(value=1j),
                    Outcome(value=np.array([1j])), Outcome(value=np.array([None], dtype=object)),
                    Outcome(value={"a": 1}), Outcome(error=local)):
        with pytest.raises(TypeError):
            cache.exact(outcome)


@pytest.mark.parametrize("data", [{"value": {"scalar": 1, "dtype": "O"}}, {"value": {"array": [1], "dtype": "<c16",
                                  "shape": [1]}}, {"error": "os:system", "message": ""}, {"value": {"set": [1]}},
                                  {"error": "builtins:ValueError"}, {"value": object},
                                  {"error": "antigravity:Exception", "message": ""}])
def test_data_that_is_no_kept_outcome_is_refused(data):
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal: the caller works the variants out again
        cache.outcome_of(data)
    assert "antigravity" not in sys.modules  # reading an entry imports nothing


def visible_variants(assignment):
    """{grade id: [(name, tier, outcomes)]} of every visible grade, as Derived.variants gives them."""
    found = {}
    for derived in spec.derived(ROOT, assignment).values():
        for grade in derived.exercise.grades:
            if not grade.hidden:
                found[grade.grade_id] = [(v.name, v.tier, v.measured, v.outcomes)
                                         for v in derived.variants(grade, derived.check(grade).draw())]
    return found


def same_outcome(first, second):
    if first is None or second is None:
        return first is second
    return cache._same(first.value, second.value) and first.error is second.error and first.message == second.message


def same_variants(first, second):
    return first.keys() == second.keys() and all(
        len(first[key]) == len(second[key]) and all(
            mine[:3] == theirs[:3] and all(map(same_outcome, mine[3], theirs[3]))
            for mine, theirs in zip(first[key], second[key], strict=True))
        for key in first)


def test_kept_visible_variants_are_those_worked_out_and_are_read_instead(own_cache, monkeypatch):
    spec.work_out_visible(ROOT, ASSIGNMENT)
    worked_out = visible_variants(ASSIGNMENT)
    assert sum(len(rows) for rows in worked_out.values()) > 10
    (entry,) = own_cache.glob("*-visible.json")
    assert all(kept is not None for kept in json.loads(entry.read_text()).values())
    spec.derived.cache_clear()

    def never(*args):
        raise AssertionError("worked out again")

    monkeypatch.setattr(spec.Derived, "_variants", never)
    spec.work_out_visible(ROOT, ASSIGNMENT)
    assert same_variants(visible_variants(ASSIGNMENT), worked_out)
    assert list(own_cache.glob("*-visible.json")) == [entry]


@pytest.mark.parametrize("damage", ["not json", "[]", json.dumps({"test_forward_values": [["x", 0, False, []]]}),
                                    json.dumps({"test_forward_values": 3})])
def test_damaged_visible_variants_are_worked_out_again(own_cache, damage):
    spec.work_out_visible(ROOT, ASSIGNMENT)
    worked_out = visible_variants(ASSIGNMENT)
    (entry,) = own_cache.glob("*-visible.json")
    entry.write_text(damage)
    spec.derived.cache_clear()
    spec.work_out_visible(ROOT, ASSIGNMENT)
    assert same_variants(visible_variants(ASSIGNMENT), worked_out)
    assert all(kept is not None for kept in json.loads(entry.read_text()).values())


@pytest.mark.parametrize("error", [TimeoutError, MemoryError])
def test_variants_that_ran_out_of_time_or_memory_are_not_kept(error):
    from course.checks import Variant

    fine = Variant("a factor 2 is missing", (Outcome(value=1.0), Outcome(value=np.float64(2.0))))
    assert spec._keepable([fine]) == [[fine.name, 0, False, [{"value": 1.0}, {"value": {"scalar": 2.0,
                                                                                        "dtype": "<f8"}}]]]
    busy = Variant("a sign is flipped", (Outcome(value=1.0), Outcome(error=error, message="the machine was busy")))
    assert spec._keepable([fine, busy]) is None  # worked out again by the next run, which may have the time
