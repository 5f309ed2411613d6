"""The kernel-free explorables (:mod:`svdcourse.explorables`): their HTML, and in Chromium.

The browser tests open a page made of nothing but the explorables (no book build needed)
and compare what the page computes with numpy.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import re
import threading

import numpy as np
import pytest

from browsing import QuietHandler
from svdcourse.explorables import matrix_explorer, rank_explorer
from svdcourse.images import to_uint8


def photo(m: int = 48, n: int = 64, seed: int = 3) -> np.ndarray:
    """A small smooth test picture with values in [0, 1] and many nonzero singular values."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:m, 0:n] / max(m, n)
    picture = 0.5 + 0.3 * np.sin(6 * x) * np.cos(4 * y) + 0.05 * rng.standard_normal((m, n))
    return np.clip(picture, 0.0, 1.0)


def rank_k(image: np.ndarray, k: int) -> np.ndarray:
    U, s, Vt = np.linalg.svd(image, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def embedded_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" class="svdr-data">(.*?)</script>', page, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))


def decode(text: str, shape: tuple[int, int]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").reshape(shape)


# --------------------------------------------------------------------------------------
# the HTML, without a browser
# --------------------------------------------------------------------------------------

def test_matrix_explorer_is_self_contained_and_labelled():
    page = matrix_explorer([[1.0, 0.5], [-0.25, 1.5]])
    assert page.count('type="range"') == 4
    assert "src=" not in page and "@import" not in page
    # every range input sits inside its own <label>, which names the entry
    for k in range(4):
        assert re.search(rf'<label><span>a<sub>\d\d</sub> = <output[^>]*for="[^"]*-a{k}"', page)
    state = json.loads(re.search(r'data-matrix="([^"]*)"', page).group(1).replace("&quot;", '"'))
    assert state == [[1.0, 0.5], [-0.25, 1.5]]


@pytest.mark.parametrize("bad", [np.eye(3), [[1.0, 2.0]], [[np.nan, 0.0], [0.0, 1.0]], [[5.0, 0.0], [0.0, 1.0]]])
def test_matrix_explorer_rejects_what_it_cannot_show(bad):
    with pytest.raises(ValueError, match="2x2|within"):
        matrix_explorer(bad)


def test_rank_explorer_embeds_the_truncated_factors():
    image = photo()
    page = rank_explorer(image, 12, [f"rank {k}" for k in range(1, 13)], start=3)
    data = embedded_data(page)
    US = decode(data["us"], (data["m"], data["kmax"]))
    Vt = decode(data["vt"], (data["kmax"], data["n"]))
    for k in (1, 5, 12):
        np.testing.assert_allclose(US[:, :k] @ Vt[:k], rank_k(image, k), atol=1e-5)
    assert 'max="12"' in page and 'value="3"' in page and "rank 3" in page


def test_rank_explorer_payload_grows_with_the_rank_not_with_the_frames():
    image = photo(96, 128)
    small = len(rank_explorer(image, 10, ["c"] * 10))
    large = len(rank_explorer(image, 40, ["c"] * 40))
    per_rank = (large - small) / 30
    # about (m + n) float32 numbers per rank, base64 encoded, plus a caption
    assert per_rank < 1.5 * (96 + 128) * 4 * 4 / 3


@pytest.mark.parametrize("kwargs, message", [
    ({"max_rank": 0}, "max_rank"),
    ({"max_rank": 49}, "max_rank"),
    ({"max_rank": 3, "captions": ["a", "b"]}, "one caption"),
    ({"max_rank": 3, "start": 4}, "start"),
])
def test_rank_explorer_rejects_bad_arguments(kwargs, message):
    kwargs.setdefault("captions", ["c"] * kwargs["max_rank"])
    with pytest.raises(ValueError, match=message):
        rank_explorer(photo(), **kwargs)


# --------------------------------------------------------------------------------------
# in Chromium
# --------------------------------------------------------------------------------------

START = [[1.2, 0.6], [0.3, 0.9]]
RANKS = 20


@pytest.fixture(scope="module")
def explorer_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explorables")
    captions = [f"rank {k}" for k in range(1, RANKS + 1)]
    body = matrix_explorer(START) + rank_explorer(photo(), RANKS, captions, start=4)
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>explorables</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body style="max-width:46rem;margin:auto">{body}</body></html>', encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()


@pytest.fixture
def page(browser, explorer_url):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(explorer_url, wait_until="load")
    page.wait_for_selector(".svd-explorer[data-state]", state="attached")
    page.wait_for_selector(".svd-rank-explorer[data-ready]", state="attached")
    yield page
    context.close()
    assert not errors, errors


def state(page) -> dict:
    return json.loads(page.get_attribute(".svd-explorer", "data-state"))


@pytest.mark.browser
def test_closed_form_svd_matches_numpy(page):
    rng = np.random.default_rng(2026)
    matrices = [rng.standard_normal((2, 2)) * 10.0 ** rng.uniform(-3, 3) for _ in range(300)]
    matrices += [np.zeros((2, 2)), np.ones((2, 2)), np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]]),
                 np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([[3.0, 0.0], [0.0, -3.0]]),
                 np.array([[1.0, 1e-9], [0.0, 1.0]])]
    results = page.evaluate(
        "ms => ms.map(m => window.svdcourse.svd2x2(m[0][0], m[0][1], m[1][0], m[1][1]))",
        [m.tolist() for m in matrices])
    for A, got in zip(matrices, results):
        U, s, Vt = (np.array(got[key]) for key in ("U", "s", "Vt"))
        scale = max(np.abs(A).max(), 1e-300)
        np.testing.assert_allclose(s, np.linalg.svd(A, compute_uv=False), rtol=1e-12, atol=1e-14 * scale)
        assert s[0] >= s[1] >= 0
        np.testing.assert_allclose(U @ U.T, np.eye(2), atol=1e-14)
        np.testing.assert_allclose(Vt @ Vt.T, np.eye(2), atol=1e-14)
        np.testing.assert_allclose(U @ np.diag(s) @ Vt, A, atol=1e-14 * scale)


@pytest.mark.browser
def test_sliders_keys_and_dragging_change_the_matrix(page):
    assert state(page)["A"] == START
    # a slider, as a keyboard user moves it
    page.focus(".svd-explorer input.svdx-entry >> nth=1")
    page.keyboard.press("ArrowRight")
    assert state(page)["A"][0][1] == pytest.approx(0.65)
    # the image of e1, focused and moved with the arrow keys
    page.focus(".svdx-handle.svdx-e1")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowLeft")
    A = state(page)["A"]
    assert A[1][0] == pytest.approx(0.35) and A[0][0] == pytest.approx(1.19)
    assert page.input_value(".svd-explorer input.svdx-entry >> nth=2") == "0.35"
    # dragging the image of e2 to the point (-1, 1) of the plane
    box = page.locator("svg.svdx-main").bounding_box()
    half = 3.2
    handle = page.locator(".svdx-handle.svdx-e2 .svdx-dot").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    target = (box["x"] + (-1 + half) / (2 * half) * box["width"],
              box["y"] + (half - 1) / (2 * half) * box["height"])
    page.mouse.move(*target, steps=5)
    page.mouse.up()
    A = np.array(state(page)["A"])
    np.testing.assert_allclose(A[:, 1], [-1.0, 1.0], atol=0.03)
    # the numbers on show are the singular values of the matrix on show
    s = np.linalg.svd(A, compute_uv=False)
    assert page.text_content(".svdx-s") == f"s\u2081 = {s[0]:.2f}, s\u2082 = {s[1]:.2f}"


@pytest.mark.browser
def test_presets_and_the_rank_one_case(page):
    page.get_by_role("button", name="rank 1").click()
    got = state(page)
    assert got["s"][1] == pytest.approx(0.0, abs=1e-12)
    assert "rank 1" in page.text_content(".svdx-det")
    assert "semi-axes" in page.text_content(".svdx-status")


@pytest.mark.browser
def test_rank_explorer_draws_every_rank_like_numpy(page):
    image = photo()
    for k in (4, 1, 13, 12, RANKS, 2):  # up, down by one layer, and afresh
        page.fill(".svd-rank-explorer input[type=range]", str(k))
        page.dispatch_event(".svd-rank-explorer input[type=range]", "input")
        pixels = page.evaluate("""() => {
            const c = document.querySelector('.svd-rank-explorer canvas');
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data
                              .filter((_, i) => i % 4 === 0));
        }""")
        drawn = np.array(pixels, dtype=int).reshape(image.shape)
        expected = to_uint8(np.clip(rank_k(image, k), 0.0, 1.0)).astype(int)
        assert np.abs(drawn - expected).max() <= 1, f"rank {k}"
        assert page.text_content(".svdr-caption") == f"rank {k}"
        assert page.get_attribute(".svd-rank-explorer canvas", "aria-label") == f"rank {k}"


@pytest.mark.browser
def test_large_ellipses_zoom_out_and_dragging_stays_exact(page):
    # A = [[2, 1.5], [2, 2]]: s1 = 3.76, beyond the picture at scale 1
    for k, value in enumerate(("2", "1.5", "2", "2")):
        page.fill(f".svd-explorer input.svdx-entry >> nth={k}", value)
        page.dispatch_event(f".svd-explorer input.svdx-entry >> nth={k}", "input")
    s_1 = state(page)["s"][0]
    assert s_1 == pytest.approx(np.linalg.norm([[2, 1.5], [2, 2]], 2))
    picture = page.locator("svg.svdx-main").bounding_box()
    ellipse = page.locator("svg.svdx-main .svdx-shape").bounding_box()
    assert ellipse["x"] >= picture["x"] and ellipse["y"] >= picture["y"]
    assert ellipse["x"] + ellipse["width"] <= picture["x"] + picture["width"]
    assert ellipse["y"] + ellipse["height"] <= picture["y"] + picture["height"]
    # drag the image of e1 to where the point (1, -1) of the zoomed-out plane is drawn
    scale = (3.2 - 0.3) / s_1
    handle = page.locator(".svdx-handle.svdx-e1 .svdx-dot").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    target = (picture["x"] + (scale * 1.0 + 3.2) / 6.4 * picture["width"],
              picture["y"] + (3.2 + scale * 1.0) / 6.4 * picture["height"])
    page.mouse.move(*target, steps=5)
    page.mouse.up()
    np.testing.assert_allclose(np.array(state(page)["A"])[:, 0], [1.0, -1.0], atol=0.03)
