"""Loaders: the right frames, codes decoded, provenance attached; bad files refused clearly."""
import h5py
import numpy as np
import pandas as pd
import pytest

from fixture_file import (DOMAINS, N_AGENTS, STEPS, group_index, outcome_value, write_results)
from mentorsim_analysis import AnalysisError, load


def test_meta_is_decoded_and_resolved_json_parsed(full):
    assert full.meta["seed"] == 7 and isinstance(full.meta["seed"], int)
    assert full.meta["replicates"] == 3
    assert full.meta["resolved"]["run"]["weeks"] == 8
    assert full.meta["scenario_toml"].startswith("[run]")
    assert full.meta["schema_version"] == 1
    assert full.arms == ["assigned", "self_identified"]
    assert full.domains == DOMAINS


def test_codes_are_lists_of_names(full):
    assert full.codes["dyad_type"] == ["traditional", "reverse", "reciprocal", "group"]
    assert list(full.codes["unit_institution"]) == [0, 1, 2]


def test_timeseries_is_tidy_with_names_decoded(full):
    ts = full.timeseries
    assert list(ts.columns) == ["replicate", "step", "arm", "institution", "profession", "stage",
                                "minority", "group", "metric", "value"]
    n_groups = 2 * 3 * 8 * 4 * 2
    assert len(ts) == 3 * len(STEPS) * n_groups * len(full.timeseries_metrics)
    g1 = group_index(1, 0, 1, 1, 1)
    row = ts[(ts.metric == "satisfaction") & (ts.replicate == 2) & (ts.step == 8) & (ts.group == g1)]
    assert len(row) == 1
    row = row.iloc[0]
    assert (row.arm, row.institution, row.profession, row.stage, row.minority) == (
        "self_identified", "hospital", "nursing", "early_career", 1)
    assert row.value == pytest.approx(0.7 + 0.1 + 0.02 + 0.04)
    assert ts.attrs["provenance"]["seed"] == 7


def test_timeseries_frame_selects_metrics_and_rejects_unknown(full):
    frame = full.timeseries_frame(["n", "satisfaction"])
    assert set(frame.metric) == {"n", "satisfaction"}
    with pytest.raises(AnalysisError, match=r"unknown timeseries metric 'nope'; available: .*satisfaction"):
        full.timeseries_frame(["nope"])


def test_groups_frame(full):
    groups = full.groups
    assert len(groups) == 2 * 3 * 8 * 4 * 2
    assert groups.iloc[group_index(1, 2, 7, 3, 1)][["arm", "institution", "profession", "stage",
                                                    "minority"]].tolist() == [
        "self_identified", "institute", "research", "senior", 1]


def test_agents_frame_has_skills_as_columns_and_codes_decoded(full):
    agents = full.agents
    assert len(agents) == N_AGENTS
    assert (agents.replicate == 0).all()
    assert {f"skill_{d}" for d in DOMAINS} <= set(agents.columns)
    assert {f"skill_initial_{d}" for d in DOMAINS} <= set(agents.columns)
    assert agents.loc[4, "institution"] == "university"
    assert agents.loc[4, "arm"] == "assigned"
    assert pd.isna(agents.loc[1, "joint_institution"]) and agents.loc[7, "joint_institution"] == "university"


def test_network_and_dyads(full):
    assert list(full.network.columns) == ["replicate", "src", "dst", "weight"]
    assert len(full.network) == N_AGENTS - 1 + len(range(0, N_AGENTS - 5, 5))
    dyads = full.dyads
    assert len(dyads) == 3 * 6
    first = dyads.iloc[0]
    assert (first.arm, first.type, first.formation, first.end_reason) == (
        "assigned", "traditional", "assigned", "lack_of_time")
    assert dyads.loc[dyads.arm == "self_identified", "type"].eq("reverse").all()


def test_outcomes_long_with_breakdowns(full):
    out = full.outcomes
    cov = out[(out.metric == "coverage") & (out.by == "all")]
    assert cov.set_index(["replicate", "arm"]).loc[(1, "self_identified"), "value"] == 0.8
    assert cov.level.isna().all()
    iso = out[(out.metric == "coverage") & (out.by == "isolation") & (out.replicate == 0)
              & (out.arm == "assigned")]
    assert iso.level.tolist() == [1, 2, 3, 4] and iso.value.tolist() == [0.4, 0.6, 0.7, 0.8]
    mino = out[(out.metric == "coverage") & (out.by == "minority") & (out.replicate == 2) & (out.arm == "self_identified")]
    assert dict(zip(mino.level, mino.value)) == {0: 0.7, 1: pytest.approx(0.5 + 0.04 + 0.05)}
    ret = out[(out.metric == "retention") & (out.by == "all") & (out.replicate == 2) & (out.arm == "self_identified")]
    assert ret.value.item() == pytest.approx(outcome_value("retention", 2, 1))


def test_missing_sections_are_reported_not_raised(files):
    bare = load(files["bare"])
    assert bare.dyads is None and bare.outcomes is None and bare.timeseries is None
    assert not bare.has("dyads")
    assert "no /dyads" in bare.missing_reason("dyads")
    assert bare.design is None and bare.runs is None


def test_sweep_tables_are_read_when_present(tmp_path):
    path = write_results(tmp_path / "sweep.h5")
    with h5py.File(path, "a") as f:
        f.create_dataset("design/program.cadence_weeks", data=np.array([1, 2, 4]))
        f.create_dataset("runs/coverage", data=np.array([0.5, 0.6, 0.7]))
    results = load(path)
    assert results.design["program.cadence_weeks"].tolist() == [1, 2, 4]
    assert results.runs["run"].tolist() == [0, 1, 2]


def test_not_hdf5(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not hdf5")
    with pytest.raises(AnalysisError, match="not an HDF5 file"):
        load(path)


def test_missing_file(tmp_path):
    with pytest.raises(AnalysisError, match="no such file"):
        load(tmp_path / "absent.h5")


@pytest.mark.parametrize("stored", [b"1", "1", 1.0, np.array([1, 1])])
def test_schema_version_not_an_integer(tmp_path, stored):
    path = write_results(tmp_path / "text.h5")
    with h5py.File(path, "r+") as f:
        f.attrs["schema_version"] = stored
    with pytest.raises(AnalysisError, match=r"schema_version is .*not an integer; mentorsim writes the integer 1"):
        load(path)


def test_other_schema_version(tmp_path):
    path = write_results(tmp_path / "v2.h5", schema_version=2)
    with pytest.raises(AnalysisError, match="schema_version 2 is not supported.*version 1"):
        load(path)


def test_hdf5_that_is_not_mentorsim(tmp_path):
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f.create_dataset("x", data=[1])
    with pytest.raises(AnalysisError, match="not a mentorsim results file"):
        load(tmp_path / "other.h5")


@pytest.mark.parametrize("drop, message", [
    (["codes/arm"], "missing dataset /codes/arm"),
    (["groups"], "missing dataset /groups"),
    (["timeseries/step"], "missing dataset /timeseries/step"),
    (["dyads/end_reason"], "missing dataset /dyads/end_reason"),
    (["network/final/weight"], "missing dataset /network/final/weight"),
])
def test_missing_dataset(tmp_path, drop, message):
    path = write_results(tmp_path / "broken.h5", drop=drop)
    with pytest.raises(AnalysisError, match=message):
        load(path)


def test_wrong_shape_is_named(tmp_path):
    path = write_results(tmp_path / "shape.h5")
    with h5py.File(path, "a") as f:
        del f["outcomes/retention"]
        f.create_dataset("outcomes/retention", data=np.zeros((3, 5)))
    with pytest.raises(AnalysisError, match=r"/outcomes/retention has shape \[3, 5\]"):
        load(path)


def test_code_outside_table(tmp_path):
    path = write_results(tmp_path / "code.h5")
    with h5py.File(path, "a") as f:
        f["dyads/type"][0] = 9
    with pytest.raises(AnalysisError, match="/dyads/type holds code 9 outside /codes/dyad_type"):
        load(path).dyads


def test_unknown_outcome_lists_available(full):
    with pytest.raises(AnalysisError) as error:
        full.check_outcomes(["coverage", "happiness"])
    assert "unknown outcome 'happiness'" in str(error.value)
    assert "available: " in str(error.value) and "retention" in str(error.value)
