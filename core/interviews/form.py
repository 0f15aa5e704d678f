"""The interview form (登记约谈 and its edit): every field checked, every bad one named by its
Chinese label; writes nothing.

People are typed one per line, "姓名，职务" (a comma, 、, colon, tab or spaces between), as they
appear in the minutes; related items are named by their 编号; new 约谈问题 items are one problem
per line, sharing a category, deadline, stage and source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, item_scope
from core.domain import InterviewCircumstance, ItemType, Stage, UnitKind
from core.errors import FieldProblem, ValidationFailed
from core.ledger import item_form
from core.messages import say, text, zh
from db.models import Item, Unit
from db.rules_defaults import RULE_SPECS

# Who may be interviewed: governments, their departments and townships, municipal departments
# and municipal state-owned enterprises (a subsidiary is named in `interviewee_subunit`).
INTERVIEWEES = (UnitKind.DISTRICT_GOV, UnitKind.DISTRICT_DEPT, UnitKind.TOWNSHIP,
                UnitKind.MUNICIPAL_DEPT, UnitKind.SOE)
ORGANISERS = (UnitKind.OFFICE, UnitKind.MUNICIPAL_DEPT, UnitKind.DISTRICT_GOV)
PLAN_DAYS = RULE_SPECS["interview_plan_workdays"]
TEXTS = {"details": None, "interviewee_subunit": 120, "place": 120, "minutes": None}
REQUIRED = ("circumstance", "interviewee_unit_id", "organiser_unit_id", "held_on", "place",
            "people", "plan_workdays")
EDITABLE = (*TEXTS, "circumstance", "interviewee_unit_id", "organiser_unit_id", "held_on",
            "plan_workdays", "people")
NEW_ITEM_FIELDS = ("new_items", "new_item_category", "new_item_deadline", "new_item_stage",
                   "new_item_inspection_id")
FIELDS = (*EDITABLE, "item_codes", *NEW_ITEM_FIELDS)
EARLIEST = date(2000, 1, 1)
PERSON_SPLIT = re.compile(r"\s*[，,、:：\t]\s*|\s+")
CODE_SPLIT = re.compile(r"[\s,，、;；]+")
NAME_MAX, POSITION_MAX = 60, 200


@dataclass(frozen=True)
class Person:
    name: str | None
    position: str


@dataclass
class _Form:
    session: Session
    values: dict
    today: date
    out: dict = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)

    def raw(self, key: str):
        value = self.values.get(key)
        return value.strip() if isinstance(value, str) else value

    def problem(self, key: str, message: str) -> None:
        self.problems.append(FieldProblem(None, zh(f"interview.field.{key}"), message))


def parse_people(value) -> tuple[list[Person], list[str]]:
    """People from text (one per line, "姓名，职务") or (name, position) pairs; with the problems
    found, each naming its line."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    people, problems = [], []
    for n, line in enumerate(lines, 1):
        if isinstance(line, str):
            if not line.strip():
                continue
            parts = PERSON_SPLIT.split(line.strip(), maxsplit=1)
        else:
            parts = [str(p).strip() for p in line if p is not None and str(p).strip()]
        if len(parts) != 2 or not all(parts):
            problems.append(say("err.person_line", n=n))
        elif len(parts[0]) > NAME_MAX or len(parts[1]) > POSITION_MAX:
            problems.append(say("err.person_too_long", n=n, name=NAME_MAX, position=POSITION_MAX))
        else:
            people.append(Person(parts[0], parts[1]))
    return people, problems


def split_codes(value) -> list[str]:
    """Item 编号 from text ("ZG2026-00001, ZG2026-00002" or one per line) or a list, once each."""
    parts = CODE_SPLIT.split(value) if isinstance(value, str) else list(value or [])
    return list(dict.fromkeys(str(p).strip() for p in parts if p and str(p).strip()))


def _texts(f: _Form) -> None:
    item_form.form_texts(f, TEXTS)


def _circumstance(f: _Form) -> None:
    value, f.out["circumstance"] = f.raw("circumstance"), None
    if value not in (None, ""):
        try:
            f.out["circumstance"] = InterviewCircumstance(value)
        except ValueError:
            f.problem("circumstance", say("err.unknown_value", value=value))


def _unit(f: _Form, key: str, kinds) -> None:
    value, f.out[key] = f.raw(key), None
    if value in (None, ""):
        return
    unit = f.session.get(Unit, value) if isinstance(value, int) and not isinstance(value, bool) else None
    if unit is None:
        f.problem(key, say("err.no_such", value=value))
    elif not unit.is_active:
        f.problem(key, say("err.inactive_unit"))
    elif unit.kind not in kinds:
        f.problem(key, say("err.unit_kind", unit=unit.short_name))
    else:
        f.out[key] = value


def _held_on(f: _Form) -> None:
    value, f.out["held_on"] = f.raw("held_on"), None
    if value is None:
        return
    if not isinstance(value, date):
        f.problem("held_on", say("err.not_date"))
    elif value > f.today:
        f.problem("held_on", say("err.future"))
    elif value < EARLIEST:
        f.problem("held_on", say("err.before", other=(EARLIEST.isoformat(), EARLIEST.isoformat())))
    else:
        f.out["held_on"] = value


def _plan_workdays(f: _Form) -> None:
    value, f.out["plan_workdays"] = f.raw("plan_workdays"), None
    if value in (None, ""):
        return
    if isinstance(value, bool) or not isinstance(value, int) or not PLAN_DAYS.low <= value <= PLAN_DAYS.high:
        f.problem("plan_workdays", say("err.out_of_range", low=PLAN_DAYS.low, high=PLAN_DAYS.high))
    else:
        f.out["plan_workdays"] = value


def _people(f: _Form) -> None:
    people, problems = parse_people(f.values.get("people"))
    for message in problems:
        f.problem("people", message)
    f.out["people"] = people or None


def validate(session: Session, values: dict, *, today: date, keys=EDITABLE) -> dict:
    """Clean values of `keys` (all of them for a new record, the changed ones for an edit);
    raises ValidationFailed with one FieldProblem per bad or missing field."""
    f = _Form(session, dict(values), today)
    f.problems += [FieldProblem(None, str(k), say("err.unknown_field")) for k in values
                   if k not in FIELDS]
    checks = {"texts": _texts, "circumstance": _circumstance, "held_on": _held_on,
              "plan_workdays": _plan_workdays, "people": _people,
              "interviewee_unit_id": lambda f: _unit(f, "interviewee_unit_id", INTERVIEWEES),
              "organiser_unit_id": lambda f: _unit(f, "organiser_unit_id", ORGANISERS)}
    for name, check in checks.items():
        wanted = bool(set(TEXTS) & set(keys)) if name == "texts" else name in keys
        if wanted:
            check(f)
    already = {p.column for p in f.problems}
    f.problems += [FieldProblem(None, zh(f"interview.field.{k}"), say("err.required"))
                   for k in REQUIRED if k in keys and f.out.get(k) is None
                   and zh(f"interview.field.{k}") not in already]
    if f.problems:
        raise ValidationFailed(f.problems)
    return {k: v for k, v in f.out.items() if k in keys}


# ------------------------------------------------------------------ related and new items

def resolve_items(session: Session, actor: Actor, codes: list[str]) -> list[int]:
    """Ids of the items with these 编号 (in the actor's scope); ValidationFailed naming the
    编号 not found."""
    if not codes:
        return []
    query = select(Item.code, Item.id).where(Item.code.in_(codes))
    scope = item_scope(actor)
    found = dict(session.execute(query.where(scope) if scope is not None else query).all())
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed([FieldProblem(None, zh("interview.field.item_codes"),
                                             say("err.item_codes", codes="、".join(missing)))])
    return [found[c] for c in codes]


def new_item_values(session: Session, values: dict, *, lead_unit_id: int) -> list[dict]:
    """The create_item values of each new 约谈问题 (one per non-blank line of `new_items`), all
    checked first by the item form's own rules; ValidationFailed names the line and field."""
    raw = values.get("new_items") or []
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    lines = [line.strip() for line in lines if line and line.strip()]
    unit = session.get(Unit, lead_unit_id)
    shared = dict(inspection_id=values.get("new_item_inspection_id"), item_type=ItemType.INTERVIEW.value,
                  category=values.get("new_item_category"), deadline=values.get("new_item_deadline"),
                  stage=values.get("new_item_stage") or Stage.SHORT.value,
                  district_id=unit.district_id if unit else None, lead_unit_id=lead_unit_id)
    out, problems = [], []
    for n, line in enumerate(lines, 1):
        item = dict(shared, description=line)
        try:
            item_form.validate(session, item)
        except ValidationFailed as exc:
            problems += [FieldProblem(None, text("interview.new_item_line", n=n, column=p.column),
                                      p.message) for p in exc.problems]
        out.append(item)
    if problems:
        raise ValidationFailed(problems)
    return out
