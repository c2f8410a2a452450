"""Scenarios: the student-side half of every check.

A scenario is ``scenario(ns, seed) -> plain data``: it takes a namespace (a student's
notebook globals, or the reference implementations), builds inputs from ``seed``, calls
the functions under test through :func:`common.call`, and returns what happened. It runs
in the submission's process, and again in the grader's on the reference (and on known
wrong variants) to get the expected answer, so its inputs are identical on both sides.

One module per chapter (``ch01`` ... ``ch12``), each with a ``SCENARIOS`` dict. This
package must stay importable without the reference implementations.
"""
from __future__ import annotations

import importlib
import importlib.util
from types import MappingProxyType

from ...course import CHAPTERS


def _collect() -> dict:
    found = {}
    for chapter in CHAPTERS:
        name = f"{__name__}.ch{chapter.id}"
        if importlib.util.find_spec(name) is None:
            continue
        for key, fn in importlib.import_module(name).SCENARIOS.items():
            if key in found:
                raise ValueError(f"scenario {key!r} is defined twice")
            found[key] = fn
    return found


SCENARIOS = MappingProxyType(_collect())

__all__ = ["SCENARIOS"]
