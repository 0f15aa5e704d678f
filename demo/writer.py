"""Bulk writers for the demo ledger: rows arrive as columns and go in by the fastest way per engine.

PostgreSQL takes them with COPY (about twice as fast there as executemany, measured). SQLite takes
them through the raw sqlite3 cursor's executemany, values converted up front to what SQLAlchemy's
SQLite dialect would store, because SQLAlchemy's per-row parameter processing was about half of
the SQLite seeding time. Any other engine gets SQLAlchemy Core executemany.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from sqlalchemy import JSON, Connection, Date, DateTime, Enum, Numeric, Table, insert, text

from db.models import Base

BATCH = 5_000                 # rows per Core executemany call
# SQLite, for the duration of the load: no fsync, and a page cache (KiB) that holds a 100k-item
# ledger, so index pages are not spilled to the WAL and written again.
SQLITE_BULK_PRAGMAS = dict(synchronous="OFF", cache_size=-256 * 1024)


class Writer:
    """Inserts columnar rows with SQLAlchemy Core executemany and counts them per table."""

    def __init__(self, conn: Connection):
        self.conn, self.counts = conn, Counter()

    def write(self, name: str, columns: dict) -> None:
        """Insert the rows given as equal-length column lists (numpy arrays allowed)."""
        table = Base.metadata.tables[name]
        names = list(columns)
        values = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns.values()]
        n = len(values[0]) if values else 0
        self.counts[name] += n
        if n:
            self._insert(table, names, values)

    def _insert(self, table: Table, names: list[str], values: list[list]) -> None:
        stmt, n = insert(table), len(values[0])
        for lo in range(0, n, BATCH):
            rows = zip(*(v[lo:lo + BATCH] for v in values), strict=True)
            self.conn.execute(stmt, [dict(zip(names, r, strict=True)) for r in rows])

    def finish(self) -> None:
        """Called once after the last write, inside the same transaction."""


class CopyWriter(Writer):
    """PostgreSQL: COPY … FROM STDIN through psycopg, then the id sequences moved past the ids."""

    def _insert(self, table: Table, names: list[str], values: list[list]) -> None:
        for i, name in enumerate(names):    # COPY takes JSON as text
            if isinstance(table.c[name].type, JSON):
                values[i] = [json.dumps(v, ensure_ascii=False) for v in values[i]]
        sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with self.conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)

    def finish(self) -> None:
        """Move each written table's id sequence past the explicit ids written."""
        for name in self.counts:
            if "id" in Base.metadata.tables[name].c and self.counts[name]:
                self.conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                       f"(SELECT MAX(id) FROM {name}))"))


class SqliteWriter(Writer):
    """SQLite: executemany on the raw sqlite3 connection, in the caller's transaction."""

    def _insert(self, table: Table, names: list[str], values: list[list]) -> None:
        columns = [_sqlite_values(table.c[n].type, v) for n, v in zip(names, values, strict=True)]
        quote = self.conn.dialect.identifier_preparer.quote
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
               f"VALUES ({', '.join('?' * len(names))})")
        self.conn.connection.driver_connection.executemany(sql, zip(*columns, strict=True))


def _sqlite_values(type_, values: list) -> list:
    """One column's values as SQLAlchemy's SQLite dialect stores them: ISO text for dates and
    times, JSON text (None too, as 'null'), floats for Numeric; raises LookupError for a code
    its Enum does not know."""
    if isinstance(type_, DateTime):
        return [None if v is None else v.isoformat(" ", "microseconds") for v in values]
    if isinstance(type_, Date):   # a few thousand distinct days: format each once
        iso = {d: d.isoformat() for d in set(values) - {None}} | {None: None}
        return [iso[v] for v in values]
    if isinstance(type_, JSON):
        return [json.dumps(v) for v in values]
    if isinstance(type_, Numeric):
        return [None if v is None else float(v) for v in values]
    if isinstance(type_, Enum):
        unknown = set(values) - set(type_.enums) - {None}
        if unknown:
            raise LookupError(f"{sorted(unknown)[:3]} not among the values of {type_.name}")
    return values


def writer_for(conn: Connection) -> Writer:
    """The bulk writer for the connection's engine: COPY on PostgreSQL, the raw sqlite3 cursor on
    SQLite, Core executemany on anything else."""
    writers = dict(postgresql=CopyWriter, sqlite=SqliteWriter)
    return writers.get(conn.dialect.name, Writer)(conn)


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """SQLite: SQLITE_BULK_PRAGMAS until the block ends, then the connection's own settings back;
    enter it before the load's transaction begins and leave it after the commit (SQLite refuses to
    change `synchronous` inside a transaction). Other engines: nothing."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # No fsync is safe enough here: the load is one transaction into a ledger with no items yet,
    # and the worst an OS crash or power cut during it can do is a database to migrate afresh.
    raw = conn.connection.driver_connection
    saved = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_BULK_PRAGMAS}
    _set_pragmas(raw, SQLITE_BULK_PRAGMAS)
    try:
        yield
    finally:
        _set_pragmas(raw, saved)


def _set_pragmas(raw, values: dict) -> None:
    for name, value in values.items():
        raw.execute(f"PRAGMA {name}={value}")
