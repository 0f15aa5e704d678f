"""What free text the ledger may hold: no control characters but tab and line breaks.

PostgreSQL refuses a NUL byte in any text column (a DataError mid-write, where SQLite would keep
it), and no person types a control character; a form or an import names the field instead.
"""

from __future__ import annotations

import unicodedata

ALLOWED_CONTROLS = frozenset("\t\n\r")


def has_control_characters(text: str) -> bool:
    """True when `text` holds a control character (NUL, ESC, …) other than tab, CR and LF."""
    return any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in text)
