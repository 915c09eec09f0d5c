"""Scores beside a cell's test scores: the refit's training score, test re-sampling.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bakeoff_cells") as batch:
        batch.add_column(sa.Column("diagnostics_json", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bakeoff_cells") as batch:
        batch.drop_column("diagnostics_json")
