"""大屏令牌 (admin): issue a named kiosk token for a wall screen, list tokens, revoke one.
Permission is checked again in core; the token is shown once and only its hash is stored."""

from datetime import datetime

import pandas as pd
import streamlit as st

from core.i18n import translate
from core.screen import kiosk
from ui.account_admin import attempt, clear, field_key
from ui.common import current_actor, db, t
from ui.kiosk import PARAM, URL_PATH
from ui.text import cells

ISSUED_KEY = "kiosk_issued"       # the token just issued: shown once, after the rerun that clears the form
# core names the field by its Chinese label: worded in the session's language here
FIELDS = {translate("kiosk.field.name", "zh"): "kiosk.field.name"}

actor = current_actor()
st.title(t("kiosk_tokens.title"))
st.caption(t("kiosk_tokens.intro"))


def kiosk_url(token: str) -> str:
    base = (st.context.url or "").split("?")[0].rsplit("/", 1)[0]  # scheme, host, base path
    return f"{base}/{URL_PATH}?{PARAM}={token}"


def report(action) -> bool:
    """Run a core call, showing its refusal in the user's words; True if it went through."""
    def run() -> None:
        with db() as session:
            action(session)
    return attempt(run, FIELDS)


# Not clear_on_submit: a refused name stays to be corrected; an issued token clears the form.
with st.form("issue_token"):
    st.subheader(t("kiosk_tokens.create"))
    name = st.text_input(t("kiosk.field.name"), placeholder=t("kiosk_tokens.name_help"),
                         key=field_key("kiosk", "kiosk_name"), max_chars=kiosk.MAX_NAME)
    if st.form_submit_button(t("kiosk_tokens.submit"), type="primary"):
        issued = []
        if report(lambda s: issued.append(kiosk.create_token(s, actor=actor, name=name,
                                                             now=datetime.now()))):
            st.session_state[ISSUED_KEY] = issued[0]
            clear("kiosk")
            st.rerun()
just_issued = st.session_state.pop(ISSUED_KEY, None)
if just_issued is not None:
    st.success(t("kiosk_tokens.issued", name=just_issued.name))
    st.code(kiosk_url(just_issued.token), language=None)

with db() as session:
    tokens = kiosk.list_tokens(session, actor=actor)
active = [row.name for row in tokens if row.active]

st.subheader(t("kiosk_tokens.revoke"))
if active:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(t("kiosk.field.name"), active, key="kiosk_revoke_name")
    if right.button(t("kiosk_tokens.revoke_submit"), key="kiosk_revoke"):
        if report(lambda s: kiosk.revoke_token(s, actor=actor, name=chosen, now=datetime.now())):
            st.success(t("kiosk_tokens.revoked", name=chosen))
            with db() as session:
                tokens = kiosk.list_tokens(session, actor=actor)
elif tokens:       # none at all: said once, below
    st.caption(t("kiosk_tokens.none_active"))

if not tokens:    # an empty table would read Streamlit's own "empty"
    st.caption(t("kiosk_tokens.none_issued"))
else:
    st.dataframe(pd.DataFrame({
        t("kiosk.field.name"): [r.name for r in tokens],
        t("kiosk_tokens.col.active"): [r.active for r in tokens],
        t("kiosk_tokens.col.created_by"): cells(r.created_by for r in tokens),
        t("kiosk_tokens.col.created_at"): cells(r.created_at for r in tokens),
        t("kiosk_tokens.col.last_used"): cells(r.last_used_at for r in tokens),
        t("kiosk_tokens.col.revoked_at"): cells(r.revoked_at for r in tokens),
    }), hide_index=True, key="kiosk_token_list")
