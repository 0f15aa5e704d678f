"""Sign-in through the real form (AppTest): refusal, success, lock-out, demo accounts."""

from core.access.users import DEMO_ACCOUNTS
from core.domain import Role
from core.i18n import translate
from tests.factories import make_user


def sign_in(at, username, password):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


def test_wrong_password_is_refused_and_right_one_signs_in(app, session):
    make_user(session, username="coord", password="right-password", role=Role.COORDINATOR)
    session.commit()
    at = app()
    at.run()
    assert at.text_input(key="login_username") is not None
    sign_in(at, "coord", "wrong-password")
    assert translate("login.failed") in [e.value for e in at.error]
    assert at.session_state["user"] is None
    sign_in(at, "coord", "right-password")
    assert not at.exception
    assert at.session_state["user"].username == "coord"
    assert translate("my_actions.title") in [t.value for t in at.title]  # a coordinator's landing page


def test_lock_out_after_repeated_failures(app, session, monkeypatch):
    monkeypatch.setenv("LEDGER_MAX_FAILED_LOGINS", "2")
    make_user(session, username="victim", password="right-password")
    session.commit()
    at = app()
    at.run()
    sign_in(at, "victim", "bad-1")
    sign_in(at, "victim", "bad-2")
    sign_in(at, "victim", "right-password")
    assert at.session_state["user"] is None
    assert any("暂停" in e.value for e in at.error)


def test_demo_mode_lists_one_account_per_role(app):
    at = app(demo=True)
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == len(DEMO_ACCOUNTS)        # one per role, and two receivers of referrals
    sign_in(at, "demo_unit", "demo1234")
    assert at.session_state["user"].role is Role.UNIT


def test_demo_mode_signs_in_with_one_click_per_account(app):
    for username, _, role in DEMO_ACCOUNTS:
        at = app(demo=True)
        at.run()
        at.button(key=f"demo_sign_in_{username}").click()
        at.run()
        assert not at.exception
        assert at.session_state["user"].username == username and at.session_state["user"].role is role


def test_a_demo_button_whose_password_was_changed_is_refused(app, session):
    from core.access.permissions import SYSTEM
    from core.access.users import ensure_demo_accounts, hash_password
    from db.models import User
    ensure_demo_accounts(session, actor=SYSTEM)
    admin = session.query(User).filter_by(username="demo_admin").one()
    admin.password_hash = hash_password("other-pass")
    session.commit()
    at = app(demo=True)
    at.run()
    at.button(key="demo_sign_in_demo_admin").click()
    at.run()
    assert at.session_state["user"] is None
    assert translate("login.failed") in [e.value for e in at.error]


def test_without_demo_mode_there_are_no_default_accounts(app):
    at = app()
    at.run()
    assert len(at.dataframe) == 0
    assert not [b for b in at.button if (b.key or "").startswith("demo_sign_in_")]
    sign_in(at, "demo_admin", "demo1234")
    assert at.session_state["user"] is None


# ---------------------------------------------------------------- issue 10: what a probe found

def admin_change(session, user_id, change: str):
    """What another admin does to the account meanwhile (committed, as from another server)."""
    from datetime import datetime

    from core.access import accounts
    from core.access.permissions import SYSTEM
    from db.models import User
    user = session.get(User, user_id, populate_existing=True)
    if change == "demote":
        accounts.change_role(session, actor=SYSTEM, user_id=user_id, role=Role.VIEWER, unit_id=None,
                             district_id=None, expected_version=user.version, now=datetime.now())
    elif change == "disable":
        accounts.set_active(session, actor=SYSTEM, user_id=user_id, active=False,
                            expected_version=user.version, now=datetime.now())
    else:
        accounts.sign_out_everywhere(session, actor=SYSTEM, user_id=user_id, now=datetime.now())
    session.commit()


import pytest  # noqa: E402


@pytest.mark.parametrize("change", ["demote", "disable", "sign_out_everywhere"])
def test_an_open_session_ends_when_an_admin_changes_the_account(app, session, change):
    make_user(session, username="boss", password="right-password", role=Role.ADMIN)
    victim = make_user(session, username="victim", password="right-password", role=Role.ADMIN)
    session.commit()
    at = app()
    at.run()
    sign_in(at, "victim", "right-password")
    assert at.session_state["user"].role is Role.ADMIN
    assert translate("overview.title") in [t.value for t in at.title]
    admin_change(session, victim.id, change)
    at.run()  # the open tab's next run (a click anywhere, a refresh)
    assert not at.exception
    assert at.session_state["user"] is None
    assert translate("overview.title") not in [t.value for t in at.title]
    assert translate("login.session_ended") in [i.value for i in at.info]


def test_a_disabled_unit_user_cannot_keep_reporting_from_an_open_tab(app, session):
    from tests.factories import unit_id
    unit = make_user(session, username="reporter", password="right-password", role=Role.UNIT,
                     unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    at = app()
    at.run()
    sign_in(at, "reporter", "right-password")
    assert translate("my_actions.title") in [t.value for t in at.title]
    admin_change(session, unit.id, "disable")
    at.run()
    assert at.session_state["user"] is None
    assert translate("my_actions.title") not in [t.value for t in at.title]


def test_demo_accounts_left_by_a_demo_run_do_not_sign_in_without_demo_mode(app, session):
    from core.access.permissions import SYSTEM
    from core.access.users import DEMO_PASSWORD, ensure_demo_accounts
    ensure_demo_accounts(session, actor=SYSTEM)
    session.commit()
    at = app()
    at.run()
    sign_in(at, "demo_admin", DEMO_PASSWORD)
    assert at.session_state["user"] is None
    assert translate("login.failed") in [e.value for e in at.error]


@pytest.mark.parametrize("key", ["changeme", "", "demo-mode-cookie-key-not-a-secret-at-all"])
def test_a_weak_or_empty_cookie_key_serves_nothing_but_a_clear_error(app, session, key):
    make_user(session, username="coord", password="right-password")
    session.commit()
    at = app()
    at.secrets["auth"] = {"cookie_key": key}
    at.run()
    assert not at.exception
    assert "cookie_key" in at.error[0].value or "登录密钥" in at.error[0].value
    assert len(at.text_input) == 0 and len(at.button) == 0


def test_missing_and_existing_accounts_answer_alike(app, session, monkeypatch):
    monkeypatch.setenv("LEDGER_MAX_FAILED_LOGINS", "2")
    make_user(session, username="alice", password="right-password")
    session.commit()
    said = {}
    for name in ("alice", "nobody"):
        at = app()
        at.run()
        said[name] = [[e.value for e in sign_in(at, name, "wrong").error] for _ in range(3)]
    assert said["alice"] == said["nobody"]
    assert "暂停" in said["nobody"][-1][0]
