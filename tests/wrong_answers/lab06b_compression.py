"""Wrong (and alternative right) answers to lab 6B, *Information compression*.

See ``tests/wrong_answers/__init__.py`` for the convention. Each wrong answer is a mistake a
student plausibly makes; the label says which, and is what a failing test reports.
"""

from __future__ import annotations

import math

import numpy as np

# --------------------------------------------------------------------------------------
# compress
# --------------------------------------------------------------------------------------


def _check_k(k):
    if k < 0:
        raise ValueError("k must be >= 0")


def _truncate(M, k):
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def _per_channel(img, k):
    px = np.asarray(img).astype(float)
    if px.ndim == 2:
        return _truncate(px, k)
    return np.stack([_truncate(px[:, :, c], k) for c in range(px.shape[2])], axis=2)


def _finish(approx, dtype):
    if np.issubdtype(dtype, np.integer):
        return np.clip(np.rint(approx), 0, 255).astype(dtype)
    return np.clip(approx, 0.0, 1.0).astype(dtype)


def compress_whole_stack(img, k):
    _check_k(k)
    img = np.asarray(img)
    U, s, Vt = np.linalg.svd(img.astype(float), full_matrices=False)  # (m, n, 3): a stack
    approx = (U[..., :k] * s[..., None, :k]) @ Vt[..., :k, :]  # runs, but truncates each row
    return _finish(approx, img.dtype)


def compress_side_by_side(img, k):
    _check_k(k)
    img = np.asarray(img)
    px = img.astype(float)
    if px.ndim == 2:
        return _finish(_truncate(px, k), img.dtype)
    m, n, c = px.shape
    wide = px.reshape(m, n * c)  # one SVD of the three channels side by side
    return _finish(_truncate(wide, k).reshape(m, n, c), img.dtype)


def compress_float_out(img, k):
    _check_k(k)
    img = np.asarray(img)
    approx = _per_channel(img, k)
    top = 255.0 if np.issubdtype(img.dtype, np.integer) else 1.0
    return np.clip(approx, 0.0, top)  # float64 returned for a uint8 image


def compress_no_clip(img, k):
    _check_k(k)
    img = np.asarray(img)
    approx = _per_channel(img, k)
    if np.issubdtype(img.dtype, np.integer):
        return np.rint(approx).astype(img.dtype)  # -3 wraps to 253
    return approx.astype(img.dtype)  # values outside [0, 1]


def compress_truncate_not_round(img, k):
    _check_k(k)
    img = np.asarray(img)
    approx = _per_channel(img, k)
    if np.issubdtype(img.dtype, np.integer):
        return np.clip(approx, 0, 255).astype(img.dtype)  # astype cuts 127.9 to 127
    return np.clip(approx, 0.0, 1.0).astype(img.dtype)


def compress_k_plus_one(img, k):
    _check_k(k)
    img = np.asarray(img)
    return _finish(_per_channel(img, k + 1), img.dtype)


def compress_uint8_only(img, k):
    _check_k(k)
    img = np.asarray(img)
    approx = _per_channel(img, k)
    if img.dtype == np.uint8:  # other integer dtypes treated as floats in [0, 1]
        return np.clip(np.rint(approx), 0, 255).astype(np.uint8)
    return np.clip(approx, 0.0, 1.0).astype(img.dtype)


def compress_clip_255_for_floats(img, k):
    _check_k(k)
    img = np.asarray(img)
    approx = _per_channel(img, k)
    return np.clip(np.rint(approx) if np.issubdtype(img.dtype, np.integer) else approx,
                   0, 255).astype(img.dtype)  # floats clipped to [0, 255]


def compress_right_moveaxis(img, k):
    """Channels first, then numpy's stacked SVD does the right thing."""
    _check_k(k)
    img = np.asarray(img)
    px = img.astype(float)
    if px.ndim == 2:
        return _finish(_truncate(px, k), img.dtype)
    stack = np.moveaxis(px, -1, 0)  # (3, m, n): three (m, n) matrices
    U, s, Vt = np.linalg.svd(stack, full_matrices=False)
    approx = (U[..., :k] * s[..., None, :k]) @ Vt[..., :k, :]
    return _finish(np.moveaxis(approx, 0, -1), img.dtype)


def compress_right_outer_products(img, k):
    _check_k(k)
    img = np.asarray(img)
    px = img.astype(float)
    chans = [px] if px.ndim == 2 else [px[:, :, c] for c in range(px.shape[2])]
    out = []
    for M in chans:
        U, s, Vt = np.linalg.svd(M)
        B = np.zeros_like(M)
        for i in range(min(k, len(s))):
            B += s[i] * np.outer(U[:, i], Vt[i])
        out.append(B)
    approx = out[0] if px.ndim == 2 else np.dstack(out)
    return _finish(approx, img.dtype)


# --------------------------------------------------------------------------------------
# storage_cost
# --------------------------------------------------------------------------------------


def storage_folded(m, n, k):
    return k * (m + n)  # S folded into U or V


def storage_full_matrix(m, n, k):
    return k * m * n  # k full layers


def storage_float(m, n, k):
    return k * (m + n + 1.0)  # a float


def storage_square_s(m, n, k):
    return k * (m + n) + k * k  # S stored as a k x k matrix


def storage_plus_one(m, n, k):
    return k * (m + n) + 1  # one singular value only


def storage_right_sum(m, n, k):
    return m * k + k + k * n


# --------------------------------------------------------------------------------------
# psnr
# --------------------------------------------------------------------------------------


def _mse(ref, approx):
    return float(np.mean((np.asarray(ref).astype(float) - np.asarray(approx).astype(float)) ** 2))


def _peak(ref, peak):
    if peak is not None:
        return peak
    return 255.0 if np.issubdtype(np.asarray(ref).dtype, np.integer) else 1.0


def _safe(value_fn, mse):
    return float("inf") if mse == 0 else float(value_fn(mse))


def psnr_peak_255(ref, approx, peak=None):
    top = 255.0 if peak is None else peak  # 255 for floats too
    mse = _mse(ref, approx)
    return _safe(lambda e: 10 * np.log10(top**2 / e), mse)


def psnr_peak_1(ref, approx, peak=None):
    top = 1.0 if peak is None else peak  # 1 for integer images too
    mse = _mse(ref, approx)
    return _safe(lambda e: 10 * np.log10(top**2 / e), mse)


def psnr_sum(ref, approx, peak=None):
    top = _peak(ref, peak)
    sse = float(np.sum((np.asarray(ref).astype(float) - np.asarray(approx).astype(float)) ** 2))
    return _safe(lambda e: 10 * np.log10(top**2 / e), sse)  # sum, not mean


def psnr_natural_log(ref, approx, peak=None):
    top = _peak(ref, peak)
    return _safe(lambda e: 10 * np.log(top**2 / e), _mse(ref, approx))


def psnr_log2(ref, approx, peak=None):
    top = _peak(ref, peak)
    return _safe(lambda e: 10 * np.log2(top**2 / e), _mse(ref, approx))


def psnr_peak_not_squared(ref, approx, peak=None):
    top = _peak(ref, peak)
    return _safe(lambda e: 10 * np.log10(top / e), _mse(ref, approx))


def psnr_twenty_log_of_squares(ref, approx, peak=None):
    top = _peak(ref, peak)
    return _safe(lambda e: 20 * np.log10(top**2 / e), _mse(ref, approx))


def psnr_uint8_wraps(ref, approx, peak=None):
    ref, approx = np.asarray(ref), np.asarray(approx)
    top = _peak(ref, peak)
    mse = float(np.mean((ref - approx).astype(float) ** 2))  # uint8 subtraction wraps round
    return _safe(lambda e: 10 * np.log10(top**2 / e), mse)


def psnr_ignores_peak(ref, approx, peak=None):
    return _safe(lambda e: 10 * np.log10(_peak(ref, None) ** 2 / e), _mse(ref, approx))


def psnr_peak_from_data(ref, approx, peak=None):
    top = float(np.max(ref)) if peak is None else peak  # the brightest pixel, not the range
    return _safe(lambda e: 10 * np.log10(top**2 / e), _mse(ref, approx))


def psnr_zero_division(ref, approx, peak=None):
    top = _peak(ref, peak)
    return 10 * math.log10(top**2 / _mse(ref, approx))  # ZeroDivisionError for equal images


def psnr_right_rmse(ref, approx, peak=None):
    top = _peak(ref, peak)
    rmse = math.sqrt(_mse(ref, approx))
    with np.errstate(divide="ignore"):
        return float(20 * np.log10(top / rmse)) if rmse > 0 else math.inf


def psnr_right_difference_of_logs(ref, approx, peak=None):
    top = _peak(ref, peak)
    with np.errstate(divide="ignore"):
        return float(20 * np.log10(top) - 10 * np.log10(_mse(ref, approx)))


# --------------------------------------------------------------------------------------
# smallest_rank_for_psnr
# --------------------------------------------------------------------------------------


def _psnr(ref, approx, peak=None):
    return _safe(lambda e: 10 * np.log10(_peak(ref, peak) ** 2 / e), _mse(ref, approx))


def _compress(img, k):
    img = np.asarray(img)
    return _finish(_per_channel(img, k), img.dtype)


def rank_index(img, target_db):
    r = min(np.shape(img)[:2])
    for k in range(1, r + 1):
        if _psnr(img, _compress(img, k)) >= target_db:
            return k - 1  # an index counted from 0
    return r - 1


def rank_from_zero(img, target_db):
    r = min(np.shape(img)[:2])
    for k in range(0, r + 1):  # rank 0 (a black image) counted
        if _psnr(img, _compress(img, k)) >= target_db:
            return k
    return r


def rank_none_when_unreachable(img, target_db):
    r = min(np.shape(img)[:2])
    for k in range(1, r + 1):
        if _psnr(img, _compress(img, k)) >= target_db:
            return k
    return None  # should be min(m, n)


def rank_minus_one_when_unreachable(img, target_db):
    r = min(np.shape(img)[:2])
    for k in range(1, r + 1):
        if _psnr(img, _compress(img, k)) >= target_db:
            return k
    return -1


def rank_peak_255(img, target_db):
    r = min(np.shape(img)[:2])
    for k in range(1, r + 1):
        if _psnr(img, _compress(img, k), peak=255.0) >= target_db:  # 255 for floats too
            return k
    return r


def rank_mse_threshold_unsquared_peak(img, target_db):
    img = np.asarray(img)
    top = 255.0 if np.issubdtype(img.dtype, np.integer) else 1.0
    limit = top / 10 ** (target_db / 10)  # should be top**2 / 10**(target / 10)
    r = min(img.shape[:2])
    for k in range(1, r + 1):
        if _mse(img, _compress(img, k)) <= limit:
            return k
    return r


def rank_float(img, target_db):
    r = min(np.shape(img)[:2])
    for k in range(1, r + 1):
        if _psnr(img, _compress(img, k)) >= target_db:
            return float(k)
    return float(r)


def rank_max_dimension(img, target_db):
    r = max(np.shape(img)[:2])  # max(m, n) instead of min(m, n)
    for k in range(1, min(np.shape(img)[:2]) + 1):
        if _psnr(img, _compress(img, k)) >= target_db:
            return k
    return r


def rank_right_one_svd(img, target_db):
    """One SVD per channel, reused for every k."""
    img = np.asarray(img)
    px = img.astype(float)
    chans = px[:, :, None] if px.ndim == 2 else px
    svds = [np.linalg.svd(chans[:, :, c], full_matrices=False) for c in range(chans.shape[2])]
    r = min(img.shape[:2])
    for k in range(1, r + 1):
        approx = np.stack([(U[:, :k] * s[:k]) @ Vt[:k] for U, s, Vt in svds], axis=2)
        if _psnr(img, _finish(approx.reshape(img.shape), img.dtype)) >= target_db:
            return k
    return r


# --------------------------------------------------------------------------------------
# encode / decode
# --------------------------------------------------------------------------------------


def encode_rows(x, U, k):
    return np.asarray(U)[:k] @ np.asarray(x)  # first k rows of U


def encode_no_transpose(x, U, k):
    return np.asarray(U)[:, :k] @ np.asarray(x)  # shape error unless k = m


def encode_centres_x(x, U, k):
    x = np.asarray(x, dtype=float)
    return np.asarray(U)[:, :k].T @ (x - x.mean())  # centring is the caller's job


def encode_k_plus_one(x, U, k):
    return np.asarray(U)[:, : k + 1].T @ np.asarray(x)


def encode_last_columns(x, U, k):
    U = np.asarray(U)
    return U[:, U.shape[1] - k:].T @ np.asarray(x)  # the last k columns


def encode_right_row_vector(x, U, k):
    return np.asarray(x) @ np.asarray(U)[:, :k]


def encode_right_lstsq(x, U, k):
    U = np.asarray(U, dtype=float)
    return np.linalg.lstsq(U[:, :k], np.asarray(x, dtype=float), rcond=None)[0]


def decode_fixed_k(z, U, k=10):
    return np.asarray(U)[:, :k] @ np.asarray(z)  # k from a parameter, not len(z)


def decode_all_columns(z, U):
    return np.asarray(U) @ np.asarray(z)  # shape error unless len(z) = r


def decode_rows(z, U):
    z = np.asarray(z)
    return np.asarray(U)[: len(z)].T @ z  # first k rows of U, transposed


def decode_last_columns(z, U):
    U, z = np.asarray(U), np.asarray(z)
    return U[:, U.shape[1] - len(z):] @ z


def decode_reshaped(z, U):
    x = np.asarray(U)[:, : len(z)] @ np.asarray(z)
    side = int(round(np.sqrt(x.size)))
    return x.reshape(side, -1) if side * side == x.size else x[:, None]  # an 8 x 8 picture


def decode_right_padded(z, U):
    U, z = np.asarray(U, dtype=float), np.asarray(z, dtype=float)
    full = np.zeros(U.shape[1])
    full[: len(z)] = z
    return U @ full


def decode_right_sum(z, U):
    U = np.asarray(U, dtype=float)
    x = np.zeros(U.shape[0])
    for i, zi in enumerate(z):
        x += zi * U[:, i]
    return x


WRONG_ANSWERS = {
    "compress": [
        ("the whole (m, n, 3) array passed to np.linalg.svd (a stack)", compress_whole_stack),
        ("one SVD of the channels side by side, (m, 3n)", compress_side_by_side),
        ("float64 returned for an integer image", compress_float_out),
        ("no clipping (uint8 wraps, floats leave [0, 1])", compress_no_clip),
        ("truncation (astype) instead of np.rint", compress_truncate_not_round),
        ("keeps k + 1 layers", compress_k_plus_one),
        ("only uint8 treated as integer pixels", compress_uint8_only),
        ("float images clipped to [0, 255]", compress_clip_255_for_floats),
    ],
    "storage_cost": [
        ("k (m + n): S folded away", storage_folded),
        ("k m n: full layers", storage_full_matrix),
        ("a float", storage_float),
        ("S stored as a k x k matrix", storage_square_s),
        ("k (m + n) + 1", storage_plus_one),
    ],
    "psnr": [
        ("peak 255 for float images too", psnr_peak_255),
        ("peak 1 for integer images too", psnr_peak_1),
        ("sum of squared errors instead of the mean", psnr_sum),
        ("natural log", psnr_natural_log),
        ("log2", psnr_log2),
        ("peak not squared", psnr_peak_not_squared),
        ("20 log10(peak^2 / MSE)", psnr_twenty_log_of_squares),
        ("uint8 subtraction wraps round", psnr_uint8_wraps),
        ("ignores the peak argument", psnr_ignores_peak),
        ("peak = brightest pixel of ref", psnr_peak_from_data),
        ("ZeroDivisionError for identical images", psnr_zero_division),
    ],
    "smallest_rank_for_psnr": [
        ("returns k - 1 (an index)", rank_index),
        ("starts at k = 0 (black image counted)", rank_from_zero),
        ("None when no rank reaches the target", rank_none_when_unreachable),
        ("-1 when no rank reaches the target", rank_minus_one_when_unreachable),
        ("peak 255 for a float image", rank_peak_255),
        ("target turned into an MSE with peak, not peak**2", rank_mse_threshold_unsquared_peak),
        ("returns a float", rank_float),
        ("max(m, n) when no rank reaches the target", rank_max_dimension),
    ],
    "encode": [
        ("U[:k] (rows) instead of U[:, :k]", encode_rows),
        ("U[:, :k] @ x (no transpose)", encode_no_transpose),
        ("centres x inside encode", encode_centres_x),
        ("k + 1 coordinates", encode_k_plus_one),
        ("the last k columns", encode_last_columns),
    ],
    "decode": [
        ("k from a parameter (k = 10) instead of len(z)", decode_fixed_k),
        ("U @ z with all columns", decode_all_columns),
        ("first len(z) rows of U, transposed", decode_rows),
        ("the last len(z) columns", decode_last_columns),
        ("returns an 8 x 8 picture, not a flat image", decode_reshaped),
    ],
}

OTHER_RIGHT_ANSWERS = {
    "compress": [
        ("channels first, then numpy's stacked SVD", compress_right_moveaxis),
        ("full SVD, sum of outer products", compress_right_outer_products),
    ],
    "storage_cost": [
        ("m k + k + k n", storage_right_sum),
    ],
    "psnr": [
        ("20 log10(peak / RMSE)", psnr_right_rmse),
        ("20 log10(peak) - 10 log10(MSE)", psnr_right_difference_of_logs),
    ],
    "smallest_rank_for_psnr": [
        ("one SVD per channel, reused", rank_right_one_svd),
    ],
    "encode": [
        ("x @ U[:, :k]", encode_right_row_vector),
        ("least squares on U[:, :k]", encode_right_lstsq),
    ],
    "decode": [
        ("z padded with zeros, times U", decode_right_padded),
        ("a loop over the columns", decode_right_sum),
    ],
}
