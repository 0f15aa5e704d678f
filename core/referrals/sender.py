"""The sender's steps (coordinator or admin): record a referral, amend it while it is not with the
receiver, send it, send it again once returned materials are complete, remind and escalate.

Every function checks its input first (ValidationFailed, nothing read or written), then goes
through core.referrals.moves (permission, the version the user saw, the state; audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import AuditOutcome, ReferralKind, ReferralStatus
from core.errors import FieldProblem, PermissionDenied, ValidationFailed
from core.ledger.evidence import EvidenceStore, Owner, check_files, save_attachments
from core.ledger.item_form import check_date, check_text
from core.messages import field_label, say, zh
from core.referrals import form
from core.referrals.dues import count_due, feedback_workdays
from core.referrals.moves import Change, add_step, check_role, make_move
from core.referrals.states import uncovered_text
from db.models import Referral, ReferralItem

COLUMNS = ("kind", "from_unit_id", "to_unit_id", "doc_no", "party", "cause", "facts",
           "legal_basis", "contact", "materials")
DUE_COLUMNS = ["sent_on", "feedback_due_on", "feedback_workdays", "feedback_uncovered_years"]


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def _next_code(session: Session, today: date) -> str:
    """YS-<year>-<n>: one more than the year's highest number (a race is refused by the unique index)."""
    prefix = f"YS-{today.year}-"
    top = session.scalar(select(func.max(Referral.code)).where(Referral.code.like(f"{prefix}%")))
    n = int(top[len(prefix):]) if top and top[len(prefix):].isdigit() else 0
    return f"{prefix}{n + 1:06d}"


def _link_items(session: Session, referral: Referral, item_ids: list[int]) -> None:
    session.execute(ReferralItem.__table__.delete().where(ReferralItem.referral_id == referral.id))
    session.add_all([ReferralItem(referral_id=referral.id, item_id=i) for i in item_ids])


def _require_record(session: Session, actor: Actor, values: dict) -> None:
    try:
        require(actor, "referral.record")
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action="referral.record", entity="referral",
                             entity_id=None, outcome=AuditOutcome.REFUSED_PERMISSION,
                             detail=str(exc), attempted=audit.snapshot_values(
                                 {k: str(v) for k, v in values.items()}))
        raise


def record_referral(session: Session, *, actor: Actor, values: dict,
                    attachments: Sequence[tuple[str, bytes]] = (),
                    store: EvidenceStore | None = None) -> Referral:
    """A new referral (coordinator/admin) from the form's values (keys as core.referrals.form.FIELDS),
    with the materials' files; 待移送 unless `sent_on` is given, then sent that day in the same
    transaction (its feedback due date counted). Its district follows its items
    (form.referral_district). Raises PermissionDenied, ValidationFailed, EvidenceError."""
    _require_record(session, actor, values)
    clean = form.validate(session, actor=actor, values=values)
    files = check_files(attachments, store=store)
    referral = Referral(code=_next_code(session, date.today()), status=ReferralStatus.PENDING,
                        **{k: clean[k] for k in COLUMNS}, district_id=form.referral_district(
                            session, item_ids=clean["item_ids"], from_unit_id=clean["from_unit_id"],
                            to_unit_id=clean["to_unit_id"]), created_at=datetime.now())
    session.add(referral)
    try:
        session.flush()
    except IntegrityError as exc:  # a colleague took the same number a moment ago
        raise ValidationFailed([FieldProblem(None, zh("referral.field.code"),
                                             say("err.taken", value=referral.code))]) from exc
    _link_items(session, referral, clean["item_ids"])
    at = datetime.now()
    add_step(session, referral, "record", actor, source=None, at=at)
    saved = save_attachments(session, actor=actor, files=files, store=store,
                             owner=Owner("referral", referral.id), purpose="referral_material",
                             at=at) if files else []
    audit.record(session, actor=actor, action="referral.record", entity="referral",
                 entity_id=referral.id, after={**audit.snapshot(referral), "items": clean["item_ids"],
                                               "attachments": [a.filename for a in saved]})
    if clean["sent_on"] is not None:
        send_referral(session, actor=actor, referral_id=referral.id,
                      expected_version=referral.version, sent_on=clean["sent_on"])
    return referral


def amend_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                   values: dict, attachments: Sequence[tuple[str, bytes]] = (),
                   store: EvidenceStore | None = None) -> Referral:
    """Change a referral not yet with the receiver (待移送, or 退回 to complete its materials): the
    whole form again (as record_referral, without `sent_on`), more material files. Raises
    PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed, EvidenceError."""
    check_role(session, actor, "amend", referral_id)
    clean = form.validate(session, actor=actor, values={**values, "sent_on": None})
    files = check_files(attachments, store=store)

    def apply(referral: Referral) -> None:
        # queries first: a query flushes pending changes, and one flush is one new version
        district = form.referral_district(session, item_ids=clean["item_ids"],
                                          from_unit_id=clean["from_unit_id"],
                                          to_unit_id=clean["to_unit_id"])
        _link_items(session, referral, clean["item_ids"])
        for key in COLUMNS:
            setattr(referral, key, clean[key])
        referral.district_id = district

    return make_move(session, actor=actor, name="amend", referral_id=referral_id,
                     expected_version=expected_version, change=Change(
                         tracked=[*COLUMNS, "district_id"], apply=apply,
                         details={"items": clean["item_ids"]}, files=files,
                         purpose="referral_material", store=store))


def _due_apply(session: Session, sent_on: date):
    def apply(referral: Referral) -> None:
        n = feedback_workdays(session)[ReferralKind(referral.kind)]
        result = count_due(session, sent_on=sent_on, workdays=n)
        referral.sent_on, referral.feedback_due_on = sent_on, result.due_on
        referral.feedback_workdays = n
        referral.feedback_uncovered_years = uncovered_text(result.uncovered_years)
    return apply


def send_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                  sent_on: date, note: str | None = None) -> Referral:
    """移送 (待移送 → 已移送) on `sent_on` (not after today); the feedback due date is the kind's N
    working days later (core.referrals.dues), provisional where a year's calendar is missing.
    Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    problems: list[FieldProblem] = []
    sent_on = check_date(problems, "referral.field.sent_on", sent_on)
    note = check_text(problems, "referral.field.note", note, required=False)
    _raise(problems)
    return make_move(session, actor=actor, name="send", referral_id=referral_id,
                     expected_version=expected_version, change=Change(
                         note=note, tracked=DUE_COLUMNS, apply=_due_apply(session, sent_on),
                         details={"sent_on": sent_on}))


def resend_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                    sent_on: date, note: str | None = None) -> Referral:
    """移送 again after a 退回 (退回 → 已移送), the materials completed (amend_referral): a new sent
    date (not before the first, not after today) and a new due date; the 回证 is cleared.
    Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    problems: list[FieldProblem] = []
    sent_on = check_date(problems, "referral.field.sent_on", sent_on)
    note = check_text(problems, "referral.field.note", note, required=False)
    _raise(problems)
    due = _due_apply(session, sent_on)

    def apply(referral: Referral) -> None:
        if referral.sent_on and sent_on < referral.sent_on:
            _raise([FieldProblem(None, zh("referral.field.sent_on"), say(
                "err.before", other=field_label("referral.field.first_sent_on")))])
        due(referral)
        referral.receipt_on = None

    return make_move(session, actor=actor, name="resend", referral_id=referral_id,
                     expected_version=expected_version, change=Change(
                         note=note, tracked=[*DUE_COLUMNS, "receipt_on"], apply=apply,
                         details={"sent_on": sent_on}))


def remind_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                    note: str | None = None) -> Referral:
    """催告: the sender reminds the receiver (an answer or the result is awaited); counted, dated
    today. Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    problems: list[FieldProblem] = []
    note = check_text(problems, "referral.field.note", note, required=False)
    _raise(problems)

    def apply(referral: Referral) -> None:
        referral.reminded_count = (referral.reminded_count or 0) + 1
        referral.last_reminded_on = date.today()

    return make_move(session, actor=actor, name="remind", referral_id=referral_id,
                     expected_version=expected_version, change=Change(
                         note=note, tracked=["reminded_count", "last_reminded_on"], apply=apply))


def escalate_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                      note: str) -> Referral:
    """提级督办: the sender escalates a referral still unanswered or unfinished (to the leading
    group, the receiver's superior), dated today; what was done is the note (required).
    Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    problems: list[FieldProblem] = []
    note = check_text(problems, "referral.field.note", note)
    _raise(problems)

    def apply(referral: Referral) -> None:
        referral.escalated_on = date.today()

    return make_move(session, actor=actor, name="escalate", referral_id=referral_id,
                     expected_version=expected_version, change=Change(
                         note=note, tracked=["escalated_on"], apply=apply))
