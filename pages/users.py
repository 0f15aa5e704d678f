"""用户管理 (admin): list accounts (with sign-in locks), create one, and manage one: disable or
enable, reset its password, change its role and unit, sign it out everywhere, unlock it. Every
change ends the account's open sessions; permission is checked again in core and audited."""

from functools import partial

import pandas as pd
import streamlit as st

from core.access import users
from core.domain import Role
from core.reference_data import list_districts, list_units
from ui import account_admin
from ui.common import current_actor, db, label, t
from ui.forms import flash, show_flash
from ui.text import cells

actor = current_actor()
st.title(t("users.title"))
show_flash()

with db() as session:
    units = list_units(session)
    districts = list_districts(session)
    rows = users.list_users(session, actor=actor)
unit_names = {u.id: u.short_name for u in units}

st.dataframe(pd.DataFrame({
    t("users.username"): [r.username for r in rows],
    t("users.display_name"): [r.display_name for r in rows],
    t("users.role"): [label(r.role) for r in rows],
    t("users.field.unit"): cells(r.unit for r in rows),
    t("users.col.active"): [r.is_active for r in rows],
    t("users.col.locked"): cells(r.locked_until for r in rows),
    t("users.col.demo"): [r.is_demo for r in rows],
    t("users.col.last_login"): cells(r.last_login_at for r in rows),
}), hide_index=True, key="user_list")

account_admin.manage(actor, rows, units, districts)

# Not clear_on_submit: a refused account keeps what was typed; a created one clears the form.
with st.expander(t("users.create"), icon=":material/person_add:"), st.form("create_user"):
    key = partial(account_admin.field_key, "create")
    c1, c2 = st.columns(2)
    username = c1.text_input(t("users.username"), key=key("new_username"))
    display_name = c2.text_input(t("users.display_name"), key=key("new_display_name"))
    password = c1.text_input(t("users.password"), type="password", key=key("new_password"))
    role = c2.selectbox(t("users.role"), list(Role), format_func=label, key=key("new_role"))
    unit_id = st.selectbox(t("users.unit"), [None, *unit_names], key=key("new_unit"),
                           format_func=lambda i: t("users.none") if i is None else unit_names[i])
    if st.form_submit_button(t("users.submit"), type="primary"):
        def create() -> None:
            with db() as session:
                users.create_user(session, actor=actor, username=username.strip(),
                                  display_name=display_name.strip(), password=password,
                                  role=role, unit_id=unit_id)
        if account_admin.attempt(create):
            account_admin.clear("create")
            flash(t("users.created", username=username.strip()))
            st.rerun()
