"""One engine per URL, one way to get a session. No Streamlit here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.settings import load_settings


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the app read while an import writes; SQLite leaves foreign keys off unless asked.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@lru_cache(maxsize=32)
def engine_for(url: str) -> Engine:
    """The engine for `url`, created once per process (tests get one per throwaway database)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # connect_timeout: a database host that does not answer fails a page in seconds, not minutes
    # (5 s, unless the URL says otherwise: `?connect_timeout=30`).
    timeout = {} if "connect_timeout" in make_url(url).query else {"connect_timeout": 5}
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=timeout)


def default_url() -> str:
    return load_settings().database_url


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session in one transaction: commits on success, rolls back on error."""
    with Session(engine_for(url or default_url()), expire_on_commit=False) as session:
        with session.begin():
            yield session
