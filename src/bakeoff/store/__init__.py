"""The results store: SQLAlchemy tables, Alembic migrations and queries.

Names are imported on first use (``bakeoff._lazy``): the command line reads
``DEFAULT_STORAGE`` and the state names without loading SQLAlchemy, Alembic or pandas.
"""

from typing import TYPE_CHECKING

from bakeoff._lazy import lazy_attributes

if TYPE_CHECKING:
    from bakeoff.store._engine import DEFAULT_STORAGE, create_engine, migrate, schema_revision
    from bakeoff.store._leases import DEFAULT_LEASE_SECONDS, new_owner
    from bakeoff.store._manage import delete_study, rename_study, study_size
    from bakeoff.store._predictions import CellPredictions
    from bakeoff.store._records import CellDefinition, CellResult, TrialRecord
    from bakeoff.store._states import CellStatus, TrialState, count_cell_states
    from bakeoff.store._store import PreparedStudy, Store

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_STORAGE",
    "CellDefinition",
    "CellPredictions",
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

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        "DEFAULT_STORAGE": "bakeoff.store._constants:DEFAULT_STORAGE",
        "create_engine": "bakeoff.store._engine:create_engine",
        "migrate": "bakeoff.store._engine:migrate",
        "schema_revision": "bakeoff.store._engine:schema_revision",
        "DEFAULT_LEASE_SECONDS": "bakeoff.store._leases:DEFAULT_LEASE_SECONDS",
        "new_owner": "bakeoff.store._leases:new_owner",
        "delete_study": "bakeoff.store._manage:delete_study",
        "rename_study": "bakeoff.store._manage:rename_study",
        "study_size": "bakeoff.store._manage:study_size",
        "CellDefinition": "bakeoff.store._records:CellDefinition",
        "CellPredictions": "bakeoff.store._predictions:CellPredictions",
        "CellResult": "bakeoff.store._records:CellResult",
        "TrialRecord": "bakeoff.store._records:TrialRecord",
        "CellStatus": "bakeoff.store._states:CellStatus",
        "TrialState": "bakeoff.store._states:TrialState",
        "count_cell_states": "bakeoff.store._states:count_cell_states",
        "PreparedStudy": "bakeoff.store._store:PreparedStudy",
        "Store": "bakeoff.store._store:Store",
    },
)
