"""One way to turn an ``rng`` argument into a numpy Generator, for every seeded function."""

from __future__ import annotations

from numbers import Integral

import numpy as np


def as_generator(rng, purpose: str = "reproducible results") -> np.random.Generator:
    """Normalise ``rng`` (None, an int seed, a SeedSequence or a Generator) to a Generator.

    A Generator is returned as it is, so the caller's stream advances; anything else goes
    through :func:`numpy.random.default_rng`.

    Raises
    ------
    TypeError
        For anything else (a float, a bool, a legacy ``RandomState``), with a hint.

    Examples
    --------
    >>> bool(as_generator(0).integers(10) == as_generator(0).integers(10))
    True
    >>> generator = np.random.default_rng(1)
    >>> as_generator(generator) is generator
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or not (
        rng is None or isinstance(rng, (Integral, np.random.SeedSequence))
    ):
        raise TypeError(
            f"rng must be None, an int seed or a numpy Generator; got {type(rng).__name__} "
            f"{rng!r}. Pass a seed such as rng=0 for {purpose}."
        )
    return np.random.default_rng(rng)
