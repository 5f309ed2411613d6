"""The student's side of grading: runs inside the sandbox and answers the grader's requests.

Started by :class:`.sandbox.Sandbox` as ``python -I sandbox_child.py <site> <workdir>``; it
sees only this file, :mod:`.plaindata`, the read-only Python environment, the student
package as students install it (``<site>``) and a scratch folder. It never sees a test.

It reads requests from its standard input and writes replies to the standard output it was
started with (both moved away from file descriptors 0 and 1 at once, so output of student
code, even from C or subprocesses, cannot mix with replies). Each request and reply is a
:mod:`.plaindata` message preceded by its length (8 bytes, little-endian):

- ``{"op": "files", "files": {name: bytes}}``: write the submission's other files;
- ``{"op": "run", "source": str, "label": str}``: run one notebook cell with IPython;
  reply ``{"output": str, "error": dict or None, "value": str or None}``;
- ``{"op": "resolve", "name": str}``: what a name is: ``{"kind": "function" | "value" |
  "missing" | "other", "value": ..., "type": str}``;
- ``{"op": "call", "name": str, "args": list, "kwargs": dict}``: call a function; reply
  ``{"value": ..., "output": str, "changed": {position: array}}`` or ``{"error": ...}``.

Whatever student code does here (patching numpy, hooking IPython, replacing this loop),
it can only change what its own functions return: verdicts are decided by the grader.
"""

import os
import struct
import sys

_LENGTH = struct.Struct("<Q")
#: characters of output kept per request (the rest is counted, not kept)
MAX_OUTPUT = 100_000
#: exception classes the grader recreates as such (else a generic error with the type's name)
PORTABLE_ERRORS = (
    "ArithmeticError", "AssertionError", "AttributeError", "BufferError", "EOFError",
    "FloatingPointError", "ImportError", "IndexError", "KeyError", "LookupError",
    "MemoryError", "ModuleNotFoundError", "NameError", "NotImplementedError", "OSError",
    "OverflowError", "RecursionError", "RuntimeError", "TypeError", "UnboundLocalError",
    "UnicodeError", "ValueError", "ZeroDivisionError", "LinAlgError", "AxisError",
)


class CappedOutput:
    """A text stream that keeps the first ``MAX_OUTPUT`` characters and counts the rest."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self):
        self.parts, self.kept, self.dropped = [], 0, 0

    def write(self, text):
        text = str(text)
        room = MAX_OUTPUT - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def take(self):
        text = "".join(self.parts)
        if self.dropped:
            text += (f"\n... {self.dropped} more characters of output not kept by the grader "
                     "...\n")
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


def _read_exact(fd, size):
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _describe_error(err, plaindata):
    import traceback

    names = [cls.__name__ for cls in type(err).__mro__]
    portable = [n for n in names if n in PORTABLE_ERRORS]
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if f.filename.startswith(("<", os.getcwd()))]  # student code only
    lines = traceback.format_list(frames)
    try:
        args = plaindata.decode(plaindata.encode(list(err.args)))
    except Exception:  # noqa: BLE001
        args = None
    try:
        message = str(err)
    except Exception:  # noqa: BLE001
        message = "(message could not be read)"
    return {"type": type(err).__name__, "portable": portable, "args": args,
            "message": message[:5000], "traceback": "".join(lines)[-8000:]}


def main():
    site, workdir = sys.argv[1], sys.argv[2]
    sys.path[:0] = [site, os.path.dirname(os.path.abspath(__file__))]
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # fd-level output of student code goes to the grader's capped log
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    sys.path.insert(0, workdir)

    import warnings

    import numpy  # noqa: F401  (paid once, before any student code)
    import plaindata
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    out = CappedOutput()
    sys.stdout = sys.stderr = out
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "NoColor"
    config.InteractiveShell.xmode = "Plain"
    shell = InteractiveShell.instance(config=config)
    shell.user_ns["__name__"] = "__main__"
    shell._showtraceback = lambda *args, **kwargs: None  # errors are replied, not printed

    def show_warning(message, category, filename, lineno, file=None, line=None):
        out.write(warnings.formatwarning(message, category, filename, lineno, line))

    def reply(value):
        try:
            data = plaindata.encode(value)
        except plaindata.NotPlainData as err:
            data = plaindata.encode({"error": {
                "type": "TypeError", "portable": ["TypeError"], "args": None,
                "message": f"the function returned {err}, which the grader cannot check",
                "traceback": ""}, "output": value.get("output", "")})
        os.write(replies, _LENGTH.pack(len(data)))
        view = memoryview(data)
        while view:
            view = view[os.write(replies, view):]

    while True:
        try:
            size, = _LENGTH.unpack(_read_exact(requests, _LENGTH.size))
            request = plaindata.decode(_read_exact(requests, size))
        except EOFError:
            return
        op = request.get("op")
        warnings.showwarning = show_warning
        if op == "files":
            for name, data in request["files"].items():
                path = os.path.join(workdir, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as handle:
                    handle.write(data)
            reply({})
        elif op == "run":
            error = None
            try:
                result = shell.run_cell(request["source"], store_history=True, silent=False)
            except BaseException as err:  # noqa: BLE001  (SystemExit, KeyboardInterrupt)
                error = _describe_error(err, plaindata)
            else:
                failure = result.error_in_exec or result.error_before_exec
                if failure is not None:
                    error = _describe_error(failure, plaindata)
            sys.stdout = sys.stderr = out
            reply({"output": out.take(), "error": error})
        elif op == "resolve":
            name = request["name"]
            if name not in shell.user_ns:
                reply({"kind": "missing"})
                continue
            value = shell.user_ns[name]
            kind = "function" if callable(value) else "value"
            if kind == "value":
                try:
                    reply({"kind": "value", "value": value})
                    continue
                except Exception:  # noqa: BLE001
                    kind = "other"
            reply({"kind": kind, "type": type(value).__name__})
        elif op == "call":
            args, kwargs = request["args"], request["kwargs"]
            before = {i: a.copy() for i, a in enumerate(args) if isinstance(a, numpy.ndarray)}
            try:
                function = shell.user_ns[request["name"]]
                value = function(*args, **kwargs)
            except BaseException as err:  # noqa: BLE001
                sys.stdout = sys.stderr = out
                reply({"error": _describe_error(err, plaindata), "output": out.take()})
                continue
            sys.stdout = sys.stderr = out
            changed = {i: args[i] for i, a in before.items()
                       if args[i].shape != a.shape or args[i].tobytes() != a.tobytes()}
            reply({"value": value, "output": out.take(), "changed": changed})
        else:
            reply({"error": {"type": "ValueError", "portable": ["ValueError"], "args": None,
                             "message": f"unknown request {op!r}", "traceback": ""}})


if __name__ == "__main__":
    main()
