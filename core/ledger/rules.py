"""久拖不决 (long-unresolved): each rule a SQL condition and a named reason, thresholds configurable.

Rules (docs/domain.md), on items not closed (已销号) and not in draft:
- overdue: past the due date and not submitted/noticed (长期坚持 never);
- stale: assigned or in progress with no progress report for `stale_after_days` (since
  assignment if none was ever reported);
- bounced: verification failed `bounce_threshold` times or more;
- old: open more than `old_after_days` since assignment;
- extended: extended (延期) `extension_threshold` times or more;
- interview: linked to an interview whose rectification plan is late (core.interviews.deadlines:
  not submitted, final due date passed).
Thresholds come from the `setting` table (defaults in db/rules_defaults.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from core.domain import Status
from core.interviews.deadlines import plan_late_condition
from core.ledger.stats import overdue_condition
from db.models import Interview, InterviewItem, Item, Setting
from db.rules_defaults import RULE_SETTINGS


class Reason(StrEnum):
    OVERDUE = "overdue"
    STALE = "stale"
    BOUNCED = "bounced"
    OLD = "old"
    EXTENDED = "extended"
    INTERVIEW = "interview"


@dataclass(frozen=True)
class RuleSettings:
    stale_after_days: int = 90
    old_after_days: int = 730
    bounce_threshold: int = 2
    extension_threshold: int = 2
    due_soon_days: int = 7
    big_screen_refresh_seconds: int = 60
    interview_plan_workdays: int = 15


def load_rule_settings(session: Session) -> RuleSettings:
    """Rule thresholds from the `setting` table; a missing or non-numeric value keeps its default."""
    stored = dict(session.execute(select(Setting.key, Setting.value)).all())
    values = {}
    for key in RULE_SETTINGS:
        try:
            values[key] = int(stored.get(key, RULE_SETTINGS[key][0]))
        except ValueError:
            values[key] = int(RULE_SETTINGS[key][0])
    return RuleSettings(**{k: v for k, v in values.items() if k in RuleSettings.__dataclass_fields__})


ACTIVE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.NOTICE)


def reason_conditions(rules: RuleSettings, today: date) -> dict[Reason, ColumnElement[bool]]:
    """One SQL condition per reason, each already limited to active (assigned, not closed) items."""
    active = Item.status.in_(ACTIVE)
    last_report = func.coalesce(Item.latest_progress_on, Item.assigned_on)
    interview_late = exists().where(InterviewItem.item_id == Item.id,
                                    InterviewItem.interview_id == Interview.id,
                                    plan_late_condition(today))
    return {
        Reason.OVERDUE: overdue_condition(today),
        Reason.STALE: and_(Item.status.in_((Status.ASSIGNED, Status.IN_PROGRESS)),
                           last_report < today - timedelta(days=rules.stale_after_days)),
        Reason.BOUNCED: and_(active, Item.bounce_count >= rules.bounce_threshold),
        Reason.OLD: and_(active, Item.assigned_on < today - timedelta(days=rules.old_after_days)),
        Reason.EXTENDED: and_(active, Item.extension_count >= rules.extension_threshold),
        Reason.INTERVIEW: and_(active, interview_late),
    }


def long_unresolved_condition(rules: RuleSettings, today: date) -> ColumnElement[bool]:
    """SQL condition: the item meets at least one 久拖不决 rule."""
    return or_(*reason_conditions(rules, today).values())


def reason_columns(rules: RuleSettings, today: date) -> list:
    """One 0/1 column per reason (labelled with the reason's code), to select beside item columns."""
    return [case((cond, 1), else_=0).label(f"reason_{reason.value}")
            for reason, cond in reason_conditions(rules, today).items()]


def reasons_from_row(row) -> list[Reason]:
    """The reasons flagged in a row that selected `reason_columns`."""
    return [r for r in Reason if getattr(row, f"reason_{r.value}", 0)]
