"""The package as a whole: version and public surface."""

import re

import svdcourse


def test_version_is_a_release_number():
    assert re.fullmatch(r"\d+\.\d+\.\d+", svdcourse.__version__)
