"""Migrations: from empty to head gives exactly the models' schema; downgrade empties it."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from db import migrate
from db.engine import engine_for
from db.models import Base
from tests.conftest import drop_postgres_database, new_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    template = request.getfixturevalue("postgres_template")
    url = new_postgres_database(template)
    migrate.downgrade(url)  # the template is migrated; start this one from empty
    request.addfinalizer(lambda: drop_postgres_database(url))
    return url


def test_upgrade_from_empty_matches_models(empty_url):
    migrate.upgrade(empty_url)
    with engine_for(empty_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


def test_reference_data_is_loaded(empty_url):
    migrate.upgrade(empty_url)
    with engine_for(empty_url).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM district")).scalar() == 41
        assert conn.execute(text("SELECT COUNT(*) FROM district WHERE adcode IS NOT NULL")).scalar() == 38
        assert conn.execute(text("SELECT COUNT(*) FROM unit")).scalar() > 100
        assert conn.execute(text("SELECT value FROM setting WHERE key='stale_after_days'")).scalar() == "90"


def test_downgrade_to_base_removes_everything(empty_url):
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url)
    tables = set(inspect(engine_for(empty_url)).get_table_names()) - {"alembic_version"}
    assert tables == set()
    migrate.upgrade(empty_url)  # and back up again
    assert set(inspect(engine_for(empty_url)).get_table_names()) >= set(Base.metadata.tables)


def test_ids_continue_after_reference_rows(database_url, session):
    """Explicit ids in the reference migration must not collide with new rows (PostgreSQL sequences)."""
    from db.models import Unit
    unit = Unit(name="新建测试单位", short_name="测试", kind="municipal")
    session.add(unit)
    session.flush()
    assert unit.id > 41


CHILD_TABLES = ("item", "item_unit", "progress_report", "attachment", "transition", "extension",
                "supervision_notice", "stationed_follow_up", "interview", "interview_item",
                "referral", "referral_item", "petition")


def _counts(url: str) -> dict[str, int]:
    with engine_for(url).connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in CHILD_TABLES}


def test_every_later_migration_keeps_a_populated_ledger(empty_url):
    """A ledger written at revision 0003 (items with all their child rows) loses nothing on the
    way to head: on SQLite, batch mode rebuilds tables, whose DROP would cascade to children if
    foreign keys were on while migrating (db/migrations/env.py turns them off, then checks)."""
    migrate.upgrade(empty_url, "0003")
    with engine_for(empty_url).begin() as conn:   # a small hand-made ledger in the 0003 schema
        conn.execute(text(
            "INSERT INTO inspection (id, name, kind, level, is_look_back, version, updated_at) "
            "VALUES (1, '测试督察', 'routine', 'city', false, 1, '2025-01-01 00:00:00')"))
        for i in (1, 2):
            conn.execute(text(
                "INSERT INTO item (id, code, inspection_id, inspection_kind, source_level, item_type,"
                " category, description, stage, is_ongoing, progress_percent, extension_count,"
                " supervision_level, status, bounce_count, reopen_count, version, updated_at, created_at,"
                " assigned_on, lead_unit_id, district_id)"
                f" VALUES ({i}, 'T-{i}', 1, 'routine', 'city', 'feedback', 'water', '问题{i}', 'short',"
                " false, 50, 0, 'key', 'in_progress', 0, 0, 1, '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00', '2025-01-02', 1, 1)"))
            conn.execute(text(f"INSERT INTO item_unit (item_id, unit_id, role) VALUES ({i}, 1, 'lead')"))
            conn.execute(text(
                "INSERT INTO progress_report (id, item_id, reported_on, percent, text, created_at)"
                f" VALUES ({i}, {i}, '2025-02-01', 50, '进展', '2025-02-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO attachment (item_id, progress_report_id, purpose, filename, content_type,"
                f" size_bytes, sha256, created_at) VALUES ({i}, {i}, 'evidence', 'a.jpg', 'image/jpeg',"
                f" 1, '{'a' * 64}', '2025-02-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO transition (item_id, from_status, to_status, at)"
                f" VALUES ({i}, 'assigned', 'in_progress', '2025-01-05 00:00:00')"))
            conn.execute(text(
                "INSERT INTO extension (item_id, requested_at, reason, new_due_on, status, version,"
                f" updated_at) VALUES ({i}, '2025-03-01 00:00:00', '理由', '2025-12-31', 'pending', 1,"
                " '2025-03-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO supervision_notice (item_id, level, issued_on, version, updated_at)"
                f" VALUES ({i}, 'key', '2025-04-01', 1, '2025-04-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO stationed_follow_up (inspection_id, item_id, reasons, added_on)"
                f" VALUES (1, {i}, '[]', '2025-04-01')"))
        conn.execute(text(
            "INSERT INTO interview (id, code, circumstances, interviewee_unit_id, held_on, plan_due_on,"
            " status, version, updated_at) VALUES (1, 'YT-1', '整改不力', 1, '2025-05-06', '2025-05-27',"
            " 'held', 1, '2025-05-06 00:00:00')"))
        conn.execute(text("INSERT INTO interview_item (interview_id, item_id) VALUES (1, 1)"))
        conn.execute(text(
            "INSERT INTO referral (id, code, kind, from_unit_id, to_unit_id, cause, materials,"
            " filing_supervised, detained, arrested, prosecuted, punished_bureau, punished_division,"
            " punished_section, status, version, updated_at) VALUES (1, 'YS-1', 'police', 1, 2,"
            " '涉嫌污染环境罪', '[]', false, 0, 0, 0, 0, 0, 0, 'sent', 1, '2025-06-01 00:00:00')"))
        conn.execute(text("INSERT INTO referral_item (referral_id, item_id) VALUES (1, 2)"))
        conn.execute(text(
            "INSERT INTO petition (inspection_id, batch, petition_no, received_on, content, category,"
            " ordered_to_rectify, penalty_cases, criminal_cases, detained, interviews, held_accountable,"
            " status, version, updated_at, item_id) VALUES (1, '第1批', 'XF1', '2025-01-01', '反映',"
            " 'water', 0, 0, 0, 0, 0, 0, 'open', 1, '2025-01-01 00:00:00', 1)"))
    before = _counts(empty_url)
    migrate.upgrade(empty_url)
    assert _counts(empty_url) == before
