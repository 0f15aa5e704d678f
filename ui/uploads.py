"""File uploaders that speak the user's language and state their real cap.

Streamlit 1.67 writes its own English into every dropzone: an "Upload" button and
"30MB per file • XLSX" (the cap of `server.maxUploadSize`, unless the widget passes
`max_upload_size`). Neither text can be set. So:

* `file_uploader` passes the cap to the browser (`max_upload_size`, whole MB; core checks sizes
  again) and sets a CSS variable on the widget's own container (`.st-key-<key>`) holding our note
  ("或拖放到此处 · 每个文件不超过 20 MB · XLSX");
* `inject_style` (app.py, once per run) hides Streamlit's note inside
  `[data-testid="stFileUploaderDropzoneInstructions"]` and shows that variable instead (a
  generic note for an uploader not made here), and words the button in the user's language.

Style-only `st.html` goes to Streamlit's event container: it takes no room on the page. Nothing
outside is loaded (no fonts, no images)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import streamlit as st

from ui.common import t

NOTE_VAR = "--ledger-upload-note"
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'
BUTTON_TEXT = ('[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] '
               '[data-testid="stMarkdownContainer"]')


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (for `content:`): quotes, backslashes and line ends escaped;
    "<" too, so that the text can never close the <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + re.sub(r"[\r\n\f]+", " ", escaped) + '"'


def key_class(key: str) -> str:
    """The class Streamlit puts on a keyed widget's container (its frontend's rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def cap_mb(max_mb: float) -> int:
    """A cap as Streamlit's `max_upload_size` takes it: whole MB, at least 1, never above the cap."""
    return max(1, math.floor(max_mb))


def note(max_mb: float, types: Sequence[str] | None = None) -> str:
    """Our dropzone note in the session's language: the cap and, if limited, the file types."""
    kinds = t("list.sep").join(k.lstrip(".").upper() for k in types) if types else ""
    text = t("upload.note", mb=cap_mb(max_mb))
    return text + t("upload.types", types=kinds) if kinds else text


def style_css() -> str:
    """The page-wide rules (in the session's language)."""
    return (f"{INSTRUCTIONS} > div > span {{display: none;}}\n"
            f"{INSTRUCTIONS} > div::after {{content: var({NOTE_VAR}, {css_string(t('upload.note_any'))});"
            " font-size: 0.875rem; line-height: 1.25; color: rgba(49, 51, 63, 0.6);}\n"
            f"{BUTTON_TEXT} > p {{display: none;}}\n"
            f"{BUTTON_TEXT}::after {{content: {css_string(t('upload.button'))};}}")


def inject_style() -> None:
    """Once per run (app.py): our texts in place of Streamlit's English in every dropzone."""
    st.html(f"<style>{style_css()}</style>")


def widget_css(key: str, max_mb: float, types: Sequence[str] | None = None) -> str:
    return f".{key_class(key)} {{{NOTE_VAR}: {css_string(note(max_mb, types))};}}"


def file_uploader(label: str, *, key: str, max_mb: float, type: Sequence[str] | None = None,
                  where=None, **kwargs):
    """st.file_uploader (in `where`, a column or the page) with the cap told to the browser and
    our note in its dropzone. `key` is required: the note is tied to the widget's container."""
    where = where or st
    st.html(f"<style>{widget_css(key, max_mb, type)}</style>")
    return where.file_uploader(label, type=list(type) if type else None, key=key,
                               max_upload_size=cap_mb(max_mb), **kwargs)
