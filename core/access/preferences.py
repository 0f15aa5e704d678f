"""A person's own view choices, kept across sign-ins (the `user_preference` table): a JSON value
per key, read and written only for the signed-in actor.

Each key has a checker (`CHECKS`) that validates a value before it is stored; reading drops what
a checker no longer accepts (a column key removed since it was stored), so an old choice never
breaks a page. Writing someone else's preference is refused (and audited); allowed writes are
audited without bumping the ledger revision (a view choice does not change the ledger).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.domain import AuditOutcome
from core.errors import FieldProblem, PermissionDenied, ValidationFailed
from core.messages import say, zh
from db.models import AuditEntry, UserPreference

LEDGER_COLUMNS = "ledger.columns"
# The 台账 table's column keys (ui/ledger_table.py draws them, in this order of choice).
LEDGER_COLUMN_KEYS = ("code", "status", "due_state", "progress", "latest", "lead_unit", "district",
                      "description", "category", "deadline", "due_on", "days_overdue", "latest_on",
                      "supervision", "inspection_mark")


def _known_columns(value, *, strict: bool) -> list[str]:
    """The column keys of a stored or submitted choice: a list of distinct known keys, at least one.
    `strict` (a write) refuses unknown keys; a read drops them."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of column keys")
    unknown = [v for v in value if v not in LEDGER_COLUMN_KEYS]
    if strict and unknown:
        raise ValueError("unknown: " + ", ".join(unknown[:5]))
    kept = list(dict.fromkeys(v for v in value if v in LEDGER_COLUMN_KEYS))
    if not kept:
        raise ValueError("no column chosen")
    return kept


# key → checker(value, strict) returning the value to keep, or raising ValueError
CHECKS: dict[str, Callable[..., object]] = {LEDGER_COLUMNS: _known_columns}
LABELS = {LEDGER_COLUMNS: "pref.ledger_columns"}     # the catalogue label naming the field


def get_preference(session: Session, *, actor: Actor, key: str, default=None):
    """The actor's stored value for `key`, cleaned by its checker (unknown parts dropped); `default`
    when there is none, the actor is no person (a system job) or what is stored is unusable."""
    if key not in CHECKS:
        raise KeyError(f"unknown preference {key!r}")
    if actor.id is None:
        return default
    stored = session.scalar(select(UserPreference.value).where(
        UserPreference.user_id == actor.id, UserPreference.key == key))
    if stored is None:
        return default
    try:
        return CHECKS[key](stored, strict=False)
    except ValueError:
        return default


def set_preference(session: Session, *, actor: Actor, key: str, value,
                   user_id: int | None = None) -> object:
    """Store `value` under `key` for the actor (or `user_id`, which must be the actor's own) and
    return what was stored. Raises PermissionDenied (someone else's, or no person: audited) and
    ValidationFailed (an unknown key or a bad value, naming the field; nothing stored)."""
    owner = actor.id if user_id is None else user_id
    if actor.id is None or owner != actor.id:
        audit.record_refusal(session, actor=actor, action="preference.set", entity="user_preference",
                             entity_id=f"{owner}:{key}"[:40], outcome=AuditOutcome.REFUSED_PERMISSION,
                             detail="a user may only change their own preferences",
                             attempted={"value": value} if _jsonable(value) else None)
        raise PermissionDenied(say("err.pref_not_own"))
    if key not in CHECKS:
        raise ValidationFailed([FieldProblem(None, key, say("err.pref_unknown_key", name=key))])
    try:
        clean = CHECKS[key](value, strict=True)
    except ValueError as exc:
        raise ValidationFailed([FieldProblem(None, zh(LABELS[key]),
                                             say("err.pref_bad_value", detail=str(exc)))]) from None
    row = session.get(UserPreference, (owner, key))
    before = None if row is None else row.value
    if row is None:
        row = UserPreference(user_id=owner, key=key)
        session.add(row)
    row.value, row.updated_at = clean, datetime.now()
    session.add(AuditEntry(at=datetime.now(), actor_id=actor.id, actor_name=actor.username,
                           action="preference.set", entity="user_preference",
                           entity_id=f"{owner}:{key}"[:40], outcome=AuditOutcome.OK,
                           before={"value": before}, after={"value": clean}))
    session.flush()
    return clean


def _jsonable(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, dict))
