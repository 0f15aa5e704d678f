"""Language, settings and database access for pages (the only Streamlit-aware helpers)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NoReturn

import streamlit as st
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from core import i18n
from core.access import accounts, audit
from core.access.permissions import Actor
from core.settings import Settings, load_settings
from db.engine import session_scope

log = logging.getLogger(__name__)
LANG_KEY = "lang"            # the session_state key and the URL's query parameter
LANGS = ("zh", "en")
USER_KEY = "user"
BEGAN_KEY = "session_began_at"     # when this session's sign-in happened (or its cookie was issued)
ENDED_KEY = "session_ended"        # why the last session ended, said once on the sign-in page


def settings() -> Settings:
    """Settings read from the environment on each run (cheap; keeps tests' env changes visible)."""
    return load_settings()


# The database cannot be reached (stopped, restarting, network gone) or is busy (SQLite's lock):
# the run stops with a message; nothing was written (the transaction rolled back), the session
# survives, and the next run tries again (pool_pre_ping replaces dead connections).
UNAVAILABLE = (OperationalError, InterfaceError)


@contextmanager
def db() -> Iterator[Session]:
    """A transaction on the configured ledger; if the database is unreachable, the page says so
    (in the user's language, no traceback) and this run stops."""
    try:
        with session_scope(settings().database_url) as session:
            yield session
    except UNAVAILABLE as exc:
        database_unavailable(exc)


def database_unavailable(exc: Exception) -> NoReturn:
    """Say that the ledger cannot be reached now and stop the run (the error goes to the log)."""
    log.warning("database unavailable: %s", str(exc).splitlines()[0][:300])
    st.error(t("error.database"), icon=":material/cloud_off:")
    st.button(t("error.database_retry"), key=f"db_retry_{id(exc)}", icon=":material/refresh:")
    st.stop()


def lang() -> str:
    """The session's language: chosen by the switch, else the URL's `?lang=en` (a reload or a
    shared link keeps English), else Chinese."""
    chosen = st.session_state.get(LANG_KEY)
    if chosen not in LANGS:
        chosen = "en" if st.query_params.get(LANG_KEY) == "en" else "zh"
        st.session_state[LANG_KEY] = chosen
    return chosen


def t(key: str, **values) -> str:
    """A catalogue string in the session's language."""
    return i18n.translate(key, lang(), **values)


def label(member, enum=None) -> str:
    return i18n.label(member, enum, lang())


def checked_actor() -> Actor | None:
    """The session's actor, re-read from the database on this run; None when there is none or
    the session has just ended (an admin disabled the account, changed its role, unit or
    district, or signed it out everywhere; see core.access.accounts.check_session)."""
    actor = st.session_state.get(USER_KEY)
    if actor is None:
        return None
    began = st.session_state.setdefault(BEGAN_KEY, datetime.now())
    with db() as session:
        check = accounts.check_session(session, actor=actor, began_at=began, demo_mode=settings().demo)
    if check.actor is None:
        st.session_state[USER_KEY] = None
        st.session_state.pop(BEGAN_KEY, None)
        st.session_state[ENDED_KEY] = check.reason
        return None
    st.session_state[USER_KEY] = check.actor
    return check.actor


def current_actor() -> Actor:
    """The signed-in actor, re-checked on this run; without one the page stops here, showing
    only a link home (and why the session ended, if it just did).

    Why every page needs this: a freshly started Streamlit process runs its first request with
    the legacy pages/ auto-discovery (PagesManager.uses_pages_directory, set before app.py's
    st.navigation ever ran), so a deep link like /users runs pages/users.py without app.py's
    sign-in (`server.py` switches that off at start-up; `streamlit run app.py` and AppTest do
    not). So the check is made here too, not only in app.py."""
    actor = checked_actor()
    if actor is None:
        if st.session_state.get(ENDED_KEY):
            st.info(t("login.session_ended"), icon=":material/logout:")
        st.markdown(f"[{t('login.go_home')}](/)")
        st.stop()
    return actor


def language_switch() -> None:
    """zh-CN by default; the English switch for visitors, kept across pages and, as `?lang=en`
    in the address, across a reload (a page link or switch_page drops the query: put it back)."""
    choice = st.sidebar.segmented_control(t("app.language"), ["中文", "English"],
                                          default="English" if lang() == "en" else "中文",
                                          key="lang_switch")
    new = "en" if choice == "English" else "zh"
    if new != lang():
        st.session_state[LANG_KEY] = new
        _keep_in_url(new)
        st.rerun()
    _keep_in_url(new)


def _keep_in_url(language: str) -> None:
    if language == "en" and st.query_params.get(LANG_KEY) != "en":
        st.query_params[LANG_KEY] = "en"
    elif language == "zh" and LANG_KEY in st.query_params:
        del st.query_params[LANG_KEY]


def data_as_of() -> None:
    """The "数据截至" stamp: the time of the ledger's last change (or now, if never changed)."""
    with db() as session:
        _, changed_at = audit.ledger_revision(session)
    when = (changed_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    st.caption(t("app.data_as_of", when=when))
