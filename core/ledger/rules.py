"""久拖不决 (long-unresolved): each rule a SQL condition and a named reason, thresholds configurable.

Rules (docs/domain.md, 久拖不决), on items not closed (已销号) and not in draft:
- overdue: past the due date and not submitted/noticed (core.ledger.stats.overdue_condition);
- stale: assigned or in progress with no progress report for more than `stale_after_days` days
  (counted from assignment if none was ever reported);
- bounced: verification failed `bounce_threshold` times or more;
- old: open more than `old_after_days` days since assignment;
- extended: extended (延期) `extension_threshold` times or more;
- interview: linked to an interview whose rectification plan is late (core.interviews.deadlines:
  not submitted, final due date passed);
- reminded: 催办 `reminder_threshold` times or more (core.ledger.reminders; one a day at most).
A 长期坚持 (ongoing) item is "completed, kept up": only "stale" (no progress report for that long,
i.e. a missed quarterly review) can flag it; every other rule leaves it out.

Severity (the 久拖不决 page and the big screen's worst list): more reasons first, then the
earliest due date (longest overdue), then the earliest assignment (longest open), then the id.

Thresholds come from the `setting` table (defaults in db/rules_defaults.py); every caller reads
them from the database (`load_rule_settings`), never from this module's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from core.domain import Status
from core.interviews.deadlines import plan_late_condition
from core.ledger.stats import overdue_condition
from db.models import Interview, InterviewItem, Item, Setting
from db.rules_defaults import RULE_SPECS


class Reason(StrEnum):
    OVERDUE = "overdue"
    STALE = "stale"
    BOUNCED = "bounced"
    OLD = "old"
    EXTENDED = "extended"
    INTERVIEW = "interview"
    REMINDED = "reminded"


@dataclass(frozen=True)
class RuleSettings:
    """The thresholds the rules use. Its defaults are db/rules_defaults.py's, for tests that need
    fixed values; the app reads the admin's values with `load_rule_settings`."""

    stale_after_days: int = RULE_SPECS["stale_after_days"].default
    old_after_days: int = RULE_SPECS["old_after_days"].default
    bounce_threshold: int = RULE_SPECS["bounce_threshold"].default
    extension_threshold: int = RULE_SPECS["extension_threshold"].default
    due_soon_days: int = RULE_SPECS["due_soon_days"].default
    big_screen_refresh_seconds: int = RULE_SPECS["big_screen_refresh_seconds"].default
    interview_plan_workdays: int = RULE_SPECS["interview_plan_workdays"].default
    reminder_threshold: int = RULE_SPECS["reminder_threshold"].default


def stored_value(key: str, text: str | None) -> int:
    """A stored setting as a number; its default when missing or not a whole number. The range is
    the settings page's to enforce (core.supervision.rule_settings): a value put in the table by
    hand outside it is used as it stands (tests shorten the big screen's refresh that way)."""
    spec = RULE_SPECS[key]
    try:
        return int(str(text).strip()) if text is not None else spec.default
    except ValueError:
        return spec.default


def load_rule_settings(session: Session) -> RuleSettings:
    """The admin's rule thresholds from the `setting` table (one small read); a key with no row,
    or with an unusable value, takes its default (`stored_value`)."""
    stored = dict(session.execute(select(Setting.key, Setting.value)).all())
    return RuleSettings(**{key: stored_value(key, stored.get(key))
                           for key in RuleSettings.__dataclass_fields__})


ACTIVE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.NOTICE)


# The expressions are immutable and cost ~5 ms to build: one page builds them several times,
# so they are kept per (thresholds, day).
@lru_cache(maxsize=64)
def reason_conditions(rules: RuleSettings, today: date) -> Mapping[Reason, ColumnElement[bool]]:
    """One SQL condition per reason, each already limited to active (assigned, not closed) items;
    all but "stale" also to items that are not 长期坚持. Read-only (shared between callers)."""
    active = and_(Item.status.in_(ACTIVE), Item.is_ongoing.is_(False))
    last_report = func.coalesce(Item.latest_progress_on, Item.assigned_on)
    interview_late = exists().where(InterviewItem.item_id == Item.id,
                                    InterviewItem.interview_id == Interview.id,
                                    plan_late_condition(today))
    return MappingProxyType({
        Reason.OVERDUE: overdue_condition(today),
        Reason.STALE: and_(Item.status.in_((Status.ASSIGNED, Status.IN_PROGRESS)),
                           last_report < today - timedelta(days=rules.stale_after_days)),
        Reason.BOUNCED: and_(active, Item.bounce_count >= rules.bounce_threshold),
        Reason.OLD: and_(active, Item.assigned_on < today - timedelta(days=rules.old_after_days)),
        Reason.EXTENDED: and_(active, Item.extension_count >= rules.extension_threshold),
        Reason.INTERVIEW: and_(active, interview_late),
        Reason.REMINDED: and_(active, Item.reminder_count >= rules.reminder_threshold),
    })


@lru_cache(maxsize=64)
def long_unresolved_condition(rules: RuleSettings, today: date) -> ColumnElement[bool]:
    """SQL condition: the item meets at least one 久拖不决 rule."""
    return or_(*reason_conditions(rules, today).values())


def reason_columns(rules: RuleSettings, today: date) -> list:
    """One 0/1 column per reason (labelled with the reason's code), to select beside item columns."""
    return list(_reason_columns(rules, today))


@lru_cache(maxsize=64)
def _reason_columns(rules: RuleSettings, today: date) -> tuple:
    return tuple(case((cond, 1), else_=0).label(f"reason_{reason.value}")
                 for reason, cond in reason_conditions(rules, today).items())


def reasons_from_row(row) -> list[Reason]:
    """The reasons flagged in a row that selected `reason_columns`."""
    return [r for r in Reason if getattr(row, f"reason_{r.value}", 0)]


@lru_cache(maxsize=64)
def severity(rules: RuleSettings, today: date) -> ColumnElement[int]:
    """SQL: how many reasons flag the item (0–7), the first key of the severity order."""
    flags = [case((cond, 1), else_=0) for cond in reason_conditions(rules, today).values()]
    return sum(flags[1:], flags[0])


def severity_order(rules: RuleSettings, today: date) -> list:
    """ORDER BY clauses, most severe first: more reasons, earlier due date (longest overdue),
    earlier assignment (longest open), then id so that paging is stable."""
    return [severity(rules, today).desc(), Item.due_on.asc().nulls_last(),
            Item.assigned_on.asc().nulls_last(), Item.id]
