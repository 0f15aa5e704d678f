"""新建/修改整改任务: a new item (待交办), or an edit of one, saved only if nobody changed the item
since the form was loaded; a refused save names every change made meanwhile and keeps the form."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.errors import NotFound, PermissionDenied
from core.ledger.items import create_item, update_item
from core.ledger.timeline import item_detail
from ui.common import current_actor, db, t
from ui.forms import (
    attempt,
    field_name,
    flash,
    forget_version,
    form_generation,
    joined,
    reset_forms,
    seen_values,
    seen_version,
    show_error,
)
from ui.item_inputs import edit_values, edited, item_values, load_choices, new_item_values
from ui.item_views import item_id_param, open_item

FORM = "form"   # ui.forms scope of this page's seen version
actor = current_actor()
item_id = item_id_param()


def create() -> None:
    st.title(t("item_form.title"))
    st.caption(t("item_page.form_intro_new"))
    gen = form_generation(FORM, 0)
    with st.form("new_item"):
        values = new_item_values(load_choices(), lambda f: f"new_{gen}_{f}")
        submitted = st.form_submit_button(t("item_form.submit_new"), type="primary")
    created = {}

    def save() -> None:
        with db() as session:
            item = create_item(session, actor=actor, values=values)
            created.update(id=item.id, code=item.code)

    if submitted and attempt(save):
        reset_forms(FORM, 0)
        flash(t("item_form.created", code=created["code"]))
        open_item(created["id"])


def load(item_id: int):
    try:
        with db() as session:
            return item_detail(session, actor=actor, item_id=item_id, today=date.today())
    except (PermissionDenied, NotFound) as exc:
        show_error(exc)
        st.stop()


def edit(item_id: int) -> None:
    detail = load(item_id)
    st.title(t("item_form.edit_title", code=detail.code))
    st.caption(t("item_form.intro_edit"))
    if not can(actor, "item.edit"):
        st.error(t("error.permission"))
        st.stop()
    if st.button(t("item_form.cancel"), icon=":material/arrow_back:"):
        open_item(item_id)
    seen = seen_version(FORM, item_id, detail.version)
    before = seen_values(FORM, item_id, item_values(detail.fields))
    if seen != detail.version and st.button(t("form.stale_reload"), icon=":material/refresh:"):
        forget_version(FORM, item_id)
        reset_forms(FORM, item_id)
        st.rerun()
    gen = form_generation(FORM, item_id)
    with st.form(f"edit_item_{item_id}"):
        now = edit_values(before, lambda f: f"edit_{item_id}_{gen}_{f}")
        submitted = st.form_submit_button(t("item_form.submit_edit"), type="primary")
    if submitted:
        save_edit(item_id, seen, edited(before, now))


def save_edit(item_id: int, seen: int, changes: dict) -> None:
    if not changes:
        st.info(t("form.no_change"))
        return
    def save() -> None:
        with db() as session:
            update_item(session, actor=actor, item_id=item_id, expected_version=seen, changes=changes)

    if attempt(save):
        forget_version(FORM, item_id)
        reset_forms(FORM, item_id)
        flash(t("item_form.saved", fields=joined(field_name(k) for k in changes)))
        open_item(item_id)   # the item page loads it afresh: the saved version is the one seen


if item_id is None:
    create()
else:
    edit(item_id)
