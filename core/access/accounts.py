"""What an admin changes on an account, and the check every run makes that a session still holds.

Every change that touches what an account may do (disable, enable, new password, new role, unit or
district, "sign out everywhere") also revokes the account's sessions: `sessions_valid_after` moves
to now, so every cookie issued before is refused and every open tab ends at its next run
(`check_session`). Each change is admin only, compares the version the admin saw, keeps at least
one active admin, and is audited with before and after (never a password); refusals are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import audit, throttle
from core.access.permissions import Actor
from core.access.users import (
    actor_for,
    guard_admin,
    hash_password,
    password_problems,
    scope_problems,
)
from core.domain import AuditOutcome, Role
from core.errors import FieldProblem, NotFound, StaleEdit, ValidationFailed
from core.messages import problem, say
from db.models import User

UNUSABLE_HASH = "!"   # matches no password (bcrypt refuses to compare with it)


# ---------------------------------------------------------------- the per-run session check

@dataclass(frozen=True)
class SessionCheck:
    """The actor to go on with (re-read), or None and why the session must end."""

    actor: Actor | None
    reason: str | None = None   # deleted | disabled | demo | revoked | role | unit | district


def check_session(session: Session, *, actor: Actor, began_at: datetime,
                  demo_mode: bool) -> SessionCheck:
    """Re-read the account behind an open session (one primary-key read). The session ends if the
    account is gone, disabled, a demo account outside demo mode, had its sessions revoked after
    `began_at`, or now has another role, unit or district; a new display name is simply taken."""
    user = session.get(User, actor.id, populate_existing=True) if actor.id is not None else None
    reason = _ended(user, actor, began_at, demo_mode)
    if reason:
        return SessionCheck(None, reason)
    return SessionCheck(actor_for(user))


def _ended(user: User | None, actor: Actor, began_at: datetime, demo_mode: bool) -> str | None:
    if user is None or user.username != actor.username:
        return "deleted"
    if not user.is_active:
        return "disabled"
    if user.is_demo and not demo_mode:
        return "demo"
    if user.sessions_valid_after and began_at < user.sessions_valid_after:
        return "revoked"
    fresh = actor_for(user)
    for field in ("role", "unit_id", "district_id"):
        if getattr(fresh, field) != getattr(actor, field):
            return field.removesuffix("_id")
    return None


# ---------------------------------------------------------------- admin changes

def _target(session: Session, actor: Actor, action: str, user_id: int,
            expected_version: int | None, attempted: dict) -> User:
    """The account to change, after the permission and stale-edit checks (both audited)."""
    guard_admin(session, actor, action, user_id, attempted)
    user = session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound(say("err.no_user", id=user_id))
    if expected_version is not None and user.version != expected_version:
        detail = f"saw version {expected_version}, current is {user.version}"
        audit.record_refusal(session, actor=actor, action=action, entity="user", entity_id=user_id,
                             outcome=AuditOutcome.REFUSED_STALE, detail=detail, attempted=attempted)
        raise StaleEdit(say("err.user_stale", name=user.username))
    return user


def _refuse(session: Session, actor: Actor, action: str, user: User, problems: list[FieldProblem],
            attempted: dict) -> None:
    if problems:
        audit.record_refusal(session, actor=actor, action=action, entity="user", entity_id=user.id,
                             outcome=AuditOutcome.REFUSED_INVALID,
                             detail=str(ValidationFailed(problems)), attempted=attempted)
        raise ValidationFailed(problems)


def _keeps_an_admin(session: Session, user: User, *, active: bool, role: Role) -> list[FieldProblem]:
    """Refuse a change that would leave no active admin (nobody could manage accounts then)."""
    if Role(user.role) is not Role.ADMIN or (active and role is Role.ADMIN):
        return []
    others = session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id))
    return [] if others else [problem("role", "users.field.role", "err.last_admin")]


def _apply(session: Session, actor: Actor, action: str, user: User, changes: dict,
           now: datetime) -> None:
    """Write the changes, revoke the account's sessions, audit before/after."""
    before = {k: audit.plain(getattr(user, k)) for k in changes}
    for key, value in changes.items():
        setattr(user, key, value)
    user.sessions_valid_after = now
    session.flush()
    audit.record(session, actor=actor, action=action, entity="user", entity_id=user.id,
                 before=before, after={k: audit.plain(v) for k, v in changes.items()})


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool, expected_version: int,
               now: datetime) -> None:
    """Disable (or enable again) an account; its open sessions end. Raises PermissionDenied,
    NotFound, StaleEdit, or ValidationFailed when it would leave no active admin."""
    action, attempted = "user.set_active", {"is_active": active}
    user = _target(session, actor, action, user_id, expected_version, attempted)
    _refuse(session, actor, action, user,
            _keeps_an_admin(session, user, active=active, role=Role(user.role)), attempted)
    _apply(session, actor, action, user, {"is_active": active}, now)


def reset_password(session: Session, *, actor: Actor, user_id: int, password: str,
                   expected_version: int, now: datetime) -> None:
    """Give an account a new password (the old one stops working, open sessions end, a lock is
    lifted). The audit row says that it changed, never what to."""
    action = "user.reset_password"
    user = _target(session, actor, action, user_id, expected_version, {})
    _refuse(session, actor, action, user, password_problems(password), {})
    user.password_hash = hash_password(password)
    _apply(session, actor, action, user, {}, now)
    throttle.clear(session, scope=throttle.ACCOUNT, key=throttle.key_of(user.username))


def change_role(session: Session, *, actor: Actor, user_id: int, role: Role, unit_id: int | None,
                district_id: int | None, expected_version: int, now: datetime) -> None:
    """Give an account another role and unit/district scope (a unit account needs one of them);
    open sessions end. Raises as set_active does."""
    action, role = "user.change_role", Role(role)
    attempted = {"role": role.value, "unit_id": unit_id, "district_id": district_id}
    user = _target(session, actor, action, user_id, expected_version, attempted)
    problems = scope_problems(session, role, unit_id, district_id)
    problems += _keeps_an_admin(session, user, active=user.is_active, role=role)
    _refuse(session, actor, action, user, problems, attempted)
    _apply(session, actor, action, user, {"role": role, "unit_id": unit_id, "district_id": district_id},
           now)


def sign_out_everywhere(session: Session, *, actor: Actor, user_id: int, now: datetime) -> None:
    """End every open session and cookie of an account (a lost laptop, a shared screen)."""
    action = "user.sign_out_everywhere"
    user = _target(session, actor, action, user_id, None, {})
    _apply(session, actor, action, user, {}, now)


def unlock(session: Session, *, actor: Actor, username: str, now: datetime) -> None:
    """Lift a sign-in lock on an account name before it expires (audited)."""
    action = "user.unlock"
    guard_admin(session, actor, action, None, {"username": username})
    throttle.clear(session, scope=throttle.ACCOUNT, key=throttle.key_of(username))
    audit.record(session, actor=actor, action=action, entity="user", entity_id=None,
                 after={"username": username, "at": now.isoformat()})


def find_user(session: Session, *, actor: Actor, username: str) -> User:
    """The account named `username` (admin only); raises NotFound."""
    guard_admin(session, actor, "user.find", None, {"username": username})
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(say("err.no_user_named", name=username))
    return user


# ---------------------------------------------------------------- demo accounts

@dataclass(frozen=True)
class RemovedDemo:
    deleted: int
    disabled: int   # kept (they appear in the audit trail or own records) but unusable


def remove_demo_accounts(session: Session, *, actor: Actor, now: datetime) -> RemovedDemo:
    """Delete the demo accounts; one that other rows refer to (the audit trail, an upload…) is
    disabled instead, with a password nothing matches and its sessions revoked."""
    action = "user.remove_demo"
    guard_admin(session, actor, action, None, {})
    deleted, disabled = [], []
    for user in session.scalars(select(User).where(User.is_demo.is_(True))).all():
        try:
            with session.begin_nested():
                session.execute(delete(User).where(User.id == user.id))
            session.expunge(user)
            deleted.append(user.username)
        except IntegrityError:
            user = session.get(User, user.id, populate_existing=True)
            user.is_active, user.password_hash, user.sessions_valid_after = False, UNUSABLE_HASH, now
            disabled.append(user.username)
    session.flush()
    audit.record(session, actor=actor, action=action, entity="user", entity_id=None,
                 after={"deleted": deleted, "disabled": disabled})
    return RemovedDemo(len(deleted), len(disabled))
