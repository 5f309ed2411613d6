"""Wrong (and alternative right) answers to lab 5, *Lost and preserved information*.

See ``tests/wrong_answers/__init__.py`` for the convention. Each wrong answer is a mistake a
student plausibly makes; the label says which, and is what a failing test reports.
"""

from __future__ import annotations

import numpy as np


def _sv(A):
    return np.linalg.svd(np.asarray(A, float), compute_uv=False)


def _rank(s, rtol):
    return 0 if s.size == 0 or s[0] == 0 else int(np.sum(s > rtol * s[0]))


# --------------------------------------------------------------------------------------
# numerical_rank
# --------------------------------------------------------------------------------------


def rank_counts_positive(A, rtol=1e-10):
    return int(np.sum(_sv(A) > 0))


def rank_absolute(A, rtol=1e-10):
    return int(np.sum(_sv(A) > rtol))  # not relative to s_1


def rank_matrix_rank_default(A, rtol=1e-10):
    return int(np.linalg.matrix_rank(np.asarray(A, float)))  # rtol ignored


def rank_greater_equal(A, rtol=1e-10):
    s = _sv(A)
    return int(np.sum(s >= rtol * s[0]))  # the zero matrix gets full rank


def rank_eigenvalues(A, rtol=1e-10):
    lam = np.abs(np.linalg.eigvals(np.asarray(A, float)))  # eigenvalues, not singular values
    return int(np.sum(lam > rtol * lam.max())) if lam.max() > 0 else 0


def rank_eigh_ata(A, rtol=1e-10):
    A = np.asarray(A, float)
    lam = np.linalg.eigvalsh(A.T @ A)[::-1][: min(A.shape)]  # s_i**2, with rtol applied to them
    return int(np.sum(lam > rtol * lam[0])) if lam[0] > 0 else 0


def rank_matrix_rank_rtol(A, rtol=1e-10):
    return int(np.linalg.matrix_rank(np.asarray(A, float), rtol=rtol))


def rank_matrix_rank_tol(A, rtol=1e-10):
    A = np.asarray(A, float)
    return int(np.linalg.matrix_rank(A, tol=rtol * np.linalg.norm(A, 2)))


def rank_of_transpose(A, rtol=1e-10):
    return _rank(_sv(np.asarray(A, float).T), rtol)


# --------------------------------------------------------------------------------------
# four_subspaces
# --------------------------------------------------------------------------------------


def _spaces(U, Vt, r):
    return {"column": U[:, :r], "left_null": U[:, r:], "row": Vt[:r].T, "null": Vt[r:].T}


def four_thin_svd(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return _spaces(U, Vt, _rank(s, rtol))


def four_counts_positive(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    return _spaces(U, Vt, int(np.sum(s > 0)))


def four_absolute_threshold(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    return _spaces(U, Vt, int(np.sum(s > rtol)))


def four_column_row_swapped(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    r = _rank(s, rtol)
    return {"column": Vt[:r].T, "left_null": Vt[r:].T, "row": U[:, :r], "null": U[:, r:]}


def four_bases_as_rows(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    r = _rank(s, rtol)
    return {"column": U[:, :r].T, "left_null": U[:, r:].T, "row": Vt[:r], "null": Vt[r:]}


def four_v_for_vt(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    r = _rank(s, rtol)
    return {"column": U[:, :r], "left_null": U[:, r:], "row": Vt[:, :r], "null": Vt[:, r:]}


def four_null_spaces_swapped(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    r = _rank(s, rtol)
    return {"column": U[:, :r], "left_null": Vt[r:].T, "row": Vt[:r].T, "null": U[:, r:]}


def four_null_from_small_s(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    small = s <= rtol * s[0] if s[0] > 0 else np.ones(len(s), bool)
    k = len(s)
    # only the directions that have a (small) singular value; misses those beyond min(m, n)
    return {"column": U[:, :k][:, ~small], "left_null": U[:, :k][:, small],
            "row": Vt[:k][~small].T, "null": Vt[:k][small].T}


def four_rotated_bases(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, float))
    r = _rank(s, rtol)
    spaces = _spaces(U, Vt, r)
    rng = np.random.default_rng(1)
    out = {}
    for key, basis in spaces.items():
        d = basis.shape[1]
        Q, _ = np.linalg.qr(rng.standard_normal((d, d))) if d else (np.zeros((0, 0)), None)
        out[key] = basis @ Q  # another orthonormal basis of the same subspace
    return out


def four_scipy(A, rtol=1e-10):
    import scipy.linalg

    A = np.asarray(A, float)
    return {
        "column": scipy.linalg.orth(A, rcond=rtol),
        "left_null": scipy.linalg.null_space(A.T, rcond=rtol),
        "row": scipy.linalg.orth(A.T, rcond=rtol),
        "null": scipy.linalg.null_space(A, rcond=rtol),
    }


def four_column_space_by_qr(A, rtol=1e-10):
    # row and column spaces from the thin SVD, null spaces completed by QR
    A = np.asarray(A, float)
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    r = _rank(s, rtol)

    def complete(Q_r, dim):
        Q, _ = np.linalg.qr(np.hstack([Q_r, np.eye(dim)]), mode="complete")
        return Q[:, r:dim]

    return {"column": U[:, :r], "left_null": complete(U[:, :r], m),
            "row": Vt[:r].T, "null": complete(Vt[:r].T, n)}


# --------------------------------------------------------------------------------------
# condition_number
# --------------------------------------------------------------------------------------


def cond_eig_ata(A, rtol=1e-10):
    A = np.asarray(A, float)
    lam = np.linalg.eigvalsh(A.T @ A)
    if lam[0] <= rtol * lam[-1]:
        return np.inf
    return float(lam[-1] / lam[0])  # (s_1 / s_min)**2


def cond_eig_a(A, rtol=1e-10):
    lam = np.abs(np.linalg.eigvals(np.asarray(A, float)))
    if lam.min() <= rtol * lam.max():
        return np.inf
    return float(lam.max() / lam.min())


def cond_numpy(A, rtol=1e-10):
    return float(np.linalg.cond(np.asarray(A, float)))  # no cut-off


def cond_smallest_kept(A, rtol=1e-10):
    s = _sv(A)
    if s[0] == 0:
        return np.inf
    kept = s[s > rtol * s[0]]
    return float(s[0] / kept[-1])  # s_1 / s_r: the condition on the range


def cond_absolute(A, rtol=1e-10):
    s = _sv(A)
    if s[-1] <= rtol:  # not relative to s_1
        return np.inf
    return float(s[0] / s[-1])


def cond_inverted(A, rtol=1e-10):
    s = _sv(A)
    if s[-1] <= rtol * s[0]:
        return np.inf
    return float(s[-1] / s[0])


def cond_with_numpy_after_cutoff(A, rtol=1e-10):
    s = _sv(A)
    if s.min() <= rtol * s.max():
        return float("inf")
    return float(np.linalg.cond(np.asarray(A, float)))


def cond_norms(A, rtol=1e-10):
    A = np.asarray(A, float)
    s = _sv(A)
    if s[-1] <= rtol * s[0]:
        return np.inf
    return float(np.linalg.norm(A, 2) * np.linalg.norm(np.linalg.pinv(A), 2))


# --------------------------------------------------------------------------------------
# truncated_svd_solve
# --------------------------------------------------------------------------------------


def _check_k(A, k):
    if not 1 <= k <= min(np.shape(A)):
        raise ValueError("k out of range")


def solve_k_plus_one(A, b, k):
    _check_k(A, k)
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return Vt[: k + 1].T @ ((U[:, : k + 1].T @ b) / s[: k + 1])


def solve_vt_columns(A, b, k):
    _check_k(A, k)
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return Vt[:, :k] @ ((U[:, :k].T @ b) / s[:k])  # columns of Vt are not the v_i


def solve_no_raise_zero(A, b, k):
    if k > min(np.shape(A)):
        raise ValueError("k too large")
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return Vt[:k].T @ ((U[:, :k].T @ b) / s[:k])  # k = 0 gives the zero vector


def solve_no_raise_large(A, b, k):
    if k < 1:
        raise ValueError("k too small")
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return Vt[:k].T @ ((U[:, :k].T @ b) / s[:k])  # slicing silently clips a large k


def solve_raises_at_max(A, b, k):
    if not 1 <= k < min(np.shape(A)):  # off by one: k = min(m, n) is allowed
        raise ValueError("k out of range")
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return Vt[:k].T @ ((U[:, :k].T @ b) / s[:k])


def solve_multiplies(A, b, k):
    _check_k(A, k)
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return Vt[:k].T @ ((U[:, :k].T @ b) * s[:k])


def solve_smallest_k(A, b, k):
    _check_k(A, k)
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    return Vt[-k:].T @ ((U[:, -k:].T @ b) / s[-k:])  # the k smallest triplets


def solve_all_terms(A, b, k):
    _check_k(A, k)
    return np.linalg.pinv(np.asarray(A, float)) @ b  # k ignored


def solve_full_svd(A, b, k):
    _check_k(A, k)
    U, s, Vt = np.linalg.svd(np.asarray(A, float))  # the top k rows are the same
    return Vt[:k].T @ ((U[:, :k].T @ b) / s[:k])


def solve_flipped_loop(A, b, k):
    _check_k(A, k)
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    x = np.zeros(Vt.shape[1])
    for i in range(k):
        sign = -1.0 if i % 2 else 1.0  # other signs of the singular pairs
        x += ((sign * U[:, i]) @ b) / s[i] * (sign * Vt[i])
    return x


def solve_rotated_repeated(A, b, k):
    _check_k(A, k)
    U, s, Vt = np.linalg.svd(np.asarray(A, float), full_matrices=False)
    U, Vt = U.copy(), Vt.copy()
    tol = 1e-8 * max(float(s[0]), 1.0)
    start = 0
    for i in range(1, len(s) + 1):  # rotate the basis inside each group of equal s_i
        if i == len(s) or s[i - 1] - s[i] > tol:
            if i - start > 1:
                c, d = np.cos(0.7), np.sin(0.7)
                R = np.eye(i - start)
                R[:2, :2] = [[c, -d], [d, c]]
                U[:, start:i] = U[:, start:i] @ R
                Vt[start:i] = R.T @ Vt[start:i]
            start = i
    return Vt[:k].T @ ((U[:, :k].T @ b) / s[:k])


WRONG_ANSWERS = {
    "numerical_rank": [
        ("counts s > 0", rank_counts_positive),
        ("absolute threshold s > rtol", rank_absolute),
        ("np.linalg.matrix_rank with its default tolerance (rtol ignored)",
         rank_matrix_rank_default),
        ("s >= rtol * s_1 (the zero matrix gets full rank)", rank_greater_equal),
        ("counts nonzero eigenvalues of A", rank_eigenvalues),
        ("rtol applied to the eigenvalues s_i**2 of A^T A", rank_eigh_ata),
    ],
    "four_subspaces": [
        ("thin SVD: null spaces missing directions", four_thin_svd),
        ("rank by counting s > 0 (tiny singular values kept)", four_counts_positive),
        ("absolute threshold s > rtol", four_absolute_threshold),
        ("column and row spaces swapped", four_column_row_swapped),
        ("bases as rows instead of columns", four_bases_as_rows),
        ("V used for V^T (columns of Vt)", four_v_for_vt),
        ("null and left null spaces swapped", four_null_spaces_swapped),
        ("null spaces only from the s_i that are small", four_null_from_small_s),
    ],
    "condition_number": [
        ("ratio of eigenvalues of A^T A (squared)", cond_eig_ata),
        ("ratio of |eigenvalues| of A", cond_eig_a),
        ("np.linalg.cond without the rtol cut-off", cond_numpy),
        ("s_1 / s_r (smallest kept singular value)", cond_smallest_kept),
        ("absolute cut-off s_min <= rtol", cond_absolute),
        ("s_min / s_1 (inverted)", cond_inverted),
    ],
    "truncated_svd_solve": [
        ("k + 1 terms", solve_k_plus_one),
        ("Vt sliced by columns (Vt[:, :k])", solve_vt_columns),
        ("no ValueError for k = 0", solve_no_raise_zero),
        ("no ValueError for k > min(m, n)", solve_no_raise_large),
        ("ValueError also for k = min(m, n)", solve_raises_at_max),
        ("multiplies by s_i instead of dividing", solve_multiplies),
        ("the k smallest singular triplets", solve_smallest_k),
        ("all terms (pseudo-inverse), k ignored", solve_all_terms),
    ],
}

OTHER_RIGHT_ANSWERS = {
    "numerical_rank": [
        ("np.linalg.matrix_rank(A, rtol=rtol)", rank_matrix_rank_rtol),
        ("np.linalg.matrix_rank(A, tol=rtol * ||A||_2)", rank_matrix_rank_tol),
        ("rank of A.T", rank_of_transpose),
    ],
    "four_subspaces": [
        ("other orthonormal bases of the same subspaces", four_rotated_bases),
        ("scipy.linalg.orth and null_space with rcond=rtol", four_scipy),
        ("thin SVD, null spaces completed by QR", four_column_space_by_qr),
    ],
    "condition_number": [
        ("np.linalg.cond after the cut-off check, float('inf')", cond_with_numpy_after_cutoff),
        ("||A||_2 * ||pinv(A)||_2 after the cut-off check", cond_norms),
    ],
    "truncated_svd_solve": [
        ("full SVD, top k rows", solve_full_svd),
        ("a loop with other signs of the singular pairs", solve_flipped_loop),
        ("another basis for repeated singular values", solve_rotated_repeated),
    ],
}
