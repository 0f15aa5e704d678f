"""Evidence previews: a small thumbnail of a photo or of a PDF's first page, made on the server
(Pillow; pypdfium2 for PDFs) so that a 10 MB photo never goes to the browser as a thumbnail, and a
larger view on request (a dialog, rendered only when asked for).

The bytes are read through the caller's loader — for an item's file `ui.item_views` passes one
that calls `core.ledger.evidence.open_attachment`, which checks that the reader may read the item
and that the file still matches its hash. Results are cached per attachment id + sha256 (bounded);
a cached thumbnail is only ever asked for with an AttachmentInfo that a permission-checked listing
(item_detail, item_timeline) gave this reader. A file that cannot be read or decoded (damaged, an
unsupported kind such as HEIC, a decompression bomb) gives None: the page shows the file's name
and "无法预览 / no preview", never an exception.
"""

from __future__ import annotations

import base64
import io
import threading
import warnings
from collections.abc import Callable

import streamlit as st
from PIL import Image, ImageOps

from core.errors import LedgerError
from core.ledger.evidence import AttachmentInfo
from ui.common import t
from ui.text import plain

THUMB_PX = 240          # longest side of a thumbnail (shown at 96–120 px: sharp on a 2× screen)
LARGE_PX = 1400         # longest side of the enlarged view (st.image re-encodes anything past 1460)
MAX_PIXELS = 60_000_000  # larger images are not decoded at all (a 20 MB PNG can hold billions)
THUMB_CACHE = 600       # thumbnails kept per process (~15 KB each)
LARGE_CACHE = 12        # enlarged views kept (~300 KB each)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/tiff", "image/heic"})
IMAGE_EXTS = frozenset({"png", "jpg", "jpeg", "webp", "tif", "tiff", "heic"})
PDF_TYPE = "application/pdf"
_PDFIUM = threading.Lock()   # pdfium is not thread-safe; Streamlit runs sessions in threads

Loader = Callable[[], bytes]


def preview_kind(info: AttachmentInfo) -> str | None:
    """"image", "pdf", or None for a file no preview is attempted for (Word, Excel, OFD …)."""
    ext = info.filename.rpartition(".")[2].lower() if "." in info.filename else ""
    if info.content_type in IMAGE_TYPES or ext in IMAGE_EXTS:
        return "image"
    if info.content_type == PDF_TYPE or ext == "pdf":
        return "pdf"
    return None


# ------------------------------------------------------------------ making them (no Streamlit)

def _flat(image: Image.Image) -> Image.Image:
    """RGB on white (a transparent PNG would turn black as a JPEG)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        back = Image.new("RGB", rgba.size, "white")
        back.paste(rgba, mask=rgba.getchannel("A"))
        return back
    return image.convert("RGB")


def _image(data: bytes, size: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS or not width or not height:
            raise ValueError(f"image of {width}×{height} pixels is not previewed")
        image.draft("RGB", (size, size))      # JPEG: decode at a fraction of the size
        image = ImageOps.exif_transpose(image)  # phone photos: upright
        image.thumbnail((size, size))
        return _flat(image)


def _pdf_page(data: bytes, size: int) -> Image.Image:
    import pypdfium2 as pdfium  # optional at import time: without it PDFs have no preview

    with _PDFIUM:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[0]
            width, height = page.get_size()
            scale = min(size / max(width, height, 1.0), 4.0)
            image = page.render(scale=scale, draw_annots=True).to_pil().convert("RGB")  # a copy
            page.close()
        finally:
            pdf.close()
    image.thumbnail((size, size))
    return image


def make_preview(data: bytes, kind: str, size: int = THUMB_PX) -> bytes | None:
    """A JPEG of the image (or the PDF's first page), its longest side at most `size` pixels;
    None if the bytes cannot be read as that kind (whatever the library raised)."""
    try:
        image = _pdf_page(data, size) if kind == "pdf" else _image(data, size)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80 if size <= THUMB_PX else 85, optimize=True)
        return out.getvalue()
    except Exception:  # noqa: BLE001 - hostile or damaged files raise anything; "no preview"
        return None


# ------------------------------------------------------------------ cached, through the loader

@st.cache_data(max_entries=THUMB_CACHE, show_spinner=False)
def _thumb(attachment_id: int, sha256: str, kind: str, _load: Loader) -> bytes | None:
    return make_preview(_load(), kind, THUMB_PX)


@st.cache_data(max_entries=LARGE_CACHE, show_spinner=False)
def _large(attachment_id: int, sha256: str, kind: str, _load: Loader) -> bytes | None:
    return make_preview(_load(), kind, LARGE_PX)


def thumbnail(info: AttachmentInfo, load: Loader, *, large: bool = False) -> bytes | None:
    """The file's preview (JPEG bytes), or None: no preview for its kind, the file missing or
    damaged, or the reader refused (the loader's check; a refusal or a missing file is not
    cached, so it is asked again next time)."""
    kind = preview_kind(info)
    if kind is None:
        return None
    try:
        return (_large if large else _thumb)(info.id, info.sha256, kind, load)
    except LedgerError:     # PermissionDenied, NotFound, EvidenceError (missing or damaged)
        return None


def data_uri(jpeg: bytes) -> str:
    """The preview inline, for the print view (img-src allows data:)."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


# ------------------------------------------------------------------ on the page

def no_preview(info: AttachmentInfo, *, named: bool = True) -> None:
    """The file's name (unless shown beside) and a small "无法预览 / no preview"."""
    name = f"{plain(info.filename)} · " if named else ""
    st.caption(f":material/hide_image: {name}{t('preview.none')}")


def _show_large(info: AttachmentInfo, load: Loader) -> None:
    picture = thumbnail(info, load, large=True)
    if picture is None:
        no_preview(info)
        return
    st.image(picture, width="stretch")
    page = f" · {t('preview.first_page')}" if preview_kind(info) == "pdf" else ""
    st.caption(f"{plain(info.filename)}{page}")


def preview_tile(info: AttachmentInfo, load: Loader, *, key: str, width: int = 96,
                 named: bool = True) -> bool:
    """A thumbnail with a button that opens the larger view in a dialog; "no preview" (after the
    file's name unless `named` is False: shown beside) if it cannot be made. False (nothing
    shown) for a file of a kind not previewed."""
    if preview_kind(info) is None:
        return False
    picture = thumbnail(info, load)
    if picture is None:
        no_preview(info, named=named)
        return True
    st.image(picture, width=width)
    if st.button(t("preview.enlarge"), key=f"zoom_{key}", icon=":material/zoom_in:", type="tertiary",
                 help=t("preview.enlarge_help", name=plain(info.filename))):
        st.dialog(t("preview.title", name=plain(info.filename)), width="large")(_show_large)(info, load)
    return True
