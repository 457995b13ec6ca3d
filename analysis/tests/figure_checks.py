"""Layout checks of matplotlib figures, read from the drawn artists (not from pixels):
every piece of text lies inside the figure, and no two tick labels of an axis overlap."""
from __future__ import annotations

import math

from matplotlib.backends.backend_agg import FigureCanvasAgg

TOLERANCE = 1.0  # pixels


def _inside(box, outer) -> bool:
    return (box.x0 >= outer.x0 - TOLERANCE and box.y0 >= outer.y0 - TOLERANCE
            and box.x1 <= outer.x1 + TOLERANCE and box.y1 <= outer.y1 + TOLERANCE)


def _drawn_ticklabels(axis):
    low, high = sorted(axis.get_view_interval())
    span = (high - low) or 1.0
    labels = []
    for tick in axis.get_major_ticks():
        loc = tick.get_loc()
        if loc is None or not (low - 1e-9 * span <= loc <= high + 1e-9 * span):
            continue
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text():
                labels.append(label)
    return labels


def _rotated_rect(text, renderer):
    """(centre x, centre y, width, height, angle in radians) of a text's rotated rectangle: the
    centre of its axis-aligned extent is the centre of the rotated rectangle; width and height
    are measured with the rotation set to 0."""
    box = text.get_window_extent(renderer)
    angle = text.get_rotation()
    text.set_rotation(0)
    flat = text.get_window_extent(renderer)
    text.set_rotation(angle)
    return ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, flat.width, flat.height,
            math.radians(angle))


def _rects_overlap(a, b) -> bool:
    """Separating-axis test of two rotated rectangles, with TOLERANCE pixels of slack."""
    def corners(r):
        cx, cy, w, h, t = r
        u, v = (math.cos(t), math.sin(t)), (-math.sin(t), math.cos(t))
        return [(cx + sx * w / 2 * u[0] + sy * h / 2 * v[0], cy + sx * w / 2 * u[1] + sy * h / 2 * v[1])
                for sx in (-1, 1) for sy in (-1, 1)]
    ca, cb = corners(a), corners(b)
    for rect in (a, b):
        t = rect[4]
        for axis in ((math.cos(t), math.sin(t)), (-math.sin(t), math.cos(t))):
            pa = [x * axis[0] + y * axis[1] for x, y in ca]
            pb = [x * axis[0] + y * axis[1] for x, y in cb]
            if max(pa) <= min(pb) + TOLERANCE or max(pb) <= min(pa) + TOLERANCE:
                return False
    return True


def layout_problems(fig, name: str = "figure") -> list[str]:
    """Every text that leaves the figure and every pair of overlapping tick labels."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    outer = fig.bbox
    problems = []
    for k, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        texts += [t for t in ax.texts]
        texts += _drawn_ticklabels(ax.xaxis) + _drawn_ticklabels(ax.yaxis)
        if ax.get_legend() is not None:
            texts += list(ax.get_legend().get_texts())
        for text in texts:
            if not text.get_visible() or not text.get_text():
                continue
            box = text.get_window_extent(renderer)
            if not _inside(box, outer):
                problems.append(f"{name}: panel {k + 1}: text {text.get_text()!r} leaves the figure "
                                f"({box.x0:.0f}..{box.x1:.0f} x {box.y0:.0f}..{box.y1:.0f} of "
                                f"{outer.x1:.0f} x {outer.y1:.0f} px)")
        for axis in (ax.xaxis, ax.yaxis):
            labels = _drawn_ticklabels(axis)
            rects = [_rotated_rect(t, renderer) for t in labels]
            for i in range(len(rects)):
                for j in range(i + 1, len(rects)):
                    if _rects_overlap(rects[i], rects[j]):
                        problems.append(f"{name}: panel {k + 1}: tick labels "
                                        f"{labels[i].get_text()!r} and {labels[j].get_text()!r} "
                                        "overlap")
    for legend in fig.legends:
        box = legend.get_window_extent(renderer)
        if not _inside(box, outer):
            problems.append(f"{name}: the legend leaves the figure")
        for text in legend.get_texts():
            if not _inside(text.get_window_extent(renderer), outer):
                problems.append(f"{name}: legend entry {text.get_text()!r} leaves the figure")
    for text in fig.texts:
        if text.get_visible() and text.get_text() and not _inside(text.get_window_extent(renderer), outer):
            problems.append(f"{name}: text {text.get_text()!r} leaves the figure")
    return problems


def legend_overlaps_axes(fig) -> list[str]:
    """Figure legends that overlap a panel."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for legend in fig.legends:
        box = legend.get_window_extent(renderer)
        for k, ax in enumerate(fig.axes):
            if ax.get_visible() and box.overlaps(ax.get_window_extent(renderer)):
                out.append(f"the legend overlaps panel {k + 1}")
    return out
