"""Run a learner's code isolated: bubblewrap, resource limits, and a watch on every cell and call.

The sandbox sees the Python installation, the `course` package and a scratch folder of its own
(a size-capped tmpfs holding only the learner's notebook): not the course folder, the gradebook,
other students or the network. bubblewrap starts with PATH as its whole environment, and the
runner is the sandbox's pid 1 and gives up root for a user of this run's own before any learner
code runs, so nothing of the grader (its environment, its command line, its files) is readable
through /proc. Limits: time per cell or call and per notebook, kept by the grader's own clock
and its own idea of which cell comes next (nothing written from inside extends them); memory and
processes (a cgroup where the machine allows one, and rlimits always); file size and total size
of the scratch folders; bytes of output. When a cell or a call hangs or takes the process down,
the sandbox is started again without it, so it costs only the parts that depend on it.
"""

import atexit
import contextlib
import functools
import json
import multiprocessing.util
import os
import resource
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import course
from autograder.clean import clean_text

RUNNER = Path(__file__).with_name("runner.py")
SCRATCH = "/submission"  # where the scratch folder appears inside the sandbox
PROTOCOL_LIMIT = 64 << 20  # bytes of reports read from one run; beyond that the run is stopped
HEADER_LIMIT = 256 << 10  # bytes of one report line (a cell's output is 20,000 characters at most)
PAYLOAD_LIMIT = 32 << 20  # bytes of one call's outcomes
CELL_ERROR_LIMIT = 2_000  # characters of a cell's error message kept
CELL_OUTPUT_LIMIT = 25_000  # characters of a cell's output kept: the runner keeps 20,000 and notes what it cut
SANDBOX_PATH = "/usr/bin:/bin"


@dataclass(frozen=True)
class Limits:
    """How much one submission may use."""

    cell_seconds: float = 60.0
    notebook_seconds: float = 600.0
    memory_bytes: int = 2 << 30
    processes: int = 64
    file_bytes: int = 16 << 20
    scratch_bytes: int = 64 << 20  # each of the sandbox's two writable folders, its own and /tmp
    cpus: float = 1.0  # cores, where a cgroup can say so: a submission's processes share one
    restarts: int = 8


DEFAULT_LIMITS = Limits()


def limits_for(root: Path) -> Limits:
    """The course's limits: nbgrader_config.py's Execute.timeout per cell, ten of those per notebook."""
    from traitlets.config.loader import PyFileConfigLoader

    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        seconds = float(config.Execute.timeout) if "timeout" in config.Execute else DEFAULT_LIMITS.cell_seconds
    except Exception as error:
        raise SandboxUnavailable(f"{root}/nbgrader_config.py cannot be read: {error}") from error
    return Limits(cell_seconds=seconds, notebook_seconds=10 * seconds)


class SandboxUnavailable(Exception):
    """The machine cannot isolate a submission; the message says how to make it able to."""


@dataclass
class RunResult:
    """What happened to each cell and call; `incidents` say which ones hung or took the process down."""

    cells: dict[int, dict[str, str | None]] = field(default_factory=dict)  # index -> {"error": ..., "output": ...}
    calls: dict[int, bytes] = field(default_factory=dict)  # index -> the call's outcomes, decoded when judged
    used: dict[int, list[str]] = field(default_factory=dict)  # index -> helpers the learner's code called (by-hand)
    incidents: dict[tuple[str, int], str] = field(default_factory=dict)  # ("cell" or "call", index) -> reason
    seconds: float = 0.0


def check_available() -> None:
    """Raise SandboxUnavailable unless bubblewrap can start a sandbox here."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap is not installed: run `apt-get install bubblewrap` (Debian/Ubuntu) "
                                 "or `make test`, which installs it")
    probe = subprocess.run([*bwrap_command(DEFAULT_LIMITS), "true"], capture_output=True, text=True,
                           env={"PATH": SANDBOX_PATH})
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bubblewrap cannot create a sandbox on this machine: {probe.stderr.strip()}")


def run(cells: list[str], calls: list[dict[str, Any]], files: Mapping[str, bytes] | None = None,
        limits: Limits = DEFAULT_LIMITS, isolate: bool = True, warm: bool = True) -> RunResult:
    """Run `cells` (code) then `calls` ({"function", "points", "stable"}) in a sandbox holding `files`.

    `files` ({name: bytes}) are written into the sandbox's own folder before anything runs.
    `isolate=False` runs the same program with the same limits but without bubblewrap: for a learner
    checking their own work on their own machine (`nudge progress`), never for grading. As root, the
    run is a child of this thread's warm sandbox (`WarmSandbox`) unless `warm=False`.
    """
    result = RunResult()
    skip_cells: set[int] = set()
    skip_calls: set[int] = set()
    started = time.monotonic()
    for _attempt in range(limits.restarts + 1):
        budget = limits.notebook_seconds - (time.monotonic() - started)
        job = {"cells": cells, "calls": calls, "skip_cells": sorted(skip_cells), "skip_calls": sorted(skip_calls),
               "files": dict(files or {}), "tmp_files": matplotlib_cache() if isolate else {}}
        finished, unfinished, reason = _run_once(job, limits, budget, result, isolate, warm)
        if finished:
            break
        assert reason is not None  # a run that did not finish always says why
        if unfinished is not None and sum(map(len, result.calls.values())) > PROTOCOL_LIMIT:
            result.incidents[unfinished] = reason
            result.incidents[("sandbox", 0)] = "it sent back too much over its restarts, and was not restarted again"
            break
        if unfinished is None:  # died before running anything: nothing to skip, so no point in trying again
            result.incidents[("sandbox", 0)] = reason
            break
        if reason != TAMPERED and unfinished[0] == "call" and unfinished[1] in result.calls:
            skip_calls |= set(result.calls)  # it died just after a call whose answers are in: go on from the next
            continue
        result.incidents[unfinished] = reason
        (skip_cells if unfinished[0] == "cell" else skip_calls).add(unfinished[1])
        skip_calls |= set(result.calls)  # answers already received need not be asked again
        if budget <= 0:
            break
    result.seconds = time.monotonic() - started
    return result


@functools.cache
def matplotlib_cache() -> dict[str, bytes]:
    """matplotlib's font list, built once per grader process and put in each sandbox's empty /tmp.

    Without it every submission pays about 0.3 s for matplotlib to find the fonts again. It holds
    only the paths of fonts the sandbox can see anyway (the Python installation's and /usr's).
    """
    with tempfile.TemporaryDirectory() as folder:
        try:
            subprocess.run([sys.executable, "-I", "-c", "import matplotlib.font_manager"], capture_output=True,
                           env={"PATH": SANDBOX_PATH, "MPLCONFIGDIR": folder, "HOME": folder}, timeout=300)
        except (OSError, subprocess.SubprocessError):
            return {}  # no cache: each sandbox builds its own, only slower
        return {path.name: path.read_bytes() for path in Path(folder).glob("fontlist-*.json")}


def _units(job: dict[str, Any]) -> list[tuple[str, int]]:
    """The cells and calls the runner will report on, in the order it must: the grader's own sequence."""
    cells = [("cell", index) for index in range(len(job["cells"])) if index not in set(job["skip_cells"])]
    return cells + [("call", index) for index in range(len(job["calls"])) if index not in set(job["skip_calls"])]


def _payload(job: dict[str, Any], uid: int | None) -> bytes:
    """The job as the runner reads it."""
    import cloudpickle  # points may hold functions defined in a grade cell: they travel by value

    calls = [{**call, "points": cloudpickle.dumps(call["points"])} for call in job["calls"]]
    return cloudpickle.dumps({**job, "calls": calls, "uid": uid})


def _run_once(job: dict[str, Any], limits: Limits, budget: float, result: RunResult,
              isolate: bool = True, warm: bool = True) -> tuple[bool, tuple[str, int] | None, str | None]:
    """One start of the sandbox (or one child of a warm one). Returns (finished, the (kind, index) that never
    ended, why)."""
    ready = warm_sandbox(limits) if isolate and warm and os.geteuid() == 0 else None
    if ready is not None:
        return _run_warm(ready, job, limits, budget, result)
    # As root, the learner's code runs as a user of this run's own: no other sandbox shares its process count.
    uid = 100_000 + secrets.randbelow(1_000_000) if isolate and os.geteuid() == 0 else None
    payload = _payload(job, uid)
    group = Cgroup.create(limits)
    # stderr goes to a file with no name: a pipe nobody reads could stall the run, and a name would show through.
    with tempfile.TemporaryDirectory(prefix="nudge-") as folder, tempfile.TemporaryFile() as stderr:
        try:
            command = [*bwrap_command(limits), sys.executable, "-I", "-B", "/nudge/runner.py"] if isolate else [
                sys.executable, "-I", "-B", str(RUNNER)]
            process = subprocess.Popen(
                command, cwd=folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                start_new_session=True, preexec_fn=lambda: _limit_child(limits, group),
                env={"PATH": SANDBOX_PATH} if isolate else {**os.environ, "MPLBACKEND": "Agg"},
            )
        except OSError as error:
            group.remove()
            return False, None, f"the sandbox could not start: {error}"
        assert process.stdin is not None and process.stdout is not None  # both are pipes
        try:
            process.stdin.write(payload)
            process.stdin.close()
        except BrokenPipeError:
            pass
        reason: str | None
        finished, current, reason = False, None, "stopped"
        try:
            finished, current, reason = _follow(process.stdout.fileno(), _units(job), limits, budget, result)
        finally:
            _stop(process, grace=2.0 if reason is None else 0.0)  # ended by itself: let it report its exit
            process.stdout.close()
            memory_exceeded = group.oom_kills() > 0
            group.remove()
        if finished:
            return True, None, None
        if reason is None:
            reason = _death(process.returncode, memory_exceeded, limits, stderr)
    return False, current, reason


def _run_warm(warm: "WarmSandbox", job: dict[str, Any], limits: Limits, budget: float,
              result: RunResult) -> tuple[bool, tuple[str, int] | None, str | None]:
    """`_run_once` in a warm sandbox's child. A run that does not end cleanly ends the warm sandbox with it."""
    kills = warm.group.oom_kills()
    reports, stderr = warm.hand_over(_payload({**job, "tmp_files": {}}, uid=None))  # (its pid 1 picks the user)
    with stderr:
        try:
            finished, current, reason = _follow(reports, _units(job), limits, budget, result)
        finally:
            os.close(reports)
        if finished:
            warm.runs += 1
            return True, None, None
        status = warm.exit_status() if reason is None else None
        memory_exceeded = warm.group.oom_kills() > kills
        warm.close()  # hung, dead or tampered with: the next submission gets a new one
        if reason is None:
            reason = _death(status, memory_exceeded, limits, stderr)
    return False, current, reason


class WarmSandbox:
    """A sandbox whose Python has imported numpy, SymPy, matplotlib and `course` once, and forks one fresh child
    per submission (runner.serve): a notebook then costs a fork rather than a second of imports.

    Each child runs as a user of its own, takes its job and a report channel no other child had straight
    from the grader, and after it ends pid 1 removes everything of that user (processes, files, IPC
    objects) before it forks the next; what a child changed in memory ends with it. Only a grader
    running as root gets one: without users to give, a child could not be told apart from pid 1.
    The limits are the same as a one-off sandbox's; memory counts on top of what pid 1 holds.
    """

    RUNS = 200  # then a new one: pid 1's own CPU-time limit, and anything that creeps, never add up
    START_SECONDS = 120.0  # for the imports, on a busy machine
    READY_SECONDS = 30.0  # for the sweep after a child

    def __init__(self, limits: Limits, wait: bool = True) -> None:
        """Start pid 1 and, unless `wait` is False, wait for its imports (`finish_start`). Its bwrap ends it when the
        thread that started it ends (--die-with-parent): start one in a thread that lives as long as it should."""
        self.limits, self.runs, self.owner, self.started = limits, 0, os.getpid(), False
        self.group = Cgroup.create(limits, own_processes=2)  # pid 1 and its sweeper
        self.control, sandbox_end = socket.socketpair()
        self.folder = tempfile.mkdtemp(prefix="nudge-")
        self.stderr = tempfile.TemporaryFile()
        self.buffer = b""
        self.child_waiting = False  # told "ready", and no job handed over since
        self.sweeps = 0  # children after which pid 1 found something left, and swept
        self.process: subprocess.Popen[bytes] | None = None
        if not _warm_sandboxes:  # a process pool's worker ends without atexit: multiprocessing's own hook runs
            multiprocessing.util.Finalize(None, _close_warm_sandboxes, exitpriority=0)
        _warm_sandboxes.add(self)
        try:
            self.process = subprocess.Popen(
                [*bwrap_command(limits), sys.executable, "-I", "-B", "/nudge/runner.py", "--serve"], cwd=self.folder,
                stdin=sandbox_end.fileno(), stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True,
                preexec_fn=lambda: _limit_child(limits, self.group), env={"PATH": SANDBOX_PATH})
        except OSError as error:
            self.close()
            raise SandboxUnavailable(f"the sandbox could not start: {error}") from error
        finally:
            sandbox_end.close()
        fonts = {name: data.decode("utf-8") for name, data in matplotlib_cache().items()}
        with contextlib.suppress(OSError):  # one that has died already says why in finish_start
            self.control.sendall(json.dumps(fonts).encode("utf-8") + b"\n")
        if wait:
            self.finish_start()

    def finish_start(self) -> None:
        """Wait until pid 1 has done its imports and a child waits for a job; SandboxUnavailable (and the sandbox
        closed) if it does not get there."""
        if self.started:
            return
        if not self.wait_ready(self.START_SECONDS):
            self.stderr.seek(max(0, self.stderr.seek(0, os.SEEK_END) - 500))
            said = clean_text(self.stderr.read().decode("utf-8", "replace")).strip().splitlines()
            self.close()
            raise SandboxUnavailable(f"a warm sandbox did not start ({said[-1] if said else 'it said nothing'})")
        self.group.allow_memory(self.group.memory_in_use(), self.limits)
        self.started = True

    def _message(self, timeout: float) -> dict[str, Any] | None:
        """The next line pid 1 sends, or None if none comes in time or it has ended."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.control], [], [], max(0.0, deadline - time.monotonic()))
            chunk = self.control.recv(4096) if ready else b""
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None

    def wait_ready(self, timeout: float = READY_SECONDS) -> bool:
        """True once a child waits for a job; False if pid 1 has ended or found something it could not remove."""
        if self.child_waiting:
            return True
        while (message := self._message(timeout)) is not None:
            if message.get("event") == "ready":
                self.child_waiting = True
                return True
            if message.get("event") == "exit":
                self.sweeps += message.get("swept") is True
                if message.get("clean") is not True:
                    return False
        return False

    def alive(self) -> bool:
        """Whether its bwrap, and so its pid 1, is still running: a "ready" read earlier says nothing of now."""
        return self.process is not None and self.process.poll() is None

    def exit_status(self) -> int | None:
        """The exit status of the child that just ended, as pid 1 tells it, or None."""
        message = self._message(5.0)
        return message.get("status") if message and message.get("event") == "exit" else None

    def hand_over(self, payload: bytes) -> tuple[int, IO[bytes]]:
        """Give the waiting child its job, a report pipe and a file for its stderr; returns (the pipe, the file)."""
        self.child_waiting = False
        job_read, job_write = os.pipe()
        reports, report_write = os.pipe()
        stderr = tempfile.TemporaryFile()
        try:
            socket.send_fds(self.control, [b"j"], [job_read, report_write, stderr.fileno()])
        except OSError:
            pass  # pid 1 has gone: the report pipe ends at once, and the run says so
        finally:
            os.close(job_read)
            os.close(report_write)
        # (a pipe whose reader has gone fails as it is written or as it is closed: both say so through the report
        # pipe, which ends at once)
        with contextlib.suppress(BrokenPipeError), open(job_write, "wb") as job:
            job.write(payload)  # the child reads all of it before it runs anything
        return reports, stderr

    def close(self) -> None:
        """End pid 1 and everything under it, and remove what the sandbox had outside."""
        _warm_sandboxes.discard(self)
        if getattr(_thread_local, "warm", None) is self:
            _thread_local.warm = None
        if self.owner != os.getpid():
            return  # a copy inherited by a forked process: the sandbox is its parent's to end
        if self.process is not None:
            _stop(self.process)
        self.control.close()
        self.stderr.close()
        self.group.remove()
        shutil.rmtree(self.folder, ignore_errors=True)


_thread_local = threading.local()  # each thread's warm sandbox (a Dask worker may grade on several threads)
_warm_sandboxes: set[WarmSandbox] = set()
_warm_unavailable: dict[Limits, str] = {}  # why none could start with these limits: not tried at every submission
# Warm sandboxes started ahead (start_warm_sandbox), each for the first thread that grades with its limits.
_ahead: dict[Limits, WarmSandbox] = {}
_ahead_lock = threading.Lock()


def warm_sandbox(limits: Limits) -> WarmSandbox | None:
    """This thread's warm sandbox for `limits`, with a child waiting for a job; None where none can start."""
    current: WarmSandbox | None = getattr(_thread_local, "warm", None)
    if current is not None and (current.owner != os.getpid() or current.limits != limits
                                or current.runs >= WarmSandbox.RUNS or not current.wait_ready()
                                or not current.alive()):
        current.close()
        current = None
    if current is None and limits not in _warm_unavailable:
        try:
            current = _started_ahead(limits) or WarmSandbox(limits)
        except SandboxUnavailable as error:
            _warm_unavailable[limits] = str(error)
        _thread_local.warm = current
    return current


def start_warm_sandbox(limits: Limits) -> None:
    """Start a warm sandbox for `limits` without waiting for its imports, for the first thread of this process that
    then grades with them: a Dask worker starts one as it joins a run's cluster (plan_shelf.SandboxStarter), so that
    its second of imports passes while `nudge grade` works out the plans rather than in the worker's first task.
    Call it from a thread that lives as long as the process (a Dask worker's event loop): the sandbox ends with
    the thread that started it. Nothing where this process has one with these limits already, started ahead or
    grading, or where none can start."""
    if os.geteuid() != 0:  # a warm sandbox is root's alone (WarmSandbox)
        return
    with _ahead_lock:
        # (a copy of the set: a grading thread may add to it or take from it meanwhile)
        if limits in _warm_unavailable or any(warm.limits == limits and warm.owner == os.getpid()
                                              for warm in list(_warm_sandboxes)):
            return
        try:
            _ahead[limits] = WarmSandbox(limits, wait=False)
        except SandboxUnavailable as error:
            _warm_unavailable[limits] = str(error)
        except Exception:  # anything else (a full disk, say): the first grading thread tries for itself, and says why
            pass


def _started_ahead(limits: Limits) -> WarmSandbox | None:
    """The warm sandbox start_warm_sandbox started for `limits` in this process, once its imports are done (it is
    then the caller's alone); None if there is none. One that did not get there raises its SandboxUnavailable."""
    with _ahead_lock:
        ahead = _ahead.pop(limits, None)
    if ahead is None or ahead.owner != os.getpid():  # a forked copy of another process's: not this one's to use
        return None
    ahead.finish_start()
    if not ahead.alive():  # ready once, and ended since (it may have waited hours for a task): a new one instead
        ahead.close()
        return None
    return ahead


@atexit.register
def _close_warm_sandboxes() -> None:
    for warm in list(_warm_sandboxes):
        warm.close()


TAMPERED = "it wrote on the grader's own channel (a report the runner did not send), and was stopped"


def _follow(reports: int, units: list[tuple[str, int]], limits: Limits, budget: float,
            result: RunResult) -> tuple[bool, tuple[str, int] | None, str | None]:
    """Read the runner's reports, keeping each unit's deadline by this process's clock and sequence.

    The runner reports the units in the order the grader planned them: start, end, start, end.
    Anything else on the channel (a line that is not a report, a "start" of any other unit, an
    "end" of one that is not running) can only have been written by the learner's code, and stops
    the run as tampering: the unit running then is skipped on the restart, like one that hung.
    A unit's clock starts at the end of the one before, so no report can give it more time; at
    worst, forged "end"s move the learner's code on to later units, within the notebook's cap.
    Returns (finished, the unit that was running, why the run was stopped, or None if it ended).
    """
    reader = _Reports(reports)
    position, current, last_ended = 0, None, None
    index: Any  # as the report says, or forged: used only once it matches a unit the grader planned
    now = time.monotonic()
    notebook_deadline = now + budget
    deadline = now + min(limits.cell_seconds, budget)
    while True:
        message = reader.next(timeout=max(0.0, min(deadline, notebook_deadline) - time.monotonic()))
        if message == "timeout":
            limit = "the notebook's time cap" if notebook_deadline <= deadline else f"{limits.cell_seconds:g} s"
            return False, current, f"timed out: it ran past {limit} and was stopped"
        if message == "eof":  # between units, the likeliest culprit is the one that ran last (a thread it left)
            return False, current or last_ended, None
        if message == "too much":
            return False, current, "too much output"
        event, state, index = message.get("event"), message.get("state"), message.get("index")
        unit = (event, index)
        if event == "done" and current is None and position == len(units) and len(message) == 1:
            return True, None, None
        if state == "start" and current is None and position < len(units) and unit == units[position]:
            current, position = unit, position + 1
        elif state == "end" and current == unit:
            if event == "cell":
                error = message.get("error")
                result.cells[index] = {
                    "error": clean_text(error, CELL_ERROR_LIMIT) if isinstance(error, str) else None,
                    "output": clean_text(message.get("output"), CELL_OUTPUT_LIMIT)}
            else:
                result.calls[index] = message.get("payload", b"")
                used = message.get("used")
                result.used[index] = [clean_text(name, 100) for name in used[:20] if isinstance(name, str)] \
                    if isinstance(used, list) else []
            current, last_ended = None, unit
            deadline = time.monotonic() + limits.cell_seconds  # the next unit's clock starts now
        else:  # the forger is the unit running, or, between units, the one whose "end" may have been forged
            return False, current or last_ended or (units[0] if units else None), TAMPERED


def _death(code: int | None, memory_exceeded: bool, limits: Limits, stderr_file: IO[bytes]) -> str:
    """Why the process ended early (`code`: its exit status), in words (the last line it wrote is the learner's:
    cleaned)."""
    stderr_file.seek(max(0, stderr_file.seek(0, os.SEEK_END) - 500))
    stderr = clean_text(stderr_file.read().decode("utf-8", "replace"))
    if memory_exceeded:
        return f"killed: it used more than the memory limit ({limits.memory_bytes >> 20} MiB)"
    if code is not None and code < 0:
        return f"the process was killed by signal {signal.Signals(-code).name}"
    detail = f" ({stderr.strip().splitlines()[-1]})" if stderr.strip() else ""
    return f"the process ended on its own (exit status {code}), for example by os._exit(){detail}"


def _stop(process: subprocess.Popen[bytes], grace: float = 0.0) -> None:
    """End the sandbox and everything in it."""
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


class _Reports:
    """Reads the runner's JSON lines (and the raw bytes of a call's outcomes), with a timeout and caps."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buffer, self.total = fd, bytearray(), 0

    def _fill(self, timeout_at: float) -> Literal["timeout", "eof", "too much"] | None:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout_at - time.monotonic()))
        if not ready:
            return "timeout"
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return "eof"
        self.total += len(chunk)
        if self.total > PROTOCOL_LIMIT:
            return "too much"
        self.buffer += chunk  # a bytearray grows in place: a 32 MiB payload is not copied at every chunk
        return None

    def _take(self, size: int) -> bytes:
        taken = bytes(self.buffer[:size])
        del self.buffer[:size]
        return taken

    def next(self, timeout: float) -> dict[str, Any] | Literal["timeout", "eof", "too much"]:
        """The next report as a dict ({} for a line that is not one), or "timeout", "eof", "too much"."""
        timeout_at = time.monotonic() + timeout
        while (end := self.buffer.find(b"\n", 0, HEADER_LIMIT + 1)) < 0:
            if len(self.buffer) > HEADER_LIMIT:
                return {}  # a line longer than any the runner writes
            problem = self._fill(timeout_at)
            if problem:
                return problem
        line = self._take(end + 1)
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            return {}
        if not isinstance(message, dict):
            return {}
        size = message.get("bytes")
        if message.get("state") == "end" and message.get("event") == "call":
            if type(size) is not int or not 0 <= size <= PAYLOAD_LIMIT:
                return {}
            while len(self.buffer) < size:
                problem = self._fill(timeout_at)
                if problem:
                    return problem
            message["payload"] = self._take(size)
        return message


def bwrap_command(limits: Limits) -> list[str]:
    """The bubblewrap command line: read-only Python and `course`, size-capped scratch folders, nothing else."""
    read_only = {Path(sys.base_prefix), Path(sys.prefix), Path(course.__file__).parent}
    as_root = os.geteuid() == 0
    # As root no user namespace is needed: the runner drops to an unprivileged user itself, which is
    # why it alone keeps the two capabilities that takes, and CAP_KILL, with which a warm sandbox's pid 1
    # ends what a child left running (a process loses all three when it becomes a user). Anyone else
    # gets a user namespace.
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if not as_root:
        namespaces.append("--unshare-user")
    command = ["bwrap", *namespaces, "--die-with-parent", "--new-session", "--as-pid-1", "--cap-drop", "ALL"]
    if as_root:
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
    command += ["--proc", "/proc", "--dev", "/dev"]
    for folder in ("/tmp", SCRATCH):
        command += ["--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", folder]
    # /etc/fonts: fontconfig's settings, which matplotlib's `fc-list` reads; without them (or with an /etc that only
    # root may enter) it prints an error ("Fontconfig error: Cannot load default config file") that would end up in a
    # graded notebook. /etc holds only what is bound below.
    command += ["--perms", "0755", "--dir", "/etc"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/alternatives", "/etc/fonts"):
        if os.path.exists(system):
            command += ["--ro-bind", system, system]
    folders = sorted({str(parent) for path in read_only for parent in path.parents if str(parent) != "/"})
    for folder in folders:  # made here, world-readable: bubblewrap would make them for root alone
        if folder not in ("/usr", "/bin", "/lib", "/lib64") and not folder.startswith("/usr/"):
            command += ["--perms", "0755", "--dir", folder]
    for path in sorted(read_only):
        command += ["--ro-bind", str(path), str(path)]
    command += ["--perms", "0755", "--dir", "/nudge", "--ro-bind", str(RUNNER), "/nudge/runner.py", "--chdir", SCRATCH,
                "--clearenv", "--setenv", "HOME", SCRATCH, "--setenv", "PATH", SANDBOX_PATH,
                "--setenv", "MPLBACKEND", "Agg", "--setenv", "MPLCONFIGDIR", "/tmp",
                "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "OPENBLAS_NUM_THREADS", "1"]
    return command


def _limit_child(limits: Limits, group: "Cgroup") -> None:
    """In the child, before bubblewrap starts: join the cgroup and set the rlimits."""
    group.join()
    hard = {
        resource.RLIMIT_AS: limits.memory_bytes * 2,  # address space, looser than the cgroup's memory limit
        resource.RLIMIT_CPU: int(limits.notebook_seconds) + 30,
        resource.RLIMIT_FSIZE: limits.file_bytes,
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NPROC: limits.processes,  # not enforced for root: the cgroup's pids limit is
        # No POSIX message queue: one outlives its maker, and a warm sandbox's sweep could not list it.
        resource.RLIMIT_MSGQUEUE: 0,
    }
    for which, value in hard.items():
        resource.setrlimit(which, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing the process


class Cgroup:
    """A cgroup (v2, or v1's pids, memory and cpu controllers) for one sandbox run, where the machine has one.

    It caps processes, memory and CPU: one core each, so that whatever a submission starts can't
    starve the one graded beside it into timing out. Without a cgroup, memory is still capped by
    RLIMIT_AS and time from outside; processes only by the pid namespace and RLIMIT_NPROC.
    """

    V2 = Path("/sys/fs/cgroup")
    V1 = {"pids": Path("/sys/fs/cgroup/pids"), "memory": Path("/sys/fs/cgroup/memory"),
          "cpu": Path("/sys/fs/cgroup/cpu")}
    STALE_SECONDS = 600  # an empty nudge-* cgroup this old was left by a run that was killed

    def __init__(self, folders: list[Path], version: int) -> None:
        self.folders, self.version = folders, version

    @classmethod
    def create(cls, limits: Limits, own_processes: int = 0) -> "Cgroup":
        """A new group for a sandbox with `limits`; `own_processes` more for the sandbox's own (a warm one's)."""
        cls.sweep()
        name = f"nudge-{uuid.uuid4().hex[:12]}"
        quota = f"{int(limits.cpus * 100_000)} 100000"
        try:
            controllers = (cls.V2 / "cgroup.controllers").read_text().split()
        except OSError:
            controllers = []
        if "pids" in controllers:
            group = cls([cls.V2 / name], 2)
            try:
                group.folders[0].mkdir()
                group._write("pids.max", limits.processes + own_processes)
                group._write("memory.max", limits.memory_bytes)
                group._write("memory.swap.max", 0, required=False)
                group._write("cpu.max", quota, required=False)
                return group
            except OSError:
                group.remove()
        group = cls([], 1)
        try:
            for controller in ("pids", "memory", "cpu"):
                if cls.V1[controller].is_dir():
                    group.folders.append(cls.V1[controller] / name)
                    group.folders[-1].mkdir()
            group._write("pids.max", limits.processes + own_processes)
            group._write("memory.limit_in_bytes", limits.memory_bytes)
            group._write("cpu.cfs_period_us", 100_000, required=False)
            group._write("cpu.cfs_quota_us", int(limits.cpus * 100_000), required=False)
            return group
        except OSError:
            group.remove()
            return cls([], 0)

    def _write(self, setting: str, value: object, required: bool = True) -> None:
        """Write a setting into whichever of this group's folders has it."""
        for folder in self.folders:
            if (folder / setting).exists():
                (folder / setting).write_text(str(value))
                return
        if required:
            raise OSError(f"no cgroup file {setting}")

    @classmethod
    @functools.cache
    def sweep(cls) -> None:
        """Once per process: remove the empty cgroups that runs killed before they could tidy up left behind."""
        for parent in [cls.V2, *cls.V1.values()]:
            try:
                for folder in parent.glob("nudge-*"):
                    if time.time() - folder.stat().st_mtime > cls.STALE_SECONDS:
                        with contextlib.suppress(OSError):
                            folder.rmdir()  # fails, harmlessly, on one that still holds a process
            except OSError:
                continue

    def join(self) -> None:
        for folder in self.folders:
            (folder / "cgroup.procs").write_text("0")

    def oom_kills(self) -> int:
        """How many times the memory limit has been hit so far (v2: processes killed; v1: allocations failed)."""
        try:
            if self.version == 2:
                events = (self.folders[0] / "memory.events").read_text()
                return sum(int(line.split()[1]) for line in events.splitlines() if line.split()[0] == "oom_kill")
            memory = [folder for folder in self.folders if (folder / "memory.failcnt").exists()]
            return int((memory[0] / "memory.failcnt").read_text()) if memory else 0
        except (OSError, ValueError, IndexError):
            return 0

    def allow_memory(self, extra: int, limits: Limits) -> None:
        """Raise the memory limit to the submission's own plus `extra` bytes already in use before it ran."""
        for setting in ("memory.max", "memory.limit_in_bytes"):
            self._write(setting, limits.memory_bytes + extra, required=False)

    def memory_in_use(self) -> int:
        for setting in ("memory.current", "memory.usage_in_bytes"):
            for folder in self.folders:
                with contextlib.suppress(OSError, ValueError):
                    return int((folder / setting).read_text())
        return 0

    def remove(self) -> None:
        for folder in self.folders:
            for _attempt in range(250):  # up to 5 s for the last processes to be reaped
                try:
                    for pid in (folder / "cgroup.procs").read_text().split():
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(int(pid), signal.SIGKILL)
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
