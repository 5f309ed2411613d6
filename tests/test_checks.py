"""Property tests of svdcourse.checks (and svdcourse.labs.require_version).

Every check must accept every valid answer (any signs of the singular vectors, any basis of
a repeated singular value's subspace, square, tall, wide and rank-deficient matrices) and
reject each common mistake with a message that names it.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import svdcourse
import svdcourse.labs
from svdcourse.checks import (
    check_call,
    check_close,
    check_descending,
    check_equal_up_to_sign,
    check_finite,
    check_orthonormal_columns,
    check_orthonormal_rows,
    check_reconstruction,
    check_same_subspace,
    check_shape,
    check_singular_values,
    check_does_not_use,
    check_raises,
    check_tuple,
)

FAST = settings(max_examples=40, deadline=None)

seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 6)


def random_matrix(seed: int, m: int, n: int, rank: int | None = None,
                  repeated: bool = False) -> np.ndarray:
    """An (m, n) matrix of the given rank with well separated singular values (seeded).

    With ``repeated=True`` the two largest singular values are equal.
    """
    rng = np.random.default_rng(seed)
    k = min(m, n)
    r = k if rank is None else rank
    Q1, _ = np.linalg.qr(rng.standard_normal((m, m)))
    Q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = 1.0 + np.arange(r)[::-1] + rng.uniform(0.0, 0.5, r)  # gaps of at least 0.5
    if repeated and r >= 2:
        s[1] = s[0]
    return (Q1[:, :r] * s) @ Q2[:, :r].T


def thin_svd(A):
    return np.linalg.svd(A, full_matrices=False)


def check_svd(U, s, Vt, A) -> None:
    """The visible checks of a thin SVD in the order the lab test cells run them."""
    m, n = A.shape
    k = min(m, n)
    check_shape(U, (m, k), "U")
    check_shape(s, (k,), "s")
    check_shape(Vt, (k, n), "Vt")
    for value, name in ((U, "U"), (s, "s"), (Vt, "Vt")):
        check_finite(value, name)
    check_descending(s, "s", atol=1e-8)
    check_orthonormal_columns(U, "U")
    check_orthonormal_rows(Vt, "Vt")
    check_reconstruction(U, s, Vt, A, rtol=1e-8, atol=1e-8)


def random_signs(seed: int, k: int) -> np.ndarray:
    return np.random.default_rng(seed + 1).choice([-1.0, 1.0], size=k)


def fails_with(check, *args, match: str, **kwargs) -> str:
    """Run a check that must fail; return its message after matching ``match``."""
    with pytest.raises(AssertionError, match=match) as info:
        check(*args, **kwargs)
    return str(info.value)


def up_to_sign(a: np.ndarray, b: np.ndarray) -> bool:
    try:
        check_equal_up_to_sign(a, b, "x")
    except AssertionError:
        return False
    return True


@st.composite
def matrices(draw, min_k: int = 1, deficient: bool | None = None):
    """A seeded random matrix: square, tall or wide, full rank or rank-deficient."""
    m, n = draw(dims), draw(dims)
    assume(min(m, n) >= min_k)
    k = min(m, n)
    rank_deficient = draw(st.booleans()) if deficient is None else deficient
    if rank_deficient:
        assume(k >= 2)
        rank = draw(st.integers(1, k - 1))
    else:
        rank = k
    return random_matrix(draw(seeds), m, n, rank)


# --------------------------------------------------------------------------------------
# whole SVDs: every valid one passes
# --------------------------------------------------------------------------------------


@FAST
@given(A=matrices(), seed=seeds)
def test_thin_svd_accepts_any_signs(A, seed):
    U, s, Vt = thin_svd(A)
    signs = random_signs(seed, len(s))
    check_svd(U * signs, s, Vt * signs[:, None], A)
    check_reconstruction(U * signs, s, Vt * signs[:, None], A)


@FAST
@given(seed=seeds, m=st.integers(2, 6), n=st.integers(2, 6), angle=st.floats(0.1, 3.0))
def test_thin_svd_accepts_rotated_basis_of_repeated_singular_value(seed, m, n, angle):
    A = random_matrix(seed, m, n, repeated=True)
    U, s, Vt = thin_svd(A)
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    U2, Vt2 = U.copy(), Vt.copy()
    U2[:, :2] = U[:, :2] @ R
    Vt2[:2] = R.T @ Vt[:2]
    check_svd(U2, s, Vt2, A)
    check_same_subspace(U2[:, :2], U[:, :2], "the columns for s_1 = s_2")
    check_same_subspace(Vt2[:2].T, Vt[:2].T, "the rows for s_1 = s_2")


@FAST
@given(A=matrices(deficient=True))
def test_thin_svd_accepts_rank_deficient_matrices(A):
    U, s, Vt = thin_svd(A)
    check_svd(U, s, Vt, A)
    check_singular_values(s, s, atol=1e-9)


# --------------------------------------------------------------------------------------
# whole SVDs: each mistake is named
# --------------------------------------------------------------------------------------


@FAST
@given(A=matrices(), seed=seeds)
def test_full_instead_of_thin_is_named(A, seed):
    m, n = A.shape
    assume(m != n)
    message = fails_with(check_svd, *np.linalg.svd(A), A, match="full_matrices=True")
    assert f"expected ({m}, {min(m, n)})" in message or f"expected ({min(m, n)}, {n})" in message


@FAST
@given(A=matrices(min_k=2, deficient=False))
def test_v_for_vt_is_named(A):
    U, s, Vt = thin_svd(A)
    if Vt.shape[0] == Vt.shape[1]:  # m >= n: V and Vt have the same shape
        assume(not np.allclose(Vt, Vt.T))
        fails_with(check_svd, U, s, Vt.T, A, match="V where V\\^T")
        fails_with(check_reconstruction, U, s, Vt.T, A, match="V where V\\^T")
    else:
        fails_with(check_svd, U, s, Vt.T, A, match="V instead of V\\^T")


@FAST
@given(A=matrices(min_k=2, deficient=False))
def test_ascending_order_is_named(A):
    U, s, Vt = thin_svd(A)
    fails_with(check_svd, U[:, ::-1], s[::-1], Vt[::-1], A, match="ascending")
    fails_with(check_singular_values, s[::-1], s, match="ascending")
    fails_with(check_reconstruction, U, s[::-1], Vt, A, match="reverse order")


@FAST
@given(A=matrices(deficient=False))
def test_missing_square_root_is_named(A):
    U, s, Vt = thin_svd(A)
    fails_with(check_singular_values, s**2, s, match="is a square root missing")
    fails_with(check_svd, U, s**2, Vt, A, match="square root")
    fails_with(check_close, s**2, s, "s", match="square root")


@FAST
@given(A=matrices(deficient=True))
def test_dividing_by_zero_singular_values_is_named(A):
    U, s, Vt = thin_svd(A)
    zero = s <= 1e-10 * s[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        U_bad = (A @ Vt.T) / np.where(zero, 0.0, s)
    fails_with(check_svd, U_bad, s, Vt, A, match="dividing by a singular value that is zero")
    U_zero = U.copy()
    U_zero[:, zero] = 0.0
    fails_with(check_orthonormal_columns, U_zero, "U", match="np.linalg.qr")


@FAST
@given(A=matrices(deficient=False))
def test_forgotten_division_is_named(A):
    U, s, Vt = thin_svd(A)
    assume(not np.allclose(s, 1.0))
    fails_with(check_orthonormal_columns, A @ Vt.T, "U", match="forget to normalise")


# --------------------------------------------------------------------------------------
# singular vectors up to sign, subspaces
# --------------------------------------------------------------------------------------


@FAST
@given(A=matrices(deficient=False), seed=seeds)
def test_equal_up_to_sign_accepts_sign_flips(A, seed):
    U, s, Vt = thin_svd(A)
    signs = random_signs(seed, len(s))
    check_equal_up_to_sign(U * signs, U, "U")
    check_equal_up_to_sign(Vt * signs[:, None], Vt, "Vt", axis=1)
    x = np.random.default_rng(seed).standard_normal(A.shape[1])
    check_equal_up_to_sign(signs * (Vt @ x), Vt @ x, "Vt @ x", axis=None)


@FAST
@given(A=matrices(min_k=2, deficient=False), seed=seeds)
def test_equal_up_to_sign_names_transposed_reversed_and_unnormalised(A, seed):
    U, s, Vt = thin_svd(A)
    k = len(s)
    signs = random_signs(seed, k)
    fails_with(check_equal_up_to_sign, (U * signs)[:, ::-1], U, "U", match="reverse order")
    scaled = U * np.linspace(2.0, 3.0, k)
    fails_with(check_equal_up_to_sign, scaled, U, "U", match="right way but has length")
    V = Vt.T
    if A.shape[0] == A.shape[1]:
        assume(not up_to_sign(V.T, V))
        fails_with(check_equal_up_to_sign, V.T, V, "V", match="transposed")


def test_equal_up_to_sign_single_vectors_and_permutations():
    u = np.array([0.6, 0.8])
    check_equal_up_to_sign(-u, u, "u_1")
    fails_with(check_equal_up_to_sign, [0.6, -0.8], u, "u_1", match="not the expected vector")
    fails_with(check_equal_up_to_sign, [1.2, 1.6], u, "u_1", match="right way but has length 2")
    P = np.eye(3)[:, [2, 0, 1]]
    message = fails_with(check_equal_up_to_sign, P, np.eye(3), "U", match="different order")
    assert "expected columns 2, 0, 1" in message
    with pytest.raises(ValueError):
        check_equal_up_to_sign(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), "T")


def test_equal_up_to_sign_uses_hints():
    U = np.array([[0.6, -0.8], [0.8, 0.6]])
    V = np.array([[0.0, 1.0], [1.0, 0.0]])
    fails_with(check_equal_up_to_sign, -V, U, "directions",
               hints=[(V, "these are the input directions")], match="the input directions")
    fails_with(check_equal_up_to_sign, [3.0, -1.0], [1.0, 2.0], "c", axis=None,
               hints=[([1.0, 3.0], "c is not scaled yet")], match="differ by more than a sign")
    fails_with(check_equal_up_to_sign, [-1.0, 3.0], [1.0, 2.0], "c", axis=None,
               hints=[([1.0, 3.0], "c looks scaled")], match="c looks scaled")


@FAST
@given(A=matrices(deficient=False), seed=seeds)
def test_same_subspace_accepts_any_basis_and_rejects_another(A, seed):
    U, s, Vt = thin_svd(A)
    m, k = U.shape
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((k, k)) + 3 * np.eye(k)  # invertible
    check_same_subspace(U @ mix, U, "span of U")
    if k < m:
        full, _, _ = np.linalg.svd(A)
        other = np.hstack([U[:, :-1], full[:, k:k + 1]])  # swap one direction out
        fails_with(check_same_subspace, other, U, "span", match="degrees")
    if k >= 2:
        fails_with(check_same_subspace, U[:, :-1], U, "span", match="1-dimensional|dimensional")


# --------------------------------------------------------------------------------------
# single checks, with exact cases
# --------------------------------------------------------------------------------------


def test_check_shape_messages():
    fails_with(check_shape, np.zeros((5, 5)), (5, 3), "U", match=r"\(5, 5\).*\(5, 3\).*full_matrices=True")
    fails_with(check_shape, np.zeros((3, 5)), (5, 3), "U", match="transposed shape")
    fails_with(check_shape, np.diag([3.0, 2.0]), (2,), "s", match=r"np\.diag\(s\)")
    fails_with(check_shape, np.ones((2, 2)), (2,), "lengths", match="order asked")
    fails_with(check_shape, np.ones(2), (2, 2), "directions", match="order asked")
    fails_with(check_shape, np.zeros(5), (3,), "s", match="entries too many")
    check_shape([[1, 2, 3]], (1, 3), "row")


def test_check_tuple_messages():
    check_tuple((1, 2), ("a", "b"), "f()")
    fails_with(check_tuple, None, ("a", "b"), "f()", match="without `return`")
    fails_with(check_tuple, np.eye(2), ("a", "b"), "f()", match="single array of shape")
    fails_with(check_tuple, (1, 2, 3), ("a", "b"), "f()", match="returned 3 items")


def test_check_close_names_simple_transformations():
    e = np.array([3.0, 2.0, 0.5])
    check_close(e + 1e-12, e, "s")
    fails_with(check_close, e[::-1], e, "s", match="reverse order")
    fails_with(check_close, -e, e, "s", match="opposite sign")
    fails_with(check_close, 2 * e, e, "s", match="times 2")
    fails_with(check_close, np.sqrt(e), e, "s", match="square roots")
    M = np.array([[1.0, 2.0], [3.0, 4.0]])
    fails_with(check_close, M.T, M, "M", match="transpose")
    fails_with(check_close, [1.0, np.nan, 0.5], e, "s", match="nan/inf")
    fails_with(check_close, e * [1, -1, 1], e, "x", match="some signs differ")
    fails_with(check_close, e + 1, e, "s", hints=[(e + 1, "you added one")], match="you added one")
    fails_with(check_close, [1 + 1j, 2, 3], e, "s", match="complex")
    fails_with(check_close, "abc", e, "s", match="numpy array")
    fails_with(check_close, 2.0, np.float64(1.0), "x", match="got 2, expected 1")


def test_check_descending_messages():
    check_descending([3.0, 3.0, 1.0, 0.0], "s")
    check_descending([], "s")
    fails_with(check_descending, [1.0, 2.0, 2.0], "s", match="ascending")
    fails_with(check_descending, [2.0, 3.0, 1.0], "s", match="not sorted largest first")
    fails_with(check_descending, np.eye(2), "s", match="1-D")


def test_check_singular_values_rejects_negative_values():
    fails_with(check_singular_values, [2.0, -1.0], np.array([2.0, 1.0]), match="never negative")


def test_check_orthonormal_messages():
    check_orthonormal_columns(np.eye(4)[:, :2], "U")
    check_orthonormal_rows(np.eye(4)[:2], "Vt")
    check_orthonormal_columns(np.zeros((3, 0)), "U")
    fails_with(check_orthonormal_columns, np.eye(3)[:2], "U", match="cannot be orthonormal.*transposed")
    fails_with(check_orthonormal_columns, np.ones((3, 2)) / np.sqrt(3), "U", match="not orthogonal")
    fails_with(check_orthonormal_rows, np.diag([1.0, 2.0]), "Vt", match="rows of Vt.*normalise")
    fails_with(check_orthonormal_columns, np.ones(3), "U", match="2-D")
    fails_with(check_finite, np.array([[np.inf]]), "U", match="nan/inf")


def test_check_reconstruction_messages():
    A = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 1.0]])
    U, s, Vt = thin_svd(A)
    check_reconstruction(U, s, Vt, A)
    fails_with(check_reconstruction, U, s, Vt.T, A, match="V where V\\^T")
    fails_with(check_reconstruction, U, s**2, Vt, A, match="square root")
    fails_with(check_reconstruction, U, s[::-1], Vt, A, match="reverse order")
    check_reconstruction(U * s, np.ones(2), Vt, A)  # S folded into U: still A
    fails_with(check_reconstruction, U * s, s, Vt, A, match="folded into U")
    fails_with(check_reconstruction, np.linalg.svd(A)[0], s, Vt, A, match="full_matrices=True")
    fails_with(check_reconstruction, U, s, Vt.T[:, :1], A, match="Vt has shape")


def test_a_failed_check_shows_its_message_first():
    """No chained numpy traceback above the message, and in Jupyter the message leads."""
    def broken(A):
        U, s, Vt = np.linalg.svd(A)  # full: U is (3, 3)
        return U @ (s * (Vt @ np.ones(2)))

    with pytest.raises(AssertionError) as info:
        check_call(broken, np.ones((3, 2)))
    assert info.value.__cause__ is None and info.value.__context__ is None
    rendered = info.value._render_traceback_()
    assert rendered[0] == f"AssertionError: {info.value}"
    assert "broken(array of shape (3, 2)) failed inside the function" in rendered[0]
    import svdcourse.checks
    assert not any(svdcourse.checks.__file__ in line for line in rendered), "frames of the checks"
    assert any("check_call(broken" in line for line in rendered), "the failing line is missing"


def test_check_raises_names_what_happened_instead():
    def strict(k):
        if k < 0:
            raise ValueError("k must be >= 0")
        return k

    check_raises(ValueError, strict, -1, call="strict(-1)", why="k must be >= 0")
    message = fails_with(check_raises, ValueError, lambda k: [k], -1, call="f(-1)", why="k < 0",
                         match="should raise")
    assert message == "f(-1) should raise ValueError (k < 0), but it returned [-1]."

    def wrong_error(k):
        return [][k]

    fails_with(check_raises, ValueError, wrong_error, 3, call="g(3)", why="k too large",
               match=r"g\(3\) should raise ValueError \(k too large\), but it raised IndexError")

    def unfinished(k):
        raise NotImplementedError("Replace this line with your code.")

    with pytest.raises(NotImplementedError):
        check_raises(ValueError, unfinished, 1, call="h(1)", why="-")


def test_check_does_not_use_reads_the_source():
    import scipy.linalg
    from numpy.linalg import svd

    def by_eigh(A):
        """Not via svd."""  # a mention in a docstring or comment is no use: svd
        return np.linalg.eigh(A.T @ A)

    def by_numpy(A):
        return np.linalg.svd(A)

    def by_scipy(A):
        return scipy.linalg.svd(A)

    def by_import(A):
        return svd(A)

    def by_inner_import(A):
        from numpy.linalg import svd as decompose
        return decompose(A)

    check_does_not_use(by_eigh, ["svd"], "use np.linalg.eigh")
    for function in (by_numpy, by_scipy, by_import, by_inner_import):
        message = fails_with(check_does_not_use, function, ["svd"], "use np.linalg.eigh",
                             match="uses svd")
        assert message.startswith(f"{function.__name__} uses svd (line ")
        assert message.endswith("which this task does not allow: use np.linalg.eigh.")

    class Proxy:
        """What the grading tool passes: a callable whose source travels as a string."""
        __name__ = "svd_via_eig"
        __source__ = "def svd_via_eig(A):\n    return np.linalg.svd(A)\n"

    fails_with(check_does_not_use, Proxy(), ["svd"], "use eigh", match="line 2: `return np.linalg.svd")
    check_does_not_use(np.add, ["svd"], "use eigh")  # no Python source: nothing to read


def test_check_call_explains_shape_errors_only():
    def broken(A):
        U, s, Vt = np.linalg.svd(A)  # full: U is (3, 3)
        return U @ (s * (Vt @ np.ones(2)))

    fails_with(check_call, broken, np.ones((3, 2)), match="full_matrices=True")

    def unfinished(A):
        raise NotImplementedError("Replace this line with your code.")

    with pytest.raises(NotImplementedError):
        check_call(unfinished, np.ones(2))

    def other(A):
        raise ValueError("something else")

    with pytest.raises(ValueError, match="something else"):
        check_call(other, 1)
    assert check_call(np.add, 1, 2) == 3


# --------------------------------------------------------------------------------------
# the package itself
# --------------------------------------------------------------------------------------


def test_checks_and_labs_import_without_side_effects():
    code = (
        "import sys, svdcourse.checks, svdcourse.labs; "
        "print(sorted(m for m in ('matplotlib', 'sklearn', 'nbformat') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=None)
    assert out.stdout.strip() == "[]"
    assert out.stderr == ""


# --------------------------------------------------------------------------------------
# require_version
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("installed", "expected"),
    [("0.1.0", "0.1.0"), ("0.1.3", "0.1.0"), ("0.1.3", "0.1.3"), ("1.2.10", "1.2.9"),
     ("0.1.1.dev2", "0.1.0")],
)
def test_require_version_accepts_compatible(monkeypatch, installed, expected):
    monkeypatch.setattr(svdcourse, "__version__", installed)
    assert svdcourse.labs.require_version(expected) == installed


@pytest.mark.parametrize(
    ("installed", "expected", "why"),
    [("0.1.0", "0.1.2", "older than that"), ("0.2.0", "0.1.0", "another release series"),
     ("1.1.0", "0.1.0", "another release series"), ("0.0.9", "0.1.0", "another release series")],
)
def test_require_version_explains_what_to_do(monkeypatch, installed, expected, why):
    monkeypatch.setattr(svdcourse, "__version__", installed)
    with pytest.raises(svdcourse.labs.IncompatibleVersionError) as info:
        svdcourse.labs.require_version(expected)
    message = str(info.value)
    assert why in message
    assert f"svdcourse {installed}" in message
    assert f"written for svdcourse {expected}" in message
    assert 'page "Labs"' in message and "pip install" in message
    assert f"svdcourse-{expected}-py3-none-any.whl" in message
    assert isinstance(info.value, RuntimeError)


def test_the_page_the_version_message_names_offers_the_wheel():
    """The message sends students to the page "Labs": that page exists in the book and is
    the one that offers the wheel for download."""
    import re

    from conftest import ROOT

    labs_page = (ROOT / "book" / "labs.md").read_text(encoding="utf-8")
    assert re.search(r"^# Labs$", labs_page, flags=re.MULTILINE), "book/labs.md is not titled Labs"
    assert "-py3-none-any.whl" in labs_page and "download" in labs_page
    assert re.search(r"^\s*- file: book/labs$", (ROOT / "_toc.yml").read_text(), flags=re.MULTILINE)
    for page in (ROOT / "book").glob("*.md"):
        if page.name != "labs.md":
            text = page.read_text(encoding="utf-8")
            assert "__version__}-py3-none-any.whl" not in text, f"{page.name} offers the wheel too"


def test_require_version_accepts_the_installed_version():
    assert svdcourse.labs.require_version(svdcourse.__version__) == svdcourse.__version__


@pytest.mark.parametrize("bad", ["", "one", "0.1", "v0.1.0"])
def test_require_version_rejects_malformed_versions(bad):
    with pytest.raises(ValueError, match="version number like"):
        svdcourse.labs.require_version(bad)
