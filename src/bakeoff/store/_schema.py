"""The store's tables (SQLAlchemy Core), prefixed ``bakeoff_`` so Optuna's can share a DB.

JSON values are kept in Text columns and decoded by the queries: portable between SQLite
and PostgreSQL and cheap to write, which matters for one insert per trial.
"""

from __future__ import annotations

import sqlalchemy as sa

from bakeoff.store._constants import PREFIX, SCHEMA_HEAD, VERSION_TABLE

__all__ = [
    "PREFIX",
    "SCHEMA_HEAD",
    "VERSION_TABLE",
    "cells",
    "metadata",
    "predictions",
    "runs",
    "studies",
    "trials",
]


metadata = sa.MetaData()

studies = sa.Table(
    f"{PREFIX}studies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("spec_json", sa.Text, nullable=False),
    sa.Column("spec_hash", sa.String(64), nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("bakeoff_version", sa.String(40), nullable=False),
    sa.Column("provenance_json", sa.Text, nullable=False),
)

study_datasets = sa.Table(
    f"{PREFIX}study_datasets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "study_id",
        sa.Integer,
        sa.ForeignKey(f"{PREFIX}studies.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("task", sa.String(20), nullable=False),
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("n_features", sa.Integer, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("meta_json", sa.Text),
    sa.UniqueConstraint("study_id", "name", "fingerprint", name=f"{PREFIX}uq_study_dataset"),
)

runs = sa.Table(
    f"{PREFIX}runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "study_id",
        sa.Integer,
        sa.ForeignKey(f"{PREFIX}studies.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("bakeoff_version", sa.String(40), nullable=False),
    sa.Column("provenance_json", sa.Text, nullable=False),
)

cells = sa.Table(
    f"{PREFIX}cells",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "study_id",
        sa.Integer,
        sa.ForeignKey(f"{PREFIX}studies.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("cell_key", sa.String(64), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("dataset", sa.String(200), nullable=False),
    sa.Column("budget", sa.String(20), nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("in_design", sa.Boolean, nullable=False),
    sa.Column("definition_json", sa.Text, nullable=False),
    sa.Column("n_train", sa.Integer),
    sa.Column("n_test", sa.Integer),
    sa.Column("n_trials", sa.Integer),
    sa.Column("n_failed_trials", sa.Integer),
    sa.Column("best_trial", sa.Integer),
    sa.Column("best_params_json", sa.Text),
    sa.Column("cv_value", sa.Float),
    sa.Column("test_scores_json", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("tune_seconds", sa.Float),
    sa.Column("refit_seconds", sa.Float),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("artifact_path", sa.Text),
    # The claim: which runner holds the cell, its last sign of life, and when another
    # runner may take the cell over (see Store.claim_cell).
    sa.Column("owner", sa.String(200)),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
    sa.Column("lease_expires_at", sa.DateTime(timezone=True)),
    # The run that finished the cell (its provenance row); NULL for cells finished
    # before schema 0003.
    sa.Column("run_id", sa.Integer),
    # How the search went (schema 0005): the method used, why it stopped, the Pareto
    # front and which member was refitted and why; NULL for cells stored before.
    sa.Column("search_json", sa.Text),
    # Scores beside the test scores (schema 0007): the refitted model's training scores
    # and the Dirichlet re-sampling's spread; NULL for cells stored before.
    sa.Column("diagnostics_json", sa.Text),
    sa.UniqueConstraint("study_id", "cell_key", name=f"{PREFIX}uq_study_cell"),
    sa.Index(f"{PREFIX}ix_cells_study_status", "study_id", "status"),
)

trials = sa.Table(
    f"{PREFIX}trials",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "cell_id",
        sa.Integer,
        sa.ForeignKey(f"{PREFIX}cells.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("params_json", sa.Text, nullable=False),
    sa.Column("distributions_json", sa.Text, nullable=False),
    sa.Column("values_json", sa.Text),
    sa.Column("intermediate_json", sa.Text, nullable=False),
    sa.Column("user_attrs_json", sa.Text, nullable=False),
    sa.Column("system_attrs_json", sa.Text, nullable=False),
    sa.Column("study_attrs_json", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.UniqueConstraint("cell_id", "number", name=f"{PREFIX}uq_cell_trial"),
)

# One row per finished cell (schema 0006; one JSON row per test row before): typed
# arrays packed by _predictions.py, so that a 100,000-cell study's store stays small.
predictions = sa.Table(
    f"{PREFIX}cell_predictions",
    metadata,
    sa.Column(
        "cell_id",
        sa.Integer,
        sa.ForeignKey(f"{PREFIX}cells.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("rows", sa.LargeBinary, nullable=False),
    sa.Column("labels_json", sa.Text),
    sa.Column("y_true", sa.LargeBinary, nullable=False),
    sa.Column("y_pred", sa.LargeBinary, nullable=False),
    sa.Column("proba", sa.LargeBinary),
)
