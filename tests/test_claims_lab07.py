"""Claims of lab 7 (its text, model answers and rubrics) about the synthetic corpus.

The lab reads the corpus of seed 0. A statement its model answers make without "in this
corpus" must hold for other seeds of the generator too; the tests below rebuild the count
matrix with 21 seeds and check each one. Statements the lab marks as "in this corpus (seed
0)" are checked on seed 0, and, where the lab says they change with the seed, that they do.
Tolerances are qualitative (signs, orderings, generous bounds), independent of the BLAS.
"""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import svdcourse.conjugations as cj
from svdcourse.conjugations import FORMS, VERB_CLASS, VERBS

SEEDS = range(21)                       # the lab's seed 0 and 20 others
REGULAR = np.array([VERB_CLASS[v] != "irregular" for v in VERBS])
PRETERITE = np.array([tense == "preterite" for tense, _ in FORMS])


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Many small SVDs: one BLAS thread is faster on a busy machine and changes only rounding."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def count_matrix(seed, n_sentences=10_000):
    """The lab's (20, 15) count matrix for a corpus of the given seed."""
    _, verb_idx, form_idx = cj._generate(n_sentences, seed)
    C = np.zeros((len(VERBS), len(FORMS)), dtype=int)
    np.add.at(C, (verb_idx, form_idx), 1)
    return C


def oriented_svd(C):
    """Thin SVD with u_1 non-negative and v_2 positive on the preterite (a sign choice)."""
    U, s, Vt = np.linalg.svd(np.asarray(C, dtype=float), full_matrices=False)
    signs = np.ones(len(s))
    signs[0] = np.sign(U[:, 0].sum())
    signs[1] = np.sign(Vt[1, PRETERITE].sum())
    return U * signs, s, Vt * signs[:, None]


@pytest.fixture(scope="module")
def svds():
    return {seed: (count_matrix(seed), *oriented_svd(count_matrix(seed))) for seed in SEEDS}


def test_first_layer_reading_holds_in_every_draw(svds):
    """explain_first: u_1 follows the row totals, ser has by far the largest entry, then
    estar and tener; v_1 follows the column totals with the present third person largest;
    s_1 is several times s_2 and the first layer keeps most of the energy."""
    for seed, (C, U, s, Vt) in svds.items():
        u1, v1 = U[:, 0], Vt[0]
        assert np.all(u1 > 0) and np.all(v1 > 0), seed
        totals = C.sum(axis=1)
        assert u1 @ totals / np.linalg.norm(totals) > 0.98, seed
        columns = C.sum(axis=0)
        assert v1 @ columns / np.linalg.norm(columns) > 0.98, seed
        assert [VERBS[i] for i in np.argsort(-u1)[:3]] == ["ser", "estar", "tener"], seed
        assert u1[VERBS.index("ser")] > 1.3 * u1[VERBS.index("estar")], seed
        assert FORMS[int(np.argmax(v1))] == ("present", "3sg"), seed
        assert s[0] > 3 * s[1], seed
        assert s[0] ** 2 / np.sum(s**2) > 0.85, seed


def test_irregular_before_regular_only_in_some_draws(svds):
    """explain_first says "in this corpus (seed 0)" the eight irregular verbs come before
    every regular one in u_1: true for seed 0, false for some other seeds."""
    def irregular_first(U):
        return U[~REGULAR, 0].min() > U[REGULAR, 0].max()

    assert irregular_first(svds[0][1])
    assert not all(irregular_first(U) for _, U, _, _ in svds.values())


def test_second_layer_reading(svds):
    """explain_second: in every draw hacer, ir and decir sit on the preterite side of u_2.
    For seed 0 (the model answer): v_2 largest on the preterite third
    person, negative on the present and imperfect third persons; tener positive, estar, ser
    and poder negative; tener has more preterite than imperfect. Tener's side changes with the
    seed, which is why the answer names it as this corpus's exception."""
    tener_sides = set()
    for seed, (_, U, _, _) in svds.items():
        u2 = dict(zip(VERBS, U[:, 1]))
        assert min(u2["hacer"], u2["ir"], u2["decir"]) > 0, seed
        tener_sides.add(bool(u2["tener"] > 0))
    assert tener_sides == {True, False}

    C, U, _, Vt = svds[0]
    v2 = dict(zip(FORMS, Vt[1]))
    assert max(v2, key=v2.get) == ("preterite", "3sg")
    assert v2["present", "3sg"] < 0 and v2["imperfect", "3sg"] < 0
    u2 = dict(zip(VERBS, U[:, 1]))
    assert u2["tener"] > 0 > max(u2["estar"], u2["ser"], u2["poder"])
    tener = C[VERBS.index("tener")]
    preterite = tener[[j for j, (t, _) in enumerate(FORMS) if t == "preterite"]].sum()
    imperfect = tener[[j for j, (t, _) in enumerate(FORMS) if t == "imperfect"]].sum()
    assert preterite > imperfect
    u3 = dict(zip(VERBS, U[:, 2] * np.sign(U[VERBS.index("estar"), 2])))
    assert max(u3, key=u3.get) == "estar" and min(u3, key=u3.get) == "ser"


def test_regular_verbs_are_small_in_u2_and_in_this_corpus_u3(svds):
    """explain_second: the twelve regular verbs (60% of the rows) hold a small share of the
    squared length of u_2 in every draw; of u_3 in the lab's corpus (seed 0), while with
    some other seeds a regular verb's own draw makes u_3 lean on the regular verbs."""
    for seed, (_, U, _, _) in svds.items():
        assert np.sum(U[REGULAR, 1] ** 2) < 0.2, seed
    assert np.sum(svds[0][1][REGULAR, 2] ** 2) < 0.1
    assert max(np.sum(U[REGULAR, 2] ** 2) for _, U, _, _ in svds.values()) > 0.3


def test_distance_from_rank_one_is_not_a_test_of_independence():
    """explain_first: a corpus drawn with verb and form independent still has s_2 > 0,
    and is far from rank 1 in the sense that matters for a test (s_2 / s_1 well above
    rounding), for every seed."""
    C0 = count_matrix(0)
    expected = np.outer(C0.sum(axis=1), C0.sum(axis=0)) / C0.sum()
    p = (expected / expected.sum()).ravel()
    for seed in SEEDS:
        counts = np.random.default_rng(seed).multinomial(C0.sum(), p).reshape(C0.shape)
        s = np.linalg.svd(counts.astype(float), compute_uv=False)
        assert s[1] / s[0] > 0.005, seed


def test_cosine_neighbours_change_with_row_normalisation(svds):
    """Section 5: cosine similarity of U_k S_k still carries frequency through V_k; the
    nearest neighbours in the row-normalised matrix differ for several verbs at k = 3, in
    every draw."""
    def nearest(M, k=3):
        U, s, _ = np.linalg.svd(np.asarray(M, dtype=float), full_matrices=False)
        E = U[:, :k] * s[:k]
        E = E / np.linalg.norm(E, axis=1, keepdims=True)
        cosine = E @ E.T
        np.fill_diagonal(cosine, -np.inf)
        return np.argmax(cosine, axis=1)

    for seed, (C, *_) in svds.items():
        P = C / C.sum(axis=1, keepdims=True)
        assert np.sum(nearest(C) != nearest(P)) >= 2, seed
