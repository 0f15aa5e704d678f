"""Streamlit glue for the supervision pages: links between items, notices and inspections, and
the small views they share (levels, reasons, marks). Nothing here writes."""

from __future__ import annotations

from datetime import date
from html import escape

import streamlit as st

from core.access.permissions import Actor, can
from core.domain import InspectionKind, Role, SupervisionLevel
from core.formatting import format_count
from core.i18n import translate
from core.ledger.rules import Reason
from core.supervision.inspection_views import Mark
from core.supervision.item_view import item_supervision
from ui.common import db, label, lang, t
from ui.text import plain

NOTICES_PAGE = "pages/notices.py"
INSPECTIONS_PAGE = "pages/inspections.py"
LONG_UNRESOLVED_PAGE = "pages/long_unresolved.py"
NOTICES_URL, INSPECTIONS_URL = "notices", "inspections"


def open_notice(notice_id: int) -> None:
    st.switch_page(NOTICES_PAGE, query_params={"id": str(notice_id)})


def open_inspection(inspection_id: int) -> None:
    st.switch_page(INSPECTIONS_PAGE, query_params={"id": str(inspection_id)})


def level_text(level: SupervisionLevel | str | None) -> str:
    """督办级别 as the reader's language says it; "未督办" for an item never supervised."""
    return t("supervision.level.none") if level is None else label(SupervisionLevel(level))


def reason_name(reason: Reason) -> str:
    return t(f"reason.name.{reason.value}")


def mark_text(mark: Mark | None) -> str | None:
    """"驻点督察中" / "专项督察中" for an item followed by an inspection under way."""
    if mark is None:
        return None
    return t("inspection.mark.stationed" if mark.kind is InspectionKind.STATIONED
             else "inspection.mark.special")


def mark_url(mark: Mark | None) -> str | None:
    """The inspection's page, as a relative link."""
    return None if mark is None else f"/{INSPECTIONS_URL}?id={mark.inspection_id}"


def mark_link(mark: Mark | None) -> str:
    """The link a table's mark column holds: the inspection's page, the mark's words after '#'
    (what the column shows, see `mark_column`); empty for an item no inspection follows (a None
    would read "None")."""
    return "" if mark is None else f"{mark_url(mark)}#{mark_text(mark)}"


def mark_column():
    """A LinkColumn showing "驻点督察中" / "专项督察中", opening the inspection."""
    return st.column_config.LinkColumn(display_text=r"#(.+)$")


def reasons_text(row) -> str:
    """A flagged row's reasons with their figures (core.supervision.flagged.FlaggedRow)."""
    return translate("list.sep", lang()).join(
        translate(f"reason.{r.value}", lang(), **row.reason_values(r)) for r in row.reasons)


def worst_title_html(title: str, page: str, figures, lang_code: str) -> str:
    """The big screen's worst-items title (as ui.screen.panel_title draws it) with, on its right,
    the 督办 notices in force, the answers awaited and the late ones (highlighted), then the page
    (in its own .bs-page span, as the screen's other titles have it)."""
    notices = ""
    if figures is not None:
        late = escape(format_count(figures.late, lang_code))
        late = f'<b style="color:#FFB38A">{late}</b>' if figures.late else late
        line = escape(translate("big_screen.notices_line", lang_code,
                                in_force=format_count(figures.in_force, lang_code),
                                awaiting=format_count(figures.awaiting, lang_code)))
        notices = (f'<span class="bs-notices" style="color:#9FB0C8;font-size:15px">{line} · '
                   f'{escape(translate("big_screen.notices_late", lang_code))} {late} ｜ </span>')
    return (f'<div class="bs-head"><div class="bs-panel-title">{escape(title)}</div>'
            f'<span>{notices}<span class="bs-page">{escape(page)}</span></span></div>')


def item_panel(actor: Actor, item_id: int) -> None:
    """On the item's page: "驻点督察中" with a link to the inspection, and the 督办 notices covering
    the item (level, number, due date, late responses), each linked for those who may open it."""
    with db() as session:
        info = item_supervision(session, actor=actor, item_id=item_id, today=date.today())
    for mark in info.under_way:
        st.info(f"**{mark_text(mark)}**：{plain(mark.name)}", icon=":material/groups:")
        if can(actor, "inspection.read"):
            st.page_link(INSPECTIONS_PAGE, label=t("inspection.open_page"), icon=":material/open_in_new:",
                         query_params={"id": str(mark.inspection_id)})
    for n in info.notices:
        late = " · " + t("notice.state.late", n=n.late) if n.late and n.in_force else ""
        lifted = " · " + t("notice.state.lifted", day=n.lifted_on.isoformat()) if n.lifted_on else ""
        text = t("notice.on_item", level=label(n.level), doc=n.doc_no or "—",
                 due=n.due_on.isoformat() if n.due_on else "—") + late + lifted
        if can(actor, "notice.read") and actor.role is not Role.UNIT:   # a unit: via 我的待办
            st.page_link(NOTICES_PAGE, label=text, icon=":material/campaign:",
                         query_params={"id": str(n.id)})
        else:
            st.caption(f":material/campaign: {plain(text)}")
