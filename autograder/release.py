"""Release: run ``nbgrader generate_assignment`` for each chapter into ``exercises/``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .course import CHAPTERS


def nbgrader_command(course: Path, assignment: str, *extra: str) -> list[str]:
    """The nbgrader CLI call for ``generate_assignment`` in ``course``."""
    return [
        sys.executable, "-m", "nbgrader", "generate_assignment", assignment,
        "--force", "--log-level=WARN", f"--CourseDirectory.root={course}", *extra,
    ]


def tool_env() -> dict[str, str]:
    """The environment with this interpreter's scripts first on PATH (nbgrader runs
    ``alembic`` from PATH to set up its gradebook)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def release(course: Path, ids=None, db_url: str | None = None) -> list[Path]:
    """Generate the student versions of the given chapters (all with a source notebook)."""
    course = Path(course).resolve()
    written = []
    for chapter in CHAPTERS:
        if ids and chapter.id not in ids:
            continue
        if not (course / "solutions" / chapter.id).is_dir():
            continue
        extra = (f"--CourseDirectory.db_url={db_url}",) if db_url else ()
        subprocess.run(nbgrader_command(course, chapter.id, *extra), cwd=course, check=True, env=tool_env())
        written.append(course / "exercises" / chapter.id / chapter.notebook)
    return written
