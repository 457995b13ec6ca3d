"""Tables for papers: display versions and writers for CSV (raw values, shares in [0, 1]), LaTeX
(booktabs + siunitx, decimal-aligned; tests/test_latex.py compiles them), Markdown and HTML. No
optional pandas backends.

Number style, the same in every table and figure label:
- counts with a thousands separator (10,859); seeds, years and ids as plain digits;
- an estimate with an interval gets the decimals that show two significant figures of the
  interval's half-width, the same for the estimate and both bounds (0.0091 [0.0088, 0.0094],
  50 [24, 76]); without an interval, three significant figures;
- the minus sign is U+2212 in HTML and Markdown and an ASCII hyphen-minus in CSV and LaTeX.
"""
from __future__ import annotations

import html
import math
import re
import unicodedata
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .metrics import (MetricInfo, display_name, display_scale, display_unit, outcome_info,
                      outcome_sort_key, timeseries_info)

MINUS = "−"
MISSING = "–"


def _missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _signed(text: str) -> str:
    if text.startswith("-"):
        text = MINUS + text[1:]
    # A value that rounds to zero prints as 0, never as −0.
    if text.startswith(MINUS) and not re.search(r"[1-9]", text):
        text = text[1:]
    return text


def count(value) -> str:
    """A count: thousands separator, no decimals."""
    if _missing(value):
        return MISSING
    return _signed(f"{int(round(float(value))):,}")


def decimals_for(value: float, significant: int = 3) -> int:
    """Decimals that show `significant` significant figures of `value` (0 for large values)."""
    value = abs(float(value))
    if value == 0 or not math.isfinite(value):
        return 0
    return max(0, min(8, significant - 1 - math.floor(math.log10(value))))


def number(value, decimals: int | None = None, significant: int = 3) -> str:
    """A number: three significant figures (or `decimals`), thousands separator from 1,000."""
    if _missing(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)) and decimals is None:
        return count(value)
    value = float(value)
    if decimals is None:
        decimals = decimals_for(value, significant)
    return _signed(f"{value:,.{decimals}f}")


def interval_decimals(mean, low, high) -> int:
    """Decimals showing two significant figures of the interval's half-width."""
    if _missing(low) or _missing(high):
        return decimals_for(mean) if not _missing(mean) else 0
    half = (float(high) - float(low)) / 2
    if half <= 0:
        return decimals_for(mean) if not _missing(mean) else 0
    return decimals_for(half, 2)


def interval(mean, low, high, scale: float = 1.0) -> str:
    """'mean [low, high]' with the decimals of `interval_decimals`; 'mean' without bounds."""
    if _missing(mean):
        return MISSING
    mean, low, high = (float(v) * scale if not _missing(v) else np.nan for v in (mean, low, high))
    digits = interval_decimals(mean, low, high)
    text = number(mean, digits)
    if not (_missing(low) or _missing(high)):
        text += f" [{number(low, digits)}, {number(high, digits)}]"
    return text


def mean_sd(mean, sd) -> str:
    if _missing(mean):
        return MISSING
    digits = decimals_for(sd, 2) if not _missing(sd) and sd > 0 else decimals_for(mean)
    return f"{number(mean, digits)} ({number(sd, digits)})" if not _missing(sd) else number(mean)


fmt = number  # the name used before the number style was settled


def _level_name(by: str, level) -> str:
    if by == "all" or level is pd.NA or level is None or _missing(level):
        return ""
    if by == "minority":
        return "minority staff" if int(level) == 1 else "non-minority staff"
    return f"isolation Q{int(level)}" + (" (most isolated)" if int(level) == 1 else
                                         " (least isolated)" if int(level) == 4 else "")


def outcome_summary_display(summary: pd.DataFrame, labels: Sequence[str],
                            label: str = "arm") -> pd.DataFrame:
    """Wide table: one row per outcome (and breakdown) with its unit, one column per arm/label,
    cells 'mean [CI]' in display units. Rows with no value in any column are left out."""
    rows = []
    keys = sorted(dict.fromkeys(zip(summary["metric"], summary["by"], summary["level"])),
                  key=lambda k: outcome_sort_key(k[0], k[1]))
    for metric, by, level in keys:
        info = outcome_info(metric)
        extra = _level_name(by, level)
        row = {"outcome": f"{info.label}, {extra}" if extra else info.label,
               "unit": display_unit(info)}
        part = summary[(summary["metric"] == metric) & (summary["by"] == by)]
        part = part[part["level"].isna()] if _missing(level) else part[part["level"] == level]
        for name in labels:
            cell = part[part[label].astype(str) == name]
            row[name] = (MISSING if cell.empty else
                         interval(cell.iloc[0]["mean"], cell.iloc[0]["ci_low"],
                                  cell.iloc[0]["ci_high"], display_scale(info)))
        if any(row[name] != MISSING for name in labels):
            rows.append(row)
    return pd.DataFrame(rows, columns=["outcome", "unit", *labels])


def final_week_display(final: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    rows = []
    for metric in dict.fromkeys(final["metric"]):
        info = timeseries_info(metric)
        row = {"metric (final week)": info.label, "unit": display_unit(info)}
        for name in labels:
            cell = final[(final["metric"] == metric) & (final["arm"].astype(str) == name)]
            row[name] = (MISSING if cell.empty else
                         interval(cell.iloc[0]["mean"], cell.iloc[0]["ci_low"],
                                  cell.iloc[0]["ci_high"], display_scale(info)))
        if any(row[name] != MISSING for name in labels):
            rows.append(row)
    return pd.DataFrame(rows, columns=["metric (final week)", "unit", *labels])


_AGENT_UNITS = {"agents": "count", "active": "count", "satisfaction": "0–1",
                "confidence": "0–1", "intent_to_leave": "probability, 0–1",
                "degree": "ties", "strength": "sum of tie weights",
                "cross_institution_ties": "ties", "clustering": "0–1"}


def agent_summary_display(summary: pd.DataFrame, arms: Sequence[str]) -> pd.DataFrame:
    """One row per field (with its unit), one column per arm (in `arms` order): counts, and
    'mean (SD)' over active agents."""
    by_arm = {str(row["arm"]): row for _, row in summary.iterrows()}
    arms = [a for a in arms if a in by_arm]
    rows = [{"field": "agents (all ever present)", "unit": "count",
             **{a: count(by_arm[a]["agents"]) for a in arms}},
            {"field": "active agents at the end", "unit": "count",
             **{a: count(by_arm[a]["active"]) for a in arms}}]
    for column in summary.columns:
        if column.endswith("_mean"):
            field = column[:-len("_mean")]
            unit = "0–1" if field.startswith("skill_") else _AGENT_UNITS.get(field, "")
            name = (f"{display_name(field[len('skill_'):])} skill" if field.startswith("skill_")
                    else display_name(field))
            rows.append({"field": f"{name}, mean (SD)", "unit": unit,
                         **{a: mean_sd(by_arm[a][column], by_arm[a][f"{field}_sd"]) for a in arms}})
    return pd.DataFrame(rows, columns=["field", "unit", *arms])


def skill_gain_display(gains: pd.DataFrame, arms: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per arm and role (unit on every row), one column per domain: 'mean [CI]'."""
    rows = []
    order = list(arms) if arms is not None else list(dict.fromkeys(gains["arm"].astype(str)))
    for arm in order:
        part_arm = gains[gains["arm"].astype(str) == arm]
        for role, part in part_arm.groupby("role", observed=True, sort=True):
            row = {"arm": arm, "role": str(role), "agents": count(part["n_agents"].max()),
                   "unit": "final − initial, 0–1 scale"}
            for _, cell in part.iterrows():
                row[display_name(cell["domain"])] = interval(cell["mean"], cell["ci_low"],
                                                             cell["ci_high"])
            rows.append(row)
    return pd.DataFrame(rows)


def differences_display(differences: pd.DataFrame) -> pd.DataFrame:
    """Paired differences for the report: the difference in natural units with its bootstrap
    CI, the individual-level standardised difference (headline effect size) and the
    replicate-level d_z, each labelled by what it is."""
    rows = []
    for _, r in differences.iterrows():
        info: MetricInfo = outcome_info(r["metric"])
        scale = display_scale(info)
        unit = "percentage points" if info.kind == "share" else info.unit
        paired = bool(r["paired"])
        rows.append({
            "comparison": r["comparison"], "outcome": info.label, "unit of difference": unit,
            "replicate pairs" if paired else "replicates (ref, other)":
                count(r["n_pairs"]) if paired else f"{count(r['n_reference'])}, {count(r['n_other'])}",
            "reference": number(r["mean_reference"] * scale),
            "other": number(r["mean_other"] * scale),
            "difference [CI]": interval(r["estimate"], r["ci_low"], r["ci_high"], scale),
            "standardised difference [CI]": interval(r["std_effect"], r["std_low"], r["std_high"]),
            "effect size": r["std_kind"] if not _missing(r["std_effect"]) else MISSING,
            "replicate-level d_z": number(r["d_z"], significant=2)})
    return pd.DataFrame(rows)


# -- writers ------------------------------------------------------------------------------------
# Characters LaTeX treats specially, and the non-ASCII characters the labels use, as pdflatex
# typesets them with the packages of LATEX_PREAMBLE only. An underscore or slash may end a line
# (identifiers and paths in wrapped columns).
_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_\allowbreak{}",
                  "/": r"/\allowbreak{}", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}", "\\": r"\textbackslash{}", "<": r"\textless{}",
                  ">": r"\textgreater{}", "|": r"\textbar{}", "\n": " ", "\t": " ",
                  "–": "--", "−": "-", "—": "---", "’": "'", "‘": "`", "“": "``", "”": "''",
                  "…": r"\dots{}", "Δ": r"$\Delta$", "Σ": r"$\Sigma$", "≥": r"$\geq$",
                  "≤": r"$\leq$", "≠": r"$\neq$", "≈": r"$\approx$", "×": r"$\times$",
                  "·": r"$\cdot$", "±": r"$\pm$", "√": r"$\surd$", "²": r"$^{2}$", "³": r"$^{3}$",
                  "°": r"$^{\circ}$", "µ": r"$\mu$", "→": r"$\rightarrow$", "\u00a0": "~",
                  # Latin-1 characters that OT1, LaTeX's default font encoding, lacks.
                  "«": "``", "»": "''", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th"}
# Greek letters that exist in TeX's math fonts (the others look like Latin letters).
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
          "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
          "Psi", "Omega"}


def _latex_char(ch: str) -> str:
    if ch in _LATEX_SPECIAL:
        return _LATEX_SPECIAL[ch]
    if ord(ch) < 128:
        return ch
    if "\u00a1" <= ch <= "\u00ff":           # Latin-1: pdflatex's UTF-8 input defines them all
        return ch
    name = unicodedata.name(ch, "")
    if name.startswith("GREEK ") and " LETTER " in name:
        letter = name.rsplit(" ", 1)[-1].lower().replace("lamda", "lambda")
        letter = letter.capitalize() if " CAPITAL " in name else letter
        if letter in _GREEK:
            return rf"$\{letter}$"
    # Anything else: a letter with accents pdflatex lacks loses them (ő -> o); other characters
    # become a visible "?" (pdflatex stops on a Unicode character it has no definition for).
    base, *marks = unicodedata.normalize("NFD", ch)
    if base.isascii() and base.isalpha() and all(unicodedata.combining(m) for m in marks):
        return base
    return "?"


def latex_escape(text) -> str:
    """Text as pdflatex typesets it with LATEX_PREAMBLE: special characters escaped, the
    typographic characters of the labels mapped, any other character replaced so that the
    document still compiles."""
    return "".join(_latex_char(ch) for ch in str(text))


_NUM = r"[−-]?\d[\d,]*(?:\.\d+)?"
_NUMBER = re.compile(rf"^({_NUM})$")
_INTERVAL = re.compile(rf"^({_NUM}) \[({_NUM}), ({_NUM})\]$")
_MEAN_SD = re.compile(rf"^({_NUM}) \(({_NUM})\)$")

LATEX_PREAMBLE = (r"\usepackage{booktabs}" "\n" r"\usepackage{siunitx}" "\n"
                  r"\usepackage{graphicx}" "\n" r"\usepackage{array}")
# A table whose cells would need more characters per line than LINE_CHARS (about the text width
# of an article in \small type, at EM_PER_CHAR ems per character) wraps its text columns with
# more than WRAP_AT characters (ragged right) in columns of WRAP_WIDTH_EM to twice that; a
# narrower table is set on one line per row.
LINE_CHARS = 90
EM_PER_CHAR = 0.42
WRAP_AT = 20
WRAP_WIDTH_EM = 9


def _wrapped(text) -> str:
    """Text for a wrapped column: a word too long for the column (a hash, a path) may break
    every 8 characters."""
    words = []
    for word in str(text).split(" "):
        chunks = [word[i:i + 8] for i in range(0, len(word), 8)] if len(word) > 16 else [word]
        words.append(r"\allowbreak{}".join(latex_escape(chunk) for chunk in chunks))
    return " ".join(words)


def _stacked(text: str, width: int) -> str:
    """A heading longer than its column's cells (`width` characters) on two lines, split at the
    space nearest its middle, so that it does not widen the column."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if len(text) <= max(width, 8) or not spaces:
        return latex_escape(text)
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return (r"\begin{tabular}[b]{@{}c@{}}" + latex_escape(text[:cut]) + r"\\"
            + latex_escape(text[cut + 1:]) + r"\end{tabular}")


def _plain(text: str) -> str:
    """A displayed number as siunitx reads it: ASCII minus, no thousands separator."""
    return text.replace(MINUS, "-").replace(",", "")


def _column_kind(cells: Sequence[str]) -> str:
    present = [c for c in cells if c != MISSING]
    if not present:
        return "text"
    for kind, pattern in (("number", _NUMBER), ("interval", _INTERVAL), ("mean_sd", _MEAN_SD)):
        if all(pattern.match(c) for c in present):
            return kind
    return "text"


def _table_format(values: Sequence[str]) -> str:
    """siunitx table-format wide enough for every value (sign, integer digits, decimals)."""
    integers, decimals, sign = 1, 0, False
    for value in values:
        if value == MISSING:
            continue
        plain = _plain(value)
        sign = sign or plain.startswith("-")
        whole, _, fraction = plain.lstrip("-").partition(".")
        integers, decimals = max(integers, len(whole)), max(decimals, len(fraction))
    return f"{'-' if sign else ''}{integers}.{decimals}"


def _s_cell(value: str) -> str:
    return "{--}" if value == MISSING else _plain(value)


def to_latex(frame: pd.DataFrame, caption: str = "", label: str = "") -> str:
    """A booktabs table; numeric columns become siunitx S columns aligned on the decimal point,
    an interval column 'mean [low, high]' three S columns and 'mean (SD)' two. Text columns with
    long cells wrap, ragged right, when the row would not fit on a line; the
    tabular is scaled down only if it is still wider than the text or taller than 80 % of the
    page. Any text compiles with pdflatex and LATEX_PREAMBLE alone (docs/analysis.md)."""
    frame = frame.astype(object).applymap(_cell)
    # Characters each column needs on one line (its widest cell or heading, and a separation).
    # When the row does not fit, the long text columns wrap and share what the others leave,
    # at least WRAP_WIDTH_EM each.
    needs = {c: max([len(str(c))] + [len(v) for v in frame[c]]) + 2 for c in frame.columns}
    wrapped = set()
    if sum(needs.values()) > LINE_CHARS:
        wrapped = {c for c in frame.columns
                   if _column_kind(list(frame[c])) == "text" and needs[c] - 2 > WRAP_AT}
    if wrapped:
        left = LINE_CHARS - sum(n for c, n in needs.items() if c not in wrapped)
        width = min(2 * WRAP_WIDTH_EM, max(WRAP_WIDTH_EM, round(left * EM_PER_CHAR / len(wrapped))))
    specs, head_top, head_sub, rules, parts = [], [], [], [], []
    position = 1
    for column in frame.columns:
        cells = list(frame[column])
        kind = _column_kind(cells)
        name = latex_escape(column)
        if kind == "text":
            wrap = column in wrapped
            specs.append(rf">{{\raggedright\arraybackslash}}p{{{width}em}}" if wrap else "l")
            head_top.append(_wrapped(column) if wrap else
                            _stacked(str(column), max([0] + [len(c) for c in cells])))
            head_sub.append("")
            parts.append(lambda row, c=column, w=wrap: _wrapped(row[c]) if w else latex_escape(row[c]))
            position += 1
        elif kind == "number":
            specs.append(f"S[table-format={_table_format(cells)}]")
            head_top.append(f"{{{_stacked(str(column), max(len(c) for c in cells))}}}")
            head_sub.append("")
            parts.append(lambda row, c=column: _s_cell(row[c]))
            position += 1
        else:
            # 'mean [low, high]': the opening bracket between the columns, the comma and the
            # closing bracket typeset right after the numbers they follow (siunitx's
            # table-align-text-after=false), so that they stay beside the decimal-aligned numbers;
            # they take no width (\rlap) and sit in the space between the columns.
            pattern = _INTERVAL if kind == "interval" else _MEAN_SD
            groups = 3 if kind == "interval" else 2
            split = [[(pattern.match(c).groups() if c != MISSING else (MISSING,) * groups)[k]
                      for c in cells] for k in range(groups)]
            formats = [_table_format(values) for values in split]
            hug = "table-align-text-after=false"
            if kind == "interval":
                specs.append(rf"S[table-format={formats[0]}]@{{\ [}}S[table-format={formats[1]},{hug}]"
                             rf"@{{\hspace{{0.6em}}}}S[table-format={formats[2]},{hug}]")
                head_sub.append(r"\multicolumn{1}{c@{\ }}{mean} & \multicolumn{2}{c}{interval}")
                closing = [r"{\rlap{,}}", r"{\rlap{]}}"]
            else:
                specs.append(rf"S[table-format={formats[0]}]@{{\ (}}S[table-format={formats[1]},{hug}]")
                head_sub.append(r"\multicolumn{1}{c@{\ }}{mean} & {SD}")
                closing = [r"{\rlap{)}}"]
            head_top.append(rf"\multicolumn{{{groups}}}{{c}}{{{name}}}")
            rules.append(rf"\cmidrule(lr){{{position}-{position + groups - 1}}}")

            def part(row, c=column, p=pattern, g=groups, close=tuple(closing)):
                if row[c] == MISSING:        # one dash across the group, no brackets
                    return rf"\multicolumn{{{g}}}{{c}}{{--}}"
                values = [_plain(v) for v in p.match(row[c]).groups()]
                return " & ".join([values[0]] + [v + e for v, e in zip(values[1:], close)])
            parts.append(part)
            position += groups
    lines = [r"\begin{table}[htbp]", r"\centering", r"\small"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    # graphicx's \resizebox sees the tabular's natural size (\width, \totalheight): shrink only
    # when it is wider than the text or taller than 80 % of the page.
    lines += [r"\resizebox*{!}{\ifdim\totalheight>0.8\textheight 0.8\textheight\else\totalheight\fi}{%",
              r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%",
              rf"\begin{{tabular}}{{{' '.join(specs)}}}", r"\toprule",
              " & ".join(head_top) + r" \\"]
    if rules:
        lines.append(" ".join(rules))
        lines.append(" & ".join(head_sub) + r" \\")
    lines.append(r"\midrule")
    for _, row in frame.iterrows():
        lines.append(" & ".join(part(row) for part in parts) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}%", r"}}", r"\end{table}", ""]
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, str):
        return value
    return number(value)


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


def _ascii(value):
    if isinstance(value, str):
        return value.replace(MINUS, "-")
    return value


def write_table(raw: pd.DataFrame, display: pd.DataFrame, directory: str | Path, name: str,
                caption: str) -> list[Path]:
    """`name`.csv (raw values, ASCII text) and `name`.tex (display version) in `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv, tex = directory / f"{name}.csv", directory / f"{name}.tex"
    raw = raw.copy()
    for column in raw.columns:
        if raw[column].dtype == object:
            raw[column] = raw[column].map(_ascii)
    raw.columns = [_ascii(str(c)) for c in raw.columns]
    raw.to_csv(csv, index=False, na_rep="NaN")
    tex.write_text(to_latex(display, caption, f"tab:{name}"), encoding="utf-8")
    return [csv, tex]
