"""Plain data between a submission's process and the grader.

Whatever a student's function returns is turned into JSON-safe plain data *inside the
submission's process* (``to_plain``) and rebuilt as fresh base-class NumPy arrays and
Python scalars *in the grader's process* (``from_plain``). Nothing is ever unpickled, so
array subclasses, objects with a custom ``__eq__`` or lying ``shape`` attributes cannot
survive the trip: the grader only ever compares numbers it decoded itself.

``from_plain`` is strict: an unknown tag, a dtype outside the allow-list or a byte count
that does not match the announced shape raises ``TransportError``.
"""
from __future__ import annotations

import base64
import math

import numpy as np

__all__ = ["TransportError", "to_plain", "from_plain", "roundtrip"]

# dtypes that may cross the boundary (little-endian, fixed size, no objects)
_ALLOWED = {"<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"}
MAX_ELEMENTS = 5_000_000
MAX_DEPTH = 20


class TransportError(ValueError):
    """Malformed plain data: the submission's process sent something it should not."""


def _array_to_plain(a) -> dict:
    base = np.array(a, copy=True, subok=False)  # drops subclasses, owns its data
    if base.dtype.kind not in "fiub":
        return {"__object__": f"array of dtype {base.dtype}"}
    base = np.ascontiguousarray(base.astype(base.dtype.newbyteorder("<")))
    if base.size > MAX_ELEMENTS:
        return {"__object__": f"array with {base.size} elements (too large to check)"}
    return {
        "__nd__": base.dtype.str,
        "shape": list(base.shape),
        "data": base64.b64encode(base.tobytes()).decode("ascii"),
    }


def to_plain(obj, _depth: int = 0):
    """Encode ``obj`` as JSON-safe plain data (runs in the submission's process)."""
    if _depth > MAX_DEPTH:
        return {"__object__": "nested too deeply"}
    if obj is None or isinstance(obj, (bool, str)):
        return obj if not isinstance(obj, str) else str(obj)[:10_000]
    if isinstance(obj, np.ndarray):
        return _array_to_plain(obj)
    if isinstance(obj, Opaque):  # already decoded once (a recorded call): keep its description
        return {"__object__": obj.description}
    if isinstance(obj, np.generic):
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.integer):
            return {"__int__": str(int(obj))}
        if isinstance(obj, np.floating):
            return {"__float__": repr(float(obj))}
        return {"__object__": type(obj).__name__}
    if isinstance(obj, int):
        return {"__int__": str(int(obj))}
    if isinstance(obj, float):
        return {"__float__": repr(float(obj))}
    if isinstance(obj, (list, tuple)):
        items = [to_plain(v, _depth + 1) for v in list(obj)[:100_000]]
        return {"__tuple__": items} if isinstance(obj, tuple) else {"__list__": items}
    if isinstance(obj, dict):
        out = {}
        for k, v in list(obj.items())[:10_000]:
            out[str(k)] = to_plain(v, _depth + 1)
        return {"__dict__": out}
    return {"__object__": type(obj).__name__}


class Opaque:
    """Stand-in for a value that could not be transported (a generator, a custom class)."""

    __slots__ = ("description",)

    def __init__(self, description: str):
        self.description = str(description)

    def __repr__(self) -> str:
        return f"<{self.description}>"

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.description == self.description

    __hash__ = None


def _decode_array(node: dict) -> np.ndarray:
    dtype = node.get("__nd__")
    shape = node.get("shape")
    data = node.get("data")
    if dtype not in _ALLOWED or not isinstance(shape, list) or not isinstance(data, str):
        raise TransportError(f"bad array header (dtype {dtype!r})")
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape):
        raise TransportError("bad array shape")
    n = math.prod(shape)
    if n > MAX_ELEMENTS:
        raise TransportError("array too large")
    raw = base64.b64decode(data.encode("ascii"), validate=True)
    dt = np.dtype(dtype)
    if len(raw) != n * dt.itemsize:
        raise TransportError("array byte count does not match its shape")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def from_plain(node, _depth: int = 0):
    """Decode plain data into base-class arrays and Python scalars (grader's process)."""
    if _depth > MAX_DEPTH + 2:
        raise TransportError("nested too deeply")
    if node is None or isinstance(node, (bool, str)):
        return node
    if isinstance(node, dict):
        if len(node) == 3 and "__nd__" in node:
            return _decode_array(node)
        if len(node) == 1:
            (tag, value), = node.items()
            if tag == "__int__" and isinstance(value, str):
                return int(value)
            if tag == "__float__" and isinstance(value, str):
                return float(value)
            if tag == "__tuple__" and isinstance(value, list):
                return tuple(from_plain(v, _depth + 1) for v in value)
            if tag == "__list__" and isinstance(value, list):
                return [from_plain(v, _depth + 1) for v in value]
            if tag == "__dict__" and isinstance(value, dict):
                return {str(k): from_plain(v, _depth + 1) for k, v in value.items()}
            if tag == "__object__" and isinstance(value, str):
                return Opaque(value)
        raise TransportError(f"unknown plain-data node with keys {sorted(node)[:3]}")
    raise TransportError(f"unexpected JSON value of type {type(node).__name__}")


def roundtrip(obj):
    """``from_plain(to_plain(obj))``: what the grader would see of ``obj``."""
    return from_plain(to_plain(obj))
