"""An adversarial class of submissions, built from a lab's notebooks.

:func:`build_class` writes one submission per case into ``<course>/submitted/<case>/<lab>/``
and returns what each must end with: the expected points of every autograded cell
(``"full"`` or ``0``), the expected status, whether it must be flagged for review.

Cases (``FULL_MATRIX``; ``SUBSET`` for the other labs):

- ``correct``: every answer cell from the instructor version; ``blank``: the student version;
- ``wrong_<i>``: the i-th known wrong answer of every graded function at once
  (``tests/wrong_answers/<lab>.py``);
- ``loop_top``: an infinite loop at the top of an answer cell (the function is never defined);
  ``loop_in_function``: a graded function that never returns;
- ``kernel_crash``: ``os._exit`` in the second answer cell;
- ``huge_output``: 20 MB printed by an answer cell;
- ``invalid_json``: a truncated file; ``missing_notebook``: nothing submitted;
  ``renamed_notebook``: the right notebook under another name;
- ``deleted_tests``, ``edited_tests``: a wrong answer with its test cell deleted or emptied;
- ``duplicated_cells``: the first answer and test cells twice (an old wrong copy first);
- ``transformer_exploit``: wrong answers plus an input transformer that blanks later cells;
- ``numpy_patch``, ``checks_patch``, ``sys_modules_patch``, ``builtins_patch``: wrong answers
  plus monkeypatching of numpy, of ``svdcourse.checks``, of ``sys.modules`` or of builtins.

The tricks act only inside the sandbox, where no test runs: each of those submissions gets
what its wrong answers deserve (zero), with status ``graded``. More attacks, each with its
exact expected outcome, are in ``tests/test_grading_attacks.py``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from wrong_answers import load as load_wrong_answers


FULL_MATRIX = [
    "correct", "blank", "wrong", "loop_top", "loop_in_function", "kernel_crash", "huge_output",
    "invalid_json", "missing_notebook", "renamed_notebook", "deleted_tests", "edited_tests",
    "duplicated_cells", "transformer_exploit", "numpy_patch", "checks_patch",
    "sys_modules_patch", "builtins_patch",
]
SUBSET = ["correct", "blank", "wrong_first", "invalid_json", "duplicated_cells",
          "transformer_exploit"]


#: The cheating cases: the code appended to the first answer cell of a submission whose
#: answers are all wrong. Every test cell must still score zero.
CHEATS = {
    "transformer_exploit": (
        "\nget_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n",
        {}),
    "numpy_patch": (
        "\nimport numpy\n"
        "numpy.allclose = lambda *args, **kwargs: True\n"
        "numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.shape(a), bool)\n"
        "numpy.testing.assert_allclose = lambda *args, **kwargs: None\n"
        "numpy.testing.assert_array_almost_equal = lambda *args, **kwargs: None\n",
        {}),
    "checks_patch": (
        "\nimport svdcourse.checks as _checks\n"
        "for _name in _checks.__all__:\n"
        "    if _name != 'check_call':\n"
        "        setattr(_checks, _name, lambda *args, **kwargs: None)\n"
        "_checks.check_call = lambda f, *args, hint=None, **kwargs: f(*args, **kwargs)\n",
        {}),
    "sys_modules_patch": (
        "\nimport sys, types\n"
        "_fake = types.ModuleType('svdcourse.checks')\n"
        "_fake.__getattr__ = lambda name: (lambda *args, **kwargs: "
        "args[0](*args[1:]) if name == 'check_call' else None)\n"
        "sys.modules['svdcourse.checks'] = _fake\n",
        {}),
    "builtins_patch": (
        "\nimport builtins\n"
        "class _Quiet(Exception):\n    pass\n"
        "builtins.AssertionError = _Quiet\n"
        "_real_isinstance = builtins.isinstance\n"
        "builtins.isinstance = lambda obj, cls: True\n",
        # this breaks the student's own process (the sandbox's server loop): it stops
        {"status": "kernel died", "reason": "kernel died", "flagged": True}),
}


@dataclass
class Expected:
    """What a submission must end with."""

    cells: dict[str, object]  # grade_id -> "full" or 0 (autograded cells)
    status: str | None = "graded"  # None: any status
    flagged: bool = False
    reason: str = ""  # a substring of the submission's reason, or of each zeroed cell's
    notes: list[str] = field(default_factory=list)


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def functions(released) -> list[str]:
    """The graded functions, from the ``<function>_tests`` cells, in notebook order."""
    return [meta(c)["grade_id"].removesuffix("_tests") for c in released.cells
            if c.cell_type == "code" and meta(c).get("grade") and not meta(c).get("solution")]


def answer_cell(nb, function: str):
    for cell in nb.cells:
        if meta(cell).get("grade_id") == f"{function}_answer":
            return cell
    raise KeyError(f"no answer cell for {function}")


def correct_notebook(source, released):
    """The student version with every answer cell filled from the instructor version."""
    nb = copy.deepcopy(released)
    answers = {meta(c)["grade_id"]: c.source for c in source.cells if meta(c).get("solution")}
    for cell in nb.cells:
        if meta(cell).get("solution"):
            gid = meta(cell)["grade_id"]
            cell.source = answers[gid] if cell.cell_type == "code" else (
                "Squaring the singular values squares the condition number, "
                "$\\kappa(A^T A) = \\kappa(A)^2$, so small ones are lost in rounding.")
    return nb


def wrong_source(lab: str, function: str, index: int) -> str | None:
    """Answer-cell source defining ``function`` as its ``index``-th known wrong answer."""
    module = load_wrong_answers(lab)
    if module is None or function not in getattr(module, "WRONG_ANSWERS", {}):
        return None
    answers = module.WRONG_ANSWERS[function]
    if index >= len(answers):
        return None
    text = Path(module.__file__).read_text()
    text = re.sub(r"(?m)^from __future__ import .*$", "", text)
    return f"{text}\n\n{function} = {answers[index][1].__name__}\n"


def n_wrong(lab: str) -> int:
    module = load_wrong_answers(lab)
    if module is None:
        return 0
    return max((len(v) for v in module.WRONG_ANSWERS.values()), default=0)


def write(nb, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)


def build_class(lab: str, source_path: Path, released_path: Path, submitted: Path,
                cases: list[str]) -> dict[str, Expected]:
    """Write the submissions of ``cases`` under ``submitted/`` and return what each expects."""
    source = nbformat.read(source_path, as_version=4)
    released = nbformat.read(released_path, as_version=4)
    funcs = functions(released)
    tests = [f"{f}_tests" for f in funcs]
    full = {t: "full" for t in tests}
    expected: dict[str, Expected] = {}
    name = f"{lab}.ipynb"

    def folder(case: str) -> Path:
        return submitted / case / lab

    def with_wrong(nb, function, index=0):
        text = wrong_source(lab, function, index)
        if text is None:  # no known wrong answer: a function that returns None
            text = f"def {function}(*args, **kwargs):\n    return None\n"
        answer_cell(nb, function).source = text
        return nb

    correct = correct_notebook(source, released)
    for case in cases:
        nb = copy.deepcopy(correct)
        if case == "correct":
            write(nb, folder(case), name)
            expected[case] = Expected(full)
        elif case == "blank":
            write(copy.deepcopy(released), folder(case), name)
            expected[case] = Expected({t: 0 for t in tests})
        elif case in ("wrong", "wrong_first"):
            count = n_wrong(lab) if case == "wrong" else 1
            for i in range(max(count, 1)):
                nb = copy.deepcopy(correct)
                cells = {}
                for f in funcs:
                    if wrong_source(lab, f, i) is not None or count == 0:
                        with_wrong(nb, f, i)
                        cells[f"{f}_tests"] = 0
                    else:
                        cells[f"{f}_tests"] = "full"
                write(nb, folder(f"wrong_{i}"), name)
                expected[f"wrong_{i}"] = Expected(cells)
        elif case == "loop_top":
            cell = answer_cell(nb, funcs[0])
            cell.source = "while True:\n    pass\n\n" + cell.source
            write(nb, folder(case), name)
            expected[case] = Expected({**full, tests[0]: 0}, notes=["time limit"])
        elif case == "loop_in_function":
            answer_cell(nb, funcs[0]).source = (
                f"def {funcs[0]}(*args, **kwargs):\n    while True:\n        pass\n")
            write(nb, folder(case), name)
            expected[case] = Expected({**full, tests[0]: 0}, reason="time limit")
        elif case == "kernel_crash":
            cell = answer_cell(nb, funcs[1])
            cell.source = "import os\nos._exit(1)\n" + cell.source
            write(nb, folder(case), name)
            expected[case] = Expected({t: ("full" if i == 0 else 0) for i, t in enumerate(tests)},
                                      status="kernel died", reason="kernel died", flagged=True)
        elif case == "huge_output":
            cell = answer_cell(nb, funcs[0])
            cell.source += "\nfor _i in range(200):\n    print('x' * 100_000)\n"
            write(nb, folder(case), name)
            expected[case] = Expected(full)
        elif case == "invalid_json":
            folder(case).mkdir(parents=True, exist_ok=True)
            text = nbformat.writes(nb)
            (folder(case) / name).write_text(text[: len(text) // 2])
            expected[case] = Expected({t: 0 for t in tests}, status="invalid notebook",
                                      reason="invalid notebook file")
        elif case == "missing_notebook":
            folder(case).mkdir(parents=True, exist_ok=True)
            (folder(case) / "notes.txt").write_text("I forgot to attach it.")
            expected[case] = Expected({t: 0 for t in tests}, status="missing notebook",
                                      reason="missing notebook")
        elif case == "renamed_notebook":
            write(nb, folder(case), f"{lab} (1).ipynb")
            expected[case] = Expected(full, flagged=True)
        elif case == "deleted_tests":
            with_wrong(nb, funcs[0])
            nb.cells = [c for c in nb.cells if meta(c).get("grade_id") != tests[0]]
            write(nb, folder(case), name)
            expected[case] = Expected({**full, tests[0]: 0})
        elif case == "edited_tests":
            with_wrong(nb, funcs[-1])
            for cell in nb.cells:
                if meta(cell).get("grade_id") == tests[-1]:
                    cell.source = "print('all good')\n"
            write(nb, folder(case), name)
            expected[case] = Expected({**full, tests[-1]: 0})
        elif case == "duplicated_cells":
            cells = []
            for cell in nb.cells:
                gid = meta(cell).get("grade_id")
                if gid == f"{funcs[0]}_answer":
                    old = copy.deepcopy(cell)
                    old.source = f"def {funcs[0]}(*args, **kwargs):\n    return None\n"
                    old["id"] = "an-old-copy"
                    cells.append(old)
                if gid == tests[0]:
                    cells.append(cell)
                    dup = copy.deepcopy(cell)
                    dup["id"] = "a-copied-test"
                    cells.append(dup)
                    continue
                cells.append(cell)
            nb.cells = cells
            write(nb, folder(case), name)
            expected[case] = Expected(full, notes=["appears 2 times"])
        elif case in CHEATS:
            # wrong answers everywhere, and a trick appended to the first answer cell
            trick, outcome = CHEATS[case]
            for f in funcs:
                with_wrong(nb, f)
            answer_cell(nb, funcs[0]).source += trick
            write(nb, folder(case), name)
            expected[case] = Expected({t: 0 for t in tests}, **outcome)
        else:
            raise ValueError(f"unknown case {case!r}")
    return expected
