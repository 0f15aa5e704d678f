"""我的待办: what the signed-in coordinator or unit must act on, soonest first; a row opens the item
(or the referral, or the interview). A unit's 催办 (reminders from the office) come first, each
with who asked, when and what they said, and a button that opens the item."""

from datetime import date

import pandas as pd
import streamlit as st

from core.domain import Role, Status
from core.ledger.action_queue import ActionRow, ActionSection, needs_my_action
from core.reference_data import scope_label
from ui.common import current_actor, data_as_of, db, label, t
from ui.dispatch_queue import dispatch_section
from ui.forms import joined
from ui.interview_views import open_interview
from ui.item_views import open_item
from ui.referral_links import open_referral
from ui.supervision import open_notice
from ui.text import plain

actor = current_actor()
today = date.today()
# Sections whose date is not a deadline the user can miss: shown without "days left".
DATE_LABELS = {"queue.pending_extensions": "my_actions.col.new_due",
               "queue.ready_to_close": "my_actions.col.notice_to"}
NO_COUNTDOWN = {"queue.pending_extensions", "queue.ready_to_close", "queue.awaiting_verification"}
REMINDERS = "queue.reminded"


def when(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return t("my_actions.due_today")
    return t("my_actions.days_left", n=days) if days > 0 else t("my_actions.days_late", n=-days)


def status_cell(row: ActionRow) -> str:
    if row.entity == "item":
        return label(row.status, Status)
    return t(f"status.{row.entity}.{row.status}")


def section_table(section: ActionSection) -> None:
    frame = pd.DataFrame({
        t("my_actions.col.code"): [r.code for r in section.rows],
        t("my_actions.col.summary"): [r.summary for r in section.rows],
        t(DATE_LABELS.get(section.key, "my_actions.col.due")): [
            r.due_on.isoformat() if r.due_on else "" for r in section.rows],
        t("my_actions.col.when"): [when(r.days) for r in section.rows],
        t("my_actions.col.status"): [status_cell(r) for r in section.rows],
    })
    if section.key in NO_COUNTDOWN:
        frame = frame.drop(columns=t("my_actions.col.when"))
    linkable = all(r.item_id is not None or r.entity in ("referral", "interview", "notice")
                   for r in section.rows)
    shown = st.dataframe(frame, hide_index=True, key=f"queue_{section.key}",
                         on_select="rerun" if linkable else "ignore", selection_mode="single-row",
                         column_config={t("my_actions.col.summary"): st.column_config.TextColumn(
                             width="large")})
    if linkable and shown.selection.rows:
        row = section.rows[shown.selection.rows[0]]
        if row.entity == "referral":
            open_referral(row.id)
        elif row.entity == "interview":
            open_interview(row.id)
        elif row.entity == "notice":
            open_notice(row.id)
        else:
            open_item(row.item_id)
    if not linkable:
        st.caption(t("my_actions.no_link"))
    if section.total > len(section.rows):
        st.caption(t("queue.more", n=section.total - len(section.rows)))


def reminder_panel(section: ActionSection) -> None:
    """The office's 催办 still unanswered, newest first: who, when, which item, the note."""
    st.subheader(t("reminders.title", n=section.total))
    for row in section.rows:
        with st.container(border=True):
            text, button = st.columns([6, 1], vertical_alignment="center")
            text.markdown(":material/notifications_active: " + t(
                "reminders.line", code=plain(row.code), by=plain(row.by or "—"),
                at=f"{row.at:%Y-%m-%d %H:%M}" if row.at else "", times=row.times))
            text.caption(plain(row.summary) + ("　" + when(row.days) if row.days is not None else ""))
            if button.button(t("reminders.open"), key=f"reminder_open_{row.id}",
                             icon=":material/open_in_new:"):
                open_item(row.item_id)
    if section.total > len(section.rows):
        st.caption(t("queue.more", n=section.total - len(section.rows)))


st.title(t("my_actions.title"))
data_as_of()
with db() as session:
    queue = needs_my_action(session, actor=actor, today=today)
    scope = scope_label(session, unit_id=actor.unit_id, district_id=actor.district_id)
if not queue.sections:
    st.info(t("my_actions.none_for_role"))
    st.stop()
st.caption(t("overview.scope_unit", unit=plain(scope)) + "　" + t("my_actions.intro_unit")
           if actor.role is Role.UNIT else t("my_actions.intro_office"))

PER_ROW = 4   # seven figures in one row cut their labels at 1366 px ("超过反馈期限的移…")
for start in range(0, len(queue.sections), PER_ROW):
    for col, section in zip(st.columns(PER_ROW), queue.sections[start:start + PER_ROW], strict=False):
        col.metric(t(section.key), f"{section.total:,}")
dispatch_outstanding = dispatch_section(actor, today)  # 季调度 rounds still to report on
if queue.total == 0 and not dispatch_outstanding:
    st.success(t("my_actions.all_clear"), icon=":material/task_alt:")
    st.stop()

reminders = next((s for s in queue.sections if s.key == REMINDERS and s.total), None)
if reminders:
    reminder_panel(reminders)
st.caption(t("my_actions.open_hint"))
for section in queue.sections:
    if section.total and section.key != REMINDERS:
        st.subheader(t("my_actions.section", title=t(section.key), n=section.total))
        section_table(section)
empty = [t(s.key) for s in queue.sections if not s.total]
if empty:
    st.caption(t("my_actions.empty_sections", names=joined(empty)))
