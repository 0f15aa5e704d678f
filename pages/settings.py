"""规则设置 (admin): every rule setting with its meaning, unit and allowed range; saving is checked,
audited and refused when stale by core (core.supervision.rule_settings)."""

import streamlit as st

from ui.common import current_actor, t
from ui.forms import show_flash
from ui.supervision_settings import load_settings, reload, settings_form

actor = current_actor()
st.title(t("settings.title"))
st.caption(t("settings.intro_worded"))
show_flash()
rows = load_settings()
settings_form(rows)
if st.button(t("settings.reload"), icon=":material/refresh:", type="tertiary", key="settings_reload"):
    reload()
    st.rerun()
