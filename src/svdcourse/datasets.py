"""Small synthetic data sets with a known structure, for the chapters and the labs.

:func:`movie_ratings` generates the students-by-movies ratings matrix of chapter 6A
(principal component analysis): 61 students rate 26 invented movies from 1 to 5, and the
ratings are driven by a few hidden tastes, one per genre. Because the generative model is
known, a reader can check what the SVD recovers against what was put in.

Nothing here computes a principal component analysis: centering the data, taking its SVD
and reading off components, variances and scores is the reader's job (and the lab's).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from svdcourse._rng import as_generator

__all__ = [
    "GENRES",
    "MOVIE_GENRES",
    "MOVIE_TITLES",
    "MovieRatings",
    "N_STUDENTS",
    "movie_ratings",
]

#: The latent tastes of the ratings model, one per genre, in the column order of
#: :attr:`MovieRatings.tastes`.
GENRES: tuple[str, ...] = ("action", "romance", "sci-fi", "animation")

# The 26 movies: invented titles, each with its genre. The genres are interleaved so that
# the structure is not visible from the column order alone.
_MOVIES: tuple[tuple[str, str], ...] = (
    ("Laser Harbor", "action"),
    ("Paper Lanterns", "romance"),
    ("Orbit of Glass", "sci-fi"),
    ("Penguin Post Office", "animation"),
    ("Iron Detour", "action"),
    ("The Kepler Drift", "sci-fi"),
    ("Two Tickets to Porto", "romance"),
    ("The Sock Monster", "animation"),
    ("Redline Protocol", "action"),
    ("Quantum Orchard", "sci-fi"),
    ("The Rain Café", "romance"),
    ("Captain Waffle", "animation"),
    ("Steel Canyon Run", "action"),
    ("Signal from Vega", "sci-fi"),
    ("Busy Badgers", "animation"),
    ("Second Spring", "romance"),
    ("Midnight Convoy", "action"),
    ("Dust of Titan", "sci-fi"),
    ("Moon Cheese Mix-Up", "animation"),
    ("A Quiet Proposal", "romance"),
    ("Rooftop Chase", "action"),
    ("The Ninth Moon", "sci-fi"),
    ("Grandpa's Robot", "animation"),
    ("Harbour Lights Waltz", "romance"),
    ("Cobalt Fist", "action"),
    ("Cold Fusion Dawn", "sci-fi"),
)

#: The titles of the 26 movies, in column order of the ratings matrix.
MOVIE_TITLES: tuple[str, ...] = tuple(title for title, _ in _MOVIES)

#: The genre of each movie (one of :data:`GENRES`), in column order.
MOVIE_GENRES: tuple[str, ...] = tuple(genre for _, genre in _MOVIES)

#: The number of students (rows of the ratings matrix).
N_STUDENTS: int = 61

# Parameters of the generative model (documented in movie_ratings' Notes).
_TASTE_CORRELATION = np.array([
    # action romance sci-fi animation
    [1.0, -0.4, 0.6, -0.3],   # action
    [-0.4, 1.0, -0.4, 0.5],   # romance
    [0.6, -0.4, 1.0, -0.3],   # sci-fi
    [-0.3, 0.5, -0.3, 1.0],   # animation
])
_LOADING = 1.0
_BASE_RANGE = (2.6, 3.6)
_NOISE_SD = 0.5


class MovieRatings(NamedTuple):
    """The ratings matrix of :func:`movie_ratings` with what describes its rows and columns.

    Attributes
    ----------
    ratings : ndarray of int64, shape (61, 26)
        ``ratings[i, j]`` is student ``i``'s rating of movie ``j``, an integer from 1 to 5.
    titles : tuple of str, length 26
        The (invented) title of each movie, in column order.
    genres : tuple of str, length 26
        The genre of each movie, one of :data:`GENRES`, in column order.
    tastes : ndarray of float64, shape (61, 4)
        The hidden tastes that generated the ratings: ``tastes[i, g]`` is how much
        student ``i`` likes genre ``GENRES[g]`` (zero is average, one is one standard
        deviation above it). Real data never come with this column; it is here so that
        what a decomposition finds can be compared with the truth.
    """

    ratings: NDArray[np.int64]
    titles: tuple[str, ...]
    genres: tuple[str, ...]
    tastes: NDArray[np.float64]


def movie_ratings(rng=0) -> MovieRatings:
    """A synthetic students-by-movies ratings matrix driven by four hidden genre tastes.

    Parameters
    ----------
    rng : int, numpy.random.Generator or None, default 0
        Seed or generator. The same seed gives the same ratings (with the same numpy
        version); a Generator is used as it is and advanced; None gives fresh,
        unreproducible ratings. The chapter on principal component analysis uses the
        default seed 0.

    Returns
    -------
    MovieRatings
        A named tuple ``(ratings, titles, genres, tastes)``: the ``(61, 26)`` integer
        ratings from 1 to 5, the 26 movie titles and their genres (fixed, the same for
        every seed), and the ``(61, 4)`` hidden tastes that produced the ratings.

    Raises
    ------
    TypeError
        If ``rng`` is not None, an int or a numpy Generator.

    Notes
    -----
    The 26 movies belong to four genres (:data:`GENRES`): 7 action, 6 romance, 7 science
    fiction and 6 animation movies. Each of the :math:`n = 61` students has a vector of
    four tastes :math:`t_i \\in \\mathbb{R}^4`, drawn independently from a normal
    distribution with mean zero and correlation matrix

    .. math::

        C = \\begin{pmatrix}
              1 & -0.4 & 0.6 & -0.3 \\\\
           -0.4 &    1 & -0.4 & 0.5 \\\\
            0.6 & -0.4 &    1 & -0.3 \\\\
           -0.3 &  0.5 & -0.3 & 1
        \\end{pmatrix}

    (rows and columns in the order action, romance, sci-fi, animation): fans of action
    tend to like science fiction, fans of romance tend to like animation, and the two
    groups lean against each other. Movie :math:`j` has a base appeal
    :math:`b_j`, drawn uniformly from :math:`[2.6, 3.6]`, and loads with weight
    :math:`w = 1` on its own genre only: the loading matrix :math:`L` (shape
    :math:`4 \\times 26`) has :math:`L_{gj} = 1` when movie :math:`j` has genre
    :math:`g` and 0 otherwise. The ratings are

    .. math::

        R_{ij} = \\operatorname{clip}\\big(\\operatorname{round}(b_j + t_i^\\top L_{:, j}
                 + \\varepsilon_{ij}),\\ 1,\\ 5\\big),
        \\qquad \\varepsilon_{ij} \\sim \\mathcal{N}(0, 0.5^2) \\text{ independent},

    that is ``clip(rint(base + tastes @ loadings + noise), 1, 5)``. Before rounding,
    the centered ratings are a rank-4 matrix plus noise, so the centered ratings matrix
    has four large singular values and a tail of smaller ones (rounding and clipping add
    a little more noise). The draws are made in this order: tastes, base appeals, noise.

    Examples
    --------
    >>> data = movie_ratings()
    >>> data.ratings.shape, data.ratings.dtype, data.tastes.shape
    ((61, 26), dtype('int64'), (61, 4))
    >>> int(data.ratings.min()), int(data.ratings.max())
    (1, 5)
    >>> data.titles[0], data.genres[0]
    ('Laser Harbor', 'action')
    >>> bool((movie_ratings(rng=3).ratings == movie_ratings(rng=3).ratings).all())
    True
    """
    generator = as_generator(rng, "reproducible ratings")
    n_genres, n_movies = len(GENRES), len(_MOVIES)

    cholesky = np.linalg.cholesky(_TASTE_CORRELATION)
    tastes = generator.standard_normal((N_STUDENTS, n_genres)) @ cholesky.T
    base = generator.uniform(*_BASE_RANGE, size=n_movies)
    noise = _NOISE_SD * generator.standard_normal((N_STUDENTS, n_movies))

    genre_index = np.array([GENRES.index(genre) for genre in MOVIE_GENRES])
    loadings = np.zeros((n_genres, n_movies))
    loadings[genre_index, np.arange(n_movies)] = _LOADING

    ratings = np.clip(np.rint(base + tastes @ loadings + noise), 1, 5).astype(np.int64)
    return MovieRatings(ratings=ratings, titles=MOVIE_TITLES, genres=MOVIE_GENRES,
                        tastes=tastes)
