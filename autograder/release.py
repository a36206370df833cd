"""Generate the student version (release/) from the source notebooks with nbgrader."""

import subprocess
import sys

from autograder.course_dir import CourseError, assignments, tool_environment


def release(root, wanted=(), use_database=True):
    """Regenerate release/<id>/ for each assignment; returns the ids released."""
    ids = assignments(root, wanted)
    for assignment in ids:
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force", "--log-level=WARN"]
        if not use_database:
            command.append("--no-db")
        finished = subprocess.run(command, cwd=root, env=tool_environment(), capture_output=True, text=True)
        if finished.returncode != 0:
            raise CourseError(f"nbgrader could not generate {assignment}:\n{finished.stderr.strip()}")
    return ids
