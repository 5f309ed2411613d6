"""Grade one submission: what a trusted worker process does.

:func:`grade_submission` reads the submission, repairs it (:mod:`.repair`), runs nbgrader's
sanitising preprocessors (``ClearOutput``, ``OverwriteKernelspec``, ``OverwriteCells``,
which restores the instructor's setup and test cells, hidden tests included, and
``CheckCellMetadata``), runs it with :func:`.runner.run_notebook` (student cells in the
sandbox, test cells here) and returns a plain record holding the autograded notebook. It
never writes the gradebook, the results or any file: the main process alone does
(:mod:`.autograde`).

:func:`serve` is the worker process's loop. It keeps a sandbox started ahead, so the next
submission's sandbox starts while the current one is graded.

Every failure is caught and becomes a status with a reason: one broken submission never
stops the others.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path
from typing import Any

from .repair import InvalidNotebook, read_submission, repair

__all__ = ["grade_submission", "locate_notebook", "serve", "skip_slow_format_checks",
           "submission_files"]

#: the most bytes of other files (data, pictures) put in the sandbox with a notebook
MAX_FILES_BYTES = 50 * 2**20


def skip_slow_format_checks() -> None:
    """Spare about 2.5 s of start-up: keep jsonschema from importing ``rfc3987_syntax``.

    jsonschema imports it (if installed) only to check the ``iri`` formats, which no notebook
    or nbgrader schema uses; a ``None`` entry in ``sys.modules`` makes that optional import
    fail at once, the documented way to block an import. Without effect once it is imported.
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _quiet() -> None:
    import logging

    for name in ("traitlets", "nbgrader", "OverwriteCells", "CheckCellMetadata"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def locate_notebook(folder: Path, notebook_id: str) -> tuple[Path | None, str | None]:
    """The submitted notebook in ``folder``: ``<notebook_id>.ipynb``, or else the only notebook.

    Returns
    -------
    path : Path or None
        None when there is no notebook to grade.
    note : str or None
        Set when a notebook under another name was used ("renamed notebook ...").

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> locate_notebook(folder, "lab01")
    (None, None)
    >>> _ = (folder / "lab01 (1).ipynb").write_text("{}")
    >>> locate_notebook(folder, "lab01")[1]
    "renamed notebook: graded 'lab01 (1).ipynb' in place of 'lab01.ipynb'"
    """
    expected = folder / f"{notebook_id}.ipynb"
    if expected.is_file() and not expected.is_symlink():
        return expected, None
    others = sorted(p for p in folder.glob("*.ipynb")
                    if not p.name.startswith(".") and p.is_file() and not p.is_symlink())
    if len(others) == 1:
        return others[0], (f"renamed notebook: graded '{others[0].name}' in place of "
                           f"'{expected.name}'")
    return None, None


def submission_files(*folders: Path) -> tuple[dict[str, bytes], list[str]]:
    """The files put next to the notebook in the sandbox: regular files, no notebooks, no
    hidden files, no symbolic links; a later folder's file replaces an earlier one's.

    Returns
    -------
    files : dict
        ``{relative path: content}``.
    notes : list of str
        Files left out, and why.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "data.csv").write_text("1,2")
    >>> _ = (folder / "lab.ipynb").write_text("{}")
    >>> submission_files(folder)
    ({'data.csv': b'1,2'}, [])
    """
    files: dict[str, bytes] = {}
    notes: list[str] = []
    total = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if path.is_symlink():
                notes.append(f"left out {rel}: a symbolic link")
                continue
            if not path.is_file() or path.suffix == ".ipynb" or rel.name == "timestamp.txt" \
                    or any(part.startswith(".") for part in rel.parts):
                continue
            size = path.stat().st_size
            if total + size > MAX_FILES_BYTES:
                notes.append(f"left out {rel}: more than {MAX_FILES_BYTES // 2**20} MiB of files")
                continue
            total += size
            files[str(rel)] = path.read_bytes()
    return files, notes


_SETUP: dict[str, tuple[float, dict]] = {}


def _trusted_setup(source: Path) -> dict:
    """The lab's setup namespace, made once per worker (again when the notebook changes)."""
    import nbformat

    from .runner import trusted_setup

    stamp = source.stat().st_mtime
    if str(source) not in _SETUP or _SETUP[str(source)][0] != stamp:
        _SETUP[str(source)] = (stamp, trusted_setup(nbformat.read(source, as_version=4)))
    return _SETUP[str(source)][1]


def grade_submission(task: dict[str, Any], start=None) -> dict[str, Any]:
    """Grade one submission; never raises.

    Parameters
    ----------
    task : dict
        ``lab``, ``student``, ``submitted`` (folder), ``source`` (the instructor's
        notebook), ``released`` (the student version's path), ``db_url``,
        ``cell_timeout``, ``notebook_timeout`` (seconds), ``limits`` (a
        :class:`.sandbox.Limits` as a dict) and ``site`` (:func:`.sandbox.student_site`).
    start : callable, optional
        Returns a started :class:`.sandbox.Sandbox` (default: start a new one).

    Returns
    -------
    dict
        ``student``, ``status`` (``graded``, ``missing notebook``, ``invalid notebook``,
        ``kernel died``, ``time limit``, ``error``), ``reason``, ``notes``, ``flags``,
        ``cells`` (per graded cell: ``score``, ``max``, ``reason``), ``sandbox``,
        ``notebook_json`` (the autograded notebook, or None) and ``seconds``.
    """
    from .sandbox import Limits

    begin = time.perf_counter()
    limits = Limits(**task["limits"])
    result: dict[str, Any] = {
        "student": task["student"], "lab": task["lab"], "status": "graded", "reason": "",
        "notes": [], "flags": [], "cells": {}, "notebook_json": None,
        "sandbox": "bubblewrap" if limits.sandbox else "none",
    }
    try:
        _grade(task, result, limits, start)
    except Exception as err:  # noqa: BLE001  (one broken submission never stops the others)
        result["status"] = "error"
        result["reason"] = f"the grader failed on this submission: {type(err).__name__}: {err}"
        result["notes"].append(traceback.format_exc(limit=6))
        result["notebook_json"] = None
    result["seconds"] = round(time.perf_counter() - begin, 3)
    return result


def _error_summary(cell) -> str | None:
    """``Name: first line of the message`` of the first error in a code cell's output."""
    from .runner import GRADER_ENAME

    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = str(output.get("evalue", "")).strip().splitlines()
            if output.get("ename") == GRADER_ENAME:
                return value[0] if value else ""
            return f"{output.get('ename')}: {value[0] if value else ''}".strip().rstrip(":")
    return None


def _grade(task: dict[str, Any], result: dict[str, Any], limits, start) -> None:
    import nbformat
    from nbgrader import utils
    from nbgrader.preprocessors import (
        CheckCellMetadata, ClearOutput, OverwriteCells, OverwriteKernelspec,
    )

    from .runner import run_notebook
    from .sandbox import Sandbox

    lab, student = task["lab"], task["student"]
    submitted = Path(task["submitted"])
    path, note = locate_notebook(submitted, lab)
    if path is None:
        found = sorted(p.name for p in submitted.glob("*.ipynb")) if submitted.is_dir() else []
        result["status"] = "missing notebook"
        result["reason"] = (f"missing notebook: no {lab}.ipynb in the submission"
                            + (f" (found {', '.join(found)})" if found else ""))
        return
    if note:
        result["notes"].append(note)
        result["flags"].append(note)
    try:
        nb = read_submission(path)
    except InvalidNotebook as err:
        result["status"] = "invalid notebook"
        result["reason"] = f"invalid notebook file: {err}"
        return

    released = nbformat.read(task["released"], as_version=4)
    result["notes"].extend(repair(nb, released))
    resources = {
        "unique_key": lab, "output_files_dir": f"{lab}_files",
        "metadata": {"path": str(submitted)},
        "nbgrader": {"student": student, "assignment": lab, "notebook": lab,
                     "db_url": task["db_url"]},
    }
    _quiet()
    for pp in (ClearOutput(), OverwriteKernelspec(), OverwriteCells(), CheckCellMetadata()):
        nb, resources = pp.preprocess(nb, resources)

    files, left_out = submission_files(submitted, Path(task["released"]).parent)
    result["notes"].extend(left_out)
    run = run_notebook(nb, _trusted_setup(Path(task["source"])),
                       start or (lambda: Sandbox(limits, Path(task["site"]))), files,
                       float(task["cell_timeout"]), float(task["notebook_timeout"]))
    result["notes"].extend(run.notes)
    result["flags"].extend(run.flags)
    if run.status != "graded":
        result["status"], result["reason"] = run.status, run.reason

    for cell in nb.cells:  # scores, as nbgrader's SaveAutoGrades will record them
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        score, max_score = utils.determine_grade(cell)
        if score is None:
            reason = "needs manual grading"
        elif cell.cell_type != "code":
            reason = "no response"
        elif score < max_score:
            reason = _error_summary(cell) or "no points"
        else:
            reason = ""
        result["cells"][meta["grade_id"]] = {"score": score, "max": max_score, "reason": reason,
                                             "manual": cell.cell_type != "code"}
    result["notebook_json"] = nbformat.writes(nb)


def serve(connection, env: dict[str, str] | None = None) -> None:
    """The worker process: grade each task received on ``connection``, send back its record.

    A sandbox is started ahead for the next task as soon as one is sent back, so its start
    overlaps the parent's bookkeeping. ``None`` ends the loop.
    """
    skip_slow_format_checks()
    if env:
        os.environ.update(env)
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    _quiet()
    import nbformat  # noqa: F401  (paid once per worker)
    import nbgrader.preprocessors  # noqa: F401

    from .sandbox import Limits, Sandbox

    spare = None
    try:
        while True:
            task = connection.recv()
            if task is None:
                return
            limits, site = Limits(**task["limits"]), Path(task["site"])

            def start(limits=limits, site=site):
                nonlocal spare
                if spare is not None and spare.alive() and spare.limits == limits:
                    box, spare = spare, None
                    return box
                return Sandbox(limits, site)

            record = grade_submission(task, start)
            connection.send(record)
            if spare is None:
                try:
                    spare = Sandbox(limits, site)
                except Exception:  # noqa: BLE001  (reported when the next task needs one)
                    spare = None
    except (EOFError, KeyboardInterrupt):
        return
    finally:
        if spare is not None:
            spare.close()
