"""Numbers the ledger gives its records: <prefix><n>, n counting up within the prefix (a year)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session


def next_free_code(session: Session, column: InstrumentedAttribute, prefix: str, width: int) -> str:
    """The next free `<prefix><n>` (n zero-padded to `width`) in `column`, starting after the
    count of codes already under the prefix; a race is refused by the column's unique index."""
    n = session.scalar(select(func.count()).where(column.like(f"{prefix}%"))) or 0
    while True:
        n += 1
        code = f"{prefix}{n:0{width}d}"
        if session.scalar(select(column).where(column == code)) is None:
            return code
