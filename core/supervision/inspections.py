"""Stationed (驻点) and special (专项) inspections opened by the office (docs/domain.md).

- Opening (coordinator/admin): a stationed inspection needs its team, place, start date and the
  items it follows (e.g. a selection of 久拖不决 items); a special one needs its subject and either
  items or the clues it was opened from (found in a daily or routine inspection, named).
  Followed items must be assigned and not closed; each keeps the 久拖不决 reasons it had then.
- While under way it records follow-ups (site visits, findings) about the inspection or one of
  its items, and the problems it finds enter the ledger as new items (待交办) whose source is the
  inspection itself (core.ledger.items.create_item).
- Concluding needs the end date and the conclusion; a special inspection also its cause-and-
  responsibility finding (原因和责任情况). A concluded inspection records nothing more.
An item followed by a stationed inspection under way reads "驻点督察中" (`marks`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.domain import FollowUpKind, InspectionKind, InspectionState, SourceLevel
from core.errors import FieldProblem, ValidationFailed
from core.ledger.item_form import check_date, check_text
from core.ledger.items import create_item
from core.ledger.rules import load_rule_settings, reason_columns, reasons_from_row
from core.messages import say, zh
from core.supervision.guard import check_version, flush, load, permit, refuse_state
from core.supervision.notices import SUPERVISABLE
from db.models import FollowUpRecord, Inspection, Item, StationedFollowUp

OPENED_HERE = (InspectionKind.STATIONED, InspectionKind.SPECIAL)
CLUE_SOURCES = (InspectionKind.DAILY, InspectionKind.ROUTINE)
MAX_ITEMS = 500


# ---------------------------------------------------------------- opening

def _followed(session: Session, item_ids: Sequence[int], problems: list[FieldProblem],
              required: bool) -> list[Item]:
    column = zh("inspection.field.items")
    ids = list(dict.fromkeys(item_ids or ()))
    if not ids:
        if required:
            problems.append(FieldProblem(None, column, say("err.required")))
        return []
    if len(ids) > MAX_ITEMS or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        problems.append(FieldProblem(None, column, say("err.unknown_value", value=len(ids))))
        return []
    found = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))}
    problems += [FieldProblem(None, column, say("err.no_such", value=i)) for i in ids if i not in found]
    problems += [FieldProblem(None, i.code, say("err.follow_item_state", state=i.status))
                 for i in found.values() if i.status not in SUPERVISABLE]
    return [found[i] for i in ids if i in found]


def _origin(session: Session, origin_id, clues, problems: list[FieldProblem]) -> tuple:
    """(origin inspection id, clues): both or neither; the origin a daily or routine inspection."""
    clues = check_text(problems, "inspection.field.clues", clues, required=origin_id is not None)
    if origin_id is None:
        if clues:
            problems.append(FieldProblem(None, zh("inspection.field.origin"), say("err.required")))
        return None, clues
    origin = session.get(Inspection, origin_id) if isinstance(origin_id, int) else None
    column = zh("inspection.field.origin")
    if origin is None:
        problems.append(FieldProblem(None, column, say("err.no_such", value=origin_id)))
    elif origin.kind not in CLUE_SOURCES:
        problems.append(FieldProblem(None, column, say("err.clue_source")))
    return origin_id, clues


def _opening_form(session: Session, kind, v: dict) -> tuple[dict, list[Item]]:
    problems: list[FieldProblem] = []
    try:
        kind = InspectionKind(kind)
        if kind not in OPENED_HERE:
            raise ValueError(kind)
    except ValueError:
        problems.append(FieldProblem(None, zh("inspection.field.kind"), say("err.unknown_value", value=kind)))
        raise ValidationFailed(problems) from None
    stationed = kind is InspectionKind.STATIONED
    out = {"kind": kind, "name": check_text(problems, "inspection.field.name", v.get("name"), limit=120),
           "team": check_text(problems, "inspection.field.team", v.get("team"), required=stationed,
                              limit=120),
           "place": check_text(problems, "inspection.field.place", v.get("place"), required=stationed,
                               limit=120),
           "subject": check_text(problems, "inspection.field.subject", v.get("subject"),
                                 required=not stationed),
           "started_on": check_date(problems, "inspection.field.started_on", v.get("started_on"),
                                    not_future=False),
           "ended_on": check_date(problems, "inspection.field.planned_end", v.get("ended_on"),
                                  required=False, not_future=False)}
    out["origin_inspection_id"], out["clues"] = _origin(session, v.get("origin_inspection_id"),
                                                        v.get("clues"), problems)
    items = _followed(session, v.get("item_ids") or (), problems,
                      required=stationed or out["origin_inspection_id"] is None)
    if out["started_on"] and out["ended_on"] and out["ended_on"] < out["started_on"]:
        problems.append(FieldProblem(None, zh("inspection.field.planned_end"), say(
            "err.before", other=("开始日期", "the start date"))))
    if out["name"] and session.scalar(select(Inspection.id).where(Inspection.name == out["name"])):
        problems.append(FieldProblem(None, zh("inspection.field.name"), say("err.taken", value=out["name"])))
    if problems:
        raise ValidationFailed(problems)
    return out, items


def open_inspection(session: Session, *, actor: Actor, kind, name: str, started_on: date,
                    ended_on: date | None = None, team: str | None = None, place: str | None = None,
                    subject: str | None = None, item_ids: Sequence[int] = (),
                    origin_inspection_id: int | None = None, clues: str | None = None) -> Inspection:
    """Open a stationed or special inspection (see the module docstring) following `item_ids`,
    each with its 久拖不决 reasons of today (the admin's thresholds). Raises PermissionDenied,
    ValidationFailed (every bad field or item named)."""
    values = dict(name=name, started_on=started_on, ended_on=ended_on, team=team, place=place,
                  subject=subject, item_ids=list(item_ids or ()),
                  origin_inspection_id=origin_inspection_id, clues=clues)
    permit(session, actor, "inspection.open", "inspection", None, {"kind": str(kind), **values})
    form, items = _opening_form(session, kind, values)
    inspection = Inspection(**form, level=SourceLevel.CITY, state=InspectionState.OPEN,
                            opened_by=actor.id, scope=form["subject"] or form["place"])
    session.add(inspection)
    session.flush()
    today = date.today()
    reasons = _reasons_now(session, [i.id for i in items], today)
    session.add_all([StationedFollowUp(inspection_id=inspection.id, item_id=i.id,
                                       reasons=reasons.get(i.id, []), added_on=today) for i in items])
    session.flush()
    audit.record(session, actor=actor, action="inspection.open", entity="inspection",
                 entity_id=inspection.id, after={**audit.snapshot(inspection),
                                                 "items": [i.id for i in items]})
    return inspection


def _reasons_now(session: Session, item_ids: list[int], today: date) -> dict[int, list[str]]:
    if not item_ids:
        return {}
    rules = load_rule_settings(session)
    rows = session.execute(select(Item.id, *reason_columns(rules, today)).where(Item.id.in_(item_ids)))
    return {r.id: [reason.value for reason in reasons_from_row(r)] for r in rows}


# ---------------------------------------------------------------- while under way

def _open_one(session: Session, actor: Actor, action: str, inspection_id: int, attempted: dict,
              expected_version: int | None = None) -> Inspection:
    permit(session, actor, action, "inspection", inspection_id, attempted)
    inspection = load(session, Inspection, inspection_id, "inspection")
    if expected_version is not None:
        check_version(session, actor, action, "inspection", inspection, expected_version, attempted)
    if inspection.kind not in OPENED_HERE or inspection.state != InspectionState.OPEN:
        raise refuse_state(session, actor, action, "inspection", inspection.id,
                           say("err.inspection_not_open", name=inspection.name), attempted)
    return inspection


def record_follow_up(session: Session, *, actor: Actor, inspection_id: int, kind, recorded_on: date,
                     text: str, place: str | None = None, item_id: int | None = None) -> FollowUpRecord:
    """Append a visit or finding to an inspection under way, about the inspection or one of the
    items it follows; the day is not after today nor before the start. Raises PermissionDenied,
    NotFound, StateRefused (not under way), ValidationFailed."""
    action = "inspection.follow_up"
    attempted = {"kind": str(kind), "recorded_on": recorded_on, "text": text, "item_id": item_id}
    inspection = _open_one(session, actor, action, inspection_id, attempted)
    problems: list[FieldProblem] = []
    values = {"text": check_text(problems, "inspection.field.text", text),
              "place": check_text(problems, "inspection.field.place", place, required=False, limit=120),
              "recorded_on": check_date(problems, "inspection.field.recorded_on", recorded_on)}
    try:
        values["kind"] = FollowUpKind(kind)
    except ValueError:
        problems.append(FieldProblem(None, zh("inspection.field.record_kind"),
                                     say("err.unknown_value", value=kind)))
    if values["recorded_on"] and inspection.started_on and values["recorded_on"] < inspection.started_on:
        problems.append(FieldProblem(None, zh("inspection.field.recorded_on"),
                                     say("err.before", other=("开始日期", "the start date"))))
    if item_id is not None and not session.scalar(select(StationedFollowUp.item_id).where(
            StationedFollowUp.inspection_id == inspection.id, StationedFollowUp.item_id == item_id)):
        problems.append(FieldProblem(None, zh("inspection.field.item"), say("err.not_followed")))
    if problems:
        raise ValidationFailed(problems)
    record = FollowUpRecord(inspection_id=inspection.id, item_id=item_id, recorded_by=actor.id,
                            **values)
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, action=action, entity="inspection", entity_id=inspection.id,
                 after=audit.snapshot(record))
    return record


def record_found_item(session: Session, *, actor: Actor, inspection_id: int, values: dict) -> Item:
    """A problem the inspection found enters the ledger: a new item (待交办, core.ledger.items.
    create_item with the new-item form's values) whose source is this inspection, and a finding
    record naming it. Raises PermissionDenied, NotFound, StateRefused, ValidationFailed."""
    action = "inspection.found_item"
    inspection = _open_one(session, actor, action, inspection_id,
                           {k: str(v) for k, v in values.items()})
    item = create_item(session, actor=actor, values={**values, "inspection_id": inspection.id})
    record = FollowUpRecord(inspection_id=inspection.id, item_id=item.id, kind=FollowUpKind.FINDING,
                            recorded_on=date.today(), text=item.description, recorded_by=actor.id)
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, action=action, entity="inspection", entity_id=inspection.id,
                 after={"item_id": item.id, "code": item.code, "record_id": record.id})
    return item


def conclude_inspection(session: Session, *, actor: Actor, inspection_id: int, expected_version: int,
                        ended_on: date, conclusion: str, finding: str | None = None) -> Inspection:
    """End an inspection under way: end date (not after today, not before the start), conclusion,
    and for a special inspection its cause-and-responsibility finding (原因和责任情况). Raises
    PermissionDenied, NotFound, StaleEdit, StateRefused (not under way), ValidationFailed."""
    action = "inspection.conclude"
    attempted = {"ended_on": ended_on, "conclusion": conclusion, "finding": finding}
    inspection = _open_one(session, actor, action, inspection_id, attempted, expected_version)
    problems: list[FieldProblem] = []
    special = inspection.kind == InspectionKind.SPECIAL
    values = {"ended_on": check_date(problems, "inspection.field.ended_on", ended_on),
              "conclusion": check_text(problems, "inspection.field.conclusion", conclusion),
              "finding": check_text(problems, "inspection.field.finding", finding, required=special)}
    if values["ended_on"] and inspection.started_on and values["ended_on"] < inspection.started_on:
        problems.append(FieldProblem(None, zh("inspection.field.ended_on"),
                                     say("err.before", other=("开始日期", "the start date"))))
    if problems:
        raise ValidationFailed(problems)
    columns = ["state", "ended_on", "conclusion", "finding"]
    before = audit.snapshot(inspection, columns)
    for key, value in values.items():
        setattr(inspection, key, value)
    inspection.state = InspectionState.CONCLUDED
    flush(session, "inspection", inspection.id)
    audit.record(session, actor=actor, action=action, entity="inspection", entity_id=inspection.id,
                 before=before, after={**audit.snapshot(inspection, columns), "version": inspection.version})
    return inspection
