"""Grade a whole class: ``python -m autograder grade ASSIGNMENT``.

The pipeline, for every ``submitted/<student>/<ASSIGNMENT>/<notebook>.ipynb``:

1. read the submission defensively (:mod:`submissions`); skip it if an identical
   submission was already graded by the same checks (:mod:`outputs` records);
2. merge it with the trusted source notebook into steps (:mod:`plan`);
3. run the steps in a sandboxed child of a warm worker (:mod:`workers`, :mod:`sandbox`);
4. judge the plain data that came back against the reference (:mod:`verdict`);
5. write the gradebook (:mod:`gradebook`), the autograded notebook and the HTML
   feedback, then the record that marks the notebook done (:mod:`outputs`).

Every notebook gets a row in ``grades.csv``, whatever went wrong with it; an interrupted
run is finished by running the same command again.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..checks.model import FunctionReport
from . import outputs
from .plan import build_plan, graded_function
from .results import ENGINE_VERSION, MISSING, UNREADABLE, WRONG_NOTEBOOK, NotebookResult
from .sandbox import Limits
from .submissions import Submission, Unreadable, find_submissions, read_notebook, sha256_file


@dataclass(frozen=True)
class GradeOptions:
    """Options of a grading run (each is a command-line flag of the same name)."""

    assignment: str
    course: Path = field(default_factory=Path.cwd)  # nbgrader course directory
    students: tuple[str, ...] = ()  # only these students (default: everyone who submitted)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # parallel worker processes
    timeout: float = 600.0  # wall seconds per notebook
    cell_timeout: float = 60.0  # wall seconds per cell and per graded function
    memory_mb: int = 2048  # address-space limit per submission
    force: bool = False  # regrade notebooks that were already graded
    progress: bool = True  # live progress bar and summary table on the terminal

    @property
    def limits(self) -> Limits:
        return Limits(cell_timeout=self.cell_timeout, notebook_timeout=self.timeout, memory_mb=self.memory_mb)


@dataclass
class Course:
    """The parts of an nbgrader course directory the engine uses."""

    root: Path
    config: object
    course_id: str
    db_url: str
    source: Path
    release: Path
    submitted: Path
    autograded: Path
    feedback: Path


def load_course(root: Path) -> Course:
    """Read ``nbgrader_config.py`` (if any) the way nbgrader does."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    cfg = Config()
    if (root / "nbgrader_config.py").exists():
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    cd = CourseDirectory(config=cfg)
    cd.root = str(root)
    return Course(
        root=root, config=cfg, course_id=cd.course_id, db_url=cd.db_url,
        source=root / cd.source_directory, release=root / cd.release_directory,
        submitted=root / cd.submitted_directory, autograded=root / cd.autograded_directory,
        feedback=root / cd.feedback_directory,
    )


def hidden_paths(course: Course) -> list[str]:
    """Everything a submission must not read: course files and the grader's secrets.

    In the course directory (and in the repository an editable install runs from) every
    entry is hidden except the released notebooks, virtual environments and the public
    packages; inside the package, the reference implementations, the judges, the mistake
    catalogue and the notebook authoring are hidden.
    """
    import autograder

    pkg = Path(autograder.__file__).resolve().parent
    hide = [pkg / "reference", pkg / "authoring", pkg / "checks" / "judges", pkg / "checks" / "mistakes",
            pkg / "grading" / "gradebook.py"]
    keep = {".venv", "venv", "autograder", "mlpkit", course.release.name}
    roots = {course.root}
    if (pkg.parent / "pyproject.toml").exists():
        roots.add(pkg.parent)
    for root in roots:
        for entry in root.iterdir():
            if entry.name not in keep:
                hide.append(entry)
    return [str(p) for p in hide if p.exists()]


def checks_fingerprint() -> str:
    """Hash of the checking code and references: a change regrades everything."""
    import autograder

    pkg = Path(autograder.__file__).resolve().parent
    h = hashlib.sha256(ENGINE_VERSION.encode())
    for sub in ("checks", "reference", "grading"):
        for path in sorted((pkg / sub).rglob("*.py")):
            h.update(path.relative_to(pkg).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _zero_reports(names_points: list[tuple[str, float]], reason: str) -> list[FunctionReport]:
    return [FunctionReport(name, points, (), error=reason) for name, points in names_points]


def _graded_names(source_nb, specs) -> list[tuple[str, float]]:
    out = []
    for cell in source_nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            name = graded_function(meta["grade_id"])
            out.append((name, float(specs[name].points)))
    return out


class Engine:
    """One grading run (holds no state between runs)."""

    def __init__(self, options: GradeOptions):
        self.options = options
        self.results: list[NotebookResult] = []

    # ---------------------------------------------------------------- preparation
    def _sources(self) -> dict[str, tuple[object, str]]:
        folder = self.course.source / self.options.assignment
        paths = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
        if not paths:
            raise FileNotFoundError(f"no source notebooks in {folder}: is {self.options.assignment!r} an assignment of this course?")
        return {p.stem: (nbformat.read(p, as_version=4), sha256_file(p)) for p in paths}

    def _key(self, sub_hash: str, src_hash: str) -> str:
        return hashlib.sha256(f"{sub_hash}:{src_hash}:{self.fingerprint}".encode()).hexdigest()[:24]

    def _prepare(self, submission: Submission, name: str, source_nb, src_hash: str):
        """``(result, plan, reused)``: a plan to run, or a result that needs no run
        (``reused`` when an identical submission was already graded by the same checks)."""
        path = submission.directory / f"{name}.ipynb"
        base = dict(student=submission.student, assignment=submission.assignment, notebook=name)
        graded = _graded_names(source_nb, self.specs)
        sub_hash = sha256_file(path) if path.exists() else "missing"
        key = self._key(sub_hash, src_hash)
        if not self.options.force:
            previous = outputs.load_record(outputs.record_path(self.course.autograded, NotebookResult(status="", **base)))
            if previous is not None and previous.key == key:
                return previous, None, True
        nb = read_notebook(path)
        if isinstance(nb, Unreadable):
            status = MISSING if nb.status == "missing" else UNREADABLE
            return NotebookResult(status=status, reason=nb.reason, functions=_zero_reports(graded, nb.reason), key=key, **base), None, False
        try:
            plan = build_plan(source_nb, nb, self.specs)
        except Exception as exc:  # noqa: BLE001 - a notebook we cannot make sense of
            reason = f"the notebook could not be prepared for grading ({type(exc).__name__})"
            return NotebookResult(status=UNREADABLE, reason=reason, functions=_zero_reports(graded, reason), key=key, **base), None, False
        if plan.foreign:
            reason = f"{name}.ipynb has none of the answer cells of assignment {submission.assignment}: is it another assignment's notebook?"
            return NotebookResult(status=WRONG_NOTEBOOK, reason=reason, functions=_zero_reports(graded, reason), key=key, **base), None, False
        return NotebookResult(status="", notes=list(plan.notes), key=key, **base), plan, False

    # ---------------------------------------------------------------- finishing
    def _finish(self, result: NotebookResult, source_nb, plan, submission: Submission, fresh: bool) -> None:
        from .gradebook import record

        if fresh:
            ts = submission.timestamp
            result.timestamp = ts.isoformat() if ts else ""
            result.late_seconds = record(self._gradebook, result, ts, self.course.config)
            folder = self.course.autograded / result.student / result.assignment
            if plan is not None:
                nb = outputs.autograded_notebook(source_nb, plan, result)
                outputs.write_atomic(folder / f"{result.notebook}.ipynb", nbformat.writes(nb))
            fb = self.course.feedback / result.student / result.assignment / f"{result.notebook}.html"
            outputs.write_atomic(fb, outputs.feedback_html(result))
            outputs.write_atomic(outputs.record_path(self.course.autograded, result), result.to_json())
        self.results.append(result)

    # ---------------------------------------------------------------- the run
    def run(self) -> list[NotebookResult]:
        """Grade everything that needs it; return one result per student and notebook.

        The workers are spawned first, so that they warm up while this process reads
        the course, imports nbgrader and the judges, and prepares the plans.
        """
        from .workers import start_pool

        self._uid_base = 200_000 + (os.getpid() % 50_000) * 16  # unique sandbox users for this run
        self._scratch_root = tempfile.mkdtemp(prefix="autograder-")
        os.chmod(self._scratch_root, 0o711)
        self._pool = start_pool(max(1, self.options.jobs), self._scratch_root, self._uid_base)
        try:
            from .gradebook import open_gradebook  # imports nbgrader: after the workers started

            self._load()
            self._gradebook = open_gradebook(self.course.db_url, self.course.course_id)
            try:
                return self._grade_all(self.options, self.sources)
            finally:
                self._gradebook.close()
        finally:
            _stop_pool(self._pool)  # idle workers have nothing left to do
            import shutil

            shutil.rmtree(self._scratch_root, ignore_errors=True)

    def _load(self) -> None:
        from ..checks.judges import FUNCTIONS
        from .gradebook import check_assignment

        self.course = load_course(self.options.course)
        self.specs = FUNCTIONS
        self.fingerprint = checks_fingerprint()
        self.sources = self._sources()
        check_assignment(self.course.db_url, self.course.course_id, self.options.assignment)

    def _grade_all(self, opts, sources) -> list[NotebookResult]:
        submissions = find_submissions(self.course.submitted, opts.assignment, set(opts.students) or None)
        missing_students = sorted(set(opts.students) - {s.student for s in submissions})
        for student in missing_students:
            for name, (source_nb, _) in sources.items():
                reason = f"{student} has no submission of {opts.assignment}"
                self.results.append(NotebookResult(student, opts.assignment, name, MISSING, reason,
                                                   _zero_reports(_graded_names(source_nb, self.specs), reason)))
        todo = []
        for sub in submissions:
            for name, (source_nb, src_hash) in sources.items():
                result, plan, reused = self._prepare(sub, name, source_nb, src_hash)
                if plan is None:
                    self._finish(result, source_nb, None, sub, fresh=not reused)
                else:
                    todo.append((sub, name, source_nb, result, plan))
        hide = hidden_paths(self.course)
        progress = _Progress(len(todo), enabled=opts.progress)
        if todo:
            self._run_pool(todo, hide, progress)
        else:
            _stop_pool(self._pool)  # nothing to grade: don't wait for the workers to warm up
        progress.close()
        self._write_csv()
        return self.results

    def _run_pool(self, todo: list, hide: list[str], progress: "_Progress") -> None:
        """Run the plans on warm workers; survive workers that die or stop answering.

        A notebook whose worker is lost is queued again once on a fresh pool; lost twice,
        it gets a row saying so. A pool that reports nothing for longer than a notebook
        may take is presumed stuck, killed, and replaced.
        """
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        from .verdict import judge_outcome
        from .workers import start_pool

        limits = self.options.limits
        attempts: dict[int, int] = {}
        queue = list(range(len(todo)))
        executor = self._pool
        while queue:
            if executor is None:
                executor = self._pool = start_pool(max(1, min(self.options.jobs, len(queue))),
                                                   self._scratch_root, self._uid_base)
            futures = {executor.submit(_run, self._job(todo[k][4], hide, limits)): k for k in queue}
            queue = []
            try:
                while futures:
                    done, _ = wait(futures, timeout=limits.notebook_timeout + 120, return_when=FIRST_COMPLETED)
                    if not done:  # nothing for too long: the pool is stuck
                        raise BrokenProcessPool("no worker answered in time")
                    for fut in done:
                        k = futures.pop(fut)
                        try:
                            outcome = fut.result()
                        except BrokenProcessPool:
                            attempts[k] = attempts.get(k, 0) + 1
                            if attempts[k] < 2:
                                queue.append(k)
                                continue
                            outcome = {"messages": [], "exit": "its grading worker died twice"}
                        except Exception as exc:  # noqa: BLE001 - still a row for this notebook
                            outcome = {"messages": [], "exit": f"the worker failed ({type(exc).__name__})"}
                        sub, name, source_nb, result, plan = todo[k]
                        reports, cells, isolation, status, reason = judge_outcome(plan, outcome, limits)
                        result.functions, result.cells, result.isolation = reports, cells, isolation
                        result.status, result.reason = status, reason
                        result.seconds = float(outcome.get("seconds", 0.0))
                        result.step_seconds = round(sum(
                            float(m.get("seconds", 0.0)) for m in outcome.get("messages", [])
                            if isinstance(m.get("seconds"), (int, float))), 3)
                        self._finish(result, source_nb, plan, sub, fresh=True)
                        progress.advance(f"{sub.student}/{name}")
            except BrokenProcessPool:
                for fut, k in futures.items():
                    attempts[k] = attempts.get(k, 0) + 1
                    queue.append(k) if attempts[k] < 2 else self._lost(todo[k], progress)
            except KeyboardInterrupt:
                progress.close()
                raise
            if queue:  # some workers were lost: the rest goes to a fresh pool
                _stop_pool(executor)
                executor = None

    @staticmethod
    def _job(plan, hide: list[str], limits) -> dict:
        return {"steps": [dict(s.__dict__) for s in plan.steps], "hide": hide, "limits": dict(limits.__dict__)}

    def _lost(self, item, progress) -> None:
        from .verdict import judge_outcome

        sub, name, source_nb, result, plan = item
        outcome = {"messages": [], "exit": "its grading worker stopped answering twice"}
        reports, cells, isolation, status, reason = judge_outcome(plan, outcome, self.options.limits)
        result.functions, result.cells, result.status, result.reason = reports, cells, status, reason
        self._finish(result, source_nb, plan, sub, fresh=True)
        progress.advance(f"{sub.student}/{name}")

    def _write_csv(self) -> None:
        import csv
        import io

        path = self.course.root / "grades.csv"
        rows = outputs.grades_csv(self.results)
        if path.exists():  # keep other assignments' rows
            try:
                old = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
            except Exception:  # noqa: BLE001
                old = []
            mine = {(r.student, r.assignment, r.notebook) for r in self.results}
            keep = [r for r in old if (r.get("student"), r.get("assignment"), r.get("notebook")) not in mine
                    and r.get("assignment") != self.options.assignment]
            if keep:
                buf = io.StringIO()
                w = csv.DictWriter(buf, fieldnames=outputs.CSV_FIELDS, lineterminator="\n", extrasaction="ignore")
                w.writerows(keep)
                header, _, body = rows.partition("\n")
                lines = sorted(body.splitlines() + buf.getvalue().splitlines())
                rows = header + "\n" + "\n".join(lines) + "\n"
        outputs.write_if_changed(path, rows)


def _stop_pool(executor) -> None:
    """Kill a pool's workers (and with them any sandboxed child) and release it."""
    if executor is None:
        return
    for proc in list((getattr(executor, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except Exception:  # noqa: BLE001
            pass
    executor.shutdown(wait=False, cancel_futures=True)


def _run(job):
    from .workers import run_notebook

    return run_notebook(job)


class _Progress:
    """A rich progress bar, or nothing when disabled or not on a terminal."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("", total=total)

    def advance(self, text: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def summary_table(results: list[NotebookResult]):
    """A rich table: one row per student and notebook."""
    from rich.table import Table

    table = Table(title="Grades", show_lines=False)
    for col in ("student", "notebook", "score", "status", "reason"):
        table.add_column(col, overflow="fold")
    for r in sorted(results, key=lambda r: (r.student, r.notebook)):
        colour = "green" if r.score == r.max_score and r.max_score else ("red" if r.score == 0 else "yellow")
        table.add_row(r.student, r.notebook, f"[{colour}]{r.score:g} / {r.max_score:g}[/{colour}]", r.status, r.reason[:80])
    return table
