"""Judge what came back from a submission's process, in the grader's process.

The worker returns JSON messages; here they are decoded strictly into plain data and
judged against the reference. A graded step that never reported (the process timed
out, crashed or called ``os._exit`` before reaching it) scores 0 with the reason.
"""
from __future__ import annotations

from ..checks.judges import FUNCTIONS
from ..checks.judges.base import judge_function
from ..checks.model import FunctionReport
from ..checks.transport import TransportError, from_plain
from .plan import Plan
from .results import GRADED, PARTIAL


def _stopped_reason(outcome: dict, limits) -> str:
    if outcome.get("timed_out"):
        return f"the notebook ran for more than {limits.notebook_timeout:g} s and was stopped"
    if outcome.get("truncated"):
        return "the notebook produced too much data and was stopped"
    return f"the notebook's process ended early ({outcome.get('exit', 'unknown')}): a crash, os._exit or a resource limit"


def judge_outcome(plan: Plan, outcome: dict, limits) -> tuple[list[FunctionReport], list[dict], list[str], str, str]:
    """Returns (function reports, cell records, isolation notes, status, reason)."""
    by_index = {}
    isolation = []
    for msg in outcome.get("messages", []):
        if msg.get("type") == "isolation" and isinstance(msg.get("enforced"), list):
            isolation = [str(x) for x in msg["enforced"]][:20]
        elif msg.get("type") in ("cell", "grade") and isinstance(msg.get("index"), int):
            by_index.setdefault(msg["index"], msg)  # the first report of a step counts
    done = any(m.get("type") == "done" for m in outcome.get("messages", []))
    stopped = "" if done else _stopped_reason(outcome, limits)
    reports, cells = [], []
    for index, step in enumerate(plan.steps):
        msg = by_index.get(index)
        if step.kind == "code":
            if msg and msg.get("type") == "cell":
                seconds = msg.get("seconds")
                cells.append({"cell_id": step.cell_id, "error": str(msg.get("error", ""))[:500],
                              "output": str(msg.get("output", ""))[:25_000],
                              "seconds": float(seconds) if isinstance(seconds, (int, float)) else 0.0})
            else:
                cells.append({"cell_id": step.cell_id, "error": "not run: " + (stopped or "unknown"), "output": "", "seconds": 0.0})
            continue
        spec = FUNCTIONS[step.function]
        if not msg or msg.get("type") != "grade" or msg.get("function") != step.function:
            reports.append(FunctionReport(step.function, spec.points, (), error=f"not checked: {stopped or 'no result came back'}"))
            continue
        if msg.get("error"):
            reports.append(FunctionReport(step.function, spec.points, (), error=str(msg["error"])[:300]))
            continue
        plain = msg.get("plain")
        try:
            if not isinstance(plain, dict):
                raise TransportError("no results")
            actual = {name: from_plain(plain.get(name, {"__dict__": {"__failed__": "no result came back"}})) for name in spec.scenarios}
        except (TransportError, ValueError, TypeError, RecursionError):
            reports.append(FunctionReport(step.function, spec.points, (), error="the results sent back could not be read"))
            continue
        reports.append(judge_function(step.function, spec, actual))
    errors = [c for c in cells if c["error"]]
    if stopped:
        status, reason = PARTIAL, stopped
    elif errors:
        first = errors[0]
        status = GRADED
        reason = f"{len(errors)} cell(s) raised an error; the first: {first['error'].splitlines()[0][:160]}"
    else:
        status, reason = GRADED, ""
    return reports, cells, isolation, status, reason
