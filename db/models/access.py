"""People and the record of their actions: accounts, the audit trail, kiosk tokens, the ledger revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["User", "AuditEntry", "KioskToken", "LedgerRevision", "SignInThrottle", "UserPreference"]


class User(Versioned, Base):
    """A person who signs in; `unit_id`/`district_id` scope a unit user's items."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(100))            # bcrypt
    role: Mapped[d.Role] = coded(d.Role)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)   # signs in only in demo mode
    sessions_valid_after: Mapped[datetime | None] = mapped_column(DateTime)  # sign-out revokes cookies
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.now())


class AuditEntry(Base):
    """Every write attempt, allowed or refused, with before and after values."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actor_name: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[d.AuditOutcome] = coded(d.AuditOutcome)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)


class KioskToken(Base):
    """A named, revocable, read-only token that opens the big screen on a wall display."""

    __tablename__ = "kiosk_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class LedgerRevision(Base):
    """One row: bumped by every ledger write, so per-process caches know when to refresh."""

    __tablename__ = "ledger_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInThrottle(Base):
    """Failed sign-ins counted per account name (existing or not) and per client address, so a
    missing account answers exactly like an existing one; see core.access.throttle."""

    __tablename__ = "sign_in_throttle"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))          # "account" | "client"
    key: Mapped[str] = mapped_column(String(100))           # the name typed, or the client address
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_sign_in_throttle_scope_key"),)


class UserPreference(Base):
    """A person's own view choices (e.g. the 台账 columns they show), kept across sign-ins; a
    JSON value per key (core.access.preferences)."""

    __tablename__ = "user_preference"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict | list | None] = mapped_column(JSON)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
