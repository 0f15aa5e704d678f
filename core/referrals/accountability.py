"""Accountability results (问责, fines, criminal cases) per year and per district, counted in SQL
from the referrals (docs/domain.md, Referrals). The big screen and the reports read this one
function.

A referral counts in its district (`Referral.district_id`, None: 全市) and, for each figure, in the
year of the event that figure is about: referred in the year it was sent, filed in the year it
was filed (立案), and its outcome — people detained, arrested, prosecuted, people held
accountable by rank and by measure, fines — in the year it was concluded (办结).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.domain import DisciplineMeasure, ReferralKind
from core.referrals.access import referral_scope
from core.referrals.states import feedback_overdue_condition
from db.models import Referral

RANKS = ("bureau", "division", "section")          # 厅级 / 处级 / 科级及以下


@dataclass(frozen=True)
class Figures:
    """One district's (or the total's) figures of one year."""

    referred: int = 0                 # referrals sent in the year
    filed: int = 0                    # cases filed (立案) in the year, every kind
    criminal_filed: int = 0           # of which police (公安) cases: criminal cases filed
    concluded: int = 0                # referrals concluded (办结) in the year
    detained: int = 0                 # people, outcomes of referrals concluded in the year
    arrested: int = 0
    prosecuted: int = 0
    bureau: int = 0                   # people held accountable: 厅级
    division: int = 0                 # 处级
    section: int = 0                  # 科级及以下
    fines_yuan: Decimal = Decimal(0)
    by_measure: dict[DisciplineMeasure, int] = field(default_factory=dict)  # people per measure

    @property
    def held_accountable(self) -> int:
        return self.bureau + self.division + self.section

    def plus(self, other: Figures) -> Figures:
        measures = {m: self.by_measure.get(m, 0) + other.by_measure.get(m, 0)
                    for m in {*self.by_measure, *other.by_measure}}
        sums = {f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in fields(self) if f.name != "by_measure"}
        return Figures(**sums, by_measure=measures)


@dataclass(frozen=True)
class Accountability:
    year: int
    district_id: int | None            # the district asked for (None: every district)
    total: Figures
    districts: dict[int | None, Figures]   # district id (None: 全市) → its figures, those with any


def _in(column, year: int):
    return column.between(date(year, 1, 1), date(year, 12, 31))


def _sum(condition, value=1):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _statement(year: int):
    sent, filed, concluded = (_in(Referral.sent_on, year), _in(Referral.filed_on, year),
                              _in(Referral.concluded_on, year))
    people = Referral.punished_bureau + Referral.punished_division + Referral.punished_section
    return (select(Referral.district_id, Referral.discipline_measure, _sum(sent), _sum(filed),
                   _sum(and_(filed, Referral.kind == ReferralKind.POLICE)), _sum(concluded),
                   _sum(concluded, Referral.detained), _sum(concluded, Referral.arrested),
                   _sum(concluded, Referral.prosecuted), _sum(concluded, Referral.punished_bureau),
                   _sum(concluded, Referral.punished_division),
                   _sum(concluded, Referral.punished_section),
                   func.coalesce(func.sum(case((concluded, Referral.fine_yuan))), 0),
                   _sum(concluded, people))
            .where(sent | filed | concluded)
            .group_by(Referral.district_id, Referral.discipline_measure))


def _figures(row) -> Figures:
    (_, measure, referred, filed, criminal, concluded, detained, arrested, prosecuted, bureau,
     division, section, fines, people) = row
    by_measure = {DisciplineMeasure(measure): int(people)} if measure and people else {}
    return Figures(int(referred), int(filed), int(criminal), int(concluded), int(detained),
                   int(arrested), int(prosecuted), int(bureau), int(division), int(section),
                   Decimal(str(fines)).quantize(Decimal("0.01")), by_measure)


def accountability(session: Session, *, actor: Actor, year: int,
                   district_id: int | None = None) -> Accountability:
    """The year's figures per district and in total, in one grouped SQL pass (see the module
    docstring for which year each figure counts in); `district_id` limits them to one district.
    A unit user counts only the referrals it may read. Raises PermissionDenied."""
    require(actor, "referral.read")
    stmt = _statement(year)
    scope = referral_scope(session, actor)
    if scope is not None:
        stmt = stmt.where(scope)
    if district_id is not None:
        stmt = stmt.where(Referral.district_id == district_id)
    districts: dict[int | None, Figures] = {}
    for row in session.execute(stmt):
        districts[row[0]] = districts.get(row[0], Figures()).plus(_figures(row))
    total = Figures()
    for figures in districts.values():
        total = total.plus(figures)
    return Accountability(year, district_id, total, districts)


@dataclass(frozen=True)
class ScreenFigures:
    """What the big screen shows of referrals: feedback overdue now, and this year's results."""

    overdue_feedback: int
    year: int
    results: Figures


def screen_figures(session: Session, *, actor: Actor, today: date) -> ScreenFigures:
    """Referrals whose feedback is overdue on `today` (core.referrals.states) and the accountability
    figures of `today`'s year, citywide for everyone but a unit user. Raises PermissionDenied."""
    require(actor, "referral.read")
    overdue = select(func.count(Referral.id)).where(feedback_overdue_condition(today))
    scope = referral_scope(session, actor)
    overdue = overdue.where(scope) if scope is not None else overdue
    return ScreenFigures(int(session.scalar(overdue) or 0), today.year,
                         accountability(session, actor=actor, year=today.year).total)
