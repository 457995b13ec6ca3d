"""Command line: one-line errors on stderr, exit code 2 and nothing written on bad input."""
import subprocess
import sys
from pathlib import Path


from fixture_file import write_results
from mentorsim_analysis import cli

ANALYSIS = Path(__file__).resolve().parents[1]


def _fails_cleanly(argv, capsys, out_dir, message):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mentorsim_analysis: error: ")
    assert message in lines[0]
    assert not out_dir.exists()
    assert not [p for p in out_dir.parent.iterdir() if p.name.startswith(f".{out_dir.name}.")]


def test_not_hdf5(tmp_path, capsys):
    bad = tmp_path / "results.h5"
    bad.write_text("hello")
    _fails_cleanly(["report", str(bad), "-o", str(tmp_path / "out")], capsys, tmp_path / "out",
                   "not an HDF5 file")


def test_other_schema_version(tmp_path, capsys):
    path = write_results(tmp_path / "v2.h5", schema_version=2)
    _fails_cleanly(["report", str(path), "-o", str(tmp_path / "out")], capsys, tmp_path / "out",
                   "schema_version 2 is not supported")


def test_missing_dataset(tmp_path, capsys):
    path = write_results(tmp_path / "broken.h5", drop=["timeseries/n"])
    _fails_cleanly(["figures", str(path), "-o", str(tmp_path / "out")], capsys, tmp_path / "out",
                   "missing dataset /timeseries/n")


def test_unknown_outcome_lists_the_known_ones(files, tmp_path, capsys):
    _fails_cleanly(["report", str(files["full"]), "-o", str(tmp_path / "out"), "--outcomes",
                    "coverage,happiness"], capsys, tmp_path / "out",
                   "unknown outcome 'happiness'; available: ")


def test_unknown_series_and_arm(files, tmp_path, capsys):
    _fails_cleanly(["table", str(files["full"]), "-o", str(tmp_path / "out"), "--series", "mood"],
                   capsys, tmp_path / "out", "unknown timeseries metric 'mood'")
    _fails_cleanly(["report", str(files["full"]), "-o", str(tmp_path / "out"), "--reference",
                    "control"], capsys, tmp_path / "out", "unknown arm 'control'; available: assigned")


def test_outcome_asked_of_a_file_without_outcomes(files, tmp_path, capsys):
    _fails_cleanly(["report", str(files["bare"]), "-o", str(tmp_path / "out"), "--outcomes",
                    "coverage"], capsys, tmp_path / "out", "no outcomes in this file")


def test_compare_with_unmatched_arms(files, tmp_path, capsys):
    _fails_cleanly(["compare", str(files["full"]), str(files["single"]), "-o", str(tmp_path / "out")],
                   capsys, tmp_path / "out", "cannot match arms between designs")


def test_table_prints_without_output_directory(files, capsys):
    assert cli.main(["table", str(files["full"]), "--bootstrap", "100"]) == 0
    out = capsys.readouterr().out
    assert "| outcome | unit | assigned | self_identified |" in out
    assert "| Coverage | % of eligible mentees matched |" in out


def test_table_writes_csv_and_latex(files, tmp_path, capsys):
    assert cli.main(["table", str(files["full"]), "-o", str(tmp_path / "t"), "--bootstrap", "100"]) == 0
    names = {p.name for p in (tmp_path / "t" / "tables").iterdir()}
    assert {"summary_outcomes.csv", "summary_outcomes.tex", "paired_differences.csv"} <= names


def test_compare_warns_when_seeds_differ(files, tmp_path, capsys):
    code = cli.main(["compare", str(files["minimal"]), str(files["minimal_other_seed"]), "-o",
                     str(tmp_path / "cmp")])
    assert code == 0
    captured = capsys.readouterr()
    assert "mentorsim_analysis: warning: seeds differ (minimal: 7, minimal_seed_99: 99)" in captured.err
    assert "wrote" in captured.out and (tmp_path / "cmp" / "report.html").exists()


def test_module_entry_point_exits_2_on_bad_input(tmp_path):
    bad = tmp_path / "x.h5"
    bad.write_bytes(b"\x00" * 16)
    run = subprocess.run([sys.executable, "-m", "mentorsim_analysis", "report", str(bad), "-o",
                          str(tmp_path / "out")], cwd=ANALYSIS, capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip() == f"mentorsim_analysis: error: {bad}: not an HDF5 file"
    assert not (tmp_path / "out").exists()
