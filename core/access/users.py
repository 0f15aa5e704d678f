"""Accounts: creation, password hashing, sign-in throttling and revocation. No Streamlit here.

Passwords are bcrypt hashes. Throttling is ours, in SQL (streamlit-authenticator's own counter
does nothing with credentials rebuilt each run): after `max_failed` wrong passwords in a row an
account is locked for `lockout_minutes`, then unlocks by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import Role
from core.errors import FieldProblem, ValidationFailed
from db.models import District, Unit, User

DEMO_PASSWORD = "demo1234"
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        return False


def actor_for(user: User) -> Actor:
    return Actor(id=user.id, username=user.username, role=Role(user.role), unit_id=user.unit_id,
                 district_id=user.district_id, display_name=user.display_name)


def _validate(session: Session, username: str, password: str, role: Role,
              unit_id: int | None, district_id: int | None) -> list[FieldProblem]:
    problems = []
    if not username or not username.isascii() or not username.replace("_", "").replace(".", "").isalnum():
        problems.append(FieldProblem(None, "username", "letters, digits, '_' or '.' only"))
    elif session.scalar(select(User.id).where(User.username == username)):
        problems.append(FieldProblem(None, "username", f"{username!r} is taken"))
    if len(password) < MIN_PASSWORD:
        problems.append(FieldProblem(None, "password", f"at least {MIN_PASSWORD} characters"))
    if role is Role.UNIT and unit_id is None and district_id is None:
        problems.append(FieldProblem(None, "unit", "a unit account must be bound to a unit or district"))
    if unit_id is not None and session.get(Unit, unit_id) is None:
        problems.append(FieldProblem(None, "unit", f"no unit with id {unit_id}"))
    if district_id is not None and session.get(District, district_id) is None:
        problems.append(FieldProblem(None, "district", f"no district with id {district_id}"))
    return problems


def create_user(session: Session, *, actor: Actor, username: str, display_name: str,
                password: str, role: Role, unit_id: int | None = None,
                district_id: int | None = None, is_demo: bool = False) -> User:
    """Create an account (admin only); raises ValidationFailed naming each bad field."""
    require(actor, "user.manage")
    role = Role(role)
    problems = _validate(session, username, password, role, unit_id, district_id)
    if problems:
        raise ValidationFailed(problems)
    user = User(username=username, display_name=display_name or username,
                password_hash=hash_password(password), role=role, unit_id=unit_id,
                district_id=district_id, is_demo=is_demo)
    session.add(user)
    session.flush()
    after = audit.snapshot(user, ["username", "display_name", "role", "unit_id", "district_id"])
    audit.record(session, actor=actor, action="user.create", entity="user", entity_id=user.id,
                 after=after)
    return user


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    user: User | None = None
    locked_until: datetime | None = None   # set when the account is (now) locked


def authenticate(session: Session, *, username: str, password: str, now: datetime,
                 max_failed: int, lockout_minutes: int) -> SignInResult:
    """Check a password with throttling; a locked or inactive account fails even with the right one."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        check_password(password, _DUMMY_HASH)  # same cost as a real check: no user enumeration by timing
        return SignInResult(False)
    if user.locked_until and user.locked_until > now:
        return SignInResult(False, locked_until=user.locked_until)
    if not check_password(password, user.password_hash):
        user.failed_logins += 1
        if user.failed_logins >= max_failed:
            user.locked_until = now + timedelta(minutes=lockout_minutes)
            user.failed_logins = 0
        session.flush()
        return SignInResult(False, locked_until=user.locked_until if user.locked_until and
                            user.locked_until > now else None)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()
    return SignInResult(True, user=user)


_DUMMY_HASH = hash_password("not-a-real-password")


def user_for_cookie(session: Session, *, username: str, issued_at: datetime) -> User | None:
    """The active user a sign-in cookie names, unless it was issued before their last sign-out."""
    user = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    if user is None:
        return None
    if user.sessions_valid_after and issued_at < user.sessions_valid_after:
        return None
    return user


def revoke_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    """Sign-out: every cookie issued to this user before `now` stops working (server-side)."""
    user = session.get(User, user_id)
    if user is not None:
        user.sessions_valid_after = now
        session.flush()


def credentials(session: Session) -> dict:
    """streamlit-authenticator's credentials dict, built from the users table (pre-hashed)."""
    users = session.scalars(select(User).where(User.is_active.is_(True)))
    return {"usernames": {u.username: {"name": u.display_name, "password": u.password_hash,
                                       "roles": [u.role.value if hasattr(u.role, "value") else u.role]}
                          for u in users}}


# One account per role for demo mode, and two receivers of referrals (移送移交).
DEMO_ACCOUNTS: tuple[tuple[str, str, Role], ...] = (
    ("demo_admin", "演示管理员", Role.ADMIN),
    ("demo_coordinator", "演示协调员", Role.COORDINATOR),
    ("demo_leader", "演示领导", Role.LEADER),
    ("demo_unit", "演示填报员（万州区）", Role.UNIT),
    ("demo_viewer", "演示访客", Role.VIEWER),
    ("demo_police", "演示接收员（万州区公安局）", Role.UNIT),
    ("demo_discipline", "演示接收员（市纪委监委）", Role.UNIT),
)
# Unit accounts: the unit they belong to (by name) and the district they also cover (adcode).
DEMO_UNITS: dict[str, tuple[str, str | None]] = {
    "demo_unit": ("万州区人民政府", "500101"),
    "demo_police": ("万州区公安局", None),
    "demo_discipline": ("中共重庆市纪律检查委员会 重庆市监察委员会", None),
}


def ensure_demo_accounts(session: Session, *, actor: Actor) -> list[str]:
    """Create the missing demo accounts (password DEMO_PASSWORD); returns the usernames created."""
    created = []
    for username, name, role in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == username)):
            continue
        unit_name, adcode = DEMO_UNITS.get(username, (None, None))
        unit_id = session.scalar(select(Unit.id).where(Unit.name == unit_name)) if unit_name else None
        district_id = (session.scalar(select(District.id).where(District.adcode == adcode))
                       if adcode else None)
        create_user(session, actor=actor, username=username, display_name=name,
                    password=DEMO_PASSWORD, role=role, unit_id=unit_id, district_id=district_id,
                    is_demo=True)
        created.append(username)
    return created


def list_demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """(username, display name, role) of the demo accounts, for the sign-in page in demo mode."""
    rows = session.execute(select(User.username, User.display_name, User.role)
                           .where(User.is_demo.is_(True), User.is_active.is_(True))
                           .order_by(User.id))
    return [(u, n, Role(r).value) for u, n, r in rows]


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: Role
    unit: str | None
    is_active: bool
    last_login_at: datetime | None


def list_users(session: Session, *, actor: Actor) -> list[UserRow]:
    """All accounts with their unit's short name (admin only; raises PermissionDenied)."""
    require(actor, "user.manage")
    rows = session.execute(select(User.id, User.username, User.display_name, User.role,
                                  Unit.short_name, User.is_active, User.last_login_at)
                           .outerjoin(Unit, Unit.id == User.unit_id).order_by(User.id))
    return [UserRow(i, u, n, Role(r), s, a, ll) for i, u, n, r, s, a, ll in rows]
