"""Report: sections of figures, tables and text built from `Results`, written as one
self-contained HTML page (figures embedded as base64 PNG) and a Markdown page, next to the
figures (PNG + PDF) and tables (CSV + LaTeX).

Every section says what it shows; a section whose data the file lacks says so instead.
Output goes to a temporary directory beside the target and is moved into place only when whole.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import __version__, figures, network, palette, stats, tables
from .io import AnalysisError, Results, check_names
from .metrics import DEFAULT_FOREST_OUTCOMES, DEFAULT_SERIES

MARKER = ".mentorsim_analysis"


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


@dataclass
class FigureItem:
    name: str
    figure: object
    caption: str


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
    if options.series is not None:
        results.check_series(options.series)
    if options.outcomes is not None:
        results.check_outcomes(options.outcomes)
    if options.reference is not None:
        reference_arm(results.arms, options.reference)
    _validate_numbers(options)


def _validate_numbers(options: Options) -> None:
    if options.n_boot < 1:
        raise AnalysisError(f"--bootstrap must be at least 1 (got {options.n_boot})")
    if not 0 < options.level < 1:
        raise AnalysisError(f"--level must be between 0 and 1 (got {options.level})")
    if options.band not in ("ci", "range"):
        raise AnalysisError(f"unknown band {options.band!r}; use 'ci' or 'range'")
    if options.network_sample < 1:
        raise AnalysisError(f"--network-sample must be at least 1 (got {options.network_sample})")


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


def _pct(level: float) -> str:
    return f"{level * 100:g}%"


# -- sections of a single-file report ------------------------------------------------------------
def section_scenario(results: Results) -> Section:
    meta = results.meta
    section = Section("scenario", "Scenario")
    section.paragraphs.append(
        f"Scenario file <code>{html.escape(meta.get('scenario_path', ''))}</code>; seed "
        f"{meta['seed']}, {meta['replicates']} replicate(s); arms: "
        f"{', '.join(html.escape(a) for a in results.arms)}.")
    overrides = meta.get("overrides", "")
    section.paragraphs.append("Overrides: " + (f"<code>{html.escape(overrides)}</code>"
                                               if overrides.strip() else "none."))
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


def provenance_table(results: Results) -> pd.DataFrame:
    skip = {"scenario_toml", "resolved_json", "resolved", "path"}
    rows = [("file", str(results.path)), ("sha256", _sha256(results.path)),
            ("schema_version", str(results.meta["schema_version"]))]
    rows += [(key, str(value)) for key, value in results.meta.items()
             if key not in skip and key != "schema_version"]
    for key, value in results.network_attrs.items():
        rows.append((f"network/final {key}", str(value)))
    rows.append(("analysis software", _software()))
    return pd.DataFrame(rows, columns=["attribute", "value"])


def section_provenance(results: Results) -> Section:
    section = Section("provenance", "Provenance")
    section.paragraphs.append("Attributes of /meta as written by mentorsim, the file's SHA-256 and "
                              "the analysis software.")
    table = provenance_table(results)
    section.tables.append(TableItem("provenance", table, table, "Provenance of the results file"))
    return section


def section_tables(results: Results, options: Options) -> Section:
    section = Section("tables", "Summary tables per arm")
    arms = results.arms
    level = _pct(options.level)
    if results.has("outcomes"):
        summary = stats.summarise_outcomes(results.outcomes, "arm", options.level)
        section.tables.append(TableItem(
            "summary_outcomes", summary, tables.outcome_summary_display(summary, arms),
            f"Program outcomes per arm (/outcomes): mean over replicates [{level} t confidence "
            f"interval]; shares in %."))
    else:
        section.paragraphs.append(f"No outcome table: {results.missing_reason('outcomes')}.")
    if results.has("timeseries"):
        metrics = _series(results, options) + _skill_series(results)
        ts = results.timeseries_frame(sorted(set(metrics) | {"n", "n_initial"} & set(results.timeseries_metrics)))
        final = stats.final_week_by_arm(ts, metrics, options.level)
        section.tables.append(TableItem(
            "summary_final_week", final, tables.final_week_display(final, arms),
            f"Arm means at the last observed week (groups pooled with their size as weight): mean "
            f"over replicates [{level} t confidence interval]."))
    else:
        section.paragraphs.append(f"No final-week table: {results.missing_reason('timeseries')}.")
    if results.has("agents"):
        agents = stats.agent_summary(results.agents, results.domains)
        section.tables.append(TableItem(
            "summary_agents", agents, tables.agent_summary_display(agents),
            "Agents per arm at the end of replicate 0 (/agents/final): counts, and mean (SD) over "
            "active agents."))
    else:
        section.paragraphs.append(f"No agent table: {results.missing_reason('agents')}.")
    return section


def _band_text(options: Options, replicates: int) -> str:
    level = _pct(options.level)
    if replicates < 2:
        return "one replicate, so no band is drawn"
    if options.band == "ci":
        return f"bands: {level} t confidence interval of the mean over {replicates} replicates"
    return f"bands: central {level} range of the {replicates} replicates"


def section_timeseries(results: Results, options: Options) -> Section:
    section = Section("timeseries", "Outcome time series by arm")
    if not results.has("timeseries"):
        section.unavailable = results.missing_reason("timeseries")
        return section
    series, skills = _series(results, options), _skill_series(results)
    wanted = sorted(set(series + skills) | ({"n", "n_initial"} & set(results.timeseries_metrics)))
    ts = results.timeseries_frame(wanted)
    reps = int(ts["replicate"].nunique())
    colors = palette.arm_colors(results.arms)
    pooling = ("Each line pools the groups of an arm: group means weighted by the group's active "
               "agents n (retention by its initial staff n_initial); ")
    for name, metrics, what in (("timeseries", series, "Outcomes"), ("timeseries_skills", skills,
                                                                     "Mean skill by domain")):
        if not metrics:
            continue
        bands = stats.timeseries_bands(ts, metrics, ("arm",), options.band, options.level)
        fig = figures.plot_timeseries(bands, metrics, colors)
        section.figures.append(FigureItem(name, fig, f"{what} over weeks by arm. {pooling}"
                                          f"{_band_text(options, reps)}."))
    return section


def section_skill_gain(results: Results, options: Options) -> Section:
    section = Section("skill_gain", "Skill gain by domain and role")
    missing = stats.skill_gain_requirements(results.agents, results.domains)
    if not results.has("agents"):
        section.unavailable = results.missing_reason("agents")
        return section
    if missing:
        section.unavailable = (f"/agents/final lacks {', '.join(missing)} (add them to "
                               f"output.agent_fields)")
        return section
    gains = stats.skill_gain_by_role(results.agents, results.domains, options.level)
    basis = gains["basis"].iloc[0] if len(gains) else "agents"
    fig = figures.plot_skill_gain(gains, palette.arm_colors(results.arms))
    section.figures.append(FigureItem("skill_gain", fig, (
        "Mean skill gain (final − initial) of the active initial staff by domain, per arm, for "
        "mentors, mentees, agents who were both, and non-participants (role from /agents/final). "
        "In reverse and reciprocal mentoring both sides gain, in different domains. Error bars: "
        f"{_pct(options.level)} t confidence interval over {basis}"
        + (" of replicate 0" if basis == "agents" else "") + ".")))
    section.tables.append(TableItem("skill_gain", gains, tables.skill_gain_display(gains),
                                    f"Skill gain (final − initial) by arm, role and domain: mean "
                                    f"[{_pct(options.level)} CI]"))
    return section


def _single_arm_note(results: Results) -> str:
    return (f"this file has one arm ({results.arms[0]}); comparing arms needs two or more (use "
            f"`compare` to compare designs run in separate files)")


def section_comparison(results: Results, options: Options) -> Section:
    section = Section("comparison", "Assigned vs self-identified: arms compared")
    if not results.has("outcomes"):
        section.unavailable = results.missing_reason("outcomes")
        return section
    if len(results.arms) < 2:
        section.unavailable = _single_arm_note(results)
        return section
    summary = stats.summarise_outcomes(results.outcomes, "arm", options.level)
    summary = summary.rename(columns={"arm": "label"})
    if results.has("dyads"):
        mix = stats.formation_mix(results.dyads)
        section.tables.append(TableItem("formation_mix", mix, mix,
                                        "Dyads per arm, type and formation (all replicates)"))
    fig = figures.plot_arm_comparison(summary, results.arms, palette.arm_colors(results.arms))
    section.figures.append(FigureItem("comparison", fig, (
        "Arms side by side (for example assigned vs self-identified pairing): coverage overall, by "
        "minority status and by quartile of initial degree among eligible mentees (Q1 = most "
        "isolated), early failure rate and its reasons, satisfaction change of participants, "
        "tie strength change, retention and final quality by formation. Points: mean over "
        f"replicates; bars: {_pct(options.level)} t confidence interval.")))
    return section


def section_differences(results: Results, options: Options) -> Section:
    section = Section("differences", "Paired differences between arms")
    if not results.has("outcomes"):
        section.unavailable = results.missing_reason("outcomes")
        return section
    if len(results.arms) < 2:
        section.unavailable = _single_arm_note(results)
        return section
    reference = reference_arm(results.arms, options.reference)
    metrics = _forest_outcomes(results.outcome_metrics, results.domains, options)
    comparisons = [(arm, reference) for arm in results.arms if arm != reference]
    values = stats.outcome_values(results.outcomes)
    diffs = stats.paired_differences(values, comparisons, metrics, options.n_boot, options.seed,
                                     options.level, paired=True)
    _add_differences(section, diffs, palette.arm_colors(results.arms), options,
                     f"Each arm minus the reference arm {reference}, paired by replicate (same seed "
                     f"and replicate: same population, network and shared draws).")
    return section


def _add_differences(section: Section, diffs: pd.DataFrame, colors: dict, options: Options,
                     what: str) -> None:
    if diffs.empty:
        section.unavailable = "no outcome to compare"
        return
    paired = bool(diffs["paired"].iloc[0])
    fig = figures.plot_forest(diffs, colors)
    section.figures.append(FigureItem("forest", fig, (
        f"{what} Point: mean {'paired ' if paired else ''}difference over replicates; whisker: "
        f"{_pct(options.level)} percentile bootstrap CI ({options.n_boot} resamples of "
        f"{'replicate pairs' if paired else 'replicates of each side'}, seed {options.seed}). Shares "
        "in percentage points.")))
    section.tables.append(TableItem("paired_differences", diffs, tables.differences_display(diffs), (
        f"{'Paired' if paired else 'Unpaired'} differences with {_pct(options.level)} percentile "
        "bootstrap CIs; effect size: risk difference for shares (pp), standardised mean difference "
        "d_av for means; d_z = mean difference / SD of the paired differences.")))
    pairs = diffs["n_pairs"] if paired else diffs[["n_reference", "n_other"]].min(axis=1)
    if (pairs < 10).any():
        section.paragraphs.append(
            f"Caution: some comparisons rest on fewer than 10 replicates (smallest: "
            f"{int(pairs.min())}); percentile bootstrap intervals are too narrow with so few.")


def section_end_reasons(results: Results, options: Options) -> Section:
    section = Section("end_reasons", "Why dyads ended")
    if not results.has("dyads"):
        section.unavailable = results.missing_reason("dyads")
        return section
    if results.dyads.empty:
        section.unavailable = "/dyads is empty: no mentoring link was formed"
        return section
    reasons = stats.end_reasons(results.dyads)
    fig = figures.plot_end_reasons(reasons, results.codes["end_reason"])
    section.figures.append(FigureItem("end_reasons", fig, (
        "How the dyads of each arm and type ended, by formation (all replicates pooled): share of "
        "dyads by end reason; 'active' = still running at the end, 'program end' = ended with the "
        "program; the other reasons are early endings. n = dyads.")))
    section.tables.append(TableItem("end_reasons", reasons, reasons.assign(
        share=(reasons["share"] * 100).map(tables.fmt)),
        "Dyads by arm, type, formation and end reason (share in %)"))
    return section


def section_network(results: Results, options: Options) -> Section:
    section = Section("network", "Collegial and mentoring network at the end")
    if not results.has("network"):
        section.unavailable = results.missing_reason("network")
        return section
    if not results.has("agents") or "institution" not in results.agents:
        section.unavailable = "/agents/final lacks institution (needed to colour the agents)"
        return section
    agents = results.agents[results.agents["replicate"] == 0]
    active = agents[agents["left"] < 0] if "left" in agents else agents
    collegial = results.network[results.network["replicate"] == 0][["src", "dst"]]
    mentoring = pd.DataFrame({"mentor": np.array([], dtype=np.int64),
                              "mentee": np.array([], dtype=np.int64),
                              "active": np.array([], dtype=bool)})
    if results.has("dyads"):
        dyads = results.dyads[results.dyads["replicate"] == 0]
        mentoring = pd.DataFrame({"mentor": dyads["mentor"].astype(np.int64),
                                  "mentee": dyads["mentee"].astype(np.int64),
                                  "active": (dyads["end"] < 0).to_numpy()})
    links = pd.concat([collegial, mentoring.rename(columns={"mentor": "src", "mentee": "dst"})
                       [["src", "dst"]]], ignore_index=True).astype(np.int64)
    starts = np.unique(mentoring[["mentor", "mentee"]].to_numpy(dtype=np.int64).ravel())
    nodes = network.snowball_sample(links, active["id"].to_numpy(), starts,
                                    options.network_sample, options.seed)
    positions = network.layout(nodes, links, options.seed)
    sample = active[active["id"].isin(nodes)][["id", "institution"]]
    fig = figures.plot_network(positions, sample, collegial, mentoring,
                               [str(i) for i in results.codes["institution"]])
    mentoring_note = ("" if results.has("dyads") else
                      f" No mentoring links are drawn: {results.missing_reason('dyads')}.")
    section.figures.append(FigureItem("network", fig, (
        f"Collegial ties and mentoring links among {len(nodes)} of {len(active)} active agents at "
        f"the end of replicate 0, coloured by home institution. Sample: snowball (breadth-first) "
        f"from random starting agents{' in mentoring' if len(starts) else ''}; layout: networkx "
        f"spring layout; both seeded with {options.seed}.{mentoring_note}")))
    return section


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
        "<b>Effect sizes.</b> Shares: risk difference (the paired difference of proportions, in "
        "percentage points). Means: standardised mean difference d<sub>av</sub> = mean difference / "
        "√((SD<sub>ref</sub>² + SD<sub>arm</sub>²) / 2), SDs over replicates; d<sub>z</sub> = mean "
        "difference / SD(d<sub>r</sub>). Both are replicate-level effect sizes (variation between "
        "runs, not between individuals).",
        f"<b>Bootstrap.</b> Percentile bootstrap: {options.n_boot} resamples of the replicate "
        f"pairs with replacement (numpy default_rng, seed {options.seed}); the CI is the "
        f"{50 * (1 - options.level):g}th and {50 * (1 + options.level):g}th percentile of the "
        "resampled statistic.",
        "Formulas and choices in full: docs/analysis.md of the mentorsim repository."]
    return section


SingleBuilder = Callable[[Results, Options], Section]
SECTIONS: list[SingleBuilder] = [
    lambda r, o: section_scenario(r), lambda r, o: section_parameters(r),
    lambda r, o: section_provenance(r), section_tables, section_timeseries, section_skill_gain,
    section_comparison, section_differences, section_end_reasons, section_network,
    lambda r, o: section_methods(o),
]


def build_sections(results: Results, options: Options) -> list[Section]:
    return [build(results, options) for build in SECTIONS]


# -- compare ------------------------------------------------------------------------------------
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
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: json.dumps(tree, sort_keys=True)}


def parameter_differences(results: Sequence[Results], designs: Sequence[str]) -> pd.DataFrame:
    """Resolved parameters that differ between designs (output.* left out)."""
    flat = [_flatten(r.meta["resolved"]) for r in results]
    keys = sorted(set().union(*flat))
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
    _validate_numbers(options)


def _compare_outcomes(comparison: Comparison) -> pd.DataFrame:
    parts = []
    for r, arms, labels in zip(comparison.results, comparison.arm_sets, comparison.labels):
        frame = r.outcomes.copy()
        frame["label"] = frame["arm"].astype(str).map(dict(zip(arms, labels)))
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def compare_sections(comparison: Comparison, options: Options) -> list[Section]:
    sections = []
    designs = comparison.designs
    ordered = [label for labels in comparison.labels for label in labels]
    colors = palette.arm_colors(ordered)

    overview = Section("designs", "Designs compared")
    rows = [{"design": d, "file": str(r.path), "scenario": r.meta.get("scenario_path", ""),
             "seed": r.seed, "replicates": r.replicates, "arms": ", ".join(r.arms),
             "mentorsim": r.meta.get("mentorsim_version", ""), "commit": r.meta.get("git_commit", ""),
             "sha256": _sha256(r.path)[:16]}
            for d, r in zip(designs, comparison.results)]
    table = pd.DataFrame(rows)
    overview.tables.append(TableItem("designs", table, table, "Files compared"))
    overview.paragraphs += [html.escape(note[0].upper() + note[1:]) + "." for note in comparison.notes]
    diff = parameter_differences(comparison.results, designs)
    if diff.empty:
        overview.paragraphs.append("The resolved parameters are identical (output.* aside).")
    else:
        overview.tables.append(TableItem("parameter_differences", diff, diff,
                                         "Resolved parameters that differ between designs"))
    sections.append(overview)

    differences = Section("differences", "Paired differences between designs")
    comparison_panel = Section("comparison", "Designs compared side by side")
    with_outcomes = all(r.has("outcomes") for r in comparison.results)
    if not with_outcomes:
        lacking = [d for d, r in zip(designs, comparison.results) if not r.has("outcomes")]
        reason = f"no /outcomes in {', '.join(lacking)} (e.g. a run without a mentoring program)"
        differences.unavailable = comparison_panel.unavailable = reason
    else:
        outcomes = _compare_outcomes(comparison)
        reference = designs.index(options.reference) if options.reference else 0
        pairs = [(comparison.labels[i][k], comparison.labels[reference][k])
                 for i in range(len(designs)) if i != reference
                 for k in range(len(comparison.arm_sets[0]))]
        available = sorted(set.intersection(*(set(r.outcome_metrics) for r in comparison.results)))
        metrics = _forest_outcomes(available, comparison.results[0].domains, options)
        diffs = stats.paired_differences(stats.outcome_values(outcomes, "label"), pairs, metrics,
                                         options.n_boot, options.seed, options.level,
                                         paired=comparison.paired)
        _add_differences(differences, diffs, colors, options,
                         f"Each design minus the reference design {designs[reference]}"
                         + (", paired by replicate." if comparison.paired else
                            "; seeds differ, so the runs are not paired."))
        summary = stats.summarise_outcomes(outcomes, "label", options.level)
        fig = figures.plot_arm_comparison(summary, ordered, colors)
        comparison_panel.figures.append(FigureItem("comparison", fig, (
            "Designs side by side: coverage (overall, by minority status, by isolation quartile), "
            "early failure rate and reasons, satisfaction change, tie strength change, retention, "
            f"quality by formation. Points: mean over replicates; bars: {_pct(options.level)} t "
            "confidence interval.")))
        comparison_panel.tables.append(TableItem(
            "summary_outcomes", summary, tables.outcome_summary_display(summary, ordered, "label"),
            f"Outcomes per design: mean over replicates [{_pct(options.level)} t CI]; shares in %."))
    sections += [differences, comparison_panel]

    series_section = Section("timeseries", "Outcome time series by design")
    if all(r.has("timeseries") for r in comparison.results):
        metrics = (list(options.series) if options.series is not None else
                   [m for m in DEFAULT_SERIES
                    if all(m in r.timeseries_metrics for r in comparison.results)])
        parts = []
        for r, arms, labels in zip(comparison.results, comparison.arm_sets, comparison.labels):
            ts = r.timeseries_frame(sorted(set(metrics) | {"n", "n_initial"} & set(r.timeseries_metrics)))
            bands = stats.timeseries_bands(ts, metrics, ("arm",), options.band, options.level)
            bands["label"] = bands["label"].map(dict(zip(arms, labels)))
            parts.append(bands)
        if metrics:
            bands = pd.concat(parts, ignore_index=True)
            fig = figures.plot_timeseries(bands, metrics, colors)
            reps = min(r.replicates for r in comparison.results)
            series_section.figures.append(FigureItem("timeseries", fig, (
                "Outcomes over weeks by design; groups pooled with their size as weight; "
                f"{_band_text(options, reps)}.")))
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


# -- writing ------------------------------------------------------------------------------------
@contextmanager
def staged_directory(target: str | Path):
    """Yield a temporary directory beside `target`; on success it replaces `target` (a previous
    report there is removed), on error it is deleted and `target` is left as it was."""
    target = Path(target).absolute()
    parent = target.parent
    if not parent.is_dir():
        raise AnalysisError(f"{parent}: output directory's parent does not exist")
    if target.exists() and not target.is_dir():
        raise AnalysisError(f"{target}: exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise AnalysisError(f"{target}: exists, is not empty and was not written by "
                            "mentorsim_analysis; choose another output directory")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    try:
        yield staging
        (staging / MARKER).write_text(f"written by mentorsim_analysis {__version__}\n")
        os.chmod(staging, 0o755)
        if target.exists():
            old = parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def save_sections(sections: Sequence[Section], directory: Path, dpi: int,
                  write_figures: bool = True, write_tables: bool = True) -> dict[str, Path]:
    """Write figures (figures/NAME.png, .pdf) and tables (tables/NAME.csv, .tex); return the PNG
    path of each figure."""
    pngs = {}
    for section in sections:
        if write_figures:
            for item in section.figures:
                png, _ = figures.save_figure(item.figure, directory / "figures", item.name, dpi)
                pngs[item.name] = png
        if write_tables:
            for item in section.tables:
                tables.write_table(item.raw, item.display, directory / "tables", item.name,
                                   item.caption)
    return pngs


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}
th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}figure{margin:1em 0}img{max-width:100%;height:auto}
figcaption,.caption{font-size:.9em;color:#444}pre{background:#f7f7f7;padding:.8em;overflow:auto;
font-size:.8em;max-height:30em}.unavailable{background:#fff4e0;border-left:4px solid #E69F00;
padding:.5em 1em}.notes{background:#eef5fb;border-left:4px solid #0072B2;padding:.5em 1em}
"""


def render_html(title: str, header: list[str], sections: Sequence[Section],
                pngs: dict[str, Path]) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>", f"<style>{CSS}</style></head><body>",
           f"<h1>{html.escape(title)}</h1>"]
    out += [f"<p>{line}</p>" for line in header]
    out.append("<nav><b>Contents</b><ol>" + "".join(
        f'<li><a href="#{s.key}">{html.escape(s.title)}</a></li>' for s in sections) + "</ol></nav>")
    for s in sections:
        out.append(f'<section id="{s.key}"><h2>{html.escape(s.title)}</h2>')
        if s.unavailable:
            out.append(f'<p class="unavailable">Not available: {html.escape(s.unavailable)}.</p>')
        out += [f"<p>{p}</p>" for p in s.paragraphs]
        for item in s.figures:
            data = base64.b64encode(pngs[item.name].read_bytes()).decode("ascii")
            out.append(f'<figure><img src="data:image/png;base64,{data}" '
                       f'alt="{html.escape(item.name)}"><figcaption>{html.escape(item.caption)}'
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


def render_markdown(title: str, header: list[str], sections: Sequence[Section]) -> str:
    out = [f"# {title}", ""]
    out += [_markdown_text(line) + "\n" for line in header]
    for s in sections:
        out += [f"## {s.title}", ""]
        if s.unavailable:
            out += [f"> **Not available:** {s.unavailable}.", ""]
        out += [_markdown_text(p) + "\n" for p in s.paragraphs]
        for item in s.figures:
            out += [f"![{item.name}](figures/{item.name}.png)", "",
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
            f"{html.escape(str(meta.get('created_utc', '?')))}; seed {meta['seed']}, "
            f"{meta['replicates']} replicate(s), arms {html.escape(', '.join(results.arms))}.",
            f"Report by mentorsim_analysis {__version__} at {_generated()}; bootstrap "
            f"{options.n_boot} resamples, seed {options.seed}; intervals at {_pct(options.level)}."]


def write_report(sections: Sequence[Section], title: str, header: list[str], directory: Path,
                 dpi: int) -> None:
    pngs = save_sections(sections, directory, dpi)
    (directory / "report.html").write_text(render_html(title, header, sections, pngs),
                                           encoding="utf-8")
    (directory / "report.md").write_text(render_markdown(title, header, sections), encoding="utf-8")


def build_report(results: Results, outdir: str | Path, options: Options | None = None) -> Path:
    """Validate, compute every section, then write the report into `outdir` atomically."""
    options = options or Options()
    validate(results, options)
    sections = build_sections(results, options)
    with staged_directory(outdir) as staging:
        write_report(sections, f"mentorsim report: {results.path.name}",
                     _header(results, options), staging, options.dpi)
    return Path(outdir)


def build_compare_report(results: Sequence[Results], outdir: str | Path,
                         options: Options | None = None) -> tuple[Path, Comparison]:
    options = options or Options()
    comparison = align(results, options.labels)
    validate_compare(comparison, options)
    sections = compare_sections(comparison, options)
    header = [f"Designs: {html.escape(', '.join(comparison.designs))}.",
              f"Report by mentorsim_analysis {__version__} at {_generated()}; bootstrap "
              f"{options.n_boot} resamples, seed {options.seed}; intervals at {_pct(options.level)}."]
    header += [f'<span class="notes">{html.escape(n[0].upper() + n[1:])}.</span>'
               for n in comparison.notes[:1]]
    with staged_directory(outdir) as staging:
        write_report(sections, "mentorsim comparison: " + " vs ".join(comparison.designs), header,
                     staging, options.dpi)
    return Path(outdir), comparison


def write_figures(results: Results, outdir: str | Path, options: Options | None = None) -> list[str]:
    """Only the figures (PNG + PDF) into `outdir`; returns the sections left out and why."""
    options = options or Options()
    validate(results, options)
    sections = build_sections(results, options)
    with staged_directory(outdir) as staging:
        save_sections(sections, staging, options.dpi, write_tables=False)
    return [f"{s.title}: {s.unavailable}" for s in sections if s.unavailable]


def write_tables(results: Results, outdir: str | Path, options: Options | None = None) -> list[Path]:
    """Only the tables (CSV + LaTeX) into `outdir`."""
    options = options or Options()
    validate(results, options)
    sections = [section_tables(results, options), section_differences(results, options)]
    with staged_directory(outdir) as staging:
        save_sections(sections, staging, options.dpi, write_figures=False)
        names = sorted(p.name for p in (staging / "tables").glob("*")) if (staging / "tables").exists() else []
    return [Path(outdir) / "tables" / n for n in names]
