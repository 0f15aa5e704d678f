"""The declarative base, the naming convention, coded columns and the version mixin."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    DateTime,
    Enum,
    Integer,
    MetaData,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def coded(enum: type[StrEnum], **kw) -> Mapped:
    """A column holding one of `enum`'s codes (VARCHAR, checked on write by SQLAlchemy)."""
    col = Enum(enum, native_enum=False, create_constraint=False, length=20,
               values_callable=lambda e: [m.value for m in e], validate_strings=True)
    return mapped_column(col, **kw)


class Versioned:
    """Mixin: `version` is bumped by SQLAlchemy on every UPDATE (an UPDATE matching no row raises)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Python-side clock, like every timestamp core writes (SQLite's CURRENT_TIMESTAMP is UTC,
    # which would misorder a timeline against local times in a UTC+8 office).
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.now(), onupdate=datetime.now)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}

