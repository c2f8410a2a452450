"""The cell kinds of a course notebook, as small immutable values.

A chapter's notebook is written as a list of these (see ``chapters/``); :mod:`notebook`
turns them into an nbgrader source notebook with the right metadata.

=================  ==========================================================  =============
kind               what the student sees                                       nbgrader role
=================  ==========================================================  =============
``md``             instructions, maths                                         read-only
``setup``          imports and given helpers                                   read-only
``provided``       an earlier chapter's reference function, given as code      read-only
``solution``       the stub: signature, docstring, ``raise NotImplementedError``  answer cell
``visible_test``   checks the student can run and read                         read-only
``hidden_test``    a comment; the checks run only when graded                  graded (points)
``experiment``     code to run and play with (plots, training curves)          free
=================  ==========================================================  =============
"""
from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent


@dataclass(frozen=True)
class Cell:
    kind: str
    source: str = ""
    name: str = ""  # API name for solution/provided/hidden_test cells


def md(text: str) -> Cell:
    return Cell("md", dedent(text).strip())


def setup(code: str) -> Cell:
    return Cell("setup", dedent(code).strip())


def provided(*names: str) -> list[Cell]:
    return [Cell("provided", name=n) for n in names]


def solution(name: str) -> Cell:
    return Cell("solution", name=name)


def visible_test(code: str) -> Cell:
    return Cell("visible_test", dedent(code).strip())


def hidden_test(name: str) -> Cell:
    return Cell("hidden_test", name=name)


def experiment(code: str) -> Cell:
    return Cell("experiment", dedent(code).strip())
