"""Colours: arms keep one colour in every figure; all palettes are colour-blind safe.

Arms use Okabe & Ito (2008) "Color Universal Design"; an arm named `none` or `control` is black.
Institutions and end reasons use Paul Tol's "muted" scheme (distinct from the arm colours);
roles use grey shades with hatching so they never read as arms.
"""
from __future__ import annotations

import zlib
from typing import Iterable

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
_ARM_ORDER = ("orange", "blue", "bluish_green", "vermillion", "sky_blue", "reddish_purple", "yellow")
_ARM_LINESTYLES = ("-", "--", ":", "-.")
CONTROL_NAMES = ("none", "control")

TOL_MUTED = ("#332288", "#117733", "#CC6677", "#DDCC77", "#88CCEE", "#AA4499", "#44AA99", "#999933",
             "#882255")

END_REASON_COLORS = {
    "active": "#DDDDDD",
    "program_end": "#888888",
    "lack_of_time": "#CC6677",
    "poor_communication": "#DDCC77",
    "power_imbalance": "#882255",
    "role_ambiguity": "#88CCEE",
    "leaving": "#332288",
}

ROLE_STYLES = {  # (face colour, hatch)
    "mentor": ("#404040", ""),
    "mentee": ("#A0A0A0", "///"),
    "mentor and mentee": ("#D0D0D0", "xx"),
    "non-participant": ("#FFFFFF", "..."),
}

COLLEGIAL_EDGE = "#BBBBBB"
MENTORING_EDGE = "#000000"


def _is_control(label: str) -> bool:
    return label.split(" · ")[-1].strip().lower() in CONTROL_NAMES


def arm_colors(labels: Iterable[str]) -> dict[str, str]:
    """Colour of each arm label, by order of first appearance; `none`/`control` arms are black."""
    colors: dict[str, str] = {}
    k = 0
    for label in labels:
        if label in colors:
            continue
        if _is_control(label):
            colors[label] = OKABE_ITO["black"]
        else:
            colors[label] = OKABE_ITO[_ARM_ORDER[k % len(_ARM_ORDER)]]
            k += 1
    return colors


def arm_linestyles(labels: Iterable[str]) -> dict[str, str]:
    """Line style per arm label: solid for the first seven coloured arms, then the colours repeat
    with another dash pattern so that more than seven arms stay distinguishable."""
    styles: dict[str, str] = {}
    k = 0
    for label in labels:
        if label in styles:
            continue
        if _is_control(label):
            styles[label] = "-"
        else:
            styles[label] = _ARM_LINESTYLES[(k // len(_ARM_ORDER)) % len(_ARM_LINESTYLES)]
            k += 1
    return styles


def institution_colors(names: Iterable[str]) -> dict[str, str]:
    return {name: TOL_MUTED[i % len(TOL_MUTED)] for i, name in enumerate(dict.fromkeys(names))}


def end_reason_color(reason: str) -> str:
    if reason in END_REASON_COLORS:
        return END_REASON_COLORS[reason]
    return TOL_MUTED[zlib.crc32(reason.encode()) % len(TOL_MUTED)]


PROGRAM_PERIOD = "#EDEDED"

UNMATCHED_COLORS = {
    "matched": "#44AA99",
    "not enrolled": "#DDDDDD",
    "no feasible mentor": "#882255",
    "every feasible mentor full": "#CC6677",
    "approached no mentor": "#DDCC77",
    "every approached mentor declined": "#332288",
    "lost the approached mentors to other mentees": "#88CCEE",
    "enrolled, unmatched, no reason recorded": "#999933",
}


def unmatched_color(category: str) -> str:
    return UNMATCHED_COLORS.get(category, TOL_MUTED[zlib.crc32(category.encode()) % len(TOL_MUTED)])
