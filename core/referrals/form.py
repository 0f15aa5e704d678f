"""The referral form (移送书 fields): every value checked, every bad one named by its Chinese label.

`validate` turns a page's values (plain Python: enum codes, unit ids, a list of item ids, text,
the materials as a list or one per line, a date) into clean values or raises ValidationFailed
listing every problem at once. Writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, item_scope
from core.domain import ReferralKind, UnitKind
from core.errors import FieldProblem, ValidationFailed
from core.ledger.item_form import check_date, check_text
from core.messages import field_label, say, zh
from core.referrals.states import KIND_UNITS
from db.models import Item, Unit

# Key → maximum length (None: unlimited), and whether required.
TEXTS: dict[str, tuple[int | None, bool]] = {
    "doc_no": (60, False), "party": (200, False), "cause": (None, True), "facts": (None, False),
    "legal_basis": (None, True), "contact": (80, False),
}
FIELDS = ("kind", "from_unit_id", "to_unit_id", "item_ids", "materials", "sent_on", *TEXTS)
MAX_ITEMS, MAX_MATERIALS, MATERIAL_LIMIT = 200, 50, 120


def label_key(name: str) -> str:
    return f"referral.field.{name}"


@dataclass
class _Form:
    session: Session
    actor: Actor
    values: dict
    out: dict = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)

    def problem(self, name: str, message: str) -> None:
        self.problems.append(FieldProblem(None, zh(label_key(name)), message))


def _texts(f: _Form) -> None:
    for name, (limit, required) in TEXTS.items():
        f.out[name] = check_text(f.problems, label_key(name), f.values.get(name), required=required,
                                 limit=limit)


def _kind(f: _Form) -> None:
    try:
        f.out["kind"] = ReferralKind(f.values.get("kind"))
    except ValueError:
        f.out["kind"] = None
        f.problem("kind", say("err.required") if f.values.get("kind") in (None, "") else
                  say("err.unknown_value", value=f.values.get("kind")))


def _unit(f: _Form, name: str) -> Unit | None:
    value = f.values.get(name)
    if value in (None, ""):
        f.problem(name, say("err.required"))
        return None
    unit = f.session.get(Unit, value) if isinstance(value, int) and not isinstance(value, bool) else None
    if unit is None:
        f.problem(name, say("err.no_such", value=value))
    elif not unit.is_active:
        f.problem(name, say("err.inactive_unit"))
        unit = None
    f.out[name] = unit.id if unit else None
    return unit


def _units(f: _Form) -> None:
    sender, receiver = _unit(f, "from_unit_id"), _unit(f, "to_unit_id")
    kind = f.out.get("kind")
    if receiver is not None and kind is not None and UnitKind(receiver.kind) not in KIND_UNITS[kind]:
        f.problem("to_unit_id", say("err.referral_receiver_kind",
                                    kind=field_label(f"referral.kind.{kind.value}")))
    if sender is not None and receiver is not None and sender.id == receiver.id:
        f.problem("to_unit_id", say("err.referral_same_unit"))


def _items(f: _Form) -> None:
    ids = f.values.get("item_ids") or []
    if isinstance(ids, int) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        f.problem("item_ids", say("err.unknown_value", value=ids))
        ids = []
    ids = sorted(set(ids))
    if not ids:
        f.problem("item_ids", say("err.required"))
    elif len(ids) > MAX_ITEMS:
        f.problem("item_ids", say("err.referral_too_many", n=MAX_ITEMS))
    else:
        stmt = select(Item.id).where(Item.id.in_(ids))
        scope = item_scope(f.actor)
        found = set(f.session.scalars(stmt if scope is None else stmt.where(scope)))
        missing = [i for i in ids if i not in found]
        if missing:
            f.problem("item_ids", say("err.no_such", value=", ".join(map(str, missing))))
    f.out["item_ids"] = ids


def _materials(f: _Form) -> None:
    raw = f.values.get("materials")
    lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    if not all(isinstance(x, str) for x in lines):
        f.problem("materials", say("err.unknown_value", value=raw))
        lines = []
    materials = [x.strip() for x in lines if x.strip()]
    if not materials:
        f.problem("materials", say("err.required"))
    elif len(materials) > MAX_MATERIALS or any(len(x) > MATERIAL_LIMIT for x in materials):
        f.problem("materials", say("err.referral_materials", n=MAX_MATERIALS, limit=MATERIAL_LIMIT))
    f.out["materials"] = materials


def _sent_on(f: _Form) -> None:
    f.out["sent_on"] = check_date(f.problems, label_key("sent_on"), f.values.get("sent_on"),
                                  required=False)


def validate(session: Session, *, actor: Actor, values: dict) -> dict:
    """Clean form values (keys as FIELDS; `sent_on` None: not sent yet); raises ValidationFailed
    with one FieldProblem per bad or missing field (the receiver must be a unit of the kind's
    organs, not the sender; every item must exist and be in the actor's scope)."""
    f = _Form(session, actor, dict(values))
    f.problems += [FieldProblem(None, str(k), say("err.unknown_field")) for k in values
                   if k not in FIELDS]
    for check in (_kind, _texts, _units, _items, _materials, _sent_on):
        check(f)
    if f.problems:
        raise ValidationFailed(f.problems)
    return f.out


def referral_district(session: Session, *, item_ids: list[int], from_unit_id: int,
                      to_unit_id: int) -> int | None:
    """The district a referral counts in: the one most of its items lie in (ties: the lower
    district id, i.e. official order), else the sending unit's, else the receiving unit's, else
    None (全市)."""
    rows = session.execute(select(Item.district_id, func.count()).where(
        Item.id.in_(item_ids), Item.district_id.is_not(None)).group_by(Item.district_id)).all()
    if rows:
        counts = Counter(dict(rows))
        return min(counts, key=lambda d: (-counts[d], d))
    units = dict(session.execute(select(Unit.id, Unit.district_id)
                                 .where(Unit.id.in_([from_unit_id, to_unit_id]))).all())
    return units.get(from_unit_id) or units.get(to_unit_id)
