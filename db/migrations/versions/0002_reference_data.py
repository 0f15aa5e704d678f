"""Reference data: the 41 区县, the units of inspection work, rule settings, the revision row.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.reference import district_rows, unit_rows

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _table(name: str, *columns: str) -> sa.TableClause:
    json_columns = {"aliases"}
    return sa.table(name, *(sa.column(c, sa.JSON if c in json_columns else None) for c in columns))


# The settings as this migration first wrote them (frozen: later settings need no migration, since a
# key with no row takes its default from db/rules_defaults.py).
RULE_SETTINGS = {
    "stale_after_days": ("90", "久拖不决: no progress report for this many days"),
    "old_after_days": ("730", "久拖不决: open this many days since assignment"),
    "bounce_threshold": ("2", "久拖不决: verification failed this many times"),
    "extension_threshold": ("2", "久拖不决: extended (延期) this many times"),
    "due_soon_days": ("7", "我的待办: due within this many days"),
    "big_screen_refresh_seconds": ("60", "Big screen refresh interval in seconds"),
    "interview_plan_workdays": ("15", "约谈: rectification plan due this many working days after"),
}


def upgrade() -> None:
    districts = district_rows()
    op.bulk_insert(_table("district", *districts[0].keys()), districts)
    units = unit_rows(districts)
    op.bulk_insert(_table("unit", *units[0].keys()), units)
    settings = [dict(key=k, value=v, help=h, version=1) for k, (v, h) in RULE_SETTINGS.items()]
    op.bulk_insert(_table("setting", "key", "value", "help", "version"), settings)
    op.bulk_insert(_table("ledger_revision", "id", "revision"), [dict(id=1, revision=0)])
    if op.get_bind().dialect.name == "postgresql":
        # Rows were inserted with explicit ids: move the sequences past them.
        for table in ("district", "unit"):
            op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT MAX(id) FROM {table}))")


def downgrade() -> None:
    for table in ("ledger_revision", "setting", "unit", "district"):
        op.execute(f"DELETE FROM {table}")
