"""Calibration files of `mentorsim calibrate` (docs/calibration-abc.md): the prior draws, the weighted
posterior sample and the pattern table at the posterior median, with the figures of a calibration:
marginal posteriors against the prior, pairwise posteriors, and each pattern's statistic at the prior
and at the posterior against its target."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .io import AnalysisError, _text

PRIOR_COLOR = "#9e9e9e"
POSTERIOR_COLOR = "#1b6ca8"
MEDIAN_COLOR = "#d1495b"
TARGET_COLOR = "#2a9d8f"


@dataclass
class Calibration:
    path: Path
    meta: dict
    keys: list[str]
    distributions: list[str]
    prior_min: np.ndarray          # [K]
    prior_max: np.ndarray          # [K]
    patterns: list[str]
    target_low: np.ndarray         # [J]
    target_high: np.ndarray        # [J]
    tolerance: np.ndarray          # [J]
    prior_parameters: np.ndarray   # [D, K]
    prior_statistics: np.ndarray   # [D, J]
    prior_distances: np.ndarray    # [D]
    parameters: np.ndarray         # [N, K] the posterior sample
    weights: np.ndarray            # [N]
    distances: np.ndarray          # [N]
    statistics: np.ndarray         # [N, J]
    median: np.ndarray             # [K]
    stages: pd.DataFrame           # stage, tolerance, simulations, accepted, complete
    table: pd.DataFrame            # pattern, low, high, tolerance, mean, ci_low, ci_high, pass

    def summary(self) -> pd.DataFrame:
        """Per parameter: the prior range and the posterior's weighted mean, sd, median and 90 % interval."""
        rows = []
        for k, key in enumerate(self.keys):
            x = self.parameters[:, k]
            mean = float(np.sum(self.weights * x))
            sd = float(np.sqrt(np.sum(self.weights * (x - mean) ** 2)))
            q05, q50, q95 = weighted_quantiles(x, self.weights, [0.05, 0.5, 0.95])
            rows.append({"parameter": key, "prior": self.distributions[k], "min": self.prior_min[k],
                         "max": self.prior_max[k], "mean": mean, "sd": sd, "q05": q05, "median": q50,
                         "q95": q95})
        return pd.DataFrame(rows)


def weighted_quantiles(values, weights, qs) -> list[float]:
    """The smallest value whose cumulative weight reaches each q (weights are normalised here)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if values.size == 0 or values.size != weights.size or not np.all(weights >= 0) or weights.sum() <= 0:
        raise AnalysisError("weighted quantiles need as many non-negative weights as values, not all zero")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return [float(values[order][min(np.searchsorted(cumulative, q - 1e-12), values.size - 1)]) for q in qs]


def _strings(f: h5py.File, path: str) -> list[str]:
    return [_text(v, path) for v in f[path][()]]


def load_calibration(path: str | Path) -> Calibration:
    path = Path(path)
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise AnalysisError(f"{path}: cannot read: {error}") from error
    with f:
        kind = _text(f.attrs["kind"], "the root attribute kind") if "kind" in f.attrs else "run"
        if kind != "calibration":
            raise AnalysisError(f"{path}: not a calibration file (kind {kind})")
        for needed in ("posterior/parameters", "posterior/weights", "prior/parameters", "targets/id", "median/mean"):
            if needed not in f:
                raise AnalysisError(f"{path}: no /{needed}: not a complete calibration file")
        meta = {k: (_text(v, f"/meta attribute {k}") if isinstance(v, (bytes, str, np.bytes_))
                    else np.asarray(v).item()) for k, v in f["meta"].attrs.items()}
        patterns = _strings(f, "targets/id")
        stages = pd.DataFrame({"stage": np.arange(len(f["stages/tolerance"])),
                               "tolerance": f["stages/tolerance"][()],
                               "simulations": f["stages/simulations"][()],
                               "accepted": f["stages/accepted"][()],
                               "complete": f["stages/complete"][()].astype(bool)})
        table = pd.DataFrame({"pattern": patterns, "low": f["targets/low"][()], "high": f["targets/high"][()],
                              "tolerance": f["targets/tolerance"][()], "mean": f["median/mean"][()],
                              "ci_low": f["median/ci_low"][()], "ci_high": f["median/ci_high"][()],
                              "pass": f["median/pass"][()].astype(bool)})
        cal = Calibration(
            path=path, meta=meta, keys=_strings(f, "prior/keys"),
            distributions=_strings(f, "prior/distribution"), prior_min=f["prior/min"][()],
            prior_max=f["prior/max"][()], patterns=patterns, target_low=f["targets/low"][()],
            target_high=f["targets/high"][()], tolerance=f["targets/tolerance"][()],
            prior_parameters=f["prior/parameters"][()], prior_statistics=f["prior/statistics"][()],
            prior_distances=f["prior/distances"][()], parameters=f["posterior/parameters"][()],
            weights=f["posterior/weights"][()], distances=f["posterior/distances"][()],
            statistics=f["posterior/statistics"][()], median=f["posterior/median"][()], stages=stages,
            table=table)
    k, j = len(cal.keys), len(cal.patterns)
    if cal.parameters.ndim != 2 or cal.parameters.shape[1] != k or cal.weights.shape != (cal.parameters.shape[0],) \
            or cal.statistics.shape != (cal.parameters.shape[0], j) or cal.prior_parameters.shape[1] != k:
        raise AnalysisError(f"{path}: /posterior and /prior do not agree on their shapes")
    return cal


def _short(key: str) -> str:
    return key.split(".")[-1]


def _bins(cal: Calibration, k: int, n: int = 20) -> np.ndarray:
    lo, hi = cal.prior_min[k], cal.prior_max[k]
    if cal.distributions[k] == "log_uniform":
        return np.geomspace(lo, hi, n + 1)
    return np.linspace(lo, hi, n + 1)


def plot_marginals(cal: Calibration) -> Figure:
    """Each parameter: the prior draws (grey) and the weighted posterior (blue), as densities over the
    prior's range (log axis for log-uniform priors), with the posterior median."""
    k = len(cal.keys)
    fig = Figure(figsize=(3.2 * k, 2.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, k))
    for i, ax in enumerate(axes):
        bins = _bins(cal, i)
        ax.hist(cal.prior_parameters[:, i], bins=bins, density=True, color=PRIOR_COLOR, alpha=0.5, label="prior draws")
        ax.hist(cal.parameters[:, i], bins=bins, weights=cal.weights, density=True, color=POSTERIOR_COLOR,
                alpha=0.7, label="posterior")
        ax.axvline(cal.median[i], color=MEDIAN_COLOR, linewidth=1.2, label="posterior median")
        if cal.distributions[i] == "log_uniform":
            ax.set_xscale("log")
        ax.set_xlabel(_short(cal.keys[i]))
        ax.set_yticks([])
    axes[0].set_ylabel("density")
    axes[0].legend(fontsize=7)
    return fig


def plot_pairs(cal: Calibration) -> Figure:
    """Every pair of parameters: prior draws (grey) and posterior particles (blue, area by weight)."""
    k = len(cal.keys)
    size = max(k, 2)
    fig = Figure(figsize=(2.6 * size, 2.4 * size), layout="constrained")
    axes = np.asarray(fig.subplots(size, size, squeeze=False))
    area = 12.0 + 200.0 * cal.weights / cal.weights.max()
    for r in range(size):
        for c in range(size):
            ax = axes[r, c]
            if r >= k or c >= k:
                ax.set_visible(False)
                continue
            if r == c:
                bins = _bins(cal, c)
                ax.hist(cal.parameters[:, c], bins=bins, weights=cal.weights, color=POSTERIOR_COLOR, alpha=0.7)
                ax.set_yticks([])
            else:
                ax.scatter(cal.prior_parameters[:, c], cal.prior_parameters[:, r], s=4, color=PRIOR_COLOR, alpha=0.5)
                ax.scatter(cal.parameters[:, c], cal.parameters[:, r], s=area, color=POSTERIOR_COLOR, alpha=0.6,
                           edgecolors="none")
                ax.plot(cal.median[c], cal.median[r], marker="+", color=MEDIAN_COLOR, markersize=10)
                if cal.distributions[r] == "log_uniform":
                    ax.set_yscale("log")
                ax.set_ylabel(_short(cal.keys[r]), fontsize=8)
            if cal.distributions[c] == "log_uniform":
                ax.set_xscale("log")
            ax.set_xlabel(_short(cal.keys[c]), fontsize=8)
    return fig


def plot_patterns(cal: Calibration) -> Figure:
    """Each pattern: its target range (dark band) widened by the tolerance (light band); the statistic
    over the prior draws and over the posterior (weighted 5-95 % and median), and the mean with its 95 %
    interval over the runs at the posterior median."""
    j = len(cal.patterns)
    fig = Figure(figsize=(max(4.0, 1.3 * j + 1.5), 3.4), layout="constrained")
    ax = fig.subplots()
    for i in range(j):
        lo, hi, tol = cal.target_low[i], cal.target_high[i], cal.tolerance[i]
        ax.add_patch(_band(i, lo - tol, hi + tol, 0.25))
        ax.add_patch(_band(i, lo, hi, 0.55))
        prior = cal.prior_statistics[:, i]
        prior = prior[np.isfinite(prior)]
        if prior.size:
            q = np.quantile(prior, [0.05, 0.5, 0.95])
            ax.plot([i - 0.15] * 2, [q[0], q[2]], color=PRIOR_COLOR, linewidth=3)
            ax.plot(i - 0.15, q[1], "o", color=PRIOR_COLOR, markersize=5)
        post = cal.statistics[:, i]
        ok = np.isfinite(post)
        if ok.any():
            q = weighted_quantiles(post[ok], cal.weights[ok], [0.05, 0.5, 0.95])
            ax.plot([i] * 2, [q[0], q[2]], color=POSTERIOR_COLOR, linewidth=3)
            ax.plot(i, q[1], "o", color=POSTERIOR_COLOR, markersize=5)
        row = cal.table.iloc[i]
        if np.isfinite(row["mean"]):
            low = row["ci_low"] if np.isfinite(row["ci_low"]) else row["mean"]
            high = row["ci_high"] if np.isfinite(row["ci_high"]) else row["mean"]
            ax.errorbar(i + 0.15, row["mean"], yerr=[[row["mean"] - low], [high - row["mean"]]], fmt="D",
                        color=MEDIAN_COLOR, markersize=4, capsize=3)
    ax.set_xticks(range(j), cal.patterns)
    ax.set_xlim(-0.6, j - 0.4)
    ax.set_ylabel("pattern statistic")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=TARGET_COLOR, alpha=0.55, label="target"),
                       Patch(color=TARGET_COLOR, alpha=0.25, label="target +- tolerance"),
                       Line2D([], [], color=PRIOR_COLOR, linewidth=3, label="prior draws, 5-95 %"),
                       Line2D([], [], color=POSTERIOR_COLOR, linewidth=3, label="posterior, 5-95 %"),
                       Line2D([], [], color=MEDIAN_COLOR, marker="D", linestyle="none",
                              label="at the posterior median, 95 % CI")], fontsize=7, loc="best")
    return fig


def _band(i: int, low: float, high: float, alpha: float):
    from matplotlib.patches import Rectangle
    return Rectangle((i - 0.3, low), 0.6, high - low, color=TARGET_COLOR, alpha=alpha, linewidth=0)


def sections(cal: Calibration):
    """The report sections of a calibration file."""
    from .report import FigureItem, Section, TableItem
    s = Section("calibration", "Calibration (approximate Bayesian computation)")
    stages = cal.stages
    rate = stages["accepted"] / stages["simulations"]
    s.paragraphs.append(
        f"{len(cal.keys)} parameter(s) ({html.escape(', '.join(cal.keys))}) calibrated against "
        f"{len(cal.patterns)} pattern(s) ({html.escape(', '.join(cal.patterns))}): "
        f"{int(stages['simulations'].sum())} parameter sets simulated x {cal.meta.get('replicates')} replicate(s) "
        f"over {len(stages)} stage(s); the posterior holds {len(cal.weights)} particles "
        f"(acceptance rate of the last stage {rate.iloc[-1]:.3g}; docs/calibration-abc.md).")
    s.code.append(("Calibration file", "toml", str(cal.meta.get("calibration_toml", ""))))
    summary = cal.summary()
    s.tables.append(TableItem("posterior_summary", summary, summary.round(4), "Posterior per parameter."))
    s.tables.append(TableItem("stages", stages, stages.round(4), "Stages: tolerance, simulations, acceptances."))
    s.figures.append(FigureItem("posterior_marginals", plot_marginals(cal),
                                "Marginal posteriors (blue) against the prior draws (grey)."))
    s.figures.append(FigureItem("posterior_pairs", plot_pairs(cal),
                                "Pairwise posteriors: particles sized by weight over the prior draws."))
    s.figures.append(FigureItem("patterns_prior_posterior", plot_patterns(cal),
                                "Each pattern's statistic at the prior and the posterior against its target."))
    table = cal.table
    s.tables.append(TableItem("patterns_at_median", table, table.round(4),
                              "The pattern table at the posterior median."))
    return [s]
