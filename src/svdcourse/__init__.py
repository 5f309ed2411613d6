"""Helpers for the course *Six and a Half Intuitions for the SVD*.

The package is organised one module per concern:

- :mod:`svdcourse.plotting` draws linear maps, ellipses and spectra;
- :mod:`svdcourse.checks` holds the SVD-aware comparisons the lab tests use,
  with messages that name the likely mistake;
- :mod:`svdcourse.labs` holds what every lab notebook needs at the top
  (the version check).

Nothing here answers a graded lab question: the labs ask you to write those
few lines of numpy yourself.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
