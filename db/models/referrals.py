"""Referrals (移送移交) and their items."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["Referral", "ReferralItem", "ReferralStep"]


class Referral(Versioned, Base):
    """移送移交, after the 移送书/回证 of 环环监〔2017〕17号; the receiving organ records its feedback
    (core.referrals: every change of state is a move with a ReferralStep)."""

    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    doc_no: Mapped[str | None] = mapped_column(String(60))             # 移送书文号
    kind: Mapped[d.ReferralKind] = coded(d.ReferralKind)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # Its items' district (the most common one), else the sending unit's, else the receiving
    # unit's, else None (全市): docs/domain.md, Referrals.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    contact: Mapped[str | None] = mapped_column(String(80))
    sent_on: Mapped[date | None] = mapped_column(Date, index=True)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    party: Mapped[str | None] = mapped_column(String(200))            # 当事人 (涉嫌违法主体)
    cause: Mapped[str] = mapped_column(Text)                           # 案由/涉嫌罪名/违法行为
    facts: Mapped[str | None] = mapped_column(Text)                    # 涉嫌违法犯罪事实
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)   # 移送材料清单
    receipt_on: Mapped[date | None] = mapped_column(Date)              # 回证
    feedback_due_on: Mapped[date | None] = mapped_column(Date)
    feedback_workdays: Mapped[int | None] = mapped_column(Integer)     # N the due date was counted with
    # Years the count walked through with neither the official nor an admin calendar ("2027,2028"):
    # the due date is provisional until an admin enters them. None: counted on known calendars.
    feedback_uncovered_years: Mapped[str | None] = mapped_column(String(40))
    returned_reason: Mapped[str | None] = mapped_column(Text)          # 退回: what is missing
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    reminded_count: Mapped[int] = mapped_column(Integer, default=0)    # 催告
    last_reminded_on: Mapped[date | None] = mapped_column(Date)
    escalated_on: Mapped[date | None] = mapped_column(Date)           # 提级督办
    accepted: Mapped[bool | None] = mapped_column(Boolean)             # 受理 / 不予受理
    acceptance_reason: Mapped[str | None] = mapped_column(Text)
    filed: Mapped[bool | None] = mapped_column(Boolean)                # 立案
    filed_on: Mapped[date | None] = mapped_column(Date)
    not_filed_reason: Mapped[str | None] = mapped_column(Text)
    filing_supervised: Mapped[bool] = mapped_column(Boolean, default=False)  # 检察院立案监督
    supervised_on: Mapped[date | None] = mapped_column(Date)
    detained: Mapped[int] = mapped_column(Integer, default=0)          # people
    arrested: Mapped[int] = mapped_column(Integer, default=0)
    prosecuted: Mapped[int] = mapped_column(Integer, default=0)
    judgment: Mapped[str | None] = mapped_column(Text)
    discipline_measure: Mapped[str | None] = mapped_column(String(40))  # core.domain.DisciplineMeasure
    punished_bureau: Mapped[int] = mapped_column(Integer, default=0)   # 厅级
    punished_division: Mapped[int] = mapped_column(Integer, default=0)  # 处级
    punished_section: Mapped[int] = mapped_column(Integer, default=0)  # 科级及以下
    fine_yuan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    outcome: Mapped[str | None] = mapped_column(Text)
    result_published_on: Mapped[date | None] = mapped_column(Date)
    result_url: Mapped[str | None] = mapped_column(String(300))
    concluded_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[d.ReferralStatus] = coded(d.ReferralStatus, default=d.ReferralStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now,
                                                 server_default=func.now())

    __table_args__ = (
        Index("ix_referral_status_due", "status", "feedback_due_on"),
    )


class ReferralItem(Base):
    __tablename__ = "referral_item"
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"),
                                             primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class ReferralStep(Base):
    """One step of a referral: a move of core.referrals.MOVES (who, which unit, when, from, to,
    note, and the values it recorded)."""

    __tablename__ = "referral_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"),
                                             index=True)
    move: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[d.ReferralStatus | None] = coded(d.ReferralStatus, nullable=True)
    to_status: Mapped[d.ReferralStatus | None] = coded(d.ReferralStatus, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
