"""The 督办 notices page's parts: the list (newest first, late ones flagged), one notice with its
items, each unit's response and the escalations, and the forms: a unit answers (text and files),
a coordinator escalates or lifts. Every write goes to core.supervision.notices with the version
the page showed (ui.forms seen versions, scopes "notice" and "notice_response")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor, can
from core.domain import SupervisionLevel
from core.ledger.evidence import TYPES, Owner, open_attachment
from core.supervision.notice_views import SHOWS, NoticeDetail, NoticeRow, ResponseInfo, can_answer
from core.supervision.notices import RANK, escalate_notice, lift_notice, respond_to_notice
from ui.common import db, label, settings, t
from ui.forms import attempt, flash, forget_version, joined, remember_version, seen_version
from ui.item_views import evidence_store, open_item, size_text
from ui.supervision import level_text, open_notice
from ui.text import plain
from ui.uploads import file_uploader


def state_text(row: NoticeRow, today: date) -> str:
    if not row.in_force:
        return t("notice.state.lifted", day=row.lifted_on.isoformat())
    if row.late:
        return t("notice.state.late", n=row.late)
    if row.answered < row.units:
        return t("notice.state.awaiting", n=row.units - row.answered)
    return t("notice.state.answered")


def notice_list(rows: list[NoticeRow], today: date, key: str) -> None:
    """The notices as a table; ticking one opens it."""
    frame = pd.DataFrame({
        t("notice.field.doc_no"): [r.doc_no for r in rows],
        t("notice.field.level"): [label(r.level) for r in rows],
        t("notice.field.issued_on"): [r.issued_on for r in rows],
        t("notice.field.due_on"): [r.due_on for r in rows],
        t("notice.col.items"): [r.items for r in rows],
        t("notice.col.answered"): [f"{r.answered}/{r.units}" for r in rows],
        t("notice.col.state"): [state_text(r, today) for r in rows],
        t("notice.field.content"): [r.content for r in rows]})
    picked = st.dataframe(frame, hide_index=True, key=key, on_select="rerun",
                          selection_mode="single-row")
    if picked.selection.rows:
        open_notice(rows[picked.selection.rows[0]].id)


def show_picker() -> str:
    return st.segmented_control(t("notice.show"), SHOWS, default="in_force", required=True,
                                format_func=lambda s: t(f"notice.show.{s}"), key="notice_show")


# ---------------------------------------------------------------- one notice

def header(detail: NoticeDetail, today: date) -> None:
    n = detail.notice
    st.title(t("notice.heading", doc=n.doc_no or "—"))
    cols = st.columns([3, 2, 2, 1.5])
    cols[0].metric(t("notice.field.level"), label(n.level))
    cols[1].metric(t("notice.field.issued_on"), n.issued_on.isoformat())
    cols[2].metric(t("notice.field.due_on"), n.due_on.isoformat() if n.due_on else "—")
    cols[3].metric(t("notice.col.answered"), f"{n.answered}/{n.units}")
    st.caption(t("notice.state_line", state=state_text(n, today)))
    if n.late and n.in_force:
        st.warning(t("notice.late_warning", n=n.late), icon=":material/alarm:")
    st.markdown(f"**{t('notice.field.content')}**：{plain(n.content)}")
    if detail.issued_by:
        st.caption(t("notice.issued_by", who=plain(detail.issued_by)))


def items_table(detail: NoticeDetail, key: str) -> None:
    st.subheader(t("notice.items", n=detail.notice.items))
    frame = pd.DataFrame({
        t("col.code"): [i.code for i in detail.items],
        t("col.district"): [i.district or t("district.citywide") for i in detail.items],
        t("col.description"): [i.description for i in detail.items],
        t("col.status"): [label(i.status) for i in detail.items],
        t("col.supervision_level"): [level_text(i.supervision_level) for i in detail.items]})
    picked = st.dataframe(frame, hide_index=True, key=key, on_select="rerun",
                          selection_mode="single-row")
    if picked.selection.rows:
        open_item(detail.items[picked.selection.rows[0]].id)
    if detail.hidden_items:
        st.caption(t("notice.hidden_items", n=detail.hidden_items))


def _file_button(actor: Actor, response: ResponseInfo, info) -> None:
    def load() -> bytes:
        with db() as session:
            return open_attachment(session, actor=actor, attachment_id=info.id, store=evidence_store(),
                                   owner=Owner("notice_response", response.id)).data
    st.download_button(f"{info.filename}（{size_text(info.size_bytes)}）", data=load,
                       file_name=info.filename, mime=info.content_type, key=f"nr_file_{info.id}",
                       icon=":material/attach_file:", type="tertiary", on_click="ignore")


def responses(actor: Actor, detail: NoticeDetail) -> None:
    """Each addressed unit: answered (when, by whom, late or not, text, files) or still awaited."""
    st.subheader(t("notice.responses"))
    for r in detail.responses:
        with st.container(border=True):
            if r.responded_on:
                late = t("notice.response.late") if r.late else t("notice.response.on_time")
                st.markdown(f"**{plain(r.unit)}** · {r.responded_on.isoformat()} · {late}")
                st.caption(plain(r.responded_by or ""))
                st.markdown(plain(r.text))
                for info in r.attachments:
                    _file_button(actor, r, info)
            else:
                awaited = t("notice.response.overdue") if r.late else t("notice.response.awaiting")
                st.markdown(f"**{plain(r.unit)}** · {awaited}")


def escalations(detail: NoticeDetail) -> None:
    if not detail.escalations:
        return
    st.subheader(t("notice.escalations"))
    for e in detail.escalations:
        due = f"（{t('notice.field.new_due_on')} {e.new_due_on.isoformat()}）" \
            if e.new_due_on and e.new_due_on != e.old_due_on else ""
        who = f" · {plain(e.by)}" if e.by else ""
        st.markdown(f"- {e.at:%Y-%m-%d %H:%M} · {label(e.from_level)} → **{label(e.to_level)}**{due}{who}："
                    f"{plain(e.reason)}")


# ---------------------------------------------------------------- forms

def _saved(message: str, scope: str, row_id: int) -> None:
    forget_version(scope, row_id)
    flash(message)
    st.rerun()


def _run(write: Callable) -> bool:
    def go() -> None:
        with db() as session:
            write(session)
    return attempt(go)


def response_form(actor: Actor, detail: NoticeDetail) -> None:
    mine = detail.own_response(actor.unit_id)
    if not can_answer(actor, detail) or mine is None:
        return
    seen = seen_version("notice_response", mine.id, mine.version)
    with st.form(f"respond_{mine.id}"):
        st.subheader(t("notice.respond"))
        text = st.text_area(t("notice.field.response"), key=f"respond_text_{mine.id}")
        files = file_uploader(t("notice.files", mb=f"{settings().evidence_max_mb:g}"),
                              accept_multiple_files=True, key=f"respond_files_{mine.id}",
                              help=t("action.file_types", types=joined(sorted(TYPES))),
                              max_mb=settings().evidence_max_mb)
        submitted = st.form_submit_button(t("notice.respond"), type="primary", icon=":material/reply:")
    if submitted and _run(lambda s: respond_to_notice(
            s, actor=actor, notice_id=detail.notice.id, expected_version=seen, text=text,
            attachments=[(f.name, f.getvalue()) for f in files or []], store=evidence_store())):
        _saved(t("notice.responded"), "notice_response", mine.id)


def office_forms(actor: Actor, detail: NoticeDetail, seen: int) -> None:
    """Escalate (to a higher level) and lift, for a notice in force."""
    n = detail.notice
    if not n.in_force:
        return
    higher = [lv for lv in SupervisionLevel if RANK[lv] > RANK[n.level]]
    if can(actor, "notice.escalate") and higher:
        with st.expander(t("notice.escalate")), st.form(f"escalate_{n.id}"):
            level = st.selectbox(t("notice.field.level"), higher, format_func=label, key=f"esc_level_{n.id}")
            reason = st.text_area(t("notice.field.reason"), key=f"esc_reason_{n.id}")
            due = st.date_input(t("notice.field.new_due_on"), value=None, key=f"esc_due_{n.id}")
            if st.form_submit_button(t("notice.escalate"), type="primary") and _run(
                    lambda s: escalate_notice(s, actor=actor, notice_id=n.id, expected_version=seen,
                                              level=level, reason=reason, due_on=due)):
                _saved(t("notice.escalated", level=label(level)), "notice", n.id)
    if can(actor, "notice.lift"):
        with st.expander(t("notice.lift")), st.form(f"lift_{n.id}"):
            day = st.date_input(t("notice.field.lifted_on"), value=date.today(), max_value=date.today(),
                                key=f"lift_day_{n.id}")
            if st.form_submit_button(t("notice.lift")) and _run(
                    lambda s: lift_notice(s, actor=actor, notice_id=n.id, expected_version=seen,
                                          lifted_on=day)):
                _saved(t("notice.lifted"), "notice", n.id)


def reload_button(notice_id: int, version: int) -> None:
    if st.button(t("item.reload"), icon=":material/refresh:", key="notice_reload", type="tertiary"):
        remember_version("notice", notice_id, version)
        st.rerun()
