"""Keep the course site readable offline.

1. **MathJax from the site, not a CDN.** The MathJax 3 files come from the
   ``django-static-mathjax`` package on PyPI (MathJax 3.2.x, installed with the ``book``
   extra), so nothing that a registry provides is committed. After an HTML build this
   extension copies MathJax's ``es5`` folder into ``<outdir>/_static/mathjax`` and checks
   that Sphinx's ``mathjax_path`` (set in ``_config.yml``) names a file of that copy.
2. **No remote script or stylesheet.** Every page's script and CSS files must be local;
   a remote one is reported as a warning, which fails the strict build.
3. **No duplicated inline scripts.** sphinx-thebe registers its inline configuration
   script (``const THEBE_JS_URL = ...``) twice under Sphinx 7, which makes the browser
   throw "Identifier has already been declared"; identical inline scripts are kept once.
"""
from __future__ import annotations

import shutil
from importlib import metadata, resources
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where the copy goes, relative to the HTML output folder.
TARGET = Path("_static") / "mathjax"

#: Top-level files of MathJax's es5 folder that are never served: ``latest.js`` loads
#: MathJax from a CDN, the others are bundles for Node or for other input/output choices.
SKIPPED_TOP_LEVEL = frozenset({
    "latest.js",
    "node-main.js",
    "mml-svg.js",
    "tex-mml-svg.js",
    "tex-svg.js",
    "tex-svg-full.js",
})

PACKAGE = "django-static-mathjax"


def mathjax_source() -> Path:
    """Return the installed MathJax 3 ``es5`` folder.

    Raises
    ------
    ExtensionError
        When ``django-static-mathjax`` is not installed or holds no MathJax 3.
    """
    try:
        root = Path(str(resources.files("mathjax"))) / "static" / "mathjax"
    except ModuleNotFoundError as err:  # pragma: no cover - depends on the install
        raise ExtensionError(f"MathJax is not installed: pip install '{PACKAGE}>=3.2.2,<3.3'") from err
    es5 = root / "es5"
    if not (es5 / "startup.js").is_file():
        raise ExtensionError(f"no MathJax 3 es5 folder found at {es5}")
    return es5


def _is_remote(url: str) -> bool:
    return "://" in url or url.startswith("//")


def _ignore(directory: str, names: list[str]) -> set[str]:
    if Path(directory) == mathjax_source():
        return {name for name in names if name in SKIPPED_TOP_LEVEL}
    return set()


def check_config(app: Sphinx) -> None:
    """Refuse a ``mathjax_path`` that would load MathJax from outside the site."""
    if app.builder.format != "html":
        return
    path = app.config.mathjax_path
    if _is_remote(path):
        raise ConfigError(
            f"mathjax_path={path!r} loads MathJax from the network; use a path "
            f"under {TARGET.parent}/ such as 'mathjax/tex-mml-chtml.js'"
        )
    relative = Path(path)
    if relative.parts[:1] != ("mathjax",) or relative.name in SKIPPED_TOP_LEVEL:
        raise ConfigError(f"mathjax_path={path!r} is not a file of the local MathJax copy")
    if not (mathjax_source() / Path(*relative.parts[1:])).is_file():
        raise ConfigError(f"mathjax_path={path!r}: no such file in {mathjax_source()}")


def check_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Drop repeated inline scripts; warn about any remote script or stylesheet."""
    scripts = context.get("script_files")
    if scripts is not None:
        seen, unique = set(), []
        for script in scripts:
            attributes = getattr(script, "attributes", {}) or {}
            filename = getattr(script, "filename", script) or ""  # None and "" both mean inline
            key = (str(filename), tuple(sorted(attributes.items())))
            if key not in seen:
                seen.add(key)
                unique.append(script)
        context["script_files"] = unique
    for kind in ("script_files", "css_files"):
        for asset in context.get(kind) or ():
            url = str(getattr(asset, "filename", asset) or "")
            if url and _is_remote(url):
                logger.warning(
                    "%s loads %s from the network; the site must work offline", pagename, url,
                    type="offline_site", subtype="remote_asset",
                )


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Copy MathJax's es5 folder into ``<outdir>/_static/mathjax`` (HTML builds only)."""
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / TARGET
    stamp = target / ".version"
    version = metadata.version(PACKAGE)
    if stamp.is_file() and stamp.read_text(encoding="utf8") == version:
        return  # already copied from this version
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=_ignore)
    stamp.write_text(version, encoding="utf8")
    logger.info("copied MathJax %s from %s to %s", version, source, target)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", check_config)
    app.connect("html-page-context", check_page_assets)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
