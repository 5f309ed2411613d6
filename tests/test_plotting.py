"""svdcourse.plotting: the pictures show the right points, and importing changes nothing."""

import os
import re
import subprocess
import sys
from io import BytesIO
from urllib.parse import unquote
from xml.etree import ElementTree

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import AbstractMovieWriter, FuncAnimation  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from svdcourse import plotting  # noqa: E402
from svdcourse.plotting import (  # noqa: E402
    COURSE_RC,
    OKABE_ITO,
    animate_svd_steps,
    animation_html,
    course_style,
    plot_before_after,
    plot_image_ellipse,
    plot_plane_image,
    plot_spectrum,
    plot_unit_circle_steps,
    use_course_style,
)

RNG = np.random.default_rng(20240601)

# 2 x 2 matrices of every kind: det > 0, det < 0 (a reflection is unavoidable), a shear,
# a rotation, a reflection, rank one, repeated singular values, and random ones.
SQUARE = {
    "shear": np.array([[1.0, 1.0], [0.0, 1.0]]),
    "det_negative": np.array([[0.0, 1.0], [1.0, 0.5]]),
    "rotation": np.array([[0.6, -0.8], [0.8, 0.6]]),
    "reflection": np.array([[1.0, 0.0], [0.0, -1.0]]),
    "rank_one": np.array([[1.0, 2.0], [2.0, 4.0]]),
    "scaled_identity": 2.0 * np.eye(2),
    "chapter_example": np.array([[2.0, 1.5], [-0.5, 1.0]]),
    **{f"random_{k}": RNG.standard_normal((2, 2)) for k in range(4)},
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line_data(ax, gid):
    """The (2, N) data of the one line with this gid in ``ax``."""
    lines = [line for line in ax.lines if line.get_gid() == gid]
    assert len(lines) == 1, f"expected one line with gid {gid!r}, found {len(lines)}"
    return np.asarray(lines[0].get_xydata(), dtype=float).T


def arrow_tip(ax, gid):
    arrows = [t for t in ax.texts if t.get_gid() == gid]
    assert len(arrows) == 1, f"expected one arrow with gid {gid!r}, found {len(arrows)}"
    return np.asarray(arrows[0].xy, dtype=float)


# --------------------------------------------------------------------------- no side effects


def test_importing_changes_no_rcparams_and_no_backend():
    code = (
        "import matplotlib as mpl\n"
        "before = {k: v for k, v in mpl.rcParams.items() if k != 'backend'}\n"
        "backend = mpl.rcParams._get('backend')\n"
        "import svdcourse, svdcourse.plotting\n"
        "after = {k: v for k, v in mpl.rcParams.items() if k != 'backend'}\n"
        "changed = sorted(k for k in before if before[k] != after[k])\n"
        "assert not changed, changed\n"
        "assert mpl.rcParams._get('backend') == backend\n"
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env)
    assert result.returncode == 0, result.stderr


def test_course_style_is_opt_in_and_restored():
    before = matplotlib.rcParams["figure.facecolor"]
    with course_style():
        assert matplotlib.rcParams["figure.facecolor"] == "white"
        assert matplotlib.rcParams["savefig.transparent"] is False
    assert matplotlib.rcParams["figure.facecolor"] == before


def test_use_course_style_gives_opaque_figures():
    with matplotlib.rc_context():
        matplotlib.rcParams["figure.facecolor"] = (1, 1, 1, 0)  # what a dark page would show
        use_course_style()
        ax = plot_spectrum([3.0, 2.0, 1.0])
        buffer = BytesIO()
        ax.figure.savefig(buffer, format="png")
    buffer.seek(0)
    image = plt.imread(buffer)
    assert image.shape[-1] == 4
    np.testing.assert_array_equal(image[..., 3], 1.0)  # every pixel fully opaque


def test_palette_is_okabe_ito_and_used_by_the_style():
    assert len(OKABE_ITO) == 8
    assert OKABE_ITO["vermillion"] == "#D55E00"
    cycle = COURSE_RC["axes.prop_cycle"].by_key()["color"]
    assert set(cycle) == set(OKABE_ITO.values())


# --------------------------------------------------------------------------- unit circle steps


@pytest.mark.parametrize("name", sorted(SQUARE))
def test_circle_steps_plot_VtX_then_SVtX_then_AX(name):
    A = SQUARE[name]
    U, s, Vt = np.linalg.svd(A)
    axes = plot_unit_circle_steps(A)
    assert len(axes) == 4
    X = line_data(axes[0], "circle")
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0, atol=1e-12)
    # the circle is really drawn all the way round
    angles = np.arctan2(X[1], X[0])
    assert np.ptp(angles) > 6.0
    np.testing.assert_allclose(line_data(axes[1], "circle"), Vt @ X, atol=1e-12)
    np.testing.assert_allclose(line_data(axes[2], "circle"), (s[:, None] * Vt) @ X, atol=1e-12)
    np.testing.assert_allclose(line_data(axes[3], "circle"), A @ X, atol=1e-12)
    # the markers follow e_1 and e_2: they end on the columns of A
    for i in range(2):
        np.testing.assert_allclose(line_data(axes[0], f"e{i + 1}")[:, 0], np.eye(2)[:, i])
        np.testing.assert_allclose(line_data(axes[3], f"e{i + 1}")[:, 0], A[:, i], atol=1e-12)


@pytest.mark.parametrize("name", sorted(SQUARE))
def test_circle_steps_arrows_are_v_then_e_then_s_e_then_s_u(name):
    A = SQUARE[name]
    U, s, Vt = np.linalg.svd(A)
    axes = plot_unit_circle_steps(A)
    for i in range(2):
        np.testing.assert_allclose(arrow_tip(axes[0], f"v{i + 1}"), Vt[i], atol=1e-12)
        np.testing.assert_allclose(arrow_tip(axes[1], f"v{i + 1}"), np.eye(2)[i], atol=1e-12)
        if s[i] > 1e-12:
            np.testing.assert_allclose(arrow_tip(axes[2], f"v{i + 1}"), s[i] * np.eye(2)[i],
                                       atol=1e-12)
            np.testing.assert_allclose(arrow_tip(axes[3], f"v{i + 1}"), s[i] * U[:, i],
                                       atol=1e-12)


@pytest.mark.parametrize("name", sorted(SQUARE))
def test_circle_steps_with_rotations_is_still_an_svd(name):
    A = SQUARE[name]
    s = np.linalg.svd(A, compute_uv=False)
    axes = plot_unit_circle_steps(A, rotations=True)
    X = line_data(axes[0], "circle")
    # after the first step the markers sit on the columns of the Vt that was used
    Vt = np.column_stack([line_data(axes[1], f"e{i + 1}")[:, 0] for i in range(2)])
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(2), atol=1e-12)
    assert np.linalg.det(Vt) == pytest.approx(1.0)  # a rotation, never a reflection
    np.testing.assert_allclose(line_data(axes[1], "circle"), Vt @ X, atol=1e-12)
    np.testing.assert_allclose(line_data(axes[2], "circle"), (s[:, None] * Vt) @ X, atol=1e-12)
    np.testing.assert_allclose(line_data(axes[3], "circle"), A @ X, atol=1e-12)
    if np.linalg.det(A) > 1e-12:  # then U can be a rotation as well
        tips = np.column_stack([arrow_tip(axes[3], f"v{i + 1}") for i in range(2)])
        assert np.linalg.det(tips) > 0


def test_circle_steps_draws_into_given_axes():
    fig, axes = plt.subplots(2, 2)
    out = plot_unit_circle_steps(SQUARE["shear"], axes=axes)
    assert [ax.figure for ax in out] == [fig] * 4


# --------------------------------------------------------------------------- ellipse


@pytest.mark.parametrize("name", sorted(SQUARE))
def test_ellipse_semi_axes_have_lengths_s_and_are_perpendicular(name):
    A = SQUARE[name]
    s = np.linalg.svd(A, compute_uv=False)
    ax = plot_image_ellipse(A)
    drawn = [i for i in range(2) if any(t.get_gid() == f"axis{i + 1}" for t in ax.texts)]
    assert drawn == [i for i in range(2) if s[i] > 1e-12]  # a zero axis is not drawn
    tips = [arrow_tip(ax, f"axis{i + 1}") for i in drawn]
    np.testing.assert_allclose([np.linalg.norm(t) for t in tips], s[drawn], rtol=1e-12)
    if len(tips) == 2:
        assert abs(tips[0] @ tips[1]) < 1e-10 * max(1.0, s[0] ** 2)
    # each semi-axis is A applied to the unit input direction drawn next to it
    for i in drawn:
        np.testing.assert_allclose(A @ arrow_tip(ax, f"v{i + 1}"), arrow_tip(ax, f"axis{i + 1}"),
                                   atol=1e-12)


@pytest.mark.parametrize("name", ["shear", "det_negative", "chapter_example", "random_0"])
def test_ellipse_is_the_image_of_the_unit_circle(name):
    A = SQUARE[name]
    E = line_data(plot_image_ellipse(A), "ellipse")
    Z = np.linalg.solve(A, E)  # the points of the circle that A sent there
    np.testing.assert_allclose(np.linalg.norm(Z, axis=0), 1.0, atol=1e-10)
    # and the curve goes all the way round
    assert np.ptp(np.unwrap(np.arctan2(Z[1], Z[0]))) > 6.0
    # farthest and nearest points of the ellipse: s_1 and s_2
    s = np.linalg.svd(A, compute_uv=False)
    radii = np.linalg.norm(E, axis=0)
    assert radii.max() == pytest.approx(s[0], rel=1e-3)
    assert radii.min() == pytest.approx(s[1], rel=1e-3)


def test_ellipse_rotations_option_matches_the_steps_figure():
    A = SQUARE["chapter_example"]
    steps = plot_unit_circle_steps(A, rotations=True)
    ax = plot_image_ellipse(A, rotations=True)
    for i in range(2):
        np.testing.assert_allclose(arrow_tip(ax, f"axis{i + 1}"),
                                   arrow_tip(steps[3], f"v{i + 1}"), atol=1e-12)


def test_ellipse_of_a_wide_matrix_is_filled_by_the_sphere():
    A = RNG.standard_normal((2, 3))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    ax = plot_image_ellipse(A)
    points = [c for c in ax.collections if c.get_gid() == "sphere"][0].get_offsets()
    coords = (U.T @ np.asarray(points).T) / s[:, None]  # ellipse coordinates
    inside = np.linalg.norm(coords, axis=0)
    assert inside.max() <= 1.0 + 1e-10  # no image of a unit vector leaves the ellipse
    assert np.median(inside) < 0.95  # ... and many land strictly inside: it is filled
    tips = [arrow_tip(ax, f"axis{i + 1}") for i in range(2)]
    np.testing.assert_allclose([np.linalg.norm(t) for t in tips], s, rtol=1e-12)
    assert not any(t.get_gid() in ("v1", "v2") for t in ax.texts)  # v_i live in R^3


# --------------------------------------------------------------------------- 3-D plane


def line_data_3d(ax, gid):
    lines = [line for line in ax.lines if line.get_gid() == gid]
    assert len(lines) == 1
    return np.asarray(lines[0].get_data_3d(), dtype=float)


def test_plane_image_lies_in_the_column_space():
    A = RNG.standard_normal((3, 2))
    U, s, Vt = np.linalg.svd(A)
    ax = plot_plane_image(A)
    E = np.asarray(line_data_3d(ax, "ellipse"))
    np.testing.assert_allclose(U[:, 2] @ E, 0.0, atol=1e-12)  # never any u_3 component
    X = np.linalg.lstsq(A, E, rcond=None)[0]
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0, atol=1e-10)
    for i in range(2):
        segment = line_data_3d(ax, f"axis{i + 1}")
        assert np.linalg.norm(segment[:, 1] - segment[:, 0]) == pytest.approx(s[i])


def test_plane_image_needs_3d_axes():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="3-D axes"):
        plot_plane_image(np.ones((3, 2)), ax=ax)


# --------------------------------------------------------------------------- before / after


@pytest.mark.parametrize("basis", ["standard", "svd"])
@pytest.mark.parametrize("name", ["shear", "chapter_example", "det_negative", "random_1"])
def test_before_after_pieces_add_up_to_x_and_Ax(name, basis):
    A = SQUARE[name]
    x = np.array([1.0, -0.5]) + RNG.standard_normal(2)
    before, after = plot_before_after(A, x, basis=basis)
    np.testing.assert_allclose(line_data(before, "total")[:, 0], x, atol=1e-12)
    np.testing.assert_allclose(line_data(after, "total")[:, 0], A @ x, atol=1e-12)
    for ax, total in ((before, x), (after, A @ x)):
        pieces = [arrow_tip(ax, f"piece{i + 1}") for i in range(2)]
        np.testing.assert_allclose(pieces[0] + pieces[1], total, atol=1e-12)
    if basis == "standard":
        np.testing.assert_allclose(arrow_tip(before, "piece1"), [x[0], 0.0], atol=1e-15)
        np.testing.assert_allclose(arrow_tip(after, "piece2"), x[1] * A[:, 1], atol=1e-12)
    else:  # in the SVD bases the pieces are perpendicular before and after
        for ax in (before, after):
            p, q = (arrow_tip(ax, f"piece{i + 1}") for i in range(2))
            assert abs(p @ q) < 1e-10 * max(1.0, np.linalg.norm(p) * np.linalg.norm(q))


def test_before_after_rejects_unknown_basis():
    with pytest.raises(ValueError, match="basis"):
        plot_before_after(np.eye(2), [1, 2], basis="eigen")


# --------------------------------------------------------------------------- animation


class CaptureWriter(AbstractMovieWriter):
    """A movie writer that writes nothing and keeps the circle's data of every frame."""

    def __init__(self):
        super().__init__(fps=10)
        self.frames = []

    def setup(self, fig, outfile, dpi=None):
        super().setup(fig, outfile, dpi)

    def grab_frame(self, **savefig_kwargs):
        self.frames.append(line_data(self.fig.axes[0], "circle"))

    def finish(self):
        pass


def capture(anim, tmp_path):
    writer = CaptureWriter()
    anim.save(tmp_path / "unused.mp4", writer=writer)
    return writer.frames


@pytest.mark.parametrize("name", ["shear", "det_negative", "reflection", "rank_one",
                                  "random_2", "random_3"])
def test_animation_starts_at_the_circle_and_ends_at_A_applied_to_it(name, tmp_path):
    A = SQUARE[name]
    anim = animate_svd_steps(A, frames=36)
    assert isinstance(anim, FuncAnimation)
    frames = capture(anim, tmp_path)
    assert len(frames) == 36
    X = frames[0]
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(frames[-1], A @ X, atol=1e-12)
    # the motion is smooth: no jump between consecutive frames is large
    scale = max(1.0, np.linalg.svd(A, compute_uv=False)[0])
    jumps = [np.abs(b - a).max() for a, b in zip(frames, frames[1:])]
    assert max(jumps) < 0.6 * scale


@pytest.mark.parametrize("frames", [12, 13, 25, 40])
def test_animation_has_exactly_the_frames_asked_for(frames, tmp_path):
    A = SQUARE["random_0"]
    captured = capture(animate_svd_steps(A, frames=frames), tmp_path)
    assert len(captured) == frames
    np.testing.assert_allclose(captured[-1], A @ captured[0], atol=1e-12)


def test_animation_path_rotates_then_scales_then_rotates():
    A = SQUARE["det_negative"]
    s = np.linalg.svd(A, compute_uv=False)
    mats, titles = plotting._svd_path(A, steps=8, hold=2)
    np.testing.assert_allclose(mats[0], np.eye(2))
    np.testing.assert_allclose(mats[-1], A, atol=1e-14)
    for M, title in zip(mats, titles):
        if "rotate by $V" in title:  # step 1: rotations only
            np.testing.assert_allclose(M @ M.T, np.eye(2), atol=1e-12)
            assert np.linalg.det(M) == pytest.approx(1.0)
        if "rotate by $U" in title:  # step 3: singular values already in place
            np.testing.assert_allclose(np.linalg.svd(M, compute_uv=False), s, atol=1e-12)
    assert any("flip" in t for t in titles)  # det A < 0: the reflection is announced


def embedded_frames(page):
    """The SVG of every frame of an animation player, resolving repeated frames."""
    frames = {}
    for index, value in re.findall(r'frames\[(\d+)\] = ("[^"]*"|frames\[\d+\])', page):
        if value.startswith("frames["):
            frames[int(index)] = frames[int(value[7:-1])]
        else:
            assert value.startswith('"data:image/svg+xml,'), value[:40]
            frames[int(index)] = unquote(value[len('"data:image/svg+xml,'):-1])
    return [frames[i] for i in sorted(frames)]


def test_animation_html_plays_offline_with_every_frame_and_alt_text():
    anim = animate_svd_steps(SQUARE["shear"], frames=12)
    page = animation_html(anim, alt='The "shear" morphing')
    assert "://" not in page.replace("http://www.w3.org/", "")  # nothing from the network
    assert "fa fa-" not in page  # every icon replaced by a text symbol
    assert len(embedded_frames(page)) == 12
    assert 'alt="The &quot;shear&quot; morphing"' in page
    for control in ("Play", "Pause", "Next frame", "Previous frame"):
        assert f'aria-label="{control}"' in page
    assert re.search(r'<input[^>]*class="anim-slider"[^>]*aria-label="[^"]+"', page)
    assert not plt.get_fignums()  # the figure was closed: a notebook shows only the player


def test_animation_frames_are_small_valid_svg_drawing_the_circle_and_markers():
    """Each frame is an SVG document of a few kilobytes whose references all resolve, and
    whose circle runs through the same points as the figure's (to a tenth of a point)."""
    frames = embedded_frames(animation_html(animate_svd_steps(SQUARE["shear"], frames=12)))
    assert frames[0] != frames[-1]
    for svg in frames:
        assert len(svg) < 12_000
        root = ElementTree.fromstring(svg)
        ids = {element.get("id") for element in root.iter()}
        links = [e.get("{http://www.w3.org/1999/xlink}href") for e in root.iter()]
        assert {link[1:] for link in links if link} <= ids  # the e1, e2 markers are drawn
        circle = root.find(".//*[@id='circle']/{http://www.w3.org/2000/svg}path").get("d")
        numbers = circle.removeprefix("M ").split()
        assert len(numbers) == 2 * 121 and all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in numbers)


IMAGE_TYPES = {"image/svg+xml", "image/png", "image/jpeg"}


def test_course_style_shows_plots_as_svg_and_photographs_as_sharp_jpeg():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        with matplotlib.rc_context():
            use_course_style()
            plot = plot_spectrum([3.0, 2.0, 1.0]).figure
            photo, ax = plt.subplots(figsize=(3, 2))
            ax.imshow(RNG.random((100, 150)), cmap="gray")
            plot_data, _ = shell.display_formatter.format(plot)
            photo_data, photo_meta = shell.display_formatter.format(photo)
    finally:
        plt.close("all")
        InteractiveShell.clear_instance()
    assert set(plot_data) & IMAGE_TYPES == {"image/svg+xml"}
    assert "<text" in plot_data["image/svg+xml"]  # text stays text, in the course's sizes
    assert set(photo_data) & IMAGE_TYPES == {"image/jpeg"}
    height, width = plt.imread(BytesIO(photo_data["image/jpeg"]), format="jpeg").shape[:2]
    assert width // 2 == photo_meta["image/jpeg"]["width"]  # twice the shown size: sharp


def test_animation_needs_a_square_2x2_matrix():
    with pytest.raises(ValueError, match=r"\(3, 2\)"):
        animate_svd_steps(np.ones((3, 2)))


# --------------------------------------------------------------------------- spectrum


def test_spectrum_is_on_a_log_axis_and_leaves_out_zeros():
    ax = plot_spectrum([5.0, 2.0, 0.5, 0.0], label="A")
    assert ax.get_yscale() == "log"
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [5.0, 2.0, 0.5])
    assert any("1 zero singular value not shown" in t.get_text() for t in ax.texts)
    assert ax.get_legend() is not None


def test_spectrum_can_overlay_several():
    ax = plot_spectrum([3.0, 1.0])
    assert plot_spectrum([2.0, 0.1], ax=ax) is ax
    assert len(ax.lines) == 2


@pytest.mark.parametrize("bad, message", [
    ([3.0, -1.0], "eigenvalues"),
    (np.ones((3, 3)), "matrix"),
    ([], "non-empty"),
    ([1.0, np.nan], "NaN"),
])
def test_spectrum_rejects_what_is_not_a_spectrum(bad, message):
    with pytest.raises(ValueError, match=message):
        plot_spectrum(bad)


# --------------------------------------------------------------------------- errors and API


@pytest.mark.parametrize("func", [plot_unit_circle_steps, plot_image_ellipse])
def test_shape_errors_name_the_shape_given(func):
    with pytest.raises(ValueError, match=r"\(3,\)"):
        func(np.ones(3))


def test_public_functions_return_pictures_never_numbers(tmp_path):
    """The package must not hand out a lab answer: plot helpers return axes or animations."""
    A = SQUARE["chapter_example"]
    outputs = [
        plot_unit_circle_steps(A),
        plot_before_after(A, [1.0, 2.0], basis="svd"),
        plot_image_ellipse(A),
        plot_plane_image(np.ones((3, 2)) + np.eye(3, 2)),
        plot_spectrum([2.0, 1.0]),
        animate_svd_steps(A, frames=12),
    ]
    for out in outputs:
        items = out if isinstance(out, np.ndarray) else [out]
        for item in items:
            assert isinstance(item, (Axes, FuncAnimation)), type(item)
    capture(outputs[-1], tmp_path)  # render the animation, as a chapter would
    assert set(plotting.__all__) >= {"plot_unit_circle_steps", "plot_image_ellipse",
                                     "animate_svd_steps", "plot_spectrum", "course_style"}
    assert not any(name in plotting.__all__ for name in ("svd_steps", "ellipse_axes",
                                                          "svd_via_eig"))
