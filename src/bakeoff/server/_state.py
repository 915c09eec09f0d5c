"""What every route shares: the settings, the open store and the caches."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from bakeoff.server._queries import StoreReader
from bakeoff.server._responses import ResponseCache
from bakeoff.server._runs import RunManager
from bakeoff.server._settings import ServerSettings
from bakeoff.server._study_data import StudyData

__all__ = ["ServerState", "server_state"]


@dataclass
class ServerState:
    """The app's shared objects (``app.state.server``)."""

    settings: ServerSettings
    reader: StoreReader
    data: StudyData
    runs: RunManager
    pages: ResponseCache


async def server_state(request: Request) -> ServerState:
    """A dependency: the app's shared objects (async: no thread hop to get them)."""
    state: ServerState = request.app.state.server
    return state
