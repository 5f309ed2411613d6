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
each one into the notebook's namespace under the graded name and runs the test cell. Each module
is self-contained (numpy only, no import from this package): the grading tests paste a
module's whole source into a student notebook. This package holds the one way to load a lab's
module (:func:`load`).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

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
