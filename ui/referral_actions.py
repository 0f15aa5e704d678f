"""The referral page's action forms: one per move open to the reader now (core.referrals.moves
.available_moves), each calling one core write with the version the user saw; core checks
everything again on submit and its refusal is explained inside the form, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.domain import DisciplineMeasure, ReferralKind
from core.errors import LedgerError
from core.referrals import receiver, sender
from core.referrals.access import readable_referral
from core.referrals.query import ReferralDetail
from core.referrals.receiver import Outcome
from ui.common import db, t
from ui.forms import flash, remember_version, reset_forms, show_error
from ui.item_views import evidence_store
from ui.referral_form import case_fields, material_files, pick_items
from ui.referral_views import SCOPE


@dataclass(frozen=True)
class Ctx:
    actor: Actor
    detail: ReferralDetail
    seen: int                 # the version the user saw: every write's expected_version
    gen: int                  # ui.forms.form_generation: bumped after a save

    def key(self, name: str) -> str:
        return f"ref_{self.detail.id}_{self.gen}_{name}"

    def args(self) -> dict:
        return dict(actor=self.actor, referral_id=self.detail.id, expected_version=self.seen)


def _save(ctx: Ctx, name: str, write: Callable[[Session], object]) -> None:
    """Run the write; on success remember the new version, empty the forms, rerun with a
    message; on refusal explain it here (the transaction is rolled back)."""
    try:
        with db() as session:
            write(session)
            version = readable_referral(session, ctx.actor, ctx.detail.id).version
    except LedgerError as exc:
        show_error(exc)
        return
    remember_version(SCOPE, ctx.detail.id, version)
    reset_forms(SCOPE, ctx.detail.id)
    flash(t("referrals.saved", what=t(f"referral.move.{name}")))
    st.rerun()


def _day(ctx: Ctx, key: str, name: str, value: date | None = None) -> date | None:
    return st.date_input(t(key), value=value or date.today(), max_value=date.today(),
                         key=ctx.key(name))


def _text(ctx: Ctx, name: str, *, required: bool) -> str:
    return st.text_area(t("referral.field.reason" if required else "referral.field.note"),
                        key=ctx.key(f"{name}_text"), height=80)


def _simple(name: str, write: Callable, text: str | None, date_key: str | None = None,
            date_arg: str | None = None) -> Callable[[Ctx], None]:
    """A move whose inputs are a note or reason (`text`: the argument name) and perhaps a date."""
    def render(ctx: Ctx) -> None:
        with st.form(ctx.key(name), border=False):
            day = _day(ctx, date_key, f"{name}_day") if date_key else None
            value = _text(ctx, name, required=text == "reason") if text else None
            if st.form_submit_button(t(f"referral.move.{name}"), type="primary"):
                extra = ({text: value} if text else {}) | ({date_arg: day} if date_key else {})
                _save(ctx, name, lambda s: write(s, **ctx.args(), **extra))
    return render


def _amend(ctx: Ctx) -> None:
    f = ctx.detail.fields
    items = pick_items(ctx.actor, ctx.key("amend"), [i.id for i in ctx.detail.items])
    with st.form(ctx.key("amend_form"), border=False):
        values = case_fields(ctx.key("amend"), ReferralKind(f["kind"]), f)
        files = material_files(ctx.key("amend"))
        if st.form_submit_button(t("referral.move.amend"), type="primary"):
            _save(ctx, "amend", lambda s: sender.amend_referral(
                s, **ctx.args(), values={**values, "item_ids": items}, attachments=files,
                store=evidence_store()))


def _progress(ctx: Ctx) -> None:
    with st.form(ctx.key("progress"), border=False):
        note = st.text_area(t("referral.field.note"), key=ctx.key("progress_text"), height=90)
        files = material_files(ctx.key("progress"))
        if st.form_submit_button(t("referral.move.progress"), type="primary"):
            _save(ctx, "progress", lambda s: receiver.record_progress(
                s, **ctx.args(), note=note, attachments=files, store=evidence_store()))


def _counts(ctx: Ctx, names: tuple[str, ...]) -> dict:
    cols = st.columns(len(names))
    return {n: int(col.number_input(t(f"referral.field.{n}"), min_value=0, step=1,
                                    key=ctx.key(n))) for col, n in zip(cols, names, strict=True)}


def _kind_fields(ctx: Ctx) -> dict:
    """The outcome fields that belong to the referral's kind."""
    kind = ctx.detail.kind
    values: dict = {}
    if kind is ReferralKind.POLICE:
        values |= _counts(ctx, ("detained", "arrested", "prosecuted"))
        values["judgment"] = st.text_input(t("referral.field.judgment"), key=ctx.key("judgment"))
    if kind is ReferralKind.DISCIPLINE:
        values["discipline_measure"] = st.selectbox(
            t("referral.field.discipline_measure"), [m.value for m in DisciplineMeasure], index=None,
            format_func=lambda m: t(f"referral.measure.{m}"), key=ctx.key("measure"),
            placeholder=t("select.choose_one"))
        values |= _counts(ctx, ("punished_bureau", "punished_division", "punished_section"))
    if kind is not ReferralKind.DISCIPLINE:
        values["fine_yuan"] = st.number_input(t("referral.field.fine_yuan"), min_value=0.0,
                                              step=1000.0, key=ctx.key("fine")) or None
    return values


def _conclude(ctx: Ctx) -> None:
    with st.form(ctx.key("conclude"), border=False):
        concluded_on = _day(ctx, "referral.field.concluded_on", "concluded_on")
        outcome = st.text_area(t("referral.field.outcome"), key=ctx.key("outcome"), height=80)
        values = _kind_fields(ctx)
        c1, c2 = st.columns(2)
        published = c1.date_input(t("referral.field.result_published_on"), value=None,
                                  max_value=date.today(), key=ctx.key("published_on"))
        url = c2.text_input(t("referral.field.result_url"), key=ctx.key("url"))
        files = material_files(ctx.key("conclude"))
        if st.form_submit_button(t("referral.move.conclude"), type="primary"):
            result = Outcome(concluded_on=concluded_on, outcome=outcome, result_published_on=published,
                             result_url=url or None, **values)
            _save(ctx, "conclude", lambda s: receiver.conclude_referral(
                s, **ctx.args(), outcome=result, attachments=files, store=evidence_store()))


def _publish(ctx: Ctx) -> None:
    with st.form(ctx.key("publish"), border=False):
        day = _day(ctx, "referral.field.result_published_on", "publish_day")
        url = st.text_input(t("referral.field.result_url"), key=ctx.key("publish_url"))
        if st.form_submit_button(t("referral.move.publish"), type="primary"):
            _save(ctx, "publish", lambda s: receiver.publish_result(s, **ctx.args(), published_on=day,
                                                                    url=url))


ACTIONS: dict[str, tuple[str, Callable[[Ctx], None]]] = {
    "receive": (":material/inbox:", _simple("receive", receiver.receive_referral, "note",
                                             "referral.field.receipt_on", "received_on")),
    "accept": (":material/how_to_reg:", _simple("accept", receiver.accept_referral, "note")),
    "refuse": (":material/block:", _simple("refuse", receiver.refuse_referral, "reason")),
    "return": (":material/undo:", _simple("return", receiver.return_referral, "reason")),
    "file": (":material/folder_open:", _simple("file", receiver.file_referral, "note",
                                                "referral.field.filed_on", "filed_on")),
    "not_file": (":material/folder_off:", _simple("not_file", receiver.not_file_referral, "reason")),
    "supervise_filing": (":material/policy:", _simple(
        "supervise_filing", receiver.supervise_filing, "note", "referral.field.supervised_on",
        "supervised_on")),
    "progress": (":material/trending_up:", _progress),
    "conclude": (":material/task_alt:", _conclude),
    "publish": (":material/public:", _publish),
    "send": (":material/send:", _simple("send", sender.send_referral, "note",
                                         "referral.field.sent_on", "sent_on")),
    "amend": (":material/edit:", _amend),
    "resend": (":material/send:", _simple("resend", sender.resend_referral, "note",
                                           "referral.field.sent_on", "sent_on")),
    "remind": (":material/notifications:", _simple("remind", sender.remind_referral, "note")),
    "escalate": (":material/priority_high:", _simple("escalate", sender.escalate_referral, "note")),
}


def action_panel(ctx: Ctx) -> None:
    """One expander per move open to the reader, in ACTIONS order; the first one open."""
    names = [n for n in ACTIONS if n in ctx.detail.moves]
    if not names:
        st.caption(t("referrals.no_actions"))
    for i, name in enumerate(names):
        icon, render = ACTIONS[name]
        with st.expander(t(f"referral.move.{name}"), expanded=i == 0, icon=icon):
            render(ctx)
