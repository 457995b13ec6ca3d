"""The real binary on a tiny scenario, then the report built from its file."""
import html as html_module
import subprocess
from pathlib import Path

import pytest

from mentorsim_analysis import load, report
from test_report import SECTION_TITLES
from conftest import mentorsim_binary

REPO = Path(__file__).resolve().parents[2]



def test_report_from_the_real_binary(tmp_path):
    binary = mentorsim_binary()
    if binary is None or not binary.exists():
        pytest.skip("no mentorsim binary (set MENTORSIM_BINARY or build build/dev or build/release)")
    results_path = tmp_path / "tiny.h5"
    scenario = tmp_path / "tiny.toml"
    # Two arms, so every section of the report (comparison panel, forest plot) has data.
    scenario.write_text("[run]\nweeks = 12\nreplicates = 2\n\n[population]\nsize = 300\n\n"
                        "[[arms]]\nname = \"control\"\nkind = \"none\"\n\n"
                        "[[arms]]\nname = \"reverse\"\nkind = \"reverse\"\nstart_week = 1\n\n"
                        f'[output]\npath = "{results_path}"\n')
    run = subprocess.run([str(binary), "run", str(scenario)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    results = load(results_path)
    assert results.meta["replicates"] == 2
    # The 300 initial staff, plus the hires who replaced leavers.
    agents = results.agents
    assert agents is not None and len(agents[(agents.replicate == 0) & (agents.hired == 0)]) == 300
    for section in ("timeseries", "dyads", "outcomes"):
        assert results.has(section), section
    out = tmp_path / "report"
    report.build_report(results, out, report.Options(n_boot=200, dpi=60))
    html = (out / "report.html").read_text()
    markdown = (out / "report.md").read_text()
    for title in SECTION_TITLES:
        assert f"<h2>{html_module.escape(title)}</h2>" in html and f"## {title}" in markdown
    assert (out / "figures" / "network.png").exists()
    for section in ("timeseries", "dyads", "outcomes"):
        if not results.has(section):
            assert results.missing_reason(section) in html
