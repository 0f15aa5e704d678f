"""The year's figures equal an independent count, in plain Python over the raw rows, of a
generated ledger: items with histories (assigned, closed, reopened, bounced), progress reports,
and rounds in the year (one closed, one open) and in another year."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from core.dispatch import year as year_mod
from core.dispatch.scope import RoundScope
from core.dispatch.snapshot import close_round
from core.domain import Role, SourceLevel, Status
from core.errors import PermissionDenied
from core.ledger.rules import RuleSettings
from db.models import DispatchItem, Item, ProgressReport, QuarterlyDispatch, Transition
from tests.core.dispatch.cases import open_round
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

TODAY = date.today()
RULES = RuleSettings(stale_after_days=60, old_after_days=400, bounce_threshold=2,
                     extension_threshold=2)
START = date(TODAY.year - 2, 1, 1)
S = Status
NEVER_OVERDUE = (S.DRAFT, S.SUBMITTED, S.NOTICE, S.CLOSED)
ACTIVE = (S.ASSIGNED, S.IN_PROGRESS, S.SUBMITTED, S.NOTICE)
# A walk through the lifecycle: (next state, chance to go on) from each state.
NEXT = {S.DRAFT: S.ASSIGNED, S.ASSIGNED: S.IN_PROGRESS, S.IN_PROGRESS: S.SUBMITTED,
        S.SUBMITTED: S.NOTICE, S.NOTICE: S.CLOSED, S.CLOSED: S.IN_PROGRESS}


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(8, 18), rng.randrange(60)))


def _history(rng: random.Random) -> tuple[date, list[tuple[S | None, S, datetime]]]:
    """(created day, moves) of one item, oldest first, none after today."""
    day = START + timedelta(days=rng.randrange((TODAY - START).days))
    moves = [(None, S.DRAFT, _at(day, rng))]
    state = S.DRAFT
    while rng.random() < 0.8:
        day += timedelta(days=rng.randrange(1, 120))
        if day > TODAY:
            break
        target = NEXT[state]
        if state == S.SUBMITTED and rng.random() < 0.35:
            target = S.IN_PROGRESS                                     # 验收不通过
        moves.append((state, target, _at(day, rng)))
        state = target
    return moves[0][2].date(), moves


def _make(session, rng, n: int, inspections, districts, lead) -> None:
    for _ in range(n):
        created, moves = _history(rng)
        status = moves[-1][1]
        assigned = next((m[2].date() for m in moves if m[1] == S.ASSIGNED), None)
        reports = sorted(assigned + timedelta(days=rng.randrange(1, 400)) for _ in range(rng.randrange(4))
                         ) if assigned else []
        reports = [d for d in reports if d <= TODAY]
        last_move = moves[-1][2]
        item = make_item(
            session, inspection=rng.choice(inspections), district_id=rng.choice(districts),
            lead_unit_id=lead, holder_unit_id=lead, status=status, assigned_on=assigned,
            created_at=moves[0][2], due_on=(assigned or created) + timedelta(days=rng.randrange(30, 500)),
            is_ongoing=rng.random() < 0.1, latest_progress_on=reports[-1] if reports else None,
            extension_count=rng.choice((0, 0, 1, 2)),
            bounce_count=sum(1 for f, t, _ in moves if f == S.SUBMITTED and t == S.IN_PROGRESS),
            reopen_count=sum(1 for f, t, _ in moves if f == S.CLOSED and t == S.IN_PROGRESS),
            closed_on=moves[-1][2].date() if status == S.CLOSED else None)
        for from_, to, at in moves:
            session.add(Transition(item_id=item.id, from_status=from_, to_status=to, at=at))
        entered = [_at(day, rng) for day in reports]
        for day, at in zip(reports, entered, strict=True):
            session.add(ProgressReport(item_id=item.id, reported_on=day, percent=50, text="进展",
                                       created_at=at))
        stamp = max([last_move, *entered])      # updated_at: the last change (core.ledger.as_of)
        session.flush()
        session.execute(Item.__table__.update().where(Item.__table__.c.id == item.id)
                        .values(updated_at=stamp))


@pytest.fixture
def ledger(session):
    rng = random.Random(20261126)
    inspections = [make_inspection(session, level=level) for level in SourceLevel]
    districts = [district_id(session, n) for n in ("万州区", "渝中区", "涪陵区")] + [None]
    _make(session, rng, 120, inspections, districts, unit_id(session, "万州区人民政府"))
    coordinator = make_actor(session, Role.COORDINATOR)
    rounds = _rounds(session, coordinator, rng)
    session.commit()
    return coordinator, rounds


def _rounds(session, coordinator, rng) -> list:
    """Two rounds this year (the first closed on its report-by day + 3), one last year."""
    this_q1 = open_round(session, coordinator, period=(TODAY.year, 1), today=date(TODAY.year, 1, 5),
                         report_by=date(TODAY.year, 3, 20), title="一季度")
    last_year = open_round(session, coordinator, period=(TODAY.year - 1, 4),
                           today=date(TODAY.year - 1, 11, 1), report_by=date(TODAY.year - 1, 12, 20),
                           scope=RoundScope(levels=(SourceLevel.CENTRAL,)), title="去年四季度")
    this_open = open_round(session, coordinator, report_by=TODAY, title="本季度",
                           scope=RoundScope(levels=(SourceLevel.CITY, SourceLevel.MINISTRY)))
    for rnd, deadline in ((this_q1, date(TODAY.year, 3, 20)), (last_year, date(TODAY.year - 1, 12, 20)),
                          (this_open, TODAY)):
        members = session.scalars(select(DispatchItem.item_id).where(DispatchItem.round_id == rnd.id))
        for item_id in members:
            if rng.random() < 0.6:
                day = deadline + timedelta(days=rng.choice((-5, -1, 0, 1, 4)))
                session.add(ProgressReport(item_id=item_id, reported_on=min(day, TODAY), percent=70,
                                           text="季调度报送", created_at=_at(day, rng),
                                           dispatch_round_id=rnd.id))
    session.flush()
    close_round(session, actor=coordinator, round_id=this_q1.id, expected_version=this_q1.version,
                today=date(TODAY.year, 3, 23), rules=RULES)
    return [this_q1, last_year, this_open]


# ------------------------------------------------------------------ the independent count

def _raw(session):
    items = {i.id: i for i in session.scalars(select(Item))}
    moves = defaultdict(list)
    for m in session.scalars(select(Transition).order_by(Transition.at, Transition.id)):
        moves[m.item_id].append(m)
    reports = defaultdict(list)
    for r in session.scalars(select(ProgressReport)):
        reports[r.item_id].append(r)
    return items, moves, reports


def _state_then(item, moves, end: date) -> S:
    cut = datetime.combine(end + timedelta(days=1), time.min)
    later = [m for m in moves if m.at >= cut]
    return S(later[0].from_status) if later else S(item.status)


def _flags(item, moves, reports, end: date) -> tuple[bool, bool]:
    """(overdue, long-unresolved) of one item at the end of `end`, the rules re-stated."""
    cut = datetime.combine(end + timedelta(days=1), time.min)
    state = _state_then(item, moves, end)
    overdue = (item.due_on is not None and item.due_on < end and not item.is_ongoing
               and state not in NEVER_OVERDUE)
    last = item.latest_progress_on
    if last is not None and last > end:
        last = max((r.reported_on for r in reports if r.reported_on <= end), default=None)
    bounces = item.bounce_count - sum(1 for m in moves if m.at >= cut and m.from_status == S.SUBMITTED
                                      and m.to_status == S.IN_PROGRESS)
    active = state in ACTIVE and not item.is_ongoing     # 长期坚持 items: only "stale" applies
    stale = state in (S.ASSIGNED, S.IN_PROGRESS) and (last or item.assigned_on) is not None and \
        (last or item.assigned_on) < end - timedelta(days=RULES.stale_after_days)
    old = active and item.assigned_on is not None and \
        item.assigned_on < end - timedelta(days=RULES.old_after_days)
    long_ = overdue or stale or old or (active and bounces >= RULES.bounce_threshold) or \
        (active and item.extension_count >= RULES.extension_threshold)
    return overdue, long_


def _round_counts(session, year: int, today: date) -> dict:
    """(district key, level) → [dispatched, reported, late] over the year's rounds."""
    out = defaultdict(lambda: [0, 0, 0])
    for rnd in session.scalars(select(QuarterlyDispatch).where(QuarterlyDispatch.year == year)):
        on = rnd.closed_at and date(year, 3, 23) or today          # the closed one froze on 03-23
        cut = datetime.combine(rnd.report_by + timedelta(days=1), time.min)
        for member in session.scalars(select(DispatchItem).where(DispatchItem.round_id == rnd.id)):
            item = session.get(Item, member.item_id)
            firsts = [r.created_at for r in session.scalars(select(ProgressReport).where(
                ProgressReport.dispatch_round_id == rnd.id, ProgressReport.item_id == item.id))]
            first = min(firsts, default=None)
            late = (first is not None and first >= cut) or (first is None and on > rnd.report_by)
            key = ("" if item.district_id is None else str(item.district_id), str(item.source_level))
            out[key][0] += 1
            out[key][1] += first is not None
            out[key][2] += late
    return out


def expected(session, year: int, today: date) -> dict:
    """(district key, level) → the eight figures, counted in Python."""
    end = min(date(year, 12, 31), today)
    lo, hi = datetime(year, 1, 1), datetime.combine(end + timedelta(days=1), time.min)
    items, moves, reports = _raw(session)
    out = defaultdict(lambda: [0] * 8)
    for item in items.values():
        key = ("" if item.district_id is None else str(item.district_id), str(item.source_level))
        mine = moves[item.id]
        row = out[key]
        row[0] += item.assigned_on is not None and date(year, 1, 1) <= item.assigned_on <= end
        row[1] += any(m.to_status == S.CLOSED and lo <= m.at < hi for m in mine)
        row[2] += any(m.from_status == S.CLOSED and m.to_status == S.IN_PROGRESS and lo <= m.at < hi
                      for m in mine)
        if item.created_at < hi:
            overdue, long_ = _flags(item, mine, reports[item.id], end)
            row[3] += overdue
            row[4] += long_
    for key, (dispatched, reported, late) in _round_counts(session, year, today).items():
        out[key][5:] = [out[key][5] + dispatched, out[key][6] + reported, out[key][7] + late]
    return out


def _sum_by(counts: dict, position: int) -> dict:
    out = defaultdict(lambda: [0] * 8)
    for key, row in counts.items():
        out[key[position]] = [a + b for a, b in zip(out[key[position]], row, strict=True)]
    return {k: v for k, v in out.items() if any(v)}


FIELDS = ("new", "closed", "reopened", "overdue", "long_unresolved", "dispatched", "reported", "late")


def as_lists(lines) -> dict:
    return {line.key: [getattr(line.counts, f) for f in FIELDS] for line in lines
            if any(getattr(line.counts, f) for f in FIELDS)}


@pytest.mark.parametrize("years_back", [0, 1, 2])
def test_year_figures_equal_an_independent_count(session, ledger, years_back):
    coordinator, _ = ledger
    year = TODAY.year - years_back
    figures = year_mod.year_figures(session, actor=coordinator, year=year, today=TODAY, rules=RULES)
    counts = expected(session, year, TODAY)
    assert as_lists(figures.by_district) == _sum_by(counts, 0)
    assert as_lists(figures.by_level) == _sum_by(counts, 1)
    total = [sum(row[i] for row in counts.values()) for i in range(8)]
    assert [getattr(figures.total, f) for f in FIELDS] == total
    assert figures.as_of == min(date(year, 12, 31), TODAY)
    assert len(figures.by_district) >= 41
    if years_back == 0:
        assert [r.title for r in figures.rounds] == ["一季度", "本季度"]
        assert [r.closed for r in figures.rounds] == [True, False]
        assert total[1] and total[5] and total[7]          # the ledger has closures, rounds, lateness


def test_the_generated_ledger_has_what_the_figures_count(session, ledger):
    """Guard against a vacuous comparison: rebounds, bounces and overdue items exist."""
    items, moves, _ = _raw(session)
    assert any(i.reopen_count for i in items.values())
    assert any(i.bounce_count >= 2 for i in items.values())
    assert sum(1 for i in items.values() if i.status == S.CLOSED) > 5


def test_a_unit_account_may_not_read_the_citywide_year(session, ledger):
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    with pytest.raises(PermissionDenied):
        year_mod.year_figures(session, actor=unit, year=TODAY.year, today=TODAY)


def test_a_future_year_is_empty(session, ledger):
    coordinator, _ = ledger
    figures = year_mod.year_figures(session, actor=coordinator, year=TODAY.year + 1, today=TODAY,
                                    rules=RULES)
    assert figures.total == year_mod.YearCounts() and figures.rounds == ()
