"""Image helpers: the bundled photographs as float matrices, and back to bytes.

The course treats a grayscale image as an ordinary matrix: an ``(m, n)`` array of
floats in ``[0, 1]``, one entry per pixel, row 0 at the top. These helpers turn the
photographs that ship with scikit-learn into such matrices, shrink them by block
averaging so that an SVD takes milliseconds, and convert results back to 8-bit pixels
for display.

Nothing here approximates an image: truncating an SVD is the reader's job (and the
labs').
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "LUMA_WEIGHTS",
    "PHOTOS",
    "block_mean",
    "load_photo",
    "relative_error",
    "to_gray",
    "to_uint8",
]

#: Weights of red, green and blue in the luminance of ITU-R BT.601 (the ones Pillow uses
#: for its "L" mode).
LUMA_WEIGHTS = (0.299, 0.587, 0.114)

#: The photographs bundled with scikit-learn (:func:`sklearn.datasets.load_sample_image`),
#: both 427 x 640 pixels in colour.
PHOTOS = ("china.jpg", "flower.jpg")


@lru_cache(maxsize=len(PHOTOS))
def _read_photo(name: str) -> NDArray[np.uint8]:
    """The photo as scikit-learn ships it (uint8, read-only so the cache stays intact)."""
    from sklearn.datasets import load_sample_image

    pixels = np.asarray(load_sample_image(name))
    pixels.setflags(write=False)
    return pixels


def to_gray(img: ArrayLike) -> NDArray[np.float64]:
    """Convert a colour image to grayscale by its luminance.

    Parameters
    ----------
    img : array_like, shape (m, n, 3) or (m, n)
        A colour image with channels last (red, green, blue), or an image that is
        already grayscale, which is returned as a float array unchanged.

    Returns
    -------
    ndarray of float64, shape (m, n)
        ``0.299 R + 0.587 G + 0.114 B`` in the units of the input (so a uint8 image
        gives values in ``[0, 255]`` and a float image in ``[0, 1]`` stays there).

    Raises
    ------
    ValueError
        If the array is neither 2-D nor 3-D with three channels.

    Notes
    -----
    The weights (:data:`LUMA_WEIGHTS`) are those of ITU-R BT.601. They sum to one, so a
    gray pixel ``R = G = B = c`` keeps the value ``c``.

    Examples
    --------
    >>> to_gray([[[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]]).round(3)
    array([[1.   , 0.299]])
    """
    arr = np.asarray(img, dtype=float)
    if arr.ndim == 2:
        return arr.copy()
    if arr.ndim != 3 or arr.shape[-1] != 3:
        raise ValueError(
            f"to_gray expects an (m, n, 3) colour image or an (m, n) grayscale one; "
            f"got an array of shape {arr.shape}."
        )
    return arr @ np.asarray(LUMA_WEIGHTS)


def block_mean(img: ArrayLike, factor: int) -> NDArray[np.float64]:
    """Shrink an image by averaging non-overlapping ``factor x factor`` blocks.

    Parameters
    ----------
    img : array_like, shape (m, n) or (m, n, c)
        The image; any trailing channel axis is averaged per channel.
    factor : int
        The side of each block, at least 1. Rows and columns that do not fill a whole
        block at the bottom and right edges are dropped.

    Returns
    -------
    ndarray of float64, shape (m // factor, n // factor) or (m // factor, n // factor, c)
        Each pixel is the mean of one block.

    Raises
    ------
    ValueError
        If ``factor`` is not a positive integer or is larger than the image.

    Notes
    -----
    Block averaging is the simplest anti-aliased downsampling. When ``factor`` divides
    both sides, the mean of the result equals the mean of the input exactly.

    Examples
    --------
    >>> import numpy as np
    >>> block_mean(np.arange(16.0).reshape(4, 4), 2)
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    arr = np.asarray(img, dtype=float)
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
        raise ValueError(f"factor must be a positive integer; got {factor!r}.")
    if arr.ndim not in (2, 3):
        raise ValueError(f"block_mean expects an (m, n) or (m, n, c) image; got shape {arr.shape}.")
    m, n = arr.shape[0] // factor, arr.shape[1] // factor
    if m == 0 or n == 0:
        raise ValueError(
            f"factor {factor} is larger than the image ({arr.shape[0]} x {arr.shape[1]} pixels)."
        )
    cropped = arr[: m * factor, : n * factor]
    blocks = cropped.reshape(m, factor, n, factor, *arr.shape[2:])
    return blocks.mean(axis=(1, 3))


def load_photo(name: str = "china.jpg", *, gray: bool = True, factor: int = 1) -> NDArray[np.float64]:
    """A photograph bundled with scikit-learn, as floats in ``[0, 1]``.

    Parameters
    ----------
    name : {"china.jpg", "flower.jpg"}
        Which of scikit-learn's two sample photographs to load (a Chinese temple, or a
        flower). Both are 427 x 640 pixels.
    gray : bool, default True
        Return the luminance as an ``(m, n)`` matrix; with ``False`` return the colour
        image, shape ``(m, n, 3)``.
    factor : int, default 1
        Shrink the image by averaging ``factor x factor`` blocks (see
        :func:`block_mean`); 1 keeps every pixel.

    Returns
    -------
    ndarray of float64
        Shape ``(427 // factor, 640 // factor)`` in grayscale, with a trailing axis of 3
        in colour; values in ``[0, 1]``. A fresh array each call.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`PHOTOS`, or ``factor`` is not valid.

    Examples
    --------
    >>> img = load_photo("china.jpg", factor=4)
    >>> img.shape, img.dtype
    ((106, 160), dtype('float64'))
    >>> bool(0.0 <= img.min() and img.max() <= 1.0)
    True
    """
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose one of {PHOTOS}.")
    pixels = _read_photo(name).astype(float) / 255.0
    if gray:
        pixels = to_gray(pixels)
    if factor != 1:
        pixels = block_mean(pixels, factor)
    return np.clip(pixels, 0.0, 1.0)


def to_uint8(img: ArrayLike) -> NDArray[np.uint8]:
    """Convert a float image in ``[0, 1]`` to 8-bit pixels.

    Parameters
    ----------
    img : array_like of float
        Values meant to lie in ``[0, 1]``. An approximation may overshoot slightly;
        anything outside is clipped.

    Returns
    -------
    ndarray of uint8, same shape
        ``rint(255 * img)`` after clipping to ``[0, 1]``.

    Examples
    --------
    >>> to_uint8([0.0, 0.5, 1.0, 1.2, -0.1])
    array([  0, 128, 255, 255,   0], dtype=uint8)
    """
    arr = np.clip(np.asarray(img, dtype=float), 0.0, 1.0)
    return np.rint(255.0 * arr).astype(np.uint8)


def relative_error(reference: ArrayLike, approx: ArrayLike, ord: str | int = "fro") -> float:
    """How far an approximation is from a matrix, relative to the matrix's size.

    Parameters
    ----------
    reference, approx : array_like, shape (m, n)
        The matrix and its approximation, of the same shape.
    ord : {"fro", 2, "nuc"}, default "fro"
        The matrix norm, as in :func:`numpy.linalg.norm`: Frobenius, spectral or nuclear.

    Returns
    -------
    float
        ``||reference - approx|| / ||reference||``.

    Raises
    ------
    ValueError
        If the shapes differ, or the reference is zero (the ratio is undefined).

    Examples
    --------
    >>> import numpy as np
    >>> round(relative_error(np.eye(2), np.diag([1.0, 0.0])), 6)  # sqrt(1 / 2)
    0.707107
    >>> relative_error(np.eye(2), np.diag([1.0, 0.0]), ord=2)
    1.0
    """
    ref = np.asarray(reference, dtype=float)
    app = np.asarray(approx, dtype=float)
    if ref.shape != app.shape:
        raise ValueError(
            f"reference has shape {ref.shape} but approx has shape {app.shape}; "
            "an approximation must have the shape of the matrix it approximates."
        )
    if ref.ndim != 2:
        raise ValueError(f"relative_error compares matrices; got arrays of shape {ref.shape}.")
    size = np.linalg.norm(ref, ord)
    if size == 0:
        raise ValueError("the reference matrix is zero, so a relative error is undefined.")
    return float(np.linalg.norm(ref - app, ord) / size)
