"""Writes need the bearer token; without a configured token the server is read-only."""

from __future__ import annotations

import hmac

from fastapi import Request

from bakeoff.server._errors import ServerError
from bakeoff.server._settings import TOKEN_VARIABLE, ServerSettings

__all__ = ["READ_ONLY_MESSAGE", "require_writer", "token_matches"]

READ_ONLY_MESSAGE = (
    "this server is read-only: it was started without a token. Restart it with --token "
    f"TOKEN (or ${TOKEN_VARIABLE} set) to allow submitting and cancelling studies"
)


def token_matches(given: str, expected: str) -> bool:
    """Compare in constant time, so response times do not reveal the token's prefix."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_writer(request: Request) -> None:
    """A dependency of every write route.

    Raises:
        ServerError: 403 on a read-only server; 401 without the right bearer token.
    """
    settings: ServerSettings = request.app.state.settings
    if settings.token is None:
        raise ServerError(403, "ReadOnly", READ_ONLY_MESSAGE)
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not token_matches(given.strip(), settings.token):
        raise ServerError(
            401,
            "Unauthorized",
            "this write needs the server's token: send the header 'Authorization: Bearer TOKEN'",
        )
