"""The instructor's grading tool, ``svdcourse-grade``, built on nbgrader.

One module per concern:

- :mod:`~svdcourse.grading.course`: the course directory, its nbgrader configuration and
  the gradebook (SQLite by default, any SQLAlchemy URL such as PostgreSQL works);
- :mod:`~svdcourse.grading.collect`: import submissions exported by a learning platform;
- :mod:`~svdcourse.grading.repair`: read and repair a submitted notebook before grading;
- :mod:`~svdcourse.grading.integrity`: defences against code that cheats the tests;
- :mod:`~svdcourse.grading.worker`: grade one submission (runs in a worker process);
- :mod:`~svdcourse.grading.autograde`: grade many submissions in parallel;
- :mod:`~svdcourse.grading.results`: the per-submission record (status, reasons, flags);
- :mod:`~svdcourse.grading.feedback`, :mod:`~svdcourse.grading.manual`,
  :mod:`~svdcourse.grading.export`, :mod:`~svdcourse.grading.report`: what comes after;
- :mod:`~svdcourse.grading.cli`: the command line.

nbgrader is imported only inside this subpackage, and only when a grading function runs:
``import svdcourse`` (what students install) never needs it. Install it with the
``grading`` extra: ``pip install "svdcourse[grading]"``.
"""

__all__: list[str] = []
