"""Shared by the 季调度 tests: units, actors, a round opened the way a coordinator would, and
reports made as a unit would."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update

from core.dispatch import reports, rounds
from core.dispatch.reports import RoundEntry
from core.dispatch.scope import RoundScope
from core.domain import Role, SourceLevel
from db.models import ProgressReport
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

TODAY = date.today()
WANZHOU_GOV, WANZHOU_ECO, YUZHONG_GOV, WATER = ("万州区人民政府", "万州区生态环境局", "渝中区人民政府",
                                               "重庆市水利局")


def units(session) -> dict[str, int]:
    return {name: unit_id(session, name) for name in (WANZHOU_GOV, WANZHOU_ECO, YUZHONG_GOV, WATER)}


def unit_actor(session, name: str):
    return make_actor(session, Role.UNIT, unit_id=unit_id(session, name))


def item_of(session, unit: str, **overrides):
    """An assigned item led and held by `unit` (in its district when it is a district body),
    assigned 100 days ago, last reported 10 days ago, due in 60 days: neither overdue nor
    long-unresolved unless overridden."""
    uid = unit_id(session, unit)
    district = "渝中区" if unit.startswith("渝中") else "万州区"
    values = dict(lead_unit_id=uid, holder_unit_id=uid,
                  district_id=None if unit == WATER else district_id(session, district),
                  assigned_on=TODAY - timedelta(days=100), latest_progress_on=TODAY - timedelta(days=10),
                  due_on=TODAY + timedelta(days=60), original_due_on=TODAY + timedelta(days=60))
    return make_item(session, **{**values, **overrides})


def open_round(session, actor, *, scope=RoundScope(), report_by=None, today=TODAY, period=None,
               title="本季度季调度"):
    """A round of `period` (year, quarter; default: that of `today`), due in ten days."""
    year, quarter = period or rounds.quarter_of(today)
    return rounds.open_round(session, actor=actor, year=year, quarter=quarter, title=title,
                             report_by=report_by or today + timedelta(days=10), scope=scope,
                             today=today)


def report(session, actor, rnd, *items, text="本季度完成主体工程", percent=60):
    """`actor` reports on `items` in round `rnd`, with the versions the items have now."""
    for item in items:
        session.refresh(item)
    return reports.report_round(session, actor=actor, round_id=rnd.id, entries=[
        RoundEntry(i.id, i.version, percent, text) for i in items], reported_on=TODAY)


def backdate(session, rnd, item, when: datetime) -> None:
    """Pretend the item's reports in the round were entered at `when` (the clock cannot be moved)."""
    session.execute(update(ProgressReport).where(ProgressReport.dispatch_round_id == rnd.id,
                                                 ProgressReport.item_id == item.id)
                    .values(created_at=when))


def central(session, **overrides):
    return make_inspection(session, level=SourceLevel.CENTRAL, **overrides)
