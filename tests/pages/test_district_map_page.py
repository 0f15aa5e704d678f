"""区县地图 (pages/district_map.py) through AppTest: a click on the map picks a district, its list
opens an item when a row is ticked, and a link opens the 台账 filtered to the district."""

from __future__ import annotations

from datetime import date, timedelta

from core.domain import Role, Status
from db.models import Item
from tests.factories import district_id, make_actor, make_item, unit_id

MAP = "pages/district_map.py"


def ledger(session) -> dict[str, int]:
    """Two open items in 渝中区, one closed there, three in 万州区: item ids by description."""
    yuzhong = dict(district_id=district_id(session, "渝中区"),
                   lead_unit_id=unit_id(session, "渝中区人民政府"))
    soon = date.today() + timedelta(days=30)
    made = [make_item(session, description="渝中区的新问题", due_on=soon, **yuzhong),
            make_item(session, description="渝中区的逾期问题", due_on=date.today() - timedelta(days=5),
                      **yuzhong),
            make_item(session, description="渝中区的已销号问题", status=Status.CLOSED,
                      closed_on=date.today(), **yuzhong)]
    made += [make_item(session, description=f"万州问题{n}", due_on=soon) for n in range(3)]
    session.commit()
    return {item.description: item.id for item in made}


def open_map(app, session):
    at = app(make_actor(session, Role.COORDINATOR))
    session.commit()
    at.run()
    at.switch_page(MAP).run()
    assert not at.exception, at.exception
    return at


def click_map(at, code: str):
    """What a click on a district sends back: the pydeck selection (the GeoJSON feature picked)."""
    at.session_state["district_map_chart"] = {"selection": {
        "indices": {"districts": [0]},
        "objects": {"districts": [{"type": "Feature", "properties": {"code": code}}]}}}
    at.run()
    assert not at.exception, at.exception
    return at


def descriptions(at) -> list[str]:
    return list(at.dataframe[0].value["问题描述"])


def page_links(at) -> list:
    return [e.proto for e in at.get("page_link")]


def test_a_click_on_a_district_lists_its_items_with_a_row_to_pick(app, session):
    ids = ledger(session)
    at = open_map(app, session)
    assert not at.dataframe   # nothing picked yet
    click_map(at, "500103")   # 渝中区
    assert at.selectbox(key="map_district").value == district_id(session, "渝中区")
    assert at.subheader[0].value == "渝中区"
    assert sorted(descriptions(at)) == ["渝中区的新问题", "渝中区的逾期问题"]   # open ones
    table = at.dataframe[0].proto
    assert table.selection_mode == [table.SelectionMode.SINGLE_ROW]   # a tick column to open a row
    assert "勾选一行即可打开该任务" in [c.value for c in at.caption]
    assert set(ids) >= set(descriptions(at))


def test_an_unknown_click_changes_nothing(app, session):
    ledger(session)
    at = open_map(app, session)
    click_map(at, "999999")
    assert at.selectbox(key="map_district").value is None and not at.dataframe


def test_a_ticked_row_opens_its_item(app, session):
    ids = ledger(session)
    at = open_map(app, session)
    click_map(at, "500103")
    at.segmented_control(key="map_show").set_value("overdue").run()
    assert descriptions(at) == ["渝中区的逾期问题"]
    at.session_state["map_items"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["id"] == str(ids["渝中区的逾期问题"])   # the item page, on this item
    assert not at.get("deck_gl_json_chart")
    code = session.get(Item, ids["渝中区的逾期问题"]).code
    assert at.title[0].value == f"整改任务 {code}"


def test_the_ledger_link_carries_the_district(app, session):
    ledger(session)
    at = open_map(app, session)
    assert not page_links(at) or all("district=" not in link.query_string for link in page_links(at))
    click_map(at, "500103")
    yuzhong = district_id(session, "渝中区")
    [link] = [p for p in page_links(at) if p.label == "在台账中查看"]
    assert link.page == "ledger"   # the 台账's URL path
    assert link.query_string == f"district={yuzhong}"
    at.selectbox(key="map_district").set_value(district_id(session, "万州区")).run()
    [link] = [p for p in page_links(at) if p.label == "在台账中查看"]
    assert link.query_string == f"district={district_id(session, '万州区')}"


def test_the_map_page_reads_in_english(app, session):
    ledger(session)
    at = app(make_actor(session, Role.COORDINATOR))
    session.commit()
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(MAP).run()
    click_map(at, "500103")
    assert [p.label for p in page_links(at) if "district=" in p.query_string] == ["Open in the ledger"]
    assert "Tick a row to open the item" in [c.value for c in at.caption]
