"""svdcourse.slider: a self-contained, keyboard-operable image slider."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from svdcourse.slider import encode_image, image_slider


class Elements(HTMLParser):
    """Collect every start tag with its attributes, and the text of scripts."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def frames(n, shape=(8, 12)):
    rng = np.random.default_rng(n)
    return [rng.random(shape) for _ in range(n)]


@pytest.mark.parametrize("n", [1, 3, 10])
def test_one_image_per_frame_and_a_range_over_them(n):
    labels = [f"rank {k}" for k in range(n)]
    doc = parse(image_slider(frames(n), labels, slider_label="Rank"))
    imgs = doc.all("img")
    assert len(imgs) == n
    assert [img["data-label"] for img in imgs] == labels
    (slider,) = doc.all("input")
    assert slider["type"] == "range"
    assert (slider["min"], slider["max"], slider["step"]) == ("0", str(n - 1), "1")


def test_only_the_start_frame_is_visible_before_the_script_runs():
    doc = parse(image_slider(frames(4), list("abcd"), start=2))
    visible = ["display:none" not in img["style"] for img in doc.all("img")]
    assert visible == [False, False, True, False]
    (slider,) = doc.all("input")
    assert slider["value"] == "2"
    assert slider["aria-valuetext"] == "c"


def test_accessibility_attributes():
    doc = parse(image_slider(frames(2), ["rank 1", "rank 2"], alts=["photo, rank 1", "photo, rank 2"],
                             slider_label="Rank"))
    (slider,) = doc.all("input")
    (label,) = doc.all("label")
    assert label["for"] == slider["id"]
    assert slider["aria-label"] == "Rank"
    assert slider["aria-valuetext"] == "rank 1"
    assert [img["alt"] for img in doc.all("img")] == ["photo, rank 1", "photo, rank 2"]
    (caption,) = doc.all("figcaption")
    assert caption["aria-live"] == "polite"
    assert slider["aria-describedby"] == caption["id"]


def test_alt_text_defaults_to_the_labels_and_is_escaped():
    page = image_slider(frames(1), ['a "quoted" <label> & more'])
    doc = parse(page)
    assert doc.all("img")[0]["alt"] == 'a "quoted" <label> & more'
    assert "<label> &" not in page


def test_ids_are_unique_within_and_across_calls():
    same = frames(3)
    pages = [image_slider(same, ["a", "b", "c"]) for _ in range(2)]
    ids = [attrs["id"] for page in pages for _, attrs in parse(page).tags if "id" in attrs]
    assert len(ids) == len(set(ids))
    # the script addresses its own slider only
    for page in pages:
        root_id = parse(page).all("div")[0]["id"]
        assert f'getElementById("{root_id}")' in parse(page).scripts[0]


def test_nothing_is_loaded_from_the_network():
    page = image_slider(frames(3), ["a", "b", "c"])
    doc = parse(page)
    assert all(img["src"].startswith("data:image/png;base64,") for img in doc.all("img"))
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", page)
    assert all("src" not in attrs for attrs in doc.all("script"))


def test_frames_decode_to_the_images_given():
    img = np.linspace(0.0, 1.0, 6 * 9).reshape(6, 9)
    doc = parse(image_slider([img], ["only"]))
    data = base64.b64decode(doc.all("img")[0]["src"].split(",", 1)[1])
    decoded = np.asarray(Image.open(io.BytesIO(data)))
    np.testing.assert_array_equal(decoded, np.rint(255 * img).astype(np.uint8))
    attrs = doc.all("img")[0]
    assert (attrs["width"], attrs["height"]) == ("9", "6")


def test_jpeg_frames_and_encoded_bytes():
    rgb = np.random.default_rng(0).random((10, 20, 3))
    jpeg = encode_image(rgb, "jpeg", quality=70)
    assert jpeg[:3] == b"\xff\xd8\xff"
    doc = parse(image_slider([jpeg, rgb], ["bytes", "array"], fmt="jpeg", display_width=40))
    imgs = doc.all("img")
    assert all(img["src"].startswith("data:image/jpeg;base64,") for img in imgs)
    assert [(img["width"], img["height"]) for img in imgs] == [("40", "20"), ("40", "20")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"frames": [], "labels": []}, "at least one frame"),
        ({"frames": frames(2), "labels": ["a"]}, "one label"),
        ({"frames": frames(2), "labels": ["a", "b"], "alts": ["x"]}, "alt"),
        ({"frames": frames(2), "labels": ["a", "b"], "start": 2}, "start"),
        ({"frames": [b"GIF89a"], "labels": ["a"]}, "PNG or JPEG"),
        ({"frames": [np.ones((2, 2, 4))], "labels": ["a"]}, "shape"),
        ({"frames": frames(1), "labels": ["a"], "fmt": "gif"}, "fmt"),
    ],
)
def test_bad_input_is_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        image_slider(**kwargs)
