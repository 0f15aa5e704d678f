"""一案一档: one item's whole record in one read, for the print view — its detail (fields, units,
links, evidence list) and its timeline. The same permission as reading the item: a unit user
reads only an item in its scope (core.access.permissions.item_scope; a draft is not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.ledger.timeline import ItemDetail, TimelineEntry, item_detail, item_timeline


@dataclass(frozen=True)
class Dossier:
    detail: ItemDetail
    timeline: list[TimelineEntry]      # newest first, as core.ledger.timeline gives it


def item_dossier(session: Session, *, actor: Actor, item_id: int, today: date) -> Dossier:
    """The item's case file as `actor` may read it; raises PermissionDenied, NotFound."""
    detail = item_detail(session, actor=actor, item_id=item_id, today=today)
    return Dossier(detail, item_timeline(session, actor=actor, item_id=item_id))
