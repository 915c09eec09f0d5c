"""The FastAPI application: the API under ``/api/v1`` and the dashboard under ``/``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bakeoff._version import __version__
from bakeoff.server._errors import BodyLimit, install_error_handlers
from bakeoff.server._queries import StoreReader
from bakeoff.server._responses import ResponseCache
from bakeoff.server._runs import RunManager
from bakeoff.server._settings import ServerSettings
from bakeoff.server._state import ServerState
from bakeoff.server._study_data import StudyData

__all__ = ["app_from_environment", "create_app"]

_DESCRIPTION = """Read a bakeoff store while studies run, and start or cancel studies.

Reads need nothing. Writes (`POST`) need the server's token as
`Authorization: Bearer TOKEN`; a server started without one is read-only. Every error is
`{"error": {"type": ..., "message": ...}}` with a 4xx status.
"""


def create_app(settings: ServerSettings) -> FastAPI:
    """The application serving ``settings.storage``.

    The store is opened once (it must exist, as for ``bakeoff results``; a server with
    a token may create it, since it can run studies into it). No CORS headers are sent:
    browsers let only pages from this server call it.

    Examples:
        >>> from fastapi.testclient import TestClient  # doctest: +SKIP
        >>> app = create_app(ServerSettings("sqlite:///bakeoff.db"))  # doctest: +SKIP
        >>> TestClient(app).get("/api/v1/studies").json()  # doctest: +SKIP

    Raises:
        StoreError: If the store cannot be opened.
    """
    from bakeoff.server import _dashboard, _routes_read, _routes_write
    from bakeoff.store import Store

    store = Store(settings.storage, must_exist=settings.read_only)
    reader = StoreReader(store)
    runs = RunManager(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runs.close()
        store.close()

    app = FastAPI(
        title="bakeoff",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from the installed Swagger UI, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.server = ServerState(
        settings, reader, StudyData(reader, settings.storage), runs, ResponseCache()
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.include_router(_routes_read.router)
    app.include_router(_routes_write.router)
    app.include_router(_dashboard.router)
    _offline_docs(app)
    return app


def _offline_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from the installed ``swagger_ui_bundle`` package.

    The package comes with the server extra, so that the API's docs open with no network
    beyond this server.
    """
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    from bakeoff._optional import import_optional

    bundle = import_optional("swagger_ui_bundle", extra="server", purpose="the API docs page")
    app.mount("/static/swagger", StaticFiles(directory=bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="bakeoff API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )


def app_from_environment() -> FastAPI:
    """The application of one worker process of ``bakeoff serve --workers N``.

    Uvicorn calls this factory in each; the settings come from the environment.
    """
    from bakeoff.server._settings import settings_from_environment

    return create_app(settings_from_environment())
