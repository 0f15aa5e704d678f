"""季调度 rounds: several per quarter, the items each covers, snapshots; reports answer a round.

`quarterly_dispatch` loses its one-row-per-quarter rule and becomes a round (report-by date,
scope, opened/closed); `dispatch_item` freezes what a round covers and who reports on it;
`dispatch_figure` holds a closed round's figures; `progress_report.dispatch_round_id` links a
report to the round it answers.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quarterly_dispatch") as batch:
        batch.drop_constraint("uq_quarterly_dispatch_year_quarter", type_="unique")
        batch.add_column(sa.Column("report_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("scope", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("opened_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("opened_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("item_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unit_count", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_quarterly_dispatch_opened_by_app_user"), "app_user",
                                 ["opened_by"], ["id"])
        batch.create_foreign_key(batch.f("fk_quarterly_dispatch_closed_by_app_user"), "app_user",
                                 ["closed_by"], ["id"])
        batch.create_index("ix_quarterly_dispatch_year_quarter", ["year", "quarter"], unique=False)
    # Rows from before (one per quarter, never used as rounds): due on the quarter's last day,
    # covering nothing, opened when last changed.
    op.execute("UPDATE quarterly_dispatch SET scope = '{}', opened_at = updated_at, item_count = 0, "
               "unit_count = 0")
    _backfill_report_by()
    with op.batch_alter_table("quarterly_dispatch") as batch:
        batch.alter_column("report_by", existing_type=sa.Date(), nullable=False)
        batch.alter_column("scope", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("opened_at", existing_type=sa.DateTime(), nullable=False)
        batch.alter_column("item_count", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("unit_count", existing_type=sa.Integer(), nullable=False)

    op.create_table(
        "dispatch_item",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("source_level", sa.Enum("central", "ministry", "city", name="sourcelevel",
                                          native_enum=False, create_constraint=False, length=20),
                  nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["quarterly_dispatch.id"],
                                name=op.f("fk_dispatch_item_round_id_quarterly_dispatch"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"],
                                name=op.f("fk_dispatch_item_district_id_district")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_dispatch_item_item_id_item"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_dispatch_item_unit_id_unit")),
        sa.PrimaryKeyConstraint("round_id", "item_id", name=op.f("pk_dispatch_item")),
    )
    op.create_index(op.f("ix_dispatch_item_item_id"), "dispatch_item", ["item_id"], unique=False)
    op.create_index("ix_dispatch_item_round_unit", "dispatch_item", ["round_id", "unit_id"],
                    unique=False)
    op.create_table(
        "dispatch_figure",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("items", "reported", "late", "closed", "overdue", "long_unresolved")),
        sa.ForeignKeyConstraint(["round_id"], ["quarterly_dispatch.id"],
                                name=op.f("fk_dispatch_figure_round_id_quarterly_dispatch"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "dimension", "key", name=op.f("pk_dispatch_figure")),
    )
    with op.batch_alter_table("progress_report") as batch:
        batch.add_column(sa.Column("dispatch_round_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_progress_report_dispatch_round_id_quarterly_dispatch"),
                                 "quarterly_dispatch", ["dispatch_round_id"], ["id"])
        batch.create_index("ix_progress_report_round_item",
                           ["dispatch_round_id", "item_id", "created_at"], unique=False)


def _backfill_report_by() -> None:
    """A row from before gets its quarter's last day (quarter 0, the annual record: 31 December)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, year, quarter FROM quarterly_dispatch")).all()
    set_day = sa.text("UPDATE quarterly_dispatch SET report_by = :day WHERE id = :id").bindparams(
        sa.bindparam("day", type_=sa.Date()))
    for row_id, year, quarter in rows:
        month = 3 * quarter if 1 <= quarter <= 4 else 12
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        bind.execute(set_day, {"day": last, "id": row_id})


def downgrade() -> None:
    with op.batch_alter_table("progress_report") as batch:
        batch.drop_index("ix_progress_report_round_item")
        batch.drop_constraint(batch.f("fk_progress_report_dispatch_round_id_quarterly_dispatch"),
                              type_="foreignkey")
        batch.drop_column("dispatch_round_id")
    op.drop_table("dispatch_figure")
    op.drop_index("ix_dispatch_item_round_unit", table_name="dispatch_item")
    op.drop_index(op.f("ix_dispatch_item_item_id"), table_name="dispatch_item")
    op.drop_table("dispatch_item")
    # One row per quarter again: the first round of each quarter stays, the others go.
    op.execute("DELETE FROM quarterly_dispatch WHERE id NOT IN (SELECT MIN(id) FROM "
               "quarterly_dispatch GROUP BY year, quarter)")
    with op.batch_alter_table("quarterly_dispatch") as batch:
        batch.drop_index("ix_quarterly_dispatch_year_quarter")
        batch.drop_constraint(batch.f("fk_quarterly_dispatch_closed_by_app_user"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_quarterly_dispatch_opened_by_app_user"), type_="foreignkey")
        for column in ("unit_count", "item_count", "closed_by", "closed_at", "opened_by", "opened_at",
                       "scope", "report_by"):
            batch.drop_column(column)
        batch.create_unique_constraint("uq_quarterly_dispatch_year_quarter", ["year", "quarter"])
