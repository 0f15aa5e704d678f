"""反弹 (rebound): items reopened after they were closed (已销号 → 整改中, counted on the item as
`reopen_count`), counted per district in SQL for the big screen and the district map.

An item counts once however often it rebounded, whatever its state now (closed again or not).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Item


def reopened_by_district(session: Session) -> dict[int | None, int]:
    """district id (None: 全市) → items that were ever reopened after closing."""
    stmt = (select(Item.district_id, func.count()).where(Item.reopen_count > 0)
            .group_by(Item.district_id))
    return {district_id: int(n) for district_id, n in session.execute(stmt)}
