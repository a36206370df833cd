"""The sandbox runs a learner's cells and calls, shows nothing of the grader, and keeps its own limits."""

import errno
import os
import uuid

import pytest

from autograder import sandbox

# In the sandbox for grading; without it for `nudge progress`, where only the learner's own processes may be ended.
isolations = pytest.mark.parametrize("isolate", [True, False], ids=["sandboxed", "unsandboxed"])
# How learner code finds the grader's channel: the highest pipe among its open files.
FIND_CHANNEL = ("channel = max(int(fd) for fd in os.listdir('/proc/self/fd')[:-1]\n"
                "              if os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'))")
QUICK = sandbox.Limits(cell_seconds=3, notebook_seconds=30, scratch_bytes=4 << 20)
# As root, a run is a child of a warm sandbox (one whose pid 1 has done the imports); else, or asked, a one-off one.
kinds = pytest.mark.parametrize("warm", [True, False], ids=["warm", "one-off"])


def printed(result, cell):
    return result.cells[cell]["output"]


@isolations
def test_processes_a_learners_code_forks_do_not_run_the_rest_of_the_notebook(isolate):
    cells = [
        "import os\nfor _ in range(3):\n    os.fork()",  # eight processes leave this cell
        "open(f'ran-{os.getpid()}', 'w').close()",
        "import glob\nprint(len(glob.glob('ran-*')))\ndef double(a):\n    return 2 * a",
    ]
    calls = [{"function": "double", "points": [(1,), (2.5,)], "stable": False}]

    result = sandbox.run(cells, calls, isolate=isolate)

    assert result.incidents == {}
    assert [result.cells[index]["error"] for index in range(3)] == [None, None, None]
    assert result.calls[0] == b'[{"value": {"number": 2.0}}, {"value": {"number": 5.0}}]'
    assert printed(result, 2) == "1\n", "a forked process went on to run the next cell"


@isolations
def test_a_process_left_running_by_a_cell_is_ended_before_the_next_cell(isolate):
    cells = [
        "import glob, os, time\nif os.fork() == 0:\n    while True:\n"
        "        open(f'alive-{time.monotonic()}', 'w').close()\n        time.sleep(0.02)",
        "time.sleep(0.1)\nbefore = len(glob.glob('alive-*'))\ntime.sleep(0.5)\n"
        "print(len(glob.glob('alive-*')) - before)",
    ]

    result = sandbox.run(cells, [], isolate=isolate)

    assert result.incidents == {}
    assert result.cells[1] == {"error": None, "output": "0\n"}, "the forked process was still running"


def test_the_learners_files_are_in_its_folder_and_nothing_else_is():
    cells = ["import os\nprint(sorted(os.listdir('.')), open('01-slope.ipynb').read())"]

    result = sandbox.run(cells, [], {"01-slope.ipynb": b"{}"})

    assert printed(result, 0) == "['01-slope.ipynb'] {}\n"


@kinds
def test_the_sandbox_environment_is_minimal_and_the_graders_is_unreadable(monkeypatch, warm):
    monkeypatch.setenv("NUDGE_GRADER_SECRET", "s3cret")
    cells = ["""
import os
print(sorted(os.environ))
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    for what in ('environ', 'cmdline'):
        try:
            print(pid, what, open(f'/proc/{pid}/{what}', 'rb').read())
        except OSError as error:
            print(pid, what, type(error).__name__)
"""]

    result = sandbox.run(cells, [], warm=warm)

    seen = printed(result, 0)
    # What bubblewrap is told to set, PWD (which it sets on --chdir) and LC_CTYPE (Python's own locale coercion).
    assert set(eval(seen.splitlines()[0])) <= {"HOME", "MPLBACKEND", "MPLCONFIGDIR", "OMP_NUM_THREADS",
                                               "OPENBLAS_NUM_THREADS", "PATH", "PWD", "LC_CTYPE"}
    assert "s3cret" not in seen
    assert "bwrap" not in seen
    # Bubblewrap itself, and so the grader, is outside the namespace. The only process is the runner, as pid 1;
    # in a warm sandbox, pid 1 is the one that forked it, and nothing of it is readable but its command line.
    processes = {line.split()[0] for line in seen.splitlines()[1:]}
    assert "1 cmdline b'" in seen and "/nudge/runner.py" in seen
    if warm and os.geteuid() == 0:
        assert len(processes) == 2 and "1" in processes
        assert "1 environ PermissionError" in seen and "/nudge/runner.py\\x00--serve" in seen
    else:
        assert processes == {"1"}


@pytest.mark.skipif(os.geteuid() != 0, reason="only a grader running as root has a user to drop to")
@kinds
def test_the_learner_runs_as_an_unprivileged_user_with_no_capabilities(warm):
    cells = ["""
import os
print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups())
print([line for line in open('/proc/self/status') if line.startswith('CapEff')][0].split()[1])
try:
    os.setuid(0)
    print('became root')
except PermissionError:
    print('stayed unprivileged')
"""]

    result = sandbox.run(cells, [], warm=warm)

    ids, capabilities, setuid = printed(result, 0).splitlines()
    uid, euid, gid, groups = ids.split(" ", 3)
    assert int(uid) >= 100_000 and uid == euid == gid and groups == "[]"
    assert capabilities == "0000000000000000" and setuid == "stayed unprivileged"


@kinds
def test_a_key_kept_in_the_kernels_keyrings_never_reaches_another_submission(warm):
    marker = f"nudge-{uuid.uuid4().hex}"  # keys outlive sandboxes: one left by an earlier test run must not count
    cells = [f"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
for keyring in (-4, -5, -3):  # the user's own keyring, its session keyring, this session's
    key = libc.syscall(248, b"user", b"{marker}", b"an answer", 9, keyring)  # add_key
    print(key > 0 and libc.syscall(250, 5, key, 0x3F3F3F3F) == 0 or ctypes.get_errno())  # anyone may read it
"""]
    look = [f"print([line for line in open('/proc/keys') if '{marker}' in line])"]

    planted = sandbox.run(cells, [], warm=warm)
    later = sandbox.run(look, [], warm=warm)

    assert printed(later, 0) == "[]\n"
    assert printed(planted, 0) == f"{errno.EPERM}\n" * 3, "the kernel kept a key for the learner's code"


def test_the_scratch_folders_have_a_total_quota():
    cells = ["""
written = 0
try:
    for index in range(1000):
        with open(f'file-{index}', 'wb') as handle:
            handle.write(b'x' * (1 << 20))
        written += 1
except OSError as error:
    print(written, error.strerror)
""", "print('the next cell runs')"]

    result = sandbox.run(cells, [], limits=QUICK)

    count, why = printed(result, 0).split(" ", 1)
    assert int(count) <= 4 and "No space left" in why
    assert printed(result, 1) == "the next cell runs\n"


def test_events_written_from_inside_do_not_extend_a_cells_time_limit():
    # The learner's code finds the channel and writes "start" for its own cell again and again.
    cells = ["import json, os, time\n" + FIND_CHANNEL + """
while True:
    for unit in ({"event": "cell", "index": 0, "state": "start"}, {"event": "cell", "index": 1, "state": "start"}):
        os.write(channel, (json.dumps(unit) + "\\n").encode())
    time.sleep(0.2)
""", "print('after')"]

    result = sandbox.run(cells, [], limits=QUICK)

    assert result.incidents[("cell", 0)] == sandbox.TAMPERED  # stopped at the first forged report
    assert printed(result, 1) == "after\n"


def test_a_forged_end_starts_the_next_cells_clock_and_the_real_end_is_caught():
    # The learner's code ends its own cell early, then goes on running: the time counts against the next
    # cell, and when the runner's own report of the end comes, it is out of sequence: tampering.
    cells = ["import json, os, time\n" + FIND_CHANNEL + """
os.write(channel, (json.dumps({"event": "cell", "index": 0, "state": "end", "output": ""}) + "\\n").encode())
os.write(channel, (json.dumps({"event": "cell", "index": 1, "state": "start"}) + "\\n").encode())
time.sleep(2 * 3)
""", "print('never reported')", "print('after')"]

    result = sandbox.run(cells, [], limits=QUICK)

    assert result.incidents[("cell", 1)].startswith("timed out")  # cell 0's code ran on in cell 1's time
    assert result.incidents[("cell", 0)] == sandbox.TAMPERED  # and was caught forging on the restart
    assert printed(result, 2) == "after\n"


def test_a_forged_line_stops_the_forgers_cell_and_costs_only_its_own_results():
    cells = ["import json, os\n" + FIND_CHANNEL + """
os.write(channel, b'[' * 100_000 + b'\\n')
os.write(channel, b'{"event": "call", "index": 0, "state": "end", "bytes": -5}\\n')
os.write(channel, b'{"event": "done"}\\n')
def double(a):
    return 2 * a
""", "print('still running')"]
    calls = [{"function": "double", "points": [(1,)], "stable": False}]

    result = sandbox.run(cells, calls, limits=QUICK)

    assert result.incidents == {("cell", 0): sandbox.TAMPERED}  # the forger's cell is skipped, the rest runs
    assert printed(result, 1) == "still running\n"
    assert b"double is not defined" in result.calls[0]


@kinds
def test_a_process_that_leaves_the_runners_session_is_ended_too(warm):
    cells = ["import os, time\nif os.fork() == 0:\n    os.setsid()\n    while True:\n        time.sleep(0.01)",
             "time.sleep(0.2)\nprint(sorted({int(p) for p in os.listdir('/proc') if p.isdigit()} - {1, os.getpid()}))"]

    result = sandbox.run(cells, [], limits=QUICK, warm=warm)

    assert printed(result, 1) == "[]\n", "a process that called setsid() outlived its cell"


def cgroup_available():
    group = sandbox.Cgroup.create(QUICK)
    group.remove()
    return bool(group.folders)


@pytest.mark.skipif(not cgroup_available(), reason="this machine gives the grader no cgroup to cap CPU with")
def test_a_submissions_processes_share_one_core():
    # Two spinners for one second of wall time would use two seconds of CPU on two free cores.
    cells = ["""
import os, time
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            pass
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
times = os.times()
print(round(times.children_user + times.children_system, 2))
"""]

    result = sandbox.run(cells, [], limits=QUICK)

    assert float(printed(result, 0)) <= 1.3 * QUICK.cpus
