"""A kernel-free image slider for the static website.

:func:`image_slider` turns a handful of precomputed images into one self-contained
block of HTML: the images embedded as base64 ``data:`` URIs, a native
``<input type="range">`` to choose one, a caption naming the one on show, and a few
lines of inline JavaScript that swap them. It needs no running kernel, no widget
library and nothing from the network, so it works on the published website, offline,
and in a notebook alike (display the string with :class:`IPython.display.HTML`).

A range input is operable by keyboard out of the box: Tab to it, then the arrow keys,
Home and End move between frames. Screen readers announce the caption of the current
frame through ``aria-valuetext``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from svdcourse.images import to_uint8

__all__ = ["encode_image", "image_slider"]

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_COUNTER = itertools.count()


def encode_image(img: ArrayLike, fmt: str = "png", *, quality: int = 85) -> bytes:
    """Encode an image array as PNG or JPEG bytes.

    Parameters
    ----------
    img : array_like, shape (m, n) or (m, n, 3)
        A grayscale or RGB image: floats in ``[0, 1]`` (values outside are clipped) or
        uint8 pixels.
    fmt : {"png", "jpeg"}, default "png"
        PNG is lossless, so it shows an approximation exactly as computed; JPEG is
        several times smaller for photographs.
    quality : int, default 85
        JPEG quality from 1 to 95; ignored for PNG.

    Returns
    -------
    bytes
        The encoded file.

    Raises
    ------
    ValueError
        If the array has the wrong shape or ``fmt`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> data = encode_image(np.linspace(0, 1, 12).reshape(3, 4))
    >>> data[:4]
    b'\\x89PNG'
    """
    from PIL import Image  # Pillow comes with matplotlib, a dependency of this package

    fmt = fmt.lower()
    if fmt == "jpg":
        fmt = "jpeg"
    if fmt not in ("png", "jpeg"):
        raise ValueError(f"fmt must be 'png' or 'jpeg'; got {fmt!r}.")
    arr = np.asarray(img)
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[-1] == 3)) or 0 in arr.shape:
        raise ValueError(
            f"expected a non-empty (m, n) grayscale or (m, n, 3) RGB image; got shape {arr.shape}."
        )
    pixels = arr if arr.dtype == np.uint8 else to_uint8(arr)
    buffer = io.BytesIO()
    options = {"quality": int(quality)} if fmt == "jpeg" else {"optimize": True}
    Image.fromarray(pixels).save(buffer, format=fmt.upper(), **options)
    return buffer.getvalue()


def _as_data_uri(frame, fmt: str, quality: int) -> tuple[str, int, int]:
    """A frame (array or encoded bytes) as a data URI, with its width and height in pixels."""
    from PIL import Image

    if isinstance(frame, (bytes, bytearray, memoryview)):
        data = bytes(frame)
        if data.startswith(_PNG_MAGIC):
            mime = "image/png"
        elif data.startswith(_JPEG_MAGIC):
            mime = "image/jpeg"
        else:
            raise ValueError("a frame given as bytes must be a PNG or JPEG file.")
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
    else:
        arr = np.asarray(frame)
        data = encode_image(arr, fmt, quality=quality)
        mime = "image/png" if fmt.lower() == "png" else "image/jpeg"
        height, width = arr.shape[:2]
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", width, height


def image_slider(
    frames: Sequence,
    labels: Sequence[str],
    *,
    alts: Sequence[str] | None = None,
    slider_label: str = "Frame",
    start: int = 0,
    fmt: str = "png",
    quality: int = 85,
    display_width: int | None = None,
) -> str:
    """HTML for a slider that steps through precomputed images, with no kernel.

    Parameters
    ----------
    frames : sequence of array_like or bytes
        The images, in slider order: ``(m, n)`` grayscale or ``(m, n, 3)`` RGB arrays
        (floats in ``[0, 1]`` or uint8), or PNG/JPEG files as bytes. Keep them small
        (a couple of hundred pixels wide): every frame is embedded in the page.
    labels : sequence of str
        One short caption per frame, shown under the image and announced to screen
        readers as the slider's value, e.g. ``"rank 5: relative error 12%"``.
    alts : sequence of str, optional
        Alternative text for each image; defaults to ``labels``.
    slider_label : str, default "Frame"
        The visible label of the range input (what the slider chooses, e.g. "Rank").
    start : int, default 0
        Index of the frame shown first.
    fmt : {"png", "jpeg"}, default "png"
        How array frames are encoded (bytes frames are embedded as they are).
    quality : int, default 85
        JPEG quality for array frames.
    display_width : int, optional
        Width in CSS pixels at which to draw the frames (height follows); by default
        their own width. They never overflow the page.

    Returns
    -------
    str
        A self-contained ``<div>``: the images as base64 ``data:`` URIs, a labelled
        ``<input type="range">`` from 0 to ``len(frames) - 1``, a live caption and a
        small inline script. Element ids are unique per call, so several sliders can
        share a page.

    Raises
    ------
    ValueError
        If there are no frames, the numbers of frames, labels and alt texts differ, or
        ``start`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> frames = [np.full((4, 6), level) for level in (0.0, 0.5, 1.0)]
    >>> page = image_slider(frames, ["dark", "mid", "light"], slider_label="Level")
    >>> page.count("<img "), 'max="2"' in page, 'src="http' in page
    (3, True, False)
    """
    frames = list(frames)
    labels = [str(label) for label in labels]
    alts = labels if alts is None else [str(alt) for alt in alts]
    if not frames:
        raise ValueError("image_slider needs at least one frame.")
    if len(labels) != len(frames) or len(alts) != len(frames):
        raise ValueError(
            f"got {len(frames)} frames, {len(labels)} labels and {len(alts)} alt texts; "
            "give one label (and one alt text) per frame."
        )
    if not 0 <= start < len(frames):
        raise ValueError(f"start must index a frame (0 to {len(frames) - 1}); got {start}.")

    encoded = [_as_data_uri(frame, fmt, quality) for frame in frames]
    digest = hashlib.sha1("".join(uri for uri, _, _ in encoded).encode()).hexdigest()[:8]
    uid = f"svd-slider-{next(_COUNTER)}-{digest}"
    esc = html.escape

    images = []
    for i, ((uri, width, height), label, alt) in enumerate(zip(encoded, labels, alts)):
        shown_width = display_width or width
        shown_height = round(height * shown_width / width)
        hidden = "" if i == start else "display:none;"
        images.append(
            f'<img id="{uid}-frame-{i}" src="{uri}" alt="{esc(alt)}" data-label="{esc(label)}" '
            f'width="{shown_width}" height="{shown_height}" '
            f'style="{hidden}max-width:100%;height:auto;">'
        )
    last = len(frames) - 1
    return f"""<div class="svd-slider" id="{uid}">
<figure style="margin:0 0 0.5em 0;text-align:center;">
{chr(10).join(images)}
<figcaption id="{uid}-caption" aria-live="polite">{esc(labels[start])}</figcaption>
</figure>
<div style="display:flex;flex-wrap:wrap;gap:0.5em;align-items:center;justify-content:center;">
<label for="{uid}-range">{esc(slider_label)}</label>
<input type="range" id="{uid}-range" min="0" max="{last}" step="1" value="{start}"
 aria-label="{esc(slider_label)}" aria-valuetext="{esc(labels[start])}"
 aria-describedby="{uid}-caption" style="width:min(100%, 24em);">
</div>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  var range = document.getElementById("{uid}-range");
  var caption = document.getElementById("{uid}-caption");
  var frames = root.getElementsByTagName("img");
  function show(index) {{
    for (var j = 0; j < frames.length; j++) {{
      frames[j].style.display = (j === index) ? "" : "none";
    }}
    var label = frames[index].getAttribute("data-label");
    caption.textContent = label;
    range.setAttribute("aria-valuetext", label);
  }}
  range.addEventListener("input", function () {{ show(Number(range.value)); }});
  show(Number(range.value));
}})();
</script>
</div>"""
