"""One provenance row per run, referenced by the cells that run finished.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bakeoff_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "study_id",
            sa.Integer,
            sa.ForeignKey("bakeoff_studies.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("bakeoff_version", sa.String(40), nullable=False),
        sa.Column("provenance_json", sa.Text, nullable=False),
    )
    with op.batch_alter_table("bakeoff_cells") as batch:
        batch.add_column(sa.Column("run_id", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bakeoff_cells") as batch:
        batch.drop_column("run_id")
    op.drop_table("bakeoff_runs")
