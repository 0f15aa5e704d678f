"""Closing a round freezes its figures: later changes to the ledger move the live figures, never
the snapshot. Closing is refused when stale, twice, or by anyone but the office."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.access.audit import entries_for
from core.dispatch import rounds, snapshot
from core.dispatch.figures import Counts, live_figures
from core.dispatch.rounds import RoundClosed
from core.domain import AuditOutcome, Role, SourceLevel, Status
from core.errors import PermissionDenied, StaleEdit
from core.ledger.rules import RuleSettings
from db.models import DispatchFigure, QuarterlyDispatch
from tests.core.dispatch.cases import (
    TODAY,
    WANZHOU_GOV,
    WATER,
    YUZHONG_GOV,
    central,
    item_of,
    open_round,
    report,
    unit_actor,
)
from tests.core.ledger.lifecycle_cases import do_move
from tests.factories import make_actor

RULES = RuleSettings()


def lines(group) -> dict:
    return {(line.name or line.key): line.counts for line in group}


@pytest.fixture
def closed(session):
    """A round over five items, closed today: 万州 reported two of three (one of them overdue),
    渝中 reported its one; 水利局's citywide central item is not reported."""
    coordinator = make_actor(session, Role.COORDINATOR)
    overdue = TODAY - timedelta(days=40)
    wz = [item_of(session, WANZHOU_GOV, status=Status.IN_PROGRESS, due_on=overdue),
          item_of(session, WANZHOU_GOV, status=Status.NOTICE, notice_to=TODAY - timedelta(days=3),
                  accepted_on=TODAY - timedelta(days=20), notice_from=TODAY - timedelta(days=10)),
          item_of(session, WANZHOU_GOV)]
    yz = item_of(session, YUZHONG_GOV)
    water = item_of(session, WATER, inspection=central(session))
    rnd = open_round(session, coordinator)
    report(session, unit_actor(session, WANZHOU_GOV), rnd, wz[0], wz[1])
    report(session, unit_actor(session, YUZHONG_GOV), rnd, yz)
    figures = snapshot.close_round(session, actor=coordinator, round_id=rnd.id,
                                   expected_version=rnd.version, rules=RULES)
    session.commit()  # refusals are audited in a transaction of their own: nothing may hold the lock
    return coordinator, rnd, figures, wz, water


def test_the_snapshot_holds_the_figures_at_closing(session, closed):
    coordinator, rnd, figures, _, _ = closed
    assert figures.frozen and figures.total == Counts(items=5, reported=3, late=0, closed=0,
                                                      overdue=1, long_unresolved=1)
    assert lines(figures.by_unit) == {
        "万州区人民政府": Counts(3, 2, 0, 0, 1, 1), "渝中区人民政府": Counts(1, 1, 0, 0, 0, 0),
        "重庆市水利局": Counts(1, 0, 0, 0, 0, 0)}
    assert lines(figures.by_district) == {"万州区": Counts(3, 2, 0, 0, 1, 1),
                                          "渝中区": Counts(1, 1, 0, 0, 0, 0),
                                          "": Counts(1, 0, 0, 0, 0, 0)}          # 全市, last
    assert list(lines(figures.by_district))[-1] == ""
    assert lines(figures.by_level) == {SourceLevel.CITY.value: Counts(4, 3, 0, 0, 1, 1),
                                       SourceLevel.CENTRAL.value: Counts(1, 0, 0, 0, 0, 0)}
    row = session.get(QuarterlyDispatch, rnd.id)
    assert row.closed_at is not None and row.closed_by == coordinator.id
    assert session.scalar(select(func.count()).select_from(DispatchFigure)) == 1 + 3 + 3 + 2
    trail = entries_for(session, "dispatch_round", rnd.id)
    assert [e.action for e in trail] == ["dispatch.open", "dispatch.report", "dispatch.report",
                                         "dispatch.close"]
    assert trail[-1].after["reported"] == 3


def test_later_changes_move_the_live_figures_not_the_snapshot(session, closed):
    coordinator, rnd, frozen, wz, water = closed
    do_move(session, "close", coordinator, wz[1], closed_on=TODAY)            # 公示中 → 已销号
    session.refresh(wz[0])
    wz[0].due_on = TODAY + timedelta(days=90)                                  # no longer overdue
    session.flush()
    water.status = Status.CLOSED
    session.flush()
    later = rounds.get_round(session, actor=coordinator, round_id=rnd.id)
    shown = snapshot.round_figures(session, actor=coordinator, round_id=rnd.id, today=TODAY,
                                   rules=RULES)
    assert shown == snapshot.snapshot_figures(session, rnd=later)
    assert (shown.total, shown.by_unit, shown.by_district) == (frozen.total, frozen.by_unit,
                                                               frozen.by_district)
    live = live_figures(session, actor=coordinator, rnd=later, today=TODAY, rules=RULES)
    assert not live.frozen
    assert live.total == Counts(items=5, reported=3, late=0, closed=2, overdue=0, long_unresolved=0)
    assert lines(live.by_unit)["万州区人民政府"] == Counts(3, 2, 0, 1, 0, 0)


def test_a_closed_round_takes_no_reports_and_cannot_be_closed_again(session, closed):
    coordinator, rnd, _, wz, _ = closed
    version = session.get(QuarterlyDispatch, rnd.id).version
    wanzhou = unit_actor(session, WANZHOU_GOV)
    session.commit()
    with pytest.raises(RoundClosed):
        snapshot.close_round(session, actor=coordinator, round_id=rnd.id, expected_version=version)
    with pytest.raises(RoundClosed):
        report(session, wanzhou, rnd, wz[2])
    assert session.scalar(select(func.count()).select_from(DispatchFigure)) == 9
    refusals = [e.outcome for e in entries_for(session, "dispatch_round", rnd.id)][4:]
    assert refusals == [AuditOutcome.REFUSED_INVALID, AuditOutcome.REFUSED_INVALID]


def test_closing_refuses_a_stale_version_and_other_roles(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV)
    rnd = open_round(session, coordinator)
    rounds.update_round(session, actor=coordinator, round_id=rnd.id, expected_version=rnd.version,
                        title="改期后的调度", report_by=TODAY + timedelta(days=30))
    session.commit()
    with pytest.raises(StaleEdit) as exc:
        snapshot.close_round(session, actor=coordinator, round_id=rnd.id, expected_version=rnd.version)
    assert set(exc.value.changes) == {"title", "report_by"}
    others = [make_actor(session, role) for role in (Role.LEADER, Role.VIEWER, Role.UNIT)]
    session.commit()
    for actor in others:
        with pytest.raises(PermissionDenied):
            snapshot.close_round(session, actor=actor, round_id=rnd.id,
                                 expected_version=rnd.version + 1)
    row = session.get(QuarterlyDispatch, rnd.id)
    assert row.closed_at is None
    assert session.scalar(select(func.count()).select_from(DispatchFigure)) == 0
    outcomes = [e.outcome for e in entries_for(session, "dispatch_round", rnd.id)]
    assert outcomes[2:] == [AuditOutcome.REFUSED_STALE] + [AuditOutcome.REFUSED_PERMISSION] * 3


def test_a_unit_reads_only_its_own_line_of_a_snapshot(session, closed):
    _, rnd, _, _, _ = closed
    own = snapshot.round_figures(session, actor=unit_actor(session, YUZHONG_GOV), round_id=rnd.id,
                                 today=date.today())
    assert [line.name for line in own.by_unit] == ["渝中区人民政府"]
    assert own.total == Counts(1, 1, 0, 0, 0, 0) and own.by_district == ()
