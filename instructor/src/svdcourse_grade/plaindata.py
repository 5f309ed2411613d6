"""Plain data across the sandbox boundary: encode and decode without pickle.

What crosses between the trusted grader and the sandboxed student process is limited to
``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes``, ``list``,
``tuple``, ``dict``, ``set``, ``frozenset``, numpy scalars and numpy arrays of a numeric,
boolean or text dtype (sent as dtype, shape and raw bytes). Set members and dict keys are
strings, bytes, ``None``, booleans, floats and integers below 2**61 in size, at most
:data:`MAX_KEYS` in one message (hashes that cannot be made to collide en masse: a forged
set of colliding keys would take the grader hours to build). Anything else is refused with :class:`NotPlainData`. A message is a JSON header followed by the arrays' bytes; decoding
checks its size, nesting depth, element count and every dtype, so a hostile message can at
worst be refused, never run code.

This module is also loaded inside the sandbox (it needs only the standard library and
numpy), so both sides read and write the same format.

Examples
--------
>>> import numpy as np
>>> value = {"s": np.array([3.0, 1.0]), "k": (1, "two", None), 3: 2 + 1j}
>>> back = decode(encode(value))
>>> back["k"], back[3], back["s"].dtype, back["s"].tolist()
((1, 'two', None), (2+1j), dtype('float64'), [3.0, 1.0])
>>> encode({(1, 2): 3})
Traceback (most recent call last):
...
svdcourse_grade.plaindata.NotPlainData: a set member or dict key of type tuple
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np

__all__ = ["encode", "decode", "NotPlainData", "MAX_BYTES", "MAX_DEPTH", "MAX_ITEMS",
           "MAX_KEYS"]

#: largest message, in bytes, either side accepts
MAX_BYTES = 64 * 1024 * 1024
#: deepest nesting of containers
MAX_DEPTH = 64
#: most containers items and arrays in one message
MAX_ITEMS = 1_000_000
#: most set members and dict keys in one message
MAX_KEYS = 100_000
#: dtype kinds that may cross: bool, signed and unsigned integers, floats, complex, text
ARRAY_KINDS = frozenset("biufcU")

_HEAD = struct.Struct("<QQ")  # header length, number of buffers
# bound now: student code that later replaces json.dumps or json.loads in the sandbox does
# not break the channel its own answers travel through
_dumps = json.JSONEncoder(separators=(",", ":")).encode
_loads = json.JSONDecoder().decode


class NotPlainData(TypeError):
    """A value that cannot cross the sandbox boundary (not plain data, too big, too deep)."""


_HASH_MODULUS = 2**61 - 1  # ints below it in size hash to themselves (sys.hash_info.modulus)


def _key(value, count: list):
    """``value`` when it may be a set member or a dict key, else :class:`NotPlainData`."""
    count[1] += 1
    if count[1] > MAX_KEYS:
        raise NotPlainData(f"more than {MAX_KEYS} set members and dict keys")
    plain = value.item() if isinstance(value, np.generic) and value.dtype.kind in "biufU" \
        else value
    if plain is None or type(plain) in (str, bytes, bool, float) or (
            type(plain) is int and abs(plain) < _HASH_MODULUS):
        return value
    raise NotPlainData(f"a set member or dict key of type {type(value).__name__}")


def _tree(value, buffers: list, depth: int, count: list):
    count[0] += 1
    if count[0] > MAX_ITEMS:
        raise NotPlainData(f"more than {MAX_ITEMS} items")
    if depth > MAX_DEPTH:
        raise NotPlainData(f"nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and type(value) in (int, bool):
        return value if abs(value) < 2**63 else {"I": str(value)}
    if type(value) is float:
        return value if math.isfinite(value) else {"F": repr(value)}
    if type(value) is complex:
        return {"C": [repr(value.real), repr(value.imag)]}
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        if array.dtype.kind not in ARRAY_KINDS or array.dtype.hasobject:
            raise NotPlainData(f"an array of dtype {array.dtype} (not numbers or text)")
        buffers.append(array.tobytes())
        return {"A": [array.dtype.str, list(array.shape), len(buffers) - 1]}
    if isinstance(value, np.generic):
        if value.dtype.kind not in ARRAY_KINDS:
            raise NotPlainData(f"a numpy scalar of dtype {value.dtype}")
        buffers.append(np.asarray(value).tobytes())
        return {"S": [value.dtype.str, len(buffers) - 1]}
    if type(value) is bytes:
        buffers.append(bytes(value))
        return {"B": len(buffers) - 1}
    if type(value) is list:
        return [_tree(v, buffers, depth + 1, count) for v in value]
    if type(value) is tuple:
        return {"T": [_tree(v, buffers, depth + 1, count) for v in value]}
    if type(value) in (set, frozenset):
        tag = "Z" if type(value) is frozenset else "E"
        return {tag: [_tree(_key(v, count), buffers, depth + 1, count) for v in value]}
    if type(value) is dict:
        return {"D": [[_tree(_key(k, count), buffers, depth + 1, count),
                       _tree(v, buffers, depth + 1, count)] for k, v in value.items()]}
    raise NotPlainData(f"an object of type {type(value).__name__} (not plain data)")


def encode(value) -> bytes:
    """``value`` as one message (header and buffers); raises :class:`NotPlainData`."""
    buffers: list[bytes] = []
    try:
        header = _dumps(_tree(value, buffers, 0, [0, 0])).encode()
    except RecursionError:
        raise NotPlainData("nested too deeply") from None
    sizes = struct.pack(f"<{len(buffers)}Q", *map(len, buffers))
    total = _HEAD.size + len(header) + len(sizes) + sum(map(len, buffers))
    if total > MAX_BYTES:
        raise NotPlainData(f"{total} bytes (more than {MAX_BYTES // 2**20} MiB)")
    return b"".join([_HEAD.pack(len(header), len(buffers)), header, sizes, *buffers])


def _value(node, buffers: list[memoryview], depth: int, count: list):
    count[0] += 1
    if count[0] > MAX_ITEMS or depth > MAX_DEPTH:
        raise NotPlainData("message too large or too deep")
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, list):
        return [_value(v, buffers, depth + 1, count) for v in node]
    if not isinstance(node, dict) or len(node) != 1:
        raise NotPlainData("malformed message")
    (tag, body), = node.items()
    if tag == "I":
        return int(body)
    if tag == "F":
        if body not in ("nan", "inf", "-inf"):
            raise NotPlainData("malformed float")
        return float(body)
    if tag == "C":
        return complex(float(body[0]), float(body[1]))
    if tag in ("A", "S"):
        dtype = np.dtype(str(body[0]))
        if dtype.kind not in ARRAY_KINDS or dtype.hasobject:
            raise NotPlainData(f"dtype {dtype} refused")
        data = buffers[int(body[-1])]
        if tag == "S":
            return np.frombuffer(data, dtype=dtype, count=1)[0]
        shape = tuple(int(n) for n in body[1])
        if any(n < 0 for n in shape) or len(shape) > 32:
            raise NotPlainData("malformed shape")
        if math.prod(shape) * dtype.itemsize != len(data):
            raise NotPlainData("array size does not match its shape")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
    if tag == "B":
        return bytes(buffers[int(body)])
    items = body if isinstance(body, list) else []
    if tag == "T":
        return tuple(_value(v, buffers, depth + 1, count) for v in items)
    if tag in ("E", "Z"):
        made = {_key(_value(v, buffers, depth + 1, count), count) for v in items}
        return made if tag == "E" else frozenset(made)
    if tag == "D":
        return {_key(_value(k, buffers, depth + 1, count), count): _value(v, buffers, depth + 1, count)
                for k, v in items}
    raise NotPlainData(f"unknown tag {tag!r}")


def decode(message: bytes):
    """The value of one message; raises :class:`NotPlainData` for anything malformed."""
    try:
        if len(message) > MAX_BYTES or len(message) < _HEAD.size:
            raise NotPlainData("message of the wrong size")
        header_size, n_buffers = _HEAD.unpack_from(message)
        if n_buffers > MAX_ITEMS:
            raise NotPlainData("too many buffers")
        start = _HEAD.size + header_size
        sizes = struct.unpack_from(f"<{n_buffers}Q", message, start)
        position = start + 8 * n_buffers
        view, buffers = memoryview(message), []
        for size in sizes:
            buffers.append(view[position:position + size])
            position += size
        if position != len(message):
            raise NotPlainData("message length does not add up")
        return _value(_loads(bytes(view[_HEAD.size:start]).decode()), buffers, 0, [0, 0])
    except NotPlainData:
        raise
    except (ValueError, TypeError, KeyError, IndexError, struct.error, RecursionError,
            OverflowError) as err:
        raise NotPlainData(f"malformed message ({type(err).__name__})") from None
