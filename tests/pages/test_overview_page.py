"""总览 through AppTest: the headline with its week change for each office role (the big screen's
figures), a unit's own scope, the empty ledger, the district sort, the cards' links and the
click-through from a chart to the filtered 台账 (AppTest cannot click a chart: the selection is
simulated where the page reads it, ui.overview_charts.first_pick)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core.access.permissions import SYSTEM
from core.domain import Role, SourceLevel, Status
from core.formatting import format_count, format_percent
from core.ledger import stats
from core.screen import bigscreen
from db.models import Transition
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id
from ui import overview_charts

OVERVIEW, LEDGER = "pages/overview.py", "pages/ledger.py"
OFFICE = [Role.LEADER, Role.COORDINATOR, Role.ADMIN, Role.VIEWER]
LABELS = ["整改任务", "未销号", "已销号", "销号率", "逾期未完成", "久拖不决"]
RED, GREEN, GREY = 0, 1, 2   # streamlit's MetricColor


def ledger(session) -> dict:
    """Six items in 万州区, 渝中区 and 全市, with moves in the last week (one closed, one entered)."""
    today = date.today()
    old = datetime.combine(today - timedelta(days=300), datetime.min.time())
    central = make_inspection(session, level=SourceLevel.CENTRAL)
    overdue = make_item(session, due_on=today - timedelta(days=1), created_at=old, updated_at=old)
    closed = make_item(session, status=Status.CLOSED, closed_on=today - timedelta(days=2),
                       created_at=old, updated_at=datetime.now() - timedelta(days=2),
                       due_on=today - timedelta(days=30), inspection=central)
    session.add(Transition(item_id=closed.id, from_status=Status.IN_PROGRESS, to_status=Status.CLOSED,
                           at=datetime.now() - timedelta(days=2)))
    make_item(session, district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"), due_on=today + timedelta(days=30),
              created_at=old, updated_at=old)
    make_item(session, due_on=today + timedelta(days=60))   # entered now
    make_item(session, district_id=None, lead_unit_id=unit_id(session, "重庆市水利局"),
              due_on=today - timedelta(days=400), assigned_on=today - timedelta(days=500),
              created_at=old, updated_at=old)                 # overdue a year: long-unresolved too
    return {"overdue": overdue, "closed": closed}


def open_overview(app, actor, *, lang: str | None = None):
    at = app(actor)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page(OVERVIEW).run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict:
    return {m.label: m for m in at.metric}


def charts(at) -> dict:
    """Vega-Lite charts by their key; the trend (no selection, so no widget id) as "trend"."""
    return {e.proto.id.rsplit("-", 1)[-1] or "trend": e for e in at.get("vega_lite_chart")}


def chart_data(at, key: str):
    chart = charts(at)[key]
    return convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)


def links(at) -> dict[str, str]:
    return {p.proto.query_string: p.proto.page for p in at.get("page_link")}


def texts(at) -> str:
    return "\n".join([c.value for c in at.caption] + [i.value for i in at.info])


@pytest.mark.parametrize("role", OFFICE)
def test_office_roles_see_the_big_screen_figures_with_the_week_change(app, session, role):
    ledger(session)
    actor = make_actor(session, role)
    session.commit()
    at = open_overview(app, actor)
    head = bigscreen.big_screen(session, actor=SYSTEM, today=date.today()).headline
    shown = metrics(at)
    assert list(shown) == LABELS
    assert shown["整改任务"].value == format_count(head.items.now) == "5"
    assert shown["已销号"].value == "1" and shown["销号率"].value == format_percent(0.2) == "20.0%"
    assert shown["逾期未完成"].value == format_count(head.overdue.now) == "2"
    assert shown["久拖不决"].value == format_count(head.long_unresolved.now)
    # a week ago: 4 items, none closed (the closed one was 整改中 and overdue then)
    assert shown["整改任务"].proto.delta == "+1" and shown["整改任务"].proto.color == GREY
    assert shown["已销号"].proto.delta == "+1" and shown["已销号"].proto.color == GREEN
    assert shown["销号率"].proto.delta == "+20.0 个百分点" and shown["销号率"].proto.color == GREEN
    assert shown["逾期未完成"].proto.delta == "0" and shown["逾期未完成"].proto.color == GREY
    assert shown["未销号"].proto.delta == "0" and shown["未销号"].proto.color == GREY
    assert shown["整改任务"].proto.help == "一周前：4"
    assert "范围：全市" in texts(at) and "变化为与一周前" in texts(at)
    assert set(charts(at)) == {"trend", "overview_districts", "overview_levels", "overview_categories"}
    assert "本月至今" in json.dumps(json.loads(charts(at)["trend"].proto.spec), ensure_ascii=False)
    districts = chart_data(at, "overview_districts")
    assert districts["district"].nunique() == 42            # all 41 and 全市, no scroll box
    assert charts(at)["overview_districts"].proto.selection_mode == ["pick"]


def test_more_overdue_reads_as_bad(app, session):
    today = date.today()
    make_item(session, due_on=today - timedelta(days=3), created_at=datetime(2025, 1, 1),
              updated_at=datetime(2025, 1, 1))                 # overdue now, not a week ago
    actor = make_actor(session, Role.LEADER)
    session.commit()
    overdue = metrics(open_overview(app, actor))["逾期未完成"]
    assert (overdue.value, overdue.proto.delta, overdue.proto.color) == ("1", "+1", RED)


def test_a_unit_sees_only_its_scope(app, session):
    ledger(session)
    actor = make_actor(session, Role.UNIT, unit_id=unit_id(session, "渝中区人民政府"))
    session.commit()
    at = open_overview(app, actor)
    shown = metrics(at)
    assert shown["整改任务"].value == "1" and shown["已销号"].value == "0"
    assert shown["整改任务"].proto.delta == "0"                # the week change, in its own scope
    assert "范围：渝中区政府的整改任务" in texts(at) and "全市" not in texts(at)
    assert set(chart_data(at, "overview_districts")["name"]) == {"渝中区"}
    levels = chart_data(at, "overview_levels")
    assert levels.groupby("level")["items"].sum().to_dict() == {"central": 0, "ministry": 0, "city": 1}


def test_a_unit_with_no_items_is_told_so(app, session):
    ledger(session)
    actor = make_actor(session, Role.UNIT, unit_id=unit_id(session, "重庆市林业局"))
    session.commit()
    at = open_overview(app, actor)
    assert "您的范围内还没有整改任务" in texts(at)
    assert not at.metric and not charts(at)


def test_an_empty_ledger_is_told_so(app, session):
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_overview(app, actor, lang="en")
    assert "The ledger has no items yet" in texts(at)
    assert not at.metric and not charts(at)


def test_english(app, session):
    ledger(session)
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_overview(app, actor, lang="en")
    assert list(metrics(at)) == ["Items", "Open", "Closed", "Closure rate", "Overdue", "Long-unresolved"]
    assert metrics(at)["Closure rate"].proto.delta == "+20.0 pp"
    assert at.query_params["lang"] == "en"
    assert "Changes are since a week ago" in texts(at)


def test_the_sort_choice_orders_and_measures_the_district_bars(app, session):
    ledger(session)
    make_item(session, district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"), status=Status.CLOSED, closed_on=date.today())
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_overview(app, actor)
    sort = at.button_group(key="overview_sort")
    assert sort.value == "rate"
    first = chart_data(at, "overview_districts").sort_values("rank")
    assert list(first["name"][:2]) == ["渝中区", "万州区"]             # 50% before 33.3%
    assert list(first["label"][:2]) == ["50.0%", "33.3%"]
    sort.set_value("overdue").run()
    by_overdue = chart_data(at, "overview_districts").sort_values("rank")
    assert list(by_overdue["name"][:2]) == ["万州区", "全市"]          # 1 each: official order, 全市 last
    assert set(by_overdue["part"]) == {"overdue"}
    sort.set_value("items").run()
    by_items = chart_data(at, "overview_districts").sort_values(["rank", "part_order"])
    assert list(by_items["name"][:2]) == ["万州区", "万州区"]
    assert list(by_items["part"][:2]) == ["closed", "open"]
    # the choice is kept for the session: back from the 台账, the same sort
    at.switch_page(LEDGER).run()
    at.switch_page(OVERVIEW).run()
    assert at.button_group(key="overview_sort").value == "items"


def test_cards_link_to_the_filtered_ledger(app, session):
    ledger(session)
    actor = make_actor(session, Role.LEADER)
    session.commit()
    found = links(open_overview(app, actor))
    assert found == {"closed=1": "ledger", "closed=0": "ledger", "status=closed&closed=1": "ledger",
                     "overdue=1": "ledger", "long=1": "ledger"}


@pytest.fixture
def switched(monkeypatch):
    """Record st.switch_page instead of switching (then stop the run, as switching would)."""
    calls = []

    def fake(page, *, query_params=None):
        calls.append((page, dict(query_params or {})))
        st.stop()

    monkeypatch.setattr(st, "switch_page", fake)
    return calls


def picked_on(monkeypatch, chart_key: str, point: dict) -> None:
    """The chart keyed `chart_key` answers as if `point` had been clicked (the others draw as usual):
    the page reads the selection through ui.overview_charts.first_pick, as it would a real one."""
    original = st.altair_chart

    def clicked(chart, **kwargs):
        if kwargs.get("key") == chart_key:
            return {"selection": {overview_charts.PICK: [point]}}
        return original(chart, **kwargs)

    monkeypatch.setattr(st, "altair_chart", clicked)


@pytest.mark.parametrize(("chart", "point", "sort", "expected"), [
    ("overview_districts", {"district": "1", "part": "rate"}, None, {"district": "1", "closed": "1"}),
    ("overview_districts", {"district": "citywide", "part": "overdue"}, "overdue",
     {"district": "citywide", "overdue": "1"}),
    ("overview_districts", {"district": "3", "part": "long"}, "long", {"district": "3", "long": "1"}),
    ("overview_levels", {"level": "central", "part": "closed"}, None,
     {"level": "central", "status": "closed", "closed": "1"}),
    ("overview_categories", {"category": "water", "part": "open"}, None,
     {"category": "water", "closed": "0"}),
])
def test_a_clicked_bar_switches_to_the_ledger(app, session, monkeypatch, switched, chart, point, sort,
                                              expected):
    ledger(session)
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_overview(app, actor)
    assert switched == []                     # nothing clicked: the page stays
    if sort:
        at.button_group(key="overview_sort").set_value(sort).run()
    picked_on(monkeypatch, chart, point)
    at.run()
    assert switched == [(LEDGER, expected)]


def test_a_click_lands_on_the_ledger_filtered_to_the_district(app, session, monkeypatch):
    ledger(session)
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_overview(app, actor)
    yuzhong = district_id(session, "渝中区")
    picked_on(monkeypatch, "overview_districts", {"district": str(yuzhong), "part": "overdue"})
    at.button_group(key="overview_sort").set_value("overdue").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "整改台账"
    assert at.multiselect(key="ledger_district").value == [yuzhong]
    assert at.toggle(key="ledger_overdue").value is True


# ---------------------------------------------------------------- the mapping itself

@pytest.mark.parametrize(("kind", "picked", "measure", "expected"), [
    ("district", {"district": "7", "part": "rate"}, "rate", {"district": "7", "closed": "1"}),
    ("district", {"district": "7", "part": "overdue"}, "overdue", {"district": "7", "overdue": "1"}),
    ("district", {"district": "citywide", "part": "long"}, "long", {"district": "citywide", "long": "1"}),
    ("district", {"district": "7", "part": "closed"}, "items",
     {"district": "7", "status": "closed", "closed": "1"}),
    ("district", {"district": "7", "part": "open"}, "items", {"district": "7", "closed": "0"}),
    ("district", {"district": "7"}, "items", {"district": "7", "closed": "1"}),
    ("level", {"level": "ministry", "part": "open"}, "items", {"level": "ministry", "closed": "0"}),
    ("category", {"category": "air", "part": "closed"}, "items",
     {"category": "air", "status": "closed", "closed": "1"}),
    ("district", None, "rate", None),
    ("district", {}, "rate", None),
    ("level", {"district": "7"}, "items", None),       # a point of another chart: nothing
])
def test_ledger_params(kind, picked, measure, expected):
    assert overview_charts.ledger_params(kind, picked, measure=measure) == expected


def test_first_pick_reads_both_shapes_of_a_point_selection():
    assert overview_charts.first_pick(None) is None
    assert overview_charts.first_pick({"selection": {"pick": {}}}) is None
    assert overview_charts.first_pick({"selection": {"pick": []}}) is None
    assert overview_charts.first_pick({"selection": {"pick": [{"district": "5", "part": "rate"}]}}) == {
        "district": "5", "part": "rate"}
    assert overview_charts.first_pick({"selection": {"pick": {"district": ["5"], "part": ["open"]}}}) == {
        "district": "5", "part": "open"}


def test_card_params_cover_every_card():
    assert {c: overview_charts.card_params(c) for c in overview_charts.CARDS} == {
        "items": {"closed": "1"}, "open": {"closed": "0"}, "closed": {"status": "closed", "closed": "1"},
        "rate": {"closed": "1"}, "overdue": {"overdue": "1"}, "long": {"long": "1"}}


def test_the_partial_month_is_marked():
    today = date(2026, 6, 10)
    rows = [stats.MonthFlow(date(2026, 5, 1), 4, 3), stats.MonthFlow(date(2026, 6, 1), 1, 0)]
    frame = overview_charts.trend_frame(rows, today=today, lang="zh")
    assert list(frame["month"].unique()) == ["26年5月", "26年6月"]
    partial = frame[frame["partial"]]
    assert set(partial["month"]) == {"26年6月"} and set(partial["note"]) == {"本月至今（截至 6月10日）"}
    assert set(frame[~frame["partial"]]["note"]) == {""}
    spec = json.dumps(overview_charts.trend_chart(rows, today=today, lang="en").to_dict())
    assert "Month to date" in spec and '"labelOverlap": "parity"' in spec
