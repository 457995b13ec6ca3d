import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixture_file import write_results  # noqa: E402

from mentorsim_analysis import load  # noqa: E402


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """Results files shared by the tests (never modified by them)."""
    d = tmp_path_factory.mktemp("h5")
    return {
        "full": write_results(d / "full.h5"),
        "bare": write_results(d / "bare.h5", timeseries=False, dyads=False, outcomes=False),
        "single": write_results(d / "single.h5", arms=("assigned",)),
        "design_a": write_results(d / "assigned.h5", arms=("program",)),
        "design_b": write_results(d / "self_identified.h5", arms=("program",),
                                  coverage=[[0.6, 0], [0.8, 0], [0.75, 0]]),
        "other_seed": write_results(d / "other_seed.h5", arms=("program",), seed=99),
        "minimal": write_results(d / "minimal.h5", timeseries=False, agents=False, network=False,
                                 dyads=False, outcomes=False),
        "minimal_other_seed": write_results(d / "minimal_seed_99.h5", seed=99, timeseries=False,
                                            agents=False, network=False, dyads=False,
                                            outcomes=False),
    }


@pytest.fixture(scope="session")
def full(files):
    return load(files["full"])


# -- files from the real binary, and their reports (shared by the layout and browser tests) ------
import os  # noqa: E402
import subprocess  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def mentorsim_binary() -> Path | None:
    """MENTORSIM_BINARY, else build/dev/mentorsim, else build/release/mentorsim."""
    if os.environ.get("MENTORSIM_BINARY"):
        return Path(os.environ["MENTORSIM_BINARY"])
    for candidate in (REPO / "build/dev/mentorsim", REPO / "build/release/mentorsim"):
        if candidate.exists():
            return candidate
    return None


def run_scenario(scenario: str, out: Path, *overrides: str) -> Path:
    binary = mentorsim_binary()
    if binary is None or not binary.exists():
        pytest.skip("no mentorsim binary (set MENTORSIM_BINARY or build build/dev or build/release)")
    command = [str(binary), "run", str(REPO / scenario), "-o", str(out), "--threads", "2"]
    for override in ("run.replicates=3", "population.size=800", *overrides):
        command += ["--set", override]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    # The pattern table, as a researcher adds it (the report's Patterns section reads it).
    patterns = subprocess.run([str(binary), "patterns", str(out), "--patterns",
                               str(REPO / "calibration/patterns.toml")],
                              capture_output=True, text=True, timeout=600)
    assert patterns.returncode == 0, patterns.stderr
    return out


@pytest.fixture(scope="session")
def real_files(tmp_path_factory):
    """The baseline and the assigned-vs-self-identified scenarios at 800 staff, 3 replicates, and
    the baseline with self-identified pairing (same seed: a paired two-file comparison)."""
    d = tmp_path_factory.mktemp("real")
    return {
        "baseline": run_scenario("scenarios/baseline.toml", d / "baseline.h5"),
        "assigned_vs_self": run_scenario("scenarios/assigned-vs-self-identified.toml",
                                         d / "assigned-vs-self-identified.h5"),
        "baseline_self": run_scenario("scenarios/baseline.toml", d / "baseline_self.h5",
                                      "arms.1.strategy=self_identified"),
    }


@pytest.fixture(scope="session")
def real_reports(real_files, tmp_path_factory):
    """The three reports (sections kept for the layout checks): directory and sections."""
    from mentorsim_analysis import report
    d = tmp_path_factory.mktemp("real_reports")
    options = report.Options(n_boot=300, dpi=80)
    out = {}
    for name in ("baseline", "assigned_vs_self"):
        results = load(real_files[name])
        sections = report.build_sections(results, options)
        report.write_report(sections, f"mentorsim report: {name}", report._header(results, options),
                            _fresh(d / name), options.dpi, results.warnings)
        out[name] = (d / name, sections)
    comparison = report.align([load(real_files["baseline"]), load(real_files["baseline_self"])])
    sections = report.compare_sections(comparison, options)
    report.write_report(sections, "mentorsim comparison", ["Designs compared."],
                        _fresh(d / "compare"), options.dpi)
    out["compare"] = (d / "compare", sections)
    return out


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


# -- parallel runs (pytest-xdist, `-n 2 --dist loadgroup` in scripts/test) -------------------------
# Session and module fixtures are computed once per worker. The tests of one module share a group,
# and every test that needs the runs of the real binary (real_files, real_reports: about a minute
# under AddressSanitizer) shares one group, so those runs happen once. Without xdist the marker is
# inert.
def pytest_configure(config):
    config.addinivalue_line("markers", "xdist_group(name): run these tests on the same xdist worker")


def pytest_collection_modifyitems(config, items):
    for item in items:
        needs_real = {"real_files", "real_reports"} & set(getattr(item, "fixturenames", ()))
        group = "real" if needs_real else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))
