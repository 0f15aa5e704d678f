"""Public complaints (信访件) received during an inspection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["Petition"]


class Petition(Versioned, Base):
    """信访件 transferred to a district during an inspection (一台一报一网)."""

    __tablename__ = "petition"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    batch: Mapped[str] = mapped_column(String(40))                     # 交办批次
    petition_no: Mapped[str] = mapped_column(String(40))               # 信访编号
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    received_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[d.Category] = coded(d.Category)
    truth: Mapped[d.PetitionTruth | None] = coded(d.PetitionTruth, nullable=True)
    handling: Mapped[str | None] = mapped_column(Text)
    ordered_to_rectify: Mapped[int] = mapped_column(Integer, default=0)   # 家
    penalty_cases: Mapped[int] = mapped_column(Integer, default=0)
    fine_yuan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    criminal_cases: Mapped[int] = mapped_column(Integer, default=0)
    detained: Mapped[int] = mapped_column(Integer, default=0)             # 人
    interviews: Mapped[int] = mapped_column(Integer, default=0)
    held_accountable: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[d.PetitionStatus] = coded(d.PetitionStatus, default=d.PetitionStatus.OPEN)
    published_on: Mapped[date | None] = mapped_column(Date)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))   # the ledger item it became
    __table_args__ = (UniqueConstraint("inspection_id", "petition_no", name="uq_petition_inspection_no"),)
