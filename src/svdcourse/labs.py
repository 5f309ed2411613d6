"""What every lab notebook needs in its first cell.

Each lab is written against one release of :mod:`svdcourse`. Its first code cell
calls :func:`require_version` so that a student with an older or newer helper
package learns at once, and in plain words, what to install, instead of meeting
a confusing error halfway through the lab.
"""

from __future__ import annotations

import re

__all__ = ["IncompatibleVersionError", "require_version"]

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


class IncompatibleVersionError(RuntimeError):
    """The installed svdcourse is not the release a lab was written for."""


def _parse(version: str, what: str) -> tuple[int, int, int]:
    """``"0.1.2"`` (or ``"0.1.2.dev3"``, ``"0.1.2rc1"``) -> ``(0, 1, 2)``."""
    match = _VERSION.match(str(version).strip())
    if match is None:
        raise ValueError(f"{what} should be a version number like '0.1.0', got {version!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def require_version(expected: str) -> str:
    """Check that the installed svdcourse suits a lab written for ``expected``.

    A lab written for version ``X.Y.Z`` runs with any installed ``X.Y.P`` where
    ``P >= Z``: patch releases only fix bugs, while a new minor or major release
    may change what the checks accept or how the helpers behave.

    Parameters
    ----------
    expected : str
        The version the lab was written for, e.g. ``"0.1.0"``.

    Returns
    -------
    str
        The installed version, when it is compatible.

    Raises
    ------
    IncompatibleVersionError
        If the installed version has another major or minor number, or an older
        patch number. The message says which version is installed, which one the
        lab expects, and how to install the right one (the wheel from the Labs
        page of the course website, then ``pip install``).
    ValueError
        If ``expected`` is not a version number.

    Examples
    --------
    The first code cell of a lab:

    >>> import svdcourse.labs
    >>> svdcourse.labs.require_version(svdcourse.__version__) == svdcourse.__version__
    True

    A lab from another release series stops with instructions:

    >>> svdcourse.labs.require_version("99.0.0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    svdcourse.labs.IncompatibleVersionError: This lab was written for svdcourse 99.0.0, ...
    """
    from svdcourse import __version__ as installed  # read at call time (tests patch it)

    want = _parse(expected, "the version the lab expects")
    have = _parse(installed, "the installed svdcourse version")
    if have[:2] == want[:2] and have[2] >= want[2]:
        return installed
    series = f"{want[0]}.{want[1]}"
    if have[:2] == want[:2]:
        problem = f"the installed svdcourse {installed} is older than that"
    else:
        problem = f"svdcourse {installed} is installed, from another release series"
    raise IncompatibleVersionError(
        f"This lab was written for svdcourse {expected}, but {problem}. The lab needs "
        f"version {series}.x with x >= {want[2]}.\n"
        "What to do: open the page \"Labs\" of the course website (under \"Doing the "
        f"course\"), download the svdcourse wheel for version {series} there (a file named "
        f"like svdcourse-{expected}-py3-none-any.whl), and install it in a terminal where the "
        "course's virtual environment is active (the student guide shows how) with\n"
        f"    python -m pip install svdcourse-{expected}-py3-none-any.whl\n"
        "(use the name of the file you downloaded), then restart the kernel and run this "
        "notebook again from the top."
    )
