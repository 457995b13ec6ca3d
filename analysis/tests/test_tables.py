"""Number style, labels and the LaTeX, Markdown and CSV writers (issue 18, items 4, 7, 8, 13, 14,
15, 16)."""
import re

import numpy as np
import pandas as pd
import pytest

from mentorsim_analysis import metrics, report, tables


@pytest.mark.parametrize("mean, low, high, expected", [
    (-0.000123, -0.000150, -0.000090, "−0.000123 [−0.000150, −0.000090]"),   # not −0.000
    (0.00903, 0.00872, 0.00959, "0.00903 [0.00872, 0.00959]"),            # not 0.009 [0.009, 0.009]
    (50.02, 23.82, 76.22, "50 [24, 76]"),
    (0.0398, 0.0383, 0.0414, "0.0398 [0.0383, 0.0414]"),
    (1188.3, 1010.1, 1366.7, "1,188 [1,010, 1,367]"),
    (0.4, np.nan, np.nan, "0.400"),
    (np.nan, np.nan, np.nan, "–"),
])
def test_intervals_show_two_significant_figures_of_their_width(mean, low, high, expected):
    assert tables.interval(mean, low, high) == expected


def test_numbers_counts_and_zero():
    assert tables.number(-0.0000001, 3) == "0.000"            # rounds to zero: no minus sign
    assert tables.number(77.3215) == "77.3" and tables.number(0.000123) == "0.000123"
    assert tables.count(10859) == "10,859" and tables.count(6015) == "6,015"
    assert tables.number(np.int64(6015)) == "6,015"


def test_labels_say_what_they_count():
    assert metrics.outcome_info("failure_rate").unit == "% of all dyads"
    assert metrics.outcome_info("end_leaving").unit == "% of all dyads"
    assert metrics.outcome_info("satisfaction_change").label == (
        "Satisfaction change, participants (mentors and mentees)")
    assert metrics.outcome_info("satisfaction_change_assigned").label == (
        "Satisfaction change, mentees whose first dyad was assigned")
    assert metrics.display_name("self_identified") == "self-identified"
    assert metrics.display_name("assigned_random") == "assigned (random)"


def test_latex_uses_booktabs_and_siunitx_columns_aligned_on_the_decimal_point():
    frame = pd.DataFrame({"outcome": ["Coverage", "Retention", "Quality, self-identified"],
                          "unit": ["%", "% of initial staff", "0–1"],
                          "control": ["–", "77.5 [74.7, 80.4]", "–"],
                          "reverse": ["49.8 [44.5, 55.0]", "78.8 [75.7, 82.0]", "−0.031 [−0.05, 0.01]"],
                          "agents": ["1,188", "2,050", "12"]})
    tex = tables.to_latex(frame, "Outcomes & more", "tab:x")
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    # Scaled down only when wider than the text or taller than 80 % of the page (graphicx).
    assert r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%" in tex
    assert r"\ifdim\totalheight>0.8\textheight 0.8\textheight\else\totalheight\fi" in tex
    spec = re.search(r"\\begin\{tabular\}\{(.*)\}\n", tex).group(1)
    assert spec.count("S[table-format=") == 3 + 3 + 1
    assert "S[table-format=-2.3]" in spec and "S[table-format=4.0]" in spec
    assert r"\multicolumn{3}{c}{control}" in tex and r"\cmidrule(lr){3-5}" in tex
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    assert len(body) == 3
    # 9 columns per row; a missing interval is one dash across its three, without brackets.
    assert all(line.count("&") + 1 + 2 * line.count(r"\multicolumn{3}") == 9 for line in body)
    assert body[0] == (r"Coverage & \% & \multicolumn{3}{c}{--} & 49.8 & 44.5{\rlap{,}} & "
                       r"55.0{\rlap{]}} & 1188 \\")
    assert body[2].endswith(r"& -0.031 & -0.05{\rlap{,}} & 0.01{\rlap{]}} & 12 \\")
    assert "1,188" not in tex                                          # siunitx groups digits
    assert "−" not in tex and "–" not in tex                            # ASCII in LaTeX
    # The heading rows span the bracket separators, so no bracket is drawn there.
    assert r"\multicolumn{1}{c@{\ }}{mean} & \multicolumn{2}{c}{interval}" in tex
    assert r"Outcomes \& more" in tex
    assert "NaN" not in tex


def test_latex_preamble_is_documented():
    docs = (report.Path(__file__).resolve().parents[2] / "docs" / "analysis.md").read_text()
    for line in tables.LATEX_PREAMBLE.splitlines():
        assert line in docs


def test_csv_is_ascii(tmp_path):
    raw = pd.DataFrame({"comparison": ["b − a"], "estimate": [-0.5]})
    tables.write_table(raw, raw, tmp_path, "t", "caption")
    assert (tmp_path / "t.csv").read_text() == "comparison,estimate\nb - a,-0.5\n"


def test_parameter_differences_are_key_paths(files):
    from mentorsim_analysis import load
    a, b = load(files["design_a"]), load(files["design_b"])
    a.meta["resolved"] = {"arms": [{"name": "x", "uptake": 0.5}, {"name": "y", "visibility": 0.05}],
                          "run": {"weeks": 8}}
    b.meta["resolved"] = {"arms": [{"name": "x", "uptake": 0.5}, {"name": "y", "visibility": 0.5}],
                          "run": {"weeks": 8}}
    table = report.parameter_differences([a, b], ["A", "B"])
    assert table.to_dict("records") == [{"parameter": "arms.1.visibility", "A": "0.05", "B": "0.5"}]


def test_provenance_marks_unprofiled_stages_and_missing_build_information(files):
    from mentorsim_analysis import load
    results = load(files["full"])
    table = report.provenance_table(results).set_index("attribute")["value"]
    assert table["build (compiler, flags, build type)"] == "not recorded by this mentorsim version"
    assert table["seed"] == "7"                                  # digits, not "7" with commas
    results.meta["stage_seconds"] = '{"calendar": 0, "meetings": 0}'
    results.meta["compiler"] = "GCC 12.2.0"
    results.meta["build_type"] = "Release"
    table = report.provenance_table(results).set_index("attribute")["value"]
    assert table["stage_seconds"].startswith("not profiled")
    assert table["compiler"] == "GCC 12.2.0" and table["build_type"] == "Release"
    assert "build (compiler, flags, build type)" not in table
    results.meta["stage_seconds"] = '{"calendar": 0.5, "meetings": 1.25}'
    table = report.provenance_table(results).set_index("attribute")["value"]
    assert table["stage_seconds"] == "calendar 0.500 s, meetings 1.25 s"


def test_latex_headings_longer_than_their_column_take_two_lines():
    frame = pd.DataFrame({"effect size": ["Cohen's h"], "replicate pairs": ["3"],
                          "replicate-level d_z": ["1.5"], "reference": ["77.8"]})
    head = tables.to_latex(frame).split(r"\toprule")[1].split(r"\midrule")[0].strip()
    # "effect size" (11 characters) is longer than "Cohen's h" (9); "reference" has no space.
    assert head == (r"\begin{tabular}[b]{@{}c@{}}effect\\size\end{tabular} & {\begin{tabular}[b]{@{}c@{}}replicate\\pairs\end{tabular}} & "
                    r"{\begin{tabular}[b]{@{}c@{}}replicate-level\\d\_\allowbreak{}z\end{tabular}} & "
                    r"{reference} \\")
