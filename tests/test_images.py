"""svdcourse.images: the bundled photographs as matrices, and back to pixels."""

from __future__ import annotations

import numpy as np
import pytest

from svdcourse import images
from svdcourse.images import block_mean, load_photo, relative_error, to_gray, to_uint8


@pytest.mark.parametrize("name", images.PHOTOS)
def test_load_photo_gray_is_a_float_matrix_in_unit_range(name):
    img = load_photo(name)
    assert img.shape == (427, 640)
    assert img.dtype == np.float64
    assert 0.0 <= img.min() < img.max() <= 1.0


def test_load_photo_colour_keeps_three_channels():
    img = load_photo(gray=False)
    assert img.shape == (427, 640, 3)
    assert 0.0 <= img.min() and img.max() <= 1.0


def test_load_photo_gray_is_the_luminance_of_the_colour_photo():
    colour = load_photo(gray=False)
    np.testing.assert_allclose(load_photo(), colour @ np.array(images.LUMA_WEIGHTS))


def test_load_photo_returns_a_fresh_array_each_call():
    first = load_photo()
    first[:] = 0.0
    assert load_photo().max() > 0.0


@pytest.mark.parametrize("factor", [2, 4, 5])
def test_load_photo_downsamples_by_block_averaging(factor):
    small = load_photo(factor=factor)
    assert small.shape == (427 // factor, 640 // factor)
    full = load_photo()[: small.shape[0] * factor, : small.shape[1] * factor]
    np.testing.assert_allclose(small.mean(), full.mean())


def test_load_photo_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown photo"):
        load_photo("mona_lisa.jpg")


def test_block_mean_preserves_the_mean_when_the_factor_divides():
    rng = np.random.default_rng(0)
    img = rng.random((12, 18))
    small = block_mean(img, 3)
    assert small.shape == (4, 6)
    np.testing.assert_allclose(small.mean(), img.mean())
    np.testing.assert_allclose(small[1, 2], img[3:6, 6:9].mean())


def test_block_mean_averages_each_colour_channel():
    rng = np.random.default_rng(1)
    img = rng.random((6, 4, 3))
    small = block_mean(img, 2)
    assert small.shape == (3, 2, 3)
    np.testing.assert_allclose(small[0, 0], img[:2, :2].mean(axis=(0, 1)))


def test_block_mean_with_factor_one_is_the_identity():
    img = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(block_mean(img, 1), img)


@pytest.mark.parametrize("factor", [0, -2, 1.5, True, 10])
def test_block_mean_rejects_bad_factors(factor):
    with pytest.raises(ValueError, match="factor"):
        block_mean(np.ones((4, 4)), factor)


def test_to_gray_keeps_gray_pixels_and_weights_the_channels():
    img = np.array([[[0.2, 0.2, 0.2], [0.0, 1.0, 0.0]]])
    np.testing.assert_allclose(to_gray(img), [[0.2, 0.587]])
    with pytest.raises(ValueError, match="shape"):
        to_gray(np.ones((2, 2, 4)))


def test_to_uint8_rounds_and_clips():
    out = to_uint8(np.array([[-0.5, 0.0, 0.3], [0.502, 1.0, 3.0]]))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, [[0, 0, 76], [128, 255, 255]])


def test_relative_error_in_each_norm():
    ref = np.diag([3.0, 4.0])
    approx = np.diag([3.0, 0.0])
    assert relative_error(ref, approx) == pytest.approx(4.0 / 5.0)
    assert relative_error(ref, approx, ord=2) == pytest.approx(1.0)
    assert relative_error(ref, approx, ord="nuc") == pytest.approx(4.0 / 7.0)
    assert relative_error(ref, ref) == 0.0


def test_relative_error_explains_bad_input():
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="zero"):
        relative_error(np.zeros((2, 2)), np.ones((2, 2)))


def test_the_module_exports_no_low_rank_approximation():
    # Graded lab functions must not ship in the package.
    graded = {"rank_k_approx", "approx_errors", "energy_retained", "smallest_rank_for_energy",
              "compress", "storage_cost", "psnr", "smallest_rank_for_psnr", "encode", "decode"}
    assert not graded & set(dir(images))
