"""Wrong (and alternative right) answers to lab 3, *Least squares regression*.

See ``tests/wrong_answers/__init__.py`` for the convention. Each wrong answer is a mistake a
student plausibly makes; the label says which, and is what a failing test reports.
"""

from __future__ import annotations

import numpy as np


def _svd(A):
    return np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)


def _keep(s, rtol=1e-10):
    return s > rtol * (s[0] if s.size else 0.0)


# --------------------------------------------------------------------------------------
# pinv_svd
# --------------------------------------------------------------------------------------


def pinv_transposed_shape(A, rtol=1e-10):
    U, s, Vt = _svd(A)
    keep = _keep(s, rtol)
    return (U[:, keep] / s[keep]) @ Vt[keep]  # U S^+ V^T: shape (m, n)


def pinv_absolute_threshold(A, rtol=1e-10):
    U, s, Vt = _svd(A)
    keep = s > rtol  # absolute, not relative to s_1
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def pinv_no_threshold(A, rtol=1e-10):
    U, s, Vt = _svd(A)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (Vt.T / s) @ U.T  # divides by every singular value


def pinv_normal_equations(A, rtol=1e-10):
    A = np.asarray(A, dtype=float)
    return np.linalg.inv(A.T @ A) @ A.T


def pinv_numpy_default_cutoff(A, rtol=1e-10):
    return np.linalg.pinv(np.asarray(A, dtype=float))  # ignores rtol (default rcond=1e-15)


def pinv_not_inverted(A, rtol=1e-10):
    U, s, Vt = _svd(A)
    keep = _keep(s, rtol)
    return (Vt[keep].T * s[keep]) @ U[:, keep].T  # V S U^T = A^T


def pinv_full_matrices(A, rtol=1e-10):
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float))  # full SVD: the shapes do not fit
    s_plus = np.where(_keep(s, rtol), 1.0 / np.where(s > 0, s, 1.0), 0.0)
    return Vt.T @ np.diag(s_plus) @ U.T


def pinv_right_full_svd(A, rtol=1e-10):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A)
    S_plus = np.zeros((n, m))
    keep = _keep(s, rtol)
    S_plus[np.arange(len(s))[keep], np.arange(len(s))[keep]] = 1.0 / s[keep]
    return Vt.T @ S_plus @ U.T


def pinv_right_numpy_rcond(A, rtol=1e-10):
    return np.linalg.pinv(np.asarray(A, dtype=float), rtol)  # the same cutoff, rtol * s_1


def pinv_right_loop(A, rtol=1e-10):
    A = np.asarray(A, dtype=float)
    U, s, Vt = _svd(A)
    P = np.zeros((A.shape[1], A.shape[0]))
    for i in range(len(s)):
        if s[i] > rtol * s[0]:
            P += np.outer(Vt[i], U[:, i]) / s[i]
    return P


# --------------------------------------------------------------------------------------
# lstsq_svd
# --------------------------------------------------------------------------------------


def lstsq_normal_equations(A, b):
    A = np.asarray(A, dtype=float)
    return np.linalg.inv(A.T @ A) @ A.T @ np.asarray(b, dtype=float)


def lstsq_textbook_by_shape(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    m, n = A.shape
    if m >= n:
        return np.linalg.solve(A.T @ A, A.T @ b)
    return A.T @ np.linalg.solve(A @ A.T, b)


def lstsq_no_threshold(A, b):
    U, s, Vt = _svd(A)
    with np.errstate(divide="ignore", invalid="ignore"):
        return Vt.T @ (U.T @ np.asarray(b, dtype=float) / s)


def lstsq_zero_as_one(A, b):
    U, s, Vt = _svd(A)
    s_safe = np.where(_keep(s), s, 1.0)  # not min-norm: keeps b_u_i along null directions
    return Vt.T @ (U.T @ np.asarray(b, dtype=float) / s_safe)


def lstsq_solve(A, b):
    return np.linalg.solve(np.asarray(A, dtype=float), np.asarray(b, dtype=float))


def lstsq_right_compact(A, b):
    U, s, Vt = _svd(A)
    r = int(np.sum(_keep(s)))
    return Vt[:r].T @ np.diag(1.0 / s[:r]) @ U[:, :r].T @ np.asarray(b, dtype=float)


def lstsq_right_full_svd(A, b):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(_keep(s)))
    y = np.zeros(A.shape[1])
    y[:r] = (U.T @ np.asarray(b, dtype=float))[:r] / s[:r]
    return Vt.T @ y


# --------------------------------------------------------------------------------------
# ridge_svd
# --------------------------------------------------------------------------------------


def _ridge_with(A, b, lam, factor):
    if lam < 0:
        raise ValueError("lam must be >= 0")
    U, s, Vt = _svd(A)
    keep = _keep(s) if lam == 0 else s > 0
    b_u = U[:, keep].T @ np.asarray(b, dtype=float)
    return Vt[keep].T @ (factor(s[keep], lam) * b_u)


def ridge_one_over_s_plus_lam(A, b, lam):
    return _ridge_with(A, b, lam, lambda s, lam: 1.0 / (s + lam))


def ridge_lam_squared(A, b, lam):
    return _ridge_with(A, b, lam, lambda s, lam: s / (s**2 + lam**2))


def ridge_filter_only(A, b, lam):
    return _ridge_with(A, b, lam, lambda s, lam: s**2 / (s**2 + lam))


def ridge_uniform_shrink(A, b, lam):
    return _ridge_with(A, b, 0.0, lambda s, _: 1.0 / s) / (1.0 + lam)


def ridge_normal_equations(A, b, lam):
    if lam < 0:
        raise ValueError("lam must be >= 0")
    A = np.asarray(A, dtype=float)
    n = A.shape[1]
    return np.linalg.inv(A.T @ A + lam * np.eye(n)) @ A.T @ np.asarray(b, dtype=float)


def ridge_no_threshold_at_zero(A, b, lam):
    if lam < 0:
        raise ValueError("lam must be >= 0")
    U, s, Vt = _svd(A)
    with np.errstate(divide="ignore", invalid="ignore"):
        return Vt.T @ (s / (s**2 + lam) * (U.T @ np.asarray(b, dtype=float)))


def ridge_no_negative_check(A, b, lam):
    U, s, Vt = _svd(A)
    keep = _keep(s) if lam == 0 else s > 0
    b_u = U[:, keep].T @ np.asarray(b, dtype=float)
    return Vt[keep].T @ (s[keep] / (s[keep] ** 2 + lam) * b_u)


def ridge_right_reciprocal_form(A, b, lam):
    """1 / (s + lam / s), the chapter's form of the same factor."""
    if lam < 0:
        raise ValueError("lam must be >= 0")
    U, s, Vt = _svd(A)
    keep = _keep(s)  # s = 0 gives 0 for lam > 0 anyway
    b_u = U[:, keep].T @ np.asarray(b, dtype=float)
    return Vt[keep].T @ (b_u / (s[keep] + lam / s[keep]))


def ridge_right_augmented(A, b, lam):
    """Least squares on the stacked system [A; sqrt(lam) I] x = [b; 0]."""
    if lam < 0:
        raise ValueError("lam must be >= 0")
    A = np.asarray(A, dtype=float)
    n = A.shape[1]
    if lam == 0:
        return lstsq_right_compact(A, b)
    stacked = np.vstack([A, np.sqrt(lam) * np.eye(n)])
    rhs = np.concatenate([np.asarray(b, dtype=float), np.zeros(n)])
    return np.linalg.lstsq(stacked, rhs, rcond=None)[0]


def ridge_right_normal_equations_lam_positive(A, b, lam):
    if lam < 0:
        raise ValueError("lam must be >= 0")
    if lam == 0:
        return lstsq_right_compact(A, b)
    A = np.asarray(A, dtype=float)
    return np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ np.asarray(b, dtype=float))


# --------------------------------------------------------------------------------------
# norm_constrained_lstsq
# --------------------------------------------------------------------------------------


def _parts(A, b):
    U, s, Vt = _svd(A)
    keep = _keep(s)
    return s[keep], U[:, keep].T @ np.asarray(b, dtype=float), Vt[keep].T


def _bisect(norm_at, target, hi, rel_tol=0.0, steps=300):
    """The lam in [0, hi] with norm_at(lam) = target (norm_at decreasing)."""
    lo = 0.0
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        value = norm_at(mid)
        if rel_tol and abs(value - target) <= rel_tol * target:
            return mid
        if value > target:
            lo = mid
        else:
            hi = mid
    return hi


def _check_bound(max_norm):
    if max_norm < 0:
        raise ValueError("max_norm must be >= 0")


def _start(A, b, max_norm):
    """The opening the bisection variants share: the SVD parts, and the answer itself when
    the bound is inactive (the least-squares solution fits) or zero."""
    _check_bound(max_norm)
    s, b_u, V = _parts(A, b)
    x_ls = V @ (b_u / s)
    if np.linalg.norm(x_ls) <= max_norm:
        return s, b_u, V, x_ls
    if max_norm == 0:
        return s, b_u, V, np.zeros(V.shape[0])
    return s, b_u, V, None


def constrained_rescale_ls(A, b, max_norm):
    _check_bound(max_norm)
    s, b_u, V = _parts(A, b)
    x_ls = V @ (b_u / s)
    norm = np.linalg.norm(x_ls)
    if norm <= max_norm:
        return x_ls
    return x_ls * (max_norm / norm)  # shrinks every direction by the same factor


def constrained_always_boundary(A, b, max_norm):
    _check_bound(max_norm)
    s, b_u, V = _parts(A, b)
    x_ls = V @ (b_u / s)
    norm_ls = np.linalg.norm(x_ls)
    if norm_ls == 0:
        return x_ls
    if norm_ls <= max_norm:
        return x_ls * (max_norm / norm_ls)  # pushed out to the boundary although it fits
    if max_norm == 0:
        return np.zeros(V.shape[0])
    lam = _bisect(lambda lam: np.linalg.norm(s * b_u / (s**2 + lam)), max_norm,
                  np.linalg.norm(s * b_u) / max_norm)
    return V @ (s * b_u / (s**2 + lam))


def constrained_lam_is_bound(A, b, max_norm):
    _check_bound(max_norm)
    s, b_u, V = _parts(A, b)
    return V @ (s * b_u / (s**2 + max_norm))  # the bound used as the penalty weight


def constrained_truncate_until_fits(A, b, max_norm):
    _check_bound(max_norm)
    s, b_u, V = _parts(A, b)
    coords = b_u / s
    for r in range(len(s), -1, -1):  # drop the smallest singular values until x fits
        x = V[:, :r] @ coords[:r]
        if np.linalg.norm(x) <= max_norm:
            return x
    return np.zeros(V.shape[0])


def constrained_loose_bisection(A, b, max_norm):
    s, b_u, V, early = _start(A, b, max_norm)
    if early is not None:
        return early
    lam = _bisect(lambda lam: np.linalg.norm(s * b_u / (s**2 + lam)), max_norm,
                  np.linalg.norm(s * b_u) / max_norm, rel_tol=1e-4)  # stops far too early
    return V @ (s * b_u / (s**2 + lam))


def constrained_wrong_factor(A, b, max_norm):
    s, b_u, V, early = _start(A, b, max_norm)
    if early is not None:
        return early

    def x_at(lam):
        return V @ (b_u / (s + lam))  # 1 / (s + lam) instead of s / (s^2 + lam)

    hi = 1.0
    while np.linalg.norm(x_at(hi)) > max_norm:
        hi *= 2.0
    lam = _bisect(lambda lam: np.linalg.norm(x_at(lam)), max_norm, hi)
    return x_at(lam)


def constrained_ignore_bound(A, b, max_norm):
    _check_bound(max_norm)
    s, b_u, V = _parts(A, b)
    return V @ (b_u / s)  # the least-squares solution whatever the bound


def constrained_normal_equations(A, b, max_norm):
    _check_bound(max_norm)
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    n = A.shape[1]

    def x_at(lam):
        return np.linalg.solve(A.T @ A + lam * np.eye(n), A.T @ b)  # singular at lam = 0

    x_ls = x_at(0.0)
    if np.linalg.norm(x_ls) <= max_norm:
        return x_ls
    if max_norm == 0:
        return np.zeros(n)
    lam = _bisect(lambda lam: np.linalg.norm(x_at(lam)), max_norm,
                  np.linalg.norm(A.T @ b) / max_norm)
    return x_at(lam)


def constrained_right_brentq(A, b, max_norm):
    from scipy.optimize import brentq

    s, b_u, V, early = _start(A, b, max_norm)
    if early is not None:
        return early

    def gap(lam):
        return np.linalg.norm(s * b_u / (s**2 + lam)) - max_norm

    lam = brentq(gap, 0.0, np.linalg.norm(s * b_u) / max_norm, xtol=1e-300, rtol=1e-15)
    return V @ (s * b_u / (s**2 + lam))


def constrained_right_log_bisection(A, b, max_norm):
    """Bisection on log(lam), stopped once the norm is within 1e-10 (relative)."""
    s, b_u, V, early = _start(A, b, max_norm)
    if early is not None:
        return early

    def norm_at(lam):
        return np.linalg.norm(s * b_u / (s**2 + lam))

    lo, hi = -60.0, np.log(np.linalg.norm(s * b_u) / max_norm)
    while norm_at(np.exp(lo)) <= max_norm:
        lo -= 20.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        value = norm_at(np.exp(mid))
        if abs(value - max_norm) <= 1e-10 * max_norm:
            return V @ (s * b_u / (s**2 + np.exp(mid)))
        if value > max_norm:
            lo = mid
        else:
            hi = mid
    return V @ (s * b_u / (s**2 + np.exp(hi)))


def constrained_right_newton(A, b, max_norm):
    """Newton's method on 1 / ||x(lam)|| - 1 / max_norm (nearly linear in lam), from lam = 0."""
    s, b_u, V, early = _start(A, b, max_norm)
    if early is not None:
        return early
    lam = 0.0
    for _ in range(100):
        coords = s * b_u / (s**2 + lam)
        norm = np.linalg.norm(coords)
        derivative = -np.sum(coords**2 / (s**2 + lam)) / norm  # d||x|| / d lam
        step = -(1.0 / norm - 1.0 / max_norm) / (-derivative / norm**2)
        lam = lam + step
        if abs(step) <= 1e-15 * max(lam, 1e-300):
            break
    return V @ (s * b_u / (s**2 + lam))


WRONG_ANSWERS = {
    "pinv_svd": [
        ("U S^+ V^T: shape (m, n)", pinv_transposed_shape),
        ("absolute threshold s > rtol", pinv_absolute_threshold),
        ("no threshold: divides by every singular value", pinv_no_threshold),
        ("normal equations inv(A^T A) A^T", pinv_normal_equations),
        ("np.linalg.pinv with its default cutoff (rtol ignored)", pinv_numpy_default_cutoff),
        ("S instead of S^+ (returns A^T)", pinv_not_inverted),
        ("full SVD (full_matrices=True), shapes do not fit", pinv_full_matrices),
    ],
    "lstsq_svd": [
        ("normal equations inv(A^T A) A^T b", lstsq_normal_equations),
        ("textbook formula by shape (normal equations / A^T (A A^T)^-1 b)",
         lstsq_textbook_by_shape),
        ("no threshold: divides by zero singular values", lstsq_no_threshold),
        ("zero singular values replaced by 1 (not minimum norm)", lstsq_zero_as_one),
        ("np.linalg.solve(A, b)", lstsq_solve),
    ],
    "ridge_svd": [
        ("factor 1 / (s + lam)", ridge_one_over_s_plus_lam),
        ("factor s / (s^2 + lam^2) (penalty lam^2 ||x||^2)", ridge_lam_squared),
        ("filter factor s^2 / (s^2 + lam) without the 1 / s", ridge_filter_only),
        ("least-squares solution shrunk by 1 / (1 + lam)", ridge_uniform_shrink),
        ("normal equations, also at lam = 0 (rank-deficient A)", ridge_normal_equations),
        ("no threshold at lam = 0: divides by zero singular values", ridge_no_threshold_at_zero),
        ("no ValueError for a negative lam", ridge_no_negative_check),
    ],
    "norm_constrained_lstsq": [
        ("least-squares solution rescaled to the bound", constrained_rescale_ls),
        ("always on the boundary, even when the LS solution fits", constrained_always_boundary),
        ("the bound used as the penalty weight (lam = max_norm)", constrained_lam_is_bound),
        ("truncated SVD: drops small singular values until x fits",
         constrained_truncate_until_fits),
        ("bisection stopped at 1e-4 relative", constrained_loose_bisection),
        ("bisection with the factor 1 / (s + lam)", constrained_wrong_factor),
        ("the bound ignored (always the LS solution)", constrained_ignore_bound),
        ("normal equations, singular at lam = 0 for rank-deficient A",
         constrained_normal_equations),
    ],
}

OTHER_RIGHT_ANSWERS = {
    "pinv_svd": [
        ("full SVD with an (n, m) S^+", pinv_right_full_svd),
        ("np.linalg.pinv with rcond=rtol (the same cutoff)", pinv_right_numpy_rcond),
        ("sum of outer products v_i u_i^T / s_i", pinv_right_loop),
    ],
    "lstsq_svd": [
        ("compact SVD with np.diag", lstsq_right_compact),
        ("full SVD, zero coordinates beyond the rank", lstsq_right_full_svd),
    ],
    "ridge_svd": [
        ("factor 1 / (s + lam / s)", ridge_right_reciprocal_form),
        ("least squares on the stacked system [A; sqrt(lam) I]", ridge_right_augmented),
        ("normal equations for lam > 0, SVD at lam = 0",
         ridge_right_normal_equations_lam_positive),
    ],
    "norm_constrained_lstsq": [
        ("scipy.optimize.brentq on ||x(lam)|| - max_norm", constrained_right_brentq),
        ("bisection on log(lam)", constrained_right_log_bisection),
        ("Newton's method on the secular equation", constrained_right_newton),
    ],
}
