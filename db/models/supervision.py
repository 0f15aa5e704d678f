"""Supervision: 督办 notices and the items an inspection follows up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["SupervisionNotice", "StationedFollowUp"]


class SupervisionNotice(Versioned, Base):
    """A 督办 notice on an item (一般/重点/挂牌), e.g. for a long-unresolved one."""

    __tablename__ = "supervision_notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    level: Mapped[d.SupervisionLevel] = coded(d.SupervisionLevel)
    doc_no: Mapped[str | None] = mapped_column(String(60))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    requirements: Mapped[str | None] = mapped_column(Text)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    lifted_on: Mapped[date | None] = mapped_column(Date)


class StationedFollowUp(Base):
    """A stationed inspection (驻点督察) following up a long-unresolved item."""

    __tablename__ = "stationed_follow_up"
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # 久拖不决 reasons when chosen
    added_on: Mapped[date] = mapped_column(Date)
