"""Every figure function: the expected panels, labels and series (read from the matplotlib
objects, not pixels), honest axes, journal widths, and PNG + PDF files on disk."""
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection

from figure_checks import layout_problems
from fixture_file import DOMAINS
from mentorsim_analysis import figures, network, palette, stats


def _legend_texts(fig):
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_timeseries_one_panel_per_metric_one_line_per_arm(full):
    ts = full.timeseries_frame(["n", "n_initial", "satisfaction", "retained", "in_mentoring"])
    bands = stats.timeseries_bands(ts, ["satisfaction", "retained", "in_mentoring"],
                                   change=["satisfaction"])
    fig = figures.plot_timeseries(bands, colors=palette.arm_colors(full.arms), periods=[(2, 6)])
    axes = fig.axes
    assert len(axes) == 3
    assert [ax.get_title().replace("\n", " ") for ax in axes] == [
        "Mean job satisfaction: change since week 0",
                                               "Initial staff retained", "In an active dyad"]
    assert all(ax.get_xlabel() == "Week" for ax in axes)
    assert axes[0].get_ylabel() == "Change, 0–1 scale" and "%" in axes[1].get_ylabel()
    for ax in axes:
        lines = [line for line in ax.get_lines() if line.get_label() in full.arms]
        assert len(lines) == 2 and all(line.get_drawstyle() == "steps-post" for line in lines)
        bands_drawn = ax.collections
        assert len(ax.patches) == 1                 # the shaded program period, weeks 2–6
        xs = ax.patches[0].get_xy()[:, 0]
        assert (xs.min(), xs.max()) == (2, 6)
        assert len(bands_drawn) == 2                # one 95% band per arm
        low, high = ax.get_ylim()
        assert low <= 0 <= high                     # every axis shows zero
    assert _legend_texts(fig) == ["assigned", "self_identified", "program period"]
    # the same arm has the same colour in every panel; retained is shown in %
    assert axes[0].get_lines()[1].get_color() == axes[2].get_lines()[1].get_color()
    assert axes[1].get_lines()[0].get_ydata()[-1] == pytest.approx(100 * (10 * 0.8 + 30 * 0.9) / 40)
    # satisfaction as change since week 0: pooled value at week 8 minus at week 0 = 0.04
    assert axes[0].get_lines()[0].get_ydata()[-1] == pytest.approx(
        stats_pooled_change(full, "assigned"))


def stats_pooled_change(full, arm):
    from fixture_file import pooled_satisfaction
    a = full.arms.index(arm)
    return np.mean([pooled_satisfaction(a, r, 2) - pooled_satisfaction(a, r, 0) for r in range(3)])


def test_skill_gain_panels_per_arm_bars_per_role_and_domain(full):
    gains = stats.skill_gain_by_role(full.agents, DOMAINS)
    fig = figures.plot_skill_gain(gains)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["Arm: assigned", "Arm: self_identified"]
    for ax in fig.axes:
        assert len(ax.patches) == 4 * len(DOMAINS)    # 4 roles x 6 domains
        assert [t.get_text() for t in ax.get_xticklabels()][1] == "digital"
    assert "Skill gain" in fig.axes[0].get_ylabel()
    # one y scale for every arm, so equal-looking bars are equal
    assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()
    assert fig.axes[0].get_shared_y_axes().joined(fig.axes[0], fig.axes[1])
    assert _legend_texts(fig) == ["mentor", "mentee", "mentor and mentee", "non-participant"]
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights[6 + 1] == pytest.approx(0.20, abs=1e-6)   # mentee bars come second: digital


def test_arm_comparison_panels(full):
    summary = stats.summarise_outcomes(full.outcomes).rename(columns={"arm": "label"})
    points = full.outcomes.rename(columns={"arm": "label"})
    fig = figures.plot_arm_comparison(summary, points=points)
    titles = [ax.get_title().replace("\n", " ") for ax in fig.axes]
    assert len(fig.axes) == 10
    assert titles[0] == "Coverage" and titles[1] == "Coverage by minority status"
    assert "isolation" in titles[2] and titles[3] == "Early failure rate"
    assert titles[5] == "Satisfaction change, participants (mentors and mentees)"
    for ax in fig.axes:
        assert ax.get_ylabel()
        low, high = ax.get_ylim()
        assert low <= 0 <= high                       # shares from 0 %, changes through 0
    isolation = fig.axes[2]
    assert [t.get_text() for t in isolation.get_xticklabels()][1] == "Q2"
    means = [c.lines[0].get_ydata()[0] for c in isolation.containers[:4]]
    assert means == pytest.approx([42, 60, 70, 80])      # Q1: 40, 42, 44 % in replicates 0..2
    # three replicates of each arm as points in every slot
    assert sum(len(c.get_offsets()) for c in isolation.collections
               if isinstance(c, PathCollection)) == 2 * 4 * 3
    reasons = [t.get_text() for t in fig.axes[4].get_xticklabels()]
    assert "lack of time" in reasons and "program end" not in reasons and "active" not in reasons
    assert "leaving (not a\nfailure)" in reasons
    assert fig.axes[4].get_ylabel() == "% of all dyads"
    # a panel with one category per arm labels its slots with the arms
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == full.arms
    assert _legend_texts(fig) == ["assigned", "self_identified", "one replicate"]


def test_arm_comparison_leaves_out_arms_without_the_outcome(full):
    summary = stats.summarise_outcomes(full.outcomes).rename(columns={"arm": "label"})
    undefined = summary["label"].eq("assigned") & summary["metric"].eq("coverage")
    summary.loc[undefined, ["mean", "ci_low", "ci_high"]] = np.nan
    fig = figures.plot_arm_comparison(summary, skip={"failure_rate"})
    coverage = fig.axes[0]
    assert [t.get_text() for t in coverage.get_xticklabels()] == ["self_identified"]
    assert coverage.get_xlabel() == "not applicable: assigned"
    assert "Early failure rate" not in [ax.get_title() for ax in fig.axes]


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


def test_forest_shows_replicates_says_not_applicable_and_never_an_offset():
    values = pd.DataFrame({"label": ["a"] * 3 + ["b"] * 3 + ["c"] * 3, "replicate": [0, 1, 2] * 3,
                           "metric": "skill_gain_digital",
                           "value": [1e-6, 2e-6, 3e-6, 4e-6, 6e-6, 5e-6] + [np.nan] * 3})
    diffs = stats.paired_differences(values, [("b", "a"), ("c", "a")], ["skill_gain_digital"], 200, 1)
    points = stats.replicate_differences(values, [("b", "a"), ("c", "a")], ["skill_gain_digital"])
    fig = figures.plot_forest(diffs, points=points)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["not applicable"]                 # row c − a: no value for c
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in dots) == 3
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig).draw()
    assert ax.xaxis.get_offset_text().get_text() == ""    # no "1e-6" beside the axis
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert all("e" not in label for label in labels)
    assert layout_problems(fig) == []


def test_end_reasons_panel_per_formation(full):
    fig = figures.plot_end_reasons(stats.end_reasons(full.dyads), full.codes["end_reason"])
    assert [ax.get_title() for ax in fig.axes] == ["Formation: assigned",
                                                   "Formation: self-identified"]
    assert all(ax.get_xlabel() == "Share of dyads (%)" for ax in fig.axes)
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == pytest.approx([25, 50, 25])       # active, lack of time, program end
    assert _legend_texts(fig) == ["active", "lack of time", "poor communication", "program end"]
    assert layout_problems(fig) == []


def test_legend_wraps_into_rows_that_fit_a_narrow_figure():
    reasons = pd.DataFrame({"arm": "a", "type": "reverse", "formation": "assigned",
                            "end_reason": ["active", "lack_of_time", "poor_communication",
                                           "power_imbalance", "role_ambiguity", "leaving",
                                           "program_end"], "count": 1, "n_dyads": 7,
                            "share": 1 / 7})
    for style in figures.STYLES.values():
        fig = figures.plot_end_reasons(reasons, style=style)
        assert fig.get_size_inches()[0] == pytest.approx(style.width)
        assert layout_problems(fig) == []
        assert len(fig.legends[0].get_texts()) == 7


def test_network_picture(full):
    agents = full.agents
    nodes = network.snowball_sample(full.network, agents["id"], np.array([2, 3]), 20, 1)
    positions = network.layout(nodes, full.network, 1)
    mentoring = pd.DataFrame({"mentor": [2, 4, 6], "mentee": [3, 5, 7],
                              "formation": ["assigned", "assigned", "self_identified"],
                              "active": [True, False, True], "cross": [True, False, False]})
    sample = agents[agents.id.isin(nodes)]
    fig = figures.plot_network(positions, sample, full.network, mentoring,
                               palette.arm_colors(full.arms), full.codes["institution"])
    ax = fig.axes[0]
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 4      # collegial, ended earlier, assigned, self-identified
    nodes_drawn = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(p.get_offsets()) for p in nodes_drawn) == len(nodes) + 1   # + one × mark
    legend = _legend_texts(fig)
    assert legend[:5] == ["collegial tie", "mentoring link, ended earlier",
                          "mentoring link, assigned", "mentoring link, self-identified",
                          "cross-institution mentoring link"]
    assert [t for t in legend if t.startswith("arm: ")] == ["arm: assigned", "arm: self_identified"]
    # only the institutions present in the sample are listed
    present = set(sample["institution"].astype(str))
    assert {t[len("institution: "):] for t in legend if t.startswith("institution: ")} == present
    assert not ax.axison
    assert layout_problems(fig) == []


def test_save_figure_writes_png_at_300_dpi_and_pdf(full, tmp_path):
    bands = stats.timeseries_bands(full.timeseries_frame(["n", "satisfaction"]), ["satisfaction"])
    png, pdf = figures.save_figure(figures.plot_timeseries(bands), tmp_path, "ts")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    from matplotlib.image import imread
    height, width = imread(png).shape[:2]
    fig_w, fig_h = figures.plot_timeseries(bands).get_size_inches()
    assert abs(width - fig_w * 300) <= 1 and abs(height - fig_h * 300) <= 1
    assert fig_w == pytest.approx(175 / 25.4)     # double-column width by default


def test_panels_are_written_one_by_one(full, tmp_path):
    bands = stats.timeseries_bands(full.timeseries_frame(["n", "n_initial", "satisfaction",
                                                          "retained"]),
                                   ["satisfaction", "retained"])
    fig = figures.plot_timeseries(bands)
    paths = figures.save_panels(fig, tmp_path, "ts", dpi=100)
    assert sorted(p.name for p in paths) == ["ts_1.pdf", "ts_1.png", "ts_2.pdf", "ts_2.png"]
    from matplotlib.image import imread
    whole = fig.get_size_inches()[0] * 100
    assert imread(tmp_path / "ts_1.png").shape[1] < whole / 2 + 10


@pytest.mark.parametrize("style", ["single", "double"])
def test_journal_presets_set_width_and_fonts(full, style):
    preset = figures.STYLES[style]
    gains = stats.skill_gain_by_role(full.agents, DOMAINS)
    fig = figures.plot_skill_gain(gains, style=preset)
    assert fig.get_size_inches()[0] == pytest.approx({"single": 85, "double": 175}[style] / 25.4)
    sizes = {t.get_fontsize() for ax in fig.axes for t in ax.get_xticklabels() + [ax.title]}
    assert min(sizes) >= 6.5          # legible at the printed size, no reduction needed
    assert layout_problems(fig) == []


def test_honest_axis_says_when_it_does_not_start_at_zero():
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    ax.plot([0, 1], [60, 80])
    figures.honest_y(ax, include_zero=False)
    assert [t.get_text() for t in ax.texts] == [figures.NOT_ZERO_NOTE]
    ax2 = Figure().add_subplot()
    ax2.plot([0, 1], [60, 80])
    figures.honest_y(ax2)
    assert ax2.get_ylim()[0] == 0 and not ax2.texts


def test_arm_colours_are_consistent_and_colour_blind_safe():
    colors = palette.arm_colors(["none", "assigned", "self_identified"])
    assert colors["none"] == "#000000"
    assert colors["assigned"] == palette.OKABE_ITO["orange"]
    assert palette.arm_colors(["assigned", "self_identified"])["self_identified"] == colors["self_identified"]
    assert set(colors.values()) <= set(palette.OKABE_ITO.values())
