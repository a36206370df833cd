"""The program that runs a learner's code inside the sandbox; it imports nothing of `autograder`.

It reads one job from standard input (pickled by the grader: the files to put in its folder, the
code cells to run, then the functions to call, where, and through which function of course/ if any,
as `course.checks.through` does), gives up root for an unprivileged user of its own when it starts
as root, runs the job, and reports on its standard output, one JSON object a line (the learner's
own output is captured per cell, and anything written to file descriptor 1 directly goes nowhere):

  {"event": "cell", "index": k, "state": "start"}          before cell k runs
  {"event": "cell", "index": k, "state": "end", "error": ..., "output": ...}
  {"event": "call", "index": c, "state": "start"}          before call c runs
  {"event": "call", "index": c, "state": "end", "bytes": n}  then n bytes: the outcomes, as JSON
  {"event": "done"}

What the learner's code returns is sent as plain data: numbers, arrays, tuples, lists, dicts, and
SymPy expressions as trees of [class name, arguments] (never as text to parse). The grader trusts
none of it: the learner's code can write on this channel too, so the grader decodes strictly and
keeps time by its own clock and its own idea of which cell comes next.

Started with --serve it is a warm sandbox's pid 1 instead (see `serve`): it does the imports once
and forks one fresh child per submission, which takes its job and its own report channel from the
grader and runs it as above.
"""

import contextlib
import ctypes
import errno
import functools
import importlib
import io
import json
import math
import os
import pickle
import pkgutil
import random
import resource
import secrets
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType, FunctionType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the runner imports course.checks only when the learner's code has run (see main)
    from course.checks import Outcome

OUTPUT_LIMIT = 20_000  # characters of printed output kept per cell
LARGEST_ANSWER = 1_000_000  # numbers in one returned value


class CappedText(io.TextIOBase):
    """A text stream that keeps the first `limit` characters written to it and counts the rest."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.parts: list[str] = []
        self.kept, self.dropped, self.limit = 0, 0, limit

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.kept
        self.parts.append(text[:room])
        self.kept += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def text(self) -> str:
        note = f"\n… {self.dropped} more characters of output were cut" if self.dropped else ""
        return "".join(self.parts) + note


def report(payload: bytes = b"", **message: Any) -> None:
    """One line on the grader's channel, and `payload` right after it when there is one."""
    line = (json.dumps(message, allow_nan=True, ensure_ascii=True) + "\n").encode("ascii")
    data = line + payload
    while data:
        data = data[os.write(_channel, data):]


_channel = 1  # replaced in main() by a private copy of standard output
_runner_pid = os.getpid()


def back_in_the_runner() -> None:
    """Called each time the learner's code returns to the runner, from a cell or a call."""
    if os.getpid() != _runner_pid:
        # A process the learner's code forked: it ends here, unheard, so that only the runner goes on
        # to the next cell and reports (a fork bomb must not run the rest of the notebook).
        os._exit(0)
    end_stray_processes()


STRAYS_SECONDS = 2.0  # at most, after a cell or call, to end what the learner's code started


def end_stray_processes() -> None:
    """Kill every process the learner's code started, now that its cell or call is over.

    Left running, a fork bomb goes on eating the CPU that the next cells, and the other submissions
    graded beside this one, need.
    """
    me, group = os.getpid(), os.getpgid(0)
    # As the sandbox's pid 1, every other process in sight is the learner's, whatever its group or
    # session (setsid() would take one out of ours); as a user of this run's own (a warm sandbox's
    # child), every process of that user is; elsewhere, only our own process group is ours.
    everyone, user = me == 1, _own_user
    # Until none is left, dead ones collected too (a zombie still shows in /proc): a killed process dies when the
    # kernel next runs it, which on a busy machine can take longer than a hundred quick looks.
    deadline = time.monotonic() + STRAYS_SECONDS
    while True:
        reap_children()
        strays = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    state, _parent, process_group = stat.read().rsplit(")", 1)[1].split()[:3]
            except (OSError, ValueError):
                continue  # it ended while we looked
            ours = everyone or (_user(entry) == user if user is not None else int(process_group) == group)
            if ours and state != "Z":
                strays.append(int(entry))
        if not strays:
            reap_children()  # the ones just killed, now zombies: as pid 1, the runner is their parent
            return
        if time.monotonic() > deadline:
            return  # what a fork bomb still makes is ended after the next cell, or with the sandbox
        for pid in strays:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.001)


def reap_children() -> None:
    """Collect every child of the runner that has ended (as pid 1, orphans of the learner's become ours)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def run_cells(cells: list[str], skipped: set[int], namespace: dict[str, Any]) -> None:
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
                error = f"{type(raised).__name__}: {text_of(raised)}"[:2000]
        back_in_the_runner()
        report(event="cell", index=index, state="end", error=error, output=output.text())


def text_of(error: BaseException) -> str:
    """str(error), or a placeholder when the learner's exception can't even say what it is."""
    try:
        return str(error)
    except BaseException:  # a __str__ that raises (or exits) must not take the runner down
        return "(its message could not be shown)"


def run_calls(calls: list[dict[str, Any]], skipped: set[int], namespace: dict[str, Any],
              call: Callable[..., "Outcome"], probes: dict[str, Callable[..., Any] | str]) -> None:
    """Call each job's function at its points (through its probe, `probes[job["call"]]`, when it names one)."""
    for index, job in enumerate(calls):
        if index in skipped:
            continue
        report(event="call", index=index, state="start")
        sys.stdin = io.StringIO("")
        function = namespace.get(job["function"])
        probe = probes.get(job.get("call") or "")
        watch = HelperWatch(active=bool(job.get("watch")))
        if not callable(function):
            missing = {"error": ["NameError"], "message": f"{job['function']} is not defined: did its cell run?"}
            outcomes = [missing] * len(job["points"])
        elif isinstance(probe, str):
            outcomes = [{"error": ["ValueError"], "message": probe}] * len(job["points"])
        else:
            called = function if probe is None else functools.partial(probe, function)
            with contextlib.redirect_stdout(CappedText()), contextlib.redirect_stderr(CappedText()), watch:
                outcomes = [encode_outcome(call(called, args, job["stable"])) for args in job["points"]]
            back_in_the_runner()
        payload = json.dumps(outcomes, allow_nan=True, ensure_ascii=True).encode("ascii")
        used = sorted(watch.used)[:20]
        report(payload, event="call", index=index, state="end", bytes=len(payload), used=used)


def find_probe(name: str) -> Callable[..., Any] | str:
    """The function a job names to call the learner's object through, or why it is refused: only a function defined
    at the top of a module of course/ is taken (the course's own code, in every learner's copy), nothing else."""
    module, _, attribute = name.rpartition(".")
    parts = [*module.split("."), attribute]
    refused = f"the check calls your code through {name[:100]!r}, which is not a function of course/"
    if parts[0] != "course" or len(parts) != 3 or not all(p.isidentifier() and not p.startswith("_") for p in parts):
        return refused
    try:
        found = getattr(importlib.import_module(module), attribute, None)
    except Exception:  # (the course's own module: it imports everywhere else)
        return refused
    if not isinstance(found, FunctionType) or found.__module__ != module:
        return refused
    return found


class HelperWatch:
    """Notes which ready-made helpers (derivatives, an order) the learner's code calls itself, while a check that
    asks for them by hand (or forbids them) calls it.

    A second look beside the grader's reading of the code (`course.shortcuts`): it sees the calls that
    reading can't follow (a factory, functools.partial, a callable class, exec). Only calls made from
    the learner's own code count: SymPy's limit differentiates inside, and that is not the learner's doing.
    """

    in_force: "HelperWatch | None" = None  # the watch on now: `noticed_audit` tells it of code switching it off

    def __init__(self, active: bool) -> None:
        self.active = active
        self.used: set[str] = set()
        self.previous: Callable[..., object] | None = None  # the profiler set before, if any
        self.previous_for_threads: Callable[..., object] | None = None

    def __enter__(self) -> "HelperWatch":
        if self.active:
            self.previous, self.previous_for_threads = sys.getprofile(), threading.getprofile()
            sys.setprofile(self.notice)
            threading.setprofile(self.notice)  # a thread the learner's code starts meanwhile is watched too
            HelperWatch.in_force = self
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active:
            HelperWatch.in_force = None
            threading.setprofile(self.previous_for_threads)
            sys.setprofile(self.previous)

    def notice(self, frame: FrameType, event: str, arg: object) -> None:
        # The learner's code is whatever runs in the notebook's namespace: its cells, and what they exec.
        if event != "call" or frame.f_back is None or frame.f_back.f_globals.get("__name__") != "__main__":
            return
        name = watched_name(frame)
        if name:
            self.used.add(name)


# What the watch notes when the learner's code switches it off (course.shortcuts.WATCH_OFF, a shortcut for any check
# that asks for something by hand or forbids a helper): whatever it called next went unseen.
WATCH_OFF = "sys.setprofile"


def noticed_audit(event: str, _arguments: tuple[object, ...]) -> None:
    """Python's audit hook, which no Python code can take off: every sys.setprofile raises its event, however it is
    called (through functools.partial or map, where the profiler itself sees no call), so one while a watch is on
    can only be the learner's code switching it off."""
    if event == "sys.setprofile" and HelperWatch.in_force is not None:
        HelperWatch.in_force.used.add(WATCH_OFF)


# The course's ready-made derivatives, and the topological order of module 08's graphs (which its backward forbids).
COURSE_HELPERS = {"central_difference", "partial_derivative", "numerical_gradient",
                  "nudge_gradients", "gradient_check", "nodes_in_order"}


def watched_name(frame: FrameType) -> str | None:
    """The dotted name of a ready-made derivative that this new frame runs, or None."""
    module, name = str(frame.f_globals.get("__name__", "")), frame.f_code.co_name
    owner = type(frame.f_locals.get("self", None)).__name__
    if module.startswith("course.") and name in COURSE_HELPERS:
        return f"{module}.{name}"
    if module == "course.checks" and name == "__call__" and owner == "Numerical":
        return "course.checks.Numerical"
    if module.startswith("numpy") and name in ("gradient", "polyder"):
        return f"numpy.{name}"
    if module.startswith("numpy.polynomial") and name == "deriv":
        return "numpy.polynomial.deriv"
    if module.startswith("sympy") and name in ("diff", "series", "taylor_term"):
        return "sympy.diff" if name == "diff" else "sympy.series"
    if module.startswith("sympy") and name == "doit" and owner == "Derivative":
        return "sympy.Derivative"
    return None


def encode_outcome(outcome: "Outcome") -> dict[str, Any]:
    if outcome.error is not None:
        names = [cls.__name__ for cls in outcome.error.__mro__ if issubclass(cls, BaseException)]
        return {"error": names, "message": str(outcome.message)[:2000]}
    try:
        return {"value": encode(outcome.value)}
    except Exception as error:  # a value too odd to send is a refused answer, not a crash
        return {"value": {"refused": type(outcome.value).__name__, "why": str(error)[:200]}}


def encode(value: Any, depth: int = 0) -> dict[str, Any]:
    """`value` as JSON-ready data: plain numbers, arrays, tuples, lists, dicts and SymPy trees; the rest is refused."""
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
    if type(value) is dict:
        return {"dict": [[key if type(key) in (str, int, float) else repr(key)[:100], encode(item, depth + 1)]
                         for key, item in list(value.items())[:10_000]]}
    if "sympy" in sys.modules and isinstance(value, sys.modules["sympy"].Basic):
        return {"sympy": sympy_tree(value, [0])}
    return {"refused": type(value).__name__}


SYMPY_LEAVES = {"Pi": "pi", "Exp1": "E", "Infinity": "oo", "NegativeInfinity": "-oo", "ImaginaryUnit": "I",
                "ComplexInfinity": "zoo", "NaN": "nan"}
LARGEST_TREE = 5_000  # nodes of one SymPy answer; the grader refuses larger ones too


def sympy_tree(expression: Any, count: list[int]) -> list[Any]:
    """A SymPy expression as nested [class name, ...] lists: numbers as digits, symbols by name and assumptions."""
    import sympy

    count[0] += 1
    if count[0] > LARGEST_TREE:
        raise ValueError(f"the expression has more than {LARGEST_TREE} parts")
    if isinstance(expression, sympy.Symbol):
        return ["Symbol", expression.name, {k: v for k, v in expression._assumptions_orig.items() if v is not None}]
    if isinstance(expression, sympy.Integer):
        return ["Integer", str(int(expression))]
    if isinstance(expression, sympy.Rational):
        return ["Rational", str(expression.p), str(expression.q)]
    if isinstance(expression, sympy.Float):
        return ["Float", _float(expression)]
    name = type(expression).__name__
    if name in SYMPY_LEAVES:
        return [SYMPY_LEAVES[name]]
    if isinstance(expression, sympy.core.function.AppliedUndef):
        return ["Function", name, [sympy_tree(argument, count) for argument in expression.args]]
    return [name, [sympy_tree(argument, count) for argument in expression.args]]


def _float(number: Any) -> float | str:
    number = float(number)
    return number if math.isfinite(number) else repr(number)  # "nan", "inf" and "-inf" travel as text


def become(uid: int | None) -> None:
    """Give up root for `uid` (a user of this run's own), before any learner code runs.

    Then the learner's code cannot read this process's or anyone's environment through /proc, and
    holds no capability at all; without root (a learner's own machine) there is nothing to give up.
    """
    if uid is None or os.getuid() != 0:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


# What the sandbox's processes may not ask of the kernel, by machine: its audit architecture, then the numbers of
# add_key, request_key, keyctl, sendmsg, sendmmsg, io_uring_setup, io_uring_enter and io_uring_register. A key in
# the kernel's keyrings outlives every process, and sandbox, of its user, and is readable by any user it allows. A
# file sent over a socket to a socket that is itself in flight outlives every process, holding its memory, its
# space in /tmp or its socket's name; io_uring sends one without a sendmsg call.
REFUSED_SYSCALLS = {
    "x86_64": (0xC000_003E, (248, 249, 250, 46, 307, 425, 426, 427)),
    "aarch64": (0xC000_00B7, (217, 218, 219, 211, 269, 425, 426, 427)),
}


def refuse_syscalls() -> None:
    """Fail the REFUSED_SYSCALLS, and any made through another ABI (32-bit x86's, x32's), with EPERM from now on.

    A seccomp filter: it holds for this process and all it starts, and nothing can take it off.
    """
    machine = os.uname().machine
    if machine not in REFUSED_SYSCALLS:
        sys.exit(f"the sandbox runs on x86_64 and aarch64 machines only, not on {machine}")
    architecture, numbers = REFUSED_SYSCALLS[machine]
    load, equal, at_least, give = 0x20, 0x15, 0x35, 0x06  # classic BPF: ld [k], jeq #k, jge #k, ret #k
    allow, refuse = 0x7FFF_0000, 0x0005_0000 | errno.EPERM
    checks = [(at_least, 0x4000_0000)] + [(equal, number) for number in numbers]  # x32's numbers, then ours
    last = len(checks) + 4  # where the program refuses; a jump counts the instructions it skips
    program = [(load, 0, 0, 4), (equal, 0, last - 2, architecture), (load, 0, 0, 0)]  # the architecture, the number
    program += [(code, last - 4 - index, 0, value) for index, (code, value) in enumerate(checks)]
    program += [(give, 0, 0, allow), (give, 0, 0, refuse)]
    filters = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *line) for line in program))

    class Program(ctypes.Structure):
        _fields_ = [("length", ctypes.c_ushort), ("filters", ctypes.c_void_p)]

    libc, zero = ctypes.CDLL(None, use_errno=True), ctypes.c_ulong(0)
    seccomp = ctypes.byref(Program(len(program), ctypes.addressof(filters)))
    # PR_SET_NO_NEW_PRIVS (bubblewrap has set it already), then PR_SET_SECCOMP with SECCOMP_MODE_FILTER
    if libc.prctl(38, ctypes.c_ulong(1), zero, zero, zero) or libc.prctl(22, ctypes.c_ulong(2), seccomp, zero, zero):
        sys.exit(f"the sandbox's system call filter could not be set: {os.strerror(ctypes.get_errno())}")


_own_user: int | None = None  # set in a warm sandbox's child: every process of this user is the learner's


def take_channel(fd: int) -> None:
    """Report on `fd` from now on; file descriptor 1 goes nowhere, so what the learner writes to it is lost."""
    global _channel
    _channel = fd
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)


def main() -> None:
    if os.getpid() == 1:  # the sandbox's first process (on a learner's own machine, the runner is not sandboxed)
        refuse_syscalls()
    sys.addaudithook(noticed_audit)  # before any learner code (a warm sandbox's children inherit it)
    if sys.argv[1:] == ["--serve"]:
        serve()
    take_channel(os.dup(1))
    run_job(pickle.loads(sys.stdin.buffer.read()), uid=None)


def run_job(job: dict[str, Any], uid: int | None) -> None:
    """Run one submission's cells and calls and report on them; never returns."""
    become(job.get("uid") if uid is None else uid)
    for name, data in job.get("files", {}).items():  # the learner's notebook, as their code may expect to find it
        with open(os.path.basename(name), "wb") as handle:
            handle.write(data)
    for name, data in job.get("tmp_files", {}).items():  # matplotlib's font list, so that it is not built again
        with open(os.path.join("/tmp", os.path.basename(name)), "wb") as handle:
            handle.write(data)
    sys.stdin = io.StringIO("")  # input() in an answer meets the end of input at once
    calls = [{**call, "points": pickle.loads(call["points"])} for call in job["calls"]]
    from course.checks import call  # taken before the learner's code runs: later patches don't reach it

    probes = {name: find_probe(name) for name in {unit.get("call") for unit in calls} if name}  # (so are these)
    namespace = {"__name__": "__main__", "display": lambda *objects, **options: None}
    run_cells(job["cells"], set(job["skip_cells"]), namespace)
    run_calls(calls, set(job["skip_calls"]), namespace, call, probes)
    report(event="done")
    # What the job put in the folders, taken away again: a warm sandbox's pid 1 then finds them as they were and
    # has nothing to sweep (`untouched`). Whatever the learner's code left, or moved, is swept as ever.
    for name in job.get("files", {}):
        with contextlib.suppress(OSError):
            os.unlink(os.path.basename(name))
    os._exit(0)  # threads the learner started must not keep the sandbox alive


# What a notebook's imports cell takes a second to import; a warm sandbox imports it once (all of `course` too).
WARM_IMPORTS = ("numpy", "sympy", "matplotlib", "matplotlib.pyplot", "ipywidgets")
NO_MORE_JOBS = 3  # a child's exit status when the grader has closed its end: the warm sandbox ends


def serve() -> None:
    """A warm sandbox's pid 1: import once, then fork one fresh child per submission and clear up after it.

    It runs no learner code and reads no job: each child takes its job and a report channel of its own
    from the grader (over the control socket on fd 0), and closes that socket before anything else, so
    no submission's data is ever in the memory the next child is forked from, and each child reports
    on a pipe no earlier child held. After a child ends, everything of its user is removed before the
    next is forked (see `untouched` and `sweep`); what it changed in memory ends with it. The grader is told
    {"event": "ready"} when a child waits for a job, and {"event": "exit", "status", "clean", "swept"} after each.
    """
    control = socket.socket(fileno=0)
    # What this process writes, a child may read and never change (nor link elsewhere under a name of its choosing),
    # whatever umask the grader was started with.
    os.umask(0o022)
    for name, text in json.loads(first_line(control)).items():  # matplotlib's font list, built by the grader
        with open(os.path.join("/tmp", os.path.basename(name)), "w", encoding="utf-8") as handle:
            handle.write(text)
    for name in WARM_IMPORTS:
        importlib.import_module(name)
    import course

    for module in pkgutil.iter_modules(course.__path__):
        # Not the learner's command line: importing __main__ would run it, and `learner` (which no notebook
        # imports) brings nbformat, whose jsonschema builds a grammar for 1.4 s at import.
        if module.name not in ("__main__", "learner"):
            importlib.import_module(f"course.{module.name}")
    as_left = folders_as_left() if entries_are_counted() else None
    while True:
        uid = 100_000 + secrets.randbelow(1_000_000)  # a user of this submission's own
        child = os.fork()
        if child == 0:
            serve_one(control, uid)
        tell(control, event="ready")
        clear_up_after(control, child, uid, as_left)


def clear_up_after(control: socket.socket, child: int, uid: int, as_left: tuple[int, ...] | None) -> None:
    """Once `child` has ended: end what it left running, sweep what it left (if anything), and tell the grader how
    it went; end this process unless all is as before. (Here rather than in `serve`, so that nothing worked out
    about the child, such as whether it left anything, stays in the frames the next child is forked with.)"""
    status = wait_for(child)
    end_the_rest()  # before any process of ours takes that user: one of the user's own could stop it
    swept = not untouched(as_left)
    # After a sweep, the folders must be as before too: something left that is not the user's (a link to a file
    # of root's, say) is not swept, and would be seen by every later child.
    nothing_left = not swept or (sweep(uid) and (as_left is None or folders_as_left() == as_left))
    clean = nothing_left and alone()
    tell(control, event="exit", status=status, clean=clean, swept=swept)
    # A child that ran to its end exits 0. Any other status (NO_MORE_JOBS among them) is the last: it is in this
    # process's memory now, and the next child, forked from it, would find what the last one chose.
    if not clean or status != 0 or cpu_spent_half():
        os._exit(0)


def cpu_spent_half() -> bool:
    """Has this process used half its CPU-time limit? Reaping what children leave costs it a little each time, and
    past its limit the kernel would kill it in the middle of an innocent submission: it ends well before."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = resource.getrlimit(resource.RLIMIT_CPU)[0]
    return limit != resource.RLIM_INFINITY and used.ru_utime + used.ru_stime > limit / 2


def first_line(control: socket.socket) -> bytes:
    """The grader's one line before the first job (it sends nothing more until it is told "ready")."""
    line = b""
    while not line.endswith(b"\n"):
        chunk = control.recv(1 << 16)
        if not chunk:
            os._exit(0)
        line += chunk
    return line


def tell(control: socket.socket, **message: Any) -> None:
    with contextlib.suppress(OSError):  # the grader has gone: the next child will find out and end it all
        control.sendall((json.dumps(message) + "\n").encode("ascii"))


def wait_for(child: int) -> int:
    """Wait for `child`, reaping whatever else ends meanwhile (as pid 1, the orphans are ours); its exit status."""
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == child:
            return os.waitstatus_to_exitcode(status)


def serve_one(control: socket.socket, uid: int) -> None:
    """A warm sandbox's child: take the job and a private report channel from the grader, and run it; never returns."""
    global _own_user, _runner_pid
    _runner_pid = os.getpid()  # the runner is this child now: a process it forks must not go on as one
    try:
        _message, fds, _flags, _address = socket.recv_fds(control, 1, 3)
    except OSError:
        fds = []
    if len(fds) != 3:
        os._exit(NO_MORE_JOBS)
    control.close()  # fd 0: the learner's code must never reach the grader's socket
    job_fd, channel_fd, stderr_fd = fds
    os.dup2(job_fd, 0)
    os.dup2(stderr_fd, 2)
    os.close(job_fd)
    os.close(stderr_fd)
    take_channel(channel_fd)
    random.seed()  # a fresh process would not share the random state of the one it was forked from
    sys.modules["numpy"].random.seed()
    with os.fdopen(0, "rb", closefd=False) as job:
        data = job.read()
    _own_user = uid
    run_job(pickle.loads(data), uid=uid)


def sweep(uid: int) -> bool:
    """After a child, its processes all ended (`end_the_rest`): as its user, delete its files and its System V IPC
    objects.

    True when nothing of it is left: nothing in /submission, nothing but this process's own files in /tmp, and
    no IPC object (this process makes none; POSIX message queues no one can make: RLIMIT_MSGQUEUE is 0).
    """
    sweeper = os.fork()
    if sweeper == 0:
        try:
            become(uid)  # as that user, its files are its own to delete and its IPC objects its own to remove
            remove_user(uid)
            os._exit(0)
        finally:
            os._exit(1)
    status = wait_for(sweeper)
    reap_children()
    left = os.listdir("/submission") + [name for name in os.listdir("/tmp") if os.lstat(f"/tmp/{name}").st_uid != 0]
    left += [row["id"] for kind in IPC_KINDS for row in _ipc_objects(kind)]
    return status == 0 and not left


def alone() -> bool:
    """Is this process the only one in the sandbox?"""
    return not [entry for entry in os.listdir("/proc") if entry.isdigit() and int(entry) != os.getpid()]


WRITABLE = ("/submission", "/tmp")  # the sandbox's only writable folders (tmpfs), each 1777 and this process's own


def folders_as_left() -> tuple[int, ...]:
    """The size of each writable folder: on tmpfs, a folder's size grows by a fixed amount with each entry made in
    it and shrinks with each removed, so the same size means the same number of entries. Counts, and not a name or
    anything else written: nothing of that comes into this process's memory, from which the next child is forked."""
    return tuple(os.lstat(folder).st_size for folder in WRITABLE)


def entries_are_counted() -> bool:
    """Does this kernel's tmpfs count entries in a folder's size? If not, every child is swept after."""
    before = folders_as_left()
    probe = os.path.join(WRITABLE[0], ".nudge-probe")
    try:
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        grew = folders_as_left() != before
        os.unlink(probe)
    except OSError:
        return False
    return grew and folders_as_left() == before


def untouched(as_left: tuple[int, ...] | None) -> bool:
    """Has the child that ended (its processes all ended) left the writable folders as they were, with no System V
    IPC object? Each folder is 1777 with the sticky bit: a child can neither remove nor rename this process's own
    entries, so the same number of entries is the same entries; what it made inside one of its own is in one of
    its own. Then there is nothing to sweep."""
    return as_left is not None and folders_as_left() == as_left and ipc_objects_in_use() == 0


# The System V IPC objects that exist, by kind, as the kernel counts them (the *_INFO calls: counts and totals,
# never a key, an id or a message): (call, its command SHM_INFO, SEM_INFO or MSG_INFO, the count's index in the
# reply: shm_info.used_ids, seminfo.semusz, msginfo.msgpool).
IPC_COUNTS = (("shmctl", 14, 0), ("semctl", 19, 7), ("msgctl", 12, 0))


def ipc_objects_in_use() -> int:
    """How many System V IPC objects exist in the sandbox (-1: the kernel would not say)."""
    libc = ctypes.CDLL(None, use_errno=True)
    total = 0
    for call, command, index in IPC_COUNTS:
        reply = (ctypes.c_int * 16)()  # larger than shm_info, seminfo and msginfo
        answer = libc.semctl(0, 0, command, reply) if call == "semctl" else getattr(libc, call)(0, command, reply)
        count = reply[index]
        ctypes.memset(reply, 0, ctypes.sizeof(reply))  # the reply's totals (bytes queued, say) are the child's doing
        if answer < 0:
            return -1  # cannot tell: swept
        total += count
    return total


def end_the_rest() -> None:
    """As a warm sandbox's pid 1 (with CAP_KILL): end every other process in the sandbox, and collect it.

    Each is a child of this process, or becomes one when its parent ends, so none is left once none is a
    child. Nothing of theirs is read (not even a name, from /proc): nothing a child chose is ever in this
    process's memory, from which the next child is forked.
    """
    while True:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)  # every process but this one
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def remove_user(uid: int) -> None:
    """In the sweeper, as `uid`: delete its files in the writable folders and its IPC objects."""
    for folder in ("/submission", "/tmp"):
        for entry in os.scandir(folder):
            if entry.stat(follow_symlinks=False).st_uid == uid:
                _delete(entry.path)
    libc, remove_id = ctypes.CDLL(None, use_errno=True), 0  # IPC_RMID
    removers: dict[str, Callable[[int], object]] = {"shm": lambda key: libc.shmctl(key, remove_id, None),
                                                    "sem": lambda key: libc.semctl(key, 0, remove_id),
                                                    "msg": lambda key: libc.msgctl(key, remove_id, None)}
    for kind, remove in removers.items():
        for row in _ipc_objects(kind):  # its owner may have given it away (IPC_SET), but its creator stays
            if uid in (int(row["uid"]), int(row["cuid"])):
                remove(int(row["id"]))


IPC_KINDS = ("shm", "sem", "msg")


def _ipc_objects(kind: str) -> list[dict[str, str]]:
    """This sandbox's System V IPC objects of one kind, each as its row of /proc/sysvipc/`kind` by column name."""
    with open(f"/proc/sysvipc/{kind}") as table:
        header, *rows = [line.split() for line in table]
    return [{**dict(zip(header, row, strict=True)), "id": row[1]} for row in rows]  # the id is the second column


def _user(pid: str) -> int | None:
    """The user a process runs as (from its status: a process that changed user is not dumpable, and its /proc
    files belong to root whoever it runs as)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("Uid:"))
    except (OSError, ValueError, StopIteration):
        return None


def _delete(path: str) -> None:
    """Delete a file or a whole folder of the learner's, even one it made unreadable to itself."""
    if os.path.isdir(path) and not os.path.islink(path):
        os.chmod(path, 0o700)
        for entry in os.scandir(path):
            _delete(entry.path)
        os.rmdir(path)
    else:
        os.unlink(path)


if __name__ == "__main__":
    main()
