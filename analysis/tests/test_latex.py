"""The report's LaTeX tables compile with pdflatex in a document with only the documented preamble
(tables.LATEX_PREAMBLE, docs/analysis.md), fit the text block, and print awkward text as written
(issue 18, item 15). scripts/lib.sh installs pdflatex (texlive) and pdftoppm/pdftotext (poppler):
without them these tests fail, they do not skip."""
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from mentorsim_analysis import load, report, tables

# The text block of the test document: A4 with 30 mm side margins, no page numbers, so every mark
# on a page belongs to a table and must lie between the margins.
PAGE_MM, MARGIN_MM, DPI = 210.0, 30.0, 100


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: scripts/lib.sh installs it "
                    "(bash -c 'source scripts/lib.sh; install_missing_packages')")
    return path


def compile_tables(table_files, directory: Path) -> tuple[str, Path]:
    """A minimal document that \\input's each table on a page of its own, compiled with pdflatex;
    returns the log and the PDF."""
    directory.mkdir(parents=True, exist_ok=True)
    inputs = []
    for k, path in enumerate(table_files):
        shutil.copy(path, directory / f"t{k}.tex")
        inputs.append(f"\\input{{t{k}}}\n\\clearpage\n")
    (directory / "doc.tex").write_text(
        "\\documentclass{article}\n"
        f"\\usepackage[a4paper,hmargin={MARGIN_MM}mm,vmargin=25mm]{{geometry}}\n"
        f"{tables.LATEX_PREAMBLE}\n\\pagestyle{{empty}}\n\\begin{{document}}\n"
        + "".join(inputs) + "\\end{document}\n", encoding="utf-8")
    run = subprocess.run([_tool("pdflatex"), "-halt-on-error", "-interaction=nonstopmode",
                          "doc.tex"], cwd=directory, capture_output=True, text=True, timeout=300)
    log = (directory / "doc.log").read_text(errors="replace") if (directory / "doc.log").exists() else ""
    assert run.returncode == 0, run.stdout[-3000:]
    pdf = directory / "doc.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    return log, pdf


def check_fits(log: str, pdf: Path, n_tables: int) -> None:
    """One page per table, nothing wider than the text block, no float taller than a page, and
    every page's marks between the side margins."""
    pages = re.search(r"Output written on doc\.pdf \((\d+) pages?", log)
    assert pages and int(pages.group(1)) == n_tables, log[-2000:]
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull \\hbox.*\n.*", log)[:3]
    assert "Float too large" not in log
    subprocess.run([_tool("pdftoppm"), "-r", str(DPI), "-gray", "-png", str(pdf),
                    str(pdf.with_suffix(""))], check=True, timeout=300)
    images = sorted(pdf.parent.glob("doc-*.png"))
    assert len(images) == n_tables
    px = DPI / 25.4
    left, right = MARGIN_MM * px, (PAGE_MM - MARGIN_MM) * px
    for image in images:
        ink = np.nonzero((matplotlib.image.imread(image)[..., 0] < 0.8).any(axis=0))[0]
        assert ink.size > 0, f"{image.name} is blank"
        assert ink.min() >= left - 2 and ink.max() <= right + 2, (image.name, ink.min(), ink.max())


def report_tables(directory: Path) -> list[Path]:
    found = sorted((directory / "tables").glob("*.tex"))
    assert found, f"no tables in {directory}"
    return found


def test_every_table_of_the_fixture_report_compiles(files, tmp_path):
    out = tmp_path / "report"
    # The report's sections, their tables written as the report writes them (figures not saved).
    sections = report.build_sections(load(files["full"]), report.Options(n_boot=100, dpi=50))
    plt.close("all")
    report.save_sections(sections, out, 50, write_figures=False)
    found = report_tables(out)
    assert len(found) == sum(len(section.tables) for section in sections)
    # Every table section of the report is there (the names the report writes).
    assert {"summary_outcomes.tex", "summary_agents.tex", "paired_differences.tex",
            "provenance.tex", "equity.tex", "subgroups.tex"} <= {p.name for p in found}
    log, pdf = compile_tables(found, tmp_path / "latex")
    check_fits(log, pdf, len(found))


@pytest.mark.parametrize("name", ["baseline", "assigned_vs_self", "compare"])
def test_every_table_of_the_real_reports_compiles(real_reports, tmp_path, name):
    """The reports of real runs (800 staff, 3 replicates; conftest.real_reports)."""
    directory, _ = real_reports[name]
    found = report_tables(directory)
    log, pdf = compile_tables(found, tmp_path / "latex")
    check_fits(log, pdf, len(found))


AWKWARD = pd.DataFrame({
    "outcome_name & 50% share": ["coverage_rate (% of #eligible) & more", "", "x^2 ~ {y} \\ z",
                                 "a <b> | c $5", "Δ skill ≥ 0.1 ± 0.02 → κ, Ω, ≫, ✓, é, ß, ½",
                                 "an exceedingly long label that goes on and on to describe "
                                 "one outcome for every subgroup of staff in three institutions",
                                 "/work/results/a_very_long_path_without_any_spaces/baseline_"
                                 "replicate_0123456789abcdef.h5"],
    "unit": ["%", "−", "per 1,000 staff", "0–1", "", "weeks", "–"],
    "estimate": ["−0.031", "–", "1,188", "0.000123", "−12,345.6", "50", "7"],
    "difference [CI]": ["−0.031 [−0.050, −0.012]", "–", "12.5 [−3.1, 28.1]",
                        "−1,234 [−2,000, −500]", "0.00903 [0.00872, 0.00959]", "–",
                        "1 [0, 2]"],
    "mean (SD)": ["−4.5 (1.2)", "0.33 (0.01)", "–", "10 (3)", "1,000 (250)", "0 (0)", "–"],
    "raw": [np.nan, -0.5, float("inf"), -1e-9, 12345.678, 0.0, -7.25],
})


def test_awkward_text_and_numbers_compile_and_print_as_written(tmp_path):
    tables.write_table(AWKWARD, AWKWARD, tmp_path, "awkward", "Caption with 5% & under_score, "
                       "#1, $2 and ~{x}^2")
    tex = (tmp_path / "awkward.tex").read_text(encoding="utf-8")
    assert not re.search(r"\b(nan|inf)\b", tex, re.IGNORECASE)    # missing values print as --
    log, pdf = compile_tables([tmp_path / "awkward.tex"], tmp_path / "latex")
    check_fits(log, pdf, 1)
    text = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    # Spaces removed: siunitx groups digits with thin spaces (12 345.6) and wrapped cells break
    # lines; pdftotext drops OT1's underscore (a rule), so no test string has one.
    # NFKC: pdftotext gives Omega as the ohm sign and é as e + combining accent.
    flat = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))
    for shown in ("Captionwith5%&under", "#1,$2and", "{y}", "a<b>|c$5", "50%share",
                  "#eligible)&more", "per1,000staff", "−0.031[−0.050,−0.012]", "−12345.6", "1188",
                  "0.00903[0.00872,0.00959]", "−4.5(1.2)", "−7.25", "∆skill≥0.1±0.02",
                  "→κ,Ω,?,?,é,ß,½"):
        assert unicodedata.normalize("NFKC", shown) in flat, shown
    assert "¡" not in flat and "¿" not in flat      # OT1's glyphs for unescaped < and >


def test_the_documented_paper_snippet_compiles(files, tmp_path):
    """docs/analysis.md: the `table` command's output, the paper and the pdflatex command as the
    page shows them."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "analysis.md").read_text()
    section = docs[docs.index("### LaTeX tables in a paper"):docs.index("## Statistics")]
    preamble = re.search(r"```latex\n(\\usepackage.*?)```", section, re.S).group(1)
    assert preamble.strip() == tables.LATEX_PREAMBLE
    paper = re.search(r"```latex\n(\\documentclass.*?)```", section, re.S).group(1)
    assert tables.LATEX_PREAMBLE in paper
    command = re.search(r"```sh\n(cd reports && pdflatex .*?)\n```", section, re.S).group(1)
    reports = tmp_path / "reports"
    run = subprocess.run([sys.executable, "-m", "mentorsim_analysis", "table", str(files["full"]),
                          "-o", str(reports / "tabs"), "--bootstrap", "100"],
                         cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    (reports / "paper.tex").write_text(paper, encoding="utf-8")
    _tool("pdflatex")
    run = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    log = (reports / "paper.log").read_text(errors="replace")
    assert "Output written on paper.pdf" in log and "undefined" not in log.lower()
    text = subprocess.run([_tool("pdftotext"), str(reports / "paper.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Table 1 gives the outcomes per arm." in text
