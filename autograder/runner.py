"""The program that runs a learner's code inside the sandbox; it imports nothing of `autograder`.

It reads one job from standard input (pickled by the grader: the code cells to run, then the
functions to call and where), runs it, and reports on its standard output, one JSON object a line
(the learner's own output is captured per cell, and anything written to file descriptor 1 directly
goes nowhere):

  {"event": "cell", "index": k, "state": "start"}          before cell k runs
  {"event": "cell", "index": k, "state": "end", "error": ..., "output": ...}
  {"event": "call", "index": c, "state": "start"}          before call c runs
  {"event": "call", "index": c, "state": "end", "outcomes": [...]}
  {"event": "done"}

What the learner's code returns is sent as plain data (numbers, arrays, tuples, SymPy trees as text):
the grader judges it in its own process, where the expected values are. A "start" without its
"end" tells the grader where the process died or hung.
"""

import contextlib
import io
import json
import math
import os
import signal
import sys

OUTPUT_LIMIT = 20_000  # characters of printed output kept per cell
LARGEST_ANSWER = 1_000_000  # numbers in one returned value


class CappedText(io.TextIOBase):
    """A text stream that keeps the first `limit` characters written to it and counts the rest."""

    def __init__(self, limit=OUTPUT_LIMIT):
        self.parts, self.kept, self.dropped, self.limit = [], 0, 0, limit

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.kept
        self.parts.append(text[:room])
        self.kept += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def text(self):
        note = f"\n… {self.dropped} more characters of output were cut" if self.dropped else ""
        return "".join(self.parts) + note


def report(**message):
    line = (json.dumps(message, allow_nan=True) + "\n").encode("utf-8", "replace")
    os.write(_channel, line)


_channel = 1  # replaced in main() by a private copy of standard output
_runner_pid = os.getpid()


def back_in_the_runner():
    """Called each time the learner's code returns to the runner, from a cell or a call."""
    if os.getpid() != _runner_pid:
        # A process the learner's code forked: it ends here, unheard, so that only the runner goes on
        # to the next cell and reports (a fork bomb must not run the rest of the notebook).
        os._exit(0)
    end_stray_processes()


def end_stray_processes():
    """Kill every process the learner's code started, now that its cell or call is over.

    They share the runner's process group (in the sandbox, and when `nudge progress` runs it
    unsandboxed). Left running, a fork bomb goes on eating the CPU that the next cells, and the
    other submissions graded beside this one, need.
    """
    me, group = os.getpid(), os.getpgid(0)
    for _sweep in range(100):
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:  # reap the runner's own children that have ended
                pass
        strays = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    state, _parent, process_group = stat.read().rsplit(")", 1)[1].split()[:3]
            except (OSError, ValueError):
                continue  # it ended while we looked
            if int(process_group) == group and state != "Z":
                strays.append(int(entry))
        if not strays:
            return
        for pid in strays:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def run_cells(cells, skipped, namespace):
    for index, code in enumerate(cells):
        if index in skipped:
            continue
        report(event="cell", index=index, state="start")
        sys.stdin = io.StringIO("")  # input() meets the end of input at once, even after exit() closed stdin
        output = CappedText()
        error = None
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            try:
                exec(compile(code, f"<your cell {index + 1}>", "exec"), namespace)
            except BaseException as raised:  # sys.exit, KeyboardInterrupt, anything: only this cell fails
                error = f"{type(raised).__name__}: {raised}"[:2000]
        back_in_the_runner()
        report(event="cell", index=index, state="end", error=error, output=output.text())


def run_calls(calls, skipped, namespace, call):
    for index, job in enumerate(calls):
        if index in skipped:
            continue
        report(event="call", index=index, state="start")
        sys.stdin = io.StringIO("")
        function = namespace.get(job["function"])
        if not callable(function):
            missing = {"error": ["NameError"], "message": f"{job['function']} is not defined: did its cell run?"}
            outcomes = [missing] * len(job["points"])
        else:
            with contextlib.redirect_stdout(CappedText()), contextlib.redirect_stderr(CappedText()):
                outcomes = [encode_outcome(call(function, args, job["stable"])) for args in job["points"]]
            back_in_the_runner()
        report(event="call", index=index, state="end", outcomes=outcomes)


def encode_outcome(outcome):
    if outcome.error is not None:
        names = [cls.__name__ for cls in outcome.error.__mro__ if issubclass(cls, BaseException)]
        return {"error": names, "message": str(outcome.message)[:2000]}
    try:
        return {"value": encode(outcome.value)}
    except Exception as error:  # a value too odd to send is a refused answer, not a crash
        return {"value": {"refused": type(outcome.value).__name__, "why": str(error)[:200]}}


def encode(value, depth=0):
    """`value` as JSON-ready data; anything that is not a plain number, array, tuple or SymPy expression is refused."""
    import numpy as np

    if depth > 3:
        return {"refused": type(value).__name__, "why": "nested too deep"}
    if type(value) in (int, float) or (isinstance(value, np.generic) and value.dtype.kind in "biuf"):
        if type(value) is bool or isinstance(value, np.bool_):
            return {"refused": "bool"}
        return {"number": _float(value)}
    if type(value) is np.ndarray and value.dtype.kind in "biuf":
        if value.size > LARGEST_ANSWER:
            return {"refused": "ndarray", "why": f"{value.size} numbers is too large an answer"}
        return {"array": [_float(x) for x in value.ravel().tolist()], "shape": list(value.shape)}
    if type(value) in (tuple, list):
        return {type(value).__name__: [encode(item, depth + 1) for item in value[:10_000]]}
    if "sympy" in sys.modules and isinstance(value, sys.modules["sympy"].Basic):
        return {"sympy": sys.modules["sympy"].srepr(value)[:100_000]}
    return {"refused": type(value).__name__}


def _float(number):
    number = float(number)
    return number if math.isfinite(number) else repr(number)  # "nan", "inf" and "-inf" travel as text


def main():
    import pickle

    global _channel
    _channel = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    job = pickle.loads(sys.stdin.buffer.read())
    sys.stdin = io.StringIO("")  # input() in an answer meets the end of input at once
    calls = [{**call, "points": pickle.loads(call["points"])} for call in job["calls"]]
    from course.checks import call  # taken before the learner's code runs: later patches don't reach it

    namespace = {"__name__": "__main__", "display": lambda *objects, **options: None}
    run_cells(job["cells"], set(job["skip_cells"]), namespace)
    run_calls(calls, set(job["skip_calls"]), namespace, call)
    report(event="done")
    os._exit(0)  # threads the learner started must not keep the sandbox alive


if __name__ == "__main__":
    main()
