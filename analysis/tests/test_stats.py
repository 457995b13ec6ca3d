"""Statistics against values worked out by hand."""
import numpy as np
import pandas as pd
import pytest

from fixture_file import COVERAGE, DOMAINS, ROLE_GAINS, STEPS, pooled_retained, pooled_satisfaction
from mentorsim_analysis import network, stats


def test_t_interval_by_hand():
    mean, low, high, n, sd = stats.t_interval([0.6, 0.65, 0.7])
    assert (mean, n, sd) == (pytest.approx(0.65), 3, pytest.approx(0.05))
    half = 4.302652729911275 * 0.05 / np.sqrt(3)   # t_{0.975, 2}
    assert (low, high) == (pytest.approx(0.65 - half), pytest.approx(0.65 + half))


def test_t_interval_needs_two_values():
    mean, low, high, n, _ = stats.t_interval([0.4, np.nan])
    assert mean == 0.4 and n == 1 and np.isnan(low) and np.isnan(high)


def test_pooling_weights_group_means_by_active_agents(full):
    ts = full.timeseries_frame(["n", "n_initial", "satisfaction", "retained", "leavers"])
    pooled = stats.pool_groups(ts, "satisfaction").set_index(["replicate", "step", "arm"])["value"]
    for r in range(3):
        for o, step in enumerate(STEPS):
            for a, arm in enumerate(full.arms):
                assert pooled[(r, step, arm)] == pytest.approx(pooled_satisfaction(a, r, o))


def test_pooling_retained_uses_initial_staff_and_counts_are_summed(full):
    ts = full.timeseries_frame(["n", "n_initial", "retained", "leavers"])
    retained = stats.pool_groups(ts, "retained").set_index(["replicate", "step", "arm"])["value"]
    assert retained[(0, 8, "assigned")] == pytest.approx(pooled_retained(2))
    leavers = stats.pool_groups(ts, "leavers").set_index(["replicate", "step", "arm"])["value"]
    assert leavers[(1, 4, "assigned")] == 3 and leavers[(1, 0, "assigned")] == 0


def test_band_over_replicates_is_t_interval_of_pooled_values(full):
    ts = full.timeseries_frame(["n", "satisfaction"])
    bands = stats.timeseries_bands(ts, ["satisfaction"])
    row = bands[(bands.label == "assigned") & (bands.step == 0)].iloc[0]
    values = [pooled_satisfaction(0, r, 0) for r in range(3)]
    mean, low, high, _, _ = stats.t_interval(values)
    assert (row["mean"], row["low"], row["high"], row["n"]) == (
        pytest.approx(mean), pytest.approx(low), pytest.approx(high), 3)
    ranged = stats.timeseries_bands(ts, ["satisfaction"], band="range")
    row = ranged[(ranged.label == "assigned") & (ranged.step == 0)].iloc[0]
    assert row["low"] == pytest.approx(np.percentile(values, 2.5))


def _coverage_values():
    rows = [("assigned", r, "coverage", COVERAGE[r, 0]) for r in range(3)]
    rows += [("self_identified", r, "coverage", COVERAGE[r, 1]) for r in range(3)]
    rows += [("assigned", r, "weeks_to_match", w) for r, w in enumerate([4.0, 6.0, 5.0])]
    rows += [("self_identified", r, "weeks_to_match", w) for r, w in enumerate([3.0, 4.0, 4.0])]
    return pd.DataFrame(rows, columns=["label", "replicate", "metric", "value"])


def test_paired_difference_and_effect_sizes_by_hand():
    diffs = stats.paired_differences(_coverage_values(), [("self_identified", "assigned")],
                                     ["coverage", "weeks_to_match"], n_boot=500, seed=3)
    cov = diffs.set_index("metric").loc["coverage"]
    d = np.array([0.1, 0.2, 0.05])
    assert cov["estimate"] == pytest.approx(d.mean())
    assert cov["n_pairs"] == 3 and cov["comparison"] == "self_identified − assigned"
    assert cov["effect_size"] == "risk difference" and cov["effect"] == pytest.approx(d.mean())
    assert cov["d_z"] == pytest.approx(d.mean() / d.std(ddof=1))
    weeks = diffs.set_index("metric").loc["weeks_to_match"]
    dw = np.array([-1.0, -2.0, -1.0])
    s_av = np.sqrt((np.var([4, 6, 5], ddof=1) + np.var([3, 4, 4], ddof=1)) / 2)
    assert weeks["estimate"] == pytest.approx(-4 / 3)
    assert weeks["effect_size"] == "SMD" and weeks["effect"] == pytest.approx(dw.mean() / s_av)


def test_bootstrap_ci_is_the_percentile_of_resampled_pair_means():
    diffs = stats.paired_differences(_coverage_values(), [("self_identified", "assigned")],
                                     ["coverage"], n_boot=1000, seed=11)
    d = np.array([0.1, 0.2, 0.05])
    rng = np.random.default_rng(11)
    means = d[rng.integers(0, 3, size=(1000, 3))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    row = diffs.iloc[0]
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert d.min() - 1e-12 <= row["ci_low"] < row["estimate"] < row["ci_high"] <= d.max() + 1e-12


def test_bootstrap_is_reproducible_with_its_seed():
    x = np.array([0.3, 0.9, 0.1, 0.5, 0.7, 0.2])
    assert stats.bootstrap_ci(x, 2000, seed=5) == stats.bootstrap_ci(x, 2000, seed=5)
    assert stats.bootstrap_ci(x, 2000, seed=5) != stats.bootstrap_ci(x, 2000, seed=6)
    assert stats.bootstrap_ci([0.4, 0.4, 0.4], 100, seed=1) == pytest.approx((0.4, 0.4))


def test_paired_difference_drops_replicates_missing_on_either_side():
    values = pd.DataFrame({"label": ["a", "a", "a", "b", "b"], "replicate": [0, 1, 2, 0, 2],
                           "metric": "coverage", "value": [0.5, 0.6, np.nan, 0.7, 0.9]})
    row = stats.paired_differences(values, [("b", "a")], ["coverage"], 100, 1).iloc[0]
    assert row["n_pairs"] == 1 and row["estimate"] == pytest.approx(0.2) and np.isnan(row["ci_low"])


def test_unpaired_difference_of_means():
    row = stats.paired_differences(_coverage_values(), [("self_identified", "assigned")],
                                   ["coverage"], 200, 1, paired=False).iloc[0]
    assert row["estimate"] == pytest.approx(COVERAGE[:, 1].mean() - COVERAGE[:, 0].mean())
    assert not row["paired"] and row["n_pairs"] == 0 and np.isnan(row["d_z"])
    assert row["ci_low"] < row["estimate"] < row["ci_high"]


def test_role_labels_read_the_bits():
    assert list(stats.role_labels([0, 1, 2, 3])) == ["non-participant", "mentor", "mentee",
                                                     "mentor and mentee"]


def test_skill_gain_by_role_excludes_leavers_and_hires(full):
    gains = stats.skill_gain_by_role(full.agents, DOMAINS).set_index(["arm", "role", "domain"])
    for k, role in enumerate(["non-participant", "mentor", "mentee", "mentor and mentee"]):
        for j, domain in enumerate(DOMAINS):
            assert gains.loc[("assigned", role, domain), "mean"] == pytest.approx(
                ROLE_GAINS[k, j], abs=1e-6)
    # agent 0 (left) and agent 1 (hired) have gains of 0.4 and are left out
    assert gains.loc[("assigned", "non-participant", "digital"), "n_agents"] == 5
    assert gains.loc[("self_identified", "non-participant", "digital"), "n_agents"] == 5
    assert (gains["basis"] == "agents").all()


def test_end_reasons_shares(full):
    table = stats.end_reasons(full.dyads).set_index(["arm", "end_reason"])
    assert table.loc[("assigned", "lack_of_time"), "count"] == 6
    assert table.loc[("assigned", "lack_of_time"), "share"] == pytest.approx(0.5)
    assert table.loc[("self_identified", "poor_communication"), "share"] == pytest.approx(0.5)
    assert (table["n_dyads"].loc["assigned"] == 12).all()


def test_summarise_outcomes(full):
    summary = stats.summarise_outcomes(full.outcomes)
    row = summary[(summary.arm == "self_identified") & (summary.metric == "coverage")
                  & (summary.by == "all")].iloc[0]
    assert row["mean"] == pytest.approx(COVERAGE[:, 1].mean()) and row["n"] == 3


def test_snowball_sample_is_seeded_and_follows_ties():
    links = pd.DataFrame({"src": np.arange(99), "dst": np.arange(1, 100)})   # a path 0-1-...-99
    first = network.snowball_sample(links, np.arange(100), np.array([50]), 10, seed=4, n_starts=1)
    again = network.snowball_sample(links, np.arange(100), np.array([50]), 10, seed=4, n_starts=1)
    assert first.tolist() == again.tolist() == list(range(45, 55))
    only_some = network.snowball_sample(links, np.arange(0, 100, 2), np.array([]), 5, seed=1)
    assert len(only_some) == 5 and all(n % 2 == 0 for n in only_some)
    layout_a = network.layout(first, links, seed=2)
    layout_b = network.layout(first, links, seed=2)
    assert all(np.allclose(layout_a[n], layout_b[n]) for n in first)
