"""反弹 (rebound): an item reopened after it was closed (已销号 → 整改中, counted on the item as
`reopen_count`) that is still open — the rebounds not yet put right again. The big screen and the
district map count them per district within their scan of the open items
(core.screen.bigscreen); an item counts once however often it rebounded. Rebounds that happened in
a year, closed again since or not, are counted by core.dispatch.year from the moves themselves.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.domain import Status
from db.models import Item


def rebound_condition():
    """SQL condition on Item: reopened after closing at least once, and not closed again."""
    return and_(Item.reopen_count > 0, Item.status != Status.CLOSED)


def rebounds_by_district(session: Session) -> dict[int | None, int]:
    """district id (None: 全市) → open rebound items, counted in SQL."""
    stmt = (select(Item.district_id, func.count()).where(rebound_condition())
            .group_by(Item.district_id))
    return {district_id: int(n) for district_id, n in session.execute(stmt)}
