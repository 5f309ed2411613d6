"""The synthetic data sets: shapes, ranges, reproducibility and the structure they promise."""

from __future__ import annotations

import numpy as np
import pytest

from svdcourse.datasets import (
    GENRES,
    MOVIE_GENRES,
    MOVIE_TITLES,
    N_STUDENTS,
    MovieRatings,
    movie_ratings,
)


def centered_svd(ratings):
    X = ratings - ratings.mean(axis=0)
    return np.linalg.svd(X, full_matrices=False)


def test_shapes_dtype_and_range():
    data = movie_ratings()
    assert isinstance(data, MovieRatings)
    assert data.ratings.shape == (N_STUDENTS, 26) == (61, 26)
    assert data.ratings.dtype == np.int64
    assert data.ratings.min() >= 1 and data.ratings.max() <= 5
    assert set(np.unique(data.ratings)) == {1, 2, 3, 4, 5}
    assert data.tastes.shape == (61, len(GENRES))
    assert data.titles == MOVIE_TITLES and len(set(data.titles)) == 26
    assert data.genres == MOVIE_GENRES and set(data.genres) == set(GENRES)
    assert [MOVIE_GENRES.count(g) for g in GENRES] == [7, 6, 7, 6]


def test_reproducible_for_a_seed_and_different_for_another():
    a, b, c = movie_ratings(rng=5), movie_ratings(rng=5), movie_ratings(rng=6)
    np.testing.assert_array_equal(a.ratings, b.ratings)
    np.testing.assert_array_equal(a.tastes, b.tastes)
    assert not np.array_equal(a.ratings, c.ratings)
    np.testing.assert_array_equal(movie_ratings().ratings, movie_ratings(rng=0).ratings)


def test_generator_is_used_and_advanced():
    gen = np.random.default_rng(11)
    first, second = movie_ratings(rng=gen), movie_ratings(rng=gen)
    assert not np.array_equal(first.ratings, second.ratings)
    np.testing.assert_array_equal(first.ratings,
                                  movie_ratings(rng=np.random.default_rng(11)).ratings)
    assert movie_ratings(rng=None).ratings.shape == (61, 26)


@pytest.mark.parametrize("bad", [1.5, "0", True, [0]])
def test_bad_rng_is_rejected(bad):
    with pytest.raises(TypeError, match="rng must be"):
        movie_ratings(rng=bad)


@pytest.mark.parametrize("seed", range(8))
def test_spectrum_has_one_dominant_value_per_genre(seed):
    _, s, _ = centered_svd(movie_ratings(rng=seed).ratings.astype(float))
    n_genres = len(GENRES)
    # a clear gap after the fourth singular value, and a flat (noise) tail after it
    assert s[n_genres - 1] > 1.4 * s[n_genres]
    assert s[n_genres] < 1.5 * s[n_genres + 5]


@pytest.mark.parametrize("seed", range(8))
def test_first_component_separates_intense_from_light_genres(seed):
    _, _, Vt = centered_svd(movie_ratings(rng=seed).ratings.astype(float))
    genres = np.array(MOVIE_GENRES)
    v1 = Vt[0] * np.sign(Vt[0][genres == "action"].sum())  # fix the sign: action positive
    mean = {g: v1[genres == g].mean() for g in GENRES}
    assert min(mean["action"], mean["sci-fi"]) > 0 > max(mean["romance"], mean["animation"])
    if seed == 0:  # the chapter's seed: every single movie is on its genre's side
        intense = v1[np.isin(genres, ["action", "sci-fi"])]
        light = v1[np.isin(genres, ["romance", "animation"])]
        assert intense.min() > 0 > light.max()


@pytest.mark.parametrize("seed", range(4))
def test_top_components_span_the_genre_loadings(seed):
    """The top four right singular vectors span (nearly) the four genre indicators."""
    _, _, Vt = centered_svd(movie_ratings(rng=seed).ratings.astype(float))
    genres = np.array(MOVIE_GENRES)
    indicators = np.column_stack([(genres == g).astype(float) for g in GENRES])
    Q, _ = np.linalg.qr(indicators)
    cosines = np.linalg.svd(Q.T @ Vt[:4].T, compute_uv=False)  # cosines of principal angles
    assert cosines.min() > 0.9
