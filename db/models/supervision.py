"""Supervision (督办) and the inspections that follow items up: notices over several items, the
units' responses and escalations; the items a stationed or special inspection follows, and what
it records as it goes (visits, findings)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["SupervisionNotice", "SupervisionNoticeItem", "NoticeResponse", "NoticeEscalation",
           "StationedFollowUp", "FollowUpRecord"]


class SupervisionNotice(Versioned, Base):
    """A 督办 notice (一般/重点/挂牌督办) over one or more items, e.g. long-unresolved ones."""

    __tablename__ = "supervision_notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[d.SupervisionLevel] = coded(d.SupervisionLevel)   # raised by an escalation
    doc_no: Mapped[str | None] = mapped_column(String(60))           # 督办文号
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)                # response required by
    requirements: Mapped[str | None] = mapped_column(Text)           # the notice's content
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    lifted_on: Mapped[date | None] = mapped_column(Date)             # 解除督办


class SupervisionNoticeItem(Base):
    """An item a notice covers."""

    __tablename__ = "supervision_notice_item"
    notice_id: Mapped[int] = mapped_column(ForeignKey("supervision_notice.id", ondelete="CASCADE"),
                                           primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class NoticeResponse(Versioned, Base):
    """One addressed unit's answer to a notice: created (empty) when the notice is issued, filled
    when the unit responds; late when answered, or still unanswered, after the notice's due date."""

    __tablename__ = "notice_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("supervision_notice.id", ondelete="CASCADE"),
                                           index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    responded_on: Mapped[date | None] = mapped_column(Date)          # compared with the due date
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    responded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    __table_args__ = (UniqueConstraint("notice_id", "unit_id"),)


class NoticeEscalation(Base):
    """A notice raised to a higher level (一般 → 重点 → 挂牌督办): who, when, why."""

    __tablename__ = "notice_escalation"
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("supervision_notice.id", ondelete="CASCADE"),
                                           index=True)
    from_level: Mapped[d.SupervisionLevel] = coded(d.SupervisionLevel)
    to_level: Mapped[d.SupervisionLevel] = coded(d.SupervisionLevel)
    old_due_on: Mapped[date | None] = mapped_column(Date)
    new_due_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime)


class StationedFollowUp(Base):
    """An item a stationed (驻点) or special (专项) inspection follows up, e.g. a long-unresolved one."""

    __tablename__ = "stationed_follow_up"
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # 久拖不决 reasons when chosen
    added_on: Mapped[date] = mapped_column(Date)


class FollowUpRecord(Base):
    """What an inspection records as it goes: a site visit or a finding, about one followed item
    or the inspection as a whole. Records are appended, never edited."""

    __tablename__ = "follow_up_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"),
                                               index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    kind: Mapped[d.FollowUpKind] = coded(d.FollowUpKind)
    recorded_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.now())
