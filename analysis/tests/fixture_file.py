"""Write small schema-v1 results files with values a test can work out by hand.

Layout (docs/hdf5-schema.md): /meta, /codes, /groups, /timeseries, /agents/final, /network/final,
/dyads, /outcomes. Only two groups per arm hold agents:
  g0 = (arm, hospital, medicine, student, minority 0), g1 = (arm, hospital, nursing, early_career, 1)
and every other group has n = 0 and NaN means.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import h5py
import numpy as np

INSTITUTIONS = ["hospital", "university", "institute"]
KINDS = ["hospital", "university", "research_institute"]
PROFESSIONS = ["medicine", "nursing", "physiotherapy", "speech_pathology", "pharmacy", "dentistry",
               "education", "research"]
STAGES = ["student", "early_career", "mid_career", "senior"]
DOMAINS = ["clinical", "digital", "research", "teaching", "leadership", "culture_wellbeing"]
DYAD_TYPES = ["traditional", "reverse", "reciprocal", "group"]
FORMATIONS = ["assigned", "self_identified", "hybrid_fallback"]
END_REASONS = ["active", "lack_of_time", "poor_communication", "power_imbalance", "role_ambiguity",
               "leaving", "program_end"]
STEPS = [0, 4, 8]

# Paired outcome values the tests check by hand: coverage[replicate, arm] for 3 replicates.
COVERAGE = np.array([[0.5, 0.6], [0.6, 0.8], [0.7, 0.75]])
# Skill gain per role (0 non-participant, 1 mentor, 2 mentee, 3 both) and domain.
ROLE_GAINS = np.array([
    [0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
    [0.00, 0.10, 0.00, 0.02, 0.00, 0.05],   # mentors (juniors in reverse mentoring): digital
    [0.03, 0.20, 0.00, 0.00, 0.08, 0.00],   # mentees
    [0.01, 0.15, 0.01, 0.01, 0.04, 0.02],   # both
])
N_AGENTS = 48


def _strings(f: h5py.Group, name: str, values: Sequence[str]) -> None:
    f.create_dataset(name, data=np.array(list(values), dtype=object), dtype=h5py.string_dtype())


def group_index(arm: int, institution: int, profession: int, stage: int, minority: int) -> int:
    return ((((arm * 3 + institution) * 8 + profession) * 4 + stage) * 2) + minority


def pooled_satisfaction(arm: int, replicate: int, obs: int) -> float:
    """What pooling must give for `satisfaction`: means weighted by n (n of g0 = 10 - obs)."""
    s0 = 0.5 + 0.1 * arm + 0.01 * replicate + 0.02 * obs
    s1 = 0.7 + 0.1 * arm + 0.01 * replicate + 0.02 * obs
    n0, n1 = 10 - obs, 30
    return (n0 * s0 + n1 * s1) / (n0 + n1)


def pooled_retained(obs: int) -> float:
    """`retained` pooled with the initial staff (10 and 30) as weights."""
    return (10 * (1 - 0.1 * obs) + 30 * (1 - 0.05 * obs)) / 40


def write_results(path: str | Path, *, arms: Sequence[str] = ("assigned", "self_identified"),
                  replicates: int = 3, seed: int = 7, schema_version: int = 1,
                  timeseries: bool = True, agents: bool = True, network: bool = True,
                  dyads: bool = True, outcomes: bool = True, drop: Sequence[str] = (),
                  coverage: np.ndarray | None = None, checksum: bool = False,
                  patterns: bool = True) -> Path:
    """A small results file; `checksum` writes every dataset chunked with the Fletcher-32 filter
    (as mentorsim does), `drop` deletes objects after writing."""
    path = Path(path)
    n_arms, reps = len(arms), replicates
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = np.int64(schema_version)
        meta = f.create_group("meta")
        scenario = f'[run]\nweeks = 8\nreplicates = {reps}\nseed = {seed}\n'
        resolved = {"run": {"weeks": 8, "replicates": reps, "seed": seed, "threads": 0},
                    "population": {"size": N_AGENTS}, "program": {"arms": list(arms)}}
        for key, value in {
                "mentorsim_version": "0.1.0", "git_commit": "abc1234", "scenario_toml": scenario,
                "scenario_path": "tiny.toml", "overrides": "", "hostname": "test",
                "resolved_json": json.dumps(resolved), "created_utc": "2025-01-01T00:00:00Z",
                "dependencies": "boost 1.74.0", "stage_seconds": "{}"}.items():
            meta.attrs[key] = value
        meta.attrs["seed"] = np.uint64(seed)
        meta.attrs["replicates"] = np.int64(reps)
        meta.attrs["threads"] = np.int64(2)
        meta.attrs["elapsed_seconds"] = np.float64(0.5)

        codes = f.create_group("codes")
        for name, values in (("institution", INSTITUTIONS), ("institution_kind", KINDS),
                             ("unit", [f"{i}/0" for i in INSTITUTIONS]),
                             ("profession", PROFESSIONS), ("stage", STAGES), ("domain", DOMAINS),
                             ("dyad_type", DYAD_TYPES), ("formation", FORMATIONS),
                             ("end_reason", END_REASONS), ("arm", arms)):
            _strings(codes, name, values)
        codes.create_dataset("unit_institution", data=np.arange(3, dtype=np.uint16))

        if timeseries:
            _write_timeseries(f, n_arms, reps)
        if agents:
            _write_agents(f, n_arms)
        if network:
            _write_network(f)
        if dyads:
            _write_dyads(f, n_arms, reps)
        if outcomes:
            _write_outcomes(f, n_arms, reps, COVERAGE if coverage is None else coverage)
        if patterns and outcomes:
            _write_patterns(f, reps)
        for name in drop:
            del f[name]
    if checksum:
        _add_checksums(path)
    return path


def _add_checksums(path: Path) -> None:
    """Rewrite every dataset of `path` chunked with the Fletcher-32 checksum filter."""
    datasets = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: datasets.append(name) if isinstance(obj, h5py.Dataset)
                     else None)
    with h5py.File(path, "a") as f:
        for name in datasets:
            data, attrs = f[name][()], dict(f[name].attrs)
            dtype = f[name].dtype
            del f[name]
            if np.ndim(data) == 0 or h5py.check_string_dtype(dtype) is not None:
                f.create_dataset(name, data=data, dtype=dtype)  # HDF5 filters no variable-length text
                continue
            chunks = tuple(max(1, n) for n in np.shape(data))
            if 0 in np.shape(data):
                f.create_dataset(name, data=data, dtype=dtype, chunks=chunks, maxshape=(None,) * np.ndim(data),
                                 fletcher32=True)
            else:
                f.create_dataset(name, data=data, dtype=dtype, chunks=chunks, fletcher32=True)
            for key, value in attrs.items():
                f[name].attrs[key] = value


# Means of the other /timeseries metrics: the same in every group, replicate and week.
OTHER_MEANS = {"confidence": 0.5, "intent_to_leave": 0.2, "psych_safety": 0.5, "degree": 4.0,
               "strength": 2.0, "cross_institution_ties": 0.5, "mentoring_as_mentor": 0.1,
               "mentoring_as_mentee": 0.1, "meetings": 1.0}


def _write_timeseries(f: h5py.File, n_arms: int, reps: int) -> None:
    groups = np.zeros(n_arms * 3 * 8 * 4 * 2, dtype=[("arm", "<u2"), ("institution", "<u2"),
                                                       ("profession", "u1"), ("stage", "u1"),
                                                       ("minority", "u1")])
    k = 0
    for a in range(n_arms):
        for i in range(3):
            for p in range(8):
                for s in range(4):
                    for m in range(2):
                        groups[k] = (a, i, p, s, m)
                        k += 1
    f.create_dataset("groups", data=groups)
    ts = f.create_group("timeseries")
    ts.create_dataset("step", data=np.array(STEPS, dtype=np.int32))
    shape = (reps, len(STEPS), len(groups))
    data = {name: np.full(shape, np.nan) for name in
            ["retained", "satisfaction", "in_mentoring"] + [f"skill_{d}" for d in DOMAINS]
            + list(OTHER_MEANS)}
    for name in ("n", "n_initial", "leavers", "hires"):
        data[name] = np.zeros(shape)
    for a in range(n_arms):
        g0, g1 = group_index(a, 0, 0, 0, 0), group_index(a, 0, 1, 1, 1)
        for r in range(reps):
            for o in range(len(STEPS)):
                data["n"][r, o, g0], data["n"][r, o, g1] = 10 - o, 30
                data["n_initial"][r, o, g0], data["n_initial"][r, o, g1] = 10, 30
                data["retained"][r, o, g0] = 1 - 0.1 * o
                data["retained"][r, o, g1] = 1 - 0.05 * o
                data["satisfaction"][r, o, g0] = 0.5 + 0.1 * a + 0.01 * r + 0.02 * o
                data["satisfaction"][r, o, g1] = 0.7 + 0.1 * a + 0.01 * r + 0.02 * o
                data["in_mentoring"][r, o, g0], data["in_mentoring"][r, o, g1] = 0.2, 0.4
                if o > 0:
                    data["leavers"][r, o, g0], data["leavers"][r, o, g1] = 1, 2
                for j, d in enumerate(DOMAINS):
                    data[f"skill_{d}"][r, o, [g0, g1]] = 0.4 + 0.05 * j + 0.01 * o
                for name, value in OTHER_MEANS.items():
                    data[name][r, o, [g0, g1]] = value
    for name, values in data.items():
        ts.create_dataset(name, data=values)


def agent_roles(n_arms: int) -> tuple[np.ndarray, np.ndarray]:
    ids = np.arange(N_AGENTS)
    return ids % n_arms, (ids // n_arms) % 4


def _write_agents(f: h5py.File, n_arms: int) -> None:
    g = f.create_group("agents/final")
    ids = np.arange(N_AGENTS)
    arm, role = agent_roles(n_arms)
    initial = np.full((N_AGENTS, 6), 0.5, dtype=np.float32)
    skills = (initial + ROLE_GAINS[role]).astype(np.float32)
    left = np.full(N_AGENTS, -1, dtype=np.int32)
    hired = np.zeros(N_AGENTS, dtype=np.int32)
    left[0], hired[1] = 5, 3            # excluded from skill gains: one leaver, one hire
    skills[0], skills[1] = 0.9, 0.9
    g.create_dataset("id", data=ids.astype(np.uint32))
    g.create_dataset("institution", data=(ids % 3).astype(np.uint16))
    g.create_dataset("unit", data=(ids % 3).astype(np.uint32))
    g.create_dataset("profession", data=(ids % 8).astype(np.uint8))
    g.create_dataset("stage", data=(ids % 4).astype(np.uint8))
    g.create_dataset("minority", data=(ids % 5 == 0).astype(np.uint8))
    g.create_dataset("joint_institution", data=np.where(ids % 7 == 0, 1, -1).astype(np.int16))
    g.create_dataset("arm", data=arm.astype(np.uint16))
    g.create_dataset("skills", data=skills)
    g.create_dataset("skills_initial", data=initial)
    g.create_dataset("satisfaction", data=np.linspace(0.2, 0.8, N_AGENTS).astype(np.float32))
    g.create_dataset("satisfaction_initial", data=np.full(N_AGENTS, 0.5, dtype=np.float32))
    g.create_dataset("degree", data=(ids % 6).astype(np.uint32))
    g.create_dataset("degree_initial", data=(ids % 5).astype(np.uint32))
    g.create_dataset("clustering", data=np.where(ids % 6 >= 2, 0.25, 0.0).astype(np.float32))
    # Every agent gains 0.5 in tie strength; agents with an id divisible by 4 one cross-institution tie.
    g.create_dataset("strength_initial", data=np.full(N_AGENTS, 1.5, dtype=np.float32))
    g.create_dataset("strength", data=np.full(N_AGENTS, 2.0, dtype=np.float32))
    g.create_dataset("cross_institution_ties_initial", data=np.zeros(N_AGENTS, dtype=np.uint32))
    g.create_dataset("cross_institution_ties", data=(ids % 4 == 0).astype(np.uint32))
    # Mentees (role bit 2) were eligible as mentees, enrolled at week 1 and matched at week 3.
    mentee = (role & 2) > 0
    g.create_dataset("eligible", data=np.where(mentee, 2, 0).astype(np.uint8))
    g.create_dataset("enrolled_week", data=np.where(mentee, 1, -1).astype(np.int32))
    g.create_dataset("matched_week", data=np.where(mentee, 3, -1).astype(np.int32))
    g.create_dataset("left", data=left)
    g.create_dataset("hired", data=hired)
    g.create_dataset("role", data=role.astype(np.uint8))


def _write_network(f: h5py.File) -> None:
    g = f.create_group("network/final")
    src = np.arange(N_AGENTS - 1)
    dst = src + 1
    chords = np.arange(0, N_AGENTS - 5, 5)
    src, dst = np.concatenate([src, chords]), np.concatenate([dst, chords + 5])
    g.create_dataset("src", data=src.astype(np.uint32))
    g.create_dataset("dst", data=dst.astype(np.uint32))
    g.create_dataset("weight", data=np.full(len(src), 0.5, dtype=np.float32))
    g.attrs["target_mean_degree"] = 2.0
    g.attrs["note"] = ""


# Per replicate: arm 0 has 4 assigned traditional dyads, arm 1 (if any) 2 self-identified reverse.
DYADS_ARM0 = [("lack_of_time", 6), ("program_end", 8), ("lack_of_time", 5), ("active", -1)]
DYADS_ARM1 = [("poor_communication", 3), ("active", -1)]


def _write_dyads(f: h5py.File, n_arms: int, reps: int) -> None:
    rows = []
    for r in range(reps):
        for k, (reason, end) in enumerate(DYADS_ARM0):
            rows.append((r, 2 + 2 * k, 3 + 2 * k, 0, 0, 0, reason, end))
        if n_arms > 1:
            for k, (reason, end) in enumerate(DYADS_ARM1):
                rows.append((r, 20 + 2 * k, 21 + 2 * k, 1, 1, 1, reason, end))
    g = f.create_group("dyads")
    n = len(rows)
    col = list(zip(*rows))
    g.create_dataset("replicate", data=np.array(col[0], dtype=np.uint32))
    g.create_dataset("mentor", data=np.array(col[1], dtype=np.uint32))
    g.create_dataset("mentee", data=np.array(col[2], dtype=np.uint32))
    g.create_dataset("arm", data=np.array(col[3], dtype=np.uint16))
    g.create_dataset("type", data=np.array(col[4], dtype=np.uint8))
    g.create_dataset("formation", data=np.array(col[5], dtype=np.uint8))
    g.create_dataset("group", data=np.arange(n, dtype=np.uint32))
    g.create_dataset("start", data=np.ones(n, dtype=np.int32))
    g.create_dataset("end", data=np.array(col[7], dtype=np.int32))
    g.create_dataset("end_reason", data=np.array([END_REASONS.index(x) for x in col[6]],
                                                 dtype=np.uint8))
    g.create_dataset("quality", data=np.full(n, 0.6, dtype=np.float32))
    g.create_dataset("quality_initial", data=np.full(n, 0.5, dtype=np.float32))
    g.create_dataset("similarity", data=np.full(n, 0.4, dtype=np.float32))
    g.create_dataset("complementarity", data=np.full(n, 0.3, dtype=np.float32))
    g.create_dataset("meetings", data=np.full(n, 4, dtype=np.uint32))


def outcome_value(name: str, replicate: int, arm: int) -> float:
    """Every [R, A] outcome but coverage: base + 0.01 * replicate + 0.05 * arm (exact pattern)."""
    return 0.3 + 0.01 * replicate + 0.05 * arm + 0.001 * len(name)


def _write_outcomes(f: h5py.File, n_arms: int, reps: int, coverage: np.ndarray) -> None:
    g = f.create_group("outcomes")
    names = ["eligible_mentees", "enrolled_mentees", "weeks_to_match", "dyads", "meetings_per_dyad",
             "complementarity", "similarity", "failure_rate", "satisfaction_change", "retention",
             "strength_change", "cross_institution_change", "unmatched_infeasible",
             "unmatched_no_capacity", "unmatched_not_approached", "unmatched_declined",
             "optimality_gap"]
    names += [f"quality_{formation}" for formation in FORMATIONS]
    names += [f"satisfaction_change_{formation}" for formation in FORMATIONS]
    names += [f"end_{reason}" for reason in END_REASONS]
    names += [f"skill_gain_{d}" for d in DOMAINS]
    for name in names:
        data = np.array([[outcome_value(name, r, a) for a in range(n_arms)] for r in range(reps)])
        g.create_dataset(name, data=data)
    g.create_dataset("coverage", data=np.asarray(coverage, dtype=np.float64)[:reps, :n_arms])
    # Minority coverage 0.5 + 0.02 replicate + 0.05 arm, the others' 0.7: gaps vary by replicate.
    minority = np.zeros((reps, n_arms, 2))
    minority[..., 0] = 0.7
    minority[..., 1] = 0.5 + 0.02 * np.arange(reps)[:, None] + 0.05 * np.arange(n_arms)[None, :]
    g.create_dataset("by_minority/coverage", data=minority)
    for name in ("weeks_to_match", "retention", "satisfaction_change"):
        g.create_dataset(f"by_minority/{name}", data=minority / 2)
    # Coverage by isolation quartile (0.4 + 0.02 replicate, 0.6, 0.7, 0.8).
    isolation = np.zeros((reps, n_arms, 4))
    isolation[...] = [0.4, 0.6, 0.7, 0.8]
    isolation[..., 0] += 0.02 * np.arange(reps)[:, None]
    g.create_dataset("by_isolation/coverage", data=isolation)
    g.create_dataset("by_isolation/weeks_to_match", data=isolation * 2)


# /patterns as `mentorsim patterns` writes it: a pass (range target), a miss (point target), an
# ordering that passes, and one not computable yet.
PATTERNS = [
    dict(id="P1b", name="share with a mentor", figure="C1", published="54%", source="Palepu 1998",
         statistic="coverage", verdict="pass", reason="", low=0.54, high=0.671, tol=0.1,
         values=[0.6, 0.62, 0.64], reproduced=1),
    dict(id="P5", name="minority odds ratio", figure="C5", published="odds ratio 0.3",
         source="Ramanan 2006", statistic="minority_coverage_odds_ratio", verdict="miss",
         reason="", low=0.3, high=0.3, tol=0.2, values=[0.9, 0.85, 0.95], reproduced=0),
    dict(id="P6", name="lack of time commonest", figure="C16", published="75%", source="surveys",
         statistic="lack_of_time_margin", verdict="pass", reason="", low=0.0, high=np.inf,
         tol=0.0, values=[0.1, 0.12, 0.08], reproduced=0),
    dict(id="P14", name="informal beats formal", figure="C9", published="informal > formal",
         source="Ragins 1999", statistic="", verdict="not computable",
         reason="not computable yet: needs informal mentoring", low=np.nan, high=np.nan, tol=0.0,
         values=[], reproduced=0),
]


def pattern_summary(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95% t interval (t(0.975, 2) = 4.303 for three replicates)."""
    if not len(values):
        return np.nan, np.nan, np.nan
    v = np.asarray(values, dtype=float)
    half = 4.303 * v.std(ddof=1) / np.sqrt(len(v))
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def _write_patterns(f: h5py.File, reps: int) -> None:
    g = f.create_group("patterns")
    for key, column in (("id", "id"), ("name", "name"), ("figure", "figure"),
                        ("published", "published"), ("source", "source"),
                        ("statistic", "statistic"), ("verdict", "verdict"), ("reason", "reason")):
        _strings(g, key, [p[column] for p in PATTERNS])
    _strings(g, "description", ["how it is computed"] * len(PATTERNS))
    summaries = [pattern_summary(p["values"]) for p in PATTERNS]
    g.create_dataset("target_low", data=np.array([p["low"] for p in PATTERNS]))
    g.create_dataset("target_high", data=np.array([p["high"] for p in PATTERNS]))
    g.create_dataset("tolerance", data=np.array([p["tol"] for p in PATTERNS]))
    g.create_dataset("mean", data=np.array([s[0] for s in summaries]))
    g.create_dataset("ci_low", data=np.array([s[1] for s in summaries]))
    g.create_dataset("ci_high", data=np.array([s[2] for s in summaries]))
    g.create_dataset("reproduced", data=np.array([p["reproduced"] for p in PATTERNS], dtype=np.uint8))
    g.create_dataset("replicates", data=np.array([len(p["values"]) for p in PATTERNS], dtype=np.int64))
    values = np.full((len(PATTERNS), reps), np.nan)
    for i, p in enumerate(PATTERNS):
        values[i, :len(p["values"])] = p["values"]
    g.create_dataset("values", data=values)
    g.attrs["patterns_file"] = "calibration/patterns.toml"
