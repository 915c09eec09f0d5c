"""Predictions as one row of typed arrays per cell, instead of one JSON row per test row.

The rows of the old table are packed cell by cell into the new one (values read back
exactly as before), then the old table is dropped; all in the upgrade's transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from bakeoff.store._predictions import CellPredictions

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

P = "bakeoff_"


def upgrade() -> None:
    new = op.create_table(
        f"{P}cell_predictions",
        sa.Column(
            "cell_id",
            sa.Integer,
            sa.ForeignKey(f"{P}cells.id", ondelete="CASCADE"),
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
    old = sa.table(
        f"{P}predictions",
        sa.column("cell_id", sa.Integer),
        sa.column("row", sa.Integer),
        sa.column("y_true", sa.Text),
        sa.column("y_pred", sa.Text),
        sa.column("proba_json", sa.Text),
    )
    connection = op.get_bind()
    cell_ids = connection.execute(sa.select(old.c.cell_id).distinct()).scalars().all()
    for cell_id in cell_ids:
        rows = connection.execute(
            sa.select(old).where(old.c.cell_id == cell_id).order_by(old.c.row)
        ).all()
        probas: list[list[float]] = [json.loads(r.proba_json) for r in rows if r.proba_json]
        packed = CellPredictions(
            rows=[int(r.row) for r in rows],
            y_true=[json.loads(r.y_true) for r in rows],
            y_pred=[json.loads(r.y_pred) for r in rows],
            proba=probas if len(probas) == len(rows) else None,
        ).to_row()
        connection.execute(new.insert().values(cell_id=cell_id, **packed))
    op.drop_index(f"{P}ix_predictions_cell", table_name=f"{P}predictions")
    op.drop_table(f"{P}predictions")


def downgrade() -> None:
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
    op.drop_table(f"{P}cell_predictions")
