"""Units report on a round: several items at once as progress reports linked to the round, and
every refusal — another unit's item, a role that may not report, an item twice or not in the
round, bad text, percent or date, an item changed meanwhile — with nothing kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.access.audit import entries_for
from core.dispatch import reports
from core.dispatch.reports import RoundEntry
from core.dispatch.scope import RoundScope
from core.domain import AuditOutcome, Role, Status
from core.errors import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from core.ledger import items as ledger_items
from db.models import Item, ProgressReport
from tests.core.dispatch.cases import TODAY, WANZHOU_GOV, YUZHONG_GOV, item_of, open_round, unit_actor
from tests.factories import make_actor


@pytest.fixture
def scene(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    wz = [item_of(session, WANZHOU_GOV, code=f"WZ-{n}") for n in (1, 2, 3)]
    yz = item_of(session, YUZHONG_GOV, code="YZ-1")
    outside = item_of(session, WANZHOU_GOV, code="OUT-1")
    rnd = open_round(session, coordinator, scope=RoundScope(item_codes=("WZ-1", "WZ-2", "WZ-3", "YZ-1")))
    wanzhou, yuzhong = unit_actor(session, WANZHOU_GOV), unit_actor(session, YUZHONG_GOV)
    session.commit()
    return coordinator, rnd, wz, yz, outside, wanzhou, yuzhong


def entry(item, text="已完成管网改造，出水稳定达标", percent=80, version=None):
    return RoundEntry(item.id, item.version if version is None else version, percent, text)


def reports_in(session, rnd) -> int:
    return session.scalar(select(func.count()).select_from(ProgressReport)
                          .where(ProgressReport.dispatch_round_id == rnd.id))


def problems(exc) -> dict[str, str]:
    return {p.column: p.message for p in exc.value.problems}


def test_a_unit_reports_on_several_items_in_one_go(session, scene):
    _, rnd, wz, _, _, wanzhou, _ = scene
    saved = reports.report_round(session, actor=wanzhou, round_id=rnd.id,
                                 entries=[entry(wz[0]), entry(wz[1], "已拆除违建，复绿中", 50)],
                                 reported_on=TODAY)
    assert [(r.item_id, r.dispatch_round_id, r.percent, r.unit_id) for r in saved] == [
        (wz[0].id, rnd.id, 80, wanzhou.unit_id), (wz[1].id, rnd.id, 50, wanzhou.unit_id)]
    session.refresh(wz[1])
    assert (wz[1].latest_progress, wz[1].progress_percent, wz[1].status) == (
        "已拆除违建，复绿中", 50, Status.IN_PROGRESS)      # the first report starts the work
    trail = [e for e in entries_for(session, "dispatch_round", rnd.id) if e.action == "dispatch.report"]
    assert trail[0].after["items"] == ["WZ-1", "WZ-2"]
    item_trail = entries_for(session, "item", wz[0].id)
    assert item_trail[-1].action == "item.report_progress"      # each item's own audit row too
    [pending] = reports.rounds_to_report(session, actor=wanzhou)
    assert (pending.items, pending.reported) == (3, 2)


def test_a_coordinator_may_report_for_a_unit(session, scene):
    coordinator, rnd, _, yz, _, _, _ = scene
    reports.report_round(session, actor=coordinator, round_id=rnd.id, entries=[entry(yz)],
                         reported_on=TODAY)
    assert reports_in(session, rnd) == 1


def test_a_unit_may_not_report_another_units_items(session, scene):
    _, rnd, wz, yz, _, wanzhou, _ = scene
    with pytest.raises(PermissionDenied):
        reports.report_round(session, actor=wanzhou, round_id=rnd.id,
                             entries=[entry(wz[0]), entry(yz)], reported_on=TODAY)
    session.rollback()
    assert reports_in(session, rnd) == 0
    [refusal] = [e for e in entries_for(session, "dispatch_round", rnd.id) if e.outcome != "ok"]
    assert refusal.outcome == AuditOutcome.REFUSED_PERMISSION and "YZ-1" in refusal.detail


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER])
def test_readers_may_not_report(session, scene, role):
    _, rnd, wz, _, _, _, _ = scene
    reader = make_actor(session, role)
    session.commit()
    with pytest.raises(PermissionDenied):
        reports.report_round(session, actor=reader, round_id=rnd.id, entries=[entry(wz[0])],
                             reported_on=TODAY)
    assert reports_in(session, rnd) == 0


def test_every_bad_entry_is_named_by_its_item_and_nothing_is_written(session, scene):
    _, rnd, wz, _, outside, wanzhou, _ = scene
    with pytest.raises(ValidationFailed) as exc:
        reports.report_round(session, actor=wanzhou, round_id=rnd.id, reported_on=TODAY, entries=[
            entry(wz[0], text="   "), entry(wz[1], percent=120), entry(outside), entry(wz[2]),
            entry(wz[2])])
    assert problems(exc) == {
        "WZ-1 本季度进展": "必填 / required",
        "WZ-2 完成进度（%）": "须在 0 到 100 之间 / must be between 0 and 100",
        "OUT-1": "不在本轮调度范围内 / is not in this round",
        "WZ-3": "同一任务填报了两次 / reported twice"}
    with pytest.raises(ValidationFailed) as exc:
        reports.report_round(session, actor=wanzhou, round_id=rnd.id, entries=[entry(wz[0])],
                             reported_on=TODAY + timedelta(days=1))
    assert problems(exc) == {"报送日期": "不能晚于今天 / cannot be in the future"}
    with pytest.raises(ValidationFailed) as exc:
        reports.report_round(session, actor=wanzhou, round_id=rnd.id, entries=[], reported_on=TODAY)
    assert problems(exc) == {"报送内容": "必填 / required"}
    with pytest.raises(NotFound):
        reports.report_round(session, actor=wanzhou, round_id=99999, entries=[entry(wz[0])],
                             reported_on=TODAY)
    assert reports_in(session, rnd) == 0


def test_an_item_changed_meanwhile_is_refused_and_the_whole_report_rolls_back(session, scene):
    coordinator, rnd, wz, _, _, wanzhou, _ = scene
    seen = [entry(wz[0]), entry(wz[1])]
    ledger_items.update_item(session, actor=coordinator, item_id=wz[1].id,
                             expected_version=wz[1].version, changes={"measures": "改为截污纳管"})
    session.commit()
    with pytest.raises(StaleEdit) as exc:
        reports.report_round(session, actor=wanzhou, round_id=rnd.id, entries=seen,
                             reported_on=TODAY)
    assert "measures" in exc.value.changes
    session.rollback()
    assert reports_in(session, rnd) == 0
    assert session.scalar(select(Item.progress_percent).where(Item.id == wz[0].id)) == 0
