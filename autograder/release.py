"""Generate the student version (release/) from the source notebooks with nbgrader, and the check files.

For each assignment: the grade cells' points are set from exercises.py (the one place they are
written), nbgrader makes release/<id>/, and the checks are written as values: the visible ones to
release/<id>/checks.json, the hidden ones to source/<id>/hidden-checks.json (kept out of release/).
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

from autograder import spec
from autograder.course_dir import assignments, notebook_path
from autograder.gradebook import default_url, generate_assignments
from autograder.plan import Part, plan_for, planned_parts
from course import checkfile


def release(root: Path, wanted: Sequence[str] = (), use_database: bool = True) -> list[str]:
    """Regenerate release/<id>/ for each assignment; returns the ids released. Every assignment is checked before
    any is generated, and nbgrader generates them all in one run."""
    ids = assignments(root, wanted)
    parts = {}
    for assignment in ids:
        set_points(Path(root), assignment)
        # Before anything is generated: grade cells and declarations that do not match are refused here.
        source = nbformat.read(notebook_path(Path(root), "source", assignment), as_version=4)
        parts[assignment] = planned_parts(Path(root), assignment, source)
    generate_assignments(Path(root), ids, default_url(root) if use_database else None)
    for assignment in ids:
        write_check_files(Path(root), assignment, parts[assignment])
    plan_for.cache_clear()  # the release notebooks are new
    return ids


def set_points(root: Path, assignment: str) -> None:
    """Give each grade cell of the source notebook the points exercises.py declares for it."""
    path = notebook_path(root, "source", assignment)
    notebook = nbformat.read(path, as_version=4)
    marks = {grade.grade_id: grade.marks for exercise in spec.load(root, assignment) for grade in exercise.grades}
    changed = False
    for cell in notebook.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("grade") and nbgrader.get("grade_id") in marks:
            if nbgrader.get("points") != marks[nbgrader["grade_id"]]:
                nbgrader["points"] = marks[nbgrader["grade_id"]]
                changed = True
    if changed:
        nbformat.write(notebook, path)
        plan_for.cache_clear()


def write_check_files(root: Path, assignment: str, parts: list[Part]) -> None:
    """release/<id>/checks.json with the visible checks, source/<id>/hidden-checks.json with the hidden ones."""
    visible: dict[str, dict[str, Any]] = {}
    hidden: dict[str, dict[str, Any]] = {}
    for part in parts:
        (hidden if part.hidden else visible)[part.grade_id] = part.check.record(part.function)
    checkfile.write(root / "release" / assignment / checkfile.VISIBLE, assignment, visible)
    checkfile.write(root / "source" / assignment / checkfile.HIDDEN, assignment, hidden)
