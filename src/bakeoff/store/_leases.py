"""Cell claims: how several runners share one study without running a cell twice.

A runner *claims* a cell before it runs it: one conditional UPDATE sets the cell's
``owner``, ``heartbeat_at`` and ``lease_expires_at``, and succeeds only if the cell is
pending, interrupted, or running under a lease that has expired (its runner died). The
runner renews the lease while it works; every write it makes for the cell (trials, the
result, the end) is conditional on still being the owner, so a runner that lost its
claim (it stalled past its lease and another took the cell over) writes nothing.

On PostgreSQL the next claimable cell is picked with ``SELECT … FOR UPDATE SKIP
LOCKED``, so runners racing for cells never wait on each other's row locks; on SQLite
the database-wide write lock serializes the conditional UPDATEs, which is enough.

Lease times come from the runner's clock (UTC): runners on several machines need clocks
that agree to well within a lease (NTP does).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from bakeoff.exceptions import LeaseLostError
from bakeoff.store._schema import cells

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "LeaseLostError",
    "claim_next",
    "claimable",
    "dead_local_owner",
    "expire",
    "held_elsewhere",
    "new_owner",
    "owned",
    "release",
    "renew",
]

#: How long a claim lasts without renewal; runners renew it every third of that.
DEFAULT_LEASE_SECONDS = 60.0

_OPEN = ("pending", "interrupted")


def new_owner() -> str:
    """A token naming this runner: host, process and a random part (unique per run)."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def dead_local_owner(owner: str) -> bool:
    """Whether ``owner`` names a runner on this machine whose process has ended.

    Its cells need not wait for their leases to run out: a run killed with SIGKILL and
    started again at once resumes at once.
    """
    parts = owner.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname()[:100]:
        return False
    try:
        pid = int(parts[-2])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _now() -> datetime:
    return datetime.now(timezone.utc)


def claimable(now: Any, owner: Any) -> sa.ColumnElement[bool]:
    """Cells a runner may claim: open ones, ones it holds, and ones whose lease ran out.

    ``now`` and ``owner`` are values, or bound parameters of a statement built once.

    A running cell without a lease (left by a bakeoff from before leases) is claimable.
    """
    return sa.or_(
        cells.c.status.in_(_OPEN),
        sa.and_(
            cells.c.status == "running",
            sa.or_(
                cells.c.owner.is_(None),
                cells.c.owner == owner,
                cells.c.lease_expires_at.is_(None),
                cells.c.lease_expires_at < now,
            ),
        ),
    )


def owned(cell_id: int, owner: str) -> sa.ColumnElement[bool]:
    """The condition every write for a claimed cell carries."""
    return sa.and_(cells.c.id == cell_id, cells.c.owner == owner)


# A claim runs once per cell: its two statements are built once, with bound parameters,
# instead of per call (building and keying a statement cost ~1 ms of the ~3 ms a claim
# took; see docs/performance.md).
_CLAIMABLE = claimable(
    sa.bindparam("now", type_=cells.c.lease_expires_at.type), sa.bindparam("runner")
)
_CANDIDATES = (
    sa.select(cells.c.id)
    .where(cells.c.id.in_(sa.bindparam("ids", expanding=True)), _CLAIMABLE)
    .order_by(cells.c.id)
)
# Rows another runner is claiming right now are skipped, not waited for.
_CANDIDATES_LOCKED = _CANDIDATES.limit(1).with_for_update(skip_locked=True)
_CLAIM = (
    cells.update()
    .where(cells.c.id == sa.bindparam("cell"), _CLAIMABLE)
    .values(
        owner=sa.bindparam("new_owner"),
        status="running",
        heartbeat_at=sa.bindparam("heartbeat", type_=cells.c.heartbeat_at.type),
        lease_expires_at=sa.bindparam("expires", type_=cells.c.lease_expires_at.type),
        started_at=sa.func.coalesce(
            cells.c.started_at, sa.bindparam("started", type_=cells.c.started_at.type)
        ),
        error=None,
    )
)


def claim_next(
    engine: sa.Engine, cell_ids: Sequence[int], owner: str, lease_seconds: float
) -> int | None:
    """Claim the first claimable cell of ``cell_ids`` (lowest id first); its id, or None."""
    if not cell_ids:
        return None
    now = _now()
    query = _CANDIDATES_LOCKED if engine.dialect.name == "postgresql" else _CANDIDATES
    with engine.begin() as connection:
        candidates = list(
            connection.execute(
                query, {"ids": sorted(cell_ids), "now": now, "runner": owner}
            ).scalars()
        )
        for cell_id in candidates:
            # Conditional: between the SELECT and here another runner may have won it.
            claimed = connection.execute(
                _CLAIM,
                {
                    "cell": cell_id,
                    "now": now,
                    "runner": owner,
                    "new_owner": owner,
                    "heartbeat": now,
                    "expires": now + timedelta(seconds=lease_seconds),
                    "started": now,
                },
            ).rowcount
            if claimed == 1:
                return int(cell_id)
    return None


def renew(engine: sa.Engine, cell_ids: Sequence[int], owner: str, lease_seconds: float) -> set[int]:
    """Extend this runner's leases; return the ids of cells it no longer holds."""
    if not cell_ids:
        return set()
    now = _now()
    with engine.begin() as connection:
        connection.execute(
            cells.update()
            .where(cells.c.id.in_(cell_ids), cells.c.owner == owner, cells.c.status == "running")
            .values(heartbeat_at=now, lease_expires_at=now + timedelta(seconds=lease_seconds))
        )
        held = set(
            connection.execute(
                sa.select(cells.c.id).where(
                    cells.c.id.in_(cell_ids),
                    cells.c.owner == owner,
                    cells.c.status == "running",
                )
            ).scalars()
        )
    return set(cell_ids) - held


def release(engine: sa.Engine, cell_id: int, owner: str, *, error: str | None = None) -> None:
    """Give a cell up unfinished (marked interrupted), if this runner still holds it."""
    with engine.begin() as connection:
        connection.execute(
            cells.update()
            .where(owned(cell_id, owner), cells.c.status == "running")
            .values(status="interrupted", error=error or "interrupted", lease_expires_at=None)
        )


def expire(engine: sa.Engine, owner: str) -> None:
    """End the leases of ``owner`` now (its runner is known to be dead)."""
    with engine.begin() as connection:
        connection.execute(
            cells.update()
            .where(cells.c.owner == owner, cells.c.status == "running")
            .values(lease_expires_at=None)
        )


def held_elsewhere(engine: sa.Engine, cell_ids: Sequence[int], owner: str) -> list[str]:
    """Owners of the cells of ``cell_ids`` that other runners hold under a live lease."""
    if not cell_ids:
        return []
    now = _now()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(cells.c.owner).where(
                cells.c.id.in_(cell_ids),
                cells.c.status == "running",
                cells.c.owner != owner,
                cells.c.lease_expires_at >= now,
            )
        ).scalars()
        return [str(r) for r in rows]
