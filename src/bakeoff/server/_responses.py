"""JSON written once.

Responses are serialised with the standard library (no per-field encoding pass), and an LRU
holds answers keyed by the study's stamp.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from fastapi.responses import Response

__all__ = ["ResponseCache", "json_bytes", "json_response"]


def json_bytes(document: Any) -> bytes:
    """``document`` (already strict JSON values: see ``clean``) as compact UTF-8."""
    return json.dumps(document, allow_nan=False, separators=(",", ":")).encode("utf-8")


def json_response(body: bytes | Any, status: int = 200) -> Response:
    """A JSON response from bytes or from a document."""
    content = body if isinstance(body, bytes) else json_bytes(body)
    return Response(content, status_code=status, media_type="application/json")


class ResponseCache:
    """The last ``size`` answers by key.

    A key holds the study's stamp, so an answer is never served after the study changed.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> bytes | None:
        """The answer held for ``key``, or ``None``; never computes."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, body: bytes) -> None:
        """Keep ``body`` as the answer for ``key``."""
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> bytes:
        """The answer for ``key``, computed and kept if it is not held."""
        found = self.peek(key)
        if found is not None:
            return found
        body = json_bytes(compute())
        self.put(key, body)
        return body
