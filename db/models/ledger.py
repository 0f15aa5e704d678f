"""The ledger: inspections (sources), items and their units, progress, evidence, moves, extensions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["Inspection", "Item", "ItemUnit", "ProgressReport", "Attachment", "Transition", "Extension",
           "ItemReminder"]


class Inspection(Versioned, Base):
    """An inspection (督察) or tracked inspection round that feeds the ledger. A stationed (驻点)
    or special (专项) inspection opened here also has its team, place or subject, the items it
    follows (StationedFollowUp), a state, and when it ends its conclusion and, for a special one,
    its cause-and-responsibility finding (原因和责任情况)."""

    __tablename__ = "inspection"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[d.InspectionKind] = coded(d.InspectionKind)
    level: Mapped[d.SourceLevel] = coded(d.SourceLevel)
    round_no: Mapped[int | None] = mapped_column(Integer)        # 第几轮
    batch: Mapped[str | None] = mapped_column(String(40))         # 批次
    is_look_back: Mapped[bool] = mapped_column(Boolean, default=False)  # 回头看
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[str | None] = mapped_column(Text)               # 对象/领域/行业
    year: Mapped[int | None] = mapped_column(Integer)             # 日常督察: plan year
    team: Mapped[str | None] = mapped_column(String(120))         # 督察组
    place: Mapped[str | None] = mapped_column(String(120))        # 驻点地点
    subject: Mapped[str | None] = mapped_column(Text)             # 专项督察: 督察事项
    clues: Mapped[str | None] = mapped_column(Text)               # clues it was opened from
    origin_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    state: Mapped[d.InspectionState | None] = coded(d.InspectionState, nullable=True)
    conclusion: Mapped[str | None] = mapped_column(Text)          # 督察结论
    finding: Mapped[str | None] = mapped_column(Text)             # 原因和责任情况
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Item(Versioned, Base):
    """A rectification task (整改任务): one row of the 台账."""

    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)        # 编号
    seq: Mapped[int | None] = mapped_column(Integer)                  # 序号 within its source
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    inspection_kind: Mapped[d.InspectionKind] = coded(d.InspectionKind)  # copied from inspection
    source_level: Mapped[d.SourceLevel] = coded(d.SourceLevel)           # copied from inspection
    item_type: Mapped[d.ItemType] = coded(d.ItemType)
    assign_doc_no: Mapped[str | None] = mapped_column(String(60))     # 交办文号
    assigned_on: Mapped[date | None] = mapped_column(Date)            # 交办日期
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))  # None: 全市
    township: Mapped[str | None] = mapped_column(String(60))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    category: Mapped[d.Category] = coded(d.Category)
    description: Mapped[str] = mapped_column(Text)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # 移交: who holds it now
    holder_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    responsible_leader: Mapped[str | None] = mapped_column(String(60))
    responsible_person: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(Text)                  # 整改目标
    measures: Mapped[str | None] = mapped_column(Text)                # 整改措施
    deadline_text: Mapped[str | None] = mapped_column(String(60))     # as written: 2022年6月底前
    due_on: Mapped[date | None] = mapped_column(Date)                 # computed; None for 长期坚持
    original_due_on: Mapped[date | None] = mapped_column(Date)        # before any 延期
    stage: Mapped[d.Stage] = coded(d.Stage)
    is_ongoing: Mapped[bool] = mapped_column(Boolean, default=False)  # 长期坚持: never overdue
    plan_url: Mapped[str | None] = mapped_column(String(300))         # 整改方案公开地址
    plan_published_on: Mapped[date | None] = mapped_column(Date)
    latest_progress: Mapped[str | None] = mapped_column(Text)
    latest_progress_on: Mapped[date | None] = mapped_column(Date)
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    delay_reason: Mapped[str | None] = mapped_column(Text)            # 滞后原因
    accepted_on: Mapped[date | None] = mapped_column(Date)            # 验收 date
    acceptance_unit: Mapped[str | None] = mapped_column(String(80))
    acceptance_conclusion: Mapped[str | None] = mapped_column(Text)
    notice_from: Mapped[date | None] = mapped_column(Date)            # 公示
    notice_to: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)              # 销号
    close_doc_no: Mapped[str | None] = mapped_column(String(60))
    # 督办级别: None until a notice (core.supervision.notices) or a coordinator sets one
    supervision_level: Mapped[d.SupervisionLevel | None] = coded(d.SupervisionLevel, nullable=True,
                                                                index=True)
    status: Mapped[d.Status] = coded(d.Status, default=d.Status.DRAFT)
    bounce_count: Mapped[int] = mapped_column(Integer, default=0)     # 验收不通过
    # 催办 so far (ItemReminder rows), kept here like the other counts for the 久拖不决 rules'
    # scan of a million rows; raised by core.ledger.reminders without bumping `version`
    reminder_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)     # 反弹
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.now())

    units: Mapped[list[ItemUnit]] = relationship(back_populates="item", cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_item_district_status", "district_id", "status"),
        Index("ix_item_status_due", "status", "due_on"),
        Index("ix_item_level_status", "source_level", "status"),
        UniqueConstraint("inspection_id", "seq", name="uq_item_inspection_seq"),
    )


class ItemUnit(Base):
    """Several units per item: 牵头 (lead), 责任 (responsible), 配合 (cooperating)."""

    __tablename__ = "item_unit"
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    role: Mapped[d.UnitRole] = coded(d.UnitRole, primary_key=True)
    item: Mapped[Item] = relationship(back_populates="units")


class ProgressReport(Base):
    """A progress report (整改进展) with its evidence; reports are appended, never edited."""

    __tablename__ = "progress_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.now())
    # The 季调度 round this report answers (core.dispatch), if any; created_at dates it.
    dispatch_round_id: Mapped[int | None] = mapped_column(ForeignKey("quarterly_dispatch.id"))
    __table_args__ = (Index("ix_progress_report_round_item", "dispatch_round_id", "item_id",
                            "created_at"),)


class Attachment(Base):
    """A stored file (一案一档 evidence, referral materials, interview minutes …), described here;
    its content lives in the evidence store under its hash."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The record it belongs to: exactly one of these is set (core.ledger.evidence.OWNER_COLUMNS).
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"),
                                                    index=True)
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"),
                                                     index=True)
    notice_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("notice_response.id", ondelete="CASCADE"), index=True)
    progress_report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_report.id"))
    purpose: Mapped[str] = mapped_column(String(20), default="evidence")  # evidence/acceptance/notice
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.now())


class Transition(Base):
    """One lifecycle move: who, when, from, to, why."""

    __tablename__ = "transition"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[d.Status | None] = coded(d.Status, nullable=True)
    to_status: Mapped[d.Status] = coded(d.Status)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # for 移交


class Extension(Versioned, Base):
    """A 延期 request: asked by the unit with a reason, decided by a coordinator."""

    __tablename__ = "extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    old_due_on: Mapped[date | None] = mapped_column(Date)
    new_due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[d.ExtensionStatus] = coded(d.ExtensionStatus, default=d.ExtensionStatus.PENDING)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)


class ItemReminder(Base):
    """A 催办: a coordinator presses the unit holding an item to act (core.ledger.reminders). It
    stays open on the unit's 我的待办 until the unit reports progress or the item moves on; each
    one is counted toward the 久拖不决 "reminded" rule."""

    __tablename__ = "item_reminder"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))     # the holder reminded
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    note: Mapped[str | None] = mapped_column(Text)
