"""What one update of module 1's secant widget costs: moving its artists in place versus drawing afresh.

For f(x) = x**2 on x_range (0, 4), with x1 = 1.0 and x2 swept from 3.0 towards x1 in `--updates` steps, it times
  in place: `move_secant` on the existing artists, then `refresh()` of the same `FigureImage` (a PNG render);
  fresh:    a new figure from `secant_figure`, exactly as `secant_widget` draws its own, rendered to PNG and
            dropped (it lives outside pyplot: nothing to close);
  slider:   a real `secant_widget`, setting its second slider's value, so the widget's own observer redraws.
Each variant is warmed up with one full sweep first; prints the median ms per update and the ratio fresh / in place.

Run from anywhere:  .venv/bin/python benchmarks/widgets.py [--updates 50]
"""

import argparse
import io
import statistics
import time

import ipywidgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from course.plots import move_secant, secant_figure
from course.widgets import FigureImage, secant_widget

X1, X2, X_RANGE, NAME = 1.0, 3.0, (0.0, 4.0), "f(x) = x²"


def f(x):
    return x**2


def median_ms(update, sweep):
    """Warm up with one sweep, then time each update of a second sweep; returns the median in milliseconds."""
    for x2 in sweep:
        update(x2)
    times = []
    for x2 in sweep:
        start = time.perf_counter()
        update(x2)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=50, help="updates per sweep (default 50)")
    args = parser.parse_args()
    # Strictly between x1 and the slider's start, so every value set on the slider is a change its observer sees.
    sweep = np.linspace(X2, X1, args.updates + 2)[1:-1]

    figure, artists = secant_figure(f, X1, X2, X_RANGE, NAME)
    image = FigureImage(figure)

    def in_place(x2):
        move_secant(artists, f, X1, x2)
        image.refresh()

    def fresh(x2):
        figure, _ = secant_figure(f, X1, x2, X_RANGE, NAME)
        FigureCanvasAgg(figure).print_png(io.BytesIO())

    box = secant_widget(f, x1=X1, x2=X2, x_range=X_RANGE, name=NAME)
    second = [child for child in box.children if isinstance(child, ipywidgets.FloatSlider)][1]

    def slider(x2):
        second.value = x2

    ms = {"in place": median_ms(in_place, sweep), "fresh": median_ms(fresh, sweep), "slider": median_ms(slider, sweep)}
    print(f"secant widget, {args.updates} updates, median ms per update")
    for name, value in ms.items():
        print(f"  {name:<9} {value:8.2f} ms")
    print(f"  fresh / in place: {ms['fresh'] / ms['in place']:.2f}x")


if __name__ == "__main__":
    main()
