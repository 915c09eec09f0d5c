"""Opening a database: URL checks, SQLite pragmas, drivers and schema migrations."""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import sqlalchemy as sa

from bakeoff.exceptions import MissingExtraError, StoreError
from bakeoff.store._constants import DEFAULT_STORAGE, SCHEMA_HEAD, VERSION_TABLE

__all__ = [
    "DEFAULT_STORAGE",
    "check_readable",
    "create_engine",
    "lock_holders",
    "lock_wait_seconds",
    "locked_message",
    "migrate",
    "read_only_file",
    "schema_revision",
]

_MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine(url: str, *, read_only: bool = False) -> sa.Engine:
    """Create an engine for ``url``: SQLite with WAL, or PostgreSQL through psycopg.

    With ``read_only``, an SQLite file is opened read-only (see :func:`read_only_file`).

    Raises:
        StoreError: If the URL is malformed or names an unsupported database.
        MissingExtraError: If the PostgreSQL driver is not installed.
    """
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(
            f"storage URL {url!r} is not a database URL. Use e.g. 'sqlite:///bakeoff.db' or "
            f"'postgresql://user:password@host/dbname'."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, read_only=read_only)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            if importlib.util.find_spec("psycopg") is None:
                raise MissingExtraError(
                    "a PostgreSQL store needs the driver 'psycopg', which is not installed. "
                    'Install it with: pip install "bakeoff[postgres]"'
                )
            parsed = parsed.set(drivername="postgresql+psycopg")
        return sa.create_engine(parsed, pool_pre_ping=True)
    raise StoreError(
        f"storage URL {url!r}: database '{backend}' is not supported; use sqlite or postgresql."
    )


#: Environment variable: seconds to wait for another process's write lock on an SQLite
#: store before giving up (60 by default; 0 fails at once).
LOCK_WAIT_VARIABLE = "BAKEOFF_LOCK_WAIT"


def lock_wait_seconds() -> float:
    """Seconds to wait for an SQLite store's write lock (``BAKEOFF_LOCK_WAIT``, else 60)."""
    text = os.environ.get(LOCK_WAIT_VARIABLE, "")
    try:
        value = float(text) if text.strip() else 60.0
    except ValueError:
        raise StoreError(
            f"{LOCK_WAIT_VARIABLE}={text!r} is not a number of seconds; set it to e.g. 60, "
            f"or unset it."
        ) from None
    if not 0 <= value < 86_400 * 7:
        raise StoreError(
            f"{LOCK_WAIT_VARIABLE}={text!r} must be between 0 and a week of seconds; set "
            f"it to e.g. 60, or unset it."
        )
    return value


def locked_message(path: Path, waited: float) -> str:
    """Say that ``path`` stayed locked for ``waited`` seconds, and which processes hold it."""
    holders = lock_holders(path)
    if holders:
        who = "; ".join(f"process {pid} ({command})" for pid, command in holders)
        fix = "wait for it to finish, or stop it"
    else:
        who = "another process (its id could not be read here)"
        fix = "wait for it, or stop the program holding the file open"
    return (
        f"the store '{path}' is locked: {who} holds its write lock, and bakeoff waited "
        f"{waited:g} s for it. {fix[0].upper()}{fix[1:]}; set {LOCK_WAIT_VARIABLE} to wait "
        f"longer (seconds)."
    )


def lock_holders(path: Path) -> list[tuple[int, str]]:
    """Processes holding write locks on an SQLite store or its ``-shm`` file (Linux).

    Read from ``/proc/locks``; empty where that does not exist. Readers hold only read
    (shared) locks there, so they are not named.
    """
    inodes = set()
    for file in (path, Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            inodes.add(file.stat().st_ino)
    pids: set[int] = set()
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        fields = line.split()
        # "1: POSIX  ADVISORY  WRITE 4242 08:01:1234 1073741824 1073742335"
        if len(fields) < 6 or fields[1] != "POSIX" or fields[3] != "WRITE":
            continue  # a waiter ("->"), another kind of lock, or a reader's
        with contextlib.suppress(ValueError, IndexError):
            pid, inode = int(fields[4]), int(fields[5].split(":")[2])
            if inode in inodes and pid != os.getpid():
                pids.add(pid)
    return [(pid, _command_of(pid)) for pid in sorted(pids)]


def _command_of(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "command unknown"
    words = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    command = " ".join(words.split())  # one line, even for a `python -c` script
    return command[:120] + ("…" if len(command) > 120 else "") if command else "command unknown"


def read_only_file(url: str) -> bool:
    """Whether ``url`` is an existing SQLite file this process may read but not write.

    That is a file without write permission, or one in a folder without it (SQLite
    writes its ``-wal`` and ``-shm`` files beside the store) unless those files exist
    and are writable. Reading commands open such a store read-only instead of failing.
    """
    parsed = sa.engine.make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    path = Path(database).expanduser()
    if not path.is_file() or not os.access(path, os.R_OK):
        return False
    if not os.access(path, os.W_OK):
        return True
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    writable_sidecars = all(p.exists() and os.access(p, os.W_OK) for p in sidecars)
    return not os.access(path.resolve().parent, os.W_OK) and not writable_sidecars


def _read_only_url(path: Path) -> sa.engine.URL:
    # A store in a folder nobody here may write, with no write-ahead log left beside
    # it, is read as immutable: SQLite then needs no -shm file, and there is no log
    # whose pages it would miss. Otherwise read-only mode reads the log as well.
    wal = Path(f"{path}-wal")
    has_log = wal.exists() and wal.stat().st_size > 0
    folder_writable = os.access(path.resolve().parent, os.W_OK)
    mode = "mode=ro" if has_log or folder_writable else "immutable=1"
    uri = f"file:{quote(str(path.resolve()))}?{mode}"
    return sa.engine.URL.create("sqlite", database=uri, query={"uri": "true"})


def _sqlite_engine(url: sa.engine.URL, *, read_only: bool = False) -> sa.Engine:
    database = url.database
    if database and database != ":memory:":
        folder = Path(database).expanduser().resolve().parent
        if not folder.is_dir():
            raise StoreError(
                f"storage URL '{url}': folder '{folder}' does not exist. Create it first, "
                f"or point the URL at an existing folder."
            )
        if read_only:
            url = _read_only_url(Path(database).expanduser())
    wait = lock_wait_seconds()
    engine = sa.create_engine(url, connect_args={"timeout": wait})
    path = Path(database).expanduser() if database and database != ":memory:" else None

    @sa.event.listens_for(engine, "handle_error")
    def _explain(context):  # type: ignore[no-untyped-def]
        reason = str(context.original_exception)
        if path is not None and "database is locked" in reason:
            raise StoreError(locked_message(path, wait)) from None
        if path is not None and "readonly database" in reason:
            raise StoreError(
                f"the store '{path}' is read-only here (the file, or its folder, may not be "
                f"written), and this command writes to it. Fix the permissions, or work "
                f"on a copy."
            ) from None

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        # NORMAL keeps every committed trial through a process crash (SIGKILL), fsyncing
        # only at checkpoints (the file is in WAL mode, set by migrate).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


if TYPE_CHECKING:
    from alembic.config import Config


def _alembic_config(connection: sa.Connection) -> Config:
    # Alembic is imported only when a store needs creating or upgrading (0.15 s).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def schema_revision(engine: sa.Engine) -> tuple[str | None, str]:
    """Return (the store's schema revision or ``None`` if new, this bakeoff's head)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        current = context.get_current_revision()
        head = ScriptDirectory.from_config(_alembic_config(connection)).get_current_head()
    return current, head or ""


def check_readable(engine: sa.Engine, url: str) -> None:
    """Check that a store opened read-only can be read as it is (no upgrade needed).

    Raises:
        StoreError: If it is not a bakeoff store, or its schema is not this bakeoff's.
    """
    if _up_to_date(engine):
        return
    try:
        current, head = schema_revision(engine)
    except sa.exc.DBAPIError as exc:
        raise StoreError(_open_error(engine, exc)) from None
    if current == head:
        return
    if current is None:
        raise StoreError(
            f"'{url}' is not a bakeoff store (it has no bakeoff tables). Point --storage at "
            f"the store a study was run into."
        )
    _check_known(engine, current)
    raise StoreError(
        f"the store at '{url}' was written by an earlier bakeoff (schema {current}) and "
        f"must be upgraded before it is read, but it is read-only here. Copy it (with any "
        f"-wal file beside it) to a folder you may write, and read the copy."
    )


def migrate(engine: sa.Engine) -> None:
    """Bring the store's schema to this bakeoff's head revision.

    The whole upgrade is one transaction, taken under a lock: a failure half-way (a
    full disk) leaves the store as it was, and runners opening a new store at once
    upgrade it once, the others finding it done.

    Raises:
        StoreError: If the store was written by a newer bakeoff, or cannot be written.
    """
    if _up_to_date(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    try:
        current, head = schema_revision(engine)
        if current is None:
            _check_not_foreign(engine)
    except sa.exc.DBAPIError as exc:
        raise StoreError(_open_error(engine, exc)) from None
    if current == head:
        return
    _check_known(engine, current)
    if engine.dialect.name == "sqlite":
        # WAL lets workers write trials while others read. It is a property of the file,
        # set once here (not on every connection), so that a file refused above is left
        # exactly as it was.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    try:
        with _locked(engine) as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            if context.get_current_revision() == head:
                return  # another runner upgraded it while this one waited for the lock
            command.upgrade(_alembic_config(connection), "head")
    except sa.exc.DBAPIError as exc:
        raise StoreError(
            f"cannot set up the store's tables at '{engine.url}': {exc.orig}. Nothing was "
            f"changed; free the space or fix the permissions, then run again."
        ) from None


#: Optuna's own tables: a database may hold them beside bakeoff's (both are prefixed or
#: named so that they do not clash).
_OPTUNA_TABLES = {
    "alembic_version",
    "studies",
    "study_directions",
    "study_user_attributes",
    "study_system_attributes",
    "trials",
    "trial_user_attributes",
    "trial_system_attributes",
    "trial_params",
    "trial_values",
    "trial_intermediate_values",
    "trial_heartbeats",
    "version_info",
}


def _check_not_foreign(engine: sa.Engine) -> None:
    """Refuse to add bakeoff's tables to a database that holds someone else's."""
    names = set(sa.inspect(engine).get_table_names())
    foreign = sorted(n for n in names if not n.startswith("bakeoff_") and n not in _OPTUNA_TABLES)
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise StoreError(
            f"'{engine.url}' is a database with other tables ({shown}), not a bakeoff store; "
            f"bakeoff will not add its tables to it. Point --storage at a bakeoff store or a "
            f"new file, e.g. sqlite:///bakeoff.db"
        )


def _open_error(engine: sa.Engine, exc: sa.exc.DBAPIError) -> str:
    reason = str(exc.orig)
    hint = ""
    if "not a database" in reason:
        hint = (
            " It is not an SQLite database (or it is damaged or encrypted). Point --storage "
            "at a bakeoff store, or at a new file name."
        )
    elif "malformed" in reason:
        hint = (
            " The file is damaged (truncated or overwritten). Restore it from a copy; "
            "`sqlite3 FILE 'PRAGMA integrity_check'` shows what is wrong."
        )
    elif "locked" in reason or "busy" in reason:
        hint = " Another process holds the store's write lock; wait for it, or stop it."
    return f"cannot open the store at '{engine.url}': {reason}.{hint}"


def _up_to_date(engine: sa.Engine) -> bool:
    """Whether the store's schema is :data:`SCHEMA_HEAD`, read without Alembic."""
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(VERSION_TABLE):
                return False
            found = (
                connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}"))
                .scalars()
                .all()
            )
    except sa.exc.DBAPIError:
        return False  # the full check below says what is wrong
    return found == [SCHEMA_HEAD]


def _check_known(engine: sa.Engine, current: str | None) -> None:
    from alembic.script import ScriptDirectory

    with engine.connect() as connection:
        config = _alembic_config(connection)
        known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            f"the store at '{engine.url}' has schema revision {current}, which this "
            f"version of bakeoff does not know; it was written by a newer bakeoff. "
            f"Upgrade with: pip install -U bakeoff"
        )


@contextlib.contextmanager
def _locked(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection inside one transaction that holds the store's write lock."""
    if engine.dialect.name == "sqlite":
        # pysqlite opens transactions lazily and commits before DDL; driver-level
        # autocommit plus an explicit BEGIN makes the DDL part of one transaction.
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.exec_driver_sql("ROLLBACK")
                raise
            connection.exec_driver_sql("COMMIT")
        return
    with engine.begin() as connection:
        # One bakeoff migration at a time per database; released at commit.
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(727447001)"))
        yield connection
