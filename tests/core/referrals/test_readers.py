"""What other parts of the ledger read of referrals: 我的待办 (the receiver's work, the
procuratorate's supervision, the coordinator's overdue and returned referrals), the item's
timeline and linked referrals, the big screen's figures; and migration 0004 on existing rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from core.access.permissions import SYSTEM
from core.domain import ReferralStatus, Role
from core.ledger.action_queue import needs_my_action
from core.ledger.timeline import item_detail, item_timeline
from core.screen.bigscreen import big_screen
from db import migrate
from db.engine import engine_for
from db.models import ReferralItem
from tests.core.referrals.referral_cases import (
    CITY_PROCURATORATE,
    TODAY,
    do_move,
    referral_in,
    unit_user,
)
from tests.factories import make_actor

S = ReferralStatus


def codes(queue, key):
    return [r.code for r in queue.section(key).rows]


def test_the_receivers_queue_holds_what_it_still_has_to_record(session):
    waiting = referral_in(session, S.SENT)
    accepted = referral_in(session, S.ACCEPTED)
    filed = referral_in(session, S.FILED)
    referral_in(session, S.CONCLUDED)
    referral_in(session, S.REFUSED)
    not_filed = referral_in(session, S.NOT_FILED)
    police = unit_user(session)
    queue = needs_my_action(session, actor=police, today=TODAY)
    assert set(codes(queue, "referrals_awaiting")) == {waiting.code, accepted.code, filed.code}
    row = {r.code: r for r in queue.section("referrals_awaiting").rows}
    assert row[filed.code].due_on is None             # answered: no countdown any more
    assert row[waiting.code].due_on == waiting.feedback_due_on
    city = unit_user(session, CITY_PROCURATORATE)
    assert codes(needs_my_action(session, actor=city, today=TODAY), "referrals_awaiting") == [
        not_filed.code]                                # its 立案监督 to record
    supervised = do_move(session, "supervise_filing", city, not_filed)
    assert not_filed.code not in codes(needs_my_action(session, actor=city, today=TODAY),
                                       "referrals_awaiting")
    assert supervised.code in codes(needs_my_action(session, actor=police, today=TODAY),
                                    "referrals_awaiting")   # the police reconsiders


def test_the_coordinators_queue_holds_overdue_and_returned_referrals(session):
    late = referral_in(session, S.RECEIVED)
    returned = referral_in(session, S.RETURNED)
    referral_in(session, S.FILED)
    queue = needs_my_action(session, actor=make_actor(session, Role.COORDINATOR),
                            today=late.feedback_due_on + timedelta(days=1))
    assert codes(queue, "referrals_overdue") == [late.code]
    assert codes(queue, "referrals_returned") == [returned.code]
    assert queue.section("referrals_overdue").rows[0].days == -1


def test_the_items_timeline_shows_the_receivers_answers(session):
    referral = referral_in(session, S.FILED)
    item_id = session.scalar(select(ReferralItem.item_id).where(ReferralItem.referral_id == referral.id))
    entries = item_timeline(session, actor=SYSTEM, item_id=item_id)
    shown = [e.what() for e in entries if e.kind in ("referral", "referral_step")]
    assert shown == [f"移送 {referral.code}：立案", f"移送 {referral.code}：受理",
                     f"移送 {referral.code}：签收（回证）", f"移送 万州区公安局（{referral.code}）"]
    assert [e.what("en") for e in entries if e.kind == "referral_step"][0] == \
        f"Referral {referral.code}: Case filed"


def test_the_items_referrals_say_when_feedback_is_late(session):
    referral = referral_in(session, S.SENT)
    item_id = session.scalar(select(ReferralItem.item_id).where(ReferralItem.referral_id == referral.id))
    due = referral.feedback_due_on
    assert item_detail(session, actor=SYSTEM, item_id=item_id, today=due).referrals[0].days_overdue == 0
    late = item_detail(session, actor=SYSTEM, item_id=item_id, today=due + timedelta(days=4))
    assert late.referrals[0].days_overdue == 4


def test_the_big_screen_counts_open_referrals_overdue_feedback_and_results(session):
    late = referral_in(session, S.SENT)
    referral_in(session, S.FILED)
    referral_in(session, S.CONCLUDED)
    referral_in(session, S.RETURNED)
    today = late.feedback_due_on + timedelta(days=1)
    screen = big_screen(session, actor=make_actor(session, Role.LEADER), today=today)
    assert screen.headline.open_referrals.now == 2
    assert screen.referrals.overdue_feedback == 1 and screen.referrals.year == today.year
    results = screen.referrals.results
    assert (results.concluded, results.detained, results.arrested) == (
        (1, 3, 2) if today.year == TODAY.year else (0, 0, 0))


def test_migration_0004_carries_existing_referrals_over(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0003")
    with engine_for(url).begin() as conn:
        conn.execute(text(
            "INSERT INTO inspection (id, name, kind, level, round_no, is_look_back, version, "
            "updated_at) VALUES (1, '测试督察', 'routine', 'city', 1, 0, 1, '2025-01-01')"))
        conn.execute(text(
            "INSERT INTO item (id, code, seq, inspection_id, inspection_kind, source_level, item_type,"
            " district_id, category, description, lead_unit_id, stage, is_ongoing, progress_percent,"
            " extension_count, supervision_level, status, bounce_count, reopen_count, version,"
            " updated_at, created_at) VALUES (1, 'T-1', 1, 1, 'routine', 'city', 'feedback', 5,"
            " 'water', '问题', 33, 'short', 0, 0, 0, 'normal', 'assigned', 0, 0, 1, '2025-01-01',"
            " '2025-01-01')"))
        for rid, status, receipt, measure in ((1, "sent", "2025-02-03", None),
                                              (2, "concluded", None, "诫勉")):
            conn.execute(text(
                "INSERT INTO referral (id, code, kind, from_unit_id, to_unit_id, cause, materials,"
                " receipt_on, filing_supervised, detained, arrested, prosecuted, discipline_measure,"
                " punished_bureau, punished_division, punished_section, status, version, updated_at)"
                " VALUES (:id, :code, 'police', 1, 2, '涉嫌污染环境罪', '[]', :receipt, 0, 0, 0, 0,"
                " :measure, 0, 0, 0, :status, 1, '2025-01-01')"),
                dict(id=rid, code=f"YS-{rid}", receipt=receipt, measure=measure, status=status))
        conn.execute(text("INSERT INTO referral_item VALUES (1, 1)"))
        conn.execute(text("INSERT INTO attachment (id, referral_id, purpose, filename, content_type,"
                          " size_bytes, sha256, created_at) VALUES (7, 1, 'referral_material',"
                          " 'a.pdf', 'application/pdf', 3, 'abc', '2025-01-01')"))
    kept = "SELECT (SELECT COUNT(*) FROM referral_item) + (SELECT COUNT(*) FROM attachment)"
    migrate.upgrade(url)
    with engine_for(url).connect() as conn:
        rows = conn.execute(text("SELECT id, status, discipline_measure, district_id, return_count"
                                 " FROM referral ORDER BY id")).all()
        assert conn.execute(text(kept)).scalar() == 2     # SQLite's table copy keeps its children
    assert rows == [(1, "received", None, 5, 0), (2, "concluded", "admonishment", None, 0)]
    migrate.downgrade(url, "0003")
    with engine_for(url).connect() as conn:
        back = conn.execute(text("SELECT status, discipline_measure FROM referral ORDER BY id")).all()
        assert conn.execute(text(kept)).scalar() == 2
    engine_for(url).dispose()
    assert back == [("sent", None), ("concluded", "诫勉")]

