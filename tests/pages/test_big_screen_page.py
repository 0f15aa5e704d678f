"""Kiosk flows, the big screen, the district map's drill-down and the kiosk-token admin page,
through AppTest (the browser test covers what only a browser shows)."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import Role, Status
from core.formatting import format_count, format_percent
from core.screen import bigscreen, kiosk
from db.models import KioskToken
from tests.factories import district_id, make_actor, make_item, unit_id

BIG_SCREEN = "pages/big_screen.py"
TITLE = "重庆市生态环境保护督察整改大屏"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def html(at) -> str:
    return " ".join(str(getattr(e, "proto", e)) for e in at.get("html"))


def ledger(session) -> None:
    long_ago = date.today() - timedelta(days=400)
    for n in range(8):  # long-unresolved: overdue for a year, no progress since
        make_item(session, due_on=long_ago, assigned_on=long_ago - timedelta(days=n),
                  description=f"久拖问题{n}")
    make_item(session, status=Status.CLOSED, closed_on=date.today(), assigned_on=long_ago)
    make_item(session, district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"), due_on=date.today() + timedelta(days=30),
              latest_progress_on=date.today(), assigned_on=date.today(), description="渝中区的新问题")


def token(session, name="三楼会议室") -> str:
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    issued = kiosk.create_token(session, actor=admin, name=name, now=datetime.now())
    session.commit()
    return issued.token


def signed_out(at) -> bool:
    labels = [w.label for w in at.text_input]
    return "用户名" in labels and "密码" in labels


def test_a_valid_token_shows_the_big_screen_without_signing_in(app, session):
    ledger(session)
    secret = token(session)
    at = app()
    at.query_params["kiosk"] = secret
    at.run()
    assert not at.exception
    assert at.title[0].value == TITLE and not signed_out(at)
    assert "user" not in at.session_state or at.session_state["user"] is None
    figures = bigscreen.big_screen(session, actor=SYSTEM, today=date.today()).headline
    shown = metrics(at)
    assert shown["整改任务"] == format_count(figures.items.now) == "10"
    assert shown["已销号"] == "1" and shown["销号率"] == format_percent(0.1) == "10.0%"
    assert shown["逾期未完成"] == format_count(figures.overdue.now) == "8"
    assert shown["久拖不决"] == format_count(figures.long_unresolved.now) == "8"
    assert "平均销号用时" in shown
    assert not [b for b in at.button]  # nothing to click on a wall screen (no sign-out either)
    assert not at.get("page_link")     # nor a way back
    session.expire_all()
    assert session.scalar(select(KioskToken.last_used_at)) is not None


def test_a_kiosk_opens_nothing_but_the_big_screen(app, session):
    secret = token(session)
    at = app()
    at.query_params["kiosk"] = secret
    at.run()
    for page in ("pages/overview.py", "pages/users.py", "pages/kiosk_tokens.py", "pages/district_map.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


@pytest.mark.parametrize("given", ["not-a-token", ""])
def test_an_unknown_token_gets_the_sign_in_page(app, session, given):
    token(session)
    at = app()
    at.query_params["kiosk"] = given
    at.run()
    assert not at.exception
    assert signed_out(at) and not at.metric
    assert TITLE not in [t.value for t in at.title]


def test_a_revoked_token_gets_the_sign_in_page_at_the_next_refresh(app, session):
    ledger(session)
    secret = token(session)
    at = app()
    at.query_params["kiosk"] = secret
    at.run()
    assert at.title[0].value == TITLE
    admin = make_actor(session, Role.ADMIN)
    kiosk.revoke_token(session, actor=admin, name="三楼会议室", now=datetime.now())
    session.commit()
    at.run()
    assert not at.exception
    assert signed_out(at) and not at.metric


def test_the_rolling_list_turns_a_page_per_refresh_and_keeps_its_place(app, session):
    ledger(session)
    at = app(make_actor(session, Role.LEADER))
    session.commit()
    at.run()
    at.switch_page(BIG_SCREEN).run()
    pages = []
    for _ in range(3):
        pages.append("第 1/2 页" in html(at))
        at.run()
    assert pages == [True, False, True]
    assert at.session_state["big_screen_worst_page"] == 3


def test_figures_are_computed_once_per_revision(app, session, monkeypatch):
    ledger(session)
    leader = make_actor(session, Role.LEADER)
    session.commit()
    calls = []
    original = bigscreen.big_screen
    monkeypatch.setattr(bigscreen, "big_screen", lambda *a, **k: calls.append(1) or original(*a, **k))
    at = app(leader)
    at.run()
    at.switch_page(BIG_SCREEN).run()
    at.run()
    assert len(calls) == 1
    make_item(session)  # an audited write bumps the revision; a factory does not, so bump it
    from core.access import audit
    audit.bump_revision(session)
    session.commit()
    at.run()
    assert len(calls) == 2 and metrics(at)["整改任务"] == "11"


def test_signed_in_leader_sees_the_big_screen_with_a_way_back(app, session):
    ledger(session)
    at = app(make_actor(session, Role.LEADER))
    session.commit()
    at.run()
    at.switch_page(BIG_SCREEN).run()
    assert not at.exception and at.title[0].value == TITLE
    assert metrics(at)["整改任务"] == "10"
    [back] = [e.proto for e in at.get("page_link")]   # in the header row, not below the screen
    assert back.label == "返回总览" and back.page_script_hash


def test_average_days_to_close_read_in_whole_days(app, session):
    ledger(session)
    at = app(make_actor(session, Role.LEADER))
    session.commit()
    at.run()
    at.switch_page(BIG_SCREEN).run()
    assert re.fullmatch(r"\d[\d,]* 天", metrics(at)["平均销号用时"])   # "438 天", not "437.6 天"
    assert "stElementToolbar" in html(at)   # the fullscreen button is hidden on this page


def test_map_page_drills_down_to_a_districts_items(app, session):
    ledger(session)
    at = app(make_actor(session, Role.COORDINATOR))
    session.commit()
    at.run()
    at.switch_page("pages/district_map.py").run()
    assert not at.exception and at.title[0].value == "区县地图"
    assert not at.dataframe  # nothing picked yet
    at.selectbox(key="map_district").set_value(district_id(session, "渝中区")).run()
    table = at.dataframe[0].value
    assert list(table["问题描述"]) == ["渝中区的新问题"]
    assert "渝中区：任务 1，未销号 1，逾期 0" in " ".join(c.value for c in at.caption)
    at.selectbox(key="map_district").set_value(district_id(session, "万州区")).run()
    assert len(at.dataframe[0].value) == 8  # open items; the closed one is hidden
    at.segmented_control(key="map_show").set_value("all").run()
    assert len(at.dataframe[0].value) == 9
    at.segmented_control(key="map_show").set_value("overdue").run()
    assert set(at.dataframe[0].value["问题描述"]) == {f"久拖问题{n}" for n in range(8)}
    at.selectbox(key="map_district").set_value(district_id(session, "两江新区")).run()
    assert "没有符合条件的整改任务" in [i.value for i in at.info]


def test_admin_issues_and_revokes_a_token_on_the_page(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = app(admin)
    at.run()
    at.switch_page("pages/kiosk_tokens.py").run()
    at.text_input(key="kiosk_name").input("大厅大屏")
    next(b for b in at.button if b.key != "sign_out" and "FormSubmitter" in str(b.id)).click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("已签发令牌“大厅大屏”")
    url = at.code[0].value
    assert url.startswith("/big-screen?kiosk=") or "/big-screen?kiosk=" in url
    issued = url.split("kiosk=", 1)[1]
    assert kiosk.verify_token(session, token=issued, now=datetime.now()).display_name == "大厅大屏"
    session.commit()
    at.selectbox(key="kiosk_revoke_name").set_value("大厅大屏")
    at.button(key="kiosk_revoke").click().run()
    assert "已吊销令牌“大厅大屏”" in [s.value for s in at.success]
    session.expire_all()
    assert kiosk.verify_token(session, token=issued, now=datetime.now()) is None
    assert list(at.dataframe[0].value["有效"]) == [False]


def test_duplicate_token_name_is_explained_on_the_page(app, session):
    token(session, "大厅大屏")
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = app(admin)
    at.run()
    at.switch_page("pages/kiosk_tokens.py").run()
    at.text_input(key="kiosk_name").input("大厅大屏")
    next(b for b in at.button if b.key != "sign_out" and "FormSubmitter" in str(b.id)).click()
    at.run()
    assert "已被使用" in at.error[0].value and not at.code
