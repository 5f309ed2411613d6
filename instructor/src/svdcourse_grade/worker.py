"""Grade one submission: what a worker process does, with nbgrader's preprocessors.

:func:`grade_submission` reads the submission, repairs it (:mod:`.repair`), runs nbgrader's
sanitising preprocessors (``ClearOutput``, ``OverwriteKernelspec``, ``OverwriteCells``,
``CheckCellMetadata``), adds the integrity checks (:mod:`.integrity`), executes it with
nbgrader's ``Execute`` preprocessor under a per-cell time limit and a whole-notebook time
limit, checks the proofs of execution and snapshots, runs ``LimitOutput``, writes the
autograded notebook and returns a plain record. It never writes the gradebook: the parent
process alone does (:mod:`.autograde`), so SQLite and PostgreSQL behave the same.

Every failure is caught and becomes a status with a reason: one broken submission never
stops the others.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from . import integrity
from .repair import InvalidNotebook, read_submission, repair

__all__ = ["grade_submission", "locate_notebook", "init_worker", "TIMEOUT_ENAME"]

TIMEOUT_ENAME = "CellTimeoutError"
CHECK_ENAME = "GradingCheckFailed"
#: characters of output kept per cell (beyond that, output is dropped with a note)
MAX_OUTPUT_CHARS = 200_000


def skip_slow_format_checks() -> None:
    """Spare about 2.5 s of start-up: keep jsonschema from importing ``rfc3987_syntax``.

    jsonschema imports it (if installed) only to check the ``iri`` formats, which no notebook
    or nbgrader schema uses; a ``None`` entry in ``sys.modules`` makes that optional import
    fail at once, the documented way to block an import. Without effect once it is imported.
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def init_worker(env: dict[str, str] | None = None) -> None:
    """Pay the import cost once per worker process and keep nbgrader quiet."""
    import logging

    skip_slow_format_checks()

    if env:
        os.environ.update(env)
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    for name in ("traitlets", "nbgrader", "nbclient", "Execute", "OverwriteCells"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    import nbformat  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401
    from nbgrader.api import Gradebook  # noqa: F401
    _execute_class()


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
    if expected.is_file():
        return expected, None
    others = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if len(others) == 1:
        return others[0], (f"renamed notebook: graded '{others[0].name}' in place of "
                           f"'{expected.name}'")
    return None, None


def _execute_class():
    """nbgrader's ``Execute`` preprocessor, with an output cap and a kernel kill switch."""
    global _EXECUTE
    if "_EXECUTE" in globals():
        return _EXECUTE
    from nbgrader.preprocessors import Execute

    class LimitedExecute(Execute):
        """``Execute`` that caps each cell's output and can have its kernel killed."""

        max_output_chars = MAX_OUTPUT_CHARS

        async def _async_handle_timeout(self, timeout, cell=None):
            # remember which cells hit the per-cell limit (the kernel reports the
            # interruption as a KeyboardInterrupt, indistinguishable otherwise)
            if cell is not None:
                self.timed_out = getattr(self, "timed_out", set()) | {cell.get("id")}
            return await super()._async_handle_timeout(timeout, cell)

        def output(self, outs, msg, display_id, cell_index):
            out = super().output(outs, msg, display_id, cell_index)
            if out is None or not outs:
                return out
            size = sum(len(str(o.get("text", ""))) + len(str(o.get("data", ""))) for o in outs)
            if size > self.max_output_chars:
                last = outs[-1]
                text = str(last.get("text", ""))
                keep = "".join(line for line in text.splitlines(True) if line.startswith("<<svdcourse-"))
                if last.get("output_type") == "stream" and keep:
                    last["text"] = keep
                else:
                    outs.pop()
                if not getattr(self, "_truncated", set()).__contains__(cell_index):
                    self._truncated = getattr(self, "_truncated", set()) | {cell_index}
                    from nbformat.v4 import new_output

                    outs.append(new_output("stream", name="stdout", text=(
                        f"... output truncated by the grader after {self.max_output_chars} "
                        "characters ...\n")))
            return out

        def kill_kernel(self) -> bool:
            """Kill the running kernel process (the whole-notebook time limit)."""
            km = getattr(self, "km", None)
            process = getattr(getattr(km, "provisioner", None), "process", None)
            pid = getattr(process, "pid", None)
            if pid is None:
                return False
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                return False
            return True

    _EXECUTE = LimitedExecute
    return _EXECUTE


def _error_summary(cell) -> str | None:
    """``Name: first line of the message`` of the first error in a code cell's output
    (the grader's own verdict first, then the test's error, then stderr)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and output.get("ename") == CHECK_ENAME:
            return str(output.get("evalue", ""))
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = str(output.get("evalue", "")).strip().splitlines()
            return f"{output.get('ename')}: {value[0] if value else ''}".strip().rstrip(":")
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            text = str(output.get("text", "")).strip().splitlines()
            return "wrote to stderr: " + (text[-1][:200] if text else "")
    return None


def _zero(cell, reason: str) -> None:
    """Make a test cell score 0 in nbgrader's eyes: an error output saying why."""
    from nbformat.v4 import new_output

    cell.outputs.append(new_output("error", ename=CHECK_ENAME, evalue=reason,
                                   traceback=[f"{CHECK_ENAME}: {reason}"]))


def _copy_files(source: Path, dest: Path, skip: set[str]) -> None:
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if path.is_dir() or rel.parts[0] in skip or path.suffix == ".ipynb" \
                or any(p.startswith(".") for p in rel.parts):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def grade_submission(task: dict[str, Any]) -> dict[str, Any]:
    """Grade one submission; never raises.

    Parameters
    ----------
    task : dict
        ``lab``, ``student``, ``submitted`` (folder), ``autograded`` (folder), ``source``
        (the lab's source folder), ``released`` (the student version's path), ``db_url``,
        ``secret``, ``cell_timeout``, ``notebook_timeout`` (seconds).

    Returns
    -------
    dict
        ``student``, ``status`` (``graded``, ``missing notebook``, ``invalid notebook``,
        ``kernel died``, ``time limit``, ``error``), ``reason``, ``notes``, ``flags``,
        ``cells`` (per graded cell: ``score``, ``max``, ``reason``), ``notebook`` (the
        autograded file, or None) and ``seconds``.
    """
    start = time.perf_counter()
    result: dict[str, Any] = {
        "student": task["student"], "lab": task["lab"], "status": "graded", "reason": "",
        "notes": [], "flags": [], "cells": {}, "notebook": None,
    }
    try:
        _grade(task, result)
    except Exception as err:  # noqa: BLE001  (one broken submission never stops the others)
        result["status"] = "error"
        result["reason"] = f"the grader failed on this submission: {type(err).__name__}: {err}"
        result["notes"].append(traceback.format_exc(limit=6))
        result["notebook"] = None
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


def _grade(task: dict[str, Any], result: dict[str, Any]) -> None:
    import nbformat
    from nbgrader import utils
    from nbgrader.preprocessors import (
        CheckCellMetadata, ClearOutput, LimitOutput, OverwriteCells, OverwriteKernelspec,
    )

    lab, student = task["lab"], task["student"]
    submitted, dest = Path(task["submitted"]), Path(task["autograded"])
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

    # the autograded folder: the student's other files, then the lab's own (as nbgrader does)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    _copy_files(submitted, dest, skip=set())
    _copy_files(Path(task["source"]), dest, skip=set())

    resources = {
        "unique_key": lab, "output_files_dir": f"{lab}_files",
        "metadata": {"path": str(dest)},
        "nbgrader": {"student": student, "assignment": lab, "notebook": lab,
                     "db_url": task["db_url"]},
    }
    for pp in (ClearOutput(), OverwriteKernelspec(), OverwriteCells(), CheckCellMetadata()):
        nb, resources = pp.preprocess(nb, resources)

    # the static scan: student code only
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("locked"):
            where = meta.get("grade_id") or f"cell {cell.get('id', '?')}"
            for what in integrity.scan(cell.source):
                result["flags"].append(f"review: code {what} ({where})")

    # integrity: the preamble first, a suffix on every autograded test cell
    originals = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            originals[meta["grade_id"]] = cell.source
            cell.source = cell.source + integrity.test_suffix(task["secret"], student,
                                                              meta["grade_id"])
    preamble = nbformat.v4.new_code_cell(integrity.preamble_source())
    preamble.metadata[integrity.PREAMBLE_TAG] = "preamble"
    nb.cells.insert(0, preamble)

    # execute, with the whole-notebook limit as a kill switch
    Execute = _execute_class()
    executor = Execute(timeout=int(task["cell_timeout"]), interrupt_on_timeout=True,
                       extra_arguments=["--HistoryManager.hist_file=:memory:",
                                        "--IPKernelApp.log_level=ERROR"],
                       kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"))
    executor.log.setLevel("CRITICAL")
    killed = threading.Event()

    def kill() -> None:
        if executor.kill_kernel():
            killed.set()

    timer = threading.Timer(float(task["notebook_timeout"]), kill)
    timer.daemon = True
    crash = None
    timer.start()
    try:
        nb, resources = executor.preprocess(nb, resources)
    except Exception as err:  # noqa: BLE001  (DeadKernelError, startup failures, ...)
        crash = err
        nb = getattr(executor, "nb", None) or nb  # what ran before the crash
    finally:
        timer.cancel()
    if crash is not None:
        if killed.is_set():
            result["status"] = "time limit"
            result["reason"] = (f"time limit: the notebook ran longer than "
                                f"{task['notebook_timeout']:g} s and was stopped")
        elif type(crash).__name__ == "DeadKernelError":
            result["status"] = "kernel died"
            result["reason"] = "kernel died: the Python process running the notebook stopped"
        elif type(crash).__name__ == "CellTimeoutError":
            result["status"] = "time limit"
            result["reason"] = ("time limit: the kernel stopped answering (no output for "
                                f"{task['cell_timeout']:g} s) and grading stopped")
        else:
            raise crash

    # proofs of execution and snapshots (the executed notebook may be a copy: look up again)
    tests = {c.metadata["nbgrader"]["grade_id"]: (c, originals[c.metadata["nbgrader"]["grade_id"]])
             for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") in originals}
    preamble = nb.cells.pop(0)
    reference, _ = integrity.read_markers(preamble)
    if not reference:
        raise RuntimeError("the grading preamble did not run (kernel failed to start?)")
    baseline = reference[0]
    timed_out = []
    limit_hit = getattr(executor, "timed_out", set())
    for grade_id, (cell, original) in tests.items():
        snapshots, tokens = integrity.read_markers(cell)
        cell.source = original
        error = _error_summary(cell)
        ran = bool(cell.get("outputs")) or cell.get("execution_count") is not None
        expected = integrity.token(task["secret"], student, grade_id)
        if cell.get("id") in limit_hit:
            timed_out.append(grade_id)
            _zero(cell, f"time limit: the cell ran longer than {task['cell_timeout']:g} s")
            continue
        if error:
            continue  # a failed test: nbgrader scores it 0 by itself
        if crash is not None and expected not in tokens:
            _zero(cell, result["reason"] + (" before this cell ran" if not ran else
                                            " while this cell ran"))
            continue
        if expected not in tokens:
            reason = "test cell did not run (its proof of execution is missing)"
            _zero(cell, reason)
            result["flags"].append(f"tampering suspected: {grade_id} did not run to the end")
            continue
        changed = integrity.compare_snapshots(baseline, snapshots[-1] if snapshots else {})
        if changed:
            what = integrity.describe_changes(changed)
            _zero(cell, f"tampering suspected: {what}")
            result["flags"].append(f"tampering suspected: {what} (at {grade_id})")
    if timed_out and result["status"] == "graded":
        result["notes"].append("time limit reached in " + ", ".join(timed_out))
    # time limits and kernel deaths in answer cells, for the record
    for cell in nb.cells:
        if cell.get("id") in limit_hit and cell.get("id") not in {
                c.get("id") for c, _ in tests.values()}:
            where = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {cell.get('id')}"
            result["notes"].append(f"time limit reached in {where}")

    nb, resources = LimitOutput().preprocess(nb, resources)

    # scores, as nbgrader will record them
    for cell in nb.cells:
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
    out = dest / f"{lab}.ipynb"
    nbformat.write(nb, out)
    result["notebook"] = str(out)
    if result["flags"] and result["status"] == "graded" and any(
            f.startswith("tampering") for f in result["flags"]):
        result["reason"] = "tampering suspected"
