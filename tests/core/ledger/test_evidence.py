import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.domain import ReferralKind, Role, Status
from core.errors import PermissionDenied, ValidationFailed
from core.ledger import evidence, items
from core.ledger.evidence import EvidenceError, EvidenceStore
from core.settings import load_settings
from db.engine import engine_for
from db.models import Attachment, Item, ProgressReport, Referral
from tests.factories import district_id, make_actor, make_item, unit_id


def _zip(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, "<xml/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(60) + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = _zip("word/document.xml")
GOOD = {"现场照片.jpg": JPEG, "监测报告.PDF": PDF, "截图.png": PNG, "整改方案.docx": DOCX,
        "台账.xlsx": _zip("xl/workbook.xml"), "批复.ofd": _zip("OFD.xml"),
        "旧文件.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)}


@pytest.fixture
def store(tmp_path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence", max_bytes=4096)


def stored_files(store: EvidenceStore) -> list[Path]:
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


def report(session, actor, item, files, store, text="已完成整改"):
    return items.report_progress(session, actor=actor, item_id=item.id,
                                 expected_version=item.version, reported_on=date(2025, 5, 1),
                                 percent=80, text=text, attachments=files, store=store)


def wanzhou_unit(session):
    return make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))


# ------------------------------------------------------------------ checking files (no database)

def test_every_accepted_type_passes_by_extension_and_content(store):
    checked = evidence.check_files(GOOD.items(), store=store)
    assert [c.filename for c in checked] == list(GOOD)
    assert checked[1].content_type == "application/pdf" and checked[0].content_type == "image/jpeg"
    assert checked[0].sha256 == hashlib.sha256(JPEG).hexdigest()


@pytest.mark.parametrize("name, data, message", [
    ("病毒.exe", b"MZ\x90\x00" + bytes(10), "不支持的文件类型“exe”"),
    ("没有扩展名", PDF, "不支持的文件类型"),
    ("伪装.jpg", PDF, "文件内容与扩展名“jpg”不符"),        # a PDF renamed to .jpg
    ("伪装.pdf", b"MZ\x90\x00" + bytes(10), "不符"),          # a program renamed to .pdf
    ("伪装.docx", _zip("xl/workbook.xml"), "不符"),           # a spreadsheet renamed to .docx
    ("坏压缩包.docx", b"PK\x03\x04garbage", "不符"),
    ("空.png", b"", "文件为空"),
    ("过大.png", PNG + bytes(5000), "文件过大：0.0 MB，上限 0.00390625 MB"),
    ("../../etc/.hidden", PNG, "文件名无效"),
])
def test_bad_files_are_refused_naming_the_file(store, name, data, message):
    with pytest.raises(ValidationFailed) as exc:
        evidence.check_files([(name, data)], store=store)
    [problem] = exc.value.problems
    assert message in problem.message
    assert problem.column == (evidence.clean_filename(name) or name)


def test_size_limit_comes_from_the_setting(tmp_path):
    settings = load_settings({"LEDGER_DATA_DIR": str(tmp_path), "LEDGER_EVIDENCE_MAX_MB": "0.001"})
    store = EvidenceStore.from_settings(settings)
    assert store.root == tmp_path / "evidence" and store.max_bytes == 1048
    evidence.check_files([("ok.png", PNG)], store=store)
    with pytest.raises(ValidationFailed, match="文件过大"):
        evidence.check_files([("big.png", PNG + bytes(1100))], store=store)


def test_uploaded_names_lose_their_folders():
    assert evidence.clean_filename("C:\\Users\\张三\\照片.jpg") == "照片.jpg"
    assert evidence.clean_filename("../../照片.jpg") == "照片.jpg"
    assert len(evidence.clean_filename("长" * 300 + ".pdf")) == 200
    assert evidence.clean_filename("长" * 300 + ".pdf").endswith(".pdf")


def test_a_failed_rename_leaves_no_file_and_no_temp_file(store, monkeypatch):
    [checked] = evidence.check_files([("a.png", PNG)], store=store)

    def broken_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(EvidenceError, match="证据文件保存失败：a.png"):
        evidence.write_blob(store, checked)
    assert stored_files(store) == []


# ------------------------------------------------------------------ with progress reports

def test_report_with_evidence_stores_files_by_hash(session, store):
    item = make_item(session)
    unit = wanzhou_unit(session)
    progress = report(session, unit, item, [("照片.jpg", JPEG), ("报告.pdf", PDF)], store)
    rows = session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type, a.size_bytes, a.progress_report_id, a.uploaded_by)
            for a in rows] == [("照片.jpg", "image/jpeg", len(JPEG), progress.id, unit.id),
                               ("报告.pdf", "application/pdf", len(PDF), progress.id, unit.id)]
    sha = hashlib.sha256(JPEG).hexdigest()
    assert store.path_for(sha) == store.root / sha[:2] / sha[2:4] / sha
    assert store.path_for(sha).read_bytes() == JPEG
    assert item.status == Status.IN_PROGRESS


def test_one_bad_file_among_good_ones_writes_nothing(session, store):
    item = make_item(session)
    unit = wanzhou_unit(session)
    session.commit()
    with pytest.raises(ValidationFailed) as exc:
        report(session, unit, item, [("a.jpg", JPEG), ("伪装.pdf", PNG), ("b.png", PNG),
                                     ("c.exe", b"MZ")], store)
    assert [p.column for p in exc.value.problems] == ["伪装.pdf", "c.exe"]
    session.rollback()
    assert stored_files(store) == []
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0
    assert session.get(Item, item.id).status == Status.ASSIGNED


def test_field_and_file_problems_are_reported_together(session, store):
    item = make_item(session)
    with pytest.raises(ValidationFailed) as exc:
        report(session, make_actor(session), item, [("x.exe", b"MZ")], store, text=" ")
    assert [p.column for p in exc.value.problems] == ["整改进展", "x.exe"]


def test_same_content_is_stored_once_and_described_each_time(session, store):
    first, second = make_item(session), make_item(session)
    coordinator = make_actor(session)
    report(session, coordinator, first, [("照片.jpg", JPEG), ("照片副本.jpg", JPEG)], store)
    report(session, coordinator, second, [("同一张.jpg", JPEG)], store)
    assert session.scalar(select(func.count()).select_from(Attachment)) == 3
    assert stored_files(store) == [store.path_for(hashlib.sha256(JPEG).hexdigest())]


def test_attachments_need_a_store():
    with pytest.raises(ValueError, match="store"):
        evidence.check_files_into([], [("a.png", PNG)], store=None)
    with pytest.raises(ValueError, match="store"):
        evidence.check_files([("a.png", PNG)], store=None)
    assert evidence.check_files([], store=None) == [] and evidence.check_files(None, store=None) == []


# ------------------------------------------------------------------ reading back, verifying

def test_open_attachment_reads_back_within_scope_only(session, store):
    item = make_item(session)
    unit = wanzhou_unit(session)
    report(session, unit, item, [("照片.jpg", JPEG)], store)
    att = session.scalars(select(Attachment)).one()
    got = evidence.open_attachment(session, actor=unit, attachment_id=att.id, store=store)
    assert got.data == JPEG and got.info.filename == "照片.jpg" and got.info.content_type == "image/jpeg"
    outsider = make_actor(session, Role.UNIT, district_id=district_id(session, "涪陵区"))
    with pytest.raises(PermissionDenied):
        evidence.open_attachment(session, actor=outsider, attachment_id=att.id, store=store)
    viewer = make_actor(session, Role.VIEWER)
    assert evidence.open_attachment(session, actor=viewer, attachment_id=att.id, store=store).data == JPEG


def test_a_file_of_another_record_opens_only_through_that_record(session, store):
    """Referral materials and interview minutes are files too; only their own record opens them."""
    coordinator = make_actor(session)
    referral = Referral(code="YS-T-1", kind=ReferralKind.POLICE, cause="涉嫌污染环境罪",
                        from_unit_id=unit_id(session, "万州区人民政府"),
                        to_unit_id=unit_id(session, "万州区人民政府"))
    session.add(referral)
    session.flush()
    owner = evidence.Owner("referral", referral.id)
    files = evidence.check_files([("移送材料清单.pdf", PDF)], store=store)
    (att,) = evidence.save_attachments(session, actor=coordinator, owner=owner, files=files,
                                       store=store, purpose="referral_material")
    assert att.item_id is None and att.referral_id == referral.id
    (info,) = evidence.attachments_of(session, owner=owner)
    assert info.owner == owner and info.item_id is None and info.filename == "移送材料清单.pdf"
    assert evidence.open_attachment(session, actor=coordinator, attachment_id=att.id, store=store,
                                    owner=owner).data == PDF
    for wrong in (None, evidence.Owner("referral", referral.id + 1), evidence.Owner("interview", 1)):
        with pytest.raises(PermissionDenied):
            evidence.open_attachment(session, actor=coordinator, attachment_id=att.id, store=store,
                                     owner=wrong)
    with pytest.raises(ValueError, match="exactly one"):
        evidence.save_attachments(session, actor=coordinator, item_id=1, owner=owner, files=files,
                                  store=store)


def test_missing_or_damaged_files_are_named_and_found_by_verify(session, store):
    item = make_item(session)
    coordinator, admin = make_actor(session), make_actor(session, Role.ADMIN)
    report(session, coordinator, item, [("a.jpg", JPEG), ("b.pdf", PDF), ("c.png", PNG)], store)
    a, b, c = session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert evidence.verify_store(session, actor=admin, store=store).ok
    store.path_for(a.sha256).unlink()
    store.path_for(b.sha256).write_bytes(PDF + b"tampered")
    orphan = store.root / "ff" / "ee" / ("ffee" + "0" * 60)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a rolled-back upload")
    check = evidence.verify_store(session, actor=admin, store=store)
    assert (check.missing, check.corrupt, check.orphans) == ([a.id], [b.id], [orphan.name])
    assert not check.ok and check.attachments == 3 and check.files == 3
    with pytest.raises(EvidenceError, match="证据文件缺失：a.jpg"):
        evidence.open_attachment(session, actor=coordinator, attachment_id=a.id, store=store)
    with pytest.raises(EvidenceError, match="证据文件已损坏：b.pdf"):
        evidence.open_attachment(session, actor=coordinator, attachment_id=b.id, store=store)
    with pytest.raises(PermissionDenied):
        evidence.verify_store(session, actor=coordinator, store=store)
    # uploading the same content again repairs the damaged copy
    report(session, coordinator, item, [("b-again.pdf", PDF)], store)
    assert evidence.verify_store(session, actor=admin, store=store).corrupt == []


# ------------------------------------------------------------------ backup and restore (README)

def _backup_database(url: str, dest: Path) -> str:
    """The README's procedure, step 1: an online copy of the database; returns the restored URL."""
    if url.startswith("sqlite"):
        target = dest / "ledger.db"
        with sqlite3.connect(make_url(url).database) as src, sqlite3.connect(target) as dst:
            src.backup(dst)  # what `sqlite3 ledger.db ".backup …"` does: consistent, WAL included
        return f"sqlite:///{target}"
    libpq = make_url(url).set(drivername="postgresql")
    dump = dest / "ledger.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump),
                    libpq.render_as_string(hide_password=False)], check=True)
    restored = libpq.set(database=f"ledger_restore_{uuid.uuid4().hex[:10]}")
    admin = libpq.set(database="postgres").render_as_string(hide_password=False)
    subprocess.run(["psql", "-q", admin, "-c", f'CREATE DATABASE "{restored.database}"'], check=True)
    subprocess.run(["pg_restore", "--no-owner", "-d",
                    restored.render_as_string(hide_password=False), str(dump)], check=True)
    return restored.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _drop(url: str) -> None:
    if not url.startswith("sqlite"):
        from tests.conftest import drop_postgres_database
        drop_postgres_database(url)


def test_a_backup_of_database_then_evidence_folder_restores_everything(database_url, session,
                                                                        tmp_path):
    store = EvidenceStore(tmp_path / "data" / "evidence")
    item = make_item(session)
    coordinator, admin = make_actor(session), make_actor(session, Role.ADMIN)
    report(session, coordinator, item, [("a.jpg", JPEG), ("b.pdf", PDF)], store)
    session.commit()
    backup = tmp_path / "backup"
    backup.mkdir()
    restored_url = _backup_database(database_url, backup)        # 1. the database first
    shutil.copytree(store.root, backup / "evidence")             # 2. then the evidence folder
    try:
        shutil.rmtree(tmp_path / "data")                         # the machine is lost
        restored = EvidenceStore(backup / "evidence")
        with Session(engine_for(restored_url)) as s:
            check = evidence.verify_store(s, actor=admin, store=restored)
            assert check.ok and check.attachments == 2 and check.orphans == []
            ids = s.scalars(select(Attachment.id).order_by(Attachment.id)).all()
            data = [evidence.open_attachment(s, actor=coordinator, attachment_id=i,
                                             store=restored).data for i in ids]
            assert data == [JPEG, PDF]
            assert s.get(Item, item.id).latest_progress == "已完成整改"
    finally:
        engine_for(restored_url).dispose()
        _drop(restored_url)


def test_evidence_copied_before_the_database_can_miss_files(database_url, session, tmp_path):
    """Why the README says database first: files added between the two copies are lost."""
    store = EvidenceStore(tmp_path / "data" / "evidence")
    item = make_item(session)
    coordinator, admin = make_actor(session), make_actor(session, Role.ADMIN)
    report(session, coordinator, item, [("a.jpg", JPEG)], store)
    session.commit()
    backup = tmp_path / "backup"
    shutil.copytree(store.root, backup / "evidence")             # wrong order: evidence first
    report(session, coordinator, item, [("late.pdf", PDF)], store, text="又一次报送")
    session.commit()
    restored_url = _backup_database(database_url, backup)
    try:
        with Session(engine_for(restored_url)) as s:
            check = evidence.verify_store(s, actor=admin, store=EvidenceStore(backup / "evidence"))
            late = s.scalar(select(Attachment.id).where(Attachment.filename == "late.pdf"))
            assert check.missing == [late]
    finally:
        engine_for(restored_url).dispose()
        _drop(restored_url)
