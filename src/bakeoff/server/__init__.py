"""``bakeoff serve``: a REST API and a live dashboard over a store (``bakeoff[server]``).

::

    from bakeoff.server import ServerSettings, create_app

    app = create_app(ServerSettings("sqlite:///bakeoff.db"))   # any ASGI server runs it
"""

from bakeoff._optional import import_optional

import_optional("fastapi", extra="server", purpose="bakeoff serve")

from bakeoff.server._app import create_app  # noqa: E402
from bakeoff.server._settings import ServerSettings, check_bind, is_loopback  # noqa: E402

__all__ = ["ServerSettings", "check_bind", "create_app", "is_loopback"]
