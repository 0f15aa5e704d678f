"""Sign-in, the sign-in cookie, and the check every run makes that the session still holds.

The password check and throttling run in SQL (`core.access.users.authenticate`). The cookie is
ours, not a script's: after a successful sign-in the page holds a one-minute claim (an invisible
image) that the browser exchanges at `/_ledger/session` for the cookie, which the server sets
HttpOnly and SameSite=Strict (Secure behind HTTPS; `ui.web`). A new browser session reads it from
the WebSocket handshake (`st.context.cookies`). A cookie issued before the user's last sign-out or
an admin's change is refused server-side (`core.access.users.user_for_cookie`), and an open
session re-reads its account on every run (`core.access.accounts.check_session`): a disabled
account, a new role, unit or district, or a revocation ends it at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from core.access import users
from core.access.permissions import SYSTEM, Actor
from core.access.session_tokens import CLAIM, SESSION, CookieKeyError, issue, read
from ui import web
from ui.common import BEGAN_KEY, ENDED_KEY, USER_KEY, checked_actor, db, label, settings, t
from ui.forms import in_language

CLAIM_KEY = "cookie_claim"         # (nonce, token, expires): the cookie the browser has yet to fetch
WANTED_KEY = "cookie_wanted"       # set by a sign-in through the form: a cookie claim is due
CLEAR_KEY = "clear_cookie"         # after a sign-out: the browser is asked to drop the cookie
CLAIM_LIFETIME = timedelta(minutes=1)


def _from_cookie(key: str) -> Actor | None:
    """The user named by this browser's valid, unrevoked sign-in cookie, or None."""
    now = datetime.now()
    claims = read(key=key, token=st.context.cookies.get(web.COOKIE_NAME), kind=SESSION, now=now)
    if claims is None:
        return None
    with db() as session:
        user = users.user_for_cookie(session, username=claims.username, issued_at=claims.issued_at,
                                     demo_mode=settings().demo)
        actor = users.actor_for(user) if user else None
    if actor is not None:
        st.session_state.update({USER_KEY: actor, BEGAN_KEY: claims.issued_at})
    return actor


def _client_address() -> str | None:
    """The browser's address (behind the proxy: the one it forwards); None on the server itself.
    Only a str counts (AppTest's context holds mocks)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


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
    return _authenticate(username.strip(), password)


def _authenticate(username: str, password: str) -> Actor | None:
    """Sign in through core (throttled, demo accounts only in demo mode); say why not."""
    cfg, now = settings(), datetime.now()
    with db() as session:
        result = users.authenticate(session, username=username, password=password, now=now,
                                    max_failed=cfg.max_failed_logins, lockout_minutes=cfg.lockout_minutes,
                                    client=_client_address(),
                                    client_max_failed=cfg.max_failed_per_client, demo_mode=cfg.demo)
        actor = users.actor_for(result.user) if result.ok else None
    if result.locked_until:
        st.error(t("login.locked", until=result.locked_until.strftime("%H:%M")))
    elif actor is None:
        st.error(t("login.failed"))
    else:
        st.session_state[BEGAN_KEY] = now
    return actor


def _demo_accounts() -> Actor | None:
    """Demo mode: one button per demo account signs in with one click (the same sign-in as the
    form, with the demo password), and the accounts' table for those who type."""
    with db() as session:
        users.ensure_demo_accounts(session, actor=SYSTEM)
        shown = users.list_demo_accounts(session)
    st.info(t("app.demo_banner"))
    st.caption(t("login.demo_one_click"))
    chosen = None
    for username, name, role in shown:    # one per row: the longest names fit at 1366 px
        if st.button(f"{label(role, users.Role)} · {name}", key=f"demo_sign_in_{username}",
                     icon=":material/login:", width="stretch"):
            chosen = username
    st.caption(t("login.demo_accounts", password=users.DEMO_PASSWORD))
    frame = pd.DataFrame([(u, n, label(r, users.Role)) for u, n, r in shown],
                         columns=[t("login.col.username"), t("login.col.name"), t("login.col.role")])
    st.dataframe(frame, hide_index=True)
    return _authenticate(chosen, users.DEMO_PASSWORD) if chosen else None


def _sign_in_page() -> Actor | None:
    """The sign-in page; the actor once the form signs someone in (the page is then cleared)."""
    placeholder = st.empty()
    with placeholder.container():
        st.title(t("app.title"))
        st.caption(t("app.subtitle"))
        if st.session_state.pop(ENDED_KEY, None):
            st.info(t("login.session_ended"), icon=":material/logout:")
        left, right = st.columns([2, 3])
        with left:
            actor = _sign_in_form()
        if settings().demo and actor is None:
            with right:
                actor = _demo_accounts()
    if st.session_state.get(CLEAR_KEY):
        st.html(web.image_tag(web.SIGN_OUT_PATH))   # the browser drops the (already revoked) cookie
    if actor is not None:
        placeholder.empty()
        st.session_state.pop(CLEAR_KEY, None)
    return actor


def _offer_cookie(key: str, actor: Actor) -> None:
    """Until the browser has fetched it (or a minute has passed), show the claim that it exchanges
    for the HttpOnly cookie; an <img> needs no script, so the page's CSP allows no inline script."""
    claim = st.session_state.get(CLAIM_KEY)
    now = datetime.now()
    if claim is None and st.session_state.pop(WANTED_KEY, False):
        nonce = secrets.token_urlsafe(16)
        token = issue(key=key, username=actor.username, kind=CLAIM, now=now, lifetime=CLAIM_LIFETIME,
                      nonce=nonce)
        claim = st.session_state[CLAIM_KEY] = (nonce, token, now + CLAIM_LIFETIME)
    if claim is None:
        return
    nonce, token, expires = claim
    if web.was_claimed(nonce) or now >= expires:
        st.session_state.pop(CLAIM_KEY, None)
        return
    st.sidebar.html(web.image_tag(web.SESSION_PATH, claim=token))


def current_user() -> Actor | None:
    """The signed-in actor, re-checked against the database on every run; renders the sign-in
    page and returns None when there is none. With an unusable cookie key (outside demo mode)
    nothing but that error is shown."""
    try:
        key = web.configured_cookie_key()
    except CookieKeyError as exc:
        st.error(in_language(str(exc)), icon=":material/key_off:")
        return None
    actor = checked_actor() or _from_cookie(key)
    if actor is None:
        actor = _sign_in_page()
        st.session_state[USER_KEY] = actor
        st.session_state[WANTED_KEY] = actor is not None
    if actor is not None:
        _offer_cookie(key, actor)
    return actor


def _forget() -> None:
    st.session_state[USER_KEY] = None
    for name in (BEGAN_KEY, CLAIM_KEY):
        st.session_state.pop(name, None)


def sign_out(actor: Actor) -> None:
    """Revoke the user's cookies server-side (on every device), forget the session, and have the
    browser drop its cookie on the sign-in page that follows."""
    with db() as session:
        if actor.id is not None:
            users.revoke_sessions(session, user_id=actor.id, now=datetime.now())
    _forget()
    st.session_state[CLEAR_KEY] = True
