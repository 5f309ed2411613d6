"""The instructor's grading tool, ``svdcourse-grade``, built on nbgrader.

One module per concern:

- :mod:`~svdcourse_grade.course`: the course directory, its nbgrader configuration and
  the gradebook (SQLite by default, any SQLAlchemy URL such as PostgreSQL works);
- :mod:`~svdcourse_grade.collect`: import submissions exported by a learning platform;
- :mod:`~svdcourse_grade.repair`: read and repair a submitted notebook before grading;
- :mod:`~svdcourse_grade.sandbox`: the bubblewrap sandbox student code runs in, with limits;
- :mod:`~svdcourse_grade.sandbox_child`: the student's side, inside the sandbox;
- :mod:`~svdcourse_grade.plaindata`: the plain-data format (no pickle) between the two;
- :mod:`~svdcourse_grade.runner`: run a notebook: student cells in the sandbox, test cells
  outside it, verdicts from whether the test code raised;
- :mod:`~svdcourse_grade.worker`: grade one submission (in a trusted worker process);
- :mod:`~svdcourse_grade.autograde`: grade many submissions in parallel; the main process
  alone writes the gradebook and the results;
- :mod:`~svdcourse_grade.results`: the per-submission record (status, reasons, flags);
- :mod:`~svdcourse_grade.feedback`, :mod:`~svdcourse_grade.manual`,
  :mod:`~svdcourse_grade.export`, :mod:`~svdcourse_grade.report`: what comes after;
- :mod:`~svdcourse_grade.cli`: the command line.

This is a package of its own (``instructor/`` in the repository), never offered to students:
the student wheel ``svdcourse`` holds no grading code. nbgrader is imported only when a
grading function runs. Install it with ``pip install -e ./instructor`` (``make setup`` does).
"""

__all__: list[str] = []
