"""What grading a notebook produced: typed, serialisable, rendered elsewhere."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..checks.model import FunctionReport

ENGINE_VERSION = "1"

# status of a notebook, from best to worst
GRADED = "graded"  # every step ran
PARTIAL = "partial"  # graded, but something stopped part of it (timeout, crash, errors at import)
MISSING = "missing"
UNREADABLE = "unreadable"
WRONG_NOTEBOOK = "wrong_notebook"


@dataclass
class NotebookResult:
    student: str
    assignment: str
    notebook: str
    status: str
    reason: str = ""
    functions: list[FunctionReport] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)  # per code step: cell_id, error, output (truncated)
    notes: list[str] = field(default_factory=list)
    isolation: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the submission's process, from fork to exit
    step_seconds: float = 0.0  # of which: running the student's cells and checks
    timestamp: str = ""
    late_seconds: float = 0.0
    key: str = ""  # identifies the graded input (submission + source + engine); equal key -> skip

    @property
    def score(self) -> float:
        return round(sum(f.earned for f in self.functions), 2)

    @property
    def max_score(self) -> float:
        return round(sum(f.points for f in self.functions), 2)

    def to_json(self) -> str:
        d = asdict(self)
        d["functions"] = [f.to_dict() for f in self.functions]
        return json.dumps(d, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "NotebookResult":
        d = json.loads(text)
        d["functions"] = [FunctionReport.from_dict(f) for f in d.get("functions", [])]
        return cls(**d)
