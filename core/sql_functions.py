"""Portable SQL functions that SQLite and PostgreSQL spell differently, compiled per dialect."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class year_month(FunctionElement):  # noqa: N801 - SQL function style
    """'YYYY-MM' of a date or timestamp column, on SQLite and PostgreSQL."""

    type = String()
    name = "year_month"
    inherit_cache = True


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    # SQLAlchemy stores dates and timestamps in SQLite as ISO text ('2026-06-01 09:30:00'), so
    # the first seven characters are the month: several times cheaper than strftime per row.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class days_between(FunctionElement):  # noqa: N801 - SQL function style
    """Whole days from the first date column to the second (b − a)."""

    name = "days_between"
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({b}) - julianday({a}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"({b} - {a})"
