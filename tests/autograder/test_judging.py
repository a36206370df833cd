"""Judging runs in a child of its own, under a budget: a slow or greedy answer costs only its own parts."""

import json
import os
import select
import signal
import sys
import threading
import time

import sympy

from autograder import judging
from course import checks

x = sympy.Symbol("x")
QUICK = judging.Budget(seconds=6, call_seconds=1, memory_bytes=256 << 20)


def payload(*values):
    return json.dumps([{"value": value} for value in values]).encode()


def one_call(check, points, data, name="f", called=()):
    return judging.CallToJudge(name, check, points, ["x"], data, list(called))


def test_right_and_wrong_answers_are_judged_in_the_child():
    right = checks.Check([(1.0,), (2.0,)], [2.0, 4.0])
    verdicts = judging.judge_calls([one_call(right, right.draw(), payload({"number": 2.0}, {"number": 4.0})),
                                    one_call(right, right.draw(), payload({"number": -2.0}, {"number": -4.0}))], QUICK)
    assert verdicts[0].passed and verdicts[0].message.startswith("✓ f")
    assert not verdicts[1].passed and verdicts[1].mistake.startswith("the sign is flipped")


def test_a_slow_judgement_costs_only_its_own_call():
    def forever(value):
        while True:
            pass

    slow = checks.Check([(1.0,)], [2.0], measure=forever)
    right = checks.Check([(1.0,)], [2.0])
    verdicts = judging.judge_calls([one_call(slow, [(1.0,)], payload({"number": 2.0})),
                                    one_call(right, [(1.0,)], payload({"number": 2.0}))], QUICK)
    assert not verdicts[0].passed and "could not be checked in time" in verdicts[0].message
    assert verdicts[1].passed


def test_the_judges_clock_is_never_taken_for_the_answer():
    # The expected values of a check come from a function the grader calls through checks.call, which records what
    # any exception does as an outcome: the judge's own time-out must pass through it, not become "must raise".
    def slow_reference(value):
        while True:
            pass

    slow = checks.Check([(2.0,)], slow_reference)
    verdict, = judging.judge_calls([one_call(slow, [(2.0,)], payload({"number": 5.0}))], QUICK)
    assert not verdict.passed and "could not be checked in time" in verdict.message
    assert "must raise" not in verdict.message and "JudgeTimeout" not in verdict.message


def test_work_no_timer_can_interrupt_is_stopped_by_the_budget():
    def giant(value):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as deaf to the timer as one long C call
        while True:
            pass

    stuck = checks.Check([(1.0,)], [2.0], measure=giant)
    right = checks.Check([(1.0,)], [2.0])
    budget = judging.Budget(seconds=2, call_seconds=1)
    verdicts = judging.judge_calls([one_call(stuck, [(1.0,)], payload({"number": 2.0})),
                                    one_call(right, [(1.0,)], payload({"number": 2.0}))], budget)
    assert [verdict.passed for verdict in verdicts] == [False, False]
    assert all("could not be checked in time" in verdict.message for verdict in verdicts)


def test_a_greedy_judgement_meets_the_memory_budget():
    def greedy(value):
        return len(bytearray(2 << 30))

    hog = checks.Check([(1.0,)], [2.0], measure=greedy)
    (verdict,) = judging.judge_calls([one_call(hog, [(1.0,)], payload({"number": 2.0}))], QUICK)
    assert not verdict.passed and "more memory than the grader allows" in verdict.message


def test_a_long_symbolic_answer_is_refused_by_the_numbers_before_any_simplify():
    wrong = sum(x**k for k in range(1, 400))  # long, and not equivalent: numbers settle it at once
    check = checks.Check([(0,)], [x], symbolic=True)
    tree = json.loads(json.dumps({"sympy": __import__("autograder.runner").runner.sympy_tree(wrong, [0])}))
    (verdict,) = judging.judge_calls([one_call(check, [(0,)], payload(tree))], QUICK)
    assert not verdict.passed and "not equivalent" not in verdict.message and "does not simplify" in verdict.message


def test_nothing_judging_changes_reaches_the_grader_or_the_next_submission():
    def tamper(value):
        checks.GENERIC_MISTAKES = ()  # what a submission would do, had it any way to run code here
        checks.equivalent = lambda first, second: True
        return value

    original = (checks.GENERIC_MISTAKES, checks.equivalent)
    tampered = checks.Check([(1.0,)], [2.0], measure=tamper)
    judging.judge_calls([one_call(tampered, [(1.0,)], payload({"number": 2.0}))], QUICK)
    assert (checks.GENERIC_MISTAKES, checks.equivalent) == original

    honest = checks.Check([(1.0,)], [2.0])
    (verdict,) = judging.judge_calls([one_call(honest, [(1.0,)], payload({"number": -2.0}))], QUICK)
    assert not verdict.passed and verdict.mistake.startswith("the sign is flipped")


def test_a_helper_the_sandbox_saw_called_fails_a_by_hand_check():
    by_hand = checks.Check([(1.0,)], [2.0], by_hand=True)
    seen = one_call(by_hand, [(1.0,)], payload({"number": 2.0}), name="d_square",
                    called=["course.derivatives.central_difference"])
    unseen = one_call(by_hand, [(1.0,)], payload({"number": 2.0}), name="d_square")
    caught, honest = judging.judge_calls([seen, unseen], QUICK, sources=["def d_square(x):\n    return 2 * x\n"])
    assert not caught.passed and "central_difference from course.derivatives" in caught.message
    assert honest.passed


def test_a_judging_process_that_dies_says_so():
    import os

    dies = checks.Check([(1.0,)], [2.0], measure=lambda value: os._exit(3))  # the judging child ends on the spot
    (verdict,) = judging.judge_calls([one_call(dies, [(1.0,)], payload({"number": 2.0}))], QUICK)
    assert not verdict.passed and "ended before it came to this answer" in verdict.message


def test_a_judge_that_writes_to_stderr_is_not_held_up_by_a_lock_another_thread_had_at_the_fork(monkeypatch):
    """A Dask worker forks its judge from the grading thread while its event loop may be writing a log line: the
    child then finds stderr's lock taken, for good. Here another thread is stuck mid-write on a full pipe."""
    reading, writing = os.pipe()
    stuck = open(writing, "w")  # noqa: SIM115 - closed below
    writer = threading.Thread(target=stuck.write, args=("x" * (1 << 20),), daemon=True)
    writer.start()
    time.sleep(0.3)  # the pipe is full by now, and the writer waits holding the stream's lock
    monkeypatch.setattr(sys, "stderr", stuck)

    def noisy(value):
        print("a warning from the judge's libraries", file=sys.stderr, flush=True)
        return value

    right = checks.Check([(1.0,)], [2.0], measure=noisy)
    try:
        (verdict,) = judging.judge_calls([one_call(right, [(1.0,)], payload({"number": 2.0}))], QUICK)
    finally:
        while writer.is_alive():  # drained until it is done: a read only when there is something to read, as the
            if select.select([reading], [], [], 0.1)[0]:  # last one may leave it still alive, with nothing to come
                os.read(reading, 1 << 16)
        stuck.close()
        os.close(reading)
    assert verdict.passed, verdict.message
