"""Migration 0007 on a ledger that already has quarterly_dispatch rows (one per quarter): they
become rounds due on their quarter's last day; several rounds per quarter are then allowed; going
back keeps the first round of each quarter and the old one-per-quarter rule."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from db import migrate
from db.engine import engine_for
from tests.conftest import drop_postgres_database, new_postgres_database

OLD_ROW = ("INSERT INTO quarterly_dispatch (year, quarter, title, version, updated_at) "
           "VALUES (:y, :q, :t, 1, CURRENT_TIMESTAMP)")
NEW_ROW = ("INSERT INTO quarterly_dispatch (year, quarter, title, report_by, scope, opened_at, "
           "item_count, unit_count, version, updated_at) VALUES (2025, 2, '补充调度', :d, '{}', "
           "CURRENT_TIMESTAMP, 0, 0, 1, CURRENT_TIMESTAMP)")


@pytest.fixture(params=["sqlite", "postgresql"])
def at_0003(request, tmp_path):
    """An empty database migrated to 0003, the revision before this one."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_template"))
        request.addfinalizer(lambda: drop_postgres_database(url))
        migrate.downgrade(url)
    migrate.upgrade(url, "0003")
    return url


def test_old_rows_become_rounds_and_a_quarter_takes_several(at_0003):
    engine = engine_for(at_0003)
    with engine.begin() as conn:
        conn.execute(text(OLD_ROW), {"y": 2025, "q": 2, "t": "二季度调度"})
        conn.execute(text(OLD_ROW), {"y": 2025, "q": 4, "t": "四季度调度"})
    migrate.upgrade(at_0003)
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT quarter, report_by, item_count, unit_count, scope "
                                 "FROM quarterly_dispatch ORDER BY quarter")).all()
        assert [(q, str(d)[:10], n, u) for q, d, n, u, _ in rows] == [
            (2, "2025-06-30", 0, 0), (4, "2025-12-31", 0, 0)]
        conn.execute(text(NEW_ROW), {"d": date(2025, 7, 10)})           # a second round in Q2
    migrate.downgrade(at_0003, "0003")
    with engine.begin() as conn:
        titles = conn.execute(text("SELECT title FROM quarterly_dispatch ORDER BY id")).scalars().all()
        assert titles == ["二季度调度", "四季度调度"]                    # the first of Q2 stays
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(OLD_ROW), {"y": 2025, "q": 2, "t": "again"})
    engine.dispose()
