"""How each cell's search went: method used, why it stopped, the Pareto front, the pick.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bakeoff_cells") as batch:
        batch.add_column(sa.Column("search_json", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bakeoff_cells") as batch:
        batch.drop_column("search_json")
