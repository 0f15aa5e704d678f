"""The evidence store (一案一档): files under `<data_dir>/evidence`, content-addressed by sha256.

A file lives at `ab/cd/<sha256>` and is described by Attachment rows (the same content uploaded
twice is stored once and described twice). Files are written before the rows are flushed, through
a temporary file and a rename, so a committed row always has its whole file; a rolled-back upload
can leave an unreferenced file behind, which `verify_store` lists as an orphan and which is
harmless. Files are never changed or deleted, so a copy of the folder taken *after* a copy of the
database holds every file that database copy refers to (README: Backup and restore).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require, require_item
from core.errors import FieldProblem, LedgerError, NotFound, PermissionDenied, ValidationFailed
from core.messages import say
from core.settings import Settings
from db.models import Attachment, User

MB = 1024 * 1024
# What a file is for. Items: evidence of progress, acceptance documents, the public notice.
# Referrals: the materials sent (移送材料) and the receiver's documents. Interviews: the minutes
# (约谈纪要), the rectification plan, and anything else. Supervision: a unit's response.
PURPOSES = ("evidence", "acceptance", "notice", "referral_material", "referral_feedback",
            "interview_minutes", "interview_plan", "interview_other", "notice_response")


@dataclass(frozen=True)
class Owner:
    """The record a file belongs to: an item, a referral, an interview (…), by kind and id."""

    kind: str
    id: int


# Owner kind → the Attachment column that names it.
OWNER_COLUMNS = {"item": Attachment.item_id, "referral": Attachment.referral_id,
                 "interview": Attachment.interview_id}
OWNER_COLUMNS["notice_response"] = Attachment.notice_response_id   # a unit's answer to a 督办 notice


class EvidenceError(LedgerError):
    """An evidence file is missing, damaged, or could not be written."""


@dataclass(frozen=True)
class EvidenceStore:
    """Where evidence files live and how large one may be (bytes)."""

    root: Path
    max_bytes: int = 20 * MB

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceStore:
        return cls(Path(settings.data_dir) / "evidence", int(settings.evidence_max_mb * MB))

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256


# ------------------------------------------------------------------ accepted types

def _jpeg(data: bytes) -> bool:
    return data.startswith(b"\xff\xd8\xff")


def _png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def _tiff(data: bytes) -> bool:
    return data[:4] in (b"II*\x00", b"MM\x00*")


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _heic(data: bytes) -> bool:  # phone photos taken on site
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc")


# The PDF header, after nothing but a BOM or whitespace (readers tolerate up to 1 KB of anything
# before it, PDF 1.7 §7.5.2, but a file that needs that could be a web page in disguise).
_PDF_HEADER = re.compile(rb"\A(?:\xef\xbb\xbf)?[\x00\t\n\f\r ]{0,1024}%PDF-[12]\.[0-9]")
# Markup a browser would render or run; never in a PDF's first kilobyte (binary streams come later,
# and these five-plus-byte words are too long to appear there by chance).
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|script|svg|iframe|meta|object|embed)", re.IGNORECASE)


def _pdf(data: bytes) -> bool:
    """A PDF header at the start, an end-of-file marker near the end, no HTML up front: an HTML
    page with "%PDF-" somewhere in its first kilobyte does not pass."""
    return (_PDF_HEADER.match(data[:1100]) is not None and b"%%EOF" in data[-2048:]
            and _MARKUP.search(data[:1024]) is None)


def _ole(data: bytes) -> bool:  # .doc / .xls (Office 97–2003)
    return data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _zip_with(member: str) -> Callable[[bytes], bool]:
    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return member in z.namelist()
        except zipfile.BadZipFile:
            return False
    return check


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[bytes], bool]


# Extension → type. Both must agree: a renamed .exe is refused by its first bytes.
TYPES: dict[str, FileType] = {
    "jpg": FileType("image/jpeg", _jpeg), "jpeg": FileType("image/jpeg", _jpeg),
    "png": FileType("image/png", _png),
    "tif": FileType("image/tiff", _tiff), "tiff": FileType("image/tiff", _tiff),
    "webp": FileType("image/webp", _webp), "heic": FileType("image/heic", _heic),
    "pdf": FileType("application/pdf", _pdf),
    "ofd": FileType("application/ofd", _zip_with("OFD.xml")),  # China's e-document format
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     _zip_with("word/document.xml")),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _zip_with("xl/workbook.xml")),
    "doc": FileType("application/msword", _ole), "xls": FileType("application/vnd.ms-excel", _ole),
}


# ------------------------------------------------------------------ checking uploads

@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, ready to store."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def clean_filename(name: str) -> str:
    """The last path part of an uploaded name, without control characters, at most 200 chars."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else base[:200]
    return base


def _problem(filename: str, data: bytes, max_bytes: int) -> str | None:
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if not filename or filename.startswith("."):
        return say("err.file_name")
    if ext not in TYPES:
        return say("err.file_type", ext=ext or "?", allowed="、".join(sorted(TYPES)))
    if not data:
        return say("err.file_empty")
    if len(data) > max_bytes:
        return say("err.file_too_big", size=f"{len(data) / MB:.1f}", limit=f"{max_bytes / MB:g}")
    if not TYPES[ext].matches(data):
        return say("err.file_content", ext=ext)
    return None


def check_files(files: Iterable[tuple[str, bytes]] | None, *,
                store: EvidenceStore | None) -> list[CheckedFile]:
    """Every upload checked (name, extension allow-list, magic bytes, size ≤ store.max_bytes);
    raises ValidationFailed naming each bad file (column = the file name). Writes nothing.
    No files: [] (a store is needed only when there are some)."""
    files = list(files or ())
    if not files:
        return []
    if store is None:
        raise ValueError("store is required when attachments are given")
    checked, problems = [], []
    for raw_name, data in files:
        name = clean_filename(raw_name)
        message = _problem(name, bytes(data), store.max_bytes)
        if message:
            problems.append(FieldProblem(None, name or str(raw_name), message))
            continue
        ext = name.rpartition(".")[2].lower()
        checked.append(CheckedFile(name, TYPES[ext].content_type, bytes(data),
                                   hashlib.sha256(data).hexdigest()))
    if problems:
        raise ValidationFailed(problems)
    return checked


def check_files_into(problems: list[FieldProblem], files: Iterable[tuple[str, bytes]] | None, *,
                     store: EvidenceStore | None) -> list[CheckedFile]:
    """check_files for a form that gathers every problem before it raises: a bad file's problems
    are added to `problems`, and nothing is returned."""
    try:
        return check_files(files, store=store)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return []


# ------------------------------------------------------------------ writing and reading

def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(MB), b""):
            digest.update(block)
    return digest.hexdigest()


def _intact(path: Path, sha256: str) -> bool:
    return path.is_file() and _hash_file(path) == sha256


def write_blob(store: EvidenceStore, checked: CheckedFile) -> bool:
    """Store one file atomically (temp file in the same folder, fsync, rename); True if written,
    False if an intact copy was already there. Raises EvidenceError on an OS failure."""
    target = store.path_for(checked.sha256)
    if _intact(target, checked.sha256):
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(checked.data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise EvidenceError(say("err.evidence_write", name=checked.filename, error=exc)) from exc
    return True


def _owner(item_id: int | None, owner: Owner | None) -> Owner:
    if (item_id is None) == (owner is None):
        raise ValueError("give exactly one of item_id and owner")
    owner = owner or Owner("item", item_id)
    if owner.kind not in OWNER_COLUMNS:
        raise ValueError(f"owner kind must be one of {sorted(OWNER_COLUMNS)}")
    return owner


def save_attachments(session: Session, *, actor: Actor, files: list[CheckedFile],
                     store: EvidenceStore, item_id: int | None = None, owner: Owner | None = None,
                     purpose: str = "evidence", progress_report_id: int | None = None,
                     at: datetime | None = None) -> list[Attachment]:
    """Store checked files and add their Attachment rows (flushed), stamped `at` (default now),
    for an item (`item_id`) or another record (`owner`). The caller has already checked the
    actor's permission on that record and audits the write; raises EvidenceError."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    owner = _owner(item_id, owner)
    rows, at = [], at or datetime.now()
    for f in files:
        write_blob(store, f)
        rows.append(Attachment(**{OWNER_COLUMNS[owner.kind].key: owner.id},
                               progress_report_id=progress_report_id,
                               purpose=purpose, filename=f.filename, content_type=f.content_type,
                               size_bytes=f.size, sha256=f.sha256, uploaded_by=actor.id,
                               created_at=at))
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    item_id: int | None          # None: the file belongs to another record (`owner`)
    progress_report_id: int | None
    purpose: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str | None
    created_at: datetime | None
    owner: Owner | None = None


def _owner_of(row: Attachment) -> Owner:
    return next(Owner(kind, getattr(row, column.key)) for kind, column in OWNER_COLUMNS.items()
                if getattr(row, column.key) is not None)


@dataclass(frozen=True)
class AttachmentFile:
    """A stored file read back for download (content verified against its hash)."""

    info: AttachmentInfo
    data: bytes = field(repr=False)


def _info_select():
    return (select(Attachment, User.display_name)
            .outerjoin(User, User.id == Attachment.uploaded_by))


def _info(row: Attachment, uploader: str | None) -> AttachmentInfo:
    return AttachmentInfo(row.id, row.item_id, row.progress_report_id, row.purpose, row.filename,
                          row.content_type, row.size_bytes, row.sha256, uploader, row.created_at,
                          _owner_of(row))


def list_attachments(session: Session, *, actor: Actor, item_id: int) -> list[AttachmentInfo]:
    """Evidence of one item, oldest first; raises PermissionDenied for an item out of scope."""
    require_item(session, actor, "item.read", item_id)
    rows = session.execute(_info_select().where(Attachment.item_id == item_id)
                           .order_by(Attachment.id))
    return [_info(a, name) for a, name in rows]


def attachments_of(session: Session, *, owner: Owner) -> list[AttachmentInfo]:
    """Files of one record that is not an item, oldest first. No permission check: the caller
    (core.referrals, core.interviews, …) has checked that the actor may read that record."""
    rows = session.execute(_info_select().where(OWNER_COLUMNS[_owner(None, owner).kind] == owner.id)
                           .order_by(Attachment.id))
    return [_info(a, name) for a, name in rows]


def open_attachment(session: Session, *, actor: Actor, attachment_id: int,
                    store: EvidenceStore, owner: Owner | None = None) -> AttachmentFile:
    """The file of one attachment, for download; raises NotFound, PermissionDenied, EvidenceError
    (file missing, or its content no longer matches the hash). An item's file needs the item in
    the actor's scope; another record's file is opened only through that record (`owner`, whose
    read permission the caller has checked) and must belong to it."""
    found = session.execute(_info_select().where(Attachment.id == attachment_id)).first()
    if found is None:
        raise NotFound(f"附件不存在 / attachment {attachment_id} does not exist")
    info = _info(*found)
    if info.item_id is not None and owner is None:
        require_item(session, actor, "item.read", info.item_id)
    elif owner is None or info.owner != owner:
        raise PermissionDenied(f"{actor.username} may not open attachment {attachment_id} here")
    return read_attachment(store, info)


def read_attachment(store: EvidenceStore, info: AttachmentInfo) -> AttachmentFile:
    """The bytes of a described file, checked against its hash; raises EvidenceError."""
    path = store.path_for(info.sha256)
    if not path.is_file():
        raise EvidenceError(say("err.evidence_missing", name=info.filename))
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise EvidenceError(say("err.evidence_corrupt", name=info.filename))
    return AttachmentFile(info, data)


# ------------------------------------------------------------------ checking the whole store

@dataclass(frozen=True)
class StoreCheck:
    """Result of `verify_store`: attachment ids whose file is missing or damaged, and files
    that no row refers to (left by rolled-back uploads; harmless)."""

    attachments: int
    files: int
    missing: list[int] = field(default_factory=list)
    corrupt: list[int] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.corrupt


def _stored_hashes(store: EvidenceStore) -> set[str]:
    if not store.root.is_dir():
        return set()
    return {p.name for p in store.root.glob("??/??/*") if p.is_file() and not p.name.startswith(".")}


def verify_store(session: Session, *, actor: Actor, store: EvidenceStore) -> StoreCheck:
    """Check every Attachment's file exists and hashes right (each distinct file read once);
    admin only (raises PermissionDenied). Reads every file: minutes on a large store."""
    require(actor, "evidence.verify")
    by_hash: dict[str, list[int]] = {}
    for att_id, sha in session.execute(select(Attachment.id, Attachment.sha256)
                                       .order_by(Attachment.id)).yield_per(10_000):
        by_hash.setdefault(sha, []).append(att_id)
    on_disk = _stored_hashes(store)
    missing, corrupt = [], []
    for sha, ids in by_hash.items():
        if sha not in on_disk:
            missing += ids
        elif not _intact(store.path_for(sha), sha):
            corrupt += ids
    return StoreCheck(sum(map(len, by_hash.values())), len(on_disk), sorted(missing),
                      sorted(corrupt), sorted(on_disk - by_hash.keys()))
