"""Factories: build just the rows a test needs (no shared seed that every test depends on)."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.access.users import actor_for, hash_password
from core.domain import Category, InspectionKind, ItemType, Role, SourceLevel, Stage, Status, UnitRole
from db.models import District, Inspection, Item, ItemUnit, Unit, User

_seq = itertools.count(1)


def district_id(session: Session, name: str) -> int:
    return session.scalar(select(District.id).where(District.name == name))


def unit_id(session: Session, name: str) -> int:
    return session.scalar(select(Unit.id).where(Unit.name == name))


def make_inspection(session: Session, **overrides) -> Inspection:
    n = next(_seq)
    values = dict(name=f"测试督察{n}", kind=InspectionKind.ROUTINE, level=SourceLevel.CITY,
                  round_no=1, started_on=date(2024, 3, 1))
    values.update(overrides)
    inspection = Inspection(**values)
    session.add(inspection)
    session.flush()
    return inspection


def make_item(session: Session, *, units: dict[int, UnitRole] | None = None, **overrides) -> Item:
    """An assigned item in 万州区 led by 万州区人民政府 unless overridden."""
    n = next(_seq)
    inspection = overrides.pop("inspection", None) or make_inspection(session)
    lead = overrides.pop("lead_unit_id", None) or unit_id(session, "万州区人民政府")
    values = dict(code=f"T-{n:06d}", seq=n, inspection_id=inspection.id,
                  inspection_kind=inspection.kind, source_level=inspection.level,
                  item_type=ItemType.FEEDBACK, assigned_on=date(2025, 1, 10),
                  district_id=district_id(session, "万州区"), category=Category.WATER,
                  description=f"测试问题{n}：某污水处理厂出水超标", lead_unit_id=lead,
                  holder_unit_id=lead, deadline_text="2025年12月底前", due_on=date(2025, 12, 31),
                  original_due_on=date(2025, 12, 31), stage=Stage.SHORT, status=Status.ASSIGNED)
    values.update(overrides)
    item = Item(**values)
    session.add(item)
    session.flush()
    for uid, role in (units or {lead: UnitRole.LEAD}).items():
        session.add(ItemUnit(item_id=item.id, unit_id=uid, role=role))
    session.flush()
    return item


def make_user(session: Session, *, role: Role = Role.COORDINATOR, password: str = "secret-123",
              **overrides) -> User:
    n = next(_seq)
    values = dict(username=f"user{n}", display_name=f"用户{n}", password_hash=hash_password(password),
                  role=role)
    values.update(overrides)
    user = User(**values)
    session.add(user)
    session.flush()
    return user


def make_actor(session: Session, role: Role = Role.COORDINATOR, **overrides) -> Actor:
    return actor_for(make_user(session, role=role, **overrides))
