"""一案一档: one item with its whole record, laid out for printing (to paper or to PDF from the
browser's print dialog)."""

import streamlit as st

from ui.common import current_actor, t

actor = current_actor()
st.title(t("nav.item_print"))
