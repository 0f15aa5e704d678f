"""Interviews (约谈): the record, its people, items, follow-up measures and the events of its track."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["Interview", "InterviewItem", "InterviewPerson", "FollowUpMeasure", "InterviewEvent"]


class Interview(Versioned, Base):
    """约谈: a plan is due `plan_workdays` working days after it; plan and completion are published.

    `plan_due_uncovered` lists the years ("2027" or "2027,2028") the due date was counted through
    without an official or admin-entered calendar (weekdays only): the date is provisional while
    it is set, and is recomputed when an admin enters those years' holidays. NULL: final."""

    __tablename__ = "interview"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # 约谈情形; a record made before the circumstances were coded reads "other" (其他情形)
    circumstance: Mapped[d.InterviewCircumstance] = coded(d.InterviewCircumstance,
                                                          server_default="other")
    details: Mapped[str | None] = mapped_column(Text)                 # 情形说明 (free text)
    interviewee_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    interviewee_subunit: Mapped[str | None] = mapped_column(String(120))  # e.g. an SOE's subsidiary
    organiser_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(120))
    minutes: Mapped[str | None] = mapped_column(Text)                 # 约谈纪要 (summary)
    # working days given for the plan: the rule setting (15) unless the interview notice said otherwise
    plan_workdays: Mapped[int] = mapped_column(Integer, server_default="15")
    plan_due_on: Mapped[date] = mapped_column(Date)                   # held_on + plan_workdays
    plan_due_uncovered: Mapped[str | None] = mapped_column(String(40))
    plan_submitted_on: Mapped[date | None] = mapped_column(Date)
    plan_url: Mapped[str | None] = mapped_column(String(300))
    plan_published_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completion_url: Mapped[str | None] = mapped_column(String(300))
    completion_published_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[d.InterviewStatus] = coded(d.InterviewStatus, default=d.InterviewStatus.HELD)


class InterviewItem(Base):
    __tablename__ = "interview_item"
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"),
                                              primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class InterviewPerson(Base):
    """One person interviewed, with their position (a row moved from the old free-text column
    may name positions only: `name` is then empty)."""

    __tablename__ = "interview_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"),
                                              index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(60))
    position: Mapped[str] = mapped_column(String(200))


class FollowUpMeasure(Base):
    """A measure taken after an interview (曝光, 督察, 问责, 区域限批), with its date and note;
    区域限批 names the district whose approvals it restricts."""

    __tablename__ = "interview_follow_up"
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[d.InterviewFollowUp] = coded(d.InterviewFollowUp)
    taken_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class InterviewEvent(Base):
    """One step of an interview's track (recorded, plan submitted, follow-up …): who, when, what.
    `detail` holds the step's values (dates, URL, file names) for the timeline."""

    __tablename__ = "interview_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"),
                                              index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[d.InterviewStatus | None] = coded(d.InterviewStatus, nullable=True)
    to_status: Mapped[d.InterviewStatus | None] = coded(d.InterviewStatus, nullable=True)
    detail: Mapped[dict | None] = mapped_column(JSON)
