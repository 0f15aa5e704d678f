"""Stationed and special inspections: opened from a selection (or, special, from clues found in a
daily or routine inspection), visits and findings recorded, problems found entering the ledger
linked to the inspection, concluded — the items marked "驻点督察中" while it is under way — and
every refusal audited with nothing written."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.domain import (
    AuditOutcome,
    FollowUpKind,
    InspectionKind,
    InspectionState,
    Role,
    Status,
)
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.ledger.query import LedgerFilter, list_items
from core.supervision.guard import StateRefused
from core.supervision.inspection_views import (
    inspection_detail,
    item_inspections,
    list_inspections,
    under_way_marks,
)
from core.supervision.inspections import (
    conclude_inspection,
    open_inspection,
    record_follow_up,
    record_found_item,
)
from core.supervision.item_view import item_supervision
from db.models import AuditEntry, FollowUpRecord, Inspection, Item, StationedFollowUp
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

TODAY = date.today()
LONG_AGO = TODAY - timedelta(days=400)


@pytest.fixture
def world(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    flagged = [make_item(session, code=f"LU-{n}", status=Status.IN_PROGRESS, assigned_on=LONG_AGO,
                         due_on=TODAY - timedelta(days=30 + n)) for n in range(3)]
    session.commit()
    return coordinator, flagged


def _stationed(session, coordinator, items, **kw):
    values = dict(kind=InspectionKind.STATIONED, name="2026年驻点督察第三组", team="第三督察组",
                  place="万州区", started_on=TODAY - timedelta(days=3), ended_on=TODAY + timedelta(days=27),
                  item_ids=[i.id for i in items])
    values.update(kw)
    inspection = open_inspection(session, actor=coordinator, **values)
    session.commit()
    return inspection


def test_a_stationed_inspection_follows_the_selection_and_marks_its_items(session, world):
    coordinator, flagged = world
    inspection = _stationed(session, coordinator, flagged[:2])
    assert (inspection.kind, inspection.state, inspection.level) == ("stationed", "open", "city")
    follows = session.scalars(select(StationedFollowUp).order_by(StationedFollowUp.item_id)).all()
    assert [(f.item_id, f.reasons, f.added_on) for f in follows] == [
        (flagged[0].id, ["overdue", "stale"], TODAY), (flagged[1].id, ["overdue", "stale"], TODAY)]
    marks = under_way_marks(session, [i.id for i in flagged])
    assert set(marks) == {flagged[0].id, flagged[1].id}
    assert marks[flagged[0].id].name == "2026年驻点督察第三组" and marks[flagged[0].id].kind == "stationed"
    info = item_supervision(session, actor=coordinator, item_id=flagged[0].id, today=TODAY)
    assert [m.inspection_id for m in info.under_way] == [inspection.id]
    [row] = list_inspections(session, actor=coordinator)
    assert (row.name, row.followed, row.records, row.found) == (inspection.name, 2, 0, 0)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "inspection.open"))
    assert entry.after["items"] == [flagged[0].id, flagged[1].id]


def test_follow_ups_found_items_and_conclusion(session, world):
    coordinator, flagged = world
    inspection = _stationed(session, coordinator, flagged[:2])
    record_follow_up(session, actor=coordinator, inspection_id=inspection.id, kind=FollowUpKind.VISIT,
                     recorded_on=TODAY - timedelta(days=1), place="某污水处理厂",
                     text="现场核查：提标改造未开工", item_id=flagged[0].id)
    record_follow_up(session, actor=coordinator, inspection_id=inspection.id, kind=FollowUpKind.FINDING,
                     recorded_on=TODAY, text="区政府统筹不力，资金未落实")
    found = record_found_item(session, actor=coordinator, inspection_id=inspection.id, values=dict(
        item_type="daily", category="water", description="驻点发现：某河段仍有污水直排",
        district_id=district_id(session, "万州区"), lead_unit_id=unit_id(session, "万州区人民政府"),
        deadline="2027年6月底前", stage="short"))
    session.commit()
    assert (found.inspection_id, found.inspection_kind, found.status) == (inspection.id, "stationed", "draft")
    # the new item is in the ledger under its source, the stationed inspection
    ledger = list_items(session, actor=coordinator, flt=LedgerFilter(inspection_id=inspection.id),
                        today=TODAY)
    assert [r.code for r in ledger.rows] == [found.code]
    detail = inspection_detail(session, actor=coordinator, inspection_id=inspection.id)
    assert [(r.kind, r.item_code) for r in detail.records] == [
        ("finding", found.code), ("finding", None), ("visit", "LU-0")]
    assert [i.code for i in detail.found] == [found.code] and detail.row.found == 1
    assert [m.name for m, _ in item_inspections(session, found.id)] == [inspection.name]

    conclude_inspection(session, actor=coordinator, inspection_id=inspection.id,
                        expected_version=inspection.version, ended_on=TODAY,
                        conclusion="督促完成提标改造，2 项问题移交区政府限期整改")
    session.commit()
    session.expire_all()
    done = session.get(Inspection, inspection.id)
    assert (done.state, done.ended_on, done.finding) == ("concluded", TODAY, None)
    assert under_way_marks(session, [flagged[0].id]) == {}          # no longer 驻点督察中
    with pytest.raises(StateRefused):
        record_follow_up(session, actor=coordinator, inspection_id=inspection.id, kind="visit",
                         recorded_on=TODAY, text="结束后再记录")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(FollowUpRecord)) == 3


def test_a_special_inspection_from_a_selection_needs_its_finding_to_conclude(session, world):
    coordinator, flagged = world
    special = open_inspection(session, actor=coordinator, kind=InspectionKind.SPECIAL,
                              name="2026年黑臭水体反弹专项督察", subject="城市黑臭水体整治后反弹问题",
                              started_on=TODAY, item_ids=[flagged[2].id])
    session.commit()
    assert under_way_marks(session, [flagged[2].id])[flagged[2].id].kind == "special"
    with pytest.raises(ValidationFailed) as caught:
        conclude_inspection(session, actor=coordinator, inspection_id=special.id, expected_version=1,
                            ended_on=TODAY, conclusion="已查明")
    assert [p.column for p in caught.value.problems] == ["原因和责任情况"]
    session.rollback()
    conclude_inspection(session, actor=coordinator, inspection_id=special.id, expected_version=1,
                        ended_on=TODAY, conclusion="已查明", finding="区住房城乡建委履职不到位，管网建设滞后")
    session.commit()
    session.expire_all()
    assert session.get(Inspection, special.id).finding == "区住房城乡建委履职不到位，管网建设滞后"


def test_a_special_inspection_from_clues_of_a_daily_inspection(session, world):
    coordinator, _ = world
    daily = make_inspection(session, kind=InspectionKind.DAILY, name="2026年度日常督察")
    routine = make_inspection(session, kind=InspectionKind.ROUTINE, name="某轮例行督察")
    stationed = make_inspection(session, kind=InspectionKind.STATIONED, name="旧驻点")
    session.commit()
    special = open_inspection(session, actor=coordinator, kind=InspectionKind.SPECIAL,
                              name="2026年危险废物专项督察", subject="危险废物非法转移",
                              started_on=TODAY, origin_inspection_id=daily.id,
                              clues="日常督察中发现多起危废转移联单造假")
    session.commit()
    assert (special.origin_inspection_id, special.clues) == (daily.id, "日常督察中发现多起危废转移联单造假")
    detail = inspection_detail(session, actor=coordinator, inspection_id=special.id)
    assert detail.origin == "2026年度日常督察" and detail.followed == []
    for origin in (routine.id,):
        open_inspection(session, actor=coordinator, kind="special", name=f"来自例行{origin}",
                        subject="线索核查", started_on=TODAY, origin_inspection_id=origin, clues="信访线索")
    with pytest.raises(ValidationFailed, match="须为日常督察或例行督察"):
        open_inspection(session, actor=coordinator, kind="special", name="来自驻点", subject="x",
                        started_on=TODAY, origin_inspection_id=stationed.id, clues="线索")
    with pytest.raises(ValidationFailed) as caught:           # neither items nor clues
        open_inspection(session, actor=coordinator, kind="special", name="空", subject="x",
                        started_on=TODAY)
    assert [p.column for p in caught.value.problems] == ["跟进的任务"]


@pytest.mark.parametrize("change, columns", [
    (dict(team=" ", place=""), ["督察组", "地点"]),
    (dict(item_ids=[]), ["跟进的任务"]),
    (dict(name=""), ["督察名称"]),
    (dict(ended_on=TODAY - timedelta(days=10)), ["计划结束日期"]),
    (dict(kind="routine"), ["督察类型"]),
    (dict(item_ids=[999999]), ["跟进的任务"]),
])
def test_bad_openings_name_each_field_and_write_nothing(session, world, change, columns):
    coordinator, flagged = world
    with pytest.raises(ValidationFailed) as caught:
        _stationed(session, coordinator, flagged, **change)
    assert [p.column for p in caught.value.problems] == columns
    session.rollback()
    assert session.scalar(select(func.count()).select_from(StationedFollowUp)) == 0


def test_closed_items_are_not_followed_and_names_are_unique(session, world):
    coordinator, flagged = world
    closed = make_item(session, code="CLOSED", status=Status.CLOSED)
    session.commit()
    with pytest.raises(ValidationFailed) as caught:
        _stationed(session, coordinator, [closed])
    assert [p.column for p in caught.value.problems] == ["CLOSED"]
    session.rollback()
    _stationed(session, coordinator, flagged[:1])
    with pytest.raises(ValidationFailed, match="已被使用"):
        _stationed(session, coordinator, flagged[1:])


def test_refusals_permission_stale_and_foreign_items(session, world):
    coordinator, flagged = world
    inspection = _stationed(session, coordinator, flagged[:1])
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    leader = make_actor(session, Role.LEADER)
    other = make_actor(session, Role.COORDINATOR)
    session.commit()
    for actor in (unit, leader):
        with pytest.raises(PermissionDenied):
            record_follow_up(session, actor=actor, inspection_id=inspection.id, kind="visit",
                             recorded_on=TODAY, text="x")
    with pytest.raises(PermissionDenied):
        inspection_detail(session, actor=unit, inspection_id=inspection.id)
    with pytest.raises(ValidationFailed, match="不在本次督察跟进范围内"):
        record_follow_up(session, actor=coordinator, inspection_id=inspection.id, kind="visit",
                         recorded_on=TODAY, text="x", item_id=flagged[2].id)
    conclude_inspection(session, actor=other, inspection_id=inspection.id, expected_version=1,
                        ended_on=TODAY, conclusion="提前结束")
    session.commit()
    with pytest.raises(StaleEdit):
        conclude_inspection(session, actor=coordinator, inspection_id=inspection.id, expected_version=1,
                            ended_on=TODAY, conclusion="我的结论")
    session.rollback()
    outcomes = session.scalars(select(AuditEntry.outcome).where(AuditEntry.entity == "inspection")
                               .order_by(AuditEntry.id)).all()
    assert outcomes == [AuditOutcome.OK, AuditOutcome.REFUSED_PERMISSION, AuditOutcome.REFUSED_PERMISSION,
                        AuditOutcome.OK, AuditOutcome.REFUSED_STALE]
    assert session.get(Inspection, inspection.id).conclusion == "提前结束"
    assert InspectionState.CONCLUDED == session.get(Inspection, inspection.id).state
    assert session.scalar(select(func.count()).select_from(Item)) == 3
