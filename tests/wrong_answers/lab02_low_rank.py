"""Wrong (and alternative right) answers to lab 2, *Best rank-k approximations*.

See ``tests/wrong_answers/__init__.py`` for the convention. Each wrong answer is a mistake a
student plausibly makes; the label says which, and is what a failing test reports.
"""

from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------------------
# rank_k_approx
# --------------------------------------------------------------------------------------


def _svd(A):
    return np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)


def _check_k(k):
    if k < 0:
        raise ValueError("k must be >= 0")


def rank_k_plus_one(A, k):
    _check_k(k)
    U, s, Vt = _svd(A)
    return (U[:, : k + 1] * s[: k + 1]) @ Vt[: k + 1]  # one layer too many


def rank_k_minus_one(A, k):
    _check_k(k)
    U, s, Vt = _svd(A)
    j = max(k - 1, 0)
    return (U[:, :j] * s[:j]) @ Vt[:j]  # one layer too few


def rank_k_vt_columns(A, k):
    _check_k(k)
    U, s, Vt = _svd(A)
    return (U[:, :k] * s[:k]) @ Vt[:, :k]  # first k columns of Vt, not its first k rows


def rank_k_v_for_vt(A, k):
    _check_k(k)
    U, s, Vt = _svd(A)
    return (U[:, :k] * s[:k]) @ Vt.T[:k]  # rows of V where rows of V^T are meant


def rank_k_smallest_layers(A, k):
    _check_k(k)
    U, s, Vt = _svd(A)
    p = len(s)
    j = min(k, p)
    return (U[:, p - j:] * s[p - j:]) @ Vt[p - j:]  # the last (smallest) k layers


def rank_k_negative_slice(A, k):
    _check_k(k)
    U, s, Vt = _svd(A)
    s = s.copy()
    p = len(s)
    drop = max(p - k, 0)
    s[-drop:] = 0.0  # zero the last p - k values; but s[-0:] is all of s when k >= p
    return (U * s) @ Vt


def rank_k_no_negative_check(A, k):
    U, s, Vt = _svd(A)
    return (U[:, :k] * s[:k]) @ Vt[:k]  # k = -1 silently keeps all but the last layer


def rank_k_right_full_matrices(A, k):
    _check_k(k)
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float))  # full SVD: still right here
    j = min(k, len(s))
    return U[:, :j] @ np.diag(s[:j]) @ Vt[:j]


def rank_k_right_outer_products(A, k):
    _check_k(k)
    A = np.asarray(A, dtype=float)
    U, s, Vt = _svd(A)
    B = np.zeros_like(A)
    for i in range(min(k, len(s))):
        B += s[i] * np.outer(U[:, i], Vt[i])
    return B


def rank_k_right_project_rows(A, k):
    """A V_k V_k^T with V_k from eigh(A^T A): another basis where singular values repeat."""
    _check_k(k)
    A = np.asarray(A, dtype=float)
    _, W = np.linalg.eigh(A.T @ A)
    V_k = W[:, ::-1][:, : min(k, A.shape[1])]
    return A @ V_k @ V_k.T


def rank_k_right_project_columns(A, k):
    """U_k U_k^T A with U_k from eigh(A A^T)."""
    _check_k(k)
    A = np.asarray(A, dtype=float)
    _, W = np.linalg.eigh(A @ A.T)
    U_k = W[:, ::-1][:, : min(k, A.shape[0])]
    return U_k @ (U_k.T @ A)


# --------------------------------------------------------------------------------------
# approx_errors
# --------------------------------------------------------------------------------------


def errors_s_k(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    spectral = float(s[k - 1]) if 1 <= k <= len(s) else (float(s[0]) if k == 0 else 0.0)
    return spectral, float(np.sqrt(np.sum(s[k:] ** 2)))  # s_k instead of s_{k+1}


def errors_no_sqrt(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    left = s[k:]
    return (float(left[0]) if left.size else 0.0), float(np.sum(left**2))  # no square root


def errors_off_by_one_tail(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    left = s[k:]
    return (float(left[0]) if left.size else 0.0), float(np.sqrt(np.sum(s[k + 1:] ** 2)))


def errors_index_error(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    return float(s[k]), float(np.sqrt(np.sum(s[k:] ** 2)))  # IndexError for k >= len(s)


def errors_sum_not_squared(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    left = s[k:]
    return (float(left[0]) if left.size else 0.0), float(np.sum(left))  # sum of s, not s**2


def errors_kept_layers(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    left = s[k:]
    return (float(left[0]) if left.size else 0.0), float(np.sqrt(np.sum(s[:k] ** 2)))


def errors_slice_not_number(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    return s[k:k + 1], float(np.sqrt(np.sum(s[k:] ** 2)))  # an array of shape (1,)


def errors_raise_on_zero(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    if not np.any(s):
        raise ValueError("all singular values are zero")  # the zero matrix is fine here
    left = s[k:]
    return (float(left[0]) if left.size else 0.0), float(np.sqrt(np.sum(left**2)))


def errors_right_loop(s, k):
    _check_k(k)
    spectral, total = 0.0, 0.0
    for i, value in enumerate(s):
        if i >= k:
            spectral = max(spectral, float(value))
            total += float(value) ** 2
    return spectral, total**0.5


# --------------------------------------------------------------------------------------
# energy_retained
# --------------------------------------------------------------------------------------


def _total(s):
    s = np.asarray(s, dtype=float)
    total = np.sum(s**2)
    if total == 0:
        raise ValueError("no energy")
    return s, total


def energy_of_s(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    if not np.any(s):
        raise ValueError("no energy")
    return float(np.sum(s[:k]) / np.sum(s))  # s instead of s**2


def energy_plus_one(s, k):
    _check_k(k)
    s, total = _total(s)
    return float(np.sum(s[: k + 1] ** 2) / total)


def energy_lost(s, k):
    _check_k(k)
    s, total = _total(s)
    return float(1.0 - np.sum(s[:k] ** 2) / total)  # the share lost


def energy_cumsum_index(s, k):
    _check_k(k)
    s, total = _total(s)
    return float(np.cumsum(s**2)[k - 1] / total)  # k = 0 wraps round to 1; IndexError k > p


def energy_no_zero_check(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.sum(s[:k] ** 2) / np.sum(s**2))  # nan for an all-zero s


def energy_norm_ratio(s, k):
    _check_k(k)
    s, total = _total(s)
    return float(np.sqrt(np.sum(s[:k] ** 2) / total))  # ||A_k||_F / ||A||_F, not squared


def energy_no_negative_check(s, k):
    s, total = _total(s)
    return float(np.sum(s[:k] ** 2) / total)  # k = -1 keeps all but the last


def energy_right_cumsum(s, k):
    _check_k(k)
    s, total = _total(s)
    cumulative = np.concatenate([[0.0], np.cumsum(s**2)])
    return float(cumulative[min(k, len(s))] / total)


def energy_right_from_norms(s, k):
    _check_k(k)
    s = np.asarray(s, dtype=float)
    norm = np.linalg.norm(s)
    if norm == 0:
        raise ValueError("no energy")
    return float(1.0 - (np.linalg.norm(s[k:]) / norm) ** 2)


# --------------------------------------------------------------------------------------
# smallest_rank_for_energy
# --------------------------------------------------------------------------------------


def _energies(s):
    s, total = _total(s)
    return np.concatenate([[0.0], np.cumsum(s**2)]) / total


def _check_fraction(fraction):
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("fraction must be in [0, 1]")


def rank_energy_of_s(s, fraction):
    _check_fraction(fraction)
    s = np.asarray(s, dtype=float)
    if not np.any(s):
        raise ValueError("no energy")
    energy = np.concatenate([[0.0], np.cumsum(s)]) / np.sum(s)  # s instead of s**2
    return int(np.argmax(energy >= fraction - 1e-12))


def rank_energy_index(s, fraction):
    _check_fraction(fraction)
    s, total = _total(s)
    energy = np.cumsum(s**2) / total  # energy[k - 1] is E_k ...
    return int(np.searchsorted(energy, fraction - 1e-12))  # ... but the index is returned


def rank_energy_strict(s, fraction):
    _check_fraction(fraction)
    energy = _energies(s)
    hits = np.nonzero(energy > fraction)[0]  # strictly greater, no slack
    return int(hits[0]) if hits.size else len(energy) - 1


def rank_energy_no_slack(s, fraction):
    _check_fraction(fraction)
    s, total = _total(s)
    energy = np.cumsum(s**2) / total
    return int(np.argmax(energy >= fraction) + 1) if fraction > 0 else 0  # no 1e-12 slack


def rank_energy_never_zero(s, fraction):
    _check_fraction(fraction)
    s, total = _total(s)
    for k in range(1, len(s) + 1):  # starts at k = 1, so fraction 0 gives 1
        if np.sum(s[:k] ** 2) / total >= fraction - 1e-12:
            return k
    return len(s)


def rank_energy_no_zero_check(s, fraction):
    _check_fraction(fraction)
    s = np.asarray(s, dtype=float)
    total = np.sum(s**2)
    if total == 0:
        return 0  # an all-zero s should raise ValueError
    energy = np.concatenate([[0.0], np.cumsum(s**2)]) / total
    return int(np.argmax(energy >= fraction - 1e-12))


def rank_energy_large_slack(s, fraction):
    _check_fraction(fraction)
    energy = _energies(s)
    return int(np.argmax(energy >= fraction - 1e-6))  # a slack far larger than rounding


def rank_energy_float(s, fraction):
    _check_fraction(fraction)
    energy = _energies(s)
    return float(np.argmax(energy >= fraction - 1e-12))  # 3.0, not 3


def rank_energy_no_fraction_check(s, fraction):
    energy = _energies(s)
    hits = np.nonzero(energy >= fraction - 1e-12)[0]
    return int(hits[0]) if hits.size else len(energy) - 1  # fraction 1.5 gives len(s)


def rank_energy_right_searchsorted(s, fraction):
    _check_fraction(fraction)
    s, total = _total(s)
    energy = np.cumsum(s**2) / total
    if fraction - 1e-12 <= 0:
        return 0
    return int(min(np.searchsorted(energy, fraction - 1e-12) + 1, len(s)))


def rank_energy_right_python_sum(s, fraction):
    _check_fraction(fraction)
    squares = [float(v) ** 2 for v in s]
    total = sum(squares)
    if total == 0:
        raise ValueError("no energy")
    kept = 0.0
    for k in range(len(squares) + 1):
        if kept / total >= fraction - 1e-12:
            return k
        if k < len(squares):
            kept += squares[k]
    return len(squares)


WRONG_ANSWERS = {
    "rank_k_approx": [
        ("keeps k + 1 layers", rank_k_plus_one),
        ("keeps k - 1 layers", rank_k_minus_one),
        ("Vt[:, :k] (columns) instead of Vt[:k] (rows)", rank_k_vt_columns),
        ("rows of V used for rows of V^T", rank_k_v_for_vt),
        ("keeps the k smallest layers", rank_k_smallest_layers),
        ("s[-(p - k):] = 0 zeroes everything when k = p", rank_k_negative_slice),
        ("no ValueError for a negative k", rank_k_no_negative_check),
    ],
    "approx_errors": [
        ("s_k instead of s_{k+1} as the spectral error", errors_s_k),
        ("Frobenius error without the square root", errors_no_sqrt),
        ("Frobenius error starts at s_{k+2}", errors_off_by_one_tail),
        ("IndexError for k >= len(s)", errors_index_error),
        ("Frobenius error adds s, not s**2", errors_sum_not_squared),
        ("Frobenius norm of the kept layers", errors_kept_layers),
        ("spectral error as a slice of shape (1,)", errors_slice_not_number),
        ("raises for an all-zero s (the zero matrix has errors 0)", errors_raise_on_zero),
    ],
    "energy_retained": [
        ("shares of s instead of s**2", energy_of_s),
        ("keeps k + 1 layers", energy_plus_one),
        ("returns the share lost, 1 - E_k", energy_lost),
        ("np.cumsum(s**2)[k - 1]: k = 0 gives 1", energy_cumsum_index),
        ("no ValueError for an all-zero s (nan)", energy_no_zero_check),
        ("ratio of norms, not of squared norms", energy_norm_ratio),
        ("no ValueError for a negative k", energy_no_negative_check),
    ],
    "smallest_rank_for_energy": [
        ("cumulative share of s instead of s**2", rank_energy_of_s),
        ("returns the index k - 1 (off by one)", rank_energy_index),
        ("energy > fraction (strict) instead of >=", rank_energy_strict),
        ("no 1e-12 slack: fraction 1.0 fails under rounding", rank_energy_no_slack),
        ("starts at k = 1: fraction 0 gives 1", rank_energy_never_zero),
        ("returns 0 for an all-zero s instead of raising", rank_energy_no_zero_check),
        ("slack of 1e-6, far above rounding", rank_energy_large_slack),
        ("returns a float", rank_energy_float),
        ("no ValueError for a fraction outside [0, 1]", rank_energy_no_fraction_check),
    ],
}

OTHER_RIGHT_ANSWERS = {
    "rank_k_approx": [
        ("full SVD, sliced", rank_k_right_full_matrices),
        ("sum of outer products", rank_k_right_outer_products),
        ("A V_k V_k^T with V_k from eigh(A^T A)", rank_k_right_project_rows),
        ("U_k U_k^T A with U_k from eigh(A A^T)", rank_k_right_project_columns),
    ],
    "approx_errors": [
        ("a plain Python loop", errors_right_loop),
    ],
    "energy_retained": [
        ("cumulative sum with a leading 0", energy_right_cumsum),
        ("1 - (relative Frobenius error)**2", energy_right_from_norms),
    ],
    "smallest_rank_for_energy": [
        ("np.searchsorted on the cumulative energy", rank_energy_right_searchsorted),
        ("plain Python sums", rank_energy_right_python_sum),
    ],
}
