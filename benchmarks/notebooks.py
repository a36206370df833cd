"""How long each course notebook takes to run headless, as a learner's "Run All" or nbgrader's autograde would.

Every notebook under source/*/ (with solutions) and release/*/ (student versions) is executed with nbclient on the
python3 kernel, from its own folder, `--repeat` times; each run includes starting and stopping the kernel. Errors do
not stop a run (unanswered exercises in release notebooks raise), they are counted. Prints median and min seconds
per notebook, its number of cells and of error outputs, and the totals.

Run from anywhere:  .venv/bin/python benchmarks/notebooks.py [--repeat 3]
"""

import argparse
import statistics
import subprocess
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("source", "release")


def run(path):
    """Execute one notebook from its folder; returns (seconds, number of cells, number of error outputs)."""
    notebook = nbformat.read(path, as_version=4)
    folder = {"metadata": {"path": str(path.parent)}}
    client = NotebookClient(notebook, kernel_name="python3", allow_errors=True, resources=folder)
    start = time.perf_counter()
    client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up warnings are noise here
    seconds = time.perf_counter() - start
    errors = sum(output.output_type == "error" for cell in notebook.cells for output in cell.get("outputs", []))
    return seconds, len(notebook.cells), errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook (default 3)")
    args = parser.parse_args()

    print(f"{'notebook':<28} {'step':<8} {'median s':>9} {'min s':>8} {'cells':>6} {'errors':>7}")
    total_median = total_min = 0.0
    for step in STEPS:
        for path in sorted(ROOT.glob(f"{step}/*/*.ipynb")):
            runs = [run(path) for _ in range(args.repeat)]
            times = [seconds for seconds, _, _ in runs]
            _, cells, errors = runs[-1]
            median, fastest = statistics.median(times), min(times)
            total_median += median
            total_min += fastest
            print(f"{path.stem:<28} {step:<8} {median:>9.2f} {fastest:>8.2f} {cells:>6} {errors:>7}")
    print(f"{'total':<28} {'':<8} {total_median:>9.2f} {total_min:>8.2f}")


if __name__ == "__main__":
    main()
