"""The README's first command brings up JupyterLab on the learner's own copy of the course."""

import os
import secrets
import signal
import subprocess
import time
import urllib.request

import pytest
from conftest import ASSIGNMENTS, ROOT, free_port

from course.learner import update_workspace

pytestmark = pytest.mark.slow  # see pyproject.toml: `make test-fast` leaves these out


def fetch(url, deadline):
    """GET url, retrying while the server starts; returns (status, body)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_make_start_serves_the_learners_copy_over_loopback(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    workspace = tmp_path / "work"
    arguments = f"--workspace {workspace} --no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    server = subprocess.Popen(["make", "--no-print-directory", "start", f"ARGS={arguments}"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        status, page = fetch(f"http://127.0.0.1:{port}/lab?token={token}", deadline)
        assert status == 200 and "JupyterLab" in page
        status, listing = fetch(f"http://127.0.0.1:{port}/api/contents/01-slope?token={token}", deadline)
        assert status == 200 and '"01-slope.ipynb"' in listing
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert f"Your working folder is {workspace}" in output
    assert sorted(p.name for p in workspace.iterdir()) == ASSIGNMENTS


def test_updating_the_workspace_never_overwrites_the_learners_work(tmp_path):
    workspace = tmp_path / "work"
    first = update_workspace(ROOT, workspace)
    assert {p.relative_to(workspace).as_posix() for p in first} == (
        {f"{a}/{a}.ipynb" for a in ASSIGNMENTS} | {f"{a}/checks.json" for a in ASSIGNMENTS})
    mine = workspace / "01-slope" / "01-slope.ipynb"
    mine.write_text("my edits", encoding="utf-8")
    (workspace / "00-start-here" / "00-start-here.ipynb").unlink()

    again = update_workspace(ROOT, workspace)

    assert [p.name for p in again] == ["00-start-here.ipynb"]  # only what was missing comes back
    assert mine.read_text(encoding="utf-8") == "my edits"


def test_the_working_folder_and_instructor_state_are_ignored_by_git():
    for path in ["work/01-slope/01-slope.ipynb", "gradebook.db", "submitted/s/01-slope/01-slope.ipynb",
                 "autograded/x", "feedback/x", ".venv/bin/python", "gradebook-backups/gradebook-1.db",
                 ".nudge-grade.lock", ".nudge-secret", "grades.csv", "report.html"]:
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} should be ignored by git"
