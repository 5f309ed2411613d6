"""Wrong (and alternative right) answers to lab 4, *Input and output directions*.

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


def _svd(M):
    return np.linalg.svd(np.asarray(M, float), full_matrices=False)


def _flip_signs(U, s, Vt):
    """Flip the sign of every other singular pair (u_i, v_i): still an SVD."""
    flips = np.where(np.arange(len(s)) % 2 == 0, -1.0, 1.0)
    return U * flips, s, Vt * flips[:, None]


# --------------------------------------------------------------------------------------
# apply_by_directions
# --------------------------------------------------------------------------------------


def apply_swapped_u_v(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    y = np.zeros(Vt.shape[1])
    for i in range(len(s)):
        y += s[i] * (U[:, i] @ x) * Vt[i]  # reads along u_i, writes along v_i
    return y


def apply_columns_of_vt(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    y = np.zeros(U.shape[0])
    for i in range(len(s)):
        y += s[i] * (Vt[:, i] @ x) * U[:, i]  # Vt[:, i] is not v_i
    return y


def apply_no_scaling(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    y = np.zeros(U.shape[0])
    for i in range(len(s)):
        y += (Vt[i] @ x) * U[:, i]  # forgot s_i
    return y


def apply_rows_of_u(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    y = np.zeros(U.shape[0])
    for i in range(len(s)):
        y += s[i] * (Vt[i] @ x) * U[i]  # the row U[i] is not u_i
    return y


def apply_loop_over_x(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    y = np.zeros(U.shape[0])
    for i in range(len(x)):  # one term per input coordinate, not per triplet
        y += s[i] * (Vt[i] @ x) * U[:, i]
    return y


def apply_scalar_start(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    y = 0  # an empty sum stays the number 0, not a vector
    for i in range(len(s)):
        y = y + s[i] * (Vt[i] @ x) * U[:, i]
    return y


def apply_reversed_s(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    s = np.sort(s)  # "sorted" the singular values, ascending
    y = np.zeros(U.shape[0])
    for i in range(len(s)):
        y += s[i] * (Vt[i] @ x) * U[:, i]
    return y


def apply_vectorised(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    return U @ (s * (Vt @ x))


def apply_via_matrix(U, s, Vt, x):
    U, s, Vt, x = (np.asarray(a, float) for a in (U, s, Vt, x))
    return (U @ np.diag(s) @ Vt) @ x


def apply_einsum(U, s, Vt, x):
    return np.einsum("mi,i,in,n->m", np.asarray(U, float), np.asarray(s, float),
                     np.asarray(Vt, float), np.asarray(x, float))


# --------------------------------------------------------------------------------------
# direction_contributions
# --------------------------------------------------------------------------------------


def contrib_swapped_u_v(M, x):
    U, s, Vt = _svd(M)
    return s * (U.T @ np.asarray(x, float)), Vt.T


def contrib_columns_of_vt(M, x):
    U, s, Vt = _svd(M)
    return s * (Vt.T @ np.asarray(x, float)), U


def contrib_no_scaling(M, x):
    U, s, Vt = _svd(M)
    return Vt @ np.asarray(x, float), U


def contrib_returns_v(M, x):
    U, s, Vt = _svd(M)
    return s * (Vt @ np.asarray(x, float)), Vt.T  # input directions instead of output ones


def contrib_full_svd(M, x):
    U, s, Vt = np.linalg.svd(np.asarray(M, float))  # full_matrices=True by default
    return s * (Vt[: len(s)] @ np.asarray(x, float)), U


def contrib_sorted_by_size(M, x):
    U, s, Vt = _svd(M)
    c = s * (Vt @ np.asarray(x, float))
    order = np.argsort(-np.abs(c))  # largest contribution first
    return c[order], U[:, order]


def contrib_u_from_separate_eigh(M, x):
    M = np.asarray(M, float)
    U, s, Vt = _svd(M)
    k = len(s)
    _, W = np.linalg.eigh(M @ M.T)  # output directions from their own eigen-decomposition:
    return s * (Vt @ np.asarray(x, float)), W[:, ::-1][:, :k]  # signs need not match v_i


def contrib_flipped(M, x):
    U, s, Vt = _flip_signs(*_svd(M))
    return s * (Vt @ np.asarray(x, float)), U


def contrib_rotated_repeated(M, x):
    U, s, Vt = _rotate_repeated(*_svd(M))
    return s * (Vt @ np.asarray(x, float)), U


def contrib_via_projection(M, x):
    M = np.asarray(M, float)
    U, s, Vt = _svd(M)
    return U.T @ (M @ np.asarray(x, float)), U  # u_i . (M x) = s_i (v_i . x)


# --------------------------------------------------------------------------------------
# strongest_input
# --------------------------------------------------------------------------------------


def strongest_output_direction(M):
    U, s, Vt = _svd(M)
    return U[:, 0], float(s[0])


def strongest_column_of_vt(M):
    U, s, Vt = _svd(M)
    return Vt[:, 0], float(s[0])


def strongest_eig(M):
    eigenvalues, W = np.linalg.eig(np.asarray(M, float))
    i = int(np.argmax(np.abs(eigenvalues)))
    x = np.real(W[:, i])
    return x / np.linalg.norm(x), float(np.abs(eigenvalues[i]))


def strongest_all_s(M):
    U, s, Vt = _svd(M)
    return Vt[0], s


def strongest_frobenius(M):
    M = np.asarray(M, float)
    U, s, Vt = _svd(M)
    return Vt[0], float(np.linalg.norm(M))  # Frobenius norm, not the spectral norm


def strongest_unnormalised(M):
    M = np.asarray(M, float)
    U, s, Vt = _svd(M)
    x = M.T @ U[:, 0]  # = s_1 v_1, pointing the right way but of length s_1
    return x, float(np.linalg.norm(M @ x) / max(np.linalg.norm(x), 1e-300))


def strongest_best_axis(M):
    M = np.asarray(M, float)
    lengths = np.linalg.norm(M, axis=0)
    j = int(np.argmax(lengths))  # the coordinate axis M stretches most
    return np.eye(M.shape[1])[j], float(lengths[j])


def strongest_eigh_no_sqrt(M):
    M = np.asarray(M, float)
    eigenvalues, V = np.linalg.eigh(M.T @ M)
    return V[:, -1], float(eigenvalues[-1])  # s_1**2, not s_1


def strongest_minus(M):
    U, s, Vt = _svd(M)
    return -Vt[0], float(s[0])


def strongest_eigh_sqrt(M):
    M = np.asarray(M, float)
    eigenvalues, V = np.linalg.eigh(M.T @ M)
    return V[:, -1], float(np.sqrt(max(eigenvalues[-1], 0.0)))


def strongest_mixed_top(M):
    U, s, Vt = _svd(M)
    top = np.flatnonzero(s >= s[0] - 1e-8 * max(float(s[0]), 1.0))
    x = Vt[top].sum(axis=0)  # any unit vector in the top input subspace is right
    return x / np.linalg.norm(x), float(s[0])


def strongest_power_iteration(M):
    M = np.asarray(M, float)
    x = np.random.default_rng(0).standard_normal(M.shape[1])
    x /= np.linalg.norm(x)
    for _ in range(2000):
        y = M.T @ (M @ x)
        norm = np.linalg.norm(y)
        if norm == 0:
            break
        x = y / norm
    return x, float(np.linalg.norm(M @ x))


# --------------------------------------------------------------------------------------
# ov_rank
# --------------------------------------------------------------------------------------


def _rank(W, rtol):
    s = np.linalg.svd(W, compute_uv=False)
    return 0 if s.size == 0 or s[0] == 0 else int(np.sum(s > rtol * s[0]))


def ov_wrong_order(W_O, W_V, rtol=1e-10):
    return _rank(np.asarray(W_V, float) @ np.asarray(W_O, float), rtol)  # W_V @ W_O


def ov_counts_positive(W_O, W_V, rtol=1e-10):
    s = np.linalg.svd(np.asarray(W_O, float) @ np.asarray(W_V, float), compute_uv=False)
    return int(np.sum(s > 0))


def ov_absolute_threshold(W_O, W_V, rtol=1e-10):
    s = np.linalg.svd(np.asarray(W_O, float) @ np.asarray(W_V, float), compute_uv=False)
    return int(np.sum(s > rtol))  # not relative to s_1


def ov_min_of_ranks(W_O, W_V, rtol=1e-10):
    return min(_rank(np.asarray(W_O, float), rtol), _rank(np.asarray(W_V, float), rtol))


def ov_d_head(W_O, W_V, rtol=1e-10):
    return int(np.asarray(W_V).shape[0])  # the upper bound, not the rank


def ov_matrix_rank_default(W_O, W_V, rtol=1e-10):
    return int(np.linalg.matrix_rank(np.asarray(W_O, float) @ np.asarray(W_V, float)))


def ov_greater_equal(W_O, W_V, rtol=1e-10):
    s = np.linalg.svd(np.asarray(W_O, float) @ np.asarray(W_V, float), compute_uv=False)
    return int(np.sum(s >= rtol * s[0]))  # a zero product gets full rank


def ov_matrix_rank_rtol(W_O, W_V, rtol=1e-10):
    return int(np.linalg.matrix_rank(np.asarray(W_O, float) @ np.asarray(W_V, float), rtol=rtol))


def ov_small_core(W_O, W_V, rtol=1e-10):
    # W_O @ W_V = Q_o (R_o R_v^T) Q_v^T: the same singular values as the (d_head, d_head) core
    Q_o, R_o = np.linalg.qr(np.asarray(W_O, float))
    Q_v, R_v = np.linalg.qr(np.asarray(W_V, float).T)
    return _rank(R_o @ R_v.T, rtol)


WRONG_ANSWERS = {
    "apply_by_directions": [
        ("u and v swapped: s_i (u_i . x) v_i", apply_swapped_u_v),
        ("columns of Vt used as input directions (Vt[:, i])", apply_columns_of_vt),
        ("singular values left out", apply_no_scaling),
        ("rows of U used as output directions (U[i])", apply_rows_of_u),
        ("one term per entry of x instead of per triplet", apply_loop_over_x),
        ("empty sum returned as the number 0", apply_scalar_start),
        ("singular values sorted ascending", apply_reversed_s),
    ],
    "direction_contributions": [
        ("u and v swapped", contrib_swapped_u_v),
        ("columns of Vt used as input directions (Vt.T @ x)", contrib_columns_of_vt),
        ("factor s_i left out of the coefficients", contrib_no_scaling),
        ("input directions V returned instead of U", contrib_returns_v),
        ("full SVD (full_matrices=True)", contrib_full_svd),
        ("sorted by size of contribution", contrib_sorted_by_size),
        ("U from a separate eigh(M @ M.T): signs do not match", contrib_u_from_separate_eigh),
    ],
    "strongest_input": [
        ("output direction u_1 returned as the input", strongest_output_direction),
        ("first column of Vt instead of its first row", strongest_column_of_vt),
        ("largest eigenvalue of M and its eigenvector", strongest_eig),
        ("all singular values returned as the gain", strongest_all_s),
        ("Frobenius norm as the gain", strongest_frobenius),
        ("x = M^T u_1 = s_1 v_1, not normalised", strongest_unnormalised),
        ("best coordinate axis (longest column of M)", strongest_best_axis),
        ("eigenvalue of M^T M without square root as the gain", strongest_eigh_no_sqrt),
    ],
    "ov_rank": [
        ("W_V @ W_O instead of W_O @ W_V", ov_wrong_order),
        ("counts s > 0", ov_counts_positive),
        ("absolute threshold s > rtol", ov_absolute_threshold),
        ("min(rank W_O, rank W_V)", ov_min_of_ranks),
        ("d_head, the upper bound", ov_d_head),
        ("np.linalg.matrix_rank with its default tolerance (rtol ignored)", ov_matrix_rank_default),
        ("s >= rtol * s_1 (a zero product gets full rank)", ov_greater_equal),
    ],
}

OTHER_RIGHT_ANSWERS = {
    "apply_by_directions": [
        ("vectorised U @ (s * (Vt @ x))", apply_vectorised),
        ("the matrix U diag(s) Vt applied to x", apply_via_matrix),
        ("einsum", apply_einsum),
    ],
    "direction_contributions": [
        ("other signs of the singular pairs", contrib_flipped),
        ("another basis for repeated singular values", contrib_rotated_repeated),
        ("coefficients as U^T (M x)", contrib_via_projection),
    ],
    "strongest_input": [
        ("-v_1", strongest_minus),
        ("top eigenvector of M^T M and the square root of its eigenvalue", strongest_eigh_sqrt),
        ("another unit vector in a repeated top subspace", strongest_mixed_top),
        ("power iteration on M^T M", strongest_power_iteration),
    ],
    "ov_rank": [
        ("np.linalg.matrix_rank(W_O @ W_V, rtol=rtol)", ov_matrix_rank_rtol),
        ("singular values of the (d_head, d_head) core from two QRs", ov_small_core),
    ],
}
