"""The big screen's figures equal counts computed here, independently, in plain Python from the
same rows — on a seeded random ledger with a week of history, and on hand-made edge cases."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import Category, InterviewStatus, ReferralKind, ReferralStatus, Role, SourceLevel, Status
from core.errors import PermissionDenied
from core.ledger import stats
from core.ledger.rules import Reason, RuleSettings
from core.screen import bigscreen
from core.screen.bigscreen import Change
from db.models import District, Interview, InterviewItem, Item, ProgressReport, Referral, Transition
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

TODAY = date(2026, 6, 10)
WEEK_AGO = date(2026, 6, 3)
CUTOFF = datetime(2026, 6, 4)          # the end of the day a week ago
RULES = RuleSettings()
ACTIVE = {Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.NOTICE}
WAITING_OR_DONE = {Status.DRAFT, Status.SUBMITTED, Status.NOTICE, Status.CLOSED}  # never overdue
OPEN_REFERRAL = {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.FILED}


# ---------------------------------------------------------------- the independent count

def is_overdue(item, day: date, status) -> bool:
    return (item.due_on is not None and item.due_on < day and not item.is_ongoing
            and status not in WAITING_OR_DONE)


def reasons_of(item, day: date, status, last_report, bounces, plan_dues) -> set[Reason]:
    """久拖不决 as docs/domain.md and core/ledger/rules.py's docstring state it, evaluated on `day`:
    a 长期坚持 item is flagged only when stale."""
    active = status in ACTIVE and not item.is_ongoing
    since = last_report or item.assigned_on
    found = {
        Reason.OVERDUE: is_overdue(item, day, status),
        Reason.STALE: status in (Status.ASSIGNED, Status.IN_PROGRESS) and since is not None
        and since < day - timedelta(days=RULES.stale_after_days),
        Reason.BOUNCED: active and bounces >= RULES.bounce_threshold,
        Reason.OLD: active and item.assigned_on is not None
        and item.assigned_on < day - timedelta(days=RULES.old_after_days),
        Reason.EXTENDED: active and item.extension_count >= RULES.extension_threshold,
        # a late plan: not submitted, final (not provisional) due date before `day`
        Reason.INTERVIEW: active and any(submitted is None and not provisional and due < day
                                         for due, submitted, provisional in plan_dues),
    }
    return {reason for reason, hit in found.items() if hit}


def week_ago_state(item, moves, reports):
    """(existed, status, last report, failed verifications) at the end of WEEK_AGO."""
    after = [t for t in moves if t.at >= CUTOFF]
    status = after[0].from_status if after and after[0].from_status is not None else item.status
    last = item.latest_progress_on
    if last is not None and last > WEEK_AGO:
        last = max((d for d in reports if d <= WEEK_AGO), default=None)
    bounces = item.bounce_count
    if bounces > 0:
        bounces -= sum(1 for t in after if (t.from_status, t.to_status) == (Status.SUBMITTED,
                                                                            Status.IN_PROGRESS))
    return item.created_at < CUTOFF, status, last, bounces


def independent(session) -> dict:
    """Every figure of the big screen, from rows read one by one (fine for a test ledger)."""
    items = session.scalars(select(Item).order_by(Item.id)).all()
    moves, reports, plans = defaultdict(list), defaultdict(list), defaultdict(list)
    for t in session.scalars(select(Transition).order_by(Transition.at, Transition.id)):
        moves[t.item_id].append(t)
    for r in session.scalars(select(ProgressReport)):
        reports[r.item_id].append(r.reported_on)
    for item_id, due, submitted, uncovered in session.execute(
            select(InterviewItem.item_id, Interview.plan_due_on, Interview.plan_submitted_on,
                   Interview.plan_due_uncovered)
            .join(Interview, Interview.id == InterviewItem.interview_id)):
        plans[item_id].append((due, submitted, uncovered is not None))
    rows = []
    for i in items:
        now = reasons_of(i, TODAY, i.status, i.latest_progress_on, i.bounce_count, plans[i.id])
        existed, status, last, bounces = week_ago_state(i, moves[i.id], reports[i.id])
        then = reasons_of(i, WEEK_AGO, status, last, bounces, plans[i.id]) if existed else set()
        rows.append(dict(item=i, closed=i.status == Status.CLOSED, overdue=is_overdue(i, TODAY, i.status),
                         long=bool(now), reasons=now, existed=existed,
                         closed_then=existed and status == Status.CLOSED,
                         overdue_then=existed and is_overdue(i, WEEK_AGO, status), long_then=bool(then)))
    return dict(rows=rows, referrals=_referrals(session), interviews=_interviews(session))


def _referrals(session) -> Change:
    refs = session.scalars(select(Referral)).all()
    now = sum(1 for r in refs if r.sent_on is not None and r.status in OPEN_REFERRAL)
    then = sum(1 for r in refs if r.sent_on is not None and r.sent_on <= WEEK_AGO
               and (r.status in OPEN_REFERRAL or r.updated_at >= CUTOFF))
    return Change(now, then)


def _interviews(session) -> Change:
    ivs = session.scalars(select(Interview)).all()
    now = sum(1 for v in ivs if v.plan_submitted_on is None and v.plan_due_on < TODAY
              and v.plan_due_uncovered is None)
    then = sum(1 for v in ivs if v.held_on <= WEEK_AGO and v.plan_due_on < WEEK_AGO
               and v.plan_due_uncovered is None
               and (v.plan_submitted_on is None or v.plan_submitted_on > WEEK_AGO))
    return Change(now, then)


def count(rows, key, **where) -> int:
    return sum(1 for r in rows if r[key] and all(getattr(r["item"], k) == v for k, v in where.items()))


# ---------------------------------------------------------------- a seeded random ledger

def _item(session, rng: random.Random, inspections, districts, n: int) -> Item:
    status = rng.choice(list(Status))
    created = datetime(2023, 1, 1) + timedelta(days=rng.randrange(0, 1250), hours=rng.randrange(8, 18))
    if n % 9 == 0:  # entered during the last week
        created = CUTOFF + timedelta(days=rng.randrange(0, 6), hours=rng.randrange(1, 20))
    assigned = None if status is Status.DRAFT else created.date() + timedelta(days=rng.randrange(1, 20))
    ongoing = rng.random() < 0.1
    due = None if ongoing else TODAY + timedelta(days=rng.randrange(-400, 200))
    closed_on = None
    if status is Status.CLOSED:
        closed_on = min(TODAY, (assigned or created.date()) + timedelta(days=rng.randrange(5, 600)))
    last = None if rng.random() < 0.3 else TODAY - timedelta(days=rng.randrange(0, 300))
    return make_item(session, inspection=rng.choice(inspections), district_id=rng.choice(districts),
                     lead_unit_id=unit_id(session, "万州区人民政府"), status=status,
                     category=rng.choice(list(Category)), assigned_on=assigned, due_on=due,
                     is_ongoing=ongoing, deadline_text="长期坚持" if ongoing else "按期",
                     closed_on=closed_on, latest_progress_on=last, bounce_count=rng.choice((0, 0, 1, 2, 3)),
                     extension_count=rng.choice((0, 0, 1, 2, 3)), created_at=created, updated_at=created)


def _history(session, rng: random.Random, item: Item) -> None:
    """Transitions and reports: creation, some moves last week (ending in the current state)."""
    session.add(Transition(item_id=item.id, from_status=None, to_status=Status.DRAFT, at=item.created_at))
    last_move = item.created_at
    if item.created_at < CUTOFF and rng.random() < 0.4:
        earlier = rng.choice([s for s in Status if s is not item.status])
        chain = [earlier, Status.SUBMITTED, Status.IN_PROGRESS, item.status] if (
            item.bounce_count and rng.random() < 0.5) else [earlier, item.status]
        at = CUTOFF + timedelta(hours=rng.randrange(1, 100))
        for before, after in zip(chain, chain[1:], strict=False):
            session.add(Transition(item_id=item.id, from_status=before, to_status=after, at=at))
            last_move, at = at, at + timedelta(hours=3)
    for day in sorted({item.latest_progress_on, item.latest_progress_on and
                       item.latest_progress_on - timedelta(days=rng.randrange(1, 60))} - {None}):
        session.add(ProgressReport(item_id=item.id, reported_on=day, percent=50, text="进展"))
    # updated_at follows the last change, as a real write would set it
    item.updated_at = max(last_move, item.created_at)


def _side_records(session, rng: random.Random, items: list[Item]) -> None:
    office, police = unit_id(session, "重庆市生态环境局"), unit_id(session, "重庆市公安局")
    for n, (held, due, submitted, uncovered) in enumerate([
            (date(2026, 5, 1), date(2026, 5, 25), None, None),               # late then and now
            (date(2026, 5, 20), date(2026, 6, 8), None, None),               # late only now
            (date(2026, 5, 1), date(2026, 5, 25), date(2026, 6, 5), None),   # late then, in now
            (date(2026, 5, 1), date(2026, 5, 25), date(2026, 5, 20), None),  # in time
            (date(2026, 5, 1), date(2026, 5, 25), None, "2027"),             # provisional: not late
            (date(2026, 6, 5), date(2026, 6, 9), None, None)]):              # held after then
        iv = Interview(code=f"YT-{n}", details="整改不力", interviewee_unit_id=office,
                       held_on=held, plan_due_on=due, plan_submitted_on=submitted,
                       plan_due_uncovered=uncovered, status=InterviewStatus.HELD, plan_workdays=15)
        session.add(iv)
        session.flush()
        for item in rng.sample(items, 3):
            session.add(InterviewItem(interview_id=iv.id, item_id=item.id))
    for n, (status, sent, updated) in enumerate([
            (ReferralStatus.SENT, date(2026, 5, 1), datetime(2026, 5, 2)),
            (ReferralStatus.FILED, date(2026, 6, 5), datetime(2026, 6, 5)),        # sent this week
            (ReferralStatus.CONCLUDED, date(2026, 4, 1), datetime(2026, 6, 6)),    # done this week
            (ReferralStatus.CONCLUDED, date(2026, 3, 1), datetime(2026, 5, 1)),    # done before
            (ReferralStatus.RETURNED, date(2026, 5, 1), datetime(2026, 6, 4, 8)),  # returned this week
            (ReferralStatus.PENDING, None, datetime(2026, 6, 1)),
            (ReferralStatus.NOT_FILED, date(2026, 1, 1), datetime(2026, 2, 1))]):
        session.add(Referral(code=f"YS-{n}", kind=ReferralKind.POLICE, from_unit_id=office,
                             to_unit_id=police, cause="涉嫌污染环境罪", sent_on=sent, status=status,
                             updated_at=updated))


@pytest.fixture
def random_ledger(session):
    rng = random.Random(20260610)
    inspections = [make_inspection(session, level=level) for level in SourceLevel]
    names = ["万州区", "渝中区", "綦江区", "两江新区", "重庆高新区", "万盛经开区", "城口县"]
    districts = [district_id(session, name) for name in names] + [None]
    items = [_item(session, rng, inspections, districts, n) for n in range(120)]
    session.flush()
    for item in items:
        _history(session, rng, item)
    _side_records(session, rng, items)
    session.commit()
    return independent(session)


def test_headline_equals_the_independent_count(session, random_ledger):
    rows, head = random_ledger["rows"], bigscreen.big_screen(session, actor=SYSTEM, today=TODAY).headline
    items, closed = len(rows), count(rows, "closed")
    items_then, closed_then = count(rows, "existed"), count(rows, "closed_then")
    assert head.items == Change(items, items_then) and items_then < items
    assert head.closed == Change(closed, closed_then)
    assert head.completion_rate == Change(closed / items, closed_then / items_then)
    assert head.overdue == Change(count(rows, "overdue"), count(rows, "overdue_then"))
    assert head.long_unresolved == Change(count(rows, "long"), count(rows, "long_then"))
    assert head.open_referrals == random_ledger["referrals"] == Change(2, 3)
    assert head.interview_plans_overdue == random_ledger["interviews"] == Change(3, 2)
    days = [(r["item"].closed_on - r["item"].assigned_on).days for r in rows
            if r["closed"] and r["item"].assigned_on]
    assert head.avg_days_to_close == pytest.approx(sum(days) / len(days))
    # the week's history really moved the figures, so the test can tell "now" from "then"
    assert head.closed.delta != 0 and head.long_unresolved.delta != 0


def test_now_figures_agree_with_core_stats(session, random_ledger):
    head = bigscreen.big_screen(session, actor=SYSTEM, today=TODAY).headline
    plain = stats.headline(session, actor=SYSTEM, today=TODAY)
    assert (head.items.now, head.closed.now, head.overdue.now) == (plain.total, plain.closed,
                                                                    plain.overdue)


def test_each_district_equals_the_independent_count(session, random_ledger):
    rows, data = random_ledger["rows"], bigscreen.big_screen(session, actor=SYSTEM, today=TODAY)
    assert len(data.districts) == 41
    assert [d.district_id for d in data.districts] == session.scalars(
        select(District.id).order_by(District.sort_order)).all()
    for d in (*data.districts, data.citywide):
        mine = [r for r in rows if r["item"].district_id == d.district_id]
        expected = (len(mine), *(sum(r[key] for r in mine) for key in ("closed", "overdue", "long")))
        assert (d.items, d.closed, d.overdue, d.long_unresolved) == expected, d.name
    functional = [d.name for d in data.districts if d.functional]
    assert functional == ["两江新区", "重庆高新区", "万盛经开区"]
    assert all(d.code.startswith("FA") for d in data.districts if d.functional)
    assert data.citywide.items == sum(1 for r in rows if r["item"].district_id is None) > 0


def test_categories_and_levels_equal_the_independent_count(session, random_ledger):
    rows, data = random_ledger["rows"], bigscreen.big_screen(session, actor=SYSTEM, today=TODAY)
    assert [t.key for t in data.categories] == [c.value for c in Category]
    for t in data.categories:
        mine = [r for r in rows if r["item"].category == t.key]
        assert (t.items, t.closed) == (len(mine), sum(r["closed"] for r in mine))
    assert [t.key for t in data.levels] == ["central", "ministry", "city"]
    for t in data.levels:
        mine = [r for r in rows if r["item"].source_level == t.key]
        assert (t.items, t.closed, t.open) == (len(mine), sum(r["closed"] for r in mine),
                                               len(mine) - sum(r["closed"] for r in mine))


def test_trend_counts_entries_and_closures_per_month(session, random_ledger):
    rows, trend = random_ledger["rows"], bigscreen.big_screen(session, actor=SYSTEM, today=TODAY).trend
    assert len(trend) == 24 and trend[0].month == date(2024, 7, 1) and trend[-1].month == date(2026, 6, 1)
    for flow in trend:
        same = lambda d, m=flow.month: d is not None and (d.year, d.month) == (m.year, m.month)  # noqa: E731
        assert flow.new == sum(1 for r in rows if same(r["item"].created_at)), flow.month
        assert flow.closed == sum(1 for r in rows if r["closed"] and same(r["item"].closed_on)), flow.month
    assert sum(f.new for f in trend) > 0 and sum(f.closed for f in trend) > 0


def test_ranking_orders_districts_with_items(session, random_ledger):
    data = bigscreen.big_screen(session, actor=SYSTEM, today=TODAY)
    ranked = [d for d in data.districts if d.items]
    best = sorted(ranked, key=lambda d: (-d.completion_rate, -d.items))[:5]
    assert [d.name for d in data.ranking.best_completion] == [d.name for d in best]
    worst = sorted((d for d in ranked if d not in best), key=lambda d: (d.completion_rate, -d.items))
    assert [d.name for d in data.ranking.worst_completion] == [d.name for d in worst[:5]]
    assert [d.overdue for d in data.ranking.most_overdue] == sorted(
        (d.overdue for d in ranked), reverse=True)[:5]
    assert not set(d.name for d in data.ranking.best_completion) & set(
        d.name for d in data.ranking.worst_completion)
    assert all(d.district_id is not None for d in data.ranking.most_overdue)


def test_worst_items_are_the_long_unresolved_with_most_reasons_first(session, random_ledger):
    rows, worst = random_ledger["rows"], bigscreen.big_screen(session, actor=SYSTEM, today=TODAY).worst
    flagged = sorted((r for r in rows if r["long"]), key=lambda r: (
        -len(r["reasons"]), r["item"].due_on or date.max, r["item"].assigned_on or date.max, r["item"].id))
    assert [w.id for w in worst] == [r["item"].id for r in flagged[:bigscreen.WORST_LIMIT]]
    by_id = {r["item"].id: r for r in rows}
    for w in worst:
        item = by_id[w.id]["item"]
        assert set(w.reasons) == by_id[w.id]["reasons"]
        assert w.days_overdue == ((TODAY - item.due_on).days if Reason.OVERDUE in w.reasons else 0)


# ---------------------------------------------------------------- edge cases, one by one

def _screen(session):
    session.commit()
    return bigscreen.big_screen(session, actor=SYSTEM, today=TODAY)


def test_empty_ledger(session):
    data = _screen(session)
    assert data.headline.items == Change(0, 0) and data.headline.completion_rate == Change(None, None)
    assert data.headline.avg_days_to_close is None and data.worst == ()
    assert len(data.districts) == 41 and all(d.items == 0 for d in data.districts)
    assert data.ranking.best_completion == () and len(data.trend) == 24
    assert data.today == TODAY and data.week_ago == WEEK_AGO


def test_closed_this_week_counts_as_open_a_week_ago(session):
    old = datetime(2025, 1, 1)
    item = make_item(session, status=Status.CLOSED, closed_on=date(2026, 6, 8), created_at=old,
                     assigned_on=date(2025, 1, 10), due_on=date(2026, 5, 1))
    session.add(Transition(item_id=item.id, from_status=Status.NOTICE, to_status=Status.CLOSED,
                           at=datetime(2026, 6, 8, 10)))
    head = _screen(session).headline
    assert head.closed == Change(1, 0) and head.completion_rate == Change(1.0, 0.0)
    assert head.overdue == Change(0, 0)  # 公示中 a week ago: waiting, not overdue
    assert head.avg_days_to_close == (date(2026, 6, 8) - date(2025, 1, 10)).days


def test_reopened_this_week_counts_as_closed_a_week_ago(session):
    item = make_item(session, status=Status.IN_PROGRESS, created_at=datetime(2024, 1, 1),
                     due_on=date(2026, 6, 1), latest_progress_on=TODAY)
    session.add(Transition(item_id=item.id, from_status=Status.CLOSED, to_status=Status.IN_PROGRESS,
                           at=datetime(2026, 6, 9, 9)))
    head = _screen(session).headline
    assert head.closed == Change(0, 1) and head.overdue == Change(1, 0)


def test_moves_before_the_cutoff_do_not_count_as_last_week(session):
    item = make_item(session, status=Status.CLOSED, closed_on=date(2026, 6, 3),
                     created_at=datetime(2024, 1, 1), updated_at=datetime(2026, 6, 3, 17))
    session.add(Transition(item_id=item.id, from_status=Status.NOTICE, to_status=Status.CLOSED,
                           at=datetime(2026, 6, 3, 17)))  # the last day of "a week ago" itself
    assert _screen(session).headline.closed == Change(1, 1)


def test_items_entered_after_the_cutoff_are_new(session):
    make_item(session, created_at=datetime(2026, 6, 4, 0, 0, 1))
    make_item(session, created_at=datetime(2026, 6, 3, 23, 59))
    assert _screen(session).headline.items == Change(2, 1)


def test_a_report_this_week_ends_staleness_only_now(session):
    item = make_item(session, status=Status.IN_PROGRESS, assigned_on=date(2025, 1, 1),
                     due_on=date(2027, 1, 1), latest_progress_on=date(2026, 6, 8),
                     created_at=datetime(2025, 1, 1))
    session.add_all([ProgressReport(item_id=item.id, reported_on=date(2026, 6, 8), percent=60, text="x"),
                     ProgressReport(item_id=item.id, reported_on=date(2026, 1, 5), percent=30, text="y")])
    head = _screen(session).headline
    assert head.long_unresolved == Change(0, 1)


def test_a_bounce_this_week_makes_it_long_unresolved_only_now(session):
    item = make_item(session, status=Status.IN_PROGRESS, bounce_count=2, latest_progress_on=TODAY,
                     assigned_on=date(2026, 1, 1), due_on=date(2027, 1, 1), created_at=datetime(2026, 1, 1))
    session.add(Transition(item_id=item.id, from_status=Status.SUBMITTED, to_status=Status.IN_PROGRESS,
                           at=datetime(2026, 6, 5, 11)))
    assert _screen(session).headline.long_unresolved == Change(1, 0)


def test_due_dates_are_judged_on_each_day(session):
    make_item(session, due_on=date(2026, 6, 5), latest_progress_on=TODAY, created_at=datetime(2026, 1, 1))
    make_item(session, due_on=WEEK_AGO, latest_progress_on=TODAY, created_at=datetime(2026, 1, 1))
    make_item(session, due_on=TODAY, latest_progress_on=TODAY, created_at=datetime(2026, 1, 1))
    make_item(session, due_on=None, is_ongoing=True, created_at=datetime(2020, 1, 1))
    assert _screen(session).headline.overdue == Change(2, 0)


def test_an_unchanged_item_is_read_from_its_own_columns(session):
    """Last updated long before the cutoff: no look-up in the history, same answer."""
    make_item(session, status=Status.CLOSED, closed_on=date(2025, 3, 1), assigned_on=date(2025, 1, 1),
              created_at=datetime(2025, 1, 1), updated_at=datetime(2025, 3, 1))
    head = _screen(session).headline
    assert head.closed == Change(1, 1) and head.avg_days_to_close == 59


def test_unit_accounts_may_not_see_citywide_figures(session):
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    with pytest.raises(PermissionDenied, match="责任单位账号无权查看"):
        bigscreen.big_screen(session, actor=unit, today=TODAY)
    for role in (Role.LEADER, Role.COORDINATOR, Role.ADMIN, Role.VIEWER):
        bigscreen.big_screen(session, actor=make_actor(session, role), today=TODAY)


def test_rank_districts_breaks_ties_by_items_then_official_order():
    def d(i, items, closed, overdue):
        return bigscreen.DistrictFigures(i, str(i), f"D{i}", f"D{i}", False, items, closed, overdue, 0)
    districts = [d(1, 10, 5, 3), d(2, 20, 10, 3), d(3, 0, 0, 0), d(4, 4, 4, 0), d(5, 10, 5, 1)]
    ranking = bigscreen.rank_districts(districts, size=2)
    assert [x.district_id for x in ranking.best_completion] == [4, 2]
    assert [x.district_id for x in ranking.worst_completion] == [1, 5]
    assert [x.district_id for x in ranking.most_overdue] == [2, 1]
    assert [x.district_id for x in ranking.least_overdue] == [4, 5]
