"""What an uploaded workbook may cost before openpyxl is let near it.

openpyxl (not read-only, as the import needs merged ranges and number formats exactly) holds every
cell in memory, and an .xlsx is a zip: a 5 MB upload can unpack to gigabytes, and a sheet can
declare a cell at XFD1048576. So before loading: the file's size, the zip's member count, each
member's compression ratio and the total unpacked size (as the zip declares them: Python's zipfile
never yields more than a member declares, and a member lying about it fails its CRC), no DTD in
any XML part (entity expansion), and the number of cells in the sheets, counted by streaming
through them. Each limit broken is one SheetError with a message that says which and by how much.

The measured cost of a realistic 50,000-row ledger: 4.8 MB file, 77 MB unpacked, ratios up to 16,
0.72 million cells, about 270 MB of memory in openpyxl. The limits give it room to double.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

from core.errors import LedgerError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 30 * MB               # the file (LEDGER_IMPORT_MAX_MB)
    max_unpacked: int = 400 * MB           # every part, unpacked
    max_ratio: int = 100                   # unpacked / packed, per part (a zip bomb: thousands)
    max_parts: int = 2000
    max_cells: int = 1_500_000             # <c> elements in all worksheets


class SheetError(LedgerError):
    """The file is not a readable workbook, or no sheet has a ledger header (key: the catalogue
    message import.err.<key>; params fill it)."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


def _fail(key: str, **params) -> SheetError:
    return SheetError(key, **params)


def _mb(n: int) -> str:
    return f"{n / MB:.1f}"


def _members(z: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    parts = z.infolist()
    if len(parts) > limits.max_parts:
        raise _fail("too_many_parts", count=len(parts), limit=limits.max_parts)
    total = sum(p.file_size for p in parts)
    if total > limits.max_unpacked:
        raise _fail("too_large_unpacked", size=_mb(total), limit=_mb(limits.max_unpacked))
    for p in parts:
        if p.file_size > 1024 * 1024 and p.file_size > limits.max_ratio * max(p.compress_size, 1):
            raise _fail("zip_bomb", part=p.filename[:80], ratio=p.file_size // max(p.compress_size, 1))
    return parts


def _scan(z: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """Stream one XML part: refuse a DTD in its prologue; return its <c> (cell) count."""
    cells, tail, head = 0, b"", b""
    with z.open(part) as f:
        while chunk := f.read(MB):
            if len(head) < 4096:
                head += chunk[:4096]
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _fail("xml_dtd", part=part.filename[:80])
            block = tail + chunk
            cells += block.count(b"<c ") + block.count(b"<c>") - tail.count(b"<c ") - tail.count(b"<c>")
            tail = block[-3:]
    return cells


def check_workbook(data: bytes, limits: Limits | None = None) -> None:
    """Raise SheetError unless the workbook stays within `limits` (see the module's docstring)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise _fail("too_big", size=_mb(len(data)), limit=_mb(limits.max_bytes))
    try:
        z = zipfile.ZipFile(BytesIO(data))
    except Exception:  # noqa: BLE001 - zipfile on untrusted bytes: BadZipFile, struct.error, …
        raise _fail("unreadable", detail="not a zip") from None
    with z:
        cells = 0
        for part in _members(z, limits):
            if not part.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                found = _scan(z, part)
            except SheetError:
                raise
            except Exception as exc:  # noqa: BLE001 - bad CRC, zlib.error, encrypted, unsupported method
                raise _fail("unreadable", detail=type(exc).__name__) from None
            if part.filename.startswith("xl/worksheets/"):
                cells += found
                if cells > limits.max_cells:
                    raise _fail("too_many_cells", limit=f"{limits.max_cells:,}")
