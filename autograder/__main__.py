"""`python -m autograder COMMAND`: the instructor's commands (autograder.cli; `nudge` hands them here)."""

import atexit
import os
import sys
import threading

from autograder.cli import main

code = main()
# The exit handlers run as at any exit (temporary folders removed, logs flushed, child processes collected), but
# Python's own teardown, freeing the plans' millions of objects one by one, is left to the operating system: it
# took half a second after a grading run. Only when no thread is still at work: a normal exit would wait for it.
if all(thread.daemon for thread in threading.enumerate() if thread is not threading.main_thread()):
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
