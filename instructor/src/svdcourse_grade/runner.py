"""Run a submission: student cells in the sandbox, test cells here, outside it.

:func:`run_notebook` walks the (repaired, sanitised) notebook in order. A cell that is not
an autograded test cell (setup, answers, the student's own cells) runs in the
:class:`.sandbox.Sandbox` with IPython. An autograded test cell, visible and hidden code
as the instructor wrote it, runs in this trusted process, in a namespace that holds what
the lab's setup cells define (run here from the instructor's notebook) and resolves every
other name in the sandbox: a student's function becomes a :class:`StudentFunction` whose
calls cross as plain data (:mod:`.plaindata`) under the cell's time limit, a student's
plain-data variable is fetched as a value. The test code is never sent into the sandbox.

The verdict of a test cell is whether its code raised. This module writes the cell's
outputs itself: a ``stdout`` stream (what the test and the student's functions printed,
warnings included, capped) and an ``error`` output when the test raised, so nbgrader's own
grading rule (:func:`nbgrader.utils.determine_grade`) gives the score.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import copy
import io
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .repair import python_source
from .sandbox import Sandbox, SandboxDied, SandboxTimeout

__all__ = ["run_notebook", "StudentFunction", "StudentCodeError", "trusted_setup", "trusted_names",
           "function_sources", "GRADER_ENAME", "is_test_cell"]

#: ``ename`` of the error outputs the grader writes itself (time limits, a stopped sandbox)
GRADER_ENAME = "GradingStopped"
#: characters of output kept per cell
MAX_OUTPUT_CHARS = 100_000
#: characters of output kept for the whole notebook (student cells beyond it keep a note)
MAX_NOTEBOOK_CHARS = 2_000_000
#: characters kept of an error's type name, message and traceback sent by the sandbox
#: (whatever the student's process sends is capped here: it may have forged the reply)
MAX_NAME, MAX_MESSAGE, MAX_TRACEBACK = 100, 5_000, 8_000

_PORTABLE = {name: getattr(builtins, name) for name in (
    "ArithmeticError", "AssertionError", "AttributeError", "BufferError", "EOFError",
    "FloatingPointError", "ImportError", "IndexError", "KeyError", "LookupError",
    "MemoryError", "ModuleNotFoundError", "NameError", "NotImplementedError", "OSError",
    "OverflowError", "RecursionError", "RuntimeError", "TypeError", "UnboundLocalError",
    "UnicodeError", "ValueError", "ZeroDivisionError")}
_PORTABLE["LinAlgError"] = np.linalg.LinAlgError
_PORTABLE["AxisError"] = np.exceptions.AxisError if hasattr(np, "exceptions") else np.AxisError


class StudentCodeError(Exception):
    """An exception raised by student code whose type is not recreated here."""


class _Stop(BaseException):
    """Ends a test cell when the sandbox timed out or stopped (not catchable as Exception)."""


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell) -> bool:
    """An autograded test cell: a graded code cell that is not an answer."""
    m = meta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("grade")) and not m.get("solution")


def function_sources(cells) -> dict[str, str]:
    """The source of each name the student's code cells bind at top level, for
    ``StudentFunction.__source__``; the last binding wins.

    A ``def`` gives its own source; ``name = other`` gives the source of ``other``'s ``def``
    (an alias); any other binding (a lambda, a call's result, an import) gives the source of
    all the student's code cells, so a check that reads a function's source cannot be
    dodged by defining the function under another name. Found with :mod:`ast` in this
    process (never asked of the sandbox); a name bound in no way found here (through
    ``globals()``) gets all the code as well (``sources.get(name, sources[""])``).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell
    >>> sources = function_sources([new_code_cell("def f(x):\\n    return 1"),
    ...                             new_code_cell("%matplotlib inline\\ndef f(x):\\n    return 2"),
    ...                             new_code_cell("g = f\\nh = lambda x: 3")])
    >>> sources["f"], sources["g"]
    ('def f(x):\\n    return 2', 'def f(x):\\n    return 2')
    >>> sources["h"] == sources[""]
    True
    """
    found: dict[str, str | None] = {}
    texts = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        text = python_source(cell.source)
        texts.append(text)
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[node.name] = ast.get_source_segment(text, node, padded=False) or ""
                if node.decorator_list:
                    start = node.decorator_list[0].lineno - 1
                    found[node.name] = "\n".join(text.splitlines()[start:node.end_lineno])
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and all(
                    isinstance(t, ast.Name) for t in node.targets):
                for target in node.targets:
                    found[target.id] = found.get(node.value.id)
            else:
                for bound in ast.walk(node):
                    if isinstance(bound, ast.Name) and isinstance(bound.ctx, ast.Store):
                        found[bound.id] = None
                    elif isinstance(bound, (ast.Import, ast.ImportFrom)):
                        for alias in bound.names:
                            found[(alias.asname or alias.name).split(".")[0]] = None
                    elif isinstance(bound, (ast.FunctionDef, ast.AsyncFunctionDef,
                                            ast.ClassDef)):
                        found[bound.name] = None
    everything = "\n\n".join(texts)
    sources = {name: everything if source is None else source for name, source in found.items()}
    sources[""] = everything
    return sources


def trusted_names(cells) -> set[str]:
    """Names the test cells define for themselves: never looked up in the sandbox.

    The top-level ``def``, ``class`` and ``import`` names of the autograded test cells, and
    the names they assign at top level that start with ``_`` (the tests' own helpers and
    loop variables). A test cell that failed before defining a helper a later one uses then
    fails on the name, instead of calling a student's function of that name.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell
    >>> cell = new_code_cell("import numpy as np\\nfrom x import check_y\\n"
    ...                      "def _helper(a):\\n    b = 1\\nfor _k in range(2):\\n    A = _k\\n")
    >>> cell.metadata["nbgrader"] = {"grade": True, "solution": False}
    >>> sorted(trusted_names([cell]))
    ['_helper', '_k', 'check_y', 'np']
    """
    found: set[str] = set()

    def visit(statements) -> None:
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update((a.asname or a.name).split(".")[0] for a in node.names)
            else:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        visit([child])
                    else:
                        found.update(n.id for n in ast.walk(child) if isinstance(n, ast.Name)
                                     and isinstance(n.ctx, ast.Store) and n.id.startswith("_"))

    for cell in cells:
        if is_test_cell(cell):
            try:
                visit(ast.parse(python_source(cell.source)).body)
            except SyntaxError:
                continue
    return found


class StudentFunction:
    """A student's function, called in the sandbox with plain-data arguments.

    ``__name__`` is the student's name for it; ``__source__`` the source of its ``def``
    statement in the submission (or None), read here with :mod:`ast`.
    """

    def __init__(self, session: "_Session", name: str, source: str | None) -> None:
        self._session = session
        self.__name__ = self.__qualname__ = name
        self.__source__ = source

    def __call__(self, *args, **kwargs):
        return self._session.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<function {self.__name__} (student code, run in the sandbox)>"


class _Opaque:
    """A student's object that is neither a function nor plain data."""

    def __init__(self, name: str, kind: str) -> None:
        self._text = f"<{name}: an object of type {kind[:MAX_NAME]} that the grader cannot use>"

    def __repr__(self) -> str:
        return self._text


class _Namespace(dict):
    """Globals of the test cells: trusted names first, then the student's, fetched lazily."""

    def __init__(self, base: dict, session: "_Session", trusted: set[str] = frozenset()) -> None:
        super().__init__(base)
        self._session = session
        self._trusted = trusted
        self.fetched: set[str] = set()
        self.absent: set[str] = set()

    def __missing__(self, name: str):
        if name in builtins.__dict__ or name.startswith("__") or name in self.absent \
                or name in self._trusted:
            raise KeyError(name)
        value = self._session.resolve(name)
        if value is _ABSENT:
            self.absent.add(name)
            raise KeyError(name)
        self[name] = value
        self.fetched.add(name)
        return value

    def forget_student_names(self) -> None:
        for name in self.fetched:
            self.pop(name, None)
        self.fetched.clear()
        self.absent.clear()


_ABSENT = object()


def _error_from(info: dict) -> BaseException:
    """The exception the student's code raised, recreated from its plain description."""
    name = str(info.get("type", "Exception"))[:MAX_NAME]
    message = str(info.get("message", ""))[:MAX_MESSAGE]
    portable = info.get("portable")
    portable = [n for n in portable if isinstance(n, str) and n in _PORTABLE] \
        if isinstance(portable, list) else []
    args = info.get("args")
    if isinstance(args, list) and len(repr(args)) > MAX_MESSAGE:
        args = None  # the message (capped) stands for them
    if portable and portable[0] == name:
        cls = _PORTABLE[name]
        try:
            return cls(*args) if isinstance(args, list) else cls(message)
        except Exception:  # noqa: BLE001
            return cls(message)
    text = f"{name}: {message}" if message else name
    if portable:  # a subclass of a known error: keep the known base, say the real type
        return _PORTABLE[portable[0]](text)
    return StudentCodeError(text)


@dataclass
class _Session:
    """What the test cells of one submission share: the sandbox and the clock."""

    start: Callable[[], Sandbox]
    files: dict
    cell_timeout: float
    deadline: float
    sources: dict = field(default_factory=dict)
    box: Sandbox | None = None
    history: list = field(default_factory=list)
    cell_deadline: float = 0.0
    output: Any = None
    stopped: str = ""  # why the sandbox stopped during the current cell

    def ensure_box(self) -> None:
        """A running sandbox with the submission's state: started or rebuilt by replay."""
        if self.box is not None and self.box.alive():
            return
        self.box = self.start()
        self.box.request({"op": "files", "files": self.files}, timeout=self.cell_timeout)
        for source in self.history:
            reply = self.box.request({"op": "run", "source": source, "label": "replay"},
                                     timeout=self._left(self.cell_timeout))
            del reply

    def _left(self, limit: float) -> float:
        return max(0.0, min(limit, self.deadline - time.monotonic()))

    def drop_box(self) -> None:
        if self.box is not None:
            self.box.close()
        self.box = None

    def _ask(self, message: dict) -> dict:
        if self.stopped:  # a test that caught the stop goes on: it gets nothing more
            raise _Stop()
        try:
            self.ensure_box()
            left = max(0.0, min(self.cell_deadline, self.deadline) - time.monotonic())
            return self.box.request(message, timeout=left)
        except SandboxTimeout:
            self.drop_box()
            self.stopped = "timeout"
            raise _Stop() from None
        except SandboxDied as err:
            self.drop_box()
            self.stopped = f"died: {err}"
            raise _Stop() from None

    def resolve(self, name: str):
        reply = self._ask({"op": "resolve", "name": name})
        kind = reply.get("kind")
        if kind == "function":
            return StudentFunction(self, name, self.sources.get(name, self.sources.get("")))
        if kind == "value":
            return reply.get("value")
        if kind == "other":
            return _Opaque(name, str(reply.get("type", "?")))
        return _ABSENT

    def call(self, name: str, args: tuple, kwargs: dict):
        from . import plaindata

        try:
            reply = self._ask({"op": "call", "name": name, "args": list(args), "kwargs": kwargs})
        except plaindata.NotPlainData as err:
            raise TypeError(f"the grader cannot pass {err} to {name}()") from None
        text = reply.get("output")
        if isinstance(text, str) and text:
            self.output.write(text)
        for position, value in (reply.get("changed") or {}).items():
            original = args[position] if isinstance(position, int) and position < len(args) \
                else None
            if isinstance(original, np.ndarray) and isinstance(value, np.ndarray) and \
                    original.shape == value.shape and original.flags.writeable:
                np.copyto(original, value, casting="unsafe")
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {}
            err = _error_from(error)
            err.student_traceback = str(error.get("traceback", ""))[-MAX_TRACEBACK:]
            raise err
        return reply.get("value")


class _CappedText(io.TextIOBase):
    """A text sink that keeps ``MAX_OUTPUT_CHARS`` characters and counts the rest."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.kept = self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = MAX_OUTPUT_CHARS - self.kept
        self.parts.append(text[:max(room, 0)])
        self.kept += min(max(room, 0), len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n... output truncated by the grader ({self.dropped} more characters) ...\n"
        return out


def trusted_setup(source_nb) -> dict:
    """The namespace the lab's setup cells make, run here from the instructor's notebook.

    Setup cells are the locked, ungraded code cells. Test cells see these names as the
    instructor defined them, whatever the submission did to its own copies.
    """
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    for cell in source_nb.cells:
        m = meta(cell)
        if cell.cell_type == "code" and m.get("locked") and not m.get("grade") \
                and not m.get("solution"):
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(python_source(cell.source), "<setup>", "exec"), namespace)
    return namespace


def _base_copy(base: dict) -> dict:
    copied = {}
    for name, value in base.items():
        try:
            copied[name] = value if callable(value) or type(value).__name__ == "module" \
                else copy.deepcopy(value)
        except Exception:  # noqa: BLE001
            copied[name] = value
    return copied


def _stream(text: str):
    from nbformat.v4 import new_output

    return new_output("stream", name="stdout", text=text)


def _error(ename: str, evalue: str, traceback: list[str]):
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=evalue, traceback=traceback)


def _run_test(cell, namespace: _Namespace, session: _Session) -> None:
    """Run one test cell here; fill its outputs. Returns nothing: the outputs say it all."""
    from nbformat.v4 import new_output

    namespace.forget_student_names()
    session.output = sink = _CappedText()
    session.cell_deadline = time.monotonic() + session.cell_timeout
    session.stopped = ""
    value, failure = None, None
    try:
        tree = ast.parse(python_source(cell.source))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
                warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = lambda message, category, filename, lineno, file=None, \
                line=None: sink.write(warnings.formatwarning(message, category, filename,
                                                             lineno, line))
            exec(compile(tree, "<test>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<test>", "eval"), namespace)
    except _Stop:
        failure = None
    except BaseException as err:  # noqa: BLE001  (the verdict: the test raised)
        failure = err
    outputs = []
    if sink.text():
        outputs.append(_stream(sink.text()))
    if session.stopped == "timeout":
        reason = f"time limit: the cell ran longer than {session.cell_timeout:g} s"
        outputs.append(_error(GRADER_ENAME, reason, [f"{GRADER_ENAME}: {reason}"]))
    elif session.stopped:
        reason = "kernel died: the Python process running the student's code stopped"
        outputs.append(_error(GRADER_ENAME, reason, [f"{GRADER_ENAME}: {reason}"]))
    elif failure is not None:
        ename, evalue = type(failure).__name__, _text_of(failure)[:MAX_MESSAGE]
        lines = []
        student = getattr(failure, "student_traceback", "") or getattr(
            failure.__cause__, "student_traceback", "")
        if student:
            lines.append("Traceback in your code (most recent call last):\n" + student)
        lines.append(f"{ename}: {evalue}")
        outputs.append(_error(ename, evalue, lines))
    elif value is not None:
        outputs.append(new_output("execute_result", data={"text/plain": repr(value)[:10_000]},
                                  execution_count=None))
    cell.outputs = outputs


def _text_of(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # noqa: BLE001
        return f"({type(error).__name__}: message could not be read)"


def _size(outputs: list) -> int:
    return sum(len(str(o.get("text", ""))) + len(str(o.get("evalue", "")))
               + sum(map(len, o.get("traceback", []))) for o in outputs)


def _student_outputs(reply: dict) -> list:
    outputs = []
    text = reply.get("output")
    if isinstance(text, str) and text:
        outputs.append(_stream(text[:MAX_OUTPUT_CHARS]))
    error = reply.get("error")
    if isinstance(error, dict):
        ename = str(error.get("type", "Error"))[:MAX_NAME]
        evalue = str(error.get("message", ""))[:MAX_MESSAGE]
        lines = [str(error.get("traceback", ""))[-MAX_TRACEBACK:], f"{ename}: {evalue}"]
        outputs.append(_error(ename, evalue, [line for line in lines if line]))
    return outputs


@dataclass
class RunResult:
    """How the run of one notebook ended (the cells hold the outputs)."""

    status: str = "graded"
    reason: str = ""
    notes: list = field(default_factory=list)
    flags: list = field(default_factory=list)


def run_notebook(nb, base: dict, start: Callable[[], Sandbox], files: dict,
                 cell_timeout: float, notebook_timeout: float) -> RunResult:
    """Run every code cell of ``nb`` in order and fill in its outputs, in place.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The submission, repaired and with the instructor's test and setup cells restored.
    base : dict
        The trusted setup namespace (:func:`trusted_setup`).
    start : callable
        Starts a fresh sandbox (used again after a time limit, replaying earlier cells).
    files : dict
        The submission's other files, ``{relative name: bytes}``, put in the sandbox.
    cell_timeout, notebook_timeout : float
        Seconds per cell (a test cell: all its calls together) and for the whole notebook.
    """
    result = RunResult()
    session = _Session(start=start, files=files, cell_timeout=cell_timeout,
                       deadline=time.monotonic() + notebook_timeout,
                       sources=function_sources([c for c in nb.cells if not is_test_cell(c)]))
    namespace = _Namespace(_base_copy(base), session, trusted_names(nb.cells))
    stop = ""
    budget = MAX_NOTEBOOK_CHARS
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            where = meta(cell).get("grade_id") or f"cell {cell.get('id', '?')}"
            if stop:
                if is_test_cell(cell):
                    cell.outputs = [_error(GRADER_ENAME, stop, [f"{GRADER_ENAME}: {stop}"])]
                continue
            if time.monotonic() >= session.deadline:
                stop = (f"time limit: the notebook ran longer than {notebook_timeout:g} s and "
                        "was stopped")
                result.status, result.reason = "time limit", stop
                result.flags.append(f"review: {stop}")
                if is_test_cell(cell):
                    cell.outputs = [_error(GRADER_ENAME, stop, [f"{GRADER_ENAME}: {stop}"])]
                continue
            if is_test_cell(cell):
                _run_test(cell, namespace, session)
                if session.stopped == "timeout":
                    result.notes.append(f"time limit reached in {where}")
                elif session.stopped:
                    stop = "kernel died: the Python process running the notebook stopped"
                    result.status, result.reason = "kernel died", stop
                    result.flags.append(f"review: {stop} (in {where})")
                continue
            session.cell_deadline = time.monotonic() + cell_timeout
            session.stopped = ""
            try:
                session.ensure_box()
                reply = session.box.request(
                    {"op": "run", "source": cell.source, "label": where},
                    timeout=max(0.0, min(session.cell_deadline, session.deadline)
                                - time.monotonic()))
            except SandboxTimeout:
                session.drop_box()
                reason = f"time limit: the cell ran longer than {cell_timeout:g} s"
                cell.outputs = [_error(GRADER_ENAME, reason, [f"{GRADER_ENAME}: {reason}"])]
                result.notes.append(f"time limit reached in {where}")
                continue
            except SandboxDied:
                session.drop_box()
                stop = "kernel died: the Python process running the notebook stopped"
                result.status, result.reason = "kernel died", stop
                result.flags.append(f"review: {stop} (in {where})")
                cell.outputs = [_error(GRADER_ENAME, stop, [f"{GRADER_ENAME}: {stop}"])]
                continue
            cell.outputs = _student_outputs(reply if isinstance(reply, dict) else {})
            budget -= _size(cell.outputs)
            if budget < 0:
                cell.outputs = [_stream("(output not kept: the notebook printed more than "
                                        f"{MAX_NOTEBOOK_CHARS} characters)\n")]
            session.history.append(cell.source)
    finally:
        session.drop_box()
    return result
