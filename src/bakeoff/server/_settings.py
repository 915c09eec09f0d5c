"""What a server is started with, and the checks made before it binds."""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from bakeoff.exceptions import SpecError
from bakeoff.store._urls import absolute_sqlite_url

__all__ = ["SETTINGS_VARIABLE", "TOKEN_VARIABLE", "ServerSettings", "check_bind", "is_loopback"]

#: Environment variable holding the bearer token that allows writes.
TOKEN_VARIABLE = "BAKEOFF_TOKEN"
#: Environment variable that hands the settings to each worker process (``--workers``).
SETTINGS_VARIABLE = "BAKEOFF_SERVE_SETTINGS"

#: Largest request body accepted (a study spec is at most 1 MB as YAML; JSON is wordier).
MAX_BODY_BYTES = 2 * 2**20


@dataclass(frozen=True)
class ServerSettings:
    """The configuration of one ``bakeoff serve``.

    Attributes:
        storage: The store's URL (read by every route, written by submitted studies).
        token: The bearer token that allows writes; ``None``: the server is read-only.
        results_dir: The one folder the server writes files to (submitted specs and the
            logs of the runs it started).
        max_body_bytes: Larger request bodies are refused with 413.
        python: The interpreter that runs submitted studies (this one by default).
    """

    storage: str
    token: str | None = None
    results_dir: Path = field(default_factory=lambda: Path("bakeoff-server"))
    max_body_bytes: int = MAX_BODY_BYTES
    python: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "results_dir", Path(self.results_dir))
        # The studies the server starts run in their own folder (RESULTS_DIR/submitted):
        # a relative SQLite path would name another, new store there.
        object.__setattr__(self, "storage", absolute_sqlite_url(self.storage))

    @property
    def read_only(self) -> bool:
        """Whether writes are refused (no token configured)."""
        return not self.token

    @classmethod
    def from_environment(
        cls, storage: str, token: str | None = None, **kwargs: object
    ) -> ServerSettings:
        """Settings with the token from ``token`` or else ``$BAKEOFF_TOKEN``."""
        chosen = token or os.environ.get(TOKEN_VARIABLE) or None
        return cls(storage=storage, token=chosen, **kwargs)  # type: ignore[arg-type]


def settings_to_environment(settings: ServerSettings) -> None:
    """Put ``settings`` where worker processes started by uvicorn find them."""
    os.environ[SETTINGS_VARIABLE] = json.dumps(
        {
            "storage": settings.storage,
            "token": settings.token,
            "results_dir": str(settings.results_dir.resolve()),
            "max_body_bytes": settings.max_body_bytes,
        }
    )


def settings_from_environment() -> ServerSettings:
    """The settings :func:`settings_to_environment` stored."""
    data = json.loads(os.environ[SETTINGS_VARIABLE])
    return ServerSettings(
        storage=data["storage"],
        token=data["token"],
        results_dir=Path(data["results_dir"]),
        max_body_bytes=int(data["max_body_bytes"]),
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, *, token: str | None, insecure: bool) -> None:
    """Refuse to listen beyond this machine without a token, unless told ``insecure``.

    Raises:
        SpecError: For a non-loopback ``host`` with neither a token nor ``insecure``.
    """
    if is_loopback(host) or token or insecure:
        return
    raise SpecError(
        f"--host {host} accepts connections from other machines, and no token is set. "
        f"Set one (--token or ${TOKEN_VARIABLE}), bind to 127.0.0.1, or pass --insecure to "
        f"serve the store read-only to anyone who can reach this address"
    )
