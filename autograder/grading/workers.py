"""Warm workers: one process per job slot, each forking a fresh child per notebook.

Workers are started with the ``spawn`` method, so they begin as clean interpreters that
import only what a submission may see (NumPy, Matplotlib, IPython, the scenarios) and
build an IPython shell once. Grading a notebook then costs one ``fork`` of an already
warm process, instead of a new kernel, and the grader's own process (which holds the
reference implementations) is never the parent of student code.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

from .sandbox import Limits, child_main

MAX_RESULT_BYTES = 64 * 2**20
# what a worker must never hold in memory: every submission is forked from it
SECRET_MODULES = ("autograder.reference", "autograder.checks.judges", "autograder.checks.mistakes",
                  "autograder.authoring", "autograder.training", "autograder.samples")
_STATE: dict = {}


def start_pool(jobs: int, scratch_root: str, uid_base: int) -> ProcessPoolExecutor:
    """``jobs`` warm workers, spawned at once so they warm up while the caller prepares.

    ``multiprocessing`` re-runs the caller's ``__main__`` module in every spawned
    process; a script that imports the reference implementations (a benchmark, an
    instructor's own driver) would put them in the memory every submission is forked
    from. The main module is hidden while the workers spawn, and each worker checks.
    """
    ctx = multiprocessing.get_context("spawn")
    slots = ctx.Queue()
    for i in range(jobs):
        slots.put(i)
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=warm_up,
                                   initargs=(slots, scratch_root, uid_base))
    with _main_module_hidden():
        for _ in range(jobs):  # each submit spawns one more worker, up to max_workers
            executor.submit(os.getpid)
    return executor


@contextlib.contextmanager
def _main_module_hidden():
    """Make ``__main__`` look like an interactive session to ``multiprocessing.spawn``."""
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main is not None and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__spec__ = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


def secret_modules_loaded() -> list[str]:
    """The secret modules this process has imported (a worker must have none)."""
    return sorted(m for m in sys.modules if m.startswith(SECRET_MODULES))


def warm_up(slot_queue, scratch_root: str, uid_base: int) -> None:
    """Worker initializer: import the student-side stack and build the shell once."""
    if secret_modules_loaded():  # refuse to grade rather than expose them
        raise RuntimeError(f"grading worker started with secret modules loaded: {', '.join(secret_modules_loaded())}")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["MPLBACKEND"] = "Agg"
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import numpy.random  # noqa: F401 - lazily imported by NumPy: load it while we can
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    import mlpkit.data  # noqa: F401
    import mlpkit.gradcheck  # noqa: F401

    from ..checks import runner  # noqa: F401 - scenarios, no reference

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "NoColor"
    shell = InteractiveShell.instance(config=cfg)
    shell.run_cell("import numpy as np", store_history=False)
    shell.reset(new_session=False)
    slot = slot_queue.get() if slot_queue is not None else 0
    if secret_modules_loaded():
        raise RuntimeError(f"the student-side imports pulled in secret modules: {', '.join(secret_modules_loaded())}")
    _STATE.update(shell=shell, slot=slot, scratch_root=scratch_root, uid_base=uid_base)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_uid(uid: int) -> None:
    """As root, kill every process of a sandbox user (fork-bomb stragglers in new sessions)."""
    if os.geteuid() != 0:
        return
    for _ in range(3):
        found = False
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        os.kill(int(entry), signal.SIGKILL)
                        found = True
                except (OSError, ProcessLookupError):
                    continue
        if not found:
            return
        time.sleep(0.05)


def run_notebook(job: dict) -> dict:
    """Run one notebook's plan in a sandboxed child; return its messages as plain data.

    ``job`` holds ``steps`` (plain dicts), ``hide`` (paths), and ``limits`` (a dict of
    :class:`Limits` fields). Never raises for anything the submission does.
    """
    limits = Limits(**job["limits"])
    shell = _STATE["shell"]
    uid = _STATE["uid_base"] + _STATE["slot"] if os.geteuid() == 0 else None
    scratch = tempfile.mkdtemp(prefix="sub-", dir=_STATE["scratch_root"])
    read_fd, write_fd = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        child_main(shell, job["steps"], write_fd, scratch, job["hide"], uid, limits)
    os.close(write_fd)
    chunks, size, timed_out, truncated = [], 0, False, False
    deadline = start + limits.notebook_timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], min(remaining, 1.0))
            if not ready:
                continue
            data = os.read(read_fd, 1 << 16)
            if not data:
                break
            size += len(data)
            if size > MAX_RESULT_BYTES:
                truncated = True
                break
            chunks.append(data)
    finally:
        os.close(read_fd)
        _kill_group(pid)
        _, status = os.waitpid(pid, 0)  # reap first: a zombie still counts as the sandbox user's
        if uid is not None:
            _kill_uid(uid)
        _cleanup(scratch)
    messages, garbled = [], 0
    import json

    for line in b"".join(chunks).split(b"\n"):
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
            if isinstance(msg, dict):
                messages.append(msg)
            else:
                garbled += 1
        except (ValueError, RecursionError):
            garbled += 1
    if os.WIFSIGNALED(status):
        exit_text = f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        exit_text = f"exit code {os.WEXITSTATUS(status)}"
    return {
        "messages": messages,
        "garbled": garbled,
        "timed_out": timed_out,
        "truncated": truncated,
        "exit": exit_text,
        "seconds": round(time.monotonic() - start, 3),
    }


def _cleanup(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)

