"""Moves on many items at once from the 台账, all or nothing.

`assign_items` 交办s many 待交办 items in the caller's transaction through the same path as one
(core.ledger.lifecycle.assign_item: permission and unit scope, the version the user saw, the
state, a Transition and an audit row each). Every item is checked first, before anything is
written: if any is refused, each refusal is audited (in its own transaction, as for one item)
and `BatchRefused` names every refused item by its 编号 and why; nothing changes. Only then are
the moves made; should one still fail (another user saved in between), the exception reaches
the caller, whose rollback undoes the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, can
from core.domain import AuditOutcome
from core.errors import FieldProblem, LedgerError, NotFound, PermissionDenied, StaleEdit, ValidationFailed
from core.ledger import lifecycle
from core.ledger.item_form import check_date, check_text
from core.ledger.items import guard_item, refuse_state
from core.messages import enum_list, field_label, say
from db.models import Item

MAX_ITEMS = 500        # one confirmation; more is a filter's job, not a selection's


@dataclass(frozen=True)
class Refusal:
    item_id: int
    code: str            # the 编号 the user sees
    reason: str          # "中文 / English"


class BatchRefused(LedgerError):
    """Some items may not take the move; nothing was changed. `refusals` names each."""

    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        super().__init__("; ".join(f"{r.code}: {r.reason}" for r in refusals))


def _codes(session: Session, ids) -> dict[int, str]:
    return dict(session.execute(select(Item.id, Item.code).where(Item.id.in_(list(ids)))).all())


def _why(exc: LedgerError) -> str:
    if isinstance(exc, PermissionDenied):
        return say("batch.why.permission")
    if isinstance(exc, StaleEdit):
        return say("batch.why.stale")
    if isinstance(exc, NotFound):
        return say("batch.why.missing")
    return str(exc)


def _assign_problem(session: Session, actor: Actor, item_id: int, version: int,
                    attempted: dict) -> str | None:
    """Why this item may not be assigned now (audited like a single refusal), or None."""
    try:
        item = guard_item(session, actor, "item.assign", item_id, version, attempted,
                          audit_action="item.assign")
    except (PermissionDenied, StaleEdit, NotFound) as exc:
        return _why(exc)
    move = lifecycle.MOVES["assign"]
    problem = None
    if item.status not in move.sources:
        problem = say("err.move_state", move=field_label("move.assign"), state=item.status,
                      allowed=enum_list(move.sources))
    elif item.lead_unit_id is None:
        problem = say("batch.why.no_lead_unit")
    if problem:
        refuse_state(session, actor, "item.assign", item_id, problem, attempted)
    return problem


def assign_items(session: Session, *, actor: Actor, items: Mapping[int, int], assigned_on: date,
                 assign_doc_no: str | None = None) -> list[int]:
    """交办 each item (id → the version the user saw) with one 交办日期 and 交办文号; returns the
    ids assigned. Raises PermissionDenied (the role may not 交办: audited), ValidationFailed (bad
    date or 文号, no item or too many; nothing read), BatchRefused (nothing changed)."""
    problems: list[FieldProblem] = []
    day = check_date(problems, "move.field.assigned_on", assigned_on)
    doc_no = check_text(problems, "move.field.assign_doc_no", assign_doc_no, required=False, limit=60)
    if not items or len(items) > MAX_ITEMS:
        problems.append(FieldProblem(None, field_label("batch.field.items")[0],
                                     say("batch.err.count", most=MAX_ITEMS)))
    if problems:
        raise ValidationFailed(problems)
    attempted = {"assigned_on": day.isoformat(), "assign_doc_no": doc_no, "batch": len(items)}
    if not can(actor, "item.assign"):
        audit.record_refusal(session, actor=actor, action="item.assign", entity="item", entity_id=None,
                             outcome=AuditOutcome.REFUSED_PERMISSION, detail="batch 交办",
                             attempted={**attempted, "item_ids": sorted(items)})
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not item.assign")
    codes = _codes(session, items)
    refusals = []
    for item_id, version in items.items():
        problem = _assign_problem(session, actor, item_id, version, attempted)
        if problem:
            refusals.append(Refusal(item_id, codes.get(item_id, f"#{item_id}"), problem))
    if refusals:
        raise BatchRefused(refusals)
    for item_id, version in items.items():
        lifecycle.assign_item(session, actor=actor, item_id=item_id, expected_version=version,
                              assigned_on=day, assign_doc_no=doc_no)
    return list(items)
