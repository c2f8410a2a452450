"""The grader-side half of every check: specs, the mistake catalogue, and the verdict.

A graded function is described by a :class:`FunctionSpec`: its points and a list of
:class:`Check` s, each naming a scenario (run in the student's process) and a comparator
(run here). The expected answer of a check is the same scenario run on the reference
implementations. When a value check fails, the scenario is run once more for each
:class:`Mistake` of the function (the reference namespace with one known-wrong variant
swapped in); if the student's results match a variant, the message names the mistake.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Callable, Mapping

from ..compare import SameCalls, failure
from ..model import CheckResult, FunctionReport
from ..runner import run_scenario
from ..transport import from_plain


@dataclass(frozen=True)
class Check:
    """One thing checked about a function.

    Attributes
    ----------
    name : str
        What is checked, as the student reads it ("matches the reference on random inputs").
    scenario : str
        Name of the scenario whose plain data is compared.
    compare : callable
        ``compare(actual, expected) -> (passed, message)``.
    weight : float
        Share of the function's points.
    diagnose : bool
        On failure, look for a known mistake that explains the results.
    """

    name: str
    scenario: str
    compare: Callable[[Any, Any], tuple[bool, str]]
    weight: float = 1.0
    diagnose: bool = True


@dataclass(frozen=True)
class Mistake:
    """A common wrong implementation and the sentence that names it."""

    message: str
    overrides: Mapping[str, Callable]


@dataclass(frozen=True)
class FunctionSpec:
    """Points, checks and known mistakes of one graded function (or class)."""

    points: float
    checks: tuple[Check, ...]
    mistakes: tuple[Mistake, ...] = field(default_factory=tuple)

    @property
    def scenarios(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.scenario for c in self.checks))


@lru_cache(maxsize=1)
def reference_namespace() -> Mapping[str, Any]:
    """Every public name of ``autograder.reference``, read-only."""
    ref = importlib.import_module("autograder.reference")
    names = getattr(ref, "__all__", [n for n in vars(ref) if not n.startswith("_")])
    return MappingProxyType({n: getattr(ref, n) for n in names})


def _decoded(ns: Mapping[str, Any], scenario: str):
    return from_plain(run_scenario(ns, scenario))


@lru_cache(maxsize=512)
def expected_result(scenario: str):
    """The reference's plain data for a scenario (cached: it never changes)."""
    return _decoded(reference_namespace(), scenario)


def _mistake_result(mistake: Mistake, scenario: str):
    ns = dict(reference_namespace())
    ns.update(mistake.overrides)
    return _decoded(ns, scenario)


def judge_function(name: str, spec: FunctionSpec, actual: Mapping[str, Any]) -> FunctionReport:
    """Score one function from the decoded plain data of its scenarios.

    Parameters
    ----------
    name : str
        The function's API name.
    spec : FunctionSpec
    actual : mapping
        Scenario name -> decoded plain data from the student's process. A missing
        scenario counts as failed.
    """
    failures = {s: failure(actual.get(s, {"__failed__": "no result came back"})) for s in spec.scenarios}
    if all(failures.values()) and len(set(failures.values())) == 1:
        return FunctionReport(name, spec.points, (), error=next(iter(failures.values())))
    results = []
    for check in spec.checks:
        got = actual.get(check.scenario, {"__failed__": "no result came back"})
        try:
            passed, message = check.compare(got, expected_result(check.scenario))
        except Exception as exc:  # a malformed result must fail the check, not the grader
            passed, message = False, f"the results could not be read ({type(exc).__name__})"
        if not passed and check.diagnose and spec.mistakes and not failure(got):
            expected = expected_result(check.scenario)
            for mistake in spec.mistakes:
                try:
                    imitation = _mistake_result(mistake, check.scenario)
                    # a mistake that behaves like the reference here cannot explain a failure here
                    same = not SameCalls()(imitation, expected)[0] and SameCalls()(got, imitation)[0]
                except Exception:
                    same = False
                if same:
                    message = mistake.message
                    break
        results.append(CheckResult(check.name, bool(passed), float(check.weight), "" if passed else message))
    if results and all("not implemented yet" in r.message for r in results):
        return FunctionReport(name, spec.points, (), error="not implemented yet (it still raises NotImplementedError)")
    return FunctionReport(name, spec.points, tuple(results))
