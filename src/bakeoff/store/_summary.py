"""What ``bakeoff status`` shows, read without SQLAlchemy when the store allows it.

Importing SQLAlchemy takes longer than the whole command should (0.15 s of a 0.3 s
goal), so an up-to-date SQLite store is read with the standard library's ``sqlite3``,
read-only, in four small queries. Anything else (PostgreSQL, a store that needs an
upgrade, an unusual URL, a study that does not exist, any error) goes through
:class:`~bakeoff.store.Store`, which explains what is wrong exactly as before.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bakeoff.exceptions import StoreError
from bakeoff.store._constants import PREFIX, SCHEMA_HEAD, VERSION_TABLE
from bakeoff.store._states import count_cell_states

__all__ = ["StudySummary", "study_summaries"]


@dataclass(frozen=True)
class StudySummary:
    """One study's line of ``bakeoff status``.

    Attributes:
        name: The study's name.
        status: The study's own status (``running``, ``complete`` ...).
        counts: Cells in design in each :attr:`CellStatus.ALL` state (zeros kept).
        n_trials: Trials recorded by those cells.
        finished_at: When its last run ended, as stored, or ``None``.
    """

    name: str
    status: str
    counts: dict[str, int]
    n_trials: int
    finished_at: str | None

    @property
    def n_cells(self) -> int:
        """Cells in the study's design."""
        return sum(self.counts.values())


def study_summaries(url: str, study: str | None = None) -> tuple[str, list[StudySummary]]:
    """(The store's URL as shown, a summary per study) for ``study`` or every study.

    Raises:
        StoreError: If the store is missing or unreadable (from :class:`Store`).
        StudyNotFoundError: If ``study`` is not in the store.
    """
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        # A new user's first `bakeoff status`, before any run: said without SQLAlchemy.
        raise StoreError.missing(url, url[len(_SQLITE) :])
    if path is not None:
        with contextlib.suppress(sqlite3.Error, _NeedsStore):
            return url, _read_sqlite(path, study)
    return _read_with_store(url, study)


class _NeedsStore(Exception):
    """The fast path cannot answer; the full store must (and will explain why)."""


_SQLITE = "sqlite:///"


def _sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (which may not exist), else ``None``."""
    if not url.startswith(_SQLITE) or "?" in url or not url[len(_SQLITE) :]:
        return None
    path = Path(url[len(_SQLITE) :]).expanduser()
    return None if path.is_dir() or url[len(_SQLITE) :] == ":memory:" else path


def _read_sqlite(path: Path, study: str | None) -> list[StudySummary]:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=5.0)
    try:
        versions = [r[0] for r in connection.execute(f"SELECT version_num FROM {VERSION_TABLE}")]
        if versions != [SCHEMA_HEAD]:
            raise _NeedsStore  # an old or new schema: the store says what to do
        query = f"SELECT id, name, status, finished_at FROM {PREFIX}studies"
        rows = connection.execute(
            query + (" WHERE name = ?" if study else "") + " ORDER BY name",
            (study,) if study else (),
        ).fetchall()
        if study and not rows:
            raise _NeedsStore  # the store names the closest study
        summaries = []
        for study_id, name, status, finished_at in rows:
            counts = count_cell_states([])
            for state, n in connection.execute(
                f"SELECT status, count(*) FROM {PREFIX}cells "
                "WHERE study_id = ? AND in_design GROUP BY status",
                (study_id,),
            ):
                if state not in counts:
                    raise _NeedsStore
                counts[state] = int(n)
            (n_trials,) = connection.execute(
                f"SELECT coalesce(sum(n_trials), 0) FROM {PREFIX}cells "
                "WHERE study_id = ? AND in_design",
                (study_id,),
            ).fetchone()
            # A cell records its n_trials when it ends: count a running or interrupted
            # cell's stored trials themselves.
            (unfinished,) = connection.execute(
                f"SELECT count(*) FROM {PREFIX}trials t JOIN {PREFIX}cells c "
                "ON t.cell_id = c.id WHERE c.study_id = ? AND c.in_design "
                "AND c.n_trials IS NULL",
                (study_id,),
            ).fetchone()
            n_trials += unfinished
            summaries.append(
                StudySummary(name, status, counts, int(n_trials), finished_at and str(finished_at))
            )
        return summaries
    finally:
        connection.close()


def _read_with_store(url: str, study: str | None) -> tuple[str, list[StudySummary]]:
    from bakeoff.store._store import Store

    with Store(url, must_exist=True) as store:
        names = [study] if study else store.study_names()
        summaries = []
        for name in names:
            info = store.study(name)
            finished = info["finished_at"]
            summaries.append(
                StudySummary(
                    name,
                    info["status"],
                    store.cell_counts(name),
                    store.trial_count(name),
                    None if finished is None else str(finished),
                )
            )
        return store.url, summaries
