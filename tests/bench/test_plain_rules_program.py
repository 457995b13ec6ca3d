"""The plain-rules benchmark program (mentorsim_plain_rules) from outside: its command line, its JSON
line, thread-count independence, and agreement with the independent NumPy implementation
bench/plain_rules.py within Monte Carlo error.

Run by ctest (tests/CMakeLists.txt), which sets MENTORSIM_PLAIN_RULES_BINARY; by hand:
  MENTORSIM_PLAIN_RULES_BINARY=build/release/bench/mentorsim_plain_rules \\
      /usr/bin/python3 -m pytest -q tests/bench/test_plain_rules_program.py
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

BINARY = os.environ.get("MENTORSIM_PLAIN_RULES_BINARY", "")
SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "plain_rules.py"
REQUIRED_KEYS = [
    "n",
    "weeks",
    "seconds",
    "agent_weeks_per_s",
    "final_mean_senior_digital",
    "final_mean_satisfaction",
    "edges",
    "dyads_initial",
    "dyads_remaining",
]
EXTRA_KEYS = ["threads", "cpu_seconds", "final_mean_skill_by_stage", "final_stage_counts"]
TIMING_KEYS = {"seconds", "agent_weeks_per_s", "threads", "cpu_seconds"}

pytestmark = pytest.mark.skipif(not BINARY, reason="MENTORSIM_PLAIN_RULES_BINARY is not set")


def run(command):
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def program(*args):
    return run([BINARY, *map(str, args)])


def numpy_script(*args):
    return run([sys.executable, str(SCRIPT), *map(str, args)])


def result(completed):
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "missing --n"),
        (["--n", "100", "--weeks", "4"], "missing --seed"),
        (["--n", "0", "--weeks", "4", "--seed", "1"], '--n: expected an integer in [1, 200000000], got "0"'),
        (["--n", "1e6", "--weeks", "4", "--seed", "1"], '--n: expected an integer in [1, 200000000], got "1e6"'),
        (["--n", "-5", "--weeks", "4", "--seed", "1"], '--n: expected an integer in [1, 200000000], got "-5"'),
        (["--n", "100", "--weeks", "0", "--seed", "1"], '--weeks: expected an integer in [1, 1000000], got "0"'),
        (["--n", "100", "--weeks", "4", "--seed", "x"], '--seed: expected an integer in [0, 18446744073709551615]'),
        (["--n", "100", "--weeks", "4", "--seed", "1", "--threads", "0"], '--threads: expected an integer in [1, 1024]'),
        (["--n", "100", "--weeks", "4", "--seed", "1", "--n", "5"], "--n given twice"),
        (["--n", "100", "--weeks", "4", "--seed"], "--seed: missing value"),
        (["--n", "100", "--weeks", "4", "--seed", "1", "--size", "3"], 'unknown argument "--size"'),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, message):
    completed = program(*args)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1
    assert completed.stderr.startswith("mentorsim_plain_rules: ")
    assert message in completed.stderr
    assert "usage: mentorsim_plain_rules --n N --weeks W --seed S [--threads T]" in completed.stderr


def sanitized():
    with open(BINARY, "rb") as binary:
        return b"__asan_init" in binary.read()


@pytest.mark.skipif(not BINARY or sanitized(), reason="AddressSanitizer cannot run under a memory limit")
def test_too_large_a_world_for_the_memory_gives_one_line_and_exit_4():
    # 20 million agents need about 8 GB; the address space is limited to 600 MB.
    completed = run(["sh", "-c", f"ulimit -v 600000; exec '{BINARY}' --n 20000000 --weeks 1 --seed 1"])
    assert completed.returncode == 4
    assert completed.stdout == ""
    assert completed.stderr == "mentorsim_plain_rules: not enough memory for --n 20000000 (about 400 bytes per agent)\n"


def test_help_prints_the_usage_and_exits_0():
    completed = program("--help")
    assert completed.returncode == 0
    assert completed.stdout == "usage: mentorsim_plain_rules --n N --weeks W --seed S [--threads T]\n"


def test_the_json_line_has_the_required_keys_first_and_consistent_values():
    out = result(program("--n", 1234, "--weeks", 5, "--seed", 7, "--threads", 1))
    assert list(out) == REQUIRED_KEYS + EXTRA_KEYS
    assert out["n"] == 1234 and out["weeks"] == 5 and out["threads"] == 1
    assert out["seconds"] > 0
    assert out["agent_weeks_per_s"] == pytest.approx(1234 * 5 / out["seconds"], rel=1e-3, abs=1)
    # round(0.4 x 1234) = 494 early-career agents at the start, floor(494 / 3) = 164 dyads.
    assert out["dyads_initial"] == 164
    assert 0 <= out["dyads_remaining"] <= 164
    assert sum(out["final_stage_counts"]) == 1234
    assert out["final_mean_senior_digital"] == out["final_mean_skill_by_stage"][2][1]
    assert 0 < out["final_mean_satisfaction"] < 1


def test_a_stage_with_no_agents_has_a_null_mean():
    # N = 2: one early-career and one mid agent, no senior.
    out = result(program("--n", 2, "--weeks", 1, "--seed", 1))
    assert out["final_mean_senior_digital"] is None
    assert out["final_mean_skill_by_stage"][2] == [None] * 6


def test_results_are_identical_for_1_and_2_threads():
    one = result(program("--n", 20000, "--weeks", 20, "--seed", 99, "--threads", 1))
    two = result(program("--n", 20000, "--weeks", 20, "--seed", 99, "--threads", 2))
    assert two["threads"] == 2
    for key in set(one) - TIMING_KEYS:
        assert one[key] == two[key], key


def test_the_same_seed_gives_the_same_results_and_another_seed_other_results():
    a = result(program("--n", 3000, "--weeks", 10, "--seed", 5))
    b = result(program("--n", 3000, "--weeks", 10, "--seed", 5))
    c = result(program("--n", 3000, "--weeks", 10, "--seed", 6))
    assert all(a[k] == b[k] for k in set(a) - TIMING_KEYS)
    assert a["final_mean_senior_digital"] != c["final_mean_senior_digital"]


def test_the_numpy_script_takes_the_same_arguments_and_prints_the_same_keys():
    out = result(numpy_script("--n", 1234, "--weeks", 5, "--seed", 7))
    assert list(out) == REQUIRED_KEYS + EXTRA_KEYS + ["dtype"]
    assert out["dyads_initial"] == 164 and out["dtype"] == "float64"
    single = result(numpy_script("--n", 1234, "--weeks", 5, "--seed", 7, "--dtype", "float32"))
    assert single["dtype"] == "float32"
    assert single["final_mean_satisfaction"] == pytest.approx(out["final_mean_satisfaction"], abs=1e-5)
    bad = numpy_script("--n", 0, "--weeks", 5, "--seed", 7)
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1


# Agreement. Both implementations run SEEDS seeds at N agents x WEEKS weeks (different generators, so
# the runs are independent samples of the same distribution if the rules agree). For each reported
# quantity (the two final means, the 3 x 6 table of final mean skills by stage, the final stage counts,
# the surviving dyads and the number of ties) the difference of the two sample means is compared with
# its standard error from the pooled sample variance (2 x SEEDS - 2 = 14 degrees of freedom): the test
# fails if |difference| > 5 SE. Under equal distributions |t_14| > 5 has probability 2e-4, so over the
# 26 quantities a false alarm has probability below 0.5 % (Bonferroni); with fixed seeds the outcome is
# deterministic. What it can detect: with 8 seeds at 20,000 agents the SE of the difference in the
# seniors' final mean digital skill is about 0.00045. Changing one constant of the NumPy script by 10 %
# moved that difference to 7 SE (meeting probability 0.45, or learning rate 0.045) and 14 SE
# (diffusion rate 0.011); a leaving probability of 0.0035 moved the surviving dyads by 10 SE and the
# final number of early-career agents by 11 SE. The number of initial dyads is deterministic and must
# be equal.
N = 20000
WEEKS = 52
SEEDS = range(1, 9)


def quantities(out):
    values = {
        "final_mean_senior_digital": out["final_mean_senior_digital"],
        "final_mean_satisfaction": out["final_mean_satisfaction"],
        "dyads_remaining": out["dyads_remaining"],
        "edges": out["edges"],
    }
    for s, row in enumerate(out["final_mean_skill_by_stage"]):
        for d, value in enumerate(row):
            values[f"mean_skill[{s}][{d}]"] = value
    for s, count in enumerate(out["final_stage_counts"]):
        values[f"stage_count[{s}]"] = count
    return values


def test_the_program_and_the_numpy_script_agree_within_monte_carlo_error():
    cpp = [result(program("--n", N, "--weeks", WEEKS, "--seed", seed)) for seed in SEEDS]
    npy = [result(numpy_script("--n", N, "--weeks", WEEKS, "--seed", seed)) for seed in SEEDS]
    assert {r["dyads_initial"] for r in cpp} == {r["dyads_initial"] for r in npy} == {2666}
    a = [quantities(r) for r in cpp]
    b = [quantities(r) for r in npy]
    k = len(SEEDS)
    failures = []
    for key in a[0]:
        x = [q[key] for q in a]
        y = [q[key] for q in b]
        mx, my = sum(x) / k, sum(y) / k
        pooled = (sum((v - mx) ** 2 for v in x) + sum((v - my) ** 2 for v in y)) / (2 * k - 2)
        se = math.sqrt(pooled * 2 / k)
        assert se > 0, key
        if abs(mx - my) > 5 * se:
            failures.append(f"{key}: C++ {mx:.6g}, NumPy {my:.6g}, difference {(mx - my) / se:.2f} SE")
    assert not failures, "; ".join(failures)
