"""The new-item form (新建整改任务): every field checked, every bad one named by its Chinese label.

`validate` turns the page's values (plain Python: str, int, date, lists of unit ids, enum codes)
into clean values or raises ValidationFailed listing every problem at once; `item_columns` maps
them onto Item's columns. Writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Category, ItemType, Stage, SupervisionLevel
from core.errors import FieldProblem, ValidationFailed
from core.ledger.deadlines import DeadlineError, parse_deadline
from core.messages import say, zh
from core.text_checks import has_control_characters
from db.models import District, Inspection, Item, Unit

# Key → maximum length (None: unlimited text). Keys not here are handled by their own check.
TEXTS: dict[str, int | None] = {
    "code": 40, "township": 60, "description": None, "responsible_leader": 60,
    "responsible_person": 60, "contact_phone": 40, "target": None, "measures": None,
    "plan_url": 300,
}
CODES = {"item_type": ItemType, "category": Category, "stage": Stage,
         "supervision_level": SupervisionLevel}
UNIT_LISTS = ("responsible_unit_ids", "cooperating_unit_ids")
FIELDS = (*TEXTS, *CODES, *UNIT_LISTS, "seq", "inspection_id", "district_id", "lead_unit_id",
          "lon", "lat", "deadline", "plan_published_on")
REQUIRED = ("inspection_id", "item_type", "category", "description", "lead_unit_id", "deadline")
# A generous box around Chongqing (105.3–110.2°E, 28.2–32.2°N), GCJ-02 like the map.
LON, LAT = (105.0, 111.0), (28.0, 33.0)


@dataclass
class _Form:
    session: Session
    values: dict
    out: dict = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)

    def raw(self, key: str):
        value = self.values.get(key)
        return value.strip() if isinstance(value, str) else value

    def problem(self, key: str, message: str) -> None:
        self.problems.append(FieldProblem(None, zh(f"item.field.{key}"), message))


def form_texts(f, texts: Mapping[str, int | None]) -> None:
    """The optional free-text fields of a form (`f` has raw(), problem() and out, as _Form):
    trimmed, None when empty; a control character or more than the limit is a problem."""
    for key, limit in texts.items():
        value = f.raw(key)
        f.out[key] = str(value) if value not in (None, "") else None
        if f.out[key] is not None and has_control_characters(f.out[key]):
            f.problem(key, say("err.control_characters"))
            f.out[key] = None                  # never looked up or stored (PostgreSQL refuses NUL)
        elif f.out[key] is not None and limit and len(f.out[key]) > limit:
            f.problem(key, say("err.too_long", n=limit))


def _texts(f: _Form) -> None:
    form_texts(f, TEXTS)
    url = f.out["plan_url"]
    if url and not url.startswith(("http://", "https://")):
        f.problem("plan_url", say("err.url"))


def _codes(f: _Form) -> None:
    for key, enum in CODES.items():
        value = f.raw(key)
        f.out[key] = None
        if value not in (None, ""):
            try:
                f.out[key] = enum(value)
            except ValueError:
                f.problem(key, say("err.unknown_value", value=value))


def _an_id(value) -> bool:
    """An int a database id column can hold (a bool, a float or 10**12 is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and -2**31 <= value < 2**31


def _id(f: _Form, key: str, model) -> int | None:
    value = f.raw(key)
    if value in (None, ""):
        return None
    if not _an_id(value):
        f.problem(key, say("err.unknown_value", value=value))
        return None
    if f.session.get(model, value) is None:
        f.problem(key, say("err.no_such", value=value))
        return None
    return value


def _refs(f: _Form) -> None:
    f.out["inspection_id"] = _id(f, "inspection_id", Inspection)
    f.out["district_id"] = _id(f, "district_id", District)
    f.out["lead_unit_id"] = _id(f, "lead_unit_id", Unit)
    lead = f.out["lead_unit_id"] and f.session.get(Unit, f.out["lead_unit_id"])
    if lead and not lead.is_active:
        f.problem("lead_unit_id", say("err.inactive_unit"))
    for key in UNIT_LISTS:
        ids = f.raw(key) or []
        if not isinstance(ids, (list, tuple, set)) or not all(_an_id(i) for i in ids):
            f.problem(key, say("err.unknown_value", value=ids))
            ids = []
        missing = [i for i in ids if f.session.get(Unit, i) is None]
        if missing:
            f.problem(key, say("err.no_such", value=", ".join(map(str, missing))))
        f.out[key] = sorted(set(ids) - set(missing))


def _coordinates(f: _Form) -> None:
    for key, (low, high) in (("lon", LON), ("lat", LAT)):
        value = f.raw(key)
        f.out[key] = None
        if value in (None, ""):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            f.problem(key, say("err.not_number"))
            continue
        if not low <= number <= high:
            f.problem(key, say("err.out_of_range", low=low, high=high))
        f.out[key] = number
    if (f.raw("lon") in (None, "")) != (f.raw("lat") in (None, "")):
        f.problem("lon", say("err.both_coordinates"))


def _deadline_and_stage(f: _Form) -> None:
    f.out["deadline"] = None
    if f.raw("deadline") not in (None, ""):
        try:
            f.out["deadline"] = parse_deadline(f.raw("deadline"))
        except DeadlineError as exc:
            f.problem("deadline", str(exc))
    ongoing = f.out["deadline"] is not None and f.out["deadline"].ongoing
    if f.out["stage"] is None and ongoing:
        f.out["stage"] = Stage.ONGOING   # 长期坚持 needs no separate stage
    elif f.out["stage"] is None and f.raw("stage") in (None, ""):
        f.problem("stage", say("err.required"))
    published = f.raw("plan_published_on")
    if isinstance(published, datetime):
        published = published.date()
    f.out["plan_published_on"] = None
    if published not in (None, ""):
        if not isinstance(published, date):
            f.problem("plan_published_on", say("err.not_date"))
        elif published > date.today():
            f.problem("plan_published_on", say("err.future"))
        else:
            f.out["plan_published_on"] = published


def _seq_and_uniqueness(f: _Form) -> None:
    seq = f.raw("seq")
    f.out["seq"] = None
    if seq not in (None, ""):
        if not _an_id(seq) or seq < 1:
            f.problem("seq", say("err.unknown_value", value=seq))
        else:
            f.out["seq"] = seq
    if f.out["code"] and f.session.scalar(select(Item.id).where(Item.code == f.out["code"])):
        f.problem("code", say("err.taken", value=f.out["code"]))
    if f.out["seq"] and f.out["inspection_id"] and f.session.scalar(select(Item.id).where(
            Item.inspection_id == f.out["inspection_id"], Item.seq == f.out["seq"])):
        f.problem("seq", say("err.taken", value=f.out["seq"]))


def validate(session: Session, values: dict) -> dict:
    """Clean form values (keys as FIELDS); raises ValidationFailed with one FieldProblem per bad
    or missing field, the column being the field's Chinese label (问题描述, 整改时限 …)."""
    f = _Form(session, dict(values))
    f.problems += [FieldProblem(None, str(k), say("err.unknown_field")) for k in values
                   if k not in FIELDS]
    for check in (_texts, _codes, _refs, _coordinates, _deadline_and_stage, _seq_and_uniqueness):
        check(f)
    already = {p.column for p in f.problems}
    f.problems += [FieldProblem(None, zh(f"item.field.{k}"), say("err.required")) for k in REQUIRED
                   if f.out.get(k) is None and zh(f"item.field.{k}") not in already]
    if f.problems:
        raise ValidationFailed(f.problems)
    return f.out


def item_columns(session: Session, form: dict) -> dict:
    """Item's column values from a validated form (status, code and seq are the caller's); the
    inspection's kind and level are copied, as the ledger's filters group by them."""
    inspection = session.get(Inspection, form["inspection_id"])
    deadline = form["deadline"]
    plain = {k: form[k] for k in ("inspection_id", "district_id", "township", "lon", "lat",
                                  "category", "description", "lead_unit_id", "responsible_leader",
                                  "responsible_person", "contact_phone", "target", "measures",
                                  "stage", "plan_url", "plan_published_on", "item_type")}
    return {**plain, "inspection_kind": inspection.kind, "source_level": inspection.level,
            "holder_unit_id": form["lead_unit_id"],
            "supervision_level": form["supervision_level"],   # None: not supervised (yet)
            "deadline_text": deadline.text, "due_on": deadline.due_on,
            "original_due_on": deadline.due_on, "is_ongoing": deadline.ongoing}


# ------------------------------------------------------------------ checks shared by move forms

def check_text(problems: list[FieldProblem], label_key: str, value, *, required: bool = True,
               limit: int | None = None) -> str | None:
    """The trimmed text (None if empty); appends a problem if required and empty, too long, or
    holding a control character (None then: it is never stored)."""
    text = value.strip() if isinstance(value, str) else None
    if not text:
        if required:
            problems.append(FieldProblem(None, zh(label_key), say("err.required")))
        return None
    if has_control_characters(text):
        problems.append(FieldProblem(None, zh(label_key), say("err.control_characters")))
        return None
    if limit and len(text) > limit:
        problems.append(FieldProblem(None, zh(label_key), say("err.too_long", n=limit)))
    return text


def check_date(problems: list[FieldProblem], label_key: str, value, *, required: bool = True,
               not_future: bool = True) -> date | None:
    """The date, or None with a problem appended (missing, not a date, or after today)."""
    if value is None:
        if required:
            problems.append(FieldProblem(None, zh(label_key), say("err.required")))
        return None
    if not isinstance(value, date):
        problems.append(FieldProblem(None, zh(label_key), say("err.not_date")))
        return None
    if not_future and value > date.today():
        problems.append(FieldProblem(None, zh(label_key), say("err.future")))
        return None
    return value
