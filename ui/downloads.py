"""Downloads generated when clicked (st.download_button's deferred data), not on every rerun."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from core.access.permissions import Actor
from core.excel.exports import export_ledger
from core.ledger.query import LedgerFilter
from ui.common import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ledger_export(actor: Actor, flt: LedgerFilter, today: date) -> Callable[[], bytes]:
    """The workbook of exactly this filter for this actor, written when the user clicks (the
    filter is the one the table on screen was drawn from in the same run)."""
    def build() -> bytes:
        with db() as session:
            return export_ledger(session, actor=actor, flt=flt, today=today)
    return build
