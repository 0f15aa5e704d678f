"""The referral's moves (docs/domain.md, Referrals): one table, each move with the states it starts
from, the state it leads to (None: the state stays), the RULES action that says which roles may
make it, and the side that makes it (core.referrals.access).

    待移送 pending ──send──▶ 已移送 sent ──receive (回证)──▶ 已签收 received
    已签收 ──accept──▶ 已受理 accepted ──file (立案)──▶ 已立案 filed ──conclude──▶ 已办结 concluded
    已签收 ──refuse (不予受理, reason)──▶ 不予受理 refused
    已受理 ──not_file (不予立案, reason)──▶ 不予立案 not_filed
    已移送/已签收 ──return (退回: materials incomplete, reason)──▶ 退回 returned ──resend──▶ 已移送
    已受理 ──conclude──▶ 已办结, for kinds that file no case (司法局, industry departments)
    不予立案 ──supervise_filing (检察院立案监督, note)──▶ 不予立案, then ──file──▶ 已立案
    amend (pending/returned), remind and escalate (awaiting an answer or filed), progress
    (received/accepted/filed) and publish (concluded) leave the state as it is.

Every move: the actor's role (RULES), its side (the sender's steps: coordinator or admin; the
receiver's: a user of the receiving unit; 立案监督: a procuratorate in reach), the version the user
saw, the state; then the change, a ReferralStep (who, which unit, when, from, to, note, values), an
audit row with before/after, the ledger revision bumped. Refusals are audited too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, can, require
from core.domain import AuditOutcome, ReferralKind, ReferralStatus
from core.errors import PermissionDenied, StaleEdit
from core.ledger.evidence import CheckedFile, EvidenceStore, Owner, save_attachments
from core.ledger.items import TransitionNotAllowed
from core.messages import enum_list, field_label, say
from core.referrals.access import PROCURATORATE, RECEIVER, SENDER, readable_referral, side_problem
from core.referrals.states import AWAITING_FEEDBACK, FILING_KINDS
from db.models import Referral, ReferralStep

S = ReferralStatus
ANSWER_AWAITED = (*AWAITING_FEEDBACK, S.FILED)   # the sender may still remind and escalate


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[ReferralStatus, ...]
    target: ReferralStatus | None    # None: the state stays
    action: str                      # core.access.permissions.RULES key: the roles that may make it
    side: str                        # core.referrals.access: SENDER, RECEIVER or PROCURATORATE


MOVES: dict[str, Move] = {m.name: m for m in (
    Move("send", (S.PENDING,), S.SENT, "referral.record", SENDER),
    Move("amend", (S.PENDING, S.RETURNED), None, "referral.record", SENDER),
    Move("resend", (S.RETURNED,), S.SENT, "referral.record", SENDER),
    Move("remind", ANSWER_AWAITED, None, "referral.remind", SENDER),
    Move("escalate", ANSWER_AWAITED, None, "referral.escalate", SENDER),
    Move("receive", (S.SENT,), S.RECEIVED, "referral.feedback", RECEIVER),
    Move("return", (S.SENT, S.RECEIVED), S.RETURNED, "referral.feedback", RECEIVER),
    Move("accept", (S.RECEIVED,), S.ACCEPTED, "referral.feedback", RECEIVER),
    Move("refuse", (S.RECEIVED,), S.REFUSED, "referral.feedback", RECEIVER),
    Move("file", (S.ACCEPTED, S.NOT_FILED), S.FILED, "referral.feedback", RECEIVER),
    Move("not_file", (S.ACCEPTED,), S.NOT_FILED, "referral.feedback", RECEIVER),
    Move("supervise_filing", (S.NOT_FILED,), None, "referral.supervise_filing", PROCURATORATE),
    Move("progress", (S.RECEIVED, S.ACCEPTED, S.FILED), None, "referral.feedback", RECEIVER),
    Move("conclude", (S.FILED, S.ACCEPTED), S.CONCLUDED, "referral.feedback", RECEIVER),
    Move("publish", (S.CONCLUDED,), None, "referral.feedback", RECEIVER),
)}


def _special_problem(move: Move, referral: Referral) -> str | None:
    """The rules a move's source states alone do not say."""
    kind, status = ReferralKind(referral.kind), ReferralStatus(referral.status)
    if move.name == "file" and status == S.NOT_FILED and not referral.filing_supervised:
        return say("err.referral_file_unsupervised")
    if move.name == "conclude" and status == S.ACCEPTED and kind in FILING_KINDS:
        return say("err.referral_conclude_unfiled", kind=field_label(f"referral.kind.{kind.value}"))
    if move.name == "supervise_filing" and kind is not ReferralKind.POLICE:
        return say("err.referral_supervise_kind")
    if move.name == "supervise_filing" and referral.filing_supervised:
        return say("err.referral_supervised_already")
    return None


def state_problem(move: Move, referral: Referral) -> str | None:
    """Why the referral's state does not allow this move now (None: it does)."""
    if referral.status not in move.sources:
        return say("err.referral_state", move=field_label(f"referral.move.{move.name}"),
                   state=ReferralStatus(referral.status), allowed=enum_list(move.sources))
    return _special_problem(move, referral)


def changes_since(session: Session, referral_id: int, version: int) -> dict[str, tuple]:
    """Field → (value the user saw, value now) for audited referral writes after `version`."""
    return audit.changes_since(session, entity="referral", entity_id=referral_id, version=version)


def _refuse(session: Session, actor: Actor, action: str, referral_id: int, outcome: AuditOutcome,
            detail: str, attempted: dict) -> None:
    audit.record_refusal(session, actor=actor, action=action, entity="referral",
                         entity_id=referral_id, outcome=outcome, detail=detail, attempted=attempted)


def check_role(session: Session, actor: Actor, name: str, referral_id: int) -> None:
    """The role check alone, audited, for a move whose input check depends on the actor (amend:
    the items must be in the actor's scope) and so must not run for a role that may not move."""
    try:
        require(actor, MOVES[name].action)
    except PermissionDenied as exc:
        _refuse(session, actor, f"referral.{name}", referral_id, AuditOutcome.REFUSED_PERMISSION,
                str(exc), {})
        raise


def guard(session: Session, actor: Actor, move: Move, referral_id: int, expected_version: int,
          attempted: dict) -> Referral:
    """The referral for this move, or an audited refusal: PermissionDenied (role, scope, side),
    StaleEdit (not the version the user saw), TransitionNotAllowed (state); NotFound."""
    action = f"referral.{move.name}"
    try:
        require(actor, move.action)
        referral = readable_referral(session, actor, referral_id)
        problem = side_problem(session, actor, move.side, referral)
        if problem:
            raise PermissionDenied(problem)
    except PermissionDenied as exc:
        _refuse(session, actor, action, referral_id, AuditOutcome.REFUSED_PERMISSION, str(exc),
                attempted)
        raise
    if referral.version != expected_version:
        detail = f"saw version {expected_version}, current is {referral.version}"
        _refuse(session, actor, action, referral_id, AuditOutcome.REFUSED_STALE, detail, attempted)
        raise StaleEdit(say("err.referral_stale", detail=detail),
                        changes_since(session, referral_id, expected_version))
    problem = state_problem(move, referral)
    if problem:
        _refuse(session, actor, action, referral_id, AuditOutcome.REFUSED_INVALID, problem, attempted)
        raise TransitionNotAllowed(problem)
    return referral


@dataclass
class Change:
    """What a move writes besides the state: columns it sets (by `apply`), the note, the values
    kept on its step, and files (already checked) saved with it."""

    note: str | None = None
    tracked: Sequence[str] = ()
    apply: Callable[[Referral], None] = lambda referral: None
    details: dict = field(default_factory=dict)
    files: Sequence[CheckedFile] = ()
    purpose: str = "referral_feedback"
    store: EvidenceStore | None = None


def make_move(session: Session, *, actor: Actor, name: str, referral_id: int,
              expected_version: int, change: Change) -> Referral:
    """The common path of every move: guard, change, step, flush, files, audit."""
    move = MOVES[name]
    attempted = {"note": change.note, **audit.snapshot_values(change.details),
                 "files": [f.filename for f in change.files]}
    referral = guard(session, actor, move, referral_id, expected_version, attempted)
    columns = ["status", *change.tracked]
    before, source, at = audit.snapshot(referral, columns), referral.status, datetime.now()
    change.apply(referral)
    referral.status = move.target or referral.status
    referral.updated_at = at   # every step is a new version, even one that only adds a note
    add_step(session, referral, name, actor, source=source, at=at, note=change.note,
             details=change.details)
    saved = save_attachments(session, actor=actor, files=list(change.files), store=change.store,
                             owner=Owner("referral", referral.id), purpose=change.purpose,
                             at=at) if change.files else []
    audit.record(session, actor=actor, action=f"referral.{name}", entity="referral",
                 entity_id=referral.id, before=before,
                 after={**audit.snapshot(referral, columns), "version": referral.version,
                        **({"attachments": [[a.filename, a.sha256] for a in saved]} if saved else {})})
    return referral


def add_step(session: Session, referral: Referral, name: str, actor: Actor, *,
             source: ReferralStatus | None, at: datetime, note: str | None = None,
             details: dict | None = None) -> ReferralStep:
    """Record one step and flush; raises StaleEdit if someone saved the referral meanwhile."""
    step = ReferralStep(referral_id=referral.id, move=name, from_status=source,
                        to_status=referral.status, actor_id=actor.id, unit_id=actor.unit_id, at=at,
                        note=note, details=audit.snapshot_values(details or {}))
    session.add(step)
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleEdit(say("err.referral_stale", detail=f"referral {referral.id}")) from exc
    return step


def available_moves(session: Session, *, actor: Actor, referral: Referral) -> list[str]:
    """Names of the moves (MOVES keys) this actor may make on the referral now, in table order,
    for the page's forms; every write checks again."""
    return [m.name for m in MOVES.values()
            if can(actor, m.action) and side_problem(session, actor, m.side, referral) is None
            and state_problem(m, referral) is None]
