"""Backup and restore of the whole ledger: the database and the evidence files, together.

A backup is one tar file: `manifest.json` (format, time, engine, schema revision, row counts, the
evidence files with their sha256), `tables/<table>.jsonl.gz` (every row of every table, as JSON,
in a form either engine reads back) and `evidence/ab/cd/<sha256>` (each file an attachment row
names). The rows are read in ONE snapshot (PostgreSQL: a REPEATABLE READ transaction; SQLite: one
read transaction on the WAL), and the files copied after it: files are content-addressed and
never changed or deleted, so every file the snapshot names is there (a file uploaded meanwhile
is simply not in this backup). Each file is hashed as it is copied; a missing or damaged one
fails the backup, naming it. The tar is written beside its destination and renamed into place.

A restore checks the manifest and every hash first, refuses a backup of another schema revision
(restore with that version of the code, then migrate) and a database that already holds a ledger
(items or accounts beyond the reference data) unless told to replace it; then, in one
transaction, empties every table, inserts the rows, resets PostgreSQL's id sequences, and puts
the evidence files back. A crash or a bad row leaves the database as it was before.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import JSON, Date, DateTime, Engine, Integer, Numeric, delete, func, insert, select, text
from sqlalchemy.orm import Session

from core.errors import LedgerError
from core.ledger.evidence import EvidenceStore
from db.engine import engine_for
from db.models import Attachment, Base, Item, User

FORMAT = "ledger-backup-1"
CHUNK = 2000


class BackupError(LedgerError):
    """The backup cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int]
    files: int
    bytes: int


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):   # an enum code
        return value.value
    return value


def _typed(column, value):
    """A JSON value back as the column's Python type."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Numeric) and not isinstance(kind, JSON):
        return Decimal(value) if getattr(kind, "asdecimal", False) else value
    return value


def _revision(conn) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _snapshot_connection(engine: Engine):
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    conn.begin()
    if engine.dialect.name == "sqlite":
        # pysqlite opens no transaction for reads: open one, and read once to fix the snapshot
        conn.exec_driver_sql("BEGIN")
        conn.exec_driver_sql("SELECT COUNT(*) FROM sqlite_master")
    return conn


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), int(datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _dump_tables(conn, tar: tarfile.TarFile) -> tuple[dict[str, int], list[str]]:
    rows: dict[str, int] = {}
    hashes: set[str] = set()
    for table in Base.metadata.sorted_tables:
        out, count = io.BytesIO(), 0
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                gz.write(json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False).encode())
                gz.write(b"\n")
                count += 1
                if table.name == Attachment.__tablename__:
                    hashes.add(row["sha256"])
        rows[table.name] = count
        _add(tar, f"tables/{table.name}.jsonl.gz", out.getvalue())
    return rows, sorted(hashes)


def _copy_files(tar: tarfile.TarFile, store: EvidenceStore, hashes: list[str]) -> int:
    total = 0
    for sha in hashes:
        path = store.path_for(sha)
        if not path.is_file():
            raise BackupError(f"证据文件缺失，未生成备份 / evidence file missing, no backup made: {sha}")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise BackupError(f"证据文件已损坏，未生成备份 / evidence file damaged, no backup made: {sha}")
        _add(tar, f"evidence/{sha[:2]}/{sha[2:4]}/{sha}", data)
        total += len(data)
    return total


def backup(*, url: str, data_dir: Path, path: Path) -> BackupSummary:
    """Write a consistent backup of the ledger at `url` and its evidence store to `path`."""
    engine, store = engine_for(url), EvidenceStore(Path(data_dir) / "evidence")
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    conn = _snapshot_connection(engine)
    try:
        revision = _revision(conn)
        with tarfile.open(partial, "w") as tar:
            rows, hashes = _dump_tables(conn, tar)
            conn.rollback()                   # the snapshot is taken; files come after it
            size = _copy_files(tar, store, hashes)
            manifest = {"format": FORMAT, "created_at": datetime.now().isoformat(),
                        "engine": engine.dialect.name, "revision": revision, "rows": rows,
                        "files": hashes}
            _add(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    return BackupSummary(path, revision, rows, len(hashes), size)


# ---------------------------------------------------------------- restore

def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    except (KeyError, AttributeError, ValueError):
        raise BackupError("不是台账备份文件 / not a ledger backup (no manifest)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式不符 / unknown backup format {manifest.get('format')!r}")
    return manifest


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    member = tar.extractfile(name)
    if member is None:
        raise BackupError(f"备份不完整 / the backup lacks {name}")
    return member.read()


def _check_files(tar: tarfile.TarFile, manifest: dict) -> dict[str, bytes]:
    files = {}
    for sha in manifest["files"]:
        data = _member(tar, f"evidence/{sha[:2]}/{sha[2:4]}/{sha}")
        if hashlib.sha256(data).hexdigest() != sha:
            raise BackupError(f"备份中的证据文件已损坏 / a file in the backup is damaged: {sha}")
        files[sha] = data
    return files


def _holds_a_ledger(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Item))
                or session.scalar(select(func.count()).select_from(User)))


def _load_rows(session: Session, tar: tarfile.TarFile, manifest: dict) -> None:
    tables = Base.metadata.sorted_tables
    for table in reversed(tables):
        session.execute(delete(table))
    for table in tables:
        lines = gzip.decompress(_member(tar, f"tables/{table.name}.jsonl.gz")).splitlines()
        if len(lines) != manifest["rows"].get(table.name, 0):
            raise BackupError(f"备份中表 {table.name} 行数不符 / row count of {table.name} differs")
        for start in range(0, len(lines), CHUNK):
            batch = [{k: _typed(table.c[k], v) for k, v in json.loads(line).items()}
                     for line in lines[start:start + CHUNK]]
            if batch:
                session.execute(insert(table), batch)
    if session.get_bind().dialect.name == "postgresql":
        for table in tables:
            for column in table.primary_key.columns:
                if isinstance(column.type, Integer):
                    session.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))


def restore(*, url: str, data_dir: Path, path: Path, replace: bool = False) -> BackupSummary:
    """Put a backup back into the (migrated) database at `url` and the evidence store under
    `data_dir`; raises BackupError (checked before anything is written)."""
    store = EvidenceStore(Path(data_dir) / "evidence")
    try:
        tar = tarfile.open(path, "r")
    except (OSError, tarfile.TarError):
        raise BackupError(f"无法读取备份文件 / cannot read the backup {path}") from None
    with tar:
        manifest = _read_manifest(tar)
        files = _check_files(tar, manifest)
        engine = engine_for(url)
        with Session(engine) as session, session.begin():
            current = _revision(session.connection())
            if current != manifest["revision"]:
                raise BackupError(f"备份的数据库版本为 {manifest['revision']}，当前为 {current} / the backup "
                                  f"is of schema {manifest['revision']}, this database is at {current}")
            if _holds_a_ledger(session) and not replace:
                raise BackupError("目标数据库已有台账数据；确认覆盖请加 --replace / the database already "
                                  "holds a ledger: add --replace to overwrite it")
            for sha, data in files.items():       # files first: a committed row always has its file
                target = store.path_for(sha)
                if not target.is_file():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    temp = target.with_name(target.name + ".restoring")
                    temp.write_bytes(data)
                    os.replace(temp, target)
            _load_rows(session, tar, manifest)
    return BackupSummary(Path(path), manifest["revision"], manifest["rows"], len(files),
                         sum(len(d) for d in files.values()))
