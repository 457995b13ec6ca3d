"""Every figure function: the expected panels, labels and series (read from the matplotlib
objects, not pixels), and PNG + PDF files on disk."""
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection

from fixture_file import DOMAINS
from mentorsim_analysis import figures, network, palette, stats


def _legend_texts(fig):
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_timeseries_one_panel_per_metric_one_line_per_arm(full):
    ts = full.timeseries_frame(["n", "n_initial", "satisfaction", "retained", "in_mentoring"])
    bands = stats.timeseries_bands(ts, ["satisfaction", "retained", "in_mentoring"])
    fig = figures.plot_timeseries(bands, colors=palette.arm_colors(full.arms))
    axes = fig.axes
    assert len(axes) == 3
    assert [ax.get_title() for ax in axes] == ["Mean job satisfaction", "Initial staff retained",
                                               "In an active dyad"]
    assert all(ax.get_xlabel() == "Week" for ax in axes)
    assert axes[0].get_ylabel() == "Score (0–1)" and "%" in axes[1].get_ylabel()
    for ax in axes:
        assert len(ax.get_lines()) == 2
        assert len(ax.collections) == 2            # one 95% band per arm
    assert _legend_texts(fig) == ["assigned", "self_identified"]
    # the same arm has the same colour in every panel; retained is shown in %
    assert axes[0].get_lines()[1].get_color() == axes[2].get_lines()[1].get_color()
    assert axes[1].get_lines()[0].get_ydata()[-1] == pytest.approx(100 * (10 * 0.8 + 30 * 0.9) / 40)


def test_skill_gain_panels_per_arm_bars_per_role_and_domain(full):
    gains = stats.skill_gain_by_role(full.agents, DOMAINS)
    fig = figures.plot_skill_gain(gains)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["Arm: assigned", "Arm: self_identified"]
    for ax in fig.axes:
        assert len(ax.patches) == 4 * len(DOMAINS)    # 4 roles x 6 domains
        assert ax.get_xlabel() == "Skill domain" and "Skill gain" in ax.get_ylabel()
        assert [t.get_text() for t in ax.get_xticklabels()][1] == "digital"
    assert _legend_texts(fig) == ["mentor", "mentee", "mentor and mentee", "non-participant"]
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights[6 + 1] == pytest.approx(0.20, abs=1e-6)   # mentee bars come second: digital


def test_arm_comparison_panels(full):
    summary = stats.summarise_outcomes(full.outcomes).rename(columns={"arm": "label"})
    fig = figures.plot_arm_comparison(summary)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(fig.axes) == 9
    assert titles[0] == "Coverage" and titles[1] == "Coverage by minority status"
    assert "isolation" in titles[2] and titles[3] == "Early failure rate"
    for ax in fig.axes:
        assert ax.get_ylabel()
        assert len(ax.containers) == 2                # one errorbar series per arm
    isolation = fig.axes[2]
    assert [t.get_text() for t in isolation.get_xticklabels()][1] == "Q2"
    points = isolation.containers[0].lines[0].get_ydata()
    assert list(points) == pytest.approx([40, 60, 70, 80])
    reasons = [t.get_text() for t in fig.axes[4].get_xticklabels()]
    assert "lack of time" in reasons and "program end" not in reasons and "active" not in reasons
    assert _legend_texts(fig) == ["assigned", "self_identified"]


def test_forest_one_panel_per_metric_one_row_per_comparison():
    values = pd.DataFrame({"label": ["a"] * 3 + ["b"] * 3 + ["c"] * 3, "replicate": [0, 1, 2] * 3,
                           "metric": "coverage", "value": [0.5, 0.6, 0.7, 0.6, 0.8, 0.75,
                                                           0.4, 0.5, 0.5]})
    values = pd.concat([values, values.assign(metric="weeks_to_match")])
    diffs = stats.paired_differences(values, [("b", "a"), ("c", "a")],
                                     ["coverage", "weeks_to_match"], 200, 1)
    fig = figures.plot_forest(diffs)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["Coverage", "Time to first match"]
    assert fig.axes[0].get_xlabel() == "Difference (percentage points)"
    assert fig.axes[1].get_xlabel() == "Difference (weeks)"
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["b − a", "c − a"]
    assert len(fig.axes[0].containers) == 2
    x = fig.axes[0].containers[0].lines[0].get_xdata()[0]
    assert x == pytest.approx(100 * np.mean([0.1, 0.2, 0.05]))


def test_end_reasons_panel_per_formation(full):
    fig = figures.plot_end_reasons(stats.end_reasons(full.dyads), full.codes["end_reason"])
    assert [ax.get_title() for ax in fig.axes] == ["Formation: assigned",
                                                   "Formation: self identified"]
    assert all(ax.get_xlabel() == "Share of dyads (%)" for ax in fig.axes)
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == pytest.approx([25, 50, 25])       # active, lack of time, program end
    assert _legend_texts(fig) == ["active", "lack of time", "poor communication", "program end"]


def test_network_picture(full):
    agents = full.agents
    nodes = network.snowball_sample(full.network, agents["id"], np.array([2, 3]), 20, 1)
    positions = network.layout(nodes, full.network, 1)
    mentoring = pd.DataFrame({"mentor": [2, 4], "mentee": [3, 5], "active": [True, False]})
    fig = figures.plot_network(positions, agents[agents.id.isin(nodes)], full.network, mentoring,
                               full.codes["institution"])
    ax = fig.axes[0]
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(lines) == 3 and len(points) == 3
    assert sum(len(p.get_offsets()) for p in points) == len(nodes) == 20
    assert _legend_texts(fig)[:3] == ["collegial tie", "mentoring link, active",
                                      "mentoring link, ended"]
    assert not ax.axison


def test_save_figure_writes_png_at_300_dpi_and_pdf(full, tmp_path):
    bands = stats.timeseries_bands(full.timeseries_frame(["n", "satisfaction"]), ["satisfaction"])
    png, pdf = figures.save_figure(figures.plot_timeseries(bands), tmp_path, "ts")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    from matplotlib.image import imread
    height, width = imread(png).shape[:2]
    fig_w, fig_h = figures.plot_timeseries(bands).get_size_inches()
    assert (width, height) == (round(fig_w * 300), round(fig_h * 300))


def test_arm_colours_are_consistent_and_colour_blind_safe():
    colors = palette.arm_colors(["none", "assigned", "self_identified"])
    assert colors["none"] == "#000000"
    assert colors["assigned"] == palette.OKABE_ITO["orange"]
    assert palette.arm_colors(["assigned", "self_identified"])["self_identified"] == colors["self_identified"]
    assert set(colors.values()) <= set(palette.OKABE_ITO.values())
