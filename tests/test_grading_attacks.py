"""Attacks on the grader itself, one case per class, graded in one run of a small lab-1 class.

Each hostile submission is a blank (or correct) lab with an attack added to an answer cell;
the attacks know the real paths of the repository and the course directory. With student
code in the sandbox and the verdicts decided outside it, each must get exactly what its
real work deserves (zero for a blank), with the status and reason stated here, and no
classmate, file, gradebook row or later command may be touched. The honest cases
(warnings, heavy printing, every answer in one cell) must get full marks.

Needs bubblewrap (Debian package ``bubblewrap``): skipped without it, failed under CI.
"""

from __future__ import annotations

import copy
import hashlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, skip_or_fail
from grading_cases import answer_cell, correct_notebook, functions, meta, write

pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -e ./instructor)")

from svdcourse_grade.autograde import autograde  # noqa: E402
from svdcourse_grade.course import Course  # noqa: E402
from svdcourse_grade.sandbox import SANDBOX_UIDS, bwrap_path  # noqa: E402

pytestmark = pytest.mark.grading

LAB = "lab01_rotations"
CELL_TIMEOUT = 5
BLANK = "NotImplementedError: Replace this line with your code."
#: a word in the command line of the background process: it must not survive the run
MARKER = "svdcourse-attack-background-7f3a"


@dataclass
class Case:
    """A hostile or honest submission: where its code goes and what it must end with."""

    base: str  # "blank" or "correct"
    code: str  # added to the first answer cell (more in ``build``)
    scores: str | dict  # "full", "zero" (each with the blank's reason) or {grade_id: reason}
    status: str = "graded"
    reason: str = ""  # the record's reason
    notes: tuple = ()
    flagged: bool = False  # for review (a submission that broke its own process)

    def expected(self, grade_id: str) -> str:
        """The reason test cell ``grade_id`` must have: "" for full marks."""
        if isinstance(self.scores, dict):
            return self.scores.get(grade_id, "")
        return "" if self.scores == "full" else BLANK


def attacks(repo: Path, course: Path) -> dict[str, Case]:
    """The class. ``repo`` and ``course`` are the real folders, as an attacker would guess."""
    solution = repo / "solutions" / LAB / f"{LAB}.ipynb"
    background = ("import sqlite3, time\n"  # waits for the run to end, then zeroes everyone
                  "time.sleep(4)\n"
                  f"db = sqlite3.connect({str(course / 'gradebook.db')!r})\n"
                  "db.execute('update grade set auto_score = 0')\n"
                  "db.commit()\n")
    return {
        "honest_correct": Case("correct", "", "full"),
        # --- forging a verdict in-process --------------------------------------------
        "forge_ipython_hooks": Case("blank", (
            "import sys\n"
            "ip = get_ipython()\n"
            "sys.excepthook = lambda *args: None\n"
            "ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"
            "ip.showtraceback = lambda *args, **kwargs: None\n"
            "def _wrap(lines):\n"
            "    return ['try:\\n'] + ['    ' + l for l in lines] + ['\\nexcept BaseException:\\n    pass\\n']\n"
            "ip.input_transformers_post.append(_wrap)\n"
            "ip.events.register('pre_run_cell', lambda *a: None)\n"), "zero"),
        "forge_json_and_builtins": Case("blank", (
            "import builtins, json\n"
            "json.dumps = lambda *args, **kwargs: '{}'\n"
            "json.loads = lambda *args, **kwargs: {}\n"
            "class _Never(Exception):\n    pass\n"
            "builtins.NotImplementedError = _Never\n"
            "builtins.AssertionError = _Never\n"),
            # the stubs now raise _Never, which the tests see as a generic error
            {grade_id: "StudentCodeError: _Never: Replace this line with your code."
             for grade_id in ("svd_steps_tests", "ellipse_axes_tests", "svd_via_eig_tests")}),
        "forge_ctypes_checks": Case("blank", (
            "import ctypes\n"
            "import svdcourse.checks as checks\n"
            "_noop = (lambda *args, **kwargs: None).__code__\n"
            "for _name in dir(checks):\n"
            "    _f = getattr(checks, _name)\n"
            "    if _name.startswith('check_') and hasattr(_f, '__code__'):\n"
            "        _f.__code__ = _noop.replace(co_name=_f.__code__.co_name)\n"
            "        ctypes.pythonapi.PyDict_SetItem(ctypes.py_object(checks.__dict__),\n"
            "            ctypes.py_object(_name), ctypes.py_object(lambda *a, **k: a[0](*a[1:])\n"
            "                                                    if _name == 'check_call' else None))\n"), "zero"),
        "forge_numpy_internals": Case("blank", (
            "import numpy as np\n"
            "import numpy.testing\n"
            "np.allclose = lambda *a, **k: True\n"
            "np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), bool)\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "np.linalg.norm = lambda *a, **k: 0.0\n"
            "for _module, _attr, _fake in (('numpy._core._methods', '_all', lambda *a, **k: True),\n"
            "                              ('numpy._core.numeric', 'isclose', np.isclose)):\n"
            "    try:\n"
            "        setattr(__import__(_module, fromlist=['_']), _attr, _fake)\n"
            "    except ImportError:\n"
            "        pass\n"), "zero"),
        # --- exfiltration --------------------------------------------------------------
        "exfiltrate_files": Case("blank", (
            "import glob, os\n"
            f"for _path in [{str(solution)!r}, {str(course / 'release')!r},\n"
            f"              {str(course)!r}, {str(repo)!r}, os.path.expanduser('~'), '/root']:\n"
            "    for _f in glob.glob(_path + '/**/*.ipynb', recursive=True) + [_path]:\n"
            "        try:\n"
            "            print(open(_f).read())\n"
            "            exec(open(_f).read())\n"
            "        except Exception as _err:\n"
            "            print('no', _f, type(_err).__name__)\n"), "zero"),
        "exfiltrate_history": Case("blank", "", "zero"),  # see build(): prints In, Out, ...
        # --- harming others ------------------------------------------------------------
        "background_process": Case("blank", (
            "import os, subprocess, sys\n"
            f"_code = {background!r}\n"
            f"subprocess.Popen([sys.executable, '-c', _code, {MARKER!r}], start_new_session=True,\n"
            "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            f"    os.execv(sys.executable, [sys.executable, '-c', _code, {MARKER!r}])\n"), "zero"),
        "write_everywhere": Case("blank", (
            "import os\n"
            f"for _path in [{str(course / 'submitted' / 'honest_correct' / LAB / (LAB + '.ipynb'))!r},\n"
            f"              {str(course / 'gradebook.db')!r},\n"
            f"              {str(course / 'results' / (LAB + '.json'))!r},\n"
            f"              {str(repo / 'src' / 'sitecustomize.py')!r},\n"
            f"              {str(repo / 'src' / 'svdcourse' / 'checks.py')!r}]:\n"
            "    try:\n"
            "        os.makedirs(os.path.dirname(_path), exist_ok=True)\n"
            "        with open(_path, 'w') as _handle:\n"
            "            _handle.write('# written by a submission\\n')\n"
            "        print('wrote', _path)\n"
            "    except OSError as _err:\n"
            "        print('could not write', _path, type(_err).__name__)\n"), "zero"),
        "sqlite_lock": Case("blank", (
            "import sqlite3, threading, time\n"
            "def _hold():\n"
            "    try:\n"
            f"        db = sqlite3.connect({str(course / 'gradebook.db')!r}, timeout=0)\n"
            "        db.execute('BEGIN EXCLUSIVE')\n"
            "        time.sleep(60)\n"
            "    except Exception as _err:\n"
            "        print('no lock', type(_err).__name__)\n"
            "threading.Thread(target=_hold, daemon=True).start()\n"
            "time.sleep(0.5)\n"), "zero"),
        "kill_the_grader": Case("correct", (
            "\nimport os, signal\n"
            "for _pid in [os.getppid(), 1, -1] + [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
            "    for _sig in (signal.SIGSTOP, signal.SIGKILL):\n"
            "        if _pid != os.getpid():\n"
            "            try:\n"
            "                os.kill(_pid, _sig)\n"
            "            except OSError:\n"
            "                pass\n"), "full"),
        "sigstop_itself": Case("correct", "", {  # see build(): stops in answer 2
            "ellipse_axes_tests": "NameError: name 'ellipse_axes' is not defined"},
            notes=("time limit reached in ellipse_axes_answer",)),
        "forge_huge_replies": Case("blank", (  # replies forged by the student's own process
            "import os, sys\n"
            "_codec = sys.modules['plaindata']\n"
            "_encode = _codec.encode\n"
            "def _inflate(value):\n"
            "    error = value.get('error') if isinstance(value, dict) else None\n"
            "    if isinstance(error, dict):\n"
            "        error['message'] = str(error['message']) + '\\n' + 'm' * 20_000_000\n"
            "        error['traceback'] = 't' * 20_000_000\n"
            "        error['args'] = ['a' * 5_000_000]\n"
            "        value['output'] = 'o' * 20_000_000\n"
            "    return _encode(value)\n"
            "_codec.encode = _inflate\n"
            "print('{\"op\": \"call\", \"value\": 10}', flush=True)\n"
            "os.write(1, b'\\x10' + bytes(7) + b'GradingStopped')\n"
            "os.write(2, b'GradingStopped: time limit')\n"), "zero"),
        # see build(): 40 more cells of 100,000 characters each, more than the notebook keeps
        "forge_colliding_keys": Case("blank", (  # a reply the grader would need hours to read
            "import json, struct, sys\n"
            "_codec = sys.modules['plaindata']\n"
            "_encode = _codec.encode\n"
            "_same_hash = json.dumps({'D': [['value', {'E': [{'I': str(k * (2**61 - 1))}\n"
            "                                               for k in range(1, 300_000)]}]]}).encode()\n"
            "def _forge(value):\n"
            "    if isinstance(value, dict) and 'error' in value and 'output' in value:\n"
            "        return struct.pack('<QQ', len(_same_hash), 0) + _same_hash\n"
            "    return _encode(value)\n"
            "_codec.encode = _forge\n"),  # its first forged reply is refused at once
            {grade_id: "kernel died: the Python process running the notebook stopped"
             for grade_id in ("svd_steps_tests", "ellipse_axes_tests", "svd_via_eig_tests")},
            status="kernel died",
            reason="kernel died: the Python process running the notebook stopped", flagged=True),
        "shadow_names": Case("blank", (
            "import numpy\n"
            "class _Lenient:\n"
            "    def __getattr__(self, name):\n"
            "        return lambda *args, **kwargs: True\n"
            "np = svdcourse = _Lenient()\n"
            "def check_call(f, *args, **kwargs):\n    return (numpy.zeros(2), numpy.zeros(2), numpy.zeros(3))\n"
            "check_close = check_shape = check_tuple = check_equal_up_to_sign = lambda *a, **k: None\n"
            "_check_svd_steps = _check_ellipse_axes = _value_groups = lambda *a, **k: None\n"
            "_cases, _rng, A, x, result = {}, None, 1, 2, (0, 0, 0)\n"
            "def __getattr__(name):\n    return lambda *args, **kwargs: None\n"
            "AssertionError = Warning\n"), "zero"),
        # holds every process it may have, busy, while classmates start and run in parallel
        "fork_bomb": Case("blank", (
            "import os, time\n"
            "_children = 0\n"
            "for _ in range(500):\n"
            "    try:\n"
            "        if os.fork() == 0:\n"
            "            try:\n"
            "                os.setsid()  # a session of its own: a share of the CPU of its own\n"
            "            except OSError:\n"
            "                pass\n"
            "            _end = time.time() + 4\n"
            "            while time.time() < _end:\n"
            "                pass\n"
            "            time.sleep(60)\n"
            "            os._exit(0)\n"
            "        _children += 1\n"
            "    except OSError:\n"
            "        break\n"
            "print('children:', _children)\n"
            "time.sleep(10)\n"), {  # the cell's time limit ends it: svd_steps is never defined
                "svd_steps_tests": "NameError: name 'svd_steps' is not defined",
                "ellipse_axes_tests": BLANK, "svd_via_eig_tests": BLANK},
            notes=("time limit reached in svd_steps_answer",)),
        # --- honest students -----------------------------------------------------------
        "honest_warning": Case("correct", "", "full"),  # see build(): np.log(0.0) in a call
        "honest_prints": Case("correct", "", "full"),  # see build(): 5,000 flushed prints
        # see build(): lists and numpy scalars returned, a helper (recursive) in a cell of its
        # own after the answer, a seeded numpy random draw, a matplotlib plot, a warning
        "honest_variants": Case("correct", "", "full"),
        "honest_merged": Case("correct", "", "full",
                              notes=("cell ellipse_axes_answer was missing",
                                     "cell svd_via_eig_answer was missing")),
    }


def build(course: Course, cases: dict[str, Case]) -> None:
    """Write every case's submission under ``<course>/submitted/<case>/<lab>/``."""
    import nbformat

    source = nbformat.read(course.source_notebook(LAB), as_version=4)
    released = nbformat.read(course.released_notebook(LAB), as_version=4)
    funcs = functions(released)
    correct = correct_notebook(source, released)
    for name, case in cases.items():
        nb = copy.deepcopy(correct if case.base == "correct" else released)
        first = answer_cell(nb, funcs[0])
        first.source += "\n" + case.code
        if name == "exfiltrate_history":
            answer_cell(nb, funcs[1]).source += (
                "\ntry:\n    print(In, Out, _ih)\nexcept NameError as err:\n    print(err)\n"
                "print(get_ipython().history_manager.input_hist_raw)\n"
                "print(sorted(globals()))\n")
        elif name == "sigstop_itself":
            cell = answer_cell(nb, funcs[1])
            cell.source = "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n" + cell.source
        elif name == "honest_warning":
            first.source = first.source.replace(
                "    return c, d, y", "    np.log(np.zeros(1))  # RuntimeWarning\n    return c, d, y")
            assert "RuntimeWarning" in first.source
        elif name == "honest_prints":
            first.source = first.source.replace(
                "    return c, d, y",
                "    for i in range(5000):\n        print('step', i, flush=True)\n    return c, d, y")
            first.source += "\nfor i in range(5000):\n    print('cell', i, flush=True)\n"
        elif name == "forge_huge_replies":
            from nbformat.v4 import new_code_cell

            nb.cells += [new_code_cell(f"print('{i}' * 100_000)") for i in range(40)]
        elif name == "honest_variants":
            from nbformat.v4 import new_code_cell

            first.source = first.source.replace("    return c, d, y",
                                                "    return list(c), d.tolist(), y")
            second = answer_cell(nb, funcs[1])
            second.source = second.source.replace(
                "    return s, U", "    return _largest_first(list(s)), U")
            index = nb.cells.index(second)
            nb.cells[index + 1:index + 1] = [
                new_code_cell("%matplotlib inline\nimport matplotlib.pyplot as plt\n"
                              "np.random.seed(0)\n_points = np.random.standard_normal((2, 50))\n"
                              "plt.plot(*_points, '.')\nplt.show()\n"),
                new_code_cell("def _largest_first(values):\n"
                              "    if len(values) <= 1:\n        return np.array(values)\n"
                              "    top = max(values)\n    rest = list(values)\n"
                              "    rest.remove(top)\n"
                              "    return np.concatenate([[np.float64(top)], _largest_first(rest)])\n")]
        elif name == "honest_merged":
            for f in funcs[1:]:
                first.source += "\n\n" + answer_cell(nb, f).source
            nb.cells = [c for c in nb.cells if meta(c).get("grade_id") not in
                        {f"{f}_answer" for f in funcs[1:]}]
        write(nb, course.root / "submitted" / name / LAB, f"{LAB}.ipynb")


def test_graded_notebooks_stay_small(attacked):
    """Whatever the student's process sends (forged replies of 20 MB), the notebook is capped."""
    course = attacked["course"]
    for name in attacked["cases"]:
        path = course.notebook_path("autograded", name, LAB)
        assert path.stat().st_size < 4 * 2**20, (name, path.stat().st_size)
    record = attacked["records"]["forge_huge_replies"]
    assert all(len(c["reason"]) < 200 for c in record["cells"].values())


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """The class graded once: records, gradebook, and what the files looked like before."""
    if bwrap_path() is None:
        skip_or_fail("Debian package 'bubblewrap' is not installed (make test installs it as root)")
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), old_path])
    course = Course(tmp_path_factory.mktemp("attacks") / "course", ROOT)
    course.prepare(LAB)
    cases = attacks(ROOT, course.root)
    build(course, cases)
    repo_before = _digests(ROOT / "src")
    submitted_before = _digests(course.root / "submitted")
    start = time.monotonic()
    records = autograde(course, LAB, jobs=2, cell_timeout=CELL_TIMEOUT, notebook_timeout=120,
                        progress=False)
    seconds = time.monotonic() - start
    time.sleep(6)  # the background process would have written by now
    with course.gradebook() as gb:
        scores = {s.student.id: {g.name: (g.auto_score, g.max_score) for nb in s.notebooks
                                 for g in nb.grades if g.cell.cell_type == "code"}
                  for s in gb.assignment_submissions(LAB)}
    os.environ["PATH"] = old_path
    return {"course": course, "cases": cases, "records": records, "scores": scores,
            "seconds": seconds, "repo_before": repo_before,
            "submitted_before": submitted_before}


CASES = list(attacks(Path("/repo"), Path("/course")))


@pytest.mark.parametrize("name", CASES)
def test_each_submission_gets_exactly_what_its_work_deserves(attacked, name):
    case, record = attacked["cases"][name], attacked["records"][name]
    scores = attacked["scores"][name]
    assert record["status"] == case.status, record["reason"]
    assert record["reason"] == case.reason
    assert record["sandbox"] == "bubblewrap"
    assert bool(record["flags"]) == case.flagged, record["flags"]
    assert set(scores) == {"svd_steps_tests", "ellipse_axes_tests", "svd_via_eig_tests"}
    for grade_id, (auto, max_score) in scores.items():
        reason = case.expected(grade_id)
        want = 0 if reason else max_score
        cell = record["cells"][grade_id]
        assert auto == want, f"{grade_id}: {auto}/{max_score} ({cell['reason']})"
        assert cell["score"] == want
        assert cell["reason"] == reason, grade_id
    for note in case.notes:
        assert any(note in n for n in record["notes"]), record["notes"]


def test_no_hidden_test_or_solution_reaches_the_student_s_notebook(attacked):
    import nbformat

    course = attacked["course"]
    source = nbformat.read(course.source_notebook(LAB), as_version=4)
    secret = []
    for cell in source.cells:
        if "BEGIN HIDDEN TESTS" in cell.source:
            hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            secret += [line.strip() for line in hidden.splitlines() if len(line.strip()) > 30]
        if "BEGIN SOLUTION" in cell.source:
            body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            secret += [line.strip() for line in body.splitlines() if len(line.strip()) > 30]
    assert secret
    for name in ("exfiltrate_files", "exfiltrate_history"):
        nb = nbformat.read(course.notebook_path("autograded", name, LAB), as_version=4)
        printed = "\n".join(str(o.get("text", "")) + str(o.get("evalue", ""))
                            for c in nb.cells if c.cell_type == "code" and not (
                                meta(c).get("grade") and not meta(c).get("solution"))
                            for o in c.get("outputs", []))
        assert "could not" in printed or "no " in printed or "NameError" in printed, printed[:500]
        leaked = [line for line in secret if line in printed]
        assert not leaked, f"{name}: {leaked[:3]}"


def test_nothing_outside_the_sandbox_was_written(attacked):
    course = attacked["course"]
    assert _digests(ROOT / "src") == attacked["repo_before"]
    assert not (ROOT / "src" / "sitecustomize.py").exists()
    assert _digests(course.root / "submitted") == attacked["submitted_before"]
    record = attacked["records"]["honest_correct"]
    assert record["status"] == "graded"
    assert all(c["reason"] == "" for c in record["cells"].values() if not c["manual"])


def test_no_process_outlives_the_run_and_the_gradebook_is_intact(attacked):
    assert _processes_with(MARKER) == []
    course = attacked["course"]
    with course.gradebook() as gb:
        now = {s.student.id: {g.name: (g.auto_score, g.max_score) for nb in s.notebooks
                              for g in nb.grades if g.cell.cell_type == "code"}
               for s in gb.assignment_submissions(LAB)}
    assert now == attacked["scores"]
    assert set(now) == set(attacked["cases"])


def test_the_run_ends_in_reasonable_time(attacked):
    # one cell time limit (sigstop) and 14 small submissions on 2 workers
    assert attacked["seconds"] < 240, attacked["seconds"]


def test_a_stopped_worker_costs_only_its_own_submission(tmp_path, monkeypatch):
    """SIGSTOP on a worker process (which no submission can reach: done here from outside):
    the main process's own clock kills it and grades everyone else."""
    import signal
    import threading

    import svdcourse_grade.autograde as autograde_module

    if bwrap_path() is None:
        skip_or_fail("Debian package 'bubblewrap' is not installed (make test installs it as root)")
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent),
                                                os.environ.get("PATH", "")]))
    monkeypatch.setattr(autograde_module, "MARGIN", 2)
    course = Course(tmp_path / "course", ROOT)
    course.prepare(LAB)
    cases = {name: case for name, case in attacks(ROOT, course.root).items()
             if name in ("honest_correct", "forge_json_and_builtins", "honest_warning")}
    build(course, cases)
    stopped: list[int] = []

    def stop_first_worker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not stopped:
            import multiprocessing

            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGSTOP)
                stopped.append(child.pid)
                break
            time.sleep(0.05)

    thread = threading.Thread(target=stop_first_worker, daemon=True)
    thread.start()
    records = autograde(course, LAB, jobs=1, cell_timeout=CELL_TIMEOUT, notebook_timeout=8,
                        progress=False)
    thread.join()
    assert stopped
    statuses = {name: r["status"] for name, r in records.items()}
    victim = [name for name, status in statuses.items() if status == "time limit"]
    assert len(victim) == 1, statuses
    assert records[victim[0]]["reason"] == "time limit: grading took longer than 10 s and was stopped"
    for name in set(cases) - set(victim):
        assert statuses[name] == "graded"
        want = cases[name].scores
        totals = [c["score"] for c in records[name]["cells"].values() if not c["manual"]]
        assert (sum(totals) == 10) if want == "full" else (sum(totals) == 0), records[name]


def test_the_sandbox_shows_only_what_it_should(tmp_path):
    """What student code sees: the student wheel (not ``src/``), no repository, course, home
    or network, read-only Python, an unprivileged user, the documented limits."""
    from svdcourse_grade.sandbox import Limits, Sandbox, student_site

    if bwrap_path() is None:
        skip_or_fail("Debian package 'bubblewrap' is not installed (make test installs it as root)")
    site = student_site(ROOT, tmp_path / "sandbox")
    probe = (
        "import os, resource, socket, sys, svdcourse\n"
        "def writable(path):\n"
        "    try:\n"
        "        open(os.path.join(path, 'probe'), 'w').close()\n"
        "        return True\n"
        "    except OSError:\n"
        "        return False\n"
        "def online():\n"
        "    try:\n"
        "        socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        "        return True\n"
        "    except OSError:\n"
        "        return False\n"
        "def new_session():  # in a child, which is no session leader\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        try:\n"
        "            os.setsid()\n"
        "            os._exit(0)\n"
        "        except OSError:\n"
        "            os._exit(1)\n"
        "    return os.waitpid(pid, 0)[1] == 0\n"
        "facts = {'package': svdcourse.__file__, 'setsid': new_session(), 'uid': os.getuid(), 'pids': sorted(\n"
        "    int(p) for p in os.listdir('/proc') if p.isdigit()), 'online': online(),\n"
        f"    'seen': [p for p in {[str(ROOT), str(tmp_path), os.path.expanduser('~') + '/.bashrc']!r}\n"
        "             if os.path.exists(p)],\n"
        "    'writable': [p for p in [sys.prefix, os.path.dirname(svdcourse.__file__), '/usr', '/']\n"
        "                 if writable(p)] + (['/tmp'] if writable('/tmp') else []),\n"
        "    'limits': [resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS,\n"
        "               resource.RLIMIT_CPU, resource.RLIMIT_NPROC, resource.RLIMIT_FSIZE)]}\n")
    box = Sandbox(Limits(), site)
    try:
        reply = box.request({"op": "run", "source": probe, "label": "probe"}, timeout=60)
        assert reply["error"] is None, reply
        facts = box.request({"op": "resolve", "name": "facts"}, timeout=10)["value"]
    finally:
        box.close()
    assert facts["package"] == "/opt/student-site/svdcourse/__init__.py"
    assert facts["uid"] in (SANDBOX_UIDS if os.geteuid() == 0 else [os.geteuid()])
    assert facts["pids"] == [1, 2]  # bubblewrap's init and the student's Python, nothing else
    assert facts["online"] is False
    assert facts["setsid"] is False  # one session: one share of the CPU (autogroup)
    assert facts["seen"] == []
    assert facts["writable"] == ["/tmp"]
    limits = Limits()
    assert facts["limits"] == [limits.memory_mb * 2**20, limits.cpu_seconds, limits.processes,
                               limits.file_size_mb * 2**20]


def test_replies_decode_to_plain_values_and_a_deaf_sandbox_cannot_hold_the_grader(tmp_path):
    """What student code returns arrives as a base ``numpy.ndarray`` (a subclass whose
    comparisons lie, big-endian or half-precision data, a numpy scalar): its methods never
    cross. A sandbox that stops reading its requests is stopped at the deadline, even when
    the request is larger than the pipe holds."""
    import numpy as np

    from svdcourse_grade.sandbox import Limits, Sandbox, SandboxTimeout, student_site

    if bwrap_path() is None:
        skip_or_fail("Debian package 'bubblewrap' is not installed (make test installs it as root)")
    site = student_site(ROOT, tmp_path / "sandbox")
    box = Sandbox(Limits(), site)
    try:
        reply = box.request({"op": "run", "label": "lies", "source": (
            "import numpy as np, os\n"
            "class Liar(np.ndarray):\n"
            "    def __eq__(self, other):\n        return True\n"
            "    def __array_ufunc__(self, *args, **kwargs):\n        return True\n"
            "def values():\n"
            "    return (np.zeros(3).view(Liar), np.matrix([[1.0, 2.0]]),\n"
            "            np.arange(3, dtype='>f8'), np.ones(2, dtype=np.float16), np.float64(2.5),\n"
            "            np.ma.masked_array([1.0, 2.0], mask=[True, False]))\n"
            "def deaf():\n"
            "    os.read = lambda *args: __import__('time').sleep(3600)\n")}, timeout=60)
        assert reply["error"] is None, reply
        values = box.request({"op": "call", "name": "values", "args": [], "kwargs": {}},
                             timeout=10)["value"]
        assert [type(v) for v in values] == [np.ndarray] * 4 + [np.float64, np.ndarray]
        assert (values[0] == np.ones(3)).tolist() == [False] * 3
        assert values[1].shape == (1, 2) and values[2].tolist() == [0.0, 1.0, 2.0]
        assert values[5].tolist() == [1.0, 2.0]  # the mask does not cross
        box.request({"op": "call", "name": "deaf", "args": [], "kwargs": {}}, timeout=10)
        start = time.monotonic()
        with pytest.raises(SandboxTimeout):
            box.request({"op": "call", "name": "values", "args": [np.zeros(10**6)],
                         "kwargs": {}}, timeout=3)
        assert time.monotonic() - start < 15
        assert not box.alive()
    finally:
        box.close()


LAB2 = "lab02_low_rank"
LAB2_TESTS = ("rank_k_approx_tests", "approx_errors_tests", "energy_retained_tests",
              "smallest_rank_for_energy_tests")
IMITATION = "time limit: the cell ran longer than 5 s"


def lab02_cases() -> dict[str, tuple[str, str, dict]]:
    """A second lab: (base, code added to the first answer cell, {grade_id: reason})."""
    return {
        # numpy scalars returned where the tests accept them (np.float64, np.int64)
        "honest_scalars": ("correct", "", {}),
        # errors named and worded like the grader's own: a failure like any other, no flag
        "imitate_grader": ("blank", (
            "class GradingStopped(BaseException):\n    pass\n"
            "def _stopped(*args, **kwargs):\n"
            f"    raise GradingStopped({IMITATION!r})\n"
            "rank_k_approx = _stopped\n"),  # the later answer cells keep their stubs
            {"rank_k_approx_tests": f"StudentCodeError: GradingStopped: {IMITATION}",
             **{t: BLANK for t in LAB2_TESTS[1:]}}),
        # the tests' own helpers and imports, defined by the student: never used by a test
        "shadow_helpers": ("blank", (
            "def _check_number(*args, **kwargs):\n    return None\n"
            "_check_rank = _check_energy = _check_smallest_rank = check_close = _check_number\n"
            "def check_call(function, *args, **kwargs):\n    return 0.5\n"
            "def check_raises(*args, **kwargs):\n    return None\n"
            "np = None\n"), {t: BLANK for t in LAB2_TESTS}),
    }


def test_a_second_lab_gets_exactly_what_its_work_deserves(tmp_path):
    import nbformat

    if bwrap_path() is None:
        skip_or_fail("Debian package 'bubblewrap' is not installed (make test installs it as root)")
    course = Course(tmp_path / "course", ROOT)
    course.prepare(LAB2)
    source = nbformat.read(course.source_notebook(LAB2), as_version=4)
    released = nbformat.read(course.released_notebook(LAB2), as_version=4)
    funcs = functions(released)
    correct = correct_notebook(source, released)
    cases = lab02_cases()
    for name, (base, code, _) in cases.items():
        nb = copy.deepcopy(correct if base == "correct" else released)
        answer_cell(nb, funcs[0]).source += "\n" + code
        if name == "honest_scalars":
            energy = answer_cell(nb, "energy_retained")
            energy.source = energy.source.replace(
                "return float(np.sum(s[:k] ** 2) / total)", "return np.sum(s[:k] ** 2) / total")
            rank = answer_cell(nb, "smallest_rank_for_energy")
            rank.source = rank.source.replace("            return k", "            return np.int64(k)")
            assert "np.int64(k)" in rank.source and "return np.sum" in energy.source
        write(nb, course.root / "submitted" / name / LAB2, f"{LAB2}.ipynb")
    records = autograde(course, LAB2, jobs=2, cell_timeout=CELL_TIMEOUT, notebook_timeout=120,
                        progress=False)
    for name, (_, _, reasons) in cases.items():
        record = records[name]
        assert (record["status"], record["reason"], record["flags"]) == ("graded", "", []), name
        for grade_id in LAB2_TESTS:
            cell = record["cells"][grade_id]
            want = reasons.get(grade_id, "")
            assert cell["reason"] == want, (name, grade_id, cell["reason"])
            assert cell["score"] == (0 if want else cell["max"]), (name, grade_id)


def test_a_test_helper_is_never_taken_from_the_student(tmp_path):
    """A test cell that failed before defining its helper: a later test cell using the helper
    fails on the name, even though the student defined a lenient function of that name."""
    from nbformat.v4 import new_code_cell, new_notebook

    from svdcourse_grade.runner import run_notebook
    from svdcourse_grade.sandbox import Limits, Sandbox, student_site

    if bwrap_path() is None:
        skip_or_fail("Debian package 'bubblewrap' is not installed (make test installs it as root)")
    site = student_site(ROOT, tmp_path / "sandbox")

    def test_cell(grade_id, source):
        cell = new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "grade_id": grade_id, "points": 1}
        return cell

    nb = new_notebook(cells=[
        new_code_cell("answer = 1\ndef _check_answer(*args):\n    return None\n"),
        test_cell("first", "assert answer == 2, 'wrong answer'\n"
                           "def _check_answer(value):\n    assert value == 2\n"),
        test_cell("second", "_check_answer(answer)\n"),
    ])
    run_notebook(nb, {}, lambda: Sandbox(Limits(), site), {}, cell_timeout=30,
                 notebook_timeout=60)
    errors = [[(o.ename, o.evalue) for o in c.outputs if o.output_type == "error"]
              for c in nb.cells[1:]]
    assert errors == [[("AssertionError", "wrong answer")],
                      [("NameError", "name '_check_answer' is not defined")]]
