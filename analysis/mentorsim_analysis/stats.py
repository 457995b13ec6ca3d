"""Statistics behind every figure and table: pooling of groups, intervals over replicates, paired
differences under common random numbers, effect sizes and seeded percentile bootstrap.

Formulas are in docs/analysis.md. Functions take DataFrames or arrays and return DataFrames.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats as _scipy_stats

from .io import AnalysisError
from .metrics import POOL_WEIGHT, outcome_info, timeseries_info

DEFAULT_BOOTSTRAP = 2000
DEFAULT_SEED = 20240601
ROLE_ORDER = ("mentor", "mentee", "mentor and mentee", "non-participant")


# -- intervals ---------------------------------------------------------------------------------
def t_interval(values, level: float = 0.95) -> tuple[float, float, float, int, float]:
    """Mean, lower and upper bound of the t confidence interval of the mean, n and SD (ddof 1)
    of the finite values. Bounds are NaN with fewer than two values."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan, 0, np.nan
    mean = float(x.mean())
    if n < 2:
        return mean, np.nan, np.nan, n, np.nan
    sd = float(x.std(ddof=1))
    half = float(_scipy_stats.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return mean, mean - half, mean + half, n, sd


def percentile_range(values, level: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and the central `level` percentile range of the finite values (numpy linear)."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return np.nan, np.nan, np.nan, 0
    low, high = np.percentile(x, [50 * (1 - level), 50 * (1 + level)])
    return float(x.mean()), float(low), float(high), len(x)


def bootstrap_indices(n: int, n_boot: int, seed: int) -> np.ndarray:
    """Resampled positions [n_boot, n], a function of (n, n_boot, seed) only: every metric with
    the same number of pairs is resampled with the same replicates."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_boot, n))


def _percentiles(draws: np.ndarray, level: float) -> tuple[float, float]:
    draws = draws[np.isfinite(draws)]
    if len(draws) == 0:
        return np.nan, np.nan
    low, high = np.percentile(draws, [50 * (1 - level), 50 * (1 + level)])
    return float(low), float(high)


def bootstrap_ci(values, n_boot: int = DEFAULT_BOOTSTRAP, seed: int = DEFAULT_SEED,
                 level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean of the finite values (NaN with fewer than two)."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return np.nan, np.nan
    means = x[bootstrap_indices(len(x), n_boot, seed)].mean(axis=1)
    return _percentiles(means, level)


# -- time series ---------------------------------------------------------------------------------
def pool_groups(timeseries: pd.DataFrame, metric: str, by: Sequence[str] = ("arm",)) -> pd.DataFrame:
    """Pool the groups of tidy /timeseries into one value per replicate, step and `by`.

    Counts (kind `count`) are summed. Means and shares are averaged with the group's denominator
    as weight: `n` (active agents), or `n_initial` for `retained`. Groups with weight 0 or a NaN
    value are left out; a cell with no weight is NaN.
    """
    keys = ["replicate", "step", *by]
    values = timeseries[timeseries["metric"] == metric]
    if values.empty:
        raise AnalysisError(f"timeseries metric {metric!r} is not in the frame")
    if timeseries_info(metric).kind == "count":
        pooled = values.groupby(keys, observed=True, sort=True)["value"].sum(min_count=1)
        return pooled.rename("value").reset_index()
    weight_name = POOL_WEIGHT.get(metric, "n")
    weights = timeseries[timeseries["metric"] == weight_name]
    if weights.empty:
        raise AnalysisError(f"pooling {metric!r} needs timeseries metric {weight_name!r}")
    merged = values.merge(weights[["replicate", "step", "group", "value"]]
                          .rename(columns={"value": "weight"}), on=["replicate", "step", "group"])
    usable = np.isfinite(merged["value"].to_numpy()) & (merged["weight"].to_numpy() > 0)
    merged["weighted"] = np.where(usable, merged["value"] * merged["weight"], 0.0)
    merged["used_weight"] = np.where(usable, merged["weight"], 0.0)
    sums = merged.groupby(keys, observed=True, sort=True)[["weighted", "used_weight"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(sums["used_weight"] > 0, sums["weighted"] / sums["used_weight"], np.nan)
    return sums.assign(value=value)[["value"]].reset_index()


def band_over_replicates(pooled: pd.DataFrame, by: Sequence[str] = ("arm", "step"),
                         band: str = "ci", level: float = 0.95) -> pd.DataFrame:
    """Mean over replicates with a band: `ci` = t interval of the mean, `range` = central
    percentile range of the replicates. Columns: by..., mean, low, high, n."""
    if band not in ("ci", "range"):
        raise AnalysisError(f"unknown band {band!r}; use 'ci' or 'range'")
    rows = []
    for key, group in pooled.groupby(list(by), observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        if band == "ci":
            mean, low, high, n, _ = t_interval(group["value"], level)
        else:
            mean, low, high, n = percentile_range(group["value"], level)
        rows.append((*key, mean, low, high, n))
    return pd.DataFrame(rows, columns=[*by, "mean", "low", "high", "n"])


def shows_change(metric: str) -> bool:
    """Whether a time series is plotted as change since week 0 rather than as level: means of
    scores and social capital are (their week-0 values differ between arms by chance and would
    look like effects); shares and counts are plotted as levels from zero."""
    return timeseries_info(metric).kind == "mean"


def timeseries_bands(timeseries: pd.DataFrame, metrics: Iterable[str], by: Sequence[str] = ("arm",),
                     band: str = "ci", level: float = 0.95,
                     change: Iterable[str] = ()) -> pd.DataFrame:
    """Pooled series with bands for several metrics: label (the `by` values joined), step,
    metric, mean, low, high, n, change. Metrics in `change` are the change of the pooled value
    since the first observation, taken within each replicate before the band."""
    parts = []
    change = set(change)
    for metric in metrics:
        pooled = pool_groups(timeseries, metric, by)
        pooled["label"] = _join_labels(pooled, by)
        if metric in change:
            first = pooled["step"].min()
            base = pooled[pooled["step"] == first].set_index(["replicate", "label"])["value"]
            keys = pd.MultiIndex.from_frame(pooled[["replicate", "label"]])
            pooled["value"] = pooled["value"].to_numpy() - base.reindex(keys).to_numpy()
        bands = band_over_replicates(pooled, ("label", "step"), band, level)
        bands.insert(2, "metric", metric)
        bands["change"] = metric in change
        parts.append(bands)
    return pd.concat(parts, ignore_index=True)


def _join_labels(frame: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    return frame[list(by)].astype(str).agg(" · ".join, axis=1)


def final_week_by_arm(timeseries: pd.DataFrame, metrics: Iterable[str],
                      level: float = 0.95) -> pd.DataFrame:
    """Pooled value of each metric at the last observation, summarised over replicates."""
    rows = []
    last = timeseries["step"].max()
    for metric in metrics:
        pooled = pool_groups(timeseries[timeseries["step"] == last], metric)
        for arm, group in pooled.groupby("arm", observed=True, sort=True):
            mean, low, high, n, sd = t_interval(group["value"], level)
            rows.append((arm, metric, int(last), n, mean, sd, low, high))
    return pd.DataFrame(rows, columns=["arm", "metric", "step", "n", "mean", "sd", "ci_low",
                                       "ci_high"])


# -- outcomes ------------------------------------------------------------------------------------
def summarise_outcomes(outcomes: pd.DataFrame, label: str = "arm",
                       level: float = 0.95) -> pd.DataFrame:
    """Mean, SD and t interval over replicates of every (label, metric, by, level)."""
    rows = []
    keys = [label, "metric", "by", "level"]
    for key, group in outcomes.groupby(keys, observed=True, sort=False, dropna=False):
        mean, low, high, n, sd = t_interval(group["value"], level)
        rows.append((*key, n, mean, sd, low, high))
    frame = pd.DataFrame(rows, columns=[*keys, "n", "mean", "sd", "ci_low", "ci_high"])
    frame["level"] = frame["level"].astype("Int64")
    return frame


def effect_kind(metric: str) -> str:
    """`risk difference` for shares, `SMD` for means and counts."""
    return "risk difference" if outcome_info(metric).kind == "share" else "SMD"


COHEN_H = "Cohen's h"
COHEN_D = "Cohen's d (SD of staff)"


def cohen_h(p_other, p_reference):
    """Cohen's h = 2 asin(sqrt(p_other)) − 2 asin(sqrt(p_reference)): the standardised
    difference of two proportions on the individual level (Cohen 1988, ch. 6)."""
    with np.errstate(invalid="ignore"):
        p1 = np.clip(np.asarray(p_other, dtype=float), 0, 1)
        p0 = np.clip(np.asarray(p_reference, dtype=float), 0, 1)
        return 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p0))


def paired_differences(values: pd.DataFrame, comparisons: Sequence[tuple[str, str]],
                       metrics: Sequence[str], n_boot: int = DEFAULT_BOOTSTRAP,
                       seed: int = DEFAULT_SEED, level: float = 0.95,
                       paired: bool = True, staff_sd=None) -> pd.DataFrame:
    """Differences `label − reference` of replicate-level values for each comparison and metric.

    `values` has columns label, replicate, metric, value. Paired (common random numbers): the
    difference is taken within each replicate present and finite in both, then averaged; the
    bootstrap resamples replicates (pairs). Unpaired: difference of means, each side resampled on
    its own. CIs are percentile bootstrap CIs with `n_boot` resamples seeded by `seed`.

    Effect sizes, each named by what it standardises by:
    - `std_effect` (the headline, individual level): Cohen's h for shares, from the two mean
      proportions; for means, Cohen's d = mean difference / SD of the individual staff values,
      pooled over both sides, from `staff_sd(label, reference, metric)` (NaN where the file has
      no per-agent or per-dyad values for the outcome). The d interval treats the SD as fixed.
    - `d_z` (replicate level): mean difference / SD of the paired replicate differences.
    - `smd_replicate` (replicate level, CSV only): d_av = mean difference / sqrt((SD_ref² +
      SD_other²) / 2), SDs of the replicate values.
    """
    indexed = {key: group.set_index("replicate")["value"]
               for key, group in values.groupby(["label", "metric"], observed=True, sort=False)}
    empty = pd.Series(dtype=np.float64)
    rows = []
    for label, reference in comparisons:
        for metric in metrics:
            ref = indexed.get((reference, metric), empty)
            other = indexed.get((label, metric), empty)
            share = outcome_info(metric).kind == "share"
            sd = np.nan
            if not share and staff_sd is not None:
                sd = staff_sd(label, reference, metric)
            result = (_paired(ref, other, n_boot, seed, level, share, sd) if paired
                      else _unpaired(ref, other, n_boot, seed, level, share, sd))
            rows.append({
                "comparison": f"{label} − {reference}", "label": label, "reference": reference,
                "metric": metric, "paired": paired, "n_reference": result["n_ref"],
                "n_other": result["n_other"], "n_pairs": result["n_pairs"],
                "mean_reference": result["mean_ref"], "mean_other": result["mean_other"],
                "estimate": result["estimate"], "ci_low": result["ci_low"],
                "ci_high": result["ci_high"], "sd_difference": result["sd_diff"],
                "std_kind": COHEN_H if share else COHEN_D, "staff_sd": sd,
                "std_effect": result["std"], "std_low": result["std_low"],
                "std_high": result["std_high"], "d_z": result["d_z"],
                "smd_replicate": result["smd"], "level": level, "n_boot": n_boot, "seed": seed})
    return pd.DataFrame(rows, columns=[
        "comparison", "label", "reference", "metric", "paired", "n_reference", "n_other",
        "n_pairs", "mean_reference", "mean_other", "estimate", "ci_low", "ci_high",
        "sd_difference", "std_kind", "staff_sd", "std_effect", "std_low", "std_high", "d_z",
        "smd_replicate", "level", "n_boot", "seed"])


def _ratio(numerator, denominator):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def _standardised(mean_ref, mean_other, diff, share: bool, sd: float):
    if share:
        return cohen_h(mean_other, mean_ref)
    return _ratio(np.asarray(diff, dtype=float), np.full(np.shape(diff), sd, dtype=float))


def _empty_result(n_ref: int, n_other: int, n_pairs: int) -> dict:
    return {"n_ref": n_ref, "n_other": n_other, "n_pairs": n_pairs, "mean_ref": np.nan,
            "mean_other": np.nan, "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
            "sd_diff": np.nan, "smd": np.nan, "d_z": np.nan, "std": np.nan, "std_low": np.nan,
            "std_high": np.nan}


def _paired(ref: pd.Series, other: pd.Series, n_boot: int, seed: int, level: float,
            share: bool = False, sd: float = np.nan) -> dict:
    joined = pd.concat([ref.rename("ref"), other.rename("other")], axis=1, join="inner")
    joined = joined[np.isfinite(joined["ref"]) & np.isfinite(joined["other"])]
    r, o = joined["ref"].to_numpy(), joined["other"].to_numpy()
    d = o - r
    n = len(d)
    out = _empty_result(n, n, n)
    if n == 0:
        return out
    out.update(mean_ref=r.mean(), mean_other=o.mean(), estimate=d.mean())
    out["std"] = float(_standardised(out["mean_ref"], out["mean_other"], out["estimate"], share, sd))
    if n < 2:
        return out
    sd_diff = float(np.std(d, ddof=1))
    s_av = np.sqrt((np.var(r, ddof=1) + np.var(o, ddof=1)) / 2)
    out.update(sd_diff=sd_diff, smd=float(_ratio(out["estimate"], s_av)),
               d_z=float(_ratio(out["estimate"], sd_diff)))
    idx = bootstrap_indices(n, n_boot, seed)
    boot_diff = d[idx].mean(axis=1)
    out["ci_low"], out["ci_high"] = _percentiles(boot_diff, level)
    boot_std = _standardised(r[idx].mean(axis=1), o[idx].mean(axis=1), boot_diff, share, sd)
    out["std_low"], out["std_high"] = _percentiles(np.asarray(boot_std, dtype=float), level)
    return out


def _unpaired(ref: pd.Series, other: pd.Series, n_boot: int, seed: int, level: float,
              share: bool = False, sd: float = np.nan) -> dict:
    r = ref.to_numpy(dtype=np.float64)
    o = other.to_numpy(dtype=np.float64)
    r, o = r[np.isfinite(r)], o[np.isfinite(o)]
    out = _empty_result(len(r), len(o), 0)
    if len(r) == 0 or len(o) == 0:
        return out
    out.update(mean_ref=r.mean(), mean_other=o.mean(), estimate=o.mean() - r.mean())
    out["std"] = float(_standardised(out["mean_ref"], out["mean_other"], out["estimate"], share, sd))
    if len(r) < 2 or len(o) < 2:
        return out
    s_av = np.sqrt((np.var(r, ddof=1) + np.var(o, ddof=1)) / 2)
    out["smd"] = float(_ratio(out["estimate"], s_av))
    rng = np.random.default_rng(seed)
    r_boot = r[rng.integers(0, len(r), size=(n_boot, len(r)))]
    o_boot = o[rng.integers(0, len(o), size=(n_boot, len(o)))]
    boot_diff = o_boot.mean(axis=1) - r_boot.mean(axis=1)
    out["ci_low"], out["ci_high"] = _percentiles(boot_diff, level)
    boot_std = _standardised(r_boot.mean(axis=1), o_boot.mean(axis=1), boot_diff, share, sd)
    out["std_low"], out["std_high"] = _percentiles(np.asarray(boot_std, dtype=float), level)
    return out


def replicate_differences(values: pd.DataFrame, comparisons: Sequence[tuple[str, str]],
                          metrics: Sequence[str]) -> pd.DataFrame:
    """The paired differences of every replicate (for the points of the forest plot and the
    convergence figure): comparison, label, reference, metric, replicate, difference."""
    indexed = {key: group.set_index("replicate")["value"]
               for key, group in values.groupby(["label", "metric"], observed=True, sort=False)}
    parts = []
    for label, reference in comparisons:
        for metric in metrics:
            if (label, metric) not in indexed or (reference, metric) not in indexed:
                continue
            joined = pd.concat([indexed[(reference, metric)].rename("ref"),
                                indexed[(label, metric)].rename("other")], axis=1, join="inner")
            joined = joined[np.isfinite(joined["ref"]) & np.isfinite(joined["other"])]
            parts.append(pd.DataFrame({
                "comparison": f"{label} − {reference}", "label": label, "reference": reference,
                "metric": metric, "replicate": joined.index.to_numpy(),
                "difference": (joined["other"] - joined["ref"]).to_numpy()}))
    columns = ["comparison", "label", "reference", "metric", "replicate", "difference"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def outcome_values(outcomes: pd.DataFrame, label: str = "arm") -> pd.DataFrame:
    """Replicate-level overall outcomes as (label, replicate, metric, value) for
    `paired_differences`."""
    overall = outcomes[outcomes["by"] == "all"]
    frame = overall[[label, "replicate", "metric", "value"]].rename(columns={label: "label"})
    frame["label"] = frame["label"].astype(str)
    return frame.reset_index(drop=True)


# -- agents and dyads ----------------------------------------------------------------------------
def role_labels(role: Iterable[int]) -> pd.Categorical:
    """Decode /agents/final `role` (bit value 1: was a mentor, bit value 2: was a mentee)."""
    role = np.asarray(role, dtype=np.int64)
    names = np.array(ROLE_ORDER, dtype=object)
    mentor, mentee = (role & 1) > 0, (role & 2) > 0
    index = np.where(mentor & mentee, 2, np.where(mentor, 0, np.where(mentee, 1, 3)))
    return pd.Categorical(names[index], categories=list(ROLE_ORDER))


def skill_gain_requirements(agents: pd.DataFrame | None, domains: Sequence[str]) -> list[str]:
    """The /agents/final fields the skill-gain figure needs and the frame lacks."""
    needed = ["role", "skills", "skills_initial", "arm"]
    if agents is None:
        return needed
    have = set(agents.columns)
    missing = [f for f in ("role", "arm") if f not in have]
    if domains and f"skill_{domains[0]}" not in have:
        missing.append("skills")
    if domains and f"skill_initial_{domains[0]}" not in have:
        missing.append("skills_initial")
    return missing


def skill_gain_by_role(agents: pd.DataFrame, domains: Sequence[str],
                       level: float = 0.95) -> pd.DataFrame:
    """Mean skill gain (final − initial) per arm, role and domain, over the active initial staff
    (agents with `left` = −1 and `hired` = 0 when those fields exist).

    With one replicate the t interval is over agents; with several, over the replicate means.
    Columns: arm, role, domain, n_agents, n_replicates, mean, ci_low, ci_high, basis.
    """
    frame = agents
    if "left" in frame:
        frame = frame[frame["left"] < 0]
    if "hired" in frame:
        frame = frame[frame["hired"] == 0]
    roles = role_labels(frame["role"])
    parts = []
    for domain in domains:
        parts.append(pd.DataFrame({
            "arm": frame["arm"].to_numpy(), "role": roles, "replicate": frame["replicate"].to_numpy(),
            "domain": domain,
            "gain": (frame[f"skill_{domain}"] - frame[f"skill_initial_{domain}"]).to_numpy()}))
    long = pd.concat(parts, ignore_index=True)
    long["domain"] = pd.Categorical(long["domain"], categories=list(domains))
    several = long["replicate"].nunique() > 1
    rows = []
    for (arm, role, domain), group in long.groupby(["arm", "role", "domain"], observed=True,
                                                    sort=True):
        if several:
            per_replicate = group.groupby("replicate")["gain"].mean()
            mean, low, high, n, _ = t_interval(per_replicate, level)
        else:
            mean, low, high, n, _ = t_interval(group["gain"], level)
        rows.append((arm, role, domain, len(group), group["replicate"].nunique(), mean, low, high,
                     "replicates" if several else "agents"))
    result = pd.DataFrame(rows, columns=["arm", "role", "domain", "n_agents", "n_replicates",
                                         "mean", "ci_low", "ci_high", "basis"])
    result["role"] = pd.Categorical(result["role"], categories=list(ROLE_ORDER))
    return result


def end_reasons(dyads: pd.DataFrame) -> pd.DataFrame:
    """Dyads by arm, type, formation and end reason (all replicates pooled): count and share of
    the dyads of that arm, type and formation (`active` = still running at the end)."""
    keys = ["arm", "type", "formation"]
    counts = (dyads.groupby([*keys, "end_reason"], observed=True, sort=True).size()
              .rename("count").reset_index())
    totals = counts.groupby(keys, observed=True)["count"].transform("sum")
    counts["n_dyads"] = totals
    counts["share"] = counts["count"] / totals
    return counts


def formation_mix(dyads: pd.DataFrame) -> pd.DataFrame:
    """Dyads per arm, type and formation (all replicates)."""
    return (dyads.groupby(["arm", "type", "formation"], observed=True, sort=True).size()
            .rename("dyads").reset_index())


AGENT_SUMMARY_FIELDS = ("satisfaction", "confidence", "intent_to_leave", "degree", "strength",
                        "cross_institution_ties", "clustering")


def agent_summary(agents: pd.DataFrame, domains: Sequence[str]) -> pd.DataFrame:
    """Per arm (replicate 0): agents, active agents, and mean and SD over active agents of the
    fields present (skills per domain included)."""
    frame = agents[agents["replicate"] == agents["replicate"].min()]
    fields = [f for f in AGENT_SUMMARY_FIELDS if f in frame]
    fields += [f"skill_{d}" for d in domains if f"skill_{d}" in frame]
    rows = []
    for arm, group in frame.groupby("arm", observed=True, sort=True):
        active = group[group["left"] < 0] if "left" in group else group
        row = {"arm": arm, "agents": len(group), "active": len(active)}
        for field in fields:
            values = active[field].to_numpy(dtype=np.float64)
            values = values[np.isfinite(values)]
            row[f"{field}_mean"] = values.mean() if len(values) else np.nan
            row[f"{field}_sd"] = values.std(ddof=1) if len(values) > 1 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


# -- degenerate outcomes -------------------------------------------------------------------------
def constant_value(values) -> float | None:
    """The common value if at least two values are finite and all finite values are equal (to
    1e-12 relative); None otherwise. Such an outcome carries no information about the arms."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return None
    if np.allclose(x, x[0], rtol=1e-12, atol=1e-15):
        return float(x[0])
    return None


def constant_outcomes(outcomes: pd.DataFrame) -> dict[tuple, float]:
    """(metric, by, level) rows of a long /outcomes frame (several files concatenated for
    `compare`) whose values are identical across every replicate and arm: row key -> value.
    Also (metric, None, None) when every row of the metric is constant with one value."""
    constant: dict[tuple, float] = {}
    for (metric, by), part in outcomes.groupby(["metric", "by"], observed=True, sort=False):
        for level, rows in part.groupby(part["level"].fillna(-1), sort=False):
            value = constant_value(rows["value"])
            if value is not None:
                constant[(metric, by, None if by == "all" else int(level))] = value
    for metric, part in outcomes.groupby("metric", observed=True, sort=False):
        value = constant_value(part["value"])
        if value is not None:
            constant[(metric, None, None)] = value
    return constant


def undefined_outcomes(outcomes: pd.DataFrame) -> list[str]:
    """Overall outcomes that are NaN in every replicate and arm (e.g. quality of a formation no
    arm uses)."""
    overall = outcomes[outcomes["by"] == "all"]
    finite = overall.groupby("metric", observed=True)["value"].apply(
        lambda v: np.isfinite(v.to_numpy(dtype=float)).any())
    return [m for m, ok in finite.items() if not ok]


# -- individual-level values for standardised differences ---------------------------------------
def staff_values(agents: pd.DataFrame | None, dyads: pd.DataFrame | None,
                 domains: Sequence[str]) -> pd.DataFrame:
    """Per-agent (or per-dyad) values of the outcomes that are means over individuals, as
    /outcomes defines them (docs/hdf5-schema.md): arm, metric, value. From the replicates whose
    /agents/final the file holds (usually replicate 0) and every dyad.

    skill_gain_<domain>: active initial staff, final − initial skill; satisfaction_change:
    active initial staff who took part; weeks_to_match: eligible initial-staff mentees, matched
    week − enrolled week; complementarity, similarity, meetings_per_dyad and quality_<formation>:
    dyads; strength_change and cross_institution_change: active initial staff, final minus
    initial (`strength_initial`, `cross_institution_ties_initial`; files written before these
    fields existed have no individual-level SD for them)."""
    parts = []
    if agents is not None and "arm" in agents:
        staff = agents
        if "hired" in staff:
            staff = staff[staff["hired"] == 0]
        active = staff[staff["left"] < 0] if "left" in staff else staff
        for domain in domains:
            final, initial = f"skill_{domain}", f"skill_initial_{domain}"
            if final in active and initial in active:
                parts.append(pd.DataFrame({"arm": active["arm"].astype(str).to_numpy(),
                                           "metric": f"skill_gain_{domain}",
                                           "value": (active[final] - active[initial]).to_numpy()}))
        for metric, final, initial in (("strength_change", "strength", "strength_initial"),
                                       ("cross_institution_change", "cross_institution_ties",
                                        "cross_institution_ties_initial")):
            if final in active and initial in active:
                parts.append(pd.DataFrame({"arm": active["arm"].astype(str).to_numpy(), "metric": metric,
                                           "value": (active[final].astype(float)
                                                     - active[initial].astype(float)).to_numpy()}))
        if {"satisfaction", "satisfaction_initial", "role"} <= set(active.columns):
            took_part = active[active["role"].astype(np.int64) != 0]
            parts.append(pd.DataFrame({
                "arm": took_part["arm"].astype(str).to_numpy(), "metric": "satisfaction_change",
                "value": (took_part["satisfaction"].astype(float)
                          - took_part["satisfaction_initial"].astype(float)).to_numpy()}))
        if {"eligible", "matched_week", "enrolled_week"} <= set(staff.columns):
            mentees = staff[((staff["eligible"].astype(np.int64) & 2) > 0)
                            & (staff["matched_week"] >= 0) & (staff["enrolled_week"] >= 0)]
            parts.append(pd.DataFrame({
                "arm": mentees["arm"].astype(str).to_numpy(), "metric": "weeks_to_match",
                "value": (mentees["matched_week"].astype(float)
                          - mentees["enrolled_week"].astype(float)).to_numpy()}))
    if dyads is not None and len(dyads):
        for field in ("complementarity", "similarity"):
            if field in dyads:
                parts.append(pd.DataFrame({"arm": dyads["arm"].astype(str).to_numpy(),
                                           "metric": field,
                                           "value": dyads[field].astype(float).to_numpy()}))
        if "meetings" in dyads:
            parts.append(pd.DataFrame({"arm": dyads["arm"].astype(str).to_numpy(),
                                       "metric": "meetings_per_dyad",
                                       "value": dyads["meetings"].astype(float).to_numpy()}))
        if "quality" in dyads:
            for formation, part in dyads.groupby("formation", observed=True):
                parts.append(pd.DataFrame({"arm": part["arm"].astype(str).to_numpy(),
                                           "metric": f"quality_{formation}",
                                           "value": part["quality"].astype(float).to_numpy()}))
    if not parts:
        return pd.DataFrame({"arm": [], "metric": [], "value": []})
    frame = pd.concat(parts, ignore_index=True)
    return frame[np.isfinite(frame["value"].to_numpy(dtype=float))].reset_index(drop=True)


def pooled_sd(a, b) -> float:
    """Pooled SD of two samples: sqrt(((n_a − 1) s_a² + (n_b − 1) s_b²) / (n_a + n_b − 2))."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return np.nan
    return float(np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1))
                         / (len(a) + len(b) - 2)))


def staff_sd_lookup(values: pd.DataFrame):
    """A `staff_sd(label, reference, metric)` for `paired_differences` from `staff_values`
    output with a `label` column."""
    groups = {key: part["value"].to_numpy() for key, part in
              values.groupby(["label", "metric"], observed=True, sort=False)}

    def lookup(label: str, reference: str, metric: str) -> float:
        a, b = groups.get((label, metric)), groups.get((reference, metric))
        if a is None or b is None:
            return np.nan
        return pooled_sd(a, b)
    return lookup


# -- equity: minority gap and isolation gradient --------------------------------------------------
MINORITY_GAP = "minority gap"
ISOLATION_GRADIENT = "isolation gradient"


def equity_values(outcomes: pd.DataFrame, label: str = "arm") -> pd.DataFrame:
    """Per replicate and label: the minority gap (value of minority staff − value of the others)
    of every /outcomes/by_minority metric and the isolation gradient (least-squares slope over
    isolation quartiles 1 = most isolated .. 4 = least isolated, per quartile) of every
    /outcomes/by_isolation metric. Columns: label, replicate, metric ('<contrast>: <outcome>'),
    contrast, outcome, value."""
    parts = []
    minority = outcomes[outcomes["by"] == "minority"]
    if not minority.empty:
        wide = minority.pivot_table(index=[label, "replicate", "metric"], columns="level",
                                    values="value", aggfunc="first", observed=True, dropna=False)
        if 0 in wide and 1 in wide:
            gap = (wide[1] - wide[0]).rename("value").reset_index()
            gap["contrast"], gap["outcome"] = MINORITY_GAP, gap["metric"]
            parts.append(gap)
    isolation = outcomes[outcomes["by"] == "isolation"]
    if not isolation.empty:
        wide = isolation.pivot_table(index=[label, "replicate", "metric"], columns="level",
                                     values="value", aggfunc="first", observed=True, dropna=False)
        levels = np.array([q for q in (1, 2, 3, 4) if q in wide], dtype=float)
        if len(levels) >= 2:
            y = wide[list(levels.astype(int))].to_numpy(dtype=float)
            x = levels - levels.mean()
            ok = np.isfinite(y).all(axis=1)
            slope = np.where(ok, (np.nan_to_num(y) * x).sum(axis=1) / (x ** 2).sum(), np.nan)
            gradient = pd.DataFrame({"value": slope}, index=wide.index).reset_index()
            gradient["contrast"], gradient["outcome"] = ISOLATION_GRADIENT, gradient["metric"]
            parts.append(gradient)
    if not parts:
        return pd.DataFrame({"label": [], "replicate": [], "metric": [], "contrast": [],
                             "outcome": [], "value": []})
    frame = pd.concat(parts, ignore_index=True).rename(columns={label: "label"})
    frame["label"] = frame["label"].astype(str)
    frame["metric"] = frame["contrast"] + ": " + frame["outcome"].astype(str)
    return frame[["label", "replicate", "metric", "contrast", "outcome", "value"]]


def equity_summary(values: pd.DataFrame, n_boot: int = DEFAULT_BOOTSTRAP,
                   seed: int = DEFAULT_SEED, level: float = 0.95) -> pd.DataFrame:
    """Mean of each label's gap or gradient over replicates with its percentile bootstrap CI."""
    rows = []
    for (label, metric), part in values.groupby(["label", "metric"], sort=False):
        x = part["value"].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        low, high = bootstrap_ci(x, n_boot, seed, level)
        rows.append({"label": label, "metric": metric, "contrast": part["contrast"].iloc[0],
                     "outcome": part["outcome"].iloc[0], "n": len(x),
                     "mean": x.mean() if len(x) else np.nan, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["label", "metric", "contrast", "outcome", "n", "mean",
                                       "ci_low", "ci_high"])


# -- subgroups ------------------------------------------------------------------------------------
SUBGROUP_FACTORS = ("profession", "stage", "institution")


def subgroup_values(timeseries: pd.DataFrame, metrics: Sequence[str],
                    factors: Sequence[str] = SUBGROUP_FACTORS) -> pd.DataFrame:
    """Per replicate, arm and subgroup (a level of profession, career stage or institution): the
    pooled value of each metric at the last observation; for means (not shares), the change of
    the pooled mean since week 0. Columns: factor, level, label (arm), replicate, metric, value,
    n0 (active agents of the subgroup at week 0, all arms)."""
    first, last = timeseries["step"].min(), timeseries["step"].max()
    ends = timeseries[timeseries["step"].isin([first, last])]
    parts = []
    for factor in factors:
        sizes = pool_groups(ends[ends["step"] == first], "n", ("arm", factor)) if "n" in set(
            ends["metric"]) else None
        for metric in metrics:
            pooled = pool_groups(ends, metric, ("arm", factor))
            wide = pooled.pivot_table(index=["replicate", "arm", factor], columns="step",
                                      values="value", observed=True)
            if timeseries_info(metric).kind == "share":
                value = wide[last]
            else:
                value = wide[last] - wide[first]
            part = value.rename("value").reset_index().rename(columns={factor: "level",
                                                                       "arm": "label"})
            part["factor"], part["metric"] = factor, metric
            if sizes is not None:
                n0 = sizes[sizes["replicate"] == sizes["replicate"].min()].groupby(
                    factor, observed=True)["value"].sum()
                part["n0"] = part["level"].map(n0).astype(float)
            else:
                part["n0"] = np.nan
            parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["label"] = frame["label"].astype(str)
    frame["level"] = frame["level"].astype(str)
    return frame[["factor", "level", "label", "replicate", "metric", "value", "n0"]]


def subgroup_effects(values: pd.DataFrame, comparisons: Sequence[tuple[str, str]],
                     n_boot: int = DEFAULT_BOOTSTRAP, seed: int = DEFAULT_SEED,
                     level: float = 0.95) -> pd.DataFrame:
    """Paired difference `label − reference` within every subgroup, with its percentile
    bootstrap CI over replicate pairs."""
    rows = []
    for (factor, lvl), part in values.groupby(["factor", "level"], sort=False):
        keyed = part.rename(columns={"label": "label"})
        diffs = paired_differences(keyed[["label", "replicate", "metric", "value"]], comparisons,
                                   list(dict.fromkeys(part["metric"])), n_boot, seed, level)
        diffs.insert(0, "level_name", lvl)
        diffs.insert(0, "factor", factor)
        diffs["n0"] = part["n0"].iloc[0]
        rows.append(diffs[["factor", "level_name", "comparison", "label", "reference", "metric",
                           "n_pairs", "estimate", "ci_low", "ci_high", "n0"]])
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


# -- unmatched mentees --------------------------------------------------------------------------
UNMATCHED_CATEGORIES = (
    ("matched", "matched"),
    ("not enrolled", None),
    ("no feasible mentor", "unmatched_infeasible"),
    ("every feasible mentor full", "unmatched_no_capacity"),
    ("approached no mentor", "unmatched_not_approached"),
    ("every approached mentor declined", "unmatched_declined"),
    ("lost the approached mentors to other mentees", "unmatched_lost_to_others"),
    ("enrolled, unmatched, no reason recorded", "rest"))


def unmatched_breakdown(outcomes: pd.DataFrame, label: str = "arm") -> pd.DataFrame:
    """What became of the eligible mentees of each label (arm), mean over replicates: matched,
    not enrolled, and enrolled but unmatched by reason (/outcomes unmatched_*), each as a share of
    the eligible mentees and as a count. Labels without a program (no eligible mentees) are left
    out. Columns: label, category, share, count, replicates."""
    overall = outcomes[outcomes["by"] == "all"]
    wide = overall.pivot_table(index=[label, "replicate"], columns="metric", values="value",
                               aggfunc="first", observed=True)
    needed = {"eligible_mentees", "enrolled_mentees", "coverage"}
    if not needed <= set(wide.columns):
        return pd.DataFrame({"label": [], "category": [], "share": [], "count": [],
                             "replicates": []})
    wide = wide[np.isfinite(wide["eligible_mentees"]) & (wide["eligible_mentees"] > 0)]
    eligible = wide["eligible_mentees"]
    counts = {"matched": wide["coverage"] * eligible,
              "not enrolled": eligible - wide["enrolled_mentees"]}
    reasons = 0.0
    for _, name in UNMATCHED_CATEGORIES[2:-1]:
        counts[name] = wide[name] if name in wide else 0.0 * eligible
        reasons = reasons + counts[name]
    counts["rest"] = wide["enrolled_mentees"] - counts["matched"] - reasons
    rows = []
    for key, part in eligible.groupby(level=0, observed=True, sort=False):
        for category, name in UNMATCHED_CATEGORIES:
            name = name or category
            c = counts[name].loc[part.index].to_numpy(dtype=float)
            share = c / part.to_numpy(dtype=float)
            rows.append({"label": str(key), "category": category, "share": float(np.nanmean(share)),
                         "count": float(np.nanmean(c)), "replicates": len(part)})
    frame = pd.DataFrame(rows)
    # Rounding of coverage × eligible leaves |rest| < 1 mentee: that is no category.
    rest = frame["category"] == UNMATCHED_CATEGORIES[-1][0]
    frame.loc[rest & (frame["count"].abs() < 0.5), ["share", "count"]] = 0.0
    return frame


# -- convergence ----------------------------------------------------------------------------------
def convergence(differences: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """The paired difference and its t interval from the first k replicates, k = 2 .. R, for each
    comparison and metric (`replicate_differences` output): how the interval narrows with
    replicates. Columns: comparison, metric, k, estimate, ci_low, ci_high, half_width."""
    rows = []
    for (comparison, metric), part in differences.groupby(["comparison", "metric"], sort=False):
        d = part.sort_values("replicate")["difference"].to_numpy(dtype=float)
        for k in range(2, len(d) + 1):
            mean, low, high, _, _ = t_interval(d[:k], level)
            rows.append({"comparison": comparison, "metric": metric, "k": k, "estimate": mean,
                         "ci_low": low, "ci_high": high, "half_width": (high - low) / 2})
    return pd.DataFrame(rows, columns=["comparison", "metric", "k", "estimate", "ci_low",
                                       "ci_high", "half_width"])


def replicates_needed(mean: float, sd: float, target: float, level: float = 0.95,
                      limit: int = 100000) -> float:
    """Smallest n >= 2 with t_{(1+level)/2, n-1} · sd / sqrt(n) <= target, if the mean and SD
    stay as estimated; NaN if undefined, inf beyond `limit`."""
    if not (np.isfinite(sd) and np.isfinite(target)) or target <= 0:
        return np.nan
    if sd == 0:
        return 2.0
    n = max(2, int(np.ceil((1.96 * sd / target) ** 2)) - 2)
    while n <= limit:
        if _scipy_stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n) <= target:
            return float(n)
        n += 1
    return np.inf


def convergence_summary(differences: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per comparison and metric: replicates R, the t half-width now, and the replicates needed
    to halve it and for the interval to exclude zero (if mean and SD stay as estimated)."""
    rows = []
    for (comparison, metric), part in differences.groupby(["comparison", "metric"], sort=False):
        d = part["difference"].to_numpy(dtype=float)
        mean, low, high, n, sd = t_interval(d, level)
        half = (high - low) / 2 if n >= 2 else np.nan
        rows.append({"comparison": comparison, "metric": metric, "replicates": n,
                     "estimate": mean, "half_width": half,
                     "replicates_to_halve": replicates_needed(mean, sd, half / 2, level),
                     "replicates_to_exclude_zero": (float(n) if n >= 2 and (low > 0 or high < 0)
                                                    else replicates_needed(mean, sd, abs(mean), level))})
    return pd.DataFrame(rows)


# -- network ------------------------------------------------------------------------------------
def mentoring_cross_institution(dyads: pd.DataFrame, agents: pd.DataFrame) -> pd.DataFrame:
    """Share of each arm's dyads whose mentor and mentee have different home institutions, per
    replicate whose /agents/final the file holds. Columns: arm, replicate, share, dyads."""
    rows = []
    if dyads is None or agents is None or "institution" not in agents:
        return pd.DataFrame({"arm": [], "replicate": [], "share": [], "dyads": []})
    for replicate, staff in agents.groupby("replicate"):
        home = pd.Series(staff["institution"].astype(str).to_numpy(), index=staff["id"].to_numpy())
        part = dyads[dyads["replicate"].astype(np.int64) == replicate]
        if part.empty:
            continue
        mentor = home.reindex(part["mentor"].astype(np.int64).to_numpy()).to_numpy()
        mentee = home.reindex(part["mentee"].astype(np.int64).to_numpy()).to_numpy()
        cross = mentor != mentee
        for arm, idx in pd.Series(np.arange(len(part))).groupby(part["arm"].astype(str).to_numpy()):
            rows.append({"arm": arm, "replicate": int(replicate),
                         "share": float(cross[idx.to_numpy()].mean()), "dyads": len(idx)})
    return pd.DataFrame(rows, columns=["arm", "replicate", "share", "dyads"])


def tie_homophily(network: pd.DataFrame, agents: pd.DataFrame,
                  fields: Sequence[str] = ("unit", "profession", "institution")) -> pd.DataFrame:
    """Share of collegial ties between agents with the same unit, profession or home
    institution, and the share expected if ties were formed at random among the same agents
    (sum of squared shares of each value, by degree). Columns: field, observed, random."""
    rows = []
    staff = agents.set_index("id")
    src, dst = network["src"].to_numpy(dtype=np.int64), network["dst"].to_numpy(dtype=np.int64)
    for field in fields:
        if field not in staff:
            continue
        value = staff[field].astype(str)
        a, b = value.reindex(src).to_numpy(), value.reindex(dst).to_numpy()
        observed = float((a == b).mean()) if len(a) else np.nan
        ends = pd.Series(np.concatenate([a, b]))
        shares = ends.value_counts(normalize=True).to_numpy()
        rows.append({"field": field, "observed": observed, "random": float((shares ** 2).sum())})
    return pd.DataFrame(rows, columns=["field", "observed", "random"])
