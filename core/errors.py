"""Errors `core` raises; pages show their message (already in the user's language where it matters)."""

from __future__ import annotations

from dataclasses import dataclass, field


class LedgerError(Exception):
    """Base class: something the user can read and act on."""


class PermissionDenied(LedgerError):
    """The actor may not do this, whatever the page showed."""


class StaleEdit(LedgerError):
    """Someone saved this row after the user loaded it; `changes` names field → (theirs, current)."""

    def __init__(self, message: str, changes: dict | None = None):
        super().__init__(message)
        self.changes = changes or {}


class NotFound(LedgerError):
    """No row with that id."""


@dataclass
class FieldProblem:
    row: int | None      # spreadsheet row number, or None for a form
    column: str          # the column or field name as the user sees it
    message: str
    # Optional, for a page to word the problem wholly in the user's language (core.messages.problem):
    # the catalogue key naming the field, the message's key and the values it is formatted with.
    field_key: str | None = None
    key: str | None = None
    values: dict = field(default_factory=dict)


@dataclass
class ValidationFailed(LedgerError):
    """Bad input; every problem names its row and column. Nothing was changed."""

    problems: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(
            (f"row {p.row}, " if p.row is not None else "") + f"{p.column}: {p.message}"
            for p in self.problems)
