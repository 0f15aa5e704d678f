"""总览's figures (core.ledger.stats.overview): within what an actor may see, the headline now and
a week ago, the districts, levels, categories and the monthly trend — checked against the same
independent count the big screen's tests use, against the big screen itself (an office actor
must see the same figures on both pages), and on hand-made edge cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import Category, Role, SourceLevel, Status
from core.ledger import stats
from core.ledger.rules import RuleSettings
from core.ledger.stats import Change
from core.screen import bigscreen
from db.models import Transition
from tests.core.screen.test_bigscreen import (  # noqa: F401 - random_ledger: a fixture
    TODAY,
    WEEK_AGO,
    random_ledger,
    week_ago_state,
)
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

RULES = RuleSettings()


def _overview(session, actor=SYSTEM, today=TODAY):
    session.commit()
    return stats.overview(session, actor=actor, today=today, rules=RULES)


def _counts(rows) -> tuple[tuple[int, ...], tuple[int, ...]]:
    now = (len(rows), *(sum(r[k] for r in rows) for k in ("closed", "overdue", "long")))
    then = tuple(sum(r[k] for r in rows) for k in ("existed", "closed_then", "overdue_then", "long_then"))
    return now, then


def _as_tuples(head: stats.OverviewHeadline):
    return ((head.items.now, head.closed.now, head.overdue.now, head.long_unresolved.now),
            (head.items.week_ago, head.closed.week_ago, head.overdue.week_ago,
             head.long_unresolved.week_ago))


def test_citywide_overview_equals_the_independent_count(session, random_ledger):  # noqa: F811
    rows = random_ledger["rows"]
    data = _overview(session)
    now, then = _counts(rows)
    assert _as_tuples(data.headline) == (now, then)
    assert data.headline.open == Change(now[0] - now[1], then[0] - then[1])
    assert data.headline.completion_rate == Change(now[1] / now[0], then[1] / then[0])
    # the week really moved the figures, so "now" and "a week ago" can be told apart
    assert data.headline.closed.delta and data.headline.long_unresolved.delta
    assert data.today == TODAY and data.week_ago == WEEK_AGO


def test_the_office_sees_the_same_figures_as_on_the_big_screen(session, random_ledger):  # noqa: F811
    session.commit()
    screen = stats.overview_from_big_screen(
        bigscreen.big_screen(session, actor=SYSTEM, today=TODAY, rules=RULES))
    mine = _overview(session)
    assert mine.headline == screen.headline
    assert mine.levels == screen.levels and mine.categories == screen.categories
    assert mine.trend == screen.trend
    # the big screen lists all 41 and 全市; the overview those with items, in the same order
    with_items = [d for d in screen.districts if d.items]
    assert mine.districts == tuple(with_items)
    assert len(screen.districts) == 42 and screen.districts[-1].district_id is None


def _status_then(session, item) -> Status:
    moves = session.scalars(select(Transition).where(Transition.item_id == item.id)
                            .order_by(Transition.at, Transition.id)).all()
    return week_ago_state(item, moves, [])[1]


def test_a_unit_sees_its_own_items_only(session, random_ledger):  # noqa: F811
    yuzhong = district_id(session, "渝中区")
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "渝中区人民政府"), district_id=yuzhong)
    # a unit never sees a 待交办 draft (core.access.permissions.item_scope), now or a week ago
    mine = [r for r in random_ledger["rows"] if r["item"].district_id == yuzhong]
    rows = [{**r, "existed": r["existed"] and _status_then(session, r["item"]) != Status.DRAFT}
            for r in mine if r["item"].status != Status.DRAFT]
    data = _overview(session, actor=unit)
    assert 0 < len(rows) < len(mine) < len(random_ledger["rows"])   # drafts and others left out
    assert _as_tuples(data.headline) == _counts(rows)
    assert [d.district_id for d in data.districts] == [yuzhong]
    assert sum(p.items for p in data.levels) == sum(p.items for p in data.categories) == len(rows)
    for level in data.levels:
        mine = [r for r in rows if r["item"].source_level == level.key]
        assert (level.items, level.closed) == (len(mine), sum(r["closed"] for r in mine))
    new_by_month = {}
    for r in rows:
        created = r["item"].created_at.date().replace(day=1)
        new_by_month[created] = new_by_month.get(created, 0) + 1
    assert {f.month: f.new for f in data.trend if f.new} == {
        m: n for m, n in new_by_month.items() if m >= data.trend[0].month}


def test_levels_and_categories_list_every_code(session):
    make_item(session, category=Category.AIR, inspection=make_inspection(session, level=SourceLevel.CITY))
    make_item(session, category=Category.AIR, status=Status.CLOSED, closed_on=date(2026, 5, 1),
              inspection=make_inspection(session, level=SourceLevel.CITY))
    data = _overview(session)
    assert [p.key for p in data.levels] == [lv.value for lv in SourceLevel]
    assert [p.key for p in data.categories] == [c.value for c in Category]
    city = {p.key: p for p in data.levels}[SourceLevel.CITY.value]
    air = {p.key: p for p in data.categories}[Category.AIR.value]
    assert (city.items, city.closed, city.open) == (air.items, air.closed, air.open) == (2, 1, 1)
    assert {p.key: p.items for p in data.levels}[SourceLevel.CENTRAL.value] == 0


def test_week_change_of_an_item_closed_this_week(session):
    item = make_item(session, status=Status.CLOSED, closed_on=date(2026, 6, 8),
                     created_at=datetime(2025, 1, 1), updated_at=datetime(2026, 6, 8, 10),
                     due_on=date(2026, 5, 1))
    session.add(Transition(item_id=item.id, from_status=Status.IN_PROGRESS, to_status=Status.CLOSED,
                           at=datetime(2026, 6, 8, 10)))
    head = _overview(session).headline
    assert head.closed == Change(1, 0) and head.open == Change(0, 1)
    assert head.overdue == Change(0, 1)          # 整改中 and past due a week ago
    assert head.completion_rate == Change(1.0, 0.0) and head.completion_rate.delta == 1.0


def test_an_item_entered_this_week_is_new_and_was_not_there_a_week_ago(session):
    make_item(session, created_at=datetime(2026, 6, 9, 9), updated_at=datetime(2026, 6, 9, 9),
              due_on=date(2026, 6, 5))
    head = _overview(session).headline
    assert head.items == Change(1, 0) and head.overdue == Change(1, 0)
    assert head.completion_rate == Change(0.0, None) and head.completion_rate.delta is None


def test_a_unit_saw_an_item_assigned_this_week_only_from_then(session):
    item = make_item(session, status=Status.ASSIGNED, created_at=datetime(2026, 5, 1),
                     updated_at=datetime(2026, 6, 8, 9), assigned_on=date(2026, 6, 8))
    session.add(Transition(item_id=item.id, from_status=Status.DRAFT, to_status=Status.ASSIGNED,
                           at=datetime(2026, 6, 8, 9)))
    make_item(session, status=Status.DRAFT, assigned_on=None, created_at=datetime(2026, 5, 1))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    assert _overview(session, actor=unit).headline.items == Change(1, 0)
    assert _overview(session).headline.items == Change(2, 2)   # the office sees drafts


def test_citywide_items_come_last(session):
    make_item(session, district_id=None, lead_unit_id=unit_id(session, "重庆市水利局"))
    make_item(session, district_id=district_id(session, "渝中区"))
    make_item(session)   # 万州区: first in official order
    data = _overview(session)
    assert [d.name for d in data.districts] == ["万州区", "渝中区", None]
    assert data.districts[-1].completion_rate == 0.0


def test_trend_counts_this_month_so_far_and_keeps_24_months(session):
    make_item(session, created_at=datetime(2026, 6, 2, 9))
    make_item(session, created_at=datetime(2026, 1, 15), status=Status.CLOSED, closed_on=date(2026, 6, 9))
    make_item(session, created_at=datetime(2024, 6, 30))          # before the 24 months
    trend = _overview(session).trend
    assert len(trend) == 24 and trend[0].month == date(2024, 7, 1) and trend[-1].month == date(2026, 6, 1)
    assert (trend[-1].new, trend[-1].closed) == (1, 1)
    assert {f.month: f.new for f in trend if f.new} == {date(2026, 1, 1): 1, date(2026, 6, 1): 1}


def test_empty_ledger_and_empty_scope(session):
    data = _overview(session)
    assert data.empty and data.districts == () and len(data.trend) == 24
    assert data.headline.completion_rate == Change(None, None)
    make_item(session)
    nobody = make_actor(session, Role.UNIT, unit_id=unit_id(session, "渝中区人民政府"))
    assert _overview(session, actor=nobody).empty
    assert not _overview(session).empty


def test_month_start_walks_back_across_years():
    assert stats.month_start(date(2026, 2, 17)) == date(2026, 2, 1)
    assert stats.month_start(date(2026, 2, 17), 2) == date(2025, 12, 1)
    assert stats.month_start(date(2026, 1, 1), 24) == date(2024, 1, 1)
