"""Evidence thumbnails (ui.evidence_preview): made on the server for PNG, JPEG and a PDF's first
page, bounded in pixels and bytes, cached per attachment id + sha256, read only through the
caller's loader; a damaged or hostile file gives "no preview", never an exception."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime

import pytest
from PIL import Image, ImageDraw

from core.errors import PermissionDenied
from core.ledger.evidence import AttachmentInfo, EvidenceError
from tests.pages.page_helpers import PDF, PNG
from ui import evidence_preview as ep
from ui.evidence_preview import LARGE_PX, THUMB_PX, make_preview, preview_kind, thumbnail


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def photo(width=4000, height=3000) -> bytes:
    """A large JPEG (a phone photo's size), a few hundred KB to MB."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    ImageDraw.Draw(image).ellipse([width // 4, height // 4, width // 2, height // 2], fill=(250, 200, 0))
    return encoded(image, "JPEG", quality=95)


def real_pdf() -> bytes:
    """A one-page A4 PDF with a black box at the top left, on white."""
    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).rectangle([0, 0, 620, 400], fill="black")
    return encoded(page, "PDF")


def opened(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image


def info(name: str, content_type: str, sha: str = "a" * 64, attachment_id: int = 1) -> AttachmentInfo:
    return AttachmentInfo(attachment_id, 7, None, "evidence", name, content_type, 10, sha, "李填报",
                          datetime(2026, 3, 2, 9, 30))


@pytest.fixture(autouse=True)
def empty_caches():
    ep._thumb.clear()
    ep._large.clear()
    yield
    ep._thumb.clear()
    ep._large.clear()


# ------------------------------------------------------------------ making them

def test_a_large_photo_becomes_a_small_jpeg():
    data = photo()
    thumb = make_preview(data, "image")
    image = opened(thumb)
    assert max(image.size) == THUMB_PX and image.size == (240, 180)        # aspect kept
    assert len(thumb) < 30_000 < len(data)
    large = opened(make_preview(data, "image", LARGE_PX))
    assert max(large.size) == LARGE_PX


def test_a_png_thumbnail_keeps_transparency_as_white_and_is_never_enlarged():
    tiny = opened(make_preview(PNG, "image"))                 # the 1×1 transparent test PNG
    assert tiny.size == (1, 1) and tiny.getpixel((0, 0)) == (255, 255, 255)
    rgba = Image.new("RGBA", (800, 400), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle([0, 0, 399, 399], fill=(200, 0, 0, 255))
    image = opened(make_preview(encoded(rgba, "PNG"), "image"))
    assert image.size == (240, 120)
    red, white = image.getpixel((30, 60)), image.getpixel((210, 60))
    assert red[0] > 150 and red[1] < 60 and min(white) > 240


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation():
    wide = Image.new("RGB", (600, 300), "white")
    exif = Image.Exif()
    exif[0x0112] = 6                                           # "rotate 90° clockwise to view"
    image = opened(make_preview(encoded(wide, "JPEG", exif=exif.tobytes()), "image"))
    assert image.size == (120, 240)


def test_a_pdf_shows_its_first_page():
    thumb = make_preview(real_pdf(), "pdf")
    image = opened(thumb)
    assert max(image.size) == THUMB_PX and image.size[1] > image.size[0]    # A4 stays portrait
    assert sum(image.getpixel((10, 10))) < 100 and min(image.getpixel((image.size[0] - 10,
                                                                       image.size[1] - 10))) > 230


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n" + b"junk" * 100, "image"),          # a PNG header and nothing sane after
    (PNG[:40], "image"),                                       # cut short
    (b"\xff\xd8\xff\xe0" + bytes(2000), "image"),              # a JPEG header over zeros
    (PDF, "pdf"),                                              # passes the upload check, no pages
    (b"%PDF-1.7\n" + bytes(500) + b"\n%%EOF\n", "pdf"),
    (photo(400, 300)[:3000], "image"),                         # a truncated upload
    (b"", "image"),
    (b"", "pdf"),
])
def test_a_damaged_file_gives_no_preview_not_an_exception(data, kind):
    assert make_preview(data, kind) is None


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width`×`height` pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(64)))
            + chunk(b"IEND", b""))


def test_an_image_claiming_too_many_pixels_is_not_decoded():
    assert make_preview(png_claiming(50_000, 50_000), "image") is None
    assert make_preview(png_claiming(20, 10), "image") is None    # claims little, holds too little


def test_which_files_get_a_preview():
    assert preview_kind(info("现场.JPG", "image/jpeg")) == "image"
    assert preview_kind(info("扫描.png", "application/octet-stream")) == "image"
    assert preview_kind(info("验收报告.pdf", "application/pdf")) == "pdf"
    assert preview_kind(info("方案.docx", "application/vnd.openxmlformats-officedocument."
                                          "wordprocessingml.document")) is None
    assert preview_kind(info("无扩展名", "application/msword")) is None


# ------------------------------------------------------------------ through the loader, cached

class Loader:
    """Counts reads; returns `data` or raises `error`."""

    def __init__(self, data: bytes = b"", error: Exception | None = None):
        self.data, self.error, self.calls = data, error, 0

    def __call__(self) -> bytes:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.data


def test_a_thumbnail_is_read_once_per_attachment_and_content():
    load = Loader(photo(800, 600))
    first = thumbnail(info("a.jpg", "image/jpeg"), load)
    again = thumbnail(info("a.jpg", "image/jpeg"), load)
    assert first == again and opened(first).size == (240, 180) and load.calls == 1
    thumbnail(info("a.jpg", "image/jpeg", sha="b" * 64), load)           # new content: read again
    thumbnail(info("a.jpg", "image/jpeg", attachment_id=2), load)        # another attachment too
    assert load.calls == 3
    assert opened(thumbnail(info("a.jpg", "image/jpeg"), load, large=True)).size == (800, 600)
    assert load.calls == 4


def test_a_refusal_or_a_missing_file_gives_no_preview_and_is_not_cached():
    refused = Loader(error=PermissionDenied("not their unit's"))
    assert thumbnail(info("a.png", "image/png"), refused) is None
    assert thumbnail(info("a.png", "image/png"), refused) is None
    assert refused.calls == 2                        # asked again: the loader checks every time
    allowed = Loader(PNG)
    assert thumbnail(info("a.png", "image/png"), allowed) is not None   # the refusal was not cached
    missing = Loader(error=EvidenceError("证据文件缺失"))
    assert thumbnail(info("b.png", "image/png", sha="c" * 64), missing) is None


def test_no_file_is_read_for_a_kind_that_is_not_previewed():
    load = Loader(b"PK\x03\x04")
    assert thumbnail(info("方案.docx", "application/octet-stream"), load) is None
    assert load.calls == 0


def test_a_damaged_file_through_the_loader_gives_none():
    assert thumbnail(info("坏.png", "image/png"), Loader(b"\x89PNG\r\n\x1a\nbroken")) is None
    assert ep.data_uri(b"\xff\xd8").startswith("data:image/jpeg;base64,")
