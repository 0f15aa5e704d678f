"""The ledger as it stood at the end of an earlier day, rebuilt from its own history.

Not from stored snapshots: an item existed if created_at was before then; its state then is the
from_status of its first transition after then (else its state now); its last progress report,
its failed verifications (验收不通过) and its 催办 are those dated up to then. Due dates and extension
counts are taken as they stand now. `state_then` gives these as columns beside the item's own,
and `on` re-targets any condition written against Item (core.ledger.rules, core.ledger.stats) onto such a
derived table — so the rules are stated once and applied to "now" and "then" alike.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Column, and_, case, func, select
from sqlalchemy.sql import visitors

from core.domain import Status
from db.models import Item, ItemReminder, ProgressReport, Transition

# Items last updated before (cutoff − GRACE) cannot have moved since the cutoff, so their state
# then is their state now; the grace covers a database clock in another time zone.
GRACE = timedelta(days=1)


def cutoff(day: date) -> datetime:
    """The first moment after `day`: the ledger \"as of day\" is every change before it."""
    return datetime.combine(day + timedelta(days=1), time.min)


def moved_since(day: date):
    """SQL condition: the item may have changed after `day` (its history must be consulted)."""
    return Item.updated_at >= cutoff(day) - GRACE


def state_then(day: date) -> list:
    """Item columns rebuilding status, last report and failed verifications as they stood at the
    end of `day` (labelled as THEN names them); the correlated look-ups into the history run
    only for rows changed since (guarded by CASE), so a scan of the ledger stays a scan."""
    end, moved = cutoff(day), moved_since(day)
    first_from = (select(Transition.from_status)
                  .where(Transition.item_id == Item.id, Transition.at >= end)
                  .order_by(Transition.at, Transition.id).limit(1).scalar_subquery())
    last_report = (select(func.max(ProgressReport.reported_on))
                   .where(ProgressReport.item_id == Item.id, ProgressReport.reported_on <= day)
                   .scalar_subquery())
    bounced_since = (select(func.count(Transition.id))
                     .where(Transition.item_id == Item.id, Transition.at >= end,
                            Transition.from_status == Status.SUBMITTED,
                            Transition.to_status == Status.IN_PROGRESS).scalar_subquery())
    reminded_before = (select(func.count(ItemReminder.id))
                       .where(ItemReminder.item_id == Item.id, ItemReminder.at < end).scalar_subquery())
    return [
        case((moved, func.coalesce(first_from, Item.status)), else_=Item.status).label("then_status"),
        case((Item.latest_progress_on > day, last_report),
             else_=Item.latest_progress_on).label("then_latest_progress_on"),
        case((and_(moved, Item.bounce_count > 0), Item.bounce_count - bounced_since),
             else_=Item.bounce_count).label("then_bounce_count"),
        case((Item.reminder_count > 0, reminded_before), else_=0).label("then_reminder_count"),
    ]


THEN = {"status": "then_status", "latest_progress_on": "then_latest_progress_on",
        "bounce_count": "then_bounce_count", "reminder_count": "then_reminder_count"}
ROW_COLUMNS = ("id", "district_id", "category", "source_level", "status", "due_on", "is_ongoing",
               "latest_progress_on", "assigned_on", "bounce_count", "extension_count",
               "reminder_count", "closed_on", "created_at")


def on(condition, rows, renames: dict[str, str] | None = None):
    """The same condition over the derived table `rows` (item columns renamed as given)."""
    renames = renames or {}

    def swap(element):
        if isinstance(element, Column) and element.table is Item.__table__:
            return rows.c[renames.get(element.key, element.key)]
        return None

    return visitors.replacement_traverse(condition, {}, swap)
