"""Read a submitted notebook and repair what would stop nbgrader, before grading.

nbgrader's own sanitising (``ClearOutput``, ``OverwriteKernelspec``, ``OverwriteCells``,
``CheckCellMetadata``) still runs afterwards; this module handles what it does not:

- a file that is not JSON, or not a notebook: :class:`InvalidNotebook` with the reason;
- a duplicated nbgrader cell (the same ``grade_id`` twice), which makes nbgrader stop the
  whole run with a misleading "old version of the nbgrader metadata format" error: the
  last copy of an answer cell keeps its metadata (nbgrader's own ``DeduplicateIds`` rule;
  earlier copies stay as ordinary cells, since the student ran them), an extra copy of a
  locked cell is dropped;
- edited nbgrader metadata (a cell made gradable, points changed, a ``grade_id`` made up):
  every nbgrader cell gets its metadata back from the student version, and unknown
  ``grade_id``\\ s are removed;
- a deleted locked cell (setup or tests) or answer cell: put back at its place in the
  course order, as the student version has it (``OverwriteCells`` then restores the full
  test source, hidden tests included, from the gradebook). A restored answer cell never
  replaces a definition the student made elsewhere: when another cell defines a name its
  stub defines (a student who moved every function into one cell), it comes back empty.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
from pathlib import Path

__all__ = ["InvalidNotebook", "read_submission", "repair", "defined_names", "python_source"]


class InvalidNotebook(Exception):
    """A submitted file that cannot be read as a notebook; the message says why."""


def read_submission(path: str | os.PathLike):
    """Read a submitted notebook, or raise :class:`InvalidNotebook` saying why not.

    Parameters
    ----------
    path : path
        The ``.ipynb`` file.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, upgraded to nbformat 4 with cell ids.

    Raises
    ------
    InvalidNotebook
        "not valid JSON (line 3, column 1)", "not a Jupyter notebook (no cells)", ...

    Examples
    --------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "lab.ipynb"
    >>> _ = bad.write_text('{"cells": [')
    >>> try:
    ...     read_submission(bad)
    ... except InvalidNotebook as err:
    ...     print(err)
    not valid JSON (line 1, column 12: Expecting value)
    """
    import nbformat

    raw = Path(path).read_bytes()
    if not raw.strip():
        raise InvalidNotebook("the file is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidNotebook("not a text file (not UTF-8): not a notebook") from None
    except json.JSONDecodeError as err:
        raise InvalidNotebook(
            f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InvalidNotebook("not a Jupyter notebook (no list of cells)")
    if data.get("nbformat") != 4:
        raise InvalidNotebook(f"nbformat {data.get('nbformat')!r} is not supported (4 is)")
    for i, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in {"code", "markdown", "raw"}:
            raise InvalidNotebook(f"cell {i + 1} is not a notebook cell")
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(map(str, cell["source"]))
        if not isinstance(cell.get("source", ""), str):
            raise InvalidNotebook(f"cell {i + 1} has no text source")
        cell.setdefault("metadata", {})
        if not isinstance(cell["metadata"], dict):
            cell["metadata"] = {}
        if cell["cell_type"] == "code":
            cell["outputs"] = []  # outputs are cleared before grading anyway
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    nb = nbformat.from_dict(data)
    nb.setdefault("metadata", {})
    try:
        _, normalised = nbformat.validator.normalize(nb)  # adds missing cell ids
        nb = nbformat.from_dict(normalised)
    except Exception:  # noqa: BLE001  (normalise is best effort)
        pass
    seen: set[str] = set()
    for cell in nb.cells:  # repeated cell ids (copy-paste between notebooks) are fixed too
        if not cell.get("id") or cell["id"] in seen:
            cell["id"] = f"cell-{len(seen)}-{os.urandom(3).hex()}"
        seen.add(cell["id"])
    nb.nbformat_minor = max(int(nb.get("nbformat_minor", 5) or 5), 5)
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        raise InvalidNotebook(f"not a valid notebook: {str(err).splitlines()[0]}") from None
    return nb


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
        return meta["grade_id"]
    return None


def python_source(source: str) -> str:
    """Cell source as plain Python, IPython's magics turned into calls (for :mod:`ast`).

    Examples
    --------
    >>> python_source("%time x = 1")
    "get_ipython().run_line_magic('time', 'x = 1')\\n"
    """
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001  (a cell IPython cannot read either: left as it is)
        return source


def defined_names(source: str) -> set[str]:
    """Names a cell defines at top level (functions, classes, assignments).

    Examples
    --------
    >>> sorted(defined_names("%matplotlib inline\\ndef f(x):\\n    return x\\nclass C: pass\\nk = 3"))
    ['C', 'f', 'k']
    """
    try:
        tree = ast.parse(python_source(source))
    except SyntaxError:  # top-level definitions by their first line
        return set(re.findall(r"(?m)^(?:async\s+def|def|class)\s+(\w+)", source))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _is_locked(meta: dict) -> bool:
    return bool(meta.get("locked")) and not meta.get("solution")


def repair(nb, released) -> list[str]:
    """Make the nbgrader cells of ``nb`` match the student version ``released``, in place.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The submission (see :func:`read_submission`).
    released : nbformat.NotebookNode
        The student version of the lab (as released; its nbgrader cells are the reference).

    Returns
    -------
    list of str
        What was repaired, in plain words (empty when nothing was).

    Examples
    --------
    >>> import nbformat.v4 as v4
    >>> def cell(gid, source, **meta):
    ...     c = v4.new_code_cell(source)
    ...     c.metadata["nbgrader"] = {"grade_id": gid, "schema_version": 3, **meta}
    ...     return c
    >>> released = v4.new_notebook(cells=[
    ...     cell("f_answer", "stub", solution=True, grade=False, locked=False),
    ...     cell("f_tests", "assert f() == 1", grade=True, solution=False, locked=True, points=1)])
    >>> answer = dict(solution=True, grade=False, locked=False)
    >>> nb = v4.new_notebook(cells=[cell("f_answer", "def f(): return 1", **answer),
    ...                             cell("f_answer", "def f(): return 2", **answer)])
    >>> for note in repair(nb, released): print(note)
    answer cell f_answer appears 2 times: graded the last copy
    cell f_tests was missing: put back from the lab
    >>> [(c.source, c.metadata.get("nbgrader", {}).get("grade_id")) for c in nb.cells]
    [('def f(): return 1', None), ('def f(): return 2', 'f_answer'), ('assert f() == 1', 'f_tests')]
    """
    reference = {gid: c for c in released.cells if (gid := _grade_id(c))}
    order = [gid for gid in (_grade_id(c) for c in released.cells) if gid]
    notes: list[str] = []

    # 1. unknown grade ids lose their nbgrader metadata; known ones get it back
    for cell in nb.cells:
        gid = _grade_id(cell)
        if "nbgrader" in cell.metadata and gid not in reference:
            del cell.metadata["nbgrader"]
            notes.append(f"removed nbgrader metadata of a cell with unknown id {gid!r}")

    # 2. duplicates: keep the last copy of an answer cell, the first of a locked cell
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(nb.cells):
        if (gid := _grade_id(cell)) is not None:
            positions.setdefault(gid, []).append(i)
    drop: set[int] = set()
    for gid, where in positions.items():
        if len(where) < 2:
            continue
        if _is_locked(reference[gid].metadata["nbgrader"]):
            drop.update(where[1:])
            notes.append(f"locked cell {gid} appears {len(where)} times: extra copies removed")
        else:
            for i in where[:-1]:
                del nb.cells[i].metadata["nbgrader"]
            notes.append(f"answer cell {gid} appears {len(where)} times: graded the last copy")
    if drop:
        nb.cells = [c for i, c in enumerate(nb.cells) if i not in drop]

    # 3. metadata and cell type as in the lab
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is None:
            continue
        ref = reference[gid]
        if cell.metadata["nbgrader"] != ref.metadata["nbgrader"]:
            changed = sorted(k for k in set(cell.metadata["nbgrader"]) | set(ref.metadata["nbgrader"])
                             if k not in ("checksum", "cell_type") and cell.metadata["nbgrader"].get(k)
                             != ref.metadata["nbgrader"].get(k))
            if changed:
                notes.append(f"cell {gid}: nbgrader metadata {', '.join(changed)} restored")
            cell.metadata["nbgrader"] = copy.deepcopy(ref.metadata["nbgrader"])
        if cell.cell_type != ref.cell_type:
            notes.append(f"cell {gid}: type {cell.cell_type} changed back to {ref.cell_type}")
            _set_type(cell, ref.cell_type)

    # 4. missing nbgrader cells come back at their place; an answer stub never shadows a
    #    definition the student made in another cell
    present = {_grade_id(c) for c in nb.cells} - {None}
    student_names = set().union(*(defined_names(c.source) for c in nb.cells
                                  if c.cell_type == "code"))
    for k, gid in enumerate(order):
        if gid in present:
            continue
        new = copy.deepcopy(reference[gid])
        new["id"] = f"restored-{gid}"[:64].replace("_", "-")
        shadowed = set()
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
            if new.metadata["nbgrader"].get("solution"):
                shadowed = defined_names(new.source) & student_names
        if shadowed:
            new.source = (f"# This answer cell was missing; {', '.join(sorted(shadowed))} "
                          "defined in another cell of the submission.\n")
        index = 0
        for previous in reversed(order[:k]):
            if previous in present:
                index = 1 + max(i for i, c in enumerate(nb.cells) if _grade_id(c) == previous)
                break
        nb.cells.insert(index, new)
        present.add(gid)
        notes.append(f"cell {gid} was missing: " + (
            "put back empty (its names are defined in another cell)" if shadowed
            else "put back from the lab"))
    return notes


def _set_type(cell, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
