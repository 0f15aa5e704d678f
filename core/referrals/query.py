"""Reading referrals: the filtered, paged list; the flow (who refers what to whom and how far it
got) counted in SQL; one referral's detail with its items, files, steps and the moves open now.

One `ReferralFilter` drives the list and the flow, limited to what the actor may read
(core.referrals.access.referral_scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, Integer, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.access.permissions import Actor, item_scope, require
from core.domain import ReferralKind, ReferralStatus, Status
from core.ledger.evidence import (
    AttachmentFile,
    AttachmentInfo,
    EvidenceStore,
    Owner,
    attachments_of,
    open_attachment,
)
from core.paging import ResultPage
from core.reference_data import UnitRef
from core.referrals.access import readable_referral, referral_scope
from core.referrals.moves import available_moves
from core.referrals.states import (
    AWAITING_FEEDBACK,
    days_feedback_overdue,
    feedback_overdue_condition,
    uncovered,
)
from db.models import District, Item, Referral, ReferralItem, ReferralStep, Unit, User

S = ReferralStatus
FROM_UNIT, TO_UNIT = aliased(Unit, name="from_unit"), aliased(Unit, name="to_unit")


@dataclass(frozen=True)
class ReferralFilter:
    """What the user asked to see; empty tuples and None mean "any"."""

    from_unit_id: int | None = None
    to_unit_id: int | None = None
    kinds: tuple[ReferralKind, ...] = ()
    statuses: tuple[ReferralStatus, ...] = ()
    overdue_only: bool = False          # feedback overdue on `today` (core.referrals.states)
    year: int | None = None             # the year it was sent (a draft has none)


def filter_condition(session: Session, flt: ReferralFilter, *, actor: Actor,
                     today: date) -> ColumnElement[bool] | None:
    """The SQL condition for this filter within this actor's scope (None: every referral)."""
    parts = [referral_scope(session, actor),
             Referral.from_unit_id == flt.from_unit_id if flt.from_unit_id else None,
             Referral.to_unit_id == flt.to_unit_id if flt.to_unit_id else None,
             Referral.kind.in_(flt.kinds) if flt.kinds else None,
             Referral.status.in_(flt.statuses) if flt.statuses else None,
             feedback_overdue_condition(today) if flt.overdue_only else None,
             Referral.sent_on.between(date(flt.year, 1, 1), date(flt.year, 12, 31))
             if flt.year else None]
    parts = [p for p in parts if p is not None]
    return and_(*parts) if parts else None


# ------------------------------------------------------------------ the list

@dataclass(frozen=True)
class ReferralRow:
    id: int
    code: str
    kind: ReferralKind
    from_unit: str
    to_unit: str
    district: str | None           # None: 全市
    party: str | None
    cause: str
    sent_on: date | None
    feedback_due_on: date | None
    provisional: bool              # the due date counts weekdays in a year nobody has entered
    status: ReferralStatus
    items: int
    version: int
    days_overdue: int = 0          # feedback overdue by this many days (0: not overdue)


@dataclass(frozen=True)
class ReferralPage(ResultPage[ReferralRow]):
    pass


def _items_count():
    return (select(func.count()).where(ReferralItem.referral_id == Referral.id)
            .correlate(Referral).scalar_subquery())


def row_select():
    """The list's columns, newest sent first (drafts, not sent yet, on top), ties by id."""
    return (select(Referral.id, Referral.code, Referral.kind, FROM_UNIT.short_name,
                   TO_UNIT.short_name, District.short_name, Referral.party, Referral.cause,
                   Referral.sent_on, Referral.feedback_due_on,
                   Referral.feedback_uncovered_years.is_not(None), Referral.status,
                   _items_count(), Referral.version)
            .join(FROM_UNIT, FROM_UNIT.id == Referral.from_unit_id)
            .join(TO_UNIT, TO_UNIT.id == Referral.to_unit_id)
            .outerjoin(District, District.id == Referral.district_id)
            .order_by(Referral.sent_on.desc().nulls_first(), Referral.id.desc()))


# Built once: composing the joins and the correlated count anew cost a quarter of the page's
# time. Rows are read by position, so SQLAlchemy need not re-key each result to the statement
# object of the call (its result-map adaptation was a third of what remained).
PLAIN = {"_result_disable_adapt_to_context": True}
ROWS = (row_select().limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer)).execution_options(**PLAIN))
COUNT = select(func.count(Referral.id)).execution_options(**PLAIN)


def list_referrals(session: Session, *, actor: Actor, flt: ReferralFilter, today: date,
                   page: int = 1, page_size: int = 50) -> ReferralPage:
    """One page (1-based; past the end: empty) of the referrals matching the filter, and the
    total; raises PermissionDenied for a role that may not read referrals."""
    require(actor, "referral.read")
    if page < 1 or not 1 <= page_size <= 500:
        raise ValueError("page must be ≥ 1 and page_size within 1..500")
    cond = filter_condition(session, flt, actor=actor, today=today)
    count, rows = (COUNT, ROWS) if cond is None else (COUNT.where(cond), ROWS.where(cond))
    conn = session.connection()     # plain rows: no ORM entities to build
    total = conn.execute(count).scalar() or 0
    found = conn.execute(rows, {"limit": page_size, "offset": (page - 1) * page_size}).all()
    return ReferralPage([ReferralRow(*r, days_overdue=days_feedback_overdue(r[9], status=r[11],
                                                                          today=today))
                         for r in found], int(total), page, page_size)


# ------------------------------------------------------------------ the flow

# Where a referral stands, as the flow chart groups it (left to right along the way).
STAGES = ("overdue", "awaiting", "accepted", "filed", "concluded", "declined", "returned")
_STAGE = {S.SENT: "awaiting", S.RECEIVED: "awaiting", S.ACCEPTED: "accepted", S.FILED: "filed",
          S.CONCLUDED: "concluded", S.REFUSED: "declined", S.NOT_FILED: "declined",
          S.RETURNED: "returned"}


@dataclass(frozen=True)
class FlowCount:
    kind: ReferralKind
    stage: str                      # one of STAGES
    referrals: int


@dataclass(frozen=True)
class Flow:
    """Sent referrals (drafts left out) by kind and stage; "overdue" are those still awaiting
    feedback past their due date, counted there and not under "awaiting"/"accepted". `accepted`
    and `filed` count every referral ever accepted (受理) or filed (立案), whatever came after."""

    counts: tuple[FlowCount, ...]
    accepted: int = 0
    filed: int = 0

    def total(self, *stages: str) -> int:
        return sum(c.referrals for c in self.counts if not stages or c.stage in stages)

    def unanswered(self) -> int:
        return self.total("overdue", "awaiting", "accepted")


def _flow_select():
    """kind, state, feedback overdue on :today (0/1), referrals, ever accepted, ever filed."""
    overdue = case((and_(Referral.status.in_(AWAITING_FEEDBACK),
                         Referral.feedback_due_on < bindparam("today", type_=Date)), 1),
                   else_=0).label("overdue")
    ever = [func.coalesce(func.sum(case((column.is_(True), 1), else_=0)), 0)
            for column in (Referral.accepted, Referral.filed)]
    return (select(Referral.kind, Referral.status, overdue, func.count(), *ever)
            .where(Referral.status != S.PENDING)
            .group_by(Referral.kind, Referral.status, overdue))


FLOW = _flow_select().execution_options(**PLAIN)   # built once, like ROWS


def referral_flow(session: Session, *, actor: Actor, flt: ReferralFilter, today: date) -> Flow:
    """The flow of the referrals matching the filter: one grouped count in SQL (kind, state,
    feedback overdue or not); raises PermissionDenied for a role that may not read referrals."""
    require(actor, "referral.read")
    cond = filter_condition(session, flt, actor=actor, today=today)
    stmt = FLOW if cond is None else FLOW.where(cond)
    totals: dict[tuple[ReferralKind, str], int] = {}
    accepted = filed = 0
    for kind, status, late, n, was_accepted, was_filed in session.connection().execute(
            stmt, {"today": today}).all():
        key = (ReferralKind(kind), "overdue" if late else _STAGE[ReferralStatus(status)])
        totals[key] = totals.get(key, 0) + n
        accepted, filed = accepted + int(was_accepted), filed + int(was_filed)
    order = {k: i for i, k in enumerate(ReferralKind)}
    counts = tuple(FlowCount(k, s, n) for (k, s), n in
                   sorted(totals.items(), key=lambda kv: (order[kv[0][0]], STAGES.index(kv[0][1]))))
    return Flow(counts, accepted, filed)


# ------------------------------------------------------------------ one referral

@dataclass(frozen=True)
class ItemLink:
    id: int
    code: str
    district: str | None
    description: str
    status: Status
    due_on: date | None
    readable: bool                  # the reader may open the item's page (its scope)


@dataclass(frozen=True)
class StepEntry:
    id: int
    at: datetime
    move: str                       # a MOVES key, "record" or "recompute_due"
    from_status: ReferralStatus | None
    to_status: ReferralStatus | None
    who: str | None
    unit: str | None
    note: str | None
    details: dict
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class ReferralDetail:
    id: int
    code: str
    version: int
    status: ReferralStatus
    kind: ReferralKind
    fields: dict                    # column → value
    from_unit: UnitRef
    to_unit: UnitRef
    district: str | None            # None: 全市
    items: list[ItemLink]
    attachments: list[AttachmentInfo]
    steps: list[StepEntry]          # newest first
    moves: list[str]                # core.referrals.moves.MOVES keys open to this reader now
    days_overdue: int               # feedback overdue by (0: not)
    provisional_years: tuple[int, ...]   # the due date is provisional: these years lack a calendar


def _unit_ref(session: Session, unit_id: int) -> UnitRef:
    u = session.get(Unit, unit_id)
    return UnitRef(u.id, u.name, u.short_name, u.kind, u.district_id)


def _items(session: Session, actor: Actor, referral_id: int) -> list[ItemLink]:
    rows = session.execute(
        select(Item.id, Item.code, District.short_name, Item.description, Item.status, Item.due_on)
        .join(ReferralItem, ReferralItem.item_id == Item.id)
        .outerjoin(District, District.id == Item.district_id)
        .where(ReferralItem.referral_id == referral_id).order_by(Item.id)).all()
    scope = item_scope(actor)
    readable = ({r[0] for r in rows} if scope is None else set(session.scalars(
        select(Item.id).where(Item.id.in_([r[0] for r in rows]), scope))))
    return [ItemLink(i, c, d, desc, Status(s), due, i in readable) for i, c, d, desc, s, due in rows]


def _steps(session: Session, referral_id: int, files: list[AttachmentInfo]) -> list[StepEntry]:
    rows = session.execute(
        select(ReferralStep, User.display_name, Unit.short_name)
        .outerjoin(User, User.id == ReferralStep.actor_id)
        .outerjoin(Unit, Unit.id == ReferralStep.unit_id)
        .where(ReferralStep.referral_id == referral_id)
        .order_by(ReferralStep.at.desc(), ReferralStep.id.desc())).all()
    by_moment: dict[datetime, list[AttachmentInfo]] = {}
    for f in files:
        by_moment.setdefault(f.created_at, []).append(f)
    return [StepEntry(s.id, s.at, s.move, s.from_status and ReferralStatus(s.from_status),
                      s.to_status and ReferralStatus(s.to_status), who, unit, s.note,
                      dict(s.details or {}), tuple(by_moment.pop(s.at, ())))
            for s, who, unit in rows]


def referral_detail(session: Session, *, actor: Actor, referral_id: int,
                    today: date | None = None) -> ReferralDetail:
    """The referral with its names, items (each saying whether the reader may open it), files,
    steps and the moves open to `actor`; overdue and provisional on `today` (default: the
    current date). Raises PermissionDenied (out of the actor's scope), NotFound."""
    referral = readable_referral(session, actor, referral_id)
    today = today or date.today()
    files = attachments_of(session, owner=Owner("referral", referral.id))
    district = session.get(District, referral.district_id) if referral.district_id else None
    return ReferralDetail(
        referral.id, referral.code, referral.version, ReferralStatus(referral.status),
        ReferralKind(referral.kind),
        {c.key: getattr(referral, c.key) for c in Referral.__mapper__.column_attrs},
        _unit_ref(session, referral.from_unit_id), _unit_ref(session, referral.to_unit_id),
        district.name if district else None, _items(session, actor, referral.id), files,
        _steps(session, referral.id, files), available_moves(session, actor=actor, referral=referral),
        days_feedback_overdue(referral.feedback_due_on, status=referral.status, today=today),
        uncovered(referral.feedback_uncovered_years) if referral.status in AWAITING_FEEDBACK else ())


def open_referral_file(session: Session, *, actor: Actor, referral_id: int, attachment_id: int,
                       store: EvidenceStore) -> AttachmentFile:
    """A file of the referral, for download, if the actor may read the referral and the file is
    the referral's; raises PermissionDenied, NotFound, EvidenceError."""
    readable_referral(session, actor, referral_id)
    return open_attachment(session, actor=actor, attachment_id=attachment_id, store=store,
                           owner=Owner("referral", referral_id))


# ------------------------------------------------------------------ picking items to refer

@dataclass(frozen=True)
class ItemChoice:
    id: int
    code: str
    district: str | None
    description: str
    status: Status


def item_choices(session: Session, *, actor: Actor, search: str = "", keep: tuple[int, ...] = (),
                 limit: int = 20) -> list[ItemChoice]:
    """Items to pick for a referral: those already picked (`keep`), then up to `limit` whose 编号
    or 问题描述 contains `search` (newest first), all within the actor's scope."""
    stmt = (select(Item.id, Item.code, District.short_name, Item.description, Item.status)
            .outerjoin(District, District.id == Item.district_id))
    scope = item_scope(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    kept = session.execute(stmt.where(Item.id.in_(keep)).order_by(Item.id)).all() if keep else []
    text = search.strip().replace("%", "").replace("_", "")
    found = session.execute(stmt.where(or_(Item.code.like(f"%{text}%"),
                                           Item.description.like(f"%{text}%")),
                                       Item.id.not_in(keep or (0,)))
                            .order_by(Item.id.desc()).limit(limit)).all() if text else []
    return [ItemChoice(i, c, d, desc, Status(s)) for i, c, d, desc, s in [*kept, *found]]
