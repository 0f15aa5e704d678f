"""How interviews read: the list's filters and table, and one interview's header, warnings,
timeline, record, related items, files and follow-up measures. Everything here only displays what
core returned (core.interviews.query); nothing here writes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor
from core.domain import InterviewCircumstance, InterviewFollowUp, InterviewStatus, PlanState, Status
from core.interviews.query import InterviewDetail, InterviewFilter, InterviewPage, filter_choices
from core.interviews.records import open_file
from ui.common import db, label, t
from ui.forms import forget_version, joined
from ui.item_views import download_button, evidence_store, open_item, size_text
from ui.text import plain

PAGE = "pages/interviews.py"
SCOPE = "interview"     # ui.forms seen-version scope of the interview page
PERSIST = "session"
# Late stands out in red, provisional in amber, on the metrics (Markdown colours) and the table
# (cell backgrounds): no emoji, which an intranet PC without a colour-emoji font draws as boxes.
STATE_COLOURS = {PlanState.LATE: "red", PlanState.PROVISIONAL: "orange",
                 PlanState.SUBMITTED_LATE: "violet"}
CELL_COLOURS = {PlanState.LATE: "background-color: #fde2e1", PlanState.PROVISIONAL:
                "background-color: #fff3d6", PlanState.SUBMITTED_LATE: "background-color: #f1e8fb"}


def open_interview(interview_id: int) -> None:
    """Go to the interview's page, loading it afresh (the version shown becomes the one seen)."""
    forget_version(SCOPE, interview_id)
    st.switch_page(PAGE, query_params={"id": str(interview_id)})


def status_text(status: InterviewStatus) -> str:
    return t(f"status.interview.{InterviewStatus(status).value}")


def due_text(due: date, years: tuple[int, ...]) -> str:
    """The plan's due date, marked when it is provisional."""
    return t("interviews.due_provisional", day=due.isoformat()) if years else due.isoformat()


def years_text(years) -> str:
    return joined(str(y) for y in years)


# ------------------------------------------------------------------ the list

def _multi(title_key: str, options, key: str, fmt=label):
    return tuple(st.multiselect(t(title_key), list(options), format_func=fmt, key=key,
                                placeholder=t("ledger.any"), persist_state=PERSIST))


def interview_filter(actor: Actor) -> InterviewFilter:
    """The filter widgets (kept for the session) and what they say."""
    with db() as session:
        years, units = filter_choices(session, actor=actor)
    c1, c2, c3 = st.columns(3)
    with c1:
        picked_years = _multi("interviews.filter.year", years, "iv_years", fmt=str)
        unit = st.selectbox(t("interviews.filter.unit"), [None, *units], key="iv_unit",
                            format_func=lambda i: t("ledger.any") if i is None else units[i],
                            persist_state=PERSIST)
    with c2:
        circumstances = _multi("interview.field.circumstance", InterviewCircumstance, "iv_circumstance")
        states = _multi("interviews.filter.plan_state", PlanState, "iv_plan_state")
    with c3:
        follow_ups = _multi("interviews.filter.follow_up", InterviewFollowUp, "iv_follow_up")
        statuses = _multi("interview.field.status", InterviewStatus, "iv_status", fmt=status_text)
    search = st.text_input(t("interviews.filter.search"), key="iv_search", persist_state=PERSIST)
    return InterviewFilter(years=picked_years, circumstances=circumstances, unit_id=unit,
                           plan_states=states, follow_ups=follow_ups, statuses=statuses, search=search)


def plan_state_metrics(page: InterviewPage) -> None:
    """How many plans are late, provisional, awaited and in, in the filtered set."""
    cols = st.columns(len(PlanState))
    for col, state in zip(cols, PlanState, strict=True):
        col.metric(state_label(state), f"{page.by_plan_state.get(state, 0):,}")


def state_label(state: PlanState) -> str:
    """The plan state as Markdown, coloured when it needs attention."""
    colour = STATE_COLOURS.get(state)
    return f":{colour}[{label(state)}]" if colour else label(state)


def interview_frame(page: InterviewPage):
    """The page's rows as a table (a pandas Styler: late and provisional plans shaded)."""
    rows = page.rows
    state_col = t("interviews.col.plan_state")
    frame = pd.DataFrame({
        t("interview.field.code"): [r.code for r in rows],
        t("interview.field.held_on"): [r.held_on for r in rows],
        t("interview.field.interviewee_unit_id"): [r.unit for r in rows],
        t("interview.field.plan_due_on"): [due_text(r.plan_due_on, r.provisional_years) for r in rows],
        state_col: [label(r.plan_state) for r in rows],
        t("interview.field.status"): [status_text(r.status) for r in rows],
        t("interviews.filter.follow_up"): [joined(label(k) for k in r.follow_ups) for r in rows],
        t("interviews.col.items"): [r.items for r in rows],
        t("interview.field.circumstance"): [label(r.circumstance) for r in rows],
    })
    shades = [CELL_COLOURS.get(r.plan_state, "") for r in rows]
    return frame.style.apply(lambda column: shades, subset=[state_col])


# ------------------------------------------------------------------ one interview

def warnings(detail: InterviewDetail, can_enter_holidays: bool) -> None:
    """What the reader must not miss: a provisional date (and why), a late plan."""
    if detail.provisional_years:
        text = t("interviews.provisional_why", years=years_text(detail.provisional_years),
                 day=detail.fields["plan_due_on"].isoformat())
        st.warning(text, icon=":material/event_upcoming:")
        if can_enter_holidays:
            st.page_link("pages/holidays.py", label=t("interviews.enter_holidays"),
                         icon=":material/calendar_month:")
    if detail.plan_state is PlanState.LATE:
        st.error(t("interviews.plan_late", days=-detail.days_to_due), icon=":material/alarm:")


def _plan_figure(detail: InterviewDetail) -> tuple[str, str | None]:
    """(value, note) of the plan figure: days left or late, or when it came in."""
    f, days, state = detail.fields, detail.days_to_due, detail.plan_state
    if f["plan_submitted_on"]:
        return t(f"interviews.figure.{state.value}"), f["plan_submitted_on"].isoformat()
    if state is PlanState.LATE:
        return t("item.days_overdue", n=-days), None
    if state is PlanState.PROVISIONAL:
        return t("interviews.figure.provisional"), t("interviews.days_left", n=days) if days >= 0 else None
    return t("interviews.days_left", n=days), None


def figures(detail: InterviewDetail) -> None:
    """The state in a line, then five figures: held, due, the plan, items, measures."""
    f = detail.fields
    st.caption(t("interviews.state_line", status=status_text(detail.status),
                 circumstance=label(f["circumstance"], InterviewCircumstance),
                 organiser=detail.organiser or t("item.none")))
    cols = st.columns(5)
    cols[0].metric(t("interview.field.held_on"), f["held_on"].isoformat())
    cols[1].metric(t("interview.field.plan_due_on"), f["plan_due_on"].isoformat(),
                   delta=t("interviews.provisional") if detail.provisional_years else None,
                   delta_color="off", delta_arrow="off")
    value, note = _plan_figure(detail)
    cols[2].metric(t("interviews.col.plan_state"), value, delta=note, delta_color="off", delta_arrow="off")
    cols[3].metric(t("interviews.col.items"), len(detail.items))
    cols[4].metric(t("interviews.filter.follow_up"), len(detail.follow_ups))


def _line(key: str, value) -> str:
    shown = plain(str(value)) if value not in (None, "") else t("item.none")
    return f"**{t(key)}**：{shown}"


def _published(url, day) -> str | None:
    return " ".join(str(v) for v in (day, url) if v) or None


def record_lines(detail: InterviewDetail) -> None:
    """The record: circumstance, who was interviewed by whom, where and when, the plan's track."""
    f = detail.fields
    left, right = st.columns(2)
    unit = detail.unit_full + (f"（{f['interviewee_subunit']}）" if f["interviewee_subunit"] else "")
    with left:
        st.markdown("  \n".join([
            _line("interview.field.circumstance", label(f["circumstance"], InterviewCircumstance)),
            _line("interview.field.details", f["details"]),
            _line("interview.field.interviewee_unit_id", unit),
            _line("interview.field.held_on", f["held_on"]), _line("interview.field.place", f["place"]),
            _line("interview.field.organiser_unit_id", detail.organiser)]))
        st.markdown(f"##### {t('interview.field.people')}")
        st.dataframe(pd.DataFrame({t("interviews.col.name"): [p.name or "" for p in detail.people],
                                   t("interviews.col.position"): [p.position for p in detail.people]}),
                     hide_index=True, key="iv_people")
    with right:
        st.markdown("  \n".join([
            _line("interview.field.plan_workdays", f["plan_workdays"]),
            _line("interview.field.plan_due_on", due_text(f["plan_due_on"], detail.provisional_years)),
            _line("interview.field.plan_submitted_on", f["plan_submitted_on"]),
            _line("interview.field.plan_url", _published(f["plan_url"], f["plan_published_on"])),
            _line("interview.field.completed_on", f["completed_on"]),
            _line("interview.field.completion_url",
                  _published(f["completion_url"], f["completion_published_on"]))]))
        if f["minutes"]:
            st.markdown(f"##### {t('interview.field.minutes')}")
            st.markdown(plain(f["minutes"]))


def related_items(detail: InterviewDetail) -> None:
    """The related items; ticking a row opens the item (if the reader may see it)."""
    if not detail.items:
        st.info(t("interviews.no_items"))
        return
    frame = pd.DataFrame({
        t("col.code"): [i.code for i in detail.items],
        t("col.district"): [i.district or t("district.citywide") for i in detail.items],
        t("col.description"): [i.description for i in detail.items],
        t("col.status"): [label(i.status, Status) for i in detail.items],
        t("col.due_on"): [i.due_on for i in detail.items],
        t("col.days_overdue"): [i.days_overdue or None for i in detail.items]})
    picked = st.dataframe(frame, hide_index=True, key="iv_items", on_select="rerun",
                          selection_mode="single-row")
    st.caption(t("interviews.items_hint"))
    if picked.selection.rows:
        open_item(detail.items[picked.selection.rows[0]].id)


def files(actor: Actor, detail: InterviewDetail) -> None:
    if not detail.attachments:
        st.info(t("interviews.no_files"))
        return
    for info in reversed(detail.attachments):
        left, right = st.columns([3, 2])
        with left:
            download_button(actor, info, key=f"ivf_{info.id}", loader=_loader(actor, detail.id, info.id))
        right.caption(" · ".join(p for p in (t(f"evidence.purpose.{info.purpose}"), info.uploaded_by,
                                            f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at
                                            else None, size_text(info.size_bytes)) if p))


def _loader(actor: Actor, interview_id: int, attachment_id: int):
    def load() -> bytes:
        with db() as session:
            return open_file(session, actor=actor, interview_id=interview_id,
                             attachment_id=attachment_id, store=evidence_store()).data
    return load


def measures(detail: InterviewDetail) -> None:
    if not detail.follow_ups:
        st.info(t("interviews.no_follow_ups"))
        return
    st.dataframe(pd.DataFrame({
        t("interview.field.follow_up_kind"): [label(m.kind) for m in detail.follow_ups],
        t("interview.field.taken_on"): [m.taken_on for m in detail.follow_ups],
        t("interview.field.follow_up_note"): [m.note for m in detail.follow_ups],
        t("interview.field.district"): [m.district or "" for m in detail.follow_ups],
        t("interviews.col.recorded_by"): [m.recorded_by or "" for m in detail.follow_ups]}),
        hide_index=True, key="iv_measures")


def step_text(step) -> str:
    """What one step of the timeline says, in the reader's language."""
    d = step.detail
    values = {k: v for k, v in d.items() if isinstance(v, str | int) or v is None}
    if step.kind == "follow_up" or step.kind == "follow_up_removed":
        values["kind"] = label(InterviewFollowUp(d["kind"]))
    if step.kind == "files":
        values["purpose"] = t(f"evidence.purpose.{d['purpose']}")
    for key in ("items", "new_items", "files", "fields"):
        values[key] = joined(d.get(key) or []) or t("item.none")
    if step.kind == "edited":
        values["fields"] = joined(t(f"interview.field.{f}") for f in d.get("fields", []))
    text = t(f"interviews.step.{step.kind}", **{k: "" if v is None else v for k, v in values.items()})
    if step.kind == "due_recomputed" and d.get("provisional"):
        text += t("interviews.still_provisional")
    if step.from_status and step.to_status and step.from_status != step.to_status:
        text += f"（{status_text(step.from_status)} → {status_text(step.to_status)}）"
    return text


def timeline(detail: InterviewDetail) -> None:
    """Newest first: each step with who, when and what."""
    for step in detail.steps:
        with st.container(border=True):
            st.markdown(f"**{plain(step_text(step))}**")
            who = step.who or t("interviews.who_unknown")
            st.caption(" · ".join([f"{step.at:%Y-%m-%d %H:%M}", plain(who)]))
            note = step.detail.get("note") or step.detail.get("reason")
            if note:
                st.markdown(plain(note))
            url = step.detail.get("plan_url") or step.detail.get("completion_url")
            if url:   # shown, never linked: the unit's portal may be out of the intranet's reach
                st.code(url, language=None, wrap_lines=True)



def detail_tabs(actor: Actor, detail: InterviewDetail) -> None:
    """The interview's timeline, record, related items, files and follow-up measures."""
    tabs = st.tabs([t("interviews.tab.timeline", n=len(detail.steps)), t("interviews.tab.record"),
                    t("interviews.tab.items", n=len(detail.items)),
                    t("interviews.tab.files", n=len(detail.attachments)),
                    t("interviews.tab.follow_ups", n=len(detail.follow_ups))])
    for tab, show in zip(tabs, (lambda: timeline(detail), lambda: record_lines(detail),
                                lambda: related_items(detail), lambda: files(actor, detail),
                                lambda: measures(detail)), strict=True):
        with tab:
            show()
