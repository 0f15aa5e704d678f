"""Entry point: page config, sign-in, navigation built from the signed-in role. Nothing else."""

from pathlib import Path

import streamlit as st

from ui.auth import current_user, sign_out
from ui.common import label, language_switch, t
from ui.kiosk import kiosk_actor, kiosk_navigation
from ui.nav import navigation_for
from ui.text import plain
from ui.todo_count import todo_total
from ui.uploads import inject_style

FAVICON = Path(__file__).parent / "ui" / "assets" / "favicon.png"

# A local favicon: a material icon here would be fetched from the internet (offline promise).
st.set_page_config(page_title=t("app.title"), page_icon=str(FAVICON), layout="wide")
inject_style()   # every file uploader: our zh/en note and cap instead of Streamlit's English
if kiosk_actor() is not None:
    # A wall screen with a valid kiosk token: the big screen only, read-only, no sign-in.
    kiosk_navigation().run()
    st.stop()
language_switch()
actor = current_user()
if actor is None:
    # Only the sign-in page exists for a visitor; pages/ is never auto-discovered.
    st.navigation([st.Page(lambda: None, title=t("login.title"), url_path="sign-in")],
                  position="hidden").run()
    st.stop()

nav = navigation_for(actor.role, todo=todo_total(actor))   # 我的待办（n）
with st.sidebar:
    st.caption(t("app.signed_in_as", name=plain(actor.display_name or actor.username),
                 role=label(actor.role)))
    if st.button(t("app.sign_out"), key="sign_out"):
        sign_out(actor)
        st.rerun()
nav.run()
