"""The collection time goes where nbgrader reads it, into a folder whose names a learner chose: nothing there is
followed, waited on or lost."""

import datetime
import io
import os
import threading

from nbgrader.utils import parse_utc

from autograder.batch import AS_SUBMITTED, GRADED_MARK, TIMESTAMP, progress_bar, stamp_collection_time

COLLECTED = datetime.datetime(2026, 1, 2, 3, 4, 5, 678)


def folders(root):
    submitted = root / "submitted" / "ana" / "01-slope"
    submitted.mkdir(parents=True)
    (root / "autograded" / "ana" / "01-slope").mkdir(parents=True)
    return submitted, root / "autograded" / "ana" / "01-slope"


def test_the_collection_time_replaces_what_the_folder_holds_and_follows_nothing(tmp_path):
    submitted, autograded = folders(tmp_path / "course")
    outside = tmp_path / "outside.txt"
    outside.write_text("not the course's", encoding="utf-8")
    (submitted / TIMESTAMP).symlink_to(outside)  # a link where nbgrader keeps the time: moved aside, never written
    os.mkfifo(submitted / GRADED_MARK)  # a pipe where the mark goes: never opened for reading (it would wait)

    assert stamp_collection_time(tmp_path / "course", "01-slope", "ana", COLLECTED) is None

    assert outside.read_text(encoding="utf-8") == "not the course's"
    assert (submitted / AS_SUBMITTED).is_symlink()  # kept, as it came
    for folder in (submitted, autograded):  # what nbgrader reads back is the gradebook's time, to the microsecond
        assert parse_utc((folder / TIMESTAMP).read_text(encoding="utf-8")) == COLLECTED
    assert (submitted / GRADED_MARK).is_file()
    assert stamp_collection_time(tmp_path / "course", "01-slope", "ana", COLLECTED) is None  # a re-grade
    assert (submitted / AS_SUBMITTED).is_symlink()  # ours is not mistaken for the one that came with it


def test_a_linked_submission_folder_gets_nothing_and_says_why(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    course = tmp_path / "course"
    (course / "submitted" / "ana").mkdir(parents=True)
    (course / "submitted" / "ana" / "01-slope").symlink_to(elsewhere)

    problem = stamp_collection_time(course, "01-slope", "ana", COLLECTED)

    assert problem == "the assignment folder submitted/ana/01-slope is a symbolic link: submit the files themselves"
    assert list(elsewhere.iterdir()) == []


def test_a_logs_bar_writes_at_every_tenth_of_the_way_and_from_no_thread_of_its_own():
    """tqdm's monitor thread would make a slow run's log a line a notebook, and write from a thread that a process
    pool's worker could be forked beside, mid-write."""
    log = io.StringIO()
    before = set(threading.enumerate())
    bar = progress_bar(100, log)
    for _ in range(100):
        bar.update()
    started = set(threading.enumerate()) - before
    bar.close()
    assert started == set()
    assert [line.split("|")[0] for line in log.getvalue().split("\r") if line][:3] == \
        ["grading:   0%", "grading:  10%", "grading:  20%"]
    assert log.getvalue().count("grading:") == 12  # the start, each tenth, and the end
