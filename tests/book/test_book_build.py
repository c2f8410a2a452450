"""The strict build of the site: every toc page built, offline assets, exercise downloads.

The build itself (``--warningiserror --nitpick --keep-going``) is the ``built_book``
fixture; a warning, a broken reference or a failing cell makes every test here fail.
"""
from __future__ import annotations

import filecmp
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .book_site import ROOT, download_targets

pytestmark = pytest.mark.slow

#: Chapter pages are named ``book/NN_<topic>``; each offers its exercise notebook.
CHAPTER_PAGE = re.compile(r"^book/(\d\d)_[\w-]+$")
LOCAL_MATHJAX = "_static/mathjax/tex-mml-chtml.js"


class _AssetCollector(HTMLParser):
    """Collect every URL a page loads (scripts, styles, images, frames, media) or links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loaded: list[str] = []
        self.links: list[str] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("class"):
            self.classes.append(attrs["class"])
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and attrs.get("src"):
            self.loaded.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if rel not in {"index", "search", "next", "prev", "canonical", "author", "license"}:
                self.loaded.append(attrs["href"])
        if tag == "object" and attrs.get("data"):
            self.loaded.append(attrs["data"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def parse_page(path: Path) -> _AssetCollector:
    collector = _AssetCollector()
    collector.feed(path.read_text(encoding="utf8"))
    return collector


def is_remote(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss", "ftp"} or url.startswith("//")


def resolve_local(page: Path, url: str) -> Path:
    return (page.parent / unquote(urlsplit(url).path)).resolve()


def test_every_toc_page_is_built(built_book):
    missing = [d for d in built_book.docnames if not built_book.html_path(d).is_file()]
    assert not missing, f"toc pages without a built HTML page: {missing}"
    assert (built_book.html_dir / "index.html").is_file(), "no index.html at the site root"


def test_mathjax_is_loaded_from_the_site(built_book):
    for docname in built_book.docnames:
        page = built_book.html_path(docname)
        scripts = [u for u in parse_page(page).loaded if "mathjax" in u.lower()]
        if 'class="math' not in page.read_text(encoding="utf8") and not scripts:
            continue  # Sphinx loads MathJax only on pages with maths
        assert len(scripts) == 1, f"{docname}: expected one MathJax script, found {scripts}"
        assert not is_remote(scripts[0]), f"{docname}: MathJax comes from the network: {scripts[0]}"
        target = resolve_local(page, scripts[0])
        assert target == (built_book.html_dir / LOCAL_MATHJAX).resolve(), (
            f"{docname}: MathJax script {scripts[0]} is not {LOCAL_MATHJAX}"
        )
        assert target.is_file(), f"{docname}: MathJax script {target} was not copied"
    fonts = built_book.html_dir / "_static/mathjax/output/chtml/fonts/woff-v2"
    assert (fonts / "MathJax_Main-Regular.woff").is_file(), f"MathJax fonts missing from {fonts}"
    assert not (built_book.html_dir / "_static/mathjax/latest.js").exists(), (
        "latest.js (which loads MathJax from a CDN) must not be served"
    )


def test_local_mathjax_is_an_exact_copy_of_the_installed_package(built_book):
    from offline_site import SKIPPED_TOP_LEVEL, mathjax_source

    source = mathjax_source()
    copy = built_book.html_dir / "_static" / "mathjax"
    served = {p.relative_to(copy) for p in copy.rglob("*") if p.is_file() and p.name != ".version"}
    shipped = {
        p.relative_to(source)
        for p in source.rglob("*")
        if p.is_file() and not (p.parent == source and p.name in SKIPPED_TOP_LEVEL)
    }
    assert served == shipped, (
        f"served MathJax files differ from the package: extra {sorted(served - shipped)[:5]}, "
        f"missing {sorted(shipped - served)[:5]}"
    )
    different = [str(p) for p in sorted(served) if not filecmp.cmp(copy / p, source / p, shallow=False)]
    assert not different, f"served MathJax files changed from the package: {different[:5]}"


def test_no_page_loads_a_remote_asset(built_book):
    offenders = []
    for page in sorted(built_book.html_dir.rglob("*.html")):
        remote = [u for u in parse_page(page).loaded if is_remote(u)]
        if remote:
            offenders.append((str(page.relative_to(built_book.html_dir)), remote))
    assert not offenders, f"pages loading assets from the network: {offenders}"


def test_no_stylesheet_imports_a_remote_resource(built_book):
    remote_url = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*(https?:)?//""", re.I)
    offenders = [
        str(css.relative_to(built_book.html_dir))
        for css in sorted(built_book.html_dir.rglob("*.css"))
        if remote_url.search(css.read_text(encoding="utf8", errors="replace"))
    ]
    assert not offenders, f"stylesheets referencing remote resources: {offenders}"


def test_local_links_and_assets_resolve(built_book):
    broken = []
    for docname in built_book.docnames:
        page = built_book.html_path(docname)
        parsed = parse_page(page)
        for url in parsed.loaded + parsed.links:
            parts = urlsplit(url)
            if is_remote(url) or parts.scheme in {"data", "mailto", "blob", "javascript"} or not parts.path:
                continue
            if not resolve_local(page, url).exists():
                broken.append((docname, url))
    assert not broken, f"links or assets pointing to missing files: {broken}"


def test_pages_show_no_stderr_or_tracebacks(built_book):
    for docname in built_book.docnames:
        for attribute in parse_page(built_book.html_path(docname)).classes:
            tokens = set(attribute.split())
            bad = tokens & {"stderr", "traceback", "error"} if "output" in tokens else set()
            assert not bad, f"{docname}: an executed cell shows a {sorted(bad)} output ({attribute!r})"


def test_intro_has_its_computed_figure(built_book):
    html = built_book.html_path("book/intro").read_text(encoding="utf8")
    figure = re.search(r'<figure[^>]*id="fig-intro-moons".*?</figure>', html, re.S)
    assert figure, "the introduction has no figure with id fig-intro-moons"
    images = re.findall(r'<img[^>]*src="([^"]+)"', figure.group(0))
    assert len(images) == 1, f"expected one image in fig-intro-moons, found {images}"
    image = resolve_local(built_book.html_path("book/intro"), images[0])
    assert image.suffix == ".png" and image.stat().st_size > 10_000, (
        f"the moons figure {image} is missing or implausibly small"
    )


def chapter_docnames(built_book) -> list[str]:
    return [d for d in built_book.docnames if CHAPTER_PAGE.match(d)]


def test_every_chapter_offers_its_student_notebook(built_book):
    exercises = (ROOT / "exercises").resolve()
    for docname in chapter_docnames(built_book):
        number = CHAPTER_PAGE.match(docname).group(1)
        notebooks = [t for t in download_targets(docname) if t.suffix == ".ipynb"]
        assert notebooks, f"{docname} offers no exercise notebook with the {{download}} role"
        for target in notebooks:
            assert target.is_relative_to(exercises / number), (
                f"{docname} offers {target}, which is not a student notebook of exercises/{number}/"
            )
        page = built_book.html_path(docname)
        downloads = [
            resolve_local(page, u) for u in parse_page(page).links if "_downloads/" in u
        ]
        for target in notebooks:
            served = [d for d in downloads if d.name == target.name]
            assert served, f"{docname}: no download link for {target.name} in the built page"
            assert all(filecmp.cmp(d, target, shallow=False) for d in served), (
                f"{docname}: the served {target.name} differs from {target}"
            )
