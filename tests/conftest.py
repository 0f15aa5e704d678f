"""Fixtures: a new, migrated database per test, on SQLite always and on PostgreSQL when reachable.

PostgreSQL: set LEDGER_TEST_POSTGRES_URL (CI does). Each test gets `CREATE DATABASE … TEMPLATE`
of a database migrated once per worker. With LEDGER_TEST_REQUIRE_POSTGRES=1 a missing or
unreachable server fails the PostgreSQL tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db import migrate
from db.engine import engine_for

PG_URL = os.environ.get("LEDGER_TEST_POSTGRES_URL", "")
REQUIRE_PG = os.environ.get("LEDGER_TEST_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin_engine():
    return create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _pg_unavailable() -> str | None:
    if not PG_URL:
        return "LEDGER_TEST_POSTGRES_URL is not set"
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not reachable"
        return f"PostgreSQL at {PG_URL} is not reachable: {exc}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    engine_for(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> str:
    reason = _pg_unavailable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"ledger_tpl_{_worker()}_{os.getpid()}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    engine_for(url).dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def new_postgres_database(template: str) -> str:
    name = f"ledger_t_{uuid.uuid4().hex[:12]}"
    with _admin_engine().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    # 30 s to connect, not the app's 5: two workers, browsers and servers share two cores here, and
    # a connection once took longer than 5 s under that load.
    return (make_url(PG_URL).set(database=name).update_query_dict({"connect_timeout": "30"})
            .render_as_string(hide_password=False))


def drop_postgres_database(url: str) -> None:
    engine_for(url).dispose()
    with _admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))


def new_database(request, backend: str, path: Path) -> str:
    """A new, migrated database on `backend` ("sqlite": a copy of the template at `path`),
    removed when the test ends."""
    if backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        request.addfinalizer(lambda: engine_for(url).dispose())
        return url
    url = new_postgres_database(request.getfixturevalue("postgres_template"))
    request.addfinalizer(lambda: drop_postgres_database(url))
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """A new, empty, migrated database (reference data loaded) for this test only."""
    return new_database(request, request.param, tmp_path / "ledger.db")


@pytest.fixture
def session(database_url):
    """A session on this test's database; the test decides when to commit."""
    with Session(engine_for(database_url), expire_on_commit=False) as s:
        yield s


# ---------------------------------------------------------------- the browser (tests/browser, tests/soak)
# Defined once, here: a second definition of `browser` (another conftest importing it) is a second
# session fixture, and a second sync Playwright in one process fails ("Sync API inside the
# asyncio loop") whenever one worker runs tests of both folders.
CHROMIUM = "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("LEDGER_TEST_REQUIRE_BROWSER") == "1"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=BROWSER_ARGS)
        yield b
        b.close()
