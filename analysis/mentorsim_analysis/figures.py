"""Figures for papers: each function takes tables from `stats` and returns a matplotlib Figure.

No pyplot: figures are `matplotlib.figure.Figure` objects, so nothing depends on a display or on
global figure state. `save_figure` writes PNG (300 dpi) and vector PDF with TrueType fonts, and
`save_panels` every panel of a figure on its own.

Every figure is drawn at its final printed width, a journal column (`Style`: single 85 mm,
double 175 mm), with fonts of 6.5 to 8.5 pt at that size, so nothing needs reducing. Arms keep
their colour (palette.arm_colors) in every figure; shares are shown in %; every y axis either
includes zero or says that it does not; every summary figure shows the replicates as points.
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, ScalarFormatter
from matplotlib.transforms import Bbox

from . import palette
from .metrics import (MetricInfo, difference_label, display_name, display_scale, outcome_info,
                      timeseries_info)

MM = 1 / 25.4


@dataclass(frozen=True)
class Style:
    """A journal preset: the figure width and the font sizes at that printed width."""
    name: str
    width: float          # inches
    font: float           # labels and legend, pt
    tick: float           # tick labels, pt
    title: float          # panel titles, pt
    min_panel: float      # narrowest panel, inches

    def rc(self) -> dict:
        return {"font.size": self.font, "axes.titlesize": self.title,
                "axes.labelsize": self.font, "xtick.labelsize": self.tick,
                "ytick.labelsize": self.tick, "legend.fontsize": self.font,
                "axes.spines.top": False, "axes.spines.right": False, "pdf.fonttype": 42,
                "ps.fonttype": 42, "savefig.dpi": 300, "axes.titlepad": 4,
                "axes.unicode_minus": True, "axes.formatter.useoffset": False}


STYLES = {"double": Style("double", 175 * MM, 8.0, 7.0, 8.5, 2.1),
          "single": Style("single", 85 * MM, 7.0, 6.5, 7.5, 1.55)}
DEFAULT_STYLE = STYLES["double"]
NOT_ZERO_NOTE = "axis does not start at 0"


def _chars(width_in: float, size: float) -> int:
    """Characters of text at `size` pt that fit in `width_in` inches (mean glyph ~0.55 em)."""
    return max(8, int(width_in * 72 / (size * 0.56)))


def wrap(text: str, width_in: float, size: float) -> str:
    """Wrap `text` to lines that fit `width_in` inches at `size` pt."""
    return "\n".join(textwrap.fill(part, _chars(width_in, size), break_long_words=False)
                     for part in str(text).split("\n"))


def _grid(style: Style, n_panels: int, max_cols: int | None = None) -> int:
    cols = max(1, int(style.width // style.min_panel))
    if max_cols:
        cols = min(cols, max_cols)
    return max(1, min(cols, n_panels))


def _figure(n_panels: int, style: Style, panel_height: float, ncols: int | None = None,
            sharey: bool = False, width: float | None = None) -> tuple[Figure, list]:
    ncols = ncols or _grid(style, n_panels)
    ncols = max(1, min(ncols, n_panels))
    nrows = max(1, math.ceil(n_panels / ncols))
    with matplotlib.rc_context(style.rc()):
        fig = Figure(figsize=(width or style.width, panel_height * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, sharey=sharey).ravel().tolist()
    for ax in axes[n_panels:]:
        ax.remove()
    fig.mentorsim_style = style
    return fig, axes[:n_panels]


def panel_width(fig: Figure, ncols: int) -> float:
    return fig.get_size_inches()[0] / max(1, ncols) - 0.75


def _legend_above(fig: Figure, handles, labels, style: Style) -> None:
    """A figure legend in a strip added above the panels, with as many columns as fit the
    figure's width (constrained layout keeps the panels out of the strip)."""
    if not labels:
        return
    width, height = fig.get_size_inches()
    longest = max(len(str(label)) for label in labels)
    entry = longest * style.font * 0.56 / 72 + 0.45
    ncol = max(1, min(len(labels), int((width - 0.2) // entry)))
    rows = math.ceil(len(labels) / ncol)
    strip = 0.08 + rows * style.font * 1.55 / 72
    fig.set_size_inches(width, height + strip)
    fig.get_layout_engine().set(rect=(0, 0, 1, 1 - strip / (height + strip)))
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 1.0), frameon=False,
               ncol=ncol, handlelength=1.6, columnspacing=1.0)


def unit_label(info: MetricInfo) -> str:
    """The y-axis label of a panel titled with the metric's name: the unit, spelled out."""
    if info.unit == "%":
        return "Share (%)"
    if info.unit == "0–1":
        return "Score (0–1)"
    return info.unit[:1].upper() + info.unit[1:] if info.unit else "Value"


def nbins_for(width_in: float) -> int:
    """Ticks that fit a panel `width_in` inches wide with labels like '−0.0005'."""
    return max(3, min(5, int(width_in / 0.5)))


def change_label(info: MetricInfo) -> str:
    """The y-axis label of a panel showing change since week 0."""
    unit = "0–1 scale" if info.unit == "0–1" else info.unit
    return f"Change, {unit}" if unit else "Change"


def _ticks(axis, nbins: int = 4) -> None:
    """At most `nbins` ticks, plain decimals (no offset, no scientific notation)."""
    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    formatter = ScalarFormatter(useOffset=False, useMathText=False)
    formatter.set_scientific(False)
    axis.set_major_formatter(formatter)


def honest_y(ax, include_zero: bool = True) -> None:
    """Make the y axis include zero, or say in the panel that it does not."""
    low, high = ax.get_ylim()
    if include_zero:
        ax.set_ylim(min(low, 0.0), max(high, 0.0))
    elif low > 0 or high < 0:
        ax.text(0.01, 0.01, NOT_ZERO_NOTE, transform=ax.transAxes, fontsize=5.5,
                style="italic", color="#555555", ha="left", va="bottom")


def _points(ax, x: float, values, color: str, horizontal: bool = False, spread: float = 0.12,
            seed: int = 0) -> None:
    """Replicate values as small hollow points, jittered across the slot (seeded)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return
    jitter = np.random.default_rng(seed).uniform(-spread, spread, len(values))
    xs, ys = (values, x + jitter) if horizontal else (x + jitter, values)
    ax.scatter(xs, ys, s=7, facecolors="none", edgecolors=color, linewidths=0.5, alpha=0.7,
               zorder=2)


def _row_height(names: Sequence[str], style: Style) -> float:
    """Inches per row of a forest-like panel whose rows are labelled with `names`."""
    lines = max((str(n).count("\n") + 1 for n in names), default=1)
    return max(0.27, lines * style.tick * 1.35 / 72 + 0.08)


def _arm_ticklabels(ax, names: Sequence[str], width: float, style: Style) -> None:
    """Arm names as x tick labels: horizontal if they fit side by side, else slanted."""
    needed = sum(len(n) for n in names) * style.tick * 0.6 / 72 + 0.15 * len(names)
    if needed <= width * 0.85:
        ax.set_xticklabels(names)
    else:
        ax.set_xticklabels(names, rotation=30, ha="right", rotation_mode="anchor")


def save_figure(fig: Figure, directory: str | Path, name: str, dpi: int = 300) -> list[Path]:
    """Write `name`.png (at `dpi`) and `name`.pdf into `directory`; return both paths.
    Metadata that would change between runs (software version, dates) is left out."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    png, pdf = directory / f"{name}.png", directory / f"{name}.pdf"
    style = getattr(fig, "mentorsim_style", DEFAULT_STYLE)
    with matplotlib.rc_context(style.rc()):
        fig.savefig(png, dpi=dpi, metadata={"Software": None})
        fig.savefig(pdf, metadata={"Creator": None, "Producer": None, "CreationDate": None})
    return [png, pdf]


def content_axes(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def save_panels(fig: Figure, directory: str | Path, name: str, dpi: int = 300) -> list[Path]:
    """Every panel of a multi-panel figure on its own (`name`_1.png/.pdf, ...): the region of
    the figure holding the panel, its title and axis labels (the shared legend is not part of
    it). Nothing is written for a one-panel figure."""
    axes = content_axes(fig)
    if len(axes) < 2:
        return []
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    style = getattr(fig, "mentorsim_style", DEFAULT_STYLE)
    paths = []
    with matplotlib.rc_context(style.rc()):
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        inches = fig.dpi_scale_trans.inverted()
        width, height = fig.get_size_inches()
        for k, ax in enumerate(axes, start=1):
            box = ax.get_tightbbox(renderer).transformed(inches)
            box = Bbox.from_extents(max(0, box.x0 - 0.04), max(0, box.y0 - 0.04),
                                    min(width, box.x1 + 0.04), min(height, box.y1 + 0.04))
            for suffix, kwargs in ((".png", {"dpi": dpi, "metadata": {"Software": None}}),
                                   (".pdf", {"metadata": {"Creator": None, "Producer": None,
                                                          "CreationDate": None}})):
                path = directory / f"{name}_{k}{suffix}"
                fig.savefig(path, bbox_inches=box, **kwargs)
                paths.append(path)
    return paths


# -- time series --------------------------------------------------------------------------------
def plot_timeseries(bands: pd.DataFrame, metrics: Sequence[str] | None = None,
                    colors: dict[str, str] | None = None,
                    linestyles: dict[str, str] | None = None, style: Style = DEFAULT_STYLE,
                    periods: Sequence[tuple[float, float]] = ()) -> Figure:
    """One panel per metric: pooled mean per label (arm) over weeks as a step line (the value
    observed at a week holds until the next observation) with its band. Means are shown as
    change since week 0 (`bands.change`), shares and counts as levels from zero. `periods`
    (start, end) weeks are shaded as the program period.

    `bands` is `stats.timeseries_bands` output (label, step, metric, mean, low, high, n, change)."""
    metrics = list(metrics) if metrics is not None else list(dict.fromkeys(bands["metric"]))
    labels = list(dict.fromkeys(bands["label"]))
    colors = colors or palette.arm_colors(labels)
    linestyles = linestyles or palette.arm_linestyles(labels)
    fig, axes = _figure(len(metrics), style, panel_height=1.75)
    ncols = _grid(style, len(metrics))
    with matplotlib.rc_context(style.rc()):
        for ax, metric in zip(axes, metrics):
            info = timeseries_info(metric)
            scale = display_scale(info)
            rows_metric = bands[bands["metric"] == metric]
            change = bool(rows_metric["change"].any()) if "change" in rows_metric else False
            for start, end in periods:
                ax.axvspan(start, end, color=palette.PROGRAM_PERIOD, linewidth=0, zorder=0)
            for label in labels:
                rows = rows_metric[rows_metric["label"] == label].sort_values("step")
                ax.step(rows["step"], rows["mean"] * scale, where="post", color=colors[label],
                        linestyle=linestyles.get(label, "-"), linewidth=1.1, label=label)
                if np.isfinite(rows["low"]).any():
                    ax.fill_between(rows["step"], rows["low"] * scale, rows["high"] * scale,
                                    step="post", color=colors[label], alpha=0.18, linewidth=0)
            title = f"{info.label}: change since week 0" if change else info.label
            width = panel_width(fig, ncols)
            ax.set_title(wrap(title, width, style.title))
            ax.set_xlabel("Week")
            ylabel = change_label(info) if change else unit_label(info)
            ax.set_ylabel(wrap(ylabel, 1.5, style.font))
            _ticks(ax.yaxis)
            _ticks(ax.xaxis, 5)
            if change:
                ax.axhline(0, color="black", linewidth=0.5)
            honest_y(ax, include_zero=True)
        handles = [Line2D([], [], color=colors[l], linestyle=linestyles.get(l, "-")) for l in labels]
        names = list(labels)
        if periods:
            handles.append(Patch(facecolor=palette.PROGRAM_PERIOD))
            names.append("program period")
        _legend_above(fig, handles, names, style)
    return fig


# -- skill gain ---------------------------------------------------------------------------------
def plot_skill_gain(gains: pd.DataFrame, colors: dict[str, str] | None = None,
                    style: Style = DEFAULT_STYLE) -> Figure:
    """One panel per arm, all on one y scale: mean skill gain per domain, one bar per role,
    with CIs.

    `gains` is `stats.skill_gain_by_role` output. Roles are grey shades with hatching so that
    colour keeps meaning "arm" (the panel title is in the arm's colour)."""
    arms = [a for a in dict.fromkeys(gains["arm"].astype(str))]
    colors = colors or palette.arm_colors(arms)
    domains = list(dict.fromkeys(gains["domain"].astype(str)))
    roles = [r for r in palette.ROLE_STYLES if r in set(gains["role"].astype(str))]
    ncols = _grid(style, len(arms), max_cols=3)
    fig, axes = _figure(len(arms), style, panel_height=2.1, ncols=ncols, sharey=True)
    width = 0.8 / max(1, len(roles))
    with matplotlib.rc_context(style.rc()):
        for k, (ax, arm) in enumerate(zip(axes, arms)):
            for j, role in enumerate(roles):
                rows = gains[(gains["arm"].astype(str) == arm) & (gains["role"].astype(str) == role)]
                rows = rows.set_index(rows["domain"].astype(str)).reindex(domains)
                x = np.arange(len(domains)) - 0.4 + width * (j + 0.5)
                face, hatch = palette.ROLE_STYLES[role]
                mean = rows["mean"].to_numpy(dtype=float)
                err = np.vstack([mean - rows["ci_low"].to_numpy(dtype=float),
                                 rows["ci_high"].to_numpy(dtype=float) - mean])
                ok = np.isfinite(mean)  # a role absent from an arm (no mentors in a control arm) has no bar
                if not ok.any():
                    continue
                ax.bar(x[ok], mean[ok], width, color=face, hatch=hatch, edgecolor="black",
                       linewidth=0.4, label=role)
                ax.errorbar(x[ok], mean[ok], yerr=np.nan_to_num(err[:, ok], nan=0.0), fmt="none",
                            ecolor="black", elinewidth=0.6, capsize=1.2)
            ax.axhline(0, color="black", linewidth=0.5)
            ax.set_xticks(np.arange(len(domains)))
            ax.set_xticklabels([display_name(d) for d in domains], rotation=40, ha="right",
                               rotation_mode="anchor")
            ax.set_title(f"Arm: {arm}", color=colors.get(arm, "black"), fontweight="bold")
            if k % ncols == 0:
                ax.set_ylabel("Skill gain, final − initial\n(0–1 scale)")
            ax.tick_params(axis="y", labelleft=k % ncols == 0)
            _ticks(ax.yaxis)
        handles = [Patch(facecolor=palette.ROLE_STYLES[r][0], hatch=palette.ROLE_STYLES[r][1],
                         edgecolor="black", linewidth=0.5) for r in roles]
        _legend_above(fig, handles, roles, style)
    return fig


# -- arms compared ------------------------------------------------------------------------------
_MINORITY_LEVELS = {0: "not minority", 1: "minority"}
_ISOLATION_LEVELS = {1: "Q1 most\nisolated", 2: "Q2", 3: "Q3", 4: "Q4 least\nisolated"}
RELATIONSHIP_FAILURES = ("lack_of_time", "poor_communication", "power_imbalance", "role_ambiguity")
COMPARISON_PANELS = (
    ("Coverage", "coverage", "all"),
    ("Coverage by minority status", "coverage", "minority"),
    ("Coverage by network isolation (quartile of initial degree)", "coverage", "isolation"),
    ("Early failure rate", "failure_rate", "all"),
    ("Endings before the program's end, by reason", "end_*", "all"),
    ("Satisfaction change, participants (mentors and mentees)", "satisfaction_change", "all"),
    ("Social capital: tie strength change", "strength_change", "all"),
    ("Bridging: cross-institution tie change", "cross_institution_change", "all"),
    ("Retention of initial staff", "retention", "all"),
    ("Final relationship quality by formation", "quality_*", "all"),
)


def comparison_panels(summary: pd.DataFrame, skip: set | frozenset = frozenset()
                      ) -> list[tuple[str, list[tuple[str, object, object, str]]]]:
    """The panels `plot_arm_comparison` draws for this summary: (title, [(metric, by, level,
    category name)]), leaving out panels whose metrics are absent, undefined everywhere or in
    `skip` (e.g. constant in every replicate and arm)."""
    defined = summary[np.isfinite(summary["mean"].to_numpy(dtype=float))]
    panels = []
    for title, metric, by, in COMPARISON_PANELS:
        rows = defined[defined["by"] == by]
        present = set(rows["metric"]) - set(skip)
        if metric == "end_*":
            names = [f"end_{r}" for r in RELATIONSHIP_FAILURES + ("leaving",)
                     if f"end_{r}" in present]
            categories = [(m, by, None, "leaving (not a\nfailure)" if m == "end_leaving"
                           else display_name(m[len("end_"):])) for m in names]
        elif metric == "quality_*":
            names = [m for m in present if m.startswith("quality_")]
            names = sorted(names)
            categories = [(m, by, None, display_name(m[len("quality_"):])) for m in names]
        elif metric not in present:
            categories = []
        elif by == "all":
            categories = [(metric, by, None, "")]
        else:
            names = _MINORITY_LEVELS if by == "minority" else _ISOLATION_LEVELS
            levels = set(rows.loc[rows["metric"] == metric, "level"].dropna().astype(int))
            categories = [(metric, by, level, names[level]) for level in names if level in levels]
        if categories:
            panels.append((title, categories))
    return panels


def _summary_row(summary: pd.DataFrame, label: str, metric: str, by: str, level):
    rows = summary[(summary["label"].astype(str) == label) & (summary["metric"] == metric)
                   & (summary["by"] == by)]
    rows = rows[rows["level"].isna()] if level is None else rows[rows["level"] == level]
    return rows.iloc[0] if len(rows) else None


def plot_arm_comparison(summary: pd.DataFrame, labels: Sequence[str] | None = None,
                        colors: dict[str, str] | None = None, style: Style = DEFAULT_STYLE,
                        points: pd.DataFrame | None = None,
                        skip: set | frozenset = frozenset(),
                        markers: dict[str, str] | None = None) -> Figure:
    """Arms (or designs) side by side: mean and CI over replicates, replicates as points, of
    coverage (overall, by minority, by isolation), failure rate and endings by reason,
    satisfaction change, tie strength change, cross-institution tie change, retention and quality
    by formation. Only arms for which an outcome is defined get a slot. Shares are on an axis
    from 0 %, changes on an axis through 0.

    `summary` is `stats.summarise_outcomes(..., label=...)` output with its label column named
    `label`; `points` the replicate values (label, metric, by, level, value); `markers` a marker
    per label (designs of `compare` keep one marker each, so two control arms stay apart)."""
    labels = list(labels) if labels is not None else list(dict.fromkeys(summary["label"].astype(str)))
    colors = colors or palette.arm_colors(labels)
    markers = markers or {}
    panels = comparison_panels(summary, skip)
    long_names = max((len(l) for l in labels), default=0) > 12
    fig, axes = _figure(len(panels), style, panel_height=2.35 if long_names else 1.95)
    ncols = _grid(style, len(panels))
    with matplotlib.rc_context(style.rc()):
        for ax, (title, categories) in zip(axes, panels):
            info = outcome_info(categories[0][0])
            scale = display_scale(info)
            present = [l for l in labels if any(
                (row := _summary_row(summary, l, m, b, v)) is not None and np.isfinite(row["mean"])
                for m, b, v, _ in categories)]
            missing = [l for l in labels if l not in present]
            single = len(categories) == 1
            step = 0.8 / max(1, len(present))
            for j, label in enumerate(present):
                for c, (metric, by, level, _) in enumerate(categories):
                    row = _summary_row(summary, label, metric, by, level)
                    if row is None or not np.isfinite(row["mean"]):
                        continue
                    x = j if single else c - 0.4 + step * (j + 0.5)
                    mean = row["mean"] * scale
                    low, high = row["ci_low"] * scale, row["ci_high"] * scale
                    err = np.nan_to_num([[mean - low], [high - mean]], nan=0.0)
                    ax.errorbar([x], [mean], yerr=err, fmt=markers.get(label, "o"), color=colors[label],
                                markersize=3.5, elinewidth=0.9, capsize=1.5, zorder=3)
                    if points is not None:
                        sel = points[(points["label"].astype(str) == label)
                                     & (points["metric"] == metric) & (points["by"] == by)]
                        sel = sel[sel["level"].isna()] if level is None else sel[sel["level"] == level]
                        _points(ax, x, sel["value"].to_numpy(dtype=float) * scale, colors[label],
                                spread=min(0.12, step / 4), seed=j * 31 + c)
            width = panel_width(fig, ncols)
            if single:
                ax.set_xticks(np.arange(len(present)))
                _arm_ticklabels(ax, present, width, style)
                ax.set_xlim(-0.6, len(present) - 0.4)
            else:
                ax.set_xticks(np.arange(len(categories)))
                if len(categories) > 3 or "\n" in "".join(c[3] for c in categories):
                    many = len(categories) > 3
                    ax.set_xticklabels([c[3] for c in categories], rotation=35 if many else 0,
                                       ha="right" if many else "center",
                                       rotation_mode="anchor" if many else "default")
                else:
                    _arm_ticklabels(ax, [c[3] for c in categories], width, style)
                ax.set_xlim(-0.6, len(categories) - 0.4)
            if missing:
                ax.set_xlabel(wrap("not applicable: " + ", ".join(missing), width, style.tick),
                              fontsize=style.tick, color="#555555", style="italic")
            ax.set_title(wrap(title, width, style.title))
            ax.set_ylabel(wrap(unit_label(info), 1.45, style.font))
            _ticks(ax.yaxis)
            if info.kind != "share":
                ax.axhline(0, color="black", linewidth=0.5)
            honest_y(ax, include_zero=True)
        handles = [Line2D([], [], color=colors[l], marker=markers.get(l, "o"), linestyle="")
                   for l in labels]
        handles.append(Line2D([], [], color="#555555", marker="o", markerfacecolor="none",
                              linestyle="", markersize=3))
        _legend_above(fig, handles, list(labels) + ["one replicate"], style)
    return fig


# -- differences --------------------------------------------------------------------------------
def plot_forest(differences: pd.DataFrame, colors: dict[str, str] | None = None,
                style: Style = DEFAULT_STYLE, points: pd.DataFrame | None = None,
                ncols: int | None = None) -> Figure:
    """Forest plot of paired differences: one panel per metric in the metric's own unit (shares
    in percentage points), one row per comparison, bootstrap CI as the whisker, the replicates'
    paired differences as points. A comparison for which the outcome is undefined (e.g. no
    dyads in a control arm) says "not applicable" in its row.

    `differences` is `stats.paired_differences` output, `points` `stats.replicate_differences`."""
    metrics = list(dict.fromkeys(differences["metric"]))
    comparisons = list(dict.fromkeys(differences["comparison"]))
    labels = list(dict.fromkeys(differences["reference"])) + list(dict.fromkeys(differences["label"]))
    colors = colors or palette.arm_colors(labels)
    ncols = ncols or _grid(style, len(metrics), max_cols=3 if style.name == "double" else 1)
    names = [wrap(c, 1.2, style.tick) for c in comparisons]
    height = 0.85 + _row_height(names, style) * len(comparisons)
    fig, axes = _figure(len(metrics), style, panel_height=max(1.25, height), ncols=ncols)
    width = panel_width(fig, ncols)
    with matplotlib.rc_context(style.rc()):
        for k, (ax, metric) in enumerate(zip(axes, metrics)):
            info = outcome_info(metric)
            scale = display_scale(info)
            rows = differences[differences["metric"] == metric].set_index("comparison")
            for i, comparison in enumerate(comparisons):
                if comparison not in rows.index:
                    continue
                row = rows.loc[comparison]
                estimate = row["estimate"] * scale
                if not np.isfinite(estimate):
                    ax.text(0.5, i, "not applicable", transform=ax.get_yaxis_transform(),
                            ha="center", va="center", fontsize=style.tick, color="#555555",
                            style="italic")
                    continue
                if points is not None:
                    sel = points[(points["comparison"] == comparison) & (points["metric"] == metric)]
                    _points(ax, i, sel["difference"].to_numpy(dtype=float) * scale,
                            colors[row["label"]], horizontal=True, spread=0.15, seed=i)
                err = np.nan_to_num([[estimate - row["ci_low"] * scale],
                                     [row["ci_high"] * scale - estimate]], nan=0.0)
                ax.errorbar([estimate], [i], xerr=err, fmt="o", color=colors[row["label"]],
                            markersize=3.5, elinewidth=1.1, capsize=2, zorder=3)
            ax.axvline(0, color="black", linewidth=0.5, linestyle="--")
            ax.margins(x=0.12)
            ax.set_yticks(np.arange(len(comparisons)))
            first = k % ncols == 0
            ax.set_yticklabels(names if first else [])
            ax.set_ylim(len(comparisons) - 0.5, -0.5)
            ax.set_xlabel(wrap(difference_label(info), width - (1.2 if ncols == 1 else 0), style.font))
            ax.set_title(wrap(info.label, width - (1.2 if ncols == 1 else 0), style.title))
            _ticks(ax.xaxis, nbins_for(width - (1.2 if ncols == 1 else 0)))
    return fig


def plot_equity(summary: pd.DataFrame, did: pd.DataFrame, colors: dict[str, str],
                style: Style = DEFAULT_STYLE, points: pd.DataFrame | None = None) -> Figure:
    """Equity contrasts: one panel per (contrast, outcome). Upper rows: each arm's minority gap
    (or isolation gradient) with its bootstrap CI and replicates as points; lower rows (diamonds):
    the difference in differences between each arm and the reference, with its paired
    bootstrap CI. A row the outcome is undefined for says "not applicable".

    `summary` is `stats.equity_summary` output, `did` `stats.paired_differences` output on
    `stats.equity_values`, `points` the equity values."""
    metrics = list(dict.fromkeys(summary["metric"]))
    labels = list(dict.fromkeys(summary["label"]))
    comparisons = list(dict.fromkeys(did["comparison"])) if len(did) else []
    rows_names = labels + comparisons
    ncols = _grid(style, len(metrics), max_cols=3 if style.name == "double" else 1)
    tick_names = [wrap(n if j < len(labels) else f"{n} (difference)", 1.25, style.tick)
                  for j, n in enumerate(rows_names)]
    fig, axes = _figure(len(metrics), style,
                        panel_height=0.85 + _row_height(tick_names, style) * len(rows_names),
                        ncols=ncols)
    width = panel_width(fig, ncols)
    with matplotlib.rc_context(style.rc()):
        for k, (ax, metric) in enumerate(zip(axes, metrics)):
            part = summary[summary["metric"] == metric].set_index("label")
            contrast, outcome = part["contrast"].iloc[0], part["outcome"].iloc[0]
            info = outcome_info(outcome)
            scale = display_scale(info)
            for i, name in enumerate(rows_names):
                is_did = i >= len(labels)
                if is_did:
                    row = did[(did["metric"] == metric) & (did["comparison"] == name)]
                    row = row.iloc[0] if len(row) else None
                    mean = np.nan if row is None else row["estimate"]
                    low, high = (np.nan, np.nan) if row is None else (row["ci_low"], row["ci_high"])
                    color = colors.get(row["label"], "black") if row is not None else "black"
                else:
                    row = part.loc[name] if name in part.index else None
                    mean = np.nan if row is None else row["mean"]
                    low, high = (np.nan, np.nan) if row is None else (row["ci_low"], row["ci_high"])
                    color = colors.get(name, "black")
                if not np.isfinite(mean):
                    ax.text(0.5, i, "not applicable", transform=ax.get_yaxis_transform(),
                            ha="center", va="center", fontsize=style.tick, color="#555555",
                            style="italic")
                    continue
                if points is not None and not is_did:
                    sel = points[(points["label"] == name) & (points["metric"] == metric)]
                    _points(ax, i, sel["value"].to_numpy(dtype=float) * scale, color,
                            horizontal=True, spread=0.15, seed=i)
                err = np.nan_to_num([[(mean - low) * scale], [(high - mean) * scale]], nan=0.0)
                ax.errorbar([mean * scale], [i], xerr=err, fmt="D" if is_did else "o",
                            color=color, markersize=3.5, elinewidth=1.0, capsize=2, zorder=3)
            if comparisons:
                ax.axhline(len(labels) - 0.5, color="#999999", linewidth=0.5)
            ax.axvline(0, color="black", linewidth=0.5, linestyle="--")
            ax.margins(x=0.12)
            ax.set_yticks(np.arange(len(rows_names)))
            first = k % ncols == 0
            ax.set_yticklabels(tick_names if first else [])
            ax.set_ylim(len(rows_names) - 0.5, -0.5)
            unit = "percentage points" if info.kind == "share" else info.unit
            what = ("minority − non-minority" if contrast == "minority gap"
                    else "slope per quartile, most → least isolated")
            ax.set_xlabel(wrap(f"{what} ({unit})", width, style.font))
            ax.set_title(wrap(f"{contrast.capitalize()}: {info.label.lower()}",
                              width - (1.2 if ncols == 1 else 0), style.title))
            _ticks(ax.xaxis, nbins_for(width))
    return fig


def plot_subgroups(effects: pd.DataFrame, colors: dict[str, str], style: Style = DEFAULT_STYLE
                   ) -> Figure:
    """Subgroup forest plot: one panel per metric, one row per subgroup (all staff, then each
    profession, career stage and institution), one point and bootstrap CI per comparison.

    `effects` is `stats.subgroup_effects` output (factor 'all' first)."""
    metrics = list(dict.fromkeys(effects["metric"]))
    comparisons = list(dict.fromkeys(effects["comparison"]))
    rows = list(dict.fromkeys(zip(effects["factor"], effects["level_name"])))
    factor_names = {"all": "all staff", "profession": "profession", "stage": "stage",
                    "institution": "institution"}
    ncols = _grid(style, len(metrics), max_cols=3 if style.name == "double" else 1)
    fig, axes = _figure(len(metrics), style, panel_height=0.9 + 0.19 * len(rows), ncols=ncols)
    width = panel_width(fig, ncols)
    offsets = np.linspace(-0.2, 0.2, len(comparisons)) if len(comparisons) > 1 else [0.0]
    with matplotlib.rc_context(style.rc()):
        for k, (ax, metric) in enumerate(zip(axes, metrics)):
            info = timeseries_info(metric)
            scale = display_scale(info)
            part = effects[effects["metric"] == metric]
            for i, (factor, level) in enumerate(rows):
                for offset, comparison in zip(offsets, comparisons):
                    row = part[(part["factor"] == factor) & (part["level_name"] == level)
                               & (part["comparison"] == comparison)]
                    if row.empty or not np.isfinite(row["estimate"].iloc[0]):
                        continue
                    row = row.iloc[0]
                    mean = row["estimate"] * scale
                    err = np.nan_to_num([[mean - row["ci_low"] * scale],
                                         [row["ci_high"] * scale - mean]], nan=0.0)
                    ax.errorbar([mean], [i + offset], xerr=err, fmt="o",
                                color=colors.get(row["label"], "black"), markersize=2.8,
                                elinewidth=0.8, capsize=1.2)
            previous = None
            for i, (factor, _) in enumerate(rows):
                if previous is not None and factor != previous:
                    ax.axhline(i - 0.5, color="#BBBBBB", linewidth=0.5)
                previous = factor
            ax.axvline(0, color="black", linewidth=0.5, linestyle="--")
            ax.margins(x=0.12)
            ax.set_yticks(np.arange(len(rows)))
            first = k % ncols == 0
            ax.set_yticklabels([f"{factor_names.get(f, f)}: {display_name(l)}" if f != "all"
                                else "all staff" for f, l in rows] if first else [])
            ax.set_ylim(len(rows) - 0.5, -0.5)
            change = info.kind != "share"
            ax.set_xlabel(wrap(difference_label(info), width, style.font))
            title = f"{info.label}{': change since week 0' if change else ' at the end'}"
            ax.set_title(wrap(title, width - (1.4 if ncols == 1 else 0), style.title))
            _ticks(ax.xaxis, nbins_for(width))
        if len(comparisons) > 1:
            handles = [Line2D([], [], color=colors.get(c.split(" − ")[0], "black"), marker="o",
                              linestyle="") for c in comparisons]
            _legend_above(fig, handles, comparisons, style)
    return fig


def plot_bridging(change: pd.DataFrame, points: pd.DataFrame, bands: pd.DataFrame | None,
                  cross_share: pd.DataFrame | None, labels: Sequence[str], colors: dict[str, str],
                  style: Style = DEFAULT_STYLE, periods: Sequence[tuple[float, float]] = ()
                  ) -> Figure:
    """Bridging across institutions: (a) change in cross-institution ties per agent by arm
    (mean, CI, replicates); (b) mean cross-institution ties over weeks, change since week 0;
    (c) share of mentoring links that cross institutions, by arm."""
    n_panels = 1 + (bands is not None) + (cross_share is not None and len(cross_share) > 0)
    ncols = _grid(style, n_panels, max_cols=3)
    fig, axes = _figure(n_panels, style, panel_height=2.0, ncols=ncols)
    width = panel_width(fig, ncols)
    with matplotlib.rc_context(style.rc()):
        ax = axes[0]
        present = [l for l in labels if l in set(change["label"].astype(str))]
        for j, label in enumerate(present):
            row = change[change["label"].astype(str) == label].iloc[0]
            if not np.isfinite(row["mean"]):
                continue
            err = np.nan_to_num([[row["mean"] - row["ci_low"]], [row["ci_high"] - row["mean"]]])
            _points(ax, j, points.loc[points["label"].astype(str) == label, "value"], colors[label],
                    seed=j)
            ax.errorbar([j], [row["mean"]], yerr=err, fmt="o", color=colors[label], markersize=3.5,
                        elinewidth=0.9, capsize=1.5, zorder=3)
        ax.set_xticks(np.arange(len(present)))
        _arm_ticklabels(ax, present, width, style)
        ax.set_xlim(-0.6, len(present) - 0.4)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set_title(wrap("Cross-institution ties: change, final − initial", width, style.title))
        ax.set_ylabel("Ties per agent")
        _ticks(ax.yaxis)
        honest_y(ax)
        k = 1
        if bands is not None:
            ax = axes[k]
            k += 1
            for start, end in periods:
                ax.axvspan(start, end, color=palette.PROGRAM_PERIOD, linewidth=0, zorder=0)
            for label in labels:
                rows = bands[bands["label"] == label].sort_values("step")
                if rows.empty:
                    continue
                ax.step(rows["step"], rows["mean"], where="post", color=colors[label], linewidth=1.1)
                if np.isfinite(rows["low"]).any():
                    ax.fill_between(rows["step"], rows["low"], rows["high"], step="post",
                                    color=colors[label], alpha=0.18, linewidth=0)
            ax.axhline(0, color="black", linewidth=0.5)
            ax.set_title(wrap("Cross-institution ties over time: change since week 0", width,
                              style.title))
            ax.set_xlabel("Week")
            ax.set_ylabel("Ties per agent")
            _ticks(ax.yaxis)
            honest_y(ax)
        if cross_share is not None and len(cross_share):
            ax = axes[k]
            arms = [l for l in labels if l in set(cross_share["arm"])]
            for j, arm in enumerate(arms):
                part = cross_share[cross_share["arm"] == arm]
                mean = part["share"].mean() * 100
                ax.bar([j], [mean], 0.5, color=colors.get(arm, "black"))
                _points(ax, j, part["share"].to_numpy() * 100, "black", seed=j)
            ax.set_xlim(-0.75, max(len(arms), 2) - 0.25)
            ax.set_xticks(np.arange(len(arms)))
            _arm_ticklabels(ax, arms, width, style)
            ax.set_title(wrap("Mentoring links across institutions", width, style.title))
            ax.set_ylabel("% of the arm's dyads")
            _ticks(ax.yaxis)
            honest_y(ax)
    return fig


def plot_unmatched(breakdown: pd.DataFrame, labels: Sequence[str], style: Style = DEFAULT_STYLE
                   ) -> Figure:
    """What became of the eligible mentees: one stacked bar per arm, share of the eligible
    mentees matched, not enrolled, and enrolled but unmatched by reason (mean over replicates).

    `breakdown` is `stats.unmatched_breakdown` output."""
    arms = [l for l in labels if l in set(breakdown["label"])]
    categories = [c for c in dict.fromkeys(breakdown["category"])
                  if breakdown.loc[breakdown["category"] == c, "share"].abs().max() > 0]
    fig, axes = _figure(1, style, panel_height=0.75 + 0.3 * len(arms), ncols=1)
    ax = axes[0]
    with matplotlib.rc_context(style.rc()):
        for i, arm in enumerate(arms):
            left = 0.0
            for category in categories:
                share = breakdown.loc[(breakdown["label"] == arm)
                                      & (breakdown["category"] == category), "share"].sum() * 100
                if share > 0:
                    ax.barh(i, share, left=left, color=palette.unmatched_color(category),
                            edgecolor="white", linewidth=0.4)
                left += max(share, 0)
        ax.set_yticks(np.arange(len(arms)))
        ax.set_yticklabels(arms)
        ax.set_ylim(len(arms) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel(wrap("Share of the eligible mentees (%), mean over replicates",
                           style.width - 1.0, style.font))
        ax.set_title("What became of the eligible mentees")
        handles = [Patch(facecolor=palette.unmatched_color(c)) for c in categories]
        _legend_above(fig, handles, categories, style)
    return fig


def plot_convergence(convergence: pd.DataFrame, colors: dict[str, str],
                     style: Style = DEFAULT_STYLE) -> Figure:
    """How the estimate and its t interval change with the number of replicates used: one panel
    per outcome, one line and band per comparison. A band still narrowing at the right edge
    means more replicates would sharpen the estimate.

    `convergence` is `stats.convergence` output."""
    metrics = list(dict.fromkeys(convergence["metric"]))
    comparisons = list(dict.fromkeys(convergence["comparison"]))
    ncols = _grid(style, len(metrics), max_cols=3)
    fig, axes = _figure(len(metrics), style, panel_height=1.7, ncols=ncols)
    width = panel_width(fig, ncols)
    with matplotlib.rc_context(style.rc()):
        for ax, metric in zip(axes, metrics):
            info = outcome_info(metric)
            scale = display_scale(info)
            for comparison in comparisons:
                rows = convergence[(convergence["metric"] == metric)
                                   & (convergence["comparison"] == comparison)].sort_values("k")
                if rows.empty:
                    continue
                color = colors.get(comparison.split(" − ")[0], "black")
                ax.plot(rows["k"], rows["estimate"] * scale, color=color, linewidth=1.0,
                        marker="o", markersize=2)
                ax.fill_between(rows["k"], rows["ci_low"] * scale, rows["ci_high"] * scale,
                                color=color, alpha=0.18, linewidth=0)
            ax.axhline(0, color="black", linewidth=0.5, linestyle="--")
            ax.set_title(wrap(info.label, width, style.title))
            ax.set_xlabel("Replicates used")
            ax.set_ylabel(wrap(difference_label(info), 1.45, style.font))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            _ticks(ax.yaxis)
            honest_y(ax)
        if len(comparisons) > 1:
            handles = [Line2D([], [], color=colors.get(c.split(" − ")[0], "black")) for c in comparisons]
            _legend_above(fig, handles, comparisons, style)
    return fig


def plot_end_reasons(reasons: pd.DataFrame, reason_order: Sequence[str] | None = None,
                     style: Style = DEFAULT_STYLE) -> Figure:
    """Why dyads ended: one panel per formation, one stacked bar per arm and dyad type, share of
    the dyads by end reason (`active` = still running at the end); n dyads at the bar's end.

    `reasons` is `stats.end_reasons` output."""
    formations = list(dict.fromkeys(reasons["formation"].astype(str)))
    order = list(reason_order) if reason_order is not None else list(
        dict.fromkeys(reasons["end_reason"].astype(str)))
    present = set(reasons["end_reason"].astype(str))
    order = [r for r in order if r in present]
    several_arms = reasons["arm"].astype(str).nunique() > 1
    bars = list(dict.fromkeys(zip(reasons["arm"].astype(str), reasons["type"].astype(str))))
    ncols = _grid(style, len(formations), max_cols=3 if style.name == "double" else 1)
    fig, axes = _figure(len(formations), style, panel_height=0.85 + 0.28 * len(bars), ncols=ncols)
    with matplotlib.rc_context(style.rc()):
        for ax, formation in zip(axes, formations):
            rows = reasons[reasons["formation"].astype(str) == formation]
            for i, (arm, dyad_type) in enumerate(bars):
                bar = rows[(rows["arm"].astype(str) == arm) & (rows["type"].astype(str) == dyad_type)]
                left = 0.0
                for reason in order:
                    share = bar.loc[bar["end_reason"].astype(str) == reason, "share"].sum() * 100
                    if share > 0:
                        ax.barh(i, share, left=left, color=palette.end_reason_color(reason),
                                edgecolor="white", linewidth=0.4)
                    left += share
                n = int(bar["count"].sum())
                if n:
                    ax.text(102, i, f"n = {n:,}", va="center", fontsize=style.tick)
            ax.set_yticks(np.arange(len(bars)))
            ax.set_yticklabels([wrap(f"{a} · {display_name(t)}", 1.1, style.tick) if several_arms
                                else display_name(t) for a, t in bars])
            ax.set_ylim(len(bars) - 0.5, -0.5)
            ax.set_xlim(0, 100)
            ax.set_xlabel("Share of dyads (%)")
            ax.set_title(f"Formation: {display_name(formation)}")
        handles = [Patch(facecolor=palette.end_reason_color(r)) for r in order]
        _legend_above(fig, handles, [display_name(r) for r in order], style)
    return fig


# -- network ------------------------------------------------------------------------------------
_INSTITUTION_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
_FORMATION_STYLES = {"assigned": "-", "self_identified": (0, (3, 1.5)),
                     "hybrid_fallback": (0, (3, 1, 1, 1))}


def plot_network(positions: dict[int, np.ndarray], nodes: pd.DataFrame, collegial: pd.DataFrame,
                 mentoring: pd.DataFrame, arm_colors: dict[str, str],
                 institution_order: Sequence[str] | None = None,
                 style: Style = DEFAULT_STYLE) -> Figure:
    """Collegial ties (grey) and mentoring links among sampled agents: agents coloured by arm,
    shaped by home institution (only institutions in the sample are listed); mentoring links
    in the program's formation style (solid = assigned, dashed = self-identified, dash-dot =
    hybrid fallback), thin grey dotted if the dyad had ended before the week drawn; a
    cross-institution mentoring link carries a × at its middle.

    `nodes`: id, institution, arm; `collegial`: src, dst; `mentoring`: mentor, mentee,
    formation, active, cross."""
    present = list(dict.fromkeys(nodes["institution"].astype(str)))
    order = [i for i in (institution_order or present) if i in present]
    markers = {name: _INSTITUTION_MARKERS[k % len(_INSTITUTION_MARKERS)]
               for k, name in enumerate(institution_order or present)}
    arms = [a for a in arm_colors if a in set(nodes["arm"].astype(str))]
    side = min(style.width, 6.0)
    with matplotlib.rc_context(style.rc()):
        fig = Figure(figsize=(style.width, side * 0.85), layout="constrained")
        fig.mentorsim_style = style
        ax = fig.add_subplot()

        def segments(frame, a, b):
            return [(positions[int(s)], positions[int(d)]) for s, d in zip(frame[a], frame[b])
                    if int(s) in positions and int(d) in positions]

        ax.add_collection(LineCollection(segments(collegial, "src", "dst"),
                                         colors=palette.COLLEGIAL_EDGE, linewidths=0.35, zorder=1))
        handles = [Line2D([], [], color=palette.COLLEGIAL_EDGE, linewidth=1)]
        names = ["collegial tie"]
        is_active = mentoring["active"].to_numpy(dtype=bool) if len(mentoring) else np.array([], bool)
        ended = mentoring.loc[~is_active] if len(mentoring) else mentoring
        if len(ended):
            ax.add_collection(LineCollection(segments(ended, "mentor", "mentee"),
                                             colors="#999999", linewidths=0.6,
                                             linestyles=(0, (1, 1.5)), zorder=2))
            handles.append(Line2D([], [], color="#999999", linewidth=0.8, linestyle=":"))
            names.append("mentoring link, ended earlier")
        active = mentoring.loc[is_active] if len(mentoring) else mentoring
        for formation in dict.fromkeys(active["formation"].astype(str)) if len(active) else []:
            part = active[active["formation"].astype(str) == formation]
            dash = _FORMATION_STYLES.get(formation, "-")
            ax.add_collection(LineCollection(segments(part, "mentor", "mentee"),
                                             colors=palette.MENTORING_EDGE, linewidths=1.1,
                                             linestyles=dash, zorder=2))
            handles.append(Line2D([], [], color=palette.MENTORING_EDGE, linewidth=1.1,
                                  linestyle=dash))
            names.append(f"mentoring link, {display_name(formation)}")
        if len(active) and "cross" in active:
            cross = active[active["cross"].to_numpy(dtype=bool)]
            middles = np.array([(positions[int(s)] + positions[int(d)]) / 2
                                for s, d in zip(cross["mentor"], cross["mentee"])
                                if int(s) in positions and int(d) in positions]).reshape(-1, 2)
            if len(middles):
                ax.scatter(middles[:, 0], middles[:, 1], marker="x", s=18, color="black",
                           linewidths=0.9, zorder=4)
                handles.append(Line2D([], [], color="black", marker="x", linestyle=""))
                names.append("cross-institution mentoring link")
        for arm in arms:
            for institution in order:
                ids = nodes.loc[(nodes["institution"].astype(str) == institution)
                                & (nodes["arm"].astype(str) == arm), "id"]
                xy = np.array([positions[int(i)] for i in ids if int(i) in positions]).reshape(-1, 2)
                if len(xy):
                    ax.scatter(xy[:, 0], xy[:, 1], s=13, color=arm_colors[arm],
                               marker=markers[institution], edgecolors="white", linewidths=0.3,
                               zorder=3)
        ax.set_axis_off()
        ax.autoscale_view()
        handles += [Line2D([], [], color=arm_colors[a], marker="o", linestyle="") for a in arms]
        names += [f"arm: {a}" for a in arms]
        handles += [Line2D([], [], color="#666666", marker=markers[i], linestyle="") for i in order]
        names += [f"institution: {i}" for i in order]
        _legend_above(fig, handles, names, style)
    return fig


WEEK0_COLOR, END_COLOR = "#332288", "#CC6677"


def plot_network_diagnostics(agents: pd.DataFrame, homophily: pd.DataFrame, targets: dict,
                             style: Style = DEFAULT_STYLE) -> Figure:
    """The collegial network against what the scenario asked for: (a) degree distribution at
    week 0 and at the end with the requested mean degree; (b) local clustering at the end with
    the target and the week-0 mean; (c) share of ties within the same unit, profession and
    institution at the end against random ties and the requested share. One legend: week 0,
    end of run, requested (dotted), random ties.

    `agents`: /agents/final of replicate 0 (degree_initial, degree, clustering, left, hired);
    `homophily`: `stats.tie_homophily` output; `targets`: requested and achieved values."""
    panels = []
    if "degree_initial" in agents or "degree" in agents:
        panels.append("degree")
    if "clustering" in agents:
        panels.append("clustering")
    if len(homophily):
        panels.append("homophily")
    n = max(1, len(panels))
    ncols = _grid(style, n, max_cols=3 if style.name == "double" else 1)
    fig, axes = _figure(n, style, panel_height=2.0, ncols=ncols)
    width = panel_width(fig, ncols)
    requested = dict(color="black", linewidth=0.9, linestyle=":")
    with matplotlib.rc_context(style.rc()):
        for ax, panel in zip(axes, panels):
            if panel == "degree":
                initial = agents[agents["hired"] == 0] if "hired" in agents else agents
                final = agents[agents["left"] < 0] if "left" in agents else agents
                top = 1.0
                for values, color, dash in ((initial.get("degree_initial"), WEEK0_COLOR, "-"),
                                            (final.get("degree"), END_COLOR, "--")):
                    if values is None or not len(values):
                        continue
                    values = values.to_numpy(dtype=float)
                    top = max(top, float(np.percentile(values, 99.5)))
                    bins = np.arange(0, values.max() + 2) - 0.5
                    ax.hist(values, bins=bins, histtype="step", color=color, linestyle=dash,
                            linewidth=1.0, density=True)
                if np.isfinite(targets.get("target_mean_degree", np.nan)):
                    ax.axvline(targets["target_mean_degree"], **requested)
                ax.set_xlim(-0.5, top + 1.5)
                ax.set_xlabel("Collegial ties per agent")
                ax.set_ylabel("Share of agents")
                ax.set_title(wrap("Degree distribution (dotted: requested mean)", width,
                                  style.title))
            elif panel == "clustering":
                final = agents[agents["left"] < 0] if "left" in agents else agents
                values = final["clustering"].to_numpy(dtype=float)
                values = values[np.isfinite(values)]
                ax.hist(values, bins=np.linspace(0, 1, 26), color=END_COLOR, alpha=0.35,
                        edgecolor="white", linewidth=0.3, density=True)
                if np.isfinite(targets.get("target_clustering", np.nan)):
                    ax.axvline(targets["target_clustering"], **requested)
                if np.isfinite(targets.get("calibrated_clustering", np.nan)):
                    ax.axvline(targets["calibrated_clustering"], color=WEEK0_COLOR, linewidth=1.0)
                if len(values):
                    ax.axvline(values.mean(), color=END_COLOR, linewidth=1.0, linestyle="--")
                ax.set_xlabel("Local clustering coefficient")
                ax.set_ylabel("Density of agents")
                ax.set_title(wrap("Clustering: distribution at the end, means as lines", width,
                                  style.title))
            else:
                x = np.arange(len(homophily))
                ax.bar(x - 0.19, homophily["observed"] * 100, 0.38, color=END_COLOR)
                ax.bar(x + 0.19, homophily["random"] * 100, 0.38, color="#DDDDDD",
                       edgecolor="#888888", linewidth=0.4)
                for k, field in enumerate(homophily["field"]):
                    share = targets.get(f"requested_same_{field}")
                    if share is not None and np.isfinite(share):
                        ax.plot([k - 0.42, k + 0.42], [share * 100] * 2, **requested)
                ax.set_xticks(x)
                ax.set_xticklabels([display_name(f) for f in homophily["field"]])
                ax.set_xlabel("Ties within the same ...")
                ax.set_ylim(0, 100)
                ax.set_ylabel("% of collegial ties")
                ax.set_title(wrap("Homophily of ties at the end", width, style.title))
            _ticks(ax.yaxis)
        handles = [Line2D([], [], color=WEEK0_COLOR), Line2D([], [], color=END_COLOR, linestyle="--"),
                   Line2D([], [], **requested),
                   Patch(facecolor="#DDDDDD", edgecolor="#888888", linewidth=0.4)]
        _legend_above(fig, handles, ["week 0", "end of run", "requested or target",
                                     "random ties (homophily)"], style)
    return fig


# -- patterns -------------------------------------------------------------------------------------
PASS_COLOR, MISS_COLOR = "#117733", "#CC3311"


def plot_patterns(table: pd.DataFrame, style: Style = DEFAULT_STYLE) -> Figure | None:
    """Each computed pattern of `/patterns` in a panel of its own (patterns have different units):
    the target as a dark band (a line for a point target), the target widened by the tolerance as a
    light band, the replicates' values as small dots and their mean with its 95% CI as a marker with
    a bar, coloured and titled by the verdict (pass / miss). None when no pattern was computed.

    `table`: `Results.patterns` (id, name, target_low, target_high, tolerance, mean, ci_low,
    ci_high, verdict, values)."""
    rows = table[table["verdict"] != "not computable"].reset_index(drop=True)
    if rows.empty:
        return None
    n = len(rows)
    ncols = _grid(style, n, max_cols=4 if style.name == "double" else 2)
    fig, axes = _figure(n, style, panel_height=1.25, ncols=ncols)
    width = panel_width(fig, ncols)
    with matplotlib.rc_context(style.rc()):
        for ax, row in zip(axes, rows.itertuples()):
            low, high, tol = float(row.target_low), float(row.target_high), float(row.tolerance)
            color = PASS_COLOR if row.verdict == "pass" else MISS_COLOR
            points = [float(v) for v in row.values] + [float(row.mean)]
            for v in (row.ci_low, row.ci_high):
                if np.isfinite(v):
                    points.append(float(v))
            finite_high = high if np.isfinite(high) else low
            points += [low - tol, finite_high + tol]
            left, right = min(points), max(points)
            span = (right - left) or max(abs(right), 1.0) * 0.2
            left, right = left - 0.12 * span, right + 0.12 * span
            band_high = high if np.isfinite(high) else right
            ax.axvspan(low - tol, band_high + (tol if np.isfinite(high) else 0.0),
                       color="0.88", linewidth=0)
            if high > low:
                ax.axvspan(low, band_high, color="0.7", linewidth=0)
            else:
                ax.axvline(low, color="0.35", linewidth=1.2)
            values = np.asarray(row.values, dtype=float)
            ax.plot(values, np.full(len(values), -0.25), linestyle="none", marker="o",
                    markersize=2.5, color=color, alpha=0.6)
            if np.isfinite(row.ci_low):
                ax.plot([row.ci_low, row.ci_high], [0.2, 0.2], color=color, linewidth=1.2)
            ax.plot([row.mean], [0.2], marker="D", markersize=4.5, color=color)
            ax.set_xlim(left, right)
            ax.set_ylim(-0.7, 0.7)
            ax.set_yticks([])
            ax.spines["left"].set_visible(False)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
            ax.set_title(wrap(f"{row.id} {row.name}: {row.verdict}", width, style.title),
                         color=color)
    handles = [Patch(color="0.7", label="target"), Patch(color="0.88", label="target ± tolerance"),
               Line2D([], [], marker="D", linestyle="-", color="0.3", label="mean, 95% CI"),
               Line2D([], [], marker="o", linestyle="none", markersize=2.5, color="0.3",
                      label="replicates")]
    _legend_above(fig, handles, [h.get_label() for h in handles], style)
    return fig
