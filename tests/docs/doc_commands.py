#!/usr/bin/python3
"""Runs every mentorsim command shown in the documentation, so that a doc command that does not run
fails the suite.

Scans the fenced shell code blocks (```sh, ```bash, ```shell, ```console, or unlabelled) of README.md,
docs/*.md and scenarios/README.md, and runs each line that invokes `mentorsim`, `build/<preset>/mentorsim`,
`$B` or a script under `scripts/`, as written, from a scratch directory that mirrors the source tree
(so `-o results/run.h5` writes there, never into the tree). Variable assignments of the same block
(`B=build/release/mentorsim`) are run before each line. `mentorsim` is the binary under test, behind a
wrapper that appends reduced-size overrides to every command given a scenario file (`run`, `validate`,
`info network`, ...; later --set values win; a `calibrate` also gets a few draws, one replicate and no
SMC stage unless the line sets them), so the whole check takes seconds: the command line of the docs is
what is tested, not the size.

Lines that cannot run in a test are listed in ALLOWED below with the reason; anything else that fails
fails the test. New docs and new commands are picked up without changing this file.

usage: doc_commands.py --binary PATH --source DIR [--list]
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

# (pattern matched against the command line, reason it is not run here)
ALLOWED = [
    (r"^scripts/demo\b", "installs Debian packages with apt-get and runs the full baseline (minutes)"),
    (r"^scripts/test\b", "the whole test suite, of which this test is a part"),
    (r"^scripts/bench\b", "benchmarks: a build of its own and whole 1M-staff runs (tens of minutes)"),
    (r"^(MENTORSIM_BENCH_\w+=\S+\s+)+scripts/bench\b", "benchmarks (see scripts/bench)"),
    (r"^scripts/format\b", "rewrites the C++ files of the tree in place"),
    (r"^scripts/fuzz\b", "runs each fuzz target for a given time; scripts/test runs it (20 s per target)"),
    (r"^(mpirun|mpiexec|srun|sbatch)\b", "needs an MPI launcher or a Slurm cluster"),
]

REDUCED = ["--set", "run.replicates=1", "--set", "run.weeks=8"]
REDUCED_SIZE = ["--set", "population.size=300"]  # not with a roster, which fixes the staff

SHELL_LANGUAGES = {"", "sh", "bash", "shell", "console"}
INVOKES = re.compile(r"^(?:\w+=\S*\s+)*(?:\./)?(?:mentorsim\b|build/\w+/mentorsim\b|\$B\b|\$\{B\}|scripts/)")
ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=\S*$")

WRAPPER = """#!/usr/bin/env bash
# Test wrapper: the binary under test with reduced-size overrides appended.
# Any command given a scenario (an existing *.toml file) gets the overrides: run, validate,
# info network, and subcommands added later that take a scenario and --set.
real={real}
scenario=""
for argument in "$@"; do
  if [[ "$argument" == *.toml ]] && [ -f "$argument" ]; then scenario="$argument"; break; fi
done
if [ -n "$scenario" ]; then
  extra=({reduced})
  if ! grep -Eq '^[[:space:]]*roster[[:space:]]*=' "$scenario"; then extra+=({reduced_size}); fi
  # Stepped wedges start waves months apart: keep their length.
  if grep -Eq '^[[:space:]]*waves[[:space:]]*=' "$scenario"; then extra=("${{extra[@]/run.weeks=8/run.weeks=104}}"); fi
  # A calibration runs its stage 0 only, with a few draws, unless the command sets them itself (each
  # flag may be given once), over two years: its patterns may need a program's end.
  if [ "${{1:-}}" = "calibrate" ]; then
    extra=("${{extra[@]/run.weeks=8/run.weeks=104}}")
    for pair in "--draws 6" "--replicates 1" "--generations 0"; do
      case " $* " in *" ${{pair%% *}} "*) ;; *) extra+=($pair) ;; esac
    done
  fi
  exec "$real" "$@" "${{extra[@]}}"
fi
exec "$real" "$@"
"""


def code_blocks(path):
    """(language, first line number, lines) of each fenced code block."""
    blocks, language, start, lines = [], None, 0, []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fence = re.match(r"^\s*```(\w*)", line)
            if fence and language is None:
                language, start, lines = fence.group(1).lower(), number + 1, []
            elif fence:
                blocks.append((language, start, lines))
                language = None
            elif language is not None:
                lines.append(line.rstrip("\n"))
    return blocks


def strip_comment(line):
    """The command without a trailing # comment (outside quotes) and the console prompt."""
    line = re.sub(r"^\s*\$\s+", "", line).strip()
    quote = None
    for i, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].strip()
    return line


def commands(source):
    docs = [os.path.join(source, "README.md"), os.path.join(source, "scenarios", "README.md")]
    docs += sorted(glob.glob(os.path.join(source, "docs", "*.md")))
    for doc in docs:
        if not os.path.exists(doc):
            continue
        for language, start, lines in code_blocks(doc):
            if language not in SHELL_LANGUAGES:
                continue
            assignments = []
            for offset, raw in enumerate(lines):
                line = strip_comment(raw)
                if not line:
                    continue
                if ASSIGNMENT.match(line):
                    assignments.append(line)
                elif INVOKES.match(line):
                    yield os.path.relpath(doc, source), start + offset, list(assignments), line


def mirror(source, binary, scratch):
    """A directory that looks like the source tree, where `mentorsim` is the wrapped binary under test."""
    for name in os.listdir(source):
        if name in ("build", "results", "reports") or name.startswith("."):
            continue
        os.symlink(os.path.join(source, name), os.path.join(scratch, name))
    for name in ("results", "reports"):
        os.mkdir(os.path.join(scratch, name))
    wrapper = WRAPPER.format(real=binary, reduced=" ".join(REDUCED), reduced_size=" ".join(REDUCED_SIZE))
    for folder in ("bin", "build/release", "build/dev"):
        os.makedirs(os.path.join(scratch, folder), exist_ok=True)
        path = os.path.join(scratch, folder, "mentorsim")
        with open(path, "w") as f:
            f.write(wrapper)
        os.chmod(path, 0o755)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--list", action="store_true", help="only list the commands found")
    args = parser.parse_args()
    found = list(commands(args.source))
    if not found:
        print("no mentorsim command found in the docs: the scan is broken")
        return 1
    failures, ran, allowed = [], 0, 0
    with tempfile.TemporaryDirectory(prefix="mentorsim-doc-commands-") as scratch:
        mirror(os.path.abspath(args.source), os.path.abspath(args.binary), scratch)
        env = dict(os.environ)
        env["PATH"] = os.path.join(scratch, "bin") + os.pathsep + env.get("PATH", "")
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        for doc, line_number, assignments, line in found:
            where = f"{doc}:{line_number}"
            reason = next((why for pattern, why in ALLOWED if re.search(pattern, line)), None)
            if reason:
                allowed += 1
                print(f"not run  {where}: {line}\n         ({reason})")
                continue
            if args.list:
                print(f"would run {where}: {line}")
                continue
            script = "\n".join(["set -e"] + assignments + [line])
            result = subprocess.run(["bash", "-c", script], cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                                    capture_output=True, text=True, timeout=300)
            ran += 1
            status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
            print(f"{status:8} {where}: {line}")
            if result.returncode != 0:
                failures.append(where)
                for text in (result.stdout, result.stderr):
                    for out in text.strip().splitlines()[-10:]:
                        print(f"         | {out}")
    print(f"{ran - len(failures)} passed, {len(failures)} failed ({allowed} allowed not to run)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
