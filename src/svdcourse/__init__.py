"""Helpers for the course *Six and a Half Intuitions for the SVD*.

The package is organised one module per concern:

- :mod:`svdcourse.plotting` draws linear maps, ellipses and spectra, in a
  colour-blind-safe style that stays readable in dark mode;
- :mod:`svdcourse.images` loads the bundled photograph and converts images;
- :mod:`svdcourse.explorables` makes kernel-free explorables for static pages (a 2x2
  SVD explorer and a rank-by-rank image rebuilder);
- :mod:`svdcourse.datasets` generates the synthetic data sets of the chapters;
- :mod:`svdcourse.conjugations` holds the Spanish conjugation tables and the
  synthetic corpus of the capstone lab;
- :mod:`svdcourse.checks` holds the SVD-aware comparisons the lab tests use,
  with messages that name the likely mistake;
- :mod:`svdcourse.labs` holds what every lab notebook needs at the top
  (the version check).

Nothing here answers a graded lab question: the labs ask you to write those
few lines of numpy yourself.

Examples
--------
>>> import svdcourse
>>> svdcourse.__version__
'0.1.0'
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
