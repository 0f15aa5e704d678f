"""How many things wait for the signed-in user (我的待办's total), for the navigation's label.

Every page run builds the navigation, so the count is cached per user and ledger revision
(ui.cache.ledger_state: one small read) and per day: it is computed again only after a write
anywhere in the ledger, at midnight, or after a rule setting changed."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

import streamlit as st

from core.access.permissions import Actor
from core.domain import Role
from core.ledger.action_queue import needs_my_action
from core.ledger.rules import RuleSettings
from db.engine import session_scope
from ui.cache import ledger_state
from ui.common import settings

QUEUED_ROLES = (Role.COORDINATOR, Role.UNIT, Role.ADMIN)


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _total(url: str, revision: int, today: date, rules: tuple, who: tuple, _actor: Actor) -> int:
    # `who` (id, role, unit, district) keys the scope; `_actor` carries it to core.
    with session_scope(url) as session:
        return needs_my_action(session, actor=_actor, today=today, limit=1,
                               rules=RuleSettings(*rules)).total


def todo_total(actor: Actor, *, today: date | None = None) -> int | None:
    """The actor's 我的待办 total, or None for roles without a queue (leaders, viewers)."""
    if actor.role not in QUEUED_ROLES:
        return None
    revision, _, rules = ledger_state()
    who = (actor.id, str(actor.role), actor.unit_id, actor.district_id)
    return _total(settings().database_url, revision, today or date.today(), astuple(rules), who, actor)
