"""季调度 rounds: open one (its items resolved in SQL and frozen), change its title or report-by
date while it is open, read them. Closing lives in core.dispatch.snapshot.

Writes follow docs/architecture.md: permission (audited when refused), then — for a change — the
version the coordinator saw (a stale edit is refused naming what changed), then the input
(every bad field named, nothing written), then the write and its audit row. Opening copies the
covered items with one INSERT … SELECT, never a loop over items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, insert, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, require
from core.dispatch.scope import RoundScope, check_scope, reporting_unit, scope_condition
from core.domain import AuditOutcome, Role
from core.errors import FieldProblem, LedgerError, NotFound, PermissionDenied, StaleEdit, ValidationFailed
from core.messages import say, zh
from core.text_checks import has_control_characters
from db.models import DispatchItem, Item, QuarterlyDispatch

ENTITY = "dispatch_round"
FIRST_YEAR = 2017          # the first central inspection of Chongqing the ledger tracks
REPORT_WINDOW = timedelta(days=92)   # the report-by date may fall this long after the quarter
TITLE_LIMIT, SUMMARY_LIMIT = 120, 2000


class RoundClosed(LedgerError):
    """The round is closed: its figures are frozen and it takes no more reports or changes."""


@dataclass(frozen=True)
class Round:
    id: int
    year: int
    quarter: int
    title: str
    report_by: date
    summary: str | None
    scope: RoundScope
    opened_at: datetime
    closed_at: datetime | None
    version: int
    items: int            # items covered (for a unit account: its own)
    units: int            # units that must report (for a unit account: 1)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def late_on(self, today: date) -> bool:
        """True once the report-by date has passed."""
        return today > self.report_by


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter (1–4)."""
    month = 3 * quarter
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter) of a day."""
    return day.year, (day.month - 1) // 3 + 1


# ------------------------------------------------------------------ reading

def _member_counts(actor: Actor):
    """(items, units) columns per round: stored on the round, or counted for a unit's own part."""
    if actor.role is not Role.UNIT:
        return QuarterlyDispatch.item_count, QuarterlyDispatch.unit_count
    own = (select(func.count()).where(DispatchItem.round_id == QuarterlyDispatch.id,
                                      DispatchItem.unit_id == actor.unit_id)
           .correlate(QuarterlyDispatch).scalar_subquery())
    return own, literal(1)


def _rows(session: Session, actor: Actor, *conditions) -> list[Round]:
    items, units = _member_counts(actor)
    stmt = select(QuarterlyDispatch, items, units).where(*conditions)
    if actor.role is Role.UNIT:
        stmt = stmt.where(exists().where(DispatchItem.round_id == QuarterlyDispatch.id,
                                         DispatchItem.unit_id == actor.unit_id))
    stmt = stmt.order_by(QuarterlyDispatch.year.desc(), QuarterlyDispatch.quarter.desc(),
                         QuarterlyDispatch.opened_at.desc(), QuarterlyDispatch.id.desc())
    return [_round(r, n, u) for r, n, u in session.execute(stmt)]


def _round(row: QuarterlyDispatch, items: int, units: int) -> Round:
    return Round(row.id, row.year, row.quarter, row.title, row.report_by, row.summary,
                 RoundScope.from_json(row.scope), row.opened_at, row.closed_at, row.version,
                 int(items or 0), int(units or 0))


def list_rounds(session: Session, *, actor: Actor, year: int | None = None,
                open_only: bool = False) -> list[Round]:
    """Rounds, newest quarter first (quarter 1–4 only); a unit account sees only rounds that
    cover some of its items, with its own counts. Raises PermissionDenied."""
    require(actor, "dispatch.read")
    conditions = [QuarterlyDispatch.quarter.between(1, 4)]
    if year is not None:
        conditions.append(QuarterlyDispatch.year == year)
    if open_only:
        conditions.append(QuarterlyDispatch.closed_at.is_(None))
    return _rows(session, actor, *conditions)


def get_round(session: Session, *, actor: Actor, round_id: int) -> Round:
    """One round; raises NotFound, PermissionDenied (also: a unit account it does not cover)."""
    require(actor, "dispatch.read")
    rows = _rows(session, actor, QuarterlyDispatch.id == round_id)
    if rows:
        return rows[0]
    if actor.role is Role.UNIT and session.get(QuarterlyDispatch, round_id) is not None:
        raise PermissionDenied(f"{actor.username} is not asked to report in round {round_id}")
    raise NotFound(say("err.dispatch_no_round", id=round_id))


# ------------------------------------------------------------------ guarding writes

def refuse(session: Session, actor: Actor, action: str, round_id: int | None, outcome: AuditOutcome,
           detail: str, attempted: dict) -> None:
    """Audit a refused write on a round (in its own transaction)."""
    audit.record_refusal(session, actor=actor, action=action, entity=ENTITY, entity_id=round_id,
                         outcome=outcome, detail=detail, attempted=audit.snapshot_values(attempted))


def require_audited(session: Session, actor: Actor, rule: str, action: str, round_id: int | None,
                    attempted: dict) -> None:
    """`require`, with the refusal audited."""
    try:
        require(actor, rule)
    except PermissionDenied as exc:
        refuse(session, actor, action, round_id, AuditOutcome.REFUSED_PERMISSION, str(exc), attempted)
        raise


def changes_since(session: Session, round_id: int, version: int) -> dict[str, tuple]:
    """Field → (value the user saw, value now) for audited writes on the round after `version`,
    leaving out fields that came back to what the user saw."""
    changed = audit.changes_since(session, entity=ENTITY, entity_id=round_id, version=version)
    return {key: (old, new) for key, (old, new) in changed.items() if old != new}


def guard_round(session: Session, actor: Actor, action: str, round_id: int,
                expected_version: int | None, attempted: dict) -> QuarterlyDispatch:
    """The round for a change by a coordinator: raises PermissionDenied, NotFound, StaleEdit
    (version not the one the user saw; None skips the check) and RoundClosed, refusals audited."""
    require_audited(session, actor, "dispatch.manage", action, round_id, attempted)
    row = session.get(QuarterlyDispatch, round_id, populate_existing=True)
    if row is None:
        raise NotFound(say("err.dispatch_no_round", id=round_id))
    if expected_version is not None and row.version != expected_version:
        detail = f"saw version {expected_version}, current is {row.version}"
        refuse(session, actor, action, round_id, AuditOutcome.REFUSED_STALE, detail, attempted)
        raise StaleEdit(say("err.dispatch_stale", detail=detail),
                        changes_since(session, round_id, expected_version))
    if row.closed_at is not None:
        message = say("err.dispatch_closed", when=row.closed_at.strftime("%Y-%m-%d %H:%M"))
        refuse(session, actor, action, round_id, AuditOutcome.REFUSED_INVALID, message, attempted)
        raise RoundClosed(message)
    return row


def flush_round(session: Session, round_id: int) -> None:
    """Flush; raises StaleEdit if someone saved the round between our check and the UPDATE."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleEdit(say("err.dispatch_stale", detail=f"round {round_id} changed while saving")) \
            from exc


# ------------------------------------------------------------------ checking input

def _check_text(problems: list, key: str, value, limit: int, required: bool) -> str | None:
    text = value.strip() if isinstance(value, str) else None
    if not text:
        if required or (value is not None and not isinstance(value, str)):
            problems.append(FieldProblem(None, zh(key), say("err.required")))
        return None
    if has_control_characters(text):
        problems.append(FieldProblem(None, zh(key), say("err.control_characters")))
        return None
    if len(text) > limit:
        problems.append(FieldProblem(None, zh(key), say("err.too_long", n=limit)))
    return text


def _check_period(problems: list, year, quarter, today: date) -> bool:
    ok = True
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= today.year + 1:
        problems.append(FieldProblem(None, zh("dispatch.field.year"),
                                     say("err.out_of_range", low=FIRST_YEAR, high=today.year + 1)))
        ok = False
    if not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= 4:
        problems.append(FieldProblem(None, zh("dispatch.field.quarter"),
                                     say("err.out_of_range", low=1, high=4)))
        ok = False
    return ok


def _check_report_by(problems: list, report_by, year: int, quarter: int, today: date,
                     period_ok: bool) -> date | None:
    """The report-by date: a date, not before today, at most REPORT_WINDOW after the quarter."""
    field = zh("dispatch.field.report_by")
    if report_by is None or not isinstance(report_by, date):
        problems.append(FieldProblem(None, field, say("err.required" if report_by is None
                                                      else "err.not_date")))
        return None
    report_by = report_by.date() if isinstance(report_by, datetime) else report_by
    if report_by < today:
        problems.append(FieldProblem(None, field, say("err.dispatch_report_by_past",
                                                      today=today.isoformat())))
    elif period_ok and report_by > quarter_end(year, quarter) + REPORT_WINDOW:
        latest = quarter_end(year, quarter) + REPORT_WINDOW
        problems.append(FieldProblem(None, field, say("err.dispatch_report_by_late",
                                                      latest=latest.isoformat())))
    return report_by


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


# ------------------------------------------------------------------ opening

def open_round(session: Session, *, actor: Actor, year: int, quarter: int, title: str,
               report_by: date, scope: RoundScope = RoundScope(), summary: str | None = None,
               today: date | None = None) -> Round:
    """Open a round (coordinator/admin) for a quarter: report-by date not before `today` (default:
    the real today) and at most 92 days after the quarter; title ≤ 120 characters; the open
    items `scope` covers are copied into the round with the unit that must report on each (one
    INSERT … SELECT). Raises PermissionDenied, ValidationFailed (naming each bad field; also when
    the scope covers no open item)."""
    today = today or date.today()
    attempted = {"year": year, "quarter": quarter, "title": title, "report_by": report_by,
                 "scope": scope.as_json() if isinstance(scope, RoundScope) else None}
    require_audited(session, actor, "dispatch.manage", "dispatch.open", None, attempted)
    problems: list[FieldProblem] = []
    period_ok = _check_period(problems, year, quarter, today)
    title = _check_text(problems, "dispatch.field.title", title, TITLE_LIMIT, required=True)
    summary = _check_text(problems, "dispatch.field.summary", summary, SUMMARY_LIMIT, required=False)
    report_by = _check_report_by(problems, report_by, year, quarter, today, period_ok)
    try:
        scope = check_scope(session, scope)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    _raise(problems)
    condition = scope_condition(scope)
    if not session.scalar(select(exists().where(condition))):
        _raise([FieldProblem(None, zh("dispatch.field.scope"), say("err.dispatch_empty"))])
    row = QuarterlyDispatch(year=year, quarter=quarter, title=title, report_by=report_by,
                            summary=summary, scope=scope.as_json(), issued_on=today,
                            opened_at=datetime.now(), opened_by=actor.id, item_count=0, unit_count=0)
    session.add(row)
    session.flush()
    session.execute(insert(DispatchItem).from_select(
        ["round_id", "item_id", "unit_id", "district_id", "source_level"],
        select(literal(row.id), Item.id, reporting_unit(), Item.district_id, Item.source_level)
        .where(condition)))
    items, units = session.execute(select(func.count(), func.count(DispatchItem.unit_id.distinct()))
                                   .where(DispatchItem.round_id == row.id)).one()
    # The membership is frozen, so are its counts: stored without a new version of the round.
    session.execute(QuarterlyDispatch.__table__.update()
                    .where(QuarterlyDispatch.__table__.c.id == row.id)
                    .values(item_count=items, unit_count=units))
    set_committed_value(row, "item_count", items)
    set_committed_value(row, "unit_count", units)
    audit.record(session, actor=actor, action="dispatch.open", entity=ENTITY, entity_id=row.id,
                 after={**audit.snapshot(row, ["year", "quarter", "title", "report_by", "summary",
                                               "scope", "item_count", "unit_count"]),
                        "version": row.version})
    return _round(row, items, units)


# ------------------------------------------------------------------ changing

def update_round(session: Session, *, actor: Actor, round_id: int, expected_version: int,
                 title: str, report_by: date, summary: str | None = None,
                 today: date | None = None) -> Round:
    """Change an open round's title, report-by date (e.g. to give units more time; not before
    `today`) or summary (coordinator/admin). Raises PermissionDenied, NotFound, StaleEdit,
    RoundClosed, ValidationFailed."""
    today = today or date.today()
    attempted = {"title": title, "report_by": report_by, "summary": summary}
    row = guard_round(session, actor, "dispatch.update", round_id, expected_version, attempted)
    problems: list[FieldProblem] = []
    title = _check_text(problems, "dispatch.field.title", title, TITLE_LIMIT, required=True)
    summary = _check_text(problems, "dispatch.field.summary", summary, SUMMARY_LIMIT, required=False)
    report_by = _check_report_by(problems, report_by, row.year, row.quarter, today, True)
    _raise(problems)
    fields = ["title", "report_by", "summary"]
    before = audit.snapshot(row, fields)
    row.title, row.report_by, row.summary = title, report_by, summary
    flush_round(session, round_id)
    audit.record(session, actor=actor, action="dispatch.update", entity=ENTITY, entity_id=row.id,
                 before=before, after={**audit.snapshot(row, fields), "version": row.version})
    return get_round(session, actor=actor, round_id=round_id)
