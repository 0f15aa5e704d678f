"""Reading stationed and special inspections (core.supervision.inspections writes them): the list
with its counts, one inspection with its items, records and found items, the daily and routine
inspections a special one may start from, and the marks on items ("驻点督察中")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.domain import FollowUpKind, InspectionKind, InspectionState, Status
from core.errors import NotFound
from core.messages import field_label, say
from core.supervision.guard import load
from core.supervision.inspections import CLUE_SOURCES, OPENED_HERE
from db.models import District, FollowUpRecord, Inspection, Item, StationedFollowUp, User

# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class InspectionRow:
    id: int
    name: str
    kind: InspectionKind
    state: InspectionState | None
    team: str | None
    place: str | None
    subject: str | None
    started_on: date | None
    ended_on: date | None
    followed: int
    records: int
    found: int                       # ledger items whose source is this inspection


@dataclass(frozen=True)
class FollowedItem:
    id: int
    code: str
    district: str | None
    description: str
    status: Status
    reasons: tuple[str, ...]         # 久拖不决 reasons when it was taken up
    added_on: date


@dataclass(frozen=True)
class RecordInfo:
    id: int
    kind: FollowUpKind
    recorded_on: date
    place: str | None
    text: str
    item_code: str | None
    by: str | None


@dataclass(frozen=True)
class InspectionDetail:
    row: InspectionRow
    version: int
    clues: str | None
    origin: str | None
    conclusion: str | None
    finding: str | None
    followed: list[FollowedItem]
    records: list[RecordInfo]
    found: list[FollowedItem] = field(default_factory=list)   # the first FOUND_SHOWN, newest first


FOUND_SHOWN = 100


def _count_of(column):
    """A correlated count per inspection: one index range each (tens of inspections, not a
    grouping of the whole item table)."""
    return (select(func.count()).where(column == Inspection.id).correlate(Inspection)
            .scalar_subquery())


def _counts():
    return select(Inspection.id, Inspection.name, Inspection.kind, Inspection.state, Inspection.team,
                  Inspection.place, Inspection.subject, Inspection.started_on, Inspection.ended_on,
                  _count_of(StationedFollowUp.inspection_id), _count_of(FollowUpRecord.inspection_id),
                  _count_of(Item.inspection_id))


def _row(r) -> InspectionRow:
    return InspectionRow(r[0], r[1], InspectionKind(r[2]), InspectionState(r[3]) if r[3] else None,
                         *r[4:9], *(int(v) for v in r[9:12]))


def list_inspections(session: Session, *, actor: Actor, kind: InspectionKind | None = None,
                     state: InspectionState | None = None) -> list[InspectionRow]:
    """Stationed and special inspections (or one kind), under way first, then newest first, with
    how many items each follows, records and found. Raises PermissionDenied."""
    require(actor, "inspection.read")
    kinds = (kind,) if kind else OPENED_HERE
    stmt = _counts().where(Inspection.kind.in_(kinds))
    if state is not None:
        stmt = stmt.where(Inspection.state == state)
    stmt = stmt.order_by((Inspection.state == InspectionState.OPEN).desc(),
                         Inspection.started_on.desc().nulls_last(), Inspection.id.desc())
    return [_row(r) for r in session.execute(stmt)]


def inspection_detail(session: Session, *, actor: Actor, inspection_id: int) -> InspectionDetail:
    """One stationed or special inspection: its fields, the items it follows, its records (newest
    first) and the items it found. Raises PermissionDenied, NotFound (also for another kind)."""
    require(actor, "inspection.read")
    inspection = load(session, Inspection, inspection_id, "inspection")
    if inspection.kind not in OPENED_HERE:   # a routine or daily inspection has no such page
        raise NotFound(say("err.no_record", entity=field_label("entity.inspection"), id=inspection_id))
    row = _row(session.execute(_counts().where(Inspection.id == inspection_id)).one())
    origin = session.get(Inspection, inspection.origin_inspection_id) \
        if inspection.origin_inspection_id else None
    return InspectionDetail(row, inspection.version, inspection.clues, origin.name if origin else None,
                            inspection.conclusion, inspection.finding,
                            _followed_items(session, inspection_id), _records(session, inspection_id),
                            _found_items(session, inspection_id))


def _followed_items(session: Session, inspection_id: int) -> list[FollowedItem]:
    stmt = (select(Item.id, Item.code, District.name, Item.description, Item.status,
                   StationedFollowUp.reasons, StationedFollowUp.added_on)
            .join(StationedFollowUp, StationedFollowUp.item_id == Item.id)
            .outerjoin(District, District.id == Item.district_id)
            .where(StationedFollowUp.inspection_id == inspection_id).order_by(Item.code))
    return [FollowedItem(i, c, d, text, Status(s), tuple(r or ()), added)
            for i, c, d, text, s, r, added in session.execute(stmt)]


def _found_items(session: Session, inspection_id: int) -> list[FollowedItem]:
    stmt = (select(Item.id, Item.code, District.name, Item.description, Item.status, Item.created_at)
            .outerjoin(District, District.id == Item.district_id)
            .where(Item.inspection_id == inspection_id)
            .order_by(Item.created_at.desc(), Item.id.desc()).limit(FOUND_SHOWN))
    return [FollowedItem(i, c, d, text, Status(s), (), created.date() if created else None)
            for i, c, d, text, s, created in session.execute(stmt)]


def _records(session: Session, inspection_id: int) -> list[RecordInfo]:
    stmt = (select(FollowUpRecord, Item.code, User.display_name)
            .outerjoin(Item, Item.id == FollowUpRecord.item_id)
            .outerjoin(User, User.id == FollowUpRecord.recorded_by)
            .where(FollowUpRecord.inspection_id == inspection_id)
            .order_by(FollowUpRecord.recorded_on.desc(), FollowUpRecord.id.desc()))
    return [RecordInfo(r.id, FollowUpKind(r.kind), r.recorded_on, r.place, r.text, code, who)
            for r, code, who in session.execute(stmt)]


def clue_sources(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the daily and routine inspections a special one may be opened from, newest
    first."""
    rows = session.execute(select(Inspection.id, Inspection.name)
                           .where(Inspection.kind.in_(CLUE_SOURCES))
                           .order_by(Inspection.started_on.desc().nulls_last(), Inspection.id.desc()))
    return [(i, n) for i, n in rows]


# ---------------------------------------------------------------- marks on items

@dataclass(frozen=True)
class Mark:
    """An inspection under way that follows an item (shown "驻点督察中" / "专项督察中")."""

    inspection_id: int
    name: str
    kind: InspectionKind


def under_way_marks(session: Session, item_ids: Sequence[int]) -> dict[int, Mark]:
    """For these items (a page of them), the stationed — else special — inspection under way that
    follows each; items followed by none are absent. One query on the follow-up index."""
    ids = list(item_ids)
    if not ids:
        return {}
    stmt = (select(StationedFollowUp.item_id, Inspection.id, Inspection.name, Inspection.kind)
            .join(Inspection, Inspection.id == StationedFollowUp.inspection_id)
            .where(StationedFollowUp.item_id.in_(ids), Inspection.state == InspectionState.OPEN,
                   Inspection.kind.in_(OPENED_HERE))
            .order_by(StationedFollowUp.item_id, (Inspection.kind == InspectionKind.STATIONED).desc(),
                      Inspection.id.desc()))
    marks: dict[int, Mark] = {}
    for item_id, insp_id, name, kind in session.execute(stmt):
        marks.setdefault(item_id, Mark(insp_id, name, InspectionKind(kind)))
    return marks


def item_inspections(session: Session, item_id: int) -> list[tuple[Mark, InspectionState | None]]:
    """Every stationed or special inspection that follows the item or found it, newest first.
    The caller has checked that the actor may read the item."""
    follows = select(StationedFollowUp.inspection_id).where(StationedFollowUp.item_id == item_id)
    source = select(Item.inspection_id).where(Item.id == item_id)
    stmt = (select(Inspection.id, Inspection.name, Inspection.kind, Inspection.state)
            .where(Inspection.kind.in_(OPENED_HERE),
                   and_(Inspection.id.in_(follows.union(source))))
            .order_by(Inspection.started_on.desc().nulls_last(), Inspection.id.desc()))
    return [(Mark(i, n, InspectionKind(k)), InspectionState(s) if s else None)
            for i, n, k, s in session.execute(stmt)]
