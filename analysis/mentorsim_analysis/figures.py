"""Figures for papers: each function takes tables from `stats` and returns a matplotlib Figure.

No pyplot: figures are `matplotlib.figure.Figure` objects, so nothing depends on a display or on
global figure state. `save_figure` writes PNG (300 dpi) and vector PDF with TrueType fonts.
Arms keep their colour (palette.arm_colors) in every figure; shares are shown in %.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import palette
from .metrics import MetricInfo, difference_label, display_scale, outcome_info, timeseries_info

STYLE = {
    "font.size": 8, "axes.titlesize": 8.5, "axes.labelsize": 8, "xtick.labelsize": 7,
    "ytick.labelsize": 7, "legend.fontsize": 7, "axes.spines.top": False,
    "axes.spines.right": False, "pdf.fonttype": 42, "ps.fonttype": 42, "savefig.dpi": 300,
}
PANEL_WIDTH, PANEL_HEIGHT = 2.45, 2.0


def _figure(n_panels: int, ncols: int, panel_height: float = PANEL_HEIGHT,
            panel_width: float = PANEL_WIDTH) -> tuple[Figure, list]:
    ncols = max(1, min(ncols, n_panels))
    nrows = max(1, math.ceil(n_panels / ncols))
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(panel_width * ncols, panel_height * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    for ax in axes[n_panels:]:
        ax.remove()
    return fig, axes[:n_panels]


def _legend_above(fig: Figure, handles, labels, ncol: int | None = None) -> None:
    """A figure legend in a strip added above the panels (constrained layout keeps out of it)."""
    ncol = ncol or min(len(labels), 4)
    strip = 0.1 + 0.17 * math.ceil(len(labels) / max(1, ncol))
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height + strip)
    fig.get_layout_engine().set(rect=(0, 0, 1, 1 - strip / (height + strip)))
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 1.0), frameon=False,
               ncol=ncol)


def unit_label(info: MetricInfo) -> str:
    """The y-axis label of a panel titled with the metric's name: the unit, spelled out."""
    if info.unit == "%":
        return "Share (%)"
    if info.unit == "0–1":
        return "Score (0–1)"
    return info.unit[:1].upper() + info.unit[1:] if info.unit else "Value"


def save_figure(fig: Figure, directory: str | Path, name: str, dpi: int = 300) -> list[Path]:
    """Write `name`.png (at `dpi`) and `name`.pdf into `directory`; return both paths.
    Metadata that would change between runs (software version, dates) is left out."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    png, pdf = directory / f"{name}.png", directory / f"{name}.pdf"
    with matplotlib.rc_context(STYLE):
        fig.savefig(png, dpi=dpi, metadata={"Software": None})
        fig.savefig(pdf, metadata={"Creator": None, "Producer": None, "CreationDate": None})
    return [png, pdf]


def plot_timeseries(bands: pd.DataFrame, metrics: Sequence[str] | None = None,
                    colors: dict[str, str] | None = None,
                    linestyles: dict[str, str] | None = None, ncols: int = 3) -> Figure:
    """One panel per metric: pooled mean per label (arm) over weeks with its band.

    `bands` is `stats.timeseries_bands` output (label, step, metric, mean, low, high, n)."""
    metrics = list(metrics) if metrics is not None else list(dict.fromkeys(bands["metric"]))
    labels = list(dict.fromkeys(bands["label"]))
    colors = colors or palette.arm_colors(labels)
    linestyles = linestyles or palette.arm_linestyles(labels)
    fig, axes = _figure(len(metrics), ncols)
    with matplotlib.rc_context(STYLE):
        for ax, metric in zip(axes, metrics):
            info = timeseries_info(metric)
            scale = display_scale(info)
            for label in labels:
                rows = bands[(bands["metric"] == metric) & (bands["label"] == label)]
                rows = rows.sort_values("step")
                ax.plot(rows["step"], rows["mean"] * scale, color=colors[label],
                        linestyle=linestyles.get(label, "-"), linewidth=1.3, label=label)
                if np.isfinite(rows["low"]).any():
                    ax.fill_between(rows["step"], rows["low"] * scale, rows["high"] * scale,
                                    color=colors[label], alpha=0.2, linewidth=0)
            ax.set_title(info.label)
            ax.set_xlabel("Week")
            ax.set_ylabel(unit_label(info))
        handles = [Line2D([], [], color=colors[l], linestyle=linestyles.get(l, "-")) for l in labels]
        _legend_above(fig, handles, labels)
    return fig


def plot_skill_gain(gains: pd.DataFrame, colors: dict[str, str] | None = None,
                    ncols: int = 3) -> Figure:
    """One panel per arm: mean skill gain per domain, one bar per role, with 95% CIs.

    `gains` is `stats.skill_gain_by_role` output. Roles are grey shades with hatching so that
    colour keeps meaning "arm" (the panel title is in the arm's colour)."""
    arms = [a for a in dict.fromkeys(gains["arm"].astype(str))]
    colors = colors or palette.arm_colors(arms)
    domains = list(dict.fromkeys(gains["domain"].astype(str)))
    roles = [r for r in palette.ROLE_STYLES if r in set(gains["role"].astype(str))]
    fig, axes = _figure(len(arms), ncols, panel_width=max(PANEL_WIDTH, 0.45 * len(domains) + 0.6),
                        panel_height=2.4)
    width = 0.8 / max(1, len(roles))
    with matplotlib.rc_context(STYLE):
        for ax, arm in zip(axes, arms):
            for k, role in enumerate(roles):
                rows = gains[(gains["arm"].astype(str) == arm) & (gains["role"].astype(str) == role)]
                rows = rows.set_index(rows["domain"].astype(str)).reindex(domains)
                x = np.arange(len(domains)) - 0.4 + width * (k + 0.5)
                face, hatch = palette.ROLE_STYLES[role]
                mean = rows["mean"].to_numpy(dtype=float)
                err = np.vstack([mean - rows["ci_low"].to_numpy(dtype=float),
                                 rows["ci_high"].to_numpy(dtype=float) - mean])
                ok = np.isfinite(mean)  # a role absent from an arm (no mentors in a control arm) has no bar
                if not ok.any():
                    continue
                ax.bar(x[ok], mean[ok], width, color=face, hatch=hatch, edgecolor="black", linewidth=0.5,
                       label=role)
                ax.errorbar(x[ok], mean[ok], yerr=np.nan_to_num(err[:, ok], nan=0.0), fmt="none",
                            ecolor="black", elinewidth=0.7, capsize=1.5)
            ax.axhline(0, color="black", linewidth=0.6)
            ax.set_xticks(np.arange(len(domains)))
            ax.set_xticklabels([d.replace("_", " ") for d in domains], rotation=35, ha="right")
            ax.set_title(f"Arm: {arm}", color=colors.get(arm, "black"), fontweight="bold")
            ax.set_xlabel("Skill domain")
            ax.set_ylabel("Skill gain (0–1 scale)")
        handles = [Patch(facecolor=palette.ROLE_STYLES[r][0], hatch=palette.ROLE_STYLES[r][1],
                         edgecolor="black", linewidth=0.5) for r in roles]
        _legend_above(fig, handles, roles)
    return fig


# Panels of the arm comparison: title, metric, breakdown, category names (None: overall).
_MINORITY_LEVELS = {0: "not minority", 1: "minority"}
_ISOLATION_LEVELS = {1: "Q1\nmost isolated", 2: "Q2", 3: "Q3", 4: "Q4\nleast isolated"}
COMPARISON_PANELS = (
    ("Coverage", "coverage", "all"),
    ("Coverage by minority status", "coverage", "minority"),
    ("Coverage by network isolation\n(quartile of initial degree)", "coverage", "isolation"),
    ("Early failure rate", "failure_rate", "all"),
    ("Early endings by reason", "end_*", "all"),
    ("Satisfaction change\n(participants)", "satisfaction_change", "all"),
    ("Social capital:\ntie strength change", "strength_change", "all"),
    ("Retention of initial staff", "retention", "all"),
    ("Final relationship quality\nby formation", "quality_*", "all"),
)


def comparison_panels(summary: pd.DataFrame) -> list[tuple[str, list[tuple[str, object, str]]]]:
    """The panels `plot_arm_comparison` draws for this summary: (title, [(metric, by, level,
    category name)]), leaving out panels whose metrics are absent."""
    metrics = set(summary["metric"])
    panels = []
    for title, metric, by in COMPARISON_PANELS:
        rows = summary[summary["by"] == by]
        if metric == "end_*":
            names = [m for m in dict.fromkeys(rows["metric"]) if m.startswith("end_")
                     and m not in ("end_active", "end_program_end")]
            categories = [(m, by, None, m[len("end_"):].replace("_", " ")) for m in names]
        elif metric == "quality_*":
            names = [m for m in ("quality_assigned", "quality_self_identified") if m in metrics]
            categories = [(m, by, None, m[len("quality_"):].replace("_", "-")) for m in names]
        elif metric not in set(rows["metric"]):
            categories = []
        elif by == "all":
            categories = [(metric, by, None, "")]
        else:
            names = _MINORITY_LEVELS if by == "minority" else _ISOLATION_LEVELS
            categories = [(metric, by, level, names[level]) for level in names]
        if categories:
            panels.append((title, categories))
    return panels


def plot_arm_comparison(summary: pd.DataFrame, labels: Sequence[str] | None = None,
                        colors: dict[str, str] | None = None, ncols: int = 3) -> Figure:
    """Assigned vs self-identified (or any arms / designs) side by side: mean and 95% CI over
    replicates of coverage (overall, by minority, by isolation), failure rate and reasons,
    satisfaction change, tie strength change, retention and quality by formation.

    `summary` is `stats.summarise_outcomes(..., label=...)` output with its label column named
    `label`."""
    labels = list(labels) if labels is not None else list(dict.fromkeys(summary["label"].astype(str)))
    colors = colors or palette.arm_colors(labels)
    panels = comparison_panels(summary)
    fig, axes = _figure(len(panels), ncols, panel_width=2.6, panel_height=2.2)
    step = 0.8 / max(1, len(labels))
    with matplotlib.rc_context(STYLE):
        for ax, (title, categories) in zip(axes, panels):
            info = outcome_info(categories[0][0])
            scale = display_scale(info)
            for j, label in enumerate(labels):
                means, lows, highs = [], [], []
                for metric, by, level, _ in categories:
                    row = summary[(summary["label"].astype(str) == label)
                                  & (summary["metric"] == metric) & (summary["by"] == by)]
                    row = row[row["level"].isna()] if level is None else row[row["level"] == level]
                    value = row.iloc[0] if len(row) else None
                    means.append(np.nan if value is None else value["mean"])
                    lows.append(np.nan if value is None else value["ci_low"])
                    highs.append(np.nan if value is None else value["ci_high"])
                means, lows, highs = (np.asarray(v, dtype=float) * scale for v in (means, lows, highs))
                x = np.arange(len(categories)) - 0.4 + step * (j + 0.5)
                err = np.nan_to_num(np.vstack([means - lows, highs - means]), nan=0.0)
                ok = np.isfinite(means)  # undefined for this arm (e.g. coverage of a control arm): no point
                ax.errorbar(x[ok], means[ok], yerr=err[:, ok], fmt="o", color=colors[label], markersize=4,
                            elinewidth=1, capsize=2, label=label)
            ax.set_xticks(np.arange(len(categories)))
            ax.set_xticklabels([c[3] for c in categories],
                               rotation=30 if len(categories) > 4 else 0,
                               ha="right" if len(categories) > 4 else "center")
            ax.set_xlim(-0.6, len(categories) - 0.4)
            ax.set_title(title)
            ax.set_ylabel(unit_label(info))
        handles = [Line2D([], [], color=colors[l], marker="o", linestyle="") for l in labels]
        _legend_above(fig, handles, labels)
    return fig


def plot_forest(differences: pd.DataFrame, colors: dict[str, str] | None = None,
                ncols: int | None = None) -> Figure:
    """Forest plot of paired differences: one panel per metric in the metric's own unit (shares
    in percentage points), one row per comparison, bootstrap CI as the whisker.

    `differences` is `stats.paired_differences` output."""
    metrics = list(dict.fromkeys(differences["metric"]))
    comparisons = list(dict.fromkeys(differences["comparison"]))
    labels = list(dict.fromkeys(differences["reference"])) + list(dict.fromkeys(differences["label"]))
    colors = colors or palette.arm_colors(labels)
    ncols = ncols or (1 if len(metrics) <= 4 else 2)
    height = 0.75 + 0.28 * len(comparisons)
    fig, axes = _figure(len(metrics), ncols, panel_height=max(1.2, height), panel_width=3.3)
    with matplotlib.rc_context(STYLE):
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
                    continue  # undefined for this pair of arms (e.g. no dyads in a control arm)
                err = np.nan_to_num([[estimate - row["ci_low"] * scale],
                                     [row["ci_high"] * scale - estimate]], nan=0.0)
                ax.errorbar([estimate], [i], xerr=err, fmt="o", color=colors[row["label"]],
                            markersize=4, elinewidth=1.2, capsize=2)
            ax.axvline(0, color="black", linewidth=0.6, linestyle="--")
            ax.margins(x=0.15)
            ax.set_yticks(np.arange(len(comparisons)))
            ax.set_yticklabels(comparisons if k % ncols == 0 else [])
            ax.set_ylim(len(comparisons) - 0.5, -0.5)
            ax.set_xlabel(difference_label(info))
            ax.set_title(info.label)
    return fig


def plot_end_reasons(reasons: pd.DataFrame, reason_order: Sequence[str] | None = None) -> Figure:
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
    fig, axes = _figure(len(formations), len(formations), panel_width=3.0,
                        panel_height=0.8 + 0.3 * len(bars))
    with matplotlib.rc_context(STYLE):
        for ax, formation in zip(axes, formations):
            rows = reasons[reasons["formation"].astype(str) == formation]
            for i, (arm, dyad_type) in enumerate(bars):
                bar = rows[(rows["arm"].astype(str) == arm) & (rows["type"].astype(str) == dyad_type)]
                left = 0.0
                for reason in order:
                    share = bar.loc[bar["end_reason"].astype(str) == reason, "share"].sum() * 100
                    if share > 0:
                        ax.barh(i, share, left=left, color=palette.end_reason_color(reason),
                                edgecolor="white", linewidth=0.4, label=reason)
                    left += share
                n = int(bar["count"].sum())
                if n:
                    ax.text(101, i, f"n={n}", va="center", fontsize=6.5)
            ax.set_yticks(np.arange(len(bars)))
            ax.set_yticklabels([f"{a} · {t}" if several_arms else t for a, t in bars])
            ax.set_ylim(len(bars) - 0.5, -0.5)
            ax.set_xlim(0, 100)
            ax.set_xlabel("Share of dyads (%)")
            ax.set_title(f"Formation: {formation.replace('_', ' ')}")
        handles = [Patch(facecolor=palette.end_reason_color(r)) for r in order]
        _legend_above(fig, handles, [r.replace("_", " ") for r in order])
    return fig


def plot_network(positions: dict[int, np.ndarray], nodes: pd.DataFrame, collegial: pd.DataFrame,
                 mentoring: pd.DataFrame, institution_order: Sequence[str] | None = None) -> Figure:
    """Collegial ties (grey) and mentoring links (black; solid = active at the end, dashed =
    ended) among sampled agents, agents coloured by home institution.

    `nodes`: id, institution; `collegial`: src, dst; `mentoring`: mentor, mentee, active."""
    institutions = list(institution_order) if institution_order is not None else list(
        dict.fromkeys(nodes["institution"].astype(str)))
    colors = palette.institution_colors(institutions)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(6.0, 5.6), layout="constrained")
        ax = fig.add_subplot()

        def segments(frame, a, b):
            return [(positions[int(s)], positions[int(d)]) for s, d in zip(frame[a], frame[b])
                    if int(s) in positions and int(d) in positions]

        ax.add_collection(LineCollection(segments(collegial, "src", "dst"),
                                         colors=palette.COLLEGIAL_EDGE, linewidths=0.4, zorder=1,
                                         label="collegial tie"))
        is_active = mentoring["active"].to_numpy(dtype=bool)
        active, ended = mentoring.loc[is_active], mentoring.loc[~is_active]
        ax.add_collection(LineCollection(segments(active, "mentor", "mentee"),
                                         colors=palette.MENTORING_EDGE, linewidths=1.4, zorder=2,
                                         label="mentoring link, active"))
        ax.add_collection(LineCollection(segments(ended, "mentor", "mentee"),
                                         colors=palette.MENTORING_EDGE, linewidths=1.0,
                                         linestyles="dashed", zorder=2,
                                         label="mentoring link, ended"))
        for institution in institutions:
            ids = nodes.loc[nodes["institution"].astype(str) == institution, "id"]
            xy = np.array([positions[int(i)] for i in ids if int(i) in positions]).reshape(-1, 2)
            ax.scatter(xy[:, 0], xy[:, 1], s=14, color=colors[institution], edgecolors="white",
                       linewidths=0.3, zorder=3, label=institution)
        ax.set_axis_off()
        ax.autoscale_view()
        handles = [Line2D([], [], color=palette.COLLEGIAL_EDGE, linewidth=1)]
        names = ["collegial tie"]
        if len(active):
            handles.append(Line2D([], [], color=palette.MENTORING_EDGE, linewidth=1.4))
            names.append("mentoring link, active")
        if len(ended):
            handles.append(Line2D([], [], color=palette.MENTORING_EDGE, linewidth=1.0,
                                  linestyle="--"))
            names.append("mentoring link, ended")
        handles += [Line2D([], [], color=colors[i], marker="o", linestyle="") for i in institutions]
        names += institutions
        _legend_above(fig, handles, names, ncol=3)
    return fig
