"""Sweep and power files from the real binary: tidy frames, figures, the report, and the power
command's REML fit against statsmodels' MixedLM."""
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from mentorsim_analysis import sweep
from mentorsim_analysis.io import AnalysisError
from conftest import mentorsim_binary

REPO = Path(__file__).resolve().parents[2]

SCENARIO = """[run]
seed = 5
weeks = 10
replicates = 2

[population]
size = 600

[randomisation]
method = "cluster"

[[arms]]
name = "control"
share = 0.5
kind = "none"

[[arms]]
name = "reverse"
share = 0.5
kind = "reverse"
uptake = 0.8
mentor_uptake = 0.8
mentor_capacity = 2
start_week = 1
duration_weeks = 8
cadence_weeks = 1
"""



def _mentorsim(*args: str) -> None:
    binary = mentorsim_binary()
    if binary is None or not binary.exists():
        pytest.skip("no mentorsim binary (set MENTORSIM_BINARY or build build/dev or build/release)")
    run = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweeps")
    (d / "base.toml").write_text(SCENARIO)
    (d / "grid.toml").write_text('scenario = "base.toml"\ntimeseries = ["satisfaction"]\n'
                                 'outcomes = ["coverage", "satisfaction_change", "by_minority/coverage"]\n'
                                 '[[dimensions]]\nkey = "arms.1.cadence_weeks"\nvalues = [1, 2]\n'
                                 '[[dimensions]]\nkey = "arms.1.uptake"\nvalues = [0.4, 0.6, 0.8]\n')
    (d / "sobol.toml").write_text('scenario = "base.toml"\ndesign = "sobol"\nsamples = 4\nreplicates = 1\n'
                                  'bootstrap = 50\noutcomes = ["coverage", "satisfaction_change"]\n'
                                  'contrasts = [["reverse", "control"]]\n'
                                  '[[dimensions]]\nkey = "dynamics.exchange.rate"\nmin = 0.05\nmax = 0.4\n'
                                  '[[dimensions]]\nkey = "arms.1.uptake"\nmin = 0.2\nmax = 0.9\n')
    (d / "power.toml").write_text('scenario = "base.toml"\nreplicates = 6\n[power]\n'
                                  'outcome = "intent_to_leave"\nunits = [4, 8]\nper_unit = 6\n')
    (d / "ablation.toml").write_text('scenario = "base.toml"\noutcomes = ["coverage", "satisfaction_change"]\n'
                                     '[[dimensions]]\nkey = "dynamics.disabled"\n'
                                     'values = [[], ["culture"], ["satisfaction"]]\n')
    _mentorsim("sweep", str(d / "grid.toml"), "-o", str(d / "grid.h5"), "--threads", "2")
    _mentorsim("sweep", str(d / "ablation.toml"), "-o", str(d / "ablation.h5"), "--threads", "2")
    _mentorsim("sweep", str(d / "sobol.toml"), "-o", str(d / "sobol.h5"), "--threads", "2")
    _mentorsim("power", str(d / "power.toml"), "-o", str(d / "power.h5"), "--threads", "2")
    _mentorsim("run", str(d / "base.toml"), "-o", str(d / "run.h5"))
    return d


def test_file_kinds(made):
    assert sweep.file_kind(made / "grid.h5") == "sweep"
    assert sweep.file_kind(made / "power.h5") == "power"
    assert sweep.file_kind(made / "run.h5") == "run"
    with pytest.raises(AnalysisError, match="not a sweep file"):
        sweep.load_sweep(made / "run.h5")
    with pytest.raises(AnalysisError, match="not a power file"):
        sweep.load_power(made / "grid.h5")


def test_runs_frame_is_tidy_with_design_columns(made):
    s = sweep.load_sweep(made / "grid.h5")
    assert s.keys == ["arms.1.cadence_weeks", "arms.1.uptake"]
    assert s.arms == ["control", "reverse"]
    assert len(s.design) == 6
    # The grid: the first key varies slowest.
    assert s.design["arms.1.cadence_weeks"].tolist() == [1, 1, 1, 2, 2, 2]
    assert s.design["arms.1.uptake"].tolist() == [0.4, 0.6, 0.8, 0.4, 0.6, 0.8]
    runs = s.runs(["coverage"])
    assert len(runs) == 6 * 2 * 2
    with h5py.File(made / "grid.h5") as f:
        raw = f["runs/coverage"][()]
    row = runs[(runs.point == 4) & (runs.replicate == 1) & (runs.arm == "reverse")]
    assert row["value"].item() == raw[4, 1, 1]
    assert row["arms.1.uptake"].item() == 0.6
    minority = s.runs(["by_minority/coverage"])
    assert sorted(minority["level"].unique()) == [0, 1]
    with pytest.raises(AnalysisError):
        s.runs(["no_such_outcome"])


def test_timeseries_frame(made):
    s = sweep.load_sweep(made / "grid.h5")
    ts = s.timeseries()
    assert set(ts["metric"]) == {"satisfaction"}
    assert sorted(ts["step"].unique()) == [0, 4, 8, 10]
    assert len(ts) == 6 * 2 * 2 * 4


def test_point_means_average_the_replicates(made):
    s = sweep.load_sweep(made / "grid.h5")
    means = s.point_means("satisfaction_change")
    runs = s.runs(["satisfaction_change"])
    expected = runs[(runs.point == 2) & (runs.arm == "reverse")]["value"].mean()
    assert means[(means.point == 2) & (means.arm == "reverse")]["value"].item() == pytest.approx(expected)


def test_sensitivity_frame_and_figure(made):
    s = sweep.load_sweep(made / "sobol.h5")
    assert len(s.design) == 16
    indices = s.sensitivity()
    assert set(indices["target"]) == {"control", "reverse", "reverse - control"}
    assert set(indices["parameter"]) == set(s.keys)
    assert set(indices["outcome"]) == {"coverage", "satisfaction_change"}
    fig = sweep.plot_sensitivity(indices, "satisfaction_change")
    assert len([a for a in fig.axes if a.get_visible()]) == 3
    assert sweep.load_sweep(made / "grid.h5").sensitivity() is None


def test_outcome_against_parameters_and_heatmap(made):
    s = sweep.load_sweep(made / "grid.h5")
    fig = sweep.plot_outcome_vs_parameters(s, "coverage")
    assert len([a for a in fig.axes if a.get_visible()]) == 2
    heat = sweep.plot_grid_heatmap(s, "coverage")
    image_axes = [a for a in heat.axes if a.images]
    assert len(image_axes) == 2
    # Rows are cadence (2 levels), columns uptake (3).
    assert image_axes[0].images[0].get_array().shape == (2, 3)
    with pytest.raises(AnalysisError, match="grid over exactly two keys"):
        sweep.plot_grid_heatmap(sweep.load_sweep(made / "sobol.h5"), "coverage")


def test_power_table_and_curve(made):
    p = sweep.load_power(made / "power.h5")
    assert p.settings["outcome"] == "intent_to_leave"
    assert sorted(p.table["analysis"].unique()) == ["mixed_model", "t_test"]
    assert p.table[p.table.analysis == "t_test"]["units"].tolist() == [4, 8]
    assert ((p.table["power_low"] <= p.table["power"]) & (p.table["power"] <= p.table["power_high"])).all()
    fig = sweep.plot_power_curve(p)
    assert len(fig.axes[0].lines) >= 2


def _reml_loglik(data, lam: float) -> float:
    """The REML log-likelihood (up to a constant), profiled over sigma_e^2, at sigma_u^2 / sigma_e^2 = lam,
    by dense matrices: an implementation independent of both fits."""
    n = len(data)
    x = np.c_[np.ones(n), data["treated"]]
    h = np.eye(n) + lam * (data["cluster"].to_numpy()[:, None] == data["cluster"].to_numpy()[None, :])
    hi = np.linalg.inv(h)
    a = x.T @ hi @ x
    b = np.linalg.solve(a, x.T @ hi @ data["y"])
    r = data["y"] - x @ b
    s2 = r @ hi @ r / (n - 2)
    return -0.5 * ((n - 2) * np.log(s2) + np.linalg.slogdet(h)[1] + np.linalg.slogdet(a)[1])


def test_reml_agrees_with_statsmodels_mixedlm(made):
    """The power command's random-intercept REML fit of each size's first pilot, refitted by statsmodels'
    MixedLM: the same effect; the same variance components and standard error when statsmodels' solution
    is inside the parameter space; and never a worse REML criterion than statsmodels' (which can stop
    short of the boundary sigma_u^2 = 0)."""
    import warnings

    import pandas as pd
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    interior = 0
    with h5py.File(made / "power.h5") as f:
        units = f["power/units"][()]
        estimate = f["power/mixed_model/estimate"][()]
        se = f["power/mixed_model/se"][()]
        icc = f["power/mixed_model/icc"][()]
        for i, k in enumerate(units):
            g = f[f"power/example/units_{k}"]
            data = pd.DataFrame({"cluster": g["cluster"][()], "treated": g["treated"][()].astype(float),
                                 "y": g["y"][()]})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                fit = smf.mixedlm("y ~ treated", data, groups=data["cluster"]).fit(reml=True)
            sm_lam = float(fit.cov_re.iloc[0, 0]) / fit.scale
            ours_lam = icc[i, 0] / (1 - icc[i, 0])
            assert _reml_loglik(data, ours_lam) >= _reml_loglik(data, sm_lam) - 1e-6
            assert estimate[i, 0] == pytest.approx(fit.fe_params["treated"], rel=1e-4, abs=1e-7)
            if fit.converged and sm_lam > 1e-3:
                interior += 1
                assert icc[i, 0] == pytest.approx(sm_lam / (1 + sm_lam), rel=1e-3)
                assert se[i, 0] == pytest.approx(fit.bse_fe["treated"], rel=1e-3)
    assert interior >= 1, "no pilot with a cluster variance inside the parameter space to compare"


def test_report_of_sweep_and_power_files(made, tmp_path):
    out = sweep.build_report(made / "sobol.h5", tmp_path / "sobol", dpi=60)
    html = (out / "report.html").read_text()
    assert "Sobol sensitivity indices" in html and "Outcomes against the design parameters" in html
    out = sweep.build_report(made / "grid.h5", tmp_path / "grid", dpi=60)
    assert "Two-parameter grid" in (out / "report.html").read_text()
    out = sweep.build_report(made / "power.h5", tmp_path / "power", dpi=60)
    assert "Pilot power" in (out / "report.html").read_text()


def test_the_report_command_accepts_sweep_files(made, tmp_path):
    run = subprocess.run(["/usr/bin/python3", "-m", "mentorsim_analysis", "report", str(made / "grid.h5"),
                          "-o", str(tmp_path / "r")], capture_output=True, text=True, timeout=300,
                         cwd=REPO / "analysis")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r" / "report.html").exists()


def test_the_check_command_reads_sweep_and_power_files(made):
    for name, expected in (("grid.h5", "ok: sweep file, grid design over 2 key(s), 6 point(s), arms "
                                       "control, reverse; outcomes 3, time series 1"),
                           ("power.h5", "ok: power file, outcome intent_to_leave, 4 row(s)")):
        run = subprocess.run(["/usr/bin/python3", "-m", "mentorsim_analysis", "check", str(made / name)],
                             capture_output=True, text=True, timeout=300, cwd=REPO / "analysis")
        assert run.returncode == 0, run.stderr
        assert expected in run.stdout


def test_an_ablation_grid_reports_each_point_against_the_first(made, tmp_path):
    ablation = sweep.load_sweep(made / "ablation.h5")
    table = sweep.differences_from_first_point(ablation, "satisfaction_change")
    runs = ablation.runs(["satisfaction_change"])
    # Worked out from the runs: point 2 (satisfaction off), arm reverse, paired by replicate.
    value = runs.set_index(["point", "arm", "replicate"])["value"]
    diffs = np.array([value[(2, "reverse", r)] - value[(0, "reverse", r)] for r in (0, 1)])
    row = table[(table.point == 2) & (table.arm == "reverse")].iloc[0]
    assert row["dynamics.disabled"] == '[ "satisfaction" ]'
    assert row["difference"] == pytest.approx(diffs.mean())
    assert row["se"] == pytest.approx(abs(diffs[0] - diffs[1]) / 2)   # SD of two / sqrt(2)
    assert row["replicates"] == 2
    # Satisfaction off freezes satisfaction: the program arm's change (its participants') is 0 in every
    # replicate, while the whole model moves it; the first point's own difference is exactly 0.
    program = runs[runs.arm == "reverse"]
    assert (program[program.point == 2]["value"] == 0).all()
    assert (program[program.point == 0]["value"] != 0).all()
    assert (table[(table.point == 0) & (table.arm == "reverse")]["difference"] == 0).all()
    out = sweep.build_report(made / "ablation.h5", tmp_path / "ablation", dpi=60)
    html = (out / "report.html").read_text()
    assert "Outcomes at each design point" in html and "paired by replicate" in html
    # A grid over numbers keeps its plots and has no such table.
    grid = (sweep.build_report(made / "grid.h5", tmp_path / "grid", dpi=60) / "report.html").read_text()
    assert "Outcomes at each design point" not in grid
