"""Error text that `core` raises for users: "中文 / English" from one catalogue key.

Pages show `str(error)`; Chinese comes first because it is the working language, English follows
for visitors. Enum values are labelled in each language (`Status.CLOSED` → 已销号 / Closed); a
field is named by its catalogue label.
"""

from __future__ import annotations

from enum import StrEnum

from core import i18n
from core.errors import FieldProblem


def _in(lang: str, value):
    if isinstance(value, StrEnum):
        return i18n.label(value, lang=lang)
    if isinstance(value, tuple) and len(value) == 2:  # (中文, English), e.g. from `field_label`
        return value[1] if lang == "en" else value[0]
    return value


def say(key: str, **values) -> str:
    """"中文 / English" for a catalogue key (just one text when both read the same).
    Each value `v` is also offered as `v_en`, labelled in English, for the English template."""
    zh_values = {k: _in("zh", v) for k, v in values.items()}
    en_values = {f"{k}_en": _in("en", v) for k, v in values.items()}
    zh = i18n.translate(key, "zh", **zh_values, **en_values)
    en = i18n.translate(key, "en", **{k: _in("en", v) for k, v in values.items()}, **en_values)
    return zh if zh == en else f"{zh} / {en}"


def field_label(key: str) -> tuple[str, str]:
    """(中文, English) label of a catalogue key, e.g. "item.field.deadline" → (整改时限, Deadline)."""
    return i18n.CATALOGUE[key]


def zh(key: str) -> str:
    """The Chinese label of a catalogue key: what a FieldProblem's column shows."""
    return i18n.CATALOGUE[key][0]


def enum_list(members) -> tuple[str, str]:
    """(中文, English) of several enum values, e.g. the states a move may start from."""
    members = list(members)
    return ("、".join(i18n.label(m, lang="zh") for m in members),
            ", ".join(i18n.label(m, lang="en") for m in members))


def text(key: str, lang: str = "zh", **values) -> str:
    """A catalogue text in one language; enum values are labelled, and each value `v` is also
    offered as `v_en` (labelled in English) for templates that name it so."""
    plain = {k: _in(lang, v) for k, v in values.items()}
    return i18n.translate(key, lang, **plain, **{f"{k}_en": _in("en", v) for k, v in values.items()})


def problem(column: str, field_key: str, key: str, **values) -> FieldProblem:
    """A form's FieldProblem that a page can word in one language: `column` as given (a stable
    name), the message "中文 / English" from `key` (for the audit trail and older pages), and the
    keys and values themselves (`field_key` names the field; see `problem_text`)."""
    return FieldProblem(None, column, say(key, **values), field_key=field_key, key=key, values=values)


def problem_text(p: FieldProblem, lang: str = "zh") -> tuple[str, str]:
    """(field, message) of a FieldProblem in one language: from its keys when it carries them,
    else its column as given and the `lang` half of its "中文 / English" message."""
    name = i18n.translate(p.field_key, lang) if p.field_key else p.column
    if p.key:
        return name, text(p.key, lang, **p.values)
    zh_text, sep, en_text = p.message.partition(" / ")
    return name, (en_text if lang == "en" and sep else zh_text if sep else p.message)
