"""A round's reported / not yet / late per unit: on time, late, partly reported, not reported
before and after the date; rounds of one quarter kept apart; each unit's items and their state."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from core.dispatch import reports, rounds, snapshot
from core.dispatch.figures import UnitState, unit_status
from core.domain import Role
from core.errors import PermissionDenied
from tests.core.dispatch.cases import (
    TODAY,
    WANZHOU_ECO,
    WANZHOU_GOV,
    WATER,
    YUZHONG_GOV,
    backdate,
    item_of,
    open_round,
    report,
    unit_actor,
)
from tests.factories import make_actor

OPENED = TODAY - timedelta(days=30)
REPORT_BY = TODAY - timedelta(days=5)
BEFORE = datetime.combine(REPORT_BY, time(17, 0))             # on the report-by day: on time
AFTER = datetime.combine(REPORT_BY + timedelta(days=1), time(9, 0))


def by_name(rows):
    return {r.name: (r.items, r.reported, r.not_yet, r.late, r.state) for r in rows}


@pytest.fixture
def scene(session):
    """Four units, a round opened 30 days ago that had to be reported five days ago:
    万州区政府 reported both items on time; 万州区生态环境局 reported its one item a day late;
    渝中区政府 reported one of two on time and not the other; 市水利局 reported nothing."""
    coordinator = make_actor(session, Role.COORDINATOR)
    items = {name: [item_of(session, name) for _ in range(n)]
             for name, n in ((WANZHOU_GOV, 2), (WANZHOU_ECO, 1), (YUZHONG_GOV, 2), (WATER, 1))}
    rnd = open_round(session, coordinator, report_by=REPORT_BY, today=OPENED)
    actors = {name: unit_actor(session, name) for name in items}
    report(session, actors[WANZHOU_GOV], rnd, *items[WANZHOU_GOV])
    report(session, actors[WANZHOU_ECO], rnd, *items[WANZHOU_ECO])
    report(session, actors[YUZHONG_GOV], rnd, items[YUZHONG_GOV][0])
    for item in items[WANZHOU_GOV] + items[YUZHONG_GOV][:1]:
        backdate(session, rnd, item, BEFORE)
    backdate(session, rnd, items[WANZHOU_ECO][0], AFTER)
    return coordinator, rnd, items, actors


def status(session, actor, rnd, today):
    return unit_status(session, actor=actor, rnd=rounds.get_round(session, actor=actor,
                                                                    round_id=rnd.id), today=today)


def test_after_the_date_units_are_reported_late_or_still_late(session, scene):
    coordinator, rnd, _, _ = scene
    rows = status(session, coordinator, rnd, TODAY)
    assert by_name(rows) == {
        "万州区人民政府": (2, 2, 0, 0, UnitState.REPORTED),
        "万州区生态环境局": (1, 1, 0, 1, UnitState.LATE),     # reported after the date
        "渝中区人民政府": (2, 1, 1, 1, UnitState.LATE),       # one of two, the date has passed
        "重庆市水利局": (1, 0, 1, 1, UnitState.LATE),
    }
    # late first, most outstanding first, then by items
    assert [r.name for r in rows] == ["渝中区人民政府", "重庆市水利局", "万州区生态环境局", "万州区人民政府"]


def test_before_the_date_missing_reports_are_not_yet_late(session, scene):
    coordinator, rnd, _, _ = scene
    rows = status(session, coordinator, rnd, REPORT_BY)          # on the report-by day itself
    assert by_name(rows) == {
        "万州区人民政府": (2, 2, 0, 0, UnitState.REPORTED),
        "万州区生态环境局": (1, 1, 0, 1, UnitState.LATE),     # its report came after the date
        "渝中区人民政府": (2, 1, 1, 0, UnitState.NOT_YET),     # some reported, some not
        "重庆市水利局": (1, 0, 1, 0, UnitState.NOT_YET),
    }


def test_a_unit_reading_the_round_sees_its_own_line_and_items(session, scene):
    _, rnd, items, actors = scene
    own = status(session, actors[YUZHONG_GOV], rnd, TODAY)
    assert by_name(own) == {"渝中区人民政府": (2, 1, 1, 1, UnitState.LATE)}
    total, rows = reports.unit_items(session, actor=actors[YUZHONG_GOV], round_id=rnd.id, today=TODAY)
    assert total == 2
    assert [(r.code, r.reported_at is not None, r.late) for r in rows] == [
        (items[YUZHONG_GOV][1].code, False, True), (items[YUZHONG_GOV][0].code, True, False)]
    total, rows = reports.unit_items(session, actor=actors[YUZHONG_GOV], round_id=rnd.id,
                                     today=TODAY, outstanding_only=True)
    assert (total, [r.item_id for r in rows]) == (1, [items[YUZHONG_GOV][1].id])


def test_reports_count_only_in_the_round_they_answer(session, scene):
    """Two rounds in one quarter: a report in one does not count in the other."""
    coordinator, first, items, actors = scene
    second = open_round(session, coordinator, title="第二轮", report_by=TODAY + timedelta(days=3),
                        period=(first.year, first.quarter))
    report(session, actors[WATER], second, *items[WATER])
    first_rows = by_name(status(session, coordinator, first, TODAY))
    second_rows = by_name(status(session, coordinator, second, TODAY))
    assert first_rows["重庆市水利局"] == (1, 0, 1, 1, UnitState.LATE)
    assert second_rows["重庆市水利局"] == (1, 1, 0, 0, UnitState.REPORTED)
    assert second_rows["万州区人民政府"] == (2, 0, 2, 0, UnitState.NOT_YET)


def test_the_office_queue_and_the_units_queue(session, scene):
    coordinator, rnd, items, actors = scene
    [mine] = reports.rounds_to_report(session, actor=actors[YUZHONG_GOV])
    assert (mine.round_id, mine.items, mine.reported, mine.outstanding) == (rnd.id, 2, 1, 1)
    assert mine.days_left(TODAY) == -5
    assert reports.rounds_to_report(session, actor=actors[WANZHOU_GOV])[0].outstanding == 0
    [office] = reports.rounds_to_report(session, actor=coordinator)
    assert (office.items, office.reported) == (6, 4)
    snapshot.close_round(session, actor=coordinator, round_id=rnd.id,
                         expected_version=rounds.get_round(session, actor=coordinator,
                                                           round_id=rnd.id).version)
    assert reports.rounds_to_report(session, actor=actors[YUZHONG_GOV]) == []


def test_closed_rounds_show_the_frozen_unit_states(session, scene):
    coordinator, rnd, _, actors = scene
    snapshot.close_round(session, actor=coordinator, round_id=rnd.id, expected_version=rnd.version,
                         today=REPORT_BY)
    _, rows = snapshot.unit_statuses(session, actor=coordinator, round_id=rnd.id, today=TODAY)
    # frozen on the report-by day: 渝中 and 水利局 were "not yet" then, and stay so
    assert by_name(rows)["渝中区人民政府"][4] is UnitState.NOT_YET
    assert all(r.last_report_at is None for r in rows)
    _, own = snapshot.unit_statuses(session, actor=actors[WATER], round_id=rnd.id, today=TODAY)
    assert [r.name for r in own] == ["重庆市水利局"]


def test_a_unit_not_asked_cannot_read_the_round(session, scene):
    _, rnd, _, _ = scene
    stranger = unit_actor(session, "渝中区生态环境局")
    with pytest.raises(PermissionDenied):
        snapshot.unit_statuses(session, actor=stranger, round_id=rnd.id, today=TODAY)
    with pytest.raises(PermissionDenied):
        reports.unit_items(session, actor=stranger, round_id=rnd.id, today=TODAY)
