"""One item's whole story: its detail (fields, units, derived figures) and its timeline.

The timeline merges, newest first: lifecycle moves and hand-overs (Transition), progress reports
with their evidence, other evidence uploads, 延期 requests and decisions, 督办 notices, and linked
interviews (约谈) and referrals (移送) with the steps of their receivers (签收, 受理, 立案, 办结 …). Each
entry says who, when, what (a catalogue key and its
values, so the page words it in the user's language) and why. Events known only by their day
(notices, interviews, referrals) are placed at the start of that day. Unit users read only items
in their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import messages
from core.access.permissions import Actor, require_item
from core.domain import (
    AuditOutcome,
    Category,
    ExtensionStatus,
    InterviewStatus,
    ReferralKind,
    ReferralStatus,
    Stage,
    Status,
    SupervisionLevel,
    UnitRole,
)
from core.i18n import label as i18n_label
from core.ledger.evidence import AttachmentInfo, list_attachments
from core.ledger.extensions import ExtensionInfo, list_extensions
from core.ledger.items import get_item
from core.ledger.lifecycle import available_moves
from core.ledger.reminders import item_reminders
from core.ledger.rules import Reason, load_rule_settings, reason_columns, reasons_from_row
from core.ledger.stats import NEVER_OVERDUE, days_overdue
from core.referrals.states import days_feedback_overdue
from core.supervision.notice_views import item_notice_events
from db.models import (
    AuditEntry,
    District,
    Inspection,
    Interview,
    InterviewItem,
    Item,
    ItemUnit,
    ProgressReport,
    Referral,
    ReferralItem,
    ReferralStep,
    Transition,
    Unit,
    User,
)

# Same-moment entries: a consequence sorts above its cause when newest comes first.
KIND_ORDER = ("created", "evidence", "progress", "transition", "hand_over", "extension_requested",
              "extension_approved", "extension_rejected", "supervision", "supervision_escalated",
              "supervision_response", "supervision_lifted",
              "interview", "referral", "referral_step", "reminder", "edit")
# Referral steps shown on an item's timeline: the receiver's answers and the sender's follow-up
# (the sending itself is the "referral" entry; recording, amending and recounts are not news here).
REFERRAL_STEPS = ("resend", "remind", "escalate", "receive", "return", "accept", "refuse", "file",
                  "not_file", "supervise_filing", "progress", "conclude", "publish")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str                       # one of KIND_ORDER
    who: str | None                 # display name of the person, if known
    unit: str | None                # the unit acting or concerned
    what_key: str                   # catalogue key; `what(lang)` words it
    what_values: dict = field(default_factory=dict)
    why: str | None = None          # reason, decision note
    detail: str | None = None       # progress text, requirements, circumstances …
    from_status: Status | None = None
    to_status: Status | None = None
    attachments: tuple[AttachmentInfo, ...] = ()
    ref_id: int | None = None       # id of the row it comes from (in its own table)
    # An edit (修改任务信息): what changed, as (catalogue key of the field's label, before, after);
    # a value is text, a date, a code (StrEnum) or None; `change_lines(lang)` words them.
    changes: tuple[tuple[str, object, object], ...] = ()

    def what(self, lang: str = "zh") -> str:
        return messages.text(self.what_key, lang, **self.what_values)

    def change_lines(self, lang: str = "zh") -> list[tuple[str, str, str]]:
        """An edit's changes in `lang`: (field label, before, after), "" for an empty value."""
        return [(messages.text(key, lang), _worded(before, lang), _worded(after, lang))
                for key, before, after in self.changes]


def _worded(value, lang: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, StrEnum):
        return i18n_label(value, lang=lang)
    if isinstance(value, bool):
        return messages.text("timeline.yes" if value else "timeline.no", lang)
    return str(value)


def _day(d: date) -> datetime:
    return datetime.combine(d, time.min)


def _transitions(session: Session, item_id: int) -> list[TimelineEntry]:
    rows = session.execute(
        select(Transition, User.display_name, Unit.short_name)
        .outerjoin(User, User.id == Transition.actor_id)
        .outerjoin(Unit, Unit.id == Transition.to_unit_id)
        .where(Transition.item_id == item_id))
    entries = []
    for t, who, unit in rows:
        if t.from_status is None:
            kind, key, values = "created", "timeline.created", {}
        elif t.to_unit_id is not None and t.from_status == t.to_status:
            kind, key, values = "hand_over", "timeline.hand_over", {"unit": unit}
        else:
            kind, key = "transition", "timeline.transition"
            values = {"from_state": Status(t.from_status), "to_state": Status(t.to_status)}
        entries.append(TimelineEntry(t.at, kind, who, unit if kind == "hand_over" else None, key,
                                     values, why=t.reason, from_status=t.from_status,
                                     to_status=t.to_status, ref_id=t.id))
    return entries


def _reports(session: Session, item_id: int, files: list[AttachmentInfo]) -> list[TimelineEntry]:
    by_report: dict[int, list[AttachmentInfo]] = {}
    for f in files:
        if f.progress_report_id is not None:
            by_report.setdefault(f.progress_report_id, []).append(f)
    rows = session.execute(
        select(ProgressReport, User.display_name, Unit.short_name)
        .outerjoin(User, User.id == ProgressReport.reporter_id)
        .outerjoin(Unit, Unit.id == ProgressReport.unit_id)
        .where(ProgressReport.item_id == item_id))
    return [TimelineEntry(r.created_at or _day(r.reported_on), "progress", who, unit,
                          "timeline.progress", {"percent": r.percent}, detail=r.text,
                          attachments=tuple(by_report.get(r.id, ())), ref_id=r.id)
            for r, who, unit in rows]


def _uploads(files: list[AttachmentInfo], moves: list[TimelineEntry]) -> list[TimelineEntry]:
    """Evidence uploaded outside a progress report: on the move it came with (same moment, same
    person, e.g. 验收 documents on 验收通过), else one entry per upload. Returns the new entries
    and replaces the moves that received files in place."""
    groups: dict[tuple, list[AttachmentInfo]] = {}
    for f in files:
        if f.progress_report_id is None and f.created_at is not None:
            groups.setdefault((f.created_at, f.uploaded_by, f.purpose), []).append(f)
    by_moment = {(m.at, m.who): i for i, m in enumerate(moves)}
    entries = []
    for (at, who, purpose), fs in groups.items():
        if (at, who) in by_moment:
            i = by_moment[(at, who)]
            moves[i] = replace(moves[i], attachments=moves[i].attachments + tuple(fs))
            continue
        entries.append(TimelineEntry(at, "evidence", who, None, "timeline.evidence", {
            "n": len(fs), "purpose": messages.field_label(f"evidence.purpose.{purpose}")},
            attachments=tuple(fs), ref_id=fs[0].id))
    return entries


def _extensions(extensions: list[ExtensionInfo]) -> list[TimelineEntry]:
    entries = []
    for e in extensions:
        values = {"new_due_on": e.new_due_on.isoformat()}
        entries.append(TimelineEntry(e.requested_at, "extension_requested", e.requested_by, None,
                                     "timeline.extension_requested", values, why=e.reason,
                                     ref_id=e.id))
        if e.status != ExtensionStatus.PENDING and e.decided_at is not None:
            kind = f"extension_{e.status.value}"
            entries.append(TimelineEntry(e.decided_at, kind, e.decided_by, None, f"timeline.{kind}",
                                         values, why=e.decision_note, ref_id=e.id))
    return entries


def _notices(session: Session, item_id: int) -> list[TimelineEntry]:
    """督办 notices over the item: issued, escalated, answered, lifted (core.supervision.notices)."""
    return [TimelineEntry(e.at, e.kind, e.who, e.unit, e.key, e.values, why=e.why,
                          detail=e.detail, attachments=e.attachments, ref_id=e.ref_id)
            for e in item_notice_events(session, item_id)]


def _links(session: Session, item_id: int) -> list[TimelineEntry]:
    interviews = session.execute(
        select(Interview, Unit.short_name).join(InterviewItem, InterviewItem.interview_id == Interview.id)
        .join(Unit, Unit.id == Interview.interviewee_unit_id).where(InterviewItem.item_id == item_id))
    referrals = session.execute(
        select(Referral, Unit.short_name).join(ReferralItem, ReferralItem.referral_id == Referral.id)
        .join(Unit, Unit.id == Referral.to_unit_id)
        .where(ReferralItem.item_id == item_id, Referral.sent_on.is_not(None)))
    return [TimelineEntry(_day(i.held_on), "interview", None, unit, "timeline.interview",
                          {"unit": unit}, detail=i.details, ref_id=i.id)
            for i, unit in interviews] + [
        TimelineEntry(_day(r.sent_on), "referral", None, unit, "timeline.referral",
                      {"unit": unit, "code": r.code}, detail=r.cause, ref_id=r.id)
        for r, unit in referrals]


def _referral_steps(session: Session, item_id: int) -> list[TimelineEntry]:
    rows = session.execute(
        select(ReferralStep, Referral.code, User.display_name, Unit.short_name)
        .join(Referral, Referral.id == ReferralStep.referral_id)
        .join(ReferralItem, ReferralItem.referral_id == ReferralStep.referral_id)
        .outerjoin(User, User.id == ReferralStep.actor_id)
        .outerjoin(Unit, Unit.id == ReferralStep.unit_id)
        .where(ReferralItem.item_id == item_id, ReferralStep.move.in_(REFERRAL_STEPS)))
    return [TimelineEntry(s.at, "referral_step", who, unit, "timeline.referral_step",
                          {"code": code, "step": messages.field_label(f"referral.step.{s.move}")},
                          why=s.note, ref_id=s.id)
            for s, code, who, unit in rows]


# Item columns an edit may change → the catalogue key of their label (core.ledger.items.EDITABLE;
# a new 整改时限 sets deadline_text, due_on, is_ongoing and original_due_on together).
EDIT_LABELS = {"deadline_text": "item.field.deadline", "due_on": "col.due_on",
               "original_due_on": "item.field.original_due_on", "is_ongoing": "timeline.field.ongoing"}
EDIT_ENUMS = {"category": Category, "supervision_level": SupervisionLevel, "stage": Stage}


def _edit_value(key: str, value):
    enum = EDIT_ENUMS.get(key)
    if enum is not None and value:
        try:
            return enum(value)
        except ValueError:
            return value
    return value


def _edits(session: Session, item_id: int) -> list[TimelineEntry]:
    """修改任务信息: each audited edit with the fields it changed, before → after."""
    rows = session.execute(
        select(AuditEntry, User.display_name).outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.entity == "item", AuditEntry.entity_id == str(item_id),
               AuditEntry.action == "item.edit", AuditEntry.outcome == AuditOutcome.OK))
    entries = []
    for e, who in rows:
        before, after = e.before or {}, e.after or {}
        changes = tuple(
            (EDIT_LABELS.get(key, f"item.field.{key}"), _edit_value(key, before.get(key)),
             _edit_value(key, after.get(key)))
            for key in after if key != "version" and before.get(key) != after.get(key))
        if changes:
            entries.append(TimelineEntry(e.at, "edit", who or e.actor_name, None, "timeline.edit",
                                         {"n": len(changes)}, changes=changes, ref_id=e.id))
    return entries


def _conclusions(session: Session, item_id: int, moves: list[TimelineEntry]) -> None:
    """Put the 验收结论 typed on 验收通过 on its move (待验收 → 公示中), as its detail: matched to
    the audited pass_verification written in the same transaction (the nearest in time)."""
    passed = session.execute(select(AuditEntry.at, AuditEntry.after).where(
        AuditEntry.entity == "item", AuditEntry.entity_id == str(item_id),
        AuditEntry.action == "item.pass_verification", AuditEntry.outcome == AuditOutcome.OK)).all()
    if not passed:
        return
    for i, m in enumerate(moves):
        if m.kind == "transition" and m.to_status == Status.NOTICE and m.from_status == Status.SUBMITTED:
            at, after = min(passed, key=lambda p: abs(p[0] - m.at))
            text = (after or {}).get("acceptance_conclusion")
            if text and abs(at - m.at) < timedelta(minutes=5):
                moves[i] = replace(m, detail=text)


def _reminders(session: Session, item_id: int) -> list[TimelineEntry]:
    return [TimelineEntry(r.at, "reminder", r.by, r.unit, "timeline.reminder_unit",
                          {"unit": r.unit or "", "n": n}, detail=r.note, ref_id=r.id)
            for n, r in enumerate(item_reminders(session, item_id), start=1)]


def _newest_first(entry: TimelineEntry):
    return (entry.at, KIND_ORDER.index(entry.kind), entry.ref_id or 0)


def item_timeline(session: Session, *, actor: Actor, item_id: int) -> list[TimelineEntry]:
    """Everything that happened to the item, newest first (ties: a consequence above its cause).
    Raises PermissionDenied (a unit user, item out of scope), NotFound."""
    require_item(session, actor, "item.read", item_id)
    get_item(session, item_id)  # raises NotFound
    files = list_attachments(session, actor=actor, item_id=item_id)
    moves = _transitions(session, item_id)
    _conclusions(session, item_id, moves)
    entries = (_uploads(files, moves) + moves + _reports(session, item_id, files)
               + _edits(session, item_id) + _reminders(session, item_id)
               + _extensions(list_extensions(session, actor=actor, item_id=item_id))
               + _notices(session, item_id) + _links(session, item_id)
               + _referral_steps(session, item_id))
    return sorted(entries, key=_newest_first, reverse=True)


# ------------------------------------------------------------------ the item's detail

@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    short_name: str


@dataclass(frozen=True)
class InterviewRef:
    id: int
    code: str
    held_on: date
    interviewee: str
    plan_due_on: date
    status: InterviewStatus
    plan_due_uncovered: str | None = None   # set: the due date is provisional (core.interviews)


@dataclass(frozen=True)
class ReferralRef:
    id: int
    code: str
    kind: ReferralKind
    to_unit: str
    sent_on: date | None
    feedback_due_on: date | None
    status: ReferralStatus
    days_overdue: int = 0        # feedback overdue by (core.referrals.states; 0: not)


@dataclass(frozen=True)
class ItemDetail:
    """One item for its page: every column in `fields`, names resolved, figures derived on
    `today` (never stored), links, evidence, and the moves the reader may make now."""

    id: int
    code: str
    status: Status
    version: int
    fields: dict                          # column → value (dates as date, codes as enums)
    inspection: str
    district: str | None                  # None: 全市
    lead_unit: UnitRef | None
    holder_unit: UnitRef | None
    units: dict[UnitRole, list[UnitRef]]  # 牵头 / 责任 / 配合, every role present
    days_left: int | None                 # to the due date (0: due today); None if no due
                                          # date, ongoing, draft, submitted/closed or overdue
    days_overdue: int                     # 0 unless overdue (core.ledger.stats.days_overdue)
    days_open: int | None                 # since 交办, to 销号 or today; None before 交办
    long_unresolved: list[Reason]         # 久拖不决 reasons (core.ledger.rules)
    interviews: list[InterviewRef]
    referrals: list[ReferralRef]
    extensions: list[ExtensionInfo]
    attachments: list[AttachmentInfo]
    moves: list[str]                      # core.ledger.lifecycle.MOVES keys open to this reader

    @property
    def pending_extension(self) -> ExtensionInfo | None:
        return next((e for e in self.extensions if e.status == ExtensionStatus.PENDING), None)


def _days(item: Item, today: date) -> tuple[int | None, int, int | None]:
    overdue = days_overdue(item.due_on, status=item.status, ongoing=item.is_ongoing, today=today)
    left = None
    if item.due_on and not item.is_ongoing and item.status not in NEVER_OVERDUE:
        left = (item.due_on - today).days if item.due_on >= today else None  # else: overdue
    end = item.closed_on if item.status == Status.CLOSED and item.closed_on else today
    opened = (end - item.assigned_on).days if item.assigned_on else None
    return left, overdue, opened


def _units(session: Session, item: Item) -> dict[UnitRole, list[UnitRef]]:
    rows = session.execute(select(ItemUnit.role, Unit.id, Unit.name, Unit.short_name)
                           .join(Unit, Unit.id == ItemUnit.unit_id)
                           .where(ItemUnit.item_id == item.id).order_by(Unit.id))
    units: dict[UnitRole, list[UnitRef]] = {role: [] for role in UnitRole}
    for role, *ref in rows:
        units[UnitRole(role)].append(UnitRef(*ref))
    return units


def _unit(session: Session, unit_id: int | None) -> UnitRef | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    return UnitRef(unit.id, unit.name, unit.short_name) if unit else None


def _reasons(session: Session, item_id: int, today: date) -> list[Reason]:
    row = session.execute(select(*reason_columns(load_rule_settings(session), today))
                          .where(Item.id == item_id)).one()
    return reasons_from_row(row)


def _linked(session: Session, item_id: int,
            today: date) -> tuple[list[InterviewRef], list[ReferralRef]]:
    interviews = session.execute(
        select(Interview.id, Interview.code, Interview.held_on, Unit.short_name,
               Interview.plan_due_on, Interview.status, Interview.plan_due_uncovered)
        .join(InterviewItem, InterviewItem.interview_id == Interview.id)
        .join(Unit, Unit.id == Interview.interviewee_unit_id)
        .where(InterviewItem.item_id == item_id).order_by(Interview.held_on.desc()))
    referrals = session.execute(
        select(Referral.id, Referral.code, Referral.kind, Unit.short_name, Referral.sent_on,
               Referral.feedback_due_on, Referral.status)
        .join(ReferralItem, ReferralItem.referral_id == Referral.id)
        .join(Unit, Unit.id == Referral.to_unit_id)
        .where(ReferralItem.item_id == item_id).order_by(Referral.id.desc()))
    return [InterviewRef(*r) for r in interviews], [
        ReferralRef(*r, days_overdue=days_feedback_overdue(r[5], status=r[6], today=today))
        for r in referrals]


def item_detail(session: Session, *, actor: Actor, item_id: int,
                today: date | None = None) -> ItemDetail:
    """The item with names, units by role, derived days (on `today`, default the current
    date), 久拖不决 reasons, links, 延期 requests, evidence and the moves open to `actor`.
    Raises PermissionDenied (a unit user, item out of scope), NotFound."""
    require_item(session, actor, "item.read", item_id)
    item, today = get_item(session, item_id), today or date.today()
    left, overdue, opened = _days(item, today)
    interviews, referrals = _linked(session, item_id, today)
    district = session.get(District, item.district_id) if item.district_id else None
    fields = {c.key: getattr(item, c.key) for c in Item.__mapper__.column_attrs}
    return ItemDetail(
        item.id, item.code, Status(item.status), item.version, fields,
        session.scalar(select(Inspection.name).where(Inspection.id == item.inspection_id)),
        district.name if district else None, _unit(session, item.lead_unit_id),
        _unit(session, item.holder_unit_id), _units(session, item), left, overdue, opened,
        _reasons(session, item_id, today), interviews, referrals,
        list_extensions(session, actor=actor, item_id=item_id),
        list_attachments(session, actor=actor, item_id=item_id),
        available_moves(session, actor=actor, item_id=item_id))
