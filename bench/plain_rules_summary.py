#!/usr/bin/python3
"""Summarises the JSON lines of mentorsim_plain_rules and bench/plain_rules.py runs (read from the
files given, or standard input): for each program, size and thread count (or NumPy dtype), the
number of runs and the nanoseconds per agent-week of the weekly loop, wall clock ("seconds") and
CPU time of all threads ("cpu_seconds"), as median [min-max].

Usage: /usr/bin/python3 bench/plain_rules_summary.py [FILE ...]
"""

import fileinput
import json
import statistics


def main():
    groups = {}
    for line in fileinput.input():
        if not line.startswith("{"):
            continue
        run = json.loads(line)
        variant = f"NumPy {run['dtype']}" if "dtype" in run else f"C++ {run['threads']} thread(s)"
        scale = 1e9 / (run["n"] * run["weeks"])
        wall, cpu = groups.setdefault((run["n"], variant), ([], []))
        wall.append(run["seconds"] * scale)
        cpu.append(run["cpu_seconds"] * scale)

    def spread(values):
        return f"{statistics.median(values):7.1f} [{min(values):.1f}-{max(values):.1f}]"

    print(f"{'agents':>9}  {'variant':<18} {'runs':>4}  {'wall ns/agent-week':<26} cpu ns/agent-week")
    for (n, variant), (wall, cpu) in sorted(groups.items()):
        print(f"{n:>9}  {variant:<18} {len(wall):>4}  {spread(wall):<26} {spread(cpu)}")


if __name__ == "__main__":
    main()
