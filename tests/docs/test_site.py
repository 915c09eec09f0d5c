"""The documentation site builds with --strict, offline, with its generated reference."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).parents[2]

pytest.importorskip("mkdocs", reason='needs pip install -e ".[docs]"')
pytest.importorskip("fastapi", reason="the REST API reference needs the server extra")

pytestmark = pytest.mark.slow

#: Attributes that make a browser fetch something as the page loads (not links one clicks).
_TAG = re.compile(r"<(script|link|img|iframe|source|audio|video|embed|object)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)=[\"']([^\"']*)[\"']")
_LINK_LOADS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
_CSS_URL = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(https?:)?//", flags=re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for tag in _TAG.finditer(html):
            name, attributes = tag.group(1).lower(), tag.group(2)
            values = dict((key.lower(), value) for key, value in _ATTRIBUTE.findall(attributes))
            if name == "link" and values.get("rel", "").lower() not in _LINK_LOADS:
                continue  # canonical, alternate, ...: an address, not a download
            for key in ("src", "href", "data", "srcset"):
                url = values.get(key, "")
                host = urlparse(url.strip().split(" ")[0]).netloc
                assert not host, f"{page.relative_to(site)}: <{name} {key}> loads {url}"
        # Material fetches Mermaid from a CDN only for a diagram: there must be none.
        assert 'class="mermaid"' not in html, page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
    for sheet in site.rglob("*.css"):
        assert not _CSS_URL.search(sheet.read_text(encoding="utf-8")), sheet


def test_the_generated_reference_pages_are_in_the_site(site: Path) -> None:
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "bakeoff run" in cli and "--tuning-trials" in cli
    schema = (site / "reference" / "study-schema.html").read_text(encoding="utf-8")
    assert "n_trials" in schema and "lease_seconds" in schema
    assert (site / "reference" / "study-schema.json").is_file()
    assert "csmf_accuracy" in (site / "reference" / "metrics.html").read_text(encoding="utf-8")
    python_api = (site / "reference" / "python" / "bakeoff.html").read_text(encoding="utf-8")
    assert 'id="bakeoff.register_estimator"' in python_api
    assert 'id="bakeoff.Study.run"' in python_api
    # Google-style sections are parsed into tables, not left as text.
    for page in (site / "reference" / "python").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Args:" not in html, page.name  # rendered as a "Parameters:" table
    assert "Parameters:" in python_api and "Raises:" in python_api


def test_the_rest_reference_lists_every_route_of_the_server(site: Path) -> None:
    import json

    from bakeoff.server import _routes_read, _routes_write

    document = json.loads((site / "reference" / "openapi.json").read_text(encoding="utf-8"))
    page = (site / "reference" / "rest-api.html").read_text(encoding="utf-8")
    # The routers' own routes, read write, as the app includes them.
    routes = [
        route
        for router in (_routes_read.router, _routes_write.router)
        for route in router.routes
        if getattr(route, "include_in_schema", False)
    ]
    assert len(routes) > 5
    for route in routes:
        assert route.path in document["paths"], route.path
        assert route.path in page, route.path
    # A JSON body's fields are listed with their defaults, as the submit route takes them.
    from bakeoff.server._routes_write import Submission

    for name, field in Submission.model_fields.items():
        assert f"<code>{name}</code>" in page, name
        if not field.is_required():
            assert f"<code>{json.dumps(field.default)}</code>" in page, name


def test_the_changelog_page_is_the_changelog_file(site: Path) -> None:
    page = (site / "changelog.html").read_text(encoding="utf-8")
    first = next(
        line[3:].strip()
        for line in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("- ")
    )
    words = re.findall(r"[A-Za-z]{5,}", first)[:3]
    assert words and all(word in page for word in words)


def test_the_python_reference_shows_no_sphinx_role(site: Path) -> None:
    # The docstrings name objects as Sphinx does (:class:`~bakeoff.models.Model`); the
    # griffe extension in docs/hooks/sphinx_roles.py shows them as code. Without it the
    # roles appear as written.
    pages = list((site / "reference" / "python").rglob("*.html"))
    assert pages
    # Markdown turns the role's backticks into <code>: ":class:<code>Model</code>".
    roles = re.compile(r":(class|func|meth|attr|data|mod|exc):(`|<code>)")
    shown = {p.name: roles.findall(p.read_text(encoding="utf-8")) for p in pages}
    assert not {name: found for name, found in shown.items() if found}
    models = (site / "reference" / "python" / "models.html").read_text(encoding="utf-8")
    assert "returns a <code>Generator</code> instead" in " ".join(models.split())
