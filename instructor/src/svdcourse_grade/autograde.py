"""Autograde many submissions in parallel, with reasons for every zero.

Long-lived worker processes (``spawn``) each import nbgrader once and then grade one
submission after another (:func:`.worker.grade_submission`); the parent process alone writes
the gradebook, with nbgrader's own ``SaveAutoGrades`` and ``AssignLatePenalties``
preprocessors, as each result arrives. A worker that dies is replaced and its submission
recorded as an error; nothing else is lost. Re-running grades again from the submitted
files and overwrites the same gradebook rows: the result is the same.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Iterable

from . import integrity, results
from .course import Course, python_env
from .worker import grade_submission, init_worker

__all__ = ["autograde", "record_result", "print_summary", "default_jobs"]


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


def autograde(
    course: Course,
    lab: str,
    students: Iterable[str] | None = None,
    jobs: int | None = None,
    cell_timeout: float = 60,
    notebook_timeout: float = 600,
    progress: bool = True,
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
        Worker processes (default: the number of cores).
    cell_timeout, notebook_timeout : float
        Time limits in seconds, per cell and per notebook.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    dict
        The record of each graded student (see :func:`.worker.grade_submission`).
    """
    course.prepare(lab)
    selected = sorted(set(students)) if students else course.students(lab)
    unknown = [s for s in selected if not (course.root / "submitted" / s / lab).is_dir()]
    if unknown:
        raise SystemExit(f"no submission of {lab} for: {', '.join(unknown)} "
                         f"(expected {course.root / 'submitted' / '<student>' / lab})")
    secret = integrity.new_secret()
    tasks = [{
        "lab": lab, "student": s,
        "submitted": str(course.root / "submitted" / s / lab),
        "autograded": str(course.root / "autograded" / s / lab),
        "source": str(course.solutions / lab),
        "released": str(course.released_notebook(lab)),
        "db_url": course.db_url, "secret": secret,
        "cell_timeout": float(cell_timeout), "notebook_timeout": float(notebook_timeout),
    } for s in selected]
    jobs = max(1, min(jobs or default_jobs(), len(tasks) or 1))
    store_path = course.results_path(lab)
    store = results.load(store_path)
    done: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    bar = _progress(len(tasks), progress)
    context = multiprocessing.get_context("spawn")
    pending = list(tasks)
    for attempt in range(2):
        if not pending:
            break
        broken = []
        with ProcessPoolExecutor(max_workers=min(jobs, len(pending)), mp_context=context,
                                 initializer=init_worker,
                                 initargs=(python_env(course.repo),)) as pool:
            futures = {pool.submit(grade_submission, task): task for task in pending}
            for future in as_completed(futures):
                task = futures[future]
                try:
                    record = future.result()
                except BrokenProcessPool:
                    broken.append(task)
                    continue
                except Exception as err:  # noqa: BLE001
                    record = _failed(task, f"the grader failed: {type(err).__name__}: {err}")
                _finish(course, lab, record, store, store_path, done, bar)
        pending = broken
    for task in pending:  # a worker died twice on these
        _finish(course, lab, _failed(task, "the grading worker process died on this submission"),
                store, store_path, done, bar)
    if bar is not None:
        bar.close()
    store.setdefault("runs", []).append({
        "time": time.strftime("%Y-%m-%d %H:%M:%S"), "students": len(tasks), "jobs": jobs,
        "seconds": round(time.perf_counter() - started, 2),
        "cell_timeout": cell_timeout, "notebook_timeout": notebook_timeout,
    })
    results.save(store_path, store)
    return done


def _failed(task: dict[str, Any], reason: str) -> dict[str, Any]:
    return {"student": task["student"], "lab": task["lab"], "status": "error", "reason": reason,
            "notes": [], "flags": [reason], "cells": {}, "notebook": None, "seconds": None}


def _finish(course, lab, record, store, store_path, done, bar) -> None:
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
