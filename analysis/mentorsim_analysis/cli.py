"""Command line: parse, call the library, report. Exit codes: 0 ok, 2 bad input, 3 output target
refused or I/O error while writing, 4 internal error (with a traceback: that is a bug), 128 + N
stopped by signal N (130 for Ctrl-C)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from pathlib import Path

from . import __version__

PROG = "mentorsim_analysis"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors like every other error of the command line."""

    def error(self, message: str):  # noqa: D401
        sys.stderr.write(f"{PROG}: error: {message} (see {self.prog} --help)\n")
        sys.exit(2)


class Interrupted(BaseException):
    """Raised in the main thread by SIGINT, SIGTERM or SIGHUP; not an Exception, so that no
    handler swallows it and every staging directory on the way out is removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _output_path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty output path")
    return Path(text)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _add_common(parser: argparse.ArgumentParser) -> None:
    from . import stats
    parser.add_argument("--series", type=_names, metavar="M1,M2",
                        help="/timeseries metrics to plot (default: retained, satisfaction, "
                             "intent_to_leave, in_mentoring, strength, cross_institution_ties)")
    parser.add_argument("--outcomes", type=_names, metavar="O1,O2",
                        help="/outcomes metrics for the paired differences (default: coverage, "
                             "weeks_to_match, failure_rate, satisfaction_change, retention, "
                             "strength_change, cross_institution_change, skill_gain_<domain>)")
    parser.add_argument("--bootstrap", type=int, default=stats.DEFAULT_BOOTSTRAP, metavar="B",
                        help="bootstrap resamples, 100 to 100000 (default %(default)s)")
    parser.add_argument("--seed", type=int, default=stats.DEFAULT_SEED,
                        help="seed of the bootstrap, the network sample and layout "
                             "(default %(default)s)")
    parser.add_argument("--level", type=float, default=0.95,
                        help="confidence level of intervals, between 0.5 and 0.999 "
                             "(default %(default)s)")
    parser.add_argument("--band", choices=("ci", "range"), default="ci",
                        help="time-series band: t CI of the mean (ci) or central range of the "
                             "replicates (range)")
    parser.add_argument("--network-sample", type=int, default=200, metavar="N",
                        help="agents in the network picture, 10 to 2000 (default %(default)s)")
    parser.add_argument("--dpi", type=int, default=300,
                        help="PNG resolution, 50 to 1200 (default %(default)s)")
    parser.add_argument("--style", choices=("single", "double"), default="double",
                        help="journal figure width: single column (85 mm) or double column "
                             "(175 mm, default); fonts are sized for print at that width")
    parser.add_argument("--panels", action="store_true",
                        help="also write every panel of a multi-panel figure on its own "
                             "(figures/panels/NAME_k.png, .pdf)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Figures, tables and reports from mentorsim results "
                                            "files.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)

    p = sub.add_parser("report", help="HTML + Markdown report with figures and tables")
    p.add_argument("results", type=Path, help="results file (HDF5)")
    p.add_argument("-o", "--output", type=_output_path, required=True, help="output directory")
    p.add_argument("--reference", help="reference arm for differences (default: none/control, "
                                       "else the first arm)")
    _add_common(p)

    p = sub.add_parser("figures", help="figures only (PNG + PDF)")
    p.add_argument("results", type=Path)
    p.add_argument("-o", "--output", type=_output_path, required=True)
    p.add_argument("--reference")
    _add_common(p)

    p = sub.add_parser("table", help="summary tables per arm (CSV + LaTeX); printed if no -o")
    p.add_argument("results", type=Path)
    p.add_argument("-o", "--output", type=_output_path)
    p.add_argument("--reference")
    _add_common(p)

    p = sub.add_parser("check", help="read every dataset of a results file (checksums "
                                     "included) and say what it holds")
    p.add_argument("results", type=Path, nargs="+", help="results files (HDF5)")

    p = sub.add_parser("compare", help="paired differences between designs run with the same seed")
    p.add_argument("results", type=Path, nargs="+", help="results files, the first is the reference")
    p.add_argument("-o", "--output", type=_output_path, required=True)
    p.add_argument("--labels", type=_names, metavar="A,B", help="design names (default: file names)")
    p.add_argument("--reference", help="reference design label (default: the first file)")
    _add_common(p)
    return parser


def _options(args: argparse.Namespace):
    from . import report
    return report.Options(series=args.series, outcomes=args.outcomes,
                          reference=args.reference, n_boot=args.bootstrap, seed=args.seed,
                          level=args.level, band=args.band, network_sample=args.network_sample,
                          dpi=args.dpi, labels=getattr(args, "labels", None), style=args.style,
                          panels=args.panels)


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def _print_tables(results, options) -> None:
    from . import report, tables
    report.validate(results, options)
    section = report.section_tables(results, options)
    for item in section.tables:
        print(item.caption)
        print(tables.to_markdown(item.display))
    for paragraph in section.paragraphs:
        print(report.plain_text(paragraph))


def _check(paths: list[Path]) -> int:
    from . import report, sweep
    from .io import SECTIONS, load
    for path in paths:
        kind = sweep.file_kind(path)
        if kind == "sweep":  # a file of `mentorsim sweep` or `merge`: read its design and every run
            s = sweep.load_sweep(path)
            s.runs()
            print(f"{path}: ok: sweep file, {s.meta.get('design')} design over {len(s.keys)} key(s), "
                  f"{len(s.design)} point(s), arms {', '.join(s.arms)}; outcomes {len(s.outcomes)}, "
                  f"time series {len(s.metrics)}")
            continue
        if kind == "calibration":
            from . import calibration
            c = calibration.load_calibration(path)
            print(f"{path}: ok: calibration file, {len(c.keys)} parameter(s), {len(c.patterns)} pattern(s), "
                  f"{len(c.stages)} stage(s), posterior of {len(c.weights)} particles")
            continue
        if kind == "power":
            p = sweep.load_power(path)
            print(f"{path}: ok: power file, outcome {p.settings.get('outcome')}, "
                  f"{len(p.table)} row(s) (sizes x analyses)")
            continue
        results = load(path)
        results.verify()
        present = [s for s in SECTIONS if results.has(s)]
        print(f"{path}: ok: schema version 1, mentorsim {results.meta['mentorsim_version']}, seed "
              f"{results.seed}, {results.replicates} replicate(s), arms {', '.join(results.arms)}; "
              f"holds {', '.join(present) or 'no data sections'}")
        off = report.switched_off(results.meta)
        if off:
            print(f"{path}: ablation: submodels switched off (dynamics.disabled): {', '.join(off)}")
        for warning in results.warnings:
            _warn(f"{path}: {warning}")
    return 0


def run(args: argparse.Namespace) -> int:
    from . import output, report, sweep
    from .io import load
    if args.command == "check":
        return _check(args.results)
    options = _options(args)
    report.validate_numbers(options)
    if getattr(args, "output", None) is not None:
        inputs = args.results if isinstance(args.results, list) else [args.results]
        output.check_target(args.output, inputs)
    if args.command == "compare":
        results = [load(path) for path in args.results]
        report.validate_compare(report.align(results, options.labels), options)
        for r in results:
            for warning in r.warnings:
                _warn(f"{r.path}: {warning}")
        out, comparison = report.build_compare_report(results, args.output, options,
                                                      warn=_warn)
        for note in comparison.notes:
            if note.startswith("seeds match"):
                print(note)
            else:
                _warn(note)
        print(f"wrote {out / 'report.html'} and {out / 'report.md'}")
        return 0
    if args.command == "report" and sweep.file_kind(args.results) != "run":
        out = sweep.build_report(args.results, args.output, dpi=options.dpi)  # a sweep or power file
        print(f"wrote {out / 'report.html'} and {out / 'report.md'}")
        return 0
    results = load(args.results)
    report.validate(results, options)
    for warning in results.warnings:
        _warn(f"{results.path}: {warning}")
    if args.command == "report":
        out = report.build_report(results, args.output, options, warn=_warn)
        print(f"wrote {out / 'report.html'} and {out / 'report.md'}")
    elif args.command == "figures":
        for skipped in report.write_figures(results, args.output, options, warn=_warn):
            print(f"left out: {skipped}")
        print(f"wrote figures to {args.output}")
    elif args.command == "table":
        if args.output is None:
            _print_tables(results, options)
        else:
            for path in report.write_tables(results, args.output, options, warn=_warn):
                print(f"wrote {path}")
    return 0


def _raise_interrupted(signum, frame):  # noqa: ARG001
    # A second signal while cleaning up after the first is ignored.
    for other in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .io import AnalysisError, OutputError
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, _raise_interrupted)
    except ValueError:  # not the main thread: leave signals alone
        previous = {}
    try:
        return run(args)
    except Interrupted as stop:
        name = signal.Signals(stop.signum).name
        print(f"{PROG}: interrupted by {name}; nothing was written", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early (`... | head`): stop quietly, like other tools
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 128 + signal.SIGPIPE
    except OutputError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 3
    except AnalysisError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        where = error.filename or getattr(args, "output", None) or "output"
        print(f"{PROG}: error: {where}: {error.strerror or error}", file=sys.stderr)
        return 3
    except Exception:  # a bug: keep the traceback for the report
        traceback.print_exc()
        print(f"{PROG}: internal error (please report it with the traceback above)",
              file=sys.stderr)
        return 4
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
