"""Claims of the introduction, chapters 1 and 2, the proofs page and the citation files.

Each test checks a statement a page makes: statements about random data hold for 20 seeds of
the generator the page uses; static checks keep the sources honest (checks out of sight,
short visible code, the marker for the 2x2 explorer, references a reader can follow).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

import svdcourse
from svdcourse.images import load_photo

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PAGES = ["intro.md", "rotations_and_scalings.md", "low_rank_approximation.md", "proofs.md"]
ESSAY_URL = "https://www.lesswrong.com/posts/iupCxk3ddiJBAJkts/six-and-a-half-intuitions-for-svd"
SEEDS = range(20)
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}


def code_cells(text: str) -> list[tuple[set[str], list[str]]]:
    """The code cells of a MyST notebook as ``(tags, code lines)``."""
    cells = []
    pattern = r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$"
    for match in re.finditer(pattern, text, re.S | re.M):
        lines = match.group(1).split("\n")
        tags: set[str] = set()
        start = 0
        if lines and lines[0].startswith(":tags:"):
            tags, start = set(re.findall(r"[\w-]+", lines[0].split(":", 2)[2])), 1
        elif lines and lines[0].strip() == "---":
            end = lines.index("---", 1)
            found = re.search(r"tags:\s*\[([^\]]*)\]", "\n".join(lines[1:end]))
            tags = set(re.findall(r"[\w-]+", found.group(1))) if found else set()
            start = end + 1
        cells.append((tags, [line for line in lines[start:] if line.strip()]))
    return cells


# ---------------------------------------------------------------- sources and citation files


@pytest.mark.parametrize("page", PAGES)
def test_readers_see_no_checks_and_no_long_lines(page):
    """Checks run in removed cells; no code line a reader can see is over 80 characters."""
    for tags, lines in code_cells((BOOK / page).read_text(encoding="utf-8")):
        if tags & {"remove-cell", "remove-input"}:
            continue
        for line in lines:
            assert len(line) <= 80, f"{page}: long visible line: {line}"
            if not tags & HIDDEN_TAGS:
                assert not re.search(r"\bassert\b|np\.testing|\bglue\(", line), (
                    f"{page}: a check in a visible cell: {line}")


def test_explorer_follows_the_first_circle_to_ellipse_figure():
    text = (BOOK / "rotations_and_scalings.md").read_text(encoding="utf-8")
    explorer = "HTML(matrix_explorer(A))"
    assert text.count(explorer) == 1
    figure = text.index("name: fig-circle-steps")
    assert figure < text.index(explorer)
    between = text[figure:text.index(explorer)]
    assert "fig-ellipse" not in between and "{code-cell}" in between
    assert between.count("{code-cell}") == 1, "the explorer comes right after that figure"


def test_weyl_corollary_is_labelled_for_other_pages():
    text = (BOOK / "proofs.md").read_text(encoding="utf-8")
    assert ":label: weyl-corollary" in text
    assert ":label: thm-svd-exists" in text and "(proof-svd-existence)=" in text


def test_citation_file_is_valid_cff():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors"):
        assert key in cff, f"CITATION.cff lacks the required key {key!r}"
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"].strip()
    assert cff["title"] == "Six and a Half Intuitions for the SVD"
    assert cff["authors"] and all(
        isinstance(a, dict) and ("name" in a or "family-names" in a) for a in cff["authors"])
    assert cff["license"] == ["MIT", "CC-BY-4.0"]
    assert cff["version"] == svdcourse.__version__
    essay = cff["references"][0]
    assert essay["url"] == ESSAY_URL and essay["authors"][0]["family-names"] == "McDougall"


def test_licence_page_matches_the_licence_file_and_is_listed():
    page = (BOOK / "license_and_citation.md").read_text(encoding="utf-8")
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in licence and "MIT License" in licence
    assert "CC BY 4.0" in page and "MIT License" in page and "```bibtex" in page
    versions = set(re.findall(r"version\s*(?:=\s*\{)?\s*(\d+\.\d+\.\d+)", page))
    assert versions == {svdcourse.__version__}, "the citation names another version"
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "book/license_and_citation" in files


def bib_entries() -> dict[str, str]:
    text = (BOOK / "references.bib").read_text(encoding="utf-8")
    return {m.group(1): m.group(0) for m in re.finditer(r"@\w+\{([^,]+),.*?\n\}", text, re.S)}


def test_references_a_reader_can_follow():
    """The essay is linked; no raw TeX; every web source gives a link or says it has none."""
    entries = bib_entries()
    assert len(entries) == len(set(entries))
    assert ESSAY_URL in entries["mcdougall2023six"]
    assert ESSAY_URL in (BOOK / "intro.md").read_text(encoding="utf-8")
    assert ESSAY_URL in (BOOK / "references.md").read_text(encoding="utf-8")
    for key, entry in entries.items():
        assert "\\" not in entry and "$" not in entry, f"{key}: raw TeX in the entry"
        if entry.startswith("@misc"):
            assert "url" in entry or "records neither its author nor its address" in entry, key
    for key in ("beltrami1873", "jordan1874", "eckartyoung1939", "golubreinsch1970",
                "vonneumann1937", "gavish2014", "stewart1993", "wedin1972"):
        assert key in entries


# ---------------------------------------------------------------- chapter 1


@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_power_iteration_recovers_the_singular_values(seed):
    """Chapter 1 runs the greedy existence construction on a 5 x 4 Gaussian matrix."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((5, 4))
    V = np.zeros((4, 0))
    for _ in range(4):
        P = np.eye(4) - V @ V.T
        v = P @ rng.standard_normal(4)
        for _ in range(500):
            v = P @ (M.T @ (M @ v))
            v /= np.linalg.norm(v)
        V = np.column_stack([V, v])
    s_greedy = np.linalg.norm(M @ V, axis=0)
    np.testing.assert_allclose(s_greedy, np.linalg.svd(M, compute_uv=False), rtol=1e-6)
    X = rng.standard_normal((4, 20_000))
    X /= np.linalg.norm(X, axis=0)
    assert np.linalg.norm(M @ X, axis=0).max() <= s_greedy[0] * (1 + 1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_eigh_route_and_sign_mismatch(seed):
    """u_i = A v_i / s_i from eigh(A^T A) is an SVD; eigh(A A^T) agrees only up to sign."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((6, 3))
    lam, V = np.linalg.eigh(A.T @ A)
    lam, V = lam[::-1], V[:, ::-1]
    s = np.sqrt(lam)
    U = A @ V / s
    np.testing.assert_allclose((U * s) @ V.T, A, atol=1e-10)
    np.testing.assert_allclose(U.T @ U, np.eye(3), atol=1e-10)
    mu, U_other = np.linalg.eigh(A @ A.T)
    U_other = U_other[:, ::-1][:, :3]
    np.testing.assert_allclose(np.abs(U_other.T @ U), np.eye(3), atol=1e-6)


def test_symmetric_svd_takes_plus_one_at_a_zero_eigenvalue():
    ones = np.ones((2, 2))
    lam, Q = np.linalg.eigh(ones)
    order = np.argsort(np.abs(lam))[::-1]
    lam, Q = lam[order], Q[:, order]
    U = Q * np.where(lam < 0, -1.0, 1.0)
    np.testing.assert_allclose(np.linalg.norm(U, axis=0), 1.0)
    np.testing.assert_allclose((U * np.abs(lam)) @ Q.T, ones, atol=1e-12)
    naive = Q * np.sign(np.round(lam, 12))
    assert np.min(np.linalg.norm(naive, axis=0)) == 0.0     # the bug the chapter avoids


@pytest.mark.parametrize("seed", SEEDS)
def test_polar_factor_is_the_nearest_orthogonal_matrix(seed):
    rng = np.random.default_rng(seed)
    F = rng.standard_normal((4, 4))
    U, s, Vt = np.linalg.svd(F)
    Q, P = U @ Vt, (Vt.T * s) @ Vt
    np.testing.assert_allclose(Q @ P, F, atol=1e-12)
    np.testing.assert_allclose((U * s) @ U.T @ Q, F, atol=1e-12)
    best = np.linalg.norm(F - Q)
    for _ in range(100):
        O, _ = np.linalg.qr(rng.standard_normal((4, 4)))
        assert np.linalg.norm(F - O) >= best * (1 - 1e-12)


def test_eps_over_delta_squared_is_an_upper_estimate():
    eps = np.finfo(float).eps
    for delta in np.logspace(-1, -10, 37):
        L = np.array([[1.0, 1.0], [delta, 0.0], [0.0, delta]])
        via_eig = np.sqrt(max(np.linalg.eigvalsh(L.T @ L)[0], 0.0))
        via_svd = np.linalg.svd(L, compute_uv=False)[1]
        if eps / delta**2 < 0.5:          # where the estimate says anything is left
            assert abs(via_eig - delta) / delta <= eps / delta**2   # below the line
        assert abs(via_svd - delta) / delta < 1e-9


# ---------------------------------------------------------------- chapter 2


def gavish_donoho_draw(seed: int):
    """Chapter 2's synthetic matrix: rank 5 plus unit Gaussian noise, 200 x 200."""
    rng = np.random.default_rng(seed)
    n, sigma = 200, 1.0
    X_u, _ = np.linalg.qr(rng.standard_normal((n, 5)))
    X_v, _ = np.linalg.qr(rng.standard_normal((n, 5)))
    signal = (X_u * [200.0, 150.0, 100.0, 80.0, 60.0]) @ X_v.T
    noisy = signal + sigma * rng.standard_normal((n, n))
    return signal, noisy, 4 / np.sqrt(3) * np.sqrt(n) * sigma


@pytest.mark.parametrize("seed", SEEDS)
def test_gavish_donoho_threshold_keeps_the_signal_rank(seed):
    signal, noisy, tau = gavish_donoho_draw(seed)
    s = np.linalg.svd(noisy, compute_uv=False)
    assert int(np.sum(s > tau)) == 5
    assert s[4] > 1.5 * tau            # "an easy case": the signal stands far above tau
    noise_top = np.linalg.svd(noisy - signal, compute_uv=False)[0]
    assert noise_top < 2.2 * np.sqrt(200) < tau


@pytest.mark.parametrize("seed", SEEDS)
def test_noise_edge_is_about_sqrt_m_plus_sqrt_n(seed):
    noise = np.random.default_rng(seed).standard_normal((100, 300))
    edge = np.sqrt(100) + np.sqrt(300)
    assert 0.9 * edge < np.linalg.norm(noise, 2) < 1.1 * edge


@pytest.fixture(scope="module")
def small_photo():
    small = load_photo("china.jpg", factor=8)
    return small, np.linalg.svd(small, full_matrices=False)


@pytest.mark.parametrize("seed", SEEDS)
def test_no_competitor_wins_and_near_misses_come_close(seed, small_photo):
    """Chapter 2's random rank-5 competitors, drawn with other seeds."""
    small, (U, s, Vt) = small_photo
    k = 5
    best_2, best_F = s[k], np.sqrt(np.sum(s[k:] ** 2))
    rng = np.random.default_rng(seed)
    ratios = []
    for family in ("random subspace", "near miss"):
        for _ in range(100):
            if family == "random subspace":
                basis = rng.standard_normal((small.shape[0], k))
            else:
                size = 10 ** rng.uniform(-4, 0)
                basis = U[:, :k] + size * rng.standard_normal((small.shape[0], k))
            Q, _ = np.linalg.qr(basis)
            B = Q @ (Q.T @ small)
            assert np.linalg.norm(small - B, 2) >= best_2 * (1 - 1e-12)
            assert np.linalg.norm(small - B, "fro") >= best_F * (1 - 1e-12)
            ratios.append(np.linalg.norm(small - B, "fro") / best_F)
    assert min(ratios) < 1.01          # the near misses approach the optimum


def test_trace_survives_similarity_but_not_two_sided_rotations():
    rng = np.random.default_rng(0)
    for _ in range(20):
        X = rng.standard_normal((5, 5))
        P = rng.standard_normal((5, 5))
        Q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
        R, _ = np.linalg.qr(rng.standard_normal((5, 5)))
        np.testing.assert_allclose(np.trace(np.linalg.solve(P, X @ P)), np.trace(X),
                                   atol=1e-8)
        assert abs(np.trace(Q @ X @ R.T) - np.trace(X)) > 1e-6
        np.testing.assert_allclose(np.linalg.svd(Q @ X @ R.T, compute_uv=False),
                                   np.linalg.svd(X, compute_uv=False))
