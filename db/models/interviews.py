"""Interviews (约谈) and their items."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["Interview", "InterviewItem"]


class Interview(Versioned, Base):
    """约谈: a plan is due 15 working days after it; plan and completion are published."""

    __tablename__ = "interview"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    circumstances: Mapped[str] = mapped_column(Text)                 # 约谈情形
    interviewee_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    interviewee_people: Mapped[str | None] = mapped_column(Text)
    organiser_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[str | None] = mapped_column(Text)                 # 约谈纪要
    plan_due_on: Mapped[date] = mapped_column(Date)                   # held_on + 15 working days
    plan_submitted_on: Mapped[date | None] = mapped_column(Date)
    plan_url: Mapped[str | None] = mapped_column(String(300))
    plan_published_on: Mapped[date | None] = mapped_column(Date)
    completion_url: Mapped[str | None] = mapped_column(String(300))
    completion_published_on: Mapped[date | None] = mapped_column(Date)
    follow_up: Mapped[d.InterviewFollowUp | None] = coded(d.InterviewFollowUp, nullable=True)
    status: Mapped[d.InterviewStatus] = coded(d.InterviewStatus, default=d.InterviewStatus.HELD)


class InterviewItem(Base):
    __tablename__ = "interview_item"
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"),
                                              primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
