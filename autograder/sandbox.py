"""Run a learner's code isolated: bubblewrap, resource limits, and a watch on every cell and call.

The sandbox sees the Python installation, the `course` package and one scratch folder holding the
learner's notebook: not the course folder, the gradebook, other students or the network. Limits:
time per cell or call and per notebook (enforced from outside, so ignoring SIGINT does not help),
memory and processes (a cgroup where the machine allows one, and rlimits always), file size, and
bytes of output. When a cell or a call hangs or takes the process down, the sandbox is started
again without it, so it costs only the parts that depend on it.
"""

import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import course

RUNNER = Path(__file__).with_name("runner.py")
SCRATCH = "/submission"  # where the scratch folder appears inside the sandbox
PROTOCOL_LIMIT = 64 << 20  # bytes of reports read from one run; beyond that the run is stopped


@dataclass(frozen=True)
class Limits:
    """How much one submission may use."""

    cell_seconds: float = 60.0
    notebook_seconds: float = 600.0
    memory_bytes: int = 2 << 30
    processes: int = 64
    file_bytes: int = 16 << 20
    restarts: int = 8


DEFAULT_LIMITS = Limits()


def limits_for(root):
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

    cells: dict = field(default_factory=dict)  # index -> {"error": ..., "output": ...}
    calls: dict = field(default_factory=dict)  # index -> [encoded outcomes]
    incidents: dict = field(default_factory=dict)  # ("cell" or "call", index) -> reason
    seconds: float = 0.0


def check_available():
    """Raise SandboxUnavailable unless bubblewrap can start a sandbox here."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap is not installed: run `apt-get install bubblewrap` (Debian/Ubuntu) "
                                 "or `make test`, which installs it")
    probe = subprocess.run([*bwrap_command(Path("/")), "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bubblewrap cannot create a sandbox on this machine: {probe.stderr.strip()}")


def run(cells, calls, scratch, limits=DEFAULT_LIMITS, isolate=True):
    """Run `cells` (code) then `calls` ({"function", "points", "stable"}) in a sandbox over `scratch`.

    `isolate=False` runs the same program with the same limits but without bubblewrap: for a learner
    checking their own work on their own machine (`nudge progress`), never for grading.
    """
    result = RunResult()
    skip_cells, skip_calls = set(), set()
    started = time.monotonic()
    for _attempt in range(limits.restarts + 1):
        budget = limits.notebook_seconds - (time.monotonic() - started)
        job = {"cells": cells, "calls": calls, "skip_cells": sorted(skip_cells), "skip_calls": sorted(skip_calls)}
        finished, unfinished, reason = _run_once(job, scratch, limits, budget, result, isolate)
        if finished:
            break
        if unfinished is None:  # died before running anything: nothing to skip, so no point in trying again
            result.incidents[("sandbox", 0)] = reason
            break
        result.incidents[unfinished] = reason
        (skip_cells if unfinished[0] == "cell" else skip_calls).add(unfinished[1])
        skip_calls |= set(result.calls)  # answers already received need not be asked again
        if budget <= 0:
            break
    result.seconds = time.monotonic() - started
    return result


def _run_once(job, scratch, limits, budget, result, isolate=True):
    """One start of the sandbox. Returns (finished, the (kind, index) that never ended, why)."""
    import cloudpickle  # points may hold functions defined in a grade cell: they travel by value

    calls = [{**call, "points": cloudpickle.dumps(call["points"])} for call in job["calls"]]
    payload = cloudpickle.dumps({**job, "calls": calls})
    group = Cgroup.create(limits)
    try:
        command = [*bwrap_command(scratch), sys.executable, "-I", "-B", "/nudge/runner.py"] if isolate else [
            sys.executable, "-I", "-B", str(RUNNER)]
        process = subprocess.Popen(
            command, cwd=scratch, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, preexec_fn=lambda: _limit_child(limits, group),
            env=None if isolate else {**os.environ, "MPLBACKEND": "Agg"},
        )
    except OSError as error:
        group.remove()
        return False, None, f"the sandbox could not start: {error}"
    try:
        process.stdin.write(payload)
        process.stdin.close()
    except BrokenPipeError:
        pass
    reader = _Reports(process.stdout.fileno())
    current, deadline = None, time.monotonic() + min(limits.cell_seconds, budget)
    notebook_deadline = time.monotonic() + budget
    reason = None
    try:
        while True:
            message = reader.next(timeout=max(0.0, min(deadline, notebook_deadline) - time.monotonic()))
            if message == "timeout":
                limit = "the notebook's time cap" if notebook_deadline <= deadline else f"{limits.cell_seconds:g} s"
                reason = f"timed out: it ran past {limit} and was stopped"
                break
            if message in ("eof", "too much"):
                reason = "too much output" if message == "too much" else None
                break
            event, state, index = message.get("event"), message.get("state"), message.get("index")
            if event == "done":
                return True, None, None
            if event not in ("cell", "call") or not isinstance(index, int):
                continue  # whatever else the learner's code wrote on our channel is ignored
            if state == "start":
                current = (event, index)
                deadline = time.monotonic() + limits.cell_seconds
            elif state == "end" and current == (event, index):
                if event == "cell":
                    result.cells[index] = {"error": message.get("error"), "output": str(message.get("output", ""))}
                else:
                    result.calls[index] = message.get("outcomes")
                current = None
    finally:
        _stop(process, grace=2.0 if reason is None else 0.0)  # after an early end, let it report its own exit
        process.stdout.close()
        memory_exceeded = group.memory_exceeded()
        group.remove()
    if reason is None:
        reason = _death(process, memory_exceeded, limits)
    return False, current, reason


def _death(process, memory_exceeded, limits):
    """Why the process ended early, in words."""
    code = process.returncode
    stderr = process.stderr.read().decode("utf-8", "replace")[-500:] if process.stderr else ""
    if memory_exceeded:
        return f"killed: it used more than the memory limit ({limits.memory_bytes >> 20} MiB)"
    if code is not None and code < 0:
        return f"the process was killed by signal {signal.Signals(-code).name}"
    detail = f" ({stderr.strip().splitlines()[-1]})" if stderr.strip() else ""
    return f"the process ended on its own (exit status {code}), for example by os._exit(){detail}"


def _stop(process, grace=0.0):
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
    """Reads the runner's JSON lines, with a timeout, and a cap on the bytes it will take."""

    def __init__(self, fd):
        self.fd, self.buffer, self.total = fd, b"", 0

    def next(self, timeout):
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return "timeout"
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return "eof"
            self.total += len(chunk)
            if self.total > PROTOCOL_LIMIT:
                return "too much"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return {}
        return message if isinstance(message, dict) else {}


def bwrap_command(scratch):
    """The bubblewrap command line: read-only Python and `course`, the scratch folder as /submission, nothing else."""
    read_only = {Path(sys.base_prefix), Path(sys.prefix), Path(course.__file__).parent}
    command = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/alternatives"):
        if os.path.exists(system):
            command += ["--ro-bind", system, system]
    for path in sorted(read_only):
        command += ["--ro-bind", str(path), str(path)]
    command += ["--ro-bind", str(RUNNER), "/nudge/runner.py", "--bind", str(scratch), SCRATCH, "--chdir", SCRATCH,
                "--clearenv", "--setenv", "HOME", SCRATCH, "--setenv", "PATH", "/usr/bin:/bin",
                "--setenv", "MPLBACKEND", "Agg", "--setenv", "MPLCONFIGDIR", "/tmp",
                "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "OPENBLAS_NUM_THREADS", "1"]
    return command


def _limit_child(limits, group):
    """In the child, before bubblewrap starts: join the cgroup and set the rlimits."""
    group.join()
    hard = {
        resource.RLIMIT_AS: limits.memory_bytes * 2,  # address space, looser than the cgroup's memory limit
        resource.RLIMIT_CPU: int(limits.notebook_seconds) + 30,
        resource.RLIMIT_FSIZE: limits.file_bytes,
        resource.RLIMIT_NOFILE: 256,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NPROC: limits.processes,  # not enforced for root: the cgroup's pids limit is
    }
    for which, value in hard.items():
        resource.setrlimit(which, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing the process


class Cgroup:
    """A cgroup (v2, or v1's pids and memory controllers) for one sandbox run, where the machine has one.

    Without one, memory is still capped by RLIMIT_AS and time from outside; processes only by the
    pid namespace, which is why a machine with cgroups is preferred.
    """

    V2 = Path("/sys/fs/cgroup")
    V1 = {"pids": Path("/sys/fs/cgroup/pids"), "memory": Path("/sys/fs/cgroup/memory")}

    def __init__(self, folders, version):
        self.folders, self.version = folders, version

    @classmethod
    def create(cls, limits):
        name = f"nudge-{uuid.uuid4().hex[:12]}"
        try:
            if "pids" in (cls.V2 / "cgroup.controllers").read_text().split():
                folder = cls.V2 / name
                folder.mkdir()
                (folder / "pids.max").write_text(str(limits.processes))
                (folder / "memory.max").write_text(str(limits.memory_bytes))
                (folder / "memory.swap.max").write_text("0")
                return cls([folder], 2)
        except OSError:
            pass
        try:
            folders = [cls.V1["pids"] / name, cls.V1["memory"] / name]
            for folder in folders:
                folder.mkdir()
            (folders[0] / "pids.max").write_text(str(limits.processes))
            (folders[1] / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
            return cls(folders, 1)
        except OSError:
            return cls([], 0)

    def join(self):
        for folder in self.folders:
            (folder / "cgroup.procs").write_text("0")

    def memory_exceeded(self):
        try:
            if self.version == 2:
                events = (self.folders[0] / "memory.events").read_text()
                return any(line.split()[0] == "oom_kill" and int(line.split()[1]) > 0 for line in events.splitlines())
            if self.version == 1:
                return int((self.folders[1] / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError, IndexError):
            pass
        return False

    def remove(self):
        for folder in self.folders:
            for _attempt in range(50):
                try:
                    for pid in (folder / "cgroup.procs").read_text().split():
                        os.kill(int(pid), signal.SIGKILL)
                    folder.rmdir()
                    break
                except ProcessLookupError:
                    continue
                except OSError:
                    time.sleep(0.02)
