"""催办 (item reminders) recorded per item and unit, counted on the item; per-user view preferences (the 台账 columns).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item") as batch:
        batch.add_column(sa.Column("reminder_count", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "item_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"], name=op.f("fk_item_reminder_actor_id_app_user")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_item_reminder_item_id_item"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_item_reminder_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_reminder")),
    )
    op.create_index(op.f("ix_item_reminder_item_id"), "item_reminder", ["item_id"])
    op.create_index(op.f("ix_item_reminder_at"), "item_reminder", ["at"])
    op.create_table(
        "user_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_user_preference_user_id_app_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_user_preference")),
    )


def downgrade() -> None:
    op.drop_table("user_preference")
    op.drop_index(op.f("ix_item_reminder_at"), table_name="item_reminder")
    op.drop_index(op.f("ix_item_reminder_item_id"), table_name="item_reminder")
    op.drop_table("item_reminder")
    with op.batch_alter_table("item") as batch:
        batch.drop_column("reminder_count")
