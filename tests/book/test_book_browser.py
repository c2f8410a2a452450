"""Every page of the built site in headless Chromium, served on 127.0.0.1 only.

For each page of ``_toc.yml``: no console errors, maths typeset by MathJax 3 where the
page has maths, every image loaded, and no request leaving localhost (requests to
anywhere else are recorded and aborted, so the test never reaches the network). A
full-page screenshot of each page goes to ``_build/screenshots/<page>.png``.

Uses Debian's ``chromium`` (installed by the test set-up, ``make browser``) through
Playwright for Python; Playwright's own browser downloads are never used.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .book_site import BUILD_DIR

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = BUILD_DIR / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
PAGE_TIMEOUT_MS = 60_000

WAIT_FOR_MATHJAX = """
async () => {
  if (!window.MathJax || !window.MathJax.startup || !window.MathJax.startup.promise) {
    return false;
  }
  await window.MathJax.startup.promise;
  return true;
}
"""

MATH_REPORT = """
() => {
  const maths = Array.from(document.querySelectorAll('.math'));
  return {
    math_elements: maths.length,
    containers: document.querySelectorAll('mjx-container').length,
    untypeset: maths.filter(e => !e.querySelector('mjx-container')).length,
    errors: document.querySelectorAll('mjx-merror').length,
  };
}
"""

BROKEN_IMAGES = """
async () => {
  const images = Array.from(document.images);
  for (const img of images) { img.loading = 'eager'; }
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src);
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="module")
def site_url(built_book):
    """Serve the built site on 127.0.0.1 (a free port) with a threaded http.server."""
    handler = functools.partial(_QuietHandler, directory=str(built_book.html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS


def screenshot_name(docname: str) -> str:
    return docname.removeprefix("book/").replace("/", "__") + ".png"


def visit(browser, url: str, screenshot: Path) -> dict:
    """Load one page; return what it requested, logged and rendered."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    report = {"remote": [], "console_errors": [], "page_errors": [], "failed": []}

    def route(route_):
        if is_local(route_.request.url):
            route_.continue_()
        else:
            report["remote"].append(route_.request.url)
            route_.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and report["console_errors"].append(msg.text))
    page.on("pageerror", lambda err: report["page_errors"].append(str(err)))
    page.on("requestfailed", lambda req: is_local(req.url) and report["failed"].append(req.url))
    page.on(
        "response",
        lambda resp: resp.status >= 400 and report["failed"].append(f"{resp.status} {resp.url}"),
    )
    try:
        page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        report["mathjax_loaded"] = page.evaluate(WAIT_FOR_MATHJAX)
        page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
        report["math"] = page.evaluate(MATH_REPORT)
        report["broken_images"] = page.evaluate(BROKEN_IMAGES)
        report["images"] = page.evaluate("() => document.images.length")
        page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    return report


@pytest.fixture(scope="module")
def page_reports(built_book, site_url, browser) -> dict[str, dict]:
    """Visit every toc page once; the tests below check the reports."""
    reports = {}
    for docname in built_book.docnames:
        reports[docname] = visit(
            browser, f"{site_url}/{docname}.html", SCREENSHOT_DIR / screenshot_name(docname)
        )
    return reports


def page_has_maths(built_book, docname: str) -> bool:
    html = built_book.html_path(docname).read_text(encoding="utf8")
    return 'class="math' in html


def test_no_request_leaves_localhost(page_reports):
    remote = {d: r["remote"] for d, r in page_reports.items() if r["remote"]}
    assert not remote, f"pages requesting non-local URLs (aborted): {remote}"


def test_no_console_errors_or_failed_requests(page_reports):
    problems = {
        d: {k: r[k] for k in ("console_errors", "page_errors", "failed") if r[k]}
        for d, r in page_reports.items()
        if r["console_errors"] or r["page_errors"] or r["failed"]
    }
    assert not problems, f"pages with console errors or failed requests: {problems}"


def test_maths_is_typeset(built_book, page_reports):
    pages_with_maths = [d for d in built_book.docnames if page_has_maths(built_book, d)]
    assert "book/intro" in pages_with_maths, "the introduction should have maths"
    for docname in pages_with_maths:
        report = page_reports[docname]
        assert report["mathjax_loaded"], f"{docname}: MathJax did not start"
        math = report["math"]
        assert math["containers"] > 0, f"{docname}: no mjx-container (maths not typeset): {math}"
        assert math["untypeset"] == 0, f"{docname}: {math['untypeset']} maths elements not typeset"
        assert math["errors"] == 0, f"{docname}: {math['errors']} TeX errors (mjx-merror)"


def test_every_image_loads(page_reports):
    broken = {d: r["broken_images"] for d, r in page_reports.items() if r["broken_images"]}
    assert not broken, f"images that did not load (naturalWidth 0): {broken}"
    assert page_reports["book/intro"]["images"] >= 1, "the introduction's figure is missing"


def test_every_page_has_a_screenshot(built_book, page_reports):
    for docname in built_book.docnames:
        shot = SCREENSHOT_DIR / screenshot_name(docname)
        assert shot.is_file() and shot.stat().st_size > 10_000, f"no usable screenshot {shot}"
