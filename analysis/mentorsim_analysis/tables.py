"""Tables for papers: display versions (shares in %, "mean [low, high]" cells) and writers for
CSV (raw values, shares in [0, 1]), LaTeX (booktabs) and Markdown. No optional pandas backends."""
from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .metrics import (MetricInfo, axis_label, display_scale, outcome_info, outcome_sort_key,
                      timeseries_info)


def fmt(value, digits: int | None = None) -> str:
    """A number for a table: '–' for missing, fewer decimals for larger magnitudes."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or value is pd.NA:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    value = float(value)
    if digits is None:
        size = abs(value)
        digits = 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 3
    return f"{value:,.{digits}f}"


def interval(mean, low, high, scale: float = 1.0) -> str:
    text = fmt(mean * scale if mean == mean else mean)
    if low == low and high == high:
        text += f" [{fmt(low * scale)}, {fmt(high * scale)}]"
    return text


def _level_name(by: str, level) -> str:
    if by == "all" or level is pd.NA or level is None:
        return ""
    if by == "minority":
        return "minority" if int(level) == 1 else "not minority"
    return f"isolation Q{int(level)}" + (" (most isolated)" if int(level) == 1 else "")


def outcome_summary_display(summary: pd.DataFrame, labels: Sequence[str],
                            label: str = "arm") -> pd.DataFrame:
    """Wide table: one row per outcome (and breakdown), one column per arm/label, cells
    'mean [95% CI]' in display units."""
    rows = []
    keys = sorted(dict.fromkeys(zip(summary["metric"], summary["by"], summary["level"])),
                  key=lambda k: outcome_sort_key(k[0], k[1]))
    for metric, by, level in keys:
        info = outcome_info(metric)
        name = axis_label(info)
        extra = _level_name(by, level)
        row = {"outcome": f"{name}, {extra}" if extra else name}
        part = summary[(summary["metric"] == metric) & (summary["by"] == by)]
        part = part[part["level"].isna()] if level is pd.NA else part[part["level"] == level]
        for name in labels:
            cell = part[part[label].astype(str) == name]
            row[name] = ("–" if cell.empty else
                         interval(cell.iloc[0]["mean"], cell.iloc[0]["ci_low"],
                                  cell.iloc[0]["ci_high"], display_scale(info)))
        rows.append(row)
    return pd.DataFrame(rows, columns=["outcome", *labels])


def final_week_display(final: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    rows = []
    for metric in dict.fromkeys(final["metric"]):
        info = timeseries_info(metric)
        row = {"metric (final week)": axis_label(info)}
        for name in labels:
            cell = final[(final["metric"] == metric) & (final["arm"].astype(str) == name)]
            row[name] = ("–" if cell.empty else interval(cell.iloc[0]["mean"], cell.iloc[0]["ci_low"],
                                                         cell.iloc[0]["ci_high"], display_scale(info)))
        rows.append(row)
    return pd.DataFrame(rows, columns=["metric (final week)", *labels])


def agent_summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"arm": summary["arm"].astype(str), "agents": summary["agents"],
                          "active": summary["active"]})
    for column in summary.columns:
        if column.endswith("_mean"):
            field = column[:-len("_mean")]
            frame[field.replace("_", " ")] = [
                f"{fmt(m)} ({fmt(s)})" for m, s in zip(summary[column], summary[f"{field}_sd"])]
    return frame


def skill_gain_display(gains: pd.DataFrame) -> pd.DataFrame:
    """One row per arm and role, one column per domain: 'mean [95% CI]' (n agents)."""
    rows = []
    for (arm, role), part in gains.groupby(["arm", "role"], observed=True, sort=True):
        row = {"arm": str(arm), "role": str(role), "agents": int(part["n_agents"].max())}
        for _, cell in part.iterrows():
            row[str(cell["domain"]).replace("_", " ")] = interval(cell["mean"], cell["ci_low"],
                                                                  cell["ci_high"])
        rows.append(row)
    return pd.DataFrame(rows)


def differences_display(differences: pd.DataFrame) -> pd.DataFrame:
    """Paired differences for the report: difference and effect size with bootstrap CIs."""
    rows = []
    for _, r in differences.iterrows():
        info: MetricInfo = outcome_info(r["metric"])
        scale = display_scale(info)
        unit = "pp" if info.kind == "share" else info.unit
        effect = r["effect_size"]
        rows.append({
            "comparison": r["comparison"], "outcome": info.label,
            "pairs" if r["paired"] else "replicates (ref, other)":
                r["n_pairs"] if r["paired"] else f"{r['n_reference']}, {r['n_other']}",
            "reference": fmt(r["mean_reference"] * scale), "other": fmt(r["mean_other"] * scale),
            "difference [95% CI]": interval(r["estimate"], r["ci_low"], r["ci_high"], scale)
            + (f" {unit}" if unit else ""),
            "effect size": effect,
            "effect [95% CI]": interval(r["effect"], r["effect_ci_low"], r["effect_ci_high"],
                                        100.0 if effect == "risk difference" else 1.0)
            + (" pp" if effect == "risk difference" else ""),
            "d_z": fmt(r["d_z"])})
    return pd.DataFrame(rows)


_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
                  "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "\\": r"\textbackslash{}", "–": "--", "−": "$-$", "Δ": r"$\Delta$"}


def latex_escape(text) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def to_latex(frame: pd.DataFrame, caption: str = "", label: str = "") -> str:
    """A booktabs table; cells are written as their text (format numbers first)."""
    spec = "l" * len(frame.columns)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
              " & ".join(latex_escape(c) for c in frame.columns) + r" \\", r"\midrule"]
    for row in frame.itertuples(index=False):
        lines.append(" & ".join(latex_escape(_cell(v)) for v in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, str):
        return value
    return fmt(value)


def to_markdown(frame: pd.DataFrame) -> str:
    def clean(text) -> str:
        return _cell(text).replace("|", r"\|").replace("\n", " ")
    lines = ["| " + " | ".join(clean(c) for c in frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(clean(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def to_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def write_table(raw: pd.DataFrame, display: pd.DataFrame, directory: str | Path, name: str,
                caption: str) -> list[Path]:
    """`name`.csv (raw values) and `name`.tex (display version) in `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv, tex = directory / f"{name}.csv", directory / f"{name}.tex"
    raw.to_csv(csv, index=False, na_rep="NaN")
    tex.write_text(to_latex(display, caption, f"tab:{name}"), encoding="utf-8")
    return [csv, tex]
