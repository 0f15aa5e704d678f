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
    assert any("锁定" in e.value for e in at.error)


def test_demo_mode_lists_one_account_per_role(app):
    at = app(demo=True)
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == len(DEMO_ACCOUNTS)        # one per role, and two receivers of referrals
    sign_in(at, "demo_unit", "demo1234")
    assert at.session_state["user"].role is Role.UNIT


def test_without_demo_mode_there_are_no_default_accounts(app):
    at = app()
    at.run()
    assert len(at.dataframe) == 0
    sign_in(at, "demo_admin", "demo1234")
    assert at.session_state["user"] is None
