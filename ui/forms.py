"""Form plumbing for the item pages: the version the user saw, flash messages, errors explained.

Every message shown here may quote what users typed (a value changed meanwhile, a cell, a file
name), so each goes through ui.text.plain before Markdown sees it.

The version a page or form was loaded at is kept in session state per item, set when the item is
first shown and refreshed only after a successful save or an explicit reload; writes pass it to
core as `expected_version`, so a colleague's save in between is refused (core.errors.StaleEdit)
and shown field by field instead of being overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from enum import StrEnum

import pandas as pd
import streamlit as st

from core import domain, i18n
from core.errors import (
    FieldProblem,
    LedgerError,
    NotFound,
    PermissionDenied,
    StaleEdit,
    ValidationFailed,
)
from ui.common import label, lang, t
from ui.text import plain

FLASH_KEY = "flash_message"
# Columns whose codes are enum values: shown by their label, not the code.
CODED: dict[str, type[StrEnum]] = {
    "status": domain.Status, "category": domain.Category, "stage": domain.Stage,
    "supervision_level": domain.SupervisionLevel, "item_type": domain.ItemType,
    "level": domain.SupervisionLevel,   # a 督办 notice's (core.supervision.notices)
}


def _seen_key(scope: str, item_id: int) -> str:
    return f"seen:{scope}:{item_id}"


def seen_version(scope: str, item_id: int, current: int) -> int:
    """The version of the item this page (`scope`) showed first; remembered on first display."""
    return st.session_state.setdefault(_seen_key(scope, item_id), current)


def seen_values(scope: str, item_id: int, current: dict) -> dict:
    """The field values a form showed first (what its edits are compared with); see seen_version."""
    return st.session_state.setdefault(_seen_key(scope, item_id) + ":values", current)


def remember_version(scope: str, item_id: int, version: int, values: dict | None = None) -> None:
    """After a successful save or an explicit reload: the user has now seen `version`."""
    st.session_state[_seen_key(scope, item_id)] = version
    if values is not None:
        st.session_state[_seen_key(scope, item_id) + ":values"] = values


def forget_version(scope: str, item_id: int) -> None:
    """The next display loads the item afresh (e.g. the edit form, opened again)."""
    st.session_state.pop(_seen_key(scope, item_id), None)
    st.session_state.pop(_seen_key(scope, item_id) + ":values", None)


def form_generation(scope: str, item_id: int) -> int:
    """A number in the scope's widget keys: bumped after a save or reload, so forms start afresh."""
    return st.session_state.get(f"gen:{scope}:{item_id}", 0)


def reset_forms(scope: str, item_id: int) -> None:
    st.session_state[f"gen:{scope}:{item_id}"] = form_generation(scope, item_id) + 1


def flash(message: str) -> None:
    """A success message shown once, after the rerun that follows a save."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


# ------------------------------------------------------------------ naming fields and values

def joined(parts) -> str:
    """Several names in one line, with the language's list separator (、 or , )."""
    return t("list.sep").join(str(p) for p in parts)


def field_name(column: str) -> str:
    """What the user calls a column: its catalogue label if it is a field key, else as given
    (core already names form fields by their Chinese label)."""
    for prefix in ("item.field.", "item.col.", "move.field.", "notice.field.", "inspection.field."):
        if prefix + column in i18n.CATALOGUE:
            return t(prefix + column)
    return column


def value_text(column: str, value, unit_names: dict[int, str] | None = None) -> str:
    """A stored value as the user reads it: labels for codes, names for units, ISO days."""
    if value is None or value == "" or value == []:
        return t("change.empty")
    if column in CODED:
        return label(value, CODED[column])
    if column.endswith("unit_id") and unit_names and value in unit_names:
        return unit_names[value]
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return joined(v[0] if isinstance(v, list) else v for v in value)
    return str(value)


def change_lines(changes: dict, unit_names: dict[int, str] | None = None) -> list[str]:
    """"field: what you saw → now" for each change of a StaleEdit, escaped for Markdown (the
    values are what users typed: a report, a file name)."""
    return [plain(f"{field_name(k)}：{value_text(k, old, unit_names)} → {value_text(k, new, unit_names)}")
            for k, (old, new) in changes.items()]


# ------------------------------------------------------------------ explaining errors

def problem_frame(problems: Iterable[FieldProblem]) -> pd.DataFrame:
    """Problems as a table: Excel row (blank for a form), column as the user calls it, message."""
    rows = [(p.row, field_name(p.column), in_language(p.message)) for p in problems]
    return pd.DataFrame(rows, columns=[t("import_ledger.col.row"), t("import_ledger.col.column"),
                                       t("import_ledger.col.message")])


def show_problems(problems: list[FieldProblem]) -> None:
    lines = [f"- **{plain(field_name(p.column))}**：{plain(in_language(p.message))}" for p in problems]
    st.error(t("form.invalid") + "\n\n" + "\n".join(lines), icon=":material/error:")


def show_stale(exc: StaleEdit, unit_names: dict[int, str] | None = None) -> None:
    lines = change_lines(exc.changes, unit_names) or [t("form.stale_unknown")]
    st.error(t("form.stale") + "\n\n" + "\n".join(f"- {line}" for line in lines),
             icon=":material/sync_problem:")


def show_error(exc: LedgerError, unit_names: dict[int, str] | None = None) -> None:
    """Explain a refused write: each bad field, each change made meanwhile, or core's message."""
    if isinstance(exc, ValidationFailed):
        show_problems(exc.problems)
    elif isinstance(exc, StaleEdit):
        show_stale(exc, unit_names)
    elif isinstance(exc, PermissionDenied):
        st.error(t("error.permission"), icon=":material/block:")
    elif isinstance(exc, NotFound):
        st.error(plain(in_language(str(exc))))
    else:  # TransitionNotAllowed, EvidenceError, DeadlineError …: core words them "中文 / English"
        st.error(t("form.refused", detail=plain(in_language(str(exc)))), icon=":material/block:")


def in_language(message: str) -> str:
    """Core's "中文 / English" message, cut to the session's language when it has both."""
    zh, sep, en = message.partition(" / ")
    if not sep:
        return message
    return en if lang() == "en" else zh


def attempt(write: Callable[[], object], unit_names: dict[int, str] | None = None) -> bool:
    """Run a core write; True if it went through, else the error is shown and False."""
    try:
        write()
    except LedgerError as exc:
        show_error(exc, unit_names)
        return False
    return True
