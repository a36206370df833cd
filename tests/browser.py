"""A learner's JupyterLab, started by `nudge start`, nbgrader's formgrader, and Debian's Chromium driven by Playwright.

Nothing here downloads a browser: Playwright launches the system's Chromium (`make test` installs
it with apt-get where it is missing). The JupyterLab application object is exposed to the page
(`expose_app_in_browser`) so the tests can run the same commands as the menus and read the
notebook model, while the widgets are moved with the mouse, as a learner moves them.
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
from conftest import ROOT, free_port

ARTIFACTS = Path(os.environ.get("NUDGE_ARTIFACTS", ROOT / "test-artifacts")) / "screenshots"

# Headless Chromium as root in a closed network: no sandbox, no GPU, and none of the background
# connections that this machine's firewall refuses.
CHROMIUM_ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path():
    """The system Chromium, or an error saying how to install it (a test never downloads one)."""
    found = os.environ.get("NUDGE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("the browser tests need Debian's Chromium: run `make test` as root (it installs it) "
                           "or `sudo apt-get install chromium`, or set NUDGE_CHROMIUM to a Chromium binary")
    return found


class Server:
    """A Jupyter server on 127.0.0.1 with a token of its own, started by `command`, its output in folder/`log_name`."""

    def __init__(self, command, folder, log_name, environment=None, cwd=None):
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.log = open(Path(folder) / log_name, "w+")  # the server writes here until stop() closes it
        command = [*command, "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                   f"--IdentityProvider.token={self.token}"]
        self.process = subprocess.Popen(command, env=environment, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self._wait_until_up(deadline=time.monotonic() + 90)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def _wait_until_up(self, deadline):
        while True:
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    said = self.output()  # before stop() closes the log
                    self.stop()
                    raise RuntimeError(f"{' '.join(self.process.args[:4])} did not start:\n{said}") from None
                time.sleep(0.5)

    def output(self):
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


class Lab(Server):
    """JupyterLab serving a learner's working folder, started by `nudge start` as `make start` does."""

    def __init__(self, course, folder, environment=None):
        """`environment`: variables to set for JupyterLab and so for its kernels, over this process's own."""
        self.workspace = Path(folder) / "work"
        settings = Path(folder) / "lab-settings"
        # Keep the learner's own JupyterLab settings out of it, and the news pop-up off the screenshots.
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        environment = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings),
                           JUPYTERLAB_WORKSPACES_DIR=str(Path(folder) / "lab-workspaces"), **(environment or {}))
        super().__init__([sys.executable, "-m", "course", "--course", str(course), "start", "--workspace",
                          str(self.workspace), "--LabApp.expose_app_in_browser=True",
                          "--JupyterNotebookApp.expose_app_in_browser=True"], folder, "jupyterlab.log", environment)


class Formgrader(Server):
    """nbgrader's formgrader, as the Jupyter server extension it is, serving a course folder as an instructor opens it
    there: nbgrader reads the course's nbgrader_config.py (which names the gradebook, when it is not gradebook.db).

    No other extension and no configuration of this machine's (JUPYTER_NO_CONFIG): it starts in seconds. This
    checkout's `autograder` comes first on the path, as the course's configuration names a class of it."""

    def __init__(self, course, folder):
        environment = dict(os.environ, JUPYTER_NO_CONFIG="1", PYTHONPATH=str(ROOT))
        command = [sys.executable, "-m", "jupyter_server", f"--ServerApp.root_dir={course}",
                   "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=True"]
        if os.geteuid() == 0:
            command.append("--allow-root")  # containers and CI often run as root
        super().__init__(command, folder, "formgrader.log", environment, cwd=course)


# Waits for the notebook, its kernel and the widget manager, in JupyterLab and Notebook 7 alike.
NOTEBOOK_READY = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return Boolean(panel && panel.sessionContext && panel.sessionContext.session
                   && panel.sessionContext.session.kernel && panel.content && panel.content.widgets.length);
}"""

# "Run All Cells" stops at the first error, and every unanswered exercise raises one; so run on
# ("Run Selected Cell and All Below") from the first code cell that has not run, until all have. The
# kernel also drops requests that arrive just after an error, hence the pause and the retries.
RUN_ALL_PAST_ERRORS = """async () => {
    const app = window.jupyterapp, panel = app.shell.currentWidget, notebook = panel.content;
    await panel.context.ready;
    await panel.sessionContext.ready;
    const notRun = () => notebook.widgets.findIndex(cell => cell.model.type === 'code' && !cell.model.executionCount);
    for (let attempt = 0; attempt < 3 * notebook.widgets.length && notRun() >= 0; attempt++) {
        notebook.activeCellIndex = notRun();
        await app.commands.execute('notebook:run-all-below');
        await new Promise(resolve => setTimeout(resolve, 100));
    }
}"""

# What each code cell shows after the run: its execution count and its error outputs.
CODE_CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .map((cell, index) => ({index, type: cell.model.type, count: cell.model.executionCount,
        errors: cell.model.type !== 'code' ? [] : cell.model.outputs.toJSON()
            .filter(output => output.output_type === 'error').map(output => [output.ename, output.evalue])}))
    .filter(cell => cell.type === 'code')"""

SCROLL_TO_CELL = """async (index) => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    notebook.activeCellIndex = index;
    await notebook.scrollToItem(index, 'start');
}"""

# WCAG contrast of every piece of text the course writes (markdown, hints, widget labels and readouts,
# printed output) against the background it is drawn on: {checked: how many, low: those below `minimum`}.
LOW_CONTRAST = """(minimum) => {
    const rgba = text => { const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number); return {r, g, b, a}; };
    const luminance = ({r, g, b}) => [r, g, b].map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const backgroundOf = element => {
        for (let e = element; e; e = e.parentElement) {
            const colour = rgba(getComputedStyle(e).backgroundColor);
            if (colour.a > 0.5) return colour;
        }
        return rgba(getComputedStyle(document.body).backgroundColor);
    };
    const selectors = ['.jp-RenderedMarkdown :is(p, li, td, th, h1, h2, h3, summary, a, strong, em)',
        '.widget-label', '.widget-readout', '.widget-html-content', '.widget-button',
        '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stdout"] pre'];
    const low = [];
    let checked = 0;
    for (const element of document.querySelectorAll(selectors.join(', '))) {
        const text = element.textContent.trim();
        if (!text) continue;
        checked += 1;
        const [a, b] = [luminance(rgba(getComputedStyle(element).color)), luminance(backgroundOf(element))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < minimum) low.push(`${ratio.toFixed(2)}: ${text.slice(0, 60)}`);
    }
    return {checked, low};
}"""

# Every image in the outputs: loaded, and opaque (a plot with a transparent background turns its
# black labels invisible on a dark theme).
IMAGE_PROBLEMS = """async () => {
    const problems = [];
    for (const image of document.querySelectorAll('.jp-OutputArea-output img')) {
        // A widget's picture may be replaced while it decodes (its old blob revoked): decode the newer one then.
        let loaded = false;
        for (let attempt = 0; attempt < 5 && !loaded; attempt++) {
            const source = image.src;
            try {
                await image.decode();
                loaded = true;
            } catch (error) {
                if (image.src === source) break;
            }
        }
        if (!loaded) {
            problems.push(`not loaded: ${image.src.slice(0, 40)}`);
            continue;
        }
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        const corner = context.getImageData(2, 2, 1, 1).data;
        if (corner[3] < 255) problems.push(`transparent background: ${image.src.slice(0, 40)}`);
    }
    return problems;
}"""


def set_theme(page, theme):
    """Switch JupyterLab's theme (`JupyterLab Light` or `JupyterLab Dark`) and wait until it applies."""
    page.evaluate("theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    page.wait_for_function("theme => document.body.dataset.jpThemeName === theme", arg=theme, timeout=30_000)
    page.wait_for_timeout(500)  # the theme's stylesheet applies just after the attribute changes


def screenshot(target, name):
    """Save a screenshot of a page or element under test-artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(ARTIFACTS / f"{name}.png"))


FRONT_ENDS = {"jupyterlab": "lab/tree", "notebook7": "notebooks"}


def open_notebook(page, lab, path, front_end="jupyterlab"):
    """Open a notebook of the learner's working folder; returns its panel."""
    page.goto(lab.url(f"{FRONT_ENDS[front_end]}/{path}") + "&reset")  # reset: no tabs left from an earlier test
    page.wait_for_function(NOTEBOOK_READY)
    return page.locator("#" + page.evaluate("() => window.jupyterapp.shell.currentWidget.id"))


def cell(page, panel, index):
    """The notebook cell at `index`, scrolled into view."""
    page.evaluate(SCROLL_TO_CELL, index)
    return panel.locator(f'.jp-Cell[data-windowed-list-index="{index}"]')


def widget_cell(path, name=r"\w+"):
    """The index of the first code cell of the notebook at `path` that calls `<name>_widget(` (not in an import)."""
    cells = nbformat.read(path, as_version=4).cells
    return next(index for index, each in enumerate(cells) if each.cell_type == "code"
                and re.search(rf"^(?!from|import)\s*.*\b{name}_widget\(", each.source, re.MULTILINE))


def widget_cells(path):
    """The indices of every code cell of the notebook at `path` that calls a `*_widget(`, in order."""
    cells = nbformat.read(path, as_version=4).cells
    return [index for index, each in enumerate(cells) if each.cell_type == "code"
            and re.search(r"^(?!from|import)\s*.*\b\w+_widget\(", each.source, re.MULTILINE)]


def self_check_cell(path):
    """The index of the code cell of the notebook at `path` that shows its self-check."""
    cells = nbformat.read(path, as_version=4).cells
    return next(index for index, each in enumerate(cells) if each.cell_type == "code"
                and each.source.startswith("self_check("))


def drag(page, handle, pixels):
    """Drag a slider's handle sideways by `pixels` and let go, as a learner does."""
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels, y, steps=5)
    page.mouse.up()
