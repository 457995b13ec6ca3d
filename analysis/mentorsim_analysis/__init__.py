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

from .io import AnalysisError, Results, load  # noqa: E402

__all__ = ["AnalysisError", "Results", "load", "__version__"]
