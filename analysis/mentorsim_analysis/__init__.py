"""mentorsim_analysis: read mentorsim results files (HDF5, schema version 1) and make the figures,
tables and report of a run or of several designs compared under common random numbers.

Notebook use::

    from mentorsim_analysis import load
    results = load("results.h5")
    results.timeseries      # tidy frame, codes decoded
    results.meta["resolved"]

Command line: ``/usr/bin/python3 -m mentorsim_analysis --help``.
"""
__version__ = "0.1.0"

__all__ = ["AnalysisError", "Results", "load", "__version__"]


def __getattr__(name: str):
    # Imported on first use, so that `python -m mentorsim_analysis` can fork its supervising
    # process (mentorsim_analysis.supervise) before numpy and h5py are loaded.
    if name in ("AnalysisError", "Results", "load"):
        from . import io
        return getattr(io, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
