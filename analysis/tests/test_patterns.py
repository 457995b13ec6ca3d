"""The Patterns section: /patterns read as written by `mentorsim patterns`, its figure and table."""
import subprocess

import numpy as np
import pytest

from figure_checks import layout_problems
from fixture_file import PATTERNS
from conftest import REPO, mentorsim_binary
from mentorsim_analysis import figures, load, report


def test_patterns_are_read_with_their_replicate_values(full):
    table = full.patterns
    assert list(table["id"]) == [p["id"] for p in PATTERNS]
    assert list(table["verdict"]) == ["pass", "miss", "pass", "not computable"]
    assert table.loc[0, "values"] == [0.6, 0.62, 0.64]
    assert table.loc[3, "values"] == []
    assert table.loc[0, "mean"] == pytest.approx(0.62)
    assert table.loc[0, "reproduced"] and not table.loc[1, "reproduced"]
    assert np.isinf(table.loc[2, "target_high"])


def test_a_file_without_patterns_says_how_to_add_them(files):
    results = load(files["bare"])
    assert results.patterns is None
    section = report.section_patterns(results, report.Options(n_boot=100, dpi=60))
    assert section.unavailable == "this file has no /patterns (add it with `mentorsim patterns bare.h5`)"
    assert not section.figures


def test_figure_has_a_panel_per_computed_pattern_titled_by_verdict(full):
    fig = figures.plot_patterns(full.patterns)
    axes = fig.get_axes()
    titles = [ax.get_title() for ax in axes]
    assert len(axes) == 3                                   # P14 is not computable: no panel
    assert titles[0].startswith("P1b") and titles[0].endswith("pass")
    assert titles[1].startswith("P5") and titles[1].endswith("miss")
    assert axes[1].title.get_color() == figures.MISS_COLOR
    # The miss panel shows the target line at 0.3 and the mean 0.9 beyond target + tolerance.
    left, right = axes[1].get_xlim()
    assert left < 0.1 and right > 0.95
    assert layout_problems(fig, "patterns") == []


def test_section_table_marks_misses_and_not_computable(full):
    section = report.section_patterns(full, report.Options(n_boot=100, dpi=60))
    assert [f.name for f in section.figures] == ["patterns"]
    display = section.tables[0].display
    assert list(display["verdict"]) == ["pass", "miss", "pass",
                                        "not computable yet: needs informal mentoring"]
    assert display.loc[0, "target"] == "0.540 to 0.671 ± 0.100"
    assert display.loc[2, "target"] == "> 0"
    assert display.loc[0, "achieved [95% CI]"].endswith("(R = 3)")
    assert "2 pass, 1 miss, 1 not computable" in section.paragraphs[0]


def test_the_binary_writes_what_the_report_reads(tmp_path):
    binary = mentorsim_binary()
    if binary is None or not binary.exists():
        pytest.skip("no mentorsim binary (set MENTORSIM_BINARY or build build/dev or build/release)")
    scenario = tmp_path / "s.toml"
    scenario.write_text("[run]\nseed = 3\nweeks = 8\nreplicates = 2\n[population]\nsize = 400\n"
                        "[[arms]]\nname = \"control\"\nkind = \"none\"\n"
                        "[[arms]]\nname = \"reverse\"\nkind = \"reverse\"\nstart_week = 1\n")
    out = tmp_path / "r.h5"
    run = subprocess.run([str(binary), "patterns", str(scenario), "-o", str(out), "--threads", "2",
                          "--patterns", str(REPO / "calibration/patterns.toml")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    table = load(out).patterns
    assert "P5" in set(table["id"]) and "P14" in set(table["id"])
    assert set(table["verdict"]) <= {"pass", "miss", "not computable"}
    computed = table[table["verdict"] != "not computable"]
    assert len(computed) > 0
    assert all(len(v) == r for v, r in zip(computed["values"], computed["replicates"]))
    assert (tmp_path / "r.patterns.csv").exists()
