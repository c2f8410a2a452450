"""The submission's own process: isolate it, limit it, run its cells and its checks.

Everything here runs in a child forked from a warm worker. The worker has imported
NumPy, Matplotlib, IPython and the *scenarios* (the student-side half of the checks)
but never the reference implementations, the judges or the mistake catalogue, so the
child has nothing secret in memory; and what is secret on disk is hidden from it.

Isolation, in order (see :func:`isolate`):

1. its own session and process group (the worker kills the whole group), and death
   with the worker (``PR_SET_PDEATHSIG``);
2. as root: new mount and network namespaces; the course's sources, gradebook, other
   students' files and the grader's secret modules are covered by empty mounts; only
   a loopback interface (down) exists, so there is no network; then the child drops to
   an unprivileged user of its own (one per worker slot) with no supplementary groups;
3. resource limits: address space (memory), CPU seconds, number of processes (fork
   bombs), size of files it writes, open files, no core dumps;
4. a private scratch directory as working directory, HOME and TMPDIR.

Results go back to the worker as JSON lines on a pipe: plain data only.
"""
from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import resource
import signal
import sys
import tempfile
import time
from dataclasses import dataclass

from ..checks.runner import run_scenarios

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    cell_timeout: float = 60.0  # wall seconds per cell (and per graded function)
    notebook_timeout: float = 600.0  # wall seconds for the whole notebook (enforced by the worker)
    memory_mb: int = 2048  # address space
    max_processes: int = 64  # processes and threads the submission may have at once
    max_file_mb: int = 64  # largest file it may write
    max_output_chars: int = 20_000  # captured output kept per cell


class _Bounded(io.TextIOBase):
    """A text sink that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.size = limit, [], 0

    def write(self, s):
        s = str(s)
        if self.size < self.limit:
            self.parts.append(s[: self.limit - self.size])
        self.size += len(s)
        return len(s)

    def writable(self):
        return True

    def getvalue(self) -> str:
        text = "".join(self.parts)
        return text + (f"\n[... {self.size - self.limit} more characters of output cut]" if self.size > self.limit else "")


class CellTimeout(KeyboardInterrupt):
    """Raised in the student's code when a cell runs past its time (IPython catches it)."""


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mount(libc, source: bytes, target: str, fstype: bytes | None, flags: int, data: bytes | None) -> bool:
    return libc.mount(source, target.encode(), fstype, flags, data) == 0


SYSTEM_DIRS = frozenset({"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "dev", "proc", "sys"})


def public_packages() -> list[str]:
    """Folders of the packages a submission may import: site-packages and the course's
    public packages (whose secret sub-folders are hidden afterwards)."""
    import site

    import mlpkit

    import autograder

    paths = list(site.getsitepackages())
    paths += [os.path.dirname(mlpkit.__file__), os.path.dirname(autograder.__file__)]
    return paths


def confine(libc, needed: list[str]) -> int:
    """Leave only the system folders and ``needed`` paths visible, in this mount namespace.

    Every other top-level folder (``/home``, ``/root``, ``/tmp``, ``/work``, ``/opt``,
    ``/var``, ...) is covered by an empty tmpfs, so copies of solutions or gradebooks
    anywhere on the machine are out of reach; the needed paths (the Python installation,
    the virtual environment, import paths, the scratch folder) are bind-mounted back at
    their own locations. Returns how many top-level folders were covered.
    """
    staging = tempfile.mkdtemp(prefix="sandbox-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    held = []
    for k, path in enumerate(sorted({os.path.realpath(p) for p in needed if p and os.path.isabs(p) and os.path.exists(p)})):
        hold = os.path.join(staging, str(k))
        os.makedirs(hold, exist_ok=True) if os.path.isdir(path) else open(hold, "a").close()
        if _mount(libc, path.encode(), hold, None, MS_BIND | MS_REC, None):
            held.append((path, hold))
    covered = 0
    for top in sorted(os.listdir("/")):
        full = "/" + top
        if top in SYSTEM_DIRS or not os.path.isdir(full) or os.path.islink(full):
            continue
        covered += _mount(libc, b"tmpfs", full, b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=755")
    for path, hold in held:
        if os.path.isdir(hold):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
        _mount(libc, hold.encode(), path, None, MS_BIND | MS_REC, None)
    return covered


def isolate(scratch: str, hide: list[str], uid: int | None, limits: Limits) -> list[str]:
    """Apply every isolation this process is allowed to; return what was enforced."""
    enforced = []
    os.setsid()
    libc = _libc()
    with contextlib.suppress(Exception):
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.geteuid() == 0 and uid is not None:
        if libc.unshare(CLONE_NEWNS | CLONE_NEWNET) == 0:
            enforced.append("no network (own network namespace)")
            _mount(libc, b"none", "/", None, MS_REC | MS_PRIVATE, None)
            needed = [sys.prefix, sys.base_prefix, sys.exec_prefix, scratch, *public_packages()]
            covered = confine(libc, needed)
            enforced.append(f"file system confined: {covered} top-level folders replaced by empty ones, "
                            "only Python, its packages and the scratch folder mounted back")
            hidden = 0
            for path in hide:
                if os.path.isdir(path):
                    ok = _mount(libc, b"tmpfs", path, b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, b"size=4k,mode=000")
                elif os.path.exists(path):
                    ok = _mount(libc, b"/dev/null", path, None, MS_BIND, None)
                else:
                    continue
                hidden += ok
            enforced.append(f"{hidden} secret paths hidden (own mount namespace)")
        os.chown(scratch, uid, uid)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        enforced.append(f"unprivileged user {uid}")
    os.chdir(scratch)
    for var, value in {"HOME": scratch, "TMPDIR": scratch, "MPLBACKEND": "Agg", "MPLCONFIGDIR": scratch}.items():
        os.environ[var] = value
    mem = limits.memory_mb * 2**20
    cpu = int(limits.notebook_timeout) + 5
    rl = [
        (resource.RLIMIT_AS, mem, f"memory {limits.memory_mb} MB"),
        (resource.RLIMIT_CPU, cpu, f"CPU {cpu} s"),
        (resource.RLIMIT_FSIZE, limits.max_file_mb * 2**20, f"files up to {limits.max_file_mb} MB"),
        (resource.RLIMIT_CORE, 0, "no core dumps"),
        (resource.RLIMIT_NOFILE, 256, "256 open files"),
    ]
    nproc = limits.max_processes if uid is not None and os.getuid() == uid else _own_process_count() + limits.max_processes
    rl.append((resource.RLIMIT_NPROC, nproc, f"{nproc} processes"))
    for which, value, text in rl:
        try:
            resource.setrlimit(which, (value, value))
            enforced.append(text)
        except (ValueError, OSError):
            pass
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing us
    return enforced


def _own_process_count() -> int:
    """Processes and threads of this user (RLIMIT_NPROC counts both)."""
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                st = os.stat(f"/proc/{entry}")
                if st.st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


class _Channel:
    """JSON lines to the worker. Captured at start, before any student code runs."""

    def __init__(self, fd: int):
        self.fd = fd
        self.write = os.write
        self.dumps = json.dumps

    def send(self, message: dict) -> None:
        data = (self.dumps(message) + "\n").encode()
        view = memoryview(data)
        while view:
            n = self.write(self.fd, view)
            view = view[n:]


def _timer(seconds: float):
    def fire(signum, frame):
        raise CellTimeout(f"the cell ran for more than {seconds:g} s")

    signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _stop_timer():
    signal.setitimer(signal.ITIMER_REAL, 0)


def run_steps(shell, steps: list[dict], channel: _Channel, limits: Limits) -> None:
    """Execute the plan: code cells through IPython, grade steps through the scenarios."""
    for index, step in enumerate(steps):
        out = _Bounded(limits.max_output_chars)
        start = time.monotonic()
        if step["kind"] == "code":
            error = ""
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                try:
                    _timer(limits.cell_timeout)
                    result = shell.run_cell(step["source"], store_history=False)
                    _stop_timer()
                    exc = result.error_before_exec or result.error_in_exec
                    if exc is not None:
                        error = f"{type(exc).__name__}: {exc}"[:500]
                except BaseException as exc:  # noqa: BLE001 - the timer can fire outside run_cell's own guard
                    _stop_timer()
                    error = f"{type(exc).__name__}: {exc}"[:500]
            channel.send({"type": "cell", "index": index, "error": error, "output": out.getvalue(),
                          "seconds": round(time.monotonic() - start, 3)})
        else:
            plain, error = None, ""
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                try:
                    _timer(limits.cell_timeout)
                    plain = run_scenarios(shell.user_ns, step["scenarios"])
                    _stop_timer()
                except BaseException as exc:  # noqa: BLE001 - a timeout or anything that escaped
                    _stop_timer()
                    error = (f"the checks of `{step['function']}` ran for more than {limits.cell_timeout:g} s"
                             if isinstance(exc, KeyboardInterrupt) else f"{type(exc).__name__}: {exc}"[:500])
            channel.send({"type": "grade", "index": index, "function": step["function"], "plain": plain,
                          "error": error, "seconds": round(time.monotonic() - start, 3)})
    channel.send({"type": "done"})


def child_main(shell, steps: list[dict], fd: int, scratch: str, hide: list[str], uid: int | None, limits: Limits) -> None:
    """Entry point of the forked child; never returns."""
    code = 0
    try:
        channel = _Channel(fd)
        enforced = isolate(scratch, hide, uid, limits)
        channel.send({"type": "isolation", "enforced": enforced})
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.stdin = open(os.devnull)  # noqa: SIM115 - input() in student code gets EOF at once
        run_steps(shell, steps, channel, limits)
    except BaseException:  # noqa: BLE001
        code = 70
    finally:
        os._exit(code)
