"""Nothing the site serves gives away solutions, hidden tests or reference code.

Scans every file of the built site (HTML as rendered text, notebooks as their cells,
any other text file as is) for nbgrader's solution and hidden-test markers and for
distinctive source lines of every graded reference function in
``autograder/reference``; checks that no link points into ``solutions/`` and that every
notebook offered for download is a student notebook from ``exercises/``.
"""
from __future__ import annotations

import ast
import filecmp
import json
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .book_site import ROOT, download_targets, page_source

pytestmark = pytest.mark.slow

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
#: Shorter normalised lines are too generic to identify a reference implementation.
MIN_FINGERPRINT_CHARS = 20
TEXT_SUFFIXES = {".html", ".htm", ".ipynb", ".py", ".md", ".txt", ".js", ".json", ".csv", ".tex", ".rst", ".xml", ".svg"}


def normalise(text: str) -> str:
    """Collapse every run of whitespace into one space."""
    return " ".join(text.split())


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "data"} and value:
                self.urls.append(value)

    def handle_data(self, data):
        self.parts.append(data)


def html_text_and_urls(path: Path) -> tuple[str, list[str]]:
    parser = _TextOf()
    parser.feed(path.read_text(encoding="utf8", errors="replace"))
    return "".join(parser.parts), parser.urls


def notebook_text(path: Path) -> str:
    """Sources and text outputs of every cell, plus the raw JSON (for markers).

    In a student notebook, cells that give an earlier chapter's reference code (grade ids
    ``provided_*``) are left out: they are released after that chapter on purpose, and
    whether a downloadable notebook is exactly the student version is checked apart.
    """
    raw = path.read_text(encoding="utf8", errors="replace")
    try:
        nb = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    pieces = []
    for cell in nb.get("cells", []):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("provided_"):
            continue
        source = cell.get("source", "")
        pieces.append(json.dumps(cell))  # raw cell JSON: markers and metadata
        pieces.append("".join(source) if isinstance(source, list) else source)
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            pieces.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(pieces)


def public_sources() -> str:
    """Code students receive anyway: the mlpkit toolkit and the student notebooks.

    Cells that give an earlier chapter's reference code (grade ids ``provided_*``) do not
    count: students receive them only after that chapter, so the book must not show
    that code either.
    """
    texts = [p.read_text(encoding="utf8") for p in sorted((ROOT / "mlpkit").rglob("*.py"))]
    for path in sorted((ROOT / "exercises").rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf8")).get("cells", []):
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            if not gid.startswith("provided_"):
                source = cell.get("source", "")
                texts.append("".join(source) if isinstance(source, list) else source)
    return normalise("\n".join(texts))


def _graded_functions(tree: ast.Module):
    """Public functions and the methods of public classes (dunder methods included)."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    not item.name.startswith("_") or item.name.startswith("__")
                ):
                    yield f"{node.name}.{item.name}", item


def _body_lines(source: str, func: ast.FunctionDef) -> list[str]:
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring is documentation, not solution code
    lines = []
    for statement in body:
        segment = ast.get_source_segment(source, statement) or ""
        for line in segment.splitlines():
            line = normalise(line.split("#", 1)[0] if "#" in line and '"' not in line and "'" not in line else line)
            if len(line) >= MIN_FINGERPRINT_CHARS and not line.startswith(("raise ", '"', "'", 'f"', "f'")):
                lines.append(line)
    return lines


def reference_fingerprints() -> dict[str, list[str]]:
    """Distinctive source lines of each graded reference function, keyed by its name.

    A line is distinctive when it is long enough, belongs to exactly one reference
    function, and appears in no code that students receive anyway.
    """
    by_function: dict[str, list[str]] = {}
    owners: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "autograder" / "reference").glob("*.py")):
        source = path.read_text(encoding="utf8")
        for name, func in _graded_functions(ast.parse(source)):
            qualified = f"{path.stem}.{name}"
            lines = _body_lines(source, func)
            by_function[qualified] = lines
            for line in lines:
                owners[line].add(qualified)
    public = public_sources()
    return {
        name: [line for line in lines if len(owners[line]) == 1 and line not in public]
        for name, lines in by_function.items()
    }


def served_files(html_dir: Path) -> list[Path]:
    """Every file of the site except the verified MathJax copy (see test_book_build)."""
    mathjax = html_dir / "_static" / "mathjax"
    return [p for p in sorted(html_dir.rglob("*")) if p.is_file() and not p.is_relative_to(mathjax)]


@pytest.fixture(scope="module")
def site_texts(built_book) -> dict[str, str]:
    """Normalised text of every text file of the site, keyed by its path in the site."""
    texts = {}
    for path in served_files(built_book.html_dir):
        if path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        if path.suffix.lower() in {".html", ".htm"}:
            text = html_text_and_urls(path)[0] + "\n" + path.read_text(encoding="utf8", errors="replace")
        elif path.suffix.lower() == ".ipynb":
            text = notebook_text(path)
        else:
            text = path.read_text(encoding="utf8", errors="replace")
        texts[str(path.relative_to(built_book.html_dir))] = normalise(text)
    assert texts, "the built site has no text files to scan"
    return texts


def test_fingerprints_cover_the_graded_references():
    fingerprints = reference_fingerprints()
    assert len(fingerprints) >= 20, f"found only {len(fingerprints)} reference functions to fingerprint"
    covered = sum(bool(lines) for lines in fingerprints.values())
    assert covered >= 0.8 * len(fingerprints), (
        f"only {covered} of {len(fingerprints)} reference functions have a distinctive line: "
        f"{[n for n, lines in fingerprints.items() if not lines]}"
    )


def test_no_solution_or_hidden_test_markers(site_texts):
    found = [(path, m) for path, text in site_texts.items() for m in MARKERS if m in text]
    assert not found, f"nbgrader markers in the built site: {found}"


def test_no_reference_source_code(site_texts):
    leaks = []
    for name, lines in reference_fingerprints().items():
        for line in lines:
            for path, text in site_texts.items():
                if line in text:
                    leaks.append((path, name, line))
    assert not leaks, f"source lines of reference functions in the built site: {leaks[:10]}"


def test_no_page_source_points_into_solutions(built_book):
    solutions = (ROOT / "solutions").resolve()
    offenders = []
    for docname in built_book.docnames:
        source = page_source(docname)
        offenders += [(docname, str(t)) for t in download_targets(docname) if t.is_relative_to(solutions)]
        for target in re.findall(r"\]\(([^)\s]+)", source.read_text(encoding="utf8")):
            if not re.match(r"[a-z]+:", target) and (source.parent / target).resolve().is_relative_to(solutions):
                offenders.append((docname, target))
    assert not offenders, f"pages pointing into solutions/: {offenders}"


def test_nothing_links_to_or_serves_solutions(built_book):
    linked = []
    for page in sorted(built_book.html_dir.rglob("*.html")):
        for url in html_text_and_urls(page)[1]:
            path = unquote(urlsplit(url).path)
            if "solutions/" in path or path.rstrip("/").endswith("solutions"):
                linked.append((str(page.relative_to(built_book.html_dir)), url))
    assert not linked, f"links into solutions/: {linked}"
    served = [str(p.relative_to(built_book.html_dir)) for p in served_files(built_book.html_dir)
              if "solutions" in p.relative_to(built_book.html_dir).parts]
    assert not served, f"the site serves files from a solutions folder: {served}"


def test_downloadable_notebooks_are_student_versions(built_book):
    exercises = sorted((ROOT / "exercises").rglob("*.ipynb"))
    for notebook in sorted((built_book.html_dir / "_downloads").rglob("*.ipynb")):
        same = [e for e in exercises if e.name == notebook.name and filecmp.cmp(e, notebook, shallow=False)]
        assert same, (
            f"{notebook.relative_to(built_book.html_dir)} is not identical to any student "
            f"notebook in exercises/"
        )
