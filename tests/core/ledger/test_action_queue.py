from datetime import date, timedelta

import pytest

from core.access.permissions import Actor, item_scope
from core.domain import InterviewStatus, ReferralKind, ReferralStatus, Role, Status, UnitRole
from core.ledger import extensions, items, lifecycle
from core.ledger.action_queue import needs_my_action, unit_scope
from core.ledger.rules import RuleSettings
from db.models import Interview, Item, Referral
from tests.core.ledger.lifecycle_cases import item_in
from tests.factories import district_id, make_actor, make_item, unit_id

TODAY = date(2025, 11, 20)          # quarter starts 2025-10-01
RULES = RuleSettings(due_soon_days=7)


def codes(queue, key):
    return [r.code for r in queue.section(key).rows]


def referral(session, to_unit, **kw):
    values = dict(code=f"YS-{kw.get('status', 'x')}-{to_unit}-{kw.get('feedback_due_on')}",
                  kind=ReferralKind.POLICE, from_unit_id=unit_id(session, "重庆市生态环境局"),
                  to_unit_id=to_unit, cause="涉嫌污染环境罪", sent_on=date(2025, 10, 1),
                  status=ReferralStatus.SENT)
    values.update(kw)
    row = Referral(**values)
    session.add(row)
    session.flush()
    return row


def test_unit_queue(session):
    wanzhou = unit_id(session, "万州区人民政府")
    fuling = dict(lead_unit_id=unit_id(session, "涪陵区人民政府"),
                  district_id=district_id(session, "涪陵区"))
    soon = item_in(session, Status.IN_PROGRESS, code="SOON", due_on=TODAY + timedelta(days=3))
    item_in(session, Status.IN_PROGRESS, code="LATER", due_on=TODAY + timedelta(days=8))
    item_in(session, Status.ASSIGNED, code="TODAY", due_on=TODAY)
    item_in(session, Status.IN_PROGRESS, code="OTHERS", due_on=TODAY + timedelta(days=1), **fuling)
    item_in(session, Status.ASSIGNED, code="LATE", due_on=TODAY - timedelta(days=5))
    item_in(session, Status.SUBMITTED, code="LATE-BUT-SUBMITTED", due_on=TODAY - timedelta(days=5))
    item_in(session, Status.IN_PROGRESS, code="ONGOING-STALE", due_on=None, is_ongoing=True,
            latest_progress_on=date(2025, 9, 30))
    item_in(session, Status.IN_PROGRESS, code="ONGOING-FRESH", due_on=None, is_ongoing=True,
            latest_progress_on=date(2025, 10, 1))
    bounced = item_in(session, Status.SUBMITTED, code="BOUNCED")
    reopened = item_in(session, Status.CLOSED, code="REOPENED")
    answered = item_in(session, Status.SUBMITTED, code="BOUNCED-THEN-REPORTED")
    coordinator = make_actor(session)
    for item in (bounced, answered):
        lifecycle.fail_verification(session, actor=coordinator, item_id=item.id,
                                    expected_version=item.version, reason="不合格")
    lifecycle.reopen_item(session, actor=coordinator, item_id=reopened.id,
                          expected_version=reopened.version, reason="反弹")
    unit = make_actor(session, Role.UNIT, unit_id=wanzhou)
    items.report_progress(session, actor=unit, item_id=answered.id, expected_version=answered.version,
                          reported_on=date(2025, 11, 1), percent=90, text="已补充整改")
    referral(session, wanzhou, code="YS-MINE", feedback_due_on=TODAY + timedelta(days=2))
    referral(session, wanzhou, code="YS-MINE-DONE", status=ReferralStatus.CONCLUDED)
    referral(session, unit_id(session, "万州区公安局"), code="YS-POLICE")
    session.add_all([
        Interview(code="YT-MINE", details="整改不力", interviewee_unit_id=wanzhou,
                  held_on=TODAY - timedelta(days=3), plan_due_on=TODAY + timedelta(days=18)),
        Interview(code="YT-MINE-IN", details="整改不力", interviewee_unit_id=wanzhou,
                  held_on=TODAY - timedelta(days=9), plan_due_on=TODAY + timedelta(days=12),
                  plan_submitted_on=TODAY, status=InterviewStatus.PLAN_SUBMITTED),
        Interview(code="YT-FULING", details="整改不力", interviewee_unit_id=fuling["lead_unit_id"],
                  held_on=TODAY - timedelta(days=3), plan_due_on=TODAY + timedelta(days=18))])
    session.flush()

    queue = needs_my_action(session, actor=unit, today=TODAY, rules=RULES)
    assert [s.key for s in queue.sections] == ["queue.reminded", "queue.due_soon", "queue.overdue",
                                               "queue.returned", "queue.quarterly_review",
                                               "queue.long_unresolved",
                                               "queue.referrals_awaiting", "queue.interview_plans_awaited",
                                               "queue.notices_awaiting"]
    [awaited] = queue.section("interview_plans_awaited").rows
    assert (awaited.entity, awaited.code, awaited.summary, awaited.days) == (
        "interview", "YT-MINE", "万州区政府：整改不力", 18)
    assert codes(queue, "due_soon") == ["TODAY", "SOON"]
    assert codes(queue, "overdue") == ["LATE"]
    assert sorted(codes(queue, "returned")) == ["BOUNCED", "REOPENED"]
    assert codes(queue, "quarterly_review") == ["ONGOING-STALE"]
    assert codes(queue, "referrals_awaiting") == ["YS-MINE"]
    # no report since 2025-08-22 (90 days): stale; LATE is overdue too; ONGOING-STALE reported
    # in September, so only the quarterly review asks for it
    assert codes(queue, "long_unresolved") == ["LATE", "TODAY", "SOON", "LATER", "BOUNCED", "REOPENED"]
    row = queue.section("due_soon").rows[1]
    assert (row.entity, row.item_id, row.days, row.version, row.status) == (
        "item", soon.id, 3, soon.version, "in_progress")
    assert queue.section("overdue").rows[0].days == -5
    assert queue.section("referrals_awaiting").rows[0].days == 2
    assert queue.total == 2 + 1 + 2 + 1 + 6 + 1 + 1


def test_due_soon_follows_the_rule_setting(session):
    item_in(session, Status.IN_PROGRESS, code="IN-10-DAYS", due_on=TODAY + timedelta(days=10))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    assert codes(needs_my_action(session, actor=unit, today=TODAY, rules=RULES), "due_soon") == []
    wide = needs_my_action(session, actor=unit, today=TODAY, rules=RuleSettings(due_soon_days=14))
    assert codes(wide, "due_soon") == ["IN-10-DAYS"]
    # without `rules`, the thresholds come from the setting table (default 7 days)
    assert codes(needs_my_action(session, actor=unit, today=TODAY), "due_soon") == []


def test_coordinator_queue(session):
    wanzhou = unit_id(session, "万州区人民政府")
    item_in(session, Status.SUBMITTED, code="WAITING")
    item_in(session, Status.NOTICE, code="NOTICE-OVER", notice_to=TODAY - timedelta(days=1))
    item_in(session, Status.NOTICE, code="NOTICE-ENDS-TODAY", notice_to=TODAY)
    asked = item_in(session, Status.IN_PROGRESS, code="ASKED")
    unit = make_actor(session, Role.UNIT, unit_id=wanzhou)
    ext = extensions.request_extension(session, actor=unit, item_id=asked.id,
                                       expected_version=asked.version, new_due_on=date(2026, 6, 30),
                                       reason="资金未到位")
    referral(session, wanzhou, code="YS-LATE", feedback_due_on=TODAY - timedelta(days=3))
    referral(session, wanzhou, code="YS-LATE-DONE", feedback_due_on=TODAY - timedelta(days=3),
             status=ReferralStatus.CONCLUDED)
    referral(session, wanzhou, code="YS-NOT-YET", feedback_due_on=TODAY)
    session.add_all([
        Interview(code="YT-LATE", details="整改不力", interviewee_unit_id=wanzhou,
                  held_on=date(2025, 10, 1), plan_due_on=date(2025, 10, 23)),
        Interview(code="YT-PLAN-IN", details="整改不力", interviewee_unit_id=wanzhou,
                  held_on=date(2025, 10, 1), plan_due_on=date(2025, 10, 23),
                  plan_submitted_on=date(2025, 10, 20), status=InterviewStatus.PLAN_SUBMITTED),
        Interview(code="YT-NOT-YET", details="整改不力", interviewee_unit_id=wanzhou,
                  held_on=date(2025, 11, 1), plan_due_on=date(2025, 11, 21)),
    ])
    session.flush()
    for role in (Role.COORDINATOR, Role.ADMIN):
        queue = needs_my_action(session, actor=make_actor(session, role), today=TODAY)
        assert codes(queue, "awaiting_verification") == ["WAITING"]
        assert codes(queue, "ready_to_close") == ["NOTICE-OVER"]
        assert queue.section("ready_to_close").rows[0].due_on == TODAY - timedelta(days=1)
        [pending] = queue.section("pending_extensions").rows
        assert (pending.entity, pending.id, pending.item_id, pending.code, pending.summary,
                pending.version) == ("extension", ext.id, asked.id, "ASKED", "资金未到位", ext.version)
        assert codes(queue, "referrals_overdue") == ["YS-LATE"]
        assert codes(queue, "interview_plans_overdue") == ["YT-LATE"]
        assert queue.total == 5


def test_lists_stop_at_the_limit_but_totals_count_all(session):
    for n in range(5):
        item_in(session, Status.SUBMITTED, code=f"W{n}", due_on=date(2025, 12, n + 1))
    queue = needs_my_action(session, actor=make_actor(session), today=TODAY, limit=2)
    section = queue.section("awaiting_verification")
    assert (section.total, [r.code for r in section.rows]) == (5, ["W0", "W1"])
    with pytest.raises(ValueError):
        needs_my_action(session, actor=make_actor(session), today=TODAY, limit=0)


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER])
def test_readers_have_no_queue(session, role):
    item_in(session, Status.SUBMITTED)
    queue = needs_my_action(session, actor=make_actor(session, role), today=TODAY)
    assert queue.sections == [] and queue.total == 0


def test_the_queues_fast_scope_selects_what_item_scope_selects(session):
    from sqlalchemy import select
    wanzhou, water = unit_id(session, "万州区人民政府"), unit_id(session, "重庆市水利局")
    fuling = district_id(session, "涪陵区")
    make_item(session)                                                 # led by 万州
    make_item(session, district_id=fuling, lead_unit_id=water)          # led by 水利局 in 涪陵
    make_item(session, district_id=fuling, lead_unit_id=unit_id(session, "涪陵区人民政府"),
              holder_unit_id=wanzhou)                                  # held by 万州
    make_item(session, district_id=None, lead_unit_id=unit_id(session, "重庆市生态环境局"),
              units={water: UnitRole.COOPERATING})                     # 水利局 cooperates
    make_item(session, district_id=None, lead_unit_id=unit_id(session, "重庆市生态环境局"))
    actors = [Actor(1, "a", Role.UNIT, unit_id=wanzhou), Actor(2, "b", Role.UNIT, unit_id=water),
              Actor(3, "c", Role.UNIT, district_id=fuling),
              Actor(4, "d", Role.UNIT, unit_id=water, district_id=fuling),
              Actor(5, "e", Role.UNIT)]
    for actor in actors:
        slow = set(session.scalars(select(Item.id).where(item_scope(actor))))
        fast = set(session.scalars(select(Item.id).where(unit_scope(actor))))
        assert fast == slow, actor
    assert [len(set(session.scalars(select(Item.id).where(unit_scope(a))))) for a in actors] == [
        2, 2, 2, 3, 0]
