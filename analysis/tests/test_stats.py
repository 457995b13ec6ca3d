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
    # Shares: Cohen's h from the two mean proportions (0.6 and 0.7166...).
    h = 2 * np.arcsin(np.sqrt(COVERAGE[:, 1].mean())) - 2 * np.arcsin(np.sqrt(COVERAGE[:, 0].mean()))
    assert cov["std_kind"] == "Cohen's h" and cov["std_effect"] == pytest.approx(h)
    assert cov["std_low"] < cov["std_effect"] < cov["std_high"]
    assert cov["d_z"] == pytest.approx(d.mean() / d.std(ddof=1))
    weeks = diffs.set_index("metric").loc["weeks_to_match"]
    dw = np.array([-1.0, -2.0, -1.0])
    s_av = np.sqrt((np.var([4, 6, 5], ddof=1) + np.var([3, 4, 4], ddof=1)) / 2)
    assert weeks["estimate"] == pytest.approx(-4 / 3)
    # Means: the replicate-level d_av is kept (CSV), the individual-level d needs staff SDs.
    assert weeks["smd_replicate"] == pytest.approx(dw.mean() / s_av)
    assert weeks["std_kind"] == "Cohen's d (SD of staff)" and np.isnan(weeks["std_effect"])


def test_cohen_d_divides_by_the_pooled_sd_of_the_staff():
    staff = pd.DataFrame({"label": ["assigned"] * 3 + ["self_identified"] * 4,
                          "metric": "weeks_to_match",
                          "value": [2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0]})
    lookup = stats.staff_sd_lookup(staff)
    # pooled variance: (2 * 4 + 3 * 6.666...) / 5 = 5.6
    assert lookup("self_identified", "assigned", "weeks_to_match") == pytest.approx(np.sqrt(5.6))
    assert np.isnan(lookup("self_identified", "assigned", "coverage"))
    diffs = stats.paired_differences(_coverage_values(), [("self_identified", "assigned")],
                                     ["weeks_to_match"], n_boot=500, seed=3, staff_sd=lookup)
    row = diffs.iloc[0]
    assert row["std_effect"] == pytest.approx((-4 / 3) / np.sqrt(5.6))
    assert row["std_low"] == pytest.approx(row["ci_low"] / np.sqrt(5.6))
    assert row["std_high"] == pytest.approx(row["ci_high"] / np.sqrt(5.6))


def test_staff_values_follow_the_outcome_definitions(full):
    values = stats.staff_values(full.agents, full.dyads, DOMAINS)
    digital = values[(values.metric == "skill_gain_digital") & (values.arm == "assigned")]
    # active initial staff only: 24 agents of arm 0, less agent 0 (left): the hire (1) is arm 1
    assert len(digital) == 23
    weeks = values[values.metric == "weeks_to_match"]
    assert (weeks["value"] == 2.0).all() and len(weeks) > 0
    quality = values[values.metric == "quality_assigned"]
    assert len(quality) == 12 and np.allclose(quality["value"], 0.6)
    strength = values[(values.metric == "strength_change") & (values.arm == "assigned")]
    assert len(strength) == 23 and np.allclose(strength["value"], 0.5)
    cross = values[(values.metric == "cross_institution_change") & (values.arm == "assigned")]
    # arm 0 holds the even ids; active initial staff exclude id 0; ids divisible by 4 gained a tie
    assert len(cross) == 23 and cross["value"].sum() == sum(1 for i in range(2, 48, 2) if i % 4 == 0)


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


def test_replicate_differences_are_the_pairs():
    points = stats.replicate_differences(_coverage_values(), [("self_identified", "assigned")],
                                         ["coverage"])
    assert points["difference"].to_numpy() == pytest.approx([0.1, 0.2, 0.05])
    assert (points["comparison"] == "self_identified − assigned").all()


def test_constant_outcomes_are_found_and_nan_is_not_a_value():
    outcomes = pd.DataFrame({
        "arm": ["a", "b"] * 3, "replicate": [0, 0, 1, 1, 2, 2], "by": "all", "level": pd.NA,
        "metric": "weeks_to_match", "value": [0.0, np.nan, 0.0, np.nan, 0.0, np.nan]})
    outcomes = pd.concat([outcomes, outcomes.assign(metric="coverage",
                                                     value=[0.5, 0.5, 0.5, 0.5, 0.5, 0.51])])
    constant = stats.constant_outcomes(outcomes)
    assert constant[("weeks_to_match", None, None)] == 0.0
    assert ("coverage", None, None) not in constant
    assert stats.constant_value([np.nan, 3.0]) is None       # one value is no evidence
    assert stats.constant_value([2.0, 2.0, np.nan]) == 2.0


def test_minority_gap_and_isolation_gradient_by_hand(full):
    values = stats.equity_values(full.outcomes).set_index(["label", "replicate", "metric"])
    # fixture: by_minority coverage (0.7, 0.5): gap = 0.5 − 0.7
    assert values.loc[("assigned", 0, "minority gap: coverage"), "value"] == pytest.approx(-0.2)
    # replicate 1: by_isolation coverage (0.42, 0.6, 0.7, 0.8) over quartiles 1..4, x centred
    # (−1.5, −0.5, 0.5, 1.5): slope = Σ x y / Σ x² = 0.62 / 5
    assert values.loc[("assigned", 1, "isolation gradient: coverage"), "value"] == pytest.approx(0.124)
    summary = stats.equity_summary(values.reset_index(), 200, 1)
    row = summary[(summary.label == "assigned") & (summary.metric == "minority gap: coverage")].iloc[0]
    assert row["mean"] == pytest.approx(np.mean([-0.2, -0.18, -0.16])) and row["n"] == 3


def test_difference_in_differences_is_paired_by_replicate():
    outcomes = pd.DataFrame({
        "arm": np.repeat(["ref", "new"], 6), "replicate": np.tile([0, 0, 1, 1, 2, 2], 2),
        "metric": "coverage", "by": "minority", "level": np.tile([0, 1], 6),
        "value": [0.6, 0.4, 0.7, 0.5, 0.5, 0.2,     # ref gaps: −0.2, −0.2, −0.3
                  0.6, 0.6, 0.7, 0.6, 0.6, 0.5]})   # new gaps:  0.0, −0.1, −0.1
    values = stats.equity_values(outcomes)
    did = stats.paired_differences(values[["label", "replicate", "metric", "value"]],
                                   [("new", "ref")], ["minority gap: coverage"], 500, 2)
    assert did.iloc[0]["estimate"] == pytest.approx(np.mean([0.2, 0.1, 0.2]))
    assert did.iloc[0]["n_pairs"] == 3


def test_unmatched_breakdown_adds_up_to_the_eligible_mentees():
    rows = []
    for r, (eligible, enrolled, coverage, infeasible, full, lost) in enumerate(
            [(100, 60, 0.5, 4, 3, 3), (80, 40, 0.375, 2, 8, 0)]):
        for metric, value in (("eligible_mentees", eligible), ("enrolled_mentees", enrolled),
                              ("coverage", coverage), ("unmatched_infeasible", infeasible),
                              ("unmatched_no_capacity", full), ("unmatched_not_approached", 0),
                              ("unmatched_declined", 0), ("unmatched_lost_to_others", lost)):
            rows.append({"arm": "program", "replicate": r, "metric": metric, "by": "all",
                         "level": pd.NA, "value": float(value)})
    breakdown = stats.unmatched_breakdown(pd.DataFrame(rows)).set_index("category")
    assert breakdown.loc["matched", "share"] == pytest.approx((0.5 + 0.375) / 2)
    assert breakdown.loc["not enrolled", "share"] == pytest.approx((0.4 + 0.5) / 2)
    assert breakdown.loc["no feasible mentor", "count"] == pytest.approx(3)
    assert breakdown.loc["lost the approached mentors to other mentees", "count"] == pytest.approx(1.5)
    assert breakdown["share"].sum() == pytest.approx(1.0)
    assert breakdown.loc["enrolled, unmatched, no reason recorded", "share"] == 0


def test_convergence_uses_the_first_k_replicates():
    differences = pd.DataFrame({"comparison": "b − a", "metric": "coverage",
                                "replicate": [0, 1, 2, 3], "difference": [0.1, 0.3, 0.2, 0.2]})
    curve = stats.convergence(differences).set_index("k")
    assert list(curve.index) == [2, 3, 4]
    mean, low, high, _, _ = stats.t_interval([0.1, 0.3, 0.2])
    assert curve.loc[3, "estimate"] == pytest.approx(mean)
    assert curve.loc[3, "half_width"] == pytest.approx((high - low) / 2)
    # half-width t_{n-1} s / sqrt(n) <= target: with s = 0.0816..., target 0.05 needs n = 14
    s = np.std([0.1, 0.3, 0.2, 0.2], ddof=1)
    n = stats.replicates_needed(0.2, s, 0.05)
    from scipy import stats as sps
    assert sps.t.ppf(0.975, n - 1) * s / np.sqrt(n) <= 0.05 < sps.t.ppf(0.975, n - 2) * s / np.sqrt(n - 1)


def test_tie_homophily_against_random_ties():
    agents = pd.DataFrame({"id": [0, 1, 2, 3], "unit": ["u", "u", "v", "v"],
                           "profession": ["a", "a", "a", "a"], "institution": ["x", "y", "x", "y"]})
    ties = pd.DataFrame({"src": [0, 2, 0], "dst": [1, 3, 2]})
    table = stats.tie_homophily(ties, agents).set_index("field")
    assert table.loc["unit", "observed"] == pytest.approx(2 / 3)
    assert table.loc["profession", "observed"] == 1.0 and table.loc["profession", "random"] == 1.0
    assert table.loc["institution", "observed"] == pytest.approx(1 / 3)
    # tie ends: units u, v, u (src) and u, v, v (dst): 3 of 6 in u, 3 in v
    assert table.loc["unit", "random"] == pytest.approx(0.5 ** 2 + 0.5 ** 2)


def test_subgroup_effects_pool_each_subgroup(full):
    ts = full.timeseries_frame(["n", "n_initial", "satisfaction", "retained"])
    values = stats.subgroup_values(ts, ["satisfaction", "retained"], ("profession",))
    medicine = values[(values.level == "medicine") & (values.metric == "satisfaction")]
    # g0 (medicine) satisfaction rises by 0.02 per observation: change 0.04 over 2 observations
    assert medicine["value"].to_numpy() == pytest.approx(0.04)
    effects = stats.subgroup_effects(values, [("self_identified", "assigned")], 200, 1)
    row = effects[(effects.level_name == "medicine") & (effects.metric == "satisfaction")].iloc[0]
    assert row["estimate"] == pytest.approx(0.0)     # both arms change alike
    nursing = effects[(effects.level_name == "nursing") & (effects.metric == "retained")].iloc[0]
    assert nursing["estimate"] == pytest.approx(0.0) and nursing["n0"] == 60


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


def test_mentoring_links_across_institutions():
    agents = pd.DataFrame({"replicate": 0, "id": [0, 1, 2, 3],
                           "institution": ["hospital", "hospital", "university", "institute"]})
    dyads = pd.DataFrame({"replicate": [0, 0, 0, 1], "mentor": [0, 2, 3, 0], "mentee": [1, 1, 0, 2],
                          "arm": ["a", "a", "b", "a"]})
    share = stats.mentoring_cross_institution(dyads, agents).set_index("arm")
    # replicate 1 has no agent data and is left out
    assert share.loc["a", "share"] == pytest.approx(0.5) and share.loc["a", "dyads"] == 2
    assert share.loc["b", "share"] == 1.0
