"""Accounts: creation, password hashing, sign-in and revocation. No Streamlit here.

Passwords are bcrypt hashes. Sign-in is throttled by the name typed and by the client address
(core.access.throttle), and answers alike for missing and existing accounts. Demo accounts sign
in only in demo mode. What an admin changes on an account afterwards is in core.access.accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit, throttle
from core.access.permissions import Actor, require
from core.domain import AuditOutcome, Role
from core.errors import FieldProblem, PermissionDenied, ValidationFailed
from core.messages import problem
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


MAX_PASSWORD_BYTES = 72   # bcrypt reads no further (and bcrypt 5 refuses longer ones)
MAX_USERNAME = 40
MAX_DISPLAY_NAME = 60


def password_problems(password: str) -> list[FieldProblem]:
    """What is wrong with a new password: too short, or longer than bcrypt reads."""
    if len(password) < MIN_PASSWORD:
        return [problem("password", "users.field.password", "err.password_short", n=MIN_PASSWORD)]
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return [problem("password", "users.field.password", "err.password_long", n=MAX_PASSWORD_BYTES)]
    return []


def scope_problems(session: Session, role: Role, unit_id: int | None,
                   district_id: int | None) -> list[FieldProblem]:
    """A unit account is bound to a unit or a district, and the ones named exist."""
    problems = []
    if role is Role.UNIT and unit_id is None and district_id is None:
        problems.append(problem("unit", "users.field.unit", "err.unit_required"))
    if unit_id is not None and session.get(Unit, unit_id) is None:
        problems.append(problem("unit", "users.field.unit", "err.no_unit", id=unit_id))
    if district_id is not None and session.get(District, district_id) is None:
        problems.append(problem("district", "users.field.district", "err.no_district", id=district_id))
    return problems


def _validate(session: Session, username: str, display_name: str, password: str, role: Role,
              unit_id: int | None, district_id: int | None) -> list[FieldProblem]:
    problems = []
    if not username or not username.isascii() or not username.replace("_", "").replace(".", "").isalnum():
        problems.append(problem("username", "users.field.username", "err.username_chars"))
    elif len(username) > MAX_USERNAME:
        problems.append(problem("username", "users.field.username", "err.too_long", n=MAX_USERNAME))
    elif session.scalar(select(User.id).where(User.username == username)):
        problems.append(problem("username", "users.field.username", "err.username_taken", name=username))
    if len(display_name) > MAX_DISPLAY_NAME:
        problems.append(problem("display_name", "users.field.display_name", "err.too_long",
                                n=MAX_DISPLAY_NAME))
    elif any(not ch.isprintable() for ch in display_name):     # NUL, controls: not a name
        problems.append(problem("display_name", "users.field.display_name", "err.unprintable"))
    return problems + password_problems(password) + scope_problems(session, role, unit_id, district_id)


def guard_admin(session: Session, actor: Actor, action: str, user_id: int | None,
                attempted: dict) -> None:
    """Raise PermissionDenied unless the actor is an admin; the refusal is audited."""
    try:
        require(actor, "user.manage")
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action=action, entity="user", entity_id=user_id,
                             outcome=AuditOutcome.REFUSED_PERMISSION, detail=str(exc),
                             attempted=attempted)
        raise


def create_user(session: Session, *, actor: Actor, username: str, display_name: str,
                password: str, role: Role, unit_id: int | None = None,
                district_id: int | None = None, is_demo: bool = False) -> User:
    """Create an account (admin only); raises ValidationFailed naming each bad field."""
    guard_admin(session, actor, "user.create", None, {"username": username})
    role = Role(role)
    display_name = (display_name or "").strip() or username
    problems = _validate(session, username, display_name, password, role, unit_id, district_id)
    if problems:
        raise ValidationFailed(problems)
    user = User(username=username, display_name=display_name,
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
    locked_until: datetime | None = None   # set when the name or the client is (now) locked


def authenticate(session: Session, *, username: str, password: str, now: datetime,
                 max_failed: int, lockout_minutes: int, client: str | None = None,
                 client_max_failed: int = 20, demo_mode: bool = False) -> SignInResult:
    """Check a password, throttled by the name typed and by `client` (core.access.throttle).

    A missing, inactive or (outside `demo_mode`) demo account fails exactly like a wrong password,
    at the same bcrypt cost, and is locked after the same number of failures: the answers never
    tell whether an account exists. While the name or the client is locked nothing is checked."""
    window = timedelta(minutes=lockout_minutes)
    # PostgreSQL text cannot hold NUL: a name with one is no account's (and is counted as typed)
    username, client = username.replace("\x00", "\ufffd"), client and client.replace("\x00", "\ufffd")
    account, address = throttle.key_of(username), throttle.key_of(client)
    until = throttle.locked_until(session, keys=[(throttle.ACCOUNT, account),
                                                 (throttle.CLIENT, address)], now=now)
    if until:
        return SignInResult(False, locked_until=until)
    user = session.scalar(select(User).where(User.username == username))
    usable = user is not None and user.is_active and (demo_mode or not user.is_demo)
    right = check_password(password, user.password_hash if usable else _DUMMY_HASH) and usable
    if not right:
        locks = [throttle.record_failure(session, scope=scope, key=key, now=now, limit=limit,
                                         window=window)
                 for scope, key, limit in ((throttle.ACCOUNT, account, max_failed),
                                           (throttle.CLIENT, address, client_max_failed))]
        throttle.forget_expired(session, now=now, window=window)
        session.flush()
        return SignInResult(False, locked_until=max(filter(None, locks), default=None))
    throttle.clear(session, scope=throttle.ACCOUNT, key=account)
    user.last_login_at = now
    session.flush()
    return SignInResult(True, user=user)


_DUMMY_HASH = hash_password("not-a-real-password")


def user_for_cookie(session: Session, *, username: str, issued_at: datetime,
                    demo_mode: bool = False) -> User | None:
    """The active user a sign-in cookie names, unless it was issued before their last sign-out
    (or an admin's change), or it names a demo account outside demo mode."""
    user = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    if user is None or (user.is_demo and not demo_mode):
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


# One account per role for demo mode, and two receivers of referrals (移送移交); the unit account is
# bound to a district government.
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
    version: int = 1
    unit_id: int | None = None
    district_id: int | None = None
    is_demo: bool = False
    locked_until: datetime | None = None   # sign-in locked (too many failures) until then


def list_users(session: Session, *, actor: Actor, now: datetime | None = None) -> list[UserRow]:
    """All accounts with their unit's short name and any sign-in lock in force at `now` (admin
    only; raises PermissionDenied)."""
    require(actor, "user.manage")
    locks = throttle.locks_by_account(session, now=now or datetime.now())
    rows = session.execute(select(User.id, User.username, User.display_name, User.role,
                                  Unit.short_name, User.is_active, User.last_login_at, User.version,
                                  User.unit_id, User.district_id, User.is_demo)
                           .outerjoin(Unit, Unit.id == User.unit_id).order_by(User.id))
    return [UserRow(i, u, n, Role(r), s, a, ll, v, ui, di, demo, locks.get(u))
            for i, u, n, r, s, a, ll, v, ui, di, demo in rows]
