"""Find submissions and read them defensively.

Every way a file can be wrong is turned into a :class:`Unreadable` reason that a person
understands; nothing here raises on bad input.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Unreadable:
    """Why a submitted notebook cannot be graded."""

    status: str  # missing | empty | too_large | not_utf8 | not_json | not_a_notebook
    reason: str


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_notebook(path: Path):
    """The notebook at ``path`` with outputs dropped, or an :class:`Unreadable`."""
    if not path.exists():
        return Unreadable("missing", f"no file {path.name} was submitted")
    size = path.stat().st_size
    if size == 0:
        return Unreadable("empty", f"{path.name} is an empty file")
    if size > MAX_NOTEBOOK_BYTES:
        return Unreadable("too_large", f"{path.name} is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit (clear the outputs and submit again)")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Unreadable("not_utf8", f"{path.name} is not UTF-8 text (byte {exc.start} is invalid): it may be a binary file")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", "?")
        return Unreadable("not_json", f"{path.name} is not valid notebook JSON (broken near line {line}); open it in Jupyter to see what happened")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return Unreadable("not_a_notebook", f"{path.name} is JSON but not a notebook (it has no list of cells)")
    for cell in data["cells"]:  # outputs are never needed and may be enormous
        if isinstance(cell, dict) and "outputs" in cell:
            cell["outputs"] = []
    try:
        nb = nbformat.from_dict(data)
        nb = nbformat.v4.upgrade(nb) if nb.get("nbformat", 4) < 4 else nb
        for cell in nb.cells:
            if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
                raise ValueError("unknown cell type")
            src = cell.get("source", "")
            cell["source"] = "".join(src) if isinstance(src, list) else str(src)
            if not isinstance(cell.get("metadata", {}), dict):
                cell["metadata"] = {}
    except Exception as exc:  # noqa: BLE001 - any malformation is a reason, not a crash
        return Unreadable("not_a_notebook", f"{path.name} is not a valid notebook ({type(exc).__name__})")
    return nb


def read_timestamp(submission_dir: Path) -> datetime | None:
    """nbgrader's ``timestamp.txt`` of a submission, parsed as nbgrader does (UTC)."""
    from nbgrader.utils import parse_utc

    path = submission_dir / "timestamp.txt"
    if not path.exists():
        return None
    try:
        return parse_utc(path.read_text(encoding="utf-8", errors="replace").strip())
    except Exception:  # noqa: BLE001 - a garbled timestamp counts as none
        return None


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    directory: Path

    @property
    def timestamp(self):
        return read_timestamp(self.directory)


def find_submissions(submitted: Path, assignment: str, students=None) -> list[Submission]:
    """``submitted/<student>/<assignment>/`` folders, sorted by student id."""
    out = []
    if not submitted.is_dir():
        return out
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()):
        if students and student_dir.name not in students:
            continue
        sub = student_dir / assignment
        if sub.is_dir():
            out.append(Submission(student_dir.name, assignment, sub))
    return out
