"""The holidays page's parts: where each year's working days come from, the import of a year's
file (checked, previewed, then written against the versions the admin previewed), and one year's
entered days with a form to add or remove a day. Core checks and writes everything."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor
from core.calendar.coverage import YearCoverage
from core.calendar.holiday_file import MAX_BYTES, read_holiday_file, template_csv
from core.calendar.holidays import (
    HolidaysWrite,
    delete_holiday,
    entered_days,
    import_holidays,
    plan_import,
    set_holiday,
    year_versions,
)
from core.errors import LedgerError, ValidationFailed
from ui.common import db, t
from ui.forms import (
    flash,
    form_generation,
    problem_frame,
    remember_version,
    reset_forms,
    seen_version,
    show_error,
)
from ui.uploads import file_uploader

SCOPE = "holiday_year"      # ui.forms seen-version scope: one per year
PREVIEW = "holiday_preview"


def basis_text(c: YearCoverage) -> str:
    return t(f"holidays.basis_short.{c.basis}")


def coverage_table(cover: list[YearCoverage], provisional: dict[int, int]) -> None:
    st.dataframe(pd.DataFrame({
        t("holidays.col.year"): [str(c.year) for c in cover],
        t("holidays.col.basis"): [basis_text(c) for c in cover],
        t("holidays.col.official"): ["✓" if c.official else "✗" for c in cover],
        t("holidays.col.holidays"): [c.holidays for c in cover],
        t("holidays.col.workdays"): [c.workdays for c in cover],
        t("holidays.col.provisional"): [provisional.get(c.year, 0) for c in cover],
        t("holidays.col.changed"): [" ".join(p for p in (
            f"v{c.version}" if c.version else "", f"{c.updated_at:%Y-%m-%d %H:%M}" if c.updated_at else "",
            c.updated_by or "", c.source or "") if p) for c in cover]}),
        hide_index=True, key="holiday_coverage")


def result_message(what: str, result: HolidaysWrite) -> str:
    """What a write did, per year, and the due dates it moved."""
    years = [t("holidays.done_year", year=p.year, added=p.added, changed=p.changed, removed=p.removed)
             for p in result.years if p.added or p.changed or p.removed]
    text = t("holidays.done", what=what, years="；".join(years) or t("holidays.nothing_changed"))
    for c in result.recomputed:
        key = "holidays.recomputed_provisional" if c.provisional else "holidays.recomputed"
        text += "\n\n" + t(key, code=c.code, before=c.before.isoformat(), after=c.after.isoformat())
    return text


def _write(what: str, year_keys: list[int], write) -> None:
    try:
        with db() as session:
            result = write(session)
            versions = year_versions(session, year_keys)
    except LedgerError as exc:
        show_error(exc)
        return
    for year, version in versions.items():
        remember_version(SCOPE, year, version)
        reset_forms(SCOPE, year)
    st.session_state.pop(PREVIEW, None)
    reset_forms(SCOPE, 0)
    flash(result_message(what, result))
    st.rerun()


# ------------------------------------------------------------------ import

def import_section(actor: Actor) -> None:
    """Upload → rows checked (each bad row named) → what it would change → import."""
    st.download_button(t("holidays.template"), data=template_csv(), file_name=t("holidays.template_file"),
                       mime="text/csv", icon=":material/download:", key="holiday_template",
                       on_click="ignore", type="tertiary")
    upload = file_uploader(t("holidays.upload"), type=["csv", "xlsx"], help=t("holidays.upload_help"),
                           key=f"holiday_file_{form_generation(SCOPE, 0)}", max_mb=MAX_BYTES / 2**20)
    if upload is None:
        return
    data = upload.getvalue()
    try:
        entries = read_holiday_file(data, upload.name)
        with db() as session:
            plans = plan_import(session, entries)
    except ValidationFailed as exc:
        st.error(t("holidays.refused", count=len(exc.problems)), icon=":material/error:")
        st.dataframe(problem_frame(exc.problems), hide_index=True, key="holiday_problems")
        return
    # The versions the admin previews against: a colleague's save before "import" is refused.
    digest = hashlib.sha256(data).hexdigest()
    preview = st.session_state.get(PREVIEW)
    if not preview or preview["digest"] != digest:
        preview = {"digest": digest, "versions": {p.year: p.version for p in plans}}
        st.session_state[PREVIEW] = preview
    st.dataframe(pd.DataFrame({
        t("holidays.col.year"): [str(p.year) for p in plans],
        t("holidays.col.added"): [p.added for p in plans],
        t("holidays.col.changed_days"): [p.changed for p in plans],
        t("holidays.col.removed"): [p.removed for p in plans],
        t("holidays.col.unchanged"): [p.unchanged for p in plans]}), hide_index=True, key="holiday_plan")
    with st.expander(t("holidays.rows", n=len(entries))):
        st.dataframe(days_frame(entries), hide_index=True, key="holiday_rows")
    years = "、".join(str(p.year) for p in plans)
    if st.button(t("holidays.import", years=years), type="primary", key="holiday_import"):
        _write(t("holidays.imported", name=upload.name), list(preview["versions"]),
               lambda s: import_holidays(s, actor=actor, entries=entries, source=upload.name,
                                         expected_versions=preview["versions"]))


def days_frame(entries) -> pd.DataFrame:
    return pd.DataFrame({
        t("holidays.col.day"): [e.day.isoformat() for e in entries],
        t("holidays.col.weekday"): [t("holidays.weekdays").split()[e.day.weekday()] for e in entries],
        t("holidays.col.kind"): [t("holidays.kind.work" if e.is_workday else "holidays.kind.off")
                                 for e in entries],
        t("holidays.col.name"): [e.name or "" for e in entries]})


# ------------------------------------------------------------------ one year

def year_section(actor: Actor, years: list[int], default: int) -> None:
    year = st.selectbox(t("holidays.col.year"), years, index=years.index(default), key="holiday_year")
    with db() as session:
        days = entered_days(session, year=year)
        version = year_versions(session, [year])[year]
    seen = seen_version(SCOPE, year, version)
    if seen != version:
        st.warning(t("holidays.changed_since", year=year), icon=":material/sync_problem:")
        if st.button(t("form.stale_reload"), icon=":material/refresh:", key="holiday_reload"):
            remember_version(SCOPE, year, version)
            reset_forms(SCOPE, year)
            st.rerun()
    if days:
        st.dataframe(days_frame(days), hide_index=True, key="holiday_days")
    else:
        st.info(t("holidays.none_entered", year=year))
    gen = form_generation(SCOPE, year)
    left, right = st.columns(2)
    with left, st.form(f"holiday_add_{year}_{gen}"):
        st.markdown(f"##### {t('holidays.add')}")
        day = st.date_input(t("holidays.col.day"), value=date(year, 1, 1), min_value=date(year, 1, 1),
                            max_value=date(year, 12, 31), key=f"hd_day_{year}_{gen}")
        kind = st.radio(t("holidays.col.kind"), ["off", "work"], horizontal=True, key=f"hd_kind_{year}_{gen}",
                        format_func=lambda k: t(f"holidays.kind.{k}"))
        name = st.text_input(t("holidays.col.name"), key=f"hd_name_{year}_{gen}", max_chars=40)
        if st.form_submit_button(t("holidays.add"), type="primary"):
            _write(t("holidays.set", day=day.isoformat()), [year], lambda s: set_holiday(
                s, actor=actor, day=day, is_workday=kind == "work", name=name, expected_version=seen))
    if days:
        with right, st.form(f"holiday_delete_{year}_{gen}"):
            st.markdown(f"##### {t('holidays.delete')}")
            gone = st.selectbox(t("holidays.col.day"), [d.day for d in days], key=f"hd_del_{year}_{gen}",
                                format_func=lambda d: d.isoformat())
            if st.form_submit_button(t("holidays.delete")):
                _write(t("holidays.deleted", day=gone.isoformat()), [year], lambda s: delete_holiday(
                    s, actor=actor, day=gone, expected_version=seen))
