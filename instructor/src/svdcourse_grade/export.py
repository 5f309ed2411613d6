"""Grades as CSV: one row per student, with the reason behind every zero.

Two files in ``<course>/exports/``:

``<lab>_grades.csv``
    ``student``, one column per graded question (the points that count: a teaching
    assistant's score where one was given, else the autograder's), ``late_penalty``,
    ``total``, ``max``, ``status``, ``reason``, ``review`` (flags, ``;``-separated) and
    ``manual_grading`` (``complete`` or ``pending``). A broken file reads
    ``status=invalid notebook`` with its reason: it never looks like an honest zero.
``<lab>_lms.csv``
    what a learning platform imports: ``student``, ``score``, ``max``, ``comment`` (empty
    when graded normally and complete).

Text a student may have influenced (a reason quoting an error message) never starts a cell
with a spreadsheet formula: such a value is written behind a ``'``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from . import results
from .course import Course

__all__ = ["collect_rows", "export_grades"]


def collect_rows(course: Course, lab: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Per-student rows from the gradebook and the results file.

    Returns
    -------
    questions : list of str
        The graded cells' ids, in notebook order.
    rows : list of dict
    """
    records = results.load(course.results_path(lab)).get("students", {})
    rows: list[dict[str, Any]] = []
    questions: list[str] = []
    with course.gradebook() as gb:
        assignment = gb.find_assignment(lab)
        for notebook in assignment.notebooks:
            questions.extend(cell.name for cell in notebook.grade_cells)
        for submission in sorted(gb.assignment_submissions(lab), key=lambda s: s.student.id):
            student = submission.student.id
            record = records.get(student, {})
            row: dict[str, Any] = {"student": student}
            pending = False
            penalty = 0.0
            for notebook in submission.notebooks:
                penalty += float(notebook.late_submission_penalty or 0.0)
                for grade in notebook.grades:
                    score = grade.score
                    if grade.needs_manual_grade or score is None:
                        pending = True
                    row[grade.name] = "" if score is None else float(score)
            maximum = float(sum(float(g.max_score) for n in submission.notebooks for g in n.grades))
            total = float(submission.score or 0.0)
            row.update({
                "late_penalty": penalty,
                "total": total,
                "max": maximum,
                "status": record.get("status", "graded outside svdcourse-grade"),
                "reason": record.get("reason", ""),
                "review": "; ".join(record.get("flags", [])),
                "manual_grading": "pending" if pending else "complete",
            })
            rows.append(row)
    return questions, rows


def export_grades(course: Course, lab: str) -> tuple[Path, Path]:
    """Write ``exports/<lab>_grades.csv`` and ``exports/<lab>_lms.csv``; return their paths."""
    questions, rows = collect_rows(course, lab)
    folder = course.root / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    full = folder / f"{lab}_grades.csv"
    columns = ["student", *questions, "late_penalty", "total", "max", "status", "reason",
               "review", "manual_grading"]
    with full.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _fmt(row.get(k, "")) for k in columns})
    lms = folder / f"{lab}_lms.csv"
    with lms.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "score", "max", "comment"])
        for row in rows:
            comment = []
            if row["status"] not in ("graded",):
                comment.append(f"{row['status']}: {row['reason']}".rstrip(": "))
            elif row["reason"]:
                comment.append(row["reason"])
            if row["manual_grading"] == "pending":
                comment.append("written answers not graded yet")
            writer.writerow([_fmt(row["student"]), _fmt(row["total"]), _fmt(row["max"]),
                             _fmt("; ".join(comment))])
    return full, lms


def _fmt(value: Any) -> Any:
    """Numbers without a trailing ``.0``; text that a spreadsheet would run as a formula
    (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) behind a ``'``.

    Examples
    --------
    >>> _fmt(3.0), _fmt(2.5), _fmt("x"), _fmt("=1+1")
    ('3', '2.5', 'x', "'=1+1")
    """
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
