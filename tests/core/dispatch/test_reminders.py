"""The reminder list of an open round: the units with items still to report, late ones first,
whom to call; as an Excel workbook with the outstanding items. Only the office exports it."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.dispatch import reminders, snapshot
from core.dispatch.figures import UnitState
from core.dispatch.rounds import RoundClosed
from core.domain import Role
from core.errors import PermissionDenied
from db.models import Unit
from tests.core.dispatch.cases import (
    TODAY,
    WANZHOU_ECO,
    WANZHOU_GOV,
    YUZHONG_GOV,
    item_of,
    open_round,
    report,
    unit_actor,
)
from tests.factories import make_actor, unit_id


@pytest.fixture
def scene(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    wz = [item_of(session, WANZHOU_GOV, code=f"WZ-{n}", responsible_person="张三",
                  contact_phone="023-61234567", description=f"=万州问题{n}") for n in (1, 2)]
    yz = item_of(session, YUZHONG_GOV, code="YZ-1", responsible_person="李四",
                 contact_phone="023-63000000")
    eco = item_of(session, WANZHOU_ECO, code="ECO-1")
    session.get(Unit, unit_id(session, YUZHONG_GOV)).contact = "渝中区督察办 023-63999999"
    rnd = open_round(session, coordinator, report_by=TODAY, today=TODAY - timedelta(days=20))
    wanzhou = unit_actor(session, WANZHOU_GOV)
    report(session, unit_actor(session, WANZHOU_ECO), rnd, eco)
    report(session, wanzhou, rnd, wz[0])
    session.commit()
    return coordinator, rnd, wz, yz, wanzhou


def test_units_behind_with_counts_and_contacts(session, scene):
    coordinator, rnd, _, _, wanzhou = scene
    rows = reminders.reminders(session, actor=coordinator, round_id=rnd.id,
                               today=TODAY + timedelta(days=1))
    assert [(r.unit, r.items, r.outstanding, r.late, r.state) for r in rows] == [
        ("万州区人民政府", 2, 1, 1, UnitState.LATE), ("渝中区人民政府", 1, 1, 1, UnitState.LATE)]
    wz_row, yz_row = rows
    assert (wz_row.unit_contact, wz_row.item_contact) == (None, "张三 023-61234567")
    assert wz_row.accounts == f"{wanzhou.display_name}({wanzhou.username})"
    assert (yz_row.unit_contact, yz_row.item_contact) == ("渝中区督察办 023-63999999", "李四 023-63000000")


def test_the_workbook_lists_units_then_their_outstanding_items(session, scene):
    coordinator, rnd, wz, yz, _ = scene
    data = reminders.reminder_workbook(session, actor=coordinator, round_id=rnd.id, today=TODAY)
    book = load_workbook(BytesIO(data))
    units, items = book["催报单位"], book["未报送任务"]
    rows = [[c.value for c in row] for row in units.iter_rows()]
    assert "报送截止 " + TODAY.isoformat() in rows[0][0]
    assert rows[1] == ["序号", "责任单位", "应报任务", "未报送任务", "逾期任务", "报送情况", "单位联系方式",
                       "任务联系人及电话", "填报账号"]
    assert [r[1:6] for r in rows[2:]] == [["万州区人民政府", 2, 1, 0, "未报送"],
                                          ["渝中区人民政府", 1, 1, 0, "未报送"]]
    listed = [[c.value for c in row] for row in items.iter_rows(min_row=2)]
    assert [(r[0], r[1]) for r in listed] == [("万州区人民政府", wz[1].code), ("渝中区人民政府", yz.code)]
    assert listed[0][2] == "=万州问题2"                  # text, not a formula
    assert items.cell(2, 3).data_type == "s"
    english = load_workbook(BytesIO(reminders.reminder_workbook(
        session, actor=coordinator, round_id=rnd.id, today=TODAY, lang="en")))
    assert english.sheetnames == ["Units", "Items not reported"]


@pytest.mark.parametrize("role", [Role.UNIT, Role.VIEWER])
def test_only_the_office_and_leaders_export_it(session, scene, role):
    _, rnd, _, _, _ = scene
    with pytest.raises(PermissionDenied):
        reminders.reminders(session, actor=make_actor(session, role, unit_id=unit_id(
            session, WANZHOU_GOV)), round_id=rnd.id, today=TODAY)
    leader = make_actor(session, Role.LEADER)
    assert len(reminders.reminders(session, actor=leader, round_id=rnd.id, today=TODAY)) == 2


def test_a_closed_round_has_no_reminder_list(session, scene):
    coordinator, rnd, _, _, _ = scene
    snapshot.close_round(session, actor=coordinator, round_id=rnd.id, expected_version=rnd.version)
    with pytest.raises(RoundClosed):
        reminders.reminders(session, actor=coordinator, round_id=rnd.id, today=TODAY)
