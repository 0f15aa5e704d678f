"""Kiosk tokens: named, revocable, read-only access to the big screen for a wall display.

Only a SHA-256 of each token is stored; the token itself is shown once, when it is issued.
Issuing and revoking need "kiosk.manage" (admin) and are audited; refusals too. A valid token
acts as a read-only viewer named after the token, and opens nothing but the big screen.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import AuditOutcome, Role
from core.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from core.i18n import translate
from db.models import KioskToken, User

MAX_NAME = 60
TOKEN_BYTES = 32          # secrets.token_urlsafe(32): 43 characters, 256 bits
MAX_TOKEN_LENGTH = 200    # anything longer is not ours: refuse before hashing
# A wall screen reloads every minute or so; recording each use would be a write per refresh.
LAST_USED_RESOLUTION = timedelta(minutes=1)
KIOSK_PREFIX = "kiosk:"


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `token` is its only copy (the database keeps a hash)."""

    name: str
    token: str


@dataclass(frozen=True)
class KioskTokenRow:
    id: int
    name: str
    created_by: str | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _say(key: str, **values) -> str:
    """"中文 / English" for a catalogue key: core's errors are read in both languages."""
    return f"{translate(key, 'zh', **values)} / {translate(key, 'en', **values)}"


def digest(token: str) -> str:
    """Hex SHA-256 of a token: what the database stores and looks up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def kiosk_actor(name: str) -> Actor:
    """The read-only actor a valid token acts as (a viewer: no write rule admits it)."""
    return Actor(id=None, username=f"{KIOSK_PREFIX}{name}", role=Role.VIEWER, display_name=name)


def is_kiosk(actor: Actor | None) -> bool:
    return actor is not None and actor.id is None and actor.username.startswith(KIOSK_PREFIX)


def _guard(session: Session, actor: Actor, action: str, entity_id, attempted: dict) -> None:
    try:
        require(actor, "kiosk.manage")
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action=action, entity="kiosk_token",
                             entity_id=entity_id, outcome=AuditOutcome.REFUSED_PERMISSION,
                             detail=str(exc), attempted=attempted)
        raise


def _name_problems(session: Session, name: str) -> list[FieldProblem]:
    label = translate("kiosk.field.name", "zh")
    if not name:
        return [FieldProblem(None, label, _say("kiosk.err.name_required"))]
    if len(name) > MAX_NAME:
        return [FieldProblem(None, label, _say("kiosk.err.name_too_long", n=MAX_NAME))]
    if session.scalar(select(KioskToken.id).where(KioskToken.name == name)) is not None:
        return [FieldProblem(None, label, _say("kiosk.err.name_taken", name=name))]
    return []


def create_token(session: Session, *, actor: Actor, name: str, now: datetime) -> IssuedToken:
    """Issue a token named `name` (trimmed; 1–60 characters, unique among all tokens ever issued,
    revoked ones included). Raises PermissionDenied (not an admin), ValidationFailed (name)."""
    name = name.strip()
    _guard(session, actor, "kiosk.create", None, {"name": name})
    problems = _name_problems(session, name)
    if problems:
        audit.record_refusal(session, actor=actor, action="kiosk.create", entity="kiosk_token",
                             entity_id=None, outcome=AuditOutcome.REFUSED_INVALID,
                             detail=str(ValidationFailed(problems)), attempted={"name": name})
        raise ValidationFailed(problems)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = KioskToken(name=name, token_sha256=digest(token), created_by=actor.id, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="kiosk.create", entity="kiosk_token", entity_id=row.id,
                 after={"name": name, "created_at": now.isoformat()})
    return IssuedToken(name, token)


def revoke_token(session: Session, *, actor: Actor, name: str, now: datetime) -> KioskTokenRow:
    """Revoke the token named `name`: from now on it opens only the sign-in page. Raises
    PermissionDenied, NotFound (no such name), ValidationFailed (already revoked)."""
    _guard(session, actor, "kiosk.revoke", name, {"name": name})
    row = session.scalar(select(KioskToken).where(KioskToken.name == name))
    if row is None:
        raise NotFound(_say("kiosk.err.no_such", name=name))
    if row.revoked_at is not None:
        when = row.revoked_at.strftime("%Y-%m-%d %H:%M")
        raise ValidationFailed([FieldProblem(None, translate("kiosk.field.name", "zh"),
                                             _say("kiosk.err.revoked", name=name, when=when))])
    row.revoked_at = now
    session.flush()
    audit.record(session, actor=actor, action="kiosk.revoke", entity="kiosk_token", entity_id=row.id,
                 before={"name": name, "revoked_at": None},
                 after={"name": name, "revoked_at": now.isoformat()})
    return _row(row, None)


def _row(token: KioskToken, created_by: str | None) -> KioskTokenRow:
    return KioskTokenRow(token.id, token.name, created_by, token.created_at, token.revoked_at,
                         token.last_used_at)


def list_tokens(session: Session, *, actor: Actor) -> list[KioskTokenRow]:
    """Every token ever issued (never the token itself), newest first; raises PermissionDenied."""
    require(actor, "kiosk.manage")
    rows = session.execute(select(KioskToken, User.username)
                           .outerjoin(User, User.id == KioskToken.created_by)
                           .order_by(KioskToken.created_at.desc(), KioskToken.id.desc()))
    return [_row(token, username) for token, username in rows]


def verify_token(session: Session, *, token: str, now: datetime) -> Actor | None:
    """The kiosk actor for a valid, unrevoked token, else None (unknown, revoked, empty, too long).
    Records the use in last_used_at (at most once a minute per token)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = session.execute(select(KioskToken.id, KioskToken.name, KioskToken.last_used_at)
                          .where(KioskToken.token_sha256 == digest(token),
                                 KioskToken.revoked_at.is_(None))).first()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        session.execute(update(KioskToken).where(KioskToken.id == row.id).values(last_used_at=now))
    return kiosk_actor(row.name)
