"""Feedback due dates in working days: across National Day and the Spring Festival (the official
calendar), across a year no calendar covers (provisional, then counted again once an admin enters
its holidays), with N per kind from the rule settings; overdue at its edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.access.permissions import SYSTEM
from core.calendar import holidays, workdays
from core.domain import AuditOutcome, ReferralKind, ReferralStatus, Role
from core.errors import PermissionDenied
from core.referrals import recompute_feedback_dues
from core.referrals.dues import SETTING_KEYS, feedback_workdays
from core.referrals.query import ReferralFilter, list_referrals, referral_detail
from core.referrals.states import days_feedback_overdue, feedback_overdue_condition
from db.models import AuditEntry, Referral, ReferralStep, Setting
from db.rules_defaults import RULE_SPECS
from tests.core.referrals.referral_cases import do_move, fresh, new_referral, referral_in, unit_user
from tests.factories import make_actor, unit_id

S = ReferralStatus


def set_workdays(session, kind: str, n: int) -> None:
    session.merge(Setting(key=SETTING_KEYS[ReferralKind(kind)], value=str(n)))
    session.flush()


@pytest.fixture
def only_up_to_2026(monkeypatch):
    """chinese-calendar as it ships now: 2027 unknown (kept so when a newer one knows it)."""
    monkeypatch.setattr(workdays, "library_covers", lambda year: 2004 <= year <= 2026)


def sent(session, day: date, kind: str = "police") -> Referral:
    referral = new_referral(session, kind=kind, **_receiver(session, kind))
    return do_move(session, "send", SYSTEM, referral, sent_on=day)


def _receiver(session, kind: str) -> dict:
    names = {"police": "万州区公安局", "procuratorate": "重庆市人民检察院", "court": "重庆市高级人民法院"}
    return {"to_unit_id": unit_id(session, names[kind])}


def test_settings_have_a_default_per_kind_within_their_range(session):
    assert feedback_workdays(session) == {
        ReferralKind.POLICE: 20, ReferralKind.PROCURATORATE: 30, ReferralKind.COURT: 30,
        ReferralKind.JUSTICE: 20, ReferralKind.DISCIPLINE: 40, ReferralKind.DEPARTMENT: 30}
    for key in SETTING_KEYS.values():
        spec = RULE_SPECS[key]
        assert spec.unit == "workdays" and spec.low <= spec.default <= spec.high
    set_workdays(session, "police", 5)
    session.merge(Setting(key=SETTING_KEYS[ReferralKind.COURT], value="999"))   # out of range
    session.merge(Setting(key=SETTING_KEYS[ReferralKind.JUSTICE], value="abc"))
    values = feedback_workdays(session)
    assert (values[ReferralKind.POLICE], values[ReferralKind.COURT],
            values[ReferralKind.JUSTICE]) == (5, 30, 20)


def test_national_day_is_not_counted(session):
    """2025: 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 worked (调休)."""
    set_workdays(session, "police", 5)
    referral = sent(session, date(2025, 9, 26))         # a Friday
    # 09-28 (Sun, worked), 09-29, 09-30, then nothing until 10-09, 10-10
    assert referral.feedback_due_on == date(2025, 10, 10)
    assert referral.feedback_workdays == 5 and referral.feedback_uncovered_years is None


def test_spring_festival_is_not_counted(session):
    """2026: 02-15…02-23 off, Saturday 02-14 worked (调休)."""
    set_workdays(session, "police", 5)
    referral = sent(session, date(2026, 2, 12))         # a Thursday
    # 02-13 (Fri), 02-14 (Sat, worked), then 02-24, 02-25, 02-26
    assert referral.feedback_due_on == date(2026, 2, 26)


def test_n_follows_the_kind(session):
    set_workdays(session, "court", 3)
    assert sent(session, date(2025, 9, 26), kind="court").feedback_due_on == date(2025, 9, 30)


def test_a_year_without_a_calendar_is_provisional_then_counted_again(session, only_up_to_2026):
    set_workdays(session, "procuratorate", 30)
    referral = sent(session, date(2026, 11, 20), kind="procuratorate")     # a Friday
    # 29 working days left in 2026; 2027-01-01 (a Friday) counted as a weekday, for want of a calendar
    assert referral.feedback_due_on == date(2027, 1, 1)
    assert referral.feedback_uncovered_years == "2027"
    detail = referral_detail(session, actor=SYSTEM, referral_id=referral.id, today=date(2026, 12, 1))
    assert detail.provisional_years == (2027,)
    untouched = sent(session, date(2025, 9, 26))                           # not provisional
    versions = (referral.version, untouched.version)
    admin = make_actor(session, Role.ADMIN)
    # entering a day of 2027 recomputes through core.calendar.holidays.RECOMPUTERS
    write = holidays.set_holiday(session, actor=admin, day=date(2027, 1, 1), is_workday=False,
                                 name="元旦", expected_version=0)
    changes = [c for c in write.recomputed if c.entity == "referral"]
    assert [(c.id, c.before, c.after, c.was_provisional, c.provisional) for c in changes] == [
        (referral.id, date(2027, 1, 1), date(2027, 1, 4), True, False)]
    after = fresh(session, referral.id)
    assert (after.feedback_due_on, after.feedback_uncovered_years) == (date(2027, 1, 4), None)
    assert (after.version, fresh(session, untouched.id).version) == (versions[0] + 1, versions[1])
    step = session.scalars(select(ReferralStep).where(ReferralStep.referral_id == referral.id)
                           .order_by(ReferralStep.id.desc())).first()
    assert (step.move, step.details) == ("recompute_due", {"before": "2027-01-01", "after": "2027-01-04"})
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.recompute_due"))
    assert [(a.entity_id, a.outcome, a.after["feedback_due_on"]) for a in audited] == [
        (str(referral.id), AuditOutcome.OK, "2027-01-04")]
    assert recompute_feedback_dues(session, actor=admin, years=[2027]) == []   # nothing left to do


def test_recompute_leaves_answered_referrals_and_other_years_alone(session, only_up_to_2026):
    set_workdays(session, "procuratorate", 30)
    answered = sent(session, date(2026, 11, 20), kind="procuratorate")
    receiver = unit_user(session, "重庆市人民检察院")
    answered = do_move(session, "receive", receiver, answered, received_on=date(2026, 11, 23))
    answered = do_move(session, "accept", receiver, answered)
    answered = do_move(session, "not_file", receiver, answered)
    waiting = sent(session, date(2026, 11, 20), kind="procuratorate")
    assert recompute_feedback_dues(session, actor=SYSTEM, years=[2027]) == []   # nothing entered yet
    overrides = {date(2027, 1, 1): False}
    assert recompute_feedback_dues(session, actor=SYSTEM, years=[2028], overrides=overrides) == []
    changes = recompute_feedback_dues(session, actor=SYSTEM, years=[2027], overrides=overrides)
    assert [(c.id, c.after, c.provisional) for c in changes] == [(waiting.id, date(2027, 1, 4), False)]


def test_only_an_admin_recomputes(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        recompute_feedback_dues(session, actor=coordinator, years=[2027])


# ------------------------------------------------------------------ overdue at its edges

@pytest.mark.parametrize("offset, overdue", [(-1, 0), (0, 0), (1, 1), (9, 9)])
def test_feedback_overdue_after_the_due_day_only(session, offset, overdue):
    referral = referral_in(session, S.RECEIVED)
    today = referral.feedback_due_on + timedelta(days=offset)
    assert days_feedback_overdue(referral.feedback_due_on, status=referral.status, today=today) == overdue
    in_sql = session.scalar(select(func.count()).select_from(Referral)
                            .where(feedback_overdue_condition(today)))
    assert in_sql == (1 if overdue else 0)
    page = list_referrals(session, actor=SYSTEM, flt=ReferralFilter(overdue_only=True), today=today)
    assert [r.days_overdue for r in page.rows] == ([overdue] if overdue else [])
    everything = list_referrals(session, actor=SYSTEM, flt=ReferralFilter(), today=today)
    assert [r.days_overdue for r in everything.rows] == [overdue]


@pytest.mark.parametrize("status", [S.PENDING, S.FILED, S.NOT_FILED, S.REFUSED, S.CONCLUDED,
                                    S.RETURNED])
def test_answered_or_unsent_referrals_are_never_overdue(session, status):
    referral = referral_in(session, status)
    late = date(2030, 1, 1)
    assert days_feedback_overdue(referral.feedback_due_on, status=referral.status, today=late) == 0
    assert session.scalar(select(func.count()).select_from(Referral)
                          .where(feedback_overdue_condition(late))) == 0
