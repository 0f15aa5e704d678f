"""Each 久拖不决 rule at its threshold — the day (or count) before, on and after — for an ordinary
item, a 长期坚持 (ongoing) item and a closed one, with thresholds the admin changed (read from the
database, not the defaults)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.domain import InterviewCircumstance, Role, Status
from core.ledger.rules import Reason, load_rule_settings, reason_columns, reasons_from_row
from core.supervision.rule_settings import save_rule_settings
from db.models import Interview, InterviewItem, Item
from tests.factories import make_actor, make_item, unit_id

TODAY = date(2026, 6, 1)
CUSTOM = {"stale_after_days": 45, "old_after_days": 400, "bounce_threshold": 3, "extension_threshold": 4}
# Nothing flags this item on TODAY: recent report, due later, assigned a while ago.
QUIET = dict(assigned_on=TODAY - timedelta(days=30), latest_progress_on=TODAY - timedelta(days=5),
             due_on=TODAY + timedelta(days=60), status=Status.IN_PROGRESS)
KINDS = {"plain": {}, "ongoing": dict(is_ongoing=True, due_on=None, deadline_text="长期坚持"),
         "closed": dict(status=Status.CLOSED, closed_on=TODAY - timedelta(days=1))}


def _days(n: int) -> date:
    return TODAY - timedelta(days=n)


def cases() -> list[tuple[Reason, str, dict, bool]]:
    """(reason, position, item values, flagged for an ordinary open item)."""
    s, o, b, e = (CUSTOM[k] for k in ("stale_after_days", "old_after_days", "bounce_threshold",
                                      "extension_threshold"))
    return [
        (Reason.OVERDUE, "before", dict(due_on=TODAY + timedelta(days=1)), False),
        (Reason.OVERDUE, "on", dict(due_on=TODAY), False),
        (Reason.OVERDUE, "after", dict(due_on=TODAY - timedelta(days=1)), True),
        (Reason.STALE, "before", dict(latest_progress_on=_days(s - 1)), False),
        (Reason.STALE, "on", dict(latest_progress_on=_days(s)), False),
        (Reason.STALE, "after", dict(latest_progress_on=_days(s + 1)), True),
        (Reason.OLD, "before", dict(assigned_on=_days(o - 1), latest_progress_on=_days(1)), False),
        (Reason.OLD, "on", dict(assigned_on=_days(o), latest_progress_on=_days(1)), False),
        (Reason.OLD, "after", dict(assigned_on=_days(o + 1), latest_progress_on=_days(1)), True),
        (Reason.BOUNCED, "before", dict(bounce_count=b - 1), False),
        (Reason.BOUNCED, "on", dict(bounce_count=b), True),
        (Reason.BOUNCED, "after", dict(bounce_count=b + 1), True),
        (Reason.EXTENDED, "before", dict(extension_count=e - 1), False),
        (Reason.EXTENDED, "on", dict(extension_count=e), True),
        (Reason.EXTENDED, "after", dict(extension_count=e + 1), True),
        (Reason.INTERVIEW, "before", dict(plan_due_on=TODAY + timedelta(days=1)), False),
        (Reason.INTERVIEW, "on", dict(plan_due_on=TODAY), False),
        (Reason.INTERVIEW, "after", dict(plan_due_on=TODAY - timedelta(days=1)), True),
    ]


def _item(session, kind: str, values: dict) -> Item:
    values = dict(values)
    plan_due_on = values.pop("plan_due_on", None)
    item = make_item(session, **{**QUIET, **values, **KINDS[kind]})
    if plan_due_on is not None:
        interview = Interview(code=f"YT-{item.id}", circumstance=InterviewCircumstance.POOR_RECTIFICATION,
                              held_on=_days(40), interviewee_unit_id=unit_id(session, "万州区人民政府"),
                              plan_due_on=plan_due_on)
        session.add(interview)
        session.flush()
        session.add(InterviewItem(interview_id=interview.id, item_id=item.id))
        session.flush()
    return item


def expected(reason: Reason, kind: str, flagged: bool) -> set[Reason]:
    """The rule as docs/domain.md states it: closed items are never flagged; an ongoing item
    only for staleness."""
    if kind == "closed" or not flagged:
        return set()
    if kind == "ongoing" and reason is not Reason.STALE:
        return set()
    return {reason}


@pytest.fixture
def rules(session):
    admin = make_actor(session, Role.ADMIN)
    save_rule_settings(session, actor=admin, values=CUSTOM, seen_versions={k: 1 for k in CUSTOM})
    session.flush()
    loaded = load_rule_settings(session)
    assert {k: getattr(loaded, k) for k in CUSTOM} == CUSTOM
    return loaded


def test_every_rule_at_its_threshold(session, rules):
    built = [(reason, pos, kind, flagged, _item(session, kind, values))
             for reason, pos, values, flagged in cases() for kind in KINDS]
    ids = [b[-1].id for b in built]
    rows = {r.id: set(reasons_from_row(r)) for r in session.execute(
        select(Item.id, *reason_columns(rules, TODAY)).where(Item.id.in_(ids)))}
    wrong = [(reason.value, pos, kind, rows[item.id]) for reason, pos, kind, flagged, item in built
             if rows[item.id] != expected(reason, kind, flagged)]
    assert wrong == []
    # the defaults would have judged differently: the thresholds really came from the database
    assert rules.stale_after_days != 90 and rules.bounce_threshold != 2


def test_a_quiet_item_is_never_flagged(session, rules):
    for kind in KINDS:
        item = _item(session, kind, {})
        row = session.execute(select(Item.id, *reason_columns(rules, TODAY)).where(Item.id == item.id)).one()
        assert reasons_from_row(row) == [], kind
