"""Results are data: what a check found, typed and serialisable, rendered elsewhere."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class CheckResult:
    """One check of one function.

    ``message`` says in one sentence what went wrong (empty when passed); it never
    contains hidden test code or reference code.
    """

    name: str
    passed: bool
    weight: float
    message: str = ""


@dataclass(frozen=True)
class FunctionReport:
    """All checks of one graded function and the points they earn."""

    function: str
    points: float
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)
    error: str = ""  # set when nothing could be checked (e.g. the function is missing)

    @property
    def earned(self) -> float:
        total = sum(c.weight for c in self.checks)
        if self.error or total == 0:
            return 0.0
        got = sum(c.weight for c in self.checks if c.passed)
        return round(self.points * got / total, 2)

    @property
    def passed(self) -> bool:
        return not self.error and all(c.passed for c in self.checks)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["earned"] = self.earned
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "FunctionReport":
        checks = tuple(CheckResult(**c) for c in d.get("checks", ()))
        return cls(function=d["function"], points=float(d["points"]), checks=checks, error=d.get("error", ""))

    def render_text(self) -> str:
        """Plain-text report shown under a graded cell and in the feedback."""
        head = f"{self.function}: {self.earned:g} / {self.points:g} points"
        if self.error:
            return f"{head}\n  ✗ {self.error}"
        lines = [head]
        for c in self.checks:
            mark = "✓" if c.passed else "✗"
            lines.append(f"  {mark} {c.name}" + (f" — {c.message}" if c.message else ""))
        return "\n".join(lines)
