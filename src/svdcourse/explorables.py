"""Kernel-free explorables for the website: pieces of HTML the reader can play with.

Each function returns one self-contained ``<div>`` (markup, scoped styles and a small
script, read from the package's ``_js`` folder) that works on the published website,
offline, and in a notebook alike (display it with :class:`IPython.display.HTML`). Nothing
is loaded from the network and no Python runs in the page.

- :func:`matrix_explorer`: change a 2x2 matrix (sliders for its entries, or drag the images
  of ``e1`` and ``e2``, or move them with the arrow keys) and watch the unit circle go through
  ``V^T``, ``S`` and ``U`` to the ellipse ``A x``; the semi-axes ``s_i u_i`` and the numbers
  update live. The page computes the SVD of the 2x2 matrix in closed form.
- :func:`rank_explorer`: a picture rebuilt from its first ``k`` SVD layers, for every ``k``
  up to a maximum, computed in the page from the embedded factors.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
from collections.abc import Sequence
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["matrix_explorer", "rank_explorer"]

_COUNTER = itertools.count()

#: Matrices offered as one-click starting points by :func:`matrix_explorer`.
PRESETS = {
    "shear": [[1.0, 1.0], [0.0, 1.0]],
    "rotation by 30°": [[0.87, -0.5], [0.5, 0.87]],
    "reflection": [[0.0, 1.0], [1.0, 0.0]],
    "rank 1": [[1.0, 0.5], [1.0, 0.5]],
}

_EXPLORER_CSS = """
.svd-explorer{--svdx-s1:#c26a00;--svdx-s2:#0072b2;--svdx-c1:#b84a00;--svdx-c2:#007a5a;
 --svdx-mark:#7b3f9e;margin:1em 0;}
html[data-theme=dark] .svd-explorer{--svdx-s1:#e69f00;--svdx-s2:#56b4e9;--svdx-c1:#f0845a;
 --svdx-c2:#3fcf9f;--svdx-mark:#c9a3e6;}
.svd-explorer .svdx-top{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start;}
.svd-explorer svg{display:block;overflow:visible;color:inherit;}
.svd-explorer svg.svdx-main{width:min(100%,24rem);height:auto;aspect-ratio:1;touch-action:none;
 overflow:hidden;}
.svd-explorer .svdx-side{flex:1 1 14rem;min-width:0;}
.svd-explorer .svdx-matrix{border:0;padding:0;margin:0 0 0.6em 0;min-width:0;}
.svd-explorer .svdx-matrix legend{font-size:1em;font-weight:600;margin:0 0 0.3em 0;padding:0;}
.svd-explorer .svdx-entries{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));
 gap:0.4em 1em;}
.svd-explorer .svdx-matrix label{display:block;font-size:0.95em;}
.svd-explorer .svdx-matrix input{display:block;width:100%;}
.svd-explorer .svdx-presets{display:flex;flex-wrap:wrap;gap:0.4em;margin:0.4em 0;}
.svd-explorer button.svdx-preset{font:inherit;font-size:0.9em;padding:0.2em 0.6em;
 border:1px solid currentColor;border-radius:0.3em;background:transparent;color:inherit;
 min-height:2.75em;cursor:pointer;}
.svd-explorer .svdx-numbers p{margin:0.15em 0;font-variant-numeric:tabular-nums;}
.svd-explorer .svdx-steps{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));
 gap:0.5em;margin-top:0.8em;}
@media (max-width:40rem){.svd-explorer .svdx-steps{grid-template-columns:repeat(2,minmax(0,1fr));}}
.svd-explorer .svdx-steps figure{margin:0;text-align:center;}
.svd-explorer .svdx-steps svg{width:100%;height:auto;aspect-ratio:1;}
.svd-explorer .svdx-steps figcaption{font-size:0.9em;}
.svd-explorer .svdx-axis{stroke:currentColor;stroke-opacity:0.35;stroke-width:0.015;}
.svd-explorer .svdx-ghost{fill:none;stroke:currentColor;stroke-opacity:0.45;stroke-width:0.02;
 stroke-dasharray:0.06 0.05;}
.svd-explorer .svdx-shape{fill:currentColor;fill-opacity:0.08;stroke:currentColor;stroke-width:0.035;}
.svd-explorer .svdx-arrow{stroke-width:0.05;}
.svd-explorer .svdx-s1{stroke:var(--svdx-s1);fill:var(--svdx-s1);}
.svd-explorer .svdx-s2{stroke:var(--svdx-s2);fill:var(--svdx-s2);}
.svd-explorer .svdx-col1{stroke:var(--svdx-c1);fill:var(--svdx-c1);stroke-dasharray:0.08 0.05;}
.svd-explorer .svdx-col2{stroke:var(--svdx-c2);fill:var(--svdx-c2);stroke-dasharray:0.08 0.05;}
.svd-explorer .svdx-head{stroke:none;}
.svd-explorer .svdx-mark{fill:var(--svdx-mark);}
.svd-explorer .svdx-handle{cursor:grab;outline:none;}
.svd-explorer .svdx-handle .svdx-hit{fill:transparent;}
.svd-explorer .svdx-handle.svdx-e1 .svdx-dot{fill:var(--svdx-c1);}
.svd-explorer .svdx-handle.svdx-e2 .svdx-dot{fill:var(--svdx-c2);}
.svd-explorer .svdx-handle text{fill:currentColor;transform:translate(0.2px,-0.2px);}
.svd-explorer .svdx-handle:focus-visible .svdx-hit,.svd-explorer .svdx-dragging .svdx-hit{
 stroke:currentColor;stroke-width:0.03;}
.svd-explorer .svdx-status{position:absolute;width:1px;height:1px;overflow:hidden;
 clip-path:inset(50%);white-space:nowrap;}
.svd-explorer .svdx-key{font-size:0.9em;}
.svd-explorer .svdx-key span{display:inline-block;width:1.4em;height:0.25em;vertical-align:middle;
 margin:0 0.3em 0 0.6em;}
"""

_RANK_CSS = """
.svd-rank-explorer{margin:1em 0;text-align:center;}
.svd-rank-explorer canvas{display:block;width:100%;height:auto;margin:0 auto;}
.svd-rank-explorer .svdr-controls{display:flex;flex-wrap:wrap;gap:0.5em;align-items:center;
 justify-content:center;margin-top:0.5em;}
.svd-rank-explorer input[type=range]{width:min(100%,32em);}
.svd-rank-explorer output{font-variant-numeric:tabular-nums;min-width:3ch;text-align:left;}
.svd-rank-explorer .svdr-caption{margin:0.3em 0 0 0;}
"""


def _script(name: str) -> str:
    """The JavaScript file ``_js/<name>`` of the package, as text."""
    return resources.files("svdcourse").joinpath("_js", name).read_text(encoding="utf-8")


def _check_matrix(A: ArrayLike, limit: float) -> list[list[float]]:
    """``A`` as a nested list of a 2x2 matrix whose entries lie in ``[-limit, limit]``."""
    M = np.asarray(A, dtype=float)
    if M.shape != (2, 2):
        raise ValueError(f"matrix_explorer needs a 2x2 matrix; got an array of shape {M.shape}.")
    if not np.all(np.isfinite(M)) or np.any(np.abs(M) > limit):
        raise ValueError(f"the entries of A must be finite and within [-{limit}, {limit}]; got {M.tolist()}.")
    return np.round(M, 2).tolist()


def matrix_explorer(A: ArrayLike = ((1.2, 0.6), (0.3, 0.9)), *, limit: float = 2.0) -> str:
    """HTML for the 2x2 SVD explorer: the unit circle through ``V^T``, ``S`` and ``U``.

    The reader changes the matrix with four sliders (laid out like the matrix), by dragging
    the images of ``e1`` and ``e2`` (the columns of ``A``) with a mouse, finger or pen, or by
    focusing one of them (Tab) and using the arrow keys (Shift for small steps). The main
    picture shows the ellipse ``A x`` for ``x`` on the unit circle, its semi-axes ``s1 u1``
    and ``s2 u2``, and the columns of ``A``; four small pictures show the same circle after
    each factor in turn. The singular values and vectors are written out and update live,
    also for screen readers.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        The matrix shown first.
    limit : float, default 2.0
        The sliders and the dragging run over ``[-limit, limit]`` for every entry.

    Returns
    -------
    str
        A self-contained ``<div class="svd-explorer">``.

    Raises
    ------
    ValueError
        If ``A`` is not 2x2 or has an entry outside ``[-limit, limit]``.

    Examples
    --------
    >>> page = matrix_explorer([[1.0, 0.5], [0.0, 1.0]])
    >>> page.count('type="range"'), "svd2x2" in page, 'src="' in page
    (4, True, False)
    """
    matrix = _check_matrix(A, limit)
    uid = f"svd-explorer-{next(_COUNTER)}"
    esc = html.escape
    entries = []
    for k, (i, j) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
        entries.append(
            f'<label><span>a<sub>{i + 1}{j + 1}</sub> = <output class="svdx-entry-value" '
            f'for="{uid}-a{k}">{matrix[i][j]:.2f}</output></span>'
            f'<input class="svdx-entry" id="{uid}-a{k}" type="range" min="{-limit}" '
            f'max="{limit}" step="0.05" value="{matrix[i][j]}"></label>'
        )
    presets = "".join(
        f'<button type="button" class="svdx-preset" data-matrix="{esc(json.dumps(M))}">'
        f"{esc(name)}</button>"
        for name, M in PRESETS.items()
    )
    captions = ("x on the unit circle", "V\u1d40x: turned", "S V\u1d40x: stretched",
                "U S V\u1d40x = A x: turned")
    steps = "".join(
        f'<figure><svg class="svdx-step" role="img" aria-label="{esc(caption)}"></svg>'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
        for caption in captions
    )
    return f"""<div class="svd-explorer" id="{uid}" data-matrix="{esc(json.dumps(matrix))}" data-limit="{limit}">
<style>{_EXPLORER_CSS}</style>
<div class="svdx-top">
<svg class="svdx-main" role="group" aria-label="The unit circle (dashed) and its image A x (solid ellipse), with the semi-axes s1 u1 and s2 u2 and the columns of A, which can be dragged"></svg>
<div class="svdx-side">
<fieldset class="svdx-matrix"><legend>The matrix A</legend>
<div class="svdx-entries">{"".join(entries)}</div></fieldset>
<div class="svdx-presets" role="group" aria-label="Start from">{presets}</div>
<div class="svdx-numbers">
<p class="svdx-s"></p><p class="svdx-u"></p><p class="svdx-v"></p><p class="svdx-det"></p>
</div>
<p class="svdx-key"><span style="background:var(--svdx-s1)"></span>s\u2081u\u2081
<span style="background:var(--svdx-s2)"></span>s\u2082u\u2082
<span style="background:var(--svdx-c1)"></span>Ae\u2081
<span style="background:var(--svdx-c2)"></span>Ae\u2082</p>
<p class="svdx-status" aria-live="polite"></p>
</div>
</div>
<div class="svdx-steps">{steps}</div>
<script>{_script("svd2x2.js")}</script>
</div>"""


def _float32_base64(M: np.ndarray) -> str:
    """A matrix as base64 of little-endian float32, row by row (what the page decodes)."""
    return base64.b64encode(np.ascontiguousarray(M, dtype="<f4").tobytes()).decode("ascii")


def rank_explorer(
    image: ArrayLike,
    max_rank: int,
    captions: Sequence[str],
    *,
    alts: Sequence[str] | None = None,
    start: int = 1,
    label: str = "Rank",
) -> str:
    """HTML for a slider that rebuilds ``image`` from its first ``k`` SVD layers, any ``k``.

    The factors ``U[:, :max_rank] * s[:max_rank]`` and ``Vt[:max_rank]`` are embedded as
    float32 numbers and the page sums the layers itself, so every rank from 1 to
    ``max_rank`` is available at the cost of ``(m + n) * max_rank`` numbers rather than one
    picture per rank. The picture is drawn at the column's width.

    Parameters
    ----------
    image : array_like, shape (m, n)
        A grayscale image with values in ``[0, 1]``.
    max_rank : int
        The largest rank offered; at most ``min(m, n)``.
    captions : sequence of str
        ``max_rank`` captions, the one for rank ``k`` at index ``k - 1`` (for example the
        relative error at that rank); shown under the picture and announced to screen
        readers.
    alts : sequence of str, optional
        Alternative text for each rank; defaults to ``captions``.
    start : int, default 1
        The rank shown first.
    label : str, default "Rank"
        The visible label of the slider.

    Returns
    -------
    str
        A self-contained ``<div class="svd-rank-explorer">``.

    Raises
    ------
    ValueError
        If ``image`` is not a matrix, ``max_rank`` or ``start`` is out of range, or the
        number of captions (or alt texts) is not ``max_rank``.

    Examples
    --------
    >>> img = np.outer(np.linspace(0, 1, 6), np.linspace(1, 0, 8))
    >>> page = rank_explorer(img, 2, ["rank 1", "rank 2"])
    >>> 'max="2"' in page, "<canvas" in page
    (True, True)
    """
    M = np.asarray(image, dtype=float)
    if M.ndim != 2:
        raise ValueError(f"rank_explorer needs a grayscale image (a matrix); got shape {M.shape}.")
    m, n = M.shape
    if not 1 <= max_rank <= min(m, n):
        raise ValueError(f"max_rank must be between 1 and {min(m, n)}; got {max_rank}.")
    captions = [str(c) for c in captions]
    alts = captions if alts is None else [str(a) for a in alts]
    if len(captions) != max_rank or len(alts) != max_rank:
        raise ValueError(
            f"give one caption and one alt text per rank: {max_rank} each; got "
            f"{len(captions)} captions and {len(alts)} alt texts."
        )
    if not 1 <= start <= max_rank:
        raise ValueError(f"start must be a rank between 1 and {max_rank}; got {start}.")
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    data = {
        "m": m, "n": n, "kmax": max_rank, "captions": captions, "alts": alts,
        "us": _float32_base64(U[:, :max_rank] * s[:max_rank]),
        "vt": _float32_base64(Vt[:max_rank]),
    }
    uid = f"svd-rank-explorer-{next(_COUNTER)}"
    esc = html.escape
    payload = json.dumps(data).replace("</", "<\\/")
    return f"""<div class="svd-rank-explorer" id="{uid}">
<style>{_RANK_CSS}</style>
<figure style="margin:0;">
<canvas role="img" aria-label="{esc(alts[start - 1])}" style="aspect-ratio:{n}/{m};"></canvas>
<figcaption class="svdr-caption" aria-live="polite">{esc(captions[start - 1])}</figcaption>
</figure>
<div class="svdr-controls">
<label for="{uid}-range">{esc(label)}</label>
<input type="range" id="{uid}-range" min="1" max="{max_rank}" step="1" value="{start}"
 aria-valuetext="{esc(captions[start - 1])}">
<output for="{uid}-range">{start}</output>
</div>
<script type="application/json" class="svdr-data">{payload}</script>
<script>{_script("rank_explorer.js")}</script>
</div>"""
