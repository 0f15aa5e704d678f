"""Attachments belong to an item, a referral or an interview (not only to an item).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNERS = (("referral_id", "referral"), ("interview_id", "interview"))


def upgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.alter_column("item_id", existing_type=sa.Integer(), nullable=True)
        for column, table in OWNERS:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(batch.f(f"fk_attachment_{column}_{table}"), table, [column], ["id"],
                                     ondelete="CASCADE")
            batch.create_index(batch.f(f"ix_attachment_{column}"), [column], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM attachment WHERE item_id IS NULL")
    with op.batch_alter_table("attachment") as batch:
        for column, table in OWNERS:
            batch.drop_index(batch.f(f"ix_attachment_{column}"))
            batch.drop_constraint(batch.f(f"fk_attachment_{column}_{table}"), type_="foreignkey")
            batch.drop_column(column)
        batch.alter_column("item_id", existing_type=sa.Integer(), nullable=False)
