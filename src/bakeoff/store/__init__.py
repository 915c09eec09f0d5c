"""The results store: SQLAlchemy tables, Alembic migrations and queries."""

from bakeoff.store._engine import DEFAULT_STORAGE, create_engine, migrate, schema_revision
from bakeoff.store._leases import DEFAULT_LEASE_SECONDS, new_owner
from bakeoff.store._manage import delete_study, rename_study, study_size
from bakeoff.store._records import CellDefinition, CellResult, TrialRecord
from bakeoff.store._states import CellStatus, TrialState, count_cell_states
from bakeoff.store._store import PreparedStudy, Store

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_STORAGE",
    "CellDefinition",
    "CellResult",
    "CellStatus",
    "PreparedStudy",
    "Store",
    "TrialRecord",
    "TrialState",
    "count_cell_states",
    "create_engine",
    "delete_study",
    "migrate",
    "new_owner",
    "rename_study",
    "schema_revision",
    "study_size",
]
