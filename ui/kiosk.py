"""Kiosk sessions: a wall screen opened with ?kiosk=TOKEN sees the big screen, read-only, and
nothing else, without signing in. The token is checked on every full run of the app and again
on every refresh of the big screen, so a revoked token stops working at the next refresh and
the screen falls back to the sign-in page.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from core.access.permissions import Actor
from core.screen import kiosk
from ui.common import current_actor, db, t

PARAM = "kiosk"
KIOSK_KEY = "kiosk_actor"
URL_PATH = "big-screen"


def kiosk_actor() -> Actor | None:
    """The read-only kiosk actor if the URL carries a valid, unrevoked token, else None."""
    token = st.query_params.get(PARAM)
    if not token:
        st.session_state.pop(KIOSK_KEY, None)
        return None
    with db() as session:
        actor = kiosk.verify_token(session, token=token, now=datetime.now())
    st.session_state[KIOSK_KEY] = actor
    return actor


def kiosk_navigation():
    """The big screen, the only page a kiosk session can open, at /big-screen; plus a hidden
    default page that forwards to it, because Streamlit's default page has no URL path of its
    own (/big-screen would otherwise answer "page not found") and /?kiosk=… should work too."""
    big_screen = st.Page("pages/big_screen.py", title=t("nav.big_screen"), url_path=URL_PATH)

    def forward() -> None:
        st.switch_page(big_screen, query_params=st.query_params.to_dict())

    home = st.Page(forward, title=t("nav.big_screen"), url_path="kiosk", default=True)
    return st.navigation([home, big_screen], position="hidden")


def viewing_actor() -> Actor:
    """Who is looking: the kiosk actor on a wall screen, else the signed-in user (the page
    stops if there is neither)."""
    return st.session_state.get(KIOSK_KEY) or current_actor()


def in_kiosk() -> bool:
    return st.session_state.get(KIOSK_KEY) is not None


def recheck() -> None:
    """On a kiosk screen, re-verify the token; if it was revoked, rerun the whole app (which
    then shows the sign-in page). Call at the start of each refresh."""
    if in_kiosk() and kiosk_actor() is None:
        st.rerun(scope="app")
