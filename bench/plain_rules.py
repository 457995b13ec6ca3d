#!/usr/bin/python3
"""The plain-rules reference model in vectorised NumPy: an independent implementation of the rules
that mentorsim_plain_rules (bench/plain_rules/) implements with mentorsim's engine pieces.

The rules are written out in docs/performance.md ("Plain-rules reference benchmark"). This script
shares no code and no random numbers with the C++ program (NumPy's PCG64 instead of Philox streams),
so the two agree only in distribution: their reported means differ by Monte Carlo error
(tests/bench/test_plain_rules_agreement.py checks that). It is also the "vectorised NumPy" yardstick
of the benchmark table: whole-array operations only, no Python loop over agents or dyads.

Usage: /usr/bin/python3 bench/plain_rules.py --n N --weeks W --seed S [--dtype float64|float32]
Prints one JSON line with the keys of mentorsim_plain_rules (threads is always 1), then "dtype".
Bad arguments: one line on standard error, exit status 2.

Choices of this implementation (the rules leave them open):
- values are float64, NumPy's default (--dtype float32 stores skills, satisfaction and the diffusion
  matrix in single precision, as the C++ program does, for a like-for-like timing);
- diffusion is one sparse matrix product per week, new = M @ S with M = 0.99 I + 0.01 D^-1 A for
  agents with neighbours (A the adjacency matrix, D the degrees) and M = I for isolated agents;
- the week's leavers are drawn as a Binomial(N, 0.003) count and then that many distinct agents
  uniformly, which is the same distribution as N independent Bernoulli(0.003) draws.
"""

import argparse
import json
import sys
import time

import numpy as np
import scipy.sparse as sp

UNIT_SIZE = 50
WITHIN_UNIT_TIE_P = 8 / 49
MEET_P = 0.5
LEAVE_P = 0.003
DIFFUSION = 0.01
LEARNING = 0.05
MEETING_SATISFACTION = 0.01
DRIFT = 0.02
SATISFACTION_BASELINE = 0.6
CLINICAL, DIGITAL, RESEARCH, TEACHING, LEADERSHIP, CULTURE = range(6)
EARLY, MID, SENIOR = range(3)
CLINICAL_BASE = np.array([0.1, 0.3, 0.6])
DIGITAL_BASE = np.array([0.6, 0.3, 0.1])


def stage_counts(n):
    """round(0.4 n) early-career and round(0.3 n) mid, halves rounded up (as in the C++ program)."""
    return (4 * n + 5) // 10, (3 * n + 5) // 10


def initial_values(rng, stage):
    """Skills (6 x len(stage): one row per domain) and satisfaction of agents of the given stages."""
    m = len(stage)
    skills = rng.uniform(0.2, 0.8, size=(6, m))
    skills[CLINICAL] = CLINICAL_BASE[stage] + 0.3 * rng.random(m)
    skills[DIGITAL] = DIGITAL_BASE[stage] + 0.3 * rng.random(m)
    satisfaction = rng.uniform(0.4, 0.8, size=m)
    return skills, satisfaction


def within_unit_pairs(rng, n):
    """Endpoints (a, b), a < b, of the within-unit Erdos-Renyi ties, a chunk of units at a time."""
    heads, tails = [], []
    full_units, rest = divmod(n, UNIT_SIZE)
    a, b = np.triu_indices(UNIT_SIZE, 1)
    chunk = 2000
    for first in range(0, full_units, chunk):
        units = min(chunk, full_units - first)
        keep = rng.random((units, len(a))) < WITHIN_UNIT_TIE_P
        unit, pair = np.nonzero(keep)
        offset = (first + unit) * UNIT_SIZE
        heads.append(offset + a[pair])
        tails.append(offset + b[pair])
    if rest > 1:
        ra, rb = np.triu_indices(rest, 1)
        keep = rng.random(len(ra)) < WITHIN_UNIT_TIE_P
        heads.append(full_units * UNIT_SIZE + ra[keep])
        tails.append(full_units * UNIT_SIZE + rb[keep])
    if not heads:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(heads).astype(np.int64), np.concatenate(tails).astype(np.int64)


def build_network(rng, n):
    """Adjacency matrix (CSR, symmetric, no self-loops, weights 1) and the number of ties."""
    a, b = within_unit_pairs(rng, n)
    pairs = rng.integers(0, n, size=(2, n))
    u = np.concatenate([a, np.minimum(pairs[0], pairs[1])])
    v = np.concatenate([b, np.maximum(pairs[0], pairs[1])])
    keep = u != v
    keys = np.unique(u[keep] * n + v[keep])
    u, v = keys // n, keys % n
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    adjacency = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return adjacency, len(keys)


def diffusion_matrix(adjacency):
    """M with M @ s = one domain's skills s after a week of diffusion (isolated agents unchanged)."""
    degree = np.diff(adjacency.indptr)
    has_neighbours = degree > 0
    inverse = np.zeros(len(degree))
    inverse[has_neighbours] = DIFFUSION / degree[has_neighbours]
    keep = np.where(has_neighbours, 1.0 - DIFFUSION, 1.0)
    return (sp.diags(keep) + sp.diags(inverse) @ adjacency).tocsr()


def record(stage, skills, satisfaction):
    """Step 5: mean skill by stage (3 x 6, NaN for an empty stage), stage counts, mean satisfaction."""
    counts = np.bincount(stage, minlength=3)
    sums = np.stack([np.bincount(stage, weights=skills[d], minlength=3) for d in range(6)], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
    return means, counts, satisfaction.mean()


def run(n, weeks, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    early, mid = stage_counts(n)
    stage = np.repeat(np.array([EARLY, MID, SENIOR]), [early, mid, n - early - mid])
    rng.shuffle(stage)
    skills, satisfaction = initial_values(rng, stage)
    skills, satisfaction = skills.astype(dtype), satisfaction.astype(dtype)
    adjacency, edges = build_network(rng, n)
    step = diffusion_matrix(adjacency).astype(dtype)
    del adjacency

    early_ids = np.flatnonzero(stage == EARLY)
    senior_ids = np.flatnonzero(stage == SENIOR)
    dyad_count = len(early_ids) // 3 if len(senior_ids) > 0 else 0
    junior = rng.choice(early_ids, size=dyad_count, replace=False)
    senior = senior_ids[rng.integers(0, len(senior_ids), size=dyad_count)] if dyad_count else junior
    alive = np.ones(dyad_count, dtype=bool)
    leaving = np.zeros(n, dtype=bool)
    junior_domains = [CLINICAL, LEADERSHIP]
    senior_domains = [DIGITAL, CULTURE]

    means, counts, mean_satisfaction = record(stage, skills, satisfaction)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _ in range(weeks):
        # 1. Diffusion, from start-of-week skills (one matrix-vector product per domain: faster in
        #    SciPy than one product with a 6-column matrix).
        new_skills = np.stack([step @ skills[d] for d in range(6)])
        # 2. Meetings: every gain from start-of-week values, a senior's gains summed.
        meets = alive & (rng.random(dyad_count) < MEET_P)
        j, s = junior[meets], senior[meets]
        for domain in junior_domains:
            own, partner = skills[domain, j], skills[domain, s]
            new_skills[domain, j] += LEARNING * np.maximum(0.0, partner - own) * (1.0 - own)
        for domain in senior_domains:
            own, partner = skills[domain, s], skills[domain, j]
            gain = LEARNING * np.maximum(0.0, partner - own) * (1.0 - own)
            new_skills[domain] += np.bincount(s, weights=gain, minlength=n)
        # 2-3. Satisfaction: meeting gains (one per meeting) and drift, from start-of-week values.
        meetings = np.bincount(s, minlength=n)
        meetings[j] += 1
        meeting_gain = MEETING_SATISFACTION * (1.0 - satisfaction)
        meeting_gain *= meetings  # in place, so float32 stays float32
        satisfaction = satisfaction + meeting_gain + DRIFT * (SATISFACTION_BASELINE - satisfaction)
        skills = new_skills
        # 4. Turnover: leavers replaced in place by fresh early-career agents; their dyads end.
        leavers = rng.choice(n, size=rng.binomial(n, LEAVE_P), replace=False)
        stage[leavers] = EARLY
        skills[:, leavers], satisfaction[leavers] = initial_values(rng, stage[leavers])
        if dyad_count:
            leaving[leavers] = True
            alive &= ~(leaving[junior] | leaving[senior])
            leaving[leavers] = False
        # 5. The week's record.
        means, counts, mean_satisfaction = record(stage, skills, satisfaction)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start

    def number(x):
        return None if not np.isfinite(x) else float(x)

    return {
        "n": n,
        "weeks": weeks,
        "seconds": round(seconds, 9),
        "agent_weeks_per_s": round(n * weeks / seconds) if seconds > 0 else 0,
        "final_mean_senior_digital": number(means[SENIOR, DIGITAL]),
        "final_mean_satisfaction": number(mean_satisfaction),
        "edges": int(edges),
        "dyads_initial": int(dyad_count),
        "dyads_remaining": int(alive.sum()),
        "threads": 1,
        "cpu_seconds": round(cpu_seconds, 9),
        "final_mean_skill_by_stage": [[number(x) for x in row] for row in means],
        "final_stage_counts": [int(c) for c in counts],
        "dtype": np.dtype(dtype).name,
    }


class Parser(argparse.ArgumentParser):
    def error(self, message):
        print(
            f"plain_rules.py: {message} (usage: plain_rules.py --n N --weeks W --seed S [--dtype float64|float32])",
            file=sys.stderr,
        )
        sys.exit(2)


def main(argv=None):
    parser = Parser(description="Plain-rules reference model, vectorised NumPy.")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--weeks", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = parser.parse_args(argv)
    if args.n < 1 or args.weeks < 1 or args.seed < 0:
        parser.error("--n and --weeks must be at least 1, --seed at least 0")
    print(json.dumps(run(args.n, args.weeks, args.seed, np.dtype(args.dtype))))


if __name__ == "__main__":
    main()
