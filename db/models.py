"""SQLAlchemy 2 models: the whole domain of docs/domain.md, so later work adds behaviour, not tables.

Conventions: codes from `core.domain` are stored as short strings; every editable row carries
`version` (SQLAlchemy's version_id_col), which `core` also compares against the version the user
saw, to refuse a stale edit. Derived figures (days overdue, 久拖不决 reasons) are never stored.
`inspection_kind` and `source_level` are copied onto items from their inspection because the
ledger's filters and aggregates group by them on a million rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from core import domain as d

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



# ---------------------------------------------------------------- reference data

class District(Base):
    """One of the 41 区县 the city's inspection rules count (38 administrative + 3 functional areas)."""

    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)      # adcode, or FA01.. for 功能区
    adcode: Mapped[str | None] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)      # 石柱土家族自治县
    short_name: Mapped[str] = mapped_column(String(20))             # 石柱县
    kind: Mapped[d.DistrictKind] = coded(d.DistrictKind)
    region: Mapped[d.Region] = coded(d.Region)
    is_central_urban: Mapped[bool] = mapped_column(Boolean, default=False)  # 中心城区
    host_district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)  # forms ledgers write: 万州, 石柱县
    lon: Mapped[float] = mapped_column(Float)  # label / marker point, GCJ-02 like the boundaries
    lat: Mapped[float] = mapped_column(Float)
    sort_order: Mapped[int] = mapped_column(Integer)


class Unit(Versioned, Base):
    """A body that leads, carries out, cooperates on, receives or organises work."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[d.UnitKind] = coded(d.UnitKind)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    contact: Mapped[str | None] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Inspection(Versioned, Base):
    """An inspection (督察) or tracked inspection round that feeds the ledger."""

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


# ---------------------------------------------------------------- the ledger

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
    supervision_level: Mapped[d.SupervisionLevel] = coded(d.SupervisionLevel,
                                                         default=d.SupervisionLevel.NORMAL)
    status: Mapped[d.Status] = coded(d.Status, default=d.Status.DRAFT)
    bounce_count: Mapped[int] = mapped_column(Integer, default=0)     # 验收不通过
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


class Attachment(Base):
    """Evidence file (一案一档): stored by content hash in the evidence store, described here."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
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


class QuarterlyDispatch(Versioned, Base):
    """季调度 / 年报告 of daily inspection: one per year and quarter (quarter 0 = annual report)."""

    __tablename__ = "quarterly_dispatch"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("year", "quarter", name="uq_quarterly_dispatch_year_quarter"),)


# ---------------------------------------------------------------- interviews, referrals, complaints

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


# ---------------------------------------------------------------- people, audit, configuration

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
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
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


class Setting(Versioned, Base):
    """Admin-editable rule parameters (久拖不决 thresholds, refresh interval …)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    help: Mapped[str | None] = mapped_column(Text)


class Holiday(Base):
    """A day that differs from the weekday rule, for years the holiday library does not cover."""

    __tablename__ = "holiday"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)   # True: 调休 make-up workday; False: holiday
    name: Mapped[str | None] = mapped_column(String(40))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


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
