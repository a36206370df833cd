"""Judging a submission's answers in a process of its own, under a budget of time and memory.

Decoding and judging are the only grader steps that work on what a learner's code sent back, so
they run in a child forked for that one submission: whatever its data makes SymPy or NumPy do
(fill a cache, take an hour, eat memory), the child takes with it when it ends, and the worker
that grades the next student starts from the state it had before. The child reports one verdict
per call as soon as it has it; past the budget it is stopped, and the calls it had not judged get
"could not be checked in time". A call whose judging alone runs long is interrupted by a timer,
so the calls after it still get their turn.

A check of a derivative asked for by hand (`by_hand`, `forbid`) first reads the learner's code for
a shortcut (`course.shortcuts`): that reading is learner data too, so it happens here, in the
child and under the same budget.
"""

import json
import logging
import os
import resource
import select
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

from autograder.clean import clean_text
from autograder.outcomes import decode_outcomes
from course.checks import Check, JudgeTimeout, Outcome, judge
from course.shortcuts import Shortcut, find_shortcut, shortcut_in_calls, shortcut_message

MESSAGE_LIMIT = 4_000  # characters of one verdict's message


@dataclass(frozen=True)
class Verdict:
    """What judging one call found: passed or not, the message for the learner, the known mistake's name."""

    passed: bool
    message: str
    mistake: str | None = None


@dataclass(frozen=True)
class Budget:
    """How long and how much memory judging one submission may take."""

    seconds: float = 60.0
    call_seconds: float = 10.0
    memory_bytes: int = 1 << 30


DEFAULT_BUDGET = Budget()

@dataclass(frozen=True)
class CallToJudge:
    """One call of a learner's function to judge, with everything judging it needs."""

    function: str  # its name
    check: Check
    points: list[tuple]
    parameters: list[str]  # the names of its parameters, for messages
    payload: bytes  # what the sandbox sent back of its outcomes, not yet decoded
    called: list[str]  # the ready-made derivatives the sandbox saw the learner's code call
    # The right outcomes at `points`, worked out by the grader before judging (the instructor's code, so its time
    # is not the answer's: a reference such as a symbolic limit may take seconds); None: judging works them out.
    rights: list[Outcome] | None = None


def address_space_in_use() -> int:
    """Bytes of address space this process has mapped now: the base a memory limit is added to."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def judge_calls(calls: list[CallToJudge], budget: Budget = DEFAULT_BUDGET,
                sources: Sequence[str] = ()) -> list[Verdict]:
    """Verdicts for `calls`, in a child process: [(function name, Check, points, parameters, raw outcome bytes,
    the ready-made derivatives the sandbox saw the learner's code call)].

    `sources` are the code cells the learner's functions came from (the imports cell first), read
    for shortcuts by the checks that ask for a derivative by hand.
    """
    if not calls:
        return []
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: judge, report, and end without running anything of the parent's on the way out
        os.close(reading)
        try:
            _judge_in_child(calls, budget, writing, list(sources))
        finally:
            os._exit(0)
    os.close(writing)
    verdicts: dict[int, Verdict] = {}
    try:
        ended = _collect(reading, len(calls), time.monotonic() + budget.seconds, verdicts)
    finally:
        os.close(reading)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    late = Verdict(False, "could not be checked: the grader's judging process ended before it came to this "
                          "answer" if ended else
                          "could not be checked in time: judging this answer took longer than the grader allows")
    return [verdicts.get(index) or _named(calls[index].function, late) for index in range(len(calls))]


def _named(function: str, verdict: Verdict) -> Verdict:
    return Verdict(False, f"✗ {function}: {verdict.message}.", None)


def _collect(fd: int, count: int, deadline: float, verdicts: dict[int, Verdict]) -> bool:
    """Read the child's verdicts until all are in or the deadline; True if the child ended early on its own."""
    buffer = b""
    while len(verdicts) < count:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return True
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            index, passed, message, mistake = json.loads(line)
            verdicts[index] = Verdict(passed, message, mistake)
    return False


def _judge_in_child(calls: list[CallToJudge], budget: Budget, channel: int, sources: list[str]) -> None:
    # Forked from a worker that may have other threads (a Dask worker's event loop, which logs): one of them may
    # have held stderr's lock at the fork, which no one here would ever release. Nothing here writes to the
    # streams it had, then: a warning SymPy or NumPy gives goes nowhere, rather than waiting for ever.
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - ends with the child
    logging.disable(logging.CRITICAL)
    used = address_space_in_use()
    resource.setrlimit(resource.RLIMIT_AS, (used + budget.memory_bytes, used + budget.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (int(budget.seconds) + 5, int(budget.seconds) + 5))

    def out_of_time(_signal: int, _frame: FrameType | None) -> None:
        raise JudgeTimeout

    signal.signal(signal.SIGALRM, out_of_time)
    shortcuts: dict[tuple[str, bool, tuple[str, ...]], Shortcut | None] = {}
    for index, call in enumerate(calls):
        function, check = call.function, call.check
        verdict: tuple[bool, str, str | None]  # passed, message, the known mistake's name
        try:
            signal.setitimer(signal.ITIMER_REAL, budget.call_seconds)
            shortcut = _shortcut(sources, function, check, shortcuts) or _called(function, check, call.called)
            if shortcut is not None:
                verdict = (False, shortcut_message(function, shortcut, check.by_hand), None)
            else:
                outcomes = decode_outcomes(call.payload, len(call.points))
                checked = judge(check, call.points, outcomes, function, call.parameters, call.rights)
                verdict = (checked.passed, checked.message, checked.mistake.name if checked.mistake else None)
        except JudgeTimeout:
            verdict = (False, f"✗ {function}: could not be checked in time: judging this answer took longer than "
                              f"{budget.call_seconds:g} s.", None)
        except MemoryError:
            verdict = (False, f"✗ {function}: could not be checked: judging this answer needed more memory than "
                              "the grader allows.", None)
        except Exception as error:  # an answer too odd to judge is a wrong answer, never a crash of the batch
            verdict = (False, f"✗ {function}: your answer could not be checked ({type(error).__name__}).", None)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        passed, message, mistake = verdict
        line = json.dumps([index, bool(passed), clean_text(message, MESSAGE_LIMIT), mistake], ensure_ascii=True)
        data = (line + "\n").encode("ascii")
        while data:
            data = data[os.write(channel, data):]


def _called(function: str, check: Check, called: list[str]) -> Shortcut | None:
    """A shortcut the sandbox saw the learner's code call, when the reading of the code missed it."""
    if not (check.by_hand or check.forbid) or not called:
        return None
    return shortcut_in_calls(function, called, check.by_hand, tuple(check.forbid))


def _shortcut(sources: list[str], function: str, check: Check,
              found: dict[tuple[str, bool, tuple[str, ...]], Shortcut | None]) -> Shortcut | None:
    """The shortcut the learner's code takes to what this check asks by hand, if any (read once per kind)."""
    if not (check.by_hand or check.forbid):
        return None
    key = (function, check.by_hand, tuple(check.forbid))
    if key not in found:
        found[key] = find_shortcut(sources, function, check.by_hand, tuple(check.forbid))
    return found[key]
