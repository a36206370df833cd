"""The sandbox runs a learner's cells and calls, and only its own process reports what happened."""

import pytest

from autograder import sandbox

# In the sandbox for grading; without it for `nudge progress`, where only the learner's own processes may be ended.
isolations = pytest.mark.parametrize("isolate", [True, False], ids=["sandboxed", "unsandboxed"])


@isolations
def test_processes_a_learners_code_forks_do_not_run_the_rest_of_the_notebook(tmp_path, isolate):
    cells = [
        "import os\nfor _ in range(3):\n    os.fork()",  # eight processes leave this cell
        "open(f'ran-{os.getpid()}', 'w').close()",
        "def double(a):\n    return 2 * a",
    ]
    calls = [{"function": "double", "points": [(1,), (2.5,)], "stable": False}]

    result = sandbox.run(cells, calls, tmp_path, isolate=isolate)

    assert result.incidents == {}
    assert [result.cells[index]["error"] for index in range(3)] == [None, None, None]
    assert result.calls == {0: [{"value": {"number": 2.0}}, {"value": {"number": 5.0}}]}
    assert len(list(tmp_path.glob("ran-*"))) == 1, "a forked process went on to run the next cell"


@isolations
def test_a_process_left_running_by_a_cell_is_ended_before_the_next_cell(tmp_path, isolate):
    cells = [
        "import glob, os, time\nif os.fork() == 0:\n    while True:\n"
        "        open(f'alive-{time.monotonic()}', 'w').close()\n        time.sleep(0.02)",
        "time.sleep(0.1)\nbefore = len(glob.glob('alive-*'))\ntime.sleep(0.5)\n"
        "print(len(glob.glob('alive-*')) - before)",
    ]

    result = sandbox.run(cells, [], tmp_path, isolate=isolate)

    assert result.incidents == {}
    assert result.cells[1] == {"error": None, "output": "0\n"}, "the forked process was still running"
