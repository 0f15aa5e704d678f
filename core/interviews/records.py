"""Recording an interview and changing its record: the fields, its people, its related items
(existing ones by 编号, new 约谈问题 items created and assigned with it) and its files.

Every write: permission (coordinator/admin, `interview.record`), the version the user saw
(`expected_version`; a new record has none), input checked naming each field before anything is
written, then the change, a timeline event and an audit row with before and after. Refusals of
permission and stale edits are audited (in their own transaction); malformed input is not: it is
a form to correct, not an attempt (as for items).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, require
from core.codes import next_free_code
from core.domain import AuditOutcome, InterviewStatus
from core.errors import FieldProblem, PermissionDenied, StaleEdit, ValidationFailed
from core.interviews.access import ENTITY, add_event, guard_interview, require_interview, touch
from core.interviews.deadlines import plan_due, stored_years
from core.interviews.form import (
    EDITABLE,
    Person,
    new_item_values,
    resolve_items,
    split_codes,
    validate,
)
from core.ledger import items, lifecycle
from core.ledger.evidence import (
    AttachmentFile,
    CheckedFile,
    EvidenceStore,
    Owner,
    check_files_into,
    open_attachment,
    save_attachments,
)
from core.ledger.rules import load_rule_settings
from core.messages import say, zh
from db.models import Attachment, Interview, InterviewItem, InterviewPerson, Item

FILE_PURPOSES = ("interview_minutes", "interview_plan", "interview_other")
RECORD = "interview.record"
COLUMNS = ["code", "circumstance", "details", "interviewee_unit_id", "interviewee_subunit",
           "organiser_unit_id", "held_on", "place", "minutes", "plan_workdays", "plan_due_on",
           "plan_due_uncovered", "status"]


def _require(session: Session, actor: Actor, action: str, attempted: dict) -> None:
    try:
        require(actor, RECORD)
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action=action, entity=ENTITY, entity_id=None,
                             outcome=AuditOutcome.REFUSED_PERMISSION, detail=str(exc),
                             attempted=audit.snapshot_values({k: str(v) for k, v in attempted.items()}))
        raise


def _collect(problems: list[FieldProblem], check, *args, **kw):
    """Run a check, adding its problems to `problems` instead of raising; None if it failed."""
    try:
        return check(*args, **kw)
    except ValidationFailed as exc:
        problems += exc.problems
        return None


def checked_files(attachments: Mapping[str, Sequence[tuple[str, bytes]]] | None,
                   store: EvidenceStore | None, problems: list[FieldProblem]) -> dict[str, list]:
    out: dict[str, list[CheckedFile]] = {}
    for purpose, files in (attachments or {}).items():
        if purpose not in FILE_PURPOSES:
            raise ValueError(f"purpose must be one of {FILE_PURPOSES}")
        checked = check_files_into(problems, files, store=store)
        if checked:
            out[purpose] = checked
    return out


def _next_code(session: Session, year: int) -> str:
    """YT-<year>-<n>: the next free number of the year (a race is refused by the unique index)."""
    return next_free_code(session, Interview.code, f"YT-{year}-", 4)


def flush_interview(session: Session, interview: Interview) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleEdit(say("err.stale_interview", detail=f"interview {interview.id}")) from exc


def _people_rows(interview_id: int, people: list[Person]) -> list[InterviewPerson]:
    return [InterviewPerson(interview_id=interview_id, seq=n, name=p.name, position=p.position)
            for n, p in enumerate(people, 1)]


def _people_text(people) -> list[str]:
    return [f"{p.name}，{p.position}" if p.name else p.position for p in people]


def _link_items(session: Session, actor: Actor, interview: Interview, item_ids: list[int],
                new_items: list[dict]) -> tuple[list[str], list[str]]:
    """Link existing items and create, assign and link the new ones; (linked codes, new codes)."""
    have = set(session.scalars(select(InterviewItem.item_id)
                               .where(InterviewItem.interview_id == interview.id)))
    fresh = [i for i in item_ids if i not in have]
    session.add_all([InterviewItem(interview_id=interview.id, item_id=i) for i in fresh])
    created = []
    for values in new_items:
        item = items.create_item(session, actor=actor, values=values)
        # 约谈 is itself the 交办: the items are assigned on the interview's day, under its code.
        lifecycle.assign_item(session, actor=actor, item_id=item.id, expected_version=item.version,
                              assigned_on=interview.held_on, assign_doc_no=interview.code)
        session.add(InterviewItem(interview_id=interview.id, item_id=item.id))
        created.append(item.code)
    session.flush()
    linked = list(session.scalars(select(Item.code).where(Item.id.in_(fresh)))) if fresh else []
    return linked, created


def save_files(session: Session, actor: Actor, interview: Interview, files: dict[str, list],
                store: EvidenceStore | None, at: datetime) -> list[str]:
    saved = []
    for purpose, checked in files.items():
        rows = save_attachments(session, actor=actor, files=checked, store=store,
                                owner=Owner("interview", interview.id), purpose=purpose, at=at)
        saved += [r.filename for r in rows]
    return saved


def _item_parts(session: Session, actor: Actor, values: dict, lead_unit_id: int | None,
                problems: list[FieldProblem]) -> tuple[list[int], list[dict]]:
    item_ids = _collect(problems, resolve_items, session, actor, split_codes(values.get("item_codes")))
    new = []
    if lead_unit_id is not None:
        new = _collect(problems, new_item_values, session, values, lead_unit_id=lead_unit_id) or []
    return item_ids or [], new


def record_interview(session: Session, *, actor: Actor, values: dict,
                     attachments: Mapping[str, Sequence[tuple[str, bytes]]] | None = None,
                     store: EvidenceStore | None = None, today: date | None = None) -> Interview:
    """登记约谈 (coordinator/admin): the interview with its people, related items (`item_codes`),
    new 约谈问题 items (`new_items`, created and assigned on the interview's day) and files by
    purpose (interview_minutes / interview_plan / interview_other). The plan is due
    `plan_workdays` (default: the rule setting) working days after `held_on`, provisional where
    a year is not covered. Every field and file is checked before anything is written.
    Raises PermissionDenied, ValidationFailed (each problem named), EvidenceError."""
    today = today or date.today()
    _require(session, actor, RECORD, values)
    values = dict(values)
    if values.get("plan_workdays") in (None, ""):
        values["plan_workdays"] = load_rule_settings(session).interview_plan_workdays
    problems: list[FieldProblem] = []
    form = _collect(problems, validate, session, values, today=today) or {}
    item_ids, new_items = _item_parts(session, actor, values, form.get("interviewee_unit_id"), problems)
    files = checked_files(attachments, store, problems)
    if problems:
        raise ValidationFailed(problems)
    due = plan_due(session, held_on=form["held_on"], workdays=form["plan_workdays"])
    people = form.pop("people")
    interview = Interview(**form, code=_next_code(session, form["held_on"].year),
                          plan_due_on=due.due_on, plan_due_uncovered=stored_years(due.uncovered_years),
                          status=InterviewStatus.HELD)
    session.add(interview)
    try:
        session.flush()
    except IntegrityError as exc:  # a colleague took the same code a moment ago
        raise ValidationFailed([FieldProblem(None, zh("interview.field.code"),
                                             say("err.taken", value=interview.code))]) from exc
    session.add_all(_people_rows(interview.id, people))
    linked, created = _link_items(session, actor, interview, item_ids, new_items)
    at = datetime.now()
    saved = save_files(session, actor, interview, files, store, at)
    add_event(session, interview, actor, "recorded", at=at, to_status=InterviewStatus.HELD, first=True,
              detail={
        "items": linked, "new_items": created, "files": saved, "due": due.due_on.isoformat(),
        "provisional": stored_years(due.uncovered_years)})
    session.flush()
    audit.record(session, actor=actor, action=RECORD, entity=ENTITY, entity_id=interview.id,
                 after={**audit.snapshot(interview, COLUMNS), "version": interview.version,
                        "people": _people_text(people),
                        "items": linked, "new_items": created, "files": saved})
    return interview


def _edit_problems(interview: Interview, form: dict) -> list[FieldProblem]:
    held = form.get("held_on")
    if held and interview.plan_submitted_on and held > interview.plan_submitted_on:
        return [FieldProblem(None, zh("interview.field.held_on"), say(
            "err.not_after_plan", value=interview.plan_submitted_on.isoformat()))]
    return []


def _people_of(session: Session, interview_id: int) -> list[InterviewPerson]:
    return list(session.scalars(select(InterviewPerson).where(
        InterviewPerson.interview_id == interview_id).order_by(InterviewPerson.seq)))


def update_interview(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
                     changes: dict, today: date | None = None) -> Interview:
    """Correct the record (coordinator/admin): any of the form's fields (`people` replaces the
    list). A new 约谈日期 or plan period recounts the plan's due date. Raises PermissionDenied,
    NotFound, StaleEdit, ValidationFailed (also: an unknown field; held after the plan came in)."""
    today = today or date.today()
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise ValidationFailed([FieldProblem(None, k, say("err.unknown_field")) for k in unknown])
    form = validate(session, changes, today=today, keys=tuple(changes))
    interview = guard_interview(session, actor, RECORD, interview_id, expected_version, changes,
                                audit_action="interview.edit")
    problems = _edit_problems(interview, form)
    if problems:
        raise ValidationFailed(problems)
    old_people = _people_of(session, interview.id)
    before = {**audit.snapshot(interview, COLUMNS), "people": _people_text(old_people)}
    people = form.pop("people", None)
    with session.no_autoflush:   # one UPDATE of the interview, so one new version
        if people is not None:
            session.execute(delete(InterviewPerson).where(InterviewPerson.interview_id == interview.id))
            session.add_all(_people_rows(interview.id, people))
        for key, value in form.items():
            setattr(interview, key, value)
        if {"held_on", "plan_workdays"} & set(form):
            due = plan_due(session, held_on=interview.held_on, workdays=interview.plan_workdays)
            interview.plan_due_on = due.due_on
            interview.plan_due_uncovered = stored_years(due.uncovered_years)
    after = {**audit.snapshot(interview, COLUMNS),
             "people": _people_text(people) if people is not None else before["people"]}
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if not changed:
        return interview
    touch(interview)
    add_event(session, interview, actor, "edited", detail={"fields": sorted(changed)})
    flush_interview(session, interview)
    audit.record(session, actor=actor, action="interview.edit", entity=ENTITY, entity_id=interview.id,
                 before={k: before[k] for k in changed}, after={**changed, "version": interview.version})
    return interview


def link_items(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
               values: dict) -> Interview:
    """Relate more items (coordinator/admin): existing ones by 编号 (`item_codes`) and new 约谈问题
    items (`new_items` with their shared category, deadline, stage and source), assigned on the
    interview's day. Raises PermissionDenied, NotFound, StaleEdit, ValidationFailed."""
    interview = guard_interview(session, actor, RECORD, interview_id, expected_version, values,
                                audit_action="interview.link_items")
    problems: list[FieldProblem] = []
    item_ids, new_items = _item_parts(session, actor, values, interview.interviewee_unit_id, problems)
    if not item_ids and not new_items and not problems:
        problems.append(FieldProblem(None, zh("interview.field.item_codes"), say("err.required")))
    if problems:
        raise ValidationFailed(problems)
    linked, created = _link_items(session, actor, interview, item_ids, new_items)
    touch(interview)
    add_event(session, interview, actor, "items_linked", detail={"items": linked, "new_items": created})
    flush_interview(session, interview)
    audit.record(session, actor=actor, action="interview.link_items", entity=ENTITY,
                 entity_id=interview.id, after={"items": linked, "new_items": created,
                                                "version": interview.version})
    return interview


def unlink_item(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
                item_id: int) -> Interview:
    """Remove one item from the interview's related items (the item itself stays in the ledger).
    Raises PermissionDenied, NotFound, StaleEdit, ValidationFailed (not related)."""
    interview = guard_interview(session, actor, RECORD, interview_id, expected_version,
                                {"item_id": item_id}, audit_action="interview.unlink_item")
    code = session.scalar(select(Item.code).join(InterviewItem, InterviewItem.item_id == Item.id)
                          .where(InterviewItem.interview_id == interview.id, Item.id == item_id))
    if code is None:
        raise ValidationFailed([FieldProblem(None, zh("interview.field.item_codes"),
                                             say("err.not_related", value=item_id))])
    session.execute(delete(InterviewItem).where(InterviewItem.interview_id == interview.id,
                                                InterviewItem.item_id == item_id))
    touch(interview)
    add_event(session, interview, actor, "item_unlinked", detail={"item": code})
    flush_interview(session, interview)
    audit.record(session, actor=actor, action="interview.unlink_item", entity=ENTITY,
                 entity_id=interview.id, before={"items": [code]},
                 after={"items": [], "version": interview.version})
    return interview


def add_files(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
              purpose: str, files: Sequence[tuple[str, bytes]], store: EvidenceStore) -> list[Attachment]:
    """Attach minutes, the plan or other files (coordinator/admin), each checked before any is
    stored. Raises PermissionDenied, NotFound, StaleEdit, ValidationFailed, EvidenceError."""
    interview = guard_interview(session, actor, RECORD, interview_id, expected_version,
                                {"purpose": purpose, "files": [n for n, _ in files]},
                                audit_action="interview.add_files")
    problems: list[FieldProblem] = []
    checked = checked_files({purpose: files}, store, problems)
    if not files:
        problems.append(FieldProblem(None, zh("interview.field.files"), say("err.required")))
    if problems:
        raise ValidationFailed(problems)
    at = datetime.now()
    saved = save_files(session, actor, interview, checked, store, at)
    touch(interview)
    add_event(session, interview, actor, "files", at=at, detail={"purpose": purpose, "files": saved})
    flush_interview(session, interview)
    audit.record(session, actor=actor, action="interview.add_files", entity=ENTITY,
                 entity_id=interview.id, after={"purpose": purpose, "files": saved,
                                                "version": interview.version})
    return list(session.scalars(select(Attachment).where(Attachment.interview_id == interview.id,
                                                         Attachment.created_at == at)))


def open_file(session: Session, *, actor: Actor, interview_id: int, attachment_id: int,
              store: EvidenceStore) -> AttachmentFile:
    """A file of the interview, for download, if the actor may read the interview; raises
    PermissionDenied, NotFound, EvidenceError."""
    require_interview(session, actor, "interview.read", interview_id)
    return open_attachment(session, actor=actor, attachment_id=attachment_id, store=store,
                           owner=Owner("interview", interview_id))
