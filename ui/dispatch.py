"""The 季调度 page's round views: open a round (coordinator), pick one, its units' reported /
not yet / late with a chart, the reminder download, changing and closing it, its snapshot.

Every write goes to core.dispatch with the version the coordinator saw; a refusal is explained
(ui.forms.show_error) and nothing is written.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor, can
from core.dispatch import reminders, rounds, snapshot
from core.dispatch.figures import FigureLine, RoundFigures, UnitStatus
from core.dispatch.rounds import Round, quarter_of
from core.dispatch.scope import RoundScope, preview_scope
from core.domain import Role, SourceLevel
from core.errors import LedgerError
from core.formatting import format_count
from core.ledger.query import inspection_choices
from core.reference_data import list_districts
from db.engine import session_scope
from ui import dispatch_charts
from ui.cache import TTL_SECONDS, ledger_state
from ui.common import db, label, lang, settings, t
from ui.downloads import XLSX
from ui.forms import attempt, flash, show_error
from ui.text import plain

ROUND_PARAM = "round"
CITYWIDE = -1   # widget stand-in for 全市 (district None)
STATE_FILTERS = ("all", "late", "not_yet", "reported")


def round_name(rnd: Round) -> str:
    state = t("dispatch.open" if rnd.is_open else "dispatch.closed")
    return t("dispatch.round_name", year=rnd.year, quarter=rnd.quarter, title=rnd.title, state=state)


def pick_round(rnds: list[Round]) -> Round:
    """The round in the URL (?round=ID, e.g. a link from 我的待办), else the newest open one; the
    selectbox writes the choice back to the URL. Its key follows the URL, so a followed link
    always shows its round (no widget state to reconcile)."""
    by_id = {r.id: r for r in rnds}
    asked = st.query_params.get(ROUND_PARAM, "")
    shown = int(asked) if asked.isdigit() and int(asked) in by_id else \
        next((r.id for r in rnds if r.is_open), rnds[0].id)
    ids = list(by_id)
    chosen = st.selectbox(t("dispatch.pick"), ids, index=ids.index(shown),
                          key=f"dispatch_round_{shown}", format_func=lambda i: round_name(by_id[i]))
    if str(chosen) != asked:
        st.query_params[ROUND_PARAM] = str(chosen)
        if chosen != shown:
            st.rerun()
    return by_id[chosen]


# ------------------------------------------------------------------ opening a round

def _scope_widgets() -> RoundScope:
    with db() as session:
        inspections = dict(inspection_choices(session))
        districts = {d.id: d.name for d in list_districts(session)}
    districts[CITYWIDE] = t("district.citywide")
    everything = st.toggle(t("dispatch.scope.everything"), value=True, key="open_everything")
    if everything:
        return RoundScope()
    c1, c2 = st.columns(2)
    levels = c1.multiselect(t("dispatch.field.levels"), list(SourceLevel), format_func=label,
                            key="open_levels", placeholder=t("ledger.any"))
    picked = c1.multiselect(t("dispatch.field.districts"), list(districts),
                            format_func=districts.get, key="open_districts", placeholder=t("ledger.any"))
    chosen = c2.multiselect(t("dispatch.field.inspections"), list(inspections),
                            format_func=inspections.get, key="open_inspections",
                            placeholder=t("ledger.any"))
    codes = c2.text_input(t("dispatch.field.codes"), key="open_codes",
                          help=t("dispatch.scope.codes_help"))
    return RoundScope(tuple(levels), tuple(chosen),
                      tuple(None if d == CITYWIDE else d for d in picked),
                      tuple(c for c in codes.replace("，", ",").replace(" ", ",").split(",") if c))


def _preview(scope: RoundScope) -> bool:
    """Say how many open items and units the scope covers now; False if it covers none."""
    try:
        with db() as session:
            items, units = preview_scope(session, scope)
    except LedgerError as exc:
        show_error(exc)
        return False
    if items:
        st.caption(t("dispatch.scope.preview", items=format_count(items, lang()),
                     units=format_count(units, lang())))
    else:
        st.warning(t("dispatch.scope.none"))
    return items > 0


def open_round_form(actor: Actor, today: date) -> None:
    """Coordinator: quarter, title, report-by date and what the round covers, then open it."""
    with st.expander(t("dispatch.open_new"), icon=":material/add_circle:"):
        year, quarter = quarter_of(today)
        c1, c2, c3 = st.columns([1, 1, 2])
        year = c1.number_input(t("dispatch.field.year"), value=year, step=1, key="open_year")
        quarter = c2.selectbox(t("dispatch.field.quarter"), [1, 2, 3, 4], index=quarter - 1,
                               key="open_quarter", format_func=lambda q: t("dispatch.quarter", q=q))
        report_by = c3.date_input(t("dispatch.field.report_by"), value=None, key="open_report_by",
                                  min_value=today)
        title = st.text_input(t("dispatch.field.title"), key="open_title",
                              placeholder=t("dispatch.title_hint", year=year, quarter=quarter))
        summary = st.text_area(t("dispatch.field.summary"), key="open_summary", height=80)
        scope = _scope_widgets()
        covers = _preview(scope)
        if st.button(t("dispatch.open_button"), type="primary", key="open_round", disabled=not covers):
            _open(actor, int(year), quarter, title, report_by, scope, summary)


def _open(actor: Actor, year: int, quarter: int, title: str, report_by, scope: RoundScope,
          summary: str) -> None:
    opened = []

    def write():
        with db() as session:
            opened.append(rounds.open_round(session, actor=actor, year=year, quarter=quarter,
                                            title=title, report_by=report_by, scope=scope,
                                            summary=summary))
    if attempt(write):
        rnd = opened[0]
        flash(t("dispatch.opened", title=rnd.title, items=format_count(rnd.items, lang()),
                units=format_count(rnd.units, lang())))
        st.query_params[ROUND_PARAM] = str(rnd.id)
        st.rerun()


# ------------------------------------------------------------------ one round

def round_header(rnd: Round, today: date) -> None:
    days = (rnd.report_by - today).days
    when = (t("dispatch.closed_at", when=rnd.closed_at.strftime("%Y-%m-%d %H:%M")) if not rnd.is_open
            else t("dispatch.due_in", n=days) if days > 0 else t("dispatch.due_today") if days == 0
            else t("dispatch.due_passed", n=-days))
    st.subheader(plain(rnd.title))
    st.caption(t("dispatch.header", year=rnd.year, quarter=rnd.quarter,
                 report_by=rnd.report_by.isoformat(), when=when,
                 opened=rnd.opened_at.strftime("%Y-%m-%d"), items=format_count(rnd.items, lang()),
                 units=format_count(rnd.units, lang())))
    if rnd.summary:
        st.markdown(plain(rnd.summary))


@st.cache_data(ttl=TTL_SECONDS, max_entries=32, show_spinner=False)
def _statuses(url: str, revision: int, round_id: int, today: date, unit_view: bool,
              _actor: Actor) -> list[UnitStatus]:
    # `_actor` is not part of the key: every office role sees the same lines (a unit account
    # only its own, hence `unit_view`), and core checked that this actor may read the round.
    with session_scope(url) as session:
        return snapshot.unit_statuses(session, actor=_actor, round_id=round_id, today=today)[1]


def statuses(actor: Actor, rnd: Round, today: date) -> list[UnitStatus]:
    """The round's units and their state, computed once per ledger revision (every report bumps
    it), so switching the filter or a language does not count a large round again."""
    with db() as session:
        rounds.get_round(session, actor=actor, round_id=rnd.id)       # may this actor read it?
    return _statuses(settings().database_url, ledger_state()[0], rnd.id, today,
                     actor.role is Role.UNIT, actor)


def status_overview(rows: list[UnitStatus], rnd: Round) -> None:
    """Counts of units per state, the chart, and the per-unit table (filterable by state)."""
    counts = {s: sum(1 for r in rows if r.state.value == s) for s in STATE_FILTERS[1:]}
    cols = st.columns(5)
    cols[0].metric(t("dispatch.units"), format_count(len(rows), lang()))
    for col, key in zip(cols[1:4], ("reported", "not_yet", "late"), strict=True):
        col.metric(t(f"dispatch.state.{key}"), format_count(counts[key], lang()))
    cols[4].metric(t("dispatch.items_reported"),
                   f"{format_count(sum(r.reported for r in rows), lang())} / "
                   f"{format_count(sum(r.items for r in rows), lang())}")
    st.altair_chart(dispatch_charts.state_chart(rows, lang=lang()), theme=None,
                    key=f"dispatch_chart_{rnd.id}")
    show = st.segmented_control(t("dispatch.show"), STATE_FILTERS, default="all", required=True,
                                format_func=lambda s: t(f"dispatch.filter.{s}"), key="dispatch_show")
    shown = [r for r in rows if show == "all" or r.state.value == show]
    st.dataframe(status_frame(shown, snapshot_only=not rnd.is_open), hide_index=True,
                 key="dispatch_units")


def status_frame(rows: list[UnitStatus], *, snapshot_only: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({
        t("dispatch.col.unit"): [r.name for r in rows],
        t("dispatch.col.state"): [t(f"dispatch.state.{r.state.value}") for r in rows],
        t("dispatch.col.items"): [r.items for r in rows],
        t("dispatch.col.reported"): [r.reported for r in rows],
        t("dispatch.col.not_yet"): [r.not_yet for r in rows],
        t("dispatch.col.late"): [r.late for r in rows],
        t("dispatch.col.last_report"): [r.last_report_at.strftime("%Y-%m-%d %H:%M")
                                        if r.last_report_at else "" for r in rows]})
    return frame.drop(columns=t("dispatch.col.last_report")) if snapshot_only else frame


# ------------------------------------------------------------------ reminders, changes, closing

def reminder_download(actor: Actor, rnd: Round, today: date, behind: int) -> None:
    if not (rnd.is_open and can(actor, "dispatch.export") and behind):
        return
    lang_now = lang()

    def build() -> bytes:
        with db() as session:
            return reminders.reminder_workbook(session, actor=actor, round_id=rnd.id, today=today,
                                               lang=lang_now)
    st.download_button(t("dispatch.remind", n=behind), data=build, mime=XLSX, key="dispatch_remind",
                       file_name=t("dispatch.remind_file", id=rnd.id, day=today.isoformat()),
                       icon=":material/download:", on_click="ignore")


def manage_round(actor: Actor, rnd: Round) -> None:
    """Coordinator: change the title or report-by date, or close the round (snapshot)."""
    if not (rnd.is_open and can(actor, "dispatch.manage")):
        return
    seen = st.session_state.setdefault(f"dispatch_seen_{rnd.id}", rnd.version)
    if seen != rnd.version:   # a colleague changed the round since: saves are refused until reload
        st.warning(t("dispatch.changed_meanwhile"), icon=":material/sync_problem:")
        if st.button(t("form.stale_reload"), key=f"dispatch_reload_{rnd.id}"):
            st.session_state.pop(f"dispatch_seen_{rnd.id}", None)
            st.rerun()
    with st.expander(t("dispatch.change"), icon=":material/edit_calendar:"):
        with st.form(f"dispatch_change_{rnd.id}"):
            title = st.text_input(t("dispatch.field.title"), value=rnd.title)
            report_by = st.date_input(t("dispatch.field.report_by"), value=rnd.report_by)
            summary = st.text_area(t("dispatch.field.summary"), value=rnd.summary or "", height=80)
            if st.form_submit_button(t("dispatch.save")):
                _write(rnd, lambda s: rounds.update_round(
                    s, actor=actor, round_id=rnd.id, expected_version=seen, title=title,
                    report_by=report_by, summary=summary), t("dispatch.saved"))
    with st.expander(t("dispatch.close"), icon=":material/lock:"):
        st.caption(t("dispatch.close_hint"))
        sure = st.checkbox(t("dispatch.close_confirm"), key=f"dispatch_close_sure_{rnd.id}")
        if st.button(t("dispatch.close_button"), disabled=not sure, key=f"dispatch_close_{rnd.id}"):
            _write(rnd, lambda s: snapshot.close_round(s, actor=actor, round_id=rnd.id,
                                                       expected_version=seen),
                   t("dispatch.closed_flash", title=rnd.title))


def _write(rnd: Round, write, message: str) -> None:
    def run():
        with db() as session:
            write(session)
    if attempt(run):
        st.session_state.pop(f"dispatch_seen_{rnd.id}", None)
        flash(message)
        st.rerun()


def snapshot_tables(actor: Actor, rnd: Round) -> None:
    """A closed round: the figures frozen when it closed, by source level and by district."""
    with db() as session:
        figures = snapshot.round_figures(session, actor=actor, round_id=rnd.id, today=date.today())
    st.info(t("dispatch.snapshot", when=figures.as_of.strftime("%Y-%m-%d %H:%M")),
            icon=":material/photo_camera:")
    st.dataframe(figure_frame([FigureLine("", t("dispatch.total"), figures.total)],
                              "dispatch.col.scope"), hide_index=True, key="dispatch_total")
    left, right = st.columns([2, 3])
    with left:
        st.dataframe(figure_frame(_levels(figures), "col.level"), hide_index=True,
                     key="dispatch_levels")
    with right:
        st.dataframe(figure_frame(figures.by_district, "col.district"), hide_index=True,
                     key="dispatch_districts")


def _levels(figures: RoundFigures) -> list[FigureLine]:
    return [FigureLine(line.key, label(line.key, SourceLevel), line.counts) for line in figures.by_level]


def figure_frame(lines, name_key: str) -> pd.DataFrame:
    keys = ("items", "reported", "not_yet", "late", "closed", "overdue", "long_unresolved")
    data = {t(name_key): [line.name or t("district.citywide") for line in lines]}
    for key in keys:
        data[t(f"dispatch.col.{key}")] = [getattr(line.counts, key) for line in lines]
    return pd.DataFrame(data)
