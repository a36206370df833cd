"""Shared fixtures: the course root, its assignments, and notebooks executed once per session."""

import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
PLOT_AUDIT = Path(__file__).with_name("plot_audit.py")
ASSIGNMENTS = sorted(path.name for path in (ROOT / "source").glob("[0-9][0-9]-*"))


def notebook(step, assignment):
    return ROOT / step / assignment / f"{assignment}.ipynb"


def execute(path, workdir=None):
    """Run a notebook headless top to bottom, keeping going after errors; returns the run notebook."""
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(workdir or path.parent)}}
    # Every kernel loads tests/plot_audit.py, which reports plots drawn without a title or axis labels.
    audit = f"--IPKernelApp.exec_lines=exec(open({str(PLOT_AUDIT)!r}).read())"
    # coalesce_streams: a line printed in pieces (str() of a SymPy result is slow the first time) stays one line.
    NotebookClient(nb, timeout=120, allow_errors=True, resources=resources, extra_arguments=[audit],
                   coalesce_streams=True).execute()
    return nb


def errors(nb):
    return [(cell.metadata.get("nbgrader", {}).get("grade_id"), output)
            for cell in nb.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if output.output_type == "error"]


def text_of(nb):
    """Everything a learner sees printed in a run notebook, as one string."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
            parts.append(output.get("data", {}).get("text/html", ""))
    # Widgets keep what they show in the saved widget state, not in the outputs.
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    parts += [str(model["state"].get("value", "")) for model in state.values() if model["model_name"] == "HTMLModel"]
    return "\n".join(parts)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (tests/browser.py), for the browser tests of one module."""
    from browser import CHROMIUM_ARGUMENTS, chromium_path
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGUMENTS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A page of its own for each browser test; a screenshot of it goes to test-artifacts/ when the test fails."""
    from browser import screenshot

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        screenshot(page, "FAILED-" + re.sub(r"[^\w.-]+", "_", request.node.name))
    page.close()


_executed = {}


@pytest.fixture(scope="session")
def executed():
    """executed(step, assignment): the notebook run once per test session."""
    def run(step, assignment):
        if (step, assignment) not in _executed:
            _executed[step, assignment] = execute(notebook(step, assignment))
        return _executed[step, assignment]
    return run


@pytest.fixture(scope="module")
def text(executed, request):
    """Everything the source notebook of the test module's ASSIGNMENT prints when run."""
    return text_of(executed("source", request.module.ASSIGNMENT))


# Every course copy grades with this secret, so that the in-process twin (tests/inprocess.py) draws the hidden
# points the sandboxed batch draws; a real course makes a random one on its first grading run.
TEST_SECRET = "5eed" * 16


def copy_course(folder):
    """A private copy of the course (source, release and configuration) at folder/course."""
    course = Path(folder) / "course"
    course.mkdir(parents=True)
    for name in ("source", "release"):
        shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "nbgrader_config.py", course)
    (course / ".nudge-secret").write_text(TEST_SECRET + "\n", encoding="ascii")
    return course


def find_widget(widget, kind, description=None):
    """Depth-first search of a widget tree for the first child of class `kind` (whose description has `description`)."""
    if isinstance(widget, kind) and (description is None or description in widget.description):
        return widget
    for child in getattr(widget, "children", ()):
        found = find_widget(child, kind, description)
        if found is not None:
            return found
    return None


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nudge(*arguments, cwd=ROOT, **options):
    """Run the `nudge` command as a user would; returns the finished process and its output."""
    return subprocess.run([sys.executable, "-m", "course", *arguments], cwd=cwd, capture_output=True, text=True,
                          **options)


@pytest.fixture
def course_copy(tmp_path):
    """A private copy of the course to run instructor commands in."""
    return copy_course(tmp_path)
