"""Time a clean build of the course site and an unchanged rebuild.

Usage (from the repository root)::

    .venv/bin/python bench/build_book.py

Deletes ``_build`` (which holds the jupyter-cache of executed pages) and any
``.jupyter_cache`` folder, builds the book strictly (the same command as ``make book``),
then builds it again without changing anything. Prints both wall-clock times in seconds,
whether they meet the targets (clean under 5 minutes, unchanged rebuild under 30
seconds on the 2-core machine) and the number of build-time figures on each page.
Exits non-zero if a build fails.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD_FLAGS = ("--warningiserror", "--nitpick", "--keep-going")
CLEAN_TARGET_S = 300.0
REBUILD_TARGET_S = 30.0


def jupyter_book() -> str:
    candidate = Path(sys.executable).with_name("jupyter-book")
    return str(candidate) if candidate.is_file() else (shutil.which("jupyter-book") or "jupyter-book")


def build(env: dict[str, str]) -> float:
    """Run one strict build; return its wall-clock time in seconds."""
    command = [jupyter_book(), "build", str(ROOT), *BUILD_FLAGS]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        log = (result.stdout + result.stderr).splitlines()
        sys.stderr.write("\n".join(log[-60:]) + "\n")
        raise SystemExit(f"build failed (exit {result.returncode}): {' '.join(command)}")
    return elapsed


def toc_docnames() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    names = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                if isinstance(value, (dict, list)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return list(dict.fromkeys(re.sub(r"\.(md|ipynb)$", "", n) for n in names))


def figure_counts() -> dict[str, int]:
    """Images produced by executed cells (served from _images/) on each toc page."""
    counts = {}
    for docname in toc_docnames():
        html = (ROOT / "_build" / "html" / f"{docname}.html").read_text(encoding="utf8")
        counts[docname] = len(re.findall(r'<img[^>]*src="[^"]*_images/', html))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("MPLBACKEND", None)  # page kernels must use the inline backend to produce figures
    for stale in (ROOT / "_build", ROOT / ".jupyter_cache"):
        shutil.rmtree(stale, ignore_errors=True)

    clean = build(env)
    rebuild = build(env)

    print(f"clean build:        {clean:7.1f} s  (target < {CLEAN_TARGET_S:.0f} s: "
          f"{'ok' if clean < CLEAN_TARGET_S else 'MISSED'})")
    print(f"unchanged rebuild:  {rebuild:7.1f} s  (target < {REBUILD_TARGET_S:.0f} s: "
          f"{'ok' if rebuild < REBUILD_TARGET_S else 'MISSED'})")
    print(f"cpu cores:          {os.cpu_count()}")
    print("figures per page:")
    for docname, count in figure_counts().items():
        print(f"  {docname:40s} {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
