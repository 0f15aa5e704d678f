"""节假日设置 (admin): which years the official calendar (chinese-calendar) covers and which rely on
entered days; a year's statutory holidays and 调休 workdays imported from the office's file or
entered a day at a time. Every write recomputes the provisional due dates it settles (core)."""

from datetime import date

import streamlit as st

from core.calendar.coverage import coverage, years_to_show
from core.calendar.workdays import library_span
from core.interviews.deadlines import provisional_by_year
from ui.common import current_actor, db, t
from ui.forms import show_flash
from ui.holiday_views import coverage_table, import_section, year_section

actor = current_actor()
today = date.today()
st.title(t("holidays.title"))
show_flash()
span = library_span()
st.caption(t("holidays.intro", first=span[0], last=span[1]) if span else t("holidays.intro_none"))

with db() as session:
    provisional = provisional_by_year(session)
    years = sorted(set(years_to_show(session, today=today)) | set(provisional))
    cover = coverage(session, years=years)
for c in cover:
    if c.basis == "none" and provisional.get(c.year):
        st.warning(t("holidays.needed", year=c.year, n=provisional[c.year]), icon=":material/event_upcoming:")
coverage_table(cover, provisional)
st.caption(t("holidays.basis_help"))

st.subheader(t("holidays.import_title"))
import_section(actor)

st.subheader(t("holidays.year_title"))
missing = [c.year for c in cover if c.basis == "none"]
year_section(actor, years, default=missing[0] if missing else today.year)
