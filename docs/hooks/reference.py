"""MkDocs hook: the reference pages generated from the code when the site is built.

The command line from the Typer app, the study file from the pydantic models, the metrics
from their registry and the REST API from the FastAPI app's OpenAPI document. None of them
is written into ``docs/``, so none can go stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import cli_page
import metrics_page
import rest_page
import schema_page


def pages() -> dict[str, str]:
    """Each generated file's path under ``docs/`` and its content."""
    schema = schema_page.study_schema()
    document = rest_page.openapi()
    return {
        "reference/cli.md": cli_page.render(cli_page.load_app()),
        "reference/study-schema.md": schema_page.render(schema),
        "reference/study-schema.json": json.dumps(schema, indent=2) + "\n",
        "reference/metrics.md": metrics_page.render(metrics_page.registered()),
        "reference/rest-api.md": rest_page.render(document),
        "reference/openapi.json": json.dumps(document, indent=2) + "\n",
    }


def on_config(config: Any) -> Any:
    """Every pack's page (``docs/packs/*.md``) joins "Domain studies" in the navigation.

    A pack adds its page and nothing else: the strict build would refuse a page left out
    of the navigation.
    """
    docs = Path(config["docs_dir"])
    for section in config["nav"] or []:
        if isinstance(section, dict) and "Domain studies" in section:
            pages = section["Domain studies"]
            listed = {next(iter(entry.values())) for entry in pages if isinstance(entry, dict)}
            for page in sorted((docs / "packs").glob("*.md")):
                path = page.relative_to(docs).as_posix()
                if path not in listed:
                    title = page.read_text(encoding="utf-8").partition("\n")[0].lstrip("# ")
                    pages.append({title or page.stem: path})
    return config


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages to the site's files."""
    from mkdocs.structure.files import File

    for path, content in pages().items():
        files.append(File.generated(config, path, content=content))
    return files
