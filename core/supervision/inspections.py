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
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import FollowUpKind, InspectionKind, InspectionState, SourceLevel, Status
from core.errors import FieldProblem, NotFound, ValidationFailed
from core.ledger.item_form import check_date, check_text
from core.ledger.items import create_item
from core.ledger.rules import load_rule_settings, reason_columns, reasons_from_row
from core.messages import field_label, say, zh
from core.supervision.guard import check_version, flush, load, permit, refuse_state
from core.supervision.notices import SUPERVISABLE
from db.models import District, FollowUpRecord, Inspection, Item, StationedFollowUp, User

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
