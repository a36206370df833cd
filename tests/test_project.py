"""The project's own files agree with each other: dependencies, CI, README, command line."""

import re
import subprocess
import sys

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from conftest import ROOT, nudge


def normalise(requirement):
    return re.sub(r"\s+", "", requirement).lower()


def test_environment_yml_installs_what_pyproject_declares():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    assert sorted(map(normalise, conda)) == sorted(map(normalise, declared))
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "--editable ." in pip_section  # so `course` and `nudge` come with it
    python = next(d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python"))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == f"python{requires}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make start" in readme
    assert re.search(r"^make test\b", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)


def test_the_learner_package_never_imports_the_instructor_side():
    for path in (ROOT / "course").rglob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+autograder", path.read_text(), re.MULTILINE), path


def test_every_subcommand_has_help():
    for command in ([], ["start"], ["release"]):
        shown = nudge(*command, "--help")
        assert shown.returncode == 0 and "usage: nudge" in shown.stdout


def test_an_unknown_assignment_is_named_with_the_choices():
    failed = nudge("release", "99-nothing", "--no-db")
    assert failed.returncode == 2
    assert "no assignment 99-nothing" in failed.stderr and "01-slope" in failed.stderr


def test_a_folder_without_a_course_is_refused_clearly(tmp_path):
    failed = nudge("--course", str(tmp_path), "release")
    assert failed.returncode == 2 and "is not a Nudge course" in failed.stderr
    failed = nudge("release", cwd=tmp_path)
    assert failed.returncode == 2 and "--course DIR" in failed.stderr


def test_start_without_a_release_says_what_to_do(course_copy):
    for folder in (course_copy / "release").iterdir():
        for path in folder.iterdir():
            path.unlink()
    failed = nudge("--course", str(course_copy), "start", "--prepare-only")
    assert failed.returncode == 2 and "run `nudge release` first" in failed.stderr


def test_unknown_options_are_refused_outside_start():
    failed = nudge("release", "--frobnicate")
    assert failed.returncode == 2 and "unrecognized arguments: --frobnicate" in failed.stderr


def test_the_readme_shows_a_complete_exercise_declaration_as_it_is():
    declared = (ROOT / "source" / "01-slope" / "exercises.py").read_text(encoding="utf-8")
    assert f"```python\n{declared}```" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_command_run_with_its_output_captured_still_runs():
    # main() makes a terminal's output tolerant of characters it cannot show; a stream put in its place stays.
    import contextlib
    import io

    from course.learner import main

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        assert main(["--course", str(ROOT), "solution", "01-slope", "slope"]) == 0
    assert "def slope(x1, y1, x2, y2):" in captured.getvalue()


def test_an_instructor_command_exits_with_its_code_after_every_exit_handler(tmp_path):
    # `python -m autograder` leaves Python's own teardown to the operating system, not the exit handlers.
    marker = tmp_path / "handled"
    script = ("import atexit, pathlib, runpy, sys\n"
              f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('ran'))\n"
              f"sys.argv = ['autograder', '--course', {str(tmp_path / 'no-course')!r}, 'grade']\n"
              "runpy.run_module('autograder', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "no-course" in done.stderr, done.stderr
    assert marker.read_text() == "ran"


@pytest.mark.parametrize("entry", ["course.learner", "autograder.cli"])
def test_a_command_builds_no_parser_for_formats_no_notebook_uses(entry):
    """nbformat validates with jsonschema, which imports rfc3987_syntax when it is installed (it is, for JupyterLab),
    and that compiles a grammar at import: 1.5 s before every `nudge` command, and every grading process."""
    probe = ("import importlib, sys; importlib.import_module(sys.argv[1]); import nbformat; "
             "nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])); "
             "print(sys.modules.get('rfc3987_syntax'))")  # validating still works, without it
    found = subprocess.run([sys.executable, "-c", probe, entry], capture_output=True, text=True, cwd=ROOT)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "None"
