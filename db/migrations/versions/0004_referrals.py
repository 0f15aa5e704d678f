"""Referrals end to end: the steps table, the 移送书's parties and facts, the district a referral
counts in, provisional feedback due dates, reminders, returns and the date it was concluded.

Existing rows: a sent referral with a 回证 date becomes 已签收 (received); its district is the
most common district of its items, else the sending unit's, else the receiving unit's; discipline
measures written as words become codes (core.domain.DisciplineMeasure).

Revision ID: 0004
Revises: 0003
"""

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("pending", "sent", "received", "accepted", "refused", "filed", "not_filed",
            "concluded", "returned")
MEASURES = {"党纪政务处分": "party_discipline", "诫勉": "admonishment", "组织处理": "organisational",
            "移送司法": "judicial"}


def _columns() -> tuple[sa.Column, ...]:
    """The referral's new columns (fresh objects: a Column belongs to one table)."""
    return (
        sa.Column("doc_no", sa.String(length=60), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("party", sa.String(length=200), nullable=True),
        sa.Column("facts", sa.Text(), nullable=True),
        sa.Column("feedback_workdays", sa.Integer(), nullable=True),
        sa.Column("feedback_uncovered_years", sa.String(length=40), nullable=True),
        sa.Column("returned_reason", sa.Text(), nullable=True),
        sa.Column("return_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reminded_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_reminded_on", sa.Date(), nullable=True),
        sa.Column("escalated_on", sa.Date(), nullable=True),
        sa.Column("supervised_on", sa.Date(), nullable=True),
        sa.Column("concluded_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
    )


def upgrade() -> None:
    op.create_table(
        "referral_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("move", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.Enum(*STATUSES, name="referralstatus", native_enum=False,
                                         length=20), nullable=True),
        sa.Column("to_status", sa.Enum(*STATUSES, name="referralstatus", native_enum=False,
                                       length=20), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"],
                                name=op.f("fk_referral_step_actor_id_app_user")),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"],
                                name=op.f("fk_referral_step_referral_id_referral"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_referral_step_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_step")),
    )
    with op.batch_alter_table("referral_step") as batch:
        batch.create_index(batch.f("ix_referral_step_referral_id"), ["referral_id"], unique=False)
    with op.batch_alter_table("referral") as batch:
        for column in _columns():
            batch.add_column(column)
        batch.create_foreign_key(batch.f("fk_referral_district_id_district"), "district",
                                 ["district_id"], ["id"])
        batch.create_index(batch.f("ix_referral_district_id"), ["district_id"], unique=False)
        batch.create_index(batch.f("ix_referral_from_unit_id"), ["from_unit_id"], unique=False)
        batch.create_index(batch.f("ix_referral_sent_on"), ["sent_on"], unique=False)
        batch.create_index("ix_referral_status_due", ["status", "feedback_due_on"], unique=False)
    _existing_rows()


def _existing_rows() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE referral SET status = 'received' "
                         "WHERE status = 'sent' AND receipt_on IS NOT NULL"))
    for words, code in MEASURES.items():
        bind.execute(sa.text("UPDATE referral SET discipline_measure = :code "
                             "WHERE discipline_measure = :words"), {"code": code, "words": words})
    items = bind.execute(sa.text(
        "SELECT ri.referral_id, i.district_id FROM referral_item ri JOIN item i ON i.id = ri.item_id "
        "WHERE i.district_id IS NOT NULL")).all()
    by_referral: dict[int, Counter] = {}
    for referral_id, district_id in items:
        by_referral.setdefault(referral_id, Counter())[district_id] += 1
    units = dict(bind.execute(sa.text("SELECT id, district_id FROM unit")).all())
    for rid, from_unit, to_unit in bind.execute(sa.text(
            "SELECT id, from_unit_id, to_unit_id FROM referral")).all():
        counts = by_referral.get(rid)
        # most items first, then the lower district id (official order for the 38 administrative)
        district = (min(counts, key=lambda d: (-counts[d], d)) if counts
                    else units.get(from_unit) or units.get(to_unit))
        if district is not None:
            bind.execute(sa.text("UPDATE referral SET district_id = :d WHERE id = :i"),
                         {"d": district, "i": rid})


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE referral SET status = 'sent' WHERE status = 'received'"))
    bind.execute(sa.text("UPDATE referral SET status = 'returned' WHERE status = 'refused'"))
    for words, code in MEASURES.items():
        bind.execute(sa.text("UPDATE referral SET discipline_measure = :words "
                             "WHERE discipline_measure = :code"), {"code": code, "words": words})
    with op.batch_alter_table("referral") as batch:
        batch.drop_index("ix_referral_status_due")
        batch.drop_index(batch.f("ix_referral_sent_on"))
        batch.drop_index(batch.f("ix_referral_from_unit_id"))
        batch.drop_index(batch.f("ix_referral_district_id"))
        batch.drop_constraint(batch.f("fk_referral_district_id_district"), type_="foreignkey")
        for column in reversed(_columns()):
            batch.drop_column(column.name)
    with op.batch_alter_table("referral_step") as batch:
        batch.drop_index(batch.f("ix_referral_step_referral_id"))
    op.drop_table("referral_step")
