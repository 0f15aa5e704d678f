"""Opening and changing 季调度 rounds: what a round covers and who reports, several rounds in a
quarter, a set-based opening, and every refusal (permission, stale, closed, bad input)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from core.access.audit import entries_for
from core.dispatch import rounds, snapshot
from core.dispatch.rounds import RoundClosed
from core.dispatch.scope import RoundScope, preview_scope
from core.domain import AuditOutcome, Role, SourceLevel, Status
from core.errors import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from db.engine import engine_for
from db.models import AuditEntry, DispatchItem, Item, QuarterlyDispatch
from tests.core.dispatch.cases import (
    TODAY,
    WANZHOU_ECO,
    WANZHOU_GOV,
    WATER,
    YUZHONG_GOV,
    central,
    item_of,
    open_round,
    units,
)
from tests.factories import district_id, make_actor, make_inspection


def members(session, rnd) -> dict[str, int]:
    """编号 → reporting unit id of the round's items."""
    return dict(session.execute(select(Item.code, DispatchItem.unit_id)
                                .join(Item, Item.id == DispatchItem.item_id)
                                .where(DispatchItem.round_id == rnd.id)).all())


def problems(exc) -> dict[str, str]:
    return {p.column: p.message for p in exc.value.problems}


def test_a_round_covers_the_open_items_each_with_its_holder_else_its_lead(session):
    u = units(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    held = item_of(session, WANZHOU_GOV, code="HELD", holder_unit_id=u[WANZHOU_ECO])
    no_holder = item_of(session, WANZHOU_GOV, code="LEAD", holder_unit_id=None)
    for status, code in ((Status.IN_PROGRESS, "WORK"), (Status.SUBMITTED, "SUB"),
                         (Status.NOTICE, "NOTICE"), (Status.DRAFT, "DRAFT"), (Status.CLOSED, "DONE")):
        item_of(session, YUZHONG_GOV, code=code, status=status)
    rnd = open_round(session, coordinator)
    assert members(session, rnd) == {"HELD": u[WANZHOU_ECO], "LEAD": u[WANZHOU_GOV],
                                     "WORK": u[YUZHONG_GOV], "SUB": u[YUZHONG_GOV],
                                     "NOTICE": u[YUZHONG_GOV]}
    assert (rnd.items, rnd.units, rnd.version, rnd.is_open) == (5, 3, 1, True)
    stored = session.get(QuarterlyDispatch, rnd.id)
    assert (stored.item_count, stored.unit_count, stored.opened_by) == (5, 3, coordinator.id)
    [entry] = entries_for(session, "dispatch_round", rnd.id)
    assert entry.action == "dispatch.open" and entry.after["item_count"] == 5
    assert held.id and no_holder.id


def test_membership_is_frozen_when_the_round_opens(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV, code="FIRST")
    rnd = open_round(session, coordinator)
    item_of(session, WANZHOU_GOV, code="LATER")
    assert set(members(session, rnd)) == {"FIRST"}
    assert rounds.get_round(session, actor=coordinator, round_id=rnd.id).items == 1


def test_the_scope_narrows_by_level_inspection_district_and_number(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    inspection = central(session)
    item_of(session, WANZHOU_GOV, code="C-WZ", inspection=inspection)
    item_of(session, YUZHONG_GOV, code="C-YZ", inspection=inspection)
    item_of(session, WANZHOU_GOV, code="CITY-WZ")
    item_of(session, WATER, code="C-CITYWIDE", inspection=central(session))
    wanzhou = district_id(session, "万州区")
    cases = [
        (RoundScope(levels=(SourceLevel.CENTRAL,)), {"C-WZ", "C-YZ", "C-CITYWIDE"}),
        (RoundScope(inspection_ids=(inspection.id,)), {"C-WZ", "C-YZ"}),
        (RoundScope(district_ids=(wanzhou,)), {"C-WZ", "CITY-WZ"}),
        (RoundScope(district_ids=(None,)), {"C-CITYWIDE"}),
        (RoundScope(levels=(SourceLevel.CENTRAL,), district_ids=(wanzhou, None)),
         {"C-WZ", "C-CITYWIDE"}),
        (RoundScope(item_codes=("CITY-WZ", "C-YZ")), {"CITY-WZ", "C-YZ"}),
        (RoundScope(), {"C-WZ", "C-YZ", "CITY-WZ", "C-CITYWIDE"}),
    ]
    for scope, expected in cases:
        assert preview_scope(session, scope)[0] == len(expected), scope
        rnd = open_round(session, coordinator, scope=scope)
        assert set(members(session, rnd)) == expected, scope
        assert rounds.get_round(session, actor=coordinator, round_id=rnd.id).scope == scope


def test_several_rounds_in_one_quarter(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV)
    first = open_round(session, coordinator, title="第一轮")
    second = open_round(session, coordinator, title="第二轮（补充调度）")
    listed = rounds.list_rounds(session, actor=coordinator, year=TODAY.year)
    assert {r.id for r in listed} == {first.id, second.id}
    assert {(r.year, r.quarter) for r in listed} == {rounds.quarter_of(TODAY)}


def test_opening_is_one_insert_select_whatever_the_number_of_items(database_url, session):
    """The statements sent do not grow with the items covered: no Python loop over items."""
    coordinator = make_actor(session, Role.COORDINATOR)
    inspections = [make_inspection(session), make_inspection(session)]
    for n, inspection in ((3, inspections[0]), (60, inspections[1])):
        for _ in range(n):
            item_of(session, WANZHOU_GOV, inspection=inspection)
    session.commit()
    sent: list[str] = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(engine_for(database_url), "before_cursor_execute", listener)
    try:
        counts = []
        for inspection in inspections:
            before = len(sent)
            rnd = open_round(session, coordinator, scope=RoundScope(inspection_ids=(inspection.id,)))
            session.flush()  # its audit row too, not left for the next call to send
            counts.append((rnd.items, len(sent) - before))
    finally:
        event.remove(engine_for(database_url), "before_cursor_execute", listener)
    assert [items for items, _ in counts] == [3, 60]
    assert counts[0][1] == counts[1][1]
    assert sum("INSERT INTO dispatch_item" in s and "SELECT" in s for s in sent) == 2


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER, Role.UNIT])
def test_only_the_office_opens_rounds_and_refusals_are_audited(session, role):
    item_of(session, WANZHOU_GOV)
    actor = make_actor(session, role, unit_id=units(session)[WANZHOU_GOV])
    session.commit()
    with pytest.raises(PermissionDenied):
        open_round(session, actor)
    assert session.scalar(select(func.count()).select_from(QuarterlyDispatch)) == 0
    refusal = session.scalars(select(AuditEntry).where(AuditEntry.action == "dispatch.open")).one()
    assert refusal.outcome == AuditOutcome.REFUSED_PERMISSION


def test_bad_input_is_named_field_by_field_and_nothing_is_written(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV)
    with pytest.raises(ValidationFailed) as exc:
        rounds.open_round(session, actor=coordinator, year=1999, quarter=5, title="  ",
                          report_by=TODAY - timedelta(days=1),
                          scope=RoundScope(inspection_ids=(99999,), district_ids=(88888,),
                                           item_codes=("NO-SUCH",)))
    found = problems(exc)
    assert set(found) == {"年度", "季度", "标题", "报送截止日期", "覆盖范围·督察", "覆盖范围·区县",
                          "覆盖范围·任务编号"}
    assert "99999" in found["覆盖范围·督察"] and "NO-SUCH" in found["覆盖范围·任务编号"]
    assert "不能早于今天" in found["报送截止日期"]
    assert session.scalar(select(func.count()).select_from(QuarterlyDispatch)) == 0


def test_report_by_must_fall_within_three_months_after_the_quarter(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV)
    with pytest.raises(ValidationFailed) as exc:
        rounds.open_round(session, actor=coordinator, year=2025, quarter=1, title="一季度",
                          report_by=date(2025, 7, 2), today=date(2025, 3, 1))
    assert "2025-07-01" in problems(exc)["报送截止日期"]
    rnd = rounds.open_round(session, actor=coordinator, year=2025, quarter=1, title="一季度",
                            report_by=date(2025, 7, 1), today=date(2025, 3, 1))
    assert rnd.report_by == date(2025, 7, 1)


def test_a_scope_that_covers_no_open_item_is_refused(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV, status=Status.CLOSED, code="DONE")
    with pytest.raises(ValidationFailed) as exc:
        open_round(session, coordinator)
    assert problems(exc) == {"覆盖范围": "所选范围内没有在办任务 / no open item matches"}
    with pytest.raises(ValidationFailed):
        open_round(session, coordinator, scope=RoundScope(item_codes=("DONE",)))
    assert session.scalar(select(func.count()).select_from(DispatchItem)) == 0


def test_changing_a_round_checks_the_version_the_coordinator_saw(session):
    coordinator, colleague = make_actor(session, Role.COORDINATOR), make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV)
    rnd = open_round(session, coordinator)
    later = TODAY + timedelta(days=20)
    changed = rounds.update_round(session, actor=colleague, round_id=rnd.id,
                                  expected_version=rnd.version, title=rnd.title, report_by=later)
    assert (changed.report_by, changed.version) == (later, rnd.version + 1)
    session.commit()  # the refusal is audited in its own transaction: the actor must exist there
    with pytest.raises(StaleEdit) as exc:
        rounds.update_round(session, actor=coordinator, round_id=rnd.id,
                            expected_version=rnd.version, title="改个标题", report_by=rnd.report_by)
    assert exc.value.changes["report_by"] == (rnd.report_by.isoformat(), later.isoformat())
    assert session.get(QuarterlyDispatch, rnd.id).title == rnd.title
    outcomes = [e.outcome for e in entries_for(session, "dispatch_round", rnd.id)]
    assert outcomes == [AuditOutcome.OK, AuditOutcome.OK, AuditOutcome.REFUSED_STALE]


def test_changing_refuses_bad_input_other_roles_and_closed_rounds(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    item_of(session, WANZHOU_GOV)
    rnd = open_round(session, coordinator)
    leader = make_actor(session, Role.LEADER)
    session.commit()
    with pytest.raises(ValidationFailed) as exc:
        rounds.update_round(session, actor=coordinator, round_id=rnd.id, expected_version=rnd.version,
                            title="", report_by="明天")
    assert set(problems(exc)) == {"标题", "报送截止日期"}
    with pytest.raises(PermissionDenied):
        rounds.update_round(session, actor=leader, round_id=rnd.id,
                            expected_version=rnd.version, title="x", report_by=rnd.report_by)
    with pytest.raises(NotFound):
        rounds.update_round(session, actor=coordinator, round_id=99999, expected_version=1,
                            title="x", report_by=rnd.report_by)
    closed = snapshot.close_round(session, actor=coordinator, round_id=rnd.id,
                                  expected_version=rnd.version)
    assert closed.frozen
    session.commit()
    version = session.get(QuarterlyDispatch, rnd.id).version
    with pytest.raises(RoundClosed):
        rounds.update_round(session, actor=coordinator, round_id=rnd.id, expected_version=version,
                            title="x", report_by=rnd.report_by)
    assert session.get(QuarterlyDispatch, rnd.id).title == rnd.title


def test_a_unit_sees_only_the_rounds_that_ask_it_to_report(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    u = units(session)
    item_of(session, WANZHOU_GOV, code="WZ-1")
    item_of(session, WANZHOU_GOV, code="WZ-2")
    yz = item_of(session, YUZHONG_GOV, code="YZ-1")
    both = open_round(session, coordinator)
    yuzhong_only = open_round(session, coordinator, scope=RoundScope(item_codes=(yz.code,)))
    wanzhou = make_actor(session, Role.UNIT, unit_id=u[WANZHOU_GOV])
    listed = rounds.list_rounds(session, actor=wanzhou)
    assert [(r.id, r.items, r.units) for r in listed] == [(both.id, 2, 1)]
    with pytest.raises(PermissionDenied):
        rounds.get_round(session, actor=wanzhou, round_id=yuzhong_only.id)
    leader = make_actor(session, Role.LEADER)
    assert {r.id for r in rounds.list_rounds(session, actor=leader)} == {both.id, yuzhong_only.id}
