"""Feedback due dates (docs/domain.md, Referrals): N working days after the day a referral is sent
(that day not counted), N per kind from the rule settings `referral_feedback_workdays_<kind>`.

Working days come from core.calendar.workdays with the admin-entered holidays; where the count
walks through a year neither the official calendar nor an admin covers, weekdays are counted and
the referral keeps those years (`feedback_uncovered_years`): its due date is provisional until an
admin enters the year, when `recompute_feedback_dues` counts it again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, require
from core.calendar.holidays import DueChange, load_overrides
from core.calendar.workdays import WorkdayResult, add_workdays
from core.domain import ReferralKind
from core.referrals.states import AWAITING_FEEDBACK, uncovered, uncovered_text
from db.models import Referral, ReferralStep, Setting
from db.rules_defaults import RULE_SPECS

SETTING_KEYS = {kind: f"referral_feedback_workdays_{kind.value}" for kind in ReferralKind}


def feedback_workdays(session: Session) -> dict[ReferralKind, int]:
    """N per kind from the `setting` table; a missing, non-numeric or out-of-range value takes
    its default (db/rules_defaults.py)."""
    stored = dict(session.execute(select(Setting.key, Setting.value)
                                  .where(Setting.key.in_(SETTING_KEYS.values()))).all())
    values = {}
    for kind, key in SETTING_KEYS.items():
        spec = RULE_SPECS[key]
        try:
            value = int(stored.get(key, spec.default))
        except ValueError:
            value = spec.default
        values[kind] = value if spec.low <= value <= spec.high else spec.default
    return values


def count_due(session: Session, *, sent_on: date, workdays: int) -> WorkdayResult:
    """The `workdays`-th working day after `sent_on`, with the admin's holidays of the years the
    count can reach (never more than a year past `sent_on`: N ≤ 120)."""
    years = range(sent_on.year, sent_on.year + 2)
    return add_workdays(sent_on, workdays, overrides=load_overrides(session, years=years))


def recompute_feedback_dues(session: Session, *, actor: Actor, years,
                            overrides: dict[date, bool] | None = None) -> list[DueChange]:
    """Count again the provisional due dates of referrals still awaiting feedback whose count
    walked through one of `years` (after an admin entered those years' holidays; one of
    core.calendar.holidays.RECOMPUTERS, which passes the `overrides` as they now are). Each change
    is audited and stepped. Admin or system only (raises PermissionDenied). Returns what changed —
    the date, or only whether it is provisional; a referral whose count is unchanged is left alone."""
    require(actor, "settings.manage")
    wanted = {int(y) for y in years}
    candidates = session.scalars(select(Referral).where(
        Referral.feedback_uncovered_years.is_not(None), Referral.sent_on.is_not(None),
        Referral.status.in_(AWAITING_FEEDBACK)).order_by(Referral.id)).all()
    changes = []
    for referral in candidates:
        if wanted & set(uncovered(referral.feedback_uncovered_years)):
            change = _recount(session, actor, referral, overrides)
            if change is not None:
                changes.append(change)
    return changes


def _recount(session: Session, actor: Actor, referral: Referral,
             overrides: dict[date, bool] | None) -> DueChange | None:
    n = referral.feedback_workdays or feedback_workdays(session)[ReferralKind(referral.kind)]
    result = (count_due(session, sent_on=referral.sent_on, workdays=n) if overrides is None
              else add_workdays(referral.sent_on, n, overrides=overrides))
    if (result.due_on, uncovered_text(result.uncovered_years)) == (
            referral.feedback_due_on, referral.feedback_uncovered_years):
        return None
    was_provisional = referral.feedback_uncovered_years is not None
    columns = ["feedback_due_on", "feedback_uncovered_years"]
    before, old_due = audit.snapshot(referral, columns), referral.feedback_due_on
    referral.feedback_due_on = result.due_on
    referral.feedback_uncovered_years = uncovered_text(result.uncovered_years)
    referral.feedback_workdays = n
    at = datetime.now()
    session.add(ReferralStep(referral_id=referral.id, move="recompute_due", from_status=referral.status,
                             to_status=referral.status, actor_id=actor.id, unit_id=actor.unit_id,
                             at=at, details=audit.snapshot_values(
                                 {"before": old_due, "after": result.due_on})))
    session.flush()
    audit.record(session, actor=actor, action="referral.recompute_due", entity="referral",
                 entity_id=referral.id, before=before,
                 after={**audit.snapshot(referral, columns), "version": referral.version})
    return DueChange("referral", referral.id, referral.code, old_due, result.due_on, was_provisional,
                     bool(result.uncovered_years))
