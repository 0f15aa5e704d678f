"""User-visible strings in zh-CN (default) and English: one catalogue file per capability, key →
(中文, English), merged here into `CATALOGUE`; the domain's codes are labelled in `enums`.

Pages never hold literals; they call `ui.t(key)`, which calls `translate` with the session's
language. Enum codes are labelled through `label(member, lang)`. Tests check that every key has
both languages, that no key is defined in two files, and that every enum member has a label.
"""

from __future__ import annotations

from enum import StrEnum

from core.i18n import (
    access,
    calendar,
    common,
    dispatch,
    excel,
    interviews,
    item_page,
    ledger,
    ledger_table,
    overview,
    polish,
    referrals,
    screen,
    supervision,
)
from core.i18n.enums import ENUM_LABELS

LANGS = ("zh", "en")
PARTS = {"common": common.TEXTS, "access": access.TEXTS, "ledger": ledger.TEXTS, "excel": excel.TEXTS,
         "screen": screen.TEXTS, "referrals": referrals.TEXTS, "interviews": interviews.TEXTS,
         "calendar": calendar.TEXTS, "dispatch": dispatch.TEXTS, "supervision": supervision.TEXTS,
         "ledger_table": ledger_table.TEXTS, "overview": overview.TEXTS, "item_page": item_page.TEXTS,
         "polish": polish.TEXTS}


def merged(parts: dict[str, dict[str, tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    """One catalogue from the per-capability files; raises ValueError naming a key found twice."""
    catalogue: dict[str, tuple[str, str]] = {}
    for name, texts in parts.items():
        for key, pair in texts.items():
            if key in catalogue:
                raise ValueError(f"catalogue key {key!r} is defined twice (again in core/i18n/{name}.py)")
            catalogue[key] = pair
    return catalogue


CATALOGUE: dict[str, tuple[str, str]] = merged(PARTS)

__all__ = ["CATALOGUE", "ENUM_LABELS", "LANGS", "label", "translate"]


def translate(key: str, lang: str = "zh", **values) -> str:
    """The string for `key` in `lang` ("zh" or "en"), formatted with `values`; raises KeyError."""
    zh, en = CATALOGUE[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def label(member: StrEnum | str, enum: type[StrEnum] | None = None, lang: str = "zh") -> str:
    """The display label of an enum code; unknown codes are shown as they are."""
    enum = enum or type(member)
    pair = ENUM_LABELS.get(enum, {}).get(str(member.value if isinstance(member, StrEnum) else member))
    if pair is None:
        return str(member)
    return pair[1] if lang == "en" else pair[0]
