"""Sweep and power files of `mentorsim sweep` and `mentorsim power` (docs/hdf5-schema.md, "Sweep files"
and "Power files"; docs/experiments.md).

`load_sweep(path)` gives tidy frames with the design columns beside every value; `load_power(path)`
the power table. The figures: Sobol indices per outcome with their intervals, each outcome against each
design parameter (points and a smoother, by arm), a heatmap for two-parameter grids, the power curve.
`build_report(path, outdir)` writes them as a report (used by `mentorsim_analysis report` when it is
given a sweep or power file).
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import h5py
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .io import AnalysisError, _text, check_names
from .palette import arm_colors

ALPHA_LINE = "#888888"


def file_kind(path: str | Path) -> str:
    """"sweep", "power", "calibration" or "run" (a results file of `mentorsim run`, or anything else: `load` then says
    what is wrong with it)."""
    try:
        with h5py.File(path, "r") as f:
            return _text(f.attrs["kind"], "the root attribute kind") if "kind" in f.attrs else "run"
    except OSError:
        return "run"


def _meta(f: h5py.File) -> dict:
    return {k: (_text(v, f"/meta attribute {k}") if isinstance(v, (bytes, str, np.bytes_)) else np.asarray(v).item())
            for k, v in f["meta"].attrs.items()}


@dataclass
class Sweep:
    """A sweep file: `design` (one row per point), `runs()`, `timeseries()` and `sensitivity()`."""
    path: Path
    meta: dict
    arms: list[str]
    keys: list[str]
    design: pd.DataFrame          # point, then one column per swept key
    outcomes: list[str]           # /runs datasets, "by_minority/<name>" included
    metrics: list[str]            # /timeseries datasets

    def _with_design(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.merge(self.design, on="point", how="left")

    def runs(self, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per point, replicate, arm, outcome (and level for breakdowns), with the design."""
        names = check_names(outcomes, self.outcomes, "outcome")
        parts = []
        with h5py.File(self.path, "r") as f:
            for name in names:
                data = f[f"runs/{name}"][()].astype(np.float64)
                points, reps, arms = data.shape[:3]
                levels = data.shape[3] if data.ndim == 4 else 1
                parts.append(pd.DataFrame({
                    "point": np.repeat(np.arange(points), reps * arms * levels),
                    "replicate": np.tile(np.repeat(np.arange(reps), arms * levels), points),
                    "arm": np.tile(np.repeat(np.arange(arms), levels), points * reps),
                    "outcome": name,
                    "level": np.tile(np.arange(levels), points * reps * arms) if levels > 1 else -1,
                    "value": data.reshape(-1)}))
        frame = pd.concat(parts, ignore_index=True)
        frame["arm"] = pd.Categorical.from_codes(frame["arm"], categories=self.arms)
        return self._with_design(frame)

    def timeseries(self, metrics: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per point, replicate, arm, metric and observed week, with the design."""
        if not self.metrics:
            raise AnalysisError(f"{self.path}: this sweep kept no time series")
        names = check_names(metrics, self.metrics, "time series metric")
        parts = []
        with h5py.File(self.path, "r") as f:
            steps = f["timeseries/step"][()]
            for name in names:
                data = f[f"timeseries/{name}"][()].astype(np.float64)
                points, reps, arms, obs = data.shape
                parts.append(pd.DataFrame({
                    "point": np.repeat(np.arange(points), reps * arms * obs),
                    "replicate": np.tile(np.repeat(np.arange(reps), arms * obs), points),
                    "arm": np.tile(np.repeat(np.arange(arms), obs), points * reps),
                    "step": np.tile(steps, points * reps * arms),
                    "metric": name, "value": data.reshape(-1)}))
        frame = pd.concat(parts, ignore_index=True)
        frame["arm"] = pd.Categorical.from_codes(frame["arm"], categories=self.arms)
        return self._with_design(frame)

    def sensitivity(self) -> pd.DataFrame | None:
        """Sobol indices: one row per outcome, target (arm or contrast) and parameter; None if the
        design is not a Sobol design."""
        with h5py.File(self.path, "r") as f:
            if "sensitivity" not in f:
                return None
            g = f["sensitivity"]
            targets = [_text(t, "/sensitivity/targets") for t in g["targets"][()]]
            parameters = [_text(p, "/sensitivity/parameters") for p in g["parameters"][()]]
            parts = []
            for name in sorted(k for k in g if isinstance(g[k], h5py.Group)):
                columns = {}
                for field in ("first", "first_low", "first_high", "total", "total_low", "total_high"):
                    columns[field] = g[f"{name}/{field}"][()].reshape(-1)
                frame = pd.DataFrame(columns)
                frame.insert(0, "parameter", np.tile(parameters, len(targets)))
                frame.insert(0, "target", np.repeat(targets, len(parameters)))
                frame.insert(0, "outcome", name)
                parts.append(frame)
        return pd.concat(parts, ignore_index=True) if parts else None

    def point_means(self, outcome: str) -> pd.DataFrame:
        """The mean over replicates of a single-valued outcome per point and arm, with the design."""
        runs = self.runs([outcome])
        means = (runs.groupby(["point", "arm"], observed=True)["value"].mean().rename("value")
                 .reset_index())
        return self._with_design(means)


def differences_from_first_point(sweep: Sweep, outcome: str) -> pd.DataFrame:
    """Per design point and arm: the replicate mean of a single-valued outcome and its difference from
    the first point's, with the standard error of that difference.

    With common random numbers, replicate r of every point has the same workforce and the same draws
    for what the point does not change (docs/experiments.md), so the difference is paired by replicate:
    the mean of the replicates' differences, SE = their SD / sqrt(n) over the replicates where both
    values are finite. With independent random numbers it is the difference of the two means, SE =
    sqrt(s1^2 / n1 + s0^2 / n0). The first point is the reference: in an ablation grid over
    dynamics.disabled, put [] (every submodel on) first."""
    runs = sweep.runs([outcome])
    runs = runs[runs["level"] == -1]
    paired = sweep.meta.get("random_numbers") == "common"
    rows = []
    for (point, arm), group in runs.groupby(["point", "arm"], observed=True, sort=True):
        mine = group.set_index("replicate")["value"]
        first = runs[(runs["point"] == runs["point"].min()) & (runs["arm"] == arm)].set_index("replicate")["value"]
        mean = float(np.nanmean(mine)) if np.isfinite(mine).any() else np.nan
        if paired:
            diff = (mine - first.reindex(mine.index)).to_numpy()
            diff = diff[np.isfinite(diff)]
            n = len(diff)
            estimate = float(diff.mean()) if n else np.nan
            se = float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
        else:
            a, b = mine[np.isfinite(mine)], first[np.isfinite(first)]
            n = min(len(a), len(b))
            estimate = float(a.mean() - b.mean()) if len(a) and len(b) else np.nan
            se = (float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
                  if len(a) > 1 and len(b) > 1 else np.nan)
        rows.append({"point": int(point), "arm": str(arm), "mean": mean, "difference": estimate,
                     "se": se, "replicates": n})
    frame = pd.DataFrame(rows, columns=["point", "arm", "mean", "difference", "se", "replicates"])
    return frame.merge(sweep.design, on="point", how="left")[
        ["point", *sweep.keys, "arm", "mean", "difference", "se", "replicates"]]


def load_sweep(path: str | Path) -> Sweep:
    path = Path(path)
    if not path.is_file():
        raise AnalysisError(f"{path}: no such file")
    if file_kind(path) != "sweep":
        raise AnalysisError(f"{path}: not a sweep file (written by `mentorsim sweep`)")
    with h5py.File(path, "r") as f:
        for name in ("meta", "design", "runs", "codes/arm"):
            if name not in f:
                raise AnalysisError(f"{path}: missing /{name}")
        arms = [_text(a, "/codes/arm") for a in f["codes/arm"][()]]
        keys = [_text(k, "/codes/design_key") for k in f["codes/design_key"][()]] if "codes/design_key" in f else []
        points = int(np.asarray(f["meta"].attrs["points"]).item())
        columns = {"point": np.arange(points)}
        for key in keys:
            data = f[f"design/{key}"]
            columns[key] = data.asstr()[()] if h5py.check_string_dtype(data.dtype) else data[()]
        outcomes = []
        f["runs"].visititems(lambda name, obj: outcomes.append(name)
                             if isinstance(obj, h5py.Dataset) else None)
        metrics = sorted(k for k in f["timeseries"] if k != "step") if "timeseries" in f else []
        return Sweep(path, _meta(f), arms, keys, pd.DataFrame(columns), sorted(outcomes), metrics)


@dataclass
class Power:
    """A power file: `table` has one row per pilot size and analysis."""
    path: Path
    meta: dict
    settings: dict
    table: pd.DataFrame


def load_power(path: str | Path) -> Power:
    path = Path(path)
    if not path.is_file():
        raise AnalysisError(f"{path}: no such file")
    if file_kind(path) != "power":
        raise AnalysisError(f"{path}: not a power file (written by `mentorsim power`)")
    with h5py.File(path, "r") as f:
        g = f["power"]
        settings = {k: (_text(v, f"/power attribute {k}") if isinstance(v, (bytes, str)) else np.asarray(v).tolist())
                    for k, v in g.attrs.items()}
        units = g["units"][()]
        parts = []
        for analysis in ("t_test", "mixed_model"):
            a = g[analysis]
            frame = pd.DataFrame({"units": units, "analysis": analysis})
            for field in ("estimate_mean", "estimate_sd", "bias", "power", "power_low", "power_high"):
                frame[field] = a[field][()]
            frame["icc_mean"] = g["mixed_model/icc_mean"][()]
            parts.append(frame)
        return Power(path, _meta(f), settings, pd.concat(parts, ignore_index=True))


# -- figures -------------------------------------------------------------------------------------

def plot_sensitivity(indices: pd.DataFrame, outcome: str) -> Figure:
    """First-order and total Sobol indices of one outcome with their intervals, a panel per target."""
    rows = indices[indices["outcome"] == outcome]
    if rows.empty:
        raise AnalysisError(f"no Sobol indices for outcome {outcome!r}")
    targets = list(dict.fromkeys(rows["target"]))
    parameters = list(dict.fromkeys(rows["parameter"]))
    fig = Figure(figsize=(3.2 * len(targets) + 1.5, 0.45 * len(parameters) + 1.4), layout="constrained")
    axes = fig.subplots(1, len(targets), sharey=True, squeeze=False)[0]
    y = np.arange(len(parameters))
    for ax, target in zip(axes, targets):
        t = rows[rows["target"] == target].set_index("parameter").loc[parameters]
        if t[["first", "total"]].isna().all().all():
            ax.text(0.5, 0.5, "no variance to apportion", transform=ax.transAxes, ha="center",
                    va="center", fontsize=8, color=ALPHA_LINE)
        for offset, kind, color in ((-0.18, "first", "#1b6ca8"), (0.18, "total", "#d1495b")):
            value = t[kind].to_numpy()
            ax.barh(y + offset, np.nan_to_num(value), height=0.34, color=color,
                    label="first order" if kind == "first" else "total")
            low, high = t[f"{kind}_low"].to_numpy(), t[f"{kind}_high"].to_numpy()
            ok = np.isfinite(value) & np.isfinite(low) & np.isfinite(high)
            if ok.any():
                err = np.abs(np.vstack([value[ok] - low[ok], high[ok] - value[ok]]))
                ax.errorbar(value[ok], (y + offset)[ok], xerr=err, fmt="none", ecolor="black",
                            elinewidth=0.8, capsize=2)
        ax.axvline(0, color=ALPHA_LINE, linewidth=0.6)
        ax.set_title(target, fontsize=9)
        ax.set_xlabel("Sobol index")
        ax.set_yticks(y, parameters, fontsize=8)
    axes[0].invert_yaxis()
    axes[-1].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"Sensitivity of {outcome} (95 % bootstrap intervals)", fontsize=10)
    return fig


def _smooth(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A LOWESS smoother (statsmodels), or None when x has too few distinct values."""
    keep = np.isfinite(x) & np.isfinite(y)
    if len(np.unique(x[keep])) < 4:
        return None
    from statsmodels.nonparametric.smoothers_lowess import lowess
    fitted = lowess(y[keep], x[keep], frac=0.6, return_sorted=True)
    return fitted[:, 0], fitted[:, 1]


def plot_outcome_vs_parameters(sweep: Sweep, outcome: str) -> Figure:
    """An outcome against each numeric design parameter: every point's replicate mean, coloured by
    arm, with a LOWESS smoother per arm (lines join grid levels instead when there are fewer than 4)."""
    means = sweep.point_means(outcome)
    keys = [k for k in sweep.keys if pd.api.types.is_numeric_dtype(sweep.design[k])]
    if not keys:
        raise AnalysisError(f"{sweep.path}: no numeric design parameter to plot against")
    colors = arm_colors(sweep.arms)
    ncols = min(3, len(keys))
    nrows = -(-len(keys) // ncols)
    fig = Figure(figsize=(3.4 * ncols, 2.8 * nrows + 0.5), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).reshape(-1)
    for ax, key in zip(axes, keys):
        for arm in sweep.arms:
            sub = means[means["arm"] == arm]
            x = sub[key].to_numpy(dtype=float)
            y = sub["value"].to_numpy(dtype=float)
            ax.scatter(x, y, s=9, alpha=0.6, color=colors[arm], label=arm)
            line = _smooth(x, y)
            if line is None:
                level = sub.groupby(key)["value"].mean()
                line = (level.index.to_numpy(dtype=float), level.to_numpy())
            ax.plot(*line, color=colors[arm], linewidth=1.5)
        ax.set_xlabel(key, fontsize=8)
        ax.set_ylabel(outcome, fontsize=8)
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    return fig


def plot_grid_heatmap(sweep: Sweep, outcome: str, arm: str | None = None) -> Figure:
    """The replicate mean of an outcome over a two-parameter grid, one panel per arm."""
    if len(sweep.keys) != 2 or _text(sweep.meta.get("design", ""), "/meta attribute design") != "grid":
        raise AnalysisError(f"{sweep.path}: a heatmap needs a grid over exactly two keys")
    means = sweep.point_means(outcome)
    arms = [arm] if arm is not None else sweep.arms
    fig = Figure(figsize=(3.6 * len(arms) + 0.8, 3.2), layout="constrained")
    axes = fig.subplots(1, len(arms), squeeze=False)[0]
    row_key, col_key = sweep.keys
    finite = means["value"][np.isfinite(means["value"])]
    vmin, vmax = (finite.min(), finite.max()) if len(finite) else (0, 1)
    image = None
    for ax, a in zip(axes, arms):
        table = means[means["arm"] == a].pivot(index=row_key, columns=col_key, values="value")
        image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis", vmin=vmin,
                          vmax=vmax)
        ax.set_xticks(range(table.shape[1]), [f"{v:g}" if isinstance(v, float) else v
                                              for v in table.columns], fontsize=8)
        ax.set_yticks(range(table.shape[0]), [f"{v:g}" if isinstance(v, float) else v
                                              for v in table.index], fontsize=8)
        ax.set_xlabel(col_key, fontsize=8)
        ax.set_ylabel(row_key, fontsize=8)
        ax.set_title(a, fontsize=9)
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            if np.isfinite(value):
                ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=7, color="white")
    if image is not None:
        fig.colorbar(image, ax=list(axes), label=outcome, shrink=0.9)
    return fig


def plot_power_curve(power: Power) -> Figure:
    """Power against pilot size for both analyses, with Wilson 95 % intervals and the alpha line."""
    fig = Figure(figsize=(5.0, 3.4), layout="constrained")
    ax = fig.subplots()
    styles = {"t_test": ("#1b6ca8", "o", "t-test on unit means"),
              "mixed_model": ("#d1495b", "s", "mixed model (REML)")}
    units = np.sort(power.table["units"].unique())
    dodge = 0.015 * (units[-1] - units[0]) if len(units) > 1 else 0.1  # the two analyses side by side
    for k, (analysis, (color, marker, label)) in enumerate(styles.items()):
        t = power.table[power.table["analysis"] == analysis]
        err = np.clip(np.vstack([t["power"] - t["power_low"], t["power_high"] - t["power"]]), 0, None)
        ax.errorbar(t["units"] + (k - 0.5) * dodge, t["power"], yerr=err, color=color, marker=marker,
                    capsize=3, label=label, linewidth=1.2, markersize=4)
    alpha = float(power.settings.get("alpha", 0.05))
    ax.axhline(alpha, color=ALPHA_LINE, linewidth=0.8, linestyle=":", label=f"alpha = {alpha:g}")
    ax.axhline(0.8, color=ALPHA_LINE, linewidth=0.8, linestyle="--", label="80 %")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"units in the pilot ({power.settings.get('per_unit')} staff each)")
    ax.set_ylabel(f"power, {power.settings.get('outcome')}")
    ax.legend(fontsize=8)
    return fig


# -- report --------------------------------------------------------------------------------------

def _sweep_sections(sweep: Sweep):
    from .report import FigureItem, Section, TableItem
    sections = []
    design = _text(sweep.meta.get("design", ""), "/meta attribute design")
    intro = Section("sweep", "Sweep")
    intro.paragraphs.append(
        f"{design} design over {len(sweep.keys)} key(s) ({html.escape(', '.join(sweep.keys)) or 'none'}): "
        f"{len(sweep.design)} points x {sweep.meta.get('replicates')} replicates, arms "
        f"{html.escape(', '.join(sweep.arms))}, random numbers {sweep.meta.get('random_numbers')}.")
    intro.code.append(("Experiment file", "toml", _text(sweep.meta.get("experiment_toml", ""), "/meta attribute experiment_toml")))
    sections.append(intro)
    single = [o for o in sweep.outcomes if "/" not in o]
    indices = sweep.sensitivity()
    if indices is not None:
        s = Section("sensitivity", "Sobol sensitivity indices")
        s.paragraphs.append("First-order (the input alone) and total (with interactions) indices of the "
                            "replicate mean of each outcome, per arm and contrast, with 95 % bootstrap "
                            "intervals (docs/experiments.md).")
        for outcome in sorted(set(indices["outcome"])):
            rows = indices[indices["outcome"] == outcome]
            if rows[["first", "total"]].isna().all().all():
                continue
            s.figures.append(FigureItem(f"sobol_{outcome}", plot_sensitivity(indices, outcome),
                                        f"Sobol indices of {outcome}."))
        s.tables.append(TableItem("sobol_indices", indices, indices.round(3), "Sobol indices."))
        sections.append(s)
    numeric = [k for k in sweep.keys if pd.api.types.is_numeric_dtype(sweep.design[k])]
    if numeric:
        s = Section("parameters", "Outcomes against the design parameters")
        s.paragraphs.append("Each dot is a design point's mean over its replicates; lines are LOWESS "
                            "smoothers per arm (or join grid levels).")
        for outcome in single:
            means = sweep.point_means(outcome)
            if not np.isfinite(means["value"]).any():
                continue
            s.figures.append(FigureItem(f"vs_{outcome}", plot_outcome_vs_parameters(sweep, outcome),
                                        f"{outcome} against each design parameter."))
        sections.append(s)
    categorical = [k for k in sweep.keys if not pd.api.types.is_numeric_dtype(sweep.design[k])]
    if design == "grid" and categorical:
        paired = sweep.meta.get("random_numbers") == "common"
        s = Section("points", "Outcomes at each design point")
        s.paragraphs.append(
            f"Design keys with levels that are not numbers ({html.escape(', '.join(categorical))}) have no "
            "axis to plot against: each outcome's mean over replicates at every point and arm, and its "
            "difference from the first point (the reference: for an ablation over "
            "<code>dynamics.disabled</code>, the point with every submodel on), "
            + ("paired by replicate (common random numbers)" if paired else
               "as a difference of means (independent random numbers)")
            + ", with its standard error.")
        for outcome in single:
            table = differences_from_first_point(sweep, outcome)
            if not np.isfinite(table["mean"]).any():
                continue
            shown = table.copy()
            for column in ("mean", "difference", "se"):
                shown[column] = shown[column].map(lambda v: f"{v:.4g}" if np.isfinite(v) else "–")
            s.tables.append(TableItem(f"points_{outcome.replace('/', '_')}", table, shown,
                                      f"{outcome} at each design point"))
        sections.append(s)
    if design == "grid" and len(sweep.keys) == 2:
        s = Section("heatmaps", "Two-parameter grid")
        for outcome in single:
            means = sweep.point_means(outcome)
            if not np.isfinite(means["value"]).any():
                continue
            s.figures.append(FigureItem(f"grid_{outcome}", plot_grid_heatmap(sweep, outcome),
                                        f"Mean {outcome} at each grid point, per arm."))
        sections.append(s)
    return sections


def _power_sections(power: Power):
    from .report import FigureItem, Section, TableItem
    s = Section("power", "Pilot power")
    st = power.settings
    s.paragraphs.append(
        f"Outcome {html.escape(str(st.get('outcome')))}, {st.get('per_unit')} staff per unit, "
        f"{st.get('trials')} simulated pilots per size; simulated true effect "
        f"{float(st.get('true_effect', np.nan)):.4g}. Headline analysis: {st.get('analysis')}.")
    s.figures.append(FigureItem("power_curve", plot_power_curve(power),
                                "Power against pilot size, with Wilson 95 % intervals."))
    s.tables.append(TableItem("power", power.table, power.table.round(4), "Power per size."))
    return [s]


def build_report(path: str | Path, outdir: str | Path, dpi: int = 300) -> Path:
    """The report of a sweep or power file, written atomically into `outdir`."""
    from .report import staged_directory, write_report
    kind = file_kind(path)
    if kind == "sweep":
        sweep = load_sweep(path)
        sections, meta = _sweep_sections(sweep), sweep.meta
    elif kind == "power":
        power = load_power(path)
        sections, meta = _power_sections(power), power.meta
    elif kind == "calibration":
        from . import calibration
        cal = calibration.load_calibration(path)
        sections, meta = calibration.sections(cal), cal.meta
    else:
        raise AnalysisError(f"{path}: not a sweep, power or calibration file")
    header = [f"{kind.capitalize()} file <code>{html.escape(str(path))}</code> written by mentorsim "
              f"{html.escape(str(meta.get('mentorsim_version')))} (commit "
              f"{html.escape(str(meta.get('git_commit', 'unknown')))}) at "
              f"{html.escape(str(meta.get('created_utc', '?')))}."]
    with staged_directory(outdir) as staging:
        write_report(sections, f"mentorsim {kind}: {Path(path).name}", header, staging, dpi)
    return Path(outdir)
