"""Sign-in: streamlit-authenticator keeps the session cookie; `core.access.users` checks passwords.

Why not the library's own form: its failed-attempt counter does nothing with a credentials dict
rebuilt each run (docs/stack-notes.md), and it does not tell us who failed. So the form is ours, the
password check and throttling run in SQL (`core.access.users.authenticate`), and on success we ask the
library to write its JWT cookie. A cookie issued before the user's last sign-out is refused
server-side (`core.access.users.user_for_cookie`). Everything goes through `current_user()`, so an
identity provider (`st.login`) can replace it later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from core.access import users
from core.access.permissions import SYSTEM, Actor
from ui.common import USER_KEY, db, label, settings, t

COOKIE_NAME = "ledger_auth"
DEMO_COOKIE_KEY = "demo-mode-cookie-key-not-a-secret-at-all"


def _cookie_key() -> str | None:
    try:
        return st.secrets["auth"]["cookie_key"]
    except (KeyError, FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return DEMO_COOKIE_KEY if settings().demo else None


def _authenticator(cookie_key: str) -> stauth.Authenticate:
    with db() as session:
        creds = users.credentials(session)
    return stauth.Authenticate(creds, cookie_name=COOKIE_NAME, cookie_key=cookie_key,
                               cookie_expiry_days=settings().cookie_expiry_days,
                               auto_hash=False, login_sleep_time=0)


def _from_cookie(auth: stauth.Authenticate) -> Actor | None:
    """The user named by a valid, unrevoked cookie, or None."""
    try:
        auth.login(location="unrendered")
    except LoginError:
        return None
    token = auth.cookie_controller.get_cookie()
    if not st.session_state.get("authentication_status") or not token:
        return None
    issued = datetime.fromtimestamp(token["exp_date"]) - timedelta(days=settings().cookie_expiry_days)
    with db() as session:
        user = users.user_for_cookie(session, username=token["username"], issued_at=issued)
        actor = users.actor_for(user) if user else None
    if actor is None:
        st.session_state["authentication_status"] = None
    return actor


def _sign_in_form() -> Actor | None:
    with st.form("sign_in"):
        st.subheader(t("login.title"))
        username = st.text_input(t("login.username"), key="login_username")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if not submitted:
        return None
    if not username or not password:
        st.warning(t("login.empty"))
        return None
    cfg = settings()
    with db() as session:
        result = users.authenticate(session, username=username.strip(), password=password,
                                    now=datetime.now(), max_failed=cfg.max_failed_logins,
                                    lockout_minutes=cfg.lockout_minutes)
        actor = users.actor_for(result.user) if result.ok else None
    if result.locked_until:
        st.error(t("login.locked", until=result.locked_until.strftime("%H:%M")))
    elif actor is None:
        st.error(t("login.failed"))
    return actor


def _demo_accounts() -> None:
    with db() as session:
        users.ensure_demo_accounts(session, actor=SYSTEM)
        accounts = users.list_demo_accounts(session)
    st.info(t("app.demo_banner"))
    st.caption(t("login.demo_accounts", password=users.DEMO_PASSWORD))
    frame = pd.DataFrame([(u, n, label(r, users.Role)) for u, n, r in accounts],
                         columns=[t("login.col.username"), t("login.col.name"), t("login.col.role")])
    st.dataframe(frame, hide_index=True)


def current_user() -> Actor | None:
    """The signed-in actor; renders the sign-in page and returns None when there is none."""
    actor = st.session_state.get(USER_KEY)
    if actor is not None:
        return actor
    key = _cookie_key()
    if key is None:
        st.error(t("login.no_secret"))
        return None
    auth = _authenticator(key)
    st.session_state[USER_KEY] = actor = _from_cookie(auth)
    if actor is None:
        placeholder = st.empty()
        with placeholder.container():
            st.title(t("app.title"))
            st.caption(t("app.subtitle"))
            left, right = st.columns([2, 3])
            with left:
                actor = _sign_in_form()
            if settings().demo and actor is None:
                with right:
                    _demo_accounts()
        if actor is not None:
            placeholder.empty()
            st.session_state.update(authentication_status=True, username=actor.username,
                                    name=actor.display_name)
            # Outside the placeholder, so the cookie component survives; and no st.rerun()
            # after it, or the cookie is never written (docs/stack-notes.md).
            auth.cookie_controller.set_cookie()
        st.session_state[USER_KEY] = actor
    return actor


def sign_out(actor: Actor) -> None:
    """Revoke the user's cookies server-side, delete ours, forget the session."""
    with db() as session:
        if actor.id is not None:
            users.revoke_sessions(session, user_id=actor.id, now=datetime.now())
    key = _cookie_key()
    if key:
        auth = _authenticator(key)
        auth.authentication_controller.logout()
        auth.cookie_controller.delete_cookie()
    st.session_state[USER_KEY] = None
