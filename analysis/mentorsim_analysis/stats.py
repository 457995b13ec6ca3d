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


def timeseries_bands(timeseries: pd.DataFrame, metrics: Iterable[str], by: Sequence[str] = ("arm",),
                     band: str = "ci", level: float = 0.95) -> pd.DataFrame:
    """Pooled series with bands for several metrics: label (the `by` values joined), step,
    metric, mean, low, high, n."""
    parts = []
    for metric in metrics:
        pooled = pool_groups(timeseries, metric, by)
        pooled["label"] = _join_labels(pooled, by)
        bands = band_over_replicates(pooled, ("label", "step"), band, level)
        bands.insert(2, "metric", metric)
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


def paired_differences(values: pd.DataFrame, comparisons: Sequence[tuple[str, str]],
                       metrics: Sequence[str], n_boot: int = DEFAULT_BOOTSTRAP,
                       seed: int = DEFAULT_SEED, level: float = 0.95,
                       paired: bool = True) -> pd.DataFrame:
    """Differences `label − reference` of replicate-level values for each comparison and metric.

    `values` has columns label, replicate, metric, value. Paired (common random numbers): the
    difference is taken within each replicate present and finite in both, then averaged; the
    bootstrap resamples replicates (pairs). Unpaired: difference of means, each side resampled on
    its own. Effect size: risk difference for shares; for means the SMD d_av = mean difference /
    sqrt((SD_ref² + SD_other²) / 2) (SDs over replicates); d_z = mean difference / SD of the
    paired differences. CIs are percentile bootstrap CIs with `n_boot` resamples seeded by `seed`.
    """
    indexed = {key: group.set_index("replicate")["value"]
               for key, group in values.groupby(["label", "metric"], observed=True, sort=False)}
    empty = pd.Series(dtype=np.float64)
    rows = []
    for label, reference in comparisons:
        for metric in metrics:
            ref = indexed.get((reference, metric), empty)
            other = indexed.get((label, metric), empty)
            result = (_paired(ref, other, n_boot, seed, level) if paired
                      else _unpaired(ref, other, n_boot, seed, level))
            kind = effect_kind(metric)
            if kind == "risk difference":
                effect, effect_low, effect_high = result["estimate"], result["ci_low"], result["ci_high"]
            else:
                effect, effect_low, effect_high = result["smd"], result["smd_low"], result["smd_high"]
            rows.append({
                "comparison": f"{label} − {reference}", "label": label, "reference": reference,
                "metric": metric, "paired": paired, "n_reference": result["n_ref"],
                "n_other": result["n_other"], "n_pairs": result["n_pairs"],
                "mean_reference": result["mean_ref"], "mean_other": result["mean_other"],
                "estimate": result["estimate"], "ci_low": result["ci_low"],
                "ci_high": result["ci_high"], "sd_difference": result["sd_diff"],
                "effect_size": kind, "effect": effect, "effect_ci_low": effect_low,
                "effect_ci_high": effect_high, "d_z": result["d_z"], "level": level,
                "n_boot": n_boot, "seed": seed})
    return pd.DataFrame(rows)


def _ratio(numerator, denominator):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def _paired(ref: pd.Series, other: pd.Series, n_boot: int, seed: int, level: float) -> dict:
    joined = pd.concat([ref.rename("ref"), other.rename("other")], axis=1, join="inner")
    joined = joined[np.isfinite(joined["ref"]) & np.isfinite(joined["other"])]
    r, o = joined["ref"].to_numpy(), joined["other"].to_numpy()
    d = o - r
    n = len(d)
    out = {"n_ref": n, "n_other": n, "n_pairs": n,
           "mean_ref": r.mean() if n else np.nan, "mean_other": o.mean() if n else np.nan,
           "estimate": d.mean() if n else np.nan, "ci_low": np.nan, "ci_high": np.nan,
           "sd_diff": np.nan, "smd": np.nan, "smd_low": np.nan, "smd_high": np.nan, "d_z": np.nan}
    if n < 2:
        return out
    sd_diff = float(np.std(d, ddof=1))
    s_av = np.sqrt((np.var(r, ddof=1) + np.var(o, ddof=1)) / 2)
    out.update(sd_diff=sd_diff, smd=float(_ratio(out["estimate"], s_av)),
               d_z=float(_ratio(out["estimate"], sd_diff)))
    idx = bootstrap_indices(n, n_boot, seed)
    boot_diff = d[idx].mean(axis=1)
    out["ci_low"], out["ci_high"] = _percentiles(boot_diff, level)
    boot_s_av = np.sqrt((np.var(r[idx], axis=1, ddof=1) + np.var(o[idx], axis=1, ddof=1)) / 2)
    out["smd_low"], out["smd_high"] = _percentiles(_ratio(boot_diff, boot_s_av), level)
    return out


def _unpaired(ref: pd.Series, other: pd.Series, n_boot: int, seed: int, level: float) -> dict:
    r = ref.to_numpy(dtype=np.float64)
    o = other.to_numpy(dtype=np.float64)
    r, o = r[np.isfinite(r)], o[np.isfinite(o)]
    out = {"n_ref": len(r), "n_other": len(o), "n_pairs": 0,
           "mean_ref": r.mean() if len(r) else np.nan, "mean_other": o.mean() if len(o) else np.nan,
           "ci_low": np.nan, "ci_high": np.nan, "sd_diff": np.nan, "smd": np.nan,
           "smd_low": np.nan, "smd_high": np.nan, "d_z": np.nan}
    out["estimate"] = out["mean_other"] - out["mean_ref"]
    if len(r) < 2 or len(o) < 2:
        return out
    s_av = np.sqrt((np.var(r, ddof=1) + np.var(o, ddof=1)) / 2)
    out["smd"] = float(_ratio(out["estimate"], s_av))
    rng = np.random.default_rng(seed)
    r_boot = r[rng.integers(0, len(r), size=(n_boot, len(r)))]
    o_boot = o[rng.integers(0, len(o), size=(n_boot, len(o)))]
    boot_diff = o_boot.mean(axis=1) - r_boot.mean(axis=1)
    out["ci_low"], out["ci_high"] = _percentiles(boot_diff, level)
    boot_s_av = np.sqrt((np.var(r_boot, axis=1, ddof=1) + np.var(o_boot, axis=1, ddof=1)) / 2)
    out["smd_low"], out["smd_high"] = _percentiles(_ratio(boot_diff, boot_s_av), level)
    return out


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
