"""用户管理 (admin): list accounts, create one. Permission is checked again in core."""

import pandas as pd
import streamlit as st

from core.access import users
from core.domain import Role
from core.errors import PermissionDenied, ValidationFailed
from core.reference_data import list_units
from ui.common import current_actor, db, label, t

actor = current_actor()
st.title(t("users.title"))

with db() as session:
    units = list_units(session)
unit_names = {u.id: u.short_name for u in units}

with st.form("create_user", clear_on_submit=True):
    st.subheader(t("users.create"))
    c1, c2 = st.columns(2)
    username = c1.text_input(t("users.username"), key="new_username")
    display_name = c2.text_input(t("users.display_name"), key="new_display_name")
    password = c1.text_input(t("users.password"), type="password", key="new_password")
    role = c2.selectbox(t("users.role"), list(Role), format_func=label, key="new_role")
    unit_id = st.selectbox(t("users.unit"), [None, *unit_names], key="new_unit",
                           format_func=lambda i: t("users.none") if i is None else unit_names[i])
    if st.form_submit_button(t("users.submit"), type="primary"):
        try:
            with db() as session:
                users.create_user(session, actor=actor, username=username.strip(),
                                  display_name=display_name.strip(), password=password,
                                  role=role, unit_id=unit_id)
            st.success(t("users.created", username=username))
        except ValidationFailed as exc:
            st.error(t("error.invalid", detail=str(exc)))
        except PermissionDenied:
            st.error(t("error.permission"))

with db() as session:
    rows = users.list_users(session, actor=actor)
st.dataframe(pd.DataFrame({
    t("users.username"): [r.username for r in rows],
    t("users.display_name"): [r.display_name for r in rows],
    t("users.role"): [label(r.role) for r in rows],
    t("users.unit"): [r.unit or "" for r in rows],
    t("users.col.active"): [r.is_active for r in rows],
    t("users.col.last_login"): [r.last_login_at for r in rows],
}), hide_index=True, key="user_list")
