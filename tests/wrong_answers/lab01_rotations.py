"""Wrong (and alternative right) answers to lab 1, *Rotations and scalings*.

See ``tests/wrong_answers/__init__.py`` for the convention. Each wrong answer is a mistake a
student plausibly makes; the label says which, and is what a failing test reports.
"""

from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------------------
# helpers: other valid choices of singular vectors
# --------------------------------------------------------------------------------------


def _rotate_repeated(U, s, Vt):
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


def _flip_signs(U, s, Vt):
    """Flip the sign of every other singular pair (u_i, v_i): still an SVD."""
    flips = np.where(np.arange(len(s)) % 2 == 0, -1.0, 1.0)
    return U * flips, s, Vt * flips[:, None]


# --------------------------------------------------------------------------------------
# svd_steps
# --------------------------------------------------------------------------------------


def steps_v_for_vt(A, x):
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    c = Vt.T @ x  # V where V^T is meant
    d = s * c
    return c, d, U @ d


def steps_third_output_as_v(A, x):
    U, s, V = np.linalg.svd(np.asarray(A, float), full_matrices=False)  # third output is Vt
    c = V.T @ x  # "V^T @ x", but V here already holds V^T
    return c, s * c, np.asarray(A, float) @ x


def steps_full_svd(A, x):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))  # full_matrices=True by default
    c = Vt @ x
    d = s * c
    return c, d, U @ d


def steps_no_scaling(A, x):
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    c = Vt @ x
    d = c  # forgot S
    return c, d, U @ (s * c)


def steps_ascending_s(A, x):
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    c = Vt @ x
    d = np.sort(s) * c  # singular values sorted ascending
    return c, d, U @ d


def steps_last_step_unscaled(A, x):
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    c = Vt @ x
    d = s * c
    return c, d, U @ c  # uses c instead of d in the last step


def steps_flipped_signs(A, x):
    U, s, Vt = _flip_signs(*np.linalg.svd(np.asarray(A, float), full_matrices=False))
    c = Vt @ x
    d = s * c
    return c, d, U @ d


def steps_rotated_repeated(A, x):
    U, s, Vt = _rotate_repeated(*np.linalg.svd(np.asarray(A, float), full_matrices=False))
    c = Vt @ x
    d = s * c
    return c, d, U @ d


def steps_last_step_as_a_x(A, x):
    A = np.asarray(A, float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    c = Vt @ x
    return c, s * c, A @ x


# --------------------------------------------------------------------------------------
# ellipse_axes
# --------------------------------------------------------------------------------------


def axes_rows_of_u(A):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    return s, U.T  # directions as rows instead of columns


def axes_rows_from_eigh(A):
    A = np.asarray(A, float)
    eigenvalues, W = np.linalg.eigh(A @ A.T)
    lengths = np.sqrt(np.clip(eigenvalues[::-1], 0.0, None))
    return lengths, W[:, ::-1].T  # each axis as a row


def axes_ascending(A):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    return s[::-1], U[:, ::-1]


def axes_squared_lengths(A):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    return s**2, U  # eigenvalues of A A^T, not their square roots


def axes_input_directions(A):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    return s, Vt.T  # V: where the axes come from, not where they land


def axes_eig_of_a(A):
    eigenvalues, W = np.linalg.eig(np.asarray(A, float))
    order = np.argsort(-np.abs(eigenvalues))
    return np.abs(eigenvalues[order]), W[:, order]


def axes_semi_axis_vectors(A):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    return s, U * s  # s_i u_i: the semi-axes themselves, not unit directions


def axes_flipped_signs(A):
    U, s, Vt = _flip_signs(*np.linalg.svd(np.asarray(A, float)))
    return s, U


def axes_rotated_repeated(A):
    U, s, Vt = _rotate_repeated(*np.linalg.svd(np.asarray(A, float)))
    return s, U


def axes_eigh_of_aat(A):
    A = np.asarray(A, float)
    eigenvalues, W = np.linalg.eigh(A @ A.T)
    return np.sqrt(np.clip(eigenvalues[::-1], 0.0, None)), W[:, ::-1]


# --------------------------------------------------------------------------------------
# svd_via_eig
# --------------------------------------------------------------------------------------


def _complete(U_r, m, k):
    """k orthonormal columns starting with the orthonormal columns U_r."""
    Q, _ = np.linalg.qr(np.hstack([U_r, np.eye(m)]))
    return np.hstack([U_r, Q[:, U_r.shape[1]:k]])


def _eig_top(A):
    """The first steps of every eigh route: ``(A, m, k, s, V)`` with the top ``k = min(m, n)``
    eigenpairs of ``A^T A`` in descending order and ``s`` their square roots."""
    A = np.asarray(A, float)
    m, n = A.shape
    k = min(m, n)
    eigenvalues, V = np.linalg.eigh(A.T @ A)
    s = np.sqrt(np.clip(eigenvalues[::-1][:k], 0.0, None))
    return A, m, k, s, V[:, ::-1][:, :k]


def eig_ascending(A):
    A = np.asarray(A, float)
    m, n = A.shape
    k = min(m, n)
    eigenvalues, V = np.linalg.eigh(A.T @ A)
    eigenvalues, V = eigenvalues[n - k:], V[:, n - k:]  # top k, but left ascending
    s = np.sqrt(np.clip(eigenvalues, 0.0, None))
    nonzero = s > 1e-6 * max(s.max(initial=0.0), 1e-300)
    U = np.zeros((m, k))
    U[:, nonzero] = A @ V[:, nonzero] / s[nonzero]
    U[:, ~nonzero] = _complete(U[:, nonzero], m, k)[:, int(nonzero.sum()):]
    s[~nonzero] = 0.0
    return U, s, V.T


def eig_missing_sqrt(A):
    A = np.asarray(A, float)
    m, n = A.shape
    k = min(m, n)
    eigenvalues, V = np.linalg.eigh(A.T @ A)
    lam = np.clip(eigenvalues[::-1][:k], 0.0, None)
    V = V[:, ::-1][:, :k]
    s = lam  # the eigenvalues are s_i**2
    r = int(np.sum(s > 1e-6 * max(s.max(initial=0.0), 1e-300)))
    s[r:] = 0.0
    U_r = A @ V[:, :r] / np.sqrt(s[:r])
    return _complete(U_r, m, k), s, V.T


def eig_no_division(A):
    A, m, k, s, V = _eig_top(A)
    U = A @ V  # forgot to divide by s_i
    return U, s, V.T


def eig_divides_by_zero(A):
    A, m, k, s, V = _eig_top(A)
    with np.errstate(divide="ignore", invalid="ignore"):
        U = A @ V / s  # no special case for s_i = 0: nan, inf or noise
    return U, s, V.T


def eig_calls_svd(A):
    return np.linalg.svd(np.asarray(A, float), full_matrices=False)  # the task forbids it


def eig_checks_with_scipy_svd(A):
    from scipy.linalg import svd

    A, m, k, s, V = _eig_top(A)
    s = svd(A, compute_uv=False)[:k]  # singular values from an SVD routine after all
    r = int(np.sum(s > 1e-6 * max(s.max(initial=0.0), 1e-300)))
    s[r:] = 0.0
    return _complete(A @ V[:, :r] / s[:r], m, k), s, V.T


def eig_zero_columns_not_completed(A):
    A, m, k, s, V = _eig_top(A)
    r = int(np.sum(s > 1e-6 * max(s.max(initial=0.0), 1e-300)))
    s[r:] = 0.0
    U = np.zeros((m, k))
    U[:, :r] = A @ V[:, :r] / s[:r]  # columns for s_i = 0 left zero
    return U, s, V.T


def eig_v_from_aat(A):
    A = np.asarray(A, float)
    m, n = A.shape
    k = min(m, n)
    eigenvalues, W = np.linalg.eigh(A @ A.T)  # eigenvectors of A A^T are the u's, not the v's
    s = np.sqrt(np.clip(eigenvalues[::-1][:k], 0.0, None))
    V = W[:, ::-1][:, :k]
    r = int(np.sum(s > 1e-6 * max(s.max(initial=0.0), 1e-300)))
    s[r:] = 0.0
    U_r = A @ V[:, :r] / s[:r]  # fails outright unless A is square
    return _complete(U_r, m, k), s, V.T


def eig_returns_v(A):
    A, m, k, s, V = _eig_top(A)
    r = int(np.sum(s > 1e-6 * max(s.max(initial=0.0), 1e-300)))
    s[r:] = 0.0
    U_r = A @ V[:, :r] / s[:r]
    return _complete(U_r, m, k), s, V  # V where Vt is asked


def eig_full(A):
    A = np.asarray(A, float)
    m, n = A.shape
    eigenvalues, V = np.linalg.eigh(A.T @ A)  # all n eigenpairs, also when n > m
    s = np.sqrt(np.clip(eigenvalues[::-1], 0.0, None))
    V = V[:, ::-1]
    r = int(np.sum(s > 1e-6 * max(s.max(initial=0.0), 1e-300)))
    s[r:] = 0.0
    U_r = A @ V[:, :r] / s[:r]
    Q, _ = np.linalg.qr(np.hstack([U_r, np.eye(m)]), mode="complete")
    U = np.hstack([U_r, Q[:, r:m]])  # a full (m, m) U
    return U, s, V.T


def _eig_right(A, complete, keep_tiny=False, flip=False, rotate=False):
    """A correct svd_via_eig with a choice of completion and of singular vectors."""
    A, m, k, s, V = _eig_top(A)
    r = int(np.sum(s > 1e-6 * s[0])) if k and s[0] > 0 else 0
    if not keep_tiny:
        s[r:] = 0.0
    U_r = A @ V[:, :r] / s[:r]
    U = complete(U_r, m, k)
    Vt = V.T
    if rotate:
        U, s, Vt = _rotate_repeated(U, s, Vt)
    if flip:
        U, s, Vt = _flip_signs(U, s, Vt)
    return U, s, Vt


def _complete_by_projection(U_r, m, k):
    """Complete with the top eigenvectors of the projector onto the complement of U_r."""
    P = np.eye(m) - U_r @ U_r.T
    _, W = np.linalg.eigh(P)
    return np.hstack([U_r, W[:, ::-1][:, : k - U_r.shape[1]]])


def _complete_random(U_r, m, k):
    """Complete by Gram-Schmidt (via QR) on seeded random vectors."""
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(np.hstack([U_r, rng.standard_normal((m, k))]))
    return np.hstack([U_r, Q[:, U_r.shape[1]:k]])


def eig_right_flipped(A):
    return _eig_right(A, _complete, flip=True)


def eig_right_rotated_repeated(A):
    return _eig_right(A, _complete, rotate=True)


def eig_right_projection_completion(A):
    return _eig_right(A, _complete_by_projection)


def eig_right_random_completion_tiny_s_kept(A):
    return _eig_right(A, _complete_random, keep_tiny=True)


WRONG_ANSWERS = {
    "svd_steps": [
        ("V used for V^T (Vt.T @ x)", steps_v_for_vt),
        ("third output of np.linalg.svd read as V (c = V.T @ x)", steps_third_output_as_v),
        ("full SVD (full_matrices=True)", steps_full_svd),
        ("scaling step missing (d = c)", steps_no_scaling),
        ("singular values ascending in the scaling step", steps_ascending_s),
        ("last step uses c instead of d", steps_last_step_unscaled),
    ],
    "ellipse_axes": [
        ("rows of U instead of columns", axes_rows_of_u),
        ("eigenvectors of A A^T returned as rows", axes_rows_from_eigh),
        ("ascending order", axes_ascending),
        ("s**2 as lengths (missing square root)", axes_squared_lengths),
        ("V (input directions) instead of U", axes_input_directions),
        ("eigen-decomposition of A itself", axes_eig_of_a),
        ("semi-axis vectors s_i u_i instead of unit directions", axes_semi_axis_vectors),
    ],
    "svd_via_eig": [
        ("eigenvalues left in ascending order", eig_ascending),
        ("missing square root (s = eigenvalues)", eig_missing_sqrt),
        ("u_i = A v_i without dividing by s_i", eig_no_division),
        ("divides by zero singular values, no completion", eig_divides_by_zero),
        ("zero singular values: columns of U left zero, not completed",
         eig_zero_columns_not_completed),
        ("calls np.linalg.svd, which the task forbids", eig_calls_svd),
        ("singular values from scipy.linalg.svd", eig_checks_with_scipy_svd),
        ("V taken from eigh(A @ A.T)", eig_v_from_aat),
        ("V returned for Vt", eig_returns_v),
        ("all n eigenpairs: full instead of thin", eig_full),
    ],
}

OTHER_RIGHT_ANSWERS = {
    "svd_steps": [
        ("other signs of the singular pairs", steps_flipped_signs),
        ("another basis for repeated singular values", steps_rotated_repeated),
        ("last step computed as A @ x", steps_last_step_as_a_x),
    ],
    "ellipse_axes": [
        ("other signs of the directions", axes_flipped_signs),
        ("another basis when the lengths are equal", axes_rotated_repeated),
        ("from eigh(A @ A.T)", axes_eigh_of_aat),
    ],
    "svd_via_eig": [
        ("other signs of the singular pairs", eig_right_flipped),
        ("another basis for repeated singular values", eig_right_rotated_repeated),
        ("completion through the complementary projector", eig_right_projection_completion),
        ("random completion, tiny s_i not set to 0", eig_right_random_completion_tiny_s_kept),
    ],
}
