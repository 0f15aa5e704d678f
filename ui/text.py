"""Text as shown: the one escaping helper (every piece of user text shown through Markdown goes
through `plain`) and table cells (`cell`: a dash, never "None"/"NaN"/"NaT", for a missing value).

User text (descriptions, progress reports, reasons, file names, unit names typed by users) must
never become a link, an image, HTML or formatting: an outside link or `<img>` would mislead and
break the offline promise. Widgets that do not render Markdown (tables, inputs) need nothing."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~$])")
# Bare addresses GitHub-flavoured Markdown links by itself: a backslash before ":", "." or "@"
# (any ASCII punctuation may be escaped) leaves the text as typed but no longer an address.
_AUTOLINKS = ((re.compile(r"(?i)\b(https?|ftp)://"), r"\1\\://"), (re.compile(r"(?i)\bwww\."), r"www\\."),
              (re.compile(r"(\w)@(?=\w)"), r"\1\\@"))


def plain(text: str | None) -> str:
    """User text made safe for st.markdown (no accidental bold, links, HTML or headings)."""
    if not text:
        return ""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    for pattern, replacement in _AUTOLINKS:                               # https\:// www\. a\@b
        escaped = pattern.sub(replacement, escaped)
    escaped = re.sub(r"(?m)^(\s*)([-+])(\s)", r"\1\\\2\3", escaped)          # not a bullet
    escaped = re.sub(r"(?m)^(\s*)(\d+)([.)])(\s)", r"\1\2\\\3\4", escaped)  # not a numbered list
    return escaped.replace("\n", "  \n")


EMPTY = "—"       # an empty cell in a table: never "None", "NaN" or "NaT"


def cell(value, *, when: str = "%Y-%m-%d %H:%M", empty: str = EMPTY) -> str:
    """A table cell as text: `empty` for a missing value (None, NaN, NaT, ""), a day or a time
    formatted (`when`), anything else as str()."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return empty
    if hasattr(value, "strftime"):
        try:
            return value.strftime(when if hasattr(value, "hour") else "%Y-%m-%d")
        except ValueError:                       # pandas' NaT has strftime but no value
            return empty
    return str(value)


def cells(values, **kwargs) -> list[str]:
    """cell() of each value."""
    return [cell(v, **kwargs) for v in values]
