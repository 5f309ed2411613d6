"""Known wrong (and known right) answers to the graded lab functions, one module per lab.

Convention, relied on by ``tests/test_labs.py``: ``tests/wrong_answers/<lab id>.py`` defines

``WRONG_ANSWERS``
    ``dict`` mapping each graded function's name to a list of ``(label, function)`` pairs:
    plausible wrong implementations that the lab's test cell (hidden tests included) must
    reject. At least three per graded function.
``OTHER_RIGHT_ANSWERS`` (optional)
    the same layout, for correct implementations that differ from the reference solution
    (other signs of the singular vectors, another basis for a repeated singular value, another
    way to complete a basis). The test cell must accept them: it must not be stricter than the
    mathematics.

The functions here are plain numpy and import nothing from the labs; ``test_labs.py`` puts
each one into the notebook's namespace under the graded name and runs the test cell. This
package also holds what several of those modules share (:func:`rotate_repeated`) and the one
way to load a lab's module (:func:`load`).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np

FOLDER = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def load(lab: str) -> ModuleType | None:
    """The module ``tests/wrong_answers/<lab>.py``, or None when the lab has none yet."""
    path = FOLDER / f"{lab}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"wrong_answers.{lab}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rotate_repeated(U, s, Vt):
    """Mix the singular vectors inside each group of equal singular values by a rotation.

    For a repeated singular value any orthonormal basis of its subspace is right, as long as
    the u's and v's are rotated together; this picks another one than LAPACK does, so that
    "other right answers" exercise the tests' tolerance of that freedom.
    """
    U, Vt = U.copy(), Vt.copy()
    tol = 1e-8 * max(float(s[0]), 1.0) if len(s) else 0.0
    start = 0
    for i in range(1, len(s) + 1):
        if i == len(s) or s[i - 1] - s[i] > tol:
            size = i - start
            if size > 1:
                angle = 0.7
                R = np.eye(size)
                R[:2, :2] = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
                block = slice(start, i)
                U[:, block] = U[:, block] @ R
                Vt[block] = R.T @ Vt[block]
            start = i
    return U, s, Vt
