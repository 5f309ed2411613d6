"""Autograde many submissions in parallel, with reasons for every zero.

The main process starts ``jobs`` trusted worker processes (``spawn``; each imports nbgrader
once) and hands each one submission at a time (:func:`.worker.serve`). A worker runs the
student's code in a sandbox (:mod:`.sandbox`) and the tests itself (:mod:`.runner`), and
sends back a record with the autograded notebook. The main process alone writes: the
autograded notebook, the gradebook (nbgrader's ``SaveAutoGrades`` and
``AssignLatePenalties``) and the results file, as each record arrives.

The main process also keeps its own clock: a worker that has not answered within the
notebook time limit (plus a margin) is killed with its sandbox, that submission alone is
recorded as ``time limit``, and a new worker takes the next one; a worker that dies costs
only its own submission. The run always ends. Re-running grades again from the submitted
files and overwrites the same gradebook rows: the result is the same.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Iterable

from . import results
from .course import Course
from .sandbox import MISSING_BWRAP, Limits, bwrap_path, student_site
from .worker import serve

__all__ = ["autograde", "record_result", "print_summary", "default_jobs", "NO_SANDBOX_WARNING"]

#: seconds the main process waits beyond the notebook time limit before killing a worker
MARGIN = 30
NO_SANDBOX_WARNING = ("WARNING: --no-sandbox: student code ran without isolation. It could "
                      "read the hidden tests and solutions, other submissions and the "
                      "gradebook, and write wherever the grading user can. Verdicts were "
                      "still decided outside it. Never use this for untrusted submissions.")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="submission", file=sys.stderr, dynamic_ncols=True)


def _worker_env() -> dict[str, str]:
    """Environment of the worker processes: the venv's tools (nbgrader runs ``alembic``)."""
    path = os.pathsep.join(filter(None, [str(Path(sys.executable).parent),
                                         os.environ.get("PATH")]))
    return {"PATH": path, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


class _Slot:
    """One worker process and the task it is grading."""

    def __init__(self, context) -> None:
        self.parent, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, _worker_env()), daemon=True)
        self.process.start()
        child.close()
        self.task: dict | None = None
        self.since = 0.0

    def give(self, task: dict) -> None:
        self.task, self.since = task, time.monotonic()
        self.parent.send(task)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.parent.send(None)
            except OSError:
                pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=10)
        self.parent.close()


def autograde(
    course: Course,
    lab: str,
    students: Iterable[str] | None = None,
    jobs: int | None = None,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    progress: bool = True,
    limits: Limits | None = None,
    wheel: str | os.PathLike | None = None,
) -> dict[str, dict[str, Any]]:
    """Grade the submissions of ``lab`` (all, or the ``students`` given) in parallel.

    Parameters
    ----------
    course : Course
    lab : str
        The lab id, e.g. ``"lab01_rotations"``.
    students : iterable of str, optional
        Only these students (default: every ``submitted/<student>/<lab>/`` folder).
    jobs : int, optional
        Submissions graded at once (default: the number of cores).
    cell_timeout, notebook_timeout : float
        Time limits in seconds, per cell and per notebook.
    progress : bool
        Show a progress bar on stderr.
    limits : Limits, optional
        The sandbox's resource limits (default: :class:`.sandbox.Limits()`).
        ``Limits(sandbox=False)`` runs student code without isolation, with a warning.
    wheel : path, optional
        The student wheel to grade with (default: built from the repository).

    Returns
    -------
    dict
        The record of each graded student (see :func:`.worker.grade_submission`).
    """
    limits = limits or Limits()
    if limits.sandbox and bwrap_path() is None:
        raise SystemExit(MISSING_BWRAP)
    if not limits.sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    course.prepare(lab)
    selected = sorted(set(students)) if students else course.students(lab)
    unknown = [s for s in selected if not (course.root / "submitted" / s / lab).is_dir()]
    if unknown:
        raise SystemExit(f"no submission of {lab} for: {', '.join(unknown)} "
                         f"(expected {course.root / 'submitted' / '<student>' / lab})")
    site = student_site(course.repo, course.root / "sandbox", Path(wheel) if wheel else None)
    tasks = [{
        "lab": lab, "student": s,
        "submitted": str(course.root / "submitted" / s / lab),
        "source": str(course.source_notebook(lab)),
        "released": str(course.released_notebook(lab)),
        "db_url": course.db_url, "site": str(site), "limits": limits.as_dict(),
        "cell_timeout": float(cell_timeout), "notebook_timeout": float(notebook_timeout),
    } for s in selected]
    jobs = max(1, min(jobs or default_jobs(), len(tasks) or 1))
    store_path = course.results_path(lab)
    store = results.load(store_path)
    done: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    bar = _progress(len(tasks), progress)
    context = multiprocessing.get_context("spawn")
    pending = list(reversed(tasks))
    slots = [_Slot(context) for _ in range(jobs)]
    allowed = notebook_timeout + MARGIN
    try:
        while pending or any(slot.task for slot in slots):
            for slot in slots:
                if slot.task is None and pending:
                    slot.give(pending.pop())
            busy = [slot for slot in slots if slot.task is not None]
            now = time.monotonic()
            first_deadline = min(slot.since + allowed for slot in busy)
            ready = wait([s.parent for s in busy] + [s.process.sentinel for s in busy],
                         timeout=max(0.0, first_deadline - now))
            for index, slot in enumerate(slots):
                if slot.task is None:
                    continue
                record = None
                if slot.parent in ready:
                    try:
                        record = slot.parent.recv()
                    except (EOFError, OSError):
                        record = None
                if record is None and (slot.parent in ready or slot.process.sentinel in ready):
                    record = _failed(slot.task, "error", "the grading worker process died on "
                                     "this submission")
                    slot.stop(kill=True)
                    slots[index] = slot = _Slot(context)
                elif record is None and time.monotonic() >= slot.since + allowed:
                    record = _failed(slot.task, "time limit", f"time limit: grading took "
                                     f"longer than {allowed:g} s and was stopped")
                    slot.stop(kill=True)
                    slots[index] = slot = _Slot(context)
                if record is not None:
                    _finish(course, lab, record, store, store_path, done, bar)
                    slot.task = None
    finally:
        for slot in slots:
            slot.stop()
    if bar is not None:
        bar.close()
    run = {
        "time": time.strftime("%Y-%m-%d %H:%M:%S"), "students": len(tasks), "jobs": jobs,
        "seconds": round(time.perf_counter() - started, 2),
        "cell_timeout": cell_timeout, "notebook_timeout": notebook_timeout,
        "sandbox": "bubblewrap" if limits.sandbox else "none", "limits": limits.as_dict(),
    }
    if not limits.sandbox:
        run["warning"] = NO_SANDBOX_WARNING
    store.setdefault("runs", []).append(run)
    results.save(store_path, store)
    return done


def _failed(task: dict[str, Any], status: str, reason: str) -> dict[str, Any]:
    sandbox = "bubblewrap" if task["limits"]["sandbox"] else "none"
    return {"student": task["student"], "lab": task["lab"], "status": status, "reason": reason,
            "notes": [], "flags": [reason], "cells": {}, "notebook_json": None,
            "seconds": None, "sandbox": sandbox}


def _write_autograded(course: Course, lab: str, record: dict[str, Any]) -> None:
    """The autograded folder: the student's other files, the lab's own, the graded notebook."""
    from .worker import submission_files

    student = record["student"]
    dest = course.root / "autograded" / student / lab
    if dest.exists():
        shutil.rmtree(dest)
    text = record.pop("notebook_json", None)
    record["notebook"] = None
    if text is None:
        return
    files, _ = submission_files(course.root / "submitted" / student / lab,
                                course.released_notebook(lab).parent)
    for name, data in files.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    dest.mkdir(parents=True, exist_ok=True)
    notebook = dest / f"{lab}.ipynb"
    notebook.write_text(text)
    record["notebook"] = str(notebook)


def _finish(course, lab, record, store, store_path, done, bar) -> None:
    _write_autograded(course, lab, record)
    record = record_result(course, lab, record)
    store.setdefault("students", {})[record["student"]] = record
    results.save(store_path, store)
    done[record["student"]] = record
    if bar is not None:
        bar.update(1)
        bar.set_postfix_str(f"{record['student']}: {record['status']}", refresh=False)


def record_result(course: Course, lab: str, record: dict[str, Any]) -> dict[str, Any]:
    """Write one graded submission into the gradebook (parent process only).

    A graded notebook goes through nbgrader's ``SaveAutoGrades`` and
    ``AssignLatePenalties``; a submission without one (missing, invalid, grader error) gets
    0 on every graded cell, manual ones included, as nbgrader does for a missing notebook.
    """
    import warnings

    import nbformat
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy's autoflush notes
    warnings.filterwarnings("ignore", message=".*not in session.*")

    student = record["student"]
    coursedir = course.coursedir()
    timestamp = coursedir.get_existing_timestamp(str(course.root / "submitted" / student / lab))
    with course.gradebook() as gb:
        gb.update_or_create_student(student)
        if timestamp:
            gb.update_or_create_submission(lab, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(lab, student)
    resources = {"nbgrader": {"student": student, "assignment": lab, "notebook": lab,
                              "db_url": course.db_url}}
    if record.get("notebook"):
        nb = nbformat.read(record["notebook"], as_version=4)
        for pp in (SaveAutoGrades(), AssignLatePenalties()):
            pp.log.setLevel("ERROR")
            nb, resources = pp.preprocess(nb, resources)
        return record
    stale = course.root / "autograded" / student / lab
    if stale.exists():
        shutil.rmtree(stale)
    with course.gradebook() as gb:
        notebook = gb.find_submission_notebook(lab, lab, student)
        for grade in notebook.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
            record["cells"][grade.name] = {
                "score": 0.0, "max": float(grade.max_score), "reason": record["reason"],
                "manual": grade.cell.cell_type != "code"}
        gb.db.commit()
    return record


def print_summary(records: dict[str, dict[str, Any]], seconds: float | None = None,
                  file=None) -> None:
    """The table printed at the end of ``svdcourse-grade autograde``."""
    file = file or sys.stdout
    rows = results.summary_rows(records)
    table = [[r["student"], f"{r['total']:g}/{r['max']:g}", r["status"],
              r["reason"] or ("; ".join(r["flags"][:1]) if r["flags"] else ""),
              "yes" if r["flags"] else "", "pending" if r["manual_pending"] else ""]
             for r in rows]
    print(results.format_table(["student", "points", "status", "reason", "review", "manual"],
                               table), file=file)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    flagged = sum(1 for r in rows if r["flags"])
    line = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"\n{len(rows)} submissions: {line}; {flagged} flagged for review"
          + (f"; {seconds:.1f} s" if seconds is not None else ""), file=file)
