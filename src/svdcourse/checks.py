"""SVD-aware checks for lab tests, with messages that name the likely mistake.

Every function here either returns ``None`` (the value passed the check) or raises
:class:`AssertionError` with a message in plain words: what was given, what was
expected, and, where the numbers allow it, the mistake that most likely produced
the value (``V`` returned for ``V^T``, singular values in ascending order, a full
SVD where a thin one was asked, a forgotten square root, a division by a zero
singular value, ...).

The checks compare only what the mathematics fixes. Singular vectors are fixed
only up to sign, and only up to a rotation inside the subspace of a repeated
singular value, so :func:`check_equal_up_to_sign`, :func:`check_same_subspace`
and :func:`check_reconstruction` never compare them entry by entry.

Nothing here computes an answer to a lab question: the checks take the
student's value and the expected value (or the matrix) and compare.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import traceback
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "check_call",
    "check_tuple",
    "check_shape",
    "check_finite",
    "check_close",
    "check_descending",
    "check_singular_values",
    "check_orthonormal_columns",
    "check_orthonormal_rows",
    "check_equal_up_to_sign",
    "check_same_subspace",
    "check_reconstruction",
    "check_raises",
    "check_does_not_use",
]

#: Hint appended when a value holds nan or inf.
_NAN_HINT = (
    "nan or inf usually comes from dividing by a singular value that is zero "
    "(or from the square root of a slightly negative eigenvalue): treat tiny "
    "singular values as zero instead of dividing by them"
)


# --------------------------------------------------------------------------------------
# small helpers (private)
# --------------------------------------------------------------------------------------


def _message_first(error: BaseException) -> list[str]:
    """How Jupyter shows a failed check: the message first, then the test-cell line.

    IPython asks an exception for ``_render_traceback_`` before it formats the usual
    traceback; the frames inside this module would only push the message down.
    """
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename != __file__]
    lines = [f"{type(error).__name__}: {error}"]
    if frames:
        lines += ["", "The check that failed is on this line of the test cell:"]
        lines += [line.rstrip("\n") for line in traceback.format_list(frames[-1:])]
    return lines


def _fail(message: str) -> None:
    """Raise the AssertionError every check raises, shown message first in Jupyter."""
    error = AssertionError(message)
    error._render_traceback_ = lambda: _message_first(error)  # read by IPython only
    raise error


def _fmt(value: Any) -> str:
    """A short, readable rendering of a number or an array for a message."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return np.format_float_positional(float(arr), precision=6, trim="-") if np.isrealobj(
            arr
        ) else str(arr.item())
    text = np.array2string(
        arr, precision=4, suppress_small=True, threshold=30, edgeitems=3, max_line_width=88
    )
    return text if "\n" not in text else "\n    " + text.replace("\n", "\n    ")


def _as_array(value: Any, name: str) -> NDArray[np.float64]:
    """Convert a student's value to a float array, or fail with a clear message."""
    if value is None:
        _fail(f"{name} is None: did the function end without `return`?")
    if isinstance(value, (str, bytes, dict, set)):
        _fail(f"{name} should be a numpy array (or numbers), got a {type(value).__name__}.")
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged sequences
        _fail(f"{name} could not be read as an array ({err}); return a numpy array.")
    if arr.dtype == object:
        _fail(
            f"{name} could not be read as an array of numbers (its parts have different "
            "shapes or are not numbers); return a numpy array."
        )
    if np.iscomplexobj(arr):
        _fail(
            f"{name} has complex entries; singular values and vectors of a real matrix are "
            "real. (np.linalg.eig of a matrix that is not symmetric can return complex "
            "numbers; use np.linalg.svd, or np.linalg.eigh on a symmetric matrix.)"
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        _fail(f"{name} should hold numbers, got an array of dtype {arr.dtype}.")
    return arr.astype(float)


def _close(a: NDArray, b: NDArray, rtol: float, atol: float) -> bool:
    """Whether two arrays have the same shape and agree to the tolerances."""
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _known_mistake(
    actual: NDArray, expected: NDArray, rtol: float, atol: float, what: str
) -> str | None:
    """Name a common mistake that turns ``expected`` into ``actual``, if one fits.

    ``what`` is how the message refers to the values ("the values", "the columns").
    """
    if actual.shape != expected.shape or actual.size == 0:
        return None

    def fits(candidate: NDArray) -> bool:
        # a candidate only explains the value when it differs from what was expected
        return _close(actual, candidate, rtol, atol) and not _close(
            candidate, expected, rtol, atol
        )

    if fits(expected**2):
        return (
            f"{what} look like the squares of the expected ones: is a square root missing? "
            "(the eigenvalues of A^T A are s_i**2, not s_i)"
        )
    if np.all(expected >= 0) and fits(np.sqrt(expected)):
        return f"{what} look like the square roots of the expected ones: one square root too many?"
    if expected.ndim >= 1 and fits(expected[::-1]):
        return (
            f"{what} are in reverse order: are they ascending where descending (largest "
            "first) is expected? np.linalg.eigh returns eigenvalues in ascending order."
        )
    if expected.ndim == 1 and fits(np.sort(expected)):
        return f"{what} are sorted in ascending order; expected largest first (descending)."
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and fits(expected.T):
        return (
            f"{what} match the transpose of the expected array: rows and columns swapped "
            "(for instance V where V^T is asked, or rows of U where columns are asked)?"
        )
    if fits(-expected):
        return f"{what} have the opposite sign of the expected ones everywhere."
    if fits(np.abs(expected)) or fits(-np.abs(expected)) or (
        _close(np.abs(actual), np.abs(expected), rtol, atol)
        and not _close(actual, expected, rtol, atol)
    ):
        return f"{what} have the right sizes but some signs differ from the expected ones."
    # a constant factor, for instance a forgotten division
    flat_e, flat_a = expected.ravel(), actual.ravel()
    denom = float(flat_e @ flat_e)
    if denom > 0:
        factor = float(flat_a @ flat_e) / denom
        if abs(factor - 1) > 1e-6 and abs(factor) > 1e-12 and fits(factor * expected):
            return f"{what} are the expected ones times {factor:.6g}: a missing or extra factor?"
    return None


def _where_worst(actual: NDArray, expected: NDArray) -> str:
    """Describe the entry where two same-shaped arrays differ most."""
    diff = np.abs(actual - expected)
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    where = f"[{', '.join(str(i) for i in idx)}]" if actual.ndim else ""
    return (
        f"largest difference {_fmt(diff[idx])} at index {where}: got {_fmt(actual[idx])}, "
        f"expected {_fmt(expected[idx])}"
    )


# --------------------------------------------------------------------------------------
# calling, and the structure of what comes back: tuples, shapes, finiteness
# --------------------------------------------------------------------------------------

_SHAPE_ERRORS = ("mismatch in its core dimension", "could not be broadcast", "not aligned",
                 "shapes", "dimension")


def check_call(function: Any, *args: Any, hint: str = "") -> Any:
    """Call a student's function; explain a shape error raised inside it in plain words.

    Parameters
    ----------
    function : callable
        The function to call, e.g. ``svd_steps``.
    *args
        Its arguments. Arrays among them are described by shape in the message.
    hint : str, optional
        A sentence added when the call fails with a shape error, e.g. the shapes
        the thin SVD of the test matrix has.

    Returns
    -------
    object
        What the function returned.

    Raises
    ------
    AssertionError
        If the function raises a ``ValueError`` about shapes (two arrays that do
        not fit together, typically a full SVD where a thin one is needed, or
        ``V`` used where ``V^T`` is); the message quotes the original error.
    Exception
        Any other exception from the function is raised unchanged, including the
        ``NotImplementedError`` of an answer not yet written.

    Examples
    --------
    >>> import numpy as np
    >>> check_call(np.dot, np.ones(2), np.ones(2))
    np.float64(2.0)
    >>> check_call(np.dot, np.ones(2), np.ones(3), hint="Is x the right length?")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: dot(array of shape (2,), array of shape (3,)) failed inside the function: ...
    """
    try:
        return function(*args)
    except ValueError as err:
        if not any(marker in str(err) for marker in _SHAPE_ERRORS):
            raise
        described = ", ".join(
            f"array of shape {np.shape(a)}" if isinstance(a, np.ndarray) else repr(a)
            for a in args
        )
        name = getattr(function, "__name__", "the function")
        message = (
            f"{name}({described}) failed inside the function: {err}. Two arrays there have "
            "shapes that do not fit together. Print the shapes of U, s and Vt: a full SVD "
            "(full_matrices=True) where a thin one is asked, or V used where V^T is, are the "
            "usual causes." + (f" {hint}" if hint else "")
        )
    _fail(message)  # outside the `except`: no chained numpy traceback above the message


def check_raises(
    exception: type[Exception], function: Any, *args: Any, call: str, why: str
) -> None:
    """Check that a call raises the exception the task asks for.

    Parameters
    ----------
    exception : type
        The exception class expected, e.g. ``ValueError``.
    function : callable
        The function to call.
    *args
        Its arguments.
    call : str
        The call as the message shows it, e.g. ``"rank_k_approx(A, -1)"``.
    why : str
        Why the task wants the exception, e.g. ``"k must be >= 0"``.

    Raises
    ------
    AssertionError
        If the call returns normally, or raises another exception (an answer not
        written yet, ``NotImplementedError``, is let through unchanged).

    Examples
    --------
    >>> import math
    >>> check_raises(ValueError, math.sqrt, -1.0, call="math.sqrt(-1.0)", why="no real root")
    >>> check_raises(ValueError, abs, -2.5, call="abs(-2.5)", why="no reason")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: abs(-2.5) should raise ValueError (no reason), but it returned 2.5.
    """
    try:
        result = function(*args)
    except exception:
        return
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001 - named in the message
        message = (
            f"{call} should raise {exception.__name__} ({why}), but it raised "
            f"{type(err).__name__}: {err}"
        )
    else:
        shown = _fmt(result) if isinstance(result, (int, float, np.number, np.ndarray)) else repr(result)
        message = f"{call} should raise {exception.__name__} ({why}), but it returned {shown}."
    _fail(message)


def check_tuple(value: Any, items: Sequence[str], name: str) -> None:
    """Check that a function returned a tuple with the expected number of items.

    Parameters
    ----------
    value : object
        What the function returned.
    items : sequence of str
        Names of the items expected, in order (``("U", "s", "Vt")``); only their
        number is checked, the names make the message readable.
    name : str
        How to call the value in the message, e.g. ``"svd_via_eig(A)"``.

    Raises
    ------
    AssertionError
        If ``value`` is not a tuple (or list) with ``len(items)`` items.

    Examples
    --------
    >>> import numpy as np
    >>> check_tuple((np.ones(2), np.eye(2)), ("lengths", "directions"), "ellipse_axes(A)")
    >>> check_tuple(np.eye(2), ("lengths", "directions"), "ellipse_axes(A)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ellipse_axes(A) should return a tuple of 2 items (lengths, directions), ...
    """
    expected = len(items)
    listed = ", ".join(items)
    if value is None:
        _fail(
            f"{name} returned None; it should return a tuple of {expected} items "
            f"({listed}). Did the function end without `return`?"
        )
    if not isinstance(value, (tuple, list)):
        got = (
            f"a single array of shape {np.shape(value)}"
            if isinstance(value, np.ndarray)
            else f"a {type(value).__name__}"
        )
        _fail(
            f"{name} should return a tuple of {expected} items ({listed}), but returned "
            f"{got}. Write `return {listed}`."
        )
    if len(value) != expected:
        _fail(
            f"{name} should return a tuple of {expected} items ({listed}), but returned "
            f"{len(value)} item{'s' if len(value) != 1 else ''}."
        )


def check_shape(
    value: ArrayLike, expected_shape: tuple[int, ...], name: str, *, hint: str = ""
) -> None:
    """Check the shape of an array, naming the likely cause when it is wrong.

    Parameters
    ----------
    value : array_like
        The array to check.
    expected_shape : tuple of int
        The shape it should have.
    name : str
        How to call the value in the message, e.g. ``"U"``.
    hint : str, optional
        Extra sentence appended to the message when the shape is wrong.

    Raises
    ------
    AssertionError
        If the shape differs. The message says when the shape is the transposed
        one (``V`` returned for ``V^T``), when a square array came back where a
        thin one was expected (``full_matrices=True``), and when a diagonal matrix
        came back where a vector of singular values was expected.

    Examples
    --------
    >>> import numpy as np
    >>> check_shape(np.zeros((5, 3)), (5, 3), "U")
    >>> check_shape(np.zeros((5, 5)), (5, 3), "U")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: U has shape (5, 5), expected (5, 3). ... did you use full_matrices=True? ...
    >>> check_shape(np.zeros((4, 2)), (2, 4), "Vt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: Vt has shape (4, 2), expected (2, 4). ... did you return V instead of V^T ...
    """
    arr = _as_array(value, name)
    expected_shape = tuple(int(n) for n in expected_shape)
    got = arr.shape
    if got == expected_shape:
        return
    reasons = []
    if len(got) == 2 and len(expected_shape) == 2 and got == expected_shape[::-1]:
        reasons.append(
            "That is the transposed shape: did you return V instead of V^T (Vt), or rows "
            "where columns are asked (or the other way round)?"
        )
    elif (
        len(got) == 2
        and len(expected_shape) == 2
        and got[0] == got[1]
        and max(expected_shape) == got[0]
        and min(expected_shape) < got[0]
    ):
        reasons.append(
            f"A square array came back where a thin one is asked: did you use "
            f"full_matrices=True? A thin SVD keeps only min(m, n) = {min(expected_shape)} "
            "singular vectors (np.linalg.svd(A, full_matrices=False))."
        )
    elif len(got) == 1 and len(expected_shape) == 1 and got[0] > expected_shape[0]:
        reasons.append(
            f"It has {got[0] - expected_shape[0]} entries too many: a full SVD where a thin "
            "one is asked, or too many components kept?"
        )
    elif (
        len(got) == 2
        and len(expected_shape) == 1
        and got == (expected_shape[0],) * 2
        and np.allclose(arr, np.diag(np.diag(arr)))
    ):
        reasons.append(
            "A diagonal matrix came back where a vector is expected: did you return "
            "np.diag(s) instead of the vector s?"
        )
    elif len(got) >= 2 and len(expected_shape) == 1:
        reasons.append(
            "A matrix came back where a vector is expected: are the returned items in the "
            "order asked?"
        )
    elif len(got) == 1 and len(expected_shape) == 2:
        reasons.append(
            "A vector came back where a 2-D array (matrix) is expected: are the returned "
            "items in the order asked?"
        )
    elif len(got) == 0 and len(expected_shape) > 0:
        reasons.append("A single number came back where an array is expected.")
    if hint:
        reasons.append(hint)
    _fail(f"{name} has shape {got}, expected {expected_shape}. " + " ".join(reasons))


def check_finite(value: ArrayLike, name: str) -> None:
    """Check that an array holds no nan or inf.

    Parameters
    ----------
    value : array_like
        The array to check.
    name : str
        How to call the value in the message.

    Raises
    ------
    AssertionError
        If some entry is nan or infinite; the message suggests a division by a
        zero singular value, the usual cause in this course.

    Examples
    --------
    >>> import numpy as np
    >>> check_finite(np.array([1.0, 2.0]), "s")
    >>> check_finite(np.array([1.0, np.nan]), "U")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: U contains 1 nan/inf entry (first at index [1]). nan or inf usually ...
    """
    arr = _as_array(value, name)
    bad = ~np.isfinite(arr)
    if bad.any():
        first = np.argwhere(bad)[0] if arr.ndim else ()
        count = int(bad.sum())
        where = "[" + ", ".join(str(int(i)) for i in first) + "]"
        _fail(
            f"{name} contains {count} nan/inf entr{'y' if count == 1 else 'ies'} "
            f"(first at index {where}). {_NAN_HINT}."
        )


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------


def check_close(
    actual: ArrayLike,
    expected: ArrayLike,
    name: str,
    *,
    rtol: float = 1e-7,
    atol: float = 1e-9,
    hints: Sequence[tuple[ArrayLike, str]] = (),
) -> None:
    """Check that a value equals the expected one to a tolerance, entry by entry.

    Use this for quantities that the SVD fixes (singular values, products such as
    ``A @ x``, reconstructions), never for singular vectors themselves: see
    :func:`check_equal_up_to_sign` and :func:`check_same_subspace`.

    Parameters
    ----------
    actual : array_like
        The value to check.
    expected : array_like
        The correct value.
    name : str
        How to call the value in the message.
    rtol, atol : float, optional
        Relative and absolute tolerance, as in :func:`numpy.allclose`.
    hints : sequence of (array_like, str), optional
        Known wrong values and the message to give when ``actual`` matches one,
        e.g. ``[(s * x, "the steps are in the wrong order")]``. They are tried
        before the built-in diagnoses.

    Raises
    ------
    AssertionError
        If the shapes differ (see :func:`check_shape`), the value holds nan/inf,
        or some entry differs. When ``actual`` matches a simple transformation of
        ``expected`` the message names it: squares (missing square root), reverse
        or ascending order, transpose, opposite sign, a constant factor.

    Examples
    --------
    >>> import numpy as np
    >>> check_close([3.0, 2.0], np.array([3.0, 2.0]), "s")
    >>> check_close([9.0, 4.0], np.array([3.0, 2.0]), "s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: s is not what was expected: ... look like the squares of the expected ones: is a square root missing? ...
    >>> check_close([2.0, 3.0], np.array([3.0, 2.0]), "s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: s is not what was expected: ... are in reverse order: ...
    """
    exp = _as_array(expected, "the expected value")
    act = _as_array(actual, name)
    if act.shape != exp.shape:
        check_shape(act, exp.shape, name)
    check_finite(act, name)
    if _close(act, exp, rtol, atol):
        return
    reason = None
    for candidate, message in hints:
        cand = _as_array(candidate, "a hint")
        if _close(act, cand, rtol, atol) and not _close(cand, exp, rtol, atol):
            reason = message
            break
    if reason is None:
        reason = _known_mistake(act, exp, rtol, atol, "the values")
    if exp.ndim == 0:
        detail = f"got {_fmt(act)}, expected {_fmt(exp)}"
    else:
        detail = f"{_where_worst(act, exp)}.\n  got:      {_fmt(act)}\n  expected: {_fmt(exp)}"
    _fail(f"{name} is not what was expected: " + (f"{reason} " if reason else "") + detail)


def check_descending(s: ArrayLike, name: str, *, atol: float = 1e-12) -> None:
    """Check that a 1-D array is sorted largest first (ties allowed).

    Parameters
    ----------
    s : array_like
        Usually singular values.
    name : str
        How to call the value in the message.
    atol : float, optional
        An entry may exceed the one before it by this much (rounding).

    Raises
    ------
    AssertionError
        If ``s`` is not 1-D, holds nan/inf, or increases somewhere. The message
        says whether the order is ascending (``np.linalg.eigh`` returns its
        eigenvalues that way) or mixed.

    Examples
    --------
    >>> check_descending([3.0, 2.0, 2.0, 0.0], "s")
    >>> check_descending([1.0, 2.0, 3.0], "s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: s is in ascending order (smallest first): [1. 2. 3.]. ...
    """
    arr = _as_array(s, name)
    if arr.ndim != 1:
        _fail(f"{name} should be a 1-D array (a vector), got shape {arr.shape}.")
    check_finite(arr, name)
    steps = np.diff(arr)
    tol = atol * max(1.0, float(np.max(np.abs(arr), initial=0.0)))
    if np.all(steps <= tol):
        return
    if np.all(steps >= -tol):
        _fail(
            f"{name} is in ascending order (smallest first): {_fmt(arr)}. Singular values "
            "are listed largest first: reverse them with [::-1], and reverse the matching "
            "singular vectors too. (np.linalg.eigh returns eigenvalues in ascending order.)"
        )
    i = int(np.argmax(steps > tol))
    _fail(
        f"{name} is not sorted largest first: entry {i + 1} ({_fmt(arr[i + 1])}) is larger than "
        f"entry {i} ({_fmt(arr[i])}). Sort in descending order (order = np.argsort(s)[::-1]) "
        "and reorder the singular vectors the same way."
    )


def check_singular_values(
    s: ArrayLike, expected: ArrayLike, name: str = "s", *, rtol: float = 1e-7, atol: float = 1e-9
) -> None:
    """Check a vector of singular values against the correct ones.

    Runs, in order: shape (a full SVD or ``np.diag(s)`` is named), no nan/inf, no
    negative value, descending order, then closeness (squares of the expected
    values are named as a missing square root).

    Parameters
    ----------
    s : array_like
        The singular values to check.
    expected : array_like
        The correct singular values, descending.
    name : str, optional
        How to call the value in the message.
    rtol, atol : float, optional
        Tolerances for the comparison; a singular value that should be zero comes
        out of some algorithms as about ``1e-8 * s[0]``, so pass ``atol`` to match.

    Raises
    ------
    AssertionError
        With a message naming the first problem found.

    Examples
    --------
    >>> import numpy as np
    >>> check_singular_values([3.0, 1.0], np.array([3.0, 1.0]))
    >>> check_singular_values([3.0, -1.0], np.array([3.0, 1.0]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: s has a negative entry (-1 at index 1); singular values are never negative...
    """
    exp = _as_array(expected, "the expected singular values")
    arr = _as_array(s, name)
    check_shape(arr, exp.shape, name)
    check_finite(arr, name)
    tol = atol + rtol * float(np.max(np.abs(exp), initial=0.0))
    if np.any(arr < -tol):
        i = int(np.argmax(arr < -tol))
        _fail(
            f"{name} has a negative entry ({_fmt(arr[i])} at index {i}); singular values are "
            "never negative. (For a symmetric matrix s_i = |lambda_i|; a square root of a "
            "clipped eigenvalue, np.sqrt(np.maximum(lam, 0)), avoids rounding below zero.)"
        )
    check_descending(arr, name, atol=max(atol, 1e-12))
    check_close(arr, exp, name, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------------------
# singular vectors
# --------------------------------------------------------------------------------------


def _check_orthonormal(Q: NDArray, name: str, atol: float, kind: str) -> None:
    """Shared body of the column and row checks; ``kind`` is "column" or "row"."""
    vectors = Q if kind == "column" else Q.T  # the vectors to test are columns here
    n_dim, n_vec = vectors.shape
    other = "row" if kind == "column" else "column"
    gram = vectors.T @ vectors
    if np.allclose(gram, np.eye(n_vec), rtol=0, atol=atol):
        return
    lengths = np.linalg.norm(vectors, axis=0)
    if n_vec > n_dim:
        also = ""
        if np.allclose(vectors @ vectors.T, np.eye(n_dim), rtol=0, atol=atol):
            also = f" Its {other}s are orthonormal: is the array transposed?"
        _fail(
            f"{name} has {n_vec} {kind}s of length {n_dim}; {n_vec} vectors in "
            f"{n_dim} dimensions cannot be orthonormal.{also} (A full SVD where a thin one "
            "is asked also gives too many vectors.)"
        )
    zero = np.flatnonzero(lengths <= atol)
    if zero.size:
        _fail(
            f"{kind} {', '.join(str(int(j)) for j in zero)} of {name} "
            f"{'is' if zero.size == 1 else 'are'} zero. A zero singular value gives no "
            f"direction through A v_i / s_i: complete the {kind}s to an orthonormal set "
            "(for instance with np.linalg.qr) instead."
        )
    off = gram - np.diag(np.diag(gram))
    unit = np.allclose(lengths, 1.0, rtol=0, atol=atol)
    # orthogonal: the off-diagonal Gram entries are small relative to the lengths
    cosines = off / np.outer(lengths, lengths)
    orthogonal = np.allclose(cosines, 0.0, rtol=0, atol=atol)
    if orthogonal and not unit:
        _fail(
            f"the {kind}s of {name} are orthogonal but not of length 1: lengths "
            f"{_fmt(lengths)}. Did you forget to normalise, for instance to divide A v_i by "
            "s_i?"
        )
    if unit and not orthogonal:
        i, j = np.unravel_index(int(np.argmax(np.abs(off))), off.shape)
        _fail(
            f"the {kind}s of {name} have length 1 but are not orthogonal: {kind}s {i} and "
            f"{j} have dot product {_fmt(off[i, j])}. Vectors for zero (or repeated) singular "
            "values must be chosen orthogonal to the others."
        )
    worst = float(np.max(np.abs(gram - np.eye(n_vec))))
    _fail(
        f"the {kind}s of {name} are not orthonormal: its Gram matrix differs from the "
        f"identity by up to {_fmt(worst)} ({kind} lengths {_fmt(lengths)})."
    )


def check_orthonormal_columns(Q: ArrayLike, name: str, *, atol: float = 1e-8) -> None:
    """Check that the columns of a matrix are orthonormal (``Q.T @ Q == I``).

    Parameters
    ----------
    Q : array_like, shape (m, k)
        Typically ``U`` of a thin SVD, or a matrix of directions.
    name : str
        How to call the value in the message.
    atol : float, optional
        Largest allowed deviation of ``Q.T @ Q`` from the identity.

    Raises
    ------
    AssertionError
        The message says which: too many columns (a full SVD or a transposed
        array), a zero column (a zero singular value that was not completed), columns
        orthogonal but not unit length (a forgotten division), unit length but not
        orthogonal, or nan/inf (a division by zero).

    Examples
    --------
    >>> import numpy as np
    >>> check_orthonormal_columns(np.eye(3)[:, :2], "U")
    >>> check_orthonormal_columns(np.diag([2.0, 1.0]), "U")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: the columns of U are orthogonal but not of length 1: lengths [2. 1.]. ...
    """
    arr = _as_array(Q, name)
    if arr.ndim != 2:
        _fail(f"{name} should be a 2-D array whose columns are vectors, got shape {arr.shape}.")
    check_finite(arr, name)
    _check_orthonormal(arr, name, atol, "column")


def check_orthonormal_rows(Q: ArrayLike, name: str, *, atol: float = 1e-8) -> None:
    """Check that the rows of a matrix are orthonormal (``Q @ Q.T == I``).

    Parameters
    ----------
    Q : array_like, shape (k, n)
        Typically ``Vt`` of a thin SVD.
    name : str
        How to call the value in the message.
    atol : float, optional
        Largest allowed deviation of ``Q @ Q.T`` from the identity.

    Raises
    ------
    AssertionError
        As :func:`check_orthonormal_columns`, speaking of rows.

    Examples
    --------
    >>> import numpy as np
    >>> check_orthonormal_rows(np.eye(3)[:2], "Vt")
    >>> check_orthonormal_rows(np.ones((2, 3)) / np.sqrt(3), "Vt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: the rows of Vt have length 1 but are not orthogonal: rows 0 and 1 have dot product 1. ...
    """
    arr = _as_array(Q, name)
    if arr.ndim != 2:
        _fail(f"{name} should be a 2-D array whose rows are vectors, got shape {arr.shape}.")
    check_finite(arr, name)
    _check_orthonormal(arr, name, atol, "row")


def check_equal_up_to_sign(
    actual: ArrayLike,
    expected: ArrayLike,
    name: str,
    *,
    axis: int | None = 0,
    rtol: float = 1e-7,
    atol: float = 1e-8,
    hints: Sequence[tuple[ArrayLike, str]] = (),
) -> None:
    """Check singular vectors (or coordinates on them) allowing each its own sign.

    A singular vector is fixed only up to sign: if ``(u_i, v_i)`` is a singular
    pair, so is ``(-u_i, -v_i)``, and ``np.linalg.svd`` picks either. This check
    accepts each vector, or its negative.

    Only use it where the singular values are distinct; for a repeated singular
    value compare subspaces with :func:`check_same_subspace` instead.

    Parameters
    ----------
    actual, expected : array_like
        Arrays of the same shape.
    name : str
        How to call the value in the message.
    axis : {0, 1, None}, optional
        Along which axis each vector runs: ``0`` (default) when the vectors are the
        columns (``U``, directions), ``1`` when they are the rows (``Vt``); a 1-D
        array is one vector, with one sign. ``None`` compares every entry up to its
        own sign, for a vector of coordinates on the singular vectors such as
        ``Vt @ x``.
    rtol, atol : float, optional
        Tolerances: a vector passes when it is within ``atol + rtol * |e|`` of
        ``e`` or of ``-e``.
    hints : sequence of (array_like, str), optional
        Known wrong values and the message to give when ``actual`` matches one up
        to sign, e.g. ``[(V, "these are the input directions, not the output
        directions")]``. They are tried before the built-in diagnoses.

    Raises
    ------
    AssertionError
        The message names a transposed array (rows given where columns are asked,
        ``V`` for ``V^T``), a reversed or permuted order, a vector pointing the right
        way but with the wrong length, or the first vector that differs.

    Examples
    --------
    >>> import numpy as np
    >>> U = np.array([[0.6, -0.8], [0.8, 0.6]])
    >>> check_equal_up_to_sign(U * [1, -1], U, "U")
    >>> check_equal_up_to_sign(U.T, U, "U")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: U: the rows of U match the expected columns: ...
    >>> check_equal_up_to_sign([-1.0, 2.0], np.array([1.0, 2.0]), "Vt @ x", axis=None)
    """
    exp = _as_array(expected, "the expected value")
    act = _as_array(actual, name)
    if act.shape != exp.shape:
        check_shape(act, exp.shape, name)
    check_finite(act, name)
    if axis is None:
        # every entry is its own coordinate, each with its own sign
        a, e = np.abs(act.ravel()), np.abs(exp.ravel())
        if np.allclose(a, e, rtol=rtol, atol=atol):
            return
        for candidate, message in hints:
            cand = np.abs(_as_array(candidate, "a hint").ravel())
            if _close(a, cand, rtol, atol) and not _close(cand, e, rtol, atol):
                _fail(f"{name}: {message}")
        reason = _known_mistake(a, e, rtol, atol, "the sizes of the entries")
        _fail(
            f"{name}: the entries differ by more than a sign: "
            + (f"{reason} " if reason else "")
            + f"{_where_worst(a, e)} (in absolute value).\n  got:      {_fmt(act)}\n"
            f"  expected: {_fmt(exp)} (each entry up to sign)"
        )
    if axis not in (0, 1) or exp.ndim not in (1, 2):
        raise ValueError("axis must be 0 (columns), 1 (rows) or None (entries); arrays 1-D or 2-D")
    if exp.ndim == 1:  # a single vector, with a single sign
        act, exp, axis = act[:, None], exp[:, None], 0
    kind = "column" if axis == 0 else "row"
    other = "row" if axis == 0 else "column"
    A = act if axis == 0 else act.T
    E = exp if axis == 0 else exp.T

    def matches(a: NDArray, e: NDArray) -> NDArray[np.bool_]:
        """Which vectors (columns) of a equal those of e up to sign."""
        tol = atol + rtol * np.linalg.norm(e, axis=0)
        plus = np.linalg.norm(a - e, axis=0)
        minus = np.linalg.norm(a + e, axis=0)
        return np.minimum(plus, minus) <= tol

    ok = matches(A, E)
    if ok.all():
        return
    for candidate, message in hints:
        cand = _as_array(candidate, "a hint")
        cand = cand[:, None] if cand.ndim == 1 else (cand if axis == 0 else cand.T)
        if cand.shape == E.shape and matches(A, cand).all() and not matches(cand, E).all():
            _fail(f"{name}: {message}")
    if A.shape[0] == A.shape[1] and matches(A.T, E).all():
        _fail(
            f"{name}: the {other}s of {name} match the expected {kind}s: the array is "
            f"transposed. Did you use V where V^T is asked (or the other way round), or put "
            f"the vectors in {other}s instead of {kind}s?"
        )
    if E.shape[1] > 1 and matches(A[:, ::-1], E).all():
        _fail(
            f"{name}: the {kind}s are the expected ones in reverse order. Are the singular "
            "values (and so the vectors) in ascending order? They go largest first; "
            "np.linalg.eigh returns ascending order."
        )
    # each vector somewhere, but in a different order?
    dots = np.abs(A.T @ E)
    norms = np.outer(np.linalg.norm(A, axis=0), np.linalg.norm(E, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.where(norms > 0, dots / np.where(norms > 0, norms, 1), 0.0)
    j = int(np.argmax(~ok))
    if E.shape[1] > 1:
        perm = np.argmax(cos, axis=1)
        if sorted(perm.tolist()) == list(range(E.shape[1])) and matches(A, E[:, perm]).all():
            _fail(
                f"{name}: the {kind}s are the expected vectors in a different order (your "
                f"{kind}s {', '.join(map(str, range(len(perm))))} are the expected {kind}s "
                f"{', '.join(map(str, perm.tolist()))}). Sort by descending singular value and "
                "keep each vector with its singular value."
            )
    e_len = float(np.linalg.norm(E[:, j]))
    a_len = float(np.linalg.norm(A[:, j]))
    if e_len > 0 and a_len > 0 and np.isclose(cos[j, j], 1.0, rtol=0, atol=1e-8):
        _fail(
            f"{name}: {kind} {j} points the right way but has length {_fmt(a_len)} instead "
            f"of {_fmt(e_len)}. Did you forget to normalise it (for instance to divide by "
            "its singular value)?"
        )
    _fail(
        f"{name}: {kind} {j} is not the expected vector, not even up to sign.\n"
        f"  got:      {_fmt(A[:, j])}\n  expected: {_fmt(E[:, j])} (or its negative)"
    )


def _orth_basis(M: NDArray, rtol: float) -> NDArray:
    """An orthonormal basis of the column space of ``M`` (numerical rank by ``rtol``)."""
    if M.shape[1] == 0:
        return np.zeros((M.shape[0], 0))
    Q, sv, _ = np.linalg.svd(M, full_matrices=False)
    if sv.size == 0 or sv[0] == 0:
        return np.zeros((M.shape[0], 0))
    return Q[:, : int(np.sum(sv > rtol * sv[0]))]


def check_same_subspace(
    actual: ArrayLike, expected: ArrayLike, name: str, *, atol: float = 1e-8, rtol: float = 1e-10
) -> None:
    """Check that the columns of two matrices span the same subspace.

    Use it where singular vectors are not unique: for a repeated singular value
    any orthonormal basis of its subspace is right, and so is any basis of a null
    space. The comparison uses the projectors onto both spans: their largest
    difference is the sine of the largest principal angle between the subspaces.

    Parameters
    ----------
    actual, expected : array_like, shape (m, p) and (m, q)
        Their columns span the subspaces to compare; ``p`` and ``q`` may differ
        (what counts is the dimension of the span).
    name : str
        How to call the value in the message.
    atol : float, optional
        Largest allowed sine of the largest principal angle.
    rtol : float, optional
        Relative size below which a singular value of either matrix counts as
        zero when the dimension of its span is determined.

    Raises
    ------
    AssertionError
        If the vectors have a different length than expected (transposed array?),
        span a subspace of another dimension, or span another subspace (the message
        gives the largest angle in degrees).

    Examples
    --------
    >>> import numpy as np
    >>> plane = np.eye(3)[:, :2]
    >>> rotated = plane @ np.array([[0.6, -0.8], [0.8, 0.6]])
    >>> check_same_subspace(rotated, plane, "the columns for s = 2")
    >>> check_same_subspace(np.eye(3)[:, 1:], plane, "the columns for s = 2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: the columns for s = 2 span another subspace than expected: ... 90 degrees...
    """
    exp = _as_array(expected, "the expected value")
    act = _as_array(actual, name)
    if act.ndim == 1:
        act = act[:, None]
    if exp.ndim == 1:
        exp = exp[:, None]
    if act.ndim != 2 or exp.ndim != 2:
        _fail(f"{name} should be a 2-D array whose columns span a subspace, got shape {act.shape}.")
    check_finite(act, name)
    if act.shape[0] != exp.shape[0]:
        extra = ""
        if act.shape[1] == exp.shape[0]:
            extra = " Its rows have the expected length: is it transposed (rows for columns)?"
        _fail(
            f"{name} has columns of length {act.shape[0]}, expected vectors of length "
            f"{exp.shape[0]} (shape {act.shape}).{extra}"
        )
    Qa, Qe = _orth_basis(act, rtol), _orth_basis(exp, rtol)
    if Qa.shape[1] != Qe.shape[1]:
        _fail(
            f"{name} spans a {Qa.shape[1]}-dimensional subspace, expected "
            f"{Qe.shape[1]} dimensions (columns given: {act.shape[1]})."
        )
    if Qe.shape[1] == 0:
        return
    gap = float(np.linalg.norm(Qa @ Qa.T - Qe @ Qe.T, 2))
    if gap <= atol:
        return
    angle = float(np.degrees(np.arcsin(min(1.0, gap))))
    _fail(
        f"{name} span another subspace than expected: the largest angle between the two "
        f"subspaces is {angle:.3g} degrees (sine {_fmt(gap)})."
    )


# --------------------------------------------------------------------------------------
# whole decompositions
# --------------------------------------------------------------------------------------


def check_reconstruction(
    U: ArrayLike,
    s: ArrayLike,
    Vt: ArrayLike,
    A: ArrayLike,
    name: str = "U @ np.diag(s) @ Vt",
    *,
    rtol: float = 1e-7,
    atol: float = 1e-9,
) -> None:
    """Check that ``U @ np.diag(s) @ Vt`` gives back ``A``.

    This is sign-free and basis-free: it holds for every valid choice of singular
    vectors, also for repeated or zero singular values.

    Parameters
    ----------
    U : array_like, shape (m, k)
    s : array_like, shape (k,)
    Vt : array_like, shape (k, n)
    A : array_like, shape (m, n)
        The matrix the factors should multiply back to.
    name : str, optional
        How to call the product in the message.
    rtol, atol : float, optional
        An entry passes when within ``atol + rtol * max|A|`` of ``A``'s entry.

    Raises
    ------
    AssertionError
        If the shapes do not fit together, or the product differs from ``A``. The
        message names the factor that looks wrong where it can tell: ``V`` passed
        for ``Vt``, ``s`` reversed against the vectors, ``s`` holding squares.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 0.0], [4.0, 5.0]])
    >>> U, s, Vt = np.linalg.svd(A)
    >>> check_reconstruction(U, s, Vt, A)
    >>> check_reconstruction(U, s**2, Vt, A)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: U @ np.diag(s) @ Vt does not give back A: s looks squared: is a square root missing ...
    """
    Am = _as_array(A, "A")
    Um, sv, Vm = _as_array(U, "U"), _as_array(s, "s"), _as_array(Vt, "Vt")
    if Am.ndim != 2:
        raise ValueError("A must be a 2-D array")
    m, n = Am.shape
    if Um.ndim != 2:
        _fail(f"U should be a 2-D array (columns = output directions), got shape {Um.shape}.")
    if sv.ndim != 1:
        check_shape(sv, (Um.shape[1],), "s")
    if Vm.ndim != 2:
        _fail(f"Vt should be a 2-D array (rows = input directions), got shape {Vm.shape}.")
    k = sv.shape[0]
    if Um.shape[0] != m or Um.shape[1] != k:
        check_shape(Um, (m, k), "U", hint=f"(A has shape {(m, n)} and s has {k} entries.)")
    if Vm.shape != (k, n):
        check_shape(Vm, (k, n), "Vt", hint=f"(A has shape {(m, n)} and s has {k} entries.)")
    for arr, label in ((Um, "U"), (sv, "s"), (Vm, "Vt")):
        check_finite(arr, label)
    tol = atol + rtol * float(np.max(np.abs(Am), initial=0.0))

    def gives_a(U_: NDArray, s_: NDArray, Vt_: NDArray) -> bool:
        return bool(np.all(np.abs((U_ * s_) @ Vt_ - Am) <= tol))

    if gives_a(Um, sv, Vm):
        return
    reason = ""
    if Vm.shape[0] == Vm.shape[1] and gives_a(Um, sv, Vm.T):
        reason = (
            "with Vt transposed it would: did you pass V where V^T (Vt) is asked? "
            "np.linalg.svd already returns Vt; np.linalg.eigh returns V (vectors as columns)."
        )
    elif k > 1 and gives_a(Um, sv[::-1], Vm):
        reason = (
            "s is in the reverse order of the singular vectors: if you reversed s (to make "
            "it descending), reverse the columns of U and the rows of Vt too."
        )
    elif np.all(sv >= 0) and gives_a(Um, np.sqrt(sv), Vm):
        reason = "s looks squared: is a square root missing (s_i = sqrt(lambda_i))?"
    elif gives_a(Um, sv**2, Vm):
        reason = "s looks like the square roots of the right values: one square root too many?"
    elif gives_a(Um, np.ones_like(sv), Vm):
        reason = "U @ Vt alone gives A: is s already folded into U or Vt?"
    product = (Um * sv) @ Vm
    worst = float(np.max(np.abs(product - Am), initial=0.0))
    scale = float(np.max(np.abs(Am), initial=0.0))
    _fail(
        f"{name} does not give back A: "
        + (f"{reason} " if reason else "")
        + f"The largest entry of the difference is {_fmt(worst)} (the largest entry of A is "
        f"{_fmt(scale)})."
    )


# --------------------------------------------------------------------------------------
# what a function may not call
# --------------------------------------------------------------------------------------


def _source_of(function: Any) -> str | None:
    """The source of a function: ``__source__`` when the grader set it, else inspect."""
    source = getattr(function, "__source__", None)
    if isinstance(source, str):
        return source
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return None


def check_does_not_use(function: Any, names: Sequence[str], what: str) -> None:
    """Check that a function's own code never mentions some names, e.g. ``svd``.

    Reads the function's source and looks for the names as attributes
    (``np.linalg.svd``, ``scipy.linalg.svd``), as plain names (after
    ``from numpy.linalg import svd``) and in imports inside the function.

    Parameters
    ----------
    function : callable
        The student's function.
    names : sequence of str
        The names it must not use, e.g. ``("svd",)``.
    what : str
        What the task asks instead, for the message, e.g.
        ``"build the SVD from np.linalg.eigh(A.T @ A)"``.

    Raises
    ------
    AssertionError
        If the source uses one of the names; the message names the line.

    Examples
    --------
    >>> import numpy as np
    >>> def norm_by_hand(x):
    ...     return np.sqrt(x @ x)
    >>> check_does_not_use(norm_by_hand, ["norm"], "compute the length from x @ x")
    >>> def norm_by_library(x):
    ...     return np.linalg.norm(x)
    >>> check_does_not_use(norm_by_library, ["norm"], "compute the length from x @ x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: norm_by_library uses norm (line 2: `return np.linalg.norm(x)`), which this task ...
    """
    label = getattr(function, "__name__", "the function")
    source = _source_of(function)
    if source is None:
        return  # no source to read (a built-in, or code typed where Python keeps none)
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return
    banned = set(names)
    lines = textwrap.dedent(source).splitlines()
    for node in ast.walk(tree):
        used = None
        if isinstance(node, ast.Attribute) and node.attr in banned:
            used = node.attr
        elif isinstance(node, ast.Name) and node.id in banned:
            used = node.id
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name.rsplit(".", 1)[-1] in banned:
                    used = alias.name.rsplit(".", 1)[-1]
        if used is not None:
            line = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
            _fail(
                f"{label} uses {used} (line {node.lineno}: `{line}`), which this task does "
                f"not allow: {what}."
            )
