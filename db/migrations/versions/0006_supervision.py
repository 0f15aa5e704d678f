"""Supervision: a 督办 notice covers several items and is answered per unit (with files) and
escalated; stationed and special inspections get their team, place, subject, state, conclusion
and finding, and record visits and findings; an item never supervised has no 督办级别.

Existing notices keep their item (one link row each) and address its holder unit, unanswered.
Items at 一般 (normal, the old default) with no notice become "never supervised" (NULL); 重点
and 挂牌 were set on purpose and stay. Existing stationed and special inspections are concluded
if they ended before today, else under way.

SQLite: the item and inspection tables are referenced by most others, so they are altered in
place (ADD / DROP / RENAME COLUMN, SQLite ≥ 3.35), never copied and dropped the way batch mode
does it — with foreign keys enforced, dropping them would delete or refuse their children's rows.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _level(name: str = "supervisionlevel") -> sa.Enum:
    return sa.Enum("normal", "key", "listed", name=name, native_enum=False, length=20)


INSPECTION_TEXTS = (("team", sa.String(length=120)), ("place", sa.String(length=120)),
                    ("subject", sa.Text()), ("clues", sa.Text()), ("conclusion", sa.Text()),
                    ("finding", sa.Text()))


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_fk_column(table: str, column: str, target: str) -> None:
    """A nullable integer column referencing target.id, added in place on both engines."""
    name = f"fk_{table}_{column}_{target}"
    if _sqlite():
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
                   f"CONSTRAINT {name} REFERENCES {target} (id)")
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, target, [column], ["id"])


def _drop_fk_column(table: str, column: str, target: str) -> None:
    if _sqlite():
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        return
    op.drop_constraint(f"fk_{table}_{column}_{target}", table, type_="foreignkey")
    op.drop_column(table, column)


def _level_nullable(nullable: bool) -> None:
    """item.supervision_level NULL allowed (or not). SQLite: a new column takes its place."""
    if not _sqlite():
        op.alter_column("item", "supervision_level", existing_type=_level(), nullable=nullable)
        return
    rule = "" if nullable else " NOT NULL DEFAULT 'normal'"
    op.execute(f"ALTER TABLE item ADD COLUMN supervision_level_new VARCHAR(20){rule}")
    op.execute("UPDATE item SET supervision_level_new = supervision_level")
    op.execute("ALTER TABLE item DROP COLUMN supervision_level")
    op.execute("ALTER TABLE item RENAME COLUMN supervision_level_new TO supervision_level")


def upgrade() -> None:
    _notices_lose_their_item()   # first: nothing references supervision_notice yet
    _inspection_columns()
    _new_tables()
    _notices_cover_items()
    _level_nullable(True)
    op.create_index(op.f("ix_item_supervision_level"), "item", ["supervision_level"])
    op.execute("UPDATE item SET supervision_level = NULL WHERE supervision_level = 'normal' AND NOT "
               "EXISTS (SELECT 1 FROM supervision_notice_item n WHERE n.item_id = item.id)")
    # attachment is a leaf (nothing references it): batch mode may copy it. In place, SQLite's
    # reflection would not see the column's ON DELETE CASCADE.
    with op.batch_alter_table("attachment") as batch:
        batch.add_column(sa.Column("notice_response_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_attachment_notice_response_id_notice_response"),
                                 "notice_response", ["notice_response_id"], ["id"], ondelete="CASCADE")
        batch.create_index(batch.f("ix_attachment_notice_response_id"), ["notice_response_id"],
                           unique=False)
    op.create_index(op.f("ix_stationed_follow_up_item_id"), "stationed_follow_up", ["item_id"])


def _inspection_columns() -> None:
    for name, kind in INSPECTION_TEXTS:
        op.add_column("inspection", sa.Column(name, kind, nullable=True))
    op.add_column("inspection", sa.Column("state", sa.Enum(
        "open", "concluded", name="inspectionstate", native_enum=False, length=20), nullable=True))
    _add_fk_column("inspection", "origin_inspection_id", "inspection")
    _add_fk_column("inspection", "opened_by", "app_user")
    op.execute("UPDATE inspection SET state = CASE WHEN ended_on IS NOT NULL AND ended_on < "
               "CURRENT_DATE THEN 'concluded' ELSE 'open' END WHERE kind IN ('stationed', 'special')")


def _new_tables() -> None:
    op.create_table(
        "supervision_notice_item",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"],
                                name=op.f("fk_supervision_notice_item_item_id_item"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["notice_id"], ["supervision_notice.id"],
                                name=op.f("fk_supervision_notice_item_notice_id_supervision_notice"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notice_id", "item_id", name=op.f("pk_supervision_notice_item")))
    op.create_index(op.f("ix_supervision_notice_item_item_id"), "supervision_notice_item", ["item_id"])
    op.create_table(
        "notice_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("responded_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["supervision_notice.id"],
                                name=op.f("fk_notice_response_notice_id_supervision_notice"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["responded_by"], ["app_user.id"],
                                name=op.f("fk_notice_response_responded_by_app_user")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_notice_response_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_response")),
        sa.UniqueConstraint("notice_id", "unit_id", name=op.f("uq_notice_response_notice_id")))
    op.create_index(op.f("ix_notice_response_notice_id"), "notice_response", ["notice_id"])
    op.create_index(op.f("ix_notice_response_unit_id"), "notice_response", ["unit_id"])
    op.create_table(
        "notice_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("from_level", _level(), nullable=False),
        sa.Column("to_level", _level(), nullable=False),
        sa.Column("old_due_on", sa.Date(), nullable=True),
        sa.Column("new_due_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"],
                                name=op.f("fk_notice_escalation_actor_id_app_user")),
        sa.ForeignKeyConstraint(["notice_id"], ["supervision_notice.id"],
                                name=op.f("fk_notice_escalation_notice_id_supervision_notice"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_escalation")))
    op.create_index(op.f("ix_notice_escalation_notice_id"), "notice_escalation", ["notice_id"])
    op.create_table(
        "follow_up_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.Enum("visit", "finding", name="followupkind", native_enum=False,
                                  length=20), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"],
                                name=op.f("fk_follow_up_record_inspection_id_inspection"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_follow_up_record_item_id_item"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["app_user.id"],
                                name=op.f("fk_follow_up_record_recorded_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_record")))
    op.create_index(op.f("ix_follow_up_record_inspection_id"), "follow_up_record", ["inspection_id"])
    op.create_index(op.f("ix_follow_up_record_item_id"), "follow_up_record", ["item_id"])


def _notices_lose_their_item() -> None:
    """supervision_notice.item_id goes (kept aside in a work table until the links exist)."""
    op.execute("CREATE TABLE notice_item_0006 AS SELECT id AS notice_id, item_id FROM supervision_notice")
    with op.batch_alter_table("supervision_notice") as batch:
        batch.drop_index(batch.f("ix_supervision_notice_item_id"))
        batch.drop_constraint(batch.f("fk_supervision_notice_item_id_item"), type_="foreignkey")
        batch.drop_column("item_id")


def _notices_cover_items() -> None:
    """Each existing notice: one link row to its item, and its item's holder unit addressed."""
    op.execute("INSERT INTO supervision_notice_item (notice_id, item_id) "
               "SELECT notice_id, item_id FROM notice_item_0006")
    op.execute("INSERT INTO notice_response (notice_id, unit_id, version, updated_at) "
               "SELECT n.notice_id, COALESCE(i.holder_unit_id, i.lead_unit_id), 1, CURRENT_TIMESTAMP "
               "FROM notice_item_0006 n JOIN item i ON i.id = n.item_id "
               "WHERE COALESCE(i.holder_unit_id, i.lead_unit_id) IS NOT NULL")
    op.drop_table("notice_item_0006")


def downgrade() -> None:
    op.drop_index(op.f("ix_stationed_follow_up_item_id"), "stationed_follow_up")
    op.execute("DELETE FROM attachment WHERE notice_response_id IS NOT NULL")
    with op.batch_alter_table("attachment") as batch:
        batch.drop_index(batch.f("ix_attachment_notice_response_id"))
        batch.drop_constraint(batch.f("fk_attachment_notice_response_id_notice_response"),
                              type_="foreignkey")
        batch.drop_column("notice_response_id")
    op.drop_index(op.f("ix_item_supervision_level"), "item")
    op.execute("UPDATE item SET supervision_level = 'normal' WHERE supervision_level IS NULL")
    _level_nullable(False)
    _notices_back_to_one_item()
    _drop_fk_column("inspection", "opened_by", "app_user")
    _drop_fk_column("inspection", "origin_inspection_id", "inspection")
    for name in ("state", *(n for n, _ in INSPECTION_TEXTS)):
        op.drop_column("inspection", name)


def _notices_back_to_one_item() -> None:
    """A notice keeps its first item; one that covers none is dropped (with its responses)."""
    op.execute("CREATE TABLE notice_item_0006 AS SELECT notice_id, MIN(item_id) AS item_id "
               "FROM supervision_notice_item GROUP BY notice_id")
    for table in ("follow_up_record", "notice_escalation", "notice_response", "supervision_notice_item"):
        op.drop_table(table)
    op.execute("DELETE FROM supervision_notice WHERE id NOT IN (SELECT notice_id FROM notice_item_0006)")
    with op.batch_alter_table("supervision_notice") as batch:
        batch.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
    op.execute("UPDATE supervision_notice SET item_id = (SELECT n.item_id FROM notice_item_0006 n "
               "WHERE n.notice_id = supervision_notice.id)")
    op.drop_table("notice_item_0006")
    with op.batch_alter_table("supervision_notice") as batch:
        batch.alter_column("item_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(batch.f("fk_supervision_notice_item_id_item"), "item", ["item_id"],
                                 ["id"], ondelete="CASCADE")
        batch.create_index(batch.f("ix_supervision_notice_item_id"), ["item_id"], unique=False)
