"""Caches keyed by the ledger revision (core.access.audit.ledger_revision), which every audited write
bumps: a page asks the database only for that one row and reuses what was computed for the
same revision. So a big screen refreshing every minute costs one tiny query until the ledger
changes, and a change shows on the next refresh. Keys also hold the database URL (tests and
benchmarks open several ledgers in one process), the day (overdue figures move at midnight
without any write) and the rule settings (an admin may change thresholds without a ledger
write). Caches are per process; the revision lives in the database, so several app servers
stay consistent.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime

import streamlit as st

from core.access import audit
from core.access.permissions import Actor
from core.ledger.rules import RuleSettings, load_rule_settings
from core.screen import bigscreen, geo
from core.screen.bigscreen import BigScreen
from db.engine import session_scope
from ui import district_map
from ui.common import db, settings

TTL_SECONDS = 6 * 3600  # a cached screen nobody asks for again is dropped after this


@st.cache_data(ttl=TTL_SECONDS, max_entries=8, show_spinner=False)
def _big_screen(url: str, revision: int, today: date, rules: tuple, _actor: Actor) -> BigScreen:
    # `_actor` is not part of the key: the figures are citywide, and the caller has checked
    # that this actor may see them (core.screen.bigscreen.require_citywide) before asking.
    with session_scope(url) as session:
        return bigscreen.big_screen(session, actor=_actor, today=today, rules=RuleSettings(*rules))


def ledger_state() -> tuple[int, datetime | None, RuleSettings]:
    """(revision, time of the last change, rule settings): two small reads, never cached."""
    with db() as session:
        revision, changed_at = audit.ledger_revision(session)
        return revision, changed_at, load_rule_settings(session)


@dataclass(frozen=True)
class Screen:
    """Big-screen figures with the revision and settings they were computed for."""

    data: BigScreen
    rules: RuleSettings
    revision: int
    url: str


def big_screen(actor: Actor, *, today: date | None = None) -> Screen:
    """The big screen's figures for the current revision (computed once per revision, day and
    settings); raises PermissionDenied for a unit account."""
    bigscreen.require_citywide(actor)
    revision, _, rules = ledger_state()
    url = settings().database_url
    data = _big_screen(url, revision, today or date.today(), astuple(rules), actor)
    return Screen(data, rules, revision, url)


def figures_by_code(data: BigScreen) -> dict[str, dict]:
    """What the district map colours and shows in its tooltips, keyed by adcode or FA code."""
    return {d.code: {"name": d.name, "open": d.open, "overdue": d.overdue,
                     "long_unresolved": d.long_unresolved, "completion_rate": d.completion_rate,
                     "reopened": d.reopened}
            for d in data.districts if d.code}


@st.cache_resource(max_entries=16, show_spinner=False)
def _deck(url: str, revision: int, today: date, measure: str, measure_label: str, lang: str,
          size: tuple[int, int], _data: BigScreen) -> district_map.CompactDeck:
    # Label placement and the boundary JSON take ~0.1 s; the same deck object serves every
    # refresh of the same revision (it is never mutated after it is built).
    return district_map.district_deck(figures_by_code(_data), measure=measure,
                                      measure_label=measure_label,
                                      functional_markers=geo.functional_area_markers(), lang=lang,
                                      view=geo.fit_view(width_px=size[0], height_px=size[1]))


def district_deck(screen: Screen, *, measure: str, measure_label: str, lang: str,
                  size: tuple[int, int]) -> district_map.CompactDeck:
    """The choropleth of these figures, built once per (revision, day, measure, language, size)."""
    return _deck(screen.url, screen.revision, screen.data.today, measure, measure_label, lang,
                 size, screen.data)
