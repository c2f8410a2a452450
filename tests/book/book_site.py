"""Helpers of the book tests: the table of contents, downloads, and the strict build.

The build runs Jupyter Book's CLI exactly as CI and ``make book`` do
(``--warningiserror --nitpick --keep-going``) into the default ``_build`` folder, so a
later ``make book`` (or a second test run) reuses its execution cache.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = ROOT / "book" / "_ext"
if str(EXTENSIONS) not in sys.path:
    sys.path.append(str(EXTENSIONS))
BUILD_DIR = ROOT / "_build"
HTML_DIR = BUILD_DIR / "html"
BUILD_FLAGS = ("--warningiserror", "--nitpick", "--keep-going")
BUILD_TIMEOUT_S = 1200
LOG_TAIL_LINES = 80

#: ``{download}`target <path>``` or ``{download}`path``` in a MyST page.
DOWNLOAD_ROLE = re.compile(r"\{download\}`(?:[^`<]*<([^>`]+)>|([^`<]+))`")


@dataclass(frozen=True)
class BuiltBook:
    """Where the strictly built site is, and which pages the table of contents lists."""

    html_dir: Path
    docnames: tuple[str, ...]  # e.g. ("book/intro", "book/01_losses")
    log: str

    def html_path(self, docname: str) -> Path:
        return self.html_dir / f"{docname}.html"


def toc_docnames(toc_file: Path = ROOT / "_toc.yml") -> tuple[str, ...]:
    """Every page of ``_toc.yml`` (root first, then in reading order), without suffix."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf8"))
    found: list[str] = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    names = [re.sub(r"\.(md|ipynb)$", "", name) for name in found]
    return tuple(dict.fromkeys(names))


def page_source(docname: str) -> Path:
    for suffix in (".md", ".ipynb"):
        path = ROOT / f"{docname}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no .md or .ipynb source for toc entry {docname!r}")


def download_targets(docname: str) -> list[Path]:
    """The files a page offers with the ``{download}`` role, resolved from the page."""
    source = page_source(docname)
    text = source.read_text(encoding="utf8")
    targets = []
    for match in DOWNLOAD_ROLE.finditer(text):
        target = (match.group(1) or match.group(2)).strip()
        targets.append((source.parent / target).resolve())
    return targets


def jupyter_book_executable() -> str:
    candidate = Path(sys.executable).with_name("jupyter-book")
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed (pip install -e '.[book]')")
    return found


def build_environment() -> dict[str, str]:
    """The build's environment: the repository importable by the page kernels."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    env.pop("MPLBACKEND", None)  # page kernels must use the inline backend to produce figures
    return env


def _ensure_exercises(docnames: tuple[str, ...], env: dict[str, str]) -> None:
    """Generate the student notebooks if a page offers one that does not exist yet."""
    missing = [t for d in docnames for t in download_targets(d) if not t.exists()]
    if missing and (ROOT / "autograder" / "__main__.py").is_file():
        subprocess.run(
            [sys.executable, "-m", "autograder", "release"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
        )
        missing = [t for t in missing if not t.exists()]
    if missing:
        listed = ", ".join(str(t.relative_to(ROOT)) for t in missing)
        pytest.fail(f"pages offer downloads that do not exist: {listed}")


def build_book() -> BuiltBook:
    """Build the book strictly once per session; fail with the log's tail on error."""
    env = build_environment()
    docnames = toc_docnames()
    _ensure_exercises(docnames, env)
    # Matplotlib writes "building the font cache" to stderr on its first import on a new
    # machine; do that here, not inside a page kernel whose stderr would reach the page.
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.pyplot"],
        env=env, capture_output=True, timeout=300, check=False,
    )
    # A fresh html folder: Sphinx never deletes files a page stopped offering (downloads,
    # images), so an old _build/html could hold anything. The execution cache and the
    # Sphinx environment stay, so unchanged pages are not executed again.
    shutil.rmtree(HTML_DIR, ignore_errors=True)
    command = [jupyter_book_executable(), "build", str(ROOT), *BUILD_FLAGS]
    try:
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=BUILD_TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"book build took more than {BUILD_TIMEOUT_S} s: {' '.join(command)}\n{err}")
    log = result.stdout + result.stderr
    if result.returncode != 0:
        tail = "\n".join(log.splitlines()[-LOG_TAIL_LINES:])
        pytest.fail(
            f"strict book build failed (exit {result.returncode}): {' '.join(command)}\n"
            f"--- last {LOG_TAIL_LINES} lines of the build log ---\n{tail}"
        )
    return BuiltBook(html_dir=HTML_DIR, docnames=docnames, log=log)
