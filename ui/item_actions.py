"""The item page's action forms: each calls one core write with the version the user saw.

Which forms show follows core (core.ledger.lifecycle.available_moves, core.access.permissions.can and the
states core accepts for progress reports and 延期); core checks everything again on submit, and
its refusal is explained inside the form, with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlalchemy.orm import Session

from core.access.permissions import Actor, can
from core.errors import LedgerError
from core.ledger import extensions, items, lifecycle
from core.ledger.evidence import TYPES
from core.ledger.extensions import EXTENDABLE
from core.ledger.items import REPORTABLE, get_item
from core.ledger.reminders import REMINDABLE, remind_items
from core.ledger.timeline import ItemDetail
from ui.common import db, settings, t
from ui.forms import flash, joined, remember_version, reset_forms, show_error
from ui.item_views import SCOPE, evidence_store
from ui.text import plain
from ui.uploads import file_uploader

# Display order: what only a coordinator decides first, then the daily work, then the rest.
ORDER = ("extension_decide", "assign", "pass_verification", "fail_verification", "close",
         "object_notice", "remind", "reopen", "progress", "start", "request_closure",
         "extension_request", "hand_over")


@dataclass(frozen=True)
class Ctx:
    actor: Actor
    detail: ItemDetail
    seen: int                       # the version the user saw: every write's expected_version
    unit_names: dict[int, str]
    gen: int                        # ui.forms.form_generation: bumped after a save

    @property
    def item_id(self) -> int:
        return self.detail.id

    def key(self, name: str) -> str:
        return f"act_{self.item_id}_{self.gen}_{name}"


def available_actions(actor: Actor, detail: ItemDetail) -> list[str]:
    """The forms to offer, in ORDER: core's moves for this reader, plus progress and 延期 when
    the role may and the state allows (core decides again on submit)."""
    names = set(detail.moves)
    if can(actor, "item.report_progress") and detail.status in REPORTABLE:
        names.add("progress")
    extendable = detail.status in EXTENDABLE and not detail.fields["is_ongoing"]
    if can(actor, "item.request_extension") and extendable and detail.pending_extension is None:
        names.add("extension_request")
    if can(actor, "extension.decide") and detail.pending_extension is not None:
        names.add("extension_decide")
    if can(actor, "item.remind") and detail.status in REMINDABLE and detail.holder_unit is not None:
        names.add("remind")
    return [n for n in ORDER if n in names]


def _save(ctx: Ctx, what_key: str, write: Callable[[Session], object]) -> None:
    """Run the write; on success remember the item's new version, empty the forms and rerun with
    a message; on refusal explain it here (the transaction is rolled back)."""
    try:
        with db() as session:
            write(session)
            version = get_item(session, ctx.item_id).version
    except LedgerError as exc:
        show_error(exc, ctx.unit_names)
        return
    remember_version(SCOPE, ctx.item_id, version)
    reset_forms(SCOPE, ctx.item_id)
    flash(t("item.saved", what=t(what_key)))
    st.rerun()


def _uploads(ctx: Ctx, label_key: str, name: str) -> list[tuple[str, bytes]]:
    files = file_uploader(t(label_key, mb=f"{settings().evidence_max_mb:g}"), key=ctx.key(name),
                          max_mb=settings().evidence_max_mb,
                          help=t("action.file_types", types=joined(sorted(TYPES))),
                          accept_multiple_files=True)
    return [(f.name, f.getvalue()) for f in files or []]


def _args(ctx: Ctx) -> dict:
    return dict(actor=ctx.actor, item_id=ctx.item_id, expected_version=ctx.seen)


# ------------------------------------------------------------------ the forms

def _progress(ctx: Ctx) -> None:
    with st.form(ctx.key("progress"), border=False):
        reported_on = st.date_input(t("item.field.reported_on"), value=date.today(),
                                    max_value=date.today(), key=ctx.key("reported_on"))
        percent = st.slider(t("item.field.percent"), 0, 100, ctx.detail.fields["progress_percent"],
                            key=ctx.key("percent"))
        text = st.text_area(t("item.field.text"), key=ctx.key("text"), height=110)
        files = _uploads(ctx, "action.progress_files", "files")
        if st.form_submit_button(t("action.progress"), type="primary", icon=":material/send:"):
            _save(ctx, "action.progress", lambda s: items.report_progress(
                s, **_args(ctx), reported_on=reported_on, percent=percent, text=text,
                attachments=files, store=evidence_store()))


def _text_move(name: str, write: Callable, *, required: bool) -> Callable[[Ctx], None]:
    """A move whose only input is a reason (required) or a note (optional)."""
    def render(ctx: Ctx) -> None:
        with st.form(ctx.key(name), border=False):
            text = st.text_area(t("move.field.reason" if required else "action.note"),
                                key=ctx.key(f"{name}_text"), height=90)
            if st.form_submit_button(t(f"move.{name}"), type="primary"):
                _save(ctx, f"move.{name}", lambda s: write(s, **_args(ctx), **{
                    "reason" if required else "note": text}))
    return render


def _assign(ctx: Ctx) -> None:
    with st.form(ctx.key("assign"), border=False):
        day = st.date_input(t("move.field.assigned_on"), value=date.today(), key=ctx.key("assigned_on"))
        doc_no = st.text_input(t("move.field.assign_doc_no"), key=ctx.key("assign_doc_no"))
        if st.form_submit_button(t("move.assign"), type="primary"):
            _save(ctx, "move.assign", lambda s: lifecycle.assign_item(
                s, **_args(ctx), assigned_on=day, assign_doc_no=doc_no))


def _pass_verification(ctx: Ctx) -> None:
    with st.form(ctx.key("pass"), border=False):
        c1, c2 = st.columns(2)
        accepted_on = c1.date_input(t("move.field.accepted_on"), value=date.today(),
                                    key=ctx.key("accepted_on"))
        unit = c2.text_input(t("move.field.acceptance_unit"), key=ctx.key("acceptance_unit"))
        conclusion = st.text_area(t("move.field.conclusion"), key=ctx.key("conclusion"), height=90)
        notice_from = c1.date_input(t("move.field.notice_from"), value=None, key=ctx.key("notice_from"))
        notice_to = c2.date_input(t("move.field.notice_to"), value=None, key=ctx.key("notice_to"))
        files = _uploads(ctx, "action.verification_files", "acceptance_files")
        if st.form_submit_button(t("move.pass_verification"), type="primary"):
            _save(ctx, "move.pass_verification", lambda s: lifecycle.pass_verification(
                s, **_args(ctx), accepted_on=accepted_on, acceptance_unit=unit,
                conclusion=conclusion, notice_from=notice_from, notice_to=notice_to,
                attachments=files, store=evidence_store()))


def _close(ctx: Ctx) -> None:
    with st.form(ctx.key("close"), border=False):
        closed_on = st.date_input(t("move.field.closed_on"), value=date.today(), key=ctx.key("closed_on"))
        doc_no = st.text_input(t("move.field.close_doc_no"), key=ctx.key("close_doc_no"))
        if st.form_submit_button(t("move.close"), type="primary"):
            _save(ctx, "move.close", lambda s: lifecycle.close_item(
                s, **_args(ctx), closed_on=closed_on, close_doc_no=doc_no))


def _reopen(ctx: Ctx) -> None:
    with st.form(ctx.key("reopen"), border=False):
        reason = st.text_area(t("move.field.reason"), key=ctx.key("reopen_reason"), height=90)
        deadline = st.text_input(t("action.new_deadline"), key=ctx.key("reopen_deadline"))
        if st.form_submit_button(t("move.reopen"), type="primary"):
            _save(ctx, "move.reopen", lambda s: lifecycle.reopen_item(
                s, **_args(ctx), reason=reason, deadline=deadline))


def _hand_over(ctx: Ctx) -> None:
    holder = ctx.detail.holder_unit.id if ctx.detail.holder_unit else None
    choices = [u for u in ctx.unit_names if u != holder]
    with st.form(ctx.key("hand_over"), border=False):
        to_unit = st.selectbox(t("move.field.to_unit"), choices, index=None,
                               format_func=ctx.unit_names.get, placeholder=t("action.pick_unit"),
                               key=ctx.key("to_unit"))
        reason = st.text_area(t("move.field.reason"), key=ctx.key("hand_over_reason"), height=90)
        if st.form_submit_button(t("move.hand_over"), type="primary"):
            _save(ctx, "move.hand_over", lambda s: lifecycle.hand_over_item(
                s, **_args(ctx), to_unit_id=to_unit, reason=reason))


def _extension_request(ctx: Ctx) -> None:
    with st.form(ctx.key("extension"), border=False):
        new_due = st.date_input(t("extension.field.new_due_on"), value=None, key=ctx.key("new_due_on"))
        reason = st.text_area(t("extension.field.reason"), key=ctx.key("extension_reason"), height=90)
        if st.form_submit_button(t("action.extension_request"), type="primary"):
            _save(ctx, "action.extension_request", lambda s: extensions.request_extension(
                s, **_args(ctx), new_due_on=new_due, reason=reason))


def _extension_decide(ctx: Ctx) -> None:
    ext = ctx.detail.pending_extension
    st.caption(" · ".join(p for p in (plain(ext.requested_by), f"{ext.requested_at:%Y-%m-%d %H:%M}",
                                      t("extension.field.new_due_on") + " " + ext.new_due_on.isoformat())
                          if p))
    decision = dict(actor=ctx.actor, extension_id=ext.id, expected_version=ext.version,
                    item_version=ctx.seen)
    with st.form(ctx.key("decide"), border=False):
        note = st.text_area(t("extension.field.note"), key=ctx.key("decision_note"), height=80)
        c1, c2 = st.columns(2)
        approve = c1.form_submit_button(t("extension.approve"), type="primary")
        reject = c2.form_submit_button(t("extension.reject"))
        if approve:
            _save(ctx, "extension.approve",
                  lambda s: extensions.approve_extension(s, **decision, note=note))
        if reject:
            _save(ctx, "extension.reject",
                  lambda s: extensions.reject_extension(s, **decision, note=note))


def _remind(ctx: Ctx) -> None:
    """催办: the unit sees it first in 我的待办; one a day (core says why not, nothing written)."""
    holder = ctx.detail.holder_unit
    st.caption(t("reminder.help"))
    if ctx.detail.fields.get("reminder_count"):
        st.caption(t("reminder.so_far", n=ctx.detail.fields["reminder_count"]))
    with st.form(ctx.key("remind"), border=False):
        note = st.text_area(t("reminder.field.note_to", unit=plain(holder.short_name)),
                            key=ctx.key("remind_note"), height=80, max_chars=500)
        if st.form_submit_button(t("reminder.submit"), type="primary",
                                 icon=":material/notifications_active:"):
            try:
                with db() as session:
                    result = remind_items(session, actor=ctx.actor, item_ids=[ctx.item_id], note=note)
            except LedgerError as exc:
                show_error(exc, ctx.unit_names)
                return
            if result.skipped:
                st.warning(t(result.skipped[ctx.item_id]))
                return
            reset_forms(SCOPE, ctx.item_id)
            flash(t("item.saved", what=t("reminder.button")))
            st.rerun()


ACTIONS: dict[str, tuple[str, str, Callable[[Ctx], None]]] = {
    "remind": ("reminder.button", ":material/notifications_active:", _remind),
    "extension_decide": ("action.extension_decide", ":material/event:", _extension_decide),
    "assign": ("move.assign", ":material/assignment_ind:", _assign),
    "progress": ("action.progress", ":material/trending_up:", _progress),
    "start": ("move.start", ":material/play_arrow:",
              _text_move("start", lifecycle.start_item, required=False)),
    "request_closure": ("move.request_closure", ":material/task_alt:",
                        _text_move("request_closure", lifecycle.request_closure, required=False)),
    "pass_verification": ("move.pass_verification", ":material/verified:", _pass_verification),
    "fail_verification": ("move.fail_verification", ":material/undo:",
                          _text_move("fail_verification", lifecycle.fail_verification,
                                     required=True)),
    "close": ("move.close", ":material/inventory:", _close),
    "object_notice": ("move.object_notice", ":material/report:",
                      _text_move("object_notice", lifecycle.object_notice, required=True)),
    "reopen": ("move.reopen", ":material/restart_alt:", _reopen),
    "extension_request": ("action.extension_request", ":material/schedule:", _extension_request),
    "hand_over": ("move.hand_over", ":material/forward:", _hand_over),
}


def action_panel(ctx: Ctx) -> None:
    """One expander per action open to the reader; the first one open."""
    names = available_actions(ctx.actor, ctx.detail)
    if not names:
        st.caption(t("item.no_actions"))
    for i, name in enumerate(names):
        title_key, icon, render = ACTIONS[name]
        with st.expander(t(title_key), expanded=i == 0, icon=icon):
            render(ctx)
