"""Judges: the grader-side specs of every graded function, by chapter.

One module per chapter (``ch01`` ... ``ch12``), each with a ``FUNCTIONS`` dict mapping an
API name to its :class:`base.FunctionSpec`, in notebook order. ``CHAPTERS`` maps a
chapter id to the names it grades; ``FUNCTIONS`` merges them all.
"""
from __future__ import annotations

import importlib
import importlib.util
from types import MappingProxyType

from ...course import CHAPTERS as _COURSE


def _modules() -> dict:
    out = {}
    for chapter in _COURSE:
        name = f"{__name__}.ch{chapter.id}"
        if importlib.util.find_spec(name) is not None:
            out[chapter.id] = importlib.import_module(name)
    return out


_MODULES = _modules()

CHAPTERS = MappingProxyType({cid: tuple(m.FUNCTIONS) for cid, m in _MODULES.items()})
FUNCTIONS = MappingProxyType({n: spec for m in _MODULES.values() for n, spec in m.FUNCTIONS.items()})

__all__ = ["CHAPTERS", "FUNCTIONS"]
