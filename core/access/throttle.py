"""Sign-in throttling, in SQL, by account name and by client address.

The account count is kept for whatever name was typed, existing or not, so a missing account is
locked after the same number of failures as an existing one: the answers cannot tell them apart
(no account enumeration). The client count stops one address from trying many accounts; it is
not reset by a success, or an attacker with one real account could clear it between guesses.
A count older than the window starts again; a lock lifts by itself when it expires, or when an
admin unlocks the account (core.access.accounts.unlock).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import SignInThrottle

ACCOUNT, CLIENT = "account", "client"
LOCAL_CLIENT = "local"          # no address known (AppTest, or a browser on the server itself)
KEY_LENGTH = 100


def key_of(text: str | None) -> str:
    """The stored key of a typed name or an address (bounded: a long input is not an account)."""
    return (text or LOCAL_CLIENT)[:KEY_LENGTH]


def locked_until(session: Session, *, keys: list[tuple[str, str]], now: datetime) -> datetime | None:
    """The latest lock still in force on any of (scope, key), or None."""
    rows = session.scalars(select(SignInThrottle.locked_until).where(
        SignInThrottle.locked_until > now, _any_of(keys)))
    return max(rows, default=None)


def _any_of(keys: list[tuple[str, str]]):
    return or_(*(and_(SignInThrottle.scope == s, SignInThrottle.key == k) for s, k in keys))


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SignInThrottle)


def record_failure(session: Session, *, scope: str, key: str, now: datetime, limit: int,
                   window: timedelta) -> datetime | None:
    """Count one failure (atomically: concurrent attempts each count); returns the lock's end if
    this failure reached `limit` within `window`, else None."""
    session.execute(_insert(session).values(scope=scope, key=key, failures=0, window_started=now)
                    .on_conflict_do_nothing(index_elements=["scope", "key"]))
    row = SignInThrottle
    expired = (row.window_started < now - window) | (row.locked_until <= now)
    session.execute(update(row).where(row.scope == scope, row.key == key).values(
        failures=case((expired, 1), else_=row.failures + 1),
        window_started=case((expired, now), else_=row.window_started),
        locked_until=case((row.locked_until <= now, None), else_=row.locked_until)))
    failures = session.scalar(select(row.failures).where(row.scope == scope, row.key == key))
    if failures < limit:
        return None
    until = now + window
    session.execute(update(row).where(row.scope == scope, row.key == key)
                    .values(locked_until=until, failures=0, window_started=now))
    return until


def clear(session: Session, *, scope: str, key: str) -> None:
    """Forget the count and any lock of (scope, key)."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.scope == scope,
                                                 SignInThrottle.key == key))


def forget_expired(session: Session, *, now: datetime, window: timedelta) -> None:
    """Drop counts whose window and lock are over (random names typed must not pile up)."""
    session.execute(delete(SignInThrottle).where(
        SignInThrottle.window_started < now - window,
        (SignInThrottle.locked_until.is_(None)) | (SignInThrottle.locked_until <= now)))


def locks_by_account(session: Session, *, now: datetime) -> dict[str, datetime]:
    """Account name → end of its lock, for locks in force."""
    rows = session.execute(select(SignInThrottle.key, SignInThrottle.locked_until).where(
        SignInThrottle.scope == ACCOUNT, SignInThrottle.locked_until > now))
    return dict(rows.all())
