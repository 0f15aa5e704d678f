"""Backup and restore: the database and the evidence files round-trip together on SQLite and
PostgreSQL (and from one to the other); a restore refuses a live ledger, another schema, a
damaged archive; the snapshot is consistent while someone writes."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import manage
from core import backup
from core.access.permissions import SYSTEM
from core.domain import Role
from core.ledger import items
from core.ledger.evidence import EvidenceStore, verify_store
from db.engine import engine_for
from db.models import Base, Item
from tests.conftest import new_database
from tests.factories import make_actor, make_item, unit_id
from tests.pages.page_helpers import PDF, PNG


def fill(session, store: EvidenceStore) -> None:
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    for n in range(3):
        item = make_item(session, description=f"备份测试{n}", due_on=date(2026, 1, 1))
        session.commit()
        items.report_progress(session, actor=unit, item_id=item.id, expected_version=1,
                              reported_on=date(2025, 6, 1), percent=20 * n, text=f"进展{n}",
                              attachments=[(f"照片{n}.png", PNG + bytes([n])), ("报告.pdf", PDF)],
                              store=store)
        session.commit()


def table_rows(url: str) -> dict[str, list]:
    with engine_for(url).connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """A second, empty (migrated) ledger and data folder to restore into."""
    return new_database(request, request.param, tmp_path / "restored.db"), tmp_path / "restored-data"


def test_round_trip_database_and_evidence(session, database_url, tmp_path, target):
    store = EvidenceStore(tmp_path / "data" / "evidence")
    fill(session, store)
    archive = tmp_path / "ledger.backup"
    made = backup.backup(url=database_url, data_dir=tmp_path / "data", path=archive)
    assert made.rows["item"] == 3 and made.files == 4          # 3 photos + 1 shared PDF
    url, data_dir = target
    restored = backup.restore(url=url, data_dir=data_dir, path=archive)
    assert restored.rows == made.rows
    assert table_rows(url) == table_rows(database_url)
    with Session(engine_for(url)) as s:
        check = verify_store(s, actor=SYSTEM, store=EvidenceStore(data_dir / "evidence"))
        assert check.ok
        new = make_item(s, description="恢复后新建")            # ids continue after the restored rows
        assert new.id == 4
        s.rollback()


def test_restore_refuses_a_live_ledger_unless_told_and_keeps_it_on_failure(session, database_url, tmp_path):
    store = EvidenceStore(tmp_path / "data" / "evidence")
    fill(session, store)
    archive = tmp_path / "ledger.backup"
    backup.backup(url=database_url, data_dir=tmp_path / "data", path=archive)
    with pytest.raises(backup.BackupError, match="--replace"):
        backup.restore(url=database_url, data_dir=tmp_path / "data", path=archive)
    damaged = tmp_path / "damaged.backup"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("evidence/"):
                data = data[:-1] + b"!"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="损坏"):
        backup.restore(url=database_url, data_dir=tmp_path / "data", path=damaged, replace=True)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Item)) == 3
    backup.restore(url=database_url, data_dir=tmp_path / "data", path=archive, replace=True)


def test_a_backup_refuses_a_missing_evidence_file(session, database_url, tmp_path):
    store = EvidenceStore(tmp_path / "data" / "evidence")
    fill(session, store)
    next(p for p in store.root.rglob("*") if p.is_file()).unlink()
    with pytest.raises(backup.BackupError, match="缺失"):
        backup.backup(url=database_url, data_dir=tmp_path / "data", path=tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists() and not (tmp_path / "x.backup.partial").exists()


def test_the_snapshot_is_consistent_while_someone_writes(session, database_url, tmp_path):
    """Items and their audit rows are written together; a backup taken meanwhile holds both or
    neither of every pair."""
    fill(session, EvidenceStore(tmp_path / "data" / "evidence"))
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    base = session.scalar(select(Item.version).order_by(Item.id).limit(1))   # after the report
    stop = threading.Event()

    def writer():
        with Session(engine_for(database_url)) as s:
            while not stop.is_set():
                item = s.scalar(select(Item).order_by(Item.id).limit(1))
                items.update_item(s, actor=coordinator, item_id=item.id, expected_version=item.version,
                                  changes={"measures": f"措施{item.version}"})
                s.commit()
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archives = [backup.backup(url=database_url, data_dir=tmp_path / "data",
                                  path=tmp_path / f"b{n}.backup") for n in range(3)]
    finally:
        stop.set()
        thread.join()
    for made in archives:
        with tarfile.open(made.path) as tar:
            rows = [json.loads(line) for line in gzip.decompress(
                tar.extractfile("tables/item.jsonl.gz").read()).splitlines()]
            audits = [json.loads(line) for line in gzip.decompress(
                tar.extractfile("tables/audit_entry.jsonl.gz").read()).splitlines()]
        first = min(rows, key=lambda r: r["id"])
        edits = [a for a in audits if a["action"] == "item.edit" and a["entity_id"] == str(first["id"])]
        assert first["version"] == base + len(edits)    # every saved edit has its audit row, and back


def test_the_command_line(session, database_url, tmp_path, monkeypatch, capsys):
    fill(session, EvidenceStore(tmp_path / "data" / "evidence"))
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path / "data"))
    assert manage.main(["backup", str(tmp_path / "b.backup")]) == 0
    assert "3" in capsys.readouterr().out
    assert manage.main(["restore", str(tmp_path / "b.backup")]) == 2          # a live ledger
    assert "--replace" in capsys.readouterr().err
    assert manage.main(["restore", str(tmp_path / "b.backup"), "--replace"]) == 0
    with engine_for(database_url).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM item")).scalar() == 3
    assert Path(tmp_path / "b.backup").stat().st_size > 0
