"""Names, units and kinds of the metrics in a mentorsim results file (docs/hdf5-schema.md).

One place says how a metric is labelled, in which unit it is shown, how groups are pooled and which
effect size it gets, so every figure and table agrees.
Kinds: ``share`` (a proportion in [0, 1]: shown in %, compared by risk difference), ``mean`` (a mean of
a continuous quantity: compared by mean difference and standardised mean difference) and ``count``.
"""
from __future__ import annotations

from dataclasses import dataclass

DOMAINS_DEFAULT = ("clinical", "digital", "research", "teaching", "leadership", "culture_wellbeing")


@dataclass(frozen=True)
class MetricInfo:
    label: str
    unit: str
    kind: str  # "share", "mean" or "count"


def _pretty(name: str) -> str:
    return name.replace("_", " ")


_TIMESERIES = {
    "n": MetricInfo("Active agents", "count", "count"),
    "n_initial": MetricInfo("Initial staff", "count", "count"),
    "retained": MetricInfo("Initial staff retained", "% of the initial staff", "share"),
    "leavers": MetricInfo("Leavers since previous observation", "count", "count"),
    "hires": MetricInfo("Hires since previous observation", "count", "count"),
    "confidence": MetricInfo("Mean confidence", "0–1", "mean"),
    "satisfaction": MetricInfo("Mean job satisfaction", "0–1", "mean"),
    "intent_to_leave": MetricInfo("Mean intent to leave", "probability, 0–1", "mean"),
    "psych_safety": MetricInfo("Mean psychological safety of unit", "0–1", "mean"),
    "degree": MetricInfo("Mean collegial ties", "ties per agent", "mean"),
    "strength": MetricInfo("Mean tie strength", "sum of tie weights per agent", "mean"),
    "cross_institution_ties": MetricInfo("Mean cross-institution ties", "ties per agent", "mean"),
    "in_mentoring": MetricInfo("In an active dyad", "% of active agents", "share"),
    "mentoring_as_mentor": MetricInfo("Mentoring as mentor", "% of active agents", "share"),
    "mentoring_as_mentee": MetricInfo("Mentored as mentee", "% of active agents", "share"),
    "meetings": MetricInfo("Meetings attended", "per agent since previous observation", "mean"),
    # Issue 16 outcomes (docs/model.md 7.22).
    "promoted": MetricInfo("Promoted since week 0 or hire", "% of active agents", "share"),
    "enthusiasm": MetricInfo("Mean enthusiasm", "0–1", "mean"),
    "papers": MetricInfo("Papers led since week 0 or hire", "papers per agent", "mean"),
}

_OUTCOMES = {
    "eligible_mentees": MetricInfo("Eligible mentees", "mentees", "count"),
    "enrolled_mentees": MetricInfo("Enrolled mentees", "mentees", "count"),
    "coverage": MetricInfo("Coverage", "% of eligible mentees matched", "share"),
    "weeks_to_match": MetricInfo("Time to first match", "weeks", "mean"),
    "dyads": MetricInfo("Dyads formed", "dyads", "count"),
    "meetings_per_dyad": MetricInfo("Meetings per dyad", "meetings", "mean"),
    "complementarity": MetricInfo("Dyad complementarity", "0–1", "mean"),
    "similarity": MetricInfo("Dyad similarity", "0–1", "mean"),
    "failure_rate": MetricInfo("Early failure rate", "% of all dyads", "share"),
    "satisfaction_change": MetricInfo("Satisfaction change, participants (mentors and mentees)",
                                      "final − initial, 0–1 scale", "mean"),
    "retention": MetricInfo("Retention", "% of initial staff", "share"),
    "strength_change": MetricInfo("Tie strength change", "final − initial, sum of tie weights",
                                  "mean"),
    "cross_institution_change": MetricInfo("Cross-institution tie change",
                                           "final − initial, ties per agent", "mean"),
    "unmatched_infeasible": MetricInfo("Unmatched: no feasible mentor", "mentees", "count"),
    "unmatched_no_capacity": MetricInfo("Unmatched: every feasible mentor full", "mentees", "count"),
    "unmatched_not_approached": MetricInfo("Unmatched: approached no mentor", "mentees", "count"),
    "unmatched_declined": MetricInfo("Unmatched: every approached mentor declined", "mentees",
                                     "count"),
    "unmatched_lost_to_others": MetricInfo("Unmatched: lost the approached mentors to other mentees",
                                           "mentees", "count"),
    "gave_up": MetricInfo("Gave up searching (patience_weeks without a match)", "mentees", "count"),
    "optimality_gap": MetricInfo("Optimality gap of the matching", "relative bound", "mean"),
    # Issue 16 outcomes (docs/model.md 7.22).
    "promotion_rate": MetricInfo("Promotion rate, initial staff below senior", "per person-year", "mean"),
    "promotion_rate_mentees": MetricInfo("Promotion rate, program mentees", "per person-year", "mean"),
    "promoted_share": MetricInfo("Promoted at least once", "% of initial staff below senior", "share"),
    "weeks_to_promotion": MetricInfo("Weeks to first promotion (promoted only)", "weeks", "mean"),
    "promotion_odds_ratio_mentored": MetricInfo("Odds ratio of promotion, mentored vs not (early career)",
                                                "odds ratio", "mean"),
    "enthusiasm_change": MetricInfo("Enthusiasm change, participants", "final − initial, 0–1 scale",
                                    "mean"),
    "enthusiasm_change_mentors": MetricInfo("Enthusiasm change, mentors", "final − initial, 0–1 scale",
                                            "mean"),
    "enthusiasm_change_mentees": MetricInfo("Enthusiasm change, mentees", "final − initial, 0–1 scale",
                                            "mean"),
    "enthusiasm_change_staff": MetricInfo("Enthusiasm change, all initial staff",
                                          "final − initial, 0–1 scale", "mean"),
    "leadership_flow_cross_generational": MetricInfo("Leadership gained by mentors junior to their mentee",
                                                     "skill per dyad, 0–1 scale", "mean"),
    "papers_per_year": MetricInfo("Papers led, initial staff", "per person-year", "mean"),
    "papers_per_year_participants": MetricInfo("Papers led, participants", "per person-year", "mean"),
    "new_directions_per_year": MetricInfo("New research directions, initial staff", "per person-year",
                                          "mean"),
    "new_directions_per_year_participants": MetricInfo("New research directions, participants",
                                                       "per person-year", "mean"),
}

# Names of codes (formations, strategies, dyad types, end reasons, domains, professions) as
# printed: one spelling everywhere. Arm names are the user's and are printed as given.
_DISPLAY_NAMES = {"self_identified": "self-identified", "hybrid_fallback": "hybrid fallback",
                  "assigned_random": "assigned (random)", "assigned_optimal": "assigned (optimal)",
                  "culture_wellbeing": "culture and wellbeing", "early_career": "early career",
                  "mid_career": "mid-career", "speech_pathology": "speech pathology",
                  "research_institute": "research institute"}


def display_name(code) -> str:
    """How a code name is printed in figures and tables (one spelling everywhere)."""
    code = str(code)
    return _DISPLAY_NAMES.get(code, code.replace("_", " "))


def timeseries_info(metric: str) -> MetricInfo:
    """Label, unit and kind of a /timeseries metric (unknown names get a neutral default)."""
    if metric in _TIMESERIES:
        return _TIMESERIES[metric]
    if metric.startswith("skill_"):
        return MetricInfo(f"Mean {display_name(metric[len('skill_'):])} skill", "0–1", "mean")
    return MetricInfo(_pretty(metric).capitalize(), "", "mean")


def outcome_info(metric: str) -> MetricInfo:
    """Label, unit and kind of an /outcomes metric (unknown names get a neutral default)."""
    if metric in _OUTCOMES:
        return _OUTCOMES[metric]
    if metric.startswith("skill_gain_"):
        domain = display_name(metric[len("skill_gain_"):])
        return MetricInfo(f"Skill gain: {domain}", "final − initial, 0–1 scale", "mean")
    if metric == "end_active":
        return MetricInfo("Still active at the end", "% of all dyads", "share")
    if metric.startswith("end_"):
        return MetricInfo(f"Ended: {display_name(metric[len('end_'):])}", "% of all dyads", "share")
    if metric.startswith("quality_"):
        formation = display_name(metric[len("quality_"):])
        return MetricInfo(f"Final quality, {formation} dyads", "0–1", "mean")
    if metric.startswith("satisfaction_change_"):
        formation = display_name(metric[len("satisfaction_change_"):])
        return MetricInfo(f"Satisfaction change, mentees whose first dyad was {formation}",
                          "final − initial, 0–1 scale", "mean")
    return MetricInfo(_pretty(metric).capitalize(), "", "mean")


def axis_label(info: MetricInfo) -> str:
    """Axis label with its unit in parentheses."""
    return f"{info.label} ({info.unit})" if info.unit else info.label


def difference_label(info: MetricInfo) -> str:
    """Axis label for a difference of the metric (the panel title names the metric); shares
    become percentage points."""
    unit = "percentage points" if info.kind == "share" else info.unit
    unit = "0–1 scale" if unit == "0–1" else unit
    return f"Difference ({unit})" if unit else "Difference"


def display_unit(info: MetricInfo) -> str:
    """The unit of a metric as displayed in tables: shares are in %."""
    return info.unit if info.unit else "–"


def display_scale(info: MetricInfo) -> float:
    """Factor from stored value to displayed value (shares are shown in %)."""
    return 100.0 if info.kind == "share" else 1.0


# Which /timeseries metric is the weight when groups of an arm are pooled: the denominator of the
# group's mean. `retained` is a share of the group's initial staff, so its weight is `n_initial`.
POOL_WEIGHT = {"retained": "n_initial"}

# Defaults shown in the report when present in the file.
DEFAULT_SERIES = ("retained", "satisfaction", "intent_to_leave", "in_mentoring", "strength",
                  "cross_institution_ties")
DEFAULT_FOREST_OUTCOMES = ("coverage", "weeks_to_match", "failure_rate", "satisfaction_change",
                           "retention", "strength_change", "cross_institution_change")


_OUTCOME_ORDER = ("eligible_mentees", "enrolled_mentees", "coverage", "weeks_to_match",
                  "unmatched_", "gave_up", "dyads", "meetings_per_dyad", "complementarity", "similarity",
                  "optimality_gap", "failure_rate", "end_", "quality_", "satisfaction_change",
                  "satisfaction_change_", "retention", "strength_change",
                  "cross_institution_change", "skill_gain_")
_BREAKDOWN_ORDER = ("all", "minority", "isolation")


def outcome_sort_key(metric: str, by: str = "all") -> tuple[int, int, str]:
    """Reading order of outcomes in tables: coverage and its breakdowns first, then failure,
    quality, satisfaction, retention, social capital and skills; unknown names last."""
    rank = len(_OUTCOME_ORDER)
    for k, name in enumerate(_OUTCOME_ORDER):
        if metric == name or (name.endswith("_") and metric.startswith(name)):
            rank = k
            break
    by_rank = _BREAKDOWN_ORDER.index(by) if by in _BREAKDOWN_ORDER else len(_BREAKDOWN_ORDER)
    return rank, by_rank, metric
