"""What supervision says about one item, for its page: the 督办 notices covering it and the
stationed or special inspections that follow it (or found it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require_item
from core.domain import InspectionState
from core.supervision.inspection_views import Mark, item_inspections
from core.supervision.notice_views import NoticeRow, notice_row, rows_select
from db.models import SupervisionNotice, SupervisionNoticeItem


@dataclass(frozen=True)
class ItemSupervision:
    notices: list[NoticeRow]                                  # newest first
    inspections: list[tuple[Mark, InspectionState | None]]    # newest first

    @property
    def under_way(self) -> list[Mark]:
        """Inspections under way that follow the item ("驻点督察中")."""
        return [m for m, state in self.inspections if state == InspectionState.OPEN]


def item_supervision(session: Session, *, actor: Actor, item_id: int, today: date) -> ItemSupervision:
    """The item's notices (with their response figures on `today`) and inspections. Raises
    PermissionDenied (a unit user, item out of scope)."""
    require_item(session, actor, "item.read", item_id)
    covering = select(SupervisionNoticeItem.notice_id).where(SupervisionNoticeItem.item_id == item_id)
    stmt = (rows_select(today).where(SupervisionNotice.id.in_(covering))
            .order_by(SupervisionNotice.issued_on.desc(), SupervisionNotice.id.desc()))
    return ItemSupervision([notice_row(r) for r in session.execute(stmt)],
                           item_inspections(session, item_id))
