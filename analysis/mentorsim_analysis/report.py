"""Report: sections of figures, tables and text built from `Results`, written as one
self-contained HTML page (figures embedded as base64 PNG) and a Markdown page, next to the
figures (PNG + PDF, optionally every panel on its own) and tables (CSV + LaTeX).

Every section says what it shows; a section whose data the file lacks says so instead. A single
file's report is `SECTIONS` (a list of builders `(Results, Options) -> Section`: a sweep section
is one more builder); `compare` has its own list. Output goes to a staging directory beside the
target and is moved into place only when whole (output.staged_directory).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import __version__, figures, network, palette, stats, tables
from .io import AnalysisError, Results, check_names
from .metrics import (DEFAULT_FOREST_OUTCOMES, DEFAULT_SERIES, display_name, display_scale,
                      outcome_info, timeseries_info)
from .output import MARKER, staged_directory  # noqa: F401  (MARKER: part of the API)

Warn = Callable[[str], None]
SUBGROUP_SERIES = ("retained", "satisfaction", "intent_to_leave")
LIMITS = {"n_boot": (100, 100_000), "dpi": (50, 1200), "network_sample": (10, 2000),
          "level": (0.5, 0.999), "seed": (0, 2 ** 63 - 1)}


@dataclass
class Options:
    """Choices a user can make; names are checked against the file before anything is written."""
    series: list[str] | None = None      # /timeseries metrics (default: DEFAULT_SERIES present)
    outcomes: list[str] | None = None    # /outcomes metrics for differences (default: forest set)
    reference: str | None = None         # reference arm (default: none/control, else arm 0)
    n_boot: int = stats.DEFAULT_BOOTSTRAP
    seed: int = stats.DEFAULT_SEED
    level: float = 0.95
    band: str = "ci"
    network_sample: int = 200
    dpi: int = 300
    labels: list[str] | None = None      # compare: design labels
    style: str = "double"                # journal preset: single (85 mm) or double (175 mm)
    panels: bool = False                 # also write every panel on its own

    @property
    def figure_style(self) -> figures.Style:
        return figures.STYLES[self.style]


@dataclass
class FigureItem:
    name: str
    figure: object
    caption: str
    alt: str = ""


@dataclass
class TableItem:
    name: str
    raw: pd.DataFrame
    display: pd.DataFrame
    caption: str


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[FigureItem] = field(default_factory=list)
    tables: list[TableItem] = field(default_factory=list)
    code: list[tuple[str, str, str]] = field(default_factory=list)  # (caption, language, text)
    unavailable: str = ""


# -- options ------------------------------------------------------------------------------------
def reference_arm(arms: Sequence[str], requested: str | None) -> str:
    if requested is not None:
        return check_names([requested], list(arms), "arm")[0]
    for arm in arms:
        if arm.lower() in palette.CONTROL_NAMES:
            return arm
    return arms[0]


def validate(results: Results, options: Options) -> None:
    """Check every name and number in `options` against the file; raise AnalysisError."""
    validate_numbers(options)
    if options.series is not None:
        results.check_series(options.series)
    if options.outcomes is not None:
        results.check_outcomes(options.outcomes)
    if options.reference is not None:
        reference_arm(results.arms, options.reference)


def validate_numbers(options: Options) -> None:
    """Check the numeric options and choices against their documented ranges."""
    checks = (("--bootstrap", options.n_boot, "n_boot"), ("--dpi", options.dpi, "dpi"),
              ("--network-sample", options.network_sample, "network_sample"),
              ("--seed", options.seed, "seed"))
    for flag, value, key in checks:
        low, high = LIMITS[key]
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not low <= value <= high:
            raise AnalysisError(f"{flag} must be an integer from {low:,} to {high:,} (got {value})")
    low, high = LIMITS["level"]
    if not isinstance(options.level, (int, float)) or not low <= options.level <= high:
        raise AnalysisError(f"--level must be between {low} and {high} (got {options.level})")
    if options.band not in ("ci", "range"):
        raise AnalysisError(f"unknown band {options.band!r}; use 'ci' or 'range'")
    if options.style not in figures.STYLES:
        raise AnalysisError(f"unknown style {options.style!r}; use single or double")
    for flag, names in (("--series", options.series), ("--outcomes", options.outcomes),
                        ("--labels", options.labels)):
        if names is not None and not names:
            raise AnalysisError(f"{flag} names nothing")


def _pct(level: float) -> str:
    return f"{level * 100:g}%"


def plain_text(text: str) -> str:
    """A paragraph's HTML as plain text (for the terminal)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# -- what every section of one file's report shares ----------------------------------------------
class Context:
    """Quantities several sections of one file's report use, computed once."""

    def __init__(self, results: Results, options: Options) -> None:
        self.results = results
        self.options = options
        self.style = options.figure_style
        self.arms = results.arms
        self.colors = palette.arm_colors(self.arms)
        self.reference = reference_arm(self.arms, options.reference)
        self.comparisons = [(arm, self.reference) for arm in self.arms if arm != self.reference]
        self._cache: dict = {}

    def cached(self, key: str, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def outcomes(self) -> pd.DataFrame | None:
        return self.results.outcomes

    @property
    def constants(self) -> dict:
        return self.cached("constants", lambda: stats.constant_outcomes(self.outcomes)
                           if self.outcomes is not None else {})

    @property
    def periods(self) -> list[tuple[float, float]]:
        return self.cached("periods", lambda: program_periods(self.results))

    @property
    def staff(self) -> pd.DataFrame:
        def compute():
            values = stats.staff_values(self.results.agents, self.results.dyads,
                                        self.results.domains)
            return values.rename(columns={"arm": "label"})
        return self.cached("staff", compute)


def context(results: Results, options: Options) -> Context:
    """The shared quantities of this file and these options (one per report)."""
    key = (id(options), options.reference, options.style)
    store = results.__dict__.setdefault("_report_context", {})
    if key not in store:
        store.clear()
        store[key] = Context(results, options)
    return store[key]


def program_periods(results: Results) -> list[tuple[float, float]]:
    """(start, end) weeks of every arm's program, from /meta resolved_json; clipped to the run."""
    resolved = results.meta.get("resolved", {})
    weeks = resolved.get("run", {}).get("weeks")
    periods = []
    for arm in resolved.get("arms", []) or []:
        if not isinstance(arm, dict) or arm.get("kind", "none") == "none":
            continue
        start, duration = arm.get("start_week"), arm.get("duration_weeks")
        if isinstance(start, (int, float)) and isinstance(duration, (int, float)):
            end = start + duration
            if isinstance(weeks, (int, float)):
                end = min(end, weeks)
            periods.append((float(start), float(end)))
    return sorted(set(periods))


def _series(results: Results, options: Options) -> list[str]:
    if options.series is not None:
        return list(options.series)
    return [m for m in DEFAULT_SERIES if m in results.timeseries_metrics]


def _skill_series(results: Results) -> list[str]:
    return [f"skill_{d}" for d in results.domains if f"skill_{d}" in results.timeseries_metrics]


def _forest_outcomes(available: Sequence[str], domains: Sequence[str],
                     options: Options) -> list[str]:
    if options.outcomes is not None:
        return list(options.outcomes)
    wanted = list(DEFAULT_FOREST_OUTCOMES) + [f"skill_gain_{d}" for d in domains]
    return [m for m in wanted if m in available]


def _constant_note(constants: dict, what: str = "Left out") -> str:
    """One sentence naming the outcomes that are constant in every replicate and arm."""
    overall = {m: v for (m, by, _), v in constants.items() if by is None}
    if not overall:
        return ""
    parts = []
    for metric, value in sorted(overall.items()):
        info = outcome_info(metric)
        shown = tables.number(value * display_scale(info))
        unit = "%" if info.kind == "share" else (f" {info.unit}" if info.unit else "")
        parts.append(f"{html.escape(info.label.lower())} = {shown}{html.escape(unit)}")
    return (f"{what}, because they take one value in every replicate and arm (they carry no "
            f"information about the arms): constant: {'; '.join(parts)}.")


def _metric_constant(constants: dict, metric: str) -> bool:
    return (metric, None, None) in constants or (metric, "all", None) in constants


# -- scenario, parameters, provenance -------------------------------------------------------------
def _overrides(meta: dict) -> list[str]:
    return [line.strip() for line in str(meta.get("overrides", "")).splitlines() if line.strip()]


def switched_off(meta: dict) -> list[str]:
    """The submodels a run switched off (dynamics.disabled, an ablation): /meta disabled_submodels
    (a JSON array in schedule order), or resolved_json's dynamics.disabled for a file written before
    that attribute existed; empty when every submodel ran."""
    text = meta.get("disabled_submodels")
    if text is not None:
        try:
            names = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            raise AnalysisError(f"/meta disabled_submodels is not a JSON array: {text!r}") from None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise AnalysisError(f"/meta disabled_submodels is not a JSON array of names: {text!r}")
        return names
    names = meta.get("resolved", {}).get("dynamics", {}).get("disabled", [])
    return [str(n) for n in names] if isinstance(names, list) else []


def ablation_text(meta: dict) -> str:
    """One sentence (HTML) on the submodels switched off: what the report must not let a reader miss."""
    off = switched_off(meta)
    if not off:
        return "Submodels switched off (<code>dynamics.disabled</code>): none; every submodel ran."
    return ("<b>Ablation: submodels switched off</b> (<code>dynamics.disabled</code>): "
            + ", ".join(f"<code>{html.escape(n)}</code>" for n in off)
            + ". Their weekly stages did not run (docs/model.md 7.0), so these results are not those "
              "of the whole model; compare them with a run of the same seed and every submodel on.")


def section_scenario(results: Results) -> Section:
    meta = results.meta
    section = Section("scenario", "Scenario")
    section.paragraphs.append(
        f"Scenario file <code>{html.escape(str(meta.get('scenario_path', '')))}</code>; seed "
        f"{results.seed}, {results.replicates} replicate(s); arms (in this order everywhere): "
        f"{', '.join(html.escape(a) for a in results.arms)}.")
    overrides = _overrides(meta)
    section.paragraphs.append("Command-line overrides (<code>--set</code>): " + (
        "; ".join(f"<code>{html.escape(o)}</code>" for o in overrides) if overrides else "none."))
    section.paragraphs.append(ablation_text(meta))
    section.code.append(("scenario_toml (the scenario file's full text)", "toml",
                         meta["scenario_toml"]))
    return section


def section_parameters(results: Results) -> Section:
    section = Section("parameters", "Resolved parameters")
    section.paragraphs.append("Every parameter after defaults and overrides (/meta resolved_json).")
    section.code.append(("resolved_json", "json", json.dumps(results.meta["resolved"], indent=2)))
    return section


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _software() -> str:
    import h5py
    import matplotlib
    import networkx
    import scipy
    return (f"mentorsim_analysis {__version__}; numpy {np.__version__}, pandas {pd.__version__}, "
            f"h5py {h5py.__version__}, matplotlib {matplotlib.__version__}, scipy {scipy.__version__}, "
            f"networkx {networkx.__version__}")


BUILD_KEYS = ("compiler", "build", "flags", "cxx")


def _stage_seconds(text: str) -> str:
    try:
        stages = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return str(text)
    if isinstance(stages, dict) and stages and all(
            isinstance(v, (int, float)) and v == 0 for v in stages.values()):
        return "not profiled (run mentorsim with --profile to time each stage)"
    if isinstance(stages, dict):
        return ", ".join(f"{k} {tables.number(v)} s" for k, v in stages.items())
    return str(text)


def provenance_table(results: Results) -> pd.DataFrame:
    skip = {"scenario_toml", "resolved_json", "resolved", "path", "schema_version"}
    rows = [("file", str(results.path)), ("sha256", _sha256(results.path)),
            ("schema_version", str(results.meta["schema_version"]))]
    build = []
    for key, value in results.meta.items():
        if key in skip:
            continue
        if key == "stage_seconds":
            value = _stage_seconds(value)
        elif key == "overrides":
            value = "; ".join(_overrides(results.meta)) or "none"
        elif key in ("seed", "replicates", "threads"):
            value = str(value)
        elif isinstance(value, float):
            value = tables.number(value)
        if any(word in key.lower() for word in BUILD_KEYS):
            build.append((key, str(value)))
            continue
        rows.append((key, str(value)))
    rows += build or [("build (compiler, flags, build type)",
                       "not recorded by this mentorsim version")]
    for key, value in results.network_attrs.items():
        value = tables.number(value) if isinstance(value, float) else str(value)
        rows.append((f"network/final {key}", value or "(empty)"))
    rows.append(("analysis software", _software()))
    return pd.DataFrame(rows, columns=["attribute", "value"])


def section_provenance(results: Results) -> Section:
    section = Section("provenance", "Provenance")
    section.paragraphs.append("Attributes of /meta as written by mentorsim, the file's SHA-256, "
                              "the network generator's report and the analysis software.")
    table = provenance_table(results)
    section.tables.append(TableItem("provenance", table, table, "Provenance of the results file"))
    return section


# -- summary tables -------------------------------------------------------------------------------
def _drop_constant_rows(summary: pd.DataFrame, constants: dict) -> pd.DataFrame:
    keep = []
    for _, row in summary.iterrows():
        level = None if row["by"] == "all" else int(row["level"])
        keep.append((row["metric"], row["by"], level) not in constants
                    and (row["metric"], None, None) not in constants)
    return summary[np.array(keep, dtype=bool)] if len(summary) else summary


def _undefined_note(summary: pd.DataFrame) -> str:
    defined = summary.groupby("metric")["mean"].apply(lambda v: np.isfinite(v.to_numpy(float)).any())
    names = [outcome_info(m).label.lower() for m, ok in defined.items() if not ok]
    if not names:
        return ""
    return f"Not defined in any arm (no such dyads or participants), left out: {'; '.join(sorted(names))}."


def section_tables(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("tables", "Summary tables per arm")
    arms = results.arms
    level = _pct(options.level)
    if results.has("outcomes"):
        summary = stats.summarise_outcomes(results.outcomes, "arm", options.level)
        shown = _drop_constant_rows(summary, ctx.constants)
        section.tables.append(TableItem(
            "summary_outcomes", summary, tables.outcome_summary_display(shown, arms),
            f"Program outcomes per arm (/outcomes): mean over {results.replicates} replicates "
            f"[{level} t confidence interval]; shares in %."))
        for note in (_constant_note(ctx.constants, "Left out of the table"),
                     _undefined_note(summary)):
            if note:
                section.paragraphs.append(note)
    else:
        section.paragraphs.append(f"No outcome table: {results.missing_reason('outcomes')}.")
    if results.has("timeseries"):
        metrics = _series(results, options) + _skill_series(results)
        ts = results.timeseries_frame(sorted(set(metrics) | {"n", "n_initial"} & set(results.timeseries_metrics)))
        final = stats.final_week_by_arm(ts, metrics, options.level)
        constant = [m for m, part in final.groupby("metric", sort=False)
                    if len(part) and (part["sd"].fillna(0) == 0).all() and part["n"].sum() >= 2
                    and stats.constant_value(part["mean"].repeat(2)) is not None]
        if constant:
            section.paragraphs.append(
                "Left out of the final-week table, because they take one value in every replicate "
                "and arm: " + "; ".join(
                    f"{html.escape(timeseries_info(m).label.lower())} = "
                    f"{tables.number(final.loc[final['metric'] == m, 'mean'].iloc[0] * display_scale(timeseries_info(m)))}"
                    for m in constant) + ".")
        shown = final[~final["metric"].isin(constant)]
        section.tables.append(TableItem(
            "summary_final_week", final, tables.final_week_display(shown, arms),
            f"Arm means at the last observed week (groups pooled with their size as weight): mean "
            f"over replicates [{level} t confidence interval]."))
    else:
        section.paragraphs.append(f"No final-week table: {results.missing_reason('timeseries')}.")
    if results.has("agents") and "arm" in results.agents:
        agents = stats.agent_summary(results.agents, results.domains)
        section.tables.append(TableItem(
            "summary_agents", agents, tables.agent_summary_display(agents, arms),
            "Agents per arm at the end of replicate 0 (/agents/final): counts, and mean (SD) over "
            "the agents active at the end."))
    else:
        section.paragraphs.append(f"No agent table: {results.missing_reason('agents') or 'no arm field'}.")
    return section


# -- time series ----------------------------------------------------------------------------------
def _band_text(options: Options, replicates: int) -> str:
    level = _pct(options.level)
    if replicates < 2:
        return "one replicate, so no band is drawn"
    if options.band == "ci":
        return f"bands: {level} t confidence interval of the mean over {replicates} replicates"
    return f"bands: central {level} range of the {replicates} replicates"


def _period_text(periods) -> str:
    if not periods:
        return ""
    spans = ", ".join(f"weeks {a:g}–{b:g}" for a, b in periods)
    return f" Shaded: the program period ({spans})."


def section_timeseries(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("timeseries", "Outcome time series by arm")
    if not results.has("timeseries"):
        section.unavailable = results.missing_reason("timeseries")
        return section
    series, skills = _series(results, options), _skill_series(results)
    wanted = sorted(set(series + skills) | ({"n", "n_initial"} & set(results.timeseries_metrics)))
    ts = results.timeseries_frame(wanted)
    reps = int(ts["replicate"].nunique())
    pooling = ("Each line pools the groups of an arm: group means weighted by the group's active "
               "agents n (retention by its initial staff n_initial). Step lines: each observation "
               "holds until the next. Means of scores and of social capital are shown as change "
               "since week 0 within each replicate (week-0 differences between arms are chance); "
               "shares are shown as levels on an axis from 0 %; ")
    for name, metrics, what in (("timeseries", series, "Outcomes"),
                                ("timeseries_skills", skills, "Mean skill by domain")):
        if not metrics:
            continue
        change = [m for m in metrics if stats.shows_change(m)]
        bands = stats.timeseries_bands(ts, metrics, ("arm",), options.band, options.level, change)
        fig = figures.plot_timeseries(bands, metrics, ctx.colors, style=ctx.style,
                                      periods=ctx.periods)
        last = bands[bands["step"] == bands["step"].max()]
        summary = "; ".join(
            f"{timeseries_info(m).label.lower()}"
            + (" change" if m in change else "") + " at week "
            + f"{int(last['step'].iloc[0])}: "
            + ", ".join(f"{a} {tables.number(v * display_scale(timeseries_info(m)))}"
                        for a, v in zip(last.loc[last['metric'] == m, 'label'],
                                        last.loc[last['metric'] == m, 'mean']))
            for m in metrics[:4])
        section.figures.append(FigureItem(
            name, fig, f"{what} over weeks by arm. {pooling}{_band_text(options, reps)}."
            f"{_period_text(ctx.periods)}",
            alt=f"Step-line charts, one per {what.lower()} metric, of {len(results.arms)} arms "
                f"over weeks. {summary}."))
    return section


# -- skill gain -----------------------------------------------------------------------------------
def section_skill_gain(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("skill_gain", "Skill gain by domain and role")
    if not results.has("agents"):
        section.unavailable = results.missing_reason("agents")
        return section
    missing = stats.skill_gain_requirements(results.agents, results.domains)
    if missing:
        section.unavailable = (f"/agents/final lacks {', '.join(missing)} (add them to "
                               f"output.agent_fields)")
        return section
    gains = stats.skill_gain_by_role(results.agents, results.domains, options.level)
    basis = gains["basis"].iloc[0] if len(gains) else "agents"
    fig = figures.plot_skill_gain(gains, ctx.colors, style=ctx.style)
    best = gains.sort_values("mean", ascending=False).head(3)
    alt = ("Bar charts of mean skill gain by domain and role, one panel per arm on one scale. "
           "Largest: " + "; ".join(f"{r.arm} {r.role}s in {display_name(r.domain)} "
                                   f"{tables.number(r.mean)}" for r in best.itertuples()) + ".")
    section.figures.append(FigureItem("skill_gain", fig, (
        "Mean skill gain (final − initial, 0–1 scale) of the active initial staff by domain, per "
        "arm, for mentors, mentees, agents who were both, and non-participants (role from "
        "/agents/final). All panels share one y axis. In reverse and reciprocal mentoring both "
        f"sides gain, in different domains. Error bars: {_pct(options.level)} t confidence "
        f"interval over {basis}" + (" of replicate 0 (agents of one run are not independent: "
                                    "the interval is too narrow)" if basis == "agents" else "")
        + "."), alt=alt))
    section.tables.append(TableItem("skill_gain", gains, tables.skill_gain_display(gains, results.arms),
                                    f"Skill gain (final − initial) by arm, role and domain: mean "
                                    f"[{_pct(options.level)} CI]"))
    return section


# -- arms compared --------------------------------------------------------------------------------
def _single_arm_note(results: Results) -> str:
    return (f"this file has one arm ({results.arms[0]}); comparing arms needs two or more (use "
            f"`compare` to compare designs run in separate files)")


def _formation_note(results: Results) -> str:
    strategies = [a.get("strategy") for a in results.meta.get("resolved", {}).get("arms", [])
                  if isinstance(a, dict) and a.get("kind", "none") != "none"]
    if len(set(strategies)) > 1:
        return ("The arms pair mentors and mentees differently ("
                + ", ".join(f"{display_name(s)}" for s in strategies) + ").")
    return ""


def _outcome_points(outcomes: pd.DataFrame, label: str = "arm") -> pd.DataFrame:
    return outcomes.rename(columns={label: "label"})[["label", "replicate", "metric", "by",
                                                     "level", "value"]]


def section_comparison(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("comparison", "Arms compared side by side")
    if not results.has("outcomes"):
        section.unavailable = results.missing_reason("outcomes")
        return section
    if len(results.arms) < 2:
        section.unavailable = _single_arm_note(results)
        return section
    summary = stats.summarise_outcomes(results.outcomes, "arm", options.level)
    summary = summary.rename(columns={"arm": "label"})
    skip = {m for (m, by, _) in ctx.constants if by is None}
    if results.has("dyads"):
        mix = stats.formation_mix(results.dyads)
        display = mix.assign(type=mix["type"].map(display_name),
                             formation=mix["formation"].map(display_name),
                             dyads=mix["dyads"].map(tables.count))
        section.tables.append(TableItem("formation_mix", mix, display,
                                        "Dyads per arm, type and formation (all replicates)"))
    fig = figures.plot_arm_comparison(summary, results.arms, ctx.colors, ctx.style,
                                      points=_outcome_points(results.outcomes), skip=skip)
    note = _formation_note(results)
    if note:
        section.paragraphs.append(note)
    coverage = summary[(summary["metric"] == "coverage") & (summary["by"] == "all")]
    alt = ("Panels of mean and confidence interval per arm with replicate points: coverage "
           "overall, by minority status and isolation quartile, failure rate, endings by reason, "
           "satisfaction, tie and bridging change, retention and quality. Coverage: "
           + ", ".join(f"{r.label} {tables.number(r.mean * 100)}%" for r in coverage.itertuples()
                       if np.isfinite(r.mean)) + ".")
    section.figures.append(FigureItem("comparison", fig, (
        "Arms side by side: coverage overall, by minority status and by quartile of initial "
        "degree among eligible mentees (Q1 = most isolated); early failure rate (relationship "
        "endings: lack of time, poor communication, power imbalance, role ambiguity, as % of all "
        "dyads) and endings before the program's end by reason (leaving is shown but is not a "
        "failure); satisfaction change of participants; tie strength and cross-institution tie "
        "change; retention; final quality by formation. Points with bars: mean over replicates "
        f"and {_pct(options.level)} t confidence interval; small circles: single replicates. "
        "An arm for which an outcome is undefined (no program) has no slot and is named in the "
        "panel." + (" " + plain_text(_constant_note(ctx.constants, "Not shown")) if skip else "")),
        alt=alt))
    return section


# -- differences ----------------------------------------------------------------------------------
def _split_applicable(diffs: pd.DataFrame, constants: dict) -> tuple[pd.DataFrame, list, list]:
    """Differences to plot, outcomes undefined for every comparison, constant outcomes."""
    undefined = [m for m, part in diffs.groupby("metric", sort=False)
                 if not np.isfinite(part["estimate"].to_numpy(float)).any()]
    constant = [m for m in dict.fromkeys(diffs["metric"]) if _metric_constant(constants, m)]
    keep = diffs[~diffs["metric"].isin(set(undefined) | set(constant))]
    return keep, undefined, constant


def _add_differences(section: Section, diffs: pd.DataFrame, points: pd.DataFrame, colors: dict,
                     options: Options, what: str, constants: dict, reference_text: str) -> None:
    if diffs.empty:
        section.unavailable = "no outcome to compare"
        return
    paired = bool(diffs["paired"].iloc[0])
    plotted, undefined, constant = _split_applicable(diffs, constants)
    constant = [m for m in constant if m not in undefined]
    notes = []
    if undefined:
        notes.append("Not applicable (undefined for " + reference_text + "), left out: "
                     + "; ".join(outcome_info(m).label.lower() for m in undefined) + ".")
    if constant:
        notes.append(plain_text(_constant_note({(m, None, None): constants.get((m, None, None),
                                                                               constants.get((m, "all", None)))
                                                for m in constant}, "Left out")))
    if not plotted.empty:
        fig = figures.plot_forest(plotted, colors, options.figure_style, points=points)
        top = plotted.assign(z=(plotted["estimate"] / plotted["sd_difference"]).abs()).sort_values(
            "z", ascending=False).head(3)
        alt = ("Forest plot of paired differences with bootstrap intervals and replicate points, "
               f"one panel per outcome ({len(set(plotted['metric']))} outcomes). " + "; ".join(
                   f"{r.comparison}, {outcome_info(r.metric).label.lower()}: "
                   f"{tables.interval(r.estimate, r.ci_low, r.ci_high, display_scale(outcome_info(r.metric)))}"
                   for r in top.itertuples()) + ".")
        section.figures.append(FigureItem("forest", fig, (
            f"{what} Point with whisker: mean {'paired ' if paired else ''}difference over "
            f"replicates and {_pct(options.level)} percentile bootstrap CI ({options.n_boot} "
            f"resamples of {'replicate pairs' if paired else 'replicates of each side'}, seed "
            f"{options.seed}); small circles: "
            f"{'the difference in each replicate' if paired else 'not shown (unpaired)'}. Shares "
            "in percentage points." + (" Outcomes left out are named above." if notes else "")),
            alt=alt))
    section.paragraphs += notes
    table = diffs[~diffs["metric"].isin(set(undefined) | set(constant))]
    section.tables.append(TableItem("paired_differences", diffs, tables.differences_display(table), (
        f"{'Paired' if paired else 'Unpaired'} differences with {_pct(options.level)} percentile "
        "bootstrap CIs. Standardised difference (the headline effect size, on the individual "
        "level): Cohen's h for shares; Cohen's d for means, the mean difference over the SD of "
        "the staff (or dyads), pooled over both sides (– where the file has no per-agent values "
        "for the outcome). Replicate-level d_z = mean difference / SD of the replicate "
        "differences: it measures precision of the run-to-run comparison, grows with population "
        "size and is not an effect size of individuals.")))
    pairs = table["n_pairs"] if paired else table[["n_reference", "n_other"]].min(axis=1)
    pairs = pairs[pairs > 0]
    if len(pairs) and (pairs < 10).any():
        section.paragraphs.append(
            f"Caution: some comparisons rest on fewer than 10 replicates (smallest: "
            f"{int(pairs.min())}); percentile bootstrap intervals are too narrow with so few.")


def section_differences(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("differences", "Paired differences between arms")
    if not results.has("outcomes"):
        section.unavailable = results.missing_reason("outcomes")
        return section
    if len(results.arms) < 2:
        section.unavailable = _single_arm_note(results)
        return section
    metrics = _forest_outcomes(results.outcome_metrics, results.domains, options)
    values = stats.outcome_values(results.outcomes)
    diffs = stats.paired_differences(values, ctx.comparisons, metrics, options.n_boot, options.seed,
                                     options.level, paired=True,
                                     staff_sd=stats.staff_sd_lookup(ctx.staff))
    points = stats.replicate_differences(values, ctx.comparisons, metrics)
    _add_differences(section, diffs, points, ctx.colors, options,
                     f"Each arm minus the reference arm {ctx.reference}, paired by replicate (same "
                     f"seed and replicate: same population, network and shared draws).",
                     ctx.constants, f"the reference arm {ctx.reference}, which has no program")
    return section


# -- equity ---------------------------------------------------------------------------------------
def _equity(values: pd.DataFrame, labels: Sequence[str], comparisons, constants: dict,
            options: Options, paired: bool = True):
    """Equity values without constant or undefined contrasts; their summary and DiD."""
    keep = []
    for metric, part in values.groupby("metric", sort=False):
        outcome = part["outcome"].iloc[0]
        if _metric_constant(constants, outcome) or stats.constant_value(part["value"]) is not None:
            continue
        if not np.isfinite(part["value"].to_numpy(float)).any():
            continue
        keep.append(metric)
    values = values[values["metric"].isin(keep)]
    summary = stats.equity_summary(values, options.n_boot, options.seed, options.level)
    rank = {label: k for k, label in enumerate(labels)}
    summary = summary.assign(_metric=summary["metric"].map({m: k for k, m in enumerate(keep)}),
                             _label=summary["label"].map(rank))
    summary = summary.sort_values(["_metric", "_label"]).drop(columns=["_metric", "_label"])
    did = stats.paired_differences(values[["label", "replicate", "metric", "value"]], comparisons,
                                   keep, options.n_boot, options.seed, options.level,
                                   paired=paired)
    return values, summary, did


def _add_equity(section: Section, values, summary, did, colors, options: Options,
                reference_text: str) -> None:
    if summary.empty:
        section.unavailable = "no minority or isolation breakdown with information (all constant or undefined)"
        return
    fig = figures.plot_equity(summary, did, colors, options.figure_style, points=values)
    rows = []
    for _, r in summary.iterrows():
        info = outcome_info(r["outcome"])
        scale = display_scale(info)
        rows.append({"contrast": r["contrast"], "outcome": info.label,
                     "unit": "percentage points" if info.kind == "share" else info.unit,
                     "arm or comparison": r["label"], "estimate [CI]": tables.interval(
                         r["mean"], r["ci_low"], r["ci_high"], scale) if r["n"] else
                     "not applicable",
                     "replicates": tables.count(r["n"])})
    for _, r in did.iterrows():
        outcome = r["metric"].split(": ", 1)[1]
        info = outcome_info(outcome)
        scale = display_scale(info)
        rows.append({"contrast": r["metric"].split(": ", 1)[0] + " (difference in differences)",
                     "outcome": info.label,
                     "unit": "percentage points" if info.kind == "share" else info.unit,
                     "arm or comparison": r["comparison"],
                     "estimate [CI]": (tables.interval(r["estimate"], r["ci_low"], r["ci_high"], scale)
                                       if np.isfinite(r["estimate"]) else "not applicable"),
                     "replicates": tables.count(r["n_pairs"] if r["paired"] else
                                                min(r["n_reference"], r["n_other"]))})
    display = pd.DataFrame(rows)
    defined = did[np.isfinite(did["estimate"].to_numpy(float))] if len(did) else did
    alt = ("Forest plot of minority gaps and isolation gradients per arm and their differences "
           "between arms. " + "; ".join(
               f"{r.comparison} {r.metric}: {tables.interval(r.estimate, r.ci_low, r.ci_high, display_scale(outcome_info(r.metric.split(': ', 1)[1])))}"
               for r in defined.head(3).itertuples()) + ".")
    section.figures.append(FigureItem("equity", fig, (
        "Equity contrasts. Minority gap: outcome of minority staff minus that of the others, in "
        "each replicate. Isolation gradient: least-squares slope of the outcome over the "
        "quartiles of initial degree among eligible mentees, from Q1 (most isolated) to Q4 (least "
        "isolated), per quartile (positive: the better connected get more). Circles: each arm's "
        "gap or gradient (mean over replicates, small circles: replicates); diamonds: the "
        "difference in differences between an arm and the reference (paired by replicate). "
        f"Whiskers: {_pct(options.level)} percentile bootstrap CIs ({options.n_boot} resamples, "
        f"seed {options.seed}). 'Not applicable': undefined for {reference_text}. Contrasts "
        "that are constant or undefined in every arm are left out."), alt=alt))
    raw = pd.concat([summary.assign(kind="gap"), did.assign(kind="difference in differences")],
                    ignore_index=True)
    section.tables.append(TableItem("equity", raw, display, (
        f"Minority gaps, isolation gradients and their differences between arms: estimate "
        f"[{_pct(options.level)} percentile bootstrap CI].")))


def section_equity(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("equity", "Equity: minority gap and network-isolation gradient")
    if not results.has("outcomes"):
        section.unavailable = results.missing_reason("outcomes")
        return section
    values = stats.equity_values(results.outcomes, "arm")
    if values.empty:
        section.unavailable = "/outcomes has no by_minority or by_isolation breakdown"
        return section
    values, summary, did = _equity(values, results.arms, ctx.comparisons, ctx.constants, options)
    _add_equity(section, values, summary, did, ctx.colors, options,
                f"the reference arm {ctx.reference}, which has no program")
    return section


# -- subgroups ------------------------------------------------------------------------------------
def section_subgroups(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("subgroups", "Subgroup effects by profession, career stage and institution")
    if not results.has("timeseries"):
        section.unavailable = results.missing_reason("timeseries")
        return section
    if len(results.arms) < 2:
        section.unavailable = _single_arm_note(results)
        return section
    metrics = [m for m in SUBGROUP_SERIES if m in results.timeseries_metrics]
    needed = {"n", "n_initial"} & set(results.timeseries_metrics)
    ts = results.timeseries_frame(sorted(set(metrics) | needed))
    ts = ts.assign(all="all staff")
    values = stats.subgroup_values(ts, metrics, ("all",) + stats.SUBGROUP_FACTORS)
    values = values[(values["n0"] > 0) | values["n0"].isna()]
    effects = stats.subgroup_effects(values, ctx.comparisons, options.n_boot, options.seed,
                                     options.level)
    if effects.empty:
        section.unavailable = "no subgroup with agents in both arms"
        return section
    fig = figures.plot_subgroups(effects, ctx.colors, ctx.style)
    overall = effects[effects["factor"] == "all"]
    alt = ("Subgroup forest plot by profession, career stage and institution. All staff: "
           + "; ".join(f"{r.comparison} {timeseries_info(r.metric).label.lower()} "
                       f"{tables.interval(r.estimate, r.ci_low, r.ci_high, display_scale(timeseries_info(r.metric)))}"
                       for r in overall.itertuples()) + ".")
    section.figures.append(FigureItem("subgroups", fig, (
        "Paired difference between arms within each subgroup (a profession, career stage or home "
        "institution, from /groups), pooled with the groups' sizes as weights: retention of the "
        "initial staff at the end, and the change since week 0 of mean satisfaction and mean "
        "intent to leave of the subgroup's active staff (hires included: a change of the "
        "group's mean, not of individuals). Whiskers: "
        f"{_pct(options.level)} percentile bootstrap CIs over replicate pairs. Many subgroups are "
        "shown: expect about one in twenty intervals to miss zero by chance."), alt=alt))
    display = pd.DataFrame({
        "subgroup": [("all staff" if f == "all" else f"{f}: {display_name(l)}")
                     for f, l in zip(effects["factor"], effects["level_name"])],
        "staff at week 0": effects["n0"].map(tables.count),
        "comparison": effects["comparison"],
        "metric": [timeseries_info(m).label + ("" if timeseries_info(m).kind == "share"
                                               else ", change since week 0")
                   for m in effects["metric"]],
        "unit": ["percentage points" if timeseries_info(m).kind == "share" else
                 figures.unit_label(timeseries_info(m)).lower() for m in effects["metric"]],
        "difference [CI]": [tables.interval(e, lo, hi, display_scale(timeseries_info(m)))
                            for e, lo, hi, m in zip(effects["estimate"], effects["ci_low"],
                                                    effects["ci_high"], effects["metric"])]})
    section.tables.append(TableItem("subgroups", effects, display, (
        f"Subgroup differences between arms [{_pct(options.level)} percentile bootstrap CI].")))
    return section


# -- bridging -------------------------------------------------------------------------------------
def section_bridging(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("bridging", "Bridging across institutions")
    if not results.has("outcomes") or "cross_institution_change" not in results.outcome_metrics:
        section.unavailable = results.missing_reason("outcomes") or "no /outcomes/cross_institution_change"
        return section
    overall = results.outcomes[(results.outcomes["by"] == "all")
                               & (results.outcomes["metric"] == "cross_institution_change")]
    points = overall.rename(columns={"arm": "label"})
    change = stats.summarise_outcomes(overall, "arm", options.level).rename(columns={"arm": "label"})
    bands = None
    if results.has("timeseries") and "cross_institution_ties" in results.timeseries_metrics:
        ts = results.timeseries_frame(["n", "cross_institution_ties"])
        bands = stats.timeseries_bands(ts, ["cross_institution_ties"], ("arm",), options.band,
                                       options.level, change=["cross_institution_ties"])
    share = None
    if results.has("dyads") and results.has("agents"):
        share = stats.mentoring_cross_institution(results.dyads, results.agents)
    fig = figures.plot_bridging(change, points, bands, share, results.arms, ctx.colors,
                                ctx.style, ctx.periods)
    alt = ("Bridging: change in cross-institution ties per agent by arm: " + ", ".join(
        f"{r.label} {tables.interval(r.mean, r.ci_low, r.ci_high)}" for r in change.itertuples())
        + "." + ("" if share is None or share.empty else " Mentoring links across institutions: "
                 + ", ".join(f"{a} {tables.number(p.share.mean() * 100)}%"
                             for a, p in share.groupby("arm")) + "."))
    section.figures.append(FigureItem("bridging", fig, (
        "Bridging between the hospital, university and institute. Left: change in collegial "
        "ties to staff of another home institution per active initial-staff agent (final − "
        f"initial; mean, {_pct(options.level)} t CI, replicates as circles). "
        + ("Middle: mean cross-institution ties of active agents over weeks, change since week 0 "
           f"({_band_text(options, results.replicates)}). " if bands is not None else "")
        + ("Right: share of each arm's dyads whose mentor and mentee have different home "
           "institutions (replicates with per-agent data; circles: replicates)."
           if share is not None and len(share) else "")), alt=alt))
    display = pd.DataFrame({"arm": change["label"].astype(str),
                            "unit": "ties per agent, final − initial",
                            "cross-institution tie change [CI]": [
                                tables.interval(m, lo, hi) for m, lo, hi in
                                zip(change["mean"], change["ci_low"], change["ci_high"])],
                            "replicates": change["n"].map(tables.count)})
    section.tables.append(TableItem("bridging", change, display, (
        f"Cross-institution tie change per arm: mean over replicates [{_pct(options.level)} t CI].")))
    return section


# -- unmatched ------------------------------------------------------------------------------------
def _add_unmatched(section: Section, breakdown: pd.DataFrame, labels, style) -> None:
    if breakdown.empty:
        section.unavailable = "no arm with eligible mentees (no program)"
        return
    fig = figures.plot_unmatched(breakdown, labels, style)
    matched = breakdown[breakdown["category"] == "matched"]
    alt = ("Stacked bars of what became of the eligible mentees per arm. Matched: " + ", ".join(
        f"{r.label} {tables.number(r.share * 100)}%" for r in matched.itertuples()) + ".")
    section.figures.append(FigureItem("unmatched", fig, (
        "Eligible mentees (initial staff) of each arm with a program, mean over replicates: "
        "matched, not enrolled (declined the program), and enrolled but never matched by the "
        "reason /outcomes records (no feasible mentor under the arm's constraints; every feasible "
        "mentor full; self-identified: approached no mentor, or every mentor approached "
        "declined)."), alt=alt))
    display = breakdown.assign(
        share=(breakdown["share"] * 100).map(tables.number),
        count=breakdown["count"].map(lambda c: tables.number(c, significant=3)),
        replicates=breakdown["replicates"].map(tables.count)).rename(
        columns={"label": "arm", "share": "% of eligible mentees", "count": "mentees (mean)"})
    section.tables.append(TableItem("unmatched", breakdown, display,
                                    "Eligible mentees by what became of them, mean over replicates."))


def section_unmatched(results: Results, options: Options) -> Section:
    section = Section("unmatched", "Why coverage differs: unmatched mentees by reason")
    if not results.has("outcomes"):
        section.unavailable = results.missing_reason("outcomes")
        return section
    _add_unmatched(section, stats.unmatched_breakdown(results.outcomes, "arm"), results.arms,
                   options.figure_style)
    return section


# -- end reasons ----------------------------------------------------------------------------------
def section_end_reasons(results: Results, options: Options) -> Section:
    section = Section("end_reasons", "Why dyads ended")
    if not results.has("dyads"):
        section.unavailable = results.missing_reason("dyads")
        return section
    if results.dyads.empty:
        section.unavailable = "/dyads is empty: no mentoring link was formed"
        return section
    reasons = stats.end_reasons(results.dyads)
    fig = figures.plot_end_reasons(reasons, results.codes["end_reason"], options.figure_style)
    top = reasons.sort_values("share", ascending=False).head(3)
    alt = ("Stacked horizontal bars of dyads by end reason, per formation, arm and dyad type. "
           + "; ".join(f"{r.arm} {display_name(r.type)}, {display_name(r.end_reason)}: "
                       f"{tables.number(r.share * 100)}%" for r in top.itertuples()) + ".")
    section.figures.append(FigureItem("end_reasons", fig, (
        "How the dyads of each arm and type ended, by formation (all replicates pooled): share of "
        "dyads by end reason; 'active' = still running at the end of the run, 'program end' = "
        "ended with the program, 'leaving' = a partner left the workforce; the four other reasons "
        "are relationship failures (the early failure rate). n = dyads."), alt=alt))
    display = reasons.assign(type=reasons["type"].map(display_name),
                             formation=reasons["formation"].map(display_name),
                             end_reason=reasons["end_reason"].map(display_name),
                             count=reasons["count"].map(tables.count),
                             n_dyads=reasons["n_dyads"].map(tables.count),
                             share=(reasons["share"] * 100).map(tables.number))
    section.tables.append(TableItem("end_reasons", reasons, display.rename(
        columns={"share": "share (%)", "n_dyads": "dyads of the arm, type and formation"}),
        "Dyads by arm, type, formation and end reason (share in %)"))
    return section


# -- network --------------------------------------------------------------------------------------
def program_end_week(results: Results) -> int | None:
    periods = program_periods(results)
    return int(max(end for _, end in periods)) if periods else None


def section_network(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("network", "Collegial and mentoring network at the program's end")
    if not results.has("network"):
        section.unavailable = results.missing_reason("network")
        return section
    agents = results.agents
    if agents is None or not {"institution", "arm"} <= set(agents.columns):
        section.unavailable = "/agents/final lacks institution or arm (needed to draw the agents)"
        return section
    agents = agents[agents["replicate"] == 0]
    weeks = results.meta.get("resolved", {}).get("run", {}).get("weeks")
    end = program_end_week(results)
    snapshots = results.snapshot_weeks["network"]
    drawn, collegial, where = None, None, "the end of the run"
    if end is not None:
        later = [w for w in snapshots if w >= end]
        if end in snapshots:
            drawn = end
        elif later:
            drawn = later[0]
    if drawn is not None:
        collegial = results.network_at(drawn)[["src", "dst"]]
        where = f"week {drawn}"
    else:
        collegial = results.network[results.network["replicate"] == 0][["src", "dst"]]
        drawn = weeks if isinstance(weeks, int) else None
    present = agents
    if drawn is not None and "hired" in agents and "left" in agents:
        present = agents[(agents["hired"] <= drawn) & ((agents["left"] < 0) | (agents["left"] > drawn))]
    elif "left" in agents:
        present = agents[agents["left"] < 0]
    links_week = end if end is not None else drawn
    mentoring = pd.DataFrame({"mentor": np.array([], dtype=np.int64),
                              "mentee": np.array([], dtype=np.int64),
                              "formation": pd.Series([], dtype=str),
                              "active": np.array([], dtype=bool), "cross": np.array([], dtype=bool)})
    if results.has("dyads"):
        dyads = results.dyads[results.dyads["replicate"] == 0]
        if links_week is not None:
            dyads = dyads[dyads["start"] <= links_week]
        home = pd.Series(agents["institution"].astype(str).to_numpy(), index=agents["id"].to_numpy())
        mentor, mentee = dyads["mentor"].astype(np.int64), dyads["mentee"].astype(np.int64)
        active = ((dyads["end"] < 0) | (dyads["end"] >= (links_week or 0))).to_numpy()
        mentoring = pd.DataFrame({
            "mentor": mentor.to_numpy(), "mentee": mentee.to_numpy(),
            "formation": dyads["formation"].astype(str).to_numpy(), "active": active,
            "cross": home.reindex(mentor).to_numpy() != home.reindex(mentee).to_numpy()})
    links = pd.concat([collegial, mentoring.rename(columns={"mentor": "src", "mentee": "dst"})
                       [["src", "dst"]]], ignore_index=True).astype(np.int64)
    starts = np.unique(mentoring.loc[mentoring["active"], ["mentor", "mentee"]]
                       .to_numpy(dtype=np.int64).ravel()) if len(mentoring) else np.array([], np.int64)
    nodes = network.snowball_sample(links, present["id"].to_numpy(), starts,
                                    options.network_sample, options.seed)
    positions = network.layout(nodes, links, options.seed)
    sample = present[present["id"].isin(nodes)][["id", "institution", "arm"]]
    fig = figures.plot_network(positions, sample, collegial, mentoring, ctx.colors,
                               [str(i) for i in results.codes["institution"]], ctx.style)
    in_sample = mentoring[mentoring["mentor"].isin(nodes) & mentoring["mentee"].isin(nodes)]
    timing = (f"Mentoring links as at week {links_week}, the end of the last program period; "
              if end is not None else "Mentoring links at the end of the run; ")
    if end is not None and drawn != end:
        timing += (f"collegial ties at {where} (the file has no network snapshot at week {end}: "
                   f"add {end} to output.snapshot_weeks to draw the ties at the program's end). ")
    else:
        timing += f"collegial ties at {where}. "
    note = "" if results.has("dyads") else f" No mentoring links: {results.missing_reason('dyads')}."
    section.figures.append(FigureItem("network", fig, (
        f"Collegial ties and mentoring links among {len(nodes)} of {len(present)} agents present "
        f"in replicate 0. {timing}Agents are coloured by arm and shaped by home institution; "
        "mentoring links drawn by formation, thin dotted if they had ended before; × marks a "
        "mentoring link across institutions. Sample: snowball (breadth-first) from random "
        f"agents in mentoring; layout: networkx spring layout; both seeded with {options.seed}."
        f"{note}"), alt=(
        f"Network drawing of {len(nodes)} sampled agents and their ties: "
        f"{int(in_sample['active'].sum())} mentoring links active at week {links_week}, "
        f"{int(in_sample['cross'][in_sample['active']].sum())} of them across institutions, and "
        f"{int((~in_sample['active']).sum())} ended earlier.")))
    return section


def _network_targets(results: Results, agents: pd.DataFrame) -> dict:
    attrs = results.network_attrs
    resolved = results.meta.get("resolved", {}).get("network", {})
    targets = {key: float(attrs[key]) for key in ("target_mean_degree", "achieved_mean_degree",
                                                  "target_clustering", "calibrated_clustering")
               if isinstance(attrs.get(key), (int, float))}
    if isinstance(resolved.get("within_unit"), (int, float)):
        targets["requested_same_unit"] = float(resolved["within_unit"])
    if isinstance(resolved.get("cross_institution"), (int, float)):
        targets["requested_same_institution"] = 1.0 - float(resolved["cross_institution"])
    return targets


def section_network_diagnostics(results: Results, options: Options) -> Section:
    section = Section("network_diagnostics", "Network diagnostics")
    if not results.has("network") or not results.has("agents"):
        section.unavailable = results.missing_reason("network") or results.missing_reason("agents")
        return section
    agents = results.agents[results.agents["replicate"] == 0]
    final = results.network[results.network["replicate"] == 0]
    homophily = stats.tie_homophily(final, agents[agents["left"] < 0] if "left" in agents else agents)
    targets = _network_targets(results, agents)
    fig = figures.plot_network_diagnostics(agents, homophily, targets, options.figure_style)
    rows = []
    initial = agents[agents["hired"] == 0] if "hired" in agents else agents
    active = agents[agents["left"] < 0] if "left" in agents else agents

    def add(quantity, requested, week0, end, unit):
        rows.append({"quantity": quantity, "unit": unit, "requested": requested,
                     "week 0": week0, "end of run": end})
    add("mean collegial ties per agent", tables.number(targets.get("target_mean_degree")),
        tables.number(initial["degree_initial"].mean()) if "degree_initial" in initial else "–",
        tables.number(active["degree"].mean()) if "degree" in active else "–", "ties")
    add("mean local clustering", tables.number(targets.get("target_clustering")),
        tables.number(targets.get("calibrated_clustering")),
        tables.number(active["clustering"].mean()) if "clustering" in active else "–", "0–1")
    for _, h in homophily.iterrows():
        requested = targets.get(f"requested_same_{h['field']}")
        add(f"ties within the same {display_name(h['field'])}",
            tables.number(requested * 100) if requested is not None else
            ("odds 1:" + tables.number(results.meta.get('resolved', {}).get('network', {}).get('same_profession'))
             if h["field"] == "profession" else "–"), "–",
            f"{tables.number(h['observed'] * 100)} (random: {tables.number(h['random'] * 100)})",
            "% of ties")
    table = pd.DataFrame(rows)
    section.figures.append(FigureItem("network_diagnostics", fig, (
        "The collegial network of replicate 0 against what the scenario asked for. Left: "
        "distribution of ties per agent at week 0 (initial staff, /agents/final degree_initial) "
        "and at the end (active agents), with the requested mean degree. Middle: local clustering "
        "at the end, with the generator's target and the value it reached at week 0. Right: share "
        "of ties within the same unit, profession and home institution at the end, against the "
        "share random ties among the same agents would give, and the share requested "
        "(network.within_unit; 1 − network.cross_institution for institutions, before joint "
        "appointees add ties; profession homophily is requested as odds, not as a share)."),
        alt=(f"Network diagnostics: mean degree requested {tables.number(targets.get('target_mean_degree'))}, "
             f"achieved {tables.number(targets.get('achieved_mean_degree'))}; clustering target "
             f"{tables.number(targets.get('target_clustering'))}, week 0 "
             f"{tables.number(targets.get('calibrated_clustering'))}; "
             + "; ".join(f"same {h.field} {tables.number(h.observed * 100)}% of ties (random "
                         f"{tables.number(h.random * 100)}%)" for h in homophily.itertuples()) + ".")))
    section.tables.append(TableItem("network_diagnostics", table, table,
                                    "Network: requested against achieved (replicate 0)."))
    return section


# -- convergence ----------------------------------------------------------------------------------
def _add_convergence(section: Section, differences: pd.DataFrame, colors: dict, options: Options,
                     constants: dict) -> None:
    metrics = [m for m in dict.fromkeys(differences["metric"]) if not _metric_constant(constants, m)]
    differences = differences[differences["metric"].isin(metrics)]
    if differences.empty or differences.groupby(["comparison", "metric"]).size().max() < 3:
        section.unavailable = ("convergence needs at least 3 paired replicates with the outcome "
                               "defined")
        return
    curve = stats.convergence(differences, options.level)
    fig = figures.plot_convergence(curve, colors, options.figure_style)
    summary = stats.convergence_summary(differences, options.level)
    display = pd.DataFrame({
        "comparison": summary["comparison"],
        "outcome": [outcome_info(m).label for m in summary["metric"]],
        "unit": ["percentage points" if outcome_info(m).kind == "share" else outcome_info(m).unit
                 for m in summary["metric"]],
        "replicates": summary["replicates"].map(tables.count),
        "difference ± half-width": [
            f"{tables.number(e * display_scale(outcome_info(m)), tables.interval_decimals(e, e - h, e + h))}"
            f" ± {tables.number(h * display_scale(outcome_info(m)), significant=2)}"
            if np.isfinite(h) else "–" for e, h, m in zip(summary["estimate"], summary["half_width"],
                                                          summary["metric"])],
        "replicates to halve the half-width": summary["replicates_to_halve"].map(_replicates_text),
        "replicates for the CI to exclude 0": summary["replicates_to_exclude_zero"].map(_replicates_text)})
    worst = summary.sort_values("replicates_to_exclude_zero").tail(1)
    section.figures.append(FigureItem("convergence", fig, (
        "The paired difference of each outcome and its "
        f"{_pct(options.level)} t interval computed from the first k replicates, k = 2 .. R. "
        "An interval still narrowing at the right edge means that more replicates would sharpen "
        "the estimate; the table gives how many, if the mean and SD of the paired differences "
        "stay as estimated (a planning figure, not a guarantee)."), alt=(
        "Line charts of the estimated difference and its interval against the number of "
        "replicates used, one panel per outcome. " + "; ".join(
            f"{r.comparison}, {outcome_info(r.metric).label.lower()}: about "
            f"{_replicates_text(r.replicates_to_exclude_zero)} replicates for the interval to "
            "exclude 0" for r in worst.itertuples()) + ".")))
    section.tables.append(TableItem("convergence", summary, display, (
        f"Precision of the paired differences now, and replicates needed for a narrower "
        f"{_pct(options.level)} t interval (if mean and SD stay as estimated).")))


def _replicates_text(n) -> str:
    if n is None or (isinstance(n, float) and np.isnan(n)):
        return "–"
    if np.isinf(n):
        return "more than 100,000"
    return tables.count(n)


def section_convergence(results: Results, options: Options) -> Section:
    ctx = context(results, options)
    section = Section("convergence", "Replicates and convergence")
    if not results.has("outcomes"):
        section.unavailable = results.missing_reason("outcomes")
        return section
    if len(results.arms) < 2:
        section.unavailable = _single_arm_note(results)
        return section
    metrics = _forest_outcomes(results.outcome_metrics, results.domains, options)
    values = stats.outcome_values(results.outcomes)
    differences = stats.replicate_differences(values, ctx.comparisons, metrics)
    _add_convergence(section, differences, ctx.colors, options, ctx.constants)
    return section


# -- patterns -------------------------------------------------------------------------------------
def _target_text(row) -> str:
    low, high, tol = row["target_low"], row["target_high"], row["tolerance"]
    if not np.isfinite(low):
        return "–"
    if not np.isfinite(high):
        text = "> " + tables.number(low)
    elif low == high:
        text = tables.number(low)
    else:
        text = f"{tables.number(low)} to {tables.number(high)}"
    return text + (f" ± {tables.number(tol)}" if tol > 0 else "")


def patterns_table(table: pd.DataFrame) -> pd.DataFrame:
    """The display table of /patterns: one row per pattern."""
    rows = []
    for _, row in table.iterrows():
        if np.isfinite(row["mean"]):
            achieved = tables.number(row["mean"])
            if np.isfinite(row["ci_low"]):
                achieved += f" [{tables.number(row['ci_low'])}, {tables.number(row['ci_high'])}]"
            achieved += f" (R = {row['replicates']})"
        else:
            achieved = "–"
        verdict = row["verdict"]
        if verdict == "miss" and row["reproduced"]:
            verdict += " (documented as reproduced)"
        if verdict == "not computable":
            verdict = row["reason"]
        rows.append({"pattern": f"{row['id']} {row['name']}", "figure": row["figure"],
                     "published": row["published"], "target": _target_text(row),
                     "achieved [95% CI]": achieved, "verdict": verdict, "source": row["source"]})
    return pd.DataFrame(rows)


def section_patterns(results: Results, options: Options) -> Section:
    """Published patterns against the simulation, as `mentorsim patterns` wrote them to /patterns
    (the report reads the table; it does not recompute the statistics)."""
    section = Section("patterns", "Patterns: published figures against the simulation")
    table = results.patterns
    if table is None:
        section.unavailable = ("this file has no /patterns (add it with `mentorsim patterns "
                               f"{results.path.name}`)")
        return section
    counts = table["verdict"].value_counts()
    section.paragraphs.append(
        f"{len(table)} patterns from {plain_text(str(_patterns_file(results)))}: "
        f"{counts.get('pass', 0)} pass, {counts.get('miss', 0)} miss, "
        f"{counts.get('not computable', 0)} not computable. Achieved: the mean over replicates with "
        "a 95% confidence interval (mean ± t(0.975, R − 1) · SD / √R); a pattern passes when the "
        "mean lies within the target widened by its tolerance. Per-agent and network statistics "
        "use replicate 0 only unless the run kept every replicate (output.all_replicates). The "
        "statistics and their sources are described in docs/model.md, section 1.2.")
    fig = figures.plot_patterns(table, options.figure_style)
    if fig is not None:
        shown = table[table["verdict"] != "not computable"]
        section.figures.append(FigureItem("patterns", fig, (
            "Each computed pattern in its own panel, on its statistic's own scale: the published "
            "target (dark band, or a line for a single value), the target widened by its tolerance "
            "(light band), the replicates' values (dots) and their mean with its 95% CI "
            "(diamond and bar), green when the pattern passes and red when it misses. Patterns "
            "that cannot be computed are listed in the table only."),
            alt="Patterns against their targets: " + "; ".join(
                f"{r.id} {r.verdict}, mean {tables.number(r.mean)}, target {_target_text(r._asdict())}"
                for r in shown.itertuples()) + "."))
    display = patterns_table(table)
    section.tables.append(TableItem("patterns", table.drop(columns=["values"]), display,
                                    "Patterns: target against achieved."))
    return section


def _patterns_file(results: Results) -> str:
    with results._open() as f:
        value = f["patterns"].attrs.get("patterns_file", "calibration/patterns.toml")
    return value.decode() if isinstance(value, bytes) else str(value)


# -- methods --------------------------------------------------------------------------------------
def section_methods(options: Options) -> Section:
    section = Section("methods", "Methods")
    level = _pct(options.level)
    section.paragraphs += [
        "<b>Pooling groups.</b> /timeseries holds a mean per group (arm × institution × profession "
        "× stage × minority). An arm's value is Σ n<sub>g</sub> m<sub>g</sub> / Σ n<sub>g</sub> over "
        "its groups with n<sub>g</sub> &gt; 0, with n<sub>g</sub> the active agents (for "
        "<code>retained</code>: the initial staff); counts are summed.",
        f"<b>Intervals over replicates.</b> mean ± t<sub>R−1</sub> · SD / √R ({level}, SD with "
        "R − 1 in the denominator).",
        "<b>Paired difference.</b> Arms (or designs) run with the same seed share population, "
        "network and draws in replicate r, so d<sub>r</sub> = Y<sub>r</sub>(arm) − "
        "Y<sub>r</sub>(reference) and the estimate is the mean of d<sub>r</sub> over replicates "
        "where both are defined.",
        "<b>Effect sizes.</b> The headline standardised difference is on the level of "
        "individuals: for shares Cohen's h = 2 asin √p<sub>arm</sub> − 2 asin √p<sub>ref</sub>; "
        "for means Cohen's d = mean difference / pooled SD of the staff (or dyads) of both sides "
        "(per-agent values of the replicates whose /agents/final the file holds). The "
        "replicate-level d<sub>z</sub> = mean difference / SD(d<sub>r</sub>) measures how "
        "precisely the runs separate the arms; it grows with population size and is not an "
        "effect size of individuals.",
        "<b>Equity contrasts.</b> Minority gap = outcome of minority staff − outcome of the "
        "others; isolation gradient = least-squares slope over isolation quartiles (Q1 most "
        "isolated .. Q4); each per replicate, then the difference in differences between arms, "
        "paired by replicate.",
        f"<b>Bootstrap.</b> Percentile bootstrap: {options.n_boot} resamples of the replicate "
        f"pairs with replacement (numpy default_rng, seed {options.seed}); the CI is the "
        f"{50 * (1 - options.level):g}th and {50 * (1 + options.level):g}th percentile of the "
        "resampled statistic.",
        "<b>Degenerate outcomes.</b> An outcome whose value is the same in every replicate and "
        "arm is left out of tables and figures and named with its value.",
        "Formulas and choices in full: docs/analysis.md of the mentorsim repository."]
    return section


SingleBuilder = Callable[[Results, Options], Section]
SECTIONS: list[SingleBuilder] = [
    lambda r, o: section_scenario(r), lambda r, o: section_parameters(r),
    lambda r, o: section_provenance(r), section_tables, section_timeseries, section_skill_gain,
    section_comparison, section_differences, section_equity, section_subgroups, section_bridging,
    section_unmatched, section_end_reasons, section_network, section_network_diagnostics,
    section_convergence, section_patterns, lambda r, o: section_methods(o),
]


def build_sections(results: Results, options: Options) -> list[Section]:
    sections = [build(results, options) for build in SECTIONS]
    results.__dict__.pop("_report_context", None)
    return sections


# -- compare --------------------------------------------------------------------------------------
@dataclass
class Comparison:
    """Several designs (files) aligned arm by arm, with what the pairing can and cannot claim."""
    results: list[Results]
    designs: list[str]
    arm_sets: list[list[str]]  # arm names of each design, aligned by position
    labels: list[list[str]]    # series label of each design's aligned arm
    paired: bool
    notes: list[str]


def _flatten(tree, prefix: str = "") -> dict[str, str]:
    """Key paths of a resolved-parameter tree: dicts by key, lists by index (arms.1.uptake)."""
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    if isinstance(tree, list) and any(isinstance(v, (dict, list)) for v in tree):
        out = {}
        for k, value in enumerate(tree):
            out.update(_flatten(value, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: json.dumps(tree, sort_keys=True)}


def parameter_differences(results: Sequence[Results], designs: Sequence[str]) -> pd.DataFrame:
    """Resolved parameters that differ between designs, by key path (output.* left out)."""
    flat = [_flatten(r.meta["resolved"]) for r in results]
    keys = sorted(set().union(*flat),
                  key=lambda k: [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in k.split(".")])
    rows = []
    for key in keys:
        if key.startswith("output."):
            continue
        values = [f.get(key, "(absent)") for f in flat]
        if len(set(values)) > 1:
            rows.append({"parameter": key, **dict(zip(designs, values))})
    return pd.DataFrame(rows, columns=["parameter", *designs])


def _unique_labels(results: Sequence[Results], labels: Sequence[str] | None) -> list[str]:
    if labels is not None:
        if len(labels) != len(results):
            raise AnalysisError(f"--labels gives {len(labels)} names for {len(results)} files")
        if len(set(labels)) != len(labels):
            raise AnalysisError("--labels repeats a name")
        return list(labels)
    names = [r.label for r in results]
    if len(set(names)) == len(names):
        return names
    return [f"{name} ({i + 1})" for i, name in enumerate(names)]


def align(results: Sequence[Results], labels: Sequence[str] | None = None) -> Comparison:
    """Align the designs arm by arm and check that their runs can be paired.

    Arms match by name when every design has the same arm names, else by code when every design
    has the same number of arms. Runs are paired by replicate only when the seeds match."""
    if len(results) < 2:
        raise AnalysisError("compare needs at least two results files")
    designs = _unique_labels(results, labels)
    notes: list[str] = []
    names = [r.arms for r in results]
    if all(n == names[0] for n in names):
        arm_sets = [list(n) for n in names]
    elif all(len(n) == len(names[0]) for n in names):
        arm_sets = [list(n) for n in names]
        pairs = "; ".join(" = ".join(f"{d}:{n[k]}" for d, n in zip(designs, names))
                          for k in range(len(names[0])))
        notes.append(f"arm names differ between designs; arms are matched by code: {pairs}")
    else:
        listing = "; ".join(f"{d}: {', '.join(n)}" for d, n in zip(designs, names))
        raise AnalysisError(f"cannot match arms between designs ({listing})")
    single = len(arm_sets[0]) == 1
    series = [[d if single else f"{d} · {arm}" for arm in arms] for d, arms in zip(designs, arm_sets)]
    seeds = [r.seed for r in results]
    paired = len(set(seeds)) == 1
    if paired:
        notes.insert(0, f"seeds match (seed {seeds[0]}): runs are paired by replicate under common "
                        "random numbers")
    else:
        listing = ", ".join(f"{d}: {s}" for d, s in zip(designs, seeds))
        notes.insert(0, f"seeds differ ({listing}): runs are NOT paired; differences are unpaired "
                        "(difference of means, each design's replicates resampled on its own)")
    reps = [r.replicates for r in results]
    if len(set(reps)) > 1:
        listing = ", ".join(f"{d}: {n}" for d, n in zip(designs, reps))
        notes.append(f"replicate counts differ ({listing})"
                     + ("; pairs use the common replicates" if paired else ""))
    diff = parameter_differences(results, designs)
    structural = [p for p in diff["parameter"] if p.startswith(("population.", "network.", "run."))
                  and p not in ("run.replicates", "run.threads")]
    if paired and structural:
        notes.append("same seed, but the designs differ in " + ", ".join(structural)
                     + ": their populations or networks are not the same, so pairing removes "
                       "less of the noise")
    return Comparison(list(results), designs, arm_sets, series, paired, notes)


def validate_compare(comparison: Comparison, options: Options) -> None:
    validate_numbers(options)
    for r in comparison.results:
        try:
            if options.series is not None:
                r.check_series(options.series)
            if options.outcomes is not None and r.has("outcomes"):
                r.check_outcomes(options.outcomes)
        except AnalysisError as error:
            raise AnalysisError(f"{r.path}: {error}") from None
    if options.outcomes is not None and not any(r.has("outcomes") for r in comparison.results):
        comparison.results[0].check_outcomes(options.outcomes)
    if options.reference is not None:
        check_names([options.reference], comparison.designs, "design")


def _compare_outcomes(comparison: Comparison) -> pd.DataFrame:
    parts = []
    for r, arms, labels in zip(comparison.results, comparison.arm_sets, comparison.labels):
        frame = r.outcomes.copy()
        frame["label"] = frame["arm"].astype(str).map(dict(zip(arms, labels)))
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _compare_staff(comparison: Comparison) -> pd.DataFrame:
    parts = []
    for r, arms, labels in zip(comparison.results, comparison.arm_sets, comparison.labels):
        values = stats.staff_values(r.agents, r.dyads, r.domains)
        values["label"] = values["arm"].astype(str).map(dict(zip(arms, labels)))
        parts.append(values)
    return pd.concat(parts, ignore_index=True)


DESIGN_LINESTYLES = ("-", (0, (4, 1.5)), (0, (1, 1.2)), (0, (4, 1, 1, 1)), (0, (6, 2)))
DESIGN_MARKERS = ("o", "s", "^", "D", "v")


def compare_sections(comparison: Comparison, options: Options) -> list[Section]:
    sections = []
    designs = comparison.designs
    ordered = [label for labels in comparison.labels for label in labels]
    colors = palette.arm_colors(ordered)
    style = options.figure_style

    overview = Section("designs", "Designs compared")
    rows = [{"design": d, "file": str(r.path), "scenario": r.meta.get("scenario_path", ""),
             "seed": str(r.seed), "replicates": tables.count(r.replicates),
             "arms": ", ".join(r.arms), "mentorsim": r.meta.get("mentorsim_version", ""),
             "commit": r.meta.get("git_commit", ""), "sha256": _sha256(r.path)[:16],
             "overrides (--set)": "; ".join(_overrides(r.meta)) or "none",
             "switched off (dynamics.disabled)": ", ".join(switched_off(r.meta)) or "none"}
            for d, r in zip(designs, comparison.results)]
    table = pd.DataFrame(rows)
    overview.tables.append(TableItem("designs", table, table, "Files compared"))
    overview.paragraphs += [html.escape(note[0].upper() + note[1:]) + "." for note in comparison.notes]
    diff = parameter_differences(comparison.results, designs)
    if diff.empty:
        overview.paragraphs.append("The resolved parameters are identical (output.* aside).")
    else:
        overview.paragraphs.append("Parameters that differ: " + "; ".join(
            f"<code>{html.escape(row['parameter'])}: "
            + html.escape(" → ".join(str(row[d]) for d in designs)) + "</code>"
            for _, row in diff.iterrows()) + ".")
        overview.tables.append(TableItem("parameter_differences", diff, diff,
                                         "Resolved parameters that differ between designs "
                                         "(key paths; lists by index, arms.1 = the second arm)"))
    sections.append(overview)

    differences = Section("differences", "Paired differences between designs")
    comparison_panel = Section("comparison", "Designs compared side by side")
    equity = Section("equity", "Equity: minority gap and network-isolation gradient")
    unmatched = Section("unmatched", "Why coverage differs: unmatched mentees by reason")
    convergence = Section("convergence", "Replicates and convergence")
    with_outcomes = all(r.has("outcomes") for r in comparison.results)
    reference = designs.index(options.reference) if options.reference else 0
    if not with_outcomes:
        lacking = [d for d, r in zip(designs, comparison.results) if not r.has("outcomes")]
        reason = f"no /outcomes in {', '.join(lacking)}"
        for s in (differences, comparison_panel, equity, unmatched, convergence):
            s.unavailable = reason
    else:
        outcomes = _compare_outcomes(comparison)
        constants = stats.constant_outcomes(outcomes)
        pairs = [(comparison.labels[i][k], comparison.labels[reference][k])
                 for i in range(len(designs)) if i != reference
                 for k in range(len(comparison.arm_sets[0]))]
        available = sorted(set.intersection(*(set(r.outcome_metrics) for r in comparison.results)))
        metrics = _forest_outcomes(available, comparison.results[0].domains, options)
        values = stats.outcome_values(outcomes, "label")
        diffs = stats.paired_differences(values, pairs, metrics, options.n_boot, options.seed,
                                         options.level, paired=comparison.paired,
                                         staff_sd=stats.staff_sd_lookup(_compare_staff(comparison)))
        points = (stats.replicate_differences(values, pairs, metrics) if comparison.paired
                  else None)
        _add_differences(differences, diffs, points, colors, options,
                         f"Each design minus the reference design {designs[reference]}"
                         + (", paired by replicate." if comparison.paired else
                            "; seeds differ, so the runs are not paired."), constants,
                         "the reference")
        summary = stats.summarise_outcomes(outcomes, "label", options.level)
        skip = {m for (m, by, _) in constants if by is None}
        markers = {label: DESIGN_MARKERS[i % len(DESIGN_MARKERS)]
                   for i, labels in enumerate(comparison.labels) for label in labels}
        fig = figures.plot_arm_comparison(summary, ordered, colors, style,
                                          points=_outcome_points(outcomes, "label"), skip=skip,
                                          markers=markers)
        comparison_panel.figures.append(FigureItem("comparison", fig, (
            "Designs side by side: coverage (overall, by minority status, by isolation quartile), "
            "early failure rate and endings by reason, satisfaction change, tie strength and "
            "cross-institution tie change, retention, quality by formation. Points with bars: "
            f"mean over replicates and {_pct(options.level)} t confidence interval (one marker "
            "shape per design); small circles: single replicates."), alt=(
            "Panels of mean and interval per design with replicate points; coverage: " + ", ".join(
                f"{r.label} {tables.number(r.mean * 100)}%" for r in summary[
                    (summary["metric"] == "coverage") & (summary["by"] == "all")].itertuples()
                if np.isfinite(r.mean)) + ".")))
        shown = _drop_constant_rows(summary, constants)
        comparison_panel.tables.append(TableItem(
            "summary_outcomes", summary, tables.outcome_summary_display(shown, ordered, "label"),
            f"Outcomes per design: mean over replicates [{_pct(options.level)} t CI]; shares in %."))
        note = _constant_note(constants, "Left out of the table")
        if note:
            comparison_panel.paragraphs.append(note)
        eq_values = stats.equity_values(outcomes, "label")
        if eq_values.empty:
            equity.unavailable = "/outcomes has no by_minority or by_isolation breakdown"
        else:
            eq_values, eq_summary, did = _equity(eq_values, ordered, pairs, constants, options,
                                                 paired=comparison.paired)
            _add_equity(equity, eq_values, eq_summary, did, colors, options, "the reference")
        _add_unmatched(unmatched, stats.unmatched_breakdown(outcomes, "label"), ordered, style)
        if comparison.paired:
            _add_convergence(convergence, stats.replicate_differences(values, pairs, metrics),
                             colors, options, constants)
        else:
            convergence.unavailable = "the runs are not paired (seeds differ)"
    sections += [differences, comparison_panel, equity, unmatched, convergence]

    series_section = Section("timeseries", "Outcome time series by design")
    if all(r.has("timeseries") for r in comparison.results):
        metrics = (list(options.series) if options.series is not None else
                   [m for m in DEFAULT_SERIES
                    if all(m in r.timeseries_metrics for r in comparison.results)])
        parts = []
        change = [m for m in metrics if stats.shows_change(m)]
        for r, arms, labels in zip(comparison.results, comparison.arm_sets, comparison.labels):
            ts = r.timeseries_frame(sorted(set(metrics) | {"n", "n_initial"} & set(r.timeseries_metrics)))
            bands = stats.timeseries_bands(ts, metrics, ("arm",), options.band, options.level, change)
            bands["label"] = bands["label"].map(dict(zip(arms, labels)))
            parts.append(bands)
        if metrics:
            bands = pd.concat(parts, ignore_index=True)
            linestyles = {label: DESIGN_LINESTYLES[i % len(DESIGN_LINESTYLES)]
                          for i, labels in enumerate(comparison.labels) for label in labels}
            periods = sorted(set().union(*(set(program_periods(r)) for r in comparison.results)))
            fig = figures.plot_timeseries(bands, metrics, colors, linestyles, style, periods)
            reps = min(r.replicates for r in comparison.results)
            series_section.figures.append(FigureItem("timeseries", fig, (
                "Outcomes over weeks by design (one line style per design, so that overlapping "
                "lines stay visible); groups pooled with their size as weight; means as change "
                f"since week 0; {_band_text(options, reps)}.{_period_text(periods)}"), alt=(
                f"Step-line charts of {len(metrics)} outcomes over weeks for "
                f"{len(ordered)} design-arm series.")))
    else:
        lacking = [d for d, r in zip(designs, comparison.results) if not r.has("timeseries")]
        series_section.unavailable = f"no /timeseries in {', '.join(lacking)}"
    sections.append(series_section)

    scenarios = Section("scenario", "Scenarios")
    for d, r in zip(designs, comparison.results):
        scenarios.code.append((f"{d}: scenario_toml", "toml", r.meta["scenario_toml"]))
    sections.append(scenarios)
    sections.append(section_methods(options))
    return sections


# -- writing --------------------------------------------------------------------------------------
def save_sections(sections: Sequence[Section], directory: Path, dpi: int,
                  write_figures: bool = True, write_tables: bool = True,
                  panels: bool = False) -> dict[str, Path]:
    """Write figures (figures/NAME.png, .pdf; with `panels` also figures/panels/NAME_k.*) and
    tables (tables/NAME.csv, .tex); return the PNG path of each figure."""
    pngs = {}
    for section in sections:
        if write_figures:
            for item in section.figures:
                png, _ = figures.save_figure(item.figure, directory / "figures", item.name, dpi)
                pngs[item.name] = png
                if panels:
                    figures.save_panels(item.figure, directory / "figures" / "panels", item.name, dpi)
        if write_tables:
            for item in section.tables:
                tables.write_table(item.raw, item.display, directory / "tables", item.name,
                                   item.caption)
    return pngs


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em;display:block;overflow-x:auto}
th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}figure{margin:1em 0}img{max-width:100%;height:auto}
figcaption,.caption{font-size:.9em;color:#444}pre{background:#f7f7f7;padding:.8em;overflow:auto;
font-size:.8em;max-height:30em}.unavailable{background:#fff4e0;border-left:4px solid #E69F00;
padding:.5em 1em}.notes{background:#eef5fb;border-left:4px solid #0072B2;padding:.5em 1em}
.warnings{background:#fff4e0;border-left:4px solid #D55E00;padding:.5em 1em}
"""


def render_html(title: str, header: list[str], sections: Sequence[Section],
                pngs: dict[str, Path], warnings: Sequence[str] = ()) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{html.escape(title)}</title>", f"<style>{CSS}</style></head><body>",
           f"<h1>{html.escape(title)}</h1>"]
    out += [f"<p>{line}</p>" for line in header]
    if warnings:
        out.append('<div class="warnings" id="warnings"><b>Warnings</b><ul>' + "".join(
            f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul></div>")
    out.append("<nav><b>Contents</b><ol>" + "".join(
        f'<li><a href="#{s.key}">{html.escape(s.title)}</a></li>' for s in sections) + "</ol></nav>")
    for s in sections:
        out.append(f'<section id="{s.key}"><h2>{html.escape(s.title)}</h2>')
        if s.unavailable:
            out.append(f'<p class="unavailable">Not available: {html.escape(s.unavailable)}.</p>')
        out += [f"<p>{p}</p>" for p in s.paragraphs]
        for item in s.figures:
            data = base64.b64encode(pngs[item.name].read_bytes()).decode("ascii")
            alt = item.alt or item.caption
            out.append(f'<figure id="figure-{item.name}"><img src="data:image/png;base64,{data}" '
                       f'alt="{html.escape(alt)}"><figcaption>{html.escape(item.caption)}'
                       f"</figcaption></figure>")
        for item in s.tables:
            out.append(f'<p class="caption">{html.escape(item.caption)}</p>')
            out.append(tables.to_html(item.display))
        for caption, _, text in s.code:
            out.append(f"<details open><summary>{html.escape(caption)}</summary>"
                       f"<pre>{html.escape(text)}</pre></details>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _markdown_text(text: str) -> str:
    """The report's paragraphs carry a little HTML; Markdown renders it too, except <code>."""
    return text.replace("<code>", "`").replace("</code>", "`")


def render_markdown(title: str, header: list[str], sections: Sequence[Section],
                    warnings: Sequence[str] = ()) -> str:
    out = [f"# {title}", ""]
    out += [_markdown_text(line) + "\n" for line in header]
    if warnings:
        out += ["**Warnings**", ""] + [f"- {w}" for w in warnings] + [""]
    for s in sections:
        out += [f"## {s.title}", ""]
        if s.unavailable:
            out += [f"> **Not available:** {s.unavailable}.", ""]
        out += [_markdown_text(p) + "\n" for p in s.paragraphs]
        for item in s.figures:
            alt = (item.alt or item.name).replace("[", "(").replace("]", ")")
            out += [f"![{alt}](figures/{item.name}.png)", "",
                    f"*{item.caption}* (vector: [figures/{item.name}.pdf](figures/{item.name}.pdf))", ""]
        for item in s.tables:
            out += [f"*{item.caption}*", "", tables.to_markdown(item.display)]
        for caption, language, text in s.code:
            fence = "````" if "```" in text else "```"
            out += [f"*{caption}*", "", f"{fence}{language}", text.rstrip("\n"), fence, ""]
    return "\n".join(out) + "\n"


def _generated() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = time.gmtime(int(epoch)) if epoch and epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", moment)


def _header(results: Results, options: Options) -> list[str]:
    meta = results.meta
    return [f"Results file <code>{html.escape(str(results.path))}</code> written by mentorsim "
            f"{html.escape(str(meta['mentorsim_version']))} (commit "
            f"{html.escape(str(meta.get('git_commit', 'unknown')))}) at "
            f"{html.escape(str(meta.get('created_utc', '?')))}; seed {results.seed}, "
            f"{results.replicates} replicate(s), arms {html.escape(', '.join(results.arms))}.",
            f"Report by mentorsim_analysis {__version__} at {_generated()}; bootstrap "
            f"{options.n_boot:,} resamples, seed {options.seed}; intervals at {_pct(options.level)}; "
            f"figures for {options.style}-column width "
            f"({round(options.figure_style.width / figures.MM)} mm)."]


def write_report(sections: Sequence[Section], title: str, header: list[str], directory: Path,
                 dpi: int, warnings: Sequence[str] = (), panels: bool = False) -> None:
    pngs = save_sections(sections, directory, dpi, panels=panels)
    (directory / "report.html").write_text(render_html(title, header, sections, pngs, warnings),
                                           encoding="utf-8")
    (directory / "report.md").write_text(render_markdown(title, header, sections, warnings),
                                         encoding="utf-8")


def contamination_warnings(results: Results) -> list[str]:
    """A warning when staff of several arms were randomised one by one: colleagues in one unit then
    sit in different arms, and unit culture (psychological safety) and informal diffusion (skills,
    ties) spill from program staff to control staff, biasing those contrasts toward zero."""
    resolved = results.meta.get("resolved", {})
    method = resolved.get("randomisation", {}).get("method")
    arms = resolved.get("arms", [])
    if method != "individual" or len(arms) < 2:
        return []
    return ["individual randomisation: staff of one unit are in different arms, so unit culture "
            "(psych_safety, shared by the unit) and informal diffusion along collegial ties (skill "
            "gains, tie strength) spill from program staff to control staff; the contrasts of these "
            "outcomes are biased toward zero. Randomise by unit ([randomisation] method = "
            "\"cluster\") to estimate them."]


def build_report(results: Results, outdir: str | Path, options: Options | None = None,
                 warn: Warn | None = None) -> Path:
    """Validate, compute every section, then write the report into `outdir` atomically."""
    options = options or Options()
    validate(results, options)
    with staged_directory(outdir, [results.path], warn) as staging:
        sections = build_sections(results, options)
        write_report(sections, f"mentorsim report: {results.path.name}",
                     _header(results, options), staging, options.dpi,
                     results.warnings + contamination_warnings(results), options.panels)
    return Path(outdir)


def build_compare_report(results: Sequence[Results], outdir: str | Path,
                         options: Options | None = None,
                         warn: Warn | None = None) -> tuple[Path, Comparison]:
    options = options or Options()
    comparison = align(results, options.labels)
    validate_compare(comparison, options)
    header = [f"Designs: {html.escape(', '.join(comparison.designs))}.",
              f"Report by mentorsim_analysis {__version__} at {_generated()}; bootstrap "
              f"{options.n_boot:,} resamples, seed {options.seed}; intervals at "
              f"{_pct(options.level)}; figures for {options.style}-column width."]
    header += [f'<span class="notes">{html.escape(n[0].upper() + n[1:])}.</span>'
               for n in comparison.notes[:1]]
    warnings = [f"{d}: {w}" for d, r in zip(comparison.designs, comparison.results)
                for w in r.warnings + contamination_warnings(r)]
    with staged_directory(outdir, [r.path for r in results], warn) as staging:
        sections = compare_sections(comparison, options)
        write_report(sections, "mentorsim comparison: " + " vs ".join(comparison.designs), header,
                     staging, options.dpi, warnings, options.panels)
    return Path(outdir), comparison


def write_figures(results: Results, outdir: str | Path, options: Options | None = None,
                  warn: Warn | None = None) -> list[str]:
    """Only the figures (PNG + PDF) into `outdir`; returns the sections left out and why."""
    options = options or Options()
    validate(results, options)
    with staged_directory(outdir, [results.path], warn) as staging:
        sections = build_sections(results, options)
        save_sections(sections, staging, options.dpi, write_tables=False, panels=options.panels)
    return [f"{s.title}: {s.unavailable}" for s in sections if s.unavailable]


def write_tables(results: Results, outdir: str | Path, options: Options | None = None,
                 warn: Warn | None = None) -> list[Path]:
    """Only the tables (CSV + LaTeX) into `outdir`."""
    options = options or Options()
    validate(results, options)
    with staged_directory(outdir, [results.path], warn) as staging:
        sections = [section_tables(results, options), section_differences(results, options),
                    section_equity(results, options)]
        results.__dict__.pop("_report_context", None)
        save_sections(sections, staging, options.dpi, write_figures=False)
        names = sorted(p.name for p in (staging / "tables").glob("*")) if (staging / "tables").exists() else []
    return [Path(outdir) / "tables" / n for n in names]
