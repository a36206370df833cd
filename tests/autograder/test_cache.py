"""The cache of how variants group: the same grouping as working it out, and never a reason to fail."""

import json

import pytest
from conftest import ROOT

from autograder import cache, spec

ASSIGNMENT = "04-chain-rule"  # quick to work out, with classes, equivalent and unnamed variants


def outline(derived):
    """What grading uses of a Derived exercise: its named variants and classes, equivalent and unnamed edits."""
    return ([m.name for m in derived.named], [[m.name for m in members] for members in derived.classes],
            [m.name for m in derived.equivalent], [m.name for m in derived.unnamed])


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    spec.derived.cache_clear()
    yield tmp_path / "cache" / "nudge" / "groups"
    spec.derived.cache_clear()


def test_a_kept_grouping_is_the_one_worked_out(own_cache):
    worked_out = {name: outline(d) for name, d in spec.derived(ROOT, ASSIGNMENT).items()}
    (entry,) = own_cache.glob("*.json")
    spec.derived.cache_clear()
    kept = spec.derived(ROOT, ASSIGNMENT)
    assert {name: outline(d) for name, d in kept.items()} == worked_out
    assert any(d.named for d in kept.values()) and any(d.equivalent for d in kept.values())
    assert list(own_cache.glob("*.json")) == [entry]  # read, not written again


def test_a_kept_grouping_is_read_instead_of_worked_out(own_cache, monkeypatch):
    spec.derived(ROOT, ASSIGNMENT)
    spec.derived.cache_clear()

    def never(*args):
        raise AssertionError("worked out again")

    monkeypatch.setattr(spec, "sort_variants", never)
    assert spec.derived(ROOT, ASSIGNMENT)


@pytest.mark.parametrize("damage", ["not json", json.dumps({"dJ_da": ["equivalent"]}), json.dumps([1, 2]),
                                    json.dumps({"dJ_da": [7, 0]}), json.dumps({"dJ_da": [True]})])
def test_a_damaged_entry_is_worked_out_again_and_replaced(own_cache, damage):
    worked_out = {name: outline(d) for name, d in spec.derived(ROOT, ASSIGNMENT).items()}
    (entry,) = own_cache.glob("*.json")
    entry.write_text(damage)
    spec.derived.cache_clear()
    assert {name: outline(d) for name, d in spec.derived(ROOT, ASSIGNMENT).items()} == worked_out
    assert json.loads(entry.read_text()) == {name: d.fates for name, d in spec.derived(ROOT, ASSIGNMENT).items()}


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
