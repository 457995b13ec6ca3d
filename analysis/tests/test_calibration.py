"""Calibration files (`mentorsim calibrate`): weighted quantiles by hand, the loader and figures on a
hand-made file, the report, refusals, and a small calibration from the real binary."""
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from mentorsim_analysis import calibration, sweep
from mentorsim_analysis.cli import main
from mentorsim_analysis.io import AnalysisError
from conftest import mentorsim_binary

REPO = Path(__file__).resolve().parents[2]


def test_weighted_quantiles_by_hand():
    # Sorted: 1 (weight 0.5), 2 (0.3), 3 (0.2): cumulative 0.5, 0.8, 1.0.
    values, weights = [3.0, 1.0, 2.0], [0.2, 0.5, 0.3]
    assert calibration.weighted_quantiles(values, weights, [0.5, 0.6, 0.8, 0.9]) == [1.0, 2.0, 2.0, 3.0]
    # Unnormalised weights give the same answer.
    assert calibration.weighted_quantiles(values, [2, 5, 3], [0.6]) == [2.0]
    with pytest.raises(AnalysisError):
        calibration.weighted_quantiles([1.0], [0.0], [0.5])


def write_calibration(path: Path) -> Path:
    """Two parameters (uniform, log-uniform), two patterns, 6 prior draws, a posterior of 3 particles."""
    with h5py.File(path, "w") as f:
        f.attrs["kind"] = "calibration"
        meta = f.create_group("meta")
        meta.attrs["calibration_toml"] = "draws = 6\n"
        meta.attrs["replicates"] = 1
        meta.attrs["mentorsim_version"] = "test"
        f["targets/id"] = np.array([b"P7", b"P8a"])
        f["targets/low"] = [0.1, 0.38]
        f["targets/high"] = [0.1, 0.59]
        f["targets/tolerance"] = [0.05, 0.1]
        f["prior/keys"] = np.array([b"dynamics.a", b"dynamics.b"])
        f["prior/distribution"] = np.array([b"uniform", b"log_uniform"])
        f["prior/min"] = [0.0, 0.01]
        f["prior/max"] = [2.0, 1.0]
        f["prior/parameters"] = np.array([[0.1, 0.02], [0.5, 0.05], [0.9, 0.1], [1.3, 0.2], [1.7, 0.5], [1.9, 0.9]])
        f["prior/statistics"] = np.array([[0.05, 0.2], [0.08, 0.3], [0.1, 0.45], [0.12, 0.5], [0.2, 0.6], [np.nan, 0.7]])
        f["prior/distances"] = [1.0, 0.5, 0.0, 0.1, 4.0, np.inf]
        f["posterior/keys"] = np.array([b"dynamics.a", b"dynamics.b"])
        f["posterior/patterns"] = np.array([b"P7", b"P8a"])
        f["posterior/parameters"] = np.array([[0.5, 0.05], [0.9, 0.1], [1.3, 0.2]])
        f["posterior/weights"] = [0.25, 0.5, 0.25]
        f["posterior/distances"] = [0.5, 0.0, 0.1]
        f["posterior/statistics"] = np.array([[0.08, 0.3], [0.1, 0.45], [0.12, 0.5]])
        f["posterior/median"] = [0.9, 0.1]
        f["stages/tolerance"] = [0.5]
        f["stages/simulations"] = np.array([6], dtype=np.int64)
        f["stages/accepted"] = np.array([3], dtype=np.int64)
        f["stages/complete"] = np.array([1], dtype=np.int64)
        f["median/statistics"] = np.array([[0.1, 0.44], [0.11, 0.47]])
        f["median/mean"] = [0.105, 0.455]
        f["median/ci_low"] = [0.04, 0.26]
        f["median/ci_high"] = [0.17, 0.65]
        f["median/pass"] = [1.0, 1.0]
    return path


def test_loader_and_summary(tmp_path):
    cal = calibration.load_calibration(write_calibration(tmp_path / "cal.h5"))
    assert cal.keys == ["dynamics.a", "dynamics.b"]
    assert cal.patterns == ["P7", "P8a"]
    s = cal.summary().set_index("parameter")
    # Weighted mean 0.25*0.5 + 0.5*0.9 + 0.25*1.3 = 0.9; variance 0.25*0.16*2 = 0.08.
    assert s.loc["dynamics.a", "mean"] == pytest.approx(0.9)
    assert s.loc["dynamics.a", "sd"] == pytest.approx(np.sqrt(0.08))
    assert s.loc["dynamics.a", "median"] == 0.9
    assert s.loc["dynamics.a", "q05"] == 0.5
    assert s.loc["dynamics.a", "q95"] == 1.3
    assert bool(cal.table["pass"].all())
    assert sweep.file_kind(tmp_path / "cal.h5") == "calibration"


def test_figures(tmp_path):
    cal = calibration.load_calibration(write_calibration(tmp_path / "cal.h5"))
    marg = calibration.plot_marginals(cal)
    assert len(marg.axes) == 2
    assert marg.axes[1].get_xscale() == "log"  # the log-uniform prior
    pairs = calibration.plot_pairs(cal)
    assert len([ax for ax in pairs.axes if ax.get_visible()]) == 4
    pat = calibration.plot_patterns(cal)
    assert [t.get_text() for t in pat.axes[0].get_xticklabels()] == ["P7", "P8a"]
    for fig in (marg, pairs, pat):
        fig.savefig(tmp_path / "x.png")


def test_report_and_check(tmp_path, capsys):
    path = write_calibration(tmp_path / "cal.h5")
    assert main(["report", str(path), "-o", str(tmp_path / "report")]) == 0
    html = (tmp_path / "report" / "report.html").read_text()
    assert "Calibration (approximate Bayesian computation)" in html
    assert main(["check", str(path)]) == 0
    assert "calibration file, 2 parameter(s), 2 pattern(s)" in capsys.readouterr().out


def test_refusals(tmp_path):
    path = write_calibration(tmp_path / "cal.h5")
    with h5py.File(path, "a") as f:
        del f["median/mean"]
    with pytest.raises(AnalysisError, match="no /median/mean"):
        calibration.load_calibration(path)
    other = tmp_path / "sweep.h5"
    with h5py.File(other, "w") as f:
        f.attrs["kind"] = "sweep"
    with pytest.raises(AnalysisError, match="not a calibration file"):
        calibration.load_calibration(other)



def test_real_calibration(tmp_path):
    binary = mentorsim_binary()
    if binary is None or not binary.exists():
        pytest.skip("no mentorsim binary (set MENTORSIM_BINARY or build build/dev or build/release)")
    (tmp_path / "cal.toml").write_text(
        f'scenario = "{REPO / "scenarios" / "baseline.toml"}"\n'
        f'patterns_file = "{REPO / "calibration" / "patterns.toml"}"\n'
        'patterns = ["P7", "P8a"]\ndraws = 6\nreplicates = 1\nquantile = 0.5\nseed = 3\n'
        '[smc]\ngenerations = 1\npopulation = 3\nbatch = 3\n'
        '[[parameters]]\nkey = "dynamics.relationships.similarity_weight"\nmin = 0.0\nmax = 2.0\n'
        '[[parameters]]\nkey = "dynamics.relationships.failure_loss"\nprior = "log_uniform"\nmin = 0.05\nmax = 0.4\n')
    run = subprocess.run([str(binary), "calibrate", str(tmp_path / "cal.toml"), "--set", "population.size=300",
                          "--set", "run.weeks=12", "-o", str(tmp_path / "cal.h5")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    cal = calibration.load_calibration(tmp_path / "cal.h5")
    assert cal.parameters.shape == (3, 2)
    assert cal.weights.sum() == pytest.approx(1.0)
    assert len(cal.stages) == 2
    assert main(["report", str(tmp_path / "cal.h5"), "-o", str(tmp_path / "report")]) == 0
