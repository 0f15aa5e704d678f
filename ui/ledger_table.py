"""The ledger table as the 台账 and the map pages show it: core.ledger.query.ItemRow rows as a frame,
and how its columns read."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.domain import Category, Status
from ui import supervision
from ui.common import label, t


def ledger_frame(rows, *, district: bool = True, latest_report: bool = True,
                 marks: dict | None = None) -> pd.DataFrame:
    """The ledger table of core.ledger.query.ItemRow rows, as the 台账 and map pages show it;
    with `marks` (core.supervision.inspections.under_way_marks), a column linking the items
    followed by an inspection under way to it ("驻点督察中")."""
    columns = {t("col.code"): [r.code for r in rows]}
    if district:
        columns[t("col.district")] = [r.district or t("district.citywide") for r in rows]
    columns.update({
        t("col.lead_unit"): [r.lead_unit for r in rows],
        t("col.category"): [label(r.category, Category) for r in rows],
        t("col.description"): [r.description for r in rows],
        t("col.deadline"): [r.deadline_text for r in rows],
        t("col.due_on"): [r.due_on for r in rows],
        t("col.status"): [label(r.status, Status) for r in rows],
        t("col.progress"): [r.progress_percent for r in rows]})
    if latest_report:
        columns[t("col.latest_progress_on")] = [r.latest_progress_on for r in rows]
    columns[t("col.days_overdue")] = [r.days_overdue or None for r in rows]
    columns[t("col.supervision_level")] = [supervision.level_text(r.supervision_level) for r in rows]
    if marks is not None:
        columns[t("col.inspection_mark")] = [supervision.mark_link(marks.get(r.id)) for r in rows]
    return pd.DataFrame(columns)


def ledger_column_config() -> dict:
    """Progress shown as a bar, 0–100 %; the inspection mark as a link to the inspection."""
    return {t("col.progress"): st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                               format="%d%%"),
            t("col.inspection_mark"): supervision.mark_column()}
