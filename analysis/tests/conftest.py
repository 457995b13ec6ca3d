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
