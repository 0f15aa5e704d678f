"""Page logic through AppTest: the overview's figures, account creation and its refusals."""

from datetime import date, timedelta

from sqlalchemy import select

from core.domain import Role, Status
from db.models import User
from tests.factories import district_id, make_actor, make_item, unit_id


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_shows_the_ledger_counts(app, session):
    yesterday = date.today() - timedelta(days=1)
    make_item(session, due_on=yesterday)
    make_item(session, status=Status.CLOSED)
    make_item(session, district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"), due_on=date.today() + timedelta(days=30))
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = app(actor)
    at.run()
    assert not at.exception
    shown = metrics(at)
    assert {k: shown[k] for k in ("整改任务", "未销号", "已销号", "逾期未完成")} == {
        "整改任务": "3", "未销号": "2", "已销号": "1", "逾期未完成": "1"}
    assert shown["销号率"].startswith("33.3")   # districts are charts: tests/pages/test_overview_page.py


def test_unit_overview_counts_only_own_items(app, session):
    make_item(session)
    make_item(session, district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"))
    actor = make_actor(session, Role.UNIT, unit_id=unit_id(session, "渝中区人民政府"))
    session.commit()
    at = app(actor)
    at.run()
    at.switch_page("pages/overview.py").run()  # a unit lands on 我的待办
    assert metrics(at)["整改任务"] == "1"
    assert any(c.value.startswith("范围：渝中区政府的整改任务") for c in at.caption)


def test_empty_ledger_says_so(app, session):
    actor = make_actor(session, Role.VIEWER)
    session.commit()
    at = app(actor)
    at.run()
    assert "台账中还没有整改任务" in [i.value for i in at.info]


def fill_user_form(at, username, password, role=Role.VIEWER):
    at.text_input(key="new_username").input(username)
    at.text_input(key="new_display_name").input("新用户")
    at.text_input(key="new_password").input(password)
    at.selectbox(key="new_role").set_value(role)
    next(b for b in at.button if b.key != "sign_out").click()
    return at.run()


def test_admin_creates_an_account(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = app(admin)
    at.run()
    at.switch_page("pages/users.py").run()
    fill_user_form(at, "newbie", "long-password")
    assert not at.exception
    assert [s.value for s in at.success] == ["已创建账号 newbie"]
    session.expire_all()
    assert session.scalar(select(User.role).where(User.username == "newbie")) == Role.VIEWER
    assert "newbie" in list(at.dataframe[0].value["用户名"])


def test_bad_account_input_is_explained_and_nothing_created(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = app(admin)
    at.run()
    at.switch_page("pages/users.py").run()
    fill_user_form(at, "unit_user", "short", role=Role.UNIT)
    errors = " ".join(e.value for e in at.error)
    assert "密码" in errors and "所属单位" in errors        # named in the reader's language
    assert "password" not in errors
    session.expire_all()
    assert session.scalar(select(User.id).where(User.username == "unit_user")) is None
