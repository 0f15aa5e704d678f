"""Reading referrals: the list's filters and paging, each actor's scope, the flow's counts, and one
referral's detail (items it may open, steps, moves open now)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.access.permissions import SYSTEM
from core.domain import ReferralKind, ReferralStatus, Role
from core.errors import NotFound, PermissionDenied
from core.referrals.query import (
    ReferralFilter,
    item_choices,
    list_referrals,
    open_referral_file,
    referral_detail,
    referral_flow,
)
from tests.core.referrals.referral_cases import (
    CITY_PROCURATORATE,
    SENDER,
    SENT_ON,
    TODAY,
    district_procuratorate,
    do_move,
    referral_in,
    unit_user,
)
from tests.factories import make_actor, unit_id

S = ReferralStatus
DISCIPLINE = "中共重庆市纪律检查委员会 重庆市监察委员会"


@pytest.fixture
def mixed(session):
    """One referral in each state to 万州区公安局, and one sent to 市纪委监委 by 市督察办."""
    by_status = {status: referral_in(session, status) for status in S}
    other = referral_in(session, S.SENT, kind="discipline", to_unit_id=unit_id(session, DISCIPLINE),
                        from_unit_id=unit_id(session, "重庆市生态环境保护督察工作领导小组办公室"))
    session.flush()
    return by_status, other


def codes(page):
    return [r.code for r in page.rows]


def test_filters_narrow_the_list(session, mixed):
    by_status, other = mixed
    everything = list_referrals(session, actor=SYSTEM, flt=ReferralFilter(), today=TODAY)
    assert everything.total == 10
    assert everything.rows[0].status == S.PENDING          # not sent yet: on top
    discipline = list_referrals(session, actor=SYSTEM, today=TODAY,
                                flt=ReferralFilter(kinds=(ReferralKind.DISCIPLINE,)))
    assert codes(discipline) == [other.code]
    assert list_referrals(session, actor=SYSTEM, today=TODAY, flt=ReferralFilter(
        to_unit_id=unit_id(session, DISCIPLINE))).total == 1
    assert list_referrals(session, actor=SYSTEM, today=TODAY, flt=ReferralFilter(
        from_unit_id=unit_id(session, SENDER))).total == 9
    filed = list_referrals(session, actor=SYSTEM, today=TODAY,
                           flt=ReferralFilter(statuses=(S.FILED, S.NOT_FILED)))
    assert sorted(codes(filed)) == sorted([by_status[S.FILED].code, by_status[S.NOT_FILED].code])
    sent_year = list_referrals(session, actor=SYSTEM, today=TODAY, flt=ReferralFilter(year=SENT_ON.year))
    long_ago = list_referrals(session, actor=SYSTEM, today=TODAY, flt=ReferralFilter(year=2001))
    assert (sent_year.total, long_ago.total) == (9, 0)       # the draft has no year
    late = TODAY + timedelta(days=400)
    overdue = list_referrals(session, actor=SYSTEM, today=late, flt=ReferralFilter(overdue_only=True))
    assert {r.status for r in overdue.rows} == {S.SENT, S.RECEIVED, S.ACCEPTED}
    assert all(r.days_overdue > 0 for r in overdue.rows)


def test_paging_is_stable(session, mixed):
    seen = []
    for page in (1, 2, 3, 4):
        seen += codes(list_referrals(session, actor=SYSTEM, flt=ReferralFilter(), today=TODAY,
                                     page=page, page_size=3))
    assert len(seen) == len(set(seen)) == 10
    assert list_referrals(session, actor=SYSTEM, flt=ReferralFilter(), today=TODAY, page=9).rows == []


def test_each_unit_sees_what_it_sent_or_received(session, mixed):
    police = unit_user(session)
    assert list_referrals(session, actor=police, flt=ReferralFilter(), today=TODAY).total == 9
    sender_unit = unit_user(session, SENDER)
    assert list_referrals(session, actor=sender_unit, flt=ReferralFilter(), today=TODAY).total == 9
    discipline = unit_user(session, DISCIPLINE)
    assert list_referrals(session, actor=discipline, flt=ReferralFilter(), today=TODAY).total == 1
    stranger = unit_user(session, "渝中区人民政府")
    assert list_referrals(session, actor=stranger, flt=ReferralFilter(), today=TODAY).total == 0
    no_unit = make_actor(session, Role.UNIT)
    assert list_referrals(session, actor=no_unit, flt=ReferralFilter(), today=TODAY).total == 0
    for role in (Role.LEADER, Role.VIEWER, Role.COORDINATOR, Role.ADMIN):
        assert list_referrals(session, actor=make_actor(session, role), flt=ReferralFilter(),
                              today=TODAY).total == 10


def test_a_procuratorate_sees_the_police_referrals_it_may_supervise(session, mixed):
    by_status, _ = mixed
    city = unit_user(session, CITY_PROCURATORATE)
    assert codes(list_referrals(session, actor=city, flt=ReferralFilter(), today=TODAY)) == [
        by_status[S.NOT_FILED].code]
    yuzhong = make_actor(session, Role.UNIT, unit_id=district_procuratorate(session, "渝中区"))
    assert list_referrals(session, actor=yuzhong, flt=ReferralFilter(), today=TODAY).total == 0
    supervised = do_move(session, "supervise_filing", city, by_status[S.NOT_FILED])
    supervised = do_move(session, "file", unit_user(session), supervised)
    assert codes(list_referrals(session, actor=city, flt=ReferralFilter(), today=TODAY)) == [
        supervised.code]     # still: it supervised that filing


def test_flow_counts_sent_referrals_by_kind_and_stage(session, mixed):
    flow = referral_flow(session, actor=SYSTEM, flt=ReferralFilter(), today=TODAY)
    police = {c.stage: c.referrals for c in flow.counts if c.kind is ReferralKind.POLICE}
    assert police == {"awaiting": 2, "accepted": 1, "filed": 1, "concluded": 1, "declined": 2,
                      "returned": 1}
    assert flow.total() == 9 and flow.unanswered() == 4      # pending is not in the flow
    late = referral_flow(session, actor=SYSTEM, flt=ReferralFilter(), today=TODAY + timedelta(days=400))
    assert late.total("overdue") == 4 and late.total("awaiting", "accepted") == 0
    mine = referral_flow(session, actor=unit_user(session, DISCIPLINE), flt=ReferralFilter(), today=TODAY)
    assert [(c.kind, c.stage, c.referrals) for c in mine.counts] == [
        (ReferralKind.DISCIPLINE, "awaiting", 1)]


def test_detail_names_items_steps_and_moves(session, mixed):
    by_status, _ = mixed
    referral = by_status[S.RECEIVED]
    police = unit_user(session)
    detail = referral_detail(session, actor=police, referral_id=referral.id, today=TODAY)
    assert detail.from_unit.short_name == "万州区生态环境局" and detail.to_unit.short_name == "万州区公安局"
    assert detail.district == "万州区" and len(detail.items) == 2
    assert not any(i.readable for i in detail.items)      # the police may not open the items
    assert [s.move for s in detail.steps] == ["receive", "send", "record"]    # newest first
    assert detail.moves == ["return", "accept", "refuse", "progress"]
    coordinator_view = referral_detail(session, actor=make_actor(session, Role.COORDINATOR),
                                       referral_id=referral.id, today=TODAY)
    assert all(i.readable for i in coordinator_view.items)
    assert coordinator_view.moves == ["remind", "escalate"]
    leader = referral_detail(session, actor=make_actor(session, Role.LEADER), referral_id=referral.id)
    assert leader.moves == []


def test_detail_is_refused_out_of_scope_and_unknown_ids(session, mixed):
    by_status, _ = mixed
    with pytest.raises(PermissionDenied):
        referral_detail(session, actor=unit_user(session, "渝中区人民政府"),
                        referral_id=by_status[S.SENT].id)
    with pytest.raises(PermissionDenied):     # a unit learns nothing about ids outside its scope
        referral_detail(session, actor=unit_user(session, "渝中区人民政府"), referral_id=999_999)
    with pytest.raises(NotFound):
        referral_detail(session, actor=SYSTEM, referral_id=999_999)


def test_the_list_marks_provisional_dates(session):
    referral = referral_in(session, S.SENT)
    referral.feedback_uncovered_years = "2027"
    session.flush()
    row = list_referrals(session, actor=SYSTEM, flt=ReferralFilter(), today=date(2026, 1, 1)).rows[0]
    assert row.provisional and row.items == 2


def test_flow_counts_every_referral_ever_accepted_and_filed(session, mixed):
    flow = referral_flow(session, actor=SYSTEM, flt=ReferralFilter(), today=TODAY)
    # accepted: 已受理, 已立案, 不予立案, 已办结; filed: 已立案, 已办结 (the pending one is not in the flow)
    assert (flow.accepted, flow.filed) == (4, 2)


def test_item_choices_find_by_code_or_words_within_scope(session):
    from tests.factories import district_id, make_item
    mine = make_item(session, description="长江支流黑臭水体")
    other = make_item(session, description="长江岸线违规码头", district_id=district_id(session, "渝中区"),
                      lead_unit_id=unit_id(session, "渝中区人民政府"))
    found = item_choices(session, actor=SYSTEM, search="长江")
    assert [c.id for c in found] == [other.id, mine.id]                     # newest first
    assert [c.id for c in item_choices(session, actor=SYSTEM, search=mine.code)] == [mine.id]
    kept = item_choices(session, actor=SYSTEM, search="码头", keep=(mine.id,))
    assert [c.id for c in kept] == [mine.id, other.id]                      # picked ones stay first
    assert item_choices(session, actor=SYSTEM, search="%") == []
    wanzhou = unit_user(session, "万州区人民政府")
    assert [c.id for c in item_choices(session, actor=wanzhou, search="长江")] == [mine.id]


def test_a_referrals_file_opens_only_through_a_readable_referral(session, tmp_path):
    from core.ledger.evidence import EvidenceStore
    from core.referrals import sender
    from tests.core.referrals.referral_cases import form_values
    store = EvidenceStore(tmp_path)
    referral = sender.record_referral(session, actor=SYSTEM, values=form_values(session),
                                      attachments=[("监测报告.pdf", b"%PDF-1.7 x\n%%EOF\n")], store=store)
    other = referral_in(session, S.SENT)
    [info] = referral_detail(session, actor=SYSTEM, referral_id=referral.id).attachments
    opened = open_referral_file(session, actor=SYSTEM, referral_id=referral.id,
                                attachment_id=info.id, store=store)
    assert opened.data == b"%PDF-1.7 x\n%%EOF\n"
    with pytest.raises(PermissionDenied):                  # not the file of that referral
        open_referral_file(session, actor=SYSTEM, referral_id=other.id, attachment_id=info.id,
                           store=store)
    with pytest.raises(PermissionDenied):                  # a unit outside the referral
        open_referral_file(session, actor=unit_user(session, "渝中区人民政府"), referral_id=referral.id,
                           attachment_id=info.id, store=store)
