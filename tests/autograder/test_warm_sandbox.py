"""A warm sandbox forks each submission from a process that has done the imports: nothing of one reaches the next."""

import ast
import os
import subprocess
import sys
import threading

import pytest

from autograder import sandbox

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only a grader running as root grades in warm sandboxes")

# Printed by every run: which warm sandbox it ran in (the start time of its pid 1) and what it found there.
LOOK_AROUND = """
import os, random, sys
import numpy
found = {
    "sandbox": open('/proc/1/stat').read().rsplit(')', 1)[1].split()[19],
    "folder": sorted(os.listdir('.')),
    "tmp": sorted(os.listdir('/tmp')),
    "processes": sorted({int(p) for p in os.listdir('/proc') if p.isdigit()} - {1, os.getpid()}),
    "ipc": [len(open(f'/proc/sysvipc/{kind}').readlines()) - 1 for kind in ('shm', 'sem', 'msg')],
    "pi": numpy.pi,
    "environment": sorted(os.environ),
    "modules": 'planted' in sys.modules or hasattr(numpy, 'planted'),
    "random": [random.random(), numpy.random.random()],
    "user": os.getuid(),
    "free space": [os.statvfs(folder).f_bfree for folder in ('/tmp', '.')],
    "sockets": [line.split()[7:] for line in open('/proc/net/unix').readlines()[1:]],
}
print(repr(found))
"""

# Everything a submission can leave behind, or change, where the next might look.
LEAVE_EVERYTHING = """
import ctypes, os, subprocess, sys, time, types
import numpy
open('/tmp/left-in-tmp', 'w').write('a')
open('left-in-folder', 'w').write('a')
os.makedirs('/tmp/locked/inner')
open('/tmp/locked/inner/secret', 'w').write('a')
os.chmod('/tmp/locked/inner', 0)
os.chmod('/tmp/locked', 0)
os.symlink('/etc/passwd', '/tmp/a-link')
libc = ctypes.CDLL(None)
assert libc.shmget(0x6E75, 4096, 0o1000 | 0o666) >= 0  # IPC_CREAT
assert libc.semget(0x6E76, 1, 0o1000 | 0o666) >= 0
assert libc.msgget(0x6E77, 0o1000 | 0o666) >= 0
numpy.pi = 3.0
numpy.planted = True
sys.modules['planted'] = types.ModuleType('planted')
os.environ['LEFT_BEHIND'] = '1'
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            time.sleep(0.01)
    os._exit(0)
time.sleep(0.1)
"""

# Gives a System V shared memory segment, semaphore set and message queue to root (IPC_SET), as their owner may;
# their creator stays the learner's user.
GIVE_IPC_AWAY = """
import ctypes
libc = ctypes.CDLL(None)
semctl = lambda made, command, state: libc.semctl(made, 0, command, state)
for control, made in ((libc.shmctl, libc.shmget(0x6E78, 1 << 20, 0o1666)), (semctl, libc.semget(0x6E79, 1, 0o1666)),
                      (libc.msgctl, libc.msgget(0x6E7A, 0o1666))):
    state = ctypes.create_string_buffer(256)  # room for any of the three kinds' state
    assert control(made, 2, state) == 0  # IPC_STAT
    ctypes.memset(ctypes.addressof(state) + 4, 0, 4)  # its owner's uid, right after its key: root's
    assert control(made, 1, state) == 0  # IPC_SET
"""

# Keeps a deleted file's space in /tmp, and a socket's name, with no process left to hold them: sent over a socket
# pair, each end of which is sent to the other, they stay "in flight" until the kernel sees that none can arrive.
SEND_INTO_FLIGHT = """
import os, socket
held = open('/tmp/held', 'wb')
held.write(bytes(8 << 20))
os.unlink('/tmp/held')
name = socket.socket(socket.AF_UNIX)
name.bind('\\0left-behind')
one, other = socket.socketpair()
socket.send_fds(one, [b'x'], [other.fileno(), held.fileno(), name.fileno()])
socket.send_fds(other, [b'x'], [one.fileno()])
"""
# io_uring sends a file without a sendmsg call of the process's own.
IO_URING = "import ctypes\nprint(ctypes.CDLL(None).syscall(425, 1, ctypes.create_string_buffer(120)))  # io_uring_setup"

# Leaves a process behind (forked by the runner's last call) that stops the next process pid 1 starts, the sweeper,
# the moment it may: once that process has taken the learner's user.
STOP_THE_SWEEPER = """
import ctypes, os
exit_for_real = os._exit
def stop_the_next_process():
    next_pid, kill = os.getpid() + 1, ctypes.CDLL(None).kill
    while kill(next_pid, 19) != 0:  # SIGSTOP: refused while that process is root's, or not there yet
        pass
    exit_for_real(0)
def exit_leaving_a_process(status):
    if os.fork() == 0:
        stop_the_next_process()
    exit_for_real(status)
os._exit = exit_leaving_a_process
"""

# Ends with an exit status of its choosing, once its run is over (the runner's last call, after its last report).
EXIT_WITH_217 = """
import os
exit_for_real = os._exit
os._exit = lambda status: exit_for_real(217)
"""
# Looks for that status in what it was forked from: every frame's variables.
FIND_217 = """
import sys
frame, seen = sys._getframe(), False
while frame is not None:
    seen = seen or 217 in [value for value in frame.f_locals.values() if type(value) is int]
    frame = frame.f_back
print(seen)
"""


def run_cells(*cells, limits=sandbox.DEFAULT_LIMITS):
    result = sandbox.run(list(cells), [], {"notebook.ipynb": b"{}"}, limits=limits)
    assert result.incidents == {}, result.incidents
    return [ast.literal_eval(result.cells[index]["output"]) if "found" in cell else result.cells[index]
            for index, cell in enumerate(cells)]


def test_what_a_submission_leaves_or_changes_never_reaches_the_next():
    first = run_cells(LOOK_AROUND, LEAVE_EVERYTHING, LOOK_AROUND)
    before, _, after_planting = first
    assert after_planting["pi"] == 3.0 and after_planting["modules"] and after_planting["ipc"] == [1, 1, 1]
    assert "left-in-folder" in after_planting["folder"] and "left-in-tmp" in after_planting["tmp"]

    (second,) = run_cells(LOOK_AROUND)

    assert second["sandbox"] == before["sandbox"], "the second submission did not run in the same warm sandbox"
    assert second["folder"] == ["notebook.ipynb"]
    assert second["tmp"] == before["tmp"]  # pid 1's font list alone
    assert second["processes"] == []
    assert second["ipc"] == [0, 0, 0]
    assert second["pi"] == before["pi"] and not second["modules"]
    assert second["environment"] == before["environment"]
    assert second["user"] != before["user"]
    assert second["random"] != before["random"], "both children started from pid 1's random state"


def test_a_run_that_does_not_end_cleanly_ends_its_warm_sandbox_and_the_next_gets_a_new_one():
    quick = sandbox.Limits(cell_seconds=3, notebook_seconds=30)
    (before,) = run_cells(LOOK_AROUND, limits=quick)

    hung = sandbox.run(["import time\ntime.sleep(60)", "print('next')"], [], limits=quick)
    (after,) = run_cells(LOOK_AROUND, limits=quick)

    assert hung.incidents[("cell", 0)].startswith("timed out") and hung.cells[1]["output"] == "next\n"
    assert after["sandbox"] != before["sandbox"]


def test_a_submission_killed_for_its_memory_is_told_so_in_a_warm_sandbox():
    small = sandbox.Limits(memory_bytes=256 << 20, cell_seconds=20, notebook_seconds=60)
    cells = ["blocks = []\nwhile True:\n    blocks.append(bytearray(16 << 20))", "print('next')"]

    result = sandbox.run(cells, [], limits=small)

    assert sandbox.warm_sandbox(small) is not None
    assert result.cells[1]["output"] == "next\n"
    reason = result.incidents.get(("cell", 0)) or result.cells[0]["error"]
    assert "memory limit" in reason or reason.startswith("MemoryError"), reason


def test_ipc_objects_given_to_another_owner_are_removed_all_the_same():
    before, _, given_away = run_cells(LOOK_AROUND, GIVE_IPC_AWAY, LOOK_AROUND)
    assert given_away["ipc"] == [1, 1, 1]

    (second,) = run_cells(LOOK_AROUND)

    assert second["sandbox"] == before["sandbox"]
    assert second["ipc"] == [0, 0, 0]


def test_nothing_a_submission_sends_into_flight_reaches_the_next():
    before, sent, uring = run_cells(LOOK_AROUND, SEND_INTO_FLIGHT, IO_URING)

    (second,) = run_cells(LOOK_AROUND)

    assert second["sandbox"] == before["sandbox"]
    assert second["free space"] == before["free space"], "space in /tmp is still held"
    assert second["sockets"] == []
    assert sent["error"] == "PermissionError: [Errno 1] Operation not permitted" and uring["output"] == "-1\n"


def test_a_process_left_behind_can_neither_stay_nor_stop_the_clean_up():
    for _attempt in range(3):  # it races the sweeper: without a fix, it wins now and then
        before, _ = run_cells(LOOK_AROUND, STOP_THE_SWEEPER)

        (second,) = run_cells(LOOK_AROUND)

        assert second["sandbox"] == before["sandbox"], "the clean-up was stalled, and the warm sandbox given up"
        assert second["processes"] == []


def test_the_status_a_submission_exits_with_never_reaches_the_next():
    run_cells(LOOK_AROUND, EXIT_WITH_217)

    (seen,) = run_cells(FIND_217)

    assert seen["output"] == "False\n"


def test_pid_1_retires_at_half_its_cpu_limit_rather_than_be_killed_in_an_innocent_run():
    # What serve() asks after every child, here in a process whose CPU-time limit is 2 s.
    program = """
import resource, time
from autograder.runner import cpu_spent_half
resource.setrlimit(resource.RLIMIT_CPU, (2, resource.getrlimit(resource.RLIMIT_CPU)[1]))
before = cpu_spent_half()
end = time.process_time() + 1.2
while time.process_time() < end:
    pass
print(before, cpu_spent_half())
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)

    assert done.stdout.split() == ["False", "True"]


def test_asking_twice_for_the_warm_sandbox_keeps_the_child_that_waits():
    first = sandbox.warm_sandbox(sandbox.DEFAULT_LIMITS)

    assert sandbox.warm_sandbox(sandbox.DEFAULT_LIMITS) is first  # told "ready" once: no second word is awaited
    assert run_cells(LOOK_AROUND)[0]["folder"] == ["notebook.ipynb"]


# What a child may leave that pid 1 cannot see by the folders' sizes alone, or that it must see by them: each is swept.
LEFT_FOR_THE_SWEEP = {
    "a file in /tmp": "open('/tmp/left', 'w').close()",
    "a folder beside the notebook": "import os\nos.mkdir('left')",
    "the notebook, moved": "import os\nos.rename('notebook.ipynb', 'moved.ipynb')",
    "the notebook, replaced by a folder": "import os\nos.remove('notebook.ipynb')\nos.mkdir('notebook.ipynb')",
    "a shared memory segment": "import ctypes\nassert ctypes.CDLL(None).shmget(0, 4096, 0o1600) >= 0",
    "a semaphore set": "import ctypes\nassert ctypes.CDLL(None).semget(0, 1, 0o1600) >= 0",
    "a message queue": "import ctypes\nassert ctypes.CDLL(None).msgget(0, 0o1600) >= 0",
}


def test_pid_1_sweeps_after_a_child_that_left_anything_and_only_then():
    before, _ = run_cells(LOOK_AROUND, "import os\nopen('made', 'w').close()\nos.remove('made')")
    warm = sandbox.warm_sandbox(sandbox.DEFAULT_LIMITS)  # (takes the last child's exit: pid 1 says if it swept)
    sweeps = warm.sweeps
    run_cells(LOOK_AROUND)
    assert sandbox.warm_sandbox(sandbox.DEFAULT_LIMITS).sweeps == sweeps  # nothing left after either: no sweep

    for what, code in LEFT_FOR_THE_SWEEP.items():
        run_cells(code)
        assert sandbox.warm_sandbox(sandbox.DEFAULT_LIMITS) is warm and warm.sweeps == sweeps + 1, what
        sweeps = warm.sweeps
        (after,) = run_cells(LOOK_AROUND)
        assert (after["sandbox"], after["folder"], after["tmp"], after["ipc"]) == (
            before["sandbox"], ["notebook.ipynb"], before["tmp"], [0, 0, 0]), what


# Tries to change the font list pid 1 wrote in /tmp, and to link it under a name of its own choosing.
TOUCH_THE_FONT_LIST = """
import glob, os
font = glob.glob('/tmp/fontlist-*.json')[0]
for attempt in (lambda: open(font, 'a').write('changed'), lambda: os.link(font, '/tmp/message')):
    try:
        attempt()
        print('done')
    except OSError as error:
        print(type(error).__name__)
"""


def test_what_pid_1_wrote_stays_its_own_whatever_umask_the_grader_has():
    limits = sandbox.Limits(cell_seconds=9)  # a warm sandbox of its own, started here with umask 0
    previous = os.umask(0)
    try:
        before, touched = run_cells(LOOK_AROUND, TOUCH_THE_FONT_LIST, limits=limits)
    finally:
        os.umask(previous)

    (after,) = run_cells(LOOK_AROUND, limits=limits)

    assert touched["output"] == "PermissionError\nPermissionError\n"
    assert after["sandbox"] == before["sandbox"] and after["tmp"] == before["tmp"]


def test_a_warm_sandbox_started_ahead_is_the_one_the_first_thread_grading_with_its_limits_takes():
    """As a Dask worker starts one when a run's plans reach it: started without waiting for its imports, once for
    its limits, and then the first grading thread's own, used for its first submission as any warm sandbox is."""
    limits = sandbox.Limits(cell_seconds=41)  # these limits only: no other test's sandbox is taken for it
    sandbox.start_warm_sandbox(limits)  # from this test's main thread, which outlives the sandbox
    ahead = sandbox._ahead[limits]
    try:
        assert not ahead.started  # its imports were not waited for
        sandbox.start_warm_sandbox(limits)  # one is there already: no second
        assert sandbox._ahead[limits] is ahead
        assert [warm for warm in sandbox._warm_sandboxes if warm.limits == limits] == [ahead]

        taken = {}

        def grade():  # another thread, as a Dask worker's task thread is
            (taken["found"],) = run_cells(LOOK_AROUND, limits=limits)
            taken["warm"] = sandbox.warm_sandbox(limits)

        thread = threading.Thread(target=grade)
        thread.start()
        thread.join()
        # The submission ran in a child of its pid 1 (its one run), as any in a warm sandbox: a user of its own.
        assert taken["warm"] is ahead and ahead.started and ahead.runs == 1 and limits not in sandbox._ahead
        assert taken["found"]["processes"] == [] and taken["found"]["user"] != 0 and taken["found"]["pi"] > 3.14
    finally:
        ahead.close()
    sandbox.start_warm_sandbox(limits)  # none left with these limits: a new one
    assert sandbox._ahead[limits] is not ahead
    sandbox._ahead.pop(limits).close()


def test_a_warm_sandbox_started_ahead_that_has_ended_since_is_not_used():
    """Ready once, then ended (a worker may wait hours for its first task): the first submission gets a new one,
    and is graded as usual, not blamed for the sandbox's end."""
    limits = sandbox.Limits(cell_seconds=44)
    sandbox.start_warm_sandbox(limits)
    ahead = sandbox._ahead[limits]
    ahead.finish_start()  # it said "ready"
    ahead.process.kill()
    ahead.process.wait()
    try:
        (found,) = run_cells(LOOK_AROUND, limits=limits)
        taken = sandbox.warm_sandbox(limits)
        assert taken is not ahead and taken.alive() and taken.runs == 1 and found["pi"] > 3.14
    finally:
        sandbox.warm_sandbox(limits).close()
        ahead.close()


def test_a_warm_sandbox_that_cannot_start_ahead_leaves_the_first_task_to_say_why(monkeypatch):
    """A worker's plugin starts a sandbox ahead as the worker joins: a failure there (a full disk, say) must not fail
    the plugin, nor mark the sandbox unavailable for good; the first task tries again, and says why."""
    from autograder import plan_shelf

    limits = sandbox.Limits(cell_seconds=45)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sandbox.tempfile, "mkdtemp", full)
    plan_shelf.SandboxStarter(limits).setup(worker=None)  # raises nothing
    assert limits not in sandbox._ahead and limits not in sandbox._warm_unavailable  # the first task tries again
    monkeypatch.undo()
    (found,) = run_cells(LOOK_AROUND, limits=limits)  # and can, once the disk has room
    assert found["pi"] > 3.14
    sandbox.warm_sandbox(limits).close()
