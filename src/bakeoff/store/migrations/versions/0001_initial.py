"""Initial schema: studies, study datasets, cells, trials, predictions.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

P = "bakeoff_"


def upgrade() -> None:
    op.create_table(
        f"{P}studies",
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
    op.create_table(
        f"{P}study_datasets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "study_id",
            sa.Integer,
            sa.ForeignKey(f"{P}studies.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("task", sa.String(20), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("n_features", sa.Integer, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.UniqueConstraint("study_id", "name", "fingerprint", name=f"{P}uq_study_dataset"),
    )
    op.create_table(
        f"{P}cells",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "study_id",
            sa.Integer,
            sa.ForeignKey(f"{P}studies.id", ondelete="CASCADE"),
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
        sa.UniqueConstraint("study_id", "cell_key", name=f"{P}uq_study_cell"),
    )
    op.create_index(f"{P}ix_cells_study_status", f"{P}cells", ["study_id", "status"])
    op.create_table(
        f"{P}trials",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "cell_id",
            sa.Integer,
            sa.ForeignKey(f"{P}cells.id", ondelete="CASCADE"),
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
        sa.UniqueConstraint("cell_id", "number", name=f"{P}uq_cell_trial"),
    )
    op.create_table(
        f"{P}predictions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "cell_id",
            sa.Integer,
            sa.ForeignKey(f"{P}cells.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("y_true", sa.Text, nullable=False),
        sa.Column("y_pred", sa.Text, nullable=False),
        sa.Column("proba_json", sa.Text),
    )
    op.create_index(f"{P}ix_predictions_cell", f"{P}predictions", ["cell_id"])


def downgrade() -> None:
    op.drop_table(f"{P}predictions")
    op.drop_table(f"{P}trials")
    op.drop_table(f"{P}cells")
    op.drop_table(f"{P}study_datasets")
    op.drop_table(f"{P}studies")
