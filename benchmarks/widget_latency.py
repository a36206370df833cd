"""Click to pixels: how long a learner waits for a widget's new picture in Chromium, old rendering against new.

Two JupyterLabs serve copies of the course, as `nudge start` does (tests/browser.py): one with NUDGE_REDRAW=full,
where each update renders the whole figure with matplotlib's print_png (the widgets before issue 12), and one
as shipped, where `FigureImage` repaints only the moving artists over a kept background. For each widget below,
module by module, the notebook is opened in both and run (going on past the unanswered exercises; module 08's,
whose widget draws the learner's own Value, with them answered), and Playwright moves the widget as a learner does:
it drags a slider's handle and lets go (sliders report on release), or clicks a button. The page itself times each
action: from the pointer's release (`pointerup`, captured on the window) to the first animation frame after the
widget's <img> has a new src and has decoded it (a MutationObserver, image decode, requestAnimationFrame), by
performance.now(). Each action runs `--repeat` times after `--warmup` unmeasured ones, with the kernel idle before
each. Prints the median and max in ms per widget and action, beside each other;
the last widget, the floor, only swaps two ready-made pictures: what any widget drawn by the kernel must take.

Run from anywhere:  .venv/bin/python benchmarks/widget_latency.py [--repeat 15] [--only secant,fit] [--notebook7]
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # one place starts JupyterLab and drives it: tests/browser.py

from browser import CHROMIUM_ARGUMENTS, RUN_ALL_PAST_ERRORS, Lab, cell, chromium_path, drag, open_notebook, widget_cell  # noqa: E402
from conftest import copy_course  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from submissions import solution_sources, submission  # noqa: E402

# (module, widget, actions): ("drag", a slider's description) or ("click", a button's text), done in turn.
WIDGETS = [
    ("01-slope", "secant", [("drag", "second point x₂"), ("drag", "first point x₁")]),
    ("02-derivative", "limit", [("drag", "step h")]),
    ("03-partial-derivatives", "partial", [("drag", "x"), ("drag", "y (held constant along the slice)")]),
    ("04-chain-rule", "graph", [("click", "b + 0.001"), ("drag", "b")]),
    ("05-linear-regression", "fit", [("drag", "slope m"), ("drag", "intercept b")]),
    ("05-linear-regression", "descent", [("click", "1 step"), ("click", "start again")]),
    ("06-logistic-regression", "boundary", [("drag", "weight w₁"), ("drag", "weight w₂"), ("drag", "bias b")]),
    ("07-backprop", "network", [("click", "+ 0.001"), ("drag", "its value")]),
    ("08-autograd", "autograd", [("click", "+ 0.001"), ("drag", "its value")]),  # drawn with the learner's Value
    # The floor: a slider that only swaps two ready-made pictures the size of a course figure. What it takes is the
    # round trip itself (browser, JupyterLab's server, the kernel's messages, decoding), which no drawing can save.
    ("floor", "floor", [("drag", "floor")]),
]
FLOOR = '''import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def floor_widget():
    pictures = []
    for colour in ("C0", "C1"):
        figure = Figure(figsize=(6, 4), dpi=100)
        figure.add_subplot().plot([0, 1], [0, 1], color=colour)
        buffer = io.BytesIO()
        FigureCanvasAgg(figure).print_png(buffer)
        pictures.append(buffer.getvalue())
    image = widgets.Image(value=pictures[0], format="png")
    slider = widgets.FloatSlider(0.0, min=-1.0, max=1.0, step=0.01, description="floor", continuous_update=False)
    readout = widgets.HTML("0 swaps")
    swaps = [0]

    def swap(_change):
        swaps[0] += 1
        image.value = pictures[swaps[0] % 2]
        readout.value = f"{swaps[0]} swaps"

    slider.observe(swap, names="value")
    return widgets.VBox([slider, readout, image])


floor_widget()
'''


ANSWERED = {"08-autograd"}  # its widget draws the learner's own Value: timed as a learner who has written it sees it


def write_answers(workspace, module):
    """The module's notebook in the learner's working folder, with the reference answers in its exercise cells."""
    nbformat.write(submission(module, solution_sources(module)), workspace / module / f"{module}.ipynb")


def write_floor_notebook(workspace):
    """The floor's notebook, in the learner's working folder (one code cell: `floor_widget()` is called in it)."""
    (workspace / "floor").mkdir(exist_ok=True)
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR)], metadata=kernel),
                   workspace / "floor" / "floor.ipynb")
MODES = {"before": {"NUDGE_REDRAW": "full"}, "after": {}}
DRAG_PIXELS = 40  # one way, then back: each drag moves the value, and the slider stays in its range

# Resolves window.nudgeLatency to the ms from the next pointer release to the first frame after `image` shows a new
# picture (null if none comes within 10 s).
PROBE = """(image) => {
    window.nudgeLatency = new Promise(resolve => {
        let released = null;
        window.addEventListener('pointerup', () => { released = performance.now(); }, {capture: true, once: true});
        const observer = new MutationObserver(async () => {
            if (released === null) return;  // a picture from before the release
            observer.disconnect();
            try { await image.decode(); } catch (error) { /* a picture replaced before it decoded */ }
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - released)));
        });
        observer.observe(image, {attributes: true, attributeFilter: ['src']});
        setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
    });
}"""
KERNEL_IDLE = "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'"
SHUT_DOWN = "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"


def control(output, kind, label):
    """The handle of the slider described `label`, or the button that says `label`, in a widget's output."""
    exactly = re.compile(rf"^\s*{re.escape(label)}\s*$")
    if kind == "drag":
        return output.locator(".widget-slider").filter(has=output.page.locator(".widget-label", has_text=exactly)) \
            .locator(".noUi-handle")
    return output.locator("button.widget-button").filter(has_text=exactly)


def measure(page, lab, module, widget, actions, repeat, warmup, front_end):
    """{action: [ms, ...]} for one widget in one JupyterLab."""
    path = f"{module}/{module}.ipynb"
    panel = open_notebook(page, lab, path, front_end)
    page.evaluate(RUN_ALL_PAST_ERRORS)
    output = cell(page, panel, widget_cell(lab.workspace / path, widget)).locator(".jp-OutputArea")
    image = output.locator("img.widget-image").first
    image.scroll_into_view_if_needed()
    times = {f"{kind} {label}": [] for kind, label in actions}
    for round_ in range(warmup + repeat):
        direction = 1 if round_ % 2 == 0 else -1
        for kind, label in actions:
            page.wait_for_function(KERNEL_IDLE)
            page.wait_for_timeout(100)  # a learner's actions are spaced; each starts from a quiet kernel
            image.evaluate(PROBE)
            target = control(output, kind, label)
            if kind == "drag":
                drag(page, target, direction * DRAG_PIXELS)
            else:
                target.click()
            ms = page.evaluate("() => window.nudgeLatency")
            if ms is None:
                raise RuntimeError(f"{widget}: {kind} {label!r} showed no new picture within 10 s")
            if round_ >= warmup:
                times[f"{kind} {label}"].append(ms)
    page.evaluate(SHUT_DOWN)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="measured actions of each kind (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured actions first (default 2)")
    parser.add_argument("--only", help="comma-separated widget names (default: all)")
    parser.add_argument("--notebook7", action="store_true", help="Notebook 7 instead of JupyterLab 4")
    args = parser.parse_args()
    chosen = [row for row in WIDGETS if not args.only or row[1] in args.only.split(",")]
    front_end = "notebook7" if args.notebook7 else "jupyterlab"
    load = os.getloadavg()[0]
    results = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nudge-latency-") as scratch, sync_playwright() as playwright:
        labs = {}
        try:
            for mode, environment in MODES.items():
                folder = Path(scratch) / mode
                labs[mode] = Lab(copy_course(folder), folder, environment)
                write_floor_notebook(labs[mode].workspace)
                for module in ANSWERED & {row[0] for row in chosen}:
                    write_answers(labs[mode].workspace, module)
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGUMENTS)
            for module, widget, actions in chosen:
                for mode, lab in labs.items():
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.set_default_timeout(120_000)
                    for action, ms in measure(page, lab, module, widget, actions, args.repeat, args.warmup,
                                              front_end).items():
                        results[widget, action, mode] = ms
                    page.close()
                    print(f"  measured {widget} ({mode})", file=sys.stderr)
            browser.close()
        finally:
            for lab in labs.values():
                lab.stop()

    print(f"Click (or release) to new pixels in Chromium, {front_end}, {os.cpu_count()} cores, "
          f"{args.repeat} of each action; load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
          f"{time.monotonic() - started:.0f} s")
    print(f"{'widget':<10} {'action':<42} {'before: median / max ms':>24} {'after: median / max ms':>24}")
    for _module, widget, actions in chosen:
        for kind, label in actions:
            row = [summary(results[widget, f"{kind} {label}", mode]) for mode in MODES]
            print(f"{widget:<10} {kind + ' ' + label:<42} {row[0]:>24} {row[1]:>24}")
    every = [summary([ms for (widget, _, each), values in results.items() if each == mode and widget != "floor"
                      for ms in values]) for mode in MODES]
    print(f"{'all':<10} {'(every widget above but the floor)':<42} {every[0]:>24} {every[1]:>24}")


def summary(values):
    return f"{statistics.median(values):6.0f} / {max(values):4.0f}"


if __name__ == "__main__":
    main()
