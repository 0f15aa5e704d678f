"""The item lifecycle (docs/domain.md): a table of moves, each with the states it starts from, the
state it leads to, and the RULES action that says who may make it.

    待交办 draft ──assign──▶ 已交办 assigned ──start / first progress report──▶ 整改中 in_progress
    整改中 ──request_closure (申请销号)──▶ 待验收 submitted ──pass_verification──▶ 公示中 notice
    公示中 ──close (销号)──▶ 已销号 closed
    待验收 ──fail_verification (验收不通过, reason; bounce_count+1)──▶ 整改中
    公示中 ──object_notice (公示有异议, reason; bounce_count+1)──▶ 整改中
    已销号 ──reopen (反弹, reason; reopen_count+1)──▶ 整改中
    draft/assigned/in_progress ──hand_over (移交, reason)──▶ same state, another holder unit

Every move: permission (role, and a unit user only on items in scope), the version the user saw,
a Transition row (who, when, from, to, why), an audit row with before/after, the ledger revision
bumped. A move the state does not allow raises TransitionNotAllowed, audited as a refusal.

长期坚持 (is_ongoing) items are "completed, kept up": they stay 整改中 for monitoring, are never
overdue and are reviewed each quarter by a progress report (the 90-day stale rule and the
quarterly-review queue catch a missed one). They are not closed: request_closure,
pass_verification and close refuse them. When such an item gets a fixed end after all, a
coordinator first changes its 整改时限 (core.ledger.items.update_item, audited), then closes it as usual.

移交 (hand-over) changes `holder_unit_id` only. The lead unit (牵头单位) and the units listed as
responsible/cooperating keep their access, since they stay accountable; a previous holder with no
other link to the item loses it (core.access.permissions.item_scope).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, can, require_item
from core.domain import Status
from core.errors import FieldProblem, PermissionDenied, ValidationFailed
from core.ledger.deadlines import DeadlineError, parse_deadline
from core.ledger.evidence import EvidenceStore, check_files, save_attachments
from core.ledger.item_form import check_date, check_text
from core.ledger.items import (
    TransitionNotAllowed,
    flush_item,
    get_item,
    guard_item,
    refuse_state,
)
from core.messages import enum_list, field_label, say, zh
from db.models import Item, Transition, Unit

__all__ = ["MOVES", "Move", "TransitionNotAllowed", "assign_item", "available_moves", "close_item",
           "fail_verification", "hand_over_item", "object_notice", "pass_verification",
           "reopen_item", "request_closure", "start_item"]

S = Status


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[Status, ...]
    target: Status | None        # None: the state stays (移交)
    action: str                  # core.access.permissions.RULES key: the roles that may make it
    reason_required: bool = False


MOVES: dict[str, Move] = {m.name: m for m in (
    Move("assign", (S.DRAFT,), S.ASSIGNED, "item.assign"),
    Move("start", (S.ASSIGNED,), S.IN_PROGRESS, "item.start"),
    Move("request_closure", (S.IN_PROGRESS,), S.SUBMITTED, "item.request_closure"),
    Move("pass_verification", (S.SUBMITTED,), S.NOTICE, "item.verify"),
    Move("fail_verification", (S.SUBMITTED,), S.IN_PROGRESS, "item.verify", reason_required=True),
    Move("object_notice", (S.NOTICE,), S.IN_PROGRESS, "item.verify", reason_required=True),
    Move("close", (S.NOTICE,), S.CLOSED, "item.close"),
    Move("reopen", (S.CLOSED,), S.IN_PROGRESS, "item.reopen", reason_required=True),
    Move("hand_over", (S.DRAFT, S.ASSIGNED, S.IN_PROGRESS), None, "item.transfer",
         reason_required=True),
)}
CLOSING = ("request_closure", "pass_verification", "close")   # refused for 长期坚持 items
ACCEPTANCE = ["accepted_on", "acceptance_unit", "acceptance_conclusion", "notice_from", "notice_to"]


def _state_problem(move: Move, item: Item) -> str | None:
    if item.status not in move.sources:
        return say("err.move_state", move=field_label(f"move.{move.name}"), state=item.status,
                   allowed=enum_list(move.sources))
    if item.is_ongoing and move.name in CLOSING:
        return say("err.ongoing_closure")
    return None


def _move(session: Session, *, actor: Actor, name: str, item_id: int, expected_version: int,
          reason: str | None, attempted: dict, tracked: Sequence[str],
          apply: Callable[[Item], None] = lambda item: None, to_unit_id: int | None = None,
          at: datetime | None = None) -> Item:
    """The common path of every move: guard, state check, change, Transition, flush, audit.
    `at` stamps the Transition (files uploaded with the move carry the same stamp)."""
    move, action = MOVES[name], f"item.{name}"
    attempted = {"reason": reason, **audit.snapshot_values(attempted)}
    item = guard_item(session, actor, move.action, item_id, expected_version, attempted,
                      audit_action=action)
    problem = _state_problem(move, item)
    if problem:
        raise refuse_state(session, actor, action, item.id, problem, attempted)
    columns = ["status", *tracked]
    before, source = audit.snapshot(item, columns), item.status
    apply(item)
    item.status = move.target or item.status
    session.add(Transition(item_id=item.id, from_status=source, to_status=item.status,
                           actor_id=actor.id, at=at or datetime.now(), reason=reason,
                           to_unit_id=to_unit_id))
    flush_item(session, item)
    audit.record(session, actor=actor, action=action, entity="item", entity_id=item.id,
                 before=before, after={**audit.snapshot(item, columns), "version": item.version})
    return item


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def _reason(value, required: bool = True) -> str | None:
    problems: list[FieldProblem] = []
    text = check_text(problems, "move.field.reason", value, required=required)
    _raise(problems)
    return text


# ------------------------------------------------------------------ the moves

def assign_item(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                assigned_on: date, assign_doc_no: str | None = None) -> Item:
    """交办 a draft (coordinator/admin): sets 交办日期 (not after today) and 交办文号 (optional);
    a 立行立改 item becomes due that day. Raises PermissionDenied, StaleEdit,
    TransitionNotAllowed, ValidationFailed (bad date, no lead unit)."""
    problems: list[FieldProblem] = []
    assigned_on = check_date(problems, "move.field.assigned_on", assigned_on)
    doc_no = check_text(problems, "move.field.assign_doc_no", assign_doc_no, required=False,
                        limit=60)
    _raise(problems)

    def apply(item: Item) -> None:
        if item.lead_unit_id is None:
            _raise([FieldProblem(None, zh("item.field.lead_unit_id"), say("err.required"))])
        item.assigned_on, item.assign_doc_no = assigned_on, doc_no
        item.holder_unit_id = item.holder_unit_id or item.lead_unit_id
        if item.due_on is None and _is_immediate(item.deadline_text):
            item.due_on = item.original_due_on = assigned_on

    return _move(session, actor=actor, name="assign", item_id=item_id,
                 expected_version=expected_version, reason=None,
                 attempted={"assigned_on": assigned_on, "assign_doc_no": doc_no},
                 tracked=["assigned_on", "assign_doc_no", "holder_unit_id", "due_on"], apply=apply)


def _is_immediate(text: str | None) -> bool:
    try:
        return text is not None and parse_deadline(text).immediate
    except DeadlineError:
        return False


def start_item(session: Session, *, actor: Actor, item_id: int, expected_version: int,
               note: str | None = None) -> Item:
    """The unit accepts an assigned item (已交办 → 整改中); a coordinator may record it for them.
    Raises PermissionDenied (also: a unit user outside its scope), StaleEdit, TransitionNotAllowed."""
    return _move(session, actor=actor, name="start", item_id=item_id,
                 expected_version=expected_version, reason=_reason(note, required=False),
                 attempted={}, tracked=[])


def request_closure(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                    note: str | None = None) -> Item:
    """申请销号 (整改中 → 待验收): the unit on its own item, or a coordinator. Refused for a
    长期坚持 item. Raises PermissionDenied, StaleEdit, TransitionNotAllowed."""
    return _move(session, actor=actor, name="request_closure", item_id=item_id,
                 expected_version=expected_version, reason=_reason(note, required=False),
                 attempted={}, tracked=[])


def _verification_form(accepted_on, acceptance_unit, conclusion, notice_from, notice_to) -> dict:
    problems: list[FieldProblem] = []
    values = {
        "accepted_on": check_date(problems, "move.field.accepted_on", accepted_on),
        "acceptance_unit": check_text(problems, "move.field.acceptance_unit", acceptance_unit,
                                      limit=80),
        "acceptance_conclusion": check_text(problems, "move.field.conclusion", conclusion),
        "notice_from": check_date(problems, "move.field.notice_from", notice_from,
                                  not_future=False),
        "notice_to": check_date(problems, "move.field.notice_to", notice_to, not_future=False),
    }
    for later, earlier in (("notice_from", "accepted_on"), ("notice_to", "notice_from")):
        if values[later] and values[earlier] and values[later] < values[earlier]:
            problems.append(FieldProblem(None, zh(f"move.field.{later}"), say(
                "err.before", other=field_label(f"move.field.{earlier}"))))
    _raise(problems)
    return values


def pass_verification(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                      accepted_on: date, acceptance_unit: str, conclusion: str, notice_from: date,
                      notice_to: date, attachments: Sequence[tuple[str, bytes]] = (),
                      store: EvidenceStore | None = None) -> Item:
    """验收通过 (待验收 → 公示中, coordinator/admin): records 验收 date (not after today), unit and
    conclusion and the 公示 period (from ≥ 验收 date, to ≥ from), with acceptance documents
    (checked before anything is written). Raises PermissionDenied, StaleEdit,
    TransitionNotAllowed (also for 长期坚持 items), ValidationFailed, EvidenceError."""
    values = _verification_form(accepted_on, acceptance_unit, conclusion, notice_from, notice_to)
    files = check_files(attachments, store=store) if attachments else []
    at = datetime.now()

    def apply(item: Item) -> None:
        for key, value in values.items():
            setattr(item, key, value)
        if files:
            save_attachments(session, actor=actor, item_id=item.id, files=files, store=store,
                             purpose="acceptance", at=at)

    return _move(session, actor=actor, name="pass_verification", item_id=item_id,
                 expected_version=expected_version, reason=None,
                 attempted={**values, "files": [f.filename for f in files]}, tracked=ACCEPTANCE,
                 apply=apply, at=at)


def fail_verification(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                      reason: str) -> Item:
    """验收不通过 (待验收 → 整改中, coordinator/admin), reason required; bounce_count + 1.
    Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    def apply(item: Item) -> None:
        item.bounce_count += 1

    return _move(session, actor=actor, name="fail_verification", item_id=item_id,
                 expected_version=expected_version, reason=_reason(reason), attempted={},
                 tracked=["bounce_count"], apply=apply)


def _clear_acceptance(item: Item) -> None:
    for key in ACCEPTANCE:
        setattr(item, key, None)


def object_notice(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                  reason: str) -> Item:
    """公示有异议 (公示中 → 整改中, coordinator/admin): the 验收 is void, reason required;
    bounce_count + 1 and the 验收/公示 fields are cleared (the audit row keeps them).
    Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    def apply(item: Item) -> None:
        item.bounce_count += 1
        _clear_acceptance(item)

    return _move(session, actor=actor, name="object_notice", item_id=item_id,
                 expected_version=expected_version, reason=_reason(reason), attempted={},
                 tracked=["bounce_count", *ACCEPTANCE], apply=apply)


def close_item(session: Session, *, actor: Actor, item_id: int, expected_version: int,
               closed_on: date, close_doc_no: str | None = None) -> Item:
    """销号 (公示中 → 已销号, coordinator/admin) once the 公示 period is over: closed_on after
    notice_to and not after today; 销号文号 optional. Raises PermissionDenied, StaleEdit,
    TransitionNotAllowed (also for 长期坚持 items), ValidationFailed."""
    problems: list[FieldProblem] = []
    closed_on = check_date(problems, "move.field.closed_on", closed_on)
    doc_no = check_text(problems, "move.field.close_doc_no", close_doc_no, required=False, limit=60)
    _raise(problems)

    def apply(item: Item) -> None:
        if item.notice_to and closed_on <= item.notice_to:
            _raise([FieldProblem(None, zh("move.field.closed_on"), say(
                "err.not_after", other=field_label("move.field.notice_to"),
                value=item.notice_to.isoformat()))])
        item.closed_on, item.close_doc_no = closed_on, doc_no

    return _move(session, actor=actor, name="close", item_id=item_id,
                 expected_version=expected_version, reason=None,
                 attempted={"closed_on": closed_on, "close_doc_no": doc_no},
                 tracked=["closed_on", "close_doc_no"], apply=apply)


def reopen_item(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                reason: str, deadline: str | date | None = None) -> Item:
    """反弹 (已销号 → 整改中, coordinator/admin): reason required, reopen_count + 1, closure
    fields cleared; an optional new 整改时限 (else the old, likely past, due date stays).
    Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    reason = _reason(reason)
    new = None
    if deadline not in (None, ""):
        try:
            new = parse_deadline(deadline, assigned_on=date.today())
        except DeadlineError as exc:
            _raise([FieldProblem(None, zh("item.field.deadline"), str(exc))])

    def apply(item: Item) -> None:
        item.reopen_count += 1
        _clear_acceptance(item)
        item.closed_on = item.close_doc_no = None
        if new is not None:
            item.deadline_text, item.due_on, item.is_ongoing = new.text, new.due_on, new.ongoing

    return _move(session, actor=actor, name="reopen", item_id=item_id,
                 expected_version=expected_version, reason=reason,
                 attempted={"deadline": None if new is None else new.text},
                 tracked=["reopen_count", "closed_on", "close_doc_no", "deadline_text", "due_on",
                          "is_ongoing", *ACCEPTANCE], apply=apply)


def hand_over_item(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                   to_unit_id: int, reason: str) -> Item:
    """移交 (coordinator/admin): another unit holds the item now; the state stays (draft,
    assigned or in progress), the Transition row names the new unit and why. Raises
    PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed (no such or inactive
    unit, same holder, no reason)."""
    reason = _reason(reason)
    unit = session.get(Unit, to_unit_id) if isinstance(to_unit_id, int) else None
    message = (say("err.no_such", value=to_unit_id) if unit is None
               else say("err.inactive_unit") if not unit.is_active else None)
    if message:
        _raise([FieldProblem(None, zh("move.field.to_unit"), message)])

    def apply(item: Item) -> None:
        if item.holder_unit_id == to_unit_id:
            _raise([FieldProblem(None, zh("move.field.to_unit"), say("err.same_holder"))])
        item.holder_unit_id = to_unit_id

    return _move(session, actor=actor, name="hand_over", item_id=item_id,
                 expected_version=expected_version, reason=reason,
                 attempted={"to_unit_id": to_unit_id}, tracked=["holder_unit_id"], apply=apply,
                 to_unit_id=to_unit_id)


def available_moves(session: Session, *, actor: Actor, item_id: int) -> list[str]:
    """Names of the moves (MOVES keys) this actor may make on the item now, in table order, for
    the page's buttons; the write functions check again. Raises PermissionDenied, NotFound."""
    require_item(session, actor, "item.read", item_id)
    item = get_item(session, item_id)
    names = []
    for move in MOVES.values():
        if not can(actor, move.action) or _state_problem(move, item):
            continue
        try:
            require_item(session, actor, move.action, item_id)
        except PermissionDenied:
            continue
        names.append(move.name)
    return names
