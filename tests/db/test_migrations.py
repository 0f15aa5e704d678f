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
