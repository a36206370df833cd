"""Loaded into every kernel the tests start: reports each plot drawn without a title or axis labels.

Every PNG the course shows, inline plots and widget figures alike, is drawn by Agg's `print_png`, so
wrapping it sees them all. A finding is printed to stderr, where tests look for PLOT_UNLABELLED.
"""

import functools
import sys

from matplotlib.backends.backend_agg import FigureCanvasAgg

PLOT_UNLABELLED = "unlabelled plot"
_print_png = FigureCanvasAgg.print_png


def missing_labels(figure):
    """What each visible axes lacks: a title (its own or the figure's), and labels on axes it draws."""
    missing = []
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        lacks = [] if ax.get_title() or figure.get_suptitle() else ["a title"]
        if ax.axison:
            lacks += [f"a {axis} label" for axis in ("x", "y") if not getattr(ax, f"get_{axis}label")()]
        if lacks:
            missing.append(f"{ax.get_title() or figure.get_suptitle() or 'untitled axes'}: {' and '.join(lacks)}")
    return missing


@functools.wraps(_print_png)  # matplotlib passes only the options that print_png's signature names
def audited_print_png(canvas, *args, **kwargs):
    picture = _print_png(canvas, *args, **kwargs)
    # Checked after a finished render only: matplotlib also starts renders it abandons, to measure text.
    for finding in missing_labels(canvas.figure):
        print(f"{PLOT_UNLABELLED}: {finding}", file=sys.stderr)
    return picture


FigureCanvasAgg.print_png = audited_print_png
