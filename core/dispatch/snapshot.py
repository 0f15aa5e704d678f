"""Closing a 季调度 round: its figures are frozen as they stand at that moment (per unit, district
and source level, and the total), so later edits to the ledger do not rewrite its history.

A closed round is shown from its snapshot (`round_figures`); `core.dispatch.figures.live_figures`
still computes the same figures from today's ledger when a comparison is wanted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.dispatch.figures import (
    Counts,
    RoundFigures,
    UnitStatus,
    assemble,
    live_figures,
    unit_status,
)
from core.dispatch.rounds import ENTITY, Round, flush_round, get_round, guard_round
from core.domain import Role
from core.ledger.rules import RuleSettings, load_rule_settings
from db.models import DispatchFigure

COUNT_FIELDS = ("items", "reported", "late", "closed", "overdue", "long_unresolved")


def _figure_rows(round_id: int, figures: RoundFigures) -> list[dict]:
    lines = [("total", "", figures.total)]
    lines += [(dim, line.key, line.counts) for dim, group in (
        ("unit", figures.by_unit), ("district", figures.by_district), ("level", figures.by_level))
        for line in group]
    return [{"round_id": round_id, "dimension": dim, "key": key,
             **{f: getattr(counts, f) for f in COUNT_FIELDS}} for dim, key, counts in lines]


def close_round(session: Session, *, actor: Actor, round_id: int, expected_version: int,
                today: date | None = None, rules: RuleSettings | None = None) -> RoundFigures:
    """Close an open round (coordinator/admin) and freeze its figures as of `today` (default: the
    real today; rules: the admin's settings); returns the snapshot. Items not reported by then
    stay unreported in it. Raises PermissionDenied, NotFound, StaleEdit, RoundClosed."""
    today = today or date.today()
    row = guard_round(session, actor, "dispatch.close", round_id, expected_version, {})
    rnd = get_round(session, actor=actor, round_id=round_id)
    figures = live_figures(session, actor=actor, rnd=rnd, today=today,
                           rules=rules or load_rule_settings(session))
    session.execute(insert(DispatchFigure), _figure_rows(round_id, figures))
    row.closed_at, row.closed_by = datetime.now(), actor.id
    flush_round(session, round_id)
    audit.record(session, actor=actor, action="dispatch.close", entity=ENTITY, entity_id=round_id,
                 before={"closed_at": None},
                 after={"closed_at": audit.plain(row.closed_at), "version": row.version,
                        **{f: getattr(figures.total, f) for f in COUNT_FIELDS}})
    return snapshot_figures(session, rnd=get_round(session, actor=actor, round_id=round_id))


def snapshot_figures(session: Session, *, rnd: Round) -> RoundFigures:
    """The figures frozen when the round closed (a unit account's `rnd` still reads the whole
    snapshot: callers narrow it). Raises ValueError for an open round."""
    if rnd.closed_at is None:
        raise ValueError(f"round {rnd.id} is open: it has no snapshot")
    rows = session.execute(select(DispatchFigure.dimension, DispatchFigure.key,
                                  *(getattr(DispatchFigure, f) for f in COUNT_FIELDS))
                           .where(DispatchFigure.round_id == rnd.id)).all()
    by_dim: dict[str, dict[str, Counts]] = {"total": {}, "unit": {}, "district": {}, "level": {}}
    for dim, key, *values in rows:
        by_dim[dim][key] = Counts(*values)
    # Re-use the live assembly (names, order) by feeding each dimension in as its own groups.
    units = assemble(session, rnd.id, True, rnd.closed_at,
                     [(int(k), 0, "", c) for k, c in by_dim["unit"].items()])
    districts = assemble(session, rnd.id, True, rnd.closed_at,
                         [(0, int(k) if k else None, "", c) for k, c in by_dim["district"].items()])
    levels = assemble(session, rnd.id, True, rnd.closed_at,
                      [(0, 0, k, c) for k, c in by_dim["level"].items()])
    return RoundFigures(rnd.id, True, rnd.closed_at, by_dim["total"].get("", Counts()),
                        units.by_unit, districts.by_district, levels.by_level)


def round_figures(session: Session, *, actor: Actor, round_id: int, today: date,
                  rules: RuleSettings | None = None) -> RoundFigures:
    """What a round shows: its snapshot once closed, else live figures on `today`. A unit account
    sees only its own unit's line (and its own items' district and level lines while open).
    Raises PermissionDenied, NotFound."""
    rnd = get_round(session, actor=actor, round_id=round_id)
    if rnd.is_open:
        return live_figures(session, actor=actor, rnd=rnd, today=today,
                            rules=rules or load_rule_settings(session))
    return _own_part(actor, snapshot_figures(session, rnd=rnd))


def _own_part(actor: Actor, figures: RoundFigures) -> RoundFigures:
    if actor.role is not Role.UNIT:
        return figures
    mine = tuple(line for line in figures.by_unit if line.key == str(actor.unit_id))
    return RoundFigures(figures.round_id, True, figures.as_of,
                        mine[0].counts if mine else Counts(), mine, (), ())


def unit_statuses(session: Session, *, actor: Actor, round_id: int,
                  today: date) -> tuple[Round, list[UnitStatus]]:
    """The round and its units' reported / not yet / late, late units first: live on `today`
    while open, from the snapshot once closed (a unit account: its own line). Raises
    PermissionDenied, NotFound."""
    rnd = get_round(session, actor=actor, round_id=round_id)
    if rnd.is_open:
        return rnd, unit_status(session, actor=actor, rnd=rnd, today=today)
    return rnd, _own_part(actor, snapshot_figures(session, rnd=rnd)).unit_statuses()
