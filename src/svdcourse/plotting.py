"""Pictures of linear maps and of singular value spectra.

The chapters use these helpers to draw what a matrix does to the plane: the unit circle
carried step by step through ``V^T``, ``S`` and ``U``, the ellipse it becomes, the
"before" and "after" snapshots of a matrix-vector product, an animation of the three
steps (with an offline HTML player for it), and (for later chapters) spectra of singular
values on a log scale.

Conventions
-----------
- Every plotting function takes ``ax=None`` (or ``axes=None`` when it draws several
  panels), makes a figure with ``layout="constrained"`` only when it is not given one,
  and returns the axes. Nothing calls ``plt.show()``.
- Importing this module changes nothing in matplotlib: no backend, no rcParams. Call
  :func:`use_course_style` (or use the :func:`course_style` context manager) to get the
  course look: an opaque white background that stays readable in the website's dark
  mode, readable font sizes and the colour-blind-safe Okabe-Ito palette.
- Factors are named ``U, s, Vt`` as numpy returns them; ``Vt`` is ``V^T``, never ``V``.
- Nothing here returns the answer to a lab question: the factors are computed inside the
  functions to draw them, and only the axes come back.
"""

from __future__ import annotations

import base64
import html as _html
import re
from io import BytesIO
from typing import Any
from urllib.parse import quote

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "OKABE_ITO",
    "COURSE_RC",
    "course_style",
    "use_course_style",
    "plot_before_after",
    "plot_unit_circle_steps",
    "plot_image_ellipse",
    "plot_plane_image",
    "animate_svd_steps",
    "animation_html",
    "plot_spectrum",
]

#: The Okabe-Ito palette, safe for the common forms of colour blindness.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

# Roles used in every picture, so the same thing has the same colour on every page.
_CURVE = OKABE_ITO["black"]
_GHOST = "#9a9a9a"
_DIR = (OKABE_ITO["vermillion"], OKABE_ITO["blue"])  # direction 1 and 2: v_i, then s_i u_i
_BASIS = (OKABE_ITO["orange"], OKABE_ITO["green"])  # e_1, e_2 and where they go
_EXTRA = OKABE_ITO["purple"]

#: The rcParams of the course style (applied only on request, never at import).
COURSE_RC: dict[str, Any] = {
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "figure.dpi": 100,
    "savefig.dpi": "figure",
    # Sizes for the website's column (7.7 in wide at 96 px per inch): a figure up to that
    # width is shown at its own size, so 12 pt text is 16 px, the size of the captions.
    "figure.figsize": (6.0, 4.0),
    "font.size": 12,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    # SVG figures keep their text as text (small files, sharp on every screen); the ids
    # inside them are the same at every build.
    "svg.fonttype": "none",
    "svg.hashsalt": "svdcourse",
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(
        color=[OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple",
                                      "sky_blue", "yellow", "black")]
    ),
}


def course_style():
    """Temporarily apply the course style (a context manager).

    Returns
    -------
    contextlib.AbstractContextManager
        A :func:`matplotlib.rc_context` that applies :data:`COURSE_RC` inside a ``with``
        block and restores the previous settings afterwards.

    See Also
    --------
    use_course_style : apply the style for the rest of the session (what chapters do).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with course_style():
    ...     mpl.rcParams["figure.facecolor"]
    'white'
    """
    return mpl.rc_context(COURSE_RC)


def use_course_style() -> None:
    """Apply the course style to every figure made from now on.

    Chapters call this once, in their imports cell. It gives figures an opaque white
    background (so they stay readable when the website is in dark mode), small readable
    fonts sized for the website's column and the Okabe-Ito colour cycle; in IPython or
    Jupyter, plots are shown as SVG and photographs as JPEG at twice the resolution (sharp
    on every screen). Importing this module does *not* do it.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with mpl.rc_context():      # keep the doctest from changing the session
    ...     use_course_style()
    ...     mpl.rcParams["savefig.transparent"]
    False
    """
    mpl.rcParams.update(COURSE_RC)
    _show_figures_sharply()


#: A figure showing an image with more pixels than this is shown as a PNG, not an SVG.
PHOTO_PIXELS = 64 * 64


def _shows_a_photo(fig) -> bool:
    """Whether a figure draws a large raster image (a photograph rather than a plot)."""
    return any(image.get_array() is not None and image.get_array().shape[0]
               * image.get_array().shape[1] > PHOTO_PIXELS
               for ax in fig.axes for image in ax.get_images())


def _photo_jpeg(fig) -> tuple[bytes, dict]:
    """A figure as a JPEG at twice its resolution, with the size to show it at."""
    from IPython.core.pylabtools import print_figure
    from PIL import Image

    data = print_figure(fig, "jpeg", dpi=2 * fig.dpi, pil_kwargs={"quality": 88})
    width, height = Image.open(BytesIO(data)).size
    return data, {"width": width // 2, "height": height // 2}


def _show_figures_sharply() -> None:
    """Under IPython, show figures sharp on every screen: plots as SVG, and figures of
    photographs (which an SVG would carry as a far larger embedded PNG) as JPEG at twice
    the resolution."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure
        from matplotlib.figure import Figure
    except ImportError:  # plain Python: nothing is shown inline
        return
    shell = get_ipython()
    if shell is None:
        return
    backend = mpl.get_backend()
    if "inline" in backend:  # load the inline backend now: it sets its own formats once
        plt.switch_backend(backend)
    formatters = shell.display_formatter.formatters
    formatters["image/svg+xml"].for_type(
        Figure, lambda fig: None if _shows_a_photo(fig) else print_figure(fig, "svg"))
    formatters["image/png"].for_type(Figure, lambda fig: None)
    formatters["image/jpeg"].for_type(
        Figure, lambda fig: _photo_jpeg(fig) if _shows_a_photo(fig) else None)


# --------------------------------------------------------------------------- helpers


def _as_matrix(A: ArrayLike, shape: tuple[int | None, int | None], what: str) -> NDArray:
    """``A`` as a finite float matrix of the given shape (``None`` is any size)."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or any(want is not None and got != want for got, want in zip(A.shape, shape)):
        want = " x ".join("any" if w is None else str(w) for w in shape)
        raise ValueError(
            f"{what} needs a matrix of shape ({want}); got an array of shape {A.shape}."
        )
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{what} got a matrix with NaN or infinite entries: {A!r}.")
    return A


def _as_vector(x: ArrayLike, n: int, what: str) -> NDArray:
    x = np.asarray(x, dtype=float)
    if x.shape != (n,):
        raise ValueError(f"{what} needs a vector of shape ({n},); got shape {x.shape}.")
    return x


def _circle(n_points: int) -> NDArray:
    """``(2, n_points)`` points on the unit circle, the first and last equal (closed)."""
    t = np.linspace(0.0, 2.0 * np.pi, n_points)
    return np.vstack([np.cos(t), np.sin(t)])


def _chords(levels=(-0.5, 0.0, 0.5)) -> list[NDArray]:
    """Horizontal and vertical chords of the unit disk, each as a ``(2, 2)`` array."""
    chords = []
    for c in levels:
        h = np.sqrt(1.0 - c * c)
        chords.append(np.array([[c, c], [-h, h]]))  # vertical
        chords.append(np.array([[-h, h], [c, c]]))  # horizontal
    return chords


def _new_axes(ax, figsize, **kwargs):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained", **kwargs)
    return ax


def _frame(ax: Axes, radius: float) -> None:
    """Square limits, equal aspect and light coordinate axes through the origin."""
    ax.set_xlim(-radius, radius)
    ax.set_ylim(-radius, radius)
    ax.set_aspect("equal")
    ax.axhline(0.0, color="#d0d0d0", lw=0.8, zorder=0)
    ax.axvline(0.0, color="#d0d0d0", lw=0.8, zorder=0)
    ax.tick_params(length=2)


def _arrow(ax: Axes, tip, color, *, tail=(0.0, 0.0), label=None, gid=None, lw=2.0,
           ls="-", fontsize=12):
    """An arrow from ``tail`` to ``tip`` (data coordinates), labelled just past its tip."""
    tip = np.asarray(tip, dtype=float)
    tail = np.asarray(tail, dtype=float)
    arrow = ax.annotate(
        "", xy=tuple(tip), xytext=tuple(tail),
        arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, linestyle=ls,
                        shrinkA=0, shrinkB=0, mutation_scale=11),
    )
    arrow.set_gid(gid)
    if label is not None:
        _label_at(ax, tip, tip - tail, label, color, fontsize)
    return arrow


def _label_at(ax: Axes, point, direction, text, color, fontsize=12):
    """Put ``text`` next to ``point``, pushed outwards along ``direction``."""
    d = np.asarray(direction, dtype=float)
    norm = np.linalg.norm(d)
    d = d / norm if norm > 0 else np.array([1.0, 0.0])
    ha = "left" if d[0] > 0.35 else "right" if d[0] < -0.35 else "center"
    va = "bottom" if d[1] > 0.35 else "top" if d[1] < -0.35 else "center"
    return ax.annotate(text, xy=tuple(point), xytext=tuple(5 * d), textcoords="offset points",
                       ha=ha, va=va, color=color, fontsize=fontsize)


def _rotation(theta: float) -> NDArray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def _smoothstep(t: NDArray) -> NDArray:
    """Ease in and out, so each step of the animation starts and stops gently."""
    return t * t * (3.0 - 2.0 * t)


def _rotation_svd(A: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """numpy's SVD of a 2 x 2 matrix with the signs of ``v_2`` and ``u_2`` flipped together
    when needed so that ``Vt`` is a rotation (``det Vt = +1``). It is still an SVD of ``A``;
    ``U`` is then a rotation too exactly when ``det A > 0``."""
    U, s, Vt = np.linalg.svd(A)
    U, Vt = U.copy(), Vt.copy()
    if np.linalg.det(Vt) < 0:
        Vt[1] *= -1.0
        U[:, 1] *= -1.0
    return U, s, Vt


def _svd_path(A: NDArray, steps: int = 10, hold: int = 3,
              hold_end: int | None = None) -> tuple[list[NDArray], list[str]]:
    """Matrices that morph the identity into ``A`` by rotate, scale, rotate.

    The SVD is rearranged as ``A = R(beta) @ diag(d) @ R(alpha)`` with ``R`` rotations:
    the signs of ``v_2`` and ``u_2`` are flipped together when needed so that the first
    factor is a rotation, and if ``det A < 0`` the remaining reflection is moved into the
    middle factor, ``d = (s_1, -s_2)``. Rotations are interpolated by their angle (the
    short way round), the diagonal linearly, so a reflection shows as the picture being
    flattened and turned over during the scaling step.

    There are ``hold`` still frames at the start, ``steps`` frames per step and
    ``hold_end`` (default ``hold``) still frames at the end. Returns the list of matrices
    (first the identity, last ``A``) and, for each, the title of the step it belongs to.
    """
    hold_end = hold if hold_end is None else hold_end
    U, s, Vt = _rotation_svd(A)
    d = s.copy()
    flip = np.linalg.det(U) < 0
    if flip:  # U = R(beta) F with F = diag(1, -1), and F diag(s) = diag(s_1, -s_2)
        U[:, 1] *= -1.0
        d[1] = -d[1]
    alpha = np.arctan2(Vt[1, 0], Vt[0, 0])
    beta = np.arctan2(U[1, 0], U[0, 0])
    t = _smoothstep(np.linspace(0.0, 1.0, steps + 1)[1:])

    mats = [np.eye(2)] * hold
    titles = ["start: the unit circle"] * hold
    mats += [_rotation(ti * alpha) for ti in t]
    titles += [r"1. rotate by $V^\top$"] * steps
    mats += [np.diag(1.0 + ti * (d - 1.0)) @ Vt for ti in t]
    titles += ["2. scale by $S$" + (" (and flip)" if flip else "")] * steps
    mats += [_rotation(ti * beta) @ np.diag(d) @ Vt for ti in t]
    titles += ["3. rotate by $U$"] * steps
    mats[-1] = A.copy()  # the last moving frame lands exactly on A
    mats += [A.copy()] * hold_end
    titles += [r"end: $A = U S V^\top$"] * hold_end
    return mats, titles


# --------------------------------------------------------------------------- figures


def plot_before_after(A: ArrayLike, x: ArrayLike, basis: str = "standard",
                      axes=None) -> NDArray:
    """Draw a matrix-vector product as a "before" and an "after" snapshot.

    Before: ``x`` split into components along an input basis. After: the same components
    placed on the matching output vectors, whose sum is ``A @ x``.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        The matrix.
    x : array_like, shape (2,)
        The vector it is applied to.
    basis : {"standard", "svd"}, default "standard"
        ``"standard"``: components ``x_i`` on ``e_i`` before, on the columns ``a_i`` of
        ``A`` after. ``"svd"``: components ``c_i = v_i . x`` on the input directions
        ``v_i`` before, scaled to ``s_i c_i`` on the output directions ``u_i`` after.
    axes : sequence of two Axes, optional
        Where to draw; a new ``1 x 2`` figure is made when omitted.

    Returns
    -------
    numpy.ndarray of Axes, shape (2,)
        The "before" and the "after" axes.

    Raises
    ------
    ValueError
        If ``A`` is not 2 x 2, ``x`` is not of length 2, or ``basis`` is unknown.

    Notes
    -----
    With the standard basis, :math:`Ax = x_1 a_1 + x_2 a_2`. With the SVD
    :math:`A = U S V^\\top`, :math:`Ax = \\sum_i s_i (v_i \\cdot x)\\, u_i`: the output
    vectors :math:`s_i u_i` are perpendicular, so the components no longer interfere.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> before, after = plot_before_after([[3, -1], [1, 2]], [1.5, 1.0])
    >>> before.get_title()
    'before: $x = x_1 e_1 + x_2 e_2$'
    >>> plt.close(before.figure)
    """
    A = _as_matrix(A, (2, 2), "plot_before_after")
    x = _as_vector(x, 2, "plot_before_after")
    if basis == "standard":
        B_in, c, B_out = np.eye(2), x, A
        in_names, out_names = ("e_1", "e_2"), ("a_1", "a_2")
        coef = ("x_1", "x_2")
        titles = ("before: $x = x_1 e_1 + x_2 e_2$", "after: $Ax = x_1 a_1 + x_2 a_2$")
        out_coef = coef
    elif basis == "svd":
        U, s, Vt = np.linalg.svd(A)
        B_in, c, B_out = Vt.T, Vt @ x, U * s
        in_names, out_names = ("v_1", "v_2"), ("u_1", "u_2")
        coef = ("c_1", "c_2")
        out_coef = ("s_1 c_1", "s_2 c_2")
        titles = ("before: $x = c_1 v_1 + c_2 v_2$", "after: $Ax = s_1 c_1 u_1 + s_2 c_2 u_2$")
    else:
        raise ValueError(f"basis must be 'standard' or 'svd'; got {basis!r}.")

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(7.0, 3.4), layout="constrained")
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size != 2:
        raise ValueError(f"plot_before_after draws two panels; got {axes.size} axes.")

    pieces_in = B_in * c  # column i is c_i times input basis vector i
    pieces_out = B_out * c
    y = A @ x
    for ax, pieces, base, names, cf, total, name, title in (
        (axes[0], pieces_in, B_in, in_names, coef, x, "x", titles[0]),
        (axes[1], pieces_out, B_out, out_names, out_coef, y, "Ax", titles[1]),
    ):
        radius = 1.3 * max(1.0, np.abs(np.column_stack([pieces, base, total])).max())
        _frame(ax, radius)
        # the coordinate axes of the basis in use: a line through each basis vector
        for i in range(2):
            norm = np.linalg.norm(base[:, i])
            if norm > 0:
                end = 2 * radius * base[:, i] / norm
                ax.plot([-end[0], end[0]], [-end[1], end[1]], color=_DIR[i], lw=0.8,
                        ls="--", alpha=0.6, zorder=1, gid=f"axis{i + 1}")
        # the pieces c_i b_i, then the parallelogram that adds them up
        for i in range(2):
            _arrow(ax, pieces[:, i], _DIR[i], label=f"${cf[i]}\\, {names[i]}$",
                   gid=f"piece{i + 1}")
        for i in range(2):
            ax.plot(*np.column_stack([pieces[:, i], total]), color=_DIR[1 - i], lw=0.8,
                    ls=":")
        ax.plot(*total, marker="o", color=_CURVE, ms=5, ls="none", gid="total")
        _label_at(ax, total, total, f"${name}$", _CURVE)
        ax.set_title(title)
    return axes


def plot_unit_circle_steps(A: ArrayLike, axes=None, rotations: bool = False,
                           n_points: int = 181) -> NDArray:
    """Follow the unit circle through ``V^T``, then ``S``, then ``U``.

    Four panels: the unit circle with the input directions ``v_1, v_2`` and the points
    ``e_1, e_2``; then the same picture after ``V^T`` (a rotation, possibly with a
    reflection), after ``S V^T`` (a scaling along the axes) and after ``U S V^T = A``.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        The matrix, factored with :func:`numpy.linalg.svd`.
    axes : sequence of four Axes, optional
        Where to draw; a new ``1 x 4`` figure is made when omitted.
    rotations : bool, default False
        numpy's ``Vt`` and ``U`` may be reflections rather than rotations. With
        ``rotations=True`` the signs of ``v_2`` and ``u_2`` are flipped together when
        ``det Vt = -1``, which gives another SVD of ``A`` in which ``Vt`` is a rotation
        (and ``U`` too whenever ``det A > 0``).
    n_points : int, default 181
        Number of points used to draw the circle.

    Returns
    -------
    numpy.ndarray of Axes, shape (4,)
        The four panels, in order.

    Raises
    ------
    ValueError
        If ``A`` is not a finite 2 x 2 matrix, or ``axes`` does not hold four axes.

    Notes
    -----
    The arrows are the images of :math:`v_1, v_2`: they become :math:`e_1, e_2` after
    :math:`V^\\top`, then :math:`s_1 e_1, s_2 e_2`, and finally :math:`s_1 u_1, s_2 u_2`,
    the semi-axes of the ellipse :math:`A` makes of the circle. The markers follow
    :math:`e_1` and :math:`e_2`, which end on the columns of :math:`A`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> axes = plot_unit_circle_steps([[1, 1], [0, 1]])
    >>> [ax.get_title() for ax in axes][1]
    'after $V^\\\\top$ (rotate)'
    >>> plt.close(axes[0].figure)
    """
    A = _as_matrix(A, (2, 2), "plot_unit_circle_steps")
    U, s, Vt = _rotation_svd(A) if rotations else np.linalg.svd(A)
    stages = (np.eye(2), Vt, s[:, None] * Vt, A)
    titles = ("start: unit circle", r"after $V^\top$ (rotate)", r"after $S V^\top$ (scale)",
              r"after $U S V^\top = A$ (rotate)")
    names = (("v_1", "v_2"), ("e_1", "e_2"), ("s_1 e_1", "s_2 e_2"), ("s_1 u_1", "s_2 u_2"))
    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(7.7, 2.6), layout="constrained")
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size != 4:
        raise ValueError(f"plot_unit_circle_steps draws four panels; got {axes.size} axes.")

    X = _circle(n_points)
    V = Vt.T
    radius = 1.3 * max(1.0, s[0])
    tiny = 1e-12 * max(1.0, s[0])
    for ax, M, title, labels in zip(axes, stages, titles, names):
        _frame(ax, radius)
        for chord in _chords():
            ax.plot(*(M @ chord), color="#c8c8c8", lw=0.7, zorder=1)
        P = M @ X
        ax.plot(P[0], P[1], color=_CURVE, lw=1.6, gid="circle")
        for i in range(2):
            tip = M @ V[:, i]
            if np.linalg.norm(tip) > tiny:
                _arrow(ax, tip, _DIR[i], label=f"${labels[i]}$", gid=f"v{i + 1}")
        for i, marker in enumerate(("o", "s")):
            ax.plot(*M[:, i], marker=marker, ms=6, color=_BASIS[i], ls="none", zorder=5,
                    gid=f"e{i + 1}", label=f"image of $e_{i + 1}$")
        ax.set_title(title)
    axes[0].legend(loc="lower left", fontsize=11, handletextpad=0.2, borderaxespad=0.1)
    return axes


def plot_image_ellipse(A: ArrayLike, ax: Axes | None = None, rotations: bool = False,
                       n_points: int = 181) -> Axes:
    """Draw the image of the unit circle (or sphere) under ``A`` and its semi-axes.

    Parameters
    ----------
    A : array_like, shape (2, n) with n >= 2
        The matrix. For ``n == 2`` the input unit circle and the input directions
        ``v_1, v_2`` are drawn too. For ``n > 2`` the images of points spread over the unit
        sphere of ``R^n`` are scattered: they fill the ellipse, because ``A`` deletes the
        directions ``v_3, ..., v_n``.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    rotations : bool, default False
        For a 2 x 2 ``A``: choose the signs of ``v_2, u_2`` as
        :func:`plot_unit_circle_steps` does with ``rotations=True``, so the two figures
        show the same arrows. Ignored when ``A`` has more than two columns.
    n_points : int, default 181
        Number of points used to draw the ellipse.

    Returns
    -------
    Axes

    Raises
    ------
    ValueError
        If ``A`` does not have two rows and at least two columns.

    Notes
    -----
    The unit vector :math:`x = \\cos t\\, v_1 + \\sin t\\, v_2` goes to
    :math:`Ax = s_1 \\cos t\\, u_1 + s_2 \\sin t\\, u_2`: an ellipse whose semi-axes are
    :math:`s_1 u_1` and :math:`s_2 u_2` (drawn as arrows).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_image_ellipse([[2, 0], [0, 1]])
    >>> ax.get_title()
    'image of the unit circle'
    >>> plt.close(ax.figure)
    """
    A = _as_matrix(A, (2, None), "plot_image_ellipse")
    n = A.shape[1]
    if n < 2:
        raise ValueError(f"plot_image_ellipse needs at least two columns; got shape {A.shape}.")
    if rotations and n == 2:
        U, s, Vt = _rotation_svd(A)
    else:
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
    ax = _new_axes(ax, (3.8, 3.6))
    radius = 1.3 * max(1.0, s[0])
    _frame(ax, radius)
    C = _circle(n_points)
    if n == 2:
        ax.plot(*C, color=_GHOST, lw=1.0, ls="--", gid="input")
        for i in range(2):
            _arrow(ax, Vt[i], _DIR[i], lw=1.0, ls="--", label=f"$v_{i + 1}$", gid=f"v{i + 1}",
                   fontsize=12)
        title = "image of the unit circle"
    else:
        Z = np.random.default_rng(0).standard_normal((n, 600))  # fixed points, same picture
        Z /= np.linalg.norm(Z, axis=0)
        ax.scatter(*(A @ Z), s=3, color=OKABE_ITO["sky_blue"], alpha=0.5, lw=0,
                   gid="sphere")
        title = f"image of the unit sphere of $\\mathbb{{R}}^{n}$"
    E = U @ (s[:, None] * C)
    ax.plot(*E, color=_CURVE, lw=1.6, gid="ellipse")
    for i in range(2):
        if s[i] > 1e-12 * max(1.0, s[0]):
            _arrow(ax, s[i] * U[:, i], _DIR[i], label=f"$s_{i + 1} u_{i + 1}$",
                   gid=f"axis{i + 1}")
    ax.set_title(title)
    return ax


def plot_plane_image(A: ArrayLike, ax: Axes | None = None, n_points: int = 121) -> Axes:
    """Draw, in 3-D, the image of the unit circle under a ``(3, 2)`` matrix.

    The image is an ellipse lying in the plane spanned by ``u_1`` and ``u_2``; the third
    output direction ``u_3`` (dotted) is never reached.

    Parameters
    ----------
    A : array_like, shape (3, 2)
        The matrix.
    ax : Axes3D, optional
        A 3-D axes to draw in (``projection="3d"``); a new figure is made when omitted.
    n_points : int, default 121
        Number of points used to draw the ellipse.

    Returns
    -------
    mpl_toolkits.mplot3d.axes3d.Axes3D

    Raises
    ------
    ValueError
        If ``A`` is not 3 x 2, or ``ax`` is not a 3-D axes.

    Notes
    -----
    With the full SVD, :math:`Ax = s_1 (v_1 \\cdot x) u_1 + s_2 (v_2 \\cdot x) u_2`, so the
    component of :math:`Ax` along :math:`u_3` is always zero.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_plane_image([[1, 0], [0, 1], [1, 1]])
    >>> ax.name
    '3d'
    >>> plt.close(ax.figure)
    """
    A = _as_matrix(A, (3, 2), "plot_plane_image")
    U, s, Vt = np.linalg.svd(A)
    if ax is None:
        fig = plt.figure(figsize=(4.0, 3.8), layout="constrained")
        ax = fig.add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError("plot_plane_image needs a 3-D axes: "
                         "make it with fig.add_subplot(projection='3d').")
    r = 1.15 * max(1.0, s[0])
    a, b = np.meshgrid([-r, r], [-r, r])
    plane = U[:, 0, None, None] * a + U[:, 1, None, None] * b
    ax.plot_surface(*plane, color=OKABE_ITO["sky_blue"], alpha=0.18, lw=0, gid="plane")
    E = A @ _circle(n_points)
    ax.plot(*E, color=_CURVE, lw=1.6, gid="ellipse")
    for i in range(2):
        tip = s[i] * U[:, i]
        ax.plot(*np.column_stack([np.zeros(3), tip]), color=_DIR[i], lw=2.2, gid=f"axis{i + 1}")
        ax.text(*(1.1 * tip), f"$s_{i + 1} u_{i + 1}$", color=_DIR[i])
    # the whole line through u_3, labelled at the end away from the semi-axes' labels
    ax.plot(*np.column_stack([-r * U[:, 2], r * U[:, 2]]), color=_EXTRA, lw=1.4, ls=":",
            gid="u3")
    end = r * U[:, 2] if U[:, 2] @ (U[:, 0] + U[:, 1]) < 0 else -r * U[:, 2]
    ax.text(*(1.05 * end), "$u_3$ direction\n(never reached)", color=_EXTRA, fontsize=12)
    ax.set(xlim=(-r, r), ylim=(-r, r), zlim=(-r, r), xlabel="$y_1$", ylabel="$y_2$",
           zlabel="$y_3$")
    ax.set_box_aspect((1, 1, 1))
    ax.tick_params(labelsize=11, pad=0)
    ax.set_xticks([-1, 0, 1])
    ax.set_yticks([-1, 0, 1])
    ax.set_zticks([-1, 0, 1])
    # look at the plane obliquely, about 40 degrees away from its normal u_3, so that the
    # ellipse is neither seen edge-on nor flattened into a plain 2-D picture
    normal = U[:, 2] if U[2, 2] >= 0 else -U[:, 2]
    elev = np.degrees(np.arcsin(np.clip(normal[2], -1.0, 1.0)))
    azim = np.degrees(np.arctan2(normal[1], normal[0])) if np.hypot(*normal[:2]) > 0.2 else -60.0
    ax.view_init(elev=float(np.clip(elev - 40.0, 10.0, 70.0)),
                 azim=float(azim if elev - 40.0 >= 10.0 else azim + 40.0))
    return ax


def animate_svd_steps(A: ArrayLike, ax: Axes | None = None, frames: int = 36,
                      interval: int = 120, dpi: float = 80) -> FuncAnimation:
    """Animate the unit circle morphing into ``A``'s ellipse: rotate, scale, rotate.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        The matrix.
    ax : Axes, optional
        Where to draw; a new small figure (at ``dpi``) is made when omitted.
    frames : int, default 36
        Total number of frames, including short pauses at the start and at the end.
    interval : int, default 120
        Delay between frames in milliseconds.
    dpi : float, default 80
        Resolution of the figure made when ``ax`` is omitted (the embedded frames of
        :meth:`~matplotlib.animation.Animation.to_jshtml` use it).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it in a notebook with ``HTML(animation_html(anim))``; :func:`animation_html`
        also closes the figure, so that no extra still image is displayed.

    Raises
    ------
    ValueError
        If ``A`` is not a finite 2 x 2 matrix or ``frames < 12``.

    Notes
    -----
    The map drawn at each frame goes from the identity to :math:`A = U S V^\\top`:
    first a rotation whose angle grows to that of :math:`V^\\top`, then a scaling whose
    diagonal grows linearly from 1 to :math:`s_i`, then a rotation growing to :math:`U`.
    The signs of :math:`v_2, u_2` are chosen so that :math:`V^\\top` is a rotation. When
    :math:`\\det A < 0` one reflection is unavoidable; it is put in the scaling step,
    whose second entry runs from 1 to :math:`-s_2`, so the picture flattens and turns
    over there.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> anim = animate_svd_steps([[1, 1], [0, 1]], frames=12)
    >>> html = animation_html(anim)   # what a chapter displays with IPython's HTML
    >>> "<script" in html
    True
    >>> plt.close("all")
    """
    A = _as_matrix(A, (2, 2), "animate_svd_steps")
    if frames < 12:
        raise ValueError(f"animate_svd_steps needs at least 12 frames; got {frames}.")
    hold = max(2, frames // 12)
    steps = (frames - 2 * hold) // 3
    mats, titles = _svd_path(A, steps=steps, hold=hold, hold_end=frames - hold - 3 * steps)
    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots(figsize=(3.6, 3.6), dpi=dpi, layout="constrained")
    fig = ax.figure

    s = np.linalg.svd(A, compute_uv=False)
    _frame(ax, 1.15 * max(1.0, s[0]))
    ax.set_xticks([])  # no tick labels: drawing them is most of the time per frame
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    X = _circle(121)
    ax.plot(*X, color=_GHOST, lw=1.0, ls="--")  # where we started
    chords = _chords()
    chord_lines = [ax.plot([], [], color="#c8c8c8", lw=0.7, zorder=1)[0] for _ in chords]
    (curve,) = ax.plot([], [], color=_CURVE, lw=1.8, gid="circle")
    V = mats[hold + steps - 1].T  # after step 1 the map is R(alpha), the (sign-fixed) V^T
    arrows = [_arrow(ax, V[:, i], _DIR[i], gid=f"v{i + 1}") for i in range(2)]
    markers = [ax.plot([], [], marker=m, ms=6, color=_BASIS[i], ls="none", zorder=5,
                       gid=f"e{i + 1}")[0] for i, m in enumerate(("o", "s"))]
    title = ax.set_title(titles[0])

    def update(k: int):
        M = mats[k]
        curve.set_data(*(M @ X))
        for line, chord in zip(chord_lines, chords):
            line.set_data(*(M @ chord))
        for i in range(2):
            arrows[i].xy = tuple(M @ V[:, i])
            markers[i].set_data([M[0, i]], [M[1, i]])
        title.set_text(titles[k])
        return [curve, *chord_lines, *arrows, *markers, title]

    update(0)
    if own_figure:  # lay out once, then freeze: re-solving the layout every frame is slow
        fig.canvas.draw()
        fig.set_layout_engine("none")
    return FuncAnimation(fig, update, frames=len(mats), interval=interval, blit=False,
                         repeat=True)


# Text stand-ins for the Font Awesome icons of matplotlib's player, which it loads from a
# CDN: the website is read offline and loads nothing from the network.
_PLAYER_ICONS = {
    "fa fa-minus": "\u2212",
    "fa fa-fast-backward": "|\u25c0\ufe0e\u25c0\ufe0e",
    "fa fa-step-backward": "|\u25c0\ufe0e",
    "fa fa-play fa-flip-horizontal": "\u25c0\ufe0e",
    "fa fa-pause": "\u275a\u275a",
    "fa fa-play": "\u25b6\ufe0e",
    "fa fa-step-forward": "\u25b6\ufe0e|",
    "fa fa-fast-forward": "\u25b6\ufe0e\u25b6\ufe0e|",
    "fa fa-plus": "+",
}

# One embedded frame of matplotlib's HTML player: ``frames[3] = "data:image/svg+xml;base64,..."``
# (the base64 text is wrapped over lines ending in a backslash).
_FRAME = re.compile(r'(frames\[\d+\] = )"data:image/svg\+xml;base64,([^"]*)"')


def _svg_data_uri(wrapped_base64: str) -> str:
    """A smaller ``data:`` URI for one SVG frame: fewer digits, no metadata, not base64."""
    svg = base64.b64decode(wrapped_base64.replace("\\\n", "")).decode("utf-8")
    svg = svg[svg.index("<svg"):]  # no XML declaration or doctype: a browser needs neither
    svg = re.sub(r"<metadata>.*?</metadata>|<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"(\d+\.\d)\d+", r"\1", svg)  # a tenth of a point is far below a pixel
    svg = re.sub(r'(\sd=)"([^"]*)"', lambda m: f'{m.group(1)}"{_short_path(m.group(2))}"', svg)
    svg = re.sub(r"(font-family: '[^']*')[^;\"]*", r"\1, sans-serif", svg)
    svg = re.sub(r">\s+<", "><", svg)
    return "data:image/svg+xml," + quote(svg, safe=" ,.:;=/-_()'")


def _repeat_held_frames(page: str) -> str:
    """Write a frame equal to the one before it as a reference to that one (the pauses at
    the start and the end of an animation hold the same picture for several frames)."""
    previous = None

    def shorten(match: re.Match) -> str:
        nonlocal previous
        index, uri = int(match.group(1)), match.group(2)
        same = previous is not None and uri == previous[1]
        if not same:
            previous = (index, uri)
        return f"frames[{index}] = frames[{previous[0]}]" if same else match.group(0)

    return re.sub(r'frames\[(\d+)\] = ("[^"]*")', shorten, page)


def _short_path(d: str) -> str:
    """An SVG path on one line, without the ``L`` letters that SVG implies after M or L."""
    commands = re.findall(r"([A-Za-z])([^A-Za-z]*)", d)
    out, previous = [], ""
    for letter, numbers in commands:
        numbers = " ".join(numbers.split())
        implied = letter == "L" and previous in {"M", "L"}
        out.append(numbers if implied else f"{letter} {numbers}".strip())
        previous = letter
    return " ".join(out)


def animation_html(anim: FuncAnimation, alt: str = "", default_mode: str = "loop",
                   close: bool = True) -> str:
    """Self-contained HTML player for an animation, that needs no kernel and no network.

    This is :meth:`~matplotlib.animation.Animation.to_jshtml` (every frame embedded, with
    play, pause, step and speed buttons and a slider), made fit for an offline website:
    matplotlib's player fetches its button icons from a CDN, so that link is removed and
    the icons are replaced by plain text symbols. The frames are small SVG images (sharp
    on any screen, a few kilobytes each: coordinates rounded to a tenth of a point, text
    kept as text). The frame image gets ``alt`` text and the slider a label for screen
    readers.

    Parameters
    ----------
    anim : matplotlib.animation.FuncAnimation
        The animation, for example from :func:`animate_svd_steps`.
    alt : str, optional
        A short description of the animation, used as the image's alt text.
    default_mode : {"loop", "once", "reflect"}, default "loop"
        What the player does when it reaches the last frame.
    close : bool, default True
        Close the animation's figure once the frames are rendered, so that a notebook
        shows only the player and not also a still image of the last frame.

    Returns
    -------
    str
        HTML to show with ``IPython.display.HTML``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> anim = animate_svd_steps([[1, 1], [0, 1]], frames=12)
    >>> page = animation_html(anim, alt="A shear as rotate, scale, rotate")
    >>> "font-awesome" in page, 'alt="A shear as rotate, scale, rotate"' in page  # no CDN
    (False, True)
    >>> plt.fignum_exists(anim._fig.number)   # closed: no still copy in a notebook
    False
    """
    with mpl.rc_context({"animation.frame_format": "svg", "svg.fonttype": "none",
                         "svg.hashsalt": "svdcourse"}):
        page = anim.to_jshtml(default_mode=default_mode)
    if close:
        plt.close(anim._fig)  # matplotlib keeps the animation's figure in ``_fig``
    page = _FRAME.sub(lambda m: f'{m.group(1)}"{_svg_data_uri(m.group(2))}"', page)
    page = _repeat_held_frames(page)
    page = re.sub(r"<link\b[^>]*font-awesome[^>]*>", "", page)
    page = page.replace('class="anim-slider"',
                        'class="anim-slider" aria-label="Frame of the animation"', 1)
    page = re.sub(r'<i class="(fa [^"]*)"></i>',
                  lambda m: f'<span aria-hidden="true">{_PLAYER_ICONS.get(m.group(1), "?")}'
                            "</span>", page)
    page = page.replace("<img id=", f'<img alt="{_html.escape(alt)}" id=', 1)
    return page


def plot_spectrum(s: ArrayLike, ax: Axes | None = None, label: str | None = None,
                  **kwargs) -> Axes:
    """Plot singular values against their index on a log scale.

    Parameters
    ----------
    s : array_like, shape (k,)
        Singular values (non-negative), usually in descending order as numpy returns them.
        Zeros cannot be drawn on a log axis: they are left out and counted in a note.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted. Call again with the same ``ax``
        (and a ``label``) to compare several spectra.
    label : str, optional
        Legend label for this spectrum; a legend is drawn when given.
    **kwargs
        Passed on to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    Axes

    Raises
    ------
    ValueError
        If ``s`` is empty, not one-dimensional, or has negative or non-finite entries.

    Notes
    -----
    A log scale shows the relative size :math:`s_i / s_1` of every singular value, which
    is what matters for low-rank approximation and for how much noise a solve amplifies.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_spectrum([3, 2, 1])
    >>> ax.get_yscale()
    'log'
    >>> plt.close(ax.figure)
    """
    s = np.asarray(s, dtype=float)
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"plot_spectrum needs a non-empty 1-D array of singular values; "
                         f"got shape {s.shape}. Did you pass the matrix instead of s?")
    if not np.all(np.isfinite(s)):
        raise ValueError("plot_spectrum got NaN or infinite singular values.")
    if np.any(s < 0):
        raise ValueError(f"singular values are never negative; got min(s) = {s.min():g}. "
                         "Did you pass eigenvalues instead of singular values?")
    ax = _new_axes(ax, (4.5, 3.0))
    index = np.arange(1, s.size + 1)
    keep = s > 0
    style = {"marker": "o" if s.size <= 60 else None, "ms": 4, "lw": 1.2}
    style.update(kwargs)
    ax.plot(index[keep], s[keep], label=label, **style)
    ax.set_yscale("log")
    ax.set_xlabel("index $i$")
    ax.set_ylabel("singular value $s_i$")
    zeros = int((~keep).sum())
    if zeros:
        ax.text(0.98, 0.97, f"{zeros} zero singular value{'s' * (zeros > 1)} not shown",
                transform=ax.transAxes, ha="right", va="top", fontsize=12)
    if label is not None:
        ax.legend()
    return ax
