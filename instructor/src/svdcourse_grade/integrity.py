"""Defences against student code that cheats the tests.

Student code runs in the same Python kernel as the tests, so it can reach everything the
tests rely on. A known exploit on plain nbgrader: appending a function to
``get_ipython().input_transformers_cleanup`` in an answer cell turns every later cell,
tests included, into a no-op; a test cell that runs nothing raises nothing and nbgrader
gives it full marks. Three defences, each checked *outside* the kernel by the grading tool:

1. **Proof of execution.** Before grading, every autograded test cell gets a last line that
   prints a token derived from a secret drawn for this run, the student and the cell
   (:func:`token`). A test cell whose output lacks its token did not run to the end: if it
   raised no error either, it scores 0 with the reason "test cell did not run" and the
   submission is flagged.
2. **Snapshots.** A preamble cell, run before any student code, prints a snapshot of the
   identities of what the tests rely on (:data:`SNAPSHOT_CODE`): numpy's functions (and
   their code objects), ``numpy.linalg``, ``numpy.testing``, ``svdcourse.checks``, the
   builtins, the ``sys.modules`` entries of those modules, ``sys`` hooks (``excepthook``,
   ``displayhook``, ``stdout``, trace and profile functions, import hooks) and IPython's
   input and AST transformers, event callbacks and execution methods. Each test cell
   prints the same snapshot before its token; anything that differs from the preamble's
   zeroes that cell with the reason "tampering suspected: <what changed>".
3. **A static scan** of the student's code (:func:`scan`) for what tampering needs
   (``get_ipython``, ``sys.modules``, ``builtins``, ``setattr`` on a module, ``ctypes``,
   ``os._exit``, ``exec``, ...). A match flags the submission for review; it never changes
   the score, since such code can be innocent.

Limits: code that knows this tool can still fool it from inside the kernel (for example by
restoring every patched object before the snapshot runs, by reading the injected source
through an input transformer and replaying the token, or by patching the snapshot's own
helpers consistently). The defences catch the known tricks and make new ones leave traces;
the report lists every flagged submission for a person to read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets

__all__ = [
    "new_secret",
    "token",
    "preamble_source",
    "test_suffix",
    "read_markers",
    "compare_snapshots",
    "scan",
    "PREAMBLE_TAG",
]

#: metadata key that marks the tool's own cells and the injected part of test cells
PREAMBLE_TAG = "svdcourse_grading"
STATE_PREFIX = "<<svdcourse-state "
TOKEN_PREFIX = "<<svdcourse-token "
MARK_END = ">>"
SUFFIX_MARK = "# ---- svdcourse-grade: integrity check (added at grading time) ----"

#: Python source (run in the kernel) of a function that prints the snapshot on one line.
SNAPSHOT_CODE = r'''
def __svdcourse_snapshot__():
    import sys as _s
    _state = {}
    _ids = id
    def _put(key, obj):
        _state[key] = _ids(obj)
        code = getattr(obj, "__code__", None)
        if code is not None:
            _state[key + ".__code__"] = _ids(code)
            _state[key + ".__defaults__"] = _ids(getattr(obj, "__defaults__", None))
            _state[key + ".__kwdefaults__"] = _ids(getattr(obj, "__kwdefaults__", None))
        func = getattr(obj, "__func__", None)
        if func is not None:
            _state[key + ".__func__"] = _ids(func)
    _mods = _s.modules
    for _name in ("numpy", "numpy.linalg", "numpy.testing", "svdcourse", "svdcourse.checks",
                  "svdcourse.labs", "builtins", "math", "IPython", "ipykernel"):
        _mod = _mods.get(_name)
        _state["sys.modules[%s]" % _name] = _ids(_mod)
        if _mod is None or _name in ("IPython", "ipykernel"):
            continue
        for _attr, _value in list(vars(_mod).items()):
            if _name == "builtins" and _attr in ("_", "__", "___"):
                continue
            if callable(_value) or type(_value) is type(_s):
                _put("%s.%s" % (_name, _attr), _value)
    _state["sys.modules"] = _ids(_mods)
    for _attr in ("excepthook", "displayhook", "stdout", "stderr", "meta_path", "path_hooks"):
        _put("sys." + _attr, getattr(_s, _attr, None))
    _state["sys.gettrace()"] = _ids(_s.gettrace())
    _state["sys.getprofile()"] = _ids(_s.getprofile())
    _state["sys.meta_path[]"] = repr([_ids(f) for f in _s.meta_path])
    _ip = getattr(_mods.get("IPython"), "get_ipython", lambda: None)()
    if _ip is not None:
        _tm = _ip.input_transformer_manager
        for _attr, _seq in (("input_transformers_cleanup", _ip.input_transformers_cleanup),
                            ("input_transformers_post", _ip.input_transformers_post),
                            ("ast_transformers", _ip.ast_transformers),
                            ("manager.cleanup_transforms", _tm.cleanup_transforms),
                            ("manager.line_transforms", _tm.line_transforms),
                            ("manager.token_transformers", _tm.token_transformers)):
            _state["ipython." + _attr] = repr([_ids(f) for f in _seq])
        _state["ipython.input_transformer_manager"] = _ids(_tm)
        _trusted = ("IPython", "ipykernel", "matplotlib_inline", "matplotlib", "ipywidgets")
        for _event, _callbacks in _ip.events.callbacks.items():
            _mine = [_ids(f) for f in _callbacks
                     if not str(getattr(f, "__module__", "") or "").startswith(_trusted)]
            _state["ipython.events[%s]" % _event] = repr(_mine)
        for _attr in ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell",
                      "transform_ast", "showtraceback", "_showtraceback", "showsyntaxerror",
                      "should_run_async", "get_exception_only", "set_custom_exc", "ex", "ev"):
            _put("ipython.class." + _attr, getattr(type(_ip), _attr, None))
            _put("ipython.instance." + _attr, vars(_ip).get(_attr))
        _state["ipython.custom_exceptions"] = repr(_ip.custom_exceptions)
        _put("ipython.CustomTB", getattr(_ip, "CustomTB", None))
        _put("ipython.displayhook", _ip.displayhook)
        _put("ipython.compile", _ip.compile)
        _kernel = getattr(_ip, "kernel", None)
        for _attr in ("do_execute", "execute_request", "send_response"):
            _put("kernel.class." + _attr, getattr(type(_kernel), _attr, None))
            _put("kernel.instance." + _attr, vars(_kernel).get(_attr) if _kernel else None)
    import json as _json
    return "%s%s%s" % (%(STATE)r, _json.dumps(_state, sort_keys=True), %(END)r)
'''.replace("%(STATE)r", repr(STATE_PREFIX)).replace("%(END)r", repr(MARK_END))


#: snapshot keys the kernel itself renews for every cell it runs (ipykernel sets a fresh
#: ``input`` and ``sys.excepthook`` per execution request)
RENEWED_PER_CELL = frozenset({
    "builtins.input", "builtins.raw_input", "builtins.getpass", "sys.excepthook",
    "builtins.input.__func__", "builtins.raw_input.__func__", "sys.excepthook.__func__",
})


def new_secret() -> str:
    """A fresh secret for one grading run (never written into a notebook).

    Examples
    --------
    >>> len(new_secret())
    64
    """
    return secrets.token_hex(32)


def token(secret: str, student: str, grade_id: str) -> str:
    """The token test cell ``grade_id`` of ``student`` must print when it ran to the end.

    Examples
    --------
    >>> token("s3cret", "ada", "svd_steps_tests") == token("s3cret", "ada", "svd_steps_tests")
    True
    >>> token("s3cret", "ada", "svd_steps_tests") != token("s3cret", "bob", "svd_steps_tests")
    True
    """
    message = f"{student}\x00{grade_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:24]


def preamble_source() -> str:
    """The cell put before all student code: it prints the reference snapshot."""
    return (
        "# svdcourse-grade preamble (added at grading time, removed from the graded notebook)\n"
        "try:\n"
        "    import numpy, numpy.linalg, numpy.testing, svdcourse.checks, svdcourse.labs\n"
        "except Exception:\n"
        "    pass\n"
        + SNAPSHOT_CODE
        + "print(__svdcourse_snapshot__())\n"
        "del __svdcourse_snapshot__\n"
    )


def test_suffix(secret: str, student: str, grade_id: str) -> str:
    """The lines appended to test cell ``grade_id`` (snapshot, then the cell's token)."""
    return (
        f"\n{SUFFIX_MARK}\n"
        + SNAPSHOT_CODE
        + "print(__svdcourse_snapshot__())\n"
        "del __svdcourse_snapshot__\n"
        f"print({(TOKEN_PREFIX + token(secret, student, grade_id) + MARK_END)!r})\n"
    )


_MARKER_LINE = re.compile(
    "^" + re.escape(STATE_PREFIX) + r".*" + re.escape(MARK_END) + "$|^"
    + re.escape(TOKEN_PREFIX) + r"[0-9a-f]+" + re.escape(MARK_END) + "$", re.M)


def read_markers(cell) -> tuple[list[dict], list[str]]:
    r"""Take the tool's marker lines out of a code cell's stdout, in place.

    Returns
    -------
    snapshots : list of dict
        The snapshots the cell printed.
    tokens : list of str
        The tokens the cell printed.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_output
    >>> cell = new_code_cell("...", outputs=[new_output(
    ...     "stream", name="stdout", text='ok\n<<svdcourse-state {"a": 1}>>\n<<svdcourse-token 0af>>\n')])
    >>> read_markers(cell)
    ([{'a': 1}], ['0af'])
    >>> cell.outputs[0].text
    'ok\n'
    """
    snapshots, tokens = [], []
    kept = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
            for match in _MARKER_LINE.finditer(text):
                line = match.group(0)
                if line.startswith(STATE_PREFIX):
                    try:
                        snapshots.append(json.loads(line[len(STATE_PREFIX):-len(MARK_END)]))
                    except ValueError:
                        snapshots.append({"<unreadable snapshot>": 0})
                else:
                    tokens.append(line[len(TOKEN_PREFIX):-len(MARK_END)])
            text = _MARKER_LINE.sub("", text).replace("\n\n\n", "\n")
            text = re.sub(r"(?m)^\n", "", text) if not text.strip() else text
            if not text.strip("\n"):
                continue
            output["text"] = re.sub(r"\n{2,}$", "\n", text)
        kept.append(output)
    if "outputs" in cell:
        cell["outputs"] = kept
    return snapshots, tokens


def compare_snapshots(reference: dict, later: dict) -> list[str]:
    """What changed between two snapshots: the keys of ``reference`` that differ in ``later``.

    Examples
    --------
    >>> compare_snapshots({"numpy.allclose": 1, "builtins.abs": 2}, {"numpy.allclose": 9, "builtins.abs": 2})
    ['numpy.allclose']
    """
    return sorted(key for key, value in reference.items()
                  if later.get(key) != value and key not in RENEWED_PER_CELL)


def describe_changes(changed: list[str], limit: int = 4) -> str:
    """A short plain description of changed snapshot keys.

    Examples
    --------
    >>> describe_changes(["numpy.allclose", "numpy.allclose.__code__"])
    'numpy.allclose changed'
    """
    names = []
    for key in changed:
        base = re.sub(r"\.(__code__|__defaults__|__kwdefaults__|__func__)$", "", key)
        if base not in names:
            names.append(base)
    text = ", ".join(names[:limit])
    if len(names) > limit:
        text += f" and {len(names) - limit} more"
    return text + " changed"


#: (pattern, what it suggests) for the static scan of student code
SUSPICIOUS = [
    (r"get_ipython|\bIPython\b|__IPYTHON__", "uses IPython's internals (get_ipython)"),
    (r"input_transformers|ast_transformers|events\.register", "changes how cells run"),
    (r"sys\.modules", "touches sys.modules"),
    (r"\bbuiltins\b|__builtins__", "touches the builtins"),
    (r"\bsetattr\s*\(|\bdelattr\s*\(", "sets attributes dynamically (setattr)"),
    (r"__import__|importlib", "imports dynamically"),
    (r"\bctypes\b|\bgc\.|\binspect\.|sys\._getframe|\.f_globals|\.f_back", "reaches into the interpreter"),
    (r"os\._exit|sys\.exit|\bexit\(\)|\bquit\(\)|os\.kill|signal\.", "stops or signals the process"),
    (r"(?<![\w.])(exec|eval|compile)\s*\(", "runs generated code (exec/eval/compile)"),
    (r"__code__|__globals__|__closure__|__defaults__", "edits function internals"),
    (r"sys\.(stdout|stderr|excepthook|displayhook|settrace|setprofile|meta_path)", "replaces sys hooks"),
    (r"\b(np|numpy)(\.\w+)+\s*=(?!=)", "assigns to a numpy attribute"),
    (r"\b(checks|svdcourse)(\.\w+)+\s*=(?!=)|\bcheck_\w+\s*=(?!=)", "redefines a check helper"),
    (r"\bsubprocess\b|\bthreading\b|multiprocessing|\batexit\b", "starts processes or threads"),
]


def scan(source: str) -> list[str]:
    """Suspicious patterns in student code, as plain descriptions (for review only).

    Examples
    --------
    >>> scan("get_ipython().input_transformers_cleanup.append(lambda lines: [])")
    ["uses IPython's internals (get_ipython)", 'changes how cells run']
    >>> scan("U, s, Vt = np.linalg.svd(A)\\nreturn re.compile('x')")
    []
    """
    return [what for pattern, what in SUSPICIOUS if re.search(pattern, source)]
