"""The report: every section, self-contained HTML, Markdown, figures and tables; graceful with
missing parts; written atomically."""
import html as html_module
import re

import pandas as pd
import pytest

from mentorsim_analysis import load, report

SECTION_TITLES = ["Scenario", "Resolved parameters", "Provenance", "Summary tables per arm",
                  "Outcome time series by arm", "Skill gain by domain and role",
                  "Arms compared side by side", "Paired differences between arms",
                  "Equity: minority gap and network-isolation gradient",
                  "Subgroup effects by profession, career stage and institution",
                  "Bridging across institutions", "Why coverage differs: unmatched mentees by reason",
                  "Why dyads ended", "Collegial and mentoring network at the program's end",
                  "Network diagnostics", "Replicates and convergence",
                  "Patterns: published figures against the simulation", "Methods"]
SECTION_KEYS = ["scenario", "parameters", "provenance", "tables", "timeseries", "skill_gain",
                "comparison", "differences", "equity", "subgroups", "bridging", "unmatched",
                "end_reasons", "network", "network_diagnostics", "convergence", "patterns", "methods"]
FIGURES = ["timeseries", "timeseries_skills", "skill_gain", "comparison", "forest", "equity",
           "subgroups", "bridging", "unmatched", "end_reasons", "network", "network_diagnostics",
           "convergence", "patterns"]
FAST = dict(n_boot=300, dpi=60)


@pytest.fixture(scope="module")
def full_report(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports") / "full"
    report.build_report(load(files["full"]), out, report.Options(
        **FAST, outcomes=["coverage", "weeks_to_match", "retention"]))
    return out


def test_every_section_is_in_html_and_markdown(full_report):
    html = (full_report / "report.html").read_text()
    markdown = (full_report / "report.md").read_text()
    for title in SECTION_TITLES:
        assert f"<h2>{html_module.escape(title)}</h2>" in html
        assert f"## {title}" in markdown
    assert "Not available" not in html


def test_html_is_self_contained(full_report):
    html = (full_report / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == len(FIGURES)
    assert not re.search(r'(src|href)="(https?:|//|figures/)', html)
    assert "<link" not in html and "<script" not in html


def test_figures_and_tables_are_written(full_report):
    for name in FIGURES:
        assert (full_report / "figures" / f"{name}.png").stat().st_size > 0
        assert (full_report / "figures" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
    for name in ("summary_outcomes", "summary_final_week", "summary_agents", "paired_differences"):
        assert (full_report / "tables" / f"{name}.csv").exists()
        assert r"\toprule" in (full_report / "tables" / f"{name}.tex").read_text()
    diffs = pd.read_csv(full_report / "tables" / "paired_differences.csv")
    coverage = diffs[diffs.metric == "coverage"].iloc[0]
    assert coverage["comparison"] == "self_identified - assigned"     # ASCII in CSV
    assert coverage["estimate"] == pytest.approx((0.1 + 0.2 + 0.05) / 3)
    assert "](figures/forest.png)" in (full_report / "report.md").read_text()


def test_report_carries_scenario_parameters_and_provenance(full_report):
    html = (full_report / "report.html").read_text()
    assert "[run]\nweeks = 8" in html
    assert "&quot;weeks&quot;: 8" in html
    assert "abc1234" in html and "sha256" in html
    assert "fewer than 10 replicates" in html    # 3 replicates: the bootstrap caution is shown


def test_report_states_the_submodels_switched_off(files):
    results = load(files["full"])
    # Neither /meta disabled_submodels nor dynamics.disabled: every submodel ran.
    assert report.switched_off(results.meta) == []
    assert "none; every submodel ran" in " ".join(report.section_scenario(results).paragraphs)
    # A file written before the attribute existed: from resolved_json.
    results.meta["resolved"]["dynamics"] = {"disabled": ["culture"]}
    assert report.switched_off(results.meta) == ["culture"]
    # The attribute, as mentorsim writes it, in schedule order.
    results.meta["disabled_submodels"] = '["diffusion", "culture"]'
    assert report.switched_off(results.meta) == ["diffusion", "culture"]
    text = " ".join(report.section_scenario(results).paragraphs)
    assert "Ablation: submodels switched off" in text
    assert "<code>diffusion</code>, <code>culture</code>" in text
    table = report.provenance_table(results).set_index("attribute")["value"]
    assert table["disabled_submodels"] == '["diffusion", "culture"]'
    results.meta["disabled_submodels"] = "diffusion"
    with pytest.raises(report.AnalysisError, match="not a JSON array"):
        report.switched_off(results.meta)


def test_file_without_program_parts_says_so(files, tmp_path):
    out = tmp_path / "bare"
    report.build_report(load(files["bare"]), out, report.Options(**FAST))
    html = (out / "report.html").read_text()
    markdown = (out / "report.md").read_text()
    for title in SECTION_TITLES:
        assert f"<h2>{html_module.escape(title)}</h2>" in html and f"## {title}" in markdown
    assert "Not available: this file has no /dyads." in html
    assert "Not available: this file has no /outcomes" in html
    assert "Not available: this file has no /timeseries" in html
    assert (out / "figures" / "network.png").exists()
    assert (out / "figures" / "skill_gain.png").exists()


def test_single_arm_file_has_no_comparison_but_everything_else(files, tmp_path):
    out = tmp_path / "single"
    report.build_report(load(files["single"]), out, report.Options(**FAST, series=["satisfaction"]))
    html = (out / "report.html").read_text()
    # comparison, differences, subgroups and convergence
    assert html.count("this file has one arm (assigned)") == 4
    for name in ("timeseries", "skill_gain", "end_reasons", "network"):
        assert (out / "figures" / f"{name}.png").exists()
    assert not (out / "figures" / "forest.png").exists()


def test_compare_pairs_designs_with_the_same_seed(files, tmp_path):
    out, comparison = report.build_compare_report(
        [load(files["design_a"]), load(files["design_b"])], tmp_path / "cmp",
        report.Options(**FAST, outcomes=["coverage", "retention"], series=["satisfaction"]))
    assert comparison.paired and comparison.designs == ["assigned", "self_identified"]
    html = (out / "report.html").read_text()
    assert "Seeds match (seed 7)" in html
    assert "switched off (dynamics.disabled)" in html     # the designs table's column (none here)
    diffs = pd.read_csv(out / "tables" / "paired_differences.csv")
    coverage = diffs[diffs.metric == "coverage"].iloc[0]
    assert coverage["comparison"] == "self_identified - assigned" and coverage["paired"]
    assert coverage["estimate"] == pytest.approx((0.1 + 0.2 + 0.05) / 3)
    assert (out / "figures" / "comparison.png").exists() and (out / "figures" / "timeseries.png").exists()


def test_compare_says_when_seeds_differ(files, tmp_path):
    out, comparison = report.build_compare_report(
        [load(files["design_a"]), load(files["other_seed"])], tmp_path / "cmp",
        report.Options(**FAST, outcomes=["coverage"], series=["satisfaction"]))
    assert not comparison.paired
    html = (out / "report.html").read_text()
    assert "Seeds differ (assigned: 7, other_seed: 99): runs are NOT paired" in html
    assert not pd.read_csv(out / "tables" / "paired_differences.csv")["paired"].any()


def test_report_replaces_an_earlier_report_but_not_a_foreign_directory(files, tmp_path):
    out = tmp_path / "again"
    results = load(files["minimal"])
    report.build_report(results, out, report.Options(**FAST))
    report.build_report(results, out, report.Options(**FAST))
    assert (out / "report.html").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(report.AnalysisError, match="not empty and was not written by"):
        report.build_report(results, foreign, report.Options(**FAST))
    assert (foreign / "thesis.tex").read_text() == "keep me"


def test_error_while_writing_leaves_nothing(files, tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(report.tables, "write_table", fail)
    with pytest.raises(RuntimeError):
        report.build_report(load(files["minimal"]), tmp_path / "out", report.Options(**FAST))
    assert list(tmp_path.iterdir()) == []


def test_tables_name_units_keep_arm_order_and_drop_empty_rows(files):
    results = load(files["full"])
    options = report.Options(**FAST)
    sections = {s.key: s for s in report.build_sections(results, options)}
    by_name = {t.name: t for s in sections.values() for t in s.tables}
    for name in ("summary_outcomes", "summary_final_week", "summary_agents", "skill_gain",
                 "paired_differences", "equity", "subgroups", "bridging", "convergence"):
        columns = " ".join(by_name[name].display.columns)
        assert "unit" in columns, name
    outcomes = by_name["summary_outcomes"].display
    assert not (outcomes[results.arms] == "–").all(axis=1).any()       # no row empty everywhere
    assert list(by_name["summary_agents"].display.columns[2:]) == results.arms
    differences = by_name["paired_differences"].display
    assert {"standardised difference [CI]", "effect size", "replicate-level d_z"} <= set(differences.columns)


def test_contamination_warning_only_for_individual_randomisation_of_several_arms():
    from types import SimpleNamespace

    from mentorsim_analysis.report import contamination_warnings
    resolved = {"randomisation": {"method": "individual"},
                "arms": [{"name": "control"}, {"name": "reverse"}]}
    results = SimpleNamespace(meta={"resolved": resolved})
    warnings = contamination_warnings(results)
    assert len(warnings) == 1
    assert "individual randomisation" in warnings[0] and "psych_safety" in warnings[0]
    resolved["randomisation"]["method"] = "cluster"
    assert contamination_warnings(results) == []
    resolved["randomisation"]["method"] = "individual"
    resolved["arms"] = [{"name": "reverse"}]
    assert contamination_warnings(results) == []
