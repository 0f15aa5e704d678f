"""Reading 督办 notices (core.supervision.notices writes them): the list with each notice's figures,
one notice with its items, answers and escalations, the big screen's figures, and the steps of
the notices over one item for its timeline. Lateness is core.supervision.notices' definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, can, item_scope, require
from core.domain import Role, Status, SupervisionLevel
from core.errors import PermissionDenied
from core.ledger.evidence import (
    AttachmentFile,
    AttachmentInfo,
    EvidenceStore,
    Owner,
    attachments_of,
    open_attachment,
)
from core.paging import ResultPage
from core.supervision.guard import load
from core.supervision.notices import in_force, late_response
from db.models import (
    Attachment,
    District,
    Item,
    ItemUnit,
    NoticeEscalation,
    NoticeResponse,
    SupervisionNotice,
    SupervisionNoticeItem,
    Unit,
    User,
)

# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class NoticeRow:
    id: int
    doc_no: str | None
    level: SupervisionLevel
    issued_on: date
    due_on: date | None
    content: str | None
    lifted_on: date | None
    version: int
    items: int
    units: int
    answered: int
    late: int                # responses late or still owed past the due date

    @property
    def in_force(self) -> bool:
        return self.lifted_on is None


@dataclass(frozen=True)
class NoticeItem:
    id: int
    code: str
    district: str | None
    description: str
    status: Status
    supervision_level: SupervisionLevel | None


@dataclass(frozen=True)
class ResponseInfo:
    id: int
    unit_id: int
    unit: str
    text: str | None
    responded_on: date | None
    responded_at: datetime | None
    responded_by: str | None
    version: int
    late: bool
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class EscalationInfo:
    at: datetime
    from_level: SupervisionLevel
    to_level: SupervisionLevel
    old_due_on: date | None
    new_due_on: date | None
    reason: str
    by: str | None


@dataclass(frozen=True)
class NoticeDetail:
    notice: NoticeRow
    issued_by: str | None
    items: list[NoticeItem]
    hidden_items: int          # items out of a unit reader's scope, counted but not listed
    responses: list[ResponseInfo]
    escalations: list[EscalationInfo] = field(default_factory=list)

    def own_response(self, unit_id: int | None) -> ResponseInfo | None:
        return next((r for r in self.responses if r.unit_id == unit_id), None)


def _readable(actor: Actor):
    """The notices this actor may read: all for the office and leaders; for a unit, those
    addressed to it. Raises PermissionDenied for other roles."""
    require(actor, "notice.read")
    if actor.role is not Role.UNIT:
        return None
    return SupervisionNotice.id.in_(select(NoticeResponse.notice_id)
                                    .where(NoticeResponse.unit_id == actor.unit_id))


def _per_notice(column, *where):
    """A count correlated to the notice row: computed only for the rows a query returns."""
    return (select(func.count(column)).where(*where).correlate(SupervisionNotice).scalar_subquery())


def rows_select(today: date):
    """Notice rows with their figures; join it to a page of ids so that the correlated counts
    run for that page only."""
    mine = NoticeResponse.notice_id == SupervisionNotice.id
    return select(SupervisionNotice.id, SupervisionNotice.doc_no, SupervisionNotice.level,
                  SupervisionNotice.issued_on, SupervisionNotice.due_on,
                  SupervisionNotice.requirements, SupervisionNotice.lifted_on,
                  SupervisionNotice.version,
                  _per_notice(SupervisionNoticeItem.item_id,
                              SupervisionNoticeItem.notice_id == SupervisionNotice.id),
                  _per_notice(NoticeResponse.id, mine), _per_notice(NoticeResponse.responded_on, mine),
                  _per_notice(NoticeResponse.id, mine, late_response(today)))


def notice_row(r) -> NoticeRow:
    return NoticeRow(r[0], r[1], SupervisionLevel(r[2]), *r[3:8], *(int(v) for v in r[8:12]))


SHOWS = ("in_force", "late", "lifted", "all")


@dataclass(frozen=True)
class NoticePage(ResultPage[NoticeRow]):
    pass


def list_notices(session: Session, *, actor: Actor, today: date, show: str = "in_force",
                 page: int = 1, page_size: int = 50) -> NoticePage:
    """Notices newest first (a unit: those addressed to it): in force, in force with a late
    response, lifted, or all. Raises PermissionDenied, ValueError (unknown `show`, bad page)."""
    if show not in SHOWS or page < 1 or not 1 <= page_size <= 500:
        raise ValueError(f"show must be one of {SHOWS}; page ≥ 1; page_size within 1..500")
    scope = _readable(actor)
    late_ids = select(NoticeResponse.notice_id).join(
        SupervisionNotice, SupervisionNotice.id == NoticeResponse.notice_id).where(late_response(today))
    cond = {"in_force": in_force(), "lifted": SupervisionNotice.lifted_on.is_not(None),
            "late": and_(in_force(), SupervisionNotice.id.in_(late_ids)), "all": None}[show]
    parts = [c for c in (scope, cond) if c is not None]
    total = session.scalar(select(func.count(SupervisionNotice.id)).where(*parts))
    order = (SupervisionNotice.issued_on.desc(), SupervisionNotice.id.desc())
    top = (select(SupervisionNotice.id).where(*parts).order_by(*order).limit(page_size)
           .offset((page - 1) * page_size).subquery("top"))
    stmt = rows_select(today).join(top, top.c.id == SupervisionNotice.id).order_by(*order)
    return NoticePage([notice_row(r) for r in session.execute(stmt)], int(total or 0), page, page_size)


def notice_detail(session: Session, *, actor: Actor, notice_id: int, today: date) -> NoticeDetail:
    """One notice: its figures, the items (a unit reader: only those in its scope; the others are
    counted), each addressed unit's response with its files and lateness, the escalations.
    Raises PermissionDenied (a unit not addressed), NotFound."""
    scope = _readable(actor)
    load(session, SupervisionNotice, notice_id, "notice")
    if scope is not None and not session.scalar(select(SupervisionNotice.id).where(
            SupervisionNotice.id == notice_id, scope)):
        raise PermissionDenied(f"{actor.username} may not read notice {notice_id}")
    row = notice_row(session.execute(rows_select(today).where(SupervisionNotice.id == notice_id)).one())
    items = _items(session, actor, notice_id)
    issued_by = session.scalar(select(User.display_name).join(
        SupervisionNotice, SupervisionNotice.issued_by == User.id).where(SupervisionNotice.id == notice_id))
    return NoticeDetail(row, issued_by, items, row.items - len(items),
                        _responses(session, notice_id, today), _escalations(session, notice_id))


def _items(session: Session, actor: Actor, notice_id: int) -> list[NoticeItem]:
    stmt = (select(Item.id, Item.code, District.name, Item.description, Item.status,
                   Item.supervision_level)
            .join(SupervisionNoticeItem, SupervisionNoticeItem.item_id == Item.id)
            .outerjoin(District, District.id == Item.district_id)
            .where(SupervisionNoticeItem.notice_id == notice_id).order_by(Item.code))
    scope = item_scope(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    return [NoticeItem(i, c, d, text, Status(s), SupervisionLevel(lv) if lv else None)
            for i, c, d, text, s, lv in session.execute(stmt)]


def _responses(session: Session, notice_id: int, today: date) -> list[ResponseInfo]:
    stmt = (select(NoticeResponse, Unit.short_name, User.display_name,
                   case((late_response(today), True), else_=False))
            .join(SupervisionNotice, SupervisionNotice.id == NoticeResponse.notice_id)
            .join(Unit, Unit.id == NoticeResponse.unit_id)
            .outerjoin(User, User.id == NoticeResponse.responded_by)
            .where(NoticeResponse.notice_id == notice_id).order_by(Unit.short_name))
    return [ResponseInfo(r.id, r.unit_id, unit, r.text, r.responded_on, r.responded_at, who,
                         r.version, bool(late),
                         tuple(attachments_of(session, owner=Owner("notice_response", r.id))))
            for r, unit, who, late in session.execute(stmt)]


def _escalations(session: Session, notice_id: int) -> list[EscalationInfo]:
    stmt = (select(NoticeEscalation, User.display_name)
            .outerjoin(User, User.id == NoticeEscalation.actor_id)
            .where(NoticeEscalation.notice_id == notice_id).order_by(NoticeEscalation.id))
    return [EscalationInfo(e.at, SupervisionLevel(e.from_level), SupervisionLevel(e.to_level),
                           e.old_due_on, e.new_due_on, e.reason, who)
            for e, who in session.execute(stmt)]


def can_answer(actor: Actor, detail: NoticeDetail) -> bool:
    """True if the page should offer the response form (core checks again on submit)."""
    mine = detail.own_response(actor.unit_id)
    return (can(actor, "notice.respond") and mine is not None and mine.responded_on is None
            and detail.notice.in_force)


@dataclass(frozen=True)
class NoticeFigures:
    """Notices in force, the responses they still await, and the late ones among all responses
    of notices in force (answered late or still owed past the due date)."""

    in_force: int
    awaiting: int
    late: int


def notice_figures(session: Session, *, today: date) -> NoticeFigures:
    """Citywide notice figures for the big screen, in one SQL pass over the responses."""
    stmt = (select(func.count(func.distinct(NoticeResponse.notice_id)),
                   func.coalesce(func.sum(case((NoticeResponse.responded_on.is_(None), 1), else_=0)), 0),
                   func.coalesce(func.sum(case((late_response(today), 1), else_=0)), 0))
            .join(SupervisionNotice, SupervisionNotice.id == NoticeResponse.notice_id)
            .where(in_force()))
    in_force_n, waiting, late = session.execute(stmt).one()
    return NoticeFigures(int(in_force_n), int(waiting), int(late))


# ---------------------------------------------------------------- an item's story

@dataclass(frozen=True)
class NoticeEvent:
    """One step of a notice over an item, for the item's timeline (core.ledger.timeline)."""

    at: datetime
    kind: str                 # supervision, supervision_escalated, supervision_response, supervision_lifted
    key: str                  # catalogue key of its wording (timeline.*)
    who: str | None
    unit: str | None
    values: dict
    detail: str | None = None
    why: str | None = None
    ref_id: int | None = None
    attachments: tuple[AttachmentInfo, ...] = ()


def _day(d: date) -> datetime:
    return datetime.combine(d, datetime.min.time())


def _item_units(session: Session, item_id: int) -> set[int]:
    """The units tied to the item: lead, holder, responsible and cooperating."""
    item = session.get(Item, item_id)
    linked = set(session.scalars(select(ItemUnit.unit_id).where(ItemUnit.item_id == item_id)))
    return linked | {u for u in (item.lead_unit_id, item.holder_unit_id) if u is not None}


def item_notice_events(session: Session, item_id: int) -> list[NoticeEvent]:
    """Every notice covering the item: issued (at its first level), each escalation, the answers
    of the units tied to this item (late or not; a notice over several units' items is answered
    by each), and its lifting. The caller has checked the item may be read."""
    notices = session.execute(select(SupervisionNotice, User.display_name)
                              .join(SupervisionNoticeItem,
                                    SupervisionNoticeItem.notice_id == SupervisionNotice.id)
                              .outerjoin(User, User.id == SupervisionNotice.issued_by)
                              .where(SupervisionNoticeItem.item_id == item_id)).all()
    events: list[NoticeEvent] = []
    units = _item_units(session, item_id) if notices else set()
    for notice, who in notices:
        ups = _escalations(session, notice.id)
        first = ups[0].from_level if ups else SupervisionLevel(notice.level)
        doc = notice.doc_no or ""
        events.append(NoticeEvent(_day(notice.issued_on), "supervision", "timeline.supervision", who,
                                  None, {"level": first, "doc": doc}, detail=notice.requirements,
                                  ref_id=notice.id))
        events += [NoticeEvent(e.at, "supervision_escalated", "timeline.supervision_escalated", e.by,
                               None, {"from_level": e.from_level, "to_level": e.to_level, "doc": doc},
                               why=e.reason, ref_id=notice.id) for e in ups]
        events += [NoticeEvent(r.responded_at, "supervision_response",
                               "timeline.supervision_response" + ("_late" if r.late else ""),
                               r.responded_by, r.unit, {"unit": r.unit, "doc": doc}, detail=r.text,
                               ref_id=r.id, attachments=r.attachments)
                   for r in _responses(session, notice.id, date.today())
                   if r.responded_at and r.unit_id in units]
        if notice.lifted_on:
            events.append(NoticeEvent(_day(notice.lifted_on), "supervision_lifted",
                                      "timeline.supervision_lifted", None, None,
                                      {"level": SupervisionLevel(notice.level)}, ref_id=notice.id))
    return events


def open_answer_file(session: Session, *, actor: Actor, attachment_id: int,
                     store: EvidenceStore) -> AttachmentFile:
    """A file of a unit's answer to a 督办 notice, opened from the timeline of an item the notice
    covers: the reader must be able to read one of those items (core.access.permissions
    .item_scope). Raises NotFound, PermissionDenied, EvidenceError."""
    response_id = session.scalar(select(Attachment.notice_response_id)
                                 .where(Attachment.id == attachment_id))
    if response_id is None:
        raise PermissionDenied(f"attachment {attachment_id} is not a 督办 answer's file")
    covered = (select(SupervisionNoticeItem.item_id)
               .join(NoticeResponse, NoticeResponse.notice_id == SupervisionNoticeItem.notice_id)
               .where(NoticeResponse.id == response_id))
    readable = select(Item.id).where(Item.id.in_(covered))
    scope = item_scope(actor)
    if scope is not None:
        readable = readable.where(scope)
    if session.scalar(readable.limit(1)) is None:
        raise PermissionDenied(f"{actor.username} may read no item of the notice answered by {response_id}")
    return open_attachment(session, actor=actor, attachment_id=attachment_id, store=store,
                           owner=Owner("notice_response", response_id))
