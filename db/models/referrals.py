"""Referrals (移送移交) and their items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["Referral", "ReferralItem"]


class Referral(Versioned, Base):
    """移送移交, after the 移送书/回证 of 环环监〔2017〕17号; the receiving organ records its feedback."""

    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[d.ReferralKind] = coded(d.ReferralKind)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    contact: Mapped[str | None] = mapped_column(String(80))
    sent_on: Mapped[date | None] = mapped_column(Date)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text)                           # 案由/涉嫌罪名/违法行为
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)   # 移送材料清单
    receipt_on: Mapped[date | None] = mapped_column(Date)              # 回证
    feedback_due_on: Mapped[date | None] = mapped_column(Date)
    accepted: Mapped[bool | None] = mapped_column(Boolean)             # 受理 / 不予受理
    acceptance_reason: Mapped[str | None] = mapped_column(Text)
    filed: Mapped[bool | None] = mapped_column(Boolean)                # 立案
    filed_on: Mapped[date | None] = mapped_column(Date)
    not_filed_reason: Mapped[str | None] = mapped_column(Text)
    filing_supervised: Mapped[bool] = mapped_column(Boolean, default=False)  # 检察院立案监督
    detained: Mapped[int] = mapped_column(Integer, default=0)          # people
    arrested: Mapped[int] = mapped_column(Integer, default=0)
    prosecuted: Mapped[int] = mapped_column(Integer, default=0)
    judgment: Mapped[str | None] = mapped_column(Text)
    discipline_measure: Mapped[str | None] = mapped_column(String(40))  # 党纪政务处分/诫勉/组织处理/移送司法
    punished_bureau: Mapped[int] = mapped_column(Integer, default=0)   # 厅级
    punished_division: Mapped[int] = mapped_column(Integer, default=0)  # 处级
    punished_section: Mapped[int] = mapped_column(Integer, default=0)  # 科级及以下
    fine_yuan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    outcome: Mapped[str | None] = mapped_column(Text)
    result_published_on: Mapped[date | None] = mapped_column(Date)
    result_url: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[d.ReferralStatus] = coded(d.ReferralStatus, default=d.ReferralStatus.PENDING)


class ReferralItem(Base):
    __tablename__ = "referral_item"
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"),
                                             primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
