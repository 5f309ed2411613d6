"""The per-submission records of a lab: status, reason, flags, per-cell points.

nbgrader's gradebook holds the points; it has no place for *why* a submission scored zero
or *why* it needs a second look. Those live next to it, in ``<course>/results/<lab>.json``,
written by the parent process only, one submission at a time (atomic replace), so an
interrupted run loses nothing already graded.

Each student's record also says how its code ran: ``"sandbox": "bubblewrap"``, or
``"none"`` when the instructor opted out with ``--no-sandbox``; the run's entry in
``runs`` then holds a ``warning`` to show.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["load", "save", "summary_rows", "format_table", "STATUSES"]

#: every status a submission can end with, and what it means
STATUSES = {
    "graded": "graded normally (tests that failed score 0 with the test's message)",
    "missing notebook": "no notebook in the submission: 0 points",
    "invalid notebook": "the file is not a readable notebook: 0 points",
    "kernel died": "the student's Python process stopped (e.g. os._exit): later tests score 0",
    "time limit": "the whole-notebook time limit stopped it: later tests score 0",
    "error": "the grader itself failed on this submission: 0 points, look at it",
}


def load(path: str | os.PathLike) -> dict[str, Any]:
    """Read a results file (an empty one when it does not exist yet)."""
    path = Path(path)
    if not path.is_file():
        return {"students": {}, "runs": []}
    return json.loads(path.read_text())


def save(path: str | os.PathLike, data: dict[str, Any]) -> None:
    """Write a results file atomically (a crash never leaves half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.replace(tmp, path)


def summary_rows(records: dict[str, dict]) -> list[dict[str, Any]]:
    """One row per student: total, max, status, reason, flags (sorted by student).

    Examples
    --------
    >>> rows = summary_rows({"ada": {"status": "graded", "reason": "", "flags": [],
    ...     "cells": {"t": {"score": 3.0, "max": 3.0, "reason": "", "manual": False}}}})
    >>> rows[0]["total"], rows[0]["max"], rows[0]["status"]
    (3.0, 3.0, 'graded')
    """
    rows = []
    for student in sorted(records):
        r = records[student]
        cells = r.get("cells", {})
        rows.append({
            "student": student,
            "total": float(sum((c.get("score") or 0.0) for c in cells.values())),
            "max": float(sum(c.get("max", 0.0) for c in cells.values())),
            "status": r.get("status", "?"),
            "reason": r.get("reason", ""),
            "flags": list(r.get("flags", [])),
            "manual_pending": any(c.get("score") is None for c in cells.values()),
            "seconds": r.get("seconds"),
        })
    return rows


def format_table(headers: list[str], rows: list[list[Any]], max_width: int = 60) -> str:
    """A plain-text table for the terminal.

    Examples
    --------
    >>> print(format_table(["student", "total"], [["ada", 10], ["bob", 3.5]]))
    student  total
    -------  -----
    ada      10
    bob      3.5
    """
    def text(value: Any) -> str:
        if isinstance(value, float):
            value = f"{value:g}"
        value = str(value)
        return value if len(value) <= max_width else value[: max_width - 3] + "..."

    cells = [[text(h) for h in headers]] + [[text(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
