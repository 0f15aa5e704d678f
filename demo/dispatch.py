"""Demo 季调度 rounds, so that `make run` shows every state of the page: last quarter's round on
central inspection items, closed with its snapshot; this quarter's round on municipal items,
whose report-by date has passed (units reported on time, late, partly, or not at all); and a
second round this quarter on ministry items, still running (reported, or not yet).

Rounds are opened and closed through core.dispatch (membership by one INSERT … SELECT, the
snapshot as the page would take it); the units' reports are written set-based, one INSERT …
SELECT per group of units, with what core.ledger.items.report_progress would do: a report is
dated after the item's last one, its percent never falls (a finished item reports 100 again),
the item shows it as its latest progress, and an item still 已交办 moves to 整改中.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, and_, case, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from core.access.permissions import SYSTEM
from core.dispatch import rounds, snapshot
from core.dispatch.scope import RoundScope
from core.domain import SourceLevel, Status
from core.errors import ValidationFailed
from core.ledger.items import REPORTABLE
from db.models import (
    DispatchItem,
    Item,
    LedgerRevision,
    ProgressReport,
    QuarterlyDispatch,
    Transition,
)

TEXTS = ("按季度调度要求，已完成本季度整改任务，正在巩固成效",
         "本季度完成主体工程建设，正在开展设备调试",
         "已制定专项方案并组织实施，本季度完成过半工作量",
         "持续推进整改，已开展现场核查，问题明显改善")
FIRST_REPORT = "首次报送整改进展"   # the reason report_progress gives the move to 整改中


@dataclass(frozen=True)
class Plan:
    """One demo round: its period, dates, what it covers, and how its units behave
    (share of units reporting on time, late, only partly; the rest do not report)."""

    title: str
    period: tuple[int, int]
    opened: date
    report_by: date
    scope: RoundScope
    on_time: float
    late: float
    partial: float
    closed: date | None = None


def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def plans(as_of: date) -> list[Plan]:
    """The three demo rounds relative to `as_of` (see the module docstring)."""
    year, quarter = rounds.quarter_of(as_of)
    py, pq = _previous_quarter(year, quarter)
    end = rounds.quarter_end(py, pq)
    return [
        Plan(f"{py}年第{pq}季度中央生态环境保护督察整改调度", (py, pq), end - timedelta(days=25),
             end - timedelta(days=5), RoundScope(levels=(SourceLevel.CENTRAL,)), 0.8, 0.1, 0.0,
             closed=min(end + timedelta(days=10), as_of)),
        Plan(f"{year}年第{quarter}季度市级督察整改调度", (year, quarter), as_of - timedelta(days=25),
             as_of - timedelta(days=4), RoundScope(levels=(SourceLevel.CITY,)), 0.65, 0.15, 0.1),
        Plan(f"{year}年第{quarter}季度部级督察问题补充调度", (year, quarter), as_of - timedelta(days=3),
             as_of + timedelta(days=12), RoundScope(levels=(SourceLevel.MINISTRY,)), 0.45, 0.0, 0.2),
    ]


def _groups(session: Session, round_id: int, plan: Plan, rng: random.Random) -> dict[str, list[int]]:
    """The round's units split into on_time / late / partial / silent, at random by the plan."""
    units = sorted(session.scalars(select(DispatchItem.unit_id).distinct()
                                   .where(DispatchItem.round_id == round_id)))
    groups: dict[str, list[int]] = {"on_time": [], "late": [], "partial": [], "silent": []}
    for unit in units:
        u = rng.random()
        key = ("on_time" if u < plan.on_time else "late" if u < plan.on_time + plan.late
               else "partial" if u < plan.on_time + plan.late + plan.partial else "silent")
        groups[key].append(unit)
    return groups


def _eligible(day: date):
    """Items a report dated `day` may be added to: open, assigned before, last reported before."""
    return and_(Item.status.in_(REPORTABLE), Item.assigned_on < day,
                or_(Item.latest_progress_on.is_(None), Item.latest_progress_on < day))


def _report(session: Session, round_id: int, units: list[int], day: date, at: datetime,
            half: bool) -> None:
    """Reports on the eligible items of `units` in the round (every other one if `half`)."""
    if not units:
        return
    raised = case((Item.progress_percent >= 100, 100),
                  ((100 - Item.progress_percent) / 4 < 1, Item.progress_percent + 1),
                  else_=Item.progress_percent + (100 - Item.progress_percent) / 4)
    text = case(*((Item.id % len(TEXTS) == n, t) for n, t in enumerate(TEXTS)), else_=TEXTS[0])
    conditions = [DispatchItem.round_id == round_id, DispatchItem.unit_id.in_(units), _eligible(day),
                  ~exists().where(ProgressReport.dispatch_round_id == round_id,
                                  ProgressReport.item_id == Item.id)]
    if half:
        conditions.append(Item.id % 2 == 0)
    chosen = (select(Item.id, literal(day), raised, text, DispatchItem.unit_id, literal(at),
                     literal(round_id))
              .join(DispatchItem, DispatchItem.item_id == Item.id).where(*conditions)
              .order_by(Item.id))
    session.execute(insert(ProgressReport).from_select(
        ["item_id", "reported_on", "percent", "text", "unit_id", "created_at", "dispatch_round_id"],
        chosen))


def _link(session: Session, round_id: int, units: list[int], since: datetime, until: datetime,
          half: bool) -> None:
    """A report the units made anyway while the round ran (the first per item, entered in
    [since, until)) answers the round: the demo ledger's own reports count before new ones."""
    if not units:
        return
    conditions = [DispatchItem.unit_id.in_(units), ProgressReport.dispatch_round_id.is_(None),
                  ProgressReport.created_at >= since, ProgressReport.created_at < until]
    if half:
        conditions.append(ProgressReport.item_id % 2 == 0)
    first = (select(func.min(ProgressReport.id))
             .join(DispatchItem, and_(DispatchItem.item_id == ProgressReport.item_id,
                                      DispatchItem.round_id == round_id))
             .where(*conditions).group_by(ProgressReport.item_id))
    session.execute(update(ProgressReport).where(ProgressReport.id.in_(first))
                    .values(dispatch_round_id=round_id).execution_options(synchronize_session=False))


def _follow_reports(session: Session, round_id: int) -> None:
    """Each item newly reported in the round shows that report as its latest, and one still
    已交办 starts (整改中, with its move recorded), as report_progress does."""
    mine = and_(ProgressReport.dispatch_round_id == round_id, ProgressReport.item_id == Item.id)
    latest = lambda column: select(column).where(mine).correlate(Item).scalar_subquery()  # noqa: E731
    stamp = latest(ProgressReport.created_at)
    # a new report is later than the item's last; one linked by _link is not and changes nothing
    reported = and_(Item.id.in_(select(ProgressReport.item_id)
                                .where(ProgressReport.dispatch_round_id == round_id)),
                    latest(ProgressReport.reported_on) > func.coalesce(Item.latest_progress_on,
                                                                       date(1900, 1, 1)))
    session.execute(insert(Transition).from_select(
        ["item_id", "from_status", "to_status", "at", "reason"],
        select(Item.id, literal(Status.ASSIGNED.value), literal(Status.IN_PROGRESS.value), stamp,
               literal(FIRST_REPORT)).where(reported, Item.status == Status.ASSIGNED)
        .order_by(Item.id)))
    started = case((Item.status == Status.ASSIGNED, Status.IN_PROGRESS.value), else_=Item.status)
    session.execute(
        update(Item).where(reported)
        .values(status=started, latest_progress=latest(ProgressReport.text),
                latest_progress_on=latest(ProgressReport.reported_on),
                progress_percent=latest(ProgressReport.percent),
                updated_at=case((Item.updated_at < stamp, stamp), else_=Item.updated_at))
        .execution_options(synchronize_session=False))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour))


def _run(session: Session, plan: Plan, rng: random.Random, as_of: date) -> tuple[int, int]:
    """Open, report on and (if planned) close one round; (items covered, reports answering it)."""
    try:
        rnd = rounds.open_round(session, actor=SYSTEM, year=plan.period[0], quarter=plan.period[1],
                                title=plan.title, report_by=plan.report_by, scope=plan.scope,
                                summary="请各责任单位逐项报送本季度整改进展，并对照整改时限说明滞后原因。",
                                today=plan.opened)
    except ValidationFailed:   # a tiny ledger may have no open item of that level
        return 0, 0
    groups = _groups(session, rnd.id, plan, rng)
    last = min(plan.closed or as_of, as_of)       # nobody reports after closing, or in the future
    opened, due, end = (_at(plan.opened, 0), _at(plan.report_by + timedelta(days=1), 0),
                        _at(last + timedelta(days=1), 0))
    on_time = min(plan.report_by - timedelta(days=2), last)
    late = plan.report_by + timedelta(days=2)
    for key, (since, until), day, half in (("on_time", (opened, due), on_time, False),
                                           ("partial", (opened, due), on_time, True),
                                           ("late", (due, end), late, False)):
        _link(session, rnd.id, groups[key], since, until, half)
        if plan.opened <= day <= last:
            _report(session, rnd.id, groups[key], day, _at(day, 10), half)
    _follow_reports(session, rnd.id)
    written = session.scalar(select(func.count()).where(ProgressReport.dispatch_round_id == rnd.id))
    session.execute(update(QuarterlyDispatch).where(QuarterlyDispatch.id == rnd.id)
                    .values(opened_at=_at(plan.opened, 9), issued_on=plan.opened)
                    .execution_options(synchronize_session=False))
    if plan.closed:
        snapshot.close_round(session, actor=SYSTEM, round_id=rnd.id, expected_version=rnd.version,
                             today=plan.closed)
        session.execute(update(QuarterlyDispatch).where(QuarterlyDispatch.id == rnd.id)
                        .values(closed_at=_at(plan.closed, 17))
                        .execution_options(synchronize_session=False))
    return rnd.items, written


def seed_rounds(conn: Connection, *, as_of: date, seed: int) -> Counter:
    """Write the demo rounds into the seeding transaction on `conn`; returns rows per table."""
    rng = random.Random(f"{seed}-dispatch")
    counts: Counter = Counter()
    revision = select(LedgerRevision.revision).where(LedgerRevision.id == 1)
    before = conn.scalar(revision)
    with Session(bind=conn, join_transaction_mode="rollback_only") as session:
        for plan in plans(as_of):
            items, answers = _run(session, plan, rng, as_of)
            if items:
                counts.update(quarterly_dispatch=1, dispatch_item=items, round_report=answers)
        session.flush()
    # core's writes each bumped the ledger revision; the whole seeding is one change of the ledger
    if before is not None:
        conn.execute(update(LedgerRevision).where(LedgerRevision.id == 1).values(revision=before))
    return counts
