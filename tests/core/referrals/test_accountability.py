"""Accountability per year and district equals an independent count over the referral rows; each
figure counts in the year of its own event (sent, filed, concluded)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import DisciplineMeasure, ReferralKind, Role
from core.errors import PermissionDenied
from core.referrals import accountability
from core.referrals.receiver import Outcome
from db.models import Referral
from tests.core.referrals.referral_cases import do_move, new_referral, unit_user
from tests.factories import district_id, make_actor, make_item, unit_id

DISCIPLINE = "中共重庆市纪律检查委员会 重庆市监察委员会"
OFFICE = "重庆市生态环境保护督察工作领导小组办公室"


def through(session, *, kind, to, items, sent, filed=None, concluded=None, outcome=None,
            sender="万州区生态环境局"):
    referral = new_referral(session, kind=kind, to_unit_id=unit_id(session, to), items=items,
                            from_unit_id=unit_id(session, sender))
    if sent is None:
        return referral
    receiver = unit_user(session, to)
    referral = do_move(session, "send", SYSTEM, referral, sent_on=sent)
    referral = do_move(session, "receive", receiver, referral, received_on=sent)
    referral = do_move(session, "accept", receiver, referral)
    if filed:
        referral = do_move(session, "file", receiver, referral, filed_on=filed)
    if concluded:
        referral = do_move(session, "conclude", receiver, referral, outcome=Outcome(
            concluded_on=concluded, outcome="已办结", **(outcome or {})))
    return referral


@pytest.fixture
def ledger(session):
    wanzhou = [make_item(session).id]
    yuzhong = [make_item(session, district_id=district_id(session, "渝中区"),
                         lead_unit_id=unit_id(session, "渝中区人民政府")).id]
    citywide = [make_item(session, district_id=None, lead_unit_id=unit_id(session, "重庆市生态环境局")).id]
    through(session, kind="police", to="万州区公安局", items=wanzhou, sent=date(2025, 3, 1),
            filed=date(2025, 3, 10), concluded=date(2026, 2, 1),
            outcome=dict(detained=3, arrested=2, prosecuted=2, fine_yuan="50000"))
    through(session, kind="police", to="渝中区公安局", items=yuzhong, sent=date(2026, 1, 5),
            filed=date(2026, 1, 20), concluded=date(2026, 6, 1),
            outcome=dict(detained=1, arrested=1, fine_yuan="5000.50"))
    through(session, kind="discipline", to=DISCIPLINE, items=wanzhou, sent=date(2025, 11, 1),
            filed=date(2025, 12, 1), concluded=date(2026, 3, 1),
            outcome=dict(discipline_measure="party_discipline", punished_bureau=1,
                         punished_division=2, punished_section=3))
    through(session, kind="discipline", to=DISCIPLINE, items=citywide, sent=date(2026, 2, 1),
            filed=date(2026, 2, 5), concluded=date(2026, 5, 1), sender=OFFICE,
            outcome=dict(discipline_measure="admonishment", punished_section=2))
    through(session, kind="department", to="重庆市水利局", items=yuzhong, sent=date(2026, 4, 1),
            concluded=date(2026, 5, 1), outcome=dict(fine_yuan="100000"))
    through(session, kind="police", to="万州区公安局", items=wanzhou, sent=date(2026, 7, 1))
    through(session, kind="police", to="万州区公安局", items=wanzhou, sent=None)
    session.flush()
    return session


def independent(rows: list[Referral], year: int) -> dict:
    """The figures counted by hand over the rows, one referral at a time."""
    def in_year(day):
        return day is not None and day.year == year
    done = [r for r in rows if in_year(r.concluded_on)]
    people = {m: sum(r.punished_bureau + r.punished_division + r.punished_section
                     for r in done if r.discipline_measure == m.value) for m in DisciplineMeasure}
    return dict(
        referred=sum(in_year(r.sent_on) for r in rows), filed=sum(in_year(r.filed_on) for r in rows),
        criminal_filed=sum(in_year(r.filed_on) and r.kind == ReferralKind.POLICE for r in rows),
        concluded=len(done), detained=sum(r.detained for r in done),
        arrested=sum(r.arrested for r in done), prosecuted=sum(r.prosecuted for r in done),
        bureau=sum(r.punished_bureau for r in done), division=sum(r.punished_division for r in done),
        section=sum(r.punished_section for r in done),
        fines_yuan=sum((r.fine_yuan or Decimal(0) for r in done), Decimal(0)),
        by_measure={m: n for m, n in people.items() if n})


def as_dict(figures) -> dict:
    return {k: getattr(figures, k) for k in (
        "referred", "filed", "criminal_filed", "concluded", "detained", "arrested", "prosecuted",
        "bureau", "division", "section", "fines_yuan", "by_measure")}


@pytest.mark.parametrize("year", [2025, 2026, 2024])
def test_totals_equal_an_independent_count(ledger, year):
    rows = list(ledger.scalars(select(Referral)))
    result = accountability(ledger, actor=SYSTEM, year=year)
    assert as_dict(result.total) == independent(rows, year)
    for district, figures in result.districts.items():
        mine = [r for r in rows if r.district_id == district]
        assert as_dict(figures) == independent(mine, year), district


def test_2026_in_figures(ledger):
    total = accountability(ledger, actor=SYSTEM, year=2026).total
    assert (total.referred, total.filed, total.criminal_filed, total.concluded) == (4, 2, 1, 5)
    assert (total.detained, total.arrested, total.prosecuted) == (4, 3, 2)
    assert (total.bureau, total.division, total.section, total.held_accountable) == (1, 2, 5, 8)
    assert total.fines_yuan == Decimal("155000.50")
    assert total.by_measure == {DisciplineMeasure.PARTY_DISCIPLINE: 6, DisciplineMeasure.ADMONISHMENT: 2}


def test_one_district_and_the_citywide_ones(ledger):
    wanzhou = district_id(ledger, "万州区")
    only = accountability(ledger, actor=SYSTEM, year=2026, district_id=wanzhou)
    assert set(only.districts) == {wanzhou}
    assert (only.total.concluded, only.total.detained, only.total.held_accountable) == (2, 3, 6)
    every = accountability(ledger, actor=SYSTEM, year=2026)
    assert None in every.districts            # 全市: the citywide discipline referral
    assert every.districts[None].section == 2


def test_a_unit_counts_only_its_own_referrals(ledger):
    police = unit_user(ledger, "万州区公安局")
    mine = accountability(ledger, actor=police, year=2026).total
    assert (mine.referred, mine.concluded, mine.detained, mine.held_accountable) == (1, 1, 3, 0)
    assert accountability(ledger, actor=make_actor(ledger, Role.LEADER), year=2026).total.concluded == 5


def test_an_actor_without_the_read_right_is_refused(session, monkeypatch):
    from core.access import permissions
    monkeypatch.setitem(permissions.RULES, "referral.read", frozenset({Role.ADMIN}))
    with pytest.raises(PermissionDenied):
        accountability(session, actor=make_actor(session, Role.VIEWER), year=2026)
