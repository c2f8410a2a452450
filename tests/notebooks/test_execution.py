"""Every solution notebook runs top to bottom, fast, with full marks on every hidden test."""
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import CHAPTERS

ROOT = Path(__file__).resolve().parents[2]
LIMIT_SECONDS = 60


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: f"{c.id}-{c.slug}")
def test_solution_notebook_runs_with_full_marks(chapter, tmp_path):
    nb = nbformat.read(ROOT / "solutions" / chapter.id / chapter.notebook, as_version=4)
    start = time.monotonic()
    NotebookClient(nb, timeout=LIMIT_SECONDS, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    seconds = time.monotonic() - start
    assert seconds < LIMIT_SECONDS, f"{chapter.id} took {seconds:.0f} s"
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{cell.id}: {out.get('ename')}: {out.get('evalue')}"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{cell.id} wrote to stderr: {out.text[:300]}"
        if meta.get("grade") and not meta.get("solution"):
            results = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert results, f"{cell.id} returned no points"
            assert float(results[0].data["text/plain"]) == meta["points"], f"{cell.id}: {cell.outputs}"
