"""The names mentorsim_analysis reads exist in a file the real binary has just written.

io.py names the groups, datasets, attributes and code tables it requires; metrics.py the metrics and
outcomes it knows how to label. Each name is looked up in a fresh results file with every output
switched on, so a rename in the simulator (or a typo here) fails this test instead of surfacing as
a missing panel in a report.
"""
import subprocess
from pathlib import Path

import h5py
import pytest

from mentorsim_analysis import io, metrics
from conftest import mentorsim_binary

REPO = Path(__file__).resolve().parents[2]



@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    binary = mentorsim_binary()
    if binary is None or not binary.exists():
        pytest.skip("no mentorsim binary (set MENTORSIM_BINARY or build build/dev or build/release)")
    d = tmp_path_factory.mktemp("schema")
    scenario = d / "names.toml"
    path = d / "names.h5"
    scenario.write_text("[run]\nweeks = 6\nreplicates = 2\n\n[population]\nsize = 300\n\n"
                        "[[arms]]\nname = \"control\"\nkind = \"none\"\n\n"
                        "[[arms]]\nname = \"reverse\"\nkind = \"reverse\"\nstart_week = 1\n\n"
                        f'[output]\npath = "{path}"\nall_replicates = true\n')
    run = subprocess.run([str(binary), "run", str(scenario)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    with h5py.File(path, "r") as f:
        yield f


def test_the_required_meta_attributes_and_code_tables_exist(fresh):
    assert "schema_version" in fresh.attrs
    assert fresh.attrs["schema_version"] == io.SCHEMA_VERSION
    for name in io.REQUIRED_META:
        assert name in fresh["meta"].attrs, f"/meta {name}"
    for name in io.REQUIRED_CODES:
        assert isinstance(fresh.get(f"codes/{name}"), h5py.Dataset), f"/codes/{name}"
    for table in set(io.AGENT_CODE_FIELDS.values()) | set(io.DYAD_CODE_FIELDS.values()):
        assert isinstance(fresh.get(f"codes/{table}"), h5py.Dataset), f"/codes/{table}"


def test_the_timeseries_groups_and_their_fields_exist(fresh):
    assert isinstance(fresh.get("timeseries/step"), h5py.Dataset)
    assert isinstance(fresh.get("timeseries/n"), h5py.Dataset)
    for field in io.GROUP_FIELDS:
        assert field in fresh["groups"].dtype.names, f"/groups {field}"


def test_the_per_agent_network_and_dyad_names_exist(fresh):
    for path in ("agents/final", "replicates/1/agents/final"):
        for field in io.AGENT_CODE_FIELDS:
            assert isinstance(fresh.get(f"{path}/{field}"), h5py.Dataset), f"/{path}/{field}"
        for field in ("skills", "skills_initial", "id", "hired"):
            assert isinstance(fresh.get(f"{path}/{field}"), h5py.Dataset), f"/{path}/{field}"
    for path in ("network/final", "replicates/1/network/final"):
        for field in io.NETWORK_FIELDS:
            assert isinstance(fresh.get(f"{path}/{field}"), h5py.Dataset), f"/{path}/{field}"
    for field in set(io.DYAD_REQUIRED) | set(io.DYAD_CODE_FIELDS):
        assert isinstance(fresh.get(f"dyads/{field}"), h5py.Dataset), f"/dyads/{field}"


def test_the_coded_fields_name_the_tables_io_decodes_them_with(fresh):
    for field, table in io.AGENT_CODE_FIELDS.items():
        assert fresh[f"agents/final/{field}"].attrs["codes"] == f"/codes/{table}", field
    for field, table in io.DYAD_CODE_FIELDS.items():
        assert fresh[f"dyads/{field}"].attrs["codes"] == f"/codes/{table}", field


def test_the_outcome_breakdowns_and_the_labelled_metrics_exist(fresh):
    for _, (group, levels) in io.OUTCOME_BREAKDOWNS.items():
        assert isinstance(fresh.get(f"outcomes/{group}"), h5py.Group), f"/outcomes/{group}"
        for name in fresh[f"outcomes/{group}"]:
            assert fresh[f"outcomes/{group}/{name}"].shape[2] == levels
    timeseries = set(metrics._TIMESERIES) | set(metrics.DEFAULT_SERIES) | set(metrics.POOL_WEIGHT)
    timeseries |= set(metrics.POOL_WEIGHT.values())
    for name in timeseries:
        assert isinstance(fresh.get(f"timeseries/{name}"), h5py.Dataset), f"/timeseries/{name}"
    for name in set(metrics._OUTCOMES) | set(metrics.DEFAULT_FOREST_OUTCOMES):
        assert isinstance(fresh.get(f"outcomes/{name}"), h5py.Dataset), f"/outcomes/{name}"
    written = list(fresh["outcomes"])
    for name in metrics._OUTCOME_ORDER:
        if name.endswith("_"):  # a prefix: end_<reason>, skill_gain_<domain>
            assert any(w.startswith(name) for w in written), f"/outcomes/{name}*"
        else:
            assert isinstance(fresh.get(f"outcomes/{name}"), h5py.Dataset), f"/outcomes/{name}"
