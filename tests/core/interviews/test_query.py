"""The interviews list (filtered and paged in SQL, within each reader's scope) and one interview's
detail with its timeline."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from core.domain import InterviewCircumstance, InterviewFollowUp, InterviewStatus, PlanState, Role
from core.errors import NotFound, PermissionDenied
from core.interviews import follow_ups, records
from core.interviews.query import InterviewFilter, filter_choices, interview_detail, list_interviews
from tests.core.interviews.cases import TODAY, advance, record
from tests.factories import district_id, make_actor, make_item, unit_id

F = InterviewFilter


@pytest.fixture
def ledger(session):
    """Five interviews: two of 万州区政府 (2025 late, 2026 submitted), 万州区生态环境局 (2026,
    provisional), 涪陵区政府 (2025, with 问责), 市住房城乡建委 (2026, 弄虚作假)."""
    c = make_actor(session, Role.COORDINATOR)
    late = record(session, c, held_on=date(2025, 9, 26))
    done = advance(session, c, record(session, c, held_on=date(2026, 3, 2)), InterviewStatus.RECTIFYING)
    provisional = record(session, c, held_on=date(2026, 12, 1), plan_workdays=25,
                         interviewee_unit_id=unit_id(session, "万州区生态环境局"))
    fuling = record(session, c, held_on=date(2025, 5, 6), details="群众反映强烈",
                    interviewee_unit_id=unit_id(session, "涪陵区人民政府"), circumstance="public_outcry")
    follow_ups.add_follow_up(session, actor=c, interview_id=fuling.id, expected_version=fuling.version,
                             kind="accountability", taken_on=date(2025, 8, 1), note="问责", today=TODAY)
    city = record(session, c, held_on=date(2026, 4, 1), circumstance="falsification",
                  interviewee_unit_id=unit_id(session, "重庆市住房和城乡建设委员会"))
    session.commit()
    return dict(coordinator=c, late=late, done=done, provisional=provisional, fuling=fuling, city=city)


def codes(page) -> list[str]:
    return [r.code for r in page.rows]


def listed(session, actor, **flt) -> list[str]:
    return codes(list_interviews(session, actor=actor, flt=F(**flt), today=TODAY))


def test_newest_first_with_states_counts_and_measures(session, ledger):
    c = ledger["coordinator"]
    page = list_interviews(session, actor=c, flt=F(), today=TODAY)
    assert codes(page) == [ledger[k].code for k in ("provisional", "city", "done", "late", "fuling")]
    rows = {r.code: r for r in page.rows}
    assert rows[ledger["provisional"].code].plan_state == PlanState.PROVISIONAL
    assert rows[ledger["provisional"].code].provisional_years == (2027,)
    assert rows[ledger["late"].code].plan_state == PlanState.LATE
    assert rows[ledger["done"].code].plan_state == PlanState.SUBMITTED
    assert rows[ledger["fuling"].code].follow_ups == (InterviewFollowUp.ACCOUNTABILITY,)
    assert page.by_plan_state == {PlanState.PROVISIONAL: 1, PlanState.LATE: 3, PlanState.SUBMITTED: 1}


def test_each_filter(session, ledger):
    c, code = ledger["coordinator"], {k: v.code for k, v in ledger.items() if k != "coordinator"}
    assert listed(session, c, years=(2025,)) == [code["late"], code["fuling"]]
    assert listed(session, c, years=(2025, 2026)) == listed(session, c)
    assert listed(session, c, circumstances=(InterviewCircumstance.FALSIFICATION,)) == [code["city"]]
    assert listed(session, c, unit_id=unit_id(session, "涪陵区人民政府")) == [code["fuling"]]
    assert listed(session, c, plan_states=(PlanState.PROVISIONAL,)) == [code["provisional"]]
    assert listed(session, c, plan_states=(PlanState.SUBMITTED, PlanState.SUBMITTED_LATE)) == [code["done"]]
    assert listed(session, c, follow_ups=(InterviewFollowUp.ACCOUNTABILITY,)) == [code["fuling"]]
    assert listed(session, c, follow_ups=(InterviewFollowUp.EXPOSURE,)) == []
    assert listed(session, c, statuses=(InterviewStatus.RECTIFYING,)) == [code["done"]]
    assert listed(session, c, search="群众") == [code["fuling"]]
    assert listed(session, c, search=code["city"]) == [code["city"]]


def test_paged_in_sql_with_the_total(session, ledger):
    c = ledger["coordinator"]
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = list_interviews(session, actor=c, flt=F(), today=TODAY, page=2, page_size=2)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert codes(page) == [ledger["done"].code, ledger["late"].code] and (page.total, page.pages) == (5, 3)
    assert any("LIMIT" in s.upper() and "OFFSET" in s.upper() for s in statements)
    assert list_interviews(session, actor=c, flt=F(), today=TODAY, page=4, page_size=2).rows == []
    with pytest.raises(ValueError):
        list_interviews(session, actor=c, flt=F(), today=TODAY, page=0)


def test_a_unit_sees_its_own_and_its_districts_interviews_only(session, ledger):
    code = {k: v.code for k, v in ledger.items() if k != "coordinator"}
    wanzhou = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    assert listed(session, wanzhou) == [code["done"], code["late"]]
    district = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"),
                          district_id=district_id(session, "万州区"))
    assert listed(session, district) == [code["provisional"], code["done"], code["late"]]
    nobody = make_actor(session, Role.UNIT)
    assert listed(session, nobody) == []
    years, units = filter_choices(session, actor=wanzhou)
    assert years == [2026, 2025] and list(units.values()) == ["万州区政府"]
    with pytest.raises(PermissionDenied):
        interview_detail(session, actor=wanzhou, interview_id=ledger["fuling"].id, today=TODAY)
    for role in (Role.LEADER, Role.VIEWER):
        assert len(listed(session, make_actor(session, role))) == 5


def test_the_detail_holds_people_items_measures_files_and_the_timeline(session, ledger):
    c = ledger["coordinator"]
    interview = ledger["fuling"]
    make_item(session, code="ZG-F1", lead_unit_id=unit_id(session, "涪陵区人民政府"))
    records.link_items(session, actor=c, interview_id=interview.id, expected_version=interview.version,
                       values={"item_codes": "ZG-F1"})
    detail = interview_detail(session, actor=c, interview_id=interview.id, today=TODAY)
    assert (detail.code, detail.unit, detail.organiser, detail.status) == (
        interview.code, "涪陵区政府", "市督察办", InterviewStatus.HELD)
    assert [(p.name, p.position) for p in detail.people] == [("张某某", "副区长"),
                                                             ("李某某", "区生态环境局局长")]
    assert [i.code for i in detail.items] == ["ZG-F1"]
    assert [(m.kind, m.note) for m in detail.follow_ups] == [(InterviewFollowUp.ACCOUNTABILITY, "问责")]
    assert [s.kind for s in detail.steps] == ["items_linked", "follow_up", "recorded"]   # newest first
    assert detail.steps[-1].who == c.display_name and detail.steps[-1].to_status == InterviewStatus.HELD
    assert detail.plan_state == PlanState.LATE and detail.moves == ["submit_plan"] and detail.can_record
    viewer = make_actor(session, Role.VIEWER)
    seen = interview_detail(session, actor=viewer, interview_id=interview.id, today=TODAY)
    assert seen.moves == [] and not seen.can_record
    with pytest.raises(NotFound):
        interview_detail(session, actor=c, interview_id=12345, today=TODAY)
