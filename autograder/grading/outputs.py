"""Files a grading run writes: autograded notebooks, HTML feedback, grades.csv, records.

The autograded notebook follows nbgrader's conventions (a graded test cell's outputs
are the check report on stdout and the points as an ``execute_result``), so nbgrader's
own ``determine_grade`` reads the same score from it and the formgrader shows it. The
feedback page shows each check, its points and its message, never any test source.
"""
from __future__ import annotations

import csv
import html
import io
import os
from pathlib import Path

import nbformat

from .results import NotebookResult

CSV_FIELDS = ["student", "assignment", "notebook", "status", "score", "max_score", "late_seconds", "reason"]


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def record_path(autograded: Path, result: NotebookResult) -> Path:
    return autograded / result.student / result.assignment / f".{result.notebook}.autograder.json"


def load_record(path: Path) -> NotebookResult | None:
    try:
        return NotebookResult.from_json(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - a damaged record just means: grade again
        return None


def _code_cell(source: str, metadata: dict, outputs: list[dict], cell_id: str):
    # plain dicts, validated once for the whole notebook when it is written (building
    # each cell with nbformat.v4.new_* validates every cell and output separately)
    return nbformat.from_dict({"cell_type": "code", "id": cell_id, "metadata": metadata, "source": source,
                               "outputs": outputs, "execution_count": None})


def autograded_notebook(source_nb, plan, result: NotebookResult):
    """The merged notebook with the results as outputs (nbgrader's layout)."""
    nb = nbformat.v4.new_notebook(metadata=source_nb.metadata)
    cells_by_id = {c["cell_id"]: c for c in result.cells}
    reports = {r.function: r for r in result.functions}
    source_cells = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in source_nb.cells}
    for k, step in enumerate(plan.steps):
        src_cell = source_cells.get(step.grade_id) if step.grade_id else None
        meta = dict(src_cell.metadata) if src_cell is not None else {}
        outs = []
        if step.kind == "grade":
            source = src_cell.source if src_cell is not None else ""
            report = reports.get(step.function)
            if report is not None:
                outs = [
                    {"output_type": "stream", "name": "stdout", "text": report.render_text() + "\n"},
                    {"output_type": "execute_result", "data": {"text/plain": repr(float(report.earned))},
                     "metadata": {}, "execution_count": k + 1},
                ]
        else:
            source = step.source
            rec = cells_by_id.get(step.cell_id)
            if rec and rec["output"]:
                outs.append({"output_type": "stream", "name": "stdout", "text": rec["output"]})
            if rec and rec["error"]:
                name, _, value = rec["error"].partition(": ")
                outs.append({"output_type": "error", "ename": name, "evalue": value, "traceback": [rec["error"]]})
        nb.cells.append(_code_cell(source, meta, outs, f"step-{k}"))
    # the source's markdown cells, each before the first step that comes after it
    md = [(i, c) for i, c in enumerate(source_nb.cells) if c.cell_type == "markdown"]
    out, m = [], 0
    for step, cell in zip(plan.steps, nb.cells):
        while step.source_index >= 0 and m < len(md) and md[m][0] < step.source_index:
            out.append(md[m][1])
            m += 1
        out.append(cell)
    out.extend(c for _, c in md[m:])
    nb.cells = out
    return nb


def feedback_html(result: NotebookResult) -> str:
    """A self-contained HTML page: score, status, each function's checks and messages."""
    e = html.escape
    rows = []
    for f in result.functions:
        rows.append(f'<h3><code>{e(f.function)}</code> <span class="pts">{f.earned:g} / {f.points:g}</span></h3>')
        if f.error:
            rows.append(f'<p class="fail">✗ {e(f.error)}</p>')
        else:
            items = "".join(
                f'<li class="{"pass" if c.passed else "fail"}">{"✓" if c.passed else "✗"} {e(c.name)}'
                + (f"<br><small>{e(c.message)}</small>" if c.message else "") + "</li>"
                for c in f.checks
            )
            rows.append(f"<ul>{items}</ul>")
    reason = f"<p><b>Note:</b> {e(result.reason)}</p>" if result.reason else ""
    notes = "".join(f"<li>{e(n)}</li>" for n in result.notes)
    late = f"<p>Submitted {result.late_seconds:.0f} s after the due date.</p>" if result.late_seconds > 0 else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(result.assignment)} · {e(result.notebook)} · {e(result.student)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.45}}
.pass{{color:#176317}}.fail{{color:#a11}}.pts{{float:right;font-weight:normal}}li{{margin:.25rem 0;list-style:none}}
h3{{border-bottom:1px solid #ddd;padding-bottom:.2rem}}</style></head>
<body><h1>Feedback: {e(result.assignment)} / {e(result.notebook)}</h1>
<p>Student <b>{e(result.student)}</b> · score <b>{result.score:g} / {result.max_score:g}</b> · status <b>{e(result.status)}</b></p>
{reason}{late}{f"<ul>{notes}</ul>" if notes else ""}
{"".join(rows)}
</body></html>
"""


def grades_csv(results: list[NotebookResult]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in sorted(results, key=lambda r: (r.student, r.assignment, r.notebook)):
        writer.writerow({
            "student": r.student, "assignment": r.assignment, "notebook": r.notebook, "status": r.status,
            "score": f"{r.score:g}", "max_score": f"{r.max_score:g}", "late_seconds": f"{r.late_seconds:.0f}",
            "reason": r.reason.replace("\n", " ")[:300],
        })
    return buf.getvalue()


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True
