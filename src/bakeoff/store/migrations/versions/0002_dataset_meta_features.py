"""Meta-features of each dataset of a study.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bakeoff_study_datasets") as batch:
        batch.add_column(sa.Column("meta_json", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bakeoff_study_datasets") as batch:
        batch.drop_column("meta_json")
