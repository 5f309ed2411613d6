"""Wrong (and alternative right) answers to lab 6A, *Principal component analysis*.

See ``tests/wrong_answers/__init__.py`` for the convention. Each wrong answer is a mistake a
student plausibly makes; the label says which, and is what a failing test reports.
"""

from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------------------
# center
# --------------------------------------------------------------------------------------


def center_rows(X):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=1)
    return X - mean[:, None], mean  # the mean of every row (observation)


def center_grand_mean(X):
    X = np.asarray(X, dtype=float)
    mean = np.full(X.shape[1], X.mean())
    return X - X.mean(), mean  # one mean for all entries


def center_standardise(X):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    return (X - mean) / np.where(std > 0, std, 1.0), mean  # also divides by the spread


def center_swapped(X):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    return mean, X - mean  # (mean, Xc) instead of (Xc, mean)


def center_keepdims(X):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0, keepdims=True)
    return X - mean, mean  # mean of shape (1, p), not (p,)


def center_in_place(X):
    X = np.asarray(X)  # no copy for a float array
    if X.dtype.kind != "f":
        X = X.astype(float)
    mean = X.mean(axis=0)
    X -= mean  # changes the caller's array
    return X, mean


def center_no_centring(X):
    X = np.asarray(X, dtype=float)
    return X.copy(), X.mean(axis=0)  # forgets to subtract


def center_right_ones(X):
    X = np.array(X, dtype=float)
    n = X.shape[0]
    mean = np.ones(n) @ X / n
    return X - np.outer(np.ones(n), mean), mean


def center_right_copy_in_place(X):
    X = np.array(X, dtype=float)  # a copy: in-place is fine now
    mean = X.mean(axis=0)
    X -= mean
    return X, mean


# --------------------------------------------------------------------------------------
# pca_svd
# --------------------------------------------------------------------------------------


def _centred(X):
    X = np.asarray(X, dtype=float)
    return X - X.mean(axis=0)


def pca_no_centring(X, k):
    X = np.asarray(X, dtype=float)
    U, s, Vt = np.linalg.svd(X, full_matrices=False)  # SVD of X, not of the centred data
    return Vt[:k], s[:k] ** 2 / (X.shape[0] - 1), U[:, :k] * s[:k]


def pca_divide_by_n(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / Xc.shape[0], U[:, :k] * s[:k]  # n instead of n - 1


def pca_components_from_u(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return U[:, :k].T, s[:k] ** 2 / (Xc.shape[0] - 1), U[:, :k] * s[:k]  # U where V is asked


def pca_variance_of_s(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] / (Xc.shape[0] - 1), U[:, :k] * s[:k]  # s, not s**2


def pca_components_as_columns(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k].T, s[:k] ** 2 / (Xc.shape[0] - 1), U[:, :k] * s[:k]  # (p, k)


def pca_scores_are_u(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / (Xc.shape[0] - 1), U[:, :k]  # U without S


def pca_scores_uncentred(X, k):
    X = np.asarray(X, dtype=float)
    U, s, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return Vt[:k], s[:k] ** 2 / (X.shape[0] - 1), X @ Vt[:k].T  # projects X, not Xc


def pca_eigh_ascending(X, k):
    Xc = _centred(X)
    evals, W = np.linalg.eigh(Xc.T @ Xc / (Xc.shape[0] - 1))  # ascending order, not reversed
    comps = W[:, :k].T
    return comps, evals[:k], Xc @ comps.T


def pca_k_plus_one(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    j = k + 1
    return Vt[1:j], s[1:j] ** 2 / (Xc.shape[0] - 1), U[:, 1:j] * s[1:j]  # skips the first


def pca_vt_columns(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:, :k].T, s[:k] ** 2 / (Xc.shape[0] - 1), U[:, :k] * s[:k]  # columns of Vt


def pca_right_eigh(X, k):
    """Eigen-decomposition of the covariance, sorted largest first."""
    Xc = _centred(X)
    evals, W = np.linalg.eigh(Xc.T @ Xc / (Xc.shape[0] - 1))
    order = np.argsort(evals)[::-1][:k]
    comps = W[:, order].T
    return comps, evals[order], Xc @ comps.T


def pca_right_flipped_signs(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    signs = np.where(np.arange(k) % 2 == 0, -1.0, 1.0)
    return signs[:, None] * Vt[:k], s[:k] ** 2 / (Xc.shape[0] - 1), (U[:, :k] * s[:k]) * signs


def pca_right_full_matrices(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc)  # full SVD: the first k columns and rows are the same
    return Vt[:k], s[:k] ** 2 / (Xc.shape[0] - 1), U[:, :k] @ np.diag(s[:k])


def pca_right_sklearn(X, k):
    from sklearn.decomposition import PCA

    X = np.asarray(X, dtype=float)
    model = PCA(n_components=k, svd_solver="full").fit(X)
    return model.components_, model.explained_variance_, model.transform(X)


# --------------------------------------------------------------------------------------
# explained_variance_ratio
# --------------------------------------------------------------------------------------


def ratio_of_s(X):
    s = np.linalg.svd(_centred(X), compute_uv=False)
    return s / s.sum()  # shares of s, not s**2


def ratio_no_centring(X):
    s = np.linalg.svd(np.asarray(X, dtype=float), compute_uv=False)
    return s**2 / np.sum(s**2)


def ratio_cumulative(X):
    s = np.linalg.svd(_centred(X), compute_uv=False)
    return np.cumsum(s**2) / np.sum(s**2)


def ratio_over_kept_only(X, k=2):
    s = np.linalg.svd(_centred(X), compute_uv=False)
    var = s[:k] ** 2 / (len(X) - 1)
    return var / var.sum()  # the shares among the first k components only


def ratio_eigvalsh_all(X):
    Xc = _centred(X)
    evals = np.linalg.eigvalsh(Xc.T @ Xc)[::-1]  # p values, also for wide data (n < p)
    return evals / evals.sum()


def ratio_eigvalsh_ascending(X):
    Xc = _centred(X)
    evals = np.linalg.eigvalsh(Xc.T @ Xc)[-min(Xc.shape):]  # right values, ascending order
    return evals / evals.sum()


def ratio_drop_zero(X):
    s = np.linalg.svd(_centred(X), compute_uv=False)
    s = s[s > 1e-10 * s[0]]  # drops the zero variances
    return s**2 / np.sum(s**2)


def ratio_over_largest(X):
    s = np.linalg.svd(_centred(X), compute_uv=False)
    return s**2 / s[0] ** 2  # relative to the first component


def ratio_right_eigvalsh(X):
    Xc = _centred(X)
    evals = np.linalg.eigvalsh(Xc.T @ Xc / (Xc.shape[0] - 1))[::-1][: min(Xc.shape)]
    return evals / np.trace(Xc.T @ Xc / (Xc.shape[0] - 1))


def ratio_right_sklearn(X):
    from sklearn.decomposition import PCA

    return PCA(svd_solver="full").fit(np.asarray(X, dtype=float)).explained_variance_ratio_


def ratio_right_divide_by_n(X):
    s = np.linalg.svd(_centred(X), compute_uv=False)
    var = s**2 / len(s)  # any common factor cancels in the ratio
    return var / var.sum()


# --------------------------------------------------------------------------------------
# reconstruct
# --------------------------------------------------------------------------------------


def reconstruct_no_mean(X, k):
    Xc = _centred(X)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]  # the mean is not added back


def reconstruct_project_x(X, k):
    X = np.asarray(X, dtype=float)
    _, _, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X @ Vt[:k].T @ Vt[:k]  # projects X itself, no mean


def reconstruct_no_centring(X, k):
    X = np.asarray(X, dtype=float)
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]  # truncated SVD of X itself


def reconstruct_k_plus_one(X, k):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    U, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean + (U[:, : k + 1] * s[: k + 1]) @ Vt[: k + 1]


def reconstruct_mean_twice(X, k):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean + X @ Vt[:k].T @ Vt[:k]  # projects X (not Xc), then adds the mean


def reconstruct_scores_u(X, k):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    U, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean + U[:, :k] @ Vt[:k]  # S left out


def reconstruct_right_projector(X, k):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean + (X - mean) @ Vt[:k].T @ Vt[:k]


def reconstruct_right_eigh(X, k):
    """Projector from eigh of the covariance: another basis where variances repeat."""
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    Xc = X - mean
    _, W = np.linalg.eigh(Xc.T @ Xc)
    V_k = W[:, ::-1][:, :k]
    return mean + Xc @ V_k @ V_k.T


def reconstruct_right_sklearn(X, k):
    from sklearn.decomposition import PCA

    X = np.asarray(X, dtype=float)
    if k == 0:
        return np.tile(X.mean(axis=0), (X.shape[0], 1))
    model = PCA(n_components=k, svd_solver="full")
    return model.inverse_transform(model.fit_transform(X))


WRONG_ANSWERS = {
    "center": [
        ("subtracts the mean of every row", center_rows),
        ("subtracts the mean of all entries", center_grand_mean),
        ("standardises (divides by the standard deviation) as well", center_standardise),
        ("returns (mean, Xc) in the wrong order", center_swapped),
        ("mean of shape (1, p) (keepdims)", center_keepdims),
        ("changes the caller's array in place", center_in_place),
        ("forgets to subtract the mean", center_no_centring),
    ],
    "pca_svd": [
        ("no centring: SVD of X itself", pca_no_centring),
        ("variances divided by n instead of n - 1", pca_divide_by_n),
        ("components from U (columns of U) where V is asked", pca_components_from_u),
        ("explained variance from s instead of s**2", pca_variance_of_s),
        ("components as columns, shape (p, k)", pca_components_as_columns),
        ("scores = U without S", pca_scores_are_u),
        ("scores of the uncentred X", pca_scores_uncentred),
        ("eigh of the covariance, ascending order kept", pca_eigh_ascending),
        ("skips the first component (off by one)", pca_k_plus_one),
        ("columns of Vt instead of rows", pca_vt_columns),
    ],
    "explained_variance_ratio": [
        ("shares of s instead of s**2", ratio_of_s),
        ("no centring", ratio_no_centring),
        ("cumulative shares", ratio_cumulative),
        ("shares over the first k = 2 components only", ratio_over_kept_only),
        ("eigvalsh of the p x p covariance: p values for wide data", ratio_eigvalsh_all),
        ("eigvalsh in ascending order", ratio_eigvalsh_ascending),
        ("drops the zero variances", ratio_drop_zero),
        ("divides by the largest variance instead of the total", ratio_over_largest),
    ],
    "reconstruct": [
        ("the mean is not added back", reconstruct_no_mean),
        ("projects X (not the centred data), no mean", reconstruct_project_x),
        ("truncated SVD of X without centring", reconstruct_no_centring),
        ("keeps k + 1 components", reconstruct_k_plus_one),
        ("projects X, then adds the mean (mean counted twice)", reconstruct_mean_twice),
        ("U_k V_k^T + mean: S left out", reconstruct_scores_u),
    ],
}

OTHER_RIGHT_ANSWERS = {
    "center": [
        ("mean through a vector of ones", center_right_ones),
        ("in place on a copy", center_right_copy_in_place),
    ],
    "pca_svd": [
        ("eigh of the covariance, sorted largest first", pca_right_eigh),
        ("other signs of the components (scores flipped with them)", pca_right_flipped_signs),
        ("full SVD, sliced", pca_right_full_matrices),
        ("scikit-learn's PCA", pca_right_sklearn),
    ],
    "explained_variance_ratio": [
        ("eigvalsh of the covariance over its trace", ratio_right_eigvalsh),
        ("scikit-learn's explained_variance_ratio_", ratio_right_sklearn),
        ("another common factor in the variances", ratio_right_divide_by_n),
    ],
    "reconstruct": [
        ("mean + Xc V_k V_k^T", reconstruct_right_projector),
        ("projector from eigh of Xc^T Xc", reconstruct_right_eigh),
        ("scikit-learn's inverse_transform", reconstruct_right_sklearn),
    ],
}
