"""The interview page's action forms: each calls one core write with the version the user saw.

Which forms show follows core (core.interviews.moves.available_moves for the track, the
`interview.record` rule for the office's own forms); core checks everything again on submit, and
a refusal is explained inside the form, with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.domain import InterviewCircumstance, InterviewFollowUp
from core.errors import LedgerError, StaleEdit
from core.i18n import CATALOGUE
from core.interviews import follow_ups, moves, records
from core.interviews.access import get_interview
from core.interviews.query import InterviewDetail
from core.ledger.evidence import TYPES
from core.reference_data import list_districts
from ui.common import db, label, settings, t
from ui.forms import flash, joined, remember_version, reset_forms, show_error, value_text
from ui.interview_form import Choices, new_item_inputs, people_text, unit_pick
from ui.interview_views import SCOPE, status_text
from ui.item_views import evidence_store
from ui.uploads import file_uploader

FILE_PURPOSES = ("interview_minutes", "interview_plan", "interview_other")


@dataclass(frozen=True)
class Ctx:
    actor: Actor
    detail: InterviewDetail
    seen: int                       # the version the user saw: every write's expected_version
    gen: int                        # ui.forms.form_generation: bumped after a save

    @property
    def id(self) -> int:
        return self.detail.id

    def key(self, name: str) -> str:
        return f"iva_{self.id}_{self.gen}_{name}"

    def args(self) -> dict:
        return dict(actor=self.actor, interview_id=self.id, expected_version=self.seen)


OTHER_LABELS = {"follow_up": "interviews.filter.follow_up", "items": "interviews.col.items"}


def field_label(column: str) -> str:
    """What the user calls a changed column of an interview (its field label when it has one)."""
    key = OTHER_LABELS.get(column, f"interview.field.{column}")
    return t(key) if key in CATALOGUE else column


def change_value(column: str, value) -> str:
    """A changed value as the user reads it: a measure by its kind, date and note, codes labelled."""
    if column == "follow_up" and isinstance(value, dict):
        return " ".join(str(p) for p in (label(InterviewFollowUp(value["kind"])), value.get("taken_on"),
                                         value.get("note")) if p)
    if column == "circumstance" and value:
        return label(InterviewCircumstance(value))
    if column == "status" and value:
        return status_text(value)
    return value_text(column, value)


def show_refusal(exc: LedgerError) -> None:
    """Explain a refused write; a stale one names each change made meanwhile, by its label."""
    if not isinstance(exc, StaleEdit):
        show_error(exc)
        return
    lines = [f"- {field_label(k)}：{change_value(k, old)} → {change_value(k, new)}"
             for k, (old, new) in exc.changes.items()] or [f"- {t('form.stale_unknown')}"]
    st.error(t("interviews.stale") + "\n\n" + "\n".join(lines), icon=":material/sync_problem:")


def _save(ctx: Ctx, what_key: str, write: Callable[[Session], object]) -> None:
    """Run the write; on success remember the new version, empty the forms and rerun with a
    message; on refusal explain it here (the transaction is rolled back)."""
    try:
        with db() as session:
            write(session)
            version = get_interview(session, ctx.id).version
    except LedgerError as exc:
        show_refusal(exc)
        return
    remember_version(SCOPE, ctx.id, version)
    reset_forms(SCOPE, ctx.id)
    flash(t("item.saved", what=t(what_key)))
    st.rerun()


def _uploads(ctx: Ctx, label_key: str, name: str) -> list[tuple[str, bytes]]:
    files = file_uploader(t(label_key, mb=f"{settings().evidence_max_mb:g}"),
                          help=t("action.file_types", types=joined(sorted(TYPES))),
                          accept_multiple_files=True, key=ctx.key(name), max_mb=settings().evidence_max_mb)
    return [(f.name, f.getvalue()) for f in files or []]


def _day(ctx: Ctx, key: str, name: str):
    return st.date_input(t(key), value=date.today(), max_value=date.today(), key=ctx.key(name))


# ------------------------------------------------------------------ the track

def _submit_plan(ctx: Ctx) -> None:
    with st.form(ctx.key("submit_plan"), border=False):
        day = _day(ctx, "interview.field.plan_submitted_on", "submitted_on")
        note = st.text_area(t("interview.field.note"), key=ctx.key("plan_note"), height=80)
        files = _uploads(ctx, "interviews.plan_files", "plan_files")
        if st.form_submit_button(t("interview.move.submit_plan"), type="primary"):
            _save(ctx, "interview.move.submit_plan", lambda s: moves.submit_plan(
                s, **ctx.args(), submitted_on=day, note=note, attachments=files, store=evidence_store()))


def _published(name: str, date_key: str, write) -> Callable[[Ctx], None]:
    """A publication on the unit's portal: the day and the address."""
    def render(ctx: Ctx) -> None:
        with st.form(ctx.key(name), border=False):
            day = _day(ctx, date_key, f"{name}_on")
            url = st.text_input(t("interview.field.url"), key=ctx.key(f"{name}_url"),
                                placeholder="https://")
            if st.form_submit_button(t(f"interview.move.{name}"), type="primary"):
                _save(ctx, f"interview.move.{name}", lambda s: write(s, **ctx.args(),
                                                                       published_on=day, url=url))
    return render


def _complete(ctx: Ctx) -> None:
    open_items = sum(1 for i in ctx.detail.items if i.status != "closed")
    if open_items:
        st.caption(t("interviews.open_items", n=open_items))
    with st.form(ctx.key("complete"), border=False):
        day = _day(ctx, "interview.field.completed_on", "completed_on")
        note = st.text_area(t("interview.field.note"), key=ctx.key("complete_note"), height=80)
        if st.form_submit_button(t("interview.move.complete"), type="primary"):
            _save(ctx, "interview.move.complete", lambda s: moves.complete(
                s, **ctx.args(), completed_on=day, note=note))


# ------------------------------------------------------------------ the office's forms

def _follow_up(ctx: Ctx) -> None:
    with db() as session:
        districts = {d.id: d.name for d in list_districts(session)}
    with st.form(ctx.key("follow_up"), border=False):
        kind = st.selectbox(t("interview.field.follow_up_kind"), list(InterviewFollowUp), index=None,
                            format_func=label, key=ctx.key("fu_kind"), placeholder=t("item_form.choose"))
        day = _day(ctx, "interview.field.taken_on", "fu_day")
        note = st.text_area(t("interview.field.follow_up_note"), key=ctx.key("fu_note"), height=80)
        district = st.selectbox(
            t("interview.field.district"), [None, *districts], key=ctx.key("fu_district"),
            format_func=lambda i: t("interviews.no_district") if i is None else districts[i],
            help=t("interviews.district_help"))
        if st.form_submit_button(t("interviews.action.follow_up"), type="primary"):
            _save(ctx, "interviews.action.follow_up", lambda s: follow_ups.add_follow_up(
                s, **ctx.args(), kind=kind, taken_on=day, note=note, district_id=district))


def _remove_follow_up(ctx: Ctx) -> None:
    measures = {m.id: f"{label(m.kind)} {m.taken_on}" for m in ctx.detail.follow_ups}
    with st.form(ctx.key("remove_fu"), border=False):
        measure = st.selectbox(t("interview.field.follow_up_kind"), list(measures),
                               format_func=measures.get, key=ctx.key("rm_measure"))
        reason = st.text_area(t("interview.field.reason"), key=ctx.key("rm_reason"), height=70)
        if st.form_submit_button(t("interviews.action.remove_follow_up")):
            _save(ctx, "interviews.action.remove_follow_up", lambda s: follow_ups.remove_follow_up(
                s, **ctx.args(), measure_id=measure, reason=reason))


def _files(ctx: Ctx) -> None:
    with st.form(ctx.key("files"), border=False):
        purpose = st.selectbox(t("interviews.file_purpose"), FILE_PURPOSES, key=ctx.key("purpose"),
                               format_func=lambda p: t(f"evidence.purpose.{p}"))
        files = _uploads(ctx, "interviews.files", "more_files")
        if st.form_submit_button(t("interviews.action.files"), type="primary"):
            _save(ctx, "interviews.action.files", lambda s: records.add_files(
                s, **ctx.args(), purpose=purpose, files=files, store=evidence_store()))


def _items(ctx: Ctx) -> None:
    with st.form(ctx.key("items"), border=False):
        values = new_item_inputs(Choices.load(), ctx.key)
        if st.form_submit_button(t("interviews.action.items"), type="primary"):
            _save(ctx, "interviews.action.items", lambda s: records.link_items(
                s, **ctx.args(), values=values))


def _edit(ctx: Ctx) -> None:
    f, choices = ctx.detail.fields, Choices.load()
    before = {k: f[k] for k in ("circumstance", "details", "interviewee_unit_id", "interviewee_subunit",
                                "organiser_unit_id", "held_on", "place", "minutes", "plan_workdays")}
    before["people"] = people_text(ctx.detail.people)
    with st.form(ctx.key("edit"), border=False):
        now = dict(before)
        now["circumstance"] = st.selectbox(
            t("interview.field.circumstance"), list(InterviewCircumstance), format_func=label,
            index=list(InterviewCircumstance).index(InterviewCircumstance(f["circumstance"])),
            key=ctx.key("e_circumstance"))
        now["interviewee_unit_id"] = unit_pick("interviewee_unit_id", choices.interviewees, ctx.key,
                                               current=f["interviewee_unit_id"])
        for key in ("interviewee_subunit", "place"):
            now[key] = st.text_input(t(f"interview.field.{key}"), value=f[key] or "", key=ctx.key(f"e_{key}"))
        now["held_on"] = st.date_input(t("interview.field.held_on"), value=f["held_on"],
                                       max_value=date.today(), key=ctx.key("e_held_on"))
        now["plan_workdays"] = st.number_input(t("interview.field.plan_workdays"), 1, 60,
                                               value=f["plan_workdays"], key=ctx.key("e_workdays"))
        for key in ("people", "details", "minutes"):
            now[key] = st.text_area(t(f"interview.field.{key}"), value=before[key] or "", height=90,
                                    key=ctx.key(f"e_{key}"))
        if st.form_submit_button(t("interviews.action.edit"), type="primary"):
            changes = {k: v for k, v in now.items() if (v or None) != (before[k] or None)}
            if not changes:
                st.info(t("form.no_change"))
                return
            _save(ctx, "interviews.action.edit", lambda s: records.update_interview(
                s, **ctx.args(), changes=changes))


ACTIONS: dict[str, tuple[str, str, Callable[[Ctx], None]]] = {
    "submit_plan": ("interview.move.submit_plan", ":material/upload_file:", _submit_plan),
    "publish_plan": ("interview.move.publish_plan", ":material/public:",
                     _published("publish_plan", "interview.field.plan_published_on", moves.publish_plan)),
    "complete": ("interview.move.complete", ":material/task_alt:", _complete),
    "publish_completion": ("interview.move.publish_completion", ":material/public:",
                           _published("publish_completion", "interview.field.completion_published_on",
                                      moves.publish_completion)),
    "follow_up": ("interviews.action.follow_up", ":material/gavel:", _follow_up),
    "files": ("interviews.action.files", ":material/attach_file:", _files),
    "items": ("interviews.action.items", ":material/playlist_add:", _items),
    "edit": ("interviews.action.edit", ":material/edit:", _edit),
    "remove_follow_up": ("interviews.action.remove_follow_up", ":material/delete:", _remove_follow_up),
}


def available_actions(detail: InterviewDetail) -> list[str]:
    """The forms to offer: core's moves for this reader, then the office's own forms."""
    office = ["follow_up", "files", "items", "edit"] + (["remove_follow_up"] if detail.follow_ups else [])
    return list(detail.moves) + (office if detail.can_record else [])


def action_panel(ctx: Ctx) -> None:
    """One expander per action open to the reader; the first one open."""
    names = available_actions(ctx.detail)
    if not names:
        st.caption(t("interviews.no_actions"))
    for i, name in enumerate(names):
        title_key, icon, render = ACTIONS[name]
        with st.expander(t(title_key), expanded=i == 0, icon=icon):
            render(ctx)
