"""Migration 0005 on a ledger that already holds interviews (both engines): the free-text people
and the single follow-up become rows, 情形 is coded, 'escalated' leaves the states, and nothing
that points at an interview (its items, its files) is lost — on SQLite a batch copy of the table
would have cascaded them away. Downgrade puts the old columns back."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db import migrate
from db.engine import engine_for
from tests.conftest import drop_postgres_database, new_postgres_database

OLD_INTERVIEW = (
    "INSERT INTO interview (id, code, circumstances, interviewee_unit_id, interviewee_people, "
    "held_on, plan_due_on, plan_submitted_on, follow_up, status, version, updated_at) VALUES "
    "(1, 'YT-OLD-1', '整改弄虚作假、表面整改', 1, '分管负责同志', '2025-03-03', '2025-03-24', "
    "'2025-03-20', 'restriction', 'escalated', 1, '2025-06-01 09:00:00'), "
    "(2, 'YT-OLD-2', '说明不详', 1, NULL, '2025-04-01', '2025-04-22', NULL, NULL, 'held', 1, "
    "'2025-04-01 09:00:00')")
OLD_ITEM = (
    "INSERT INTO inspection (id, name, kind, level, is_look_back, version) "
    "VALUES (1, '旧督察', 'daily', 'city', FALSE, 1); "
    "INSERT INTO item (id, code, inspection_id, inspection_kind, source_level, item_type, category, "
    "description, stage, is_ongoing, progress_percent, extension_count, supervision_level, status, "
    "bounce_count, reopen_count, version) VALUES (1, 'ZG-OLD', 1, 'daily', 'city', 'interview', "
    "'water', '旧问题', 'short', FALSE, 0, 0, 'normal', 'assigned', 0, 0, 1); "
    "INSERT INTO interview_item (interview_id, item_id) VALUES (1, 1); "
    "INSERT INTO attachment (id, interview_id, purpose, filename, content_type, size_bytes, sha256) "
    "VALUES (1, 1, 'interview_minutes', '纪要.pdf', 'application/pdf', 10, '" + "0" * 64 + "')")


@pytest.fixture(params=["sqlite", "postgresql"])
def url_at_0003(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_template"))
        migrate.downgrade(url)
        request.addfinalizer(lambda: drop_postgres_database(url))
    migrate.upgrade(url, "0003")
    with engine_for(url).begin() as conn:
        conn.execute(text(OLD_INTERVIEW))
        for statement in OLD_ITEM.split("; "):
            conn.execute(text(statement))
    return url


def rows(url: str, sql: str) -> list[tuple]:
    with engine_for(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_upgrade_moves_the_data_and_keeps_what_points_at_interviews(url_at_0003):
    url = url_at_0003
    migrate.upgrade(url, "0005")
    assert rows(url, "SELECT id, circumstance, details, status, plan_workdays, plan_due_uncovered "
                     "FROM interview ORDER BY id") == [
        (1, "falsification", "整改弄虚作假、表面整改", "plan", 15, None),
        (2, "other", "说明不详", "held", 15, None)]
    assert rows(url, "SELECT interview_id, seq, name, position FROM interview_person") == [
        (1, 1, None, "分管负责同志")]
    [(kind, taken_on, note)] = rows(url, "SELECT kind, taken_on, note FROM interview_follow_up")
    assert (kind, str(taken_on)) == ("restriction", "2025-06-01") and "迁入" in note
    assert rows(url, "SELECT interview_id, kind, to_status FROM interview_event ORDER BY interview_id") == [
        (1, "recorded", "held"), (2, "recorded", "held")]
    assert rows(url, "SELECT interview_id, item_id FROM interview_item") == [(1, 1)]
    assert rows(url, "SELECT id, interview_id FROM attachment") == [(1, 1)]


def test_downgrade_puts_the_old_columns_back(url_at_0003):
    url = url_at_0003
    migrate.upgrade(url, "0005")
    migrate.downgrade(url, "0003")
    assert rows(url, "SELECT id, circumstances, interviewee_people, follow_up, status FROM interview "
                     "ORDER BY id") == [
        (1, "整改弄虚作假、表面整改", "分管负责同志", "restriction", "escalated"),
        (2, "说明不详", None, None, "held")]
    assert rows(url, "SELECT interview_id, item_id FROM interview_item") == [(1, 1)]
