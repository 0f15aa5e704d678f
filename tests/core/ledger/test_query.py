from datetime import date, timedelta

import pytest

from core.access.permissions import SYSTEM
from core.domain import Category, Role, SourceLevel, Status
from core.ledger.query import LedgerFilter, Sort, list_items
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

TODAY = date(2026, 6, 1)


def codes(page):
    return [r.code for r in page.rows]


def test_closed_items_hidden_by_default(session):
    make_item(session, code="A", status=Status.CLOSED)
    make_item(session, code="B")
    assert codes(list_items(session, actor=SYSTEM, flt=LedgerFilter(), today=TODAY)) == ["B"]
    shown = list_items(session, actor=SYSTEM, flt=LedgerFilter(include_closed=True), today=TODAY)
    assert sorted(codes(shown)) == ["A", "B"]
    only = list_items(session, actor=SYSTEM, flt=LedgerFilter(statuses=(Status.CLOSED,)), today=TODAY)
    assert codes(only) == ["A"]


def test_filters_combine(session):
    central = make_inspection(session, level=SourceLevel.CENTRAL)
    make_item(session, code="W1", inspection=central, category=Category.AIR)
    make_item(session, code="W2", category=Category.AIR)
    make_item(session, code="Y1", inspection=central, category=Category.AIR,
              district_id=district_id(session, "渝中区"), lead_unit_id=unit_id(session, "渝中区人民政府"))
    make_item(session, code="C1", district_id=None, inspection=central, category=Category.AIR)
    flt = LedgerFilter(district_ids=(district_id(session, "万州区"), None),
                       levels=(SourceLevel.CENTRAL,), categories=(Category.AIR,))
    assert sorted(codes(list_items(session, actor=SYSTEM, flt=flt, today=TODAY))) == ["C1", "W1"]


def test_overdue_and_search(session):
    make_item(session, code="OLD", due_on=TODAY - timedelta(days=3), description="渗滤液外溢")
    make_item(session, code="NEW", due_on=TODAY + timedelta(days=3), description="扬尘管控")
    page = list_items(session, actor=SYSTEM, flt=LedgerFilter(overdue_only=True), today=TODAY)
    assert codes(page) == ["OLD"] and page.rows[0].days_overdue == 3
    assert codes(list_items(session, actor=SYSTEM, flt=LedgerFilter(search="扬尘"), today=TODAY)) == ["NEW"]
    assert codes(list_items(session, actor=SYSTEM, flt=LedgerFilter(search="100%"), today=TODAY)) == []


def test_paging_is_stable_and_counts_the_total(session):
    for i in range(7):
        make_item(session, code=f"P{i}", due_on=date(2026, 7, 1))
    pages = [list_items(session, actor=SYSTEM, flt=LedgerFilter(), today=TODAY, page=p, page_size=3)
             for p in (1, 2, 3, 4)]
    assert [len(p.rows) for p in pages] == [3, 3, 1, 0]
    assert pages[0].total == 7 and pages[0].pages == 3
    assert sorted(sum((codes(p) for p in pages), [])) == [f"P{i}" for i in range(7)]


def test_sort_descending(session):
    make_item(session, code="E", due_on=date(2026, 1, 1))
    make_item(session, code="L", due_on=date(2026, 9, 1))
    make_item(session, code="N", due_on=None, is_ongoing=True)
    page = list_items(session, actor=SYSTEM, flt=LedgerFilter(), today=TODAY,
                      sort=Sort("due_on", descending=True))
    assert codes(page) == ["L", "E", "N"]
    ascending = list_items(session, actor=SYSTEM, flt=LedgerFilter(), today=TODAY, sort=Sort("due_on"))
    assert codes(ascending) == ["E", "L", "N"]  # no date goes last either way
    with pytest.raises(ValueError):
        Sort("description; drop table item")


def test_unit_sees_only_own_items(session):
    make_item(session, code="MINE")
    make_item(session, code="THEIRS", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    assert codes(list_items(session, actor=unit, flt=LedgerFilter(), today=TODAY)) == ["MINE"]
