"""``bakeoff serve``: the REST API and the live dashboard (``bakeoff[server]``)."""

from __future__ import annotations

from pathlib import Path

import typer

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage


@app.command()
def serve(
    storage: str | None = typer.Option(None, "--storage", "-s", help=STORAGE_HELP),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on. Anything but a loopback address needs --token (or --insecure).",
    ),
    port: int = typer.Option(8080, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    token: str | None = typer.Option(
        None,
        "--token",
        help="Bearer token that allows writes (submitting and cancelling studies). Default: "
        "$BAKEOFF_TOKEN. Without one the server is read-only.",
        show_default=False,
    ),
    insecure: bool = typer.Option(
        False,
        "--insecure",
        help="Allow listening on a non-loopback address without a token (read-only).",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        "-w",
        min=1,
        max=64,
        help="Server processes (uvicorn workers) sharing the port: more answers per second "
        "on a machine with cores to spare.",
    ),
    results_dir: Path = typer.Option(
        Path("bakeoff-server"),
        "--results-dir",
        help="The one folder the server writes files to: submitted specs and their runs' logs.",
    ),
) -> None:
    """Serve the store: REST API under /api/v1 (docs at /docs) and a live dashboard.

    Reads any store `bakeoff results` reads, while studies run. With a token, studies can
    be submitted and cancelled over HTTP.
    """
    from bakeoff._optional import import_optional

    import_optional("uvicorn", extra="server", purpose="bakeoff serve")
    import_optional("fastapi", extra="server", purpose="bakeoff serve")
    import uvicorn

    from bakeoff.server import ServerSettings, check_bind, create_app
    from bakeoff.server._settings import settings_to_environment
    from bakeoff.store import DEFAULT_STORAGE

    url = storage or default_storage() or DEFAULT_STORAGE
    settings = ServerSettings.from_environment(url, token, results_dir=results_dir)
    check_bind(host, token=settings.token, insecure=insecure)
    # Opened here once even with several workers: a store that cannot be read is
    # reported before any worker starts.
    application = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Serving {url} at http://{shown}:{port}/ (API docs at /docs)", markup=False)
    if settings.read_only:
        console.print(
            "Read-only: no token is set, so studies cannot be submitted or cancelled. "
            "Restart with --token TOKEN (or $BAKEOFF_TOKEN set) to allow it.",
            markup=False,
        )
    else:
        console.print(
            f"Writes need 'Authorization: Bearer TOKEN'; submitted studies and their logs "
            f"go to {results_dir.resolve()}.",
            markup=False,
        )
    options = {"host": host, "port": port, "log_level": "warning", "access_log": False}
    if workers == 1:
        uvicorn.run(application, **options)  # type: ignore[arg-type]
        return
    settings_to_environment(settings)
    uvicorn.run(
        "bakeoff.server._app:app_from_environment",
        factory=True,
        workers=workers,
        **options,  # type: ignore[arg-type]
    )
